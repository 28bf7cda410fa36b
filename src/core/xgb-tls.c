/* xgb-tls.c - the app's TLS policy, certificate details and the STARTTLS probe
 *
 * libstrophe owns the real connection but tells nothing about it: not the
 * TLS version, not the cipher, not the server's chain when verification
 * fails (xmpp-facts.md).  The probe here makes one STARTTLS handshake of
 * its own, with a hard deadline, to learn those things; it never sends
 * credentials.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-tls"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xgb-error.h"
#include "xgb-tls.h"
#include "xgb-tls-private.h"

/* A server that sends more than this before its features is not an XMPP
 * server we want to talk to. */
#define PROBE_READ_MAX (256 * 1024)

static char *config_path;

static char *
system_config_path (void)
{
  const char *env = g_getenv ("OPENSSL_CONF");
  char *path;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  path = CONF_get1_default_config_file ();
  if (path != NULL)
    {
      char *copy = g_strdup (path);

      OPENSSL_free (path);
      return copy;
    }

  return NULL;
}

static gboolean
tls_init_once (GError **error)
{
  g_autofree char *system = system_config_path ();
  g_autoptr(GString) conf = g_string_new ("# XMPP-Grid Broker: TLS 1.2 is the floor, whatever else is configured\n");
  g_autoptr(GError) local_error = NULL;
  OPENSSL_INIT_SETTINGS *settings;
  int fd;

  /* The system's (or $OPENSSL_CONF's) settings come first; the app's
   * own ssl_conf replaces theirs, so a permissive system configuration
   * cannot lower the floor. */
  if (system != NULL && g_path_is_absolute (system) && g_access (system, R_OK) == 0 &&
      strpbrk (system, " \t\n\"'$") == NULL)
    g_string_append_printf (conf, ".include %s\n", system);

  g_string_append (conf,
                   "[ default ]\n"
                   "openssl_conf = xgb_broker_init\n"
                   "[ xgb_broker_init ]\n"
                   "ssl_conf = xgb_broker_ssl\n"
                   "[ xgb_broker_ssl ]\n"
                   "system_default = xgb_broker_tls\n"
                   "[ xgb_broker_tls ]\n"
                   "MinProtocol = " XGB_TLS_MIN_VERSION "\n"
                   "CipherString = DEFAULT:@SECLEVEL=2\n");

  fd = g_file_open_tmp ("xgb-broker-openssl-XXXXXX.cnf", &config_path, &local_error);
  if (fd < 0)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_TLS,
                   _("Cannot write the TLS configuration: %s"), local_error->message);
      return FALSE;
    }
  close (fd);
  /* In place, keeping the 0600 of the temp file: g_file_set_contents()
   * would replace it with a file as open as the umask allows (0666 under
   * umask 000), which anyone could change before OpenSSL reads it. */
  if (!g_file_set_contents_full (config_path, conf->str, (gssize) conf->len,
                                 G_FILE_SET_CONTENTS_NONE, 0600, &local_error))
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_TLS,
                   _("Cannot write the TLS configuration: %s"), local_error->message);
      return FALSE;
    }

  settings = OPENSSL_INIT_new ();
  OPENSSL_INIT_set_config_filename (settings, config_path);
  OPENSSL_INIT_set_config_file_flags (settings, 0);
  if (!OPENSSL_init_ssl (OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_LOAD_SSL_STRINGS, settings))
    {
      unsigned long e = ERR_get_error ();
      char buf[256];

      ERR_error_string_n (e, buf, sizeof buf);
      OPENSSL_INIT_free (settings);
      g_unlink (config_path);
      g_set_error (error, XGB_ERROR, XGB_ERROR_TLS,
                   _("Cannot load the TLS configuration: %s"), buf);
      return FALSE;
    }
  OPENSSL_INIT_free (settings);

  /* Loaded: the file is not needed any more. */
  g_unlink (config_path);

  return TRUE;
}

/**
 * xgb_tls_init:
 *
 * Loads the app's OpenSSL configuration (TLS 1.2 or newer, the system
 * configuration included) once per process.  It must run before anything
 * else initialises OpenSSL, i.e. before xmpp_initialize().
 */
gboolean
xgb_tls_init (GError **error)
{
  static gsize once;
  static gboolean ok;
  static GError *once_error;

  if (g_once_init_enter (&once))
    {
      ok = tls_init_once (&once_error);
      g_once_init_leave (&once, 1);
    }

  if (!ok && error != NULL)
    *error = g_error_copy (once_error);
  return ok;
}

const char *
xgb_tls_get_config_path (void)
{
  return config_path;
}

static char *
name_to_string (const X509_NAME *name)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;
  char *result;

  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  len = BIO_get_mem_data (bio, &data);
  result = g_strndup (data, (gsize) MAX (len, 0));
  BIO_free (bio);

  if (!g_utf8_validate (result, -1, NULL))
    {
      char *valid = g_utf8_make_valid (result, -1);

      g_free (result);
      result = valid;
    }

  return result;
}

static char *
time_to_string (const ASN1_TIME *t)
{
  struct tm tm = { 0 };
  char buf[64];

  if (t == NULL || !ASN1_TIME_to_tm (t, &tm))
    return g_strdup ("?");

  strftime (buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return g_strdup (buf);
}

static XgbCertInfo *
cert_info_from_x509 (X509 *cert)
{
  XgbCertInfo *info = g_new0 (XgbCertInfo, 1);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  GString *hex;
  BIO *bio;
  char *data = NULL;
  long len;

  info->subject = name_to_string (X509_get_subject_name (cert));
  info->issuer = name_to_string (X509_get_issuer_name (cert));
  info->not_before = time_to_string (X509_get0_notBefore (cert));
  info->not_after = time_to_string (X509_get0_notAfter (cert));

  hex = g_string_new (NULL);
  if (X509_digest (cert, EVP_sha256 (), md, &md_len))
    for (unsigned int i = 0; i < md_len; i++)
      g_string_append_printf (hex, i == 0 ? "%02X" : ":%02X", md[i]);
  info->sha256 = g_string_free (hex, FALSE);

  bio = BIO_new (BIO_s_mem ());
  PEM_write_bio_X509 (bio, cert);
  len = BIO_get_mem_data (bio, &data);
  info->pem = g_strndup (data, (gsize) MAX (len, 0));
  BIO_free (bio);

  return info;
}

XgbCertInfo *
xgb_cert_info_new_from_pem (const char  *pem,
                            GError     **error)
{
  BIO *bio;
  X509 *cert;
  XgbCertInfo *info;

  g_return_val_if_fail (pem != NULL, NULL);

  bio = BIO_new_mem_buf (pem, -1);
  cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  if (cert == NULL)
    {
      ERR_clear_error ();
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_TLS,
                           _("The certificate is not a valid PEM certificate."));
      return NULL;
    }

  info = cert_info_from_x509 (cert);
  X509_free (cert);

  return info;
}

void
xgb_cert_info_free (XgbCertInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->subject);
  g_free (info->issuer);
  g_free (info->not_before);
  g_free (info->not_after);
  g_free (info->sha256);
  g_free (info->pem);
  g_free (info);
}

/**
 * xgb_cert_info_describe:
 *
 * Returns: (transfer full): the details an admin compares with what the
 *   server's operator says, one per line
 */
char *
xgb_cert_info_describe (const XgbCertInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return g_strdup_printf (_("Subject: %s\nIssuer: %s\nValid from %s to %s\nSHA-256 fingerprint: %s"),
                          info->subject, info->issuer, info->not_before,
                          info->not_after, info->sha256);
}

/**
 * xgb_cert_fingerprint_normalize:
 * @text: a SHA-256 fingerprint: 64 hex digits, in pairs separated by
 *   colons or not, in either case (as openssl, browsers and this app
 *   print them)
 *
 * Returns: (transfer full): the fingerprint as this app prints it,
 *   "AB:CD:…", or %NULL with @error set when @text is none
 */
char *
xgb_cert_fingerprint_normalize (const char  *text,
                                GError     **error)
{
  g_autoptr(GString) hex = g_string_new (NULL);
  GString *out;

  if (text != NULL)
    {
      const char *p = text;

      /* "SHA256:" or "sha256 Fingerprint=" as openssl prints it */
      if (g_ascii_strncasecmp (p, "sha256", 6) == 0)
        {
          const char *eq = strchr (p, '=');

          p = eq != NULL ? eq + 1 : p + 6;
        }
      for (; *p != '\0'; p++)
        {
          if (g_ascii_isxdigit (*p))
            g_string_append_c (hex, g_ascii_toupper (*p));
          else if (*p != ':' && !g_ascii_isspace (*p))
            {
              g_string_truncate (hex, 0);
              break;
            }
        }
    }

  if (hex->len != 64)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a SHA-256 fingerprint (64 hexadecimal digits, e.g. AB:CD:…)."),
                   text ? text : "");
      return NULL;
    }

  out = g_string_sized_new (95);
  for (guint i = 0; i < 64; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_len (out, hex->str + i, 2);
    }
  return g_string_free (out, FALSE);
}

void
xgb_tls_probe_free (XgbTlsProbe *probe)
{
  if (probe == NULL)
    return;

  g_free (probe->tls_version);
  g_free (probe->cipher);
  xgb_cert_info_free (probe->leaf);
  g_clear_pointer (&probe->chain, g_ptr_array_unref);
  g_free (probe->verify_error);
  g_free (probe->features);
  g_free (probe);
}

/* --- the probe ------------------------------------------------------- */

typedef struct
{
  int           fd;
  SSL          *ssl;
  gint64        deadline;     /* monotonic, µs */
  GCancellable *cancellable;
  GString      *in;
} Probe;

static gboolean
probe_wait (Probe    *p,
            short     events,
            GError  **error)
{
  GPollFD fds[2] = { { .fd = p->fd, .events = events } };
  guint n = 1;

  if (g_cancellable_make_pollfd (p->cancellable, &fds[1]))
    n = 2;

  for (;;)
    {
      gint64 left = p->deadline - g_get_monotonic_time ();
      int r;

      if (g_cancellable_set_error_if_cancelled (p->cancellable, error))
        break;
      if (left <= 0)
        {
          g_set_error_literal (error, XGB_ERROR, XGB_ERROR_TIMEOUT,
                               _("The server did not finish the TLS handshake in time."));
          break;
        }

      r = g_poll (fds, n, (int) MIN (left / 1000 + 1, 1000));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          g_set_error (error, XGB_ERROR, XGB_ERROR_FAILED, "poll: %s", g_strerror (errno));
          break;
        }
      if (n == 2 && fds[1].revents)
        continue;   /* re-checked at the top */
      if (fds[0].revents)
        {
          if (n == 2)
            g_cancellable_release_fd (p->cancellable);
          return TRUE;
        }
    }

  if (n == 2)
    g_cancellable_release_fd (p->cancellable);
  return FALSE;
}

static gboolean
probe_write (Probe       *p,
             const char  *data,
             GError     **error)
{
  gsize len = strlen (data);
  gsize done = 0;

  while (done < len)
    {
      gssize n;

      if (p->ssl != NULL)
        {
          int r = SSL_write (p->ssl, data + done, (int) (len - done));

          if (r > 0)
            n = r;
          else
            {
              int e = SSL_get_error (p->ssl, r);

              if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                {
                  if (!probe_wait (p, e == SSL_ERROR_WANT_READ ? G_IO_IN : G_IO_OUT, error))
                    return FALSE;
                  continue;
                }
              g_set_error_literal (error, XGB_ERROR, XGB_ERROR_TLS,
                                   _("The TLS connection broke while writing."));
              return FALSE;
            }
        }
      else
        {
          n = write (p->fd, data + done, len - done);
          if (n < 0 && (errno == EAGAIN || errno == EINTR))
            {
              if (!probe_wait (p, G_IO_OUT, error))
                return FALSE;
              continue;
            }
          if (n < 0)
            {
              g_set_error (error, XGB_ERROR, XGB_ERROR_HOST_UNREACHABLE,
                           _("The connection broke: %s"), g_strerror (errno));
              return FALSE;
            }
        }
      done += (gsize) n;
    }

  return TRUE;
}

/* Reads until @until occurs in what was read since the last reset. */
static gboolean
probe_read_until (Probe       *p,
                  const char  *until,
                  const char  *alt,
                  GError     **error)
{
  char buf[4096];

  while (strstr (p->in->str, until) == NULL && (alt == NULL || strstr (p->in->str, alt) == NULL))
    {
      gssize n;

      if (p->in->len > PROBE_READ_MAX)
        {
          g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                               _("The server sent too much data before its stream features."));
          return FALSE;
        }

      if (p->ssl != NULL)
        {
          int r = SSL_read (p->ssl, buf, sizeof buf);

          if (r <= 0)
            {
              int e = SSL_get_error (p->ssl, r);

              if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                {
                  if (!probe_wait (p, e == SSL_ERROR_WANT_READ ? G_IO_IN : G_IO_OUT, error))
                    return FALSE;
                  continue;
                }
              g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                                   _("The server closed the connection after the TLS handshake."));
              return FALSE;
            }
          n = r;
        }
      else
        {
          n = read (p->fd, buf, sizeof buf);
          if (n < 0 && (errno == EAGAIN || errno == EINTR))
            {
              if (!probe_wait (p, G_IO_IN, error))
                return FALSE;
              continue;
            }
          if (n <= 0)
            {
              g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                                   _("The server closed the connection before TLS was set up."));
              return FALSE;
            }
        }
      g_string_append_len (p->in, buf, n);
    }

  return TRUE;
}

static char *
stream_header (const char *domain)
{
  return g_markup_printf_escaped ("<?xml version='1.0'?><stream:stream to='%s' version='1.0' "
                                  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
                                  domain);
}

static gboolean
probe_handshake (Probe       *p,
                 SSL_CTX     *ctx,
                 const char  *domain,
                 GError     **error)
{
  p->ssl = SSL_new (ctx);
  SSL_set_fd (p->ssl, p->fd);
  SSL_set_tlsext_host_name (p->ssl, domain);
  /* The name check libstrophe makes (no partial wildcards) */
  X509_VERIFY_PARAM_set_hostflags (SSL_get0_param (p->ssl), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  SSL_set1_host (p->ssl, domain);

  for (;;)
    {
      int r = SSL_connect (p->ssl);
      int e;

      if (r == 1)
        return TRUE;

      e = SSL_get_error (p->ssl, r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        {
          if (!probe_wait (p, e == SSL_ERROR_WANT_READ ? G_IO_IN : G_IO_OUT, error))
            return FALSE;
          continue;
        }

      {
        char buf[256] = "";
        unsigned long code = ERR_get_error ();

        if (code != 0)
          ERR_error_string_n (code, buf, sizeof buf);
        ERR_clear_error ();
        g_set_error (error, XGB_ERROR, XGB_ERROR_TLS,
                     _("The TLS handshake failed (%s). The server may offer only TLS versions older than 1.2 or ciphers this app refuses."),
                     *buf ? buf : "unknown reason");
        return FALSE;
      }
    }
}

/**
 * _xgb_tls_extract_features:
 * @received: what the server sent after the TLS handshake, up to the end
 *   of its stream features (or of the stream)
 *
 * Returns: (transfer full) (nullable): the `<stream:features>` element,
 *   or %NULL when there is none
 */
char *
_xgb_tls_extract_features (const char *received)
{
  const char *features = strstr (received, "<stream:features");
  const char *end;

  if (features == NULL)
    return NULL;
  end = strstr (features, "</stream:features>");
  return end ? g_strndup (features, (gsize) (end - features) + strlen ("</stream:features>"))
             : g_strdup (features);
}

/**
 * xgb_tls_probe_run:
 * @host: (nullable): where to connect; %NULL uses @domain's DNS SRV
 *   record for xmpp-client, then @domain itself
 * @port: 0 for the default (SRV, then 5222)
 * @domain: the XMPP domain, for the stream header, SNI and name checks
 * @ca_file: (nullable): CAs to verify against instead of the system's
 * @timeout_ms: the whole probe's deadline
 *
 * Blocks; run it on a worker thread.  Verification failures do not make
 * the probe fail: they are reported in the result, with the chain, so the
 * admin sees what the server presented.
 */
XgbTlsProbe *
xgb_tls_probe_run (const char    *host,
                   guint          port,
                   const char    *domain,
                   const char    *ca_file,
                   guint          timeout_ms,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(XgbTlsProbe) probe = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *header = NULL;
  SSL_CTX *ctx = NULL;
  Probe p = { .fd = -1 };
  STACK_OF (X509) *chain;
  long verify;

  g_return_val_if_fail (domain != NULL, NULL);

  if (!xgb_tls_init (error))
    return NULL;
  signal (SIGPIPE, SIG_IGN);

  p.deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  p.cancellable = cancellable;
  p.in = g_string_new (NULL);

  g_socket_client_set_timeout (client, MAX (1, (timeout_ms + 999) / 1000));
  if (host != NULL)
    connection = g_socket_client_connect_to_host (client, host, port ? port : 5222, cancellable, &local_error);
  else if (port != 0)
    connection = g_socket_client_connect_to_host (client, domain, port, cancellable, &local_error);
  else
    {
      connection = g_socket_client_connect_to_service (client, domain, "xmpp-client", cancellable, &local_error);
      /* No SRV record: the domain itself on the standard port, as
       * libstrophe does. */
      if (connection == NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&local_error);
          connection = g_socket_client_connect_to_host (client, domain, 5222, cancellable, &local_error);
        }
    }

  if (connection == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_set_error (error, XGB_ERROR, XGB_ERROR_TIMEOUT,
                     _("The server did not answer in time: %s"), local_error->message);
      else
        g_set_error (error, XGB_ERROR, XGB_ERROR_HOST_UNREACHABLE,
                     _("Cannot reach the server: %s"), local_error->message);
      g_string_free (p.in, TRUE);
      return NULL;
    }

  p.fd = g_socket_get_fd (g_socket_connection_get_socket (connection));
  g_socket_set_blocking (g_socket_connection_get_socket (connection), FALSE);
  probe = g_new0 (XgbTlsProbe, 1);
  probe->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_cert_info_free);

  header = stream_header (domain);
  if (!probe_write (&p, header, error) ||
      !probe_read_until (&p, "</stream:features>", "</stream:stream>", error))
    goto fail;

  if (strstr (p.in->str, "urn:ietf:params:xml:ns:xmpp-tls") == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_TLS,
                           _("The server does not offer TLS (STARTTLS); this app never logs in without it."));
      goto fail;
    }

  g_string_truncate (p.in, 0);
  if (!probe_write (&p, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", error) ||
      !probe_read_until (&p, "proceed", "failure", error))
    goto fail;
  if (strstr (p.in->str, "proceed") == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_TLS,
                           _("The server refused to start TLS."));
      goto fail;
    }

  ctx = SSL_CTX_new (TLS_client_method ());
  SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify (ctx, SSL_VERIFY_NONE, NULL);
  /* The CAs libstrophe trusts: the system's, and the CA file on top. */
  SSL_CTX_set_default_verify_paths (ctx);
  if (ca_file != NULL)
    {
      if (!SSL_CTX_load_verify_locations (ctx, ca_file, NULL))
        {
          ERR_clear_error ();
          g_set_error (error, XGB_ERROR, XGB_ERROR_FILE,
                       _("Cannot load the CA file “%s”."), ca_file);
          goto fail;
        }
    }

  if (!probe_handshake (&p, ctx, domain, error))
    goto fail;

  probe->tls_version = g_strdup (SSL_get_version (p.ssl));
  probe->cipher = g_strdup (SSL_get_cipher_name (p.ssl));
  chain = SSL_get_peer_cert_chain (p.ssl);
  for (int i = 0; chain != NULL && i < sk_X509_num (chain); i++)
    g_ptr_array_add (probe->chain, cert_info_from_x509 (sk_X509_value (chain, i)));
  {
    X509 *leaf = SSL_get1_peer_certificate (p.ssl);

    if (leaf != NULL)
      {
        probe->leaf = cert_info_from_x509 (leaf);
        X509_free (leaf);
      }
  }
  verify = SSL_get_verify_result (p.ssl);
  probe->verified = verify == X509_V_OK && probe->leaf != NULL;
  if (!probe->verified)
    probe->verify_error = g_strdup (probe->leaf == NULL ? "no certificate"
                                                        : X509_verify_cert_error_string (verify));

  /* The stream features after TLS: the SASL mechanisms on offer. */
  g_string_truncate (p.in, 0);
  if (!probe_write (&p, header, error) ||
      !probe_read_until (&p, "</stream:features>", "</stream:stream>", error))
    goto fail;
  probe->features = _xgb_tls_extract_features (p.in->str);

  SSL_shutdown (p.ssl);
  SSL_free (p.ssl);
  SSL_CTX_free (ctx);
  g_string_free (p.in, TRUE);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  return g_steal_pointer (&probe);

fail:
  if (p.ssl != NULL)
    SSL_free (p.ssl);
  if (ctx != NULL)
    SSL_CTX_free (ctx);
  g_string_free (p.in, TRUE);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return NULL;
}
