/* xgb-pubsub.c - the Broker: a publish-subscribe service (XEP-0060)
 *
 * One object per Broker.  Every operation builds its payload here, sends
 * it through the connection and parses the reply; every change is also
 * reported through the ::change signal, the hook of the audit trail.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-pubsub"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xgb-error.h"
#include "xgb-form.h"
#include "xgb-input.h"
#include "xgb-jid.h"
#include "xgb-pubsub.h"
#include "xgb-pubsub-private.h"
#include "xgb-request.h"
#include "xgb-xml.h"

/* style.md: bulk work keeps at most this many requests in flight */
#define MAX_IN_FLIGHT 32

static const XgbPubsubCapName cap_names[] = {
  { XGB_PUBSUB_CAP_CREATE_NODES, "create-nodes" },
  { XGB_PUBSUB_CAP_CREATE_AND_CONFIGURE, "create-and-configure" },
  { XGB_PUBSUB_CAP_CONFIG_NODE, "config-node" },
  { XGB_PUBSUB_CAP_DELETE_NODES, "delete-nodes" },
  { XGB_PUBSUB_CAP_PURGE_NODES, "purge-nodes" },
  { XGB_PUBSUB_CAP_PUBLISH, "publish" },
  { XGB_PUBSUB_CAP_RETRACT_ITEMS, "retract-items" },
  { XGB_PUBSUB_CAP_RETRIEVE_ITEMS, "retrieve-items" },
  { XGB_PUBSUB_CAP_PERSISTENT_ITEMS, "persistent-items" },
  { XGB_PUBSUB_CAP_MANAGE_SUBSCRIPTIONS, "manage-subscriptions" },
  { XGB_PUBSUB_CAP_MODIFY_AFFILIATIONS, "modify-affiliations" },
  { XGB_PUBSUB_CAP_RETRIEVE_SUBSCRIPTIONS, "retrieve-subscriptions" },
  { XGB_PUBSUB_CAP_RETRIEVE_AFFILIATIONS, "retrieve-affiliations" },
  { XGB_PUBSUB_CAP_RETRIEVE_DEFAULT, "retrieve-default" },
  { XGB_PUBSUB_CAP_GET_PENDING, "get-pending" },
  { XGB_PUBSUB_CAP_ACCESS_WHITELIST, "access-whitelist" },
  { XGB_PUBSUB_CAP_ACCESS_AUTHORIZE, "access-authorize" },
  { XGB_PUBSUB_CAP_COLLECTIONS, "collections" },
  { XGB_PUBSUB_CAP_PUBLISHER_AFFILIATION, "publisher-affiliation" },
  { XGB_PUBSUB_CAP_SUBSCRIBE, "subscribe" },
  { XGB_PUBSUB_CAP_RSM, "rsm" },
  { XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS, "subscription-options" },
};

const XgbPubsubCapName *
xgb_pubsub_cap_names (guint *n_names)
{
  *n_names = G_N_ELEMENTS (cap_names);
  return cap_names;
}

struct _XgbPubsubService
{
  GObject        parent_instance;

  XgbConnection *connection;
  XgbDiscoInfo  *info;
  char          *jid;
  XgbPubsubCaps  caps;
  guint          n_requests;
  gulong         message_id;
};

G_DEFINE_FINAL_TYPE (XgbPubsubService, xgb_pubsub_service, G_TYPE_OBJECT)

enum {
  CHANGE,
  PENDING_REQUEST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- free functions ------------------------------------------------- */

void
xgb_pubsub_node_page_free (XgbPubsubNodePage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->nodes, g_ptr_array_unref);
  g_clear_pointer (&page->rsm, xgb_rsm_result_free);
  g_free (page);
}

void
xgb_pubsub_node_info_free (XgbPubsubNodeInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->node);
  g_free (info->title);
  g_clear_pointer (&info->info, xgb_disco_info_free);
  g_free (info);
}

void
xgb_pubsub_item_free (XgbPubsubItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->publisher);
  g_clear_pointer (&item->timestamp, g_date_time_unref);
  g_free (item->payload);
  g_free (item);
}

void
xgb_pubsub_item_page_free (XgbPubsubItemPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_clear_pointer (&page->rsm, xgb_rsm_result_free);
  g_free (page);
}

void
xgb_pubsub_affiliation_free (XgbPubsubAffiliation *affiliation)
{
  if (affiliation == NULL)
    return;
  g_free (affiliation->jid);
  g_free (affiliation->affiliation);
  g_free (affiliation);
}

void
xgb_pubsub_subscription_free (XgbPubsubSubscription *subscription)
{
  if (subscription == NULL)
    return;
  g_free (subscription->jid);
  g_free (subscription->subscription);
  g_free (subscription->subid);
  g_free (subscription);
}

void
xgb_pubsub_retract_result_free (XgbPubsubRetractResult *result)
{
  if (result == NULL)
    return;
  g_free (result->id);
  g_clear_error (&result->error);
  g_free (result);
}

/* --- the object ----------------------------------------------------- */

static void
xgb_pubsub_service_finalize (GObject *object)
{
  XgbPubsubService *self = XGB_PUBSUB_SERVICE (object);

  g_clear_signal_handler (&self->message_id, self->connection);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->info, xgb_disco_info_free);
  g_free (self->jid);

  G_OBJECT_CLASS (xgb_pubsub_service_parent_class)->finalize (object);
}

static void
xgb_pubsub_service_class_init (XgbPubsubServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xgb_pubsub_service_finalize;

  /**
   * XgbPubsubService::change:
   * @change: (type gpointer): an #XgbPubsubChange, valid during emission
   *
   * Emitted after every change the core made or tried to make.
   */
  signals[CHANGE] =
    g_signal_new ("change",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  /**
   * XgbPubsubService::pending-request:
   * @pending: (type gpointer): an #XgbPubsubPending, valid during emission
   *
   * The service asked the owner to approve or deny a subscription (an
   * authorization form arrived as a message).
   */
  signals[PENDING_REQUEST] =
    g_signal_new ("pending-request",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
xgb_pubsub_service_init (XgbPubsubService *self)
{
}

void
xgb_pubsub_pending_free (XgbPubsubPending *pending)
{
  if (pending == NULL)
    return;
  g_free (pending->node);
  g_free (pending->subscriber);
  g_free (pending->subid);
  g_free (pending);
}

/**
 * xgb_pubsub_parse_authorization:
 * @message: a `<message>` stanza
 *
 * Returns: (transfer full) (nullable): the request, when @message holds
 *   a subscription authorization form (XEP-0060 8.6)
 */
XgbPubsubPending *
xgb_pubsub_parse_authorization (const xmlNode *message)
{
  g_autoptr(XgbForm) form = xgb_form_find (message, XGB_FORM_SUBSCRIBE_AUTH);
  XgbPubsubPending *pending;
  const char *node, *subscriber;

  if (form == NULL)
    return NULL;
  node = xgb_form_get_value (form, "pubsub#node");
  subscriber = xgb_form_get_value (form, "pubsub#subscriber_jid");
  if (node == NULL || subscriber == NULL)
    return NULL;

  pending = g_new0 (XgbPubsubPending, 1);
  pending->node = g_strdup (node);
  pending->subscriber = g_strdup (subscriber);
  pending->subid = g_strdup (xgb_form_get_value (form, "pubsub#subid"));
  return pending;
}

static void
message_received_cb (XgbConnection    *connection,
                     xmlNode          *message,
                     XgbPubsubService *self)
{
  g_autofree char *from = xgb_xml_get_attr (message, "from");
  XgbPubsubPending *pending;

  /* Only the Broker itself may ask. */
  if (g_strcmp0 (from, self->jid) != 0)
    return;
  pending = xgb_pubsub_parse_authorization (message);
  if (pending == NULL)
    return;
  g_signal_emit (self, signals[PENDING_REQUEST], 0, pending);
  xgb_pubsub_pending_free (pending);
}

/**
 * xgb_pubsub_service_new:
 * @info: the service's disco#info, as xgb_find_broker_finish() returns it
 */
XgbPubsubService *
xgb_pubsub_service_new (XgbConnection      *connection,
                        const XgbDiscoInfo *info)
{
  XgbPubsubService *self;

  g_return_val_if_fail (XGB_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (info != NULL && info->jid != NULL, NULL);

  self = g_object_new (XGB_TYPE_PUBSUB_SERVICE, NULL);
  self->connection = g_object_ref (connection);
  self->jid = g_strdup (info->jid);
  self->info = g_new0 (XgbDiscoInfo, 1);
  self->info->jid = g_strdup (info->jid);
  self->info->identities = g_ptr_array_ref (info->identities);
  self->info->features = g_ptr_array_ref (info->features);
  self->info->forms = info->forms ? g_ptr_array_ref (info->forms) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cap_names); i++)
    {
      g_autofree char *feature = g_strconcat (XGB_NS_PUBSUB "#", cap_names[i].feature, NULL);

      if (xgb_disco_info_has_feature (info, feature))
        self->caps |= cap_names[i].cap;
    }
  if (xgb_disco_info_has_feature (info, XGB_NS_RSM))
    self->caps |= XGB_PUBSUB_CAP_RSM;

  self->message_id = g_signal_connect (connection, "message-received",
                                       G_CALLBACK (message_received_cb), self);

  return self;
}

XgbConnection *
xgb_pubsub_service_get_connection (XgbPubsubService *self)
{
  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (self), NULL);
  return self->connection;
}

const char *
xgb_pubsub_service_get_jid (XgbPubsubService *self)
{
  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (self), NULL);
  return self->jid;
}

const XgbDiscoInfo *
xgb_pubsub_service_get_info (XgbPubsubService *self)
{
  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (self), NULL);
  return self->info;
}

XgbPubsubCaps
xgb_pubsub_service_get_caps (XgbPubsubService *self)
{
  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (self), 0);
  return self->caps;
}

gboolean
xgb_pubsub_service_has (XgbPubsubService *self,
                        XgbPubsubCaps     caps)
{
  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (self), FALSE);
  return (self->caps & caps) == caps;
}

/* Requests sent through this object, for --stats and the benchmarks. */
guint
xgb_pubsub_service_get_n_requests (XgbPubsubService *self)
{
  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (self), 0);
  return self->n_requests;
}

/* --- building blocks ------------------------------------------------ */

static void
request_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gpointer value = xgb_request_finish (XGB_CONNECTION (object), result, g_task_get_source_tag (task), &error);

  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, g_task_get_task_data (task));
}

/* One request whose GTask has the service as its source object, so that
 * callbacks get the service, not the connection. */
static void
request (XgbPubsubService    *self,
         const char          *type,
         const char          *payload,
         XgbReplyParser       parser,
         gpointer             parser_data,
         GDestroyNotify       parser_data_free,
         GDestroyNotify       result_free,
         gpointer             source_tag,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* the task data is the free function of its result */
  g_task_set_task_data (task, result_free, NULL);
  self->n_requests++;
  xgb_request_async (self->connection, type, self->jid, payload,
                     parser, parser_data, parser_data_free, result_free, source_tag,
                     cancellable, request_done_cb, task);
}

static gpointer
request_finish (XgbPubsubService  *self,
                GAsyncResult      *result,
                gpointer           source_tag,
                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* <pubsub xmlns=NS>INNER</pubsub>; INNER must already be escaped. */
static char *
pubsub_payload (const char *ns,
                const char *inner)
{
  return g_strdup_printf ("<pubsub xmlns='%s'>%s</pubsub>", ns, inner);
}

static xmlNode *
reply_child (const xmlNode *iq,
             const char    *ns)
{
  return xgb_xml_child (iq, "pubsub", ns);
}

/* --- changes and the audit hook ------------------------------------- */

typedef struct
{
  char *action;
  char *node;
  char *detail;
} Change;

static void
change_free (gpointer data)
{
  Change *c = data;

  g_free (c->action);
  g_free (c->node);
  g_free (c->detail);
  g_free (c);
}

static gpointer
parse_any_result (const xmlNode  *iq,
                  gpointer        data,
                  GError        **error)
{
  /* Any result is success; the caller may look at the document. */
  return xmlCopyDoc (iq->doc, 1);
}

static void
report_change (XgbPubsubService *self,
               const char       *action,
               const char       *node,
               const char       *detail,
               const GError     *error)
{
  XgbPubsubChange change = {
    .account = xgb_connection_get_jid (self->connection),
    .service = self->jid,
    .action = action,
    .node = node,
    .detail = detail,
    .error = error,
  };

  g_signal_emit (self, signals[CHANGE], 0, &change);
}

static void
change_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XgbPubsubService *self = g_task_get_source_object (task);
  Change *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  xmlDoc *doc = xgb_request_finish (XGB_CONNECTION (object), result, g_task_get_source_tag (task), &error);

  report_change (self, c->action, c->node, c->detail, error);

  if (doc == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, doc, (GDestroyNotify) xmlFreeDoc);
}

/* Sends a change; its task's result is the reply document. */
static void
change_async (XgbPubsubService    *self,
              const char          *action,
              const char          *node,
              const char          *detail,
              const char          *payload,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Change *c = g_new0 (Change, 1);

  c->action = g_strdup (action);
  c->node = g_strdup (node);
  c->detail = g_strdup (detail);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, c, change_free);

  self->n_requests++;
  xgb_request_async (self->connection, "set", self->jid, payload,
                     parse_any_result, NULL, NULL, (GDestroyNotify) xmlFreeDoc, source_tag,
                     cancellable, change_done_cb, task);
}

gboolean
xgb_pubsub_service_change_finish (XgbPubsubService  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_autoptr(xmlDoc) doc = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  doc = g_task_propagate_pointer (G_TASK (result), error);
  return doc != NULL;
}

/* --- nodes ---------------------------------------------------------- */

static gpointer
parse_node_page (const xmlNode  *iq,
                 gpointer        data,
                 GError        **error)
{
  GPtrArray *items = xgb_disco_items_parse (iq, error);
  XgbPubsubNodePage *page;

  if (items == NULL)
    return NULL;

  page = g_new0 (XgbPubsubNodePage, 1);
  page->nodes = items;
  page->rsm = xgb_rsm_parse (xgb_xml_child (iq, "query", XGB_NS_DISCO_ITEMS));
  return page;
}

/**
 * xgb_pubsub_service_list_nodes_async:
 * @collection: (nullable): %NULL for the top level
 * @after: (nullable): continue after this node (from the last page's rsm)
 * @max: the page size
 *
 * A page of nodes (disco#items).  A server that ignores RSM answers with
 * everything at once; the page then has no rsm and is the last one.
 */
void
xgb_pubsub_service_list_nodes_async (XgbPubsubService    *self,
                                     const char          *collection,
                                     const char          *after,
                                     guint                max,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *set = xgb_rsm_build (max, after, NULL, -1);
  g_autofree char *head = NULL;
  g_autofree char *payload = NULL;

  if (collection != NULL)
    head = g_markup_printf_escaped ("<query xmlns='%s' node='%s'>", XGB_NS_DISCO_ITEMS, collection);
  else
    head = g_strdup ("<query xmlns='" XGB_NS_DISCO_ITEMS "'>");
  payload = g_strconcat (head, set, "</query>", NULL);

  request (self, "get", payload, parse_node_page, NULL, NULL,
           (GDestroyNotify) xgb_pubsub_node_page_free, xgb_pubsub_service_list_nodes_async,
           cancellable, callback, user_data);
}

XgbPubsubNodePage *
xgb_pubsub_service_list_nodes_finish (XgbPubsubService  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  return request_finish (self, result, xgb_pubsub_service_list_nodes_async, error);
}

static gpointer
parse_node_info (const xmlNode  *iq,
                 gpointer        node,
                 GError        **error)
{
  XgbDiscoInfo *disco = xgb_disco_info_parse (iq, error);
  XgbPubsubNodeInfo *info;

  if (disco == NULL)
    return NULL;

  info = g_new0 (XgbPubsubNodeInfo, 1);
  info->node = g_strdup (node);
  info->is_collection = xgb_disco_info_has_identity (disco, "pubsub", "collection");
  for (guint i = 0; i < disco->identities->len; i++)
    {
      XgbDiscoIdentity *identity = disco->identities->pdata[i];

      if (g_strcmp0 (identity->category, "pubsub") == 0 && identity->name != NULL)
        {
          /* several may have a name: the last one counts */
          g_free (info->title);
          info->title = g_strdup (identity->name);
        }
    }
  /* pubsub#meta-data (XEP-0128) names the title too */
  if (info->title == NULL)
    {
      const char *title = xgb_disco_info_get_form_value (disco, XGB_NS_PUBSUB "#meta-data", "pubsub#title");

      if (title != NULL && *title != '\0')
        info->title = g_strdup (title);
    }
  info->info = disco;
  return info;
}

void
xgb_pubsub_service_node_info_async (XgbPubsubService    *self,
                                    const char          *node,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *payload = g_markup_printf_escaped ("<query xmlns='%s' node='%s'/>",
                                                      XGB_NS_DISCO_INFO, node);

  request (self, "get", payload, parse_node_info, g_strdup (node), g_free,
           (GDestroyNotify) xgb_pubsub_node_info_free, xgb_pubsub_service_node_info_async,
           cancellable, callback, user_data);
}

XgbPubsubNodeInfo *
xgb_pubsub_service_node_info_finish (XgbPubsubService  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  return request_finish (self, result, xgb_pubsub_service_node_info_async, error);
}

/* --- create, delete, purge, configure ------------------------------- */

static void
create_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = g_task_propagate_pointer (G_TASK (result), &error);
  xmlNode *pubsub;
  char *node = NULL;

  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The server names the node when it chose the name (instant nodes)
   * or changed it; otherwise it is the one asked for. */
  pubsub = reply_child (xmlDocGetRootElement (doc), XGB_NS_PUBSUB);
  node = xgb_xml_get_attr (xgb_xml_child (pubsub, "create", NULL), "node");
  if (node == NULL)
    node = g_strdup (g_task_get_task_data (task));
  if (node == NULL)
    {
      g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_PROTOCOL,
                               _("The server created a node but did not say its name."));
      return;
    }
  g_task_return_pointer (task, node, g_free);
}

/**
 * xgb_pubsub_service_create_async:
 * @node: (nullable): the name; %NULL asks the server to choose one
 * @collection: create a collection (XEP-0248) instead of a topic
 * @config: (nullable): a submitted `pubsub#node_config` form
 *   (`<x xmlns='jabber:x:data' type='submit'>`), sent with the create
 */
void
xgb_pubsub_service_create_async (XgbPubsubService    *self,
                                 const char          *node,
                                 gboolean             collection,
                                 const char          *config,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *create = NULL;
  g_autofree char *configure = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *payload = NULL;

  g_task_set_source_tag (task, xgb_pubsub_service_create_async);
  g_task_set_task_data (task, g_strdup (node), g_free);

  /* A name XML cannot carry, or one the server would get changed (a
   * newline in an attribute arrives as a space), is never sent */
  {
    GError *error = NULL;

    if (node != NULL && !xgb_node_name_validate (node, &error))
      {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
      }
  }

  create = node ? g_markup_printf_escaped ("<create node='%s'/>", node) : g_strdup ("<create/>");
  if (config != NULL)
    configure = g_strconcat ("<configure>", config, "</configure>", NULL);
  else if (collection)
    configure = g_strdup ("<configure><x xmlns='jabber:x:data' type='submit'>"
                          "<field var='FORM_TYPE' type='hidden'><value>" XGB_NS_PUBSUB "#node_config</value></field>"
                          "<field var='pubsub#node_type'><value>collection</value></field>"
                          "</x></configure>");
  inner = g_strconcat (create, configure ? configure : "", NULL);
  payload = pubsub_payload (XGB_NS_PUBSUB, inner);

  change_async (self, collection ? "create-collection" : "create", node,
                config ? _("with configuration") : NULL, payload,
                xgb_pubsub_service_create_async, cancellable, create_done_cb, task);
}

char *
xgb_pubsub_service_create_finish (XgbPubsubService  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
owner_change_async (XgbPubsubService    *self,
                    const char          *action,
                    const char          *element,
                    const char          *node,
                    const char          *body,
                    const char          *detail,
                    gpointer             source_tag,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autofree char *open = g_markup_printf_escaped ("<%s node='%s'", element, node);
  g_autofree char *inner = NULL;
  g_autofree char *payload = NULL;

  if (body != NULL)
    inner = g_strdup_printf ("%s>%s</%s>", open, body, element);
  else
    inner = g_strconcat (open, "/>", NULL);
  payload = pubsub_payload (XGB_NS_PUBSUB_OWNER, inner);

  change_async (self, action, node, detail, payload, source_tag, cancellable, callback, user_data);
}

void
xgb_pubsub_service_delete_async (XgbPubsubService    *self,
                                 const char          *node,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  owner_change_async (self, "delete", "delete", node, NULL, NULL,
                      xgb_pubsub_service_delete_async, cancellable, callback, user_data);
}

void
xgb_pubsub_service_purge_async (XgbPubsubService    *self,
                                const char          *node,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  owner_change_async (self, "purge", "purge", node, NULL, NULL,
                      xgb_pubsub_service_purge_async, cancellable, callback, user_data);
}

/**
 * xgb_pubsub_service_set_config_async:
 * @submit_form: a `<x xmlns='jabber:x:data' type='submit'>` element
 */
void
xgb_pubsub_service_set_config_async (XgbPubsubService    *self,
                                     const char          *node,
                                     const char          *submit_form,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  owner_change_async (self, "configure", "configure", node, submit_form, NULL,
                      xgb_pubsub_service_set_config_async, cancellable, callback, user_data);
}

/* The JIDs of an owner's change: all valid, or nothing is sent (a
 * newline would reach the server as a space, a control character not at
 * all).  Reports the error to @callback. */
static gboolean
check_jids (XgbPubsubService    *self,
            GPtrArray           *entries,
            gpointer             source_tag,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  gboolean affiliations = source_tag == (gpointer) xgb_pubsub_service_set_affiliations_async;

  for (guint i = 0; i < entries->len; i++)
    {
      const char *jid = affiliations ? ((XgbPubsubAffiliation *) entries->pdata[i])->jid
                                     : ((XgbPubsubSubscription *) entries->pdata[i])->jid;

      if (!xgb_jid_is_valid (jid))
        {
          g_autofree char *quoted = xgb_input_quote (jid);

          g_task_report_new_error (self, callback, user_data, source_tag, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                                   _("“%s” is not a valid JID; nothing was sent."), quoted);
          return FALSE;
        }
    }
  return TRUE;
}

void
xgb_pubsub_service_set_affiliations_async (XgbPubsubService    *self,
                                           const char          *node,
                                           GPtrArray           *affiliations,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) detail = g_string_new (NULL);

  if (!check_jids (self, affiliations, xgb_pubsub_service_set_affiliations_async, callback, user_data))
    return;
  for (guint i = 0; i < affiliations->len; i++)
    {
      XgbPubsubAffiliation *a = affiliations->pdata[i];
      g_autofree char *element = g_markup_printf_escaped ("<affiliation jid='%s' affiliation='%s'/>",
                                                          a->jid, a->affiliation);

      g_string_append (body, element);
      g_string_append_printf (detail, "%s%s=%s", i ? ", " : "", a->jid, a->affiliation);
    }

  owner_change_async (self, "affiliations", "affiliations", node, body->str, detail->str,
                      xgb_pubsub_service_set_affiliations_async, cancellable, callback, user_data);
}

/**
 * xgb_pubsub_service_set_subscriptions_async:
 * @subscriptions: (element-type XgbPubsubSubscription): "subscribed" for
 *   another JID subscribes it, "none" unsubscribes it
 *
 * The owner `<subscriptions>` set: the way to subscribe or unsubscribe
 * another JID (a `<subscribe jid=other>` may be refused, XEP-0060
 * 6.1.3.1).
 */
void
xgb_pubsub_service_set_subscriptions_async (XgbPubsubService    *self,
                                            const char          *node,
                                            GPtrArray           *subscriptions,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) detail = g_string_new (NULL);

  if (!check_jids (self, subscriptions, xgb_pubsub_service_set_subscriptions_async, callback, user_data))
    return;
  for (guint i = 0; i < subscriptions->len; i++)
    {
      XgbPubsubSubscription *s = subscriptions->pdata[i];
      g_autofree char *element = NULL;

      if (s->subid != NULL)
        element = g_markup_printf_escaped ("<subscription jid='%s' subscription='%s' subid='%s'/>",
                                           s->jid, s->subscription, s->subid);
      else
        element = g_markup_printf_escaped ("<subscription jid='%s' subscription='%s'/>",
                                           s->jid, s->subscription);
      g_string_append (body, element);
      g_string_append_printf (detail, "%s%s=%s", i ? ", " : "", s->jid, s->subscription);
    }

  owner_change_async (self, "subscriptions", "subscriptions", node, body->str, detail->str,
                      xgb_pubsub_service_set_subscriptions_async, cancellable, callback, user_data);
}

/* --- forms: configuration and default ------------------------------- */

static gpointer
parse_form_reply (const xmlNode  *iq,
                  gpointer        element,
                  GError        **error)
{
  xmlNode *pubsub = reply_child (iq, g_str_equal (element, "options") ? XGB_NS_PUBSUB : XGB_NS_PUBSUB_OWNER);
  xmlNode *holder = xgb_xml_child (pubsub, element, NULL);
  xmlNode *x = xgb_xml_child (holder, "x", "jabber:x:data");
  xmlDoc *doc;

  if (x == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server’s answer holds no configuration form."));
      return NULL;
    }

  doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlDocSetRootElement (doc, xmlDocCopyNode (x, doc, 1));
  return doc;
}

void
xgb_pubsub_service_get_config_async (XgbPubsubService    *self,
                                     const char          *node,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *inner = g_markup_printf_escaped ("<configure node='%s'/>", node);
  g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB_OWNER, inner);

  request (self, "get", payload, parse_form_reply, (gpointer) "configure", NULL,
           (GDestroyNotify) xmlFreeDoc, xgb_pubsub_service_get_config_async,
           cancellable, callback, user_data);
}

void
xgb_pubsub_service_get_default_config_async (XgbPubsubService    *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB_OWNER, "<default/>");

  request (self, "get", payload, parse_form_reply, (gpointer) "default", NULL,
           (GDestroyNotify) xmlFreeDoc, xgb_pubsub_service_get_config_async,
           cancellable, callback, user_data);
}

xmlDoc *
xgb_pubsub_service_form_finish (XgbPubsubService  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  return request_finish (self, result, xgb_pubsub_service_get_config_async, error);
}

XgbForm *
xgb_pubsub_service_parsed_form_finish (XgbPubsubService  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_autoptr(xmlDoc) doc = xgb_pubsub_service_form_finish (self, result, error);

  return doc != NULL ? xgb_form_parse (xmlDocGetRootElement (doc), error) : NULL;
}

/* --- affiliations and subscriptions --------------------------------- */

static GPtrArray *
parse_owner_list (const xmlNode  *iq,
                  const char     *list,
                  const char     *entry,
                  GError        **error)
{
  xmlNode *pubsub = reply_child (iq, XGB_NS_PUBSUB_OWNER);
  xmlNode *holder = xgb_xml_child (pubsub, list, NULL);
  GPtrArray *result;
  gboolean is_affiliation = g_str_equal (entry, "affiliation");

  if (holder == NULL)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                   _("The server’s answer holds no %s."), list);
      return NULL;
    }

  result = g_ptr_array_new_with_free_func (is_affiliation ? (GDestroyNotify) xgb_pubsub_affiliation_free
                                                          : (GDestroyNotify) xgb_pubsub_subscription_free);
  for (xmlNode *c = holder->children; c != NULL; c = c->next)
    {
      g_autofree char *jid = NULL;
      g_autofree char *state = NULL;

      if (!xgb_xml_is (c, entry, NULL))
        continue;
      jid = xgb_xml_get_attr (c, "jid");
      state = xgb_xml_get_attr (c, entry);
      if (jid == NULL || state == NULL)
        continue;

      if (is_affiliation)
        {
          XgbPubsubAffiliation *a = g_new0 (XgbPubsubAffiliation, 1);

          a->jid = g_steal_pointer (&jid);
          a->affiliation = g_steal_pointer (&state);
          g_ptr_array_add (result, a);
        }
      else
        {
          XgbPubsubSubscription *s = g_new0 (XgbPubsubSubscription, 1);

          s->jid = g_steal_pointer (&jid);
          s->subscription = g_steal_pointer (&state);
          s->subid = xgb_xml_get_attr (c, "subid");
          g_ptr_array_add (result, s);
        }
    }

  return result;
}

GPtrArray *
xgb_pubsub_parse_affiliations (const xmlNode  *iq,
                               GError        **error)
{
  return parse_owner_list (iq, "affiliations", "affiliation", error);
}

GPtrArray *
xgb_pubsub_parse_subscriptions (const xmlNode  *iq,
                                GError        **error)
{
  return parse_owner_list (iq, "subscriptions", "subscription", error);
}

static gpointer
parse_affiliations_reply (const xmlNode  *iq,
                          gpointer        data,
                          GError        **error)
{
  return xgb_pubsub_parse_affiliations (iq, error);
}

static gpointer
parse_subscriptions_reply (const xmlNode  *iq,
                           gpointer        data,
                           GError        **error)
{
  return xgb_pubsub_parse_subscriptions (iq, error);
}

void
xgb_pubsub_service_get_affiliations_async (XgbPubsubService    *self,
                                           const char          *node,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autofree char *inner = g_markup_printf_escaped ("<affiliations node='%s'/>", node);
  g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB_OWNER, inner);

  request (self, "get", payload, parse_affiliations_reply, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, xgb_pubsub_service_get_affiliations_async,
           cancellable, callback, user_data);
}

void
xgb_pubsub_service_get_subscriptions_async (XgbPubsubService    *self,
                                            const char          *node,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autofree char *inner = g_markup_printf_escaped ("<subscriptions node='%s'/>", node);
  g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB_OWNER, inner);

  request (self, "get", payload, parse_subscriptions_reply, NULL, NULL,
           (GDestroyNotify) g_ptr_array_unref, xgb_pubsub_service_get_affiliations_async,
           cancellable, callback, user_data);
}

GPtrArray *
xgb_pubsub_service_list_finish (XgbPubsubService  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  return request_finish (self, result, xgb_pubsub_service_get_affiliations_async, error);
}

/* --- items ---------------------------------------------------------- */

static GDateTime *
parse_time (const xmlNode *node)
{
  g_autofree char *text = xgb_xml_get_text (node);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (text == NULL)
    return NULL;
  g_strstrip (text);
  return g_date_time_new_from_iso8601 (text, utc);
}

static const xmlNode *
find_descendant (const xmlNode *node,
                 const char    *name,
                 guint          depth)
{
  if (node == NULL || depth > 6)
    return NULL;

  for (const xmlNode *c = node->children; c != NULL; c = c->next)
    {
      const xmlNode *found;

      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp ((const char *) c->name, name) == 0)
        return c;
      found = find_descendant (c, name, depth + 1);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * xgb_pubsub_payload_timestamp:
 * @payload: an item's payload element
 *
 * Neither ejabberd nor Prosody tells when an item was published, so a
 * time comes only from well-known payload fields: Atom `<published>` or
 * `<updated>` (XEP-0277 and most feeds), IODEF `<ReportTime>` or
 * `GenerationTime`.  Never the time of fetching.
 *
 * Returns: (transfer full) (nullable): the time
 */
GDateTime *
xgb_pubsub_payload_timestamp (const xmlNode *payload)
{
  static const char * const fields[] = { "published", "updated", "ReportTime", "GenerationTime" };

  if (payload == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const xmlNode *field = strcmp ((const char *) payload->name, fields[i]) == 0
                               ? payload : find_descendant (payload, fields[i], 0);
      GDateTime *time = field ? parse_time (field) : NULL;

      if (time != NULL)
        return time;
    }

  return NULL;
}

static XgbPubsubItem *
parse_item (const xmlNode *element)
{
  XgbPubsubItem *item = g_new0 (XgbPubsubItem, 1);
  xmlNode *payload = NULL;

  item->id = xgb_xml_get_attr (element, "id");
  item->publisher = xgb_xml_get_attr (element, "publisher");
  for (xmlNode *c = element->children; c != NULL && payload == NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      payload = c;
  if (payload != NULL)
    {
      item->payload = xgb_xml_to_string (payload);
      item->size = strlen (item->payload);
      item->timestamp = xgb_pubsub_payload_timestamp (payload);
    }

  return item;
}

XgbPubsubItemPage *
xgb_pubsub_parse_items (const xmlNode  *iq,
                        GError        **error)
{
  xmlNode *pubsub = reply_child (iq, XGB_NS_PUBSUB);
  xmlNode *items = xgb_xml_child (pubsub, "items", NULL);
  XgbPubsubItemPage *page;

  if (items == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server’s answer holds no items."));
      return NULL;
    }

  page = g_new0 (XgbPubsubItemPage, 1);
  page->items = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_item_free);
  for (xmlNode *c = items->children; c != NULL; c = c->next)
    if (xgb_xml_is (c, "item", NULL))
      g_ptr_array_add (page->items, parse_item (c));
  page->rsm = xgb_rsm_parse (pubsub);

  return page;
}

/* Pages of items may be megabytes: they are parsed on a worker thread
 * (xmlDoc and the parser are the task's alone), not in the main loop. */
static void
items_parse_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  XgbPubsubItemPage *page = xgb_pubsub_parse_items (xmlDocGetRootElement (data), &error);

  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) xgb_pubsub_item_page_free);
}

static void
items_reply_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  xmlDoc *doc = xgb_connection_send_iq_finish (XGB_CONNECTION (object), result, &error);

  if (doc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, doc, (GDestroyNotify) xmlFreeDoc);
  g_task_run_in_thread (task, items_parse_thread);
}

static void
items_request (XgbPubsubService    *self,
               const char          *payload,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, xgb_pubsub_service_get_items_async);
  self->n_requests++;
  xgb_connection_send_iq_async (self->connection, "get", self->jid, payload, cancellable, items_reply_cb, task);
}

/**
 * xgb_pubsub_service_get_items_async:
 * @max: the page size (with RSM)
 * @after: (nullable): the page after this item (RSM)
 * @ids: (nullable): fetch exactly these items instead of a page
 *
 * A page of persisted items.  Where the service does not page (no RSM),
 * list the ids with xgb_pubsub_service_get_item_ids_async() and fetch
 * them here in batches, rather than every payload at once.
 */
void
xgb_pubsub_service_get_items_async (XgbPubsubService    *self,
                                    const char          *node,
                                    guint                max,
                                    const char          *after,
                                    const char * const  *ids,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *open = g_markup_printf_escaped ("<items node='%s'>", node);
  g_autoptr(GString) inner = g_string_new (open);
  g_autofree char *payload = NULL;

  if (ids != NULL)
    {
      for (guint i = 0; ids[i] != NULL; i++)
        {
          g_autofree char *item = g_markup_printf_escaped ("<item id='%s'/>", ids[i]);

          g_string_append (inner, item);
        }
      g_string_append (inner, "</items>");
    }
  else
    {
      g_autofree char *set = xgb_rsm_build (max, after, NULL, -1);

      g_string_append (inner, "</items>");
      g_string_append (inner, set);
    }
  payload = pubsub_payload (XGB_NS_PUBSUB, inner->str);

  items_request (self, payload, cancellable, callback, user_data);
}

/**
 * xgb_pubsub_service_get_first_items_async:
 * @max: the page size
 *
 * A topic's first page in one request, whether or not the service
 * pages: the RSM page of @max items where it does (the page then has an
 * RSM set; ejabberd), and otherwise the @max most recent items
 * (max_items, XEP-0060 6.5.7; Prosody) rather than every item.  Finish
 * with xgb_pubsub_service_get_items_finish().
 */
void
xgb_pubsub_service_get_first_items_async (XgbPubsubService    *self,
                                          const char          *node,
                                          guint                max,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autofree char *items = g_markup_printf_escaped ("<items node='%s' max_items='%u'/>", node, max);
  g_autofree char *set = xgb_rsm_build (max, NULL, NULL, -1);
  g_autofree char *inner = g_strconcat (items, set, NULL);
  g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB, inner);

  items_request (self, payload, cancellable, callback, user_data);
}

XgbPubsubItemPage *
xgb_pubsub_service_get_items_finish (XgbPubsubService  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  return request_finish (self, result, xgb_pubsub_service_get_items_async, error);
}

void
xgb_pubsub_item_ids_free (XgbPubsubItemIds *ids)
{
  if (ids == NULL)
    return;
  g_strfreev (ids->ids);
  g_free (ids);
}

static gpointer
parse_item_ids (const xmlNode  *iq,
                gpointer        data,
                GError        **error)
{
  g_autoptr(GPtrArray) items = xgb_disco_items_parse (iq, error);
  g_autoptr(XgbRsmResult) rsm = NULL;
  XgbPubsubItemIds *result;
  GPtrArray *ids;

  if (items == NULL)
    return NULL;

  result = g_new0 (XgbPubsubItemIds, 1);
  rsm = xgb_rsm_parse (xgb_xml_child (iq, "query", XGB_NS_DISCO_ITEMS));
  result->count = rsm ? rsm->count : -1;
  if (rsm != NULL)
    {
      /* It pages: the items themselves are read with RSM. */
      result->paged = TRUE;
      return result;
    }

  /* It ignored the RSM request and listed every item: one per
   * persisted item, its id as name. */
  ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < items->len; i++)
    {
      XgbDiscoItem *item = items->pdata[i];

      if (item->name != NULL)
        g_ptr_array_add (ids, g_strdup (item->name));
    }
  result->count = ids->len;
  g_ptr_array_add (ids, NULL);
  result->ids = (GStrv) g_ptr_array_free (ids, FALSE);

  return result;
}

/**
 * xgb_pubsub_service_get_item_ids_async:
 *
 * Learns how to read a topic's items without downloading every payload
 * at once: a disco#items of the node with an RSM page of one.  A server
 * that pages answers with a set (ejabberd, which does not advertise
 * RSM); one that does not lists every id (Prosody).
 */
void
xgb_pubsub_service_get_item_ids_async (XgbPubsubService    *self,
                                       const char          *node,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *head = g_markup_printf_escaped ("<query xmlns='%s' node='%s'>", XGB_NS_DISCO_ITEMS, node);
  g_autofree char *set = xgb_rsm_build (1, NULL, NULL, -1);
  g_autofree char *payload = g_strconcat (head, set, "</query>", NULL);

  request (self, "get", payload, parse_item_ids, NULL, NULL,
           (GDestroyNotify) xgb_pubsub_item_ids_free, xgb_pubsub_service_get_item_ids_async,
           cancellable, callback, user_data);
}

XgbPubsubItemIds *
xgb_pubsub_service_get_item_ids_finish (XgbPubsubService  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  return request_finish (self, result, xgb_pubsub_service_get_item_ids_async, error);
}

/* --- publish and retract -------------------------------------------- */

static void
publish_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = g_task_propagate_pointer (G_TASK (result), &error);
  xmlNode *publish;
  char *id;

  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  publish = xgb_xml_child (reply_child (xmlDocGetRootElement (doc), XGB_NS_PUBSUB), "publish", NULL);
  id = xgb_xml_get_attr (xgb_xml_child (publish, "item", NULL), "id");
  if (id == NULL)
    id = g_strdup (g_task_get_task_data (task));
  g_task_return_pointer (task, id ? id : g_strdup (""), g_free);
}

/**
 * xgb_pubsub_service_publish_async:
 * @id: (nullable): the item id; %NULL lets the server choose
 * @payload: one well-formed XML element
 */
void
xgb_pubsub_service_publish_async (XgbPubsubService    *self,
                                  const char          *node,
                                  const char          *id,
                                  const char          *payload,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *open = g_markup_printf_escaped ("<publish node='%s'>", node);
  g_autofree char *item = id ? g_markup_printf_escaped ("<item id='%s'>", id) : g_strdup ("<item>");
  g_autofree char *inner = g_strconcat (open, item, payload, "</item></publish>", NULL);
  g_autofree char *stanza = pubsub_payload (XGB_NS_PUBSUB, inner);

  g_task_set_source_tag (task, xgb_pubsub_service_publish_async);
  g_task_set_task_data (task, g_strdup (id), g_free);

  if (payload == NULL || !g_utf8_validate (payload, -1, NULL))
    {
      g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                               _("The payload is not valid UTF-8 text; nothing was published."));
      g_object_unref (task);
      return;
    }
  {
    g_autoptr(xmlDoc) check = xgb_xml_parse (payload, strlen (payload), NULL);

    if (check == NULL)
      {
        g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                                 _("The payload is not one well-formed XML element; nothing was published."));
        g_object_unref (task);
        return;
      }
  }

  change_async (self, "publish", node, id, stanza, xgb_pubsub_service_publish_async,
                cancellable, publish_done_cb, task);
}

char *
xgb_pubsub_service_publish_finish (XgbPubsubService  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char               *node;
  GPtrArray          *results;   /* of XgbPubsubRetractResult*, in the order of the ids */
  guint               next;
  guint               in_flight;
  guint               done;
  XgbRetractProgress  progress;
  gpointer            progress_data;
  GCancellable       *cancellable;   /* stops sending, not the report */
} Retract;

static void
retract_free (gpointer data)
{
  Retract *r = data;

  g_free (r->node);
  g_clear_pointer (&r->results, g_ptr_array_unref);
  g_clear_object (&r->cancellable);
  g_free (r);
}

static void retract_next (GTask *task);

typedef struct
{
  GTask *task;
  guint  index;
} RetractOne;

static void
retract_one_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RetractOne *one = user_data;
  g_autoptr(GTask) task = one->task;
  Retract *r = g_task_get_task_data (task);
  XgbPubsubRetractResult *res = r->results->pdata[one->index];
  XgbPubsubService *self = g_task_get_source_object (task);

  xgb_pubsub_service_change_finish (self, result, &res->error);
  g_free (one);

  r->in_flight--;
  r->done++;
  if (r->progress != NULL)
    r->progress (r->done, r->results->len, r->progress_data);

  retract_next (task);
}

static void
retract_next (GTask *task)
{
  Retract *r = g_task_get_task_data (task);
  XgbPubsubService *self = g_task_get_source_object (task);
  GCancellable *cancellable = r->cancellable;

  while (r->in_flight < MAX_IN_FLIGHT && r->next < r->results->len)
    {
      XgbPubsubRetractResult *res = r->results->pdata[r->next];
      RetractOne *one = g_new0 (RetractOne, 1);
      g_autofree char *open = g_markup_printf_escaped ("<retract node='%s'><item id='%s'/></retract>",
                                                       r->node, res->id);
      g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB, open);

      if (g_cancellable_is_cancelled (cancellable))
        {
          /* Not sent: say so per item, the rest of the report stays true. */
          for (; r->next < r->results->len; r->next++)
            {
              XgbPubsubRetractResult *skipped = r->results->pdata[r->next];

              skipped->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    _("Not retracted: cancelled before it was sent."));
            }
          g_free (one);
          break;
        }

      one->task = g_object_ref (task);
      one->index = r->next++;
      r->in_flight++;
      change_async (self, "retract", r->node, res->id, payload, xgb_pubsub_service_retract_async,
                    NULL, retract_one_cb, one);
    }

  if (r->in_flight == 0 && r->next >= r->results->len)
    g_task_return_pointer (task, g_ptr_array_ref (r->results), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * xgb_pubsub_service_retract_async:
 * @ids: the items to retract
 * @progress: (nullable): called after each answer
 *
 * Retracts items one request each, at most 32 in flight.  Cancelling
 * stops sending; what was sent is awaited, so the per-item results say
 * exactly what was and was not retracted.
 */
void
xgb_pubsub_service_retract_async (XgbPubsubService    *self,
                                  const char          *node,
                                  const char * const  *ids,
                                  XgbRetractProgress   progress,
                                  gpointer             progress_data,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  Retract *r = g_new0 (Retract, 1);

  g_task_set_source_tag (task, xgb_pubsub_service_retract_async);
  r->node = g_strdup (node);
  r->results = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_retract_result_free);
  r->progress = progress;
  r->progress_data = progress_data;
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      XgbPubsubRetractResult *res = g_new0 (XgbPubsubRetractResult, 1);

      res->id = g_strdup (ids[i]);
      g_ptr_array_add (r->results, res);
    }
  r->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  /* The task itself is not cancellable: it always reports per item. */
  g_task_set_task_data (task, r, retract_free);

  retract_next (task);
}

GPtrArray *
xgb_pubsub_service_retract_finish (XgbPubsubService  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- pending subscription requests ---------------------------------- */

/**
 * xgb_pubsub_parse_pending_nodes:
 * @iq: the answer to the get-pending ad-hoc command (XEP-0060 8.7.1)
 *
 * Returns: (transfer full): the nodes with requests waiting (the options
 *   of the form's pubsub#node field), each once: ejabberd names a node
 *   once per request waiting on it
 */
GStrv
xgb_pubsub_parse_pending_nodes (const xmlNode  *iq,
                                GError        **error)
{
  xmlNode *command = xgb_xml_child (iq, "command", XGB_NS_COMMANDS);
  g_autoptr(XgbForm) form = command ? xgb_form_find (command, NULL) : NULL;
  XgbFormField *field = form ? xgb_form_get_field (form, "pubsub#node") : NULL;
  GPtrArray *nodes;

  if (command == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server’s answer to the pending-requests command is not a command."));
      return NULL;
    }

  nodes = g_ptr_array_new ();
  for (guint i = 0; field != NULL && i < field->options->len; i++)
    {
      XgbFormOption *option = field->options->pdata[i];

      if (option->value != NULL &&
          !g_ptr_array_find_with_equal_func (nodes, option->value, g_str_equal, NULL))
        g_ptr_array_add (nodes, g_strdup (option->value));
    }
  g_ptr_array_add (nodes, NULL);
  return (GStrv) g_ptr_array_free (nodes, FALSE);
}

static gpointer
parse_pending_nodes_reply (const xmlNode  *iq,
                           gpointer        data,
                           GError        **error)
{
  return xgb_pubsub_parse_pending_nodes (iq, error);
}

/**
 * xgb_pubsub_service_get_pending_nodes_async:
 *
 * The nodes with subscription requests waiting, through the get-pending
 * ad-hoc command.  Prosody lacks it: the error says so.
 */
void
xgb_pubsub_service_get_pending_nodes_async (XgbPubsubService    *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  request (self, "set",
           "<command xmlns='" XGB_NS_COMMANDS "' node='" XGB_NODE_GET_PENDING "' action='execute'/>",
           parse_pending_nodes_reply, NULL, NULL, (GDestroyNotify) g_strfreev,
           xgb_pubsub_service_get_pending_nodes_async, cancellable, callback, user_data);
}

GStrv
xgb_pubsub_service_get_pending_nodes_finish (XgbPubsubService  *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  return request_finish (self, result, xgb_pubsub_service_get_pending_nodes_async, error);
}

/* After the command's answer the forms trickle in as messages: wait
 * until none came for this long (bounded by PENDING_MAX_WAIT_MS). */
#define PENDING_QUIET_MS    400
#define PENDING_MAX_WAIT_MS 5000

typedef struct
{
  XgbPubsubService *self;
  char             *node;
  GPtrArray        *found;     /* of XgbPubsubPending* */
  gulong            handler;
  guint             quiet_id;
  gint64            deadline;
  gboolean          answered;
} GetPending;

static void
get_pending_free (gpointer data)
{
  GetPending *g = data;

  g_clear_signal_handler (&g->handler, g->self);
  g_clear_object (&g->self);
  g_clear_handle_id (&g->quiet_id, g_source_remove);
  g_clear_pointer (&g->found, g_ptr_array_unref);
  g_free (g->node);
  g_free (g);
}

static gboolean
pending_quiet_cb (gpointer data)
{
  GTask *task = data;
  GetPending *g = g_task_get_task_data (task);

  g->quiet_id = 0;
  /* Returned once: forms coming later belong to no one */
  g_clear_signal_handler (&g->handler, g->self);
  g_task_return_pointer (task, g_ptr_array_ref (g->found), (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
restart_quiet (GTask *task)
{
  GetPending *g = g_task_get_task_data (task);
  gint64 left = (g->deadline - g_get_monotonic_time ()) / 1000;
  guint old = g->quiet_id;

  /* The new timer's reference first: the old timer's may be the task's
   * last one (a form that comes after the command's answer). */
  g->quiet_id = g_timeout_add ((guint) CLAMP (left, 0, PENDING_QUIET_MS), pending_quiet_cb,
                               g_object_ref (task));
  if (old != 0)
    {
      g_source_remove (old);
      g_object_unref (task);
    }
}

static void
pending_request_cb (XgbPubsubService       *self,
                    const XgbPubsubPending *pending,
                    GTask                  *task)
{
  GetPending *g = g_task_get_task_data (task);
  XgbPubsubPending *copy;

  if (g_strcmp0 (pending->node, g->node) != 0)
    return;
  copy = g_new0 (XgbPubsubPending, 1);
  copy->node = g_strdup (pending->node);
  copy->subscriber = g_strdup (pending->subscriber);
  copy->subid = g_strdup (pending->subid);
  g_ptr_array_add (g->found, copy);
  if (g->answered)
    restart_quiet (task);
}

static void
pending_command_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GetPending *g = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xgb_request_finish (XGB_CONNECTION (object), result,
                                              xgb_pubsub_service_get_pending_async, &error);

  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g->answered = TRUE;
  g->deadline = g_get_monotonic_time () + PENDING_MAX_WAIT_MS * 1000;
  restart_quiet (task);
}

/**
 * xgb_pubsub_service_get_pending_async:
 *
 * Asks for the pending requests of @node (XEP-0060 8.7.2): the service
 * answers with one authorization form per request, as messages; they
 * are collected until none has come for a moment.
 */
void
xgb_pubsub_service_get_pending_async (XgbPubsubService    *self,
                                      const char          *node,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GetPending *g = g_new0 (GetPending, 1);
  g_autofree char *value = g_markup_escape_text (node, -1);
  g_autofree char *payload = g_strdup_printf (
    "<command xmlns='" XGB_NS_COMMANDS "' node='" XGB_NODE_GET_PENDING "' action='execute'>"
    "<x xmlns='jabber:x:data' type='submit'>"
    "<field var='FORM_TYPE' type='hidden'><value>" XGB_FORM_SUBSCRIBE_AUTH "</value></field>"
    "<field var='pubsub#node'><value>%s</value></field></x></command>", value);

  g_task_set_source_tag (task, xgb_pubsub_service_get_pending_async);
  /* Its own reference: GTask lets go of its source object before the
   * task data, and the handler must be disconnected from a live object. */
  g->self = g_object_ref (self);
  g->node = g_strdup (node);
  g->found = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_pending_free);
  g_task_set_task_data (task, g, get_pending_free);
  g->handler = g_signal_connect (self, "pending-request", G_CALLBACK (pending_request_cb), task);

  self->n_requests++;
  xgb_request_async (self->connection, "set", self->jid, payload, parse_any_result, NULL, NULL,
                     (GDestroyNotify) xmlFreeDoc, xgb_pubsub_service_get_pending_async,
                     cancellable, pending_command_cb, task);
}

GPtrArray *
xgb_pubsub_service_get_pending_finish (XgbPubsubService  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * xgb_pubsub_service_answer_pending:
 * @allow: approve (%TRUE) or deny the request
 *
 * Sends the submitted authorization form (XEP-0060 8.6).  The protocol
 * has no answer: re-read the subscriptions to see the outcome.
 */
gboolean
xgb_pubsub_service_answer_pending (XgbPubsubService        *self,
                                   const XgbPubsubPending  *pending,
                                   gboolean                 allow,
                                   GError                 **error)
{
  g_autoptr(GString) form = g_string_new ("<x xmlns='jabber:x:data' type='submit'>"
                                          "<field var='FORM_TYPE' type='hidden'><value>"
                                          XGB_FORM_SUBSCRIBE_AUTH "</value></field>");
  g_autofree char *fields = NULL;
  g_autofree char *detail = NULL;
  gboolean ok;
  g_autoptr(GError) local_error = NULL;

  if (pending->subid != NULL)
    {
      g_autofree char *subid = g_markup_printf_escaped ("<field var='pubsub#subid'><value>%s</value></field>",
                                                        pending->subid);
      g_string_append (form, subid);
    }
  fields = g_markup_printf_escaped ("<field var='pubsub#node'><value>%s</value></field>"
                                    "<field var='pubsub#subscriber_jid'><value>%s</value></field>"
                                    "<field var='pubsub#allow'><value>%s</value></field></x>",
                                    pending->node, pending->subscriber, allow ? "true" : "false");
  g_string_append (form, fields);

  ok = xgb_connection_send_message (self->connection, self->jid, form->str, &local_error);
  detail = g_strdup_printf ("%s %s", allow ? "approve" : "deny", pending->subscriber);
  report_change (self, allow ? "approve" : "deny", pending->node, detail, local_error);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

/* --- collections (XEP-0248) ----------------------------------------- */

/**
 * xgb_pubsub_service_associate_async:
 * @associate: %TRUE to make @node a child of @collection, %FALSE to
 *   dissociate it
 *
 * Finish with xgb_pubsub_service_change_finish().
 */
void
xgb_pubsub_service_associate_async (XgbPubsubService    *self,
                                    const char          *collection,
                                    const char          *node,
                                    gboolean             associate,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *inner = g_markup_printf_escaped ("<collection node='%s'><%s node='%s'/></collection>",
                                                    collection, associate ? "associate" : "dissociate", node);
  g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB_OWNER, inner);
  g_autofree char *detail = g_strdup_printf ("%s %s", associate ? "associate" : "dissociate", node);

  change_async (self, associate ? "associate" : "dissociate", collection, detail, payload,
                xgb_pubsub_service_associate_async, cancellable, callback, user_data);
}

/* Parents are found top-down: from the top-level nodes, every node's
 * children (disco#items), at most 8 requests in flight, until the graph
 * reachable from the top is known.  A Grid has a few top-level
 * collections (the reference scale says 1 to 4), and this works for
 * admins who may not read the nodes' configuration. */
#define WALK_IN_FLIGHT 8
#define WALK_MAX_NODES 20000

typedef struct
{
  char       *node;
  GHashTable *parents;    /* child -> GPtrArray of parent names */
  GHashTable *seen;       /* node names asked about */
  GQueue      queue;      /* of char*: nodes to ask about */
  guint       in_flight;
  GError     *error;
} Walk;

static void
walk_free (gpointer data)
{
  Walk *walk = data;

  g_free (walk->node);
  g_hash_table_unref (walk->parents);
  g_hash_table_unref (walk->seen);
  g_queue_clear_full (&walk->queue, g_free);
  g_clear_error (&walk->error);
  g_free (walk);
}

static void walk_next (GTask *task);

typedef struct
{
  GTask *task;
  char  *parent;   /* NULL for the top level */
} WalkStep;

static void
walk_add_children (Walk       *walk,
                   const char *parent,
                   GPtrArray  *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      XgbDiscoItem *item = items->pdata[i];
      GPtrArray *parents;

      if (item->node == NULL)
        continue;   /* an item id, not a child node */
      if (parent != NULL)
        {
          parents = g_hash_table_lookup (walk->parents, item->node);
          if (parents == NULL)
            {
              parents = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (walk->parents, g_strdup (item->node), parents);
            }
          if (!g_ptr_array_find_with_equal_func (parents, parent, g_str_equal, NULL))
            g_ptr_array_add (parents, g_strdup (parent));
        }
      if (!g_hash_table_contains (walk->seen, item->node) &&
          g_hash_table_size (walk->seen) < WALK_MAX_NODES)
        {
          g_hash_table_add (walk->seen, g_strdup (item->node));
          g_queue_push_tail (&walk->queue, g_strdup (item->node));
        }
    }
}

static void
walk_step_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  WalkStep *step = user_data;
  g_autoptr(GTask) task = step->task;
  Walk *walk = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubNodePage) page = xgb_pubsub_service_list_nodes_finish (XGB_PUBSUB_SERVICE (object),
                                                                            result, &error);

  walk->in_flight--;
  if (page != NULL)
    walk_add_children (walk, step->parent, page->nodes);
  else if (step->parent == NULL && walk->error == NULL)
    walk->error = g_steal_pointer (&error);   /* the top level must answer */
  /* A leaf may refuse disco#items (item-not-found, forbidden): no children. */

  g_free (step->parent);
  g_free (step);
  walk_next (task);
}

static void
walk_next (GTask *task)
{
  Walk *walk = g_task_get_task_data (task);
  XgbPubsubService *self = g_task_get_source_object (task);

  while (walk->error == NULL && walk->in_flight < WALK_IN_FLIGHT && !g_queue_is_empty (&walk->queue))
    {
      WalkStep *step = g_new0 (WalkStep, 1);

      step->task = g_object_ref (task);
      step->parent = g_queue_pop_head (&walk->queue);
      walk->in_flight++;
      /* Large pages: the walk wants whole lists, not a view. */
      xgb_pubsub_service_list_nodes_async (self, step->parent, NULL, 1000,
                                           g_task_get_cancellable (task), walk_step_cb, step);
    }

  if (walk->in_flight > 0)
    return;

  if (walk->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&walk->error));
      return;
    }

  {
    /* Transitive parents of the node, nearest first, each once. */
    GPtrArray *result = g_ptr_array_new ();
    GQueue todo = G_QUEUE_INIT;
    g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);

    g_queue_push_tail (&todo, walk->node);
    while (!g_queue_is_empty (&todo))
      {
        const char *current = g_queue_pop_head (&todo);
        GPtrArray *parents = g_hash_table_lookup (walk->parents, current);

        for (guint i = 0; parents != NULL && i < parents->len; i++)
          if (!g_hash_table_contains (done, parents->pdata[i]))
            {
              g_hash_table_add (done, parents->pdata[i]);
              g_ptr_array_add (result, g_strdup (parents->pdata[i]));
              g_queue_push_tail (&todo, parents->pdata[i]);
            }
      }
    g_ptr_array_add (result, NULL);
    g_task_return_pointer (task, g_ptr_array_free (result, FALSE), (GDestroyNotify) g_strfreev);
  }
}

void
xgb_pubsub_service_get_parents_async (XgbPubsubService    *self,
                                      const char          *node,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Walk *walk = g_new0 (Walk, 1);
  WalkStep *step;

  g_task_set_source_tag (task, xgb_pubsub_service_get_parents_async);
  walk->node = g_strdup (node);
  walk->parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  walk->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&walk->queue);
  g_task_set_task_data (task, walk, walk_free);

  /* A flat service has no parents to find. */
  if (!xgb_pubsub_service_has (self, XGB_PUBSUB_CAP_COLLECTIONS))
    {
      g_task_return_pointer (task, g_new0 (char *, 1), (GDestroyNotify) g_strfreev);
      g_object_unref (task);
      return;
    }

  step = g_new0 (WalkStep, 1);
  step->task = task;
  walk->in_flight++;
  xgb_pubsub_service_list_nodes_async (self, NULL, NULL, 1000, cancellable, walk_step_cb, step);
}

GStrv
xgb_pubsub_service_get_parents_finish (XgbPubsubService  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- does the service really nest? ----------------------------------- */

/* Per-node look-ups, as for rows: a few, at most 8 in flight */
#define NESTING_SAMPLE 8

typedef struct
{
  guint              in_flight;
  gboolean           nests;
  GError            *error;
  XgbPubsubNodePage *top;     /* the top level it read */
} Nesting;

static void
nesting_free (gpointer data)
{
  Nesting *n = data;

  g_clear_error (&n->error);
  g_clear_pointer (&n->top, xgb_pubsub_node_page_free);
  g_free (n);
}

static void
nesting_child_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Nesting *n = g_task_get_task_data (task);
  g_autoptr(XgbPubsubNodePage) page = xgb_pubsub_service_list_nodes_finish (XGB_PUBSUB_SERVICE (object),
                                                                            result, NULL);

  for (guint i = 0; page != NULL && i < page->nodes->len; i++)
    if (((XgbDiscoItem *) page->nodes->pdata[i])->node != NULL)
      n->nests = TRUE;

  if (--n->in_flight == 0)
    g_task_return_boolean (task, n->nests);
}

static void
nesting_top_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XgbPubsubService *self = XGB_PUBSUB_SERVICE (object);
  Nesting *n = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubNodePage) page = xgb_pubsub_service_list_nodes_finish (self, result, &error);

  if (page == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A sample of the top level: a nesting service has children under
   * its few top-level collections.  Names without a "/" first: a flat
   * service's path-like names are leaves, a collection's name seldom
   * is a path. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < page->nodes->len && n->in_flight < NESTING_SAMPLE; i++)
      {
        XgbDiscoItem *item = page->nodes->pdata[i];

        if (item->node == NULL || (strchr (item->node, '/') == NULL) != (pass == 0))
          continue;
        n->in_flight++;
        xgb_pubsub_service_list_nodes_async (self, item->node, NULL, 10, g_task_get_cancellable (task),
                                             nesting_child_cb, g_object_ref (task));
      }
  /* The listing is kept for the hierarchy: it need not ask again. */
  n->top = g_steal_pointer (&page);
  if (n->in_flight == 0)
    g_task_return_boolean (task, FALSE);
}

/**
 * xgb_pubsub_service_detect_nesting_async:
 *
 * Whether the service really nests nodes.  ejabberd and libervia-pubsub
 * advertise collections yet list every node at the top and none under
 * a "collection": such a service counts as flat.
 */
void
xgb_pubsub_service_detect_nesting_async (XgbPubsubService    *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, xgb_pubsub_service_detect_nesting_async);
  g_task_set_task_data (task, g_new0 (Nesting, 1), nesting_free);

  if (!xgb_pubsub_service_has (self, XGB_PUBSUB_CAP_COLLECTIONS))
    {
      g_task_return_boolean (task, FALSE);
      g_object_unref (task);
      return;
    }
  xgb_pubsub_service_list_nodes_async (self, NULL, NULL, 1000, cancellable, nesting_top_cb, task);
}

gboolean
xgb_pubsub_service_detect_nesting_finish (XgbPubsubService  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xgb_pubsub_service_detect_nesting_steal_top_level:
 * @result: the result given to xgb_pubsub_service_detect_nesting_async()'s
 *   callback
 *
 * The first page of the top level the detection read, so that the
 * hierarchy need not list it again (see xgb_node_tree_load_page()).
 *
 * Returns: (transfer full) (nullable): the page; %NULL when the
 *   detection listed nothing (or it was taken already)
 */
XgbPubsubNodePage *
xgb_pubsub_service_detect_nesting_steal_top_level (XgbPubsubService *self,
                                                   GAsyncResult     *result)
{
  Nesting *n;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  n = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&n->top);
}

/* --- the own subscription, and subscription options ------------------ */

static void
subscribed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = g_task_propagate_pointer (G_TASK (result), &error);
  xmlNode *subscription;
  char *state;

  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  subscription = xgb_xml_child (reply_child (xmlDocGetRootElement (doc), XGB_NS_PUBSUB), "subscription", NULL);
  state = xgb_xml_get_attr (subscription, "subscription");
  /* XEP-0060 6.1.2: a reply without state means subscribed */
  g_task_return_pointer (task, state ? state : g_strdup ("subscribed"), g_free);
}

/**
 * xgb_pubsub_service_subscribe_async:
 *
 * Subscribes the logged-in account itself (a Consumer's request: on an
 * "authorize" node it stays pending until an owner approves).  To
 * subscribe another JID, owners use the subscriptions set.
 */
void
xgb_pubsub_service_subscribe_async (XgbPubsubService    *self,
                                    const char          *node,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *bare = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *payload = NULL;

  {
    g_autoptr(XgbJid) jid = xgb_jid_parse (xgb_connection_get_jid (self->connection), NULL);

    bare = jid ? xgb_jid_to_bare (jid) : g_strdup (xgb_connection_get_params (self->connection)->jid);
  }
  inner = g_markup_printf_escaped ("<subscribe node='%s' jid='%s'/>", node, bare);
  payload = pubsub_payload (XGB_NS_PUBSUB, inner);
  g_task_set_source_tag (task, xgb_pubsub_service_subscribe_async);

  change_async (self, "subscribe", node, bare, payload, xgb_pubsub_service_subscribe_async,
                cancellable, subscribed_cb, task);
}

char *
xgb_pubsub_service_subscribe_finish (XgbPubsubService  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
options_element (const char *node,
                 const char *jid,
                 const char *subid,
                 const char *body)
{
  g_autofree char *open = subid
    ? g_markup_printf_escaped ("<options node='%s' jid='%s' subid='%s'", node, jid, subid)
    : g_markup_printf_escaped ("<options node='%s' jid='%s'", node, jid);

  return body ? g_strdup_printf ("%s>%s</options>", open, body) : g_strconcat (open, "/>", NULL);
}

/**
 * xgb_pubsub_service_get_options_async:
 * @subid: (nullable): for a JID with several subscriptions
 *
 * A subscription's options form (XEP-0060 6.3).
 */
void
xgb_pubsub_service_get_options_async (XgbPubsubService    *self,
                                      const char          *node,
                                      const char          *jid,
                                      const char          *subid,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *inner = options_element (node, jid, subid, NULL);
  g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB, inner);

  request (self, "get", payload, parse_form_reply, (gpointer) "options", NULL,
           (GDestroyNotify) xmlFreeDoc, xgb_pubsub_service_get_config_async,
           cancellable, callback, user_data);
}

/**
 * xgb_pubsub_service_set_options_async:
 * @submit_form: a submitted `pubsub#subscribe_options` form
 *
 * Finish with xgb_pubsub_service_change_finish().
 */
void
xgb_pubsub_service_set_options_async (XgbPubsubService    *self,
                                      const char          *node,
                                      const char          *jid,
                                      const char          *subid,
                                      const char          *submit_form,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *inner = options_element (node, jid, subid, submit_form);
  g_autofree char *payload = pubsub_payload (XGB_NS_PUBSUB, inner);

  change_async (self, "subscription-options", node, jid, payload,
                xgb_pubsub_service_set_options_async, cancellable, callback, user_data);
}

/* --- for the fuzz targets (xgb-pubsub-private.h) --------------------- */

XgbPubsubNodePage *
_xgb_pubsub_parse_node_page (const xmlNode  *iq,
                             GError        **error)
{
  return parse_node_page (iq, NULL, error);
}

XgbPubsubNodeInfo *
_xgb_pubsub_parse_node_info (const xmlNode  *iq,
                             const char     *node,
                             GError        **error)
{
  return parse_node_info (iq, (gpointer) node, error);
}

xmlDoc *
_xgb_pubsub_parse_form_reply (const xmlNode  *iq,
                              const char     *element,
                              GError        **error)
{
  return parse_form_reply (iq, (gpointer) element, error);
}

XgbPubsubItemIds *
_xgb_pubsub_parse_item_ids (const xmlNode  *iq,
                            GError        **error)
{
  return parse_item_ids (iq, NULL, error);
}
