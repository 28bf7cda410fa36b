/* xgb-audit-window.h - the audit trail: this computer's log and the
 * audit topic
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-audit.h"

G_BEGIN_DECLS

#define XGB_TYPE_AUDIT_WINDOW (xgb_audit_window_get_type ())
G_DECLARE_FINAL_TYPE (XgbAuditWindow, xgb_audit_window, XGB, AUDIT_WINDOW, GtkWindow)

XgbAuditWindow *xgb_audit_window_new        (GtkWindow        *parent,
                                             XgbAuditLog      *log,
                                             XgbPubsubService *service,
                                             const char       *topic);
void            xgb_audit_window_reload     (XgbAuditWindow   *self);
gboolean        xgb_audit_window_get_loading (XgbAuditWindow  *self);
void            xgb_audit_window_set_filter (XgbAuditWindow   *self,
                                             const char       *text,
                                             guint             source);
/* The rows shown, newest first (element-type XgbAuditEntry) */
GPtrArray      *xgb_audit_window_dup_shown  (XgbAuditWindow   *self);
const char     *xgb_audit_window_get_status (XgbAuditWindow   *self);

/* Sources for xgb_audit_window_set_filter() */
#define XGB_AUDIT_SOURCE_ALL    0
#define XGB_AUDIT_SOURCE_LOCAL  1
#define XGB_AUDIT_SOURCE_TOPIC  2

G_END_DECLS
