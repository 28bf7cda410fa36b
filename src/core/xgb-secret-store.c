/* xgb-secret-store.c - passwords in the desktop's secret store (libsecret)
 *
 * A saved account keeps no secret in GSettings.  When the administrator
 * asks, its password (or its certificate's passphrase) goes to the
 * desktop's secret store through libsecret (the Secret Service on the
 * session bus: GNOME Keyring, KWallet; the portal inside Flatpak), under
 * the schema "org.xgb.Broker.Secret" keyed by the account's bare JID, its
 * host and the kind of secret.
 *
 * libsecret is optional at build time (meson -Dlibsecret=disabled): then
 * every call fails with XGB_SECRET_STORE_ERROR_NOT_BUILT and the login
 * view says why it cannot remember passwords.
 *
 * A secret that comes back is copied into ordinary memory once and must
 * be freed with xgb_secret_free(), which wipes it.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-secret-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#if HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "xgb-accounts.h"
#include "xgb-login-params.h"
#include "xgb-secret-store.h"

G_DEFINE_QUARK (xgb-secret-store-error-quark, xgb_secret_store_error)

/**
 * xgb_secret_store_is_built:
 *
 * Returns: whether this build can use the desktop's secret store at all
 */
gboolean
xgb_secret_store_is_built (void)
{
  return HAVE_LIBSECRET;
}

#if HAVE_LIBSECRET

static const SecretSchema *
secret_schema (void)
{
  static const SecretSchema schema = {
    "org.xgb.Broker.Secret", SECRET_SCHEMA_NONE,
    {
      { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static const char *
kind_to_string (XgbSecretKind kind)
{
  return kind == XGB_SECRET_PASSPHRASE ? "passphrase" : "password";
}

/* The attributes of one account's secret: the same account however its
 * JID or host were spelled. */
static GHashTable *
attributes_new (const char    *jid,
                const char    *host,
                XgbSecretKind *kind)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  char *key = xgb_accounts_normalize_jid (jid);

  g_hash_table_insert (attributes, (gpointer) "jid", key != NULL ? key : g_strdup (jid));
  g_hash_table_insert (attributes, (gpointer) "host", xgb_accounts_normalize_host (host));
  if (kind != NULL)
    g_hash_table_insert (attributes, (gpointer) "kind", g_strdup (kind_to_string (*kind)));
  return attributes;
}

/* No secret service on the bus, or no bus: "not available".  Anything
 * else is the store's own refusal and keeps its message. */
static GError *
translate_error (GError *error)
{
  static const GDBusError absent[] = {
    G_DBUS_ERROR_SERVICE_UNKNOWN, G_DBUS_ERROR_NAME_HAS_NO_OWNER, G_DBUS_ERROR_NO_SERVER,
    G_DBUS_ERROR_DISCONNECTED, G_DBUS_ERROR_FILE_NOT_FOUND, G_DBUS_ERROR_SPAWN_EXEC_FAILED,
    G_DBUS_ERROR_SPAWN_FORK_FAILED, G_DBUS_ERROR_SPAWN_CHILD_EXITED, G_DBUS_ERROR_SPAWN_CHILD_SIGNALED,
    G_DBUS_ERROR_SPAWN_FAILED, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND, G_DBUS_ERROR_SPAWN_SERVICE_INVALID,
    G_DBUS_ERROR_SPAWN_NO_MEMORY, G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID, G_DBUS_ERROR_SPAWN_FILE_INVALID,
    G_DBUS_ERROR_SPAWN_CONFIG_INVALID, G_DBUS_ERROR_SPAWN_SETUP_FAILED,
  };
  GError *translated;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  g_debug ("secret store: %s (%s %d)", error->message, g_quark_to_string (error->domain), error->code);
  if (error->domain == G_IO_ERROR)
    translated = g_error_new_literal (XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_UNAVAILABLE,
                                      _("The desktop’s secret store is not available."));
  else if (error->domain == G_DBUS_ERROR)
    {
      translated = NULL;
      for (guint i = 0; i < G_N_ELEMENTS (absent); i++)
        if (error->code == (int) absent[i])
          translated = g_error_new_literal (XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_UNAVAILABLE,
                                            _("The desktop’s secret store is not available."));
      if (translated == NULL)
        {
          g_dbus_error_strip_remote_error (error);
          translated = g_error_new (XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_FAILED,
                                    _("The desktop’s secret store refused: %s"), error->message);
        }
    }
  else
    translated = g_error_new (XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_FAILED,
                              _("The desktop’s secret store refused: %s"), error->message);

  g_error_free (error);
  return translated;
}

static void
service_got_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretService) service = NULL;
  GError *error = NULL;

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    g_task_return_error (task, translate_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

typedef struct
{
  GHashTable *attributes;
  char       *label;
  char       *secret;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_hash_table_unref (data->attributes);
  g_free (data->label);
  xgb_secret_free (data->secret);
  g_free (data);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, translate_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/* The old secret is gone: store the new one */
static void
old_cleared_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      g_task_return_error (task, translate_error (error));
      g_object_unref (task);
      return;
    }
  secret_password_storev (secret_schema (), data->attributes, SECRET_COLLECTION_DEFAULT, data->label,
                          data->secret, g_task_get_cancellable (task), stored_cb, task);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_nonpageable_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, translate_error (error));
  else
    {
      /* One copy in ordinary memory, wiped by xgb_secret_free() */
      g_task_return_pointer (task, g_strdup (secret), (GDestroyNotify) xgb_secret_free);
      secret_password_free (secret);
    }
}

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without error: there was nothing to clear */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_task_return_error (task, translate_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

#else /* !HAVE_LIBSECRET */

static void
return_not_built (GTask *task)
{
  g_task_return_new_error (task, XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_NOT_BUILT,
                           _("This build of the app cannot use the desktop’s secret store (it was built without libsecret)."));
  g_object_unref (task);
}

#endif

/**
 * xgb_secret_store_check_async:
 *
 * Finds out whether a secret service answers on the session bus, without
 * storing or unlocking anything.
 */
void
xgb_secret_store_check_async (GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, xgb_secret_store_check_async);
#if HAVE_LIBSECRET
  /* Opening a session is the first thing every call does: it fails
   * when nothing provides org.freedesktop.secrets. */
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, service_got_cb, task);
#else
  return_not_built (task);
#endif
}

/**
 * xgb_secret_store_check_finish:
 *
 * Returns: %TRUE when the secret store answers; else an
 *   #XGB_SECRET_STORE_ERROR whose message says why, for the UI
 */
gboolean
xgb_secret_store_check_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xgb_secret_store_check_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xgb_secret_store_save_async:
 * @jid: the account's JID
 * @host: (nullable): the host the account connects to, if not its domain
 * @secret: the password or passphrase (copied into libsecret's memory)
 *
 * Stores @secret in the default collection (the login keyring), where
 * the desktop may ask the administrator to unlock it first.
 */
void
xgb_secret_store_save_async (const char          *jid,
                             const char          *host,
                             XgbSecretKind        kind,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (jid != NULL);
  g_return_if_fail (secret != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_secret_store_save_async);
#if HAVE_LIBSECRET
  {
    g_autoptr(GHashTable) attributes = attributes_new (jid, host, &kind);
    g_autofree char *label = NULL;

    /* What the keyring's manager (Seahorse) shows */
    if (host != NULL && *host != '\0')
      label = g_strdup_printf (kind == XGB_SECRET_PASSPHRASE ? _("XMPP-Grid Broker: certificate passphrase of %s on %s")
                                                             : _("XMPP-Grid Broker: password of %s on %s"),
                               jid, host);
    else
      label = g_strdup_printf (kind == XGB_SECRET_PASSPHRASE ? _("XMPP-Grid Broker: certificate passphrase of %s")
                                                             : _("XMPP-Grid Broker: password of %s"),
                               jid);
    SaveData *data = g_new0 (SaveData, 1);

    /* Replacing an item in place (what storev does when one matches)
     * crashed gnome-keyring-daemon 42.1 here: clear it first. */
    data->attributes = g_hash_table_ref (attributes);
    data->label = g_steal_pointer (&label);
    data->secret = g_strdup (secret);
    g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
    secret_password_clearv (secret_schema (), attributes, cancellable, old_cleared_cb, task);
  }
#else
  return_not_built (task);
#endif
}

gboolean
xgb_secret_store_save_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xgb_secret_store_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xgb_secret_store_lookup_async:
 *
 * Looks up what xgb_secret_store_save_async() stored for the account.
 * The desktop may ask the administrator to unlock the keyring.
 */
void
xgb_secret_store_lookup_async (const char          *jid,
                               const char          *host,
                               XgbSecretKind        kind,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (jid != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_secret_store_lookup_async);
#if HAVE_LIBSECRET
  {
    g_autoptr(GHashTable) attributes = attributes_new (jid, host, &kind);

    secret_password_lookupv (secret_schema (), attributes, cancellable, looked_up_cb, task);
  }
#else
  return_not_built (task);
#endif
}

/**
 * xgb_secret_store_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret, to be freed with
 *   xgb_secret_free(); %NULL without @error when none is stored
 */
char *
xgb_secret_store_lookup_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xgb_secret_store_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * xgb_secret_store_clear_async:
 *
 * Removes the account's password and passphrase from the secret store.
 * Nothing stored is no error.
 */
void
xgb_secret_store_clear_async (const char          *jid,
                              const char          *host,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (jid != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_secret_store_clear_async);
#if HAVE_LIBSECRET
  {
    g_autoptr(GHashTable) attributes = attributes_new (jid, host, NULL);

    secret_password_clearv (secret_schema (), attributes, cancellable, cleared_cb, task);
  }
#else
  return_not_built (task);
#endif
}

gboolean
xgb_secret_store_clear_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xgb_secret_store_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
