/* test-soak.c: the window against a simulated board that keeps running out of memory and
 * restarting, while heap samples, uploads and a console flood are in flight. The window must
 * survive (under AddressSanitizer), the console must show each line of the flood once and in
 * order, the app must see each restart once (as many as the board counted itself), and the
 * console must still answer a typed line afterwards, exactly as a terminal would show it.
 *
 * MOONWIRE_SOAK_SECONDS sets the length: scripts/test runs it for 60 s (test-soak-short,
 * suite app), bench/soak.sh for 300 s (test-soak, suite soak). Under load the board once went
 * silent for good after many restarts: its thread slept for 2^64 - 1 us after a task
 * (tests/sim/test-vm.c). Then, once in a few loaded runs, a heap sample sent into a restart
 * took the boot's ROM noise for its error message, which the window's message bar could not
 * show (/mw/repl/restart-holds-queue, /mw/repl/error-not-utf8).
 */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-window.h"

#include <stdlib.h>
#include <string.h>

/* init.lua on the board: counts its boots in a file, floods the console with numbered lines
 * (every 10 ms), and 1.5 s after boot runs out of memory in a timer: the firmware prints the
 * error and restarts 2 s later (docs/sim.md, errors in callbacks), and init.lua runs again. */
static const char init_lua[] =
  "local boot = (tonumber(file.getcontents(\"boots\") or \"0\") or 0) + 1\n"
  "file.putcontents(\"boots\", tostring(boot))\n"
  "local n = 0\n"
  "local flood = tmr.create()\n"
  "flood:alarm(10, tmr.ALARM_AUTO, function()\n"
  "  n = n + 1\n"
  "  print(\"b\" .. boot .. \" l\" .. n)\n"
  "end)\n"
  "tmr.create():alarm(1500, tmr.ALARM_SINGLE, function()\n"
  "  local hog = {}\n"
  "  while true do hog[#hog + 1] = string.rep(\"x\", 1000) .. #hog end\n"
  "end)\n";

static MwApplication *app;

static gboolean
connected (gpointer data)
{
  return mw_board_is_connected (mw_window_get_board (data));
}

/* Runs Lua through the board until it gets an answer: the board may be restarting. A board
 * that has not answered within a minute (some twenty restarts) is dead. */
static char *
exec_retrying (MwBoard *board, const char *code)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) out = NULL;

      /* longer than a boot cycle: an answer fits between two restarts */
      mw_board_exec_async (board, code, 8000, NULL, NULL, NULL, mw_test_store_result_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      out = mw_board_exec_finish (board, result, &error);
      if (out != NULL)
        return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
      g_test_message ("retrying '%s': %s", code, error->message);
      mw_test_spin (100);
    }
  g_error ("the board did not answer '%s' within 60 s", code);
  return NULL;
}

static guint
count_resets (MwBoard *board)
{
  guint n, count = 0;
  const MwHeapEvent *events = mw_heap_log_get_events (mw_board_get_heap_log (board), &n);

  for (guint i = 0; i < n; i++)
    count += events[i].kind == MW_HEAP_EVENT_RESET;
  return count;
}

typedef struct
{
  MwBoard *board;
  guint want;
} ResetWait;

static gboolean
resets_reached (gpointer data)
{
  ResetWait *wait = data;

  return count_resets (wait->board) >= wait->want;
}

typedef struct
{
  MwBoard *board;
  guint n;
} SampleWait;

static gboolean
sampled_again (gpointer data)
{
  SampleWait *wait = data;
  guint n;

  mw_heap_log_get_samples (mw_board_get_heap_log (wait->board), &n);
  return n > wait->n;
}

static void
on_board_reset (MwBoard *board, gpointer data)
{
  (*(guint *) data)++;
}

static guint
count_text (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

typedef struct
{
  MwConsole *console;
  const char *tail;
} TailWait;

static gboolean
ends_with (gpointer data)
{
  TailWait *wait = data;
  g_autofree char *text = NULL;

  mw_console_flush (wait->console);
  text = mw_console_dup_text (wait->console);
  return g_str_has_suffix (text, wait->tail);
}

/* Fails with the end of the console's text: what the user saw instead. */
static void
console_error (MwConsole *console, const char *waited, guint boots, guint resets)
{
  g_autofree char *text = NULL;
  gsize len;

  mw_console_flush (console);
  text = mw_console_dup_text (console);
  len = strlen (text);
  g_error ("no %s (%u boots counted, %u resets logged); the console ends with:\n%s", waited, boots,
           resets, text + (len > 3000 ? len - 3000 : 0));
}

static gboolean
is_toplevel (MwWindow *window)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  return g_list_find (toplevels, window) != NULL;
}

/* Every "b<boot> l<n>" of the flood in the console's text: none twice, and within a boot in
 * increasing order. Returns how many there were. */
static guint
check_flood (const char *text)
{
  g_autoptr (GRegex) re = g_regex_new ("b([0-9]+) l([0-9]+)\\n", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GHashTable) last = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint count = 0;

  g_regex_match (re, text, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *b = g_match_info_fetch (match, 1);
      g_autofree char *l = g_match_info_fetch (match, 2);
      guint boot = atoi (b), line = atoi (l);
      guint before = GPOINTER_TO_UINT (g_hash_table_lookup (last, GUINT_TO_POINTER (boot)));

      if (line <= before)
        g_error ("b%u l%u comes after b%u l%u: a line twice or out of order", boot, line, boot,
                 before);
      g_hash_table_insert (last, GUINT_TO_POINTER (boot), GUINT_TO_POINTER (line));
      count++;
    }
  return count;
}

static void
test_soak (void)
{
  const char *env = g_getenv ("MOONWIRE_SOAK_SECONDS");
  guint seconds = env != NULL ? (guint) atoi (env) : 60;
  MwWindow *window = mw_window_new (app);
  MwBoard *board = mw_window_get_board (window);
  MwConsole *console = mw_window_get_console (window);
  g_autofree char *dir = g_dir_make_tmp ("mw-soak-XXXXXX", NULL);
  g_autoptr (GString) data = g_string_new ("-- a file uploaded again and again\n");
  g_autofree char *boots_text = NULL, *text = NULL;
  MwEditor *editor;
  guint uploads = 0, boots, resets, signalled = 0, notes, n_samples, flood_lines;
  const char *last;
  gint64 end;
  /* what the console shows after the last restart (the board without init.lua) and a typed
   * line: the restart's note, the boot, the prompt, the line and its answer, the next prompt */
  static const char last_boot[] = "[the board restarted]\n" MW_TEST_NO_LFS_IMAGE "\n" MW_TEST_BANNER
                                  "> =1+1\n"
                                  "2\n"
                                  "> ";

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (data, "local v%u = %u\n", i, i * i);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_widget_show (GTK_WIDGET (window));
  /* the whole run stays in the scrollback, so that every restart's note can be counted */
  mw_console_set_max_lines (console, 1000000);
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (connected, window, 20000));
  g_object_set (mw_window_get_heap_graph (window), "interval", 1, NULL);

  /* the looping program goes on as init.lua, then a reset starts it */
  g_free (exec_retrying (board, "file.remove('boots')"));
  editor = mw_test_open_file (window, dir, "init.lua", init_lua);
  g_assert_nonnull (editor);
  g_assert_true (mw_window_get_current_editor (window) == editor);
  g_action_group_activate_action (G_ACTION_GROUP (window), "upload", NULL);
  g_assert_true (mw_test_wait_until (mw_test_op_over, window, 30000));
  g_signal_connect (board, "reset", G_CALLBACK (on_board_reset), &signalled);
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset", NULL);

  /* uploads one after another while the board floods, samples and restarts */
  editor = mw_test_open_file (window, dir, "data.lua", data->str);
  g_assert_nonnull (editor);
  g_assert_true (mw_window_get_current_editor (window) == editor);
  end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      if (mw_test_op_over (window))
        {
          g_action_group_activate_action (G_ACTION_GROUP (window), "upload", NULL);
          uploads++;
        }
      mw_test_spin (200);
    }
  g_assert_true (mw_test_wait_until (mw_test_op_over, window, 60000));

  /* Stop the loop: no init.lua. The boot that ran the removal still runs out of memory and
   * restarts, into a board without init.lua that stays up: one restart more than the boots
   * init.lua counted, whichever boot the removal ran in. */
  g_free (exec_retrying (board, "file.remove('init.lua') print('removed')"));
  boots_text = exec_retrying (board, "uart.write(0, file.getcontents('boots'))");
  boots = (guint) atoi (boots_text);
  {
    ResetWait wait = { board, boots + 1 };
    TailWait prompt = { console, "cannot open init.lua: \n> " };

    if (!mw_test_wait_until (resets_reached, &wait, 30000)
        || !mw_test_wait_until (ends_with, &prompt, 30000))
      console_error (console, "the board without init.lua", boots, count_resets (board));
  }

  /* the user types a line: the console answers it, as a terminal shows it */
  {
    TailWait answer = { console, "\n2\n> " };
    GtkEntry *entry = mw_console_get_entry (console);

    gtk_entry_set_text (entry, "=1+1");
    g_signal_emit_by_name (entry, "activate");
    if (!mw_test_wait_until (ends_with, &answer, 30000))
      console_error (console, "the answer to =1+1", boots, count_resets (board));
  }
  /* nothing more comes (no late restart, no stray prompt) */
  mw_test_spin (1000);
  g_free (mw_test_screenshot (GTK_WIDGET (window), "soak"));
  /* and the heap graph still gets its samples */
  {
    SampleWait wait = { board, 0 };

    mw_heap_log_get_samples (mw_board_get_heap_log (board), &wait.n);
    g_assert_true (mw_test_wait_until (sampled_again, &wait, 15000));
  }

  resets = count_resets (board);
  mw_heap_log_get_samples (mw_board_get_heap_log (board), &n_samples);
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  notes = count_text (text, "[the board restarted]\n");
  flood_lines = check_flood (text);
  g_test_message ("%u s: %u boots counted by init.lua, %u resets logged, %u reset signals, %u "
                  "restart notes, %u heap samples, %u uploads started, %u flood lines in the "
                  "console",
                  seconds, boots, resets, signalled, notes, n_samples, uploads, flood_lines);

  /* the window lived through it all and is still connected */
  g_assert_true (is_toplevel (window));
  g_assert_true (gtk_widget_get_realized (GTK_WIDGET (window)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_true (connected (window));
  /* the reset started boot 1, each boot after came from a restart, and one more restart
   * brought the board without init.lua: each seen once, by the board, its heap log and the
   * console */
  g_assert_cmpuint (boots, >=, 3);
  g_assert_cmpuint (signalled, ==, boots + 1);
  g_assert_cmpuint (resets, ==, boots + 1);
  g_assert_cmpuint (notes, ==, boots + 1);
  last = g_strrstr (text, "[the board restarted]\n");
  g_assert_nonnull (last);
  g_assert_cmpstr (last, ==, last_boot);
  /* one a second asked for; the restarts (the queue waits for each boot's prompt), the uploads
   * and a loaded host take their share: 11 to 66 in 60 s here, loaded or not; 3 when the
   * sampler waited for an idle moment */
  g_assert_cmpuint (n_samples, >=, seconds / 10);
  g_assert_cmpuint (uploads, >=, 2);
  g_assert_cmpuint (flood_lines, >=, 100);

  g_signal_handlers_disconnect_by_func (board, on_board_reset, &signalled);
  g_action_group_activate_action (G_ACTION_GROUP (window), "disconnect", NULL);
  {
    g_autoptr (GList) editors = mw_window_list_editors (window);
    for (GList *l = editors; l != NULL; l = l->next)
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data)), FALSE);
  }
  gtk_widget_destroy (GTK_WIDGET (window));
  mw_test_spin (20);
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/soak/oom-resets", test_soak);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
