/* xgb-list-row.h - the rows of the boxed lists on a node's page
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *xgb_list_row_new        (const char *title);
void       xgb_list_row_add_action (GtkWidget  *row,
                                    GtkWidget  *widget,
                                    const char *description,
                                    const char *key,
                                    const char *value);

G_END_DECLS
