/* xgb-cert.h - an administrator's client certificate: load, describe, check
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xgb-login-params.h"
#include "xgb-tls.h"

G_BEGIN_DECLS

#define XGB_CERT_ERROR (xgb_cert_error_quark ())

/**
 * XgbCertError:
 * @XGB_CERT_ERROR_FILE: the file cannot be read
 * @XGB_CERT_ERROR_NOT_A_CERTIFICATE: neither a PEM certificate nor PKCS#12
 * @XGB_CERT_ERROR_NEEDS_PASSPHRASE: protected by a passphrase; none was given
 * @XGB_CERT_ERROR_WRONG_PASSPHRASE: a passphrase was given and is wrong
 * @XGB_CERT_ERROR_NO_KEY: no private key for the certificate
 * @XGB_CERT_ERROR_KEY_MISMATCH: the private key belongs to another certificate
 * @XGB_CERT_ERROR_EXPIRED: past its "not after" date
 * @XGB_CERT_ERROR_NOT_YET_VALID: before its "not before" date
 * @XGB_CERT_ERROR_NO_XMPP_ADDR: the certificate names no XMPP address
 * @XGB_CERT_ERROR_JID_MISMATCH: made for another JID
 * @XGB_CERT_ERROR_REVOKED: a CRL says it was revoked
 */
typedef enum
{
  XGB_CERT_ERROR_FILE,
  XGB_CERT_ERROR_NOT_A_CERTIFICATE,
  XGB_CERT_ERROR_NEEDS_PASSPHRASE,
  XGB_CERT_ERROR_WRONG_PASSPHRASE,
  XGB_CERT_ERROR_NO_KEY,
  XGB_CERT_ERROR_KEY_MISMATCH,
  XGB_CERT_ERROR_EXPIRED,
  XGB_CERT_ERROR_NOT_YET_VALID,
  XGB_CERT_ERROR_NO_XMPP_ADDR,
  XGB_CERT_ERROR_JID_MISMATCH,
  XGB_CERT_ERROR_REVOKED,
} XgbCertError;

typedef enum
{
  XGB_CERT_FORMAT_PEM,
  XGB_CERT_FORMAT_PKCS12,
} XgbCertFormat;

/**
 * XgbRevocation:
 * @XGB_REVOCATION_UNKNOWN: nothing local says either way
 * @XGB_REVOCATION_GOOD: a CRL signed by the issuer does not list it
 * @XGB_REVOCATION_REVOKED: a CRL lists it
 */
typedef enum
{
  XGB_REVOCATION_UNKNOWN,
  XGB_REVOCATION_GOOD,
  XGB_REVOCATION_REVOKED,
} XgbRevocation;

#define XGB_TYPE_CLIENT_CERT (xgb_client_cert_get_type ())
G_DECLARE_FINAL_TYPE (XgbClientCert, xgb_client_cert, XGB, CLIENT_CERT, GObject)

GQuark              xgb_cert_error_quark            (void);

XgbClientCert      *xgb_client_cert_load            (const char     *cert_file,
                                                     const char     *key_file,
                                                     const char     *passphrase,
                                                     GError        **error);
XgbClientCert      *xgb_client_cert_load_public     (const char     *cert_file,
                                                     GError        **error);
XgbClientCert      *xgb_client_cert_new_from_pem    (const char     *pem,
                                                     GError        **error);

gboolean            xgb_cert_file_is_pkcs12         (const char     *path);
char               *xgb_cert_file_find_key          (const char     *cert_file);
gboolean            xgb_crl_file_check              (const char     *path,
                                                     GError        **error);

const XgbCertInfo  *xgb_client_cert_get_info        (XgbClientCert  *self);
const char         *xgb_client_cert_get_subject     (XgbClientCert  *self);
const char         *xgb_client_cert_get_issuer      (XgbClientCert  *self);
const char         *xgb_client_cert_get_sha256      (XgbClientCert  *self);
char               *xgb_client_cert_get_common_name (XgbClientCert  *self);
const char * const *xgb_client_cert_get_xmpp_addrs  (XgbClientCert  *self);
gint64              xgb_client_cert_get_not_before  (XgbClientCert  *self);
gint64              xgb_client_cert_get_not_after   (XgbClientCert  *self);
gboolean            xgb_client_cert_is_expired      (XgbClientCert  *self);
gboolean            xgb_client_cert_is_not_yet_valid (XgbClientCert *self);
gboolean            xgb_client_cert_is_ca           (XgbClientCert  *self);
gboolean            xgb_client_cert_has_key         (XgbClientCert  *self);
XgbCertFormat       xgb_client_cert_get_format      (XgbClientCert  *self);
const char * const *xgb_client_cert_get_crl_urls    (XgbClientCert  *self);
const char * const *xgb_client_cert_get_ocsp_urls   (XgbClientCert  *self);

XgbRevocation       xgb_client_cert_check_revocation (XgbClientCert      *self,
                                                      const char * const *crl_files,
                                                      const char         *ca_file);
XgbRevocation       xgb_client_cert_get_revocation  (XgbClientCert  *self);
const char         *xgb_client_cert_get_revocation_detail (XgbClientCert *self);

char               *xgb_client_cert_jid_for_login   (XgbClientCert  *self,
                                                     const char     *jid,
                                                     GError        **error);
gboolean            xgb_client_cert_check_for_login (XgbClientCert  *self,
                                                     const char     *jid,
                                                     GError        **error);

XgbClientCert      *xgb_client_cert_preflight       (const XgbLoginParams *params,
                                                     const char * const   *crl_files,
                                                     char                **out_jid,
                                                     GError              **error);
const char         *xgb_client_cert_get_cert_file   (XgbClientCert  *self);
const char         *xgb_client_cert_get_key_file    (XgbClientCert  *self);

char               *xgb_client_cert_describe        (XgbClientCert  *self);

char               *xgb_cert_format_time            (gint64          unix_time);
const char         *xgb_revocation_to_string        (XgbRevocation   revocation);

G_END_DECLS
