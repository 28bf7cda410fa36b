/* xgb-file-chooser.h - the one place that asks for a file
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void   xgb_file_chooser_save_async  (GtkWindow           *parent,
                                     const char          *title,
                                     const char          *suggested_name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* Returns: (transfer full) (nullable): the chosen file; %NULL when the
 * admin cancelled (no error then) */
GFile *xgb_file_chooser_save_finish (GAsyncResult        *result,
                                     GError             **error);

void   xgb_file_chooser_open_async  (GtkWindow           *parent,
                                     const char          *title,
                                     const char          *filter_name,
                                     const char * const  *patterns,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* Returns: (transfer full) (nullable): the chosen file; %NULL when the
 * admin cancelled (no error then) */
GFile *xgb_file_chooser_open_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
