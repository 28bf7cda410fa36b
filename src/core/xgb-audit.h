/* xgb-audit.h - the audit trail: who changed what on the Broker
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "xgb-pubsub.h"

G_BEGIN_DECLS

/* The namespace of audit entries published to an audit topic */
#define XGB_NS_AUDIT "urn:xmpp-grid-broker:audit:1"

typedef struct
{
  GDateTime *time;
  char      *account;     /* who */
  char      *service;     /* the Broker */
  char      *action;      /* "create", "delete", "affiliations", … */
  char      *target;      /* the node; nullable */
  char      *parameters;  /* nullable */
  char      *result;      /* "ok", or the error's message */
} XgbAuditEntry;

XgbAuditEntry *xgb_audit_entry_new_from_change (const XgbPubsubChange *change);
XgbAuditEntry *xgb_audit_entry_copy         (const XgbAuditEntry *entry);
void           xgb_audit_entry_free         (XgbAuditEntry *entry);
gboolean       xgb_audit_entry_ok           (const XgbAuditEntry *entry);
/* One JSON object on one line, without the newline */
char          *xgb_audit_entry_to_json      (const XgbAuditEntry *entry);
XgbAuditEntry *xgb_audit_entry_from_json    (const char    *line,
                                             GError       **error);
/* The `<entry xmlns='urn:xmpp-grid-broker:audit:1'>` payload */
char          *xgb_audit_entry_to_xml       (const XgbAuditEntry *entry);
XgbAuditEntry *xgb_audit_entry_from_xml     (const char    *payload,
                                             GError       **error);
gboolean       xgb_audit_entry_matches      (const XgbAuditEntry *entry,
                                             const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbAuditEntry, xgb_audit_entry_free)

/**
 * XgbAuditLog:
 * The local log, JSON Lines in a 0600 file in a 0700 folder; appends
 * happen in order on a worker thread.
 */
#define XGB_TYPE_AUDIT_LOG (xgb_audit_log_get_type ())
G_DECLARE_FINAL_TYPE (XgbAuditLog, xgb_audit_log, XGB, AUDIT_LOG, GObject)

XgbAuditLog *xgb_audit_log_new            (const char    *path);
XgbAuditLog *xgb_audit_log_get_default    (void);
char        *xgb_audit_log_default_path   (void);
const char  *xgb_audit_log_get_path       (XgbAuditLog   *self);
void         xgb_audit_log_append         (XgbAuditLog   *self,
                                           const XgbAuditEntry *entry);
gboolean     xgb_audit_log_flush          (XgbAuditLog   *self,
                                           GError       **error);
void         xgb_audit_log_read_async     (XgbAuditLog   *self,
                                           GCancellable  *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer       user_data);
/* (element-type XgbAuditEntry) oldest first; lines that cannot be read
 * are counted in @n_bad */
GPtrArray   *xgb_audit_log_read_finish    (XgbAuditLog   *self,
                                           GAsyncResult  *result,
                                           guint         *n_bad,
                                           GError       **error);

/**
 * XgbAuditor:
 * Listens to a service's changes: each goes to the local log and, when
 * an audit topic is set, is published there too.
 */
#define XGB_TYPE_AUDITOR (xgb_auditor_get_type ())
G_DECLARE_FINAL_TYPE (XgbAuditor, xgb_auditor, XGB, AUDITOR, GObject)

XgbAuditor  *xgb_auditor_new              (XgbPubsubService *service,
                                           XgbAuditLog      *log,
                                           const char       *topic);
const char  *xgb_auditor_get_topic        (XgbAuditor       *self);
guint        xgb_auditor_get_n_pending    (XgbAuditor       *self);
const GError *xgb_auditor_get_publish_error (XgbAuditor     *self);

G_END_DECLS
