/* xgb-test-util.c - helpers shared by the test programs
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "xgb-test-util.h"
#include "xgb-xml.h"

#define GAP_TICK_MS 10

struct _XgbGapMeter
{
  GSource *source;
  gint64   last;
  gint64   max_gap;
};

static gboolean
gap_tick_cb (gpointer data)
{
  XgbGapMeter *meter = data;
  gint64 now = g_get_monotonic_time ();

  meter->max_gap = MAX (meter->max_gap, now - meter->last);
  meter->last = now;
  return G_SOURCE_CONTINUE;
}

XgbGapMeter *
xgb_gap_meter_start (void)
{
  XgbGapMeter *meter = g_new0 (XgbGapMeter, 1);

  meter->last = g_get_monotonic_time ();
  meter->source = g_timeout_source_new (GAP_TICK_MS);
  g_source_set_callback (meter->source, gap_tick_cb, meter, NULL);
  g_source_attach (meter->source, g_main_context_get_thread_default ());
  return meter;
}

/* Returns the longest gap in milliseconds, the last one included. */
double
xgb_gap_meter_stop (XgbGapMeter *meter)
{
  double ms;

  gap_tick_cb (meter);
  g_source_destroy (meter->source);
  g_source_unref (meter->source);
  ms = (double) meter->max_gap / 1000.0;
  g_free (meter);
  return ms;
}

void
xgb_test_wait (gboolean *done,
               double    timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!*done)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("nothing happened within %.1f s", timeout_s);
      g_main_context_iteration (NULL, FALSE);
      if (!*done)
        g_usleep (500);
    }
}

const char *
xgb_test_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this test under tests/servers/with-server.sh or with-fake.sh", name);
  return value;
}

char *
xgb_test_make_tmpdir (const char *template)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes @dir (flat: tests put only files there) and frees the string. */
void
xgb_test_remove_tmpdir (char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
  g_free (dir);
}

XgbLoginParams *
xgb_test_params (const char *jid,
                 const char *password,
                 const char *port_var,
                 const char *ca_var)
{
  XgbLoginParams *params = xgb_login_params_new ();

  params->jid = g_strdup (jid);
  xgb_login_params_set_password (params, password);
  params->host = g_strdup ("127.0.0.1");
  params->port = (guint) g_ascii_strtoull (xgb_test_env (port_var), NULL, 10);
  if (ca_var != NULL)
    params->ca_file = g_strdup (xgb_test_env (ca_var));
  return params;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  xmlDoc   *doc;
  GError   *error;
} Sync;

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  Sync *sync = data;

  sync->ok = xgb_connection_connect_finish (XGB_CONNECTION (object), result, &sync->error);
  sync->done = TRUE;
}

gboolean
xgb_test_connect (XgbConnection  *connection,
                  GError        **error)
{
  Sync sync = { 0 };

  xgb_connection_connect_async (connection, NULL, connect_cb, &sync);
  xgb_test_wait (&sync.done, 60);
  if (sync.error != NULL)
    g_propagate_error (error, sync.error);
  return sync.ok;
}

static void
iq_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      data)
{
  Sync *sync = data;

  sync->doc = xgb_connection_send_iq_finish (XGB_CONNECTION (object), result, &sync->error);
  sync->done = TRUE;
}

xmlDoc *
xgb_test_send_iq (XgbConnection  *connection,
                  const char     *type,
                  const char     *to,
                  const char     *payload,
                  GCancellable   *cancellable,
                  GError        **error)
{
  Sync sync = { 0 };

  xgb_connection_send_iq_async (connection, type, to, payload, cancellable, iq_cb, &sync);
  xgb_test_wait (&sync.done, 60);
  if (sync.error != NULL)
    g_propagate_error (error, sync.error);
  return sync.doc;
}

xmlDoc *
xgb_test_load_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (xgb_test_env ("XGB_FIXTURES_DIR"), name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  xmlDoc *doc;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  doc = xgb_xml_parse (contents, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);

  return doc;
}

void
xgb_test_result_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      data)
{
  XgbTestResult *r = data;

  g_clear_object (&r->result);
  r->result = g_object_ref (result);
  r->done = TRUE;
}

GAsyncResult *
xgb_test_result_wait (XgbTestResult *r)
{
  xgb_test_wait (&r->done, 60);
  r->done = FALSE;
  return r->result;
}

void
xgb_test_result_clear (XgbTestResult *r)
{
  g_clear_object (&r->result);
  r->done = FALSE;
}

XgbConnection *
xgb_test_login (const char *who)
{
  g_autofree char *jid_var = g_strdup_printf ("XGB_TEST_%s_JID", who);
  g_autofree char *password_var = g_strdup_printf ("XGB_TEST_%s_PASSWORD", who);
  g_autoptr(XgbLoginParams) params = xgb_test_params (xgb_test_env (jid_var), xgb_test_env (password_var),
                                                      "XGB_TEST_PORT", "XGB_TEST_CA_FILE");
  XgbConnection *connection = xgb_connection_new (params);
  g_autoptr(GError) error = NULL;

  g_assert_true (xgb_test_connect (connection, &error));
  g_assert_no_error (error);
  return connection;
}

XgbPubsubService *
xgb_test_pubsub_service (XgbConnection *connection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = NULL;
  XgbTestResult r = { 0 };

  xgb_disco_info_async (connection, xgb_test_env ("XGB_TEST_PUBSUB"), NULL, NULL, xgb_test_result_cb, &r);
  info = xgb_disco_info_finish (connection, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  return xgb_pubsub_service_new (connection, info);
}

void
xgb_test_create_node (XgbPubsubService *service,
                      const char       *node,
                      const char       *config)
{
  g_autofree char *created = NULL;
  g_autoptr(GError) error = NULL;
  XgbTestResult r = { 0 };

  xgb_pubsub_service_create_async (service, node, FALSE, config, NULL, xgb_test_result_cb, &r);
  created = xgb_pubsub_service_create_finish (service, xgb_test_result_wait (&r), &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
}

/* --- the test server --------------------------------------------------- */

GSubprocess *
xgb_test_server_script_start (const char *command)
{
  g_autofree char *script = g_build_filename (xgb_test_env ("XGB_SOURCE_DIR"), "tests", "servers",
                                              "ejabberd.sh", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                              "bash", script, command, xgb_test_env ("XGB_TEST_DIR"), NULL);
  g_assert_no_error (error);
  return process;
}

void
xgb_test_server_script_finish (GSubprocess *process,
                               const char  *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  XgbTestResult r = { 0 };

  g_subprocess_communicate_utf8_async (process, NULL, NULL, xgb_test_result_cb, &r);
  g_subprocess_communicate_utf8_finish (process, xgb_test_result_wait (&r), &out, NULL, &error);
  xgb_test_result_clear (&r);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("ejabberd.sh %s failed:\n%s", command, out);
}

void
xgb_test_server_script (const char *command)
{
  g_autoptr(GSubprocess) process = xgb_test_server_script_start (command);

  xgb_test_server_script_finish (process, command);
}

GPid
xgb_test_server_pid (void)
{
  g_autofree char *path = g_build_filename (xgb_test_env ("XGB_TEST_DIR"), "server.pid", NULL);
  g_autofree char *text = NULL;
  gint64 pid;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  pid = g_ascii_strtoll (text, NULL, 10);
  g_assert_cmpint (pid, >, 1);
  return (GPid) pid;
}

/* --- publishing many items ---------------------------------------------- */

typedef struct
{
  XgbPubsubService *service;
  const char       *node;
  guint             n;
  guint             next;
  guint             in_flight;
  guint             done;
  guint             failed;
} Publisher;

static void publish_more (Publisher *p);

static void
published_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  Publisher *p = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = xgb_pubsub_service_publish_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  if (id == NULL)
    {
      g_test_message ("publish failed: %s", error->message);
      p->failed++;
    }
  p->in_flight--;
  p->done++;
  publish_more (p);
}

static void
publish_more (Publisher *p)
{
  while (p->in_flight < 32 && p->next < p->n)
    {
      g_autofree char *id = g_strdup_printf ("item-%04u", p->next);
      g_autofree char *payload = g_strdup_printf ("<entry xmlns='urn:xgb:test'><n>%u</n></entry>", p->next);

      p->next++;
      p->in_flight++;
      xgb_pubsub_service_publish_async (p->service, p->node, id, payload, NULL, published_cb, p);
    }
}

guint
xgb_test_publish_items (XgbPubsubService *service,
                        const char       *node,
                        guint             n)
{
  Publisher p = { .service = service, .node = node, .n = n };

  publish_more (&p);
  while (p.done < n)
    g_main_context_iteration (NULL, TRUE);
  return p.failed;
}

void
xgb_test_run_tool (const char * const *argv)
{
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}
