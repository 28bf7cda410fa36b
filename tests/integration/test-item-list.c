/* test-item-list.c - XgbItemList, the model of the Items tab, on the
 * real servers: ejabberd pages with RSM, Prosody lists ids and the list
 * fetches them in batches; a filter scans the whole topic; removed ids
 * leave the list (run under with-server.sh ejabberd|prosody)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-items.h"
#include "xgb-test-util.h"

#define N_ITEMS 250

typedef struct
{
  guint in_flight;
  guint failed;
} Publishing;

static void
published_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  Publishing *p = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = xgb_pubsub_service_publish_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (id == NULL)
    {
      g_test_message ("publish failed: %s", error->message);
      p->failed++;
    }
  p->in_flight--;
}

/* How many requests the list had sent when its first rows came */
static void
first_rows_cb (GListModel *list,
               guint       position,
               guint       removed,
               guint       added,
               guint      *requests)
{
  if (*requests == 0)
    *requests = xgb_item_list_get_n_requests (XGB_ITEM_LIST (list));
}

static gboolean
list_idle (XgbItemList *list)
{
  return !xgb_item_list_get_loading (list);
}

static void
wait_idle (XgbItemList *list)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!list_idle (list))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_item_list (void)
{
  g_autoptr(XgbConnection) connection = xgb_test_login ("ADMIN");
  g_autoptr(XgbPubsubService) service = xgb_test_pubsub_service (connection);
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbItemList) all = NULL;
  g_autoptr(XgbItemList) day = NULL;
  g_autoptr(XgbItemFilter) filter = NULL;
  g_autoptr(GDateTime) from = g_date_time_new_utc (2026, 10, 2, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new_utc (2026, 10, 3, 0, 0, 0);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *created = NULL;
  g_auto(GStrv) ids = NULL;
  const char *gone[] = { "i-0000", "i-0100", "no-such-item", NULL };
  Publishing p = { 0 };
  XgbTestResult r = { 0 };
  guint first_requests = 0;
  const char *config = "<x xmlns='jabber:x:data' type='submit'>"
                       "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                       "<field var='pubsub#max_items'><value>1000</value></field></x>";

  xgb_pubsub_service_create_async (service, "list/items", FALSE, config, NULL, xgb_test_result_cb, &r);
  created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);

  /* Item k: an Atom entry published 2026-10-01 + k hours */
  for (guint k = 0; k < N_ITEMS; k++)
    {
      g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 10, 1, 0, 0, 0);
      g_autoptr(GDateTime) time = g_date_time_add_hours (start, k);
      g_autofree char *iso = g_date_time_format_iso8601 (time);
      g_autofree char *id = g_strdup_printf ("i-%04u", k);
      g_autofree char *payload = g_strdup_printf ("<entry xmlns='http://www.w3.org/2005/Atom'>"
                                                  "<title>event %u</title><published>%s</published></entry>",
                                                  k, iso);

      p.in_flight++;
      xgb_pubsub_service_publish_async (service, "list/items", id, payload, NULL, published_cb, &p);
      while (p.in_flight >= 16)
        g_main_context_iteration (NULL, TRUE);
    }
  while (p.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (p.failed, ==, 0);

  /* Unfiltered: a page per call, each item once */
  all = xgb_item_list_new (service, "list/items", NULL);
  g_assert_false (xgb_item_list_get_filtered (all));
  g_signal_connect (all, "items-changed", G_CALLBACK (first_rows_cb), &first_requests);
  for (guint calls = 0; !xgb_item_list_get_complete (all); calls++)
    {
      g_assert_cmpuint (calls, <, 50);
      xgb_item_list_load_more (all);
      wait_idle (all);
      g_assert_null (xgb_item_list_get_error (all));
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, N_ITEMS);
  g_assert_cmpuint (xgb_item_list_get_scanned (all), ==, N_ITEMS);
  g_assert_cmpint (xgb_item_list_get_total (all), ==, N_ITEMS);
  g_assert_true (xgb_item_list_get_has_times (all));
  g_test_message ("%u items in %u requests", N_ITEMS, xgb_item_list_get_n_requests (all));
  g_assert_cmpuint (xgb_item_list_get_n_requests (all), <=, N_ITEMS / 100 + 4);
  /* A server that pages shows the first rows after one request; one
   * that does not after three (a few recent items, the ids, a batch) */
  g_assert_cmpuint (first_requests, ==, g_str_equal (xgb_test_env ("XGB_TEST_SERVER"), "ejabberd") ? 1 : 3);
  for (guint i = 0; i < N_ITEMS; i++)
    {
      g_autoptr(XgbItemRow) row = g_list_model_get_item (G_LIST_MODEL (all), i);

      g_assert_true (g_str_has_prefix (xgb_item_row_get_summary (row), "<entry xmlns="));
      g_assert_true (g_hash_table_add (seen, g_strdup (xgb_item_row_get_id (row))));
    }

  /* Filtered: scans by itself, keeps one day (24 items) */
  filter = xgb_item_filter_new (NULL, from, to);
  day = xgb_item_list_new (service, "list/items", filter);
  g_assert_true (xgb_item_list_get_filtered (day));
  xgb_item_list_load_more (day);
  while (!xgb_item_list_get_complete (day))
    {
      g_assert_null (xgb_item_list_get_error (day));
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (day)), ==, 24);
  g_assert_cmpuint (xgb_item_list_get_scanned (day), ==, N_ITEMS);
  ids = xgb_item_list_dup_ids (day);
  g_assert_cmpuint (g_strv_length (ids), ==, 24);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      guint k = (guint) g_ascii_strtoull (ids[i] + 2, NULL, 10);

      g_assert_cmpuint (k, >=, 24);
      g_assert_cmpuint (k, <, 48);
    }

  /* Removed ids leave the list and the total */
  g_assert_cmpuint (xgb_item_list_remove_ids (all, gone), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, N_ITEMS - 2);
  g_assert_cmpint (xgb_item_list_get_total (all), ==, N_ITEMS - 2);

  xgb_connection_disconnect (connection);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/items/list", test_item_list);

  ret = g_test_run ();
  /* the connection threads end before exit, or LSan sees their state */
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
