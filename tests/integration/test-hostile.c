/* test-hostile.c - the core against a hostile or broken server: XML that
 * is not well-formed in the middle of a session, replies with other ids,
 * a 10 MiB stanza, a stream error in the middle of a paged listing,
 * pages without end, a form of 5000 fields (the scripted server's
 * hostile services; run under with-fake.sh)
 *
 * Each case asserts what the admin is told (error domain, code, words)
 * and that the connection either stays usable or reports the loss
 * cleanly and logs in again.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-bulk.h"
#include "xgb-error.h"
#include "xgb-items.h"
#include "xgb-node.h"
#include "xgb-test-util.h"
#include "xgb-xml.h"

/* The main loop may pause this long at most, whatever the server sends */
#define MAX_GAP_MS 500.0

/* --- helpers -------------------------------------------------------- */

static char *
special (const char *name)
{
  return g_strdup_printf ("%s.%s", name, xgb_test_env ("XGB_FAKE_DOMAIN"));
}

/* @work_ms: how long reading one stanza may take (0: the default) */
static XgbConnection *
logged_in_with_limit (guint work_ms)
{
  g_autofree char *jid = g_strdup_printf ("alice@%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autoptr(XgbLoginParams) params = xgb_test_params (jid, "secret", "XGB_FAKE_TLS_PORT", "XGB_FAKE_CA_FILE");
  XgbConnection *connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;

  xgb_connection_set_connect_timeout (connection, 5000);
  if (work_ms != 0)
    xgb_connection_set_stanza_work_limit (connection, work_ms);
  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);
  return connection;
}

static XgbConnection *
logged_in (void)
{
  return logged_in_with_limit (0);
}

/* The hostile service @name, as the app sees it after its disco#info */
static XgbPubsubService *
hostile_service (XgbConnection *connection,
                 const char    *name)
{
  g_autofree char *jid = special (name);
  g_autoptr(XgbDiscoInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };

  xgb_disco_info_async (connection, jid, NULL, NULL, xgb_test_result_cb, &r);
  info = xgb_disco_info_finish (connection, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  return xgb_pubsub_service_new (connection, info);
}

/* The connection still answers: a plain request to the own account */
static void
assert_usable (XgbConnection *connection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xgb_test_send_iq (connection, "get", NULL, "<query xmlns='urn:test:ping'/>", NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 0);
}

/* Lost, said so, and the same object logs in again */
static void
assert_lost_then_back (XgbConnection *connection,
                       const char    *words)
{
  const GError *lost = xgb_connection_get_error (connection);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_FAILED);
  g_assert_error (lost, XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
  g_test_message ("the connection says: %s", lost->message);
  if (words != NULL && strstr (lost->message, words) == NULL)
    g_error ("“%s” is not in “%s”", words, lost->message);
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 0);

  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);
  assert_usable (connection);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition condition,
          gpointer  data,
          double    timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("nothing happened within %.1f s", timeout_s);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
}

/* --- XML that is not well-formed ------------------------------------ */

/* The reply to a request is not well-formed XML (libstrophe then sends a
 * stream error but keeps the stream open): the request fails at once,
 * not after its timeout, the admin learns why, and the app logs in
 * again. */
static void
test_malformed (gconstpointer data)
{
  const char *kind = data;
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autofree char *to = special (kind);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  XgbGapMeter *meter = xgb_gap_meter_start ();
  gint64 start = g_get_monotonic_time ();
  double elapsed, gap;

  doc = xgb_test_send_iq (connection, "get", to, "<query xmlns='urn:test:hostile'/>", NULL, &error);
  elapsed = (double) (g_get_monotonic_time () - start) / 1000.0;
  gap = xgb_gap_meter_stop (meter);
  g_test_message ("%s: the request ended after %.0f ms (longest gap %.1f ms): %s", kind, elapsed, gap,
                  error ? error->message : "answered");

  g_assert_null (doc);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (error->message, "may or may not"));
  g_assert_cmpfloat (elapsed, <, 3000);
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);
  assert_lost_then_back (connection, "not well-formed XML");
}

/* --- replies with other ids, or from someone else ------------------ */

static void
test_wrong_ids (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autofree char *wrongid = special ("wrongid");
  g_autofree char *wrongfrom = special ("wrongfrom");
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlDoc) spoofed = NULL;

  xgb_connection_set_iq_timeout (connection, 1000);

  /* Answers with other ids (one without, one an error) are not the
   * answer: the request times out, nothing else fails */
  doc = xgb_test_send_iq (connection, "get", wrongid, "<query xmlns='urn:test:hostile'/>", NULL, &error);
  g_assert_null (doc);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer"));
  g_clear_error (&error);
  assert_usable (connection);

  /* The right id from the wrong sender: the same */
  spoofed = xgb_test_send_iq (connection, "get", wrongfrom, "<query xmlns='urn:test:hostile'/>", NULL, &error);
  g_assert_null (spoofed);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_TIMEOUT);
  g_clear_error (&error);
  assert_usable (connection);
}

/* --- a stanza of 10 MiB -------------------------------------------- */

typedef struct
{
  XgbItemList *list;
} ListWait;

static gboolean
list_settled (gpointer data)
{
  XgbItemList *list = data;

  return !xgb_item_list_get_loading (list) &&
         (xgb_item_list_get_complete (list) || xgb_item_list_get_error (list) != NULL ||
          xgb_item_list_get_stopped (list));
}

static gboolean
list_idle (gpointer data)
{
  return !xgb_item_list_get_loading (data);
}

/* An items page of 10 MiB in one text node: read in about a second,
 * the connection does not break and the main loop does not stall; the
 * item arrives whole with its size. */
static void
test_huge_stanza (void)
{
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer checks each strncat of libstrophe's parser: about
   * five times slower (7 s measured) */
  g_autoptr(XgbConnection) connection = logged_in_with_limit (4 * XGB_CONNECTION_STANZA_WORK_MS);
#else
  g_autoptr(XgbConnection) connection = logged_in ();
#endif
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "huge");
  g_autoptr(XgbItemList) list = xgb_item_list_new (service, "one-text", NULL);
  g_autoptr(XgbItemRow) big = NULL;
  XgbGapMeter *meter;
  gint64 start;
  double elapsed, gap;

  meter = xgb_gap_meter_start ();
  start = g_get_monotonic_time ();
  xgb_item_list_load_more (list);
  wait_for (list_idle, list, 25);
  elapsed = (double) (g_get_monotonic_time () - start) / 1000.0;
  gap = xgb_gap_meter_stop (meter);
  g_test_message ("one text of 10 MiB: %u rows after %.0f ms, longest gap %.1f ms, %" G_GUINT64_FORMAT
                  " bytes received", g_list_model_get_n_items (G_LIST_MODEL (list)), elapsed, gap,
                  xgb_connection_get_stats (connection)->bytes_received);

  g_assert_no_error ((GError *) xgb_item_list_get_error (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  big = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (xgb_item_row_get_id (big), ==, "big");
  g_assert_cmpuint (xgb_item_row_get_size (big), >=, 10 * 1024 * 1024);
  g_assert_true (xgb_item_list_get_complete (list));
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);
  assert_usable (connection);
}

/* 10 MiB as 100 000 lines, or as 275 000 elements: libstrophe 0.12
 * reads these in quadratic time (minutes, measured).  The connection
 * gives up after its work limit (2 s here, 10 s by default), says why,
 * and logs in again; the main loop never stalls. */
static void
test_costly_stanza (gconstpointer data)
{
  const char *node = data;
  g_autoptr(XgbConnection) connection = logged_in_with_limit (2000);
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "huge");
  g_autoptr(XgbItemList) list = xgb_item_list_new (service, node, NULL);
  XgbGapMeter *meter;
  gint64 start;
  double elapsed, gap;

  meter = xgb_gap_meter_start ();
  start = g_get_monotonic_time ();
  xgb_item_list_load_more (list);
  wait_for (list_idle, list, 25);
  elapsed = (double) (g_get_monotonic_time () - start) / 1000.0;
  gap = xgb_gap_meter_stop (meter);
  g_test_message ("%s: the list stopped after %.0f ms (longest gap %.1f ms): %s", node, elapsed, gap,
                  xgb_item_list_get_error (list) ? xgb_item_list_get_error (list)->message : "no error");

  g_assert_error ((GError *) xgb_item_list_get_error (list), XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_cmpfloat (elapsed, <, 8000);
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);
  assert_lost_then_back (connection, "took more than 2 seconds");
}

/* --- a stream error in the middle of a paged listing ---------------- */

/* Items: the first page shows, the next one ends in <system-shutdown/>:
 * the list keeps what it has and says the connection was lost, the
 * connection says why (the condition and the server's text) */
static void
test_stream_error_items (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "streamerror");
  g_autoptr(XgbItemList) list = xgb_item_list_new (service, "paged", NULL);
  const GError *error;

  xgb_item_list_load_more (list);
  wait_for (list_idle, list, 10);
  if (xgb_item_list_get_error (list) == NULL)
    {
      /* the first page shown; the next, read ahead, failed or is asked now */
      xgb_item_list_load_more (list);
      wait_for (list_settled, list, 10);
    }
  error = xgb_item_list_get_error (list);
  g_assert_error ((GError *) error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
  g_test_message ("the list says: %s", error->message);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpint (xgb_item_list_get_total (list), ==, 9);
  g_assert_false (xgb_item_list_get_complete (list));
  assert_lost_then_back (connection, "system-shutdown (The server is going down for maintenance)");
}

static gboolean
tree_idle (gpointer data)
{
  return !xgb_node_tree_get_loading (data);
}

/* Nodes: three of nine, then <internal-server-error/> without a text */
static void
test_stream_error_nodes (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "streamerror");
  g_autoptr(XgbNodeTree) tree = xgb_node_tree_new (service, FALSE, NULL);
  const GError *error;

  xgb_node_tree_load (tree);
  wait_for (tree_idle, tree, 10);
  error = xgb_node_tree_get_error (tree);
  g_assert_error ((GError *) error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
  g_test_message ("the tree says: %s", error->message);
  g_assert_cmpuint (xgb_node_tree_get_n_loaded (tree), ==, 3);
  g_assert_nonnull (xgb_node_tree_lookup (tree, "t3"));
  assert_lost_then_back (connection, "stream error: internal-server-error.");
}

/* --- pages without end ---------------------------------------------- */

static void
assert_stopped_paging (const GError *error,
                       const char   *words)
{
  g_assert_error ((GError *) error, XGB_ERROR, XGB_ERROR_PROTOCOL);
  g_test_message ("stopped: %s", error->message);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” is not in “%s”", words, error->message);
  g_assert_nonnull (strstr (error->message, "may be incomplete"));
}

/* The same page again and again: the list stops at the second one and
 * shows the first page once */
static void
test_same_page_items (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "samepage");
  g_autoptr(XgbItemList) list = xgb_item_list_new (service, "loop", NULL);
  g_autoptr(XgbItemFilter) filter = xgb_item_filter_new ("nobody", NULL, NULL);
  g_autoptr(XgbItemList) scan = NULL;

  for (guint i = 0; i < 5 && !list_settled (list); i++)
    {
      xgb_item_list_load_more (list);
      wait_for (list_idle, list, 10);
    }
  assert_stopped_paging (xgb_item_list_get_error (list), "the same page again");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpuint (xgb_item_list_get_n_requests (list), <=, 3);

  /* A filter scans by itself: it stops too */
  scan = xgb_item_list_new (service, "loop", filter);
  xgb_item_list_load_more (scan);
  wait_for (list_settled, scan, 10);
  assert_stopped_paging (xgb_item_list_get_error (scan), "the same page again");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (scan)), ==, 0);
  g_assert_cmpuint (xgb_item_list_get_n_requests (scan), <=, 3);
  assert_usable (connection);
}

/* Always a new page, never an end or a total: a filter's scan stops
 * after XGB_RSM_MAX_PAGES pages */
static void
test_endless_items (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "endless");
  g_autoptr(XgbItemFilter) filter = xgb_item_filter_new ("nobody", NULL, NULL);
  g_autoptr(XgbItemList) scan = xgb_item_list_new (service, "forever", filter);
  gint64 start = g_get_monotonic_time ();

  xgb_item_list_load_more (scan);
  wait_for (list_settled, scan, 25);
  g_test_message ("%u requests, %u items scanned in %.1f s", xgb_item_list_get_n_requests (scan),
                  xgb_item_list_get_scanned (scan), (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  assert_stopped_paging (xgb_item_list_get_error (scan), "pages without an end");
  g_assert_cmpuint (xgb_item_list_get_n_requests (scan), <=, XGB_RSM_MAX_PAGES + 1);
  g_assert_cmpuint (xgb_item_list_get_scanned (scan), ==, XGB_RSM_MAX_PAGES - 1);
  g_assert_false (xgb_item_list_get_complete (scan));
  assert_usable (connection);
}

static void
test_same_page_nodes (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "samepage");
  g_autoptr(XgbNodeTree) tree = xgb_node_tree_new (service, FALSE, NULL);

  xgb_node_tree_load (tree);
  wait_for (tree_idle, tree, 10);
  assert_stopped_paging (xgb_node_tree_get_error (tree), "the same page again");
  g_assert_cmpuint (xgb_node_tree_get_n_loaded (tree), ==, 2);
  assert_usable (connection);
}

static void
test_endless_nodes (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "endless");
  g_autoptr(XgbNodeTree) tree = xgb_node_tree_new (service, FALSE, NULL);
  gint64 start = g_get_monotonic_time ();

  xgb_node_tree_load (tree);
  wait_for (tree_idle, tree, 25);
  g_test_message ("%u nodes in %.1f s", xgb_node_tree_get_n_loaded (tree),
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  assert_stopped_paging (xgb_node_tree_get_error (tree), "pages without an end");
  g_assert_cmpuint (xgb_node_tree_get_n_loaded (tree), ==, XGB_RSM_MAX_PAGES - 1);
  assert_usable (connection);
}

/* A bulk change's targets in a collection that pages without end: the
 * targets would be incomplete, so there are none, with the reason */
static void
test_endless_bulk_collect (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "endless");
  g_autoptr(XgbNodeTree) tree = xgb_node_tree_new (service, TRUE, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) targets = NULL;
  XgbTestResult r = { 0 };

  xgb_bulk_collect_async (tree, xgb_node_tree_add (tree, "grid", NULL), NULL, xgb_test_result_cb, &r);
  targets = xgb_bulk_collect_finish (tree, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_null (targets);
  assert_stopped_paging (error, "The nodes in “grid” could not be listed");
  g_assert_nonnull (strstr (error->message, "pages without an end"));
  assert_usable (connection);
}

/* --- a form of 5000 fields ------------------------------------------ */

static gsize
resident_kb (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return 0;
  fields = g_strsplit (statm, " ", -1);
  return fields[1] ? (gsize) g_ascii_strtoull (fields[1], NULL, 10) * 4 : 0;
}

/* Read and parsed within a second, in bounded memory; changing one
 * field sends that field only */
static void
test_many_fields (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(XgbPubsubService) service = hostile_service (connection, "manyfields");
  g_autoptr(XgbForm) form = NULL;
  g_autoptr(XgbForm) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *changes = NULL;
  XgbTestResult r = { 0 };
  XgbGapMeter *meter;
  gsize rss_before, rss_after;
  gint64 start;
  double parse_ms, changes_ms, gap;

  rss_before = resident_kb ();
  meter = xgb_gap_meter_start ();
  start = g_get_monotonic_time ();
  xgb_pubsub_service_get_config_async (service, "wide", NULL, xgb_test_result_cb, &r);
  form = xgb_pubsub_service_parsed_form_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  parse_ms = (double) (g_get_monotonic_time () - start) / 1000.0;
  gap = xgb_gap_meter_stop (meter);
  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_cmpuint (form->fields->len, ==, 5001);
  g_assert_cmpstr (xgb_form_get_value (form, "x-hostile#f4999"), ==, "v4999");

  changed = xgb_form_copy (form);
  g_assert_true (xgb_form_set_value (changed, "x-hostile#f2500", "new", &error));
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_true (xgb_form_validate (changed, NULL, &error));
  changes = xgb_form_build_submit_changes (changed, form);
  changes_ms = (double) (g_get_monotonic_time () - start) / 1000.0;
  rss_after = resident_kb ();

  g_test_message ("5000 fields: read and parsed in %.0f ms (longest gap %.1f ms), validated and diffed in %.0f ms, "
                  "resident memory +%" G_GSIZE_FORMAT " KB",
                  parse_ms, gap, changes_ms, rss_after > rss_before ? rss_after - rss_before : 0);
  g_assert_nonnull (strstr (changes, "x-hostile#f2500"));
  g_assert_null (strstr (changes, "x-hostile#f2499"));
  g_assert_cmpfloat (parse_ms, <, 2000);
  g_assert_cmpfloat (changes_ms, <, 1000);
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);
  g_assert_cmpuint (rss_after, <, rss_before + 100 * 1024);
  assert_usable (connection);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/hostile/malformed/mismatched-tag", "mismatch", test_malformed);
  g_test_add_data_func ("/hostile/malformed/invalid-bytes", "badbytes", test_malformed);
  g_test_add_data_func ("/hostile/malformed/undefined-entity", "badentity", test_malformed);
  g_test_add_func ("/hostile/wrong-ids", test_wrong_ids);
  g_test_add_func ("/hostile/huge-stanza/one-text", test_huge_stanza);
  g_test_add_data_func ("/hostile/huge-stanza/many-lines", "many-lines", test_costly_stanza);
  g_test_add_data_func ("/hostile/huge-stanza/many-elements", "many-elements", test_costly_stanza);
  g_test_add_func ("/hostile/stream-error/items", test_stream_error_items);
  g_test_add_func ("/hostile/stream-error/nodes", test_stream_error_nodes);
  g_test_add_func ("/hostile/same-page/items", test_same_page_items);
  g_test_add_func ("/hostile/same-page/nodes", test_same_page_nodes);
  g_test_add_func ("/hostile/endless/items", test_endless_items);
  g_test_add_func ("/hostile/endless/nodes", test_endless_nodes);
  g_test_add_func ("/hostile/endless/bulk-collect", test_endless_bulk_collect);
  g_test_add_func ("/hostile/many-fields", test_many_fields);

  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
