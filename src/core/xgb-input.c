/* xgb-input.c - checks of what an administrator types
 *
 * Every text field of the app either refuses what cannot be sent (with
 * a message for the field's own error label) or sends it escaped.  JIDs
 * have xgb_jid_parse() and data forms xgb_form_validate(); these are
 * the checks of the other fields: node names, one-line texts such as a
 * title, and the host to connect to.  XML 1.0 cannot carry control
 * characters other than tab and newlines, nor U+FFFE and U+FFFF, so a
 * stanza holding one would never reach the server.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-input"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "xgb-error.h"
#include "xgb-input.h"
#include "xgb-jid.h"

/* Characters quoted in a message at most */
#define QUOTE_MAX 48

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

/* Control characters (C0, DEL, C1) and the two XML non-characters */
static gboolean
is_unsendable (gunichar c)
{
  return g_unichar_iscntrl (c) || c == 0xFFFE || c == 0xFFFF;
}

/**
 * xgb_node_name_validate:
 * @name: (nullable): a node name as typed
 *
 * A node name (XEP-0060 allows any string) that the app sends: not
 * empty, valid UTF-8, no control characters (a newline in an attribute
 * would reach the server as a space), at most %XGB_NODE_NAME_MAX bytes.
 * XML's metacharacters are fine: they are escaped.
 *
 * Returns: %FALSE with @error (%XGB_ERROR_INVALID_ARGUMENT, a message
 *   for the field) when @name cannot be used
 */
gboolean
xgb_node_name_validate (const char  *name,
                        GError     **error)
{
  if (name == NULL || *name == '\0')
    return fail (error, _("Enter a name for the node."));
  if (!g_utf8_validate (name, -1, NULL))
    return fail (error, _("The name is not valid UTF-8 text."));
  if (strlen (name) > XGB_NODE_NAME_MAX)
    return fail (error, _("A node name has no control characters and at most 1023 bytes."));
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (is_unsendable (g_utf8_get_char (p)))
      return fail (error, _("A node name has no control characters and at most 1023 bytes."));

  return TRUE;
}

/**
 * xgb_line_validate:
 * @text: (nullable): a one-line text such as a title; %NULL or empty
 *   is fine
 *
 * Valid UTF-8, one line, no control characters: the rules of a data
 * form's text-single field.
 */
gboolean
xgb_line_validate (const char  *text,
                   GError     **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    return fail (error, _("A value is not valid UTF-8 text."));
  if (strpbrk (text, "\r\n") != NULL)
    return fail (error, _("A single line is expected."));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (is_unsendable (g_utf8_get_char (p)) && *p != '\t')
      return fail (error, _("A value contains a control character."));

  return TRUE;
}

/**
 * xgb_host_validate:
 * @host: (nullable): the host to connect to instead of the JID's
 *   domain; %NULL or empty is fine (none)
 *
 * A DNS name or an IP address (IPv6 with or without brackets).
 */
gboolean
xgb_host_validate (const char  *host,
                   GError     **error)
{
  g_autoptr(XgbJid) jid = NULL;
  g_autoptr(GError) local_error = NULL;

  if (host == NULL || *host == '\0')
    return TRUE;
  if (!g_utf8_validate (host, -1, NULL))
    return fail (error, _("The server name contains a space or a control character."));
  if (strlen (host) > 1023)
    return fail (error, _("The server name is longer than 1023 bytes."));
  if (g_hostname_is_ip_address (host))
    return TRUE;
  if (strpbrk (host, "@/") != NULL)
    return fail (error, _("Enter a host name or an IP address, without “@” or “/”."));

  /* The rules of a JID's domain part, which a host name also follows */
  jid = xgb_jid_parse (host, &local_error);
  if (jid == NULL)
    return fail (error, local_error->message);

  return TRUE;
}

/**
 * xgb_input_quote:
 * @text: (nullable): what an administrator typed (or a server sent)
 *
 * @text as a message quotes it: valid UTF-8 on one line (control
 * characters become spaces), at most 48 characters with "…" for the
 * rest.  A message must never repeat 100 000 characters of a field.
 *
 * Returns: (transfer full): the text to put between quotes
 */
char *
xgb_input_quote (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;
  guint n = 0;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == QUOTE_MAX)
        {
          g_string_append (out, "…");
          break;
        }
      g_string_append_unichar (out, is_unsendable (c) ? ' ' : c);
    }

  return g_string_free (out, FALSE);
}
