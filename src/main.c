/* main.c - XMPP-Grid Broker
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "xgb-application.h"

/* GTK 4.8 draws with OpenGL wherever it can, even where only Mesa's
 * software rasterizer (llvmpipe) is there.  On a machine without a GPU
 * (a VM, a remote desktop) that costs most of a second at startup and
 * stalls of 100-400 ms while lists fill, where GTK's cairo renderer
 * takes 0.15 s and 20-30 ms (build-aux/bench, README "Performance").
 * Without a GPU device, use cairo; GSK_RENDERER still decides. */
static void
choose_renderer (void)
{
  g_autoptr(GDir) dri = NULL;
  const char *name;

  if (g_getenv ("GSK_RENDERER") != NULL || g_file_test ("/dev/nvidia0", G_FILE_TEST_EXISTS))
    return;
  dri = g_dir_open ("/dev/dri", 0, NULL);
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    if (g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
      return;
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(XgbApplication) app = NULL;

  choose_renderer ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = xgb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
