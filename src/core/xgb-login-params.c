/* xgb-login-params.c - what a login needs, as typed or given on the command line
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-login"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "xgb-error.h"
#include "xgb-input.h"
#include "xgb-jid.h"
#include "xgb-login-params.h"
#include "xgb-tls.h"

G_DEFINE_BOXED_TYPE (XgbLoginParams, xgb_login_params,
                     xgb_login_params_copy, xgb_login_params_free)

/**
 * xgb_secret_free:
 * @secret: (nullable): a password or passphrase
 *
 * Overwrites @secret before freeing it, so that it does not linger in
 * freed heap memory.
 */
void
xgb_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  xgb_secret_wipe (secret, strlen (secret));
  g_free (secret);
}

/**
 * xgb_secret_wipe:
 * @buffer: (nullable): memory that held a secret
 * @length: its length in bytes
 *
 * Overwrites @buffer with zeros; unlike memset() before a free, the
 * compiler may not drop this as a dead store.
 */
void
xgb_secret_wipe (void  *buffer,
                 gsize  length)
{
  if (buffer != NULL && length > 0)
    explicit_bzero (buffer, length);
}

/**
 * xgb_login_params_forget_secrets:
 *
 * Wipes and frees the password and the passphrase: for a copy of the
 * login whose secrets are no longer needed (the login is done).
 */
void
xgb_login_params_forget_secrets (XgbLoginParams *params)
{
  g_return_if_fail (params != NULL);

  g_clear_pointer (&params->password, xgb_secret_free);
  g_clear_pointer (&params->passphrase, xgb_secret_free);
}

XgbLoginParams *
xgb_login_params_new (void)
{
  return g_new0 (XgbLoginParams, 1);
}

XgbLoginParams *
xgb_login_params_copy (const XgbLoginParams *params)
{
  XgbLoginParams *copy;

  g_return_val_if_fail (params != NULL, NULL);

  copy = xgb_login_params_new ();
  copy->jid = g_strdup (params->jid);
  copy->password = g_strdup (params->password);
  copy->host = g_strdup (params->host);
  copy->port = params->port;
  copy->ca_file = g_strdup (params->ca_file);
  copy->broker = g_strdup (params->broker);
  copy->connect = params->connect;
  copy->cert_file = g_strdup (params->cert_file);
  copy->key_file = g_strdup (params->key_file);
  copy->passphrase = g_strdup (params->passphrase);
  copy->allow_weak_mechanisms = params->allow_weak_mechanisms;
  copy->pins = g_strdupv (params->pins);
  copy->audit_topic = g_strdup (params->audit_topic);

  return copy;
}

void
xgb_login_params_free (XgbLoginParams *params)
{
  if (params == NULL)
    return;

  g_free (params->jid);
  xgb_secret_free (params->password);
  g_free (params->host);
  g_free (params->ca_file);
  g_free (params->broker);
  g_free (params->cert_file);
  g_free (params->key_file);
  xgb_secret_free (params->passphrase);
  g_strfreev (params->pins);
  g_free (params->audit_topic);
  g_free (params);
}

void
xgb_login_params_set_password (XgbLoginParams *params,
                               const char     *password)
{
  g_return_if_fail (params != NULL);

  xgb_secret_free (params->password);
  params->password = g_strdup (password);
}

void
xgb_login_params_set_passphrase (XgbLoginParams *params,
                                 const char     *passphrase)
{
  g_return_if_fail (params != NULL);

  xgb_secret_free (params->passphrase);
  params->passphrase = g_strdup (passphrase);
}

/**
 * xgb_login_params_validate:
 *
 * Checks what can be checked without the network: a valid JID with a
 * name before “@”, a valid Broker JID, a port in range, a readable CA file;
 * in certificate mode readable certificate and key files and no password
 * (xgb_client_cert_preflight() checks the certificate itself).
 */
gboolean
xgb_login_params_validate (const XgbLoginParams  *params,
                           GError               **error)
{
  g_autoptr(XgbJid) jid = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (params != NULL, FALSE);

  jid = xgb_jid_parse (params->jid, &local_error);
  if (jid == NULL)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                   _("Invalid JID: %s"), local_error->message);
      return FALSE;
    }
  if (xgb_jid_get_local (jid) == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                           _("Invalid JID: an account address has the form name@server."));
      return FALSE;
    }

  if (params->broker != NULL && *params->broker != '\0')
    {
      g_autoptr(XgbJid) broker = xgb_jid_parse (params->broker, &local_error);

      if (broker == NULL)
        {
          g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                       _("Invalid Broker JID: %s"), local_error->message);
          return FALSE;
        }
    }

  if (!xgb_host_validate (params->host, &local_error))
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                   _("Invalid host: %s"), local_error->message);
      return FALSE;
    }
  if (params->audit_topic != NULL && *params->audit_topic != '\0' &&
      !xgb_node_name_validate (params->audit_topic, &local_error))
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                   _("Invalid audit topic: %s"), local_error->message);
      return FALSE;
    }

  if (params->port > 65535)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                   _("Invalid port %u: a port is a number from 1 to 65535."),
                   params->port);
      return FALSE;
    }

  if (params->ca_file != NULL && *params->ca_file != '\0' &&
      g_access (params->ca_file, R_OK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, XGB_ERROR, XGB_ERROR_FILE,
                   _("Cannot read the CA file “%s”: %s"),
                   params->ca_file, g_strerror (saved_errno));
      return FALSE;
    }

  /* Certificate mode: EXTERNAL only.  With a password as well,
   * libstrophe would fall back to SCRAM silently (xmpp-facts.md). */
  if (params->cert_file != NULL)
    {
      if (params->password != NULL)
        {
          g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                               _("A certificate login uses no password: give either a certificate or a password."));
          return FALSE;
        }
      if (g_access (params->cert_file, R_OK) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, XGB_ERROR, XGB_ERROR_FILE,
                       _("Cannot read the certificate file “%s”: %s"),
                       params->cert_file, g_strerror (saved_errno));
          return FALSE;
        }
      if (params->key_file != NULL && g_access (params->key_file, R_OK) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, XGB_ERROR, XGB_ERROR_FILE,
                       _("Cannot read the key file “%s”: %s"),
                       params->key_file, g_strerror (saved_errno));
          return FALSE;
        }
    }
  else if (params->key_file != NULL || params->passphrase != NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                           _("A key file or passphrase needs a certificate file."));
      return FALSE;
    }

  for (guint i = 0; params->pins != NULL && params->pins[i] != NULL; i++)
    {
      g_autofree char *pin = xgb_cert_fingerprint_normalize (params->pins[i], error);

      if (pin == NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * xgb_login_params_add_pin:
 * @sha256: a server certificate's SHA-256 fingerprint, as
 *   xgb_cert_fingerprint_normalize() accepts it
 *
 * Trusts that exact certificate for this login although it does not
 * verify.  A fingerprint already there is not added twice.
 */
void
xgb_login_params_add_pin (XgbLoginParams *params,
                          const char     *sha256)
{
  g_autofree char *pin = NULL;
  guint n;

  g_return_if_fail (params != NULL);
  g_return_if_fail (sha256 != NULL);

  pin = xgb_cert_fingerprint_normalize (sha256, NULL);
  g_return_if_fail (pin != NULL);
  if (xgb_login_params_has_pin (params, pin))
    return;

  n = params->pins != NULL ? g_strv_length (params->pins) : 0;
  params->pins = g_renew (char *, params->pins, n + 2);
  params->pins[n] = g_steal_pointer (&pin);
  params->pins[n + 1] = NULL;
}

/**
 * xgb_login_params_has_pin:
 *
 * Returns: whether the certificate with this SHA-256 fingerprint is
 *   pinned (fingerprints compare in any of their accepted spellings)
 */
gboolean
xgb_login_params_has_pin (const XgbLoginParams *params,
                          const char           *sha256)
{
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (params != NULL, FALSE);

  if (sha256 == NULL || (wanted = xgb_cert_fingerprint_normalize (sha256, NULL)) == NULL)
    return FALSE;

  for (guint i = 0; params->pins != NULL && params->pins[i] != NULL; i++)
    {
      g_autofree char *pin = xgb_cert_fingerprint_normalize (params->pins[i], NULL);

      if (g_strcmp0 (pin, wanted) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * xgb_password_read_file:
 * @path: a file whose first line is the password
 *
 * Reads a password for non-interactive use.  Only the first line counts,
 * without its line ending; an empty first line is an error, so that an
 * empty file never means "log in without a password".
 *
 * Returns: (transfer full): the password; free it with xgb_secret_free()
 */
char *
xgb_password_read_file (const char  *path,
                        GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  gsize line_len;
  const char *eol;
  char *password = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_FILE,
                   _("Cannot read the password file: %s"), local_error->message);
      return NULL;
    }

  eol = memchr (contents, '\n', length);
  line_len = eol != NULL ? (gsize) (eol - contents) : length;
  if (line_len > 0 && contents[line_len - 1] == '\r')
    line_len--;
  shown = g_filename_display_name (path);   /* messages are UTF-8 */

  if (line_len == 0)
    g_set_error (error, XGB_ERROR, XGB_ERROR_FILE,
                 _("The password file “%s” does not start with a password."), shown);
  else if (line_len > XGB_PASSWORD_FILE_MAX)
    g_set_error (error, XGB_ERROR, XGB_ERROR_FILE,
                 _("The first line of the password file “%s” is too long to be a password; is it the right file?"), shown);
  else if (memchr (contents, '\0', line_len) != NULL ||
           !g_utf8_validate (contents, (gssize) line_len, NULL))
    g_set_error (error, XGB_ERROR, XGB_ERROR_FILE,
                 _("The password in “%s” is not valid UTF-8 text."), shown);
  else
    password = g_strndup (contents, line_len);

  xgb_secret_wipe (contents, length);

  return password;
}
