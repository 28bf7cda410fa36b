/* xgb-form.h - data forms (XEP-0004)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define XGB_NS_DATA_FORMS "jabber:x:data"

/**
 * XgbFormFieldType:
 * The field types of XEP-0004 §3.3.  A field without a type, or with one
 * this code does not know, is %XGB_FORM_FIELD_TEXT_SINGLE.
 */
typedef enum
{
  XGB_FORM_FIELD_TEXT_SINGLE,
  XGB_FORM_FIELD_BOOLEAN,
  XGB_FORM_FIELD_FIXED,
  XGB_FORM_FIELD_HIDDEN,
  XGB_FORM_FIELD_JID_MULTI,
  XGB_FORM_FIELD_JID_SINGLE,
  XGB_FORM_FIELD_LIST_MULTI,
  XGB_FORM_FIELD_LIST_SINGLE,
  XGB_FORM_FIELD_TEXT_MULTI,
  XGB_FORM_FIELD_TEXT_PRIVATE,
} XgbFormFieldType;

typedef struct
{
  char *label;                  /* nullable */
  char *value;
} XgbFormOption;

typedef struct
{
  char             *var;        /* nullable only for fixed */
  XgbFormFieldType  type;
  char             *label;      /* nullable */
  char             *desc;       /* nullable */
  gboolean          required;
  GPtrArray        *values;     /* of char*, never NULL */
  GPtrArray        *options;    /* of XgbFormOption*, never NULL */
} XgbFormField;

typedef struct
{
  char      *type;              /* "form", "submit", "result", "cancel" */
  char      *title;             /* nullable */
  GPtrArray *instructions;      /* of char*, never NULL */
  GPtrArray *fields;            /* of XgbFormField*, document order, never NULL */
} XgbForm;

XgbFormFieldType  xgb_form_field_type_from_string (const char             *type);
const char       *xgb_form_field_type_to_string   (XgbFormFieldType        type);
gboolean          xgb_form_field_type_is_multi    (XgbFormFieldType        type);

XgbFormOption    *xgb_form_option_new             (const char             *label,
                                                   const char             *value);
void              xgb_form_option_free            (XgbFormOption          *option);

XgbFormField     *xgb_form_field_new              (const char             *var,
                                                   XgbFormFieldType        type);
XgbFormField     *xgb_form_field_copy             (const XgbFormField     *field);
void              xgb_form_field_free             (XgbFormField           *field);

XgbForm          *xgb_form_new                    (const char             *type);
XgbForm          *xgb_form_parse                  (const xmlNode          *x,
                                                   GError                **error);
XgbForm          *xgb_form_find                   (const xmlNode          *parent,
                                                   const char             *form_type);
XgbForm          *xgb_form_copy                   (const XgbForm          *form);
void              xgb_form_free                   (XgbForm                *form);

const char       *xgb_form_get_form_type          (const XgbForm          *form);
XgbFormField     *xgb_form_get_field              (const XgbForm          *form,
                                                   const char             *var);
const char       *xgb_form_get_value              (const XgbForm          *form,
                                                   const char             *var);
gboolean          xgb_form_get_boolean            (const XgbForm          *form,
                                                   const char             *var,
                                                   gboolean                fallback);
gboolean          xgb_form_set_values             (XgbForm                *form,
                                                   const char             *var,
                                                   const char * const     *values,
                                                   GError                **error);
gboolean          xgb_form_set_value              (XgbForm                *form,
                                                   const char             *var,
                                                   const char             *value,
                                                   GError                **error);

gboolean          xgb_form_validate               (const XgbForm          *form,
                                                   GHashTable            **field_errors,
                                                   GError                **error);
char             *xgb_form_build_submit           (const XgbForm          *form);
char             *xgb_form_build_submit_changes   (const XgbForm          *form,
                                                  const XgbForm          *baseline);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbFormOption, xgb_form_option_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbFormField, xgb_form_field_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbForm, xgb_form_free)

G_END_DECLS
