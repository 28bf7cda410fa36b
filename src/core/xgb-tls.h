/* xgb-tls.h - the app's TLS policy, certificate details and the STARTTLS probe
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XGB_TLS_MIN_VERSION "TLSv1.2"

/**
 * XgbCertInfo:
 * What an administrator needs to judge a server certificate.
 */
typedef struct
{
  char *subject;
  char *issuer;
  char *not_before;   /* "2026-11-26 12:00:00 UTC" */
  char *not_after;
  char *sha256;       /* "AB:CD:…" */
  char *pem;
} XgbCertInfo;

/**
 * XgbTlsProbe:
 * What a STARTTLS handshake of our own saw: libstrophe tells none of it.
 */
typedef struct
{
  char        *tls_version;   /* "TLSv1.3" */
  char        *cipher;
  XgbCertInfo *leaf;          /* nullable */
  GPtrArray   *chain;         /* of XgbCertInfo*, leaf first */
  gboolean     verified;      /* chain verified against the CAs in use */
  char        *verify_error;  /* nullable: why not */
  char        *features;      /* the post-TLS <stream:features> element */
} XgbTlsProbe;

gboolean      xgb_tls_init              (GError        **error);
const char   *xgb_tls_get_config_path   (void);

XgbCertInfo  *xgb_cert_info_new_from_pem (const char    *pem,
                                          GError       **error);
void          xgb_cert_info_free        (XgbCertInfo   *info);
char         *xgb_cert_info_describe    (const XgbCertInfo *info);
char         *xgb_cert_fingerprint_normalize (const char *text,
                                              GError    **error);

XgbTlsProbe  *xgb_tls_probe_run         (const char    *host,
                                         guint          port,
                                         const char    *domain,
                                         const char    *ca_file,
                                         guint          timeout_ms,
                                         GCancellable  *cancellable,
                                         GError       **error);
void          xgb_tls_probe_free        (XgbTlsProbe   *probe);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbCertInfo, xgb_cert_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbTlsProbe, xgb_tls_probe_free)

G_END_DECLS
