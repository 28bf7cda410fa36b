/* fuzz-cert.c - loading a client certificate file
 *
 * The fuzzer's bytes are a certificate file as the admin picks it or as
 * the keystore finds it: PEM (certificate, key, chain), DER or PKCS#12.
 * It is read from a real file, as xgb_client_cert_load() does, without
 * and with the passphrase (the PEM key comes from the same file); then
 * what the certificate picker and the login checks read from it.  The
 * same bytes as a server's certificate in PEM (the trust dialog) and as
 * a certificate from the NSS database.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-cert.h"
#include "xgb-fuzz.h"
#include "xgb-tls.h"

#define PASSPHRASE "fuzz-pass"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  return 0;
}

static void
check_cert (XgbClientCert *cert)
{
  g_autoptr(GError) error = NULL;
  const XgbCertInfo *info = xgb_client_cert_get_info (cert);
  const char * const *addrs = xgb_client_cert_get_xmpp_addrs (cert);

  g_assert (info != NULL && info->sha256 != NULL);
  g_assert (g_utf8_validate (xgb_client_cert_get_subject (cert), -1, NULL));
  g_assert (g_utf8_validate (xgb_client_cert_get_issuer (cert), -1, NULL));
  for (guint i = 0; addrs[i] != NULL; i++)
    g_assert (g_utf8_validate (addrs[i], -1, NULL));
  g_free (xgb_client_cert_get_common_name (cert));
  g_free (xgb_cert_format_time (xgb_client_cert_get_not_before (cert)));
  g_free (xgb_cert_format_time (xgb_client_cert_get_not_after (cert)));
  (void) xgb_client_cert_is_expired (cert);
  (void) xgb_client_cert_is_not_yet_valid (cert);
  (void) xgb_client_cert_is_ca (cert);
  (void) xgb_client_cert_get_crl_urls (cert);
  (void) xgb_client_cert_get_ocsp_urls (cert);
  g_free (xgb_client_cert_describe (cert));
  g_free (xgb_cert_info_describe (info));

  /* Its own distribution points only: no CRL files, no CA file */
  (void) xgb_client_cert_check_revocation (cert, NULL, NULL);
  (void) xgb_revocation_to_string (xgb_client_cert_get_revocation (cert));
  (void) xgb_client_cert_get_revocation_detail (cert);

  g_free (xgb_client_cert_jid_for_login (cert, "admin@grid.test", &error));
  g_clear_error (&error);
  g_free (xgb_client_cert_jid_for_login (cert, NULL, &error));
  g_clear_error (&error);
  (void) xgb_client_cert_check_for_login (cert, "admin@grid.test", &error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = xgb_fuzz_write_file ("admin.pem", data, size);
  g_autofree char *text = g_strndup ((const char *) data, size);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(XgbClientCert) cert = xgb_client_cert_load_public (path, &error);

    g_assert ((cert == NULL) == (error != NULL));
    if (cert != NULL)
      check_cert (cert);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(XgbClientCert) cert = xgb_client_cert_load (path, NULL, PASSPHRASE, &error);

    g_assert ((cert == NULL) == (error != NULL));
    if (cert != NULL)
      {
        g_assert (xgb_client_cert_has_key (cert));
        check_cert (cert);
      }
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(XgbClientCert) cert = xgb_client_cert_load (path, NULL, NULL, &error);

    g_assert ((cert == NULL) == (error != NULL));
  }
  (void) xgb_cert_file_is_pkcs12 (path);
  g_free (xgb_cert_file_find_key (path));

  /* The server's certificate as libstrophe hands it over (PEM text) */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(XgbCertInfo) info = xgb_cert_info_new_from_pem (text, &error);

    g_assert ((info == NULL) == (error != NULL));
    if (info != NULL)
      g_free (xgb_cert_info_describe (info));
  }
  /* A certificate from the NSS database (certutil -a) */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(XgbClientCert) cert = xgb_client_cert_new_from_pem (text, &error);

    if (cert != NULL)
      check_cert (cert);
  }

  return 0;
}
