/* xgb-delete-dialog.h - confirm deleting a node by typing its name
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-node.h"

G_BEGIN_DECLS

#define XGB_TYPE_DELETE_DIALOG (xgb_delete_dialog_get_type ())
G_DECLARE_FINAL_TYPE (XgbDeleteDialog, xgb_delete_dialog, XGB, DELETE_DIALOG, GtkWindow)

XgbDeleteDialog *xgb_delete_dialog_new        (GtkWindow       *parent,
                                               XgbNode         *node);
XgbDeleteDialog *xgb_delete_dialog_new_purge  (GtkWindow       *parent,
                                               const char      *node,
                                               gint64           n_items);
void             xgb_delete_dialog_run_async  (XgbDeleteDialog *self,
                                               GCancellable    *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer         user_data);
gboolean         xgb_delete_dialog_run_finish (XgbDeleteDialog *self,
                                               GAsyncResult    *result,
                                               GError         **error);
gboolean         xgb_delete_dialog_get_can_delete (XgbDeleteDialog *self);
void             xgb_delete_dialog_confirm    (XgbDeleteDialog *self);

G_END_DECLS
