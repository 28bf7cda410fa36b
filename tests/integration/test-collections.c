/* test-collections.c - XEP-0248 collections against the scripted server,
 * which answers with the XEP's own examples: no server available here
 * nests collections (run under with-fake.sh)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-pubsub.h"
#include "xgb-test-util.h"

static void
change_cb (XgbPubsubService      *service,
           const XgbPubsubChange *change,
           GString               *log)
{
  g_string_append_printf (log, "%s:%s:%s;", change->action, change->node, change->error ? "failed" : "ok");
}

static void
test_collections (void)
{
  g_autofree char *jid = g_strdup_printf ("alice@%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autofree char *service_jid = g_strdup_printf ("collections.%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autoptr(XgbLoginParams) params = xgb_test_params (jid, "secret", "XGB_FAKE_TLS_PORT", "XGB_FAKE_CA_FILE");
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(XgbDiscoInfo) info = NULL;
  g_autoptr(XgbPubsubService) service = NULL;
  g_autoptr(XgbPubsubNodePage) top = NULL;
  g_autoptr(XgbPubsubNodePage) children = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_auto(GStrv) parents = NULL;
  g_autofree char *created = NULL;
  XgbTestResult w = { 0 };

  g_assert_true (xgb_test_connect (connection, &error));

  /* XEP-0248 example 2 */
  xgb_disco_info_async (connection, service_jid, NULL, NULL, xgb_test_result_cb, &w);
  info = xgb_disco_info_finish (connection, xgb_test_result_wait (&w), &error);
  g_assert_no_error (error);
  service = xgb_pubsub_service_new (connection, info);
  g_assert_true (xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_COLLECTIONS));
  g_signal_connect (service, "change", G_CALLBACK (change_cb), log);

  /* Examples 3-6: the top level, then a collection's children */
  xgb_pubsub_service_list_nodes_async (service, NULL, NULL, 100, NULL, xgb_test_result_cb, &w);
  top = xgb_pubsub_service_list_nodes_finish (service, xgb_test_result_wait (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (top->nodes->len, ==, 2);
  g_assert_cmpstr (((XgbDiscoItem *) top->nodes->pdata[0])->node, ==, "blogs");
  g_assert_cmpstr (((XgbDiscoItem *) top->nodes->pdata[1])->name, ==, "News and announcements");

  xgb_pubsub_service_list_nodes_async (service, "blogs", NULL, 100, NULL, xgb_test_result_cb, &w);
  children = xgb_pubsub_service_list_nodes_finish (service, xgb_test_result_wait (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (children->nodes->len, ==, 4);
  g_assert_cmpstr (((XgbDiscoItem *) children->nodes->pdata[3])->node, ==, "moorish_meanderings");

  /* Transitive parents, found top-down */
  xgb_pubsub_service_get_parents_async (service, "kingly_ravings", NULL, xgb_test_result_cb, &w);
  parents = xgb_pubsub_service_get_parents_finish (service, xgb_test_result_wait (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parents), ==, 1);
  g_assert_cmpstr (parents[0], ==, "blogs");
  g_clear_pointer (&parents, g_strfreev);
  xgb_pubsub_service_get_parents_async (service, "blogs", NULL, xgb_test_result_cb, &w);
  parents = xgb_pubsub_service_get_parents_finish (service, xgb_test_result_wait (&w), &error);
  g_assert_cmpuint (g_strv_length (parents), ==, 0);

  /* It nests for real. */
  xgb_pubsub_service_detect_nesting_async (service, NULL, xgb_test_result_cb, &w);
  g_assert_true (xgb_pubsub_service_detect_nesting_finish (service, xgb_test_result_wait (&w), &error));
  g_assert_no_error (error);

  /* Examples 20-21: a new collection; the reply names no node */
  xgb_pubsub_service_create_async (service, "announcements", TRUE, NULL, NULL, xgb_test_result_cb, &w);
  created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created, ==, "announcements");

  /* Examples 37-38 and 41: associate, and a cycle refused */
  xgb_pubsub_service_associate_async (service, "some-collection", "new-child-node", TRUE, NULL, xgb_test_result_cb, &w);
  g_assert_true (xgb_pubsub_service_change_finish (service, xgb_test_result_wait (&w), &error));
  g_assert_no_error (error);
  xgb_pubsub_service_associate_async (service, "some-collection", "blogs", TRUE, NULL, xgb_test_result_cb, &w);
  g_assert_false (xgb_pubsub_service_change_finish (service, xgb_test_result_wait (&w), &error));
  g_assert_error (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "invalid options"));
  g_clear_error (&error);

  /* Examples 42-44: dissociate, and a node that is not associated */
  xgb_pubsub_service_associate_async (service, "some-collection", "old-child-node", FALSE, NULL, xgb_test_result_cb, &w);
  g_assert_true (xgb_pubsub_service_change_finish (service, xgb_test_result_wait (&w), &error));
  xgb_pubsub_service_associate_async (service, "some-collection", "stranger", FALSE, NULL, xgb_test_result_cb, &w);
  g_assert_false (xgb_pubsub_service_change_finish (service, xgb_test_result_wait (&w), &error));
  g_assert_error (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  /* Every change went through the hook, failures included. */
  g_assert_cmpstr (log->str, ==,
                   "create-collection:announcements:ok;"
                   "associate:some-collection:ok;associate:some-collection:failed;"
                   "dissociate:some-collection:ok;dissociate:some-collection:failed;");
  g_clear_object (&w.result);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pubsub/collections/xep-0248", test_collections);
  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
