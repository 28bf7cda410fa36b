/* xgb-ui-test.c - running the real application in UI tests
 *
 * Each case runs the real application with a command line, waits for its
 * window to be drawn, lets the test inspect and drive the widgets, then
 * closes the window and quits.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-connection.h"
#include "xgb-ui-test.h"

/* A check that waits for a login against a real server gets this long. */
#define RUN_TIMEOUT_S 90

GtkWidget *
xgb_ui_login_child (XgbWindow  *window,
                    const char *name)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (view), XGB_TYPE_LOGIN_VIEW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

gboolean
xgb_ui_has_mapped_label (GtkWidget  *widget,
                         const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (xgb_ui_has_mapped_label (c, text))
      return TRUE;

  return FALSE;
}

void
xgb_ui_wait (gboolean (*done) (gpointer data),
             gpointer   data,
             double     timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the expected change did not happen within %.0f s", timeout_s);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
transitions_done (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return FALSE;
  if (GTK_IS_REVEALER (widget) &&
      gtk_revealer_get_child_revealed (GTK_REVEALER (widget)) != gtk_revealer_get_reveal_child (GTK_REVEALER (widget)))
    return FALSE;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (!transitions_done (c))
      return FALSE;

  return TRUE;
}

/* Saves what @widget shows as NAME in $XGB_SCREENSHOT_DIR, if set, once
 * its stacks and revealers have finished their animations. */
void
xgb_ui_save_screenshot (GtkWidget  *widget,
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

  xgb_ui_wait ((gboolean (*) (gpointer)) transitions_done, widget, 5);
  gtk_test_widget_wait_for_draw (widget);
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

/* What pressing Enter in an entry does: its text widget's keybinding
 * signal, which activates the default button.  GtkButton emits
 * ::clicked only after its short "pressed" animation: wait with
 * xgb_ui_wait() for the effect. */
void
xgb_ui_press_enter (GtkWidget *entry)
{
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (entry)), "activate");
}

gboolean
xgb_ui_widget_visible (gpointer widget)
{
  return gtk_widget_get_visible (GTK_WIDGET (widget));
}

gboolean
xgb_ui_banner_revealed (gpointer banner)
{
  return xgb_banner_get_revealed (XGB_BANNER (banner));
}

static gboolean
revealer_done (gpointer revealer)
{
  return gtk_revealer_get_child_revealed (GTK_REVEALER (revealer));
}

void
xgb_ui_wait_for_revealed (XgbBanner *banner)
{
  xgb_ui_wait (revealer_done, gtk_widget_get_first_child (GTK_WIDGET (banner)), 5);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (banner));
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("the window was not shown and checked within %d s", RUN_TIMEOUT_S);
  return G_SOURCE_REMOVE;
}

static gboolean
run_check_cb (gpointer data)
{
  XgbUiRun *run = data;

  gtk_test_widget_wait_for_draw (GTK_WIDGET (run->window));
  run->check (run->window, run->data);
  run->checked = TRUE;
  gtk_window_close (GTK_WINDOW (run->window));
  g_application_quit (G_APPLICATION (run->app));

  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 XgbUiRun       *run)
{
  run->n_windows++;
  if (run->window == NULL && XGB_IS_WINDOW (window))
    {
      run->window = XGB_WINDOW (window);
      g_idle_add (run_check_cb, run);
    }
}

/**
 * xgb_ui_run_app:
 * @args: (nullable): the command-line options
 *
 * Runs the application (not unique, so tests do not meet each other on
 * the bus) and calls @check once its first window is drawn.
 *
 * Returns: the application's exit status
 */
int
xgb_ui_run_app (const char * const *args,
                XgbUiCheck          check,
                gpointer            data,
                XgbUiRun           *out_run)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  XgbUiRun run = { 0 };
  guint timeout;
  int status;

  g_ptr_array_add (argv, (char *) "xgb-broker");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  run.app = xgb_application_new ();
  run.check = check;
  run.data = data;
  g_application_set_flags (G_APPLICATION (run.app),
                           g_application_get_flags (G_APPLICATION (run.app)) | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (run.app, "window-added", G_CALLBACK (window_added_cb), &run);

  timeout = g_timeout_add_seconds (RUN_TIMEOUT_S, timeout_cb, NULL);
  status = g_application_run (G_APPLICATION (run.app), (int) argv->len - 1, (char **) argv->pdata);
  g_source_remove (timeout);
  /* The app waits 2 s for its connection threads to say goodbye; under
   * the sanitizers that may not be enough, and a thread still running at
   * exit makes LeakSanitizer's stop-the-world fail (ui-trust, once) */
  if (!xgb_connection_wait_for_threads (15000))
    g_test_message ("connection threads still running 15 s after the app ended");

  g_clear_object (&run.app);
  if (out_run != NULL)
    *out_run = run;

  return status;
}

/* For xgb_ui_wait(): the window shows the session (logged in) */
gboolean
xgb_ui_on_session_page (gpointer window)
{
  return g_strcmp0 (xgb_window_get_visible_page (window), "session") == 0;
}

/* For xgb_ui_wait(): the browser's tree has listed its first level */
gboolean
xgb_ui_tree_loaded (gpointer browser)
{
  XgbNodeTree *tree = xgb_browser_view_get_tree (browser);

  return tree != NULL && !xgb_node_tree_get_loading (tree);
}

/* The first visible toplevel window of @type, or %NULL */
gpointer
xgb_ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
toplevel_shown (gpointer type)
{
  return xgb_ui_find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

/* Waits up to 10 s for a toplevel of @type (a dialog opening) */
gpointer
xgb_ui_wait_toplevel (GType type)
{
  xgb_ui_wait (toplevel_shown, GSIZE_TO_POINTER (type), 10);
  return xgb_ui_find_toplevel (type);
}

/* Writes @password and a newline to DIR/NAME, for --password-file */
char *
xgb_ui_password_file (const char *dir,
                      const char *name,
                      const char *password)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *line = g_strconcat (password, "\n", NULL);

  g_assert_true (g_file_set_contents (path, line, -1, NULL));
  return path;
}
