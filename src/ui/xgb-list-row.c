/* xgb-list-row.c - the rows of the boxed lists on a node's page
 *
 * A selectable title (an address, a node's name) on the left and
 * controls acting on it on the right: the Parents and Affiliations tabs
 * share this shape.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-list-row.h"

GtkWidget *
xgb_list_row_new (const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

/**
 * xgb_list_row_add_action:
 * @description: (nullable): tooltip and accessible label, for controls
 *   whose own text does not name what they act on
 * @key: (nullable): data key under which @value is kept on @widget
 *
 * Appends @widget at the row's end.
 */
void
xgb_list_row_add_action (GtkWidget  *row,
                         GtkWidget  *widget,
                         const char *description,
                         const char *key,
                         const char *value)
{
  if (description != NULL)
    {
      gtk_widget_set_tooltip_text (widget, description);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
    }
  if (key != NULL)
    g_object_set_data_full (G_OBJECT (widget), key, g_strdup (value), g_free);
  gtk_box_append (GTK_BOX (row), widget);
}
