/* fuzz-crl.c - revocation lists and CA files
 *
 * The fuzzer's bytes are a CRL file (PEM or DER) that the keystore
 * checks a certificate against, and then a CA file that may have signed
 * a CRL (xgb_client_cert_check_revocation()).  The certificate is a test
 * certificate (tests/fuzz/data), issued by the CA the seeds' CRLs come
 * from.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-cert.h"
#include "xgb-fuzz.h"

static XgbClientCert *cert;
static char *ca_file;
static char *crl_file;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_file = g_build_filename (XGB_FUZZ_DATA_DIR, "leaf-with-key.pem", NULL);

  xgb_fuzz_init ();
  cert = xgb_client_cert_load (cert_file, NULL, NULL, &error);
  if (cert == NULL)
    g_error ("the test certificate cannot be loaded: %s", error->message);
  ca_file = g_build_filename (XGB_FUZZ_DATA_DIR, "ca.pem", NULL);
  crl_file = g_build_filename (XGB_FUZZ_DATA_DIR, "crl-empty.pem", NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = xgb_fuzz_write_file ("grid-ca.crl", data, size);
  const char *crls[] = { path, NULL };
  const char *fixed[] = { crl_file, NULL };
  XgbRevocation revocation;

  /* The bytes as a CRL, with and without the CA at hand */
  revocation = xgb_client_cert_check_revocation (cert, crls, ca_file);
  g_assert (revocation == xgb_client_cert_get_revocation (cert));
  g_assert (g_utf8_validate (xgb_client_cert_get_revocation_detail (cert), -1, NULL));
  (void) xgb_client_cert_check_revocation (cert, crls, NULL);

  /* The bytes as the CA file that signed a CRL */
  (void) xgb_client_cert_check_revocation (cert, fixed, path);

  return 0;
}
