/* xgb-options-dialog.h - a subscription's options, read and changed
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-form-view.h"
#include "xgb-pubsub.h"

G_BEGIN_DECLS

#define XGB_TYPE_OPTIONS_DIALOG (xgb_options_dialog_get_type ())
G_DECLARE_FINAL_TYPE (XgbOptionsDialog, xgb_options_dialog, XGB, OPTIONS_DIALOG, GtkWindow)

XgbOptionsDialog *xgb_options_dialog_new           (GtkWindow        *parent,
                                                    XgbPubsubService *service,
                                                    const char       *node,
                                                    const char       *jid,
                                                    const char       *subid);
void              xgb_options_dialog_run_async     (XgbOptionsDialog *self,
                                                    GCancellable     *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer          user_data);
gboolean          xgb_options_dialog_run_finish    (XgbOptionsDialog *self,
                                                    GAsyncResult     *result,
                                                    GError          **error);
gboolean          xgb_options_dialog_apply         (XgbOptionsDialog *self);
void              xgb_options_dialog_cancel        (XgbOptionsDialog *self);
gboolean          xgb_options_dialog_get_ready     (XgbOptionsDialog *self);
gboolean          xgb_options_dialog_get_busy      (XgbOptionsDialog *self);
const char       *xgb_options_dialog_get_error     (XgbOptionsDialog *self);
XgbFormView      *xgb_options_dialog_get_form_view (XgbOptionsDialog *self);

G_END_DECLS
