/* xgb-widget.c - what every composite widget of the app does alike
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-widget.h"

/**
 * xgb_widget_dispose_template:
 *
 * For the dispose() of a GtkWidget (not a GtkWindow) built from a
 * template: clears the bound children and unparents the template's
 * top-level children too, which GTK 4.8 leaves in place when they are
 * not bound to a field ("Finalizing … but it still has children left").
 */
void
xgb_widget_dispose_template (GtkWidget *widget,
                             GType      widget_type)
{
  GtkWidget *child;

  gtk_widget_dispose_template (widget, widget_type);
  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}
