/* test-secrets-window.c - the window's logins leave no secret behind
 *
 * The real application, at the highest verbosity (G_MESSAGES_DEBUG=all,
 * XGB_DEBUG=xmpp), with umask 000 and a private HOME, XDG folders and
 * TMPDIR, on a private session bus with gnome-keyring:
 *  - a password login from --password-file (SASL PLAIN, "Allow weak
 *    logins" ticked, on a Prosody that offers nothing else; SCRAM on
 *    ejabberd), the account saved with its password remembered; logout
 *    empties the field; the account chosen again fills it from the secret
 *    store and logs in again;
 *  - on ejabberd, a certificate login with a PKCS#12 file and its
 *    passphrase (--cert, --passphrase-file; SASL EXTERNAL), remembered too.
 * Then every file written under HOME, the XDG folders and TMPDIR and
 * everything this process logged is searched for the password and the
 * passphrase in every encoding (tests/lib/xgb-test-secrets.c), after the
 * scan has shown that it finds them where they are planted.
 *
 * Runs under tests/servers/with-server.sh and tests/ui/run-ui-test.sh.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <malloc.h>
#include <string.h>
#include <sys/stat.h>

#include "xgb-accounts.h"
#include "xgb-secret-store.h"
#include "xgb-test-keyring.h"
#include "xgb-test-secrets.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

static char *root;
static char *home;
static char *tmp;
static char *in;
static char *out;
static gboolean plain_only;
static XgbSecretScan *scan;
static char *passphrase;

/* --- helpers ------------------------------------------------------------------ */

static const char *
entry_text (XgbWindow  *window,
            const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (xgb_ui_login_child (window, name)));
}

static void
tick (XgbWindow  *window,
      const char *name)
{
  gtk_check_button_set_active (GTK_CHECK_BUTTON (xgb_ui_login_child (window, name)), TRUE);
}

static char *
write_input (const char *name,
             const char *contents)
{
  char *path = g_build_filename (in, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

typedef struct
{
  const char    *jid;
  XgbSecretKind  kind;
} Wanted;

/* The account is saved, used, and its secret remembered */
static gboolean
account_saved (gpointer data)
{
  Wanted *wanted = data;
  XgbAccount *account = xgb_accounts_find (xgb_accounts_get_default (), wanted->jid, xgb_test_env ("XGB_TEST_HOST"));

  return account != NULL && xgb_account_get_last_used (account) != 0 && xgb_account_get_remember_secret (account);
}

static char *
lookup_secret (const char    *jid,
               XgbSecretKind  kind)
{
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  char *secret;

  xgb_secret_store_lookup_async (jid, xgb_test_env ("XGB_TEST_HOST"), kind, NULL, xgb_test_result_cb, &r);
  secret = xgb_secret_store_lookup_finish (xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  return secret;
}

static gboolean
password_filled (gpointer window)
{
  return g_str_equal (entry_text (window, "password_entry"), xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
}

static const char *
mechanism (XgbWindow *window)
{
  const XgbSessionInfo *info = xgb_connection_get_session_info (xgb_window_get_connection (window));

  g_assert_nonnull (info);
  return info->mechanism;
}

static void
log_in (XgbWindow *window)
{
  g_assert_true (xgb_window_connect (window));
  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  if (plain_only)
    g_assert_cmpstr (mechanism (window), ==, "PLAIN");
  else
    g_assert_true (g_str_has_prefix (mechanism (window), "SCRAM-SHA-"));
}

/* --- the password login --------------------------------------------------------- */

static void
check_password (XgbWindow *window,
                gpointer   data)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GtkDropDown *dropdown = GTK_DROP_DOWN (xgb_ui_login_child (window, "account_dropdown"));
  Wanted wanted = { xgb_test_env ("XGB_TEST_ADMIN_JID"), XGB_SECRET_PASSWORD };
  g_autoptr(XgbLoginParams) after = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *log = NULL;

  /* from --password-file */
  g_assert_true (password_filled (window));
  if (plain_only)
    tick (window, "allow_weak_check");
  tick (window, "save_check");
  tick (window, "remember_check");
  xgb_ui_save_screenshot (GTK_WIDGET (window), "secrets-password.png");
  log_in (window);
  xgb_ui_wait (account_saved, &wanted, 10);
  stored = lookup_secret (wanted.jid, XGB_SECRET_PASSWORD);
  g_assert_cmpstr (stored, ==, xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));

  /* Logged out: the field is empty */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  g_assert_cmpstr (entry_text (window, "password_entry"), ==, "");
  after = xgb_login_view_get_params (view);
  g_assert_null (after->password);

  /* Chosen again: the password comes back from the secret store */
  xgb_login_view_choose_account (view, NULL);
  gtk_drop_down_set_selected (dropdown, 1);
  xgb_ui_wait (password_filled, window, 10);
  log_in (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  g_assert_cmpstr (entry_text (window, "password_entry"), ==, "");

  /* the log is at its most verbose: the SASL exchange is in it, redacted */
  log = xgb_test_log_capture_read ();
  g_assert_nonnull (strstr (log, "xgb-xmpp"));
  g_assert_nonnull (strstr (log, "SENT: <auth"));
  g_assert_nonnull (strstr (log, "[redacted]</auth>"));
}

static void
test_password (void)
{
  g_autofree char *file = write_input ("admin.pass", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", file,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check_password, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --- the certificate login (ejabberd) ------------------------------------------- */

static void
check_certificate (XgbWindow *window,
                   gpointer   data)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  Wanted wanted = { xgb_test_env ("XGB_TEST_ADMIN_JID"), XGB_SECRET_PASSPHRASE };
  g_autofree char *stored = NULL;

  /* from --cert and --passphrase-file */
  g_assert_true (xgb_login_view_get_cert_mode (view));
  g_assert_cmpstr (entry_text (window, "passphrase_entry"), ==, passphrase);
  tick (window, "save_check");
  tick (window, "remember_check");
  xgb_ui_save_screenshot (GTK_WIDGET (window), "secrets-certificate.png");
  g_assert_true (xgb_window_connect (window));
  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  g_assert_cmpstr (mechanism (window), ==, "EXTERNAL");
  xgb_ui_wait (account_saved, &wanted, 10);
  stored = lookup_secret (wanted.jid, XGB_SECRET_PASSPHRASE);
  g_assert_cmpstr (stored, ==, passphrase);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  g_assert_cmpstr (entry_text (window, "passphrase_entry"), ==, "");
}

static void
test_certificate (void)
{
  g_autofree char *p12 = g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), "admin.p12", NULL);
  g_autofree char *file = write_input ("p12.pass", passphrase);
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--cert", p12, "--passphrase-file", file,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_CERT_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check_certificate, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --- the scans ------------------------------------------------------------------ */

static void
test_scanner_works (void)
{
  g_autofree char *planted = g_build_filename (root, "planted", NULL);

  xgb_secret_scan_self_check (scan, planted, xgb_test_env ("XGB_TEST_ADMIN_JID"),
                              xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
}

static void
test_no_secret_anywhere (void)
{
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *listing = xgb_test_list_tree (root);
  g_autofree char *keyfile = g_build_filename (home, ".config", "glib-2.0", "settings", "keyfile", NULL);
  guint n;

  n = xgb_secret_scan_tree (scan, home, findings);
  n += xgb_secret_scan_tree (scan, tmp, findings);
  n += xgb_secret_scan_tree (scan, out, findings);
  g_test_message ("scanned %u files for %u needles:\n%s", n, xgb_secret_scan_get_n_needles (scan), listing);
  /* the log, the saved accounts, the keyring's files */
  g_assert_true (g_file_test (keyfile, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (n, >=, 3);
  for (guint i = 0; i < findings->len; i++)
    g_test_message ("FOUND %s", (char *) g_ptr_array_index (findings, i));
  g_assert_cmpuint (findings->len, ==, 0);
}

/* --- setting up ---------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  int ret;

  mallopt (M_PERTURB, 0);
  umask (0);

  {
    XgbTestHome h;

    xgb_test_home_setup (&h, "xgb-ui-secrets");
    root = h.root;
    home = h.home;
    tmp = h.tmp;
    in = h.in;
    out = h.out;
  }

  {
    g_autofree char *log_path = g_build_filename (out, "app.log", NULL);

    xgb_test_log_capture_start (log_path);
  }

  plain_only = g_getenv ("XGB_TEST_EXPECT_PLAIN_ONLY") != NULL;
  scan = xgb_secret_scan_new ();
  xgb_secret_scan_add_login (scan, "admin's password", xgb_test_env ("XGB_TEST_ADMIN_JID"),
                             xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  xgb_secret_scan_add (scan, "alice's password", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  if (!plain_only)
    {
      g_autofree char *pass_file = g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), "admin.p12.pass", NULL);
      g_autoptr(GError) error = NULL;

      passphrase = xgb_password_read_file (pass_file, &error);
      g_assert_no_error (error);
      xgb_secret_scan_add (scan, "the PKCS#12 passphrase", passphrase);
    }

  /* Before anything connects to the session bus */
  if (!xgb_secret_store_is_built ())
    {
      g_print ("Bail out! built without libsecret: nothing to remember passwords in\n");
      return 1;
    }
  if (!xgb_test_secret_bus_up (TRUE))
    {
      g_print ("Bail out! gnome-keyring-daemon is not installed (build-aux/deps.sh installs it)\n");
      return 1;
    }
  /* the most there is to log (not the keyring daemon's) */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_setenv ("XGB_DEBUG", "xmpp", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  xgb_test_log_capture_after_init ();

  g_test_add_func ("/ui/secrets/password", test_password);
  if (!plain_only)
    g_test_add_func ("/ui/secrets/certificate", test_certificate);
  g_test_add_func ("/ui/secrets/scanner-works", test_scanner_works);
  g_test_add_func ("/ui/secrets/no-secret-anywhere", test_no_secret_anywhere);

  ret = g_test_run ();

  xgb_test_secret_bus_down ();
  xgb_test_log_capture_stop ();
  if (g_getenv ("XGB_TEST_KEEP_DIR") == NULL)
    xgb_test_remove_tree (root);
  else
    g_printerr ("test-secrets-window: kept %s\n", root);
  xgb_secret_scan_free (scan);
  xgb_secret_free (passphrase);
  return ret;
}
