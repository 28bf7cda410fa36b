/* xgb-node.c - one entry of the Broker's hierarchy, and the hierarchy
 *
 * On a service that nests nodes (XEP-0248) the tree is the real one: a
 * node's children are loaded when it is expanded.  On a flat service -
 * most servers today, and those that advertise collections but nest
 * nothing - path-like names (sacm/ipsec/host-0042) are shown under
 * virtual folders, marked as folders, not collections.
 *
 * Nodes arrive page by page, are sorted once, and are inserted in
 * chunks from an idle callback: a small first chunk so that the first
 * rows show at once, then a few milliseconds' worth per main-loop turn,
 * so the main loop never stalls on a big listing.  A chunk goes into
 * each list in runs (one items-changed per run, not per node): a view
 * re-binds its visible rows once per chunk, not once per node.  Labels
 * are compared by collation keys made once per node.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-node"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "xgb-node.h"

#define PAGE_SIZE    500
#define FIRST_CHUNK  100                  /* nodes in the first chunk */
#define CHUNK_TIME   (8 * G_TIME_SPAN_MILLISECOND)

G_DEFINE_ENUM_TYPE (XgbNodeKind, xgb_node_kind,
  G_DEFINE_ENUM_VALUE (XGB_NODE_KIND_TOPIC, "topic"),
  G_DEFINE_ENUM_VALUE (XGB_NODE_KIND_COLLECTION, "collection"),
  G_DEFINE_ENUM_VALUE (XGB_NODE_KIND_FOLDER, "folder"))

/* --- XgbNode -------------------------------------------------------- */

struct _XgbNode
{
  GObject      parent_instance;

  char        *name;      /* the node id; NULL for folders */
  char        *label;     /* the last path segment, or the name */
  char        *key;       /* the label's collation key */
  char        *path;      /* a folder's prefix; a node's name */
  char        *title;
  XgbNodeKind  kind;
  GListStore  *children;  /* folders and collections; lazily */
  gboolean     loading;
  gboolean     loaded;
  char        *limited;   /* why owner requests are refused; NULL: not known to be */
};

G_DEFINE_FINAL_TYPE (XgbNode, xgb_node, G_TYPE_OBJECT)

enum {
  NODE_PROP_0,
  NODE_PROP_KIND,
  NODE_PROP_LOADING,
  NODE_PROP_LOADED,
  NODE_PROP_LIMITED,
  NODE_N_PROPS
};

static GParamSpec *node_properties[NODE_N_PROPS];

static void
xgb_node_finalize (GObject *object)
{
  XgbNode *self = XGB_NODE (object);

  g_free (self->name);
  g_free (self->label);
  g_free (self->key);
  g_free (self->path);
  g_free (self->title);
  g_free (self->limited);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (xgb_node_parent_class)->finalize (object);
}

static void
xgb_node_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  XgbNode *self = XGB_NODE (object);

  switch (prop_id)
    {
    case NODE_PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case NODE_PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case NODE_PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case NODE_PROP_LIMITED:
      g_value_set_string (value, self->limited);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xgb_node_class_init (XgbNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xgb_node_finalize;
  object_class->get_property = xgb_node_get_property;

  node_properties[NODE_PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, XGB_TYPE_NODE_KIND, XGB_NODE_KIND_TOPIC,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  node_properties[NODE_PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  node_properties[NODE_PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  node_properties[NODE_PROP_LIMITED] =
    g_param_spec_string ("limited", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, NODE_N_PROPS, node_properties);
}

static void
xgb_node_init (XgbNode *self)
{
}

/* @key: (nullable) (transfer full): the label's collation key, when
 * already made */
static XgbNode *
node_new (XgbNodeKind  kind,
          const char  *name,
          const char  *label,
          const char  *path,
          const char  *title,
          char        *key)
{
  XgbNode *self = g_object_new (XGB_TYPE_NODE, NULL);

  self->kind = kind;
  self->name = g_strdup (name);
  self->label = g_strdup (label);
  self->key = key ? key : g_utf8_collate_key (label, -1);
  self->path = g_strdup (path);
  self->title = g_strdup (title);
  return self;
}

static void
node_set_loading (XgbNode  *self,
                  gboolean  loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), node_properties[NODE_PROP_LOADING]);
}

static void
node_set_kind (XgbNode     *self,
               XgbNodeKind  kind)
{
  if (self->kind == kind)
    return;
  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), node_properties[NODE_PROP_KIND]);
}

const char *
xgb_node_get_name (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), NULL);
  return self->name;
}

const char *
xgb_node_get_label (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), NULL);
  return self->label;
}

const char *
xgb_node_get_path (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), NULL);
  return self->path;
}

const char *
xgb_node_get_title (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), NULL);
  return self->title;
}

XgbNodeKind
xgb_node_get_kind (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), XGB_NODE_KIND_TOPIC);
  return self->kind;
}

/**
 * xgb_node_get_children:
 *
 * Returns: (transfer none) (nullable): the children of a folder or
 *   collection (filled as they load), %NULL for a topic
 */
GListModel *
xgb_node_get_children (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), NULL);
  return self->children ? G_LIST_MODEL (self->children) : NULL;
}

gboolean
xgb_node_get_loading (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), FALSE);
  return self->loading;
}

gboolean
xgb_node_get_loaded (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), FALSE);
  return self->loaded;
}

/**
 * xgb_node_get_limited:
 *
 * Returns: (nullable): why the server refuses this admin's owner
 *   requests on the node, once a look-up found out; %NULL otherwise
 */
const char *
xgb_node_get_limited (XgbNode *self)
{
  g_return_val_if_fail (XGB_IS_NODE (self), NULL);
  return self->limited;
}

void
xgb_node_set_limited (XgbNode    *self,
                      const char *reason)
{
  g_return_if_fail (XGB_IS_NODE (self));

  if (g_strcmp0 (self->limited, reason) == 0)
    return;
  g_free (self->limited);
  self->limited = g_strdup (reason);
  g_object_notify_by_pspec (G_OBJECT (self), node_properties[NODE_PROP_LIMITED]);
}

/* Folders and collections first, then by label (as g_utf8_collate()
 * orders them). */
static int
compare_nodes (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const XgbNode *na = a;
  const XgbNode *nb = b;
  gboolean fa = na->kind != XGB_NODE_KIND_TOPIC;
  gboolean fb = nb->kind != XGB_NODE_KIND_TOPIC;

  if (fa != fb)
    return fa ? -1 : 1;
  return strcmp (na->key, nb->key);
}

static int
compare_node_ptrs (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  return compare_nodes (*(XgbNode * const *) a, *(XgbNode * const *) b, NULL);
}

/* --- inserting in runs ---------------------------------------------- */

/* Nodes to insert, by the list they go into: GListStore* -> GPtrArray*
 * of XgbNode* */
static GHashTable *
batches_new (void)
{
  return g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
}

static void
batch_add (GHashTable *batches,
           GListStore *store,
           XgbNode    *node)
{
  GPtrArray *nodes = g_hash_table_lookup (batches, store);

  if (nodes == NULL)
    {
      nodes = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (batches, store, nodes);
    }
  g_ptr_array_add (nodes, g_object_ref (node));
}

/* The first position at or after @from whose node sorts after @node */
static guint
position_after (GListModel *model,
                guint       from,
                guint       n,
                XgbNode    *node)
{
  guint lo = from, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(XgbNode) at = g_list_model_get_item (model, mid);

      if (compare_nodes (at, node, NULL) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Inserts @nodes into the sorted @store in runs: each run of nodes that
 * goes between the same two neighbours is one splice. */
static void
merge_sorted (GListStore *store,
              GPtrArray  *nodes)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n = g_list_model_get_n_items (model);
  guint pos = 0;
  guint i = 0;

  g_ptr_array_sort_with_data (nodes, compare_node_ptrs, NULL);
  while (i < nodes->len)
    {
      guint at = position_after (model, pos, n, nodes->pdata[i]);
      guint j = i + 1;

      if (at < n)
        {
          g_autoptr(XgbNode) next = g_list_model_get_item (model, at);

          while (j < nodes->len && compare_nodes (nodes->pdata[j], next, NULL) <= 0)
            j++;
        }
      else
        j = nodes->len;
      g_list_store_splice (store, at, 0, nodes->pdata + i, j - i);
      n += j - i;
      pos = at + (j - i);
      i = j;
    }
}

static void
batches_flush (GHashTable *batches)
{
  GHashTableIter iter;
  gpointer store, nodes;

  g_hash_table_iter_init (&iter, batches);
  while (g_hash_table_iter_next (&iter, &store, &nodes))
    merge_sorted (store, nodes);
  g_hash_table_remove_all (batches);
}

/* --- XgbNodeTree ---------------------------------------------------- */

/* A listed node waiting to be inserted, with its label's sort key */
typedef struct
{
  XgbDiscoItem *item;
  char         *key;
} Pending;

static void
pending_free (Pending *p)
{
  if (p == NULL)
    return;
  xgb_disco_item_free (p->item);
  g_free (p->key);
  g_free (p);
}

static int
compare_pending (gconstpointer a,
                 gconstpointer b)
{
  return strcmp ((*(Pending * const *) a)->key, (*(Pending * const *) b)->key);
}


struct _XgbNodeTree
{
  GObject           parent_instance;

  XgbPubsubService *service;
  gboolean          nests;
  char             *separator;   /* NULL: no virtual folders */
  GListStore       *root;
  GListStore       *topics;      /* every topic, by name */
  GHashTable       *by_path;     /* path -> XgbNode (folders and nodes) */
  GPtrArray        *pending;     /* of Pending*, sorted, to insert */
  guint             next_pending;
  guint             insert_id;
  GCancellable     *cancellable;
  gboolean          listing;     /* pages still to come */
  GQueue            walk;        /* of XgbNode*: collections still to open */
  GHashTable       *walked;      /* names queued once (graphs may cycle) */
  guint             walk_in_flight;
  guint             n_loaded;
  GError           *error;
  XgbRsmWalk       *pages;       /* the top level's cursors */
};

G_DEFINE_FINAL_TYPE (XgbNodeTree, xgb_node_tree, G_TYPE_OBJECT)

static gboolean
has_pending (XgbNodeTree *self)
{
  return self->next_pending < self->pending->len;
}

enum {
  TREE_PROP_0,
  TREE_PROP_LOADING,
  TREE_PROP_N_LOADED,
  TREE_N_PROPS
};

static GParamSpec *tree_properties[TREE_N_PROPS];

static void
xgb_node_tree_dispose (GObject *object)
{
  XgbNodeTree *self = XGB_NODE_TREE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->insert_id, g_source_remove);

  G_OBJECT_CLASS (xgb_node_tree_parent_class)->dispose (object);
}

static void
xgb_node_tree_finalize (GObject *object)
{
  XgbNodeTree *self = XGB_NODE_TREE (object);

  g_clear_object (&self->service);
  g_clear_object (&self->root);
  g_clear_object (&self->topics);
  g_clear_pointer (&self->by_path, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_queue_clear_full (&self->walk, g_object_unref);
  g_clear_pointer (&self->walked, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_clear_pointer (&self->pages, xgb_rsm_walk_free);
  g_free (self->separator);

  G_OBJECT_CLASS (xgb_node_tree_parent_class)->finalize (object);
}

static void
xgb_node_tree_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  XgbNodeTree *self = XGB_NODE_TREE (object);

  switch (prop_id)
    {
    case TREE_PROP_LOADING:
      g_value_set_boolean (value, xgb_node_tree_get_loading (self));
      break;
    case TREE_PROP_N_LOADED:
      g_value_set_uint (value, self->n_loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xgb_node_tree_class_init (XgbNodeTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xgb_node_tree_dispose;
  object_class->finalize = xgb_node_tree_finalize;
  object_class->get_property = xgb_node_tree_get_property;

  tree_properties[TREE_PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  tree_properties[TREE_PROP_N_LOADED] =
    g_param_spec_uint ("n-loaded", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, TREE_N_PROPS, tree_properties);
}

static void
xgb_node_tree_init (XgbNodeTree *self)
{
  self->root = g_list_store_new (XGB_TYPE_NODE);
  self->topics = g_list_store_new (XGB_TYPE_NODE);
  self->by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
}

/**
 * xgb_node_tree_new:
 * @nests: whether the service really nests nodes
 *   (xgb_pubsub_service_detect_nesting_finish())
 * @separator: (nullable): the path separator of virtual folders on a
 *   flat service; %NULL or "" for none
 */
XgbNodeTree *
xgb_node_tree_new (XgbPubsubService *service,
                   gboolean          nests,
                   const char       *separator)
{
  XgbNodeTree *self;

  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (service), NULL);

  self = g_object_new (XGB_TYPE_NODE_TREE, NULL);
  self->service = g_object_ref (service);
  self->nests = nests;
  self->separator = separator && *separator ? g_strdup (separator) : NULL;
  return self;
}

GListModel *
xgb_node_tree_get_root (XgbNodeTree *self)
{
  g_return_val_if_fail (XGB_IS_NODE_TREE (self), NULL);
  return G_LIST_MODEL (self->root);
}

XgbPubsubService *
xgb_node_tree_get_service (XgbNodeTree *self)
{
  g_return_val_if_fail (XGB_IS_NODE_TREE (self), NULL);
  return self->service;
}

gboolean
xgb_node_tree_get_nests (XgbNodeTree *self)
{
  g_return_val_if_fail (XGB_IS_NODE_TREE (self), FALSE);
  return self->nests;
}

/* NULL when names are not cut into virtual folders */
const char *
xgb_node_tree_get_separator (XgbNodeTree *self)
{
  g_return_val_if_fail (XGB_IS_NODE_TREE (self), NULL);
  return self->nests ? NULL : self->separator;
}

/* Every topic, sorted by name: the "All topics" list. */
GListModel *
xgb_node_tree_get_topics (XgbNodeTree *self)
{
  g_return_val_if_fail (XGB_IS_NODE_TREE (self), NULL);
  return G_LIST_MODEL (self->topics);
}

gboolean
xgb_node_tree_get_loading (XgbNodeTree *self)
{
  g_return_val_if_fail (XGB_IS_NODE_TREE (self), FALSE);
  return self->listing || has_pending (self) || self->walk_in_flight > 0 ||
         !g_queue_is_empty (&self->walk);
}

guint
xgb_node_tree_get_n_loaded (XgbNodeTree *self)
{
  g_return_val_if_fail (XGB_IS_NODE_TREE (self), 0);
  return self->n_loaded;
}

const GError *
xgb_node_tree_get_error (XgbNodeTree *self)
{
  g_return_val_if_fail (XGB_IS_NODE_TREE (self), NULL);
  return self->error;
}

/**
 * xgb_node_tree_lookup:
 * @path: a folder's path or a node's name
 */
XgbNode *
xgb_node_tree_lookup (XgbNodeTree *self,
                      const char  *path)
{
  g_autofree char *folder_key = NULL;
  XgbNode *node;

  g_return_val_if_fail (XGB_IS_NODE_TREE (self), NULL);

  node = g_hash_table_lookup (self->by_path, path);
  if (node != NULL)
    return node;
  folder_key = g_strconcat ("\x01", path, NULL);
  return g_hash_table_lookup (self->by_path, folder_key);
}

static GListStore *
children_of (XgbNode *parent)
{
  if (parent->children == NULL)
    parent->children = g_list_store_new (XGB_TYPE_NODE);
  return parent->children;
}

/* The folder for @path (creating its ancestors), on a flat service. */
static XgbNode *
folder_for (XgbNodeTree *self,
            const char  *path)
{
  /* Folders are keyed apart from nodes: a node may be named like a
   * folder ("a/b" beside "a/b/c"). */
  g_autofree char *key = g_strconcat ("\x01", path, NULL);
  XgbNode *folder = g_hash_table_lookup (self->by_path, key);
  const char *cut;
  XgbNode *parent = NULL;

  if (folder != NULL)
    return folder;

  cut = g_strrstr (path, self->separator);
  if (cut != NULL)
    {
      g_autofree char *parent_path = g_strndup (path, (gsize) (cut - path));

      parent = folder_for (self, parent_path);
    }

  folder = node_new (XGB_NODE_KIND_FOLDER, NULL, cut ? cut + strlen (self->separator) : path, path, NULL, NULL);
  folder->loaded = TRUE;
  children_of (folder);
  g_hash_table_insert (self->by_path, g_steal_pointer (&key), g_object_ref (folder));
  g_list_store_insert_sorted (parent ? children_of (parent) : self->root, folder, compare_nodes, NULL);
  g_object_unref (folder);
  return folder;
}

static void walk_next (XgbNodeTree *self);

/* Where a node's label starts in its name: after the last separator,
 * when the name makes a sensible path. */
static const char *
label_of (XgbNodeTree *self,
          const char  *name,
          const char **cut_out)
{
  const char *cut = NULL;

  if (!self->nests && self->separator != NULL)
    {
      cut = g_strrstr (name, self->separator);
      /* "a//b", "/a" or "a/": no sensible folder, keep the whole name */
      if (cut != NULL && (cut == name || cut[strlen (self->separator)] == '\0' || strstr (name, "//") != NULL))
        cut = NULL;
    }
  if (cut_out != NULL)
    *cut_out = cut;
  return cut ? cut + strlen (self->separator) : name;
}

/* @key: (nullable) (transfer full): the label's collation key */
static void
insert_item (XgbNodeTree  *self,
             XgbNode      *parent,
             XgbDiscoItem *item,
             char         *key,
             GHashTable   *batches)
{
  g_autoptr(XgbNode) node = NULL;
  GListStore *store;
  const char *cut = NULL;
  const char *label;

  /* A listing may name a node twice (RSM pages of a set that changed
   * meanwhile): one row, the one xgb_node_tree_lookup() finds.  Only
   * collections share their children. */
  if ((!self->nests || parent == NULL) && g_hash_table_contains (self->by_path, item->node))
    {
      g_free (key);
      return;
    }
  store = parent ? children_of (parent) : self->root;
  label = label_of (self, item->node, &cut);

  if (cut != NULL)
    {
      g_autofree char *folder_path = g_strndup (item->node, (gsize) (cut - item->node));

      store = children_of (folder_for (self, folder_path));
    }

  /* On a nesting service every node may have children: it is one until
   * its children are loaded and there are none. */
  node = node_new (self->nests ? XGB_NODE_KIND_COLLECTION : XGB_NODE_KIND_TOPIC,
                   item->node, label, item->node, item->name, key);
  if (self->nests)
    children_of (node);
  else
    node->loaded = TRUE;

  if (!g_hash_table_contains (self->by_path, item->node))
    {
      g_hash_table_insert (self->by_path, g_strdup (item->node), g_object_ref (node));
      /* Nested nodes are listed once each, whatever their kind turns out. */
      if (self->nests)
        batch_add (batches, self->topics, node);
      if (self->walked != NULL && !g_hash_table_contains (self->walked, item->node))
        {
          g_hash_table_add (self->walked, g_strdup (item->node));
          g_queue_push_tail (&self->walk, g_object_ref (node));
          walk_next (self);
        }
    }
  batch_add (batches, store, node);
  if (!self->nests)
    batch_add (batches, self->topics, node);
  self->n_loaded++;
}

static gboolean
insert_chunk_cb (gpointer data)
{
  XgbNodeTree *self = data;
  g_autoptr(GHashTable) batches = batches_new ();
  gint64 deadline = g_get_monotonic_time () + CHUNK_TIME;
  /* A small first chunk: the first rows show at once. */
  guint most = self->n_loaded == 0 ? FIRST_CHUNK : G_MAXUINT;

  for (guint i = 0; i < most && has_pending (self); i++)
    {
      Pending *p = self->pending->pdata[self->next_pending];

      self->pending->pdata[self->next_pending++] = NULL;
      insert_item (self, NULL, p->item, g_steal_pointer (&p->key), batches);
      pending_free (p);
      if (i % 32 == 31 && g_get_monotonic_time () > deadline)
        break;
    }
  batches_flush (batches);
  g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_N_LOADED]);

  if (has_pending (self))
    return G_SOURCE_CONTINUE;

  g_ptr_array_set_size (self->pending, 0);
  self->next_pending = 0;
  self->insert_id = 0;
  if (!self->listing)
    g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_LOADING]);
  return G_SOURCE_REMOVE;
}

static void list_page (XgbNodeTree *self, const char *after);

/* Queues a page of the top level, and asks for the next one if any */
static void
take_page (XgbNodeTree       *self,
           XgbPubsubNodePage *page)
{
  gboolean more;
  GError *error = NULL;

  /* A server that repeats a page, or pages without end: that page is
   * dropped and the listing ends with the reason */
  if (page->rsm != NULL && page->rsm->last != NULL && page->nodes->len > 0 &&
      !xgb_rsm_walk_check (self->pages, page->rsm, &error))
    {
      g_clear_error (&self->error);
      self->error = error;
      g_ptr_array_set_size (page->nodes, 0);
    }

  {
    /* Sorted once, so that each chunk goes into each list in one run */
    guint first = self->pending->len;

    for (guint i = 0; i < page->nodes->len; i++)
      {
        XgbDiscoItem *item = page->nodes->pdata[i];
        Pending *p;

        if (item->node == NULL)
          continue;
        p = g_new (Pending, 1);
        p->item = item;
        p->key = g_utf8_collate_key (label_of (self, item->node, NULL), -1);
        g_ptr_array_add (self->pending, p);
        page->nodes->pdata[i] = NULL;
      }
    /* An empty array may have no storage at all */
    if (self->pending->len > first)
      qsort (self->pending->pdata + first, self->pending->len - first, sizeof (gpointer), compare_pending);
  }
  if (self->insert_id == 0 && has_pending (self))
    self->insert_id = g_idle_add (insert_chunk_cb, self);

  /* Servers that ignore RSM answered with everything. */
  more = error == NULL && page->rsm != NULL && page->rsm->last != NULL && page->nodes->len > 0 &&
         (page->rsm->count < 0 ||
          self->n_loaded + (self->pending->len - self->next_pending) < (guint64) page->rsm->count);
  if (more)
    list_page (self, page->rsm->last);
  else
    {
      self->listing = FALSE;
      if (!has_pending (self))
        g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_LOADING]);
    }
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(XgbNodeTree) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubNodePage) page = xgb_pubsub_service_list_nodes_finish (XGB_PUBSUB_SERVICE (object),
                                                                            result, &error);

  if (page == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&self->error);
          self->error = g_steal_pointer (&error);
        }
      self->listing = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_LOADING]);
      return;
    }
  take_page (self, page);
}

static void
list_page (XgbNodeTree *self,
           const char  *after)
{
  xgb_pubsub_service_list_nodes_async (self->service, NULL, after, PAGE_SIZE, self->cancellable,
                                       page_cb, g_object_ref (self));
}

/**
 * xgb_node_tree_load:
 *
 * Lists the top level (every node, on a flat service) page by page.
 */
void
xgb_node_tree_load (XgbNodeTree *self)
{
  g_return_if_fail (XGB_IS_NODE_TREE (self));

  if (self->listing)
    return;
  self->listing = TRUE;
  g_clear_pointer (&self->pages, xgb_rsm_walk_free);
  self->pages = xgb_rsm_walk_new ();
  g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_LOADING]);
  list_page (self, NULL);
}

/**
 * xgb_node_tree_load_page:
 * @page: (transfer full): the first page of the top level, already
 *   read (xgb_pubsub_service_detect_nesting_steal_top_level())
 *
 * Like xgb_node_tree_load(), starting from @page instead of asking for
 * it again; the next pages, if any, are read as usual.
 */
void
xgb_node_tree_load_page (XgbNodeTree       *self,
                         XgbPubsubNodePage *page)
{
  g_autoptr(XgbPubsubNodePage) owned = page;

  g_return_if_fail (XGB_IS_NODE_TREE (self));
  g_return_if_fail (page != NULL);

  if (self->listing)
    return;
  self->listing = TRUE;
  g_clear_pointer (&self->pages, xgb_rsm_walk_free);
  self->pages = xgb_rsm_walk_new ();
  g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_LOADING]);
  take_page (self, owned);
}

typedef struct
{
  XgbNodeTree *tree;
  XgbNode     *node;
  guint        n_seen;
  gboolean     walking;   /* opened by xgb_node_tree_walk() */
  XgbRsmWalk  *pages;
} Expand;

static void
request_children (Expand     *e,
                  const char *after);

static void
children_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Expand *e = user_data;
  XgbNodeTree *tree = e->tree;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubNodePage) page = xgb_pubsub_service_list_nodes_finish (XGB_PUBSUB_SERVICE (object),
                                                                            result, &error);

  if (page != NULL)
    {
      g_autoptr(GHashTable) batches = batches_new ();
      GError *walk_error = NULL;

      /* The same page again, or pages without end: dropped, and the
       * tree says why the collection's listing stopped */
      if (page->rsm != NULL && page->rsm->last != NULL && page->nodes->len > 0 &&
          !xgb_rsm_walk_check (e->pages, page->rsm, &walk_error))
        {
          g_clear_error (&tree->error);
          tree->error = walk_error;
          g_ptr_array_set_size (page->nodes, 0);
        }
      for (guint i = 0; i < page->nodes->len; i++)
        {
          XgbDiscoItem *item = page->nodes->pdata[i];

          /* Items without a node are item ids: a topic's, not children. */
          if (item->node != NULL)
            insert_item (e->tree, e->node, item, NULL, batches);
        }
      batches_flush (batches);
      e->n_seen += page->nodes->len;

      /* A big collection comes page by page, like the top level. */
      if (page->rsm != NULL && page->rsm->last != NULL && page->nodes->len > 0 &&
          (page->rsm->count < 0 || e->n_seen < (guint64) page->rsm->count))
        {
          request_children (e, page->rsm->last);
          return;
        }
      e->node->loaded = TRUE;
      if (g_list_model_get_n_items (G_LIST_MODEL (children_of (e->node))) == 0)
        node_set_kind (e->node, XGB_NODE_KIND_TOPIC);
    }
  /* else: left unloaded, so opening the row again asks again */
  node_set_loading (e->node, FALSE);
  if (page != NULL)
    {
      g_object_notify_by_pspec (G_OBJECT (e->node), node_properties[NODE_PROP_LOADED]);
      /* Progress for lists that depend on kinds, even without new nodes */
      g_object_notify_by_pspec (G_OBJECT (tree), tree_properties[TREE_PROP_N_LOADED]);
    }

  if (e->walking && --tree->walk_in_flight == 0 && tree->walked == NULL)
    g_object_notify_by_pspec (G_OBJECT (tree), tree_properties[TREE_PROP_LOADING]);
  if (tree->walked != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    walk_next (tree);
  g_object_unref (e->node);
  g_object_unref (e->tree);
  xgb_rsm_walk_free (e->pages);
  g_free (e);
}

static void
request_children (Expand     *e,
                  const char *after)
{
  xgb_pubsub_service_list_nodes_async (e->tree->service, e->node->name, after, PAGE_SIZE, e->tree->cancellable,
                                       children_cb, e);
}

static void
open_node (XgbNodeTree *self,
           XgbNode     *node,
           gboolean     walking)
{
  Expand *e = g_new0 (Expand, 1);

  node_set_loading (node, TRUE);
  e->tree = g_object_ref (self);
  e->node = g_object_ref (node);
  e->walking = walking;
  e->pages = xgb_rsm_walk_new ();
  if (walking)
    self->walk_in_flight++;
  request_children (e, NULL);
}

/**
 * xgb_node_tree_expand:
 *
 * Loads a collection's children when the row is expanded (never for
 * rows merely shown); folders have theirs already.
 */
void
xgb_node_tree_expand (XgbNodeTree *self,
                      XgbNode     *node)
{
  g_return_if_fail (XGB_IS_NODE_TREE (self));
  g_return_if_fail (XGB_IS_NODE (node));

  if (node->loaded || node->loading || node->kind == XGB_NODE_KIND_FOLDER)
    return;
  open_node (self, node, FALSE);
}

#define WALK_IN_FLIGHT 4

static void
walk_next (XgbNodeTree *self)
{
  while (self->walk_in_flight < WALK_IN_FLIGHT && !g_queue_is_empty (&self->walk))
    {
      g_autoptr(XgbNode) node = g_queue_pop_head (&self->walk);

      if (!node->loaded && !node->loading && node->kind == XGB_NODE_KIND_COLLECTION)
        open_node (self, node, TRUE);
    }
  if (self->walk_in_flight == 0 && g_queue_is_empty (&self->walk))
    g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_LOADING]);
}

/**
 * xgb_node_tree_stop_walk:
 *
 * Opens no further collections (requests under way still finish); a
 * later xgb_node_tree_walk() goes on from what is open by then.
 */
void
xgb_node_tree_stop_walk (XgbNodeTree *self)
{
  g_return_if_fail (XGB_IS_NODE_TREE (self));

  if (self->walked == NULL)
    return;
  g_queue_clear_full (&self->walk, g_object_unref);
  g_clear_pointer (&self->walked, g_hash_table_unref);
  g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_LOADING]);
}

/**
 * xgb_node_tree_walk:
 *
 * On a nesting service, opens every collection not yet opened, a few
 * at a time, so that a filter covers the whole service and not only
 * what the admin has expanded. Each node is opened once, however many
 * collections hold it. Does nothing on a flat service (its listing is
 * already complete) or when a walk is under way.
 */
void
xgb_node_tree_walk (XgbNodeTree *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (XGB_IS_NODE_TREE (self));

  if (!self->nests || self->walked != NULL)
    return;
  self->walked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, self->by_path);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_add (self->walked, g_strdup (key));
      g_queue_push_tail (&self->walk, g_object_ref (value));
    }
  g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_LOADING]);
  walk_next (self);
}

static GListStore *
store_holding (XgbNodeTree *self,
               XgbNode     *node,
               GListStore  *store,
               guint       *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (g_list_store_find (store, node, position))
    return store;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XgbNode) child = g_list_model_get_item (G_LIST_MODEL (store), i);
      GListStore *found;

      if (child->children == NULL)
        continue;
      found = store_holding (self, node, child->children, position);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * xgb_node_tree_add:
 * @parent: (nullable): the collection it was created in, on a nesting
 *   service
 *
 * Shows a node the admin just created, without listing everything anew.
 *
 * Returns: (transfer none): the node
 */
XgbNode *
xgb_node_tree_add (XgbNodeTree *self,
                   const char  *name,
                   const char  *parent)
{
  XgbDiscoItem item = { .node = (char *) name };
  XgbNode *existing;

  g_return_val_if_fail (XGB_IS_NODE_TREE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  existing = g_hash_table_lookup (self->by_path, name);
  if (existing != NULL)
    return existing;

  {
    g_autoptr(GHashTable) batches = batches_new ();

    insert_item (self, parent ? g_hash_table_lookup (self->by_path, parent) : NULL, &item, NULL, batches);
    batches_flush (batches);
  }
  g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_N_LOADED]);
  return g_hash_table_lookup (self->by_path, name);
}

/**
 * xgb_node_tree_remove:
 *
 * Takes away a node the admin just deleted.  Its folders stay, even when
 * empty, until the next full listing.
 */
gboolean
xgb_node_tree_remove (XgbNodeTree *self,
                      const char  *name)
{
  g_autoptr(XgbNode) node = NULL;
  GListStore *store;
  guint position;

  g_return_val_if_fail (XGB_IS_NODE_TREE (self), FALSE);

  node = g_hash_table_lookup (self->by_path, name);
  if (node == NULL)
    return FALSE;
  g_object_ref (node);

  store = store_holding (self, node, self->root, &position);
  if (store != NULL)
    g_list_store_remove (store, position);
  if (g_list_store_find (self->topics, node, &position))
    g_list_store_remove (self->topics, position);
  g_hash_table_remove (self->by_path, name);
  if (self->n_loaded > 0)
    self->n_loaded--;
  g_object_notify_by_pspec (G_OBJECT (self), tree_properties[TREE_PROP_N_LOADED]);
  return TRUE;
}
