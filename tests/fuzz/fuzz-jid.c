/* fuzz-jid.c - addresses (RFC 7622)
 *
 * JIDs come from the server in every 'from' and 'jid' and from files
 * (saved accounts, certificates); the connection normalizes a reply's
 * sender and compares it with the normalized addressee, so
 * normalizing must be stable: a normalized JID parses to itself.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-accounts.h"
#include "xgb-fuzz.h"
#include "xgb-jid.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = xgb_fuzz_string (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbJid) jid = NULL;
  g_autoptr(XgbJid) again = NULL;
  g_autoptr(XgbJid) copy = NULL;
  g_autofree char *full = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *full_again = NULL;

  if (text == NULL)
    return 0;

  g_free (xgb_accounts_normalize_jid (text));
  g_free (xgb_accounts_normalize_host (text));

  jid = xgb_jid_parse (text, &error);
  g_assert ((jid == NULL) == (error != NULL));
  g_assert (xgb_jid_is_valid (text) == (jid != NULL));
  if (jid == NULL)
    {
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert (xgb_jid_get_domain (jid) != NULL);
  copy = xgb_jid_copy (jid);
  full = xgb_jid_to_string (jid);
  bare = xgb_jid_to_bare (copy);
  g_assert (g_str_has_prefix (full, bare));

  /* Stable: the normalized form is a JID and normalizes to itself */
  again = xgb_jid_parse (full, &error);
  if (again == NULL)
    g_error ("“%s” normalizes to “%s”, which is no JID: %s", text, full, error->message);
  full_again = xgb_jid_to_string (again);
  if (g_strcmp0 (full, full_again) != 0)
    g_error ("“%s” normalizes to “%s”, then to “%s”", text, full, full_again);

  return 0;
}
