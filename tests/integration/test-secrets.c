/* test-secrets.c - no password or passphrase where it must not be
 *
 * Runs the app's real code paths at the highest verbosity there is
 * (G_MESSAGES_DEBUG=all, and XGB_DEBUG=xmpp: libstrophe's whole log at
 * verbosity 3, every stanza) with umask 000 and a private HOME, XDG
 * folders and TMPDIR:
 *  - password logins through the core and through xgb-cli (password file
 *    and $XGB_PASSWORD), right and wrong passwords: SASL PLAIN on a
 *    Prosody that offers nothing else (XGB_TEST_EXPECT_PLAIN_ONLY), SCRAM
 *    on ejabberd;
 *  - a saved account (GSettings in a keyfile) with its password in the
 *    desktop's secret store (gnome-keyring on a private bus);
 *  - on ejabberd: a PKCS#12 file with a passphrase imported into the
 *    keystore, unlocked (wrong passphrase first), and logged in with
 *    (SASL EXTERNAL) through the core and xgb-cli; its account saved.
 * Then every file written under HOME, the XDG folders and TMPDIR (the
 * keyring's files included) and everything printed or logged (the
 * test's own log, stdout and stderr of every xgb-cli run) is searched
 * for each secret: raw, base64 (at any alignment; also the PLAIN message
 * "\0user\0password" and SCRAM's client-first message), hex, UTF-16.  A
 * positive control plants the secrets in every encoding and the same
 * scan must find each.
 * Also: the files the app wrote are 0600 in 0700 folders (keystore,
 * audit log), the TLS configuration file the app writes for OpenSSL is
 * 0600 while it exists, and after a login and logout no piece of the
 * password is left in this process's memory.
 *
 * Runs under tests/servers/with-server.sh ejabberd|prosody.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xgb-accounts.h"
#include "xgb-connection.h"
#include "xgb-error.h"
#include "xgb-keystore.h"
#include "xgb-secret-store.h"
#include "xgb-test-keyring.h"
#include "xgb-test-secrets.h"
#include "xgb-test-util.h"
#include "xgb-tls.h"

static char *root;        /* everything of this test */
static char *home;        /* HOME and the XDG folders: what the app writes */
static char *tmp;         /* TMPDIR */
static char *in;          /* files the test gives the app (password files) */
static char *out;         /* what the programs printed and logged */
static guint n_runs;

static gboolean plain_only;    /* Prosody offering PLAIN only */
static gboolean with_keyring;
static XgbSecretScan *scan;    /* every secret the test knows */
static char *wrong_password;
static char *passphrase;
static char *wrong_passphrase;
static char *keystore_copy;    /* admin.p12 in the keystore */

/* --- capturing -------------------------------------------------------- */

static guint
count (const char *text,
       const char *what)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, what)) != NULL; p++)
    n++;
  return n;
}

/* --- helpers ------------------------------------------------------------- */

static char *
random_secret (guint length)
{
  static const char chars[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  char *s = g_malloc0 (length + 1);

  for (guint i = 0; i < length; i++)
    s[i] = chars[g_random_int_range (0, (gint32) strlen (chars))];
  return s;
}

static char *
write_input (const char *name,
             const char *contents)
{
  char *path = g_build_filename (in, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
cert_path (const char *name)
{
  return g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), name, NULL);
}

static guint
port_of (const char *var)
{
  guint64 port = 0;

  g_assert_true (g_ascii_string_to_unsigned (xgb_test_env (var), 10, 1, 65535, &port, NULL));
  return (guint) port;
}

static XgbLoginParams *
password_params (const char *password)
{
  XgbLoginParams *params = xgb_test_params (xgb_test_env ("XGB_TEST_ADMIN_JID"), password,
                                            "XGB_TEST_PORT", "XGB_TEST_CA_FILE");

  params->allow_weak_mechanisms = plain_only;
  return params;
}

/* The value of "mechanism" in xgb-cli --json whoami */
static char *
json_mechanism (const char *json)
{
  const char *p = strstr (json, "\"mechanism\"");
  const char *q;

  if (p == NULL || (p = strchr (p + strlen ("\"mechanism\""), '"')) == NULL || (q = strchr (p + 1, '"')) == NULL)
    return NULL;
  return g_strndup (p + 1, (gsize) (q - p - 1));
}

/* Runs xgb-cli with the test server's options, @env added to the
 * environment; its stdout and stderr are kept in OUT/cli-N.{out,err}. */
static int
run_cli (const char * const *args,
         const char * const *env,
         char              **out_stdout,
         char              **out_stderr)
{
  g_autofree char *cli = g_build_filename (xgb_test_env ("XGB_BUILD_DIR"), "src", "cli", "xgb-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autofree char *so = NULL;
  g_autofree char *se = NULL;
  g_autofree char *so_path = NULL;
  g_autofree char *se_path = NULL;
  int status = -1;

  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, (char *) "--host");
  g_ptr_array_add (argv, (char *) xgb_test_env ("XGB_TEST_HOST"));
  /* a --port in @args comes later and wins */
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) xgb_test_env ("XGB_TEST_PORT"));
  g_ptr_array_add (argv, (char *) "--ca-file");
  g_ptr_array_add (argv, (char *) xgb_test_env ("XGB_TEST_CA_FILE"));
  g_ptr_array_add (argv, (char *) "--broker");
  g_ptr_array_add (argv, (char *) xgb_test_env ("XGB_TEST_PUBSUB"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    envp = g_environ_setenv (envp, env[i], env[i + 1], TRUE);

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &so, &se, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  n_runs++;
  so_path = g_strdup_printf ("%s/cli-%02u.out", out, n_runs);
  se_path = g_strdup_printf ("%s/cli-%02u.err", out, n_runs);
  g_assert_true (g_file_set_contents (so_path, so, -1, NULL));
  g_assert_true (g_file_set_contents (se_path, se, -1, NULL));

  /* the debug log is on, also in xgb-cli: libstrophe's whole log (a
   * certificate refused before connecting has none) */
  if (WEXITSTATUS (status) == 0)
    {
      g_assert_nonnull (strstr (se, "xgb-xmpp"));
      g_assert_nonnull (strstr (se, "RECV: <features"));
    }

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&so);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&se);
  return WEXITSTATUS (status);
}

static const char *
weak_arg (void)
{
  return plain_only ? "--allow-weak-mechanisms" : "--json";
}

static void
assert_mechanism (const char *mechanism)
{
  g_assert_nonnull (mechanism);
  if (plain_only)
    g_assert_cmpstr (mechanism, ==, "PLAIN");
  else
    g_assert_true (g_str_has_prefix (mechanism, "SCRAM-SHA-"));
}

/* --- the TLS configuration file (written first of all) ------------------- */

typedef struct
{
  char     *fifo;
  gboolean  served;
  guint     n_files;
  guint     mode;
} Include;

/* OpenSSL reads the .include of the app's configuration (OPENSSL_CONF,
 * here a FIFO) while the app's file is there: its mode, at that moment */
static gpointer
serve_include (gpointer data)
{
  Include *inc = data;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  int fd;

  while ((fd = open (inc->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
    {
      if (errno != ENXIO || g_get_monotonic_time () > deadline)
        return NULL;
      g_usleep (2000);
    }
  {
    g_autoptr(GDir) dir = g_dir_open (tmp, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, "xgb-broker-openssl-"))
        {
          g_autofree char *path = g_build_filename (tmp, name, NULL);
          GStatBuf st;

          if (g_stat (path, &st) == 0)
            {
              inc->n_files++;
              inc->mode = st.st_mode & 07777;
            }
        }
  }
  g_assert_cmpint (write (fd, "# nothing\n", 10), ==, 10);
  close (fd);
  inc->served = TRUE;
  return NULL;
}

static void
test_tls_config (void)
{
  g_autoptr(GError) error = NULL;
  Include inc = { 0 };
  GThread *thread;

  inc.fifo = g_build_filename (in, "system-openssl.cnf", NULL);
  g_assert_cmpint (mkfifo (inc.fifo, 0600), ==, 0);
  g_setenv ("OPENSSL_CONF", inc.fifo, TRUE);
  thread = g_thread_new ("serve-include", serve_include, &inc);
  g_assert_true (xgb_tls_init (&error));
  g_assert_no_error (error);
  g_thread_join (thread);
  g_unsetenv ("OPENSSL_CONF");
  g_unlink (inc.fifo);

  g_assert_true (inc.served);           /* OpenSSL read it: the file was there */
  g_assert_cmpuint (inc.n_files, ==, 1);
  g_assert_cmpuint (inc.mode, ==, 0600);
  /* and gone once loaded */
  g_assert_false (g_file_test (xgb_tls_get_config_path (), G_FILE_TEST_EXISTS));
  g_free (inc.fifo);
}

/* --- password logins through the core ------------------------------------- */

static void
test_core_login (void)
{
  g_autoptr(XgbLoginParams) params = password_params (xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) reply = NULL;
  g_autofree char *log = NULL;

  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);
  assert_mechanism (xgb_connection_get_session_info (connection)->mechanism);
  reply = xgb_test_send_iq (connection, "get", xgb_test_env ("XGB_TEST_PUBSUB"),
                            "<query xmlns='http://jabber.org/protocol/disco#info'/>", NULL, &error);
  g_assert_no_error (error);
  xgb_connection_disconnect (connection);

  /* The log is at its most verbose: the SASL exchange is in it, redacted */
  log = xgb_test_log_capture_read ();
  g_assert_cmpuint (count (log, "xgb-xmpp"), >, 20);
  g_assert_nonnull (strstr (log, "SENT: <auth"));
  g_assert_nonnull (strstr (log, "QUEUED: <auth"));       /* verbosity 3 */
  g_assert_nonnull (strstr (log, "[redacted]</auth>"));
  g_assert_nonnull (strstr (log, plain_only ? "mechanism=\"PLAIN\"" : "mechanism=\"SCRAM-SHA-"));
  g_assert_nonnull (strstr (log, "disco#info"));
}

/* PLAIN without the admin's consent: refused before anything is sent */
static void
test_core_plain_refused (void)
{
  g_autoptr(XgbLoginParams) params = password_params (xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = xgb_test_log_capture_read ();
  g_autofree char *after = NULL;

  params->allow_weak_mechanisms = FALSE;
  connection = xgb_connection_new (params);
  g_assert_false (xgb_test_connect (connection, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_WEAK_MECHANISM);
  after = xgb_test_log_capture_read ();
  g_assert_cmpuint (count (after, "SENT: <auth"), ==, count (before, "SENT: <auth"));
}

static void
test_core_wrong_password (void)
{
  g_autoptr(XgbLoginParams) params = password_params (wrong_password);
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;

  g_assert_false (xgb_test_connect (connection, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED);
}

/* After a login and a logout, no 12 bytes in a row of the password are
 * left anywhere in this process's memory.  The account is made here, so
 * that its password was never in the environment (where the other test
 * passwords are). */
static void
test_core_memory (void)
{
  g_autofree char *user = g_strdup_printf ("mem%u", g_random_int_range (1000, 9999));
  g_autofree char *jid = g_strdup_printf ("%s@%s", user, xgb_test_env ("XGB_TEST_DOMAIN"));
  g_autofree char *script = g_strdup_printf ("%s/tests/servers/%s.sh", xgb_test_env ("XGB_SOURCE_DIR"),
                                             xgb_test_env ("XGB_TEST_SERVER"));
  g_autofree char *where = NULL;
  g_autoptr(GError) error = NULL;
  guint8 masked[32];
  char *password;
  int status = -1;

  /* the password: masked while the test holds it */
  password = random_secret (sizeof masked);
  for (guint i = 0; i < sizeof masked; i++)
    masked[i] = (guint8) password[i] ^ XGB_TEST_MASK;
  {
    const char *argv[] = { "bash", script, "register", xgb_test_env ("XGB_TEST_DIR"), user, password, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  {
    g_autoptr(XgbLoginParams) params = xgb_test_params (jid, password, "XGB_TEST_PORT", "XGB_TEST_CA_FILE");
    g_autoptr(XgbConnection) connection = NULL;
    g_autoptr(xmlDoc) reply = NULL;

    xgb_secret_free (g_steal_pointer (&password));
    params->allow_weak_mechanisms = plain_only;
    connection = xgb_connection_new (params);
    xgb_login_params_free (g_steal_pointer (&params));
    g_assert_true (xgb_test_connect (connection, &error));
    g_assert_no_error (error);
    reply = xgb_test_send_iq (connection, "get", xgb_test_env ("XGB_TEST_PUBSUB"),
                              "<query xmlns='http://jabber.org/protocol/disco#info'/>", NULL, &error);
    g_assert_no_error (error);

    /* control: the connection keeps the password for a reconnect */
    g_assert_cmpuint (xgb_test_scan_memory (masked, sizeof masked, 12, NULL), >, 0);
    xgb_connection_disconnect (connection);
  }
  g_assert_true (xgb_connection_wait_for_threads (10000));
  /* events still queued for the gone connection */
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);

  if (xgb_test_scan_memory (masked, sizeof masked, 12, &where) > 0)
    g_error ("a piece of the password is still in memory: %s", where);
}

/* --- password logins through xgb-cli -------------------------------------- */

static void
test_cli_password_file (void)
{
  g_autofree char *file = write_input ("admin.pass", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  const char *args[] = { "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", file,
                         weak_arg (), "--json", "whoami", NULL };
  g_autofree char *so = NULL;
  g_autofree char *se = NULL;
  g_autofree char *mechanism = NULL;

  g_assert_cmpint (run_cli (args, NULL, &so, &se), ==, 0);
  mechanism = json_mechanism (so);
  assert_mechanism (mechanism);
  g_assert_nonnull (strstr (se, "[redacted]</auth>"));
}

static void
test_cli_env (void)
{
  const char *args[] = { "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), weak_arg (), "--json", "whoami", NULL };
  const char *env[] = { "XGB_PASSWORD", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"), NULL };
  g_autofree char *so = NULL;
  g_autofree char *mechanism = NULL;

  g_assert_cmpint (run_cli (args, env, &so, NULL), ==, 0);
  mechanism = json_mechanism (so);
  assert_mechanism (mechanism);
}

static void
test_cli_wrong_password (void)
{
  g_autofree char *file = write_input ("wrong.pass", wrong_password);
  const char *args[] = { "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", file,
                         weak_arg (), "whoami", NULL };
  const char *env_args[] = { "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), weak_arg (), "whoami", NULL };
  const char *env[] = { "XGB_PASSWORD", wrong_password, NULL };
  g_autofree char *se = NULL;

  g_assert_cmpint (run_cli (args, NULL, NULL, &se), ==, 3);
  g_assert_nonnull (strstr (se, "Authentication failed"));
  g_assert_cmpint (run_cli (env_args, env, NULL, NULL), ==, 3);
}

/* A change: the audit log gets written */
static void
test_cli_change (void)
{
  g_autofree char *file = write_input ("admin2.pass", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  g_autofree char *node = g_strdup_printf ("secrets/%u", g_random_int ());
  g_autofree char *audit = g_build_filename (g_get_user_state_dir (), "xgb-broker", "audit.jsonl", NULL);
  const char *create[] = { "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", file,
                           weak_arg (), "create", node, NULL };
  const char *delete[] = { "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", file,
                           weak_arg (), "delete", node, NULL };
  g_autofree char *log = NULL;

  g_assert_cmpint (run_cli (create, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (run_cli (delete, NULL, NULL, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (audit, home));
  g_assert_true (g_file_get_contents (audit, &log, NULL, NULL));
  g_assert_cmpuint (count (log, node), >=, 2);
}

/* --- a saved account, its secret in the secret store ---------------------- */

static void
save_account (const XgbLoginParams *params,
              XgbSecretKind         kind,
              const char           *secret)
{
  XgbAccounts *accounts = xgb_accounts_get_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *keyfile = g_build_filename (g_get_user_config_dir (), "glib-2.0", "settings", "keyfile", NULL);
  g_autofree char *contents = NULL;
  XgbAccount *account;

  g_assert_nonnull (accounts);
  account = xgb_accounts_save (accounts, params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  xgb_account_touch (account);
  xgb_account_set_remember_secret (account, with_keyring);
  g_settings_sync ();

  /* the account is on disk (and so in the scan) */
  g_assert_true (g_str_has_prefix (keyfile, home));
  g_assert_true (g_file_get_contents (keyfile, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, params->jid));

  if (with_keyring)
    {
      XgbTestResult r = { 0 };
      g_autofree char *stored = NULL;

      xgb_secret_store_save_async (params->jid, params->host, kind, secret, NULL, xgb_test_result_cb, &r);
      g_assert_true (xgb_secret_store_save_finish (xgb_test_result_wait (&r), &error));
      g_assert_no_error (error);
      xgb_secret_store_lookup_async (params->jid, params->host, kind, NULL, xgb_test_result_cb, &r);
      stored = xgb_secret_store_lookup_finish (xgb_test_result_wait (&r), &error);
      xgb_test_result_clear (&r);
      g_assert_no_error (error);
      g_assert_cmpstr (stored, ==, secret);
      xgb_secret_free (g_steal_pointer (&stored));
    }
}

static void
test_account (void)
{
  g_autoptr(XgbLoginParams) params = password_params (xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));

  save_account (params, XGB_SECRET_PASSWORD, params->password);
}

/* --- a PKCS#12 file with a passphrase (ejabberd) ---------------------------- */

static XgbKeystoreEntry *
find_entry (GListModel *entries,
            const char *cert_file)
{
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(XgbKeystoreEntry) entry = g_list_model_get_item (entries, i);

      if (g_strcmp0 (xgb_keystore_entry_get_cert_file (entry), cert_file) == 0)
        return g_steal_pointer (&entry);
    }
  return NULL;
}

static void
test_keystore (void)
{
  g_autoptr(XgbKeystore) keystore = xgb_keystore_new ();
  g_autofree char *p12 = cert_path ("admin.p12");
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(XgbKeystoreEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };

  g_assert_true (g_str_has_prefix (xgb_keystore_get_dir (keystore), home));
  xgb_keystore_set_ca_file (keystore, xgb_test_env ("XGB_TEST_CA_FILE"));
  xgb_keystore_import_async (keystore, p12, NULL, xgb_test_result_cb, &r);
  keystore_copy = xgb_keystore_import_finish (keystore, xgb_test_result_wait (&r), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (keystore_copy, xgb_keystore_get_dir (keystore)));

  xgb_keystore_scan_async (keystore, NULL, xgb_test_result_cb, &r);
  entries = xgb_keystore_scan_finish (keystore, xgb_test_result_wait (&r), &error);
  g_assert_no_error (error);
  entry = find_entry (entries, keystore_copy);
  g_assert_nonnull (entry);
  g_assert_true (xgb_keystore_entry_get_locked (entry));

  xgb_keystore_entry_unlock_async (entry, keystore, wrong_passphrase, NULL, xgb_test_result_cb, &r);
  g_assert_false (xgb_keystore_entry_unlock_finish (entry, xgb_test_result_wait (&r), &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);

  xgb_keystore_entry_unlock_async (entry, keystore, passphrase, NULL, xgb_test_result_cb, &r);
  g_assert_true (xgb_keystore_entry_unlock_finish (entry, xgb_test_result_wait (&r), &error));
  g_assert_no_error (error);
  xgb_test_result_clear (&r);
  g_assert_false (xgb_keystore_entry_get_locked (entry));
  g_assert_true (xgb_keystore_entry_get_can_log_in (entry));
}

static XgbLoginParams *
cert_params (const char *pass)
{
  XgbLoginParams *params = xgb_login_params_new ();

  params->jid = g_strdup (xgb_test_env ("XGB_TEST_ADMIN_JID"));
  params->host = g_strdup (xgb_test_env ("XGB_TEST_HOST"));
  params->port = port_of ("XGB_TEST_CERT_PORT");
  params->ca_file = g_strdup (xgb_test_env ("XGB_TEST_CA_FILE"));
  params->cert_file = g_strdup (keystore_copy);
  xgb_login_params_set_passphrase (params, pass);
  return params;
}

static void
test_external (void)
{
  g_autoptr(XgbLoginParams) params = NULL;
  g_autoptr(XgbLoginParams) wrong = NULL;
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(XgbConnection) refused = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (keystore_copy);
  params = cert_params (passphrase);
  connection = xgb_connection_new (params);
  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xgb_connection_get_session_info (connection)->mechanism, ==, "EXTERNAL");
  xgb_connection_disconnect (connection);

  wrong = cert_params (wrong_passphrase);
  refused = xgb_connection_new (wrong);
  g_assert_false (xgb_test_connect (refused, &error));
  g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE);
}

static void
test_cli_external (void)
{
  g_autofree char *file = write_input ("p12.pass", passphrase);
  g_autofree char *wrong = write_input ("wrong-p12.pass", wrong_passphrase);
  const char *args[] = { "--port", xgb_test_env ("XGB_TEST_CERT_PORT"), "--cert", keystore_copy,
                         "--passphrase-file", file, "--json", "whoami", NULL };
  const char *wrong_args[] = { "--port", xgb_test_env ("XGB_TEST_CERT_PORT"), "--cert", keystore_copy,
                               "--passphrase-file", wrong, "whoami", NULL };
  g_autofree char *so = NULL;
  g_autofree char *se = NULL;
  g_autofree char *mechanism = NULL;

  g_assert_cmpint (run_cli (args, NULL, &so, NULL), ==, 0);
  mechanism = json_mechanism (so);
  g_assert_cmpstr (mechanism, ==, "EXTERNAL");
  g_assert_cmpint (run_cli (wrong_args, NULL, NULL, &se), ==, 3);
  g_assert_nonnull (strstr (se, "Wrong passphrase"));
}

static void
test_cert_account (void)
{
  g_autoptr(XgbLoginParams) params = cert_params (passphrase);

  save_account (params, XGB_SECRET_PASSPHRASE, passphrase);
}

/* --- the scans ------------------------------------------------------------------ */

static void
scan_everything (GPtrArray *findings,
                 guint     *n_files)
{
  /* what was written, and what was printed and logged */
  *n_files = xgb_secret_scan_tree (scan, home, findings);
  *n_files += xgb_secret_scan_tree (scan, tmp, findings);
  *n_files += xgb_secret_scan_tree (scan, out, findings);
}

/* The scan finds each secret, in each encoding, where it is planted:
 * deep in a hidden folder, as the app's files are */
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
  g_autofree char *listing = NULL;
  guint n_files = 0;

  scan_everything (findings, &n_files);
  listing = xgb_test_list_tree (root);
  g_test_message ("scanned %u files for %u needles:\n%s", n_files, xgb_secret_scan_get_n_needles (scan), listing);
  /* what must be there is there: the log, every xgb-cli run's output,
   * the account, the keyring (and the keystore on ejabberd) */
  g_assert_cmpuint (n_files, >=, 2 * n_runs + 3);
  for (guint i = 0; i < findings->len; i++)
    g_test_message ("FOUND %s", (char *) g_ptr_array_index (findings, i));
  g_assert_cmpuint (findings->len, ==, 0);
}

/* Even with umask 000: the keystore and the audit log */
static void
test_file_modes (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *state = g_build_filename (g_get_user_state_dir (), "xgb-broker", NULL);
  g_autofree char *keystore = xgb_keystore_get_default_dir ();
  g_autofree char *data = g_build_filename (g_get_user_data_dir (), "xgb-broker", NULL);
  guint n;

  g_assert_cmpuint (umask (0), ==, 0);
  n = xgb_test_check_private_tree (state, problems);
  g_assert_cmpuint (n, >=, 1);    /* audit.jsonl */
  if (!plain_only)
    {
      n = xgb_test_check_private_tree (keystore, problems);
      g_assert_cmpuint (n, >=, 1);  /* the PKCS#12 copy */
      /* the folder above it, made on the way */
      xgb_test_check_private_tree (data, problems);
    }
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s", (char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
}

/* --- setting up ---------------------------------------------------------------- */

static void
add_secrets (void)
{
  const char *jid = xgb_test_env ("XGB_TEST_ADMIN_JID");

  scan = xgb_secret_scan_new ();
  xgb_secret_scan_add_login (scan, "admin's password", jid, xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  xgb_secret_scan_add_login (scan, "a wrong password", jid, wrong_password);
  xgb_secret_scan_add (scan, "alice's password", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  if (!plain_only)
    {
      xgb_secret_scan_add (scan, "the PKCS#12 passphrase", passphrase);
      xgb_secret_scan_add (scan, "a wrong passphrase", wrong_passphrase);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* meson sets MALLOC_PERTURB_: glibc would then overwrite some freed
   * blocks itself and hide copies that were freed without a wipe */
  mallopt (M_PERTURB, 0);
  /* The laxest umask there is: the app's files must be private anyway */
  umask (0);

  {
    XgbTestHome h;

    xgb_test_home_setup (&h, "xgb-test-secrets");
    root = h.root;
    home = h.home;
    tmp = h.tmp;
    in = h.in;
    out = h.out;
  }

  {
    g_autofree char *core_log = g_build_filename (out, "core.log", NULL);

    xgb_test_log_capture_start (core_log);
  }

  plain_only = g_getenv ("XGB_TEST_EXPECT_PLAIN_ONLY") != NULL;
  wrong_password = random_secret (20);
  if (!plain_only)
    {
      g_autofree char *pass_file = cert_path ("admin.p12.pass");
      g_autoptr(GError) error = NULL;

      passphrase = xgb_password_read_file (pass_file, &error);
      g_assert_no_error (error);
      wrong_passphrase = random_secret (24);
    }
  add_secrets ();

  /* A private session bus with gnome-keyring (its files under TMPDIR) */
  with_keyring = xgb_secret_store_is_built ();
  if (xgb_test_secret_bus_up (with_keyring) != with_keyring)
    {
      g_print ("Bail out! gnome-keyring-daemon is not installed (build-aux/deps.sh installs it)\n");
      return 1;
    }

  /* the most there is to log, here and in xgb-cli (not the keyring's) */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_setenv ("XGB_DEBUG", "xmpp", TRUE);

  g_test_init (&argc, &argv, NULL);
  /* after g_test_init(), which sets its own */
  xgb_test_log_capture_after_init ();

  g_test_add_func ("/secrets/tls-config-private", test_tls_config);
  g_test_add_func ("/secrets/core-login", test_core_login);
  if (plain_only)
    g_test_add_func ("/secrets/core-plain-refused", test_core_plain_refused);
  g_test_add_func ("/secrets/core-wrong-password", test_core_wrong_password);
  g_test_add_func ("/secrets/core-memory", test_core_memory);
  g_test_add_func ("/secrets/cli-password-file", test_cli_password_file);
  g_test_add_func ("/secrets/cli-env", test_cli_env);
  g_test_add_func ("/secrets/cli-wrong-password", test_cli_wrong_password);
  g_test_add_func ("/secrets/cli-change", test_cli_change);
  g_test_add_func ("/secrets/account", test_account);
  if (!plain_only)
    {
      g_test_add_func ("/secrets/keystore-import", test_keystore);
      g_test_add_func ("/secrets/external", test_external);
      g_test_add_func ("/secrets/cli-external", test_cli_external);
      g_test_add_func ("/secrets/cert-account", test_cert_account);
    }
  g_test_add_func ("/secrets/scanner-works", test_scanner_works);
  g_test_add_func ("/secrets/no-secret-anywhere", test_no_secret_anywhere);
  g_test_add_func ("/secrets/file-modes", test_file_modes);

  ret = g_test_run ();

  g_assert_true (xgb_connection_wait_for_threads (10000));
  xgb_test_secret_bus_down ();
  xgb_test_log_capture_stop ();
  if (g_getenv ("XGB_TEST_KEEP_DIR") == NULL)
    xgb_test_remove_tree (root);
  else
    g_printerr ("test-secrets: kept %s\n", root);
  xgb_secret_scan_free (scan);
  xgb_secret_free (wrong_password);
  xgb_secret_free (passphrase);
  xgb_secret_free (wrong_passphrase);
  return ret;
}
