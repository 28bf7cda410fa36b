/* test-connection.c - XgbConnection against a real ejabberd or Prosody
 * (run under tests/servers/with-server.sh)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "xgb-disco.h"
#include "xgb-error.h"
#include "xgb-test-util.h"
#include "xgb-xml.h"

/* A blocking design stalls the caller's loop for seconds; a working one
 * for a few milliseconds.  0.5 s separates the two by a wide margin. */
#define MAX_GAP_MS 500.0

static XgbConnection *
admin (void)
{
  g_autoptr(XgbLoginParams) params =
    xgb_test_params (xgb_test_env ("XGB_TEST_ADMIN_JID"), xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"),
                     "XGB_TEST_PORT", "XGB_TEST_CA_FILE");

  return xgb_connection_new (params);
}

static XgbConnection *
alice (void)
{
  g_autoptr(XgbLoginParams) params =
    xgb_test_params (xgb_test_env ("XGB_TEST_ALICE_JID"), xgb_test_env ("XGB_TEST_ALICE_PASSWORD"),
                     "XGB_TEST_PORT", "XGB_TEST_CA_FILE");

  return xgb_connection_new (params);
}

static void
state_cb (XgbConnection *connection,
          GParamSpec    *pspec,
          GString       *states)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (XGB_TYPE_CONNECTION_STATE);

  g_string_append_printf (states, "%s ",
                          g_enum_get_value (klass, xgb_connection_get_state (connection))->value_nick);
}

static void
test_login (void)
{
  g_autoptr(XgbConnection) connection = alice ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) states = g_string_new (NULL);
  g_autofree char *prefix = g_strconcat (xgb_test_env ("XGB_TEST_ALICE_JID"), "/", NULL);
  XgbGapMeter *meter;
  double gap;

  g_signal_connect (connection, "notify::state", G_CALLBACK (state_cb), states);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_DISCONNECTED);

  meter = xgb_gap_meter_start ();
  g_assert_true (xgb_test_connect (connection, &error));
  gap = xgb_gap_meter_stop (meter);

  g_assert_no_error (error);
  g_assert_cmpstr (states->str, ==, "connecting connected ");
  g_assert_true (g_str_has_prefix (xgb_connection_get_jid (connection), prefix));
  g_assert_null (xgb_connection_get_error (connection));
  g_test_message ("longest main-loop gap during login: %.1f ms", gap);
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);

  xgb_connection_disconnect (connection);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpstr (states->str, ==, "connecting connected disconnected ");
}

static void
test_wrong_password (void)
{
  g_autoptr(XgbLoginParams) params =
    xgb_test_params (xgb_test_env ("XGB_TEST_ALICE_JID"), "not-the-password",
                     "XGB_TEST_PORT", "XGB_TEST_CA_FILE");
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;

  g_assert_false (xgb_test_connect (connection, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_FAILED);
  g_assert_error (xgb_connection_get_error (connection), XGB_ERROR, XGB_ERROR_AUTH_FAILED);
  g_assert_null (strstr (error->message, "not-the-password"));
}

static void
test_unknown_ca (void)
{
  /* No CA file: the system CAs do not know the test CA. */
  g_autoptr(XgbLoginParams) params =
    xgb_test_params (xgb_test_env ("XGB_TEST_ALICE_JID"), xgb_test_env ("XGB_TEST_ALICE_PASSWORD"),
                     "XGB_TEST_PORT", NULL);
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), "server.crt", NULL);
  g_autofree char *pem = NULL;
  g_autoptr(XgbCertInfo) server_cert = NULL;

  g_assert_true (g_file_get_contents (cert_path, &pem, NULL, NULL));
  server_cert = xgb_cert_info_new_from_pem (pem, NULL);
  g_assert_nonnull (server_cert);

  g_assert_false (xgb_test_connect (connection, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_TLS);
  g_test_message ("%s", error->message);
  /* The leaf's details, not the CA's, so the admin can compare them. */
  g_assert_nonnull (strstr (error->message, server_cert->sha256));
  g_assert_nonnull (strstr (error->message, server_cert->subject));
  g_assert_nonnull (strstr (error->message, server_cert->not_after));
}

static void
test_iq (void)
{
  g_autoptr(XgbConnection) connection = alice ();
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(XgbDiscoInfo) info = NULL;
  const char *domain = xgb_test_env ("XGB_TEST_DOMAIN");

  g_assert_true (xgb_test_connect (connection, &error));

  doc = xgb_test_send_iq (connection, "get", domain,
                          "<query xmlns='http://jabber.org/protocol/disco#info'/>", NULL, &error);
  g_assert_no_error (error);
  info = xgb_disco_info_parse (xmlDocGetRootElement (doc), &error);
  g_assert_no_error (error);
  g_assert_true (xgb_disco_info_has_identity (info, "server", "im"));
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 0);

  /* A stanza error keeps its RFC 6120 condition. */
  g_clear_pointer (&doc, xmlFreeDoc);
  doc = xgb_test_send_iq (connection, "get", xgb_test_env ("XGB_TEST_PUBSUB"),
                          "<query xmlns='http://jabber.org/protocol/disco#info' node='no-such-node-xgb'/>",
                          NULL, &error);
  g_assert_null (doc);
  g_assert_error (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_ITEM_NOT_FOUND);
  g_clear_error (&error);

  /* An address that is not a JID is refused before anything is sent. */
  doc = xgb_test_send_iq (connection, "get", "not a jid", NULL, NULL, &error);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Bad XML is refused by the connection, not sent. */
  doc = xgb_test_send_iq (connection, "get", domain, "<query", NULL, &error);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* ... and the session carries on. */
  doc = xgb_test_send_iq (connection, "get", NULL,
                          "<query xmlns='http://jabber.org/protocol/disco#info'/>", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);
}

static void
test_large_payload (void)
{
  g_autoptr(XgbConnection) connection = alice ();
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) set = NULL;
  g_autoptr(xmlDoc) get = NULL;
  g_autofree char *text = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *back = NULL;
  XgbGapMeter *meter;
  double gap;

  g_assert_true (xgb_test_connect (connection, &error));

  /* 1 MB through private XML storage (XEP-0049), there and back. */
  text = g_strnfill (1024 * 1024, 'x');
  payload = g_strdup_printf ("<query xmlns='jabber:iq:private'><big xmlns='urn:xgb:test'>%s</big></query>", text);
  meter = xgb_gap_meter_start ();
  set = xgb_test_send_iq (connection, "set", NULL, payload, NULL, &error);
  g_assert_no_error (error);
  get = xgb_test_send_iq (connection, "get", NULL,
                          "<query xmlns='jabber:iq:private'><big xmlns='urn:xgb:test'/></query>", NULL, &error);
  gap = xgb_gap_meter_stop (meter);
  g_assert_no_error (error);

  back = xgb_xml_get_text (xgb_xml_child (xgb_xml_child (xmlDocGetRootElement (get), "query", "jabber:iq:private"),
                                          "big", "urn:xgb:test"));
  g_assert_cmpuint (strlen (back), ==, strlen (text));
  g_test_message ("longest main-loop gap during a 1 MB round trip: %.1f ms", gap);
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);
}

typedef struct
{
  gboolean done;
  char    *node;
} MessageWait;

static void
message_cb (XgbConnection *connection,
            xmlNode       *message,
            MessageWait   *wait)
{
  xmlNode *event = xgb_xml_child (message, "event", "http://jabber.org/protocol/pubsub#event");
  xmlNode *items = xgb_xml_child (event, "items", NULL);

  if (items != NULL)
    {
      wait->node = xgb_xml_get_attr (items, "node");
      wait->done = TRUE;
    }
}

static void
test_message_signal (void)
{
  /* The admin: Prosody lets only admins create nodes. */
  g_autoptr(XgbConnection) connection = admin ();
  g_autoptr(GError) error = NULL;
  g_autofree char *node = g_strdup_printf ("xgb-test-%08x", g_random_int ());
  g_autofree char *create = NULL;
  g_autofree char *subscribe = NULL;
  g_autofree char *publish = NULL;
  const char *pubsub = xgb_test_env ("XGB_TEST_PUBSUB");
  MessageWait wait = { 0 };
  xmlDoc *doc;

  g_assert_true (xgb_test_connect (connection, &error));
  g_signal_connect (connection, "message-received", G_CALLBACK (message_cb), &wait);

  create = g_strdup_printf ("<pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='%s'/></pubsub>", node);
  subscribe = g_strdup_printf ("<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='%s' jid='%s'/></pubsub>",
                               node, xgb_connection_get_jid (connection));
  publish = g_strdup_printf ("<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='%s'>"
                             "<item id='one'><entry xmlns='urn:xgb:test'>hello</entry></item></publish></pubsub>", node);

  for (const char *payload = create; payload != NULL;
       payload = payload == create ? subscribe : payload == subscribe ? publish : NULL)
    {
      doc = xgb_test_send_iq (connection, "set", pubsub, payload, NULL, &error);
      g_assert_no_error (error);
      xmlFreeDoc (doc);
    }

  xgb_test_wait (&wait.done, 10);
  g_assert_cmpstr (wait.node, ==, node);
  g_free (wait.node);
}

typedef struct
{
  gboolean      done;
  XgbDiscoInfo *info;
  GError       *error;
} BrokerResult;

static void
broker_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  BrokerResult *r = data;

  r->info = xgb_find_broker_finish (XGB_CONNECTION (object), result, &r->error);
  r->done = TRUE;
}

static void
test_find_broker (void)
{
  g_autoptr(XgbConnection) connection = alice ();
  g_autoptr(GError) error = NULL;
  BrokerResult found = { 0 };
  BrokerResult typed = { 0 };
  BrokerResult wrong = { 0 };

  g_assert_true (xgb_test_connect (connection, &error));

  /* Among the server's items, as a login without a Broker JID does */
  xgb_find_broker_async (connection, NULL, NULL, broker_cb, &found);
  xgb_test_wait (&found.done, 30);
  g_assert_no_error (found.error);
  g_assert_cmpstr (found.info->jid, ==, xgb_test_env ("XGB_TEST_PUBSUB"));
  g_assert_true (xgb_disco_info_has_identity (found.info, "pubsub", "service"));
  g_assert_true (xgb_disco_info_has_feature (found.info, "http://jabber.org/protocol/pubsub#create-nodes"));
  g_test_message ("%s: %u features", found.info->jid, found.info->features->len);
  xgb_disco_info_free (found.info);

  /* The JID the admin typed */
  xgb_find_broker_async (connection, xgb_test_env ("XGB_TEST_PUBSUB"), NULL, broker_cb, &typed);
  xgb_test_wait (&typed.done, 30);
  g_assert_no_error (typed.error);
  g_assert_cmpstr (typed.info->jid, ==, xgb_test_env ("XGB_TEST_PUBSUB"));
  xgb_disco_info_free (typed.info);

  /* A JID that is no pubsub service is named as such. */
  xgb_find_broker_async (connection, xgb_test_env ("XGB_TEST_DOMAIN"), NULL, broker_cb, &wrong);
  xgb_test_wait (&wrong.done, 30);
  g_assert_null (wrong.info);
  g_assert_error (wrong.error, XGB_ERROR, XGB_ERROR_FAILED);
  g_assert_nonnull (strstr (wrong.error->message, "not a publish-subscribe service"));
  g_clear_error (&wrong.error);
}

typedef struct
{
  guint ok;
  guint lost;
  guint not_sent;
  guint other;
  guint outstanding;
} LostCount;

static void
lost_iq_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  LostCount *count = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xgb_connection_send_iq_finish (XGB_CONNECTION (object), result, &error);

  if (doc != NULL)
    count->ok++;
  else if (g_error_matches (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST))
    count->lost++;
  /* still queued for the connection's thread when it saw the drop:
   * never sent, and said so */
  else if (g_error_matches (error, XGB_ERROR, XGB_ERROR_NOT_CONNECTED))
    count->not_sent++;
  else
    {
      g_test_message ("unexpected: %s", error->message);
      count->other++;
    }
  count->outstanding--;
}

static gboolean
all_answered (gpointer data)
{
  return ((LostCount *) data)->outstanding == 0;
}

/* Runs last: it kills the server. */
static void
test_connection_lost (void)
{
  g_autoptr(XgbConnection) connection = alice ();
  g_autoptr(GError) error = NULL;
  LostCount count = { 0 };
  const guint n = 2000;
  gboolean done = FALSE;
  pid_t pid;

  g_assert_true (xgb_test_connect (connection, &error));
  pid = xgb_test_server_pid ();

  /* Many requests in flight, then the server dies at once. */
  for (guint i = 0; i < n; i++)
    {
      count.outstanding++;
      xgb_connection_send_iq_async (connection, "get", xgb_test_env ("XGB_TEST_PUBSUB"),
                                    "<query xmlns='http://jabber.org/protocol/disco#items'/>",
                                    NULL, lost_iq_cb, &count);
    }
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);

  while (!done)
    {
      done = all_answered (&count);
      g_main_context_iteration (NULL, !done);
    }

  g_test_message ("%u answered, %u lost with the connection, %u not sent, %u other", count.ok, count.lost,
                  count.not_sent, count.other);
  g_assert_cmpuint (count.ok + count.lost + count.not_sent, ==, n);
  /* How many were written before the kill depends on timing (under
   * ASan all written ones may be answered already); some never are */
  g_assert_cmpuint (count.ok, <, n);
  g_assert_cmpint (xgb_connection_get_state (connection), ==, XGB_CONNECTION_STATE_FAILED);
  g_assert_error (xgb_connection_get_error (connection), XGB_ERROR, XGB_ERROR_CONNECTION_LOST);
  g_assert_cmpuint (xgb_connection_get_n_pending (connection), ==, 0);
}

static void
test_finalize (void)
{
  XgbConnection *connection = alice ();
  g_autoptr(GError) error = NULL;

  /* Dropping the last reference mid-session ends the session; the
   * worker thread finishes on its own. */
  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_finalize_object (connection);
  for (int i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection/login", test_login);
  g_test_add_func ("/connection/wrong-password", test_wrong_password);
  g_test_add_func ("/connection/unknown-ca", test_unknown_ca);
  g_test_add_func ("/connection/iq", test_iq);
  g_test_add_func ("/connection/large-payload", test_large_payload);
  g_test_add_func ("/connection/message-signal", test_message_signal);
  g_test_add_func ("/connection/find-broker", test_find_broker);
  g_test_add_func ("/connection/finalize", test_finalize);
  g_test_add_func ("/connection/connection-lost", test_connection_lost);

  ret = g_test_run ();
  /* Let finalized connections close their streams before exiting. */
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
