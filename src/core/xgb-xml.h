/* xgb-xml.h - small libxml2 helpers shared by the protocol code
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define XGB_NS_STANZAS      "urn:ietf:params:xml:ns:xmpp-stanzas"
#define XGB_NS_PUBSUB_ERRORS "http://jabber.org/protocol/pubsub#errors"

xmlDoc     *xgb_xml_parse            (const char   *text,
                                      gsize         length,
                                      GError      **error);
xmlNode    *xgb_xml_child            (const xmlNode *parent,
                                      const char   *name,
                                      const char   *ns);
gboolean    xgb_xml_is               (const xmlNode *node,
                                      const char   *name,
                                      const char   *ns);
char       *xgb_xml_get_attr         (const xmlNode *node,
                                      const char   *name);
char       *xgb_xml_get_text         (const xmlNode *node);
char       *xgb_xml_to_string        (const xmlNode *node);
char       *xgb_xml_pretty           (const char   *text,
                                      gsize         length,
                                      GError      **error);

gboolean    xgb_stanza_error_propagate (const xmlNode *stanza,
                                        GError      **error);

G_END_DECLS
