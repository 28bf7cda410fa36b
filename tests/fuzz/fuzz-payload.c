/* fuzz-payload.c - an item's payload as the items views show it
 *
 * The payload window indents it (xgb_xml_pretty), the list shows a
 * one-line summary (xgb_item_summary) and a time from well-known fields
 * (xgb_pubsub_payload_timestamp), the audit window reads audit entries
 * (xgb_audit_entry_from_xml).  Payloads are any text the Broker holds.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-audit.h"
#include "xgb-fuzz.h"
#include "xgb-items.h"
#include "xgb-pubsub.h"
#include "xgb-xml.h"

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
  g_autofree char *payload = xgb_fuzz_string (data, size);
  g_autofree char *pretty = NULL;
  g_autoptr(GError) error = NULL;

  if (payload == NULL)
    return 0;

  for (gsize max = 0; max <= 160; max += 40)
    {
      g_autofree char *summary = xgb_item_summary (payload, max);

      g_assert (g_utf8_validate (summary, -1, NULL));
      g_assert (g_utf8_strlen (summary, -1) <= (glong) max + 1);
    }

  pretty = xgb_xml_pretty (payload, strlen (payload), &error);
  g_assert ((pretty == NULL) == (error != NULL));
  if (pretty != NULL)
    {
      g_autoptr(xmlDoc) doc = xgb_xml_parse (payload, strlen (payload), NULL);
      GDateTime *time = xgb_pubsub_payload_timestamp (xmlDocGetRootElement (doc));

      g_clear_pointer (&time, g_date_time_unref);
      g_free (xgb_item_summary (pretty, 160));
    }

  {
    g_autoptr(GError) audit_error = NULL;
    g_autoptr(XgbAuditEntry) entry = xgb_audit_entry_from_xml (payload, &audit_error);

    g_assert ((entry == NULL) == (audit_error != NULL));
    if (entry != NULL)
      (void) xgb_audit_entry_matches (entry, "admin");
  }

  return 0;
}
