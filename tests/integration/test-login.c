/* test-login.c — logs in to a real XMPP server with libstrophe.
 *
 * Runs under tests/servers/with-server.sh, which exports the XGB_TEST_*
 * variables of the server it started (see tests/servers/README.md).
 * GLib + libstrophe only: no project code.  TAP output (g_test).
 *
 * Every network wait is a bounded loop of xmpp_run_once() with an overall
 * deadline, so a broken server fails a test instead of hanging it.
 */
#include <glib.h>
#include <strophe.h>
#include <stdlib.h>
#include <string.h>

#define DEADLINE_S 20
#define PAYLOAD_SIZE (1024 * 1024)
#define BLOB_NS "urn:xgb:test:blob"

typedef struct {
  const char *host;
  guint16 port;
  guint16 cert_port; /* 0: the server has no client-certificate port */
  const char *domain;
  const char *ca_file;
  const char *cert_dir;
  const char *alice_jid;
  const char *alice_password;
  const char *admin_jid;
  const char *bob_jid;
  const char *bob_password;
  const char *pubsub;
} Env;

static Env env;

typedef struct {
  xmpp_ctx_t *ctx;
  xmpp_conn_t *conn;
  xmpp_log_t log;
  gboolean connected;     /* saw XMPP_CONN_CONNECT */
  gboolean disconnected;  /* saw XMPP_CONN_DISCONNECT or _FAIL */
  int error;              /* error of the last connection event */
  gboolean auth_failed;   /* libstrophe logged "Cannot authenticate" */
  gboolean sent_external; /* an <auth mechanism="EXTERNAL"> went out */
  /* IQ round trip */
  gboolean iq_done;
  xmpp_stanza_t *reply;   /* the answer to the last send_iq() */
} Session;

/* Logger: never keep or print debug lines (they contain whole stanzas,
 * SASL exchanges included); only look for two markers in them. */
static void
log_handler (void *userdata, xmpp_log_level_t level, const char *area,
             const char *msg)
{
  Session *s = userdata;

  if (level >= XMPP_LEVEL_WARN)
    g_test_message ("libstrophe %s: %.300s", area, msg);
  if (strstr (msg, "Cannot authenticate") != NULL)
    s->auth_failed = TRUE;
  if (g_str_has_prefix (msg, "SENT: <auth ")
      && strstr (msg, "mechanism=\"EXTERNAL\"") != NULL)
    s->sent_external = TRUE;
}

static void
conn_handler (xmpp_conn_t *conn G_GNUC_UNUSED, xmpp_conn_event_t event,
              int error, xmpp_stream_error_t *stream_error, void *userdata)
{
  Session *s = userdata;

  s->error = error;
  switch (event)
    {
    case XMPP_CONN_CONNECT:
      s->connected = TRUE;
      break;
    case XMPP_CONN_RAW_CONNECT:
      break;
    case XMPP_CONN_DISCONNECT:
    case XMPP_CONN_FAIL:
      s->disconnected = TRUE;
      if (stream_error != NULL && stream_error->text != NULL)
        g_test_message ("stream error: %.200s", stream_error->text);
      break;
    default:
      g_test_message ("unexpected connection event %d", (int) event);
      break;
    }
}

/* Never prompt on a terminal for a key passphrase: the test keys have none. */
static int
password_cb (char *pw G_GNUC_UNUSED, size_t pw_max G_GNUC_UNUSED,
             xmpp_conn_t *conn G_GNUC_UNUSED, void *userdata G_GNUC_UNUSED)
{
  return -1;
}

static Session *
session_new (void)
{
  Session *s = g_new0 (Session, 1);

  s->log.handler = log_handler;
  s->log.userdata = s;
  s->ctx = xmpp_ctx_new (NULL, &s->log);
  g_assert_nonnull (s->ctx);
  s->conn = xmpp_conn_new (s->ctx);
  g_assert_nonnull (s->conn);
  g_assert_cmpint (xmpp_conn_set_flags (s->conn,
                                        XMPP_CONN_FLAG_MANDATORY_TLS
                                        | XMPP_CONN_FLAG_DISABLE_SM),
                   ==, XMPP_EOK);
  xmpp_conn_set_cafile (s->conn, env.ca_file);
  xmpp_conn_set_password_callback (s->conn, password_cb, NULL);
  return s;
}

static void
session_free (Session *s)
{
  /* stanzas belong to the context: release them first */
  if (s->reply != NULL)
    xmpp_stanza_release (s->reply);
  if (s->conn != NULL)
    {
      if (s->connected && !s->disconnected)
        {
          gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

          xmpp_disconnect (s->conn);
          while (!s->disconnected && g_get_monotonic_time () < deadline)
            xmpp_run_once (s->ctx, 50);
        }
      xmpp_conn_release (s->conn);
    }
  xmpp_ctx_free (s->ctx);
  g_free (s);
}

/* Runs the event loop until *flag or the connection ends or the deadline. */
static void
run_until (Session *s, const gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_S * G_USEC_PER_SEC;

  while (!*flag && !s->disconnected && g_get_monotonic_time () < deadline)
    xmpp_run_once (s->ctx, 50);
}

/* Connects and waits until logged in, refused, or DEADLINE_S passed. */
static void
session_login (Session *s, guint16 port)
{
  int rc;

  rc = xmpp_connect_client (s->conn, env.host, port, conn_handler, s);
  g_assert_cmpint (rc, ==, XMPP_EOK);
  run_until (s, &s->connected);
  if (!s->connected && !s->disconnected)
    g_test_message ("no answer within %d s", DEADLINE_S);
}

static void
assert_bound_to (Session *s, const char *bare_jid)
{
  const char *bound = xmpp_conn_get_bound_jid (s->conn);
  g_autofree char *prefix = g_strconcat (bare_jid, "/", NULL);

  g_assert_nonnull (bound);
  g_assert_true (g_str_has_prefix (bound, prefix));
}

static void
test_password_login (void)
{
  Session *s = session_new ();

  xmpp_conn_set_jid (s->conn, env.alice_jid);
  xmpp_conn_set_pass (s->conn, env.alice_password);
  session_login (s, env.port);

  g_assert_true (s->connected);
  g_assert_false (s->disconnected);
  g_assert_true (xmpp_conn_is_secured (s->conn));
  assert_bound_to (s, env.alice_jid);
  session_free (s);
}

static void
test_wrong_password (void)
{
  Session *s = session_new ();
  g_autofree char *wrong = g_strconcat (env.alice_password, "-wrong", NULL);

  xmpp_conn_set_jid (s->conn, env.alice_jid);
  xmpp_conn_set_pass (s->conn, wrong);
  session_login (s, env.port);

  g_assert_false (s->connected);
  /* refused (not timed out), and because of the credentials */
  g_assert_true (s->disconnected);
  g_assert_true (s->auth_failed);
  session_free (s);
}

static void
test_external_login (void)
{
  Session *s = session_new ();
  g_autofree char *cert = g_build_filename (env.cert_dir, "admin.crt", NULL);
  g_autofree char *key = g_build_filename (env.cert_dir, "admin.key", NULL);

  /* certificate mode: no password, or a failed EXTERNAL would silently
   * fall back to SCRAM */
  xmpp_conn_set_jid (s->conn, env.admin_jid);
  xmpp_conn_set_client_cert (s->conn, cert, key);
  g_assert_cmpuint (xmpp_conn_cert_xmppaddr_num (s->conn), ==, 1);
  session_login (s, env.cert_port);

  g_assert_true (s->connected);
  g_assert_true (s->sent_external);
  assert_bound_to (s, env.admin_jid);
  session_free (s);
}

static void
test_external_expired_refused (void)
{
  Session *s = session_new ();
  g_autofree char *cert = g_build_filename (env.cert_dir, "expired.crt", NULL);
  g_autofree char *key = g_build_filename (env.cert_dir, "expired.key", NULL);
  g_autofree char *jid = g_strconcat ("expired@", env.domain, NULL);

  xmpp_conn_set_jid (s->conn, jid);
  xmpp_conn_set_client_cert (s->conn, cert, key);
  session_login (s, env.cert_port);

  /* ejabberd completes the TLS handshake and offers EXTERNAL, then
   * refuses the expired certificate in SASL */
  g_assert_false (s->connected);
  g_assert_true (s->disconnected);
  g_assert_true (s->sent_external);
  session_free (s);
}

static int
iq_handler (xmpp_conn_t *conn G_GNUC_UNUSED, xmpp_stanza_t *stanza,
            void *userdata)
{
  Session *s = userdata;

  s->iq_done = TRUE;
  s->reply = xmpp_stanza_clone (stanza);
  return 0; /* one-shot */
}

/* Sends IQ (consumes the reference) and waits for the answer (s->reply)
 * or the deadline.  Returns the answer's type ("" if none). */
static const char *
send_iq (Session *s, xmpp_stanza_t *iq)
{
  const char *id = xmpp_stanza_get_id (iq);
  const char *type;

  g_assert_nonnull (id);
  if (s->reply != NULL)
    xmpp_stanza_release (s->reply);
  s->reply = NULL;
  s->iq_done = FALSE;

  xmpp_id_handler_add (s->conn, iq_handler, id, s);
  xmpp_send (s->conn, iq);
  run_until (s, &s->iq_done);
  if (!s->iq_done)
    xmpp_id_handler_delete (s->conn, iq_handler, id);
  xmpp_stanza_release (iq);
  if (s->reply == NULL)
    return "";
  type = xmpp_stanza_get_type (s->reply);
  return type != NULL ? type : "";
}

static xmpp_stanza_t *
new_child (xmpp_stanza_t *parent, const char *name, const char *ns)
{
  xmpp_stanza_t *child = xmpp_stanza_new (xmpp_stanza_get_context (parent));

  xmpp_stanza_set_name (child, name);
  if (ns != NULL)
    xmpp_stanza_set_ns (child, ns);
  xmpp_stanza_add_child (parent, child);
  xmpp_stanza_release (child);
  return child; /* owned by parent */
}

/* <iq type=TYPE to=own-bare-jid><query xmlns=jabber:iq:private>
 * <blob xmlns=BLOB_NS>TEXT</blob></query></iq> */
static const char *
private_iq (Session *s, const char *jid, const char *type, const char *id,
            const char *text)
{
  xmpp_stanza_t *iq, *blob;

  iq = xmpp_iq_new (s->ctx, type, id);
  xmpp_stanza_set_to (iq, jid);
  blob = new_child (new_child (iq, "query", "jabber:iq:private"),
                    "blob", BLOB_NS);
  if (text != NULL)
    {
      xmpp_stanza_t *t = xmpp_stanza_new (s->ctx);

      xmpp_stanza_set_text (t, text);
      xmpp_stanza_add_child (blob, t);
      xmpp_stanza_release (t);
    }
  return send_iq (s, iq);
}

/* text of <query xmlns=jabber:iq:private><blob/> in s->reply, or NULL */
static char *
reply_blob_text (Session *s)
{
  xmpp_stanza_t *query, *blob;
  char *text, *copy;

  if (s->reply == NULL)
    return NULL;
  query = xmpp_stanza_get_child_by_name_and_ns (s->reply, "query",
                                                 "jabber:iq:private");
  blob = query != NULL
    ? xmpp_stanza_get_child_by_name_and_ns (query, "blob", BLOB_NS) : NULL;
  if (blob == NULL)
    return NULL;
  text = xmpp_stanza_get_text (blob);
  copy = g_strdup (text != NULL ? text : "");
  if (text != NULL)
    xmpp_free (s->ctx, text);
  return copy;
}

static char *
make_payload (gsize size)
{
  GString *str = g_string_sized_new (size + 64);
  guint i;

  /* one long line; a few characters that need escaping */
  for (i = 0; str->len < size; i++)
    g_string_append_printf (str, "%s%08u-xgb-payload-",
                            i % 8192 == 0 ? "<&>\"'" : "", i);
  g_string_truncate (str, size);
  return g_string_free (str, FALSE);
}

static void
test_large_private_roundtrip (void)
{
  Session *s = session_new ();
  g_autofree char *payload = make_payload (PAYLOAD_SIZE);
  g_autofree char *text = NULL;
  gint64 t0;

  xmpp_conn_set_jid (s->conn, env.bob_jid);
  xmpp_conn_set_pass (s->conn, env.bob_password);
  session_login (s, env.port);
  g_assert_true (s->connected);

  t0 = g_get_monotonic_time ();
  g_assert_cmpstr (private_iq (s, env.bob_jid, "set", "xgb-set-1", payload),
                   ==, "result");
  g_assert_false (s->disconnected);
  g_test_message ("1 MB set: %.2f s",
                  (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC);

  t0 = g_get_monotonic_time ();
  g_assert_cmpstr (private_iq (s, env.bob_jid, "get", "xgb-get-1", NULL),
                   ==, "result");
  g_assert_false (s->disconnected);
  text = reply_blob_text (s);
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), ==, PAYLOAD_SIZE);
  g_assert_true (strcmp (text, payload) == 0);
  g_test_message ("1 MB get: %.2f s",
                  (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC);
  session_free (s);
}

/* The pubsub service answers disco#info as a pubsub service. */
static void
test_pubsub_disco (void)
{
  Session *s = session_new ();
  xmpp_stanza_t *iq, *query, *child;
  gboolean is_pubsub = FALSE, has_ns = FALSE;

  xmpp_conn_set_jid (s->conn, env.alice_jid);
  xmpp_conn_set_pass (s->conn, env.alice_password);
  session_login (s, env.port);
  g_assert_true (s->connected);

  iq = xmpp_iq_new (s->ctx, "get", "xgb-disco-1");
  xmpp_stanza_set_to (iq, env.pubsub);
  new_child (iq, "query", "http://jabber.org/protocol/disco#info");
  g_assert_cmpstr (send_iq (s, iq), ==, "result");

  query = xmpp_stanza_get_child_by_name_and_ns (s->reply, "query",
                                                 "http://jabber.org/protocol/disco#info");
  g_assert_nonnull (query);
  for (child = xmpp_stanza_get_children (query); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      const char *name = xmpp_stanza_get_name (child);

      if (g_strcmp0 (name, "identity") == 0
          && g_strcmp0 (xmpp_stanza_get_attribute (child, "category"), "pubsub") == 0
          && g_strcmp0 (xmpp_stanza_get_attribute (child, "type"), "service") == 0)
        is_pubsub = TRUE;
      if (g_strcmp0 (name, "feature") == 0
          && g_strcmp0 (xmpp_stanza_get_attribute (child, "var"),
                        "http://jabber.org/protocol/pubsub") == 0)
        has_ns = TRUE;
    }
  g_assert_true (is_pubsub);
  g_assert_true (has_ns);
  session_free (s);
}

static const char *
require_env (const char *name)
{
  const char *v = g_getenv (name);

  if (v == NULL || *v == '\0')
    {
      /* not a skip: an integration test that cannot run is a failure */
      g_print ("Bail out! %s is not set (run under tests/servers/with-server.sh)\n",
               name);
      exit (1);
    }
  return v;
}

static guint16
parse_port (const char *name, const char *v)
{
  guint64 port = 0;

  if (!g_ascii_string_to_unsigned (v, 10, 1, 65535, &port, NULL))
    {
      g_print ("Bail out! %s=%s is not a port\n", name, v);
      exit (1);
    }
  return (guint16) port;
}

int
main (int argc, char **argv)
{
  const char *cert_port;

  g_test_init (&argc, &argv, NULL);

  env.host = require_env ("XGB_TEST_HOST");
  env.port = parse_port ("XGB_TEST_PORT", require_env ("XGB_TEST_PORT"));
  env.domain = require_env ("XGB_TEST_DOMAIN");
  env.ca_file = require_env ("XGB_TEST_CA_FILE");
  env.cert_dir = require_env ("XGB_TEST_CERT_DIR");
  env.alice_jid = require_env ("XGB_TEST_ALICE_JID");
  env.alice_password = require_env ("XGB_TEST_ALICE_PASSWORD");
  env.admin_jid = require_env ("XGB_TEST_ADMIN_JID");
  env.bob_jid = require_env ("XGB_TEST_BOB_JID");
  env.bob_password = require_env ("XGB_TEST_BOB_PASSWORD");
  env.pubsub = require_env ("XGB_TEST_PUBSUB");
  cert_port = g_getenv ("XGB_TEST_CERT_PORT");
  if (cert_port != NULL && *cert_port != '\0')
    env.cert_port = parse_port ("XGB_TEST_CERT_PORT", cert_port);

  xmpp_initialize ();

  g_test_add_func ("/login/password", test_password_login);
  g_test_add_func ("/login/wrong-password", test_wrong_password);
  if (env.cert_port != 0)
    {
      g_test_add_func ("/login/external", test_external_login);
      g_test_add_func ("/login/external-expired-refused",
                       test_external_expired_refused);
    }
  g_test_add_func ("/iq/private-1mb-roundtrip", test_large_private_roundtrip);
  g_test_add_func ("/pubsub/disco-info", test_pubsub_disco);

  int ret = g_test_run ();
  xmpp_shutdown ();
  return ret;
}
