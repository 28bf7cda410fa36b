/* xgb-cert-picker.h - choose a client certificate from the keystore
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-keystore.h"

G_BEGIN_DECLS

#define XGB_TYPE_CERT_PICKER (xgb_cert_picker_get_type ())
G_DECLARE_FINAL_TYPE (XgbCertPicker, xgb_cert_picker, XGB, CERT_PICKER, GtkWindow)

XgbCertPicker    *xgb_cert_picker_new          (GtkWindow           *parent,
                                                XgbKeystore         *keystore);
void              xgb_cert_picker_run_async    (XgbCertPicker       *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
XgbKeystoreEntry *xgb_cert_picker_run_finish   (XgbCertPicker       *self,
                                                GAsyncResult        *result,
                                                char               **passphrase,
                                                GError             **error);

/* What the buttons do, for keyboard handlers and tests */
GListModel       *xgb_cert_picker_get_entries  (XgbCertPicker       *self);
gboolean          xgb_cert_picker_get_busy     (XgbCertPicker       *self);
XgbKeystoreEntry *xgb_cert_picker_get_selected (XgbCertPicker       *self);
void              xgb_cert_picker_select       (XgbCertPicker       *self,
                                                XgbKeystoreEntry    *entry);
void              xgb_cert_picker_unlock       (XgbCertPicker       *self,
                                                const char          *passphrase);
void              xgb_cert_picker_import_file  (XgbCertPicker       *self,
                                                const char          *path);
gboolean          xgb_cert_picker_choose       (XgbCertPicker       *self);
void              xgb_cert_picker_cancel       (XgbCertPicker       *self);

G_END_DECLS
