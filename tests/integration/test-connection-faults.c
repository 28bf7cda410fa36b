/* test-connection-faults.c - XgbConnection against the scripted server,
 * for faults no real server produces (run under with-fake.sh)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-test-util.h"
#include "xgb-xml.h"

#define MAX_GAP_MS 500.0
/* Short deadlines keep the suite fast; the logic is the same at 20 s. */
#define CONNECT_TIMEOUT_MS 2000

static XgbConnection *
fake (const char *port_var,
      const char *password)
{
  g_autofree char *jid = g_strdup_printf ("alice@%s", xgb_test_env ("XGB_FAKE_DOMAIN"));
  g_autoptr(XgbLoginParams) params = xgb_test_params (jid, password, port_var, "XGB_FAKE_CA_FILE");
  XgbConnection *connection = xgb_connection_new (params);

  xgb_connection_set_connect_timeout (connection, CONNECT_TIMEOUT_MS);
  return connection;
}

static XgbConnection *
logged_in (void)
{
  XgbConnection *connection = fake ("XGB_FAKE_TLS_PORT", "secret");
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);
  return connection;
}

static char *
special (const char *name)
{
  return g_strdup_printf ("%s.%s", name, xgb_test_env ("XGB_FAKE_DOMAIN"));
}

/* A peer that never answers, and one that stalls inside the TLS
 * handshake (where libstrophe blocks): the caller's loop keeps running
 * and the login fails with a timeout at the deadline. */
static void
check_stalled_peer (const char *port_var)
{
  g_autoptr(XgbConnection) connection = fake (port_var, "secret");
  g_autoptr(GError) error = NULL;
  XgbGapMeter *meter = xgb_gap_meter_start ();
  gint64 start = g_get_monotonic_time ();
  double elapsed, gap;

  g_assert_false (xgb_test_connect (connection, &error));
  elapsed = (double) (g_get_monotonic_time () - start) / 1000.0;
  gap = xgb_gap_meter_stop (meter);

  g_assert_error (error, XGB_ERROR, XGB_ERROR_TIMEOUT);
  g_test_message ("%s: failed after %.0f ms (deadline %d ms), longest main-loop gap %.1f ms",
                  port_var, elapsed, CONNECT_TIMEOUT_MS, gap);
  g_assert_cmpfloat (elapsed, >=, CONNECT_TIMEOUT_MS * 0.9);
  g_assert_cmpfloat (elapsed, <, CONNECT_TIMEOUT_MS + 3000);
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_FAILED);
}

static void
test_silent_peer (void)
{
  check_stalled_peer ("XGB_FAKE_SILENT_PORT");
}

static void
test_stall_after_proceed (void)
{
  check_stalled_peer ("XGB_FAKE_STALL_PORT");
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} ConnectResult;

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  ConnectResult *r = data;

  r->ok = xgb_connection_connect_finish (XGB_CONNECTION (object), result, &r->error);
  r->done = TRUE;
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_stalled_handshake (void)
{
  g_autoptr(XgbConnection) connection = fake ("XGB_FAKE_STALL_PORT", "secret");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ConnectResult r = { 0 };
  XgbGapMeter *meter;
  gint64 start;
  double elapsed, gap;

  /* The full 20 s deadline: only Cancel can end this quickly. */
  xgb_connection_set_connect_timeout (connection, XGB_CONNECTION_CONNECT_TIMEOUT_MS);
  meter = xgb_gap_meter_start ();
  start = g_get_monotonic_time ();
  xgb_connection_connect_async (connection, cancellable, connect_cb, &r);
  g_timeout_add (300, cancel_cb, cancellable);
  xgb_test_wait (&r.done, 10);
  elapsed = (double) (g_get_monotonic_time () - start) / 1000.0;
  gap = xgb_gap_meter_stop (meter);

  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_test_message ("cancelled after %.0f ms, longest gap %.1f ms", elapsed, gap);
  g_assert_cmpfloat (elapsed, <, 2000);
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_DISCONNECTED);

  /* The same object can log in again afterwards. */
  r = (ConnectResult) { 0 };
  xgb_connection_set_connect_timeout (connection, CONNECT_TIMEOUT_MS);
  xgb_connection_connect_async (connection, NULL, connect_cb, &r);
  xgb_test_wait (&r.done, 10);
  g_assert_error (r.error, XGB_ERROR, XGB_ERROR_TIMEOUT);
  g_clear_error (&r.error);
}

static void
test_tls11_refused (void)
{
  g_autoptr(XgbConnection) connection = fake ("XGB_FAKE_TLS11_PORT", "secret");
  g_autoptr(GError) error = NULL;
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%s", xgb_test_env ("XGB_FAKE_TLS11_PORT"));
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = {
    "openssl", "s_client", "-connect", connect, "-starttls", "xmpp",
    "-xmpphost", xgb_test_env ("XGB_FAKE_DOMAIN"), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", NULL
  };

  /* This process runs with a permissive OPENSSL_CONF (see main()). */
  g_assert_cmpstr (g_getenv ("OPENSSL_CONF"), ==, xgb_test_env ("XGB_FAKE_PERMISSIVE_CONF"));

  /* Positive control: with that configuration, a client without our
   * floor does get TLS 1.1 from this peer. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  if (strstr (out, "TLSv1.1") == NULL)
    g_error ("positive control failed: the peer did not negotiate TLS 1.1:\n%s", out);

  /* Our connection refuses it. */
  g_assert_false (xgb_test_connect (connection, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_TLS);
}

static void
test_login_and_wrong_password (void)
{
  g_autoptr(XgbConnection) ok = logged_in ();
  g_autoptr(XgbConnection) bad = fake ("XGB_FAKE_TLS_PORT", "wrong");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (xgb_connection_get_state (ok), ==, XGB_CONNECTION_STATE_CONNECTED);
  g_assert_false (xgb_test_connect (bad, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED);
}

static void
test_not_connected (void)
{
  g_autoptr(XgbConnection) connection = fake ("XGB_FAKE_TLS_PORT", "secret");
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xgb_test_send_iq (connection, "get", NULL, NULL, NULL, &error);

  g_assert_null (doc);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_NOT_CONNECTED);
}

static void
test_iq_timeout (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(GError) error = NULL;
  g_autofree char *to = special ("silent");
  g_autoptr(xmlDoc) doc = NULL;
  gint64 start = g_get_monotonic_time ();

  xgb_connection_set_iq_timeout (connection, 500);
  doc = xgb_test_send_iq (connection, "get", to, NULL, NULL, &error);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 450 * 1000);
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 0);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_CONNECTED);
}

static void
test_iq_cancel (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *to = special ("silent");
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlDoc) after = NULL;
  gint64 start = g_get_monotonic_time ();

  g_timeout_add (100, cancel_cb, cancellable);
  doc = xgb_test_send_iq (connection, "get", to, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 0);
  g_clear_error (&error);

  /* An already cancelled request is not even sent. */
  doc = xgb_test_send_iq (connection, "get", NULL, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  after = xgb_test_send_iq (connection, "get", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (after);
}

static void
test_from_check (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(GError) error = NULL;
  g_autofree char *wrongfrom = special ("wrongfrom");
  g_autofree char *spoofthenreal = special ("spoofthenreal");
  g_autofree char *other = special ("other");
  g_autoptr(xmlDoc) spoofed = NULL;
  g_autoptr(xmlDoc) real = NULL;
  g_autoptr(xmlDoc) own = NULL;
  g_autoptr(xmlDoc) plain = NULL;
  g_autofree char *from = NULL;

  xgb_connection_set_iq_timeout (connection, 1500);

  /* Only a reply from someone else: ignored, so the request times out. */
  spoofed = xgb_test_send_iq (connection, "get", wrongfrom, NULL, NULL, &error);
  g_assert_null (spoofed);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_TIMEOUT);
  g_clear_error (&error);

  /* A spoofed reply first, the real one later: the real one counts. */
  real = xgb_test_send_iq (connection, "get", spoofthenreal, NULL, NULL, &error);
  g_assert_no_error (error);
  from = xgb_xml_get_attr (xmlDocGetRootElement (real), "from");
  g_assert_cmpstr (from, ==, spoofthenreal);
  g_assert_nonnull (xgb_xml_child (xmlDocGetRootElement (real), "query", "urn:test:ok"));

  /* RFC 6120 10.1: a request to the own account may be answered
   * without 'from'. */
  own = xgb_test_send_iq (connection, "get", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  plain = xgb_test_send_iq (connection, "get", other, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
test_stanza_error (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autoptr(GError) error = NULL;
  g_autofree char *to = special ("error");
  g_autoptr(xmlDoc) doc = xgb_test_send_iq (connection, "set", to, NULL, NULL, &error);

  g_assert_null (doc);
  g_assert_error (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED);
  g_assert_nonnull (strstr (error->message, "purge-nodes"));
  g_assert_nonnull (strstr (error->message, "Purging is off here"));
}

typedef struct
{
  guint   outstanding;
  GError *errors[2];
} Pair;

static void
pair_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Pair *pair = data;
  g_autoptr(xmlDoc) doc = NULL;

  pair->outstanding--;
  doc = xgb_connection_send_iq_finish (XGB_CONNECTION (object), result, &pair->errors[pair->outstanding]);
}

static void
test_connection_dropped (void)
{
  g_autoptr(XgbConnection) connection = logged_in ();
  g_autofree char *silent = special ("silent");
  g_autofree char *drop = special ("drop");
  Pair pair = { .outstanding = 2 };
  gboolean done = FALSE;

  xgb_connection_send_iq_async (connection, "get", silent, NULL, NULL, pair_cb, &pair);
  xgb_connection_send_iq_async (connection, "get", drop, NULL, NULL, pair_cb, &pair);
  while (!done)
    {
      done = pair.outstanding == 0;
      if (!done)
        g_main_context_iteration (NULL, TRUE);
    }

  /* Outcome unknown for both: the admin is told so. */
  for (int i = 0; i < 2; i++)
    {
      g_assert_error (pair.errors[i], XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
      g_assert_nonnull (strstr (pair.errors[i]->message, "may or may not"));
      g_clear_error (&pair.errors[i]);
    }
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_FAILED);
  g_assert_error (xgb_connection_get_error (connection), XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Before anything loads OpenSSL: prove that a permissive system
   * configuration does not lower the app's TLS floor. */
  g_setenv ("OPENSSL_CONF", xgb_test_env ("XGB_FAKE_PERMISSIVE_CONF"), TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faults/silent-peer", test_silent_peer);
  g_test_add_func ("/faults/stall-after-proceed", test_stall_after_proceed);
  g_test_add_func ("/faults/cancel-stalled-handshake", test_cancel_stalled_handshake);
  g_test_add_func ("/faults/tls11-refused", test_tls11_refused);
  g_test_add_func ("/faults/login-and-wrong-password", test_login_and_wrong_password);
  g_test_add_func ("/faults/not-connected", test_not_connected);
  g_test_add_func ("/faults/iq-timeout", test_iq_timeout);
  g_test_add_func ("/faults/iq-cancel", test_iq_cancel);
  g_test_add_func ("/faults/from-check", test_from_check);
  g_test_add_func ("/faults/stanza-error", test_stanza_error);
  g_test_add_func ("/faults/connection-dropped", test_connection_dropped);

  ret = g_test_run ();
  /* Let finalized connections close their streams before exiting. */
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
