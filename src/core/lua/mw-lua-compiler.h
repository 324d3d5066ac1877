/* mw-lua-compiler.h: Lua source to NodeMCU bytecode (.lc) on the host, and back.
 *
 * The parser and the code generator (mw-lua-codegen.h) compile as the firmware's luac.cross
 * does, for its float or integer build; MwLuaChunk writes the result in the firmware's format
 * (docs/firmware.md sections 4 and 8) with the firmware's strip levels, so the bytes are what
 * luac.cross writes.
 */
#pragma once

#include <glib.h>

#include "mw-lua-chunk.h"
#include "mw-lua-ram.h"

G_BEGIN_DECLS

#define MW_LUA_COMPILER_ERROR (mw_lua_compiler_error_quark ())
GQuark mw_lua_compiler_error_quark (void);

typedef enum
{
  MW_LUA_COMPILER_ERROR_SYNTAX = 1, /* the source does not compile */
  MW_LUA_COMPILER_ERROR_NUMBER, /* a constant the integer firmware cannot hold */
  MW_LUA_COMPILER_ERROR_CHUNK, /* not a chunk we can read or convert */
} MwLuaCompilerError;

/* Strip levels, as node.stripdebug. The firmware and luac.cross default to
 * MW_LUA_STRIP_NAMES even without -s. */
typedef enum
{
  MW_LUA_STRIP_NONE = 1, /* keep everything */
  MW_LUA_STRIP_NAMES = 2, /* drop local and upvalue names (the default) */
  MW_LUA_STRIP_ALL = 3, /* also drop line info and source names (-s) */
} MwLuaStripLevel;

const MwLuaChunkFormat *mw_lua_compiler_target_format (MwLuaNumberType target);

/* Compiles `source` for `target` to a chunk at `strip` level. Errors are "FILE:LINE: ..." in
 * luac.cross's words: syntax errors and the firmware's limits (MW_LUA_COMPILER_ERROR_SYNTAX),
 * numerals the integer firmware reads otherwise (MW_LUA_COMPILER_ERROR_NUMBER). `filename`
 * names the file in messages and becomes the chunk name "@filename". */
MwLuaChunk *mw_lua_compiler_compile (const char *filename, const char *source, gsize len,
                                     MwLuaNumberType target, MwLuaStripLevel strip, GError **error);

/* mw_lua_compiler_compile, then the NodeMCU bytes of `target`. */
GBytes *mw_lua_compiler_compile_to_bytes (const char *filename, const char *source, gsize len,
                                          MwLuaNumberType target, MwLuaStripLevel strip,
                                          GError **error);

/* Any Lua 5.1 chunk (NodeMCU float or integer, or another host's) as this host's liblua5.1
 * loads it. */
GBytes *mw_lua_compiler_to_host (const guint8 *bytes, gsize len, GError **error);

/* The first instruction (0-based pc) of `function` that uses constant `k`, or -1. */
int mw_lua_compiler_find_constant_use (const MwLuaProto *function, guint k);

/* A listing like `luac -l` (`full`: `luac -l -l`, with constants, locals and upvalues).
 * Addresses, which mean nothing here, are replaced by each function's number in listing
 * order. */
char *mw_lua_compiler_list (MwLuaChunk *chunk, gboolean full);

G_END_DECLS
