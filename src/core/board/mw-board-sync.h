/* mw-board-sync.h: MwBoard's sync of a local folder: every file whose board copy differs (by
 * size and an Adler-32 computed on the board) is uploaded, verified, as an upload is; the
 * others are left alone. Each file is read and prepared (lint, verified minify, compile) on a
 * worker thread and compared in its prepared form (x.lc on the board when compiled). One
 * workflow for `moonwire-cli sync` and the app's folder upload.
 */
#pragma once

#include "mw-board.h"

G_BEGIN_DECLS

/* The largest local file an upload or a sync reads. */
#define MW_BOARD_MAX_UPLOAD (16 * 1024 * 1024)

typedef enum
{
  MW_BOARD_SYNC_NONE = 0,
  MW_BOARD_SYNC_DRY_RUN = 1 << 0, /* compare only: nothing is written to the board */
} MwBoardSyncFlags;

typedef enum
{
  MW_BOARD_SYNC_FILE_SAME, /* the board's copy is the same: left alone */
  MW_BOARD_SYNC_FILE_DIFFERS, /* about to be uploaded (with DRY_RUN: would be) */
  MW_BOARD_SYNC_FILE_SENDING, /* progress of its upload: `sent` of `bytes` */
  MW_BOARD_SYNC_FILE_UPLOADED, /* verified on the board: `stats` */
  MW_BOARD_SYNC_FILE_FAILED, /* not uploaded: `error` says why; the sync goes on */
} MwBoardSyncFileState;

/* One step of one file, as it happens (valid during the call only). */
typedef struct
{
  const char *path; /* the local file */
  const char *board_name; /* its name on the board; NULL when it could not be prepared */
  gsize bytes; /* what goes to the board (after the pipeline) */
  gsize sent; /* SENDING */
  MwBoardSyncFileState state;
  const MwUploadStats *stats; /* UPLOADED */
  const GError *error; /* FAILED */
} MwBoardSyncFile;

typedef void (*MwBoardSyncFunc) (const MwBoardSyncFile *file, gpointer user_data);

typedef struct
{
  guint same; /* left alone */
  guint differ; /* found different (uploaded, or would be with DRY_RUN, or failed to upload) */
  guint uploaded; /* uploaded and verified */
  guint failed; /* could not be read, prepared or uploaded */
} MwBoardSyncResult;

/* The names of the files a sync of `folder` covers: its regular files, not hidden ones, not
 * subfolders, sorted (strcmp). A name the board cannot take fails the whole list, before the
 * board is touched. */
GStrv mw_board_sync_list (const char *folder, GError **error);

/* Syncs the files `names` of `folder` (NULL: mw_board_sync_list()) with the board, one at a
 * time, in order, with the upload options `options` (number type from the probe when
 * `detect_number_type`; the source removed after a compiled upload when `remove_source`).
 * `report` (may be NULL) hears every step of every file. A file that cannot be read, prepared or
 * uploaded is reported FAILED and the sync goes on; it stops, and _finish fails, when the board
 * cannot be asked (connection lost, no answer, cancelled). _finish fills `out` either way. */
void mw_board_sync_async (MwBoard *self, const char *folder, const char *const *names,
                          const MwBoardUploadOptions *options, MwBoardSyncFlags flags,
                          MwBoardSyncFunc report, gpointer report_data, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_board_sync_finish (MwBoard *self, GAsyncResult *result, MwBoardSyncResult *out,
                               GError **error);

G_END_DECLS
