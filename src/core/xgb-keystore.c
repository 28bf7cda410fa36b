/* xgb-keystore.c - the client certificates an administrator has at hand
 *
 * Where a Linux desktop keeps client certificates: PKCS#12 and PEM files
 * under ~/.pki, the NSS shared database ~/.pki/nssdb (Chromium and other
 * NSS programs), PKCS#11 tokens (smart cards, via p11-kit), plus the
 * app's own keystore folder and files the admin added.  libstrophe logs
 * in from files only, so NSS certificates must be exported to a PKCS#12
 * file first (pk12util) and tokens cannot log in at all yet; they are
 * listed anyway, with the reason.
 *
 * Scanning reads files and runs certutil and p11-kit: all of it on a
 * worker thread, each tool with a deadline and no terminal to prompt on.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-keystore"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "xgb-keystore.h"
#include "xgb-keystore-private.h"
#include "xgb-login-params.h"

/* A tool that takes longer than this is hanging (e.g. on a token). */
#define TOOL_TIMEOUT_MS 15000
/* How deep to look under ~/.pki */
#define PKI_MAX_DEPTH 4

/* --- entries ------------------------------------------------------------ */

struct _XgbKeystoreEntry
{
  GObject            parent_instance;

  XgbKeystoreSource  source;
  char              *title;
  char              *location;
  char              *cert_file;
  char              *key_file;
  char              *nickname;
  char              *nss_dir;
  XgbClientCert     *cert;
  gboolean           locked;
  gboolean           can_log_in;
  char              *note;
};

G_DEFINE_FINAL_TYPE (XgbKeystoreEntry, xgb_keystore_entry, G_TYPE_OBJECT)

enum {
  ENTRY_PROP_0,
  ENTRY_PROP_CERT,
  ENTRY_PROP_LOCKED,
  ENTRY_N_PROPS
};

static GParamSpec *entry_properties[ENTRY_N_PROPS];

static void
xgb_keystore_entry_finalize (GObject *object)
{
  XgbKeystoreEntry *self = XGB_KEYSTORE_ENTRY (object);

  g_free (self->title);
  g_free (self->location);
  g_free (self->cert_file);
  g_free (self->key_file);
  g_free (self->nickname);
  g_free (self->nss_dir);
  g_clear_object (&self->cert);
  g_free (self->note);

  G_OBJECT_CLASS (xgb_keystore_entry_parent_class)->finalize (object);
}

static void
xgb_keystore_entry_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  XgbKeystoreEntry *self = XGB_KEYSTORE_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_CERT:
      g_value_set_object (value, self->cert);
      break;
    case ENTRY_PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xgb_keystore_entry_class_init (XgbKeystoreEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xgb_keystore_entry_finalize;
  object_class->get_property = xgb_keystore_entry_get_property;

  entry_properties[ENTRY_PROP_CERT] =
    g_param_spec_object ("cert", NULL, NULL, XGB_TYPE_CLIENT_CERT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  entry_properties[ENTRY_PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, ENTRY_N_PROPS, entry_properties);
}

static void
xgb_keystore_entry_init (XgbKeystoreEntry *self)
{
}

static XgbKeystoreEntry *
entry_new (XgbKeystoreSource source)
{
  XgbKeystoreEntry *self = g_object_new (XGB_TYPE_KEYSTORE_ENTRY, NULL);

  self->source = source;
  return self;
}

static char *
title_for_cert (XgbClientCert *cert,
                const char    *fallback)
{
  const char * const *addrs = xgb_client_cert_get_xmpp_addrs (cert);
  char *cn;

  if (addrs[0] != NULL)
    return g_strdup (addrs[0]);
  cn = xgb_client_cert_get_common_name (cert);
  if (cn != NULL)
    return cn;
  return g_strdup (fallback);
}

static void
entry_set_cert (XgbKeystoreEntry *self,
                XgbClientCert    *cert)
{
  g_autofree char *base = self->cert_file ? g_filename_display_basename (self->cert_file) : NULL;

  g_set_object (&self->cert, cert);
  g_free (self->title);
  self->title = title_for_cert (cert, base ? base : self->nickname);
}

XgbKeystoreSource
xgb_keystore_entry_get_source (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), XGB_KEYSTORE_SOURCE_APP);
  return self->source;
}

/**
 * xgb_keystore_entry_get_title:
 *
 * Returns: the certificate's XMPP address, else its common name, else
 *   the file or token name
 */
const char *
xgb_keystore_entry_get_title (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), NULL);
  return self->title;
}

/**
 * xgb_keystore_entry_get_location:
 *
 * Returns: where it is, for people: a file name, the NSS database and
 *   nickname, or the token's PKCS#11 module
 */
const char *
xgb_keystore_entry_get_location (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), NULL);
  return self->location;
}

const char *
xgb_keystore_entry_get_cert_file (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), NULL);
  return self->cert_file;
}

const char *
xgb_keystore_entry_get_key_file (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), NULL);
  return self->key_file;
}

const char *
xgb_keystore_entry_get_nickname (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), NULL);
  return self->nickname;
}

/**
 * xgb_keystore_entry_get_cert:
 *
 * Returns: (transfer none) (nullable): the certificate; %NULL while
 *   locked by a passphrase, or for a token
 */
XgbClientCert *
xgb_keystore_entry_get_cert (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), NULL);
  return self->cert;
}

gboolean
xgb_keystore_entry_get_locked (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), FALSE);
  return self->locked;
}

/**
 * xgb_keystore_entry_get_can_log_in:
 *
 * Returns: whether libstrophe can log in with it: files only
 */
gboolean
xgb_keystore_entry_get_can_log_in (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), FALSE);
  return self->can_log_in;
}

/**
 * xgb_keystore_entry_get_note:
 *
 * Returns: (nullable): what the admin should know: why it cannot log in,
 *   what to do first
 */
const char *
xgb_keystore_entry_get_note (XgbKeystoreEntry *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE_ENTRY (self), NULL);
  return self->note;
}

/* --- the keystore --------------------------------------------------------- */

struct _XgbKeystore
{
  GObject     parent_instance;

  char       *home;
  char       *dir;
  char       *nss_dir;
  char       *ca_file;
  GPtrArray  *added;    /* of char*[2]: cert, key (nullable) */
  GStrv       crl_files;   /* what the last scan found */
  GMutex      lock;
};

G_DEFINE_FINAL_TYPE (XgbKeystore, xgb_keystore, G_TYPE_OBJECT)

static void
added_free (gpointer data)
{
  char **pair = data;

  g_free (pair[0]);
  g_free (pair[1]);
  g_free (pair);
}

static void
xgb_keystore_finalize (GObject *object)
{
  XgbKeystore *self = XGB_KEYSTORE (object);

  g_free (self->home);
  g_free (self->dir);
  g_free (self->nss_dir);
  g_free (self->ca_file);
  g_ptr_array_unref (self->added);
  g_strfreev (self->crl_files);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (xgb_keystore_parent_class)->finalize (object);
}

static void
xgb_keystore_class_init (XgbKeystoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xgb_keystore_finalize;
}

static void
xgb_keystore_init (XgbKeystore *self)
{
  self->added = g_ptr_array_new_with_free_func (added_free);
  g_mutex_init (&self->lock);
}

/**
 * xgb_keystore_get_default_dir:
 *
 * Returns: (transfer full): the app's keystore folder,
 *   $XDG_DATA_HOME/xgb-broker/keystore
 */
char *
xgb_keystore_get_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "xgb-broker", "keystore", NULL);
}

XgbKeystore *
xgb_keystore_new (void)
{
  g_autofree char *dir = xgb_keystore_get_default_dir ();

  return xgb_keystore_new_for_home (g_get_home_dir (), dir);
}

/**
 * xgb_keystore_new_for_home:
 * @home: where ~/.pki is looked for
 * @keystore_dir: the app's keystore folder
 */
XgbKeystore *
xgb_keystore_new_for_home (const char *home,
                           const char *keystore_dir)
{
  XgbKeystore *self;

  g_return_val_if_fail (home != NULL, NULL);
  g_return_val_if_fail (keystore_dir != NULL, NULL);

  self = g_object_new (XGB_TYPE_KEYSTORE, NULL);
  self->home = g_strdup (home);
  self->dir = g_strdup (keystore_dir);
  self->nss_dir = g_build_filename (home, ".pki", "nssdb", NULL);
  return self;
}

const char *
xgb_keystore_get_dir (XgbKeystore *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE (self), NULL);
  return self->dir;
}

/**
 * xgb_keystore_get_nss_dir:
 *
 * Returns: where the NSS shared database is looked for (~/.pki/nssdb)
 */
const char *
xgb_keystore_get_nss_dir (XgbKeystore *self)
{
  g_return_val_if_fail (XGB_IS_KEYSTORE (self), NULL);
  return self->nss_dir;
}

/**
 * xgb_keystore_set_ca_file:
 * @ca_file: (nullable): CA certificates that may have signed CRLs
 */
void
xgb_keystore_set_ca_file (XgbKeystore *self,
                          const char  *ca_file)
{
  g_return_if_fail (XGB_IS_KEYSTORE (self));

  g_mutex_lock (&self->lock);
  g_free (self->ca_file);
  self->ca_file = g_strdup (ca_file);
  g_mutex_unlock (&self->lock);
}

/**
 * xgb_keystore_add_file:
 * @key_file: (nullable): the PEM key, if not in or next to @cert_file
 *
 * Lists @cert_file from now on (e.g. one given with --cert), wherever it
 * is, without copying it.
 */
void
xgb_keystore_add_file (XgbKeystore *self,
                       const char  *cert_file,
                       const char  *key_file)
{
  char **pair;

  g_return_if_fail (XGB_IS_KEYSTORE (self));
  g_return_if_fail (cert_file != NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->added->len; i++)
    {
      char **other = self->added->pdata[i];

      if (g_str_equal (other[0], cert_file))
        {
          g_free (other[1]);
          other[1] = g_strdup (key_file);
          g_mutex_unlock (&self->lock);
          return;
        }
    }
  pair = g_new0 (char *, 2);
  pair[0] = g_strdup (cert_file);
  pair[1] = g_strdup (key_file);
  g_ptr_array_add (self->added, pair);
  g_mutex_unlock (&self->lock);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * xgb_keystore_list_crl_files:
 * @dir: (nullable): a keystore folder; %NULL for the default one
 *
 * Returns: (transfer full): the CRL files (NAME.crl) in it, sorted
 */
GStrv
xgb_keystore_list_crl_files (const char *dir)
{
  g_autofree char *default_dir = dir == NULL ? xgb_keystore_get_default_dir () : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir ? dir : default_dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".crl"))
      g_ptr_array_add (names, g_build_filename (dir ? dir : default_dir, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_strv_builder_add (builder, names->pdata[i]);
  return g_strv_builder_end (builder);
}

/* --- running a tool --------------------------------------------------------- */

typedef struct
{
  GMainContext *context;
  gboolean      done;
  gboolean      timed_out;
  GAsyncResult *result;
} ToolRun;

static void
tool_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  ToolRun *run = data;

  run->result = g_object_ref (result);
  run->done = TRUE;
}

static gboolean
tool_timeout_cb (gpointer data)
{
  GSubprocess *process = data;

  g_subprocess_force_exit (process);
  g_object_set_data (G_OBJECT (process), "xgb-timed-out", GINT_TO_POINTER (1));
  return G_SOURCE_REMOVE;
}

/* Runs @argv on the calling (worker) thread with stdin closed and a
 * deadline.  Returns stdout, or NULL with @error set. */
static char *
run_tool (const char * const  *argv,
          GSubprocessLauncher *launcher,
          char               **out_stderr,
          GCancellable        *cancellable,
          GError             **error)
{
  g_autoptr(GSubprocessLauncher) own_launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  ToolRun run = { context };
  gboolean ok;

  if (launcher == NULL)
    launcher = own_launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                   G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return NULL;

  g_main_context_push_thread_default (context);
  timeout = g_timeout_source_new (TOOL_TIMEOUT_MS);
  g_source_set_callback (timeout, tool_timeout_cb, process, NULL);
  g_source_attach (timeout, context);
  g_subprocess_communicate_utf8_async (process, NULL, cancellable, tool_done_cb, &run);
  while (!run.done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  ok = g_subprocess_communicate_utf8_finish (process, run.result, &out, &err, error);
  g_clear_object (&run.result);
  g_main_context_pop_thread_default (context);

  if (!ok)
    {
      g_subprocess_force_exit (process);
      return NULL;
    }
  if (!g_subprocess_wait (process, cancellable, error))
    return NULL;

  if (g_object_get_data (G_OBJECT (process), "xgb-timed-out") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   _("%s did not finish within %d seconds."), argv[0], TOOL_TIMEOUT_MS / 1000);
      return NULL;
    }
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_autofree char *first = g_strdup (err != NULL ? err : "");
      char *nl = strchr (first, '\n');

      if (nl != NULL)
        *nl = '\0';
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s failed: %s"), argv[0],
                   *first ? first : _("no reason given"));
      if (out_stderr != NULL)
        *out_stderr = g_steal_pointer (&err);
      return NULL;
    }

  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  return g_steal_pointer (&out);
}

/* --- scanning files --------------------------------------------------------- */

typedef struct
{
  GPtrArray *entries;     /* of XgbKeystoreEntry* */
  GPtrArray *crl_files;   /* of char* */
  GHashTable *seen;       /* paths */
  char      *ca_file;
} Scan;

static void
scan_free (Scan *scan)
{
  g_ptr_array_unref (scan->entries);
  g_ptr_array_unref (scan->crl_files);
  g_hash_table_unref (scan->seen);
  g_free (scan->ca_file);
  g_free (scan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scan, scan_free)

static gboolean
is_cert_name (const char *name)
{
  static const char * const suffixes[] = { ".p12", ".pfx", ".pem", ".crt", ".cer", NULL };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; suffixes[i] != NULL; i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

/* One certificate file: an entry, or nothing for what is not a login
 * certificate (a CA, a key-less certificate under ~/.pki, another file). */
static void
scan_file (Scan              *scan,
           XgbKeystoreSource  source,
           const char        *path,
           const char        *key_file)
{
  g_autoptr(XgbKeystoreEntry) entry = NULL;
  g_autoptr(XgbClientCert) cert = NULL;
  g_autoptr(GError) error = NULL;
  gboolean strict = source != XGB_KEYSTORE_SOURCE_PKI;

  if (g_hash_table_contains (scan->seen, path))
    return;

  cert = xgb_client_cert_load_public (path, &error);
  if (cert != NULL && xgb_client_cert_is_ca (cert) && !strict)
    return;

  entry = entry_new (source);
  entry->cert_file = g_strdup (path);
  entry->location = g_filename_display_name (path);   /* shown: UTF-8 */
  entry->can_log_in = TRUE;

  if (cert != NULL)
    {
      if (xgb_client_cert_get_format (cert) == XGB_CERT_FORMAT_PEM)
        {
          entry->key_file = key_file ? g_strdup (key_file) : xgb_cert_file_find_key (path);
          if (entry->key_file == NULL)
            {
              if (!strict)
                return;
              entry->can_log_in = FALSE;
              g_free (entry->note);
              entry->note = g_strdup (_("No private key found for it: put the key in the same file or next to it as NAME.key."));
            }
        }
      if (xgb_client_cert_is_ca (cert))
        {
          entry->can_log_in = FALSE;
          g_free (entry->note);
          entry->note = g_strdup (_("This is a certificate authority, not a login certificate."));
        }
      xgb_client_cert_check_revocation (cert, (const char * const *) scan->crl_files->pdata, scan->ca_file);
      entry_set_cert (entry, cert);
    }
  else if (g_error_matches (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE))
    {
      entry->locked = TRUE;
      entry->title = g_filename_display_basename (path);
    }
  else
    {
      if (!strict)
        return;
      entry->can_log_in = FALSE;
      entry->title = g_filename_display_basename (path);
      g_free (entry->note);
      entry->note = g_strdup (error->message);
    }

  g_hash_table_add (scan->seen, g_strdup (path));
  g_ptr_array_add (scan->entries, g_steal_pointer (&entry));
}

static void
collect_dir (const char *dir,
             guint       depth,
             const char *skip,
             GPtrArray  *certs,
             GPtrArray  *crls)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (depth > 0 && g_strcmp0 (path, skip) != 0)
            collect_dir (path, depth - 1, skip, certs, crls);
        }
      else if (g_str_has_suffix (names->pdata[i], ".crl"))
        g_ptr_array_add (crls, g_steal_pointer (&path));
      else if (is_cert_name (names->pdata[i]))
        g_ptr_array_add (certs, g_steal_pointer (&path));
    }
}

/* --- NSS ---------------------------------------------------------------------- */

static char *
nss_db_spec (const char *nss_dir)
{
  g_autofree char *sql = g_build_filename (nss_dir, "cert9.db", NULL);
  g_autofree char *dbm = g_build_filename (nss_dir, "cert8.db", NULL);

  if (g_file_test (sql, G_FILE_TEST_IS_REGULAR))
    return g_strconcat ("sql:", nss_dir, NULL);
  if (g_file_test (dbm, G_FILE_TEST_IS_REGULAR))
    return g_strconcat ("dbm:", nss_dir, NULL);
  return NULL;
}

/* certutil -L: a header, then "NICKNAME   TRUST" per certificate, TRUST
 * like "u,u,u" ('u': the database holds its private key). */
static GPtrArray *
parse_certutil_list (const char *text)
{
  GPtrArray *user_certs = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean in_body = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strchomp (g_strdup (lines[i]));
      char *space;
      const char *trust;

      if (!in_body)
        {
          if (strstr (line, "SSL,S/MIME,JAR/XPI") != NULL)
            in_body = TRUE;
          continue;
        }
      if (*line == '\0')
        continue;
      space = strrchr (line, ' ');
      if (space == NULL)
        continue;
      trust = space + 1;
      if (strchr (trust, ',') == NULL)
        continue;
      *space = '\0';
      g_strchomp (line);
      if (*line != '\0' && strchr (trust, 'u') != NULL)
        g_ptr_array_add (user_certs, g_strdup (line));
    }

  return user_certs;
}

static const char *
nss_note (void)
{
  return _("Stored in the NSS database that Chromium and other programs share. The XMPP library of this app reads certificate files only: export it to the app’s keystore first (Export), or with “pk12util -o FILE.p12 -n NICKNAME -d sql:~/.pki/nssdb” and import that file.");
}

static void
scan_nss (Scan         *scan,
          const char   *nss_dir,
          GCancellable *cancellable)
{
  g_autofree char *spec = nss_db_spec (nss_dir);
  g_autofree char *certutil = NULL;
  g_autofree char *list = NULL;
  g_autoptr(GPtrArray) nicknames = NULL;
  g_autoptr(GError) error = NULL;

  if (spec == NULL)
    return;

  certutil = g_find_program_in_path ("certutil");
  if (certutil == NULL)
    {
      XgbKeystoreEntry *entry = entry_new (XGB_KEYSTORE_SOURCE_NSS);

      entry->title = g_strdup (_("NSS database"));
      entry->location = g_strdup (nss_dir);
      entry->note = g_strdup (_("The NSS database cannot be read: certutil is not installed (Debian package libnss3-tools)."));
      g_ptr_array_add (scan->entries, entry);
      return;
    }

  {
    const char *argv[] = { certutil, "-L", "-d", spec, NULL };

    list = run_tool (argv, NULL, NULL, cancellable, &error);
  }
  if (list == NULL)
    {
      XgbKeystoreEntry *entry;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      entry = entry_new (XGB_KEYSTORE_SOURCE_NSS);
      entry->title = g_strdup (_("NSS database"));
      entry->location = g_strdup (nss_dir);
      entry->note = g_strdup_printf (_("The NSS database cannot be read: %s"), error->message);
      g_ptr_array_add (scan->entries, entry);
      return;
    }

  nicknames = parse_certutil_list (list);
  for (guint i = 0; i < nicknames->len; i++)
    {
      const char *nickname = nicknames->pdata[i];
      const char *argv[] = { certutil, "-L", "-d", spec, "-n", nickname, "-a", NULL };
      g_autofree char *pem = NULL;
      g_autoptr(XgbClientCert) cert = NULL;
      g_autoptr(GError) cert_error = NULL;
      XgbKeystoreEntry *entry;

      pem = run_tool (argv, NULL, NULL, cancellable, &cert_error);
      if (pem != NULL)
        cert = xgb_client_cert_new_from_pem (pem, &cert_error);

      entry = entry_new (XGB_KEYSTORE_SOURCE_NSS);
      entry->nickname = g_strdup (nickname);
      entry->nss_dir = g_strdup (nss_dir);
      entry->location = g_strdup_printf (_("NSS database %s, nickname “%s”"), nss_dir, nickname);
      entry->can_log_in = FALSE;
      if (cert != NULL)
        {
          xgb_client_cert_check_revocation (cert, (const char * const *) scan->crl_files->pdata, scan->ca_file);
          entry_set_cert (entry, cert);
          entry->note = g_strdup (nss_note ());
        }
      else
        {
          entry->title = g_strdup (nickname);
          entry->note = g_strdup (cert_error->message);
        }
      g_ptr_array_add (scan->entries, entry);
    }
}

/* --- PKCS#11 ----------------------------------------------------------------- */

/* p11-kit list-modules: "NAME: LIBRARY" per module, "    token: LABEL"
 * per token, "        model: …" etc. under it. */
static void
parse_p11kit_modules (Scan       *scan,
                      const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *module = NULL;
  g_autofree char *library = NULL;
  XgbKeystoreEntry *token = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      guint indent = (guint) strspn (line, " ");
      const char *colon = strchr (line, ':');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (colon == NULL)
        continue;
      key = g_strstrip (g_strndup (line + indent, (gsize) (colon - line) - indent));
      value = g_strstrip (g_strdup (colon + 1));

      if (indent == 0)
        {
          g_free (module);
          g_free (library);
          module = g_steal_pointer (&key);
          library = g_steal_pointer (&value);
          token = NULL;
        }
      else if (indent == 4 && g_str_equal (key, "token") && module != NULL)
        {
          token = entry_new (XGB_KEYSTORE_SOURCE_PKCS11);
          token->title = g_strdup (*value ? value : module);
          token->location = g_strdup_printf (_("PKCS#11 token of the module %s (%s)"), module, library);
          token->note = g_strdup (_("A security token (PKCS#11). The XMPP library of this app (libstrophe) takes certificates and keys from files only, so it cannot log in with a token yet."));
          g_ptr_array_add (scan->entries, token);
        }
      else if (indent == 8 && token != NULL && g_str_equal (key, "model") &&
               g_str_equal (value, "p11-kit-trust"))
        {
          g_free (token->note);
          token->note = g_strdup (_("This token holds the system’s trusted certificate authorities, not login certificates."));
        }
    }
}

static void
scan_pkcs11 (Scan         *scan,
             const char   *home,
             GCancellable *cancellable)
{
  g_autofree char *p11kit = g_find_program_in_path ("p11-kit");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { NULL, "list-modules", NULL };

  if (p11kit == NULL)
    return;

  argv[0] = p11kit;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  out = run_tool (argv, launcher, NULL, cancellable, &error);
  if (out == NULL)
    {
      g_debug ("p11-kit list-modules: %s", error->message);
      return;
    }
  parse_p11kit_modules (scan, out);
}

/* --- scan task ------------------------------------------------------------------ */

typedef struct
{
  char       *home;
  char       *dir;
  char       *nss_dir;
  char       *ca_file;
  GPtrArray  *added;
} ScanInput;

static void
scan_input_free (ScanInput *input)
{
  g_free (input->home);
  g_free (input->dir);
  g_free (input->ca_file);
  g_ptr_array_unref (input->added);
  g_free (input);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanInput *input = task_data;
  g_autoptr(Scan) scan = g_new0 (Scan, 1);
  g_autoptr(GPtrArray) app_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pki_files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *pki = g_build_filename (input->home, ".pki", NULL);
  g_autofree char *nss_dir = g_build_filename (pki, "nssdb", NULL);
  GListStore *store;

  scan->entries = g_ptr_array_new_with_free_func (g_object_unref);
  scan->crl_files = g_ptr_array_new_with_free_func (g_free);
  scan->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  scan->ca_file = g_strdup (input->ca_file);

  /* The CRLs first: every certificate is checked against them. */
  collect_dir (input->dir, 0, NULL, app_files, scan->crl_files);
  collect_dir (pki, PKI_MAX_DEPTH, nss_dir, pki_files, scan->crl_files);
  g_ptr_array_add (scan->crl_files, NULL);

  for (guint i = 0; i < app_files->len; i++)
    scan_file (scan, XGB_KEYSTORE_SOURCE_APP, app_files->pdata[i], NULL);
  for (guint i = 0; i < input->added->len; i++)
    {
      char **pair = input->added->pdata[i];

      scan_file (scan, XGB_KEYSTORE_SOURCE_ADDED, pair[0], pair[1]);
    }
  for (guint i = 0; i < pki_files->len; i++)
    scan_file (scan, XGB_KEYSTORE_SOURCE_PKI, pki_files->pdata[i], NULL);

  if (g_task_return_error_if_cancelled (task))
    return;
  scan_nss (scan, nss_dir, cancellable);
  if (g_task_return_error_if_cancelled (task))
    return;
  scan_pkcs11 (scan, input->home, cancellable);
  if (g_task_return_error_if_cancelled (task))
    return;

  /* Unlocking later checks against the same CRLs. */
  {
    XgbKeystore *self = source_object;

    g_mutex_lock (&self->lock);
    g_strfreev (self->crl_files);
    self->crl_files = g_strdupv ((GStrv) scan->crl_files->pdata);
    g_mutex_unlock (&self->lock);
  }

  store = g_list_store_new (XGB_TYPE_KEYSTORE_ENTRY);
  g_list_store_splice (store, 0, 0, scan->entries->pdata, scan->entries->len);
  g_task_return_pointer (task, store, g_object_unref);
}

/**
 * xgb_keystore_scan_async:
 *
 * Lists the certificates: the keystore folder, added files, ~/.pki, the
 * NSS database, PKCS#11 tokens, in that order.  Each certificate is
 * checked against the CRLs found in the keystore folder and under ~/.pki
 * besides its own local distribution points.
 */
void
xgb_keystore_scan_async (XgbKeystore         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ScanInput *input;

  g_return_if_fail (XGB_IS_KEYSTORE (self));

  input = g_new0 (ScanInput, 1);
  input->home = g_strdup (self->home);
  input->dir = g_strdup (self->dir);
  input->added = g_ptr_array_new_with_free_func (added_free);
  g_mutex_lock (&self->lock);
  input->ca_file = g_strdup (self->ca_file);
  for (guint i = 0; i < self->added->len; i++)
    {
      char **pair = self->added->pdata[i];
      char **copy = g_new0 (char *, 2);

      copy[0] = g_strdup (pair[0]);
      copy[1] = g_strdup (pair[1]);
      g_ptr_array_add (input->added, copy);
    }
  g_mutex_unlock (&self->lock);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_keystore_scan_async);
  g_task_set_task_data (task, input, (GDestroyNotify) scan_input_free);
  g_task_run_in_thread (task, scan_thread);
}

/**
 * xgb_keystore_scan_finish:
 *
 * Returns: (transfer full): a list of #XgbKeystoreEntry
 */
GListModel *
xgb_keystore_scan_finish (XgbKeystore   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- unlocking ------------------------------------------------------------------ */

typedef struct
{
  char *cert_file;
  char *key_file;
  char *passphrase;
  char *ca_file;
  GStrv crl_files;
} UnlockInput;

static void
unlock_input_free (UnlockInput *input)
{
  g_free (input->cert_file);
  g_free (input->key_file);
  xgb_secret_free (input->passphrase);
  g_free (input->ca_file);
  g_strfreev (input->crl_files);
  g_free (input);
}

static void
unlock_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  UnlockInput *input = task_data;
  g_autoptr(XgbClientCert) cert = NULL;
  GError *error = NULL;

  cert = xgb_client_cert_load (input->cert_file, input->key_file, input->passphrase, &error);
  if (cert == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  xgb_client_cert_check_revocation (cert, (const char * const *) input->crl_files, input->ca_file);
  g_task_return_pointer (task, g_steal_pointer (&cert), g_object_unref);
}

/**
 * xgb_keystore_entry_unlock_async:
 * @passphrase: unlocks the file; copied, and wiped when done
 *
 * Loads a file entry with its key, checking the passphrase; on success
 * the entry holds the certificate and is no longer locked.
 */
void
xgb_keystore_entry_unlock_async (XgbKeystoreEntry    *self,
                                 XgbKeystore         *keystore,
                                 const char          *passphrase,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  UnlockInput *input;

  g_return_if_fail (XGB_IS_KEYSTORE_ENTRY (self));
  g_return_if_fail (XGB_IS_KEYSTORE (keystore));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_keystore_entry_unlock_async);
  if (self->cert_file == NULL)
    {
      g_task_return_new_error (task, XGB_CERT_ERROR, XGB_CERT_ERROR_FILE,
                               _("Only certificate files can be unlocked."));
      return;
    }

  input = g_new0 (UnlockInput, 1);
  input->cert_file = g_strdup (self->cert_file);
  input->key_file = g_strdup (self->key_file);
  input->passphrase = g_strdup (passphrase);
  g_mutex_lock (&keystore->lock);
  input->ca_file = g_strdup (keystore->ca_file);
  input->crl_files = keystore->crl_files ? g_strdupv (keystore->crl_files)
                                         : xgb_keystore_list_crl_files (keystore->dir);
  g_mutex_unlock (&keystore->lock);
  g_task_set_task_data (task, input, (GDestroyNotify) unlock_input_free);
  g_task_run_in_thread (task, unlock_thread);
}

gboolean
xgb_keystore_entry_unlock_finish (XgbKeystoreEntry  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_autoptr(XgbClientCert) cert = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  cert = g_task_propagate_pointer (G_TASK (result), error);
  if (cert == NULL)
    return FALSE;

  entry_set_cert (self, cert);
  g_object_notify_by_pspec (G_OBJECT (self), entry_properties[ENTRY_PROP_CERT]);
  if (self->locked)
    {
      self->locked = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), entry_properties[ENTRY_PROP_LOCKED]);
    }
  return TRUE;
}

/* --- importing ------------------------------------------------------------------ */

static gboolean
ensure_private_dir (const char  *dir,
                    GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the keystore folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  /* It may have existed with laxer permissions. */
  if (g_chmod (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot protect the keystore folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Copies @path into @dir as @name (or NAME-2.EXT …), 0600.  A file with
 * the same contents already there is reused. */
static char *
copy_private (const char  *dir,
              const char  *path,
              const char  *name,
              GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *stem = NULL;
  const char *ext;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  ext = strrchr (name, '.');
  stem = ext != NULL && ext != name ? g_strndup (name, (gsize) (ext - name)) : g_strdup (name);
  if (ext == NULL || ext == name)
    ext = "";

  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *candidate_name = n == 1 ? g_strdup (name) : g_strdup_printf ("%s-%u%s", stem, n, ext);
      g_autofree char *candidate = g_build_filename (dir, candidate_name, NULL);
      g_autofree char *existing = NULL;
      gsize existing_length = 0;

      if (g_file_get_contents (candidate, &existing, &existing_length, NULL))
        {
          gboolean same = existing_length == length && memcmp (existing, contents, length) == 0;

          memset (existing, 0, existing_length);
          if (same)
            {
              memset (contents, 0, length);
              return g_steal_pointer (&candidate);
            }
          continue;
        }
      if (g_file_test (candidate, G_FILE_TEST_EXISTS))
        continue;

      if (!g_file_set_contents_full (candidate, contents, (gssize) length,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
        {
          memset (contents, 0, length);
          return NULL;
        }
      memset (contents, 0, length);
      return g_steal_pointer (&candidate);
    }

  memset (contents, 0, length);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("Too many files named like “%s” in the keystore."), name);
  return NULL;
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  XgbKeystore *self = source_object;
  const char *path = task_data;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *shown = g_filename_display_basename (path);   /* for messages */
  g_autoptr(XgbClientCert) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *key_file = NULL;

  if (!ensure_private_dir (self->dir, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A CRL is imported as such: it is checked against every certificate
   * (so it must be one: junk would make every check inconclusive). */
  if (g_str_has_suffix (name, ".crl"))
    {
      GError *crl_error = NULL;

      if (!xgb_crl_file_check (path, &crl_error))
        {
          g_task_return_error (task, crl_error);
          return;
        }
      copy = copy_private (self->dir, path, name, &crl_error);
      if (copy == NULL)
        g_task_return_error (task, crl_error);
      else
        g_task_return_pointer (task, g_steal_pointer (&copy), g_free);
      return;
    }

  cert = xgb_client_cert_load_public (path, &error);
  if (cert == NULL && !g_error_matches (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);
  if (cert != NULL && xgb_client_cert_is_ca (cert))
    {
      g_task_return_new_error (task, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE,
                               _("“%s” is a certificate authority, not a login certificate."), shown);
      return;
    }
  if (cert != NULL && xgb_client_cert_get_format (cert) == XGB_CERT_FORMAT_PEM)
    {
      key_file = xgb_cert_file_find_key (path);
      if (key_file == NULL)
        {
          g_task_return_new_error (task, XGB_CERT_ERROR, XGB_CERT_ERROR_NO_KEY,
                                   _("“%s” holds a certificate but no private key, and there is no NAME.key next to it. Import a PKCS#12 file, or a PEM file with the certificate and the key."),
                                   shown);
          return;
        }
    }

  copy = copy_private (self->dir, path, name, &error);
  if (copy == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The key next to a PEM certificate goes along, as COPY.key. */
  if (key_file != NULL && g_strcmp0 (key_file, path) != 0)
    {
      g_autofree char *copy_name = g_path_get_basename (copy);
      const char *dot = strrchr (copy_name, '.');
      g_autofree char *stem = dot ? g_strndup (copy_name, (gsize) (dot - copy_name)) : g_strdup (copy_name);
      g_autofree char *key_name = g_strconcat (stem, ".key", NULL);
      g_autofree char *key_target = g_build_filename (self->dir, key_name, NULL);
      g_autofree char *key_copy = NULL;

      if (g_file_test (key_target, G_FILE_TEST_EXISTS))
        {
          g_autofree char *existing = NULL;
          g_autofree char *wanted = NULL;
          gsize a = 0, b = 0;
          gboolean same = g_file_get_contents (key_target, &existing, &a, NULL) &&
                          g_file_get_contents (key_file, &wanted, &b, NULL) &&
                          a == b && memcmp (existing, wanted, a) == 0;

          if (existing != NULL)
            memset (existing, 0, a);
          if (wanted != NULL)
            memset (wanted, 0, b);
          if (!same)
            {
              g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                                       _("The keystore already has another key named “%s”."), key_name);
              return;
            }
        }
      else
        {
          key_copy = copy_private (self->dir, key_file, key_name, &error);
          if (key_copy == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&copy), g_free);
}

/**
 * xgb_keystore_import_async:
 * @path: a PKCS#12 file, a PEM certificate (its key in it or next to it
 *   as NAME.key), or a CRL (NAME.crl)
 *
 * Copies the file into the keystore folder (created 0700; files 0600),
 * so it stays available when the original goes.
 */
void
xgb_keystore_import_async (XgbKeystore         *self,
                           const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XGB_IS_KEYSTORE (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_keystore_import_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * xgb_keystore_import_finish:
 *
 * Returns: (transfer full): the copy in the keystore folder
 */
char *
xgb_keystore_import_finish (XgbKeystore   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- exporting from NSS ----------------------------------------------------------- */

typedef struct
{
  char *nss_dir;
  char *nickname;
  char *passphrase;
  char *db_password;
} ExportInput;

static void
export_input_free (ExportInput *input)
{
  g_free (input->nss_dir);
  g_free (input->nickname);
  xgb_secret_free (input->passphrase);
  xgb_secret_free (input->db_password);
  g_free (input);
}

/* A pipe whose read end yields @secret and a newline: pk12util reads its
 * passwords from files, and /dev/fd/N keeps them off the disk and out of
 * the process list. */
static int
secret_pipe (const char  *secret,
             GError     **error)
{
  int fds[2];
  gsize len = strlen (secret);
  gssize written;

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return -1;
  written = write (fds[1], secret, len);
  if (written != (gssize) len || write (fds[1], "\n", 1) != 1)
    {
      int saved_errno = errno;

      close (fds[0]);
      close (fds[1]);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "pipe: %s", g_strerror (saved_errno));
      return -1;
    }
  close (fds[1]);
  return fds[0];
}

static char *
safe_file_name (const char *nickname)
{
  GString *name = g_string_new (NULL);

  for (const char *p = nickname; *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || *p == '@' || *p == '.' || *p == '-' || *p == '_' ? *p : '_');
  if (name->len == 0 || name->str[0] == '.')
    g_string_prepend (name, "nss");
  return g_string_free (name, FALSE);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  XgbKeystore *self = source_object;
  ExportInput *input = task_data;
  g_autofree char *pk12util = g_find_program_in_path ("pk12util");
  g_autofree char *spec = nss_db_spec (input->nss_dir);
  g_autofree char *stem = safe_file_name (input->nickname);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *target = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GError *error = NULL;
  int pass_fd, db_fd = -1;

  if (pk12util == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("pk12util is not installed (Debian package libnss3-tools)."));
      return;
    }
  if (spec == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("There is no NSS database in “%s”."), input->nss_dir);
      return;
    }
  if (!ensure_private_dir (self->dir, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint n = 1; n < 1000 && target == NULL; n++)
    {
      g_autofree char *name = n == 1 ? g_strconcat (stem, ".p12", NULL) : g_strdup_printf ("%s-%u.p12", stem, n);
      g_autofree char *candidate = g_build_filename (self->dir, name, NULL);

      if (!g_file_test (candidate, G_FILE_TEST_EXISTS))
        target = g_steal_pointer (&candidate);
    }
  if (target == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("Too many files named like “%s” in the keystore."), stem);
      return;
    }

  pass_fd = secret_pipe (input->passphrase, &error);
  if (pass_fd < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_fd (launcher, pass_fd, 3);
  g_ptr_array_add (argv, pk12util);
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, target);
  g_ptr_array_add (argv, "-n");
  g_ptr_array_add (argv, input->nickname);
  g_ptr_array_add (argv, "-d");
  g_ptr_array_add (argv, spec);
  g_ptr_array_add (argv, "-w");
  g_ptr_array_add (argv, "/dev/fd/3");
  if (input->db_password != NULL && *input->db_password != '\0')
    {
      db_fd = secret_pipe (input->db_password, &error);
      if (db_fd < 0)
        {
          g_task_return_error (task, error);
          return;
        }
      g_subprocess_launcher_take_fd (launcher, db_fd, 4);
      g_ptr_array_add (argv, "-k");
      g_ptr_array_add (argv, "/dev/fd/4");
    }
  else
    {
      g_ptr_array_add (argv, "-K");
      g_ptr_array_add (argv, "");
    }
  g_ptr_array_add (argv, NULL);

  out = run_tool ((const char * const *) argv->pdata, launcher, &err, cancellable, &error);
  if (out == NULL)
    {
      g_unlink (target);
      if (err != NULL && strstr (err, "SEC_ERROR_BAD_PASSWORD") != NULL)
        {
          g_clear_error (&error);
          g_task_return_new_error (task, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE,
                                   _("Wrong password for the NSS database."));
        }
      else
        g_task_return_error (task, error);
      return;
    }
  g_chmod (target, 0600);

  g_task_return_pointer (task, g_steal_pointer (&target), g_free);
}

/**
 * xgb_keystore_export_nss_async:
 * @entry: an entry from the NSS database
 * @passphrase: protects the exported PKCS#12 file
 * @db_password: (nullable): the NSS database's password, if it has one
 *
 * Exports the certificate and its key from the NSS database into a new
 * PKCS#12 file in the keystore folder (with pk12util), so that it can log
 * in.  Passwords reach pk12util through pipes, never on its command line.
 */
void
xgb_keystore_export_nss_async (XgbKeystore         *self,
                               XgbKeystoreEntry    *entry,
                               const char          *passphrase,
                               const char          *db_password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportInput *input;

  g_return_if_fail (XGB_IS_KEYSTORE (self));
  g_return_if_fail (XGB_IS_KEYSTORE_ENTRY (entry));
  g_return_if_fail (passphrase != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_keystore_export_nss_async);
  if (entry->source != XGB_KEYSTORE_SOURCE_NSS || entry->nickname == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Only certificates from the NSS database can be exported."));
      return;
    }
  if (*passphrase == '\0')
    {
      g_task_return_new_error (task, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE,
                               _("Choose a passphrase for the exported file."));
      return;
    }
  /* pk12util reads a password up to the end of the line: the file
   * would get another passphrase than the one chosen */
  if (strpbrk (passphrase, "\r\n") != NULL || (db_password != NULL && strpbrk (db_password, "\r\n") != NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A passphrase for the NSS tools cannot hold a line break."));
      return;
    }

  input = g_new0 (ExportInput, 1);
  input->nss_dir = g_strdup (entry->nss_dir);
  input->nickname = g_strdup (entry->nickname);
  input->passphrase = g_strdup (passphrase);
  input->db_password = g_strdup (db_password);
  g_task_set_task_data (task, input, (GDestroyNotify) export_input_free);
  g_task_run_in_thread (task, export_thread);
}

/**
 * xgb_keystore_export_nss_finish:
 *
 * Returns: (transfer full): the new PKCS#12 file
 */
char *
xgb_keystore_export_nss_finish (XgbKeystore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- for the fuzz targets (xgb-keystore-private.h) ------------------------------ */

GPtrArray *
_xgb_keystore_parse_certutil_list (const char *text)
{
  return parse_certutil_list (text);
}

GPtrArray *
_xgb_keystore_parse_p11kit_modules (const char *text)
{
  Scan scan = { 0 };

  scan.entries = g_ptr_array_new_with_free_func (g_object_unref);
  parse_p11kit_modules (&scan, text);
  return scan.entries;
}
