/* xgb-keystore.h - the client certificates an administrator has at hand
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xgb-cert.h"

G_BEGIN_DECLS

/**
 * XgbKeystoreSource:
 * @XGB_KEYSTORE_SOURCE_APP: the app's own keystore folder
 * @XGB_KEYSTORE_SOURCE_PKI: a file under ~/.pki
 * @XGB_KEYSTORE_SOURCE_ADDED: a file added for this session
 * @XGB_KEYSTORE_SOURCE_NSS: the NSS shared database ~/.pki/nssdb
 * @XGB_KEYSTORE_SOURCE_PKCS11: a PKCS#11 token
 */
typedef enum
{
  XGB_KEYSTORE_SOURCE_APP,
  XGB_KEYSTORE_SOURCE_PKI,
  XGB_KEYSTORE_SOURCE_ADDED,
  XGB_KEYSTORE_SOURCE_NSS,
  XGB_KEYSTORE_SOURCE_PKCS11,
} XgbKeystoreSource;

#define XGB_TYPE_KEYSTORE_ENTRY (xgb_keystore_entry_get_type ())
G_DECLARE_FINAL_TYPE (XgbKeystoreEntry, xgb_keystore_entry, XGB, KEYSTORE_ENTRY, GObject)

#define XGB_TYPE_KEYSTORE (xgb_keystore_get_type ())
G_DECLARE_FINAL_TYPE (XgbKeystore, xgb_keystore, XGB, KEYSTORE, GObject)

XgbKeystoreSource  xgb_keystore_entry_get_source      (XgbKeystoreEntry  *self);
const char        *xgb_keystore_entry_get_title       (XgbKeystoreEntry  *self);
const char        *xgb_keystore_entry_get_location    (XgbKeystoreEntry  *self);
const char        *xgb_keystore_entry_get_cert_file   (XgbKeystoreEntry  *self);
const char        *xgb_keystore_entry_get_key_file    (XgbKeystoreEntry  *self);
const char        *xgb_keystore_entry_get_nickname    (XgbKeystoreEntry  *self);
XgbClientCert     *xgb_keystore_entry_get_cert        (XgbKeystoreEntry  *self);
gboolean           xgb_keystore_entry_get_locked      (XgbKeystoreEntry  *self);
gboolean           xgb_keystore_entry_get_can_log_in  (XgbKeystoreEntry  *self);
const char        *xgb_keystore_entry_get_note        (XgbKeystoreEntry  *self);

void               xgb_keystore_entry_unlock_async    (XgbKeystoreEntry     *self,
                                                       XgbKeystore          *keystore,
                                                       const char           *passphrase,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean           xgb_keystore_entry_unlock_finish   (XgbKeystoreEntry     *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

XgbKeystore       *xgb_keystore_new                   (void);
XgbKeystore       *xgb_keystore_new_for_home          (const char           *home,
                                                       const char           *keystore_dir);
const char        *xgb_keystore_get_dir               (XgbKeystore          *self);
const char        *xgb_keystore_get_nss_dir           (XgbKeystore          *self);
void               xgb_keystore_set_ca_file           (XgbKeystore          *self,
                                                       const char           *ca_file);
void               xgb_keystore_add_file              (XgbKeystore          *self,
                                                       const char           *cert_file,
                                                       const char           *key_file);

void               xgb_keystore_scan_async            (XgbKeystore          *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GListModel        *xgb_keystore_scan_finish           (XgbKeystore          *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void               xgb_keystore_import_async          (XgbKeystore          *self,
                                                       const char           *path,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
char              *xgb_keystore_import_finish         (XgbKeystore          *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void               xgb_keystore_export_nss_async      (XgbKeystore          *self,
                                                       XgbKeystoreEntry     *entry,
                                                       const char           *passphrase,
                                                       const char           *db_password,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
char              *xgb_keystore_export_nss_finish     (XgbKeystore          *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

char              *xgb_keystore_get_default_dir       (void);
GStrv              xgb_keystore_list_crl_files        (const char           *dir);

G_END_DECLS
