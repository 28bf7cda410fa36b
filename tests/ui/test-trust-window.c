/* test-trust-window.c - the trust dialog and the session's security in
 * the Controller overview, against a real ejabberd whose CA the app is
 * not given (run under tests/servers/with-server.sh and xvfb)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-test-util.h"
#include "xgb-trust-dialog.h"
#include "xgb-ui-test.h"

static char *tmpdir;
static char *password_file;

static XgbCertInfo *
cert_from_file (const char *dir,
                const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *pem = NULL;

  g_assert_true (g_file_get_contents (path, &pem, NULL, NULL));
  return xgb_cert_info_new_from_pem (pem, NULL);
}

static const char *
dialog_text (XgbTrustDialog *dialog,
             const char     *name)
{
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (dialog), XGB_TYPE_TRUST_DIALOG, name);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static const char *
overview_text (XgbWindow  *window,
               const char *name)
{
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (xgb_window_get_session_view (window)),
                                                  XGB_TYPE_SESSION_VIEW, name);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
click (XgbTrustDialog *dialog,
       const char     *button)
{
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), XGB_TYPE_TRUST_DIALOG, button),
                         "clicked");
}

static gboolean
no_trust_dialog (gpointer data)
{
  return xgb_ui_find_toplevel (XGB_TYPE_TRUST_DIALOG) == NULL;
}

static gboolean
login_idle (gpointer window)
{
  return g_strcmp0 (xgb_window_get_visible_page (window), "login") == 0 &&
         !xgb_login_view_get_busy (xgb_window_get_login_view (window));
}

/* The dialog for an untrusted certificate shows the server's own one */
static XgbTrustDialog *
wait_untrusted_dialog (XgbWindow *window)
{
  g_autoptr(XgbCertInfo) cert = cert_from_file (xgb_test_env ("XGB_TEST_CERT_DIR"), "server.crt");
  XgbTrustDialog *dialog = xgb_ui_wait_toplevel (XGB_TYPE_TRUST_DIALOG);

  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_false (xgb_trust_dialog_get_changed (dialog));
  g_assert_cmpstr (dialog_text (dialog, "heading"), ==, "Untrusted Server Certificate");
  g_assert_cmpstr (dialog_text (dialog, "subject_label"), ==, cert->subject);
  g_assert_cmpstr (dialog_text (dialog, "issuer_label"), ==, cert->issuer);
  g_assert_cmpstr (dialog_text (dialog, "not_after_label"), ==, cert->not_after);
  g_autofree char *lines = xgb_trust_format_fingerprint (cert->sha256);
  g_autofree char *domain_first = g_strdup_printf ("The certificate of %s cannot be verified",
                                                   xgb_test_env ("XGB_TEST_DOMAIN"));

  /* two lines of 16 pairs, easy to compare by eye */
  g_assert_cmpstr (dialog_text (dialog, "sha256_label"), ==, lines);
  g_assert_nonnull (strchr (lines, '\n'));
  g_assert_cmpstr (xgb_trust_dialog_get_fingerprint (dialog), ==, cert->sha256);
  g_assert_true (g_str_has_prefix (dialog_text (dialog, "explanation"), domain_first));
  g_assert_cmpstr (dialog_text (dialog, "problem_label"), ==, "self-signed certificate in certificate chain");
  g_assert_nonnull (strstr (dialog_text (dialog, "explanation"), xgb_test_env ("XGB_TEST_ALICE_JID")));
  /* Reject is the default: Enter does not trust */
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                                    XGB_TYPE_TRUST_DIALOG,
                                                                                    "reject_button"))));
  /* Behind it: the login, and why */
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_null (xgb_window_get_connection (window));
  g_assert_true (xgb_banner_get_revealed (xgb_window_get_banner (window)));
  g_assert_nonnull (strstr (xgb_banner_get_message (xgb_window_get_banner (window)), "not trusted"));
  return dialog;
}

static const char **
login_args (const char *pin)
{
  static const char *args[16];
  guint n = 0;

  args[n++] = "--jid";
  args[n++] = xgb_test_env ("XGB_TEST_ALICE_JID");
  args[n++] = "--password-file";
  args[n++] = password_file;
  args[n++] = "--host";
  args[n++] = xgb_test_env ("XGB_TEST_HOST");
  args[n++] = "--port";
  args[n++] = xgb_test_env ("XGB_TEST_PORT");
  if (pin != NULL)
    {
      args[n++] = "--pin";
      args[n++] = pin;
    }
  args[n++] = "--connect";
  args[n] = NULL;
  return args;
}

/* Escape rejects: nothing connects, the reason stays in the banner */
static void
check_reject (XgbWindow *window,
              gpointer   data)
{
  XgbTrustDialog *dialog = wait_untrusted_dialog (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  xgb_ui_wait (no_trust_dialog, NULL, 10);
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_null (xgb_window_get_connection (window));
  g_assert_nonnull (strstr (xgb_banner_get_message (xgb_window_get_banner (window)), "not trusted"));
  xgb_ui_wait_for_revealed (xgb_window_get_banner (window));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "trust-rejected.png");
}

static void
test_reject (void)
{
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (login_args (NULL), check_reject, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --pin: the certificate is trusted from the start, no dialog */
static void
check_pinned_option (XgbWindow *window,
                     gpointer   data)
{
  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  g_assert_null (xgb_ui_find_toplevel (XGB_TYPE_TRUST_DIALOG));
  g_assert_true (xgb_connection_get_session_info (xgb_window_get_connection (window))->pinned);
  g_assert_true (g_str_has_prefix (overview_text (window, "server_cert_label"),
                                   "Trusted by you, although it does not verify"));
}

static void
test_pin_option (void)
{
  g_autoptr(XgbCertInfo) cert = cert_from_file (xgb_test_env ("XGB_TEST_CERT_DIR"), "server.crt");
  /* typed as openssl prints it */
  g_autofree char *typed = g_strconcat ("sha256 Fingerprint=", cert->sha256, NULL);
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (login_args (typed), check_pinned_option, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

static void
run_script (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_test_message ("%s failed:\n%s%s", argv[1], out, err);
  g_assert_no_error (error);
}

/* The server restarts with a certificate for the same domain from
 * another CA; returns that certificate. */
static XgbCertInfo *
change_server_certificate (void)
{
  g_autofree char *scripts = g_build_filename (xgb_test_env ("XGB_SOURCE_DIR"), "tests", "servers", NULL);
  g_autofree char *certs_sh = g_build_filename (scripts, "certs.sh", NULL);
  g_autofree char *ejabberd_sh = g_build_filename (scripts, "ejabberd.sh", NULL);
  g_autofree char *other = g_build_filename (xgb_test_env ("XGB_TEST_DIR"), "other", NULL);
  g_autofree char *other_certs = g_build_filename (other, "certs", NULL);
  g_autofree char *new_pem = g_build_filename (other_certs, "server.pem", NULL);
  g_autofree char *pem_path = g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), "server.pem", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_cmpint (g_mkdir_with_parents (other, 0700), ==, 0);
  run_script ((const char *[]) { "bash", certs_sh, other, xgb_test_env ("XGB_TEST_DOMAIN"), NULL });
  g_assert_true (g_file_get_contents (new_pem, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (pem_path, contents, (gssize) length, NULL));
  run_script ((const char *[]) { "bash", ejabberd_sh, "restart", xgb_test_env ("XGB_TEST_DIR"), NULL });
  return cert_from_file (other_certs, "server.crt");
}

static gboolean
banner_says_changed (gpointer banner)
{
  return xgb_banner_get_revealed (banner) &&
         strstr (xgb_banner_get_message (banner), "the server’s certificate changed since you trusted it") != NULL;
}

/* Trust → pinned → the app reconnects and the overview says how the
 * session is secured.  Then the server's certificate changes: refused
 * loudly, the dialog shows old and new, and rejecting leaves it at that. */
static void
check_trust (XgbWindow *window,
             gpointer   data)
{
  g_autoptr(XgbCertInfo) cert = cert_from_file (xgb_test_env ("XGB_TEST_CERT_DIR"), "server.crt");
  g_autoptr(XgbCertInfo) new_cert = NULL;
  XgbTrustDialog *dialog = wait_untrusted_dialog (window);
  const XgbSessionInfo *info;
  g_autofree char *old_lines = xgb_trust_format_fingerprint (cert->sha256);
  g_autofree char *new_lines = NULL;

  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "trust-dialog.png");
  click (dialog, "trust_button");
  xgb_ui_wait (no_trust_dialog, NULL, 10);

  /* Reconnected with the pin, logged in */
  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  info = xgb_connection_get_session_info (xgb_window_get_connection (window));
  g_assert_true (info->pinned);
  g_assert_true (xgb_login_params_has_pin (xgb_connection_get_params (xgb_window_get_connection (window)),
                                           cert->sha256));
  g_assert_false (xgb_banner_get_revealed (xgb_window_get_banner (window)));
  g_assert_cmpstr (overview_text (window, "mechanism_label"), ==, "SCRAM-SHA-512");
  g_assert_true (g_str_has_prefix (overview_text (window, "tls_label"), "TLSv1.3, TLS_"));
  g_assert_nonnull (strstr (overview_text (window, "server_cert_label"), old_lines));
  g_assert_nonnull (strstr (overview_text (window, "server_cert_label"), "self-signed certificate in certificate chain"));
  xgb_ui_wait (xgb_ui_tree_loaded, xgb_window_get_browser_view (window), 30);
  xgb_ui_save_screenshot (GTK_WIDGET (window), "overview-security.png");

  /* Log out; the server comes back with another certificate */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.logout", NULL));
  new_cert = change_server_certificate ();
  /* the password left memory with the session: typed again */
  gtk_editable_set_text (GTK_EDITABLE (xgb_ui_login_child (window, "password_entry")),
                         xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  g_assert_true (xgb_window_connect (window));

  xgb_ui_wait (banner_says_changed, xgb_window_get_banner (window), 60);
  dialog = xgb_ui_wait_toplevel (XGB_TYPE_TRUST_DIALOG);
  g_assert_true (xgb_trust_dialog_get_changed (dialog));
  g_assert_cmpstr (dialog_text (dialog, "heading"), ==, "The Server’s Certificate Changed");
  new_lines = xgb_trust_format_fingerprint (new_cert->sha256);
  g_assert_cmpstr (dialog_text (dialog, "sha256_label"), ==, new_lines);
  g_assert_cmpstr (dialog_text (dialog, "before_label"), ==, old_lines);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                                      XGB_TYPE_TRUST_DIALOG,
                                                                                      "before_label"))));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_null (xgb_window_get_connection (window));
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "trust-dialog-changed.png");
  xgb_ui_save_screenshot (GTK_WIDGET (window), "trust-changed-banner.png");

  click (dialog, "reject_button");
  xgb_ui_wait (no_trust_dialog, NULL, 10);
  xgb_ui_wait (login_idle, window, 10);
  g_assert_null (xgb_window_get_connection (window));
  g_assert_true (banner_says_changed (xgb_window_get_banner (window)));
}

static void
test_trust (void)
{
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (login_args (NULL), check_trust, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --- the mechanism policy: Prosody offering PLAIN only ------------- */

static gboolean
banner_says_refused (gpointer banner)
{
  return xgb_banner_get_revealed (banner) && strstr (xgb_banner_get_message (banner), "Login refused") != NULL;
}

static void
check_weak (XgbWindow *window,
            gpointer   data)
{
  GtkCheckButton *allow = GTK_CHECK_BUTTON (xgb_ui_login_child (window, "allow_weak_check"));
  XgbBanner *banner = xgb_window_get_banner (window);

  /* Refused before any password went out; the checkbox is the way */
  xgb_ui_wait (banner_says_refused, banner, 30);
  xgb_ui_wait (login_idle, window, 10);
  g_assert_nonnull (strstr (xgb_banner_get_message (banner), "PLAIN"));
  g_assert_null (xgb_window_get_connection (window));
  g_assert_false (gtk_check_button_get_active (allow));
  gtk_expander_set_expanded (GTK_EXPANDER (xgb_ui_login_child (window, "server_expander")), TRUE);
  xgb_ui_wait_for_revealed (banner);
  /* scrolled into view, for the screenshot */
  gtk_widget_grab_focus (GTK_WIDGET (allow));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (allow), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = scrolled ? gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)) : NULL;

    if (adj != NULL)
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  }
  xgb_ui_save_screenshot (GTK_WIDGET (window), "weak-refused.png");

  gtk_check_button_set_active (allow, TRUE);
  g_assert_true (xgb_window_connect (window));
  xgb_ui_wait (xgb_ui_on_session_page, window, 30);
  g_assert_true (xgb_connection_get_params (xgb_window_get_connection (window))->allow_weak_mechanisms);
  g_assert_cmpstr (overview_text (window, "mechanism_label"), ==, "PLAIN (weak; allowed for this account)");
  g_assert_true (g_str_has_prefix (overview_text (window, "server_cert_label"), "Verified: "));
}

static void
test_weak (void)
{
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ALICE_JID"), "--password-file", password_file,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--connect", NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check_weak, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-trust-XXXXXX");
  password_file = xgb_ui_password_file (tmpdir, "alice", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));

  if (g_getenv ("XGB_TEST_EXPECT_PLAIN_ONLY") != NULL)
    g_test_add_func ("/ui/trust/weak-mechanism", test_weak);
  else
    {
      g_test_add_func ("/ui/trust/reject", test_reject);
      g_test_add_func ("/ui/trust/pin-option", test_pin_option);
      /* Last: it changes the server's certificate */
      g_test_add_func ("/ui/trust/trust-changed", test_trust);
    }

  ret = g_test_run ();

  g_free (password_file);
  xgb_test_remove_tmpdir (tmpdir);

  return ret;
}
