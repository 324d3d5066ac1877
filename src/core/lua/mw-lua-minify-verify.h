/* mw-lua-minify-verify.h: the minifier's proof that its output means what its input meant.
 *
 * Both sources are compiled with liblua5.1 (a first line starting with '#' is skipped, as
 * luaL_loadfile does) and their bytecode compared: debug info and each function's
 * linedefined/lastlinedefined aside, or with `lines` everything but local and upvalue names
 * (so line info must be identical). Compiling the input does not depend on the output, so it
 * runs on a worker thread while the caller minifies; a small input, or one no worker has
 * started on by the time the output is compiled, is compiled by the caller instead, as waiting
 * for a worker to wake up costs more than the compile.
 *
 * Kept apart from mw-lua-minifier.c because it works on the bytecode model (mw-lua-chunk.h),
 * whose MwLuaFunction is not the syntax tree's.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MwLuaMinifyVerify MwLuaMinifyVerify;

/* Starts compiling `original` (which must stay valid until finish or free). */
MwLuaMinifyVerify *mw_lua_minify_verify_start (const char *chunkname, const char *original,
                                               gsize original_len, gboolean lines);
/* Compiles `minified` and compares. Returns TRUE when they agree; else FALSE with a
 * description of the first differing function (or the compile error) in *difference.
 * *functions is set to the number of functions compared. */
gboolean mw_lua_minify_verify_finish (MwLuaMinifyVerify *verify, const char *minified,
                                      gsize minified_len, guint *functions, char **difference);
/* Waits for the worker and frees; finish does not free. */
void mw_lua_minify_verify_free (MwLuaMinifyVerify *verify);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwLuaMinifyVerify, mw_lua_minify_verify_free)

G_END_DECLS
