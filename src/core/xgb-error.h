/* xgb-error.h - error domains of the XMPP-Grid Broker core
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XGB_ERROR (xgb_error_quark ())
#define XGB_STANZA_ERROR (xgb_stanza_error_quark ())

/**
 * XgbError:
 * Failures of the app itself or of the transport, as opposed to errors
 * that the server reported in a stanza (see #XgbStanzaError).
 */
typedef enum
{
  XGB_ERROR_FAILED,
  XGB_ERROR_INVALID_ARGUMENT,
  XGB_ERROR_NOT_CONNECTED,
  XGB_ERROR_TIMEOUT,
  XGB_ERROR_PROTOCOL,
  XGB_ERROR_AUTH_FAILED,
  XGB_ERROR_TLS,
  XGB_ERROR_HOST_UNREACHABLE,
  XGB_ERROR_CONNECTION_LOST,
  XGB_ERROR_FILE,
  XGB_ERROR_WEAK_MECHANISM,   /* the server would make us send PLAIN / DIGEST-MD5 */
  XGB_ERROR_CERT_CHANGED,     /* not the certificate the admin trusted */
} XgbError;

/**
 * XgbStanzaError:
 * The defined conditions of RFC 6120 section 8.3.3.
 */
typedef enum
{
  XGB_STANZA_ERROR_UNDEFINED_CONDITION,
  XGB_STANZA_ERROR_BAD_REQUEST,
  XGB_STANZA_ERROR_CONFLICT,
  XGB_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED,
  XGB_STANZA_ERROR_FORBIDDEN,
  XGB_STANZA_ERROR_GONE,
  XGB_STANZA_ERROR_INTERNAL_SERVER_ERROR,
  XGB_STANZA_ERROR_ITEM_NOT_FOUND,
  XGB_STANZA_ERROR_JID_MALFORMED,
  XGB_STANZA_ERROR_NOT_ACCEPTABLE,
  XGB_STANZA_ERROR_NOT_ALLOWED,
  XGB_STANZA_ERROR_NOT_AUTHORIZED,
  XGB_STANZA_ERROR_POLICY_VIOLATION,
  XGB_STANZA_ERROR_RECIPIENT_UNAVAILABLE,
  XGB_STANZA_ERROR_REDIRECT,
  XGB_STANZA_ERROR_REGISTRATION_REQUIRED,
  XGB_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND,
  XGB_STANZA_ERROR_REMOTE_SERVER_TIMEOUT,
  XGB_STANZA_ERROR_RESOURCE_CONSTRAINT,
  XGB_STANZA_ERROR_SERVICE_UNAVAILABLE,
  XGB_STANZA_ERROR_SUBSCRIPTION_REQUIRED,
  XGB_STANZA_ERROR_UNEXPECTED_REQUEST,
} XgbStanzaError;

GQuark          xgb_error_quark                    (void);
GQuark          xgb_stanza_error_quark             (void);

XgbStanzaError  xgb_stanza_error_from_condition    (const char     *condition);
const char     *xgb_stanza_error_to_condition      (XgbStanzaError  code);

G_END_DECLS
