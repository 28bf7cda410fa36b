/* xgb-tls-private.h - pieces of the STARTTLS probe, reachable for the
 * fuzz targets (tests/fuzz)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *_xgb_tls_extract_features (const char *received);

G_END_DECLS
