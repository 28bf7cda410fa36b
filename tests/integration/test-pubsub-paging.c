/* test-pubsub-paging.c - 1000 items on one ejabberd topic come back
 * exactly once each, in order, over many requests; the change hook
 * reports every change (run under with-server.sh ejabberd)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-pubsub.h"
#include "xgb-test-util.h"

/* XGB_PAGING_ITEMS raises it for a measurement (e.g. 10000). */
static guint N_ITEMS = 1000;
#define PAGE 100

static void
change_cb (XgbPubsubService      *service,
           const XgbPubsubChange *change,
           GPtrArray             *log)
{
  g_assert_nonnull (change->account);
  g_assert_cmpstr (change->service, ==, xgb_pubsub_service_get_jid (service));
  g_ptr_array_add (log, g_strdup_printf ("%s %s %s", change->action, change->node ? change->node : "-",
                                         change->error ? "failed" : "ok"));
}

static XgbPubsubService *
admin_service (XgbConnection **out_connection)
{
  g_autoptr(XgbLoginParams) params =
    xgb_test_params (xgb_test_env ("XGB_TEST_ADMIN_JID"), xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"),
                     "XGB_TEST_PORT", "XGB_TEST_CA_FILE");
  XgbConnection *connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = NULL;
  XgbTestResult w = { 0 };

  g_assert_true (xgb_test_connect (connection, &error));
  xgb_find_broker_async (connection, NULL, NULL, xgb_test_result_cb, &w);
  xgb_test_wait (&w.done, 30);
  info = xgb_find_broker_finish (connection, w.result, &error);
  g_assert_no_error (error);
  g_clear_object (&w.result);

  *out_connection = connection;
  return xgb_pubsub_service_new (connection, info);
}

static void
test_paging (void)
{
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(XgbPubsubService) service = admin_service (&connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *node = g_strdup_printf ("paging-%08x", g_random_int ());
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  XgbTestResult w = { 0 };
  guint seen = 0, requests, pages = 0;
  g_autofree char *created = NULL;
  const char *config = "<x xmlns='jabber:x:data' type='submit'>"
                       "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                       "<field var='pubsub#max_items'><value>100000</value></field></x>";

  g_signal_connect (service, "change", G_CALLBACK (change_cb), log);

  xgb_pubsub_service_create_async (service, node, FALSE, config, NULL, xgb_test_result_cb, &w);
  xgb_test_wait (&w.done, 30);
  created = xgb_pubsub_service_create_finish (service, w.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created, ==, node);
  g_clear_object (&w.result);

  g_assert_cmpuint (xgb_test_publish_items (service, node, N_ITEMS), ==, 0);
  /* create + 1000 publishes, each reported through the hook */
  g_assert_cmpuint (log->len, ==, 1 + N_ITEMS);
  {
    g_autofree char *first = g_strdup_printf ("create %s ok", node);

    g_assert_cmpstr (log->pdata[0], ==, first);
  }

  /* ejabberd pages items with RSM without advertising it: the probe
   * finds out. */
  {
    g_autoptr(XgbPubsubItemIds) how = NULL;
    XgbTestResult iw = { 0 };

    xgb_pubsub_service_get_item_ids_async (service, node, NULL, xgb_test_result_cb, &iw);
    xgb_test_wait (&iw.done, 30);
    how = xgb_pubsub_service_get_item_ids_finish (service, iw.result, &error);
    g_clear_object (&iw.result);
    g_assert_no_error (error);
    g_assert_true (how->paged);
    g_assert_null (how->ids);
    g_assert_cmpint (how->count, ==, N_ITEMS);
  }

  requests = xgb_pubsub_service_get_n_requests (service);
  for (;;)
    {
      g_autoptr(XgbPubsubItemPage) page = NULL;
      XgbTestResult pw = { 0 };

      xgb_pubsub_service_get_items_async (service, node, PAGE, after, NULL, NULL, xgb_test_result_cb, &pw);
      xgb_test_wait (&pw.done, 60);
      page = xgb_pubsub_service_get_items_finish (service, pw.result, &error);
      g_clear_object (&pw.result);
      g_assert_no_error (error);
      pages++;

      for (guint i = 0; i < page->items->len; i++)
        {
          g_autofree char *expected = g_strdup_printf ("item-%04u", seen);
          XgbPubsubItem *item = page->items->pdata[i];

          /* exactly once each, oldest first */
          g_assert_cmpstr (item->id, ==, expected);
          seen++;
        }
      g_assert_nonnull (page->rsm);
      g_assert_cmpint (page->rsm->count, ==, N_ITEMS);
      if (page->items->len == 0 || seen >= N_ITEMS)
        break;
      g_free (after);
      after = g_strdup (page->rsm->last);
    }
  g_assert_cmpuint (seen, ==, N_ITEMS);
  g_assert_cmpuint (pages, ==, N_ITEMS / PAGE);
  g_assert_cmpuint (xgb_pubsub_service_get_n_requests (service) - requests, ==, pages);
  g_test_message ("%u items in %u requests of %u", seen, pages, PAGE);

  /* The same through xgb-cli --json --stats */
  {
    g_autofree char *cli = g_build_filename (xgb_test_env ("XGB_BUILD_DIR"), "src", "cli", "xgb-cli", NULL);
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XGB_PASSWORD", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"), TRUE);
    const char *argv[] = {
      cli, "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--host", "127.0.0.1",
      "--port", xgb_test_env ("XGB_TEST_PORT"), "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"),
      "items", node, "--json", "--stats", "--page-size", "100", NULL
    };
    int status = 0;
    const char *stats;
    guint64 cli_requests;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    {
      g_autofree char *count = g_strdup_printf ("\"count\": %u", N_ITEMS);
      g_autofree char *last = g_strdup_printf ("\"id\": \"item-%04u\"", N_ITEMS - 1);

      g_assert_nonnull (strstr (out, count));
      g_assert_nonnull (strstr (out, last));
    }
    stats = strstr (err, "requests=");
    g_assert_nonnull (stats);
    cli_requests = g_ascii_strtoull (stats + strlen ("requests="), NULL, 10);
    g_test_message ("xgb-cli: %s", g_strstrip (err));
    /* disco for the Broker, then 10 pages */
    g_assert_cmpuint (cli_requests, >=, 10);
  }
}

typedef struct
{
  guint         last_done;
  guint         calls;
  GCancellable *cancellable;
  guint         cancel_at;
} Progress;

static void
progress_cb (guint    done,
             guint    total,
             gpointer data)
{
  Progress *p = data;

  g_assert_cmpuint (done, ==, p->last_done + 1);
  g_assert_cmpuint (done, <=, total);
  p->last_done = done;
  p->calls++;
  if (done == p->cancel_at)
    g_cancellable_cancel (p->cancellable);
}

/* Retracting many items: at most 32 in flight, progress after each
 * answer, and a cancel that stops sending yet reports every item. */
static void
test_retract_many (void)
{
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(XgbPubsubService) service = admin_service (&connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *node = g_strdup_printf ("retract-%08x", g_random_int ());
  g_autofree char *created = NULL;
  Progress progress = { .cancellable = cancellable, .cancel_at = 100 };
  XgbTestResult r = { 0 };
  guint retracted = 0, cancelled = 0, missing = 0;
  const guint n = 300;

  xgb_pubsub_service_create_async (service, node, FALSE,
                                   "<x xmlns='jabber:x:data' type='submit'>"
                                   "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                                   "<field var='pubsub#max_items'><value>1000</value></field></x>",
                                   NULL, xgb_test_result_cb, &r);
  created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&r), &error);
  g_assert_no_error (error);

  g_assert_cmpuint (xgb_test_publish_items (service, node, n), ==, 0);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ids, g_strdup_printf ("item-%04u", i));
  g_ptr_array_add (ids, g_strdup ("never-published"));
  g_ptr_array_add (ids, NULL);

  xgb_pubsub_service_retract_async (service, node, (const char * const *) ids->pdata,
                                    progress_cb, &progress, cancellable, xgb_test_result_cb, &r);
  results = xgb_pubsub_service_retract_finish (service, xgb_test_result_wait (&r), &error);
  g_assert_no_error (error);
  xgb_test_result_clear (&r);

  g_assert_cmpuint (results->len, ==, n + 1);
  for (guint i = 0; i < results->len; i++)
    {
      XgbPubsubRetractResult *res = results->pdata[i];

      g_assert_cmpstr (res->id, ==, ids->pdata[i]);
      if (res->error == NULL)
        retracted++;
      else if (g_error_matches (res->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cancelled++;
      else if (g_error_matches (res->error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_ITEM_NOT_FOUND))
        missing++;
      else
        g_error ("unexpected: %s", res->error->message);
    }
  g_test_message ("retract: %u retracted, %u not sent after cancel, %u not found, %u progress calls",
                  retracted, cancelled, missing, progress.calls);
  /* Cancelled at 100 answers: those in flight still count, at most 32. */
  g_assert_cmpuint (retracted, >=, 100);
  g_assert_cmpuint (retracted, <=, 100 + 32);
  g_assert_cmpuint (retracted + cancelled + missing, ==, n + 1);
  g_assert_cmpuint (progress.calls, ==, retracted + missing);
}

/* ejabberd advertises collections and accepts node_type=collection, yet
 * nests nothing (xmpp-facts.md): the service must count as flat. */
static void
test_flat_despite_collections (void)
{
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(XgbPubsubService) service = admin_service (&connection);
  g_autoptr(GError) error = NULL;
  g_autofree char *collection = g_strdup_printf ("coll-%08x", g_random_int ());
  g_autofree char *created = NULL;
  g_auto(GStrv) parents = NULL;
  XgbTestResult w = { 0 };

  g_assert_true (xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_COLLECTIONS));
  xgb_pubsub_service_create_async (service, collection, TRUE, NULL, NULL, xgb_test_result_cb, &w);
  xgb_test_wait (&w.done, 30);
  created = xgb_pubsub_service_create_finish (service, w.result, &error);
  g_assert_no_error (error);
  g_clear_object (&w.result);

  w.done = FALSE;
  xgb_pubsub_service_detect_nesting_async (service, NULL, xgb_test_result_cb, &w);
  xgb_test_wait (&w.done, 60);
  g_assert_false (xgb_pubsub_service_detect_nesting_finish (service, w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);

  w.done = FALSE;
  xgb_pubsub_service_get_parents_async (service, collection, NULL, xgb_test_result_cb, &w);
  xgb_test_wait (&w.done, 60);
  parents = xgb_pubsub_service_get_parents_finish (service, w.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parents), ==, 0);
  g_clear_object (&w.result);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("XGB_PAGING_ITEMS") != NULL)
    N_ITEMS = (guint) CLAMP (g_ascii_strtoull (g_getenv ("XGB_PAGING_ITEMS"), NULL, 10), 100, 100000) / 100 * 100;
  g_test_add_func ("/pubsub/paging-1000-items", test_paging);
  g_test_add_func ("/pubsub/flat-despite-collections", test_flat_despite_collections);
  g_test_add_func ("/pubsub/retract-many-cancel", test_retract_many);
  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
