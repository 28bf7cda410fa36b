/* xgb-login-view.h - the form that logs an administrator in
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-accounts.h"
#include "xgb-login-params.h"

G_BEGIN_DECLS

#define XGB_TYPE_LOGIN_VIEW (xgb_login_view_get_type ())
G_DECLARE_FINAL_TYPE (XgbLoginView, xgb_login_view, XGB, LOGIN_VIEW, GtkWidget)

GtkWidget       *xgb_login_view_new          (void);
void             xgb_login_view_set_params   (XgbLoginView          *self,
                                              const XgbLoginParams  *params);
XgbLoginParams  *xgb_login_view_get_params   (XgbLoginView          *self);
gboolean         xgb_login_view_submit       (XgbLoginView          *self);
void             xgb_login_view_set_busy     (XgbLoginView          *self,
                                              gboolean               busy,
                                              const char            *status);
gboolean         xgb_login_view_get_busy     (XgbLoginView          *self);

gboolean         xgb_login_view_get_cert_mode (XgbLoginView         *self);
void             xgb_login_view_set_cert_mode (XgbLoginView         *self,
                                               gboolean              cert_mode);
void             xgb_login_view_set_certificate (XgbLoginView       *self,
                                                 const char         *cert_file,
                                                 const char         *key_file);
void             xgb_login_view_choose_certificate (XgbLoginView    *self);

void             xgb_login_view_save_account_async  (XgbLoginView          *self,
                                                     const XgbLoginParams  *params,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
gboolean         xgb_login_view_save_account_finish (XgbLoginView          *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);
void             xgb_login_view_forget_secrets      (XgbLoginView          *self);
XgbAccount      *xgb_login_view_get_account         (XgbLoginView          *self);
void             xgb_login_view_choose_account      (XgbLoginView          *self,
                                                     XgbAccount            *account);

G_END_DECLS
