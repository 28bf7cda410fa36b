/* xgb-guard.h - checks before changes an admin may regret
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  XGB_GUARD_OK,        /* go ahead */
  XGB_GUARD_CONFIRM,   /* ask first, explaining the consequence */
  XGB_GUARD_REFUSE,    /* never do this */
} XgbGuardVerdict;

XgbGuardVerdict xgb_guard_affiliation_change (GPtrArray   *current,
                                              const char  *node,
                                              const char  *own_jid,
                                              const char  *jid,
                                              const char  *affiliation,
                                              char       **explanation);

G_END_DECLS
