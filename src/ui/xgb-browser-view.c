/* xgb-browser-view.c - the Broker's nodes: hierarchy, all topics, filter
 *
 * Left: the hierarchy (a GtkTreeListModel over the node tree; a
 * collection's children load when its row is expanded, never merely
 * because it is shown) and the list of all topics with a filter.  Right:
 * the Controller overview, or the selected node's page.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-browser-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xgb-browser-view.h"
#include "xgb-error.h"
#include "xgb-widget.h"
#include "xgb-affiliations-view.h"
#include "xgb-list-row.h"
#include "xgb-items-view.h"
#include "xgb-subscriptions-view.h"
#include "xgb-form-view.h"
#include "xgb-input.h"
#include "xgb-xml.h"

struct _XgbBrowserView
{
  GtkWidget           parent_instance;

  GtkStack           *lists_stack;
  GtkListView        *hierarchy_view;
  GtkListView        *topics_view;
  GtkListView        *collections_view;
  GtkLabel           *collections_note;
  GtkSearchEntry     *filter_entry;
  GtkLabel           *status_label;
  GtkStack           *page_stack;
  XgbSessionView     *session_view;
  GtkLabel           *breadcrumb_label;
  char               *reselect;      /* shown again once the new listing has it */
  char               *reselect_tab;
  gboolean            trail_from_parents;
  GtkLabel           *node_heading;
  GtkLabel           *kind_label;
  GtkLabel           *name_label;
  GtkLabel           *title_label;
  GtkLabel           *parents_label;
  GtkLabel           *children_label;
  GtkLabel           *items_label;
  GtkLabel           *access_label;
  GtkWidget          *membership_heading;
  GtkWidget          *membership_box;
  GtkEntry           *child_entry;
  GtkLabel           *membership_status;
  GtkLabel           *parents_intro;
  GtkListBox         *parents_list;
  GtkWidget          *add_parent_box;
  GtkEntry           *parent_entry;
  GtkLabel           *parents_status;
  GtkStack           *node_tabs;
  XgbFormView        *config_view;
  GtkLabel           *config_status;
  GtkButton          *config_apply;
  char               *config_node;   /* whose form config_view shows */
  XgbAffiliationsView *affiliations_view;
  gboolean            affiliations_loaded;  /* for the current node */
  XgbSubscriptionsView *subscriptions_view;
  XgbItemsView       *items_view;
  gboolean            items_loaded;
  gboolean            subscriptions_loaded;

  XgbNodeTree        *tree;
  GtkTreeListModel   *hierarchy;
  GtkSingleSelection *hierarchy_selection;
  GtkFilterListModel *filtered_topics;
  GtkSingleSelection *topics_selection;
  GtkCustomFilter    *collections_filter;
  GtkFilterListModel *collections;
  GtkSingleSelection *collections_selection;
  GtkCustomFilter    *filter;
  char               *filter_text;
  gboolean            syncing_entry;
  XgbNode            *current;
  GCancellable       *page_cancellable;
};

G_DEFINE_FINAL_TYPE (XgbBrowserView, xgb_browser_view, GTK_TYPE_WIDGET)

/* --- the rows ------------------------------------------------------- */

static const char *
kind_icon (XgbNode *node)
{
  if (xgb_node_get_limited (node) != NULL)
    return "changes-prevent-symbolic";

  switch (xgb_node_get_kind (node))
    {
    case XGB_NODE_KIND_FOLDER:
      return "folder-symbolic";
    case XGB_NODE_KIND_COLLECTION:
      return "view-list-symbolic";
    case XGB_NODE_KIND_TOPIC:
    default:
      return "text-x-generic-symbolic";
    }
}

/* A row's tooltip is made when asked for: setting one on every bind
 * makes GTK 4.8 look for the pointer on the X server, several round
 * trips each, thousands of times while a listing comes in. */
static gboolean
row_query_tooltip_cb (GtkWidget  *box,
                      int         x,
                      int         y,
                      gboolean    keyboard,
                      GtkTooltip *tooltip,
                      gpointer    data)
{
  const char *text = g_object_get_data (G_OBJECT (box), "xgb-tooltip");

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  tree_rows)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_has_tooltip (box, TRUE);
  g_signal_connect (box, "query-tooltip", G_CALLBACK (row_query_tooltip_cb), NULL);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), spinner);

  if (GPOINTER_TO_INT (tree_rows))
    {
      GtkWidget *expander = gtk_tree_expander_new ();

      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
      gtk_list_item_set_child (item, expander);
    }
  else
    gtk_list_item_set_child (item, box);
}

static GtkWidget *
row_box (GtkListItem *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (GTK_IS_TREE_EXPANDER (child))
    return gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));
  return child;
}

static void
update_row (GtkListItem *item,
            XgbNode     *node)
{
  GtkWidget *box = row_box (item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (icon);
  GtkWidget *spinner = gtk_widget_get_next_sibling (label);
  const char *title = xgb_node_get_title (node);
  g_autofree char *tooltip = NULL;

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), kind_icon (node));
  /* The flat list of all topics shows whole names; the tree, segments. */
  gtk_label_set_text (GTK_LABEL (label), GTK_IS_TREE_EXPANDER (gtk_list_item_get_child (item))
                                           ? xgb_node_get_label (node) : xgb_node_get_name (node));
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), xgb_node_get_loading (node));
  gtk_widget_set_visible (spinner, xgb_node_get_loading (node));

  if (xgb_node_get_limited (node) != NULL)
    tooltip = g_strdup_printf (_("%s — limited access: %s"), xgb_node_get_name (node), xgb_node_get_limited (node));
  else if (xgb_node_get_kind (node) == XGB_NODE_KIND_FOLDER)
    tooltip = g_strdup_printf (_("Folder %s/ (from topic names; not a collection)"), xgb_node_get_path (node));
  else if (title != NULL && g_strcmp0 (title, xgb_node_get_name (node)) != 0)
    tooltip = g_strdup_printf ("%s — %s", xgb_node_get_name (node), title);
  else
    tooltip = g_strdup (xgb_node_get_name (node));
  g_object_set_data_full (G_OBJECT (box), "xgb-tooltip", g_steal_pointer (&tooltip), g_free);
}

static void
node_changed_cb (XgbNode     *node,
                 GParamSpec  *pspec,
                 GtkListItem *item)
{
  update_row (item, node);
}

static void
row_expanded_cb (GtkTreeListRow *row,
                 GParamSpec     *pspec,
                 XgbBrowserView *self)
{
  XgbNode *node = gtk_tree_list_row_get_item (row);

  /* Children are fetched when a row is opened, not when it is shown. */
  if (gtk_tree_list_row_get_expanded (row) && self->tree != NULL)
    xgb_node_tree_expand (self->tree, node);
  g_clear_object (&node);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             XgbBrowserView           *self)
{
  gpointer object = gtk_list_item_get_item (item);
  XgbNode *node;

  if (GTK_IS_TREE_LIST_ROW (object))
    {
      GtkTreeListRow *row = object;
      GtkWidget *expander = gtk_list_item_get_child (item);

      gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
      g_signal_connect_object (row, "notify::expanded", G_CALLBACK (row_expanded_cb), self, 0);
      node = gtk_tree_list_row_get_item (row);
      g_object_unref (node);
    }
  else
    node = object;

  update_row (item, node);
  g_signal_connect_object (node, "notify::loading", G_CALLBACK (node_changed_cb), item, 0);
  g_signal_connect_object (node, "notify::kind", G_CALLBACK (node_changed_cb), item, 0);
  g_signal_connect_object (node, "notify::limited", G_CALLBACK (node_changed_cb), item, 0);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               XgbBrowserView           *self)
{
  gpointer object = gtk_list_item_get_item (item);
  g_autoptr(XgbNode) node = NULL;

  if (GTK_IS_TREE_LIST_ROW (object))
    {
      g_signal_handlers_disconnect_by_func (object, row_expanded_cb, self);
      node = gtk_tree_list_row_get_item (object);
    }
  else
    node = g_object_ref (object);

  g_signal_handlers_disconnect_by_func (node, node_changed_cb, item);
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  /* Cheap: no network here (GTK 4.8 calls this for every shown row). */
  GListModel *children = xgb_node_get_children (item);

  return children ? g_object_ref (children) : NULL;
}

/* --- the node page -------------------------------------------------- */

static void take_out_cb (GtkButton      *button,
                         XgbBrowserView *self);

static void
clear_parents_list (XgbBrowserView *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->parents_list))) != NULL)
    gtk_list_box_remove (self->parents_list, row);
}

static void
parents_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XgbBrowserView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parents = xgb_pubsub_service_get_parents_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  clear_parents_list (self);
  if (parents == NULL)
    {
      gtk_label_set_text (self->parents_label, error->message);
      gtk_label_set_text (self->parents_intro, error->message);
      return;
    }
  if (parents[0] == NULL)
    {
      gtk_label_set_text (self->parents_label, _("None (top level)"));
      if (self->trail_from_parents)
        gtk_label_set_text (self->breadcrumb_label, _("Top level"));
      gtk_label_set_text (self->parents_intro, _("This node is at the top level: it is in no collection."));
      gtk_widget_set_visible (GTK_WIDGET (self->parents_list), FALSE);
      return;
    }

  {
    g_autofree char *joined = g_strjoinv (", ", parents);

    gtk_label_set_text (self->parents_label, joined);
    if (self->trail_from_parents)
      {
        g_autofree char *trail = g_strdup_printf (_("In %s"), joined);

        gtk_label_set_text (self->breadcrumb_label, trail);
      }
  }
  gtk_label_set_text (self->parents_intro,
                      g_dngettext (GETTEXT_PACKAGE, "This node is in one collection; a node is delivered to the "
                                   "subscribers of its collections too.",
                                   "This node is in these collections, directly or through others; a node is "
                                   "delivered to the subscribers of its collections too.",
                                   g_strv_length (parents)));
  for (guint i = 0; parents[i] != NULL; i++)
    {
      GtkWidget *row = xgb_list_row_new (parents[i]);
      GtkWidget *button = gtk_button_new_with_mnemonic (_("Take _Out"));
      g_autofree char *tip = g_strdup_printf (_("Take this node out of “%s”"), parents[i]);

      xgb_list_row_add_action (row, button, tip, "collection", parents[i]);
      g_signal_connect_object (button, "clicked", G_CALLBACK (take_out_cb), self, 0);
      gtk_list_box_append (self->parents_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->parents_list), TRUE);
}

static void
load_parents (XgbBrowserView *self)
{
  gtk_label_set_text (self->parents_label, _("Looking up…"));
  gtk_label_set_text (self->parents_intro, _("Looking up…"));
  xgb_pubsub_service_get_parents_async (xgb_node_tree_get_service (self->tree), xgb_node_get_name (self->current),
                                        self->page_cancellable, parents_cb, g_object_ref (self));
}

static void
show_children_count (XgbBrowserView *self,
                     XgbNode        *node)
{
  GListModel *children = xgb_node_get_children (node);
  g_autofree char *text = NULL;

  if (children == NULL)
    {
      gtk_label_set_text (self->children_label, "—");
      return;
    }
  text = g_strdup_printf ("%u", g_list_model_get_n_items (children));
  gtk_label_set_text (self->children_label, xgb_node_get_loaded (node) ? text : _("Open the row to load them"));
}

/* --- collection membership (XEP-0248) ------------------------------- */

typedef struct
{
  XgbBrowserView *self;
  char           *collection;
  char           *node;
  gboolean        associate;
  GtkLabel       *status;
} Membership;

static void
membership_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Membership *m = user_data;
  XgbBrowserView *self = m->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error))
    {
      if (m->associate && self->tree != NULL)
        xgb_node_tree_add (self->tree, m->node, m->collection);
      if (self->current != NULL && g_strcmp0 (xgb_node_get_name (self->current), m->collection) == 0)
        show_children_count (self, self->current);
      if (self->current != NULL && g_strcmp0 (xgb_node_get_name (self->current), m->node) == 0)
        load_parents (self);
      text = m->associate ? g_strdup_printf (_("Put “%s” into “%s”."), m->node, m->collection)
                          : g_strdup_printf (_("Took “%s” out of “%s”; reload (F5) to see the hierarchy anew."),
                                             m->node, m->collection);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup_printf (m->associate ? _("Could not put “%s” into “%s”: %s")
                                         : _("Could not take “%s” out of “%s”: %s"),
                            m->node, m->collection, error->message);
  if (text != NULL)
    gtk_label_set_text (m->status, text);

  g_object_unref (m->status);
  g_object_unref (m->self);
  g_free (m->collection);
  g_free (m->node);
  g_free (m);
}

static void
change_membership (XgbBrowserView *self,
                   const char     *collection,
                   const char     *node,
                   gboolean        associate,
                   GtkLabel       *status)
{
  Membership *m = g_new0 (Membership, 1);

  m->self = g_object_ref (self);
  m->collection = g_strdup (collection);
  m->node = g_strdup (node);
  m->associate = associate;
  m->status = g_object_ref (status);
  gtk_label_set_text (status, associate ? _("Adding…") : _("Taking out…"));
  xgb_pubsub_service_associate_async (xgb_node_tree_get_service (self->tree), collection, node, associate,
                                      self->page_cancellable, membership_done_cb, m);
}

/* The name typed into @entry, or NULL (having said why in @status)
 * when there is nothing to do. */
static char *
membership_name (XgbBrowserView *self,
                 GtkEntry       *entry,
                 GtkLabel       *status,
                 const char     *empty_message)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autoptr(GError) error = NULL;

  if (self->current == NULL || xgb_node_get_name (self->current) == NULL || self->tree == NULL)
    return NULL;
  if (*name == '\0')
    {
      gtk_label_set_text (status, empty_message);
      gtk_widget_grab_focus (GTK_WIDGET (entry));
      return NULL;
    }
  if (!xgb_node_name_validate (name, &error))
    {
      gtk_label_set_text (status, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (entry));
      return NULL;
    }
  return g_steal_pointer (&name);
}

static void
add_child_cb (XgbBrowserView *self)
{
  g_autofree char *child = membership_name (self, self->child_entry, self->membership_status,
                                            _("Enter the name of the node to put into this collection."));

  if (child != NULL)
    change_membership (self, xgb_node_get_name (self->current), child, TRUE, self->membership_status);
}

static void
remove_child_cb (XgbBrowserView *self)
{
  g_autofree char *child = membership_name (self, self->child_entry, self->membership_status,
                                            _("Enter the name of the node to take out of this collection."));

  if (child != NULL)
    change_membership (self, xgb_node_get_name (self->current), child, FALSE, self->membership_status);
}

static void
add_parent_cb (XgbBrowserView *self)
{
  g_autofree char *parent = membership_name (self, self->parent_entry, self->parents_status,
                                             _("Enter the name of the collection to put this node into."));

  if (parent != NULL)
    change_membership (self, parent, xgb_node_get_name (self->current), TRUE, self->parents_status);
}

static void
take_out_cb (GtkButton      *button,
             XgbBrowserView *self)
{
  const char *collection = g_object_get_data (G_OBJECT (button), "collection");

  if (self->current == NULL || xgb_node_get_name (self->current) == NULL || self->tree == NULL)
    return;
  change_membership (self, collection, xgb_node_get_name (self->current), FALSE, self->parents_status);
}

static void
items_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XgbBrowserView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubItemIds) ids = xgb_pubsub_service_get_item_ids_finish (XGB_PUBSUB_SERVICE (object),
                                                                            result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (ids == NULL)
    {
      /* e.g. forbidden: the admin's access is limited here */
      gtk_label_set_text (self->items_label, error->message);
    }
  else if (ids->count >= 0)
    {
      guint count = (guint) MIN (ids->count, G_MAXUINT);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u persisted item",
                                                            "%u persisted items", count),
                                               count);

      gtk_label_set_text (self->items_label, text);
    }
  else
    gtk_label_set_text (self->items_label, _("Not told by the server"));
}

/* --- the configuration tab ------------------------------------------ */

static void
config_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(XgbBrowserView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbForm) form = xgb_pubsub_service_parsed_form_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (form == NULL)
    {
      /* forbidden: not an owner of this node (limited access) */
      g_autofree char *msg = g_strdup_printf (_("The configuration cannot be read: %s"), error->message);

      gtk_label_set_text (self->config_status, msg);
      return;
    }

  xgb_form_view_set_form (self->config_view, form);
  if (!xgb_pubsub_service_has (XGB_PUBSUB_SERVICE (object), XGB_PUBSUB_CAP_CONFIG_NODE))
    {
      const char *why = _("This Broker does not offer changing a node’s configuration: it does not advertise "
                          "pubsub#config-node.");

      gtk_label_set_text (self->config_status, why);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->config_apply), why);
      gtk_widget_set_sensitive (GTK_WIDGET (self->config_apply), FALSE);
      return;
    }
  gtk_label_set_text (self->config_status, "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->config_apply), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->config_apply), TRUE);
}

static void
load_config (XgbBrowserView *self)
{
  const char *name = self->current ? xgb_node_get_name (self->current) : NULL;

  if (self->config_node != NULL && g_strcmp0 (self->config_node, name) == 0)
    return;   /* already shown (or loading) */

  g_free (self->config_node);
  self->config_node = g_strdup (name);
  xgb_form_view_set_form (self->config_view, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->config_apply), FALSE);

  if (name == NULL)
    {
      gtk_label_set_text (self->config_status, _("A folder has no configuration: it is only part of topic names."));
      return;
    }
  gtk_label_set_text (self->config_status, _("Reading the configuration…"));
  xgb_pubsub_service_get_config_async (xgb_node_tree_get_service (self->tree), name, self->page_cancellable,
                                       config_loaded_cb, g_object_ref (self));
}

static void
node_tab_cb (XgbBrowserView *self)
{
  const char *tab = gtk_stack_get_visible_child_name (self->node_tabs);

  /* Loaded only when the tab is opened. */
  if (g_strcmp0 (tab, "configuration") == 0 && self->current != NULL && self->tree != NULL)
    load_config (self);
  else if (g_strcmp0 (tab, "affiliations") == 0 && self->current != NULL && self->tree != NULL &&
           !self->affiliations_loaded)
    {
      self->affiliations_loaded = TRUE;
      xgb_affiliations_view_load (self->affiliations_view, xgb_node_tree_get_service (self->tree),
                                  xgb_node_get_name (self->current));
    }
  else if (g_strcmp0 (tab, "subscriptions") == 0 && self->current != NULL && self->tree != NULL &&
           !self->subscriptions_loaded)
    {
      self->subscriptions_loaded = TRUE;
      xgb_subscriptions_view_load (self->subscriptions_view, xgb_node_tree_get_service (self->tree),
                                   xgb_node_get_name (self->current));
    }
  else if (g_strcmp0 (tab, "items") == 0 && self->current != NULL && self->tree != NULL && !self->items_loaded)
    {
      self->items_loaded = TRUE;
      xgb_items_view_load (self->items_view, xgb_node_tree_get_service (self->tree),
                           xgb_node_get_name (self->current),
                           xgb_node_get_kind (self->current) == XGB_NODE_KIND_TOPIC);
    }
}

static void
config_applied_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XgbBrowserView) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->config_apply), TRUE);
  if (!xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error))
    {
      g_autofree char *msg = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      msg = g_strdup_printf (_("Not saved: %s"), error->message);
      gtk_label_set_text (self->config_status, msg);
      return;
    }
  gtk_label_set_text (self->config_status, _("Saved."));
}

static void
config_apply_cb (XgbBrowserView *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *submit = NULL;

  if (self->config_node == NULL || self->tree == NULL)
    return;

  submit = xgb_form_view_build_changes (self->config_view, &error);
  if (submit == NULL)
    {
      gtk_label_set_text (self->config_status, error->message);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->config_apply), FALSE);
  gtk_label_set_text (self->config_status, _("Saving…"));
  xgb_pubsub_service_set_config_async (xgb_node_tree_get_service (self->tree), self->config_node, submit,
                                       self->page_cancellable, config_applied_cb, g_object_ref (self));
}

typedef struct
{
  XgbBrowserView *self;
  XgbNode        *node;
} Lookup;

static void
access_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = xgb_pubsub_service_list_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (list != NULL)
        {
          xgb_node_set_limited (lookup->node, NULL);
          gtk_label_set_text (lookup->self->access_label, _("Full: you may administer this node"));
        }
      else if (error->domain == XGB_STANZA_ERROR)
        {
          /* Forbidden owner requests: mark the node and say why. */
          xgb_node_set_limited (lookup->node, error->message);
          {
            g_autofree char *text = g_strdup_printf (_("Limited: %s"), error->message);

            gtk_label_set_text (lookup->self->access_label, text);
          }
        }
      else
        {
          /* No answer (not connected, connection lost): nothing is
           * known about the access, so the node is not marked */
          g_autofree char *text = g_strdup_printf (_("Not known: %s"), error->message);

          gtk_label_set_text (lookup->self->access_label, text);
        }
    }

  g_object_unref (lookup->self);
  g_object_unref (lookup->node);
  g_free (lookup);
}

/* Reached by name, not down the hierarchy: the folders of a path-like
 * name are all that is known of the way to it. */
static char *
name_trail (XgbBrowserView *self,
            XgbNode        *node)
{
  const char *separator = xgb_node_tree_get_separator (self->tree);
  const char *path = xgb_node_get_path (node);
  const char *cut = separator ? g_strrstr (path, separator) : NULL;
  g_auto(GStrv) parts = NULL;

  if (cut == NULL || cut == path)
    return g_strdup ("");
  {
    g_autofree char *folders = g_strndup (path, (gsize) (cut - path));

    parts = g_strsplit (folders, separator, -1);
  }
  return g_strjoinv (" › ", parts);
}

static void
show_node (XgbBrowserView *self,
           XgbNode        *node,
           const char     *trail)
{
  XgbPubsubService *service = xgb_node_tree_get_service (self->tree);
  g_autofree char *fallback = NULL;
  const char *kind = NULL;

  g_cancellable_cancel (self->page_cancellable);
  g_clear_object (&self->page_cancellable);
  self->page_cancellable = g_cancellable_new ();
  g_set_object (&self->current, node);

  /* The open tab's request first: ejabberd answers one session's
   * requests in order, and on a big topic each look-up below costs as
   * much as the Items tab's first page. */
  g_clear_pointer (&self->config_node, g_free);
  self->affiliations_loaded = FALSE;
  self->subscriptions_loaded = FALSE;
  self->items_loaded = FALSE;
  xgb_items_view_clear (self->items_view);
  node_tab_cb (self);

  switch (xgb_node_get_kind (node))
    {
    case XGB_NODE_KIND_FOLDER:
      kind = _("Folder (from topic names on a flat service; not a collection)");
      break;
    case XGB_NODE_KIND_COLLECTION:
      kind = _("Collection");
      break;
    case XGB_NODE_KIND_TOPIC:
    default:
      kind = _("Topic");
      break;
    }

  /* On a nesting service a node reached by name gets its trail from its
   * parent collections once they are known. */
  self->trail_from_parents = trail == NULL && xgb_node_tree_get_nests (self->tree);
  if (trail == NULL)
    trail = fallback = name_trail (self, node);
  gtk_label_set_text (self->breadcrumb_label, self->trail_from_parents ? "" : *trail ? trail : _("Top level"));
  gtk_label_set_text (self->node_heading, xgb_node_get_label (node));
  gtk_label_set_text (self->kind_label, kind);
  gtk_label_set_text (self->name_label, xgb_node_get_name (node) ? xgb_node_get_name (node)
                                                                 : xgb_node_get_path (node));
  gtk_label_set_text (self->title_label, xgb_node_get_title (node) ? xgb_node_get_title (node) : "—");

  show_children_count (self, node);

  if (xgb_node_get_name (node) == NULL)
    {
      gtk_label_set_text (self->parents_label, "—");
      gtk_label_set_text (self->parents_intro, _("A folder only groups topics by name; it is not a node on the "
                                                 "server and has no parent collections."));
      gtk_label_set_text (self->items_label, "—");
      gtk_label_set_text (self->access_label, "—");
    }
  else
    {
      if (xgb_node_tree_get_nests (self->tree))
        load_parents (self);
      else
        {
          gtk_label_set_text (self->parents_label, _("None (the service does not nest nodes)"));
          gtk_label_set_text (self->parents_intro, _("This service does not nest nodes, so no node has parent "
                                                     "collections. Folders in the hierarchy come from the "
                                                     "topic names."));
        }

      /* Access is looked up for opened nodes only (style.md). */
      {
        Lookup *lookup = g_new0 (Lookup, 1);

        lookup->self = g_object_ref (self);
        lookup->node = g_object_ref (node);
        gtk_label_set_text (self->access_label, _("Looking up…"));
        xgb_pubsub_service_get_affiliations_async (service, xgb_node_get_name (node), self->page_cancellable,
                                                   access_cb, lookup);
      }

      if (xgb_node_get_kind (node) == XGB_NODE_KIND_TOPIC)
        {
          gtk_label_set_text (self->items_label, _("Counting…"));
          xgb_pubsub_service_get_item_ids_async (service, xgb_node_get_name (node), self->page_cancellable,
                                                 items_cb, g_object_ref (self));
        }
      else
        gtk_label_set_text (self->items_label, "—");
    }

  {
    /* Membership only where the service really nests nodes */
    gboolean nests = xgb_node_tree_get_nests (self->tree) && xgb_node_get_name (node) != NULL;

    gboolean collection = nests && xgb_node_get_kind (node) == XGB_NODE_KIND_COLLECTION;

    gtk_widget_set_visible (self->membership_heading, collection);
    gtk_widget_set_visible (self->membership_box, collection);
    gtk_widget_set_visible (self->add_parent_box, nests);
    gtk_label_set_text (self->membership_status, "");
    gtk_label_set_text (self->parents_status, "");
    gtk_editable_set_text (GTK_EDITABLE (self->child_entry), "");
    gtk_editable_set_text (GTK_EDITABLE (self->parent_entry), "");
    clear_parents_list (self);
    gtk_widget_set_visible (GTK_WIDGET (self->parents_list), FALSE);
  }

  gtk_stack_set_visible_child_name (self->page_stack, "node");
}

static void
selection_cb (GtkSingleSelection *selection,
              GParamSpec         *pspec,
              XgbBrowserView     *self)
{
  gpointer item = gtk_single_selection_get_selected_item (selection);

  if (item == NULL)
    return;
  if (GTK_IS_TREE_LIST_ROW (item))
    {
      g_autoptr(XgbNode) node = gtk_tree_list_row_get_item (item);
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      g_autofree char *trail = NULL;

      /* The way down the hierarchy to this row */
      for (GtkTreeListRow *up = gtk_tree_list_row_get_parent (item); up != NULL;)
        {
          g_autoptr(XgbNode) above = gtk_tree_list_row_get_item (up);
          GtkTreeListRow *next = gtk_tree_list_row_get_parent (up);

          g_ptr_array_insert (labels, 0, (gpointer) xgb_node_get_label (above));
          g_object_unref (up);
          up = next;
        }
      g_ptr_array_add (labels, NULL);
      trail = g_strjoinv (" › ", (char **) labels->pdata);
      show_node (self, node, trail);
    }
  else
    show_node (self, item, NULL);
}

/* --- filter and status ---------------------------------------------- */

static void
update_status (XgbBrowserView *self)
{
  g_autofree char *text = NULL;
  guint total;
  guint shown;
  gboolean loading;

  if (self->tree == NULL)
    return;

  total = g_list_model_get_n_items (xgb_node_tree_get_topics (self->tree));
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered_topics));
  loading = xgb_node_tree_get_loading (self->tree);

  if (xgb_node_tree_get_error (self->tree) != NULL)
    text = g_strdup_printf (_("Listing the nodes failed: %s"), xgb_node_tree_get_error (self->tree)->message);
  else if (xgb_node_tree_get_nests (self->tree) && (self->filter_text == NULL || *self->filter_text == '\0'))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u node listed; open a collection to list its children",
                                         "%u nodes listed; open a collection to list its children",
                                         xgb_node_tree_get_n_loaded (self->tree)),
                            xgb_node_tree_get_n_loaded (self->tree));
  else if (self->filter_text == NULL || *self->filter_text == '\0')
    text = loading ? g_strdup_printf (_("Loading… %u topics so far"), total)
                   : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u topic", "%u topics", total), total);
  else if (loading && xgb_node_tree_get_nests (self->tree))
    text = g_strdup_printf (_("%u matching so far; found %u nodes, still opening collections (Esc stops)"), shown, total);
  else if (loading)
    /* Never "no match" before everything is known. */
    text = g_strdup_printf (_("%u matching so far; scanned %u topics, still loading…"), shown, total);
  else if (shown == 0)
    {
      /* (the filter may be 65 535 characters long) */
      g_autofree char *quoted = xgb_input_quote (self->filter_text);

      text = xgb_node_tree_get_nests (self->tree)
        ? g_strdup_printf (_("No node matches “%s” (all %u scanned)"), quoted, total)
        : g_strdup_printf (_("No topic matches “%s” (all %u scanned)"), quoted, total);
    }
  else if (xgb_node_tree_get_nests (self->tree))
    text = g_strdup_printf (_("%u of %u nodes match"), shown, total);
  else
    text = g_strdup_printf (_("%u of %u topics match"), shown, total);

  gtk_label_set_text (self->status_label, text);

  /* The Controller overview's count */
  {
    g_autofree char *summary = NULL;

    if (loading)
      summary = g_strdup_printf (_("Listing… %u so far"), total);
    else if (xgb_node_tree_get_nests (self->tree))
      summary = g_strdup_printf (_("%u at the top level; the service nests nodes in collections"),
                                 g_list_model_get_n_items (xgb_node_tree_get_root (self->tree)));
    else
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u topic; the service does not nest nodes, so folders come from the names",
                                              "%u topics; the service does not nest nodes, so folders come from the names",
                                              total),
                                 total);
    xgb_session_view_set_nodes (self->session_view, summary);
  }
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  XgbBrowserView *self = user_data;
  g_autofree char *name = NULL;
  g_autofree char *needle = NULL;

  if (self->filter_text == NULL || *self->filter_text == '\0')
    return TRUE;

  name = g_utf8_casefold (xgb_node_get_name (item), -1);
  needle = g_utf8_casefold (self->filter_text, -1);
  return strstr (name, needle) != NULL;
}

static void
filter_changed_cb (XgbBrowserView *self)
{
  xgb_browser_view_set_filter (self, gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)));
}

static void
update_collections (XgbBrowserView *self)
{
  guint n;

  if (self->tree == NULL || self->collections == NULL)
    return;
  /* Kinds settle as collections are opened */
  gtk_filter_changed (GTK_FILTER (self->collections_filter), GTK_FILTER_CHANGE_DIFFERENT);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->collections));
  if (!xgb_node_tree_get_nests (self->tree))
    gtk_label_set_text (self->collections_note, _("This service does not nest nodes, so it has no collections. "
                                                  "The folders of the hierarchy come from the topic names."));
  else if (n == 0 && !xgb_node_tree_get_loading (self->tree))
    gtk_label_set_text (self->collections_note, _("No collection at the top level."));
  else
    gtk_label_set_text (self->collections_note, "");
  gtk_widget_set_visible (GTK_WIDGET (self->collections_note),
                          *gtk_label_get_text (self->collections_note) != '\0');
}

static void
stop_search_cb (XgbBrowserView *self)
{
  /* Escape clears the filter and stops opening collections for it */
  xgb_browser_view_set_filter (self, "");
}

static void
reselect_node (XgbBrowserView *self)
{
  XgbNode *node;

  if (self->reselect == NULL || self->tree == NULL || xgb_node_tree_get_loading (self->tree))
    return;
  node = xgb_node_tree_lookup (self->tree, self->reselect);
  if (node != NULL)
    {
      show_node (self, node, NULL);
      gtk_stack_set_visible_child_name (self->node_tabs, self->reselect_tab);
    }
  g_clear_pointer (&self->reselect, g_free);
  g_clear_pointer (&self->reselect_tab, g_free);
}

static void
tree_progress_cb (XgbBrowserView *self)
{
  update_status (self);
  update_collections (self);
  reselect_node (self);
}

static gboolean
collection_filter_func (gpointer item,
                        gpointer user_data)
{
  return xgb_node_get_kind (item) == XGB_NODE_KIND_COLLECTION && filter_func (item, user_data);
}

/* --- the object ----------------------------------------------------- */

static void
xgb_browser_view_dispose (GObject *object)
{
  XgbBrowserView *self = XGB_BROWSER_VIEW (object);

  g_cancellable_cancel (self->page_cancellable);
  g_clear_object (&self->page_cancellable);
  if (self->tree != NULL)
    g_signal_handlers_disconnect_by_data (self->tree, self);
  xgb_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_BROWSER_VIEW);
  g_clear_object (&self->hierarchy_selection);
  g_clear_object (&self->topics_selection);
  g_clear_object (&self->collections_selection);
  g_clear_object (&self->collections);
  g_clear_object (&self->collections_filter);
  g_clear_object (&self->hierarchy);
  g_clear_object (&self->filtered_topics);
  g_clear_object (&self->tree);
  g_clear_object (&self->current);
  g_clear_pointer (&self->reselect, g_free);
  g_clear_pointer (&self->reselect_tab, g_free);

  G_OBJECT_CLASS (xgb_browser_view_parent_class)->dispose (object);
}

static void
xgb_browser_view_finalize (GObject *object)
{
  XgbBrowserView *self = XGB_BROWSER_VIEW (object);

  g_free (self->filter_text);
  g_free (self->config_node);

  G_OBJECT_CLASS (xgb_browser_view_parent_class)->finalize (object);
}

static void
xgb_browser_view_class_init (XgbBrowserViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_browser_view_dispose;
  object_class->finalize = xgb_browser_view_finalize;

  g_type_ensure (XGB_TYPE_SESSION_VIEW);
  g_type_ensure (XGB_TYPE_FORM_VIEW);
  g_type_ensure (XGB_TYPE_AFFILIATIONS_VIEW);
  g_type_ensure (XGB_TYPE_SUBSCRIPTIONS_VIEW);
  g_type_ensure (XGB_TYPE_ITEMS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-browser-view.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, lists_stack);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, hierarchy_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, topics_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, collections_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, collections_note);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, status_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, page_stack);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, session_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, breadcrumb_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, node_heading);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, kind_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, name_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, title_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, parents_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, children_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, items_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, access_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, membership_heading);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, membership_box);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, child_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, membership_status);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, parents_intro);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, parents_list);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, add_parent_box);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, parent_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, parents_status);
  gtk_widget_class_bind_template_callback (widget_class, add_child_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_parent_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_child_cb);
  /* Kept by name only, for tests and accessibility tools */
  gtk_widget_class_bind_template_child_full (widget_class, "remove_child_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, node_tabs);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, config_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, affiliations_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, subscriptions_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, items_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, config_status);
  gtk_widget_class_bind_template_child (widget_class, XgbBrowserView, config_apply);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, node_tab_cb);
  gtk_widget_class_bind_template_callback (widget_class, config_apply_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xgbbrowserview");
}

static GtkListItemFactory *
row_factory (XgbBrowserView *self,
             gboolean        tree_rows)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), GINT_TO_POINTER (tree_rows));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  return factory;
}

/* Opens the node page's configuration tab (as clicking it does). */
void
xgb_browser_view_show_configuration (XgbBrowserView *self)
{
  g_return_if_fail (XGB_IS_BROWSER_VIEW (self));
  gtk_stack_set_visible_child_name (self->node_tabs, "configuration");
}

static void
xgb_browser_view_init (XgbBrowserView *self)
{
  g_autoptr(GtkListItemFactory) tree_factory = NULL;
  g_autoptr(GtkListItemFactory) list_factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  tree_factory = row_factory (self, TRUE);
  list_factory = row_factory (self, FALSE);
  gtk_list_view_set_factory (self->hierarchy_view, tree_factory);
  gtk_list_view_set_factory (self->topics_view, list_factory);
  gtk_list_view_set_factory (self->collections_view, list_factory);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->collections_filter = gtk_custom_filter_new (collection_filter_func, self, NULL);
}

/**
 * xgb_browser_view_set_tree:
 *
 * Shows @tree (which loads on its own); the filter and the status line
 * follow its progress.
 */
void
xgb_browser_view_set_tree (XgbBrowserView *self,
                           XgbNodeTree    *tree)
{
  g_return_if_fail (XGB_IS_BROWSER_VIEW (self));

  if (self->tree != NULL)
    g_signal_handlers_disconnect_by_data (self->tree, self);
  gtk_list_view_set_model (self->hierarchy_view, NULL);
  gtk_list_view_set_model (self->topics_view, NULL);
  gtk_list_view_set_model (self->collections_view, NULL);
  g_clear_object (&self->hierarchy_selection);
  g_clear_object (&self->topics_selection);
  g_clear_object (&self->collections_selection);
  g_clear_object (&self->collections);
  g_clear_object (&self->hierarchy);
  g_clear_object (&self->filtered_topics);
  /* Listing anew (F5, another folder separator) comes back to the
   * node that was shown, fresh from the server. */
  g_clear_pointer (&self->reselect, g_free);
  g_clear_pointer (&self->reselect_tab, g_free);
  if (tree != NULL && self->current != NULL && xgb_node_get_name (self->current) != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "node") == 0)
    {
      self->reselect = g_strdup (xgb_node_get_name (self->current));
      self->reselect_tab = g_strdup (gtk_stack_get_visible_child_name (self->node_tabs));
    }
  g_set_object (&self->tree, tree);
  g_clear_object (&self->current);
  gtk_stack_set_visible_child_name (self->page_stack, "controller");

  if (tree == NULL)
    return;

  self->hierarchy = gtk_tree_list_model_new (g_object_ref (xgb_node_tree_get_root (tree)),
                                             FALSE, FALSE, create_children_cb, NULL, NULL);
  self->hierarchy_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->hierarchy)));
  gtk_single_selection_set_autoselect (self->hierarchy_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->hierarchy_selection, TRUE);
  gtk_single_selection_set_selected (self->hierarchy_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (self->hierarchy_selection, "notify::selected-item", G_CALLBACK (selection_cb), self);
  gtk_list_view_set_model (self->hierarchy_view, GTK_SELECTION_MODEL (self->hierarchy_selection));

  self->filtered_topics = gtk_filter_list_model_new (g_object_ref (xgb_node_tree_get_topics (tree)),
                                                     g_object_ref (GTK_FILTER (self->filter)));
  self->topics_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered_topics)));
  gtk_single_selection_set_autoselect (self->topics_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->topics_selection, TRUE);
  gtk_single_selection_set_selected (self->topics_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (self->topics_selection, "notify::selected-item", G_CALLBACK (selection_cb), self);
  gtk_list_view_set_model (self->topics_view, GTK_SELECTION_MODEL (self->topics_selection));

  self->collections = gtk_filter_list_model_new (g_object_ref (xgb_node_tree_get_root (tree)),
                                                 g_object_ref (GTK_FILTER (self->collections_filter)));
  self->collections_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->collections)));
  gtk_single_selection_set_autoselect (self->collections_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->collections_selection, TRUE);
  gtk_single_selection_set_selected (self->collections_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (self->collections_selection, "notify::selected-item", G_CALLBACK (selection_cb), self);
  gtk_list_view_set_model (self->collections_view, GTK_SELECTION_MODEL (self->collections_selection));

  g_signal_connect_swapped (tree, "notify::n-loaded", G_CALLBACK (tree_progress_cb), self);
  g_signal_connect_swapped (tree, "notify::loading", G_CALLBACK (tree_progress_cb), self);
  g_signal_connect_swapped (self->filtered_topics, "items-changed", G_CALLBACK (tree_progress_cb), self);
  update_status (self);
  update_collections (self);
}

/* The top-level collections (an empty list, with a note, on a flat service) */
GListModel *
xgb_browser_view_get_collections (XgbBrowserView *self)
{
  g_return_val_if_fail (XGB_IS_BROWSER_VIEW (self), NULL);
  return self->collections ? G_LIST_MODEL (self->collections) : NULL;
}

XgbNodeTree *
xgb_browser_view_get_tree (XgbBrowserView *self)
{
  g_return_val_if_fail (XGB_IS_BROWSER_VIEW (self), NULL);
  return self->tree;
}

XgbItemsView *
xgb_browser_view_get_items_view (XgbBrowserView *self)
{
  g_return_val_if_fail (XGB_IS_BROWSER_VIEW (self), NULL);
  return self->items_view;
}

XgbSessionView *
xgb_browser_view_get_session_view (XgbBrowserView *self)
{
  g_return_val_if_fail (XGB_IS_BROWSER_VIEW (self), NULL);
  return self->session_view;
}

GListModel *
xgb_browser_view_get_hierarchy (XgbBrowserView *self)
{
  g_return_val_if_fail (XGB_IS_BROWSER_VIEW (self), NULL);
  return self->hierarchy ? G_LIST_MODEL (self->hierarchy) : NULL;
}

GListModel *
xgb_browser_view_get_filtered_topics (XgbBrowserView *self)
{
  g_return_val_if_fail (XGB_IS_BROWSER_VIEW (self), NULL);
  return self->filtered_topics ? G_LIST_MODEL (self->filtered_topics) : NULL;
}

/**
 * xgb_browser_view_set_filter:
 *
 * Filters the list of all topics by name (case-insensitive), and shows
 * that list.  It covers every topic the server lists, also those still
 * loading: the status line says how far the scan has come.
 */
void
xgb_browser_view_set_filter (XgbBrowserView *self,
                             const char     *text)
{
  g_return_if_fail (XGB_IS_BROWSER_VIEW (self));

  /* Setting the entry's text passes through "" and reports it. */
  if (self->syncing_entry || g_strcmp0 (self->filter_text, text) == 0)
    return;
  g_free (self->filter_text);
  self->filter_text = g_strdup (text);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)), text ? text : "") != 0)
    {
      self->syncing_entry = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), text ? text : "");
      self->syncing_entry = FALSE;
    }
  if (text != NULL && *text != '\0')
    {
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->lists_stack), "hierarchy") == 0)
        gtk_stack_set_visible_child_name (self->lists_stack, "topics");
      /* Nested nodes are known only once their collections are open */
      if (self->tree != NULL)
        xgb_node_tree_walk (self->tree);
    }
  else if (self->tree != NULL)
    xgb_node_tree_stop_walk (self->tree);   /* cleared: the scan is no longer wanted */
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_status (self);
  update_collections (self);
}

void
xgb_browser_view_select_node (XgbBrowserView *self,
                              XgbNode        *node)
{
  g_return_if_fail (XGB_IS_BROWSER_VIEW (self));
  g_return_if_fail (XGB_IS_NODE (node));

  show_node (self, node, NULL);
}

const char *
xgb_browser_view_get_status (XgbBrowserView *self)
{
  g_return_val_if_fail (XGB_IS_BROWSER_VIEW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

void
xgb_browser_view_focus_filter (XgbBrowserView *self)
{
  g_return_if_fail (XGB_IS_BROWSER_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->filter_entry));
}

/**
 * xgb_browser_view_get_current:
 *
 * Returns: (transfer none) (nullable): the node whose page is shown
 */
XgbNode *
xgb_browser_view_get_current (XgbBrowserView *self)
{
  g_return_val_if_fail (XGB_IS_BROWSER_VIEW (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "node") != 0)
    return NULL;
  return self->current;
}

void
xgb_browser_view_show_overview (XgbBrowserView *self)
{
  g_return_if_fail (XGB_IS_BROWSER_VIEW (self));

  g_clear_object (&self->current);
  gtk_stack_set_visible_child_name (self->page_stack, "controller");
}
