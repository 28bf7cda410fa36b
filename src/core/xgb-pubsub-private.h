/* xgb-pubsub-private.h - the reply parsers the service keeps to itself,
 * reachable for the fuzz targets (tests/fuzz)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "xgb-pubsub.h"

G_BEGIN_DECLS

XgbPubsubNodePage *_xgb_pubsub_parse_node_page (const xmlNode  *iq,
                                                GError        **error);
XgbPubsubNodeInfo *_xgb_pubsub_parse_node_info (const xmlNode  *iq,
                                                const char     *node,
                                                GError        **error);
xmlDoc            *_xgb_pubsub_parse_form_reply (const xmlNode  *iq,
                                                 const char     *element,
                                                 GError        **error);
XgbPubsubItemIds  *_xgb_pubsub_parse_item_ids  (const xmlNode  *iq,
                                                GError        **error);

G_END_DECLS
