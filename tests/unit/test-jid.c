/* test-jid.c - RFC 7622 address parsing
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-error.h"
#include "xgb-jid.h"

typedef struct
{
  const char *text;
  const char *local;
  const char *domain;
  const char *resource;
  const char *canonical;
} ValidCase;

static const ValidCase valid_cases[] = {
  { "admin@example.org", "admin", "example.org", NULL, "admin@example.org" },
  { "pubsub.example.org", NULL, "pubsub.example.org", NULL, "pubsub.example.org" },
  { "admin@example.org/desk", "admin", "example.org", "desk", "admin@example.org/desk" },
  { "example.org/res/with/slashes", NULL, "example.org", "res/with/slashes", "example.org/res/with/slashes" },
  { "a@b/c@d", "a", "b", "c@d", "a@b/c@d" },
  { "Admin@EXAMPLE.Org", "Admin", "example.org", NULL, "Admin@example.org" },
  { "user@example.org.", "user", "example.org", NULL, "user@example.org" },
  { "juliet@[::1]", "juliet", "[::1]", NULL, "juliet@[::1]" },
  { "römeo@montague.example/Ballroom 1", "römeo", "montague.example", "Ballroom 1", "römeo@montague.example/Ballroom 1" },
  { "user@127.0.0.1", "user", "127.0.0.1", NULL, "user@127.0.0.1" },
};

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      const ValidCase *c = &valid_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(XgbJid) jid = xgb_jid_parse (c->text, &error);
      g_autoptr(XgbJid) copy = NULL;
      g_autofree char *text = NULL;

      g_test_message ("valid: %s", c->text);
      g_assert_no_error (error);
      g_assert_nonnull (jid);
      g_assert_cmpstr (xgb_jid_get_local (jid), ==, c->local);
      g_assert_cmpstr (xgb_jid_get_domain (jid), ==, c->domain);
      g_assert_cmpstr (xgb_jid_get_resource (jid), ==, c->resource);

      text = xgb_jid_to_string (jid);
      g_assert_cmpstr (text, ==, c->canonical);

      copy = xgb_jid_copy (jid);
      g_assert_cmpstr (xgb_jid_get_domain (copy), ==, c->domain);
      g_assert_true (xgb_jid_is_valid (c->text));
    }
}

typedef struct
{
  const char *text;
  const char *message_part;
} InvalidCase;

static void
test_invalid (void)
{
  g_autofree char *long_local = NULL;
  g_autofree char *long_label = NULL;
  g_autofree char *huge = NULL;
  InvalidCase cases[] = {
    { "", "empty" },
    { "@example.org", "before “@” is empty" },
    { "user@", "server name is missing" },
    { "user@example.org/", "resource after “/” is empty" },
    { "us er@example.org", "space" },
    { "us:er@example.org", "“:”" },
    { "us<er@example.org", "“<”" },
    { "us'er@example.org", "“'”" },
    { "a@b@c", "“@”" },
    { "user@exa mple.org", "space" },
    { "user@example..org", "empty label" },
    { "user@.example.org", "empty label" },
    { "user@exam<ple.org", "“<”" },
    { "user@[::1", "IPv6" },
    { "user@[zz]", "IPv6" },
    { "user@example.org/res\x01", "control" },
    { "us\ter@example.org", "space" },
    { "\xff\xfe@example.org", "UTF-8" },
    { NULL, NULL },
    { NULL, NULL },
    { NULL, NULL },
  };
  guint n = G_N_ELEMENTS (cases) - 3;

  /* 1024-byte localpart: one byte over the limit. */
  long_local = g_strnfill (1024, 'a');
  cases[n].text = g_strconcat (long_local, "@example.org", NULL);
  cases[n++].message_part = "1023";
  long_label = g_strnfill (64, 'b');
  cases[n].text = g_strconcat ("user@", long_label, ".org", NULL);
  cases[n++].message_part = "63";
  huge = g_strnfill (100000, 'x');
  cases[n].text = huge;
  cases[n++].message_part = "3071";

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XgbJid) jid = xgb_jid_parse (cases[i].text, &error);

      if (g_utf8_validate (cases[i].text, -1, NULL))
        g_test_message ("invalid: %.40s", cases[i].text);
      g_assert_null (jid);
      g_assert_error (error, XGB_ERROR, XGB_ERROR_INVALID_ARGUMENT);
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("message “%s” for “%.40s” lacks “%s”",
                 error->message, cases[i].text, cases[i].message_part);
      g_assert_false (xgb_jid_is_valid (cases[i].text));
    }

  g_free ((char *) cases[n - 3].text);
  g_free ((char *) cases[n - 2].text);
}

static void
test_limits (void)
{
  g_autofree char *local = g_strnfill (1023, 'a');
  g_autofree char *text = g_strconcat (local, "@example.org", NULL);
  g_autoptr(XgbJid) jid = xgb_jid_parse (text, NULL);
  g_autofree char *label = g_strnfill (63, 'b');
  g_autofree char *text2 = g_strconcat ("user@", label, ".org", NULL);
  g_autoptr(XgbJid) jid2 = xgb_jid_parse (text2, NULL);

  /* Exactly at the limits is fine. */
  g_assert_nonnull (jid);
  g_assert_cmpuint (strlen (xgb_jid_get_local (jid)), ==, 1023);
  g_assert_nonnull (jid2);
}

static void
test_bare (void)
{
  g_autoptr(XgbJid) full = xgb_jid_parse ("admin@example.org/desk", NULL);
  g_autoptr(XgbJid) domain = xgb_jid_parse ("example.org/x", NULL);
  g_autofree char *bare1 = xgb_jid_to_bare (full);
  g_autofree char *bare2 = xgb_jid_to_bare (domain);

  g_assert_cmpstr (bare1, ==, "admin@example.org");
  g_assert_cmpstr (bare2, ==, "example.org");
}

static void
test_boxed (void)
{
  g_autoptr(XgbJid) jid = xgb_jid_parse ("a@b", NULL);
  XgbJid *copy = g_boxed_copy (XGB_TYPE_JID, jid);

  g_assert_true (G_TYPE_IS_BOXED (XGB_TYPE_JID));
  g_assert_cmpstr (xgb_jid_get_local (copy), ==, "a");
  g_boxed_free (XGB_TYPE_JID, copy);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jid/valid", test_valid);
  g_test_add_func ("/jid/invalid", test_invalid);
  g_test_add_func ("/jid/limits", test_limits);
  g_test_add_func ("/jid/bare", test_bare);
  g_test_add_func ("/jid/boxed", test_boxed);

  return g_test_run ();
}
