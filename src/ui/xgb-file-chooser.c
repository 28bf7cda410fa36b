/* xgb-file-chooser.c - the one place that asks for a file
 *
 * GtkFileDialog needs GTK 4.10; on 4.8 the native chooser is the way
 * to the desktop's file dialog (and the portal under Flatpak).  Only
 * this file names it, so moving to GtkFileDialog later is one change.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-file-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-file-chooser.h"

static void
response_cb (GtkNativeDialog *native,
             int              response,
             gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    g_task_return_pointer (task, gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native)), g_object_unref);
  else
    g_task_return_pointer (task, NULL, NULL);
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

/**
 * xgb_file_chooser_save_async:
 * @suggested_name: (nullable): the name offered
 *
 * Asks where to save, modal to @parent.
 */
void
xgb_file_chooser_save_async (GtkWindow           *parent,
                             const char          *title,
                             const char          *suggested_name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GtkFileChooserNative *native;

  g_task_set_source_tag (task, xgb_file_chooser_save_async);
  native = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested_name);
  g_signal_connect (native, "response", G_CALLBACK (response_cb), task);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

GFile *
xgb_file_chooser_save_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * xgb_file_chooser_open_async:
 * @filter_name: (nullable): what the patterns stand for, e.g. "Certificates"
 * @patterns: (nullable): glob patterns of the files offered, e.g. "*.p12"
 *
 * Asks for a file to open, modal to @parent.  With @patterns, a second
 * filter offers all files.
 */
void
xgb_file_chooser_open_async (GtkWindow           *parent,
                             const char          *title,
                             const char          *filter_name,
                             const char * const  *patterns,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GtkFileChooserNative *native;

  g_task_set_source_tag (task, xgb_file_chooser_open_async);
  native = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (patterns != NULL && patterns[0] != NULL)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, filter_name);
      for (guint i = 0; patterns[i] != NULL; i++)
        gtk_file_filter_add_pattern (filter, patterns[i]);
      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
    }
  g_signal_connect (native, "response", G_CALLBACK (response_cb), task);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

GFile *
xgb_file_chooser_open_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
