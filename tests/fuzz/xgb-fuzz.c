/* xgb-fuzz.c - what the libFuzzer targets share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "xgb-fuzz.h"
#include "xgb-tls.h"
#include "xgb-xml.h"

static xmpp_ctx_t *strophe_ctx;
static char *tmpdir;

static GLogWriterOutput
writer_cb (GLogLevelFlags   level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      /* Printed and fatal: the fuzzer keeps the input as a crash. */
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static void
cleanup (void)
{
  if (tmpdir != NULL)
    remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  if (strophe_ctx != NULL)
    xmpp_ctx_free (strophe_ctx);
  strophe_ctx = NULL;
}

void
xgb_fuzz_init (void)
{
  g_autoptr(GError) error = NULL;

  g_log_set_writer_func (writer_cb, NULL, NULL);

  /* The order of the app (xgb-connection.c, library_init()): the TLS
   * floor before anything initialises OpenSSL. */
  if (!xgb_tls_init (&error))
    g_printerr ("xgb-fuzz: TLS setup failed: %s\n", error->message);
  xmlInitParser ();
  xmpp_initialize ();
  /* No logger: libstrophe stays quiet */
  strophe_ctx = xmpp_ctx_new (NULL, NULL);

  tmpdir = g_dir_make_tmp ("xgb-fuzz-XXXXXX", &error);
  if (tmpdir == NULL)
    {
      g_printerr ("xgb-fuzz: no temporary folder: %s\n", error->message);
      exit (1);
    }
  atexit (cleanup);
}

const char *
xgb_fuzz_tmpdir (void)
{
  return tmpdir;
}

char *
xgb_fuzz_string (const uint8_t *data,
                 size_t         size)
{
  if (size > 0 && memchr (data, '\0', size) != NULL)
    return NULL;
  return g_strndup ((const char *) data, size);
}

xmlDoc *
xgb_fuzz_stanza (const uint8_t *data,
                 size_t         size)
{
  g_autofree char *text = xgb_fuzz_string (data, size);
  xmpp_stanza_t *stanza;
  char *buf = NULL;
  size_t len = 0;
  xmlDoc *doc;

  if (text == NULL)
    return NULL;
  stanza = xmpp_stanza_new_from_string (strophe_ctx, text);
  if (stanza == NULL)
    return NULL;
  if (xmpp_stanza_to_text (stanza, &buf, &len) != XMPP_EOK)
    {
      xmpp_stanza_release (stanza);
      return NULL;
    }
  xmpp_stanza_release (stanza);
  doc = xgb_xml_parse (buf, len, NULL);
  xmpp_free (strophe_ctx, buf);
  return doc;
}

xmlNode *
xgb_fuzz_iq_reply (xmlDoc *doc)
{
  xmlNode *root = doc ? xmlDocGetRootElement (doc) : NULL;
  g_autofree char *type = NULL;

  if (root == NULL || g_strcmp0 ((const char *) root->name, "iq") != 0)
    return NULL;
  type = xgb_xml_get_attr (root, "type");
  if (g_strcmp0 (type, "error") == 0)
    {
      g_autoptr(GError) error = NULL;

      xgb_stanza_error_propagate (root, &error);
      g_assert (error != NULL && error->message != NULL);
      return NULL;
    }
  return root;
}

char *
xgb_fuzz_write_file (const char    *name,
                     const uint8_t *data,
                     size_t         size)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  /* No fsync(): thousands of files a second */
  if (!g_file_set_contents_full (path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
    {
      g_printerr ("xgb-fuzz: cannot write %s: %s\n", path, error->message);
      abort ();
    }
  return path;
}

void
xgb_fuzz_iterate (const gboolean *done)
{
  while (done == NULL || !*done)
    {
      /* Block only while something is still to come */
      if (!g_main_context_iteration (NULL, done != NULL) && done == NULL)
        break;
    }
}
