/* fuzz-rsm.c - result set management (XEP-0059) in replies
 *
 * The `<set>` of a disco#items page and of an items page; the cursor
 * the server sent goes back in the next request (xgb_rsm_build), which
 * must then still be well-formed XML carrying the same cursor.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-disco.h"
#include "xgb-fuzz.h"
#include "xgb-pubsub.h"
#include "xgb-rsm.h"
#include "xgb-xml.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  return 0;
}

/* XML turns a carriage return into a line feed, and so may the server */
static gboolean
same_cursor (const char *sent,
             const char *read)
{
  g_autofree char *a = g_strdup (sent);
  g_autofree char *b = g_strdup (read);

  g_strdelimit (a, "\r", '\n');
  g_strdelimit (b, "\r", '\n');
  return g_strcmp0 (a, b) == 0;
}

/* The next page's request, read back as the server would */
static void
check_next_request (const char *after,
                    const char *before,
                    gint64      index)
{
  g_autofree char *set = xgb_rsm_build (100, after, before, index);
  g_autofree char *query = g_strconcat ("<query xmlns='" XGB_NS_DISCO_ITEMS "'>", set, "</query>", NULL);
  g_autoptr(xmlDoc) doc = xgb_xml_parse (query, strlen (query), NULL);
  xmlNode *set_node;
  g_autofree char *after_back = NULL;
  g_autofree char *before_back = NULL;

  if (doc == NULL)
    g_error ("a cursor from the server makes a malformed request: %s", query);
  set_node = xgb_xml_child (xmlDocGetRootElement (doc), "set", XGB_NS_RSM);
  g_assert (set_node != NULL);
  after_back = xgb_xml_get_text (xgb_xml_child (set_node, "after", XGB_NS_RSM));
  before_back = xgb_xml_get_text (xgb_xml_child (set_node, "before", XGB_NS_RSM));
  if (after != NULL && !same_cursor (after, after_back))
    g_error ("the cursor “%s” comes back as “%s”", after, after_back);
  if (before != NULL && !same_cursor (before, before_back))
    g_error ("the cursor “%s” comes back as “%s”", before, before_back);
}

static void
check_set (const xmlNode *parent)
{
  g_autoptr(XgbRsmResult) rsm = xgb_rsm_parse (parent);
  g_autoptr(XgbRsmResult) copy = NULL;

  if (rsm == NULL)
    return;
  copy = xgb_rsm_result_copy (rsm);
  g_assert (g_strcmp0 (copy->first, rsm->first) == 0 && g_strcmp0 (copy->last, rsm->last) == 0);
  g_assert (rsm->count >= -1 && rsm->first_index >= -1);
  check_next_request (rsm->last, NULL, -1);
  check_next_request (NULL, rsm->first, rsm->first_index);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(xmlDoc) doc = xgb_fuzz_stanza (data, size);
  xmlNode *iq = xgb_fuzz_iq_reply (doc);

  if (iq == NULL)
    return 0;

  /* Where the app looks for a set: disco#items, pubsub items */
  check_set (xgb_xml_child (iq, "query", XGB_NS_DISCO_ITEMS));
  check_set (xgb_xml_child (iq, "pubsub", XGB_NS_PUBSUB));
  /* and anywhere else a set may hide */
  for (xmlNode *c = iq->children; c != NULL; c = c->next)
    check_set (c);

  return 0;
}
