/* xgb-cli-output.h - what xgb-cli prints: text for people, JSON for scripts
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _XgbCliOutput XgbCliOutput;

XgbCliOutput *xgb_cli_output_new          (gboolean      json);
void          xgb_cli_output_free         (XgbCliOutput *out);

/* @key is NULL inside arrays and for the document itself. */
void          xgb_cli_output_begin_object (XgbCliOutput *out,
                                           const char   *key);
void          xgb_cli_output_end_object   (XgbCliOutput *out);
void          xgb_cli_output_begin_array  (XgbCliOutput *out,
                                           const char   *key);
void          xgb_cli_output_end_array    (XgbCliOutput *out);
void          xgb_cli_output_string       (XgbCliOutput *out,
                                           const char   *key,
                                           const char   *value);
void          xgb_cli_output_int          (XgbCliOutput *out,
                                           const char   *key,
                                           gint64        value);
void          xgb_cli_output_boolean      (XgbCliOutput *out,
                                           const char   *key,
                                           gboolean      value);
/* An XML payload: whole in JSON, its first line in text. */
void          xgb_cli_output_payload      (XgbCliOutput *out,
                                           const char   *key,
                                           const char   *xml);
/* Prints the document to stdout. */
void          xgb_cli_output_finish       (XgbCliOutput *out);
char         *xgb_cli_output_to_string    (XgbCliOutput *out);

G_END_DECLS
