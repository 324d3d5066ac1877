/* mw-memory-view.h: the Memory view: heap snapshots of the board (docs/heap-explorer.md) as a
 * map of retained sizes by root path and a sortable table, with Snapshot and Compare with
 * previous. MwBoard takes the snapshots and marks them in its heap log (so on the heap graph).
 * Signals: "snapshot-taken" after each snapshot, "open-location" (file name, line) when a
 * function's row is activated. */
#pragma once

#include <gtk/gtk.h>

#include "mw-board.h"
#include "mw-heap-snapshot.h"

G_BEGIN_DECLS

#define MW_TYPE_MEMORY_VIEW (mw_memory_view_get_type ())
G_DECLARE_FINAL_TYPE (MwMemoryView, mw_memory_view, MW, MEMORY_VIEW, GtkBox)

GtkWidget *mw_memory_view_new (void);
/* The board to walk; NULL when disconnected (Snapshot is then off). */
void mw_memory_view_set_board (MwMemoryView *self, MwBoard *board);
/* What the buttons do. */
void mw_memory_view_take_snapshot (MwMemoryView *self);
void mw_memory_view_compare (MwMemoryView *self);
/* Shows a snapshot taken elsewhere (a file); it becomes the latest. */
void mw_memory_view_add_snapshot (MwMemoryView *self, MwHeapSnapshot *snapshot);
/* The latest snapshot, or NULL. */
MwHeapSnapshot *mw_memory_view_get_snapshot (MwMemoryView *self);
/* The map's largest tile as drawn (its root path), or NULL when the map is empty. */
const char *mw_memory_view_get_largest_tile (MwMemoryView *self);
const char *mw_memory_view_get_status (MwMemoryView *self);

G_END_DECLS
