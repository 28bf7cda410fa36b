/* test-login-window.c - logging in through the window against a real
 * ejabberd (run under tests/servers/with-server.sh and xvfb)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xgb-test-util.h"
#include "xgb-affiliations-view.h"
#include "xgb-confirm-dialog.h"
#include "xgb-create-dialog.h"
#include "xgb-subscriptions-view.h"
#include "xgb-form-view.h"
#include "xgb-xml.h"
#include "xgb-delete-dialog.h"
#include "xgb-options-dialog.h"
#include "xgb-ui-test.h"

static char *tmpdir;

static gboolean
model_has (GListModel *model,
           const char *text)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), text) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
node_page_filled (gpointer browser)
{
  GtkLabel *items = GTK_LABEL (gtk_widget_get_template_child (browser, XGB_TYPE_BROWSER_VIEW, "items_label"));

  return strstr (gtk_label_get_text (items), "persisted item") != NULL;
}

static gboolean
advanced_loaded (gpointer dialog)
{
  return !gtk_widget_get_sensitive (GTK_WIDGET (gtk_widget_get_template_child (dialog, XGB_TYPE_CREATE_DIALOG,
                                                                                "simple_config")));
}

static gboolean
config_ready (gpointer browser)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (gtk_widget_get_template_child (browser, XGB_TYPE_BROWSER_VIEW, "config_apply")));
}

static gboolean
config_saved (gpointer browser)
{
  GtkLabel *status = GTK_LABEL (gtk_widget_get_template_child (browser, XGB_TYPE_BROWSER_VIEW, "config_status"));

  static char *last;

  if (g_strcmp0 (last, gtk_label_get_text (status)) != 0)
    {
      g_free (last);
      last = g_strdup (gtk_label_get_text (status));
      g_test_message ("configuration status: %s", last);
    }
  return g_str_equal (gtk_label_get_text (status), "Saved.");
}

/* The Configuration tab: the server's form as widgets; a change saved
 * and read back from the server. */
static void
check_configuration (XgbBrowserView *browser,
                     XgbNode        *node)
{
  XgbFormView *view = XGB_FORM_VIEW (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW,
                                                                    "config_view"));
  GtkWidget *title;
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(XgbForm) form = NULL;

  xgb_browser_view_show_configuration (browser);
  xgb_ui_wait (config_ready, browser, 30);
  title = xgb_form_view_get_input (view, "pubsub#max_items");
  g_assert_true (GTK_IS_ENTRY (title));
  g_assert_true (GTK_IS_DROP_DOWN (xgb_form_view_get_input (view, "pubsub#access_model")));
  gtk_editable_set_text (GTK_EDITABLE (title), "123");
  xgb_ui_save_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (browser), GTK_TYPE_WINDOW), "configuration.png");
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW, "config_apply"),
                         "clicked");
  xgb_ui_wait (config_saved, browser, 30);

  xgb_pubsub_service_get_config_async (xgb_node_tree_get_service (xgb_browser_view_get_tree (browser)),
                                       xgb_node_get_name (node), NULL, xgb_test_result_cb, &r);
  doc = xgb_pubsub_service_form_finish (xgb_node_tree_get_service (xgb_browser_view_get_tree (browser)),
                                        xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  form = xgb_form_parse (xmlDocGetRootElement (doc), &error);
  g_assert_cmpstr (xgb_form_get_value (form, "pubsub#max_items"), ==, "123");
}

static gboolean
config_refused (gpointer browser)
{
  GtkLabel *status = GTK_LABEL (gtk_widget_get_template_child (browser, XGB_TYPE_BROWSER_VIEW, "config_status"));

  return strstr (gtk_label_get_text (status), "forbidden") != NULL;
}

/* Alice is no owner of the admin's topics: the tab says why. */
static gboolean
node_limited (gpointer node)
{
  return xgb_node_get_limited (node) != NULL;
}

static void
check_limited_access (XgbBrowserView *browser,
                      XgbNode        *node)
{
  GtkLabel *access = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW,
                                                               "access_label"));

  /* Marked, and the overview says why. */
  xgb_ui_wait (node_limited, node, 30);
  g_assert_nonnull (strstr (xgb_node_get_limited (node), "forbidden"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (access), "Limited: "));

  xgb_browser_view_show_configuration (browser);
  xgb_ui_wait (config_refused, browser, 30);
  g_assert_false (config_ready (browser));
  xgb_browser_view_show_overview (browser);
}

static gboolean
pending_known (gpointer overview)
{
  GtkLabel *pending = GTK_LABEL (gtk_widget_get_template_child (overview, XGB_TYPE_SESSION_VIEW, "pending_label"));

  return *gtk_label_get_text (pending) != '\0' && !g_str_equal (gtk_label_get_text (pending), "Looking…");
}

static gboolean
tree_replaced (gpointer browser)
{
  XgbNodeTree *tree = xgb_browser_view_get_tree (browser);

  return tree != g_object_get_data (G_OBJECT (browser), "old-tree") && xgb_ui_tree_loaded (browser);
}

static void
set_folder_separator (XgbBrowserView *browser,
                      const char     *separator)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.xgb.Broker");

  g_object_set_data (G_OBJECT (browser), "old-tree", xgb_browser_view_get_tree (browser));
  g_settings_set_string (settings, "folder-separator", separator);
  xgb_ui_wait (tree_replaced, browser, 30);
}

static gboolean
current_is_host_0002 (gpointer browser)
{
  XgbNode *current = xgb_browser_view_get_current (browser);

  return current != NULL && g_strcmp0 (xgb_node_get_name (current), "sacm/ipsec/host-0002") == 0;
}

/* The folder setting (menu: Flat Services) lists the nodes anew */
static void
check_folder_setting (XgbBrowserView *browser)
{
  GListModel *root;

  set_folder_separator (browser, "");
  root = xgb_node_tree_get_root (xgb_browser_view_get_tree (browser));
  g_assert_cmpuint (g_list_model_get_n_items (root), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(XgbNode) node = g_list_model_get_item (root, i);

      g_assert_cmpint (xgb_node_get_kind (node), ==, XGB_NODE_KIND_TOPIC);
      g_assert_nonnull (strchr (xgb_node_get_label (node), '/'));
    }
  set_folder_separator (browser, "/");
  root = xgb_node_tree_get_root (xgb_browser_view_get_tree (browser));
  g_assert_cmpuint (g_list_model_get_n_items (root), ==, 2);
}

/* The seeded topics show as folders; the filter finds one; its page. */
static void
check_browser (XgbBrowserView *browser)
{
  GListModel *hierarchy;
  GListModel *topics;
  g_autoptr(GtkTreeListRow) first = NULL;
  g_autoptr(GtkTreeListRow) second = NULL;
  g_autoptr(XgbNode) mile = NULL;
  g_autoptr(XgbNode) sacm = NULL;
  g_autoptr(XgbNode) found = NULL;
  GtkLabel *kind;

  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  check_folder_setting (browser);
  xgb_ui_wait (pending_known, xgb_browser_view_get_session_view (browser), 30);
  {
    XgbSessionView *overview = xgb_browser_view_get_session_view (browser);
    GtkLabel *nodes = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (overview), XGB_TYPE_SESSION_VIEW, "nodes_label"));
    GtkLabel *pending = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (overview), XGB_TYPE_SESSION_VIEW, "pending_label"));

    g_assert_true (g_str_has_prefix (gtk_label_get_text (nodes), "3 topics; the service does not nest nodes"));
    g_assert_cmpstr (gtk_label_get_text (pending), ==, "None");
  }
  hierarchy = xgb_browser_view_get_hierarchy (browser);
  g_assert_cmpuint (g_list_model_get_n_items (hierarchy), ==, 2);
  first = g_list_model_get_item (hierarchy, 0);
  second = g_list_model_get_item (hierarchy, 1);
  mile = gtk_tree_list_row_get_item (first);
  sacm = gtk_tree_list_row_get_item (second);
  g_assert_cmpstr (xgb_node_get_label (mile), ==, "mile");
  g_assert_cmpint (xgb_node_get_kind (sacm), ==, XGB_NODE_KIND_FOLDER);
  g_assert_true (gtk_tree_list_row_is_expandable (second));

  /* Opening sacm/ shows ipsec/ (folders are already known). */
  gtk_tree_list_row_set_expanded (second, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (hierarchy), ==, 3);
  /* A flat service has no collections, and the list says why */
  g_assert_cmpuint (g_list_model_get_n_items (xgb_browser_view_get_collections (browser)), ==, 0);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (
                      GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW, "collections_note"))), "does not nest nodes"));

  /* Selecting a row shows the way down to it above its page */
  {
    GtkListView *view = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW,
                                                                      "hierarchy_view"));
    GtkLabel *trail = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW,
                                                                "breadcrumb_label"));

    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (view)), 2);
    g_assert_cmpstr (gtk_label_get_text (trail), ==, "sacm");
    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (view)), 0);
    g_assert_cmpstr (gtk_label_get_text (trail), ==, "Top level");
  }

  xgb_browser_view_set_filter (browser, "HOST-0002");
  topics = xgb_browser_view_get_filtered_topics (browser);
  g_assert_cmpuint (g_list_model_get_n_items (topics), ==, 1);
  found = g_list_model_get_item (topics, 0);
  g_assert_cmpstr (xgb_node_get_name (found), ==, "sacm/ipsec/host-0002");
  g_assert_cmpstr (xgb_browser_view_get_status (browser), ==, "1 of 3 topics match");

  xgb_browser_view_select_node (browser, found);
  xgb_ui_wait (node_page_filled, browser, 30);
  kind = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW, "kind_label"));
  g_assert_cmpstr (gtk_label_get_text (kind), ==, "Topic");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                                 XGB_TYPE_BROWSER_VIEW,
                                                                                 "breadcrumb_label"))),
                   ==, "sacm › ipsec");

  check_limited_access (browser, found);

  xgb_browser_view_set_filter (browser, "no-such-topic");
  g_assert_cmpuint (g_list_model_get_n_items (topics), ==, 0);
  g_assert_nonnull (strstr (xgb_browser_view_get_status (browser), "all 3 scanned"));
  xgb_browser_view_set_filter (browser, "host-0002");

  /* F5 lists anew and comes back to the node and tab that were shown */
  {
    GtkStack *tabs = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW,
                                                               "node_tabs"));
    const char *tab = "parents";

    xgb_browser_view_select_node (browser, found);
    gtk_stack_set_visible_child_name (tabs, tab);
    g_object_set_data (G_OBJECT (browser), "old-tree", xgb_browser_view_get_tree (browser));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (browser), "win.reload", NULL));
    xgb_ui_wait (tree_replaced, browser, 30);
    xgb_ui_wait (current_is_host_0002, browser, 30);
    g_assert_false (xgb_browser_view_get_current (browser) == found);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (tabs), ==, tab);
  }
}

static GtkWidget *
dialog_child (gpointer    dialog,
              GType       type,
              const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), type, name));
}

static gboolean
banner_says (gpointer window)
{
  XgbBanner *banner = xgb_window_get_banner (window);
  const char *expected = g_object_get_data (G_OBJECT (window), "expected-banner");

  return xgb_banner_get_revealed (banner) && strstr (xgb_banner_get_message (banner), expected) != NULL;
}

static void
wait_banner (XgbWindow  *window,
             const char *expected)
{
  g_object_set_data_full (G_OBJECT (window), "expected-banner", g_strdup (expected), g_free);
  xgb_ui_wait (banner_says, window, 30);
}

static GPtrArray *
affiliations_on_server (XgbWindow  *window,
                        const char *node)
{
  g_autoptr(XgbPubsubService) service = xgb_test_pubsub_service (xgb_window_get_connection (window));
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  GPtrArray *list;

  xgb_pubsub_service_get_affiliations_async (service, node, NULL, xgb_test_result_cb, &r);
  list = xgb_pubsub_service_list_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  return list;
}

static gboolean
affiliations_ready (gpointer view)
{
  return !xgb_affiliations_view_get_busy (view) && xgb_affiliations_view_get_current (view) != NULL;
}

static gboolean
affiliations_say (gpointer view)
{
  return affiliations_ready (view) &&
         strstr (xgb_affiliations_view_get_status (view), g_object_get_data (G_OBJECT (view), "expected")) != NULL;
}

static void
wait_affiliations (XgbAffiliationsView *view,
                   const char          *expected)
{
  g_object_set_data_full (G_OBJECT (view), "expected", g_strdup (expected), g_free);
  xgb_ui_wait (affiliations_say, view, 30);
}

static const char *
affiliation_on_server (XgbWindow  *window,
                       const char *node,
                       const char *jid)
{
  g_autoptr(GPtrArray) list = affiliations_on_server (window, node);
  static char found[32];

  g_strlcpy (found, "none", sizeof found);
  for (guint i = 0; i < list->len; i++)
    {
      XgbPubsubAffiliation *a = list->pdata[i];

      if (g_str_equal (a->jid, jid))
        g_strlcpy (found, a->affiliation, sizeof found);
    }
  return found;
}

/* Stories 8.1–8.3 on the Affiliations tab: a change reaches the server;
 * the last owner stays; one's own downgrade asks first. */
static void
check_affiliations (XgbWindow  *window,
                    const char *node)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbAffiliationsView *view = XGB_AFFILIATIONS_VIEW (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                                    XGB_TYPE_BROWSER_VIEW,
                                                                                    "affiliations_view"));
  const char *alice = xgb_test_env ("XGB_TEST_ALICE_JID");
  const char *bob = xgb_test_env ("XGB_TEST_BOB_JID");
  XgbConfirmDialog *confirm;

  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                              XGB_TYPE_BROWSER_VIEW, "node_tabs")),
                                    "affiliations");
  xgb_ui_wait (affiliations_ready, view, 30);
  g_assert_cmpuint (xgb_affiliations_view_get_current (view)->len, ==, 2);
  xgb_ui_save_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW), "affiliations.png");

  xgb_affiliations_view_request_change (view, bob, "member");
  wait_affiliations (view, "is now Member");
  g_assert_cmpstr (affiliation_on_server (window, node, bob), ==, "member");

  /* The last owner is never removed: nothing is sent */
  xgb_affiliations_view_request_change (view, alice, "none");
  g_assert_nonnull (strstr (xgb_affiliations_view_get_status (view), "last owner"));
  g_assert_cmpstr (affiliation_on_server (window, node, alice), ==, "owner");

  /* With a second owner, lowering oneself asks first; Cancel keeps it */
  xgb_affiliations_view_request_change (view, bob, "owner");
  wait_affiliations (view, "is now Owner");
  xgb_affiliations_view_request_change (view, alice, "publisher");
  confirm = xgb_ui_find_toplevel (XGB_TYPE_CONFIRM_DIALOG);
  g_assert_nonnull (confirm);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (confirm));
  xgb_ui_save_screenshot (GTK_WIDGET (confirm), "affiliations-confirm.png");
  g_assert_nonnull (strstr (xgb_confirm_dialog_get_explanation (confirm), "no longer own"));
  xgb_confirm_dialog_respond (confirm, FALSE);
  wait_affiliations (view, "Not changed.");
  g_assert_cmpstr (affiliation_on_server (window, node, alice), ==, "owner");

  xgb_affiliations_view_request_change (view, bob, "none");
  wait_affiliations (view, "Removed");
  g_assert_cmpstr (affiliation_on_server (window, node, bob), ==, "none");
}

static gboolean
subscriptions_say (gpointer view)
{
  return !xgb_subscriptions_view_get_busy (view) && xgb_subscriptions_view_get_current (view) != NULL &&
         strstr (xgb_subscriptions_view_get_status (view), g_object_get_data (G_OBJECT (view), "expected")) != NULL;
}

static void
wait_subscriptions (XgbSubscriptionsView *view,
                    const char           *expected)
{
  g_object_set_data_full (G_OBJECT (view), "expected", g_strdup (expected), g_free);
  xgb_ui_wait (subscriptions_say, view, 30);
}

static gboolean
subscriptions_show_subscribed (gpointer view)
{
  GPtrArray *list = xgb_subscriptions_view_get_current (view);

  return list != NULL && list->len == 1 &&
         g_str_equal (((XgbPubsubSubscription *) list->pdata[0])->subscription, "subscribed");
}

static const char *
subscription_on_server (XgbWindow  *window,
                        const char *node,
                        const char *jid)
{
  XgbPubsubService *service = xgb_node_tree_get_service (xgb_browser_view_get_tree (xgb_window_get_browser_view (window)));
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  static char found[32];

  xgb_pubsub_service_get_subscriptions_async (service, node, NULL, xgb_test_result_cb, &r);
  list = xgb_pubsub_service_list_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  g_strlcpy (found, "none", sizeof found);
  for (guint i = 0; i < list->len; i++)
    {
      XgbPubsubSubscription *sub = list->pdata[i];

      if (g_str_equal (sub->jid, jid))
        g_strlcpy (found, sub->subscription, sizeof found);
    }
  return found;
}

/* Story 7.5 on ejabberd 23.01: it does not advertise
 * pubsub#subscription-options (and answers feature-not-implemented), so
 * the row's Options action is there but insensitive, and says why. */
static void
check_options_unsupported (XgbSubscriptionsView *view,
                           const char           *jid)
{
  XgbPubsubService *service = xgb_node_tree_get_service (xgb_browser_view_get_tree (
    XGB_BROWSER_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (view), XGB_TYPE_BROWSER_VIEW))));
  GtkWidget *button = xgb_subscriptions_view_get_options_button (view, jid);

  g_assert_false (xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS));
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "does not offer subscription options"));
  /* and asking anyway opens nothing */
  xgb_subscriptions_view_edit_options (view, jid, NULL);
  g_assert_null (xgb_ui_find_toplevel (XGB_TYPE_OPTIONS_DIALOG));
}

/* Stories 7.1–7.4 on the Subscribers tab: subscribe an address, see it
 * on the server; unsubscribing asks first (Cancel keeps it). */
static void
check_subscriptions (XgbWindow  *window,
                     const char *node)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbSubscriptionsView *view = XGB_SUBSCRIPTIONS_VIEW (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                                      XGB_TYPE_BROWSER_VIEW,
                                                                                      "subscriptions_view"));
  const char *bob = xgb_test_env ("XGB_TEST_BOB_JID");
  XgbConfirmDialog *confirm;

  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                              XGB_TYPE_BROWSER_VIEW, "node_tabs")),
                                    "subscriptions");
  wait_subscriptions (view, "No one subscribes");

  xgb_subscriptions_view_subscribe (view, bob);
  wait_subscriptions (view, "Subscribed “");
  g_assert_cmpuint (xgb_subscriptions_view_get_current (view)->len, ==, 1);
  g_assert_cmpstr (subscription_on_server (window, node, bob), ==, "subscribed");
  check_options_unsupported (view, bob);
  xgb_ui_save_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW), "subscriptions.png");

  xgb_subscriptions_view_unsubscribe (view, bob, NULL);
  confirm = xgb_ui_find_toplevel (XGB_TYPE_CONFIRM_DIALOG);
  g_assert_nonnull (confirm);
  xgb_confirm_dialog_respond (confirm, FALSE);
  wait_subscriptions (view, "Not changed.");
  g_assert_cmpstr (subscription_on_server (window, node, bob), ==, "subscribed");

  xgb_subscriptions_view_unsubscribe (view, bob, NULL);
  confirm = xgb_ui_find_toplevel (XGB_TYPE_CONFIRM_DIALOG);
  g_assert_nonnull (confirm);
  xgb_confirm_dialog_respond (confirm, TRUE);
  wait_subscriptions (view, "Unsubscribed “");
  g_assert_cmpstr (subscription_on_server (window, node, bob), ==, "none");
}

static gboolean
request_listed (gpointer view)
{
  GPtrArray *pending = xgb_subscriptions_view_get_pending (view);

  return pending != NULL && pending->len == 1 && xgb_subscriptions_view_get_current (view) != NULL &&
         g_str_has_prefix (((XgbPubsubPending *) pending->pdata[0])->subscriber, xgb_test_env ("XGB_TEST_BOB_JID"));
}

static gboolean
subscribed_on_server (gpointer data)
{
  gpointer *args = data;

  return g_str_equal (subscription_on_server (args[0], args[1], args[2]), "subscribed");
}

/* Stories 10.1–10.2: Bob asks to subscribe to an "authorize" topic (with
 * xgb-cli, as Bob); the Subscribers tab shows the request, and Approve
 * makes him a subscriber on the server. */
static void
check_pending (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbNodeTree *tree = xgb_browser_view_get_tree (browser);
  XgbPubsubService *service = xgb_node_tree_get_service (tree);
  XgbSubscriptionsView *view = XGB_SUBSCRIPTIONS_VIEW (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                                      XGB_TYPE_BROWSER_VIEW,
                                                                                      "subscriptions_view"));
  const char *bob = xgb_test_env ("XGB_TEST_BOB_JID");
  const char *node = "mile/iodef/needs-approval";
  const char *config = "<x xmlns='jabber:x:data' type='submit'>"
                       "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                       "<field var='pubsub#access_model'><value>authorize</value></field></x>";
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;
  g_autofree char *cli = g_build_filename (xgb_test_env ("XGB_BUILD_DIR"), "src", "cli", "xgb-cli", NULL);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XGB_PASSWORD", xgb_test_env ("XGB_TEST_BOB_PASSWORD"), TRUE);
  g_autofree char *out = NULL;
  int status = -1;
  const char *argv[] = {
    cli, "--jid", bob, "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
    "subscribe", node, NULL
  };
  gpointer args[3] = { window, (gpointer) node, (gpointer) bob };

  xgb_pubsub_service_create_async (service, node, FALSE, config, NULL, xgb_test_result_cb, &r);
  created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "pending"));

  xgb_browser_view_select_node (browser, xgb_node_tree_add (tree, node, NULL));
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                              XGB_TYPE_BROWSER_VIEW, "node_tabs")),
                                    "subscriptions");
  xgb_ui_wait (request_listed, view, 30);
  g_assert_cmpuint (xgb_subscriptions_view_get_current (view)->len, ==, 0);
  xgb_ui_save_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW), "pending.png");

  xgb_subscriptions_view_answer (view, bob, NULL, TRUE);
  g_assert_nonnull (strstr (xgb_subscriptions_view_get_status (view), "Approved"));
  xgb_ui_wait (subscribed_on_server, args, 30);
  /* and the tab reads the list again by itself */
  xgb_ui_wait (subscriptions_show_subscribed, view, 30);
}

/* Create a topic with a Provider through the dialog, find it on the
 * server with that affiliation; the delete dialog refuses a wrong name,
 * then deletes. */
static void
check_create_delete (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  const char *node = "sacm/ipsec/host-0099";
  XgbCreateDialog *create;
  XgbDeleteDialog *delete;
  g_autoptr(GPtrArray) affiliations = NULL;
  gboolean publisher = FALSE;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-node", NULL));
  create = xgb_ui_find_toplevel (XGB_TYPE_CREATE_DIALOG);
  g_assert_nonnull (create);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (create));
  xgb_ui_save_screenshot (GTK_WIDGET (create), "create-dialog.png");

  /* A bad JID keeps the dialog open and says why. */
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (create, XGB_TYPE_CREATE_DIALOG, "name_entry")), node);
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (create, XGB_TYPE_CREATE_DIALOG, "publishers_entry")),
                         "not a jid");
  g_assert_false (xgb_create_dialog_submit (create));
  g_assert_true (gtk_widget_get_visible (dialog_child (create, XGB_TYPE_CREATE_DIALOG, "publishers_error")));

  gtk_editable_set_text (GTK_EDITABLE (dialog_child (create, XGB_TYPE_CREATE_DIALOG, "publishers_entry")),
                         xgb_test_env ("XGB_TEST_BOB_JID"));
  g_assert_false (gtk_widget_get_visible (dialog_child (create, XGB_TYPE_CREATE_DIALOG, "publishers_error")));

  /* The server's default configuration, with whitelist preset */
  xgb_create_dialog_show_advanced (create);
  xgb_ui_wait (advanced_loaded, create, 30);
  {
    XgbFormView *advanced = XGB_FORM_VIEW (dialog_child (create, XGB_TYPE_CREATE_DIALOG, "advanced_view"));
    GtkWidget *max_items = xgb_form_view_get_input (advanced, "pubsub#max_items");

    g_assert_true (GTK_IS_ENTRY (max_items));
    gtk_editable_set_text (GTK_EDITABLE (max_items), "77");
  }
  xgb_ui_save_screenshot (GTK_WIDGET (create), "create-advanced.png");
  g_assert_true (xgb_create_dialog_submit (create));
  wait_banner (window, "Created");
  g_assert_nonnull (xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), node));
  g_assert_cmpstr (xgb_node_get_name (xgb_browser_view_get_current (browser)), ==, node);

  affiliations = affiliations_on_server (window, node);
  for (guint i = 0; i < affiliations->len; i++)
    {
      XgbPubsubAffiliation *a = affiliations->pdata[i];

      if (g_str_equal (a->jid, xgb_test_env ("XGB_TEST_BOB_JID")) && g_str_equal (a->affiliation, "publisher"))
        publisher = TRUE;
    }
  g_assert_true (publisher);

  /* The advanced configuration was used at creation. */
  {
    XgbTestResult r = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(XgbForm) form = NULL;
    XgbPubsubService *service = xgb_node_tree_get_service (xgb_browser_view_get_tree (browser));

    xgb_pubsub_service_get_config_async (service, node, NULL, xgb_test_result_cb, &r);
    doc = xgb_pubsub_service_form_finish (service, xgb_test_result_wait (&r), &error);
    xgb_test_result_clear (&r);
    g_assert_no_error (error);
    form = xgb_form_parse (xmlDocGetRootElement (doc), &error);
    g_assert_cmpstr (xgb_form_get_value (form, "pubsub#max_items"), ==, "77");
    g_assert_cmpstr (xgb_form_get_value (form, "pubsub#access_model"), ==, "whitelist");
  }

  /* Alice owns this one: its configuration can be changed. */
  check_configuration (browser, xgb_browser_view_get_current (browser));
  check_affiliations (window, node);
  check_subscriptions (window, node);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-node", NULL));
  delete = xgb_ui_find_toplevel (XGB_TYPE_DELETE_DIALOG);
  g_assert_nonnull (delete);
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (delete, XGB_TYPE_DELETE_DIALOG, "name_entry")),
                         "sacm/ipsec/host-009");
  g_assert_false (xgb_delete_dialog_get_can_delete (delete));
  g_assert_false (gtk_widget_get_sensitive (dialog_child (delete, XGB_TYPE_DELETE_DIALOG, "delete_button")));
  xgb_delete_dialog_confirm (delete);
  g_assert_true (xgb_ui_find_toplevel (XGB_TYPE_DELETE_DIALOG) == delete);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (delete));
  xgb_ui_save_screenshot (GTK_WIDGET (delete), "delete-dialog.png");

  gtk_editable_set_text (GTK_EDITABLE (dialog_child (delete, XGB_TYPE_DELETE_DIALOG, "name_entry")), node);
  g_assert_true (xgb_delete_dialog_get_can_delete (delete));
  xgb_delete_dialog_confirm (delete);
  wait_banner (window, "Deleted");
  g_assert_null (xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), node));
}

static void
check_logged_in (XgbWindow *window,
                 gpointer   data)
{
  XgbSessionView *session;
  GtkWidget *subtitle;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);

  session = xgb_window_get_session_view (window);
  g_assert_cmpstr (xgb_session_view_get_broker (session), ==, xgb_test_env ("XGB_TEST_PUBSUB"));
  g_assert_true (model_has (xgb_session_view_get_features (session),
                            "http://jabber.org/protocol/pubsub#create-nodes"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (session)));
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_banner (window)));

  check_browser (xgb_window_get_browser_view (window));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "browser.png");
  check_create_delete (window);
  check_pending (window);

  subtitle = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), XGB_TYPE_WINDOW, "subtitle_label"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (subtitle)), "Connected"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (subtitle)), xgb_test_env ("XGB_TEST_PUBSUB")));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "session.png");

  /* Log out: back to the login, the session gone. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_null (xgb_window_get_connection (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (subtitle)));
}

/* Topics for the browser to show, made through the core as admin. */
static void
seed_topics (void)
{
  g_autoptr(XgbConnection) connection = xgb_test_login ("ADMIN");
  g_autoptr(XgbPubsubService) service = xgb_test_pubsub_service (connection);
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  const char *nodes[] = { "sacm/ipsec/host-0001", "sacm/ipsec/host-0002", "mile/iodef/incidents" };

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autofree char *created = NULL;

      xgb_pubsub_service_create_async (service, nodes[i], FALSE, NULL, NULL, xgb_test_result_cb, &r);
      created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&r), &error);
      g_assert_no_error (error);
    }
  xgb_test_result_clear (&r);
  xgb_connection_disconnect (connection);
}

static void
test_login (void)
{
  seed_topics ();

  g_autofree char *pw = xgb_ui_password_file (tmpdir, "alice", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ALICE_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--connect", NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check_logged_in, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

static void
check_auth_failed (XgbWindow *window,
                   gpointer   data)
{
  XgbBanner *banner = xgb_window_get_banner (window);

  xgb_ui_wait (xgb_ui_banner_revealed, banner, 60);
  g_assert_nonnull (strstr (xgb_banner_get_message (banner), "Authentication failed"));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_false (xgb_login_view_get_busy (xgb_window_get_login_view (window)));
  xgb_ui_wait_for_revealed (banner);
  xgb_ui_save_screenshot (GTK_WIDGET (window), "auth-failed.png");
}

static void
test_wrong_password (void)
{
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "wrong", "wrong-password");
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ALICE_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"),
    "--broker", xgb_test_env ("XGB_TEST_PUBSUB"), "--connect", NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check_auth_failed, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-login-XXXXXX");

  g_test_add_func ("/ui/login/ejabberd", test_login);
  g_test_add_func ("/ui/login/wrong-password", test_wrong_password);

  ret = g_test_run ();

  xgb_test_remove_tmpdir (tmpdir);

  return ret;
}
