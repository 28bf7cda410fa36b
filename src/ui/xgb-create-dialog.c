/* xgb-create-dialog.c - a new topic or collection
 *
 * Name, kind, access model (the draft allows whitelist or authorize;
 * open only when chosen), title, and the initial Providers (publisher
 * affiliation) and Consumers (subscribed at once).  Everything is
 * checked before the dialog closes.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-create-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xgb-create-dialog.h"
#include "xgb-form-view.h"
#include "xgb-input.h"
#include "xgb-xml.h"
#include "xgb-jid.h"

static const char * const access_models[] = { "whitelist", "authorize", "open", NULL };

struct _XgbCreateDialog
{
  GtkWindow       parent_instance;

  GtkEntry       *name_entry;
  GtkLabel       *name_error;
  GtkCheckButton *collection_check;
  GtkDropDown    *access_drop_down;
  GtkEntry       *title_entry;
  GtkLabel       *title_error;
  GtkEntry       *publishers_entry;
  GtkEntry       *consumers_entry;
  GtkLabel       *publishers_error;
  GtkLabel       *consumers_error;
  GtkLabel       *send_error;
  GtkWidget      *parents_box;
  GtkEntry       *parents_entry;
  GtkExpander    *advanced_expander;
  XgbFormView    *advanced_view;
  GtkLabel       *advanced_status;
  GtkWidget      *simple_config;

  XgbPubsubService *service;
  GCancellable   *cancellable;
  gboolean        advanced_loaded;
  GTask          *task;
};

G_DEFINE_FINAL_TYPE (XgbCreateDialog, xgb_create_dialog, GTK_TYPE_WINDOW)

void
xgb_create_request_free (XgbCreateRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->name);
  g_free (request->access_model);
  g_free (request->title);
  g_strfreev (request->publishers);
  g_strfreev (request->consumers);
  g_strfreev (request->parents);
  g_free (request->config);
  g_free (request);
}

static void
show_error (GtkLabel   *label,
            GtkWidget  *field,
            const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (field, "error");
  else
    gtk_widget_remove_css_class (field, "error");
}

/* Splits "a@x, b@y c@z" into bare JIDs; NULL with @message on error. */
static GStrv
parse_jids (const char  *text,
            char       **message)
{
  g_auto(GStrv) parts = g_regex_split_simple ("[\\s,;]+", text, 0, 0);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XgbJid) jid = NULL;
      g_autofree char *bare = NULL;

      if (*parts[i] == '\0')
        continue;
      jid = xgb_jid_parse (parts[i], &error);
      if (jid == NULL)
        {
          g_autofree char *quoted = xgb_input_quote (parts[i]);

          *message = g_strdup_printf (_("“%s”: %s"), quoted, error->message);
          return NULL;
        }
      /* Providers and Consumers are accounts; a bare word is a typo. */
      if (xgb_jid_get_local (jid) == NULL)
        {
          g_autofree char *quoted = xgb_input_quote (parts[i]);

          *message = g_strdup_printf (_("“%s” is not an account address like sensor@example.org."), quoted);
          return NULL;
        }
      bare = xgb_jid_to_bare (jid);
      g_strv_builder_add (builder, bare);
    }

  return g_strv_builder_end (builder);
}

static XgbCreateRequest *
validate (XgbCreateDialog *self)
{
  g_autoptr(XgbCreateRequest) request = g_new0 (XgbCreateRequest, 1);
  g_autofree char *jid_message = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_entry));
  g_autoptr(GError) error = NULL;

  if (!xgb_node_name_validate (name, &error))
    {
      show_error (self->name_error, GTK_WIDGET (self->name_entry), error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
      return NULL;
    }
  show_error (self->name_error, GTK_WIDGET (self->name_entry), NULL);

  /* The title goes into a form field: one line, nothing XML cannot carry */
  if (!self->advanced_loaded && !xgb_line_validate (title, &error))
    {
      show_error (self->title_error, GTK_WIDGET (self->title_entry), error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
      return NULL;
    }
  show_error (self->title_error, GTK_WIDGET (self->title_entry), NULL);

  /* each list's problem under its own field */
  request->publishers = parse_jids (gtk_editable_get_text (GTK_EDITABLE (self->publishers_entry)), &jid_message);
  show_error (self->publishers_error, GTK_WIDGET (self->publishers_entry), jid_message);
  if (request->publishers == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->publishers_entry));
      return NULL;
    }
  request->consumers = parse_jids (gtk_editable_get_text (GTK_EDITABLE (self->consumers_entry)), &jid_message);
  show_error (self->consumers_error, GTK_WIDGET (self->consumers_entry), jid_message);
  if (request->consumers == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->consumers_entry));
      return NULL;
    }

  {
    g_auto(GStrv) parts = g_regex_split_simple ("[\\s,;]+", gtk_editable_get_text (GTK_EDITABLE (self->parents_entry)), 0, 0);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

    for (guint i = 0; parts[i] != NULL; i++)
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    request->parents = g_strv_builder_end (builder);
  }

  for (guint i = 0; request->parents[i] != NULL; i++)
    if (!xgb_node_name_validate (request->parents[i], &error))
      {
        show_error (self->send_error, GTK_WIDGET (self->parents_entry), error->message);
        gtk_widget_grab_focus (GTK_WIDGET (self->parents_entry));
        return NULL;
      }
  gtk_widget_remove_css_class (GTK_WIDGET (self->parents_entry), "error");

  if (self->advanced_loaded)
    {
      /* What differs from the server's defaults, checked field by field */
      request->config = xgb_form_view_build_changes (self->advanced_view, &error);
      if (request->config == NULL)
        {
          gtk_label_set_text (self->advanced_status, error->message);
          return NULL;
        }
    }

  request->name = g_strdup (name);
  request->collection = gtk_check_button_get_active (self->collection_check);
  {
    GtkStringObject *chosen = gtk_drop_down_get_selected_item (self->access_drop_down);

    request->access_model = g_strdup (chosen ? gtk_string_object_get_string (chosen) : access_models[0]);
  }
  request->title = *title ? g_strdup (title) : NULL;

  return g_steal_pointer (&request);
}

static void
finish (XgbCreateDialog  *self,
        XgbCreateRequest *request)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_pointer (task, request, (GDestroyNotify) xgb_create_request_free);
  else
    xgb_create_request_free (request);
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * xgb_create_dialog_submit:
 *
 * What Create does: closes with the request when everything is valid.
 */
gboolean
xgb_create_dialog_submit (XgbCreateDialog *self)
{
  XgbCreateRequest *request = validate (self);

  if (request == NULL)
    return FALSE;
  /* The connection dropped while the dialog was open: nothing is sent,
   * and what the admin entered stays for when it is back. */
  if (self->service != NULL &&
      xgb_connection_get_state (xgb_pubsub_service_get_connection (self->service)) != XGB_CONNECTION_STATE_CONNECTED)
    {
      xgb_create_request_free (request);
      gtk_label_set_text (self->send_error, _("Not connected to the Broker: nothing was sent. The window is "
                                              "reconnecting; press Create again once it is back."));
      gtk_widget_set_visible (GTK_WIDGET (self->send_error), TRUE);
      return FALSE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->send_error), FALSE);
  finish (self, request);
  return TRUE;
}

static void
create_clicked_cb (XgbCreateDialog *self)
{
  xgb_create_dialog_submit (self);
}

/* A problem disappears as soon as its field is edited. */
static void
jids_changed_cb (XgbCreateDialog *self)
{
  show_error (self->publishers_error, GTK_WIDGET (self->publishers_entry), NULL);
  show_error (self->consumers_error, GTK_WIDGET (self->consumers_entry), NULL);
}

static void
name_changed_cb (XgbCreateDialog *self)
{
  show_error (self->name_error, GTK_WIDGET (self->name_entry), NULL);
}

static void
title_changed_cb (XgbCreateDialog *self)
{
  show_error (self->title_error, GTK_WIDGET (self->title_entry), NULL);
}

static void
cancel_clicked_cb (XgbCreateDialog *self)
{
  finish (self, NULL);
}

static gboolean
xgb_create_dialog_close_request (GtkWindow *window)
{
  XgbCreateDialog *self = XGB_CREATE_DIALOG (window);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_pointer (task, NULL, NULL);
  return GTK_WINDOW_CLASS (xgb_create_dialog_parent_class)->close_request (window);
}

static void
xgb_create_dialog_dispose (GObject *object)
{
  XgbCreateDialog *self = XGB_CREATE_DIALOG (object);

  if (self->task != NULL)
    g_task_return_pointer (g_steal_pointer (&self->task), NULL, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_CREATE_DIALOG);

  G_OBJECT_CLASS (xgb_create_dialog_parent_class)->dispose (object);
}

static void
default_config_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XgbCreateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbForm) form = xgb_pubsub_service_parsed_form_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  g_autoptr(XgbForm) defaults = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (form == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("The server’s default configuration cannot be read: %s"), error->message);

      gtk_label_set_text (self->advanced_status, msg);
      return;
    }

  /* The draft's default: whitelist, never open unless chosen; the
   * server's own defaults stay the baseline, so this is sent. */
  defaults = xgb_form_copy (form);
  if (g_strcmp0 (xgb_form_get_value (form, "pubsub#access_model"), "open") == 0)
    xgb_form_set_value (form, "pubsub#access_model", "whitelist", NULL);
  xgb_form_view_set_form (self->advanced_view, form);
  xgb_form_view_set_baseline (self->advanced_view, defaults);
  gtk_label_set_text (self->advanced_status,
                      _("The server’s default configuration; it replaces the access model and title above."));
  gtk_widget_set_sensitive (self->simple_config, FALSE);
  self->advanced_loaded = TRUE;
}

static void
advanced_expanded_cb (XgbCreateDialog *self)
{
  /* Read when first opened */
  if (!gtk_expander_get_expanded (self->advanced_expander) || self->service == NULL ||
      self->advanced_loaded || self->cancellable != NULL)
    return;

  self->cancellable = g_cancellable_new ();
  gtk_label_set_text (self->advanced_status, _("Reading the server’s default configuration…"));
  xgb_pubsub_service_get_default_config_async (self->service, self->cancellable, default_config_cb,
                                               g_object_ref (self));
}

/**
 * xgb_create_dialog_set_service:
 * @nests: whether parent collections can be chosen
 */
void
xgb_create_dialog_set_service (XgbCreateDialog  *self,
                               XgbPubsubService *service,
                               gboolean          nests)
{
  g_return_if_fail (XGB_IS_CREATE_DIALOG (self));

  g_set_object (&self->service, service);
  gtk_widget_set_visible (self->parents_box, nests);

  /* Only the access models the Broker offers (Prosody: no authorize) */
  if (service != NULL)
    {
      g_autoptr(GtkStringList) offered = gtk_string_list_new (NULL);
      g_autoptr(GString) missing = g_string_new (NULL);
      /* Whitelist stays: the draft needs it, and servers accept it
       * without advertising it (Prosody) */
      const XgbPubsubCaps caps[] = { 0, XGB_PUBSUB_CAP_ACCESS_AUTHORIZE, 0 };

      for (guint i = 0; access_models[i] != NULL; i++)
        {
          if (caps[i] == 0 || xgb_pubsub_service_has (service, caps[i]))
            gtk_string_list_append (offered, access_models[i]);
          else
            g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", access_models[i]);
        }
      gtk_drop_down_set_model (self->access_drop_down, G_LIST_MODEL (offered));
      gtk_drop_down_set_selected (self->access_drop_down, 0);
      if (missing->len > 0)
        {
          g_autofree char *why = g_strdup_printf (_("This Broker does not offer the access model %s."), missing->str);

          gtk_widget_set_tooltip_text (GTK_WIDGET (self->access_drop_down), why);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->advanced_expander),
                          service != NULL && xgb_pubsub_service_has (service, XGB_PUBSUB_CAP_RETRIEVE_DEFAULT));
}

void
xgb_create_dialog_show_advanced (XgbCreateDialog *self)
{
  g_return_if_fail (XGB_IS_CREATE_DIALOG (self));
  gtk_expander_set_expanded (self->advanced_expander, TRUE);
}

static void
xgb_create_dialog_class_init (XgbCreateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_create_dialog_dispose;
  g_type_ensure (XGB_TYPE_FORM_VIEW);
  window_class->close_request = xgb_create_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-create-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, collection_check);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, access_drop_down);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, title_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, title_error);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, publishers_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, consumers_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, publishers_error);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, consumers_error);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, send_error);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, parents_box);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, parents_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, advanced_expander);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, advanced_view);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, advanced_status);
  gtk_widget_class_bind_template_child (widget_class, XgbCreateDialog, simple_config);
  gtk_widget_class_bind_template_callback (widget_class, advanced_expanded_cb);
  gtk_widget_class_bind_template_callback (widget_class, jids_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, title_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_create_dialog_init (XgbCreateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drop_down_set_model (self->access_drop_down,
                           G_LIST_MODEL (gtk_string_list_new ((const char * const *) access_models)));
  g_object_unref (gtk_drop_down_get_model (self->access_drop_down));
  gtk_drop_down_set_selected (self->access_drop_down, 0);
}

/**
 * xgb_create_dialog_new:
 * @prefix: (nullable): the start of the name, e.g. the selected folder's
 *   path and "/"
 */
XgbCreateDialog *
xgb_create_dialog_new (GtkWindow  *parent,
                       const char *prefix)
{
  XgbCreateDialog *self = g_object_new (XGB_TYPE_CREATE_DIALOG,
                                        "transient-for", parent,
                                        "modal", TRUE,
                                        NULL);

  if (prefix != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), prefix);
  return self;
}

void
xgb_create_dialog_run_async (XgbCreateDialog     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (XGB_IS_CREATE_DIALOG (self));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, xgb_create_dialog_run_async);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  gtk_editable_set_position (GTK_EDITABLE (self->name_entry), -1);
}

XgbCreateRequest *
xgb_create_dialog_run_finish (XgbCreateDialog  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
