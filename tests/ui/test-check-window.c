/* test-check-window.c - the Controller check against ejabberd and
 * Prosody: different, correct results; the scan finds the open topic;
 * the Markdown export (run under tests/servers/with-server.sh and xvfb)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-check-window.h"
#include "xgb-create-dialog.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

static char *tmpdir;

static gboolean
is_prosody (void)
{
  return g_strcmp0 (g_getenv ("XGB_TEST_SERVER"), "prosody") == 0;
}

static void
create_topic (XgbPubsubService *service,
              const char       *node,
              const char       *access_model)
{
  g_autofree char *config = g_strdup_printf ("<x xmlns='jabber:x:data' type='submit'>"
                                             "<field var='FORM_TYPE' type='hidden'>"
                                             "<value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                                             "<field var='pubsub#access_model'><value>%s</value></field></x>",
                                             access_model);

  xgb_test_create_node (service, node, config);
}

static const XgbCheckRow *
row (XgbCheckWindow *check,
     const char     *id)
{
  GPtrArray *rows = xgb_check_window_get_rows (check);

  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (((XgbCheckRow *) rows->pdata[i])->id, id))
      return rows->pdata[i];
  g_error ("no row %s", id);
  return NULL;
}

static gboolean
default_known (gpointer check)
{
  return row (check, "default-access")->status != XGB_CHECK_UNKNOWN;
}

static gboolean
not_busy (gpointer check)
{
  return !xgb_check_window_get_busy (check);
}

static void
check_controller (XgbWindow *window,
                  gpointer   data)
{
  XgbBrowserView *browser;
  XgbCheckWindow *check;
  g_autofree char *path = g_build_filename (tmpdir, "check.md", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *markdown = NULL;
  XgbTestResult r = { 0 };
  const XgbCheckRow *open;
  XgbCreateDialog *create;
  GListModel *models;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  browser = xgb_window_get_browser_view (window);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  g_assert_cmpuint (g_list_model_get_n_items (xgb_node_tree_get_topics (xgb_browser_view_get_tree (browser))), ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.check", NULL));
  check = xgb_ui_wait_toplevel (XGB_TYPE_CHECK_WINDOW);
  g_assert_nonnull (check);

  /* What each server really offers */
  g_assert_cmpint (row (check, "xep-0060")->status, ==, XGB_CHECK_PASS);
  g_assert_cmpint (row (check, "xep-0060#create-nodes")->status, ==, XGB_CHECK_PASS);
  if (is_prosody ())
    {
      g_assert_cmpint (row (check, "xep-0060#get-pending")->status, ==, XGB_CHECK_WARN);
      g_assert_nonnull (row (check, "xep-0060#get-pending")->effect);
      g_assert_cmpint (row (check, "xep-0060#access-authorize")->status, ==, XGB_CHECK_WARN);
      g_assert_null (row (check, "xep-0060#subscription-options")->effect);
    }
  else
    {
      g_assert_cmpint (row (check, "xep-0060#get-pending")->status, ==, XGB_CHECK_PASS);
      g_assert_cmpint (row (check, "xep-0060#access-authorize")->status, ==, XGB_CHECK_PASS);
      g_assert_nonnull (row (check, "xep-0060#subscription-options")->effect);
      /* ejabberd tells its default configuration */
      xgb_ui_wait (default_known, check, 30);
    }
  g_assert_cmpint (row (check, "broker-domain")->status, ==, XGB_CHECK_PASS);
  /* What the login saw: TLS 1.2+ and SCRAM, and EXTERNAL only where a
   * certificate listener offers it */
  g_assert_cmpint (row (check, "tls-version")->status, ==, XGB_CHECK_PASS);
  g_assert_true (g_str_has_prefix (row (check, "tls-version")->detail, "TLSv1."));
  g_assert_cmpint (row (check, "sasl")->status, ==, XGB_CHECK_PASS);
  g_assert_nonnull (strstr (row (check, "sasl")->detail, "SCRAM-"));
  g_assert_cmpint (row (check, "xep-0178")->status, !=, XGB_CHECK_UNKNOWN);
  g_assert_cmpint (row (check, "open-nodes")->status, ==, XGB_CHECK_UNKNOWN);

  /* The scan finds the open topic, not the closed one */
  xgb_check_window_scan (check);
  g_assert_true (xgb_check_window_get_busy (check));
  xgb_ui_wait (not_busy, check, 60);
  open = row (check, "open-nodes");
  g_assert_cmpint (open->status, ==, XGB_CHECK_WARN);
  g_assert_nonnull (strstr (open->detail, "check/open-topic (access model open)"));
  g_assert_null (strstr (open->detail, "check/closed"));
  xgb_ui_save_screenshot (GTK_WIDGET (check), is_prosody () ? "check-prosody.png" : "check-ejabberd.png");

  /* The views offer only what the Broker can do: no "authorize" topics
   * on Prosody, with the reason */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-node", NULL));
  create = xgb_ui_wait_toplevel (XGB_TYPE_CREATE_DIALOG);
  models = gtk_drop_down_get_model (GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (create),
                                                                                XGB_TYPE_CREATE_DIALOG,
                                                                                "access_drop_down")));
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (models), 0), ==, "whitelist");
  if (is_prosody ())
    {
      g_assert_cmpuint (g_list_model_get_n_items (models), ==, 2);
      g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (models), 1), ==, "open");
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (gtk_widget_get_template_child (
                                  GTK_WIDGET (create), XGB_TYPE_CREATE_DIALOG, "access_drop_down"))), "authorize"));
    }
  else
    g_assert_cmpuint (g_list_model_get_n_items (models), ==, 3);
  gtk_window_destroy (GTK_WINDOW (create));

  xgb_check_window_export_async (check, file, NULL, xgb_test_result_cb, &r);
  g_assert_true (xgb_check_window_export_finish (check, xgb_test_result_wait (&r), NULL));
  xgb_test_result_clear (&r);
  g_assert_true (g_file_get_contents (path, &markdown, NULL, NULL));
  g_assert_true (g_str_has_prefix (markdown, "# Controller check\n"));
  g_assert_nonnull (strstr (markdown, "| XEP-0060: create-nodes | Required | Passes |"));
  g_assert_nonnull (strstr (markdown, "check/open-topic"));
  gtk_window_destroy (GTK_WINDOW (check));
}

static void
test_check (void)
{
  g_autoptr(XgbConnection) connection = xgb_test_login ("ADMIN");
  g_autoptr(XgbPubsubService) service = xgb_test_pubsub_service (connection);
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
    "--connect", NULL
  };
  XgbUiRun run;

  create_topic (service, "check/open-topic", "open");
  create_topic (service, "check/closed", "whitelist");
  xgb_connection_disconnect (connection);

  g_assert_cmpint (xgb_ui_run_app (args, check_controller, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-check-XXXXXX");

  g_test_add_func ("/ui/check", test_check);

  ret = g_test_run ();
  xgb_test_remove_tmpdir (tmpdir);
  return ret;
}
