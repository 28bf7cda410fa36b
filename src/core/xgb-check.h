/* xgb-check.h - the Controller check: what the grid needs, and what this
 * Controller offers
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "xgb-pubsub.h"

G_BEGIN_DECLS

typedef enum
{
  XGB_CHECK_REQUIRED,
  XGB_CHECK_RECOMMENDED,
  XGB_CHECK_OPTIONAL,
} XgbCheckLevel;

typedef enum
{
  XGB_CHECK_PASS,
  XGB_CHECK_WARN,
  XGB_CHECK_FAIL,
  XGB_CHECK_UNKNOWN,   /* not known yet (e.g. not scanned) */
} XgbCheckStatus;

typedef enum
{
  XGB_CHECK_GROUP_PROTOCOL,   /* XEPs and XEP-0060 features */
  XGB_CHECK_GROUP_SECURITY,   /* the draft's security recommendations */
} XgbCheckGroup;

typedef struct
{
  XgbCheckGroup   group;
  char           *id;        /* stable: "xep-0060#create-nodes", "tls-version" */
  char           *title;     /* "XEP-0060: create-nodes" */
  XgbCheckLevel   level;
  XgbCheckStatus  status;
  char           *detail;    /* what was found */
  char           *effect;    /* nullable: what the app disables because of it */
} XgbCheckRow;

/**
 * XgbCheckInput:
 * What is known about the Controller.  Every field but @info may be
 * unknown (%NULL): its rows then say so instead of guessing.
 */
typedef struct
{
  const XgbDiscoInfo *info;                 /* the Broker's disco#info */
  const char         *account;              /* the admin's JID */
  const char         *tls_version;          /* "TLSv1.3" */
  const char         *cipher;
  const char         *mechanism;            /* the SASL mechanism used */
  const char * const *mechanisms;           /* those offered */
  const char         *default_access_model; /* from the default node configuration */
  gboolean            nodes_scanned;
  guint               n_nodes;              /* how many were scanned */
  const char * const *open_nodes;           /* "node (access model open)" … */
} XgbCheckInput;

const char   *xgb_check_level_to_string  (XgbCheckLevel   level);
const char   *xgb_check_status_to_string (XgbCheckStatus  status);

/* (element-type XgbCheckRow) */
GPtrArray    *xgb_check_evaluate         (const XgbCheckInput *input);
char         *xgb_check_to_markdown      (const XgbCheckInput *input,
                                          GPtrArray           *rows);
void          xgb_check_row_free         (XgbCheckRow         *row);

/* The scan for topics that anyone may read or publish to */
typedef void (*XgbCheckProgress) (guint    done,
                                  guint    total,
                                  gpointer user_data);

void          xgb_check_scan_nodes_async  (XgbPubsubService    *service,
                                           const char * const  *nodes,
                                           XgbCheckProgress     progress,
                                           gpointer             progress_data,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* Returns: (transfer full): "node: access model open", … in node order;
 * @n_failed: how many could not be read (e.g. not an owner) */
GStrv         xgb_check_scan_nodes_finish (XgbPubsubService    *service,
                                           GAsyncResult        *result,
                                           guint               *n_failed,
                                           GError             **error);

G_END_DECLS
