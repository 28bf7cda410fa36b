/* fuzz-password-file.c - the password file of non-interactive logins
 *
 * xgb-cli --password-file reads the first line of a file; the password
 * is valid UTF-8, has no line ending and no NUL, and is never empty.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-fuzz.h"
#include "xgb-login-params.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = xgb_fuzz_write_file ("password", data, size);
  g_autoptr(GError) error = NULL;
  char *password = xgb_password_read_file (path, &error);

  g_assert ((password == NULL) == (error != NULL));
  if (password != NULL)
    {
      g_assert (*password != '\0');
      g_assert (strlen (password) <= XGB_PASSWORD_FILE_MAX);
      /* the line ending goes, \n or \r\n; a lone \r is part of the line */
      g_assert (strchr (password, '\n') == NULL);
      g_assert (g_utf8_validate (password, -1, NULL));
      xgb_secret_free (password);
    }
  return 0;
}
