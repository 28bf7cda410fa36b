/* xgb-bulk-dialog.c - one affiliation or subscription change on many nodes
 *
 * Story 1.5 and the bulk changes of requirements.md: on one node, a
 * collection's subtree or every topic of a virtual folder, set one
 * address's affiliation (owner to grant another administrator access)
 * or subscription. The dialog states the scope, previews what would
 * change (nothing is sent), applies with progress and Cancel, and ends
 * with a report that names every failure and what was not attempted.
 * The engine is the core's XgbBulk; this is its face.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-bulk-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-bulk-dialog.h"
#include "xgb-confirm-dialog.h"
#include "xgb-jid.h"

/* --- one row of the list: a node and what happens there ------------- */

#define XGB_TYPE_BULK_ROW (xgb_bulk_row_get_type ())
G_DECLARE_FINAL_TYPE (XgbBulkRow, xgb_bulk_row, XGB, BULK_ROW, GObject)

typedef enum
{
  ROW_PLAIN,
  ROW_SKIPPED,   /* dimmed */
  ROW_PROBLEM,   /* in the error colour */
} RowStyle;

struct _XgbBulkRow
{
  GObject   parent_instance;
  char     *node;
  char     *verdict;
  RowStyle  style;
};

G_DEFINE_FINAL_TYPE (XgbBulkRow, xgb_bulk_row, G_TYPE_OBJECT)

static void
xgb_bulk_row_finalize (GObject *object)
{
  XgbBulkRow *self = XGB_BULK_ROW (object);

  g_free (self->node);
  g_free (self->verdict);
  G_OBJECT_CLASS (xgb_bulk_row_parent_class)->finalize (object);
}

static void
xgb_bulk_row_class_init (XgbBulkRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xgb_bulk_row_finalize;
}

static void
xgb_bulk_row_init (XgbBulkRow *self)
{
}

/* --- the dialog ------------------------------------------------------ */

struct _XgbBulkDialog
{
  GtkWindow         parent_instance;

  GtkSpinner       *scope_spinner;
  GtkLabel         *scope_label;
  GtkDropDown      *kind_drop_down;
  GtkEntry         *jid_entry;
  GtkLabel         *jid_error;
  GtkDropDown      *value_drop_down;
  GtkLabel         *summary_label;
  GtkWidget        *progress_box;
  GtkProgressBar   *progress_bar;
  GtkButton        *cancel_button;
  GtkWidget        *rows_window;
  GtkListView      *rows_view;
  GtkWidget        *rows_placeholder;
  GtkButton        *close_button;
  GtkButton        *preview_button;
  GtkButton        *apply_button;

  XgbNodeTree      *tree;
  XgbNode          *scope;
  GStrv             targets;     /* NULL until collected */
  gboolean          collecting;
  XgbBulk          *bulk;        /* the last preview's */
  gboolean          previewing;
  gboolean          previewed;   /* bulk holds a complete, current preview */
  gboolean          applying;
  gboolean          applied;     /* something was sent */
  gboolean          closing;
  GListStore       *rows;
  gboolean          setting;     /* set_change() under way */

  GCancellable     *cancellable; /* cancelled when the dialog goes */
  GCancellable     *collect_cancellable;
  GTask            *task;
};

G_DEFINE_FINAL_TYPE (XgbBulkDialog, xgb_bulk_dialog, GTK_TYPE_WINDOW)

enum {
  APPLIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  const char *value;
  const char *label;
} Choice;

/* XEP-0060 table 4, most rights first; owner first: granting another
 * administrator access is what this is most for (story 1.5) */
static const Choice affiliations[] = {
  { "owner", N_("Owner") },
  { "publisher", N_("Publisher") },
  { "publish-only", N_("Publish-only") },
  { "member", N_("Member") },
  { "none", N_("None (remove the affiliation)") },
  { "outcast", N_("Outcast (banned)") },
};

static const Choice subscriptions[] = {
  { "subscribed", N_("Subscribed") },
  { "none", N_("None (unsubscribe)") },
};

/* How a value reads in a row: "Publisher → Owner" */
static const char *
value_label (XgbBulkKind  kind,
             const char  *value)
{
  if (value == NULL)
    return "—";
  if (kind == XGB_BULK_SUBSCRIPTION)
    {
      if (g_str_equal (value, "subscribed"))
        return _("Subscribed");
      if (g_str_equal (value, "pending"))
        return _("Pending approval");
      if (g_str_equal (value, "unconfigured"))
        return _("Unconfigured");
      if (g_str_equal (value, "none"))
        return _("Not subscribed");
      return value;
    }
  if (g_str_equal (value, "none"))
    return _("None");
  for (guint i = 0; i < G_N_ELEMENTS (affiliations); i++)
    if (g_str_equal (affiliations[i].value, value))
      return _(affiliations[i].label);
  return value;
}

static XgbBulkKind
selected_kind (XgbBulkDialog *self)
{
  return gtk_drop_down_get_selected (self->kind_drop_down) == 1 ? XGB_BULK_SUBSCRIPTION : XGB_BULK_AFFILIATION;
}

static const char *
selected_value (XgbBulkDialog *self)
{
  guint selected = gtk_drop_down_get_selected (self->value_drop_down);

  if (selected_kind (self) == XGB_BULK_SUBSCRIPTION)
    return selected < G_N_ELEMENTS (subscriptions) ? subscriptions[selected].value : NULL;
  return selected < G_N_ELEMENTS (affiliations) ? affiliations[selected].value : NULL;
}

static void
set_values (XgbBulkDialog *self,
            XgbBulkKind    kind)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const Choice *choices = kind == XGB_BULK_SUBSCRIPTION ? subscriptions : affiliations;
  guint n = kind == XGB_BULK_SUBSCRIPTION ? G_N_ELEMENTS (subscriptions) : G_N_ELEMENTS (affiliations);

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (names, _(choices[i].label));
  gtk_drop_down_set_model (self->value_drop_down, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->value_drop_down, 0);
}

/* Folders hold topics; a collection's subtree may hold collections */
static gboolean
topics_only (XgbBulkDialog *self)
{
  return xgb_node_get_kind (self->scope) != XGB_NODE_KIND_COLLECTION;
}

static gboolean
busy (XgbBulkDialog *self)
{
  return self->collecting || self->previewing || self->applying;
}

/* The address typed, checked; NULL (saying why, unless @quiet) if none */
static char *
read_jid (XgbBulkDialog *self,
          gboolean       quiet)
{
  g_autofree char *jid = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->jid_entry))));
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbJid) parsed = NULL;
  g_autofree char *text = NULL;

  if (*jid != '\0' && (parsed = xgb_jid_parse (jid, &error)) != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->jid_error), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->jid_entry), "error");
      return g_steal_pointer (&jid);
    }
  if (*jid == '\0' && quiet)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->jid_error), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->jid_entry), "error");
      return NULL;
    }
  text = *jid == '\0' ? g_strdup (_("Enter the address whose affiliation or subscription changes."))
                      : g_strdup_printf (_("Not a valid address: %s"), error->message);
  gtk_label_set_text (self->jid_error, text);
  gtk_widget_set_visible (GTK_WIDGET (self->jid_error), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->jid_entry), "error");
  return NULL;
}

static void
update_controls (XgbBulkDialog *self)
{
  gboolean working = busy (self);
  g_autofree char *jid = read_jid (self, TRUE);
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  gtk_widget_set_visible (self->progress_box, self->previewing || self->applying);
  /* Focus goes to Cancel before the controls turn insensitive */
  if (gtk_widget_get_visible (self->progress_box) && focus != NULL && focus != GTK_WIDGET (self->cancel_button))
    gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_drop_down), !working);
  gtk_widget_set_sensitive (GTK_WIDGET (self->jid_entry), !working);
  gtk_widget_set_sensitive (GTK_WIDGET (self->value_drop_down), !working);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), TRUE);
  /* While working, Cancel stops; Escape still closes (and stops) */
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), !(self->previewing || self->applying));
  gtk_widget_set_sensitive (GTK_WIDGET (self->preview_button),
                            !working && self->targets != NULL && self->targets[0] != NULL && jid != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button),
                            !working && self->previewed && xgb_bulk_count (self->bulk, XGB_BULK_WILL_CHANGE) > 0);
  gtk_spinner_set_spinning (self->scope_spinner, self->collecting);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_spinner), self->collecting);
}

/* --- the list -------------------------------------------------------- */

static void
add_row (XgbBulkDialog *self,
         const char    *node,
         const char    *verdict,
         RowStyle       style)
{
  g_autoptr(XgbBulkRow) row = g_object_new (XGB_TYPE_BULK_ROW, NULL);

  row->node = g_strdup (node);
  row->verdict = g_strdup (verdict);
  row->style = style;
  g_list_store_append (self->rows, row);
}

static char *
verdict_text (XgbBulkDialog       *self,
              const XgbBulkTarget *t,
              RowStyle            *style)
{
  XgbBulkKind kind = xgb_bulk_get_kind (self->bulk);
  const char *to = value_label (kind, xgb_bulk_get_value (self->bulk));
  const char *from = value_label (kind, t->from);

  *style = ROW_PLAIN;
  switch (t->outcome)
    {
    case XGB_BULK_WILL_CHANGE:
      if (t->confirm)
        /* Translators: current → new value; the admin lowers their own rights */
        return g_strdup_printf (_("%s → %s (your own: asks first)"), from, to);
      /* Translators: current value → new value */
      return g_strdup_printf (_("%s → %s"), from, to);
    case XGB_BULK_ALREADY:
      *style = ROW_SKIPPED;
      return g_strdup_printf (_("Already %s: skipped"), from);
    case XGB_BULK_REFUSED:
      *style = ROW_PROBLEM;
      return g_strdup_printf (_("Refused, not sent: %s"), t->reason);
    case XGB_BULK_UNREADABLE:
      *style = ROW_PROBLEM;
      return g_strdup_printf (_("Cannot be read, not sent: %s"), t->reason);
    case XGB_BULK_DONE:
      return g_strdup_printf (_("Changed: %s → %s"), from, to);
    case XGB_BULK_FAILED:
      *style = ROW_PROBLEM;
      return g_strdup_printf (_("Failed: %s"), t->reason);
    case XGB_BULK_NOT_ATTEMPTED:
      *style = ROW_SKIPPED;
      return g_strdup (_("Not attempted (cancelled): unchanged"));
    case XGB_BULK_UNREAD:
    case XGB_BULK_N_OUTCOMES:
    default:
      *style = ROW_SKIPPED;
      return g_strdup (_("Not read (stopped)"));
    }
}

/* Rows by outcome, in the order given: problems first */
static void
fill_rows (XgbBulkDialog        *self,
           const XgbBulkOutcome *order,
           guint                 n_order)
{
  g_list_store_remove_all (self->rows);
  for (guint o = 0; o < n_order; o++)
    for (guint i = 0; i < xgb_bulk_get_n_targets (self->bulk); i++)
      {
        const XgbBulkTarget *t = xgb_bulk_get_target (self->bulk, i);
        g_autofree char *verdict = NULL;
        RowStyle style;

        if (t->outcome != order[o])
          continue;
        verdict = verdict_text (self, t, &style);
        add_row (self, t->node, verdict, style);
      }
  gtk_widget_set_visible (self->rows_window, TRUE);
  gtk_widget_set_visible (self->rows_placeholder, FALSE);
}

static void
clear_rows (XgbBulkDialog *self)
{
  g_list_store_remove_all (self->rows);
  gtk_widget_set_visible (self->rows_window, FALSE);
  gtk_widget_set_visible (self->rows_placeholder, TRUE);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *node = gtk_label_new (NULL);
  GtkWidget *verdict = gtk_label_new (NULL);

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_label_set_xalign (GTK_LABEL (node), 0);
  gtk_label_set_yalign (GTK_LABEL (node), 0);
  gtk_label_set_ellipsize (GTK_LABEL (node), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_width_chars (GTK_LABEL (node), 18);
  gtk_label_set_max_width_chars (GTK_LABEL (node), 24);
  gtk_label_set_xalign (GTK_LABEL (verdict), 0);
  gtk_label_set_wrap (GTK_LABEL (verdict), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (verdict), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (verdict, TRUE);
  gtk_box_append (GTK_BOX (box), node);
  gtk_box_append (GTK_BOX (box), verdict);
  gtk_list_item_set_child (item, box);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  XgbBulkRow *row = gtk_list_item_get_item (item);
  GtkWidget *node = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *verdict = gtk_widget_get_next_sibling (node);

  gtk_label_set_text (GTK_LABEL (node), row->node);
  gtk_widget_set_tooltip_text (node, row->node);
  gtk_label_set_text (GTK_LABEL (verdict), row->verdict);
  gtk_widget_remove_css_class (verdict, "error");
  gtk_widget_remove_css_class (verdict, "dim-label");
  if (row->style == ROW_PROBLEM)
    gtk_widget_add_css_class (verdict, "error");
  else if (row->style == ROW_SKIPPED)
    gtk_widget_add_css_class (verdict, "dim-label");
}

/* --- scope ----------------------------------------------------------- */

static void
show_scope (XgbBulkDialog *self,
            const GError  *error)
{
  g_autofree char *text = NULL;
  const char *separator = xgb_node_tree_get_separator (self->tree);
  guint n = self->targets ? g_strv_length (self->targets) : 0;

  if (error != NULL)
    text = g_strdup_printf (_("The nodes to change could not be found: %s"), error->message);
  else if (xgb_node_get_kind (self->scope) == XGB_NODE_KIND_FOLDER && n == 0)
    text = g_strdup_printf (_("No topics under folder %s%s"), xgb_node_get_path (self->scope),
                            separator ? separator : "");
  else if (xgb_node_get_kind (self->scope) == XGB_NODE_KIND_FOLDER)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u topic under folder %s%s", "%u topics under folder %s%s", n),
                            n, xgb_node_get_path (self->scope), separator ? separator : "");
  else if (xgb_node_get_kind (self->scope) == XGB_NODE_KIND_COLLECTION && n <= 1)
    text = g_strdup_printf (_("The collection %s (no nodes under it)"), xgb_node_get_name (self->scope));
  else if (xgb_node_get_kind (self->scope) == XGB_NODE_KIND_COLLECTION)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The collection %s and the %u node under it",
                                         "The collection %s and the %u nodes under it", n - 1),
                            xgb_node_get_name (self->scope), n - 1);
  else
    text = g_strdup_printf (_("The topic %s"), xgb_node_get_name (self->scope));
  gtk_label_set_text (self->scope_label, text);
}

static void
collected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XgbBulkDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) targets = xgb_bulk_collect_finish (XGB_NODE_TREE (object), result, &error);

  if (self->closing)
    return;
  self->collecting = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->scope_label, _("Stopped before all the nodes to change were found."));
  else
    {
      self->targets = g_steal_pointer (&targets);
      show_scope (self, error);
    }
  update_controls (self);
}

static void
collect (XgbBulkDialog *self)
{
  g_autofree char *text = NULL;

  if (xgb_node_get_kind (self->scope) == XGB_NODE_KIND_FOLDER)
    text = g_strdup_printf (_("Finding the topics under folder %s%s…"), xgb_node_get_path (self->scope),
                            xgb_node_tree_get_separator (self->tree) ? xgb_node_tree_get_separator (self->tree) : "");
  else if (xgb_node_get_kind (self->scope) == XGB_NODE_KIND_COLLECTION)
    text = g_strdup_printf (_("Finding the nodes under the collection %s…"), xgb_node_get_name (self->scope));
  else
    text = g_strdup_printf (_("The topic %s"), xgb_node_get_name (self->scope));
  gtk_label_set_text (self->scope_label, text);

  self->collecting = TRUE;
  self->collect_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                           self->collect_cancellable, G_CONNECT_SWAPPED);
  xgb_bulk_collect_async (self->tree, self->scope, self->collect_cancellable, collected_cb, g_object_ref (self));
  update_controls (self);
}

/* --- preview --------------------------------------------------------- */

static void
progress_cb (XgbBulk       *bulk,
             GParamSpec    *pspec,
             XgbBulkDialog *self)
{
  guint done = xgb_bulk_get_done (bulk);
  guint total = xgb_bulk_get_total (bulk);
  g_autofree char *text = NULL;

  if (self->closing)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0.0);
  /* Translators: answers received of changes to send */
  text = self->applying ? g_strdup_printf (_("%u of %u done"), done, total)
                        : g_strdup_printf (_("%u of %u read"), done, total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
append_skipped (XgbBulkDialog *self,
                GString       *summary)
{
  guint already = xgb_bulk_count (self->bulk, XGB_BULK_ALREADY);
  guint refused = xgb_bulk_count (self->bulk, XGB_BULK_REFUSED);
  guint unreadable = xgb_bulk_count (self->bulk, XGB_BULK_UNREADABLE);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (already > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%u already so"), already));
  if (refused > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%u refused by the safety checks"), refused));
  if (unreadable > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%u that cannot be read"), unreadable));
  if (parts->len == 0)
    return;
  g_ptr_array_add (parts, NULL);
  {
    g_autofree char *joined = g_strjoinv (", ", (char **) parts->pdata);

    g_string_append_c (summary, ' ');
    /* Translators: e.g. "Skipped: 2 already so, 1 that cannot be read." */
    g_string_append_printf (summary, _("Skipped: %s."), joined);
  }
}

static void
previewed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XgbBulkDialog) self = user_data;
  XgbBulk *bulk = XGB_BULK (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  gboolean complete = xgb_bulk_preview_finish (bulk, result, &error);
  static const XgbBulkOutcome order[] = {
    XGB_BULK_REFUSED, XGB_BULK_UNREADABLE, XGB_BULK_WILL_CHANGE, XGB_BULK_ALREADY, XGB_BULK_UNREAD,
  };
  guint changes;

  g_signal_handlers_disconnect_by_func (bulk, progress_cb, self);
  if (self->closing || bulk != self->bulk)
    return;
  self->previewing = FALSE;
  changes = xgb_bulk_count (bulk, XGB_BULK_WILL_CHANGE);

  if (!complete)
    g_string_append_printf (summary, _("Preview cancelled after reading %u of %u: nothing was sent. Preview again to apply."),
                            xgb_bulk_get_done (bulk), xgb_bulk_get_total (bulk));
  else
    {
      self->previewed = TRUE;
      if (changes == 0)
        g_string_append (summary, _("Nothing to change."));
      else if (topics_only (self))
        g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u topic will change.",
                                                      "%u topics will change.", changes), changes);
      else
        g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u node will change.",
                                                      "%u nodes will change.", changes), changes);
      append_skipped (self, summary);
      if (xgb_bulk_count_confirm (bulk) > 0)
        {
          g_string_append_c (summary, ' ');
          g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                        "One change lowers your own affiliation: Apply asks first.",
                                                        "%u changes lower your own affiliation: Apply asks first.",
                                                        xgb_bulk_count_confirm (bulk)),
                                  xgb_bulk_count_confirm (bulk));
        }
      if (changes > 0)
        {
          g_string_append_c (summary, ' ');
          g_string_append (summary, _("Nothing has been sent yet."));
        }
    }
  gtk_label_set_text (self->summary_label, summary->str);
  fill_rows (self, order, G_N_ELEMENTS (order));
  update_controls (self);
  gtk_widget_grab_focus (gtk_widget_get_sensitive (GTK_WIDGET (self->apply_button)) ? GTK_WIDGET (self->apply_button)
                                                                                    : GTK_WIDGET (self->jid_entry));
}

/**
 * xgb_bulk_dialog_preview:
 *
 * What Preview does: reads every node's current state and lists what
 * would change. Returns: %FALSE when it cannot start (no nodes yet, a
 * wrong address: the dialog says why)
 */
gboolean
xgb_bulk_dialog_preview (XgbBulkDialog *self)
{
  g_autofree char *jid = NULL;
  const char *value;

  g_return_val_if_fail (XGB_IS_BULK_DIALOG (self), FALSE);

  if (busy (self) || self->targets == NULL || self->targets[0] == NULL)
    return FALSE;
  jid = read_jid (self, FALSE);
  value = selected_value (self);
  if (jid == NULL || value == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->jid_entry));
      return FALSE;
    }

  g_clear_object (&self->bulk);
  self->bulk = xgb_bulk_new (xgb_node_tree_get_service (self->tree), (const char * const *) self->targets,
                             selected_kind (self), jid, value);
  self->previewing = TRUE;
  self->previewed = FALSE;
  clear_rows (self);
  gtk_label_set_text (self->summary_label, _("Reading the current state of each node; nothing is sent…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  g_signal_connect (self->bulk, "notify::done", G_CALLBACK (progress_cb), self);
  update_controls (self);
  progress_cb (self->bulk, NULL, self);
  xgb_bulk_preview_async (self->bulk, self->cancellable, previewed_cb, g_object_ref (self));
  return TRUE;
}

static void
preview_clicked_cb (XgbBulkDialog *self)
{
  xgb_bulk_dialog_preview (self);
}

/* --- apply ----------------------------------------------------------- */

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XgbBulkDialog) self = user_data;
  XgbBulk *bulk = XGB_BULK (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  guint done = xgb_bulk_count (bulk, XGB_BULK_DONE);
  guint failed = xgb_bulk_count (bulk, XGB_BULK_FAILED);
  guint not_attempted = xgb_bulk_count (bulk, XGB_BULK_NOT_ATTEMPTED);
  static const XgbBulkOutcome order[] = {
    XGB_BULK_FAILED, XGB_BULK_NOT_ATTEMPTED, XGB_BULK_DONE,
    XGB_BULK_REFUSED, XGB_BULK_UNREADABLE, XGB_BULK_ALREADY,
  };

  xgb_bulk_apply_finish (bulk, result, &error);
  g_signal_handlers_disconnect_by_func (bulk, progress_cb, self);
  if (self->closing)
    return;
  self->applying = FALSE;
  self->previewed = FALSE;   /* the preview is spent */

  g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "Done: %u changed", "Done: %u changed", done), done);
  if (failed > 0)
    g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, ", %u failed", ", %u failed", failed), failed);
  if (not_attempted > 0)
    g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, ", %u not attempted (cancelled)",
                                                  ", %u not attempted (cancelled)", not_attempted),
                            not_attempted);
  g_string_append_c (summary, '.');
  append_skipped (self, summary);
  if (failed > 0)
    {
      g_string_append_c (summary, ' ');
      g_string_append (summary, _("The failures are listed first, with the server’s reasons."));
    }
  gtk_label_set_text (self->summary_label, summary->str);
  fill_rows (self, order, G_N_ELEMENTS (order));
  update_controls (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->close_button));

  /* The node page shows the server's state anew */
  g_signal_emit (self, signals[APPLIED], 0);
}

static void
start_apply (XgbBulkDialog *self)
{
  self->applying = TRUE;
  self->applied = TRUE;
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  {
    guint n = xgb_bulk_count (self->bulk, XGB_BULK_WILL_CHANGE);
    g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "Applying %u change… Cancel sends nothing more; what was "
                                                          "sent finishes and is reported.",
                                                          "Applying %u changes… Cancel sends nothing more; what was "
                                                          "sent finishes and is reported.", n), n);

    gtk_label_set_text (self->summary_label, text);
  }
  g_signal_connect (self->bulk, "notify::done", G_CALLBACK (progress_cb), self);
  update_controls (self);
  xgb_bulk_apply_async (self->bulk, self->cancellable, applied_cb, g_object_ref (self));
  progress_cb (self->bulk, NULL, self);
}

static void
confirmed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XgbBulkDialog) self = user_data;

  if (self->closing)
    return;
  if (xgb_confirm_dialog_run_finish (XGB_CONFIRM_DIALOG (object), result, NULL) && self->previewed && !busy (self))
    start_apply (self);
  else
    gtk_label_set_text (self->summary_label, _("Not applied: nothing was sent."));
}

/**
 * xgb_bulk_dialog_apply:
 *
 * What Apply does: sends the previewed changes, asking first when some
 * lower the admin's own affiliation. Returns: %FALSE without a current
 * preview with changes
 */
gboolean
xgb_bulk_dialog_apply (XgbBulkDialog *self)
{
  guint own;

  g_return_val_if_fail (XGB_IS_BULK_DIALOG (self), FALSE);

  if (busy (self) || !self->previewed || xgb_bulk_count (self->bulk, XGB_BULK_WILL_CHANGE) == 0)
    return FALSE;

  own = xgb_bulk_count_confirm (self->bulk);
  if (own > 0)
    {
      g_autofree char *heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "Lower your own affiliation on %u node?",
                                                               "Lower your own affiliation on %u nodes?", own),
                                                  own);
      g_autofree char *explanation = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
        "You will no longer own %u node: you will not be able to change its configuration, affiliations or "
        "subscriptions, and only another owner can give the right back.",
        "You will no longer own %u nodes: you will not be able to change their configuration, affiliations or "
        "subscriptions, and only another owner can give the right back.", own), own);
      XgbConfirmDialog *dialog = xgb_confirm_dialog_new (GTK_WINDOW (self), heading, explanation,
                                                         _("C_hange Anyway"));

      gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
      gtk_label_set_text (self->summary_label, _("Waiting for your confirmation…"));
      xgb_confirm_dialog_run_async (dialog, self->cancellable, confirmed_cb, g_object_ref (self));
      return TRUE;
    }
  start_apply (self);
  return TRUE;
}

static void
apply_clicked_cb (XgbBulkDialog *self)
{
  xgb_bulk_dialog_apply (self);
}

/**
 * xgb_bulk_dialog_cancel:
 *
 * What Cancel does while the dialog works: nothing more is read or
 * sent; what was sent finishes and is reported.
 */
void
xgb_bulk_dialog_cancel (XgbBulkDialog *self)
{
  g_return_if_fail (XGB_IS_BULK_DIALOG (self));

  if (self->collecting)
    g_cancellable_cancel (self->collect_cancellable);
  else if (self->previewing || self->applying)
    {
      if (self->applying)
        gtk_label_set_text (self->summary_label, _("Cancelling: nothing more is sent; waiting for the answers "
                                                   "to what was sent…"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
      xgb_bulk_stop (self->bulk);
    }
}

static void
cancel_clicked_cb (XgbBulkDialog *self)
{
  xgb_bulk_dialog_cancel (self);
}

/* --- editing the change ---------------------------------------------- */

static void
change_edited_cb (XgbBulkDialog *self)
{
  if (self->setting)
    return;
  /* Another change than the one previewed: preview again */
  if (self->previewed || (self->bulk != NULL && !busy (self)))
    {
      self->previewed = FALSE;
      clear_rows (self);
      gtk_label_set_text (self->summary_label, _("Preview to see what this change does."));
    }
  update_controls (self);
}

static void
kind_changed_cb (XgbBulkDialog *self)
{
  set_values (self, selected_kind (self));
  change_edited_cb (self);
}

/**
 * xgb_bulk_dialog_set_change:
 *
 * Fills in the change as the admin would choose it.
 */
void
xgb_bulk_dialog_set_change (XgbBulkDialog *self,
                            XgbBulkKind    kind,
                            const char    *jid,
                            const char    *value)
{
  const Choice *choices = kind == XGB_BULK_SUBSCRIPTION ? subscriptions : affiliations;
  guint n = kind == XGB_BULK_SUBSCRIPTION ? G_N_ELEMENTS (subscriptions) : G_N_ELEMENTS (affiliations);

  g_return_if_fail (XGB_IS_BULK_DIALOG (self));

  self->setting = TRUE;
  gtk_drop_down_set_selected (self->kind_drop_down, kind == XGB_BULK_SUBSCRIPTION ? 1 : 0);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (choices[i].value, value) == 0)
      gtk_drop_down_set_selected (self->value_drop_down, i);
  gtk_editable_set_text (GTK_EDITABLE (self->jid_entry), jid ? jid : "");
  self->setting = FALSE;
  change_edited_cb (self);
}

/* --- the window ------------------------------------------------------ */

static void
finish (XgbBulkDialog *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_boolean (task, self->applied);
}

static void
close_clicked_cb (XgbBulkDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
xgb_bulk_dialog_close_request (GtkWindow *window)
{
  XgbBulkDialog *self = XGB_BULK_DIALOG (window);
  gboolean was_applying = self->applying;

  /* Closing stops the work; what was sent may have changed the nodes */
  self->closing = TRUE;
  if (self->bulk != NULL)
    xgb_bulk_stop (self->bulk);
  g_cancellable_cancel (self->cancellable);
  if (was_applying)
    g_signal_emit (self, signals[APPLIED], 0);
  finish (self);
  return GTK_WINDOW_CLASS (xgb_bulk_dialog_parent_class)->close_request (window);
}

static void
xgb_bulk_dialog_dispose (GObject *object)
{
  XgbBulkDialog *self = XGB_BULK_DIALOG (object);

  self->closing = TRUE;
  g_cancellable_cancel (self->cancellable);
  finish (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_BULK_DIALOG);
  if (self->bulk != NULL)
    g_signal_handlers_disconnect_by_data (self->bulk, self);
  g_clear_object (&self->bulk);
  g_clear_object (&self->rows);
  g_clear_object (&self->tree);
  g_clear_object (&self->scope);

  G_OBJECT_CLASS (xgb_bulk_dialog_parent_class)->dispose (object);
}

static void
xgb_bulk_dialog_finalize (GObject *object)
{
  XgbBulkDialog *self = XGB_BULK_DIALOG (object);

  g_strfreev (self->targets);
  g_clear_object (&self->collect_cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (xgb_bulk_dialog_parent_class)->finalize (object);
}

static void
xgb_bulk_dialog_class_init (XgbBulkDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_bulk_dialog_dispose;
  object_class->finalize = xgb_bulk_dialog_finalize;
  window_class->close_request = xgb_bulk_dialog_close_request;

  /**
   * XgbBulkDialog::applied:
   *
   * Changes were sent (the apply finished, or the dialog closed while
   * applying): pages showing those nodes should read them anew.
   */
  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-bulk-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, scope_spinner);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, scope_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, kind_drop_down);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, jid_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, jid_error);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, value_drop_down);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, rows_window);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, rows_view);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, rows_placeholder);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, preview_button);
  gtk_widget_class_bind_template_child (widget_class, XgbBulkDialog, apply_button);
  gtk_widget_class_bind_template_callback (widget_class, kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, change_edited_cb);
  gtk_widget_class_bind_template_callback (widget_class, preview_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_bulk_dialog_init (XgbBulkDialog *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  self->cancellable = g_cancellable_new ();
  self->rows = g_list_store_new (XGB_TYPE_BULK_ROW);
  self->setting = TRUE;   /* the template's signals fire while it is built */
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (kinds, _("Affiliation"));
  gtk_string_list_append (kinds, _("Subscription"));
  gtk_drop_down_set_model (self->kind_drop_down, G_LIST_MODEL (kinds));
  gtk_drop_down_set_selected (self->kind_drop_down, 0);
  set_values (self, XGB_BULK_AFFILIATION);
  self->setting = FALSE;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->rows_view, factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_list_view_set_model (self->rows_view, GTK_SELECTION_MODEL (selection));
  gtk_label_set_text (self->summary_label, _("Preview reads each node’s current state and shows what would "
                                             "change. Nothing is sent before you press Apply."));
}

/**
 * xgb_bulk_dialog_new:
 * @scope: a topic, a collection (with its subtree) or a virtual folder
 *   of @tree
 *
 * Starts finding the nodes at once; the scope line says how many.
 */
XgbBulkDialog *
xgb_bulk_dialog_new (GtkWindow   *parent,
                     XgbNodeTree *tree,
                     XgbNode     *scope)
{
  XgbBulkDialog *self;

  g_return_val_if_fail (XGB_IS_NODE_TREE (tree), NULL);
  g_return_val_if_fail (XGB_IS_NODE (scope), NULL);

  self = g_object_new (XGB_TYPE_BULK_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->tree = g_object_ref (tree);
  self->scope = g_object_ref (scope);
  collect (self);
  return self;
}

void
xgb_bulk_dialog_run_async (XgbBulkDialog       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (XGB_IS_BULK_DIALOG (self));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, xgb_bulk_dialog_run_async);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->jid_entry));
}

/* Returns: TRUE when changes were sent */
gboolean
xgb_bulk_dialog_run_finish (XgbBulkDialog  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
xgb_bulk_dialog_get_busy (XgbBulkDialog *self)
{
  g_return_val_if_fail (XGB_IS_BULK_DIALOG (self), FALSE);
  return busy (self);
}

/* Returns: (nullable): the nodes the change applies to; NULL until found */
const char * const *
xgb_bulk_dialog_get_targets (XgbBulkDialog *self)
{
  g_return_val_if_fail (XGB_IS_BULK_DIALOG (self), NULL);
  return (const char * const *) self->targets;
}

/* Returns: (transfer none) (nullable): the last preview's engine */
XgbBulk *
xgb_bulk_dialog_get_bulk (XgbBulkDialog *self)
{
  g_return_val_if_fail (XGB_IS_BULK_DIALOG (self), NULL);
  return self->bulk;
}

const char *
xgb_bulk_dialog_get_scope_text (XgbBulkDialog *self)
{
  g_return_val_if_fail (XGB_IS_BULK_DIALOG (self), NULL);
  return gtk_label_get_text (self->scope_label);
}

const char *
xgb_bulk_dialog_get_summary (XgbBulkDialog *self)
{
  g_return_val_if_fail (XGB_IS_BULK_DIALOG (self), NULL);
  return gtk_label_get_text (self->summary_label);
}

/* Returns: (nullable): what the list says of @node */
const char *
xgb_bulk_dialog_find_row (XgbBulkDialog *self,
                          const char    *node)
{
  g_return_val_if_fail (XGB_IS_BULK_DIALOG (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(XgbBulkRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (g_strcmp0 (row->node, node) == 0)
        return row->verdict;   /* the store keeps it */
    }
  return NULL;
}
