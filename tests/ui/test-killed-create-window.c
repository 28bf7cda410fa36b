/* test-killed-create-window.c - New Node with Providers and Consumers,
 * the real ejabberd killed between the create and the affiliations: the
 * window says the node was created and exactly which addresses were not
 * made publishers or subscribed, comes back by itself, and the Broker
 * agrees (run under tests/servers/with-server.sh ejabberd and xvfb)
 *
 * Two cases: the server dies right after answering the create, so the
 * affiliations are never sent; and the server freezes (SIGSTOP) then
 * dies while the affiliations are in flight, so their outcome is
 * unknown.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "xgb-create-dialog.h"
#include "xgb-error.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

/* How long ejabberd may take to put an acknowledged write on disk */
#define MNESIA_WRITE_MS 2500

static char *tmpdir;

/* --- the server ----------------------------------------------------- */

/* ejabberd.sh COMMAND DIR without running the loop */
static void
server_script_blocking (const char *command)
{
  g_autofree char *script = g_build_filename (xgb_test_env ("XGB_SOURCE_DIR"), "tests", "servers",
                                              "ejabberd.sh", NULL);
  const char *argv[] = { "bash", script, command, xgb_test_env ("XGB_TEST_DIR"), NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("ejabberd.sh %s failed:\n%s", command, out);
}

/* Runs the window's loop for @ms */
static void
run_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* --- the kill, from the core's change hook -------------------------- */

typedef enum
{
  KILL_BEFORE_SENDING,   /* dead and noticed before the affiliations go out */
  FREEZE_IN_FLIGHT,      /* frozen: the affiliations go out, never answered */
} When;

typedef struct
{
  When           when;
  const char    *node;
  XgbConnection *connection;
  gboolean       struck;
} Killer;

/* Emitted when the Broker has answered the create, before the window
 * goes on with the affiliations.  Blocks the window's thread (not the
 * connection's) instead of running its loop from inside the emission. */
static void
change_cb (XgbPubsubService      *service,
           const XgbPubsubChange *change,
           Killer                *k)
{
  if (k->struck || g_strcmp0 (change->action, "create") != 0 || g_strcmp0 (change->node, k->node) != 0 ||
      change->error != NULL)
    return;
  k->struck = TRUE;

  /* ejabberd acknowledges before Mnesia has written to disk (up to two
   * seconds later, measured): a kill before that would undo the create */
  g_usleep (MNESIA_WRITE_MS * 1000);
  if (k->when == KILL_BEFORE_SENDING)
    {
      /* dead (the whole process tree: a child of the VM holds the
       * sockets too), and the connection's thread notices at once: the
       * affiliations are refused there, never sent */
      server_script_blocking ("kill");
      g_usleep (500 * 1000);
    }
  else
    g_assert_cmpint (kill (xgb_test_server_pid (), SIGSTOP), ==, 0);
}

/* --- waiting for the window ----------------------------------------- */

static gboolean
back_online (gpointer window)
{
  XgbConnection *connection = xgb_window_get_connection (window);

  return !xgb_window_get_reconnecting (window, NULL, NULL) && connection != NULL &&
         xgb_connection_get_state (connection) == XGB_CONNECTION_STATE_CONNECTED;
}

static gboolean
reported (gpointer banner)
{
  return xgb_banner_get_revealed (banner) && strstr (xgb_banner_get_message (banner), "Created “") != NULL;
}

static gboolean
affiliations_in_flight (gpointer data)
{
  Killer *k = data;

  return k->struck && xgb_connection_get_n_pending (k->connection) > 0;
}

/* --- the checks ----------------------------------------------------- */

static GtkWidget *
dialog_child (gpointer    dialog,
              const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (dialog, XGB_TYPE_CREATE_DIALOG, name));
}

/* The Broker, asked afresh through the window's own (reconnected)
 * session: the node exists and @jids have no affiliation */
static void
assert_on_broker (XgbPubsubService   *service,
                  const char         *node,
                  const char * const *jids)
{
  g_autoptr(GPtrArray) affiliations = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };

  xgb_pubsub_service_get_affiliations_async (service, node, NULL, xgb_test_result_cb, &r);
  affiliations = xgb_pubsub_service_list_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);   /* the node exists: reported created */
  for (guint i = 0; i < affiliations->len; i++)
    {
      const XgbPubsubAffiliation *a = affiliations->pdata[i];

      g_test_message ("%s: %s is %s", node, a->jid, a->affiliation);
      g_assert_false (g_strv_contains (jids, a->jid));
    }
}

static void
create_while_killed (XgbWindow  *window,
                     When        when,
                     const char *node,
                     const char *expected,
                     const char *shot)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbPubsubService *service = xgb_node_tree_get_service (xgb_browser_view_get_tree (browser));
  XgbBanner *banner = xgb_window_get_banner (window);
  g_autofree char *publishers = g_strdup_printf ("%s, %s", xgb_test_env ("XGB_TEST_ALICE_JID"),
                                                 xgb_test_env ("XGB_TEST_BOB_JID"));
  g_autofree char *consumer = g_strdup_printf ("consumer@%s", xgb_test_env ("XGB_TEST_DOMAIN"));
  const char *jids[] = { xgb_test_env ("XGB_TEST_ALICE_JID"), xgb_test_env ("XGB_TEST_BOB_JID"), consumer, NULL };
  Killer k = { .when = when, .node = node, .connection = xgb_window_get_connection (window) };
  XgbCreateDialog *create;
  const char *message;
  gulong handler;

  xgb_banner_dismiss (banner);
  handler = g_signal_connect (service, "change", G_CALLBACK (change_cb), &k);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-node", NULL));
  create = xgb_ui_wait_toplevel (XGB_TYPE_CREATE_DIALOG);
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (create, "name_entry")), node);
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (create, "publishers_entry")), publishers);
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (create, "consumers_entry")), consumer);
  g_assert_true (xgb_create_dialog_submit (create));

  if (when == FREEZE_IN_FLIGHT)
    {
      /* the affiliations request went out to the frozen server */
      xgb_ui_wait (affiliations_in_flight, &k, 20);
      run_for (300);
      g_assert_cmpuint (xgb_connection_get_n_pending (k.connection), >, 0);
      g_assert_false (xgb_banner_get_revealed (banner));
      xgb_test_server_script ("kill");
    }

  xgb_ui_wait (reported, banner, 20);
  message = xgb_banner_get_message (banner);
  g_test_message ("the window says: %s", message);
  g_assert_cmpstr (message, ==, expected);
  g_assert_true (xgb_window_get_reconnecting (window, NULL, NULL));
  xgb_ui_save_screenshot (GTK_WIDGET (window), shot);
  /* No answer says nothing about this account's rights on the node */
  {
    XgbBrowserView *view = xgb_window_get_browser_view (window);
    GtkLabel *access = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (view), XGB_TYPE_BROWSER_VIEW,
                                                                 "access_label"));

    g_test_message ("access: %s", gtk_label_get_text (access));
    g_assert_false (g_str_has_prefix (gtk_label_get_text (access), "Limited"));
    if (xgb_browser_view_get_current (view) != NULL)
      g_assert_null (xgb_node_get_limited (xgb_browser_view_get_current (view)));
  }
  g_signal_handler_disconnect (service, handler);

  /* Back by itself once the server is; the Broker agrees */
  xgb_test_server_script ("restart");
  xgb_ui_wait (back_online, window, 30);
  assert_on_broker (service, node, jids);
}

static void
check_not_sent (XgbWindow *window,
                gpointer   data)
{
  g_autofree char *expected = g_strdup_printf ("Created “killed/not-sent”, but the connection was lost before its "
                                               "Providers were set: %s, %s not made publishers (nothing was sent). "
                                               "Not subscribed either: consumer@%s.",
                                               xgb_test_env ("XGB_TEST_ALICE_JID"), xgb_test_env ("XGB_TEST_BOB_JID"),
                                               xgb_test_env ("XGB_TEST_DOMAIN"));

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  xgb_ui_wait (xgb_ui_tree_loaded, xgb_window_get_browser_view (window), 30);
  create_while_killed (window, KILL_BEFORE_SENDING, "killed/not-sent", expected, "killed-create-not-sent.png");
}

static void
check_in_flight (XgbWindow *window,
                 gpointer   data)
{
  g_autofree char *expected = g_strdup_printf ("Created “killed/in-flight”, but the connection was lost while making "
                                               "%s, %s publishers: the Broker may or may not have done it (see the "
                                               "Affiliations tab). Not subscribed either: consumer@%s.",
                                               xgb_test_env ("XGB_TEST_ALICE_JID"), xgb_test_env ("XGB_TEST_BOB_JID"),
                                               xgb_test_env ("XGB_TEST_DOMAIN"));

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  xgb_ui_wait (xgb_ui_tree_loaded, xgb_window_get_browser_view (window), 30);
  create_while_killed (window, FREEZE_IN_FLIGHT, "killed/in-flight", expected, "killed-create-in-flight.png");
}

/* Each case in a window of its own */
static void
run_window (XgbUiCheck check)
{
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
    "--connect", NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

static void
test_not_sent (void)
{
  run_window (check_not_sent);
}

static void
test_in_flight (void)
{
  run_window (check_in_flight);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmpdir = xgb_test_make_tmpdir ("xgb-ui-killed-create-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/killed-create/not-sent", test_not_sent);
  g_test_add_func ("/ui/killed-create/in-flight", test_in_flight);
  ret = g_test_run ();
  xgb_test_remove_tmpdir (tmpdir);
  return ret;
}
