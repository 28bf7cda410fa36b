/* xgb-window.c - one administrator session on one Controller
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-window.h"

struct _XgbWindow
{
  GtkApplicationWindow  parent_instance;

  GtkStack             *stack;
  XgbBanner            *banner;
  XgbLoginView         *login_view;

  GSettings            *settings;
  /* Cancelled when the window closes: no reply may touch a dead window. */
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (XgbWindow, xgb_window, GTK_TYPE_APPLICATION_WINDOW)

static void
connect_requested_cb (XgbWindow            *self,
                      const XgbLoginParams *params)
{
  /* The connection is the next piece of work; until it lands the window
   * says so instead of pretending. */
  xgb_banner_show (self->banner, XGB_BANNER_INFO,
                   _("Connecting is not available in this development version yet."));
}

static GSettings *
window_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running from a build tree without the compiled schema must not abort. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema %s not installed; window size is not kept", APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
xgb_window_close_request (GtkWindow *window)
{
  XgbWindow *self = XGB_WINDOW (window);

  g_cancellable_cancel (self->cancellable);

  if (self->settings != NULL)
    {
      int width = 0, height = 0;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }

  return GTK_WINDOW_CLASS (xgb_window_parent_class)->close_request (window);
}

static void
xgb_window_dispose (GObject *object)
{
  XgbWindow *self = XGB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (xgb_window_parent_class)->dispose (object);
}

static void
xgb_window_finalize (GObject *object)
{
  XgbWindow *self = XGB_WINDOW (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (xgb_window_parent_class)->finalize (object);
}

static void
xgb_window_class_init (XgbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_window_dispose;
  object_class->finalize = xgb_window_finalize;
  window_class->close_request = xgb_window_close_request;

  g_type_ensure (XGB_TYPE_BANNER);
  g_type_ensure (XGB_TYPE_LOGIN_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, XgbWindow, login_view);
  gtk_widget_class_bind_template_callback (widget_class, connect_requested_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
xgb_window_init (XgbWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = window_settings_new ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
}

XgbWindow *
xgb_window_new (XgbApplication *application)
{
  return g_object_new (XGB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

void
xgb_window_set_login_params (XgbWindow            *self,
                             const XgbLoginParams *params)
{
  g_return_if_fail (XGB_IS_WINDOW (self));
  g_return_if_fail (params != NULL);

  xgb_login_view_set_params (self->login_view, params);
}

/**
 * xgb_window_connect:
 *
 * Presses Connect on the login view, as `--connect` does.
 *
 * Returns: %TRUE when the form was valid and a login was requested
 */
gboolean
xgb_window_connect (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), FALSE);

  return xgb_login_view_submit (self->login_view);
}

XgbLoginView *
xgb_window_get_login_view (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->login_view;
}

XgbBanner *
xgb_window_get_banner (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->banner;
}

const char *
xgb_window_get_visible_page (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GCancellable *
xgb_window_get_cancellable (XgbWindow *self)
{
  g_return_val_if_fail (XGB_IS_WINDOW (self), NULL);

  return self->cancellable;
}
