/* xgb-test-secrets.h - finding secrets where they must not be: in files
 * the programs wrote and in what they printed or logged
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _XgbSecretScan XgbSecretScan;

XgbSecretScan *xgb_secret_scan_new        (void);
void           xgb_secret_scan_free       (XgbSecretScan *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XgbSecretScan, xgb_secret_scan_free)

/* Looks for @secret as it is, in base64 (at any alignment inside a longer
 * base64 text; standard and URL alphabet), in hex (lower and upper case)
 * and in UTF-16 (LE and BE).  @label names it in findings ("admin's
 * password"); it must not contain the secret. */
void           xgb_secret_scan_add        (XgbSecretScan *scan,
                                           const char    *label,
                                           const char    *secret);
/* Looks for these exact bytes only, e.g. a base64 SASL message. */
void           xgb_secret_scan_add_bytes  (XgbSecretScan *scan,
                                           const char    *label,
                                           const void    *bytes,
                                           gsize          length);
/* The base64 of @bytes, aligned at the start (as it stands in a SASL
 * element), e.g. "\0user\0password" of PLAIN. */
void           xgb_secret_scan_add_base64 (XgbSecretScan *scan,
                                           const char    *label,
                                           const void    *bytes,
                                           gsize          length);
/* A password of @jid: also the base64 of the PLAIN message
 * ("\0user\0password") and of SCRAM's client-first message */
void           xgb_secret_scan_add_login  (XgbSecretScan *scan,
                                           const char    *label,
                                           const char    *jid,
                                           const char    *password);
guint          xgb_secret_scan_get_n_needles (XgbSecretScan *scan);

/* Findings ("PATH: LABEL (ENCODING) at offset N") are added to @findings.
 * Returns how many files (or buffers) were looked at. */
guint          xgb_secret_scan_buffer     (XgbSecretScan *scan,
                                           const char    *name,
                                           const void    *data,
                                           gsize          length,
                                           GPtrArray     *findings);
guint          xgb_secret_scan_tree       (XgbSecretScan *scan,
                                           const char    *dir,
                                           GPtrArray     *findings);

/* The positive control: plants the password @secret of @jid in each
 * encoding (raw, base64 inside a text, the PLAIN message, hex, UTF-16)
 * into files deep under @dir, checks that @scan finds each one as
 * planted, and removes @dir.  @scan must know the PLAIN message. */
void           xgb_secret_scan_self_check (XgbSecretScan *scan,
                                           const char    *dir,
                                           const char    *jid,
                                           const char    *secret);

/* Looks through this process's writable memory (heap, anonymous
 * mappings, thread stacks, libraries' data; not the main thread's stack,
 * where the environment lives) for any @window bytes in a row of a
 * secret.  The secret comes masked (each byte XOR XGB_TEST_MASK), so that
 * the caller's own copy is not what is found.  Returns the number of
 * hits; *where (optional) describes the first. */
#define XGB_TEST_MASK 0x5a
guint          xgb_test_scan_memory       (const guint8  *masked,
                                           gsize          length,
                                           gsize          window,
                                           char         **where);

/* Every folder under (and with) @dir is 0700 and every file 0600; what
 * is not goes into @problems.  Returns how many files were checked. */
guint          xgb_test_check_private_tree (const char   *dir,
                                            GPtrArray    *problems);

/* The files and folders under @dir, with their modes, for a test message */
char          *xgb_test_list_tree         (const char    *dir);

/* Every message this process logs (structured or not, every level and
 * domain) is also written to @path, so that it can be searched for
 * secrets; warnings and criticals still go to stderr too. */
void           xgb_test_log_capture_start (const char    *path);
/* g_test_init() and gtk_test_init() set GLib's default handler: call
 * this after them */
void           xgb_test_log_capture_after_init (void);
/* What was captured so far */
char          *xgb_test_log_capture_read  (void);
void           xgb_test_log_capture_stop  (void);

/* A private world for the programs under test: ROOT (a new folder in the
 * test server's folder, which with-server.sh always removes) with home,
 * tmp, in and out in it, 0700; HOME, the XDG folders (under home),
 * TMPDIR (tmp) and a keyfile GSettings backend are set to it.  Call it
 * before GLib reads any of them.  Returns ROOT. */
typedef struct
{
  char *root;
  char *home;   /* HOME and the XDG folders: what the programs write */
  char *tmp;    /* TMPDIR */
  char *in;     /* files the test gives the programs */
  char *out;    /* what they printed and logged */
} XgbTestHome;

void           xgb_test_home_setup        (XgbTestHome  *home,
                                           const char   *prefix);

/* Removes @dir and everything under it. */
void           xgb_test_remove_tree       (const char    *dir);

G_END_DECLS
