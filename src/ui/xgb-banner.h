/* xgb-banner.h - an inline message strip above a view
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  XGB_BANNER_INFO,
  XGB_BANNER_ERROR,
} XgbBannerKind;

#define XGB_TYPE_BANNER (xgb_banner_get_type ())
G_DECLARE_FINAL_TYPE (XgbBanner, xgb_banner, XGB, BANNER, GtkWidget)

GtkWidget   *xgb_banner_new          (void);
void         xgb_banner_show         (XgbBanner     *self,
                                      XgbBannerKind  kind,
                                      const char    *message);
void         xgb_banner_set_action   (XgbBanner     *self,
                                      const char    *label,
                                      const char    *action_name);
const char  *xgb_banner_get_action_label (XgbBanner *self);
void         xgb_banner_dismiss      (XgbBanner     *self);
const char  *xgb_banner_get_message  (XgbBanner     *self);
gboolean     xgb_banner_get_revealed (XgbBanner     *self);

G_END_DECLS
