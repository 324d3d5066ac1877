/* mw-cli-json.h: the one JSON string escaping of moonwire-cli, for every --json output and the
 * lint formatter, in the local commands and the board module alike. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A JSON string literal for `text`: invalid UTF-8 becomes U+FFFD, `"` and `\` are escaped,
 * control characters become \u00XX. */
char *mw_cli_json_string (const char *text);
void mw_cli_json_append_string (GString *out, const char *text);

G_END_DECLS
