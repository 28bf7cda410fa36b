/* test-accounts-window.c - saved accounts in the login view, against a
 * real ejabberd (run under tests/servers/with-server.sh and xvfb)
 *
 * The program runs on a private session bus.  XGB_TEST_SECRET_STORE
 * says what is on it: "keyring" (gnome-keyring-daemon with an unlocked
 * login keyring: the password is remembered) or "none" (no secret
 * service: the view says so and remembers nothing).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-accounts.h"
#include "xgb-confirm-dialog.h"
#include "xgb-secret-store.h"
#include "xgb-test-keyring.h"
#include "xgb-test-util.h"
#include "xgb-trust-dialog.h"
#include "xgb-ui-test.h"

#define NOT_AVAILABLE "The desktop’s secret store is not available."

static gboolean with_keyring;

static const char *
entry_text (XgbWindow  *window,
            const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (xgb_ui_login_child (window, name)));
}

static void
set_entry (XgbWindow  *window,
           const char *name,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (xgb_ui_login_child (window, name)), text);
}

static void
tick (XgbWindow  *window,
      const char *name,
      gboolean    active)
{
  gtk_check_button_set_active (GTK_CHECK_BUTTON (xgb_ui_login_child (window, name)), active);
}

static gboolean
ticked (XgbWindow  *window,
        const char *name)
{
  return gtk_check_button_get_active (GTK_CHECK_BUTTON (xgb_ui_login_child (window, name)));
}

static void
forget_every_account (void)
{
  XgbAccounts *accounts = xgb_accounts_get_default ();

  while (g_list_model_get_n_items (G_LIST_MODEL (accounts)) > 0)
    {
      g_autoptr(XgbAccount) account = g_list_model_get_item (G_LIST_MODEL (accounts), 0);

      xgb_accounts_remove (accounts, account);
    }
}

static char *
lookup_secret (const char *jid,
               const char *host)
{
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  char *secret;

  xgb_secret_store_lookup_async (jid, host, XGB_SECRET_PASSWORD, NULL, xgb_test_result_cb, &r);
  secret = xgb_secret_store_lookup_finish (xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  return secret;
}

/* Every key of every saved account, as text */
static char *
dump_accounts (void)
{
  XgbAccounts *accounts = xgb_accounts_get_default ();
  GString *dump = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (accounts)); i++)
    {
      g_autoptr(XgbAccount) account = g_list_model_get_item (G_LIST_MODEL (accounts), i);
      GSettings *settings = xgb_account_get_settings (account);
      g_autoptr(GSettingsSchema) schema = NULL;
      g_auto(GStrv) keys = NULL;

      g_object_get (settings, "settings-schema", &schema, NULL);
      keys = g_settings_schema_list_keys (schema);
      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_autoptr(GVariant) value = g_settings_get_value (settings, keys[k]);
          g_autofree char *text = g_variant_print (value, FALSE);

          g_string_append_printf (dump, "%s=%s\n", keys[k], text);
        }
    }
  return g_string_free (dump, FALSE);
}

/* --- save, log out, choose, log in again, forget ---------------------- */

typedef struct
{
  XgbAccount *account;
} Saved;

static gboolean
account_saved (gpointer data)
{
  XgbAccounts *accounts = xgb_accounts_get_default ();
  XgbAccount *account = xgb_accounts_find (accounts, xgb_test_env ("XGB_TEST_ADMIN_JID"), xgb_test_env ("XGB_TEST_HOST"));

  if (account == NULL || xgb_account_get_last_used (account) == 0)
    return FALSE;
  /* with a keyring, the password went there too */
  return !with_keyring || xgb_account_get_remember_secret (account);
}

static gboolean
remember_refused (gpointer window)
{
  return gtk_widget_get_visible (xgb_ui_login_child (window, "remember_note")) &&
         !ticked (window, "remember_check");
}

static gboolean
password_filled (gpointer window)
{
  return g_str_equal (entry_text (window, "password_entry"), xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
}

static gboolean
no_confirm_dialog (gpointer data)
{
  return xgb_ui_find_toplevel (XGB_TYPE_CONFIRM_DIALOG) == NULL;
}

/* The dialog's answer arrives in an idle: wait for its effect */
static gboolean
forgotten (gpointer jid)
{
  return xgb_accounts_find (xgb_accounts_get_default (), jid, xgb_test_env ("XGB_TEST_HOST")) == NULL;
}

static void
check_save_and_choose (XgbWindow *window,
                       gpointer   data)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  XgbAccounts *accounts = xgb_accounts_get_default ();
  GtkDropDown *dropdown = GTK_DROP_DOWN (xgb_ui_login_child (window, "account_dropdown"));
  const char *password = xgb_test_env ("XGB_TEST_ADMIN_PASSWORD");
  g_autoptr(XgbLoginParams) after_logout = NULL;
  g_autofree char *dump = NULL;
  XgbAccount *account;

  /* No account yet: no list above the form */
  g_assert_false (gtk_widget_get_visible (xgb_ui_login_child (window, "accounts_box")));
  g_assert_false (ticked (window, "save_check"));
  g_assert_false (gtk_widget_get_sensitive (xgb_ui_login_child (window, "remember_check")));

  set_entry (window, "jid_entry", xgb_test_env ("XGB_TEST_ADMIN_JID"));
  set_entry (window, "password_entry", password);
  set_entry (window, "host_entry", xgb_test_env ("XGB_TEST_HOST"));
  set_entry (window, "port_entry", xgb_test_env ("XGB_TEST_PORT"));
  set_entry (window, "ca_file_entry", xgb_test_env ("XGB_TEST_CA_FILE"));
  set_entry (window, "audit_entry", "accounts/audit");
  tick (window, "save_check", TRUE);
  if (!xgb_secret_store_is_built ())
    {
      /* built without libsecret: the box says why it cannot be ticked */
      g_assert_false (gtk_widget_get_sensitive (xgb_ui_login_child (window, "remember_check")));
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (xgb_ui_login_child (window, "remember_check")),
                                "without libsecret"));
    }
  else
    {
      g_assert_true (gtk_widget_get_sensitive (xgb_ui_login_child (window, "remember_check")));
      tick (window, "remember_check", TRUE);
    }

  if (!with_keyring && xgb_secret_store_is_built ())
    {
      /* said at once, under the box, and the box does not stay ticked */
      xgb_ui_wait (remember_refused, window, 10);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (xgb_ui_login_child (window, "remember_note"))), ==,
                       NOT_AVAILABLE);
      xgb_ui_save_screenshot (GTK_WIDGET (window), "accounts-no-secret-store.png");
    }

  g_assert_true (xgb_window_connect (window));
  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  xgb_ui_wait (account_saved, NULL, 10);
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_banner (window)));
  account = xgb_accounts_find (accounts, xgb_test_env ("XGB_TEST_ADMIN_JID"), xgb_test_env ("XGB_TEST_HOST"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);

  /* The account's own audit topic is the one the session publishes to */
  {
    g_autofree char *topic = xgb_account_dup_audit_topic (account);

    g_assert_cmpstr (topic, ==, "accounts/audit");
  }

  /* Not in the settings, whatever the secret store did */
  dump = dump_accounts ();
  g_test_message ("saved:\n%s", dump);
  g_assert_nonnull (strstr (dump, xgb_test_env ("XGB_TEST_ADMIN_JID")));
  g_assert_null (strstr (dump, password));
  if (with_keyring)
    {
      g_autofree char *stored = lookup_secret (xgb_test_env ("XGB_TEST_ADMIN_JID"), xgb_test_env ("XGB_TEST_HOST"));

      g_assert_cmpstr (stored, ==, password);
    }
  else
    g_assert_false (xgb_account_get_remember_secret (account));

  /* Log out: the session ends and the password leaves the form */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_null (xgb_window_get_connection (window));
  after_logout = xgb_login_view_get_params (view);
  g_assert_null (after_logout->password);
  g_assert_null (after_logout->passphrase);
  g_assert_cmpstr (entry_text (window, "password_entry"), ==, "");

  /* The account shows in the list, chosen */
  g_assert_true (gtk_widget_get_visible (xgb_ui_login_child (window, "accounts_box")));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 2);
  g_assert_true (gtk_drop_down_get_selected_item (dropdown) == (gpointer) account);
  g_assert_true (gtk_widget_get_visible (xgb_ui_login_child (window, "forget_button")));

  /* A new account empties the form; choosing the saved one fills it */
  xgb_login_view_choose_account (view, NULL);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 0);
  g_assert_cmpstr (entry_text (window, "jid_entry"), ==, "");
  g_assert_cmpstr (entry_text (window, "host_entry"), ==, "");
  g_assert_false (ticked (window, "save_check"));
  g_assert_false (gtk_widget_get_visible (xgb_ui_login_child (window, "forget_button")));

  gtk_drop_down_set_selected (dropdown, 1);
  g_assert_true (xgb_login_view_get_account (view) == account);
  g_assert_cmpstr (entry_text (window, "jid_entry"), ==, xgb_test_env ("XGB_TEST_ADMIN_JID"));
  g_assert_cmpstr (entry_text (window, "host_entry"), ==, xgb_test_env ("XGB_TEST_HOST"));
  g_assert_cmpstr (entry_text (window, "port_entry"), ==, xgb_test_env ("XGB_TEST_PORT"));
  g_assert_cmpstr (entry_text (window, "ca_file_entry"), ==, xgb_test_env ("XGB_TEST_CA_FILE"));
  g_assert_cmpstr (entry_text (window, "audit_entry"), ==, "accounts/audit");
  g_assert_true (ticked (window, "save_check"));
  g_assert_false (xgb_login_view_get_cert_mode (view));

  if (with_keyring)
    {
      /* the password comes back from the secret store */
      g_assert_true (ticked (window, "remember_check"));
      xgb_ui_wait (password_filled, window, 10);
    }
  else
    {
      /* everything but the password */
      g_assert_false (ticked (window, "remember_check"));
      for (guint i = 0; i < 50; i++)
        g_main_context_iteration (NULL, FALSE);
      g_assert_cmpstr (entry_text (window, "password_entry"), ==, "");
      set_entry (window, "password_entry", password);
    }
  gtk_expander_set_expanded (GTK_EXPANDER (xgb_ui_login_child (window, "server_expander")), FALSE);
  xgb_ui_save_screenshot (GTK_WIDGET (window), with_keyring ? "accounts-login.png" : "accounts-login-no-keyring.png");
  if (with_keyring && g_getenv ("XGB_SCREENSHOT_DIR") != NULL)
    {
      /* the list as it opens */
      GtkWidget *popover = gtk_widget_get_last_child (GTK_WIDGET (dropdown));

      g_signal_emit_by_name (dropdown, "activate");
      g_assert_true (GTK_IS_POPOVER (popover));
      xgb_ui_wait (xgb_ui_widget_visible, popover, 5);
      xgb_ui_save_screenshot (popover, "accounts-list.png");
      gtk_popover_popdown (GTK_POPOVER (popover));
    }

  /* Logged in again with what the account keeps */
  g_assert_true (xgb_window_connect (window));
  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  g_assert_cmpstr (entry_text (window, "password_entry"), ==, "");

  /* Forget it: asked first; Cancel keeps it */
  {
    XgbConfirmDialog *dialog;

    g_signal_emit_by_name (xgb_ui_login_child (window, "forget_button"), "clicked");
    dialog = xgb_ui_wait_toplevel (XGB_TYPE_CONFIRM_DIALOG);
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
    xgb_confirm_dialog_respond (dialog, FALSE);
    xgb_ui_wait (no_confirm_dialog, NULL, 10);
    for (guint i = 0; i < 20; i++)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);

    g_signal_emit_by_name (xgb_ui_login_child (window, "forget_button"), "clicked");
    dialog = xgb_ui_wait_toplevel (XGB_TYPE_CONFIRM_DIALOG);
    g_assert_nonnull (strstr (xgb_confirm_dialog_get_explanation (dialog),
                              with_keyring ? "its password from the desktop’s secret store" : "removed from this computer"));
    xgb_ui_save_screenshot (GTK_WIDGET (dialog), with_keyring ? "accounts-forget.png" : "accounts-forget-no-keyring.png");
    xgb_confirm_dialog_respond (dialog, TRUE);
    xgb_ui_wait (forgotten, (gpointer) xgb_test_env ("XGB_TEST_ADMIN_JID"), 10);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 0);
  g_assert_null (xgb_login_view_get_account (view));
  g_assert_false (gtk_widget_get_visible (xgb_ui_login_child (window, "accounts_box")));
  g_assert_cmpstr (entry_text (window, "jid_entry"), ==, "");
  if (with_keyring)
    {
      /* the password left the secret store too (asynchronously) */
      for (guint i = 0; i < 100; i++)
        {
          g_autofree char *stored = lookup_secret (xgb_test_env ("XGB_TEST_ADMIN_JID"), xgb_test_env ("XGB_TEST_HOST"));

          if (stored == NULL)
            break;
          g_assert_cmpuint (i, <, 99);
          g_usleep (20000);
        }
    }
}

static void
test_save_and_choose (void)
{
  XgbUiRun run;

  forget_every_account ();
  g_assert_cmpint (xgb_ui_run_app (NULL, check_save_and_choose, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --- the server certificates trusted on the way are saved --------------- */

static gboolean
account_saved_alice (gpointer data)
{
  XgbAccount *account = xgb_accounts_find (xgb_accounts_get_default (), xgb_test_env ("XGB_TEST_ALICE_JID"),
                                           xgb_test_env ("XGB_TEST_HOST"));

  return account != NULL && xgb_account_get_last_used (account) != 0;
}

static void
check_pins (XgbWindow *window,
            gpointer   data)
{
  XgbAccounts *accounts = xgb_accounts_get_default ();
  XgbTrustDialog *dialog;
  g_autofree char *fingerprint = NULL;
  g_auto(GStrv) pins = NULL;
  XgbAccount *account;

  /* No CA file: the server's certificate does not verify */
  set_entry (window, "jid_entry", xgb_test_env ("XGB_TEST_ALICE_JID"));
  set_entry (window, "password_entry", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  set_entry (window, "host_entry", xgb_test_env ("XGB_TEST_HOST"));
  set_entry (window, "port_entry", xgb_test_env ("XGB_TEST_PORT"));
  tick (window, "save_check", TRUE);
  g_assert_true (xgb_window_connect (window));
  dialog = xgb_ui_wait_toplevel (XGB_TYPE_TRUST_DIALOG);
  fingerprint = g_strdup (xgb_trust_dialog_get_fingerprint (dialog));
  xgb_trust_dialog_respond (dialog, TRUE);
  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  xgb_ui_wait (account_saved_alice, NULL, 10);

  account = xgb_accounts_find (accounts, xgb_test_env ("XGB_TEST_ALICE_JID"), xgb_test_env ("XGB_TEST_HOST"));
  pins = xgb_account_dup_pins (account);
  g_assert_nonnull (pins);
  g_assert_cmpstr (pins[0], ==, fingerprint);
  g_assert_null (pins[1]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
}

static void
test_pins (void)
{
  XgbUiRun run;

  forget_every_account ();
  g_assert_cmpint (xgb_ui_run_app (NULL, check_pins, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --- two windows, two accounts ------------------------------------------- */

static XgbAccount *
save_account (const char *who)
{
  g_autofree char *jid_var = g_strdup_printf ("XGB_TEST_%s_JID", who);
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(GError) error = NULL;
  XgbAccount *account;

  params->jid = g_strdup (xgb_test_env (jid_var));
  params->host = g_strdup (xgb_test_env ("XGB_TEST_HOST"));
  params->port = (guint) g_ascii_strtoull (xgb_test_env ("XGB_TEST_PORT"), NULL, 10);
  params->ca_file = g_strdup (xgb_test_env ("XGB_TEST_CA_FILE"));
  account = xgb_accounts_save (xgb_accounts_get_default (), params, &error);
  g_assert_no_error (error);
  return account;
}

static XgbWindow *
other_window (XgbWindow *window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (XGB_IS_WINDOW (l->data) && l->data != (gpointer) window)
      return l->data;
  return NULL;
}

static gboolean
has_other_window (gpointer window)
{
  return other_window (window) != NULL;
}

static void
check_two_windows (XgbWindow *first,
                   gpointer   data)
{
  XgbAccount *admin = xgb_accounts_find (xgb_accounts_get_default (), xgb_test_env ("XGB_TEST_ADMIN_JID"),
                                         xgb_test_env ("XGB_TEST_HOST"));
  XgbAccount *alice = xgb_accounts_find (xgb_accounts_get_default (), xgb_test_env ("XGB_TEST_ALICE_JID"),
                                         xgb_test_env ("XGB_TEST_HOST"));
  XgbWindow *second;
  g_autoptr(XgbLoginParams) first_params = NULL;
  g_autoptr(XgbLoginParams) second_params = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (first))),
                                  "new-window", NULL);
  xgb_ui_wait (has_other_window, first, 10);
  second = other_window (first);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (second));

  /* Each window its own account, its own form */
  xgb_login_view_choose_account (xgb_window_get_login_view (first), admin);
  xgb_login_view_choose_account (xgb_window_get_login_view (second), alice);
  set_entry (first, "password_entry", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  set_entry (second, "password_entry", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  first_params = xgb_login_view_get_params (xgb_window_get_login_view (first));
  second_params = xgb_login_view_get_params (xgb_window_get_login_view (second));
  g_assert_cmpstr (first_params->jid, ==, xgb_test_env ("XGB_TEST_ADMIN_JID"));
  g_assert_cmpstr (second_params->jid, ==, xgb_test_env ("XGB_TEST_ALICE_JID"));
  g_assert_cmpstr (second_params->password, ==, xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));

  g_assert_true (xgb_window_connect (first));
  g_assert_true (xgb_window_connect (second));
  xgb_ui_wait (xgb_ui_on_session_page, first, 60);
  xgb_ui_wait (xgb_ui_on_session_page, second, 60);
  g_assert_cmpstr (xgb_connection_get_params (xgb_window_get_connection (first))->jid, ==,
                   xgb_test_env ("XGB_TEST_ADMIN_JID"));
  g_assert_cmpstr (xgb_connection_get_params (xgb_window_get_connection (second))->jid, ==,
                   xgb_test_env ("XGB_TEST_ALICE_JID"));

  /* Logging out of one leaves the other's session and secrets alone */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.logout", NULL));
  g_assert_null (xgb_window_get_connection (first));
  g_assert_true (xgb_ui_on_session_page (second));
  g_assert_nonnull (xgb_window_get_connection (second));
  g_assert_cmpstr (entry_text (second, "password_entry"), ==, xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  g_assert_true (xgb_login_view_get_account (xgb_window_get_login_view (second)) == alice);

  /* Forgetting alice in the first window: the second keeps its form,
   * only the account is gone from its list */
  xgb_login_view_choose_account (xgb_window_get_login_view (first), alice);
  g_signal_emit_by_name (xgb_ui_login_child (first, "forget_button"), "clicked");
  xgb_confirm_dialog_respond (xgb_ui_wait_toplevel (XGB_TYPE_CONFIRM_DIALOG), TRUE);
  xgb_ui_wait (forgotten, (gpointer) xgb_test_env ("XGB_TEST_ALICE_JID"), 10);
  g_assert_null (xgb_login_view_get_account (xgb_window_get_login_view (second)));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (xgb_ui_login_child (second, "account_dropdown"))), ==, 0);
  g_assert_cmpstr (entry_text (second, "jid_entry"), ==, xgb_test_env ("XGB_TEST_ALICE_JID"));
  g_assert_true (xgb_ui_on_session_page (second));

  gtk_window_close (GTK_WINDOW (second));
}

static void
test_two_windows (void)
{
  XgbUiRun run;

  forget_every_account ();
  save_account ("ADMIN");
  save_account ("ALICE");
  g_assert_cmpint (xgb_ui_run_app (NULL, check_two_windows, NULL, &run), ==, 0);
  g_assert_true (run.checked);
  g_assert_cmpuint (run.n_windows, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  const char *mode = g_getenv ("XGB_TEST_SECRET_STORE");
  int ret;

  /* Before anything connects to the session bus */
  g_assert_true (g_strcmp0 (mode, "keyring") == 0 || g_strcmp0 (mode, "none") == 0);
  /* a build without libsecret runs the "none" checks in both modes */
  with_keyring = g_str_equal (mode, "keyring") && xgb_secret_store_is_built ();
  if (xgb_test_secret_bus_up (with_keyring) != with_keyring)
    {
      g_print ("Bail out! gnome-keyring-daemon is not installed (build-aux/deps.sh installs it)\n");
      return 1;
    }

  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/accounts/save-and-choose", test_save_and_choose);
  if (!with_keyring)
    {
      g_test_add_func ("/ui/accounts/pins", test_pins);
      g_test_add_func ("/ui/accounts/two-windows", test_two_windows);
    }

  ret = g_test_run ();
  xgb_test_secret_bus_down ();
  return ret;
}
