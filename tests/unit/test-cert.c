/* test-cert.c - client certificates: loading, describing, the checks
 * before a login (certificates made at test time by tests/servers/certs.sh)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xgb-cert.h"
#include "xgb-error.h"
#include "xgb-keystore.h"
#include "xgb-login-params.h"
#include "xgb-test-util.h"

static char *tmpdir;
static char *certs;

static char *
cert_path (const char *name)
{
  return g_build_filename (certs, name, NULL);
}

static char *
passphrase (const char *name)
{
  g_autofree char *path = cert_path (name);
  g_autoptr(GError) error = NULL;
  char *pass = xgb_password_read_file (path, &error);

  g_assert_no_error (error);
  return pass;
}

/* What openssl itself says the SHA-256 fingerprint is. */
static char *
openssl_fingerprint (const char *name)
{
  g_autofree char *path = cert_path (name);
  const char *argv[] = { "openssl", "x509", "-in", path, "-noout", "-fingerprint", "-sha256", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;
  const char *eq;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  eq = strchr (out, '=');
  g_assert_nonnull (eq);
  return g_strstrip (g_strdup (eq + 1));
}

static XgbClientCert *
load_ok (const char *cert,
         const char *key,
         const char *pass)
{
  g_autofree char *cert_file = cert_path (cert);
  g_autofree char *key_file = key ? cert_path (key) : NULL;
  g_autoptr(GError) error = NULL;
  XgbClientCert *result = xgb_client_cert_load (cert_file, key_file, pass, &error);

  g_assert_no_error (error);
  g_assert_true (XGB_IS_CLIENT_CERT (result));
  return result;
}

static void
load_fails (const char   *cert,
            const char   *key,
            const char   *pass,
            XgbCertError  code,
            const char   *message_part)
{
  g_autofree char *cert_file = cert_path (cert);
  g_autofree char *key_file = key ? cert_path (key) : NULL;
  g_autoptr(GError) error = NULL;
  XgbClientCert *result = xgb_client_cert_load (cert_file, key_file, pass, &error);

  g_assert_null (result);
  g_assert_error (error, XGB_CERT_ERROR, (int) code);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, message_part);
}

static void
test_pem (void)
{
  g_autoptr(XgbClientCert) cert = load_ok ("admin.crt", "admin.key", NULL);
  g_autoptr(XgbClientCert) found = load_ok ("admin.crt", NULL, NULL);
  g_autofree char *fingerprint = openssl_fingerprint ("admin.crt");
  g_autofree char *key = cert_path ("admin.key");
  g_autofree char *cn = xgb_client_cert_get_common_name (cert);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char * const *addrs = xgb_client_cert_get_xmpp_addrs (cert);

  g_assert_cmpstr (xgb_client_cert_get_sha256 (cert), ==, fingerprint);
  g_assert_cmpstr (cn, ==, "admin@xgb.test");
  g_assert_nonnull (strstr (xgb_client_cert_get_subject (cert), "CN=admin@xgb.test"));
  g_assert_nonnull (strstr (xgb_client_cert_get_issuer (cert), "CN=XGB Test CA "));
  g_assert_cmpuint (g_strv_length ((GStrv) addrs), ==, 1);
  g_assert_cmpstr (addrs[0], ==, "admin@xgb.test");
  g_assert_cmpint (xgb_client_cert_get_not_before (cert), <=, now);
  g_assert_cmpint (xgb_client_cert_get_not_after (cert), >, now + 29 * 24 * 3600);
  g_assert_false (xgb_client_cert_is_expired (cert));
  g_assert_false (xgb_client_cert_is_not_yet_valid (cert));
  g_assert_false (xgb_client_cert_is_ca (cert));
  g_assert_true (xgb_client_cert_has_key (cert));
  g_assert_cmpint (xgb_client_cert_get_format (cert), ==, XGB_CERT_FORMAT_PEM);
  g_assert_cmpstr (xgb_client_cert_get_key_file (cert), ==, key);

  /* NAME.key next to NAME.crt is found */
  g_assert_cmpstr (xgb_client_cert_get_key_file (found), ==, key);
  g_assert_cmpstr (xgb_client_cert_get_sha256 (found), ==, fingerprint);
}

static void
test_pkcs12 (void)
{
  g_autofree char *pass = passphrase ("admin.p12.pass");
  g_autoptr(XgbClientCert) cert = load_ok ("admin.p12", NULL, pass);
  g_autofree char *fingerprint = openssl_fingerprint ("admin.crt");
  g_autofree char *p12 = cert_path ("admin.p12");
  g_autofree char *crt = cert_path ("admin.crt");

  g_assert_cmpint (xgb_client_cert_get_format (cert), ==, XGB_CERT_FORMAT_PKCS12);
  g_assert_cmpstr (xgb_client_cert_get_sha256 (cert), ==, fingerprint);
  g_assert_cmpstr (xgb_client_cert_get_xmpp_addrs (cert)[0], ==, "admin@xgb.test");
  g_assert_true (xgb_client_cert_has_key (cert));
  /* libstrophe gets a PKCS#12 file as certificate with no key */
  g_assert_null (xgb_client_cert_get_key_file (cert));
  g_assert_true (xgb_cert_file_is_pkcs12 (p12));
  g_assert_false (xgb_cert_file_is_pkcs12 (crt));
  xgb_secret_free (g_steal_pointer (&pass));
}

/* A missing passphrase, a wrong one and a file that is no certificate
 * are three different errors. */
static void
test_passphrase (void)
{
  g_autofree char *pass = passphrase ("admin.p12.pass");
  g_autoptr(XgbClientCert) pem = load_ok ("admin.crt", "admin-enc.key", pass);
  g_autofree char *p12 = cert_path ("admin.p12");
  g_autoptr(GError) error = NULL;

  load_fails ("admin.p12", NULL, NULL, XGB_CERT_ERROR_NEEDS_PASSPHRASE, "protected by a passphrase");
  load_fails ("admin.p12", NULL, "wrong", XGB_CERT_ERROR_WRONG_PASSPHRASE, "Wrong passphrase");
  load_fails ("admin.p12", NULL, "", XGB_CERT_ERROR_WRONG_PASSPHRASE, "Wrong passphrase");
  load_fails ("alice.p12", NULL, pass, XGB_CERT_ERROR_WRONG_PASSPHRASE, "Wrong passphrase");
  load_fails ("admin.crt", "admin-enc.key", NULL, XGB_CERT_ERROR_NEEDS_PASSPHRASE, "protected by a passphrase");
  load_fails ("admin.crt", "admin-enc.key", "wrong", XGB_CERT_ERROR_WRONG_PASSPHRASE, "Wrong passphrase");
  g_assert_true (xgb_client_cert_has_key (pem));

  /* Describing a locked PKCS#12 file needs the passphrase too */
  g_assert_null (xgb_client_cert_load_public (p12, &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE);
  xgb_secret_free (g_steal_pointer (&pass));
}

static void
test_not_a_certificate (void)
{
  g_autofree char *text = g_build_filename (tmpdir, "notes.pem", NULL);
  g_autofree char *binary = g_build_filename (tmpdir, "random.p12", NULL);
  g_autofree char *lonely = g_build_filename (tmpdir, "lonely.crt", NULL);
  g_autofree char *admin_crt = cert_path ("admin.crt");
  g_autofree char *contents = NULL;
  guint8 noise[512];

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_random_int ();
  g_assert_true (g_file_set_contents (text, "just some text\n", -1, NULL));
  g_assert_true (g_file_set_contents (binary, (const char *) noise, sizeof noise, NULL));
  g_assert_true (g_file_get_contents (admin_crt, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (lonely, contents, -1, NULL));

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (xgb_client_cert_load (text, NULL, NULL, &error));
    g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE);
    g_assert_nonnull (strstr (error->message, "is not a certificate"));
  }
  {
    g_autoptr(GError) error = NULL;

    /* a wrong passphrase does not turn noise into a "wrong passphrase" */
    g_assert_null (xgb_client_cert_load (binary, NULL, "some passphrase", &error));
    g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (xgb_client_cert_load (lonely, NULL, NULL, &error));
    g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_KEY);
    g_assert_nonnull (strstr (error->message, "no private key"));
  }
  load_fails ("admin.key", NULL, NULL, XGB_CERT_ERROR_NOT_A_CERTIFICATE, "private key but no certificate");
  load_fails ("no-such-file.crt", NULL, NULL, XGB_CERT_ERROR_FILE, "Cannot read");
  load_fails ("admin.crt", "alice.key", NULL, XGB_CERT_ERROR_KEY_MISMATCH, "does not belong");
}

static void
test_combined_pem (void)
{
  g_autofree char *combined = g_build_filename (tmpdir, "combined.pem", NULL);
  g_autofree char *crt = cert_path ("admin.crt");
  g_autofree char *key = cert_path ("admin.key");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *both = NULL;
  g_autoptr(XgbClientCert) cert = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (crt, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (key, &b, NULL, NULL));
  both = g_strconcat (a, b, NULL);
  g_assert_true (g_file_set_contents (combined, both, -1, NULL));

  cert = xgb_client_cert_load (combined, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xgb_client_cert_get_key_file (cert), ==, combined);
  {
    g_autofree char *found = xgb_cert_file_find_key (combined);

    g_assert_cmpstr (found, ==, combined);
  }
}

static void
test_validity (void)
{
  g_autoptr(XgbClientCert) expired = load_ok ("expired.crt", NULL, NULL);
  g_autoptr(XgbClientCert) future = load_ok ("future.crt", NULL, NULL);
  g_autofree char *description = xgb_client_cert_describe (expired);
  g_autofree char *future_description = xgb_client_cert_describe (future);
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_client_cert_is_expired (expired));
  g_assert_false (xgb_client_cert_is_not_yet_valid (expired));
  g_assert_cmpint (xgb_client_cert_get_not_after (expired), ==, 1580515200);   /* 2020-02-01 */
  g_assert_nonnull (strstr (description, "Valid from 2020-01-01 00:00 UTC to 2020-02-01 00:00 UTC: EXPIRED"));
  g_assert_false (xgb_client_cert_check_for_login (expired, NULL, &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==, "The certificate expired on 2020-02-01 00:00 UTC.");
  g_clear_error (&error);

  g_assert_true (xgb_client_cert_is_not_yet_valid (future));
  g_assert_false (xgb_client_cert_is_expired (future));
  g_assert_nonnull (strstr (future_description, "NOT YET VALID"));
  g_assert_false (xgb_client_cert_check_for_login (future, NULL, &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_YET_VALID);
  g_assert_nonnull (strstr (error->message, "2099-01-01"));
}

/* xmppAddr against the JID; the JID from the certificate when empty */
static void
test_jid (void)
{
  g_autoptr(XgbClientCert) admin = load_ok ("admin.crt", NULL, NULL);
  g_autoptr(XgbClientCert) alice = load_ok ("alice.crt", NULL, NULL);
  g_autoptr(XgbClientCert) none = load_ok ("noxmppaddr.crt", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *from_cert = xgb_client_cert_jid_for_login (admin, NULL, &error);
  g_autofree char *from_empty = xgb_client_cert_jid_for_login (admin, "", &error);
  g_autofree char *typed = xgb_client_cert_jid_for_login (admin, "Admin@XGB.test/laptop", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (from_cert, ==, "admin@xgb.test");
  g_assert_cmpstr (from_empty, ==, "admin@xgb.test");
  g_assert_cmpstr (typed, ==, "Admin@xgb.test");
  g_assert_true (xgb_client_cert_check_for_login (admin, "admin@xgb.test", &error));
  g_assert_no_error (error);

  g_assert_false (xgb_client_cert_check_for_login (alice, "admin@xgb.test", &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_JID_MISMATCH);
  g_assert_cmpstr (error->message, ==, "The certificate is for alice@xgb.test, not for admin@xgb.test.");
  g_clear_error (&error);

  g_assert_false (xgb_client_cert_check_for_login (none, "admin@xgb.test", &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_XMPP_ADDR);
  g_assert_nonnull (strstr (error->message, "no XMPP address"));
  g_clear_error (&error);
  g_assert_null (xgb_client_cert_jid_for_login (none, NULL, &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_XMPP_ADDR);
}

static void
test_revocation (void)
{
  g_autofree char *ca = cert_path ("ca.crt");
  g_autofree char *crl = cert_path ("ca.crl");
  g_autofree char *crl_uri = g_filename_to_uri (crl, NULL, NULL);
  const char *crls[] = { crl, NULL };
  g_autoptr(XgbClientCert) revoked_dp = load_ok ("revoked-dp.crt", NULL, NULL);
  g_autoptr(XgbClientCert) revoked = load_ok ("revoked.crt", NULL, NULL);
  g_autoptr(XgbClientCert) good = load_ok ("crldp.crt", NULL, NULL);
  g_autoptr(XgbClientCert) other = load_ok ("admin-other-ca.crt", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  /* the distribution point is a file: URI */
  g_assert_cmpstr (xgb_client_cert_get_crl_urls (revoked_dp)[0], ==, crl_uri);
  g_assert_cmpint (xgb_client_cert_check_revocation (revoked_dp, NULL, ca), ==, XGB_REVOCATION_REVOKED);
  g_assert_nonnull (strstr (xgb_client_cert_get_revocation_detail (revoked_dp), crl));
  g_assert_false (xgb_client_cert_check_for_login (revoked_dp, NULL, &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_REVOKED);
  g_assert_nonnull (strstr (error->message, "revoked"));
  g_clear_error (&error);
  /* a listed certificate is revoked even when the CRL cannot be verified */
  g_assert_cmpint (xgb_client_cert_check_revocation (revoked_dp, NULL, NULL), ==, XGB_REVOCATION_REVOKED);

  /* no distribution point: unknown, until the CRL file is given */
  g_assert_null (xgb_client_cert_get_crl_urls (revoked)[0]);
  g_assert_cmpint (xgb_client_cert_check_revocation (revoked, NULL, ca), ==, XGB_REVOCATION_UNKNOWN);
  g_assert_nonnull (strstr (xgb_client_cert_get_revocation_detail (revoked), "names no CRL"));
  g_assert_true (xgb_client_cert_check_for_login (revoked, NULL, NULL));
  g_assert_cmpint (xgb_client_cert_check_revocation (revoked, crls, ca), ==, XGB_REVOCATION_REVOKED);
  g_assert_false (xgb_client_cert_check_for_login (revoked, NULL, NULL));

  /* not listed: good only when the CRL's signature checks out */
  g_assert_cmpint (xgb_client_cert_check_revocation (good, NULL, ca), ==, XGB_REVOCATION_GOOD);
  g_assert_nonnull (strstr (xgb_client_cert_get_revocation_detail (good), "Not revoked"));
  g_assert_cmpint (xgb_client_cert_check_revocation (good, NULL, NULL), ==, XGB_REVOCATION_UNKNOWN);
  g_assert_nonnull (strstr (xgb_client_cert_get_revocation_detail (good), "signature cannot be checked"));
  /* a CA that did not sign the CRL does not make it count */
  {
    g_autofree char *other_ca = cert_path ("other-ca.crt");

    g_assert_cmpint (xgb_client_cert_check_revocation (good, NULL, other_ca), ==, XGB_REVOCATION_UNKNOWN);
  }

  /* the OCSP responder is listed, never asked */
  g_assert_cmpstr (xgb_client_cert_get_ocsp_urls (good)[0], ==, "http://ocsp.xgb.test/");
  xgb_client_cert_check_revocation (good, NULL, ca);
  description = xgb_client_cert_describe (good);
  g_assert_nonnull (strstr (description, "OCSP responder: http://ocsp.xgb.test/ (not checked)"));
  g_assert_nonnull (strstr (description, "Revocation: not revoked"));
  g_assert_nonnull (strstr (description, "XMPP address: admin@xgb.test"));

  /* another issuer's CRL says nothing */
  g_assert_cmpint (xgb_client_cert_check_revocation (other, crls, ca), ==, XGB_REVOCATION_UNKNOWN);
  g_assert_nonnull (strstr (xgb_client_cert_get_revocation_detail (other), "No CRL at hand"));
}

/* Everything together, with the keystore folder's CRLs, as the
 * connection runs it before a certificate login. */
static void
test_preflight (void)
{
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(XgbClientCert) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *keystore = xgb_keystore_get_default_dir ();
  g_autofree char *crl_copy = g_build_filename (keystore, "ca.crl", NULL);
  g_autofree char *crl = cert_path ("ca.crl");
  g_autofree char *contents = NULL;

  g_assert_true (g_str_has_prefix (keystore, tmpdir));

  params->cert_file = cert_path ("admin.p12");
  params->passphrase = passphrase ("admin.p12.pass");
  params->ca_file = cert_path ("ca.crt");
  cert = xgb_client_cert_preflight (params, NULL, &jid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jid, ==, "admin@xgb.test");
  g_assert_null (xgb_client_cert_get_key_file (cert));
  g_clear_object (&cert);

  /* revoked.crt names no CRL: a CRL in the keystore folder counts */
  g_free (params->cert_file);
  params->cert_file = cert_path ("revoked.crt");
  g_clear_pointer (&params->passphrase, xgb_secret_free);
  cert = xgb_client_cert_preflight (params, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&cert);

  g_assert_cmpint (g_mkdir_with_parents (keystore, 0700), ==, 0);
  g_assert_true (g_file_get_contents (crl, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (crl_copy, contents, -1, NULL));
  cert = xgb_client_cert_preflight (params, NULL, NULL, &error);
  g_assert_null (cert);
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_REVOKED);
  g_clear_error (&error);
  g_unlink (crl_copy);

  /* the JID typed must be the certificate's */
  g_free (params->cert_file);
  params->cert_file = cert_path ("alice.crt");
  params->jid = g_strdup ("admin@xgb.test");
  cert = xgb_client_cert_preflight (params, NULL, NULL, &error);
  g_assert_null (cert);
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_JID_MISMATCH);
}

/* Certificate mode uses no password: nothing can fall back to SCRAM. */
static void
test_params (void)
{
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(XgbLoginParams) copy = NULL;
  g_autoptr(GError) error = NULL;

  params->jid = g_strdup ("admin@xgb.test");
  params->cert_file = cert_path ("admin.p12");
  xgb_login_params_set_passphrase (params, "secret");
  g_assert_true (xgb_login_params_validate (params, &error));
  g_assert_no_error (error);

  copy = xgb_login_params_copy (params);
  g_assert_cmpstr (copy->cert_file, ==, params->cert_file);
  g_assert_cmpstr (copy->passphrase, ==, "secret");

  xgb_login_params_set_password (params, "password");
  g_assert_false (xgb_login_params_validate (params, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "uses no password"));
  g_clear_error (&error);

  g_clear_pointer (&params->password, xgb_secret_free);
  g_free (params->cert_file);
  params->cert_file = cert_path ("missing.p12");
  g_assert_false (xgb_login_params_validate (params, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_FILE);
  g_clear_error (&error);

  g_clear_pointer (&params->cert_file, g_free);
  g_assert_false (xgb_login_params_validate (params, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "needs a certificate"));
}

static void
make_certs (void)
{
  g_autofree char *script = g_build_filename (xgb_test_env ("XGB_SOURCE_DIR"), "tests", "servers", "certs.sh", NULL);
  const char *argv[] = { "bash", script, tmpdir, "xgb.test", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (status != 0)
    g_error ("certs.sh failed: %s", err);
  certs = g_build_filename (tmpdir, "certs", NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmpdir = xgb_test_make_tmpdir ("xgb-test-cert-XXXXXX");
  /* before GLib reads it: the keystore folder lives in the temp dir */
  {
    g_autofree char *data = g_build_filename (tmpdir, "data", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
  }
  g_test_init (&argc, &argv, NULL);
  make_certs ();

  g_test_add_func ("/cert/pem", test_pem);
  g_test_add_func ("/cert/pkcs12", test_pkcs12);
  g_test_add_func ("/cert/passphrase", test_passphrase);
  g_test_add_func ("/cert/not-a-certificate", test_not_a_certificate);
  g_test_add_func ("/cert/combined-pem", test_combined_pem);
  g_test_add_func ("/cert/validity", test_validity);
  g_test_add_func ("/cert/jid", test_jid);
  g_test_add_func ("/cert/revocation", test_revocation);
  g_test_add_func ("/cert/preflight", test_preflight);
  g_test_add_func ("/cert/params", test_params);

  ret = g_test_run ();

  g_free (certs);
  {
    const char *rm[] = { "rm", "-rf", tmpdir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmpdir);

  return ret;
}
