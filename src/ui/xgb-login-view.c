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
 * Saved accounts (xgb-accounts.c) sit above the form: choosing one fills
 * the form, its remembered password too when it has one in the desktop's
 * secret store (xgb-secret-store.c).  The window calls
 * xgb_login_view_save_account_async() after a successful login; the
 * account is saved then if "Save this account" is ticked, with the
 * server certificates trusted during the login, and its password goes
 * to the secret store only if "Remember the password" is ticked.  Each
 * window has its own view: its choices are its own.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-login-view"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "xgb-accounts.h"
#include "xgb-cert-picker.h"
#include "xgb-cert.h"
#include "xgb-confirm-dialog.h"
#include "xgb-input.h"
#include "xgb-jid.h"
#include "xgb-keystore.h"
#include "xgb-login-view.h"
#include "xgb-widget.h"
#include "xgb-secret-store.h"

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
  GtkWidget        *accounts_box;
  GtkDropDown      *account_dropdown;
  GtkWidget        *forget_button;
  GtkLabel         *account_note;
  GtkCheckButton   *save_check;
  GtkCheckButton   *remember_check;
  GtkLabel         *remember_note;
  GtkCheckButton   *allow_weak_check;
  GtkEntry         *audit_entry;
  GtkLabel         *audit_error;

  /* saved accounts */
  XgbAccounts      *accounts;           /* NULL without the schemas */
  XgbAccount       *account;            /* chosen, or NULL: a new one */
  GCancellable     *secret_cancellable; /* a lookup, a check */
  GCancellable     *cancellable;        /* the view's life */
  guint             filling : 1;        /* the code, not the admin, sets widgets */
  guint             accounts_changing : 1;

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

static void update_remember (XgbLoginView *self);

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
  g_autofree char *host_text = entry_text (self->host_entry);
  g_autofree char *audit_text = entry_text (self->audit_entry);
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

  /* The host and the port share the line below them */
  parse_port (port_text, &port_message);
  set_field_error (GTK_WIDGET (self->host_entry), self->port_error, NULL);
  set_field_error (GTK_WIDGET (self->port_entry), self->port_error, port_message);
  if (port_message != NULL && first_invalid == NULL)
    first_invalid = GTK_WIDGET (self->port_entry);
  if (!xgb_host_validate (host_text, &error))
    {
      set_field_error (GTK_WIDGET (self->host_entry), self->port_error, error->message);
      if (first_invalid == NULL || first_invalid == GTK_WIDGET (self->port_entry))
        first_invalid = GTK_WIDGET (self->host_entry);
    }
  g_clear_error (&error);

  if (ca_file != NULL && g_access (ca_file, R_OK) != 0)
    {
      g_autofree char *quoted = xgb_input_quote (ca_file);
      g_autofree char *msg = g_strdup_printf (_("Cannot read “%s”."), quoted);

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

  g_clear_error (&error);
  if (audit_text != NULL && !xgb_node_name_validate (audit_text, &error))
    {
      set_field_error (GTK_WIDGET (self->audit_entry), self->audit_error, error->message);
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->audit_entry);
    }
  else
    set_field_error (GTK_WIDGET (self->audit_entry), self->audit_error, NULL);
  g_clear_error (&error);

  if (first_invalid != NULL)
    {
      /* (a collapsed expander holds its child outside the widget tree) */
      if (first_invalid == GTK_WIDGET (self->port_entry) || first_invalid == GTK_WIDGET (self->ca_file_entry) ||
          first_invalid == GTK_WIDGET (self->broker_entry) || first_invalid == GTK_WIDGET (self->host_entry) ||
          first_invalid == GTK_WIDGET (self->audit_entry))
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
  if (self->remember_check != NULL)
    update_remember (self);
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
    /* file names need not be UTF-8; what is shown must be */
    g_autofree char *base = g_filename_display_basename (cert_file);
    g_autofree char *shown = g_filename_display_name (cert_file);
    g_autoptr(GTask) task = NULL;
    const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry));
    Describe *d;

    gtk_label_set_text (self->cert_title, base);
    gtk_label_set_text (self->cert_subtitle, shown);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->cert_subtitle), shown);
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

/* --- saved accounts ------------------------------------------------------ */

static void fill_form (XgbLoginView *self, const XgbLoginParams *params);

static GCancellable *
renew_secret_cancellable (XgbLoginView *self)
{
  g_cancellable_cancel (self->secret_cancellable);
  g_clear_object (&self->secret_cancellable);
  self->secret_cancellable = g_cancellable_new ();
  return self->secret_cancellable;
}

static void
show_note (GtkLabel   *note,
           const char *text)
{
  gtk_label_set_text (note, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (note), text != NULL);
}

/* Sets a check button as the code, not the admin, would */
static void
set_check (XgbLoginView   *self,
           GtkCheckButton *check,
           gboolean        active)
{
  gboolean was_filling = self->filling;

  self->filling = TRUE;
  gtk_check_button_set_active (check, active);
  self->filling = was_filling;
}

/* The position of @account in the drop-down (0 is "New Account") */
static guint
account_position (XgbLoginView *self,
                  XgbAccount   *account)
{
  GListModel *model = G_LIST_MODEL (self->accounts);

  for (guint i = 0; account != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XgbAccount) item = g_list_model_get_item (model, i);

      if (item == account)
        return i + 1;
    }
  return 0;
}

/* Shows @account (or "New Account") as chosen without filling the form */
static void
select_quietly (XgbLoginView *self,
                XgbAccount   *account)
{
  gboolean was_filling = self->filling;

  g_set_object (&self->account, account);
  self->filling = TRUE;
  gtk_drop_down_set_selected (self->account_dropdown, account_position (self, account));
  self->filling = was_filling;
  gtk_widget_set_visible (self->forget_button, account != NULL);
}

static void
update_remember (XgbLoginView *self)
{
  gboolean cert_mode = gtk_toggle_button_get_active (self->cert_mode);

  gtk_check_button_set_label (self->remember_check, cert_mode ? _("Re_member the passphrase")
                                                              : _("Re_member the password"));
  if (!xgb_secret_store_is_built ())
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->remember_check), gtk_check_button_get_active (self->save_check));
}

static void
save_toggled_cb (XgbLoginView *self)
{
  if (!gtk_check_button_get_active (self->save_check))
    {
      set_check (self, self->remember_check, FALSE);
      show_note (self->remember_note, NULL);
    }
  update_remember (self);
}

static void
store_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(XgbLoginView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (xgb_secret_store_check_finish (result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Say why the box cannot stay ticked */
  set_check (self, self->remember_check, FALSE);
  show_note (self->remember_note, error->message);
}

/* Ticked: find out at once whether the secret store answers, rather
 * than after the login */
static void
remember_toggled_cb (XgbLoginView *self)
{
  if (self->filling)
    return;
  show_note (self->remember_note, NULL);
  if (!gtk_check_button_get_active (self->remember_check))
    return;
  xgb_secret_store_check_async (renew_secret_cancellable (self), store_checked_cb, g_object_ref (self));
}

typedef struct
{
  XgbLoginView *self;
  XgbAccount   *account;
} LookupOp;

static void
lookup_op_free (LookupOp *op)
{
  g_object_unref (op->self);
  g_object_unref (op->account);
  g_free (op);
}

static void
secret_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LookupOp *op = user_data;
  XgbLoginView *self = op->self;
  g_autoptr(GError) error = NULL;
  char *secret = xgb_secret_store_lookup_finish (result, &error);

  /* Another account was chosen meanwhile, or the view is gone */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->account != op->account)
    {
      xgb_secret_free (secret);
      lookup_op_free (op);
      return;
    }

  if (secret != NULL)
    {
      GtkEditable *entry = GTK_EDITABLE (xgb_account_get_auth_method (op->account) == XGB_AUTH_METHOD_CERTIFICATE
                                         ? self->passphrase_entry : self->password_entry);

      /* what the admin typed meanwhile wins */
      if (*gtk_editable_get_text (entry) == '\0')
        gtk_editable_set_text (entry, secret);
      xgb_secret_free (secret);
      if (!self->busy)
        gtk_widget_grab_focus (GTK_WIDGET (self->connect_button));
    }
  else if (error != NULL)
    show_note (self->remember_note, error->message);
  else
    show_note (self->remember_note, _("No remembered password was found in the desktop’s secret store."));
  lookup_op_free (op);
}

/* Fills the form from @account; its password only from the secret store */
static void
choose_account (XgbLoginView *self,
                XgbAccount   *account)
{
  g_autoptr(XgbLoginParams) params = xgb_account_to_params (account);
  GCancellable *cancellable = renew_secret_cancellable (self);

  g_set_object (&self->account, account);
  fill_form (self, params);
  gtk_widget_set_visible (self->forget_button, TRUE);
  show_note (self->account_note, NULL);
  show_note (self->remember_note, NULL);
  set_check (self, self->save_check, TRUE);
  set_check (self, self->remember_check, xgb_account_get_remember_secret (account) && xgb_secret_store_is_built ());
  update_remember (self);

  if (gtk_check_button_get_active (self->remember_check))
    {
      LookupOp *op = g_new0 (LookupOp, 1);

      op->self = g_object_ref (self);
      op->account = g_object_ref (account);
      xgb_secret_store_lookup_async (params->jid, params->host,
                                     params->cert_file != NULL ? XGB_SECRET_PASSPHRASE : XGB_SECRET_PASSWORD,
                                     cancellable, secret_found_cb, op);
    }
  if (params->cert_file != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

/* "New Account": an empty form */
static void
choose_new (XgbLoginView *self)
{
  g_autoptr(XgbLoginParams) empty = xgb_login_params_new ();

  renew_secret_cancellable (self);
  g_clear_object (&self->account);
  fill_form (self, empty);
  gtk_widget_set_visible (self->forget_button, FALSE);
  show_note (self->remember_note, NULL);
  set_check (self, self->save_check, FALSE);
  set_check (self, self->remember_check, FALSE);
  update_remember (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->jid_entry));
}

static void
account_selected_cb (XgbLoginView *self)
{
  gpointer item;

  if (self->filling || self->accounts_changing || self->accounts == NULL)
    return;
  item = gtk_drop_down_get_selected_item (self->account_dropdown);
  if (XGB_IS_ACCOUNT (item))
    choose_account (self, item);
  else
    choose_new (self);
}

/* Before the drop-down hears of a change to the list (made here, in
 * another window, or with gsettings): its selection moves are not the
 * admin's choice */
static void
accounts_changing_cb (XgbLoginView *self)
{
  self->accounts_changing = TRUE;
}

/* After: the chosen account stays chosen (what the admin typed stays
 * too); when it was forgotten, the form is a new account's */
static void
accounts_changed_cb (XgbLoginView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  self->accounts_changing = FALSE;
  if (self->account != NULL && account_position (self, self->account) == 0)
    {
      g_clear_object (&self->account);
      gtk_widget_set_visible (self->forget_button, FALSE);
    }
  select_quietly (self, self->account);
  gtk_widget_set_visible (self->accounts_box, n > 0);
}

static void
account_item_setup_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *server = gtk_label_new (NULL);

  /* long JIDs and hosts do not widen the form */
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 24);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (server), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (server), 20);
  gtk_widget_add_css_class (server, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), server);
  gtk_list_item_set_child (item, box);
}

static void
account_item_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkLabel *title = GTK_LABEL (gtk_widget_get_first_child (box));
  GtkLabel *server = GTK_LABEL (gtk_widget_get_last_child (box));
  gpointer object = gtk_list_item_get_item (item);

  if (XGB_IS_ACCOUNT (object))
    {
      g_autofree char *jid = xgb_account_dup_jid (object);
      g_autofree char *where = xgb_account_dup_server (object);

      gtk_label_set_text (title, jid != NULL ? jid : "");
      gtk_label_set_text (server, where != NULL ? where : "");
      gtk_widget_set_visible (GTK_WIDGET (server), where != NULL);
    }
  else
    {
      gtk_label_set_text (title, gtk_string_object_get_string (object));
      gtk_widget_set_visible (GTK_WIDGET (server), FALSE);
    }
}

/* The drop-down: "New Account", then the saved accounts */
static void
setup_accounts (XgbLoginView *self)
{
  g_autoptr(GListStore) parts = NULL;
  g_autoptr(GtkStringList) first = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;
  const char *new_account[] = { _("New Account"), NULL };
  GtkFlattenListModel *flat;
  XgbAccount *last;

  self->accounts = xgb_accounts_get_default ();
  if (self->accounts == NULL)
    return;
  g_object_ref (self->accounts);

  /* An empty Audit Topic means the app's setting */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *topic = g_settings_get_string (settings, "audit-topic");
    g_autofree char *placeholder = g_strdup_printf (_("The app’s setting: %s"), topic);

    gtk_entry_set_placeholder_text (self->audit_entry, *topic != '\0' ? placeholder : _("None"));
  }

  parts = g_list_store_new (G_TYPE_LIST_MODEL);
  first = gtk_string_list_new (new_account);
  g_list_store_append (parts, first);
  g_list_store_append (parts, self->accounts);
  /* before the flattened model hears of a change, and after */
  g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (accounts_changing_cb), self,
                           G_CONNECT_SWAPPED);
  flat = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts)));
  g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (account_item_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (account_item_bind_cb), NULL);
  self->filling = TRUE;
  gtk_drop_down_set_factory (self->account_dropdown, factory);
  gtk_drop_down_set_model (self->account_dropdown, G_LIST_MODEL (flat));
  gtk_drop_down_set_selected (self->account_dropdown, 0);
  self->filling = FALSE;
  g_object_unref (flat);
  gtk_widget_set_visible (self->accounts_box, g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) > 0);

  /* Admins come back to the same Controller: the last one is ready */
  last = xgb_accounts_get_last_used (self->accounts);
  if (last != NULL)
    {
      select_quietly (self, last);
      choose_account (self, last);
    }
}

typedef struct
{
  XgbLoginView *self;
  XgbAccount   *account;
  char         *jid;
} ForgetOp;

static void
forget_op_free (ForgetOp *op)
{
  g_object_unref (op->self);
  g_object_unref (op->account);
  g_free (op->jid);
  g_free (op);
}

static void
forgotten_secret_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ForgetOp *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!xgb_secret_store_clear_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *msg = g_strdup_printf (_("%s was forgotten, but its password could not be removed from the desktop’s secret store: %s"),
                                              op->jid, error->message);

      show_note (op->self->account_note, msg);
      gtk_widget_set_visible (op->self->accounts_box, TRUE);
    }
  forget_op_free (op);
}

static void
forget_confirmed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ForgetOp *op = user_data;
  XgbLoginView *self = op->self;
  g_autofree char *host = NULL;
  gboolean remembered;

  /* declined, the view gone, or the account forgotten elsewhere meanwhile */
  if (!xgb_confirm_dialog_run_finish (XGB_CONFIRM_DIALOG (object), result, NULL) ||
      self->accounts == NULL || account_position (self, op->account) == 0)
    {
      forget_op_free (op);
      return;
    }

  host = xgb_account_dup_host (op->account);
  remembered = xgb_account_get_remember_secret (op->account);
  if (self->account == op->account)
    choose_new (self);
  xgb_accounts_remove (self->accounts, op->account);
  if (remembered && xgb_secret_store_is_built ())
    {
      xgb_secret_store_clear_async (op->jid, host, self->cancellable, forgotten_secret_cb, op);
      return;
    }
  forget_op_free (op);
}

static void
forget_clicked_cb (XgbLoginView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  XgbConfirmDialog *dialog;
  ForgetOp *op;

  if (self->account == NULL)
    return;

  op = g_new0 (ForgetOp, 1);
  op->self = g_object_ref (self);
  op->account = g_object_ref (self->account);
  op->jid = xgb_account_dup_jid (self->account);
  heading = g_strdup_printf (_("Forget the account %s?"), op->jid);
  dialog = xgb_confirm_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   xgb_account_get_remember_secret (self->account)
                                   ? _("Its server options and trusted server certificates are removed from this computer, "
                                       "and its password from the desktop’s secret store. The account on the server stays as it is.")
                                   : _("Its server options and trusted server certificates are removed from this computer. "
                                       "The account on the server stays as it is."),
                                   _("_Forget"));
  xgb_confirm_dialog_run_async (dialog, self->cancellable, forget_confirmed_cb, op);
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
      /* The JID first, not the Password/Certificate switch above it;
       * for a saved account, what is left to type */
      if (self->account == NULL)
        gtk_window_set_focus (GTK_WINDOW (root), GTK_WIDGET (self->jid_entry));
      else if (xgb_account_get_auth_method (self->account) == XGB_AUTH_METHOD_CERTIFICATE)
        gtk_window_set_focus (GTK_WINDOW (root), GTK_WIDGET (self->passphrase_entry));
      else
        gtk_window_set_focus (GTK_WINDOW (root), GTK_WIDGET (self->password_entry));
    }
}

static void
xgb_login_view_dispose (GObject *object)
{
  XgbLoginView *self = XGB_LOGIN_VIEW (object);

  g_cancellable_cancel (self->cert_cancellable);
  g_clear_object (&self->cert_cancellable);
  g_clear_object (&self->keystore);
  g_cancellable_cancel (self->secret_cancellable);
  g_clear_object (&self->secret_cancellable);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_clear_object (&self->accounts);
  g_clear_object (&self->account);

  xgb_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_LOGIN_VIEW);

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
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, audit_error);
  /* The mechanism policy's checkbox; the window reads and sets it too */
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, allow_weak_check);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, accounts_box);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, account_dropdown);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, forget_button);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, account_note);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, save_check);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, remember_check);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, remember_note);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, audit_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, connect_button);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, spinner);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, status_label);
  gtk_widget_class_bind_template_child (widget_class, XgbLoginView, form);
  gtk_widget_class_bind_template_callback (widget_class, connect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, cert_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, account_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, forget_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, remember_toggled_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xgbloginview");
}

static void
xgb_login_view_init (XgbLoginView *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  if (!xgb_secret_store_is_built ())
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->remember_check),
                                 _("This build of the app cannot remember passwords: it was built without libsecret, "
                                   "the desktop’s secret store library."));
  setup_accounts (self);
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

/* The form as @params has it; a password or passphrase only from there */
static void
fill_form (XgbLoginView         *self,
           const XgbLoginParams *params)
{
  g_autofree char *port = NULL;
  GtkWidget *fields[] = { GTK_WIDGET (self->jid_entry), GTK_WIDGET (self->password_entry),
                          GTK_WIDGET (self->passphrase_entry), GTK_WIDGET (self->host_entry),
                          GTK_WIDGET (self->port_entry), GTK_WIDGET (self->ca_file_entry),
                          GTK_WIDGET (self->broker_entry), GTK_WIDGET (self->audit_entry) };
  GtkLabel *errors[] = { self->jid_error, self->password_error, self->passphrase_error, self->port_error,
                         self->port_error, self->ca_file_error, self->broker_error, self->audit_error };

  if (params->port != 0)
    port = g_strdup_printf ("%u", params->port);

  /* the errors were about what was there before */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    set_field_error (fields[i], errors[i], NULL);

  set_entry (GTK_EDITABLE (self->jid_entry), params->jid);
  set_entry (GTK_EDITABLE (self->password_entry), params->password);
  set_entry (GTK_EDITABLE (self->host_entry), params->host);
  set_entry (GTK_EDITABLE (self->port_entry), port);
  set_entry (GTK_EDITABLE (self->ca_file_entry), params->ca_file);
  set_entry (GTK_EDITABLE (self->broker_entry), params->broker);
  set_entry (GTK_EDITABLE (self->audit_entry), params->audit_topic);
  gtk_check_button_set_active (self->allow_weak_check, params->allow_weak_mechanisms);

  gtk_toggle_button_set_active (params->cert_file != NULL ? self->cert_mode : self->password_mode, TRUE);
  set_entry (GTK_EDITABLE (self->passphrase_entry), params->passphrase);
  if (params->cert_file != NULL || self->cert_file != NULL)
    xgb_login_view_set_certificate (self, params->cert_file, params->key_file);
  if (params->cert_file == NULL)
    gtk_toggle_button_set_active (self->password_mode, TRUE);

  gtk_expander_set_expanded (self->server_expander,
                             params->host != NULL || params->port != 0 || params->ca_file != NULL ||
                             params->broker != NULL || params->audit_topic != NULL ||
                             params->allow_weak_mechanisms);
}

/**
 * xgb_login_view_set_params:
 *
 * Fills the form, e.g. from the command line.  The server options are
 * shown expanded when any of them is set, so nothing prefilled is hidden.
 * A saved account of the same JID and host shows as chosen (its trusted
 * certificates then come along); else the form is a new account's.
 */
void
xgb_login_view_set_params (XgbLoginView         *self,
                           const XgbLoginParams *params)
{
  XgbAccount *account = NULL;

  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));
  g_return_if_fail (params != NULL);

  renew_secret_cancellable (self);
  fill_form (self, params);
  show_note (self->remember_note, NULL);
  if (self->accounts != NULL)
    {
      account = xgb_accounts_find (self->accounts, params->jid, params->host);
      select_quietly (self, account);
      set_check (self, self->save_check, account != NULL);
      set_check (self, self->remember_check,
                 account != NULL && xgb_account_get_remember_secret (account) && xgb_secret_store_is_built ());
      update_remember (self);
    }
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
  params->audit_topic = entry_text (self->audit_entry);
  params->allow_weak_mechanisms = gtk_check_button_get_active (self->allow_weak_check);

  /* The server certificates trusted for the chosen account, while the
   * form still names it */
  if (self->account != NULL && xgb_account_matches (self->account, params->jid, params->host))
    {
      g_auto(GStrv) pins = xgb_account_dup_pins (self->account);

      for (guint i = 0; pins != NULL && pins[i] != NULL; i++)
        xgb_login_params_add_pin (params, pins[i]);
    }

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

/* --- after the login, and after it ------------------------------------------- */

typedef struct
{
  XgbAccount *account;
} SaveOp;

static void
save_op_free (SaveOp *op)
{
  g_clear_object (&op->account);
  g_free (op);
}

static void
secret_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!xgb_secret_store_save_finish (result, &error))
    {
      xgb_account_set_remember_secret (op->account, FALSE);
      g_task_return_error (task, error);
      return;
    }
  xgb_account_set_remember_secret (op->account, TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
secret_cleared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!xgb_secret_store_clear_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * xgb_login_view_save_account_async:
 * @params: the login that succeeded, as the connection has it (with the
 *   server certificates trusted on the way)
 *
 * When "Save this account" is ticked, saves @params as an account (never
 * its password) and shows it as chosen.  With "Remember the password"
 * the password (in certificate mode the passphrase) then goes to the
 * desktop's secret store; without, a password remembered before is
 * removed from there.  Nothing happens when the box is not ticked.
 */
void
xgb_login_view_save_account_async (XgbLoginView         *self,
                                   const XgbLoginParams *params,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  XgbAccount *account;
  SaveOp *op;
  const char *secret;

  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));
  g_return_if_fail (params != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_login_view_save_account_async);

  if (self->accounts == NULL || !gtk_check_button_get_active (self->save_check))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  account = xgb_accounts_save (self->accounts, params, &error);
  if (account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  xgb_account_touch (account);
  select_quietly (self, account);
  gtk_widget_set_visible (self->accounts_box, TRUE);

  op = g_new0 (SaveOp, 1);
  op->account = g_object_ref (account);
  g_task_set_task_data (task, op, (GDestroyNotify) save_op_free);

  secret = params->cert_file != NULL ? params->passphrase : params->password;
  if (gtk_check_button_get_active (self->remember_check) && xgb_secret_store_is_built () && secret != NULL)
    xgb_secret_store_save_async (params->jid, params->host,
                                 params->cert_file != NULL ? XGB_SECRET_PASSPHRASE : XGB_SECRET_PASSWORD,
                                 secret, cancellable, secret_saved_cb, g_steal_pointer (&task));
  else if (xgb_account_get_remember_secret (account) && xgb_secret_store_is_built ())
    {
      /* no longer to be remembered */
      xgb_account_set_remember_secret (account, FALSE);
      xgb_secret_store_clear_async (params->jid, params->host, cancellable, secret_cleared_cb,
                                    g_steal_pointer (&task));
    }
  else
    {
      xgb_account_set_remember_secret (account, FALSE);
      g_task_return_boolean (task, TRUE);
    }
}

/**
 * xgb_login_view_save_account_finish:
 *
 * Returns: %TRUE when the account was saved as asked (or not to be
 *   saved); else the error says what went wrong, e.g. "The desktop’s
 *   secret store is not available."
 */
gboolean
xgb_login_view_save_account_finish (XgbLoginView  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xgb_login_view_save_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xgb_login_view_forget_secrets:
 *
 * Logging out: the password and passphrase fields are emptied (GTK
 * wipes their buffers) and a look-up in the secret store under way is
 * cancelled.  Choosing the account again looks its password up anew.
 */
void
xgb_login_view_forget_secrets (XgbLoginView *self)
{
  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));

  g_cancellable_cancel (self->secret_cancellable);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_entry), "");
}

/**
 * xgb_login_view_get_account:
 *
 * Returns: (transfer none) (nullable): the saved account chosen, or
 *   %NULL for a new one
 */
XgbAccount *
xgb_login_view_get_account (XgbLoginView *self)
{
  g_return_val_if_fail (XGB_IS_LOGIN_VIEW (self), NULL);

  return self->account;
}

/**
 * xgb_login_view_choose_account:
 * @account: (nullable): a saved account, or %NULL for "New Account"
 *
 * Does what choosing in the drop-down does.
 */
void
xgb_login_view_choose_account (XgbLoginView *self,
                               XgbAccount   *account)
{
  g_return_if_fail (XGB_IS_LOGIN_VIEW (self));
  g_return_if_fail (account == NULL || XGB_IS_ACCOUNT (account));

  if (self->accounts == NULL)
    return;
  gtk_drop_down_set_selected (self->account_dropdown, account_position (self, account));
  /* the same position again is no change for the drop-down */
  if (self->account != account)
    account_selected_cb (self);
}
