/* mw-lua-codegen.h: Lua 5.1 bytecode from a parsed and resolved tree, as the firmware's
 * compiler builds it.
 *
 * The generator walks an MwLuaTree in the order lparser.c parses and emits, with lcode.c's
 * rules for registers, jumps, constant folding and constants, so its function prototypes are
 * the ones the NodeMCU firmware and its luac.cross build: the same instructions, constants in
 * the same order, and line info grouped the way the firmware packs it (docs/firmware.md
 * section 8). The integer target reads numerals and folds constants as the integer firmware
 * does. The result is an MwLuaChunk, which writes it in any format.
 */
#pragma once

#include <glib.h>

#include "mw-lua-chunk.h"
#include "mw-lua-ram.h"
#include "mw-lua-tree.h"

G_BEGIN_DECLS

#define MW_LUA_CODEGEN_ERROR (mw_lua_codegen_error_quark ())
GQuark mw_lua_codegen_error_quark (void);

typedef enum
{
  MW_LUA_CODEGEN_ERROR_SYNTAX = 1, /* the tree has a syntax error (Lua's message) */
  MW_LUA_CODEGEN_ERROR_LIMIT, /* a firmware limit: locals, upvalues, stack, jumps, constants */
  MW_LUA_CODEGEN_ERROR_NUMBER, /* a numeral the integer firmware reads as something else */
} MwLuaCodegenError;

typedef enum
{
  MW_LUA_CODEGEN_NONE = 0,
  /* desktop Lua's 200 locals instead of the firmware's 50: for comparing with liblua5.1 */
  MW_LUA_CODEGEN_DESKTOP_LIMITS = 1 << 0,
  /* no local variable or upvalue names in the prototypes (n_locvars and n_upvalues 0): for
   * a caller that strips them anyway, which then need not be copied */
  MW_LUA_CODEGEN_NO_NAMES = 1 << 1,
} MwLuaCodegenFlags;

/* Generates the chunk for `tree`, parsed from a whole file with its name as the tree's chunk
 * name (the main function's source becomes "@name", as luac.cross names it). Errors are
 * "name:LINE: message" in luac.cross's words. The chunk's format is the NodeMCU one of
 * `target`. */
MwLuaChunk *mw_lua_codegen_generate (MwLuaTree *tree, MwLuaNumberType target,
                                     MwLuaCodegenFlags flags, GError **error);

G_END_DECLS
