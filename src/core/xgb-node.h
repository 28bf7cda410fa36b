/* xgb-node.h - one entry of the Broker's hierarchy, and the hierarchy
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xgb-pubsub.h"

G_BEGIN_DECLS

typedef enum
{
  XGB_NODE_KIND_TOPIC,
  XGB_NODE_KIND_COLLECTION,
  XGB_NODE_KIND_FOLDER,       /* virtual: a path prefix of flat node names */
} XgbNodeKind;

#define XGB_TYPE_NODE_KIND (xgb_node_kind_get_type ())
GType xgb_node_kind_get_type (void) G_GNUC_CONST;

#define XGB_TYPE_NODE (xgb_node_get_type ())
G_DECLARE_FINAL_TYPE (XgbNode, xgb_node, XGB, NODE, GObject)

const char   *xgb_node_get_name      (XgbNode *self);
const char   *xgb_node_get_label     (XgbNode *self);
const char   *xgb_node_get_path      (XgbNode *self);
const char   *xgb_node_get_title     (XgbNode *self);
XgbNodeKind   xgb_node_get_kind      (XgbNode *self);
GListModel   *xgb_node_get_children  (XgbNode *self);
gboolean      xgb_node_get_loading   (XgbNode *self);
gboolean      xgb_node_get_loaded    (XgbNode *self);
const char   *xgb_node_get_limited   (XgbNode *self);
void          xgb_node_set_limited   (XgbNode    *self,
                                      const char *reason);

#define XGB_TYPE_NODE_TREE (xgb_node_tree_get_type ())
G_DECLARE_FINAL_TYPE (XgbNodeTree, xgb_node_tree, XGB, NODE_TREE, GObject)

#define XGB_NODE_TREE_SEPARATOR "/"

XgbNodeTree  *xgb_node_tree_new           (XgbPubsubService *service,
                                           gboolean          nests,
                                           const char       *separator);
GListModel   *xgb_node_tree_get_root      (XgbNodeTree      *self);
XgbPubsubService *xgb_node_tree_get_service (XgbNodeTree    *self);
gboolean      xgb_node_tree_get_nests     (XgbNodeTree      *self);
const char   *xgb_node_tree_get_separator (XgbNodeTree      *self);
GListModel   *xgb_node_tree_get_topics    (XgbNodeTree      *self);
void          xgb_node_tree_load          (XgbNodeTree      *self);
void          xgb_node_tree_load_page     (XgbNodeTree      *self,
                                           XgbPubsubNodePage *page);
void          xgb_node_tree_expand        (XgbNodeTree      *self,
                                           XgbNode          *node);
void          xgb_node_tree_walk          (XgbNodeTree      *self);
void          xgb_node_tree_stop_walk     (XgbNodeTree      *self);
XgbNode      *xgb_node_tree_lookup        (XgbNodeTree      *self,
                                           const char       *path);
XgbNode      *xgb_node_tree_add           (XgbNodeTree      *self,
                                           const char       *name,
                                           const char       *parent);
gboolean      xgb_node_tree_remove        (XgbNodeTree      *self,
                                           const char       *name);
gboolean      xgb_node_tree_get_loading   (XgbNodeTree      *self);
guint         xgb_node_tree_get_n_loaded  (XgbNodeTree      *self);
const GError *xgb_node_tree_get_error     (XgbNodeTree      *self);

G_END_DECLS
