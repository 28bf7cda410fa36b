/* test-check.c - the Controller check's rows and its Markdown
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-check.h"
#include "xgb-test-util.h"
#include "xgb-xml.h"

/* A Broker advertising @features (pubsub# names) on @jid */
static XgbDiscoInfo *
broker (const char         *jid,
        const char * const *features)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  XgbDiscoInfo *info;

  g_string_append_printf (xml, "<iq type='result' from='%s' id='1'>"
                          "<query xmlns='http://jabber.org/protocol/disco#info'>"
                          "<identity category='pubsub' type='service'/>"
                          "<feature var='http://jabber.org/protocol/pubsub'/>", jid);
  for (guint i = 0; features[i] != NULL; i++)
    g_string_append_printf (xml, "<feature var='http://jabber.org/protocol/pubsub#%s'/>", features[i]);
  g_string_append (xml, "</query></iq>");
  doc = xgb_xml_parse (xml->str, xml->len, &error);
  g_assert_no_error (error);
  info = xgb_disco_info_parse (xmlDocGetRootElement (doc), &error);
  g_assert_no_error (error);
  return info;
}

static const XgbCheckRow *
row (GPtrArray  *rows,
     const char *id)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (((XgbCheckRow *) rows->pdata[i])->id, id))
      return rows->pdata[i];
  g_error ("no row %s", id);
  return NULL;
}

/* Like ejabberd: most features, no get-pending missing, instant nodes */
static void
test_full_broker (void)
{
  const char *features[] = { "create-nodes", "config-node", "delete-nodes", "purge-nodes", "retract-items",
                             "retrieve-items", "persistent-items", "manage-subscriptions", "modify-affiliations",
                             "retrieve-subscriptions", "retrieve-affiliations", "get-pending", "access-whitelist",
                             "access-authorize", "publisher-affiliation", "publish", "subscribe", "collections",
                             "instant-nodes", NULL };
  g_autoptr(XgbDiscoInfo) info = broker ("pubsub.grid.test", features);
  const char *mechanisms[] = { "SCRAM-SHA-256", "EXTERNAL", NULL };
  const char *open_nodes[] = { "sacm/open (access model open)", NULL };
  XgbCheckInput in = {
    .info = info, .account = "admin@grid.test/desk", .tls_version = "TLSv1.3",
    .cipher = "TLS_AES_256_GCM_SHA384", .mechanism = "SCRAM-SHA-256", .mechanisms = mechanisms,
    .default_access_model = "open", .nodes_scanned = TRUE, .n_nodes = 12, .open_nodes = open_nodes,
  };
  g_autoptr(GPtrArray) rows = xgb_check_evaluate (&in);
  g_autofree char *md = NULL;

  g_assert_cmpint (row (rows, "xep-0060#create-nodes")->status, ==, XGB_CHECK_PASS);
  g_assert_cmpint (row (rows, "xep-0060#create-nodes")->level, ==, XGB_CHECK_REQUIRED);
  g_assert_null (row (rows, "xep-0060#create-nodes")->effect);
  /* not advertised, optional: fine, but the effect is named */
  g_assert_cmpint (row (rows, "xep-0060#subscription-options")->status, ==, XGB_CHECK_PASS);
  g_assert_nonnull (strstr (row (rows, "xep-0060#subscription-options")->effect, "Options"));
  g_assert_cmpint (row (rows, "xep-0060#create-and-configure")->status, ==, XGB_CHECK_WARN);
  g_assert_cmpint (row (rows, "xep-0059")->status, ==, XGB_CHECK_WARN);
  g_assert_cmpint (row (rows, "xep-0178")->status, ==, XGB_CHECK_PASS);

  g_assert_cmpint (row (rows, "tls-version")->status, ==, XGB_CHECK_PASS);
  g_assert_nonnull (strstr (row (rows, "tls-version")->detail, "TLS_AES_256_GCM_SHA384"));
  g_assert_cmpint (row (rows, "sasl")->status, ==, XGB_CHECK_PASS);
  g_assert_cmpint (row (rows, "default-access")->status, ==, XGB_CHECK_WARN);
  g_assert_cmpint (row (rows, "open-nodes")->status, ==, XGB_CHECK_WARN);
  g_assert_nonnull (strstr (row (rows, "open-nodes")->detail, "sacm/open"));
  g_assert_cmpint (row (rows, "implicit-create")->status, ==, XGB_CHECK_WARN);
  g_assert_cmpint (row (rows, "broker-domain")->status, ==, XGB_CHECK_PASS);

  md = xgb_check_to_markdown (&in, rows);
  g_assert_true (g_str_has_prefix (md, "# Controller check\n"));
  g_assert_nonnull (strstr (md, "| XEP-0060: get-pending | Recommended | Passes | Supported. | — |"));
  g_assert_nonnull (strstr (md, "## Security"));
}

/* Like Prosody with an old TLS and PLAIN, on another domain, nothing
 * known about the topics yet */
static void
test_weak_broker (void)
{
  const char *features[] = { "create-nodes", "publish", "subscribe", "subscription-options", NULL };
  g_autoptr(XgbDiscoInfo) info = broker ("pubsub.other.test", features);
  const char *mechanisms[] = { "PLAIN", NULL };
  XgbCheckInput in = {
    .info = info, .account = "admin@grid.test", .tls_version = "TLSv1.1", .mechanism = "PLAIN",
    .mechanisms = mechanisms,
  };
  g_autoptr(GPtrArray) rows = xgb_check_evaluate (&in);
  g_autofree char *md = NULL;

  g_assert_cmpint (row (rows, "xep-0060#config-node")->status, ==, XGB_CHECK_FAIL);
  /* servers whitelist without advertising it: a warning, not a failure */
  g_assert_cmpint (row (rows, "xep-0060#access-whitelist")->status, ==, XGB_CHECK_WARN);
  g_assert_cmpint (row (rows, "xep-0060#manage-subscriptions")->status, ==, XGB_CHECK_WARN);
  g_assert_nonnull (row (rows, "xep-0060#config-node")->effect);
  g_assert_cmpint (row (rows, "xep-0060#get-pending")->status, ==, XGB_CHECK_WARN);
  g_assert_nonnull (strstr (row (rows, "xep-0060#get-pending")->effect, "not supported"));
  g_assert_cmpint (row (rows, "xep-0178")->status, ==, XGB_CHECK_WARN);
  g_assert_cmpint (row (rows, "tls-version")->status, ==, XGB_CHECK_FAIL);
  g_assert_cmpint (row (rows, "sasl")->status, ==, XGB_CHECK_FAIL);
  g_assert_cmpint (row (rows, "default-access")->status, ==, XGB_CHECK_UNKNOWN);
  g_assert_cmpint (row (rows, "open-nodes")->status, ==, XGB_CHECK_UNKNOWN);
  g_assert_cmpint (row (rows, "implicit-create")->status, ==, XGB_CHECK_PASS);
  g_assert_cmpint (row (rows, "broker-domain")->status, ==, XGB_CHECK_WARN);

  /* a "|" in a detail cannot break the table */
  g_free (((XgbCheckRow *) row (rows, "broker-domain"))->detail);
  ((XgbCheckRow *) row (rows, "broker-domain"))->detail = g_strdup ("a|b\nc");
  md = xgb_check_to_markdown (&in, rows);
  g_assert_nonnull (strstr (md, "| a\\|b c |"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/check/full-broker", test_full_broker);
  g_test_add_func ("/check/weak-broker", test_weak_broker);

  return g_test_run ();
}
