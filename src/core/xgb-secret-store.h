/* xgb-secret-store.h - passwords in the desktop's secret store (libsecret)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XGB_SECRET_STORE_ERROR (xgb_secret_store_error_quark ())

/**
 * XgbSecretStoreError:
 * @XGB_SECRET_STORE_ERROR_UNAVAILABLE: no secret service answers (none
 *   runs on the session bus, or there is no session bus)
 * @XGB_SECRET_STORE_ERROR_NOT_BUILT: this build has no libsecret
 * @XGB_SECRET_STORE_ERROR_FAILED: the secret store refused (locked, a
 *   prompt dismissed, …)
 */
typedef enum
{
  XGB_SECRET_STORE_ERROR_UNAVAILABLE,
  XGB_SECRET_STORE_ERROR_NOT_BUILT,
  XGB_SECRET_STORE_ERROR_FAILED,
} XgbSecretStoreError;

/**
 * XgbSecretKind:
 * @XGB_SECRET_PASSWORD: the account's password (SASL SCRAM)
 * @XGB_SECRET_PASSPHRASE: the passphrase of the certificate's key
 */
typedef enum
{
  XGB_SECRET_PASSWORD,
  XGB_SECRET_PASSPHRASE,
} XgbSecretKind;

GQuark    xgb_secret_store_error_quark   (void);

gboolean  xgb_secret_store_is_built      (void);

void      xgb_secret_store_check_async   (GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean  xgb_secret_store_check_finish  (GAsyncResult         *result,
                                          GError              **error);

void      xgb_secret_store_save_async    (const char           *jid,
                                          const char           *host,
                                          XgbSecretKind         kind,
                                          const char           *secret,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean  xgb_secret_store_save_finish   (GAsyncResult         *result,
                                          GError              **error);

void      xgb_secret_store_lookup_async  (const char           *jid,
                                          const char           *host,
                                          XgbSecretKind         kind,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
char     *xgb_secret_store_lookup_finish (GAsyncResult         *result,
                                          GError              **error);

void      xgb_secret_store_clear_async   (const char           *jid,
                                          const char           *host,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean  xgb_secret_store_clear_finish  (GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
