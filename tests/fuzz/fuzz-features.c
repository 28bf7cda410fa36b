/* fuzz-features.c - the login probe's stream features and SASL policy
 *
 * What the server sends after the TLS handshake, as the probe reads it
 * (xgb_tls_probe_run(): up to the end of the features), and the same
 * features as libstrophe's log shows them to the login
 * (worker_check_features(): its own serialization); then the mechanism
 * order and the weak-login policy for every kind of account.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <strophe.h>

#include "xgb-fuzz.h"
#include "xgb-sasl.h"
#include "xgb-tls-private.h"

static xmpp_ctx_t *ctx;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  ctx = xmpp_ctx_new (NULL, NULL);
  return 0;
}

static void
check_offer (const char *features)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) offered = xgb_sasl_parse_mechanisms (features, &error);

  g_assert ((offered == NULL) == (error != NULL));
  if (offered == NULL)
    return;

  for (guint i = 0; offered[i] != NULL; i++)
    g_assert (*offered[i] != '\0' && strlen (offered[i]) <= 20);

  for (guint flags = 0; flags < 8; flags++)
    {
      gboolean has_cert = (flags & 1) != 0;
      gboolean has_password = (flags & 2) != 0;
      gboolean allow_weak = (flags & 4) != 0;
      g_auto(GStrv) order = xgb_sasl_login_order ((const char * const *) offered, has_cert, has_password);
      gboolean ok;

      g_clear_error (&error);
      ok = xgb_sasl_check_policy ((const char * const *) offered, has_cert, has_password, allow_weak, &error);
      g_assert (ok == (error == NULL));
      g_assert (!ok || (order[0] != NULL && (allow_weak || !xgb_sasl_is_weak (order[0]))));
      for (guint i = 0; order[i] != NULL; i++)
        g_assert (g_strv_contains ((const char * const *) offered, order[i]));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* The probe appends to a GString and searches it as a C string */
  g_autofree char *received = g_strndup ((const char *) data, size);
  g_autofree char *features = _xgb_tls_extract_features (received);
  xmpp_stanza_t *stanza;
  char *logged = NULL;
  size_t len = 0;

  if (features == NULL)
    return 0;
  check_offer (features);

  /* libstrophe parsed the features; its log line holds them as text */
  stanza = xmpp_stanza_new_from_string (ctx, features);
  if (stanza == NULL)
    return 0;
  if (xmpp_stanza_to_text (stanza, &logged, &len) == XMPP_EOK)
    {
      check_offer (logged);
      xmpp_free (ctx, logged);
    }
  xmpp_stanza_release (stanza);

  return 0;
}
