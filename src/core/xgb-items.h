/* xgb-items.h - a topic's persisted items, page by page
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "xgb-pubsub.h"

G_BEGIN_DECLS

/* One persisted item as a list shows it: never its payload. */
#define XGB_TYPE_ITEM_ROW (xgb_item_row_get_type ())
G_DECLARE_FINAL_TYPE (XgbItemRow, xgb_item_row, XGB, ITEM_ROW, GObject)

const char   *xgb_item_row_get_id        (XgbItemRow *self);
const char   *xgb_item_row_get_publisher (XgbItemRow *self);
GDateTime    *xgb_item_row_get_timestamp (XgbItemRow *self);
gsize         xgb_item_row_get_size      (XgbItemRow *self);
const char   *xgb_item_row_get_summary   (XgbItemRow *self);

char         *xgb_item_summary           (const char *payload,
                                          gsize       max_chars);

/**
 * XgbItemFilter:
 * Which items a list keeps: a publisher (case-insensitive part of the
 * publisher's JID) and a time range (@from included, @to excluded).
 * An item without a publisher or a time never matches a filter on it.
 */
typedef struct
{
  char      *publisher;   /* nullable */
  GDateTime *from;        /* nullable */
  GDateTime *to;          /* nullable */
} XgbItemFilter;

XgbItemFilter *xgb_item_filter_new      (const char          *publisher,
                                         GDateTime           *from,
                                         GDateTime           *to);
void           xgb_item_filter_free     (XgbItemFilter       *filter);
gboolean       xgb_item_filter_is_empty (const XgbItemFilter *filter);
gboolean       xgb_item_filter_matches  (const XgbItemFilter *filter,
                                         const char          *publisher,
                                         GDateTime           *timestamp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbItemFilter, xgb_item_filter_free)

#define XGB_TYPE_ITEM_LIST (xgb_item_list_get_type ())
G_DECLARE_FINAL_TYPE (XgbItemList, xgb_item_list, XGB, ITEM_LIST, GObject)

XgbItemList  *xgb_item_list_new             (XgbPubsubService    *service,
                                             const char          *node,
                                             const XgbItemFilter *filter);
const char   *xgb_item_list_get_node        (XgbItemList *self);
gboolean      xgb_item_list_get_filtered    (XgbItemList *self);
void          xgb_item_list_load_more       (XgbItemList *self);
void          xgb_item_list_stop            (XgbItemList *self);
gboolean      xgb_item_list_get_loading     (XgbItemList *self);
gboolean      xgb_item_list_get_complete    (XgbItemList *self);
gboolean      xgb_item_list_get_stopped     (XgbItemList *self);
gint64        xgb_item_list_get_total       (XgbItemList *self);
guint         xgb_item_list_get_scanned     (XgbItemList *self);
const GError *xgb_item_list_get_error       (XgbItemList *self);
guint         xgb_item_list_get_n_requests  (XgbItemList *self);
gboolean      xgb_item_list_get_has_publishers (XgbItemList *self);
gboolean      xgb_item_list_get_has_times   (XgbItemList *self);
GStrv         xgb_item_list_dup_ids         (XgbItemList *self);
guint         xgb_item_list_remove_ids      (XgbItemList        *self,
                                             const char * const *ids);

G_END_DECLS
