/* xgb-form.c - data forms (XEP-0004)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-form"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xgb-error.h"
#include "xgb-form.h"
#include "xgb-jid.h"
#include "xgb-xml.h"

/* How much of a value an error message quotes. */
#define MAX_QUOTED_CHARS 60

static const char * const field_type_names[] = {
  [XGB_FORM_FIELD_TEXT_SINGLE] = "text-single",
  [XGB_FORM_FIELD_BOOLEAN] = "boolean",
  [XGB_FORM_FIELD_FIXED] = "fixed",
  [XGB_FORM_FIELD_HIDDEN] = "hidden",
  [XGB_FORM_FIELD_JID_MULTI] = "jid-multi",
  [XGB_FORM_FIELD_JID_SINGLE] = "jid-single",
  [XGB_FORM_FIELD_LIST_MULTI] = "list-multi",
  [XGB_FORM_FIELD_LIST_SINGLE] = "list-single",
  [XGB_FORM_FIELD_TEXT_MULTI] = "text-multi",
  [XGB_FORM_FIELD_TEXT_PRIVATE] = "text-private",
};

/**
 * xgb_form_field_type_from_string:
 * @type: (nullable): the 'type' attribute of a `<field/>`
 *
 * Returns: the field type; %XGB_FORM_FIELD_TEXT_SINGLE when @type is
 *   %NULL or unknown (XEP-0004 §3.3)
 */
XgbFormFieldType
xgb_form_field_type_from_string (const char *type)
{
  if (type == NULL)
    return XGB_FORM_FIELD_TEXT_SINGLE;

  for (guint i = 0; i < G_N_ELEMENTS (field_type_names); i++)
    if (strcmp (type, field_type_names[i]) == 0)
      return (XgbFormFieldType) i;

  return XGB_FORM_FIELD_TEXT_SINGLE;
}

const char *
xgb_form_field_type_to_string (XgbFormFieldType type)
{
  if ((guint) type >= G_N_ELEMENTS (field_type_names))
    return field_type_names[XGB_FORM_FIELD_TEXT_SINGLE];
  return field_type_names[type];
}

/**
 * xgb_form_field_type_is_multi:
 *
 * Returns: %TRUE for the types that take more than one value
 */
gboolean
xgb_form_field_type_is_multi (XgbFormFieldType type)
{
  switch (type)
    {
    case XGB_FORM_FIELD_JID_MULTI:
    case XGB_FORM_FIELD_LIST_MULTI:
    case XGB_FORM_FIELD_TEXT_MULTI:
      return TRUE;
    case XGB_FORM_FIELD_TEXT_SINGLE:
    case XGB_FORM_FIELD_BOOLEAN:
    case XGB_FORM_FIELD_FIXED:
    case XGB_FORM_FIELD_HIDDEN:
    case XGB_FORM_FIELD_JID_SINGLE:
    case XGB_FORM_FIELD_LIST_SINGLE:
    case XGB_FORM_FIELD_TEXT_PRIVATE:
    default:
      return FALSE;
    }
}

/* --- construction and destruction ----------------------------------- */

XgbFormOption *
xgb_form_option_new (const char *label,
                     const char *value)
{
  XgbFormOption *option;

  g_return_val_if_fail (value != NULL, NULL);

  option = g_new0 (XgbFormOption, 1);
  option->label = g_strdup (label);
  option->value = g_strdup (value);
  return option;
}

void
xgb_form_option_free (XgbFormOption *option)
{
  if (option == NULL)
    return;

  g_free (option->label);
  g_free (option->value);
  g_free (option);
}

/**
 * xgb_form_field_new:
 * @var: (nullable): the field's name; %NULL only for fixed fields
 */
XgbFormField *
xgb_form_field_new (const char       *var,
                    XgbFormFieldType  type)
{
  XgbFormField *field = g_new0 (XgbFormField, 1);

  field->var = g_strdup (var);
  field->type = type;
  field->values = g_ptr_array_new_with_free_func (g_free);
  field->options = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_form_option_free);
  return field;
}

XgbFormField *
xgb_form_field_copy (const XgbFormField *field)
{
  XgbFormField *copy;

  g_return_val_if_fail (field != NULL, NULL);

  copy = xgb_form_field_new (field->var, field->type);
  copy->label = g_strdup (field->label);
  copy->desc = g_strdup (field->desc);
  copy->required = field->required;
  for (guint i = 0; i < field->values->len; i++)
    g_ptr_array_add (copy->values, g_strdup (field->values->pdata[i]));
  for (guint i = 0; i < field->options->len; i++)
    {
      const XgbFormOption *option = field->options->pdata[i];

      g_ptr_array_add (copy->options, xgb_form_option_new (option->label, option->value));
    }
  return copy;
}

void
xgb_form_field_free (XgbFormField *field)
{
  if (field == NULL)
    return;

  g_free (field->var);
  g_free (field->label);
  g_free (field->desc);
  g_clear_pointer (&field->values, g_ptr_array_unref);
  g_clear_pointer (&field->options, g_ptr_array_unref);
  g_free (field);
}

/**
 * xgb_form_new:
 * @type: "form", "submit", "result" or "cancel"
 *
 * Returns: (transfer full): an empty form, for building one by hand
 */
XgbForm *
xgb_form_new (const char *type)
{
  XgbForm *form = g_new0 (XgbForm, 1);

  form->type = g_strdup (type != NULL ? type : "form");
  form->instructions = g_ptr_array_new_with_free_func (g_free);
  form->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_form_field_free);
  return form;
}

XgbForm *
xgb_form_copy (const XgbForm *form)
{
  XgbForm *copy;

  g_return_val_if_fail (form != NULL, NULL);

  copy = xgb_form_new (form->type);
  copy->title = g_strdup (form->title);
  for (guint i = 0; i < form->instructions->len; i++)
    g_ptr_array_add (copy->instructions, g_strdup (form->instructions->pdata[i]));
  for (guint i = 0; i < form->fields->len; i++)
    g_ptr_array_add (copy->fields, xgb_form_field_copy (form->fields->pdata[i]));
  return copy;
}

void
xgb_form_free (XgbForm *form)
{
  if (form == NULL)
    return;

  g_free (form->type);
  g_free (form->title);
  g_clear_pointer (&form->instructions, g_ptr_array_unref);
  g_clear_pointer (&form->fields, g_ptr_array_unref);
  g_free (form);
}

/* --- parsing -------------------------------------------------------- */

/* The text of @node, as valid UTF-8 (libxml2 guarantees it for parsed
 * documents; this also covers trees built by hand). */
static char *
node_text (const xmlNode *node)
{
  char *text = xgb_xml_get_text (node);

  if (text == NULL)
    return g_strdup ("");
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = valid;
    }
  return text;
}

static char *
node_attr (const xmlNode *node,
           const char    *name)
{
  char *value = xgb_xml_get_attr (node, name);

  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    {
      char *valid = g_utf8_make_valid (value, -1);

      g_free (value);
      value = valid;
    }
  return value;
}

static gboolean
is_form_type (const char *type)
{
  return g_strcmp0 (type, "form") == 0 ||
         g_strcmp0 (type, "submit") == 0 ||
         g_strcmp0 (type, "result") == 0 ||
         g_strcmp0 (type, "cancel") == 0;
}

static XgbFormField *
parse_field (const xmlNode *node)
{
  g_autofree char *type = node_attr (node, "type");
  g_autofree char *var = node_attr (node, "var");
  g_autoptr(XgbFormField) field = NULL;

  field = xgb_form_field_new (var, xgb_form_field_type_from_string (type));
  if (field->var == NULL && field->type != XGB_FORM_FIELD_FIXED)
    return NULL;

  field->label = node_attr (node, "label");

  /* Unknown children (XEP-0122 validation, XEP-0221 media, …) are
   * skipped; so are elements of other namespaces. */
  for (xmlNode *c = node->children; c != NULL; c = c->next)
    {
      if (xgb_xml_is (c, "value", XGB_NS_DATA_FORMS))
        g_ptr_array_add (field->values, node_text (c));
      else if (xgb_xml_is (c, "option", XGB_NS_DATA_FORMS))
        {
          xmlNode *value = xgb_xml_child (c, "value", XGB_NS_DATA_FORMS);
          g_autofree char *label = NULL;
          g_autofree char *text = NULL;

          if (value == NULL)
            continue;
          label = node_attr (c, "label");
          text = node_text (value);
          g_ptr_array_add (field->options, xgb_form_option_new (label, text));
        }
      else if (xgb_xml_is (c, "required", XGB_NS_DATA_FORMS))
        field->required = TRUE;
      else if (xgb_xml_is (c, "desc", XGB_NS_DATA_FORMS) && field->desc == NULL)
        field->desc = node_text (c);
    }

  return g_steal_pointer (&field);
}

/**
 * xgb_form_parse:
 * @x: an `<x xmlns='jabber:x:data'/>` element
 *
 * Reads a data form.  Fields without var (other than fixed ones) are
 * dropped; of fields with the same var only the first is kept.
 * `<reported/>` and `<item/>` (multi-item results) and unknown elements
 * are skipped.  Texts are kept as sent, whitespace included.
 *
 * Returns: (transfer full): the form, or %NULL with %XGB_ERROR_PROTOCOL
 *   when @x is not a data form or has no valid type
 */
XgbForm *
xgb_form_parse (const xmlNode  *x,
                GError        **error)
{
  g_autoptr(XgbForm) form = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *type = NULL;

  if (!xgb_xml_is (x, "x", XGB_NS_DATA_FORMS))
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server sent something else where a data form was expected."));
      return NULL;
    }

  type = node_attr (x, "type");
  if (!is_form_type (type))
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server sent a data form without a valid type."));
      return NULL;
    }

  form = xgb_form_new (type);
  seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (xmlNode *c = x->children; c != NULL; c = c->next)
    {
      if (xgb_xml_is (c, "field", XGB_NS_DATA_FORMS))
        {
          XgbFormField *field = parse_field (c);

          if (field == NULL)
            continue;
          if (field->var != NULL)
            {
              if (g_hash_table_contains (seen, field->var))
                {
                  xgb_form_field_free (field);
                  continue;
                }
              g_hash_table_add (seen, field->var);
            }
          g_ptr_array_add (form->fields, field);
        }
      else if (xgb_xml_is (c, "title", XGB_NS_DATA_FORMS) && form->title == NULL)
        form->title = node_text (c);
      else if (xgb_xml_is (c, "instructions", XGB_NS_DATA_FORMS))
        g_ptr_array_add (form->instructions, node_text (c));
    }

  return g_steal_pointer (&form);
}

/**
 * xgb_form_find:
 * @parent: (nullable): the element holding the forms, e.g. a disco#info
 *   `<query/>` with XEP-0128 extensions
 * @form_type: (nullable): the FORM_TYPE wanted; %NULL for any form
 *
 * Returns: (transfer full) (nullable): the first child data form of
 *   @parent whose FORM_TYPE is @form_type, or %NULL.  Children that are
 *   not valid data forms are skipped.
 */
XgbForm *
xgb_form_find (const xmlNode *parent,
               const char    *form_type)
{
  if (parent == NULL)
    return NULL;

  for (xmlNode *c = parent->children; c != NULL; c = c->next)
    {
      g_autoptr(XgbForm) form = NULL;

      if (!xgb_xml_is (c, "x", XGB_NS_DATA_FORMS))
        continue;
      form = xgb_form_parse (c, NULL);
      if (form == NULL)
        continue;
      if (form_type == NULL || g_strcmp0 (xgb_form_get_form_type (form), form_type) == 0)
        return g_steal_pointer (&form);
    }

  return NULL;
}

/* --- access --------------------------------------------------------- */

XgbFormField *
xgb_form_get_field (const XgbForm *form,
                    const char    *var)
{
  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (var != NULL, NULL);

  for (guint i = 0; i < form->fields->len; i++)
    {
      XgbFormField *field = form->fields->pdata[i];

      if (field->var != NULL && strcmp (field->var, var) == 0)
        return field;
    }

  return NULL;
}

/**
 * xgb_form_get_form_type:
 *
 * XEP-0068: the value of the hidden field FORM_TYPE.  In a submitted
 * form the field may come without a type.
 *
 * Returns: (nullable): the FORM_TYPE, or %NULL when the form has none
 */
const char *
xgb_form_get_form_type (const XgbForm *form)
{
  XgbFormField *field;

  g_return_val_if_fail (form != NULL, NULL);

  field = xgb_form_get_field (form, "FORM_TYPE");
  if (field == NULL || field->values->len == 0)
    return NULL;
  if (field->type != XGB_FORM_FIELD_HIDDEN &&
      !(field->type == XGB_FORM_FIELD_TEXT_SINGLE && g_strcmp0 (form->type, "submit") == 0))
    return NULL;

  return field->values->pdata[0];
}

const char *
xgb_form_get_value (const XgbForm *form,
                    const char    *var)
{
  XgbFormField *field = xgb_form_get_field (form, var);

  if (field == NULL || field->values->len == 0)
    return NULL;
  return field->values->pdata[0];
}

/**
 * xgb_form_get_boolean:
 *
 * Returns: the first value of @var read as a boolean ("1"/"true" or
 *   "0"/"false"); @fallback when there is no such field or value or the
 *   value is neither
 */
gboolean
xgb_form_get_boolean (const XgbForm *form,
                      const char    *var,
                      gboolean       fallback)
{
  const char *value = xgb_form_get_value (form, var);

  if (g_strcmp0 (value, "1") == 0 || g_strcmp0 (value, "true") == 0)
    return TRUE;
  if (g_strcmp0 (value, "0") == 0 || g_strcmp0 (value, "false") == 0)
    return FALSE;
  return fallback;
}

/**
 * xgb_form_set_values:
 * @values: (nullable) (array zero-terminated=1): the new values; %NULL
 *   or empty to clear the field
 *
 * Replaces the values of the field @var.  Only checks that the field
 * exists, is not fixed and that the values are UTF-8; see
 * xgb_form_validate() for the rest.
 */
gboolean
xgb_form_set_values (XgbForm             *form,
                     const char          *var,
                     const char * const  *values,
                     GError             **error)
{
  XgbFormField *field;

  g_return_val_if_fail (form != NULL, FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  field = xgb_form_get_field (form, var);
  if (field == NULL)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                   _("The form has no field “%s”."), var);
      return FALSE;
    }
  if (field->type == XGB_FORM_FIELD_FIXED)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                   _("The field “%s” is fixed text and cannot be changed."), var);
      return FALSE;
    }
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (!g_utf8_validate (values[i], -1, NULL))
      {
        g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                     _("A value for the field “%s” is not valid UTF-8 text."), var);
        return FALSE;
      }

  g_ptr_array_set_size (field->values, 0);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    g_ptr_array_add (field->values, g_strdup (values[i]));

  return TRUE;
}

/**
 * xgb_form_set_value:
 * @value: (nullable): the one new value; %NULL clears the field
 */
gboolean
xgb_form_set_value (XgbForm     *form,
                    const char  *var,
                    const char  *value,
                    GError     **error)
{
  const char *values[] = { value, NULL };

  return xgb_form_set_values (form, var, values, error);
}

/* --- validation ----------------------------------------------------- */

/* A value as an error message quotes it: on one line, not too long. */
static char *
quote_value (const char *value)
{
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = value; *p != '\0' && n < MAX_QUOTED_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }
  if (g_utf8_strlen (value, -1) > MAX_QUOTED_CHARS)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static gboolean
has_bad_control (const char *value)
{
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) && c != '\t' && c != '\n' && c != '\r')
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_option (const XgbFormField *field,
            const char         *value)
{
  for (guint i = 0; i < field->options->len; i++)
    {
      const XgbFormOption *option = field->options->pdata[i];

      if (g_strcmp0 (option->value, value) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Returns: (transfer full) (nullable): what is wrong with @field, for an
 * administrator, or %NULL when nothing is */
static char *
check_field (const XgbFormField *field)
{
  gboolean has_value = FALSE;

  for (guint i = 0; i < field->values->len; i++)
    if (*(const char *) field->values->pdata[i] != '\0')
      has_value = TRUE;

  if (field->required && !has_value)
    return g_strdup (_("Enter a value."));
  if (field->values->len > 1 && !xgb_form_field_type_is_multi (field->type))
    return g_strdup (_("Only one value is allowed."));

  for (guint i = 0; i < field->values->len; i++)
    {
      const char *value = field->values->pdata[i];
      g_autofree char *quoted = NULL;

      if (!g_utf8_validate (value, -1, NULL))
        return g_strdup (_("A value is not valid UTF-8 text."));
      if (has_bad_control (value))
        return g_strdup (_("A value contains a control character."));
      if ((field->type == XGB_FORM_FIELD_TEXT_SINGLE ||
           field->type == XGB_FORM_FIELD_TEXT_PRIVATE) &&
          strpbrk (value, "\r\n") != NULL)
        return g_strdup (_("A single line is expected."));

      /* An empty value counts as no value: "required" deals with it. */
      if (*value == '\0')
        continue;

      quoted = quote_value (value);
      switch (field->type)
        {
        case XGB_FORM_FIELD_BOOLEAN:
          if (strcmp (value, "0") != 0 && strcmp (value, "1") != 0 &&
              strcmp (value, "false") != 0 && strcmp (value, "true") != 0)
            return g_strdup_printf (_("‘%s’ is not true or false."), quoted);
          break;

        case XGB_FORM_FIELD_JID_SINGLE:
        case XGB_FORM_FIELD_JID_MULTI:
          {
            g_autoptr(GError) jid_error = NULL;
            g_autoptr(XgbJid) jid = xgb_jid_parse (value, &jid_error);

            if (jid == NULL)
              return g_strdup_printf (_("‘%s’ is not a valid JID: %s"), quoted,
                                      jid_error != NULL ? jid_error->message : "");
          }
          break;

        case XGB_FORM_FIELD_LIST_SINGLE:
        case XGB_FORM_FIELD_LIST_MULTI:
          if (field->options->len > 0 && !has_option (field, value))
            return g_strdup_printf (_("‘%s’ is not one of the choices."), quoted);
          break;

        case XGB_FORM_FIELD_TEXT_SINGLE:
        case XGB_FORM_FIELD_TEXT_MULTI:
        case XGB_FORM_FIELD_TEXT_PRIVATE:
        case XGB_FORM_FIELD_HIDDEN:
        case XGB_FORM_FIELD_FIXED:
        default:
          break;
        }
    }

  return NULL;
}

/**
 * xgb_form_validate:
 * @field_errors: (out) (optional) (nullable) (transfer full): set to a
 *   table from var to a message meant for the administrator when a field
 *   needs attention, to %NULL otherwise
 *
 * Checks the values of a form about to be submitted against XEP-0004:
 * required fields, one value for single-value types, booleans, JIDs,
 * list choices (when the form offers any), one line for text-single and
 * text-private, no control characters other than tab and newlines.
 * Empty values count as no value.  Fixed fields are not checked.
 *
 * Returns: %TRUE when every field is fine; otherwise %FALSE with a
 *   summary in @error (%XGB_ERROR_INVALID_ARGUMENT)
 */
gboolean
xgb_form_validate (const XgbForm  *form,
                   GHashTable    **field_errors,
                   GError        **error)
{
  g_autoptr(GHashTable) errors = NULL;
  guint n_errors;

  g_return_val_if_fail (form != NULL, FALSE);

  if (field_errors != NULL)
    *field_errors = NULL;

  errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < form->fields->len; i++)
    {
      const XgbFormField *field = form->fields->pdata[i];
      char *message;

      if (field->var == NULL || field->type == XGB_FORM_FIELD_FIXED)
        continue;
      if (g_hash_table_contains (errors, field->var))
        continue;
      message = check_field (field);
      if (message != NULL)
        g_hash_table_insert (errors, g_strdup (field->var), message);
    }

  n_errors = g_hash_table_size (errors);
  if (n_errors == 0)
    return TRUE;

  g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
               g_dngettext (GETTEXT_PACKAGE,
                            "%u field needs attention.",
                            "%u fields need attention.",
                            n_errors),
               n_errors);
  if (field_errors != NULL)
    *field_errors = g_steal_pointer (&errors);

  return FALSE;
}

/* --- submitting ----------------------------------------------------- */

/* @text without what XML 1.0 cannot carry (control characters other
 * than tab and newlines, U+FFFE, U+FFFF): a stanza holding one would be
 * a stream error.  xgb_form_validate() reports them beforehand. */
static char *
xml_safe (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF)
        continue;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static xmlNode *
add_field (xmlNode    *x,
           xmlNs      *ns,
           const char *var)
{
  g_autofree char *safe_var = xml_safe (var);
  xmlNode *node = xmlNewChild (x, ns, (const xmlChar *) "field", NULL);

  xmlNewProp (node, (const xmlChar *) "var", (const xmlChar *) safe_var);
  return node;
}

static void
add_value (xmlNode    *field,
           xmlNs      *ns,
           const char *value)
{
  g_autofree char *safe_value = xml_safe (value);

  /* xmlNewTextChild escapes; xmlNewChild would not. */
  xmlNewTextChild (field, ns, (const xmlChar *) "value", (const xmlChar *) safe_value);
}

/**
 * xgb_form_build_submit:
 *
 * Builds the `<x xmlns='jabber:x:data' type='submit'/>` answering @form:
 * the hidden FORM_TYPE first (if the form has one), then every other
 * field with a var except fixed ones, with their values as they are (no
 * labels, options or descriptions).  Characters XML cannot carry are
 * left out.
 *
 * Returns: (transfer full): the serialized element
 */
static gboolean
same_values (const XgbFormField *a,
             const XgbFormField *b)
{
  if (a->values->len != b->values->len)
    return FALSE;
  for (guint i = 0; i < a->values->len; i++)
    if (g_strcmp0 (a->values->pdata[i], b->values->pdata[i]) != 0)
      return FALSE;
  return TRUE;
}

static char *
build_submit (const XgbForm *form,
              const XgbForm *baseline)
{
  const char *form_type;
  const XgbFormField *form_type_field = NULL;
  xmlDoc *doc;
  xmlNode *x;
  xmlNs *ns;
  char *text;

  g_return_val_if_fail (form != NULL, NULL);

  doc = xmlNewDoc ((const xmlChar *) "1.0");
  x = xmlNewDocNode (doc, NULL, (const xmlChar *) "x", NULL);
  ns = xmlNewNs (x, (const xmlChar *) XGB_NS_DATA_FORMS, NULL);
  xmlSetNs (x, ns);
  xmlDocSetRootElement (doc, x);
  xmlNewProp (x, (const xmlChar *) "type", (const xmlChar *) "submit");

  form_type = xgb_form_get_form_type (form);
  if (form_type != NULL)
    {
      xmlNode *node = add_field (x, ns, "FORM_TYPE");

      xmlNewProp (node, (const xmlChar *) "type", (const xmlChar *) "hidden");
      add_value (node, ns, form_type);
      form_type_field = xgb_form_get_field (form, "FORM_TYPE");
    }

  for (guint i = 0; i < form->fields->len; i++)
    {
      const XgbFormField *field = form->fields->pdata[i];
      xmlNode *node;

      if (field == form_type_field || field->var == NULL || field->type == XGB_FORM_FIELD_FIXED)
        continue;
      if (baseline != NULL)
        {
          const XgbFormField *before = xgb_form_get_field (baseline, field->var);

          if (before != NULL && same_values (field, before))
            continue;
        }
      node = add_field (x, ns, field->var);
      for (guint j = 0; j < field->values->len; j++)
        add_value (node, ns, field->values->pdata[j]);
    }

  text = xgb_xml_to_string (x);
  xmlFreeDoc (doc);

  return text;
}

char *
xgb_form_build_submit (const XgbForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);
  return build_submit (form, NULL);
}

/**
 * xgb_form_build_submit_changes:
 * @baseline: the form as the server sent it
 *
 * Like xgb_form_build_submit(), but only with the fields whose values
 * differ from @baseline: a configuration answered field by field would
 * send back values the server itself refuses in a form (ejabberd caps
 * pubsub#max_payload_size in forms below what its own default may be).
 *
 * Returns: (transfer full): the serialized element
 */
char *
xgb_form_build_submit_changes (const XgbForm *form,
                               const XgbForm *baseline)
{
  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (baseline != NULL, NULL);
  return build_submit (form, baseline);
}
