/* test-login-params.c - login parameters and password files
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xgb-error.h"
#include "xgb-login-params.h"
#include "xgb-test-util.h"

static char *tmpdir;

static char *
write_file (const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

static void
test_password_file_ok (void)
{
  struct { const char *contents; gssize length; const char *expected; } cases[] = {
    { "s3cret\n", -1, "s3cret" },
    { "s3cret", -1, "s3cret" },
    { "s3cret\r\n", -1, "s3cret" },
    { "with space and ü\nsecond line ignored\n", -1, "with space and ü" },
    { "trailing  \n", -1, "trailing  " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file ("pw", cases[i].contents, cases[i].length);
      g_autoptr(GError) error = NULL;
      char *password = xgb_password_read_file (path, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (password, ==, cases[i].expected);
      xgb_secret_free (password);
    }
}

static void
test_password_file_bad (void)
{
  g_autofree char *long_line = g_strnfill (XGB_PASSWORD_FILE_MAX + 1, 'p');
  struct { const char *contents; gssize length; const char *message_part; } cases[] = {
    { "", 0, "does not start with a password" },
    { "\nsecond", -1, "does not start with a password" },
    { "\r\n", -1, "does not start with a password" },
    { "ab\0cd\n", 6, "not valid UTF-8" },
    { "\xff\xfe\n", -1, "not valid UTF-8" },
    { long_line, -1, "too long" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file ("pw-bad", cases[i].contents, cases[i].length);
      g_autoptr(GError) error = NULL;
      char *password = xgb_password_read_file (path, &error);

      g_assert_null (password);
      g_assert_error (error, XGB_ERROR, XGB_ERROR_FILE);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }
}

static void
test_password_file_missing (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "does-not-exist", NULL);
  g_autoptr(GError) error = NULL;
  char *password = xgb_password_read_file (path, &error);

  g_assert_null (password);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "does-not-exist"));
}

static XgbLoginParams *
valid_params (void)
{
  XgbLoginParams *params = xgb_login_params_new ();

  params->jid = g_strdup ("admin@example.org");
  xgb_login_params_set_password (params, "pw");
  return params;
}

static void
test_validate (void)
{
  g_autoptr(XgbLoginParams) params = valid_params ();
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = write_file ("ca.pem", "not checked here\n", -1);

  g_assert_true (xgb_login_params_validate (params, &error));
  g_assert_no_error (error);

  params->ca_file = g_strdup (ca);
  params->broker = g_strdup ("pubsub.example.org");
  params->port = 5222;
  g_assert_true (xgb_login_params_validate (params, &error));
  g_assert_no_error (error);
}

static void
test_validate_errors (void)
{
  struct { const char *field; const char *value; guint port; const char *message_part; } cases[] = {
    { "jid", "example.org", 0, "name@server" },
    { "jid", "a b@example.org", 0, "Invalid JID" },
    { "jid", NULL, 0, "empty" },
    { "broker", "pub sub", 0, "Invalid Broker JID" },
    { "port", NULL, 70000, "65535" },
    { "ca_file", "/nonexistent/ca.pem", 0, "/nonexistent/ca.pem" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XgbLoginParams) params = valid_params ();
      g_autoptr(GError) error = NULL;

      if (g_str_equal (cases[i].field, "jid"))
        {
          g_free (params->jid);
          params->jid = g_strdup (cases[i].value);
        }
      else if (g_str_equal (cases[i].field, "broker"))
        params->broker = g_strdup (cases[i].value);
      else if (g_str_equal (cases[i].field, "ca_file"))
        params->ca_file = g_strdup (cases[i].value);
      params->port = cases[i].port;

      g_assert_false (xgb_login_params_validate (params, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("“%s” lacks “%s”", error->message, cases[i].message_part);
    }
}

static void
test_copy (void)
{
  g_autoptr(XgbLoginParams) params = valid_params ();
  g_autoptr(XgbLoginParams) copy = NULL;

  params->host = g_strdup ("127.0.0.1");
  params->port = 15222;
  params->connect = TRUE;
  copy = xgb_login_params_copy (params);

  g_assert_cmpstr (copy->jid, ==, params->jid);
  g_assert_cmpstr (copy->password, ==, "pw");
  g_assert_true (copy->password != params->password);
  g_assert_cmpstr (copy->host, ==, "127.0.0.1");
  g_assert_cmpuint (copy->port, ==, 15222);
  g_assert_true (copy->connect);

  xgb_login_params_set_password (copy, NULL);
  g_assert_null (copy->password);
  g_assert_cmpstr (params->password, ==, "pw");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = xgb_test_make_tmpdir ("xgb-test-XXXXXX");
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/login-params/password-file/ok", test_password_file_ok);
  g_test_add_func ("/login-params/password-file/bad", test_password_file_bad);
  g_test_add_func ("/login-params/password-file/missing", test_password_file_missing);
  g_test_add_func ("/login-params/validate", test_validate);
  g_test_add_func ("/login-params/validate-errors", test_validate_errors);
  g_test_add_func ("/login-params/copy", test_copy);

  ret = g_test_run ();

  xgb_test_remove_tmpdir (tmpdir);

  return ret;
}
