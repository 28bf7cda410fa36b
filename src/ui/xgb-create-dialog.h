/* xgb-create-dialog.h - a new topic or collection
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-pubsub.h"

G_BEGIN_DECLS

typedef struct
{
  char     *name;
  gboolean  collection;
  char     *access_model;   /* whitelist, authorize, open */
  char     *title;          /* nullable */
  GStrv     publishers;     /* bare JIDs */
  GStrv     consumers;      /* bare JIDs, subscribed at once */
  GStrv     parents;        /* collections to put it in (nesting services) */
  char     *config;         /* nullable: the advanced form, submitted */
} XgbCreateRequest;

void xgb_create_request_free (XgbCreateRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbCreateRequest, xgb_create_request_free)

#define XGB_TYPE_CREATE_DIALOG (xgb_create_dialog_get_type ())
G_DECLARE_FINAL_TYPE (XgbCreateDialog, xgb_create_dialog, XGB, CREATE_DIALOG, GtkWindow)

XgbCreateDialog  *xgb_create_dialog_new        (GtkWindow       *parent,
                                                const char      *prefix);
void              xgb_create_dialog_run_async  (XgbCreateDialog *self,
                                                GCancellable    *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer         user_data);
/* NULL (no error) when the admin cancelled */
XgbCreateRequest *xgb_create_dialog_run_finish (XgbCreateDialog *self,
                                                GAsyncResult    *result,
                                                GError         **error);
gboolean          xgb_create_dialog_submit     (XgbCreateDialog *self);
void              xgb_create_dialog_set_service (XgbCreateDialog *self,
                                                 XgbPubsubService *service,
                                                 gboolean         nests);
void              xgb_create_dialog_show_advanced (XgbCreateDialog *self);

G_END_DECLS
