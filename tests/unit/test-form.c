/* test-form.c - data forms (XEP-0004): parsing, validation and submission,
 * fed with the example stanzas of XEP-0004 and XEP-0060
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-connection.h"   /* the xmlDoc cleanup function */
#include "xgb-error.h"
#include "xgb-form.h"
#include "xgb-jid.h"
#include "xgb-xml.h"
#include "xgb-test-util.h"

#define NS_META_DATA     "http://jabber.org/protocol/pubsub#meta-data"
#define NS_NODE_CONFIG   "http://jabber.org/protocol/pubsub#node_config"
#define NS_SUB_OPTIONS   "http://jabber.org/protocol/pubsub#subscribe_options"
#define NS_SUB_AUTH      "http://jabber.org/protocol/pubsub#subscribe_authorization"

static xmlDoc *
parse_string (const char *xml)
{
  g_autoptr(GError) error = NULL;
  xmlDoc *doc = xgb_xml_parse (xml, strlen (xml), &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

/* The first data form anywhere below @node, depth first. */
static xmlNode *
find_x (xmlNode *node)
{
  if (xgb_xml_is (node, "x", XGB_NS_DATA_FORMS))
    return node;
  for (xmlNode *c = node->children; c != NULL; c = c->next)
    {
      xmlNode *found = find_x (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static XgbForm *
load_form (const char *name)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture (name);
  g_autoptr(GError) error = NULL;
  xmlNode *x = find_x (xmlDocGetRootElement (doc));
  XgbForm *form;

  g_assert_nonnull (x);
  form = xgb_form_parse (x, &error);
  g_assert_no_error (error);
  g_assert_nonnull (form);
  return form;
}

static XgbForm *
parse_form_string (const char *xml)
{
  g_autoptr(xmlDoc) doc = parse_string (xml);
  g_autoptr(GError) error = NULL;
  XgbForm *form = xgb_form_parse (xmlDocGetRootElement (doc), &error);

  g_assert_no_error (error);
  g_assert_nonnull (form);
  return form;
}

/* Asserts the field exists with this type and exactly these values
 * (NULL-terminated). */
static XgbFormField *
assert_field (const XgbForm    *form,
              const char       *var,
              XgbFormFieldType  type,
              ...)
{
  XgbFormField *field = xgb_form_get_field (form, var);
  const char *value;
  va_list ap;
  guint n = 0;

  g_assert_nonnull (field);
  g_assert_cmpstr (field->var, ==, var);
  g_assert_cmpstr (xgb_form_field_type_to_string (field->type), ==,
                   xgb_form_field_type_to_string (type));
  va_start (ap, type);
  while ((value = va_arg (ap, const char *)) != NULL)
    {
      g_assert_cmpuint (n, <, field->values->len);
      g_assert_cmpstr (field->values->pdata[n], ==, value);
      n++;
    }
  va_end (ap);
  g_assert_cmpuint (field->values->len, ==, n);

  return field;
}

static void
assert_option (const XgbFormField *field,
               guint               index,
               const char         *label,
               const char         *value)
{
  const XgbFormOption *option;

  g_assert_cmpuint (index, <, field->options->len);
  option = field->options->pdata[index];
  g_assert_cmpstr (option->label, ==, label);
  g_assert_cmpstr (option->value, ==, value);
}

/* Every field of @expected that has a var is in @actual with the same
 * values, except @skip. */
static void
assert_same_values (const XgbForm *expected,
                    const XgbForm *actual,
                    const char    *skip)
{
  for (guint i = 0; i < expected->fields->len; i++)
    {
      const XgbFormField *e = expected->fields->pdata[i];
      const XgbFormField *a;

      if (e->var == NULL || g_strcmp0 (e->var, skip) == 0)
        continue;
      a = xgb_form_get_field (actual, e->var);
      g_assert_nonnull (a);
      g_assert_cmpuint (a->values->len, ==, e->values->len);
      for (guint j = 0; j < e->values->len; j++)
        g_assert_cmpstr (a->values->pdata[j], ==, e->values->pdata[j]);
    }
}

/* Builds the submission of @form and parses it back. */
static XgbForm *
submit_round_trip (const XgbForm *form)
{
  g_autofree char *xml = xgb_form_build_submit (form);
  XgbForm *submitted;

  g_assert_nonnull (xml);
  g_assert_true (g_str_has_prefix (xml, "<x xmlns=\"jabber:x:data\" type=\"submit\">") ||
                 g_str_has_prefix (xml, "<x xmlns=\"jabber:x:data\" type=\"submit\"/>"));
  submitted = parse_form_string (xml);
  g_assert_cmpstr (submitted->type, ==, "submit");
  return submitted;
}

static void
set_values_from (XgbForm       *form,
                 const XgbForm *answers,
                 const char    *unknown)
{
  for (guint i = 0; i < answers->fields->len; i++)
    {
      const XgbFormField *answer = answers->fields->pdata[i];
      g_autoptr(GPtrArray) values = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (g_strcmp0 (answer->var, "FORM_TYPE") == 0)
        continue;
      for (guint j = 0; j < answer->values->len; j++)
        g_ptr_array_add (values, answer->values->pdata[j]);
      g_ptr_array_add (values, NULL);
      ok = xgb_form_set_values (form, answer->var, (const char * const *) values->pdata, &error);
      if (g_strcmp0 (answer->var, unknown) == 0)
        {
          g_assert_false (ok);
          g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
          g_assert_nonnull (strstr (error->message, unknown));
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
    }
}

/* --- XEP-0004 examples ---------------------------------------------- */

static void
test_bot_form (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0004-002-service-returns-bot-creation-form.xml");
  g_autoptr(GHashTable) field_errors = NULL;
  g_autoptr(GError) error = NULL;
  XgbFormField *field;
  const char * const fixed[] = {
    "Section 1: Bot Info", "Section 2: Features",
    "Section 3: Subscriber List", "Section 4: Invitations",
  };
  guint n_fixed = 0;

  g_assert_cmpstr (form->type, ==, "form");
  g_assert_cmpstr (form->title, ==, "Bot Configuration");
  g_assert_cmpuint (form->instructions->len, ==, 1);
  g_assert_cmpstr (form->instructions->pdata[0], ==, "Fill out this form to configure your new bot!");
  g_assert_cmpstr (xgb_form_get_form_type (form), ==, "jabber:bot");
  g_assert_cmpuint (form->fields->len, ==, 12);

  /* Document order, fixed fields (without var) kept */
  field = form->fields->pdata[0];
  g_assert_cmpstr (field->var, ==, "FORM_TYPE");
  g_assert_true (field->type == XGB_FORM_FIELD_HIDDEN);
  for (guint i = 0; i < form->fields->len; i++)
    {
      field = form->fields->pdata[i];
      if (field->type != XGB_FORM_FIELD_FIXED)
        continue;
      g_assert_null (field->var);
      g_assert_cmpuint (field->values->len, ==, 1);
      g_assert_cmpstr (field->values->pdata[0], ==, fixed[n_fixed]);
      n_fixed++;
    }
  g_assert_cmpuint (n_fixed, ==, 4);
  g_assert_cmpstr (((XgbFormField *) form->fields->pdata[2])->var, ==, "botname");
  g_assert_cmpstr (((XgbFormField *) form->fields->pdata[11])->var, ==, "invitelist");

  field = assert_field (form, "botname", XGB_FORM_FIELD_TEXT_SINGLE, NULL);
  g_assert_cmpstr (field->label, ==, "The name of your bot");
  g_assert_false (field->required);
  g_assert_null (field->desc);
  assert_field (form, "description", XGB_FORM_FIELD_TEXT_MULTI, NULL);
  field = assert_field (form, "public", XGB_FORM_FIELD_BOOLEAN, NULL);
  g_assert_cmpstr (field->label, ==, "Public bot?");
  g_assert_true (field->required);
  field = assert_field (form, "password", XGB_FORM_FIELD_TEXT_PRIVATE, NULL);
  g_assert_cmpstr (field->label, ==, "Password for special access");

  field = assert_field (form, "features", XGB_FORM_FIELD_LIST_MULTI, "news", "search", NULL);
  g_assert_cmpuint (field->options->len, ==, 5);
  assert_option (field, 0, "Contests", "contests");
  assert_option (field, 4, "Search", "search");

  field = assert_field (form, "maxsubs", XGB_FORM_FIELD_LIST_SINGLE, "20", NULL);
  g_assert_cmpstr (field->label, ==, "Maximum number of subscribers");
  g_assert_cmpuint (field->options->len, ==, 6);
  assert_option (field, 0, "10", "10");
  assert_option (field, 5, "None", "none");

  field = assert_field (form, "invitelist", XGB_FORM_FIELD_JID_MULTI, NULL);
  g_assert_cmpstr (field->desc, ==, "Tell all your friends about your new bot!");
  g_assert_cmpuint (field->options->len, ==, 0);

  g_assert_cmpstr (xgb_form_get_value (form, "maxsubs"), ==, "20");
  g_assert_null (xgb_form_get_value (form, "botname"));
  g_assert_null (xgb_form_get_field (form, "nonexistent"));

  /* As received, the one required field is empty. */
  g_assert_false (xgb_form_validate (form, &field_errors, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "1 field needs attention.");
  g_assert_cmpuint (g_hash_table_size (field_errors), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (field_errors, "public"), ==, "Enter a value.");
}

static void
test_bot_submit (void)
{
  g_autoptr(XgbForm) submit = load_form ("xep-0004-003-user-submits-bot-creation-form.xml");
  g_autoptr(XgbForm) result = load_form ("xep-0004-004-service-returns-bot-creation-result.xml");

  g_assert_cmpstr (submit->type, ==, "submit");
  g_assert_null (submit->title);
  g_assert_cmpuint (submit->instructions->len, ==, 0);
  g_assert_cmpuint (submit->fields->len, ==, 8);
  g_assert_cmpstr (xgb_form_get_form_type (submit), ==, "jabber:bot");
  assert_field (submit, "botname", XGB_FORM_FIELD_TEXT_SINGLE, "The Jabber Google Bot", NULL);
  /* "It&apos; really cool!" sic: the XEP's typo, kept */
  assert_field (submit, "description", XGB_FORM_FIELD_TEXT_MULTI,
                "This bot enables you to send requests to",
                "Google and receive the search results right",
                "in your Jabber client. It' really cool!",
                "It even supports Google News!", NULL);
  assert_field (submit, "public", XGB_FORM_FIELD_BOOLEAN, "0", NULL);
  g_assert_false (xgb_form_get_boolean (submit, "public", TRUE));
  assert_field (submit, "password", XGB_FORM_FIELD_TEXT_PRIVATE, "v3r0na", NULL);
  assert_field (submit, "features", XGB_FORM_FIELD_LIST_MULTI, "news", "search", NULL);
  assert_field (submit, "maxsubs", XGB_FORM_FIELD_LIST_SINGLE, "50", NULL);
  assert_field (submit, "invitelist", XGB_FORM_FIELD_JID_MULTI,
                "juliet@capulet.com", "benvolio@montague.net", NULL);
  g_assert_true (xgb_form_validate (submit, NULL, NULL));

  g_assert_cmpstr (result->type, ==, "result");
  g_assert_cmpuint (result->fields->len, ==, 7);
  g_assert_null (xgb_form_get_field (result, "description"));
  assert_field (result, "maxsubs", XGB_FORM_FIELD_LIST_SINGLE, "50", NULL);
}

/* Filling in Example 2 with the answers of Example 3 gives Example 3. */
static void
test_bot_fill_and_submit (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0004-002-service-returns-bot-creation-form.xml");
  g_autoptr(XgbForm) answers = load_form ("xep-0004-003-user-submits-bot-creation-form.xml");
  g_autoptr(XgbForm) submitted = NULL;
  g_autoptr(GHashTable) field_errors = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  XgbFormField *field;

  set_values_from (form, answers, NULL);
  g_assert_true (xgb_form_validate (form, &field_errors, &error));
  g_assert_no_error (error);
  g_assert_null (field_errors);

  xml = xgb_form_build_submit (form);
  /* no labels, options, descriptions or fixed text in a submission */
  g_assert_null (strstr (xml, "label="));
  g_assert_null (strstr (xml, "<option"));
  g_assert_null (strstr (xml, "<desc"));
  g_assert_null (strstr (xml, "Section"));
  g_assert_null (strstr (xml, "Bot Configuration"));

  submitted = submit_round_trip (form);
  g_assert_cmpuint (submitted->fields->len, ==, answers->fields->len);
  field = submitted->fields->pdata[0];
  g_assert_cmpstr (field->var, ==, "FORM_TYPE");
  g_assert_true (field->type == XGB_FORM_FIELD_HIDDEN);
  g_assert_cmpstr (xgb_form_get_form_type (submitted), ==, "jabber:bot");
  assert_same_values (answers, submitted, NULL);
  assert_same_values (submitted, answers, NULL);
  /* booleans go out as given */
  g_assert_cmpstr (xgb_form_get_value (submitted, "public"), ==, "0");
}

static void
test_search (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0004-006-service-returns-search-form.xml");
  g_autoptr(XgbForm) answer = load_form ("xep-0004-007-user-submits-search-form.xml");
  g_autoptr(XgbForm) submitted = NULL;
  g_autoptr(GHashTable) field_errors = NULL;
  XgbFormField *field;

  g_assert_cmpstr (form->title, ==, "Joogle Search");
  g_assert_cmpstr (form->instructions->pdata[0], ==, "Fill out this form to search for information!");
  g_assert_null (xgb_form_get_form_type (form));
  g_assert_cmpuint (form->fields->len, ==, 1);
  field = assert_field (form, "search_request", XGB_FORM_FIELD_TEXT_SINGLE, NULL);
  g_assert_true (field->required);
  g_assert_null (field->label);

  g_assert_false (xgb_form_validate (form, &field_errors, NULL));
  g_assert_cmpstr (g_hash_table_lookup (field_errors, "search_request"), ==, "Enter a value.");
  g_clear_pointer (&field_errors, g_hash_table_unref);

  /* An empty value is no value */
  g_assert_true (xgb_form_set_value (form, "search_request", "", NULL));
  g_assert_false (xgb_form_validate (form, NULL, NULL));

  g_assert_true (xgb_form_set_value (form, "search_request", "verona", NULL));
  g_assert_true (xgb_form_validate (form, &field_errors, NULL));
  g_assert_null (field_errors);

  submitted = submit_round_trip (form);
  g_assert_null (xgb_form_get_form_type (submitted));
  g_assert_cmpuint (submitted->fields->len, ==, 1);
  assert_same_values (answer, submitted, NULL);
  assert_field (answer, "search_request", XGB_FORM_FIELD_TEXT_SINGLE, "verona", NULL);
}

static void
test_search_results (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0004-008-service-returns-search-results.xml");

  /* <reported/> and <item/> are skipped, not fields of the form */
  g_assert_cmpstr (form->type, ==, "result");
  g_assert_cmpstr (form->title, ==, "Joogle Search: verona");
  g_assert_cmpuint (form->fields->len, ==, 0);
  g_assert_null (xgb_form_get_field (form, "name"));
  g_assert_null (xgb_form_get_form_type (form));
}

/* --- XEP-0060 examples ---------------------------------------------- */

static void
test_meta_data (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-014-service-responds-with-information-and-metadata.xml");
  xmlNode *iq = xmlDocGetRootElement (doc);
  xmlNode *query = xgb_xml_child (iq, "query", "http://jabber.org/protocol/disco#info");
  g_autoptr(XgbForm) form = NULL;
  g_autoptr(XgbForm) any = NULL;
  g_autoptr(XgbForm) other = NULL;
  g_autoptr(XgbForm) not_child = NULL;
  XgbFormField *field;

  g_assert_nonnull (query);
  form = xgb_form_find (query, NS_META_DATA);
  g_assert_nonnull (form);
  any = xgb_form_find (query, NULL);
  g_assert_nonnull (any);
  g_assert_cmpuint (any->fields->len, ==, form->fields->len);
  other = xgb_form_find (query, NS_NODE_CONFIG);
  g_assert_null (other);
  /* only children, not descendants */
  not_child = xgb_form_find (iq, NULL);
  g_assert_null (not_child);
  g_assert_null (xgb_form_find (NULL, NULL));

  g_assert_cmpstr (form->type, ==, "result");
  g_assert_cmpstr (xgb_form_get_form_type (form), ==, NS_META_DATA);
  g_assert_cmpuint (form->fields->len, ==, 14);
  field = assert_field (form, "pubsub#type", XGB_FORM_FIELD_TEXT_SINGLE, "urn:example:e2ee:bundle", NULL);
  g_assert_cmpstr (field->label, ==, "Payload semantic type information");
  field = assert_field (form, "pubsub#creator", XGB_FORM_FIELD_JID_SINGLE, "hamlet@denmark.lit", NULL);
  g_assert_cmpstr (field->label, ==, "Node creator");
  assert_field (form, "pubsub#creation_date", XGB_FORM_FIELD_TEXT_SINGLE, "2003-07-29T22:56:10Z", NULL);
  assert_field (form, "pubsub#title", XGB_FORM_FIELD_TEXT_SINGLE, "Princely Musings (Atom)", NULL);
  assert_field (form, "pubsub#description", XGB_FORM_FIELD_TEXT_SINGLE,
                "Updates for Hamlet's Princely Musings weblog.", NULL);
  /* list-single with a value but no options: not an error */
  field = assert_field (form, "pubsub#language", XGB_FORM_FIELD_LIST_SINGLE, "en", NULL);
  g_assert_cmpuint (field->options->len, ==, 0);
  assert_field (form, "pubsub#contact", XGB_FORM_FIELD_JID_MULTI, "bard@shakespeare.lit", NULL);
  assert_field (form, "pubsub#access_model", XGB_FORM_FIELD_LIST_SINGLE, "open", NULL);
  field = assert_field (form, "pubsub#max_items", XGB_FORM_FIELD_TEXT_SINGLE, "120", NULL);
  g_assert_true (g_str_has_prefix (field->label, "Max # of items to persist. `max` for"));
  assert_field (form, "pubsub#owner", XGB_FORM_FIELD_JID_MULTI, "hamlet@denmark.lit", NULL);
  assert_field (form, "pubsub#publisher", XGB_FORM_FIELD_JID_MULTI, "hamlet@denmark.lit", NULL);
  assert_field (form, "pubsub#num_subscribers", XGB_FORM_FIELD_TEXT_SINGLE, "1066", NULL);
  g_assert_true (xgb_form_validate (form, NULL, NULL));
}

static void
test_subscribe_options (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0060-056-service-responds-with-the-options-form.xml");
  g_autoptr(XgbForm) answers = load_form ("xep-0060-064-subscriber-submits-completed-options-form.xml");
  g_autoptr(XgbForm) submitted = NULL;
  XgbFormField *field;

  g_assert_cmpstr (form->type, ==, "form");
  g_assert_cmpstr (xgb_form_get_form_type (form), ==, NS_SUB_OPTIONS);
  g_assert_cmpuint (form->fields->len, ==, 5);
  field = assert_field (form, "pubsub#deliver", XGB_FORM_FIELD_BOOLEAN, "1", NULL);
  g_assert_cmpstr (field->label, ==, "Enable delivery?");
  g_assert_true (xgb_form_get_boolean (form, "pubsub#deliver", FALSE));
  assert_field (form, "pubsub#digest", XGB_FORM_FIELD_BOOLEAN, "0", NULL);
  g_assert_false (xgb_form_get_boolean (form, "pubsub#digest", TRUE));
  assert_field (form, "pubsub#include_body", XGB_FORM_FIELD_BOOLEAN, "false", NULL);
  g_assert_false (xgb_form_get_boolean (form, "pubsub#include_body", TRUE));

  field = assert_field (form, "pubsub#show-values", XGB_FORM_FIELD_LIST_MULTI, "chat", "online", NULL);
  /* The label spans two lines in the XML source: attribute-value
   * normalization makes the newline a space, the indentation stays. */
  g_assert_true (g_str_has_prefix (field->label, "Select the presence types which are "));
  g_assert_true (g_str_has_suffix (field->label, " allowed to receive event notifications"));
  g_assert_null (strchr (field->label, '\n'));
  g_assert_cmpuint (field->options->len, ==, 5);
  assert_option (field, 0, "Want to Chat", "chat");
  assert_option (field, 3, "Extended Away", "xa");
  assert_option (field, 4, "Do Not Disturb", "dnd");
  g_assert_true (xgb_form_validate (form, NULL, NULL));

  /* Example 64's answers fit the form of Example 56 */
  g_assert_cmpstr (answers->type, ==, "submit");
  g_assert_cmpstr (xgb_form_get_form_type (answers), ==, NS_SUB_OPTIONS);
  set_values_from (form, answers, NULL);
  g_assert_true (xgb_form_validate (form, NULL, NULL));
  submitted = submit_round_trip (form);
  g_assert_cmpstr (xgb_form_get_form_type (submitted), ==, NS_SUB_OPTIONS);
  assert_same_values (answers, submitted, NULL);
  assert_same_values (submitted, answers, NULL);

  /* A value the form does not offer */
  g_assert_true (xgb_form_set_value (form, "pubsub#show-values", "invisible", NULL));
  g_assert_false (xgb_form_validate (form, NULL, NULL));
}

static void
test_default_subscription_options (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0060-071-service-responds-with-default-subscription-configuration.xml");
  XgbFormField *field;

  /* A result form: fields come without type, hence text-single */
  g_assert_cmpstr (form->type, ==, "result");
  g_assert_cmpstr (xgb_form_get_form_type (form), ==, NS_SUB_OPTIONS);
  g_assert_cmpuint (form->fields->len, ==, 5);
  field = assert_field (form, "pubsub#deliver", XGB_FORM_FIELD_TEXT_SINGLE, "1", NULL);
  g_assert_null (field->label);
  g_assert_true (xgb_form_get_boolean (form, "pubsub#deliver", FALSE));
  g_assert_false (xgb_form_get_boolean (form, "pubsub#include_body", TRUE));
  assert_field (form, "pubsub#show-values", XGB_FORM_FIELD_TEXT_SINGLE,
                "chat", "online", "away", NULL);
}

static void
test_node_config (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0060-140-service-responds-with-configuration-form.xml");
  g_autoptr(XgbForm) answers = load_form ("xep-0060-146-owner-submits-node-configuration-form.xml");
  g_autoptr(XgbForm) submitted = NULL;
  g_autoptr(GHashTable) field_errors = NULL;
  XgbFormField *field;

  g_assert_cmpstr (form->type, ==, "form");
  g_assert_null (form->title);
  g_assert_cmpstr (xgb_form_get_form_type (form), ==, NS_NODE_CONFIG);
  g_assert_cmpuint (form->fields->len, ==, 22);

  field = assert_field (form, "pubsub#title", XGB_FORM_FIELD_TEXT_SINGLE, NULL);
  g_assert_cmpstr (field->label, ==, "A friendly name for the node");
  field = assert_field (form, "pubsub#deliver_notifications", XGB_FORM_FIELD_BOOLEAN, "true", NULL);
  g_assert_cmpstr (field->label, ==, "Whether to deliver event notifications");
  assert_field (form, "pubsub#notify_config", XGB_FORM_FIELD_BOOLEAN, "0", NULL);
  assert_field (form, "pubsub#persist_items", XGB_FORM_FIELD_BOOLEAN, "1", NULL);
  assert_field (form, "pubsub#max_items", XGB_FORM_FIELD_TEXT_SINGLE, "10", NULL);
  assert_field (form, "pubsub#item_expire", XGB_FORM_FIELD_TEXT_SINGLE, "604800", NULL);

  /* options without labels */
  field = assert_field (form, "pubsub#access_model", XGB_FORM_FIELD_LIST_SINGLE, "open", NULL);
  g_assert_cmpstr (field->label, ==, "Specify the subscriber model");
  g_assert_cmpuint (field->options->len, ==, 5);
  assert_option (field, 0, NULL, "authorize");
  assert_option (field, 4, NULL, "whitelist");
  field = assert_field (form, "pubsub#roster_groups_allowed", XGB_FORM_FIELD_LIST_MULTI, NULL);
  g_assert_cmpuint (field->options->len, ==, 4);
  assert_option (field, 1, NULL, "courtiers");
  field = assert_field (form, "pubsub#publish_model", XGB_FORM_FIELD_LIST_SINGLE, "publishers", NULL);
  g_assert_cmpuint (field->options->len, ==, 3);
  field = assert_field (form, "pubsub#send_last_published_item", XGB_FORM_FIELD_LIST_SINGLE, "never", NULL);
  g_assert_cmpuint (field->options->len, ==, 3);
  assert_option (field, 0, "Never", "never");
  assert_option (field, 2, "When a new subscription is processed and whenever a subscriber comes online",
                 "on_sub_and_presence");
  assert_field (form, "pubsub#notification_type", XGB_FORM_FIELD_LIST_SINGLE, "headline", NULL);
  assert_field (form, "pubsub#max_payload_size", XGB_FORM_FIELD_TEXT_SINGLE, "1028", NULL);
  assert_field (form, "pubsub#type", XGB_FORM_FIELD_TEXT_SINGLE, "urn:example:e2ee:bundle", NULL);
  assert_field (form, "pubsub#dataform_xslt", XGB_FORM_FIELD_TEXT_SINGLE, NULL);
  g_assert_null (xgb_form_get_field (form, "pubsub#body_xslt"));
  g_assert_true (xgb_form_validate (form, NULL, NULL));

  /* Example 146 answers it, with one field the form of Example 140 does
   * not have (pubsub#body_xslt): set_values refuses that one. */
  g_assert_cmpstr (answers->type, ==, "submit");
  g_assert_cmpstr (xgb_form_get_form_type (answers), ==, NS_NODE_CONFIG);
  assert_field (answers, "pubsub#roster_groups_allowed", XGB_FORM_FIELD_TEXT_SINGLE,
                "friends", "servants", "courtiers", NULL);
  set_values_from (form, answers, "pubsub#body_xslt");
  g_assert_true (xgb_form_validate (form, &field_errors, NULL));
  g_assert_null (field_errors);

  submitted = submit_round_trip (form);
  g_assert_cmpuint (submitted->fields->len, ==, form->fields->len);
  g_assert_cmpstr (((XgbFormField *) submitted->fields->pdata[0])->var, ==, "FORM_TYPE");
  assert_same_values (answers, submitted, "pubsub#body_xslt");
  assert_same_values (form, submitted, NULL);
  /* fields the owner left alone go back as the service sent them */
  assert_field (submitted, "pubsub#subscribe", XGB_FORM_FIELD_TEXT_SINGLE, "1", NULL);
  assert_field (submitted, "pubsub#deliver_notifications", XGB_FORM_FIELD_TEXT_SINGLE, "1", NULL);
}

static void
test_node_config_cancel (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0060-147-owner-cancels-configuration-process.xml");

  g_assert_cmpstr (form->type, ==, "cancel");
  g_assert_cmpuint (form->fields->len, ==, 0);
  g_assert_null (xgb_form_get_form_type (form));
  g_assert_true (xgb_form_validate (form, NULL, NULL));
}

static void
test_default_node_config (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0060-154-service-responds-with-default-node-configuration-options.xml");
  XgbFormField *field;

  g_assert_cmpstr (form->type, ==, "form");
  g_assert_cmpstr (xgb_form_get_form_type (form), ==, NS_NODE_CONFIG);
  g_assert_cmpuint (form->fields->len, ==, 21);
  field = assert_field (form, "pubsub#deliver_payloads", XGB_FORM_FIELD_BOOLEAN, "1", NULL);
  g_assert_cmpstr (field->label, ==, "Deliver payloads with event notifications");
  field = assert_field (form, "pubsub#description", XGB_FORM_FIELD_TEXT_SINGLE, NULL);
  g_assert_cmpstr (field->label, ==, "A description of the node");
  assert_field (form, "pubsub#notify_delete", XGB_FORM_FIELD_BOOLEAN, "0", NULL);
  assert_field (form, "pubsub#max_payload_size", XGB_FORM_FIELD_TEXT_SINGLE, "9216", NULL);
  field = assert_field (form, "pubsub#send_last_published_item", XGB_FORM_FIELD_LIST_SINGLE, "never", NULL);
  assert_option (field, 1, "When a new subscription is processed", "on_sub");
  g_assert_null (xgb_form_get_field (form, "pubsub#type"));
  g_assert_true (xgb_form_get_boolean (form, "pubsub#deliver_notifications", FALSE));
  g_assert_true (xgb_form_validate (form, NULL, NULL));
}

static void
test_authorization (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-170-service-sends-authorization-request-to-node-owner.xml");
  g_autoptr(XgbForm) approve = load_form ("xep-0060-171-owner-approves-subscription-request.xml");
  g_autoptr(XgbForm) form = NULL;
  g_autoptr(XgbForm) submitted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  const char *instructions;
  XgbFormField *field;

  /* The form is a direct child of the <message/> */
  form = xgb_form_find (xmlDocGetRootElement (doc), NS_SUB_AUTH);
  g_assert_nonnull (form);
  g_assert_cmpstr (form->type, ==, "form");
  g_assert_cmpstr (form->title, ==, "PubSub subscriber request");
  g_assert_cmpuint (form->instructions->len, ==, 1);
  /* kept as sent: newlines and indentation included */
  instructions = form->instructions->pdata[0];
  g_assert_true (g_str_has_prefix (instructions, "\n      To approve this entity's subscription request,\n"));
  g_assert_nonnull (strstr (instructions, "click the OK button."));
  g_assert_cmpuint (form->fields->len, ==, 5);
  assert_field (form, "pubsub#subid", XGB_FORM_FIELD_HIDDEN, "123-abc", NULL);
  field = assert_field (form, "pubsub#node", XGB_FORM_FIELD_TEXT_SINGLE, "princely_musings", NULL);
  g_assert_cmpstr (field->label, ==, "Node ID");
  field = assert_field (form, "pubsub#subscriber_jid", XGB_FORM_FIELD_JID_SINGLE, "horatio@denmark.lit", NULL);
  g_assert_cmpstr (field->label, ==, "Subscriber Address");
  field = assert_field (form, "pubsub#allow", XGB_FORM_FIELD_BOOLEAN, "false", NULL);
  g_assert_cmpstr (field->label, ==, "Allow this JID to subscribe to this pubsub node?");
  g_assert_false (xgb_form_get_boolean (form, "pubsub#allow", TRUE));
  g_assert_true (xgb_form_validate (form, NULL, NULL));

  /* Approving gives Example 171, hidden fields included */
  g_assert_true (xgb_form_set_value (form, "pubsub#allow", "true", &error));
  g_assert_no_error (error);
  g_assert_true (xgb_form_get_boolean (form, "pubsub#allow", FALSE));
  xml = xgb_form_build_submit (form);
  g_assert_null (strstr (xml, "PubSub subscriber request"));
  g_assert_null (strstr (xml, "approve"));
  submitted = submit_round_trip (form);
  g_assert_cmpstr (approve->type, ==, "submit");
  g_assert_cmpstr (xgb_form_get_form_type (approve), ==, NS_SUB_AUTH);
  g_assert_cmpstr (xgb_form_get_form_type (submitted), ==, NS_SUB_AUTH);
  g_assert_cmpuint (submitted->fields->len, ==, approve->fields->len);
  assert_same_values (approve, submitted, NULL);
  assert_same_values (submitted, approve, NULL);
}

/* --- building a submission ------------------------------------------ */

static void
test_submit_escaping (void)
{
  const char *nasty = "<>&'\"]]> &amp; &#x41;";
  g_autoptr(XgbForm) form = xgb_form_new ("form");
  g_autoptr(XgbForm) submitted = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autofree char *xml = NULL;
  XgbFormField *field;

  field = xgb_form_field_new (NULL, XGB_FORM_FIELD_FIXED);
  g_ptr_array_add (field->values, g_strdup ("fixed text"));
  g_ptr_array_add (form->fields, field);

  field = xgb_form_field_new ("a<b>&'\"c", XGB_FORM_FIELD_TEXT_SINGLE);
  field->label = g_strdup ("label text");
  field->desc = g_strdup ("desc text");
  g_ptr_array_add (field->values, g_strdup (nasty));
  g_ptr_array_add (form->fields, field);

  field = xgb_form_field_new ("multi", XGB_FORM_FIELD_TEXT_MULTI);
  g_ptr_array_add (field->values, g_strdup ("line one\r\nline two\n\ttabbed"));
  g_ptr_array_add (field->values, g_strdup ("Grüße ✓ 日本"));
  g_ptr_array_add (field->values, g_strdup (""));
  g_ptr_array_add (form->fields, field);

  /* FORM_TYPE is not first here; it is in the submission */
  field = xgb_form_field_new ("FORM_TYPE", XGB_FORM_FIELD_HIDDEN);
  g_ptr_array_add (field->values, g_strdup ("urn:example:test"));
  g_ptr_array_add (form->fields, field);

  field = xgb_form_field_new ("choice", XGB_FORM_FIELD_LIST_SINGLE);
  g_ptr_array_add (field->options, xgb_form_option_new ("The <first> one", "one"));
  g_ptr_array_add (field->values, g_strdup ("one"));
  g_ptr_array_add (form->fields, field);

  field = xgb_form_field_new ("empty", XGB_FORM_FIELD_JID_MULTI);
  g_ptr_array_add (form->fields, field);

  /* what XML cannot carry is left out, not sent to kill the stream */
  field = xgb_form_field_new ("control", XGB_FORM_FIELD_TEXT_MULTI);
  g_ptr_array_add (field->values, g_strdup ("a\001b\033c"));
  g_ptr_array_add (form->fields, field);

  xml = xgb_form_build_submit (form);
  g_assert_true (g_str_has_prefix (xml, "<x xmlns=\"jabber:x:data\" type=\"submit\"><field var=\"FORM_TYPE\" type=\"hidden\"><value>urn:example:test</value></field>"));
  g_assert_true (g_str_has_suffix (xml, "</x>"));
  g_assert_nonnull (strstr (xml, "&lt;&gt;&amp;'\"]]&gt; &amp;amp; &amp;#x41;"));
  g_assert_nonnull (strstr (xml, "var=\"a&lt;b&gt;&amp;'&quot;c\""));
  g_assert_null (strstr (xml, "fixed text"));
  g_assert_null (strstr (xml, "label="));
  g_assert_null (strstr (xml, "<desc"));
  g_assert_null (strstr (xml, "first"));
  g_assert_null (strchr (xml, '\001'));

  /* It is well-formed, and parses back to the same values. */
  doc = parse_string (xml);
  g_assert_nonnull (doc);
  submitted = submit_round_trip (form);
  g_assert_cmpuint (submitted->fields->len, ==, 6);
  g_assert_cmpstr (((XgbFormField *) submitted->fields->pdata[0])->var, ==, "FORM_TYPE");
  g_assert_cmpstr (((XgbFormField *) submitted->fields->pdata[1])->var, ==, "a<b>&'\"c");
  g_assert_cmpstr (((XgbFormField *) submitted->fields->pdata[4])->var, ==, "empty");
  assert_field (submitted, "a<b>&'\"c", XGB_FORM_FIELD_TEXT_SINGLE, nasty, NULL);
  assert_field (submitted, "multi", XGB_FORM_FIELD_TEXT_SINGLE,
                "line one\r\nline two\n\ttabbed", "Grüße ✓ 日本", "", NULL);
  assert_field (submitted, "choice", XGB_FORM_FIELD_TEXT_SINGLE, "one", NULL);
  assert_field (submitted, "empty", XGB_FORM_FIELD_TEXT_SINGLE, NULL);
  assert_field (submitted, "control", XGB_FORM_FIELD_TEXT_SINGLE, "abc", NULL);
  g_assert_cmpstr (xgb_form_get_form_type (submitted), ==, "urn:example:test");
}

static void
test_copy (void)
{
  g_autoptr(XgbForm) form = load_form ("xep-0004-002-service-returns-bot-creation-form.xml");
  g_autoptr(XgbForm) copy = xgb_form_copy (form);
  g_autofree char *a = xgb_form_build_submit (form);
  g_autofree char *b = NULL;
  XgbFormField *field;

  g_clear_pointer (&form, xgb_form_free);
  g_assert_cmpstr (copy->type, ==, "form");
  g_assert_cmpstr (copy->title, ==, "Bot Configuration");
  g_assert_cmpuint (copy->instructions->len, ==, 1);
  g_assert_cmpuint (copy->fields->len, ==, 12);
  field = assert_field (copy, "maxsubs", XGB_FORM_FIELD_LIST_SINGLE, "20", NULL);
  assert_option (field, 5, "None", "none");
  field = assert_field (copy, "invitelist", XGB_FORM_FIELD_JID_MULTI, NULL);
  g_assert_cmpstr (field->desc, ==, "Tell all your friends about your new bot!");
  g_assert_true (xgb_form_get_field (copy, "public")->required);
  b = xgb_form_build_submit (copy);
  g_assert_cmpstr (a, ==, b);
}

/* Only what differs from the server's form goes out, with FORM_TYPE */
static void
test_submit_changes (void)
{
  g_autoptr(XgbForm) baseline = load_form ("xep-0060-140-service-responds-with-configuration-form.xml");
  g_autoptr(XgbForm) form = xgb_form_copy (baseline);
  g_autofree char *none = xgb_form_build_submit_changes (form, baseline);
  g_autofree char *some = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(XgbForm) sent = NULL;

  doc = xgb_xml_parse (none, strlen (none), NULL);
  sent = xgb_form_parse (xmlDocGetRootElement (doc), NULL);
  g_assert_cmpuint (sent->fields->len, ==, 1);
  g_assert_cmpstr (xgb_form_get_form_type (sent), ==, "http://jabber.org/protocol/pubsub#node_config");
  g_clear_pointer (&sent, xgb_form_free);
  g_clear_pointer (&doc, xmlFreeDoc);

  g_assert_true (xgb_form_set_value (form, "pubsub#title", "Changed", NULL));
  g_assert_true (xgb_form_set_value (form, "pubsub#max_items", xgb_form_get_value (baseline, "pubsub#max_items"), NULL));
  some = xgb_form_build_submit_changes (form, baseline);
  doc = xgb_xml_parse (some, strlen (some), NULL);
  sent = xgb_form_parse (xmlDocGetRootElement (doc), NULL);
  g_assert_cmpuint (sent->fields->len, ==, 2);
  g_assert_cmpstr (xgb_form_get_value (sent, "pubsub#title"), ==, "Changed");
  g_assert_null (xgb_form_get_field (sent, "pubsub#max_items"));
}

/* --- validation ----------------------------------------------------- */

static void
add_field (XgbForm          *form,
           const char       *var,
           XgbFormFieldType  type,
           const char       *value)
{
  XgbFormField *field = xgb_form_field_new (var, type);

  if (value != NULL)
    g_ptr_array_add (field->values, g_strdup (value));
  g_ptr_array_add (form->fields, field);
}

/* A form with a valid value in a field of every type */
static XgbForm *
valid_form (void)
{
  XgbForm *form = xgb_form_new ("form");
  XgbFormField *field;

  add_field (form, "FORM_TYPE", XGB_FORM_FIELD_HIDDEN, "urn:example:valid");
  add_field (form, NULL, XGB_FORM_FIELD_FIXED, "Some\ntext\001 that is not checked");
  add_field (form, "text", XGB_FORM_FIELD_TEXT_SINGLE, "one line\twith a tab");
  add_field (form, "secret", XGB_FORM_FIELD_TEXT_PRIVATE, "hunter2");
  add_field (form, "multi", XGB_FORM_FIELD_TEXT_MULTI, "line one\r\nline two");
  g_ptr_array_add (xgb_form_get_field (form, "multi")->values, g_strdup ("line three"));
  add_field (form, "flag", XGB_FORM_FIELD_BOOLEAN, "true");
  add_field (form, "flag0", XGB_FORM_FIELD_BOOLEAN, "0");
  add_field (form, "jid", XGB_FORM_FIELD_JID_SINGLE, "juliet@capulet.lit/balcony");
  add_field (form, "jids", XGB_FORM_FIELD_JID_MULTI, "capulet.lit");
  g_ptr_array_add (xgb_form_get_field (form, "jids")->values, g_strdup ("romeo@montague.lit"));
  add_field (form, "list", XGB_FORM_FIELD_LIST_SINGLE, "b");
  field = xgb_form_get_field (form, "list");
  g_ptr_array_add (field->options, xgb_form_option_new ("A", "a"));
  g_ptr_array_add (field->options, xgb_form_option_new ("B", "b"));
  add_field (form, "lists", XGB_FORM_FIELD_LIST_MULTI, "x");
  field = xgb_form_get_field (form, "lists");
  g_ptr_array_add (field->values, g_strdup ("y"));
  g_ptr_array_add (field->options, xgb_form_option_new (NULL, "x"));
  g_ptr_array_add (field->options, xgb_form_option_new (NULL, "y"));
  g_ptr_array_add (field->options, xgb_form_option_new (NULL, "z"));
  add_field (form, "open-list", XGB_FORM_FIELD_LIST_SINGLE, "anything goes without options");
  add_field (form, "required", XGB_FORM_FIELD_TEXT_SINGLE, "filled in");
  xgb_form_get_field (form, "required")->required = TRUE;
  add_field (form, "optional-empty", XGB_FORM_FIELD_JID_SINGLE, "");
  add_field (form, "optional-none", XGB_FORM_FIELD_BOOLEAN, NULL);

  return form;
}

static void
test_validate_valid (void)
{
  g_autoptr(XgbForm) form = valid_form ();
  g_autoptr(GHashTable) field_errors = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_form_validate (form, &field_errors, &error));
  g_assert_no_error (error);
  g_assert_null (field_errors);
}

/* Makes the one field @var of a valid form hold @values and checks that
 * validation reports @message for it, and nothing else. */
static void
assert_invalid (const char         *var,
                const char * const *values,
                const char         *message)
{
  g_autoptr(XgbForm) form = valid_form ();
  g_autoptr(GHashTable) field_errors = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_form_set_values (form, var, values, NULL));
  g_assert_false (xgb_form_validate (form, &field_errors, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "1 field needs attention.");
  g_assert_nonnull (field_errors);
  g_assert_cmpuint (g_hash_table_size (field_errors), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (field_errors, var), ==, message);
}

static void
test_validate_required (void)
{
  const char * const empty[] = { "", NULL };

  assert_invalid ("required", NULL, "Enter a value.");
  assert_invalid ("required", empty, "Enter a value.");
}

static void
test_validate_boolean (void)
{
  const char * const maybe[] = { "maybe", NULL };
  const char * const upper[] = { "TRUE", NULL };

  assert_invalid ("flag", maybe, "‘maybe’ is not true or false.");
  assert_invalid ("flag", upper, "‘TRUE’ is not true or false.");
}

static void
test_validate_jid (void)
{
  const char * const bad[] = { "x y", NULL };
  const char * const bad_multi[] = { "romeo@montague.lit", "@capulet.lit", NULL };
  g_autoptr(GError) jid_error = NULL;
  g_autoptr(XgbJid) jid = xgb_jid_parse ("x y", &jid_error);
  g_autoptr(GError) jid_error2 = NULL;
  g_autoptr(XgbJid) jid2 = xgb_jid_parse ("@capulet.lit", &jid_error2);
  g_autofree char *message = NULL;
  g_autofree char *message2 = NULL;

  g_assert_null (jid);
  g_assert_nonnull (jid_error);
  message = g_strdup_printf ("‘x y’ is not a valid JID: %s", jid_error->message);
  assert_invalid ("jid", bad, message);

  g_assert_null (jid2);
  message2 = g_strdup_printf ("‘@capulet.lit’ is not a valid JID: %s", jid_error2->message);
  assert_invalid ("jids", bad_multi, message2);
}

static void
test_validate_list (void)
{
  const char * const z[] = { "z", NULL };
  const char * const xz[] = { "x", "q", NULL };

  assert_invalid ("list", z, "‘z’ is not one of the choices.");
  assert_invalid ("lists", xz, "‘q’ is not one of the choices.");
}

static void
test_validate_single_value (void)
{
  const char * const two[] = { "a", "b", NULL };
  const char * const two_bools[] = { "0", "1", NULL };
  const char * const two_jids[] = { "a@b.c", "d@e.f", NULL };

  assert_invalid ("list", two, "Only one value is allowed.");
  assert_invalid ("flag", two_bools, "Only one value is allowed.");
  assert_invalid ("jid", two_jids, "Only one value is allowed.");
  assert_invalid ("text", two, "Only one value is allowed.");
  assert_invalid ("FORM_TYPE", two, "Only one value is allowed.");
}

static void
test_validate_single_line (void)
{
  const char * const lf[] = { "two\nlines", NULL };
  const char * const cr[] = { "two\rlines", NULL };

  assert_invalid ("text", lf, "A single line is expected.");
  assert_invalid ("secret", cr, "A single line is expected.");
}

static void
test_validate_control (void)
{
  const char * const bell[] = { "ring\adings", NULL };
  const char * const esc[] = { "fine", "\033[31mred", NULL };
  const char * const del[] = { "rub\177out", NULL };

  assert_invalid ("text", bell, "A value contains a control character.");
  assert_invalid ("multi", esc, "A value contains a control character.");
  assert_invalid ("secret", del, "A value contains a control character.");
}

static void
test_validate_summary (void)
{
  g_autoptr(XgbForm) form = valid_form ();
  g_autoptr(GHashTable) field_errors = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_value = g_strnfill (500, 'q');
  const char *message;

  g_assert_true (xgb_form_set_value (form, "flag", "maybe", NULL));
  g_assert_true (xgb_form_set_value (form, "list", long_value, NULL));
  g_assert_true (xgb_form_set_value (form, "required", NULL, NULL));
  g_assert_false (xgb_form_validate (form, &field_errors, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "3 fields need attention.");
  g_assert_cmpuint (g_hash_table_size (field_errors), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (field_errors, "flag"), ==, "‘maybe’ is not true or false.");
  g_assert_cmpstr (g_hash_table_lookup (field_errors, "required"), ==, "Enter a value.");
  /* long values are shortened in messages */
  message = g_hash_table_lookup (field_errors, "list");
  g_assert_nonnull (message);
  g_assert_true (g_str_has_suffix (message, "…’ is not one of the choices."));
  g_assert_cmpuint (strlen (message), <, 200);

  /* field_errors and error are optional */
  g_assert_false (xgb_form_validate (form, NULL, NULL));
}

/* --- setting values ------------------------------------------------- */

static void
test_set_values (void)
{
  g_autoptr(XgbForm) form = valid_form ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) fixed_error = NULL;
  g_autoptr(GError) utf8_error = NULL;
  const char * const values[] = { "a@b.c", "d@e.f", "g@h.i", NULL };
  const char * const bad_utf8[] = { "ok", "\xff\xfe", NULL };
  XgbFormField *field;

  /* unknown var */
  g_assert_false (xgb_form_set_value (form, "no-such-field", "x", &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no-such-field"));
  g_assert_null (xgb_form_get_field (form, "no-such-field"));
  g_clear_error (&error);
  g_assert_false (xgb_form_set_values (form, "", values, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);

  /* a fixed field with a var cannot be changed */
  add_field (form, "fixed-with-var", XGB_FORM_FIELD_FIXED, "Read me");
  g_assert_false (xgb_form_set_value (form, "fixed-with-var", "changed", &fixed_error));
  g_assert_error (fixed_error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (xgb_form_get_value (form, "fixed-with-var"), ==, "Read me");

  /* invalid UTF-8 is refused and the old values stay */
  g_assert_false (xgb_form_set_values (form, "jids", bad_utf8, &utf8_error));
  g_assert_error (utf8_error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  assert_field (form, "jids", XGB_FORM_FIELD_JID_MULTI, "capulet.lit", "romeo@montague.lit", NULL);

  /* replace, shrink, clear */
  g_assert_true (xgb_form_set_values (form, "jids", values, NULL));
  field = assert_field (form, "jids", XGB_FORM_FIELD_JID_MULTI, "a@b.c", "d@e.f", "g@h.i", NULL);
  g_assert_true (xgb_form_set_value (form, "jids", "x@y.z", NULL));
  assert_field (form, "jids", XGB_FORM_FIELD_JID_MULTI, "x@y.z", NULL);
  g_assert_true (xgb_form_set_values (form, "jids", NULL, NULL));
  g_assert_cmpuint (field->values->len, ==, 0);
  g_assert_null (xgb_form_get_value (form, "jids"));
  g_assert_true (xgb_form_set_value (form, "jids", NULL, NULL));
  g_assert_cmpuint (field->values->len, ==, 0);

  /* booleans */
  g_assert_true (xgb_form_get_boolean (form, "no-such-field", TRUE));
  g_assert_false (xgb_form_get_boolean (form, "no-such-field", FALSE));
  g_assert_true (xgb_form_set_value (form, "flag", "maybe", NULL));
  g_assert_true (xgb_form_get_boolean (form, "flag", TRUE));
  g_assert_false (xgb_form_get_boolean (form, "flag", FALSE));
  g_assert_true (xgb_form_get_boolean (form, "optional-none", TRUE));
}

static void
test_field_types (void)
{
  for (int t = XGB_FORM_FIELD_TEXT_SINGLE; t <= XGB_FORM_FIELD_TEXT_PRIVATE; t++)
    {
      const char *name = xgb_form_field_type_to_string ((XgbFormFieldType) t);

      g_assert_true (xgb_form_field_type_from_string (name) == (XgbFormFieldType) t);
    }
  g_assert_true (xgb_form_field_type_from_string (NULL) == XGB_FORM_FIELD_TEXT_SINGLE);
  g_assert_true (xgb_form_field_type_from_string ("x-unknown") == XGB_FORM_FIELD_TEXT_SINGLE);
  g_assert_true (xgb_form_field_type_from_string ("") == XGB_FORM_FIELD_TEXT_SINGLE);
  g_assert_true (xgb_form_field_type_is_multi (XGB_FORM_FIELD_JID_MULTI));
  g_assert_true (xgb_form_field_type_is_multi (XGB_FORM_FIELD_LIST_MULTI));
  g_assert_true (xgb_form_field_type_is_multi (XGB_FORM_FIELD_TEXT_MULTI));
  g_assert_false (xgb_form_field_type_is_multi (XGB_FORM_FIELD_HIDDEN));
  g_assert_false (xgb_form_field_type_is_multi (XGB_FORM_FIELD_LIST_SINGLE));
}

/* --- hostile input -------------------------------------------------- */

static void
assert_not_a_form (const char *xml)
{
  g_autoptr(xmlDoc) doc = parse_string (xml);
  g_autoptr(GError) error = NULL;
  XgbForm *form = xgb_form_parse (xmlDocGetRootElement (doc), &error);

  g_assert_null (form);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL);
}

static void
test_hostile_not_a_form (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = parse_string ("<message><x xmlns='jabber:x:oob' type='form'/>"
                                        "<x type='form'/><y xmlns='jabber:x:data'/></message>");

  assert_not_a_form ("<x xmlns='jabber:x:oob' type='form'><field var='a'/></x>");
  assert_not_a_form ("<x type='form'><field var='a'/></x>");
  assert_not_a_form ("<form xmlns='jabber:x:data' type='form'/>");
  assert_not_a_form ("<d:x xmlns:d='jabber:x:data' xmlns='jabber:x:data' type='FORM'/>");
  assert_not_a_form ("<x xmlns='jabber:x:data'/>");
  assert_not_a_form ("<x xmlns='jabber:x:data' type=''/>");
  g_assert_null (xgb_form_parse (NULL, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_PROTOCOL);

  /* xgb_form_find skips what is not a data form */
  g_assert_null (xgb_form_find (xmlDocGetRootElement (doc), NULL));
}

static void
test_hostile_fields (void)
{
  g_autoptr(XgbForm) form = parse_form_string (
    "<x xmlns='jabber:x:data' type='form'>"
    "<title>First</title><title>Second</title>"
    "<instructions>One</instructions><instructions/>"
    "<field label='no var'><value>dropped</value></field>"
    "<field type='list-single' label='no var either'/>"
    "<field type='fixed'><value>kept</value></field>"
    "<field var='dup' type='boolean' label='first'><value>1</value></field>"
    "<field var='dup' type='text-multi' label='second'><value>x</value></field>"
    "<field var='odd' type='x-made-up'><value>v</value><value/><required/><required/>"
    "  <desc>one</desc><desc>two</desc>"
    "  <option><label>no value</label></option>"
    "  <option label='ok'><value>o1</value><value>o2</value></option>"
    "  <value xmlns='urn:evil'>not ours</value>"
    "  <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:integer'/>"
    "  <junk><value>nested, not ours</value></junk>"
    "</field>"
    "<field var=''><value>empty var</value></field>"
    "<reported><field var='r'/></reported>"
    "<item><field var='i'><value>v</value></field></item>"
    "<field xmlns='urn:evil' var='foreign'/>"
    "<unknown-element/>"
    "text between<!-- a comment --><?pi here?>"
    "</x>");
  XgbFormField *field;

  g_assert_cmpstr (form->title, ==, "First");
  g_assert_cmpuint (form->instructions->len, ==, 2);
  g_assert_cmpstr (form->instructions->pdata[1], ==, "");
  g_assert_cmpuint (form->fields->len, ==, 4);
  field = form->fields->pdata[0];
  g_assert_true (field->type == XGB_FORM_FIELD_FIXED);
  g_assert_null (field->var);
  field = assert_field (form, "dup", XGB_FORM_FIELD_BOOLEAN, "1", NULL);
  g_assert_cmpstr (field->label, ==, "first");
  field = assert_field (form, "odd", XGB_FORM_FIELD_TEXT_SINGLE, "v", "", NULL);
  g_assert_true (field->required);
  g_assert_cmpstr (field->desc, ==, "one");
  g_assert_cmpuint (field->options->len, ==, 1);
  assert_option (field, 0, "ok", "o1");
  assert_field (form, "", XGB_FORM_FIELD_TEXT_SINGLE, "empty var", NULL);
  g_assert_null (xgb_form_get_field (form, "r"));
  g_assert_null (xgb_form_get_field (form, "i"));
  g_assert_null (xgb_form_get_field (form, "foreign"));

  /* does not crash on what it finds */
  g_assert_false (xgb_form_validate (form, NULL, NULL));
  g_free (xgb_form_build_submit (form));
}

static void
test_hostile_many_fields (void)
{
  g_autoptr(GString) xml = g_string_new ("<x xmlns='jabber:x:data' type='form'>"
                                         "<field var='FORM_TYPE' type='hidden'><value>urn:many</value></field>");
  g_autoptr(GString) dups = g_string_new ("<x xmlns='jabber:x:data' type='result'>");
  g_autoptr(XgbForm) form = NULL;
  g_autoptr(XgbForm) dup_form = NULL;
  g_autoptr(XgbForm) submitted = NULL;

  for (guint i = 0; i < 5000; i++)
    {
      g_string_append_printf (xml,
                              "<field var='f%u' type='list-single' label='Field %u'>"
                              "<option label='A'><value>a</value></option>"
                              "<option label='B'><value>b%u</value></option>"
                              "<value>b%u</value></field>",
                              i, i, i, i);
      g_string_append_printf (dups, "<field var='same'><value>%u</value></field>", i);
    }
  g_string_append (xml, "</x>");
  g_string_append (dups, "</x>");

  form = parse_form_string (xml->str);
  g_assert_cmpuint (form->fields->len, ==, 5001);
  g_assert_cmpstr (xgb_form_get_form_type (form), ==, "urn:many");
  assert_field (form, "f4999", XGB_FORM_FIELD_LIST_SINGLE, "b4999", NULL);
  g_assert_true (xgb_form_validate (form, NULL, NULL));
  for (guint i = 0; i < 5000; i += 7)
    {
      g_autofree char *var = g_strdup_printf ("f%u", i);

      g_assert_true (xgb_form_set_value (form, var, "a", NULL));
    }
  submitted = submit_round_trip (form);
  g_assert_cmpuint (submitted->fields->len, ==, 5001);
  assert_same_values (form, submitted, NULL);
  assert_field (submitted, "f7", XGB_FORM_FIELD_TEXT_SINGLE, "a", NULL);
  assert_field (submitted, "f8", XGB_FORM_FIELD_TEXT_SINGLE, "b8", NULL);

  dup_form = parse_form_string (dups->str);
  g_assert_cmpuint (dup_form->fields->len, ==, 1);
  assert_field (dup_form, "same", XGB_FORM_FIELD_TEXT_SINGLE, "0", NULL);
}

static void
test_hostile_deep (void)
{
  const guint depth = 1000;
  g_autoptr(GString) xml = g_string_new ("<iq type='result'><x xmlns='jabber:x:data' type='result'>");
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(XgbForm) form = NULL;
  g_autoptr(XgbForm) found = NULL;
  const char *value;

  /* junk nested deep inside a value, a field and the form itself */
  g_string_append (xml, "<field var='deep'><value>start");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "<a>");
  g_string_append (xml, "middle");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "</a>");
  g_string_append (xml, "end</value>");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "<field var='inner'><value>");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "</value></field>");
  g_string_append (xml, "</field>");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "<x xmlns='jabber:x:data' type='form'><field var='nested'>");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "</field></x>");
  g_string_append (xml, "<field var='after'><value>ok</value></field></x></iq>");

  doc = parse_string (xml->str);
  form = xgb_form_parse (xmlDocGetRootElement (doc)->children, NULL);
  g_assert_nonnull (form);
  g_assert_cmpuint (form->fields->len, ==, 2);
  /* the text of a value is all the text in it */
  value = xgb_form_get_value (form, "deep");
  g_assert_cmpstr (value, ==, "startmiddleend");
  g_assert_cmpstr (xgb_form_get_value (form, "after"), ==, "ok");
  g_assert_null (xgb_form_get_field (form, "inner"));
  g_assert_null (xgb_form_get_field (form, "nested"));

  found = xgb_form_find (xmlDocGetRootElement (doc), NULL);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->fields->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/form/xep-0004/bot-form", test_bot_form);
  g_test_add_func ("/form/xep-0004/bot-submit-and-result", test_bot_submit);
  g_test_add_func ("/form/xep-0004/bot-fill-and-submit", test_bot_fill_and_submit);
  g_test_add_func ("/form/xep-0004/search", test_search);
  g_test_add_func ("/form/xep-0004/search-results", test_search_results);
  g_test_add_func ("/form/xep-0060/meta-data", test_meta_data);
  g_test_add_func ("/form/xep-0060/subscribe-options", test_subscribe_options);
  g_test_add_func ("/form/xep-0060/default-subscribe-options", test_default_subscription_options);
  g_test_add_func ("/form/xep-0060/node-config", test_node_config);
  g_test_add_func ("/form/xep-0060/node-config-cancel", test_node_config_cancel);
  g_test_add_func ("/form/xep-0060/default-node-config", test_default_node_config);
  g_test_add_func ("/form/xep-0060/authorization", test_authorization);
  g_test_add_func ("/form/submit/escaping", test_submit_escaping);
  g_test_add_func ("/form/copy", test_copy);
  g_test_add_func ("/form/submit-changes", test_submit_changes);
  g_test_add_func ("/form/field-types", test_field_types);
  g_test_add_func ("/form/validate/valid", test_validate_valid);
  g_test_add_func ("/form/validate/required", test_validate_required);
  g_test_add_func ("/form/validate/boolean", test_validate_boolean);
  g_test_add_func ("/form/validate/jid", test_validate_jid);
  g_test_add_func ("/form/validate/list", test_validate_list);
  g_test_add_func ("/form/validate/single-value", test_validate_single_value);
  g_test_add_func ("/form/validate/single-line", test_validate_single_line);
  g_test_add_func ("/form/validate/control-characters", test_validate_control);
  g_test_add_func ("/form/validate/summary", test_validate_summary);
  g_test_add_func ("/form/set-values", test_set_values);
  g_test_add_func ("/form/hostile/not-a-form", test_hostile_not_a_form);
  g_test_add_func ("/form/hostile/fields", test_hostile_fields);
  g_test_add_func ("/form/hostile/many-fields", test_hostile_many_fields);
  g_test_add_func ("/form/hostile/deep", test_hostile_deep);

  return g_test_run ();
}
