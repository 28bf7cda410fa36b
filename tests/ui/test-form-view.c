/* test-form-view.c - every data form field type through the widgets:
 * the XEP's form in, the XEP's submission out (xvfb, no server)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-form-view.h"
#include "xgb-test-util.h"
#include "xgb-xml.h"

static XgbForm *
form_of_fixture (const char *name)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture (name);
  xmlNode *command = xgb_xml_child (xmlDocGetRootElement (doc), "command", NULL);
  XgbForm *form = xgb_form_find (command, NULL);

  g_assert_nonnull (form);
  return form;
}

static XgbForm *
parse_submit (const char *xml)
{
  g_autoptr(xmlDoc) doc = xgb_xml_parse (xml, strlen (xml), NULL);
  g_autoptr(GError) error = NULL;
  XgbForm *form;

  g_assert_nonnull (doc);
  form = xgb_form_parse (xmlDocGetRootElement (doc), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (form->type, ==, "submit");
  return form;
}

static void
assert_same_values (const XgbForm *got,
                    const XgbForm *expected)
{
  for (guint i = 0; i < expected->fields->len; i++)
    {
      XgbFormField *want = expected->fields->pdata[i];
      XgbFormField *have = xgb_form_get_field (got, want->var);

      g_test_message ("field %s", want->var);
      g_assert_nonnull (have);
      g_assert_cmpuint (have->values->len, ==, want->values->len);
      for (guint j = 0; j < want->values->len; j++)
        g_assert_cmpstr (have->values->pdata[j], ==, want->values->pdata[j]);
    }
}

static void
set_text_view (GtkWidget  *frame,
               const char *text)
{
  GtkWidget *view = gtk_frame_get_child (GTK_FRAME (frame));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
}

static void
test_round_trip (void)
{
  g_autoptr(XgbForm) form = form_of_fixture ("xep-0004-002-service-returns-bot-creation-form.xml");
  g_autoptr(XgbForm) expected = NULL;
  g_autoptr(XgbForm) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *untouched = NULL;
  g_autofree char *submit = NULL;
  XgbFormView *view = XGB_FORM_VIEW (g_object_ref_sink (xgb_form_view_new ()));
  GtkWidget *window = gtk_window_new ();
  GtkWidget *features;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  xgb_form_view_set_form (view, form);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);

  /* Every field type got its widget. */
  g_assert_true (GTK_IS_ENTRY (xgb_form_view_get_input (view, "botname")));
  g_assert_true (GTK_IS_FRAME (xgb_form_view_get_input (view, "description")));
  g_assert_true (GTK_IS_SWITCH (xgb_form_view_get_input (view, "public")));
  g_assert_true (GTK_IS_PASSWORD_ENTRY (xgb_form_view_get_input (view, "password")));
  g_assert_true (GTK_IS_BOX (xgb_form_view_get_input (view, "features")));
  g_assert_true (GTK_IS_DROP_DOWN (xgb_form_view_get_input (view, "maxsubs")));
  g_assert_true (GTK_IS_FRAME (xgb_form_view_get_input (view, "invitelist")));
  g_assert_null (xgb_form_view_get_input (view, "FORM_TYPE"));

  /* Untouched: the form's own defaults go out. */
  untouched = xgb_form_view_build_submit (view, &error);
  g_assert_no_error (error);
  {
    g_autoptr(XgbForm) defaults = parse_submit (untouched);
    XgbFormField *f = xgb_form_get_field (defaults, "features");

    g_assert_cmpstr (xgb_form_get_form_type (defaults), ==, "jabber:bot");
    g_assert_cmpuint (f->values->len, ==, 2);
    g_assert_cmpstr (xgb_form_get_value (defaults, "maxsubs"), ==, "20");
    g_assert_cmpstr (xgb_form_get_value (defaults, "public"), ==, "0");
  }

  /* Filled in as the XEP's user does (example 3) */
  gtk_editable_set_text (GTK_EDITABLE (xgb_form_view_get_input (view, "botname")), "The Jabber Google Bot");
  set_text_view (xgb_form_view_get_input (view, "description"),
                 "This bot enables you to send requests to\n"
                 "Google and receive the search results right\n"
                 "in your Jabber client. It' really cool!\n"
                 "It even supports Google News!");
  gtk_editable_set_text (GTK_EDITABLE (xgb_form_view_get_input (view, "password")), "v3r0na");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (xgb_form_view_get_input (view, "maxsubs")), 3);   /* 50 */
  set_text_view (xgb_form_view_get_input (view, "invitelist"), "juliet@capulet.com\n\nbenvolio@montague.net\n");
  features = xgb_form_view_get_input (view, "features");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (gtk_widget_get_first_child (features))) == FALSE);

  submit = xgb_form_view_build_submit (view, &error);
  g_assert_no_error (error);
  got = parse_submit (submit);
  {
    g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0004-003-user-submits-bot-creation-form.xml");
    xmlNode *command = xgb_xml_child (xmlDocGetRootElement (doc), "command", NULL);

    expected = xgb_form_find (command, NULL);
  }
  assert_same_values (got, expected);

  /* A bad JID: no submit, the problem shown under the field */
  set_text_view (xgb_form_view_get_input (view, "invitelist"), "juliet@capulet.com\nnot a jid");
  g_assert_null (xgb_form_view_build_submit (view, &error));
  g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/form-view/round-trip", test_round_trip);
  return g_test_run ();
}
