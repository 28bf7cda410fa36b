/* fuzz-audit.c - the audit log's JSON Lines file
 *
 * The fuzzer's bytes are the log file; the Audit window reads it with
 * xgb_audit_log_read_async().  Each entry read must survive the trip
 * the app gives it: written back as a line (xgb_audit_entry_to_json),
 * published as a payload (xgb_audit_entry_to_xml), and read again.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-audit.h"
#include "xgb-fuzz.h"

static char *log_path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  log_path = g_build_filename (xgb_fuzz_tmpdir (), "audit", "audit.jsonl", NULL);
  return 0;
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GPtrArray **entries = user_data;
  guint n_bad = 0;
  g_autoptr(GError) error = NULL;

  *entries = xgb_audit_log_read_finish (XGB_AUDIT_LOG (object), result, &n_bad, &error);
  if (*entries == NULL)
    g_error ("the audit log cannot be read: %s", error->message);
}

static void
check_entry (const XgbAuditEntry *entry)
{
  g_autofree char *json = xgb_audit_entry_to_json (entry);
  g_autofree char *xml = xgb_audit_entry_to_xml (entry);
  g_autoptr(XgbAuditEntry) copy = xgb_audit_entry_copy (entry);
  g_autoptr(XgbAuditEntry) from_json = NULL;
  g_autoptr(XgbAuditEntry) from_xml = NULL;
  g_autoptr(GError) error = NULL;

  (void) xgb_audit_entry_ok (copy);
  (void) xgb_audit_entry_matches (copy, "Admin");

  if (strchr (json, '\n') != NULL)
    g_error ("an audit line holds a line break: %s", json);
  from_json = xgb_audit_entry_from_json (json, &error);
  if (from_json == NULL)
    g_error ("an audit entry the app wrote cannot be read back: %s", json);
  g_assert (g_strcmp0 (from_json->action, entry->action) == 0);
  g_assert (g_strcmp0 (from_json->parameters, entry->parameters) == 0);

  from_xml = xgb_audit_entry_from_xml (xml, &error);
  if (from_xml == NULL)
    g_error ("an audit entry the app published cannot be read back: %s: %s", error->message, xml);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(XgbAuditLog) log = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *dir = g_path_get_dirname (log_path);

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (log_path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, NULL))
    abort ();

  log = xgb_audit_log_new (log_path);
  xgb_audit_log_read_async (log, NULL, read_cb, &entries);
  while (entries == NULL)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < entries->len; i++)
    check_entry (entries->pdata[i]);

  return 0;
}
