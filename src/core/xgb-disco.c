/* xgb-disco.c - service discovery (XEP-0030) and finding the Broker
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-disco"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xgb-disco.h"
#include "xgb-error.h"
#include "xgb-form.h"
#include "xgb-request.h"
#include "xgb-xml.h"

/* style.md: per-entity look-ups, at most this many in flight */
#define MAX_IN_FLIGHT 8

static void
identity_free (gpointer data)
{
  XgbDiscoIdentity *identity = data;

  g_free (identity->category);
  g_free (identity->type);
  g_free (identity->name);
  g_free (identity);
}

void
xgb_disco_info_free (XgbDiscoInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->jid);
  g_free (info->node);
  g_clear_pointer (&info->identities, g_ptr_array_unref);
  g_clear_pointer (&info->features, g_ptr_array_unref);
  g_clear_pointer (&info->forms, g_ptr_array_unref);
  g_free (info);
}

void
xgb_disco_item_free (XgbDiscoItem *item)
{
  if (item == NULL)
    return;

  g_free (item->jid);
  g_free (item->node);
  g_free (item->name);
  g_free (item);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static xmlNode *
result_query (const xmlNode  *iq,
              const char     *ns,
              GError        **error)
{
  g_autofree char *type = NULL;
  xmlNode *query;

  if (!xgb_xml_is (iq, "iq", NULL))
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server’s answer is not an IQ stanza."));
      return NULL;
    }

  type = xgb_xml_get_attr (iq, "type");
  if (g_strcmp0 (type, "error") == 0)
    {
      xgb_stanza_error_propagate (iq, error);
      return NULL;
    }

  query = xgb_xml_child (iq, "query", ns);
  if (g_strcmp0 (type, "result") != 0 || query == NULL)
    {
      g_set_error_literal (error, XGB_ERROR, XGB_ERROR_PROTOCOL,
                           _("The server’s answer to a discovery request has no result."));
      return NULL;
    }

  return query;
}

/**
 * xgb_disco_info_parse:
 * @iq: an `<iq type='result'>` with a disco#info query (or an error)
 *
 * Identities without category or type and features without var are
 * dropped; duplicate features are kept once.
 */
XgbDiscoInfo *
xgb_disco_info_parse (const xmlNode  *iq,
                      GError        **error)
{
  xmlNode *query = result_query (iq, XGB_NS_DISCO_INFO, error);
  XgbDiscoInfo *info;
  guint j = 0;

  if (query == NULL)
    return NULL;

  info = g_new0 (XgbDiscoInfo, 1);
  info->jid = xgb_xml_get_attr (iq, "from");
  info->node = xgb_xml_get_attr (query, "node");
  info->identities = g_ptr_array_new_with_free_func (identity_free);
  info->features = g_ptr_array_new_with_free_func (g_free);
  info->forms = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_form_free);

  for (xmlNode *c = query->children; c != NULL; c = c->next)
    {
      if (xgb_xml_is (c, "x", XGB_NS_DATA_FORMS))
        {
          /* A broken extension form is dropped, not the whole answer. */
          XgbForm *form = xgb_form_parse (c, NULL);

          if (form != NULL)
            g_ptr_array_add (info->forms, form);
          continue;
        }
      if (xgb_xml_is (c, "identity", XGB_NS_DISCO_INFO))
        {
          g_autofree char *category = xgb_xml_get_attr (c, "category");
          g_autofree char *type = xgb_xml_get_attr (c, "type");
          XgbDiscoIdentity *identity;

          if (category == NULL || type == NULL)
            continue;
          identity = g_new0 (XgbDiscoIdentity, 1);
          identity->category = g_steal_pointer (&category);
          identity->type = g_steal_pointer (&type);
          identity->name = xgb_xml_get_attr (c, "name");
          g_ptr_array_add (info->identities, identity);
        }
      else if (xgb_xml_is (c, "feature", XGB_NS_DISCO_INFO))
        {
          char *var = xgb_xml_get_attr (c, "var");

          if (var != NULL)
            g_ptr_array_add (info->features, var);
        }
    }

  g_ptr_array_sort (info->features, compare_strings);
  for (guint i = 0; i < info->features->len; i++)
    if (j == 0 || strcmp (info->features->pdata[j - 1], info->features->pdata[i]) != 0)
      {
        char *tmp = info->features->pdata[j];

        info->features->pdata[j] = info->features->pdata[i];
        info->features->pdata[i] = tmp;
        j++;
      }
  g_ptr_array_set_size (info->features, j);

  return info;
}

gboolean
xgb_disco_info_has_identity (const XgbDiscoInfo *info,
                             const char         *category,
                             const char         *type)
{
  g_return_val_if_fail (info != NULL, FALSE);

  for (guint i = 0; i < info->identities->len; i++)
    {
      const XgbDiscoIdentity *identity = info->identities->pdata[i];

      if (g_strcmp0 (identity->category, category) == 0 &&
          (type == NULL || g_strcmp0 (identity->type, type) == 0))
        return TRUE;
    }

  return FALSE;
}

gboolean
xgb_disco_info_has_feature (const XgbDiscoInfo *info,
                            const char         *feature)
{
  g_return_val_if_fail (info != NULL, FALSE);

  return g_ptr_array_find_with_equal_func (info->features, feature, g_str_equal, NULL);
}

/**
 * xgb_disco_info_get_form_value:
 * @form_type: the FORM_TYPE, e.g. "http://jabber.org/protocol/pubsub#meta-data"
 *
 * Returns: (nullable): the first value of @var in that extension form
 */
const char *
xgb_disco_info_get_form_value (const XgbDiscoInfo *info,
                               const char         *form_type,
                               const char         *var)
{
  g_return_val_if_fail (info != NULL, NULL);

  for (guint i = 0; info->forms != NULL && i < info->forms->len; i++)
    if (g_strcmp0 (xgb_form_get_form_type (info->forms->pdata[i]), form_type) == 0)
      return xgb_form_get_value (info->forms->pdata[i], var);

  return NULL;
}

/**
 * xgb_disco_items_parse:
 *
 * Returns: (transfer full) (element-type XgbDiscoItem): the items; those
 *   without a jid are dropped
 */
GPtrArray *
xgb_disco_items_parse (const xmlNode  *iq,
                       GError        **error)
{
  xmlNode *query = result_query (iq, XGB_NS_DISCO_ITEMS, error);
  GPtrArray *items;

  if (query == NULL)
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_disco_item_free);
  for (xmlNode *c = query->children; c != NULL; c = c->next)
    {
      g_autofree char *jid = NULL;
      XgbDiscoItem *item;

      if (!xgb_xml_is (c, "item", XGB_NS_DISCO_ITEMS))
        continue;
      jid = xgb_xml_get_attr (c, "jid");
      if (jid == NULL)
        continue;
      item = g_new0 (XgbDiscoItem, 1);
      item->jid = g_steal_pointer (&jid);
      item->node = xgb_xml_get_attr (c, "node");
      item->name = xgb_xml_get_attr (c, "name");
      g_ptr_array_add (items, item);
    }

  return items;
}

static char *
disco_query (const char *ns,
             const char *node)
{
  if (node != NULL)
    return g_markup_printf_escaped ("<query xmlns='%s' node='%s'/>", ns, node);
  return g_markup_printf_escaped ("<query xmlns='%s'/>", ns);
}

static gpointer
parse_info_reply (const xmlNode  *iq,
                  gpointer        asked,
                  GError        **error)
{
  XgbDiscoInfo *info = xgb_disco_info_parse (iq, error);

  /* A reply without 'from' came from where we asked. */
  if (info != NULL && info->jid == NULL)
    info->jid = g_strdup (asked);
  return info;
}

void
xgb_disco_info_async (XgbConnection       *connection,
                      const char          *jid,
                      const char          *node,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autofree char *query = disco_query (XGB_NS_DISCO_INFO, node);

  xgb_request_async (connection, "get", jid, query,
                     parse_info_reply, g_strdup (jid), g_free,
                     (GDestroyNotify) xgb_disco_info_free, xgb_disco_info_async,
                     cancellable, callback, user_data);
}

XgbDiscoInfo *
xgb_disco_info_finish (XgbConnection  *connection,
                       GAsyncResult   *result,
                       GError        **error)
{
  return xgb_request_finish (connection, result, xgb_disco_info_async, error);
}

static gpointer
parse_items_reply (const xmlNode  *iq,
                   gpointer        data,
                   GError        **error)
{
  return xgb_disco_items_parse (iq, error);
}

void
xgb_disco_items_async (XgbConnection       *connection,
                       const char          *jid,
                       const char          *node,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autofree char *query = disco_query (XGB_NS_DISCO_ITEMS, node);

  xgb_request_async (connection, "get", jid, query,
                     parse_items_reply, NULL, NULL,
                     (GDestroyNotify) g_ptr_array_unref, xgb_disco_items_async,
                     cancellable, callback, user_data);
}

GPtrArray *
xgb_disco_items_finish (XgbConnection  *connection,
                        GAsyncResult   *result,
                        GError        **error)
{
  return xgb_request_finish (connection, result, xgb_disco_items_async, error);
}

/* --- finding the Broker --------------------------------------------- */

typedef struct
{
  GPtrArray    *candidates;   /* of char* JIDs, in the order to ask */
  guint         next;
  guint         in_flight;
  XgbDiscoInfo *found;
  guint         found_rank;   /* index of the candidate found */
  GError       *first_error;
  gboolean      returned;     /* the task got its result; late replies are dropped */
} FindBroker;

static void
find_broker_free (gpointer data)
{
  FindBroker *fb = data;

  g_clear_pointer (&fb->candidates, g_ptr_array_unref);
  g_clear_pointer (&fb->found, xgb_disco_info_free);
  g_clear_error (&fb->first_error);
  g_free (fb);
}

static void find_broker_next (GTask *task);

static void
candidate_info_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindBroker *fb = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  XgbDiscoInfo *info = xgb_disco_info_finish (XGB_CONNECTION (object), result, &error);

  fb->in_flight--;
  if (fb->returned)
    {
      g_clear_pointer (&info, xgb_disco_info_free);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, XGB_ERROR, XGB_ERROR_CONNECTION_LOST))
    {
      /* No point asking further candidates. */
      fb->returned = TRUE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (info != NULL && xgb_disco_info_has_identity (info, "pubsub", "service"))
    {
      guint rank = 0;

      g_ptr_array_find_with_equal_func (fb->candidates, info->jid, g_str_equal, &rank);
      /* The earliest candidate wins, whatever answers first. */
      if (fb->found == NULL || rank < fb->found_rank)
        {
          g_clear_pointer (&fb->found, xgb_disco_info_free);
          fb->found = g_steal_pointer (&info);
          fb->found_rank = rank;
        }
    }
  else if (error != NULL && fb->first_error == NULL &&
           !g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_ITEM_NOT_FOUND) &&
           !g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_SERVICE_UNAVAILABLE) &&
           !g_error_matches (error, XGB_STANZA_ERROR, XGB_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND))
    fb->first_error = g_steal_pointer (&error);
  g_clear_pointer (&info, xgb_disco_info_free);

  find_broker_next (task);
}

static void
find_broker_next (GTask *task)
{
  FindBroker *fb = g_task_get_task_data (task);
  XgbConnection *connection = g_task_get_source_object (task);

  g_assert (!fb->returned);

  /* Once found, wait only for earlier candidates still in flight. */
  while (fb->found == NULL && fb->in_flight < MAX_IN_FLIGHT && fb->next < fb->candidates->len)
    {
      fb->in_flight++;
      xgb_disco_info_async (connection, fb->candidates->pdata[fb->next++], NULL,
                            g_task_get_cancellable (task), candidate_info_cb,
                            g_object_ref (task));
    }

  if (fb->in_flight > 0)
    return;

  fb->returned = TRUE;
  if (fb->found != NULL)
    g_task_return_pointer (task, g_steal_pointer (&fb->found), (GDestroyNotify) xgb_disco_info_free);
  else if (fb->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&fb->first_error));
  else
    g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_FAILED,
                             _("The server %s lists no publish-subscribe service. Enter the Broker’s JID under Server Options."),
                             xgb_connection_get_domain (connection));
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const char *ja = *(const char * const *) a;
  const char *jb = *(const char * const *) b;
  /* The usual names first: pubsub.example.org */
  gboolean pa = g_str_has_prefix (ja, "pubsub.");
  gboolean pb = g_str_has_prefix (jb, "pubsub.");

  return pa != pb ? (pa ? -1 : 1) : 0;
}

static void
domain_items_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindBroker *fb = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = xgb_disco_items_finish (XGB_CONNECTION (object), result, &error);

  if (items == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      XgbDiscoItem *item = items->pdata[i];

      /* Services are items without a node; skip duplicates. */
      if (item->node == NULL &&
          !g_ptr_array_find_with_equal_func (fb->candidates, item->jid, g_str_equal, NULL))
        g_ptr_array_add (fb->candidates, g_strdup (item->jid));
    }
  g_ptr_array_sort (fb->candidates, compare_candidates);

  find_broker_next (task);
}

/* A JID the admin typed may name a service that lists pubsub features
 * without any identity (XEP-0248's own example does).  An entity with
 * another identity - a server with PEP features - is no Broker. */
static gboolean
has_pubsub_feature (const XgbDiscoInfo *info)
{
  if (info->identities->len > 0)
    return FALSE;
  for (guint i = 0; i < info->features->len; i++)
    if (g_str_has_prefix (info->features->pdata[i], "http://jabber.org/protocol/pubsub"))
      return TRUE;
  return FALSE;
}

static void
typed_broker_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XgbDiscoInfo) info = xgb_disco_info_finish (XGB_CONNECTION (object), result, &error);

  if (info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!xgb_disco_info_has_identity (info, "pubsub", "service") && !has_pubsub_feature (info))
    {
      g_task_return_new_error (task, XGB_ERROR, XGB_ERROR_FAILED,
                               _("%s is not a publish-subscribe service (it has no pubsub/service identity and no pubsub feature)."),
                               info->jid);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify) xgb_disco_info_free);
}

/**
 * xgb_find_broker_async:
 * @broker: (nullable): the Broker JID the admin gave; %NULL to look for
 *   it among the server's disco#items
 *
 * Finds the entity with the identity pubsub/service and returns its
 * disco#info (identities and features).
 */
void
xgb_find_broker_async (XgbConnection       *connection,
                       const char          *broker,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (connection, cancellable, callback, user_data);
  FindBroker *fb = g_new0 (FindBroker, 1);

  g_task_set_source_tag (task, xgb_find_broker_async);
  fb->candidates = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, fb, find_broker_free);

  if (broker != NULL)
    xgb_disco_info_async (connection, broker, NULL, cancellable, typed_broker_cb, task);
  else
    xgb_disco_items_async (connection, xgb_connection_get_domain (connection), NULL,
                           cancellable, domain_items_cb, task);
}

XgbDiscoInfo *
xgb_find_broker_finish (XgbConnection  *connection,
                        GAsyncResult   *result,
                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, connection), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
