/* xgb-request.c - one IQ request whose reply is parsed into a result
 *
 * Every protocol operation is the same three steps: build a payload,
 * send it, parse the reply (or turn an error reply into a GError).  This
 * is those steps once.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-request"

#include "config.h"

#include "xgb-request.h"

typedef struct
{
  XgbReplyParser  parser;
  gpointer        parser_data;
  GDestroyNotify  parser_data_free;
  GDestroyNotify  result_free;
} Request;

static void
request_free (gpointer data)
{
  Request *r = data;

  if (r->parser_data_free != NULL)
    r->parser_data_free (r->parser_data);
  g_free (r);
}

static void
reply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = xgb_connection_send_iq_finish (XGB_CONNECTION (object), result, &error);
  gpointer parsed;

  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  parsed = r->parser (xmlDocGetRootElement (doc), r->parser_data, &error);
  if (parsed == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, parsed, r->result_free);
}

/**
 * xgb_request_async:
 * @type: "get" or "set"
 * @to: (nullable): the addressee
 * @payload: (nullable): the IQ's child element
 * @parser: turns the reply into the result
 * @source_tag: the public function's address, checked by the finish
 */
void
xgb_request_async (XgbConnection       *connection,
                   const char          *type,
                   const char          *to,
                   const char          *payload,
                   XgbReplyParser       parser,
                   gpointer             parser_data,
                   GDestroyNotify       parser_data_free,
                   GDestroyNotify       result_free,
                   gpointer             source_tag,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task;
  Request *r;

  g_return_if_fail (XGB_IS_CONNECTION (connection));
  g_return_if_fail (parser != NULL);

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  r = g_new0 (Request, 1);
  r->parser = parser;
  r->parser_data = parser_data;
  r->parser_data_free = parser_data_free;
  r->result_free = result_free;
  g_task_set_task_data (task, r, request_free);

  xgb_connection_send_iq_async (connection, type, to, payload, cancellable, reply_cb, task);
}

gpointer
xgb_request_finish (XgbConnection  *connection,
                    GAsyncResult   *result,
                    gpointer        source_tag,
                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, connection), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
