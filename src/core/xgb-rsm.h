/* xgb-rsm.h - Result Set Management (XEP-0059)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define XGB_NS_RSM "http://jabber.org/protocol/rsm"

/**
 * XgbRsmResult:
 * @first, @last: (nullable): the page's first and last item ids
 * @first_index: the index of @first, or -1 when not told
 * @count: the size of the whole set, or -1 when not told
 */
typedef struct
{
  char   *first;
  char   *last;
  gint64  first_index;
  gint64  count;
} XgbRsmResult;

char          *xgb_rsm_build         (guint          max,
                                      const char    *after,
                                      const char    *before,
                                      gint64         index);
XgbRsmResult  *xgb_rsm_parse         (const xmlNode *parent);
XgbRsmResult  *xgb_rsm_result_copy   (const XgbRsmResult *result);
void           xgb_rsm_result_free   (XgbRsmResult  *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbRsmResult, xgb_rsm_result_free)

/* A walk through a paged list stops after this many pages when the
 * server gives no total (or more pages than its total): a server that
 * never ends its pages must not keep the app asking forever. */
#define XGB_RSM_MAX_PAGES 1000

typedef struct _XgbRsmWalk XgbRsmWalk;

XgbRsmWalk    *xgb_rsm_walk_new      (void);
gboolean       xgb_rsm_walk_check    (XgbRsmWalk         *walk,
                                      const XgbRsmResult *page,
                                      GError            **error);
guint          xgb_rsm_walk_get_pages (XgbRsmWalk        *walk);
void           xgb_rsm_walk_free     (XgbRsmWalk         *walk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbRsmWalk, xgb_rsm_walk_free)

G_END_DECLS
