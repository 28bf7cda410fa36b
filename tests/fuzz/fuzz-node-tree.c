/* fuzz-node-tree.c - the Broker's node list made a tree
 *
 * A disco#items reply of the top level, as xgb_node_tree_load_page()
 * takes it: node names are split into virtual folders on a flat service
 * ("/" and "." as separators) or become collections on a nesting one.
 * Then what the browser does: look nodes up, add a created node, remove
 * deleted ones.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-fuzz.h"
#include "xgb-login-params.h"
#include "xgb-node.h"
#include "xgb-pubsub-private.h"

static XgbPubsubService *service;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(XgbLoginParams) params = NULL;
  g_autoptr(XgbConnection) connection = NULL;
  XgbDiscoInfo info = { 0 };

  xgb_fuzz_init ();
  params = xgb_login_params_new ();
  params->jid = g_strdup ("admin@grid.test");
  /* Never connected: a next page asked for fails at once */
  connection = xgb_connection_new (params);
  info.jid = (char *) "pubsub.grid.test";
  info.identities = g_ptr_array_new ();
  info.features = g_ptr_array_new ();
  service = xgb_pubsub_service_new (connection, &info);
  g_ptr_array_unref (info.identities);
  g_ptr_array_unref (info.features);
  return 0;
}

/* Every row of @model and below: a label, and found by its name */
static guint
check_rows (XgbNodeTree *tree,
            GListModel  *model,
            guint        depth)
{
  guint n = g_list_model_get_n_items (model);
  guint count = n;

  g_assert (depth < 10000);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XgbNode) node = g_list_model_get_item (model, i);
      GListModel *children = xgb_node_get_children (node);

      g_assert (xgb_node_get_label (node) != NULL);
      if (xgb_node_get_name (node) != NULL)
        g_assert (xgb_node_tree_lookup (tree, xgb_node_get_name (node)) != NULL);
      if (children != NULL)
        count += check_rows (tree, children, depth + 1);
    }
  return count;
}

static void
load (XgbPubsubNodePage *page,
      gboolean           nests,
      const char        *separator)
{
  g_autoptr(XgbNodeTree) tree = xgb_node_tree_new (service, nests, separator);
  GListModel *topics;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (page == NULL)
    return;
  xgb_node_tree_load_page (tree, page);
  while (xgb_node_tree_get_loading (tree))
    g_main_context_iteration (NULL, TRUE);

  check_rows (tree, xgb_node_tree_get_root (tree), 0);

  topics = xgb_node_tree_get_topics (tree);
  for (guint i = 0; i < g_list_model_get_n_items (topics); i++)
    {
      g_autoptr(XgbNode) node = g_list_model_get_item (topics, i);

      g_ptr_array_add (names, g_strdup (xgb_node_get_name (node)));
    }

  g_assert (xgb_node_tree_add (tree, "fuzz/created/topic", NULL) != NULL);
  for (guint i = 0; i < names->len; i++)
    if (names->pdata[i] != NULL)
      (void) xgb_node_tree_remove (tree, names->pdata[i]);
  check_rows (tree, xgb_node_tree_get_root (tree), 0);
  xgb_fuzz_iterate (NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(xmlDoc) doc = xgb_fuzz_stanza (data, size);
  xmlNode *iq = xgb_fuzz_iq_reply (doc);

  if (iq == NULL)
    return 0;

  load (_xgb_pubsub_parse_node_page (iq, NULL), FALSE, "/");
  load (_xgb_pubsub_parse_node_page (iq, NULL), FALSE, ".");
  load (_xgb_pubsub_parse_node_page (iq, NULL), TRUE, NULL);

  return 0;
}
