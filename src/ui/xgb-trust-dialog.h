/* xgb-trust-dialog.h - a server certificate that does not verify: trust it?
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-tls.h"

G_BEGIN_DECLS

#define XGB_TYPE_TRUST_DIALOG (xgb_trust_dialog_get_type ())
G_DECLARE_FINAL_TYPE (XgbTrustDialog, xgb_trust_dialog, XGB, TRUST_DIALOG, GtkWindow)

XgbTrustDialog *xgb_trust_dialog_new             (GtkWindow          *parent,
                                                  const char         *account,
                                                  const char         *server,
                                                  const XgbCertInfo  *cert,
                                                  const char         *problem,
                                                  const char * const *trusted_before);
void            xgb_trust_dialog_run_async       (XgbTrustDialog     *self,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean        xgb_trust_dialog_run_finish      (XgbTrustDialog     *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);
void            xgb_trust_dialog_respond         (XgbTrustDialog     *self,
                                                  gboolean            trust);
const char     *xgb_trust_dialog_get_fingerprint (XgbTrustDialog     *self);
gboolean        xgb_trust_dialog_get_changed     (XgbTrustDialog     *self);

char           *xgb_trust_format_fingerprint     (const char         *sha256);

G_END_DECLS
