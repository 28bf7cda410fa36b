/* xgb-test-keyring.h - a private session bus, with or without a Secret
 * Service, for the tests of remembered passwords
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Starts a private D-Bus session bus that activates nothing, and points
 * DBUS_SESSION_BUS_ADDRESS at it (DISPLAY is kept).  Call it before
 * anything connects to the session bus.  With @with_keyring, also runs
 * gnome-keyring-daemon on it, with an unlocked login keyring in a
 * temporary home; returns FALSE when gnome-keyring-daemon is not
 * installed (the bus is up all the same, with no secret service). */
gboolean  xgb_test_secret_bus_up    (gboolean with_keyring);

/* Stops the keyring daemon, if any, and removes its home.  The bus
 * itself lives until the process exits (stopping it would make GIO's
 * session connection end the process). */
void      xgb_test_secret_bus_down  (void);

G_END_DECLS
