/* xgb-cli-output.c - what xgb-cli prints: text for people, JSON for scripts
 *
 * Commands describe their result as a tree of objects, arrays and
 * scalars; the tree is printed once at the end, as JSON (one document,
 * keys in the order given) or as text (one line per array entry, fields
 * separated by tabs, "-" for no value).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xgb-cli-output.h"

typedef enum
{
  VALUE_OBJECT,
  VALUE_ARRAY,
  VALUE_STRING,
  VALUE_INT,
  VALUE_BOOLEAN,
  VALUE_NULL,
  VALUE_PAYLOAD,
} ValueKind;

typedef struct _Value Value;
struct _Value
{
  ValueKind  kind;
  char      *key;
  char      *string;
  gint64     number;
  GPtrArray *children;   /* of Value* */
  Value     *parent;
};

struct _XgbCliOutput
{
  gboolean  json;
  Value    *root;
  Value    *current;
};

static void
value_free (gpointer data)
{
  Value *v = data;

  g_free (v->key);
  g_free (v->string);
  g_clear_pointer (&v->children, g_ptr_array_unref);
  g_free (v);
}

static Value *
add (XgbCliOutput *out,
     ValueKind     kind,
     const char   *key)
{
  Value *v = g_new0 (Value, 1);

  v->kind = kind;
  v->key = g_strdup (key);
  if (kind == VALUE_OBJECT || kind == VALUE_ARRAY)
    v->children = g_ptr_array_new_with_free_func (value_free);

  if (out->current == NULL)
    {
      g_assert (out->root == NULL);
      out->root = v;
    }
  else
    {
      v->parent = out->current;
      g_ptr_array_add (out->current->children, v);
    }
  return v;
}

XgbCliOutput *
xgb_cli_output_new (gboolean json)
{
  XgbCliOutput *out = g_new0 (XgbCliOutput, 1);

  out->json = json;
  return out;
}

void
xgb_cli_output_free (XgbCliOutput *out)
{
  if (out == NULL)
    return;
  g_clear_pointer (&out->root, value_free);
  g_free (out);
}

void
xgb_cli_output_begin_object (XgbCliOutput *out,
                             const char   *key)
{
  out->current = add (out, VALUE_OBJECT, key);
}

void
xgb_cli_output_begin_array (XgbCliOutput *out,
                            const char   *key)
{
  out->current = add (out, VALUE_ARRAY, key);
}

void
xgb_cli_output_end_object (XgbCliOutput *out)
{
  g_assert (out->current != NULL && out->current->kind == VALUE_OBJECT);
  out->current = out->current->parent;
}

void
xgb_cli_output_end_array (XgbCliOutput *out)
{
  g_assert (out->current != NULL && out->current->kind == VALUE_ARRAY);
  out->current = out->current->parent;
}

void
xgb_cli_output_string (XgbCliOutput *out,
                       const char   *key,
                       const char   *value)
{
  Value *v = add (out, value ? VALUE_STRING : VALUE_NULL, key);

  v->string = g_strdup (value);
}

void
xgb_cli_output_int (XgbCliOutput *out,
                    const char   *key,
                    gint64        value)
{
  add (out, VALUE_INT, key)->number = value;
}

void
xgb_cli_output_boolean (XgbCliOutput *out,
                        const char   *key,
                        gboolean      value)
{
  add (out, VALUE_BOOLEAN, key)->number = value ? 1 : 0;
}

void
xgb_cli_output_payload (XgbCliOutput *out,
                        const char   *key,
                        const char   *xml)
{
  Value *v = add (out, xml ? VALUE_PAYLOAD : VALUE_NULL, key);

  v->string = g_strdup (xml);
}

/* --- JSON ----------------------------------------------------------- */

static void
json_string (GString    *s,
             const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      switch (c)
        {
        case '"':
          g_string_append (s, "\\\"");
          break;
        case '\\':
          g_string_append (s, "\\\\");
          break;
        case '\n':
          g_string_append (s, "\\n");
          break;
        case '\r':
          g_string_append (s, "\\r");
          break;
        case '\t':
          g_string_append (s, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (s, "\\u%04x", c);
          else
            g_string_append_c (s, (char) c);
        }
    }
  g_string_append_c (s, '"');
}

static void
json_value (GString     *s,
            const Value *v,
            guint        depth)
{
  switch (v->kind)
    {
    case VALUE_OBJECT:
    case VALUE_ARRAY:
      {
        gboolean object = v->kind == VALUE_OBJECT;

        g_string_append_c (s, object ? '{' : '[');
        for (guint i = 0; i < v->children->len; i++)
          {
            const Value *c = v->children->pdata[i];

            g_string_append (s, i ? ",\n" : "\n");
            g_string_append_printf (s, "%*s", (int) (depth + 1) * 2, "");
            if (object)
              {
                json_string (s, c->key ? c->key : "");
                g_string_append (s, ": ");
              }
            json_value (s, c, depth + 1);
          }
        if (v->children->len > 0)
          g_string_append_printf (s, "\n%*s", (int) depth * 2, "");
        g_string_append_c (s, object ? '}' : ']');
      }
      break;
    case VALUE_STRING:
    case VALUE_PAYLOAD:
      json_string (s, v->string);
      break;
    case VALUE_INT:
      g_string_append_printf (s, "%" G_GINT64_FORMAT, v->number);
      break;
    case VALUE_BOOLEAN:
      g_string_append (s, v->number ? "true" : "false");
      break;
    case VALUE_NULL:
    default:
      g_string_append (s, "null");
      break;
    }
}

/* --- text ----------------------------------------------------------- */

static char *
scalar_text (const Value *v)
{
  switch (v->kind)
    {
    case VALUE_STRING:
      return g_strdup (v->string);
    case VALUE_PAYLOAD:
      {
        /* the first line, shortened: the full payload is --json's */
        const char *nl = strchr (v->string, '\n');
        gsize len = nl ? (gsize) (nl - v->string) : strlen (v->string);
        g_autofree char *line = g_strndup (v->string, MIN (len, 100));

        return len > 100 ? g_strconcat (line, "…", NULL) : g_steal_pointer (&line);
      }
    case VALUE_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, v->number);
    case VALUE_BOOLEAN:
      return g_strdup (v->number ? "yes" : "no");
    case VALUE_ARRAY:
      {
        GString *joined = g_string_new (NULL);

        for (guint i = 0; i < v->children->len; i++)
          {
            g_autofree char *part = scalar_text (v->children->pdata[i]);

            g_string_append_printf (joined, "%s%s", i ? ", " : "", part);
          }
        return g_string_free (joined, FALSE);
      }
    case VALUE_OBJECT:
    case VALUE_NULL:
    default:
      return g_strdup ("-");
    }
}

static void text_value (GString *s, const Value *v, guint depth);

/* An object inside an array: one line, fields separated by tabs; nested
 * arrays of objects follow, indented. */
static void
text_row (GString     *s,
          const Value *v,
          guint        depth)
{
  if (v->kind != VALUE_OBJECT)
    {
      g_autofree char *text = scalar_text (v);

      g_string_append_printf (s, "%*s%s\n", (int) depth * 2, "", text);
      return;
    }

  g_string_append_printf (s, "%*s", (int) depth * 2, "");
  for (guint i = 0; i < v->children->len; i++)
    {
      const Value *c = v->children->pdata[i];
      g_autofree char *text = NULL;

      if (c->kind == VALUE_OBJECT)
        continue;
      text = scalar_text (c);
      g_string_append_printf (s, "%s%s", i ? "\t" : "", text);
    }
  g_string_append_c (s, '\n');
}

static void
text_value (GString     *s,
            const Value *v,
            guint        depth)
{
  if (v->kind == VALUE_ARRAY)
    {
      for (guint i = 0; i < v->children->len; i++)
        text_row (s, v->children->pdata[i], depth);
      return;
    }
  if (v->kind != VALUE_OBJECT)
    {
      g_autofree char *text = scalar_text (v);

      g_string_append_printf (s, "%s\n", text);
      return;
    }

  for (guint i = 0; i < v->children->len; i++)
    {
      const Value *c = v->children->pdata[i];

      if ((c->kind == VALUE_ARRAY && c->children->len > 0 &&
           ((Value *) c->children->pdata[0])->kind == VALUE_OBJECT) ||
          c->kind == VALUE_OBJECT)
        {
          g_string_append_printf (s, "%*s%s:\n", (int) depth * 2, "", c->key);
          text_value (s, c, depth + 1);
        }
      else
        {
          g_autofree char *text = scalar_text (c);

          g_string_append_printf (s, "%*s%s: %s\n", (int) depth * 2, "", c->key, text);
        }
    }
}

char *
xgb_cli_output_to_string (XgbCliOutput *out)
{
  GString *s = g_string_new (NULL);

  if (out->root == NULL)
    return g_string_free (s, FALSE);

  if (out->json)
    {
      json_value (s, out->root, 0);
      g_string_append_c (s, '\n');
    }
  else
    text_value (s, out->root, 0);

  return g_string_free (s, FALSE);
}

void
xgb_cli_output_finish (XgbCliOutput *out)
{
  g_autofree char *text = xgb_cli_output_to_string (out);

  fputs (text, stdout);
  fflush (stdout);
}
