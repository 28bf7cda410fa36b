/* xgb-accounts.c - saved accounts in GSettings
 *
 * The GNOME way, as GNOME Terminal keeps its profiles: the main schema
 * (org.xgb.Broker) lists the accounts' ids in its "accounts" key, and
 * each account is the relocatable schema org.xgb.Broker.Account at
 * /org/xgb/Broker/accounts/ID/.  Each setting is then a typed key of its
 * own that `gsettings`, dconf-editor and a system administrator's
 * defaults or locks can reach, and a change to one account touches no
 * other (an a{sv} key would rewrite them all at each change and hide the
 * fields from every tool).
 *
 * An account is what a login needs, without its secrets: no password
 * and no passphrase is ever written here.  Those go to the desktop's
 * secret store (xgb-secret-store.c) when the administrator asks.
 *
 * Accounts are identified by their bare JID and their host: saving a
 * login for a JID and host already saved updates that account.
 *
 * XgbAccounts is a GListModel of XgbAccount in the saved order; it
 * follows changes made elsewhere (another window, `gsettings`).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-accounts"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xgb-accounts.h"
#include "xgb-cert.h"
#include "xgb-error.h"
#include "xgb-jid.h"

/* --- one account ---------------------------------------------------- */

struct _XgbAccount
{
  GObject    parent_instance;

  char      *id;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (XgbAccount, xgb_account, G_TYPE_OBJECT)

static void
xgb_account_finalize (GObject *object)
{
  XgbAccount *self = XGB_ACCOUNT (object);

  g_free (self->id);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (xgb_account_parent_class)->finalize (object);
}

static void
xgb_account_class_init (XgbAccountClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xgb_account_finalize;
}

static void
xgb_account_init (XgbAccount *self)
{
}

static XgbAccount *
xgb_account_new (const char       *id,
                 GSettingsSchema  *schema,
                 GSettingsBackend *backend)
{
  XgbAccount *self = g_object_new (XGB_TYPE_ACCOUNT, NULL);
  g_autofree char *path = g_strconcat (XGB_ACCOUNTS_PATH, id, "/", NULL);

  self->id = g_strdup (id);
  self->settings = g_settings_new_full (schema, backend, path);
  return self;
}

const char *
xgb_account_get_id (XgbAccount *self)
{
  g_return_val_if_fail (XGB_IS_ACCOUNT (self), NULL);

  return self->id;
}

/**
 * xgb_account_get_settings:
 *
 * Returns: (transfer none): the account's own settings
 *   (org.xgb.Broker.Account at /org/xgb/Broker/accounts/ID/)
 */
GSettings *
xgb_account_get_settings (XgbAccount *self)
{
  g_return_val_if_fail (XGB_IS_ACCOUNT (self), NULL);

  return self->settings;
}

/* A string setting, %NULL when empty */
static char *
dup_string (XgbAccount *self,
            const char *key)
{
  g_autofree char *value = g_settings_get_string (self->settings, key);

  return *value != '\0' ? g_steal_pointer (&value) : NULL;
}

char *
xgb_account_dup_jid (XgbAccount *self)
{
  g_return_val_if_fail (XGB_IS_ACCOUNT (self), NULL);

  return dup_string (self, "jid");
}

/**
 * xgb_account_dup_host:
 *
 * Returns: (nullable): the host, or %NULL for the JID's domain
 */
char *
xgb_account_dup_host (XgbAccount *self)
{
  g_return_val_if_fail (XGB_IS_ACCOUNT (self), NULL);

  return dup_string (self, "host");
}

guint
xgb_account_get_port (XgbAccount *self)
{
  g_autoptr(GVariant) port = NULL;

  g_return_val_if_fail (XGB_IS_ACCOUNT (self), 0);

  port = g_settings_get_value (self->settings, "port");
  return g_variant_get_uint16 (port);
}

/**
 * xgb_account_dup_server:
 *
 * Returns: (nullable): "host", "host:port" or ":port" when the account
 *   does not connect to its JID's domain on the default port, else %NULL
 */
char *
xgb_account_dup_server (XgbAccount *self)
{
  g_autofree char *host = NULL;
  guint port;

  g_return_val_if_fail (XGB_IS_ACCOUNT (self), NULL);

  host = xgb_account_dup_host (self);
  port = xgb_account_get_port (self);
  if (port != 0)
    return g_strdup_printf ("%s:%u", host != NULL ? host : "", port);
  return g_steal_pointer (&host);
}

XgbAuthMethod
xgb_account_get_auth_method (XgbAccount *self)
{
  g_return_val_if_fail (XGB_IS_ACCOUNT (self), XGB_AUTH_METHOD_PASSWORD);

  return g_settings_get_enum (self->settings, "auth-method") == XGB_AUTH_METHOD_CERTIFICATE
         ? XGB_AUTH_METHOD_CERTIFICATE : XGB_AUTH_METHOD_PASSWORD;
}

/**
 * xgb_account_dup_pins:
 *
 * Returns: (transfer full) (nullable): the SHA-256 fingerprints of the
 *   server certificates trusted for this account, or %NULL for none
 */
char **
xgb_account_dup_pins (XgbAccount *self)
{
  g_auto(GStrv) pins = NULL;

  g_return_val_if_fail (XGB_IS_ACCOUNT (self), NULL);

  pins = g_settings_get_strv (self->settings, "pins");
  return pins[0] != NULL ? g_steal_pointer (&pins) : NULL;
}

/**
 * xgb_account_dup_audit_topic:
 *
 * Returns: (nullable): the account's own audit topic, %NULL when it
 *   uses the app's setting
 */
char *
xgb_account_dup_audit_topic (XgbAccount *self)
{
  g_return_val_if_fail (XGB_IS_ACCOUNT (self), NULL);

  return dup_string (self, "audit-topic");
}

/**
 * xgb_account_get_remember_secret:
 *
 * Returns: whether the account's password (or passphrase) was put in
 *   the desktop's secret store
 */
gboolean
xgb_account_get_remember_secret (XgbAccount *self)
{
  g_return_val_if_fail (XGB_IS_ACCOUNT (self), FALSE);

  return g_settings_get_boolean (self->settings, "remember-secret");
}

void
xgb_account_set_remember_secret (XgbAccount *self,
                                 gboolean    remember)
{
  g_return_if_fail (XGB_IS_ACCOUNT (self));

  g_settings_set_boolean (self->settings, "remember-secret", remember);
}

gint64
xgb_account_get_last_used (XgbAccount *self)
{
  g_return_val_if_fail (XGB_IS_ACCOUNT (self), 0);

  return g_settings_get_int64 (self->settings, "last-used");
}

/**
 * xgb_account_touch:
 *
 * Notes that the account logged in now.
 */
void
xgb_account_touch (XgbAccount *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_if_fail (XGB_IS_ACCOUNT (self));

  g_settings_set_int64 (self->settings, "last-used", g_date_time_to_unix (now));
}

/**
 * xgb_account_matches:
 * @host: (nullable): the host, %NULL or "" for the JID's domain
 *
 * Returns: whether this is the account of @jid on @host (JIDs compare
 *   bare and without regard to case)
 */
gboolean
xgb_account_matches (XgbAccount *self,
                     const char *jid,
                     const char *host)
{
  g_autofree char *own_jid = NULL;
  g_autofree char *own_host = NULL;
  g_autofree char *key_jid = NULL;
  g_autofree char *key_host = NULL;
  g_autofree char *account_jid = NULL;
  g_autofree char *account_host = NULL;

  g_return_val_if_fail (XGB_IS_ACCOUNT (self), FALSE);

  if (jid == NULL || (key_jid = xgb_accounts_normalize_jid (jid)) == NULL)
    return FALSE;
  own_jid = g_settings_get_string (self->settings, "jid");
  own_host = g_settings_get_string (self->settings, "host");
  account_jid = xgb_accounts_normalize_jid (own_jid);
  account_host = xgb_accounts_normalize_host (own_host);
  key_host = xgb_accounts_normalize_host (host);

  return g_strcmp0 (account_jid, key_jid) == 0 && g_strcmp0 (account_host, key_host) == 0;
}

/**
 * xgb_account_to_params:
 *
 * Returns: (transfer full): what a login with this account needs, except
 *   its password or passphrase (never saved here)
 */
XgbLoginParams *
xgb_account_to_params (XgbAccount *self)
{
  XgbLoginParams *params;

  g_return_val_if_fail (XGB_IS_ACCOUNT (self), NULL);

  params = xgb_login_params_new ();
  params->jid = dup_string (self, "jid");
  params->host = dup_string (self, "host");
  params->port = xgb_account_get_port (self);
  params->broker = dup_string (self, "broker");
  params->ca_file = dup_string (self, "ca-file");
  if (xgb_account_get_auth_method (self) == XGB_AUTH_METHOD_CERTIFICATE)
    {
      params->cert_file = dup_string (self, "cert-file");
      params->key_file = dup_string (self, "key-file");
    }
  params->allow_weak_mechanisms = g_settings_get_boolean (self->settings, "allow-weak-mechanisms");
  params->pins = xgb_account_dup_pins (self);
  params->audit_topic = dup_string (self, "audit-topic");

  return params;
}

/* --- the list ------------------------------------------------------- */

struct _XgbAccounts
{
  GObject           parent_instance;

  GSettingsBackend *backend;
  GSettings        *settings;        /* org.xgb.Broker: the "accounts" key */
  GSettingsSchema  *account_schema;
  GPtrArray        *accounts;        /* XgbAccount, in the saved order */
};

static void xgb_accounts_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XgbAccounts, xgb_accounts, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, xgb_accounts_list_model_init))

static GType
xgb_accounts_get_item_type (GListModel *model)
{
  return XGB_TYPE_ACCOUNT;
}

static guint
xgb_accounts_get_n_items (GListModel *model)
{
  return XGB_ACCOUNTS (model)->accounts->len;
}

static gpointer
xgb_accounts_get_item (GListModel *model,
                       guint       position)
{
  XgbAccounts *self = XGB_ACCOUNTS (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
xgb_accounts_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = xgb_accounts_get_item_type;
  iface->get_n_items = xgb_accounts_get_n_items;
  iface->get_item = xgb_accounts_get_item;
}

static gboolean
valid_id (const char *id)
{
  if (*id == '\0')
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static XgbAccount *
find_by_id (GPtrArray  *accounts,
            const char *id)
{
  for (guint i = 0; i < accounts->len; i++)
    {
      XgbAccount *account = g_ptr_array_index (accounts, i);

      if (g_str_equal (account->id, id))
        return account;
    }
  return NULL;
}

/* Reads the list of ids anew; accounts still listed keep their objects,
 * and one items-changed covers what lies between the unchanged ends. */
static void
reload (XgbAccounts *self)
{
  g_auto(GStrv) ids = g_settings_get_strv (self->settings, "accounts");
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *old = self->accounts;
  guint prefix = 0, suffix = 0;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      XgbAccount *account;

      /* A hand-edited list may hold nonsense or the same id twice */
      if (!valid_id (ids[i]) || find_by_id (fresh, ids[i]) != NULL)
        continue;
      account = find_by_id (old, ids[i]);
      g_ptr_array_add (fresh, account != NULL ? g_object_ref (account)
                                              : xgb_account_new (ids[i], self->account_schema, self->backend));
    }

  while (prefix < old->len && prefix < fresh->len &&
         g_ptr_array_index (old, prefix) == g_ptr_array_index (fresh, prefix))
    prefix++;
  while (suffix < old->len - prefix && suffix < fresh->len - prefix &&
         g_ptr_array_index (old, old->len - 1 - suffix) == g_ptr_array_index (fresh, fresh->len - 1 - suffix))
    suffix++;

  if (prefix == old->len && prefix == fresh->len)
    return;

  {
    guint removed = old->len - prefix - suffix;
    guint added = fresh->len - prefix - suffix;

    self->accounts = g_steal_pointer (&fresh);
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
    g_ptr_array_unref (old);
  }
}

static void
xgb_accounts_finalize (GObject *object)
{
  XgbAccounts *self = XGB_ACCOUNTS (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->backend);
  g_clear_pointer (&self->account_schema, g_settings_schema_unref);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);

  G_OBJECT_CLASS (xgb_accounts_parent_class)->finalize (object);
}

static void
xgb_accounts_class_init (XgbAccountsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xgb_accounts_finalize;
}

static void
xgb_accounts_init (XgbAccounts *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * xgb_accounts_new:
 * @backend: (nullable): where the settings live; %NULL for the default
 *   (dconf on a desktop, memory with GSETTINGS_BACKEND=memory)
 *
 * Returns: (transfer full) (nullable): the saved accounts, or %NULL when
 *   the app's schemas are not installed (running from a build tree
 *   without GSETTINGS_SCHEMA_DIR)
 */
XgbAccounts *
xgb_accounts_new (GSettingsBackend *backend)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchema) account_schema = NULL;
  XgbAccounts *self;

  if (source != NULL)
    {
      schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
      account_schema = g_settings_schema_source_lookup (source, XGB_ACCOUNT_SCHEMA_ID, TRUE);
    }
  if (schema == NULL || account_schema == NULL || !g_settings_schema_has_key (schema, "accounts"))
    {
      g_debug ("GSettings schemas %s not installed: no saved accounts", XGB_ACCOUNT_SCHEMA_ID);
      return NULL;
    }

  self = g_object_new (XGB_TYPE_ACCOUNTS, NULL);
  self->backend = backend != NULL ? g_object_ref (backend) : NULL;
  self->account_schema = g_steal_pointer (&account_schema);
  self->settings = g_settings_new_full (schema, backend, NULL);
  g_signal_connect_object (self->settings, "changed::accounts", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  reload (self);

  return self;
}

/**
 * xgb_accounts_get_default:
 *
 * Returns: (transfer none) (nullable): the app's saved accounts, shared
 *   by all its windows; %NULL when the schemas are not installed
 */
XgbAccounts *
xgb_accounts_get_default (void)
{
  static XgbAccounts *accounts;
  static gboolean tried;

  if (!tried)
    {
      tried = TRUE;
      accounts = xgb_accounts_new (NULL);
    }
  return accounts;
}

/**
 * xgb_accounts_lookup:
 *
 * Returns: (transfer none) (nullable): the account with this id
 */
XgbAccount *
xgb_accounts_lookup (XgbAccounts *self,
                     const char  *id)
{
  g_return_val_if_fail (XGB_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return find_by_id (self->accounts, id);
}

/**
 * xgb_accounts_find:
 * @host: (nullable): the host, %NULL or "" for the JID's domain
 *
 * Returns: (transfer none) (nullable): the account of @jid on @host
 */
XgbAccount *
xgb_accounts_find (XgbAccounts *self,
                   const char  *jid,
                   const char  *host)
{
  g_return_val_if_fail (XGB_IS_ACCOUNTS (self), NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    if (xgb_account_matches (g_ptr_array_index (self->accounts, i), jid, host))
      return g_ptr_array_index (self->accounts, i);
  return NULL;
}

/**
 * xgb_accounts_get_last_used:
 *
 * Returns: (transfer none) (nullable): the account that logged in last
 */
XgbAccount *
xgb_accounts_get_last_used (XgbAccounts *self)
{
  XgbAccount *last = NULL;
  gint64 when = 0;

  g_return_val_if_fail (XGB_IS_ACCOUNTS (self), NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      XgbAccount *account = g_ptr_array_index (self->accounts, i);
      gint64 used = xgb_account_get_last_used (account);

      if (used > when)
        {
          when = used;
          last = account;
        }
    }
  return last;
}

static void
set_string (GSettings  *settings,
            const char *key,
            const char *value)
{
  g_settings_set_string (settings, key, value != NULL ? value : "");
}

/* Everything but the secrets, in one change (through a GSettings of its
 * own: delay mode never ends for the object that enters it) */
static void
write_params (XgbAccount           *account,
              const char           *bare_jid,
              const XgbLoginParams *params)
{
  g_autoptr(GPtrArray) pins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSettings) settings = NULL;

  g_object_get (account->settings, "settings-schema", &schema, "backend", &backend, "path", &path, NULL);
  settings = g_settings_new_full (schema, backend, path);
  g_settings_delay (settings);
  set_string (settings, "jid", bare_jid);
  set_string (settings, "host", params->host);
  g_settings_set_value (settings, "port", g_variant_new_uint16 ((guint16) MIN (params->port, G_MAXUINT16)));
  set_string (settings, "broker", params->broker);
  set_string (settings, "ca-file", params->ca_file);
  g_settings_set_enum (settings, "auth-method",
                       params->cert_file != NULL ? XGB_AUTH_METHOD_CERTIFICATE : XGB_AUTH_METHOD_PASSWORD);
  /* A password login keeps the certificate chosen before, for the way back */
  if (params->cert_file != NULL)
    {
      set_string (settings, "cert-file", params->cert_file);
      set_string (settings, "key-file", params->key_file);
    }
  g_settings_set_boolean (settings, "allow-weak-mechanisms", params->allow_weak_mechanisms);
  for (guint i = 0; params->pins != NULL && params->pins[i] != NULL; i++)
    {
      char *pin = xgb_cert_fingerprint_normalize (params->pins[i], NULL);

      if (pin != NULL && !g_ptr_array_find_with_equal_func (pins, pin, g_str_equal, NULL))
        g_ptr_array_add (pins, pin);
      else
        g_free (pin);
    }
  g_ptr_array_add (pins, NULL);
  g_settings_set_strv (settings, "pins", (const char * const *) pins->pdata);
  set_string (settings, "audit-topic", params->audit_topic);
  g_settings_apply (settings);
}

/**
 * xgb_accounts_save:
 * @params: a login, typically one that just succeeded
 *
 * Saves @params as an account: the account of the same JID and host is
 * updated, else a new one is added at the end.  Its password and
 * passphrase are NOT saved (see xgb-secret-store.h); "remember-secret"
 * and "last-used" are left as they are.  An empty audit topic in
 * @params makes the account use the app's setting.
 *
 * Returns: (transfer none): the account, or %NULL when @params has no
 *   valid account JID
 */
XgbAccount *
xgb_accounts_save (XgbAccounts           *self,
                   const XgbLoginParams  *params,
                   GError               **error)
{
  g_autofree char *bare = NULL;
  g_autoptr(XgbJid) jid = NULL;
  g_autoptr(GError) local_error = NULL;
  XgbAccount *account;

  g_return_val_if_fail (XGB_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (params != NULL, NULL);

  jid = params->jid != NULL ? xgb_jid_parse (params->jid, &local_error) : NULL;
  if (jid == NULL || xgb_jid_get_local (jid) == NULL)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT, _("Invalid JID: %s"),
                   local_error != NULL ? local_error->message : _("an account address has the form name@server."));
      return NULL;
    }
  bare = xgb_jid_to_bare (jid);

  account = xgb_accounts_find (self, bare, params->host);
  if (account != NULL)
    {
      write_params (account, bare, params);
      return account;
    }

  {
    g_autofree char *id = g_uuid_string_random ();
    g_auto(GStrv) ids = g_settings_get_strv (self->settings, "accounts");
    g_auto(GStrv) keys = g_settings_schema_list_keys (self->account_schema);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) new_ids = NULL;

    /* The account's keys first (a fresh path: nothing left over), then
     * the list that shows it */
    account = xgb_account_new (id, self->account_schema, self->backend);
    for (guint i = 0; keys[i] != NULL; i++)
      g_settings_reset (account->settings, keys[i]);
    write_params (account, bare, params);

    g_strv_builder_addv (builder, (const char **) ids);
    g_strv_builder_add (builder, id);
    new_ids = g_strv_builder_end (builder);
    g_ptr_array_add (self->accounts, account);
    /* reload() would make an object of its own for the new id */
    g_signal_handlers_block_by_func (self->settings, reload, self);
    g_settings_set_strv (self->settings, "accounts", (const char * const *) new_ids);
    g_signal_handlers_unblock_by_func (self->settings, reload, self);
    g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
  }

  return account;
}

/**
 * xgb_accounts_remove:
 *
 * Forgets @account: its settings are reset (removed from dconf) and it
 * leaves the list.  Its secrets are the caller's to clear
 * (xgb_secret_store_clear_async()).
 */
void
xgb_accounts_remove (XgbAccounts *self,
                     XgbAccount  *account)
{
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) new_ids = NULL;

  g_return_if_fail (XGB_IS_ACCOUNTS (self));
  g_return_if_fail (XGB_IS_ACCOUNT (account));

  keys = g_settings_schema_list_keys (self->account_schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (account->settings, keys[i]);

  ids = g_settings_get_strv (self->settings, "accounts");
  builder = g_strv_builder_new ();
  for (guint i = 0; ids[i] != NULL; i++)
    if (!g_str_equal (ids[i], account->id))
      g_strv_builder_add (builder, ids[i]);
  new_ids = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "accounts", (const char * const *) new_ids);
  /* The memory backend tells at once; dconf may tell later */
  reload (self);
}

/**
 * xgb_accounts_normalize_jid:
 *
 * Returns: (nullable): the bare JID in lower case, by which accounts and
 *   their secrets are found; %NULL when @jid is no valid JID
 */
char *
xgb_accounts_normalize_jid (const char *jid)
{
  g_autoptr(XgbJid) parsed = NULL;
  g_autofree char *bare = NULL;

  if (jid == NULL || (parsed = xgb_jid_parse (jid, NULL)) == NULL)
    return NULL;
  bare = xgb_jid_to_bare (parsed);
  return g_utf8_strdown (bare, -1);
}

/**
 * xgb_accounts_normalize_host:
 *
 * Returns: the host in lower case without surrounding blanks; "" for
 *   %NULL (the JID's domain)
 */
char *
xgb_accounts_normalize_host (const char *host)
{
  g_autofree char *copy = g_strstrip (g_strdup (host != NULL ? host : ""));

  return g_ascii_strdown (copy, -1);
}
