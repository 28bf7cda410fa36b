/* xgb-check-window.c - the Controller check
 *
 * Stories 11.1, 11.2 and 1.4: whether this Controller can do what the
 * grid needs, and the draft's security checks, at a glance; the topics
 * open to anyone after a scan; exported as Markdown for a report.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-check-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "xgb-check-window.h"
#include "xgb-file-chooser.h"

struct _XgbCheckWindow
{
  GtkWindow         parent_instance;

  GtkLabel         *summary_label;
  GtkLabel         *about_label;
  GtkWidget        *scan_button;
  GtkProgressBar   *scan_progress;
  GtkWidget        *stop_button;
  GtkLabel         *scan_label;
  GtkListBox       *security_list;
  GtkListBox       *protocol_list;
  GtkWidget        *export_button;

  XgbNodeTree      *tree;
  XgbPubsubService *service;
  char             *account;
  char             *tls_version;
  char             *cipher;
  char             *mechanism;
  GStrv             mechanisms;
  char             *default_access_model;
  gboolean          scanned;
  guint             n_scanned;
  GStrv             open_nodes;
  GPtrArray        *rows;
  GCancellable     *cancellable;
  GCancellable     *scan_cancellable;
};

G_DEFINE_FINAL_TYPE (XgbCheckWindow, xgb_check_window, GTK_TYPE_WINDOW)

static void
fill_input (XgbCheckWindow *self,
            XgbCheckInput  *in)
{
  memset (in, 0, sizeof *in);
  in->info = xgb_pubsub_service_get_info (self->service);
  in->account = self->account;
  in->tls_version = self->tls_version;
  in->cipher = self->cipher;
  in->mechanism = self->mechanism;
  in->mechanisms = (const char * const *) self->mechanisms;
  in->default_access_model = self->default_access_model;
  in->nodes_scanned = self->scanned;
  in->n_nodes = self->n_scanned;
  in->open_nodes = (const char * const *) self->open_nodes;
}

static const char *
status_icon (XgbCheckStatus status)
{
  switch (status)
    {
    case XGB_CHECK_PASS:
      return "emblem-ok-symbolic";
    case XGB_CHECK_WARN:
      return "dialog-warning-symbolic";
    case XGB_CHECK_FAIL:
      return "dialog-error-symbolic";
    case XGB_CHECK_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

static GtkWidget *
row_widget (XgbCheckRow  *row,
            GtkSizeGroup *titles)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (status_icon (row->status));
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (row->title);
  GtkWidget *level = gtk_label_new (NULL);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *detail = gtk_label_new (row->detail);
  g_autofree char *level_text = g_strdup_printf ("%s · %s", xgb_check_level_to_string (row->level),
                                                 xgb_check_status_to_string (row->status));

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (icon, xgb_check_status_to_string (row->status));
  if (row->status == XGB_CHECK_FAIL)
    gtk_widget_add_css_class (icon, "error");
  else if (row->status == XGB_CHECK_WARN)
    gtk_widget_add_css_class (icon, "warning");
  else if (row->status == XGB_CHECK_PASS)
    gtk_widget_add_css_class (icon, "success");
  gtk_box_append (GTK_BOX (box), icon);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (title), 24);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 28);
  gtk_label_set_text (GTK_LABEL (level), level_text);
  gtk_label_set_xalign (GTK_LABEL (level), 0);
  gtk_widget_add_css_class (level, "dim-label");
  gtk_widget_add_css_class (level, "caption");
  gtk_box_append (GTK_BOX (head), title);
  gtk_box_append (GTK_BOX (head), level);
  gtk_size_group_add_widget (titles, head);
  gtk_box_append (GTK_BOX (box), head);

  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_selectable (GTK_LABEL (detail), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), detail);
  if (row->effect != NULL)
    {
      GtkWidget *effect = gtk_label_new (row->effect);

      gtk_label_set_xalign (GTK_LABEL (effect), 0);
      gtk_label_set_wrap (GTK_LABEL (effect), TRUE);
      gtk_widget_add_css_class (effect, "dim-label");
      gtk_box_append (GTK_BOX (text), effect);
    }
  gtk_box_append (GTK_BOX (box), text);

  return box;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
refresh (XgbCheckWindow *self)
{
  XgbCheckInput in;
  g_autoptr(GtkSizeGroup) titles = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  guint counts[4] = { 0 };
  g_autoptr(GString) summary = g_string_new (NULL);

  fill_input (self, &in);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  self->rows = xgb_check_evaluate (&in);

  clear_list (self->security_list);
  clear_list (self->protocol_list);
  for (guint i = 0; i < self->rows->len; i++)
    {
      XgbCheckRow *row = self->rows->pdata[i];

      counts[row->status]++;
      gtk_list_box_append (row->group == XGB_CHECK_GROUP_SECURITY ? self->security_list : self->protocol_list,
                           row_widget (row, titles));
    }

  if (counts[XGB_CHECK_FAIL] == 0 && counts[XGB_CHECK_WARN] == 0)
    g_string_append (summary, _("This Controller passes every check."));
  else
    {
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u check fails", "%u checks fail",
                                                    counts[XGB_CHECK_FAIL]), counts[XGB_CHECK_FAIL]);
      g_string_append (summary, ", ");
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings",
                                                    counts[XGB_CHECK_WARN]), counts[XGB_CHECK_WARN]);
    }
  if (counts[XGB_CHECK_UNKNOWN] > 0)
    {
      g_string_append (summary, "; ");
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u not known yet", "%u not known yet",
                                                    counts[XGB_CHECK_UNKNOWN]), counts[XGB_CHECK_UNKNOWN]);
    }
  gtk_label_set_text (self->summary_label, summary->str);
}

/* --- the default access model --------------------------------------- */

static void
default_config_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XgbCheckWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbForm) form = xgb_pubsub_service_parsed_form_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (form == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("default configuration: %s", error->message);
      return;
    }
  g_free (self->default_access_model);
  self->default_access_model = g_strdup (xgb_form_get_value (form, "pubsub#access_model"));
  refresh (self);
}

/* --- the scan ------------------------------------------------------- */

static void
scan_progress_cb (guint    done,
                  guint    total,
                  gpointer data)
{
  XgbCheckWindow *self = data;
  g_autofree char *text = g_strdup_printf (_("Read %u of %u topics"), done, total);

  gtk_progress_bar_set_fraction (self->scan_progress, total ? (double) done / total : 1.0);
  gtk_progress_bar_set_text (self->scan_progress, text);
}

static void
set_scanning (XgbCheckWindow *self,
              gboolean        scanning)
{
  gtk_widget_set_visible (GTK_WIDGET (self->scan_progress), scanning);
  gtk_widget_set_visible (self->stop_button, scanning);
  gtk_widget_set_visible (GTK_WIDGET (self->scan_label), !scanning);
  gtk_widget_set_sensitive (self->scan_button, !scanning);
}

typedef struct
{
  XgbCheckWindow *self;
  guint           total;
} ScanRun;

static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ScanRun *run = user_data;
  g_autoptr(XgbCheckWindow) self = run->self;
  g_autoptr(GError) error = NULL;
  guint failed = 0;
  GStrv open = xgb_check_scan_nodes_finish (XGB_PUBSUB_SERVICE (object), result, &failed, &error);
  guint total = run->total;

  g_free (run);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      g_strfreev (open);
      return;
    }
  set_scanning (self, FALSE);
  g_clear_object (&self->scan_cancellable);
  if (open == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not scanned: %s"), error->message);

      gtk_label_set_text (self->scan_label, text);
      return;
    }

  g_strfreev (self->open_nodes);
  self->open_nodes = open;
  self->scanned = TRUE;
  self->n_scanned = total - failed;
  if (failed > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Read %u topics; %u could not be read (you are not its "
                                                            "owner).",
                                                            "Read %u topics; %u could not be read (you are not "
                                                            "their owner).", failed),
                                               total - failed, failed);

      gtk_label_set_text (self->scan_label, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Read %u topic.", "Read %u topics.",
                                                            total), total);

      gtk_label_set_text (self->scan_label, text);
    }
  refresh (self);
}

void
xgb_check_window_scan (XgbCheckWindow *self)
{
  GListModel *topics;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  ScanRun *run;

  g_return_if_fail (XGB_IS_CHECK_WINDOW (self));

  if (self->scan_cancellable != NULL || self->tree == NULL)
    return;

  topics = xgb_node_tree_get_topics (self->tree);
  for (guint i = 0; i < g_list_model_get_n_items (topics); i++)
    {
      g_autoptr(XgbNode) node = g_list_model_get_item (topics, i);

      if (xgb_node_get_name (node) != NULL)
        g_ptr_array_add (names, (gpointer) xgb_node_get_name (node));
    }
  g_ptr_array_add (names, NULL);

  run = g_new0 (ScanRun, 1);
  run->self = g_object_ref (self);
  run->total = names->len - 1;
  self->scan_cancellable = g_cancellable_new ();
  set_scanning (self, TRUE);
  scan_progress_cb (0, run->total, self);
  xgb_check_scan_nodes_async (self->service, (const char * const *) names->pdata, scan_progress_cb, self,
                              self->scan_cancellable, scanned_cb, run);
}

static void
scan_cb (XgbCheckWindow *self)
{
  xgb_check_window_scan (self);
}

static void
stop_cb (XgbCheckWindow *self)
{
  g_cancellable_cancel (self->scan_cancellable);
}

/* --- export --------------------------------------------------------- */

char *
xgb_check_window_to_markdown (XgbCheckWindow *self)
{
  XgbCheckInput in;

  g_return_val_if_fail (XGB_IS_CHECK_WINDOW (self), NULL);

  fill_input (self, &in);
  return xgb_check_to_markdown (&in, self->rows);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
xgb_check_window_export_async (XgbCheckWindow      *self,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  char *markdown;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (XGB_IS_CHECK_WINDOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_check_window_export_async);
  markdown = xgb_check_window_to_markdown (self);
  bytes = g_bytes_new_take (markdown, strlen (markdown));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, written_cb, task);
}

gboolean
xgb_check_window_export_finish (XgbCheckWindow  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GFile) file = user_data;
  XgbCheckWindow *self = XGB_CHECK_WINDOW (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = g_file_get_parse_name (file);
  g_autofree char *text = NULL;

  if (xgb_check_window_export_finish (self, result, &error))
    text = g_strdup_printf (_("Saved to %s."), where);
  else
    text = g_strdup_printf (_("Not saved to %s: %s"), where, error->message);
  gtk_label_set_text (self->about_label, text);
}

static void
chosen_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(XgbCheckWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file = xgb_file_chooser_save_finish (result, &error);

  if (file == NULL)
    {
      if (error != NULL)
        gtk_label_set_text (self->about_label, error->message);
      return;
    }
  xgb_check_window_export_async (self, file, NULL, exported_cb, file);
}

static void
export_cb (XgbCheckWindow *self)
{
  g_autofree char *name = g_strdup_printf ("controller-check-%s.md", xgb_pubsub_service_get_jid (self->service));

  xgb_file_chooser_save_async (GTK_WINDOW (self), _("Export Controller Check"), name, NULL, chosen_cb,
                               g_object_ref (self));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  export_cb (XGB_CHECK_WINDOW (widget));
}

/* --- the window ----------------------------------------------------- */

static void
xgb_check_window_dispose (GObject *object)
{
  XgbCheckWindow *self = XGB_CHECK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->scan_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_CHECK_WINDOW);

  G_OBJECT_CLASS (xgb_check_window_parent_class)->dispose (object);
}

static void
xgb_check_window_finalize (GObject *object)
{
  XgbCheckWindow *self = XGB_CHECK_WINDOW (object);

  g_clear_object (&self->tree);
  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->scan_cancellable);
  g_free (self->account);
  g_free (self->tls_version);
  g_free (self->cipher);
  g_free (self->mechanism);
  g_strfreev (self->mechanisms);
  g_free (self->default_access_model);
  g_strfreev (self->open_nodes);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (xgb_check_window_parent_class)->finalize (object);
}

static void
xgb_check_window_class_init (XgbCheckWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_check_window_dispose;
  object_class->finalize = xgb_check_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-check-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, about_label);
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, scan_button);
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, scan_progress);
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, scan_label);
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, security_list);
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, protocol_list);
  gtk_widget_class_bind_template_child (widget_class, XgbCheckWindow, export_button);
  gtk_widget_class_bind_template_callback (widget_class, scan_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_cb);

  gtk_widget_class_install_action (widget_class, "check.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "check.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_check_window_init (XgbCheckWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * xgb_check_window_new:
 * @tls_version: (nullable): what the login saw, when known
 * @mechanisms: (nullable): the SASL mechanisms the server offered
 */
XgbCheckWindow *
xgb_check_window_new (GtkWindow          *parent,
                      XgbNodeTree        *tree,
                      const char         *tls_version,
                      const char         *cipher,
                      const char         *mechanism,
                      const char * const *mechanisms)
{
  XgbCheckWindow *self;
  XgbConnection *connection;
  g_autofree char *about = NULL;

  g_return_val_if_fail (XGB_IS_NODE_TREE (tree), NULL);

  self = g_object_new (XGB_TYPE_CHECK_WINDOW, "transient-for", parent, NULL);
  self->tree = g_object_ref (tree);
  self->service = g_object_ref (xgb_node_tree_get_service (tree));
  connection = xgb_pubsub_service_get_connection (self->service);
  self->account = g_strdup (xgb_connection_get_jid (connection));
  self->tls_version = g_strdup (tls_version);
  self->cipher = g_strdup (cipher);
  self->mechanism = g_strdup (mechanism);
  self->mechanisms = g_strdupv ((GStrv) mechanisms);

  about = g_strdup_printf (_("The Broker %s as %s sees it: its features and the draft’s security "
                             "recommendations."), xgb_pubsub_service_get_jid (self->service), self->account);
  gtk_label_set_text (self->about_label, about);
  gtk_label_set_text (self->scan_label, _("Topics open to anyone show after a scan."));
  refresh (self);

  if (xgb_pubsub_service_has (self->service, XGB_PUBSUB_CAP_RETRIEVE_DEFAULT) ||
      xgb_pubsub_service_has (self->service, XGB_PUBSUB_CAP_CONFIG_NODE))
    xgb_pubsub_service_get_default_config_async (self->service, self->cancellable, default_config_cb,
                                                 g_object_ref (self));
  return self;
}

/* (element-type XgbCheckRow) */
GPtrArray *
xgb_check_window_get_rows (XgbCheckWindow *self)
{
  g_return_val_if_fail (XGB_IS_CHECK_WINDOW (self), NULL);
  return self->rows;
}

gboolean
xgb_check_window_get_busy (XgbCheckWindow *self)
{
  g_return_val_if_fail (XGB_IS_CHECK_WINDOW (self), FALSE);
  return self->scan_cancellable != NULL;
}
