/* test-bad-input.c - the core's checks and builders fed with what an
 * administrator may type or pick: nothing, 100 000 characters, control
 * characters, invalid UTF-8, XML's metacharacters (< > & ' " and ]]>),
 * and files that are no certificates.
 *
 * Either the input is refused with a message for the field, or what is
 * built from it is well-formed XML that gives back exactly the input.
 * (The UI half is tests/ui/test-bad-input-window.c.)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xgb-audit.h"
#include "xgb-cert.h"
#include "xgb-connection.h"   /* the xmlDoc cleanup function */
#include "xgb-error.h"
#include "xgb-form.h"
#include "xgb-input.h"
#include "xgb-jid.h"
#include "xgb-login-params.h"
#include "xgb-xml.h"
#include "xgb-test-util.h"

#define LONG_LENGTH 100000
#define XML_META "<&>'\"]]>"

static char *long_text;   /* LONG_LENGTH times "a" */
static char *tmpdir;

/* Invalid UTF-8 of every kind: a stray byte, an overlong NUL, a cut
 * sequence, a surrogate, beyond U+10FFFF */
static const char * const invalid_utf8[] = {
  "a\xff" "b", "a\xc0\x80" "b", "a\xe2\x82", "a\xed\xa0\x80" "b", "a\xf4\x90\x80\x80" "b",
};

/* Control characters, also in the middle of a valid line */
static const char * const controls[] = {
  "a\x01" "b", "\x1b[31mred", "a\nb", "a\rb", "\x7f", "a\xc2\x85" "b", "a\xef\xbf\xbe" "b",
};

/* What a message shows of what was typed: short, valid, one line */
static void
assert_readable (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (text, -1), <, 400);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

/* --- JIDs ---------------------------------------------------------------- */

static void
assert_jid_refused (const char *text,
                    const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbJid) jid = xgb_jid_parse (text, &error);

  g_assert_null (jid);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  assert_readable (error->message);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” for a JID says “%s”, not “%s”", text, error->message, message_part);
}

static void
test_jid (void)
{
  g_autofree char *long_local = g_strconcat (long_text, "@xgb.test", NULL);
  g_autofree char *long_resource = g_strconcat ("alice@xgb.test/", long_text, NULL);

  assert_jid_refused (NULL, "empty");
  assert_jid_refused ("", "empty");
  assert_jid_refused (long_text, "longer than 3071 bytes");
  assert_jid_refused (long_local, "longer than 3071 bytes");
  assert_jid_refused (long_resource, "longer than 3071 bytes");
  {
    g_autofree char *a1024 = g_strndup (long_text, 1024);
    g_autofree char *jid = g_strconcat (a1024, "@xgb.test", NULL);

    assert_jid_refused (jid, "longer than 1023 bytes");
  }

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      g_autofree char *local = g_strconcat (controls[i], "@xgb.test", NULL);
      g_autofree char *domain = g_strconcat ("alice@", controls[i], ".test", NULL);
      g_autofree char *resource = g_strconcat ("alice@xgb.test/", controls[i], NULL);

      assert_jid_refused (local, "@");
      assert_jid_refused (domain, "server name");
      assert_jid_refused (resource, "control or unassigned");
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid_utf8); i++)
    {
      g_autofree char *resource = g_strconcat ("alice@xgb.test/", invalid_utf8[i], NULL);

      assert_jid_refused (invalid_utf8[i], "not valid UTF-8");
      assert_jid_refused (resource, "not valid UTF-8");
    }

  /* XML's metacharacters: never in the local or domain part... */
  for (const char *c = "<>&'\""; *c != '\0'; c++)
    {
      g_autofree char *local = g_strdup_printf ("a%cb@xgb.test", *c);
      g_autofree char *domain = g_strdup_printf ("alice@a%cb.test", *c);

      assert_jid_refused (local, "not allowed");
      assert_jid_refused (domain, "not allowed");
    }
  assert_jid_refused ("alice@xgb.test]]>", "“]”");

  /* ...but fine in a resource: escaped in a stanza, read back intact */
  {
    const char *text = "alice@xgb.test/" XML_META "&amp;";
    g_autoptr(GError) error = NULL;
    g_autoptr(XgbJid) jid = xgb_jid_parse (text, &error);
    g_autofree char *full = NULL;
    g_autofree char *stanza = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *back = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (xgb_jid_get_resource (jid), ==, XML_META "&amp;");
    full = xgb_jid_to_string (jid);
    g_assert_cmpstr (full, ==, text);
    stanza = g_markup_printf_escaped ("<iq type='set' to='%s'><x>%s</x></iq>", full, full);
    doc = xgb_xml_parse (stanza, strlen (stanza), &error);
    g_assert_no_error (error);
    back = xgb_xml_get_attr (xmlDocGetRootElement (doc), "to");
    g_assert_cmpstr (back, ==, text);
    g_free (back);
    back = xgb_xml_get_text (xmlDocGetRootElement (doc));
    g_assert_cmpstr (back, ==, text);
  }
}

/* --- node names, one-line texts, hosts, quoting ------------------------------ */

static void
assert_refused (gboolean  (*check) (const char *, GError **),
                const char *text,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (check (text, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  assert_readable (error->message);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” is refused with “%s”, not “%s”", text, error->message, message_part);
}

static void
assert_accepted (gboolean  (*check) (const char *, GError **),
                 const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (check (text, &error));
  g_assert_no_error (error);
}

static void
test_node_name (void)
{
  g_autofree char *max = g_strndup (long_text, XGB_NODE_NAME_MAX);
  g_autofree char *too_long = g_strndup (long_text, XGB_NODE_NAME_MAX + 1);

  assert_refused (xgb_node_name_validate, NULL, "Enter a name");
  assert_refused (xgb_node_name_validate, "", "Enter a name");
  assert_refused (xgb_node_name_validate, long_text, "at most 1023 bytes");
  assert_refused (xgb_node_name_validate, too_long, "at most 1023 bytes");
  assert_accepted (xgb_node_name_validate, max);
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    assert_refused (xgb_node_name_validate, controls[i], "control characters");
  assert_refused (xgb_node_name_validate, "a\tb", "control characters");
  for (guint i = 0; i < G_N_ELEMENTS (invalid_utf8); i++)
    assert_refused (xgb_node_name_validate, invalid_utf8[i], "not valid UTF-8");

  /* any printable text is a node name: metacharacters are escaped */
  assert_accepted (xgb_node_name_validate, XML_META);
  assert_accepted (xgb_node_name_validate, "sacm/ipsec/host 0042 «é»");
  {
    g_autofree char *payload = g_markup_printf_escaped ("<create node='%s'/>", XML_META "&amp;");
    g_autoptr(xmlDoc) doc = xgb_xml_parse (payload, strlen (payload), NULL);
    g_autofree char *back = xgb_xml_get_attr (xmlDocGetRootElement (doc), "node");

    g_assert_cmpstr (back, ==, XML_META "&amp;");
  }
}

static void
test_line (void)
{
  assert_accepted (xgb_line_validate, NULL);
  assert_accepted (xgb_line_validate, "");
  assert_accepted (xgb_line_validate, long_text);
  assert_accepted (xgb_line_validate, XML_META "\t«é»");
  assert_refused (xgb_line_validate, "a\nb", "single line");
  assert_refused (xgb_line_validate, "a\rb", "single line");
  assert_refused (xgb_line_validate, "a\x01" "b", "control character");
  assert_refused (xgb_line_validate, "\x1b[31m", "control character");
  assert_refused (xgb_line_validate, "a\xc2\x85" "b", "control character");
  assert_refused (xgb_line_validate, "a\xef\xbf\xbf", "control character");
  for (guint i = 0; i < G_N_ELEMENTS (invalid_utf8); i++)
    assert_refused (xgb_line_validate, invalid_utf8[i], "not valid UTF-8");
}

static void
test_host (void)
{
  const char *good[] = { NULL, "", "xgb.test", "XGB.test.", "127.0.0.1", "::1", "[::1]", "fe80::1", "bücher.example" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    assert_accepted (xgb_host_validate, good[i]);
  assert_refused (xgb_host_validate, long_text, "longer than 1023 bytes");
  assert_refused (xgb_host_validate, "alice@xgb.test", "without “@” or “/”");
  assert_refused (xgb_host_validate, "xgb.test/desk", "without “@” or “/”");
  assert_refused (xgb_host_validate, "xgb.test:5222", "“:”");
  assert_refused (xgb_host_validate, "<xgb>.test", "“<”");
  assert_refused (xgb_host_validate, "xgb.test]]>", "“]”");
  assert_refused (xgb_host_validate, "xgb..test", "empty label");
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    assert_refused (xgb_host_validate, controls[i], "server name");
  for (guint i = 0; i < G_N_ELEMENTS (invalid_utf8); i++)
    assert_refused (xgb_host_validate, invalid_utf8[i], "server name");
}

static void
test_quote (void)
{
  g_autofree char *quoted = xgb_input_quote (long_text);
  g_autofree char *empty = xgb_input_quote (NULL);

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpuint (g_utf8_strlen (quoted, -1), ==, 49);
  g_assert_true (g_str_has_suffix (quoted, "…"));
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      g_autofree char *q = xgb_input_quote (controls[i]);

      assert_readable (q);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid_utf8); i++)
    {
      g_autofree char *q = xgb_input_quote (invalid_utf8[i]);

      assert_readable (q);
    }
  {
    g_autofree char *q = xgb_input_quote (XML_META);

    g_assert_cmpstr (q, ==, XML_META);
  }
}

/* --- data forms: validate, build the submission, read it back ----------------- */

static XgbFormField *
add_field (XgbForm          *form,
           const char       *var,
           XgbFormFieldType  type,
           const char       *value)
{
  XgbFormField *field = xgb_form_field_new (var, type);

  if (value != NULL)
    g_ptr_array_add (field->values, g_strdup (value));
  g_ptr_array_add (form->fields, field);
  return field;
}

/* A form with a field of every type XEP-0004 knows */
static XgbForm *
every_type_form (void)
{
  XgbForm *form = xgb_form_new ("form");
  XgbFormField *field;

  add_field (form, "FORM_TYPE", XGB_FORM_FIELD_HIDDEN, "urn:example:" XML_META);
  add_field (form, "single", XGB_FORM_FIELD_TEXT_SINGLE, NULL);
  add_field (form, "private", XGB_FORM_FIELD_TEXT_PRIVATE, NULL);
  add_field (form, "multi", XGB_FORM_FIELD_TEXT_MULTI, NULL);
  add_field (form, "jid", XGB_FORM_FIELD_JID_SINGLE, NULL);
  add_field (form, "jids", XGB_FORM_FIELD_JID_MULTI, NULL);
  add_field (form, "bool", XGB_FORM_FIELD_BOOLEAN, "0");
  field = add_field (form, "choice", XGB_FORM_FIELD_LIST_SINGLE, NULL);
  g_ptr_array_add (field->options, xgb_form_option_new ("Meta", XML_META));
  g_ptr_array_add (field->options, xgb_form_option_new ("Plain", "plain"));
  field = add_field (form, "choices", XGB_FORM_FIELD_LIST_MULTI, NULL);
  g_ptr_array_add (field->options, xgb_form_option_new ("Meta", XML_META));
  g_ptr_array_add (field->options, xgb_form_option_new ("Plain", "plain"));
  add_field (form, "var with " XML_META, XGB_FORM_FIELD_TEXT_SINGLE, NULL);
  return form;
}

static void
set (XgbForm    *form,
     const char *var,
     const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_form_set_value (form, var, value, &error));
  g_assert_no_error (error);
}

static void
set_many (XgbForm            *form,
          const char         *var,
          const char * const *values)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_form_set_values (form, var, values, &error));
  g_assert_no_error (error);
}

/* The submission is well-formed, and parsing it gives every value back */
static XgbForm *
round_trip (const XgbForm *form)
{
  g_autofree char *xml = xgb_form_build_submit (form);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xgb_xml_parse (xml, strlen (xml), &error);
  XgbForm *back;

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  back = xgb_form_parse (xmlDocGetRootElement (doc), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->type, ==, "submit");
  return back;
}

static void
test_form_metacharacters (void)
{
  g_autoptr(XgbForm) form = every_type_form ();
  g_autoptr(XgbForm) back = NULL;
  g_autoptr(GHashTable) problems = NULL;
  g_autoptr(GError) error = NULL;
  const char *jids[] = { "bob@xgb.test/" XML_META, "carol@xgb.test", NULL };
  const char *lines[] = { XML_META, "", "second ]]> line &amp;", NULL };
  const char *choices[] = { XML_META, "plain", NULL };

  set (form, "single", XML_META "&amp;&#x1;");
  set (form, "private", "pass" XML_META);
  set_many (form, "multi", lines);
  set (form, "jid", "alice@xgb.test/" XML_META);
  set_many (form, "jids", jids);
  set (form, "bool", "1");
  set (form, "choice", XML_META);
  set_many (form, "choices", choices);
  set (form, "var with " XML_META, "<![CDATA[ not a section ]]>");

  g_assert_true (xgb_form_validate (form, &problems, &error));
  g_assert_no_error (error);
  g_assert_null (problems);

  back = round_trip (form);
  g_assert_cmpstr (xgb_form_get_form_type (back), ==, "urn:example:" XML_META);
  for (guint i = 0; i < form->fields->len; i++)
    {
      XgbFormField *sent = form->fields->pdata[i];
      XgbFormField *got = xgb_form_get_field (back, sent->var);

      g_assert_nonnull (got);
      g_assert_cmpuint (got->values->len, ==, sent->values->len);
      for (guint j = 0; j < sent->values->len; j++)
        g_assert_cmpstr (got->values->pdata[j], ==, sent->values->pdata[j]);
    }
}

static void
test_form_long (void)
{
  g_autoptr(XgbForm) form = every_type_form ();
  g_autoptr(XgbForm) back = NULL;
  g_autofree char *long_meta = NULL;
  GString *meta = g_string_new (NULL);

  /* 100 000 characters, a fifth of them metacharacters */
  while (meta->len < LONG_LENGTH)
    g_string_append (meta, "ab<&>");
  long_meta = g_string_free (meta, FALSE);
  set (form, "single", long_meta);
  set (form, "multi", long_meta);
  g_assert_true (xgb_form_validate (form, NULL, NULL));
  back = round_trip (form);
  g_assert_cmpstr (xgb_form_get_value (back, "single"), ==, long_meta);
  g_assert_cmpstr (xgb_form_get_value (back, "multi"), ==, long_meta);

  /* a JID that long is none */
  set (form, "jid", long_text);
  g_assert_false (xgb_form_validate (form, NULL, NULL));
}

static void
assert_field_problem (XgbForm    *form,
                      const char *var,
                      const char *expected)
{
  g_autoptr(GHashTable) problems = NULL;
  g_autoptr(GError) error = NULL;
  const char *problem;

  g_assert_false (xgb_form_validate (form, &problems, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
  problem = g_hash_table_lookup (problems, var);
  if (problem == NULL || strstr (problem, expected) == NULL)
    g_error ("field %s: “%s”, not “%s”", var, problem ? problem : "(no problem)", expected);
  assert_readable (problem);
}

static void
test_form_control (void)
{
  const char *text_vars[] = { "single", "private", "multi" };

  for (guint i = 0; i < G_N_ELEMENTS (text_vars); i++)
    {
      const char *cases[][2] = {
        { "a\x01" "b", "control character" },
        { "\x1b[31m", "control character" },
        { "a\x7f" "b", "control character" },
      };

      for (guint j = 0; j < G_N_ELEMENTS (cases); j++)
        {
          g_autoptr(XgbForm) form = every_type_form ();
          g_autofree char *xml = NULL;
          g_autoptr(xmlDoc) doc = NULL;

          set (form, text_vars[i], cases[j][0]);
          assert_field_problem (form, text_vars[i], cases[j][1]);
          /* built anyway (a caller that skips the check), it is still
           * well-formed: what XML cannot carry is left out */
          xml = xgb_form_build_submit (form);
          doc = xgb_xml_parse (xml, strlen (xml), NULL);
          g_assert_nonnull (doc);
        }
    }

  /* one line in one-line fields; newlines are the lines of text-multi */
  {
    g_autoptr(XgbForm) form = every_type_form ();

    set (form, "single", "a\nb");
    assert_field_problem (form, "single", "single line");
  }
  {
    g_autoptr(XgbForm) form = every_type_form ();

    set (form, "private", "a\rb");
    assert_field_problem (form, "private", "single line");
  }
  {
    g_autoptr(XgbForm) form = every_type_form ();
    g_autoptr(XgbForm) back = NULL;

    set (form, "multi", "a\tb");
    g_assert_true (xgb_form_validate (form, NULL, NULL));
    back = round_trip (form);
    g_assert_cmpstr (xgb_form_get_value (back, "multi"), ==, "a\tb");
  }

  /* JIDs are checked as JIDs, list values against the choices */
  {
    g_autoptr(XgbForm) form = every_type_form ();

    set (form, "jid", "<&>@xgb.test");
    assert_field_problem (form, "jid", "not a valid JID");
  }
  {
    g_autoptr(XgbForm) form = every_type_form ();
    const char *jids[] = { "bob@xgb.test", "bob@xgb.test\x01", NULL };

    set_many (form, "jids", jids);
    assert_field_problem (form, "jids", "control character");
  }
  {
    g_autoptr(XgbForm) form = every_type_form ();

    set (form, "choice", "<&>");
    assert_field_problem (form, "choice", "not one of the choices");
  }
  {
    g_autoptr(XgbForm) form = every_type_form ();

    set (form, "bool", XML_META);
    assert_field_problem (form, "bool", "not true or false");
  }
  {
    g_autoptr(XgbForm) form = every_type_form ();
    g_autofree char *long_bool = g_strconcat ("maybe", long_text, NULL);

    /* the message quotes a value shortly */
    set (form, "bool", long_bool);
    assert_field_problem (form, "bool", "not true or false");
  }
}

static void
test_form_invalid_utf8 (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_utf8); i++)
    {
      g_autoptr(XgbForm) form = every_type_form ();
      g_autoptr(GError) error = NULL;
      g_autofree char *xml = NULL;
      g_autoptr(xmlDoc) doc = NULL;

      /* refused when set */
      g_assert_false (xgb_form_set_value (form, "single", invalid_utf8[i], &error));
      g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
      assert_readable (error->message);

      /* put there directly: the check names it, the builder repairs it */
      g_ptr_array_add (xgb_form_get_field (form, "multi")->values, g_strdup (invalid_utf8[i]));
      assert_field_problem (form, "multi", "not valid UTF-8");
      xml = xgb_form_build_submit (form);
      g_assert_true (g_utf8_validate (xml, -1, NULL));
      doc = xgb_xml_parse (xml, strlen (xml), NULL);
      g_assert_nonnull (doc);
    }
}

/* Empty values count as none: "required" says so, nothing else does */
static void
test_form_empty (void)
{
  g_autoptr(XgbForm) form = every_type_form ();
  g_autoptr(XgbForm) back = NULL;

  xgb_form_get_field (form, "single")->required = TRUE;
  set (form, "single", "");
  assert_field_problem (form, "single", "Enter a value");
  set (form, "single", "x");
  set (form, "jid", "");
  set (form, "choice", "");
  g_assert_true (xgb_form_validate (form, NULL, NULL));
  back = round_trip (form);
  g_assert_cmpstr (xgb_form_get_value (back, "jid"), ==, "");
}

/* --- the audit entry published to the audit topic ------------------------------ */

static void
test_audit_entry (void)
{
  g_autoptr(GError) error = NULL;
  const XgbPubsubChange change = {
    .account = "alice@xgb.test/" XML_META,
    .service = "pubsub.xgb.test",
    .action = "create",
    .node = "bad/" XML_META "&amp;\n{\"action\":\"forged\"}",
    .detail = "bob@xgb.test=publisher\x01\x1b[31m",
  };
  g_autoptr(XgbAuditEntry) entry = xgb_audit_entry_new_from_change (&change);
  g_autofree char *xml = xgb_audit_entry_to_xml (entry);
  g_autofree char *json = xgb_audit_entry_to_json (entry);
  g_autoptr(XgbAuditEntry) from_xml = NULL;
  g_autoptr(XgbAuditEntry) from_json = NULL;
  g_autoptr(xmlDoc) doc = xgb_xml_parse (xml, strlen (xml), &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  from_xml = xgb_audit_entry_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_xml->account, ==, change.account);
  g_assert_cmpstr (from_xml->target, ==, change.node);

  /* one line in the log, whatever the node is called */
  g_assert_null (strchr (json, '\n'));
  from_json = xgb_audit_entry_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_json->target, ==, change.node);
  g_assert_cmpstr (from_json->parameters, ==, change.detail);
  g_assert_cmpstr (from_json->action, ==, "create");
}

/* --- login parameters ---------------------------------------------------------- */

static void
test_login_params (void)
{
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  const char *hosts[] = { long_text, "xgb\x01test", "<xgb>", "alice@xgb.test", "xgb\ntest" };
  const char *topics[] = { long_text, "audit\x01", "audit\nlog", "a\xff" };

  params->jid = g_strdup ("alice@xgb.test/" XML_META);
  xgb_login_params_set_password (params, XML_META "\x01");
  params->broker = g_strdup ("pubsub.xgb.test");
  params->audit_topic = g_strdup ("audit/" XML_META);
  params->host = g_strdup ("127.0.0.1");
  g_assert_true (xgb_login_params_validate (params, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_free (params->host);
      params->host = g_strdup (hosts[i]);
      g_assert_false (xgb_login_params_validate (params, &error));
      g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_str_has_prefix (error->message, "Invalid host: "));
      assert_readable (error->message);
    }
  g_clear_pointer (&params->host, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (topics); i++)
    {
      g_autoptr(GError) error = NULL;

      g_free (params->audit_topic);
      params->audit_topic = g_strdup (topics[i]);
      g_assert_false (xgb_login_params_validate (params, &error));
      g_assert_true (g_str_has_prefix (error->message, "Invalid audit topic: "));
    }
}

/* The password file: its first line, UTF-8, not too long */
static void
test_password_file (void)
{
  struct { const char *contents; gssize length; const char *expected; } cases[] = {
    { "", 0, "does not start with a password" },
    { "\nsecret\n", -1, "does not start with a password" },
    { "se\0cret\n", 8, "not valid UTF-8" },
    { "se\xff" "cret\n", -1, "not valid UTF-8" },
    { long_text, -1, "too long" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* a file name need not be UTF-8; the message must */
      g_autofree char *path = g_build_filename (tmpdir, "pass\xffword", NULL);
      g_autoptr(GError) error = NULL;
      char *password;

      g_assert_true (g_file_set_contents (path, cases[i].contents, cases[i].length, NULL));
      password = xgb_password_read_file (path, &error);
      g_assert_null (password);
      g_assert_error (error, XGB_ERROR, XGB_ERROR_FILE);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_unlink (path);
    }
  {
    g_autofree char *path = g_build_filename (tmpdir, "password", NULL);
    char *password;

    g_assert_true (g_file_set_contents (path, XML_META "\x01\r\nsecond line", -1, NULL));
    password = xgb_password_read_file (path, NULL);
    g_assert_cmpstr (password, ==, XML_META "\x01");
    xgb_secret_free (password);
    g_unlink (path);
  }
}

/* --- certificate and CRL files ------------------------------------------------- */

static void
test_cert_files (void)
{
  const char garbage[] = "\x00\x01\xff\xfe\x80PK\x03\x04<&>\x00]]>";
  const char *pem = "-----BEGIN CERTIFICATE-----\n\xff\xfe<&>'\"]]>\x01\n-----END CERTIFICATE-----\n";
  struct { const char *name; const char *contents; gssize length; } files[] = {
    { "empty.pem", "", 0 },
    { "binary.p12", garbage, sizeof garbage },
    { "binary.pem", garbage, sizeof garbage },
    { "mangled.pem", pem, -1 },
    { XML_META ".pem", pem, -1 },
    { "\xff\xfe.p12", garbage, sizeof garbage },
    { "long.pem", long_text, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, files[i].name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) key_error = NULL;
      g_autoptr(GError) crl_error = NULL;
      g_autoptr(XgbClientCert) cert = NULL;
      g_autoptr(XgbClientCert) with_key = NULL;

      g_assert_true (g_file_set_contents (path, files[i].contents, files[i].length, NULL));
      cert = xgb_client_cert_load_public (path, &error);
      with_key = xgb_client_cert_load (path, NULL, XML_META "\x01", &key_error);
      g_test_message ("%s: %s", files[i].name, error ? error->message : "loaded");
      g_assert_null (cert);
      g_assert_null (with_key);
      g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_NOT_A_CERTIFICATE);
      g_assert_nonnull (key_error);
      /* the message names the file, and is shown: UTF-8 it must be */
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_true (g_utf8_validate (key_error->message, -1, NULL));

      g_assert_false (xgb_crl_file_check (path, &crl_error));
      g_assert_error (crl_error, XGB_CERT_ERROR, XGB_CERT_ERROR_FILE);
      g_assert_true (g_utf8_validate (crl_error->message, -1, NULL));
      g_unlink (path);
    }
  {
    g_autofree char *missing = g_build_filename (tmpdir, "\xff-missing.pem", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null (xgb_client_cert_load_public (missing, &error));
    g_assert_error (error, XGB_CERT_ERROR, XGB_CERT_ERROR_FILE);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  long_text = g_strnfill (LONG_LENGTH, 'a');
  tmpdir = xgb_test_make_tmpdir ("xgb-bad-input-XXXXXX");

  g_test_add_func ("/bad-input/jid", test_jid);
  g_test_add_func ("/bad-input/node-name", test_node_name);
  g_test_add_func ("/bad-input/line", test_line);
  g_test_add_func ("/bad-input/host", test_host);
  g_test_add_func ("/bad-input/quote", test_quote);
  g_test_add_func ("/bad-input/form/metacharacters", test_form_metacharacters);
  g_test_add_func ("/bad-input/form/long", test_form_long);
  g_test_add_func ("/bad-input/form/control-characters", test_form_control);
  g_test_add_func ("/bad-input/form/invalid-utf8", test_form_invalid_utf8);
  g_test_add_func ("/bad-input/form/empty", test_form_empty);
  g_test_add_func ("/bad-input/audit-entry", test_audit_entry);
  g_test_add_func ("/bad-input/login-params", test_login_params);
  g_test_add_func ("/bad-input/password-file", test_password_file);
  g_test_add_func ("/bad-input/cert-files", test_cert_files);

  ret = g_test_run ();

  xgb_test_remove_tmpdir (tmpdir);
  g_free (long_text);

  return ret;
}
