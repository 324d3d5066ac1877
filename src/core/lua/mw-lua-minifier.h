/* mw-lua-minifier.h: a verified Lua 5.1 minifier for the NodeMCU firmware.
 *
 * mw_lua_minify() prints a chunk's tokens with only the separators Lua's lexer needs, renames
 * locals to the shortest names that cannot clash (an interference graph over the names'
 * textual live ranges, coloured heaviest first), shortens literals that both firmware builds
 * read as the same value, and then proves the result: input and output are compiled with
 * liblua5.1 and their bytecode must agree (debug info and line fields aside; with keep_lines
 * the line info must be identical too). A chunk that fails the proof is never returned.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MW_LUA_MINIFY_ERROR (mw_lua_minify_error_quark ())

typedef enum
{
  MW_LUA_MINIFY_ERROR_SYNTAX = 1, /* the input is not valid Lua 5.1 */
  MW_LUA_MINIFY_ERROR_VERIFY, /* the output does not compile to the input's bytecode */
  MW_LUA_MINIFY_ERROR_TOO_LARGE, /* beyond the 4 GiB token offsets of the front end */
} MwLuaMinifyError;

/* Zero-initialised options are the defaults: one line, literals shortened, locals renamed,
 * shebang kept, no comments kept. */
typedef struct
{
  gboolean keep_lines; /* every token stays on its line: line info is unchanged */
  gboolean no_literals; /* keep numbers and strings as written */
  gboolean no_rename; /* keep local names as written */
  gboolean drop_shebang; /* drop a first line starting with '#' */
  GPtrArray *keep_comments; /* GRegex*: comments matching any of them are kept (licences) */
} MwLuaMinifyOptions;

typedef struct
{
  gsize input_bytes;
  gsize output_bytes;
  guint renamed; /* locals given a new name */
  guint literals; /* numbers and strings respelled */
  guint functions; /* functions whose bytecode was compared */
} MwLuaMinifyReport;

GQuark mw_lua_minify_error_quark (void);

/* Minifies and verifies one chunk. `chunkname` names the file in errors. Returns the output,
 * or NULL with `error` set (syntax error, or a verification failure naming the first
 * differing function). `report` may be NULL. */
GBytes *mw_lua_minify (const char *chunkname, const char *source, gsize length,
                       const MwLuaMinifyOptions *options, MwLuaMinifyReport *report,
                       GError **error);

/* The shortest spelling of a numeral that the float and the integer firmware read as the
 * same value as `text` (see mw-lua-minifier.c), or NULL when there is none shorter. */
char *mw_lua_minify_numeral (const char *text, gsize length);

/* TRUE when `name` could be a minified local's name: an identifier that is not a keyword. */
gboolean mw_lua_minify_is_valid_name (const char *name);

G_END_DECLS
