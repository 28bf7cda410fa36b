/* test-cert-login.c - certificate login (SASL EXTERNAL, XEP-0178) on
 * ejabberd's certificate listener, through XgbConnection and xgb-cli.
 *
 * Valid PEM and PKCS#12 certificates log in with EXTERNAL.  A certificate
 * from another CA, an expired one, one for another JID, one without
 * xmppAddr and a revoked one are refused with clear errors: by the app's
 * own checks before anything goes out; plain libstrophe shows what the
 * server itself does with them (it accepts the revoked one: ejabberd
 * checks no CRL).  A wrong passphrase is reported as such.
 *
 * Runs under tests/servers/with-server.sh ejabberd.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <strophe.h>
#include <string.h>

#include "xgb-cert.h"
#include "xgb-connection.h"
#include "xgb-error.h"
#include "xgb-keystore.h"
#include "xgb-test-util.h"

static char *tmpdir;

static char *
cert_path (const char *name)
{
  return g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), name, NULL);
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

static XgbLoginParams *
cert_params (const char *jid,
             const char *cert,
             const char *key,
             const char *passphrase)
{
  XgbLoginParams *params = xgb_login_params_new ();
  guint64 port = 0;

  g_assert_true (g_ascii_string_to_unsigned (xgb_test_env ("XGB_TEST_CERT_PORT"), 10, 1, 65535, &port, NULL));
  params->jid = g_strdup (jid ? jid : xgb_test_env ("XGB_TEST_ADMIN_JID"));
  params->host = g_strdup (xgb_test_env ("XGB_TEST_HOST"));
  params->port = (guint) port;
  params->ca_file = g_strdup (xgb_test_env ("XGB_TEST_CA_FILE"));
  params->cert_file = cert_path (cert);
  params->key_file = key ? cert_path (key) : NULL;
  params->passphrase = g_strdup (passphrase);
  return params;
}

/* How often ejabberd logged an EXTERNAL login for admin so far. */
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

static gboolean
log_grew (gpointer data)
{
  return external_logins () > GPOINTER_TO_UINT (data);
}

static void
wait_log_grew (guint before)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!log_grew (GUINT_TO_POINTER (before)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
}

static void
login_ok (XgbLoginParams *params)
{
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;
  guint before = external_logins ();

  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_CONNECTED);
  g_assert_true (g_str_has_prefix (xgb_connection_get_jid (connection), "admin@"));
  /* and it was EXTERNAL: no password was set at all */
  wait_log_grew (before);
  xgb_connection_disconnect (connection);
}

static GError *
login_fails (XgbLoginParams *params)
{
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  GError *error = NULL;

  g_assert_false (xgb_test_connect (connection, &error));
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  return error;
}

/* --- what the server says without the app's checks (plain libstrophe) --- */

typedef struct
{
  gboolean connected;
  gboolean done;
} Raw;

static void
raw_log (void *userdata, xmpp_log_level_t level, const char *area, const char *msg)
{
}

static void
raw_conn_cb (xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
             xmpp_stream_error_t *stream_error, void *userdata)
{
  Raw *raw = userdata;

  if (event == XMPP_CONN_CONNECT)
    raw->connected = TRUE;
  if (event != XMPP_CONN_RAW_CONNECT)
    raw->done = TRUE;
  if (event == XMPP_CONN_CONNECT)
    xmpp_disconnect (conn);
}

static int
raw_password_cb (char *pw, size_t pw_max, xmpp_conn_t *conn, void *userdata)
{
  return -1;
}

/* Whether ejabberd lets this certificate log in as @jid (EXTERNAL only:
 * no password is set). */
static gboolean
server_accepts (const char *cert,
                const char *jid)
{
  g_autofree char *cert_file = cert_path (cert);
  g_autofree char *key_file = g_strdup (cert_file);
  xmpp_log_t log = { raw_log, NULL };
  xmpp_ctx_t *ctx;
  xmpp_conn_t *conn;
  Raw raw = { 0 };
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  guint64 port = 0;

  strcpy (key_file + strlen (key_file) - strlen ("crt"), "key");
  g_assert_true (g_ascii_string_to_unsigned (xgb_test_env ("XGB_TEST_CERT_PORT"), 10, 1, 65535, &port, NULL));
  ctx = xmpp_ctx_new (NULL, &log);
  conn = xmpp_conn_new (ctx);
  xmpp_conn_set_flags (conn, XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM);
  xmpp_conn_set_cafile (conn, xgb_test_env ("XGB_TEST_CA_FILE"));
  xmpp_conn_set_password_callback (conn, raw_password_cb, NULL);
  xmpp_conn_set_jid (conn, jid);
  xmpp_conn_set_client_cert (conn, cert_file, key_file);
  g_assert_cmpint (xmpp_connect_client (conn, xgb_test_env ("XGB_TEST_HOST"), (unsigned short) port,
                                        raw_conn_cb, &raw), ==, XMPP_EOK);
  while (!raw.done && g_get_monotonic_time () < deadline)
    xmpp_run_once (ctx, 50);
  g_assert_true (raw.done);
  while (raw.connected && !xmpp_conn_is_disconnected (conn) && g_get_monotonic_time () < deadline)
    xmpp_run_once (ctx, 50);
  xmpp_conn_release (conn);
  xmpp_ctx_free (ctx);
  return raw.connected;
}

/* --- the cases --------------------------------------------------------- */

static void
test_pem (void)
{
  g_autoptr(XgbLoginParams) params = cert_params (NULL, "admin.crt", "admin.key", NULL);

  login_ok (params);
}

static void
test_pkcs12 (void)
{
  g_autofree char *pass = read_pass ("admin.p12.pass");
  g_autoptr(XgbLoginParams) params = cert_params (NULL, "admin.p12", NULL, pass);

  login_ok (params);
  xgb_secret_free (g_steal_pointer (&pass));
}

static void
test_encrypted_key (void)
{
  g_autofree char *pass = read_pass ("admin.p12.pass");
  g_autoptr(XgbLoginParams) params = cert_params (NULL, "admin.crt", "admin-enc.key", pass);

  login_ok (params);
  xgb_secret_free (g_steal_pointer (&pass));
}

static void
test_wrong_passphrase (void)
{
  g_autoptr(XgbLoginParams) p12 = cert_params (NULL, "admin.p12", NULL, "not the passphrase");
  g_autoptr(XgbLoginParams) pem = cert_params (NULL, "admin.crt", "admin-enc.key", "not the passphrase");
  g_autoptr(XgbLoginParams) none = cert_params (NULL, "admin.p12", NULL, NULL);
  g_autoptr(GError) e1 = login_fails (p12);
  g_autoptr(GError) e2 = login_fails (pem);
  g_autoptr(GError) e3 = login_fails (none);

  g_assert_error (e1, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE);
  g_assert_true (g_str_has_prefix (e1->message, "Wrong passphrase"));
  g_assert_error (e2, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE);
  g_assert_error (e3, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE);
}

/* The server refuses a certificate from a CA it does not know; the
 * error says that the certificate was refused. */
static void
test_other_ca (void)
{
  g_autoptr(XgbLoginParams) params = cert_params (NULL, "admin-other-ca.crt", NULL, NULL);
  g_autoptr(GError) error = login_fails (params);

  g_assert_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "did not accept this certificate"));
  g_assert_false (server_accepts ("admin-other-ca.crt", xgb_test_env ("XGB_TEST_ADMIN_JID")));
}

static void
test_expired (void)
{
  g_autoptr(XgbLoginParams) params = cert_params ("expired@xgb.test", "expired.crt", NULL, NULL);
  g_autoptr(GError) error = login_fails (params);

  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==, "The certificate expired on 2020-02-01 00:00 UTC.");
}

/* alice's certificate with admin's JID, and a certificate without
 * xmppAddr: refused before connecting (ejabberd accepts the latter when
 * the client sends an authzid, xmpp-facts.md). */
static void
test_other_jid (void)
{
  const char *admin = xgb_test_env ("XGB_TEST_ADMIN_JID");
  g_autoptr(XgbLoginParams) alice = cert_params (admin, "alice.crt", NULL, NULL);
  g_autoptr(XgbLoginParams) none = cert_params (admin, "noxmppaddr.crt", NULL, NULL);
  g_autoptr(GError) e1 = login_fails (alice);
  g_autoptr(GError) e2 = login_fails (none);

  g_assert_error (e1, XGB_CERT_ERROR, XGB_CERT_ERROR_JID_MISMATCH);
  g_assert_cmpstr (e1->message, ==, "The certificate is for alice@xgb.test, not for admin@xgb.test.");
  g_assert_error (e2, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_XMPP_ADDR);
  /* The server agrees here (libstrophe sends no authzid for a
   * certificate without xmppAddr, so ejabberd's caveat is not reached);
   * the app just says so earlier and more clearly. */
  g_assert_false (server_accepts ("alice.crt", admin));
  g_assert_false (server_accepts ("noxmppaddr.crt", admin));
}

/* Revoked: by its CRL distribution point (a file: URI), and by a CRL in
 * the keystore folder.  ejabberd checks no CRL and would accept both. */
static void
test_revoked (void)
{
  g_autoptr(XgbLoginParams) dp = cert_params (NULL, "revoked-dp.crt", NULL, NULL);
  g_autoptr(XgbLoginParams) plain = cert_params (NULL, "revoked.crt", NULL, NULL);
  g_autofree char *keystore = xgb_keystore_get_default_dir ();
  g_autofree char *crl = cert_path ("ca.crl");
  g_autofree char *crl_copy = g_build_filename (keystore, "test-ca.crl", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) e1 = login_fails (dp);

  g_assert_error (e1, XGB_CERT_ERROR, XGB_CERT_ERROR_REVOKED);
  g_assert_nonnull (strstr (e1->message, "revoked"));
  g_assert_true (server_accepts ("revoked-dp.crt", xgb_test_env ("XGB_TEST_ADMIN_JID")));

  /* without a CRL at hand the app cannot know: it logs in */
  login_ok (plain);
  g_assert_true (g_str_has_prefix (keystore, tmpdir));
  g_assert_cmpint (g_mkdir_with_parents (keystore, 0700), ==, 0);
  g_assert_true (g_file_get_contents (crl, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (crl_copy, contents, -1, NULL));
  {
    g_autoptr(GError) e2 = login_fails (plain);

    g_assert_error (e2, XGB_CERT_ERROR, XGB_CERT_ERROR_REVOKED);
  }
  g_unlink (crl_copy);
}

/* On a listener that offers no EXTERNAL, certificate mode fails: no
 * password is set, so nothing falls back to SCRAM. */
static void
test_no_fallback (void)
{
  g_autoptr(XgbLoginParams) params = cert_params (NULL, "admin.crt", NULL, NULL);
  g_autoptr(GError) error = NULL;
  guint64 port = 0;

  g_assert_true (g_ascii_string_to_unsigned (xgb_test_env ("XGB_TEST_PORT"), 10, 1, 65535, &port, NULL));
  params->port = (guint) port;
  error = login_fails (params);
  g_assert_true (error->domain == XGB_ERROR);
  g_assert_nonnull (strstr (error->message, "EXTERNAL"));
}

static int
run_cli (const char * const *extra,
         char              **out_err)
{
  g_autofree char *cli = g_build_filename (xgb_test_env ("XGB_BUILD_DIR"), "src", "cli", "xgb-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, (char *) "--host");
  g_ptr_array_add (argv, (char *) xgb_test_env ("XGB_TEST_HOST"));
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) xgb_test_env ("XGB_TEST_CERT_PORT"));
  g_ptr_array_add (argv, (char *) "--ca-file");
  g_ptr_array_add (argv, (char *) xgb_test_env ("XGB_TEST_CA_FILE"));
  g_ptr_array_add (argv, (char *) "--broker");
  g_ptr_array_add (argv, (char *) xgb_test_env ("XGB_TEST_PUBSUB"));
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, out_err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* xgb-cli --cert/--key/--passphrase-file; the JID from the certificate */
static void
test_cli (void)
{
  g_autofree char *p12 = cert_path ("admin.p12");
  g_autofree char *pass = cert_path ("admin.p12.pass");
  g_autofree char *crt = cert_path ("admin.crt");
  g_autofree char *enc = cert_path ("admin-enc.key");
  g_autofree char *alice = cert_path ("alice.crt");
  g_autofree char *wrong = g_build_filename (tmpdir, "wrong.pass", NULL);
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (wrong, "not it\n", -1, NULL));
  {
    const char *args[] = { "--cert", p12, "--passphrase-file", pass, "nodes", NULL };

    g_assert_cmpint (run_cli (args, NULL), ==, 0);
  }
  {
    const char *args[] = { "--cert", crt, "--key", enc, "--passphrase-file", pass, "nodes", NULL };

    g_assert_cmpint (run_cli (args, NULL), ==, 0);
  }
  {
    const char *args[] = { "--cert", p12, "--passphrase-file", wrong, "nodes", NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 3);
    g_assert_nonnull (strstr (err, "Wrong passphrase"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--cert", alice, "nodes", NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 3);
    g_assert_nonnull (strstr (err, "is for alice@xgb.test"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--cert", crt, "--password-file", pass, "nodes", NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 2);
    g_assert_nonnull (strstr (err, "no password"));
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmpdir = xgb_test_make_tmpdir ("xgb-test-cert-login-XXXXXX");
  /* before GLib reads it: the keystore folder lives in the temp dir */
  {
    g_autofree char *data = g_build_filename (tmpdir, "data", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
  }
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cert-login/pem", test_pem);
  g_test_add_func ("/cert-login/pkcs12", test_pkcs12);
  g_test_add_func ("/cert-login/encrypted-key", test_encrypted_key);
  g_test_add_func ("/cert-login/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/cert-login/other-ca", test_other_ca);
  g_test_add_func ("/cert-login/expired", test_expired);
  g_test_add_func ("/cert-login/other-jid", test_other_jid);
  g_test_add_func ("/cert-login/revoked", test_revoked);
  g_test_add_func ("/cert-login/no-fallback", test_no_fallback);
  g_test_add_func ("/cert-login/cli", test_cli);

  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));

  {
    const char *rm[] = { "rm", "-rf", tmpdir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmpdir);

  return ret;
}
