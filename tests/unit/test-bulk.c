/* test-bulk.c - the bulk change's verdicts and targets, without a server
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xgb-bulk.h"
#include "xgb-error.h"
#include "xgb-test-util.h"

#define OWN "admin@grid.test/laptop"

static GPtrArray *
affiliations (const char *first,
              ...)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_affiliation_free);
  va_list args;

  va_start (args, first);
  for (const char *jid = first; jid != NULL; jid = va_arg (args, const char *))
    {
      XgbPubsubAffiliation *a = g_new0 (XgbPubsubAffiliation, 1);

      a->jid = g_strdup (jid);
      a->affiliation = g_strdup (va_arg (args, const char *));
      g_ptr_array_add (list, a);
    }
  va_end (args);
  return list;
}

static GPtrArray *
subscriptions (const char *first,
               ...)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) xgb_pubsub_subscription_free);
  va_list args;

  va_start (args, first);
  for (const char *jid = first; jid != NULL; jid = va_arg (args, const char *))
    {
      XgbPubsubSubscription *s = g_new0 (XgbPubsubSubscription, 1);

      s->jid = g_strdup (jid);
      s->subscription = g_strdup (va_arg (args, const char *));
      s->subid = g_strdup ("sub-1");
      g_ptr_array_add (list, s);
    }
  va_end (args);
  return list;
}

typedef struct
{
  XgbBulkOutcome outcome;
  char          *from;
  char          *reason;
  gboolean       confirm;
} Verdict;

static void
verdict_clear (Verdict *v)
{
  g_clear_pointer (&v->from, g_free);
  g_clear_pointer (&v->reason, g_free);
}

static void
classify (Verdict     *v,
          XgbBulkKind  kind,
          GPtrArray   *current,
          const char  *jid,
          const char  *value)
{
  verdict_clear (v);
  v->outcome = xgb_bulk_classify (kind, current, "bulk/t-01", OWN, jid, value, &v->from, &v->reason, &v->confirm);
}

static void
test_affiliation_verdicts (void)
{
  g_autoptr(GPtrArray) owned = affiliations ("admin@grid.test", "owner", "bob@grid.test", "publisher", NULL);
  g_autoptr(GPtrArray) two_owners = affiliations ("admin@grid.test", "owner", "bob@grid.test", "owner", NULL);
  Verdict v = { 0 };

  /* from → to */
  classify (&v, XGB_BULK_AFFILIATION, owned, "bob@grid.test", "owner");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_WILL_CHANGE);
  g_assert_cmpstr (v.from, ==, "publisher");
  g_assert_false (v.confirm);
  g_assert_null (v.reason);

  /* not listed: from none; addresses compare as servers do */
  classify (&v, XGB_BULK_AFFILIATION, owned, "carol@grid.test", "member");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_WILL_CHANGE);
  g_assert_cmpstr (v.from, ==, "none");
  classify (&v, XGB_BULK_AFFILIATION, owned, "BOB@Grid.Test/phone", "publisher");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_ALREADY);
  classify (&v, XGB_BULK_AFFILIATION, owned, "carol@grid.test", "none");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_ALREADY);

  /* the last owner stays */
  classify (&v, XGB_BULK_AFFILIATION, owned, "admin@grid.test", "publisher");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_REFUSED);
  g_assert_nonnull (strstr (v.reason, "last owner"));

  /* one's own downgrade beside another owner: asks first */
  classify (&v, XGB_BULK_AFFILIATION, two_owners, "admin@grid.test", "member");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_WILL_CHANGE);
  g_assert_true (v.confirm);
  g_assert_nonnull (strstr (v.reason, "no longer own"));
  g_assert_cmpstr (v.from, ==, "owner");

  /* someone else's downgrade does not */
  classify (&v, XGB_BULK_AFFILIATION, two_owners, "bob@grid.test", "none");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_WILL_CHANGE);
  g_assert_false (v.confirm);

  verdict_clear (&v);
}

static void
test_subscription_verdicts (void)
{
  g_autoptr(GPtrArray) current = subscriptions ("bob@grid.test", "subscribed",
                                                "carol@grid.test", "pending",
                                                "dave@grid.test/siem", "subscribed", NULL);
  g_autoptr(GPtrArray) empty = subscriptions (NULL);
  Verdict v = { 0 };

  classify (&v, XGB_BULK_SUBSCRIPTION, current, "bob@grid.test", "subscribed");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_ALREADY);
  classify (&v, XGB_BULK_SUBSCRIPTION, current, "bob@grid.test", "none");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_WILL_CHANGE);
  g_assert_cmpstr (v.from, ==, "subscribed");

  /* a pending request becomes a subscription */
  classify (&v, XGB_BULK_SUBSCRIPTION, current, "carol@grid.test", "subscribed");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_WILL_CHANGE);
  g_assert_cmpstr (v.from, ==, "pending");

  /* subscriptions are per address as given */
  classify (&v, XGB_BULK_SUBSCRIPTION, current, "dave@grid.test", "subscribed");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_WILL_CHANGE);
  g_assert_cmpstr (v.from, ==, "none");
  classify (&v, XGB_BULK_SUBSCRIPTION, current, "Dave@GRID.test/siem", "subscribed");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_ALREADY);

  classify (&v, XGB_BULK_SUBSCRIPTION, empty, "bob@grid.test", "none");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_ALREADY);
  g_assert_cmpstr (v.from, ==, "none");
  classify (&v, XGB_BULK_SUBSCRIPTION, empty, "bob@grid.test", "subscribed");
  g_assert_cmpint (v.outcome, ==, XGB_BULK_WILL_CHANGE);
  g_assert_false (v.confirm);

  verdict_clear (&v);
}

static void
test_explain_error (void)
{
  g_autoptr(GError) forbidden = g_error_new_literal (XGB_STANZA_ERROR, XGB_STANZA_ERROR_FORBIDDEN,
                                                     "The server refused: forbidden.");
  g_autoptr(GError) gone = g_error_new_literal (XGB_STANZA_ERROR, XGB_STANZA_ERROR_ITEM_NOT_FOUND,
                                                "The server refused: item not found.");
  g_autoptr(GError) lost = g_error_new_literal (XGB_ERROR, XGB_ERROR_CONNECTION_LOST, "The connection was closed.");
  g_autofree char *a = xgb_bulk_explain_error (forbidden);
  g_autofree char *b = xgb_bulk_explain_error (gone);
  g_autofree char *c = xgb_bulk_explain_error (lost);

  g_assert_cmpstr (a, ==, "You are not an owner of this node. The server refused: forbidden.");
  g_assert_true (g_str_has_prefix (b, "The node no longer exists."));
  g_assert_nonnull (strstr (c, "not known"));
  g_assert_nonnull (strstr (c, "The connection was closed."));
}

/* An offline service: nothing here reaches the network. */
static XgbNodeTree *
offline_tree (void)
{
  g_autoptr(xmlDoc) doc = xgb_test_load_fixture ("xep-0060-008-pubsub-service-returns-set-of-supported-features.xml");
  g_autoptr(XgbDiscoInfo) info = xgb_disco_info_parse (xmlDocGetRootElement (doc), NULL);
  g_autoptr(XgbLoginParams) params = xgb_login_params_new ();
  g_autoptr(XgbConnection) connection = NULL;
  g_autoptr(XgbPubsubService) service = NULL;

  params->jid = g_strdup ("admin@grid.test");
  connection = xgb_connection_new (params);
  service = xgb_pubsub_service_new (connection, info);
  return xgb_node_tree_new (service, FALSE, "/");
}

static GStrv
collect (XgbNodeTree  *tree,
         XgbNode      *scope,
         GError      **error)
{
  XgbTestResult r = { 0 };
  GStrv names;

  xgb_bulk_collect_async (tree, scope, NULL, xgb_test_result_cb, &r);
  names = xgb_bulk_collect_finish (tree, xgb_test_result_wait (&r), error);
  xgb_test_result_clear (&r);
  return names;
}

static void
test_collect_folder (void)
{
  g_autoptr(XgbNodeTree) tree = offline_tree ();
  const char *names[] = { "bulk/t-02", "bulk/t-01", "bulk/deep/x", "bulk", "other/y", "bulkier/z" };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) in_folder = NULL;
  g_auto(GStrv) one = NULL;
  const char *expected[] = { "bulk/deep/x", "bulk/t-01", "bulk/t-02", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (xgb_node_tree_add (tree, names[i], NULL));

  /* The folder's topics and its folders', and nothing named alike */
  {
    GListModel *root = xgb_node_tree_get_root (tree);
    XgbNode *folder = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (root); i++)
      {
        g_autoptr(XgbNode) node = g_list_model_get_item (root, i);

        if (xgb_node_get_kind (node) == XGB_NODE_KIND_FOLDER && g_str_equal (xgb_node_get_path (node), "bulk"))
          folder = node;
      }
    g_assert_nonnull (folder);
    in_folder = collect (tree, folder, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstrv (in_folder, expected);

  /* A topic alone (the one named like the folder, too) */
  one = collect (tree, xgb_node_tree_lookup (tree, "bulk"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (one), ==, 1);
  g_assert_cmpstr (one[0], ==, "bulk");
}

/* While the tree lists, a folder's topics are not all known: the
 * collection waits, and says so when the listing fails. */
static void
test_collect_waits_for_listing (void)
{
  g_autoptr(XgbNodeTree) tree = offline_tree ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  GListModel *root;
  g_autoptr(XgbNode) folder = NULL;

  xgb_node_tree_add (tree, "bulk/t-01", NULL);
  root = xgb_node_tree_get_root (tree);
  folder = g_list_model_get_item (root, 0);
  g_assert_cmpint (xgb_node_get_kind (folder), ==, XGB_NODE_KIND_FOLDER);

  xgb_node_tree_load (tree);   /* offline: fails soon */
  g_assert_true (xgb_node_tree_get_loading (tree));
  names = collect (tree, folder, &error);
  g_assert_null (names);
  g_assert_error (error, XGB_ERROR, XGB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "could not all be listed"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bulk/affiliation-verdicts", test_affiliation_verdicts);
  g_test_add_func ("/bulk/subscription-verdicts", test_subscription_verdicts);
  g_test_add_func ("/bulk/explain-error", test_explain_error);
  g_test_add_func ("/bulk/collect-folder", test_collect_folder);
  g_test_add_func ("/bulk/collect-waits-for-listing", test_collect_waits_for_listing);

  return g_test_run ();
}
