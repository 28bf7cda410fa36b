/* xgb-test-util.h - helpers shared by the test programs
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xgb-connection.h"
#include "xgb-pubsub.h"

G_BEGIN_DECLS

/* Measures the longest gap between two iterations of the thread-default
 * main loop: a blocked loop shows up as a gap of seconds. */
typedef struct _XgbGapMeter XgbGapMeter;

XgbGapMeter    *xgb_gap_meter_start     (void);
double          xgb_gap_meter_stop      (XgbGapMeter  *meter);

/* Iterates the main loop until *done is TRUE; fails the test after
 * @timeout_s seconds. */
void            xgb_test_wait           (gboolean     *done,
                                         double        timeout_s);

const char     *xgb_test_env            (const char   *name);

/* A private temporary folder, and its removal with the files in it. */
char           *xgb_test_make_tmpdir    (const char   *template);
void            xgb_test_remove_tmpdir  (char         *dir);

XgbLoginParams *xgb_test_params         (const char   *jid,
                                         const char   *password,
                                         const char   *port_var,
                                         const char   *ca_var);

/* A connected session of the test account WHO ("ADMIN", "ALICE", "BOB"),
 * from $XGB_TEST_<WHO>_JID and _PASSWORD; fails the test otherwise. */
XgbConnection    *xgb_test_login          (const char    *who);
/* The Broker $XGB_TEST_PUBSUB on @connection, after its disco#info */
XgbPubsubService *xgb_test_pubsub_service (XgbConnection *connection);

/* Creates @node (a topic) with the submit form @config (nullable) and
 * fails the test if the Broker refuses */
void              xgb_test_create_node    (XgbPubsubService *service,
                                           const char       *node,
                                           const char       *config);

/* A fixture stanza from $XGB_FIXTURES_DIR, parsed; fails the test
 * when it cannot be read. */
xmlDoc         *xgb_test_load_fixture   (const char   *name);

/* Publishes items "item-0000" … of payload <entry xmlns='urn:xgb:test'>
 * <n>N</n></entry> to @node, 32 in flight, iterating the main loop until
 * every one is answered.  Returns how many failed (each is logged). */
guint           xgb_test_publish_items  (XgbPubsubService *service,
                                         const char       *node,
                                         guint             n);

/* An async result to wait for: pass xgb_test_result_cb and the struct,
 * then xgb_test_result_wait() returns the result (valid until the next
 * wait or xgb_test_result_clear()). */
typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} XgbTestResult;

void            xgb_test_result_cb      (GObject      *object,
                                         GAsyncResult *result,
                                         gpointer      data);
GAsyncResult   *xgb_test_result_wait    (XgbTestResult *r);
void            xgb_test_result_clear   (XgbTestResult *r);

/* Runs a tool (certutil, pk12util, rm …) found in PATH; its failure is
 * fatal, with what it wrote to stderr. */
void            xgb_test_run_tool       (const char * const *argv);

/* The test server of tests/servers/with-server.sh ejabberd: runs
 * "ejabberd.sh COMMAND $XGB_TEST_DIR" (kill, restart, ...) while the main
 * loop runs; its output never mixes with the TAP stream, and a failure
 * is fatal with it.  _start/_finish split it, to do something meanwhile. */
GSubprocess    *xgb_test_server_script_start  (const char  *command);
void            xgb_test_server_script_finish (GSubprocess *process,
                                               const char  *command);
void            xgb_test_server_script        (const char  *command);
/* The server's process id (from server.pid) */
GPid            xgb_test_server_pid           (void);

/* Synchronous wrappers, iterating the main loop (for tests only). */
gboolean        xgb_test_connect        (XgbConnection *connection,
                                         GError      **error);
xmlDoc         *xgb_test_send_iq        (XgbConnection *connection,
                                         const char   *type,
                                         const char   *to,
                                         const char   *payload,
                                         GCancellable *cancellable,
                                         GError      **error);

G_END_DECLS
