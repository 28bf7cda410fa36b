/* xgb-login-params.h - what a login needs, as typed or given on the command line
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XGB_TYPE_LOGIN_PARAMS (xgb_login_params_get_type ())

/**
 * XgbLoginParams:
 * @jid: the administrator's address
 * @password: (nullable): the password; wiped from memory when freed
 * @host: (nullable): a host to connect to instead of the JID's domain
 * @port: the port, or 0 for the default (DNS SRV, then 5222)
 * @ca_file: (nullable): a PEM file of CAs that signed the server certificate
 * @broker: (nullable): the Broker's JID; found through disco when %NULL
 * @connect: whether to connect at once
 * @cert_file: (nullable): certificate login (SASL EXTERNAL): a PEM
 *   certificate, or a PKCS#12 file; then no password is used at all
 * @key_file: (nullable): the PEM private key; %NULL for PKCS#12 or when
 *   it is in @cert_file or next to it (NAME.key)
 * @passphrase: (nullable): unlocks the key; wiped from memory when freed
 * @allow_weak_mechanisms: the admin allows SASL PLAIN and DIGEST-MD5
 * @pins: (nullable): SHA-256 fingerprints ("AB:CD:…") of server
 *   certificates the admin trusts although they do not verify
 * @audit_topic: (nullable): where this account's changes are also
 *   published (story 1.6); %NULL: the app's audit-topic setting
 */
typedef struct
{
  char     *jid;
  char     *password;
  char     *host;
  guint     port;
  char     *ca_file;
  char     *broker;
  gboolean  connect;
  char     *cert_file;
  char     *key_file;
  char     *passphrase;
  gboolean  allow_weak_mechanisms;
  char    **pins;
  char     *audit_topic;
} XgbLoginParams;

/* The longest password file we read; longer means the wrong file. */
#define XGB_PASSWORD_FILE_MAX 4096

GType            xgb_login_params_get_type  (void) G_GNUC_CONST;
XgbLoginParams  *xgb_login_params_new       (void);
XgbLoginParams  *xgb_login_params_copy      (const XgbLoginParams  *params);
void             xgb_login_params_free      (XgbLoginParams        *params);
void             xgb_login_params_set_password (XgbLoginParams     *params,
                                                const char         *password);
void             xgb_login_params_set_passphrase (XgbLoginParams   *params,
                                                  const char       *passphrase);
gboolean         xgb_login_params_validate  (const XgbLoginParams  *params,
                                             GError               **error);
void             xgb_login_params_add_pin   (XgbLoginParams        *params,
                                             const char            *sha256);
gboolean         xgb_login_params_has_pin   (const XgbLoginParams  *params,
                                             const char            *sha256);

char            *xgb_password_read_file     (const char            *path,
                                             GError               **error);
void             xgb_secret_free            (char                  *secret);
void             xgb_secret_wipe            (void                  *buffer,
                                             gsize                  length);
void             xgb_login_params_forget_secrets (XgbLoginParams   *params);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbLoginParams, xgb_login_params_free)

G_END_DECLS
