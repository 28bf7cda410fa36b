/* fuzz-keystore.c - the keystore's scan of certificate files
 *
 * The fuzzer's bytes are a file in the app's keystore folder, a CRL
 * beside it and a file under ~/.pki, scanned as the certificate picker
 * scans them (xgb_keystore_scan_async()); locked entries are unlocked
 * with the passphrase.  The same bytes as the output of
 * `certutil -L` and `p11-kit list-modules`, which the scan reads.
 * Neither tool is run: PATH is emptied.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "xgb-fuzz.h"
#include "xgb-keystore.h"
#include "xgb-keystore-private.h"

#define PASSPHRASE "fuzz-pass"

static char *home;
static char *keystore_dir;
static char *pki_dir;
static char *ca_file;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *bin = NULL;

  xgb_fuzz_init ();
  bin = g_build_filename (xgb_fuzz_tmpdir (), "bin", NULL);
  g_mkdir_with_parents (bin, 0700);
  g_setenv ("PATH", bin, TRUE);
  home = g_build_filename (xgb_fuzz_tmpdir (), "home", NULL);
  keystore_dir = g_build_filename (home, "keystore", NULL);
  pki_dir = g_build_filename (home, ".pki", NULL);
  g_mkdir_with_parents (keystore_dir, 0700);
  g_mkdir_with_parents (pki_dir, 0700);
  ca_file = g_build_filename (XGB_FUZZ_DATA_DIR, "ca.pem", NULL);
  return 0;
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
write_file (const char    *dir,
            const char    *name,
            const uint8_t *data,
            size_t         size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (!g_file_set_contents_full (path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, NULL))
    abort ();
}

static void
check_entry (XgbKeystore      *keystore,
             XgbKeystoreEntry *entry)
{
  g_assert (xgb_keystore_entry_get_title (entry) != NULL);
  g_assert (g_utf8_validate (xgb_keystore_entry_get_title (entry), -1, NULL));
  (void) xgb_keystore_entry_get_location (entry);
  (void) xgb_keystore_entry_get_note (entry);
  (void) xgb_keystore_entry_get_can_log_in (entry);

  if (xgb_keystore_entry_get_locked (entry))
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      xgb_keystore_entry_unlock_async (entry, keystore, PASSPHRASE, NULL, done_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      if (xgb_keystore_entry_unlock_finish (entry, result, &error))
        g_assert (xgb_keystore_entry_get_cert (entry) != NULL && !xgb_keystore_entry_get_locked (entry));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(XgbKeystore) keystore = xgb_keystore_new_for_home (home, keystore_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);

  write_file (keystore_dir, "admin.p12", data, size);
  write_file (keystore_dir, "grid-ca.crl", data, size);
  write_file (pki_dir, "admin.pem", data, size);
  xgb_keystore_set_ca_file (keystore, ca_file);

  xgb_keystore_scan_async (keystore, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  entries = xgb_keystore_scan_finish (keystore, result, &error);
  if (entries == NULL)
    g_error ("the scan failed: %s", error->message);
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(XgbKeystoreEntry) entry = g_list_model_get_item (entries, i);

      check_entry (keystore, entry);
    }

  /* What the scan reads from certutil and p11-kit */
  g_ptr_array_unref (_xgb_keystore_parse_certutil_list (text));
  g_ptr_array_unref (_xgb_keystore_parse_p11kit_modules (text));

  return 0;
}
