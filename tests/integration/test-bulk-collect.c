/* test-bulk-collect.c - a bulk change's targets on a service that nests
 * (XEP-0248), against the scripted server answering with the XEP's own
 * examples: no server available here nests collections (run under
 * with-fake.sh)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-bulk.h"
#include "xgb-test-util.h"

static void
test_collection_subtree (void)
{
  g_autofree char *jid = g_strdup_printf ("alice@%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autofree char *service_jid = g_strdup_printf ("collections.%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autoptr(XgbLoginParams) params = xgb_test_params (jid, "secret", "XGB_FAKE_TLS_PORT", "XGB_FAKE_CA_FILE");
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(XgbDiscoInfo) info = NULL;
  g_autoptr(XgbPubsubService) service = NULL;
  g_autoptr(XgbNodeTree) tree = NULL;
  g_autoptr(XgbBulk) bulk = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) targets = NULL;
  XgbTestResult w = { 0 };
  const char *expected[] = { "blogs", "kingly_ravings", "moorish_meanderings", "princely_musings",
                             "starcrossed_stories", NULL };
  const XgbBulkTarget *first;

  g_assert_true (xgb_test_connect (connection, &error));
  xgb_disco_info_async (connection, service_jid, NULL, NULL, xgb_test_result_cb, &w);
  info = xgb_disco_info_finish (connection, xgb_test_result_wait (&w), &error);
  g_assert_no_error (error);
  service = xgb_pubsub_service_new (connection, info);
  tree = xgb_node_tree_new (service, TRUE, NULL);

  /* The collection and every node under it, asked of the service (each
   * child is asked for children of its own) */
  xgb_bulk_collect_async (tree, xgb_node_tree_add (tree, "blogs", NULL), NULL, xgb_test_result_cb, &w);
  targets = xgb_bulk_collect_finish (tree, xgb_test_result_wait (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (targets, expected);

  /* The script answers owner requests with feature-not-implemented:
   * every node is "cannot be read", with the server's words, and
   * nothing is to be sent */
  bulk = xgb_bulk_new (service, (const char * const *) targets, XGB_BULK_AFFILIATION, "bob@xgb.test", "owner");
  xgb_bulk_preview_async (bulk, NULL, xgb_test_result_cb, &w);
  g_assert_true (xgb_bulk_preview_finish (bulk, xgb_test_result_wait (&w), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (xgb_bulk_count (bulk, XGB_BULK_UNREADABLE), ==, 5);
  g_assert_cmpuint (xgb_bulk_count (bulk, XGB_BULK_WILL_CHANGE), ==, 0);
  g_assert_cmpuint (xgb_bulk_get_done (bulk), ==, 5);
  first = xgb_bulk_get_target (bulk, 0);
  g_assert_nonnull (strstr (first->reason, "feature not implemented"));

  xgb_test_result_clear (&w);
  xgb_connection_disconnect (connection);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bulk/collection-subtree", test_collection_subtree);
  ret = g_test_run ();
  /* the connection threads end before exit, or LSan sees their state */
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
