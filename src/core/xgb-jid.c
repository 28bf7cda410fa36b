/* xgb-jid.c - XMPP addresses (RFC 7622)
 *
 * A deliberately strict parser: the app must never send an address the
 * server would reject with jid-malformed, and it must explain to an
 * administrator what is wrong with what they typed.  Full PRECIS
 * normalisation is not applied; the checks below are the ones RFC 7622
 * makes for every part (lengths, separators, forbidden characters) plus
 * the case-insensitive ASCII domain.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-jid"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xgb-error.h"
#include "xgb-jid.h"

/* RFC 7622 section 3: each part is 1 to 1023 octets. */
#define PART_MAX 1023
#define LABEL_MAX 63

struct _XgbJid
{
  char *local;    /* nullable */
  char *domain;
  char *resource; /* nullable */
};

G_DEFINE_BOXED_TYPE (XgbJid, xgb_jid, xgb_jid_copy, xgb_jid_free)

static gboolean
set_error (GError     **error,
           const char  *message)
{
  g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
is_forbidden_everywhere (gunichar c)
{
  /* Control characters are disallowed by every PRECIS profile. */
  return g_unichar_iscntrl (c) || c == 0xFFFD ||
         g_unichar_type (c) == G_UNICODE_UNASSIGNED;
}

static gboolean
check_local (const char  *local,
             gsize        len,
             GError     **error)
{
  if (len == 0)
    return set_error (error, _("The name before “@” is empty."));
  if (len > PART_MAX)
    return set_error (error, _("The name before “@” is longer than 1023 bytes."));

  for (const char *p = local; p < local + len; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* RFC 7622 3.3.1: these are not allowed in a localpart. */
      /* ASCII only: strchr() would compare the low byte of any other */
      if (c < 0x80 && strchr ("\"&'/:<>@", (int) c) != NULL && c != 0)
        {
          g_autofree char *msg = NULL;
          char buf[8] = { 0 };

          g_unichar_to_utf8 (c, buf);
          msg = g_strdup_printf (_("The name before “@” contains “%s”, which is not allowed in an address."), buf);
          return set_error (error, msg);
        }
      if (g_unichar_isspace (c))
        return set_error (error, _("The name before “@” contains a space, which is not allowed in an address."));
      if (is_forbidden_everywhere (c))
        return set_error (error, _("The name before “@” contains a control or unassigned character."));
    }

  return TRUE;
}

static gboolean
check_domain (const char  *domain,
              gsize        len,
              GError     **error)
{
  gsize label_len = 0;

  if (len == 0)
    return set_error (error, _("The server name is missing."));
  if (len > PART_MAX)
    return set_error (error, _("The server name is longer than 1023 bytes."));

  /* An IPv6 literal in brackets. */
  if (domain[0] == '[')
    {
      if (domain[len - 1] != ']' || len < 4)
        return set_error (error, _("The server name starts with “[” but is not a valid IPv6 address."));
      for (gsize i = 1; i < len - 1; i++)
        if (!g_ascii_isxdigit (domain[i]) && domain[i] != ':' && domain[i] != '.')
          return set_error (error, _("The server name starts with “[” but is not a valid IPv6 address."));
      return TRUE;
    }

  for (const char *p = domain; p < domain + len; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '.')
        {
          if (label_len == 0)
            return set_error (error, _("The server name contains an empty label (“..” or a leading dot)."));
          label_len = 0;
          continue;
        }
      if (g_unichar_isspace (c) || is_forbidden_everywhere (c))
        return set_error (error, _("The server name contains a space or a control character."));
      if (c < 0x80 && strchr ("\"&'/:<>@[]\\", (int) c) != NULL && c != 0)
        {
          g_autofree char *msg = NULL;
          char buf[8] = { 0 };

          g_unichar_to_utf8 (c, buf);
          msg = g_strdup_printf (_("The server name contains “%s”, which is not allowed."), buf);
          return set_error (error, msg);
        }

      label_len += g_unichar_to_utf8 (c, NULL);
      if (label_len > LABEL_MAX)
        return set_error (error, _("A part of the server name between dots is longer than 63 bytes."));
    }
  /* The one trailing dot allowed is gone already: "a.." ends empty */
  if (label_len == 0)
    return set_error (error, _("The server name contains an empty label (“..” or a leading dot)."));

  return TRUE;
}

static gboolean
check_resource (const char  *resource,
                gsize        len,
                GError     **error)
{
  if (len == 0)
    return set_error (error, _("The resource after “/” is empty."));
  if (len > PART_MAX)
    return set_error (error, _("The resource after “/” is longer than 1023 bytes."));

  for (const char *p = resource; p < resource + len; p = g_utf8_next_char (p))
    if (is_forbidden_everywhere (g_utf8_get_char (p)))
      return set_error (error, _("The resource after “/” contains a control or unassigned character."));

  return TRUE;
}

/**
 * xgb_jid_parse:
 * @text: an address such as `admin@example.org/desk` or `pubsub.example.org`
 * @error: a #GError with %XGB_ERROR_INVALID_ARGUMENT and a message meant
 *   for the administrator who typed @text
 *
 * Returns: (transfer full) (nullable): the parsed address
 */
XgbJid *
xgb_jid_parse (const char  *text,
               GError     **error)
{
  g_autoptr(XgbJid) jid = NULL;
  const char *slash;
  const char *at;
  const char *domain;
  gsize domain_len;
  gsize text_len;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL || *text == '\0')
    {
      set_error (error, _("The address is empty."));
      return NULL;
    }

  text_len = strlen (text);
  if (!g_utf8_validate (text, (gssize) text_len, NULL))
    {
      set_error (error, _("The address is not valid UTF-8 text."));
      return NULL;
    }
  if (text_len > 3 * PART_MAX + 2)
    {
      set_error (error, _("The address is longer than 3071 bytes."));
      return NULL;
    }

  jid = g_new0 (XgbJid, 1);

  /* RFC 7622 3.1: the resource starts at the first '/', the localpart
   * ends at the first '@' before it. */
  slash = strchr (text, '/');
  if (slash != NULL)
    {
      gsize res_len = text_len - (gsize) (slash + 1 - text);

      if (!check_resource (slash + 1, res_len, error))
        return NULL;
      jid->resource = g_strndup (slash + 1, res_len);
    }
  else
    slash = text + text_len;

  at = memchr (text, '@', (gsize) (slash - text));
  if (at != NULL)
    {
      if (!check_local (text, (gsize) (at - text), error))
        return NULL;
      jid->local = g_strndup (text, (gsize) (at - text));
      domain = at + 1;
    }
  else
    domain = text;

  domain_len = (gsize) (slash - domain);
  /* A single trailing dot is allowed and removed (RFC 7622 3.2). */
  if (domain_len > 1 && domain[domain_len - 1] == '.')
    domain_len--;

  /* Checked in lower case, as it is kept: lower case may be longer
   * ("İ" is 2 bytes, "i̇" 3) */
  {
    g_autofree char *raw = g_strndup (domain, domain_len);
    g_autofree char *lower = g_utf8_strdown (raw, -1);

    if (!check_domain (lower, strlen (lower), error))
      return NULL;
    jid->domain = g_steal_pointer (&lower);
  }

  return g_steal_pointer (&jid);
}

gboolean
xgb_jid_is_valid (const char *text)
{
  g_autoptr(XgbJid) jid = xgb_jid_parse (text, NULL);

  return jid != NULL;
}

XgbJid *
xgb_jid_copy (const XgbJid *jid)
{
  XgbJid *copy;

  g_return_val_if_fail (jid != NULL, NULL);

  copy = g_new0 (XgbJid, 1);
  copy->local = g_strdup (jid->local);
  copy->domain = g_strdup (jid->domain);
  copy->resource = g_strdup (jid->resource);

  return copy;
}

void
xgb_jid_free (XgbJid *jid)
{
  if (jid == NULL)
    return;

  g_free (jid->local);
  g_free (jid->domain);
  g_free (jid->resource);
  g_free (jid);
}

const char *
xgb_jid_get_local (const XgbJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);
  return jid->local;
}

const char *
xgb_jid_get_domain (const XgbJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);
  return jid->domain;
}

const char *
xgb_jid_get_resource (const XgbJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);
  return jid->resource;
}

char *
xgb_jid_to_bare (const XgbJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  if (jid->local != NULL)
    return g_strconcat (jid->local, "@", jid->domain, NULL);
  return g_strdup (jid->domain);
}

char *
xgb_jid_to_string (const XgbJid *jid)
{
  g_autofree char *bare = NULL;

  g_return_val_if_fail (jid != NULL, NULL);

  bare = xgb_jid_to_bare (jid);
  if (jid->resource == NULL)
    return g_steal_pointer (&bare);
  return g_strconcat (bare, "/", jid->resource, NULL);
}
