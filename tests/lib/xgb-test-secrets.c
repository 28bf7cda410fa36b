/* xgb-test-secrets.c - finding secrets where they must not be: in files
 * the programs wrote and in what they printed or logged
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define _GNU_SOURCE   /* memmem */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xgb-test-secrets.h"

typedef struct
{
  char   *label;      /* "admin's password (base64)" */
  GBytes *bytes;
} Needle;

struct _XgbSecretScan
{
  GPtrArray *needles;
};

static void
needle_free (Needle *n)
{
  g_free (n->label);
  g_bytes_unref (n->bytes);
  g_free (n);
}

XgbSecretScan *
xgb_secret_scan_new (void)
{
  XgbSecretScan *scan = g_new0 (XgbSecretScan, 1);

  scan->needles = g_ptr_array_new_with_free_func ((GDestroyNotify) needle_free);
  return scan;
}

void
xgb_secret_scan_free (XgbSecretScan *scan)
{
  if (scan == NULL)
    return;
  g_ptr_array_unref (scan->needles);
  g_free (scan);
}

guint
xgb_secret_scan_get_n_needles (XgbSecretScan *scan)
{
  return scan->needles->len;
}

static void
add_needle (XgbSecretScan *scan,
            char          *label,
            const void    *bytes,
            gsize          length)
{
  Needle *n = g_new0 (Needle, 1);

  g_assert_cmpuint (length, >=, 4);   /* shorter would match by chance */
  n->label = label;
  n->bytes = g_bytes_new (bytes, length);
  g_ptr_array_add (scan->needles, n);
}

void
xgb_secret_scan_add_bytes (XgbSecretScan *scan,
                           const char    *label,
                           const void    *bytes,
                           gsize          length)
{
  add_needle (scan, g_strdup (label), bytes, length);
}

void
xgb_secret_scan_add_base64 (XgbSecretScan *scan,
                            const char    *label,
                            const void    *bytes,
                            gsize          length)
{
  g_autofree char *b64 = g_base64_encode (bytes, length);
  /* what follows in the text changes the last, incomplete group */
  gsize stable = (length / 3) * 4;

  add_needle (scan, g_strdup_printf ("%s (base64)", label), b64, stable);
}

static void
add_url_variant (XgbSecretScan *scan,
                 const char    *label,
                 const char    *b64,
                 gsize          length)
{
  g_autofree char *url = g_strndup (b64, length);

  if (strpbrk (url, "+/") == NULL)
    return;
  g_strdelimit (url, "+", '-');
  g_strdelimit (url, "/", '_');
  add_needle (scan, g_strdup_printf ("%s (base64url)", label), url, length);
}

void
xgb_secret_scan_add (XgbSecretScan *scan,
                     const char    *label,
                     const char    *secret)
{
  gsize len = strlen (secret);
  GString *hex_lower = g_string_new (NULL);
  GString *hex_upper = g_string_new (NULL);
  g_autofree guint8 *le = g_new0 (guint8, 2 * len);
  g_autofree guint8 *be = g_new0 (guint8, 2 * len);

  g_assert_cmpuint (len, >=, 8);
  add_needle (scan, g_strdup_printf ("%s (raw)", label), secret, len);

  /* Base64 of the secret inside a longer message: it may start at any
   * of the three positions of a 3-byte group.  The groups that also hold
   * bytes before or after it differ; the ones in between do not. */
  for (guint align = 0; align < 3; align++)
    {
      g_autofree guint8 *padded = g_malloc0 (align + len);
      g_autofree char *b64 = NULL;
      gsize groups = (align + len) / 3;
      gsize skip = align > 0 ? 1 : 0;

      memcpy (padded + align, secret, len);
      b64 = g_base64_encode (padded, align + len);
      g_assert_cmpuint (groups, >, skip + 1);
      add_needle (scan, g_strdup_printf ("%s (base64, offset %u)", label, align),
                  b64 + 4 * skip, 4 * (groups - skip));
      add_url_variant (scan, label, b64 + 4 * skip, 4 * (groups - skip));
    }

  for (gsize i = 0; i < len; i++)
    {
      g_string_append_printf (hex_lower, "%02x", (guint8) secret[i]);
      g_string_append_printf (hex_upper, "%02X", (guint8) secret[i]);
      /* ASCII and Latin-1 only, as the test secrets are */
      le[2 * i] = (guint8) secret[i];
      be[2 * i + 1] = (guint8) secret[i];
    }
  add_needle (scan, g_strdup_printf ("%s (hex)", label), hex_lower->str, hex_lower->len);
  if (strcmp (hex_lower->str, hex_upper->str) != 0)
    add_needle (scan, g_strdup_printf ("%s (HEX)", label), hex_upper->str, hex_upper->len);
  add_needle (scan, g_strdup_printf ("%s (UTF-16LE)", label), le, 2 * len);
  add_needle (scan, g_strdup_printf ("%s (UTF-16BE)", label), be, 2 * len);

  g_string_free (hex_lower, TRUE);
  g_string_free (hex_upper, TRUE);
}

/* @password of @jid: as xgb_secret_scan_add(), and the base64 of the
 * PLAIN message "\0user\0password" libstrophe sends, and of SCRAM's
 * client-first message "n,,n=user,r=" (only a logged SASL exchange holds
 * either) */
void
xgb_secret_scan_add_login (XgbSecretScan *scan,
                           const char    *label,
                           const char    *jid,
                           const char    *password)
{
  g_autofree char *user = g_strndup (jid, strcspn (jid, "@"));
  g_autofree char *message = g_strdup_printf ("_%s_%s", user, password);
  gsize len = strlen (message);
  g_autofree char *plain_label = g_strdup_printf ("%s as a PLAIN message", label);
  g_autofree char *first = g_strdup_printf ("n,,n=%s,r=", user);
  g_autofree char *first_label = g_strdup_printf ("SCRAM client-first of %s", user);

  xgb_secret_scan_add (scan, label, password);
  message[0] = message[1 + strlen (user)] = '\0';
  xgb_secret_scan_add_base64 (scan, plain_label, message, len);
  xgb_secret_scan_add_base64 (scan, first_label, first, strlen (first));
}

guint
xgb_secret_scan_buffer (XgbSecretScan *scan,
                        const char    *name,
                        const void    *data,
                        gsize          length,
                        GPtrArray     *findings)
{
  for (guint i = 0; i < scan->needles->len; i++)
    {
      Needle *n = g_ptr_array_index (scan->needles, i);
      gsize nlen = 0;
      const void *nbytes = g_bytes_get_data (n->bytes, &nlen);
      const guint8 *hit = memmem (data, length, nbytes, nlen);

      if (hit != NULL)
        g_ptr_array_add (findings, g_strdup_printf ("%s: %s at offset %" G_GSIZE_FORMAT, name, n->label,
                                                    (gsize) (hit - (const guint8 *) data)));
    }
  return 1;
}

guint
xgb_secret_scan_tree (XgbSecretScan *scan,
                      const char    *dir,
                      GPtrArray     *findings)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (handle == NULL)
    return 0;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        n += xgb_secret_scan_tree (scan, path, findings);
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *contents = NULL;
          gsize length = 0;
          g_autoptr(GError) error = NULL;

          /* A file the test cannot read is a file it cannot clear */
          if (!g_file_get_contents (path, &contents, &length, &error))
            g_ptr_array_add (findings, g_strdup_printf ("%s: cannot be read: %s", path, error->message));
          else
            n += xgb_secret_scan_buffer (scan, path, contents, length, findings);
        }
      else if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (path, NULL);

          if (target != NULL)
            n += xgb_secret_scan_buffer (scan, path, target, strlen (target), findings);
        }
    }
  return n;
}

/* Plants @secret (the password of @jid) in each encoding into files deep
 * under @dir and checks that @scan finds each, as planted; removes @dir. */
void
xgb_secret_scan_self_check (XgbSecretScan *scan,
                            const char    *dir,
                            const char    *jid,
                            const char    *secret)
{
  g_autofree char *deep = g_build_filename (dir, ".local", "share", "xgb-broker", NULL);
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *user = g_strndup (jid, strcspn (jid, "@"));
  gsize len = strlen (secret);
  g_autofree char *b64 = NULL;
  g_autofree char *plain = NULL;
  g_autoptr(GString) hex = g_string_new (NULL);
  g_autofree guint8 *utf16 = g_new0 (guint8, 2 * len);
  struct
  {
    const char *file;
    const void *data;
    gsize       length;
    const char *encoding;
  } plants[5];
  guint n = G_N_ELEMENTS (plants);

  g_assert_cmpint (g_mkdir_with_parents (deep, 0700), ==, 0);
  /* base64 at offset 1 of a group, in the middle of a line */
  {
    g_autofree char *inner = g_strdup_printf ("x%sy", secret);

    b64 = g_base64_encode ((const guchar *) inner, strlen (inner));
  }
  /* the PLAIN message, as libstrophe sends it: "\0user\0password" */
  {
    g_autofree char *message = g_strdup_printf ("_%s_%s", user, secret);
    gsize message_len = strlen (message);

    message[0] = message[1 + strlen (user)] = '\0';
    plain = g_base64_encode ((const guchar *) message, message_len);
  }
  for (gsize i = 0; i < len; i++)
    {
      g_string_append_printf (hex, "%02x", (guint8) secret[i]);
      utf16[2 * i] = (guint8) secret[i];
    }
  plants[0].file = "raw.log", plants[0].data = secret, plants[0].length = len, plants[0].encoding = "(raw)";
  plants[1].file = "b64.json", plants[1].data = b64, plants[1].length = strlen (b64);
  plants[1].encoding = "(base64, offset 1)";
  plants[2].file = "plain.log", plants[2].data = plain, plants[2].length = strlen (plain);
  plants[2].encoding = "PLAIN message (base64)";
  plants[3].file = "hex.txt", plants[3].data = hex->str, plants[3].length = hex->len, plants[3].encoding = "(hex)";
  plants[4].file = "utf16.bin", plants[4].data = utf16, plants[4].length = 2 * len;
  plants[4].encoding = "(UTF-16LE)";

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_build_filename (deep, plants[i].file, NULL);
      g_autoptr(GString) data = g_string_new ("some text before ");

      g_string_append_len (data, plants[i].data, (gssize) plants[i].length);
      g_string_append (data, " and after\n");
      g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, NULL));
    }

  g_assert_cmpuint (xgb_secret_scan_tree (scan, dir, findings), ==, n);
  for (guint i = 0; i < n; i++)
    {
      gboolean seen = FALSE;

      for (guint f = 0; f < findings->len; f++)
        {
          const char *finding = g_ptr_array_index (findings, f);

          if (strstr (finding, plants[i].file) != NULL && strstr (finding, plants[i].encoding) != NULL)
            seen = TRUE;
        }
      if (!seen)
        g_error ("the scan missed %s in %s", plants[i].encoding, plants[i].file);
    }
  xgb_test_remove_tree (dir);
}

guint
xgb_test_check_private_tree (const char *dir,
                             GPtrArray  *problems)
{
  g_autoptr(GDir) handle = NULL;
  const char *name;
  GStatBuf st;
  guint n = 0;

  if (g_lstat (dir, &st) != 0)
    {
      g_ptr_array_add (problems, g_strdup_printf ("%s: %s", dir, g_strerror (errno)));
      return 0;
    }
  if ((st.st_mode & 07777) != 0700)
    g_ptr_array_add (problems, g_strdup_printf ("%s/: mode %04o, not 0700", dir, st.st_mode & 07777));

  handle = g_dir_open (dir, 0, NULL);
  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        n += xgb_test_check_private_tree (path, problems);
      else
        {
          n++;
          if (!S_ISREG (st.st_mode))
            g_ptr_array_add (problems, g_strdup_printf ("%s: not a regular file", path));
          else if ((st.st_mode & 07777) != 0600)
            g_ptr_array_add (problems, g_strdup_printf ("%s: mode %04o, not 0600", path, st.st_mode & 07777));
        }
    }
  return n;
}

static void
list_tree (GString    *out,
           const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      g_string_append_printf (out, "  %04o %8" G_GINT64_FORMAT " %s%s\n", st.st_mode & 07777,
                              (gint64) st.st_size, path, S_ISDIR (st.st_mode) ? "/" : "");
      if (S_ISDIR (st.st_mode))
        list_tree (out, path);
    }
}

char *
xgb_test_list_tree (const char *dir)
{
  GString *out = g_string_new (NULL);

  list_tree (out, dir);
  return g_string_free (out, FALSE);
}

void
xgb_test_remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = NULL;
  const char *name;
  GStatBuf st;

  if (g_lstat (dir, &st) != 0)
    return;
  if (!S_ISDIR (st.st_mode))
    {
      g_unlink (dir);
      return;
    }
  g_chmod (dir, 0700);
  handle = g_dir_open (dir, 0, NULL);
  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      xgb_test_remove_tree (path);
    }
  g_rmdir (dir);
}

/* Static, so that scanning allocates nothing (an allocation could reuse
 * the very block a leftover copy is in).  The chunk and the unmasked
 * needle are skipped. */
static guint8 scan_chunk[1 << 20];
static char scan_maps[1 << 20];
static guint8 scan_needle[4096];

static gboolean
in_range (guint64     at,
          gsize       len,
          const void *base,
          gsize       size)
{
  return at + len > (guint64) (guintptr) base && at < (guint64) (guintptr) base + size;
}

guint
xgb_test_scan_memory (const guint8  *masked,
                      gsize          length,
                      gsize          window,
                      char         **where)
{
  gsize maps_len = 0;
  guint hits = 0;
  char first[512] = "";
  char *line;
  int fd;

  g_assert_cmpuint (window, >=, 8);
  g_assert_cmpuint (window, <=, length);
  g_assert_cmpuint (length, <=, sizeof scan_needle);

  fd = open ("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  for (;;)
    {
      gssize n = read (fd, scan_maps + maps_len, sizeof scan_maps - 1 - maps_len);

      if (n <= 0)
        break;
      maps_len += (gsize) n;
    }
  close (fd);
  g_assert_cmpuint (maps_len, <, sizeof scan_maps - 1);
  scan_maps[maps_len] = '\0';

  fd = open ("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  for (gsize i = 0; i < length; i++)
    scan_needle[i] = masked[i] ^ XGB_TEST_MASK;

  for (line = scan_maps; line != NULL && *line != '\0';)
    {
      char *next = strchr (line, '\n');
      unsigned long start, end;
      char perms[5] = { 0 };
      guint64 addr;

      if (next != NULL)
        *next++ = '\0';
      if (sscanf (line, "%lx-%lx %4s", &start, &end, perms) != 3 || perms[0] != 'r' || perms[1] != 'w' ||
          strstr (line, "[stack]") != NULL || strstr (line, "[vvar]") != NULL ||
          strstr (line, "[vsyscall]") != NULL ||
          /* a sanitizer's shadow memory: terabytes reserved, nothing of ours */
          end - start > (1ul << 30))
        {
          line = next;
          continue;
        }

      for (addr = start; addr < end;)
        {
          gsize size = MIN (sizeof scan_chunk, end - addr);
          gssize n = pread (fd, scan_chunk, size, (off_t) addr);

          if (n < (gssize) window)
            break;
          for (gsize k = 0; k + window <= length; k++)
            {
              const guint8 *from = scan_chunk;
              const guint8 *hit;

              while ((hit = memmem (from, (gsize) n - (gsize) (from - scan_chunk), scan_needle + k, window)) != NULL)
                {
                  guint64 at = addr + (guint64) (hit - scan_chunk);

                  from = hit + 1;
                  if (in_range (at, window, scan_chunk, sizeof scan_chunk) ||
                      in_range (at, window, scan_needle, sizeof scan_needle))
                    continue;
                  if (hits++ == 0)
                    g_snprintf (first, sizeof first, "bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT
                                " of the secret at 0x%" G_GINT64_MODIFIER "x in %s",
                                k, k + window - 1, at, line);
                }
            }
          if ((gsize) n < size || addr + (guint64) n >= end)
            break;
          addr += (guint64) n - (window - 1);
        }
      line = next;
    }

  explicit_bzero (scan_needle, sizeof scan_needle);
  explicit_bzero (scan_chunk, sizeof scan_chunk);
  close (fd);
  if (where != NULL && hits > 0)
    *where = g_strdup (first);
  return hits;
}

/* --- capturing this process's log ----------------------------------- */

static char *capture_path;
static FILE *capture_file;
static GMutex capture_lock;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         data)
{
  g_autofree char *line = g_log_writer_format_fields (level, fields, n_fields, FALSE);

  g_mutex_lock (&capture_lock);
  if (capture_file != NULL)
    {
      fputs (line, capture_file);
      fputc ('\n', capture_file);
      fflush (capture_file);
    }
  g_mutex_unlock (&capture_lock);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, data);
  return G_LOG_WRITER_HANDLED;
}

/* GLib's own messages (not structured) come here */
static void
capture_handler (const char     *domain,
                 GLogLevelFlags  level,
                 const char     *message,
                 gpointer        data)
{
  GLogField fields[] = {
    { "GLIB_DOMAIN", domain ? domain : "", -1 },
    { "MESSAGE", message ? message : "", -1 },
  };

  capture_writer (level & G_LOG_LEVEL_MASK, fields, G_N_ELEMENTS (fields), NULL);
}

void
xgb_test_log_capture_start (const char *path)
{
  g_assert_null (capture_file);
  capture_path = g_strdup (path);
  capture_file = fopen (path, "w");
  g_assert_nonnull (capture_file);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_log_set_default_handler (capture_handler, NULL);
}

void
xgb_test_log_capture_after_init (void)
{
  g_log_set_default_handler (capture_handler, NULL);
}

char *
xgb_test_log_capture_read (void)
{
  char *text = NULL;

  g_mutex_lock (&capture_lock);
  fflush (capture_file);
  g_assert_true (g_file_get_contents (capture_path, &text, NULL, NULL));
  g_mutex_unlock (&capture_lock);
  return text;
}

void
xgb_test_log_capture_stop (void)
{
  g_mutex_lock (&capture_lock);
  if (capture_file != NULL)
    fclose (g_steal_pointer (&capture_file));
  g_mutex_unlock (&capture_lock);
  g_clear_pointer (&capture_path, g_free);
}

/* --- a private home ---------------------------------------------------- */

static char *
make_private_dir (const char *parent,
                  const char *name)
{
  char *path = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  return path;
}

void
xgb_test_home_setup (XgbTestHome *home,
                     const char  *prefix)
{
  g_autofree char *template = g_strconcat (prefix, "-XXXXXX", NULL);

  /* not g_dir_make_tmp(): GLib would keep the TMPDIR of now */
  home->root = g_build_filename (g_getenv ("XGB_TEST_DIR"), template, NULL);
  g_assert_nonnull (g_mkdtemp (home->root));
  home->home = make_private_dir (home->root, "home");
  home->tmp = make_private_dir (home->root, "tmp");
  home->in = make_private_dir (home->root, "in");
  home->out = make_private_dir (home->root, "out");

  g_setenv ("HOME", home->home, TRUE);
  {
    g_autofree char *config = g_build_filename (home->home, ".config", NULL);
    g_autofree char *data = g_build_filename (home->home, ".local", "share", NULL);
    g_autofree char *state = g_build_filename (home->home, ".local", "state", NULL);
    g_autofree char *cache = g_build_filename (home->home, ".cache", NULL);

    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_STATE_HOME", state, TRUE);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_setenv ("TMPDIR", home->tmp, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
}
