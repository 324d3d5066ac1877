/* mw-test-board.h: a simulated board (MwSim on its own thread, over a real pty) with an
 * MwRepl connected to it on a fresh thread-default GMainContext. */
#pragma once

#include "mw-repl.h"
#include "mw-sim.h"

G_BEGIN_DECLS

typedef struct
{
  MwSim *sim;
  GMainContext *context;
  MwRepl *repl;
  GString *console; /* everything the "console" signal carried */
  guint resets;
} MwTestBoard;

/* Starts a board with `options` (NULL: defaults with the baud limit off, for speed) and syncs
 * to its prompt; fails the test on error. */
MwTestBoard *mw_test_board_new (const MwSimOptions *options);
void mw_test_board_free (MwTestBoard *board);
/* Runs Lua and returns its output as a string; fails the test on error. */
char *mw_test_board_exec (MwTestBoard *board, const char *code);
/* Iterates the board's context until the async result arrives. */
GAsyncResult *mw_test_board_wait (MwTestBoard *board, GAsyncResult **slot);
void mw_test_store_result (GObject *source, GAsyncResult *result, gpointer user_data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwTestBoard, mw_test_board_free)

G_END_DECLS
