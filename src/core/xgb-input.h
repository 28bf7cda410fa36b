/* xgb-input.h - checks of what an administrator types
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest node name the app sends (as long as a JID's part) */
#define XGB_NODE_NAME_MAX 1023

gboolean  xgb_node_name_validate (const char  *name,
                                  GError     **error);
gboolean  xgb_line_validate      (const char  *text,
                                  GError     **error);
gboolean  xgb_host_validate      (const char  *host,
                                  GError     **error);
char     *xgb_input_quote        (const char  *text);

G_END_DECLS
