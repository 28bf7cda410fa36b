/* fuzz-disco.c - service discovery replies (XEP-0030)
 *
 * disco#info as the Broker search, a node's information and the
 * Controller check read it; disco#items as the node list and the item
 * id probe read them.  Node names from the server go back into requests
 * (xgb_node_tree_expand, items of a node): they must make well-formed
 * XML there.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-check.h"
#include "xgb-disco.h"
#include "xgb-fuzz.h"
#include "xgb-login-params.h"
#include "xgb-pubsub-private.h"
#include "xgb-xml.h"

static XgbConnection *connection;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(XgbLoginParams) params = NULL;

  xgb_fuzz_init ();
  params = xgb_login_params_new ();
  params->jid = g_strdup ("admin@grid.test");
  connection = xgb_connection_new (params);
  return 0;
}

/* The request the app would send for @node, read back */
static void
check_echo (const char *node)
{
  g_autofree char *query = g_markup_printf_escaped ("<query xmlns='%s' node='%s'/>", XGB_NS_DISCO_INFO, node);
  g_autoptr(xmlDoc) doc = xgb_xml_parse (query, strlen (query), NULL);

  if (doc == NULL)
    g_error ("a node name from the server makes a malformed request: %s", query);
}

static void
check_info (XgbDiscoInfo *info)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(XgbPubsubService) service = NULL;
  XgbCheckInput input = { 0 };

  (void) xgb_disco_info_has_identity (info, "pubsub", "service");
  (void) xgb_disco_info_has_identity (info, "pubsub", NULL);
  (void) xgb_disco_info_has_feature (info, "http://jabber.org/protocol/pubsub#create-nodes");
  (void) xgb_disco_info_get_form_value (info, "http://jabber.org/protocol/pubsub#meta-data", "pubsub#title");

  /* parse_info_reply(): a reply without 'from' came from where we asked */
  if (info->jid == NULL)
    info->jid = g_strdup ("pubsub.grid.test");

  service = xgb_pubsub_service_new (connection, info);
  (void) xgb_pubsub_service_get_caps (service);

  input.info = info;
  input.account = "admin@grid.test";
  rows = xgb_check_evaluate (&input);
  g_free (xgb_check_to_markdown (&input, rows));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(xmlDoc) doc = xgb_fuzz_stanza (data, size);
  xmlNode *iq = xgb_fuzz_iq_reply (doc);

  if (iq == NULL)
    return 0;

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(XgbDiscoInfo) info = xgb_disco_info_parse (iq, &error);

    if (info != NULL)
      check_info (info);
  }
  {
    g_autoptr(GError) error = NULL;

    xgb_pubsub_node_info_free (_xgb_pubsub_parse_node_info (iq, "grid/topic", &error));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) items = xgb_disco_items_parse (iq, &error);

    for (guint i = 0; items != NULL && i < items->len; i++)
      {
        XgbDiscoItem *item = items->pdata[i];

        if (item->node != NULL)
          check_echo (item->node);
      }
  }
  {
    g_autoptr(GError) error = NULL;

    xgb_pubsub_node_page_free (_xgb_pubsub_parse_node_page (iq, &error));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(XgbPubsubItemIds) ids = _xgb_pubsub_parse_item_ids (iq, &error);

    for (guint i = 0; ids != NULL && ids->ids != NULL && ids->ids[i] != NULL; i++)
      check_echo (ids->ids[i]);
  }

  return 0;
}
