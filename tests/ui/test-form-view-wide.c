/* test-form-view-wide.c - a hostile form of 5000 text fields in the
 * form view: built and drawn without freezing the window (xvfb, no
 * server)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-form-view.h"
#include "xgb-test-util.h"
#include "xgb-xml.h"

#define N_FIELDS 5000
/* One-off pause when such a form is shown (8.6 s before the view was
 * filled out of the window; 0.7 s measured after) */
#define MAX_GAP_MS 3000.0

static XgbForm *
wide_form (void)
{
  g_autoptr(GString) xml = g_string_new ("<x xmlns='jabber:x:data' type='form'>"
                                         "<field var='FORM_TYPE' type='hidden'><value>"
                                         "http://jabber.org/protocol/pubsub#node_config</value></field>");
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  XgbForm *form;

  for (guint i = 0; i < N_FIELDS; i++)
    g_string_append_printf (xml, "<field var='x-hostile#f%u' type='text-single' label='Field %u'>"
                                 "<value>v%u</value></field>", i, i, i);
  g_string_append (xml, "</x>");
  doc = xgb_xml_parse (xml->str, xml->len, &error);
  g_assert_no_error (error);
  form = xgb_form_parse (xmlDocGetRootElement (doc), &error);
  g_assert_no_error (error);
  return form;
}

static void
test_wide_form (void)
{
  g_autoptr(XgbForm) form = wide_form ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = xgb_form_view_new ();
  g_autofree char *changes = NULL;
  g_autoptr(GError) error = NULL;
  XgbGapMeter *meter;
  gint64 start;
  double set_ms, gap;

  gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);

  meter = xgb_gap_meter_start ();
  start = g_get_monotonic_time ();
  xgb_form_view_set_form (XGB_FORM_VIEW (view), form);
  set_ms = (double) (g_get_monotonic_time () - start) / 1000.0;
  gtk_test_widget_wait_for_draw (window);
  gap = xgb_gap_meter_stop (meter);
  g_test_message ("%u fields: set_form %.0f ms, set and drawn with the longest main-loop gap %.0f ms",
                  N_FIELDS, set_ms, gap);
  g_assert_cmpfloat (gap, <, MAX_GAP_MS);

  gtk_editable_set_text (GTK_EDITABLE (xgb_form_view_get_input (XGB_FORM_VIEW (view), "x-hostile#f2500")), "new");
  start = g_get_monotonic_time ();
  changes = xgb_form_view_build_changes (XGB_FORM_VIEW (view), &error);
  g_test_message ("changes built in %.0f ms", (double) (g_get_monotonic_time () - start) / 1000.0);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (changes, "x-hostile#f2500"));
  g_assert_null (strstr (changes, "x-hostile#f2499"));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/form-view/wide", test_wide_form);
  return g_test_run ();
}
