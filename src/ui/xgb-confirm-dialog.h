/* xgb-confirm-dialog.h - ask before a change the admin may regret
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define XGB_TYPE_CONFIRM_DIALOG (xgb_confirm_dialog_get_type ())
G_DECLARE_FINAL_TYPE (XgbConfirmDialog, xgb_confirm_dialog, XGB, CONFIRM_DIALOG, GtkWindow)

XgbConfirmDialog *xgb_confirm_dialog_new        (GtkWindow        *parent,
                                                 const char       *heading,
                                                 const char       *explanation,
                                                 const char       *accept_label);
void              xgb_confirm_dialog_run_async  (XgbConfirmDialog *self,
                                                 GCancellable     *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer          user_data);
gboolean          xgb_confirm_dialog_run_finish (XgbConfirmDialog *self,
                                                 GAsyncResult     *result,
                                                 GError          **error);
void              xgb_confirm_dialog_respond    (XgbConfirmDialog *self,
                                                 gboolean          accept);
const char       *xgb_confirm_dialog_get_explanation (XgbConfirmDialog *self);

G_END_DECLS
