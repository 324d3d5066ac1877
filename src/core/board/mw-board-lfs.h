/* mw-board-lfs.h: MwBoard's Lua Flash Store workflow (docs/firmware.md section 9): the board's
 * LFS region, then an image loaded with the verified upload, node.LFS.reload(), the restart
 * followed through, and the modules checked against the image's. */
#pragma once

#include "mw-board.h"
#include "mw-lua-lfs-image.h"

G_BEGIN_DECLS

#define MW_BOARD_LFS_ERROR (mw_board_lfs_error_quark ())
GQuark mw_board_lfs_error_quark (void);

typedef enum
{
  MW_BOARD_LFS_ERROR_NO_REGION = 1, /* the firmware has no LFS region (or no LFS at all) */
  MW_BOARD_LFS_ERROR_IMAGE, /* the image does not suit the board (number type, size) */
  MW_BOARD_LFS_ERROR_RELOAD, /* node.LFS.reload() refused it: the firmware's message */
  MW_BOARD_LFS_ERROR_MODULES, /* after the restart, the board lists other modules */
} MwBoardLfsError;

/* The image's name in SPIFFS while it is loaded. */
#define MW_BOARD_LFS_FILE "lfs.img"

typedef struct
{
  gsize size; /* node.info('lfs').lfs_size: 0 without a region */
  gsize used; /* lfs_used: the flash the loaded image takes */
  MwLuaNumberType number_type; /* the firmware's build (build_config.number_type) */
} MwBoardLfsRegion;

/* Asks the board for its LFS region (node.info('lfs')) and number type. */
void mw_board_lfs_region_async (MwBoard *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_board_lfs_region_finish (MwBoard *self, GAsyncResult *result, MwBoardLfsRegion *out,
                                     GError **error);

/* What the board's store holds now: its region (size 0 for a firmware without one or without
 * LFS at all) and node.LFS.list() (sorted by the firmware; empty without an image). */
typedef struct
{
  MwBoardLfsRegion region;
  char **modules;
} MwBoardLfsStatus;

void mw_board_lfs_status_clear (MwBoardLfsStatus *status);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MwBoardLfsStatus, mw_board_lfs_status_clear)

void mw_board_lfs_status_async (MwBoard *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_board_lfs_status_finish (MwBoard *self, GAsyncResult *result, MwBoardLfsStatus *out,
                                     GError **error);

typedef struct
{
  MwBoardLfsRegion region; /* before */
  gint64 heap_before; /* node.heap() before the upload */
  gint64 heap_after; /* and at the prompt after the restart */
  gsize used_after; /* lfs_used after the restart */
  char **modules; /* node.LFS.list() after the restart */
  MwUploadStats upload;
} MwBoardLfsResult;

void mw_board_lfs_result_clear (MwBoardLfsResult *result);

/* Loads `image` (checked against the board's region and number type first: a board without
 * a region fails with MW_BOARD_LFS_ERROR_NO_REGION and how to get one), waits through the
 * restart and checks that node.LFS.list() names the image's modules. `progress` follows the
 * upload. */
void mw_board_lfs_flash_async (MwBoard *self, MwLuaLfsImage *image, MwUploadProgress progress,
                               gpointer progress_data, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_board_lfs_flash_finish (MwBoard *self, GAsyncResult *result, MwBoardLfsResult *out,
                                    GError **error);

G_END_DECLS
