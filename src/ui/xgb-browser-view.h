/* xgb-browser-view.h - the Broker's nodes: hierarchy, all topics, filter
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-items-view.h"
#include "xgb-node.h"
#include "xgb-session-view.h"

G_BEGIN_DECLS

#define XGB_TYPE_BROWSER_VIEW (xgb_browser_view_get_type ())
G_DECLARE_FINAL_TYPE (XgbBrowserView, xgb_browser_view, XGB, BROWSER_VIEW, GtkWidget)

void             xgb_browser_view_set_tree         (XgbBrowserView *self,
                                                    XgbNodeTree    *tree);
XgbNodeTree     *xgb_browser_view_get_tree         (XgbBrowserView *self);
XgbSessionView  *xgb_browser_view_get_session_view (XgbBrowserView *self);
XgbItemsView    *xgb_browser_view_get_items_view (XgbBrowserView *self);
GListModel      *xgb_browser_view_get_hierarchy    (XgbBrowserView *self);
GListModel      *xgb_browser_view_get_filtered_topics (XgbBrowserView *self);
GListModel      *xgb_browser_view_get_collections     (XgbBrowserView *self);
void             xgb_browser_view_set_filter       (XgbBrowserView *self,
                                                    const char     *text);
void             xgb_browser_view_select_node      (XgbBrowserView *self,
                                                    XgbNode        *node);
const char      *xgb_browser_view_get_status       (XgbBrowserView *self);
XgbNode         *xgb_browser_view_get_current      (XgbBrowserView *self);
void             xgb_browser_view_show_overview    (XgbBrowserView *self);
void             xgb_browser_view_show_configuration (XgbBrowserView *self);
void             xgb_browser_view_focus_filter     (XgbBrowserView *self);

G_END_DECLS
