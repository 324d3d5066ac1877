/* mw-upload-private.h: what the upload's files share (mw-upload.c: the policy around a
 * transfer: locking, fast baud, cancel, cleanup; mw-upload-block.c: the raw block protocol;
 * mw-upload-text.c: the escaped-literal fallback). */
#pragma once

#include "mw-retry-policy.h"
#include "mw-upload.h"

G_BEGIN_DECLS

#define MW_UPLOAD_WINDOW 2 /* raw blocks in flight: the 256-byte ring holds one more */
/* The board keeps blocks that arrive ahead of a missing one (SPIFFS cannot seek past the end
 * of a file, docs/firmware.md section 7) until it comes: at most this many blocks past the
 * first one missing are sent. */
#define MW_UPLOAD_AHEAD 4
/* Sequence numbers stay below 0x2000: no header starts with a space, so no block and no run
 * of spaces that follows one looks like the abort (255 spaces). */
#define MW_UPLOAD_MAX_BLOCKS 8192
/* Acknowledgement timeouts in a row after which the board is assumed out of raw mode: abort
 * and set up again. */
#define MW_UPLOAD_STALLS 3
/* board side: after an abort, swallow what is still in flight (at most a block's worth of
 * the spaces that carried the abort) for its time on the line plus this margin */
#define MW_UPLOAD_DRAIN_MARGIN_MS 30
/* An upload that confirms no new block for this many --timeout periods stops (cleanly). */
#define MW_UPLOAD_WATCHDOG_ANSWERS 3
#define MW_UPLOAD_VANISH_MS 2000 /* board side: no block for this long, give the REPL back */
/* quoted bytes per fallback line (the wrapper adds ~110) */
#define MW_UPLOAD_TEXT_LITERAL_MAX 130

typedef enum
{
  MW_UPLOAD_STEP_LOCK,
  MW_UPLOAD_STEP_FAST,
  MW_UPLOAD_STEP_SETUP,
  MW_UPLOAD_STEP_SEND,
  MW_UPLOAD_STEP_VERIFY, /* every block acknowledged; the board checks the whole file */
  MW_UPLOAD_STEP_RECOVER, /* abort block sent; waiting for the board's "-aborted" */
  MW_UPLOAD_STEP_TEXT,
  MW_UPLOAD_STEP_CLEANUP,
  MW_UPLOAD_STEP_DONE,
} MwUploadStep;

typedef struct
{
  MwDevice *device;
  MwRepl *repl;
  char *name;
  char *shown; /* the name for messages, control characters escaped */
  GBytes *data;
  const guint8 *bytes;
  gsize len;
  MwUploadFlags flags;
  guint fast_baud;
  guint normal_baud;
  MwUploadProgress progress;
  gpointer progress_data;

  MwUploadStep step;
  char token[8];
  guint n_blocks;
  guint32 *block_sums; /* Adler-32 of each block as the board checks it */
  gboolean *ok; /* acknowledged with the right sum */
  gboolean *want; /* to be sent (again): never sent, or lost on the way */
  guint confirmed; /* every block below is ok */
  guint next; /* every block below was sent at least once */
  guint in_flight;
  struct
  {
    guint seq;
    guint64 end; /* raw bytes sent since the start when it was sent */
  } flight[MW_UPLOAD_WINDOW]; /* sent and neither acknowledged nor lost, oldest first */
  guint64 sent; /* raw bytes sent since the start (the board's raw mode) */
  gint64 lost; /* raw bytes lost on the way, as the last acknowledgement tells */
  guint stalls; /* acknowledgement timeouts in a row */
  guint bad_in_a_row;
  const MwRetryPolicy *retry;
  guint setup_failures;
  guint library_next; /* pieces of the board-side library sent (mw-board-lua.h) */
  guint library_failures;
  gboolean whole_tried; /* the library and the start went as one command (the first try) */
  gboolean whole_sent; /* ... and its answer is awaited */
  gboolean started; /* a start ran in this upload: a resume is one short line */
  guint high; /* the most blocks confirmed since the last setup: progress is passing it */
  guint timeout_ms; /* the device's: every command, and the longest wait without progress */
  GSource *watchdog; /* fires when nothing progressed for timeout_ms */
  gboolean setup_unsure; /* a start timed out: it may have run, raw mode may be on */
  gboolean silent_probed; /* a start met silence and an abort was tried */
  gboolean expired; /* the watchdog fired: stop as a cancel does, with its own error */
  guint recover_timeouts;
  guint restarts;
  gboolean cancelling; /* abort sent for a cancel: end, don't resume */
  gboolean busy_exec; /* a command of ours is running: cancel after it */
  gboolean cleanup_resent; /* the cleanup went out once more after a garbled first try */
  guint32 file_a, file_b;
  gsize text_pos; /* fallback: bytes written */

  GSource *timer;
  gulong frame_id;
  gulong reset_id;
  gulong state_id;
  gboolean locked;
  gboolean fast_active;
  GError *failure; /* the error to report once cleaned up */
  MwUploadStats stats;
  gint64 start;
} MwUploadJob;

/* mw-upload.c */
/* Re-arms the watchdog: the upload made progress (a new block confirmed, a command done). */
void mw_upload_note_progress (GTask *task);
/* Why the upload stops: cancelled, or no progress within timeout_ms. */
GError *mw_upload_stop_error (MwUploadJob *up);
gint64 mw_upload_byte_time_ms (MwUploadJob *up, gsize n);
/* How long the board swallows bytes after an abort at the current baud. */
guint mw_upload_drain_ms (MwUploadJob *up);
void mw_upload_stop_timer (MwUploadJob *up);
void mw_upload_arm_timer (GTask *task, guint ms, GSourceFunc func);
void mw_upload_fail (GTask *task, GError *error);
void mw_upload_succeed (GTask *task);
/* Fails with what a board's refusal means for the upload; `done`: bytes written so far. */
void mw_upload_fail_reply (GTask *task, MwBoardReply code, const char *message, gsize done);
void mw_upload_report_progress (MwUploadJob *up);

/* mw-upload-block.c */
/* The block as sent; returns its Adler-32 (the token's, continued over the block). */
guint32 mw_upload_block_bytes (MwUploadJob *up, guint seq, guint8 out[MW_UPLOAD_BLOCK]);
void mw_upload_on_frame (MwRepl *repl, const char *kind, const char *token, GBytes *body,
                         gpointer user_data);
void mw_upload_send_setup (GTask *task);
void mw_upload_start_recovery (GTask *task);

/* mw-upload-text.c */
void mw_upload_start_text (GTask *task);

G_END_DECLS
