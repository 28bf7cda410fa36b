/* xgb-items-view.h - the Items tab: a topic's persisted items
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-items.h"

G_BEGIN_DECLS

#define XGB_TYPE_ITEMS_VIEW (xgb_items_view_get_type ())
G_DECLARE_FINAL_TYPE (XgbItemsView, xgb_items_view, XGB, ITEMS_VIEW, GtkWidget)

void          xgb_items_view_load          (XgbItemsView     *self,
                                            XgbPubsubService *service,
                                            const char       *node,
                                            gboolean          is_topic);
void          xgb_items_view_clear         (XgbItemsView     *self);
XgbItemList  *xgb_items_view_get_list      (XgbItemsView     *self);
XgbItemList  *xgb_items_view_get_all       (XgbItemsView     *self);
void          xgb_items_view_set_filter    (XgbItemsView     *self,
                                            const char       *publisher,
                                            const char       *from,
                                            const char       *to);
void          xgb_items_view_select        (XgbItemsView     *self,
                                            guint             position);
GtkWindow    *xgb_items_view_open_selected (XgbItemsView     *self);
void          xgb_items_view_delete_selected (XgbItemsView   *self);
void          xgb_items_view_delete_matching (XgbItemsView   *self);
void          xgb_items_view_purge         (XgbItemsView     *self);
void          xgb_items_view_cancel        (XgbItemsView     *self);
gboolean      xgb_items_view_get_busy      (XgbItemsView     *self);
const char   *xgb_items_view_get_count_text (XgbItemsView    *self);
const char   *xgb_items_view_get_report    (XgbItemsView     *self);
double        xgb_items_view_get_progress  (XgbItemsView     *self);
GtkWidget    *xgb_items_view_get_scroller  (XgbItemsView     *self);
GtkWidget    *xgb_items_view_get_filter_widget (XgbItemsView *self,
                                            const char       *which);

G_END_DECLS
