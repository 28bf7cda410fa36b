/* test-disco.c - disco#info / disco#items parsing and stanza errors,
 * fed with the XEP's own example stanzas
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-disco.h"
#include "xgb-error.h"
#include "xgb-xml.h"
#include "xgb-test-util.h"

static void
test_info (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0030-002-result-set-for-information-request.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = xgb_disco_info_parse (xmlDocGetRootElement (doc), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (info->jid, ==, "plays.shakespeare.lit");
  g_assert_null (info->node);
  g_assert_cmpuint (info->identities->len, ==, 2);
  g_assert_true (xgb_disco_info_has_identity (info, "conference", "text"));
  g_assert_true (xgb_disco_info_has_identity (info, "directory", NULL));
  g_assert_false (xgb_disco_info_has_identity (info, "pubsub", "service"));
  g_assert_cmpuint (info->features->len, ==, 7);
  g_assert_true (xgb_disco_info_has_feature (info, "http://jabber.org/protocol/muc"));
  g_assert_false (xgb_disco_info_has_feature (info, "http://jabber.org/protocol/pubsub"));
  /* sorted */
  for (guint i = 1; i < info->features->len; i++)
    g_assert_cmpint (strcmp (info->features->pdata[i - 1], info->features->pdata[i]), <, 0);
  {
    XgbDiscoIdentity *identity = info->identities->pdata[0];

    g_assert_cmpstr (identity->name, ==, "Play-Specific Chatrooms");
  }
}

static void
test_info_pubsub_service (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-008-pubsub-service-returns-set-of-supported-features.xml");
  g_autoptr(XgbDiscoInfo) info = xgb_disco_info_parse (xmlDocGetRootElement (doc), NULL);

  g_assert_nonnull (info);
  g_assert_true (xgb_disco_info_has_identity (info, "pubsub", "service"));
  g_assert_true (xgb_disco_info_has_feature (info, "http://jabber.org/protocol/pubsub"));
}

static void
test_info_metadata (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-014-service-responds-with-information-and-metadata.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = xgb_disco_info_parse (xmlDocGetRootElement (doc), &error);
  const char *meta = "http://jabber.org/protocol/pubsub#meta-data";

  g_assert_no_error (error);
  g_assert_cmpuint (info->forms->len, ==, 1);
  g_assert_cmpstr (xgb_disco_info_get_form_value (info, meta, "pubsub#title"), ==,
                   "Princely Musings (Atom)");
  g_assert_cmpstr (xgb_disco_info_get_form_value (info, meta, "pubsub#type"), ==,
                   "urn:example:e2ee:bundle");
  g_assert_null (xgb_disco_info_get_form_value (info, "urn:other", "pubsub#title"));
  g_assert_true (xgb_disco_info_has_identity (info, "pubsub", "leaf"));
}

static void
test_info_error (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0030-003-target-entity-does-not-exist.xml");
  g_autoptr(GError) error = NULL;
  XgbDiscoInfo *info = xgb_disco_info_parse (xmlDocGetRootElement (doc), &error);

  g_assert_null (info);
  g_assert_error (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_ITEM_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "item not found"));
}

static void
test_pubsub_error (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-019-subscriptions-retrieval-not-supported.xml");
  g_autoptr(GError) error = NULL;

  g_assert_false (xgb_stanza_error_propagate (xmlDocGetRootElement (doc), &error));
  g_assert_error (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED);
  g_assert_nonnull (strstr (error->message, "feature not implemented"));
  g_assert_nonnull (strstr (error->message, "unsupported: retrieve-subscriptions"));
}

static void
test_error_text_and_hostile (void)
{
  const char *xml =
    "<iq type='error' id='x'><error type='cancel'>"
    "<not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>line one\nline two</text>"
    "<closednode xmlns='http://jabber.org/protocol/pubsub#errors'/>"
    "</error></iq>";
  g_autoptr(xmlDoc) doc = xgb_xml_parse (xml, strlen (xml), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) bad = NULL;
  g_autoptr(GError) bad_error = NULL;
  g_autoptr(xmlDoc) empty = NULL;
  g_autoptr(GError) empty_error = NULL;

  xgb_stanza_error_propagate (xmlDocGetRootElement (doc), &error);
  g_assert_error (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "closednode"));
  g_assert_nonnull (strstr (error->message, "line one line two"));
  g_assert_null (strchr (error->message, '\n'));

  /* No condition at all */
  empty = xgb_xml_parse ("<iq type='error'/>", 18, NULL);
  xgb_stanza_error_propagate (xmlDocGetRootElement (empty), &empty_error);
  g_assert_error (empty_error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_UNDEFINED_CONDITION);

  /* Not XML, and an entity bomb: refused, not expanded */
  bad = xgb_xml_parse ("<iq type='result'", 17, &bad_error);
  g_assert_null (bad);
  g_assert_error (bad_error, XGB_ERROR, XGB_ERROR_PROTOCOL);
}

static void
test_items (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0030-012-result-set-for-all-items.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = xgb_disco_items_parse (xmlDocGetRootElement (doc), &error);
  XgbDiscoItem *item;

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 8);
  item = items->pdata[0];
  g_assert_cmpstr (item->jid, ==, "people.shakespeare.lit");
  g_assert_cmpstr (item->name, ==, "Directory of Characters");
  g_assert_null (item->node);
  item = items->pdata[7];
  g_assert_cmpstr (item->jid, ==, "en2fr.shakespeare.lit");
}

static void
test_items_with_nodes (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0030-017-service-returns-nodes.xml");
  g_autoptr(GPtrArray) items = xgb_disco_items_parse (xmlDocGetRootElement (doc), NULL);

  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, >, 0);
  for (guint i = 0; i < items->len; i++)
    g_assert_nonnull (((XgbDiscoItem *) items->pdata[i])->node);
}

static void
test_wrong_namespace (void)
{
  const char *xml = "<iq type='result'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>";
  g_autoptr(xmlDoc) doc = xgb_xml_parse (xml, strlen (xml), NULL);
  g_autoptr(GError) error = NULL;
  XgbDiscoInfo *info = xgb_disco_info_parse (xmlDocGetRootElement (doc), &error);

  g_assert_null (info);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/disco/info", test_info);
  g_test_add_func ("/disco/info/pubsub-service", test_info_pubsub_service);
  g_test_add_func ("/disco/info/metadata", test_info_metadata);
  g_test_add_func ("/disco/info/error", test_info_error);
  g_test_add_func ("/disco/info/wrong-namespace", test_wrong_namespace);
  g_test_add_func ("/disco/items", test_items);
  g_test_add_func ("/disco/items/nodes", test_items_with_nodes);
  g_test_add_func ("/stanza-error/pubsub-errors", test_pubsub_error);
  g_test_add_func ("/stanza-error/text-and-hostile", test_error_text_and_hostile);

  return g_test_run ();
}
