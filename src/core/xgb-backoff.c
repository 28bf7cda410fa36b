/* xgb-backoff.c - when to try again after a dropped connection
 *
 * The n-th attempt (counting from 0) waits 1 s · 2^n, at most 60 s, and
 * that ± 20 % at random; at the cap the delay falls between 48 and 60 s.  The sequence is
 * computed here, without any clock or main loop, so that it can be
 * tested; the window runs the timers.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-backoff"

#include "config.h"

#include "xgb-backoff.h"

struct _XgbBackoff
{
  guint  attempts;
  GRand *rand;
};

/**
 * xgb_backoff_nominal_ms:
 * @attempt: how many attempts came before, from 0
 *
 * Returns: the delay before attempt number @attempt without jitter:
 *   1000, 2000, 4000 … ms, at most %XGB_BACKOFF_MAX_MS
 */
guint
xgb_backoff_nominal_ms (guint attempt)
{
  guint delay = XGB_BACKOFF_INITIAL_MS;

  for (guint i = 0; i < attempt && delay < XGB_BACKOFF_MAX_MS; i++)
    delay *= 2;
  return MIN (delay, XGB_BACKOFF_MAX_MS);
}

/**
 * xgb_backoff_delay_ms:
 * @attempt: how many attempts came before, from 0
 * @random: a number in [0, 1): where in the jitter range the delay falls
 *
 * Returns: the nominal delay ± %XGB_BACKOFF_JITTER of it, never above
 *   %XGB_BACKOFF_MAX_MS (at the cap: 48–60 s)
 */
guint
xgb_backoff_delay_ms (guint  attempt,
                      double random)
{
  double nominal = xgb_backoff_nominal_ms (attempt);
  double lowest = nominal * (1.0 - XGB_BACKOFF_JITTER);
  double highest = MIN (nominal * (1.0 + XGB_BACKOFF_JITTER), (double) XGB_BACKOFF_MAX_MS);

  /* Spread over the whole range also at the cap, where it is one-sided */
  random = CLAMP (random, 0.0, 1.0);
  return (guint) CLAMP (lowest + (highest - lowest) * random, 1.0, (double) XGB_BACKOFF_MAX_MS);
}

XgbBackoff *
xgb_backoff_new (void)
{
  XgbBackoff *self = g_new0 (XgbBackoff, 1);

  self->rand = g_rand_new ();
  return self;
}

/* The same seed gives the same delays (for tests) */
XgbBackoff *
xgb_backoff_new_with_seed (guint32 seed)
{
  XgbBackoff *self = g_new0 (XgbBackoff, 1);

  self->rand = g_rand_new_with_seed (seed);
  return self;
}

/**
 * xgb_backoff_next:
 *
 * Returns: how long to wait before the next attempt, in ms; counts it
 */
guint
xgb_backoff_next (XgbBackoff *self)
{
  g_return_val_if_fail (self != NULL, XGB_BACKOFF_MAX_MS);

  return xgb_backoff_delay_ms (self->attempts++, g_rand_double (self->rand));
}

/* How many delays xgb_backoff_next() gave since the start or reset */
guint
xgb_backoff_get_attempts (XgbBackoff *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->attempts;
}

/* Connected again: the next drop starts from 1 s */
void
xgb_backoff_reset (XgbBackoff *self)
{
  g_return_if_fail (self != NULL);
  self->attempts = 0;
}

void
xgb_backoff_free (XgbBackoff *self)
{
  if (self == NULL)
    return;
  g_rand_free (self->rand);
  g_free (self);
}
