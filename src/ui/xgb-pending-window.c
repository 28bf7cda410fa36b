/* xgb-pending-window.c - the subscription requests waiting on every topic
 *
 * Stories 10.1–10.3 across the whole Broker: one inbox for the requests
 * of Consumers to subscribe to topics with the "authorize" access model.
 * The Broker's get-pending command names the topics with requests; each
 * topic's requests are then read (at most MAX_IN_FLIGHT at a time, with
 * progress and Cancel). The admin ticks requests and approves or denies
 * them together; an answer has no reply of its own, so the answered
 * topics are read again shortly after, and a request leaves the list
 * once the Broker no longer lists it.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-pending-window"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-banner.h"
#include "xgb-confirm-dialog.h"
#include "xgb-pending-window.h"

/* Topics read at the same time */
#define MAX_IN_FLIGHT    4
/* After answers went out, the Broker is asked again this much later */
#define RECHECK_DELAY_MS 500

typedef enum
{
  ANSWER_NONE,
  ANSWER_APPROVED,
  ANSWER_DENIED,
} Answer;

/* One request, one row */
typedef struct
{
  XgbPubsubPending *request;
  GtkWidget        *row;     /* a reference of our own; the list holds another */
  GtkCheckButton   *check;
  GtkLabel         *state;
  Answer            answer;
} Entry;

typedef struct _Load Load;

struct _XgbPendingWindow
{
  GtkWindow         parent_instance;

  XgbBanner        *banner;
  GtkRevealer      *progress_revealer;
  GtkLabel         *progress_label;
  GtkProgressBar   *progress_bar;
  GtkStack         *stack;
  GtkListBox       *list;
  GtkLabel         *placeholder;
  GtkLabel         *unsupported_label;
  GtkCheckButton   *select_all_check;
  GtkLabel         *status_label;
  GtkLabel         *subtitle_label;
  /* Driven by their actions; bound for the tests */
  GtkWidget        *approve_button;
  GtkWidget        *deny_button;
  GtkWidget        *reload_button;

  XgbPubsubService *service;
  gboolean          supported;
  GCancellable     *cancellable;     /* the window's life: the confirmation */
  Load             *load;            /* the reading under way */
  GHashTable       *entries;         /* key → Entry */
  GHashTable       *keep_selected;   /* keys ticked before a full reload */
  GHashTable       *answered;        /* keys answered, waiting for the re-read */
  char            **recheck_topics;
  guint             recheck_id;
  GPtrArray        *errors;          /* sentences: what could not be read */
  char             *note;            /* what happened last, before the counts */
  gboolean          note_sticky;     /* stays when requests are ticked */
  guint             max_in_flight;
  gboolean          complete;        /* the last full reading was not stopped */
  gboolean          focused_list;    /* the rows had the focus once */
  gboolean          batch;           /* ticking many: update once at the end */
};

struct _Load
{
  XgbPendingWindow *self;
  GCancellable     *cancellable;
  GPtrArray        *nodes;           /* NULL until get-pending named them */
  guint             next;
  guint             in_flight;
  guint             done;
  gboolean          recheck;
  gboolean          full;
};

G_DEFINE_FINAL_TYPE (XgbPendingWindow, xgb_pending_window, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ANSWERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update (XgbPendingWindow *self);

/* --- entries -------------------------------------------------------- */

static char *
entry_key (const XgbPubsubPending *p)
{
  return g_strdup_printf ("%s\x1f%s\x1f%s", p->node, p->subscriber, p->subid ? p->subid : "");
}

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_object_set_data (G_OBJECT (e->row), "entry", NULL);
  g_object_unref (e->row);
  xgb_pubsub_pending_free (e->request);
  g_free (e);
}

static gboolean
entry_ticked (const Entry *e)
{
  return e->answer == ANSWER_NONE && gtk_check_button_get_active (e->check);
}

static int
compare_rows (GtkListBoxRow *a,
              GtkListBoxRow *b,
              gpointer       data)
{
  Entry *ea = g_object_get_data (G_OBJECT (a), "entry");
  Entry *eb = g_object_get_data (G_OBJECT (b), "entry");
  int order;

  if (ea == NULL || eb == NULL)
    return 0;
  order = g_strcmp0 (ea->request->node, eb->request->node);
  if (order == 0)
    order = g_strcmp0 (ea->request->subscriber, eb->request->subscriber);
  if (order == 0)
    order = g_strcmp0 (ea->request->subid, eb->request->subid);
  return order;
}

static void ticked_by_user (XgbPendingWindow *self);

static void
check_toggled_cb (XgbPendingWindow *self)
{
  if (self->batch)
    return;
  ticked_by_user (self);
  update (self);
}

static void
add_entry (XgbPendingWindow       *self,
           const XgbPubsubPending *p,
           char                   *key,
           gboolean                ticked)
{
  Entry *e = g_new0 (Entry, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *jid = gtk_label_new (p->subscriber);
  GtkWidget *where;
  g_autofree char *detail = NULL;
  g_autofree char *description = NULL;

  e->request = g_new0 (XgbPubsubPending, 1);
  e->request->node = g_strdup (p->node);
  e->request->subscriber = g_strdup (p->subscriber);
  e->request->subid = g_strdup (p->subid);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  /* The row takes the focus: Enter and Space tick it */
  e->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_widget_set_focusable (GTK_WIDGET (e->check), FALSE);
  gtk_widget_set_valign (GTK_WIDGET (e->check), GTK_ALIGN_CENTER);
  gtk_check_button_set_active (e->check, ticked);
  g_signal_connect_object (e->check, "toggled", G_CALLBACK (check_toggled_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (e->check));

  gtk_label_set_xalign (GTK_LABEL (jid), 0);
  gtk_label_set_ellipsize (GTK_LABEL (jid), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (jid, "heading");
  gtk_box_append (GTK_BOX (texts), jid);
  if (p->subid != NULL)
    /* Translators: a topic's name, then a subscription's id */
    detail = g_strdup_printf (_("Topic “%s” · subscription id %s"), p->node, p->subid);
  else
    detail = g_strdup_printf (_("Topic “%s”"), p->node);
  where = gtk_label_new (detail);
  gtk_label_set_xalign (GTK_LABEL (where), 0);
  gtk_label_set_ellipsize (GTK_LABEL (where), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (where, "dim-label");
  gtk_box_append (GTK_BOX (texts), where);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);

  e->state = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (e->state), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (e->state), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (e->state));

  e->row = g_object_ref_sink (gtk_list_box_row_new ());
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (e->row), box);
  description = g_strdup_printf (_("%s asks to subscribe to “%s”"), p->subscriber, p->node);
  gtk_accessible_update_property (GTK_ACCESSIBLE (e->row), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (e->check), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  g_object_set_data (G_OBJECT (e->row), "entry", e);

  g_hash_table_insert (self->entries, key, e);
  gtk_list_box_append (self->list, e->row);
}

static void
set_answer (Entry  *e,
            Answer  answer)
{
  e->answer = answer;
  gtk_widget_set_sensitive (e->row, answer == ANSWER_NONE);
  gtk_widget_set_visible (GTK_WIDGET (e->state), answer != ANSWER_NONE);
  if (answer == ANSWER_APPROVED)
    gtk_label_set_text (e->state, _("Approved, checking…"));
  else if (answer == ANSWER_DENIED)
    gtk_label_set_text (e->state, _("Denied, checking…"));
}

/* The topic's rows as the Broker lists them now; ticks stay. */
static void
replace_topic (XgbPendingWindow *self,
               const char       *node,
               GPtrArray        *found)
{
  g_autoptr(GHashTable) ticked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  const char *key;
  Entry *e;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &e))
    if (g_str_equal (e->request->node, node))
      {
        if (entry_ticked (e))
          g_hash_table_add (ticked, g_strdup (key));
        gtk_list_box_remove (self->list, e->row);
        g_hash_table_iter_remove (&iter);
      }

  for (guint i = 0; i < found->len; i++)
    {
      const XgbPubsubPending *p = found->pdata[i];
      char *new_key;

      if (g_strcmp0 (p->node, node) != 0 || p->subscriber == NULL)
        continue;
      new_key = entry_key (p);
      if (g_hash_table_contains (self->entries, new_key))
        {
          g_free (new_key);   /* the Broker sent the same form twice */
          continue;
        }
      add_entry (self, p, new_key,
                 g_hash_table_contains (ticked, new_key) ||
                 (self->keep_selected != NULL && g_hash_table_contains (self->keep_selected, new_key)));
    }
}

static void
clear_entries (XgbPendingWindow *self)
{
  GHashTableIter iter;
  Entry *e;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    {
      gtk_list_box_remove (self->list, e->row);
      g_hash_table_iter_remove (&iter);
    }
}

static Entry *
entry_at (XgbPendingWindow *self,
          guint             position)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) position);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "entry") : NULL;
}

/* --- the view ------------------------------------------------------- */

static gboolean
busy (XgbPendingWindow *self)
{
  return self->load != NULL || self->recheck_id != 0;
}

static void
count (XgbPendingWindow *self,
       guint            *n_open,
       guint            *n_ticked)
{
  GHashTableIter iter;
  Entry *e;

  *n_open = *n_ticked = 0;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    if (e->answer == ANSWER_NONE)
      {
        (*n_open)++;
        if (gtk_check_button_get_active (e->check))
          (*n_ticked)++;
      }
}

static void
set_note_full (XgbPendingWindow *self,
               char             *note,
               gboolean          sticky)
{
  g_free (self->note);
  self->note = note;
  self->note_sticky = sticky;
}

/* A note on the last event; ticking a request makes it go */
static void
set_note (XgbPendingWindow *self,
          char             *note)
{
  set_note_full (self, note, FALSE);
}

static void
ticked_by_user (XgbPendingWindow *self)
{
  if (!self->note_sticky)
    set_note (self, NULL);
}

static void
show_errors (XgbPendingWindow *self)
{
  g_autofree char *text = NULL;

  if (self->errors->len == 0)
    return;
  g_ptr_array_add (self->errors, NULL);
  text = g_strjoinv ("\n", (char **) self->errors->pdata);
  g_ptr_array_remove_index (self->errors, self->errors->len - 1);
  xgb_banner_show (self->banner, XGB_BANNER_ERROR, text);
}

/* Actions, page, counts and ticks from the state */
static void
update (XgbPendingWindow *self)
{
  guint n_open, n_ticked;
  gboolean can_answer;
  g_autofree char *counts = NULL;
  g_autofree char *status = NULL;
  const char *page;

  count (self, &n_open, &n_ticked);
  can_answer = self->supported && !busy (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pending.approve", can_answer && n_ticked > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pending.deny", can_answer && n_ticked > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pending.select-all", self->supported && n_open > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pending.reload", self->supported);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pending.cancel", self->load != NULL);

  self->batch = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->select_all_check), self->supported && n_open > 0);
  gtk_check_button_set_active (self->select_all_check, n_open > 0 && n_ticked == n_open);
  gtk_check_button_set_inconsistent (self->select_all_check, n_ticked > 0 && n_ticked < n_open);
  self->batch = FALSE;

  if (!self->supported)
    page = "unsupported";
  else if (g_hash_table_size (self->entries) == 0 && self->load == NULL && self->errors->len == 0 &&
           self->complete)
    page = "empty";
  else
    page = "requests";
  gtk_stack_set_visible_child_name (self->stack, page);

  if (self->load != NULL)
    gtk_label_set_text (self->placeholder, _("Looking for requests…"));
  else if (self->errors->len > 0)
    gtk_label_set_text (self->placeholder, _("No request waits on the topics that could be read."));
  else
    gtk_label_set_text (self->placeholder, _("No request is listed. Press F5 to read them again."));

  if (n_open > 0)
    counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u request selected.",
                                           "%u of %u requests selected.", n_open),
                              n_ticked, n_open);
  status = self->note != NULL && counts != NULL ? g_strconcat (self->note, " ", counts, NULL)
                                                : g_strdup (self->note != NULL ? self->note : counts);
  gtk_label_set_text (self->status_label, status != NULL ? status : "");
}

/* --- reading -------------------------------------------------------- */

static void
load_clear (gpointer data)
{
  Load *load = data;

  g_clear_pointer (&load->nodes, g_ptr_array_unref);
  g_clear_object (&load->cancellable);
  g_clear_object (&load->self);
}

static void
load_unref (Load *load)
{
  g_rc_box_release_full (load, load_clear);
}

static void
show_progress (Load *load)
{
  XgbPendingWindow *self = load->self;
  g_autofree char *text = NULL;
  guint total = load->nodes->len;

  if (load->recheck)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checking the answers: topic %u of %u…",
                                         "Checking the answers: topic %u of %u…", total),
                            MAX (load->next, 1), total);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reading topic %u of %u…",
                                         "Reading topic %u of %u…", total),
                            MAX (load->next, 1), total);
  gtk_label_set_text (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) load->done / total : 0);
}

static void
loading_changed (XgbPendingWindow *self)
{
  gtk_revealer_set_reveal_child (self->progress_revealer, self->load != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* After a re-read: what became of the answers */
static void
report_answers (XgbPendingWindow *self,
                gboolean          completed)
{
  GHashTableIter iter;
  const char *key;
  gpointer answer;
  guint approved = 0, denied = 0, still = 0;
  g_autoptr(GString) note = g_string_new (NULL);

  g_hash_table_iter_init (&iter, self->answered);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, &answer))
    {
      Entry *e = g_hash_table_lookup (self->entries, key);

      if (e != NULL)
        {
          /* Listed again, or not read again: it may be answered anew */
          set_answer (e, ANSWER_NONE);
          still++;
        }
      else if (GPOINTER_TO_INT (answer) == ANSWER_APPROVED)
        approved++;
      else
        denied++;
    }
  g_hash_table_remove_all (self->answered);

  if (approved > 0)
    g_string_append_printf (note, g_dngettext (GETTEXT_PACKAGE, "Approved %u request.", "Approved %u requests.",
                                               approved), approved);
  if (denied > 0)
    {
      if (note->len > 0)
        g_string_append_c (note, ' ');
      g_string_append_printf (note, g_dngettext (GETTEXT_PACKAGE, "Denied %u request.", "Denied %u requests.",
                                                 denied), denied);
    }
  if (still > 0)
    {
      if (note->len > 0)
        g_string_append_c (note, ' ');
      if (completed)
        g_string_append_printf (note, g_dngettext (GETTEXT_PACKAGE,
                                                   "The Broker still lists %u answered request: answer it again, "
                                                   "or press F5 later.",
                                                   "The Broker still lists %u answered requests: answer them "
                                                   "again, or press F5 later.", still), still);
      else
        g_string_append_printf (note, g_dngettext (GETTEXT_PACKAGE,
                                                   "%u answer was not confirmed: press F5 to see the Broker’s list.",
                                                   "%u answers were not confirmed: press F5 to see the Broker’s list.",
                                                   still), still);
    }
  set_note (self, note->len > 0 ? g_string_free (g_steal_pointer (&note), FALSE) : NULL);
}

static void
focus_list (XgbPendingWindow *self)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->list, 0);

  /* The first rows take the focus from the header bar: Space ticks */
  if (first != NULL && (!self->focused_list || focus == NULL || !gtk_widget_is_sensitive (focus) ||
                        !gtk_widget_get_mapped (focus)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (first));
      self->focused_list = TRUE;
    }
}

/* Ends the reading under way: done, failed or cancelled */
static void
end_load (XgbPendingWindow *self,
          gboolean          completed)
{
  Load *load = g_steal_pointer (&self->load);
  gboolean recheck = load->recheck;

  if (!completed)
    {
      g_cancellable_cancel (load->cancellable);
      self->complete = FALSE;
    }
  else if (!recheck && load->full)
    self->complete = TRUE;
  if (g_hash_table_size (self->answered) > 0)
    report_answers (self, completed && recheck);
  else if (recheck)
    set_note (self, NULL);
  else if (!completed && load->nodes != NULL)
    set_note_full (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "Stopped after %u of %u topic: press F5 to read them all.",
                                                       "Stopped after %u of %u topics: press F5 to read them all.",
                                                       load->nodes->len),
                                          load->done, load->nodes->len), TRUE);
  else if (!completed)
    set_note_full (self, g_strdup (_("Stopped before the topics with requests were known: press F5 to read them.")),
                   TRUE);
  g_clear_pointer (&self->keep_selected, g_hash_table_unref);
  load_unref (load);

  loading_changed (self);
  update (self);
  if (completed)
    focus_list (self);
  if (recheck)
    g_signal_emit (self, signals[ANSWERED], 0);
}

typedef struct
{
  Load *load;
  char *node;
} TopicRead;

static void start_reads (Load *load);

static void
topic_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  TopicRead *op = user_data;
  Load *load = op->load;
  XgbPendingWindow *self = load->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = xgb_pubsub_service_get_pending_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  load->in_flight--;
  load->done++;
  if (self->load == load && !g_cancellable_is_cancelled (load->cancellable))
    {
      if (found != NULL)
        replace_topic (self, op->node, found);
      else
        {
          g_ptr_array_add (self->errors, g_strdup_printf (_("Could not read the requests on “%s”: %s"),
                                                          op->node, error->message));
          show_errors (self);
        }
      if (load->done == load->nodes->len)
        end_load (self, TRUE);
      else
        {
          start_reads (load);
          update (self);
        }
    }
  load_unref (op->load);
  g_free (op->node);
  g_free (op);
}

static void
start_reads (Load *load)
{
  XgbPendingWindow *self = load->self;

  while (load->in_flight < MAX_IN_FLIGHT && load->next < load->nodes->len)
    {
      TopicRead *op = g_new0 (TopicRead, 1);

      op->load = g_rc_box_acquire (load);
      op->node = g_strdup (load->nodes->pdata[load->next++]);
      load->in_flight++;
      self->max_in_flight = MAX (self->max_in_flight, load->in_flight);
      xgb_pubsub_service_get_pending_async (self->service, op->node, load->cancellable, topic_read_cb, op);
    }
  show_progress (load);
}

static void
set_nodes (Load               *load,
           const char * const *nodes)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  load->nodes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; nodes != NULL && nodes[i] != NULL; i++)
    if (g_hash_table_add (seen, (gpointer) nodes[i]))
      g_ptr_array_add (load->nodes, g_strdup (nodes[i]));
}

static void
nodes_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Load *load = user_data;
  XgbPendingWindow *self = load->self;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) nodes = xgb_pubsub_service_get_pending_nodes_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (self->load == load && !g_cancellable_is_cancelled (load->cancellable))
    {
      set_nodes (load, (const char * const *) nodes);
      if (nodes == NULL)
        {
          g_ptr_array_add (self->errors, g_strdup_printf (_("Could not list the topics with requests: %s"),
                                                          error->message));
          show_errors (self);
        }
      if (load->nodes->len == 0)
        end_load (self, TRUE);
      else
        start_reads (load);
    }
  load_unref (load);
}

static void
stop_load (XgbPendingWindow *self)
{
  if (self->load != NULL)
    end_load (self, FALSE);
}

/* Reads @nodes (NULL: every topic get-pending names, afresh) */
static void
start_load (XgbPendingWindow   *self,
            const char * const *nodes,
            gboolean            recheck)
{
  Load *load;

  stop_load (self);
  g_clear_handle_id (&self->recheck_id, g_source_remove);
  g_ptr_array_set_size (self->errors, 0);
  xgb_banner_dismiss (self->banner);
  self->max_in_flight = 0;

  load = g_rc_box_new0 (Load);
  load->self = g_object_ref (self);
  load->cancellable = g_cancellable_new ();
  load->recheck = recheck;
  self->load = load;

  load->full = nodes == NULL;
  if (nodes == NULL)
    {
      GHashTableIter iter;
      const char *key;
      Entry *e;

      /* Ticks survive a reload */
      self->keep_selected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &e))
        if (entry_ticked (e))
          g_hash_table_add (self->keep_selected, g_strdup (key));
      clear_entries (self);
      g_hash_table_remove_all (self->answered);
      set_note (self, NULL);
      gtk_label_set_text (self->progress_label, _("Finding the topics with requests…"));
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      xgb_pubsub_service_get_pending_nodes_async (self->service, load->cancellable, nodes_cb,
                                                  g_rc_box_acquire (load));
    }
  else
    {
      set_nodes (load, nodes);
      if (!recheck)
        set_note (self, NULL);
    }
  loading_changed (self);
  update (self);
  if (load->nodes != NULL)
    {
      if (load->nodes->len == 0)
        end_load (self, TRUE);
      else
        start_reads (load);
    }
}

/* --- answering ------------------------------------------------------ */

static gboolean
recheck_cb (gpointer data)
{
  XgbPendingWindow *self = data;
  g_auto(GStrv) topics = g_steal_pointer (&self->recheck_topics);

  self->recheck_id = 0;
  start_load (self, (const char * const *) topics, TRUE);
  return G_SOURCE_REMOVE;
}

static void
send_answers (XgbPendingWindow *self,
              gboolean          allow)
{
  g_autoptr(GPtrArray) topics = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  const char *key;
  Entry *e;
  guint sent = 0;

  xgb_banner_dismiss (self->banner);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &e))
    {
      g_autoptr(GError) local_error = NULL;

      if (!entry_ticked (e))
        continue;
      if (!xgb_pubsub_service_answer_pending (self->service, e->request, allow, &local_error))
        {
          if (error == NULL)
            error = g_steal_pointer (&local_error);
          continue;
        }
      self->batch = TRUE;
      gtk_check_button_set_active (e->check, FALSE);
      self->batch = FALSE;
      set_answer (e, allow ? ANSWER_APPROVED : ANSWER_DENIED);
      g_hash_table_insert (self->answered, g_strdup (key), GINT_TO_POINTER (e->answer));
      if (!g_ptr_array_find_with_equal_func (topics, e->request->node, g_str_equal, NULL))
        g_ptr_array_add (topics, g_strdup (e->request->node));
      sent++;
    }

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not send the answer: %s"), error->message);

      xgb_banner_show (self->banner, XGB_BANNER_ERROR, text);
    }
  if (sent > 0)
    {
      set_note (self, g_strdup_printf (allow ? g_dngettext (GETTEXT_PACKAGE, "Approving %u request…",
                                                             "Approving %u requests…", sent)
                                             : g_dngettext (GETTEXT_PACKAGE, "Denying %u request…",
                                                             "Denying %u requests…", sent),
                                       sent));
      g_ptr_array_add (topics, NULL);
      g_strfreev (self->recheck_topics);
      self->recheck_topics = (char **) g_ptr_array_free (g_steal_pointer (&topics), FALSE);
      /* The answer is a message without a reply: ask again shortly */
      g_clear_handle_id (&self->recheck_id, g_source_remove);
      self->recheck_id = g_timeout_add (RECHECK_DELAY_MS, recheck_cb, self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
  update (self);
}

static void
deny_confirmed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XgbPendingWindow) self = user_data;

  if (xgb_confirm_dialog_run_finish (XGB_CONFIRM_DIALOG (object), result, NULL) && !busy (self))
    send_answers (self, FALSE);
  else
    {
      set_note (self, g_strdup (_("Nothing was denied.")));
      update (self);
    }
}

/**
 * xgb_pending_window_answer_selected:
 * @allow: approve, or deny
 *
 * Answers every ticked request. Denying several asks first.
 */
void
xgb_pending_window_answer_selected (XgbPendingWindow *self,
                                    gboolean          allow)
{
  guint n_open, n_ticked;
  g_autofree char *heading = NULL;
  g_autofree char *explanation = NULL;
  XgbConfirmDialog *dialog;

  g_return_if_fail (XGB_IS_PENDING_WINDOW (self));

  count (self, &n_open, &n_ticked);
  if (!self->supported || busy (self) || n_ticked == 0)
    return;
  if (allow || n_ticked == 1)
    {
      send_answers (self, allow);
      return;
    }

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Deny %u request?", "Deny %u requests?", n_ticked),
                             n_ticked);
  explanation = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u Consumer does not get the subscription it asked for; the Broker "
                                              "tells it so. It may ask again later.",
                                              "The %u requests are refused: the Consumers do not get the "
                                              "subscriptions they asked for, and the Broker tells each of them so. "
                                              "They may ask again later.", n_ticked),
                                 n_ticked);
  dialog = xgb_confirm_dialog_new (GTK_WINDOW (self), heading, explanation, _("_Deny"));
  set_note (self, g_strdup (_("Waiting for your confirmation…")));
  update (self);
  xgb_confirm_dialog_run_async (dialog, self->cancellable, deny_confirmed_cb, g_object_ref (self));
}

/* --- live requests -------------------------------------------------- */

/* A request made while the window is open: the Broker tells its owners */
static void
pending_request_cb (XgbPendingWindow       *self,
                    const XgbPubsubPending *p)
{
  char *key;

  if (!self->supported || busy (self) || p->node == NULL || p->subscriber == NULL)
    return;
  key = entry_key (p);
  if (g_hash_table_contains (self->entries, key))
    {
      g_free (key);
      return;
    }
  add_entry (self, p, key, FALSE);
  set_note (self, g_strdup_printf (_("New request from %s on “%s”."), p->subscriber, p->node));
  update (self);
}

/* --- actions and signals -------------------------------------------- */

static void
row_activated_cb (XgbPendingWindow *self,
                  GtkListBoxRow    *row)
{
  Entry *e = g_object_get_data (G_OBJECT (row), "entry");

  if (e != NULL && e->answer == ANSWER_NONE)
    gtk_check_button_set_active (e->check, !gtk_check_button_get_active (e->check));
}

static void
tick_all (XgbPendingWindow *self,
          gboolean          ticked)
{
  GHashTableIter iter;
  Entry *e;

  self->batch = TRUE;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    if (e->answer == ANSWER_NONE)
      gtk_check_button_set_active (e->check, ticked);
  self->batch = FALSE;
  ticked_by_user (self);
  update (self);
}

static void
select_all_toggled_cb (XgbPendingWindow *self)
{
  if (!self->batch)
    tick_all (self, gtk_check_button_get_active (self->select_all_check));
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  xgb_pending_window_answer_selected (XGB_PENDING_WINDOW (widget), TRUE);
}

static void
deny_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  xgb_pending_window_answer_selected (XGB_PENDING_WINDOW (widget), FALSE);
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  tick_all (XGB_PENDING_WINDOW (widget), TRUE);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  xgb_pending_window_reload (XGB_PENDING_WINDOW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  xgb_pending_window_cancel (XGB_PENDING_WINDOW (widget));
}

/* --- public --------------------------------------------------------- */

/**
 * xgb_pending_window_new:
 * @parent: the session's window
 * @service: the Broker whose requests are shown
 *
 * A non-modal window; it starts reading at once.
 */
XgbPendingWindow *
xgb_pending_window_new (GtkWindow        *parent,
                        XgbPubsubService *service)
{
  XgbPendingWindow *self;

  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (service), NULL);

  self = g_object_new (XGB_TYPE_PENDING_WINDOW, "transient-for", parent, NULL);
  self->service = g_object_ref (service);
  self->supported = xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_GET_PENDING);
  gtk_label_set_text (self->subtitle_label, xgb_pubsub_service_get_jid (service));

  if (!self->supported)
    {
      const char *why;

      if (!xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_ACCESS_AUTHORIZE))
        why = _("This Broker offers neither the “authorize” access model, under which Consumers ask before "
                "they may subscribe, nor the command that lists the requests waiting (get-pending, XEP-0060 "
                "§8.7). No request ever waits for approval here: give a topic the "
                "“whitelist” access model instead, and name its Consumers on its Affiliations tab.");
      else
        why = _("Topics of this Broker can require approval, but it does not offer the command that lists the "
                "requests waiting (get-pending, XEP-0060 §8.7), so they cannot be gathered here.");
      gtk_label_set_text (self->unsupported_label, why);
      update (self);
      return self;
    }

  g_signal_connect_object (service, "pending-request", G_CALLBACK (pending_request_cb), self, G_CONNECT_SWAPPED);
  start_load (self, NULL, FALSE);
  return self;
}

XgbPubsubService *
xgb_pending_window_get_service (XgbPendingWindow *self)
{
  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), NULL);
  return self->service;
}

/**
 * xgb_pending_window_reload:
 *
 * Reads every topic with requests afresh; ticks stay where the request
 * is still listed.
 */
void
xgb_pending_window_reload (XgbPendingWindow *self)
{
  g_return_if_fail (XGB_IS_PENDING_WINDOW (self));

  if (self->supported)
    start_load (self, NULL, FALSE);
}

/**
 * xgb_pending_window_read_topics:
 * @nodes: the topics to read again; the other rows stay
 */
void
xgb_pending_window_read_topics (XgbPendingWindow   *self,
                                const char * const *nodes)
{
  g_return_if_fail (XGB_IS_PENDING_WINDOW (self));
  g_return_if_fail (nodes != NULL);

  if (self->supported)
    start_load (self, nodes, FALSE);
}

/**
 * xgb_pending_window_cancel:
 *
 * Stops the reading under way; what was read stays listed.
 */
void
xgb_pending_window_cancel (XgbPendingWindow *self)
{
  g_return_if_fail (XGB_IS_PENDING_WINDOW (self));
  stop_load (self);
}

/* TRUE while reading, or waiting to read the answered topics again */
gboolean
xgb_pending_window_get_loading (XgbPendingWindow *self)
{
  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), FALSE);
  return busy (self);
}

guint
xgb_pending_window_get_n_requests (XgbPendingWindow *self)
{
  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), 0);
  return g_hash_table_size (self->entries);
}

/* Returns: (transfer none) (nullable): the request in row @position */
const XgbPubsubPending *
xgb_pending_window_get_request (XgbPendingWindow *self,
                                guint             position)
{
  Entry *e;

  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), NULL);
  e = entry_at (self, position);
  return e != NULL ? e->request : NULL;
}

void
xgb_pending_window_set_selected (XgbPendingWindow *self,
                                 guint             position,
                                 gboolean          selected)
{
  Entry *e;

  g_return_if_fail (XGB_IS_PENDING_WINDOW (self));
  e = entry_at (self, position);
  if (e != NULL && e->answer == ANSWER_NONE)
    gtk_check_button_set_active (e->check, selected);
}

gboolean
xgb_pending_window_get_selected (XgbPendingWindow *self,
                                 guint             position)
{
  Entry *e;

  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), FALSE);
  e = entry_at (self, position);
  return e != NULL && entry_ticked (e);
}

guint
xgb_pending_window_get_n_selected (XgbPendingWindow *self)
{
  guint n_open, n_ticked;

  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), 0);
  count (self, &n_open, &n_ticked);
  return n_ticked;
}

/* "requests", "empty" or "unsupported" */
const char *
xgb_pending_window_get_page (XgbPendingWindow *self)
{
  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
xgb_pending_window_get_status (XgbPendingWindow *self)
{
  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/* The most topics read at once by the last reading (for the tests) */
guint
xgb_pending_window_get_max_in_flight (XgbPendingWindow *self)
{
  g_return_val_if_fail (XGB_IS_PENDING_WINDOW (self), 0);
  return self->max_in_flight;
}

/* --- the object ----------------------------------------------------- */

static gboolean
xgb_pending_window_close_request (GtkWindow *window)
{
  XgbPendingWindow *self = XGB_PENDING_WINDOW (window);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->recheck_id, g_source_remove);
  if (self->load != NULL)
    {
      Load *load = g_steal_pointer (&self->load);

      g_cancellable_cancel (load->cancellable);
      load_unref (load);
    }
  return GTK_WINDOW_CLASS (xgb_pending_window_parent_class)->close_request (window);
}

static void
xgb_pending_window_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  XgbPendingWindow *self = XGB_PENDING_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xgb_pending_window_dispose (GObject *object)
{
  XgbPendingWindow *self = XGB_PENDING_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->recheck_id, g_source_remove);
  if (self->load != NULL)
    {
      Load *load = g_steal_pointer (&self->load);

      g_cancellable_cancel (load->cancellable);
      load_unref (load);
    }
  /* The rows go with the list; the entries let go of them first. */
  g_hash_table_remove_all (self->entries);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_PENDING_WINDOW);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (xgb_pending_window_parent_class)->dispose (object);
}

static void
xgb_pending_window_finalize (GObject *object)
{
  XgbPendingWindow *self = XGB_PENDING_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->keep_selected, g_hash_table_unref);
  g_clear_pointer (&self->answered, g_hash_table_unref);
  g_clear_pointer (&self->recheck_topics, g_strfreev);
  g_clear_pointer (&self->errors, g_ptr_array_unref);
  g_free (self->note);

  G_OBJECT_CLASS (xgb_pending_window_parent_class)->finalize (object);
}

static void
xgb_pending_window_class_init (XgbPendingWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_pending_window_dispose;
  object_class->finalize = xgb_pending_window_finalize;
  object_class->get_property = xgb_pending_window_get_property;
  window_class->close_request = xgb_pending_window_close_request;

  /**
   * XgbPendingWindow:loading:
   *
   * Reading, or about to read the answered topics again.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XgbPendingWindow::answered:
   *
   * Answers were sent and the answered topics read again.
   */
  signals[ANSWERED] =
    g_signal_new ("answered",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (XGB_TYPE_BANNER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-pending-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, list);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, unsupported_label);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, select_all_check);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, approve_button);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, deny_button);
  gtk_widget_class_bind_template_child (widget_class, XgbPendingWindow, reload_button);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, select_all_toggled_cb);

  gtk_widget_class_install_action (widget_class, "pending.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "pending.deny", NULL, deny_action);
  gtk_widget_class_install_action (widget_class, "pending.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "pending.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "pending.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "pending.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "pending.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "pending.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
xgb_pending_window_init (XgbPendingWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  self->answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->errors = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->placeholder = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->placeholder, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->placeholder), 24);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->placeholder), 24);
  gtk_widget_set_margin_start (GTK_WIDGET (self->placeholder), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->placeholder), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "dim-label");
  gtk_list_box_set_placeholder (self->list, GTK_WIDGET (self->placeholder));
  gtk_list_box_set_sort_func (self->list, compare_rows, NULL, NULL);
}
