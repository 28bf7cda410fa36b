/* xgb-rsm.c - Result Set Management (XEP-0059)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-rsm"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xgb-error.h"
#include "xgb-rsm.h"
#include "xgb-xml.h"

/**
 * xgb_rsm_build:
 * @max: the page size
 * @after: (nullable): ask for the page after this id
 * @before: (nullable): ask for the page before this id; "" for the last page
 * @index: ask for the page at this index, or -1
 *
 * Returns: (transfer full): the `<set>` element, escaped
 */
char *
xgb_rsm_build (guint       max,
               const char *after,
               const char *before,
               gint64      index)
{
  GString *set = g_string_new ("<set xmlns='" XGB_NS_RSM "'>");

  g_string_append_printf (set, "<max>%u</max>", max);
  if (after != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (after, -1);

      g_string_append_printf (set, "<after>%s</after>", escaped);
    }
  if (before != NULL && *before == '\0')
    g_string_append (set, "<before/>");
  else if (before != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (before, -1);

      g_string_append_printf (set, "<before>%s</before>", escaped);
    }
  if (index >= 0)
    g_string_append_printf (set, "<index>%" G_GINT64_FORMAT "</index>", index);
  g_string_append (set, "</set>");

  return g_string_free (set, FALSE);
}

static gint64
parse_number (const char *text)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (g_strstrip ((char *) text), 10, 0, G_MAXINT64, &value, NULL))
    return -1;
  return (gint64) value;
}

/**
 * xgb_rsm_parse:
 * @parent: the element that holds `<set>`, e.g. `<query>` or `<pubsub>`
 *
 * Returns: (transfer full) (nullable): the result set's description, or
 *   %NULL when the server sent none (it does not page this request)
 */
XgbRsmResult *
xgb_rsm_parse (const xmlNode *parent)
{
  xmlNode *set = xgb_xml_child (parent, "set", XGB_NS_RSM);
  XgbRsmResult *result;
  xmlNode *first;

  if (set == NULL)
    return NULL;

  result = g_new0 (XgbRsmResult, 1);
  first = xgb_xml_child (set, "first", XGB_NS_RSM);
  result->first = xgb_xml_get_text (first);
  result->last = xgb_xml_get_text (xgb_xml_child (set, "last", XGB_NS_RSM));
  {
    g_autofree char *index = xgb_xml_get_attr (first, "index");
    g_autofree char *count = xgb_xml_get_text (xgb_xml_child (set, "count", XGB_NS_RSM));

    result->first_index = parse_number (index);
    result->count = parse_number (count);
  }

  return result;
}

XgbRsmResult *
xgb_rsm_result_copy (const XgbRsmResult *result)
{
  XgbRsmResult *copy;

  if (result == NULL)
    return NULL;

  copy = g_new0 (XgbRsmResult, 1);
  copy->first = g_strdup (result->first);
  copy->last = g_strdup (result->last);
  copy->first_index = result->first_index;
  copy->count = result->count;
  return copy;
}

void
xgb_rsm_result_free (XgbRsmResult *result)
{
  if (result == NULL)
    return;

  g_free (result->first);
  g_free (result->last);
  g_free (result);
}

/* --- walking through the pages ------------------------------------- */

struct _XgbRsmWalk
{
  GHashTable *cursors;   /* every 'last' seen */
  guint       pages;
};

/**
 * xgb_rsm_walk_new:
 *
 * Watches the pages of one paged listing: a server that sends the same
 * page again, or pages without end, is stopped (and said so) instead of
 * being asked forever.
 */
XgbRsmWalk *
xgb_rsm_walk_new (void)
{
  XgbRsmWalk *walk = g_new0 (XgbRsmWalk, 1);

  walk->cursors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return walk;
}

/**
 * xgb_rsm_walk_check:
 * @page: the set of the page just read, whose 'last' the caller is about
 *   to ask the next page after
 *
 * Returns: %TRUE when asking for the next page is sound; %FALSE with
 *   @error (%XGB_ERROR_PROTOCOL) when the server repeats a page (a
 *   'last' seen before: the same page would come again and again) or has
 *   sent %XGB_RSM_MAX_PAGES pages without a total (or more than its
 *   total)
 */
gboolean
xgb_rsm_walk_check (XgbRsmWalk          *walk,
                    const XgbRsmResult  *page,
                    GError             **error)
{
  g_return_val_if_fail (walk != NULL, FALSE);
  g_return_val_if_fail (page != NULL && page->last != NULL, FALSE);

  walk->pages++;
  if (g_hash_table_contains (walk->cursors, page->last))
    {
      g_autofree char *shown = g_utf8_make_valid (page->last, MIN ((gssize) strlen (page->last), 80));

      g_set_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                   _("The server sent the same page again (the page ending at “%s”, after %u pages). "
                     "Reading stopped here: the list may be incomplete."),
                   shown, walk->pages);
      return FALSE;
    }
  if ((page->count < 0 || walk->pages > page->count) && walk->pages >= XGB_RSM_MAX_PAGES)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                   _("The server sent %u pages without an end or a total. Reading stopped here: "
                     "the list may be incomplete."),
                   walk->pages);
      return FALSE;
    }
  g_hash_table_add (walk->cursors, g_strdup (page->last));
  return TRUE;
}

/* How many pages were checked */
guint
xgb_rsm_walk_get_pages (XgbRsmWalk *walk)
{
  g_return_val_if_fail (walk != NULL, 0);
  return walk->pages;
}

void
xgb_rsm_walk_free (XgbRsmWalk *walk)
{
  if (walk == NULL)
    return;
  g_hash_table_unref (walk->cursors);
  g_free (walk);
}
