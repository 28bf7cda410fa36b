/* test-guard.c - the affiliation guards of stories 8.1–8.3
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-guard.h"
#include "xgb-pubsub.h"

static GPtrArray *
affiliations (const char *first,
              ...)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_affiliation_free);
  va_list args;

  va_start (args, first);
  for (const char *jid = first; jid != NULL; jid = va_arg (args, const char *))
    {
      XgbPubsubAffiliation *a = g_new0 (XgbPubsubAffiliation, 1);

      a->jid = g_strdup (jid);
      a->affiliation = g_strdup (va_arg (args, const char *));
      g_ptr_array_add (list, a);
    }
  va_end (args);
  return list;
}

static XgbGuardVerdict
check (GPtrArray  *current,
       const char *jid,
       const char *affiliation,
       const char *expected_words)
{
  g_autofree char *why = NULL;
  XgbGuardVerdict verdict = xgb_guard_affiliation_change (current, "sacm/ipsec", "admin@grid.test/laptop",
                                                          jid, affiliation, &why);

  if (expected_words == NULL)
    g_assert_null (why);
  else
    {
      g_assert_nonnull (why);
      g_assert_nonnull (strstr (why, expected_words));
    }
  return verdict;
}

static void
test_last_owner (void)
{
  g_autoptr(GPtrArray) alone = affiliations ("admin@grid.test", "owner", "siem@grid.test", "member", NULL);
  g_autoptr(GPtrArray) other = affiliations ("bob@grid.test", "owner", "siem@grid.test", "member", NULL);

  /* Yourself or someone else: the last owner stays */
  g_assert_cmpint (check (alone, "admin@grid.test", "none", "last owner"), ==, XGB_GUARD_REFUSE);
  g_assert_cmpint (check (alone, "admin@grid.test", "publisher", "last owner"), ==, XGB_GUARD_REFUSE);
  g_assert_cmpint (check (other, "bob@grid.test", "member", "last owner"), ==, XGB_GUARD_REFUSE);
  /* Others may change freely */
  g_assert_cmpint (check (other, "siem@grid.test", "none", NULL), ==, XGB_GUARD_OK);
  g_assert_cmpint (check (other, "new@grid.test", "owner", NULL), ==, XGB_GUARD_OK);
  /* No change is no risk */
  g_assert_cmpint (check (alone, "admin@grid.test", "owner", NULL), ==, XGB_GUARD_OK);
}

static void
test_own_downgrade (void)
{
  g_autoptr(GPtrArray) two = affiliations ("admin@grid.test", "owner", "bob@grid.test", "owner", NULL);
  g_autoptr(GPtrArray) implicit = affiliations ("bob@grid.test", "owner", NULL);

  /* Lowering or removing yourself as owner asks first, whatever the resource */
  g_assert_cmpint (check (two, "admin@grid.test", "none", "no longer own"), ==, XGB_GUARD_CONFIRM);
  g_assert_cmpint (check (two, "ADMIN@grid.test/other", "member", "no longer own"), ==, XGB_GUARD_CONFIRM);
  /* Lowering another owner while one stays: fine */
  g_assert_cmpint (check (two, "bob@grid.test", "publisher", NULL), ==, XGB_GUARD_OK);
  /* Making yourself publisher may demote an implicit owner */
  g_assert_cmpint (check (implicit, "admin@grid.test", "publisher", "Some servers"), ==, XGB_GUARD_CONFIRM);
  g_assert_cmpint (check (implicit, "admin@grid.test", "member", NULL), ==, XGB_GUARD_OK);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/guard/last-owner", test_last_owner);
  g_test_add_func ("/guard/own-downgrade", test_own_downgrade);
  return g_test_run ();
}
