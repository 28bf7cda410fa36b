/* xgb-sasl.c - which SASL mechanism a login will use, and the app's policy
 *
 * libstrophe picks the mechanism itself and has no API to restrict it
 * (xmpp-facts.md).  Its choice is deterministic, though (auth.c of
 * libstrophe 0.12): EXTERNAL when a client certificate is set and the
 * server offers it; then, with a password, SCRAM-SHA-512, -256, -1,
 * DIGEST-MD5, and PLAIN only when nothing but PLAIN (and ANONYMOUS) is
 * offered.  A failed attempt falls through to the next one in that order.
 * Knowing the offered mechanisms (from the probe), the app can tell before
 * sending anything which mechanisms libstrophe would use, and refuse a
 * login that would send the password with PLAIN or DIGEST-MD5.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-sasl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xgb-error.h"
#include "xgb-sasl.h"
#include "xgb-xml.h"

#define NS_SASL   "urn:ietf:params:xml:ns:xmpp-sasl"
#define NS_STREAM "http://etherx.jabber.org/streams"

/**
 * xgb_sasl_parse_mechanisms:
 * @features: a `<stream:features>` element as the server sent it
 *
 * Returns: (transfer full): the offered mechanisms in the server's order,
 *   upper-case; empty when the server offers none
 */
char **
xgb_sasl_parse_mechanisms (const char  *features,
                           GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *wrapped = NULL;
  xmlDoc *doc;
  xmlNode *root;
  xmlNode *node;
  xmlNode *mechanisms = NULL;

  g_return_val_if_fail (features != NULL, NULL);

  /* The element comes out of a stream: declare the stream prefix. */
  wrapped = g_strconcat ("<stream:stream xmlns:stream='" NS_STREAM "' xmlns='jabber:client'>",
                         features, "</stream:stream>", NULL);
  doc = xgb_xml_parse (wrapped, strlen (wrapped), NULL);
  if (doc == NULL || (root = xmlDocGetRootElement (doc)) == NULL ||
      (node = xgb_xml_child (root, "features", NS_STREAM)) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server’s stream features cannot be read."));
      return NULL;
    }

  mechanisms = xgb_xml_child (node, "mechanisms", NS_SASL);
  for (xmlNode *m = mechanisms ? mechanisms->children : NULL; m != NULL; m = m->next)
    {
      g_autofree char *text = NULL;

      if (!xgb_xml_is (m, "mechanism", NS_SASL))
        continue;
      text = xgb_xml_get_text (m);
      if (text == NULL)
        continue;
      g_strstrip (text);
      if (*text == '\0' || strlen (text) > 20)   /* RFC 4422: at most 20 characters */
        continue;
      {
        g_autofree char *up = g_ascii_strup (text, -1);

        g_strv_builder_add (builder, up);
      }
    }
  xmlFreeDoc (doc);

  return g_strv_builder_end (builder);
}

static gboolean
offers (const char * const *offered,
        const char         *mechanism)
{
  return offered != NULL && g_strv_contains (offered, mechanism);
}

/**
 * xgb_sasl_login_order:
 * @offered: what the server offers after TLS
 * @has_client_cert: whether libstrophe is given a client certificate
 * @has_password: whether libstrophe is given a password
 *
 * The mechanisms libstrophe 0.12 tries, in its order: the first one, and
 * each fallback after a failure.
 *
 * Returns: (transfer full): possibly empty: nothing usable is offered
 */
char **
xgb_sasl_login_order (const char * const *offered,
                      gboolean            has_client_cert,
                      gboolean            has_password)
{
  static const char * const password_order[] = {
    "SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "DIGEST-MD5",
  };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean other = FALSE;

  if (has_client_cert && offers (offered, "EXTERNAL"))
    g_strv_builder_add (builder, "EXTERNAL");

  if (has_password)
    {
      for (guint i = 0; i < G_N_ELEMENTS (password_order); i++)
        if (offers (offered, password_order[i]))
          {
            g_strv_builder_add (builder, password_order[i]);
            other = TRUE;
          }
      /* libstrophe drops PLAIN as soon as anything else it knows is
       * offered (EXTERNAL counts only with a certificate). */
      if (!other && !(has_client_cert && offers (offered, "EXTERNAL")) && offers (offered, "PLAIN"))
        g_strv_builder_add (builder, "PLAIN");
    }

  return g_strv_builder_end (builder);
}

/**
 * xgb_sasl_is_weak:
 *
 * PLAIN sends the password itself, DIGEST-MD5 a hash that is cheap to
 * attack; both leave the password's safety to TLS alone.
 */
gboolean
xgb_sasl_is_weak (const char *mechanism)
{
  return g_strcmp0 (mechanism, "PLAIN") == 0 || g_strcmp0 (mechanism, "DIGEST-MD5") == 0;
}

/**
 * xgb_sasl_check_policy:
 * @allow_weak: the admin allowed PLAIN and DIGEST-MD5 for this account
 *
 * Refuses a login that would start with a weak mechanism, or for which
 * the server offers nothing libstrophe can use.  (Falling back to a weak
 * mechanism after a failed strong one is stopped during the login.)
 */
gboolean
xgb_sasl_check_policy (const char * const  *offered,
                       gboolean             has_client_cert,
                       gboolean             has_password,
                       gboolean             allow_weak,
                       GError             **error)
{
  g_auto(GStrv) order = xgb_sasl_login_order (offered, has_client_cert, has_password);
  g_autofree char *list = NULL;

  list = offered != NULL && offered[0] != NULL ? g_strjoinv (", ", (char **) offered) : g_strdup (_("none"));

  if (order[0] == NULL)
    {
      if (has_client_cert && !offers (offered, "EXTERNAL"))
        g_set_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED,
                     _("The server does not offer certificate login (SASL EXTERNAL) here; it offers: %s."), list);
      else
        g_set_error (error, XGB_ERROR, XGB_ERROR_AUTH_FAILED,
                     _("The server offers no login mechanism this app can use; it offers: %s."), list);
      return FALSE;
    }

  if (xgb_sasl_is_weak (order[0]) && !allow_weak)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_WEAK_MECHANISM,
                   _("Login refused: the server would make this app log in with %s, which leaves the password’s "
                     "safety to TLS alone (the server offers: %s). Tick “Allow weak logins” under Server Options "
                     "only if you trust this server."),
                   order[0], list);
      return FALSE;
    }

  return TRUE;
}

/* Elements whose text is a secret or computed from one: the SASL
 * exchange (RFC 6120 6.4), SASL2's (XEP-0388), legacy authentication's
 * password and digest (XEP-0078), a component's handshake (XEP-0114) and
 * in-band registration's password (XEP-0077). */
static gboolean
is_secret_element (const char *name,
                   gsize       len)
{
  static const char * const secret[] = {
    "auth", "response", "challenge", "success", "initial-response", "additional-data",
    "password", "digest", "handshake",
  };
  const char *colon = memchr (name, ':', len);

  if (colon != NULL)
    {
      len -= (gsize) (colon + 1 - name);
      name = colon + 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (secret); i++)
    if (strlen (secret[i]) == len && strncmp (name, secret[i], len) == 0)
      return TRUE;
  return FALSE;
}

/**
 * xgb_sasl_redact:
 * @text: a line of libstrophe's log, e.g. "SENT: <auth …>…</auth>"
 *
 * Replaces the text of every element that carries a credential (the SASL
 * exchange, a legacy-authentication password, …) with "[redacted]",
 * whatever else the line holds, so that a debug log can be shared.  An
 * element cut off at the end of @text is redacted to the end.
 *
 * Returns: (transfer full): the line without credentials
 */
char *
xgb_sasl_redact (const char *text)
{
  GString *out;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text));
  p = text;
  while (*p != '\0')
    {
      const char *lt = strchr (p, '<');
      const char *name;
      const char *end;
      gsize name_len;
      char quote = 0;

      if (lt == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, lt - p);
      p = lt;

      name = lt + 1;
      name_len = strspn (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-");
      if (name_len == 0 || !is_secret_element (name, name_len))
        {
          g_string_append_c (out, '<');
          p++;
          continue;
        }

      /* the end of the start tag; a '>' may stand inside an attribute */
      for (end = name + name_len; *end != '\0'; end++)
        {
          if (quote != 0)
            {
              if (*end == quote)
                quote = 0;
            }
          else if (*end == '"' || *end == '\'')
            quote = *end;
          else if (*end == '>')
            break;
        }
      if (*end == '\0')
        {
          /* cut off inside the start tag: its attributes are no secret */
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, end + 1 - p);
      p = end + 1;
      if (end[-1] == '/')
        continue;   /* <auth/>: empty */

      /* the text up to the next tag is the secret */
      end = strchr (p, '<');
      if (end == NULL)
        end = p + strlen (p);
      if (end > p)
        g_string_append (out, "[redacted]");
      p = end;
    }

  return g_string_free (out, FALSE);
}
