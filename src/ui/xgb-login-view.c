/* xgb-login-view.c - the form that logs an administrator in
 *
 * The view checks what it can before anything goes on the network and
 * puts each problem under the field it belongs to.  It emits
 * ::connect-requested with a copy of what was typed; the window does the
 * connecting.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-login-view"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "xgb-jid.h"
#include "xgb-login-view.h"

struct _XgbLoginView
{
  GtkWidget         parent_instance;

  GtkEntry         *jid_entry;
  GtkLabel         *jid_error;
  GtkPasswordEntry *password_entry;
  GtkLabel         *password_error;
  GtkExpander      *server_expander;
  GtkEntry         *host_entry;
  GtkEntry         *port_entry;
  GtkLabel         *port_error;
  GtkEntry         *ca_file_entry;
  GtkLabel         *ca_file_error;
  GtkEntry         *broker_entry;
  GtkLabel         *broker_error;
  GtkButton        *connect_button;
  GtkButton        *cancel_button;
  GtkSpinner       *spinner;
  GtkLabel         *status_label;
  GtkWidget        *form;

  guint             busy : 1;
};

G_DEFINE_FINAL_TYPE (XgbLoginView, xgb_login_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  CONNECT_REQUESTED,
  CANCEL_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_field_error (GtkWidget  *entry,
                 GtkLabel   *error_label,
                 const char *message)
{
  if (message != NULL)
    {
      gtk_widget_add_css_class (entry, "error");
      gtk_label_set_text (error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (error_label), TRUE);
    }
  else
    {
      gtk_widget_remove_css_class (entry, "error");
      gtk_label_set_text (error_label, "");
      gtk_widget_set_visible (GTK_WIDGET (error_label), FALSE);
    }
}

static char *
entry_text (GtkEntry *entry)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  g_strstrip (text);
  if (*text == '\0')
    return NULL;
  return g_steal_pointer (&text);
}

/* Returns the port or 0 when empty; sets @message when invalid. */
static guint
parse_port (const char  *text,
            const char **message)
{
  guint64 port = 0;

  *message = NULL;
  if (text == NULL)
    return 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &port, NULL))
    {
      *message = _("A port is a number from 1 to 65535.");
      return 0;
    }

  return (guint) port;
}

static gboolean
validate (XgbLoginView *self)
{
  g_autofree char *jid_text = entry_text (self->jid_entry);
  g_autofree char *port_text = entry_text (self->port_entry);
  g_autofree char *ca_file = entry_text (self->ca_file_entry);
  g_autofree char *broker_text = entry_text (self->broker_entry);
  g_autoptr(XgbJid) jid = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *first_invalid = NULL;
  const char *port_message = NULL;

  jid = xgb_jid_parse (jid_text, &error);
  if (jid == NULL)
    {
      set_field_error (GTK_WIDGET (self->jid_entry), self->jid_error,
                       jid_text == NULL ? _("Enter your address, for example admin@example.org.")
                                        : error->message);
      first_invalid = GTK_WIDGET (self->jid_entry);
    }
  else if (xgb_jid_get_local (jid) == NULL)
    {
      set_field_error (GTK_WIDGET (self->jid_entry), self->jid_error,
                       _("An account address has the form name@server."));
      first_invalid = GTK_WIDGET (self->jid_entry);
    }
  else
    set_field_error (GTK_WIDGET (self->jid_entry), self->jid_error, NULL);
  g_clear_error (&error);

  if (*gtk_editable_get_text (GTK_EDITABLE (self->password_entry)) == '\0')
    {
      set_field_error (GTK_WIDGET (self->password_entry), self->password_error,
                       _("Enter the password of this account."));
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->password_entry);
    }
  else
    set_field_error (GTK_WIDGET (self->password_entry), self->password_error, NULL);

  parse_port (port_text, &port_message);
  set_field_error (GTK_WIDGET (self->port_entry), self->port_error, port_message);
  if (port_message != NULL && first_invalid == NULL)
    first_invalid = GTK_WIDGET (self->port_entry);

  if (ca_file != NULL && g_access (ca_file, R_OK) != 0)
    {
      g_autofree char *msg = g_strdup_printf (_("Cannot read “%s”."), ca_file);

      set_field_error (GTK_WIDGET (self->ca_file_entry), self->ca_file_error, msg);
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->ca_file_entry);
    }
  else
    set_field_error (GTK_WIDGET (self->ca_file_entry), self->ca_file_error, NULL);

  if (broker_text != NULL)
    {
      g_autoptr(XgbJid) broker = xgb_jid_parse (broker_text, &error);

      set_field_error (GTK_WIDGET (self->broker_entry), self->broker_error,
                       broker == NULL ? error->message : NULL);
      if (broker == NULL && first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->broker_entry);
    }
  else
    set_field_error (GTK_WIDGET (self->broker_entry), self->broker_error, NULL);

  if (first_invalid != NULL)
    {
      if (first_invalid != GTK_WIDGET (self->jid_entry))
        gtk_expander_set_expanded (self->server_expander, TRUE);
      gtk_widget_grab_focus (first_invalid);
      return FALSE;
    }

  return TRUE;
}

static void
connect_clicked_cb (XgbLoginView *self)
{
  xgb_login_view_submit (self);
}

static void
cancel_clicked_cb (XgbLoginView *self)
{
  g_signal_emit (self, signals[CANCEL_REQUESTED], 0);
}

/* Enter in any field presses Connect. */
static void
xgb_login_view_root (GtkWidget *widget)
{
  XgbLoginView *self = XGB_LOGIN_VIEW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (xgb_login_view_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root), GTK_WIDGET (self->connect_button));
}

static void
xgb_login_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_LOGIN_VIEW);
  /* Template children that are not bound to a field stay otherwise. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (xgb_login_view_parent_class)->dispose (object);
}

static void
xgb_login_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  XgbLoginView *self = XGB_LOGIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xgb_login_view_class_init (XgbLoginViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_login_view_dispose;
  object_class->get_property = xgb_login_view_get_property;
  widget_class->root = xgb_login_view_root;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XgbLoginView::connect-requested:
   * @params: (transfer none): what the admin typed, already validated
   */
  signals[CONNECT_REQUESTED] =
    g_signal_new ("connect-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XGB_TYPE_LOGIN_PARAMS | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * XgbLoginView::cancel-requested:
   *
   * The admin pressed Cancel while a login was under way.
   */
  signals[CANCEL_REQUESTED] =
    g_signal_new ("cancel-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-login-view.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, jid_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, jid_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, password_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, password_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, server_expander);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, host_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, port_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, port_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, ca_file_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, ca_file_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, broker_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, broker_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, connect_button);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, spinner);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, status_label);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, form);
  gtk_widget_class_bind_template_callback (widget_class, connect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xgbloginview");
}

static void
xgb_login_view_init (XgbLoginView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
xgb_login_view_new (void)
{
  return g_object_new (XGB_TYPE_LOGIN_VIEW, NULL);
}

static void
set_entry (GtkEditable *editable,
           const char  *text)
{
  gtk_editable_set_text (editable, text != NULL ? text : "");
}

/**
 * xgb_login_view_set_params:
 *
 * Fills the form, e.g. from the command line.  The server options are
 * shown expanded when any of them is set, so nothing prefilled is hidden.
 */
void
xgb_login_view_set_params (XgbLoginView         *self,
                           const XgbLoginParams *params)
{
  g_autofree char *port = NULL;

  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));
  g_return_if_fail (params != NULL);

  if (params->port != 0)
    port = g_strdup_printf ("%u", params->port);

  set_entry (GTK_EDITABLE (self->jid_entry), params->jid);
  set_entry (GTK_EDITABLE (self->password_entry), params->password);
  set_entry (GTK_EDITABLE (self->host_entry), params->host);
  set_entry (GTK_EDITABLE (self->port_entry), port);
  set_entry (GTK_EDITABLE (self->ca_file_entry), params->ca_file);
  set_entry (GTK_EDITABLE (self->broker_entry), params->broker);

  if (params->host != NULL || params->port != 0 ||
      params->ca_file != NULL || params->broker != NULL)
    gtk_expander_set_expanded (self->server_expander, TRUE);
}

/**
 * xgb_login_view_get_params:
 *
 * Returns: (transfer full): what the form holds now, unvalidated
 */
XgbLoginParams *
xgb_login_view_get_params (XgbLoginView *self)
{
  XgbLoginParams *params;
  g_autofree char *port_text = NULL;
  const char *password;
  const char *message = NULL;

  g_return_val_if_fail (XGB_IS_LOGIN_VIEW (self), NULL);

  params = xgb_login_params_new ();
  params->jid = entry_text (self->jid_entry);
  params->host = entry_text (self->host_entry);
  port_text = entry_text (self->port_entry);
  params->port = parse_port (port_text, &message);
  params->ca_file = entry_text (self->ca_file_entry);
  params->broker = entry_text (self->broker_entry);

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  if (password != NULL && *password != '\0')
    xgb_login_params_set_password (params, password);

  return params;
}

/**
 * xgb_login_view_submit:
 *
 * Validates the form like the Connect button does and emits
 * ::connect-requested when everything is in order.
 *
 * Returns: %TRUE when the request was emitted
 */
gboolean
xgb_login_view_submit (XgbLoginView *self)
{
  g_autoptr(XgbLoginParams) params = NULL;

  g_return_val_if_fail (XGB_IS_LOGIN_VIEW (self), FALSE);

  if (self->busy || !validate (self))
    return FALSE;

  params = xgb_login_view_get_params (self);
  g_signal_emit (self, signals[CONNECT_REQUESTED], 0, params);

  return TRUE;
}

/**
 * xgb_login_view_set_busy:
 * @status: (nullable): what is going on, e.g. "Connecting…"
 *
 * While a login is under way the form is read-only, shows a spinner and
 * the status, and Connect becomes Cancel.
 */
void
xgb_login_view_set_busy (XgbLoginView *self,
                         gboolean      busy,
                         const char   *status)
{
  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));

  busy = !!busy;
  gtk_label_set_text (self->status_label, busy && status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), busy && status != NULL);
  if (self->busy == busy)
    return;

  self->busy = busy;
  /* Move the focus first: a text field that turns insensitive while
   * focused never gets its focus-out and complains. */
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->connect_button), !busy);
  gtk_widget_grab_focus (busy ? GTK_WIDGET (self->cancel_button) : GTK_WIDGET (self->jid_entry));
  gtk_widget_set_sensitive (self->form, !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

gboolean
xgb_login_view_get_busy (XgbLoginView *self)
{
  g_return_val_if_fail (XGB_IS_LOGIN_VIEW (self), FALSE);

  return self->busy;
}
