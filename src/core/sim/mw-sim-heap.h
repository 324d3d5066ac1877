/* mw-sim-heap.h: the simulated board's capped Lua allocator.
 *
 * Host Lua objects are bigger than the ESP8266's (64-bit pointers, 16-byte TValues), so every
 * block is charged at what it would cost on the board, from the object sizes in
 * mw-lua-ram.h (docs/firmware.md section 3), and the cap applies to that charge. When a block would
 * pass the cap the allocator fails and Lua raises its `not enough memory` error.
 */
#pragma once

#include <glib.h>
#include <lua.h>

#include "mw-lua-ram.h"

G_BEGIN_DECLS

typedef struct
{
  const MwLuaRamModel *model;
  gsize used; /* board bytes charged for live blocks */
  gsize limit; /* 0: no cap (during boot) */
  gsize peak;
  gsize host_used; /* host bytes, for leak checks and --verbose */
} MwSimHeap;

void mw_sim_heap_init (MwSimHeap *heap, MwLuaNumberType number_type);
/* What a host block of `host_size` bytes would cost on the board. */
gsize mw_sim_heap_cost (const MwSimHeap *heap, gsize host_size);
/* The lua_Alloc function; `ud` is the MwSimHeap. */
void *mw_sim_heap_alloc (void *ud, void *ptr, size_t osize, size_t nsize);
/* Free bytes under the cap (what node.heap() reports). */
gsize mw_sim_heap_free (const MwSimHeap *heap);

G_END_DECLS
