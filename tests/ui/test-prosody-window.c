/* test-prosody-window.c - a node's page on a real Prosody 0.12: the
 * Affiliations and Subscribers tabs and a subscription's options (run
 * under tests/servers/with-server.sh prosody and xvfb)
 *
 * Prosody differs from ejabberd where it matters here: it advertises
 * pubsub#subscription-options (ejabberd 23.01 does not), has no
 * "authorize" access model and no get-pending, and lists subscriptions
 * without subscription ids.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-test-util.h"
#include "xgb-affiliations-view.h"
#include "xgb-options-dialog.h"
#include "xgb-subscriptions-view.h"
#include "xgb-ui-test.h"

#define TOPIC "sacm/ipsec/host-0001"
#define INCLUDE_BODY "pubsub#include_body"

static char *tmpdir;

/* A connection of one of the test accounts, with its view of the Broker */
typedef struct
{
  XgbConnection    *connection;
  XgbPubsubService *service;
} Account;

static void
account_open (Account    *account,
              const char *who)
{
  account->connection = xgb_test_login (who);
  account->service = xgb_test_pubsub_service (account->connection);
}

static void
account_close (Account *account)
{
  g_clear_object (&account->service);
  xgb_connection_disconnect (account->connection);
  g_clear_object (&account->connection);
}

static void
wait_change (XgbPubsubService *service,
             XgbTestResult    *r)
{
  g_autoptr(GError) error = NULL;

  xgb_pubsub_service_change_finish (service, xgb_test_result_wait (r), &error);
  xgb_test_result_clear (r);
  g_assert_no_error (error);
}

/* On Prosody only admins create nodes: the admin makes the topics and
 * makes Alice, who runs the app, an owner of one. */
static void
seed_topics (void)
{
  Account admin = { 0 };
  const char *nodes[] = { TOPIC, "mile/iodef/incidents" };
  g_autoptr(GPtrArray) owners = g_ptr_array_new ();
  XgbPubsubAffiliation alice = { (char *) xgb_test_env ("XGB_TEST_ALICE_JID"), (char *) "owner" };
  XgbTestResult r = { 0 };

  account_open (&admin, "ADMIN");
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *created = NULL;

      xgb_pubsub_service_create_async (admin.service, nodes[i], FALSE, NULL, NULL, xgb_test_result_cb, &r);
      created = xgb_pubsub_service_create_finish (admin.service, xgb_test_result_wait (&r), &error);
      xgb_test_result_clear (&r);
      g_assert_no_error (error);
    }
  g_ptr_array_add (owners, &alice);
  xgb_pubsub_service_set_affiliations_async (admin.service, TOPIC, owners, NULL, xgb_test_result_cb, &r);
  wait_change (admin.service, &r);
  account_close (&admin);
}

/* Bob's options as Bob himself reads them from the server */
static gboolean
include_body_on_server (void)
{
  Account bob = { 0 };
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbForm) form = NULL;
  gboolean value;

  account_open (&bob, "BOB");
  xgb_pubsub_service_get_options_async (bob.service, TOPIC, xgb_test_env ("XGB_TEST_BOB_JID"), NULL, NULL,
                                        xgb_test_result_cb, &r);
  form = xgb_pubsub_service_parsed_form_finish (bob.service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  account_close (&bob);
  g_assert_no_error (error);
  g_assert_cmpstr (xgb_form_get_form_type (form), ==, "http://jabber.org/protocol/pubsub#subscribe_options");
  g_assert_nonnull (xgb_form_get_field (form, INCLUDE_BODY));
  value = xgb_form_get_boolean (form, INCLUDE_BODY, FALSE);
  g_test_message ("%s of Bob on the server: %d", INCLUDE_BODY, value);
  return value;
}

static const char *
subscription_on_server (XgbPubsubService *service,
                        const char       *jid)
{
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  static char found[32];

  xgb_pubsub_service_get_subscriptions_async (service, TOPIC, NULL, xgb_test_result_cb, &r);
  list = xgb_pubsub_service_list_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  g_strlcpy (found, "none", sizeof found);
  for (guint i = 0; i < list->len; i++)
    {
      XgbPubsubSubscription *s = list->pdata[i];

      if (g_str_equal (s->jid, jid))
        g_strlcpy (found, s->subscription, sizeof found);
    }
  return found;
}

/* --- waiting for the window ------------------------------------------ */

static gboolean
no_options_dialog (gpointer data)
{
  return xgb_ui_find_toplevel (XGB_TYPE_OPTIONS_DIALOG) == NULL;
}

static gboolean
options_ready (gpointer dialog)
{
  return xgb_options_dialog_get_ready (dialog);
}

static gboolean
options_failed (gpointer dialog)
{
  return !xgb_options_dialog_get_busy (dialog) && xgb_options_dialog_get_error (dialog) != NULL;
}

static gboolean
affiliations_ready (gpointer view)
{
  return !xgb_affiliations_view_get_busy (view) && xgb_affiliations_view_get_current (view) != NULL;
}

static gboolean
subscriptions_say (gpointer view)
{
  return !xgb_subscriptions_view_get_busy (view) && xgb_subscriptions_view_get_current (view) != NULL &&
         strstr (xgb_subscriptions_view_get_status (view), g_object_get_data (G_OBJECT (view), "expected")) != NULL;
}

static void
wait_subscriptions (XgbSubscriptionsView *view,
                    const char           *expected)
{
  g_object_set_data_full (G_OBJECT (view), "expected", g_strdup (expected), g_free);
  xgb_ui_wait (subscriptions_say, view, 30);
}

static gboolean
nobody_listed (gpointer view)
{
  GPtrArray *list = xgb_subscriptions_view_get_current (view);

  return !xgb_subscriptions_view_get_busy (view) && list != NULL && list->len == 0;
}

static GtkWidget *
browser_child (XgbBrowserView *browser,
               const char     *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW, name));
}

static void
show_tab (XgbBrowserView *browser,
          const char     *tab)
{
  gtk_stack_set_visible_child_name (GTK_STACK (browser_child (browser, "node_tabs")), tab);
}

/* Opens Bob's options with the row's button; waits for the form. */
static XgbOptionsDialog *
open_options (XgbSubscriptionsView *view,
              const char           *bob)
{
  GtkWidget *button = xgb_subscriptions_view_get_options_button (view, bob);
  XgbOptionsDialog *dialog;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), bob));
  g_signal_emit_by_name (button, "clicked");
  dialog = xgb_ui_find_toplevel (XGB_TYPE_OPTIONS_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) ==
                 GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))));
  xgb_ui_wait (options_ready, dialog, 30);
  g_assert_null (xgb_options_dialog_get_error (dialog));
  return dialog;
}

/* --- the checks -------------------------------------------------------- */

/* The Affiliations tab lists who the server says owns the topic. */
static void
check_affiliations (XgbBrowserView *browser)
{
  XgbAffiliationsView *view = XGB_AFFILIATIONS_VIEW (browser_child (browser, "affiliations_view"));
  GPtrArray *list;
  gboolean alice_owner = FALSE;

  show_tab (browser, "affiliations");
  xgb_ui_wait (affiliations_ready, view, 30);
  list = xgb_affiliations_view_get_current (view);
  for (guint i = 0; i < list->len; i++)
    {
      XgbPubsubAffiliation *a = list->pdata[i];

      g_test_message ("affiliation: %s %s", a->jid, a->affiliation);
      if (g_str_equal (a->jid, xgb_test_env ("XGB_TEST_ALICE_JID")) && g_str_equal (a->affiliation, "owner"))
        alice_owner = TRUE;
    }
  g_assert_true (alice_owner);
  xgb_ui_save_screenshot (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_WINDOW), "prosody-affiliations.png");
}

/* Stories 7.1–7.5 and 10 on Prosody: no pending requests here, and the
 * tab says so; Bob subscribed; his options changed through the dialog
 * and read back as Bob; Cancel and Escape change nothing; an answer
 * the Broker refuses is explained in the dialog. */
static void
check_subscribers (XgbWindow      *window,
                   XgbBrowserView *browser)
{
  XgbSubscriptionsView *view = XGB_SUBSCRIPTIONS_VIEW (browser_child (browser, "subscriptions_view"));
  XgbPubsubService *service = xgb_node_tree_get_service (xgb_browser_view_get_tree (browser));
  const char *bob = xgb_test_env ("XGB_TEST_BOB_JID");
  XgbOptionsDialog *dialog;
  GtkWidget *include_body;

  g_assert_true (xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS));
  g_assert_false (xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_GET_PENDING));

  show_tab (browser, "subscriptions");
  wait_subscriptions (view, "No one subscribes");
  g_assert_nonnull (strstr (xgb_subscriptions_view_get_pending_note (view),
                            "Requests waiting for approval are not supported by this Broker"));
  g_assert_null (xgb_subscriptions_view_get_pending (view));

  xgb_subscriptions_view_subscribe (view, bob);
  wait_subscriptions (view, "Subscribed “");
  g_assert_cmpstr (subscription_on_server (service, bob), ==, "subscribed");
  g_assert_cmpuint (xgb_subscriptions_view_get_current (view)->len, ==, 1);
  g_assert_false (include_body_on_server ());
  xgb_ui_save_screenshot (GTK_WIDGET (window), "prosody-subscribers.png");

  /* Options: the server's form, one field changed, Apply */
  dialog = open_options (view, bob);
  include_body = xgb_form_view_get_input (xgb_options_dialog_get_form_view (dialog), INCLUDE_BODY);
  g_assert_true (GTK_IS_SWITCH (include_body));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (include_body)));
  gtk_switch_set_active (GTK_SWITCH (include_body), TRUE);
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "options-dialog.png");
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), XGB_TYPE_OPTIONS_DIALOG, "apply_button"),
                         "clicked");
  xgb_ui_wait (no_options_dialog, NULL, 30);
  wait_subscriptions (view, "Saved the options of “");
  g_assert_true (include_body_on_server ());

  /* Read back into the dialog; Cancel keeps the server's value */
  dialog = open_options (view, bob);
  include_body = xgb_form_view_get_input (xgb_options_dialog_get_form_view (dialog), INCLUDE_BODY);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (include_body)));
  gtk_switch_set_active (GTK_SWITCH (include_body), FALSE);
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), XGB_TYPE_OPTIONS_DIALOG, "cancel_button"),
                         "clicked");
  g_assert_null (xgb_ui_find_toplevel (XGB_TYPE_OPTIONS_DIALOG));
  wait_subscriptions (view, "Not changed.");
  g_assert_true (include_body_on_server ());

  /* and so does Escape (the dialog's window.close) */
  dialog = open_options (view, bob);
  include_body = xgb_form_view_get_input (xgb_options_dialog_get_form_view (dialog), INCLUDE_BODY);
  gtk_switch_set_active (GTK_SWITCH (include_body), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  xgb_ui_wait (no_options_dialog, NULL, 30);
  wait_subscriptions (view, "Not changed.");
  g_assert_true (include_body_on_server ());

  /* The subscription ends while its options are open: the server's
   * refusal is shown with its meaning, and the dialog stays */
  dialog = open_options (view, bob);
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    XgbPubsubSubscription gone = { (char *) bob, (char *) "none", NULL };
    XgbTestResult r = { 0 };

    g_ptr_array_add (none, &gone);
    xgb_pubsub_service_set_subscriptions_async (service, TOPIC, none, NULL, xgb_test_result_cb, &r);
    wait_change (service, &r);
  }
  g_assert_true (xgb_options_dialog_apply (dialog));
  xgb_ui_wait (options_failed, dialog, 30);
  g_test_message ("options error: %s", xgb_options_dialog_get_error (dialog));
  g_assert_nonnull (strstr (xgb_options_dialog_get_error (dialog), "is not subscribed to “" TOPIC "”"));
  g_assert_nonnull (strstr (xgb_options_dialog_get_error (dialog), "unexpected request"));
  g_assert_true (xgb_ui_find_toplevel (XGB_TYPE_OPTIONS_DIALOG) == dialog);
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "options-error.png");
  xgb_options_dialog_cancel (dialog);
  g_assert_null (xgb_ui_find_toplevel (XGB_TYPE_OPTIONS_DIALOG));
  /* the tab reads the list again: Bob is gone */
  xgb_ui_wait (nobody_listed, view, 30);
  g_assert_null (xgb_subscriptions_view_get_options_button (view, bob));
}

static void
check_window (XgbWindow *window,
              gpointer   data)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  GListModel *topics;
  g_autoptr(XgbNode) found = NULL;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);

  /* Browse to the topic through the filter, as an admin would */
  xgb_browser_view_set_filter (browser, "host-0001");
  topics = xgb_browser_view_get_filtered_topics (browser);
  g_assert_cmpuint (g_list_model_get_n_items (topics), ==, 1);
  found = g_list_model_get_item (topics, 0);
  g_assert_cmpstr (xgb_node_get_name (found), ==, TOPIC);
  xgb_browser_view_select_node (browser, found);

  check_affiliations (browser);
  check_subscribers (window, browser);
}

static void
test_node_page (void)
{
  g_autofree char *pw = g_build_filename (tmpdir, "alice", NULL);
  g_autofree char *line = g_strconcat (xgb_test_env ("XGB_TEST_ALICE_PASSWORD"), "\n", NULL);
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ALICE_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--connect", NULL
  };
  XgbUiRun run;

  g_assert_cmpstr (xgb_test_env ("XGB_TEST_SERVER"), ==, "prosody");
  seed_topics ();
  g_assert_true (g_file_set_contents (pw, line, -1, NULL));
  g_assert_cmpint (xgb_ui_run_app (args, check_window, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-prosody-XXXXXX");

  g_test_add_func ("/ui/prosody/node-page", test_node_page);

  ret = g_test_run ();

  xgb_test_remove_tmpdir (tmpdir);

  return ret;
}
