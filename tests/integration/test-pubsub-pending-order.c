/* test-pubsub-pending-order.c - get-pending when the authorization forms
 * come after the command's answer, as ejabberd may send them; the
 * scripted server makes that order certain (run under with-fake.sh)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-pubsub.h"
#include "xgb-test-util.h"
#include "xgb-xml.h"

static void
test_forms_after_answer (void)
{
  const char *domain = xgb_test_env ("XGB_FAKE_DOMAIN");
  g_autofree char *jid = g_strdup_printf ("admin@%s", domain);
  g_autofree char *disco = g_strdup_printf (
    "<iq type='result' from='latepending.%s' id='d1'>"
    "<query xmlns='http://jabber.org/protocol/disco#info'>"
    "<identity category='pubsub' type='service'/>"
    "<feature var='http://jabber.org/protocol/pubsub'/>"
    "<feature var='http://jabber.org/protocol/pubsub#get-pending'/>"
    "</query></iq>", domain);
  g_autoptr(XgbLoginParams) params = xgb_test_params (jid, "secret", "XGB_FAKE_TLS_PORT", "XGB_FAKE_CA_FILE");
  g_autoptr(XgbConnection) connection = xgb_connection_new (params);
  g_autoptr(xmlDoc) doc = xgb_xml_parse (disco, strlen (disco), NULL);
  g_autoptr(XgbDiscoInfo) info = NULL;
  g_autoptr(XgbPubsubService) service = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *one = g_strdup_printf ("one@%s", domain);
  g_autofree char *two = g_strdup_printf ("two@%s", domain);
  XgbTestResult w = { 0 };

  g_assert_true (xgb_test_connect (connection, &error));
  info = xgb_disco_info_parse (xmlDocGetRootElement (doc), &error);
  g_assert_no_error (error);
  service = xgb_pubsub_service_new (connection, info);

  /* Both forms count, and the task ends once (no double free, no second
   * return when a form restarts the wait) */
  xgb_pubsub_service_get_pending_async (service, "grid/late", NULL, xgb_test_result_cb, &w);
  pending = xgb_pubsub_service_get_pending_finish (service, xgb_test_result_wait (&w), &error);
  xgb_test_result_clear (&w);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);
  g_assert_cmpstr (((XgbPubsubPending *) pending->pdata[0])->node, ==, "grid/late");
  g_assert_cmpstr (((XgbPubsubPending *) pending->pdata[0])->subscriber, ==, one);
  g_assert_cmpstr (((XgbPubsubPending *) pending->pdata[1])->subscriber, ==, two);

  xgb_connection_disconnect (connection);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pubsub/pending/forms-after-answer", test_forms_after_answer);
  ret = g_test_run ();
  g_assert_true (xgb_connection_wait_for_threads (10000));
  return ret;
}
