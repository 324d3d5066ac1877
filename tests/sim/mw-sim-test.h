/* mw-sim-test.h: a simulated board for tests, started in-process, and a host end on its pty
 * (raw, 115200, non-blocking) with helpers to send bytes and wait for replies. */
#pragma once

#include <glib.h>

#include "mw-sim.h"

G_BEGIN_DECLS

typedef struct
{
  MwSim *sim;
  int fd; /* the host end (the pty slave) */
  GString *seen; /* bytes read and not yet consumed by an expect */
} MwSimTestBoard;

/* Options with the baud limit off (fast tests) and the defaults otherwise. */
void mw_sim_test_options (MwSimOptions *options);
/* Starts a board, opens its pty and waits for the first prompt after boot; `boot` (may be
 * NULL) receives everything up to and including that prompt. */
MwSimTestBoard *mw_sim_test_board_new (const MwSimOptions *options, char **boot);
void mw_sim_test_board_free (MwSimTestBoard *board);
void mw_sim_test_send (MwSimTestBoard *board, const char *bytes, gssize len);
/* Reads until `until` has been seen (binary-safe, length `len`, -1: strlen); returns the
 * bytes up to and including it, or NULL after `timeout_ms`. */
GString *mw_sim_test_expect (MwSimTestBoard *board, const char *until, gssize len,
                             guint timeout_ms);
/* Exactly `n` bytes, or fewer if `timeout_ms` passes first. */
GString *mw_sim_test_read_n (MwSimTestBoard *board, gsize n, guint timeout_ms);
/* Every byte that arrives within `ms`. */
GString *mw_sim_test_drain (MwSimTestBoard *board, guint ms);
/* What the board sends until it has been quiet for `quiet_ms` (at most `max_ms` in all). */
GString *mw_sim_test_drain_quiet (MwSimTestBoard *board, guint quiet_ms, guint max_ms);
/* Opens the pty again (after closing the host end). */
void mw_sim_test_reopen (MwSimTestBoard *board);
/* Sets the host end's line speed (termios). */
void mw_sim_test_set_baud (MwSimTestBoard *board, guint baud);
/* Sends `line` and CR LF, waits for the prompt; returns what the board printed between the
 * echo and the prompt (without the final "\r\n"). */
char *mw_sim_test_run (MwSimTestBoard *board, const char *line);
/* mw_sim_test_run ("=" expr) as an integer. */
gint64 mw_sim_test_run_int (MwSimTestBoard *board, const char *expr);
/* A printable form of bytes for assertion messages. */
char *mw_sim_test_escape (const char *bytes, gsize len);
/* Asserts that `got` equals `want` byte for byte, printing both escaped. */
void mw_sim_test_assert_bytes (const char *what, const char *got, gsize got_len, const char *want,
                               gsize want_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwSimTestBoard, mw_sim_test_board_free)

G_END_DECLS
