/* xgb-items-view.c - the Items tab: a topic's persisted items
 *
 * Stories 9.1-9.6.  The list pages: the next page is read as the admin
 * scrolls near the end, and rows hold no payloads (XgbItemList).  A
 * filter by publisher or time range scans the whole topic, says how far
 * it got and can be stopped; its matches can then be deleted together,
 * after a count and a confirmation, with progress, cancel and a report
 * of exactly what was and was not deleted.  A filter on what the Broker
 * does not tell (publisher, time) is disabled with the reason, and so
 * is its column hidden: never a made-up column.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-items-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "xgb-confirm-dialog.h"
#include "xgb-delete-dialog.h"
#include "xgb-error.h"
#include "xgb-items-view.h"
#include "xgb-widget.h"
#include "xgb-payload-window.h"

struct _XgbItemsView
{
  GtkWidget            parent_instance;

  GtkWidget           *filter_box;
  GtkEntry            *publisher_entry;
  GtkEntry            *from_entry;
  GtkEntry            *to_entry;
  GtkWidget           *filter_button;
  GtkWidget           *clear_button;
  GtkLabel            *count_label;
  GtkWidget           *stop_button;
  GtkScrolledWindow   *scroller;
  GtkColumnView       *columns;
  GtkWidget           *open_button;
  GtkWidget           *delete_button;
  GtkWidget           *delete_matching_button;
  GtkProgressBar      *progress;
  GtkWidget           *cancel_button;
  GtkWidget           *purge_button;
  GtkLabel            *report_label;

  GtkColumnViewColumn *publisher_column;
  GtkColumnViewColumn *time_column;
  GtkSingleSelection  *selection;

  XgbPubsubService    *service;
  char                *node;
  XgbItemList         *all;        /* every item, read as the admin scrolls */
  XgbItemList         *list;       /* the one shown: @all or a filter's */
  GCancellable        *cancellable; /* a deletion or purge */
  gboolean             busy;
  double               fraction;
};

G_DEFINE_FINAL_TYPE (XgbItemsView, xgb_items_view, GTK_TYPE_WIDGET)

static void update (XgbItemsView *self);

/* --- columns -------------------------------------------------------- */

typedef enum
{
  COLUMN_ID,
  COLUMN_PUBLISHER,
  COLUMN_TIME,
  COLUMN_SIZE,
  COLUMN_PAYLOAD,
} Column;

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (data) == COLUMN_SIZE ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (GPOINTER_TO_INT (data) == COLUMN_SIZE || GPOINTER_TO_INT (data) == COLUMN_TIME)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  XgbItemRow *row = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  g_autofree char *text = NULL;

  switch (GPOINTER_TO_INT (data))
    {
    case COLUMN_ID:
      gtk_label_set_text (label, xgb_item_row_get_id (row));
      break;
    case COLUMN_PUBLISHER:
      gtk_label_set_text (label, xgb_item_row_get_publisher (row) ? xgb_item_row_get_publisher (row) : "—");
      break;
    case COLUMN_TIME:
      if (xgb_item_row_get_timestamp (row) != NULL)
        {
          g_autoptr(GDateTime) local = g_date_time_to_local (xgb_item_row_get_timestamp (row));

          text = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
        }
      gtk_label_set_text (label, text ? text : "—");
      break;
    case COLUMN_SIZE:
      text = g_format_size (xgb_item_row_get_size (row));
      gtk_label_set_text (label, text);
      break;
    case COLUMN_PAYLOAD:
    default:
      gtk_label_set_text (label, xgb_item_row_get_summary (row));
      break;
    }
}

static GtkColumnViewColumn *
add_column (XgbItemsView *self,
            const char   *title,
            Column        column,
            int           width)
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

  return col;
}

/* --- status --------------------------------------------------------- */

static char *
count_text (gint64 n)
{
  return n < 0 ? g_strdup ("?") : g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

static char *
list_status (XgbItemsView *self)
{
  XgbItemList *list = self->list;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (list));
  gint64 total = xgb_item_list_get_total (list);
  g_autofree char *of = count_text (total);
  const GError *error = xgb_item_list_get_error (list);

  if (error != NULL)
    return g_strdup_printf (_("Could not read the items: %s"), error->message);

  if (!xgb_item_list_get_filtered (list))
    {
      if (xgb_item_list_get_scanned (list) == 0 && !xgb_item_list_get_complete (list))
        return g_strdup (_("Reading the items…"));
      if (shown == 0 && xgb_item_list_get_complete (list))
        return g_strdup (_("This topic holds no persisted items."));
      if (xgb_item_list_get_complete (list))
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", shown), shown);
      if (total >= 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%s item; %u shown, more as you scroll",
                                             "%s items; %u shown, more as you scroll", (gulong) total),
                                of, shown);
      return g_strdup_printf (_("%u items shown, more as you scroll"), shown);
    }

  if (xgb_item_list_get_complete (list))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u item matches", "%u of %u items match",
                                         xgb_item_list_get_scanned (list)),
                            shown, xgb_item_list_get_scanned (list));
  if (xgb_item_list_get_stopped (list))
    return g_strdup_printf (_("Search stopped after %u of %s items; %u match so far"),
                            xgb_item_list_get_scanned (list), of, shown);
  return g_strdup_printf (_("Searching: scanned %u of %s items, %u match"),
                          xgb_item_list_get_scanned (list), of, shown);
}

static gboolean
can (XgbItemsView  *self,
     XgbPubsubCaps  cap)
{
  return self->service != NULL && xgb_pubsub_service_has (self->service, cap);
}

/* Filters on what the Broker tells only, and columns likewise */
static void
update_filters (XgbItemsView *self)
{
  gboolean known = self->all != NULL && xgb_item_list_get_scanned (self->all) > 0;
  gboolean publishers = known && xgb_item_list_get_has_publishers (self->all);
  gboolean times = known && xgb_item_list_get_has_times (self->all);
  const char *why_publisher = NULL;
  const char *why_time = NULL;

  if (!known)
    why_publisher = why_time = _("Available once the first items are read");
  if (known && !publishers)
    why_publisher = _("The Broker does not name who published this topic’s items, so they cannot be "
                      "filtered by publisher. (Setting the topic’s “item reply” to the publisher makes "
                      "some Brokers name them.)");
  if (known && !times)
    why_time = _("This topic’s items carry no time: the Broker does not record one and the payloads have "
                 "no time field, so they cannot be filtered by time.");

  gtk_widget_set_sensitive (GTK_WIDGET (self->publisher_entry), publishers && !self->busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->publisher_entry), why_publisher);
  gtk_widget_set_sensitive (GTK_WIDGET (self->from_entry), times && !self->busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->from_entry), why_time);
  gtk_widget_set_sensitive (GTK_WIDGET (self->to_entry), times && !self->busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->to_entry), why_time);
  gtk_widget_set_sensitive (self->filter_button, (publishers || times) && !self->busy);

  gtk_column_view_column_set_visible (self->publisher_column, publishers);
  gtk_column_view_column_set_visible (self->time_column, times);
}

static void
update (XgbItemsView *self)
{
  g_autofree char *status = NULL;
  gboolean selected;
  gboolean filtered;
  gboolean searching;
  gboolean empty;
  guint n;

  if (self->list == NULL)
    return;

  status = list_status (self);
  gtk_label_set_text (self->count_label, status);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  filtered = xgb_item_list_get_filtered (self->list);
  searching = filtered && xgb_item_list_get_loading (self->list);
  selected = gtk_single_selection_get_selected_item (self->selection) != NULL;

  gtk_widget_set_visible (self->stop_button, searching);
  gtk_widget_set_sensitive (self->clear_button, filtered && !self->busy);
  gtk_widget_set_sensitive (self->open_button, selected);

  gtk_widget_set_sensitive (self->delete_button, selected && !self->busy && can (self, XGB_PUBSUB_CAP_RETRACT_ITEMS));
  gtk_widget_set_sensitive (self->delete_matching_button,
                            filtered && !searching && n > 0 && !self->busy &&
                            can (self, XGB_PUBSUB_CAP_RETRACT_ITEMS));
  /* Nothing to purge once the whole topic is read and empty */
  empty = self->all != NULL && xgb_item_list_get_complete (self->all) &&
          g_list_model_get_n_items (G_LIST_MODEL (self->all)) == 0;
  gtk_widget_set_sensitive (self->purge_button, !self->busy && !empty && can (self, XGB_PUBSUB_CAP_PURGE_NODES));
  if (!can (self, XGB_PUBSUB_CAP_RETRACT_ITEMS))
    {
      gtk_widget_set_tooltip_text (self->delete_button, _("The Broker does not support deleting items"));
      gtk_widget_set_tooltip_text (self->delete_matching_button, _("The Broker does not support deleting items"));
    }
  else
    {
      gtk_widget_set_tooltip_text (self->delete_button, _("Delete the selected item (Delete)"));
      gtk_widget_set_tooltip_text (self->delete_matching_button,
                                   filtered ? _("Delete every item the filter found")
                                            : _("Filter first: this deletes the items a filter found"));
    }
  if (!can (self, XGB_PUBSUB_CAP_PURGE_NODES))
    gtk_widget_set_tooltip_text (self->purge_button, _("The Broker does not support purging topics"));
  else
    gtk_widget_set_tooltip_text (self->purge_button, empty ? _("The topic has no items") : _("Delete every item of this topic"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "items.stop", searching);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "items.delete-item",
                                 selected && !self->busy && can (self, XGB_PUBSUB_CAP_RETRACT_ITEMS));

  update_filters (self);
}

/* --- paging --------------------------------------------------------- */

/* Reads the next page when fewer than a screenful of rows are left
 * below what is shown. */
static void
maybe_load_more (XgbItemsView *self)
{
  GtkAdjustment *adj;
  double left;

  if (self->list == NULL || xgb_item_list_get_filtered (self->list) ||
      xgb_item_list_get_loading (self->list) || xgb_item_list_get_complete (self->list))
    return;

  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  left = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_value (adj) - gtk_adjustment_get_page_size (adj);
  if (left <= MAX (gtk_adjustment_get_page_size (adj), 200))
    xgb_item_list_load_more (self->list);
}

static void
list_changed_cb (XgbItemsView *self)
{
  update (self);
  maybe_load_more (self);
}

static void
show_list (XgbItemsView *self,
           XgbItemList  *list)
{
  if (self->list != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->list, self);
      if (self->list != self->all)
        xgb_item_list_stop (self->list);
    }
  g_set_object (&self->list, list);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (list));
  if (list != NULL)
    g_signal_connect_swapped (list, "changed", G_CALLBACK (list_changed_cb), self);
  update (self);
}

static void
stop_all (XgbItemsView *self)
{
  if (self->all != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->all, self);
      xgb_item_list_stop (self->all);
    }
  show_list (self, NULL);
  g_clear_object (&self->all);
}

void
xgb_items_view_clear (XgbItemsView *self)
{
  g_return_if_fail (XGB_IS_ITEMS_VIEW (self));

  stop_all (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  g_clear_pointer (&self->node, g_free);
  self->busy = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->report_label), FALSE);
  gtk_label_set_text (self->count_label, "");
  gtk_editable_set_text (GTK_EDITABLE (self->publisher_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
}

static void
start (XgbItemsView *self)
{
  stop_all (self);
  self->all = xgb_item_list_new (self->service, self->node, NULL);
  /* The filters and columns depend on what the first page says */
  g_signal_connect_swapped (self->all, "changed", G_CALLBACK (update_filters), self);
  show_list (self, self->all);
  xgb_item_list_load_more (self->all);
}

/**
 * xgb_items_view_load:
 * @is_topic: collections and folders hold no items
 */
void
xgb_items_view_load (XgbItemsView     *self,
                     XgbPubsubService *service,
                     const char       *node,
                     gboolean          is_topic)
{
  g_return_if_fail (XGB_IS_ITEMS_VIEW (self));

  xgb_items_view_clear (self);
  gtk_widget_set_sensitive (self->filter_box, is_topic);
  gtk_widget_set_sensitive (self->purge_button, FALSE);
  if (!is_topic || node == NULL)
    {
      gtk_label_set_text (self->count_label, node == NULL
                          ? _("A folder holds no items: open one of its topics.")
                          : _("A collection holds no items of its own: open one of its topics."));
      return;
    }

  self->service = g_object_ref (service);
  self->node = g_strdup (node);
  self->cancellable = g_cancellable_new ();
  start (self);
}

/* --- filter --------------------------------------------------------- */

/* "2026-11-01", "2026-11-01 12:30", or full ISO 8601; local time unless
 * the text names a zone. */
static gboolean
parse_time (GtkEntry   *entry,
            GDateTime **out)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autofree char *iso = NULL;
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();

  *out = NULL;
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  if (*text == '\0')
    return TRUE;

  g_strdelimit (text, " ", 'T');
  if (strlen (text) == 10)
    iso = g_strconcat (text, "T00:00:00", NULL);
  else if (strlen (text) == 16)
    iso = g_strconcat (text, ":00", NULL);
  else
    iso = g_strdup (text);

  *out = g_date_time_new_from_iso8601 (iso, local);
  if (*out == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return FALSE;
    }
  return TRUE;
}

static void
filter_cb (XgbItemsView *self)
{
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autoptr(XgbItemFilter) filter = NULL;
  g_autoptr(XgbItemList) list = NULL;
  const char *publisher;
  gboolean ok;

  if (self->all == NULL || self->busy)
    return;

  ok = parse_time (self->from_entry, &from);
  ok = parse_time (self->to_entry, &to) && ok;
  if (!ok)
    {
      gtk_label_set_text (self->count_label, _("Not a time: write it as 2026-11-01 or 2026-11-01 14:30."));
      return;
    }
  if (from != NULL && to != NULL && g_date_time_compare (from, to) >= 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->to_entry), "error");
      gtk_label_set_text (self->count_label, _("The end of the range must come after its start."));
      return;
    }

  publisher = gtk_widget_get_sensitive (GTK_WIDGET (self->publisher_entry))
                ? gtk_editable_get_text (GTK_EDITABLE (self->publisher_entry)) : NULL;
  filter = xgb_item_filter_new (publisher, from, to);
  if (xgb_item_filter_is_empty (filter))
    {
      show_list (self, self->all);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->report_label), FALSE);
  list = xgb_item_list_new (self->service, self->node, filter);
  show_list (self, list);
  xgb_item_list_load_more (list);
}

static void
clear_filter_cb (XgbItemsView *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->publisher_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  if (self->all != NULL)
    show_list (self, self->all);
}

static void
stop_cb (XgbItemsView *self)
{
  if (self->list != NULL && xgb_item_list_get_filtered (self->list))
    xgb_item_list_stop (self->list);
}

/* For the tests and the command line of the view */
void
xgb_items_view_set_filter (XgbItemsView *self,
                           const char   *publisher,
                           const char   *from,
                           const char   *to)
{
  g_return_if_fail (XGB_IS_ITEMS_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->publisher_entry), publisher ? publisher : "");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from ? from : "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to ? to : "");
  filter_cb (self);
}

/* --- open ----------------------------------------------------------- */

static XgbItemRow *
selected_row (XgbItemsView *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

GtkWindow *
xgb_items_view_open_selected (XgbItemsView *self)
{
  XgbItemRow *row;
  GtkRoot *root;
  XgbPayloadWindow *window;

  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), NULL);

  row = selected_row (self);
  if (row == NULL || self->service == NULL)
    return NULL;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  window = xgb_payload_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   self->service, self->node, xgb_item_row_get_id (row));
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
open_cb (XgbItemsView *self)
{
  xgb_items_view_open_selected (self);
}

static void
row_activated_cb (XgbItemsView *self,
                  guint         position)
{
  gtk_single_selection_set_selected (self->selection, position);
  xgb_items_view_open_selected (self);
}

static void
selection_changed_cb (XgbItemsView *self)
{
  update (self);
}

void
xgb_items_view_select (XgbItemsView *self,
                       guint         position)
{
  g_return_if_fail (XGB_IS_ITEMS_VIEW (self));
  gtk_single_selection_set_selected (self->selection, position);
}

/* --- delete, delete matching, purge --------------------------------- */

typedef struct
{
  XgbItemsView *self;
  GStrv         ids;
  char         *what;     /* for the report: "the item “x”" or "the matching items" */
} Deletion;

static void
deletion_free (Deletion *d)
{
  g_object_unref (d->self);
  g_strfreev (d->ids);
  g_free (d->what);
  g_free (d);
}

static void
set_busy (XgbItemsView *self,
          gboolean      busy,
          gboolean      with_progress)
{
  self->busy = busy;
  if (busy)
    {
      /* the last run's fraction stays readable until the next */
      self->fraction = 0;
      gtk_progress_bar_set_fraction (self->progress, 0);
      gtk_progress_bar_set_text (self->progress, NULL);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->progress), busy && with_progress);
  gtk_widget_set_visible (self->cancel_button, busy && with_progress);
  update (self);
}

static void
report (XgbItemsView *self,
        const char   *text)
{
  gtk_label_set_text (self->report_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->report_label), text != NULL && *text != '\0');
}

static void
retract_progress_cb (guint    done,
                     guint    total,
                     gpointer data)
{
  XgbItemsView *self = data;
  g_autofree char *text = g_strdup_printf (_("Deleted %u of %u"), done, total);

  self->fraction = total ? (double) done / total : 1.0;
  gtk_progress_bar_set_fraction (self->progress, self->fraction);
  gtk_progress_bar_set_text (self->progress, text);
}

static void
retracted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Deletion *d = user_data;
  XgbItemsView *self = d->self;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint n_cancelled = 0;
  guint n_not_sent = 0;
  guint n_unknown = 0;
  guint n_failed = 0;
  const char *first_failure = NULL;

  results = xgb_pubsub_service_retract_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  set_busy (self, FALSE, FALSE);
  if (results == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Nothing deleted: %s"), error->message);

      report (self, msg);
      deletion_free (d);
      return;
    }

  for (guint i = 0; i < results->len; i++)
    {
      XgbPubsubRetractResult *r = results->pdata[i];

      if (r->error == NULL || g_error_matches (r->error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_ITEM_NOT_FOUND))
        g_ptr_array_add (gone, r->id);
      else if (g_error_matches (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        n_cancelled++;
      /* The connection dropped: those never written are still there,
       * those in flight may or may not be gone */
      else if (g_error_matches (r->error, XGB_ERROR, XGB_ERROR_NOT_CONNECTED))
        n_not_sent++;
      else if (g_error_matches (r->error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST) ||
               g_error_matches (r->error, XGB_ERROR, XGB_ERROR_TIMEOUT))
        n_unknown++;
      else
        {
          n_failed++;
          if (first_failure == NULL)
            first_failure = r->error->message;
        }
    }

  if (results->len == 1 && gone->len == 1)
    g_string_printf (text, _("Deleted %s."), d->what);
  else
    g_string_printf (text, g_dngettext (GETTEXT_PACKAGE, "Deleted %u of %u item.", "Deleted %u of %u items.",
                                        results->len),
                     gone->len, results->len);
  if (n_cancelled > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u was not deleted: cancelled before it was sent.",
                                                 "%u were not deleted: cancelled before they were sent.",
                                                 n_cancelled),
                              n_cancelled);
    }
  if (n_not_sent > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u was not deleted: the connection was lost before it was sent.",
                                                 "%u were not deleted: the connection was lost before they were sent.",
                                                 n_not_sent),
                              n_not_sent);
    }
  if (n_unknown > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "For %u the Broker did not answer: it may or may not be deleted; reload to see.",
                                                 "For %u the Broker did not answer: they may or may not be deleted; reload to see.",
                                                 n_unknown),
                              n_unknown);
    }
  if (n_failed > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u failed: %s", "%u failed, the first: %s",
                                                 n_failed),
                              n_failed, first_failure);
    }
  report (self, text->str);

  g_ptr_array_add (gone, NULL);
  if (self->all != NULL)
    xgb_item_list_remove_ids (self->all, (const char * const *) gone->pdata);
  if (self->list != NULL && self->list != self->all)
    xgb_item_list_remove_ids (self->list, (const char * const *) gone->pdata);
  update (self);
  maybe_load_more (self);
  deletion_free (d);
}

static void
deletion_confirmed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Deletion *d = user_data;
  XgbItemsView *self = d->self;

  if (!xgb_confirm_dialog_run_finish (XGB_CONFIRM_DIALOG (object), result, NULL) ||
      self->service == NULL)
    {
      report (self, _("Nothing deleted."));
      deletion_free (d);
      return;
    }

  set_busy (self, TRUE, g_strv_length (d->ids) > 1);
  report (self, NULL);
  xgb_pubsub_service_retract_async (self->service, self->node, (const char * const *) d->ids,
                                    retract_progress_cb, self, self->cancellable, retracted_cb, d);
}

static void
ask_deletion (XgbItemsView *self,
              GStrv         ids,
              const char   *what,
              const char   *heading,
              const char   *explanation,
              const char   *accept)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  XgbConfirmDialog *dialog;
  Deletion *d = g_new0 (Deletion, 1);

  d->self = g_object_ref (self);
  d->ids = ids;
  d->what = g_strdup (what);
  dialog = xgb_confirm_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, explanation, accept);
  xgb_confirm_dialog_run_async (dialog, NULL, deletion_confirmed_cb, d);
}

void
xgb_items_view_delete_selected (XgbItemsView *self)
{
  XgbItemRow *row;
  g_autofree char *what = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *explanation = NULL;
  GStrv ids;

  g_return_if_fail (XGB_IS_ITEMS_VIEW (self));

  row = selected_row (self);
  if (row == NULL || self->busy || !can (self, XGB_PUBSUB_CAP_RETRACT_ITEMS))
    return;

  what = g_strdup_printf (_("the item “%s”"), xgb_item_row_get_id (row));
  heading = g_strdup_printf (_("Delete the item “%s”?"), xgb_item_row_get_id (row));
  explanation = g_strdup_printf (_("It is retracted from “%s”: subscribers are told, and it cannot be "
                                   "brought back."), self->node);
  ids = g_new0 (char *, 2);
  ids[0] = g_strdup (xgb_item_row_get_id (row));
  ask_deletion (self, ids, what, heading, explanation, _("_Delete"));
}

static void
delete_item_cb (XgbItemsView *self)
{
  xgb_items_view_delete_selected (self);
}

void
xgb_items_view_delete_matching (XgbItemsView *self)
{
  g_autofree char *heading = NULL;
  g_autofree char *explanation = NULL;
  GStrv ids;
  guint n;

  g_return_if_fail (XGB_IS_ITEMS_VIEW (self));

  if (self->list == NULL || !xgb_item_list_get_filtered (self->list) || self->busy ||
      xgb_item_list_get_loading (self->list))
    return;

  ids = xgb_item_list_dup_ids (self->list);
  n = g_strv_length (ids);
  if (n == 0)
    {
      g_strfreev (ids);
      return;
    }

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u item?", "Delete %u items?", n), n);
  if (xgb_item_list_get_complete (self->list))
    {
      if (n == 1)
        explanation = g_strdup_printf (_("The item of “%s” that matches the filter is retracted: subscribers "
                                         "are told, and it cannot be brought back."), self->node);
      else
        explanation = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%u item of “%s” that matches the filter is retracted: "
                                                    "subscribers are told, and it cannot be brought back.",
                                                    "All %u items of “%s” that match the filter are retracted: "
                                                    "subscribers are told, and they cannot be brought back.", n),
                                       n, self->node);
    }
  else
    explanation = g_strdup_printf (_("The search was stopped after %u items: only the %u matches found so far "
                                     "in “%s” are retracted. Subscribers are told, and they cannot be brought "
                                     "back."),
                                   xgb_item_list_get_scanned (self->list), n, self->node);
  ask_deletion (self, ids, _("the matching item"), heading, explanation, _("_Delete"));
}

static void
delete_matching_cb (XgbItemsView *self)
{
  xgb_items_view_delete_matching (self);
}

static void
cancel_cb (XgbItemsView *self)
{
  xgb_items_view_cancel (self);
}

/* Stops sending deletions; those sent are awaited and reported */
void
xgb_items_view_cancel (XgbItemsView *self)
{
  g_return_if_fail (XGB_IS_ITEMS_VIEW (self));

  if (!self->busy)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
purged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(XgbItemsView) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE, FALSE);
  if (!xgb_pubsub_service_change_finish (XGB_PUBSUB_SERVICE (object), result, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Not purged: %s"), error->message);

      report (self, msg);
      return;
    }
  if (self->node == NULL)
    return;
  {
    g_autofree char *msg = g_strdup_printf (_("Every item of “%s” was deleted."), self->node);

    report (self, msg);
  }
  start (self);
}

static void
purge_confirmed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(XgbItemsView) self = user_data;

  if (!xgb_delete_dialog_run_finish (XGB_DELETE_DIALOG (object), result, NULL) || self->service == NULL)
    {
      report (self, _("Nothing deleted."));
      return;
    }
  set_busy (self, TRUE, FALSE);
  report (self, _("Purging…"));
  xgb_pubsub_service_purge_async (self->service, self->node, self->cancellable, purged_cb, g_object_ref (self));
}

void
xgb_items_view_purge (XgbItemsView *self)
{
  GtkRoot *root;
  XgbDeleteDialog *dialog;

  g_return_if_fail (XGB_IS_ITEMS_VIEW (self));

  if (self->node == NULL || self->busy || !can (self, XGB_PUBSUB_CAP_PURGE_NODES))
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = xgb_delete_dialog_new_purge (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->node,
                                        self->all ? xgb_item_list_get_total (self->all) : -1);
  xgb_delete_dialog_run_async (dialog, NULL, purge_confirmed_cb, g_object_ref (self));
}

static void
purge_cb (XgbItemsView *self)
{
  xgb_items_view_purge (self);
}

/* --- actions and accessors ------------------------------------------ */

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  stop_cb (XGB_ITEMS_VIEW (widget));
}

static void
delete_item_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  xgb_items_view_delete_selected (XGB_ITEMS_VIEW (widget));
}

XgbItemList *
xgb_items_view_get_list (XgbItemsView *self)
{
  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), NULL);
  return self->list;
}

XgbItemList *
xgb_items_view_get_all (XgbItemsView *self)
{
  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), NULL);
  return self->all;
}

gboolean
xgb_items_view_get_busy (XgbItemsView *self)
{
  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), FALSE);
  return self->busy;
}

const char *
xgb_items_view_get_count_text (XgbItemsView *self)
{
  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), NULL);
  return gtk_label_get_text (self->count_label);
}

const char *
xgb_items_view_get_report (XgbItemsView *self)
{
  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->report_label)) ? gtk_label_get_text (self->report_label) : "";
}

double
xgb_items_view_get_progress (XgbItemsView *self)
{
  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), 0);
  return self->fraction;
}

GtkWidget *
xgb_items_view_get_scroller (XgbItemsView *self)
{
  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), NULL);
  return GTK_WIDGET (self->scroller);
}

/* "publisher", "from", "to", "filter", "delete-matching", "purge" */
GtkWidget *
xgb_items_view_get_filter_widget (XgbItemsView *self,
                                  const char   *which)
{
  g_return_val_if_fail (XGB_IS_ITEMS_VIEW (self), NULL);

  if (g_str_equal (which, "publisher"))
    return GTK_WIDGET (self->publisher_entry);
  if (g_str_equal (which, "from"))
    return GTK_WIDGET (self->from_entry);
  if (g_str_equal (which, "to"))
    return GTK_WIDGET (self->to_entry);
  if (g_str_equal (which, "filter"))
    return self->filter_button;
  if (g_str_equal (which, "delete-matching"))
    return self->delete_matching_button;
  if (g_str_equal (which, "purge"))
    return self->purge_button;
  if (g_str_equal (which, "columns"))
    return GTK_WIDGET (self->columns);
  return NULL;
}

static void
adjustment_cb (XgbItemsView *self)
{
  maybe_load_more (self);
}

static void
xgb_items_view_dispose (GObject *object)
{
  XgbItemsView *self = XGB_ITEMS_VIEW (object);

  xgb_items_view_clear (self);
  g_clear_object (&self->selection);
  xgb_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_ITEMS_VIEW);

  G_OBJECT_CLASS (xgb_items_view_parent_class)->dispose (object);
}

static void
xgb_items_view_class_init (XgbItemsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_items_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-items-view.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, filter_box);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, publisher_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, from_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, to_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, filter_button);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, clear_button);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, stop_button);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, scroller);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, columns);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, open_button);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, delete_button);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, delete_matching_button);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, progress);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, purge_button);
  gtk_widget_class_bind_template_child (widget_class, XgbItemsView, report_label);
  gtk_widget_class_bind_template_callback (widget_class, filter_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_filter_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_cb);
  gtk_widget_class_bind_template_callback (widget_class, delete_item_cb);
  gtk_widget_class_bind_template_callback (widget_class, delete_matching_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, purge_cb);

  gtk_widget_class_install_action (widget_class, "items.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "items.delete-item", NULL, delete_item_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "items.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "items.delete-item", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
xgb_items_view_init (XgbItemsView *self)
{
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->columns, GTK_SELECTION_MODEL (self->selection));

  add_column (self, _("ID"), COLUMN_ID, 130);
  self->publisher_column = add_column (self, _("Publisher"), COLUMN_PUBLISHER, 170);
  self->time_column = add_column (self, _("Time"), COLUMN_TIME, 150);
  add_column (self, _("Size"), COLUMN_SIZE, 80);
  add_column (self, _("Payload"), COLUMN_PAYLOAD, -1);

  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (adjustment_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adj, "changed", G_CALLBACK (adjustment_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "items.stop", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "items.delete-item", FALSE);
  update_filters (self);
}
