/* test-bad-input-window.c - every text field of the window, fed with bad
 * input, against a real ejabberd (run under tests/servers/with-server.sh
 * and xvfb)
 *
 * Each field gets: nothing, 100 000 characters, control characters
 * (\x01, \x1b, a newline in a one-line field) and XML metacharacters
 * (< > & ' " and ]]>).  What may not be sent shows an inline error and
 * sends nothing (the connection's byte counter stays put); what may be
 * sent is escaped, and the server gives back exactly what was typed.
 * GTK refuses invalid UTF-8 in its entries: that goes through the core
 * API here, and through files for the certificate import.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "xgb-test-util.h"
#include "xgb-accounts.h"
#include "xgb-affiliations-view.h"
#include "xgb-audit.h"
#include "xgb-audit-window.h"
#include "xgb-bulk-dialog.h"
#include "xgb-cert-picker.h"
#include "xgb-banner.h"
#include "xgb-create-dialog.h"
#include "xgb-delete-dialog.h"
#include "xgb-error.h"
#include "xgb-form-view.h"
#include "xgb-keystore.h"
#include "xgb-subscriptions-view.h"
#include "xgb-ui-test.h"

#define LONG_LENGTH 100000

/* XML's five metacharacters and the end of a CDATA section */
#define XML_META "<&>'\"]]>"
/* The node made through the New Node dialog, named with all of them */
#define META_NODE "bad/" XML_META "&amp;"

static char *tmpdir;
static char *long_text;    /* LONG_LENGTH times "a" */

/* --- helpers ------------------------------------------------------------ */

static gboolean
run_a_while_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets pending work (replies, idles) run for @ms milliseconds */
static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, run_a_while_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
no_request_pending (gpointer window)
{
  return xgb_connection_get_n_pending (xgb_window_get_connection (window)) == 0;
}

/* Everything the window sent to the server so far, in bytes: IQs and
 * messages alike */
static guint64
sent (XgbWindow *window)
{
  return xgb_connection_get_stats (xgb_window_get_connection (window))->bytes_sent;
}

/* sent() once what the window was doing (e.g. loading a node's page)
 * is done */
static guint64
sent_when_quiet (XgbWindow *window)
{
  xgb_ui_wait (no_request_pending, window, 30);
  settle (100);
  xgb_ui_wait (no_request_pending, window, 30);
  return sent (window);
}

static GtkWidget *
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static const char *
label_text (GtkWidget *label)
{
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The window still answers: it is shown and draws a new frame */
static void
assert_responsive (XgbWindow *window)
{
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
}

/* An error label's text stays short enough to read: it never repeats
 * 100 000 characters typed by the admin */
static void
assert_readable (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpuint (g_utf8_strlen (text, -1), <, 400);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)) && *p != '\n');
}

/* --- the login form (no connection yet) ---------------------------------- */

typedef struct
{
  const char *value;
  const char *expected;    /* part of the error shown */
} Case;

static void
set_text (XgbWindow  *window,
          const char *entry,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (xgb_ui_login_child (window, entry)), text);
}

/* Types @value into @entry (everything else valid), presses Connect,
 * and checks the inline error under @error_label */
static void
try_login_field (XgbWindow  *window,
                 const char *entry,
                 const char *error_label,
                 const Case *c)
{
  XgbLoginView *view = xgb_window_get_login_view (window);
  GtkWidget *label = xgb_ui_login_child (window, error_label);
  gboolean submitted;

  set_text (window, "jid_entry", xgb_test_env ("XGB_TEST_ALICE_JID"));
  set_text (window, "password_entry", "secret");
  set_text (window, "host_entry", "");
  set_text (window, "port_entry", "");
  set_text (window, "ca_file_entry", "");
  set_text (window, "broker_entry", "");
  set_text (window, "audit_entry", "");
  set_text (window, entry, c->value);

  submitted = xgb_login_view_submit (view);
  g_test_message ("%s ← %.20s…: %.200s", entry, c->value,
                  gtk_widget_get_visible (label) ? label_text (label) : "(accepted)");
  g_assert_false (submitted);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_nonnull (strstr (label_text (label), c->expected));
  assert_readable (label_text (label));
  g_assert_true (gtk_widget_has_css_class (xgb_ui_login_child (window, entry), "error"));
  /* nothing was started */
  g_assert_null (xgb_window_get_connection (window));
  g_assert_false (xgb_login_view_get_busy (view));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
}

static gboolean
login_failed (gpointer window)
{
  return !xgb_login_view_get_busy (xgb_window_get_login_view (window)) &&
         xgb_banner_get_revealed (xgb_window_get_banner (window));
}

/* Connects with everything valid but @entry set to @value, which only
 * the server or the TLS setup can judge; expects the login to fail with
 * @expected in the banner, and the form to stay usable */
static void
try_login (XgbWindow  *window,
           const char *entry,
           const char *value,
           const char *expected)
{
  set_text (window, "jid_entry", xgb_test_env ("XGB_TEST_ALICE_JID"));
  set_text (window, "password_entry", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  set_text (window, "host_entry", xgb_test_env ("XGB_TEST_HOST"));
  set_text (window, "port_entry", xgb_test_env ("XGB_TEST_PORT"));
  set_text (window, "ca_file_entry", xgb_test_env ("XGB_TEST_CA_FILE"));
  set_text (window, "broker_entry", xgb_test_env ("XGB_TEST_PUBSUB"));
  set_text (window, "audit_entry", "");
  set_text (window, entry, value);
  xgb_banner_dismiss (xgb_window_get_banner (window));

  g_assert_true (xgb_login_view_submit (xgb_window_get_login_view (window)));
  xgb_ui_wait (login_failed, window, 60);
  g_test_message ("login with %s ← %.20s…: %.200s", entry, value,
                  xgb_banner_get_message (xgb_window_get_banner (window)));
  g_assert_nonnull (strstr (xgb_banner_get_message (xgb_window_get_banner (window)), expected));
  assert_readable (xgb_banner_get_message (xgb_window_get_banner (window)));
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  g_assert_true (gtk_widget_get_sensitive (xgb_ui_login_child (window, "jid_entry")));
}

/* A saved account whose settings were edited by hand: what the form
 * gets from it is checked like what is typed */
static void
check_saved_account (XgbWindow *window)
{
  XgbAccounts *accounts = xgb_accounts_get_default ();
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(GError) error = NULL;
  XgbAccount *account;
  XgbLoginView *view = xgb_window_get_login_view (window);

  params->jid = g_strdup (xgb_test_env ("XGB_TEST_ALICE_JID"));
  params->host = g_strdup ("xgb\x01<host>");
  params->audit_topic = g_strdup ("audit/\x1b[31m" XML_META);
  params->broker = g_strdup (XML_META);
  account = xgb_accounts_save (accounts, params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  {
    g_autofree char *host = xgb_account_dup_host (account);
    g_autofree char *topic = xgb_account_dup_audit_topic (account);

    g_assert_cmpstr (host, ==, params->host);
    g_assert_cmpstr (topic, ==, params->audit_topic);
  }

  xgb_login_view_choose_account (view, account);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (xgb_ui_login_child (window, "audit_entry"))), ==,
                   params->audit_topic);
  set_text (window, "password_entry", "secret");
  g_assert_false (xgb_login_view_submit (view));
  g_test_message ("saved account: host: %s; broker: %s; audit topic: %s",
                  label_text (xgb_ui_login_child (window, "port_error")),
                  label_text (xgb_ui_login_child (window, "broker_error")),
                  label_text (xgb_ui_login_child (window, "audit_error")));
  g_assert_nonnull (strstr (label_text (xgb_ui_login_child (window, "port_error")), "control"));
  g_assert_nonnull (strstr (label_text (xgb_ui_login_child (window, "broker_error")), "“<”"));
  g_assert_nonnull (strstr (label_text (xgb_ui_login_child (window, "audit_error")), "control characters"));
  g_assert_null (xgb_window_get_connection (window));
  settle (300);   /* the JID's red frame of before fades out (a CSS transition) */
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-saved-account-errors.png");
  xgb_accounts_remove (accounts, account);
}

static void
check_login_form (XgbWindow *window,
                  gpointer   data)
{
  g_autofree char *long_jid = g_strconcat (long_text, "@xgb.test", NULL);
  g_autofree char *long_port = g_strdup (long_text);
  const Case jids[] = {
    { "", "Enter your address" },
    { long_text, "longer than 3071 bytes" },
    { long_jid, "longer than 3071 bytes" },
    { "al\x01ice@xgb.test", "control" },
    { "alice@xgb.test\x1b[31m", "control character" },
    { "al\nice@xgb.test", "space" },
    { "<&>@xgb.test", "“<”" },
    { "alice@xgb.test/\x01", "control" },
    { "alice@<xgb.test>", "“<”" },
    { "alice@xgb.test]]>", "“]”" },
    { "'alice'@xgb.test", "“'”" },
  };
  const Case ports[] = {
    { long_port, "1 to 65535" },
    { "5\x01" "22", "1 to 65535" },
    { "<&>", "1 to 65535" },
    { "0", "1 to 65535" },
    { "99999", "1 to 65535" },
  };
  const Case brokers[] = {
    { long_text, "longer than" },
    { "pubsub.\x01.test", "control" },
    { "pubsub\n.xgb.test", "space" },
    { "pubsub.<xgb>.test", "“<”" },
    { "pubsub.xgb.test]]>", "“]”" },
  };
  const Case ca_files[] = {
    { long_text, "Cannot read" },
    { "/tmp/\x01\x1b", "Cannot read" },
    { "/tmp/<&>'\"]]>", "Cannot read" },
  };
  const Case hosts[] = {
    { long_text, "longer than 1023 bytes" },
    { "xgb\x01test", "control" },
    { "xgb.test\x1b[31m", "control" },
    { "xgb\n.test", "space" },
    { "<&>'\"]]>", "“<”" },
    { "xgb.test]]>", "“]”" },
    { "alice@xgb.test", "without “@” or “/”" },
    { "xgb.test/x", "without “@” or “/”" },
  };
  const Case audit_topics[] = {
    { long_text, "at most 1023 bytes" },
    { "audit/\x01", "control characters" },
    { "audit/\x1b[31m", "control characters" },
    { "audit/a\nb", "control characters" },
  };

  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "login");
  for (guint i = 0; i < G_N_ELEMENTS (jids); i++)
    try_login_field (window, "jid_entry", "jid_error", &jids[i]);
  {
    const Case empty_password = { "", "Enter the password" };

    try_login_field (window, "password_entry", "password_error", &empty_password);
  }
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    try_login_field (window, "host_entry", "port_error", &hosts[i]);
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    try_login_field (window, "port_entry", "port_error", &ports[i]);
  for (guint i = 0; i < G_N_ELEMENTS (brokers); i++)
    try_login_field (window, "broker_entry", "broker_error", &brokers[i]);
  for (guint i = 0; i < G_N_ELEMENTS (ca_files); i++)
    try_login_field (window, "ca_file_entry", "ca_file_error", &ca_files[i]);
  for (guint i = 0; i < G_N_ELEMENTS (audit_topics); i++)
    try_login_field (window, "audit_entry", "audit_error", &audit_topics[i]);

  /* Several at once: each field says what is wrong with it */
  set_text (window, "jid_entry", "al\x01ice@xgb.test");
  set_text (window, "host_entry", long_text);
  set_text (window, "ca_file_entry", long_text);
  set_text (window, "broker_entry", "pubsub.<xgb>.test");
  set_text (window, "audit_entry", "audit/\x01");
  g_assert_false (xgb_login_view_submit (xgb_window_get_login_view (window)));
  xgb_ui_save_screenshot (GTK_WIDGET (window), "login-errors.png");
  assert_responsive (window);

  check_saved_account (window);

  /* Files and passwords only the TLS setup or the server can judge */
  {
    g_autofree char *binary = g_build_filename (tmpdir, "binary.crt", NULL);
    g_autofree char *mangled = g_build_filename (tmpdir, "mangled.crt", NULL);
    const char garbage[] = "\x00\x01\xff\xfe\x80PK\x03\x04<&>\x00]]>";
    const char pem[] = "-----BEGIN CERTIFICATE-----\n\xff\xfe<&>'\"]]>\x01\n-----END CERTIFICATE-----\n";
    g_autofree char *long_password = g_strndup (long_text, 65535);

    g_assert_true (g_file_set_contents (binary, garbage, sizeof garbage, NULL));
    g_assert_true (g_file_set_contents (mangled, pem, -1, NULL));
    try_login (window, "ca_file_entry", binary, "CA file");
    try_login (window, "ca_file_entry", mangled, "CA file");
    try_login (window, "password_entry", XML_META "\x01\x1b[31m\n", "Authentication failed");
    try_login (window, "password_entry", long_password, "Authentication failed");
    xgb_ui_save_screenshot (GTK_WIDGET (window), "login-bad-ca-file.png");
  }
}

static void
test_login_form (void)
{
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (NULL, check_login_form, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --- after the login: the node page and its dialogs ---------------------- */

static XgbPubsubService *
service_of (XgbWindow *window)
{
  return xgb_node_tree_get_service (xgb_browser_view_get_tree (xgb_window_get_browser_view (window)));
}

static XgbForm *
config_on_server (XgbWindow  *window,
                  const char *node)
{
  XgbPubsubService *service = service_of (window);
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  XgbForm *form;

  xgb_pubsub_service_get_config_async (service, node, NULL, xgb_test_result_cb, &r);
  doc = xgb_pubsub_service_form_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  form = xgb_form_parse (xmlDocGetRootElement (doc), &error);
  g_assert_no_error (error);
  return form;
}

static gboolean
banner_says (gpointer window)
{
  XgbBanner *banner = xgb_window_get_banner (window);
  const char *expected = g_object_get_data (G_OBJECT (window), "expected-banner");

  return xgb_banner_get_revealed (banner) && strstr (xgb_banner_get_message (banner), expected) != NULL;
}

static void
wait_banner (XgbWindow  *window,
             const char *expected)
{
  g_object_set_data_full (G_OBJECT (window), "expected-banner", g_strdup (expected), g_free);
  xgb_ui_wait (banner_says, window, 30);
}

/* The node filter (Ctrl+F): any text filters, none is sent */
static void
check_node_filter (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  const char *filters[] = { long_text, "\x01\x1b[31m", "a\nb", XML_META };
  guint64 before = sent_when_quiet (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      xgb_browser_view_set_filter (browser, filters[i]);
      settle (50);
      g_test_message ("filter ← %.20s…: %.200s", filters[i], xgb_browser_view_get_status (browser));
      g_assert_cmpuint (g_list_model_get_n_items (xgb_browser_view_get_filtered_topics (browser)), ==, 0);
      assert_readable (xgb_browser_view_get_status (browser));
    }
  xgb_ui_save_screenshot (GTK_WIDGET (window), "filter-long.png");
  g_assert_cmpuint (sent (window), ==, before);
  xgb_browser_view_set_filter (browser, "");
  assert_responsive (window);
}

static gboolean
advanced_loaded (gpointer dialog)
{
  return !gtk_widget_get_sensitive (child (dialog, XGB_TYPE_CREATE_DIALOG, "simple_config"));
}

/* New Node: the name, the Providers and Consumers, the title and the
 * advanced configuration; then a node named and titled with XML's
 * metacharacters is created and read back */
static void
check_create (XgbWindow *window)
{
  XgbCreateDialog *create;
  GtkWidget *name, *title, *publishers, *consumers;
  guint64 before = sent_when_quiet (window);
  const Case names[] = {
    { "", "Enter a name" },
    { long_text, "at most 1023 bytes" },
    { "bad/\x01", "control characters" },
    { "bad/\x1b[31mred", "control characters" },
    { "bad/a\nb", "control characters" },
  };
  const Case jids[] = {
    { long_text, "longer than 3071 bytes" },
    { "bob@xgb.test\x01", "control" },
    { "bob@xgb.test \x1b", "control" },
    { "<&>@xgb.test", "“<”" },
    { "bob@xgb.test, '\"]]>'@xgb.test", "“'”" },
    { "xgb.test", "not an account address" },
  };
  const Case titles[] = {
    { "title \x01", "control" },
    { "title\x1b[31m", "control" },
  };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-node", NULL));
  create = xgb_ui_wait_toplevel (XGB_TYPE_CREATE_DIALOG);
  name = child (create, XGB_TYPE_CREATE_DIALOG, "name_entry");
  title = child (create, XGB_TYPE_CREATE_DIALOG, "title_entry");
  publishers = child (create, XGB_TYPE_CREATE_DIALOG, "publishers_entry");
  consumers = child (create, XGB_TYPE_CREATE_DIALOG, "consumers_entry");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *error = child (create, XGB_TYPE_CREATE_DIALOG, "name_error");

      gtk_editable_set_text (GTK_EDITABLE (name), names[i].value);
      g_assert_false (xgb_create_dialog_submit (create));
      g_test_message ("new node name ← %.20s…: %.200s", names[i].value, label_text (error));
      g_assert_true (gtk_widget_get_visible (error));
      g_assert_nonnull (strstr (label_text (error), names[i].expected));
      assert_readable (label_text (error));
    }
  gtk_editable_set_text (GTK_EDITABLE (name), META_NODE);
  for (guint i = 0; i < G_N_ELEMENTS (jids); i++)
    for (guint j = 0; j < 2; j++)
      {
        /* under the field it concerns */
        GtkWidget *error = child (create, XGB_TYPE_CREATE_DIALOG, j == 0 ? "publishers_error" : "consumers_error");
        GtkWidget *other = child (create, XGB_TYPE_CREATE_DIALOG, j == 0 ? "consumers_error" : "publishers_error");
        GtkWidget *entry = j == 0 ? publishers : consumers;

        gtk_editable_set_text (GTK_EDITABLE (publishers), "");
        gtk_editable_set_text (GTK_EDITABLE (consumers), "");
        gtk_editable_set_text (GTK_EDITABLE (entry), jids[i].value);
        g_assert_false (xgb_create_dialog_submit (create));
        g_test_message ("new node %s ← %.20s…: %.200s", j == 0 ? "providers" : "consumers", jids[i].value,
                        label_text (error));
        g_assert_true (gtk_widget_get_visible (error));
        g_assert_false (gtk_widget_get_visible (other));
        g_assert_nonnull (strstr (label_text (error), jids[i].expected));
        g_assert_true (gtk_widget_has_css_class (entry, "error"));
        assert_readable (label_text (error));
        if (i == 0 && j == 0)
          xgb_ui_save_screenshot (GTK_WIDGET (create), "create-long-jid.png");
      }
  gtk_editable_set_text (GTK_EDITABLE (publishers), "");
  gtk_editable_set_text (GTK_EDITABLE (consumers), "");
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkWidget *error = child (create, XGB_TYPE_CREATE_DIALOG, "title_error");

      gtk_editable_set_text (GTK_EDITABLE (title), titles[i].value);
      g_assert_false (xgb_create_dialog_submit (create));
      g_test_message ("new node title ← %.20s…: %.200s", titles[i].value, label_text (error));
      g_assert_true (gtk_widget_get_visible (error));
      g_assert_nonnull (strstr (label_text (error), titles[i].expected));
    }
  g_assert_cmpuint (sent (window), ==, before);

  /* Escaped, and the server has exactly what was typed */
  gtk_editable_set_text (GTK_EDITABLE (title), XML_META);
  gtk_editable_set_text (GTK_EDITABLE (publishers), xgb_test_env ("XGB_TEST_BOB_JID"));
  g_assert_true (xgb_create_dialog_submit (create));
  wait_banner (window, "Created");
  {
    g_autoptr(XgbForm) form = config_on_server (window, META_NODE);

    g_assert_cmpstr (xgb_form_get_value (form, "pubsub#title"), ==, XML_META);
    g_assert_nonnull (xgb_node_tree_lookup (xgb_browser_view_get_tree (xgb_window_get_browser_view (window)),
                                            META_NODE));
    g_assert_cmpstr (xgb_node_get_name (xgb_browser_view_get_current (xgb_window_get_browser_view (window))), ==,
                     META_NODE);
  }
}

/* The advanced configuration of New Node: the form's own checks.
 * (ejabberd's default form has no title: its text-single fields are
 * numbers such as pubsub#max_items.) */
static void
check_create_advanced (XgbWindow *window)
{
  XgbCreateDialog *create;
  XgbFormView *advanced;
  GtkWidget *status, *max_items;
  guint64 before;
  const Case cases[] = {
    { "\x01", "A value contains a control character." },
    { "1\n2", "A single line is expected." },
    { "\x1b[31m", "A value contains a control character." },
  };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-node", NULL));
  create = xgb_ui_wait_toplevel (XGB_TYPE_CREATE_DIALOG);
  gtk_editable_set_text (GTK_EDITABLE (child (create, XGB_TYPE_CREATE_DIALOG, "name_entry")), "bad/advanced");
  xgb_create_dialog_show_advanced (create);
  xgb_ui_wait (advanced_loaded, create, 30);
  before = sent_when_quiet (window);
  advanced = XGB_FORM_VIEW (child (create, XGB_TYPE_CREATE_DIALOG, "advanced_view"));
  status = child (create, XGB_TYPE_CREATE_DIALOG, "advanced_status");
  max_items = xgb_form_view_get_input (advanced, "pubsub#max_items");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (max_items), cases[i].value);
      g_assert_false (xgb_create_dialog_submit (create));
      g_test_message ("advanced max_items ← %.20s…: %.200s", cases[i].value, label_text (status));
      g_assert_nonnull (strstr (label_text (status), "needs attention"));
      g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (advanced), cases[i].expected));
    }
  settle (200);   /* the form scrolls to the problem */
  xgb_ui_save_screenshot (GTK_WIDGET (create), "create-advanced-error.png");
  g_assert_cmpuint (sent (window), ==, before);

  /* Sent escaped: the server reads it, and refuses a maximum that is
   * no number; the window says so and goes on */
  gtk_editable_set_text (GTK_EDITABLE (max_items), XML_META);
  g_assert_true (xgb_create_dialog_submit (create));
  wait_banner (window, "Could not create “bad/advanced”");
  g_test_message ("advanced max_items ← " XML_META ": %s", xgb_banner_get_message (xgb_window_get_banner (window)));
  g_assert_cmpuint (sent (window), >, before);
  g_assert_null (xgb_node_tree_lookup (xgb_browser_view_get_tree (xgb_window_get_browser_view (window)),
                                       "bad/advanced"));
  assert_responsive (window);
}

static gboolean
config_ready (gpointer browser)
{
  return gtk_widget_get_sensitive (child (browser, XGB_TYPE_BROWSER_VIEW, "config_apply"));
}

static gboolean
config_done (gpointer browser)
{
  const char *text = label_text (child (browser, XGB_TYPE_BROWSER_VIEW, "config_status"));

  return config_ready (browser) && (g_str_equal (text, "Saved.") || g_str_has_prefix (text, "Not saved"));
}

/* The Configuration tab of the node: text-single, and every other field
 * type the server's form has */
static void
check_configuration (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbFormView *view = XGB_FORM_VIEW (child (browser, XGB_TYPE_BROWSER_VIEW, "config_view"));
  GtkWidget *status = child (browser, XGB_TYPE_BROWSER_VIEW, "config_status");
  GtkWidget *apply = child (browser, XGB_TYPE_BROWSER_VIEW, "config_apply");
  GtkWidget *title;
  guint64 before;
  const Case bad[] = {
    { "\x01", "A value contains a control character." },
    { "a\nb", "A single line is expected." },
    { "\x1b[31m", "A value contains a control character." },
  };
  const char *good[] = { XML_META "\t&amp;", long_text, "" };

  xgb_browser_view_select_node (browser, xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), META_NODE));
  xgb_browser_view_show_configuration (browser);
  xgb_ui_wait (config_ready, browser, 30);
  title = xgb_form_view_get_input (view, "pubsub#title");
  before = sent_when_quiet (window);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (title), bad[i].value);
      /* as a click does: the button takes the focus, the form gives it
       * to the field with the problem */
      gtk_widget_grab_focus (apply);
      g_signal_emit_by_name (apply, "clicked");
      g_test_message ("configuration title ← %.20s…: %.200s", bad[i].value, label_text (status));
      g_assert_nonnull (strstr (label_text (status), "needs attention"));
      g_assert_true (xgb_ui_has_mapped_label (GTK_WIDGET (view), bad[i].expected));
    }
  settle (200);
  xgb_ui_save_screenshot (GTK_WIDGET (window), "configuration-error.png");
  g_assert_cmpuint (sent (window), ==, before);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(XgbForm) form = NULL;
      g_autofree char *typed = NULL;

      gtk_editable_set_text (GTK_EDITABLE (title), good[i]);
      typed = g_strdup (gtk_editable_get_text (GTK_EDITABLE (title)));
      g_signal_emit_by_name (apply, "clicked");
      xgb_ui_wait (config_done, browser, 30);
      g_test_message ("configuration title ← %.20s…: %.200s", good[i], label_text (status));
      g_assert_cmpstr (label_text (status), ==, "Saved.");
      form = config_on_server (window, META_NODE);
      /* (an empty title may come back as no value at all) */
      g_assert_cmpstr (xgb_form_get_value (form, "pubsub#title") ? xgb_form_get_value (form, "pubsub#title") : "",
                       ==, typed);
    }
  xgb_browser_view_show_overview (browser);
}

/* What the server lists for @node: affiliations or subscriptions, as
 * "jid=state" lines */
static char *
listed_on_server (XgbWindow  *window,
                  const char *node,
                  gboolean    affiliations)
{
  XgbPubsubService *service = service_of (window);
  XgbTestResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GString *out = g_string_new (NULL);

  if (affiliations)
    xgb_pubsub_service_get_affiliations_async (service, node, NULL, xgb_test_result_cb, &r);
  else
    xgb_pubsub_service_get_subscriptions_async (service, node, NULL, xgb_test_result_cb, &r);
  list = xgb_pubsub_service_list_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      if (affiliations)
        {
          XgbPubsubAffiliation *a = list->pdata[i];

          g_string_append_printf (out, "%s=%s\n", a->jid, a->affiliation);
        }
      else
        {
          XgbPubsubSubscription *sub = list->pdata[i];

          g_string_append_printf (out, "%s=%s\n", sub->jid, sub->subscription);
        }
    }
  return g_string_free (out, FALSE);
}

static gboolean
pane_idle (gpointer view)
{
  if (XGB_IS_AFFILIATIONS_VIEW (view))
    return !xgb_affiliations_view_get_busy (view) && xgb_affiliations_view_get_current (view) != NULL;
  return !xgb_subscriptions_view_get_busy (view) && xgb_subscriptions_view_get_current (view) != NULL;
}

static const char *
pane_status (gpointer view)
{
  if (XGB_IS_AFFILIATIONS_VIEW (view))
    return xgb_affiliations_view_get_status (view);
  return xgb_subscriptions_view_get_status (view);
}

static gboolean
pane_says (gpointer view)
{
  return pane_idle (view) && strstr (pane_status (view), g_object_get_data (G_OBJECT (view), "expected")) != NULL;
}

/* The address entries of the Affiliations and Subscribers tabs: bad
 * addresses are refused in the status line; a full JID whose resource
 * has XML's metacharacters is valid, and reaches the server intact */
static void
check_address_entry (XgbWindow  *window,
                     const char *tab)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  gboolean affiliations = g_str_equal (tab, "affiliations");
  GtkWidget *view = child (browser, XGB_TYPE_BROWSER_VIEW, affiliations ? "affiliations_view" : "subscriptions_view");
  GtkWidget *entry = child (view, affiliations ? XGB_TYPE_AFFILIATIONS_VIEW : XGB_TYPE_SUBSCRIPTIONS_VIEW,
                            "jid_entry");
  g_autofree char *full = g_strconcat (xgb_test_env ("XGB_TEST_BOB_JID"), "/", XML_META, NULL);
  g_autofree char *listed = NULL;
  guint64 before;
  const Case cases[] = {
    { "", "the address is empty" },
    { long_text, "longer than 3071 bytes" },
    { "bob@xgb.test\x01", "control" },
    { "bob\x1b[31m@xgb.test", "control" },
    { "bo\nb@xgb.test", "space" },
    { "<&>@xgb.test", "“<”" },
    { "bob@xgb.test]]>", "“]”" },
  };

  xgb_browser_view_select_node (browser, xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), META_NODE));
  gtk_stack_set_visible_child_name (GTK_STACK (child (browser, XGB_TYPE_BROWSER_VIEW, "node_tabs")), tab);
  xgb_ui_wait (pane_idle, view, 30);
  before = sent_when_quiet (window);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (entry), cases[i].value);
      g_signal_emit_by_name (entry, "activate");
      g_test_message ("%s address ← %.20s…: %.200s", tab, cases[i].value, pane_status (view));
      g_assert_true (g_str_has_prefix (pane_status (view), "Enter a valid address: "));
      g_assert_nonnull (strstr (pane_status (view), cases[i].expected));
      assert_readable (pane_status (view));
      /* what was typed stays, to be corrected (GtkEntry holds at most
       * 65 535 characters of it) */
      g_assert_true (g_str_has_prefix (cases[i].value, gtk_editable_get_text (GTK_EDITABLE (entry))));
      g_assert_cmpuint (strlen (gtk_editable_get_text (GTK_EDITABLE (entry))), >=, MIN (strlen (cases[i].value), 65000));
    }
  xgb_ui_save_screenshot (GTK_WIDGET (window), affiliations ? "affiliations-error.png" : "subscriptions-error.png");
  g_assert_cmpuint (sent (window), ==, before);

  gtk_editable_set_text (GTK_EDITABLE (entry), full);
  g_signal_emit_by_name (entry, "activate");
  g_object_set_data_full (G_OBJECT (view), "expected", g_strdup (affiliations ? "is now" : "Subscribed"), g_free);
  xgb_ui_wait (pane_says, view, 30);
  listed = listed_on_server (window, META_NODE, affiliations);
  g_test_message ("%s on the server: %s", tab, listed);
  if (affiliations)
    {
      /* affiliations are the account's: ejabberd keeps the bare JID */
      g_autofree char *line = g_strconcat (xgb_test_env ("XGB_TEST_BOB_JID"), "=publisher\n", NULL);

      g_assert_nonnull (strstr (listed, line));
    }
  else
    {
      g_autofree char *line = g_strconcat (full, "=subscribed\n", NULL);

      g_assert_nonnull (strstr (listed, line));
    }
  assert_responsive (window);
}

/* Approve and Deny answer with the address the server named; one XML
 * cannot carry is refused, one with metacharacters goes out escaped */
static void
check_answer (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbSubscriptionsView *view = XGB_SUBSCRIPTIONS_VIEW (child (browser, XGB_TYPE_BROWSER_VIEW, "subscriptions_view"));
  g_autofree char *full = g_strconcat (xgb_test_env ("XGB_TEST_BOB_JID"), "/", XML_META, NULL);
  guint64 before;

  xgb_browser_view_select_node (browser, xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), META_NODE));
  gtk_stack_set_visible_child_name (GTK_STACK (child (browser, XGB_TYPE_BROWSER_VIEW, "node_tabs")), "subscriptions");
  xgb_ui_wait (pane_idle, view, 30);
  before = sent_when_quiet (window);
  for (guint allow = 0; allow < 2; allow++)
    {
      xgb_subscriptions_view_answer (view, "bob@xgb.test/\x01\x1b", NULL, allow);
      g_test_message ("answer ← bob@xgb.test/\\x01\\x1b: %s", xgb_subscriptions_view_get_status (view));
      g_assert_true (g_str_has_prefix (xgb_subscriptions_view_get_status (view), "Could not send the answer"));
      assert_readable (xgb_subscriptions_view_get_status (view));
    }
  g_assert_cmpuint (sent (window), ==, before);
  xgb_subscriptions_view_answer (view, full, NULL, FALSE);
  g_test_message ("answer ← %s: %s", full, xgb_subscriptions_view_get_status (view));
  g_assert_true (g_str_has_prefix (xgb_subscriptions_view_get_status (view), "Denied “"));
  g_assert_cmpuint (sent (window), >, before);
  xgb_ui_wait (pane_idle, view, 30);
  assert_responsive (window);
}

/* Put Into / membership (visible where the service nests nodes; the
 * check of the name is the same everywhere) */
static void
check_membership (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  const char *fields[][2] = { { "child_entry", "membership_status" }, { "parent_entry", "parents_status" } };
  const Case cases[] = {
    { long_text, "at most 1023 bytes" },
    { "bad/\x01", "control characters" },
    { "bad/\x1b[31m", "control characters" },
    { "bad/a\nb", "control characters" },
  };
  guint64 before;

  xgb_browser_view_select_node (browser, xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), META_NODE));
  before = sent_when_quiet (window);
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        GtkWidget *entry = child (browser, XGB_TYPE_BROWSER_VIEW, fields[f][0]);
        GtkWidget *status = child (browser, XGB_TYPE_BROWSER_VIEW, fields[f][1]);

        gtk_editable_set_text (GTK_EDITABLE (entry), cases[i].value);
        g_signal_emit_by_name (entry, "activate");
        g_test_message ("%s ← %.20s…: %.200s", fields[f][0], cases[i].value, label_text (status));
        g_assert_nonnull (strstr (label_text (status), cases[i].expected));
      }
  g_assert_cmpuint (sent (window), ==, before);
}

static gboolean
items_idle (gpointer view)
{
  XgbItemList *list = xgb_items_view_get_list (view);

  return list != NULL && !xgb_items_view_get_busy (view) && !xgb_item_list_get_loading (list);
}

/* The items filter: times are checked in place, the publisher is only
 * matched here (never sent) */
static void
check_items_filter (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbItemsView *view = xgb_browser_view_get_items_view (browser);
  const char *times[] = { long_text, "2026-11-01\x01", "2026-11-01\n12:00", "\x1b[31m", XML_META };
  const char *publishers[] = { long_text, "\x01\x1b", XML_META };
  guint64 before;

  xgb_browser_view_select_node (browser, xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), META_NODE));
  gtk_stack_set_visible_child_name (GTK_STACK (child (browser, XGB_TYPE_BROWSER_VIEW, "node_tabs")), "items");
  xgb_ui_wait (items_idle, view, 30);
  before = sent_when_quiet (window);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    for (guint j = 0; j < 2; j++)
      {
        xgb_items_view_set_filter (view, NULL, j == 0 ? times[i] : NULL, j == 1 ? times[i] : NULL);
        g_test_message ("items %s ← %.20s…: %.200s", j ? "to" : "from", times[i], xgb_items_view_get_count_text (view));
        g_assert_nonnull (strstr (xgb_items_view_get_count_text (view), "Not a time"));
        g_assert_true (gtk_widget_has_css_class (xgb_items_view_get_filter_widget (view, j ? "to" : "from"), "error"));
      }
  xgb_ui_save_screenshot (GTK_WIDGET (window), "items-filter-error.png");
  g_assert_cmpuint (sent (window), ==, before);
  for (guint i = 0; i < G_N_ELEMENTS (publishers); i++)
    {
      xgb_items_view_set_filter (view, publishers[i], NULL, NULL);
      xgb_ui_wait (items_idle, view, 30);
      g_test_message ("items publisher ← %.20s…: %.200s", publishers[i], xgb_items_view_get_count_text (view));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (xgb_items_view_get_list (view))), ==, 0);
      assert_readable (xgb_items_view_get_count_text (view));
    }
  xgb_items_view_set_filter (view, NULL, NULL, NULL);
  assert_responsive (window);
}

static gboolean
bulk_has_targets (gpointer dialog)
{
  return xgb_bulk_dialog_get_targets (dialog) != NULL && !xgb_bulk_dialog_get_busy (dialog);
}

/* The bulk change's address */
static void
check_bulk (XgbWindow *window)
{
  XgbBulkDialog *dialog;
  GtkWidget *entry, *error;
  guint64 before = sent_when_quiet (window);
  const Case cases[] = {
    { "", "Enter the address" },
    { long_text, "longer than 3071 bytes" },
    { "bob@xgb.test\x01", "control" },
    { "bob@xgb.test\x1b[31m", "control" },
    { "<&>@xgb.test", "“<”" },
    { "bob@xgb.test]]>", "“]”" },
  };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.bulk-change", NULL));
  dialog = xgb_ui_wait_toplevel (XGB_TYPE_BULK_DIALOG);
  entry = child (dialog, XGB_TYPE_BULK_DIALOG, "jid_entry");
  error = child (dialog, XGB_TYPE_BULK_DIALOG, "jid_error");
  xgb_ui_wait (bulk_has_targets, dialog, 30);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (entry), cases[i].value);
      g_assert_false (xgb_bulk_dialog_preview (dialog));
      g_test_message ("bulk address ← %.20s…: %.200s", cases[i].value, label_text (error));
      g_assert_true (gtk_widget_get_visible (error));
      g_assert_nonnull (strstr (label_text (error), cases[i].expected));
      assert_readable (label_text (error));
    }
  xgb_ui_save_screenshot (GTK_WIDGET (dialog), "bulk-error.png");
  g_assert_cmpuint (sent (window), ==, before);
  gtk_window_close (GTK_WINDOW (dialog));
}

/* Deleting asks for the exact name: nothing else matches it */
static void
check_delete (XgbWindow *window)
{
  XgbBrowserView *browser = xgb_window_get_browser_view (window);
  XgbDeleteDialog *dialog;
  GtkWidget *entry;
  g_autofree char *almost = g_strconcat (META_NODE, "\x01", NULL);
  const char *wrong[] = { "", long_text, almost, "bad/&lt;&amp;&gt;'\"]]>", "bad/<&>'\"]]>" };
  guint64 before;

  xgb_browser_view_select_node (browser, xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), META_NODE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-node", NULL));
  dialog = xgb_ui_wait_toplevel (XGB_TYPE_DELETE_DIALOG);
  entry = child (dialog, XGB_TYPE_DELETE_DIALOG, "name_entry");
  before = sent_when_quiet (window);
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (entry), wrong[i]);
      g_assert_false (xgb_delete_dialog_get_can_delete (dialog));
      xgb_delete_dialog_confirm (dialog);
      g_assert_true (xgb_ui_find_toplevel (XGB_TYPE_DELETE_DIALOG) == dialog);
    }
  g_assert_cmpuint (sent (window), ==, before);
  gtk_editable_set_text (GTK_EDITABLE (entry), META_NODE);
  g_assert_true (xgb_delete_dialog_get_can_delete (dialog));
  xgb_delete_dialog_confirm (dialog);
  wait_banner (window, "Deleted");
  g_assert_null (xgb_node_tree_lookup (xgb_browser_view_get_tree (browser), META_NODE));
}

/* Invalid UTF-8, control characters and newlines through the core API
 * (GTK's entries cannot hold invalid UTF-8): refused, nothing reaches
 * the server, and the session goes on */
static void
check_core_api (XgbWindow *window)
{
  XgbPubsubService *service = service_of (window);
  const char *names[] = { "bad/\xff\xfe", "bad/\xc0\x80", "bad/\xe2\x82", "bad/\xed\xa0\x80", "bad/\x01",
                          "bad/a\nb", "bad/\xef\xbf\xbe" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      XgbTestResult r = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *created = NULL;

      xgb_pubsub_service_create_async (service, names[i], FALSE, NULL, NULL, xgb_test_result_cb, &r);
      created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&r), &error);
      xgb_test_result_clear (&r);
      g_test_message ("create via the core ← node #%u: %s", i, error ? error->message : created);
      g_assert_null (created);
      g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      XgbTestResult r = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *jid = g_strconcat ("bob@xgb.test/", names[i] + 4, NULL);
      XgbPubsubSubscription sub = { jid, (char *) "subscribed", NULL };
      g_autoptr(GPtrArray) list = g_ptr_array_new ();

      g_ptr_array_add (list, &sub);
      xgb_pubsub_service_set_subscriptions_async (service, META_NODE, list, NULL, xgb_test_result_cb, &r);
      xgb_pubsub_service_change_finish (service, xgb_test_result_wait (&r), &error);
      xgb_test_result_clear (&r);
      g_test_message ("subscribe via the core ← JID #%u: %s", i, error ? error->message : "subscribed");
      g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
    }
  /* still connected, still answering */
  {
    g_autoptr(XgbForm) form = config_on_server (window, META_NODE);

    g_assert_nonnull (form);
  }
  assert_responsive (window);
}

static gboolean
audit_loaded (gpointer audit)
{
  return !xgb_audit_window_get_loading (audit);
}

/* The audit trail names the node exactly; its filter takes anything */
static void
check_audit (XgbWindow *window)
{
  XgbAuditWindow *audit;
  const char *filters[] = { long_text, "\x01\x1b[31m", XML_META };
  gboolean found = FALSE;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.audit", NULL));
  audit = xgb_ui_wait_toplevel (XGB_TYPE_AUDIT_WINDOW);
  xgb_ui_wait (audit_loaded, audit, 30);
  {
    g_autoptr(GPtrArray) shown = xgb_audit_window_dup_shown (audit);

    for (guint i = 0; i < shown->len; i++)
      {
        XgbAuditEntry *entry = shown->pdata[i];

        if (g_strcmp0 (entry->target, META_NODE) == 0 && g_str_equal (entry->action, "create"))
          found = TRUE;
      }
  }
  g_assert_true (found);
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      g_autoptr(GPtrArray) shown = NULL;

      xgb_audit_window_set_filter (audit, filters[i], 0);
      shown = xgb_audit_window_dup_shown (audit);
      g_test_message ("audit filter ← %.20s…: %u shown, %.200s", filters[i], shown->len,
                      xgb_audit_window_get_status (audit));
      assert_readable (xgb_audit_window_get_status (audit));
    }
  xgb_audit_window_set_filter (audit, "", 0);
  gtk_window_close (GTK_WINDOW (audit));
}

static void
check_session (XgbWindow *window,
               gpointer   data)
{
  xgb_ui_wait (xgb_ui_on_session_page, window, 60);
  xgb_ui_wait (xgb_ui_tree_loaded, xgb_window_get_browser_view (window), 30);
  /* the resource, XML's metacharacters, went through the bind intact */
  g_assert_true (g_str_has_suffix (xgb_connection_get_jid (xgb_window_get_connection (window)), "/" XML_META));

  check_node_filter (window);
  check_create (window);
  check_configuration (window);
  check_address_entry (window, "affiliations");
  check_address_entry (window, "subscriptions");
  check_answer (window);
  check_membership (window);
  check_items_filter (window);
  check_bulk (window);
  check_create_advanced (window);
  check_core_api (window);
  check_delete (window);
  check_audit (window);
  g_assert_cmpstr (xgb_window_get_visible_page (window), ==, "session");
}

static void
test_session (void)
{
  g_autofree char *pw = xgb_ui_password_file (tmpdir, "alice", xgb_test_env ("XGB_TEST_ALICE_PASSWORD"));
  g_autofree char *jid = g_strconcat (xgb_test_env ("XGB_TEST_ALICE_JID"), "/", XML_META, NULL);
  const char *args[] = {
    "--jid", jid, "--password-file", pw,
    "--host", xgb_test_env ("XGB_TEST_HOST"), "--port", xgb_test_env ("XGB_TEST_PORT"),
    "--ca-file", xgb_test_env ("XGB_TEST_CA_FILE"), "--connect", NULL
  };
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (args, check_session, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

/* --- certificate files: Import… and Unlock in the picker ------------------- */

static char *keystore_dir;

static gboolean
picker_idle (gpointer picker)
{
  return !xgb_cert_picker_get_busy (picker) && xgb_cert_picker_get_entries (picker) != NULL;
}

static XgbBanner *
picker_banner (XgbCertPicker *picker)
{
  return XGB_BANNER (child (picker, XGB_TYPE_CERT_PICKER, "banner"));
}

/* Imports @path as Import… does once a file was chosen */
static const char *
import (XgbCertPicker *picker,
        const char    *path)
{
  XgbBanner *banner = picker_banner (picker);

  xgb_banner_dismiss (banner);
  xgb_cert_picker_import_file (picker, path);
  xgb_ui_wait (xgb_ui_banner_revealed, banner, 10);
  xgb_ui_wait (picker_idle, picker, 30);
  assert_readable (xgb_banner_get_message (banner));
  return xgb_banner_get_message (banner);
}

static guint
files_in (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static char *
write_file (const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

/* ~/.pki/nssdb with alice's certificate, as Chromium keeps them */
static void
make_nss_database (void)
{
  g_autofree char *nss = g_build_filename (g_get_home_dir (), ".pki", "nssdb", NULL);
  g_autofree char *spec = g_strconcat ("sql:", nss, NULL);
  g_autofree char *p12 = g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), "alice.p12", NULL);
  g_autofree char *pass = g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), "alice.p12.pass", NULL);
  const char *create[] = { "certutil", "-N", "-d", spec, "--empty-password", NULL };
  const char *import[] = { "pk12util", "-i", p12, "-d", spec, "-w", pass, "-K", "", NULL };

  g_assert_cmpint (g_mkdir_with_parents (nss, 0700), ==, 0);
  xgb_test_run_tool (create);
  xgb_test_run_tool (import);
}

static XgbKeystoreEntry *
nss_entry (XgbCertPicker *picker)
{
  GListModel *entries = xgb_cert_picker_get_entries (picker);

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(XgbKeystoreEntry) entry = g_list_model_get_item (entries, i);

      if (xgb_keystore_entry_get_source (entry) == XGB_KEYSTORE_SOURCE_NSS)
        return entry;
    }
  g_error ("the picker lists no NSS certificate");
  return NULL;
}

static gboolean
label_shown (gpointer label)
{
  return gtk_widget_get_visible (GTK_WIDGET (label)) && *gtk_label_get_text (GTK_LABEL (label)) != '\0';
}

/* Export from the NSS database: the passphrase of the new file reaches
 * pk12util through a pipe, one line; a line break is refused, XML's
 * metacharacters work (the new file unlocks with them) */
static void
check_export (XgbCertPicker *picker)
{
  GtkWidget *passphrase = child (picker, XGB_TYPE_CERT_PICKER, "export_entry");
  GtkWidget *error = child (picker, XGB_TYPE_CERT_PICKER, "export_error");
  GtkWidget *button = child (picker, XGB_TYPE_CERT_PICKER, "export_button");
  const char *bad[] = { "", "two\nlines", "dos\r\n" };
  guint before = files_in (keystore_dir);

  xgb_cert_picker_select (picker, nss_entry (picker));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (passphrase), bad[i]);
      g_signal_emit_by_name (button, "clicked");
      xgb_ui_wait (picker_idle, picker, 30);
      xgb_ui_wait (label_shown, error, 10);
      g_test_message ("export ← %s: %s", i == 0 ? "(empty)" : "a line break", label_text (error));
      g_assert_true (strstr (label_text (error), i == 0 ? "Choose a passphrase" : "line break") != NULL);
    }
  g_assert_cmpuint (files_in (keystore_dir), ==, before);

  gtk_editable_set_text (GTK_EDITABLE (passphrase), XML_META "\x01 «é»");
  g_signal_emit_by_name (button, "clicked");
  xgb_ui_wait (xgb_ui_banner_revealed, picker_banner (picker), 30);
  xgb_ui_wait (picker_idle, picker, 30);
  g_test_message ("export ← " XML_META ": %s", xgb_banner_get_message (picker_banner (picker)));
  g_assert_true (g_str_has_prefix (xgb_banner_get_message (picker_banner (picker)), "Exported to “"));
  g_assert_cmpuint (files_in (keystore_dir), ==, before + 1);
  {
    /* the new file is selected, unlocked with that passphrase */
    g_autoptr(XgbKeystoreEntry) selected = xgb_cert_picker_get_selected (picker);

    g_assert_nonnull (selected);
    g_assert_cmpint (xgb_keystore_entry_get_source (selected), ==, XGB_KEYSTORE_SOURCE_APP);
    g_assert_false (xgb_keystore_entry_get_locked (selected));
  }
}

static void
check_certificate_files (XgbWindow *window,
                         gpointer   data)
{
  XgbCertPicker *picker;
  const char garbage[] = "\x00\x01\xff\xfe\x80PK\x03\x04<&>\x00]]>\x1b[31m";
  const char pem[] = "-----BEGIN CERTIFICATE-----\n\xff\xfe<&>'\"]]>\x01\n-----END CERTIFICATE-----\n"
                     "-----BEGIN PRIVATE KEY-----\n\xc0\x80\n-----END PRIVATE KEY-----\n";
  g_autofree char *junk_p12 = write_file ("junk.p12", garbage, sizeof garbage);
  g_autofree char *junk_pem = write_file ("junk.pem", pem, -1);
  g_autofree char *empty = write_file ("empty.pem", "", 0);
  g_autofree char *meta = write_file (XML_META ".pem", pem, -1);
  g_autofree char *not_utf8 = write_file ("\xff\xfe.pem", garbage, sizeof garbage);
  g_autofree char *junk_crl = write_file ("junk.crl", garbage, sizeof garbage);
  g_autofree char *alice = NULL;
  const char *bad[] = { junk_p12, junk_pem, empty, meta, not_utf8, junk_crl };

  /* a real certificate under a name that is no UTF-8 */
  {
    g_autofree char *from = g_build_filename (xgb_test_env ("XGB_TEST_CERT_DIR"), "alice.p12", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
    alice = write_file ("alice-\xe9t\xe9.p12", contents, (gssize) length);
  }

  xgb_login_view_set_cert_mode (xgb_window_get_login_view (window), TRUE);
  g_signal_emit_by_name (xgb_ui_login_child (window, "cert_button"), "clicked");
  picker = xgb_ui_wait_toplevel (XGB_TYPE_CERT_PICKER);
  xgb_ui_wait (picker_idle, picker, 30);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *message = import (picker, bad[i]);

      g_test_message ("import #%u: %s", i, message);
      g_assert_true (g_str_has_prefix (message, "Cannot import: "));
      if (i == 0)
        xgb_ui_save_screenshot (GTK_WIDGET (picker), "import-junk.png");
    }
  /* nothing of it went into the keystore */
  g_assert_cmpuint (files_in (keystore_dir), ==, 0);

  g_test_message ("import alice: %s", import (picker, alice));
  g_assert_true (g_str_has_prefix (xgb_banner_get_message (picker_banner (picker)), "Imported “alice-"));
  g_assert_cmpuint (files_in (keystore_dir), ==, 1);

  /* Unlocking it: wrong passphrases of every kind are just wrong */
  {
    GtkWidget *error = child (picker, XGB_TYPE_CERT_PICKER, "unlock_error");
    g_autoptr(XgbKeystoreEntry) selected = xgb_cert_picker_get_selected (picker);
    const char *passphrases[] = { long_text, "\x01\x1b[31m", XML_META, "a\nb" };

    g_assert_nonnull (selected);
    g_assert_true (xgb_keystore_entry_get_locked (selected));
    xgb_cert_picker_unlock (picker, "");
    g_assert_nonnull (strstr (label_text (error), "Enter the passphrase"));
    for (guint i = 0; i < G_N_ELEMENTS (passphrases); i++)
      {
        xgb_cert_picker_unlock (picker, passphrases[i]);
        xgb_ui_wait (picker_idle, picker, 30);
        g_test_message ("unlock ← %.20s…: %s", passphrases[i], label_text (error));
        g_assert_true (gtk_widget_get_visible (error));
        assert_readable (label_text (error));
        g_assert_true (xgb_keystore_entry_get_locked (selected));
      }
    xgb_ui_save_screenshot (GTK_WIDGET (picker), "unlock-wrong.png");
  }
  check_export (picker);
  xgb_cert_picker_cancel (picker);
}

static void
test_certificate_files (void)
{
  XgbUiRun run;

  g_assert_cmpint (xgb_ui_run_app (NULL, check_certificate_files, NULL, &run), ==, 0);
  g_assert_true (run.checked);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child_path = g_build_filename (path, name, NULL);

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR) && !g_file_test (child_path, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child_path);
      else
        g_unlink (child_path);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  int ret;
  g_autofree char *home = NULL;
  g_autofree char *data = NULL;

  /* before GLib reads them: HOME and the keystore live in a temp dir */
  tmpdir = xgb_test_make_tmpdir ("xgb-ui-bad-input-XXXXXX");
  home = g_build_filename (tmpdir, "home", NULL);
  data = g_build_filename (home, ".local", "share", NULL);
  keystore_dir = g_build_filename (data, "xgb-broker", "keystore", NULL);
  g_assert_cmpint (g_mkdir_with_parents (data, 0700), ==, 0);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  long_text = g_strnfill (LONG_LENGTH, 'a');
  make_nss_database ();

  g_test_add_func ("/ui/bad-input/login-form", test_login_form);
  g_test_add_func ("/ui/bad-input/session", test_session);
  g_test_add_func ("/ui/bad-input/certificate-files", test_certificate_files);

  ret = g_test_run ();

  remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (long_text);
  g_free (keystore_dir);

  return ret;
}
