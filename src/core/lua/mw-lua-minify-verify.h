/* mw-lua-minify-verify.h: the minifier's proof that its output means what its input meant.
 *
 * Kept apart from mw-lua-minifier.c because it works on the bytecode model (mw-lua-chunk.h),
 * whose MwLuaFunction is not the syntax tree's.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Compiles both sources with liblua5.1 (a first line starting with '#' is skipped, as
 * luaL_loadfile does) and compares their bytecode: debug info and each function's
 * linedefined/lastlinedefined aside, or with `lines` everything but local and upvalue names
 * (so line info must be identical). Returns TRUE when they agree; else FALSE with a
 * description of the first differing function (or the compile error) in *difference.
 * *functions is set to the number of functions compared. */
gboolean mw_lua_minify_verify (const char *chunkname,
                               const char *original,
                               gsize       original_len,
                               const char *minified,
                               gsize       minified_len,
                               gboolean    lines,
                               guint      *functions,
                               char      **difference);

G_END_DECLS
