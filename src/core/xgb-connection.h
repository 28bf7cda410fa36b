/* xgb-connection.h - one XMPP session, libstrophe on its own thread
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libxml/tree.h>

#include "xgb-login-params.h"
#include "xgb-tls.h"

G_BEGIN_DECLS

/* style.md: the numbers of the connection */
#define XGB_CONNECTION_CONNECT_TIMEOUT_MS 20000
#define XGB_CONNECTION_IQ_TIMEOUT_MS      30000
/* Reading one stanza may cost this much of the connection thread */
#define XGB_CONNECTION_STANZA_WORK_MS     10000

typedef enum
{
  XGB_CONNECTION_STATE_DISCONNECTED,
  XGB_CONNECTION_STATE_CONNECTING,
  XGB_CONNECTION_STATE_CONNECTED,
  XGB_CONNECTION_STATE_FAILED,
} XgbConnectionState;

typedef struct
{
  guint64 requests;
  guint64 replies;
  guint64 bytes_sent;
  guint64 bytes_received;
} XgbConnectionStats;

/**
 * XgbSessionInfo:
 * @mechanism: (nullable): the SASL mechanism that logged in; %NULL
 *   until logged in
 * @offered: the SASL mechanisms the server offered after TLS
 * @tls_version: e.g. "TLSv1.3"
 * @cipher: e.g. "TLS_AES_256_GCM_SHA384"
 * @server_cert: (nullable): the server's certificate (the leaf)
 * @verify_error: (nullable): why the certificate did not verify; %NULL
 *   when it verified against the CAs in use
 * @pinned: the certificate did not verify but the admin trusts it
 *
 * How a login went.  TLS version, cipher and certificate are those of
 * the probe the connection makes just before libstrophe logs in
 * (libstrophe does not tell them); the mechanism is the one libstrophe
 * reported as successful.
 */
typedef struct
{
  char        *mechanism;
  char       **offered;
  char        *tls_version;
  char        *cipher;
  XgbCertInfo *server_cert;
  char        *verify_error;
  gboolean     pinned;
} XgbSessionInfo;

XgbSessionInfo *xgb_session_info_copy (const XgbSessionInfo *info);
void            xgb_session_info_free (XgbSessionInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbSessionInfo, xgb_session_info_free)

#define XGB_TYPE_CONNECTION_STATE (xgb_connection_state_get_type ())
GType xgb_connection_state_get_type (void) G_GNUC_CONST;

#define XGB_TYPE_CONNECTION (xgb_connection_get_type ())
G_DECLARE_FINAL_TYPE (XgbConnection, xgb_connection, XGB, CONNECTION, GObject)

XgbConnection      *xgb_connection_new                (const XgbLoginParams  *params);

void                xgb_connection_connect_async      (XgbConnection         *self,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);
gboolean            xgb_connection_connect_finish     (XgbConnection         *self,
                                                       GAsyncResult          *result,
                                                       GError               **error);
void                xgb_connection_disconnect         (XgbConnection         *self);

void                xgb_connection_send_iq_async      (XgbConnection         *self,
                                                       const char            *type,
                                                       const char            *to,
                                                       const char            *payload,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);
xmlDoc             *xgb_connection_send_iq_finish     (XgbConnection         *self,
                                                       GAsyncResult          *result,
                                                       GError               **error);

gboolean            xgb_connection_send_message       (XgbConnection         *self,
                                                       const char            *to,
                                                       const char            *payload,
                                                       GError               **error);

XgbConnectionState  xgb_connection_get_state          (XgbConnection         *self);
const GError       *xgb_connection_get_error          (XgbConnection         *self);
const char         *xgb_connection_get_jid            (XgbConnection         *self);
const char         *xgb_connection_get_domain         (XgbConnection         *self);
const XgbLoginParams *xgb_connection_get_params       (XgbConnection         *self);
const XgbConnectionStats *xgb_connection_get_stats   (XgbConnection         *self);
const XgbSessionInfo *xgb_connection_get_session_info (XgbConnection       *self);
guint               xgb_connection_get_n_pending      (XgbConnection         *self);

gboolean            xgb_connection_wait_for_threads   (guint                  timeout_ms);

void                xgb_connection_set_connect_timeout (XgbConnection        *self,
                                                        guint                 timeout_ms);
void                xgb_connection_set_iq_timeout     (XgbConnection         *self,
                                                       guint                  timeout_ms);
void                xgb_connection_set_stanza_work_limit (XgbConnection      *self,
                                                       guint                  limit_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

G_END_DECLS
