/* test-secrets.c - secrets are wiped, and never logged
 *
 * The wipe helpers; the password and passphrase leaving a copy of the
 * login; libstrophe's copies of the password wiped as it frees them
 * (looked for in this process's memory, with a control that sees the
 * copy libstrophe's own allocator leaves behind); the redaction of
 * credentials in libstrophe's log (XGB_DEBUG=xmpp); and the scanner the
 * integration tests use, on every encoding it knows.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <malloc.h>
#include <string.h>
#include <strophe.h>

#include "xgb-connection-private.h"
#include "xgb-login-params.h"
#include "xgb-sasl.h"
#include "xgb-test-secrets.h"

/* --- wiping ------------------------------------------------------------- */

static void
test_wipe (void)
{
  char buffer[16];

  memset (buffer, 'x', sizeof buffer);
  memcpy (buffer, "hunter2", 7);
  xgb_secret_wipe (buffer, 7);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (buffer[i], ==, 0);
  /* not one byte more */
  g_assert_cmpint (buffer[7], ==, 'x');
  g_assert_cmpint (buffer[15], ==, 'x');

  xgb_secret_wipe (NULL, 12);
  xgb_secret_wipe (buffer, 0);
  xgb_secret_free (NULL);
}

static void
test_forget_secrets (void)
{
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(XgbLoginParams) copy = NULL;

  params->jid = g_strdup ("admin@xgb.test");
  params->host = g_strdup ("127.0.0.1");
  xgb_login_params_set_password (params, "correct horse battery staple");
  xgb_login_params_set_passphrase (params, "open sesame");
  copy = xgb_login_params_copy (params);

  xgb_login_params_forget_secrets (copy);
  g_assert_null (copy->password);
  g_assert_null (copy->passphrase);
  g_assert_cmpstr (copy->jid, ==, "admin@xgb.test");
  g_assert_cmpstr (copy->host, ==, "127.0.0.1");
  /* the original keeps its own */
  g_assert_cmpstr (params->password, ==, "correct horse battery staple");
  g_assert_cmpstr (params->passphrase, ==, "open sesame");
  xgb_login_params_forget_secrets (copy);
}

/* --- libstrophe's copy of the password ----------------------------------- */

/* 40 bytes: glibc reuses the first 16 of a freed block for its lists,
 * the rest of an unwiped copy stays */
#define SECRET_LEN 40
#define WINDOW     12

static void
masked_secret (guint8 masked[SECRET_LEN])
{
  for (guint i = 0; i < SECRET_LEN; i++)
    masked[i] = (guint8) ("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"[g_random_int_range (0, 57)]) ^
                XGB_TEST_MASK;
}

/* Sets a password on a libstrophe connection made with @mem, drops it,
 * and says how often pieces of it are still in memory afterwards */
static guint
left_after_set_pass (const xmpp_mem_t *mem,
                     guint            *while_set)
{
  guint8 masked[SECRET_LEN];
  g_autofree char *where = NULL;
  xmpp_ctx_t *ctx;
  xmpp_conn_t *conn;
  char *plain;
  guint left;

  masked_secret (masked);
  ctx = xmpp_ctx_new (mem, NULL);
  conn = xmpp_conn_new (ctx);

  plain = g_malloc0 (SECRET_LEN + 1);
  for (guint i = 0; i < SECRET_LEN; i++)
    plain[i] = (char) (masked[i] ^ XGB_TEST_MASK);
  xmpp_conn_set_pass (conn, plain);
  xgb_secret_free (plain);

  /* control: libstrophe's live copy is found */
  *while_set = xgb_test_scan_memory (masked, SECRET_LEN, WINDOW, NULL);

  xmpp_conn_set_pass (conn, NULL);
  left = xgb_test_scan_memory (masked, SECRET_LEN, WINDOW, &where);
  if (left > 0)
    g_test_message ("left in memory: %s", where);

  xmpp_conn_release (conn);
  xmpp_ctx_free (ctx);
  return left;
}

static void
test_libstrophe_copy (void)
{
  guint while_set = 0;
  guint left;

  xmpp_initialize ();

  /* libstrophe's default allocator: the freed copy is still there (the
   * reason for the app's allocator, and proof that the scan sees it) */
  left = left_after_set_pass (NULL, &while_set);
  g_assert_cmpuint (while_set, >, 0);
  g_assert_cmpuint (left, >, 0);

  /* the app's: nothing left */
  left = left_after_set_pass (_xgb_connection_get_xmpp_mem (), &while_set);
  g_assert_cmpuint (while_set, >, 0);
  g_assert_cmpuint (left, ==, 0);
}

/* Growing a block moves it: the old one is wiped as well */
static void
test_libstrophe_realloc (void)
{
  const xmpp_mem_t *mem = _xgb_connection_get_xmpp_mem ();
  guint8 masked[SECRET_LEN];
  char *block;

  masked_secret (masked);
  block = mem->alloc (SECRET_LEN + 1, mem->userdata);
  for (guint i = 0; i < SECRET_LEN; i++)
    block[i] = (char) (masked[i] ^ XGB_TEST_MASK);
  block[SECRET_LEN] = '\0';
  g_assert_cmpuint (xgb_test_scan_memory (masked, SECRET_LEN, WINDOW, NULL), >, 0);

  /* a shrink keeps the block; a large growth moves it */
  block = mem->realloc (block, 8, mem->userdata);
  g_assert_nonnull (block);
  block = mem->realloc (block, 1 << 16, mem->userdata);
  g_assert_nonnull (block);
  /* the bytes moved along: one copy, in the new block */
  g_assert_cmpuint (xgb_test_scan_memory (masked, SECRET_LEN, WINDOW, NULL), ==, SECRET_LEN - WINDOW + 1);
  mem->free (block, mem->userdata);
  g_assert_cmpuint (xgb_test_scan_memory (masked, SECRET_LEN, WINDOW, NULL), ==, 0);
}

/* --- libstrophe's log, redacted -------------------------------------------- */

static void
test_redact (void)
{
  static const struct
  {
    const char *line;
    const char *redacted;
  } cases[] = {
    /* PLAIN: base64 of "\0admin\0secret" */
    { "SENT: <auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"PLAIN\">AGFkbWluAHNlY3JldA==</auth>",
      "SENT: <auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"PLAIN\">[redacted]</auth>" },
    { "QUEUED: <response xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">Yz1iaXdzLHI9</response>",
      "QUEUED: <response xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">[redacted]</response>" },
    { "RECV: <challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0w=</challenge>",
      "RECV: <challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[redacted]</challenge>" },
    { "RECV: <success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>",
      "RECV: <success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[redacted]</success>" },
    { "RECV: <success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
      "RECV: <success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" },
    /* legacy authentication (XEP-0078): the password in clear */
    { "SENT: <iq type=\"set\" id=\"_xmpp_auth1\"><query xmlns=\"jabber:iq:auth\"><username>admin</username>"
      "<password>secret</password><resource>x</resource></query></iq>",
      "SENT: <iq type=\"set\" id=\"_xmpp_auth1\"><query xmlns=\"jabber:iq:auth\"><username>admin</username>"
      "<password>[redacted]</password><resource>x</resource></query></iq>" },
    /* a prefix, and a '>' inside an attribute */
    { "SENT: <sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl' note='a>b' mechanism='PLAIN'>AGFkbWluAHNlY3JldA==</sasl:auth>",
      "SENT: <sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl' note='a>b' mechanism='PLAIN'>[redacted]</sasl:auth>" },
    /* cut off: redacted to the end */
    { "Q_CONTENT: <auth mechanism=\"PLAIN\">AGFkbWluAHNl",
      "Q_CONTENT: <auth mechanism=\"PLAIN\">[redacted]" },
    /* two in one line */
    { "<auth>AAAA</auth><response>BBBB</response>",
      "<auth>[redacted]</auth><response>[redacted]</response>" },
    /* nothing to hide: unchanged */
    { "RECV: <features xmlns=\"http://etherx.jabber.org/streams\"><mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">"
      "<mechanism>PLAIN</mechanism></mechanisms><auth xmlns=\"http://jabber.org/features/iq-auth\"/></features>",
      "RECV: <features xmlns=\"http://etherx.jabber.org/streams\"><mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">"
      "<mechanism>PLAIN</mechanism></mechanisms><auth xmlns=\"http://jabber.org/features/iq-auth\"/></features>" },
    { "SENT: <iq><pubsub><authorization>keep</authorization><items node='auth'/></pubsub></iq>",
      "SENT: <iq><pubsub><authorization>keep</authorization><items node='auth'/></pubsub></iq>" },
    { "SASL PLAIN auth successful", "SASL PLAIN auth successful" },
    { "a < b, <auth", "a < b, <auth" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *redacted = xgb_sasl_redact (cases[i].line);

      g_assert_cmpstr (redacted, ==, cases[i].redacted);
    }
}

/* --- the scanner ------------------------------------------------------------- */

static void
check_found (XgbSecretScan *scan,
             const void    *data,
             gsize          length,
             const char    *encoding)
{
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_free);
  gboolean seen = FALSE;

  xgb_secret_scan_buffer (scan, "planted", data, length, findings);
  for (guint i = 0; i < findings->len; i++)
    if (strstr (g_ptr_array_index (findings, i), encoding) != NULL)
      seen = TRUE;
  if (!seen)
    g_error ("the scanner missed the secret in %s", encoding);
}

static void
test_scanner (void)
{
  const char *secret = "Tr0ub4dor&3-horse";
  g_autoptr(XgbSecretScan) scan = xgb_secret_scan_new ();
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_free);
  const char *clean = "nothing to see here: Tr0ub4dor, horse, VHIwdWI0ZG9y";

  xgb_secret_scan_add (scan, "the secret", secret);
  xgb_secret_scan_add_base64 (scan, "the PLAIN message", "\0admin\0Tr0ub4dor&3-horse", 24);

  /* raw, inside other text */
  {
    g_autofree char *text = g_strdup_printf ("password=%s;", secret);

    check_found (scan, text, strlen (text), "(raw)");
  }
  /* base64 at each of the three offsets of a 3-byte group */
  for (guint pre = 0; pre < 3; pre++)
    {
      g_autofree char *inner = g_strdup_printf ("%.*s%s trailing", pre, "xyz", secret);
      g_autofree char *b64 = g_base64_encode ((const guchar *) inner, strlen (inner));
      g_autofree char *encoding = g_strdup_printf ("(base64, offset %u)", pre);

      check_found (scan, b64, strlen (b64), encoding);
    }
  /* the PLAIN message as libstrophe sends it */
  {
    g_autofree char *b64 = g_base64_encode ((const guchar *) "\0admin\0Tr0ub4dor&3-horse", 24);
    g_autofree char *stanza = g_strdup_printf ("<auth mechanism='PLAIN'>%s</auth>", b64);

    check_found (scan, stanza, strlen (stanza), "PLAIN message (base64)");
  }
  /* hex, both cases */
  {
    GString *hex = g_string_new ("0x");

    for (const char *p = secret; *p; p++)
      g_string_append_printf (hex, "%02x", (guint8) *p);
    check_found (scan, hex->str, hex->len, "(hex)");
    g_string_ascii_up (hex);
    check_found (scan, hex->str, hex->len, "(HEX)");
    g_string_free (hex, TRUE);
  }
  /* UTF-16, both byte orders */
  {
    gsize n = 0;
    g_autofree gunichar2 *utf16 = g_utf8_to_utf16 (secret, -1, NULL, (glong *) &n, NULL);
    g_autofree guint8 *le = g_new0 (guint8, 2 * n + 2);
    g_autofree guint8 *be = g_new0 (guint8, 2 * n + 2);

    for (gsize i = 0; i < n; i++)
      {
        le[2 * i + 1] = (guint8) (utf16[i] & 0xff);   /* one byte off: inside a larger text */
        le[2 * i + 2] = (guint8) (utf16[i] >> 8);
        be[2 * i] = (guint8) (utf16[i] >> 8);
        be[2 * i + 1] = (guint8) (utf16[i] & 0xff);
      }
    check_found (scan, le, 2 * n + 2, "(UTF-16LE)");
    check_found (scan, be, 2 * n + 2, "(UTF-16BE)");
  }

  /* and nothing where it is not */
  xgb_secret_scan_buffer (scan, "clean", clean, strlen (clean), findings);
  g_assert_cmpuint (findings->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* meson sets MALLOC_PERTURB_: glibc would then overwrite some freed
   * blocks itself and hide copies that were freed without a wipe */
  mallopt (M_PERTURB, 0);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/wipe", test_wipe);
  g_test_add_func ("/secrets/forget-secrets", test_forget_secrets);
  g_test_add_func ("/secrets/libstrophe-copy", test_libstrophe_copy);
  g_test_add_func ("/secrets/libstrophe-realloc", test_libstrophe_realloc);
  g_test_add_func ("/secrets/redact", test_redact);
  g_test_add_func ("/secrets/scanner", test_scanner);

  return g_test_run ();
}
