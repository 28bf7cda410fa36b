/* xgb-cert-picker.c - choose a client certificate from the keystore
 *
 * Lists what XgbKeystore finds, each certificate with what an admin
 * checks before using it: subject, issuer, XMPP address(es), validity,
 * revocation, SHA-256.  A passphrase-protected file is unlocked here to
 * show it; an NSS certificate is exported to a file first; tokens are
 * shown with the reason they cannot log in.  Import… copies a file into
 * the app's keystore folder.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "xgb-cert-picker"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xgb-banner.h"
#include "xgb-cert-picker.h"
#include "xgb-file-chooser.h"
#include "xgb-login-params.h"

struct _XgbCertPicker
{
  GtkWindow         parent_instance;

  XgbBanner        *banner;
  GtkStack         *stack;
  GtkSpinner       *spinner;
  GtkListBox       *list;
  GtkScrolledWindow *scroller;
  GtkButton        *choose_button;
  GtkButton        *import_button;
  GtkRevealer      *unlock_revealer;
  GtkLabel         *unlock_label;
  GtkPasswordEntry *unlock_entry;
  GtkButton        *unlock_button;
  GtkLabel         *unlock_error;
  GtkRevealer      *export_revealer;
  GtkPasswordEntry *export_entry;
  GtkPasswordEntry *db_password_entry;
  GtkButton        *export_button;
  GtkLabel         *export_error;

  XgbKeystore      *keystore;
  GListStore       *entries;
  GCancellable     *cancellable;
  GTask            *task;
  GHashTable       *passphrases;    /* XgbKeystoreEntry* → secret */
  char             *select_path;    /* select this file after the next scan */
  char             *select_pass;    /* …and unlock it with this */
  guint             busy;
};

G_DEFINE_FINAL_TYPE (XgbCertPicker, xgb_cert_picker, GTK_TYPE_WINDOW)

static void rescan (XgbCertPicker *self);

static void
set_error_label (GtkLabel   *label,
                 const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
set_busy (XgbCertPicker *self,
          gboolean       busy)
{
  if (busy)
    self->busy++;
  else
    self->busy--;
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), self->busy == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), self->busy == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), self->busy == 0);
}

/* --- rows ----------------------------------------------------------------- */

static const char *
source_name (XgbKeystoreSource source)
{
  switch (source)
    {
    case XGB_KEYSTORE_SOURCE_APP:
      return _("App keystore");
    case XGB_KEYSTORE_SOURCE_PKI:
      return _("File in ~/.pki");
    case XGB_KEYSTORE_SOURCE_ADDED:
      return _("Added file");
    case XGB_KEYSTORE_SOURCE_NSS:
      return _("NSS database");
    case XGB_KEYSTORE_SOURCE_PKCS11:
      return _("Security token");
    default:
      return "";
    }
}

static GtkWidget *
badge (const char *text,
       const char *kind)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "xgb-badge");
  if (kind != NULL)
    gtk_widget_add_css_class (label, kind);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

static void
add_field (GtkGrid    *grid,
           int         row,
           const char *name,
           const char *value,
           gboolean    monospace)
{
  GtkWidget *key = gtk_label_new (name);
  GtkWidget *val = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (key), 1);
  gtk_label_set_yalign (GTK_LABEL (key), 0);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (val), 0);
  gtk_label_set_wrap (GTK_LABEL (val), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (val), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (val, TRUE);
  if (monospace)
    gtk_widget_add_css_class (val, "monospace");
  gtk_widget_add_css_class (key, "caption");
  gtk_widget_add_css_class (val, "caption");
  gtk_grid_attach (grid, key, 0, row, 1, 1);
  gtk_grid_attach (grid, val, 1, row, 1, 1);
}

/* "/home/me/.pki/x.p12" → "~/.pki/x.p12" */
static char *
home_relative (const char *text)
{
  const char *home = g_get_home_dir ();
  g_autoptr(GString) result = g_string_new (text);

  if (home != NULL && strlen (home) > 1)
    {
      g_autofree char *prefix = g_strconcat (home, "/", NULL);

      g_string_replace (result, prefix, "~/", 0);
    }
  return g_string_free (g_steal_pointer (&result), FALSE);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  XgbKeystoreEntry *entry = item;
  XgbClientCert *cert = xgb_keystore_entry_get_cert (entry);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (xgb_keystore_entry_get_title (entry));
  GtkWidget *source = gtk_label_new (source_name (xgb_keystore_entry_get_source (entry)));
  GtkWidget *grid = gtk_grid_new ();
  g_autoptr(GString) accessible = g_string_new (xgb_keystore_entry_get_title (entry));
  int n = 0;

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (header), title);

  if (xgb_keystore_entry_get_locked (entry))
    gtk_box_append (GTK_BOX (header), badge (_("Locked"), NULL));
  if (cert != NULL && xgb_client_cert_is_expired (cert))
    gtk_box_append (GTK_BOX (header), badge (_("Expired"), "xgb-bad"));
  if (cert != NULL && xgb_client_cert_is_not_yet_valid (cert))
    gtk_box_append (GTK_BOX (header), badge (_("Not yet valid"), "xgb-bad"));
  if (cert != NULL && xgb_client_cert_get_revocation (cert) == XGB_REVOCATION_REVOKED)
    gtk_box_append (GTK_BOX (header), badge (_("Revoked"), "xgb-bad"));
  if (!xgb_keystore_entry_get_can_log_in (entry))
    gtk_box_append (GTK_BOX (header), badge (_("Cannot log in"), NULL));

  gtk_widget_set_hexpand (source, TRUE);
  gtk_label_set_xalign (GTK_LABEL (source), 1);
  gtk_widget_add_css_class (source, "dim-label");
  gtk_widget_add_css_class (source, "caption");
  gtk_box_append (GTK_BOX (header), source);
  gtk_box_append (GTK_BOX (box), header);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  if (cert != NULL)
    {
      const char * const *addrs = xgb_client_cert_get_xmpp_addrs (cert);
      g_autofree char *all = g_strjoinv (", ", (GStrv) addrs);
      g_autofree char *from = xgb_cert_format_time (xgb_client_cert_get_not_before (cert));
      g_autofree char *to = xgb_cert_format_time (xgb_client_cert_get_not_after (cert));
      g_autofree char *validity = NULL;
      g_autofree char *revocation = NULL;
      const char *detail = xgb_client_cert_get_revocation_detail (cert);
      const char * const *ocsp = xgb_client_cert_get_ocsp_urls (cert);

      if (xgb_client_cert_is_expired (cert))
        validity = g_strdup_printf (_("%s to %s — expired"), from, to);
      else if (xgb_client_cert_is_not_yet_valid (cert))
        validity = g_strdup_printf (_("%s to %s — not yet valid"), from, to);
      else
        validity = g_strdup_printf (_("%s to %s"), from, to);
      /* The detail says "Revoked on …" or "Not revoked, says …" itself. */
      if (detail == NULL)
        revocation = g_strdup (xgb_revocation_to_string (xgb_client_cert_get_revocation (cert)));
      else if (xgb_client_cert_get_revocation (cert) == XGB_REVOCATION_UNKNOWN)
        revocation = g_strdup_printf (_("Unknown: %s"), detail);
      else
        revocation = g_strdup (detail);
      {
        char *shorter = home_relative (revocation);

        g_free (revocation);
        revocation = shorter;
      }

      add_field (GTK_GRID (grid), n++, g_strv_length ((GStrv) addrs) > 1 ? _("XMPP addresses") : _("XMPP address"),
                 *all ? all : _("none"), FALSE);
      add_field (GTK_GRID (grid), n++, _("Subject"), xgb_client_cert_get_subject (cert), FALSE);
      add_field (GTK_GRID (grid), n++, _("Issuer"), xgb_client_cert_get_issuer (cert), FALSE);
      add_field (GTK_GRID (grid), n++, _("Valid"), validity, FALSE);
      add_field (GTK_GRID (grid), n++, _("Revocation"), revocation, FALSE);
      for (guint i = 0; ocsp[i] != NULL; i++)
        {
          g_autofree char *text = g_strdup_printf (_("%s (not checked)"), ocsp[i]);

          add_field (GTK_GRID (grid), n++, _("OCSP"), text, FALSE);
        }
      add_field (GTK_GRID (grid), n++, _("SHA-256"), xgb_client_cert_get_sha256 (cert), TRUE);
      g_string_append_printf (accessible, ", %s", validity);
    }
  if (xgb_keystore_entry_get_location (entry) != NULL)
    {
      g_autofree char *location = home_relative (xgb_keystore_entry_get_location (entry));

      add_field (GTK_GRID (grid), n++, _("Location"), location, FALSE);
    }
  if (xgb_keystore_entry_get_locked (entry))
    add_field (GTK_GRID (grid), n++, "", _("Protected by a passphrase: select it and enter the passphrase to see the certificate."), FALSE);
  gtk_box_append (GTK_BOX (box), grid);

  if (xgb_keystore_entry_get_note (entry) != NULL)
    {
      GtkWidget *note = gtk_label_new (xgb_keystore_entry_get_note (entry));

      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_label_set_wrap (GTK_LABEL (note), TRUE);
      gtk_widget_add_css_class (note, "dim-label");
      gtk_widget_add_css_class (note, "caption");
      gtk_box_append (GTK_BOX (box), note);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str, -1);
  return row;
}

/* --- selection ------------------------------------------------------------- */

XgbKeystoreEntry *
xgb_cert_picker_get_selected (XgbCertPicker *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (XGB_IS_CERT_PICKER (self), NULL);

  if (self->list == NULL)   /* disposed */
    return NULL;
  row = gtk_list_box_get_selected_row (self->list);
  if (row == NULL || self->entries == NULL)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->entries), (guint) gtk_list_box_row_get_index (row));
}

static void
update_selection (XgbCertPicker *self)
{
  g_autoptr(XgbKeystoreEntry) entry = xgb_cert_picker_get_selected (self);
  gboolean locked = entry != NULL && xgb_keystore_entry_get_locked (entry);
  gboolean nss = entry != NULL && xgb_keystore_entry_get_source (entry) == XGB_KEYSTORE_SOURCE_NSS &&
                 xgb_keystore_entry_get_nickname (entry) != NULL && xgb_keystore_entry_get_cert (entry) != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->choose_button),
                            entry != NULL && xgb_keystore_entry_get_can_log_in (entry));
  if (!gtk_revealer_get_reveal_child (self->unlock_revealer) || !locked)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
      set_error_label (self->unlock_error, NULL);
    }
  gtk_revealer_set_reveal_child (self->unlock_revealer, locked);
  if (!nss)
    set_error_label (self->export_error, NULL);
  gtk_revealer_set_reveal_child (self->export_revealer, nss);
}

static void
row_selected_cb (XgbCertPicker *self)
{
  if (self->choose_button != NULL)   /* not while disposing */
    update_selection (self);
}

void
xgb_cert_picker_select (XgbCertPicker    *self,
                        XgbKeystoreEntry *entry)
{
  guint position;
  GtkListBoxRow *row;

  g_return_if_fail (XGB_IS_CERT_PICKER (self));

  if (entry == NULL || self->entries == NULL ||
      !g_list_store_find (self->entries, entry, &position))
    {
      gtk_list_box_unselect_all (self->list);
      return;
    }
  row = gtk_list_box_get_row_at_index (self->list, (int) position);
  gtk_list_box_select_row (self->list, row);
  /* the viewport scrolls the focused row into view */
  gtk_widget_grab_focus (GTK_WIDGET (row));

  /* into view, once the rows have their place */
}

GListModel *
xgb_cert_picker_get_entries (XgbCertPicker *self)
{
  g_return_val_if_fail (XGB_IS_CERT_PICKER (self), NULL);
  return self->entries ? G_LIST_MODEL (self->entries) : NULL;
}

/**
 * xgb_cert_picker_get_busy:
 *
 * Returns: whether a scan, an unlock, an import or an export is under way
 */
gboolean
xgb_cert_picker_get_busy (XgbCertPicker *self)
{
  g_return_val_if_fail (XGB_IS_CERT_PICKER (self), FALSE);
  return self->busy > 0;
}

/* --- the result ------------------------------------------------------------ */

static void
finish (XgbCertPicker    *self,
        XgbKeystoreEntry *entry)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    {
      if (entry != NULL)
        {
          const char *pass = g_hash_table_lookup (self->passphrases, entry);

          g_object_set_data_full (G_OBJECT (task), "passphrase", g_strdup (pass), (GDestroyNotify) xgb_secret_free);
          g_task_return_pointer (task, g_object_ref (entry), g_object_unref);
        }
      else
        g_task_return_pointer (task, NULL, NULL);
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * xgb_cert_picker_choose:
 *
 * Chooses the selected certificate, as the Choose button does.
 *
 * Returns: whether one that can log in was selected
 */
gboolean
xgb_cert_picker_choose (XgbCertPicker *self)
{
  g_autoptr(XgbKeystoreEntry) entry = NULL;

  g_return_val_if_fail (XGB_IS_CERT_PICKER (self), FALSE);

  entry = xgb_cert_picker_get_selected (self);
  if (entry == NULL || !xgb_keystore_entry_get_can_log_in (entry))
    return FALSE;
  finish (self, entry);
  return TRUE;
}

void
xgb_cert_picker_cancel (XgbCertPicker *self)
{
  g_return_if_fail (XGB_IS_CERT_PICKER (self));
  finish (self, NULL);
}

static void
choose_clicked_cb (XgbCertPicker *self)
{
  xgb_cert_picker_choose (self);
}

static void
row_activated_cb (XgbCertPicker *self)
{
  g_autoptr(XgbKeystoreEntry) entry = xgb_cert_picker_get_selected (self);

  if (entry != NULL && xgb_keystore_entry_get_locked (entry))
    gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
  else
    xgb_cert_picker_choose (self);
}

static void
cancel_clicked_cb (XgbCertPicker *self)
{
  xgb_cert_picker_cancel (self);
}

/* --- scanning --------------------------------------------------------------- */

static XgbKeystoreEntry *
find_path (XgbCertPicker *self,
           const char    *path)
{
  for (guint i = 0; self->entries != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->entries)); i++)
    {
      g_autoptr(XgbKeystoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), i);

      if (g_strcmp0 (xgb_keystore_entry_get_cert_file (entry), path) == 0)
        return entry;
    }
  return NULL;
}

static void unlock_done_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XgbCertPicker) self = user_data;
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(GError) error = NULL;
  XgbKeystoreEntry *select;

  entries = xgb_keystore_scan_finish (XGB_KEYSTORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (entries == NULL)
    {
      xgb_banner_show (self->banner, XGB_BANNER_ERROR, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  g_hash_table_remove_all (self->passphrases);
  g_list_store_remove_all (self->entries);
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(GObject) entry = g_list_model_get_item (entries, i);

      g_list_store_append (self->entries, entry);
    }
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (entries) > 0 ? "list" : "empty");

  select = self->select_path ? find_path (self, self->select_path) : NULL;
  if (select != NULL)
    {
      xgb_cert_picker_select (self, select);
      gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_selected_row (self->list)));
      if (self->select_pass != NULL && xgb_keystore_entry_get_locked (select))
        {
          set_busy (self, TRUE);
          g_object_set_data_full (G_OBJECT (select), "xgb-picker-pass", g_strdup (self->select_pass),
                                  (GDestroyNotify) xgb_secret_free);
          xgb_keystore_entry_unlock_async (select, self->keystore, self->select_pass, self->cancellable,
                                           unlock_done_cb, g_object_ref (self));
        }
    }
  else if (g_list_model_get_n_items (entries) > 0)
    {
      /* the first one that can log in */
      for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
        {
          g_autoptr(XgbKeystoreEntry) entry = g_list_model_get_item (entries, i);

          if (xgb_keystore_entry_get_can_log_in (entry))
            {
              xgb_cert_picker_select (self, entry);
              break;
            }
        }
    }
  g_clear_pointer (&self->select_path, g_free);
  g_clear_pointer (&self->select_pass, xgb_secret_free);
  update_selection (self);
}

static void
rescan (XgbCertPicker *self)
{
  set_busy (self, TRUE);
  if (self->entries == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->entries)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  xgb_keystore_scan_async (self->keystore, self->cancellable, scanned_cb, g_object_ref (self));
}

/* --- unlocking ---------------------------------------------------------------- */

/* The entry changed: its row is made anew. */
static void
refresh_entry (XgbCertPicker    *self,
               XgbKeystoreEntry *entry)
{
  guint position;

  if (!g_list_store_find (self->entries, entry, &position))
    return;
  g_list_store_splice (self->entries, position, 1, (gpointer *) &entry, 1);
  xgb_cert_picker_select (self, entry);
}

static void
unlock_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(XgbCertPicker) self = user_data;
  XgbKeystoreEntry *entry = XGB_KEYSTORE_ENTRY (object);
  g_autoptr(GError) error = NULL;
  char *pass;

  if (!xgb_keystore_entry_unlock_finish (entry, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      set_error_label (self->unlock_error, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->unlock_entry), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
      return;
    }

  set_busy (self, FALSE);
  pass = g_strdup (g_object_get_data (G_OBJECT (entry), "xgb-picker-pass"));
  g_object_set_data (G_OBJECT (entry), "xgb-picker-pass", NULL);
  g_hash_table_replace (self->passphrases, g_object_ref (entry), pass);
  gtk_widget_remove_css_class (GTK_WIDGET (self->unlock_entry), "error");
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
  set_error_label (self->unlock_error, NULL);
  refresh_entry (self, entry);
  update_selection (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->choose_button));
}

/**
 * xgb_cert_picker_unlock:
 *
 * Unlocks the selected file with @passphrase, as the Unlock button does.
 */
void
xgb_cert_picker_unlock (XgbCertPicker *self,
                        const char    *passphrase)
{
  g_autoptr(XgbKeystoreEntry) entry = NULL;

  g_return_if_fail (XGB_IS_CERT_PICKER (self));

  entry = xgb_cert_picker_get_selected (self);
  if (entry == NULL || !xgb_keystore_entry_get_locked (entry) || self->busy > 0)
    return;
  if (passphrase == NULL || *passphrase == '\0')
    {
      set_error_label (self->unlock_error, _("Enter the passphrase of this file."));
      gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
      return;
    }

  set_busy (self, TRUE);
  set_error_label (self->unlock_error, NULL);
  g_object_set_data_full (G_OBJECT (entry), "xgb-picker-pass", g_strdup (passphrase),
                          (GDestroyNotify) xgb_secret_free);
  xgb_keystore_entry_unlock_async (entry, self->keystore, passphrase, self->cancellable,
                                   unlock_done_cb, g_object_ref (self));
}

static void
unlock_clicked_cb (XgbCertPicker *self)
{
  xgb_cert_picker_unlock (self, gtk_editable_get_text (GTK_EDITABLE (self->unlock_entry)));
}

/* --- importing and exporting ----------------------------------------------------- */

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(XgbCertPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = xgb_keystore_import_finish (XGB_KEYSTORE (object), result, &error);
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (path == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot import: %s"), error->message);

      xgb_banner_show (self->banner, XGB_BANNER_ERROR, text);
      return;
    }

  name = g_filename_display_basename (path);
  message = g_str_has_suffix (path, ".crl")
    ? g_strdup_printf (_("Imported the CRL “%s”: certificates of its issuer are checked against it."), name)
    : g_strdup_printf (_("Imported “%s” into the app’s keystore."), name);
  xgb_banner_show (self->banner, XGB_BANNER_INFO, message);
  g_free (self->select_path);
  self->select_path = g_strdup (path);
  rescan (self);
}

/**
 * xgb_cert_picker_import_file:
 *
 * Copies @path into the keystore and lists it, as Import… does once a
 * file was chosen.
 */
void
xgb_cert_picker_import_file (XgbCertPicker *self,
                             const char    *path)
{
  g_return_if_fail (XGB_IS_CERT_PICKER (self));
  g_return_if_fail (path != NULL);

  xgb_banner_dismiss (self->banner);
  set_busy (self, TRUE);
  xgb_keystore_import_async (self->keystore, path, self->cancellable, imported_cb, g_object_ref (self));
}

static void
file_chosen_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(XgbCertPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = xgb_file_chooser_open_finish (result, &error);
  g_autofree char *path = NULL;

  if (file == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        xgb_banner_show (self->banner, XGB_BANNER_ERROR, error->message);
      return;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      xgb_banner_show (self->banner, XGB_BANNER_ERROR, _("Only local files can be imported."));
      return;
    }
  xgb_cert_picker_import_file (self, path);
}

static void
import_clicked_cb (XgbCertPicker *self)
{
  static const char * const patterns[] = { "*.p12", "*.pfx", "*.pem", "*.crt", "*.cer", "*.crl", NULL };

  xgb_file_chooser_open_async (GTK_WINDOW (self), _("Import a Certificate"), _("Certificates and CRLs"),
                               patterns, self->cancellable, file_chosen_cb, g_object_ref (self));
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(XgbCertPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = xgb_keystore_export_nss_finish (XGB_KEYSTORE (object), result, &error);
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (path == NULL)
    {
      g_clear_pointer (&self->select_pass, xgb_secret_free);
      set_error_label (self->export_error, error->message);
      return;
    }

  name = g_path_get_basename (path);
  message = g_strdup_printf (_("Exported to “%s” in the app’s keystore."), name);
  xgb_banner_show (self->banner, XGB_BANNER_INFO, message);
  gtk_editable_set_text (GTK_EDITABLE (self->export_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->db_password_entry), "");
  g_free (self->select_path);
  self->select_path = g_strdup (path);
  rescan (self);
}

static void
export_clicked_cb (XgbCertPicker *self)
{
  g_autoptr(XgbKeystoreEntry) entry = xgb_cert_picker_get_selected (self);
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->export_entry));
  const char *db_password = gtk_editable_get_text (GTK_EDITABLE (self->db_password_entry));

  if (entry == NULL || self->busy > 0)
    return;
  if (*passphrase == '\0')
    {
      set_error_label (self->export_error, _("Choose a passphrase for the exported file."));
      gtk_widget_grab_focus (GTK_WIDGET (self->export_entry));
      return;
    }
  set_error_label (self->export_error, NULL);
  set_busy (self, TRUE);
  /* The new file is unlocked with it after the export. */
  g_free (self->select_pass);
  self->select_pass = g_strdup (passphrase);
  xgb_keystore_export_nss_async (self->keystore, entry, passphrase, *db_password ? db_password : NULL,
                                 self->cancellable, exported_cb, g_object_ref (self));
}

/* --- the window ------------------------------------------------------------------ */

static gboolean
xgb_cert_picker_close_request (GtkWindow *window)
{
  XgbCertPicker *self = XGB_CERT_PICKER (window);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task != NULL)
    g_task_return_pointer (task, NULL, NULL);
  return GTK_WINDOW_CLASS (xgb_cert_picker_parent_class)->close_request (window);
}

static void
xgb_cert_picker_dispose (GObject *object)
{
  XgbCertPicker *self = XGB_CERT_PICKER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->task != NULL)
    g_task_return_pointer (g_steal_pointer (&self->task), NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), XGB_TYPE_CERT_PICKER);

  G_OBJECT_CLASS (xgb_cert_picker_parent_class)->dispose (object);
}

static void
xgb_cert_picker_finalize (GObject *object)
{
  XgbCertPicker *self = XGB_CERT_PICKER (object);

  g_clear_object (&self->keystore);
  g_clear_object (&self->entries);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->passphrases, g_hash_table_unref);
  g_free (self->select_path);
  xgb_secret_free (self->select_pass);

  G_OBJECT_CLASS (xgb_cert_picker_parent_class)->finalize (object);
}

static void
xgb_cert_picker_class_init (XgbCertPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = xgb_cert_picker_dispose;
  object_class->finalize = xgb_cert_picker_finalize;
  window_class->close_request = xgb_cert_picker_close_request;

  g_type_ensure (XGB_TYPE_BANNER);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/xgb/Broker/xgb-cert-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, banner);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, spinner);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, list);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, scroller);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, choose_button);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, import_button);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, unlock_revealer);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, unlock_label);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, unlock_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, unlock_error);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, export_revealer);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, export_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, db_password_entry);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, export_button);
  gtk_widget_class_bind_template_child (widget_class, XgbCertPicker, export_error);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, unlock_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_css_name (widget_class, "xgbcertpicker");
}

static void
xgb_cert_picker_init (XgbCertPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->entries = g_list_store_new (XGB_TYPE_KEYSTORE_ENTRY);
  self->passphrases = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                             (GDestroyNotify) xgb_secret_free);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->entries), create_row, self, NULL);
}

/**
 * xgb_cert_picker_new:
 * @keystore: where to look; the picker imports into its folder
 */
XgbCertPicker *
xgb_cert_picker_new (GtkWindow   *parent,
                     XgbKeystore *keystore)
{
  XgbCertPicker *self;

  g_return_val_if_fail (XGB_IS_KEYSTORE (keystore), NULL);

  self = g_object_new (XGB_TYPE_CERT_PICKER, "transient-for", parent, NULL);
  self->keystore = g_object_ref (keystore);
  return self;
}

/**
 * xgb_cert_picker_run_async:
 *
 * Shows the picker and lists the certificates.  It completes when the
 * admin chooses one or closes the window.
 */
void
xgb_cert_picker_run_async (XgbCertPicker       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (XGB_IS_CERT_PICKER (self));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, xgb_cert_picker_run_async);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (gtk_window_close), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self));
  rescan (self);
}

/**
 * xgb_cert_picker_run_finish:
 * @passphrase: (out) (optional) (transfer full) (nullable): the
 *   passphrase that unlocked the chosen file here, if any; free it with
 *   xgb_secret_free()
 *
 * Returns: (transfer full) (nullable): the chosen entry; %NULL when the
 *   admin closed the picker (no error then)
 */
XgbKeystoreEntry *
xgb_cert_picker_run_finish (XgbCertPicker  *self,
                            GAsyncResult   *result,
                            char          **passphrase,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (passphrase != NULL)
    *passphrase = g_strdup (g_object_get_data (G_OBJECT (result), "passphrase"));
  return g_task_propagate_pointer (G_TASK (result), error);
}
