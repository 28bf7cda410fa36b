/* test-desktop.c - the About dialog and the shortcuts window
 *
 * Both are reached the way a user reaches them: from the main menu's
 * actions (app.about, win.show-help-overlay) and, for the shortcuts
 * window, its accelerator Ctrl+?.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-ui-test.h"

/* Whether the window's main menu (the menu button's model) has an item
 * for @action. */
static gboolean
menu_has_action (GMenuModel *menu,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
      section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }
  return FALSE;
}

static GtkMenuButton *
find_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL)
    return GTK_MENU_BUTTON (widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkMenuButton *found = find_menu_button (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
check_about (XgbWindow *window,
             gpointer   data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  GtkMenuButton *menu_button = find_menu_button (gtk_window_get_titlebar (GTK_WINDOW (window)));
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  GtkAboutDialog *about;
  const char * const *authors;

  g_assert_nonnull (menu_button);
  g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (menu_button), "app.about"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = xgb_ui_wait_toplevel (GTK_TYPE_ABOUT_DIALOG);
  g_assert_nonnull (about);

  g_assert_cmpstr (gtk_about_dialog_get_program_name (about), ==, "XMPP-Grid Broker");
  g_assert_cmpstr (gtk_about_dialog_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpint (gtk_about_dialog_get_license_type (about), ==, GTK_LICENSE_AGPL_3_0);
  g_assert_cmpstr (gtk_about_dialog_get_website (about), ==, PACKAGE_URL);
  authors = gtk_about_dialog_get_authors (about);
  g_assert_nonnull (authors);
  g_assert_cmpstr (authors[0], ==, "XMPP-Grid Broker developers");
  g_assert_cmpstr (gtk_about_dialog_get_logo_icon_name (about), ==, APP_ID);
  /* The logo comes from the app's resources even when not installed. */
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));

  xgb_ui_save_screenshot (GTK_WIDGET (about), "about.png");
  gtk_window_close (GTK_WINDOW (about));
}

static void
test_about (void)
{
  XgbUiRun state;

  g_assert_cmpint (xgb_ui_run_app (NULL, check_about, NULL, &state), ==, 0);
  g_assert_true (state.checked);
}

/* Collects the accelerators of every GtkShortcutsShortcut under @widget. */
static void
collect_accelerators (GtkWidget *widget,
                      GPtrArray *out)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *title = NULL;

      g_object_get (widget, "accelerator", &accelerator, "title", &title, NULL);
      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, "");
      g_assert_nonnull (accelerator);
      g_ptr_array_add (out, g_steal_pointer (&accelerator));
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_accelerators (c, out);
}

static void
check_shortcuts (XgbWindow *window,
                 gpointer   data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  GtkMenuButton *menu_button = find_menu_button (gtk_window_get_titlebar (GTK_WINDOW (window)));
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, "win.show-help-overlay");
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *overlay;
  gboolean has_ctrl_question = FALSE;

  g_assert_nonnull (menu_button);
  /* GtkApplication found gtk/help-overlay.ui in the resources. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (menu_button), "win.show-help-overlay"));
  for (guint i = 0; accels[i] != NULL; i++)
    {
      guint key = 0;
      GdkModifierType mods = 0;

      g_assert_true (gtk_accelerator_parse (accels[i], &key, &mods));
      has_ctrl_question |= key == GDK_KEY_question && mods == GDK_CONTROL_MASK;
    }
  g_assert_true (has_ctrl_question);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  overlay = xgb_ui_wait_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (overlay);

  /* Every accelerator the window shows is one GTK understands; the test
   * tests/data/check-shortcuts.py checks they are the app's bindings. */
  collect_accelerators (overlay, shown);
  g_assert_cmpuint (shown->len, >=, 20);
  for (guint i = 0; i < shown->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (shown->pdata[i], " ", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          guint key = 0;
          GdkModifierType mods = 0;

          if (!gtk_accelerator_parse (parts[j], &key, &mods) || key == 0)
            g_error ("the shortcuts window shows an accelerator GTK cannot parse: “%s”", parts[j]);
        }
    }

  gtk_window_set_default_size (GTK_WINDOW (overlay), 1100, 720);
  xgb_ui_save_screenshot (overlay, "shortcuts.png");
  gtk_window_close (GTK_WINDOW (overlay));
}

static void
test_shortcuts (void)
{
  XgbUiRun state;

  g_assert_cmpint (xgb_ui_run_app (NULL, check_shortcuts, NULL, &state), ==, 0);
  g_assert_true (state.checked);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/desktop/about", test_about);
  g_test_add_func ("/ui/desktop/shortcuts-window", test_shortcuts);

  return g_test_run ();
}
