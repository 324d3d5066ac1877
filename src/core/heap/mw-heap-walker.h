/* mw-heap-walker.h: the board-side heap walker and the host side that drives it.
 *
 * The walker is a small Lua function installed on the board as the global `_mwh`. The host
 * keeps the visited set and the queue (breadth first from `_G` and the registry) and asks the
 * walker about a few objects at a time, each named by its path of steps from a root; the
 * walker answers with records (mw-heap-record.h) about each object and its outgoing edges.
 * So the board's memory use does not grow with the heap: docs/firmware.md section 11 and
 * docs/heap-explorer.md.
 *
 * MwHeapWalk is the host side as a pure state machine (requests out, reply bytes in), tested
 * without a board; mw_heap_snapshot_take_async() runs it over an MwRepl.
 */
#pragma once

#include <gio/gio.h>

#include "mw-heap-snapshot.h"
#include "mw-device.h"

G_BEGIN_DECLS

/* The walker's Lua (it sets the global `_mwh`), the same compiled for the board (stripped,
 * NodeMCU layout), and the Lua that removes it. */
const char *mw_heap_walker_install_code (void);
GBytes *mw_heap_walker_bytecode (MwLuaNumberType number_type, GError **error);
/* The commands that write `bytecode` to a file on the board with short escaped writes, load
 * it and remove the file: each under 250 bytes. */
GPtrArray *mw_heap_walker_install_commands (GBytes *bytecode);
const char *mw_heap_walker_remove_code (void);

/* At most this many objects per request, and this many bytes of request code: one line
 * (the board compiles each request: a small request keeps the compiler's peak small). */
#define MW_HEAP_WALK_BATCH 16
#define MW_HEAP_WALK_REQUEST_BYTES 240

/* What the walk may take from the free heap at its lowest point: the walker's code, one
 * request, its garbage between collections and one growth of the string table
 * (docs/heap-explorer.md). */
#define MW_HEAP_WALK_PEAK_BOUND 7680

typedef struct _MwHeapWalk MwHeapWalk;

MwHeapWalk *mw_heap_walk_new (void);
void mw_heap_walk_free (MwHeapWalk *walk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwHeapWalk, mw_heap_walk_free)

/* The Lua of the next request (a call of `_mwh` with quoted paths), or NULL when the walk is
 * complete. Every path is quoted with mw_lua_quote(); no line exceeds 250 bytes. */
char *mw_heap_walk_next_request (MwHeapWalk *walk);
/* The walker's reply to the last request. */
gboolean mw_heap_walk_feed (MwHeapWalk *walk, const guint8 *reply, gsize len, GError **error);
/* node.heap() and collectgarbage("count") before the walker was installed: the walk's peak
 * is measured from the first. */
void mw_heap_walk_set_baseline (MwHeapWalk *walk, gint64 heap_free, gint64 lua_used);
/* The modules in the board's Lua Flash Store (node.LFS.list()): the walk asks for each one's
 * code first, and counts their prototypes, and strings equal to their strings (the read-only
 * string table), as costing no heap (docs/firmware.md section 11). */
void mw_heap_walk_add_lfs_module (MwHeapWalk *walk, const char *name);
/* The board's number type, when known otherwise than from the walker's 1/2. */
void mw_heap_walk_set_number_type (MwHeapWalk *walk, MwLuaNumberType number_type);
/* The snapshot, computed (dominators, retained sizes); the walk is spent. */
MwHeapSnapshot *mw_heap_walk_finish (MwHeapWalk *walk);

/* Reads the free heap, uploads the walker's bytecode and loads it (dofile, then the file is
 * removed), walks, removes the walker. `progress` (optional) gets the objects found so far
 * and those still to ask about after each request. */
typedef void (*MwHeapProgressFunc) (guint objects, guint pending, gpointer user_data);
void mw_heap_snapshot_take_async (MwDevice *device, MwHeapProgressFunc progress,
                                  gpointer progress_data, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
MwHeapSnapshot *mw_heap_snapshot_take_finish (MwDevice *device, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
