/* mw-retry-policy.h: how often the REPL engine and uploads try again before they give up.
 *
 * One place for every retry count, so that a reader sees the whole policy at once and a
 * change to one count is not made in one file and forgotten in another. The counts were
 * chosen against the fault tests (tests/device/test-upload-faults.c): a noisy line at 0.03%
 * byte errors still completes, while a board that keeps failing ends in seconds.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A command whose line came back garbled (its echo differs) is sent again this often, then
 * fails with "the board keeps receiving garbled lines". */
#define MW_RETRY_GARBLED_LINE_RESENDS 3
/* The upload's setup command, when a line of it was garbled, is sent again this often (the
 * upload's watchdog bounds the time all retries take together). */
#define MW_RETRY_SETUP_RESENDS 8
/* A piece of the upload's board-side library (each defines functions only), when a line of
 * it was garbled, is sent again this often. */
#define MW_RETRY_LIBRARY_RESENDS 6
/* The abort block that ends raw mode is sent again this often when the board does not
 * answer it (each wait is the abort's time on the line, the drain and 500 ms): a board whose
 * answer a busy host read late once failed an upload after two. */
#define MW_RETRY_ABORT_RESENDS 3
/* Every block acknowledged but the whole file disagrees (a garbled setup constant): the
 * upload starts again from the first block this often, then reports a verification error. */
#define MW_RETRY_VERIFY_RESTARTS 2
/* Bad acknowledgements in a row after which the board's block framing is assumed to have
 * slipped: abort and resume instead of resending blocks. */
#define MW_RETRY_BAD_ACKS_IN_A_ROW 4
/* Aborts and resumes in one upload before it fails with "too many transmission errors". */
#define MW_RETRY_RECOVERIES 200

typedef struct
{
  guint garbled_line_resends;
  guint setup_resends;
  guint library_resends;
  guint abort_resends;
  guint verify_restarts;
  guint bad_acks_in_a_row;
  guint recoveries;
} MwRetryPolicy;

#define MW_RETRY_POLICY_DEFAULT \
  { \
    MW_RETRY_GARBLED_LINE_RESENDS, MW_RETRY_SETUP_RESENDS, MW_RETRY_LIBRARY_RESENDS, \
      MW_RETRY_ABORT_RESENDS, MW_RETRY_VERIFY_RESTARTS, MW_RETRY_BAD_ACKS_IN_A_ROW, \
      MW_RETRY_RECOVERIES \
  }

/* The policy every REPL engine and upload uses. */
const MwRetryPolicy *mw_retry_policy_get_default (void);

G_END_DECLS
