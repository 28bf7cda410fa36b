/* xgb-disco.h - service discovery (XEP-0030) and finding the Broker
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "xgb-connection.h"

G_BEGIN_DECLS

#define XGB_NS_DISCO_INFO  "http://jabber.org/protocol/disco#info"
#define XGB_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"

typedef struct
{
  char *category;
  char *type;
  char *name;   /* nullable */
} XgbDiscoIdentity;

typedef struct
{
  char      *jid;
  char      *node;        /* nullable */
  GPtrArray *identities;  /* of XgbDiscoIdentity* */
  GPtrArray *features;    /* of char*, sorted */
  GPtrArray *forms;       /* of XgbForm*: extended information (XEP-0128),
                             e.g. pubsub#meta-data */
} XgbDiscoInfo;

typedef struct
{
  char *jid;
  char *node;   /* nullable */
  char *name;   /* nullable */
} XgbDiscoItem;

XgbDiscoInfo  *xgb_disco_info_parse        (const xmlNode  *iq,
                                            GError        **error);
void           xgb_disco_info_free         (XgbDiscoInfo   *info);
gboolean       xgb_disco_info_has_identity (const XgbDiscoInfo *info,
                                            const char     *category,
                                            const char     *type);
gboolean       xgb_disco_info_has_feature  (const XgbDiscoInfo *info,
                                            const char     *feature);
const char    *xgb_disco_info_get_form_value (const XgbDiscoInfo *info,
                                            const char     *form_type,
                                            const char     *var);

GPtrArray     *xgb_disco_items_parse       (const xmlNode  *iq,
                                            GError        **error);
void           xgb_disco_item_free         (XgbDiscoItem   *item);

void           xgb_disco_info_async        (XgbConnection  *connection,
                                            const char     *jid,
                                            const char     *node,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
XgbDiscoInfo  *xgb_disco_info_finish       (XgbConnection  *connection,
                                            GAsyncResult   *result,
                                            GError        **error);

void           xgb_disco_items_async       (XgbConnection  *connection,
                                            const char     *jid,
                                            const char     *node,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
GPtrArray     *xgb_disco_items_finish      (XgbConnection  *connection,
                                            GAsyncResult   *result,
                                            GError        **error);

void           xgb_find_broker_async       (XgbConnection  *connection,
                                            const char     *broker,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
XgbDiscoInfo  *xgb_find_broker_finish      (XgbConnection  *connection,
                                            GAsyncResult   *result,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbDiscoInfo, xgb_disco_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbDiscoItem, xgb_disco_item_free)

G_END_DECLS
