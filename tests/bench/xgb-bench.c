/* xgb-bench.c - the core's side of the benchmarks (build-aux/bench)
 *
 * Run under tests/servers/with-server.sh ejabberd; each call does one
 * thing and prints what it measured as KEY=VALUE lines on stdout:
 *
 *   xgb-bench populate TOPICS ITEMS LARGE   create the grid
 *   xgb-bench publish NODE COUNT            a topic of COUNT small items
 *   xgb-bench nodes                         XgbNodeTree lists everything
 *   xgb-bench items NODE                    XgbItemList walks a topic
 *   xgb-bench first NODE                    XgbItemList's first page only
 *   xgb-bench page NODE MAX rsm|max_items   one first page, one request
 *   xgb-bench retract NODE COUNT            retract the items r-00000…
 *
 * Times run from "Broker known" (after the service's disco#info), as
 * the window's do.  RSS is the process's, from /proc/self/status.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xgb-items.h"
#include "xgb-node.h"
#include "xgb-test-util.h"

#define IN_FLIGHT 32

/* --- process figures ------------------------------------------------ */

static guint64
status_kb (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, key);
  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (key) + 1, NULL, 10);
}

static guint64
rss_kb (void)
{
  return status_kb ("VmRSS:");
}

/* The peak RSS since the last reset_peak() */
static guint64
peak_kb (void)
{
  return status_kb ("VmHWM:");
}

static void
reset_peak (void)
{
  /* "5" resets the peak RSS (Linux 4.0+) */
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
}

static double
ms_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

static void
out (const char *key,
     double      value)
{
  printf ("%s=%.3f\n", key, value);
  fflush (stdout);
}

/* --- publishing ----------------------------------------------------- */

typedef struct
{
  XgbPubsubService *service;
  guint             in_flight;
  guint             failed;
  GError           *first_error;
} Flight;

static void
flight_wait (Flight *f,
             guint   at_most)
{
  while (f->in_flight > at_most)
    g_main_context_iteration (NULL, TRUE);
}

static void
flight_done (Flight *f,
             GError *error)
{
  f->in_flight--;
  if (error != NULL)
    {
      f->failed++;
      if (f->first_error == NULL)
        f->first_error = error;
      else
        g_error_free (error);
    }
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  GError *error = NULL;

  g_free (xgb_pubsub_service_create_finish (XGB_PUBSUB_SERVICE (object), result, &error));
  flight_done (data, error);
}

static void
published_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  GError *error = NULL;

  g_free (xgb_pubsub_service_publish_finish (XGB_PUBSUB_SERVICE (object), result, &error));
  flight_done (data, error);
}

static void
check_flight (Flight     *f,
              const char *what)
{
  if (f->failed > 0)
    g_error ("%s: %u failed, first: %s", what, f->failed, f->first_error->message);
}

static char *
topic_config (guint max_items,
              gboolean publisher)
{
  return g_strdup_printf ("<x xmlns='jabber:x:data' type='submit'>"
                          "<field var='FORM_TYPE' type='hidden'>"
                          "<value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                          "<field var='pubsub#max_items'><value>%u</value></field>"
                          "<field var='pubsub#persist_items'><value>1</value></field>"
                          "%s</x>", max_items,
                          publisher ? "<field var='pubsub#itemreply'><value>publisher</value></field>" : "");
}

static void
create_topic (Flight     *f,
              const char *node,
              guint       max_items)
{
  g_autofree char *config = topic_config (max_items, TRUE);

  f->in_flight++;
  xgb_pubsub_service_create_async (f->service, node, FALSE, config, NULL, created_cb, f);
  flight_wait (f, 0);
  check_flight (f, node);
}

/* An IODEF-like incident of about 600 bytes */
static char *
incident (guint k)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) time = g_date_time_add_seconds (start, k * 30.0);
  g_autofree char *iso = g_date_time_format_iso8601 (time);

  return g_strdup_printf ("<IODEF-Document xmlns='urn:ietf:params:xml:ns:iodef-2.0' version='2.00'>"
                          "<Incident purpose='reporting'>"
                          "<IncidentID name='grid.example'>inc-%06u</IncidentID>"
                          "<ReportTime>%s</ReportTime>"
                          "<Description>Port scan from 192.0.2.%u against site %u, %u probes</Description>"
                          "<Assessment><Impact severity='low' type='recon'/></Assessment>"
                          "<Contact role='creator' type='organization'><ContactName>Grid sensor %u</ContactName>"
                          "<Email><EmailTo>soc@grid.example</EmailTo></Email></Contact>"
                          "<EventData><Flow><System category='source'><Node><Address category='ipv4-addr'>"
                          "192.0.2.%u</Address></Node></System></Flow></EventData>"
                          "</Incident></IODEF-Document>",
                          k, iso, k % 254 + 1, k % 100, k % 1000, k % 254 + 1, k % 254 + 1);
}

static void
publish_small (Flight     *f,
               const char *node,
               const char *prefix,
               guint       count)
{
  for (guint k = 0; k < count; k++)
    {
      g_autofree char *id = g_strdup_printf ("%s%05u", prefix, k);
      g_autofree char *payload = incident (k);

      flight_wait (f, IN_FLIGHT - 1);
      f->in_flight++;
      xgb_pubsub_service_publish_async (f->service, node, id, payload, NULL, published_cb, f);
    }
  flight_wait (f, 0);
  check_flight (f, node);
}

/* About @bytes of XML: by default a capture in base64, in lines of 76
 * characters as MIME and `base64` write them; $XGB_BENCH_SHAPE
 * "oneline" makes it one line, "elements" 16 000 short elements (both
 * shapes cost libstrophe's parser far more or less: see README). */
static char *
large_payload (guint  k,
               gsize  bytes)
{
  GString *s = g_string_sized_new (bytes + 256);
  const char *shape = g_getenv ("XGB_BENCH_SHAPE");

  if (shape != NULL && g_str_equal (shape, "elements"))
    {
      g_string_append_printf (s, "<report xmlns='urn:xgb:bench:large' n='%u'>", k);
      for (guint i = 0; s->len < bytes; i++)
        g_string_append_printf (s, "<line n='%u'>observation %u of capture %u, all quiet</line>", i, i, k);
      g_string_append (s, "</report>");
    }
  else
    {
      gsize raw_len = bytes * 3 / 4;
      g_autofree guchar *raw = g_malloc (raw_len);
      g_autofree char *b64 = NULL;
      gboolean lines = shape == NULL || g_str_equal (shape, "lines");

      for (gsize i = 0; i < raw_len; i++)
        raw[i] = (guchar) (i * 7 + i / 251 + k);
      b64 = g_base64_encode (raw, raw_len);
      g_string_append_printf (s, "<capture xmlns='urn:xgb:bench:large' n='%u'>", k);
      gsize len = strlen (b64);

      for (gsize i = 0; i < len; i += 76)
        {
          g_string_append_len (s, b64 + i, MIN (76, len - i));
          if (lines)
            g_string_append_c (s, '\n');
        }
      g_string_append (s, "</capture>");
    }
  return g_string_free (s, FALSE);
}

static int
do_populate (XgbPubsubService *service,
             guint             n_topics,
             guint             n_items,
             guint             n_large)
{
  Flight f = { service };
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n_topics; i++)
    {
      g_autofree char *node = g_strdup_printf ("grid/site-%03u/host-%05u", i / 100, i);

      flight_wait (&f, IN_FLIGHT - 1);
      f.in_flight++;
      /* the default configuration: as a grid's topics are made */
      xgb_pubsub_service_create_async (service, node, FALSE, NULL, NULL, created_cb, &f);
    }
  flight_wait (&f, 0);
  check_flight (&f, "topics");
  out ("topics_ms", ms_since (start));

  start = g_get_monotonic_time ();
  create_topic (&f, "bench/items", 100000);
  publish_small (&f, "bench/items", "inc-", n_items);
  out ("items_ms", ms_since (start));

  start = g_get_monotonic_time ();
  create_topic (&f, "bench/large", 1000);
  for (guint k = 0; k < n_large; k++)
    {
      g_autofree char *id = g_strdup_printf ("big-%03u", k);
      g_autofree char *payload = large_payload (k, 1024 * 1024);

      flight_wait (&f, 3);
      f.in_flight++;
      xgb_pubsub_service_publish_async (service, "bench/large", id, payload, NULL, published_cb, &f);
    }
  flight_wait (&f, 0);
  check_flight (&f, "bench/large");
  out ("large_ms", ms_since (start));
  return 0;
}

static int
do_publish (XgbPubsubService *service,
            const char       *node,
            guint             count)
{
  Flight f = { service };
  gint64 start = g_get_monotonic_time ();

  create_topic (&f, node, 100000);
  publish_small (&f, node, "r-", count);
  out ("publish_ms", ms_since (start));
  return 0;
}

/* --- the hierarchy -------------------------------------------------- */

typedef struct
{
  XgbNodeTree *tree;
  gint64       start;
  double       first_ms;
} Listing;

static void
topics_changed_cb (GListModel *topics,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Listing    *l)
{
  if (l->first_ms < 0 && g_list_model_get_n_items (topics) >= 50)
    l->first_ms = ms_since (l->start);
}

static int
do_nodes (XgbPubsubService *service)
{
  guint64 rss_before = rss_kb ();
  guint requests = xgb_pubsub_service_get_n_requests (service);
  g_autoptr(XgbNodeTree) tree = xgb_node_tree_new (service, FALSE, XGB_NODE_TREE_SEPARATOR);
  Listing l = { tree, g_get_monotonic_time (), -1 };
  XgbGapMeter *meter = xgb_gap_meter_start ();

  g_signal_connect (xgb_node_tree_get_topics (tree), "items-changed", G_CALLBACK (topics_changed_cb), &l);
  xgb_node_tree_load (tree);
  while (xgb_node_tree_get_loading (tree))
    g_main_context_iteration (NULL, TRUE);
  out ("all_ms", ms_since (l.start));
  out ("gap_ms", xgb_gap_meter_stop (meter));
  g_assert_null (xgb_node_tree_get_error (tree));
  out ("first_ms", l.first_ms);
  out ("n", g_list_model_get_n_items (xgb_node_tree_get_topics (tree)));
  out ("requests", xgb_pubsub_service_get_n_requests (service) - requests);
  out ("rss_before_mb", rss_before / 1024.0);
  out ("rss_after_mb", rss_kb () / 1024.0);

  /* The same listing as one bare request through the connection: how
   * much of the time is the reply's (libstrophe's parser included). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    gint64 start = g_get_monotonic_time ();

    doc = xgb_test_send_iq (xgb_pubsub_service_get_connection (service), "get",
                            xgb_pubsub_service_get_jid (service),
                            "<query xmlns='http://jabber.org/protocol/disco#items'/>", NULL, &error);
    g_assert_no_error (error);
    out ("reply_ms", ms_since (start));
  }
  return 0;
}

/* --- items ---------------------------------------------------------- */

typedef struct
{
  gint64  start;
  double  first_ms;
} Walk;

static void
rows_changed_cb (GListModel *list,
                 guint       position,
                 guint       removed,
                 guint       added,
                 Walk       *w)
{
  if (w->first_ms < 0 && g_list_model_get_n_items (list) > 0)
    w->first_ms = ms_since (w->start);
}

/* Walks the topic as a view scrolling without pause would: the next
 * page is asked for as soon as the list can take the request. */
static int
do_items (XgbPubsubService *service,
          const char       *node,
          gboolean          first_only)
{
  guint64 rss_before;
  g_autoptr(XgbItemList) list = NULL;
  Walk w = { 0, -1 };
  XgbGapMeter *meter;

  reset_peak ();
  rss_before = rss_kb ();
  list = xgb_item_list_new (service, node, NULL);
  g_signal_connect (list, "items-changed", G_CALLBACK (rows_changed_cb), &w);
  meter = xgb_gap_meter_start ();
  w.start = g_get_monotonic_time ();
  xgb_item_list_load_more (list);
  while (!xgb_item_list_get_complete (list) && xgb_item_list_get_error (list) == NULL &&
         !(first_only && w.first_ms >= 0))
    {
      g_main_context_iteration (NULL, TRUE);
      if (!first_only)
        xgb_item_list_load_more (list);
    }
  g_assert_null (xgb_item_list_get_error (list));
  out ("first_ms", w.first_ms);
  if (!first_only)
    out ("walk_ms", ms_since (w.start));
  out ("gap_ms", xgb_gap_meter_stop (meter));
  out ("n", g_list_model_get_n_items (G_LIST_MODEL (list)));
  out ("total", (double) xgb_item_list_get_total (list));
  out ("requests", xgb_item_list_get_n_requests (list));
  out ("rss_before_mb", rss_before / 1024.0);
  out ("rss_after_mb", rss_kb () / 1024.0);
  out ("rss_peak_mb", peak_kb () / 1024.0);
  return 0;
}

/* One request for a first page: RSM alone (as the peer sends it), or
 * with max_items too (as XgbItemList sends it) */
static int
do_page (XgbPubsubService *service,
         const char       *node,
         guint             max,
         gboolean          max_items)
{
  g_autoptr(XgbPubsubItemPage) page = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (max_items)
    xgb_pubsub_service_get_first_items_async (service, node, max, NULL, xgb_test_result_cb, &r);
  else
    xgb_pubsub_service_get_items_async (service, node, max, NULL, NULL, NULL, xgb_test_result_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  page = xgb_pubsub_service_get_items_finish (service, r.result, &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  out ("page_ms", ms_since (start));
  out ("n", page->items->len);
  return 0;
}

/* --- bulk retract --------------------------------------------------- */

static int
do_retract (XgbPubsubService *service,
            const char       *node,
            guint             count)
{
  g_auto(GStrv) ids = g_new0 (char *, count + 1);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  guint failed = 0;
  gint64 start;
  double ms;

  for (guint k = 0; k < count; k++)
    ids[k] = g_strdup_printf ("r-%05u", k);
  start = g_get_monotonic_time ();
  xgb_pubsub_service_retract_async (service, node, (const char * const *) ids, NULL, NULL, NULL,
                                    xgb_test_result_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  ms = ms_since (start);
  results = xgb_pubsub_service_retract_finish (service, r.result, &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    if (((XgbPubsubRetractResult *) results->pdata[i])->error != NULL)
      failed++;
  out ("retract_ms", ms);
  out ("failed", failed);
  out ("per_s", count / (ms / 1000.0));
  return 0;
}

static guint
arg (const char *text)
{
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(XgbPubsubService) service = NULL;
  const char *what;
  int status = 2;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s populate|publish|nodes|items|first|retract ARGS\n", argv[0]);
      return 2;
    }
  what = argv[1];

  connection = xgb_test_login ("ADMIN");
  service = xgb_test_pubsub_service (connection);

  if (g_str_equal (what, "populate") && argc == 5)
    status = do_populate (service, arg (argv[2]), arg (argv[3]), arg (argv[4]));
  else if (g_str_equal (what, "publish") && argc == 4)
    status = do_publish (service, argv[2], arg (argv[3]));
  else if (g_str_equal (what, "nodes") && argc == 2)
    status = do_nodes (service);
  else if (g_str_equal (what, "items") && argc == 3)
    status = do_items (service, argv[2], FALSE);
  else if (g_str_equal (what, "first") && argc == 3)
    status = do_items (service, argv[2], TRUE);
  else if (g_str_equal (what, "page") && argc == 5)
    status = do_page (service, argv[2], arg (argv[3]), g_str_equal (argv[4], "max_items"));
  else if (g_str_equal (what, "retract") && argc == 4)
    status = do_retract (service, argv[2], arg (argv[3]));
  else
    fprintf (stderr, "%s: bad arguments\n", argv[0]);

  g_clear_object (&service);
  xgb_connection_disconnect (connection);
  return status;
}
