/* xgb-window.c - one administrator session on one Controller
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-backoff.h"
#include "xgb-connection.h"
#include "xgb-disco.h"
#include "xgb-browser-view.h"
#include "xgb-bulk-dialog.h"
#include "xgb-create-dialog.h"
#include "xgb-delete-dialog.h"
#include "xgb-node.h"
#include "xgb-audit-window.h"
#include "xgb-check-window.h"
#include "xgb-pending-window.h"
#include "xgb-pubsub.h"
#include "xgb-session-view.h"
#include "xgb-trust-dialog.h"
#include "xgb-error.h"
#include "xgb-jid.h"
#include "xgb-window.h"

struct _XgbWindow
{
  GtkApplicationWindow  parent_instance;

  GtkStack             *stack;
  XgbBanner            *banner;
  /* The connection's state: lost, reconnecting, reconnected */
  XgbBanner            *connection_banner;
  XgbLoginView         *login_view;
  XgbBrowserView       *browser_view;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkWidget            *logout_button;
  GtkWidget            *pending_button;

  XgbConnection        *connection;
  XgbPubsubService     *service;
  /* The login under way; Cancel cancels it. */
  GCancellable         *login_cancellable;
  char                 *broker;
  /* The inbox of pending requests (win.pending), while open */
  XgbPendingWindow     *pending_window;
  /* Every change goes to the audit trail (story 1.6) */
  XgbAuditor           *auditor;
  /* Server certificates the admin trusts although they do not verify:
   * bare JID -> GPtrArray of SHA-256 fingerprints, for this window's
   * life; a saved account keeps them (xgb_login_view_save_account_async) */
  GHashTable           *pins;

  /* Reconnecting after the stream dropped (story 1.7): the session page
   * stays, the same connection logs in again with the same parameters */
  gboolean              reconnecting;
  XgbBackoff           *backoff;
  guint                 reconnect_source;     /* the next attempt */
  guint                 countdown_source;     /* the banner's seconds */
  guint                 reconnected_source;   /* hides "Reconnected" */
  gint64                reconnect_at;         /* monotonic µs; 0 during an attempt */
  char                 *reconnect_reason;     /* why the last attempt failed */
  GCancellable         *reconnect_cancellable;

  GSettings            *settings;
  /* Cancelled when the window closes: no reply may touch a dead window. */
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (XgbWindow, xgb_window, GTK_TYPE_APPLICATION_WINDOW)

static void reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

/* Where flat services' topic names are cut into virtual folders */
static char *
folder_separator (XgbWindow *self)
{
  if (self->settings == NULL)
    return g_strdup (XGB_NODE_TREE_SEPARATOR);
  return g_settings_get_string (self->settings, "folder-separator");
}

static void
folder_separator_changed_cb (XgbWindow *self)
{
  reload_action (GTK_WIDGET (self), "win.reload", NULL);
}

static void
update_subtitle (XgbWindow *self)
{
  g_autofree char *text = NULL;
  const char *state = NULL;

  if (self->connection == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), FALSE);
      return;
    }

  switch (xgb_connection_get_state (self->connection))
    {
    case XGB_CONNECTION_STATE_CONNECTING:
      state = _("Connecting…");
      break;
    case XGB_CONNECTION_STATE_CONNECTED:
      state = _("Connected");
      break;
    case XGB_CONNECTION_STATE_FAILED:
      state = _("Connection failed");
      break;
    case XGB_CONNECTION_STATE_DISCONNECTED:
    default:
      state = _("Disconnected");
      break;
    }
  if (self->reconnecting)
    state = _("Connection lost, reconnecting…");

  if (self->broker != NULL)
    /* Translators: account · Broker JID · connection state */
    text = g_strdup_printf (_("%s · %s · %s"), xgb_connection_get_params (self->connection)->jid,
                            self->broker, state);
  else
    text = g_strdup_printf (_("%s · %s"), xgb_connection_get_params (self->connection)->jid, state);

  gtk_label_set_text (self->subtitle_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), TRUE);
}

static void
show_login (XgbWindow *self)
{
  xgb_login_view_set_busy (self->login_view, FALSE, NULL);
  gtk_stack_set_visible_child_name (self->stack, "login");
  gtk_widget_set_visible (self->logout_button, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.logout", FALSE);
  gtk_widget_set_visible (self->pending_button, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pending", FALSE);
}

static void
forget_pending_window (XgbWindow *self)
{
  if (self->pending_window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->pending_window), (gpointer *) &self->pending_window);
  self->pending_window = NULL;
}

static void stop_reconnect (XgbWindow *self);

static void
end_session (XgbWindow *self)
{
  stop_reconnect (self);
  /* The inbox belongs to the session */
  if (self->pending_window != NULL && gtk_widget_get_visible (GTK_WIDGET (self->pending_window)))
    gtk_window_close (GTK_WINDOW (self->pending_window));
  forget_pending_window (self);
  if (self->login_cancellable != NULL)
    {
      g_cancellable_cancel (self->login_cancellable);
      g_clear_object (&self->login_cancellable);
    }
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      xgb_connection_disconnect (self->connection);
      g_clear_object (&self->connection);
    }
  g_clear_pointer (&self->broker, g_free);
  if (self->browser_view != NULL)
    xgb_browser_view_set_tree (self->browser_view, NULL);
  g_clear_object (&self->auditor);
  g_clear_object (&self->service);
  update_subtitle (self);
}

static void start_reconnect (XgbWindow *self, const GError *error);

static void
connection_state_cb (XgbWindow  *self,
                     GParamSpec *pspec,
                     XgbConnection *connection)
{
  XgbConnectionState state = xgb_connection_get_state (connection);

  update_subtitle (self);

  /* Lost after login (a logout disconnects from this signal first): the
   * session page stays, with what it shows, and the window logs in
   * again by itself.  Attempts of a reconnect change the state too. */
  if ((state == XGB_CONNECTION_STATE_FAILED || state == XGB_CONNECTION_STATE_DISCONNECTED) &&
      !self->reconnecting && self->service != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "session") == 0)
    start_reconnect (self, xgb_connection_get_error (connection));
}

static void nesting_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
pending_nodes_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(XgbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) nodes = xgb_pubsub_service_get_pending_nodes_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  XgbSessionView *view = xgb_browser_view_get_session_view (self->browser_view);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->service != XGB_PUBSUB_SERVICE (object))
    return;
  if (nodes == NULL)
    text = g_strdup_printf (_("Cannot be listed: %s"), error->message);
  else if (nodes[0] == NULL)
    text = g_strdup (_("None"));
  else
    {
      /* Name a few: the admin answers them in the inbox (win.pending) */
      guint n = g_strv_length (nodes);
      g_autofree char *some = NULL;
      g_autofree char *listed = NULL;
      char *kept = n > 3 ? nodes[3] : NULL;

      if (n > 3)
        nodes[3] = NULL;
      some = g_strjoinv (", ", nodes);
      if (n > 3)
        nodes[3] = kept;
      listed = n > 3 ? g_strconcat (some, ", …", NULL) : g_strdup (some);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "On %u topic: %s. Answer it under Pending Requests (Ctrl+I).",
                                           "On %u topics: %s. Answer them under Pending Requests (Ctrl+I).", n),
                              n, listed);
    }
  xgb_session_view_set_pending (view, text);
}

static void
show_pending (XgbWindow *self)
{
  XgbSessionView *view = xgb_browser_view_get_session_view (self->browser_view);

  if (!xgb_pubsub_service_has (self->service, XGB_PUBSUB_CAP_GET_PENDING))
    {
      xgb_session_view_set_pending (view, _("Not supported by this Broker (no get-pending)"));
      return;
    }
  xgb_session_view_set_pending (view, _("Looking…"));
  xgb_pubsub_service_get_pending_nodes_async (self->service, self->cancellable, pending_nodes_cb,
                                              g_object_ref (self));
}

static void
broker_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(XgbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = xgb_find_broker_finish (XGB_CONNECTION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->connection != XGB_CONNECTION (object))
    return;

  if (info == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Logged in, but the Broker could not be used: %s"),
                                              error->message);

      xgb_banner_show (self->banner, XGB_BANNER_ERROR, msg);
      end_session (self);
      show_login (self);
      return;
    }

  self->broker = g_strdup (info->jid);
  self->service = xgb_pubsub_service_new (self->connection, info);
  {
    /* the account's own audit topic, else the app's setting */
    const char *own_topic = xgb_connection_get_params (self->connection)->audit_topic;
    g_autofree char *audit_topic = own_topic != NULL ? g_strdup (own_topic)
                                   : self->settings ? g_settings_get_string (self->settings, "audit-topic") : NULL;

    self->auditor = xgb_auditor_new (self->service, xgb_audit_log_get_default (), audit_topic);
  }
  xgb_session_view_set_broker (xgb_browser_view_get_session_view (self->browser_view),
                               xgb_connection_get_jid (self->connection), info);
  xgb_session_view_set_security (xgb_browser_view_get_session_view (self->browser_view),
                                 xgb_connection_get_session_info (self->connection));
  xgb_login_view_set_busy (self->login_view, TRUE, _("Looking at the Broker’s nodes…"));
  /* Virtual folders unless the service really nests (ejabberd only
   * advertises collections). */
  xgb_pubsub_service_detect_nesting_async (self->service, self->login_cancellable,
                                           nesting_cb, g_object_ref (self));
}

/* Saved accounts (story 1.7): a failure to remember the password is
 * said, the session goes on */
static void
account_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(XgbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!xgb_login_view_save_account_finish (XGB_LOGIN_VIEW (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *msg = g_strdup_printf (_("The account was saved, but its password was not remembered: %s"),
                                              error->message);

      xgb_banner_show (self->banner, XGB_BANNER_ERROR, msg);
    }
}

/* The login worked: the login view saves the account if asked to, with
 * the certificates trusted on the way (the connection's pins) */
static void
save_account (XgbWindow *self)
{
  xgb_login_view_save_account_async (self->login_view, xgb_connection_get_params (self->connection),
                                     self->cancellable, account_saved_cb, g_object_ref (self));
}

static void
nesting_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XgbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbNodeTree) tree = NULL;
  g_autofree char *separator = NULL;
  gboolean nests = xgb_pubsub_service_detect_nesting_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  /* the top level the detection read: the tree need not list it again */
  g_autoptr(XgbPubsubNodePage) top = xgb_pubsub_service_detect_nesting_steal_top_level (XGB_PUBSUB_SERVICE (object),
                                                                                         result);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->service != XGB_PUBSUB_SERVICE (object))
    return;
  /* A failed look treats the service as flat: folders still work. */
  if (error != NULL)
    g_debug ("nesting detection failed: %s", error->message);

  g_clear_object (&self->login_cancellable);
  show_pending (self);
  separator = folder_separator (self);
  tree = xgb_node_tree_new (self->service, nests, separator);
  xgb_browser_view_set_tree (self->browser_view, tree);
  if (top != NULL)
    xgb_node_tree_load_page (tree, g_steal_pointer (&top));
  else
    xgb_node_tree_load (tree);

  xgb_login_view_set_busy (self->login_view, FALSE, NULL);
  gtk_stack_set_visible_child_name (self->stack, "session");
  gtk_widget_grab_focus (GTK_WIDGET (xgb_browser_view_get_session_view (self->browser_view)));
  gtk_widget_set_visible (self->logout_button, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.logout", TRUE);
  gtk_widget_set_visible (self->pending_button, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pending", TRUE);
  update_subtitle (self);
  save_account (self);
}

/* --- trusting a server certificate ---------------------------------- */

/* Server Options: "Allow weak logins" (the mechanism policy) */
static GtkCheckButton *
allow_weak_check (XgbWindow *self)
{
  return GTK_CHECK_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (self->login_view), XGB_TYPE_LOGIN_VIEW,
                                                          "allow_weak_check"));
}

static char *
pin_key (const char *jid)
{
  g_autoptr(XgbJid) parsed = jid ? xgb_jid_parse (jid, NULL) : NULL;

  return parsed ? xgb_jid_to_bare (parsed) : g_strdup (jid ? jid : "");
}

static void
remember_pin (XgbWindow  *self,
              const char *jid,
              const char *sha256)
{
  g_autofree char *key = pin_key (jid);
  GPtrArray *pins = g_hash_table_lookup (self->pins, key);
  g_autofree char *pin = xgb_cert_fingerprint_normalize (sha256, NULL);

  if (pin == NULL)
    return;
  if (pins == NULL)
    {
      pins = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->pins, g_steal_pointer (&key), pins);
    }
  if (!g_ptr_array_find_with_equal_func (pins, pin, g_str_equal, NULL))
    g_ptr_array_add (pins, g_steal_pointer (&pin));
}

/* Adds what the admin trusted for this account to @params */
static void
apply_pins (XgbWindow      *self,
            XgbLoginParams *params)
{
  g_autofree char *key = pin_key (params->jid);
  GPtrArray *pins = g_hash_table_lookup (self->pins, key);

  for (guint i = 0; pins != NULL && i < pins->len; i++)
    xgb_login_params_add_pin (params, pins->pdata[i]);
}

typedef struct
{
  XgbWindow      *self;
  XgbLoginParams *params;
} TrustOp;

static void
trust_op_free (TrustOp *op)
{
  g_object_unref (op->self);
  xgb_login_params_free (op->params);
  g_free (op);
}

static void connect_requested_cb (XgbWindow *self, const XgbLoginParams *params);

static void
trust_dialog_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TrustOp *op = user_data;
  XgbTrustDialog *dialog = XGB_TRUST_DIALOG (object);
  XgbWindow *self = op->self;

  if (!xgb_trust_dialog_run_finish (dialog, result, NULL) || g_cancellable_is_cancelled (self->cancellable))
    {
      trust_op_free (op);
      return;
    }

  /* This exact certificate, for this account; a changed one replaces
   * what was trusted before. */
  if (xgb_trust_dialog_get_changed (dialog))
    {
      g_autofree char *key = pin_key (op->params->jid);

      g_hash_table_remove (self->pins, key);
      g_clear_pointer (&op->params->pins, g_strfreev);
    }
  remember_pin (self, op->params->jid, xgb_trust_dialog_get_fingerprint (dialog));
  apply_pins (self, op->params);
  connect_requested_cb (self, op->params);
  trust_op_free (op);
}

static void
ask_trust (XgbWindow            *self,
           const XgbLoginParams *params,
           const XgbSessionInfo *info,
           const GError         *error)
{
  gboolean changed = g_error_matches (error, XGB_ERROR, XGB_ERROR_CERT_CHANGED);
  XgbTrustDialog *dialog;
  TrustOp *op;
  g_autoptr(XgbJid) jid = xgb_jid_parse (params->jid, NULL);
  /* The name the certificate must carry, wherever the app connected */
  const char *server = jid ? xgb_jid_get_domain (jid) : params->jid;

  dialog = xgb_trust_dialog_new (GTK_WINDOW (self), params->jid, server, info->server_cert,
                                 info->verify_error,
                                 changed ? (const char * const *) params->pins : NULL);
  op = g_new0 (TrustOp, 1);
  op->self = g_object_ref (self);
  op->params = xgb_login_params_copy (params);
  /* Rejected: the reason stays in view */
  if (!changed)
    xgb_banner_show (self->banner, XGB_BANNER_ERROR, error->message);
  xgb_trust_dialog_run_async (dialog, self->cancellable, trust_dialog_cb, op);
}

/* A server certificate that does not verify, or not the trusted one */
static gboolean
is_trust_error (const XgbSessionInfo *info,
                const GError         *error)
{
  return info != NULL && info->server_cert != NULL &&
         (g_error_matches (error, XGB_ERROR, XGB_ERROR_CERT_CHANGED) ||
          (g_error_matches (error, XGB_ERROR, XGB_ERROR_TLS) && info->verify_error != NULL));
}

/* The login failed, or a reconnect that trying again cannot mend: back
 * to the login page, with the reason.  @reconnect: it was a reconnect */
static void
login_failed (XgbWindow     *self,
              XgbConnection *connection,
              const GError  *error,
              gboolean       reconnect)
{
  g_autoptr(XgbLoginParams) params = NULL;
  g_autoptr(XgbSessionInfo) info = NULL;
  g_autofree char *message = NULL;

  if (xgb_connection_get_session_info (connection) != NULL)
    info = xgb_session_info_copy (xgb_connection_get_session_info (connection));
  params = xgb_login_params_copy (xgb_connection_get_params (connection));
  end_session (self);
  show_login (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  message = reconnect ? g_strdup_printf (_("The connection was lost and logging in again failed: %s"),
                                         error->message)
                      : g_strdup (error->message);
  /* A server certificate that does not verify, or not the trusted
   * one: the admin decides, with the certificate in front of them.
   * A changed one is also said loudly in the banner. */
  if (is_trust_error (info, error))
    {
      if (g_error_matches (error, XGB_ERROR, XGB_ERROR_CERT_CHANGED))
        xgb_banner_show (self->banner, XGB_BANNER_ERROR, message);
      ask_trust (self, params, info, error);
      return;
    }
  xgb_banner_show (self->banner, XGB_BANNER_ERROR, message);
}

/* --- reconnecting after a drop (story 1.7) -------------------------- */

/* How long "Reconnected" stays */
#define RECONNECTED_SHOWN_S 10

/* What needs the Broker; off while the connection is down.  win.pending
 * follows the session page (show_login, nesting_cb) otherwise. */
static const char * const server_actions[] = {
  "win.new-node", "win.delete-node", "win.bulk-change", "win.reload", "win.check",
};

static void
set_server_actions_enabled (XgbWindow *self,
                            gboolean   enabled)
{
  for (guint i = 0; i < G_N_ELEMENTS (server_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), server_actions[i], enabled);
}

static void
update_reconnect_banner (XgbWindow *self)
{
  g_autofree char *head = NULL;
  g_autofree char *text = NULL;

  if (self->reconnect_at != 0)
    {
      gint64 left_us = MAX (self->reconnect_at - g_get_monotonic_time (), 0);
      guint left = (guint) MAX ((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1);

      head = g_strdup_printf (_("Connection lost — reconnecting in %u s…"), left);
    }
  else
    head = g_strdup (_("Connection lost — reconnecting…"));
  text = self->reconnect_reason ? g_strdup_printf ("%s\n%s", head, self->reconnect_reason) : g_steal_pointer (&head);

  xgb_banner_show (self->connection_banner, XGB_BANNER_ERROR, text);
  xgb_banner_set_action (self->connection_banner, _("_Reconnect Now"), "win.reconnect");
}

static gboolean
countdown_cb (gpointer data)
{
  update_reconnect_banner (data);
  return G_SOURCE_CONTINUE;
}

static void reconnect_attempt (XgbWindow *self);

static gboolean
reconnect_timeout_cb (gpointer data)
{
  XgbWindow *self = data;

  self->reconnect_source = 0;
  reconnect_attempt (self);
  return G_SOURCE_REMOVE;
}

/* Waits the backoff's next delay (1 s doubling to 60 s, with jitter) */
static void
schedule_reconnect (XgbWindow *self)
{
  guint delay_ms = xgb_backoff_next (self->backoff);

  self->reconnect_at = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  self->reconnect_source = g_timeout_add (delay_ms, reconnect_timeout_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->reconnect_source), "xgb-reconnect");
  if (self->countdown_source == 0)
    self->countdown_source = g_timeout_add (250, countdown_cb, self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect", TRUE);
  update_reconnect_banner (self);
  update_subtitle (self);
}

static void
broker_refreshed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(XgbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = xgb_find_broker_finish (XGB_CONNECTION (object), result, &error);

  if (info == NULL || self->connection != XGB_CONNECTION (object))
    return;
  xgb_session_view_set_broker (xgb_browser_view_get_session_view (self->browser_view),
                               xgb_connection_get_jid (self->connection), info);
}

static gboolean
reconnected_shown_cb (gpointer data)
{
  XgbWindow *self = data;

  self->reconnected_source = 0;
  xgb_banner_dismiss (self->connection_banner);
  return G_SOURCE_REMOVE;
}

/* Logged in again: the same Broker (dialogs and windows that hold it
 * work again, and the auditor still hears every change), and what the
 * window shows read anew: the nodes, the node and tab that were shown
 * (as F5 does), the overview and the pending requests. */
static void
reconnected (XgbWindow *self)
{
  self->reconnecting = FALSE;
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  g_clear_pointer (&self->backoff, xgb_backoff_free);
  g_clear_pointer (&self->reconnect_reason, g_free);
  self->reconnect_at = 0;
  set_server_actions_enabled (self, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pending", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect", FALSE);

  xgb_banner_set_action (self->connection_banner, NULL, NULL);
  xgb_banner_show (self->connection_banner, XGB_BANNER_INFO, _("Reconnected. The nodes are read again."));
  self->reconnected_source = g_timeout_add_seconds (RECONNECTED_SHOWN_S, reconnected_shown_cb, self);
  update_subtitle (self);

  xgb_session_view_set_security (xgb_browser_view_get_session_view (self->browser_view),
                                 xgb_connection_get_session_info (self->connection));
  xgb_find_broker_async (self->connection, xgb_pubsub_service_get_jid (self->service), self->cancellable,
                         broker_refreshed_cb, g_object_ref (self));
  reload_action (GTK_WIDGET (self), "win.reload", NULL);
  show_pending (self);
  if (self->pending_window != NULL && gtk_widget_get_visible (GTK_WIDGET (self->pending_window)))
    xgb_pending_window_reload (self->pending_window);
}

/* Worth another attempt: the server is away, not refusing this login */
static gboolean
worth_retrying (XgbConnection *connection,
                const GError  *error)
{
  if (is_trust_error (xgb_connection_get_session_info (connection), error))
    return FALSE;
  return !g_error_matches (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED) &&
         !g_error_matches (error, XGB_ERROR, XGB_ERROR_CERT_CHANGED) &&
         !g_error_matches (error, XGB_ERROR, XGB_ERROR_WEAK_MECHANISM) &&
         !g_error_matches (error, XGB_ERROR, XGB_ERROR_FILE) &&
         !g_error_matches (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
}

static void
reconnected_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(XgbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  XgbConnection *connection = XGB_CONNECTION (object);
  gboolean ok = xgb_connection_connect_finish (connection, result, &error);

  /* A logout (or the window's end) stopped it */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->connection != connection || !self->reconnecting)
    return;
  g_clear_object (&self->reconnect_cancellable);

  /* dropped again before this ran: the state change was ignored then */
  if (ok && xgb_connection_get_state (connection) != XGB_CONNECTION_STATE_CONNECTED)
    {
      ok = FALSE;
      if (xgb_connection_get_error (connection) != NULL)
        error = g_error_copy (xgb_connection_get_error (connection));
      else
        error = g_error_new_literal (XGB_ERROR, XGB_ERROR_CONNECTION_LOST, _("The server closed the connection."));
    }
  if (ok)
    reconnected (self);
  else if (!worth_retrying (connection, error))
    login_failed (self, connection, error, TRUE);
  else
    {
      g_free (self->reconnect_reason);
      self->reconnect_reason = g_strdup_printf (_("Last attempt: %s"), error->message);
      schedule_reconnect (self);
    }
}

/* Logs in again, with the parameters of the session (password or
 * passphrase, certificate, pins), kept in the connection until the
 * session ends */
static void
reconnect_attempt (XgbWindow *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_at = 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect", FALSE);
  g_clear_object (&self->reconnect_cancellable);
  self->reconnect_cancellable = g_cancellable_new ();
  update_reconnect_banner (self);
  xgb_connection_connect_async (self->connection, self->reconnect_cancellable, reconnected_cb,
                                g_object_ref (self));
  update_subtitle (self);
}

/* The stream dropped under the session page: requests in flight have
 * already failed (CONNECTION_LOST); the page keeps what it shows and
 * open dialogs keep what the admin typed. */
static void
start_reconnect (XgbWindow    *self,
                 const GError *error)
{
  g_debug ("connection lost: %s", error ? error->message : "no reason given");
  self->reconnecting = TRUE;
  g_clear_handle_id (&self->reconnected_source, g_source_remove);
  g_clear_pointer (&self->backoff, xgb_backoff_free);
  self->backoff = xgb_backoff_new ();
  g_free (self->reconnect_reason);
  /* A stream error's text says more than "lost"; the plain drop's
   * message (xgb-connection.c) would only repeat the banner */
  self->reconnect_reason = error && g_strcmp0 (error->message, _("The connection to the server was lost.")) != 0
                           ? g_strdup (error->message) : NULL;
  set_server_actions_enabled (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pending", FALSE);
  schedule_reconnect (self);
}

static void
stop_reconnect (XgbWindow *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  g_clear_handle_id (&self->reconnected_source, g_source_remove);
  if (self->reconnect_cancellable != NULL)
    {
      g_cancellable_cancel (self->reconnect_cancellable);
      g_clear_object (&self->reconnect_cancellable);
    }
  g_clear_pointer (&self->backoff, xgb_backoff_free);
  g_clear_pointer (&self->reconnect_reason, g_free);
  self->reconnect_at = 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect", FALSE);
  if (self->reconnecting)
    {
      self->reconnecting = FALSE;
      set_server_actions_enabled (self, TRUE);
    }
  if (self->connection_banner != NULL)
    {
      xgb_banner_set_action (self->connection_banner, NULL, NULL);
      xgb_banner_dismiss (self->connection_banner);
    }
}

/* "Reconnect Now": the next attempt at once */
static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);

  if (self->reconnecting && self->reconnect_source != 0)
    reconnect_attempt (self);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XgbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  XgbConnection *connection = XGB_CONNECTION (object);

  if (!xgb_connection_connect_finish (connection, result, &error))
    {
      if (self->connection == connection)
        login_failed (self, connection, error, FALSE);
      return;
    }

  if (self->connection != connection)
    return;

  xgb_login_view_set_busy (self->login_view, TRUE, _("Finding the Broker…"));
  xgb_find_broker_async (connection, xgb_connection_get_params (connection)->broker,
                         self->login_cancellable, broker_found_cb, g_object_ref (self));
}

static void
connect_requested_cb (XgbWindow            *self,
                      const XgbLoginParams *params)
{
  g_autofree char *status = NULL;
  g_autoptr(XgbLoginParams) with_pins = xgb_login_params_copy (params);

  xgb_banner_dismiss (self->banner);
  end_session (self);

  /* The certificates the admin trusted for this account come along,
   * and whether weak mechanisms are allowed */
  apply_pins (self, with_pins);
  with_pins->allow_weak_mechanisms = with_pins->allow_weak_mechanisms ||
                                     gtk_check_button_get_active (allow_weak_check (self));
  self->connection = xgb_connection_new (with_pins);
  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (connection_state_cb), self, G_CONNECT_SWAPPED);
  self->login_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->cancellable, "cancelled",
                           G_CALLBACK (g_cancellable_cancel), self->login_cancellable,
                           G_CONNECT_SWAPPED);

  status = g_strdup_printf (_("Connecting to %s…"),
                            params->host ? params->host : xgb_connection_get_domain (self->connection));
  xgb_login_view_set_busy (self->login_view, TRUE, status);
  xgb_connection_connect_async (self->connection, self->login_cancellable,
                                connected_cb, g_object_ref (self));
  update_subtitle (self);
}

static void
cancel_requested_cb (XgbWindow *self)
{
  end_session (self);
  show_login (self);
}

static void
logout_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);

  end_session (self);
  /* the password and passphrase leave memory with the session */
  xgb_login_view_forget_secrets (self->login_view);
  xgb_banner_dismiss (self->banner);
  show_login (self);
}

static gboolean
in_session (XgbWindow *self)
{
  return self->service != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "session") == 0;
}

/* The requests waiting on every topic, in a window of their own */
static void
pending_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);

  if (!in_session (self))
    return;
  /* A closed inbox may linger until its last reply: open a new one */
  if (self->pending_window != NULL && !gtk_widget_get_visible (GTK_WIDGET (self->pending_window)))
    forget_pending_window (self);
  if (self->pending_window == NULL)
    {
      self->pending_window = xgb_pending_window_new (GTK_WINDOW (self), self->service);
      g_object_add_weak_pointer (G_OBJECT (self->pending_window), (gpointer *) &self->pending_window);
      /* The overview's count follows the answers */
      g_signal_connect_object (self->pending_window, "answered", G_CALLBACK (show_pending), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->pending_window));
}

/* The Controller check (stories 11.1, 11.2, 1.4), a window per call */
static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);
  XgbNodeTree *tree;
  XgbCheckWindow *check;

  if (!in_session (self))
    return;
  tree = xgb_browser_view_get_tree (xgb_window_get_browser_view (self));
  if (tree == NULL)
    return;
  {
    const XgbSessionInfo *info = xgb_connection_get_session_info (self->connection);

    check = xgb_check_window_new (GTK_WINDOW (self), tree, info ? info->tls_version : NULL,
                                  info ? info->cipher : NULL, info ? info->mechanism : NULL,
                                  info ? (const char * const *) info->offered : NULL);
  }
  gtk_window_present (GTK_WINDOW (check));
}

/* The audit trail: this computer's log and the audit topic */
static void
audit_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);
  XgbAuditWindow *audit;

  audit = xgb_audit_window_new (GTK_WINDOW (self), xgb_audit_log_get_default (),
                                in_session (self) ? self->service : NULL,
                                self->auditor ? xgb_auditor_get_topic (self->auditor) : NULL);
  gtk_window_present (GTK_WINDOW (audit));
}

/* --- create --------------------------------------------------------- */

typedef struct
{
  XgbWindow        *self;
  XgbCreateRequest *request;
  char             *created;
} CreateOp;

static void
create_op_free (CreateOp *op)
{
  g_object_unref (op->self);
  xgb_create_request_free (op->request);
  g_free (op->created);
  g_free (op);
}

static void create_op_consumers_cb (GObject *object, GAsyncResult *result, gpointer user_data);

/* What a failed step of a create left undone, exactly: nothing was sent
 * (the connection was already gone), the outcome is unknown (lost while
 * waiting), or the Broker refused.  @jids: the addresses of the step;
 * after the Providers' step, the Consumers were not subscribed either. */
static char *
create_op_problem (CreateOp     *op,
                   gboolean      providers,
                   GStrv         jids,
                   const GError *error)
{
  g_autofree char *who = g_strjoinv (", ", jids);
  g_autofree char *later = NULL;
  g_autofree char *first = NULL;

  if (providers && op->request->consumers != NULL && op->request->consumers[0] != NULL)
    {
      g_autofree char *consumers = g_strjoinv (", ", op->request->consumers);

      later = g_strdup_printf (_("Not subscribed either: %s."), consumers);
    }

  if (g_error_matches (error, XGB_ERROR, XGB_ERROR_NOT_CONNECTED))
    first = providers
      ? g_strdup_printf (_("Created “%s”, but the connection was lost before its Providers were set: "
                           "%s not made publishers (nothing was sent)."), op->created, who)
      : g_strdup_printf (_("Created “%s” with its Providers, but the connection was lost before its Consumers "
                           "were subscribed: %s not subscribed (nothing was sent)."), op->created, who);
  else if (g_error_matches (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST) ||
           g_error_matches (error, XGB_ERROR, XGB_ERROR_TIMEOUT))
    first = providers
      ? g_strdup_printf (_("Created “%s”, but the connection was lost while making %s publishers: the Broker "
                           "may or may not have done it (see the Affiliations tab)."), op->created, who)
      : g_strdup_printf (_("Created “%s” with its Providers, but the connection was lost while subscribing %s: "
                           "the Broker may or may not have done it (see the Subscribers tab)."), op->created, who);
  else
    first = providers
      ? g_strdup_printf (_("Created “%s”, but making %s publishers failed: %s"), op->created, who, error->message)
      : g_strdup_printf (_("Created “%s” with its Providers, but subscribing %s failed: %s"), op->created, who,
                         error->message);

  return later ? g_strconcat (first, " ", later, NULL) : g_steal_pointer (&first);
}

static void
create_op_done (CreateOp   *op,
                const char *problem)
{
  XgbWindow *self = op->self;
  XgbNodeTree *tree = xgb_browser_view_get_tree (self->browser_view);

  if (tree != NULL && op->created != NULL)
    {
      XgbNode *node = xgb_node_tree_add (tree, op->created, NULL);

      if (node != NULL)
        xgb_browser_view_select_node (self->browser_view, node);
    }
  if (problem != NULL)
    xgb_banner_show (self->banner, XGB_BANNER_ERROR, problem);
  else
    {
      g_autofree char *msg = g_strdup_printf (_("Created “%s”."), op->created);

      xgb_banner_show (self->banner, XGB_BANNER_INFO, msg);
    }
  create_op_free (op);
}

static void
create_op_publishers_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  CreateOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) consumers = NULL;

  if (result != NULL && !xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error))
    {
      g_autofree char *msg = create_op_problem (op, TRUE, op->request->publishers, error);

      create_op_done (op, msg);
      return;
    }

  if (op->request->consumers == NULL || op->request->consumers[0] == NULL)
    {
      create_op_done (op, NULL);
      return;
    }
  consumers = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_subscription_free);
  for (guint i = 0; op->request->consumers[i] != NULL; i++)
    {
      XgbPubsubSubscription *sub = g_new0 (XgbPubsubSubscription, 1);

      sub->jid = g_strdup (op->request->consumers[i]);
      sub->subscription = g_strdup ("subscribed");
      g_ptr_array_add (consumers, sub);
    }
  xgb_pubsub_service_set_subscriptions_async (op->self->service, op->created, consumers,
                                              op->self->cancellable, create_op_consumers_cb, op);
}

static void
create_op_consumers_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  CreateOp *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error))
    {
      g_autofree char *msg = create_op_problem (op, FALSE, op->request->consumers, error);

      create_op_done (op, msg);
      return;
    }
  create_op_done (op, NULL);
}

static void
create_op_created_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  CreateOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) publishers = NULL;

  op->created = xgb_pubsub_service_create_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  if (op->created == NULL)
    {
      /* Lost in flight: the outcome is unknown; the list is read again
       * after the reconnect */
      g_autofree char *msg = g_error_matches (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST)
        ? g_strdup_printf (_("The connection was lost while creating “%s”: the Broker may or may not have "
                             "created it. The nodes are read again once reconnected."), op->request->name)
        : g_strdup_printf (_("Could not create “%s”: %s"), op->request->name, error->message);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        create_op_free (op);
      else
        create_op_done (op, msg);
      return;
    }

  if (op->request->publishers == NULL || op->request->publishers[0] == NULL)
    {
      create_op_publishers_cb (object, NULL, op);
      return;
    }
  publishers = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_affiliation_free);
  for (guint i = 0; op->request->publishers[i] != NULL; i++)
    {
      XgbPubsubAffiliation *a = g_new0 (XgbPubsubAffiliation, 1);

      a->jid = g_strdup (op->request->publishers[i]);
      a->affiliation = g_strdup ("publisher");
      g_ptr_array_add (publishers, a);
    }
  xgb_pubsub_service_set_affiliations_async (op->self->service, op->created, publishers,
                                             op->self->cancellable, create_op_publishers_cb, op);
}

static void
create_dialog_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(XgbWindow) self = user_data;
  XgbCreateRequest *request = xgb_create_dialog_run_finish (XGB_CREATE_DIALOG (object), result, NULL);
  g_autoptr(GString) config = NULL;
  CreateOp *op;

  if (request == NULL || !in_session (self))
    {
      xgb_create_request_free (request);
      return;
    }

  if (request->config != NULL)
    config = g_string_new (request->config);
  else
    {
  config = g_string_new ("<x xmlns='jabber:x:data' type='submit'>"
                         "<field var='FORM_TYPE' type='hidden'><value>"
                         "http://jabber.org/protocol/pubsub#node_config</value></field>");
  {
    g_autofree char *access = g_markup_printf_escaped ("<field var='pubsub#access_model'><value>%s</value></field>",
                                                       request->access_model);

    g_string_append (config, access);
  }
  if (request->title != NULL)
    {
      g_autofree char *title = g_markup_printf_escaped ("<field var='pubsub#title'><value>%s</value></field>",
                                                        request->title);

      g_string_append (config, title);
    }
  if (request->collection)
    g_string_append (config, "<field var='pubsub#node_type'><value>collection</value></field>");
  if (request->parents != NULL && request->parents[0] != NULL)
    {
      g_string_append (config, "<field var='pubsub#collection'>");
      for (guint i = 0; request->parents[i] != NULL; i++)
        {
          g_autofree char *value = g_markup_printf_escaped ("<value>%s</value>", request->parents[i]);

          g_string_append (config, value);
        }
      g_string_append (config, "</field>");
    }
  g_string_append (config, "</x>");
    }

  op = g_new0 (CreateOp, 1);
  op->self = g_object_ref (self);
  op->request = request;
  xgb_pubsub_service_create_async (self->service, request->name, request->collection, config->str,
                                   self->cancellable, create_op_created_cb, op);
}

static void
new_node_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);
  XgbNode *current;
  g_autofree char *prefix = NULL;
  XgbCreateDialog *dialog;

  if (!in_session (self))
    return;
  if (!xgb_pubsub_service_has (self->service, XGB_PUBSUB_CAP_CREATE_NODES))
    {
      xgb_banner_show (self->banner, XGB_BANNER_INFO,
                       _("This Broker does not offer creating nodes: it does not advertise "
                         "pubsub#create-nodes (see Controller Check)."));
      return;
    }

  /* In the selected folder, by default */
  current = xgb_browser_view_get_current (self->browser_view);
  if (current != NULL && xgb_node_get_kind (current) == XGB_NODE_KIND_FOLDER)
    prefix = g_strconcat (xgb_node_get_path (current), XGB_NODE_TREE_SEPARATOR, NULL);

  dialog = xgb_create_dialog_new (GTK_WINDOW (self), prefix);
  {
    XgbNodeTree *tree = xgb_browser_view_get_tree (self->browser_view);

    xgb_create_dialog_set_service (dialog, self->service, tree != NULL && xgb_node_tree_get_nests (tree));
  }
  xgb_create_dialog_run_async (dialog, self->cancellable, create_dialog_cb, g_object_ref (self));
}

/* --- delete --------------------------------------------------------- */

typedef struct
{
  XgbWindow *self;
  char      *name;
} DeleteOp;

static void
delete_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  DeleteOp *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *msg = g_error_matches (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST)
            ? g_strdup_printf (_("The connection was lost while deleting “%s”: the Broker may or may not have "
                                 "deleted it. The nodes are read again once reconnected."), op->name)
            : g_strdup_printf (_("Could not delete “%s”: %s"), op->name, error->message);

          xgb_banner_show (op->self->banner, XGB_BANNER_ERROR, msg);
        }
    }
  else
    {
      g_autofree char *msg = g_strdup_printf (_("Deleted “%s”."), op->name);
      XgbNodeTree *tree = xgb_browser_view_get_tree (op->self->browser_view);

      if (tree != NULL)
        xgb_node_tree_remove (tree, op->name);
      xgb_browser_view_show_overview (op->self->browser_view);
      xgb_banner_show (op->self->banner, XGB_BANNER_INFO, msg);
    }

  g_object_unref (op->self);
  g_free (op->name);
  g_free (op);
}

static void
delete_dialog_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DeleteOp *op = user_data;

  if (!xgb_delete_dialog_run_finish (XGB_DELETE_DIALOG (object), result, NULL) || !in_session (op->self))
    {
      g_object_unref (op->self);
      g_free (op->name);
      g_free (op);
      return;
    }
  xgb_pubsub_service_delete_async (op->self->service, op->name, op->self->cancellable, delete_done_cb, op);
}

static void
delete_node_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);
  XgbNode *current;
  XgbDeleteDialog *dialog;
  DeleteOp *op;

  if (!in_session (self))
    return;

  if (!xgb_pubsub_service_has (self->service, XGB_PUBSUB_CAP_DELETE_NODES))
    {
      xgb_banner_show (self->banner, XGB_BANNER_INFO,
                       _("This Broker does not offer deleting nodes: it does not advertise "
                         "pubsub#delete-nodes (see Controller Check)."));
      return;
    }
  current = xgb_browser_view_get_current (self->browser_view);
  if (current == NULL || xgb_node_get_name (current) == NULL)
    {
      xgb_banner_show (self->banner, XGB_BANNER_INFO,
                       _("Select a topic or collection to delete; folders are only parts of topic names."));
      return;
    }

  op = g_new0 (DeleteOp, 1);
  op->self = g_object_ref (self);
  op->name = g_strdup (xgb_node_get_name (current));
  dialog = xgb_delete_dialog_new (GTK_WINDOW (self), current);
  xgb_delete_dialog_run_async (dialog, self->cancellable, delete_dialog_cb, op);
}

/* --- bulk changes ---------------------------------------------------- */

/* The app's own bulk work changed nodes: the page shown reads them anew */
static void
bulk_applied_cb (XgbBulkDialog *dialog,
                 XgbWindow     *self)
{
  XgbNode *current;

  if (!in_session (self))
    return;
  current = xgb_browser_view_get_current (self->browser_view);
  if (current != NULL)
    xgb_browser_view_select_node (self->browser_view, current);
}

static void
bulk_dialog_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  xgb_bulk_dialog_run_finish (XGB_BULK_DIALOG (object), result, NULL);
  /* the window, kept alive while the dialog ran */
  g_object_unref (user_data);
}

static void
bulk_change_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);
  XgbNodeTree *tree;
  XgbNode *current;
  XgbBulkDialog *dialog;

  if (!in_session (self))
    return;
  tree = xgb_browser_view_get_tree (self->browser_view);
  current = xgb_browser_view_get_current (self->browser_view);
  if (tree == NULL || current == NULL)
    {
      xgb_banner_show (self->banner, XGB_BANNER_INFO,
                       _("Select a topic, a collection or a folder first: a bulk change applies to it and "
                         "everything under it."));
      return;
    }
  dialog = xgb_bulk_dialog_new (GTK_WINDOW (self), tree, current);
  g_signal_connect_object (dialog, "applied", G_CALLBACK (bulk_applied_cb), self, 0);
  xgb_bulk_dialog_run_async (dialog, self->cancellable, bulk_dialog_cb, g_object_ref (self));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);
  XgbNodeTree *old;
  g_autoptr(XgbNodeTree) tree = NULL;
  g_autofree char *separator = NULL;

  if (!in_session (self) || self->reconnecting)
    return;
  old = xgb_browser_view_get_tree (self->browser_view);
  separator = folder_separator (self);
  tree = xgb_node_tree_new (self->service, old ? xgb_node_tree_get_nests (old) : FALSE, separator);
  xgb_browser_view_set_tree (self->browser_view, tree);
  xgb_node_tree_load (tree);
}

static void
filter_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XgbWindow *self = XGB_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "session") == 0)
    xgb_browser_view_focus_filter (self->browser_view);
}

static GSettings *
window_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running from a build tree without the compiled schema must not abort. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema %s not installed; window size is not kept", APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
xgb_window_close_request (GtkWindow *window)
{
  XgbWindow *self = XGB_WINDOW (window);

  g_cancellable_cancel (self->cancellable);
  end_session (self);

  if (self->settings != NULL)
    {
      int width = 0, height = 0;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }

  return GTK_WINDOW_CLASS (xgb_window_parent_class)->close_request (window);
}

static void
xgb_window_dispose (GObject *object)
{
  XgbWindow *self = XGB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  end_session (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->pins, g_hash_table_unref);

  G_OBJECT_CLASS (xgb_window_parent_class)->dispose (object);
}

static void
xgb_window_finalize (GObject *object)
{
  XgbWindow *self = XGB_WINDOW (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (xgb_window_parent_class)->finalize (object);
}

static void
xgb_window_class_init (XgbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_window_dispose;
  object_class->finalize = xgb_window_finalize;
  window_class->close_request = xgb_window_close_request;

  g_type_ensure (XGB_TYPE_BANNER);
  g_type_ensure (XGB_TYPE_LOGIN_VIEW);
  g_type_ensure (XGB_TYPE_BROWSER_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, connection_banner);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, login_view);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, browser_view);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, logout_button);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, pending_button);
  gtk_widget_class_bind_template_callback (widget_class, connect_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_requested_cb);

  gtk_widget_class_install_action (widget_class, "win.logout", NULL, logout_action);
  gtk_widget_class_install_action (widget_class, "win.filter", NULL, filter_action);
  gtk_widget_class_install_action (widget_class, "win.new-node", NULL, new_node_action);
  gtk_widget_class_install_action (widget_class, "win.delete-node", NULL, delete_node_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.pending", NULL, pending_action);
  gtk_widget_class_install_action (widget_class, "win.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "win.audit", NULL, audit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.pending", NULL);
  gtk_widget_class_install_action (widget_class, "win.bulk-change", NULL, bulk_change_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-node", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete-node", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "win.bulk-change", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.filter", NULL);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
xgb_window_init (XgbWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->pins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.logout", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pending", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect", FALSE);

  self->settings = window_settings_new ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));

      /* The menu's radio items; a change shows the nodes anew */
      {
        g_autoptr(GAction) action = g_settings_create_action (self->settings, "folder-separator");

        g_action_map_add_action (G_ACTION_MAP (self), action);
        g_signal_connect_object (self->settings, "changed::folder-separator",
                                 G_CALLBACK (folder_separator_changed_cb), self, G_CONNECT_SWAPPED);
      }
    }
}

XgbWindow *
xgb_window_new (XgbApplication *application)
{
  return g_object_new (XGB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

void
xgb_window_set_login_params (XgbWindow            *self,
                             const XgbLoginParams *params)
{
  g_return_if_fail (XGB_IS_WINDOW (self));
  g_return_if_fail (params != NULL);

  /* --pin: trusted for this account from the start */
  for (guint i = 0; params->pins != NULL && params->pins[i] != NULL; i++)
    remember_pin (self, params->jid, params->pins[i]);
  xgb_login_view_set_params (self->login_view, params);
  gtk_check_button_set_active (allow_weak_check (self), params->allow_weak_mechanisms);
}

/**
 * xgb_window_connect:
 *
 * Presses Connect on the login view, as `--connect` does.
 *
 * Returns: %TRUE when the form was valid and a login was requested
 */
gboolean
xgb_window_connect (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), FALSE);

  return xgb_login_view_submit (self->login_view);
}

XgbLoginView *
xgb_window_get_login_view (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->login_view;
}

XgbBanner *
xgb_window_get_banner (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->banner;
}

XgbSessionView *
xgb_window_get_session_view (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return xgb_browser_view_get_session_view (self->browser_view);
}

XgbBrowserView *
xgb_window_get_browser_view (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->browser_view;
}

XgbConnection *
xgb_window_get_connection (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->connection;
}

const char *
xgb_window_get_visible_page (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/* The strip that says the connection was lost, and "Reconnected" */
XgbBanner *
xgb_window_get_connection_banner (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->connection_banner;
}

/**
 * xgb_window_get_reconnecting:
 * @attempts: (out) (optional): the attempts made or under way so far
 * @next_attempt: (out) (optional): when the next attempt starts
 *   (g_get_monotonic_time()), or 0 while one is under way
 *
 * Returns: whether the connection dropped and the window is logging in
 *   again
 */
gboolean
xgb_window_get_reconnecting (XgbWindow *self,
                             guint     *attempts,
                             gint64    *next_attempt)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), FALSE);

  if (attempts != NULL)
    *attempts = self->backoff ? xgb_backoff_get_attempts (self->backoff) - (self->reconnect_at != 0) : 0;
  if (next_attempt != NULL)
    *next_attempt = self->reconnect_at;
  return self->reconnecting;
}

GCancellable *
xgb_window_get_cancellable (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->cancellable;
}
