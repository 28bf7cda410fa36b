/* xgb-sasl.h - which SASL mechanism a login will use, and the app's policy
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char      **xgb_sasl_parse_mechanisms (const char          *features,
                                       GError             **error);
char      **xgb_sasl_login_order      (const char * const  *offered,
                                       gboolean             has_client_cert,
                                       gboolean             has_password);
gboolean    xgb_sasl_is_weak          (const char          *mechanism);
gboolean    xgb_sasl_check_policy     (const char * const  *offered,
                                       gboolean             has_client_cert,
                                       gboolean             has_password,
                                       gboolean             allow_weak,
                                       GError             **error);
char       *xgb_sasl_redact           (const char          *text);

G_END_DECLS
