/* xgb-trust-dialog.c - a server certificate that does not verify: trust it?
 *
 * Shows the server's own certificate (the leaf: subject, issuer,
 * validity, SHA-256 fingerprint) and why it did not verify.  Reject is
 * the default (Enter, Escape, closing); trusting pins this exact
 * certificate for the account.  When a certificate the admin trusted
 * before has changed, the dialog says so loudly and shows the old
 * fingerprint next to the new one.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-trust-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xgb-trust-dialog.h"

struct _XgbTrustDialog
{
  GtkWindow  parent_instance;

  GtkImage  *icon;
  GtkLabel  *heading;
  GtkLabel  *explanation;
  GtkLabel  *subject_label;
  GtkLabel  *issuer_label;
  GtkLabel  *not_before_label;
  GtkLabel  *not_after_label;
  GtkLabel  *sha256_label;
  GtkLabel  *problem_label;
  GtkLabel  *before_heading;
  GtkLabel  *before_label;
  GtkButton *reject_button;
  GtkButton *trust_button;

  char      *fingerprint;
  gboolean   changed;
  GTask     *task;
  gulong     cancelled_id;
};

G_DEFINE_FINAL_TYPE (XgbTrustDialog, xgb_trust_dialog, GTK_TYPE_WINDOW)

/**
 * xgb_trust_format_fingerprint:
 * @sha256: "AB:CD:…" (32 pairs)
 *
 * Returns: (transfer full): the fingerprint in two lines of 16 pairs, easy
 *   to compare by eye; --pin accepts it as it is
 */
char *
xgb_trust_format_fingerprint (const char *sha256)
{
  g_return_val_if_fail (sha256 != NULL, NULL);

  if (strlen (sha256) != 95)
    return g_strdup (sha256);
  return g_strdup_printf ("%.47s\n%s", sha256, sha256 + 48);
}

static void
finish (XgbTrustDialog *self,
        gboolean        trust)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;
  if (self->cancelled_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
      self->cancelled_id = 0;
    }
  g_task_return_boolean (task, trust);
}

/**
 * xgb_trust_dialog_respond:
 * @trust: %TRUE to trust the certificate, %FALSE to reject it
 *
 * Ends the dialog as if a button was pressed.
 */
void
xgb_trust_dialog_respond (XgbTrustDialog *self,
                          gboolean        trust)
{
  g_return_if_fail (XGB_IS_TRUST_DIALOG (self));

  finish (self, trust);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
trust_clicked_cb (XgbTrustDialog *self)
{
  xgb_trust_dialog_respond (self, TRUE);
}

static void
reject_clicked_cb (XgbTrustDialog *self)
{
  xgb_trust_dialog_respond (self, FALSE);
}

static gboolean
close_idle_cb (gpointer data)
{
  xgb_trust_dialog_respond (data, FALSE);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable   *cancellable,
              XgbTrustDialog *self)
{
  /* Inside g_cancellable_cancel(): answer from the loop instead. */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref (self), g_object_unref);
}

static gboolean
xgb_trust_dialog_close_request (GtkWindow *window)
{
  finish (XGB_TRUST_DIALOG (window), FALSE);
  return GTK_WINDOW_CLASS (xgb_trust_dialog_parent_class)->close_request (window);
}

static void
xgb_trust_dialog_dispose (GObject *object)
{
  XgbTrustDialog *self = XGB_TRUST_DIALOG (object);

  finish (self, FALSE);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_TRUST_DIALOG);

  G_OBJECT_CLASS (xgb_trust_dialog_parent_class)->dispose (object);
}

static void
xgb_trust_dialog_finalize (GObject *object)
{
  XgbTrustDialog *self = XGB_TRUST_DIALOG (object);

  g_free (self->fingerprint);

  G_OBJECT_CLASS (xgb_trust_dialog_parent_class)->finalize (object);
}

static void
xgb_trust_dialog_class_init (XgbTrustDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_trust_dialog_dispose;
  object_class->finalize = xgb_trust_dialog_finalize;
  window_class->close_request = xgb_trust_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-trust-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, icon);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, explanation);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, subject_label);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, not_before_label);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, not_after_label);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, sha256_label);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, before_heading);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, before_label);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, reject_button);
  gtk_widget_class_bind_template_child (widget_class, XgbTrustDialog, trust_button);
  gtk_widget_class_bind_template_callback (widget_class, trust_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reject_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xgb_trust_dialog_init (XgbTrustDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * xgb_trust_dialog_new:
 * @account: the JID logging in, for which the certificate would be trusted
 * @server: the server's domain (the name the certificate must carry)
 * @cert: the server's certificate (the leaf)
 * @problem: (nullable): why it did not verify
 * @trusted_before: (nullable): the fingerprints trusted for this account
 *   until now; set when a trusted certificate changed
 */
XgbTrustDialog *
xgb_trust_dialog_new (GtkWindow          *parent,
                      const char         *account,
                      const char         *server,
                      const XgbCertInfo  *cert,
                      const char         *problem,
                      const char * const *trusted_before)
{
  XgbTrustDialog *self;
  g_autofree char *explanation = NULL;

  g_return_val_if_fail (cert != NULL, NULL);
  g_return_val_if_fail (account != NULL && server != NULL, NULL);

  self = g_object_new (XGB_TYPE_TRUST_DIALOG, "transient-for", parent, NULL);
  self->fingerprint = g_strdup (cert->sha256);
  self->changed = trusted_before != NULL && trusted_before[0] != NULL;

  gtk_label_set_text (self->subject_label, cert->subject);
  gtk_label_set_text (self->issuer_label, cert->issuer);
  gtk_label_set_text (self->not_before_label, cert->not_before);
  gtk_label_set_text (self->not_after_label, cert->not_after);
  {
    g_autofree char *lines = xgb_trust_format_fingerprint (cert->sha256);

    gtk_label_set_text (self->sha256_label, lines);
  }
  gtk_label_set_text (self->problem_label, problem ? problem : _("It does not verify against the trusted certificate authorities."));

  if (self->changed)
    {
      g_autoptr(GString) before = g_string_new (NULL);

      for (guint i = 0; trusted_before[i] != NULL; i++)
        {
          g_autofree char *lines = xgb_trust_format_fingerprint (trusted_before[i]);

          g_string_append_printf (before, "%s%s", i > 0 ? "\n" : "", lines);
        }

      gtk_window_set_title (GTK_WINDOW (self), _("Server Certificate Changed"));
      gtk_label_set_text (self->heading, _("The Server’s Certificate Changed"));
      explanation = g_strdup_printf (_("%s now presents a different certificate from the one you trusted for %s, "
                                       "and the login was refused. Someone may be intercepting the connection. "
                                       "Trust the new certificate only if the server’s operator confirms its "
                                       "SHA-256 fingerprint."),
                                     server, account);
      gtk_label_set_text (self->before_label, before->str);
      gtk_widget_set_visible (GTK_WIDGET (self->before_heading), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->before_label), TRUE);
      gtk_image_set_from_icon_name (self->icon, "dialog-warning-symbolic");
      gtk_button_set_label (self->trust_button, _("_Trust the New Certificate"));
      gtk_widget_add_css_class (GTK_WIDGET (self->trust_button), "destructive-action");
    }
  else
    {
      gtk_label_set_text (self->heading, _("Untrusted Server Certificate"));
      explanation = g_strdup_printf (_("The certificate of %s cannot be verified, so this computer cannot tell "
                                       "whether it is talking to the real server. Compare the SHA-256 "
                                       "fingerprint with the one the server’s operator gives you. If they "
                                       "match, trust this exact certificate for %s; a different one will be "
                                       "refused."),
                                     server, account);
      gtk_button_set_label (self->trust_button, _("_Trust and Connect"));
      gtk_widget_add_css_class (GTK_WIDGET (self->trust_button), "suggested-action");
    }
  gtk_label_set_text (self->explanation, explanation);

  return self;
}

void
xgb_trust_dialog_run_async (XgbTrustDialog      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (XGB_IS_TRUST_DIALOG (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, xgb_trust_dialog_run_async);
  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
  /* The safe choice is the one Enter takes; focused before the window
   * shows, or the first selectable label takes the focus and shows its
   * text selected. */
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->reject_button));
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->reject_button));
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->reject_button));
}

/**
 * xgb_trust_dialog_run_finish:
 *
 * Returns: %TRUE when the admin trusts the certificate
 */
gboolean
xgb_trust_dialog_run_finish (XgbTrustDialog  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The SHA-256 fingerprint of the certificate shown */
const char *
xgb_trust_dialog_get_fingerprint (XgbTrustDialog *self)
{
  g_return_val_if_fail (XGB_IS_TRUST_DIALOG (self), NULL);
  return self->fingerprint;
}

/* Whether a certificate trusted before has changed */
gboolean
xgb_trust_dialog_get_changed (XgbTrustDialog *self)
{
  g_return_val_if_fail (XGB_IS_TRUST_DIALOG (self), FALSE);
  return self->changed;
}
