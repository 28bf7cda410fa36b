/* test-items.c - item summaries and filters
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-items.h"
#include "xgb-xml.h"

static void
test_summary (void)
{
  g_autofree char *none = xgb_item_summary (NULL, 10);
  g_autofree char *first = xgb_item_summary ("\n\n  <a>\n  <b/>\n</a>", 40);
  g_autofree char *spaces = xgb_item_summary ("<a>  x \t y</a>", 40);
  g_autofree char *cut = xgb_item_summary ("<entry>äöüäöüäöüäöü</entry>", 10);
  g_autofree char *exact = xgb_item_summary ("0123456789", 10);

  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (first, ==, "<a>");
  g_assert_cmpstr (spaces, ==, "<a> x y</a>");
  /* cut at characters, not bytes, with an ellipsis */
  g_assert_cmpstr (cut, ==, "<entry>äöü…");
  g_assert_cmpstr (exact, ==, "0123456789");
}

static void
test_filter (void)
{
  g_autoptr(GDateTime) from = g_date_time_new_utc (2026, 11, 1, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new_utc (2026, 11, 2, 0, 0, 0);
  g_autoptr(GDateTime) inside = g_date_time_new_utc (2026, 11, 1, 12, 0, 0);
  g_autoptr(XgbItemFilter) empty = xgb_item_filter_new ("", NULL, NULL);
  g_autoptr(XgbItemFilter) who = xgb_item_filter_new ("Alice@", NULL, NULL);
  g_autoptr(XgbItemFilter) when = xgb_item_filter_new (NULL, from, to);

  g_assert_true (xgb_item_filter_is_empty (empty));
  g_assert_true (xgb_item_filter_matches (empty, NULL, NULL));

  g_assert_false (xgb_item_filter_is_empty (who));
  g_assert_true (xgb_item_filter_matches (who, "alice@grid.test/sensor", NULL));
  g_assert_true (xgb_item_filter_matches (who, "bob@grid.test/ALICE@", NULL));
  g_assert_false (xgb_item_filter_matches (who, "bob@grid.test", NULL));
  /* no publisher told: never a match on the publisher */
  g_assert_false (xgb_item_filter_matches (who, NULL, inside));

  g_assert_true (xgb_item_filter_matches (when, NULL, inside));
  g_assert_true (xgb_item_filter_matches (when, NULL, from));      /* from included */
  g_assert_false (xgb_item_filter_matches (when, NULL, to));       /* to excluded */
  g_assert_false (xgb_item_filter_matches (when, "alice@grid.test", NULL));
}

static void
test_pretty (void)
{
  const char *flat = "<entry xmlns='http://www.w3.org/2005/Atom'><title>Scan &amp; probe</title>"
                     "<summary>a  b</summary></entry>";
  g_autoptr(GError) error = NULL;
  g_autofree char *pretty = xgb_xml_pretty (flat, strlen (flat), &error);
  g_autofree char *bad = NULL;
  g_autofree char *entity = NULL;
  const char *with_entity = "<!DOCTYPE a [<!ENTITY x 'EXPANDED'>]><a>&x;</a>";

  g_assert_no_error (error);
  g_assert_cmpstr (pretty, ==,
                   "<entry xmlns=\"http://www.w3.org/2005/Atom\">\n"
                   "  <title>Scan &amp; probe</title>\n"
                   "  <summary>a  b</summary>\n"
                   "</entry>\n");

  bad = xgb_xml_pretty ("<a><b></a>", 10, &error);
  g_assert_null (bad);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* Entities are not expanded */
  entity = xgb_xml_pretty (with_entity, strlen (with_entity), NULL);
  g_assert_true (entity == NULL || strstr (entity, "EXPANDED</a>") == NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/items/summary", test_summary);
  g_test_add_func ("/items/filter", test_filter);
  g_test_add_func ("/items/pretty", test_pretty);

  return g_test_run ();
}
