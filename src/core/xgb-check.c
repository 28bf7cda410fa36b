/* xgb-check.c - the Controller check: what the grid needs, and what this
 * Controller offers
 *
 * Stories 11.1, 11.2 and 1.4: from the Broker's disco#info and what the
 * login saw (TLS version, cipher, SASL mechanisms), a table of what the
 * app relies on, each row marked required, recommended or optional,
 * with what the app disables where it is missing; and the draft's
 * security checks (draft-ietf-mile-xmpp-grid: TLS, strong
 * authentication, access models that do not leak security data).
 * Nothing is guessed: what is not known yet says so.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-check"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "xgb-check.h"

#define SCAN_IN_FLIGHT 4

void
xgb_check_row_free (XgbCheckRow *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->title);
  g_free (row->detail);
  g_free (row->effect);
  g_free (row);
}

const char *
xgb_check_level_to_string (XgbCheckLevel level)
{
  switch (level)
    {
    case XGB_CHECK_REQUIRED:
      return _("Required");
    case XGB_CHECK_RECOMMENDED:
      return _("Recommended");
    case XGB_CHECK_OPTIONAL:
    default:
      return _("Optional");
    }
}

const char *
xgb_check_status_to_string (XgbCheckStatus status)
{
  switch (status)
    {
    case XGB_CHECK_PASS:
      return _("Passes");
    case XGB_CHECK_WARN:
      return _("Warning");
    case XGB_CHECK_FAIL:
      return _("Fails");
    case XGB_CHECK_UNKNOWN:
    default:
      return _("Not known yet");
    }
}

static XgbCheckRow *
add_row (GPtrArray      *rows,
         XgbCheckGroup   group,
         const char     *id,
         const char     *title,
         XgbCheckLevel   level,
         XgbCheckStatus  status,
         char           *detail,     /* taken */
         const char     *effect)
{
  XgbCheckRow *row = g_new0 (XgbCheckRow, 1);

  row->group = group;
  row->id = g_strdup (id);
  row->title = g_strdup (title);
  row->level = level;
  row->status = status;
  row->detail = detail;
  row->effect = g_strdup (effect);
  g_ptr_array_add (rows, row);
  return row;
}

/* --- what the app relies on ----------------------------------------- */

typedef struct
{
  XgbPubsubCaps  cap;
  const char    *feature;
  XgbCheckLevel  level;
  const char    *effect;   /* what the app disables without it */
  gboolean       tried;    /* servers do it without advertising it
                              (Prosody): the app tries anyway */
} FeatureNeed;

static const FeatureNeed feature_needs[] = {
  { XGB_PUBSUB_CAP_CREATE_NODES, "create-nodes", XGB_CHECK_REQUIRED,
    N_("New topics and collections cannot be created (Ctrl+N is off).") },
  { XGB_PUBSUB_CAP_CONFIG_NODE, "config-node", XGB_CHECK_REQUIRED,
    N_("The Configuration tab is read-only or empty.") },
  { XGB_PUBSUB_CAP_DELETE_NODES, "delete-nodes", XGB_CHECK_REQUIRED,
    N_("Topics and collections cannot be deleted.") },
  { XGB_PUBSUB_CAP_PURGE_NODES, "purge-nodes", XGB_CHECK_RECOMMENDED,
    N_("Purge All on the Items tab is off.") },
  { XGB_PUBSUB_CAP_RETRACT_ITEMS, "retract-items", XGB_CHECK_RECOMMENDED,
    N_("Items cannot be deleted one by one or by filter.") },
  { XGB_PUBSUB_CAP_RETRIEVE_ITEMS, "retrieve-items", XGB_CHECK_REQUIRED,
    N_("The Items tab cannot list persisted items.") },
  { XGB_PUBSUB_CAP_PERSISTENT_ITEMS, "persistent-items", XGB_CHECK_RECOMMENDED,
    N_("Topics may keep no items: the Items tab may stay empty.") },
  { XGB_PUBSUB_CAP_MANAGE_SUBSCRIPTIONS, "manage-subscriptions", XGB_CHECK_REQUIRED,
    N_("The app still lists and changes subscribers (some servers do without advertising it); a refusal is "
       "reported where it happens."), TRUE },
  { XGB_PUBSUB_CAP_MODIFY_AFFILIATIONS, "modify-affiliations", XGB_CHECK_REQUIRED,
    N_("Affiliations cannot be changed: no Providers, Consumers or other administrators can be set.") },
  { XGB_PUBSUB_CAP_RETRIEVE_SUBSCRIPTIONS, "retrieve-subscriptions", XGB_CHECK_RECOMMENDED,
    N_("The Subscribers tab may stay empty.") },
  { XGB_PUBSUB_CAP_RETRIEVE_AFFILIATIONS, "retrieve-affiliations", XGB_CHECK_RECOMMENDED,
    N_("Whether you may administer a node is not known in advance.") },
  { XGB_PUBSUB_CAP_GET_PENDING, "get-pending", XGB_CHECK_RECOMMENDED,
    N_("The Pending Requests inbox and the pending part of the Subscribers tab say they are not supported.") },
  { XGB_PUBSUB_CAP_ACCESS_WHITELIST, "access-whitelist", XGB_CHECK_REQUIRED,
    N_("The app still offers the whitelist model (some servers accept it without advertising it); creating "
       "a topic tells whether it is refused."), TRUE },
  { XGB_PUBSUB_CAP_ACCESS_AUTHORIZE, "access-authorize", XGB_CHECK_RECOMMENDED,
    N_("Consumers cannot ask for approval: only the whitelist model is offered.") },
  { XGB_PUBSUB_CAP_PUBLISHER_AFFILIATION, "publisher-affiliation", XGB_CHECK_RECOMMENDED,
    N_("Providers cannot be made publishers without making them owners.") },
  { XGB_PUBSUB_CAP_SUBSCRIPTION_OPTIONS, "subscription-options", XGB_CHECK_OPTIONAL,
    N_("Options… on the Subscribers tab is off.") },
  { XGB_PUBSUB_CAP_RETRIEVE_DEFAULT, "retrieve-default", XGB_CHECK_OPTIONAL,
    N_("The create dialog cannot show the full default configuration.") },
  { XGB_PUBSUB_CAP_CREATE_AND_CONFIGURE, "create-and-configure", XGB_CHECK_RECOMMENDED,
    N_("A new topic is created first and configured after, briefly with the server's defaults.") },
  { XGB_PUBSUB_CAP_PUBLISH, "publish", XGB_CHECK_REQUIRED,
    N_("Providers cannot publish: the grid cannot carry anything.") },
  { XGB_PUBSUB_CAP_SUBSCRIBE, "subscribe", XGB_CHECK_REQUIRED,
    N_("Consumers cannot subscribe: the grid cannot carry anything.") },
};

static void
protocol_rows (const XgbCheckInput *in,
               GPtrArray           *rows)
{
  const XgbDiscoInfo *info = in->info;
  gboolean pubsub_identity = xgb_disco_info_has_identity (info, "pubsub", "service");

  add_row (rows, XGB_CHECK_GROUP_PROTOCOL, "xep-0030", _("XEP-0030 Service Discovery"), XGB_CHECK_REQUIRED,
           pubsub_identity ? XGB_CHECK_PASS : XGB_CHECK_WARN,
           pubsub_identity ? g_strdup (_("Answers disco#info as a publish-subscribe service."))
                           : g_strdup (_("Answers disco#info, but names no publish-subscribe identity.")),
           NULL);

  {
    gboolean forms = xgb_disco_info_has_feature (info, "jabber:x:data") ||
                     xgb_disco_info_has_feature (info, XGB_NS_PUBSUB "#config-node");

    add_row (rows, XGB_CHECK_GROUP_PROTOCOL, "xep-0004", _("XEP-0004 Data Forms"), XGB_CHECK_REQUIRED,
             forms ? XGB_CHECK_PASS : XGB_CHECK_UNKNOWN,
             forms ? g_strdup (_("Node configuration comes as data forms."))
                   : g_strdup (_("Not advertised; configuration forms will show whether it works.")),
             NULL);
  }

  {
    gboolean rsm = xgb_disco_info_has_feature (info, "http://jabber.org/protocol/rsm");

    add_row (rows, XGB_CHECK_GROUP_PROTOCOL, "xep-0059", _("XEP-0059 Result Set Management"),
             XGB_CHECK_RECOMMENDED, rsm ? XGB_CHECK_PASS : XGB_CHECK_WARN,
             rsm ? g_strdup (_("Advertised: long lists come in pages."))
                 : g_strdup (_("Not advertised. The app asks for pages anyway; where the Broker does not page, "
                               "it lists item ids and reads the items in batches.")),
             NULL);
  }

  {
    gboolean pubsub = xgb_disco_info_has_feature (info, XGB_NS_PUBSUB);

    add_row (rows, XGB_CHECK_GROUP_PROTOCOL, "xep-0060", _("XEP-0060 Publish-Subscribe"), XGB_CHECK_REQUIRED,
             pubsub ? XGB_CHECK_PASS : XGB_CHECK_FAIL,
             pubsub ? g_strdup (_("Advertised.")) : g_strdup (_("Not advertised.")),
             pubsub ? NULL : _("Nothing works without it."));
  }

  for (guint i = 0; i < G_N_ELEMENTS (feature_needs); i++)
    {
      const FeatureNeed *need = &feature_needs[i];
      g_autofree char *feature = g_strconcat (XGB_NS_PUBSUB "#", need->feature, NULL);
      g_autofree char *id = g_strconcat ("xep-0060#", need->feature, NULL);
      g_autofree char *title = g_strdup_printf ("XEP-0060: %s", need->feature);
      gboolean has = xgb_disco_info_has_feature (info, feature);
      XgbCheckStatus status = has ? XGB_CHECK_PASS
                                  : need->level == XGB_CHECK_REQUIRED && !need->tried ? XGB_CHECK_FAIL
                                                                                      : XGB_CHECK_WARN;

      if (!has && need->level == XGB_CHECK_OPTIONAL)
        status = XGB_CHECK_PASS;   /* optional: missing is fine, the effect says what is off */
      add_row (rows, XGB_CHECK_GROUP_PROTOCOL, id, title, need->level, status,
               g_strdup (has ? _("Supported.") : _("Not advertised.")),
               has ? NULL : g_dgettext (GETTEXT_PACKAGE, need->effect));
    }

  {
    gboolean collections = xgb_disco_info_has_feature (info, XGB_NS_PUBSUB "#collections");

    add_row (rows, XGB_CHECK_GROUP_PROTOCOL, "xep-0248", _("XEP-0248 Collection Nodes"), XGB_CHECK_OPTIONAL,
             XGB_CHECK_PASS,
             collections ? g_strdup (_("Advertised. Whether nodes really nest shows in the hierarchy: where "
                                       "they do not, topics are grouped in folders by name."))
                         : g_strdup (_("Not advertised: topics are grouped in folders by name.")),
             collections ? NULL : _("Collections, parents and membership are off; bulk changes work on folders."));
  }

  if (in->mechanisms == NULL)
    add_row (rows, XGB_CHECK_GROUP_PROTOCOL, "xep-0178", _("XEP-0178 SASL EXTERNAL (certificates)"),
             XGB_CHECK_RECOMMENDED, XGB_CHECK_UNKNOWN,
             g_strdup (_("The mechanisms the server offers are not known.")), NULL);
  else
    {
      gboolean external = g_strv_contains (in->mechanisms, "EXTERNAL");
      g_autofree char *list = g_strjoinv (", ", (GStrv) in->mechanisms);

      add_row (rows, XGB_CHECK_GROUP_PROTOCOL, "xep-0178", _("XEP-0178 SASL EXTERNAL (certificates)"),
               XGB_CHECK_RECOMMENDED, external ? XGB_CHECK_PASS : XGB_CHECK_WARN,
               g_strdup_printf (external ? _("Offered on this port (offered: %s).")
                                         : _("Not offered on this port (offered: %s)."), list),
               external ? NULL : _("Certificate login is not possible on this port."));
    }
}

/* --- the draft's security checks ----------------------------------- */

static gboolean
same_deployment (const char *account,
                 const char *broker)
{
  g_autofree char *account_domain = NULL;
  const char *at;

  if (account == NULL || broker == NULL)
    return TRUE;
  at = strchr (account, '@');
  account_domain = g_ascii_strdown (at ? at + 1 : account, -1);
  {
    char *slash = strchr (account_domain, '/');
    g_autofree char *broker_down = g_ascii_strdown (broker, -1);
    g_autofree char *suffix = NULL;

    if (slash != NULL)
      *slash = '\0';
    suffix = g_strconcat (".", account_domain, NULL);
    return g_str_equal (broker_down, account_domain) || g_str_has_suffix (broker_down, suffix);
  }
}

static void
security_rows (const XgbCheckInput *in,
               GPtrArray           *rows)
{
  const char *group_title;

  /* TLS */
  group_title = _("TLS version");
  if (in->tls_version == NULL)
    add_row (rows, XGB_CHECK_GROUP_SECURITY, "tls-version", group_title, XGB_CHECK_REQUIRED, XGB_CHECK_UNKNOWN,
             g_strdup (_("Not known for this connection.")), NULL);
  else
    {
      gboolean ok = g_str_equal (in->tls_version, "TLSv1.2") || g_str_equal (in->tls_version, "TLSv1.3");

      add_row (rows, XGB_CHECK_GROUP_SECURITY, "tls-version", group_title, XGB_CHECK_REQUIRED,
               ok ? XGB_CHECK_PASS : XGB_CHECK_FAIL,
               in->cipher ? g_strdup_printf (_("%s with %s."), in->tls_version, in->cipher)
                          : g_strdup_printf ("%s.", in->tls_version),
               NULL);
    }

  /* SASL */
  group_title = _("SASL mechanism");
  if (in->mechanism == NULL)
    add_row (rows, XGB_CHECK_GROUP_SECURITY, "sasl", group_title, XGB_CHECK_REQUIRED, XGB_CHECK_UNKNOWN,
             g_strdup (_("Not known for this connection.")), NULL);
  else
    {
      gboolean strong = g_str_equal (in->mechanism, "EXTERNAL") || g_str_has_prefix (in->mechanism, "SCRAM-");

      add_row (rows, XGB_CHECK_GROUP_SECURITY, "sasl", group_title, XGB_CHECK_REQUIRED,
               strong ? XGB_CHECK_PASS : XGB_CHECK_FAIL,
               strong ? g_strdup_printf (_("Logged in with %s."), in->mechanism)
                      : g_strdup_printf (_("Logged in with %s: the draft asks for EXTERNAL (a certificate) or "
                                           "SCRAM."), in->mechanism),
               NULL);
    }

  /* Default access model */
  group_title = _("Default access model");
  if (in->default_access_model == NULL)
    add_row (rows, XGB_CHECK_GROUP_SECURITY, "default-access", group_title, XGB_CHECK_RECOMMENDED,
             XGB_CHECK_UNKNOWN, g_strdup (_("Not told by the Broker.")), NULL);
  else
    {
      gboolean closed = g_str_equal (in->default_access_model, "whitelist") ||
                        g_str_equal (in->default_access_model, "authorize");

      add_row (rows, XGB_CHECK_GROUP_SECURITY, "default-access", group_title, XGB_CHECK_RECOMMENDED,
               closed ? XGB_CHECK_PASS : XGB_CHECK_WARN,
               closed ? g_strdup_printf (_("“%s”: new topics are closed unless opened."), in->default_access_model)
                      : g_strdup_printf (_("“%s”: a topic created without choosing is readable beyond its "
                                           "Consumers. The app's create dialog chooses whitelist; other "
                                           "clients may not."), in->default_access_model),
               NULL);
    }

  /* Open topics */
  group_title = _("Topics open to anyone");
  if (!in->nodes_scanned)
    add_row (rows, XGB_CHECK_GROUP_SECURITY, "open-nodes", group_title, XGB_CHECK_RECOMMENDED, XGB_CHECK_UNKNOWN,
             g_strdup (_("Not scanned yet: Scan Topics reads every topic's configuration.")), NULL);
  else if (in->open_nodes == NULL || in->open_nodes[0] == NULL)
    add_row (rows, XGB_CHECK_GROUP_SECURITY, "open-nodes", group_title, XGB_CHECK_RECOMMENDED, XGB_CHECK_PASS,
             g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "None of the %u topic read has an open access or "
                                           "publish model.", "None of the %u topics read has an open access or "
                                           "publish model.", in->n_nodes), in->n_nodes),
             NULL);
  else
    {
      g_autofree char *list = g_strjoinv ("; ", (GStrv) in->open_nodes);
      guint n = g_strv_length ((GStrv) in->open_nodes);

      add_row (rows, XGB_CHECK_GROUP_SECURITY, "open-nodes", group_title, XGB_CHECK_RECOMMENDED, XGB_CHECK_WARN,
               g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u topics: %s", "%u of %u topics: %s", n),
                                n, in->n_nodes, list),
               NULL);
    }

  /* Implicit creation */
  {
    gboolean instant = xgb_disco_info_has_feature (in->info, XGB_NS_PUBSUB "#instant-nodes");
    gboolean autocreate = xgb_disco_info_has_feature (in->info, XGB_NS_PUBSUB "#auto-create");

    add_row (rows, XGB_CHECK_GROUP_SECURITY, "implicit-create", _("Instant and automatic node creation"),
             XGB_CHECK_RECOMMENDED, instant || autocreate ? XGB_CHECK_WARN : XGB_CHECK_PASS,
             instant || autocreate
               ? g_strdup_printf (_("Advertised (%s%s%s): an account allowed to create nodes may make topics "
                                    "by publishing to them. Check who the server lets create nodes."),
                                  instant ? "instant-nodes" : "", instant && autocreate ? ", " : "",
                                  autocreate ? "auto-create" : "")
               : g_strdup (_("Neither instant-nodes nor auto-create is advertised.")),
             NULL);
  }

  /* The Broker's domain */
  {
    gboolean same = same_deployment (in->account, in->info->jid);

    add_row (rows, XGB_CHECK_GROUP_SECURITY, "broker-domain", _("Broker on the Controller's domain"),
             XGB_CHECK_RECOMMENDED, same ? XGB_CHECK_PASS : XGB_CHECK_WARN,
             same ? g_strdup_printf (_("%s belongs to the account's server."), in->info->jid)
                  : g_strdup_printf (_("%s is on another domain than %s: it is reached over server-to-server "
                                       "links, which this app cannot see or check."), in->info->jid, in->account),
             NULL);
  }
}

/**
 * xgb_check_evaluate:
 *
 * Returns: (transfer full) (element-type XgbCheckRow): the protocol rows,
 *   then the security rows
 */
GPtrArray *
xgb_check_evaluate (const XgbCheckInput *input)
{
  GPtrArray *rows;

  g_return_val_if_fail (input != NULL && input->info != NULL, NULL);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_check_row_free);
  protocol_rows (input, rows);
  security_rows (input, rows);
  return rows;
}

/* "|" and line breaks would end a table cell */
static void
append_cell (GString    *out,
             const char *text)
{
  g_string_append (out, " ");
  for (const char *p = text ? text : ""; *p != '\0'; p++)
    {
      if (*p == '|')
        g_string_append (out, "\\|");
      else if (*p == '\n' || *p == '\r')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, *p);
    }
  g_string_append (out, " |");
}

/**
 * xgb_check_to_markdown:
 *
 * The check as a Markdown document: who, when, then both tables.
 */
char *
xgb_check_to_markdown (const XgbCheckInput *input,
                       GPtrArray           *rows)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M UTC");
  const XgbCheckGroup groups[] = { XGB_CHECK_GROUP_PROTOCOL, XGB_CHECK_GROUP_SECURITY };

  g_string_append_printf (out, "# %s\n\n", _("Controller check"));
  g_string_append_printf (out, "- %s: %s\n", _("Broker"), input->info->jid);
  if (input->account != NULL)
    g_string_append_printf (out, "- %s: %s\n", _("Account"), input->account);
  g_string_append_printf (out, "- %s: %s\n", _("Checked"), when);

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_string_append_printf (out, "\n## %s\n\n", groups[g] == XGB_CHECK_GROUP_PROTOCOL
                                                  ? _("What the app relies on")
                                                  : _("Security"));
      g_string_append_printf (out, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n",
                              _("Check"), _("Level"), _("Result"), _("Found"), _("Effect in the app"));
      for (guint i = 0; i < rows->len; i++)
        {
          XgbCheckRow *row = rows->pdata[i];

          if (row->group != groups[g])
            continue;
          g_string_append (out, "|");
          append_cell (out, row->title);
          append_cell (out, xgb_check_level_to_string (row->level));
          append_cell (out, xgb_check_status_to_string (row->status));
          append_cell (out, row->detail);
          append_cell (out, row->effect ? row->effect : "—");
          g_string_append_c (out, '\n');
        }
    }

  return g_string_free (out, FALSE);
}

/* --- the scan for open topics --------------------------------------- */

typedef struct
{
  GStrv              nodes;
  GPtrArray         *found;      /* of char*, by node index */
  guint              next;
  guint              in_flight;
  guint              done;
  guint              failed;
  XgbCheckProgress   progress;
  gpointer           progress_data;
} Scan;

static void
scan_free (Scan *scan)
{
  g_strfreev (scan->nodes);
  g_ptr_array_unref (scan->found);
  g_free (scan);
}

typedef struct
{
  GTask *task;
  guint  index;
} ScanOne;

static void scan_next (GTask *task);

static void
scan_one_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ScanOne *one = user_data;
  g_autoptr(GTask) task = one->task;
  Scan *scan = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbForm) form = xgb_pubsub_service_parsed_form_finish (XGB_PUBSUB_SERVICE (object), result, &error);
  const char *node = scan->nodes[one->index];

  scan->in_flight--;
  scan->done++;
  if (form == NULL)
    scan->failed++;
  else
    {
      const char *access = xgb_form_get_value (form, "pubsub#access_model");
      const char *publish = xgb_form_get_value (form, "pubsub#publish_model");
      g_autoptr(GString) what = g_string_new (NULL);

      if (g_strcmp0 (access, "open") == 0)
        g_string_append (what, _("access model open"));
      if (g_strcmp0 (publish, "open") == 0)
        g_string_append_printf (what, "%s%s", what->len ? ", " : "", _("publish model open"));
      if (what->len > 0)
        scan->found->pdata[one->index] = g_strdup_printf ("%s (%s)", node, what->str);
    }
  g_free (one);

  if (scan->progress != NULL)
    scan->progress (scan->done, g_strv_length (scan->nodes), scan->progress_data);
  scan_next (task);
}

static void
scan_next (GTask *task)
{
  Scan *scan = g_task_get_task_data (task);
  XgbPubsubService *service = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint total = g_strv_length (scan->nodes);

  while (scan->in_flight < SCAN_IN_FLIGHT && scan->next < total && !g_cancellable_is_cancelled (cancellable))
    {
      ScanOne *one = g_new0 (ScanOne, 1);

      one->task = g_object_ref (task);
      one->index = scan->next++;
      scan->in_flight++;
      xgb_pubsub_service_get_config_async (service, scan->nodes[one->index], cancellable, scan_one_cb, one);
    }

  if (scan->in_flight > 0)
    return;
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The scan was stopped."));
      return;
    }

  {
    GPtrArray *open = g_ptr_array_new ();

    for (guint i = 0; i < scan->found->len; i++)
      if (scan->found->pdata[i] != NULL)
        g_ptr_array_add (open, g_strdup (scan->found->pdata[i]));
    g_ptr_array_add (open, NULL);
    g_task_return_pointer (task, g_ptr_array_free (open, FALSE), (GDestroyNotify) g_strfreev);
  }
}

/**
 * xgb_check_scan_nodes_async:
 * @nodes: the topics to read
 *
 * Reads each topic's configuration, at most 4 at a time, and keeps
 * those whose access or publish model is open.
 */
void
xgb_check_scan_nodes_async (XgbPubsubService    *service,
                            const char * const  *nodes,
                            XgbCheckProgress     progress,
                            gpointer             progress_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (service, cancellable, callback, user_data);
  Scan *scan = g_new0 (Scan, 1);

  g_task_set_source_tag (task, xgb_check_scan_nodes_async);
  scan->nodes = g_strdupv ((GStrv) nodes);
  scan->found = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_set_size (scan->found, g_strv_length (scan->nodes));
  scan->progress = progress;
  scan->progress_data = progress_data;
  g_task_set_task_data (task, scan, (GDestroyNotify) scan_free);
  scan_next (task);
}

GStrv
xgb_check_scan_nodes_finish (XgbPubsubService  *service,
                             GAsyncResult      *result,
                             guint             *n_failed,
                             GError           **error)
{
  Scan *scan;

  g_return_val_if_fail (g_task_is_valid (result, service), NULL);

  scan = g_task_get_task_data (G_TASK (result));
  if (n_failed != NULL)
    *n_failed = scan->failed;
  return g_task_propagate_pointer (G_TASK (result), error);
}
