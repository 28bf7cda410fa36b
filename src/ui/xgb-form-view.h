/* xgb-form-view.h - any XEP-0004 data form as widgets
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-form.h"

G_BEGIN_DECLS

#define XGB_TYPE_FORM_VIEW (xgb_form_view_get_type ())
G_DECLARE_FINAL_TYPE (XgbFormView, xgb_form_view, XGB, FORM_VIEW, GtkWidget)

GtkWidget  *xgb_form_view_new          (void);
void        xgb_form_view_set_form     (XgbFormView   *self,
                                        const XgbForm *form);
char       *xgb_form_view_build_changes (XgbFormView  *self,
                                        GError      **error);
void        xgb_form_view_set_baseline (XgbFormView   *self,
                                        const XgbForm *baseline);
char       *xgb_form_view_build_submit (XgbFormView   *self,
                                        GError       **error);
GtkWidget  *xgb_form_view_get_input    (XgbFormView   *self,
                                        const char    *var);

G_END_DECLS
