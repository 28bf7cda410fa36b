/* test-german.c - the window in German (LANG=C.UTF-8 LANGUAGE=de), no server
 *
 * The login view's labels come from its GtkBuilder template, its
 * messages from the UI code (gettext) and the address checks from the
 * core library (g_dgettext): all three must speak German, as po/de.po
 * says.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-ui-german.h"
#include "xgb-ui-test.h"

static const char *
button_label (XgbWindow  *window,
              const char *name)
{
  return gtk_button_get_label (GTK_BUTTON (xgb_ui_login_child (window, name)));
}

static void
check_login_in_german (XgbWindow *window,
                       gpointer   data)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GtkWidget *jid_entry = xgb_ui_login_child (window, "jid_entry");
  GtkLabel *jid_error = GTK_LABEL (xgb_ui_login_child (window, "jid_error"));
  GtkExpander *options = GTK_EXPANDER (xgb_ui_login_child (window, "server_expander"));
  const char *connect = xgb_ui_german ("_Connect");
  const char *cancel = xgb_ui_german ("C_ancel");
  const char *heading = xgb_ui_german ("Connect to a Controller");
  const char *password = xgb_ui_german ("Passwor_d");
  const char *certificate = xgb_ui_german ("Certifica_te");
  const char *server_options = xgb_ui_german ("_Server Options");
  const char *ca_file = xgb_ui_german ("_CA File");
  const char *space = xgb_ui_german ("The name before “@” contains a space, which is not allowed in an address.");
  const char *form = xgb_ui_german ("An account address has the form name@server.");
  const char *no_password = xgb_ui_german ("Enter the password of this account.");

  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");

  /* The template's labels (GtkBuilder, the app's text domain) */
  g_assert_cmpstr (button_label (window, "connect_button"), ==, connect);
  g_assert_cmpstr (button_label (window, "connect_button"), ==, "_Verbinden");
  g_assert_cmpstr (button_label (window, "cancel_button"), ==, cancel);
  g_assert_cmpstr (button_label (window, "password_mode"), ==, password);
  g_assert_cmpstr (button_label (window, "cert_mode"), ==, certificate);
  g_assert_cmpstr (gtk_expander_get_label (options), ==, server_options);
  g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (window), heading));
  g_assert_true (gtk_widget_get_sensitive (xgb_ui_login_child (window, "connect_button")));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-de.png");

  /* A label inside the options, once they are open */
  gtk_expander_set_expanded (options, TRUE);
  {
    g_autofree char *plain = g_strdup (ca_file);
    char *underline = strchr (plain, '_');

    g_assert_nonnull (underline);
    memmove (underline, underline + 1, strlen (underline));
    gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
    g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (window), plain));
  }
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-de-options.png");
  gtk_expander_set_expanded (options, FALSE);

  /* The core's check of the address (g_dgettext in libxgb-core) */
  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "ein name@example.org");
  g_assert_false (xgb_login_view_submit (view));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (jid_error)));
  g_assert_nonnull (strstr (gtk_label_get_text (jid_error), space));

  /* The view's own messages (gettext in the UI code) */
  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "example.org");
  g_assert_false (xgb_login_view_submit (view));
  g_assert_nonnull (strstr (gtk_label_get_text (jid_error), form));
  gtk_editable_set_text (GTK_EDITABLE (jid_entry), "admin@example.org");
  g_assert_false (xgb_login_view_submit (view));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (xgb_ui_login_child (window, "password_error"))), ==,
                   no_password);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-de-invalid.png");

  /* The certificate mode */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (xgb_ui_login_child (window, "cert_mode")), TRUE);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-de-certificate.png");
}

static void
test_login_in_german (void)
{
  XgbUiRun state;

  g_assert_cmpint (xgb_ui_run_app (NULL, check_login_in_german, NULL, &state), ==, 0);
  g_assert_true (state.checked);
}

/* The command line's errors are translated too (before any window) */
static void
test_options_in_german (void)
{
  g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);
  g_autofree char *expected = g_strdup_printf (xgb_ui_german ("Invalid port “%s”: a port is a number from 1 to 65535."),
                                               "0");
  g_autoptr(XgbLoginParams) params = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_dict_insert (options, "port", "s", "0");
  params = xgb_application_params_from_options (options, NULL, &error);
  g_assert_null (params);
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_true (g_str_has_prefix (error->message, "Ungültiger Port"));
}

int
main (int   argc,
      char *argv[])
{
  xgb_ui_german_init (&argc, &argv);

  g_test_add_func ("/ui/german/login-view", test_login_in_german);
  g_test_add_func ("/ui/german/command-line", test_options_in_german);

  return g_test_run ();
}
