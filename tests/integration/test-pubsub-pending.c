/* test-pubsub-pending.c - pending subscription requests (access model
 * "authorize"): listed through get-pending, approved and denied; on a
 * server without them, a clean error (run under with-server.sh)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-pubsub.h"
#include "xgb-test-util.h"
#include "xgb-xml.h"

static XgbConnection *
login (const char *who)
{
  g_autofree char *jid_var = g_strdup_printf ("XGB_TEST_%s_JID", who);
  g_autofree char *pw_var = g_strdup_printf ("XGB_TEST_%s_PASSWORD", who);
  g_autoptr(XgbLoginParams) params =
    xgb_test_params (xgb_test_env (jid_var), xgb_test_env (pw_var), "XGB_TEST_PORT", "XGB_TEST_CA_FILE");
  XgbConnection *connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_test_connect (connection, &error));
  return connection;
}

static XgbPubsubService *
service_for (XgbConnection *connection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = NULL;
  XgbTestResult w = { 0 };

  xgb_find_broker_async (connection, NULL, NULL, xgb_test_result_cb, &w);
  info = xgb_find_broker_finish (connection, xgb_test_result_wait (&w), &error);
  g_assert_no_error (error);
  g_clear_object (&w.result);
  return xgb_pubsub_service_new (connection, info);
}

/* The subscriber asks for itself, as a real Consumer would. */
static char *
request_subscription (XgbConnection *connection,
                      const char    *node)
{
  g_autofree char *payload = g_markup_printf_escaped (
    "<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='%s' jid='%s'/></pubsub>",
    node, xgb_connection_get_params (connection)->jid);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xgb_test_send_iq (connection, "set", xgb_test_env ("XGB_TEST_PUBSUB"),
                                            payload, NULL, &error);
  xmlNode *subscription;

  g_assert_no_error (error);
  subscription = xgb_xml_child (xgb_xml_child (xmlDocGetRootElement (doc), "pubsub", XGB_NS_PUBSUB),
                                "subscription", NULL);
  return xgb_xml_get_attr (subscription, "subscription");
}

static char *
subscription_of (XgbPubsubService *service,
                 const char       *node,
                 const char       *jid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  XgbTestResult w = { 0 };

  xgb_pubsub_service_get_subscriptions_async (service, node, NULL, xgb_test_result_cb, &w);
  list = xgb_pubsub_service_list_finish (service, xgb_test_result_wait (&w), &error);
  g_clear_object (&w.result);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      XgbPubsubSubscription *s = list->pdata[i];

      if (g_str_equal (s->jid, jid))
        return g_strdup (s->subscription);
    }
  return g_strdup ("none");
}

static gboolean
becomes (XgbPubsubService *service,
         const char       *node,
         const char       *jid,
         const char       *state)
{
  /* The answer is a message without reply: poll briefly. */
  for (int i = 0; i < 50; i++)
    {
      g_autofree char *now = subscription_of (service, node, jid);

      if (g_str_equal (now, state))
        return TRUE;
      g_usleep (100 * 1000);
    }
  return FALSE;
}

static void
test_pending (void)
{
  g_autoptr(XgbConnection) admin = login ("ADMIN");
  g_autoptr(XgbConnection) bob = login ("BOB");
  g_autoptr(XgbConnection) alice = login ("ALICE");
  g_autoptr(XgbPubsubService) service = service_for (admin);
  g_autoptr(GError) error = NULL;
  g_autofree char *node = g_strdup_printf ("authorize-%08x", g_random_int ());
  g_autofree char *created = NULL;
  g_autofree char *bob_state = NULL;
  g_autofree char *alice_state = NULL;
  g_auto(GStrv) nodes = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  XgbPubsubPending *bob_request = NULL;
  const char *config = "<x xmlns='jabber:x:data' type='submit'>"
                       "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                       "<field var='pubsub#access_model'><value>authorize</value></field></x>";
  XgbTestResult w = { 0 };

  xgb_pubsub_service_create_async (service, node, FALSE, config, NULL, xgb_test_result_cb, &w);
  created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&w), &error);
  g_clear_object (&w.result);

  if (!xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_ACCESS_AUTHORIZE))
    {
      /* Prosody: no "authorize" access model, no get-pending */
      g_test_message ("%s does not offer access-authorize: %s", xgb_test_env ("XGB_TEST_SERVER"),
                      error ? error->message : "created anyway");
      g_assert_error (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_NOT_ACCEPTABLE);
      g_assert_false (xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_GET_PENDING));
      g_clear_error (&error);
      xgb_pubsub_service_get_pending_nodes_async (service, NULL, xgb_test_result_cb, &w);
      nodes = xgb_pubsub_service_get_pending_nodes_finish (service, xgb_test_result_wait (&w), &error);
      g_clear_object (&w.result);
      g_assert_null (nodes);
      g_assert_nonnull (error);
      g_test_message ("%s: get-pending: %s", xgb_test_env ("XGB_TEST_SERVER"), error->message);
      return;
    }
  g_assert_no_error (error);

  bob_state = request_subscription (bob, node);
  g_assert_cmpstr (bob_state, ==, "pending");
  alice_state = request_subscription (alice, node);
  g_assert_cmpstr (alice_state, ==, "pending");

  xgb_pubsub_service_get_pending_nodes_async (service, NULL, xgb_test_result_cb, &w);
  nodes = xgb_pubsub_service_get_pending_nodes_finish (service, xgb_test_result_wait (&w), &error);
  g_clear_object (&w.result);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) nodes, node));

  xgb_pubsub_service_get_pending_async (service, node, NULL, xgb_test_result_cb, &w);
  pending = xgb_pubsub_service_get_pending_finish (service, xgb_test_result_wait (&w), &error);
  g_clear_object (&w.result);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);
  for (guint i = 0; i < pending->len; i++)
    {
      XgbPubsubPending *p = pending->pdata[i];

      g_assert_cmpstr (p->node, ==, node);
      if (g_str_has_prefix (p->subscriber, xgb_test_env ("XGB_TEST_BOB_JID")))
        bob_request = p;
    }
  g_assert_nonnull (bob_request);

  /* Approve through the core ... */
  g_assert_true (xgb_pubsub_service_answer_pending (service, bob_request, TRUE, &error));
  g_assert_true (becomes (service, node, xgb_test_env ("XGB_TEST_BOB_JID"), "subscribed"));

  /* ... deny through xgb-cli */
  {
    g_autofree char *cli = g_build_filename (xgb_test_env ("XGB_BUILD_DIR"), "src", "cli", "xgb-cli", NULL);
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XGB_PASSWORD", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"), TRUE);
    g_autofree char *out = NULL;
    int status = 0;
    const char *argv[] = {
      cli, "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--host", "127.0.0.1",
      "--port", xgb_test_env ("XGB_TEST_PORT"), "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"),
      "deny", node, xgb_test_env ("XGB_TEST_ALICE_JID"), NULL
    };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "denied"));
  }
  g_assert_true (becomes (service, node, xgb_test_env ("XGB_TEST_ALICE_JID"), "none"));
}

static void
test_authorization_form_parse (void)
{
  const char *xml =
    "<message from='pubsub.example.org'><x xmlns='jabber:x:data' type='form'>"
    "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#subscribe_authorization</value></field>"
    "<field var='pubsub#subid' type='hidden'><value>123-abc</value></field>"
    "<field var='pubsub#node' type='text-single'><value>princely_musings</value></field>"
    "<field var='pubsub#subscriber_jid' type='jid-single'><value>horatio@denmark.lit</value></field>"
    "</x></message>";
  g_autoptr(xmlDoc) doc = xgb_xml_parse (xml, strlen (xml), NULL);
  XgbPubsubPending *p = xgb_pubsub_parse_authorization (xmlDocGetRootElement (doc));

  g_assert_nonnull (p);
  g_assert_cmpstr (p->node, ==, "princely_musings");
  g_assert_cmpstr (p->subscriber, ==, "horatio@denmark.lit");
  g_assert_cmpstr (p->subid, ==, "123-abc");
  xgb_pubsub_pending_free (p);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pubsub/pending/authorization-form", test_authorization_form_parse);
  g_test_add_func ("/pubsub/pending/approve-deny", test_pending);
  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
