/* xgb-bulk.c - one affiliation or subscription change on many nodes
 *
 * Beyond the 2018 thesis (story 1.5 and requirements.md): grant an
 * address owner, or any affiliation or subscription, on one node, a
 * collection's subtree or every topic of a virtual folder.
 *
 * Three steps, each with a few requests in flight:
 *  - collect: the targets (a folder's topics from the node tree, once it
 *    has listed everything; a collection's descendants from the service,
 *    page by page);
 *  - preview: read each target's affiliations (or subscriptions) and say
 *    what would happen - change from → to, already so, refused by the
 *    guard, or not readable; nothing is sent;
 *  - apply: only the changes, with progress; stopping sends nothing more
 *    (what was sent finishes) and leaves the rest "not attempted".
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-bulk"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xgb-bulk.h"
#include "xgb-connection.h"
#include "xgb-error.h"
#include "xgb-guard.h"
#include "xgb-jid.h"

#define COLLECT_PAGE_SIZE 200

/* --- classification ------------------------------------------------- */

/* Same address: localpart case-mapped, domain case-insensitive; with
 * @bare the resources do not count (affiliations are per account). */
static gboolean
same_address (const char *a,
              const char *b,
              gboolean    bare)
{
  g_autoptr(XgbJid) ja = a ? xgb_jid_parse (a, NULL) : NULL;
  g_autoptr(XgbJid) jb = b ? xgb_jid_parse (b, NULL) : NULL;
  g_autofree char *local_a = NULL;
  g_autofree char *local_b = NULL;

  if (ja == NULL || jb == NULL)
    return g_strcmp0 (a, b) == 0;
  local_a = g_utf8_casefold (xgb_jid_get_local (ja) ? xgb_jid_get_local (ja) : "", -1);
  local_b = g_utf8_casefold (xgb_jid_get_local (jb) ? xgb_jid_get_local (jb) : "", -1);
  if (g_strcmp0 (local_a, local_b) != 0 ||
      g_ascii_strcasecmp (xgb_jid_get_domain (ja), xgb_jid_get_domain (jb)) != 0)
    return FALSE;
  return bare || g_strcmp0 (xgb_jid_get_resource (ja), xgb_jid_get_resource (jb)) == 0;
}

static XgbBulkOutcome
classify_affiliation (GPtrArray   *current,
                      const char  *node,
                      const char  *own_jid,
                      const char  *jid,
                      const char  *value,
                      char       **from,
                      char       **reason,
                      gboolean    *confirm)
{
  const char *was = "none";
  g_autofree char *why = NULL;

  for (guint i = 0; current != NULL && i < current->len; i++)
    {
      const XgbPubsubAffiliation *a = current->pdata[i];

      if (same_address (a->jid, jid, TRUE))
        was = a->affiliation;
    }
  *from = g_strdup (was);
  if (g_strcmp0 (was, value) == 0)
    return XGB_BULK_ALREADY;

  switch (xgb_guard_affiliation_change (current, node, own_jid, jid, value, &why))
    {
    case XGB_GUARD_REFUSE:
      *reason = g_steal_pointer (&why);
      return XGB_BULK_REFUSED;
    case XGB_GUARD_CONFIRM:
      *reason = g_steal_pointer (&why);
      *confirm = TRUE;
      return XGB_BULK_WILL_CHANGE;
    case XGB_GUARD_OK:
    default:
      return XGB_BULK_WILL_CHANGE;
    }
}

static XgbBulkOutcome
classify_subscription (GPtrArray   *current,
                       const char  *jid,
                       const char  *value,
                       char       **from)
{
  const char *was = "none";

  /* Subscriptions are per address as given: bob@x/laptop is not bob@x */
  for (guint i = 0; current != NULL && i < current->len; i++)
    {
      const XgbPubsubSubscription *s = current->pdata[i];

      if (!same_address (s->jid, jid, FALSE) || g_strcmp0 (s->subscription, "none") == 0)
        continue;
      /* A subscribed one counts most: several subids may exist */
      if (g_strcmp0 (was, "subscribed") != 0)
        was = s->subscription;
    }
  *from = g_strdup (was);

  if (g_strcmp0 (value, "none") == 0)
    return g_strcmp0 (was, "none") == 0 ? XGB_BULK_ALREADY : XGB_BULK_WILL_CHANGE;
  return g_strcmp0 (was, value) == 0 ? XGB_BULK_ALREADY : XGB_BULK_WILL_CHANGE;
}

/**
 * xgb_bulk_classify:
 * @current: (element-type XgbPubsubAffiliation or XgbPubsubSubscription):
 *   what the server listed for @node
 * @own_jid: the admin's address (for the guards)
 * @jid: whose affiliation or subscription changes
 * @value: the new affiliation, or "subscribed" / "none"
 * @from: (out): the current value for @jid ("none" when not listed)
 * @reason: (out): the guard's explanation, for a refused change or one
 *   to confirm; %NULL otherwise
 * @confirm: (out): whether the guard asks first
 *
 * The preview's verdict for one node: %XGB_BULK_WILL_CHANGE,
 * %XGB_BULK_ALREADY or %XGB_BULK_REFUSED.
 */
XgbBulkOutcome
xgb_bulk_classify (XgbBulkKind   kind,
                   GPtrArray    *current,
                   const char   *node,
                   const char   *own_jid,
                   const char   *jid,
                   const char   *value,
                   char        **from,
                   char        **reason,
                   gboolean     *confirm)
{
  g_return_val_if_fail (jid != NULL && value != NULL, XGB_BULK_UNREAD);
  g_return_val_if_fail (from != NULL && reason != NULL && confirm != NULL, XGB_BULK_UNREAD);

  *from = NULL;
  *reason = NULL;
  *confirm = FALSE;
  if (kind == XGB_BULK_SUBSCRIPTION)
    return classify_subscription (current, jid, value, from);
  return classify_affiliation (current, node, own_jid, jid, value, from, reason, confirm);
}

/**
 * xgb_bulk_explain_error:
 *
 * What a failed read or change means for the admin, with the server's
 * own words.
 */
char *
xgb_bulk_explain_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_FORBIDDEN) ||
      g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_NOT_AUTHORIZED))
    return g_strdup_printf (_("You are not an owner of this node. %s"), error->message);
  if (g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_ITEM_NOT_FOUND))
    return g_strdup_printf (_("The node no longer exists. %s"), error->message);
  if (g_error_matches (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST) ||
      g_error_matches (error, XGB_ERROR, XGB_ERROR_TIMEOUT))
    return g_strdup_printf (_("No answer: whether it changed is not known. %s"), error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("Closed before the server answered: whether it changed is not known."));
  return g_strdup (error->message);
}

/* --- collecting the targets ----------------------------------------- */

typedef struct
{
  XgbPubsubService *service;
  GPtrArray        *names;      /* in the order found */
  GHashTable       *seen;
  GQueue            to_list;    /* of char*: collections to list */
  guint             in_flight;
  GError           *error;
  XgbNode          *scope;
  gulong            loading_id;   /* waiting for the tree's listing */
  GCancellable     *cancellable;
  gulong            cancel_id;
} Collect;

static void
collect_free (gpointer data)
{
  Collect *c = data;

  g_clear_object (&c->service);
  g_clear_pointer (&c->names, g_ptr_array_unref);
  g_clear_pointer (&c->seen, g_hash_table_unref);
  g_queue_clear_full (&c->to_list, g_free);
  g_clear_error (&c->error);
  g_clear_object (&c->scope);
  g_clear_object (&c->cancellable);
  g_free (c);
}

static gboolean
collect_add (Collect    *c,
             const char *name)
{
  if (g_hash_table_contains (c->seen, name))
    return FALSE;
  g_hash_table_add (c->seen, g_strdup (name));
  g_ptr_array_add (c->names, g_strdup (name));
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void collect_next (GTask *task);

typedef struct
{
  GTask      *task;
  char       *collection;
  XgbRsmWalk *pages;
} ListPage;

static void list_children (GTask *task, const char *collection, const char *after, XgbRsmWalk *pages);

static void
children_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ListPage *lp = user_data;
  g_autoptr(GTask) task = lp->task;
  g_autofree char *collection = lp->collection;
  g_autoptr(XgbRsmWalk) pages = lp->pages;
  Collect *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubNodePage) page = xgb_pubsub_service_list_nodes_finish (XGB_PUBSUB_SERVICE (object),
                                                                            result, &error);

  g_free (lp);
  c->in_flight--;
  if (page == NULL)
    {
      if (c->error == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            c->error = g_steal_pointer (&error);
          else
            c->error = g_error_new (error->domain, error->code, _("The nodes in “%s” could not be listed: %s"),
                                    collection, error->message);
        }
    }
  else
    {
      GError *walk_error = NULL;

      for (guint i = 0; i < page->nodes->len; i++)
        {
          const XgbDiscoItem *item = page->nodes->pdata[i];

          /* Items without a node are a topic's item ids, not children */
          if (item->node != NULL && collect_add (c, item->node))
            g_queue_push_tail (&c->to_list, g_strdup (item->node));
        }
      if (page->rsm != NULL && page->rsm->last != NULL && page->nodes->len > 0 && c->error == NULL)
        {
          /* The same page again, or pages without end: the targets
           * would be incomplete, so nothing is changed */
          if (xgb_rsm_walk_check (pages, page->rsm, &walk_error))
            {
              list_children (task, collection, page->rsm->last, g_steal_pointer (&pages));
              return;
            }
          c->error = g_error_new (walk_error->domain, walk_error->code,
                                  _("The nodes in “%s” could not be listed: %s"), collection, walk_error->message);
          g_clear_error (&walk_error);
        }
    }
  collect_next (task);
}

static void
list_children (GTask      *task,
               const char *collection,
               const char *after,
               XgbRsmWalk *pages)
{
  Collect *c = g_task_get_task_data (task);
  ListPage *lp = g_new0 (ListPage, 1);

  lp->task = g_object_ref (task);
  lp->collection = g_strdup (collection);
  lp->pages = pages ? pages : xgb_rsm_walk_new ();
  c->in_flight++;
  xgb_pubsub_service_list_nodes_async (c->service, collection, after, COLLECT_PAGE_SIZE,
                                       g_task_get_cancellable (task), children_cb, lp);
}

/* Lists the queued collections, a few at a time; then returns. */
static void
collect_next (GTask *task)
{
  Collect *c = g_task_get_task_data (task);

  while (c->error == NULL && c->in_flight < XGB_BULK_MAX_IN_FLIGHT && !g_queue_is_empty (&c->to_list))
    {
      g_autofree char *collection = g_queue_pop_head (&c->to_list);

      list_children (task, collection, NULL, NULL);
    }
  if (c->in_flight > 0)
    return;
  if (c->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&c->error));
      return;
    }
  g_ptr_array_sort (c->names, compare_names);
  g_ptr_array_add (c->names, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&c->names), FALSE), (GDestroyNotify) g_strfreev);
}

/* A folder's topics, and its folders' (the tree has them all). */
static void
collect_folder (Collect *c,
                XgbNode *folder)
{
  GListModel *children = xgb_node_get_children (folder);

  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(XgbNode) child = g_list_model_get_item (children, i);

      if (xgb_node_get_kind (child) == XGB_NODE_KIND_FOLDER)
        collect_folder (c, child);
      else if (xgb_node_get_name (child) != NULL && collect_add (c, xgb_node_get_name (child)) &&
               xgb_node_get_kind (child) == XGB_NODE_KIND_COLLECTION)
        g_queue_push_tail (&c->to_list, g_strdup (xgb_node_get_name (child)));
    }
}

static void
collect_start (GTask *task)
{
  Collect *c = g_task_get_task_data (task);

  switch (xgb_node_get_kind (c->scope))
    {
    case XGB_NODE_KIND_FOLDER:
      collect_folder (c, c->scope);
      break;
    case XGB_NODE_KIND_COLLECTION:
      /* The collection itself, and what the server says is under it */
      collect_add (c, xgb_node_get_name (c->scope));
      g_queue_push_tail (&c->to_list, g_strdup (xgb_node_get_name (c->scope)));
      break;
    case XGB_NODE_KIND_TOPIC:
    default:
      collect_add (c, xgb_node_get_name (c->scope));
      break;
    }
  collect_next (task);
}

/* Ends the wait for the tree's listing; FALSE when not waiting. */
static gboolean
stop_waiting (Collect     *c,
              XgbNodeTree *tree)
{
  if (c->loading_id == 0)
    return FALSE;
  g_clear_signal_handler (&c->loading_id, tree);
  if (c->cancellable != NULL)
    g_clear_signal_handler (&c->cancel_id, c->cancellable);
  return TRUE;
}

static void
tree_loading_cb (XgbNodeTree *tree,
                 GParamSpec  *pspec,
                 GTask       *task)
{
  Collect *c = g_task_get_task_data (task);

  if (xgb_node_tree_get_loading (tree) || !stop_waiting (c, tree))
    return;
  if (xgb_node_tree_get_error (tree) != NULL)
    g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_FAILED, _("The topics could not all be listed: %s"),
                             xgb_node_tree_get_error (tree)->message);
  else
    collect_start (task);
  g_object_unref (task);   /* the wait's */
}

static void
collect_cancelled_cb (GCancellable *cancellable,
                      GTask        *task)
{
  Collect *c = g_task_get_task_data (task);

  if (!stop_waiting (c, g_task_get_source_object (task)))
    return;
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);   /* the wait's */
}

/**
 * xgb_bulk_collect_async:
 * @scope: a topic, a collection or a virtual folder of @tree
 *
 * The nodes a change on @scope applies to: a topic alone; a collection
 * and every node under it, transitively (asked of the service, page by
 * page: on a service that does not nest, a collection has no children);
 * every topic of a folder and of its folders (waiting for the tree to
 * finish listing, so that none is missed).
 */
void
xgb_bulk_collect_async (XgbNodeTree         *tree,
                        XgbNode             *scope,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Collect *c;

  g_return_if_fail (XGB_IS_NODE_TREE (tree));
  g_return_if_fail (XGB_IS_NODE (scope));

  task = g_task_new (tree, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_bulk_collect_async);
  c = g_new0 (Collect, 1);
  c->service = g_object_ref (xgb_node_tree_get_service (tree));
  c->names = g_ptr_array_new_with_free_func (g_free);
  c->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->scope = g_object_ref (scope);
  g_queue_init (&c->to_list);
  g_task_set_task_data (task, c, collect_free);
  if (g_task_return_error_if_cancelled (task))
    return;

  if (xgb_node_get_kind (scope) == XGB_NODE_KIND_FOLDER && xgb_node_tree_get_loading (tree))
    {
      /* The listing still runs: the folder's topics are not all known */
      /* The wait holds a reference on the task; the handlers none */
      g_object_ref (task);
      c->loading_id = g_signal_connect (tree, "notify::loading", G_CALLBACK (tree_loading_cb), task);
      if (cancellable != NULL)
        {
          c->cancellable = g_object_ref (cancellable);
          c->cancel_id = g_signal_connect (cancellable, "cancelled", G_CALLBACK (collect_cancelled_cb), task);
        }
      return;
    }
  collect_start (task);
}

/* Returns: (transfer full): the nodes' names, sorted */
GStrv
xgb_bulk_collect_finish (XgbNodeTree   *tree,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, tree), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xgb_bulk_collect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the change ----------------------------------------------------- */

typedef struct
{
  XgbBulkTarget  pub;
  GStrv          subids;   /* the subscriptions "none" ends */
} Target;

struct _XgbBulk
{
  GObject           parent_instance;

  XgbPubsubService *service;
  char             *own_jid;
  XgbBulkKind       kind;
  char             *jid;
  char             *value;
  GArray           *targets;   /* of Target */

  GTask            *task;      /* the preview or apply under way */
  guint             next;
  guint             in_flight;
  guint             done;
  guint             total;
  gboolean          stopped;
};

G_DEFINE_FINAL_TYPE (XgbBulk, xgb_bulk, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DONE,
  PROP_TOTAL,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
target_clear (gpointer data)
{
  Target *t = data;

  g_free (t->pub.node);
  g_free (t->pub.from);
  g_free (t->pub.reason);
  g_strfreev (t->subids);
}

static void
xgb_bulk_finalize (GObject *object)
{
  XgbBulk *self = XGB_BULK (object);

  g_clear_object (&self->service);
  g_free (self->own_jid);
  g_free (self->jid);
  g_free (self->value);
  g_clear_pointer (&self->targets, g_array_unref);
  g_assert (self->task == NULL);

  G_OBJECT_CLASS (xgb_bulk_parent_class)->finalize (object);
}

static void
xgb_bulk_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  XgbBulk *self = XGB_BULK (object);

  switch (prop_id)
    {
    case PROP_DONE:
      g_value_set_uint (value, self->done);
      break;
    case PROP_TOTAL:
      g_value_set_uint (value, self->total);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->task != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xgb_bulk_class_init (XgbBulkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xgb_bulk_finalize;
  object_class->get_property = xgb_bulk_get_property;

  /* Progress of the step under way: nodes read, or changes answered */
  properties[PROP_DONE] =
    g_param_spec_uint ("done", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TOTAL] =
    g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xgb_bulk_init (XgbBulk *self)
{
  self->targets = g_array_new (FALSE, TRUE, sizeof (Target));
  g_array_set_clear_func (self->targets, target_clear);
}

/**
 * xgb_bulk_new:
 * @nodes: the targets (from xgb_bulk_collect_finish())
 * @jid: whose affiliation or subscription changes
 * @value: the affiliation to set ("none" removes it), or "subscribed" /
 *   "none" (unsubscribes every subscription of @jid)
 */
XgbBulk *
xgb_bulk_new (XgbPubsubService   *service,
              const char * const *nodes,
              XgbBulkKind         kind,
              const char         *jid,
              const char         *value)
{
  XgbBulk *self;

  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (service), NULL);
  g_return_val_if_fail (nodes != NULL && jid != NULL && value != NULL, NULL);

  self = g_object_new (XGB_TYPE_BULK, NULL);
  self->service = g_object_ref (service);
  self->own_jid = g_strdup (xgb_connection_get_jid (xgb_pubsub_service_get_connection (service)));
  self->kind = kind;
  self->jid = g_strdup (jid);
  self->value = g_strdup (value);
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      Target t = { { g_strdup (nodes[i]), XGB_BULK_UNREAD, NULL, FALSE, NULL }, NULL };

      g_array_append_val (self->targets, t);
    }
  return self;
}

XgbBulkKind
xgb_bulk_get_kind (XgbBulk *self)
{
  g_return_val_if_fail (XGB_IS_BULK (self), XGB_BULK_AFFILIATION);
  return self->kind;
}

const char *
xgb_bulk_get_jid (XgbBulk *self)
{
  g_return_val_if_fail (XGB_IS_BULK (self), NULL);
  return self->jid;
}

const char *
xgb_bulk_get_value (XgbBulk *self)
{
  g_return_val_if_fail (XGB_IS_BULK (self), NULL);
  return self->value;
}

guint
xgb_bulk_get_n_targets (XgbBulk *self)
{
  g_return_val_if_fail (XGB_IS_BULK (self), 0);
  return self->targets->len;
}

const XgbBulkTarget *
xgb_bulk_get_target (XgbBulk *self,
                     guint    index)
{
  g_return_val_if_fail (XGB_IS_BULK (self), NULL);
  g_return_val_if_fail (index < self->targets->len, NULL);
  return &g_array_index (self->targets, Target, index).pub;
}

guint
xgb_bulk_count (XgbBulk        *self,
                XgbBulkOutcome  outcome)
{
  guint n = 0;

  g_return_val_if_fail (XGB_IS_BULK (self), 0);
  for (guint i = 0; i < self->targets->len; i++)
    n += g_array_index (self->targets, Target, i).pub.outcome == outcome;
  return n;
}

/* The changes to make that the guard wants confirmed first */
guint
xgb_bulk_count_confirm (XgbBulk *self)
{
  guint n = 0;

  g_return_val_if_fail (XGB_IS_BULK (self), 0);
  for (guint i = 0; i < self->targets->len; i++)
    {
      const XgbBulkTarget *t = &g_array_index (self->targets, Target, i).pub;

      n += t->outcome == XGB_BULK_WILL_CHANGE && t->confirm;
    }
  return n;
}

guint
xgb_bulk_get_done (XgbBulk *self)
{
  g_return_val_if_fail (XGB_IS_BULK (self), 0);
  return self->done;
}

guint
xgb_bulk_get_total (XgbBulk *self)
{
  g_return_val_if_fail (XGB_IS_BULK (self), 0);
  return self->total;
}

gboolean
xgb_bulk_get_running (XgbBulk *self)
{
  g_return_val_if_fail (XGB_IS_BULK (self), FALSE);
  return self->task != NULL;
}

static void
start_step (XgbBulk *self,
            GTask   *task,
            guint    total)
{
  self->task = task;
  self->next = 0;
  self->in_flight = 0;
  self->done = 0;
  self->total = total;
  self->stopped = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
end_step (XgbBulk *self,
          GError  *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
step_progress (XgbBulk *self)
{
  self->in_flight--;
  self->done++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
}

/* --- preview -------------------------------------------------------- */

typedef struct
{
  XgbBulk *self;
  guint    index;
} Step;

static void preview_next (XgbBulk *self);

static GStrv
subids_of (GPtrArray  *current,
           const char *jid)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; current != NULL && i < current->len; i++)
    {
      const XgbPubsubSubscription *s = current->pdata[i];

      if (same_address (s->jid, jid, FALSE) && s->subid != NULL)
        g_strv_builder_add (builder, s->subid);
    }
  return g_strv_builder_end (builder);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Step *step = user_data;
  g_autoptr(XgbBulk) self = step->self;
  Target *t = &g_array_index (self->targets, Target, step->index);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) current = xgb_pubsub_service_list_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  g_free (step);
  if (current != NULL)
    {
      t->pub.outcome = xgb_bulk_classify (self->kind, current, t->pub.node, self->own_jid, self->jid,
                                          self->value, &t->pub.from, &t->pub.reason, &t->pub.confirm);
      if (self->kind == XGB_BULK_SUBSCRIPTION)
        t->subids = subids_of (current, self->jid);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      t->pub.outcome = XGB_BULK_UNREADABLE;
      t->pub.reason = xgb_bulk_explain_error (error);
    }
  step_progress (self);
  preview_next (self);
}

static void
preview_next (XgbBulk *self)
{
  GCancellable *cancellable;

  /* Already ended, by an answer handled from within a progress handler */
  if (self->task == NULL)
    return;
  cancellable = g_task_get_cancellable (self->task);

  while (self->in_flight < XGB_BULK_MAX_IN_FLIGHT && self->next < self->targets->len &&
         !g_cancellable_is_cancelled (cancellable) && !self->stopped)
    {
      Target *t = &g_array_index (self->targets, Target, self->next);
      Step *step = g_new0 (Step, 1);

      step->self = g_object_ref (self);
      step->index = self->next++;
      self->in_flight++;
      if (self->kind == XGB_BULK_SUBSCRIPTION)
        xgb_pubsub_service_get_subscriptions_async (self->service, t->pub.node, cancellable, read_cb, step);
      else
        xgb_pubsub_service_get_affiliations_async (self->service, t->pub.node, cancellable, read_cb, step);
    }
  if (self->in_flight > 0)
    return;
  if (g_cancellable_is_cancelled (cancellable) || self->stopped)
    end_step (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Stopped.")));
  else
    end_step (self, NULL);
}

/**
 * xgb_bulk_preview_async:
 *
 * Reads every target's affiliations (or subscriptions), a few at a
 * time, and classifies it; sends nothing. Progress: #XgbBulk:done of
 * #XgbBulk:total read. Cancelled, the targets not read stay
 * %XGB_BULK_UNREAD.
 */
void
xgb_bulk_preview_async (XgbBulk             *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XGB_IS_BULK (self));
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_bulk_preview_async);
  for (guint i = 0; i < self->targets->len; i++)
    {
      Target *t = &g_array_index (self->targets, Target, i);

      t->pub.outcome = XGB_BULK_UNREAD;
      t->pub.confirm = FALSE;
      g_clear_pointer (&t->pub.from, g_free);
      g_clear_pointer (&t->pub.reason, g_free);
      g_clear_pointer (&t->subids, g_strfreev);
    }
  start_step (self, task, self->targets->len);
  preview_next (self);
}

gboolean
xgb_bulk_preview_finish (XgbBulk       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xgb_bulk_preview_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- apply ---------------------------------------------------------- */

static void apply_next (XgbBulk *self);

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Step *step = user_data;
  g_autoptr(XgbBulk) self = step->self;
  Target *t = &g_array_index (self->targets, Target, step->index);
  g_autoptr(GError) error = NULL;

  g_free (step);
  if (xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error))
    t->pub.outcome = XGB_BULK_DONE;
  else
    {
      t->pub.outcome = XGB_BULK_FAILED;
      g_free (t->pub.reason);
      t->pub.reason = xgb_bulk_explain_error (error);
    }
  step_progress (self);
  apply_next (self);
}

static void
send_one (XgbBulk *self,
          guint    index)
{
  Target *t = &g_array_index (self->targets, Target, index);
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  g_autoptr(GPtrArray) entries = NULL;
  Step *step = g_new0 (Step, 1);

  step->self = g_object_ref (self);
  step->index = index;
  self->in_flight++;

  if (self->kind == XGB_BULK_AFFILIATION)
    {
      XgbPubsubAffiliation *a = g_new0 (XgbPubsubAffiliation, 1);

      entries = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_affiliation_free);
      a->jid = g_strdup (self->jid);
      a->affiliation = g_strdup (self->value);
      g_ptr_array_add (entries, a);
      xgb_pubsub_service_set_affiliations_async (self->service, t->pub.node, entries, cancellable, sent_cb, step);
      return;
    }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_subscription_free);
  if (g_str_equal (self->value, "none") && t->subids != NULL && t->subids[0] != NULL)
    {
      /* Every subscription of the address ends */
      for (guint i = 0; t->subids[i] != NULL; i++)
        {
          XgbPubsubSubscription *s = g_new0 (XgbPubsubSubscription, 1);

          s->jid = g_strdup (self->jid);
          s->subscription = g_strdup ("none");
          s->subid = g_strdup (t->subids[i]);
          g_ptr_array_add (entries, s);
        }
    }
  else
    {
      XgbPubsubSubscription *s = g_new0 (XgbPubsubSubscription, 1);

      s->jid = g_strdup (self->jid);
      s->subscription = g_strdup (self->value);
      g_ptr_array_add (entries, s);
    }
  xgb_pubsub_service_set_subscriptions_async (self->service, t->pub.node, entries, cancellable, sent_cb, step);
}

static void
apply_next (XgbBulk *self)
{
  GCancellable *cancellable;

  /* Already ended, by an answer handled from within a progress handler */
  if (self->task == NULL)
    return;
  cancellable = g_task_get_cancellable (self->task);

  while (self->in_flight < XGB_BULK_MAX_IN_FLIGHT && self->next < self->targets->len &&
         !self->stopped && !g_cancellable_is_cancelled (cancellable))
    {
      guint index = self->next++;

      if (g_array_index (self->targets, Target, index).pub.outcome == XGB_BULK_WILL_CHANGE)
        send_one (self, index);
    }
  if (self->in_flight > 0)
    return;

  /* Stopped: what was not sent stays as it was */
  for (guint i = 0; i < self->targets->len; i++)
    {
      Target *t = &g_array_index (self->targets, Target, i);

      if (t->pub.outcome == XGB_BULK_WILL_CHANGE)
        t->pub.outcome = XGB_BULK_NOT_ATTEMPTED;
    }
  if (g_cancellable_is_cancelled (cancellable))
    end_step (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled.")));
  else
    end_step (self, NULL);
}

/**
 * xgb_bulk_apply_async:
 *
 * Sends the changes the preview found (%XGB_BULK_WILL_CHANGE, confirmed
 * ones included: ask before calling this), a few at a time; each target
 * ends %XGB_BULK_DONE, %XGB_BULK_FAILED (with the reason) or, after
 * xgb_bulk_stop(), %XGB_BULK_NOT_ATTEMPTED. Progress: #XgbBulk:done of
 * #XgbBulk:total answered. Finishes %TRUE however many failed; an error
 * only when @cancellable was cancelled (the answers then are lost).
 */
void
xgb_bulk_apply_async (XgbBulk             *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (XGB_IS_BULK (self));
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_bulk_apply_async);
  start_step (self, task, xgb_bulk_count (self, XGB_BULK_WILL_CHANGE));
  apply_next (self);
}

gboolean
xgb_bulk_apply_finish (XgbBulk       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xgb_bulk_apply_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xgb_bulk_stop:
 *
 * Sends nothing more; the requests under way finish and are reported.
 * The preview or apply then finishes (a stopped preview with
 * %G_IO_ERROR_CANCELLED).
 */
void
xgb_bulk_stop (XgbBulk *self)
{
  g_return_if_fail (XGB_IS_BULK (self));

  if (self->task == NULL || self->stopped)
    return;
  /* Requests are in flight while a step runs: the next answer ends it */
  self->stopped = TRUE;
}
