/* mw-board-private.h: what MwBoard's files share (mw-board.c, mw-board-sync.c). */
#pragma once

#include "mw-board.h"

G_BEGIN_DECLS

/* The second half of mw_board_upload_async() for bytes already prepared (by the caller's own
 * worker) as `board_name`: the verified transfer, the heap-log event, the source's removal.
 * Finish with mw_board_upload_finish(). */
void _mw_board_upload_prepared_async (MwBoard *self, const char *name, const char *board_name,
                                      GBytes *prepared, const MwBoardUploadOptions *options,
                                      MwUploadProgress progress, gpointer progress_data,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);

G_END_DECLS
