/* xgb-banner.c - an inline message strip above a view
 *
 * Errors are shown here rather than in a modal dialog: the admin can read
 * them next to what caused them, select and copy the text, and dismiss it.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-banner"

#include "config.h"

#include "xgb-banner.h"
#include "xgb-widget.h"

struct _XgbBanner
{
  GtkWidget    parent_instance;

  GtkRevealer *revealer;
  GtkWidget   *box;
  GtkLabel    *label;
  GtkImage    *icon;
  GtkButton   *action_button;
};

G_DEFINE_FINAL_TYPE (XgbBanner, xgb_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MESSAGE,
  PROP_REVEALED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
close_clicked_cb (XgbBanner *self)
{
  xgb_banner_dismiss (self);
}

static void
xgb_banner_dispose (GObject *object)
{
  xgb_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_BANNER);

  G_OBJECT_CLASS (xgb_banner_parent_class)->dispose (object);
}

static void
xgb_banner_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  XgbBanner *self = XGB_BANNER (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_string (value, xgb_banner_get_message (self));
      break;

    case PROP_REVEALED:
      g_value_set_boolean (value, xgb_banner_get_revealed (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xgb_banner_class_init (XgbBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_banner_dispose;
  object_class->get_property = xgb_banner_get_property;

  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, XgbBanner, box);
  gtk_widget_class_bind_template_child (widget_class, XgbBanner, label);
  gtk_widget_class_bind_template_child (widget_class, XgbBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, XgbBanner, action_button);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xgbbanner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
xgb_banner_init (XgbBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
xgb_banner_new (void)
{
  return g_object_new (XGB_TYPE_BANNER, NULL);
}

/**
 * xgb_banner_show:
 * @message: the text, complete sentences that say what happened and what
 *   the admin can do
 */
void
xgb_banner_show (XgbBanner     *self,
                 XgbBannerKind  kind,
                 const char    *message)
{
  gboolean was_revealed;

  g_return_if_fail (XGB_IS_BANNER (self));
  g_return_if_fail (message != NULL);

  was_revealed = xgb_banner_get_revealed (self);

  if (kind == XGB_BANNER_ERROR)
    {
      gtk_widget_add_css_class (self->box, "xgb-error");
      gtk_widget_remove_css_class (self->box, "xgb-info");
      gtk_image_set_from_icon_name (self->icon, "dialog-error-symbolic");
    }
  else
    {
      gtk_widget_add_css_class (self->box, "xgb-info");
      gtk_widget_remove_css_class (self->box, "xgb-error");
      gtk_image_set_from_icon_name (self->icon, "dialog-information-symbolic");
    }

  if (g_strcmp0 (gtk_label_get_text (self->label), message) != 0)
    {
      gtk_label_set_text (self->label, message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }

  gtk_revealer_set_reveal_child (self->revealer, TRUE);
  if (!was_revealed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}

/**
 * xgb_banner_set_action:
 * @label: (nullable): the button's label, with a mnemonic; %NULL removes
 *   the button
 * @action_name: (nullable): the action the button activates, e.g.
 *   "win.reconnect"
 *
 * A button next to the message, for what the admin can do about it.
 */
void
xgb_banner_set_action (XgbBanner  *self,
                       const char *label,
                       const char *action_name)
{
  g_return_if_fail (XGB_IS_BANNER (self));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), label ? action_name : NULL);
  if (label != NULL)
    gtk_button_set_label (self->action_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->action_button), label != NULL);
}

/* Returns: (nullable): the action button's label, when it has one */
const char *
xgb_banner_get_action_label (XgbBanner *self)
{
  g_return_val_if_fail (XGB_IS_BANNER (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->action_button)))
    return NULL;
  return gtk_button_get_label (self->action_button);
}

void
xgb_banner_dismiss (XgbBanner *self)
{
  g_return_if_fail (XGB_IS_BANNER (self));

  if (!xgb_banner_get_revealed (self))
    return;

  gtk_revealer_set_reveal_child (self->revealer, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}

const char *
xgb_banner_get_message (XgbBanner *self)
{
  g_return_val_if_fail (XGB_IS_BANNER (self), NULL);

  return gtk_label_get_text (self->label);
}

gboolean
xgb_banner_get_revealed (XgbBanner *self)
{
  g_return_val_if_fail (XGB_IS_BANNER (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}
