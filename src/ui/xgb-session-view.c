/* xgb-session-view.c - what the window shows once logged in
 *
 * The account and how it logged in (SASL mechanism, TLS, the server's
 * certificate), the Broker that was found and what it supports
 * (disco#info), its nodes and pending requests.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-session-view"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-sasl.h"
#include "xgb-session-view.h"
#include "xgb-widget.h"
#include "xgb-trust-dialog.h"

struct _XgbSessionView
{
  GtkWidget      parent_instance;

  GtkLabel      *account_label;
  GtkLabel      *mechanism_label;
  GtkLabel      *tls_label;
  GtkLabel      *server_cert_label;
  GtkLabel      *broker_label;
  GtkLabel      *identity_label;
  GtkLabel      *nodes_label;
  GtkLabel      *pending_label;
  GtkLabel      *features_heading;
  GtkListView   *features_view;
  GtkStringList *features;
};

G_DEFINE_FINAL_TYPE (XgbSessionView, xgb_session_view, GTK_TYPE_WIDGET)

static void
setup_feature_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 3);
  gtk_widget_set_margin_bottom (label, 3);
  gtk_list_item_set_child (item, label);
}

static void
bind_feature_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);
  const char *text = gtk_string_object_get_string (string);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), text);
}

/* The list, not the first selectable label, takes the focus. */
static gboolean
xgb_session_view_grab_focus (GtkWidget *widget)
{
  XgbSessionView *self = XGB_SESSION_VIEW (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->features_view));
}

static void
xgb_session_view_dispose (GObject *object)
{
  xgb_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_SESSION_VIEW);

  G_OBJECT_CLASS (xgb_session_view_parent_class)->dispose (object);
}

static void
xgb_session_view_class_init (XgbSessionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_session_view_dispose;
  widget_class->grab_focus = xgb_session_view_grab_focus;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-session-view.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, account_label);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, mechanism_label);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, tls_label);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, server_cert_label);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, broker_label);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, identity_label);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, nodes_label);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, pending_label);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, features_heading);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, features_view);
  gtk_widget_class_bind_template_child (widget_class, XgbSessionView, features);
  gtk_widget_class_bind_template_callback (widget_class, setup_feature_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_feature_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xgbsessionview");
}

static void
xgb_session_view_init (XgbSessionView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
xgb_session_view_new (void)
{
  return g_object_new (XGB_TYPE_SESSION_VIEW, NULL);
}

void
xgb_session_view_set_broker (XgbSessionView     *self,
                             const char         *account,
                             const XgbDiscoInfo *broker)
{
  g_autoptr(GString) identities = g_string_new (NULL);
  g_autofree char *heading = NULL;

  g_return_if_fail (XGB_IS_SESSION_VIEW (self));
  g_return_if_fail (broker != NULL);

  gtk_label_set_text (self->account_label, account ? account : "");
  gtk_label_set_text (self->broker_label, broker->jid ? broker->jid : "");

  for (guint i = 0; i < broker->identities->len; i++)
    {
      const XgbDiscoIdentity *identity = broker->identities->pdata[i];

      if (identities->len > 0)
        g_string_append (identities, ", ");
      g_string_append_printf (identities, "%s/%s", identity->category, identity->type);
      if (identity->name != NULL)
        g_string_append_printf (identities, " (%s)", identity->name);
    }
  gtk_label_set_text (self->identity_label,
                      identities->len > 0 ? identities->str : _("None announced (found by its pubsub feature)"));

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Feature of the Broker",
                                          "%u Features of the Broker", broker->features->len),
                             broker->features->len);
  gtk_label_set_text (self->features_heading, heading);

  /* In one change, and none when nothing changed (a reconnect to the
   * same Broker).  Emptied and refilled row by row after a reconnect,
   * GTK 4.8's list view sometimes warned "gtk_widget_is_ancestor:
   * assertion 'GTK_IS_WIDGET (widget)' failed" on its next allocation
   * (1 run in 4 of tests/ui/test-killed-create-window.c; none in 16
   * since). */
  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (self->features));
    gboolean same = n == broker->features->len;
    g_autofree const char **strings = NULL;

    for (guint i = 0; same && i < n; i++)
      same = g_strcmp0 (gtk_string_list_get_string (self->features, i), broker->features->pdata[i]) == 0;
    if (same)
      return;
    strings = g_new0 (const char *, broker->features->len + 1);
    for (guint i = 0; i < broker->features->len; i++)
      strings[i] = broker->features->pdata[i];
    gtk_string_list_splice (self->features, 0, n, strings);
  }
}

GListModel *
xgb_session_view_get_features (XgbSessionView *self)
{
  g_return_val_if_fail (XGB_IS_SESSION_VIEW (self), NULL);

  return G_LIST_MODEL (self->features);
}

const char *
xgb_session_view_get_broker (XgbSessionView *self)
{
  g_return_val_if_fail (XGB_IS_SESSION_VIEW (self), NULL);

  return gtk_label_get_text (self->broker_label);
}

void
xgb_session_view_set_nodes (XgbSessionView *self,
                            const char     *text)
{
  g_return_if_fail (XGB_IS_SESSION_VIEW (self));
  gtk_label_set_text (self->nodes_label, text ? text : "");
}

void
xgb_session_view_set_pending (XgbSessionView *self,
                              const char     *text)
{
  g_return_if_fail (XGB_IS_SESSION_VIEW (self));
  gtk_label_set_text (self->pending_label, text ? text : "");
}

/**
 * xgb_session_view_set_security:
 * @info: (nullable): how the session logged in
 *
 * Shows the SASL mechanism, the TLS version and cipher, and whether the
 * server's certificate verified or is trusted by the admin's choice.
 */
void
xgb_session_view_set_security (XgbSessionView       *self,
                               const XgbSessionInfo *info)
{
  g_autofree char *mechanism = NULL;
  g_autofree char *tls = NULL;
  g_autofree char *cert = NULL;

  g_return_if_fail (XGB_IS_SESSION_VIEW (self));

  if (info == NULL)
    {
      gtk_label_set_text (self->mechanism_label, "");
      gtk_label_set_text (self->tls_label, "");
      gtk_label_set_text (self->server_cert_label, "");
      return;
    }

  if (info->mechanism == NULL)
    mechanism = g_strdup (_("Unknown"));
  else if (xgb_sasl_is_weak (info->mechanism))
    /* Translators: %s is PLAIN or DIGEST-MD5 */
    mechanism = g_strdup_printf (_("%s (weak; allowed for this account)"), info->mechanism);
  else if (g_str_equal (info->mechanism, "EXTERNAL"))
    mechanism = g_strdup (_("EXTERNAL (client certificate)"));
  else
    mechanism = g_strdup (info->mechanism);

  /* Translators: TLS version, cipher */
  tls = g_strdup_printf (_("%s, %s"), info->tls_version ? info->tls_version : "?",
                         info->cipher ? info->cipher : "?");

  if (info->server_cert == NULL)
    cert = g_strdup (_("Unknown"));
  else if (info->verify_error == NULL)
    cert = g_strdup_printf (_("Verified: %s"), info->server_cert->subject);
  else
    {
      g_autofree char *sha256 = xgb_trust_format_fingerprint (info->server_cert->sha256);

      cert = g_strdup_printf (_("Trusted by you, although it does not verify (%s): %s, SHA-256 fingerprint\n%s"),
                              info->verify_error, info->server_cert->subject, sha256);
    }

  gtk_label_set_text (self->mechanism_label, mechanism);
  gtk_label_set_text (self->tls_label, tls);
  gtk_label_set_text (self->server_cert_label, cert);
}
