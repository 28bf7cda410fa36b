/* test-audit-window.c - the audit trail against ejabberd: a create and a
 * delete give two local entries and two items on the audit topic; a
 * second admin's change shows in the first admin's Audit window (run
 * under tests/servers/with-server.sh and xvfb)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-audit-window.h"
#include "xgb-test-util.h"
#include "xgb-ui-test.h"

#define AUDIT_TOPIC "audit/trail"

static char *tmpdir;

static void
delete_node (XgbPubsubService *service,
             const char       *node)
{
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };

  xgb_pubsub_service_delete_async (service, node, NULL, xgb_test_result_cb, &r);
  g_assert_true (xgb_pubsub_service_change_finish (service, xgb_test_result_wait (&r), &error));
  xgb_test_result_clear (&r);
}

static gboolean
published (gpointer auditor)
{
  return xgb_auditor_get_n_pending (auditor) == 0;
}

/* The audit entries on the topic, oldest first */
static GPtrArray *
topic_entries (XgbPubsubService *service)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_audit_entry_free);
  g_autoptr(XgbPubsubItemPage) page = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };

  xgb_pubsub_service_get_items_async (service, AUDIT_TOPIC, 100, NULL, NULL, NULL, xgb_test_result_cb, &r);
  page = xgb_pubsub_service_get_items_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  for (guint i = 0; i < page->items->len; i++)
    {
      XgbAuditEntry *entry = xgb_audit_entry_from_xml (((XgbPubsubItem *) page->items->pdata[i])->payload, &error);

      g_assert_no_error (error);
      g_ptr_array_add (entries, entry);
    }
  return entries;
}

static gboolean
has_entry (GPtrArray  *entries,
           const char *account_prefix,
           const char *action,
           const char *target)
{
  for (guint i = 0; i < entries->len; i++)
    {
      XgbAuditEntry *e = entries->pdata[i];

      if (g_str_has_prefix (e->account, account_prefix) && g_strcmp0 (e->action, action) == 0 &&
          g_strcmp0 (e->target, target) == 0 && xgb_audit_entry_ok (e))
        return TRUE;
    }
  return FALSE;
}

static gboolean
audit_loaded (gpointer window)
{
  return !xgb_audit_window_get_loading (window);
}

static void
check_audit (XgbWindow *window,
             gpointer   data)
{
  XgbBrowserView *browser;
  XgbPubsubService *service;
  g_autoptr(GPtrArray) on_topic = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) local = NULL;
  g_autoptr(GError) error = NULL;
  const char *admin = xgb_test_env ("XGB_TEST_ADMIN_JID");
  const char *alice = xgb_test_env ("XGB_TEST_ALICE_JID");
  XgbAuditWindow *audit;
  XgbTestResult r = { 0 };
  guint n_bad = 0;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  browser = xgb_window_get_browser_view (window);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  service = xgb_node_tree_get_service (xgb_browser_view_get_tree (browser));

  /* Changes through the window's Broker are audited */
  xgb_test_create_node (service, "audit/by-admin", NULL);
  delete_node (service, "audit/by-admin");
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);

  /* … in the local log, 0600 … */
  g_assert_true (xgb_audit_log_flush (xgb_audit_log_get_default (), &error));
  xgb_audit_log_read_async (xgb_audit_log_get_default (), NULL, xgb_test_result_cb, &r);
  local = xgb_audit_log_read_finish (xgb_audit_log_get_default (), xgb_test_result_wait (&r), &n_bad, &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  g_assert_cmpuint (n_bad, ==, 0);
  g_assert_true (has_entry (local, admin, "create", "audit/by-admin"));
  g_assert_true (has_entry (local, admin, "delete", "audit/by-admin"));
  g_assert_false (has_entry (local, alice, "create", "audit/alice-topic"));

  /* … and on the audit topic, with the other admin's change */
  for (guint tries = 0; tries < 100; tries++)
    {
      g_clear_pointer (&on_topic, g_ptr_array_unref);
      on_topic = topic_entries (service);
      if (on_topic->len >= 3)
        break;
      g_usleep (50 * 1000);
    }
  g_assert_cmpuint (on_topic->len, ==, 3);
  g_assert_true (has_entry (on_topic, alice, "create", "audit/alice-topic"));
  g_assert_true (has_entry (on_topic, admin, "create", "audit/by-admin"));
  g_assert_true (has_entry (on_topic, admin, "delete", "audit/by-admin"));

  /* The Audit window shows both, newest first, and filters */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.audit", NULL));
  audit = xgb_ui_wait_toplevel (XGB_TYPE_AUDIT_WINDOW);
  xgb_ui_wait (audit_loaded, audit, 30);
  g_assert_nonnull (strstr (xgb_audit_window_get_status (audit), "audit topic “audit/trail”: 3 entries"));
  /* an entry in both the log and the topic is one row */
  shown = xgb_audit_window_dup_shown (audit);
  g_assert_cmpuint (shown->len, ==, 3);
  g_clear_pointer (&shown, g_ptr_array_unref);
  xgb_audit_window_set_filter (audit, NULL, XGB_AUDIT_SOURCE_LOCAL);
  shown = xgb_audit_window_dup_shown (audit);
  g_assert_cmpuint (shown->len, ==, 2);
  g_clear_pointer (&shown, g_ptr_array_unref);
  xgb_audit_window_set_filter (audit, NULL, XGB_AUDIT_SOURCE_TOPIC);
  shown = xgb_audit_window_dup_shown (audit);
  g_assert_cmpuint (shown->len, ==, 3);
  g_assert_cmpstr (((XgbAuditEntry *) shown->pdata[0])->action, ==, "delete");
  g_assert_true (g_date_time_compare (((XgbAuditEntry *) shown->pdata[0])->time,
                                      ((XgbAuditEntry *) shown->pdata[2])->time) >= 0);
  g_clear_pointer (&shown, g_ptr_array_unref);

  xgb_audit_window_set_filter (audit, "alice", XGB_AUDIT_SOURCE_ALL);
  shown = xgb_audit_window_dup_shown (audit);
  g_assert_cmpuint (shown->len, ==, 1);
  g_assert_cmpstr (((XgbAuditEntry *) shown->pdata[0])->target, ==, "audit/alice-topic");
  xgb_audit_window_set_filter (audit, NULL, XGB_AUDIT_SOURCE_ALL);
  xgb_ui_save_screenshot (GTK_WIDGET (audit), "audit.png");
  gtk_window_destroy (GTK_WINDOW (audit));
}

static void
test_audit (void)
{
  g_autoptr(XgbConnection) admin_connection = xgb_test_login ("ADMIN");
  g_autoptr(XgbPubsubService) admin = xgb_test_pubsub_service (admin_connection);
  g_autoptr(GPtrArray) affiliations = g_ptr_array_new ();
  XgbPubsubAffiliation publisher = { (char *) xgb_test_env ("XGB_TEST_ALICE_JID"), (char *) "publisher" };
  g_autoptr(GSettings) settings = g_settings_new ("org.xgb.Broker");
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  g_autofree char *alice_log_path = g_build_filename (tmpdir, "alice", "audit.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  const char *args[] = {
    "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
    "--connect", NULL
  };
  XgbUiRun run;

  /* The audit topic: the admins may publish and read */
  xgb_test_create_node (admin, AUDIT_TOPIC, "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
                                   "<value>http://jabber.org/protocol/pubsub#node_config</value></field>"
                                   "<field var='pubsub#access_model'><value>whitelist</value></field></x>");
  g_ptr_array_add (affiliations, &publisher);
  xgb_pubsub_service_set_affiliations_async (admin, AUDIT_TOPIC, affiliations, NULL, xgb_test_result_cb, &r);
  g_assert_true (xgb_pubsub_service_change_finish (admin, xgb_test_result_wait (&r), &error));
  xgb_test_result_clear (&r);
  xgb_connection_disconnect (admin_connection);

  /* A second admin's change, audited on her own computer and the topic */
  {
    g_autoptr(XgbConnection) alice_connection = xgb_test_login ("ALICE");
    g_autoptr(XgbPubsubService) alice = xgb_test_pubsub_service (alice_connection);
    g_autoptr(XgbAuditLog) alice_log = xgb_audit_log_new (alice_log_path);
    g_autoptr(XgbAuditor) auditor = xgb_auditor_new (alice, alice_log, AUDIT_TOPIC);

    xgb_test_create_node (alice, "audit/alice-topic", NULL);
    xgb_ui_wait (published, auditor, 30);
    g_assert_null (xgb_auditor_get_publish_error (auditor));
    g_assert_true (xgb_audit_log_flush (alice_log, NULL));
    xgb_connection_disconnect (alice_connection);
  }

  g_settings_set_string (settings, "audit-topic", AUDIT_TOPIC);
  g_assert_cmpint (xgb_ui_run_app (args, check_audit, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmpdir = xgb_test_make_tmpdir ("xgb-ui-audit-XXXXXX");
  /* This test's own local log, before GLib reads the variable */
  {
    g_autofree char *state = g_build_filename (tmpdir, "state", NULL);

    g_setenv ("XDG_STATE_HOME", state, TRUE);
  }
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/audit", test_audit);

  ret = g_test_run ();
  xgb_test_remove_tmpdir (tmpdir);
  return ret;
}
