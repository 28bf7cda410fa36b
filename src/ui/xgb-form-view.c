/* xgb-form-view.c - any XEP-0004 data form as widgets
 *
 * One row per field: its label (a * for required ones), a widget for its
 * type, its help text, and a place for the field's problem.  The values
 * are read back into a copy of the form, validated by the core, and
 * turned into a submit form; nothing invalid leaves the view.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-form-view"

#include "config.h"

#include <glib/gi18n.h>

#include "xgb-form-view.h"

typedef struct
{
  XgbFormField *field;    /* in self->form */
  GtkWidget    *input;    /* NULL for hidden and fixed fields */
  GtkWidget    *error;
  GPtrArray    *checks;   /* list-multi: one GtkCheckButton per option */
} Row;

struct _XgbFormView
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  XgbForm   *form;
  XgbForm   *baseline;    /* what the server sent: changes are against it */
  GArray    *rows;        /* of Row */
  Row       *reveal;      /* the first field with a problem, to scroll to */
  guint      reveal_id;   /* its tick callback */
  guint      reveal_ticks;
};

G_DEFINE_FINAL_TYPE (XgbFormView, xgb_form_view, GTK_TYPE_WIDGET)

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_clear_pointer (&row->checks, g_ptr_array_unref);
}

static void
xgb_form_view_dispose (GObject *object)
{
  XgbFormView *self = XGB_FORM_VIEW (object);

  if (self->reveal_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_id);
  self->reveal_id = 0;
  self->reveal = NULL;
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->form, xgb_form_free);
  g_clear_pointer (&self->baseline, xgb_form_free);

  G_OBJECT_CLASS (xgb_form_view_parent_class)->dispose (object);
}

static void
xgb_form_view_class_init (XgbFormViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xgb_form_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "xgbformview");
}

static void
xgb_form_view_init (XgbFormView *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

GtkWidget *
xgb_form_view_new (void)
{
  return g_object_new (XGB_TYPE_FORM_VIEW, NULL);
}

static GtkWidget *
caption (const char *text,
         const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "caption");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static char *
joined_values (const XgbFormField *field,
               const char         *separator)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < field->values->len; i++)
    g_string_append_printf (text, "%s%s", i ? separator : "", (const char *) field->values->pdata[i]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
text_view (const char *text)
{
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_widget_set_size_request (view, -1, 72);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text ? text : "", -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  return frame;
}

static const char *
option_label (const XgbFormOption *option)
{
  return option->label && *option->label ? option->label : option->value;
}

static GtkWidget *
input_for (Row *row)
{
  XgbFormField *field = row->field;
  const char *value = field->values->len > 0 ? field->values->pdata[0] : NULL;

  switch (field->type)
    {
    case XGB_FORM_FIELD_BOOLEAN:
      {
        GtkWidget *sw = gtk_switch_new ();

        gtk_widget_set_halign (sw, GTK_ALIGN_START);
        gtk_switch_set_active (GTK_SWITCH (sw),
                               g_strcmp0 (value, "1") == 0 || g_strcmp0 (value, "true") == 0);
        return sw;
      }

    case XGB_FORM_FIELD_TEXT_PRIVATE:
      {
        GtkWidget *entry = gtk_password_entry_new ();

        gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
        gtk_editable_set_text (GTK_EDITABLE (entry), value ? value : "");
        return entry;
      }

    case XGB_FORM_FIELD_TEXT_MULTI:
    case XGB_FORM_FIELD_JID_MULTI:
      {
        g_autofree char *text = joined_values (field, "\n");

        return text_view (text);
      }

    case XGB_FORM_FIELD_LIST_SINGLE:
      {
        g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
        GtkWidget *drop_down;
        guint selected = GTK_INVALID_LIST_POSITION;

        for (guint i = 0; i < field->options->len; i++)
          {
            const XgbFormOption *option = field->options->pdata[i];

            gtk_string_list_append (labels, option_label (option));
            if (value != NULL && g_strcmp0 (option->value, value) == 0)
              selected = i;
          }
        /* A current value that is no option stays choosable. */
        if (value != NULL && selected == GTK_INVALID_LIST_POSITION)
          {
            g_ptr_array_add (field->options, xgb_form_option_new (NULL, value));
            gtk_string_list_append (labels, value);
            selected = field->options->len - 1;
          }
        drop_down = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
        gtk_widget_set_halign (drop_down, GTK_ALIGN_START);
        gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), selected == GTK_INVALID_LIST_POSITION ? 0 : selected);
        return drop_down;
      }

    case XGB_FORM_FIELD_LIST_MULTI:
      {
        GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

        row->checks = g_ptr_array_new ();
        for (guint i = 0; i < field->options->len; i++)
          {
            const XgbFormOption *option = field->options->pdata[i];
            GtkWidget *check = gtk_check_button_new_with_label (option_label (option));
            gboolean on = FALSE;

            for (guint j = 0; j < field->values->len; j++)
              on |= g_strcmp0 (field->values->pdata[j], option->value) == 0;
            gtk_check_button_set_active (GTK_CHECK_BUTTON (check), on);
            gtk_box_append (GTK_BOX (box), check);
            g_ptr_array_add (row->checks, check);
          }
        return box;
      }

    case XGB_FORM_FIELD_JID_SINGLE:
    case XGB_FORM_FIELD_TEXT_SINGLE:
    default:
      {
        GtkWidget *entry = gtk_entry_new ();

        gtk_editable_set_text (GTK_EDITABLE (entry), value ? value : "");
        if (field->type == XGB_FORM_FIELD_JID_SINGLE)
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_EMAIL);
        return entry;
      }
    }
}

/**
 * xgb_form_view_set_form:
 * @form: (nullable): the form to show; a copy is kept
 */
void
xgb_form_view_set_form (XgbFormView   *self,
                        const XgbForm *form)
{
  GtkWidget *child;

  g_return_if_fail (XGB_IS_FORM_VIEW (self));

  self->reveal = NULL;
  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->form, xgb_form_free);
  g_clear_pointer (&self->baseline, xgb_form_free);
  if (form == NULL)
    return;

  self->form = xgb_form_copy (form);
  self->baseline = xgb_form_copy (form);
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (self->rows, row_clear);

  /* Filled while out of the window: appending to a box in a window
   * costs more with every child already there (a hostile form of 5000
   * fields took 8.5 s this way, 0.6 s out of it) */
  g_object_ref (self->box);
  gtk_widget_unparent (self->box);

  if (self->form->title != NULL)
    {
      GtkWidget *title = gtk_label_new (self->form->title);

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "heading");
      gtk_box_append (GTK_BOX (self->box), title);
    }
  for (guint i = 0; i < self->form->instructions->len; i++)
    gtk_box_append (GTK_BOX (self->box), caption (self->form->instructions->pdata[i], "dim-label"));

  for (guint i = 0; i < self->form->fields->len; i++)
    {
      Row row = { .field = self->form->fields->pdata[i] };
      XgbFormField *field = row.field;
      g_autofree char *label_text = NULL;
      GtkWidget *label;

      if (field->type == XGB_FORM_FIELD_HIDDEN)
        {
          g_array_append_val (self->rows, row);
          continue;
        }
      if (field->type == XGB_FORM_FIELD_FIXED)
        {
          g_autofree char *text = joined_values (field, "\n");
          GtkWidget *fixed = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (fixed), 0);
          gtk_label_set_wrap (GTK_LABEL (fixed), TRUE);
          gtk_widget_add_css_class (fixed, "heading");
          gtk_widget_set_margin_top (fixed, 12);
          gtk_box_append (GTK_BOX (self->box), fixed);
          g_array_append_val (self->rows, row);
          continue;
        }

      label_text = g_strdup_printf ("%s%s", field->label ? field->label : field->var,
                                    field->required ? " *" : "");
      label = gtk_label_new (label_text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_tooltip_text (label, field->var);
      gtk_box_append (GTK_BOX (self->box), label);

      row.input = input_for (&row);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row.input), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      field->label ? field->label : field->var, -1);
      gtk_box_append (GTK_BOX (self->box), row.input);
      if (field->desc != NULL)
        gtk_box_append (GTK_BOX (self->box), caption (field->desc, "dim-label"));
      row.error = caption (NULL, "error");
      gtk_widget_set_visible (row.error, FALSE);
      gtk_box_append (GTK_BOX (self->box), row.error);
      g_array_append_val (self->rows, row);
    }
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  g_object_unref (self->box);
}

static char *
text_of (GtkWidget *frame)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (gtk_frame_get_child (GTK_FRAME (frame))));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Reads the widgets into the form's values. */
static void
read_values (XgbFormView *self)
{
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      XgbFormField *field = row->field;
      g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

      if (row->input == NULL)
        continue;

      switch (field->type)
        {
        case XGB_FORM_FIELD_BOOLEAN:
          g_ptr_array_add (values, g_strdup (gtk_switch_get_active (GTK_SWITCH (row->input)) ? "1" : "0"));
          break;

        case XGB_FORM_FIELD_TEXT_MULTI:
        case XGB_FORM_FIELD_JID_MULTI:
          {
            g_autofree char *text = text_of (row->input);
            g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

            for (guint j = 0; lines[j] != NULL; j++)
              {
                /* JID lists: one per line, blank lines ignored */
                if (field->type == XGB_FORM_FIELD_JID_MULTI && *g_strstrip (lines[j]) == '\0')
                  continue;
                g_ptr_array_add (values, g_strdup (lines[j]));
              }
            /* A text-multi that ends with a newline has no empty last value */
            if (field->type == XGB_FORM_FIELD_TEXT_MULTI && values->len > 0 &&
                *(char *) values->pdata[values->len - 1] == '\0')
              g_ptr_array_remove_index (values, values->len - 1);
          }
          break;

        case XGB_FORM_FIELD_LIST_SINGLE:
          {
            guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (row->input));

            if (selected < field->options->len)
              g_ptr_array_add (values, g_strdup (((XgbFormOption *) field->options->pdata[selected])->value));
          }
          break;

        case XGB_FORM_FIELD_LIST_MULTI:
          for (guint j = 0; j < row->checks->len; j++)
            if (gtk_check_button_get_active (row->checks->pdata[j]))
              g_ptr_array_add (values, g_strdup (((XgbFormOption *) field->options->pdata[j])->value));
          break;

        case XGB_FORM_FIELD_TEXT_PRIVATE:
        case XGB_FORM_FIELD_JID_SINGLE:
        case XGB_FORM_FIELD_TEXT_SINGLE:
        default:
          {
            const char *text = gtk_editable_get_text (GTK_EDITABLE (row->input));

            if (*text != '\0')
              g_ptr_array_add (values, g_strdup (text));
          }
          break;
        }

      g_ptr_array_add (values, NULL);
      xgb_form_set_values (self->form, field->var, (const char * const *) values->pdata, NULL);
    }
}

/* Brings the field with the first problem and the problem under it into
 * sight.  The viewport follows the focus to the field only, and the
 * problem's label gets its place in a later frame: wait for it. */
static gboolean
reveal_cb (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       data)
{
  XgbFormView *self = XGB_FORM_VIEW (widget);
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t input, error;

  if (self->reveal == NULL || scrolled == NULL)
    goto done;
  if (gtk_widget_get_height (self->reveal->error) == 0 && ++self->reveal_ticks < 10)
    return G_SOURCE_CONTINUE;

  /* The view is what the viewport scrolls: its coordinates are the
   * adjustment's */
  if (gtk_widget_compute_bounds (self->reveal->input, widget, &input) &&
      gtk_widget_compute_bounds (self->reveal->error, widget, &error))
    gtk_adjustment_clamp_page (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                               input.origin.y - 30,  /* the field's name */
                               error.origin.y + error.size.height + 6);

done:
  self->reveal = NULL;
  self->reveal_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
read_and_check (XgbFormView  *self,
                GError      **error)
{
  g_autoptr(GHashTable) problems = NULL;
  gboolean valid;
  GtkWidget *first = NULL;

  read_values (self);
  valid = xgb_form_validate (self->form, &problems, error);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      const char *problem = problems && row->field->var ? g_hash_table_lookup (problems, row->field->var) : NULL;

      if (row->error == NULL)
        continue;
      gtk_label_set_text (GTK_LABEL (row->error), problem ? problem : "");
      gtk_widget_set_visible (row->error, problem != NULL);
      if (problem != NULL && first == NULL)
        {
          first = row->input;
          self->reveal = row;
        }
    }
  if (first != NULL)
    {
      gtk_widget_grab_focus (first);
      self->reveal_ticks = 0;
      if (self->reveal_id == 0)
        self->reveal_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_cb, NULL, NULL);
    }

  return valid;
}

/**
 * xgb_form_view_build_submit:
 *
 * Reads the widgets, validates every field and shows each problem under
 * its field.
 *
 * Returns: (transfer full) (nullable): the submit form with every field,
 *   or %NULL with @error set when a field needs attention
 */
char *
xgb_form_view_build_submit (XgbFormView  *self,
                            GError      **error)
{
  g_return_val_if_fail (XGB_IS_FORM_VIEW (self), NULL);
  g_return_val_if_fail (self->form != NULL, NULL);

  return read_and_check (self, error) ? xgb_form_build_submit (self->form) : NULL;
}

/**
 * xgb_form_view_build_changes:
 *
 * Like xgb_form_view_build_submit(), with only the fields that differ
 * from the baseline (the form as set, unless another baseline was
 * given): a node's configuration changes what the admin changed and
 * nothing else.
 */
char *
xgb_form_view_build_changes (XgbFormView  *self,
                             GError      **error)
{
  g_return_val_if_fail (XGB_IS_FORM_VIEW (self), NULL);
  g_return_val_if_fail (self->form != NULL, NULL);

  return read_and_check (self, error) ? xgb_form_build_submit_changes (self->form, self->baseline) : NULL;
}

/**
 * xgb_form_view_set_baseline:
 * @baseline: what the server sent, when the form shown was adjusted
 *   first (e.g. a safer default chosen for the admin)
 */
void
xgb_form_view_set_baseline (XgbFormView   *self,
                            const XgbForm *baseline)
{
  g_return_if_fail (XGB_IS_FORM_VIEW (self));
  g_return_if_fail (baseline != NULL);

  g_clear_pointer (&self->baseline, xgb_form_free);
  self->baseline = xgb_form_copy (baseline);
}

/* The widget of field @var, for tests and for focusing. */
GtkWidget *
xgb_form_view_get_input (XgbFormView *self,
                         const char  *var)
{
  g_return_val_if_fail (XGB_IS_FORM_VIEW (self), NULL);

  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);

      if (g_strcmp0 (row->field->var, var) == 0)
        return row->input;
    }
  return NULL;
}
