/* xgb-fuzz.h - what the libFuzzer targets share
 *
 * Every target feeds the fuzzer's bytes to the core the way the app
 * receives them: stanzas through libstrophe's parser and then libxml2
 * (xgb-connection.c, stanza_to_doc()), files through a real file.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* libFuzzer's entry points */
int         LLVMFuzzerInitialize   (int            *argc,
                                    char         ***argv);
int         LLVMFuzzerTestOneInput (const uint8_t  *data,
                                    size_t          size);

/* Once per process, from LLVMFuzzerInitialize(): quiet logs below
 * warnings, fatal warnings and criticals (a g_return_if_fail() that
 * server data can reach is a bug), OpenSSL and libxml2 set up as the app
 * does, a private temporary folder. */
void        xgb_fuzz_init          (void);

/* The private temporary folder (removed at exit) */
const char *xgb_fuzz_tmpdir        (void);

/* @data as a NUL-terminated string; %NULL when it holds a NUL byte
 * (libstrophe's XML parser refuses those, so the app never sees them) */
char       *xgb_fuzz_string        (const uint8_t  *data,
                                    size_t          size);

/* @data as one stanza, exactly as the connection thread gets it: parsed
 * by libstrophe (first stanza of the stream), serialized by
 * xmpp_stanza_to_text(), parsed again by xgb_xml_parse().  %NULL when
 * either parser refuses it. */
xmlDoc     *xgb_fuzz_stanza        (const uint8_t  *data,
                                    size_t          size);

/* What the connection hands to a request's parser: the root of an
 * `<iq>` that is not of type error; for an error reply the error goes
 * through xgb_stanza_error_propagate() as the connection does, and
 * %NULL is returned (as for anything that is not an iq). */
xmlNode    *xgb_fuzz_iq_reply      (xmlDoc         *doc);

/* Writes @data to NAME in the private folder; returns its path */
char       *xgb_fuzz_write_file    (const char     *name,
                                    const uint8_t  *data,
                                    size_t          size);

/* Runs the default main context until *@done, or nothing is pending */
void        xgb_fuzz_iterate       (const gboolean *done);

G_END_DECLS
