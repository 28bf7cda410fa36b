/* xgb-list-pane.h - the common part of a node page's list tabs
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "xgb-pubsub.h"

G_BEGIN_DECLS

/* Embedded in a tab widget; the widgets come from its template. */
typedef struct
{
  GtkLabel         *intro;
  GtkListBox       *list;
  GtkWidget        *add_box;
  GtkEntry         *jid_entry;
  GtkLabel         *status;

  XgbPubsubService *service;
  char             *node;
  GPtrArray        *current;       /* as last read from the server */
  GCancellable     *cancellable;
  gboolean          busy;
  gboolean          refocus;       /* the entry had the focus before busy */
} XgbListPane;

#define XGB_LIST_PANE_BIND(widget_class, Type, member)                                                    \
  G_STMT_START {                                                                                          \
    gtk_widget_class_bind_template_child_full (widget_class, "intro", FALSE,                              \
                                               G_STRUCT_OFFSET (Type, member.intro));                     \
    gtk_widget_class_bind_template_child_full (widget_class, "list", FALSE,                               \
                                               G_STRUCT_OFFSET (Type, member.list));                      \
    gtk_widget_class_bind_template_child_full (widget_class, "add_box", FALSE,                            \
                                               G_STRUCT_OFFSET (Type, member.add_box));                   \
    gtk_widget_class_bind_template_child_full (widget_class, "jid_entry", FALSE,                          \
                                               G_STRUCT_OFFSET (Type, member.jid_entry));                 \
    gtk_widget_class_bind_template_child_full (widget_class, "status", FALSE,                             \
                                               G_STRUCT_OFFSET (Type, member.status));                    \
  } G_STMT_END

gboolean  xgb_list_pane_load      (XgbListPane      *pane,
                                   XgbPubsubService *service,
                                   const char       *node,
                                   const char       *folder_text,
                                   const char       *intro_text);
void      xgb_list_pane_clear_rows (XgbListPane     *pane);
void      xgb_list_pane_set_busy  (XgbListPane      *pane,
                                   gboolean          busy);
void      xgb_list_pane_take      (XgbListPane      *pane,
                                   GPtrArray        *list,
                                   const GError     *error,
                                   const char       *forbidden_text,
                                   const char       *failed_text,
                                   const char       *empty_text);
gboolean  xgb_list_pane_report    (XgbListPane      *pane,
                                   const GError     *error,
                                   const char       *done_text,
                                   const char       *forbidden_text);
char     *xgb_list_pane_read_jid  (XgbListPane      *pane);
void      xgb_list_pane_clear     (XgbListPane      *pane);

G_END_DECLS
