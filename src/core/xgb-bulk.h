/* xgb-bulk.h - one affiliation or subscription change on many nodes
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xgb-node.h"
#include "xgb-pubsub.h"

G_BEGIN_DECLS

typedef enum
{
  XGB_BULK_AFFILIATION,    /* value: owner, publisher, publish-only, member, none, outcast */
  XGB_BULK_SUBSCRIPTION,   /* value: subscribed, none */
} XgbBulkKind;

/**
 * XgbBulkOutcome:
 * Where one target stands: the preview's verdicts first, then what
 * applying did.
 */
typedef enum
{
  XGB_BULK_UNREAD,          /* not read (yet) */
  XGB_BULK_WILL_CHANGE,     /* from → to */
  XGB_BULK_ALREADY,         /* already so: skipped */
  XGB_BULK_REFUSED,         /* the guard refuses it: skipped */
  XGB_BULK_UNREADABLE,      /* reading failed: skipped */
  XGB_BULK_DONE,
  XGB_BULK_FAILED,          /* the server refused or did not answer */
  XGB_BULK_NOT_ATTEMPTED,   /* stopped before it was sent */
  XGB_BULK_N_OUTCOMES
} XgbBulkOutcome;

typedef struct
{
  char           *node;
  XgbBulkOutcome  outcome;
  char           *from;      /* nullable: the value the preview read */
  gboolean        confirm;   /* the guard asks first (the admin's own downgrade) */
  char           *reason;    /* nullable: the guard's explanation, or what failed */
} XgbBulkTarget;

XgbBulkOutcome  xgb_bulk_classify   (XgbBulkKind   kind,
                                     GPtrArray    *current,
                                     const char   *node,
                                     const char   *own_jid,
                                     const char   *jid,
                                     const char   *value,
                                     char        **from,
                                     char        **reason,
                                     gboolean     *confirm);
char           *xgb_bulk_explain_error (const GError *error);

/* Targets ----------------------------------------------------------- */

void            xgb_bulk_collect_async  (XgbNodeTree        *tree,
                                         XgbNode            *scope,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
GStrv           xgb_bulk_collect_finish (XgbNodeTree        *tree,
                                         GAsyncResult       *result,
                                         GError            **error);

/* The change -------------------------------------------------------- */

#define XGB_BULK_MAX_IN_FLIGHT 4

#define XGB_TYPE_BULK (xgb_bulk_get_type ())
G_DECLARE_FINAL_TYPE (XgbBulk, xgb_bulk, XGB, BULK, GObject)

XgbBulk             *xgb_bulk_new            (XgbPubsubService   *service,
                                              const char * const *nodes,
                                              XgbBulkKind         kind,
                                              const char         *jid,
                                              const char         *value);
XgbBulkKind          xgb_bulk_get_kind       (XgbBulk            *self);
const char          *xgb_bulk_get_jid        (XgbBulk            *self);
const char          *xgb_bulk_get_value      (XgbBulk            *self);
guint                xgb_bulk_get_n_targets  (XgbBulk            *self);
const XgbBulkTarget *xgb_bulk_get_target     (XgbBulk            *self,
                                              guint               index);
guint                xgb_bulk_count          (XgbBulk            *self,
                                              XgbBulkOutcome      outcome);
guint                xgb_bulk_count_confirm  (XgbBulk            *self);
guint                xgb_bulk_get_done       (XgbBulk            *self);
guint                xgb_bulk_get_total      (XgbBulk            *self);
gboolean             xgb_bulk_get_running    (XgbBulk            *self);

void                 xgb_bulk_preview_async  (XgbBulk            *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean             xgb_bulk_preview_finish (XgbBulk            *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void                 xgb_bulk_apply_async    (XgbBulk            *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean             xgb_bulk_apply_finish   (XgbBulk            *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void                 xgb_bulk_stop           (XgbBulk            *self);

G_END_DECLS
