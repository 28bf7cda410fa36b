/* xgb-jid.h - XMPP addresses (RFC 7622)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XGB_TYPE_JID (xgb_jid_get_type ())

typedef struct _XgbJid XgbJid;

GType        xgb_jid_get_type      (void) G_GNUC_CONST;

XgbJid      *xgb_jid_parse         (const char    *text,
                                    GError       **error);
XgbJid      *xgb_jid_copy          (const XgbJid  *jid);
void         xgb_jid_free          (XgbJid        *jid);

const char  *xgb_jid_get_local     (const XgbJid  *jid);
const char  *xgb_jid_get_domain    (const XgbJid  *jid);
const char  *xgb_jid_get_resource  (const XgbJid  *jid);

char        *xgb_jid_to_string     (const XgbJid  *jid);
char        *xgb_jid_to_bare       (const XgbJid  *jid);

gboolean     xgb_jid_is_valid      (const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbJid, xgb_jid_free)

G_END_DECLS
