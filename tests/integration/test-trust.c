/* test-trust.c - the probe before login: mechanism policy, session info
 * and server trust, against real servers (with-server.sh ejabberd or
 * prosody; Prosody also in a PLAIN-only variant) and, for a certificate
 * that changes between the probe and the login, the scripted server
 * (with-fake.sh)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-test-util.h"

static XgbCertInfo *
cert_from_file (const char *dir,
                const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  XgbCertInfo *info;

  g_assert_true (g_file_get_contents (path, &pem, NULL, &error));
  g_assert_no_error (error);
  info = xgb_cert_info_new_from_pem (pem, &error);
  g_assert_no_error (error);
  return info;
}

static XgbCertInfo *
server_cert (void)
{
  return cert_from_file (xgb_test_env ("XGB_TEST_CERT_DIR"), "server.crt");
}

/* alice, on the plain c2s port; with the test CA or without any */
static XgbLoginParams *
alice_params (gboolean with_ca)
{
  return xgb_test_params (xgb_test_env ("XGB_TEST_ALICE_JID"), xgb_test_env ("XGB_TEST_ALICE_PASSWORD"),
                          "XGB_TEST_PORT", with_ca ? "XGB_TEST_CA_FILE" : NULL);
}

static const XgbSessionInfo *
connect_ok (XgbConnection *connection)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);
  g_assert_nonnull (xgb_connection_get_session_info (connection));
  return xgb_connection_get_session_info (connection);
}

/* What libstrophe picks on each server here: the strongest SCRAM offered */
static const char *
expected_mechanism (void)
{
  return g_str_equal (xgb_test_env ("XGB_TEST_SERVER"), "ejabberd") ? "SCRAM-SHA-512" : "SCRAM-SHA-256";
}

/* The login names its mechanism, TLS version, cipher and certificate. */
static void
test_session_info (void)
{
  g_autoptr(XgbLoginParams) params = alice_params (TRUE);
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(XgbCertInfo) cert = server_cert ();
  const XgbSessionInfo *info;
  g_autofree char *offered = NULL;

  g_assert_null (xgb_connection_get_session_info (connection));
  info = connect_ok (connection);
  offered = g_strjoinv (" ", info->offered);
  g_test_message ("%s: %s over %s (%s), offered: %s", xgb_test_env ("XGB_TEST_SERVER"), info->mechanism,
                  info->tls_version, info->cipher, offered);

  g_assert_cmpstr (info->mechanism, ==, expected_mechanism ());
  g_assert_true (g_strv_contains ((const char * const *) info->offered, info->mechanism));
  /* The servers here speak TLS 1.3 (TLS 1.2 is the floor) */
  g_assert_cmpstr (info->tls_version, ==, "TLSv1.3");
  g_assert_true (g_str_has_prefix (info->cipher, "TLS_"));
  g_assert_nonnull (info->server_cert);
  g_assert_cmpstr (info->server_cert->sha256, ==, cert->sha256);
  g_assert_null (info->verify_error);
  g_assert_false (info->pinned);

  xgb_connection_disconnect (connection);
  /* Still there after logging out */
  g_assert_cmpstr (xgb_connection_get_session_info (connection)->mechanism, ==, expected_mechanism ());
}

/* Unknown CA: the leaf's details for the trust dialog, nothing sent */
static void
test_untrusted (void)
{
  g_autoptr(XgbLoginParams) params = alice_params (FALSE);
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(XgbCertInfo) cert = server_cert ();
  g_autoptr(GError) error = NULL;
  const XgbSessionInfo *info;

  g_assert_false (xgb_test_connect (connection, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, cert->sha256));

  info = xgb_connection_get_session_info (connection);
  g_assert_nonnull (info);
  g_assert_nonnull (info->server_cert);
  g_assert_cmpstr (info->server_cert->sha256, ==, cert->sha256);
  g_assert_cmpstr (info->server_cert->subject, ==, cert->subject);
  g_assert_cmpstr (info->server_cert->issuer, ==, cert->issuer);
  g_assert_cmpstr (info->server_cert->not_after, ==, cert->not_after);
  g_assert_nonnull (info->verify_error);
  g_test_message ("why: %s", info->verify_error);
  g_assert_false (info->pinned);
  g_assert_null (info->mechanism);
}

/* Trusting the leaf's fingerprint: the same login succeeds, also when
 * the fingerprint is typed without colons in lower case. */
static void
test_pinned (void)
{
  g_autoptr(XgbCertInfo) cert = server_cert ();
  g_autoptr(XgbLoginParams) params = alice_params (FALSE);
  g_autoptr(XgbConnection) connection = NULL;
  g_auto(GStrv) parts = g_strsplit (cert->sha256, ":", -1);
  g_autofree char *joined = g_strjoinv ("", parts);
  g_autofree char *typed = g_ascii_strdown (joined, -1);
  const XgbSessionInfo *info;

  xgb_login_params_add_pin (params, typed);
  g_assert_cmpstr (params->pins[0], ==, cert->sha256);
  connection = xgb_connection_new (params);

  info = connect_ok (connection);
  g_assert_true (info->pinned);
  g_assert_nonnull (info->verify_error);
  g_assert_cmpstr (info->server_cert->sha256, ==, cert->sha256);
  g_assert_cmpstr (info->mechanism, ==, expected_mechanism ());
  xgb_connection_disconnect (connection);
}

static void
assert_changed (XgbConnection *connection,
                const char    *presented_sha256)
{
  g_autoptr(GError) error = NULL;
  const XgbSessionInfo *info;

  g_assert_false (xgb_test_connect (connection, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_CERT_CHANGED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "the server’s certificate changed since you trusted it"));
  g_assert_nonnull (strstr (error->message, presented_sha256));
  g_assert_error (xgb_connection_get_error (connection), XGB_ERROR, XGB_ERROR_CERT_CHANGED);
  info = xgb_connection_get_session_info (connection);
  g_assert_nonnull (info);
  g_assert_cmpstr (info->server_cert->sha256, ==, presented_sha256);
  g_assert_false (info->pinned);
  g_assert_null (info->mechanism);
}

/* Pinning what comes first in the chain (the CA) trusts nothing: only
 * the leaf counts. */
static void
test_ca_pin_refused (void)
{
  g_autoptr(XgbCertInfo) ca = cert_from_file (xgb_test_env ("XGB_TEST_CERT_DIR"), "ca.crt");
  g_autoptr(XgbCertInfo) cert = server_cert ();
  g_autoptr(XgbLoginParams) params = alice_params (FALSE);
  g_autoptr(XgbConnection) connection = NULL;

  xgb_login_params_add_pin (params, ca->sha256);
  connection = xgb_connection_new (params);
  assert_changed (connection, cert->sha256);
}

/* A pin that is not this server's certificate: refused loudly, even
 * though the certificate verifies against the CA file. */
static void
test_other_pin_refused (void)
{
  g_autoptr(XgbCertInfo) cert = server_cert ();
  g_autoptr(XgbLoginParams) params = alice_params (FALSE);
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(XgbConnection) with_ca = NULL;

  xgb_login_params_add_pin (params, "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                                    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
  connection = xgb_connection_new (params);
  assert_changed (connection, cert->sha256);

  /* A pin never stands in the way of a certificate that verifies */
  g_free (params->ca_file);
  params->ca_file = g_strdup (xgb_test_env ("XGB_TEST_CA_FILE"));
  with_ca = xgb_connection_new (params);
  g_assert_false (connect_ok (with_ca)->pinned);
  xgb_connection_disconnect (with_ca);
}

static void
run_script (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  /* Its output must not mix with the TAP stream */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_test_message ("%s failed:\n%s%s", argv[1], out, err);
  g_assert_no_error (error);
}

/* The server restarts with a certificate from another CA (same domain):
 * the pinned login is refused with the changed-certificate error and
 * shows the new certificate. */
static void
test_changed_after_restart (void)
{
  g_autoptr(XgbCertInfo) old_cert = server_cert ();
  g_autoptr(XgbCertInfo) new_cert = NULL;
  g_autoptr(XgbLoginParams) params = alice_params (FALSE);
  g_autoptr(XgbConnection) before = NULL;
  g_autoptr(XgbConnection) after = NULL;
  g_autofree char *scripts = g_build_filename (xgb_test_env ("XGB_SOURCE_DIR"), "tests", "servers", NULL);
  g_autofree char *certs_sh = g_build_filename (scripts, "certs.sh", NULL);
  g_autofree char *ejabberd_sh = g_build_filename (scripts, "ejabberd.sh", NULL);
  g_autofree char *other = g_build_filename (xgb_test_env ("XGB_TEST_DIR"), "other", NULL);
  g_autofree char *other_certs = g_build_filename (other, "certs", NULL);
  g_autofree char *new_pem = g_build_filename (other_certs, "server.pem", NULL);
  g_autofree char *pem_path = g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), "server.pem", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  xgb_login_params_add_pin (params, old_cert->sha256);
  before = xgb_connection_new (params);
  g_assert_true (connect_ok (before)->pinned);
  xgb_connection_disconnect (before);

  g_assert_cmpint (g_mkdir_with_parents (other, 0700), ==, 0);
  run_script ((const char *[]) { "bash", certs_sh, other, xgb_test_env ("XGB_TEST_DOMAIN"), NULL });
  new_cert = cert_from_file (other_certs, "server.crt");
  g_assert_cmpstr (new_cert->sha256, !=, old_cert->sha256);
  g_assert_cmpstr (new_cert->subject, ==, old_cert->subject);
  g_assert_true (g_file_get_contents (new_pem, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (pem_path, contents, (gssize) length, NULL));
  run_script ((const char *[]) { "bash", ejabberd_sh, "restart", xgb_test_env ("XGB_TEST_DIR"), NULL });

  after = xgb_connection_new (params);
  assert_changed (after, new_cert->sha256);
}

/* --- Prosody offering PLAIN only ------------------------------------ */

static void
test_plain_refused (void)
{
  g_autoptr(XgbLoginParams) params = alice_params (TRUE);
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;
  const XgbSessionInfo *info;

  g_assert_false (xgb_test_connect (connection, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_WEAK_MECHANISM);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "PLAIN"));
  info = xgb_connection_get_session_info (connection);
  g_assert_nonnull (info);
  g_assert_cmpuint (g_strv_length (info->offered), ==, 1);
  g_assert_cmpstr (info->offered[0], ==, "PLAIN");
  g_assert_null (info->mechanism);
}

static void
test_plain_allowed (void)
{
  g_autoptr(XgbLoginParams) params = alice_params (TRUE);
  g_autoptr(XgbConnection) connection = NULL;
  const XgbSessionInfo *info;

  params->allow_weak_mechanisms = TRUE;
  connection = xgb_connection_new (params);
  info = connect_ok (connection);
  g_assert_cmpstr (info->mechanism, ==, "PLAIN");
  g_assert_cmpstr (info->tls_version, ==, "TLSv1.3");
  xgb_connection_disconnect (connection);
}

/* --- the scripted server -------------------------------------------- */

static XgbLoginParams *
fake_params (const char *port_var,
             gboolean    with_ca)
{
  g_autofree char *jid = g_strdup_printf ("alice@%s", xgb_test_env ("XGB_FAKE_DOMAIN"));

  return xgb_test_params (jid, "secret", port_var, with_ca ? "XGB_FAKE_CA_FILE" : NULL);
}

/* SCRAM-SHA-1 and PLAIN offered: libstrophe takes SCRAM, and the
 * session says so. */
static void
test_fake_scram (void)
{
  g_autoptr(XgbLoginParams) params = fake_params ("XGB_FAKE_TLS_PORT", TRUE);
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  const XgbSessionInfo *info = connect_ok (connection);

  g_assert_cmpstr (info->mechanism, ==, "SCRAM-SHA-1");
  g_assert_true (g_strv_contains ((const char * const *) info->offered, "PLAIN"));
  xgb_connection_disconnect (connection);
}

/* The probe sees the pinned leaf; the login's own handshake gets another
 * chain (another CA's leaf and CA): libstrophe's certificate check is
 * first asked about that CA, and the pin of the leaf the probe saw must
 * not let it through.  Nothing is sent after TLS: no login attempt. */
static void
test_fake_switched_leaf (void)
{
  g_autofree char *certs = g_path_get_dirname (xgb_test_env ("XGB_FAKE_CA_FILE"));
  g_autoptr(XgbCertInfo) first = cert_from_file (certs, "server.crt");
  g_autofree char *other_certs = g_build_filename (certs, "..", "other", NULL);
  g_autoptr(XgbCertInfo) second = cert_from_file (other_certs, "server.crt");
  g_autoptr(XgbLoginParams) params = fake_params ("XGB_FAKE_SWITCH_PORT", FALSE);
  g_autoptr(XgbConnection) connection = NULL;
  g_autofree char *log = NULL;

  xgb_login_params_add_pin (params, first->sha256);
  connection = xgb_connection_new (params);
  assert_changed (connection, second->sha256);

  g_assert_true (g_file_get_contents (xgb_test_env ("XGB_FAKE_SWITCH_LOG"), &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "presenting the switched certificate"));
  g_assert_null (strstr (log, "auth "));
}

/* The probe is offered SCRAM, the login PLAIN only: the password does
 * not go out unless weak mechanisms are allowed. */
static void
test_fake_downgrade (void)
{
  g_autoptr(XgbLoginParams) params = fake_params ("XGB_FAKE_DOWNGRADE_PORT", TRUE);
  g_autoptr(XgbConnection) refused = xgb_connection_new (params);
  g_autoptr(XgbConnection) allowed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  const XgbSessionInfo *info;

  g_assert_false (xgb_test_connect (refused, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_WEAK_MECHANISM);
  g_test_message ("%s", error->message);
  /* the probe saw SCRAM; the login was offered PLAIN only */
  info = xgb_connection_get_session_info (refused);
  g_assert_true (g_strv_contains ((const char * const *) info->offered, "SCRAM-SHA-1"));
  g_assert_true (g_file_get_contents (xgb_test_env ("XGB_FAKE_DOWNGRADE_LOG"), &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "downgraded: offering PLAIN only"));
  g_assert_null (strstr (log, "auth PLAIN"));

  params->allow_weak_mechanisms = TRUE;
  allowed = xgb_connection_new (params);
  g_assert_cmpstr (connect_ok (allowed)->mechanism, ==, "PLAIN");
  xgb_connection_disconnect (allowed);
}

/* SCRAM-SHA-1 fails (wrong password): libstrophe would try DIGEST-MD5
 * next.  Not allowed: it does not; allowed: it does. */
static void
test_fake_weak_fallback (void)
{
  g_autofree char *jid = g_strdup_printf ("alice@%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autoptr(XgbLoginParams) params = xgb_test_params (jid, "wrong", "XGB_FAKE_DIGEST_PORT", "XGB_FAKE_CA_FILE");
  g_autoptr(XgbConnection) blocked = xgb_connection_new (params);
  g_autoptr(XgbConnection) allowed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  g_assert_false (xgb_test_connect (blocked, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "did not try again with PLAIN or DIGEST-MD5"));
  g_assert_true (g_file_get_contents (xgb_test_env ("XGB_FAKE_DIGEST_LOG"), &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "SCRAM-SHA-1 user 'alice': wrong password"));
  g_assert_null (strstr (log, "'DIGEST-MD5'"));
  g_clear_error (&error);
  g_clear_pointer (&log, g_free);

  /* the control: libstrophe does fall back when weak mechanisms are allowed */
  params->allow_weak_mechanisms = TRUE;
  allowed = xgb_connection_new (params);
  g_assert_false (xgb_test_connect (allowed, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED);
  g_assert_true (g_file_get_contents (xgb_test_env ("XGB_FAKE_DIGEST_LOG"), &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "'DIGEST-MD5'"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("XGB_FAKE_DOMAIN") != NULL)
    {
      g_test_add_func ("/trust/fake/scram", test_fake_scram);
      g_test_add_func ("/trust/fake/switched-leaf", test_fake_switched_leaf);
      g_test_add_func ("/trust/fake/downgrade", test_fake_downgrade);
      g_test_add_func ("/trust/fake/weak-fallback", test_fake_weak_fallback);
    }
  else if (g_getenv ("XGB_TEST_EXPECT_PLAIN_ONLY") != NULL)
    {
      g_test_add_func ("/trust/plain-only/refused", test_plain_refused);
      g_test_add_func ("/trust/plain-only/allowed", test_plain_allowed);
    }
  else
    {
      g_test_add_func ("/trust/session-info", test_session_info);
      g_test_add_func ("/trust/untrusted", test_untrusted);
      g_test_add_func ("/trust/pinned", test_pinned);
      g_test_add_func ("/trust/ca-pin-refused", test_ca_pin_refused);
      g_test_add_func ("/trust/other-pin-refused", test_other_pin_refused);
      if (g_str_equal (xgb_test_env ("XGB_TEST_SERVER"), "ejabberd"))
        g_test_add_func ("/trust/changed-after-restart", test_changed_after_restart);
    }

  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
