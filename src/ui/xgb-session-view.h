/* xgb-session-view.h - what the window shows once logged in
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-connection.h"
#include "xgb-disco.h"

G_BEGIN_DECLS

#define XGB_TYPE_SESSION_VIEW (xgb_session_view_get_type ())
G_DECLARE_FINAL_TYPE (XgbSessionView, xgb_session_view, XGB, SESSION_VIEW, GtkWidget)

GtkWidget   *xgb_session_view_new          (void);
void         xgb_session_view_set_broker   (XgbSessionView     *self,
                                            const char         *account,
                                            const XgbDiscoInfo *broker);
GListModel  *xgb_session_view_get_features (XgbSessionView     *self);
const char  *xgb_session_view_get_broker   (XgbSessionView     *self);
void         xgb_session_view_set_nodes    (XgbSessionView     *self,
                                            const char         *text);
void         xgb_session_view_set_pending  (XgbSessionView     *self,
                                            const char         *text);
void         xgb_session_view_set_security (XgbSessionView     *self,
                                            const XgbSessionInfo *info);

G_END_DECLS
