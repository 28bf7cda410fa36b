/* xgb-audit.c - the audit trail: who changed what on the Broker
 *
 * Story 1.6.  Every change the core reports through its "change" hook
 * (create, configure, delete, purge, publish, retract, affiliations,
 * subscriptions, approvals, membership) becomes an entry: time,
 * account, Broker, action, target, parameters, result.  Entries go to a
 * local log — JSON Lines, one object per line, in a 0600 file in a 0700
 * folder under the user's state directory — and, when the admin names
 * an audit topic, are also published there, so that every admin of the
 * grid sees what the others did.
 *
 * The published payload (namespace urn:xmpp-grid-broker:audit:1):
 *
 *   <entry xmlns='urn:xmpp-grid-broker:audit:1'>
 *     <time>2026-11-26T15:04:05.123456Z</time>   ISO 8601, UTC
 *     <account>admin@grid.example/desk</account>
 *     <service>pubsub.grid.example</service>
 *     <action>affiliations</action>
 *     <target>sacm/ipsec/host-0042</target>   optional
 *     <parameters>bob@grid.example=owner</parameters>   optional
 *     <result>ok</result>                    or the error's message
 *   </entry>
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-audit"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "xgb-audit.h"
#include "xgb-error.h"
#include "xgb-xml.h"

/* --- entries -------------------------------------------------------- */

void
xgb_audit_entry_free (XgbAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_pointer (&entry->time, g_date_time_unref);
  g_free (entry->account);
  g_free (entry->service);
  g_free (entry->action);
  g_free (entry->target);
  g_free (entry->parameters);
  g_free (entry->result);
  g_free (entry);
}

XgbAuditEntry *
xgb_audit_entry_copy (const XgbAuditEntry *entry)
{
  XgbAuditEntry *copy = g_new0 (XgbAuditEntry, 1);

  copy->time = entry->time ? g_date_time_ref (entry->time) : NULL;
  copy->account = g_strdup (entry->account);
  copy->service = g_strdup (entry->service);
  copy->action = g_strdup (entry->action);
  copy->target = g_strdup (entry->target);
  copy->parameters = g_strdup (entry->parameters);
  copy->result = g_strdup (entry->result);
  return copy;
}

XgbAuditEntry *
xgb_audit_entry_new_from_change (const XgbPubsubChange *change)
{
  XgbAuditEntry *entry = g_new0 (XgbAuditEntry, 1);

  entry->time = g_date_time_new_now_utc ();
  entry->account = g_strdup (change->account);
  entry->service = g_strdup (change->service);
  entry->action = g_strdup (change->action);
  entry->target = g_strdup (change->node);
  entry->parameters = g_strdup (change->detail);
  entry->result = g_strdup (change->error ? change->error->message : "ok");
  return entry;
}

gboolean
xgb_audit_entry_ok (const XgbAuditEntry *entry)
{
  return g_strcmp0 (entry->result, "ok") == 0;
}

/* Case-insensitive: any field holds @text */
gboolean
xgb_audit_entry_matches (const XgbAuditEntry *entry,
                         const char          *text)
{
  const char *fields[] = { entry->account, entry->service, entry->action, entry->target, entry->parameters,
                           entry->result };
  g_autofree char *needle = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *hay = fields[i] ? g_utf8_casefold (fields[i], -1) : NULL;

      if (hay != NULL && strstr (hay, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  /* microseconds: entries of the same second keep their order */
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* --- JSON Lines ----------------------------------------------------- */

static void
json_string (GString    *out,
             const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

char *
xgb_audit_entry_to_json (const XgbAuditEntry *entry)
{
  GString *out = g_string_new ("{");
  g_autofree char *time = entry->time ? format_time (entry->time) : NULL;
  struct { const char *key; const char *value; } fields[] = {
    { "time", time }, { "account", entry->account }, { "service", entry->service },
    { "action", entry->action }, { "target", entry->target }, { "parameters", entry->parameters },
    { "result", entry->result },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      json_string (out, fields[i].key);
      g_string_append_c (out, ':');
      json_string (out, fields[i].value);
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* An entry's time as the log or a payload gives it.  The app writes
 * none before 1970, and one near the ends of GDateTime's range (years 1
 * and 9999) has no UTC or local form to write or show it in. */
static GDateTime *
read_time (const char *text)
{
  GDateTime *time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (time != NULL && (g_date_time_get_year (time) < 1970 || g_date_time_get_year (time) > 9998))
    g_clear_pointer (&time, g_date_time_unref);
  return time;
}

static void
skip_space (const char **p)
{
  while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
    (*p)++;
}

static gboolean
read_hex4 (const char **p,
           gunichar    *out)
{
  *out = 0;
  for (guint i = 0; i < 4; i++)
    {
      int v = g_ascii_xdigit_value ((*p)[i]);

      if (v < 0)
        return FALSE;
      *out = *out * 16 + (gunichar) v;
    }
  *p += 4;
  return TRUE;
}

/* A JSON string at *p (after skipping space); NULL for null or an error */
static gboolean
read_string (const char **p,
             char       **out)
{
  g_autoptr(GString) s = NULL;

  *out = NULL;
  skip_space (p);
  if (g_str_has_prefix (*p, "null"))
    {
      *p += 4;
      return TRUE;
    }
  if (**p != '"')
    return FALSE;
  (*p)++;
  s = g_string_new (NULL);
  while (**p != '"')
    {
      if (**p == '\0' || (guchar) **p < 0x20)
        return FALSE;
      if (**p != '\\')
        {
          g_string_append_c (s, **p);
          (*p)++;
          continue;
        }
      (*p)++;
      switch (**p)
        {
        case '"': g_string_append_c (s, '"'); break;
        case '\\': g_string_append_c (s, '\\'); break;
        case '/': g_string_append_c (s, '/'); break;
        case 'b': g_string_append_c (s, '\b'); break;
        case 'f': g_string_append_c (s, '\f'); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          {
            gunichar c;

            (*p)++;
            if (!read_hex4 (p, &c))
              return FALSE;
            if (c >= 0xD800 && c < 0xDC00)
              {
                gunichar low;

                if ((*p)[0] != '\\' || (*p)[1] != 'u')
                  return FALSE;
                *p += 2;
                if (!read_hex4 (p, &low) || low < 0xDC00 || low > 0xDFFF)
                  return FALSE;
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
              }
            else if (c >= 0xDC00 && c < 0xE000)
              return FALSE;
            if (c == 0)
              return FALSE;
            g_string_append_unichar (s, c);
            continue;
          }
        default:
          return FALSE;
        }
      (*p)++;
    }
  (*p)++;
  if (!g_utf8_validate (s->str, (gssize) s->len, NULL))
    return FALSE;
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

/**
 * xgb_audit_entry_from_json:
 * @line: one line of the log
 *
 * Reads what xgb_audit_entry_to_json() wrote: one flat object of
 * strings (and nulls); unknown keys are skipped.
 */
XgbAuditEntry *
xgb_audit_entry_from_json (const char  *line,
                           GError     **error)
{
  g_autoptr(XgbAuditEntry) entry = g_new0 (XgbAuditEntry, 1);
  const char *p = line;
  gboolean first = TRUE;

  skip_space (&p);
  if (*p != '{')
    goto bad;
  p++;
  for (;;)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      skip_space (&p);
      if (*p == '}' && first)
        {
          p++;
          break;
        }
      if (!read_string (&p, &key) || key == NULL)
        goto bad;
      skip_space (&p);
      if (*p != ':')
        goto bad;
      p++;
      if (!read_string (&p, &value))
        goto bad;

      if (g_str_equal (key, "time") && value != NULL)
        {
          g_clear_pointer (&entry->time, g_date_time_unref);
          entry->time = read_time (value);
          if (entry->time == NULL)
            goto bad;
        }
      else
        {
          char **field = g_str_equal (key, "account") ? &entry->account
                         : g_str_equal (key, "service") ? &entry->service
                         : g_str_equal (key, "action") ? &entry->action
                         : g_str_equal (key, "target") ? &entry->target
                         : g_str_equal (key, "parameters") ? &entry->parameters
                         : g_str_equal (key, "result") ? &entry->result
                         : NULL;

          if (field != NULL)
            {
              g_free (*field);
              *field = g_steal_pointer (&value);
            }
        }

      first = FALSE;
      skip_space (&p);
      if (*p == ',')
        {
          p++;
          continue;
        }
      if (*p == '}')
        {
          p++;
          break;
        }
      goto bad;
    }
  skip_space (&p);
  if (*p != '\0' || entry->time == NULL || entry->action == NULL)
    goto bad;
  return g_steal_pointer (&entry);

bad:
  g_set_error_literal (error, XGB_ERROR, XGB_ERROR_FILE, _("Not an audit entry."));
  return NULL;
}

/* --- the published payload ------------------------------------------ */

/* XML 1.0 cannot carry most control characters, nor U+FFFE and U+FFFF */
static char *
xml_safe (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
        g_string_append_c (out, '?');
      else if ((guchar) p[0] == 0xEF && (guchar) p[1] == 0xBF && ((guchar) p[2] == 0xBE || (guchar) p[2] == 0xBF))
        {
          g_string_append_c (out, '?');
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
xgb_audit_entry_to_xml (const XgbAuditEntry *entry)
{
  GString *out = g_string_new ("<entry xmlns='" XGB_NS_AUDIT "'>");
  g_autofree char *time = entry->time ? format_time (entry->time) : NULL;
  struct { const char *name; const char *value; } fields[] = {
    { "time", time }, { "account", entry->account }, { "service", entry->service },
    { "action", entry->action }, { "target", entry->target }, { "parameters", entry->parameters },
    { "result", entry->result },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *safe = NULL;
      g_autofree char *escaped = NULL;

      if (fields[i].value == NULL)
        continue;
      safe = xml_safe (fields[i].value);
      escaped = g_markup_escape_text (safe, -1);
      g_string_append_printf (out, "<%s>%s</%s>", fields[i].name, escaped, fields[i].name);
    }
  g_string_append (out, "</entry>");
  return g_string_free (out, FALSE);
}

XgbAuditEntry *
xgb_audit_entry_from_xml (const char  *payload,
                          GError     **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;
  g_autoptr(XgbAuditEntry) entry = NULL;
  g_autofree char *time = NULL;

  doc = payload ? xgb_xml_parse (payload, strlen (payload), NULL) : NULL;
  root = doc ? xmlDocGetRootElement (doc) : NULL;
  if (!xgb_xml_is (root, "entry", XGB_NS_AUDIT))
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL, _("Not an audit entry."));
      return NULL;
    }

  entry = g_new0 (XgbAuditEntry, 1);
  time = xgb_xml_get_text (xgb_xml_child (root, "time", XGB_NS_AUDIT));
  entry->time = read_time (time);
  entry->account = xgb_xml_get_text (xgb_xml_child (root, "account", XGB_NS_AUDIT));
  entry->service = xgb_xml_get_text (xgb_xml_child (root, "service", XGB_NS_AUDIT));
  entry->action = xgb_xml_get_text (xgb_xml_child (root, "action", XGB_NS_AUDIT));
  entry->target = xgb_xml_get_text (xgb_xml_child (root, "target", XGB_NS_AUDIT));
  entry->parameters = xgb_xml_get_text (xgb_xml_child (root, "parameters", XGB_NS_AUDIT));
  entry->result = xgb_xml_get_text (xgb_xml_child (root, "result", XGB_NS_AUDIT));
  if (entry->time == NULL || entry->action == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL, _("An audit entry without a time or an action."));
      return NULL;
    }
  return g_steal_pointer (&entry);
}

/* --- the local log -------------------------------------------------- */

struct _XgbAuditLog
{
  GObject      parent_instance;

  char        *path;
  GThreadPool *pool;      /* one thread: appends stay in order */
  GMutex       lock;
  GCond        idle;
  guint        queued;
  GError      *error;     /* the last append that failed */
};

G_DEFINE_FINAL_TYPE (XgbAuditLog, xgb_audit_log, G_TYPE_OBJECT)

static gboolean
ensure_folder (const char  *path,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0 || g_chmod (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot make the folder %s: %s"),
                   dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
append_line (const char  *path,
             const char  *line,
             GError     **error)
{
  g_autofree char *with_newline = g_strconcat (line, "\n", NULL);
  gsize left = strlen (with_newline);
  const char *p = with_newline;
  int fd;

  if (!ensure_folder (path, error))
    return FALSE;
  fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot open the audit log %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  (void) fchmod (fd, 0600);
  while (left > 0)
    {
      ssize_t n = write (fd, p, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write the audit log %s: %s"),
                       path, g_strerror (saved));
          close (fd);
          return FALSE;
        }
      p += n;
      left -= (gsize) n;
    }
  close (fd);
  return TRUE;
}

static void
append_in_thread (gpointer data,
                  gpointer user_data)
{
  g_autofree char *line = data;
  XgbAuditLog *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!append_line (self->path, line, &error))
    g_warning ("%s", error->message);

  g_mutex_lock (&self->lock);
  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
    }
  self->queued--;
  g_cond_broadcast (&self->idle);
  g_mutex_unlock (&self->lock);
}

static void
xgb_audit_log_finalize (GObject *object)
{
  XgbAuditLog *self = XGB_AUDIT_LOG (object);

  /* Waits for the appends still queued */
  g_thread_pool_free (self->pool, FALSE, TRUE);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->idle);
  g_clear_error (&self->error);
  g_free (self->path);

  G_OBJECT_CLASS (xgb_audit_log_parent_class)->finalize (object);
}

static void
xgb_audit_log_class_init (XgbAuditLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xgb_audit_log_finalize;
}

static void
xgb_audit_log_init (XgbAuditLog *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->idle);
  self->pool = g_thread_pool_new (append_in_thread, self, 1, FALSE, NULL);
}

XgbAuditLog *
xgb_audit_log_new (const char *path)
{
  XgbAuditLog *self = g_object_new (XGB_TYPE_AUDIT_LOG, NULL);

  self->path = g_strdup (path);
  return self;
}

/* $XDG_STATE_HOME/xgb-broker/audit.jsonl */
char *
xgb_audit_log_default_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "xgb-broker", "audit.jsonl", NULL);
}

/**
 * xgb_audit_log_get_default:
 *
 * Returns: (transfer none): the log of this user, shared by the app's
 *   windows
 */
XgbAuditLog *
xgb_audit_log_get_default (void)
{
  static XgbAuditLog *log;

  if (g_once_init_enter (&log))
    {
      g_autofree char *path = xgb_audit_log_default_path ();

      g_once_init_leave (&log, xgb_audit_log_new (path));
    }
  return log;
}

const char *
xgb_audit_log_get_path (XgbAuditLog *self)
{
  g_return_val_if_fail (XGB_IS_AUDIT_LOG (self), NULL);
  return self->path;
}

/* Queues @entry: it is written in order, off the calling thread */
void
xgb_audit_log_append (XgbAuditLog         *self,
                      const XgbAuditEntry *entry)
{
  g_return_if_fail (XGB_IS_AUDIT_LOG (self));

  g_mutex_lock (&self->lock);
  self->queued++;
  g_mutex_unlock (&self->lock);
  g_thread_pool_push (self->pool, xgb_audit_entry_to_json (entry), NULL);
}

/**
 * xgb_audit_log_flush:
 *
 * Waits until every queued entry is written (before exiting, and in
 * tests).
 *
 * Returns: %FALSE with @error when an append failed since the last flush
 */
gboolean
xgb_audit_log_flush (XgbAuditLog  *self,
                     GError      **error)
{
  gboolean ok;

  g_return_val_if_fail (XGB_IS_AUDIT_LOG (self), FALSE);

  g_mutex_lock (&self->lock);
  while (self->queued > 0)
    g_cond_wait (&self->idle, &self->lock);
  ok = self->error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&self->error));
  g_mutex_unlock (&self->lock);
  return ok;
}

typedef struct
{
  GPtrArray *entries;
  guint      n_bad;
} ReadResult;

static void
read_result_free (ReadResult *r)
{
  g_clear_pointer (&r->entries, g_ptr_array_unref);
  g_free (r);
}

static void
read_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  XgbAuditLog *self = source;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  ReadResult *r;

  xgb_audit_log_flush (self, NULL);
  r = g_new0 (ReadResult, 1);
  r->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_audit_entry_free);
  if (!g_file_get_contents (self->path, &contents, NULL, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          read_result_free (r);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_task_return_pointer (task, r, (GDestroyNotify) read_result_free);
      return;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      XgbAuditEntry *entry;

      if (*lines[i] == '\0')
        continue;
      entry = xgb_audit_entry_from_json (lines[i], NULL);
      if (entry == NULL)
        r->n_bad++;
      else
        g_ptr_array_add (r->entries, entry);
    }
  g_task_return_pointer (task, r, (GDestroyNotify) read_result_free);
}

void
xgb_audit_log_read_async (XgbAuditLog         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, xgb_audit_log_read_async);
  g_task_run_in_thread (task, read_in_thread);
}

GPtrArray *
xgb_audit_log_read_finish (XgbAuditLog   *self,
                           GAsyncResult  *result,
                           guint         *n_bad,
                           GError       **error)
{
  ReadResult *r;
  GPtrArray *entries;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  if (n_bad != NULL)
    *n_bad = r->n_bad;
  entries = g_steal_pointer (&r->entries);
  read_result_free (r);
  return entries;
}

/* --- the auditor ---------------------------------------------------- */

struct _XgbAuditor
{
  GObject           parent_instance;

  XgbPubsubService *service;
  XgbAuditLog      *log;
  char             *topic;
  gulong            change_id;
  guint             n_pending;
  GError           *publish_error;
};

G_DEFINE_FINAL_TYPE (XgbAuditor, xgb_auditor, G_TYPE_OBJECT)

static void
published_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XgbAuditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = xgb_pubsub_service_publish_finish (XGB_PUBSUB_SERVICE (object), result, &error);

  self->n_pending--;
  if (id == NULL)
    {
      g_warning ("audit entry not published to %s: %s", self->topic, error->message);
      g_clear_error (&self->publish_error);
      self->publish_error = g_steal_pointer (&error);
    }
}

static void
change_cb (XgbPubsubService      *service,
           const XgbPubsubChange *change,
           XgbAuditor            *self)
{
  g_autoptr(XgbAuditEntry) entry = NULL;

  /* Our own publishing to the audit topic is not a change to audit */
  if (self->topic != NULL && g_strcmp0 (change->node, self->topic) == 0 &&
      g_strcmp0 (change->action, "publish") == 0)
    return;

  entry = xgb_audit_entry_new_from_change (change);
  xgb_audit_log_append (self->log, entry);

  if (self->topic != NULL)
    {
      g_autofree char *payload = xgb_audit_entry_to_xml (entry);

      self->n_pending++;
      xgb_pubsub_service_publish_async (service, self->topic, NULL, payload, NULL, published_cb,
                                        g_object_ref (self));
    }
}

static void
xgb_auditor_dispose (GObject *object)
{
  XgbAuditor *self = XGB_AUDITOR (object);

  if (self->service != NULL)
    g_clear_signal_handler (&self->change_id, self->service);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (xgb_auditor_parent_class)->dispose (object);
}

static void
xgb_auditor_finalize (GObject *object)
{
  XgbAuditor *self = XGB_AUDITOR (object);

  g_clear_object (&self->log);
  g_free (self->topic);
  g_clear_error (&self->publish_error);

  G_OBJECT_CLASS (xgb_auditor_parent_class)->finalize (object);
}

static void
xgb_auditor_class_init (XgbAuditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xgb_auditor_dispose;
  object_class->finalize = xgb_auditor_finalize;
}

static void
xgb_auditor_init (XgbAuditor *self)
{
}

/**
 * xgb_auditor_new:
 * @topic: (nullable): the audit topic on the Broker, or %NULL for the
 *   local log only
 */
XgbAuditor *
xgb_auditor_new (XgbPubsubService *service,
                 XgbAuditLog      *log,
                 const char       *topic)
{
  XgbAuditor *self;

  g_return_val_if_fail (XGB_IS_PUBSUB_SERVICE (service), NULL);
  g_return_val_if_fail (XGB_IS_AUDIT_LOG (log), NULL);

  self = g_object_new (XGB_TYPE_AUDITOR, NULL);
  self->service = g_object_ref (service);
  self->log = g_object_ref (log);
  self->topic = topic && *topic ? g_strdup (topic) : NULL;
  self->change_id = g_signal_connect (service, "change", G_CALLBACK (change_cb), self);
  return self;
}

const char *
xgb_auditor_get_topic (XgbAuditor *self)
{
  g_return_val_if_fail (XGB_IS_AUDITOR (self), NULL);
  return self->topic;
}

/* Entries still being published */
guint
xgb_auditor_get_n_pending (XgbAuditor *self)
{
  g_return_val_if_fail (XGB_IS_AUDITOR (self), 0);
  return self->n_pending;
}

const GError *
xgb_auditor_get_publish_error (XgbAuditor *self)
{
  g_return_val_if_fail (XGB_IS_AUDITOR (self), NULL);
  return self->publish_error;
}
