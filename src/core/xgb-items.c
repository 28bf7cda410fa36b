/* xgb-items.c - a topic's persisted items, page by page
 *
 * A topic may hold tens of thousands of items with payloads of a
 * megabyte.  XgbItemList reads them a page at a time, keeps for each row
 * only what a list shows (id, publisher, time, size, the payload's first
 * line) and drops the payload at once: the payload viewer reads its one
 * item again.
 *
 * Unfiltered, the list shows the next page when the view asks (as the
 * admin scrolls), and reads one page ahead: the page after the one
 * shown is fetched at once and kept, so that it shows without a wait
 * when asked for.  Filtered, it scans the whole topic by itself,
 * keeping the matching rows, and says how far it got (scanned N of M)
 * until it is done or stopped.
 *
 * The first request works on every server: an RSM page that also asks
 * for at most that many items (max_items), so a server that does not
 * page sends a few recent items instead of everything; only then are
 * the ids listed and the items read by id in batches.  On a server that
 * pages, the first rows cost one request, not two.
 *
 * Pages adapt: the first is small so that rows show at once; each later
 * one is ten times larger, up to 1000 items but bounded in bytes, so a
 * topic of small items is walked in few requests (a big topic costs
 * ejabberd the same time per request whatever the page size) and a
 * topic of 1 MB payloads is read an item or two at a time instead of
 * in replies of a hundred megabytes.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-items"

#include "config.h"

#include <string.h>

#include "xgb-items.h"

#define FIRST_PAGE      10
#define GROWTH          10
#define MOST_PAGE       1000
#define PAGE_BYTES      (1024 * 1024)

/* --- XgbItemRow ----------------------------------------------------- */

struct _XgbItemRow
{
  GObject    parent_instance;

  char      *id;
  char      *publisher;
  GDateTime *timestamp;
  gsize      size;
  char      *summary;
};

G_DEFINE_FINAL_TYPE (XgbItemRow, xgb_item_row, G_TYPE_OBJECT)

static void
xgb_item_row_finalize (GObject *object)
{
  XgbItemRow *self = XGB_ITEM_ROW (object);

  g_free (self->id);
  g_free (self->publisher);
  g_clear_pointer (&self->timestamp, g_date_time_unref);
  g_free (self->summary);

  G_OBJECT_CLASS (xgb_item_row_parent_class)->finalize (object);
}

static void
xgb_item_row_class_init (XgbItemRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xgb_item_row_finalize;
}

static void
xgb_item_row_init (XgbItemRow *self)
{
}

static XgbItemRow *
item_row_new (XgbPubsubItem *item)
{
  XgbItemRow *self = g_object_new (XGB_TYPE_ITEM_ROW, NULL);

  self->id = g_strdup (item->id ? item->id : "");
  self->publisher = g_strdup (item->publisher);
  self->timestamp = item->timestamp ? g_date_time_ref (item->timestamp) : NULL;
  self->size = item->size;
  /* As much as a wide Payload column shows: GTK shapes the whole text
   * of each row it binds, and flinging the list binds a screenful per
   * frame (160 characters: frame gaps 71 ms, 96: 55 ms; tests/bench) */
  self->summary = xgb_item_summary (item->payload, 96);

  return self;
}

const char *
xgb_item_row_get_id (XgbItemRow *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_ROW (self), NULL);
  return self->id;
}

const char *
xgb_item_row_get_publisher (XgbItemRow *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_ROW (self), NULL);
  return self->publisher;
}

GDateTime *
xgb_item_row_get_timestamp (XgbItemRow *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_ROW (self), NULL);
  return self->timestamp;
}

gsize
xgb_item_row_get_size (XgbItemRow *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_ROW (self), 0);
  return self->size;
}

const char *
xgb_item_row_get_summary (XgbItemRow *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_ROW (self), NULL);
  return self->summary;
}

/**
 * xgb_item_summary:
 * @payload: (nullable): a serialized payload
 * @max_chars: the longest summary, in characters
 *
 * The payload's first non-blank line, its runs of white space made one
 * space, cut at @max_chars with an ellipsis.
 *
 * Returns: (transfer full): the summary; "" for no payload
 */
char *
xgb_item_summary (const char *payload,
                  gsize       max_chars)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = payload;
  const char *end;
  gsize n_chars = 0;
  gsize line, window;
  gboolean space = FALSE;

  if (payload == NULL)
    return g_strdup ("");

  /* Skip blank lines */
  while (*p != '\0' && g_ascii_isspace (*p))
    p++;

  /* Only as much of the first line as the summary can show is read,
   * not the rest of a megabyte (a character is at most 4 bytes; runs of
   * white space count once). */
  line = strcspn (p, "\r\n");
  window = MIN (line, max_chars * 8 + 8);
  if (!g_utf8_validate (p, (gssize) window, &end) && (gsize) (p + window - end) >= 4)
    return g_strdup ("");

  for (; p < end && *p != '\n' && *p != '\r'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          space = TRUE;
          continue;
        }
      /* the space before it counts too */
      if (n_chars + (space && out->len > 0 ? 1 : 0) >= max_chars)
        {
          g_string_append (out, "…");
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if (space && out->len > 0)
        {
          g_string_append_c (out, ' ');
          n_chars++;
        }
      space = FALSE;
      g_string_append_unichar (out, c);
      n_chars++;
    }
  if (window < line)
    g_string_append (out, "…");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* --- XgbItemFilter -------------------------------------------------- */

XgbItemFilter *
xgb_item_filter_new (const char *publisher,
                     GDateTime  *from,
                     GDateTime  *to)
{
  XgbItemFilter *filter = g_new0 (XgbItemFilter, 1);

  filter->publisher = publisher && *publisher ? g_utf8_casefold (publisher, -1) : NULL;
  filter->from = from ? g_date_time_ref (from) : NULL;
  filter->to = to ? g_date_time_ref (to) : NULL;

  return filter;
}

void
xgb_item_filter_free (XgbItemFilter *filter)
{
  if (filter == NULL)
    return;
  g_free (filter->publisher);
  g_clear_pointer (&filter->from, g_date_time_unref);
  g_clear_pointer (&filter->to, g_date_time_unref);
  g_free (filter);
}

gboolean
xgb_item_filter_is_empty (const XgbItemFilter *filter)
{
  return filter == NULL || (filter->publisher == NULL && filter->from == NULL && filter->to == NULL);
}

static XgbItemFilter *
item_filter_copy (const XgbItemFilter *filter)
{
  XgbItemFilter *copy;

  if (xgb_item_filter_is_empty (filter))
    return NULL;
  copy = g_new0 (XgbItemFilter, 1);
  copy->publisher = g_strdup (filter->publisher);
  copy->from = filter->from ? g_date_time_ref (filter->from) : NULL;
  copy->to = filter->to ? g_date_time_ref (filter->to) : NULL;
  return copy;
}

gboolean
xgb_item_filter_matches (const XgbItemFilter *filter,
                         const char          *publisher,
                         GDateTime           *timestamp)
{
  if (xgb_item_filter_is_empty (filter))
    return TRUE;

  if (filter->publisher != NULL)
    {
      g_autofree char *folded = NULL;

      if (publisher == NULL)
        return FALSE;
      folded = g_utf8_casefold (publisher, -1);
      if (strstr (folded, filter->publisher) == NULL)
        return FALSE;
    }

  if (filter->from != NULL || filter->to != NULL)
    {
      if (timestamp == NULL)
        return FALSE;
      if (filter->from != NULL && g_date_time_compare (timestamp, filter->from) < 0)
        return FALSE;
      if (filter->to != NULL && g_date_time_compare (timestamp, filter->to) >= 0)
        return FALSE;
    }

  return TRUE;
}

/* --- XgbItemList ---------------------------------------------------- */

typedef enum
{
  MODE_UNKNOWN,
  MODE_RSM,    /* the server pages: RSM cursors */
  MODE_IDS,    /* it does not: every id known, items fetched by id */
} Mode;

struct _XgbItemList
{
  GObject           parent_instance;

  XgbPubsubService *service;
  char             *node;
  XgbItemFilter    *filter;        /* NULL: every item */
  GPtrArray        *rows;          /* of XgbItemRow* */
  GCancellable     *cancellable;

  Mode              mode;
  GStrv             ids;           /* MODE_IDS */
  guint             next_id;
  char             *after;         /* MODE_RSM: the last cursor */
  XgbRsmWalk       *walk;          /* MODE_RSM: the cursors seen */
  guint             page_size;
  GPtrArray        *ahead;         /* of XgbItemRow*: read, not yet shown */
  gboolean          show_next;     /* show the page being read on arrival */
  gboolean          exhausted;     /* the server has no more */

  gint64            total;
  guint             scanned;
  guint             n_requests;
  gboolean          loading;
  gboolean          complete;
  gboolean          stopped;
  gboolean          has_publishers;
  gboolean          has_times;
  GError           *error;
};

static void xgb_item_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XgbItemList, xgb_item_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, xgb_item_list_model_init))

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
xgb_item_list_get_item_type (GListModel *model)
{
  return XGB_TYPE_ITEM_ROW;
}

static guint
xgb_item_list_get_n_items (GListModel *model)
{
  return XGB_ITEM_LIST (model)->rows->len;
}

static gpointer
xgb_item_list_get_item (GListModel *model,
                        guint       position)
{
  XgbItemList *self = XGB_ITEM_LIST (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (self->rows->pdata[position]);
}

static void
xgb_item_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = xgb_item_list_get_item_type;
  iface->get_n_items = xgb_item_list_get_n_items;
  iface->get_item = xgb_item_list_get_item;
}

static void
xgb_item_list_dispose (GObject *object)
{
  XgbItemList *self = XGB_ITEM_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (xgb_item_list_parent_class)->dispose (object);
}

static void
xgb_item_list_finalize (GObject *object)
{
  XgbItemList *self = XGB_ITEM_LIST (object);

  g_free (self->node);
  xgb_item_filter_free (self->filter);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->ahead);
  g_clear_object (&self->cancellable);
  g_strfreev (self->ids);
  g_free (self->after);
  g_clear_pointer (&self->walk, xgb_rsm_walk_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (xgb_item_list_parent_class)->finalize (object);
}

static void
xgb_item_list_class_init (XgbItemListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xgb_item_list_dispose;
  object_class->finalize = xgb_item_list_finalize;

  /**
   * XgbItemList::changed:
   * Loading, completion, the total, the scan's progress or the error
   * changed.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
xgb_item_list_init (XgbItemList *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->ahead = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->total = -1;
  self->page_size = FIRST_PAGE;
}

/**
 * xgb_item_list_new:
 * @filter: (nullable): keep only the matching items, scanning the whole
 *   topic at once
 */
XgbItemList *
xgb_item_list_new (XgbPubsubService    *service,
                   const char          *node,
                   const XgbItemFilter *filter)
{
  XgbItemList *self;

  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (service), NULL);
  g_return_val_if_fail (node != NULL, NULL);

  self = g_object_new (XGB_TYPE_ITEM_LIST, NULL);
  self->service = g_object_ref (service);
  self->node = g_strdup (node);
  self->filter = item_filter_copy (filter);

  return self;
}

static void
emit_changed (XgbItemList *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
fail (XgbItemList *self,
      GError      *error)
{
  self->loading = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->stopped = TRUE;
      g_error_free (error);
    }
  else
    {
      g_clear_error (&self->error);
      self->error = error;
    }
  emit_changed (self);
}

/* The next page's size: ten times the last, up to MOST_PAGE items and
 * about PAGE_BYTES of payload, judged by the items just read. */
static void
adapt_page_size (XgbItemList   *self,
                 XgbPubsubItemPage *page)
{
  guint most = MIN (self->page_size * GROWTH, MOST_PAGE);
  gsize bytes = 0;
  gsize average;

  for (guint i = 0; i < page->items->len; i++)
    bytes += ((XgbPubsubItem *) page->items->pdata[i])->size;
  if (page->items->len == 0)
    {
      self->page_size = most;
      return;
    }
  average = MAX (bytes / page->items->len, 1);
  self->page_size = CLAMP (PAGE_BYTES / average, 1, most);
}

static void fetch_page (XgbItemList *self, gboolean show);

/* Shows the rows read ahead */
static void
show_ahead (XgbItemList *self)
{
  guint before = self->rows->len;
  gsize added = 0;
  g_autofree gpointer *rows = NULL;

  if (self->ahead->len == 0)
    return;
  rows = g_ptr_array_steal (self->ahead, &added);
  for (gsize i = 0; i < added; i++)
    g_ptr_array_add (self->rows, rows[i]);
  if (self->exhausted)
    self->complete = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), before, 0, added);
}

static void
take_page (XgbItemList       *self,
           XgbPubsubItemPage *page,
           guint              asked)
{
  guint before = self->rows->len;
  guint added = 0;
  /* A filter shows its matches as it finds them */
  gboolean show = self->show_next || self->filter != NULL;
  GPtrArray *into;
  GError *walk_error = NULL;

  /* A server that repeats a page or never ends: that page is dropped,
   * what was read before shows, and the list says why it stops */
  if (self->mode == MODE_RSM && page->rsm != NULL && page->rsm->last != NULL && page->items->len > 0)
    {
      if (self->walk == NULL)
        self->walk = xgb_rsm_walk_new ();
      if (!xgb_rsm_walk_check (self->walk, page->rsm, &walk_error))
        {
          show = TRUE;
          g_ptr_array_set_size (page->items, 0);
        }
    }
  into = show ? self->rows : self->ahead;

  for (guint i = 0; i < page->items->len; i++)
    {
      XgbPubsubItem *item = page->items->pdata[i];

      if (item->publisher != NULL)
        self->has_publishers = TRUE;
      if (item->timestamp != NULL)
        self->has_times = TRUE;
      if (xgb_item_filter_matches (self->filter, item->publisher, item->timestamp))
        {
          g_ptr_array_add (into, item_row_new (item));
          added++;
        }
    }

  if (self->mode == MODE_RSM)
    {
      self->scanned += page->items->len;
      if (page->rsm != NULL && page->rsm->count >= 0)
        self->total = page->rsm->count;
      g_free (self->after);
      self->after = page->rsm ? g_strdup (page->rsm->last) : NULL;
      if (page->rsm == NULL || self->after == NULL ||
          (page->items->len == 0 && walk_error == NULL) ||
          (self->total >= 0 && self->scanned >= self->total))
        self->exhausted = TRUE;
      /* A server that ignored max answered everything at once. */
      if (page->rsm == NULL && page->items->len > asked)
        self->exhausted = TRUE;
      if (walk_error != NULL && !self->exhausted)
        {
          g_clear_error (&self->error);
          self->error = g_steal_pointer (&walk_error);
        }
      g_clear_error (&walk_error);
    }
  else
    {
      self->scanned = self->next_id;
      if (self->ids == NULL || self->ids[self->next_id] == NULL)
        self->exhausted = TRUE;
    }

  adapt_page_size (self, page);
  self->loading = FALSE;
  self->show_next = FALSE;
  if (show)
    {
      self->complete = self->exhausted;
      if (added > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), before, 0, added);
    }
  else if (self->exhausted && self->ahead->len == 0)
    self->complete = TRUE;   /* nothing more to show */
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(XgbItemList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubItemPage) page = NULL;
  guint asked = self->page_size;
  gboolean shown = self->show_next;

  page = xgb_pubsub_service_get_items_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  if (page == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      self->loading = FALSE;
      self->stopped = TRUE;
      emit_changed (self);
      return;
    }

  take_page (self, page, asked);
  g_clear_pointer (&page, xgb_pubsub_item_page_free);

  /* A filter scans on by itself; a list reads the page after the one
   * it showed. */
  if (!self->exhausted && self->error == NULL && (self->filter != NULL || shown))
    fetch_page (self, self->filter != NULL);
  else
    emit_changed (self);
}

/* @show: show the page when it arrives; otherwise keep it until asked */
static void
fetch_page (XgbItemList *self,
            gboolean     show)
{
  self->loading = TRUE;
  self->show_next = show;
  self->n_requests++;

  if (self->mode == MODE_RSM)
    {
      xgb_pubsub_service_get_items_async (self->service, self->node, self->page_size, self->after, NULL,
                                          self->cancellable, page_cb, g_object_ref (self));
    }
  else
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint i = 0; i < self->page_size && self->ids[self->next_id] != NULL; i++)
        g_ptr_array_add (batch, self->ids[self->next_id++]);
      g_ptr_array_add (batch, NULL);
      xgb_pubsub_service_get_items_async (self->service, self->node, 0, NULL,
                                          (const char * const *) batch->pdata,
                                          self->cancellable, page_cb, g_object_ref (self));
    }
  emit_changed (self);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XgbItemList) self = user_data;
  g_autoptr(GError) error = NULL;
  XgbPubsubItemIds *ids;

  ids = xgb_pubsub_service_get_item_ids_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  if (ids == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  self->total = ids->count;
  if (ids->paged)
    {
      self->mode = MODE_RSM;
    }
  else
    {
      self->mode = MODE_IDS;
      self->ids = g_steal_pointer (&ids->ids);
    }
  xgb_pubsub_item_ids_free (ids);

  if (self->total == 0)
    {
      self->loading = FALSE;
      self->exhausted = self->complete = TRUE;
      emit_changed (self);
      return;
    }
  fetch_page (self, TRUE);
}

/* The first page: an RSM page where the server pages; otherwise the
 * server does not page, and its most recent items are dropped for the
 * ids, read in batches. */
static void
first_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XgbItemList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubItemPage) page = NULL;
  guint asked = self->page_size;

  page = xgb_pubsub_service_get_items_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  if (page == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      self->loading = FALSE;
      self->stopped = TRUE;
      emit_changed (self);
      return;
    }

  if (page->rsm == NULL)
    {
      self->n_requests++;
      xgb_pubsub_service_get_item_ids_async (self->service, self->node, self->cancellable,
                                             probe_cb, g_object_ref (self));
      return;
    }

  self->mode = MODE_RSM;
  take_page (self, page, asked);
  g_clear_pointer (&page, xgb_pubsub_item_page_free);
  if (!self->exhausted && self->error == NULL)
    fetch_page (self, self->filter != NULL);
  else
    emit_changed (self);
}

/**
 * xgb_item_list_load_more:
 *
 * Reads the next page, unless one is being read, the list is complete,
 * stopped or failed.  The first call learns how the server pages.
 */
void
xgb_item_list_load_more (XgbItemList *self)
{
  g_return_if_fail (XGB_IS_ITEM_LIST (self));

  if (self->complete || self->stopped || self->error != NULL)
    return;

  /* The page read ahead shows at once; the next is read meanwhile. */
  if (self->ahead->len > 0)
    {
      show_ahead (self);
      if (!self->loading && !self->exhausted)
        fetch_page (self, FALSE);
      else
        emit_changed (self);
      return;
    }
  if (self->loading)
    return;
  if (self->exhausted)
    {
      self->complete = TRUE;
      emit_changed (self);
      return;
    }

  if (self->mode == MODE_UNKNOWN)
    {
      self->loading = TRUE;
      self->show_next = TRUE;
      self->n_requests++;
      xgb_pubsub_service_get_first_items_async (self->service, self->node, self->page_size, self->cancellable,
                                                first_cb, g_object_ref (self));
      emit_changed (self);
      return;
    }
  fetch_page (self, TRUE);
}

/* Stops reading: a filter's scan ends where it is. */
void
xgb_item_list_stop (XgbItemList *self)
{
  g_return_if_fail (XGB_IS_ITEM_LIST (self));

  if (self->complete)
    return;
  g_cancellable_cancel (self->cancellable);
  if (!self->loading)
    {
      self->stopped = TRUE;
      emit_changed (self);
    }
}

const char *
xgb_item_list_get_node (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), NULL);
  return self->node;
}

gboolean
xgb_item_list_get_filtered (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), FALSE);
  return self->filter != NULL;
}

gboolean
xgb_item_list_get_loading (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), FALSE);
  return self->loading;
}

gboolean
xgb_item_list_get_complete (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), FALSE);
  return self->complete;
}

gboolean
xgb_item_list_get_stopped (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), FALSE);
  return self->stopped;
}

/* The topic's number of items when the server told it; -1 otherwise */
gint64
xgb_item_list_get_total (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), -1);
  return self->total;
}

/* How many of the topic's items were read (matching or not) */
guint
xgb_item_list_get_scanned (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), 0);
  return self->scanned;
}

const GError *
xgb_item_list_get_error (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), NULL);
  return self->error;
}

guint
xgb_item_list_get_n_requests (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), 0);
  return self->n_requests;
}

/* Whether any item read so far named its publisher */
gboolean
xgb_item_list_get_has_publishers (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), FALSE);
  return self->has_publishers;
}

/* Whether any item read so far had a time in its payload */
gboolean
xgb_item_list_get_has_times (XgbItemList *self)
{
  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), FALSE);
  return self->has_times;
}

/* The ids of the rows, in order */
GStrv
xgb_item_list_dup_ids (XgbItemList *self)
{
  GStrv ids;

  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), NULL);

  ids = g_new0 (char *, self->rows->len + 1);
  for (guint i = 0; i < self->rows->len; i++)
    ids[i] = g_strdup (((XgbItemRow *) self->rows->pdata[i])->id);
  return ids;
}

/**
 * xgb_item_list_remove_ids:
 *
 * Drops the rows of items that are gone from the Broker (retracted),
 * and counts them out of the total.
 *
 * Returns: how many rows were dropped
 */
guint
xgb_item_list_remove_ids (XgbItemList        *self,
                          const char * const *ids)
{
  g_autoptr(GHashTable) gone = g_hash_table_new (g_str_hash, g_str_equal);
  guint old_len;
  guint kept = 0;
  guint removed;
  guint removed_ahead = 0;

  g_return_val_if_fail (XGB_IS_ITEM_LIST (self), 0);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_hash_table_add (gone, (gpointer) ids[i]);

  /* rows read ahead, not shown: no items-changed */
  for (guint i = self->ahead->len; i > 0; i--)
    if (g_hash_table_contains (gone, ((XgbItemRow *) self->ahead->pdata[i - 1])->id))
      {
        g_ptr_array_remove_index (self->ahead, i - 1);
        removed_ahead++;
      }

  old_len = self->rows->len;
  for (guint i = 0; i < old_len; i++)
    {
      XgbItemRow *row = self->rows->pdata[i];

      if (g_hash_table_contains (gone, row->id))
        {
          g_object_unref (row);
          continue;
        }
      self->rows->pdata[kept++] = row;
    }
  removed = old_len - kept;
  if (removed + removed_ahead == 0)
    return 0;

  /* The array's free func must not run on the rows kept */
  g_ptr_array_set_free_func (self->rows, NULL);
  g_ptr_array_set_size (self->rows, kept);
  g_ptr_array_set_free_func (self->rows, g_object_unref);

  if (self->total >= 0)
    self->total = MAX (self->total - (gint64) (removed + removed_ahead), 0);
  if (self->mode == MODE_RSM)
    self->scanned = self->scanned >= removed + removed_ahead ? self->scanned - (removed + removed_ahead) : 0;

  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, kept);
  emit_changed (self);
  return removed;
}
