/* xgb-connection.c - one XMPP session, libstrophe on its own thread
 *
 * libstrophe blocks during DNS look-ups and the TLS handshake and its
 * objects are not thread-safe (xmpp-facts.md), so every libstrophe object
 * lives on one worker thread with its own GMainContext.  That context
 * wakes up on the socket (the fd comes from the sockopt callback) and on a
 * short tick for libstrophe's timers, and then drains libstrophe with a
 * bounded loop of xmpp_run_once(ctx, 0).
 *
 * The owner (the thread that made the XgbConnection, normally the UI
 * thread) never calls libstrophe.  Commands go to the worker as plain
 * strings; results come back as parsed libxml2 documents and are handed
 * to GTasks on the owner's context.  All request bookkeeping (ids,
 * timeouts, cancellation, CONNECTION_LOST) is on the owner side; the
 * worker only keeps, per id, whom the reply must come from.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-connection"

#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <openssl/crypto.h>
#include <string.h>
#include <strophe.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xgb-cert.h"
#include "xgb-connection.h"
#include "xgb-connection-private.h"
#include "xgb-error.h"
#include "xgb-jid.h"
#include "xgb-sasl.h"
#include "xgb-xml.h"

/* How often the worker calls into libstrophe for its timers. */
#define TICK_CONNECTING_MS 20
#define TICK_CONNECTED_MS  500
/* While replies are awaited.  libstrophe does not tell whether part of a
 * large stanza is still unwritten (xmpp_conn_send_queue_len() leaves out
 * the element being written), so the socket's writability alone cannot
 * drive the rest of a 1 MB upload; a short tick does, and costs nothing
 * measurable while requests are in flight. */
#define TICK_BUSY_MS       5
/* xmpp_run_once() reads at most 4 KB per call: up to this many calls per
 * wake-up before yielding to other sources. */
#define DRAIN_MAX_CALLS    256
/* A TLS record holds at most 16 KB: 4 idle calls empty OpenSSL's buffer. */
#define DRAIN_QUIET_CALLS  5

G_DEFINE_ENUM_TYPE (XgbConnectionState, xgb_connection_state,
  G_DEFINE_ENUM_VALUE (XGB_CONNECTION_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (XGB_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (XGB_CONNECTION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (XGB_CONNECTION_STATE_FAILED, "failed"))

/* libstrophe's memory: like its default, but every block is wiped when
 * it is freed.  libstrophe copies the password (xmpp_conn_set_pass), the
 * PLAIN message and the SCRAM keys into blocks it frees without wiping;
 * this way none of them lingers in freed memory. */
static void *
xmem_alloc (size_t  size,
            void   *userdata)
{
  return malloc (size);
}

static void
xmem_free (void *p,
           void *userdata)
{
  if (p == NULL)
    return;
  xgb_secret_wipe (p, malloc_usable_size (p));
  free (p);
}

static void *
xmem_realloc (void   *p,
              size_t  size,
              void   *userdata)
{
  size_t old_size;
  void *q;

  if (p == NULL)
    return malloc (size);
  /* Never realloc(): it may move the block and free the old one unwiped. */
  old_size = malloc_usable_size (p);
  if (size <= old_size)
    return p;
  /* Grown by half at least: libstrophe's parser grows a text by each
   * piece expat reports (one line, or what one read brought), so copying
   * to the exact size would make a big text quadratic (10 MB of lines:
   * minutes, measured). */
  q = malloc (MAX (size, old_size + old_size / 2));
  if (q == NULL)
    return NULL;
  memcpy (q, p, old_size);
  xmem_free (p, userdata);
  return q;
}

static const xmpp_mem_t wiping_mem = { xmem_alloc, xmem_free, xmem_realloc, NULL };

const xmpp_mem_t *
_xgb_connection_get_xmpp_mem (void)
{
  return &wiping_mem;
}

/* XGB_DEBUG=xmpp: libstrophe's log at its highest verbosity, as debug
 * messages of the log domain "xgb-xmpp" (shown with
 * G_MESSAGES_DEBUG=xgb-xmpp or all), credentials redacted. */
#define XMPP_LOG_DOMAIN "xgb-xmpp"

static gboolean
xmpp_debug_enabled (void)
{
  static gsize once = 0;
  static gboolean enabled;

  if (g_once_init_enter (&once))
    {
      static const GDebugKey keys[] = { { "xmpp", 1 } };
      const char *env = g_getenv ("XGB_DEBUG");

      enabled = env != NULL && (g_parse_debug_string (env, keys, G_N_ELEMENTS (keys)) & 1) != 0;
      g_once_init_leave (&once, 1);
    }
  return enabled;
}

/* ------------------------------------------------------------------ */
/* The worker: everything here runs on the connection thread, except   */
/* worker_new/ref/unref, worker_post and the watchdog.                  */
/* ------------------------------------------------------------------ */

typedef struct _Worker Worker;

struct _Worker
{
  gatomicrefcount  ref_count;
  GMainContext    *ctx;
  GMainLoop       *loop;
  GMainContext    *owner_ctx;
  GWeakRef         owner;

  /* connection thread only */
  xmpp_ctx_t      *xctx;
  xmpp_conn_t     *xconn;
  xmpp_log_t       log;
  GSource         *fd_source;
  gpointer         fd_tag;
  GSource         *tick_source;
  guint            tick_ms;
  GHashTable      *expected_from;   /* id -> normalized JID ("" = own account) */
  XgbLoginParams  *params;
  guint            generation;
  guint            timeout_ms;
  gboolean         connected;
  gboolean         auth_failed;
  gboolean         tls_failed;
  gboolean         tls_missing;
  gboolean         socket_failed;
  int              socket_error;
  gboolean         cert_failed;
  char            *cert_error;
  XgbCertInfo     *cert;
  char            *bare_jid;
  char            *domain;
  /* the probe before login, and what it told */
  XgbSessionInfo  *info;
  char           **sasl_order;      /* what libstrophe will try, in order */
  gboolean         weak_blocked;    /* a fallback to PLAIN/DIGEST-MD5 was stopped */
  gboolean         leaf_check;      /* pins set: check the leaf after the handshake */
  gboolean         cert_provisional;/* certfail let a certificate pass until then */
  gboolean         cert_changed;    /* the leaf is not the pinned one */
  gboolean         parse_error;     /* the server sent XML that is not well-formed */
  gboolean         parse_closed;    /* ... and the connection was closed for it */
  guint            work_limit_ms;   /* reading one stanza may cost this much */
  gint64           work_us;         /* spent reading since the last whole stanza */
  gboolean         work_exceeded;   /* ... more than that: closed */
  char           **weak_refused;    /* what the login was offered, when only weak */

  /* watchdog: shared with the watchdog thread under wd_lock */
  GMutex           wd_lock;
  GCond            wd_cond;
  GThread         *wd_thread;
  gboolean         wd_armed;
  gboolean         wd_fired;
  gint64           wd_deadline;
  int              fd;
  GCancellable    *probe_cancellable;
  guint            wanted_generation;   /* the owner's latest */
};

static GPrivate current_worker;

/* Worker threads still running, so that the app (and the tests) can let
 * them close their streams before the process exits. */
static GMutex workers_lock;
static GCond workers_cond;
static guint workers_running;

static Worker *
worker_ref (Worker *w)
{
  g_atomic_ref_count_inc (&w->ref_count);
  return w;
}

static void
worker_unref (Worker *w)
{
  if (!g_atomic_ref_count_dec (&w->ref_count))
    return;

  g_assert (w->xconn == NULL && w->xctx == NULL);
  g_clear_pointer (&w->expected_from, g_hash_table_unref);
  g_clear_pointer (&w->params, xgb_login_params_free);
  g_clear_pointer (&w->cert, xgb_cert_info_free);
  g_clear_pointer (&w->info, xgb_session_info_free);
  g_strfreev (w->sasl_order);
  g_strfreev (w->weak_refused);
  g_clear_object (&w->probe_cancellable);
  g_free (w->cert_error);
  g_free (w->bare_jid);
  g_free (w->domain);
  g_weak_ref_clear (&w->owner);
  g_main_loop_unref (w->loop);
  g_main_context_unref (w->ctx);
  g_main_context_unref (w->owner_ctx);
  g_mutex_clear (&w->wd_lock);
  g_cond_clear (&w->wd_cond);
  g_free (w);
}

/* Queues @func on @ctx.  Never g_main_context_invoke(): it runs the
 * function at once in the calling thread when nobody iterates @ctx at
 * that moment (an owner busy elsewhere), which would run owner code on
 * the connection thread, or re-enter libstrophe from its own callback. */
static void
post_to_context (GMainContext   *ctx,
                 GSourceFunc     func,
                 gpointer        data,
                 GDestroyNotify  destroy,
                 const char     *name)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, name);
  g_source_attach (source, ctx);
  g_source_unref (source);
}

/* Runs @func on the connection thread. */
static void
worker_post (Worker         *w,
             GSourceFunc     func,
             gpointer        data,
             GDestroyNotify  destroy)
{
  post_to_context (w->ctx, func, data, destroy, "xgb-connection-command");
}

/* --- events from the worker to the owner --------------------------- */

typedef enum
{
  EVENT_CONNECTED,
  EVENT_DISCONNECTED,
  EVENT_IQ_REPLY,
  EVENT_IQ_SEND_FAILED,
  EVENT_MESSAGE,
} EventKind;

typedef struct
{
  EventKind  kind;
  GWeakRef   owner;
  guint      generation;
  gsize      bytes;
  char      *id;
  char      *jid;
  xmlDoc    *doc;
  GError    *error;
  XgbSessionInfo *info;
  GStrv      sent;      /* EVENT_DISCONNECTED: the requests written and unanswered */
} Event;

static void
event_free (gpointer data)
{
  Event *e = data;

  g_weak_ref_clear (&e->owner);
  g_free (e->id);
  g_free (e->jid);
  g_clear_pointer (&e->doc, xmlFreeDoc);
  g_clear_error (&e->error);
  g_clear_pointer (&e->info, xgb_session_info_free);
  g_strfreev (e->sent);
  g_free (e);
}

static gboolean owner_handle_event (gpointer data);

static void
worker_emit (Worker *w,
             Event  *e)
{
  g_autoptr(GObject) owner = g_weak_ref_get (&w->owner);

  e->generation = w->generation;
  g_weak_ref_init (&e->owner, owner);
  post_to_context (w->owner_ctx, owner_handle_event, e, event_free, "xgb-connection-event");
}

/* --- the watchdog --------------------------------------------------- */

/* libstrophe's TLS handshake has no deadline and blocks the connection
 * thread; only shutting the socket down from another thread ends it. */
static gpointer
watchdog_main (gpointer data)
{
  Worker *w = data;

  g_mutex_lock (&w->wd_lock);
  while (w->wd_armed && g_get_monotonic_time () < w->wd_deadline)
    g_cond_wait_until (&w->wd_cond, &w->wd_lock, w->wd_deadline);
  if (w->wd_armed)
    {
      w->wd_fired = TRUE;
      if (w->fd >= 0)
        shutdown (w->fd, SHUT_RDWR);
      if (w->probe_cancellable != NULL)
        g_cancellable_cancel (w->probe_cancellable);
    }
  g_mutex_unlock (&w->wd_lock);

  worker_unref (w);
  return NULL;
}

static void
watchdog_arm (Worker *w,
              guint   timeout_ms)
{
  g_mutex_lock (&w->wd_lock);
  w->wd_armed = TRUE;
  w->wd_fired = FALSE;
  w->wd_deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_mutex_unlock (&w->wd_lock);

  w->wd_thread = g_thread_new ("xgb-watchdog", watchdog_main, worker_ref (w));
}

static void
watchdog_disarm (Worker *w)
{
  if (w->wd_thread == NULL)
    return;

  g_mutex_lock (&w->wd_lock);
  w->wd_armed = FALSE;
  g_cond_signal (&w->wd_cond);
  g_mutex_unlock (&w->wd_lock);

  g_thread_join (g_steal_pointer (&w->wd_thread));
}

static gboolean
watchdog_fired (Worker *w)
{
  gboolean fired;

  g_mutex_lock (&w->wd_lock);
  fired = w->wd_fired;
  g_mutex_unlock (&w->wd_lock);

  return fired;
}

static void
set_fd (Worker *w,
        int     fd)
{
  g_mutex_lock (&w->wd_lock);
  w->fd = fd;
  g_mutex_unlock (&w->wd_lock);
}

/* --- driving libstrophe -------------------------------------------- */

static void worker_update_fd_condition (Worker *w);
static void worker_check_leaf (Worker *w);

static void
worker_drain (Worker *w)
{
  int quiet = 0;

  for (int i = 0; i < DRAIN_MAX_CALLS && w->xctx != NULL; i++)
    {
      int pending = 0;
      gboolean input = w->connected && w->fd >= 0 && ioctl (w->fd, FIONREAD, &pending) == 0 && pending > 0;
      gint64 start = g_get_monotonic_time ();

      xmpp_run_once (w->xctx, 0);
      /* libstrophe 0.12's parser is quadratic on big texts of many
       * lines and on elements with very many children (strncat from the
       * start, children appended by walking the list): a stanza could
       * keep this thread busy for minutes while every request times
       * out.  Reading one stanza may cost work_limit_ms at most. */
      if (input)
        w->work_us += g_get_monotonic_time () - start;
      if (w->work_us > (gint64) w->work_limit_ms * 1000 && !w->work_exceeded && w->xconn != NULL &&
          w->connected)
        {
          w->work_exceeded = TRUE;
          g_message ("reading one stanza took more than %u ms; closing the connection", w->work_limit_ms);
          xmpp_disconnect (w->xconn);
          xmpp_run_once (w->xctx, 0);
          if (w->fd >= 0)
            shutdown (w->fd, SHUT_RDWR);
          continue;
        }
      /* libstrophe answers XML that is not well-formed with a stream
       * error, but keeps the stream open and parses nothing more: every
       * request would wait for its timeout.  Close it (RFC 6120 4.9.1:
       * the stream error ends the stream). */
      if (w->parse_error && !w->parse_closed && w->xconn != NULL)
        {
          w->parse_closed = TRUE;
          g_message ("the server sent XML that is not well-formed; closing the connection");
          xmpp_disconnect (w->xconn);
          xmpp_run_once (w->xctx, 0);
          if (w->fd >= 0)
            shutdown (w->fd, SHUT_RDWR);
          continue;
        }
      /* The handshake ends inside one call; the stream features, and
       * with them the login, can come only in a later one. */
      if (w->leaf_check && w->xconn != NULL && xmpp_conn_is_secured (w->xconn))
        worker_check_leaf (w);

      if (w->fd < 0 || w->xconn == NULL)
        break;
      if (ioctl (w->fd, FIONREAD, &pending) == 0 && pending > 0)
        quiet = 0;
      else if (++quiet >= DRAIN_QUIET_CALLS)
        break;
    }

  worker_update_fd_condition (w);
}

static gboolean
fd_dispatch_cb (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  worker_drain (g_private_get (&current_worker));
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs fd_source_funcs = {
  .dispatch = fd_dispatch_cb,
};

static void
worker_remove_fd_source (Worker *w)
{
  if (w->fd_source != NULL)
    {
      g_source_destroy (w->fd_source);
      g_clear_pointer (&w->fd_source, g_source_unref);
      w->fd_tag = NULL;
    }
  set_fd (w, -1);
}

static void worker_set_tick (Worker *w, guint interval_ms);

static void
worker_update_fd_condition (Worker *w)
{
  GIOCondition cond = G_IO_IN | G_IO_ERR | G_IO_HUP;

  if (w->connected)
    worker_set_tick (w, g_hash_table_size (w->expected_from) > 0 ? TICK_BUSY_MS : TICK_CONNECTED_MS);

  if (w->fd_source == NULL)
    return;
  /* Watch for writability only while libstrophe has data queued, or the
   * source would fire all the time. */
  if (w->xconn != NULL && xmpp_conn_send_queue_len (w->xconn) > 0)
    cond |= G_IO_OUT;
  g_source_modify_unix_fd (w->fd_source, w->fd_tag, cond);
}

static int
sockopt_cb (xmpp_conn_t *conn,
            void        *sock)
{
  Worker *w = g_private_get (&current_worker);
  int fd = *(int *) sock;

  worker_remove_fd_source (w);
  set_fd (w, fd);

  w->fd_source = g_source_new (&fd_source_funcs, sizeof (GSource));
  g_source_set_static_name (w->fd_source, "xgb-connection-socket");
  w->fd_tag = g_source_add_unix_fd (w->fd_source, fd, G_IO_IN | G_IO_ERR | G_IO_HUP);
  g_source_attach (w->fd_source, w->ctx);

  return xmpp_sockopt_cb_keepalive (conn, sock);
}

static gboolean
tick_cb (gpointer data)
{
  worker_drain (data);
  return G_SOURCE_CONTINUE;
}

static void
worker_set_tick (Worker *w,
                 guint   interval_ms)
{
  if (w->tick_source != NULL && w->tick_ms == interval_ms)
    return;
  if (w->tick_source != NULL)
    {
      g_source_destroy (w->tick_source);
      g_clear_pointer (&w->tick_source, g_source_unref);
    }
  w->tick_ms = interval_ms;
  if (interval_ms == 0)
    return;

  w->tick_source = g_timeout_source_new (interval_ms);
  g_source_set_static_name (w->tick_source, "xgb-connection-tick");
  g_source_set_callback (w->tick_source, tick_cb, w, NULL);
  g_source_attach (w->tick_source, w->ctx);
}

/* Never called from inside a libstrophe callback. */
static void
worker_release (Worker *w)
{
  watchdog_disarm (w);
  worker_set_tick (w, 0);
  worker_remove_fd_source (w);
  if (w->xconn != NULL)
    {
      xmpp_conn_release (w->xconn);
      w->xconn = NULL;
    }
  if (w->xctx != NULL)
    {
      xmpp_ctx_free (w->xctx);
      w->xctx = NULL;
    }
  g_hash_table_remove_all (w->expected_from);
  w->connected = FALSE;
}

static gboolean
release_idle_cb (gpointer data)
{
  Worker *w = data;

  /* A newer connect may have replaced the connection meanwhile. */
  if (w->xconn != NULL && xmpp_conn_is_disconnected (w->xconn))
    worker_release (w);
  return G_SOURCE_REMOVE;
}

/* The password leaves libstrophe (its copy is wiped as it is freed). */
static void
worker_forget_pass (Worker *w)
{
  if (w->xconn != NULL && xmpp_conn_get_pass (w->xconn) != NULL)
    xmpp_conn_set_pass (w->xconn, NULL);
}

/* libstrophe just failed with @mech and is about to try the next
 * mechanism in its order: never a weak one unless the admin allowed it.
 * Without a password libstrophe gives up instead (auth.c); the login then
 * fails as "authentication failed". */
static void
worker_sasl_failed (Worker     *w,
                    const char *mech)
{
  guint i;

  if (w->sasl_order == NULL || w->params->allow_weak_mechanisms || w->xconn == NULL)
    return;

  for (i = 0; w->sasl_order[i] != NULL; i++)
    if (g_ascii_strcasecmp (w->sasl_order[i], mech) == 0)
      break;
  if (w->sasl_order[i] == NULL)
    return;

  if (xgb_sasl_is_weak (w->sasl_order[i + 1]))
    {
      worker_forget_pass (w);
      w->weak_blocked = TRUE;
    }
}

/* The stream features libstrophe is about to act on (its log shows them
 * just before its handlers run): the mechanisms it will use must be the
 * ones the probe saw, or at least not weak ones the policy refuses.  A
 * server that offered SCRAM to the probe and only PLAIN to the login
 * does not get the password: without one libstrophe gives up. */
static void
worker_check_features (Worker     *w,
                       const char *features)
{
  g_auto(GStrv) offered = NULL;
  g_auto(GStrv) order = NULL;

  if (w->xconn == NULL || w->sasl_order == NULL || !xmpp_conn_is_secured (w->xconn))
    return;
  offered = xgb_sasl_parse_mechanisms (features, NULL);
  if (offered == NULL || offered[0] == NULL)
    return;

  order = xgb_sasl_login_order ((const char * const *) offered, w->params->cert_file != NULL,
                                w->params->password != NULL && *w->params->password != '\0');
  if (!g_strv_equal ((const char * const *) order, (const char * const *) w->sasl_order))
    g_message ("the server offers other SASL mechanisms to the login than to the probe");
  if (xgb_sasl_is_weak (order[0]) && !w->params->allow_weak_mechanisms)
    {
      worker_forget_pass (w);
      g_clear_pointer (&w->weak_refused, g_strfreev);
      w->weak_refused = g_strdupv (offered);
    }
  g_strfreev (w->sasl_order);
  w->sasl_order = g_steal_pointer (&order);
}

/* libstrophe's log: the only place it says why a login failed.  Lines
 * are matched against a few fixed messages and never stored: at debug
 * level they carry whole stanzas, SASL exchanges included.  Only
 * XGB_DEBUG=xmpp shows them, with the credentials redacted. */
static void
log_cb (void             *userdata,
        xmpp_log_level_t  level,
        const char       *area,
        const char       *msg)
{
  Worker *w = userdata;
  gsize len;

  if (msg == NULL)
    return;

  if (strcmp (msg, "Cannot authenticate with known methods") == 0)
    w->auth_failed = TRUE;
  else if (level == XMPP_LEVEL_DEBUG && g_strcmp0 (area, "xmpp") == 0 && g_str_has_prefix (msg, "parse error ["))
    w->parse_error = TRUE;
  else if (level == XMPP_LEVEL_DEBUG && g_str_has_prefix (msg, "RECV: <features ") &&
           strstr (msg, "urn:ietf:params:xml:ns:xmpp-sasl") != NULL)
    worker_check_features (w, msg + strlen ("RECV: "));
  else if (strcmp (msg, "TLS is not supported, but set as mandatory for this connection") == 0)
    w->tls_missing = TRUE;
  else if (g_str_has_prefix (msg, "Couldn't start TLS!"))
    w->tls_failed = TRUE;
  else if (g_str_has_prefix (msg, "SASL ") && (len = strlen (msg)) < 64 &&
           g_str_has_suffix (msg, " auth failed"))
    {
      g_autofree char *mech = g_strndup (msg + 5, len - 5 - strlen (" auth failed"));

      w->auth_failed = TRUE;
      worker_sasl_failed (w, mech);
    }
  else if (g_str_has_prefix (msg, "SASL ") && (len = strlen (msg)) < 64 &&
           g_str_has_suffix (msg, " auth successful"))
    {
      if (w->info != NULL)
        {
          g_free (w->info->mechanism);
          w->info->mechanism = g_strndup (msg + 5, len - 5 - strlen (" auth successful"));
        }
    }
  else if (g_str_has_prefix (msg, "connection failed, error ") && strlen (msg) < 48)
    {
      w->socket_failed = TRUE;
      w->socket_error = atoi (msg + strlen ("connection failed, error "));
    }

  if (level >= XMPP_LEVEL_ERROR && g_str_equal (area, "tls"))
    w->tls_failed = TRUE;

  if (xmpp_debug_enabled ())
    {
      g_autofree char *safe = xgb_sasl_redact (msg);

      g_log_structured (XMPP_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "MESSAGE", "%s: %s", area ? area : "", safe);
    }
}

static int
certfail_cb (const xmpp_tlscert_t *cert,
             const char           *errormsg)
{
  Worker *w = g_private_get (&current_worker);
  const char *pem = xmpp_tlscert_get_pem (cert);

  /* Called once per failing certificate, the CA possibly first: keep
   * the first reason, and the certificate only if it names our domain
   * (the leaf); the probe below finds the leaf otherwise. */
  if (w->cert_error == NULL && errormsg != NULL)
    w->cert_error = g_utf8_make_valid (errormsg, -1);

  if (pem != NULL && w->cert == NULL)
    {
      for (size_t i = 0;; i++)
        {
          const char *name = xmpp_tlscert_get_dnsname (cert, i);

          if (name == NULL)
            break;
          if (g_ascii_strcasecmp (name, w->domain) == 0)
            {
              w->cert = xgb_cert_info_new_from_pem (pem, NULL);
              break;
            }
        }
    }

  /* The admin trusts a certificate that does not verify: the one the
   * probe saw, pinned by its SHA-256.  This may be called for the CA at
   * depth 1 first, or only for it (a self-signed CA in the chain), and
   * OpenSSL gives no way to see the leaf from here: let the handshake
   * go on, and accept or refuse the leaf itself once it is done
   * (worker_check_leaf), before anything is sent. */
  if (w->params->pins != NULL && w->params->pins[0] != NULL && w->leaf_check)
    {
      w->cert_provisional = TRUE;
      return 1;
    }

  w->cert_failed = TRUE;
  return 0;   /* never trust a certificate that failed verification */
}

/* After the TLS handshake and before the stream features: with pins, the
 * password is withheld until here.  The leaf must be a pinned one when
 * verification failed anywhere in its chain. */
static void
worker_check_leaf (Worker *w)
{
  xmpp_tlscert_t *peer = xmpp_conn_get_peer_cert (w->xconn);
  const char *pem = peer != NULL ? xmpp_tlscert_get_pem (peer) : NULL;
  g_autoptr(XgbCertInfo) leaf = pem != NULL ? xgb_cert_info_new_from_pem (pem, NULL) : NULL;

  w->leaf_check = FALSE;
  if (peer != NULL)
    xmpp_tlscert_free (peer);

  if (w->cert_provisional &&
      (leaf == NULL || !xgb_login_params_has_pin (w->params, leaf->sha256)))
    {
      g_message ("the server presented a certificate that is not the pinned one; disconnecting");
      w->cert_changed = TRUE;
      g_clear_pointer (&w->cert, xgb_cert_info_free);
      w->cert = g_steal_pointer (&leaf);
      /* What the login saw, not what the probe saw */
      if (w->info != NULL)
        {
          g_clear_pointer (&w->info->server_cert, xgb_cert_info_free);
          if (w->cert != NULL)
            w->info->server_cert = xgb_cert_info_new_from_pem (w->cert->pem, NULL);
          g_free (w->info->verify_error);
          w->info->verify_error = g_strdup (w->cert_error ? w->cert_error : _("verification failed"));
          w->info->pinned = FALSE;
        }
      xmpp_disconnect (w->xconn);
      return;
    }

  if (w->params->password != NULL)
    xmpp_conn_set_pass (w->xconn, w->params->password);
}

static int
password_cb (char        *pw,
             size_t       pw_max,
             xmpp_conn_t *conn,
             void        *userdata)
{
  Worker *w = userdata;
  const char *passphrase = w->params != NULL ? w->params->passphrase : NULL;
  size_t len;

  /* The passphrase of the client certificate's key, as the admin typed
   * it in the app: OpenSSL never prompts on a terminal. */
  if (passphrase == NULL || (len = strlen (passphrase)) >= pw_max)
    return -1;
  memcpy (pw, passphrase, len + 1);
  return (int) len;
}

static char *
normalize_jid (const char *text)
{
  g_autoptr(XgbJid) jid = text ? xgb_jid_parse (text, NULL) : NULL;

  return jid ? xgb_jid_to_string (jid) : NULL;
}

/* RFC 6120 10.1: a reply must come from where the request went; a
 * request to the own account (no 'to', or the bare JID) may be answered
 * without 'from', from the bare JID, or from the full JID. */
static gboolean
worker_from_ok (Worker     *w,
                const char *expected,
                const char *from)
{
  g_autofree char *norm = NULL;

  if (*expected == '\0' || g_strcmp0 (expected, w->bare_jid) == 0)
    {
      if (from == NULL)
        return TRUE;
      norm = normalize_jid (from);
      if (norm == NULL)
        return FALSE;
      if (g_strcmp0 (norm, w->bare_jid) == 0 || g_strcmp0 (norm, w->domain) == 0)
        return TRUE;
      return w->xconn != NULL && g_strcmp0 (norm, xmpp_conn_get_bound_jid (w->xconn)) == 0;
    }

  if (from == NULL)
    return FALSE;
  norm = normalize_jid (from);
  return g_strcmp0 (norm, expected) == 0;
}

static xmlDoc *
stanza_to_doc (Worker         *w,
               xmpp_stanza_t  *stanza,
               gsize          *bytes,
               GError        **error)
{
  char *buf = NULL;
  size_t len = 0;
  xmlDoc *doc;

  if (xmpp_stanza_to_text (stanza, &buf, &len) != XMPP_EOK)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("A stanza from the server could not be read."));
      return NULL;
    }
  doc = xgb_xml_parse (buf, len, error);
  xmpp_free (w->xctx, buf);
  if (bytes != NULL)
    *bytes = len;
  return doc;
}

static int
iq_cb (xmpp_conn_t   *conn,
       xmpp_stanza_t *stanza,
       void          *userdata)
{
  Worker *w = userdata;
  const char *type = xmpp_stanza_get_type (stanza);
  const char *id = xmpp_stanza_get_id (stanza);
  const char *from = xmpp_stanza_get_from (stanza);
  const char *expected;

  if (type == NULL)
    return 1;

  if (g_str_equal (type, "get") || g_str_equal (type, "set"))
    {
      /* RFC 6120 8.2.3: every get/set gets an answer.  We answer pings
       * (XEP-0199) and refuse everything else. */
      xmpp_stanza_t *child = xmpp_stanza_get_children (stanza);
      xmpp_stanza_t *reply;

      if (g_str_equal (type, "get") && child != NULL &&
          g_strcmp0 (xmpp_stanza_get_name (child), "ping") == 0 &&
          g_strcmp0 (xmpp_stanza_get_ns (child), "urn:xmpp:ping") == 0)
        reply = xmpp_iq_new (w->xctx, "result", id);
      else
        {
          reply = xmpp_stanza_reply_error (stanza, "cancel", "service-unavailable", NULL);
        }
      if (reply != NULL)
        {
          if (from != NULL)
            xmpp_stanza_set_to (reply, from);
          xmpp_send (conn, reply);
          xmpp_stanza_release (reply);
        }
      return 1;
    }

  if (id == NULL || (!g_str_equal (type, "result") && !g_str_equal (type, "error")))
    return 1;

  expected = g_hash_table_lookup (w->expected_from, id);
  if (expected == NULL)
    {
      g_debug ("ignoring an IQ reply with an unknown id");
      return 1;
    }
  if (!worker_from_ok (w, expected, from))
    {
      /* Possibly spoofed: ignore it; the request times out if no proper
       * reply comes. */
      g_message ("ignoring an IQ reply whose sender is not the one asked");
      return 1;
    }

  {
    Event *e = g_new0 (Event, 1);

    e->kind = EVENT_IQ_REPLY;
    e->id = g_strdup (id);
    e->doc = stanza_to_doc (w, stanza, &e->bytes, &e->error);
    g_hash_table_remove (w->expected_from, id);
    worker_emit (w, e);
  }

  return 1;
}

static int
message_cb (xmpp_conn_t   *conn,
            xmpp_stanza_t *stanza,
            void          *userdata)
{
  Worker *w = userdata;
  Event *e = g_new0 (Event, 1);

  e->kind = EVENT_MESSAGE;
  e->doc = stanza_to_doc (w, stanza, &e->bytes, &e->error);
  if (e->doc == NULL)
    {
      event_free (e);
      return 1;
    }
  worker_emit (w, e);

  return 1;
}

static GError *
untrusted_error (const char        *reason,
                 const XgbCertInfo *cert)
{
  g_autoptr(GString) msg = g_string_new (NULL);

  g_string_append_printf (msg, _("The server’s certificate is not trusted (%s)."),
                          reason ? reason : _("verification failed"));
  if (cert != NULL)
    {
      g_autofree char *details = xgb_cert_info_describe (cert);

      g_string_append_printf (msg, "\n%s", details);
    }
  return g_error_new_literal (XGB_ERROR, XGB_ERROR_TLS, msg->str);
}

/* Loud on purpose: a pinned certificate that changes is what an attacker
 * in the middle looks like. */
static GError *
changed_error (const XgbCertInfo *cert)
{
  g_autoptr(GString) msg = g_string_new (NULL);

  g_string_append (msg, _("Refused: the server’s certificate changed since you trusted it. Someone may be "
                          "intercepting the connection; log in only after the server’s operator has confirmed "
                          "the new certificate."));
  if (cert != NULL)
    {
      g_autofree char *details = xgb_cert_info_describe (cert);

      g_string_append_printf (msg, "\n%s", details);
    }
  return g_error_new_literal (XGB_ERROR, XGB_ERROR_CERT_CHANGED, msg->str);
}

static GError *
worker_failure (Worker *w,
                int     error,
                xmpp_stream_error_t *stream_error)
{
  if (watchdog_fired (w))
    return g_error_new (XGB_ERROR, XGB_ERROR_TIMEOUT,
                        _("The server did not complete the login within %u seconds. It may be overloaded, or something between here and the server swallows the connection."),
                        MAX (1u, w->timeout_ms / 1000));

  if (w->cert_changed)
    return changed_error (w->cert);

  if (w->parse_error)
    return g_error_new_literal (XGB_ERROR, XGB_ERROR_PROTOCOL,
                                _("The server sent data that is not well-formed XML; the login was stopped."));

  if (w->weak_refused != NULL)
    {
      GError *policy_error = NULL;

      if (!xgb_sasl_check_policy ((const char * const *) w->weak_refused, w->params->cert_file != NULL,
                                  TRUE, FALSE, &policy_error))
        return policy_error;
    }

  if (w->cert_failed)
    {
      /* The leaf as the probe saw it, when libstrophe showed only the CA */
      if (w->cert == NULL && w->info != NULL && w->info->server_cert != NULL)
        w->cert = xgb_cert_info_new_from_pem (w->info->server_cert->pem, NULL);
      return untrusted_error (w->cert_error, w->cert);
    }

  if (w->tls_missing)
    return g_error_new_literal (XGB_ERROR, XGB_ERROR_TLS,
                                _("The server does not offer TLS; this app never logs in without it."));
  if (w->tls_failed)
    return g_error_new_literal (XGB_ERROR, XGB_ERROR_TLS,
                                _("The TLS handshake failed. The server may offer only TLS versions older than 1.2, which this app refuses."));
  if (w->auth_failed && w->weak_blocked)
    return g_error_new_literal (XGB_ERROR, XGB_ERROR_AUTH_FAILED,
                                _("Authentication failed: the server did not accept this JID and password. "
                                  "(The app did not try again with PLAIN or DIGEST-MD5: they are not allowed for this account.)"));
  if (w->auth_failed && w->params->cert_file != NULL)
    return g_error_new (XGB_ERROR, XGB_ERROR_AUTH_FAILED,
                        _("Authentication failed: the server did not accept this certificate for %s (SASL EXTERNAL)."),
                        w->bare_jid);
  if (w->auth_failed)
    return g_error_new_literal (XGB_ERROR, XGB_ERROR_AUTH_FAILED,
                                _("Authentication failed: the server did not accept this JID and password."));

  if (stream_error != NULL)
    {
      const char *text = stream_error->text;
      g_autofree char *valid = text ? g_utf8_make_valid (text, MIN ((gssize) strlen (text), 300)) : NULL;

      if (stream_error->type == XMPP_SE_HOST_UNKNOWN)
        return g_error_new (XGB_ERROR, XGB_ERROR_PROTOCOL,
                            _("The server does not serve the domain “%s”."), w->domain);
      return g_error_new (XGB_ERROR, XGB_ERROR_PROTOCOL,
                          _("The server closed the stream with an error%s%s."),
                          valid ? ": " : "", valid ? valid : "");
    }

  if (w->socket_failed || error != 0)
    {
      int code = error != 0 ? error : w->socket_error;

      return g_error_new (XGB_ERROR, XGB_ERROR_HOST_UNREACHABLE,
                          _("Cannot reach the server %s: %s."),
                          w->params->host ? w->params->host : w->domain,
                          code ? g_strerror (code) : _("the connection failed"));
    }

  return g_error_new_literal (XGB_ERROR, XGB_ERROR_CONNECTION_LOST,
                              _("The server closed the connection."));
}

/* Any whole stanza: the work on the next one starts from zero */
static int
stanza_done_cb (xmpp_conn_t   *conn,
                xmpp_stanza_t *stanza,
                void          *userdata)
{
  Worker *w = userdata;

  w->work_us = 0;
  return 1;
}

/* "condition (text)": the defined condition (RFC 6120 4.9.3) and the
 * server's text, bounded and valid UTF-8; NULL when there is neither */
static char *
describe_stream_error (const xmpp_stream_error_t *stream_error)
{
  const char *condition = NULL;
  g_autofree char *text = NULL;

  for (xmpp_stanza_t *c = stream_error->stanza ? xmpp_stanza_get_children (stream_error->stanza) : NULL;
       c != NULL; c = xmpp_stanza_get_next (c))
    {
      const char *name = xmpp_stanza_get_name (c);

      if (name != NULL && g_strcmp0 (xmpp_stanza_get_ns (c), "urn:ietf:params:xml:ns:xmpp-streams") == 0 &&
          strcmp (name, "text") != 0)
        {
          condition = name;
          break;
        }
    }
  if (stream_error->text != NULL)
    text = g_utf8_make_valid (stream_error->text, MIN ((gssize) strlen (stream_error->text), 300));

  if (condition != NULL && text != NULL)
    return g_strdup_printf ("%s (%s)", condition, text);
  if (condition != NULL)
    return g_utf8_make_valid (condition, MIN ((gssize) strlen (condition), 64));
  return g_steal_pointer (&text);
}

static void
conn_cb (xmpp_conn_t         *conn,
         xmpp_conn_event_t    status,
         int                  error,
         xmpp_stream_error_t *stream_error,
         void                *userdata)
{
  Worker *w = userdata;
  Event *e;

  if (status == XMPP_CONN_CONNECT)
    {
      watchdog_disarm (w);
      w->connected = TRUE;
      /* Logged in: this thread needs the password and passphrase no more
       * (the owner keeps them for a reconnect). */
      worker_forget_pass (w);
      xgb_login_params_forget_secrets (w->params);
      xmpp_handler_add (conn, iq_cb, NULL, "iq", NULL, w);
      xmpp_handler_add (conn, message_cb, NULL, "message", NULL, w);
      xmpp_handler_add (conn, stanza_done_cb, NULL, NULL, NULL, w);
      w->work_us = 0;

      /* Available, so that what the Broker sends to the bare JID reaches
       * this session: authorization requests, event notifications. */
      {
        xmpp_stanza_t *presence = xmpp_presence_new (w->xctx);

        xmpp_send (conn, presence);
        xmpp_stanza_release (presence);
      }
      worker_set_tick (w, TICK_CONNECTED_MS);

      e = g_new0 (Event, 1);
      e->kind = EVENT_CONNECTED;
      e->jid = g_strdup (xmpp_conn_get_bound_jid (conn));
      e->info = w->info ? xgb_session_info_copy (w->info) : NULL;
      worker_emit (w, e);
      return;
    }

  if (status == XMPP_CONN_RAW_CONNECT)
    return;

  /* DISCONNECT or FAIL: the socket is gone. */
  worker_remove_fd_source (w);

  e = g_new0 (Event, 1);
  e->kind = EVENT_DISCONNECTED;
  if (w->connected)
    {
      /* An admin's own logout starts a new generation, so whatever ends
       * this one was not asked for.  Logged in means TLS (mandatory),
       * where libstrophe's error is mostly OpenSSL's SSL_get_error()
       * code, not an errno: g_strerror() would tell nonsense (1 is
       * "Operation not permitted"). */
      if (w->parse_error)
        e->error = g_error_new_literal (XGB_ERROR, XGB_ERROR_CONNECTION_LOST,
                                        _("The server sent data that is not well-formed XML, so the app "
                                          "closed the connection."));
      else if (w->work_exceeded)
        e->error = g_error_new (XGB_ERROR, XGB_ERROR_CONNECTION_LOST,
                                _("Reading one answer of the server took more than %u seconds (it is very "
                                  "large, or has very many lines or elements), so the app closed the connection."),
                                MAX (1u, w->work_limit_ms / 1000));
      else if (stream_error != NULL)
        {
          /* before the socket's error: a server that ends the stream
           * with an error often resets the connection right after */
          g_autofree char *detail = describe_stream_error (stream_error);

          e->error = g_error_new (XGB_ERROR, XGB_ERROR_CONNECTION_LOST,
                                  _("The server ended the session with a stream error%s%s."),
                                  detail ? ": " : "", detail ? detail : "");
        }
      else if (error != 0)
        e->error = g_error_new_literal (XGB_ERROR, XGB_ERROR_CONNECTION_LOST,
                                        _("The connection to the server was lost."));
      else
        e->error = g_error_new_literal (XGB_ERROR, XGB_ERROR_CONNECTION_LOST,
                                        _("The server closed the connection."));
    }
  else
    {
      e->error = worker_failure (w, error, stream_error);
      e->info = w->info ? xgb_session_info_copy (w->info) : NULL;
    }
  if (w->connected)
    {
      /* Only these may have reached the server; whatever the owner sent
       * after is refused by cmd_send (EVENT_IQ_SEND_FAILED), never sent */
      GPtrArray *sent = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, w->expected_from);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_ptr_array_add (sent, g_strdup (id));
      g_ptr_array_add (sent, NULL);
      e->sent = (GStrv) g_ptr_array_free (sent, FALSE);
    }
  w->connected = FALSE;
  g_hash_table_remove_all (w->expected_from);
  worker_emit (w, e);

  /* libstrophe objects must not be freed inside their own callback. */
  /* On this thread's context: g_idle_add() would run it on the global
   * default context, i.e. the UI thread. */
  post_to_context (w->ctx, release_idle_cb, worker_ref (w), (GDestroyNotify) worker_unref,
                   "xgb-connection-release");
}

/* --- commands from the owner --------------------------------------- */

typedef struct
{
  Worker         *w;
  XgbLoginParams *params;
  guint           generation;
  guint           timeout_ms;
  guint           work_ms;
  char           *id;
  char           *to;
  char           *text;
} Command;

static Command *
command_new (Worker *w)
{
  Command *c = g_new0 (Command, 1);

  c->w = worker_ref (w);
  return c;
}

static void
command_free (gpointer data)
{
  Command *c = data;

  worker_unref (c->w);
  g_clear_pointer (&c->params, xgb_login_params_free);
  g_free (c->id);
  g_free (c->to);
  if (c->text != NULL)
    {
      /* May contain data the admin would not want lingering. */
      memset (c->text, 0, strlen (c->text));
      g_free (c->text);
    }
  g_free (c);
}

/* The probe before login (xgb-tls.c): what libstrophe does not tell.
 * Decides whether the server's certificate is trusted (verified, or
 * pinned by the admin) and whether the login would use a mechanism the
 * policy refuses, before libstrophe sends anything.  Blocks the
 * connection thread (never the owner's) until the connect deadline at
 * most; a logout or the deadline cancels it. */
static GError *
worker_probe (Worker *w)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(XgbTlsProbe) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) offered = NULL;
  gboolean has_pins = w->params->pins != NULL && w->params->pins[0] != NULL;
  gboolean has_cert = w->params->cert_file != NULL;
  gboolean has_password = w->params->password != NULL && *w->params->password != '\0';
  gboolean current;

  g_mutex_lock (&w->wd_lock);
  current = w->wanted_generation == w->generation;
  if (current)
    g_set_object (&w->probe_cancellable, cancellable);
  g_mutex_unlock (&w->wd_lock);
  if (!current)
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The login was cancelled."));

  probe = xgb_tls_probe_run (w->params->host, w->params->port, w->domain, w->params->ca_file,
                             w->timeout_ms, cancellable, &error);

  g_mutex_lock (&w->wd_lock);
  g_clear_object (&w->probe_cancellable);
  g_mutex_unlock (&w->wd_lock);

  if (probe == NULL)
    {
      if (watchdog_fired (w))
        return worker_failure (w, 0, NULL);
      return g_steal_pointer (&error);
    }

  w->info = g_new0 (XgbSessionInfo, 1);
  w->info->tls_version = g_strdup (probe->tls_version);
  w->info->cipher = g_strdup (probe->cipher);
  w->info->server_cert = g_steal_pointer (&probe->leaf);
  w->info->verify_error = probe->verified ? NULL : g_strdup (probe->verify_error);

  if (!probe->verified)
    {
      const XgbCertInfo *leaf = w->info->server_cert;

      if (leaf != NULL && xgb_login_params_has_pin (w->params, leaf->sha256))
        w->info->pinned = TRUE;
      else if (has_pins)
        {
          w->cert_changed = TRUE;
          return changed_error (leaf);
        }
      else
        return untrusted_error (w->info->verify_error, leaf);
    }

  if (probe->features == NULL)
    return g_error_new_literal (XGB_ERROR, XGB_ERROR_PROTOCOL,
                                _("The server sent no stream features after TLS."));
  offered = xgb_sasl_parse_mechanisms (probe->features, &error);
  if (offered == NULL)
    return g_steal_pointer (&error);
  w->info->offered = g_strdupv (offered);

  if (!xgb_sasl_check_policy ((const char * const *) offered, has_cert, has_password,
                              w->params->allow_weak_mechanisms, &error))
    return g_steal_pointer (&error);
  w->sasl_order = xgb_sasl_login_order ((const char * const *) offered, has_cert, has_password);

  /* With pins the password waits until the leaf is checked. */
  w->leaf_check = has_pins;

  return NULL;
}

static gboolean
cmd_connect (gpointer data)
{
  Command *c = data;
  Worker *w = c->w;
  g_autoptr(XgbJid) jid = NULL;
  const char *altdomain;
  unsigned short port;
  int rc;

  worker_release (w);

  g_clear_pointer (&w->params, xgb_login_params_free);
  w->params = g_steal_pointer (&c->params);
  w->generation = c->generation;
  w->timeout_ms = c->timeout_ms;
  w->work_limit_ms = c->work_ms;
  w->work_us = 0;
  w->work_exceeded = FALSE;
  w->auth_failed = w->tls_failed = w->tls_missing = w->socket_failed = w->cert_failed = FALSE;
  w->socket_error = 0;
  g_clear_pointer (&w->cert_error, g_free);
  g_clear_pointer (&w->cert, xgb_cert_info_free);
  g_clear_pointer (&w->info, xgb_session_info_free);
  g_clear_pointer (&w->sasl_order, g_strfreev);
  g_clear_pointer (&w->weak_refused, g_strfreev);
  w->weak_blocked = w->leaf_check = w->cert_provisional = w->cert_changed = FALSE;
  w->parse_error = w->parse_closed = FALSE;

  jid = xgb_jid_parse (w->params->jid, NULL);
  g_assert (jid != NULL);
  g_free (w->bare_jid);
  w->bare_jid = xgb_jid_to_bare (jid);
  g_free (w->domain);
  w->domain = g_strdup (xgb_jid_get_domain (jid));

  /* Certificate login: the app's own checks come first, with nothing on
   * the network yet, since ejabberd accepts some certificates it should
   * not (xgb-cert.c).  No password then: with one, libstrophe would fall
   * back to SCRAM silently when EXTERNAL fails. */
  if (w->params->cert_file != NULL)
    {
      GError *error = NULL;
      g_autoptr(XgbClientCert) client_cert = xgb_client_cert_preflight (w->params, NULL, NULL, &error);

      g_clear_pointer (&w->params->password, xgb_secret_free);
      if (client_cert == NULL)
        {
          Event *e = g_new0 (Event, 1);

          e->kind = EVENT_DISCONNECTED;
          e->error = error;
          worker_emit (w, e);
          return G_SOURCE_REMOVE;
        }
      g_free (w->params->key_file);
      w->params->key_file = g_strdup (xgb_client_cert_get_key_file (client_cert));
    }

  /* The deadline covers the probe and the DNS look-up too. */
  watchdog_arm (w, c->timeout_ms);
  {
    GError *error = worker_probe (w);

    if (error != NULL)
      {
        Event *e = g_new0 (Event, 1);

        e->kind = EVENT_DISCONNECTED;
        e->error = error;
        e->info = w->info ? xgb_session_info_copy (w->info) : NULL;
        worker_emit (w, e);
        worker_release (w);
        return G_SOURCE_REMOVE;
      }
  }

  w->log.handler = log_cb;
  w->log.userdata = w;
  w->xctx = xmpp_ctx_new (&wiping_mem, &w->log);
  if (xmpp_debug_enabled ())
    xmpp_ctx_set_verbosity (w->xctx, 3);
  w->xconn = xmpp_conn_new (w->xctx);
  xmpp_conn_set_flags (w->xconn, XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM);
  xmpp_conn_set_jid (w->xconn, w->params->jid);
  if (w->params->cert_file != NULL)
    xmpp_conn_set_client_cert (w->xconn, w->params->cert_file, w->params->key_file);
  if (w->params->password != NULL && !w->leaf_check)
    xmpp_conn_set_pass (w->xconn, w->params->password);
  if (w->params->ca_file != NULL)
    xmpp_conn_set_cafile (w->xconn, w->params->ca_file);
  xmpp_conn_set_certfail_handler (w->xconn, certfail_cb);
  xmpp_conn_set_sockopt_callback (w->xconn, sockopt_cb);
  xmpp_conn_set_password_callback (w->xconn, password_cb, w);

  altdomain = w->params->host;
  if (altdomain == NULL && w->params->port != 0)
    altdomain = w->domain;
  port = (unsigned short) w->params->port;

  rc = xmpp_connect_client (w->xconn, altdomain, port, conn_cb, w);
  if (rc != XMPP_EOK)
    {
      Event *e = g_new0 (Event, 1);

      e->kind = EVENT_DISCONNECTED;
      if (watchdog_fired (w))
        e->error = worker_failure (w, 0, NULL);
      else
        e->error = g_error_new (XGB_ERROR, XGB_ERROR_HOST_UNREACHABLE,
                                _("Cannot find or reach the server %s. Check the host name, or give the host and port under Server Options."),
                                altdomain ? altdomain : w->domain);
      worker_emit (w, e);
      worker_release (w);
      return G_SOURCE_REMOVE;
    }

  worker_set_tick (w, TICK_CONNECTING_MS);
  worker_drain (w);

  return G_SOURCE_REMOVE;
}

static gboolean
cmd_send (gpointer data)
{
  Command *c = data;
  Worker *w = c->w;
  xmpp_stanza_t *stanza;

  /* libstrophe may have dropped the stream already (it reports that
   * on a later run): sending then would write into a closed socket. */
  if (w->xconn == NULL || !w->connected || c->generation != w->generation ||
      !xmpp_conn_is_connected (w->xconn))
    {
      Event *e = g_new0 (Event, 1);

      e->kind = EVENT_IQ_SEND_FAILED;
      e->id = g_strdup (c->id);
      e->error = g_error_new_literal (XGB_ERROR, XGB_ERROR_NOT_CONNECTED,
                                      _("Not connected to the server."));
      worker_emit (w, e);
      return G_SOURCE_REMOVE;
    }

  stanza = xmpp_stanza_new_from_string (w->xctx, c->text);
  if (stanza == NULL)
    {
      Event *e = g_new0 (Event, 1);

      e->kind = EVENT_IQ_SEND_FAILED;
      e->id = g_strdup (c->id);
      e->error = g_error_new_literal (XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                                      _("The request is not well-formed XML; nothing was sent."));
      worker_emit (w, e);
      return G_SOURCE_REMOVE;
    }

  g_hash_table_insert (w->expected_from, g_strdup (c->id), g_strdup (c->to ? c->to : ""));
  xmpp_send (w->xconn, stanza);
  xmpp_stanza_release (stanza);
  worker_drain (w);

  return G_SOURCE_REMOVE;
}

static gboolean
cmd_send_message (gpointer data)
{
  Command *c = data;
  Worker *w = c->w;
  xmpp_stanza_t *stanza;

  if (w->xconn == NULL || !w->connected || c->generation != w->generation ||
      !xmpp_conn_is_connected (w->xconn))
    return G_SOURCE_REMOVE;

  stanza = xmpp_stanza_new_from_string (w->xctx, c->text);
  if (stanza == NULL)
    return G_SOURCE_REMOVE;
  xmpp_send (w->xconn, stanza);
  xmpp_stanza_release (stanza);
  worker_drain (w);

  return G_SOURCE_REMOVE;
}

static gboolean
cmd_forget (gpointer data)
{
  Command *c = data;

  g_hash_table_remove (c->w->expected_from, c->id);
  return G_SOURCE_REMOVE;
}

static gboolean
cmd_disconnect (gpointer data)
{
  Command *c = data;
  Worker *w = c->w;

  if (w->xconn == NULL)
    return G_SOURCE_REMOVE;

  /* Events of this generation are of no interest any more. */
  w->generation = c->generation;
  if (w->connected)
    {
      xmpp_disconnect (w->xconn);
      worker_drain (w);
    }
  if (w->xconn != NULL && !xmpp_conn_is_disconnected (w->xconn))
    {
      /* Still connecting, or the server does not close: cut it. */
      int fd = w->fd;

      if (fd >= 0)
        shutdown (fd, SHUT_RDWR);
      worker_drain (w);
    }
  if (w->xconn != NULL && xmpp_conn_is_disconnected (w->xconn))
    worker_release (w);

  return G_SOURCE_REMOVE;
}

static gboolean
cmd_stop (gpointer data)
{
  Command *c = data;

  cmd_disconnect (data);
  worker_release (c->w);
  g_main_loop_quit (c->w->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;

  g_main_context_push_thread_default (w->ctx);
  g_private_set (&current_worker, w);

  g_main_loop_run (w->loop);

  worker_release (w);
  /* Drop what is still queued (commands hold references). */
  while (g_main_context_iteration (w->ctx, FALSE))
    ;
  g_private_set (&current_worker, NULL);
  g_main_context_pop_thread_default (w->ctx);
  worker_unref (w);

  /* OpenSSL's per-thread state (its random generators) is otherwise
   * freed only by a thread-exit handler that may run after the process
   * has decided to exit. */
  OPENSSL_thread_stop ();

  g_mutex_lock (&workers_lock);
  workers_running--;
  g_cond_broadcast (&workers_cond);
  g_mutex_unlock (&workers_lock);

  return NULL;
}

static Worker *
worker_new (GObject      *owner,
            GMainContext *owner_ctx)
{
  Worker *w = g_new0 (Worker, 1);

  g_atomic_ref_count_init (&w->ref_count);
  w->ctx = g_main_context_new ();
  w->loop = g_main_loop_new (w->ctx, FALSE);
  w->owner_ctx = g_main_context_ref (owner_ctx);
  g_weak_ref_init (&w->owner, owner);
  w->expected_from = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w->fd = -1;
  g_mutex_init (&w->wd_lock);
  g_cond_init (&w->wd_cond);

  g_mutex_lock (&workers_lock);
  workers_running++;
  g_mutex_unlock (&workers_lock);

  /* The thread holds its own reference until it ends. */
  g_thread_unref (g_thread_new ("xgb-connection", worker_main, worker_ref (w)));

  return w;
}

/* ------------------------------------------------------------------ */
/* The owner side                                                      */
/* ------------------------------------------------------------------ */

typedef struct
{
  XgbConnection *self;    /* not a reference: requests die with it */
  char          *id;
  GTask         *task;
  GSource       *timeout;
  GSource       *cancel;
} Request;

struct _XgbConnection
{
  GObject             parent_instance;

  GMainContext       *owner_ctx;
  Worker             *worker;
  XgbLoginParams     *params;

  XgbConnectionState  state;
  GError             *error;
  char               *jid;
  char               *domain;
  guint               generation;
  guint               connect_timeout_ms;
  guint               iq_timeout_ms;
  guint               work_limit_ms;

  GTask              *connect_task;
  gulong              connect_cancel_id;
  GHashTable         *requests;   /* id -> Request */
  guint64             serial;
  XgbConnectionStats  stats;
  char                id_prefix[12];
  XgbSessionInfo     *info;
};

G_DEFINE_FINAL_TYPE (XgbConnection, xgb_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_JID,
  N_PROPS
};

enum {
  MESSAGE_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
request_free (gpointer data)
{
  Request *r = data;

  if (r->timeout != NULL)
    {
      g_source_destroy (r->timeout);
      g_source_unref (r->timeout);
    }
  if (r->cancel != NULL)
    {
      g_source_destroy (r->cancel);
      g_source_unref (r->cancel);
    }
  g_clear_object (&r->task);
  g_free (r->id);
  g_free (r);
}

/* Completes and forgets a request; the worker forgets it too. */
static void
request_finish (XgbConnection *self,
                const char    *id,
                xmlDoc        *doc,
                GError        *error,
                gboolean       tell_worker)
{
  Request *r = g_hash_table_lookup (self->requests, id);
  GTask *task;

  if (r == NULL)
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      g_clear_error (&error);
      return;
    }

  task = g_steal_pointer (&r->task);
  if (tell_worker)
    {
      Command *c = command_new (self->worker);

      c->id = g_strdup (id);
      worker_post (self->worker, cmd_forget, c, command_free);
    }
  g_hash_table_remove (self->requests, id);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, doc, (GDestroyNotify) xmlFreeDoc);
  g_object_unref (task);
}

static void
fail_all_requests (XgbConnection *self,
                   GQuark         domain,
                   int            code,
                   const char    *message)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->requests);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, g_strdup (key));

  for (guint i = 0; i < ids->len; i++)
    request_finish (self, ids->pdata[i], NULL,
                    g_error_new_literal (domain, code, message), FALSE);
}

/* The stream dropped: the requests that were written have an unknown
 * outcome.  Those the worker had not written yet stay until it refuses
 * them (EVENT_IQ_SEND_FAILED: not sent), so that the admin is not told
 * "may or may not" about a request that never left.  @sent: %NULL when
 * not known (then every request counts as written). */
static void
fail_sent_requests (XgbConnection      *self,
                    const char * const *sent)
{
  const char *message = _("The connection was lost while waiting for the answer; the server may or may not have "
                          "applied this request.");

  if (sent == NULL)
    {
      fail_all_requests (self, XGB_ERROR, XGB_ERROR_CONNECTION_LOST, message);
      return;
    }
  for (guint i = 0; sent[i] != NULL; i++)
    request_finish (self, sent[i], NULL, g_error_new_literal (XGB_ERROR, XGB_ERROR_CONNECTION_LOST, message),
                    FALSE);
}

static void
set_state (XgbConnection      *self,
           XgbConnectionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish_connect (XgbConnection *self,
                GError        *error)
{
  GTask *task = g_steal_pointer (&self->connect_task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (self->connect_cancel_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), self->connect_cancel_id);
      self->connect_cancel_id = 0;
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
owner_handle_event (gpointer data)
{
  Event *e = data;
  g_autoptr(XgbConnection) self = g_weak_ref_get (&e->owner);

  if (self == NULL)
    return G_SOURCE_REMOVE;

  switch (e->kind)
    {
    case EVENT_CONNECTED:
      if (e->generation != self->generation)
        break;
      g_clear_pointer (&self->info, xgb_session_info_free);
      self->info = g_steal_pointer (&e->info);
      g_free (self->jid);
      self->jid = g_steal_pointer (&e->jid);
      g_clear_error (&self->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JID]);
      set_state (self, XGB_CONNECTION_STATE_CONNECTED);
      finish_connect (self, NULL);
      break;

    case EVENT_DISCONNECTED:
      if (e->generation != self->generation)
        break;
      if (e->info != NULL)
        {
          g_clear_pointer (&self->info, xgb_session_info_free);
          self->info = g_steal_pointer (&e->info);
        }
      fail_sent_requests (self, (const char * const *) e->sent);
      g_clear_error (&self->error);
      if (e->error != NULL)
        {
          self->error = g_error_copy (e->error);
          set_state (self, XGB_CONNECTION_STATE_FAILED);
          finish_connect (self, g_steal_pointer (&e->error));
        }
      else
        {
          set_state (self, XGB_CONNECTION_STATE_DISCONNECTED);
          finish_connect (self, g_error_new_literal (XGB_ERROR, XGB_ERROR_CONNECTION_LOST,
                                                     _("The server closed the connection.")));
        }
      break;

    case EVENT_IQ_REPLY:
      self->stats.replies++;
      self->stats.bytes_received += e->bytes;
      if (e->doc != NULL && g_strcmp0 ((const char *) xmlDocGetRootElement (e->doc)->name, "iq") == 0)
        {
          xmlNode *root = xmlDocGetRootElement (e->doc);
          g_autofree char *type = xgb_xml_get_attr (root, "type");

          if (g_strcmp0 (type, "error") == 0)
            {
              GError *error = NULL;

              xgb_stanza_error_propagate (root, &error);
              request_finish (self, e->id, NULL, error, FALSE);
            }
          else
            request_finish (self, e->id, g_steal_pointer (&e->doc), NULL, FALSE);
        }
      else
        request_finish (self, e->id, NULL,
                        e->error ? g_steal_pointer (&e->error)
                                 : g_error_new_literal (XGB_ERROR, XGB_ERROR_PROTOCOL,
                                                        _("The server’s answer cannot be read.")),
                        FALSE);
      break;

    case EVENT_IQ_SEND_FAILED:
      request_finish (self, e->id, NULL, g_steal_pointer (&e->error), FALSE);
      break;

    case EVENT_MESSAGE:
      self->stats.bytes_received += e->bytes;
      if (e->generation == self->generation && e->doc != NULL)
        g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, xmlDocGetRootElement (e->doc));
      break;

    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

static void
xgb_connection_dispose (GObject *object)
{
  XgbConnection *self = XGB_CONNECTION (object);

  if (self->worker != NULL)
    {
      Command *c = command_new (self->worker);

      c->generation = ++self->generation;

      /* Unblock a handshake or probe in progress; the thread then ends
       * itself. */
      g_mutex_lock (&self->worker->wd_lock);
      if (self->state == XGB_CONNECTION_STATE_CONNECTING && self->worker->fd >= 0)
        shutdown (self->worker->fd, SHUT_RDWR);
      if (self->worker->probe_cancellable != NULL)
        g_cancellable_cancel (self->worker->probe_cancellable);
      self->worker->wanted_generation = self->generation;
      g_mutex_unlock (&self->worker->wd_lock);

      worker_post (self->worker, cmd_stop, c, command_free);
      g_clear_pointer (&self->worker, worker_unref);
    }

  if (self->requests != NULL)
    fail_all_requests (self, XGB_ERROR, XGB_ERROR_NOT_CONNECTED,
                       _("The connection was closed."));
  finish_connect (self, g_error_new_literal (XGB_ERROR, XGB_ERROR_NOT_CONNECTED,
                                             _("The connection was closed.")));

  G_OBJECT_CLASS (xgb_connection_parent_class)->dispose (object);
}

static void
xgb_connection_finalize (GObject *object)
{
  XgbConnection *self = XGB_CONNECTION (object);

  g_clear_pointer (&self->requests, g_hash_table_unref);
  g_clear_pointer (&self->params, xgb_login_params_free);
  g_clear_pointer (&self->info, xgb_session_info_free);
  g_clear_error (&self->error);
  g_free (self->jid);
  g_free (self->domain);
  g_main_context_unref (self->owner_ctx);

  G_OBJECT_CLASS (xgb_connection_parent_class)->finalize (object);
}

static void
xgb_connection_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  XgbConnection *self = XGB_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_JID:
      g_value_set_string (value, self->jid);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xgb_connection_class_init (XgbConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xgb_connection_dispose;
  object_class->finalize = xgb_connection_finalize;
  object_class->get_property = xgb_connection_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       XGB_TYPE_CONNECTION_STATE, XGB_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_JID] =
    g_param_spec_string ("jid", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XgbConnection::message-received:
   * @message: (type gpointer): the `<message>` stanza's xmlNode, valid
   *   during the emission only
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
xgb_connection_init (XgbConnection *self)
{
  self->owner_ctx = g_main_context_ref_thread_default ();
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, request_free);
  self->connect_timeout_ms = XGB_CONNECTION_CONNECT_TIMEOUT_MS;
  self->iq_timeout_ms = XGB_CONNECTION_IQ_TIMEOUT_MS;
  self->work_limit_ms = XGB_CONNECTION_STANZA_WORK_MS;
  g_snprintf (self->id_prefix, sizeof self->id_prefix, "xgb%08x", g_random_int ());
}

static gboolean
library_init (GError **error)
{
  static gsize once;

  if (!xgb_tls_init (error))
    return FALSE;

  if (g_once_init_enter (&once))
    {
      /* A server that closes the socket must not kill the app: libstrophe
       * and OpenSSL write with plain send()/write(). */
      signal (SIGPIPE, SIG_IGN);
      xmlInitParser ();
      xmpp_initialize ();
      g_once_init_leave (&once, 1);
    }

  return TRUE;
}

/**
 * xgb_connection_new:
 * @params: the login; must pass xgb_login_params_validate()
 *
 * The connection delivers its results on the thread-default main context
 * of the thread that calls this.
 */
XgbConnection *
xgb_connection_new (const XgbLoginParams *params)
{
  XgbConnection *self;
  g_autoptr(XgbJid) jid = NULL;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (params->jid != NULL, NULL);

  jid = xgb_jid_parse (params->jid, NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  self = g_object_new (XGB_TYPE_CONNECTION, NULL);
  self->params = xgb_login_params_copy (params);
  self->domain = g_strdup (xgb_jid_get_domain (jid));

  return self;
}

static gboolean
disconnect_cb (gpointer data)
{
  xgb_connection_disconnect (data);
  return G_SOURCE_REMOVE;
}

static void
connect_cancelled_cb (GCancellable  *cancellable,
                      XgbConnection *self)
{
  /* May run on any thread, and inside g_cancellable_cancel(), where
   * g_cancellable_disconnect() would deadlock: always defer to the
   * owner's loop. */
  post_to_context (self->owner_ctx, disconnect_cb, g_object_ref (self), g_object_unref,
                   "xgb-connect-cancelled");
}

void
xgb_connection_connect_async (XgbConnection       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Command *c;

  g_return_if_fail (XGB_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_connection_connect_async);

  if (!library_init (&error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!xgb_login_params_validate (self->params, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->connect_task != NULL || self->state == XGB_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_FAILED,
                               _("Already connected or connecting."));
      return;
    }

  if (self->worker == NULL)
    self->worker = worker_new (G_OBJECT (self), self->owner_ctx);

  self->connect_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    self->connect_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (connect_cancelled_cb),
                                                     self, NULL);
  g_clear_error (&self->error);
  set_state (self, XGB_CONNECTION_STATE_CONNECTING);

  c = command_new (self->worker);
  c->params = xgb_login_params_copy (self->params);
  c->generation = ++self->generation;
  c->timeout_ms = self->connect_timeout_ms;
  c->work_ms = self->work_limit_ms;
  g_clear_pointer (&self->info, xgb_session_info_free);
  g_mutex_lock (&self->worker->wd_lock);
  self->worker->wanted_generation = c->generation;
  g_mutex_unlock (&self->worker->wd_lock);
  worker_post (self->worker, cmd_connect, c, command_free);
}

gboolean
xgb_connection_connect_finish (XgbConnection  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xgb_connection_disconnect:
 *
 * Ends the session, or the login in progress.  Requests in flight fail
 * with %G_IO_ERROR_CANCELLED: the admin asked for it.
 */
void
xgb_connection_disconnect (XgbConnection *self)
{
  Command *c;

  g_return_if_fail (XGB_IS_CONNECTION (self));

  if (self->state != XGB_CONNECTION_STATE_CONNECTED &&
      self->state != XGB_CONNECTION_STATE_CONNECTING)
    return;

  c = command_new (self->worker);
  /* A new generation: whatever the worker still reports of the old
   * session is ignored. */
  c->generation = ++self->generation;

  /* A handshake or the probe blocks the worker; end them from here. */
  g_mutex_lock (&self->worker->wd_lock);
  if (self->state == XGB_CONNECTION_STATE_CONNECTING && self->worker->fd >= 0)
    shutdown (self->worker->fd, SHUT_RDWR);
  if (self->worker->probe_cancellable != NULL)
    g_cancellable_cancel (self->worker->probe_cancellable);
  self->worker->wanted_generation = c->generation;
  g_mutex_unlock (&self->worker->wd_lock);

  worker_post (self->worker, cmd_disconnect, c, command_free);

  fail_all_requests (self, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Logged out."));
  set_state (self, XGB_CONNECTION_STATE_DISCONNECTED);
  finish_connect (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             _("The login was cancelled.")));
}

static gboolean
request_timeout_cb (gpointer data)
{
  Request *r = data;
  XgbConnection *self = r->self;
  g_autofree char *id = g_strdup (r->id);

  g_clear_pointer (&r->timeout, g_source_unref);
  request_finish (self, id, NULL,
                  g_error_new (XGB_ERROR, XGB_ERROR_TIMEOUT,
                               _("The server did not answer within %u seconds."),
                               self->iq_timeout_ms / 1000),
                  TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
request_cancelled_cb (GCancellable *cancellable,
                      gpointer      data)
{
  Request *r = data;
  XgbConnection *self = r->self;
  g_autofree char *id = g_strdup (r->id);

  g_clear_pointer (&r->cancel, g_source_unref);
  request_finish (self, id, NULL,
                  g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled.")),
                  TRUE);
  return G_SOURCE_REMOVE;
}

/**
 * xgb_connection_send_iq_async:
 * @type: "get" or "set"
 * @to: (nullable): the addressee; %NULL for the own account
 * @payload: (nullable): the IQ's child element, well-formed XML
 *
 * Sends `<iq type to id>payload</iq>`; the result is the reply document
 * (its root is the `<iq type='result'>`).  An `<iq type='error'>` reply
 * fails in the %XGB_STANZA_ERROR domain.
 */
void
xgb_connection_send_iq_async (XgbConnection       *self,
                              const char          *type,
                              const char          *to,
                              const char          *payload,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *norm_to = NULL;
  g_autofree char *head = NULL;
  Request *r;
  Command *c;

  g_return_if_fail (XGB_IS_CONNECTION (self));
  g_return_if_fail (g_strcmp0 (type, "get") == 0 || g_strcmp0 (type, "set") == 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xgb_connection_send_iq_async);

  if (self->state != XGB_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_NOT_CONNECTED,
                               _("Not connected to the server."));
      return;
    }
  if (to != NULL && (norm_to = normalize_jid (to)) == NULL)
    {
      g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid JID; nothing was sent."), to);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  r = g_new0 (Request, 1);
  r->self = self;
  r->id = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, self->id_prefix, ++self->serial);
  r->task = g_steal_pointer (&task);

  r->timeout = g_timeout_source_new (self->iq_timeout_ms);
  g_source_set_static_name (r->timeout, "xgb-iq-timeout");
  g_source_set_callback (r->timeout, request_timeout_cb, r, NULL);
  g_source_attach (r->timeout, self->owner_ctx);
  if (cancellable != NULL)
    {
      r->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (r->cancel, (GSourceFunc) (void (*) (void)) request_cancelled_cb, r, NULL);
      g_source_attach (r->cancel, self->owner_ctx);
    }
  g_hash_table_insert (self->requests, r->id, r);

  if (norm_to != NULL)
    head = g_markup_printf_escaped ("<iq type='%s' id='%s' to='%s'>", type, r->id, norm_to);
  else
    head = g_markup_printf_escaped ("<iq type='%s' id='%s'>", type, r->id);

  c = command_new (self->worker);
  c->id = g_strdup (r->id);
  c->to = g_steal_pointer (&norm_to);
  c->generation = self->generation;
  c->text = g_strconcat (head, payload ? payload : "", "</iq>", NULL);
  self->stats.requests++;
  self->stats.bytes_sent += strlen (c->text);
  worker_post (self->worker, cmd_send, c, command_free);
}

/**
 * xgb_connection_send_message:
 * @to: the addressee
 * @payload: the message's children, well-formed XML
 *
 * Sends a `<message>`; messages have no answer, so this only fails when
 * it cannot even be sent.
 *
 * Returns: %FALSE with @error set when nothing was sent
 */
gboolean
xgb_connection_send_message (XgbConnection  *self,
                             const char     *to,
                             const char     *payload,
                             GError        **error)
{
  g_autofree char *norm_to = NULL;
  g_autofree char *head = NULL;
  g_autoptr(xmlDoc) check = NULL;
  Command *c;

  g_return_val_if_fail (XGB_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (to != NULL && payload != NULL, FALSE);

  if (self->state != XGB_CONNECTION_STATE_CONNECTED)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_NOT_CONNECTED, _("Not connected to the server."));
      return FALSE;
    }
  if ((norm_to = normalize_jid (to)) == NULL)
    {
      g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid JID; nothing was sent."), to);
      return FALSE;
    }

  head = g_markup_printf_escaped ("<message to='%s' id='%s-%" G_GUINT64_FORMAT "'>",
                                  norm_to, self->id_prefix, ++self->serial);
  c = command_new (self->worker);
  c->generation = self->generation;
  c->text = g_strconcat (head, payload, "</message>", NULL);
  check = xgb_xml_parse (c->text, strlen (c->text), NULL);
  if (check == NULL)
    {
      command_free (c);
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                           _("The message is not well-formed XML; nothing was sent."));
      return FALSE;
    }
  self->stats.bytes_sent += strlen (c->text);
  worker_post (self->worker, cmd_send_message, c, command_free);
  return TRUE;
}

xmlDoc *
xgb_connection_send_iq_finish (XgbConnection  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

XgbConnectionState
xgb_connection_get_state (XgbConnection *self)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), XGB_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const GError *
xgb_connection_get_error (XgbConnection *self)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), NULL);
  return self->error;
}

const char *
xgb_connection_get_jid (XgbConnection *self)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), NULL);
  return self->jid;
}

const char *
xgb_connection_get_domain (XgbConnection *self)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), NULL);
  return self->domain;
}

const XgbLoginParams *
xgb_connection_get_params (XgbConnection *self)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), NULL);
  return self->params;
}

/**
 * xgb_connection_get_stats:
 *
 * What this connection sent and received since it was made: IQ requests,
 * replies, and the bytes of their XML (TLS and stream framing not
 * counted).
 */
const XgbConnectionStats *
xgb_connection_get_stats (XgbConnection *self)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), NULL);
  return &self->stats;
}

/**
 * xgb_connection_get_session_info:
 *
 * How the last login went: mechanism, TLS, the server's certificate.
 * After a failed login it holds what was learnt before the failure, e.g.
 * the certificate that did not verify (for the trust dialog).
 *
 * Returns: (nullable): %NULL before the probe told anything
 */
const XgbSessionInfo *
xgb_connection_get_session_info (XgbConnection *self)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), NULL);
  return self->info;
}

XgbSessionInfo *
xgb_session_info_copy (const XgbSessionInfo *info)
{
  XgbSessionInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (XgbSessionInfo, 1);
  copy->mechanism = g_strdup (info->mechanism);
  copy->offered = g_strdupv (info->offered);
  copy->tls_version = g_strdup (info->tls_version);
  copy->cipher = g_strdup (info->cipher);
  copy->server_cert = info->server_cert ? xgb_cert_info_new_from_pem (info->server_cert->pem, NULL) : NULL;
  copy->verify_error = g_strdup (info->verify_error);
  copy->pinned = info->pinned;
  return copy;
}

void
xgb_session_info_free (XgbSessionInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->mechanism);
  g_strfreev (info->offered);
  g_free (info->tls_version);
  g_free (info->cipher);
  xgb_cert_info_free (info->server_cert);
  g_free (info->verify_error);
  g_free (info);
}

guint
xgb_connection_get_n_pending (XgbConnection *self)
{
  g_return_val_if_fail (XGB_IS_CONNECTION (self), 0);
  return g_hash_table_size (self->requests);
}

/**
 * xgb_connection_wait_for_threads:
 * @timeout_ms: how long to wait at most
 *
 * Waits until the connection threads of finalized connections have
 * closed their streams and ended, e.g. before the process exits.
 *
 * Returns: %TRUE when none is left
 */
gboolean
xgb_connection_wait_for_threads (guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean done;

  g_mutex_lock (&workers_lock);
  while (workers_running > 0)
    if (!g_cond_wait_until (&workers_cond, &workers_lock, deadline))
      break;
  done = workers_running == 0;
  g_mutex_unlock (&workers_lock);

  return done;
}

void
xgb_connection_set_connect_timeout (XgbConnection *self,
                                    guint          timeout_ms)
{
  g_return_if_fail (XGB_IS_CONNECTION (self));
  self->connect_timeout_ms = MAX (timeout_ms, 100);
}

void
xgb_connection_set_iq_timeout (XgbConnection *self,
                               guint          timeout_ms)
{
  g_return_if_fail (XGB_IS_CONNECTION (self));
  self->iq_timeout_ms = MAX (timeout_ms, 10);
}

/**
 * xgb_connection_set_stanza_work_limit:
 * @limit_ms: how long reading one stanza may take, from the next login
 *
 * A stanza that costs more (libstrophe reads some shapes of very large
 * stanzas in quadratic time) closes the connection with
 * %XGB_ERROR_CONNECTION_LOST instead of holding every request up.
 */
void
xgb_connection_set_stanza_work_limit (XgbConnection *self,
                                      guint          limit_ms)
{
  g_return_if_fail (XGB_IS_CONNECTION (self));
  self->work_limit_ms = MAX (limit_ms, 100);
}
