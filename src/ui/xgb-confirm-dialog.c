/* xgb-confirm-dialog.c - ask before a change the admin may regret
 *
 * A modal window with a heading, the consequence spelled out, Cancel
 * (the default, also Escape and closing) and a destructive button.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "xgb-confirm-dialog.h"

struct _XgbConfirmDialog
{
  GtkWindow  parent_instance;

  GtkLabel  *heading;
  GtkLabel  *explanation;
  GtkButton *cancel_button;
  GtkButton *accept_button;

  GTask     *task;
};

G_DEFINE_FINAL_TYPE (XgbConfirmDialog, xgb_confirm_dialog, GTK_TYPE_WINDOW)

/**
 * xgb_confirm_dialog_respond:
 *
 * Ends the dialog as if a button was pressed.
 */
void
xgb_confirm_dialog_respond (XgbConfirmDialog *self,
                            gboolean          accept)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XGB_IS_CONFIRM_DIALOG (self));

  task = g_steal_pointer (&self->task);
  if (task != NULL)
    g_task_return_boolean (task, accept);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
accept_clicked_cb (XgbConfirmDialog *self)
{
  xgb_confirm_dialog_respond (self, TRUE);
}

static void
cancel_clicked_cb (XgbConfirmDialog *self)
{
  xgb_confirm_dialog_respond (self, FALSE);
}

static gboolean
xgb_confirm_dialog_close_request (GtkWindow *window)
{
  XgbConfirmDialog *self = XGB_CONFIRM_DIALOG (window);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_boolean (task, FALSE);
  return GTK_WINDOW_CLASS (xgb_confirm_dialog_parent_class)->close_request (window);
}

static void
xgb_confirm_dialog_dispose (GObject *object)
{
  XgbConfirmDialog *self = XGB_CONFIRM_DIALOG (object);

  if (self->task != NULL)
    g_task_return_boolean (g_steal_pointer (&self->task), FALSE);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_CONFIRM_DIALOG);

  G_OBJECT_CLASS (xgb_confirm_dialog_parent_class)->dispose (object);
}

static void
xgb_confirm_dialog_class_init (XgbConfirmDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_confirm_dialog_dispose;
  window_class->close_request = xgb_confirm_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-confirm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbConfirmDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, XgbConfirmDialog, explanation);
  gtk_widget_class_bind_template_child (widget_class, XgbConfirmDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XgbConfirmDialog, accept_button);
  gtk_widget_class_bind_template_callback (widget_class, accept_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_confirm_dialog_init (XgbConfirmDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

XgbConfirmDialog *
xgb_confirm_dialog_new (GtkWindow  *parent,
                        const char *heading,
                        const char *explanation,
                        const char *accept_label)
{
  XgbConfirmDialog *self = g_object_new (XGB_TYPE_CONFIRM_DIALOG, "transient-for", parent, NULL);

  gtk_label_set_text (self->heading, heading);
  gtk_label_set_text (self->explanation, explanation);
  gtk_button_set_label (self->accept_button, accept_label);
  return self;
}

void
xgb_confirm_dialog_run_async (XgbConfirmDialog    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (XGB_IS_CONFIRM_DIALOG (self));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, xgb_confirm_dialog_run_async);
  gtk_window_present (GTK_WINDOW (self));
  /* The safe choice is the one Enter takes */
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
}

/* Returns: TRUE when the admin chose the destructive button */
gboolean
xgb_confirm_dialog_run_finish (XgbConfirmDialog  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
xgb_confirm_dialog_get_explanation (XgbConfirmDialog *self)
{
  g_return_val_if_fail (XGB_IS_CONFIRM_DIALOG (self), NULL);
  return gtk_label_get_text (self->explanation);
}
