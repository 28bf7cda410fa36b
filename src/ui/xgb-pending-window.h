/* xgb-pending-window.h - the subscription requests waiting on every topic
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-pubsub.h"

G_BEGIN_DECLS

#define XGB_TYPE_PENDING_WINDOW (xgb_pending_window_get_type ())
G_DECLARE_FINAL_TYPE (XgbPendingWindow, xgb_pending_window, XGB, PENDING_WINDOW, GtkWindow)

XgbPendingWindow       *xgb_pending_window_new             (GtkWindow          *parent,
                                                            XgbPubsubService   *service);
XgbPubsubService       *xgb_pending_window_get_service     (XgbPendingWindow   *self);
void                    xgb_pending_window_reload          (XgbPendingWindow   *self);
void                    xgb_pending_window_read_topics     (XgbPendingWindow   *self,
                                                            const char * const *nodes);
void                    xgb_pending_window_cancel          (XgbPendingWindow   *self);
gboolean                xgb_pending_window_get_loading     (XgbPendingWindow   *self);

guint                   xgb_pending_window_get_n_requests  (XgbPendingWindow   *self);
const XgbPubsubPending *xgb_pending_window_get_request     (XgbPendingWindow   *self,
                                                            guint               position);
void                    xgb_pending_window_set_selected    (XgbPendingWindow   *self,
                                                            guint               position,
                                                            gboolean            selected);
gboolean                xgb_pending_window_get_selected    (XgbPendingWindow   *self,
                                                            guint               position);
guint                   xgb_pending_window_get_n_selected  (XgbPendingWindow   *self);
void                    xgb_pending_window_answer_selected (XgbPendingWindow   *self,
                                                            gboolean            allow);

const char             *xgb_pending_window_get_page        (XgbPendingWindow   *self);
const char             *xgb_pending_window_get_status      (XgbPendingWindow   *self);
guint                   xgb_pending_window_get_max_in_flight (XgbPendingWindow *self);

G_END_DECLS
