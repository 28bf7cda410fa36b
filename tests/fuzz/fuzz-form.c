/* fuzz-form.c - data forms (XEP-0004) wherever the app reads them
 *
 * The configuration and default-configuration replies, subscription
 * options, the get-pending command, authorization requests in messages,
 * and any form in the stanza; then what the form editor does with one:
 * copy, validate, change a value, build the submission.  A submission
 * built from the server's form must itself be a form the app can read.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-form.h"
#include "xgb-fuzz.h"
#include "xgb-pubsub-private.h"
#include "xgb-xml.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  return 0;
}

/* Reads back what the app would send; it must be a valid submit form. */
static void
check_submission (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xgb_xml_parse (text, strlen (text), &error);
  g_autoptr(XgbForm) form = NULL;

  if (doc == NULL)
    g_error ("a submission the app built is not well-formed XML: %s\n%s", error->message, text);
  form = xgb_form_parse (xmlDocGetRootElement (doc), &error);
  if (form == NULL)
    g_error ("a submission the app built is not a data form: %s\n%s", error->message, text);
}

static void
exercise (const XgbForm *form)
{
  g_autoptr(XgbForm) edited = xgb_form_copy (form);
  g_autoptr(GHashTable) field_errors = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *submit = NULL;
  g_autofree char *changes = NULL;

  (void) xgb_form_get_form_type (form);
  for (guint i = 0; i < form->fields->len; i++)
    {
      const XgbFormField *field = form->fields->pdata[i];

      (void) xgb_form_field_type_to_string (field->type);
      if (field->var == NULL)
        continue;
      (void) xgb_form_get_boolean (form, field->var, TRUE);
      (void) xgb_form_get_value (form, field->var);
    }

  (void) xgb_form_validate (form, &field_errors, &error);
  g_clear_error (&error);

  /* The editor changes a value: take the first option (or the label)
   * of each field, as a user picking from the form could. */
  for (guint i = 0; i < edited->fields->len; i++)
    {
      XgbFormField *field = edited->fields->pdata[i];
      const char *value = field->label;

      if (field->var == NULL || field->type == XGB_FORM_FIELD_FIXED)
        continue;
      if (field->options->len > 0)
        value = ((XgbFormOption *) field->options->pdata[0])->value;
      if (!xgb_form_set_value (edited, field->var, value, &error))
        g_clear_error (&error);
    }
  (void) xgb_form_validate (edited, NULL, NULL);

  submit = xgb_form_build_submit (form);
  check_submission (submit);
  changes = xgb_form_build_submit_changes (edited, form);
  check_submission (changes);
}

static void
exercise_all (const xmlNode *node,
              guint          depth)
{
  /* Every form anywhere in the stanza (libxml2 limits nesting) */
  for (const xmlNode *c = node->children; c != NULL; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (xgb_xml_is (c, "x", XGB_NS_DATA_FORMS))
        {
          g_autoptr(XgbForm) form = xgb_form_parse (c, NULL);

          if (form != NULL)
            exercise (form);
        }
      if (depth < 64)
        exercise_all (c, depth + 1);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(xmlDoc) doc = xgb_fuzz_stanza (data, size);
  xmlNode *root;
  xmlNode *iq;

  if (doc == NULL)
    return 0;
  root = xmlDocGetRootElement (doc);

  /* A <message> from the Broker: a subscription authorization request */
  {
    XgbPubsubPending *pending = xgb_pubsub_parse_authorization (root);

    xgb_pubsub_pending_free (pending);
  }

  iq = xgb_fuzz_iq_reply (doc);
  if (iq != NULL)
    {
      static const char * const elements[] = { "configure", "default", "options" };

      for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(xmlDoc) reply = _xgb_pubsub_parse_form_reply (iq, elements[i], &error);
          g_autoptr(XgbForm) form = NULL;

          if (reply == NULL)
            continue;
          form = xgb_form_parse (xmlDocGetRootElement (reply), &error);
          if (form != NULL)
            exercise (form);
        }
      {
        g_autoptr(GError) error = NULL;

        g_strfreev (xgb_pubsub_parse_pending_nodes (iq, &error));
      }
    }

  exercise_all ((const xmlNode *) doc, 0);
  return 0;
}
