/* test-cert-window.c - an admin picks a client certificate in the picker
 * and logs in with it (SASL EXTERNAL) on a real ejabberd's certificate
 * listener (run under tests/servers/with-server.sh ejabberd and xvfb).
 *
 * The test's HOME and XDG_DATA_HOME are temporary: the app's keystore
 * holds admin.p12 (as build-aux/demo puts it there), ~/.pki some PEM
 * files and a CRL, ~/.pki/nssdb an NSS database.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xgb-cert-picker.h"
#include "xgb-login-params.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

static char *tmpdir;
static char *keystore_dir;

static char *
cert_path (const char *name)
{
  return g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), name, NULL);
}

static void
copy_to (const char *name,
         const char *dir)
{
  g_autofree char *from = cert_path (name);
  g_autofree char *to = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

static void
make_home (const char *home)
{
  g_autofree char *pki = g_build_filename (home, ".pki", NULL);
  g_autofree char *nss = g_build_filename (pki, "nssdb", NULL);
  g_autofree char *spec = g_strconcat ("sql:", nss, NULL);
  g_autofree char *p12 = cert_path ("alice.p12");
  g_autofree char *pass = cert_path ("alice.p12.pass");

  copy_to ("admin.p12", keystore_dir);
  g_assert_cmpint (g_chmod (keystore_dir, 0700), ==, 0);
  copy_to ("alice.crt", pki);
  copy_to ("alice.key", pki);
  copy_to ("revoked.crt", pki);
  copy_to ("revoked.key", pki);
  copy_to ("expired.crt", pki);
  copy_to ("expired.key", pki);
  copy_to ("ca.crl", pki);

  g_assert_cmpint (g_mkdir_with_parents (nss, 0700), ==, 0);
  {
    const char *argv[] = { "certutil", "-N", "-d", spec, "--empty-password", NULL };

    xgb_test_run_tool (argv);
  }
  {
    const char *argv[] = { "pk12util", "-i", p12, "-d", spec, "-w", pass, "-K", "", NULL };

    xgb_test_run_tool (argv);
  }
}

static char *
admin_passphrase (void)
{
  g_autofree char *path = cert_path ("admin.p12.pass");
  g_autoptr(GError) error = NULL;
  char *pass = xgb_password_read_file (path, &error);

  g_assert_no_error (error);
  return pass;
}

static guint
external_logins (void)
{
  g_autofree char *log = NULL;
  guint n = 0;

  if (!g_file_get_contents (xgb_test_env ("XGB_TEST_SERVER_LOG"), &log, NULL, NULL))
    return 0;
  for (const char *p = log; (p = strstr (p, "Accepted c2s EXTERNAL authentication for admin@")) != NULL; p++)
    n++;
  return n;
}

/* ejabberd writes its log a moment after the login */
static gboolean
logins_grew (gpointer before)
{
  return external_logins () > GPOINTER_TO_UINT (before);
}

static gboolean
picker_idle (gpointer picker)
{
  return !xgb_cert_picker_get_busy (picker) && xgb_cert_picker_get_entries (picker) != NULL &&
         g_list_model_get_n_items (xgb_cert_picker_get_entries (picker)) > 0;
}

static XgbKeystoreEntry *
picker_entry (XgbCertPicker *picker,
              const char    *location_part)
{
  GListModel *entries = xgb_cert_picker_get_entries (picker);

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(XgbKeystoreEntry) entry = g_list_model_get_item (entries, i);

      if (strstr (xgb_keystore_entry_get_location (entry), location_part) != NULL)
        return entry;
    }
  g_error ("the picker lists nothing at %s", location_part);
  return NULL;
}

static gpointer
picker_child (XgbCertPicker *picker,
              const char    *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (picker), XGB_TYPE_CERT_PICKER, name);

  g_assert_nonnull (child);
  return child;
}

static gboolean
label_visible (gpointer label)
{
  return gtk_widget_get_visible (GTK_WIDGET (label)) && *gtk_label_get_text (GTK_LABEL (label)) != '\0';
}

static gboolean
not_busy (gpointer view)
{
  return !xgb_login_view_get_busy (view);
}

static gboolean
on_session_page (gpointer window)
{
  return g_strcmp0 (xgb_window_get_visible_page (window), "session") == 0;
}

/* Lets the window finish redrawing after it turned sensitive again. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 200 * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
press (GtkWidget *button)
{
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Connect in the login view; waits for the check and returns the error
 * label that shows, or NULL when the login went ahead. */
static void
connect_expecting (XgbWindow  *window,
                   const char *error_label,
                   const char *message_part)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GtkLabel *label = GTK_LABEL (xgb_ui_login_child (window, error_label));

  press (xgb_ui_login_child (window, "connect_button"));
  xgb_ui_wait (not_busy, view, 30);
  xgb_ui_wait (label_visible, label, 5);
  if (strstr (gtk_label_get_text (label), message_part) == NULL)
    g_error ("%s says “%s”, not “%s”", error_label, gtk_label_get_text (label), message_part);
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
}

/* The picker: what it lists, unlocking, choosing */
static void
use_picker (XgbWindow *window)
{
  g_autofree char *pass = admin_passphrase ();
  XgbCertPicker *picker;
  XgbKeystoreEntry *admin, *alice, *revoked, *expired, *nss, *token;

  press (xgb_ui_login_child (window, "cert_button"));
  picker = xgb_ui_wait_toplevel (XGB_TYPE_CERT_PICKER);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (picker)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (picker)) == GTK_WINDOW (window));
  xgb_ui_wait (picker_idle, picker, 30);

  /* Import… (after the file chooser): copied into the keystore, listed,
   * selected */
  {
    g_autofree char *alice_p12 = cert_path ("alice.p12");
    g_autofree char *copy = g_build_filename (keystore_dir, "alice.p12", NULL);
    XgbBanner *banner = picker_child (picker, "banner");
    g_autoptr(XgbKeystoreEntry) selected = NULL;

    xgb_cert_picker_import_file (picker, alice_p12);
    xgb_ui_wait (xgb_ui_banner_revealed, banner, 10);
    xgb_ui_wait (picker_idle, picker, 30);
    g_assert_cmpstr (xgb_banner_get_message (banner), ==, "Imported “alice.p12” into the app’s keystore.");
    g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));
    selected = xgb_cert_picker_get_selected (picker);
    g_assert_cmpstr (xgb_keystore_entry_get_cert_file (selected), ==, copy);
    g_assert_true (xgb_keystore_entry_get_locked (selected));
  }

  /* the app keystore first, locked; ~/.pki; the NSS database; tokens */
  admin = picker_entry (picker, "keystore/admin.p12");
  g_assert_cmpint (xgb_keystore_entry_get_source (admin), ==, XGB_KEYSTORE_SOURCE_APP);
  g_assert_true (xgb_keystore_entry_get_locked (admin));
  alice = picker_entry (picker, "/.pki/alice.crt");
  g_assert_cmpstr (xgb_keystore_entry_get_title (alice), ==, "alice@xgb.test");
  revoked = picker_entry (picker, "/.pki/revoked.crt");
  g_assert_cmpint (xgb_client_cert_get_revocation (xgb_keystore_entry_get_cert (revoked)), ==, XGB_REVOCATION_REVOKED);
  expired = picker_entry (picker, "/.pki/expired.crt");
  g_assert_true (xgb_client_cert_is_expired (xgb_keystore_entry_get_cert (expired)));
  nss = picker_entry (picker, "NSS database");
  g_assert_cmpstr (xgb_keystore_entry_get_title (nss), ==, "alice@xgb.test");
  token = picker_entry (picker, "p11-kit-trust");
  g_assert_cmpint (xgb_keystore_entry_get_source (token), ==, XGB_KEYSTORE_SOURCE_PKCS11);

  /* what the rows show */
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (picker), "Revoked"));
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (picker), "Expired"));
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (picker), "Locked"));
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (picker), "alice@xgb.test"));
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (picker),
                                          xgb_client_cert_get_sha256 (xgb_keystore_entry_get_cert (alice))));

  /* NSS and tokens cannot log in: Choose stays off, the reason shows */
  xgb_cert_picker_select (picker, nss);
  g_assert_false (gtk_widget_get_sensitive (picker_child (picker, "choose_button")));
  g_assert_true (gtk_revealer_get_reveal_child (picker_child (picker, "export_revealer")));
  settle ();
  {
    /* the NSS entry and the token are last */
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (picker_child (picker, "scroller"));

    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    settle ();
  }
  xgb_ui_save_screenshot (GTK_WIDGET (picker), "cert-picker-nss.png");
  g_assert_nonnull (strstr (xgb_keystore_entry_get_note (nss), "export it"));
  xgb_cert_picker_select (picker, token);
  g_assert_false (gtk_widget_get_sensitive (picker_child (picker, "choose_button")));

  /* unlocking admin.p12: a wrong passphrase first */
  xgb_cert_picker_select (picker, admin);
  g_assert_true (gtk_revealer_get_reveal_child (picker_child (picker, "unlock_revealer")));
  gtk_editable_set_text (picker_child (picker, "unlock_entry"), "not the passphrase");
  press (picker_child (picker, "unlock_button"));
  xgb_ui_wait (label_visible, picker_child (picker, "unlock_error"), 10);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (picker_child (picker, "unlock_error")), "Wrong passphrase"));
  g_assert_true (xgb_keystore_entry_get_locked (admin));

  gtk_editable_set_text (picker_child (picker, "unlock_entry"), pass);
  press (picker_child (picker, "unlock_button"));
  xgb_ui_wait (picker_idle, picker, 10);
  g_assert_false (xgb_keystore_entry_get_locked (admin));
  {
    g_autoptr(XgbKeystoreEntry) selected = xgb_cert_picker_get_selected (picker);

    g_assert_true (selected == admin);
  }
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (picker), "admin@xgb.test"));
  xgb_ui_save_screenshot (GTK_WIDGET (picker), "cert-picker.png");

  press (picker_child (picker, "choose_button"));
  g_assert_null (xgb_ui_find_toplevel (XGB_TYPE_CERT_PICKER));
  xgb_secret_free (g_steal_pointer (&pass));
}

static void
check_cert_login (XgbWindow *window,
                  gpointer   data)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GtkEditable *jid = GTK_EDITABLE (xgb_ui_login_child (window, "jid_entry"));
  GtkEditable *passphrase = GTK_EDITABLE (xgb_ui_login_child (window, "passphrase_entry"));
  g_autofree char *pass = admin_passphrase ();
  guint before = external_logins ();

  g_assert_false (xgb_login_view_get_cert_mode (view));
  press (xgb_ui_login_child (window, "cert_mode"));
  g_assert_true (xgb_login_view_get_cert_mode (view));
  g_assert_true (gtk_widget_get_mapped (xgb_ui_login_child (window, "cert_button")));
  g_assert_false (gtk_widget_get_mapped (xgb_ui_login_child (window, "password_entry")));

  /* no certificate yet: said under the button, and no JID needed */
  press (xgb_ui_login_child (window, "connect_button"));
  g_assert_true (label_visible (xgb_ui_login_child (window, "cert_error")));
  g_assert_false (label_visible (xgb_ui_login_child (window, "jid_error")));

  use_picker (window);

  /* the login view shows it; the JID comes from the certificate */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (xgb_ui_login_child (window, "cert_title"))), ==, "admin@xgb.test");
  g_assert_cmpstr (gtk_editable_get_text (jid), ==, "admin@xgb.test");
  g_assert_cmpstr (gtk_editable_get_text (passphrase), ==, pass);
  g_assert_false (label_visible (xgb_ui_login_child (window, "cert_error")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (xgb_ui_login_child (window, "cert_details"))),
                            "XGB Test CA"));
  gtk_expander_set_expanded (GTK_EXPANDER (xgb_ui_login_child (window, "server_expander")), TRUE);
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-certificate.png");
  gtk_expander_set_expanded (GTK_EXPANDER (xgb_ui_login_child (window, "server_expander")), FALSE);

  /* the app's checks, inline: the passphrase, then the JID */
  gtk_editable_set_text (passphrase, "not the passphrase");
  connect_expecting (window, "passphrase_error", "Wrong passphrase");
  settle ();
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-certificate-wrong-passphrase.png");
  gtk_editable_set_text (passphrase, pass);
  gtk_editable_set_text (jid, xgb_test_env ("XGB_TEST_ALICE_JID"));
  connect_expecting (window, "jid_error", "is for admin@xgb.test, not for alice@xgb.test");
  g_assert_cmpuint (external_logins (), ==, before);

  /* an empty JID is taken from the certificate; EXTERNAL logs in */
  gtk_editable_set_text (jid, "");
  press (xgb_ui_login_child (window, "connect_button"));
  xgb_ui_wait (on_session_page, window, 60);
  g_assert_cmpstr (gtk_editable_get_text (jid), ==, "admin@xgb.test");
  xgb_ui_wait (logins_grew, GUINT_TO_POINTER (before), 10);
  xgb_secret_free (g_steal_pointer (&pass));
}

static void
test_cert_login (void)
{
  const char *args[] = {
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_CERT_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"), NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check_cert_login, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --cert and --passphrase-file fill certificate mode; --connect logs in */
static void
check_command_line (XgbWindow *window,
                    gpointer   data)
{
  xgb_ui_wait (on_session_page, window, 60);
  g_assert_true (xgb_login_view_get_cert_mode (xgb_window_get_login_view (window)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (xgb_ui_login_child (window, "jid_entry"))), ==,
                   "admin@xgb.test");
}

static void
test_command_line (void)
{
  g_autofree char *p12 = cert_path ("admin.p12");
  g_autofree char *pass = cert_path ("admin.p12.pass");
  const char *args[] = {
    "--cert", p12, "--passphrase-file", pass,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_CERT_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
    "--connect", NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check_command_line, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;
  g_autofree char *home = NULL;
  g_autofree char *data = NULL;

  /* before GLib reads them: HOME and the keystore live in a temp dir */
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-cert-XXXXXX");
  home = g_build_filename (tmpdir, "home", NULL);
  data = g_build_filename (home, ".local", "share", NULL);
  keystore_dir = g_build_filename (data, "xgb-broker", "keystore", NULL);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  make_home (home);

  g_test_add_func ("/ui/cert/pick-and-login", test_cert_login);
  g_test_add_func ("/ui/cert/command-line", test_command_line);

  ret = g_test_run ();

  {
    const char *rm[] = { "rm", "-rf", tmpdir, NULL };

    xgb_test_run_tool (rm);
  }
  g_free (tmpdir);
  g_free (keystore_dir);

  return ret;
}
