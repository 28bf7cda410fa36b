/* xgb-options-dialog.c - a subscription's options, read and changed
 *
 * Story 7: the options form of one subscription (XEP-0060 6.3) as the
 * service sends it, shown with the form view; Apply submits it (6.3.5),
 * Cancel or Escape closes without a change.  What the server answers is
 * shown in the dialog's banner with its meaning: several of these
 * answers say more about the Broker's rules than about the request.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-options-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-banner.h"
#include "xgb-error.h"
#include "xgb-options-dialog.h"

struct _XgbOptionsDialog
{
  GtkWindow          parent_instance;

  XgbBanner         *banner;
  GtkLabel          *heading;
  GtkLabel          *explanation;
  GtkScrolledWindow *scroller;
  XgbFormView       *form_view;
  GtkSpinner        *spinner;
  GtkLabel          *status;
  GtkButton         *cancel_button;
  GtkButton         *apply_button;

  XgbPubsubService  *service;
  char              *node;
  char              *jid;
  char              *subid;
  GCancellable      *cancellable;
  GTask             *task;
  gboolean           loaded;    /* a form with something to change is shown */
  gboolean           saving;
};

G_DEFINE_FINAL_TYPE (XgbOptionsDialog, xgb_options_dialog, GTK_TYPE_WINDOW)

/* Taller forms scroll (the .ui's max-content-height) */
#define MAX_FORM_HEIGHT 420

/* What the server's answer means here (XEP-0060 6.3.4 and 6.3.6 name
 * the conditions), followed by the answer itself. */
static char *
explain (XgbOptionsDialog *self,
         const GError     *error,
         gboolean          saving)
{
  g_autofree char *meaning = NULL;

  if (error->domain == XGB_STANZA_ERROR)
    switch (error->code)
      {
      case XGB_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED:
        meaning = g_strdup (_("This Broker does not support subscription options."));
        break;

      case XGB_STANZA_ERROR_FORBIDDEN:
      case XGB_STANZA_ERROR_NOT_AUTHORIZED:
        meaning = g_strdup_printf (saving
                                   ? _("This Broker does not let you change the options of “%s”: here only "
                                       "the subscriber itself may, not an owner of the topic.")
                                   : _("This Broker does not let you read the options of “%s”: here only "
                                       "the subscriber itself may, not an owner of the topic."),
                                   self->jid);
        break;

      case XGB_STANZA_ERROR_UNEXPECTED_REQUEST:
        meaning = g_strdup_printf (_("The Broker says that “%s” is not subscribed to “%s”: the subscription "
                                     "may have ended meanwhile, or this Broker does not let you handle "
                                     "another address’s options."), self->jid, self->node);
        break;

      case XGB_STANZA_ERROR_BAD_REQUEST:
        meaning = g_strdup (saving
                            ? _("The Broker refused the options as sent.")
                            : _("The Broker needs to know which of the address’s subscriptions is meant."));
        break;

      case XGB_STANZA_ERROR_NOT_ACCEPTABLE:
        meaning = g_strdup (_("The Broker does not accept these options, or no longer knows this "
                              "subscription."));
        break;

      case XGB_STANZA_ERROR_ITEM_NOT_FOUND:
        meaning = g_strdup_printf (_("The topic “%s” no longer exists."), self->node);
        break;

      default:
        break;
      }
  else if (saving && g_error_matches (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST))
    meaning = g_strdup (_("The connection was lost while saving: the options may or may not have "
                          "changed. Open them again once reconnected to see."));

  if (meaning != NULL)
    return g_strdup_printf ("%s %s", meaning, error->message);
  return g_strdup_printf (saving ? _("The options could not be saved: %s") : _("The options could not be read: %s"),
                          error->message);
}

static void
set_busy (XgbOptionsDialog *self,
          gboolean          busy,
          const char       *status)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_label_set_text (self->status, status ? status : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_view), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), !busy && self->loaded);
}

static void
finish (XgbOptionsDialog *self,
        gboolean          saved)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_cancellable_cancel (self->cancellable);
  if (task != NULL)
    g_task_return_boolean (task, saved);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
has_visible_field (const XgbForm *form)
{
  for (guint i = 0; i < form->fields->len; i++)
    {
      const XgbFormField *field = form->fields->pdata[i];

      if (field->type != XGB_FORM_FIELD_HIDDEN && field->type != XGB_FORM_FIELD_FIXED)
        return TRUE;
    }
  return FALSE;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(XgbOptionsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbForm) form = xgb_pubsub_service_parsed_form_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (form == NULL)
    {
      g_autofree char *text = explain (self, error, FALSE);

      xgb_banner_show (self->banner, XGB_BANNER_ERROR, text);
      set_busy (self, FALSE, NULL);
      gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
      return;
    }

  xgb_form_view_set_form (self->form_view, form);
  self->loaded = has_visible_field (form);
  {
    /* The window was sized before the form came: let it grow to show
     * the form, scrolling only long ones */
    int natural = 0;

    gtk_widget_measure (GTK_WIDGET (self->form_view), GTK_ORIENTATION_VERTICAL, -1, NULL, &natural, NULL, NULL);
    gtk_scrolled_window_set_min_content_height (self->scroller, MIN (natural, MAX_FORM_HEIGHT));
  }
  set_busy (self, FALSE, self->loaded ? NULL : _("This Broker offers no options for this subscription."));
  /* Keyboard users start at the first field; Enter on Apply saves */
  if (!self->loaded || !gtk_widget_child_focus (GTK_WIDGET (self->form_view), GTK_DIR_TAB_FORWARD))
    gtk_widget_grab_focus (GTK_WIDGET (self->loaded ? self->apply_button : self->cancel_button));
}

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XgbOptionsDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->saving = FALSE;
  if (error != NULL)
    {
      g_autofree char *text = explain (self, error, TRUE);

      if (g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED))
        self->loaded = FALSE;
      xgb_banner_show (self->banner, XGB_BANNER_ERROR, text);
      set_busy (self, FALSE, _("Not saved."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), TRUE);
      return;
    }
  finish (self, TRUE);
}

/**
 * xgb_options_dialog_apply:
 *
 * Sends the form as filled in, as Apply does.  Fields that need
 * attention say so under them and nothing is sent.
 *
 * Returns: whether the options were sent
 */
gboolean
xgb_options_dialog_apply (XgbOptionsDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *submit = NULL;

  g_return_val_if_fail (XGB_IS_OPTIONS_DIALOG (self), FALSE);
  if (!self->loaded || self->saving)
    return FALSE;

  submit = xgb_form_view_build_submit (self->form_view, &error);
  if (submit == NULL)
    {
      gtk_label_set_text (self->status, error->message);
      return FALSE;
    }
  xgb_banner_dismiss (self->banner);
  self->saving = TRUE;
  set_busy (self, TRUE, _("Saving…"));
  /* The outcome of a change in flight is unknown: wait for it */
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
  xgb_pubsub_service_set_options_async (self->service, self->node, self->jid, self->subid, submit,
                                        self->cancellable, applied_cb, g_object_ref (self));
  return TRUE;
}

static void
apply_clicked_cb (XgbOptionsDialog *self)
{
  xgb_options_dialog_apply (self);
}

/* Closes without a change, as Cancel and Escape do (not while saving). */
void
xgb_options_dialog_cancel (XgbOptionsDialog *self)
{
  g_return_if_fail (XGB_IS_OPTIONS_DIALOG (self));
  if (!self->saving)
    finish (self, FALSE);
}

static void
cancel_clicked_cb (XgbOptionsDialog *self)
{
  xgb_options_dialog_cancel (self);
}

static gboolean
xgb_options_dialog_close_request (GtkWindow *window)
{
  XgbOptionsDialog *self = XGB_OPTIONS_DIALOG (window);
  g_autoptr(GTask) task = NULL;

  if (self->saving)
    return TRUE;   /* the answer comes within the request timeout */
  task = g_steal_pointer (&self->task);
  g_cancellable_cancel (self->cancellable);
  if (task != NULL)
    g_task_return_boolean (task, FALSE);
  return GTK_WINDOW_CLASS (xgb_options_dialog_parent_class)->close_request (window);
}

static void
xgb_options_dialog_dispose (GObject *object)
{
  XgbOptionsDialog *self = XGB_OPTIONS_DIALOG (object);

  if (self->task != NULL)
    g_task_return_boolean (g_steal_pointer (&self->task), FALSE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_OPTIONS_DIALOG);

  G_OBJECT_CLASS (xgb_options_dialog_parent_class)->dispose (object);
}

static void
xgb_options_dialog_finalize (GObject *object)
{
  XgbOptionsDialog *self = XGB_OPTIONS_DIALOG (object);

  g_free (self->node);
  g_free (self->jid);
  g_free (self->subid);

  G_OBJECT_CLASS (xgb_options_dialog_parent_class)->finalize (object);
}

static void
xgb_options_dialog_class_init (XgbOptionsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_options_dialog_dispose;
  object_class->finalize = xgb_options_dialog_finalize;
  window_class->close_request = xgb_options_dialog_close_request;
  g_type_ensure (XGB_TYPE_BANNER);
  g_type_ensure (XGB_TYPE_FORM_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-options-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, banner);
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, explanation);
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, form_view);
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, status);
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XgbOptionsDialog, apply_button);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_options_dialog_init (XgbOptionsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->apply_button));
}

/**
 * xgb_options_dialog_new:
 * @subid: (nullable): which of @jid's subscriptions, where the server
 *   gives subscription ids
 */
XgbOptionsDialog *
xgb_options_dialog_new (GtkWindow        *parent,
                        XgbPubsubService *service,
                        const char       *node,
                        const char       *jid,
                        const char       *subid)
{
  XgbOptionsDialog *self;
  g_autofree char *heading = NULL;
  g_autofree char *explanation = NULL;

  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (service), NULL);
  g_return_val_if_fail (node != NULL && jid != NULL, NULL);

  self = g_object_new (XGB_TYPE_OPTIONS_DIALOG, "transient-for", parent, NULL);
  self->service = g_object_ref (service);
  self->node = g_strdup (node);
  self->jid = g_strdup (jid);
  self->subid = g_strdup (subid);

  heading = g_strdup_printf (_("Options of “%s”"), jid);
  if (subid != NULL)
    explanation = g_strdup_printf (_("How “%s” receives what is published to “%s” (subscription id %s). "
                                     "The Broker keeps these options with the subscription."), jid, node, subid);
  else
    explanation = g_strdup_printf (_("How “%s” receives what is published to “%s”. The Broker keeps these "
                                     "options with the subscription."), jid, node);
  gtk_label_set_text (self->heading, heading);
  gtk_label_set_text (self->explanation, explanation);
  return self;
}

/**
 * xgb_options_dialog_run_async:
 *
 * Shows the dialog and reads the options; finishes when it closes.
 */
void
xgb_options_dialog_run_async (XgbOptionsDialog    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (XGB_IS_OPTIONS_DIALOG (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, xgb_options_dialog_run_async);
  set_busy (self, TRUE, _("Reading the options…"));
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
  xgb_pubsub_service_get_options_async (self->service, self->node, self->jid, self->subid, self->cancellable,
                                        loaded_cb, g_object_ref (self));
}

/* Returns: TRUE when the options were saved on the server */
gboolean
xgb_options_dialog_run_finish (XgbOptionsDialog  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Whether a form is shown and may be applied */
gboolean
xgb_options_dialog_get_ready (XgbOptionsDialog *self)
{
  g_return_val_if_fail (XGB_IS_OPTIONS_DIALOG (self), FALSE);
  return self->loaded && gtk_widget_get_sensitive (GTK_WIDGET (self->apply_button));
}

/* Whether the dialog waits for the server */
gboolean
xgb_options_dialog_get_busy (XgbOptionsDialog *self)
{
  g_return_val_if_fail (XGB_IS_OPTIONS_DIALOG (self), FALSE);
  return gtk_spinner_get_spinning (self->spinner);
}

/* Returns: (nullable): the error shown, if any */
const char *
xgb_options_dialog_get_error (XgbOptionsDialog *self)
{
  g_return_val_if_fail (XGB_IS_OPTIONS_DIALOG (self), NULL);
  return xgb_banner_get_revealed (self->banner) ? xgb_banner_get_message (self->banner) : NULL;
}

XgbFormView *
xgb_options_dialog_get_form_view (XgbOptionsDialog *self)
{
  g_return_val_if_fail (XGB_IS_OPTIONS_DIALOG (self), NULL);
  return self->form_view;
}
