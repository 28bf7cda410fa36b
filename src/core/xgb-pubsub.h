/* xgb-pubsub.h - the Broker: a publish-subscribe service (XEP-0060)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "xgb-connection.h"
#include "xgb-disco.h"
#include "xgb-form.h"
#include "xgb-rsm.h"

G_BEGIN_DECLS

#define XGB_NS_PUBSUB        "http://jabber.org/protocol/pubsub"
#define XGB_NS_PUBSUB_OWNER  "http://jabber.org/protocol/pubsub#owner"
#define XGB_NS_PUBSUB_EVENT  "http://jabber.org/protocol/pubsub#event"

/**
 * XgbPubsubCaps:
 * What the service says it supports (disco#info features), so that views
 * can hide or disable what it cannot do instead of failing late.
 */
typedef enum
{
  XGB_PUBSUB_CAP_CREATE_NODES           = 1 << 0,
  XGB_PUBSUB_CAP_CREATE_AND_CONFIGURE   = 1 << 1,
  XGB_PUBSUB_CAP_CONFIG_NODE            = 1 << 2,
  XGB_PUBSUB_CAP_DELETE_NODES           = 1 << 3,
  XGB_PUBSUB_CAP_PURGE_NODES            = 1 << 4,
  XGB_PUBSUB_CAP_PUBLISH                = 1 << 5,
  XGB_PUBSUB_CAP_RETRACT_ITEMS          = 1 << 6,
  XGB_PUBSUB_CAP_RETRIEVE_ITEMS         = 1 << 7,
  XGB_PUBSUB_CAP_PERSISTENT_ITEMS       = 1 << 8,
  XGB_PUBSUB_CAP_MANAGE_SUBSCRIPTIONS   = 1 << 9,
  XGB_PUBSUB_CAP_MODIFY_AFFILIATIONS    = 1 << 10,
  XGB_PUBSUB_CAP_RETRIEVE_SUBSCRIPTIONS = 1 << 11,
  XGB_PUBSUB_CAP_RETRIEVE_AFFILIATIONS  = 1 << 12,
  XGB_PUBSUB_CAP_RETRIEVE_DEFAULT       = 1 << 13,
  XGB_PUBSUB_CAP_GET_PENDING            = 1 << 14,
  XGB_PUBSUB_CAP_ACCESS_WHITELIST       = 1 << 15,
  XGB_PUBSUB_CAP_ACCESS_AUTHORIZE       = 1 << 16,
  XGB_PUBSUB_CAP_COLLECTIONS            = 1 << 17,
  XGB_PUBSUB_CAP_PUBLISHER_AFFILIATION  = 1 << 18,
  XGB_PUBSUB_CAP_SUBSCRIBE              = 1 << 19,
  XGB_PUBSUB_CAP_RSM                    = 1 << 20,
  XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS   = 1 << 21,
} XgbPubsubCaps;

typedef struct
{
  XgbPubsubCaps  cap;
  const char    *feature;   /* without the pubsub# prefix where it has one */
} XgbPubsubCapName;

const XgbPubsubCapName *xgb_pubsub_cap_names (guint *n_names);

/* Results ------------------------------------------------------------ */

typedef struct
{
  GPtrArray    *nodes;   /* of XgbDiscoItem* */
  XgbRsmResult *rsm;     /* nullable: the server did not page */
} XgbPubsubNodePage;

typedef struct
{
  char         *node;
  gboolean      is_collection;
  char         *title;   /* nullable */
  XgbDiscoInfo *info;
} XgbPubsubNodeInfo;

typedef struct
{
  char *jid;
  char *affiliation;     /* owner, publisher, publish-only, member, none, outcast */
} XgbPubsubAffiliation;

typedef struct
{
  char *jid;
  char *subscription;    /* subscribed, pending, unconfigured, none */
  char *subid;           /* nullable */
} XgbPubsubSubscription;

typedef struct
{
  char      *id;
  char      *publisher;  /* nullable: only when the server reports it */
  GDateTime *timestamp;  /* nullable: only from the payload, never the fetch time */
  char      *payload;    /* the item's child element, serialized; nullable */
  gsize      size;       /* bytes of @payload */
} XgbPubsubItem;

typedef struct
{
  GPtrArray    *items;   /* of XgbPubsubItem* */
  XgbRsmResult *rsm;     /* nullable */
} XgbPubsubItemPage;

typedef struct
{
  char   *id;
  GError *error;         /* NULL when retracted */
} XgbPubsubRetractResult;

/**
 * XgbPubsubItemIds:
 * How a topic's items can be read: @paged when the server answered the
 * probe with an RSM set (then page the items with RSM, @count is its
 * size when told); otherwise @ids lists every item id (the server does
 * not page: fetch the items by id in batches).
 */
typedef struct
{
  gboolean  paged;
  gint64    count;
  GStrv     ids;         /* NULL when @paged */
} XgbPubsubItemIds;

/**
 * XgbPubsubChange:
 * One change the core made (or tried to make) on the Broker: the hook
 * the audit trail is built on.
 */
typedef struct
{
  const char   *account;   /* who */
  const char   *service;
  const char   *action;    /* "create", "delete", "purge", "configure", "publish",
                              "retract", "affiliations", "subscriptions" */
  const char   *node;      /* target */
  const char   *detail;    /* nullable: parameters, human-readable */
  const GError *error;     /* NULL when it succeeded */
} XgbPubsubChange;

/**
 * XgbPubsubPending:
 * A subscription request waiting for an owner's decision (access model
 * "authorize"), from an authorization form the service sent.
 */
typedef struct
{
  char *node;
  char *subscriber;
  char *subid;   /* nullable */
} XgbPubsubPending;

#define XGB_NS_COMMANDS           "http://jabber.org/protocol/commands"
#define XGB_NODE_GET_PENDING      XGB_NS_PUBSUB "#get-pending"
#define XGB_FORM_SUBSCRIBE_AUTH   XGB_NS_PUBSUB "#subscribe_authorization"

typedef void (*XgbRetractProgress) (guint    done,
                                    guint    total,
                                    gpointer user_data);

/* The service ------------------------------------------------------- */

#define XGB_TYPE_PUBSUB_SERVICE (xgb_pubsub_service_get_type ())
G_DECLARE_FINAL_TYPE (XgbPubsubService, xgb_pubsub_service, XGB, PUBSUB_SERVICE, GObject)

XgbPubsubService   *xgb_pubsub_service_new             (XgbConnection      *connection,
                                                        const XgbDiscoInfo *info);
XgbConnection      *xgb_pubsub_service_get_connection  (XgbPubsubService   *self);
const char         *xgb_pubsub_service_get_jid         (XgbPubsubService   *self);
const XgbDiscoInfo *xgb_pubsub_service_get_info        (XgbPubsubService   *self);
XgbPubsubCaps       xgb_pubsub_service_get_caps        (XgbPubsubService   *self);
gboolean            xgb_pubsub_service_has             (XgbPubsubService   *self,
                                                        XgbPubsubCaps       caps);
guint               xgb_pubsub_service_get_n_requests  (XgbPubsubService   *self);

void                xgb_pubsub_service_list_nodes_async    (XgbPubsubService *self,
                                                            const char       *collection,
                                                            const char       *after,
                                                            guint             max,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
XgbPubsubNodePage  *xgb_pubsub_service_list_nodes_finish   (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_node_info_async     (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
XgbPubsubNodeInfo  *xgb_pubsub_service_node_info_finish    (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_create_async        (XgbPubsubService *self,
                                                            const char       *node,
                                                            gboolean          collection,
                                                            const char       *config,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
char               *xgb_pubsub_service_create_finish       (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_delete_async        (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
void                xgb_pubsub_service_purge_async         (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
void                xgb_pubsub_service_set_config_async    (XgbPubsubService *self,
                                                            const char       *node,
                                                            const char       *submit_form,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
void                xgb_pubsub_service_set_affiliations_async (XgbPubsubService *self,
                                                            const char       *node,
                                                            GPtrArray        *affiliations,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
void                xgb_pubsub_service_set_subscriptions_async (XgbPubsubService *self,
                                                            const char       *node,
                                                            GPtrArray        *subscriptions,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* The finish of every change without a result of its own */
gboolean            xgb_pubsub_service_change_finish       (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_get_config_async    (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
void                xgb_pubsub_service_get_default_config_async (XgbPubsubService *self,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* Returns the `<x xmlns='jabber:x:data'>` form's xmlNode owner document */
xmlDoc             *xgb_pubsub_service_form_finish         (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);
/* The same, parsed: the form to show or fill */
XgbForm            *xgb_pubsub_service_parsed_form_finish  (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_get_affiliations_async (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
void                xgb_pubsub_service_get_subscriptions_async (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* (element-type XgbPubsubAffiliation or XgbPubsubSubscription) */
GPtrArray          *xgb_pubsub_service_list_finish         (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_get_items_async     (XgbPubsubService *self,
                                                            const char       *node,
                                                            guint             max,
                                                            const char       *after,
                                                            const char * const *ids,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
void                xgb_pubsub_service_get_first_items_async (XgbPubsubService *self,
                                                            const char       *node,
                                                            guint             max,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
XgbPubsubItemPage  *xgb_pubsub_service_get_items_finish    (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_get_item_ids_async  (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
XgbPubsubItemIds   *xgb_pubsub_service_get_item_ids_finish (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_publish_async       (XgbPubsubService *self,
                                                            const char       *node,
                                                            const char       *id,
                                                            const char       *payload,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
char               *xgb_pubsub_service_publish_finish      (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_retract_async       (XgbPubsubService *self,
                                                            const char       *node,
                                                            const char * const *ids,
                                                            XgbRetractProgress progress,
                                                            gpointer          progress_data,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* (element-type XgbPubsubRetractResult) one per id, in order */
GPtrArray          *xgb_pubsub_service_retract_finish      (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                xgb_pubsub_service_get_pending_nodes_async (XgbPubsubService *self,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
GStrv               xgb_pubsub_service_get_pending_nodes_finish (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);
void                xgb_pubsub_service_get_pending_async   (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* (element-type XgbPubsubPending) */
GPtrArray          *xgb_pubsub_service_get_pending_finish  (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);
gboolean            xgb_pubsub_service_answer_pending      (XgbPubsubService *self,
                                                            const XgbPubsubPending *pending,
                                                            gboolean          allow,
                                                            GError          **error);

void                xgb_pubsub_service_associate_async     (XgbPubsubService *self,
                                                            const char       *collection,
                                                            const char       *node,
                                                            gboolean          associate,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
void                xgb_pubsub_service_get_parents_async   (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* The transitive parent collections, nearest first */
GStrv               xgb_pubsub_service_get_parents_finish  (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);
void                xgb_pubsub_service_detect_nesting_async (XgbPubsubService *self,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* TRUE when some top-level node has child nodes */
gboolean            xgb_pubsub_service_detect_nesting_finish (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);
XgbPubsubNodePage  *xgb_pubsub_service_detect_nesting_steal_top_level (XgbPubsubService *self,
                                                            GAsyncResult     *result);

void                xgb_pubsub_service_subscribe_async     (XgbPubsubService *self,
                                                            const char       *node,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* The new subscription's state: "subscribed", "pending" or "unconfigured" */
char               *xgb_pubsub_service_subscribe_finish    (XgbPubsubService *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);
void                xgb_pubsub_service_get_options_async   (XgbPubsubService *self,
                                                            const char       *node,
                                                            const char       *jid,
                                                            const char       *subid,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);
/* finished with xgb_pubsub_service_form_finish() */
void                xgb_pubsub_service_set_options_async   (XgbPubsubService *self,
                                                            const char       *node,
                                                            const char       *jid,
                                                            const char       *subid,
                                                            const char       *submit_form,
                                                            GCancellable     *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer          user_data);

/* Parsers, public for the tests */
XgbPubsubPending   *xgb_pubsub_parse_authorization (const xmlNode *message);
GStrv               xgb_pubsub_parse_pending_nodes (const xmlNode *iq,
                                                  GError       **error);
XgbPubsubItemPage  *xgb_pubsub_parse_items       (const xmlNode *iq,
                                                  GError       **error);
GPtrArray          *xgb_pubsub_parse_affiliations (const xmlNode *iq,
                                                  GError       **error);
GPtrArray          *xgb_pubsub_parse_subscriptions (const xmlNode *iq,
                                                  GError       **error);
GDateTime          *xgb_pubsub_payload_timestamp (const xmlNode *payload);

void                xgb_pubsub_node_page_free    (XgbPubsubNodePage *page);
void                xgb_pubsub_node_info_free    (XgbPubsubNodeInfo *info);
void                xgb_pubsub_item_page_free    (XgbPubsubItemPage *page);
void                xgb_pubsub_item_free         (XgbPubsubItem     *item);
void                xgb_pubsub_affiliation_free  (XgbPubsubAffiliation *affiliation);
void                xgb_pubsub_subscription_free (XgbPubsubSubscription *subscription);
void                xgb_pubsub_retract_result_free (XgbPubsubRetractResult *result);
void                xgb_pubsub_item_ids_free     (XgbPubsubItemIds  *ids);
void                xgb_pubsub_pending_free      (XgbPubsubPending  *pending);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbPubsubNodePage, xgb_pubsub_node_page_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbPubsubNodeInfo, xgb_pubsub_node_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbPubsubItemPage, xgb_pubsub_item_page_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbPubsubItemIds, xgb_pubsub_item_ids_free)

G_END_DECLS
