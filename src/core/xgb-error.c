/* xgb-error.c - error domains of the XMPP-Grid Broker core
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-error"

#include "config.h"

#include <string.h>

#include "xgb-error.h"

G_DEFINE_QUARK (xgb-error-quark, xgb_error)
G_DEFINE_QUARK (xgb-stanza-error-quark, xgb_stanza_error)

/* Indexed by XgbStanzaError; the element names of RFC 6120 8.3.3. */
static const char * const conditions[] = {
  [XGB_STANZA_ERROR_UNDEFINED_CONDITION] = "undefined-condition",
  [XGB_STANZA_ERROR_BAD_REQUEST] = "bad-request",
  [XGB_STANZA_ERROR_CONFLICT] = "conflict",
  [XGB_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED] = "feature-not-implemented",
  [XGB_STANZA_ERROR_FORBIDDEN] = "forbidden",
  [XGB_STANZA_ERROR_GONE] = "gone",
  [XGB_STANZA_ERROR_INTERNAL_SERVER_ERROR] = "internal-server-error",
  [XGB_STANZA_ERROR_ITEM_NOT_FOUND] = "item-not-found",
  [XGB_STANZA_ERROR_JID_MALFORMED] = "jid-malformed",
  [XGB_STANZA_ERROR_NOT_ACCEPTABLE] = "not-acceptable",
  [XGB_STANZA_ERROR_NOT_ALLOWED] = "not-allowed",
  [XGB_STANZA_ERROR_NOT_AUTHORIZED] = "not-authorized",
  [XGB_STANZA_ERROR_POLICY_VIOLATION] = "policy-violation",
  [XGB_STANZA_ERROR_RECIPIENT_UNAVAILABLE] = "recipient-unavailable",
  [XGB_STANZA_ERROR_REDIRECT] = "redirect",
  [XGB_STANZA_ERROR_REGISTRATION_REQUIRED] = "registration-required",
  [XGB_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND] = "remote-server-not-found",
  [XGB_STANZA_ERROR_REMOTE_SERVER_TIMEOUT] = "remote-server-timeout",
  [XGB_STANZA_ERROR_RESOURCE_CONSTRAINT] = "resource-constraint",
  [XGB_STANZA_ERROR_SERVICE_UNAVAILABLE] = "service-unavailable",
  [XGB_STANZA_ERROR_SUBSCRIPTION_REQUIRED] = "subscription-required",
  [XGB_STANZA_ERROR_UNEXPECTED_REQUEST] = "unexpected-request",
};

/**
 * xgb_stanza_error_from_condition:
 * @condition: (nullable): an RFC 6120 defined-condition element name
 *
 * Returns: the matching code; unknown or missing names map to
 *   %XGB_STANZA_ERROR_UNDEFINED_CONDITION as RFC 6120 8.3.2 asks.
 */
XgbStanzaError
xgb_stanza_error_from_condition (const char *condition)
{
  if (condition == NULL)
    return XGB_STANZA_ERROR_UNDEFINED_CONDITION;

  for (guint i = 0; i < G_N_ELEMENTS (conditions); i++)
    if (strcmp (conditions[i], condition) == 0)
      return (XgbStanzaError) i;

  return XGB_STANZA_ERROR_UNDEFINED_CONDITION;
}

const char *
xgb_stanza_error_to_condition (XgbStanzaError code)
{
  if ((guint) code >= G_N_ELEMENTS (conditions))
    return conditions[XGB_STANZA_ERROR_UNDEFINED_CONDITION];

  return conditions[code];
}
