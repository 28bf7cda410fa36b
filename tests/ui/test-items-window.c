/* test-items-window.c - the Items tab against a real ejabberd: paging
 * through 1 000 items, filters by publisher and time, deleting one
 * publisher's items, deleting one item, the payload viewer with a 1 MB
 * payload, and purge (run under tests/servers/with-server.sh and xvfb)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-confirm-dialog.h"
#include "xgb-delete-dialog.h"
#include "xgb-items-view.h"
#include "xgb-payload-window.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

#define LOG_NODE     "items/log"
#define LARGE_NODE   "items/large"
#define N_ITEMS      1000
#define N_ALICE      300     /* items k with k % 10 < 3 */

static char *tmpdir;

/* --- seeding through the core --------------------------------------- */

static void
create_topic (XgbPubsubService *service,
              const char       *node,
              const char       *fields)
{
  g_autofree char *config = g_strdup_printf ("<x xmlns='jabber:x:data' type='submit'>"
                                             "<field var='FORM_TYPE' type='hidden'>"
                                             "<value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                                             "<field var='pubsub#max_items'><value>5000</value></field>"
                                             "<field var='pubsub#persist_items'><value>1</value></field>"
                                             "%s</x>", fields);

  xgb_test_create_node (service, node, config);
}

typedef struct
{
  guint  in_flight;
  guint  failed;
} Publishing;

static void
published_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  Publishing *p = data;
  g_autoptr(GError) error = NULL;

  g_free (xgb_pubsub_service_publish_finish (XGB_PUBSUB_SERVICE (object), result, &error));
  if (error != NULL)
    {
      g_test_message ("publish failed: %s", error->message);
      p->failed++;
    }
  p->in_flight--;
}

static gboolean
is_alice_item (guint k)
{
  return k % 10 < 3;
}

/* Item k: "inc-%04u", ReportTime 2026-10-01T00:00Z + k hours */
static char *
incident (guint k)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 10, 1, 0, 0, 0);
  g_autoptr(GDateTime) time = g_date_time_add_hours (start, k);
  g_autofree char *iso = g_date_time_format_iso8601 (time);

  return g_strdup_printf ("<Incident xmlns='urn:ietf:params:xml:ns:iodef-2.0' purpose='reporting'>"
                          "<IncidentID name='grid.test'>inc-%04u</IncidentID>"
                          "<ReportTime>%s</ReportTime>"
                          "<Description>Port scan %u</Description></Incident>", k, iso, k);
}

static void
seed (void)
{
  g_autoptr(XgbConnection) admin_connection = xgb_test_login ("ADMIN");
  g_autoptr(XgbConnection) alice_connection = xgb_test_login ("ALICE");
  g_autoptr(XgbPubsubService) admin = xgb_test_pubsub_service (admin_connection);
  g_autoptr(XgbPubsubService) alice = xgb_test_pubsub_service (alice_connection);
  g_autoptr(GPtrArray) affiliations = g_ptr_array_new ();
  XgbPubsubAffiliation publisher = { (char *) xgb_test_env ("XGB_TEST_ALICE_JID"), (char *) "publisher" };
  g_autoptr(GString) large = g_string_new ("<report xmlns='urn:xgb:test:large'>");
  Publishing p = { 0 };
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;

  create_topic (admin, LOG_NODE, "<field var='pubsub#itemreply'><value>publisher</value></field>");
  create_topic (admin, LARGE_NODE, "");
  g_ptr_array_add (affiliations, &publisher);
  xgb_pubsub_service_set_affiliations_async (admin, LOG_NODE, affiliations, NULL, xgb_test_result_cb, &r);
  g_assert_true (xgb_pubsub_service_change_finish (admin, xgb_test_result_wait (&r), &error));
  xgb_test_result_clear (&r);

  for (guint k = 0; k < N_ITEMS; k++)
    {
      g_autofree char *id = g_strdup_printf ("inc-%04u", k);
      g_autofree char *payload = incident (k);

      /* In order: ejabberd pages by publication time */
      p.in_flight++;
      xgb_pubsub_service_publish_async (is_alice_item (k) ? alice : admin, LOG_NODE, id, payload, NULL,
                                        published_cb, &p);
      while (p.in_flight > 0)
        g_main_context_iteration (NULL, TRUE);
    }

  /* About 1 MB in 16 000 short lines */
  for (guint i = 0; large->len < 1024 * 1024; i++)
    g_string_append_printf (large, "<line n='%u'>observation %u from sensor-a, all quiet</line>", i, i);
  g_string_append (large, "</report>");
  p.in_flight++;
  xgb_pubsub_service_publish_async (admin, LARGE_NODE, "big-1", large->str, NULL, published_cb, &p);
  while (p.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  /* and 1 MB on one line: a base64 blob */
  {
    g_autofree guchar *raw = g_malloc (768 * 1024);
    g_autofree char *b64 = NULL;
    g_autofree char *blob = NULL;

    for (gsize i = 0; i < 768 * 1024; i++)
      raw[i] = (guchar) (i * 7 + i / 251);
    b64 = g_base64_encode (raw, 768 * 1024);
    blob = g_strdup_printf ("<capture xmlns='urn:xgb:test:pcap'>%s</capture>", b64);
    p.in_flight++;
    xgb_pubsub_service_publish_async (admin, LARGE_NODE, "big-2", blob, NULL, published_cb, &p);
    while (p.in_flight > 0)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpuint (p.failed, ==, 0);

  xgb_connection_disconnect (alice_connection);
  xgb_connection_disconnect (admin_connection);
}

/* What the server holds, read in one request of up to 2 000 items */
static XgbPubsubItemPage *
items_on_server (XgbWindow  *window,
                 const char *node)
{
  XgbNodeTree *tree = xgb_browser_view_get_tree (xgb_window_get_browser_view (window));
  XgbPubsubService *service = xgb_node_tree_get_service (tree);
  XgbPubsubItemPage *page;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };

  xgb_pubsub_service_get_items_async (service, node, 2000, NULL, NULL, NULL, xgb_test_result_cb, &r);
  page = xgb_pubsub_service_get_items_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  return page;
}

/* --- waiting -------------------------------------------------------- */

static gboolean
list_idle (gpointer view)
{
  XgbItemList *list = xgb_items_view_get_list (view);

  return list != NULL && !xgb_item_list_get_loading (list) &&
         (xgb_item_list_get_scanned (list) > 0 || xgb_item_list_get_complete (list) ||
          xgb_item_list_get_error (list) != NULL);
}

static gboolean
report_is (gpointer view)
{
  return g_strcmp0 (xgb_items_view_get_report (view), g_object_get_data (view, "expected-report")) == 0;
}

static void
wait_report (XgbItemsView *view,
             const char   *expected)
{
  g_object_set_data_full (G_OBJECT (view), "expected-report", g_strdup (expected), g_free);
  xgb_ui_wait (report_is, view, 60);
}

static void
open_items_tab (XgbWindow  *window,
                const char *node)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbNodeTree *tree = xgb_browser_view_get_tree (browser);
  XgbItemsView *view = xgb_browser_view_get_items_view (browser);

  xgb_browser_view_select_node (browser, xgb_node_tree_add (tree, node, NULL));
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                              XGB_TYPE_BROWSER_VIEW, "node_tabs")),
                                    "items");
  g_assert_cmpstr (xgb_item_list_get_node (xgb_items_view_get_list (view)), ==, node);
  xgb_ui_wait (list_idle, view, 30);
  g_assert_null (xgb_item_list_get_error (xgb_items_view_get_list (view)));
}

/* --- the checks ----------------------------------------------------- */

/* Scrolling to the end reads page after page, about one request per
 * page, until all 1 000 rows are there. */
static void
check_paging (XgbItemsView *view)
{
  XgbItemList *all = xgb_items_view_get_all (view);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (xgb_items_view_get_scroller (view)));
  guint first = g_list_model_get_n_items (G_LIST_MODEL (all));
  GtkColumnView *columns = GTK_COLUMN_VIEW (xgb_items_view_get_filter_widget (view, "columns"));
  GListModel *cols = gtk_column_view_get_columns (columns);
  guint n_visible = 0;

  g_assert_cmpint (xgb_item_list_get_total (all), ==, N_ITEMS);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (first, <, N_ITEMS);
  g_assert_nonnull (strstr (xgb_items_view_get_count_text (view), "1000 items"));
  xgb_ui_save_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW), "items.png");

  /* every column shown: the Broker names publishers and the payloads
   * carry a time */
  for (guint i = 0; i < g_list_model_get_n_items (cols); i++)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (cols, i);

      n_visible += gtk_column_view_column_get_visible (col);
    }
  g_assert_cmpuint (n_visible, ==, 5);
  g_assert_true (gtk_widget_get_sensitive (xgb_items_view_get_filter_widget (view, "publisher")));
  g_assert_true (gtk_widget_get_sensitive (xgb_items_view_get_filter_widget (view, "from")));

  for (guint round = 0; round < 200 && !xgb_item_list_get_complete (all); round++)
    {
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
      xgb_ui_wait (list_idle, view, 30);
      /* let the view take the new rows and the adjustment grow */
      for (guint i = 0; i < 20; i++)
        g_main_context_iteration (NULL, FALSE);
    }
  g_assert_true (xgb_item_list_get_complete (all));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, N_ITEMS);
  g_test_message ("1000 items read in %u requests", xgb_item_list_get_n_requests (all));
  g_assert_cmpuint (xgb_item_list_get_n_requests (all), <=, N_ITEMS / 100 + 3);
  {
    g_autoptr(XgbItemRow) last = g_list_model_get_item (G_LIST_MODEL (all), N_ITEMS - 1);

    g_assert_cmpstr (xgb_item_row_get_id (last), ==, "inc-0999");
    g_assert_nonnull (strstr (xgb_item_row_get_summary (last), "<Incident"));
    g_assert_nonnull (xgb_item_row_get_timestamp (last));
  }
}

static gboolean
list_complete (gpointer view)
{
  XgbItemList *list = xgb_items_view_get_list (view);

  return list != NULL && xgb_item_list_get_complete (list);
}

/* The filter scans the topic; its matches are deleted after a count and
 * a confirmation; exactly those are gone from the server. */
static void
check_delete_publisher (XgbWindow    *window,
                        XgbItemsView *view)
{
  XgbConfirmDialog *confirm;
  XgbItemList *matches;
  g_autoptr(XgbPubsubItemPage) left = NULL;
  g_autofree char *expected = NULL;

  xgb_items_view_set_filter (view, "alice", NULL, NULL);
  matches = xgb_items_view_get_list (view);
  g_assert_true (xgb_item_list_get_filtered (matches));
  xgb_ui_wait (list_complete, view, 60);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (matches)), ==, N_ALICE);
  g_assert_cmpuint (xgb_item_list_get_scanned (matches), ==, N_ITEMS);
  g_assert_cmpstr (xgb_items_view_get_count_text (view), ==, "300 of 1000 items match");
  g_assert_true (gtk_widget_get_sensitive (xgb_items_view_get_filter_widget (view, "delete-matching")));
  xgb_ui_save_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW), "items-filtered.png");

  /* Declining deletes nothing */
  xgb_items_view_delete_matching (view);
  confirm = xgb_ui_wait_toplevel (XGB_TYPE_CONFIRM_DIALOG);
  g_assert_nonnull (strstr (xgb_confirm_dialog_get_explanation (confirm), "All 300 items"));
  xgb_confirm_dialog_respond (confirm, FALSE);
  wait_report (view, "Nothing deleted.");

  xgb_items_view_delete_matching (view);
  confirm = xgb_ui_wait_toplevel (XGB_TYPE_CONFIRM_DIALOG);
  xgb_ui_save_screenshot (GTK_WIDGET (confirm), "items-delete-confirm.png");
  xgb_confirm_dialog_respond (confirm, TRUE);
  expected = g_strdup_printf ("Deleted %u of %u items.", N_ALICE, N_ALICE);
  wait_report (view, expected);
  g_assert_cmpfloat (xgb_items_view_get_progress (view), ==, 1.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (matches)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (xgb_items_view_get_all (view))), ==, N_ITEMS - N_ALICE);
  xgb_ui_save_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW), "items-deleted.png");

  left = items_on_server (window, LOG_NODE);
  g_assert_cmpuint (left->items->len, ==, N_ITEMS - N_ALICE);
  for (guint i = 0; i < left->items->len; i++)
    {
      XgbPubsubItem *item = left->items->pdata[i];
      guint k = (guint) g_ascii_strtoull (item->id + 4, NULL, 10);

      g_assert_false (is_alice_item (k));
      g_assert_true (g_str_has_prefix (item->publisher, xgb_test_env ("XGB_TEST_ADMIN_JID")));
    }
}

/* A day of items: k = 24 … 47, of which six were Alice's */
static void
check_time_filter (XgbItemsView *view)
{
  XgbItemList *matches;

  xgb_items_view_set_filter (view, NULL, "2026-10-02", "2026-10-03 00:00");
  matches = xgb_items_view_get_list (view);
  xgb_ui_wait (list_complete, view, 60);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (matches)), ==, 24 - 6);

  /* A range that ends before it starts is refused inline */
  xgb_items_view_set_filter (view, NULL, "2026-10-03", "2026-10-02");
  g_assert_true (xgb_items_view_get_list (view) == matches);
  g_assert_true (gtk_widget_has_css_class (xgb_items_view_get_filter_widget (view, "to"), "error"));
  xgb_items_view_set_filter (view, NULL, "yesterday", NULL);
  g_assert_true (gtk_widget_has_css_class (xgb_items_view_get_filter_widget (view, "from"), "error"));
  g_assert_nonnull (strstr (xgb_items_view_get_count_text (view), "Not a time"));

  xgb_items_view_set_filter (view, NULL, NULL, NULL);
  g_assert_true (xgb_items_view_get_list (view) == xgb_items_view_get_all (view));
}

static gboolean
payload_loaded (gpointer window)
{
  return xgb_payload_window_get_loaded (window);
}

typedef struct
{
  gboolean  done;
  char     *text;
} ClipboardRead;

static void
clipboard_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  ClipboardRead *c = data;

  c->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  c->done = TRUE;
}

static void
check_delete_one_and_view (XgbWindow    *window,
                           XgbItemsView *view)
{
  XgbConfirmDialog *confirm;
  XgbPayloadWindow *payload;
  g_autoptr(XgbItemRow) row = NULL;
  g_autoptr(XgbPubsubItemPage) left = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "payload.xml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *saved = NULL;
  g_autofree char *id = NULL;
  ClipboardRead c = { 0 };
  XgbTestResult r = { 0 };

  /* The payload viewer: indented XML, copy, save */
  xgb_items_view_select (view, 0);
  payload = XGB_PAYLOAD_WINDOW (xgb_items_view_open_selected (view));
  xgb_ui_wait (payload_loaded, payload, 30);
  g_assert_nonnull (strstr (xgb_payload_window_get_text (payload), "\n  <ReportTime>2026-10-01T03:00:00Z"));
  g_assert_nonnull (strstr (xgb_payload_window_get_status (payload), "published by admin@"));
  xgb_ui_save_screenshot (GTK_WIDGET (payload), "payload.png");

  xgb_payload_window_copy (payload);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (payload)), NULL, clipboard_cb, &c);
  xgb_test_wait (&c.done, 10);
  g_assert_cmpstr (c.text, ==, xgb_payload_window_get_text (payload));
  g_free (c.text);

  xgb_payload_window_save_async (payload, file, NULL, xgb_test_result_cb, &r);
  g_assert_true (xgb_payload_window_save_finish (payload, xgb_test_result_wait (&r), NULL));
  xgb_test_result_clear (&r);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_cmpstr (saved, ==, xgb_payload_window_get_text (payload));
  gtk_window_destroy (GTK_WINDOW (payload));

  /* Delete, by the Delete key's action */
  row = g_list_model_get_item (G_LIST_MODEL (xgb_items_view_get_list (view)), 0);
  id = g_strdup (xgb_item_row_get_id (row));
  xgb_items_view_select (view, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "items.delete-item", NULL));
  confirm = xgb_ui_wait_toplevel (XGB_TYPE_CONFIRM_DIALOG);
  xgb_confirm_dialog_respond (confirm, TRUE);
  {
    g_autofree char *expected = g_strdup_printf ("Deleted the item “%s”.", id);

    wait_report (view, expected);
  }
  left = items_on_server (window, LOG_NODE);
  g_assert_cmpuint (left->items->len, ==, N_ITEMS - N_ALICE - 1);
  for (guint i = 0; i < left->items->len; i++)
    g_assert_cmpstr (((XgbPubsubItem *) left->items->pdata[i])->id, !=, id);
}

static void
check_purge (XgbWindow    *window,
             XgbItemsView *view)
{
  XgbDeleteDialog *dialog;
  GtkEditable *entry;
  g_autoptr(XgbPubsubItemPage) left = NULL;

  xgb_items_view_purge (view);
  dialog = xgb_ui_wait_toplevel (XGB_TYPE_DELETE_DIALOG);
  entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), XGB_TYPE_DELETE_DIALOG, "name_entry"));
  gtk_editable_set_text (entry, "items/lo");
  xgb_delete_dialog_confirm (dialog);
  g_assert_true (xgb_ui_find_toplevel (XGB_TYPE_DELETE_DIALOG) == dialog);
  gtk_editable_set_text (entry, LOG_NODE);
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "purge.png");
  xgb_delete_dialog_confirm (dialog);
  wait_report (view, "Every item of “items/log” was deleted.");
  xgb_ui_wait (list_idle, view, 30);
  g_assert_cmpstr (xgb_items_view_get_count_text (view), ==, "This topic holds no persisted items.");
  /* nothing left to purge */
  g_assert_false (gtk_widget_get_sensitive (xgb_items_view_get_filter_widget (view, "purge")));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (xgb_items_view_get_filter_widget (view, "purge")), ==,
                   "The topic has no items");

  left = items_on_server (window, LOG_NODE);
  g_assert_cmpuint (left->items->len, ==, 0);
}

/* A 1 MB payload opens while the main loop keeps turning; the Broker
 * names no publisher here, so that filter is off and says why. */
static void
check_large (XgbWindow    *window,
             XgbItemsView *view)
{
  XgbPayloadWindow *payload;
  XgbGapMeter *meter;
  double gap_ms;
  GtkWidget *publisher = xgb_items_view_get_filter_widget (view, "publisher");

  open_items_tab (window, LARGE_NODE);
  g_assert_false (gtk_widget_get_sensitive (publisher));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (publisher), "does not name"));
  g_assert_false (gtk_widget_get_sensitive (xgb_items_view_get_filter_widget (view, "from")));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (xgb_items_view_get_list (view))), ==, 2);

  for (guint i = 0; i < 2; i++)
    {
      meter = xgb_gap_meter_start ();
      xgb_items_view_select (view, i);
      payload = XGB_PAYLOAD_WINDOW (xgb_items_view_open_selected (view));
      xgb_ui_wait (payload_loaded, payload, 60);
      /* and draw a few frames of it */
      for (guint j = 0; j < 50; j++)
        g_main_context_iteration (NULL, FALSE);
      gap_ms = xgb_gap_meter_stop (meter);
      g_test_message ("1 MB payload %u opened; longest main-loop gap %.0f ms", i, gap_ms);
      g_assert_cmpfloat (gap_ms, <, 2000);
      g_assert_cmpuint (strlen (xgb_payload_window_get_text (payload)), >, 1024 * 1024);
      xgb_ui_save_screenshot (GTK_WIDGET (payload), i == 0 ? "payload-large.png" : "payload-one-line.png");
      if (i == 0)
        g_assert_true (g_str_has_prefix (xgb_payload_window_get_text (payload), "<report"));
      else
        g_assert_true (g_str_has_prefix (xgb_payload_window_get_text (payload), "<capture"));
      gtk_window_destroy (GTK_WINDOW (payload));
    }
}

static void
check_items (XgbWindow *window,
             gpointer   data)
{
  XgbBrowserView *browser;
  XgbItemsView *view;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  browser = xgb_window_get_browser_view (window);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  view = xgb_browser_view_get_items_view (browser);

  open_items_tab (window, LOG_NODE);
  check_paging (view);
  check_delete_publisher (window, view);
  check_time_filter (view);
  check_delete_one_and_view (window, view);
  check_purge (window, view);
  check_large (window, view);
}

static void
test_items (void)
{
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
    "--connect", NULL
  };
  XgbUiRun run;

  seed ();
  g_assert_cmpint (xgb_ui_run_app (args, check_items, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* The time filter's entries are local time */
  g_setenv ("TZ", "UTC", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-items-XXXXXX");

  g_test_add_func ("/ui/items/ejabberd", test_items);

  ret = g_test_run ();

  xgb_test_remove_tmpdir (tmpdir);

  return ret;
}
