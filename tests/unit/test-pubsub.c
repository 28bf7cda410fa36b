/* test-pubsub.c - XEP-0060 and XEP-0059 parsing, fed with the XEPs'
 * own example stanzas
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-connection.h"
#include "xgb-error.h"
#include "xgb-login-params.h"
#include "xgb-pubsub.h"
#include "xgb-rsm.h"
#include "xgb-xml.h"
#include "xgb-test-util.h"

static xmlDoc *
parse (const char *xml)
{
  xmlDoc *doc = xgb_xml_parse (xml, strlen (xml), NULL);

  g_assert_nonnull (doc);
  return doc;
}

static void
test_items_rsm (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-076-service-returns-some-items-via-result-set-management.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubItemPage) page = xgb_pubsub_parse_items (xmlDocGetRootElement (doc), &error);
  XgbPubsubItem *item;
  g_autofree char *iso = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 3);
  item = page->items->pdata[0];
  g_assert_cmpstr (item->id, ==, "368866411b877c30064a5f62b917cffe");
  g_assert_null (item->publisher);
  g_assert_true (g_str_has_prefix (item->payload, "<entry xmlns=\"http://www.w3.org/2005/Atom\">"));
  g_assert_cmpuint (item->size, ==, strlen (item->payload));
  /* Atom <published>: the payload's own time */
  g_assert_nonnull (item->timestamp);
  iso = g_date_time_format_iso8601 (item->timestamp);
  g_assert_cmpstr (iso, ==, "2003-12-12T17:47:23Z");

  g_assert_nonnull (page->rsm);
  g_assert_cmpstr (page->rsm->first, ==, "368866411b877c30064a5f62b917cffe");
  g_assert_cmpstr (page->rsm->last, ==, "4e30f35051b7b8b42abe083742187228");
  g_assert_cmpint (page->rsm->first_index, ==, 0);
  g_assert_cmpint (page->rsm->count, ==, 19);
}

static void
test_items_publisher (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-103-service-returns-items.xml");
  g_autoptr(XgbPubsubItemPage) page = xgb_pubsub_parse_items (xmlDocGetRootElement (doc), NULL);
  XgbPubsubItem *item;

  g_assert_nonnull (page);
  g_assert_cmpuint (page->items->len, ==, 1);
  item = page->items->pdata[0];
  g_assert_cmpstr (item->publisher, ==, "hamlet@denmark.lit");
  /* The example holds text, no element: no payload, no time */
  g_assert_null (item->payload);
  g_assert_null (item->timestamp);
  g_assert_null (page->rsm);
}

static void
test_items_all (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-075-service-returns-all-items.xml");
  g_autoptr(XgbPubsubItemPage) page = xgb_pubsub_parse_items (xmlDocGetRootElement (doc), NULL);

  g_assert_nonnull (page);
  g_assert_cmpuint (page->items->len, >, 1);
  g_assert_null (page->rsm);
}

static void
test_items_malformed (void)
{
  g_autoptr(xmlDoc) doc = parse ("<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'/></iq>");
  g_autoptr(xmlDoc) wrong_ns = parse ("<iq type='result'><pubsub xmlns='urn:other'><items node='x'/></pubsub></iq>");
  g_autoptr(xmlDoc) odd = parse ("<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                 "<items node='x'><item/><bogus/><item id='a'>text only</item></items></pubsub></iq>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(XgbPubsubItemPage) page = NULL;

  g_assert_null (xgb_pubsub_parse_items (xmlDocGetRootElement (doc), &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL);
  g_assert_null (xgb_pubsub_parse_items (xmlDocGetRootElement (wrong_ns), &error2));
  g_assert_error (error2, XGB_ERROR, XGB_ERROR_PROTOCOL);

  /* Items without id or payload are kept as they are; no crash. */
  page = xgb_pubsub_parse_items (xmlDocGetRootElement (odd), NULL);
  g_assert_cmpuint (page->items->len, ==, 2);
  g_assert_null (((XgbPubsubItem *) page->items->pdata[0])->id);
  g_assert_null (((XgbPubsubItem *) page->items->pdata[1])->payload);
}

static void
test_timestamps (void)
{
  struct { const char *xml; const char *expected; } cases[] = {
    { "<entry xmlns='http://www.w3.org/2005/Atom'><updated>2020-01-02T03:04:05Z</updated></entry>", "2020-01-02T03:04:05Z" },
    { "<IODEF-Document xmlns='urn:ietf:params:xml:ns:iodef-2.0'><Incident><ReportTime>2026-11-26T12:00:00+01:00</ReportTime></Incident></IODEF-Document>",
      "2026-11-26T11:00:00Z" },
    { "<entry xmlns='urn:x'><published>not a time</published></entry>", NULL },
    { "<entry xmlns='urn:x'><n>1</n></entry>", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(xmlDoc) doc = parse (cases[i].xml);
      g_autoptr(GDateTime) time = xgb_pubsub_payload_timestamp (xmlDocGetRootElement (doc));

      if (cases[i].expected == NULL)
        g_assert_null (time);
      else
        {
          g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
          g_autofree char *iso = g_date_time_format_iso8601 (utc);

          g_assert_cmpstr (iso, ==, cases[i].expected);
        }
    }
}

/* The get-pending command's form (XEP-0060 8.7.1) as ejabberd 23.01
 * sends it: a node once per request waiting on it. */
static void
test_pending_nodes (void)
{
  g_autoptr(xmlDoc) doc = parse (
    "<iq type='result' from='pubsub.xgb.test' id='p1'>"
    "<command xmlns='http://jabber.org/protocol/commands' status='executing' sessionid='s1'"
    " node='http://jabber.org/protocol/pubsub#get-pending'>"
    "<x xmlns='jabber:x:data' type='form'>"
    "<field type='hidden' var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#subscribe_authorization</value></field>"
    "<field type='list-single' var='pubsub#node'>"
    "<option><value>t/two</value></option><option><value>t/one</value></option>"
    "<option><value>t/one</value></option></field></x></command></iq>");
  g_autoptr(xmlDoc) bad = parse ("<iq type='result' from='pubsub.xgb.test' id='p2'/>");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) nodes = xgb_pubsub_parse_pending_nodes (xmlDocGetRootElement (doc), &error);
  g_auto(GStrv) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (nodes), ==, 2);
  g_assert_cmpstr (nodes[0], ==, "t/two");
  g_assert_cmpstr (nodes[1], ==, "t/one");

  none = xgb_pubsub_parse_pending_nodes (xmlDocGetRootElement (bad), &error);
  g_assert_null (none);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL);
}

static void
test_affiliations (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-198-service-returns-list-of-affiliated-entities.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = xgb_pubsub_parse_affiliations (xmlDocGetRootElement (doc), &error);
  XgbPubsubAffiliation *a;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  a = list->pdata[0];
  g_assert_cmpstr (a->jid, ==, "hamlet@denmark.lit");
  g_assert_cmpstr (a->affiliation, ==, "owner");
  a = list->pdata[1];
  g_assert_cmpstr (a->affiliation, ==, "outcast");
}

static void
test_subscriptions (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-185-service-returns-list-of-subscriptions.xml");
  g_autoptr(GPtrArray) list = xgb_pubsub_parse_subscriptions (xmlDocGetRootElement (doc), NULL);
  XgbPubsubSubscription *s;

  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, 4);
  s = list->pdata[1];
  g_assert_cmpstr (s->jid, ==, "polonius@denmark.lit");
  g_assert_cmpstr (s->subscription, ==, "unconfigured");
  g_assert_null (s->subid);
  s = list->pdata[3];
  g_assert_cmpstr (s->subid, ==, "004-yyy");

  /* The wrong list is an error, not an empty answer. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (xgb_pubsub_parse_affiliations (xmlDocGetRootElement (doc), &error));
    g_assert_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL);
  }
}

static void
test_rsm (void)
{
  struct { const char *file; const char *first; const char *last; gint64 index; gint64 count; } cases[] = {
    { "xep-0059-004-returning-the-first-page-of-a-result-set.xml", "stpeter@jabber.org", "peterpan@neverland.lit", 0, 800 },
    { "xep-0059-007-returning-an-empty-page.xml", NULL, NULL, -1, 790 },
    { "xep-0059-016-returning-the-item-count.xml", NULL, NULL, -1, 800 },
    { "xep-0059-013-returning-a-result-page-at-an-index.xml", "peter@pixyland.org", "peter@rabbit.lit", 371, 800 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(xmlDoc) doc = xgb_test_load_fixture (cases[i].file);
      xmlNode *query = xgb_xml_child (xmlDocGetRootElement (doc), "query", NULL);
      g_autoptr(XgbRsmResult) rsm = xgb_rsm_parse (query);

      g_test_message ("%s", cases[i].file);
      g_assert_nonnull (rsm);
      g_assert_cmpstr (rsm->first, ==, cases[i].first);
      g_assert_cmpstr (rsm->last, ==, cases[i].last);
      g_assert_cmpint (rsm->first_index, ==, cases[i].index);
      g_assert_cmpint (rsm->count, ==, cases[i].count);
    }
}

static void
test_rsm_build (void)
{
  g_autofree char *first = xgb_rsm_build (10, NULL, NULL, -1);
  g_autofree char *after = xgb_rsm_build (10, "a<b&c", NULL, -1);
  g_autofree char *last = xgb_rsm_build (5, NULL, "", -1);
  g_autofree char *index = xgb_rsm_build (5, NULL, NULL, 370);
  g_autoptr(xmlDoc) doc = NULL;

  g_assert_cmpstr (first, ==, "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max></set>");
  g_assert_cmpstr (after, ==, "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>a&lt;b&amp;c</after></set>");
  g_assert_cmpstr (last, ==, "<set xmlns='http://jabber.org/protocol/rsm'><max>5</max><before/></set>");
  g_assert_cmpstr (index, ==, "<set xmlns='http://jabber.org/protocol/rsm'><max>5</max><index>370</index></set>");

  /* What we build is well-formed and reads back. */
  doc = parse (after);
  g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "set");
}

static void
test_rsm_hostile (void)
{
  g_autoptr(xmlDoc) doc = parse ("<query><set xmlns='http://jabber.org/protocol/rsm'>"
                                 "<first index='-5'>x</first><count>99999999999999999999999</count></set></query>");
  g_autoptr(XgbRsmResult) rsm = xgb_rsm_parse (xmlDocGetRootElement (doc));

  g_assert_nonnull (rsm);
  g_assert_cmpint (rsm->first_index, ==, -1);
  g_assert_cmpint (rsm->count, ==, -1);
  g_assert_null (rsm->last);
}

/* What the service advertises becomes its caps: subscription options
 * (XEP-0060 6.3) only with pubsub#subscription-options, as Prosody 0.12
 * advertises it and ejabberd 23.01 does not. */
static XgbPubsubService *
service_with_features (const char * const *features)
{
  g_autoptr(GString) xml = g_string_new ("<iq type='result' from='pubsub.xgb.test' id='d1'>"
                                         "<query xmlns='http://jabber.org/protocol/disco#info'>"
                                         "<identity category='pubsub' type='service'/>");
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(XgbDiscoInfo) info = NULL;
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; features[i] != NULL; i++)
    g_string_append_printf (xml, "<feature var='http://jabber.org/protocol/pubsub#%s'/>", features[i]);
  g_string_append (xml, "</query></iq>");
  doc = parse (xml->str);
  info = xgb_disco_info_parse (xmlDocGetRootElement (doc), &error);
  g_assert_no_error (error);
  params->jid = g_strdup ("admin@xgb.test");
  connection = xgb_connection_new (params);
  return xgb_pubsub_service_new (connection, info);
}

static void
test_caps_subscription_options (void)
{
  const char *prosody[] = { "subscribe", "retrieve-subscriptions", "subscription-options", NULL };
  const char *ejabberd[] = { "subscribe", "manage-subscriptions", "get-pending", "subscription-notifications", NULL };
  g_autoptr(XgbPubsubService) with = service_with_features (prosody);
  g_autoptr(XgbPubsubService) without = service_with_features (ejabberd);
  const XgbPubsubCapName *names;
  guint n_names = 0;
  gboolean named = FALSE;

  g_assert_true (xgb_pubsub_service_has (with, XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS));
  g_assert_true (xgb_pubsub_service_has (with, XGB_PUBSUB_CAP_SUBSCRIBE));
  g_assert_false (xgb_pubsub_service_has (with, XGB_PUBSUB_CAP_GET_PENDING));
  g_assert_false (xgb_pubsub_service_has (without, XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS));
  g_assert_true (xgb_pubsub_service_has (without, XGB_PUBSUB_CAP_GET_PENDING | XGB_PUBSUB_CAP_MANAGE_SUBSCRIPTIONS));

  /* and it is listed among the features the tools report */
  names = xgb_pubsub_cap_names (&n_names);
  for (guint i = 0; i < n_names; i++)
    if (names[i].cap == XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS)
      named = g_str_equal (names[i].feature, "subscription-options");
  g_assert_true (named);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pubsub/items/rsm", test_items_rsm);
  g_test_add_func ("/pubsub/items/publisher", test_items_publisher);
  g_test_add_func ("/pubsub/items/all", test_items_all);
  g_test_add_func ("/pubsub/items/malformed", test_items_malformed);
  g_test_add_func ("/pubsub/items/timestamps", test_timestamps);
  g_test_add_func ("/pubsub/affiliations", test_affiliations);
  g_test_add_func ("/pubsub/subscriptions", test_subscriptions);
  g_test_add_func ("/pubsub/pending-nodes", test_pending_nodes);
  g_test_add_func ("/pubsub/caps/subscription-options", test_caps_subscription_options);
  g_test_add_func ("/rsm/parse", test_rsm);
  g_test_add_func ("/rsm/build", test_rsm_build);
  g_test_add_func ("/rsm/hostile", test_rsm_hostile);

  return g_test_run ();
}
