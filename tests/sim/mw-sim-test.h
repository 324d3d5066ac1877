/* mw-sim-test.h: a simulated board for tests, started in-process, and a host end on its pty
 * (raw, 115200, non-blocking) with helpers to send bytes and wait for replies. */
#pragma once

#include <glib.h>

#include "mw-sim.h"

G_BEGIN_DECLS

/* The 3.0 banner as the simulator prints it (docs/firmware.md section 1): build type, the build's
 * LFS size ("0x10000") and modules as given. */
#define MW_SIM_TEST_BANNER_30(type, lfs, modules) \
  "\r\nNodeMCU 3.0.0.0 built with moonwire-sim\r\n" \
  "\tbranch: release\r\n" \
  "\tcommit: 0000000000000000000000000000000000000000\r\n" \
  "\trelease: 3.0-release\r\n" \
  "\trelease DTS: 202101010000\r\n" \
  "\tSSL: false\r\n" \
  "\tbuild type: " type "\r\n" \
  "\tLFS: " lfs " bytes total capacity\r\n" \
  "\tmodules: " modules "\r\n" \
  " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\r\n"

/* What the firmware prints at boot with an LFS region and no image (docs/firmware.md section 9) */
#define MW_SIM_TEST_NO_LFS_IMAGE "No LFS image loaded\r\n"
/* ... and without an init.lua, then the prompt */
#define MW_SIM_TEST_NO_INIT "cannot open init.lua: \r\n> "
/* The default modules (mw_sim_options_init) */
#define MW_SIM_TEST_MODULES "bit,file,gpio,node,sjson,tmr,uart,wifi"

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
