/* xgb-list-pane.c - the common part of a node page's list tabs
 *
 * The Subscribers and Affiliations tabs both show a list read from the
 * server for one node, an entry to add an address, and a status line;
 * both read the list anew after every change. This is that part.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "xgb-error.h"
#include "xgb-jid.h"
#include "xgb-list-pane.h"

void
xgb_list_pane_clear_rows (XgbListPane *pane)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (pane->list))) != NULL)
    gtk_list_box_remove (pane->list, row);
  gtk_widget_set_visible (GTK_WIDGET (pane->list), pane->current != NULL && pane->current->len > 0);
}

/**
 * xgb_list_pane_load:
 * @node: (nullable): NULL for a virtual folder
 * @intro_text: (nullable): what the list is, for a node
 *
 * Starts over for @node. Returns: whether there is a list to read
 */
gboolean
xgb_list_pane_load (XgbListPane      *pane,
                    XgbPubsubService *service,
                    const char       *node,
                    const char       *folder_text,
                    const char       *intro_text)
{
  g_cancellable_cancel (pane->cancellable);
  g_clear_object (&pane->cancellable);
  pane->cancellable = g_cancellable_new ();
  g_set_object (&pane->service, service);
  g_free (pane->node);
  pane->node = g_strdup (node);
  g_clear_pointer (&pane->current, g_ptr_array_unref);
  xgb_list_pane_clear_rows (pane);
  gtk_editable_set_text (GTK_EDITABLE (pane->jid_entry), "");
  pane->busy = FALSE;

  if (node == NULL || service == NULL)
    {
      gtk_label_set_text (pane->intro, folder_text);
      gtk_label_set_text (pane->status, "");
      gtk_widget_set_visible (pane->add_box, FALSE);
      return FALSE;
    }

  gtk_label_set_text (pane->intro, intro_text);
  gtk_widget_set_visible (pane->add_box, TRUE);
  gtk_label_set_text (pane->status, _("Loading…"));
  return TRUE;
}

void
xgb_list_pane_set_busy (XgbListPane *pane,
                        gboolean     busy)
{
  GtkRoot *root = gtk_widget_get_root (pane->add_box);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* An address entered with Enter: the entry must lose the focus before
   * it turns insensitive (GTK complains otherwise), and gets it back
   * for the next address */
  if (busy && focus != NULL && gtk_widget_is_ancestor (focus, pane->add_box))
    {
      gtk_root_set_focus (root, NULL);
      pane->refocus = TRUE;
    }
  pane->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (pane->list), !busy);
  gtk_widget_set_sensitive (pane->add_box, !busy && pane->current != NULL);
  if (!busy && pane->refocus && gtk_widget_get_sensitive (pane->add_box))
    {
      pane->refocus = FALSE;
      gtk_widget_grab_focus (GTK_WIDGET (pane->jid_entry));
    }
}

/**
 * xgb_list_pane_take:
 * @list: (transfer full) (nullable): what the server listed, or NULL
 *   with @error
 * @failed_text: what failed, put before the error's message
 *
 * Keeps the list and says what the status line should say: the reason
 * when reading failed, @empty_text for an empty first reading, and
 * after a change the change's own message stays.
 */
void
xgb_list_pane_take (XgbListPane  *pane,
                    GPtrArray    *list,
                    const GError *error,
                    const char   *forbidden_text,
                    const char   *failed_text,
                    const char   *empty_text)
{
  gboolean first = g_str_equal (gtk_label_get_text (pane->status), _("Loading…"));

  g_clear_pointer (&pane->current, g_ptr_array_unref);
  pane->current = list;
  if (list == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_FORBIDDEN))
        text = g_strdup_printf ("%s %s", forbidden_text, error->message);
      else
        text = g_strdup_printf ("%s %s", failed_text, error->message);
      gtk_label_set_text (pane->status, text);
    }
  else if (first)
    gtk_label_set_text (pane->status, list->len == 0 ? empty_text : "");
  xgb_list_pane_set_busy (pane, FALSE);
}

/**
 * xgb_list_pane_report:
 * @error: (nullable): why the change failed
 * @done_text: what the successful change did
 * @forbidden_text: who may make such changes, for a forbidden answer
 *
 * Says how a change went. Returns: %FALSE when it was cancelled (the
 * pane is going or shows another node), else the list is to be read
 * again
 */
gboolean
xgb_list_pane_report (XgbListPane  *pane,
                      const GError *error,
                      const char   *done_text,
                      const char   *forbidden_text)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (error == NULL)
    text = g_strdup (done_text);
  else if (g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_FORBIDDEN))
    text = g_strdup_printf (_("Not changed: %s %s"), forbidden_text, error->message);
  else
    text = g_strdup_printf (_("Not changed: %s"), error->message);
  gtk_label_set_text (pane->status, text);
  return TRUE;
}

/* Returns: (nullable): the address typed, checked; NULL after saying why */
char *
xgb_list_pane_read_jid (XgbListPane *pane)
{
  g_autofree char *jid = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (pane->jid_entry))));
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbJid) parsed = NULL;

  if (*jid == '\0' || (parsed = xgb_jid_parse (jid, &error)) == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Enter a valid address: %s"),
                                               error ? error->message : _("the address is empty"));

      gtk_label_set_text (pane->status, text);
      gtk_widget_grab_focus (GTK_WIDGET (pane->jid_entry));
      return NULL;
    }
  gtk_editable_set_text (GTK_EDITABLE (pane->jid_entry), "");
  return g_steal_pointer (&jid);
}

/* For dispose: no reply may reach a widget being torn down */
void
xgb_list_pane_clear (XgbListPane *pane)
{
  g_cancellable_cancel (pane->cancellable);
  g_clear_object (&pane->cancellable);
  g_clear_object (&pane->service);
  g_clear_pointer (&pane->current, g_ptr_array_unref);
  g_clear_pointer (&pane->node, g_free);
}
