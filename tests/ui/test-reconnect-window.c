/* test-reconnect-window.c - story 1.7: the stream drops under a logged-in
 * window and the window logs in again by itself (run under
 * tests/servers/with-server.sh ejabberd and xvfb)
 *
 * The private ejabberd is stopped (SIGSTOP) so that a request is surely
 * in flight, killed (SIGKILL), and started again on the same ports with
 * the same certificate and data (ejabberd.sh restart, as test-trust.c
 * restarts it).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "xgb-backoff.h"
#include "xgb-check-window.h"
#include "xgb-create-dialog.h"
#include "xgb-error.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

#define SHOWN_NODE "reconnect/shown"
#define TYPED_NODE "reconnect/typed-while-down"

static char *tmpdir;

/* --- the server ----------------------------------------------------- */

/* Every thread of process @pid is stopped */
static gboolean
all_stopped (gpointer data)
{
  g_autofree char *tasks = g_strdup_printf ("/proc/%d/task", GPOINTER_TO_INT (data));
  g_autoptr(GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tasks, name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *state;

      /* "pid (comm) S …": the state follows the last ')' */
      if (!g_file_get_contents (path, &stat, NULL, NULL) || (state = strrchr (stat, ')')) == NULL)
        continue;
      if (state[1] != ' ' || (state[2] != 'T' && state[2] != 't'))
        return FALSE;
    }
  return TRUE;
}

/* Freezes the server: it reads nothing more until it is killed */
static void
server_freeze (void)
{
  g_autofree char *path = g_build_filename (xgb_test_env ("XGB_TEST_DIR"), "server.pid", NULL);
  g_autofree char *text = NULL;
  gint64 pid;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  pid = g_ascii_strtoll (text, NULL, 10);
  g_assert_cmpint (pid, >, 1);
  g_assert_cmpint (kill ((pid_t) pid, SIGSTOP), ==, 0);
  xgb_ui_wait (all_stopped, GINT_TO_POINTER ((int) pid), 5);
}

/* --- waiting for the window ----------------------------------------- */

static gboolean
reconnecting (gpointer window)
{
  return xgb_window_get_reconnecting (window, NULL, NULL);
}

static gboolean
back_online (gpointer window)
{
  XgbConnection *connection = xgb_window_get_connection (window);

  return !xgb_window_get_reconnecting (window, NULL, NULL) && connection != NULL &&
         xgb_connection_get_state (connection) == XGB_CONNECTION_STATE_CONNECTED;
}

static gboolean
connection_idle (gpointer connection)
{
  return xgb_connection_get_n_pending (connection) == 0;
}

typedef struct
{
  XgbWindow *window;
  guint      attempts;
} AttemptsWait;

/* At least n attempts failed, and the next one is scheduled */
static gboolean
attempts_failed (gpointer data)
{
  AttemptsWait *w = data;
  guint attempts = 0;
  gint64 next = 0;

  return xgb_window_get_reconnecting (w->window, &attempts, &next) && next != 0 && attempts >= w->attempts;
}

static gboolean
banner_says (XgbBanner  *banner,
             const char *text)
{
  return xgb_banner_get_revealed (banner) && strstr (xgb_banner_get_message (banner), text) != NULL;
}

static gboolean
lost_banner_shown (gpointer banner)
{
  return banner_says (banner, "Connection lost — reconnecting in ");
}

static gboolean
last_attempt_shown (gpointer banner)
{
  return banner_says (banner, "Connection lost — reconnecting in ") && banner_says (banner, "\nLast attempt: ");
}

static gboolean
shows_shown_node (gpointer browser)
{
  XgbNode *current = xgb_browser_view_get_current (browser);

  return xgb_ui_tree_loaded (browser) && current != NULL &&
         g_strcmp0 (xgb_node_get_name (current), SHOWN_NODE) == 0;
}

/* The Configuration tab has read the node's form */
static gboolean
config_ready (gpointer browser)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (gtk_widget_get_template_child (browser, XGB_TYPE_BROWSER_VIEW,
                                                                              "config_apply")));
}

static gboolean
has_typed_node (gpointer browser)
{
  XgbNodeTree *tree = xgb_browser_view_get_tree (browser);

  return tree != NULL && xgb_node_tree_lookup (tree, TYPED_NODE) != NULL;
}

static gboolean
toplevel_gone (gpointer type)
{
  return xgb_ui_find_toplevel (GPOINTER_TO_SIZE (type)) == NULL;
}

static const char *
visible_tab (XgbBrowserView *browser)
{
  GtkStack *tabs = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW,
                                                             "node_tabs"));

  return gtk_stack_get_visible_child_name (tabs);
}

static GtkWidget *
dialog_child (gpointer    dialog,
              const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (dialog, XGB_TYPE_CREATE_DIALOG, name));
}

/* --- the checks ----------------------------------------------------- */

/* The drop: a request in flight ends with CONNECTION_LOST at once; the
 * session page stays with the node shown; the banner counts down; what
 * needs the server is off; an open dialog keeps its input. */
static void
check_drop (XgbWindow       *window,
            XgbBrowserView  *browser,
            XgbCreateDialog *create)
{
  XgbBanner *banner = xgb_window_get_connection_banner (window);
  XgbPubsubService *service = xgb_node_tree_get_service (xgb_browser_view_get_tree (browser));
  XgbConnection *connection = xgb_window_get_connection (window);
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;
  XgbTestResult r = { 0 };
  gint64 killed;

  /* A change surely in flight: the server is frozen before it reads it */
  xgb_ui_wait (connection_idle, connection, 10);
  server_freeze ();
  xgb_pubsub_service_create_async (service, "reconnect/in-flight", FALSE, NULL, NULL, xgb_test_result_cb, &r);
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 1);
  for (guint i = 0; i < 30; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  if (r.done)
    {
      created = xgb_pubsub_service_create_finish (service, r.result, &error);
      g_error ("the frozen server answered: %s", error ? error->message : created);
    }
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 1);

  xgb_test_server_script ("kill");
  killed = g_get_monotonic_time ();
  created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  /* the drop ended it, not the 30 s IQ timeout */
  g_assert_cmpint (g_get_monotonic_time () - killed, <, 5 * G_USEC_PER_SEC);
  g_assert_null (created);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (error->message, "may or may not have applied"));
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 0);

  /* The window says so and stays on the session page with the node */
  xgb_ui_wait (lost_banner_shown, banner, 5);
  g_assert_true (xgb_window_get_reconnecting (window, NULL, NULL));
  g_assert_cmpstr (xgb_banner_get_action_label (banner), ==, "_Reconnect Now");
  g_assert_true (xgb_ui_on_session_page (window));
  g_assert_true (xgb_window_get_connection (window) == connection);
  g_assert_cmpstr (xgb_node_get_name (xgb_browser_view_get_current (browser)), ==, SHOWN_NODE);

  /* What needs the server is off: no Controller Check window opens */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.check", NULL);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (xgb_ui_find_toplevel (XGB_TYPE_CHECK_WINDOW));

  /* The open dialog refuses to send and keeps what was typed */
  g_assert_false (xgb_create_dialog_submit (create));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (create)));
  g_assert_true (gtk_widget_get_visible (dialog_child (create, "send_error")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (dialog_child (create, "send_error"))),
                            "nothing was sent"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_child (create, "name_entry"))), ==, TYPED_NODE);
  xgb_ui_save_screenshot (GTK_WIDGET (create), "reconnect-dialog.png");
}

/* Back by itself, within the backoff: the nodes, the node and its tab,
 * the dialog's request goes through */
static void
check_back (XgbWindow       *window,
            XgbBrowserView  *browser,
            XgbCreateDialog *create)
{
  XgbBanner *banner = xgb_window_get_connection_banner (window);
  XgbConnection *connection = xgb_window_get_connection (window);
  AttemptsWait failed = { window, 1 };
  guint attempts = 0;
  gint64 next = 0, now, deadline;
  double bound_s;

  /* An attempt failed against the dead server, with its reason */
  xgb_ui_wait (attempts_failed, &failed, 10);
  xgb_ui_wait (last_attempt_shown, banner, 2);
  g_test_message ("banner: %s", xgb_banner_get_message (banner));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "reconnect-banner.png");

  xgb_test_server_script ("restart");

  /* At most the attempt under way fails, then the next delay, then a
   * login: the window is back before that without any help */
  g_assert_true (xgb_window_get_reconnecting (window, &attempts, &next));
  now = g_get_monotonic_time ();
  bound_s = (next != 0 ? (double) MAX (next - now, 0) / G_USEC_PER_SEC
                       : 1.2 * xgb_backoff_nominal_ms (attempts) / 1000.0) + 10.0;
  g_test_message ("server back after %u attempts; the window must follow within %.1f s", attempts, bound_s);
  deadline = now + (gint64) (bound_s * G_USEC_PER_SEC);
  xgb_ui_wait (back_online, window, bound_s);
  g_assert_cmpint (g_get_monotonic_time (), <, deadline);
  g_assert_true (xgb_window_get_connection (window) == connection);

  g_assert_true (banner_says (banner, "Reconnected."));
  g_assert_null (xgb_banner_get_action_label (banner));
  g_assert_true (xgb_ui_on_session_page (window));

  /* The nodes are read again and the same node is shown, same tab */
  xgb_ui_wait (shows_shown_node, browser, 20);
  g_assert_cmpstr (visible_tab (browser), ==, "configuration");
  xgb_ui_wait (config_ready, browser, 20);
  xgb_ui_save_screenshot (GTK_WIDGET (window), "reconnected.png");

  /* The dialog's request now goes through */
  g_assert_true (xgb_create_dialog_submit (create));
  xgb_ui_wait (toplevel_gone, GSIZE_TO_POINTER (XGB_TYPE_CREATE_DIALOG), 5);
  xgb_ui_wait (has_typed_node, browser, 20);
}

/* "Reconnect Now" does not wait for the backoff */
static void
check_reconnect_now (XgbWindow *window)
{
  AttemptsWait failed = { window, 2 };
  guint attempts = 0;
  gint64 next = 0, pressed;

  xgb_test_server_script ("kill");
  xgb_ui_wait (reconnecting, window, 5);
  xgb_ui_wait (attempts_failed, &failed, 15);

  /* Pressed while the server is still away: an attempt at once, which
   * fails before the one the timer had planned */
  xgb_window_get_reconnecting (window, NULL, &next);
  pressed = g_get_monotonic_time ();
  g_assert_cmpint (next - pressed, >, G_USEC_PER_SEC);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reconnect", NULL));
  g_assert_true (xgb_window_get_reconnecting (window, &attempts, &next));
  g_assert_cmpuint (attempts, ==, 3);
  g_assert_cmpint (next, ==, 0);
  failed.attempts = 3;
  xgb_ui_wait (attempts_failed, &failed, 10);
  g_assert_cmpint (g_get_monotonic_time (), <, pressed + 4 * G_USEC_PER_SEC);

  /* The server back, the next delay (about 8 s) not over: pressed, the
   * window is back before the timer would have tried */
  xgb_test_server_script ("restart");
  xgb_window_get_reconnecting (window, &attempts, &next);
  if (next - g_get_monotonic_time () > 2 * G_USEC_PER_SEC)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reconnect", NULL));
      xgb_ui_wait (back_online, window, 10);
      g_assert_cmpint (g_get_monotonic_time (), <, next);
    }
  else
    {
      /* a slow restart (a busy machine) used up the delay */
      g_test_message ("the restart took the delay: no room to press Reconnect Now");
      xgb_ui_wait (back_online, window, 1.2 * xgb_backoff_nominal_ms (attempts) / 1000.0 + 10.0);
    }
}

/* Logging out while the window reconnects stops it */
static void
check_logout (XgbWindow *window)
{
  XgbBanner *banner = xgb_window_get_connection_banner (window);

  xgb_test_server_script ("kill");
  xgb_ui_wait (reconnecting, window, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  g_assert_false (xgb_window_get_reconnecting (window, NULL, NULL));
  g_assert_null (xgb_window_get_connection (window));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_false (xgb_banner_get_revealed (banner));
  /* no attempt follows */
  for (guint i = 0; i < 150; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_null (xgb_window_get_connection (window));
  g_assert_false (xgb_window_get_reconnecting (window, NULL, NULL));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
}

static void
check_reconnect (XgbWindow *window,
                 gpointer   data)
{
  XgbBrowserView *browser;
  XgbCreateDialog *create;
  XgbNode *node;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  browser = xgb_window_get_browser_view (window);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);

  /* A node open on its Configuration tab */
  node = xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), SHOWN_NODE);
  g_assert_nonnull (node);
  xgb_browser_view_select_node (browser, node);
  xgb_browser_view_show_configuration (browser);
  g_assert_cmpstr (visible_tab (browser), ==, "configuration");

  /* A dialog with something typed */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-node", NULL));
  create = xgb_ui_wait_toplevel (XGB_TYPE_CREATE_DIALOG);
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (create, "name_entry")), TYPED_NODE);

  check_drop (window, browser, create);
  check_back (window, browser, create);
  check_reconnect_now (window);
  check_logout (window);
}

static void
test_reconnect (void)
{
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
    "--connect", NULL
  };
  XgbUiRun run;

  /* The node the window shows; this session ends (and its thread with
   * it) before the window's */
  {
    g_autoptr(XgbConnection) admin_connection = xgb_test_login ("ADMIN");
    g_autoptr(XgbPubsubService) admin = xgb_test_pubsub_service (admin_connection);

    xgb_test_create_node (admin, SHOWN_NODE, NULL);
    xgb_connection_disconnect (admin_connection);
  }
  /* A kill loses ejabberd's (Mnesia's) last seconds of writes: a
   * graceful restart puts the node on disk first */
  xgb_test_server_script ("restart");

  g_assert_cmpint (xgb_ui_run_app (args, check_reconnect, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --- a reconnect the server refuses --------------------------------- */

static gboolean
on_login_page (gpointer window)
{
  return g_strcmp0 (xgb_window_get_visible_page (window), "login") == 0;
}

/* The password changed while the server was away: trying again cannot
 * help, so the session ends with the reason */
static void
check_auth_refused (XgbWindow *window,
                    gpointer   data)
{
  g_autofree char *script = g_build_filename (xgb_test_env ("XGB_SOURCE_DIR"), "tests", "servers",
                                              "ejabberd.sh", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = {
    "bash", script, "ctl", xgb_test_env ("XGB_TEST_DIR"), "change_password", "admin",
    xgb_test_env ("XGB_TEST_DOMAIN"), "a-new-password-4711", NULL
  };
  XgbBanner *banner = xgb_window_get_banner (window);

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  xgb_ui_wait (xgb_ui_tree_loaded, xgb_window_get_browser_view (window), 30);

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* A graceful restart: the server ends the stream, then refuses the
   * old password */
  xgb_test_server_script ("restart");
  xgb_ui_wait (on_login_page, window, 30);
  g_assert_false (xgb_window_get_reconnecting (window, NULL, NULL));
  g_assert_null (xgb_window_get_connection (window));
  g_assert_true (xgb_banner_get_revealed (banner));
  g_test_message ("banner: %s", xgb_banner_get_message (banner));
  g_assert_nonnull (strstr (xgb_banner_get_message (banner), "logging in again failed"));
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_connection_banner (window)));
}

static void
test_auth_refused (void)
{
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
    "--connect", NULL
  };
  XgbUiRun run;

  /* the first case left the server killed */
  xgb_test_server_script ("restart");
  g_assert_cmpint (xgb_ui_run_app (args, check_auth_refused, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmpdir = xgb_test_make_tmpdir ("xgb-ui-reconnect-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/reconnect", test_reconnect);
  g_test_add_func ("/ui/reconnect/auth-refused", test_auth_refused);

  ret = g_test_run ();
  xgb_test_remove_tmpdir (tmpdir);
  return ret;
}
