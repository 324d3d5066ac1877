/* mw-sim-heap.h: the simulated board's capped Lua allocator and its memory model.
 *
 * Host Lua objects are bigger than the ESP8266's (64-bit pointers, 16-byte TValues), so every
 * block is charged what the same object costs on the board (docs/firmware.md sections 3 and 6):
 *
 * - Each block is of one MwSimHeapKind. GC objects (strings, tables, closures, userdata,
 *   threads, prototypes, upvalues) are recognised by their header, which Lua has written by
 *   the allocator's next call; until then a block is charged by its size class.
 * - `lua_bytes` is what the firmware's Lua counts (`collectgarbage("count")`,
 *   `node.egc.meminfo()`): the object's ESP8266 size. `heap_bytes` is what the SDK allocator
 *   hands out for it: the size rounded up to 8 bytes plus an 8-byte block header. The cap
 *   applies to `heap_bytes`, which is what `node.heap()` subtracts from.
 * - Emergency GC (the firmware's allocator in app/lua/lauxlib.c): the host VM cannot collect
 *   inside its allocator, so a block that passes the cap in a mode with an emergency
 *   collection is granted on credit and `debt` is set; the VM then collects fully at its next
 *   instruction (a safe point) and raises `not enough memory` only if live data alone is still
 *   over the cap, which is when the board's allocation would have failed. Without an
 *   emergency mode the block is refused at once.
 *
 * The per-kind figures (`by_kind`) are kept for tools that chart what fills the heap.
 */
#pragma once

#include <glib.h>
#include <lua.h>

#include "mw-lua-ram.h"

G_BEGIN_DECLS

typedef enum
{
  MW_SIM_HEAP_STRING,
  MW_SIM_HEAP_TABLE,
  MW_SIM_HEAP_LUA_CLOSURE,
  MW_SIM_HEAP_C_CLOSURE,
  MW_SIM_HEAP_USERDATA,
  MW_SIM_HEAP_THREAD,
  MW_SIM_HEAP_PROTO,
  MW_SIM_HEAP_UPVAL,
  MW_SIM_HEAP_HASH, /* a table's hash part: an array of Nodes */
  MW_SIM_HEAP_VALUES, /* arrays of TValues: array parts, stacks, constants */
  MW_SIM_HEAP_BYTES, /* everything else: code, line info, buffers (same size on the board) */
  MW_SIM_HEAP_N_KINDS
} MwSimHeapKind;

/* The firmware's node.egc modes (app/lua/lua.h), bits that combine. */
enum
{
  MW_SIM_EGC_NOT_ACTIVE = 0,
  MW_SIM_EGC_ON_ALLOC_FAILURE = 1,
  MW_SIM_EGC_ON_MEM_LIMIT = 2,
  MW_SIM_EGC_ALWAYS = 4,
};

/* Boot mode and limit: lua.c calls lua_setegcmode (L, EGC_ALWAYS, 4096). */
#define MW_SIM_EGC_BOOT_MODE MW_SIM_EGC_ALWAYS
#define MW_SIM_EGC_BOOT_LIMIT 4096

typedef struct
{
  const MwLuaRamModel *model;
  gsize lua_bytes; /* the firmware Lua's count of live (and not yet collected) bytes */
  gsize heap_bytes; /* the same blocks as the SDK allocator hands them out */
  gsize limit; /* cap on heap_bytes; 0: no cap (during boot) */
  gsize peak; /* highest heap_bytes */
  gsize host_used; /* host bytes, for leak checks */
  gsize by_kind[MW_SIM_HEAP_N_KINDS]; /* lua_bytes by kind */
  gsize live_after_gc; /* lua_bytes when the last full collection ended (the GC estimate) */
  gsize excess; /* live data over the cap that was stored before its check failed */
  int egc_mode;
  glong egc_limit;
  gboolean debt; /* a block was granted on credit: collect, then check, at the next safe point */
  gpointer pending; /* the last new block, whose header Lua has not written yet */
  GHashTable *addresses; /* board addresses in use (tostring) */
  guint32 next_address;
  gboolean in_flash; /* new blocks are the Lua Flash Store's: in mapped flash, charged nothing
                      * (docs/firmware.md section 9) until resized */
  void (*on_debt) (gpointer data); /* asks the VM for a safe point soon */
  gpointer on_debt_data;
} MwSimHeap;

void mw_sim_heap_init (MwSimHeap *heap, MwLuaNumberType number_type);
/* What an object of `kind` in a host block of `host_size` bytes costs the firmware's Lua on
 * the board (`payload` is the block, for kinds whose size depends on a count in it). */
gsize mw_sim_heap_lua_cost (const MwLuaRamModel *model, MwSimHeapKind kind, gsize host_size,
                            gconstpointer payload);
/* A Lua size as the SDK allocator charges it: rounded up to 8, plus an 8-byte header. */
gsize mw_sim_heap_block_cost (gsize lua_size);
/* The kind of an initialised host block. */
MwSimHeapKind mw_sim_heap_classify (gconstpointer block, gsize host_size);
/* The lua_Alloc function; `ud` is the MwSimHeap. */
void *mw_sim_heap_alloc (void *ud, void *ptr, size_t osize, size_t nsize);
/* The userdata just made (`payload`, as lua_newuserdata returned it) is charged a Udata
 * header and `board_size` bytes, what the firmware's module allocates, instead of the host's
 * payload. */
void mw_sim_heap_charge_udata (MwSimHeap *heap, gpointer payload, gsize board_size);
/* Settles the charge of the last new block (call before reading the figures). */
void mw_sim_heap_settle (MwSimHeap *heap);
/* Free bytes under the cap (what node.heap() reports). */
gsize mw_sim_heap_free (MwSimHeap *heap);
/* Whether the heap is over what the current mode allows (checked after a full collection). */
gboolean mw_sim_heap_over (MwSimHeap *heap);
/* After a full collection: the check at a safe point. Returns TRUE when the heap is over
 * what the mode allows (raise the memory error then); what is over the cap and already
 * stored becomes `excess`, tolerated until it is freed, so the board can go on. */
gboolean mw_sim_heap_check (MwSimHeap *heap);
/* A board address for the object whose host block is `block` (what tostring shows): in the
 * ESP8266's DRAM, 0x3ffe8000 and up, unique among live objects; 0 if none is left. */
guint32 mw_sim_heap_address (MwSimHeap *heap, gconstpointer block);
/* Frees what the heap keeps besides the blocks (after lua_close). */
void mw_sim_heap_clear (MwSimHeap *heap);
/* Whether the mode collects when an allocation would fail (modes 1, 2 and 4). */
gboolean mw_sim_heap_collects (const MwSimHeap *heap);

G_END_DECLS
