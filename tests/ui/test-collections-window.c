/* test-collections-window.c - the window on a service that nests nodes
 * (XEP-0248), the scripted server answering with the XEP's own
 * examples (run under with-fake.sh and xvfb)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-test-util.h"
#include "xgb-ui-test.h"
#include "xgb-subscriptions-view.h"

static char *tmpdir;

static GtkWidget *
browser_child (XgbBrowserView *browser,
               const char     *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW, name));
}

static gboolean
membership_says (gpointer browser)
{
  GtkLabel *status = GTK_LABEL (browser_child (browser, g_object_get_data (G_OBJECT (browser), "status")));
  const char *expected = g_object_get_data (G_OBJECT (browser), "expected");

  return strstr (gtk_label_get_text (status), expected) != NULL;
}

static void
wait_status (XgbBrowserView *browser,
             const char     *status,
             const char     *expected)
{
  g_object_set_data (G_OBJECT (browser), "status", (gpointer) status);
  g_object_set_data_full (G_OBJECT (browser), "expected", g_strdup (expected), g_free);
  xgb_ui_wait (membership_says, browser, 30);
}

static gboolean
node_loaded (gpointer node)
{
  return xgb_node_get_loaded (node);
}

static gboolean
parents_listed (gpointer browser)
{
  return gtk_list_box_get_row_at_index (GTK_LIST_BOX (browser_child (browser, "parents_list")), 0) != NULL;
}

static void
check_collections (XgbWindow *window,
                   gpointer   data)
{
  XgbBrowserView *browser;
  XgbNodeTree *tree;
  GListModel *hierarchy;
  g_autoptr(GtkTreeListRow) blogs_row = NULL;
  XgbNode *blogs, *child;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  browser = xgb_window_get_browser_view (window);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  tree = xgb_browser_view_get_tree (browser);
  g_assert_true (xgb_node_tree_get_nests (tree));

  /* XEP-0248 examples 4 and 6: two collections, then blogs' children */
  hierarchy = xgb_browser_view_get_hierarchy (browser);
  g_assert_cmpuint (g_list_model_get_n_items (hierarchy), ==, 2);
  blogs_row = g_list_model_get_item (hierarchy, 0);
  blogs = xgb_node_tree_lookup (tree, "blogs");
  g_assert_nonnull (blogs);
  g_assert_false (xgb_node_get_loaded (blogs));

  /* Clearing the filter (Esc) stops opening collections for it: the
   * first ones asked finish, their children are left closed. */
  xgb_browser_view_set_filter (browser, "zzz");
  g_assert_true (xgb_node_tree_get_loading (tree));
  g_signal_emit_by_name (browser_child (browser, "filter_entry"), "stop-search");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (browser_child (browser, "filter_entry"))), ==, "");
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  g_assert_nonnull (xgb_node_tree_lookup (tree, "moorish_meanderings"));
  g_assert_false (xgb_node_get_loaded (xgb_node_tree_lookup (tree, "moorish_meanderings")));

  /* The filter opens every collection to find a node not yet shown */
  g_assert_true (xgb_node_get_loaded (blogs));
  g_assert_false (xgb_node_get_loaded (xgb_node_tree_lookup (tree, "moorish_meanderings")));
  xgb_browser_view_set_filter (browser, "MOORISH");
  g_assert_true (xgb_node_tree_get_loading (tree));
  g_assert_nonnull (strstr (xgb_browser_view_get_status (browser), "still opening collections"));
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  g_assert_true (xgb_node_get_loaded (blogs));
  {
    GListModel *found = xgb_browser_view_get_filtered_topics (browser);
    g_autoptr(XgbNode) first = NULL;

    g_assert_cmpuint (g_list_model_get_n_items (found), ==, 1);
    first = g_list_model_get_item (found, 0);
    g_assert_cmpstr (xgb_node_get_name (first), ==, "moorish_meanderings");
    /* its children were looked up too: none, so a topic */
    g_assert_cmpint (xgb_node_get_kind (first), ==, XGB_NODE_KIND_TOPIC);
  }
  g_assert_cmpstr (xgb_browser_view_get_status (browser), ==, "1 of 6 nodes match");
  /* The collections list is filtered too */
  g_assert_cmpuint (g_list_model_get_n_items (xgb_browser_view_get_collections (browser)), ==, 0);
  xgb_browser_view_set_filter (browser, "");

  /* Opened, "news" has no children: only "blogs" is a top-level collection */
  {
    GListModel *collections = xgb_browser_view_get_collections (browser);
    g_autoptr(XgbNode) only = NULL;

    g_assert_cmpuint (g_list_model_get_n_items (collections), ==, 1);
    only = g_list_model_get_item (collections, 0);
    g_assert_true (only == blogs);
  }
  gtk_stack_set_visible_child_name (GTK_STACK (browser_child (browser, "lists_stack")), "collections");
  xgb_ui_save_screenshot (GTK_WIDGET (window), "collections-list.png");
  gtk_stack_set_visible_child_name (GTK_STACK (browser_child (browser, "lists_stack")), "hierarchy");

  gtk_tree_list_row_set_expanded (blogs_row, TRUE);
  xgb_ui_wait (node_loaded, blogs, 30);
  g_assert_cmpuint (g_list_model_get_n_items (hierarchy), ==, 6);

  /* Put a node into the collection (example 38); a cycle is refused
   * (example 41) with the server's reason. */
  xgb_browser_view_select_node (browser, blogs);
  g_assert_true (gtk_widget_get_visible (browser_child (browser, "membership_box")));
  gtk_editable_set_text (GTK_EDITABLE (browser_child (browser, "child_entry")), "new-child-node");
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (browser_child (browser, "child_entry"))),
                         "activate");
  wait_status (browser, "membership_status", "Put “new-child-node” into “blogs”.");
  g_assert_nonnull (xgb_node_tree_lookup (tree, "new-child-node"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (browser_child (browser, "children_label"))), ==, "5");

  gtk_editable_set_text (GTK_EDITABLE (browser_child (browser, "child_entry")), "blogs");
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (browser_child (browser, "child_entry"))),
                         "activate");
  wait_status (browser, "membership_status", "not allowed");
  xgb_ui_save_screenshot (GTK_WIDGET (window), "collections.png");

  /* Taking a child out from the collection's page (example 43) */
  gtk_editable_set_text (GTK_EDITABLE (browser_child (browser, "child_entry")), " old-child-node ");
  g_signal_emit_by_name (browser_child (browser, "remove_child_button"), "clicked");
  wait_status (browser, "membership_status", "Took “old-child-node” out of “blogs”");

  /* A child: its parent, and taking it out (example 44: not associated) */
  child = xgb_node_tree_lookup (tree, "princely_musings");
  g_assert_nonnull (child);
  /* Opened, it turns out to have no children: a leaf takes none. */
  xgb_node_tree_expand (tree, child);
  xgb_ui_wait (node_loaded, child, 30);
  g_assert_cmpint (xgb_node_get_kind (child), ==, XGB_NODE_KIND_TOPIC);
  xgb_browser_view_select_node (browser, child);
  xgb_ui_wait (parents_listed, browser, 30);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (browser_child (browser, "parents_label"))), ==, "blogs");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (browser_child (browser, "breadcrumb_label"))), ==, "In blogs");
  g_assert_false (gtk_widget_get_visible (browser_child (browser, "membership_box")));
  gtk_stack_set_visible_child_name (GTK_STACK (browser_child (browser, "node_tabs")), "parents");
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (browser_child (browser, "parents_list")), 1));
  {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (browser_child (browser, "parents_list")), 0);
    GtkWidget *box = gtk_list_box_row_get_child (row);

    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (box))), ==, "blogs");
    g_signal_emit_by_name (gtk_widget_get_last_child (box), "clicked");
  }
  wait_status (browser, "parents_status", "Could not take “princely_musings” out of “blogs”");
  wait_status (browser, "parents_status", "bad request");

  /* Putting it into a second collection; this server calls it a cycle */
  gtk_editable_set_text (GTK_EDITABLE (browser_child (browser, "parent_entry")), "news");
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (browser_child (browser, "parent_entry"))),
                         "activate");
  wait_status (browser, "parents_status", "Could not put “princely_musings” into “news”: The server refused: not allowed");
  xgb_ui_save_screenshot (GTK_WIDGET (window), "collections-parents.png");

  /* A Broker without get-pending: the Subscribers tab says so */
  gtk_stack_set_visible_child_name (GTK_STACK (browser_child (browser, "node_tabs")), "subscriptions");
  {
    GtkWidget *view = browser_child (browser, "subscriptions_view");

    g_assert_nonnull (strstr (xgb_subscriptions_view_get_pending_note (XGB_SUBSCRIPTIONS_VIEW (view)),
                              "get-pending"));
  }
}

static void
test_collections_window (void)
{
  g_autofree char *pw = g_build_filename (tmpdir, "password", NULL);
  g_autofree char *jid = g_strdup_printf ("alice@%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autofree char *broker = g_strdup_printf ("collections.%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  const char *args[] = {
    "--jid", jid, "--password-file", pw, "--host", "127.0.0.1",
    "--port", xgb_test_env ("XGB_FAKE_TLS_PORT"), "--ca-file", xgb_test_env ("XGB_FAKE_CA_FILE"),
    "--broker", broker, "--connect", NULL
  };
  XgbUiRun run;

  g_assert_true (g_file_set_contents (pw, "secret\n", -1, NULL));
  g_assert_cmpint (xgb_ui_run_app (args, check_collections, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-coll-XXXXXX");
  g_test_add_func ("/ui/collections/xep-0248", test_collections_window);
  ret = g_test_run ();
  xgb_test_remove_tmpdir (tmpdir);
  return ret;
}
