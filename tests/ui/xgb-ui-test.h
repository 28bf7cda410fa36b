/* xgb-ui-test.h - running the real application in UI tests
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-application.h"
#include "xgb-window.h"

G_BEGIN_DECLS

typedef void (*XgbUiCheck) (XgbWindow *window,
                            gpointer   data);

typedef struct
{
  XgbApplication *app;
  XgbWindow      *window;
  XgbUiCheck      check;
  gpointer        data;
  guint           n_windows;
  gboolean        checked;
} XgbUiRun;

int         xgb_ui_run_app           (const char * const *args,
                                      XgbUiCheck          check,
                                      gpointer            data,
                                      XgbUiRun           *out_run);

GtkWidget  *xgb_ui_login_child       (XgbWindow          *window,
                                      const char         *name);
gboolean    xgb_ui_has_mapped_label  (GtkWidget          *widget,
                                      const char         *text);
void        xgb_ui_save_screenshot   (GtkWidget          *widget,
                                      const char         *name);

void        xgb_ui_wait              (gboolean          (*done) (gpointer data),
                                      gpointer            data,
                                      double              timeout_s);
void        xgb_ui_press_enter       (GtkWidget          *entry);
void        xgb_ui_wait_for_revealed (XgbBanner          *banner);

gboolean    xgb_ui_widget_visible    (gpointer            widget);
gboolean    xgb_ui_on_session_page   (gpointer            window);
gboolean    xgb_ui_tree_loaded       (gpointer            browser);
gpointer    xgb_ui_find_toplevel     (GType               type);
gpointer    xgb_ui_wait_toplevel     (GType               type);
char       *xgb_ui_password_file     (const char         *dir,
                                      const char         *name,
                                      const char         *password);
gboolean    xgb_ui_banner_revealed   (gpointer            banner);

G_END_DECLS
