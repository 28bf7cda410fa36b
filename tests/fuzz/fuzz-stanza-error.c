/* fuzz-stanza-error.c - error replies (RFC 6120 8.3, pubsub#errors)
 *
 * Every `type='error'` reply becomes a GError through
 * xgb_stanza_error_propagate(), whose message quotes the server's text;
 * the bulk changes explain it further.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "xgb-bulk.h"
#include "xgb-error.h"
#include "xgb-fuzz.h"
#include "xgb-xml.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xgb_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(xmlDoc) doc = xgb_fuzz_stanza (data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *explained = NULL;
  xmlNode *root;
  xmlNode *err;

  if (doc == NULL)
    return 0;
  root = xmlDocGetRootElement (doc);

  /* Whatever the stanza, as the connection does for type='error' */
  g_assert (!xgb_stanza_error_propagate (root, &error));
  g_assert (error != NULL && error->domain == XGB_STANZA_ERROR);
  g_assert (g_utf8_validate (error->message, -1, NULL));
  g_assert (xgb_stanza_error_to_condition (error->code) != NULL);
  explained = xgb_bulk_explain_error (error);
  g_assert (explained != NULL);

  /* The conditions, one by one */
  err = xgb_xml_child (root, "error", NULL);
  for (xmlNode *c = err ? err->children : NULL; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      (void) xgb_stanza_error_from_condition ((const char *) c->name);

  return 0;
}
