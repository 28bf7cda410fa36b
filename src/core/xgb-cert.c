/* xgb-cert.c - an administrator's client certificate: load, describe, check
 *
 * libstrophe logs in with SASL EXTERNAL from a PEM certificate and key or
 * a PKCS#12 file, but tells nothing about them, and ejabberd accepts some
 * certificates it should not (xmpp-facts.md: a certificate without
 * xmppAddr plus an authzid; one for a JID without an account).  So the
 * app reads the certificate itself first: it says what the certificate
 * is, whether the passphrase is right, whether it is valid today, whether
 * it was made for the JID, and whether a local CRL revokes it.
 *
 * Passphrases are only ever borrowed here; the caller owns and wipes them.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-cert"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <time.h>

#include "xgb-cert.h"
#include "xgb-jid.h"
#include "xgb-keystore.h"

/* Larger files are not certificates an admin picked. */
#define CERT_FILE_MAX (1024 * 1024)
#define XMPP_ADDR_OID "1.3.6.1.5.5.7.8.5"

G_DEFINE_QUARK (xgb-cert-error-quark, xgb_cert_error)

struct _XgbClientCert
{
  GObject        parent_instance;

  X509          *x509;
  EVP_PKEY      *key;          /* nullable: described only */
  STACK_OF(X509) *chain;       /* what came with it: CAs in the file */
  XgbCertFormat  format;
  char          *cert_file;
  char          *key_file;     /* what libstrophe gets as key; NULL for PKCS#12 */

  XgbCertInfo   *info;
  GStrv          xmpp_addrs;
  gint64         not_before;
  gint64         not_after;
  gboolean       is_ca;
  GStrv          crl_urls;
  GStrv          ocsp_urls;
  XgbRevocation  revocation;
  char          *revocation_detail;
};

G_DEFINE_FINAL_TYPE (XgbClientCert, xgb_client_cert, G_TYPE_OBJECT)

static void
xgb_client_cert_finalize (GObject *object)
{
  XgbClientCert *self = XGB_CLIENT_CERT (object);

  X509_free (self->x509);
  EVP_PKEY_free (self->key);
  sk_X509_pop_free (self->chain, X509_free);
  g_free (self->cert_file);
  g_free (self->key_file);
  xgb_cert_info_free (self->info);
  g_strfreev (self->xmpp_addrs);
  g_strfreev (self->crl_urls);
  g_strfreev (self->ocsp_urls);
  g_free (self->revocation_detail);

  G_OBJECT_CLASS (xgb_client_cert_parent_class)->finalize (object);
}

static void
xgb_client_cert_class_init (XgbClientCertClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xgb_client_cert_finalize;
}

static void
xgb_client_cert_init (XgbClientCert *self)
{
  self->revocation = XGB_REVOCATION_UNKNOWN;
}

/* --- helpers ---------------------------------------------------------- */

static gint64
asn1_time_to_unix (const ASN1_TIME *t)
{
  struct tm tm = { 0 };

  if (t == NULL || !ASN1_TIME_to_tm (t, &tm))
    return 0;
  return (gint64) timegm (&tm);
}

/**
 * xgb_cert_format_time:
 *
 * Returns: (transfer full): "2026-11-26 12:00 UTC"
 */
char *
xgb_cert_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  if (dt == NULL)
    return g_strdup ("?");
  return g_date_time_format (dt, "%Y-%m-%d %H:%M UTC");
}

static char *
asn1_string_to_utf8 (const ASN1_STRING *s)
{
  unsigned char *utf8 = NULL;
  int len = ASN1_STRING_to_UTF8 (&utf8, s);
  char *result;

  if (len < 0)
    return NULL;
  result = g_utf8_make_valid ((const char *) utf8, len);
  OPENSSL_free (utf8);
  return result;
}

static GStrv
xmpp_addrs_of (X509 *x509)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GENERAL_NAMES *names = X509_get_ext_d2i (x509, NID_subject_alt_name, NULL, NULL);
  ASN1_OBJECT *oid = OBJ_txt2obj (XMPP_ADDR_OID, 1);

  for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num (names); i++)
    {
      const GENERAL_NAME *name = sk_GENERAL_NAME_value (names, i);
      char *addr;

      if (name->type != GEN_OTHERNAME || OBJ_cmp (name->d.otherName->type_id, oid) != 0)
        continue;
      if (name->d.otherName->value == NULL || name->d.otherName->value->type != V_ASN1_UTF8STRING)
        continue;
      addr = asn1_string_to_utf8 (name->d.otherName->value->value.utf8string);
      if (addr != NULL)
        {
          g_strv_builder_add (builder, addr);
          g_free (addr);
        }
    }

  ASN1_OBJECT_free (oid);
  GENERAL_NAMES_free (names);
  return g_strv_builder_end (builder);
}

static GStrv
crl_urls_of (X509 *x509)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  STACK_OF(DIST_POINT) *points = X509_get_ext_d2i (x509, NID_crl_distribution_points, NULL, NULL);

  for (int i = 0; points != NULL && i < sk_DIST_POINT_num (points); i++)
    {
      DIST_POINT *point = sk_DIST_POINT_value (points, i);

      if (point->distpoint == NULL || point->distpoint->type != 0)
        continue;
      for (int j = 0; j < sk_GENERAL_NAME_num (point->distpoint->name.fullname); j++)
        {
          GENERAL_NAME *name = sk_GENERAL_NAME_value (point->distpoint->name.fullname, j);
          char *url;

          if (name->type != GEN_URI)
            continue;
          url = asn1_string_to_utf8 (name->d.uniformResourceIdentifier);
          if (url != NULL)
            {
              g_strv_builder_add (builder, url);
              g_free (url);
            }
        }
    }

  sk_DIST_POINT_pop_free (points, DIST_POINT_free);
  return g_strv_builder_end (builder);
}

static GStrv
ocsp_urls_of (X509 *x509)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp (x509);

  for (int i = 0; urls != NULL && i < sk_OPENSSL_STRING_num (urls); i++)
    {
      g_autofree char *url = g_utf8_make_valid (sk_OPENSSL_STRING_value (urls, i), -1);

      g_strv_builder_add (builder, url);
    }
  X509_email_free (urls);
  return g_strv_builder_end (builder);
}

static char *
x509_to_pem (X509 *x509)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;
  char *pem;

  PEM_write_bio_X509 (bio, x509);
  len = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, (gsize) MAX (len, 0));
  BIO_free (bio);
  return pem;
}

/* Takes ownership of everything. */
static XgbClientCert *
client_cert_new (X509           *x509,
                 EVP_PKEY       *key,
                 STACK_OF(X509) *chain,
                 XgbCertFormat   format,
                 const char     *cert_file,
                 const char     *key_file)
{
  XgbClientCert *self = g_object_new (XGB_TYPE_CLIENT_CERT, NULL);
  g_autofree char *pem = x509_to_pem (x509);

  self->x509 = x509;
  self->key = key;
  self->chain = chain != NULL ? chain : sk_X509_new_null ();
  self->format = format;
  self->cert_file = g_strdup (cert_file);
  self->key_file = g_strdup (key_file);
  self->info = xgb_cert_info_new_from_pem (pem, NULL);
  g_assert (self->info != NULL);
  self->xmpp_addrs = xmpp_addrs_of (x509);
  self->not_before = asn1_time_to_unix (X509_get0_notBefore (x509));
  self->not_after = asn1_time_to_unix (X509_get0_notAfter (x509));
  self->is_ca = X509_check_ca (x509) != 0;
  self->crl_urls = crl_urls_of (x509);
  self->ocsp_urls = ocsp_urls_of (x509);

  return self;
}

static GBytes *
read_file (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_FILE,
                   _("Cannot read “%s”: %s"), path, local_error->message);
      return NULL;
    }
  if (g_mapped_file_get_length (mapped) > CERT_FILE_MAX)
    {
      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE,
                   _("“%s” is too large to be a certificate file."), path);
      return NULL;
    }
  return g_bytes_new (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped));
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *needle)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  gsize n = strlen (needle);

  for (gsize i = 0; data != NULL && i + n <= len; i++)
    if (data[i] == needle[0] && memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
bytes_are_pem (GBytes *bytes)
{
  return bytes_contain (bytes, "-----BEGIN ");
}

static gboolean
bytes_have_key (GBytes *bytes)
{
  return bytes_contain (bytes, "PRIVATE KEY-----");
}

static void
ensure_init (void)
{
  /* The app's TLS floor must be in place before OpenSSL initialises;
   * an error there shows up when connecting. */
  xgb_tls_init (NULL);
}

/* PKCS#12 files made by older tools use RC2 or 3DES, which OpenSSL 3
 * keeps in its legacy provider. */
static gboolean
load_legacy_provider (void)
{
  static gsize once;
  static gboolean ok;
  /* Loaded for the whole process; kept here so that they stay owned
   * (LeakSanitizer reports them after OpenSSL's cleanup at exit) */
  static OSSL_PROVIDER *legacy;
  static OSSL_PROVIDER *fallback;

  if (g_once_init_enter (&once))
    {
      legacy = OSSL_PROVIDER_load (NULL, "legacy");
      fallback = OSSL_PROVIDER_load (NULL, "default");
      ok = legacy != NULL && fallback != NULL;
      ERR_clear_error ();
      g_once_init_leave (&once, 1);
    }
  return ok;
}

typedef struct
{
  const char *passphrase;
  gboolean    asked;
} PassData;

static int
pem_pass_cb (char *buf,
             int   size,
             int   rwflag,
             void *userdata)
{
  PassData *data = userdata;
  size_t len;

  data->asked = TRUE;
  if (data->passphrase == NULL)
    return -1;
  len = strlen (data->passphrase);
  if (len > (size_t) size)
    return -1;
  memcpy (buf, data->passphrase, len);
  return (int) len;
}

/* --- PEM --------------------------------------------------------------- */

static STACK_OF(X509) *
read_pem_certs (GBytes *bytes)
{
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);
  BIO *bio = BIO_new_mem_buf (data, (int) len);
  STACK_OF(X509) *certs = sk_X509_new_null ();
  X509 *x509;

  while ((x509 = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    sk_X509_push (certs, x509);
  ERR_clear_error ();
  BIO_free (bio);
  return certs;
}

static EVP_PKEY *
read_pem_key (GBytes      *bytes,
              const char  *key_file,
              const char  *passphrase,
              GError     **error)
{
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);
  BIO *bio = BIO_new_mem_buf (data, (int) len);
  PassData pass = { passphrase, FALSE };
  EVP_PKEY *key;
  unsigned long code;

  key = PEM_read_bio_PrivateKey (bio, NULL, pem_pass_cb, &pass);
  BIO_free (bio);
  if (key != NULL)
    {
      ERR_clear_error ();
      return key;
    }

  code = ERR_peek_last_error ();
  ERR_clear_error ();
  if (pass.asked && passphrase == NULL)
    g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE,
                 _("The private key in “%s” is protected by a passphrase. Enter the passphrase."), key_file);
  else if (pass.asked)
    g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE,
                 _("Wrong passphrase: it does not unlock the private key in “%s”."), key_file);
  else if (ERR_GET_REASON (code) == PEM_R_NO_START_LINE)
    g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_KEY,
                 _("“%s” holds no private key."), key_file);
  else
    g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_KEY,
                 _("The private key in “%s” cannot be read (%s)."), key_file,
                 ERR_reason_error_string (code) ? ERR_reason_error_string (code) : "?");
  return NULL;
}

static XgbClientCert *
load_pem (const char  *cert_file,
          GBytes      *bytes,
          const char  *key_file,
          const char  *passphrase,
          gboolean     want_key,
          GError     **error)
{
  STACK_OF(X509) *certs = read_pem_certs (bytes);
  g_autofree char *found_key = NULL;
  EVP_PKEY *key = NULL;
  X509 *leaf;

  if (sk_X509_num (certs) == 0)
    {
      sk_X509_free (certs);
      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE,
                   bytes_have_key (bytes) ? _("“%s” holds a private key but no certificate.")
                                          : _("“%s” is not a certificate: it is neither a PEM certificate nor a PKCS#12 file."),
                   cert_file);
      return NULL;
    }

  if (key_file == NULL || *key_file == '\0')
    key_file = found_key = xgb_cert_file_find_key (cert_file);

  if (want_key)
    {
      g_autoptr(GBytes) key_bytes = NULL;

      if (key_file == NULL)
        {
          sk_X509_pop_free (certs, X509_free);
          g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_KEY,
                       _("“%s” holds a certificate but no private key. Give the key file too, or use a PKCS#12 file."),
                       cert_file);
          return NULL;
        }
      key_bytes = g_strcmp0 (key_file, cert_file) == 0 ? g_bytes_ref (bytes) : read_file (key_file, error);
      if (key_bytes == NULL ||
          (key = read_pem_key (key_bytes, key_file, passphrase, error)) == NULL)
        {
          sk_X509_pop_free (certs, X509_free);
          return NULL;
        }
    }

  leaf = sk_X509_shift (certs);
  if (key != NULL && X509_check_private_key (leaf, key) != 1)
    {
      ERR_clear_error ();
      X509_free (leaf);
      EVP_PKEY_free (key);
      sk_X509_pop_free (certs, X509_free);
      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_KEY_MISMATCH,
                   _("The private key in “%s” does not belong to the certificate in “%s”."),
                   key_file, cert_file);
      return NULL;
    }

  return client_cert_new (leaf, key, certs, XGB_CERT_FORMAT_PEM, cert_file, key_file);
}

/* --- PKCS#12 ----------------------------------------------------------- */

static XgbClientCert *
load_pkcs12 (const char  *cert_file,
             GBytes      *bytes,
             const char  *passphrase,
             gboolean     want_key,
             GError     **error)
{
  gsize len = 0;
  const unsigned char *data = g_bytes_get_data (bytes, &len);
  const unsigned char *p = data;
  PKCS12 *p12 = d2i_PKCS12 (NULL, &p, (long) len);
  const char *pass = passphrase;
  EVP_PKEY *key = NULL;
  X509 *x509 = NULL;
  STACK_OF(X509) *chain = NULL;
  gboolean parsed;

  if (p12 == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE,
                   _("“%s” is not a certificate: it is neither a PEM certificate nor a PKCS#12 file."), cert_file);
      return NULL;
    }

  /* The MAC tells a wrong passphrase from a damaged file. */
  if (PKCS12_mac_present (p12))
    {
      if (PKCS12_verify_mac (p12, NULL, 0))
        pass = NULL;
      else if (PKCS12_verify_mac (p12, "", 0))
        pass = "";
      else if (passphrase == NULL)
        {
          ERR_clear_error ();
          PKCS12_free (p12);
          g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE,
                       _("“%s” is protected by a passphrase. Enter the passphrase."), cert_file);
          return NULL;
        }
      else if (!PKCS12_verify_mac (p12, passphrase, -1))
        {
          ERR_clear_error ();
          PKCS12_free (p12);
          g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE,
                       _("Wrong passphrase: it does not unlock “%s”."), cert_file);
          return NULL;
        }
    }

  parsed = PKCS12_parse (p12, pass, &key, &x509, &chain);
  if (!parsed && load_legacy_provider ())
    {
      ERR_clear_error ();
      parsed = PKCS12_parse (p12, pass, &key, &x509, &chain);
    }
  PKCS12_free (p12);
  if (!parsed || x509 == NULL)
    {
      unsigned long code = ERR_peek_last_error ();

      ERR_clear_error ();
      EVP_PKEY_free (key);
      X509_free (x509);
      sk_X509_pop_free (chain, X509_free);
      if (parsed)
        g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE,
                     _("The PKCS#12 file “%s” holds no certificate."), cert_file);
      else if (pass == NULL && passphrase == NULL)
        g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE,
                     _("“%s” is protected by a passphrase. Enter the passphrase."), cert_file);
      else
        g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE,
                     _("The PKCS#12 file “%s” cannot be read (%s)."), cert_file,
                     ERR_reason_error_string (code) ? ERR_reason_error_string (code) : "?");
      return NULL;
    }

  if (want_key && key == NULL)
    {
      EVP_PKEY_free (key);
      X509_free (x509);
      sk_X509_pop_free (chain, X509_free);
      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_KEY,
                   _("The PKCS#12 file “%s” holds no private key."), cert_file);
      return NULL;
    }
  if (key != NULL && X509_check_private_key (x509, key) != 1)
    {
      ERR_clear_error ();
      EVP_PKEY_free (key);
      X509_free (x509);
      sk_X509_pop_free (chain, X509_free);
      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_KEY_MISMATCH,
                   _("The private key in “%s” does not belong to its certificate."), cert_file);
      return NULL;
    }
  if (!want_key)
    g_clear_pointer (&key, EVP_PKEY_free);

  return client_cert_new (x509, key, chain, XGB_CERT_FORMAT_PKCS12, cert_file, NULL);
}

/* The messages name files, whose names need not be UTF-8: they are
 * shown, so they must be. */
static void
make_message_valid (GError **error)
{
  if (error != NULL && *error != NULL && !g_utf8_validate ((*error)->message, -1, NULL))
    {
      char *valid = g_utf8_make_valid ((*error)->message, -1);

      g_free ((*error)->message);
      (*error)->message = valid;
    }
}

static XgbClientCert *
load (const char  *cert_file,
      const char  *key_file,
      const char  *passphrase,
      gboolean     want_key,
      GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  XgbClientCert *cert;

  g_return_val_if_fail (cert_file != NULL, NULL);

  ensure_init ();
  bytes = read_file (cert_file, error);
  if (bytes == NULL)
    {
      make_message_valid (error);
      return NULL;
    }

  if (bytes_are_pem (bytes))
    cert = load_pem (cert_file, bytes, key_file, passphrase, want_key, error);
  else
    cert = load_pkcs12 (cert_file, bytes, passphrase, want_key, error);
  make_message_valid (error);
  return cert;
}

/**
 * xgb_client_cert_load:
 * @cert_file: a PEM certificate, or a PKCS#12 file
 * @key_file: (nullable): the PEM private key; %NULL for PKCS#12, or when
 *   it is in @cert_file or next to it (NAME.key)
 * @passphrase: (nullable): unlocks the key or the PKCS#12 file
 *
 * Loads a certificate with its private key, as libstrophe will, and
 * checks that the key belongs to it.  A missing passphrase
 * (%XGB_CERT_ERROR_NEEDS_PASSPHRASE) and a wrong one
 * (%XGB_CERT_ERROR_WRONG_PASSPHRASE) are errors of their own, as is a
 * file that is no certificate (%XGB_CERT_ERROR_NOT_A_CERTIFICATE).
 * Reads files; call it off the main loop.
 *
 * Returns: (transfer full): the certificate, or %NULL with @error set
 */
XgbClientCert *
xgb_client_cert_load (const char  *cert_file,
                      const char  *key_file,
                      const char  *passphrase,
                      GError     **error)
{
  return load (cert_file, key_file, passphrase, TRUE, error);
}

/**
 * xgb_client_cert_load_public:
 *
 * Reads only the certificate, to describe it: no key needed, but a
 * PKCS#12 file locked by a passphrase fails with
 * %XGB_CERT_ERROR_NEEDS_PASSPHRASE.
 */
XgbClientCert *
xgb_client_cert_load_public (const char  *cert_file,
                             GError     **error)
{
  return load (cert_file, NULL, NULL, FALSE, error);
}

/**
 * xgb_client_cert_new_from_pem:
 *
 * A certificate without key, e.g. one listed from an NSS database.
 */
XgbClientCert *
xgb_client_cert_new_from_pem (const char  *pem,
                              GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  STACK_OF(X509) *certs;
  X509 *leaf;

  g_return_val_if_fail (pem != NULL, NULL);

  ensure_init ();
  bytes = g_bytes_new (pem, strlen (pem));
  certs = read_pem_certs (bytes);
  if (sk_X509_num (certs) == 0)
    {
      sk_X509_free (certs);
      g_set_error_literal (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE,
                           _("Not a PEM certificate."));
      return NULL;
    }
  leaf = sk_X509_shift (certs);
  return client_cert_new (leaf, NULL, certs, XGB_CERT_FORMAT_PEM, NULL, NULL);
}

/**
 * xgb_cert_file_is_pkcs12:
 *
 * Returns: whether @path looks like PKCS#12 (binary, not PEM); libstrophe
 *   wants such a file as certificate with no key
 */
gboolean
xgb_cert_file_is_pkcs12 (const char *path)
{
  g_autoptr(GBytes) bytes = read_file (path, NULL);
  gsize len = 0;
  const unsigned char *data;
  const unsigned char *p;
  PKCS12 *p12;

  if (bytes == NULL || bytes_are_pem (bytes))
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  p = data;
  p12 = d2i_PKCS12 (NULL, &p, (long) len);
  ERR_clear_error ();
  if (p12 == NULL)
    return FALSE;
  PKCS12_free (p12);
  return TRUE;
}

/**
 * xgb_cert_file_find_key:
 * @cert_file: a PEM certificate file
 *
 * Finds the private key for a PEM certificate: in the file itself, or
 * next to it as NAME.key (for NAME.crt, NAME.pem, NAME.cer).
 *
 * Returns: (transfer full) (nullable): the key file
 */
char *
xgb_cert_file_find_key (const char *cert_file)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *base = NULL;
  const char *dot;
  const char *slash;

  g_return_val_if_fail (cert_file != NULL, NULL);

  bytes = read_file (cert_file, NULL);
  if (bytes != NULL && bytes_have_key (bytes))
    return g_strdup (cert_file);

  slash = strrchr (cert_file, '/');
  dot = strrchr (cert_file, '.');
  if (dot != NULL && (slash == NULL || dot > slash))
    base = g_strndup (cert_file, (gsize) (dot - cert_file));
  else
    base = g_strdup (cert_file);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *candidate = g_strconcat (i == 0 ? base : cert_file, ".key", NULL);
      g_autoptr(GBytes) key_bytes = NULL;

      if (g_strcmp0 (candidate, cert_file) == 0 || !g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        continue;
      key_bytes = read_file (candidate, NULL);
      if (key_bytes != NULL && bytes_have_key (key_bytes))
        return g_steal_pointer (&candidate);
    }

  return NULL;
}

/* --- accessors --------------------------------------------------------- */

const XgbCertInfo *
xgb_client_cert_get_info (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return self->info;
}

const char *
xgb_client_cert_get_subject (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return self->info->subject;
}

const char *
xgb_client_cert_get_issuer (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return self->info->issuer;
}

const char *
xgb_client_cert_get_sha256 (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return self->info->sha256;
}

/**
 * xgb_client_cert_get_common_name:
 *
 * Returns: (transfer full) (nullable): the subject's CN
 */
char *
xgb_client_cert_get_common_name (XgbClientCert *self)
{
  X509_NAME *name;
  int index;

  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);

  name = X509_get_subject_name (self->x509);
  index = X509_NAME_get_index_by_NID (name, NID_commonName, -1);
  if (index < 0)
    return NULL;
  return asn1_string_to_utf8 (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index)));
}

const char * const *
xgb_client_cert_get_xmpp_addrs (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return (const char * const *) self->xmpp_addrs;
}

gint64
xgb_client_cert_get_not_before (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), 0);
  return self->not_before;
}

gint64
xgb_client_cert_get_not_after (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), 0);
  return self->not_after;
}

gboolean
xgb_client_cert_is_expired (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), FALSE);
  return self->not_after < g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
xgb_client_cert_is_not_yet_valid (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), FALSE);
  return self->not_before > g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
xgb_client_cert_is_ca (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), FALSE);
  return self->is_ca;
}

gboolean
xgb_client_cert_has_key (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), FALSE);
  return self->key != NULL;
}

XgbCertFormat
xgb_client_cert_get_format (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), XGB_CERT_FORMAT_PEM);
  return self->format;
}

const char * const *
xgb_client_cert_get_crl_urls (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return (const char * const *) self->crl_urls;
}

const char * const *
xgb_client_cert_get_ocsp_urls (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return (const char * const *) self->ocsp_urls;
}

XgbRevocation
xgb_client_cert_get_revocation (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), XGB_REVOCATION_UNKNOWN);
  return self->revocation;
}

/**
 * xgb_client_cert_get_revocation_detail:
 *
 * Returns: (nullable): what the last revocation check found, for people
 */
const char *
xgb_client_cert_get_revocation_detail (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return self->revocation_detail;
}

const char *
xgb_revocation_to_string (XgbRevocation revocation)
{
  switch (revocation)
    {
    case XGB_REVOCATION_GOOD:
      return _("not revoked");
    case XGB_REVOCATION_REVOKED:
      return _("revoked");
    case XGB_REVOCATION_UNKNOWN:
    default:
      return _("unknown");
    }
}

/* --- revocation -------------------------------------------------------- */

static X509_CRL *
read_crl (const char  *path,
          GError     **error)
{
  g_autoptr(GBytes) bytes = read_file (path, error);
  gsize len = 0;
  const unsigned char *data;
  X509_CRL *crl = NULL;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  if (bytes_are_pem (bytes))
    {
      BIO *bio = BIO_new_mem_buf (data, (int) len);

      crl = PEM_read_bio_X509_CRL (bio, NULL, NULL, NULL);
      BIO_free (bio);
    }
  else
    {
      const unsigned char *p = data;

      crl = d2i_X509_CRL (NULL, &p, (long) len);
    }
  ERR_clear_error ();
  if (crl == NULL)
    g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_FILE,
                 _("“%s” is not a CRL."), path);
  return crl;
}

/**
 * xgb_crl_file_check:
 * @path: a file that should hold a CRL (PEM or DER)
 *
 * Returns: %TRUE when @path holds a CRL; otherwise %FALSE with @error
 *   saying why (%XGB_CERT_ERROR_FILE)
 */
gboolean
xgb_crl_file_check (const char  *path,
                    GError     **error)
{
  X509_CRL *crl;

  g_return_val_if_fail (path != NULL, FALSE);

  ensure_init ();
  crl = read_crl (path, error);
  make_message_valid (error);
  if (crl == NULL)
    return FALSE;
  X509_CRL_free (crl);
  return TRUE;
}

static X509 *
find_issuer_in (STACK_OF(X509) *certs,
                X509           *subject)
{
  for (int i = 0; certs != NULL && i < sk_X509_num (certs); i++)
    {
      X509 *candidate = sk_X509_value (certs, i);

      if (X509_check_issued (candidate, subject) == X509_V_OK)
        return candidate;
    }
  return NULL;
}

typedef enum
{
  CRL_SAYS_NOTHING,   /* another issuer's CRL */
  CRL_SAYS_UNVERIFIED,
  CRL_SAYS_GOOD,
  CRL_SAYS_REVOKED,
} CrlVerdict;

static CrlVerdict
check_one_crl (XgbClientCert   *self,
               const char      *path,
               STACK_OF(X509)  *cas,
               GString         *why)
{
  g_autoptr(GError) error = NULL;
  X509_CRL *crl = read_crl (path, &error);
  g_autofree char *shown = g_filename_display_name (path);
  X509_REVOKED *entry = NULL;
  X509 *issuer;
  gint64 next_update;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  CrlVerdict verdict;

  if (crl == NULL)
    {
      make_message_valid (&error);
      g_string_append_printf (why, "%s%s", why->len ? "\n" : "", error->message);
      return CRL_SAYS_UNVERIFIED;
    }

  if (X509_NAME_cmp (X509_CRL_get_issuer (crl), X509_get_issuer_name (self->x509)) != 0)
    {
      X509_CRL_free (crl);
      return CRL_SAYS_NOTHING;
    }

  if (X509_CRL_get0_by_cert (crl, &entry, self->x509) == 1)
    {
      g_autofree char *when = xgb_cert_format_time (asn1_time_to_unix (X509_REVOKED_get0_revocationDate (entry)));

      g_string_assign (why, "");
      g_string_append_printf (why, _("Revoked on %s, says the CRL “%s”."), when, shown);
      X509_CRL_free (crl);
      return CRL_SAYS_REVOKED;
    }

  issuer = find_issuer_in (self->chain, self->x509);
  if (issuer == NULL)
    issuer = find_issuer_in (cas, self->x509);
  next_update = asn1_time_to_unix (X509_CRL_get0_nextUpdate (crl));

  if (issuer == NULL)
    {
      g_string_append_printf (why, "%s", why->len ? "\n" : "");
      g_string_append_printf (why, _("The CRL “%s” does not list it, but its signature cannot be checked: the issuing CA’s certificate is not at hand."),
                              shown);
      verdict = CRL_SAYS_UNVERIFIED;
    }
  else if (X509_CRL_verify (crl, X509_get0_pubkey (issuer)) != 1)
    {
      ERR_clear_error ();
      g_string_append_printf (why, "%s", why->len ? "\n" : "");
      g_string_append_printf (why, _("The CRL “%s” is not signed by the certificate’s issuer."), shown);
      verdict = CRL_SAYS_UNVERIFIED;
    }
  else if (next_update != 0 && next_update < now)
    {
      g_autofree char *when = xgb_cert_format_time (next_update);

      g_string_append_printf (why, "%s", why->len ? "\n" : "");
      g_string_append_printf (why, _("The CRL “%s” is out of date (a newer one was due on %s)."), shown, when);
      verdict = CRL_SAYS_UNVERIFIED;
    }
  else
    {
      g_autofree char *when = xgb_cert_format_time (asn1_time_to_unix (X509_CRL_get0_lastUpdate (crl)));

      g_string_assign (why, "");
      g_string_append_printf (why, _("Not revoked, says the CRL “%s” of %s."), shown, when);
      verdict = CRL_SAYS_GOOD;
    }

  X509_CRL_free (crl);
  return verdict;
}

static STACK_OF(X509) *
read_ca_file (const char *ca_file)
{
  g_autoptr(GBytes) bytes = NULL;

  if (ca_file == NULL || *ca_file == '\0')
    return sk_X509_new_null ();
  bytes = read_file (ca_file, NULL);
  if (bytes == NULL)
    return sk_X509_new_null ();
  return read_pem_certs (bytes);
}

/**
 * xgb_client_cert_check_revocation:
 * @crl_files: (nullable): CRL files (PEM or DER) to consult besides the
 *   certificate's own file: distribution points
 * @ca_file: (nullable): CA certificates that may have signed the CRLs
 *
 * Checks the certificate against local CRLs only: its CRL distribution
 * points that are file: URIs, and @crl_files.  Other distribution points
 * and OCSP responders are never contacted (the detail says so).  A CRL
 * that lists the certificate counts whatever its signature; one that
 * does not counts only when the issuer's signature on it checks out and
 * it is current.  The result is kept (xgb_client_cert_get_revocation()).
 * Reads files; call it off the main loop.
 */
XgbRevocation
xgb_client_cert_check_revocation (XgbClientCert      *self,
                                  const char * const *crl_files,
                                  const char         *ca_file)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) why = g_string_new (NULL);
  g_autoptr(GString) remote = g_string_new (NULL);
  STACK_OF(X509) *cas;
  XgbRevocation result = XGB_REVOCATION_UNKNOWN;
  gboolean good = FALSE;

  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), XGB_REVOCATION_UNKNOWN);

  for (guint i = 0; self->crl_urls[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      char *path;

      if (!g_str_has_prefix (self->crl_urls[i], "file:"))
        {
          g_string_append_printf (remote, "%s%s", remote->len ? ", " : "", self->crl_urls[i]);
          continue;
        }
      path = g_filename_from_uri (self->crl_urls[i], NULL, &error);
      if (path == NULL)
        {
          g_string_append_printf (why, "%s", why->len ? "\n" : "");
          g_string_append_printf (why, _("The CRL address “%s” is not a local file name."), self->crl_urls[i]);
          continue;
        }
      g_ptr_array_add (paths, path);
    }
  for (guint i = 0; crl_files != NULL && crl_files[i] != NULL; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < paths->len && !seen; j++)
        seen = g_str_equal (paths->pdata[j], crl_files[i]);
      if (!seen)
        g_ptr_array_add (paths, g_strdup (crl_files[i]));
    }

  cas = read_ca_file (ca_file);
  for (guint i = 0; i < paths->len && result != XGB_REVOCATION_REVOKED; i++)
    {
      g_autoptr(GString) one = g_string_new (NULL);

      switch (check_one_crl (self, paths->pdata[i], cas, one))
        {
        case CRL_SAYS_REVOKED:
          result = XGB_REVOCATION_REVOKED;
          g_string_assign (why, one->str);
          break;
        case CRL_SAYS_GOOD:
          if (!good)
            g_string_assign (why, one->str);
          good = TRUE;
          break;
        case CRL_SAYS_UNVERIFIED:
          if (!good)
            g_string_append_printf (why, "%s%s", why->len ? "\n" : "", one->str);
          break;
        case CRL_SAYS_NOTHING:
        default:
          break;
        }
    }
  sk_X509_pop_free (cas, X509_free);

  if (result != XGB_REVOCATION_REVOKED && good)
    result = XGB_REVOCATION_GOOD;

  if (result == XGB_REVOCATION_UNKNOWN && why->len == 0)
    {
      if (remote->len > 0)
        g_string_append_printf (why, _("Its CRL (%s) is not on this computer; the app does not download CRLs."), remote->str);
      else if (self->ocsp_urls[0] != NULL)
        g_string_append (why, _("It names no CRL, only an OCSP responder, which the app does not ask."));
      else if (paths->len > 0)
        g_string_append (why, _("No CRL at hand is from its issuer."));
      else
        g_string_append (why, _("It names no CRL and no CRL from its issuer is at hand."));
    }

  self->revocation = result;
  g_free (self->revocation_detail);
  self->revocation_detail = g_string_free (g_steal_pointer (&why), FALSE);

  return result;
}

/* --- the checks before logging in -------------------------------------- */

static gboolean
same_bare_jid (const char *a,
               const char *b)
{
  g_autoptr(XgbJid) ja = xgb_jid_parse (a, NULL);
  g_autoptr(XgbJid) jb = xgb_jid_parse (b, NULL);
  g_autofree char *la = NULL;
  g_autofree char *lb = NULL;

  if (ja == NULL || jb == NULL || xgb_jid_get_local (ja) == NULL || xgb_jid_get_local (jb) == NULL)
    return FALSE;
  if (g_strcmp0 (xgb_jid_get_domain (ja), xgb_jid_get_domain (jb)) != 0)
    return FALSE;
  la = g_utf8_casefold (xgb_jid_get_local (ja), -1);
  lb = g_utf8_casefold (xgb_jid_get_local (jb), -1);
  return g_str_equal (la, lb);
}

/**
 * xgb_client_cert_jid_for_login:
 * @jid: (nullable): the JID the admin typed; empty or %NULL to take it
 *   from the certificate
 *
 * XEP-0178: the server maps the certificate's id-on-xmppAddr to the
 * account.  A certificate without one proves nothing about the JID
 * (ejabberd accepts it anyway); one made for another JID is refused here.
 *
 * Returns: (transfer full): the bare JID to log in as
 */
char *
xgb_client_cert_jid_for_login (XgbClientCert  *self,
                               const char     *jid,
                               GError        **error)
{
  guint n;

  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);

  n = g_strv_length (self->xmpp_addrs);
  if (n == 0)
    {
      g_set_error_literal (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_XMPP_ADDR,
                           _("The certificate names no XMPP address (id-on-xmppAddr), so it cannot show whose it is. The app does not log in with it, even where the server would accept it."));
      return NULL;
    }

  if (jid == NULL || *jid == '\0')
    {
      g_autoptr(XgbJid) parsed = NULL;

      if (n > 1)
        {
          g_autofree char *all = g_strjoinv (", ", self->xmpp_addrs);

          g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_JID_MISMATCH,
                       _("The certificate names several XMPP addresses (%s); enter the JID to log in as."), all);
          return NULL;
        }
      parsed = xgb_jid_parse (self->xmpp_addrs[0], NULL);
      if (parsed == NULL || xgb_jid_get_local (parsed) == NULL)
        {
          g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_XMPP_ADDR,
                       _("The certificate’s XMPP address “%s” is not an account address."), self->xmpp_addrs[0]);
          return NULL;
        }
      return xgb_jid_to_bare (parsed);
    }

  for (guint i = 0; i < n; i++)
    if (same_bare_jid (self->xmpp_addrs[i], jid))
      {
        g_autoptr(XgbJid) parsed = xgb_jid_parse (jid, NULL);

        return xgb_jid_to_bare (parsed);
      }

  {
    g_autofree char *all = g_strjoinv (", ", self->xmpp_addrs);

    g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_JID_MISMATCH,
                 _("The certificate is for %s, not for %s."), all, jid);
  }
  return NULL;
}

/**
 * xgb_client_cert_check_for_login:
 * @jid: (nullable): the JID to log in as; %NULL takes the certificate's
 *
 * The client's own checks before a certificate login: a private key,
 * validity today, an xmppAddr matching @jid, and no revocation known
 * (run xgb_client_cert_check_revocation() first to know it).
 */
gboolean
xgb_client_cert_check_for_login (XgbClientCert  *self,
                                 const char     *jid,
                                 GError        **error)
{
  g_autofree char *login_jid = NULL;

  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), FALSE);

  if (self->key == NULL)
    {
      g_set_error_literal (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_KEY,
                           _("The certificate’s private key is not at hand."));
      return FALSE;
    }
  if (xgb_client_cert_is_expired (self))
    {
      g_autofree char *when = xgb_cert_format_time (self->not_after);

      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_EXPIRED,
                   _("The certificate expired on %s."), when);
      return FALSE;
    }
  if (xgb_client_cert_is_not_yet_valid (self))
    {
      g_autofree char *when = xgb_cert_format_time (self->not_before);

      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_YET_VALID,
                   _("The certificate is not valid before %s."), when);
      return FALSE;
    }

  login_jid = xgb_client_cert_jid_for_login (self, jid, error);
  if (login_jid == NULL)
    return FALSE;

  if (self->revocation == XGB_REVOCATION_REVOKED)
    {
      g_set_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_REVOKED,
                   _("The certificate was revoked. %s"), self->revocation_detail);
      return FALSE;
    }

  return TRUE;
}

/**
 * xgb_client_cert_preflight:
 * @params: a login in certificate mode
 * @crl_files: (nullable): more CRLs to consult (the keystore's)
 * @out_jid: (out) (optional) (transfer full): the JID to log in as
 *
 * Everything the app checks before a certificate login: the files, the
 * passphrase, the key, validity, the JID, revocation.  Reads files; call
 * it off the main loop.
 *
 * Returns: (transfer full): the loaded certificate, or %NULL
 */
XgbClientCert *
xgb_client_cert_preflight (const XgbLoginParams  *params,
                           const char * const    *crl_files,
                           char                 **out_jid,
                           GError               **error)
{
  g_autoptr(XgbClientCert) cert = NULL;
  g_auto(GStrv) keystore_crls = NULL;

  g_return_val_if_fail (params != NULL && params->cert_file != NULL, NULL);

  cert = xgb_client_cert_load (params->cert_file, params->key_file, params->passphrase, error);
  if (cert == NULL)
    return NULL;

  if (crl_files == NULL)
    crl_files = (const char * const *) (keystore_crls = xgb_keystore_list_crl_files (NULL));
  xgb_client_cert_check_revocation (cert, crl_files, params->ca_file);

  if (!xgb_client_cert_check_for_login (cert, params->jid, error))
    return NULL;

  if (out_jid != NULL)
    *out_jid = xgb_client_cert_jid_for_login (cert, params->jid, NULL);

  return g_steal_pointer (&cert);
}

/**
 * xgb_client_cert_get_key_file:
 *
 * Returns: (nullable): what libstrophe gets as key file: the PEM key, or
 *   %NULL for PKCS#12
 */
const char *
xgb_client_cert_get_key_file (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return self->format == XGB_CERT_FORMAT_PKCS12 ? NULL : self->key_file;
}

const char *
xgb_client_cert_get_cert_file (XgbClientCert *self)
{
  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);
  return self->cert_file;
}

/**
 * xgb_client_cert_describe:
 *
 * Returns: (transfer full): what an administrator needs to know about
 *   the certificate, one item per line
 */
char *
xgb_client_cert_describe (XgbClientCert *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  guint n;

  g_return_val_if_fail (XGB_IS_CLIENT_CERT (self), NULL);

  from = xgb_cert_format_time (self->not_before);
  to = xgb_cert_format_time (self->not_after);
  n = g_strv_length (self->xmpp_addrs);

  g_string_append_printf (text, _("Subject: %s\n"), self->info->subject);
  g_string_append_printf (text, _("Issuer: %s\n"), self->info->issuer);
  if (n == 0)
    g_string_append (text, _("XMPP address: none\n"));
  else
    {
      g_autofree char *all = g_strjoinv (", ", self->xmpp_addrs);

      g_string_append_printf (text, ngettext ("XMPP address: %s\n", "XMPP addresses: %s\n", n), all);
    }
  if (xgb_client_cert_is_expired (self))
    g_string_append_printf (text, _("Valid from %s to %s: EXPIRED\n"), from, to);
  else if (xgb_client_cert_is_not_yet_valid (self))
    g_string_append_printf (text, _("Valid from %s to %s: NOT YET VALID\n"), from, to);
  else
    g_string_append_printf (text, _("Valid from %s to %s\n"), from, to);
  g_string_append_printf (text, _("Revocation: %s"), xgb_revocation_to_string (self->revocation));
  if (self->revocation_detail != NULL)
    g_string_append_printf (text, " — %s", self->revocation_detail);
  g_string_append_c (text, '\n');
  for (guint i = 0; self->ocsp_urls[i] != NULL; i++)
    g_string_append_printf (text, _("OCSP responder: %s (not checked)\n"), self->ocsp_urls[i]);
  g_string_append_printf (text, _("SHA-256 fingerprint: %s"), self->info->sha256);

  return g_string_free (g_steal_pointer (&text), FALSE);
}
