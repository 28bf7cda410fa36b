/* test-sasl.c - the mechanism policy, stream features and fingerprints
 * (no network)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-login-params.h"
#include "xgb-sasl.h"
#include "xgb-tls.h"

/* As ejabberd 23.01 sends them after TLS (seen here) */
static const char ejabberd_features[] =
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
  "<mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-512-PLUS</mechanism>"
  "<mechanism>SCRAM-SHA-512</mechanism><mechanism>SCRAM-SHA-256-PLUS</mechanism>"
  "<mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1-PLUS</mechanism>"
  "<mechanism>SCRAM-SHA-1</mechanism><mechanism>EXTERNAL</mechanism></mechanisms>"
  "<register xmlns='http://jabber.org/features/iq-register'/></stream:features>";

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) mechs = xgb_sasl_parse_mechanisms (ejabberd_features, &error);
  g_auto(GStrv) lower = xgb_sasl_parse_mechanisms ("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                                    "<mechanism> scram-sha-1 </mechanism></mechanisms></stream:features>",
                                                    NULL);
  g_auto(GStrv) none = xgb_sasl_parse_mechanisms ("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                                                   "</stream:features>", NULL);
  /* mechanisms in another namespace are not SASL's */
  g_auto(GStrv) wrong_ns = xgb_sasl_parse_mechanisms ("<stream:features><mechanisms xmlns='urn:other'>"
                                                       "<mechanism>PLAIN</mechanism></mechanisms></stream:features>",
                                                       NULL);
  g_auto(GStrv) garbage = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (mechs), ==, 8);
  g_assert_cmpstr (mechs[0], ==, "PLAIN");
  g_assert_cmpstr (mechs[7], ==, "EXTERNAL");
  g_assert_cmpstr (lower[0], ==, "SCRAM-SHA-1");
  g_assert_nonnull (none);
  g_assert_null (none[0]);
  g_assert_null (wrong_ns[0]);

  garbage = xgb_sasl_parse_mechanisms ("<stream:features><mechanisms", &error);
  g_assert_null (garbage);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL);
}

static void
test_order (void)
{
  g_auto(GStrv) offered = xgb_sasl_parse_mechanisms (ejabberd_features, NULL);
  const char *digest[] = { "DIGEST-MD5", "SCRAM-SHA-1", "PLAIN", NULL };
  const char *plain[] = { "PLAIN", "ANONYMOUS", NULL };
  const char *external_plain[] = { "EXTERNAL", "PLAIN", NULL };
  g_auto(GStrv) password = xgb_sasl_login_order ((const char * const *) offered, FALSE, TRUE);
  g_auto(GStrv) cert = xgb_sasl_login_order ((const char * const *) offered, TRUE, FALSE);
  g_auto(GStrv) with_digest = xgb_sasl_login_order (digest, FALSE, TRUE);
  g_auto(GStrv) only_plain = xgb_sasl_login_order (plain, FALSE, TRUE);
  g_auto(GStrv) no_password = xgb_sasl_login_order (plain, FALSE, FALSE);
  g_auto(GStrv) ext_plain = xgb_sasl_login_order (external_plain, TRUE, TRUE);
  g_auto(GStrv) ext_plain_no_cert = xgb_sasl_login_order (external_plain, FALSE, TRUE);

  /* libstrophe 0.12: the SCRAMs strongest first, no -PLUS */
  g_assert_cmpuint (g_strv_length (password), ==, 3);
  g_assert_cmpstr (password[0], ==, "SCRAM-SHA-512");
  g_assert_cmpstr (password[1], ==, "SCRAM-SHA-256");
  g_assert_cmpstr (password[2], ==, "SCRAM-SHA-1");
  /* EXTERNAL only with a certificate; nothing else without a password */
  g_assert_cmpuint (g_strv_length (cert), ==, 1);
  g_assert_cmpstr (cert[0], ==, "EXTERNAL");
  /* DIGEST-MD5 is the fallback after SCRAM; PLAIN is dropped */
  g_assert_cmpuint (g_strv_length (with_digest), ==, 2);
  g_assert_cmpstr (with_digest[1], ==, "DIGEST-MD5");
  g_assert_cmpuint (g_strv_length (only_plain), ==, 1);
  g_assert_cmpstr (only_plain[0], ==, "PLAIN");
  g_assert_null (no_password[0]);
  /* PLAIN is dropped when EXTERNAL counts (a certificate is set) */
  g_assert_cmpuint (g_strv_length (ext_plain), ==, 1);
  g_assert_cmpstr (ext_plain_no_cert[0], ==, "PLAIN");
}

static void
test_policy (void)
{
  const char *digest_only[] = { "DIGEST-MD5", NULL };
  const char *digest[] = { "DIGEST-MD5", "SCRAM-SHA-1", NULL };
  const char *plain[] = { "PLAIN", NULL };
  const char *scram[] = { "SCRAM-SHA-256", NULL };
  const char *none[] = { "X-OAUTH2", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_sasl_is_weak ("PLAIN"));
  g_assert_true (xgb_sasl_is_weak ("DIGEST-MD5"));
  g_assert_false (xgb_sasl_is_weak ("SCRAM-SHA-1"));
  g_assert_false (xgb_sasl_is_weak (NULL));

  g_assert_true (xgb_sasl_check_policy (scram, FALSE, TRUE, FALSE, &error));
  g_assert_no_error (error);
  /* SCRAM first: allowed (the fallback is stopped during the login) */
  g_assert_true (xgb_sasl_check_policy (digest, FALSE, TRUE, FALSE, &error));

  g_assert_false (xgb_sasl_check_policy (plain, FALSE, TRUE, FALSE, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_WEAK_MECHANISM);
  g_clear_error (&error);
  g_assert_false (xgb_sasl_check_policy (digest_only, FALSE, TRUE, FALSE, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_WEAK_MECHANISM);
  g_clear_error (&error);
  g_assert_true (xgb_sasl_check_policy (plain, FALSE, TRUE, TRUE, &error));
  g_assert_true (xgb_sasl_check_policy (digest_only, FALSE, TRUE, TRUE, &error));

  g_assert_false (xgb_sasl_check_policy (none, FALSE, TRUE, TRUE, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  /* a certificate and no EXTERNAL on offer */
  g_assert_false (xgb_sasl_check_policy (scram, TRUE, FALSE, FALSE, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "EXTERNAL"));
}

#define FP "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"

static void
test_fingerprint (void)
{
  const char *same[] = {
    FP,
    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
    "sha256 Fingerprint=" FP,
    "SHA256:" FP,
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\nAB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\n",
  };
  const char *bad[] = { "", "AB:CD", "GG:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89", FP ":00", "sha1 Fingerprint=AB:CD" };
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autofree char *n = xgb_cert_fingerprint_normalize (same[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (n, ==, FP);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *n = xgb_cert_fingerprint_normalize (bad[i], &error);

      g_assert_null (n);
      g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  /* pins: normalized, no duplicates, compared in any spelling */
  g_assert_false (xgb_login_params_has_pin (params, FP));
  xgb_login_params_add_pin (params, same[1]);
  xgb_login_params_add_pin (params, FP);
  g_assert_cmpuint (g_strv_length (params->pins), ==, 1);
  g_assert_cmpstr (params->pins[0], ==, FP);
  g_assert_true (xgb_login_params_has_pin (params, same[2]));
  g_assert_false (xgb_login_params_has_pin (params, NULL));

  {
    g_autoptr(XgbLoginParams) copy = xgb_login_params_copy (params);

    g_assert_cmpstr (copy->pins[0], ==, FP);
    g_assert_true (copy->pins != params->pins);
  }

  /* validate refuses a pin that is none */
  params->jid = g_strdup ("admin@example.org");
  g_assert_true (xgb_login_params_validate (params, &error));
  g_strfreev (params->pins);
  params->pins = g_strdupv ((char **) (const char *[]) { "nonsense", NULL });
  g_assert_false (xgb_login_params_validate (params, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sasl/parse", test_parse);
  g_test_add_func ("/sasl/order", test_order);
  g_test_add_func ("/sasl/policy", test_policy);
  g_test_add_func ("/sasl/fingerprint", test_fingerprint);

  return g_test_run ();
}
