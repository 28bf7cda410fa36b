/* xgb-bench-ui.c - the window's side of the benchmarks (build-aux/bench)
 *
 * Under xvfb and tests/servers/with-server.sh ejabberd, after
 * `xgb-bench populate`; KEY=VALUE lines on stdout:
 *
 *   xgb-bench-ui startup   process start ($XGB_BENCH_SPAWN_US, the
 *                          spawner's CLOCK_MONOTONIC) to the login
 *                          window drawn
 *   xgb-bench-ui session   the real window: login to the first
 *                          hierarchy rows drawn and to every topic
 *                          listed; opening bench/items to its first
 *                          item rows drawn; scrolling to its end (the
 *                          longest gap between frame-clock ticks, RSS);
 *                          a 1 MB payload of bench/large opened (the
 *                          longest main-loop gap)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xgb-items-view.h"
#include "xgb-payload-window.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

#define ITEMS_NODE  "bench/items"
#define LARGE_NODE  "bench/large"

static void
out (const char *key,
     double      value)
{
  printf ("%s=%.3f\n", key, value);
  fflush (stdout);
}

static double
rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line ? g_ascii_strtoull (line + 6, NULL, 10) / 1024.0 : 0;
}

static double
ms_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

/* --- frames --------------------------------------------------------- */

/* Keeps the frame clock ticking and measures the longest gap between
 * two ticks while @measuring. */
typedef struct
{
  gboolean       measuring;
  gint64         last;
  gint64         max_gap;
  GtkAdjustment *scrolling;   /* scrolled down a screenful per frame */
} Ticks;

static Ticks ticks;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  if (ticks.measuring && ticks.last > 0)
    ticks.max_gap = MAX (ticks.max_gap, now - ticks.last);
  /* XGB_BENCH_GAPS=MS: each gap longer than that, as CLOCK_MONOTONIC
   * seconds, to look up in a profile (perf record -k CLOCK_MONOTONIC) */
  if (ticks.measuring && ticks.last > 0 && g_getenv ("XGB_BENCH_GAPS") != NULL &&
      now - ticks.last > g_ascii_strtoll (g_getenv ("XGB_BENCH_GAPS"), NULL, 10) * 1000)
    g_printerr ("gap %.6f-%.6f %.1f ms\n", ticks.last / 1e6, now / 1e6, (now - ticks.last) / 1000.0);
  ticks.last = now;
  /* as fast as an admin flinging the list or holding Page Down */
  if (ticks.scrolling != NULL)
    gtk_adjustment_set_value (ticks.scrolling, gtk_adjustment_get_value (ticks.scrolling) +
                                               gtk_adjustment_get_page_size (ticks.scrolling));
  return G_SOURCE_CONTINUE;
}

static void
ticks_start (void)
{
  ticks.measuring = TRUE;
  ticks.last = g_get_monotonic_time ();
  ticks.max_gap = 0;
}

static double
ticks_stop (void)
{
  tick_cb (NULL, NULL, NULL);
  ticks.measuring = FALSE;
  return ticks.max_gap / 1000.0;
}

/* Whether @widget shows a list row (CSS name "row") on screen */
static gboolean
has_mapped_row (GtkWidget *widget)
{
  if (g_strcmp0 (gtk_widget_get_css_name (widget), "row") == 0 && gtk_widget_get_mapped (widget) &&
      gtk_widget_get_height (widget) > 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_mapped_row (c))
      return TRUE;
  return FALSE;
}

/* Waits for the first frame painted while @list shows rows; returns
 * the time it was painted. */
typedef struct
{
  GtkWidget *list;
  gint64     painted;
} RowsDrawn;

static void
after_paint_cb (GdkFrameClock *clock,
                RowsDrawn     *r)
{
  if (r->painted == 0 && gtk_widget_get_mapped (r->list) && has_mapped_row (r->list))
    r->painted = g_get_monotonic_time ();
}

static gint64
wait_rows_drawn (GtkWidget *window,
                 GtkWidget *list,
                 double     timeout_s)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  RowsDrawn r = { list, 0 };
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &r);

  while (r.painted == 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("no rows drawn within %.0f s", timeout_s);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
  return r.painted;
}

static void
iterate_until (gboolean (*done) (gpointer data),
               gpointer   data,
               double     timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the expected change did not happen within %.0f s", timeout_s);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* --- startup -------------------------------------------------------- */

static void
check_startup (XgbWindow *window,
               gpointer   data)
{
  const char *spawn = g_getenv ("XGB_BENCH_SPAWN_US");

  /* xgb_ui_run_app() calls this once the window was drawn */
  if (spawn != NULL)
    out ("startup_ms", (double) (g_get_monotonic_time () - g_ascii_strtoll (spawn, NULL, 10)) / 1000.0);
  out ("rss_mb", rss_mb ());
}

/* --- the session ---------------------------------------------------- */

static gboolean
tree_listed (gpointer browser)
{
  XgbNodeTree *tree = xgb_browser_view_get_tree (browser);

  return tree != NULL && !xgb_node_tree_get_loading (tree) &&
         g_list_model_get_n_items (xgb_node_tree_get_topics (tree)) > 0;
}

/* Selects @node with the Items tab open, as an admin going through
 * topics' items does */
static void
open_items (XgbBrowserView *browser,
            const char     *node)
{
  XgbNodeTree *tree = xgb_browser_view_get_tree (browser);
  XgbNode *found = xgb_node_tree_lookup (tree, node);

  g_assert_nonnull (found);
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                              XGB_TYPE_BROWSER_VIEW, "node_tabs")),
                                    "items");
  xgb_browser_view_select_node (browser, found);
}

static gboolean
list_complete (gpointer view)
{
  XgbItemList *list = xgb_items_view_get_list (view);

  return list != NULL && (xgb_item_list_get_complete (list) || xgb_item_list_get_error (list) != NULL);
}

static gboolean
payload_loaded (gpointer window)
{
  return xgb_payload_window_get_loaded (window);
}

static void
check_session (XgbWindow *window,
               gpointer   data)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbItemsView *view = xgb_browser_view_get_items_view (browser);
  GtkWidget *hierarchy = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW,
                                                                    "hierarchy_view"));
  GtkAdjustment *adj;
  XgbItemList *list;
  XgbPayloadWindow *payload;
  XgbGapMeter *meter;
  gint64 start, drawn;
  double rss_before;

  gtk_widget_add_tick_callback (GTK_WIDGET (window), tick_cb, NULL, NULL);
  out ("rss_login_mb", rss_mb ());

  /* login → first hierarchy rows drawn, → every topic listed */
  start = g_get_monotonic_time ();
  ticks_start ();
  g_assert_true (xgb_window_connect (window));
  iterate_until (xgb_ui_on_session_page, window, 60);
  out ("login_session_ms", ms_since (start));
  drawn = wait_rows_drawn (GTK_WIDGET (window), hierarchy, 60);
  out ("login_rows_ms", (double) (drawn - start) / 1000.0);
  iterate_until (tree_listed, browser, 120);
  out ("login_all_ms", ms_since (start));
  out ("topics", g_list_model_get_n_items (xgb_node_tree_get_topics (xgb_browser_view_get_tree (browser))));
  out ("list_gap_ms", ticks_stop ());
  out ("rss_listed_mb", rss_mb ());

  /* the big topic: first item rows drawn */
  rss_before = rss_mb ();
  start = g_get_monotonic_time ();
  ticks_start ();
  open_items (browser, ITEMS_NODE);
  drawn = wait_rows_drawn (GTK_WIDGET (window), xgb_items_view_get_filter_widget (view, "columns"), 120);
  out ("items_rows_ms", (double) (drawn - start) / 1000.0);

  /* scrolled to the end, a screenful per frame, while pages load */
  list = xgb_items_view_get_list (view);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (xgb_items_view_get_scroller (view)));
  ticks.scrolling = adj;
  while (!list_complete (view) ||
         gtk_adjustment_get_value (adj) < gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj))
    {
      g_main_context_iteration (NULL, TRUE);
      if (ms_since (start) > 900000)
        g_error ("scrolling to the end took more than 15 minutes");
    }
  ticks.scrolling = NULL;
  g_assert_null (xgb_item_list_get_error (list));
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, TRUE);
  out ("items_end_ms", ms_since (start));
  out ("items_gap_ms", ticks_stop ());
  out ("items_n", g_list_model_get_n_items (G_LIST_MODEL (list)));
  out ("items_requests", xgb_item_list_get_n_requests (list));
  out ("rss_items_before_mb", rss_before);
  out ("rss_items_after_mb", rss_mb ());

  /* a 1 MB payload */
  open_items (browser, LARGE_NODE);
  wait_rows_drawn (GTK_WIDGET (window), xgb_items_view_get_filter_widget (view, "columns"), 120);
  xgb_items_view_select (view, 0);
  meter = xgb_gap_meter_start ();
  ticks_start ();
  start = g_get_monotonic_time ();
  payload = XGB_PAYLOAD_WINDOW (xgb_items_view_open_selected (view));
  iterate_until (payload_loaded, payload, 120);
  out ("payload_ms", ms_since (start));
  /* and a few frames of it */
  for (guint j = 0; j < 50; j++)
    g_main_context_iteration (NULL, FALSE);
  out ("payload_gap_ms", xgb_gap_meter_stop (meter));
  out ("payload_tick_gap_ms", ticks_stop ());
  gtk_window_destroy (GTK_WINDOW (payload));
}

/* Like xgb_ui_run_app(), without its time limit: walking a big topic
 * may take minutes where the server is slow. */
typedef struct
{
  XgbApplication *app;
  XgbWindow      *window;
  XgbUiCheck      check;
  gboolean        checked;
} Run;

static gboolean
run_check_cb (gpointer data)
{
  Run *run = data;

  gtk_test_widget_wait_for_draw (GTK_WIDGET (run->window));
  run->check (run->window, NULL);
  run->checked = TRUE;
  gtk_window_close (GTK_WINDOW (run->window));
  g_application_quit (G_APPLICATION (run->app));
  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 Run            *run)
{
  if (run->window == NULL && XGB_IS_WINDOW (window))
    {
      run->window = XGB_WINDOW (window);
      g_idle_add (run_check_cb, run);
    }
}

static gboolean
run_app (const char * const *args,
         XgbUiCheck          check)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Run run = { 0 };
  int status;

  g_ptr_array_add (argv, (char *) "xgb-broker");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  run.app = xgb_application_new ();
  run.check = check;
  g_application_set_flags (G_APPLICATION (run.app),
                           g_application_get_flags (G_APPLICATION (run.app)) | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (run.app, "window-added", G_CALLBACK (window_added_cb), &run);
  status = g_application_run (G_APPLICATION (run.app), (int) argv->len - 1, (char **) argv->pdata);
  g_clear_object (&run.app);
  return status == 0 && run.checked;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *pw = NULL;
  XgbUiRun run;

  gtk_test_init (&argc, &argv, NULL);
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s startup|session\n", argv[0]);
      return 2;
    }

  if (g_str_equal (argv[1], "startup"))
    return xgb_ui_run_app (NULL, check_startup, NULL, &run);

  if (g_str_equal (argv[1], "session"))
    {
      const char *args[] = {
        "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", NULL,
        "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
        "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
        NULL
      };
      gboolean ok;

      dir = xgb_test_make_tmpdir ("xgb-bench-ui-XXXXXX");
      pw = xgb_ui_password_file (dir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
      args[3] = pw;
      ok = run_app (args, check_session);
      xgb_test_remove_tmpdir (g_steal_pointer (&dir));
      return ok ? 0 : 1;
    }

  fprintf (stderr, "%s: unknown mode %s\n", argv[0], argv[1]);
  return 2;
}
