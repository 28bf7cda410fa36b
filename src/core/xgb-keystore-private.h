/* xgb-keystore-private.h - the readers of tool output the keystore keeps
 * to itself, reachable for the fuzz targets (tests/fuzz)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "xgb-keystore.h"

G_BEGIN_DECLS

/* (element-type utf8): the nicknames of certificates with a key */
GPtrArray *_xgb_keystore_parse_certutil_list  (const char *text);
/* (element-type XgbKeystoreEntry): one entry per token */
GPtrArray *_xgb_keystore_parse_p11kit_modules (const char *text);

G_END_DECLS
