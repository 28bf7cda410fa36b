/* test-secret-store.c - remembered passwords in a real Secret Service
 * (gnome-keyring-daemon on a private bus), and what the app says when
 * none answers
 *
 * Each case runs in a subprocess with a bus of its own: libsecret and
 * GIO keep their session-bus connection for the process's life.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-login-params.h"
#include "xgb-secret-store.h"
#include "xgb-test-keyring.h"
#include "xgb-test-util.h"

static gboolean
check (GError **error)
{
  XgbTestResult r = { 0 };
  gboolean ok;

  xgb_secret_store_check_async (NULL, xgb_test_result_cb, &r);
  ok = xgb_secret_store_check_finish (xgb_test_result_wait (&r), error);
  xgb_test_result_clear (&r);
  return ok;
}

static gboolean
save (const char    *jid,
      const char    *host,
      XgbSecretKind  kind,
      const char    *secret,
      GError       **error)
{
  XgbTestResult r = { 0 };
  gboolean ok;

  xgb_secret_store_save_async (jid, host, kind, secret, NULL, xgb_test_result_cb, &r);
  ok = xgb_secret_store_save_finish (xgb_test_result_wait (&r), error);
  xgb_test_result_clear (&r);
  return ok;
}

static char *
lookup (const char    *jid,
        const char    *host,
        XgbSecretKind  kind,
        GError       **error)
{
  XgbTestResult r = { 0 };
  char *secret;

  xgb_secret_store_lookup_async (jid, host, kind, NULL, xgb_test_result_cb, &r);
  secret = xgb_secret_store_lookup_finish (xgb_test_result_wait (&r), error);
  xgb_test_result_clear (&r);
  return secret;
}

static gboolean
clear (const char  *jid,
       const char  *host,
       GError     **error)
{
  XgbTestResult r = { 0 };
  gboolean ok;

  xgb_secret_store_clear_async (jid, host, NULL, xgb_test_result_cb, &r);
  ok = xgb_secret_store_clear_finish (xgb_test_result_wait (&r), error);
  xgb_test_result_clear (&r);
  return ok;
}

/* --- no secret service on the bus ------------------------------------ */

static void
unavailable_child (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  xgb_test_secret_bus_up (FALSE);

  g_assert_false (check (&error));
  if (!xgb_secret_store_is_built ())
    {
      g_assert_error (error, XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_NOT_BUILT);
      return;
    }
  g_assert_error (error, XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_UNAVAILABLE);
  /* the words the login view shows */
  g_assert_cmpstr (error->message, ==, "The desktop’s secret store is not available.");
  g_clear_error (&error);

  g_assert_false (save ("admin@grid.example", NULL, XGB_SECRET_PASSWORD, "pw", &error));
  g_assert_error (error, XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  secret = lookup ("admin@grid.example", NULL, XGB_SECRET_PASSWORD, &error);
  g_assert_null (secret);
  g_assert_error (error, XGB_SECRET_STORE_ERROR, XGB_SECRET_STORE_ERROR_UNAVAILABLE);
}

static void
test_unavailable (void)
{
  g_test_trap_subprocess ("/secret-store/unavailable/subprocess", 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* --- gnome-keyring-daemon -------------------------------------------- */

static void
keyring_child (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  g_assert_true (xgb_test_secret_bus_up (TRUE));

  g_assert_true (check (&error));
  g_assert_no_error (error);

  /* nothing yet: NULL without an error */
  secret = lookup ("admin@grid.example", "xmpp.grid.example", XGB_SECRET_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  g_assert_true (save ("admin@grid.example/laptop", "xmpp.grid.example", XGB_SECRET_PASSWORD, "s3cret-pw", &error));
  g_assert_no_error (error);
  g_assert_true (save ("admin@grid.example", "xmpp.grid.example", XGB_SECRET_PASSPHRASE, "key-phrase", &error));
  g_assert_no_error (error);
  g_assert_true (save ("admin@grid.example", NULL, XGB_SECRET_PASSWORD, "other-host-pw", &error));
  g_assert_no_error (error);

  /* keyed by bare JID (any case), host and kind */
  secret = lookup ("ADMIN@grid.example", "XMPP.grid.example", XGB_SECRET_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret-pw");
  xgb_secret_free (secret);
  secret = lookup ("admin@grid.example", "xmpp.grid.example", XGB_SECRET_PASSPHRASE, &error);
  g_assert_cmpstr (secret, ==, "key-phrase");
  xgb_secret_free (secret);
  secret = lookup ("admin@grid.example", "", XGB_SECRET_PASSWORD, &error);
  g_assert_cmpstr (secret, ==, "other-host-pw");
  xgb_secret_free (secret);
  secret = lookup ("bob@grid.example", "xmpp.grid.example", XGB_SECRET_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  /* a new password replaces the old one */
  save ("admin@grid.example", "xmpp.grid.example", XGB_SECRET_PASSWORD, "new-pw", &error);
  g_assert_no_error (error);
  secret = lookup ("admin@grid.example", "xmpp.grid.example", XGB_SECRET_PASSWORD, &error);
  g_assert_cmpstr (secret, ==, "new-pw");
  xgb_secret_free (secret);

  /* forgetting the account clears both of its secrets, and only those */
  g_assert_true (clear ("admin@grid.example", "xmpp.grid.example", &error));
  g_assert_no_error (error);
  secret = lookup ("admin@grid.example", "xmpp.grid.example", XGB_SECRET_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  secret = lookup ("admin@grid.example", "xmpp.grid.example", XGB_SECRET_PASSPHRASE, &error);
  g_assert_null (secret);
  secret = lookup ("admin@grid.example", NULL, XGB_SECRET_PASSWORD, &error);
  g_assert_cmpstr (secret, ==, "other-host-pw");
  xgb_secret_free (secret);
  /* clearing what is not there is no error */
  g_assert_true (clear ("nobody@grid.example", NULL, &error));
  g_assert_no_error (error);

  xgb_test_secret_bus_down ();
}

static void
test_keyring (void)
{
  if (!xgb_secret_store_is_built ())
    {
      g_test_skip ("built without libsecret");
      return;
    }
  {
    g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");

    if (daemon == NULL)
      {
        g_test_skip ("gnome-keyring-daemon is not installed (build-aux/deps.sh installs it)");
        return;
      }
  }
  g_test_trap_subprocess ("/secret-store/keyring/subprocess", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret-store/unavailable", test_unavailable);
  g_test_add_func ("/secret-store/unavailable/subprocess", unavailable_child);
  g_test_add_func ("/secret-store/keyring", test_keyring);
  g_test_add_func ("/secret-store/keyring/subprocess", keyring_child);

  return g_test_run ();
}
