/* test-pending-window.c - the inbox of pending subscription requests
 * (stories 10.1–10.3 across all topics) against a real server: on
 * ejabberd requests are listed, approved and denied and the server is
 * checked; on Prosody the inbox says it is not supported (run under
 * tests/servers/with-server.sh and xvfb)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-confirm-dialog.h"
#include "xgb-pending-window.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

#define TOPIC_A "grid/approval/alpha"
#define TOPIC_B "grid/approval/beta"
#define N_MORE  5

static const char *authorize_config =
  "<x xmlns='jabber:x:data' type='submit'>"
  "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
  "<field var='pubsub#access_model'><value>authorize</value></field></x>";

static char *tmpdir;

/* --- the server, through the core ----------------------------------- */

typedef struct
{
  XgbConnection    *connection;
  XgbPubsubService *service;
} Account;

static void
account_login (Account    *account,
               const char *who)
{
  account->connection = xgb_test_login (who);
  account->service = xgb_test_pubsub_service (account->connection);
}

static void
account_logout (Account *account)
{
  g_clear_object (&account->service);
  xgb_connection_disconnect (account->connection);
  g_clear_object (&account->connection);
}

static void
create_authorize_topic (Account    *owner,
                        const char *node)
{
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;

  xgb_pubsub_service_create_async (owner->service, node, FALSE, authorize_config, NULL, xgb_test_result_cb, &r);
  created = xgb_pubsub_service_create_finish (owner->service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
}

/* The Consumer asks for itself; the topic wants approval */
static void
request_subscription (Account    *consumer,
                      const char *node)
{
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  xgb_pubsub_service_subscribe_async (consumer->service, node, NULL, xgb_test_result_cb, &r);
  state = xgb_pubsub_service_subscribe_finish (consumer->service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  g_assert_cmpstr (state, ==, "pending");
}

/* The state in the owner's list of subscriptions ("none" when absent) */
static char *
subscription_on_server (Account    *owner,
                        const char *node,
                        const char *jid)
{
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  xgb_pubsub_service_get_subscriptions_async (owner->service, node, NULL, xgb_test_result_cb, &r);
  list = xgb_pubsub_service_list_finish (owner->service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      XgbPubsubSubscription *s = list->pdata[i];

      if (g_str_equal (s->jid, jid))
        return g_strdup (s->subscription);
    }
  return g_strdup ("none");
}

static gboolean
pending_on_server (Account    *owner,
                   const char *node,
                   const char *jid)
{
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  xgb_pubsub_service_get_pending_async (owner->service, node, NULL, xgb_test_result_cb, &r);
  list = xgb_pubsub_service_get_pending_finish (owner->service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((XgbPubsubPending *) list->pdata[i])->subscriber, jid))
      return TRUE;
  return FALSE;
}

/* --- the window ----------------------------------------------------- */

static XgbPendingWindow *
find_pending_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (XGB_IS_PENDING_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return XGB_PENDING_WINDOW (window);
    }
  return NULL;
}

static XgbConfirmDialog *
find_confirm_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (XGB_IS_CONFIRM_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return XGB_CONFIRM_DIALOG (window);
    }
  return NULL;
}

static GtkWidget *
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

#define INBOX_CHILD(inbox, name) child (inbox, XGB_TYPE_PENDING_WINDOW, name)

static gboolean
inbox_idle (gpointer inbox)
{
  return !xgb_pending_window_get_loading (inbox);
}

static gboolean
inbox_reading_topics (gpointer inbox)
{
  return g_str_has_prefix (gtk_label_get_text (GTK_LABEL (INBOX_CHILD (inbox, "progress_label"))), "Reading topic ");
}

static gboolean
inbox_has_n (gpointer inbox)
{
  return xgb_pending_window_get_n_requests (inbox) ==
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (inbox), "expected-n"));
}

static XgbPendingWindow *
open_inbox (XgbWindow *window)
{
  XgbPendingWindow *inbox;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pending", NULL));
  inbox = find_pending_window ();
  g_assert_nonnull (inbox);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (inbox)) == GTK_WINDOW (window));
  g_assert_false (gtk_window_get_modal (GTK_WINDOW (inbox)));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (inbox));
  return inbox;
}

static void
assert_request (XgbPendingWindow *inbox,
                guint             position,
                const char       *node,
                const char       *jid)
{
  const XgbPubsubPending *p = xgb_pending_window_get_request (inbox, position);

  g_assert_nonnull (p);
  g_assert_cmpstr (p->node, ==, node);
  g_assert_cmpstr (p->subscriber, ==, jid);
}

static gboolean
status_has (XgbPendingWindow *inbox,
            const char       *text)
{
  return strstr (xgb_pending_window_get_status (inbox), text) != NULL;
}

static gboolean
becomes_subscribed (gpointer data)
{
  gpointer *args = data;
  g_autofree char *state = subscription_on_server (args[0], args[1], args[2]);

  return g_str_equal (state, "subscribed");
}

/* The session's header bar: the inbox's button */
static void
check_button (XgbWindow *window,
              gboolean   logged_in)
{
  GtkWidget *button = child (window, XGB_TYPE_WINDOW, "pending_button");

  g_assert_cmpint (gtk_widget_get_visible (button), ==, logged_in);
  g_assert_cmpint (gtk_widget_get_sensitive (button), ==, logged_in);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "Ctrl+I"));
}

/* Three requests on two topics: listed, ticked, denied-with-care,
 * approved, denied; the server agrees. */
static void
check_inbox (XgbWindow *window,
             gpointer   data)
{
  Account *admin = data;
  const char *alice = xgb_test_env ("XGB_TEST_ALICE_JID");
  const char *bob = xgb_test_env ("XGB_TEST_BOB_JID");
  XgbPendingWindow *inbox;
  XgbConfirmDialog *confirm;
  GtkListBox *list;
  gpointer args[3] = { admin, (gpointer) TOPIC_A, (gpointer) bob };

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  check_button (window, TRUE);
  xgb_ui_save_screenshot (GTK_WIDGET (window), "pending-session.png");

  inbox = open_inbox (window);
  xgb_ui_wait (inbox_idle, inbox, 30);
  g_assert_cmpstr (xgb_pending_window_get_page (inbox), ==, "requests");
  g_assert_false (xgb_banner_get_revealed (XGB_BANNER (INBOX_CHILD (inbox, "banner"))));
  /* Exactly the three, by topic, then by Consumer */
  g_assert_cmpuint (xgb_pending_window_get_n_requests (inbox), ==, 3);
  assert_request (inbox, 0, TOPIC_A, alice);
  assert_request (inbox, 1, TOPIC_A, bob);
  assert_request (inbox, 2, TOPIC_B, bob);
  g_assert_true (status_has (inbox, "0 of 3 requests selected"));
  g_assert_false (gtk_widget_get_sensitive (INBOX_CHILD (inbox, "approve_button")));
  g_assert_false (gtk_widget_get_sensitive (INBOX_CHILD (inbox, "deny_button")));

  /* The first row has the focus; a focused row ticks with Enter or
   * Space (the list's key binding) */
  list = GTK_LIST_BOX (INBOX_CHILD (inbox, "list"));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (inbox)) == GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0)));
  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 1)));
  g_signal_emit_by_name (list, "activate-cursor-row");
  g_assert_true (xgb_pending_window_get_selected (inbox, 1));
  g_assert_true (gtk_widget_get_sensitive (INBOX_CHILD (inbox, "approve_button")));
  g_signal_emit_by_name (list, "activate-cursor-row");
  g_assert_false (xgb_pending_window_get_selected (inbox, 1));

  /* Select All, then Deny: it asks first, naming how many; Cancel sends nothing */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (INBOX_CHILD (inbox, "select_all_check")), TRUE);
  g_assert_cmpuint (xgb_pending_window_get_n_selected (inbox), ==, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "pending.deny", NULL));
  confirm = find_confirm_dialog ();
  g_assert_nonnull (confirm);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (confirm)) == GTK_WINDOW (inbox));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (confirm, XGB_TYPE_CONFIRM_DIALOG, "heading"))), ==,
                   "Deny 3 requests?");
  g_assert_nonnull (strstr (xgb_confirm_dialog_get_explanation (confirm), "3 requests"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (confirm));
  xgb_ui_save_screenshot (GTK_WIDGET (confirm), "pending-deny-confirm.png");
  xgb_confirm_dialog_respond (confirm, FALSE);
  g_assert_true (status_has (inbox, "Nothing was denied."));
  g_assert_false (xgb_pending_window_get_loading (inbox));
  g_assert_cmpuint (xgb_pending_window_get_n_requests (inbox), ==, 3);

  /* Approve Bob's two at once (two topics) */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (INBOX_CHILD (inbox, "select_all_check")), FALSE);
  g_assert_cmpuint (xgb_pending_window_get_n_selected (inbox), ==, 0);
  xgb_pending_window_set_selected (inbox, 1, TRUE);
  xgb_pending_window_set_selected (inbox, 2, TRUE);
  g_assert_true (gtk_check_button_get_inconsistent (GTK_CHECK_BUTTON (INBOX_CHILD (inbox, "select_all_check"))));
  g_assert_true (status_has (inbox, "2 of 3 requests selected"));
  xgb_ui_save_screenshot (GTK_WIDGET (inbox), "pending-inbox.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "pending.approve", NULL));
  g_assert_null (find_confirm_dialog ());
  g_assert_true (xgb_pending_window_get_loading (inbox));
  g_assert_false (gtk_widget_get_sensitive (INBOX_CHILD (inbox, "approve_button")));
  xgb_ui_wait (inbox_idle, inbox, 30);
  g_test_message ("after approving: %s", xgb_pending_window_get_status (inbox));
  g_assert_true (status_has (inbox, "Approved 2 requests."));
  g_assert_cmpuint (xgb_pending_window_get_n_requests (inbox), ==, 1);
  assert_request (inbox, 0, TOPIC_A, alice);
  xgb_ui_wait (becomes_subscribed, args, 10);
  args[1] = (gpointer) TOPIC_B;
  xgb_ui_wait (becomes_subscribed, args, 10);

  /* Deny Alice's: one request, no question */
  xgb_pending_window_set_selected (inbox, 0, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "pending.deny", NULL));
  g_assert_null (find_confirm_dialog ());
  xgb_ui_wait (inbox_idle, inbox, 30);
  g_test_message ("after denying: %s", xgb_pending_window_get_status (inbox));
  g_assert_true (status_has (inbox, "Denied 1 request."));
  g_assert_cmpuint (xgb_pending_window_get_n_requests (inbox), ==, 0);
  g_assert_cmpstr (xgb_pending_window_get_page (inbox), ==, "empty");
  {
    g_autofree char *a_alice = subscription_on_server (admin, TOPIC_A, alice);
    g_autofree char *a_bob = subscription_on_server (admin, TOPIC_A, bob);
    g_autofree char *b_bob = subscription_on_server (admin, TOPIC_B, bob);

    g_assert_cmpstr (a_alice, ==, "none");
    g_assert_cmpstr (a_bob, ==, "subscribed");
    g_assert_cmpstr (b_bob, ==, "subscribed");
    g_assert_false (pending_on_server (admin, TOPIC_A, alice));
  }
  /* and a fresh reading (F5) finds none of them */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "pending.reload", NULL));
  g_assert_true (xgb_pending_window_get_loading (inbox));
  xgb_ui_wait (inbox_idle, inbox, 30);
  g_assert_cmpuint (xgb_pending_window_get_n_requests (inbox), ==, 0);
  g_assert_cmpstr (xgb_pending_window_get_page (inbox), ==, "empty");
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (inbox), "No requests are waiting"));
  xgb_ui_save_screenshot (GTK_WIDGET (inbox), "pending-empty.png");

  /* A topic that cannot be read says so, by name */
  {
    const char *nodes[] = { "grid/no-such-topic", TOPIC_A, NULL };
    XgbBanner *banner = XGB_BANNER (INBOX_CHILD (inbox, "banner"));

    xgb_pending_window_read_topics (inbox, nodes);
    xgb_ui_wait (inbox_idle, inbox, 30);
    g_assert_true (xgb_banner_get_revealed (banner));
    g_test_message ("banner: %s", xgb_banner_get_message (banner));
    g_assert_nonnull (strstr (xgb_banner_get_message (banner), "“grid/no-such-topic”"));
    g_assert_null (strstr (xgb_banner_get_message (banner), TOPIC_A));
    g_assert_cmpstr (xgb_pending_window_get_page (inbox), ==, "requests");
    xgb_ui_wait_for_revealed (banner);
    xgb_ui_save_screenshot (GTK_WIDGET (inbox), "pending-error.png");
  }

  /* New requests while the inbox is open show up by themselves */
  {
    Account bob_account = { 0 };

    account_login (&bob_account, "BOB");
    for (guint i = 0; i < N_MORE; i++)
      {
        g_autofree char *node = g_strdup_printf ("grid/more/%02u", i);

        create_authorize_topic (admin, node);
        request_subscription (&bob_account, node);
      }
    account_logout (&bob_account);
  }
  g_object_set_data (G_OBJECT (inbox), "expected-n", GUINT_TO_POINTER (N_MORE));
  xgb_ui_wait (inbox_has_n, inbox, 10);
  g_assert_true (status_has (inbox, "New request from "));

  /* Reading shows its progress and stops on Cancel, keeping what it read */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "pending.reload", NULL));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (INBOX_CHILD (inbox, "progress_revealer"))));
  xgb_ui_wait (inbox_reading_topics, inbox, 10);
  g_test_message ("progress: %s", gtk_label_get_text (GTK_LABEL (INBOX_CHILD (inbox, "progress_label"))));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (INBOX_CHILD (inbox, "progress_label"))),
                            " of 5…"));
  xgb_ui_save_screenshot (GTK_WIDGET (inbox), "pending-progress.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "pending.cancel", NULL));
  g_assert_false (xgb_pending_window_get_loading (inbox));
  g_assert_true (status_has (inbox, "Stopped after "));
  g_assert_cmpuint (xgb_pending_window_get_n_requests (inbox), <, N_MORE);
  g_assert_cmpstr (xgb_pending_window_get_page (inbox), ==, "requests");

  /* All of them, never more than four topics at a time */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "pending.reload", NULL));
  xgb_ui_wait (inbox_idle, inbox, 30);
  g_assert_cmpuint (xgb_pending_window_get_n_requests (inbox), ==, N_MORE);
  g_assert_cmpuint (xgb_pending_window_get_max_in_flight (inbox), ==, 4);

  /* Esc closes it; the action opens a new one */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "window.close", NULL));
  g_assert_null (find_pending_window ());
  inbox = open_inbox (window);
  xgb_ui_wait (inbox_idle, inbox, 30);
  g_assert_cmpuint (xgb_pending_window_get_n_requests (inbox), ==, N_MORE);

  /* Logging out closes the inbox and disables it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  g_assert_null (find_pending_window ());
  check_button (window, FALSE);
}

/* Prosody: no "authorize" model, no get-pending */
static void
check_unsupported (XgbWindow *window,
                   gpointer   data)
{
  XgbPendingWindow *inbox;
  const char *why;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  check_button (window, TRUE);

  inbox = open_inbox (window);
  g_assert_false (xgb_pending_window_get_loading (inbox));
  g_assert_cmpstr (xgb_pending_window_get_page (inbox), ==, "unsupported");
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (inbox), "Not supported by this Broker"));
  why = gtk_label_get_text (GTK_LABEL (INBOX_CHILD (inbox, "unsupported_label")));
  g_assert_nonnull (strstr (why, "“authorize”"));
  g_assert_nonnull (strstr (why, "get-pending"));
  for (guint i = 0; i < 4; i++)
    {
      const char *names[] = { "approve_button", "deny_button", "select_all_check", "reload_button" };

      g_assert_false (gtk_widget_get_sensitive (INBOX_CHILD (inbox, names[i])));
    }
  /* Nothing is sent, whatever is asked */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "pending.reload", NULL));
  g_assert_false (xgb_pending_window_get_loading (inbox));
  xgb_pending_window_answer_selected (inbox, TRUE);
  g_assert_false (xgb_pending_window_get_loading (inbox));
  xgb_ui_save_screenshot (GTK_WIDGET (inbox), "pending-unsupported.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inbox), "window.close", NULL));
  g_assert_null (find_pending_window ());
}

static void
run_as_admin (XgbUiCheck check,
              gpointer   data)
{
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--connect", NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check, data, &run), ==, 0);
  g_assert_true (run.checked);
}

static void
test_inbox (void)
{
  Account admin = { 0 }, bob = { 0 }, alice = { 0 };

  /* Two topics that want approval: Bob asks for both, Alice for one */
  account_login (&admin, "ADMIN");
  create_authorize_topic (&admin, TOPIC_A);
  create_authorize_topic (&admin, TOPIC_B);
  account_logout (&admin);
  account_login (&bob, "BOB");
  request_subscription (&bob, TOPIC_A);
  request_subscription (&bob, TOPIC_B);
  account_logout (&bob);
  account_login (&alice, "ALICE");
  request_subscription (&alice, TOPIC_A);
  account_logout (&alice);

  /* The server is checked from a connection of its own */
  account_login (&admin, "ADMIN");
  run_as_admin (check_inbox, &admin);
  account_logout (&admin);
}

static void
test_unsupported (void)
{
  run_as_admin (check_unsupported, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-pending-XXXXXX");

  if (g_str_equal (xgb_test_env ("XGB_TEST_SERVER"), "prosody"))
    g_test_add_func ("/ui/pending/prosody-unsupported", test_unsupported);
  else
    g_test_add_func ("/ui/pending/ejabberd-inbox", test_inbox);

  ret = g_test_run ();

  xgb_test_remove_tmpdir (tmpdir);
  g_assert_true (xgb_connection_wait_for_threads (10000));

  return ret;
}
