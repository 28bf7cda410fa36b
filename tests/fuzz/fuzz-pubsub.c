/* fuzz-pubsub.c - the Broker's replies and messages (XEP-0060)
 *
 * Items (and what the items view does with each: summary, time, audit
 * entry), affiliations and subscriptions (and the guard and the bulk
 * classification built on them), pending subscriptions, authorization
 * requests, the name of a created node.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-audit.h"
#include "xgb-bulk.h"
#include "xgb-fuzz.h"
#include "xgb-guard.h"
#include "xgb-items.h"
#include "xgb-pubsub.h"
#include "xgb-xml.h"

#define OWN_JID "admin@grid.test"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  return 0;
}

static void
check_items (const xmlNode *iq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubItemPage) page = xgb_pubsub_parse_items (iq, &error);

  if (page == NULL)
    return;
  for (guint i = 0; i < page->items->len; i++)
    {
      XgbPubsubItem *item = page->items->pdata[i];
      g_autoptr(XgbItemFilter) filter = NULL;
      g_autoptr(GDateTime) from = g_date_time_new_utc (2020, 1, 1, 0, 0, 0);

      g_free (xgb_item_summary (item->payload, 160));
      /* The items view filters by publisher and time */
      filter = xgb_item_filter_new ("admin", from, NULL);
      (void) xgb_item_filter_matches (filter, item->publisher, item->timestamp);
      /* The audit window reads the audit topic's items */
      xgb_audit_entry_free (xgb_audit_entry_from_xml (item->payload, NULL));
    }
}

/* The bulk preview's verdict for a change of @jid to @value */
static void
classify (XgbBulkKind  kind,
          GPtrArray   *current,
          const char  *jid,
          const char  *value)
{
  g_autofree char *from = NULL;
  g_autofree char *reason = NULL;
  gboolean confirm = FALSE;

  (void) xgb_bulk_classify (kind, current, "grid/topic", OWN_JID, jid, value, &from, &reason, &confirm);
}

static void
check_owner_lists (const xmlNode *iq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) affiliations = xgb_pubsub_parse_affiliations (iq, &error);
  g_autoptr(GPtrArray) subscriptions = NULL;

  if (affiliations != NULL)
    {
      static const char * const changes[] = { "none", "owner", "publisher", "outcast" };

      for (guint i = 0; i < affiliations->len; i++)
        {
          XgbPubsubAffiliation *a = affiliations->pdata[i];

          for (guint j = 0; j < G_N_ELEMENTS (changes); j++)
            {
              g_autofree char *explanation = NULL;

              (void) xgb_guard_affiliation_change (affiliations, "grid/topic", OWN_JID,
                                                   a->jid, changes[j], &explanation);
            }
        }
      for (guint j = 0; j < G_N_ELEMENTS (changes); j++)
        classify (XGB_BULK_AFFILIATION, affiliations, "Consumer@Grid.Test", changes[j]);
    }

  g_clear_error (&error);
  subscriptions = xgb_pubsub_parse_subscriptions (iq, &error);
  if (subscriptions != NULL)
    {
      classify (XGB_BULK_SUBSCRIPTION, subscriptions, "consumer@grid.test", "subscribed");
      classify (XGB_BULK_SUBSCRIPTION, subscriptions, "consumer@grid.test", "none");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(xmlDoc) doc = xgb_fuzz_stanza (data, size);
  xmlNode *root;
  xmlNode *iq;

  if (doc == NULL)
    return 0;
  root = xmlDocGetRootElement (doc);

  /* A <message>: the Broker asks to authorize a subscription */
  xgb_pubsub_pending_free (xgb_pubsub_parse_authorization (root));

  iq = xgb_fuzz_iq_reply (doc);
  if (iq == NULL)
    return 0;

  check_items (iq);
  check_owner_lists (iq);
  {
    g_autoptr(GError) error = NULL;

    g_strfreev (xgb_pubsub_parse_pending_nodes (iq, &error));
  }
  /* create_done_cb(): the server may name the node it created */
  g_free (xgb_xml_get_attr (xgb_xml_child (xgb_xml_child (iq, "pubsub", XGB_NS_PUBSUB), "create", NULL), "node"));

  return 0;
}
