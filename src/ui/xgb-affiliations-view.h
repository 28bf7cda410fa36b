/* xgb-affiliations-view.h - who may publish and read a node
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-pubsub.h"

G_BEGIN_DECLS

#define XGB_TYPE_AFFILIATIONS_VIEW (xgb_affiliations_view_get_type ())
G_DECLARE_FINAL_TYPE (XgbAffiliationsView, xgb_affiliations_view, XGB, AFFILIATIONS_VIEW, GtkWidget)

void         xgb_affiliations_view_load           (XgbAffiliationsView *self,
                                                   XgbPubsubService    *service,
                                                   const char          *node);
void         xgb_affiliations_view_request_change (XgbAffiliationsView *self,
                                                   const char          *jid,
                                                   const char          *affiliation);
gboolean     xgb_affiliations_view_get_busy       (XgbAffiliationsView *self);
GPtrArray   *xgb_affiliations_view_get_current    (XgbAffiliationsView *self);
const char  *xgb_affiliations_view_get_status     (XgbAffiliationsView *self);

G_END_DECLS
