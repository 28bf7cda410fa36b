/* xgb-application.c - the XMPP-Grid Broker application
 *
 * Every command line (the first one, and later ones forwarded to the
 * running instance) opens a window of its own, prefilled from the
 * options, so an admin can have several Controllers open at once.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-application"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-application.h"
#include "xgb-audit.h"
#include "xgb-connection.h"
#include "xgb-error.h"
#include "xgb-window.h"

struct _XgbApplication
{
  GtkApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (XgbApplication, xgb_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "jid", 'j', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Your address on the Controller"), N_("JID") },
  { "password-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Read the password from the first line of FILE"), N_("FILE") },
  { "host", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Connect to HOST instead of the JID’s domain"), N_("HOST") },
  /* A string, not G_OPTION_ARG_INT: GApplication drops an int option
   * whose value is 0, and "--port 0" must be an error, not ignored. */
  { "port", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Connect to PORT (default: DNS SRV record, then 5222)"), N_("PORT") },
  { "ca-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Trust the certificate authorities in the PEM file FILE"), N_("FILE") },
  { "broker", 'b', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("The Broker’s JID (default: found through service discovery)"), N_("JID") },
  { "cert", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Log in with the client certificate in FILE (PEM or PKCS#12), with no password"), N_("FILE") },
  { "key", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("The PEM private key for --cert (default: in the certificate file or next to it as NAME.key)"), N_("FILE") },
  { "passphrase-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Read the passphrase of the certificate’s key from the first line of FILE"), N_("FILE") },
  { "pin", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Trust the server certificate with this SHA-256 fingerprint although it does not verify (repeatable)"), N_("SHA256") },
  { "connect", 'c', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Connect at once"), NULL },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

static char *
lookup_path (GVariantDict *options,
             const char   *key,
             GFile        *cwd)
{
  g_autofree char *raw = NULL;
  g_autoptr(GFile) file = NULL;

  if (!g_variant_dict_lookup (options, key, "^ay", &raw))
    return NULL;

  if (cwd == NULL || g_path_is_absolute (raw))
    return g_steal_pointer (&raw);

  /* Relative to where the command was typed, not to the running app. */
  file = g_file_resolve_relative_path (cwd, raw);
  return g_file_get_path (file);
}

/**
 * xgb_application_params_from_options:
 * @options: the parsed command-line options
 * @cwd: (nullable): the directory relative file names are relative to
 *
 * Returns: (transfer full) (nullable): the login parameters, or %NULL
 *   with @error set when an option is unusable
 */
XgbLoginParams *
xgb_application_params_from_options (GVariantDict  *options,
                                     GFile         *cwd,
                                     GError       **error)
{
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autofree char *password_file = NULL;
  g_autofree char *passphrase_file = NULL;
  g_autofree char *port = NULL;

  g_variant_dict_lookup (options, "jid", "s", &params->jid);
  g_variant_dict_lookup (options, "host", "s", &params->host);
  g_variant_dict_lookup (options, "broker", "s", &params->broker);
  params->ca_file = lookup_path (options, "ca-file", cwd);
  params->connect = g_variant_dict_contains (options, "connect");

  {
    g_autofree const char **pins = NULL;

    if (g_variant_dict_lookup (options, "pin", "^a&s", &pins))
      for (guint i = 0; pins[i] != NULL; i++)
        {
          g_autofree char *pin = xgb_cert_fingerprint_normalize (pins[i], error);

          if (pin == NULL)
            return NULL;
          xgb_login_params_add_pin (params, pin);
        }
  }

  if (g_variant_dict_lookup (options, "port", "s", &port))
    {
      guint64 value = 0;

      if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &value, NULL))
        {
          g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                       _("Invalid port “%s”: a port is a number from 1 to 65535."), port);
          return NULL;
        }
      params->port = (guint) value;
    }

  /* Certificate mode: no password at all (xgb-login-params.h) */
  params->cert_file = lookup_path (options, "cert", cwd);
  params->key_file = lookup_path (options, "key", cwd);
  passphrase_file = lookup_path (options, "passphrase-file", cwd);
  if (params->cert_file == NULL && (params->key_file != NULL || passphrase_file != NULL))
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                           _("--key and --passphrase-file need --cert."));
      return NULL;
    }
  if (passphrase_file != NULL)
    {
      params->passphrase = xgb_password_read_file (passphrase_file, error);
      if (params->passphrase == NULL)
        return NULL;
    }

  password_file = lookup_path (options, "password-file", cwd);
  if (password_file != NULL && params->cert_file != NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                           _("--cert and --password-file exclude each other: a certificate login uses no password."));
      return NULL;
    }
  if (password_file != NULL)
    {
      params->password = xgb_password_read_file (password_file, error);
      if (params->password == NULL)
        return NULL;
    }

  return g_steal_pointer (&params);
}

static XgbWindow *
open_window (XgbApplication       *self,
             const XgbLoginParams *params)
{
  XgbWindow *window = xgb_window_new (self);

  if (params != NULL)
    xgb_window_set_login_params (window, params);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

static gint
xgb_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "xgb-broker", PACKAGE_VERSION);
      return 0;
    }

  return G_APPLICATION_CLASS (xgb_application_parent_class)->handle_local_options (app, options);
}

static int
xgb_application_command_line (GApplication            *app,
                              GApplicationCommandLine *command_line)
{
  XgbApplication *self = XGB_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(XgbLoginParams) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) cwd = NULL;
  const char *cwd_path = g_application_command_line_get_cwd (command_line);
  XgbWindow *window;

  if (cwd_path != NULL)
    cwd = g_file_new_for_path (cwd_path);

  params = xgb_application_params_from_options (options, cwd, &error);
  if (params == NULL)
    {
      g_application_command_line_printerr (command_line, "%s\n", error->message);
      return 1;
    }

  window = open_window (self, params);
  if (params->connect && !xgb_window_connect (window))
    g_application_command_line_printerr (command_line, "%s\n",
                                         _("Cannot connect: the login form has errors; see the window."));

  return 0;
}

static void
xgb_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window != NULL)
    gtk_window_present (window);
  else
    open_window (XGB_APPLICATION (app), NULL);
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  open_window (XGB_APPLICATION (user_data), NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closing each window lets it cancel its work and save its state. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *authors[] = { "XMPP-Grid Broker developers", NULL };

  gtk_show_about_dialog (parent,
                         "program-name", _("XMPP-Grid Broker"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Administer the publish-subscribe service of an XMPP-Grid"),
                         "license-type", GTK_LICENSE_AGPL_3_0,
                         "website", PACKAGE_URL,
                         "authors", authors,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "new-window", new_window_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
xgb_application_startup (GApplication *app)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control><Shift>n", NULL };

  G_APPLICATION_CLASS (xgb_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new-window", new_window_accels);

  gtk_css_provider_load_from_resource (css, "/org/xgb/Broker/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
xgb_application_shutdown (GApplication *app)
{
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (xgb_application_parent_class)->shutdown (app);

  /* The audit entries still queued are written before the process ends */
  if (!xgb_audit_log_flush (xgb_audit_log_get_default (), &error))
    g_printerr ("%s\n", error->message);

  /* Closed windows ended their sessions; give the connection threads a
   * moment to say goodbye to the servers. */
  if (!xgb_connection_wait_for_threads (2000))
    g_debug ("connection threads still running at exit");
}

static void
xgb_application_class_init (XgbApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = xgb_application_startup;
  app_class->shutdown = xgb_application_shutdown;
  app_class->activate = xgb_application_activate;
  app_class->command_line = xgb_application_command_line;
  app_class->handle_local_options = xgb_application_handle_local_options;
}

static void
xgb_application_init (XgbApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Administer the publish-subscribe service (Broker) of an XMPP-Grid."));
}

XgbApplication *
xgb_application_new (void)
{
  return g_object_new (XGB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/org/xgb/Broker",
                       NULL);
}
