/* xgb-payload-window.h - one item's payload, indented, read-only
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-pubsub.h"

G_BEGIN_DECLS

#define XGB_TYPE_PAYLOAD_WINDOW (xgb_payload_window_get_type ())
G_DECLARE_FINAL_TYPE (XgbPayloadWindow, xgb_payload_window, XGB, PAYLOAD_WINDOW, GtkWindow)

XgbPayloadWindow *xgb_payload_window_new        (GtkWindow        *parent,
                                                 XgbPubsubService *service,
                                                 const char       *node,
                                                 const char       *id);
gboolean          xgb_payload_window_get_loaded (XgbPayloadWindow *self);
const char       *xgb_payload_window_get_text   (XgbPayloadWindow *self);
const char       *xgb_payload_window_get_status (XgbPayloadWindow *self);
void              xgb_payload_window_copy       (XgbPayloadWindow *self);
void              xgb_payload_window_save_async (XgbPayloadWindow *self,
                                                 GFile            *file,
                                                 GCancellable     *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer          user_data);
gboolean          xgb_payload_window_save_finish (XgbPayloadWindow *self,
                                                 GAsyncResult     *result,
                                                 GError          **error);

G_END_DECLS
