/* test-audit.c - audit entries as JSON Lines and XML, and the local log
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "xgb-audit.h"
#include "xgb-error.h"
#include "xgb-test-util.h"

static XgbAuditEntry *
sample (void)
{
  XgbAuditEntry *e = g_new0 (XgbAuditEntry, 1);

  e->time = g_date_time_new_utc (2026, 11, 26, 15, 4, 5);
  e->account = g_strdup ("admin@grid.test/desk");
  e->service = g_strdup ("pubsub.grid.test");
  e->action = g_strdup ("affiliations");
  e->target = g_strdup ("sacm/ipsec/\"host\"\\0042");
  e->parameters = g_strdup ("bob@grid.test=owner\nline two\ttab \x01 ü 😀");
  e->result = g_strdup ("ok");
  return e;
}

static void
assert_same (const XgbAuditEntry *a,
             const XgbAuditEntry *b)
{
  g_assert_true (g_date_time_equal (a->time, b->time));
  g_assert_cmpstr (a->account, ==, b->account);
  g_assert_cmpstr (a->service, ==, b->service);
  g_assert_cmpstr (a->action, ==, b->action);
  g_assert_cmpstr (a->target, ==, b->target);
  g_assert_cmpstr (a->result, ==, b->result);
}

static void
test_json (void)
{
  g_autoptr(XgbAuditEntry) e = sample ();
  g_autofree char *json = xgb_audit_entry_to_json (e);
  g_autoptr(XgbAuditEntry) back = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "", "{", "[]", "{\"time\":\"2026-11-26T15:04:05Z\"}", "{\"action\":\"x\"}",
                        "{\"time\":\"yesterday\",\"action\":\"x\"}", "{\"time\":\"2026-11-26T15:04:05Z\",\"action\":\"x\"} x",
                        "{\"time\":\"2026-11-26T15:04:05Z\",\"action\":\"\\ud800\"}",
                        "{\"time\":\"2026-11-26T15:04:05Z\",\"action\":\"\\u0000\"}", NULL };

  g_assert_null (strchr (json, '\n'));
  g_assert_true (g_str_has_prefix (json, "{\"time\":\"2026-11-26T15:04:05.000000Z\",\"account\":\"admin@grid.test/desk\""));
  back = xgb_audit_entry_from_json (json, &error);
  g_assert_no_error (error);
  assert_same (e, back);
  g_assert_cmpstr (back->parameters, ==, e->parameters);

  /* escapes and unknown keys as other writers may produce them */
  {
    g_autoptr(XgbAuditEntry) other = xgb_audit_entry_from_json (
      " { \"version\" : \"2\", \"time\":\"2026-11-26T15:04:05+01:00\", \"action\":\"create\", "
      "\"target\":\"a\\/b \\u00fc \\ud83d\\ude00\", \"result\": null } ", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (other->target, ==, "a/b ü 😀");
    g_assert_null (other->result);
    g_assert_cmpint (g_date_time_get_hour (other->time), ==, 15);
  }

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(XgbAuditEntry) none = xgb_audit_entry_from_json (bad[i], &error);

      g_assert_null (none);
      g_assert_error (error, XGB_ERROR, XGB_ERROR_FILE);
      g_clear_error (&error);
    }
}

static void
test_xml (void)
{
  g_autoptr(XgbAuditEntry) e = sample ();
  g_autofree char *xml = xgb_audit_entry_to_xml (e);
  g_autoptr(XgbAuditEntry) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (xml, "<entry xmlns='" XGB_NS_AUDIT "'><time>2026-11-26T15:04:05.000000Z</time>"));
  back = xgb_audit_entry_from_xml (xml, &error);
  g_assert_no_error (error);
  assert_same (e, back);
  /* the control character XML cannot carry is replaced, the rest kept */
  g_assert_cmpstr (back->parameters, ==, "bob@grid.test=owner\nline two\ttab ? ü 😀");

  g_assert_null (xgb_audit_entry_from_xml ("<entry xmlns='urn:other'><time>2026-11-26T15:04:05Z</time></entry>",
                                           &error));
  g_clear_error (&error);
  g_assert_null (xgb_audit_entry_from_xml ("not xml", &error));
  g_clear_error (&error);
  g_assert_null (xgb_audit_entry_from_xml (NULL, &error));
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  XgbTestResult *r = data;

  r->result = g_object_ref (result);
  r->done = TRUE;
}

static void
test_log (void)
{
  g_autofree char *dir = xgb_test_make_tmpdir ("xgb-audit-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "state", "xgb-broker", "audit.jsonl", NULL);
  g_autoptr(XgbAuditLog) log = xgb_audit_log_new (path);
  g_autoptr(XgbAuditEntry) e = sample ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };
  GStatBuf st;
  guint n_bad = 99;

  for (guint i = 0; i < 50; i++)
    {
      g_free (e->result);
      e->result = g_strdup_printf ("result %u", i);
      xgb_audit_log_append (log, e);
    }
  g_assert_true (xgb_audit_log_flush (log, &error));
  g_assert_no_error (error);

  /* 0600 in a 0700 folder */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autofree char *folder = g_path_get_dirname (path);

    g_assert_cmpint (g_stat (folder, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  }

  /* a damaged line is counted, not fatal */
  {
    g_autofree char *contents = NULL;
    g_autofree char *damaged = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    damaged = g_strconcat (contents, "{\"time\": garbage\n", NULL);
    g_assert_true (g_file_set_contents (path, damaged, -1, NULL));
  }

  xgb_audit_log_read_async (log, NULL, read_cb, &r);
  xgb_test_wait (&r.done, 10);
  entries = xgb_audit_log_read_finish (log, r.result, &n_bad, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 50);
  g_assert_cmpuint (n_bad, ==, 1);
  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *expected = g_strdup_printf ("result %u", i);

      g_assert_cmpstr (((XgbAuditEntry *) entries->pdata[i])->result, ==, expected);
    }
  g_clear_object (&r.result);
  xgb_test_remove_tmpdir (g_steal_pointer (&dir));
}

static void
test_matches (void)
{
  g_autoptr(XgbAuditEntry) e = sample ();

  g_assert_true (xgb_audit_entry_matches (e, NULL));
  g_assert_true (xgb_audit_entry_matches (e, "BOB@"));
  g_assert_true (xgb_audit_entry_matches (e, "affil"));
  g_assert_false (xgb_audit_entry_matches (e, "alice"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audit/json", test_json);
  g_test_add_func ("/audit/xml", test_xml);
  g_test_add_func ("/audit/log", test_log);
  g_test_add_func ("/audit/matches", test_matches);

  return g_test_run ();
}
