/* xgb-check-window.h - the Controller check
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-check.h"
#include "xgb-node.h"

G_BEGIN_DECLS

#define XGB_TYPE_CHECK_WINDOW (xgb_check_window_get_type ())
G_DECLARE_FINAL_TYPE (XgbCheckWindow, xgb_check_window, XGB, CHECK_WINDOW, GtkWindow)

XgbCheckWindow *xgb_check_window_new           (GtkWindow      *parent,
                                                XgbNodeTree    *tree,
                                                const char     *tls_version,
                                                const char     *cipher,
                                                const char     *mechanism,
                                                const char * const *mechanisms);
GPtrArray      *xgb_check_window_get_rows      (XgbCheckWindow *self);
gboolean        xgb_check_window_get_busy      (XgbCheckWindow *self);
void            xgb_check_window_scan          (XgbCheckWindow *self);
char           *xgb_check_window_to_markdown   (XgbCheckWindow *self);
void            xgb_check_window_export_async  (XgbCheckWindow *self,
                                                GFile          *file,
                                                GCancellable   *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer        user_data);
gboolean        xgb_check_window_export_finish (XgbCheckWindow *self,
                                                GAsyncResult   *result,
                                                GError        **error);

G_END_DECLS
