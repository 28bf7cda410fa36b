/* xgb-ui-german.c - running the window in German (LANGUAGE=de)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "xgb-ui-german.h"

void
xgb_ui_german_init (int    *argc,
                    char ***argv)
{
  const char *build_dir = g_getenv ("XGB_BUILD_DIR");
  g_autofree char *localedir = NULL;
  g_autofree char *catalog = NULL;

  /* What a desktop session in German sets (gettext ignores LANGUAGE
   * only in the "C" locale, not in C.UTF-8); LC_ALL would override
   * both. Set before GTK starts its threads. */
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);

  gtk_test_init (argc, argv, NULL);

  /* gtk_test_init() set a fixed locale for reproducible tests: take the
   * environment's again, as the app's main() does. */
  if (setlocale (LC_ALL, "") == NULL)
    g_error ("the locale C.UTF-8 is not available");

  g_assert_nonnull (build_dir);
  localedir = g_build_filename (build_dir, "po", NULL);
  catalog = g_build_filename (localedir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_test (catalog, G_FILE_TEST_IS_REGULAR))
    g_error ("%s is missing: build the project (ninja) before its tests", catalog);

  /* As src/main.c does with the installed LOCALEDIR */
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* The string of a PO keyword line or continuation line: "…" unescaped */
static void
append_string (GString    *to,
               const char *line)
{
  const char *first = strchr (line, '"');
  const char *last = strrchr (line, '"');
  g_autofree char *escaped = NULL;
  g_autofree char *text = NULL;

  g_assert_true (first != NULL && last > first);
  escaped = g_strndup (first + 1, last - first - 1);
  text = g_strcompress (escaped);
  g_string_append (to, text);
}

/* po/de.po as msgid → msgstr, for the entries that are not fuzzy and
 * have no context or plural forms. Entries are separated by empty lines
 * (as msgmerge writes them); strings may go on over several lines. */
static GHashTable *
read_catalog (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("XGB_SOURCE_DIR"), "po", "de.po", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) entries = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  entries = g_regex_split_simple ("\\n\\s*\\n", contents, 0, 0);

  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_auto(GStrv) lines = g_strsplit (entries[i], "\n", -1);
      g_autoptr(GString) msgid = g_string_new (NULL);
      g_autoptr(GString) msgstr = g_string_new (NULL);
      GString *current = NULL;
      gboolean usable = TRUE;

      for (guint j = 0; lines[j] != NULL; j++)
        {
          const char *line = lines[j];

          if (g_str_has_prefix (line, "msgctxt ") || g_str_has_prefix (line, "msgid_plural ") ||
              g_str_has_prefix (line, "#~") || (g_str_has_prefix (line, "#,") && strstr (line, "fuzzy")))
            {
              usable = FALSE;
              break;
            }
          if (g_str_has_prefix (line, "msgid "))
            current = msgid;
          else if (g_str_has_prefix (line, "msgstr "))
            current = msgstr;
          else if (line[0] != '"')
            continue;
          append_string (current, line);
        }
      if (usable && current == msgstr && msgid->len > 0)
        g_hash_table_insert (table, g_strdup (msgid->str), g_strdup (msgstr->str));
    }

  return table;
}

const char *
xgb_ui_german (const char *msgid)
{
  static GHashTable *catalog = NULL;
  const char *translated;

  if (catalog == NULL)
    catalog = read_catalog ();

  translated = g_hash_table_lookup (catalog, msgid);
  if (translated == NULL)
    g_error ("po/de.po has no entry for “%s” (without context or plural)", msgid);
  if (*translated == '\0' || g_str_equal (translated, msgid))
    g_error ("po/de.po does not translate “%s”", msgid);

  return translated;
}
