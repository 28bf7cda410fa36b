/* test-window.c - the main window under a real display (xvfb)
 *
 * Each case runs the real application with a command line, waits for its
 * window to be drawn, inspects and drives the widgets, then quits.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xgb-ui-test.h"
#include "xgb-test-util.h"

static char *tmpdir;

static void
check_login_shown (XgbWindow *window,
                   gpointer   data)
{
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (xgb_window_get_login_view (window))));
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (window), "Connect to a Controller"));
  g_assert_true (gtk_widget_get_mapped (xgb_ui_login_child (window, "jid_entry")));
  g_assert_true (gtk_widget_get_mapped (xgb_ui_login_child (window, "password_entry")));
  g_assert_true (gtk_widget_get_mapped (xgb_ui_login_child (window, "connect_button")));
  g_assert_true (gtk_widget_get_sensitive (xgb_ui_login_child (window, "connect_button")));
  /* Host, port and Broker are optional and tucked away by default. */
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (xgb_ui_login_child (window, "server_expander"))));
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_banner (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "XMPP-Grid Broker");

  xgb_ui_save_screenshot (GTK_WIDGET (window), "login.png");
}

static void
test_login_shown (void)
{
  XgbUiRun state;
  int status = xgb_ui_run_app (NULL, check_login_shown, NULL, &state);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (state.checked);
  g_assert_cmpuint (state.n_windows, ==, 1);
}

static void
check_prefilled (XgbWindow *window,
                 gpointer   data)
{
  g_autoptr(XgbLoginParams) params = xgb_login_view_get_params (xgb_window_get_login_view (window));
  const char *ca_file = data;

  g_assert_cmpstr (params->jid, ==, "alice@xgb.test");
  g_assert_cmpstr (params->password, ==, "pa ss");
  g_assert_cmpstr (params->host, ==, "127.0.0.1");
  g_assert_cmpuint (params->port, ==, 15222);
  g_assert_cmpstr (params->ca_file, ==, ca_file);
  g_assert_cmpstr (params->broker, ==, "pubsub.xgb.test");
  g_assert_true (gtk_expander_get_expanded (GTK_EXPANDER (xgb_ui_login_child (window, "server_expander"))));
  /* Nothing was submitted without --connect. */
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_banner (window)));

  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-prefilled.png");
}

static void
test_prefill (void)
{
  g_autofree char *pw = g_build_filename (tmpdir, "password", NULL);
  g_autofree char *ca = g_build_filename (tmpdir, "ca.pem", NULL);
  const char *args[] = {
    "--jid", "alice@xgb.test", "--password-file", pw, "--host", "127.0.0.1",
    "--port", "15222", "--ca-file", ca, "--broker", "pubsub.xgb.test", NULL
  };
  XgbUiRun state;

  g_assert_true (g_file_set_contents (pw, "pa ss\n", -1, NULL));
  g_assert_true (g_file_set_contents (ca, "-----BEGIN CERTIFICATE-----\n", -1, NULL));

  g_assert_cmpint (xgb_ui_run_app (args, check_prefilled, ca, &state), ==, 0);
  g_assert_true (state.checked);
}

static gboolean
count_is_one (gpointer count)
{
  return *(guint *) count == 1;
}

static void
count_cb (XgbLoginView         *view,
          const XgbLoginParams *params,
          guint                *count)
{
  g_assert_nonnull (params);
  (*count)++;
}

static void
check_invalid_jid (XgbWindow *window,
                   gpointer   data)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GtkWidget *jid_entry = xgb_ui_login_child (window, "jid_entry");
  GtkWidget *jid_error = xgb_ui_login_child (window, "jid_error");
  guint count = 0;
  gulong id = g_signal_connect (view, "connect-requested", G_CALLBACK (count_cb), &count);

  g_assert_false (gtk_widget_get_visible (jid_error));

  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "not a jid");
  /* Enter in the field presses the default button, Connect. */
  xgb_ui_press_enter (jid_entry);
  xgb_ui_wait (xgb_ui_widget_visible, jid_error, 5);
  g_assert_cmpuint (count, ==, 0);
  g_assert_true (gtk_widget_has_css_class (jid_entry, "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (jid_error)), "space"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-invalid.png");

  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "example.org");
  g_assert_false (xgb_login_view_submit (view));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (jid_error)), "name@server"));

  /* An empty password is caught before anything goes on the wire. */
  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "admin@example.org");
  g_assert_false (xgb_login_view_submit (view));
  g_assert_false (gtk_widget_get_visible (jid_error));
  g_assert_true (gtk_widget_get_visible (xgb_ui_login_child (window, "password_error")));
  gtk_editable_set_text (GTK_EDITABLE (xgb_ui_login_child (window, "password_entry")), "secret");

  /* A bad port opens the server options and says what is wrong. */
  gtk_editable_set_text (GTK_EDITABLE (xgb_ui_login_child (window, "port_entry")), "99999");
  g_assert_false (xgb_login_view_submit (view));
  g_assert_false (gtk_widget_get_visible (jid_error));
  g_assert_true (gtk_widget_get_visible (xgb_ui_login_child (window, "port_error")));
  g_assert_true (gtk_expander_get_expanded (GTK_EXPANDER (xgb_ui_login_child (window, "server_expander"))));
  g_assert_cmpuint (count, ==, 0);

  /* Fixed: Enter submits exactly once. */
  gtk_editable_set_text (GTK_EDITABLE (xgb_ui_login_child (window, "port_entry")), "5222");
  xgb_ui_press_enter (jid_entry);
  xgb_ui_wait (count_is_one, &count, 5);
  g_assert_false (gtk_widget_get_visible (xgb_ui_login_child (window, "port_error")));

  g_signal_handler_disconnect (view, id);
}

static void
test_invalid_input (void)
{
  XgbUiRun state;

  g_assert_cmpint (xgb_ui_run_app (NULL, check_invalid_jid, NULL, &state), ==, 0);
  g_assert_true (state.checked);
}

static void
check_connect_option (XgbWindow *window,
                      gpointer   data)
{
  XgbBanner *banner = xgb_window_get_banner (window);
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  /* --connect pressed Connect: the login runs, then fails on the
   * closed port with a message in the banner and the form usable. */
  while (!xgb_ui_banner_revealed (banner))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (strstr (xgb_banner_get_message (banner), "Cannot reach"));
  g_assert_false (xgb_login_view_get_busy (xgb_window_get_login_view (window)));
  g_assert_true (gtk_widget_get_visible (xgb_ui_login_child (window, "connect_button")));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  xgb_ui_wait_for_revealed (banner);
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-error.png");
}

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_connect_option (void)
{
  g_autofree char *pw = g_build_filename (tmpdir, "password-connect", NULL);
  g_autofree char *port = g_strdup_printf ("%u", closed_port ());
  const char *args[] = { "--jid", "alice@xgb.test", "--password-file", pw,
                         "--host", "127.0.0.1", "--port", port, "--connect", NULL };
  XgbUiRun state;

  g_assert_true (g_file_set_contents (pw, "secret\n", -1, NULL));
  g_assert_cmpint (xgb_ui_run_app (args, check_connect_option, NULL, &state), ==, 0);
  g_assert_true (state.checked);
}

static void
check_never (XgbWindow *window,
             gpointer   data)
{
  g_assert_not_reached ();
}

static void
test_bad_options (void)
{
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-password", NULL);
  const char *bad_file[] = { "--jid", "a@b", "--password-file", missing, NULL };
  const char *bad_port[] = { "--port", "0", NULL };
  const char *bad_port2[] = { "--port", "52x", NULL };
  XgbUiRun state;

  /* An unreadable password file is an error on the command line, not a
   * window that silently logs in without a password. */
  g_assert_cmpint (xgb_ui_run_app (bad_file, check_never, NULL, &state), ==, 1);
  g_assert_cmpuint (state.n_windows, ==, 0);

  g_assert_cmpint (xgb_ui_run_app (bad_port, check_never, NULL, &state), ==, 1);
  g_assert_cmpuint (state.n_windows, ==, 0);
  g_assert_cmpint (xgb_ui_run_app (bad_port2, check_never, NULL, &state), ==, 1);
  g_assert_cmpuint (state.n_windows, ==, 0);
}

static void
test_help_lists_options (void)
{
  const char *build_dir = g_getenv ("XGB_BUILD_DIR");
  g_autofree char *binary = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  const char *options[] = {
    "--jid", "--password-file", "--host", "--port", "--ca-file", "--broker", "--connect", "--version",
  };

  g_assert_nonnull (build_dir);
  binary = g_build_filename (build_dir, "src", "xgb-broker", NULL);

  {
    const char *argv[] = { binary, "--help", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, NULL, &wait_status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  }

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    if (strstr (out, options[i]) == NULL)
      g_error ("--help does not list %s:\n%s", options[i], out);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-XXXXXX");

  g_test_add_func ("/ui/window/login-shown", test_login_shown);
  g_test_add_func ("/ui/window/prefill-from-command-line", test_prefill);
  g_test_add_func ("/ui/window/invalid-input", test_invalid_input);
  g_test_add_func ("/ui/window/connect-option", test_connect_option);
  g_test_add_func ("/ui/window/bad-options", test_bad_options);
  g_test_add_func ("/ui/window/help-lists-options", test_help_lists_options);

  ret = g_test_run ();

  xgb_test_remove_tmpdir (tmpdir);

  return ret;
}
