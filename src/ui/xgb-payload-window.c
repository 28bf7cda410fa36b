/* xgb-payload-window.c - one item's payload, indented, read-only
 *
 * Story 9.2.  The list keeps no payloads, so the window reads its item
 * again by id.  Indenting runs on a worker thread and the text view lays
 * out in the background, so a payload of a megabyte opens without
 * freezing the window.  Copy and Save take the text as shown.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-payload-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "xgb-file-chooser.h"
#include "xgb-payload-window.h"
#include "xgb-xml.h"

struct _XgbPayloadWindow
{
  GtkWindow         parent_instance;

  GtkStack         *stack;
  GtkSpinner       *spinner;
  GtkTextView      *text_view;
  GtkLabel         *error_label;
  GtkLabel         *status_label;
  GtkWidget        *copy_button;
  GtkWidget        *save_button;

  XgbPubsubService *service;
  char             *node;
  char             *id;
  char             *text;       /* as shown */
  char             *details;    /* size and publisher, for the status line */
  char             *display;    /* what is still to be inserted into the view */
  gsize             inserted;
  guint             insert_source;
  GCancellable     *cancellable;
  gboolean          loaded;
};

G_DEFINE_FINAL_TYPE (XgbPayloadWindow, xgb_payload_window, GTK_TYPE_WINDOW)

static void
show_error (XgbPayloadWindow *self,
            const char       *text)
{
  gtk_spinner_stop (self->spinner);
  gtk_label_set_text (self->error_label, text);
  gtk_stack_set_visible_child_name (self->stack, "error");
  gtk_label_set_text (self->status_label, "");
  self->loaded = TRUE;
}

/* Pango lays out a paragraph at once: a megabyte on one line (a base64
 * blob) would stall the window for most of a second.  Such lines are
 * broken for display only. */
#define DISPLAY_LINE  2000

typedef struct
{
  char     *text;
  char     *display;   /* NULL: the text itself */
  gboolean  pretty;
} Shown;

static void
shown_free (Shown *shown)
{
  g_free (shown->text);
  g_free (shown->display);
  g_free (shown);
}

static char *
break_long_lines (const char *text)
{
  g_autoptr(GString) out = NULL;
  gsize run = 0;
  gboolean broken = FALSE;

  out = g_string_sized_new (strlen (text) + strlen (text) / DISPLAY_LINE + 1);
  for (const char *p = text; *p != '\0'; p++)
    {
      /* break between characters, never inside one */
      if (run >= DISPLAY_LINE && ((guchar) *p & 0xC0) != 0x80)
        {
          g_string_append_c (out, '\n');
          run = 0;
          broken = TRUE;
        }
      g_string_append_c (out, *p);
      run = *p == '\n' ? 0 : run + 1;
    }
  return broken ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static void
pretty_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  const char *payload = data;
  Shown *shown = g_new0 (Shown, 1);

  shown->text = xgb_xml_pretty (payload, strlen (payload), NULL);
  shown->pretty = shown->text != NULL;
  if (shown->text == NULL)
    shown->text = g_strdup (payload);
  shown->display = break_long_lines (shown->text);
  g_task_return_pointer (task, shown, (GDestroyNotify) shown_free);
}

#define INSERT_CHUNK  (64 * 1024)

/* Inserts the shown text a slice per main-loop turn, so that the
 * window keeps drawing while a megabyte goes in. */
static gboolean
insert_slice_cb (gpointer data)
{
  XgbPayloadWindow *self = data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  const char *rest = self->display + self->inserted;
  gsize left = strlen (rest);
  gsize n = MIN (left, INSERT_CHUNK);
  GtkTextIter end;

  /* whole characters only */
  while (n < left && ((guchar) rest[n] & 0xC0) == 0x80)
    n++;
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, rest, (int) n);
  self->inserted += n;
  if (self->inserted < strlen (self->display))
    return G_SOURCE_CONTINUE;

  self->insert_source = 0;
  g_clear_pointer (&self->display, g_free);
  self->loaded = TRUE;
  return G_SOURCE_REMOVE;
}

static void
pretty_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  XgbPayloadWindow *self = XGB_PAYLOAD_WINDOW (object);
  Shown *shown = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GString) status = NULL;

  if (shown == NULL)
    return;   /* closed meanwhile */

  self->text = g_steal_pointer (&shown->text);
  self->display = shown->display ? g_steal_pointer (&shown->display) : g_strdup (self->text);
  self->inserted = 0;
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "text");
  gtk_widget_set_sensitive (self->copy_button, TRUE);
  gtk_widget_set_sensitive (self->save_button, TRUE);

  status = g_string_new (self->details);
  if (!shown->pretty)
    g_string_append_printf (status, " — %s", _("shown as sent: it is not well-formed XML on its own"));
  if (strlen (self->display) != strlen (self->text))
    g_string_append_printf (status, " — %s", _("very long lines are broken for display; Copy and Save keep "
                                               "them whole"));
  gtk_label_set_text (self->status_label, status->str);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
  shown_free (shown);

  if (insert_slice_cb (self) == G_SOURCE_CONTINUE)
    self->insert_source = g_idle_add (insert_slice_cb, self);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XgbPayloadWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubItemPage) page = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *size = NULL;
  XgbPubsubItem *item = NULL;

  page = xgb_pubsub_service_get_items_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (page == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not read the item: %s"), error->message);

      show_error (self, text);
      return;
    }

  for (guint i = 0; i < page->items->len && item == NULL; i++)
    if (g_strcmp0 (((XgbPubsubItem *) page->items->pdata[i])->id, self->id) == 0)
      item = page->items->pdata[i];
  if (item == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The item “%s” is no longer on the Broker: it was deleted "
                                                 "after the list was read."), self->id);

      show_error (self, text);
      return;
    }
  if (item->payload == NULL)
    {
      show_error (self, _("This item has no payload: it only notifies that something happened."));
      return;
    }

  size = g_format_size (item->size);
  if (item->publisher != NULL)
    self->details = g_strdup_printf (_("%s, published by %s"), size, item->publisher);
  else
    self->details = g_strdup (size);

  gtk_label_set_text (self->status_label, _("Indenting…"));
  task = g_task_new (self, self->cancellable, pretty_cb, NULL);
  g_task_set_source_tag (task, fetched_cb);
  g_task_set_task_data (task, g_steal_pointer (&item->payload), g_free);
  g_task_run_in_thread (task, pretty_thread);
}

/* --- copy and save -------------------------------------------------- */

void
xgb_payload_window_copy (XgbPayloadWindow *self)
{
  g_return_if_fail (XGB_IS_PAYLOAD_WINDOW (self));

  if (self->text == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->text);
  gtk_label_set_text (self->status_label, _("Copied the payload."));
}

static void
replaced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XgbPayloadWindow *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = g_file_get_parse_name (G_FILE (object));
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      text = g_strdup_printf (_("Not saved to %s: %s"), where, error->message);
      gtk_label_set_text (self->status_label, text);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  text = g_strdup_printf (_("Saved to %s."), where);
  gtk_label_set_text (self->status_label, text);
  g_task_return_boolean (task, TRUE);
}

/* Writes the text as shown to @file, replacing it */
void
xgb_payload_window_save_async (XgbPayloadWindow    *self,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (XGB_IS_PAYLOAD_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_payload_window_save_async);
  if (self->text == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The payload is not read yet."));
      g_object_unref (task);
      return;
    }
  bytes = g_bytes_new (self->text, strlen (self->text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, cancellable,
                                       replaced_cb, task);
}

gboolean
xgb_payload_window_save_finish (XgbPayloadWindow  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
chosen_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(XgbPayloadWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = xgb_file_chooser_save_finish (result, &error);

  if (file == NULL)
    {
      if (error != NULL)
        gtk_label_set_text (self->status_label, error->message);
      return;
    }
  xgb_payload_window_save_async (self, file, NULL, NULL, NULL);
}

static void
save_cb (XgbPayloadWindow *self)
{
  g_autofree char *name = NULL;

  if (self->text == NULL)
    return;
  name = g_strdup_printf ("%s.xml", self->id);
  g_strdelimit (name, "/\\:", '_');
  xgb_file_chooser_save_async (GTK_WINDOW (self), _("Save Payload"), name, NULL, chosen_cb, g_object_ref (self));
}

static void
copy_cb (XgbPayloadWindow *self)
{
  xgb_payload_window_copy (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save_cb (XGB_PAYLOAD_WINDOW (widget));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  xgb_payload_window_copy (XGB_PAYLOAD_WINDOW (widget));
}

/* --- the window ----------------------------------------------------- */

static void
xgb_payload_window_dispose (GObject *object)
{
  XgbPayloadWindow *self = XGB_PAYLOAD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->insert_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_PAYLOAD_WINDOW);

  G_OBJECT_CLASS (xgb_payload_window_parent_class)->dispose (object);
}

static void
xgb_payload_window_finalize (GObject *object)
{
  XgbPayloadWindow *self = XGB_PAYLOAD_WINDOW (object);

  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_free (self->node);
  g_free (self->id);
  g_free (self->text);
  g_free (self->details);
  g_free (self->display);

  G_OBJECT_CLASS (xgb_payload_window_parent_class)->finalize (object);
}

static void
xgb_payload_window_class_init (XgbPayloadWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_payload_window_dispose;
  object_class->finalize = xgb_payload_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-payload-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbPayloadWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, XgbPayloadWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, XgbPayloadWindow, text_view);
  gtk_widget_class_bind_template_child (widget_class, XgbPayloadWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, XgbPayloadWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, XgbPayloadWindow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, XgbPayloadWindow, save_button);
  gtk_widget_class_bind_template_callback (widget_class, save_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_cb);

  gtk_widget_class_install_action (widget_class, "payload.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "payload.copy", NULL, copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "payload.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "payload.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_payload_window_init (XgbPayloadWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * xgb_payload_window_new:
 *
 * A window showing the item @id of @node; it reads the item at once.
 */
XgbPayloadWindow *
xgb_payload_window_new (GtkWindow        *parent,
                        XgbPubsubService *service,
                        const char       *node,
                        const char       *id)
{
  XgbPayloadWindow *self;
  const char *ids[] = { id, NULL };
  g_autofree char *title = NULL;

  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (service), NULL);
  g_return_val_if_fail (node != NULL && id != NULL, NULL);

  title = g_strdup_printf (_("Item %s"), id);
  self = g_object_new (XGB_TYPE_PAYLOAD_WINDOW,
                       "transient-for", parent,
                       "title", title,
                       NULL);
  self->service = g_object_ref (service);
  self->node = g_strdup (node);
  self->id = g_strdup (id);

  gtk_spinner_start (self->spinner);
  xgb_pubsub_service_get_items_async (service, node, 0, NULL, ids, self->cancellable,
                                      fetched_cb, g_object_ref (self));
  return self;
}

gboolean
xgb_payload_window_get_loaded (XgbPayloadWindow *self)
{
  g_return_val_if_fail (XGB_IS_PAYLOAD_WINDOW (self), FALSE);
  return self->loaded;
}

/* The text shown, or %NULL until it is */
const char *
xgb_payload_window_get_text (XgbPayloadWindow *self)
{
  g_return_val_if_fail (XGB_IS_PAYLOAD_WINDOW (self), NULL);
  return self->text;
}

const char *
xgb_payload_window_get_status (XgbPayloadWindow *self)
{
  g_return_val_if_fail (XGB_IS_PAYLOAD_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack) && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "error")
           ? gtk_label_get_text (self->error_label) : gtk_label_get_text (self->status_label);
}
