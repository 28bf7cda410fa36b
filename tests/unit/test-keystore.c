/* test-keystore.c - listing the certificates of a temporary HOME: files
 * under ~/.pki, an NSS database made with certutil/pk12util, PKCS#11
 * tokens; importing into the keystore folder; unlocking; exporting
 * from NSS.  certutil and pk12util are required (build-aux/deps.sh
 * installs libnss3-tools): without them this test fails.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "xgb-cert.h"
#include "xgb-keystore.h"
#include "xgb-login-params.h"
#include "xgb-test-util.h"

static char *tmpdir;
static char *certs;
static char *home;
static char *keystore_dir;

static char *
cert_path (const char *name)
{
  return g_build_filename (certs, name, NULL);
}

static void
copy_to (const char *name,
         const char *target_dir,
         const char *target_name)
{
  g_autofree char *from = cert_path (name);
  g_autofree char *to = g_build_filename (target_dir, target_name ? target_name : name, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_cmpint (g_mkdir_with_parents (target_dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

static char *
read_pass (const char *name)
{
  g_autofree char *path = cert_path (name);
  g_autoptr(GError) error = NULL;
  char *pass = xgb_password_read_file (path, &error);

  g_assert_no_error (error);
  return pass;
}

static GListModel *
scan (XgbKeystore *keystore)
{
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  XgbGapMeter *meter = xgb_gap_meter_start ();
  GListModel *entries;
  double gap;

  xgb_keystore_scan_async (keystore, NULL, xgb_test_result_cb, &r);
  entries = xgb_keystore_scan_finish (keystore, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  gap = xgb_gap_meter_stop (meter);
  g_assert_no_error (error);
  g_assert_nonnull (entries);
  /* files and tools are read on a worker thread */
  g_assert_cmpfloat (gap, <, 250.0);
  return entries;
}

static XgbKeystoreEntry *
find_entry (GListModel *entries,
            const char *location_part)
{
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(XgbKeystoreEntry) entry = g_list_model_get_item (entries, i);

      if (strstr (xgb_keystore_entry_get_location (entry), location_part) != NULL)
        return entry;
    }
  return NULL;
}

static guint
count_source (GListModel        *entries,
              XgbKeystoreSource  source)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(XgbKeystoreEntry) entry = g_list_model_get_item (entries, i);

      n += xgb_keystore_entry_get_source (entry) == source;
    }
  return n;
}

static char *
fingerprint_of (const char *name)
{
  g_autofree char *path = cert_path (name);
  g_autoptr(XgbClientCert) cert = xgb_client_cert_load_public (path, NULL);

  g_assert_nonnull (cert);
  return g_strdup (xgb_client_cert_get_sha256 (cert));
}

/* ~/.pki with PKCS#12 and PEM files, a CA, a CRL and a key-less
 * certificate; the NSS database with admin's certificate and key. */
static void
make_home (void)
{
  g_autofree char *pki = g_build_filename (home, ".pki", NULL);
  g_autofree char *sub = g_build_filename (pki, "work", "xmpp", NULL);
  g_autofree char *nss = g_build_filename (pki, "nssdb", NULL);
  g_autofree char *nss_spec = g_strconcat ("sql:", nss, NULL);
  g_autofree char *p12 = cert_path ("admin.p12");
  g_autofree char *pass = cert_path ("admin.p12.pass");

  copy_to ("admin.p12", pki, NULL);
  copy_to ("ca.crt", pki, NULL);
  copy_to ("ca.crl", pki, NULL);
  copy_to ("expired.crt", pki, "lonely.crt");
  copy_to ("alice.crt", sub, NULL);
  copy_to ("alice.key", sub, NULL);
  copy_to ("revoked.crt", sub, NULL);
  copy_to ("revoked.key", sub, NULL);
  copy_to ("crldp.crt", sub, NULL);
  copy_to ("crldp.key", sub, NULL);

  g_assert_cmpint (g_mkdir_with_parents (nss, 0700), ==, 0);
  {
    const char *argv[] = { "certutil", "-N", "-d", nss_spec, "--empty-password", NULL };

    xgb_test_run_tool (argv);
  }
  {
    const char *argv[] = { "pk12util", "-i", p12, "-d", nss_spec, "-w", pass, "-K", "", NULL };

    xgb_test_run_tool (argv);
  }
}

static void
test_files (void)
{
  g_autoptr(XgbKeystore) keystore = xgb_keystore_new_for_home (home, keystore_dir);
  g_autoptr(GListModel) entries = NULL;
  g_autofree char *ca = cert_path ("ca.crt");
  g_autofree char *admin_sha = fingerprint_of ("admin.crt");
  g_autofree char *alice_sha = fingerprint_of ("alice.crt");
  XgbKeystoreEntry *p12, *alice, *revoked, *good;

  xgb_keystore_set_ca_file (keystore, ca);
  entries = scan (keystore);

  /* admin.p12 is locked: described once unlocked */
  p12 = find_entry (entries, "/.pki/admin.p12");
  g_assert_nonnull (p12);
  g_assert_cmpint (xgb_keystore_entry_get_source (p12), ==, XGB_KEYSTORE_SOURCE_PKI);
  g_assert_true (xgb_keystore_entry_get_locked (p12));
  g_assert_true (xgb_keystore_entry_get_can_log_in (p12));
  g_assert_null (xgb_keystore_entry_get_cert (p12));
  g_assert_cmpstr (xgb_keystore_entry_get_title (p12), ==, "admin.p12");

  /* PEM with the key next to it, in a sub-folder */
  alice = find_entry (entries, "/work/xmpp/alice.crt");
  g_assert_nonnull (alice);
  g_assert_false (xgb_keystore_entry_get_locked (alice));
  g_assert_true (xgb_keystore_entry_get_can_log_in (alice));
  g_assert_cmpstr (xgb_keystore_entry_get_title (alice), ==, "alice@xgb.test");
  g_assert_true (g_str_has_suffix (xgb_keystore_entry_get_key_file (alice), "/work/xmpp/alice.key"));
  g_assert_cmpstr (xgb_client_cert_get_sha256 (xgb_keystore_entry_get_cert (alice)), ==, alice_sha);

  /* the CRL under ~/.pki counts for every certificate */
  revoked = find_entry (entries, "/work/xmpp/revoked.crt");
  g_assert_nonnull (revoked);
  g_assert_cmpint (xgb_client_cert_get_revocation (xgb_keystore_entry_get_cert (revoked)), ==,
                   XGB_REVOCATION_REVOKED);
  good = find_entry (entries, "/work/xmpp/crldp.crt");
  g_assert_cmpint (xgb_client_cert_get_revocation (xgb_keystore_entry_get_cert (good)), ==,
                   XGB_REVOCATION_GOOD);

  /* a CA certificate and a certificate without key are not listed */
  g_assert_null (find_entry (entries, "/.pki/ca.crt"));
  g_assert_null (find_entry (entries, "lonely.crt"));
  g_assert_cmpuint (count_source (entries, XGB_KEYSTORE_SOURCE_PKI), ==, 4);
  g_assert_cmpuint (count_source (entries, XGB_KEYSTORE_SOURCE_APP), ==, 0);

  /* unlocking: a wrong passphrase says so and leaves it locked */
  {
    g_autofree char *pass = read_pass ("admin.p12.pass");
    XgbTestResult r = { 0 };
    g_autoptr(GError) error = NULL;

    xgb_keystore_entry_unlock_async (p12, keystore, "wrong", NULL, xgb_test_result_cb, &r);
    g_assert_false (xgb_keystore_entry_unlock_finish (p12, xgb_test_result_wait (&r), &error));
    xgb_test_result_clear (&r);
    g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE);
    g_assert_true (xgb_keystore_entry_get_locked (p12));
    g_clear_error (&error);

    xgb_keystore_entry_unlock_async (p12, keystore, pass, NULL, xgb_test_result_cb, &r);
    g_assert_true (xgb_keystore_entry_unlock_finish (p12, xgb_test_result_wait (&r), &error));
    xgb_test_result_clear (&r);
    g_assert_no_error (error);
    g_assert_false (xgb_keystore_entry_get_locked (p12));
    g_assert_cmpstr (xgb_keystore_entry_get_title (p12), ==, "admin@xgb.test");
    g_assert_cmpstr (xgb_client_cert_get_sha256 (xgb_keystore_entry_get_cert (p12)), ==, admin_sha);
    xgb_secret_free (g_steal_pointer (&pass));
  }
}

static void
test_nss (void)
{
  g_autoptr(XgbKeystore) keystore = xgb_keystore_new_for_home (home, keystore_dir);
  g_autoptr(GListModel) entries = NULL;
  g_autofree char *admin_sha = fingerprint_of ("admin.crt");
  XgbKeystoreEntry *entry;
  XgbClientCert *cert;

  /* build-aux/deps.sh installs them: no skipping */
  {
    g_autofree char *certutil = g_find_program_in_path ("certutil");
    g_autofree char *pk12util = g_find_program_in_path ("pk12util");

    g_assert_nonnull (certutil);
    g_assert_nonnull (pk12util);
  }

  entries = scan (keystore);
  g_assert_cmpuint (count_source (entries, XGB_KEYSTORE_SOURCE_NSS), ==, 1);
  entry = find_entry (entries, "nickname “admin@xgb.test”");
  g_assert_nonnull (entry);
  g_assert_cmpint (xgb_keystore_entry_get_source (entry), ==, XGB_KEYSTORE_SOURCE_NSS);
  g_assert_cmpstr (xgb_keystore_entry_get_nickname (entry), ==, "admin@xgb.test");
  g_assert_false (xgb_keystore_entry_get_can_log_in (entry));
  g_assert_nonnull (strstr (xgb_keystore_entry_get_note (entry), "export it"));
  cert = xgb_keystore_entry_get_cert (entry);
  g_assert_nonnull (cert);
  g_assert_cmpstr (xgb_client_cert_get_sha256 (cert), ==, admin_sha);
  g_assert_cmpstr (xgb_client_cert_get_xmpp_addrs (cert)[0], ==, "admin@xgb.test");
  g_assert_nonnull (strstr (xgb_client_cert_get_issuer (cert), "XGB Test CA"));

  /* Export: a PKCS#12 file in the keystore that logs in */
  {
    XgbTestResult r = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *exported = NULL;
    g_autoptr(XgbClientCert) loaded = NULL;
    GStatBuf st;

    xgb_keystore_export_nss_async (keystore, entry, "new passphrase", NULL, NULL, xgb_test_result_cb, &r);
    exported = xgb_keystore_export_nss_finish (keystore, xgb_test_result_wait (&r), &error);
    xgb_test_result_clear (&r);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (exported, keystore_dir));
    g_assert_cmpint (g_stat (exported, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    loaded = xgb_client_cert_load (exported, NULL, "new passphrase", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (xgb_client_cert_get_sha256 (loaded), ==, admin_sha);
    g_assert_true (xgb_client_cert_has_key (loaded));
    g_assert_cmpint (g_unlink (exported), ==, 0);

    /* the exported file needs a passphrase of its own */
    xgb_keystore_export_nss_async (keystore, entry, "", NULL, NULL, xgb_test_result_cb, &r);
    g_assert_null (xgb_keystore_export_nss_finish (keystore, xgb_test_result_wait (&r), &error));
    xgb_test_result_clear (&r);
    g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE);
  }
}

static void
test_import (void)
{
  g_autoptr(XgbKeystore) keystore = xgb_keystore_new_for_home (home, keystore_dir);
  g_autoptr(GListModel) entries = NULL;
  g_autofree char *crt = cert_path ("admin.crt");
  g_autofree char *p12 = cert_path ("alice.p12");
  g_autofree char *ca = cert_path ("ca.crt");
  g_autofree char *crl = cert_path ("ca.crl");
  g_autofree char *key = cert_path ("admin.key");
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *imported_p12 = NULL;
  g_autofree char *imported_crl = NULL;
  g_autofree char *key_copy = NULL;
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  xgb_keystore_import_async (keystore, crt, NULL, xgb_test_result_cb, &r);
  first = xgb_keystore_import_finish (keystore, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  {
    g_autofree char *dir = g_path_get_dirname (first);

    g_assert_cmpstr (dir, ==, keystore_dir);
  }

  /* folder 0700, files 0600, the key went along */
  g_assert_cmpint (g_stat (keystore_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (first, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  key_copy = g_build_filename (keystore_dir, "admin.key", NULL);
  g_assert_cmpint (g_stat (key_copy, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* the same file again: no second copy */
  xgb_keystore_import_async (keystore, crt, NULL, xgb_test_result_cb, &r);
  again = xgb_keystore_import_finish (keystore, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, first);

  xgb_keystore_import_async (keystore, p12, NULL, xgb_test_result_cb, &r);
  imported_p12 = xgb_keystore_import_finish (keystore, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);

  xgb_keystore_import_async (keystore, crl, NULL, xgb_test_result_cb, &r);
  imported_crl = xgb_keystore_import_finish (keystore, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  {
    g_auto(GStrv) crls = xgb_keystore_list_crl_files (keystore_dir);

    g_assert_cmpuint (g_strv_length (crls), ==, 1);
    g_assert_cmpstr (crls[0], ==, imported_crl);
  }

  /* what is no login certificate is refused */
  xgb_keystore_import_async (keystore, ca, NULL, xgb_test_result_cb, &r);
  g_assert_null (xgb_keystore_import_finish (keystore, xgb_test_result_wait (&r), &error));
  xgb_test_result_clear (&r);
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "certificate authority"));
  g_clear_error (&error);
  xgb_keystore_import_async (keystore, key, NULL, xgb_test_result_cb, &r);
  g_assert_null (xgb_keystore_import_finish (keystore, xgb_test_result_wait (&r), &error));
  xgb_test_result_clear (&r);
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE);
  g_clear_error (&error);

  /* listed from the keystore folder, first */
  entries = scan (keystore);
  g_assert_cmpuint (count_source (entries, XGB_KEYSTORE_SOURCE_APP), ==, 2);
  {
    g_autoptr(XgbKeystoreEntry) top = g_list_model_get_item (entries, 0);

    g_assert_cmpint (xgb_keystore_entry_get_source (top), ==, XGB_KEYSTORE_SOURCE_APP);
  }
  g_assert_nonnull (find_entry (entries, first));
  g_assert_true (xgb_keystore_entry_get_locked (find_entry (entries, imported_p12)));
  g_assert_cmpint (g_unlink (first), ==, 0);
  g_assert_cmpint (g_unlink (key_copy), ==, 0);
  g_assert_cmpint (g_unlink (imported_p12), ==, 0);
  g_assert_cmpint (g_unlink (imported_crl), ==, 0);
}

/* A file given on the command line is listed without being copied. */
static void
test_added (void)
{
  g_autoptr(XgbKeystore) keystore = xgb_keystore_new_for_home (home, keystore_dir);
  g_autoptr(GListModel) entries = NULL;
  g_autofree char *expired = cert_path ("expired.crt");
  XgbKeystoreEntry *entry;

  xgb_keystore_add_file (keystore, expired, NULL);
  entries = scan (keystore);
  entry = find_entry (entries, expired);
  g_assert_nonnull (entry);
  g_assert_cmpint (xgb_keystore_entry_get_source (entry), ==, XGB_KEYSTORE_SOURCE_ADDED);
  g_assert_true (xgb_client_cert_is_expired (xgb_keystore_entry_get_cert (entry)));
  g_assert_cmpuint (count_source (entries, XGB_KEYSTORE_SOURCE_APP), ==, 0);
}

/* Tokens are listed, with why they cannot log in: the system's p11-kit
 * and a stand-in p11-kit that reports a smart card. */
static void
test_pkcs11 (void)
{
  g_autoptr(XgbKeystore) keystore = xgb_keystore_new_for_home (home, keystore_dir);
  g_autofree char *bin = g_build_filename (tmpdir, "bin", NULL);
  g_autofree char *fake = g_build_filename (bin, "p11-kit", NULL);
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *new_path = g_strconcat (bin, ":", old_path, NULL);
  const char *script =
    "#!/bin/sh\n"
    "[ \"$1\" = list-modules ] || exit 2\n"
    "cat <<'EOF'\n"
    "opensc: opensc-pkcs11.so\n"
    "    library-description: OpenSC smartcard framework\n"
    "    library-version: 0.23\n"
    "    token: Admin Smart Card\n"
    "        manufacturer: piv_II\n"
    "        model: PKCS#15 emulated\n"
    "        serial-number: 00000000\n"
    "        flags:\n"
    "               login-required\n"
    "EOF\n";

  {
    g_autofree char *p11kit = g_find_program_in_path ("p11-kit");

    g_assert_nonnull (p11kit);
  }
  {
    g_autoptr(GListModel) entries = scan (keystore);
    XgbKeystoreEntry *trust = find_entry (entries, "p11-kit-trust");

    g_assert_nonnull (trust);
    g_assert_cmpint (xgb_keystore_entry_get_source (trust), ==, XGB_KEYSTORE_SOURCE_PKCS11);
    g_assert_false (xgb_keystore_entry_get_can_log_in (trust));
    g_assert_nonnull (strstr (xgb_keystore_entry_get_note (trust), "certificate authorities"));
  }

  g_assert_cmpint (g_mkdir_with_parents (bin, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fake, script, -1, NULL));
  g_assert_cmpint (g_chmod (fake, 0755), ==, 0);
  g_setenv ("PATH", new_path, TRUE);
  {
    g_autoptr(GListModel) entries = scan (keystore);
    XgbKeystoreEntry *card = find_entry (entries, "opensc-pkcs11.so");

    g_assert_nonnull (card);
    g_assert_cmpstr (xgb_keystore_entry_get_title (card), ==, "Admin Smart Card");
    g_assert_false (xgb_keystore_entry_get_can_log_in (card));
    g_assert_null (xgb_keystore_entry_get_cert (card));
    g_assert_nonnull (strstr (xgb_keystore_entry_get_note (card), "files only"));
    g_assert_cmpuint (count_source (entries, XGB_KEYSTORE_SOURCE_PKCS11), ==, 1);
  }
  g_setenv ("PATH", old_path, TRUE);
}

static void
make_certs (void)
{
  g_autofree char *script = g_build_filename (xgb_test_env ("XGB_SOURCE_DIR"), "tests", "servers", "certs.sh", NULL);
  const char *argv[] = { "bash", script, tmpdir, "xgb.test", NULL };

  xgb_test_run_tool (argv);
  certs = g_build_filename (tmpdir, "certs", NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-test-keystore-XXXXXX");
  home = g_build_filename (tmpdir, "home", NULL);
  keystore_dir = g_build_filename (home, ".local", "share", "xgb-broker", "keystore", NULL);
  make_certs ();
  make_home ();

  g_test_add_func ("/keystore/files", test_files);
  g_test_add_func ("/keystore/nss", test_nss);
  g_test_add_func ("/keystore/import", test_import);
  g_test_add_func ("/keystore/added", test_added);
  g_test_add_func ("/keystore/pkcs11", test_pkcs11);

  ret = g_test_run ();

  {
    const char *rm[] = { "rm", "-rf", tmpdir, NULL };

    xgb_test_run_tool (rm);
  }
  g_free (tmpdir);

  return ret;
}
