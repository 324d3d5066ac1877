/* mw-cli-json.h: JSON string escaping for the local commands' JSON (lint --formatter=json,
 * ram --json, lfs --json). They link GLib and Lua only, for a fast start (mw-cli-module.h);
 * the board module writes its --json through json-glib (mw-cli-json-out.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends a JSON string literal for `text`: invalid UTF-8 becomes U+FFFD, `"` and `\` are
 * escaped, control characters become \u00XX. */
void mw_cli_json_append_string (GString *out, const char *text);

G_END_DECLS
