/* xgb-subscriptions-view.c - who receives what a node publishes
 *
 * The Subscriptions tab of a node's page (stories 7.1–7.5): the
 * subscriptions as the server has them (address, state, subscription
 * id), each subscription's options (where the Broker offers them),
 * subscribing an address, and unsubscribing one after a confirmation.
 * The list is read anew after each change.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "xgb-confirm-dialog.h"
#include "xgb-list-pane.h"
#include "xgb-list-row.h"
#include "xgb-options-dialog.h"
#include "xgb-subscriptions-view.h"
#include "xgb-widget.h"

struct _XgbSubscriptionsView
{
  GtkWidget         parent_instance;

  XgbListPane       pane;
  GtkLabel         *pending_note;  /* where the Broker cannot list requests */
  GPtrArray        *pending;       /* of XgbPubsubPending, where listed */
  guint             refresh_id;    /* reading again after an answer */
};

G_DEFINE_FINAL_TYPE (XgbSubscriptionsView, xgb_subscriptions_view, GTK_TYPE_WIDGET)

static const char *
state_label (const char *state)
{
  if (g_strcmp0 (state, "subscribed") == 0)
    return _("Subscribed");
  if (g_strcmp0 (state, "pending") == 0)
    return _("Waiting for approval");
  if (g_strcmp0 (state, "unconfigured") == 0)
    return _("Options required first");
  return state;
}

static void
unsubscribe_clicked_cb (GtkButton            *button,
                        XgbSubscriptionsView *self)
{
  xgb_subscriptions_view_unsubscribe (self, g_object_get_data (G_OBJECT (button), "jid"),
                                      g_object_get_data (G_OBJECT (button), "subid"));
}

static void
options_clicked_cb (GtkButton            *button,
                    XgbSubscriptionsView *self)
{
  xgb_subscriptions_view_edit_options (self, g_object_get_data (G_OBJECT (button), "jid"),
                                       g_object_get_data (G_OBJECT (button), "subid"));
}

/* Story 7.5: the options action, usable only where the Broker says it
 * has subscription options (XEP-0060 6.3, disco feature
 * pubsub#subscription-options); elsewhere the tooltip says why not. */
static void
add_options_button (XgbSubscriptionsView        *self,
                    GtkWidget                   *row,
                    const XgbPubsubSubscription *s)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Options…"));
  g_autofree char *description = g_strdup_printf (_("Read or change the subscription options of %s"), s->jid);

  xgb_list_row_add_action (row, button, description, "jid", s->jid);
  g_object_set_data_full (G_OBJECT (button), "subid", g_strdup (s->subid), g_free);
  g_object_set_data (G_OBJECT (button), "action", (gpointer) "options");
  if (!xgb_pubsub_service_has (self->pane.service, XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS))
    {
      const char *why = _("This Broker does not offer subscription options (it does not advertise "
                          "pubsub#subscription-options).");

      gtk_widget_set_sensitive (button, FALSE);
      gtk_widget_set_tooltip_text (button, why);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, why, -1);
    }
  else if (g_strcmp0 (s->subscription, "unconfigured") == 0)
    gtk_widget_add_css_class (button, "suggested-action");   /* the Broker waits for them */
  g_signal_connect_object (button, "clicked", G_CALLBACK (options_clicked_cb), self, 0);
}

static void
answer_clicked_cb (GtkButton            *button,
                   XgbSubscriptionsView *self)
{
  xgb_subscriptions_view_answer (self, g_object_get_data (G_OBJECT (button), "jid"),
                                 g_object_get_data (G_OBJECT (button), "subid"),
                                 GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "allow")));
}

static void
add_answer_button (XgbSubscriptionsView        *self,
                   GtkWidget                   *row,
                   const XgbPubsubSubscription *s,
                   gboolean                     allow)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (allow ? _("_Approve") : _("_Deny"));
  g_autofree char *description = g_strdup_printf (allow ? _("Approve the request of %s")
                                                        : _("Deny the request of %s"), s->jid);

  if (allow)
    gtk_widget_add_css_class (button, "suggested-action");
  xgb_list_row_add_action (row, button, description, "jid", s->jid);
  g_object_set_data_full (G_OBJECT (button), "subid", g_strdup (s->subid), g_free);
  g_object_set_data (G_OBJECT (button), "allow", GINT_TO_POINTER (allow));
  g_signal_connect_object (button, "clicked", G_CALLBACK (answer_clicked_cb), self, 0);
}

static gboolean
listed_as_pending (XgbSubscriptionsView *self,
                   const char           *jid)
{
  for (guint i = 0; self->pane.current != NULL && i < self->pane.current->len; i++)
    {
      const XgbPubsubSubscription *s = self->pane.current->pdata[i];

      if (g_strcmp0 (s->jid, jid) == 0 && g_strcmp0 (s->subscription, "pending") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
show_list (XgbSubscriptionsView *self)
{
  xgb_list_pane_clear_rows (&self->pane);
  if (self->pane.current == NULL)
    return;

  for (guint i = 0; i < self->pane.current->len; i++)
    {
      const XgbPubsubSubscription *s = self->pane.current->pdata[i];
      GtkWidget *row = xgb_list_row_new (s->jid);
      GtkWidget *state = gtk_label_new (state_label (s->subscription));

      gtk_widget_add_css_class (state, "dim-label");
      if (s->subid != NULL)
        {
          g_autofree char *tip = g_strdup_printf (_("Subscription id %s"), s->subid);

          gtk_widget_set_tooltip_text (state, tip);
        }
      xgb_list_row_add_action (row, state, NULL, NULL, NULL);
      if (g_strcmp0 (s->subscription, "pending") == 0)
        {
          /* Stories 10.1–10.2: a request waits for the owner */
          add_answer_button (self, row, s, FALSE);
          add_answer_button (self, row, s, TRUE);
        }
      else
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Unsubscribe"));

          add_options_button (self, row, s);
          g_autofree char *description = g_strdup_printf (_("Unsubscribe %s"), s->jid);

          xgb_list_row_add_action (row, button, description, "jid", s->jid);
          g_object_set_data_full (G_OBJECT (button), "subid", g_strdup (s->subid), g_free);
          g_signal_connect_object (button, "clicked", G_CALLBACK (unsubscribe_clicked_cb), self, 0);
        }
      gtk_list_box_append (self->pane.list, row);
    }

  /* Requests waiting for the owner come apart from the subscriptions */
  for (guint i = 0; self->pending != NULL && i < self->pending->len; i++)
    {
      const XgbPubsubPending *p = self->pending->pdata[i];
      XgbPubsubSubscription s = { p->subscriber, (char *) "pending", p->subid };
      GtkWidget *row;
      GtkWidget *state;

      if (listed_as_pending (self, p->subscriber))
        continue;   /* servers that also list it among the subscriptions */
      row = xgb_list_row_new (p->subscriber);
      state = gtk_label_new (state_label ("pending"));

      gtk_widget_add_css_class (state, "dim-label");
      xgb_list_row_add_action (row, state, NULL, NULL, NULL);
      add_answer_button (self, row, &s, FALSE);
      add_answer_button (self, row, &s, TRUE);
      gtk_list_box_append (self->pane.list, row);
    }
  if (self->pending != NULL && self->pending->len > 0)
    gtk_widget_set_visible (GTK_WIDGET (self->pane.list), TRUE);
}

static void
pending_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XgbSubscriptionsView) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *pending = xgb_pubsub_service_get_pending_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  self->pending = pending;
  if (pending == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not list the requests waiting for approval: %s"),
                                               error->message);

      gtk_label_set_text (self->pane.status, text);
    }
  else if (pending->len > 0 && g_str_equal (gtk_label_get_text (self->pane.status), _("No one subscribes to this node.")))
    gtk_label_set_text (self->pane.status, "");
  show_list (self);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(XgbSubscriptionsView) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = xgb_pubsub_service_list_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  if (list != NULL && xgb_pubsub_service_has (self->pane.service, XGB_PUBSUB_CAP_GET_PENDING))
    xgb_pubsub_service_get_pending_async (self->pane.service, self->pane.node, self->pane.cancellable,
                                          pending_cb, g_object_ref (self));
  xgb_list_pane_take (&self->pane, list, error, _("Only an owner of this node may see and manage its subscriptions."),
                      _("Could not read the subscriptions:"), _("No one subscribes to this node."));
  show_list (self);
}

static void
refresh (XgbSubscriptionsView *self)
{
  xgb_list_pane_set_busy (&self->pane, TRUE);
  xgb_pubsub_service_get_subscriptions_async (self->pane.service, self->pane.node, self->pane.cancellable,
                                              loaded_cb, g_object_ref (self));
}

/* --- changes -------------------------------------------------------- */

typedef struct
{
  XgbSubscriptionsView *self;
  char                 *jid;
  char                 *subid;
  gboolean              subscribe;
} Change;

static void
change_free (Change *change)
{
  g_object_unref (change->self);
  g_free (change->jid);
  g_free (change->subid);
  g_free (change);
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Change *change = user_data;
  XgbSubscriptionsView *self = change->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = change->subscribe ? g_strdup_printf (_("Subscribed “%s”."), change->jid)
                                            : g_strdup_printf (_("Unsubscribed “%s”."), change->jid);

  xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  if (xgb_list_pane_report (&self->pane, error, done,
                            _("only an owner of this node may manage its subscriptions.")))
    refresh (self);
  change_free (change);
}

static void
send_change (Change *change)
{
  XgbSubscriptionsView *self = change->self;
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  XgbPubsubSubscription s = { change->jid, (char *) (change->subscribe ? "subscribed" : "none"), change->subid };

  g_ptr_array_add (one, &s);
  xgb_list_pane_set_busy (&self->pane, TRUE);
  gtk_label_set_text (self->pane.status, _("Sending…"));
  xgb_pubsub_service_set_subscriptions_async (self->pane.service, self->pane.node, one, self->pane.cancellable,
                                              changed_cb, change);
}

static Change *
change_new (XgbSubscriptionsView *self,
            const char           *jid,
            const char           *subid,
            gboolean              subscribe)
{
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->jid = g_strdup (jid);
  change->subid = g_strdup (subid);
  change->subscribe = subscribe;
  return change;
}

void
xgb_subscriptions_view_subscribe (XgbSubscriptionsView *self,
                                  const char           *jid)
{
  g_return_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self));
  if (self->pane.busy || self->pane.node == NULL || self->pane.current == NULL)
    return;
  send_change (change_new (self, jid, NULL, TRUE));
}

static void
confirmed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Change *change = user_data;

  if (xgb_confirm_dialog_run_finish (XGB_CONFIRM_DIALOG (object), result, NULL))
    send_change (change);
  else
    {
      gtk_label_set_text (change->self->pane.status, _("Not changed."));
      change_free (change);
    }
}

/**
 * xgb_subscriptions_view_unsubscribe:
 * @subid: (nullable): which of the address's subscriptions
 *
 * Asks first: the subscriber silently stops receiving items.
 */
void
xgb_subscriptions_view_unsubscribe (XgbSubscriptionsView *self,
                                    const char           *jid,
                                    const char           *subid)
{
  GtkRoot *root;
  g_autofree char *heading = NULL;
  g_autofree char *explanation = NULL;
  XgbConfirmDialog *dialog;

  g_return_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self));
  if (self->pane.busy || self->pane.node == NULL || self->pane.current == NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  heading = g_strdup_printf (_("Unsubscribe “%s”?"), jid);
  explanation = g_strdup_printf (_("“%s” stops receiving what is published to “%s”, and its subscription "
                                   "options are lost. Subscribing it again starts afresh."), jid, self->pane.node);
  dialog = xgb_confirm_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, explanation,
                                   _("_Unsubscribe"));
  gtk_label_set_text (self->pane.status, _("Waiting for your confirmation…"));
  xgb_confirm_dialog_run_async (dialog, NULL, confirmed_cb, change_new (self, jid, subid, FALSE));
}

static gboolean
refresh_later_cb (gpointer data)
{
  XgbSubscriptionsView *self = data;

  self->refresh_id = 0;
  if (!self->pane.busy)
    refresh (self);
  return G_SOURCE_REMOVE;
}

/**
 * xgb_subscriptions_view_answer:
 * @subid: (nullable): the request's subscription id
 * @allow: approve, or deny
 *
 * Answers a pending request with the authorization form of XEP-0060
 * 8.6. The server answers a form with no reply of its own, so the list
 * is read again shortly after to show the new state.
 */
void
xgb_subscriptions_view_answer (XgbSubscriptionsView *self,
                               const char           *jid,
                               const char           *subid,
                               gboolean              allow)
{
  XgbPubsubPending pending = { self->pane.node, (char *) jid, (char *) subid };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self));
  if (self->pane.busy || self->pane.node == NULL)
    return;

  if (!xgb_pubsub_service_answer_pending (self->pane.service, &pending, allow, &error))
    text = g_strdup_printf (_("Could not send the answer: %s"), error->message);
  else
    {
      text = g_strdup_printf (allow ? _("Approved “%s”.") : _("Denied “%s”."), jid);
      /* Removed when the view goes or shows another node */
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      self->refresh_id = g_timeout_add (500, refresh_later_cb, self);
    }
  gtk_label_set_text (self->pane.status, text);
}

/* --- options --------------------------------------------------------- */

typedef struct
{
  XgbSubscriptionsView *self;
  char                 *node;
  char                 *jid;
} OptionsRun;

static void
options_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  OptionsRun *run = user_data;
  XgbSubscriptionsView *self = run->self;
  gboolean saved = xgb_options_dialog_run_finish (XGB_OPTIONS_DIALOG (object), result, NULL);

  /* Only while the tab still shows that node */
  if (g_strcmp0 (self->pane.node, run->node) == 0 && self->pane.service != NULL)
    {
      g_autofree char *text = saved ? g_strdup_printf (_("Saved the options of “%s”."), run->jid)
                                    : g_strdup (_("Not changed."));

      gtk_label_set_text (self->pane.status, text);
      /* An "unconfigured" subscription becomes active; or it was gone */
      if (!self->pane.busy)
        refresh (self);
    }
  g_object_unref (run->self);
  g_free (run->node);
  g_free (run->jid);
  g_free (run);
}

/**
 * xgb_subscriptions_view_edit_options:
 * @subid: (nullable): which of the address's subscriptions
 *
 * Opens the subscription's options (story 7.5) in a dialog; nothing is
 * changed unless the admin applies them.
 */
void
xgb_subscriptions_view_edit_options (XgbSubscriptionsView *self,
                                     const char           *jid,
                                     const char           *subid)
{
  GtkRoot *root;
  XgbOptionsDialog *dialog;
  OptionsRun *run;

  g_return_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self));
  if (self->pane.busy || self->pane.node == NULL || self->pane.service == NULL ||
      !xgb_pubsub_service_has (self->pane.service, XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS))
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = xgb_options_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->pane.service,
                                   self->pane.node, jid, subid);
  run = g_new0 (OptionsRun, 1);
  run->self = g_object_ref (self);
  run->node = g_strdup (self->pane.node);
  run->jid = g_strdup (jid);
  gtk_label_set_text (self->pane.status, "");
  xgb_options_dialog_run_async (dialog, NULL, options_closed_cb, run);
}

/**
 * xgb_subscriptions_view_get_options_button:
 *
 * Returns: (transfer none) (nullable): the options action of @jid's
 *   first listed subscription
 */
GtkWidget *
xgb_subscriptions_view_get_options_button (XgbSubscriptionsView *self,
                                           const char           *jid)
{
  g_return_val_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->pane.list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

      for (GtkWidget *c = box ? gtk_widget_get_first_child (box) : NULL; c != NULL; c = gtk_widget_get_next_sibling (c))
        if (g_strcmp0 (g_object_get_data (G_OBJECT (c), "action"), "options") == 0 &&
            g_strcmp0 (g_object_get_data (G_OBJECT (c), "jid"), jid) == 0)
          return c;
    }
  return NULL;
}

/* The note under the list, or "" where pending requests can be listed */
const char *
xgb_subscriptions_view_get_pending_note (XgbSubscriptionsView *self)
{
  g_return_val_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->pending_note)) ? gtk_label_get_text (self->pending_note) : "";
}

static void
subscribe_cb (XgbSubscriptionsView *self)
{
  g_autofree char *jid = xgb_list_pane_read_jid (&self->pane);

  if (jid == NULL)
    return;
  xgb_subscriptions_view_subscribe (self, jid);
}

/* --- public --------------------------------------------------------- */

/**
 * xgb_subscriptions_view_load:
 * @node: (nullable): the node; NULL for a virtual folder
 */
void
xgb_subscriptions_view_load (XgbSubscriptionsView *self,
                             XgbPubsubService *service,
                             const char       *node)
{
  g_autofree char *intro = NULL;
  const char *note = NULL;

  g_return_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self));

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  if (node != NULL)
    intro = g_strdup_printf (_("Who receives what is published to “%s”."), node);
  /* Stories 10.1–10.3 need both the "authorize" model and get-pending */
  if (node == NULL || service == NULL || xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_GET_PENDING))
    note = NULL;
  else if (!xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_ACCESS_AUTHORIZE))
    note = _("Requests waiting for approval are not supported by this Broker: it has no “authorize” access "
             "model and no get-pending, so no subscription waits for an owner here.");
  else
    note = _("This Broker cannot list requests waiting for approval (it does not offer get-pending).");
  gtk_label_set_text (self->pending_note, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pending_note), note != NULL);
  if (xgb_list_pane_load (&self->pane, service, node,
                          _("A folder only groups topics by name: nobody subscribes to it."), intro))
    refresh (self);
}

gboolean
xgb_subscriptions_view_get_busy (XgbSubscriptionsView *self)
{
  g_return_val_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self), FALSE);
  return self->pane.busy;
}

/* Returns: (transfer none) (nullable) (element-type XgbPubsubSubscription) */
GPtrArray *
xgb_subscriptions_view_get_current (XgbSubscriptionsView *self)
{
  g_return_val_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self), NULL);
  return self->pane.current;
}

/* Returns: (transfer none) (nullable) (element-type XgbPubsubPending):
 * the requests waiting for approval, once listed */
GPtrArray *
xgb_subscriptions_view_get_pending (XgbSubscriptionsView *self)
{
  g_return_val_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self), NULL);
  return self->pending;
}

const char *
xgb_subscriptions_view_get_status (XgbSubscriptionsView *self)
{
  g_return_val_if_fail (XGB_IS_SUBSCRIPTIONS_VIEW (self), NULL);
  return gtk_label_get_text (self->pane.status);
}

/* --- the object ----------------------------------------------------- */

static void
xgb_subscriptions_view_dispose (GObject *object)
{
  XgbSubscriptionsView *self = XGB_SUBSCRIPTIONS_VIEW (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  xgb_list_pane_clear (&self->pane);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  xgb_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_SUBSCRIPTIONS_VIEW);

  G_OBJECT_CLASS (xgb_subscriptions_view_parent_class)->dispose (object);
}

static void
xgb_subscriptions_view_class_init (XgbSubscriptionsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_subscriptions_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-subscriptions-view.ui");
  XGB_LIST_PANE_BIND (widget_class, XgbSubscriptionsView, pane);
  gtk_widget_class_bind_template_child (widget_class, XgbSubscriptionsView, pending_note);
  gtk_widget_class_bind_template_callback (widget_class, subscribe_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xgbsubscriptionsview");
}

static void
xgb_subscriptions_view_init (XgbSubscriptionsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
