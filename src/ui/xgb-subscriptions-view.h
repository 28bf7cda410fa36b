/* xgb-subscriptions-view.h - who receives what a node publishes
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-pubsub.h"

G_BEGIN_DECLS

#define XGB_TYPE_SUBSCRIPTIONS_VIEW (xgb_subscriptions_view_get_type ())
G_DECLARE_FINAL_TYPE (XgbSubscriptionsView, xgb_subscriptions_view, XGB, SUBSCRIPTIONS_VIEW, GtkWidget)

void         xgb_subscriptions_view_load           (XgbSubscriptionsView *self,
                                                   XgbPubsubService    *service,
                                                   const char          *node);
void         xgb_subscriptions_view_subscribe     (XgbSubscriptionsView *self,
                                                   const char           *jid);
void         xgb_subscriptions_view_unsubscribe   (XgbSubscriptionsView *self,
                                                   const char           *jid,
                                                   const char           *subid);
void         xgb_subscriptions_view_answer        (XgbSubscriptionsView *self,
                                                   const char           *jid,
                                                   const char           *subid,
                                                   gboolean              allow);
void         xgb_subscriptions_view_edit_options  (XgbSubscriptionsView *self,
                                                   const char           *jid,
                                                   const char           *subid);
GtkWidget   *xgb_subscriptions_view_get_options_button (XgbSubscriptionsView *self,
                                                   const char           *jid);
const char  *xgb_subscriptions_view_get_pending_note (XgbSubscriptionsView *self);
gboolean     xgb_subscriptions_view_get_busy       (XgbSubscriptionsView *self);
GPtrArray   *xgb_subscriptions_view_get_current    (XgbSubscriptionsView *self);
GPtrArray   *xgb_subscriptions_view_get_pending    (XgbSubscriptionsView *self);
const char  *xgb_subscriptions_view_get_status     (XgbSubscriptionsView *self);

G_END_DECLS
