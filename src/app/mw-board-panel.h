/* mw-board-panel.h: facts about the connected board. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MW_TYPE_BOARD_PANEL (mw_board_panel_get_type ())
G_DECLARE_FINAL_TYPE (MwBoardPanel, mw_board_panel, MW, BOARD_PANEL, GtkBox)

GtkWidget *mw_board_panel_new (void);
/* Any argument may be NULL (unknown); chip_id and flash_size 0 mean unknown. flash_size is in
 * KB, as node.info reports it. */
void mw_board_panel_set_info (MwBoardPanel *self, const char *firmware, const char *build_type,
                              const char *modules, guint32 chip_id, guint32 flash_size);
/* The free heap as read at `time_us` (wall clock): the board's latest heap sample, so the
 * figure never goes stale while the sampler runs, and says when it was read. */
void mw_board_panel_set_heap (MwBoardPanel *self, guint32 heap, gint64 time_us);
/* "43776 bytes at 14:05:09" (local time) */
char *mw_board_panel_format_heap (guint32 heap, gint64 time_us);
/* The Lua Flash Store: its region (0: the firmware has none), the bytes the image takes, and
 * the modules in it (NULL: unknown). */
void mw_board_panel_set_lfs (MwBoardPanel *self, gsize size, gsize used,
                             const char *const *modules);
/* Back to "not connected" */
void mw_board_panel_clear (MwBoardPanel *self);

G_END_DECLS
