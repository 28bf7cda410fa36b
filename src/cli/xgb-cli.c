/* xgb-cli.c - the command-line face of the XMPP-Grid Broker core
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>

#include "xgb-error.h"
#include "xgb-jid.h"

typedef int (*XgbCliCommand) (int argc, char **argv);

static int
cmd_jid (int    argc,
         char **argv)
{
  int status = EXIT_SUCCESS;

  if (argc < 2)
    {
      g_printerr ("%s\n", _("Usage: xgb-cli jid JID…"));
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XgbJid) jid = xgb_jid_parse (argv[i], &error);

      if (jid == NULL)
        {
          g_printerr ("%s: %s\n", argv[i], error->message);
          status = EXIT_FAILURE;
          continue;
        }

      g_print ("local=%s\tdomain=%s\tresource=%s\n",
               xgb_jid_get_local (jid) ? xgb_jid_get_local (jid) : "",
               xgb_jid_get_domain (jid),
               xgb_jid_get_resource (jid) ? xgb_jid_get_resource (jid) : "");
    }

  return status;
}

static const struct
{
  const char    *name;
  XgbCliCommand  run;
  const char    *summary;
} commands[] = {
  { "jid", cmd_jid, N_("Check addresses and print their parts") },
};

static void
print_usage (void)
{
  g_print ("%s\n\n", _("Usage: xgb-cli [--version] COMMAND [ARGUMENTS…]"));
  g_print ("%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-12s %s\n", commands[i].name, _(commands[i].summary));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage ();
      return argc < 2 ? 2 : EXIT_SUCCESS;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("xgb-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("Unknown command “%s”.\n"), argv[1]);
  print_usage ();
  return 2;
}
