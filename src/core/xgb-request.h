/* xgb-request.h - one IQ request whose reply is parsed into a result
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "xgb-connection.h"

G_BEGIN_DECLS

/**
 * XgbReplyParser:
 * @iq: the `<iq type='result'>` reply
 * @data: the parser data given to xgb_request_async()
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 */
typedef gpointer (*XgbReplyParser) (const xmlNode  *iq,
                                    gpointer        data,
                                    GError        **error);

void      xgb_request_async   (XgbConnection       *connection,
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
                               gpointer             user_data);
gpointer  xgb_request_finish  (XgbConnection       *connection,
                               GAsyncResult        *result,
                               gpointer             source_tag,
                               GError             **error);

G_END_DECLS
