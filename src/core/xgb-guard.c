/* xgb-guard.c - checks before changes an admin may regret
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "xgb-guard.h"
#include "xgb-jid.h"
#include "xgb-pubsub.h"

/* Compares bare JIDs: affiliations are never per resource. */
static gboolean
same_account (const char *a,
              const char *b)
{
  g_autoptr(XgbJid) ja = a ? xgb_jid_parse (a, NULL) : NULL;
  g_autoptr(XgbJid) jb = b ? xgb_jid_parse (b, NULL) : NULL;
  g_autofree char *bare_a = NULL;
  g_autofree char *bare_b = NULL;

  if (ja == NULL || jb == NULL)
    return FALSE;
  /* Localparts are case-mapped (RFC 7622 UsernameCaseMapped), domains
   * are case-insensitive: servers treat ADMIN@ and admin@ as one. */
  bare_a = g_utf8_casefold (xgb_jid_get_local (ja) ? xgb_jid_get_local (ja) : "", -1);
  bare_b = g_utf8_casefold (xgb_jid_get_local (jb) ? xgb_jid_get_local (jb) : "", -1);
  return g_strcmp0 (bare_a, bare_b) == 0 &&
         g_ascii_strcasecmp (xgb_jid_get_domain (ja), xgb_jid_get_domain (jb)) == 0;
}

static const char *
affiliation_of (GPtrArray  *current,
                const char *jid)
{
  for (guint i = 0; current != NULL && i < current->len; i++)
    {
      const XgbPubsubAffiliation *a = current->pdata[i];

      if (same_account (a->jid, jid))
        return a->affiliation;
    }
  return "none";
}

/**
 * xgb_guard_affiliation_change:
 * @current: (element-type XgbPubsubAffiliation): the node's affiliations
 *   as last read from the server
 * @own_jid: the account's JID
 * @affiliation: the new affiliation; "none" removes it
 * @explanation: (out) (optional): why to refuse, or what to confirm
 *
 * Stories 8.1–8.3: a node must keep an owner, and an admin must know
 * before taking away their own right to administer it.
 */
XgbGuardVerdict
xgb_guard_affiliation_change (GPtrArray   *current,
                              const char  *node,
                              const char  *own_jid,
                              const char  *jid,
                              const char  *affiliation,
                              char       **explanation)
{
  const char *was = affiliation_of (current, jid);
  gboolean yourself = same_account (jid, own_jid);
  guint owners = 0;

  if (explanation != NULL)
    *explanation = NULL;
  if (g_strcmp0 (was, affiliation) == 0)
    return XGB_GUARD_OK;

  for (guint i = 0; current != NULL && i < current->len; i++)
    owners += g_strcmp0 (((XgbPubsubAffiliation *) current->pdata[i])->affiliation, "owner") == 0;

  if (g_strcmp0 (was, "owner") == 0 && owners <= 1)
    {
      if (explanation != NULL)
        *explanation = g_strdup_printf (_("“%s” is the last owner of “%s”. Make another address owner first: "
                                          "a node without an owner can only be managed by the server’s "
                                          "administrator."), jid, node);
      return XGB_GUARD_REFUSE;
    }

  if (yourself && g_strcmp0 (was, "owner") == 0)
    {
      if (explanation != NULL)
        *explanation = g_strdup_printf (_("You will no longer own “%s”: you will not be able to change its "
                                          "configuration, affiliations or subscriptions, and only another "
                                          "owner can give the right back."), node);
      return XGB_GUARD_CONFIRM;
    }

  if (yourself && g_strcmp0 (affiliation, "publisher") == 0)
    {
      if (explanation != NULL)
        *explanation = g_strdup_printf (_("Some servers replace an owner’s rights when the owner is made "
                                          "publisher: you may lose the right to administer “%s”."), node);
      return XGB_GUARD_CONFIRM;
    }

  return XGB_GUARD_OK;
}
