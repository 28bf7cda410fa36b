/* xgb-accounts.h - saved accounts in GSettings
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xgb-login-params.h"

G_BEGIN_DECLS

/* The schemas (data/org.xgb.Broker.gschema.xml) */
#define XGB_ACCOUNT_SCHEMA_ID  "org.xgb.Broker.Account"
#define XGB_ACCOUNTS_PATH      "/org/xgb/Broker/accounts/"

typedef enum
{
  XGB_AUTH_METHOD_PASSWORD,
  XGB_AUTH_METHOD_CERTIFICATE,
} XgbAuthMethod;

#define XGB_TYPE_ACCOUNT (xgb_account_get_type ())
G_DECLARE_FINAL_TYPE (XgbAccount, xgb_account, XGB, ACCOUNT, GObject)

const char      *xgb_account_get_id               (XgbAccount      *self);
GSettings       *xgb_account_get_settings         (XgbAccount      *self);
char            *xgb_account_dup_jid              (XgbAccount      *self);
char            *xgb_account_dup_host             (XgbAccount      *self);
guint            xgb_account_get_port             (XgbAccount      *self);
char            *xgb_account_dup_server           (XgbAccount      *self);
XgbAuthMethod    xgb_account_get_auth_method      (XgbAccount      *self);
char           **xgb_account_dup_pins             (XgbAccount      *self);
char            *xgb_account_dup_audit_topic      (XgbAccount      *self);
gboolean         xgb_account_get_remember_secret  (XgbAccount      *self);
void             xgb_account_set_remember_secret  (XgbAccount      *self,
                                                   gboolean         remember);
gint64           xgb_account_get_last_used        (XgbAccount      *self);
void             xgb_account_touch                (XgbAccount      *self);
gboolean         xgb_account_matches              (XgbAccount      *self,
                                                   const char      *jid,
                                                   const char      *host);
XgbLoginParams  *xgb_account_to_params            (XgbAccount      *self);

#define XGB_TYPE_ACCOUNTS (xgb_accounts_get_type ())
G_DECLARE_FINAL_TYPE (XgbAccounts, xgb_accounts, XGB, ACCOUNTS, GObject)

XgbAccounts     *xgb_accounts_new                 (GSettingsBackend      *backend);
XgbAccounts     *xgb_accounts_get_default         (void);
XgbAccount      *xgb_accounts_lookup              (XgbAccounts           *self,
                                                   const char            *id);
XgbAccount      *xgb_accounts_find                (XgbAccounts           *self,
                                                   const char            *jid,
                                                   const char            *host);
XgbAccount      *xgb_accounts_get_last_used       (XgbAccounts           *self);
XgbAccount      *xgb_accounts_save                (XgbAccounts           *self,
                                                   const XgbLoginParams  *params,
                                                   GError               **error);
void             xgb_accounts_remove              (XgbAccounts           *self,
                                                   XgbAccount            *account);

char            *xgb_accounts_normalize_jid       (const char            *jid);
char            *xgb_accounts_normalize_host      (const char            *host);

G_END_DECLS
