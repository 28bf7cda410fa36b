/* test-accounts.c - saved accounts through GSettings, and no secret in them
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <string.h>

#include "xgb-accounts.h"
#include "xgb-cert.h"
#include "xgb-error.h"
#include "xgb-test-util.h"

#define PIN_A "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define PIN_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define PASSWORD "pa55-W0rd-that-must-stay-secret"
#define PASSPHRASE "key-passphrase-never-in-gsettings"

static char *tmpdir;

/* Every account goes, between tests (the memory backend lives on) */
static void
forget_all (void)
{
  g_autoptr(XgbAccounts) accounts = xgb_accounts_new (NULL);

  g_assert_nonnull (accounts);
  while (g_list_model_get_n_items (G_LIST_MODEL (accounts)) > 0)
    {
      g_autoptr(XgbAccount) account = g_list_model_get_item (G_LIST_MODEL (accounts), 0);

      xgb_accounts_remove (accounts, account);
    }
}

static XgbLoginParams *
full_params (void)
{
  XgbLoginParams *params = xgb_login_params_new ();

  params->jid = g_strdup ("admin@grid.example/laptop");
  params->host = g_strdup ("xmpp.grid.example");
  params->port = 5223;
  params->broker = g_strdup ("pubsub.grid.example");
  params->ca_file = g_strdup ("/etc/xgb/ca.pem");
  params->cert_file = g_strdup ("/home/admin/.pki/admin.p12");
  params->key_file = g_strdup ("/home/admin/.pki/admin.key");
  params->allow_weak_mechanisms = TRUE;
  xgb_login_params_add_pin (params, PIN_A);
  xgb_login_params_add_pin (params, PIN_B);
  params->audit_topic = g_strdup ("grid/audit");
  return params;
}

typedef struct
{
  guint position, removed, added, calls;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
  changes->calls++;
}

/* Saved, read back by another XgbAccounts (the way another window or a
 * later run reads them), every field as it was, and in the account's own
 * schema at /org/xgb/Broker/accounts/ID/ */
static void
test_round_trip (void)
{
  g_autoptr(XgbAccounts) accounts = xgb_accounts_new (NULL);
  g_autoptr(XgbAccounts) again = NULL;
  g_autoptr(XgbLoginParams) params = full_params ();
  g_autoptr(XgbLoginParams) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) raw = NULL;
  g_autoptr(GSettings) main_settings = g_settings_new ("org.xgb.Broker");
  g_autofree char *path = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) raw_pins = NULL;
  g_autofree char *server = NULL;
  Changes changes = { 0 };
  XgbAccount *account;

  forget_all ();
  g_signal_connect (accounts, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  account = xgb_accounts_save (accounts, params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpuint (changes.calls, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);

  ids = g_settings_get_strv (main_settings, "accounts");
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, xgb_account_get_id (account));

  /* What any GSettings reader sees at the account's path */
  path = g_strconcat ("/org/xgb/Broker/accounts/", ids[0], "/", NULL);
  raw = g_settings_new_with_path (XGB_ACCOUNT_SCHEMA_ID, path);
  {
    g_autofree char *jid = g_settings_get_string (raw, "jid");
    g_autofree char *topic = g_settings_get_string (raw, "audit-topic");

    /* the bare JID: a resource is no part of an account */
    g_assert_cmpstr (jid, ==, "admin@grid.example");
    g_assert_cmpstr (topic, ==, "grid/audit");
    g_assert_cmpint (g_settings_get_enum (raw, "auth-method"), ==, XGB_AUTH_METHOD_CERTIFICATE);
    g_assert_true (g_settings_get_boolean (raw, "allow-weak-mechanisms"));
    g_assert_false (g_settings_get_boolean (raw, "remember-secret"));
  }
  raw_pins = g_settings_get_strv (raw, "pins");
  g_assert_cmpuint (g_strv_length (raw_pins), ==, 2);
  /* one spelling for all: colon-separated upper case */
  g_assert_cmpstr (raw_pins[0], ==, PIN_A);
  g_assert_nonnull (strchr (raw_pins[1], ':'));

  again = xgb_accounts_new (NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  back = xgb_account_to_params (xgb_accounts_lookup (again, ids[0]));
  g_assert_cmpstr (back->jid, ==, "admin@grid.example");
  g_assert_cmpstr (back->host, ==, params->host);
  g_assert_cmpuint (back->port, ==, 5223);
  g_assert_cmpstr (back->broker, ==, params->broker);
  g_assert_cmpstr (back->ca_file, ==, params->ca_file);
  g_assert_cmpstr (back->cert_file, ==, params->cert_file);
  g_assert_cmpstr (back->key_file, ==, params->key_file);
  g_assert_true (back->allow_weak_mechanisms);
  g_assert_cmpstr (back->audit_topic, ==, "grid/audit");
  g_assert_null (back->password);
  g_assert_null (back->passphrase);
  g_assert_cmpuint (g_strv_length (back->pins), ==, 2);
  g_assert_true (xgb_login_params_has_pin (back, PIN_A));
  g_assert_true (xgb_login_params_has_pin (back, PIN_B));

  server = xgb_account_dup_server (account);
  g_assert_cmpstr (server, ==, "xmpp.grid.example:5223");
}

/* The same JID (any case, any resource) on the same host is the same
 * account; on another host it is another one.  An empty audit topic
 * falls back to the app's setting (NULL). */
static void
test_update_and_identity (void)
{
  g_autoptr(XgbAccounts) accounts = xgb_accounts_new (NULL);
  g_autoptr(XgbLoginParams) params = full_params ();
  g_autoptr(XgbLoginParams) back = NULL;
  XgbAccount *first, *second, *other;

  forget_all ();
  first = xgb_accounts_save (accounts, params, NULL);

  g_free (params->jid);
  params->jid = g_strdup ("Admin@GRID.example/desk");
  g_free (params->host);
  params->host = g_strdup (" XMPP.grid.example ");
  g_clear_pointer (&params->cert_file, g_free);   /* now a password login */
  g_clear_pointer (&params->key_file, g_free);
  g_clear_pointer (&params->pins, g_strfreev);
  g_clear_pointer (&params->audit_topic, g_free);
  params->port = 0;
  second = xgb_accounts_save (accounts, params, NULL);
  g_assert_true (second == first);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 1);

  back = xgb_account_to_params (first);
  g_assert_null (back->cert_file);      /* password mode: no certificate */
  g_assert_null (back->pins);
  g_assert_null (back->audit_topic);
  g_assert_cmpuint (back->port, ==, 0);
  g_assert_cmpint (xgb_account_get_auth_method (first), ==, XGB_AUTH_METHOD_PASSWORD);
  {
    /* the certificate chosen before stays, for the way back */
    g_autofree char *cert = g_settings_get_string (xgb_account_get_settings (first), "cert-file");

    g_assert_cmpstr (cert, ==, "/home/admin/.pki/admin.p12");
  }

  g_free (params->host);
  params->host = NULL;
  other = xgb_accounts_save (accounts, params, NULL);
  g_assert_true (other != first);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 2);
  g_assert_true (xgb_accounts_find (accounts, "admin@grid.example", NULL) == other);
  g_assert_true (xgb_accounts_find (accounts, "admin@grid.example", "") == other);
  g_assert_true (xgb_accounts_find (accounts, "ADMIN@grid.example", "xmpp.grid.example") == first);
  g_assert_null (xgb_accounts_find (accounts, "bob@grid.example", NULL));
  g_assert_null (xgb_accounts_find (accounts, "not a jid", NULL));
}

static void
test_invalid (void)
{
  g_autoptr(XgbAccounts) accounts = xgb_accounts_new (NULL);
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(GError) error = NULL;

  forget_all ();
  g_assert_null (xgb_accounts_save (accounts, params, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  params->jid = g_strdup ("grid.example");       /* a server, not an account */
  g_assert_null (xgb_accounts_save (accounts, params, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 0);
}

/* Forgetting: out of the list (another instance follows at once), its
 * keys reset; the others keep their place */
static void
test_remove (void)
{
  g_autoptr(XgbAccounts) accounts = xgb_accounts_new (NULL);
  g_autoptr(XgbAccounts) watcher = xgb_accounts_new (NULL);
  g_autoptr(XgbLoginParams) params = full_params ();
  g_autoptr(XgbAccount) first = NULL;
  g_autofree char *jid = NULL;
  Changes changes = { 0 };
  XgbAccount *second, *third;

  forget_all ();
  first = g_object_ref (xgb_accounts_save (accounts, params, NULL));
  g_free (params->jid);
  params->jid = g_strdup ("alice@grid.example");
  second = xgb_accounts_save (accounts, params, NULL);
  g_free (params->jid);
  params->jid = g_strdup ("bob@grid.example");
  third = xgb_accounts_save (accounts, params, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watcher)), ==, 3);

  g_signal_connect (watcher, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  xgb_accounts_remove (accounts, first);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 2);
  g_assert_cmpuint (changes.calls, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (changes.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (watcher)), ==, 2);
  g_assert_null (xgb_accounts_lookup (watcher, xgb_account_get_id (first)));
  g_assert_true (xgb_accounts_find (accounts, "alice@grid.example", "xmpp.grid.example") == second);
  g_assert_true (xgb_accounts_find (accounts, "bob@grid.example", "xmpp.grid.example") == third);

  /* reset: nothing of it stays in the settings */
  jid = g_settings_get_string (xgb_account_get_settings (first), "jid");
  g_assert_cmpstr (jid, ==, "");
  g_assert_null (g_settings_get_user_value (xgb_account_get_settings (first), "pins"));
}

static void
test_last_used (void)
{
  g_autoptr(XgbAccounts) accounts = xgb_accounts_new (NULL);
  g_autoptr(XgbLoginParams) params = full_params ();
  XgbAccount *first, *second;

  forget_all ();
  first = xgb_accounts_save (accounts, params, NULL);
  g_free (params->jid);
  params->jid = g_strdup ("alice@grid.example");
  second = xgb_accounts_save (accounts, params, NULL);
  g_assert_null (xgb_accounts_get_last_used (accounts));

  xgb_account_touch (second);
  g_assert_true (xgb_accounts_get_last_used (accounts) == second);
  g_settings_set_int64 (xgb_account_get_settings (first), "last-used", G_MAXINT64 / 2);
  g_assert_true (xgb_accounts_get_last_used (accounts) == first);
  g_assert_cmpint (xgb_account_get_last_used (second), >, 1700000000);
}

/* Whether @haystack holds @secret, raw or base64-encoded at any offset
 * (base64 of a string shifted by 0, 1 or 2 bytes) */
static gboolean
holds_secret (const char *haystack,
              const char *secret)
{
  if (strstr (haystack, secret) != NULL)
    return TRUE;
  for (guint shift = 0; shift < 3; shift++)
    {
      g_autofree char *padded = g_strnfill (shift, 'x');
      g_autofree char *text = g_strconcat (padded, secret, NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) text, strlen (text));
      /* the middle of the encoding does not depend on what surrounds it */
      g_autofree char *middle = g_strndup (encoded + 4, strlen (encoded) - 8);

      if (strstr (haystack, middle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
dump_settings (GString   *dump,
               GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, TRUE);

      g_string_append_printf (dump, "%s=%s\n", keys[i], text);
    }
}

static void
assert_no_secret (const char *where,
                  const char *text)
{
  g_test_message ("%s:\n%s", where, text);
  g_assert_false (holds_secret (text, PASSWORD));
  g_assert_false (holds_secret (text, PASSPHRASE));
}

/* A login with a password and one with a certificate passphrase, saved:
 * every key of every account (and of the app) dumped, neither secret in
 * there, raw or base64; the same on disk with the keyfile backend. */
static void
test_no_secret (void)
{
  g_autofree char *file = g_build_filename (tmpdir, "settings.ini", NULL);
  g_autoptr(GSettingsBackend) keyfile = g_keyfile_settings_backend_new (file, "/", NULL);
  g_autoptr(XgbAccounts) memory = xgb_accounts_new (NULL);
  g_autoptr(XgbAccounts) on_disk = xgb_accounts_new (keyfile);
  g_autoptr(XgbLoginParams) with_password = xgb_login_params_new ();
  g_autoptr(XgbLoginParams) with_passphrase = full_params ();
  g_autoptr(GString) dump = g_string_new (NULL);
  g_autoptr(GSettings) main_settings = g_settings_new ("org.xgb.Broker");
  g_autofree char *contents = NULL;
  XgbAccounts *both[] = { memory, on_disk };

  /* the check itself finds a secret where there is one */
  {
    g_autofree char *b64 = g_base64_encode ((const guchar *) "ab" PASSWORD "cd", strlen (PASSWORD) + 4);

    g_assert_true (holds_secret ("x" PASSWORD "y", PASSWORD));
    g_assert_true (holds_secret (b64, PASSWORD));
    g_assert_false (holds_secret (b64, PASSPHRASE));
  }

  forget_all ();
  with_password->jid = g_strdup ("admin@grid.example");
  xgb_login_params_set_password (with_password, PASSWORD);
  with_password->audit_topic = g_strdup ("audit");
  xgb_login_params_set_passphrase (with_passphrase, PASSPHRASE);

  for (guint i = 0; i < G_N_ELEMENTS (both); i++)
    {
      g_assert_nonnull (xgb_accounts_save (both[i], with_password, NULL));
      g_assert_nonnull (xgb_accounts_save (both[i], with_passphrase, NULL));
      xgb_account_set_remember_secret (xgb_accounts_find (both[i], "admin@grid.example", NULL), TRUE);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (both[i])), ==, 2);
    }

  dump_settings (dump, main_settings);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (memory)); i++)
    {
      g_autoptr(XgbAccount) account = g_list_model_get_item (G_LIST_MODEL (memory), i);

      g_string_append_printf (dump, "[%s]\n", xgb_account_get_id (account));
      dump_settings (dump, xgb_account_get_settings (account));
    }
  /* the dump holds what was saved (a dump of nothing proves nothing) */
  g_assert_nonnull (strstr (dump->str, "admin@grid.example"));
  g_assert_nonnull (strstr (dump->str, "/home/admin/.pki/admin.p12"));
  assert_no_secret ("memory backend", dump->str);

  g_settings_sync ();
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "admin@grid.example"));
  g_assert_nonnull (strstr (contents, "remember-secret=true"));
  assert_no_secret ("keyfile on disk", contents);
}

/* On disk and back in a new backend: what a later run of the app reads */
static void
test_persisted (void)
{
  g_autofree char *file = g_build_filename (tmpdir, "persisted.ini", NULL);
  g_autoptr(XgbLoginParams) params = full_params ();
  g_autoptr(XgbLoginParams) back = NULL;
  g_autoptr(XgbAccounts) reader = NULL;
  g_autoptr(GSettingsBackend) second = NULL;

  {
    g_autoptr(GSettingsBackend) first = g_keyfile_settings_backend_new (file, "/", NULL);
    g_autoptr(XgbAccounts) writer = xgb_accounts_new (first);

    g_assert_nonnull (xgb_accounts_save (writer, params, NULL));
    g_settings_sync ();
  }

  second = g_keyfile_settings_backend_new (file, "/", NULL);
  reader = xgb_accounts_new (second);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reader)), ==, 1);
  back = xgb_account_to_params (xgb_accounts_find (reader, "admin@grid.example", "xmpp.grid.example"));
  g_assert_cmpstr (back->broker, ==, "pubsub.grid.example");
  g_assert_cmpstr (back->audit_topic, ==, "grid/audit");
  g_assert_true (xgb_login_params_has_pin (back, PIN_B));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpstr (g_getenv ("GSETTINGS_BACKEND"), ==, "memory");
  tmpdir = xgb_test_make_tmpdir ("xgb-accounts-XXXXXX");

  g_test_add_func ("/accounts/round-trip", test_round_trip);
  g_test_add_func ("/accounts/update-and-identity", test_update_and_identity);
  g_test_add_func ("/accounts/invalid", test_invalid);
  g_test_add_func ("/accounts/remove", test_remove);
  g_test_add_func ("/accounts/last-used", test_last_used);
  g_test_add_func ("/accounts/no-secret-in-gsettings", test_no_secret);
  g_test_add_func ("/accounts/persisted", test_persisted);

  ret = g_test_run ();
  xgb_test_remove_tmpdir (tmpdir);
  return ret;
}
