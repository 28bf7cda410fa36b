/* xgb-test-keyring.c - a private session bus, with or without a Secret
 * Service, for the tests of remembered passwords
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xgb-test-keyring.h"
#include "xgb-test-util.h"

static GTestDBus *bus;
static GPid keyring_pid;
static char *keyring_home;

static gboolean
secret_service_owned (const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  g_dbus_connection_close_sync (connection, NULL, NULL);
  return owned;
}

/* The keyring's home has folders in it */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

gboolean
xgb_test_secret_bus_up (gboolean with_keyring)
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autofree char *daemon = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  const char *argv[] = { NULL, "--foreground", "--unlock", "--components=secrets", NULL };
  const char *address;
  int stdin_fd = -1;
  gint64 deadline;

  g_assert_null (bus);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  /* g_test_dbus_up() unsets DISPLAY (against D-Bus autolaunch); GTK needs it */
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  address = g_test_dbus_get_bus_address (bus);

  if (!with_keyring)
    return FALSE;
  daemon = g_find_program_in_path ("gnome-keyring-daemon");
  if (daemon == NULL)
    {
      g_test_message ("gnome-keyring-daemon is not installed: no secret service on the test bus");
      return FALSE;
    }

  /* Its own home: the login keyring it makes, its control socket */
  keyring_home = xgb_test_make_tmpdir ("xgb-keyring-XXXXXX");
  {
    g_autofree char *run = g_build_filename (keyring_home, "run", NULL);

    g_assert_cmpint (g_mkdir_with_parents (run, 0700), ==, 0);
    envp = g_get_environ ();
    envp = g_environ_setenv (envp, "HOME", keyring_home, TRUE);
    envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", run, TRUE);
    envp = g_environ_setenv (envp, "XDG_DATA_HOME", keyring_home, TRUE);
    envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", keyring_home, TRUE);
    envp = g_environ_setenv (envp, "XDG_CACHE_HOME", keyring_home, TRUE);
    envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
    /* No prompt on the X server: nothing here could answer it */
    envp = g_environ_unsetenv (envp, "DISPLAY");
  }
  argv[0] = daemon;
  g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                            NULL, NULL, &keyring_pid, &stdin_fd, NULL, NULL, &error);
  g_assert_no_error (error);
  /* --unlock reads the login keyring's password from stdin */
  g_assert_cmpint (write (stdin_fd, "xgb-test", 8), ==, 8);
  close (stdin_fd);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!secret_service_owned (address))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("gnome-keyring-daemon did not appear on the test bus within 10 s");
      g_usleep (20000);
    }
  return TRUE;
}

void
xgb_test_secret_bus_down (void)
{
  if (keyring_pid != 0)
    {
      int status;

      kill (keyring_pid, SIGTERM);
      waitpid (keyring_pid, &status, 0);
      g_spawn_close_pid (keyring_pid);
      keyring_pid = 0;
    }
  if (keyring_home != NULL)
    {
      remove_tree (keyring_home);
      g_clear_pointer (&keyring_home, g_free);
    }
}
