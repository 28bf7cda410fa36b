/* test-node-tree.c - the hierarchy model: 2000 path-named topics on a
 * real ejabberd form virtual folders, first rows before the end; the
 * scripted XEP-0248 service forms a real tree (run under with-server.sh
 * ejabberd or with-fake.sh; the test picks by what is set)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-node.h"
#include "xgb-test-util.h"

#define N_AREAS 20
#define N_HOSTS 100

typedef struct
{
  XgbPubsubService *service;
  guint             next;
  guint             in_flight;
  guint             done;
  guint             failed;
} Creator;

static void create_more (Creator *c);

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  Creator *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = xgb_pubsub_service_create_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (node == NULL)
    {
      g_test_message ("create failed: %s", error->message);
      c->failed++;
    }
  c->in_flight--;
  c->done++;
  create_more (c);
}

static void
create_more (Creator *c)
{
  while (c->in_flight < 32 && c->next < N_AREAS * N_HOSTS)
    {
      g_autofree char *node = g_strdup_printf ("grid/area-%02u/host-%04u", c->next / N_HOSTS, c->next);

      c->next++;
      c->in_flight++;
      xgb_pubsub_service_create_async (c->service, node, FALSE, NULL, NULL, created_cb, c);
    }
}

typedef struct
{
  XgbNodeTree *tree;
  gint64       start;
  gint64       first_rows;
  guint        loaded_at_first_rows;
} FirstRows;

static void
root_changed_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 FirstRows  *f)
{
  if (f->first_rows == 0 && g_list_model_get_n_items (model) > 0)
    {
      f->first_rows = g_get_monotonic_time ();
      f->loaded_at_first_rows = xgb_node_tree_get_n_loaded (f->tree);
    }
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_changes)
{
  (*n_changes)++;
}

static gboolean
tree_done (gpointer tree)
{
  return !xgb_node_tree_get_loading (tree);
}

static void
wait_until (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static XgbPubsubService *
service_at (XgbConnection *connection,
            const char    *jid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = NULL;
  XgbTestResult r = { 0 };

  xgb_disco_info_async (connection, jid, NULL, NULL, xgb_test_result_cb, &r);
  info = xgb_disco_info_finish (connection, xgb_test_result_wait (&r), &error);
  g_assert_no_error (error);
  xgb_test_result_clear (&r);
  return xgb_pubsub_service_new (connection, info);
}

static void
test_virtual_folders (void)
{
  g_autoptr(XgbLoginParams) params =
    xgb_test_params (xgb_test_env ("XGB_TEST_ADMIN_JID"), xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"),
                     "XGB_TEST_PORT", "XGB_TEST_CA_FILE");
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(XgbPubsubService) service = NULL;
  g_autoptr(XgbNodeTree) tree = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  Creator c = { 0 };
  FirstRows f = { 0 };
  guint topic_changes = 0;
  gboolean nests;
  XgbNode *grid, *area, *host;
  gint64 end;

  g_assert_true (xgb_test_connect (connection, &error));
  service = service_at (connection, xgb_test_env ("XGB_TEST_PUBSUB"));

  c.service = service;
  create_more (&c);
  while (c.done < N_AREAS * N_HOSTS)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (c.failed, ==, 0);

  /* ejabberd advertises collections, but nests nothing: flat */
  xgb_pubsub_service_detect_nesting_async (service, NULL, xgb_test_result_cb, &r);
  nests = xgb_pubsub_service_detect_nesting_finish (service, xgb_test_result_wait (&r), &error);
  g_assert_no_error (error);
  g_assert_false (nests);
  xgb_test_result_clear (&r);

  tree = xgb_node_tree_new (service, nests, XGB_NODE_TREE_SEPARATOR);
  f.tree = tree;
  g_signal_connect (xgb_node_tree_get_root (tree), "items-changed", G_CALLBACK (root_changed_cb), &f);
  g_signal_connect (xgb_node_tree_get_topics (tree), "items-changed", G_CALLBACK (count_changes_cb), &topic_changes);
  f.start = g_get_monotonic_time ();
  xgb_node_tree_load (tree);
  wait_until (tree_done, tree);
  end = g_get_monotonic_time ();

  g_assert_null (xgb_node_tree_get_error (tree));
  g_test_message ("%u topics: first rows after %.1f ms (with %u of them loaded), all after %.1f ms",
                  xgb_node_tree_get_n_loaded (tree), (f.first_rows - f.start) / 1000.0,
                  f.loaded_at_first_rows, (end - f.start) / 1000.0);
  /* The first rows show before the list is complete. */
  g_assert_cmpuint (f.loaded_at_first_rows, <, N_AREAS * N_HOSTS);
  g_assert_cmpuint (xgb_node_tree_get_n_loaded (tree), ==, N_AREAS * N_HOSTS);
  g_assert_cmpuint (g_list_model_get_n_items (xgb_node_tree_get_topics (tree)), ==, N_AREAS * N_HOSTS);
  /* Inserted in runs, not one signal (and one re-bind of every visible
   * row) per topic */
  g_test_message ("the topics list changed %u times", topic_changes);
  g_assert_cmpuint (topic_changes, <, N_AREAS * N_HOSTS / 20);

  /* grid/ → 20 area folders → 100 topics each */
  g_assert_cmpuint (g_list_model_get_n_items (xgb_node_tree_get_root (tree)), ==, 1);
  grid = g_list_model_get_item (xgb_node_tree_get_root (tree), 0);
  g_object_unref (grid);
  g_assert_cmpint (xgb_node_get_kind (grid), ==, XGB_NODE_KIND_FOLDER);
  g_assert_cmpstr (xgb_node_get_label (grid), ==, "grid");
  g_assert_null (xgb_node_get_name (grid));
  g_assert_cmpuint (g_list_model_get_n_items (xgb_node_get_children (grid)), ==, N_AREAS);

  area = xgb_node_tree_lookup (tree, "grid/area-07");
  g_assert_nonnull (area);
  g_assert_cmpint (xgb_node_get_kind (area), ==, XGB_NODE_KIND_FOLDER);
  g_assert_cmpuint (g_list_model_get_n_items (xgb_node_get_children (area)), ==, N_HOSTS);

  host = xgb_node_tree_lookup (tree, "grid/area-07/host-0700");
  g_assert_nonnull (host);
  g_assert_cmpint (xgb_node_get_kind (host), ==, XGB_NODE_KIND_TOPIC);
  g_assert_cmpstr (xgb_node_get_label (host), ==, "host-0700");
  g_assert_null (xgb_node_get_children (host));
  {
    /* sorted by label inside the folder */
    g_autoptr(XgbNode) first = g_list_model_get_item (xgb_node_get_children (area), 0);

    g_assert_cmpstr (xgb_node_get_label (first), ==, "host-0700");
  }
}

static gboolean
node_loaded (gpointer node)
{
  return xgb_node_get_loaded (node);
}

static void
test_real_tree (void)
{
  g_autofree char *jid = g_strdup_printf ("alice@%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autofree char *service_jid = g_strdup_printf ("collections.%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autoptr(XgbLoginParams) params = xgb_test_params (jid, "secret", "XGB_FAKE_TLS_PORT", "XGB_FAKE_CA_FILE");
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(XgbPubsubService) service = NULL;
  g_autoptr(XgbNodeTree) tree = NULL;
  g_autoptr(GError) error = NULL;
  XgbNode *blogs, *news, *child;

  g_assert_true (xgb_test_connect (connection, &error));
  service = service_at (connection, service_jid);
  tree = xgb_node_tree_new (service, TRUE, XGB_NODE_TREE_SEPARATOR);
  xgb_node_tree_load (tree);
  wait_until (tree_done, tree);

  g_assert_cmpuint (g_list_model_get_n_items (xgb_node_tree_get_root (tree)), ==, 2);
  blogs = xgb_node_tree_lookup (tree, "blogs");
  news = xgb_node_tree_lookup (tree, "news");
  g_assert_nonnull (blogs);
  g_assert_cmpstr (xgb_node_get_title (news), ==, "News and announcements");
  /* Nothing is loaded below until a row is expanded. */
  g_assert_false (xgb_node_get_loaded (blogs));
  g_assert_cmpuint (g_list_model_get_n_items (xgb_node_get_children (blogs)), ==, 0);

  xgb_node_tree_expand (tree, blogs);
  g_assert_true (xgb_node_get_loading (blogs));
  wait_until (node_loaded, blogs);
  g_assert_cmpint (xgb_node_get_kind (blogs), ==, XGB_NODE_KIND_COLLECTION);
  g_assert_cmpuint (g_list_model_get_n_items (xgb_node_get_children (blogs)), ==, 4);
  child = xgb_node_tree_lookup (tree, "princely_musings");
  g_assert_nonnull (child);

  /* A node without children turns out to be a topic. */
  xgb_node_tree_expand (tree, news);
  wait_until (node_loaded, news);
  g_assert_cmpint (xgb_node_get_kind (news), ==, XGB_NODE_KIND_TOPIC);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("XGB_TEST_PUBSUB") != NULL)
    g_test_add_func ("/node-tree/virtual-folders-2000", test_virtual_folders);
  if (g_getenv ("XGB_FAKE_DOMAIN") != NULL)
    g_test_add_func ("/node-tree/xep-0248-tree", test_real_tree);
  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
