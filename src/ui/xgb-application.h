/* xgb-application.h - the XMPP-Grid Broker application
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-login-params.h"

G_BEGIN_DECLS

#define XGB_TYPE_APPLICATION (xgb_application_get_type ())
G_DECLARE_FINAL_TYPE (XgbApplication, xgb_application, XGB, APPLICATION, GtkApplication)

XgbApplication  *xgb_application_new              (void);
XgbLoginParams  *xgb_application_params_from_options (GVariantDict  *options,
                                                      GFile         *cwd,
                                                      GError       **error);

G_END_DECLS
