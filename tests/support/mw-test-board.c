/* mw-test-board.c: simulated board fixture for device tests. */
#include "mw-test-board.h"

#include "mw-transport.h"

static void
on_console (MwRepl *repl, GBytes *data, gboolean noise, gpointer user_data)
{
  MwTestBoard *board = user_data;
  gsize len;
  const char *text = g_bytes_get_data (data, &len);

  g_string_append_len (board->console, text, len);
}

/* MW_TEST_TRACE=1: every byte from the board on stderr, escaped, for debugging a failure. */
static void
on_trace (MwTransport *transport, GBytes *bytes, gpointer user_data)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *copy = g_strndup (data, len);
  g_autofree char *text = g_strescape (copy, NULL);

  g_printerr ("RX %.6f [%s]\n", g_get_monotonic_time () / 1e6, text);
}

static void
on_reset (MwRepl *repl, gpointer user_data)
{
  ((MwTestBoard *) user_data)->resets++;
}

void
mw_test_store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
mw_test_board_wait (MwTestBoard *board, GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (board->context, TRUE);
  return *slot;
}

MwTestBoard *
mw_test_board_new (const MwSimOptions *options)
{
  MwTestBoard *board = g_new0 (MwTestBoard, 1);
  MwSimOptions defaults;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwTransport) transport = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  if (options == NULL)
    {
      mw_sim_options_init (&defaults);
      defaults.baud_limit = FALSE;
      options = &defaults;
    }
  board->sim = mw_sim_new (options);
  g_assert_true (mw_sim_start (board->sim, &error));
  g_assert_no_error (error);
  board->context = g_main_context_new ();
  g_main_context_push_thread_default (board->context);
  board->console = g_string_new (NULL);
  transport = mw_transport_new_for_port (mw_sim_get_path (board->sim));
  board->repl = mw_repl_new (transport);
  g_signal_connect (board->repl, "console", G_CALLBACK (on_console), board);
  g_signal_connect (board->repl, "reset", G_CALLBACK (on_reset), board);
  if (g_getenv ("MW_TEST_TRACE") != NULL)
    g_signal_connect (transport, "bytes-received", G_CALLBACK (on_trace), NULL);
  g_assert_true (mw_repl_open (board->repl, board->context, &error));
  g_assert_no_error (error);
  mw_repl_sync_async (board->repl, 5000, NULL, mw_test_store_result, &result);
  mw_test_board_wait (board, &result);
  g_assert_true (mw_repl_sync_finish (board->repl, result, &error));
  g_assert_no_error (error);
  board->resets = 0; /* the boot itself does not count */
  g_string_truncate (board->console, 0);
  return board;
}

void
mw_test_board_free (MwTestBoard *board)
{
  if (board == NULL)
    return;
  mw_repl_close (board->repl);
  g_clear_object (&board->repl);
  while (g_main_context_iteration (board->context, FALSE))
    ;
  g_main_context_pop_thread_default (board->context);
  g_main_context_unref (board->context);
  mw_sim_stop (board->sim);
  g_clear_object (&board->sim);
  g_string_free (board->console, TRUE);
  g_free (board);
}

char *
mw_test_board_exec (MwTestBoard *board, const char *code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = mw_repl_execute (board->repl, code, 5000, NULL, &error);

  g_assert_no_error (error);
  if (g_bytes_get_size (out) == 0)
    return g_strdup ("");
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}
