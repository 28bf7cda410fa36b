/* xgb-ui-german.h - running the window in German (LANGUAGE=de)
 *
 * The test programs run the application in-process, so its main() and
 * the LOCALEDIR it binds are not involved: these helpers put the test
 * in the environment the issue names (LANG=C.UTF-8 LANGUAGE=de) and its
 * locale, bind the text domain to the catalogs meson built in
 * $XGB_BUILD_DIR/po, and read the expected German from po/de.po, so a
 * test compares the widgets with the translation and not with itself.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Call in main() instead of gtk_test_init() */
void        xgb_ui_german_init  (int         *argc,
                                 char      ***argv);

/* The msgstr of @msgid (without context or plural forms) in po/de.po;
 * fails the test if there is none, or if it is empty or still English. */
const char *xgb_ui_german   (const char *msgid) G_GNUC_FORMAT (1);

G_END_DECLS
