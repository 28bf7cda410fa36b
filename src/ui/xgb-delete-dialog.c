/* xgb-delete-dialog.c - confirm deleting a node by typing its name
 *
 * Deleting a topic destroys its persisted items and ends every
 * subscription; nothing brings them back.  The admin types the node's
 * name to confirm (stories 5 and 6); the Delete button stays insensitive
 * until the name matches exactly.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-delete-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-delete-dialog.h"

struct _XgbDeleteDialog
{
  GtkWindow  parent_instance;

  GtkLabel  *heading;
  GtkLabel  *explanation;
  GtkEntry  *name_entry;
  GtkButton *delete_button;

  char      *name;
  GTask     *task;
};

G_DEFINE_FINAL_TYPE (XgbDeleteDialog, xgb_delete_dialog, GTK_TYPE_WINDOW)

static void
finish (XgbDeleteDialog *self,
        gboolean         confirmed)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_boolean (task, confirmed);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
name_changed_cb (XgbDeleteDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->delete_button), xgb_delete_dialog_get_can_delete (self));
}

static void
delete_clicked_cb (XgbDeleteDialog *self)
{
  xgb_delete_dialog_confirm (self);
}

static void
cancel_clicked_cb (XgbDeleteDialog *self)
{
  finish (self, FALSE);
}

static gboolean
xgb_delete_dialog_close_request (GtkWindow *window)
{
  XgbDeleteDialog *self = XGB_DELETE_DIALOG (window);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_boolean (task, FALSE);
  return GTK_WINDOW_CLASS (xgb_delete_dialog_parent_class)->close_request (window);
}

static void
xgb_delete_dialog_dispose (GObject *object)
{
  XgbDeleteDialog *self = XGB_DELETE_DIALOG (object);

  if (self->task != NULL)
    g_task_return_boolean (g_steal_pointer (&self->task), FALSE);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_DELETE_DIALOG);

  G_OBJECT_CLASS (xgb_delete_dialog_parent_class)->dispose (object);
}

static void
xgb_delete_dialog_finalize (GObject *object)
{
  g_free (XGB_DELETE_DIALOG (object)->name);

  G_OBJECT_CLASS (xgb_delete_dialog_parent_class)->finalize (object);
}

static void
xgb_delete_dialog_class_init (XgbDeleteDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_delete_dialog_dispose;
  object_class->finalize = xgb_delete_dialog_finalize;
  window_class->close_request = xgb_delete_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-delete-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbDeleteDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, XgbDeleteDialog, explanation);
  gtk_widget_class_bind_template_child (widget_class, XgbDeleteDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbDeleteDialog, delete_button);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, delete_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_delete_dialog_init (XgbDeleteDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

XgbDeleteDialog *
xgb_delete_dialog_new (GtkWindow *parent,
                       XgbNode   *node)
{
  XgbDeleteDialog *self;
  g_autofree char *heading = NULL;
  const char *explanation;
  GListModel *children;

  g_return_val_if_fail (XGB_IS_NODE (node) && xgb_node_get_name (node) != NULL, NULL);

  self = g_object_new (XGB_TYPE_DELETE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->name = g_strdup (xgb_node_get_name (node));
  children = xgb_node_get_children (node);

  if (xgb_node_get_kind (node) == XGB_NODE_KIND_COLLECTION && children != NULL &&
      g_list_model_get_n_items (children) > 0)
    {
      heading = g_strdup_printf (_("Delete the collection “%s”?"), self->name);
      explanation = _("Its child nodes are not deleted with it: they lose this parent, and those without another parent move to the top level. Subscriptions to the collection end. This cannot be undone.");
    }
  else if (xgb_node_get_kind (node) == XGB_NODE_KIND_COLLECTION)
    {
      heading = g_strdup_printf (_("Delete the collection “%s”?"), self->name);
      explanation = _("Subscriptions to the collection end. This cannot be undone.");
    }
  else
    {
      heading = g_strdup_printf (_("Delete the topic “%s”?"), self->name);
      explanation = _("All its persisted items are deleted and every subscription ends; subscribers are told. This cannot be undone.");
    }
  gtk_label_set_text (self->heading, heading);
  gtk_label_set_text (self->explanation, explanation);

  return self;
}

/**
 * xgb_delete_dialog_new_purge:
 * @n_items: the topic's number of items, or -1 when not known
 *
 * The same confirmation for deleting every item of a topic (story 9.5).
 */
XgbDeleteDialog *
xgb_delete_dialog_new_purge (GtkWindow  *parent,
                             const char *node,
                             gint64      n_items)
{
  XgbDeleteDialog *self;
  g_autofree char *heading = NULL;
  g_autofree char *explanation = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  self = g_object_new (XGB_TYPE_DELETE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "title", _("Purge Topic"),
                       NULL);
  self->name = g_strdup (node);
  heading = g_strdup_printf (_("Delete every item of “%s”?"), node);
  if (n_items >= 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n_items);

      explanation = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Its %s persisted item is deleted. The topic, its configuration "
                                                  "and its subscriptions stay. This cannot be undone.",
                                                  "All its %s persisted items are deleted. The topic, its "
                                                  "configuration and its subscriptions stay. This cannot be "
                                                  "undone.", (gulong) n_items),
                                     count);
    }
  else
    explanation = g_strdup (_("All its persisted items are deleted. The topic, its configuration and its "
                              "subscriptions stay. This cannot be undone."));
  gtk_label_set_text (self->heading, heading);
  gtk_label_set_text (self->explanation, explanation);
  gtk_button_set_label (self->delete_button, _("_Purge"));

  return self;
}

void
xgb_delete_dialog_run_async (XgbDeleteDialog     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (XGB_IS_DELETE_DIALOG (self));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, xgb_delete_dialog_run_async);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

gboolean
xgb_delete_dialog_run_finish (XgbDeleteDialog  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Only the exact name: no trimming, no case folding. */
gboolean
xgb_delete_dialog_get_can_delete (XgbDeleteDialog *self)
{
  g_return_val_if_fail (XGB_IS_DELETE_DIALOG (self), FALSE);
  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_entry)), self->name) == 0;
}

/* Does what the Delete button does: nothing unless the name matches. */
void
xgb_delete_dialog_confirm (XgbDeleteDialog *self)
{
  g_return_if_fail (XGB_IS_DELETE_DIALOG (self));

  if (xgb_delete_dialog_get_can_delete (self))
    finish (self, TRUE);
}
