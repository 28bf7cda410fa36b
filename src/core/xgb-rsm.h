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

G_END_DECLS
