/* test-bulk-window.c - bulk changes through the window against a real
 * ejabberd (run under tests/servers/with-server.sh and xvfb)
 *
 * The admin grants Bob owner on the 50 topics of folder bulk/, cancels a
 * bulk subscription halfway, meets a failure, is asked before lowering
 * their own affiliation, and sees a node page refresh after a change.
 * Every outcome is checked on the server.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgb-test-util.h"
#include "xgb-affiliations-view.h"
#include "xgb-bulk-dialog.h"
#include "xgb-confirm-dialog.h"
#include "xgb-ui-test.h"

#define N_TOPICS 50
#define ALICE_TOPIC "bulk/zz-alice"

static char *tmpdir;

/* --- seeding through the core ----------------------------------------- */

typedef struct
{
  XgbConnection    *connection;
  XgbPubsubService *service;
} Session;

static void
session_open (Session    *s,
              const char *who)
{
  s->connection = xgb_test_login (who);
  s->service = xgb_test_pubsub_service (s->connection);
}

static void
session_close (Session *s)
{
  xgb_connection_disconnect (s->connection);
  g_clear_object (&s->service);
  g_clear_object (&s->connection);
}

typedef struct
{
  guint in_flight;
  guint failed;
} Creating;

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  Creating *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = xgb_pubsub_service_create_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (name == NULL)
    {
      g_test_message ("create failed: %s", error->message);
      c->failed++;
    }
  c->in_flight--;
}

/* Several creations in flight: 50 topics take well under a second */
static void
create_topics (XgbPubsubService   *service,
               const char * const *names)
{
  Creating c = { 0 };

  for (guint i = 0; names[i] != NULL; i++)
    {
      while (c.in_flight >= 8)
        g_main_context_iteration (NULL, TRUE);
      c.in_flight++;
      xgb_pubsub_service_create_async (service, names[i], FALSE, NULL, NULL, created_cb, &c);
    }
  while (c.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (c.failed, ==, 0);
}

static char *
topic_name (guint i)
{
  return g_strdup_printf ("bulk/t-%02u", i);
}

static void
seed (void)
{
  Session admin = { 0 };
  Session alice = { 0 };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  const char *lost[] = { "lost/x-1", "lost/x-2", "lost/x-3", NULL };
  const char *alices[] = { ALICE_TOPIC, NULL };
  gint64 start = g_get_monotonic_time ();

  for (guint i = 1; i <= N_TOPICS; i++)
    {
      g_autofree char *name = topic_name (i);

      g_strv_builder_add (builder, name);
    }
  names = g_strv_builder_end (builder);

  session_open (&admin, "ADMIN");
  create_topics (admin.service, (const char * const *) names);
  create_topics (admin.service, lost);
  session_close (&admin);

  /* One topic in the folder that the admin does not own */
  session_open (&alice, "ALICE");
  create_topics (alice.service, alices);
  session_close (&alice);
  g_test_message ("seeded %u topics in %.2f s", N_TOPICS + 4, (g_get_monotonic_time () - start) / 1e6);
}

/* --- the server's word -------------------------------------------------- */

static GPtrArray *
list_on_server (XgbPubsubService *service,
                XgbBulkKind       kind,
                const char       *node)
{
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  if (kind == XGB_BULK_SUBSCRIPTION)
    xgb_pubsub_service_get_subscriptions_async (service, node, NULL, xgb_test_result_cb, &r);
  else
    xgb_pubsub_service_get_affiliations_async (service, node, NULL, xgb_test_result_cb, &r);
  list = xgb_pubsub_service_list_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  return list;
}

/* @jid's affiliation on @node, or "none" */
static char *
affiliation_on_server (XgbPubsubService *service,
                       const char       *node,
                       const char       *jid)
{
  g_autoptr(GPtrArray) list = list_on_server (service, XGB_BULK_AFFILIATION, node);

  for (guint i = 0; i < list->len; i++)
    {
      const XgbPubsubAffiliation *a = list->pdata[i];

      if (g_str_equal (a->jid, jid))
        return g_strdup (a->affiliation);
    }
  return g_strdup ("none");
}

static gboolean
subscribed_on_server (XgbPubsubService *service,
                      const char       *node,
                      const char       *jid)
{
  g_autoptr(GPtrArray) list = list_on_server (service, XGB_BULK_SUBSCRIPTION, node);

  for (guint i = 0; i < list->len; i++)
    {
      const XgbPubsubSubscription *s = list->pdata[i];

      if (g_str_equal (s->jid, jid) && g_str_equal (s->subscription, "subscribed"))
        return TRUE;
    }
  return FALSE;
}

static void
set_affiliation (XgbPubsubService *service,
                 const char       *node,
                 const char       *jid,
                 const char       *affiliation)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  XgbPubsubAffiliation a = { (char *) jid, (char *) affiliation };
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (one, &a);
  xgb_pubsub_service_set_affiliations_async (service, node, one, NULL, xgb_test_result_cb, &r);
  g_assert_true (xgb_pubsub_service_change_finish (service, xgb_test_result_wait (&r), &error));
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
}

/* --- driving the window ------------------------------------------------- */

static gboolean
dialog_idle (gpointer dialog)
{
  return !xgb_bulk_dialog_get_busy (dialog);
}

/* Selects the folder's row in the hierarchy, as a click does */
static void
select_folder (XgbBrowserView *browser,
               const char     *path)
{
  GListModel *hierarchy = xgb_browser_view_get_hierarchy (browser);
  GtkListView *view = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (browser), XGB_TYPE_BROWSER_VIEW,
                                                                    "hierarchy_view"));

  for (guint i = 0; i < g_list_model_get_n_items (hierarchy); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (hierarchy, i);
      g_autoptr(XgbNode) node = gtk_tree_list_row_get_item (row);

      if (xgb_node_get_kind (node) == XGB_NODE_KIND_FOLDER && g_str_equal (xgb_node_get_path (node), path))
        {
          gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (view)), i);
          g_assert_true (xgb_browser_view_get_current (browser) == node);
          return;
        }
    }
  g_error ("no folder %s in the hierarchy", path);
}

/* Ctrl+B's action; the dialog once it knows its nodes */
static XgbBulkDialog *
open_dialog (XgbWindow *window)
{
  XgbBulkDialog *dialog;

  g_assert_null (xgb_ui_find_toplevel (XGB_TYPE_BULK_DIALOG));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.bulk-change", NULL));
  dialog = xgb_ui_find_toplevel (XGB_TYPE_BULK_DIALOG);
  g_assert_nonnull (dialog);
  xgb_ui_wait (dialog_idle, dialog, 30);
  g_assert_nonnull (xgb_bulk_dialog_get_targets (dialog));
  return dialog;
}

static void
preview (XgbBulkDialog *dialog,
         XgbBulkKind    kind,
         const char    *jid,
         const char    *value)
{
  xgb_bulk_dialog_set_change (dialog, kind, jid, value);
  g_assert_true (xgb_bulk_dialog_preview (dialog));
  xgb_ui_wait (dialog_idle, dialog, 30);
  g_test_message ("preview: %s", xgb_bulk_dialog_get_summary (dialog));
}

static void
apply (XgbBulkDialog *dialog)
{
  g_assert_true (xgb_bulk_dialog_apply (dialog));
  xgb_ui_wait (dialog_idle, dialog, 30);
  g_test_message ("report: %s", xgb_bulk_dialog_get_summary (dialog));
}

static void
close_dialog (XgbBulkDialog *dialog)
{
  gtk_window_close (GTK_WINDOW (dialog));
  while (xgb_ui_find_toplevel (XGB_TYPE_BULK_DIALOG) != NULL)
    g_main_context_iteration (NULL, FALSE);
}

/* --- the checks ----------------------------------------------------------- */

/* The private server's processes (server.pid and its descendants) */
static GArray *
server_pids (void)
{
  g_autofree char *pidfile = g_build_filename (xgb_test_env ("XGB_TEST_DIR"), "server.pid", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GHashTable) parents = g_hash_table_new (NULL, NULL);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  gboolean more = TRUE;
  int root;

  g_assert_true (g_file_get_contents (pidfile, &text, NULL, NULL));
  root = atoi (text);
  g_assert_cmpint (root, >, 1);
  g_array_append_val (pids, root);
  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *end;
      int pid = atoi (name), ppid;

      if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
        continue;
      /* "pid (comm) state ppid ..." */
      if (sscanf (end + 1, " %*c %d", &ppid) == 1)
        g_hash_table_insert (parents, GINT_TO_POINTER (pid), GINT_TO_POINTER (ppid));
    }
  while (more)
    {
      GHashTableIter iter;
      gpointer pid, ppid;

      more = FALSE;
      g_hash_table_iter_init (&iter, parents);
      while (g_hash_table_iter_next (&iter, &pid, &ppid))
        for (guint i = 0; i < pids->len; i++)
          if (g_array_index (pids, int, i) == GPOINTER_TO_INT (ppid))
            {
              int child = GPOINTER_TO_INT (pid);

              g_array_append_val (pids, child);
              g_hash_table_iter_remove (&iter);
              more = TRUE;
              break;
            }
    }
  return g_steal_pointer (&pids);
}

static void
signal_server (int sig)
{
  g_autoptr(GArray) pids = server_pids ();

  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, int, i), sig);
}

static guint done_at_cancel;

static void
cancel_at_five_cb (XgbBulk       *bulk,
                   GParamSpec    *pspec,
                   XgbBulkDialog *dialog)
{
  if (xgb_bulk_get_done (bulk) != 5 || !xgb_bulk_get_running (bulk))
    return;
  /* The server holds its answers while the dialog is drawn: the
   * picture shows the progress, not already the report */
  signal_server (SIGSTOP);
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "bulk-progress.png");
  /* What Cancel does, once answers have started to come */
  done_at_cancel = xgb_bulk_get_done (bulk);
  xgb_bulk_dialog_cancel (dialog);
  g_assert_nonnull (strstr (xgb_bulk_dialog_get_summary (dialog), "Cancelling"));
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "bulk-cancelling.png");
  g_assert_true (xgb_bulk_get_running (bulk));
  signal_server (SIGCONT);
}

/* Subscribing Bob to the folder, cancelled after 5 answers: the report's
 * counts are what the server shows. */
static void
check_cancel (XgbBulkDialog    *dialog,
              XgbPubsubService *service)
{
  const char *bob = xgb_test_env ("XGB_TEST_BOB_JID");
  XgbBulk *bulk;
  guint done, not_attempted, subscribed = 0;

  preview (dialog, XGB_BULK_SUBSCRIPTION, bob, "subscribed");
  g_assert_true (g_str_has_prefix (xgb_bulk_dialog_get_summary (dialog), "50 topics will change."));
  bulk = xgb_bulk_dialog_get_bulk (dialog);
  g_signal_connect (bulk, "notify::done", G_CALLBACK (cancel_at_five_cb), dialog);
  apply (dialog);
  g_signal_handlers_disconnect_by_func (bulk, cancel_at_five_cb, dialog);
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "bulk-cancelled.png");

  done = xgb_bulk_count (bulk, XGB_BULK_DONE);
  not_attempted = xgb_bulk_count (bulk, XGB_BULK_NOT_ATTEMPTED);
  g_test_message ("cancelled: %u done, %u not attempted", done, not_attempted);
  g_assert_cmpuint (xgb_bulk_count (bulk, XGB_BULK_FAILED), ==, 0);
  g_assert_cmpuint (done + not_attempted, ==, N_TOPICS);
  /* at most the requests in flight finished after Cancel */
  g_assert_cmpuint (done_at_cancel, >=, 5);
  g_assert_cmpuint (done, >=, done_at_cancel);
  g_assert_cmpuint (done, <=, done_at_cancel + XGB_BULK_MAX_IN_FLIGHT);
  g_assert_cmpuint (not_attempted, >, 0);
  {
    g_autofree char *expected = g_strdup_printf ("Done: %u changed, %u not attempted (cancelled).", done,
                                                 not_attempted);

    g_assert_true (g_str_has_prefix (xgb_bulk_dialog_get_summary (dialog), expected));
  }

  /* The server agrees, node by node */
  for (guint i = 0; i < xgb_bulk_get_n_targets (bulk); i++)
    {
      const XgbBulkTarget *t = xgb_bulk_get_target (bulk, i);
      gboolean on_server;

      if (g_str_equal (t->node, ALICE_TOPIC))
        continue;
      on_server = subscribed_on_server (service, t->node, bob);
      g_assert_cmpint (on_server, ==, t->outcome == XGB_BULK_DONE);
      subscribed += on_server;
    }
  g_assert_cmpuint (subscribed, ==, done);
  g_assert_cmpstr (xgb_bulk_dialog_find_row (dialog, xgb_bulk_get_target (bulk, N_TOPICS - 1)->node), ==,
                   "Not attempted (cancelled): unchanged");
}

/* Story 1.5: Bob becomes owner of every topic of bulk/ */
static void
check_grant_owner (XgbBulkDialog    *dialog,
                   XgbPubsubService *service)
{
  const char *bob = xgb_test_env ("XGB_TEST_BOB_JID");
  const char *row;

  preview (dialog, XGB_BULK_AFFILIATION, bob, "owner");
  g_assert_cmpstr (xgb_bulk_dialog_get_summary (dialog), ==,
                   "50 topics will change. Skipped: 1 that cannot be read. Nothing has been sent yet.");
  g_assert_cmpuint (xgb_bulk_count (xgb_bulk_dialog_get_bulk (dialog), XGB_BULK_WILL_CHANGE), ==, N_TOPICS);
  g_assert_cmpstr (xgb_bulk_dialog_find_row (dialog, "bulk/t-07"), ==, "None → Owner");
  /* Alice's topic: the admin may not even read it, and is told why */
  row = xgb_bulk_dialog_find_row (dialog, ALICE_TOPIC);
  g_assert_true (g_str_has_prefix (row, "Cannot be read, not sent: You are not an owner of this node."));
  g_assert_nonnull (strstr (row, "forbidden"));
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "bulk-preview.png");

  apply (dialog);
  g_assert_cmpstr (xgb_bulk_dialog_get_summary (dialog), ==, "Done: 50 changed. Skipped: 1 that cannot be read.");
  g_assert_cmpstr (xgb_bulk_dialog_find_row (dialog, "bulk/t-07"), ==, "Changed: None → Owner");
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "bulk-report.png");

  for (guint i = 1; i <= N_TOPICS; i++)
    {
      g_autofree char *node = topic_name (i);
      g_autofree char *affiliation = affiliation_on_server (service, node, bob);

      g_assert_cmpstr (affiliation, ==, "owner");
    }
}

/* Lowering one's own affiliation on many topics asks first; Cancel
 * there sends nothing. */
static void
check_own_downgrade (XgbBulkDialog    *dialog,
                     XgbPubsubService *service)
{
  const char *admin = xgb_test_env ("XGB_TEST_ADMIN_JID");
  XgbConfirmDialog *confirm;
  g_autofree char *still = NULL;

  preview (dialog, XGB_BULK_AFFILIATION, admin, "member");
  g_assert_cmpuint (xgb_bulk_count_confirm (xgb_bulk_dialog_get_bulk (dialog)), ==, N_TOPICS);
  g_assert_nonnull (strstr (xgb_bulk_dialog_get_summary (dialog), "50 changes lower your own affiliation"));
  g_assert_true (xgb_bulk_dialog_apply (dialog));
  confirm = xgb_ui_find_toplevel (XGB_TYPE_CONFIRM_DIALOG);
  g_assert_nonnull (confirm);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (confirm));
  xgb_ui_save_screenshot (GTK_WIDGET (confirm), "bulk-confirm.png");
  g_assert_nonnull (strstr (xgb_confirm_dialog_get_explanation (confirm), "no longer own 50 nodes"));
  xgb_confirm_dialog_respond (confirm, FALSE);
  g_assert_cmpstr (xgb_bulk_dialog_get_summary (dialog), ==, "Not applied: nothing was sent.");
  g_assert_false (xgb_bulk_dialog_get_busy (dialog));
  still = affiliation_on_server (service, "bulk/t-33", admin);
  g_assert_cmpstr (still, ==, "owner");
}

/* The admin loses a topic between preview and apply: the report names
 * it, with the server's reason; the others change. */
static void
check_failure (XgbWindow        *window,
               XgbPubsubService *service)
{
  const char *bob = xgb_test_env ("XGB_TEST_BOB_JID");
  XgbBulkDialog *dialog;
  const char *row;

  select_folder (xgb_window_get_browser_view (window), "lost");
  dialog = open_dialog (window);
  g_assert_cmpstr (xgb_bulk_dialog_get_scope_text (dialog), ==, "3 topics under folder lost/");
  preview (dialog, XGB_BULK_AFFILIATION, bob, "publisher");
  g_assert_true (g_str_has_prefix (xgb_bulk_dialog_get_summary (dialog), "3 topics will change."));

  set_affiliation (service, "lost/x-2", xgb_test_env ("XGB_TEST_ALICE_JID"), "owner");
  set_affiliation (service, "lost/x-2", xgb_test_env ("XGB_TEST_ADMIN_JID"), "none");

  apply (dialog);
  g_assert_cmpstr (xgb_bulk_dialog_get_summary (dialog), ==,
                   "Done: 2 changed, 1 failed. The failures are listed first, with the server’s reasons.");
  row = xgb_bulk_dialog_find_row (dialog, "lost/x-2");
  g_assert_true (g_str_has_prefix (row, "Failed: You are not an owner of this node. The server refused: forbidden"));
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "bulk-failure.png");
  {
    g_autofree char *x1 = affiliation_on_server (service, "lost/x-1", bob);
    g_autofree char *x3 = affiliation_on_server (service, "lost/x-3", bob);

    g_assert_cmpstr (x1, ==, "publisher");
    g_assert_cmpstr (x3, ==, "publisher");
  }
  close_dialog (dialog);
}

static gboolean
affiliations_ready (gpointer view)
{
  return !xgb_affiliations_view_get_busy (view) && xgb_affiliations_view_get_current (view) != NULL;
}

static gboolean
page_shows_bob_member (gpointer view)
{
  GPtrArray *list = xgb_affiliations_view_get_current (view);

  for (guint i = 0; affiliations_ready (view) && i < list->len; i++)
    {
      const XgbPubsubAffiliation *a = list->pdata[i];

      if (g_str_equal (a->jid, xgb_test_env ("XGB_TEST_BOB_JID")))
        return g_str_equal (a->affiliation, "member");
    }
  return FALSE;
}

/* On one topic's Affiliations tab: after the bulk change, the tab shows
 * the server's new state without a reload. */
static void
check_page_refresh (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbAffiliationsView *view = XGB_AFFILIATIONS_VIEW (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                                    XGB_TYPE_BROWSER_VIEW,
                                                                                    "affiliations_view"));
  XgbNode *topic = xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), "bulk/t-01");
  XgbBulkDialog *dialog;

  xgb_browser_view_select_node (browser, topic);
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (browser),
                                                                              XGB_TYPE_BROWSER_VIEW, "node_tabs")),
                                    "affiliations");
  xgb_ui_wait (affiliations_ready, view, 30);
  g_assert_false (page_shows_bob_member (view));

  dialog = open_dialog (window);
  g_assert_cmpstr (xgb_bulk_dialog_get_scope_text (dialog), ==, "The topic bulk/t-01");
  preview (dialog, XGB_BULK_AFFILIATION, xgb_test_env ("XGB_TEST_BOB_JID"), "member");
  g_assert_cmpstr (xgb_bulk_dialog_find_row (dialog, "bulk/t-01"), ==, "Owner → Member");
  apply (dialog);
  g_assert_true (g_str_has_prefix (xgb_bulk_dialog_get_summary (dialog), "Done: 1 changed."));
  xgb_ui_wait (page_shows_bob_member, view, 30);
  close_dialog (dialog);
  xgb_ui_save_screenshot (GTK_WIDGET (window), "bulk-page-refreshed.png");
}

static void
check_bulk (XgbWindow *window,
            gpointer   data)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbPubsubService *service;
  XgbBulkDialog *dialog;
  gint64 start;

  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  xgb_ui_wait (xgb_ui_tree_loaded, browser, 30);
  service = xgb_node_tree_get_service (xgb_browser_view_get_tree (browser));

  /* Without a node shown there is nothing to change: the banner says so */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.bulk-change", NULL));
  g_assert_null (xgb_ui_find_toplevel (XGB_TYPE_BULK_DIALOG));
  g_assert_true (xgb_banner_get_revealed (xgb_window_get_banner (window)));
  g_assert_nonnull (strstr (xgb_banner_get_message (xgb_window_get_banner (window)), "Select a topic"));
  xgb_banner_dismiss (xgb_window_get_banner (window));

  select_folder (browser, "bulk");
  xgb_ui_save_screenshot (GTK_WIDGET (window), "bulk-folder-page.png");
  dialog = open_dialog (window);
  g_assert_cmpstr (xgb_bulk_dialog_get_scope_text (dialog), ==, "51 topics under folder bulk/");

  /* A wrong address is refused inline, before anything is read */
  xgb_bulk_dialog_set_change (dialog, XGB_BULK_AFFILIATION, "not an address@", "owner");
  g_assert_false (xgb_bulk_dialog_preview (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                                    XGB_TYPE_BULK_DIALOG,
                                                                                    "jid_error"))));
  g_assert_null (xgb_bulk_dialog_get_bulk (dialog));
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "bulk-bad-address.png");

  start = g_get_monotonic_time ();
  check_cancel (dialog, service);
  check_grant_owner (dialog, service);
  check_own_downgrade (dialog, service);
  g_test_message ("folder checks took %.2f s", (g_get_monotonic_time () - start) / 1e6);
  close_dialog (dialog);

  check_failure (window, service);
  check_page_refresh (window);
}

static void
test_bulk (void)
{
  g_autofree char *pw = NULL;
  XgbUiRun run;

  seed ();
  pw = xgb_ui_password_file (tmpdir, "admin", xgb_test_env ("XGB_TEST_ADMIN_PASSWORD"));
  {
    const char *args[] = {
      "--jid", xgb_test_env ("XGB_TEST_ADMIN_JID"), "--password-file", pw,
      "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
      "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--broker", xgb_test_env ("XGB_TEST_PUBSUB"),
      "--connect", NULL
    };

    g_assert_cmpint (xgb_ui_run_app (args, check_bulk, NULL, &run), ==, 0);
  }
  g_assert_true (run.checked);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-bulk-XXXXXX");

  g_test_add_func ("/ui/bulk/ejabberd", test_bulk);

  ret = g_test_run ();
  xgb_test_remove_tmpdir (tmpdir);
  return ret;
}
