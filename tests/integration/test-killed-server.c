/* test-killed-server.c - the real ejabberd killed (SIGKILL) in the middle
 * of a bulk deletion: every item is reported as deleted, not sent, or
 * unknown; the connection comes back by the app's backoff once the
 * server is up again; and a fresh read of the topic agrees with the
 * report (run under tests/servers/with-server.sh ejabberd)
 *
 * The server is frozen (SIGSTOP) from the progress callback, so that the
 * kill surely falls between answers, and then killed with ejabberd.sh
 * kill; ejabberd.sh restart starts it again on the same ports and data.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "xgb-backoff.h"
#include "xgb-error.h"
#include "xgb-items.h"
#include "xgb-test-util.h"

#define N_ITEMS     600
#define FREEZE_AT   150
/* ejabberd answers a retract before Mnesia has the deletion on disk: a
 * kill may undo the deletions it acknowledged in its last moment (seen:
 * the last one, sometimes).  Items acknowledged this close to the
 * freeze may come back; every earlier one must be gone. */
#define LAST_MOMENT 4
#define NODE        "killed/bulk-retract"

/* --- the server ----------------------------------------------------- */

/* --- the app's reconnect -------------------------------------------- */

static gboolean
delay_over (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* What the window does after a drop (xgb-window.c): the backoff's next
 * delay, a login with the same connection, again until it works; only
 * errors worth another attempt come in between.  The server is started
 * again (*restart) once an attempt has failed against the dead one.
 * Returns the attempts. */
static guint
reconnect (XgbConnection  *connection,
           GSubprocess   **restart)
{
  g_autoptr(XgbBackoff) backoff = xgb_backoff_new ();
  gint64 start = g_get_monotonic_time ();

  while (xgb_connection_get_state (connection) != XGB_CONNECTION_STATE_CONNECTED)
    {
      g_autoptr(GError) error = NULL;
      guint delay = xgb_backoff_next (backoff);
      gboolean over = FALSE;

      g_assert_cmpuint (delay, <=, XGB_BACKOFF_MAX_MS);
      g_timeout_add (delay, delay_over, &over);
      xgb_test_wait (&over, 70);
      if (xgb_test_connect (connection, &error))
        break;
      g_test_message ("attempt %u after %.1f s failed: %s", xgb_backoff_get_attempts (backoff),
                      (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC, error->message);
      /* the server is away, not refusing this login: worth trying again */
      g_assert_true (g_error_matches (error, XGB_ERROR, XGB_ERROR_HOST_UNREACHABLE) ||
                     g_error_matches (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST) ||
                     g_error_matches (error, XGB_ERROR, XGB_ERROR_TIMEOUT) ||
                     g_error_matches (error, XGB_ERROR, XGB_ERROR_PROTOCOL));
      g_assert_cmpuint (xgb_backoff_get_attempts (backoff), <, 8);
      if (*restart == NULL)
        *restart = xgb_test_server_script_start ("restart");
    }
  g_test_message ("back after %u attempts, %.1f s", xgb_backoff_get_attempts (backoff),
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  return xgb_backoff_get_attempts (backoff);
}

/* --- publishing ----------------------------------------------------- */

/* --- reading the topic ---------------------------------------------- */

static gboolean
list_settled (XgbItemList *list)
{
  return !xgb_item_list_get_loading (list) &&
         (xgb_item_list_get_complete (list) || xgb_item_list_get_error (list) != NULL);
}

/* Every item id on the topic, read as the Items tab reads them */
static GHashTable *
read_topic (XgbPubsubService *service)
{
  g_autoptr(XgbItemList) list = xgb_item_list_new (service, NODE, NULL);
  g_auto(GStrv) ids = NULL;
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!list_settled (list) || !xgb_item_list_get_complete (list))
    {
      g_assert_no_error ((GError *) xgb_item_list_get_error (list));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!xgb_item_list_get_loading (list))
        xgb_item_list_load_more (list);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  ids = xgb_item_list_dup_ids (list);
  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_add (set, g_steal_pointer (&ids[i]));
  return set;
}

/* --- the bulk deletion ---------------------------------------------- */

typedef struct
{
  pid_t       pid;
  gboolean    frozen;
  guint       done_at_freeze;
  GHashTable *acked;      /* id -> its rank among the acknowledged (1, 2, ...) */
} Freezer;

/* The core's change hook: retractions in the order the server
 * acknowledged them */
static void
change_cb (XgbPubsubService      *service,
           const XgbPubsubChange *change,
           Freezer               *f)
{
  if (g_strcmp0 (change->action, "retract") == 0 && change->error == NULL)
    g_hash_table_insert (f->acked, g_strdup (change->detail),
                         GUINT_TO_POINTER (g_hash_table_size (f->acked) + 1));
}

/* The app's progress callback: the server freezes at once, in the
 * middle of the answers */
static void
progress_cb (guint    done,
             guint    total,
             gpointer data)
{
  Freezer *f = data;

  if (!f->frozen && done >= FREEZE_AT)
    {
      g_assert_cmpint (kill (f->pid, SIGSTOP), ==, 0);
      f->frozen = TRUE;
      f->done_at_freeze = done;
    }
}

static void
test_bulk_retract (void)
{
  g_autoptr(XgbConnection) connection = xgb_test_login ("ADMIN");
  g_autoptr(XgbPubsubService) service = xgb_test_pubsub_service (connection);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GSubprocess) restart = NULL;
  g_autoptr(GError) error = NULL;
  Freezer f = { .pid = xgb_test_server_pid () };
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  XgbTestResult r = { 0 };
  guint n_done = 0, n_unknown = 0, n_not_sent = 0, unknown_gone = 0, undone = 0;
  const char *config = "<x xmlns='jabber:x:data' type='submit'>"
                       "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                       "<field var='pubsub#max_items'><value>100000</value></field></x>";

  xgb_test_create_node (service, NODE, config);
  g_assert_cmpuint (xgb_test_publish_items (service, NODE, N_ITEMS), ==, 0);
  before = read_topic (service);
  g_assert_cmpuint (g_hash_table_size (before), ==, N_ITEMS);

  /* A kill loses ejabberd's (Mnesia's) last moments of writes: a
   * graceful restart puts the items on disk first, so that whatever
   * differs later is the deletion's doing */
  xgb_test_server_script ("restart");
  f.pid = xgb_test_server_pid ();
  /* ejabberd ends the stream with <system-shutdown/> (said so, when it
   * arrives before the socket's reset) */
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_FAILED);
  g_test_message ("the graceful restart ended the session: %s", xgb_connection_get_error (connection)->message);
  g_assert_error ((GError *) xgb_connection_get_error (connection), XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);

  /* Delete them all, as the Items tab does; freeze, then kill the
   * server in the middle */
  for (guint i = 0; i < N_ITEMS; i++)
    g_ptr_array_add (ids, g_strdup_printf ("item-%04u", i));
  g_ptr_array_add (ids, NULL);
  f.acked = acked;
  g_signal_connect (service, "change", G_CALLBACK (change_cb), &f);
  xgb_pubsub_service_retract_async (service, NODE, (const char * const *) ids->pdata, progress_cb, &f, NULL,
                                    xgb_test_result_cb, &r);
  xgb_test_wait (&f.frozen, 30);
  /* a few more answers already on their way may still arrive */
  xgb_test_server_script ("kill");
  results = xgb_pubsub_service_retract_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, N_ITEMS);

  /* Each item: deleted, not sent, or unknown - nothing else */
  for (guint i = 0; i < results->len; i++)
    {
      XgbPubsubRetractResult *res = results->pdata[i];

      g_assert_cmpstr (res->id, ==, ids->pdata[i]);
      if (res->error == NULL)
        n_done++;
      else if (g_error_matches (res->error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST))
        {
          g_assert_nonnull (strstr (res->error->message, "may or may not"));
          n_unknown++;
        }
      else if (g_error_matches (res->error, XGB_ERROR, XGB_ERROR_NOT_CONNECTED))
        {
          g_assert_nonnull (strstr (res->error->message, "Not connected"));
          n_not_sent++;
        }
      else
        g_error ("%s: unexpected %s", res->id, res->error->message);
    }
  g_test_message ("frozen at %u deleted; reported: %u deleted, %u unknown (in flight), %u not sent",
                  f.done_at_freeze, n_done, n_unknown, n_not_sent);
  g_assert_cmpuint (n_done + n_unknown + n_not_sent, ==, N_ITEMS);
  g_assert_cmpuint (g_hash_table_size (acked), ==, n_done);
  g_assert_cmpuint (n_done, >=, f.done_at_freeze);
  g_assert_cmpuint (n_unknown, >, 0);
  g_assert_cmpuint (n_unknown, <=, 32);
  g_assert_cmpuint (n_not_sent, >, 0);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_FAILED);
  g_assert_error ((GError *) xgb_connection_get_error (connection), XGB_ERROR, XGB_ERROR_CONNECTION_LOST);

  /* The server comes back on the same port; the connection follows by
   * the backoff */
  g_assert_cmpuint (reconnect (connection, &restart), >=, 2);
  g_assert_nonnull (restart);
  xgb_test_server_script_finish (restart, "restart");

  /* The same service object works again, and the topic agrees with the
   * report: what was deleted is gone, what was not sent is there */
  after = read_topic (service);
  for (guint i = 0; i < results->len; i++)
    {
      XgbPubsubRetractResult *res = results->pdata[i];
      gboolean present = g_hash_table_contains (after, res->id);

      if (res->error == NULL && present)
        {
          guint rank = GPOINTER_TO_UINT (g_hash_table_lookup (acked, res->id));

          g_assert_cmpuint (rank, >, 0);
          g_test_message ("%s was reported deleted (acknowledged %u of %u) but is on the topic again: "
                          "ejabberd lost it in the kill", res->id, rank, g_hash_table_size (acked));
          if (rank + LAST_MOMENT <= g_hash_table_size (acked))
            g_error ("%s was reported deleted long before the kill but is still on the topic", res->id);
          undone++;
        }
      if (g_error_matches (res->error, XGB_ERROR, XGB_ERROR_NOT_CONNECTED) && !present)
        g_error ("%s was reported not sent but is gone", res->id);
      if (g_error_matches (res->error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST) && !present)
        unknown_gone++;
    }
  g_test_message ("after the restart: %u items left; of the %u unknown, %u were deleted",
                  g_hash_table_size (after), n_unknown, unknown_gone);
  g_signal_handlers_disconnect_by_data (service, &f);
  g_assert_cmpuint (undone, <=, LAST_MOMENT);
  g_assert_cmpuint (g_hash_table_size (after), ==, n_not_sent + n_unknown - unknown_gone + undone);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/killed/bulk-retract", test_bulk_retract);
  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
