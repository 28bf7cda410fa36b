/* xgb-bulk-dialog.h - one affiliation or subscription change on many nodes
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-bulk.h"
#include "xgb-node.h"

G_BEGIN_DECLS

#define XGB_TYPE_BULK_DIALOG (xgb_bulk_dialog_get_type ())
G_DECLARE_FINAL_TYPE (XgbBulkDialog, xgb_bulk_dialog, XGB, BULK_DIALOG, GtkWindow)

XgbBulkDialog *xgb_bulk_dialog_new           (GtkWindow      *parent,
                                              XgbNodeTree    *tree,
                                              XgbNode        *scope);
void           xgb_bulk_dialog_run_async     (XgbBulkDialog  *self,
                                              GCancellable   *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer        user_data);
gboolean       xgb_bulk_dialog_run_finish    (XgbBulkDialog  *self,
                                              GAsyncResult   *result,
                                              GError        **error);

/* What the controls do, for tests and accessibility tools */
void           xgb_bulk_dialog_set_change    (XgbBulkDialog  *self,
                                              XgbBulkKind     kind,
                                              const char     *jid,
                                              const char     *value);
gboolean       xgb_bulk_dialog_preview       (XgbBulkDialog  *self);
gboolean       xgb_bulk_dialog_apply         (XgbBulkDialog  *self);
void           xgb_bulk_dialog_cancel        (XgbBulkDialog  *self);

gboolean       xgb_bulk_dialog_get_busy      (XgbBulkDialog  *self);
const char * const *xgb_bulk_dialog_get_targets (XgbBulkDialog *self);
XgbBulk       *xgb_bulk_dialog_get_bulk      (XgbBulkDialog  *self);
const char    *xgb_bulk_dialog_get_scope_text (XgbBulkDialog *self);
const char    *xgb_bulk_dialog_get_summary   (XgbBulkDialog  *self);
const char    *xgb_bulk_dialog_find_row      (XgbBulkDialog  *self,
                                              const char     *node);

G_END_DECLS
