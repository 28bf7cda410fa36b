/* xgb-connection-private.h - internals of xgb-connection.c, for tests
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

/* The memory functions every libstrophe context of the app uses: each
 * block is wiped as it is freed (passwords, the SASL messages). */
const xmpp_mem_t *_xgb_connection_get_xmpp_mem (void);

G_END_DECLS
