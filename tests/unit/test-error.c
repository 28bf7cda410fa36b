/* test-error.c - error domains
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-error.h"

static void
test_conditions_round_trip (void)
{
  for (int code = XGB_STANZA_ERROR_UNDEFINED_CONDITION;
       code <= XGB_STANZA_ERROR_UNEXPECTED_REQUEST; code++)
    {
      const char *name = xgb_stanza_error_to_condition ((XgbStanzaError) code);

      g_assert_nonnull (name);
      g_assert_cmpint (xgb_stanza_error_from_condition (name), ==, code);
    }

  g_assert_cmpstr (xgb_stanza_error_to_condition (XGB_STANZA_ERROR_FORBIDDEN), ==, "forbidden");
  g_assert_cmpint (xgb_stanza_error_from_condition ("item-not-found"), ==, XGB_STANZA_ERROR_ITEM_NOT_FOUND);
}

static void
test_unknown_condition (void)
{
  g_assert_cmpint (xgb_stanza_error_from_condition ("no-such-condition"), ==,
                   XGB_STANZA_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpint (xgb_stanza_error_from_condition (NULL), ==,
                   XGB_STANZA_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpstr (xgb_stanza_error_to_condition ((XgbStanzaError) 9999), ==,
                   "undefined-condition");
}

static void
test_quarks (void)
{
  g_assert_cmpstr (g_quark_to_string (XGB_ERROR), ==, "xgb-error-quark");
  g_assert_cmpstr (g_quark_to_string (XGB_STANZA_ERROR), ==, "xgb-stanza-error-quark");
  g_assert_cmpuint (XGB_ERROR, !=, XGB_STANZA_ERROR);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error/conditions", test_conditions_round_trip);
  g_test_add_func ("/error/unknown-condition", test_unknown_condition);
  g_test_add_func ("/error/quarks", test_quarks);

  return g_test_run ();
}
