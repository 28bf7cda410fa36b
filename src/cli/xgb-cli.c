/* xgb-cli.c - the command-line face of the XMPP-Grid Broker core
 *
 * Logs in like the app (same options; the password only from a file or
 * the environment), finds the Broker, runs one command and prints the
 * result as text or JSON.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgb-accounts.h"
#include "xgb-audit.h"
#include "xgb-cert.h"
#include "xgb-cli-output.h"
#include "xgb-connection.h"
#include "xgb-disco.h"
#include "xgb-error.h"
#include "xgb-form.h"
#include "xgb-jid.h"
#include "xgb-pubsub.h"
#include "xgb-xml.h"

/* Exit codes, documented in --help */
enum {
  EXIT_OK = 0,
  EXIT_REFUSED = 1,      /* the server refused, or the operation failed */
  EXIT_USAGE = 2,
  EXIT_LOGIN = 3,        /* cannot log in, or the connection was lost */
  EXIT_PARTIAL = 4,      /* some of several changes failed */
  EXIT_UNSUPPORTED = 5,  /* the Broker does not support this */
};

typedef struct
{
  XgbConnection    *connection;
  XgbPubsubService *service;
  XgbAuditor       *auditor;  /* every change to the local log (and topic) */
  XgbCliOutput     *out;
  char            **args;   /* after the command name */
  guint             n_args;
} Cli;

/* Options */
static char *opt_jid;
static char *opt_password_file;
static char *opt_host;
static int opt_port;
static char *opt_ca_file;
static char **opt_pins;
static gboolean opt_allow_weak;
static char *opt_cert;
static char *opt_key;
static char *opt_passphrase_file;
static char *opt_broker;
static char *opt_audit_topic;
static gboolean opt_json;
static gboolean opt_stats;
static gboolean opt_collection;
static char *opt_id;
static char *opt_file;
static int opt_max = -1;
static int opt_page_size = 100;
static char **opt_set;
static gboolean opt_version;

static const GOptionEntry entries[] = {
  { "jid", 'j', 0, G_OPTION_ARG_STRING, &opt_jid, N_("Your address on the Controller"), N_("JID") },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_password_file,
    N_("Read the password from the first line of FILE (else $XGB_PASSWORD)"), N_("FILE") },
  { "host", 0, 0, G_OPTION_ARG_STRING, &opt_host, N_("Connect to HOST instead of the JID’s domain"), N_("HOST") },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, N_("Connect to PORT"), N_("PORT") },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca_file, N_("Trust the CAs in the PEM file FILE"), N_("FILE") },
  { "pin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_pins,
    N_("Trust the server certificate with this SHA-256 fingerprint although it does not verify (repeatable)"), N_("SHA256") },
  { "allow-weak-mechanisms", 0, 0, G_OPTION_ARG_NONE, &opt_allow_weak,
    N_("Allow SASL PLAIN and DIGEST-MD5 (the password’s safety then rests on TLS alone)"), NULL },
  { "cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_cert,
    N_("Log in with the client certificate in FILE (PEM or PKCS#12; SASL EXTERNAL, no password)"), N_("FILE") },
  { "key", 0, 0, G_OPTION_ARG_FILENAME, &opt_key,
    N_("The PEM private key for --cert (default: in the certificate file or next to it as NAME.key)"), N_("FILE") },
  { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_passphrase_file,
    N_("Read the passphrase of the certificate’s key from the first line of FILE"), N_("FILE") },
  { "broker", 'b', 0, G_OPTION_ARG_STRING, &opt_broker, N_("The Broker’s JID (default: found through service discovery)"), N_("JID") },
  { "audit-topic", 0, 0, G_OPTION_ARG_STRING, &opt_audit_topic,
    N_("Also publish each change's audit entry to the topic NODE (default: the saved account's audit topic)"), N_("NODE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON instead of text"), NULL },
  { "stats", 0, 0, G_OPTION_ARG_NONE, &opt_stats, N_("Print requests, bytes and seconds on stderr"), NULL },
  { "collection", 0, 0, G_OPTION_ARG_NONE, &opt_collection, N_("create: make a collection, not a topic"), NULL },
  { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &opt_set, N_("create: set a configuration field (repeatable)"), N_("VAR=VALUE") },
  { "id", 0, 0, G_OPTION_ARG_STRING, &opt_id, N_("publish: the item id"), N_("ID") },
  { "file", 'f', 0, G_OPTION_ARG_FILENAME, &opt_file, N_("publish: read the payload from FILE (else stdin)"), N_("FILE") },
  { "max", 0, 0, G_OPTION_ARG_INT, &opt_max, N_("items, nodes: stop after N entries"), N_("N") },
  { "page-size", 0, 0, G_OPTION_ARG_INT, &opt_page_size, N_("items, nodes: entries per request (default 100)"), N_("N") },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Show the version and exit"), NULL },
  { NULL }
};

/* --- waiting for async results (fine in a command-line tool) --------- */

typedef struct
{
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  ((Waiter *) data)->result = g_object_ref (result);
}

static GAsyncResult *
waiter_wait (Waiter *w)
{
  while (w->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return w->result;
}

static void
waiter_clear (Waiter *w)
{
  g_clear_object (&w->result);
}

static int
fail (Cli          *cli,
      const GError *error)
{
  g_printerr ("xgb-cli: %s\n", error->message);
  if (error->domain == XGB_ERROR &&
      (error->code == XGB_ERROR_CONNECTION_LOST || error->code == XGB_ERROR_NOT_CONNECTED ||
       error->code == XGB_ERROR_AUTH_FAILED || error->code == XGB_ERROR_TLS ||
       error->code == XGB_ERROR_TIMEOUT || error->code == XGB_ERROR_HOST_UNREACHABLE))
    return EXIT_LOGIN;
  if (error->domain == XGB_ERROR && error->code == XGB_ERROR_INVALID_ARGUMENT)
    return EXIT_USAGE;
  if (error->domain == XGB_STANZA_ERROR && error->code == XGB_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED)
    return EXIT_UNSUPPORTED;
  return EXIT_REFUSED;
}

static gboolean
require (Cli           *cli,
         XgbPubsubCaps  caps,
         const char    *what)
{
  if (xgb_pubsub_service_has (cli->service, caps))
    return TRUE;

  g_printerr (_("xgb-cli: the Broker %s does not support %s.\n"),
              xgb_pubsub_service_get_jid (cli->service), what);
  return FALSE;
}

/* Waits for a change and prints { KEY: VALUE } when it was made. */
static int
change_done (Cli        *cli,
             Waiter     *w,
             const char *key,
             const char *value)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = xgb_pubsub_service_change_finish (cli->service, waiter_wait (w), &error);

  waiter_clear (w);
  if (!ok)
    return fail (cli, error);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, key, value);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

/* --- commands ------------------------------------------------------- */

static int
cmd_features (Cli *cli)
{
  const XgbDiscoInfo *info = xgb_pubsub_service_get_info (cli->service);
  const XgbPubsubCapName *names;
  guint n_names;

  names = xgb_pubsub_cap_names (&n_names);
  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "jid", info->jid);

  xgb_cli_output_begin_array (cli->out, "identities");
  for (guint i = 0; i < info->identities->len; i++)
    {
      XgbDiscoIdentity *identity = info->identities->pdata[i];

      xgb_cli_output_begin_object (cli->out, NULL);
      xgb_cli_output_string (cli->out, "category", identity->category);
      xgb_cli_output_string (cli->out, "type", identity->type);
      xgb_cli_output_string (cli->out, "name", identity->name);
      xgb_cli_output_end_object (cli->out);
    }
  xgb_cli_output_end_array (cli->out);

  xgb_cli_output_begin_array (cli->out, "features");
  for (guint i = 0; i < info->features->len; i++)
    xgb_cli_output_string (cli->out, NULL, info->features->pdata[i]);
  xgb_cli_output_end_array (cli->out);

  {
    Waiter w = { 0 };
    g_autoptr(GError) error = NULL;
    gboolean nests;

    xgb_pubsub_service_detect_nesting_async (cli->service, NULL, waiter_cb, &w);
    nests = xgb_pubsub_service_detect_nesting_finish (cli->service, waiter_wait (&w), &error);
    waiter_clear (&w);
    /* Advertising collections is not nesting them (ejabberd). */
    xgb_cli_output_boolean (cli->out, "nests-nodes", nests);
  }

  xgb_cli_output_begin_object (cli->out, "capabilities");
  for (guint i = 0; i < n_names; i++)
    xgb_cli_output_boolean (cli->out, names[i].feature,
                            xgb_pubsub_service_has (cli->service, names[i].cap));
  xgb_cli_output_end_object (cli->out);

  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

/* Walks every page of a node listing. */
static GPtrArray *
list_all_nodes (Cli         *cli,
                const char  *collection,
                GError     **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_disco_item_free);
  g_autofree char *after = NULL;

  for (;;)
    {
      Waiter w = { 0 };
      g_autoptr(XgbPubsubNodePage) page = NULL;

      xgb_pubsub_service_list_nodes_async (cli->service, collection, after, (guint) opt_page_size,
                                           NULL, waiter_cb, &w);
      page = xgb_pubsub_service_list_nodes_finish (cli->service, waiter_wait (&w), error);
      waiter_clear (&w);
      if (page == NULL)
        return NULL;

      for (guint i = 0; i < page->nodes->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&page->nodes->pdata[i]));
      g_ptr_array_set_free_func (page->nodes, NULL);

      /* No RSM, an empty page or no cursor: that was everything. */
      if (page->rsm == NULL || page->nodes->len == 0 || page->rsm->last == NULL ||
          (opt_max >= 0 && all->len >= (guint) opt_max))
        break;
      if (page->rsm->count >= 0 && all->len >= (guint64) page->rsm->count)
        break;
      g_free (after);
      after = g_strdup (page->rsm->last);
    }

  if (opt_max >= 0 && all->len > (guint) opt_max)
    g_ptr_array_set_size (all, (guint) opt_max);
  return g_steal_pointer (&all);
}

static int
cmd_nodes (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = list_all_nodes (cli, cli->n_args > 0 ? cli->args[0] : NULL, &error);

  if (nodes == NULL)
    return fail (cli, error);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_begin_array (cli->out, "nodes");
  for (guint i = 0; i < nodes->len; i++)
    {
      XgbDiscoItem *item = nodes->pdata[i];

      xgb_cli_output_begin_object (cli->out, NULL);
      xgb_cli_output_string (cli->out, "node", item->node);
      xgb_cli_output_string (cli->out, "name", item->name);
      xgb_cli_output_end_object (cli->out);
    }
  xgb_cli_output_end_array (cli->out);
  xgb_cli_output_int (cli->out, "count", nodes->len);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

static int
compare_nodes (gconstpointer a,
               gconstpointer b)
{
  const XgbDiscoItem *ia = *(XgbDiscoItem * const *) a;
  const XgbDiscoItem *ib = *(XgbDiscoItem * const *) b;

  return g_strcmp0 (ia->node, ib->node);
}

/* A flat service's nodes as a tree of path-like names ("a/b/c"). */
static int
cmd_tree (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = list_all_nodes (cli, NULL, &error);
  g_auto(GStrv) previous = NULL;

  if (nodes == NULL)
    return fail (cli, error);

  g_ptr_array_sort (nodes, compare_nodes);
  xgb_cli_output_begin_array (cli->out, NULL);
  for (guint i = 0; i < nodes->len; i++)
    {
      XgbDiscoItem *item = nodes->pdata[i];
      g_auto(GStrv) parts = g_strsplit (item->node ? item->node : "", "/", -1);
      guint n = g_strv_length (parts);
      guint common = 0;

      while (previous != NULL && common + 1 < n && previous[common] != NULL &&
             g_strcmp0 (previous[common], parts[common]) == 0)
        common++;

      /* folders not printed yet, then the node itself */
      for (guint depth = common; depth < n; depth++)
        {
          xgb_cli_output_begin_object (cli->out, NULL);
          xgb_cli_output_int (cli->out, "depth", depth);
          xgb_cli_output_string (cli->out, "name", parts[depth]);
          if (depth + 1 == n)
            xgb_cli_output_string (cli->out, "node", item->node);
          else
            xgb_cli_output_string (cli->out, "folder", parts[depth]);
          xgb_cli_output_end_object (cli->out);
        }

      g_strfreev (previous);
      previous = g_steal_pointer (&parts);
    }
  xgb_cli_output_end_array (cli->out);
  return EXIT_OK;
}

static int
cmd_info (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbPubsubNodeInfo) info = NULL;
  Waiter w = { 0 };

  xgb_pubsub_service_node_info_async (cli->service, cli->args[0], NULL, waiter_cb, &w);
  info = xgb_pubsub_service_node_info_finish (cli->service, waiter_wait (&w), &error);
  waiter_clear (&w);
  if (info == NULL)
    return fail (cli, error);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "node", info->node);
  xgb_cli_output_string (cli->out, "type", info->is_collection ? "collection" : "leaf");
  xgb_cli_output_string (cli->out, "title", info->title);
  xgb_cli_output_begin_array (cli->out, "features");
  for (guint i = 0; i < info->info->features->len; i++)
    xgb_cli_output_string (cli->out, NULL, info->info->features->pdata[i]);
  xgb_cli_output_end_array (cli->out);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

/* A node_config submit form with only the fields given as VAR=VALUE. */
static char *
config_submit (char      **assignments,
               guint       n,
               GError    **error)
{
  g_autoptr(GString) form = g_string_new ("<x xmlns='jabber:x:data' type='submit'>"
                                          "<field var='FORM_TYPE' type='hidden'><value>"
                                          XGB_NS_PUBSUB "#node_config</value></field>");

  for (guint i = 0; i < n; i++)
    {
      const char *eq = strchr (assignments[i], '=');
      g_autofree char *var = NULL;
      g_autofree char *field = NULL;
      g_auto(GStrv) values = NULL;

      if (eq == NULL || eq == assignments[i])
        {
          g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not VAR=VALUE."), assignments[i]);
          return NULL;
        }
      var = g_strndup (assignments[i], (gsize) (eq - assignments[i]));
      if (!g_str_has_prefix (var, "pubsub#"))
        {
          char *full = g_strconcat ("pubsub#", var, NULL);

          g_free (var);
          var = full;
        }
      field = g_markup_printf_escaped ("<field var='%s'>", var);
      g_string_append (form, field);
      /* Several values (list-multi, jid-multi) separated by commas */
      values = g_strsplit (eq + 1, ",", -1);
      for (guint v = 0; values[v] != NULL; v++)
        {
          g_autofree char *value = g_markup_printf_escaped ("<value>%s</value>", values[v]);

          g_string_append (form, value);
        }
      g_string_append (form, "</field>");
    }
  g_string_append (form, "</x>");

  return g_string_free (g_steal_pointer (&form), FALSE);
}

static int
cmd_create (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *created = NULL;
  guint n_set = opt_set ? g_strv_length (opt_set) : 0;
  Waiter w = { 0 };

  if (!require (cli, XGB_PUBSUB_CAP_CREATE_NODES, _("creating nodes")))
    return EXIT_UNSUPPORTED;
  if (n_set > 0 && (config = config_submit (opt_set, n_set, &error)) == NULL)
    return fail (cli, error);

  xgb_pubsub_service_create_async (cli->service, cli->args[0], opt_collection, config,
                                   NULL, waiter_cb, &w);
  created = xgb_pubsub_service_create_finish (cli->service, waiter_wait (&w), &error);
  waiter_clear (&w);
  if (created == NULL)
    return fail (cli, error);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "created", created);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

typedef void (*ChangeFunc) (XgbPubsubService *, const char *, GCancellable *,
                            GAsyncReadyCallback, gpointer);

static int
run_change (Cli        *cli,
            ChangeFunc  func,
            const char *verb)
{
  Waiter w = { 0 };

  func (cli->service, cli->args[0], NULL, waiter_cb, &w);
  return change_done (cli, &w, verb, cli->args[0]);
}

static int
cmd_delete (Cli *cli)
{
  if (!require (cli, XGB_PUBSUB_CAP_DELETE_NODES, _("deleting nodes")))
    return EXIT_UNSUPPORTED;
  return run_change (cli, xgb_pubsub_service_delete_async, "deleted");
}

static int
cmd_purge (Cli *cli)
{
  if (!require (cli, XGB_PUBSUB_CAP_PURGE_NODES, _("purging nodes")))
    return EXIT_UNSUPPORTED;
  return run_change (cli, xgb_pubsub_service_purge_async, "purged");
}

/* Fills the form in @current with VAR=VALUE assignments (a "pubsub#"
 * prefix may be left out; multi-value fields take comma-separated lists)
 * and checks every field.  Returns the submit form with the fields that
 * changed (the server keeps the rest), or NULL with the exit status in
 * @status after printing what is wrong. */
static char *
fill_form (Cli      *cli,
           xmlDoc   *current,
           char    **assignments,
           guint     n,
           int      *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbForm) form = xgb_form_parse (xmlDocGetRootElement (current), &error);
  g_autoptr(XgbForm) baseline = NULL;
  g_autoptr(GHashTable) field_errors = NULL;

  if (form == NULL)
    {
      *status = fail (cli, error);
      return NULL;
    }
  baseline = xgb_form_copy (form);

  for (guint i = 0; i < n; i++)
    {
      const char *eq = strchr (assignments[i], '=');
      g_autofree char *var = NULL;
      g_auto(GStrv) values = NULL;
      XgbFormField *field;

      if (eq == NULL || eq == assignments[i])
        {
          g_printerr (_("xgb-cli: “%s” is not VAR=VALUE.\n"), assignments[i]);
          *status = EXIT_USAGE;
          return NULL;
        }
      var = g_strndup (assignments[i], (gsize) (eq - assignments[i]));
      if (xgb_form_get_field (form, var) == NULL && !g_str_has_prefix (var, "pubsub#"))
        {
          char *full = g_strconcat ("pubsub#", var, NULL);

          g_free (var);
          var = full;
        }
      field = xgb_form_get_field (form, var);
      if (field != NULL && xgb_form_field_type_is_multi (field->type))
        values = g_strsplit (eq + 1, ",", -1);
      else
        values = g_strsplit (eq + 1, "\x01", 1);
      if (!xgb_form_set_values (form, var, (const char * const *) values, &error))
        {
          *status = fail (cli, error);
          return NULL;
        }
    }

  if (!xgb_form_validate (form, &field_errors, &error))
    {
      GHashTableIter iter;
      gpointer key, value;

      g_printerr ("xgb-cli: %s\n", error->message);
      g_hash_table_iter_init (&iter, field_errors);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_printerr ("  %s: %s\n", (const char *) key, (const char *) value);
      *status = EXIT_USAGE;
      return NULL;
    }

  return xgb_form_build_submit_changes (form, baseline);
}

/* Prints a form's fields: var, type, label, values. */
static void
output_form (Cli        *cli,
             const char *node,
             xmlDoc     *doc)
{
  xmlNode *x = xmlDocGetRootElement (doc);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "node", node);
  xgb_cli_output_begin_array (cli->out, "fields");
  for (xmlNode *f = x->children; f != NULL; f = f->next)
    {
      g_autofree char *var = xgb_xml_get_attr (f, "var");
      g_autofree char *type = xgb_xml_get_attr (f, "type");
      g_autofree char *label = xgb_xml_get_attr (f, "label");

      if (!xgb_xml_is (f, "field", NULL) || var == NULL || g_strcmp0 (type, "fixed") == 0)
        continue;
      xgb_cli_output_begin_object (cli->out, NULL);
      xgb_cli_output_string (cli->out, "var", var);
      xgb_cli_output_string (cli->out, "type", type ? type : "text-single");
      xgb_cli_output_string (cli->out, "label", label);
      xgb_cli_output_begin_array (cli->out, "values");
      for (xmlNode *v = f->children; v != NULL; v = v->next)
        if (xgb_xml_is (v, "value", NULL))
          {
            g_autofree char *value = xgb_xml_get_text (v);

            xgb_cli_output_string (cli->out, NULL, value);
          }
      xgb_cli_output_end_array (cli->out);
      xgb_cli_output_end_object (cli->out);
    }
  xgb_cli_output_end_array (cli->out);
  xgb_cli_output_end_object (cli->out);
}

static int
cmd_config (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  const char *verb = cli->args[0];
  const char *node = cli->n_args > 1 ? cli->args[1] : NULL;
  Waiter w = { 0 };

  if (node == NULL || (!g_str_equal (verb, "get") && !g_str_equal (verb, "set")))
    {
      g_printerr ("%s\n", _("Usage: xgb-cli config get NODE | config set NODE VAR=VALUE…"));
      return EXIT_USAGE;
    }
  if (!require (cli, XGB_PUBSUB_CAP_CONFIG_NODE, _("node configuration")))
    return EXIT_UNSUPPORTED;

  if (g_str_equal (verb, "get"))
    {
      g_autoptr(xmlDoc) form = NULL;

      xgb_pubsub_service_get_config_async (cli->service, node, NULL, waiter_cb, &w);
      form = xgb_pubsub_service_form_finish (cli->service, waiter_wait (&w), &error);
      waiter_clear (&w);
      if (form == NULL)
        return fail (cli, error);

      output_form (cli, node, form);
      return EXIT_OK;
    }
  else
    {
      g_autofree char *submit = NULL;
      g_autoptr(xmlDoc) current = NULL;
      int status = EXIT_OK;

      if (cli->n_args < 3)
        {
          g_printerr ("%s\n", _("Usage: xgb-cli config set NODE VAR=VALUE…"));
          return EXIT_USAGE;
        }

      /* Change the node's own form, so every value is checked against
       * the field it goes into before anything is sent. */
      xgb_pubsub_service_get_config_async (cli->service, node, NULL, waiter_cb, &w);
      current = xgb_pubsub_service_form_finish (cli->service, waiter_wait (&w), &error);
      waiter_clear (&w);
      if (current == NULL)
        return fail (cli, error);
      submit = fill_form (cli, current, cli->args + 2, cli->n_args - 2, &status);
      if (submit == NULL)
        return status;

      xgb_pubsub_service_set_config_async (cli->service, node, submit, NULL, waiter_cb, &w);
      return change_done (cli, &w, "configured", node);
    }
}

static void
output_item (Cli           *cli,
             XgbPubsubItem *item)
{
  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "id", item->id);
  xgb_cli_output_string (cli->out, "publisher", item->publisher);
  if (item->timestamp != NULL)
    {
      g_autofree char *iso = g_date_time_format_iso8601 (item->timestamp);

      xgb_cli_output_string (cli->out, "time", iso);
    }
  else
    xgb_cli_output_string (cli->out, "time", NULL);
  xgb_cli_output_int (cli->out, "size", (gint64) item->size);
  xgb_cli_output_payload (cli->out, "payload", item->payload);
  xgb_cli_output_end_object (cli->out);
}

/* Every item, page by page: with RSM where the Broker pages, otherwise
 * the item ids first and the items in batches of --page-size. */
static int
cmd_items (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  const char *node = cli->args[0];
  guint64 n = 0;
  guint64 limit = opt_max >= 0 ? (guint64) opt_max : G_MAXUINT64;
  gint64 total = -1;
  g_autoptr(XgbPubsubItemIds) how = NULL;
  Waiter probe = { 0 };

  xgb_pubsub_service_get_item_ids_async (cli->service, node, NULL, waiter_cb, &probe);
  how = xgb_pubsub_service_get_item_ids_finish (cli->service, waiter_wait (&probe), &error);
  waiter_clear (&probe);
  if (how == NULL)
    return fail (cli, error);
  total = how->count;

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "node", node);
  xgb_cli_output_begin_array (cli->out, "items");

  if (how->paged)
    {
      g_autofree char *after = NULL;

      while (n < limit)
        {
          Waiter w = { 0 };
          g_autoptr(XgbPubsubItemPage) page = NULL;
          guint want = (guint) MIN ((guint64) opt_page_size, limit - n);

          xgb_pubsub_service_get_items_async (cli->service, node, want, after, NULL,
                                              NULL, waiter_cb, &w);
          page = xgb_pubsub_service_get_items_finish (cli->service, waiter_wait (&w), &error);
          waiter_clear (&w);
          if (page == NULL)
            return fail (cli, error);

          for (guint i = 0; i < page->items->len && n < limit; i++, n++)
            output_item (cli, page->items->pdata[i]);

          if (page->rsm != NULL && page->rsm->count >= 0)
            total = page->rsm->count;
          /* The server ignored RSM (everything at once), or this was the
           * last page. */
          if (page->rsm == NULL || page->rsm->last == NULL || page->items->len == 0 ||
              (total >= 0 && n >= (guint64) total))
            break;
          g_free (after);
          after = g_strdup (page->rsm->last);
        }
    }
  else
    {
      Waiter w = { 0 };
      GStrv ids = how->ids;
      guint n_ids = g_strv_length (ids);

      for (guint start = 0; start < n_ids && n < limit; start += (guint) opt_page_size)
        {
          g_autoptr(GPtrArray) batch = g_ptr_array_new ();
          g_autoptr(XgbPubsubItemPage) page = NULL;

          for (guint i = start; i < n_ids && i < start + (guint) opt_page_size; i++)
            g_ptr_array_add (batch, ids[i]);
          g_ptr_array_add (batch, NULL);

          xgb_pubsub_service_get_items_async (cli->service, node, 0, NULL,
                                              (const char * const *) batch->pdata,
                                              NULL, waiter_cb, &w);
          page = xgb_pubsub_service_get_items_finish (cli->service, waiter_wait (&w), &error);
          waiter_clear (&w);
          if (page == NULL)
            return fail (cli, error);
          for (guint i = 0; i < page->items->len && n < limit; i++, n++)
            output_item (cli, page->items->pdata[i]);
        }
    }

  xgb_cli_output_end_array (cli->out);
  xgb_cli_output_int (cli->out, "count", (gint64) n);
  if (total >= 0)
    xgb_cli_output_int (cli->out, "total", total);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

static int
cmd_publish (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *id = NULL;
  Waiter w = { 0 };

  if (opt_file != NULL)
    {
      if (!g_file_get_contents (opt_file, &payload, NULL, &error))
        return fail (cli, error);
    }
  else
    {
      g_autoptr(GString) in = g_string_new (NULL);
      char buf[4096];
      size_t len;

      while ((len = fread (buf, 1, sizeof buf, stdin)) > 0)
        g_string_append_len (in, buf, (gssize) len);
      payload = g_string_free (g_steal_pointer (&in), FALSE);
    }
  g_strstrip (payload);

  xgb_pubsub_service_publish_async (cli->service, cli->args[0], opt_id, payload, NULL, waiter_cb, &w);
  id = xgb_pubsub_service_publish_finish (cli->service, waiter_wait (&w), &error);
  waiter_clear (&w);
  if (id == NULL)
    return fail (cli, error);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "published", id);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

static int
cmd_retract (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  guint failed = 0;
  Waiter w = { 0 };

  if (!require (cli, XGB_PUBSUB_CAP_RETRACT_ITEMS, _("retracting items")))
    return EXIT_UNSUPPORTED;

  xgb_pubsub_service_retract_async (cli->service, cli->args[0], (const char * const *) cli->args + 1,
                                    NULL, NULL, NULL, waiter_cb, &w);
  results = xgb_pubsub_service_retract_finish (cli->service, waiter_wait (&w), &error);
  waiter_clear (&w);
  if (results == NULL)
    return fail (cli, error);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_begin_array (cli->out, "results");
  for (guint i = 0; i < results->len; i++)
    {
      XgbPubsubRetractResult *r = results->pdata[i];

      xgb_cli_output_begin_object (cli->out, NULL);
      xgb_cli_output_string (cli->out, "id", r->id);
      xgb_cli_output_boolean (cli->out, "retracted", r->error == NULL);
      xgb_cli_output_string (cli->out, "error", r->error ? r->error->message : NULL);
      xgb_cli_output_end_object (cli->out);
      failed += r->error != NULL;
    }
  xgb_cli_output_end_array (cli->out);
  xgb_cli_output_end_object (cli->out);

  if (failed == 0)
    return EXIT_OK;
  return failed == results->len ? EXIT_REFUSED : EXIT_PARTIAL;
}

/* JID=VALUE pairs into affiliations or subscriptions */
static GPtrArray *
parse_pairs (char      **args,
             guint       n,
             gboolean    affiliations,
             GError    **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (
    affiliations ? (GDestroyNotify) xgb_pubsub_affiliation_free : (GDestroyNotify) xgb_pubsub_subscription_free);

  for (guint i = 0; i < n; i++)
    {
      const char *eq = strchr (args[i], '=');
      g_autofree char *jid = NULL;
      g_autoptr(XgbJid) parsed = NULL;
      g_autoptr(GError) jid_error = NULL;

      if (eq == NULL || eq[1] == '\0')
        {
          g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT, _("“%s” is not JID=VALUE."), args[i]);
          return NULL;
        }
      jid = g_strndup (args[i], (gsize) (eq - args[i]));
      parsed = xgb_jid_parse (jid, &jid_error);
      if (parsed == NULL)
        {
          g_set_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT, "%s: %s", jid, jid_error->message);
          return NULL;
        }
      if (affiliations)
        {
          XgbPubsubAffiliation *a = g_new0 (XgbPubsubAffiliation, 1);

          a->jid = g_steal_pointer (&jid);
          a->affiliation = g_strdup (eq + 1);
          g_ptr_array_add (list, a);
        }
      else
        {
          XgbPubsubSubscription *s = g_new0 (XgbPubsubSubscription, 1);

          s->jid = g_steal_pointer (&jid);
          s->subscription = g_strdup (eq + 1);
          g_ptr_array_add (list, s);
        }
    }

  return g_steal_pointer (&list);
}

static int
owner_list (Cli      *cli,
            gboolean  affiliations)
{
  g_autoptr(GError) error = NULL;
  const char *verb = cli->args[0];
  const char *node = cli->n_args > 1 ? cli->args[1] : NULL;
  Waiter w = { 0 };

  if (node == NULL || (!g_str_equal (verb, "get") && !g_str_equal (verb, "set")))
    {
      g_printerr (_("Usage: xgb-cli %s get NODE | %s set NODE JID=VALUE…\n"),
                  affiliations ? "affiliations" : "subscriptions",
                  affiliations ? "affiliations" : "subscriptions");
      return EXIT_USAGE;
    }

  if (g_str_equal (verb, "get"))
    {
      g_autoptr(GPtrArray) list = NULL;

      if (affiliations)
        xgb_pubsub_service_get_affiliations_async (cli->service, node, NULL, waiter_cb, &w);
      else
        xgb_pubsub_service_get_subscriptions_async (cli->service, node, NULL, waiter_cb, &w);
      list = xgb_pubsub_service_list_finish (cli->service, waiter_wait (&w), &error);
      waiter_clear (&w);
      if (list == NULL)
        return fail (cli, error);

      xgb_cli_output_begin_object (cli->out, NULL);
      xgb_cli_output_string (cli->out, "node", node);
      xgb_cli_output_begin_array (cli->out, affiliations ? "affiliations" : "subscriptions");
      for (guint i = 0; i < list->len; i++)
        {
          xgb_cli_output_begin_object (cli->out, NULL);
          if (affiliations)
            {
              XgbPubsubAffiliation *a = list->pdata[i];

              xgb_cli_output_string (cli->out, "jid", a->jid);
              xgb_cli_output_string (cli->out, "affiliation", a->affiliation);
            }
          else
            {
              XgbPubsubSubscription *s = list->pdata[i];

              xgb_cli_output_string (cli->out, "jid", s->jid);
              xgb_cli_output_string (cli->out, "subscription", s->subscription);
              xgb_cli_output_string (cli->out, "subid", s->subid);
            }
          xgb_cli_output_end_object (cli->out);
        }
      xgb_cli_output_end_array (cli->out);
      xgb_cli_output_end_object (cli->out);
      return EXIT_OK;
    }
  else
    {
      g_autoptr(GPtrArray) changes = parse_pairs (cli->args + 2, cli->n_args - 2, affiliations, &error);
      gboolean ok;

      if (changes == NULL)
        return fail (cli, error);
      if (changes->len == 0)
        {
          g_printerr ("%s\n", _("Nothing to change: give JID=VALUE pairs."));
          return EXIT_USAGE;
        }
      if (affiliations)
        xgb_pubsub_service_set_affiliations_async (cli->service, node, changes, NULL, waiter_cb, &w);
      else
        xgb_pubsub_service_set_subscriptions_async (cli->service, node, changes, NULL, waiter_cb, &w);
      ok = xgb_pubsub_service_change_finish (cli->service, waiter_wait (&w), &error);
      waiter_clear (&w);
      if (!ok)
        return fail (cli, error);
      xgb_cli_output_begin_object (cli->out, NULL);
      xgb_cli_output_string (cli->out, "changed", node);
      xgb_cli_output_int (cli->out, "entries", changes->len);
      xgb_cli_output_end_object (cli->out);
      return EXIT_OK;
    }
}

static int
cmd_affiliations (Cli *cli)
{
  return owner_list (cli, TRUE);
}

static int
cmd_subscriptions (Cli *cli)
{
  return owner_list (cli, FALSE);
}

/* subscribe NODE JID / unsubscribe NODE JID: the owner <subscriptions>
 * set, the way to (un)subscribe another JID. */
static int
subscribe_jid (Cli        *cli,
               const char *state)
{
  char *set_args[] = { (char *) "set", cli->args[0], NULL, NULL };
  g_autofree char *pair = g_strconcat (cli->args[1], "=", state, NULL);
  char **saved = cli->args;
  guint saved_n = cli->n_args;
  int status;

  set_args[2] = pair;
  cli->args = set_args;
  cli->n_args = 3;
  status = owner_list (cli, FALSE);
  cli->args = saved;
  cli->n_args = saved_n;
  return status;
}

static int
cmd_subscribe (Cli *cli)
{
  g_autoptr(XgbJid) self_jid = xgb_jid_parse (xgb_connection_get_jid (cli->connection), NULL);
  g_autofree char *self_bare = self_jid ? xgb_jid_to_bare (self_jid) : NULL;

  /* Without a JID, or with one's own: a request like any Consumer's
   * (pending where the node wants approval). */
  if (cli->n_args == 1 || g_strcmp0 (cli->args[1], self_bare) == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *state = NULL;
      Waiter w = { 0 };

      xgb_pubsub_service_subscribe_async (cli->service, cli->args[0], NULL, waiter_cb, &w);
      state = xgb_pubsub_service_subscribe_finish (cli->service, waiter_wait (&w), &error);
      waiter_clear (&w);
      if (state == NULL)
        return fail (cli, error);
      xgb_cli_output_begin_object (cli->out, NULL);
      xgb_cli_output_string (cli->out, "node", cli->args[0]);
      xgb_cli_output_string (cli->out, "subscription", state);
      xgb_cli_output_end_object (cli->out);
      return EXIT_OK;
    }

  return subscribe_jid (cli, "subscribed");
}

static int
cmd_unsubscribe (Cli *cli)
{
  return subscribe_jid (cli, "none");
}

static GPtrArray *
pending_of (Cli         *cli,
            const char  *node,
            GError     **error)
{
  Waiter w = { 0 };
  GPtrArray *found;

  xgb_pubsub_service_get_pending_async (cli->service, node, NULL, waiter_cb, &w);
  found = xgb_pubsub_service_get_pending_finish (cli->service, waiter_wait (&w), error);
  waiter_clear (&w);
  return found;
}

/* pending [NODE]: the requests waiting, of one node or of every node the
 * service names through its get-pending command. */
static int
cmd_pending (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) nodes = NULL;

  if (!require (cli, XGB_PUBSUB_CAP_GET_PENDING, _("listing pending subscription requests")))
    return EXIT_UNSUPPORTED;

  if (cli->n_args > 0)
    nodes = g_strdupv (cli->args);
  else
    {
      Waiter w = { 0 };

      xgb_pubsub_service_get_pending_nodes_async (cli->service, NULL, waiter_cb, &w);
      nodes = xgb_pubsub_service_get_pending_nodes_finish (cli->service, waiter_wait (&w), &error);
      waiter_clear (&w);
      if (nodes == NULL)
        return fail (cli, error);
    }

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_begin_array (cli->out, "pending");
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) found = pending_of (cli, nodes[i], &error);

      if (found == NULL)
        return fail (cli, error);
      for (guint j = 0; j < found->len; j++)
        {
          XgbPubsubPending *p = found->pdata[j];

          xgb_cli_output_begin_object (cli->out, NULL);
          xgb_cli_output_string (cli->out, "node", p->node);
          xgb_cli_output_string (cli->out, "jid", p->subscriber);
          xgb_cli_output_string (cli->out, "subid", p->subid);
          xgb_cli_output_end_object (cli->out);
        }
    }
  xgb_cli_output_end_array (cli->out);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

static int
answer_pending (Cli      *cli,
                gboolean  allow)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  guint answered = 0;

  if (!require (cli, XGB_PUBSUB_CAP_GET_PENDING, _("pending subscription requests")))
    return EXIT_UNSUPPORTED;

  found = pending_of (cli, cli->args[0], &error);
  if (found == NULL)
    return fail (cli, error);

  for (guint i = 0; i < found->len; i++)
    {
      XgbPubsubPending *p = found->pdata[i];
      g_autoptr(XgbJid) asked = xgb_jid_parse (cli->args[1], NULL);
      g_autoptr(XgbJid) requester = xgb_jid_parse (p->subscriber, NULL);
      g_autofree char *a = asked ? xgb_jid_to_string (asked) : NULL;
      g_autofree char *b = requester ? xgb_jid_to_string (requester) : NULL;

      if (a == NULL || g_strcmp0 (a, b) != 0)
        continue;
      if (!xgb_pubsub_service_answer_pending (cli->service, p, allow, &error))
        return fail (cli, error);
      answered++;
    }

  if (answered == 0)
    {
      g_printerr (_("xgb-cli: %s has no pending request on %s.\n"), cli->args[1], cli->args[0]);
      return EXIT_REFUSED;
    }

  /* Messages have no answer: make sure ours left before logging out. */
  {
    Waiter w = { 0 };
    g_autoptr(GPtrArray) list = NULL;

    xgb_pubsub_service_get_subscriptions_async (cli->service, cli->args[0], NULL, waiter_cb, &w);
    list = xgb_pubsub_service_list_finish (cli->service, waiter_wait (&w), NULL);
    waiter_clear (&w);
  }

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, allow ? "approved" : "denied", cli->args[1]);
  xgb_cli_output_string (cli->out, "node", cli->args[0]);
  xgb_cli_output_int (cli->out, "requests", answered);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

static int
cmd_approve (Cli *cli)
{
  return answer_pending (cli, TRUE);
}

static int
cmd_deny (Cli *cli)
{
  return answer_pending (cli, FALSE);
}

static int
associate (Cli      *cli,
           gboolean  yes)
{
  Waiter w = { 0 };

  if (!require (cli, XGB_PUBSUB_CAP_COLLECTIONS, _("collections")))
    return EXIT_UNSUPPORTED;

  xgb_pubsub_service_associate_async (cli->service, cli->args[0], cli->args[1], yes, NULL, waiter_cb, &w);
  return change_done (cli, &w, yes ? "associated" : "dissociated", cli->args[1]);
}

static int
cmd_associate (Cli *cli)
{
  return associate (cli, TRUE);
}

static int
cmd_dissociate (Cli *cli)
{
  return associate (cli, FALSE);
}

static int
cmd_parents (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parents = NULL;
  Waiter w = { 0 };

  xgb_pubsub_service_get_parents_async (cli->service, cli->args[0], NULL, waiter_cb, &w);
  parents = xgb_pubsub_service_get_parents_finish (cli->service, waiter_wait (&w), &error);
  waiter_clear (&w);
  if (parents == NULL)
    return fail (cli, error);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "node", cli->args[0]);
  xgb_cli_output_begin_array (cli->out, "parents");
  for (guint i = 0; parents[i] != NULL; i++)
    xgb_cli_output_string (cli->out, NULL, parents[i]);
  xgb_cli_output_end_array (cli->out);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

/* options get NODE JID [SUBID] | options set NODE JID VAR=VALUE… */
static int
cmd_options (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) current = NULL;
  const char *verb = cli->args[0];
  const char *node = cli->args[1];
  const char *jid = cli->args[2];
  gboolean get = g_str_equal (verb, "get");
  const char *subid = get && cli->n_args > 3 ? cli->args[3] : NULL;
  Waiter w = { 0 };

  if (!get && !g_str_equal (verb, "set"))
    {
      g_printerr ("%s\n", _("Usage: xgb-cli options get NODE JID [SUBID] | options set NODE JID VAR=VALUE…"));
      return EXIT_USAGE;
    }

  xgb_pubsub_service_get_options_async (cli->service, node, jid, subid, NULL, waiter_cb, &w);
  current = xgb_pubsub_service_form_finish (cli->service, waiter_wait (&w), &error);
  waiter_clear (&w);
  if (current == NULL)
    return fail (cli, error);

  if (get)
    {
      output_form (cli, node, current);
      return EXIT_OK;
    }
  else
    {
      int status = EXIT_OK;
      g_autofree char *submit = fill_form (cli, current, cli->args + 3, cli->n_args - 3, &status);

      if (submit == NULL)
        return status;
      xgb_pubsub_service_set_options_async (cli->service, node, jid, NULL, submit, NULL, waiter_cb, &w);
      return change_done (cli, &w, "options", node);
    }
}

/* Who is logged in, and how: the login's mechanism, TLS and certificate */
static int
cmd_whoami (Cli *cli)
{
  const XgbSessionInfo *info = xgb_connection_get_session_info (cli->connection);

  xgb_cli_output_begin_object (cli->out, NULL);
  xgb_cli_output_string (cli->out, "jid", xgb_connection_get_jid (cli->connection));
  xgb_cli_output_string (cli->out, "broker", xgb_pubsub_service_get_jid (cli->service));
  xgb_cli_output_string (cli->out, "mechanism", info ? info->mechanism : NULL);
  xgb_cli_output_string (cli->out, "tls-version", info ? info->tls_version : NULL);
  xgb_cli_output_string (cli->out, "cipher", info ? info->cipher : NULL);
  xgb_cli_output_begin_array (cli->out, "offered-mechanisms");
  for (guint i = 0; info != NULL && info->offered != NULL && info->offered[i] != NULL; i++)
    xgb_cli_output_string (cli->out, NULL, info->offered[i]);
  xgb_cli_output_end_array (cli->out);
  xgb_cli_output_begin_object (cli->out, "server-certificate");
  if (info != NULL && info->server_cert != NULL)
    {
      xgb_cli_output_string (cli->out, "subject", info->server_cert->subject);
      xgb_cli_output_string (cli->out, "issuer", info->server_cert->issuer);
      xgb_cli_output_string (cli->out, "not-before", info->server_cert->not_before);
      xgb_cli_output_string (cli->out, "not-after", info->server_cert->not_after);
      xgb_cli_output_string (cli->out, "sha256", info->server_cert->sha256);
    }
  xgb_cli_output_boolean (cli->out, "verified", info != NULL && info->verify_error == NULL);
  xgb_cli_output_boolean (cli->out, "pinned", info != NULL && info->pinned);
  xgb_cli_output_end_object (cli->out);
  xgb_cli_output_end_object (cli->out);
  return EXIT_OK;
}

typedef int (*CommandFunc) (Cli *cli);

static const struct
{
  const char  *name;
  CommandFunc  run;
  guint        min_args;
  guint        max_args;   /* G_MAXUINT: any */
  const char  *usage;
  const char  *summary;
} commands[] = {
  { "whoami", cmd_whoami, 0, 0, "", N_("The account, the Broker, and how the login went (mechanism, TLS, certificate)") },
  { "features", cmd_features, 0, 0, "", N_("The Broker’s identities, features and what this tool can do there") },
  { "nodes", cmd_nodes, 0, 1, "[COLLECTION]", N_("List the nodes (all pages)") },
  { "tree", cmd_tree, 0, 0, "", N_("The nodes as a tree of path-like names") },
  { "info", cmd_info, 1, 1, "NODE", N_("A node’s type, title and features") },
  { "parents", cmd_parents, 1, 1, "NODE", N_("A node’s parent collections, transitively") },
  { "associate", cmd_associate, 2, 2, "COLLECTION NODE", N_("Put a node into a collection (XEP-0248)") },
  { "dissociate", cmd_dissociate, 2, 2, "COLLECTION NODE", N_("Take a node out of a collection") },
  { "create", cmd_create, 1, 1, "NODE [--collection] [--set VAR=VALUE…]", N_("Create a topic or collection") },
  { "delete", cmd_delete, 1, 1, "NODE", N_("Delete a node") },
  { "purge", cmd_purge, 1, 1, "NODE", N_("Delete every persisted item of a topic") },
  { "config", cmd_config, 2, G_MAXUINT, "get NODE | set NODE VAR=VALUE…", N_("Read or change a node’s configuration") },
  { "items", cmd_items, 1, 1, "NODE [--max N] [--page-size N]", N_("List persisted items, page by page") },
  { "publish", cmd_publish, 1, 1, "NODE [--id ID] [--file FILE]", N_("Publish an XML payload (from FILE or stdin)") },
  { "retract", cmd_retract, 2, G_MAXUINT, "NODE ID…", N_("Retract items (32 requests in flight)") },
  { "affiliations", cmd_affiliations, 2, G_MAXUINT, "get NODE | set NODE JID=AFFILIATION…", N_("Read or change who may publish and read") },
  { "subscriptions", cmd_subscriptions, 2, G_MAXUINT, "get NODE | set NODE JID=STATE…", N_("Read or change subscriptions") },
  { "subscribe", cmd_subscribe, 1, 2, "NODE [JID]", N_("Subscribe a JID to a node (without JID: request it for yourself)") },
  { "options", cmd_options, 3, G_MAXUINT, "get NODE JID [SUBID] | set NODE JID VAR=VALUE…", N_("A subscription’s options") },
  { "unsubscribe", cmd_unsubscribe, 2, 2, "NODE JID", N_("Unsubscribe a JID from a node") },
  { "pending", cmd_pending, 0, G_MAXUINT, "[NODE…]", N_("Subscription requests waiting for approval") },
  { "approve", cmd_approve, 2, 2, "NODE JID", N_("Approve a JID’s pending subscription request") },
  { "deny", cmd_deny, 2, 2, "NODE JID", N_("Deny a JID’s pending subscription request") },
};

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-14s %s\n  %-14s   %s %s\n", commands[i].name, _(commands[i].summary),
                            "", commands[i].name, commands[i].usage);
  g_string_append_printf (text, "  %-14s %s\n", "jid", _("Check addresses and print their parts (no login)"));
  g_string_append (text, _("\nExit status: 0 done; 1 the server refused or the operation failed; 2 usage error;\n"
                           "3 cannot log in or the connection was lost; 4 some of several changes failed;\n"
                           "5 the Broker does not support this.\n"
                           "\nThe password comes from --password-file or $XGB_PASSWORD, never from the command line.\n"
                           "With --cert the login uses the certificate (SASL EXTERNAL) and no password; --jid may\n"
                           "then be left out when the certificate names one XMPP address.\n"
                           "With --json, each command prints one JSON document on stdout (see README).\n"));
  return g_string_free (text, FALSE);
}

static int
cmd_jid (char **args,
         guint  n)
{
  int status = EXIT_OK;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XgbJid) jid = xgb_jid_parse (args[i], &error);

      if (jid == NULL)
        {
          g_printerr ("%s: %s\n", args[i], error->message);
          status = EXIT_REFUSED;
          continue;
        }
      g_print ("local=%s\tdomain=%s\tresource=%s\n",
               xgb_jid_get_local (jid) ? xgb_jid_get_local (jid) : "",
               xgb_jid_get_domain (jid),
               xgb_jid_get_resource (jid) ? xgb_jid_get_resource (jid) : "");
    }

  return status;
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  waiter_cb (object, result, data);
}

/* Certificate mode: EXTERNAL only, no password; the JID may come from
 * the certificate's xmppAddr.  The app's checks run here already, so a
 * certificate the server would wrongly accept never goes out. */
static int
cert_login_params (XgbLoginParams  *params,
                   GError         **error)
{
  g_autoptr(XgbClientCert) cert = NULL;
  g_autofree char *jid = NULL;

  if (opt_password_file != NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT,
                           _("--cert and --password-file exclude each other: a certificate login uses no password."));
      return EXIT_USAGE;
    }
  params->cert_file = g_strdup (opt_cert);
  params->key_file = g_strdup (opt_key);
  if (opt_passphrase_file != NULL)
    {
      params->passphrase = xgb_password_read_file (opt_passphrase_file, error);
      if (params->passphrase == NULL)
        {
          g_prefix_error (error, "%s", _("--passphrase-file: "));
          return EXIT_USAGE;
        }
    }

  cert = xgb_client_cert_preflight (params, NULL, &jid, error);
  if (cert == NULL)
    return EXIT_LOGIN;
  if (params->jid == NULL)
    params->jid = g_steal_pointer (&jid);

  return EXIT_OK;
}

/* Without --audit-topic, the audit topic the app uses for this JID and
 * host: the saved account's own, else the app's audit-topic setting */
static char *
saved_audit_topic (const XgbLoginParams *params)
{
  XgbAccounts *accounts = xgb_accounts_get_default ();
  XgbAccount *account = accounts != NULL ? xgb_accounts_find (accounts, params->jid, params->host) : NULL;
  g_autoptr(GSettings) settings = NULL;
  char *topic;

  if (account == NULL)
    return NULL;
  topic = xgb_account_dup_audit_topic (account);
  if (topic != NULL)
    return topic;
  settings = g_settings_new (APP_ID);
  topic = g_settings_get_string (settings, "audit-topic");
  if (*topic == '\0')
    g_clear_pointer (&topic, g_free);
  return topic;
}

static int
login (Cli *cli)
{
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) broker = NULL;
  Waiter w = { 0 };
  gboolean ok;

  if (opt_jid == NULL && opt_cert == NULL)
    {
      g_printerr ("%s\n", _("xgb-cli: --jid is required."));
      return EXIT_USAGE;
    }
  params->jid = g_strdup (opt_jid);
  params->host = g_strdup (opt_host);
  params->ca_file = g_strdup (opt_ca_file);
  params->broker = g_strdup (opt_broker);
  params->allow_weak_mechanisms = opt_allow_weak;
  for (guint i = 0; opt_pins != NULL && opt_pins[i] != NULL; i++)
    {
      g_autofree char *pin = xgb_cert_fingerprint_normalize (opt_pins[i], &error);

      if (pin == NULL)
        {
          g_printerr ("xgb-cli: --pin: %s\n", error->message);
          return EXIT_USAGE;
        }
      xgb_login_params_add_pin (params, pin);
    }
  if (opt_port < 0 || opt_port > 65535)
    {
      g_printerr (_("xgb-cli: invalid port %d.\n"), opt_port);
      return EXIT_USAGE;
    }
  params->port = (guint) opt_port;

  if (opt_cert != NULL)
    {
      int status = cert_login_params (params, &error);

      if (status != EXIT_OK)
        {
          g_printerr ("xgb-cli: %s\n", error->message);
          return status;
        }
    }
  else if (opt_key != NULL || opt_passphrase_file != NULL)
    {
      g_printerr ("%s\n", _("xgb-cli: --key and --passphrase-file need --cert."));
      return EXIT_USAGE;
    }
  else if (opt_password_file != NULL)
    {
      params->password = xgb_password_read_file (opt_password_file, &error);
      if (params->password == NULL)
        {
          g_printerr ("xgb-cli: %s\n", error->message);
          return EXIT_USAGE;
        }
    }
  else if (g_getenv ("XGB_PASSWORD") != NULL)
    xgb_login_params_set_password (params, g_getenv ("XGB_PASSWORD"));
  else
    {
      g_printerr ("%s\n", _("xgb-cli: give the password with --password-file FILE or in $XGB_PASSWORD."));
      return EXIT_USAGE;
    }

  if (!xgb_login_params_validate (params, &error))
    {
      g_printerr ("xgb-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  cli->connection = xgb_connection_new (params);
  xgb_connection_connect_async (cli->connection, NULL, connected_cb, &w);
  ok = xgb_connection_connect_finish (cli->connection, waiter_wait (&w), &error);
  waiter_clear (&w);
  if (!ok)
    {
      const XgbSessionInfo *info = xgb_connection_get_session_info (cli->connection);

      g_printerr ("xgb-cli: %s\n", error->message);
      /* No dialog here: say how to trust it, after checking it */
      if (info != NULL && info->server_cert != NULL && g_error_matches (error, XGB_ERROR, XGB_ERROR_TLS) &&
          info->verify_error != NULL)
        g_printerr (_("xgb-cli: if the server’s operator confirms this fingerprint, trust the certificate with --pin %s\n"),
                    info->server_cert->sha256);
      else if (g_error_matches (error, XGB_ERROR, XGB_ERROR_WEAK_MECHANISM))
        g_printerr ("%s\n", _("xgb-cli: --allow-weak-mechanisms allows it."));
      return EXIT_LOGIN;
    }

  xgb_find_broker_async (cli->connection, opt_broker, NULL, waiter_cb, &w);
  broker = xgb_find_broker_finish (cli->connection, waiter_wait (&w), &error);
  waiter_clear (&w);
  if (broker == NULL)
    {
      g_printerr ("xgb-cli: %s\n", error->message);
      return EXIT_LOGIN;
    }

  cli->service = xgb_pubsub_service_new (cli->connection, broker);
  {
    g_autofree char *audit_topic = opt_audit_topic != NULL ? g_strdup (opt_audit_topic) : saved_audit_topic (params);

    cli->auditor = xgb_auditor_new (cli->service, xgb_audit_log_get_default (), audit_topic);
  }
  return EXIT_OK;
}

/* Every change is in the local log, and on the audit topic if one was
 * named, before the program ends */
static void
finish_audit (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  if (cli->auditor == NULL)
    return;
  while (xgb_auditor_get_n_pending (cli->auditor) > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (xgb_auditor_get_n_pending (cli->auditor) > 0)
    g_printerr (_("xgb-cli: audit entries not confirmed by the audit topic “%s” after 10 s.\n"),
                xgb_auditor_get_topic (cli->auditor));
  else if (xgb_auditor_get_publish_error (cli->auditor) != NULL)
    g_printerr (_("xgb-cli: an audit entry was not published to “%s”: %s\n"), xgb_auditor_get_topic (cli->auditor),
                xgb_auditor_get_publish_error (cli->auditor)->message);
  if (!xgb_audit_log_flush (xgb_audit_log_get_default (), &error))
    g_printerr ("xgb-cli: %s\n", error->message);
  g_clear_object (&cli->auditor);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  Cli cli = { 0 };
  gint64 start = g_get_monotonic_time ();
  int status;
  guint index;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Debug messages too (G_MESSAGES_DEBUG): stdout is for results only */
  g_log_writer_default_set_use_stderr (TRUE);

  context = g_option_context_new (_("COMMAND [ARGUMENTS…] — administer an XMPP-Grid Broker"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  description = describe_commands ();
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("xgb-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_version)
    {
      g_print ("xgb-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return EXIT_USAGE;
    }
  if (opt_page_size < 1 || opt_page_size > 10000)
    {
      g_printerr ("%s\n", _("xgb-cli: --page-size must be between 1 and 10000."));
      return EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "jid"))
    return cmd_jid (argv + 2, (guint) argc - 2);

  for (index = 0; index < G_N_ELEMENTS (commands); index++)
    if (g_str_equal (argv[1], commands[index].name))
      break;
  if (index == G_N_ELEMENTS (commands))
    {
      g_printerr (_("xgb-cli: unknown command “%s”; see xgb-cli --help.\n"), argv[1]);
      return EXIT_USAGE;
    }
  if ((guint) argc - 2 < commands[index].min_args || (guint) argc - 2 > commands[index].max_args)
    {
      g_printerr (_("Usage: xgb-cli %s %s\n"), commands[index].name, commands[index].usage);
      return EXIT_USAGE;
    }

  status = login (&cli);
  if (status == EXIT_OK)
    {
      cli.out = xgb_cli_output_new (opt_json);
      cli.args = argv + 2;
      cli.n_args = (guint) argc - 2;
      status = commands[index].run (&cli);
      finish_audit (&cli);
      xgb_cli_output_finish (cli.out);
      g_clear_pointer (&cli.out, xgb_cli_output_free);
    }

  if (opt_stats && cli.connection != NULL)
    {
      const XgbConnectionStats *stats = xgb_connection_get_stats (cli.connection);

      g_printerr ("stats: requests=%" G_GUINT64_FORMAT " replies=%" G_GUINT64_FORMAT
                  " bytes_sent=%" G_GUINT64_FORMAT " bytes_received=%" G_GUINT64_FORMAT
                  " seconds=%.3f\n",
                  stats->requests, stats->replies, stats->bytes_sent, stats->bytes_received,
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
    }

  if (cli.connection != NULL)
    xgb_connection_disconnect (cli.connection);
  g_clear_object (&cli.service);
  g_clear_object (&cli.connection);
  xgb_connection_wait_for_threads (2000);

  return status;
}
