/* xgb-window.h - one administrator session on one Controller
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-application.h"
#include "xgb-banner.h"
#include "xgb-browser-view.h"
#include "xgb-connection.h"
#include "xgb-session-view.h"
#include "xgb-login-params.h"
#include "xgb-login-view.h"

G_BEGIN_DECLS

#define XGB_TYPE_WINDOW (xgb_window_get_type ())
G_DECLARE_FINAL_TYPE (XgbWindow, xgb_window, XGB, WINDOW, GtkApplicationWindow)

XgbWindow     *xgb_window_new               (XgbApplication        *application);
void           xgb_window_set_login_params  (XgbWindow             *self,
                                             const XgbLoginParams  *params);
gboolean       xgb_window_connect           (XgbWindow             *self);
XgbLoginView  *xgb_window_get_login_view    (XgbWindow             *self);
XgbBanner     *xgb_window_get_banner        (XgbWindow             *self);
XgbSessionView *xgb_window_get_session_view (XgbWindow             *self);
XgbBrowserView *xgb_window_get_browser_view (XgbWindow             *self);
XgbConnection *xgb_window_get_connection    (XgbWindow             *self);
const char    *xgb_window_get_visible_page  (XgbWindow             *self);
GCancellable  *xgb_window_get_cancellable   (XgbWindow             *self);
XgbBanner     *xgb_window_get_connection_banner (XgbWindow         *self);
gboolean       xgb_window_get_reconnecting  (XgbWindow             *self,
                                             guint                 *attempts,
                                             gint64                *next_attempt);

G_END_DECLS
