/* xgb-audit-window.c - the audit trail: this computer's log and the
 * audit topic
 *
 * Story 1.6.  The entries this computer wrote (every change made with
 * the app or xgb-cli here) and, when an audit topic is set, the entries
 * every administrator published there: so an admin sees what the
 * others did.  Newest first, with a text filter and a source filter.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-audit-window"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-audit-window.h"

#define TOPIC_PAGE     200
#define TOPIC_MOST     5000

/* --- a row: an entry and where it came from ------------------------- */

#define XGB_TYPE_AUDIT_ROW (xgb_audit_row_get_type ())
G_DECLARE_FINAL_TYPE (XgbAuditRow, xgb_audit_row, XGB, AUDIT_ROW, GObject)

struct _XgbAuditRow
{
  GObject        parent_instance;
  XgbAuditEntry *entry;
  guint          source;
};

G_DEFINE_FINAL_TYPE (XgbAuditRow, xgb_audit_row, G_TYPE_OBJECT)

static void
xgb_audit_row_finalize (GObject *object)
{
  xgb_audit_entry_free (XGB_AUDIT_ROW (object)->entry);
  G_OBJECT_CLASS (xgb_audit_row_parent_class)->finalize (object);
}

static void
xgb_audit_row_class_init (XgbAuditRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xgb_audit_row_finalize;
}

static void
xgb_audit_row_init (XgbAuditRow *self)
{
}

static XgbAuditRow *
audit_row_new (XgbAuditEntry *entry,   /* taken */
               guint          source)
{
  XgbAuditRow *row = g_object_new (XGB_TYPE_AUDIT_ROW, NULL);

  row->entry = entry;
  row->source = source;
  return row;
}

/* --- the window ----------------------------------------------------- */

struct _XgbAuditWindow
{
  GtkWindow           parent_instance;

  GtkSearchEntry     *filter_entry;
  GtkDropDown        *source_drop_down;
  GtkLabel           *status_label;
  GtkColumnView      *columns;

  XgbAuditLog        *log;
  XgbPubsubService   *service;
  char               *topic;
  GListStore         *store;
  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;
  GCancellable       *cancellable;
  guint               loading;      /* reads in progress */
  guint               n_local;
  guint               n_topic;
  guint               n_bad;
  char               *topic_error;
  char               *after;
  GHashTable         *rows_by_key;  /* an entry in both sources is one row */
};

static int newest_first (gconstpointer a,
                         gconstpointer b,
                         gpointer      data);

/* A row read from both the local log and the topic */
#define SOURCE_BOTH 3

static char *
entry_key (const XgbAuditEntry *e)
{
  g_autofree char *time = g_date_time_format_iso8601 (e->time);

  return g_strjoin ("\x1f", time, e->account ? e->account : "", e->action ? e->action : "",
                    e->target ? e->target : "", NULL);
}

static void
add_entry (XgbAuditWindow *self,
           XgbAuditEntry  *entry,   /* taken */
           guint           source)
{
  g_autofree char *key = entry_key (entry);
  XgbAuditRow *seen = g_hash_table_lookup (self->rows_by_key, key);
  g_autoptr(XgbAuditRow) row = NULL;

  if (seen != NULL && seen->source != source)
    {
      seen->source = SOURCE_BOTH;
      xgb_audit_entry_free (entry);
      return;
    }
  row = audit_row_new (entry, source);
  g_hash_table_insert (self->rows_by_key, g_steal_pointer (&key), row);
  g_list_store_insert_sorted (self->store, row, newest_first, NULL);
}

G_DEFINE_FINAL_TYPE (XgbAuditWindow, xgb_audit_window, GTK_TYPE_WINDOW)

typedef enum
{
  COLUMN_TIME,
  COLUMN_ACCOUNT,
  COLUMN_ACTION,
  COLUMN_TARGET,
  COLUMN_PARAMETERS,
  COLUMN_RESULT,
  COLUMN_SOURCE,
} Column;

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  XgbAuditRow *row = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  const XgbAuditEntry *e = row->entry;
  g_autofree char *text = NULL;
  const char *shown = NULL;

  switch (GPOINTER_TO_INT (data))
    {
    case COLUMN_TIME:
      {
        g_autoptr(GDateTime) local = g_date_time_to_local (e->time);

        text = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
        shown = text;
      }
      break;
    case COLUMN_ACCOUNT:
      shown = e->account;
      break;
    case COLUMN_ACTION:
      shown = e->action;
      break;
    case COLUMN_TARGET:
      shown = e->target;
      break;
    case COLUMN_PARAMETERS:
      shown = e->parameters;
      break;
    case COLUMN_RESULT:
      shown = xgb_audit_entry_ok (e) ? _("Done") : e->result;
      break;
    case COLUMN_SOURCE:
    default:
      shown = row->source == XGB_AUDIT_SOURCE_LOCAL ? _("This computer")
              : row->source == XGB_AUDIT_SOURCE_TOPIC ? _("Audit topic")
              : _("Both");
      break;
    }
  gtk_label_set_text (label, shown ? shown : "—");
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), shown);
  if (GPOINTER_TO_INT (data) == COLUMN_RESULT && !xgb_audit_entry_ok (e))
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
}

static void
add_column (XgbAuditWindow *self,
            const char     *title,
            Column          column,
            int             width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (col, width);
  else
    gtk_column_view_column_set_expand (col, TRUE);
  gtk_column_view_append_column (self->columns, col);
  g_object_unref (col);
}

static gboolean
row_filter (gpointer item,
            gpointer data)
{
  XgbAuditWindow *self = data;
  XgbAuditRow *row = item;
  guint source = gtk_drop_down_get_selected (self->source_drop_down);

  if (source != XGB_AUDIT_SOURCE_ALL && source != GTK_INVALID_LIST_POSITION && row->source != source &&
      row->source != SOURCE_BOTH)
    return FALSE;
  return xgb_audit_entry_matches (row->entry, gtk_editable_get_text (GTK_EDITABLE (self->filter_entry)));
}

static int
newest_first (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  return g_date_time_compare (XGB_AUDIT_ROW ((gpointer) b)->entry->time, XGB_AUDIT_ROW ((gpointer) a)->entry->time);
}

static void
update_status (XgbAuditWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if (self->loading > 0)
    {
      gtk_label_set_text (self->status_label, _("Reading…"));
      return;
    }
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u entry shown", "%u entries shown", shown), shown);
  g_string_append_printf (text, " · %s", xgb_audit_log_get_path (self->log));
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, ": %u entry", ": %u entries", self->n_local),
                          self->n_local);
  if (self->n_bad > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " (%u damaged line skipped)",
                                               " (%u damaged lines skipped)", self->n_bad), self->n_bad);
  if (self->topic == NULL)
    g_string_append_printf (text, " · %s", _("No audit topic is set, so only this computer’s changes are shown "
                                             "(an account’s Audit Topic is under Server Options when you log in)."));
  else if (self->topic_error != NULL)
    g_string_append_printf (text, " · %s", self->topic_error);
  else
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " · audit topic “%s”: %u entry",
                                               " · audit topic “%s”: %u entries", self->n_topic),
                            self->topic, self->n_topic);
  gtk_label_set_text (self->status_label, text->str);
}

static void
filter_changed_cb (XgbAuditWindow *self)
{
  if (self->filter == NULL)
    return;   /* still being built */
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_status (self);
}

static void
local_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(XgbAuditWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = xgb_audit_log_read_finish (XGB_AUDIT_LOG (object), result, &self->n_bad, &error);

  self->loading--;
  if (entries == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("The audit log cannot be read: %s"), error->message);

          gtk_label_set_text (self->status_label, text);
        }
      return;
    }
  self->n_local = entries->len;
  /* Newest first, so that each row goes to the end of the sorted list:
   * inserted at the top, every row would make the view bind all its
   * visible rows anew (minutes for a long log) */
  for (guint i = entries->len; i > 0; i--)
    add_entry (self, g_steal_pointer (&entries->pdata[i - 1]), XGB_AUDIT_SOURCE_LOCAL);
  update_status (self);
}

static void read_topic_page (XgbAuditWindow *self);

static void
topic_page_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(XgbAuditWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubItemPage) page = xgb_pubsub_service_get_items_finish (XGB_PUBSUB_SERVICE (object), result,
                                                                          &error);

  if (page == NULL)
    {
      self->loading--;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_free (self->topic_error);
          self->topic_error = g_strdup_printf (_("The audit topic “%s” cannot be read: %s"), self->topic,
                                               error->message);
          update_status (self);
        }
      return;
    }

  for (guint i = 0; i < page->items->len; i++)
    {
      XgbPubsubItem *item = page->items->pdata[i];
      XgbAuditEntry *entry = xgb_audit_entry_from_xml (item->payload, NULL);

      if (entry == NULL)
        continue;   /* not ours: the topic may carry other things */
      add_entry (self, entry, XGB_AUDIT_SOURCE_TOPIC);
      self->n_topic++;
    }

  g_free (self->after);
  self->after = page->rsm ? g_strdup (page->rsm->last) : NULL;
  if (self->after != NULL && page->items->len > 0 && self->n_topic < TOPIC_MOST)
    {
      read_topic_page (self);
      return;
    }
  self->loading--;
  update_status (self);
}

static void
read_topic_page (XgbAuditWindow *self)
{
  xgb_pubsub_service_get_items_async (self->service, self->topic, TOPIC_PAGE, self->after, NULL, self->cancellable,
                                      topic_page_cb, g_object_ref (self));
}

void
xgb_audit_window_reload (XgbAuditWindow *self)
{
  g_return_if_fail (XGB_IS_AUDIT_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_list_store_remove_all (self->store);
  g_hash_table_remove_all (self->rows_by_key);
  self->n_local = self->n_topic = self->n_bad = 0;
  self->loading = 0;
  g_clear_pointer (&self->topic_error, g_free);
  g_clear_pointer (&self->after, g_free);

  self->loading++;
  xgb_audit_log_read_async (self->log, self->cancellable, local_read_cb, g_object_ref (self));
  if (self->service != NULL && self->topic != NULL)
    {
      self->loading++;
      read_topic_page (self);
    }
  update_status (self);
}

static void
reload_cb (XgbAuditWindow *self)
{
  xgb_audit_window_reload (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  xgb_audit_window_reload (XGB_AUDIT_WINDOW (widget));
}

static void
xgb_audit_window_dispose (GObject *object)
{
  XgbAuditWindow *self = XGB_AUDIT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_AUDIT_WINDOW);

  G_OBJECT_CLASS (xgb_audit_window_parent_class)->dispose (object);
}

static void
xgb_audit_window_finalize (GObject *object)
{
  XgbAuditWindow *self = XGB_AUDIT_WINDOW (object);

  g_clear_object (&self->log);
  g_clear_object (&self->service);
  g_clear_object (&self->store);
  g_clear_pointer (&self->rows_by_key, g_hash_table_unref);
  g_clear_object (&self->filtered);
  g_clear_object (&self->cancellable);
  g_free (self->topic);
  g_free (self->topic_error);
  g_free (self->after);

  G_OBJECT_CLASS (xgb_audit_window_parent_class)->finalize (object);
}

static void
xgb_audit_window_class_init (XgbAuditWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_audit_window_dispose;
  object_class->finalize = xgb_audit_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-audit-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbAuditWindow, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbAuditWindow, source_drop_down);
  gtk_widget_class_bind_template_child (widget_class, XgbAuditWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, XgbAuditWindow, columns);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reload_cb);

  gtk_widget_class_install_action (widget_class, "audit.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "audit.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_audit_window_init (XgbAuditWindow *self)
{
  const char *sources[] = { N_("All Entries"), N_("This Computer"), N_("Audit Topic"), NULL };
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; sources[i] != NULL; i++)
    gtk_string_list_append (names, _(sources[i]));
  gtk_drop_down_set_model (self->source_drop_down, G_LIST_MODEL (names));

  self->store = g_list_store_new (XGB_TYPE_AUDIT_ROW);
  self->rows_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->filter = gtk_custom_filter_new (row_filter, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->store)), GTK_FILTER (self->filter));
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (update_status), self);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));
  gtk_column_view_set_model (self->columns, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  add_column (self, _("Time"), COLUMN_TIME, 150);
  add_column (self, _("Account"), COLUMN_ACCOUNT, 170);
  add_column (self, _("Action"), COLUMN_ACTION, 100);
  add_column (self, _("Node"), COLUMN_TARGET, 170);
  add_column (self, _("Parameters"), COLUMN_PARAMETERS, -1);
  add_column (self, _("Result"), COLUMN_RESULT, 140);
  add_column (self, _("Source"), COLUMN_SOURCE, 110);
}

/**
 * xgb_audit_window_new:
 * @service: (nullable): the Broker, to read @topic from
 * @topic: (nullable): the audit topic, if the admin set one
 */
XgbAuditWindow *
xgb_audit_window_new (GtkWindow        *parent,
                      XgbAuditLog      *log,
                      XgbPubsubService *service,
                      const char       *topic)
{
  XgbAuditWindow *self = g_object_new (XGB_TYPE_AUDIT_WINDOW, "transient-for", parent, NULL);

  self->log = g_object_ref (log);
  self->service = service ? g_object_ref (service) : NULL;
  self->topic = topic && *topic ? g_strdup (topic) : NULL;
  xgb_audit_window_reload (self);
  return self;
}

gboolean
xgb_audit_window_get_loading (XgbAuditWindow *self)
{
  g_return_val_if_fail (XGB_IS_AUDIT_WINDOW (self), FALSE);
  return self->loading > 0;
}

void
xgb_audit_window_set_filter (XgbAuditWindow *self,
                             const char     *text,
                             guint           source)
{
  g_return_if_fail (XGB_IS_AUDIT_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), text ? text : "");
  gtk_drop_down_set_selected (self->source_drop_down, source);
  filter_changed_cb (self);
}

GPtrArray *
xgb_audit_window_dup_shown (XgbAuditWindow *self)
{
  GPtrArray *shown = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_audit_entry_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->filtered)); i++)
    {
      g_autoptr(XgbAuditRow) row = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

      g_ptr_array_add (shown, xgb_audit_entry_copy (row->entry));
    }
  return shown;
}

const char *
xgb_audit_window_get_status (XgbAuditWindow *self)
{
  g_return_val_if_fail (XGB_IS_AUDIT_WINDOW (self), NULL);
  return gtk_label_get_text (self->status_label);
}
