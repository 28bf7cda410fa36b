/* xgb-widget.h - what every composite widget of the app does alike
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void xgb_widget_dispose_template (GtkWidget *widget,
                                  GType      widget_type);

G_END_DECLS
