/* test-backoff.c - the reconnect backoff: 1 s doubling to 60 s, with jitter
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-backoff.h"

/* The nominal sequence: 1, 2, 4, 8, 16, 32 s, then 60 s for ever */
static void
test_nominal (void)
{
  static const guint expected[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (xgb_backoff_nominal_ms (i), ==, expected[i]);
  for (guint i = 1; i < 6; i++)
    g_assert_cmpuint (xgb_backoff_nominal_ms (i), ==, 2 * xgb_backoff_nominal_ms (i - 1));
  /* no overflow however long the server stays away */
  g_assert_cmpuint (xgb_backoff_nominal_ms (31), ==, XGB_BACKOFF_MAX_MS);
  g_assert_cmpuint (xgb_backoff_nominal_ms (32), ==, XGB_BACKOFF_MAX_MS);
  g_assert_cmpuint (xgb_backoff_nominal_ms (G_MAXUINT), ==, XGB_BACKOFF_MAX_MS);
}

/* The jitter range: ±20 % of the nominal delay, clipped at 60 s */
static void
test_bounds (void)
{
  /* the lowest, the middle and the highest draw */
  g_assert_cmpuint (xgb_backoff_delay_ms (0, 0.0), ==, 800);
  g_assert_cmpuint (xgb_backoff_delay_ms (0, 0.5), ==, 1000);
  g_assert_cmpuint (xgb_backoff_delay_ms (0, 0.999999), >=, 1199);
  g_assert_cmpuint (xgb_backoff_delay_ms (0, 0.999999), <=, 1200);
  g_assert_cmpuint (xgb_backoff_delay_ms (3, 0.0), ==, 6400);
  g_assert_cmpuint (xgb_backoff_delay_ms (3, 0.5), ==, 8000);
  g_assert_cmpuint (xgb_backoff_delay_ms (5, 0.999999), <=, 38400);
  g_assert_cmpuint (xgb_backoff_delay_ms (5, 0.999999), >, 38300);
  /* at the cap the jitter only shortens, over the whole 48–60 s */
  g_assert_cmpuint (xgb_backoff_delay_ms (6, 0.0), ==, 48000);
  g_assert_cmpuint (xgb_backoff_delay_ms (6, 0.5), ==, 54000);
  g_assert_cmpuint (xgb_backoff_delay_ms (6, 0.999999), <=, 60000);
  g_assert_cmpuint (xgb_backoff_delay_ms (6, 0.999999), >, 59990);
  g_assert_cmpuint (xgb_backoff_delay_ms (6, 1.0), ==, 60000);
  g_assert_cmpuint (xgb_backoff_delay_ms (100, 0.5), ==, 54000);
  /* out-of-range draws are clamped, not trusted */
  g_assert_cmpuint (xgb_backoff_delay_ms (0, -3.0), ==, 800);
  g_assert_cmpuint (xgb_backoff_delay_ms (0, 7.0), ==, 1200);
}

/* The object's sequence doubles, caps, and every delay lies in its
 * attempt's jitter range; the draws really vary */
static void
test_sequence (void)
{
  guint lowest[8], highest[8];

  for (guint i = 0; i < G_N_ELEMENTS (lowest); i++)
    {
      lowest[i] = G_MAXUINT;
      highest[i] = 0;
    }

  for (guint32 seed = 1; seed <= 500; seed++)
    {
      g_autoptr(XgbBackoff) backoff = xgb_backoff_new_with_seed (seed);

      g_assert_cmpuint (xgb_backoff_get_attempts (backoff), ==, 0);
      for (guint i = 0; i < G_N_ELEMENTS (lowest); i++)
        {
          guint nominal = xgb_backoff_nominal_ms (i);
          guint delay = xgb_backoff_next (backoff);

          g_assert_cmpuint (delay, >=, nominal - nominal / 5);
          g_assert_cmpuint (delay, <=, MIN (nominal + nominal / 5, XGB_BACKOFF_MAX_MS));
          g_assert_cmpuint (delay, <=, XGB_BACKOFF_MAX_MS);
          lowest[i] = MIN (lowest[i], delay);
          highest[i] = MAX (highest[i], delay);
        }
      g_assert_cmpuint (xgb_backoff_get_attempts (backoff), ==, G_N_ELEMENTS (lowest));

      /* connected again: from 1 s */
      xgb_backoff_reset (backoff);
      g_assert_cmpuint (xgb_backoff_get_attempts (backoff), ==, 0);
      g_assert_cmpuint (xgb_backoff_next (backoff), <=, 1200);
    }

  /* 500 draws cover most of each range: ±20 %, not a constant */
  for (guint i = 0; i < 6; i++)
    {
      guint nominal = xgb_backoff_nominal_ms (i);

      g_assert_cmpuint (lowest[i], <, nominal - nominal / 6);
      g_assert_cmpuint (highest[i], >, nominal + nominal / 6);
    }
  /* at the cap: 48–60 s */
  g_assert_cmpuint (lowest[7], <, 50000);
  g_assert_cmpuint (highest[7], >, 58000);
}

/* Two windows that lost the same server do not retry in lockstep */
static void
test_spread (void)
{
  g_autoptr(XgbBackoff) a = xgb_backoff_new ();
  g_autoptr(XgbBackoff) b = xgb_backoff_new ();
  guint same = 0;

  for (guint i = 0; i < 8; i++)
    if (xgb_backoff_next (a) == xgb_backoff_next (b))
      same++;
  g_assert_cmpuint (same, <, 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/backoff/nominal", test_nominal);
  g_test_add_func ("/backoff/bounds", test_bounds);
  g_test_add_func ("/backoff/sequence", test_sequence);
  g_test_add_func ("/backoff/spread", test_spread);

  return g_test_run ();
}
