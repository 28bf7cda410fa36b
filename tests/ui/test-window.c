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

#include "xgb-application.h"
#include "xgb-window.h"

typedef void (*WindowCheck) (XgbWindow *window,
                             gpointer   data);

typedef struct
{
  XgbApplication *app;
  XgbWindow      *window;
  WindowCheck     check;
  gpointer        data;
  guint           n_windows;
  gboolean        checked;
} RunState;

static char *tmpdir;

static GtkWidget *
child (XgbWindow  *window,
       const char *name)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (view), XGB_TYPE_LOGIN_VIEW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static gboolean
has_mapped_label (GtkWidget  *widget,
                  const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_mapped_label (c, text))
      return TRUE;

  return FALSE;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  const char *dir = g_getenv ("XGB_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("the window was not shown and checked within 20 s");
  return G_SOURCE_REMOVE;
}

static gboolean
run_check_cb (gpointer data)
{
  RunState *state = data;

  gtk_test_widget_wait_for_draw (GTK_WIDGET (state->window));
  state->check (state->window, state->data);
  state->checked = TRUE;
  gtk_window_close (GTK_WINDOW (state->window));
  g_application_quit (G_APPLICATION (state->app));

  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 RunState       *state)
{
  state->n_windows++;
  if (state->window == NULL && XGB_IS_WINDOW (window))
    {
      state->window = XGB_WINDOW (window);
      g_idle_add (run_check_cb, state);
    }
}

/* Runs the app with @args; returns its exit status. */
static int
run_app (const char * const *args,
         WindowCheck         check,
         gpointer            data,
         RunState           *out_state)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  RunState state = { 0 };
  guint timeout;
  int status;

  g_ptr_array_add (argv, (char *) "xgb-broker");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  state.app = xgb_application_new ();
  state.check = check;
  state.data = data;
  g_application_set_flags (G_APPLICATION (state.app),
                           g_application_get_flags (G_APPLICATION (state.app)) | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (state.app, "window-added", G_CALLBACK (window_added_cb), &state);

  timeout = g_timeout_add_seconds (20, timeout_cb, NULL);
  status = g_application_run (G_APPLICATION (state.app), (int) argv->len - 1, (char **) argv->pdata);
  g_source_remove (timeout);

  g_clear_object (&state.app);
  if (out_state != NULL)
    *out_state = state;

  return status;
}

static void
check_login_shown (XgbWindow *window,
                   gpointer   data)
{
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (xgb_window_get_login_view (window))));
  g_assert_true (has_mapped_label (GTK_WIDGET (window), "Connect to a Controller"));
  g_assert_true (gtk_widget_get_mapped (child (window, "jid_entry")));
  g_assert_true (gtk_widget_get_mapped (child (window, "password_entry")));
  g_assert_true (gtk_widget_get_mapped (child (window, "connect_button")));
  g_assert_true (gtk_widget_get_sensitive (child (window, "connect_button")));
  /* Host, port and Broker are optional and tucked away by default. */
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (child (window, "server_expander"))));
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_banner (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "XMPP-Grid Broker");

  save_screenshot (GTK_WIDGET (window), "login.png");
}

static void
test_login_shown (void)
{
  RunState state;
  int status = run_app (NULL, check_login_shown, NULL, &state);

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
  g_assert_true (gtk_expander_get_expanded (GTK_EXPANDER (child (window, "server_expander"))));
  /* Nothing was submitted without --connect. */
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_banner (window)));

  save_screenshot (GTK_WIDGET (window), "login-prefilled.png");
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
  RunState state;

  g_assert_true (g_file_set_contents (pw, "pa ss\n", -1, NULL));
  g_assert_true (g_file_set_contents (ca, "-----BEGIN CERTIFICATE-----\n", -1, NULL));

  g_assert_cmpint (run_app (args, check_prefilled, ca, &state), ==, 0);
  g_assert_true (state.checked);
}

static void
count_cb (XgbLoginView         *view,
          const XgbLoginParams *params,
          guint                *count)
{
  g_assert_nonnull (params);
  (*count)++;
}

/* What pressing Enter in an entry does: its text activates, which
 * activates the default button; GtkButton emits ::clicked only after its
 * short "pressed" animation, so wait until @done turns TRUE (or fail). */
static void
press_enter (GtkWidget *entry,
             gboolean  (*done) (gpointer data),
             gpointer    data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* The keybinding signal of Enter on the entry's text widget. */
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (entry)), "activate");
  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("pressing Enter had no effect within 5 s");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
widget_visible (gpointer widget)
{
  return gtk_widget_get_visible (GTK_WIDGET (widget));
}

static gboolean
count_is_one (gpointer count)
{
  return *(guint *) count == 1;
}

static void
check_invalid_jid (XgbWindow *window,
                   gpointer   data)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GtkWidget *jid_entry = child (window, "jid_entry");
  GtkWidget *jid_error = child (window, "jid_error");
  guint count = 0;
  gulong id = g_signal_connect (view, "connect-requested", G_CALLBACK (count_cb), &count);

  g_assert_false (gtk_widget_get_visible (jid_error));

  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "not a jid");
  /* Enter in the field presses the default button, Connect. */
  press_enter (jid_entry, widget_visible, jid_error);
  g_assert_cmpuint (count, ==, 0);
  g_assert_true (gtk_widget_has_css_class (jid_entry, "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (jid_error)), "space"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  save_screenshot (GTK_WIDGET (window), "login-invalid.png");

  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "example.org");
  g_assert_false (xgb_login_view_submit (view));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (jid_error)), "name@server"));

  /* A bad port opens the server options and says what is wrong. */
  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "admin@example.org");
  gtk_editable_set_text (GTK_EDITABLE (child (window, "port_entry")), "99999");
  g_assert_false (xgb_login_view_submit (view));
  g_assert_false (gtk_widget_get_visible (jid_error));
  g_assert_true (gtk_widget_get_visible (child (window, "port_error")));
  g_assert_true (gtk_expander_get_expanded (GTK_EXPANDER (child (window, "server_expander"))));
  g_assert_cmpuint (count, ==, 0);

  /* Fixed: Enter submits exactly once. */
  gtk_editable_set_text (GTK_EDITABLE (child (window, "port_entry")), "5222");
  press_enter (jid_entry, count_is_one, &count);
  g_assert_false (gtk_widget_get_visible (child (window, "port_error")));

  g_signal_handler_disconnect (view, id);
}

static void
test_invalid_input (void)
{
  RunState state;

  g_assert_cmpint (run_app (NULL, check_invalid_jid, NULL, &state), ==, 0);
  g_assert_true (state.checked);
}

static void
check_connect_option (XgbWindow *window,
                      gpointer   data)
{
  XgbBanner *banner = xgb_window_get_banner (window);

  /* --connect pressed Connect; until the connection lands the window
   * tells the admin plainly instead of doing nothing. */
  g_assert_true (xgb_banner_get_revealed (banner));
  g_assert_nonnull (strstr (xgb_banner_get_message (banner), "not available"));
  save_screenshot (GTK_WIDGET (window), "login-connect.png");
}

static void
test_connect_option (void)
{
  const char *args[] = { "--jid", "alice@xgb.test", "--connect", NULL };
  RunState state;

  g_assert_cmpint (run_app (args, check_connect_option, NULL, &state), ==, 0);
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
  RunState state;

  /* An unreadable password file is an error on the command line, not a
   * window that silently logs in without a password. */
  g_assert_cmpint (run_app (bad_file, check_never, NULL, &state), ==, 1);
  g_assert_cmpuint (state.n_windows, ==, 0);

  g_assert_cmpint (run_app (bad_port, check_never, NULL, &state), ==, 1);
  g_assert_cmpuint (state.n_windows, ==, 0);
  g_assert_cmpint (run_app (bad_port2, check_never, NULL, &state), ==, 1);
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
  tmpdir = g_dir_make_tmp ("xgb-ui-XXXXXX", NULL);

  g_test_add_func ("/ui/window/login-shown", test_login_shown);
  g_test_add_func ("/ui/window/prefill-from-command-line", test_prefill);
  g_test_add_func ("/ui/window/invalid-input", test_invalid_input);
  g_test_add_func ("/ui/window/connect-option", test_connect_option);
  g_test_add_func ("/ui/window/bad-options", test_bad_options);
  g_test_add_func ("/ui/window/help-lists-options", test_help_lists_options);

  ret = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }

  return ret;
}
