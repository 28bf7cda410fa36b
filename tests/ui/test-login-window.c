/* test-login-window.c - logging in through the window against a real
 * ejabberd (run under tests/servers/with-server.sh and xvfb)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xgb-test-util.h"
#include "xgb-ui-test.h"

static char *tmpdir;

static gboolean
on_session_page (gpointer window)
{
  return g_strcmp0 (xgb_window_get_visible_page (window), "session") == 0;
}

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

static void
check_logged_in (XgbWindow *window,
                 gpointer   data)
{
  XgbSessionView *session;
  GtkWidget *subtitle;

  xgb_ui_wait (on_session_page, window, 60);

  session = xgb_window_get_session_view (window);
  g_assert_cmpstr (xgb_session_view_get_broker (session), ==, xgb_test_env ("XGB_TEST_PUBSUB"));
  g_assert_true (model_has (xgb_session_view_get_features (session),
                            "http://jabber.org/protocol/pubsub#create-nodes"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (session)));
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_banner (window)));

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

static char *
password_file (const char *name,
               const char *password)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree char *line = g_strconcat (password, "\n", NULL);

  g_assert_true (g_file_set_contents (path, line, -1, NULL));
  return path;
}

static void
test_login (void)
{
  g_autofree char *pw = password_file ("alice", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
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
  g_autofree char *pw = password_file ("wrong", "wrong-password");
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
