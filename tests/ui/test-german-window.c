/* test-german-window.c - the logged-in window in German (LANGUAGE=de)
 * against a real ejabberd (run under tests/servers/with-server.sh and xvfb)
 *
 * After the login the window's text comes from many places: templates,
 * plural messages built in the UI code, the core's status texts. The
 * test checks some of each against po/de.po and saves screenshots of
 * every tab, where German's longer words would show as cut labels.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-audit-window.h"
#include "xgb-bulk-dialog.h"
#include "xgb-check-window.h"
#include "xgb-create-dialog.h"
#include "xgb-delete-dialog.h"
#include "xgb-pending-window.h"
#include "xgb-test-util.h"
#include "xgb-ui-german.h"
#include "xgb-ui-test.h"

static char *tmpdir;

static GtkWidget *
browser_child (XgbBrowserView *browser,
               const char     *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static gboolean
pending_known (gpointer overview)
{
  GtkLabel *pending = GTK_LABEL (gtk_widget_get_template_child (overview, XGB_TYPE_SESSION_VIEW, "pending_label"));
  const char *text = gtk_label_get_text (pending);

  return *text != '\0' && !g_str_equal (text, xgb_ui_german ("Looking…"));
}

static gboolean
node_page_filled (gpointer browser)
{
  const char *text = gtk_label_get_text (GTK_LABEL (browser_child (browser, "items_label")));

  /* "%u persisted item(s)" in German, or "not told by the server" */
  return strstr (text, "gespeichert") != NULL || g_str_equal (text, xgb_ui_german ("Not told by the server"));
}

static gboolean
config_ready (gpointer browser)
{
  return gtk_widget_get_sensitive (browser_child (browser, "config_apply"));
}

static gboolean
check_done (gpointer check)
{
  return !xgb_check_window_get_busy (check);
}

static gboolean
is_closed (gpointer type)
{
  return xgb_ui_find_toplevel (GPOINTER_TO_SIZE (type)) == NULL;
}

/* Opens a dialog or window through its action, checks its German title
 * and saves a screenshot of it; @ready (optional) says when its content
 * is there. */
static void
check_dialog (XgbWindow   *window,
              const char  *action,
              GType        type,
              const char  *title,
              gboolean   (*ready) (gpointer),
              const char  *shot)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  dialog = xgb_ui_wait_toplevel (type);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, xgb_ui_german (title));
  if (ready != NULL)
    xgb_ui_wait (ready, dialog, 30);
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), shot);
  gtk_window_close (dialog);
  xgb_ui_wait (is_closed, GSIZE_TO_POINTER (type), 5);
}

static const char *
tab_title (GtkStack   *tabs,
           const char *name)
{
  return gtk_stack_page_get_title (gtk_stack_get_page (tabs, gtk_stack_get_child_by_name (tabs, name)));
}

static void
check_session_in_german (XgbWindow *window,
                         gpointer   data)
{
  XgbBrowserView *browser;
  XgbSessionView *overview;
  GtkStack *tabs;
  GListModel *topics;
  g_autoptr(XgbNode) found = NULL;
  g_autofree char *match = NULL;
  GtkLabel *subtitle;
  const char *names[] = { "overview", "subscriptions", "affiliations", "configuration", "parents", "items" };
  /* "_Items" is the same word in German */
  const char *titles[] = { "_Overview", "_Subscribers", "_Affiliations", "_Configuration", "_Parents", NULL };

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  browser = xgb_window_get_browser_view (window);
  overview = xgb_browser_view_get_session_view (browser);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  xgb_ui_wait (pending_known, overview, 30);

  /* The header bar (template and the state text set from C) */
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (window), XGB_TYPE_WINDOW,
                                                                                    "logout_button"))),
                   ==, xgb_ui_german ("_Log Out"));
  subtitle = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (window), XGB_TYPE_WINDOW, "subtitle_label"));
  g_assert_nonnull (strstr (gtk_label_get_text (subtitle), xgb_ui_german ("Connected")));

  /* The Controller overview: its labels, and a plural message */
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (overview), xgb_ui_german ("Controller Overview")));
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (overview), xgb_ui_german ("Logged in as")));
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (overview), xgb_ui_german ("Encryption")));
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (overview), xgb_ui_german ("Authentication")));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (
                                     GTK_WIDGET (overview), XGB_TYPE_SESSION_VIEW, "nodes_label"))),
                                   "3 Topics; der Dienst verschachtelt keine Knoten"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (overview),
                                                                                 XGB_TYPE_SESSION_VIEW,
                                                                                 "pending_label"))),
                   ==, xgb_ui_german ("None"));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "session-de.png");

  /* The filter's status (a format from the UI code) */
  xgb_browser_view_set_filter (browser, "host-0001");
  topics = xgb_browser_view_get_filtered_topics (browser);
  g_assert_cmpuint (g_list_model_get_n_items (topics), ==, 1);
  match = g_strdup_printf (xgb_ui_german ("%u of %u topics match"), 1, 3);
  g_assert_cmpstr (xgb_browser_view_get_status (browser), ==, match);

  /* A topic's page: every tab, titled in German */
  found = g_list_model_get_item (topics, 0);
  xgb_browser_view_select_node (browser, found);
  xgb_ui_wait (node_page_filled, browser, 30);
  tabs = GTK_STACK (browser_child (browser, "node_tabs"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *shot = g_strdup_printf ("node-%s-de.png", names[i]);

      g_assert_cmpstr (tab_title (tabs, names[i]), ==, titles[i] ? xgb_ui_german (titles[i]) : "_Items");
      gtk_stack_set_visible_child_name (tabs, names[i]);
      if (g_str_equal (names[i], "configuration"))
        xgb_ui_wait (config_ready, browser, 30);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
      xgb_ui_save_screenshot (GTK_WIDGET (window), shot);
    }
}

/* The dialogs and windows opened from the window, titled in German */
static void
check_dialogs_in_german (XgbWindow *window,
                         gpointer   data)
{
  XgbBrowserView *browser;
  GListModel *topics;
  g_autoptr(XgbNode) found = NULL;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  browser = xgb_window_get_browser_view (window);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  xgb_browser_view_set_filter (browser, "host-0001");
  topics = xgb_browser_view_get_filtered_topics (browser);
  g_assert_cmpuint (g_list_model_get_n_items (topics), ==, 1);
  found = g_list_model_get_item (topics, 0);
  xgb_browser_view_select_node (browser, found);
  xgb_ui_wait (node_page_filled, browser, 30);

  check_dialog (window, "win.new-node", XGB_TYPE_CREATE_DIALOG, "New Node", NULL, "create-de.png");
  check_dialog (window, "win.delete-node", XGB_TYPE_DELETE_DIALOG, "Delete Node", NULL, "delete-de.png");
  check_dialog (window, "win.bulk-change", XGB_TYPE_BULK_DIALOG, "Bulk Change", NULL, "bulk-de.png");
  check_dialog (window, "win.check", XGB_TYPE_CHECK_WINDOW, "Controller Check", check_done, "check-de.png");
  check_dialog (window, "win.pending", XGB_TYPE_PENDING_WINDOW, "Pending Requests", NULL, "pending-de.png");
  check_dialog (window, "win.audit", XGB_TYPE_AUDIT_WINDOW, "Audit Log", NULL, "audit-de.png");
}

/* Topics for the browser to show, made through the core as admin */
static void
seed_topics (void)
{
  g_autoptr(XgbConnection) connection = xgb_test_login ("ADMIN");
  g_autoptr(XgbPubsubService) service = xgb_test_pubsub_service (connection);
  const char *nodes[] = { "sacm/ipsec/host-0001", "sacm/ipsec/host-0002", "mile/iodef/incidents" };
  XgbTestResult r = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *created = NULL;

      xgb_pubsub_service_create_async (service, nodes[i], FALSE, NULL, NULL, xgb_test_result_cb, &r);
      created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&r), &error);
      g_assert_no_error (error);
    }
  xgb_test_result_clear (&r);
  xgb_connection_disconnect (connection);
}

/* Logs in as the admin through the window and runs @check */
static void
run_as_admin (XgbUiCheck check)
{
  static gboolean seeded = FALSE;
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--connect", NULL
  };
  XgbUiRun run;

  if (!seeded)
    seed_topics ();
  seeded = TRUE;
  g_assert_cmpint (xgb_ui_run_app (args, check, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

static void
test_session_in_german (void)
{
  run_as_admin (check_session_in_german);
}

static void
test_dialogs_in_german (void)
{
  run_as_admin (check_dialogs_in_german);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  xgb_ui_german_init (&argc, &argv);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-german-XXXXXX");

  g_test_add_func ("/ui/german/session", test_session_in_german);
  g_test_add_func ("/ui/german/dialogs", test_dialogs_in_german);

  ret = g_test_run ();

  xgb_test_remove_tmpdir (tmpdir);

  return ret;
}
