/* xgb-affiliations-view.c - who may publish and read a node
 *
 * The Affiliations tab of a node's page (stories 8.1–8.4): the list as
 * the server has it, each entry's affiliation changed or removed in
 * place, an address added. Every change goes through the guards of
 * xgb-guard.c first; the list is read anew after each change, so what
 * it shows is always the server's word.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "xgb-affiliations-view.h"
#include "xgb-widget.h"
#include "xgb-confirm-dialog.h"
#include "xgb-connection.h"
#include "xgb-guard.h"
#include "xgb-list-pane.h"
#include "xgb-list-row.h"

struct _XgbAffiliationsView
{
  GtkWidget         parent_instance;

  GtkDropDown      *add_role;
  XgbListPane       pane;
  GtkSizeGroup     *roles_width;    /* the rows' drop-downs line up */
};

G_DEFINE_FINAL_TYPE (XgbAffiliationsView, xgb_affiliations_view, GTK_TYPE_WIDGET)

/* In the order of XEP-0060 table 4, most rights first */
static const struct
{
  const char *value;
  const char *label;
} roles[] = {
  { "owner", N_("Owner") },
  { "publisher", N_("Publisher") },
  { "publish-only", N_("Publish-only") },
  { "member", N_("Member") },
  { "outcast", N_("Outcast (banned)") },
};

static GtkStringList *
role_names (void)
{
  GtkStringList *names = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    gtk_string_list_append (names, _(roles[i].label));
  return names;
}

static int
role_index (const char *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (roles[i].value, value) == 0)
      return (int) i;
  return -1;
}

static void refresh (XgbAffiliationsView *self);
static void send_change (XgbAffiliationsView *self, const char *jid, const char *affiliation);

/* --- the list ------------------------------------------------------- */

static void
row_role_cb (GtkDropDown         *dropdown,
             GParamSpec          *pspec,
             XgbAffiliationsView *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected < G_N_ELEMENTS (roles))
    xgb_affiliations_view_request_change (self, g_object_get_data (G_OBJECT (dropdown), "jid"),
                                          roles[selected].value);
}

static void
row_remove_cb (GtkButton           *button,
               XgbAffiliationsView *self)
{
  xgb_affiliations_view_request_change (self, g_object_get_data (G_OBJECT (button), "jid"), "none");
}

static const char *
not_modifiable_text (void)
{
  return _("This Broker does not offer changing affiliations: it does not advertise pubsub#modify-affiliations.");
}

static void
show_list (XgbAffiliationsView *self)
{
  gboolean modifiable;

  xgb_list_pane_clear_rows (&self->pane);
  if (self->pane.current == NULL)
    return;
  modifiable = xgb_pubsub_service_has (self->pane.service, XGB_PUBSUB_CAP_MODIFY_AFFILIATIONS);
  gtk_widget_set_sensitive (self->pane.add_box, modifiable && !self->pane.busy);
  gtk_widget_set_tooltip_text (self->pane.add_box, modifiable ? NULL : not_modifiable_text ());

  for (guint i = 0; i < self->pane.current->len; i++)
    {
      const XgbPubsubAffiliation *a = self->pane.current->pdata[i];
      GtkWidget *row = xgb_list_row_new (a->jid);
      int index = role_index (a->affiliation);
      g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), a->jid);
      g_autofree char *role_label = g_strdup_printf (_("Affiliation of %s"), a->jid);

      if (index >= 0)
        {
          g_autoptr(GtkStringList) names = role_names ();
          GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL);

          gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), (guint) index);
          gtk_size_group_add_widget (self->roles_width, dropdown);
          xgb_list_row_add_action (row, dropdown, role_label, "jid", a->jid);
          g_signal_connect_object (dropdown, "notify::selected", G_CALLBACK (row_role_cb), self, 0);
        }
      else
        xgb_list_row_add_action (row, gtk_label_new (a->affiliation), NULL, NULL, NULL);

      {
        GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

        xgb_list_row_add_action (row, remove, remove_label, "jid", a->jid);
        g_signal_connect_object (remove, "clicked", G_CALLBACK (row_remove_cb), self, 0);
      }
      if (!modifiable)
        {
          /* The list stays readable; its controls say why they are off */
          for (GtkWidget *c = gtk_widget_get_first_child (row); c != NULL; c = gtk_widget_get_next_sibling (c))
            for (GtkWidget *w = gtk_widget_get_first_child (c); w != NULL; w = gtk_widget_get_next_sibling (w))
              if (GTK_IS_DROP_DOWN (w) || GTK_IS_BUTTON (w))
                {
                  gtk_widget_set_sensitive (w, FALSE);
                  gtk_widget_set_tooltip_text (w, not_modifiable_text ());
                }
        }
      gtk_list_box_append (self->pane.list, row);
    }
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(XgbAffiliationsView) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = xgb_pubsub_service_list_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  xgb_list_pane_take (&self->pane, list, error, _("Only an owner of this node may see and change who may use it."),
                      _("Could not read the affiliations:"), _("The server lists no affiliations for this node."));
  show_list (self);
}

static void
refresh (XgbAffiliationsView *self)
{
  xgb_list_pane_set_busy (&self->pane, TRUE);
  xgb_pubsub_service_get_affiliations_async (self->pane.service, self->pane.node, self->pane.cancellable,
                                             loaded_cb, g_object_ref (self));
}

/* --- changes -------------------------------------------------------- */

typedef struct
{
  XgbAffiliationsView *self;
  char                *jid;
  char                *affiliation;
} Change;

static void
change_free (Change *change)
{
  g_object_unref (change->self);
  g_free (change->jid);
  g_free (change->affiliation);
  g_free (change);
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Change *change = user_data;
  XgbAffiliationsView *self = change->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;
  int index = role_index (change->affiliation);

  xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  done = index < 0 ? g_strdup_printf (_("Removed “%s”."), change->jid)
                   : g_strdup_printf (_("“%s” is now %s."), change->jid, _(roles[index].label));
  if (xgb_list_pane_report (&self->pane, error, done,
                            _("only an owner of this node may change who may use it.")))
    refresh (self);
  change_free (change);
}

static void
send_change (XgbAffiliationsView *self,
             const char          *jid,
             const char          *affiliation)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  XgbPubsubAffiliation a = { (char *) jid, (char *) affiliation };
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->jid = g_strdup (jid);
  change->affiliation = g_strdup (affiliation);
  g_ptr_array_add (one, &a);
  xgb_list_pane_set_busy (&self->pane, TRUE);
  gtk_label_set_text (self->pane.status, _("Sending…"));
  xgb_pubsub_service_set_affiliations_async (self->pane.service, self->pane.node, one, self->pane.cancellable, changed_cb, change);
}

static void
confirmed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Change *change = user_data;

  if (xgb_confirm_dialog_run_finish (XGB_CONFIRM_DIALOG (object), result, NULL))
    send_change (change->self, change->jid, change->affiliation);
  else
    {
      gtk_label_set_text (change->self->pane.status, _("Not changed."));
      show_list (change->self);   /* puts the row's choice back */
    }
  change_free (change);
}

/**
 * xgb_affiliations_view_request_change:
 * @affiliation: the new affiliation; "none" removes the entry
 *
 * What choosing in a row, Remove or Add does: refused, confirmed first,
 * or sent at once, as the guards say.
 */
void
xgb_affiliations_view_request_change (XgbAffiliationsView *self,
                                      const char          *jid,
                                      const char          *affiliation)
{
  g_autofree char *why = NULL;
  const char *own = xgb_connection_get_jid (xgb_pubsub_service_get_connection (self->pane.service));

  g_return_if_fail (XGB_IS_AFFILIATIONS_VIEW (self));
  if (self->pane.busy || self->pane.node == NULL || self->pane.current == NULL)
    return;

  switch (xgb_guard_affiliation_change (self->pane.current, self->pane.node, own, jid, affiliation, &why))
    {
    case XGB_GUARD_REFUSE:
      gtk_label_set_text (self->pane.status, why);
      show_list (self);
      break;

    case XGB_GUARD_CONFIRM:
      {
        GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
        XgbConfirmDialog *dialog = xgb_confirm_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                           _("Change your own affiliation?"), why,
                                                           _("C_hange Anyway"));
        Change *change = g_new0 (Change, 1);

        change->self = g_object_ref (self);
        change->jid = g_strdup (jid);
        change->affiliation = g_strdup (affiliation);
        gtk_label_set_text (self->pane.status, _("Waiting for your confirmation…"));
        xgb_confirm_dialog_run_async (dialog, NULL, confirmed_cb, change);
      }
      break;

    case XGB_GUARD_OK:
    default:
      send_change (self, jid, affiliation);
      break;
    }
}

static void
add_cb (XgbAffiliationsView *self)
{
  g_autofree char *jid = xgb_list_pane_read_jid (&self->pane);
  guint selected = gtk_drop_down_get_selected (self->add_role);

  if (jid == NULL)
    return;
  if (selected >= G_N_ELEMENTS (roles))
    return;
  xgb_affiliations_view_request_change (self, jid, roles[selected].value);
}

/* --- public --------------------------------------------------------- */

/**
 * xgb_affiliations_view_load:
 * @node: (nullable): the node; NULL for a virtual folder
 */
void
xgb_affiliations_view_load (XgbAffiliationsView *self,
                            XgbPubsubService *service,
                            const char       *node)
{
  g_autofree char *intro = NULL;

  g_return_if_fail (XGB_IS_AFFILIATIONS_VIEW (self));

  if (node != NULL)
    intro = g_strdup_printf (_("Who may publish to and read “%s”. A change is sent to the server at once."), node);
  if (xgb_list_pane_load (&self->pane, service, node,
                          _("A folder only groups topics by name: it has no affiliations of its own."), intro))
    refresh (self);
}

gboolean
xgb_affiliations_view_get_busy (XgbAffiliationsView *self)
{
  g_return_val_if_fail (XGB_IS_AFFILIATIONS_VIEW (self), FALSE);
  return self->pane.busy;
}

/* Returns: (transfer none) (nullable) (element-type XgbPubsubAffiliation) */
GPtrArray *
xgb_affiliations_view_get_current (XgbAffiliationsView *self)
{
  g_return_val_if_fail (XGB_IS_AFFILIATIONS_VIEW (self), NULL);
  return self->pane.current;
}

const char *
xgb_affiliations_view_get_status (XgbAffiliationsView *self)
{
  g_return_val_if_fail (XGB_IS_AFFILIATIONS_VIEW (self), NULL);
  return gtk_label_get_text (self->pane.status);
}

/* --- the object ----------------------------------------------------- */

static void
xgb_affiliations_view_dispose (GObject *object)
{
  XgbAffiliationsView *self = XGB_AFFILIATIONS_VIEW (object);

  xgb_list_pane_clear (&self->pane);
  g_clear_object (&self->roles_width);
  xgb_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_AFFILIATIONS_VIEW);

  G_OBJECT_CLASS (xgb_affiliations_view_parent_class)->dispose (object);
}

static void
xgb_affiliations_view_class_init (XgbAffiliationsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_affiliations_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-affiliations-view.ui");
  XGB_LIST_PANE_BIND (widget_class, XgbAffiliationsView, pane);
  gtk_widget_class_bind_template_child (widget_class, XgbAffiliationsView, add_role);
  gtk_widget_class_bind_template_callback (widget_class, add_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xgbaffiliationsview");
}

static void
xgb_affiliations_view_init (XgbAffiliationsView *self)
{
  g_autoptr(GtkStringList) names = role_names ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->roles_width = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  gtk_drop_down_set_model (self->add_role, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->add_role, (guint) role_index ("publisher"));
}
