/* xgb-xml.c - small libxml2 helpers shared by the protocol code
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-xml"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <string.h>

#include "xgb-error.h"
#include "xgb-xml.h"

/**
 * xgb_xml_parse:
 *
 * Parses one stanza.  No network access, no entity expansion, no DTD:
 * stanzas come from servers we do not control.
 */
xmlDoc *
xgb_xml_parse (const char  *text,
               gsize        length,
               GError     **error)
{
  xmlDoc *doc;

  if (length > G_MAXINT)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server sent a stanza larger than 2 GB."));
      return NULL;
    }

  doc = xmlReadMemory (text, (int) length, NULL, "UTF-8",
                       XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                       XML_PARSE_NOWARNING | XML_PARSE_HUGE);
  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server sent XML that cannot be read."));
      return NULL;
    }

  return doc;
}

gboolean
xgb_xml_is (const xmlNode *node,
            const char    *name,
            const char    *ns)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE)
    return FALSE;
  if (name != NULL && strcmp ((const char *) node->name, name) != 0)
    return FALSE;
  if (ns != NULL && (node->ns == NULL || node->ns->href == NULL ||
                     strcmp ((const char *) node->ns->href, ns) != 0))
    return FALSE;
  return TRUE;
}

xmlNode *
xgb_xml_child (const xmlNode *parent,
               const char    *name,
               const char    *ns)
{
  if (parent == NULL)
    return NULL;

  for (xmlNode *c = parent->children; c != NULL; c = c->next)
    if (xgb_xml_is (c, name, ns))
      return c;

  return NULL;
}

char *
xgb_xml_get_attr (const xmlNode *node,
                  const char    *name)
{
  xmlChar *value;
  char *copy;

  if (node == NULL)
    return NULL;

  value = xmlGetNoNsProp (node, (const xmlChar *) name);
  if (value == NULL)
    return NULL;
  copy = g_strdup ((const char *) value);
  xmlFree (value);

  return copy;
}

char *
xgb_xml_get_text (const xmlNode *node)
{
  xmlChar *value;
  char *copy;

  if (node == NULL)
    return NULL;

  value = xmlNodeGetContent (node);
  if (value == NULL)
    return NULL;
  copy = g_strdup ((const char *) value);
  xmlFree (value);

  return copy;
}

char *
xgb_xml_to_string (const xmlNode *node)
{
  xmlBuffer *buf = xmlBufferCreate ();
  char *copy;

  xmlNodeDump (buf, node->doc, (xmlNode *) node, 0, 0);
  copy = g_strndup ((const char *) xmlBufferContent (buf), (gsize) xmlBufferLength (buf));
  xmlBufferFree (buf);

  return copy;
}

/**
 * xgb_xml_pretty:
 * @text: one XML element, e.g. an item's payload
 *
 * Indents @text for reading, two spaces a level, without an XML
 * declaration.  Parsed like a stanza: no network, no entities.
 *
 * Returns: (transfer full): the indented text, or %NULL with @error set
 *   when @text is not well-formed XML
 */
char *
xgb_xml_pretty (const char  *text,
                gsize        length,
                GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  xmlDoc *doc = xgb_xml_parse (text, length, &parse_error);
  xmlBuffer *buf;
  xmlSaveCtxt *save;
  char *pretty;

  if (doc == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL, _("The payload is not well-formed XML."));
      return NULL;
    }

  buf = xmlBufferCreate ();
  save = xmlSaveToBuffer (buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
  xmlSaveDoc (save, doc);
  xmlSaveClose (save);
  pretty = g_strndup ((const char *) xmlBufferContent (buf), (gsize) xmlBufferLength (buf));
  xmlBufferFree (buf);
  xmlFreeDoc (doc);

  return pretty;
}

/* Turns "item-not-found" into "item not found" for messages. */
static char *
humanize (const char *condition)
{
  char *text = g_strdup (condition);

  g_strdelimit (text, "-", ' ');
  return text;
}

/**
 * xgb_stanza_error_propagate:
 * @stanza: a stanza of type "error"
 *
 * Sets @error in the %XGB_STANZA_ERROR domain with the RFC 6120 condition
 * as its code; the message names the condition, the pubsub#errors
 * condition (and feature) when present, and the server's own text.
 *
 * Returns: %FALSE, always, for use in return statements
 */
gboolean
xgb_stanza_error_propagate (const xmlNode  *stanza,
                            GError        **error)
{
  xmlNode *err = xgb_xml_child (stanza, "error", NULL);
  const char *condition = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pubsub = NULL;
  g_autofree char *feature = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  g_autofree char *human = NULL;

  if (err == NULL)
    {
      g_set_error_literal (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_UNDEFINED_CONDITION,
                           _("The server reported an error without saying which."));
      return FALSE;
    }

  type = xgb_xml_get_attr (err, "type");
  for (xmlNode *c = err->children; c != NULL; c = c->next)
    {
      if (xgb_xml_is (c, "text", XGB_NS_STANZAS))
        {
          g_free (text);
          text = xgb_xml_get_text (c);
        }
      else if (xgb_xml_is (c, NULL, XGB_NS_STANZAS) && condition == NULL)
        condition = (const char *) c->name;
      else if (xgb_xml_is (c, NULL, XGB_NS_PUBSUB_ERRORS) && pubsub == NULL)
        {
          pubsub = g_strdup ((const char *) c->name);
          feature = xgb_xml_get_attr (c, "feature");
        }
    }

  human = humanize (condition != NULL ? condition : "undefined-condition");
  g_string_append_printf (message, _("The server refused: %s"), human);
  if (pubsub != NULL)
    {
      g_autofree char *pubsub_human = humanize (pubsub);

      if (feature != NULL)
        g_string_append_printf (message, _(" (%s: %s)"), pubsub_human, feature);
      else
        g_string_append_printf (message, _(" (%s)"), pubsub_human);
    }
  if (text != NULL && *text != '\0')
    {
      /* Server text is untrusted: keep it to one readable line. */
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      g_strdelimit (valid, "\r\n\t", ' ');
      if (g_utf8_strlen (valid, -1) > 300)
        *g_utf8_offset_to_pointer (valid, 300) = '\0';
      g_string_append_printf (message, _(": “%s”"), valid);
    }
  g_string_append_c (message, '.');

  g_set_error_literal (error, XGB_STANZA_ERROR, xgb_stanza_error_from_condition (condition),
                       message->str);
  return FALSE;
}
