/* xgb-login-view.c - the form that logs an administrator in
 *
 * The view checks what it can before anything goes on the network and
 * puts each problem under the field it belongs to.  It emits
 * ::connect-requested with a copy of what was typed; the window does the
 * connecting.
 *
 * Two ways to log in: a password (SCRAM), or a client certificate (SASL
 * EXTERNAL) chosen in the certificate picker, with its passphrase asked
 * here and no password at all.  In certificate mode Connect first runs
 * the app's own checks on the certificate (xgb-cert.c) on a worker
 * thread; their errors show under the certificate, passphrase or JID,
 * and an empty JID is filled from the certificate's XMPP address.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-login-view"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "xgb-cert-picker.h"
#include "xgb-cert.h"
#include "xgb-jid.h"
#include "xgb-keystore.h"
#include "xgb-login-view.h"

struct _XgbLoginView
{
  GtkWidget         parent_instance;

  GtkToggleButton  *password_mode;
  GtkToggleButton  *cert_mode;
  GtkStack         *auth_stack;
  GtkEntry         *jid_entry;
  GtkLabel         *jid_error;
  GtkPasswordEntry *password_entry;
  GtkLabel         *password_error;
  GtkButton        *cert_button;
  GtkLabel         *cert_title;
  GtkLabel         *cert_subtitle;
  GtkLabel         *cert_details;
  GtkLabel         *cert_error;
  GtkPasswordEntry *passphrase_entry;
  GtkLabel         *passphrase_error;
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

  /* certificate mode */
  char             *cert_file;
  char             *key_file;
  XgbKeystore      *keystore;
  GCancellable     *cert_cancellable;   /* describing, checking, the picker */

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

  gboolean cert_mode = gtk_toggle_button_get_active (self->cert_mode);

  jid = jid_text != NULL || !cert_mode ? xgb_jid_parse (jid_text, &error) : NULL;
  if (jid_text == NULL && cert_mode)
    /* taken from the certificate */
    set_field_error (GTK_WIDGET (self->jid_entry), self->jid_error, NULL);
  else if (jid == NULL)
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

  set_field_error (GTK_WIDGET (self->passphrase_entry), self->passphrase_error, NULL);
  if (cert_mode)
    {
      set_field_error (GTK_WIDGET (self->password_entry), self->password_error, NULL);
      set_field_error (GTK_WIDGET (self->cert_button), self->cert_error,
                       self->cert_file == NULL ? _("Choose the certificate to log in with.") : NULL);
      if (self->cert_file == NULL && first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->cert_button);
    }
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->password_entry)) == '\0')
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
      /* (a collapsed expander holds its child outside the widget tree) */
      if (first_invalid == GTK_WIDGET (self->port_entry) || first_invalid == GTK_WIDGET (self->ca_file_entry) ||
          first_invalid == GTK_WIDGET (self->broker_entry))
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
  /* A certificate check under way ends here; nothing was sent yet. */
  g_cancellable_cancel (self->cert_cancellable);
  g_clear_object (&self->cert_cancellable);
  g_signal_emit (self, signals[CANCEL_REQUESTED], 0);
}

/* --- certificate mode ------------------------------------------------------ */

static void
mode_toggled_cb (XgbLoginView *self)
{
  gboolean cert_mode = gtk_toggle_button_get_active (self->cert_mode);

  gtk_stack_set_visible_child_name (self->auth_stack, cert_mode ? "certificate" : "password");
  gtk_entry_set_placeholder_text (self->jid_entry, cert_mode ? _("From the certificate")
                                                             : _("admin@example.org"));
  /* errors of the other mode do not apply any more */
  set_field_error (GTK_WIDGET (self->jid_entry), self->jid_error, NULL);
  if (cert_mode)
    set_field_error (GTK_WIDGET (self->password_entry), self->password_error, NULL);
  else
    {
      set_field_error (GTK_WIDGET (self->cert_button), self->cert_error, NULL);
      set_field_error (GTK_WIDGET (self->passphrase_entry), self->passphrase_error, NULL);
    }
}

static GCancellable *
cert_cancellable (XgbLoginView *self)
{
  if (self->cert_cancellable == NULL)
    self->cert_cancellable = g_cancellable_new ();
  return self->cert_cancellable;
}

/* The picker's keystore: lists the certificate given on the command line
 * too, and checks CRLs against the CAs of the CA file field. */
static XgbKeystore *
get_keystore (XgbLoginView *self)
{
  g_autofree char *ca_file = entry_text (self->ca_file_entry);

  if (self->keystore == NULL)
    self->keystore = xgb_keystore_new ();
  xgb_keystore_set_ca_file (self->keystore, ca_file);
  if (self->cert_file != NULL)
    xgb_keystore_add_file (self->keystore, self->cert_file, self->key_file);
  return self->keystore;
}

/* Shows what the certificate is under its button; validity and
 * revocation problems show at once, before anything is sent. */
static void
show_cert (XgbLoginView  *self,
           XgbClientCert *cert)
{
  const char * const *addrs = xgb_client_cert_get_xmpp_addrs (cert);
  g_autofree char *cn = xgb_client_cert_get_common_name (cert);
  g_autofree char *until = xgb_cert_format_time (xgb_client_cert_get_not_after (cert));
  g_autofree char *details = NULL;
  g_autofree char *problem = NULL;

  gtk_label_set_text (self->cert_title, addrs[0] ? addrs[0] : cn ? cn : gtk_label_get_text (self->cert_title));
  details = g_strdup_printf (_("Issued by %s · valid until %s · revocation: %s"),
                             xgb_client_cert_get_issuer (cert), until,
                             xgb_revocation_to_string (xgb_client_cert_get_revocation (cert)));
  gtk_label_set_text (self->cert_details, details);
  gtk_widget_set_visible (GTK_WIDGET (self->cert_details), TRUE);

  if (xgb_client_cert_is_expired (cert))
    problem = g_strdup_printf (_("The certificate expired on %s."), until);
  else if (xgb_client_cert_is_not_yet_valid (cert))
    {
      g_autofree char *from = xgb_cert_format_time (xgb_client_cert_get_not_before (cert));

      problem = g_strdup_printf (_("The certificate is not valid before %s."), from);
    }
  else if (xgb_client_cert_get_revocation (cert) == XGB_REVOCATION_REVOKED)
    problem = g_strdup_printf (_("The certificate was revoked. %s"), xgb_client_cert_get_revocation_detail (cert));
  else if (addrs[0] == NULL)
    problem = g_strdup (_("The certificate names no XMPP address (id-on-xmppAddr), so it cannot show whose it is."));
  set_field_error (GTK_WIDGET (self->cert_button), self->cert_error, problem);

  /* The JID comes from the certificate when none was typed. */
  if (addrs[0] != NULL && addrs[1] == NULL &&
      *gtk_editable_get_text (GTK_EDITABLE (self->jid_entry)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->jid_entry), addrs[0]);
}

typedef struct
{
  char *cert_file;
  char *key_file;
  char *ca_file;
  char *passphrase;
} Describe;

static void
describe_free (Describe *d)
{
  g_free (d->cert_file);
  g_free (d->key_file);
  g_free (d->ca_file);
  xgb_secret_free (d->passphrase);
  g_free (d);
}

/* With a passphrase at hand, a locked PKCS#12 file can be described too. */
static void
describe_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Describe *d = task_data;
  g_auto(GStrv) crls = xgb_keystore_list_crl_files (NULL);
  XgbClientCert *cert = NULL;
  GError *error = NULL;

  if (d->passphrase != NULL)
    cert = xgb_client_cert_load (d->cert_file, d->key_file, d->passphrase, NULL);
  if (cert == NULL)
    cert = xgb_client_cert_load_public (d->cert_file, &error);
  if (cert == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  xgb_client_cert_check_revocation (cert, (const char * const *) crls, d->ca_file);
  g_task_return_pointer (task, cert, g_object_unref);
}

static void
described_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  XgbLoginView *self = XGB_LOGIN_VIEW (object);
  g_autoptr(XgbClientCert) cert = NULL;
  g_autoptr(GError) error = NULL;

  Describe *d = g_task_get_task_data (G_TASK (result));

  cert = g_task_propagate_pointer (G_TASK (result), &error);
  /* cancelled, or another certificate was chosen meanwhile */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_strcmp0 (d->cert_file, self->cert_file) != 0)
    return;
  if (cert != NULL)
    show_cert (self, cert);
  else if (g_error_matches (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE))
    {
      gtk_label_set_text (self->cert_details, _("Protected by a passphrase: the certificate is checked when you connect."));
      gtk_widget_set_visible (GTK_WIDGET (self->cert_details), TRUE);
    }
  else
    set_field_error (GTK_WIDGET (self->cert_button), self->cert_error, error->message);
}

static void
set_certificate (XgbLoginView  *self,
                 const char    *cert_file,
                 const char    *key_file,
                 XgbClientCert *known)
{
  g_free (self->cert_file);
  self->cert_file = g_strdup (cert_file);
  g_free (self->key_file);
  self->key_file = g_strdup (key_file);

  set_field_error (GTK_WIDGET (self->cert_button), self->cert_error, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->cert_details), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cert_subtitle), cert_file != NULL);
  if (cert_file == NULL)
    {
      gtk_label_set_text (self->cert_title, _("Choose a Certificate…"));
      return;
    }

  {
    g_autofree char *base = g_path_get_basename (cert_file);
    g_autoptr(GTask) task = NULL;
    const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry));
    Describe *d;

    gtk_label_set_text (self->cert_title, base);
    gtk_label_set_text (self->cert_subtitle, cert_file);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->cert_subtitle), cert_file);
    gtk_toggle_button_set_active (self->cert_mode, TRUE);
    if (known != NULL)
      {
        show_cert (self, known);
        return;
      }

    d = g_new0 (Describe, 1);
    d->cert_file = g_strdup (cert_file);
    d->key_file = g_strdup (key_file);
    d->ca_file = entry_text (self->ca_file_entry);
    d->passphrase = *passphrase ? g_strdup (passphrase) : NULL;
    task = g_task_new (self, cert_cancellable (self), described_cb, NULL);
    g_task_set_source_tag (task, set_certificate);
    g_task_set_task_data (task, d, (GDestroyNotify) describe_free);
    g_task_run_in_thread (task, describe_thread);
  }
}

/**
 * xgb_login_view_set_certificate:
 * @cert_file: (nullable): a PEM certificate or a PKCS#12 file
 * @key_file: (nullable): its PEM key, if not in or next to @cert_file
 *
 * Shows the certificate to log in with (and switches to certificate
 * mode when one is given).  It is described on a worker thread, with
 * the passphrase typed so far if it is locked.
 */
void
xgb_login_view_set_certificate (XgbLoginView *self,
                                const char   *cert_file,
                                const char   *key_file)
{
  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));

  set_certificate (self, cert_file, key_file, NULL);
}

static void
picked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(XgbLoginView) self = user_data;
  g_autoptr(XgbKeystoreEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  char *passphrase = NULL;
  XgbClientCert *cert;

  entry = xgb_cert_picker_run_finish (XGB_CERT_PICKER (object), result, &passphrase, &error);
  if (entry == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->cert_button));
      return;
    }

  /* A passphrase from before belongs to another file. */
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_entry), passphrase ? passphrase : "");
  xgb_secret_free (passphrase);
  cert = xgb_keystore_entry_get_cert (entry);
  set_certificate (self, xgb_keystore_entry_get_cert_file (entry), xgb_keystore_entry_get_key_file (entry), cert);

  if (xgb_keystore_entry_get_locked (entry) &&
      *gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->connect_button));
}

/**
 * xgb_login_view_choose_certificate:
 *
 * Opens the certificate picker, as the certificate button does.
 */
void
xgb_login_view_choose_certificate (XgbLoginView *self)
{
  GtkRoot *root;
  XgbCertPicker *picker;

  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  picker = xgb_cert_picker_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, get_keystore (self));
  xgb_cert_picker_run_async (picker, cert_cancellable (self), picked_cb, g_object_ref (self));
}

static void
cert_clicked_cb (XgbLoginView *self)
{
  xgb_login_view_choose_certificate (self);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const XgbLoginParams *params = task_data;
  g_autoptr(XgbClientCert) cert = NULL;
  char *jid = NULL;
  GError *error = NULL;

  cert = xgb_client_cert_preflight (params, NULL, &jid, &error);
  if (cert == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, jid, g_free);
}

/* Where a failed check shows: the passphrase, the JID or the certificate */
static void
show_check_error (XgbLoginView *self,
                  const GError *error)
{
  if (g_error_matches (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NEEDS_PASSPHRASE) ||
      g_error_matches (error, XGB_CERT_ERROR, XGB_CERT_ERROR_WRONG_PASSPHRASE))
    {
      set_field_error (GTK_WIDGET (self->passphrase_entry), self->passphrase_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
    }
  else if (g_error_matches (error, XGB_CERT_ERROR, XGB_CERT_ERROR_JID_MISMATCH))
    {
      set_field_error (GTK_WIDGET (self->jid_entry), self->jid_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->jid_entry));
    }
  else
    {
      set_field_error (GTK_WIDGET (self->cert_button), self->cert_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->cert_button));
    }
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  XgbLoginView *self = XGB_LOGIN_VIEW (object);
  g_autoptr(XgbLoginParams) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  xgb_login_view_set_busy (self, FALSE, NULL);
  if (jid == NULL)
    {
      show_check_error (self, error);
      return;
    }

  if (*gtk_editable_get_text (GTK_EDITABLE (self->jid_entry)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->jid_entry), jid);
  params = xgb_login_view_get_params (self);
  g_signal_emit (self, signals[CONNECT_REQUESTED], 0, params);
}

static void
start_check (XgbLoginView   *self,
             XgbLoginParams *params)
{
  g_autoptr(GTask) task = g_task_new (self, cert_cancellable (self), checked_cb, NULL);

  xgb_login_view_set_busy (self, TRUE, _("Checking the certificate…"));
  g_task_set_source_tag (task, start_check);
  g_task_set_task_data (task, params, (GDestroyNotify) xgb_login_params_free);
  g_task_run_in_thread (task, check_thread);
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
    {
      gtk_window_set_default_widget (GTK_WINDOW (root), GTK_WIDGET (self->connect_button));
      /* The JID first, not the Password/Certificate switch above it. */
      gtk_window_set_focus (GTK_WINDOW (root), GTK_WIDGET (self->jid_entry));
    }
}

static void
xgb_login_view_dispose (GObject *object)
{
  XgbLoginView *self = XGB_LOGIN_VIEW (object);

  g_cancellable_cancel (self->cert_cancellable);
  g_clear_object (&self->cert_cancellable);
  g_clear_object (&self->keystore);

  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_LOGIN_VIEW);
  /* Template children that are not bound to a field stay otherwise. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (xgb_login_view_parent_class)->dispose (object);
}

static void
xgb_login_view_finalize (GObject *object)
{
  XgbLoginView *self = XGB_LOGIN_VIEW (object);

  g_free (self->cert_file);
  g_free (self->key_file);

  G_OBJECT_CLASS (xgb_login_view_parent_class)->finalize (object);
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
  object_class->finalize = xgb_login_view_finalize;
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
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, password_mode);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cert_mode);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, auth_stack);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, jid_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, jid_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, password_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, password_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cert_button);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cert_title);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cert_subtitle);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cert_details);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cert_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, passphrase_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, passphrase_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, server_expander);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, host_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, port_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, port_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, ca_file_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, ca_file_error);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, broker_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, broker_error);
  /* The mechanism policy's checkbox; the window reads and sets it */
  gtk_widget_class_bind_template_child_full (widget_class, "allow_weak_check", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, connect_button);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, spinner);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, status_label);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, form);
  gtk_widget_class_bind_template_callback (widget_class, connect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, cert_clicked_cb);

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

  gtk_toggle_button_set_active (params->cert_file != NULL ? self->cert_mode : self->password_mode, TRUE);
  set_entry (GTK_EDITABLE (self->passphrase_entry), params->passphrase);
  if (params->cert_file != NULL)
    xgb_login_view_set_certificate (self, params->cert_file, params->key_file);

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

  /* Certificate mode: the certificate and its passphrase, never a
   * password (nothing may fall back to SCRAM silently). */
  if (gtk_toggle_button_get_active (self->cert_mode))
    {
      const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry));

      params->cert_file = g_strdup (self->cert_file);
      params->key_file = g_strdup (self->key_file);
      if (*passphrase != '\0')
        xgb_login_params_set_passphrase (params, passphrase);
      return params;
    }

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  if (password != NULL && *password != '\0')
    xgb_login_params_set_password (params, password);

  return params;
}

/**
 * xgb_login_view_submit:
 *
 * Validates the form like the Connect button does and emits
 * ::connect-requested when everything is in order.  In certificate mode
 * the certificate is checked first on a worker thread; the signal
 * follows when it passes, else its errors show in the form.
 *
 * Returns: %TRUE when the request was emitted, or the certificate check
 *   started
 */
gboolean
xgb_login_view_submit (XgbLoginView *self)
{
  g_autoptr(XgbLoginParams) params = NULL;

  g_return_val_if_fail (XGB_IS_LOGIN_VIEW (self), FALSE);

  if (self->busy || !validate (self))
    return FALSE;

  params = xgb_login_view_get_params (self);
  if (params->cert_file != NULL)
    {
      /* The app's checks first; ::connect-requested follows if they pass. */
      start_check (self, g_steal_pointer (&params));
      return TRUE;
    }
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

gboolean
xgb_login_view_get_cert_mode (XgbLoginView *self)
{
  g_return_val_if_fail (XGB_IS_LOGIN_VIEW (self), FALSE);

  return gtk_toggle_button_get_active (self->cert_mode);
}

void
xgb_login_view_set_cert_mode (XgbLoginView *self,
                              gboolean      cert_mode)
{
  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));

  gtk_toggle_button_set_active (cert_mode ? self->cert_mode : self->password_mode, TRUE);
}
