/* xgb-backoff.h - when to try again after a dropped connection
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* style.md: reconnect backoff 1 s doubling to 60 s with jitter */
#define XGB_BACKOFF_INITIAL_MS 1000
#define XGB_BACKOFF_MAX_MS     60000
/* Each delay is its nominal value ± this fraction, never above the cap
 * (there: 48–60 s):
 * several windows (or admins) that lost the same server do not all come
 * back at the same instant. */
#define XGB_BACKOFF_JITTER     0.2

typedef struct _XgbBackoff XgbBackoff;

guint        xgb_backoff_nominal_ms  (guint        attempt);
guint        xgb_backoff_delay_ms    (guint        attempt,
                                      double       random);

XgbBackoff  *xgb_backoff_new         (void);
XgbBackoff  *xgb_backoff_new_with_seed (guint32    seed);
guint        xgb_backoff_next        (XgbBackoff  *self);
guint        xgb_backoff_get_attempts (XgbBackoff *self);
void         xgb_backoff_reset       (XgbBackoff  *self);
void         xgb_backoff_free        (XgbBackoff  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbBackoff, xgb_backoff_free)

G_END_DECLS
