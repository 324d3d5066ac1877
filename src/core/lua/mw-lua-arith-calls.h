/* mw-lua-arith-calls.h: a chunk whose `/`, `%` and `^` call functions instead.
 *
 * The simulator's integer build runs on the host's liblua5.1, whose VM divides doubles. The
 * firmware's integer build divides 32-bit integers (docs/firmware.md section 8), so the
 * simulator compiles for the integer target (constants folded as the firmware folds them)
 * and routes each remaining DIV, MOD and POW instruction through a global function that does
 * the integer operation.
 */
#pragma once

#include "mw-lua-chunk.h"

G_BEGIN_DECLS

/* A copy of `chunk` in which every OP_DIV, OP_MOD and OP_POW `R(A) := RK(B) op RK(C)` of every
 * function becomes `R(A) := name(RK(B), RK(C))`, with `names` the global functions for
 * division, modulo and power, in that order, on the same line. Jumps are moved to match.
 * `source`, when not NULL, becomes the main function's chunk name. Fails when a function has no
 * three registers to spare or a jump would not fit. */
MwLuaChunk *mw_lua_chunk_route_arith (MwLuaChunk *chunk, const char *const names[3],
                                      const char *source, GError **error);

G_END_DECLS
