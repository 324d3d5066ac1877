/* test-board.c: MwBoard, the one board session, against the simulator over a real pty:
 * connect and probe, uploads with and without the pipeline, the reset fallback, and the leak
 * figure on a board leaking at a known rate, as the core reports it and as `moonwire-cli heap
 * --watch` prints it. */
#include "mw-config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mw-board.h"
#include "mw-upload.h"
#include "mw-board-sync.h"
#include "mw-sim.h"
#include "mw-test-board.h"
#include "mw-test-support.h"

/* The scripted leak: one item (a table of two slots and a 198-byte string) every LEAK_MS. */
#define LEAK_MS 250
#define LEAK_ITEM "LEAK={LEAK,string.format('%099d%099d',LEAKN,LEAKN)}"

typedef struct
{
  MwSim *sim;
  MwBoard *board;
} Fixture;

static void
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
spin_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static void
fixture_start (Fixture *f, const MwSimOptions *given, MwBoardConnectFlags flags)
{
  MwSimOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  if (given != NULL)
    options = *given;
  else
    mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  f->sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (f->sim, &error));
  g_assert_no_error (error);
  f->board = mw_board_new ();
  mw_board_connect_async (f->board, mw_sim_get_path (f->sim), 115200, 5000, flags, NULL,
                          mw_test_store_result, &result);
  wait_for (&result);
  g_assert_true (mw_board_connect_finish (f->board, result, &error));
  g_assert_no_error (error);
  g_assert_true (mw_board_is_connected (f->board));
}

static void
fixture_stop (Fixture *f)
{
  if (f->board != NULL)
    mw_board_disconnect (f->board);
  g_clear_object (&f->board);
  if (f->sim != NULL)
    mw_sim_stop (f->sim);
  g_clear_object (&f->sim);
}

static char *
exec (MwBoard *board, const char *code)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;

  mw_board_exec_async (board, code, 5000, NULL, NULL, NULL, mw_test_store_result, &result);
  wait_for (&result);
  out = mw_board_exec_finish (board, result, &error);
  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

/* Connect with the probe: the firmware, its number type and modules as the simulator has them. */
static void
test_connect_probe (void)
{
  static const struct
  {
    gboolean integer;
    MwLuaNumberType target;
  } cases[] = {
    { FALSE, MW_LUA_TARGET_FLOAT },
    { TRUE, MW_LUA_TARGET_INTEGER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Fixture f = { 0 };
      MwSimOptions options;
      const MwBoardInfo *info;
      g_autofree char *modules = NULL;

      mw_sim_options_init (&options);
      options.integer_build = cases[i].integer;
      fixture_start (&f, &options, MW_BOARD_CONNECT_PROBE);
      info = mw_board_get_info (f.board);
      g_assert_nonnull (info);
      g_assert_cmpstr (info->version, ==, "3.0.0");
      g_assert_true (info->number_type_known);
      g_assert_cmpint (info->number_type, ==, cases[i].target);
      g_assert_cmpint (mw_board_get_number_type (f.board), ==, cases[i].target);
      modules = g_strjoinv (",", info->modules);
      g_assert_cmpstr (modules, ==, MW_SIM_DEFAULT_MODULES);
      g_assert_cmpstr (mw_board_get_port (f.board), ==, mw_sim_get_path (f.sim));
      fixture_stop (&f);
    }
}

static gboolean
upload (MwBoard *board, const char *name, const char *source, gsize len,
        const MwBoardUploadOptions *options, MwBoardUploadResult *out, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) bytes = g_bytes_new (source, len);

  mw_board_upload_async (board, name, bytes, options, NULL, NULL, NULL, mw_test_store_result,
                         &result);
  wait_for (&result);
  return mw_board_upload_finish (board, result, out, error);
}

static char *
flash_file (Fixture *f, const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename (mw_sim_get_fs_dir (f->sim), name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, len, NULL))
    return NULL;
  return contents;
}

/* Without the pipeline the bytes arrive as they are; with it (compile for the probed number
 * type, remove the source) the board runs the bytecode and the source is gone. */
static void
test_upload (gconstpointer data)
{
  gboolean integer = GPOINTER_TO_INT (data);
  static const char hello[] = "local n = 7 / 2\nprint('hello from the board', n)\n";
  Fixture f = { 0 };
  MwSimOptions options;
  MwBoardUploadOptions plain = { 0 };
  MwBoardUploadOptions compile = { 0 };
  MwBoardUploadResult done = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *bytes = g_malloc (3000);
  g_autofree char *on_flash = NULL;
  g_autofree char *out = NULL;
  gsize len = 0;
  guint n_events;
  const MwHeapEvent *events;

  mw_sim_options_init (&options);
  options.integer_build = integer;
  fixture_start (&f, &options, MW_BOARD_CONNECT_PROBE);
  for (guint i = 0; i < 3000; i++)
    bytes[i] = (i * 7919) & 0xff;
  g_assert_true (upload (f.board, "data.bin", bytes, 3000, &plain, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (done.board_name, ==, "data.bin");
  g_assert_cmpuint (done.stats.bytes, ==, 3000);
  g_assert_false (done.source_removed);
  on_flash = flash_file (&f, "data.bin", &len);
  g_assert_cmpmem (on_flash, len, bytes, 3000);
  mw_board_upload_result_clear (&done);

  g_assert_true (upload (f.board, "hello.lua", hello, sizeof hello - 1, &plain, &done, &error));
  mw_board_upload_result_clear (&done);
  compile.pipeline.compile = TRUE;
  compile.pipeline.number_type = MW_LUA_TARGET_FLOAT; /* replaced by the probe's */
  compile.detect_number_type = TRUE;
  compile.remove_source = TRUE;
  g_assert_true (upload (f.board, "hello.lua", hello, sizeof hello - 1, &compile, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (done.board_name, ==, "hello.lc");
  g_assert_true (done.source_removed);
  g_clear_pointer (&on_flash, g_free);
  g_assert_null (flash_file (&f, "hello.lua", &len));
  mw_board_upload_result_clear (&done);

  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GBytes) output = NULL;

    mw_board_run_async (f.board, "hello.lc", 5000, NULL, NULL, NULL, mw_test_store_result, &result);
    wait_for (&result);
    output = mw_board_exec_finish (f.board, result, &error);
    g_assert_no_error (error);
    out = g_strndup (g_bytes_get_data (output, NULL), g_bytes_get_size (output));
  }
  g_assert_cmpstr (out, ==,
                   integer ? "hello from the board\t3\r\n" : "hello from the board\t3.5\r\n");

  /* the heap log saw the connection, the uploads and the run, in order */
  events = mw_heap_log_get_events (mw_board_get_heap_log (f.board), &n_events);
  g_assert_cmpuint (n_events, ==, 5);
  g_assert_cmpint (events[0].kind, ==, MW_HEAP_EVENT_CONNECT);
  g_assert_cmpint (events[1].kind, ==, MW_HEAP_EVENT_UPLOAD);
  g_assert_cmpstr (events[1].label, ==, "data.bin");
  g_assert_cmpstr (events[2].label, ==, "hello.lua");
  g_assert_cmpstr (events[3].label, ==, "hello.lc");
  g_assert_cmpint (events[4].kind, ==, MW_HEAP_EVENT_RUN);
  g_assert_cmpstr (events[4].label, ==, "hello.lc");

  /* a pipeline failure uploads nothing and says why */
  compile.pipeline.lint = TRUE;
  g_assert_false (upload (f.board, "bad.lua", "x = = 1\n", 8, &compile, &done, &error));
  g_assert_nonnull (error);
  g_assert_null (done.board_name);
  g_assert_null (flash_file (&f, "bad.lc", &len));
  fixture_stop (&f);
}

static void
count_reset (MwBoard *board, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* A pty has no modem lines: reset falls back to node.restart(), says so, and waits for the
 * prompt; the restart is a break in the heap log. */
static void
test_reset_fallback (void)
{
  Fixture f = { 0 };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwBoardInfo) info = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *out = NULL;
  guint resets = 0, n_before, n_events;
  const MwHeapEvent *events;

  fixture_start (&f, NULL, MW_BOARD_CONNECT_NONE);
  g_signal_connect (f.board, "reset", G_CALLBACK (count_reset), &resets);
  g_free (exec (f.board, "survivor = 1"));
  /* (the boot seen while connecting may be there already) */
  mw_heap_log_get_events (mw_board_get_heap_log (f.board), &n_before);
  mw_board_reset_async (f.board, FALSE, NULL, mw_test_store_result, &result);
  wait_for (&result);
  info = mw_board_reset_finish (f.board, result, &reason, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reason);
  g_assert_nonnull (info);
  g_assert_cmpstr (info->version, ==, "3.0.0.0");
  g_assert_cmpuint (resets, ==, 1);
  events = mw_heap_log_get_events (mw_board_get_heap_log (f.board), &n_events);
  g_assert_cmpuint (n_events, ==, n_before + 1);
  g_assert_cmpint (events[n_events - 1].kind, ==, MW_HEAP_EVENT_RESET);
  /* a restarted board forgot its globals, and answers */
  out = exec (f.board, "print(survivor)");
  g_assert_cmpstr (out, ==, "nil\r\n");
  fixture_stop (&f);
}

/* The cost of one leaked item on this board, measured by the board itself. */
static double
item_cost (MwBoard *board)
{
  g_autofree char *out = exec (board, "LEAK=nil collectgarbage() local h=node.heap()\n"
                                      "for i=1,40 do LEAKN=i " LEAK_ITEM " end collectgarbage()\n"
                                      "print(h-node.heap()) LEAK=nil LEAKN=0 collectgarbage()");

  return g_ascii_strtod (out, NULL) / 40;
}

static void
start_leak (MwBoard *board)
{
  g_free (exec (board, "LEAKN=0 LEAKT=tmr.create()\n"
                       "LEAKT:alarm(" G_STRINGIFY (LEAK_MS) ",tmr.ALARM_AUTO,function() "
                                                            "LEAKN=LEAKN+1 " LEAK_ITEM " end)"));
}

/* The leak figure of the core (the app's heap graph shows this one) is within 10% of the
 * board's true rate. */
static void
test_leak_core (void)
{
  Fixture f = { 0 };
  MwSimOptions options;
  MwHeapLeak leak;
  double cost, truth;

  mw_sim_options_init (&options);
  options.heap = 160 * 1024;
  fixture_start (&f, &options, MW_BOARD_CONNECT_NONE);
  cost = item_cost (f.board);
  g_assert_cmpfloat (cost, >, 200);
  truth = -cost * 60000.0 / LEAK_MS;
  start_leak (f.board);
  mw_board_set_heap_interval (f.board, 100);
  spin_ms (4000);
  mw_board_set_heap_interval (f.board, 0);
  g_assert_true (mw_heap_log_get_leak (mw_board_get_heap_log (f.board), &leak));
  g_test_message ("true %.0f B/min, measured %.0f B/min over %u samples", truth, leak.bytes_per_min,
                  leak.n_samples);
  g_assert_cmpfloat (fabs (leak.bytes_per_min - truth), <=, 0.10 * fabs (truth));
  g_assert_true (mw_heap_leak_is_suspect (&leak));
  fixture_stop (&f);
}

/* `moonwire-cli heap --watch` prints the same analysis: within 10% of the true rate. */
static void
test_leak_cli (void)
{
  Fixture f = { 0 };
  MwSimOptions options;
  double cost, truth, figure = 0;
  g_autoptr (GSubprocess) cli = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *line;

  mw_sim_options_init (&options);
  options.heap = 160 * 1024;
  fixture_start (&f, &options, MW_BOARD_CONNECT_NONE);
  cost = item_cost (f.board);
  truth = -cost * 60000.0 / LEAK_MS;
  start_leak (f.board);
  /* the port is the CLI's now; the board keeps leaking */
  mw_board_disconnect (f.board);
  cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                          g_getenv ("MOONWIRE_CLI"), "heap", "--watch", "--interval", "100",
                          "--port", mw_sim_get_path (f.sim), NULL);
  g_assert_no_error (error);
  g_usleep (4000 * 1000);
  g_subprocess_send_signal (cli, SIGINT);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (cli));
  line = strstr (err, "heap trend: ");
  g_assert_nonnull (line);
  figure = g_ascii_strtod (line + strlen ("heap trend: "), NULL);
  g_test_message ("true %.0f B/min, moonwire-cli %s", truth, line);
  g_assert_true (g_str_has_suffix (err, " (a leak?)\n"));
  g_assert_cmpfloat (fabs (figure - truth), <=, 0.10 * fabs (truth));
  fixture_stop (&f);
}

/* The analysis itself, on samples of known slope: window, resets and gaps break the run. */
static void
test_leak_analysis (void)
{
  MwHeapSample s[40];
  gint64 breaks[1];
  MwHeapLeak leak;
  const gint64 t0 = 1700000000LL * G_USEC_PER_SEC;

  /* 30 samples a second apart losing 10 B/s, then 10 samples after a reset losing 2 B/s */
  for (guint i = 0; i < 30; i++)
    s[i] = (MwHeapSample){ t0 + i * G_USEC_PER_SEC, 40000 - 10 * i };
  for (guint i = 30; i < 40; i++)
    s[i] = (MwHeapSample){ t0 + i * G_USEC_PER_SEC, 44000 - 2 * (i - 30) };
  g_assert_true (mw_heap_leak_analyze (s, 30, NULL, 0, &leak));
  g_assert_cmpfloat_with_epsilon (leak.bytes_per_min, -600, 1e-6);
  g_assert_cmpuint (leak.n_samples, ==, 30);
  g_assert_cmpfloat_with_epsilon (leak.seconds, 29, 1e-9);
  breaks[0] = t0 + 29 * G_USEC_PER_SEC + G_USEC_PER_SEC / 2;
  g_assert_true (mw_heap_leak_analyze (s, 40, breaks, 1, &leak));
  g_assert_cmpfloat_with_epsilon (leak.bytes_per_min, -120, 1e-6);
  g_assert_cmpuint (leak.n_samples, ==, 10);
  g_assert_false (mw_heap_leak_is_suspect (&(MwHeapLeak){ -0.5, 10, 9 }));

  /* a gap of ten intervals: only the samples after it count */
  for (guint i = 30; i < 40; i++)
    s[i] = (MwHeapSample){ t0 + (i + 10) * G_USEC_PER_SEC, 30000 - 5 * (i - 30) };
  g_assert_true (mw_heap_leak_analyze (s, 40, NULL, 0, &leak));
  g_assert_cmpfloat_with_epsilon (leak.bytes_per_min, -300, 1e-6);
  g_assert_cmpuint (leak.n_samples, ==, 10);

  /* the window: samples older than MW_HEAP_LEAK_WINDOW_S before the last do not count */
  for (guint i = 0; i < 40; i++)
    s[i] = (MwHeapSample){ t0 + (gint64) i * 60 * G_USEC_PER_SEC,
                           i < 20 ? 40000 : 40000 - 60 * (i - 20) };
  g_assert_true (mw_heap_leak_analyze (s, 40, NULL, 0, &leak));
  g_assert_cmpuint (leak.n_samples, ==, MW_HEAP_LEAK_WINDOW_S / 60 + 1);
  g_assert_cmpfloat_with_epsilon (leak.bytes_per_min, -60, 1e-6);

  /* too few since the last break */
  g_assert_false (mw_heap_leak_analyze (s, 2, NULL, 0, &leak));
}

static guint
count_events (MwBoard *board, MwHeapEventKind kind)
{
  guint n, count = 0;
  const MwHeapEvent *events = mw_heap_log_get_events (mw_board_get_heap_log (board), &n);

  for (guint i = 0; i < n; i++)
    count += events[i].kind == kind;
  return count;
}

static void
count_samples_cb (MwBoard *board, gint64 time_us, guint heap, gpointer data)
{
  (*(guint *) data)++;
}

/* The heap log's events tell what happened to the session, each once: the connection (with
 * its port), every restart of the board (node.restart(), running out of memory in a timer),
 * the disconnection. */
static void
test_heap_events (void)
{
  Fixture f = { 0 };
  MwSimOptions options;
  guint samples = 0;
  g_autoptr (GString) kinds = g_string_new (NULL);
  const MwHeapEvent *events;
  guint n;

  mw_sim_options_init (&options);
  fixture_start (&f, &options, MW_BOARD_CONNECT_NONE);
  g_signal_connect (f.board, "heap-sample", G_CALLBACK (count_samples_cb), &samples);
  mw_board_set_heap_interval (f.board, 50);
  while (samples < 2)
    g_main_context_iteration (NULL, TRUE);
  /* a restart the board asks for, then one from running out of memory */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) out = NULL;
      guint before = count_events (f.board, MW_HEAP_EVENT_RESET);

      mw_board_exec_async (
        f.board,
        round == 0 ? "node.restart()"
                   : "tmr.create():alarm(10, tmr.ALARM_SINGLE, function() "
                     "local t = {} while true do t[#t + 1] = string.rep('x', 1000) .. #t end end)",
        5000, NULL, NULL, NULL, mw_test_store_result, &result);
      wait_for (&result);
      out = mw_board_exec_finish (f.board, result, &error);
      g_test_message ("round %u: %s", round, error != NULL ? error->message : "no error");
      while (count_events (f.board, MW_HEAP_EVENT_RESET) == before)
        g_main_context_iteration (NULL, TRUE);
      before = samples;
      while (samples < before + 3)
        g_main_context_iteration (NULL, TRUE);
    }
  mw_board_disconnect (f.board);
  events = mw_heap_log_get_events (mw_board_get_heap_log (f.board), &n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (kinds, "%s%s", i > 0 ? " " : "",
                            mw_heap_event_kind_to_string (events[i].kind));
  g_assert_cmpstr (kinds->str, ==, "connect reset reset disconnect");
  g_assert_cmpstr (events[0].label, ==, mw_sim_get_path (f.sim));
  g_assert_null (events[3].label);
  fixture_stop (&f);
}

static gboolean
board_has (Fixture *f, const char *name)
{
  g_autofree char *code = g_strdup_printf ("print(file.exists('%s'))", name);
  g_autofree char *out = exec (f->board, code);

  return g_strcmp0 (out, "true\r\n") == 0;
}

static void
reconnect (Fixture *f, MwBoardConnectFlags flags)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  mw_board_disconnect (f->board);
  mw_board_connect_async (f->board, mw_sim_get_path (f->sim), 115200, 5000, flags, NULL,
                          mw_test_store_result, &result);
  wait_for (&result);
  g_assert_true (mw_board_connect_finish (f->board, result, &error));
  g_assert_no_error (error);
}

/* The temporary file an upload killed half-way left (the host gone, the board unplugged) is
 * removed on connecting with MW_BOARD_CONNECT_CLEAN, as the app connects, and nothing else. */
static void
test_connect_clean (void)
{
  Fixture f = { 0 };

  fixture_start (&f, NULL, MW_BOARD_CONNECT_NONE);
  g_free (exec (f.board, "file.putcontents('" MW_UPLOAD_TEMP_NAME "', 'half an upload') "
                         "file.putcontents('keep.lua', 'x = 1')"));
  reconnect (&f, MW_BOARD_CONNECT_NONE);
  g_assert_true (board_has (&f, MW_UPLOAD_TEMP_NAME));
  reconnect (&f, MW_BOARD_CONNECT_PROBE | MW_BOARD_CONNECT_CLEAN);
  g_assert_false (board_has (&f, MW_UPLOAD_TEMP_NAME));
  g_assert_true (board_has (&f, "keep.lua"));
  /* nothing to clean: connects all the same */
  reconnect (&f, MW_BOARD_CONNECT_CLEAN);
  g_assert_true (mw_board_is_connected (f.board));
  fixture_stop (&f);
}

/* ---- sync ---- */

typedef struct
{
  GString *log; /* one line per step of a file (SENDING steps are checked, not logged) */
  gsize last_sent;
} SyncLog;

static void
on_sync_file (const MwBoardSyncFile *file, gpointer user_data)
{
  SyncLog *log = user_data;
  g_autofree char *base = g_path_get_basename (file->path);

  switch (file->state)
    {
      case MW_BOARD_SYNC_FILE_SAME:
        g_string_append_printf (log->log, "same %s %zu\n", file->board_name, file->bytes);
        break;
      case MW_BOARD_SYNC_FILE_DIFFERS:
        log->last_sent = 0;
        g_string_append_printf (log->log, "differs %s %zu\n", file->board_name, file->bytes);
        break;
      case MW_BOARD_SYNC_FILE_SENDING:
        g_assert_cmpuint (file->sent, >=, log->last_sent);
        g_assert_cmpuint (file->sent, <=, file->bytes);
        log->last_sent = file->sent;
        break;
      case MW_BOARD_SYNC_FILE_UPLOADED:
        g_assert_cmpuint (file->stats->bytes, ==, file->bytes);
        g_string_append_printf (log->log, "uploaded %s %zu\n", file->board_name, file->bytes);
        break;
      case MW_BOARD_SYNC_FILE_FAILED:
        g_assert_null (file->board_name);
        g_string_append_printf (log->log, "failed %s: %s\n", base, file->error->message);
        break;
    }
}

static char *
sync_folder (MwBoard *board, const char *dir, const MwBoardUploadOptions *options,
             MwBoardSyncFlags flags, MwBoardSyncResult *done)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  SyncLog log = { g_string_new (NULL), 0 };

  mw_board_sync_async (board, dir, NULL, options, flags, on_sync_file, &log, NULL,
                       mw_test_store_result, &result);
  wait_for (&result);
  g_assert_true (mw_board_sync_finish (board, result, done, &error));
  g_assert_no_error (error);
  return g_string_free (log.log, FALSE);
}

static void
write_file (const char *dir, const char *name, const char *contents, gssize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
}

/* The folder's list: regular files only, not hidden ones, sorted by name whatever order the
 * folder gives them in (the CLI once sorted the array's pointers instead). */
static void
test_sync_list (void)
{
  /* a folder of its own each time */
  g_autofree char *dir = g_mkdtemp (mw_test_tmp_path ("sync-list-XXXXXX"));
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_auto (GStrv) names = NULL;
  g_autofree char *joined = NULL;
  g_autoptr (GError) error = NULL;
  static const char *const created[] = { "m.lua", "zz.txt", "b", "a.bin", "init.lua", "Z.lua",
                                         "k.lc",  "c.txt",  "y", "a",     "q.json",   "e" };

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (created); i++)
    write_file (dir, created[i], "x", 1);
  write_file (dir, ".hidden", "x", 1);
  write_file (sub, "inner.lua", "x", 1);
  names = mw_board_sync_list (dir, &error);
  g_assert_no_error (error);
  joined = g_strjoinv (" ", names);
  g_assert_cmpstr (joined, ==, "Z.lua a a.bin b c.txt e init.lua k.lc m.lua q.json y zz.txt");

  /* a name the board cannot take stops the list */
  write_file (dir, "a23456789012345678901234567890123.lua", "x", 1);
  g_clear_pointer (&names, g_strfreev);
  names = mw_board_sync_list (dir, &error);
  g_assert_null (names);
  g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME);
}

/* A folder synced with the pipeline (compiled for the probed number type): every file goes
 * once, in name order, compared in its prepared form; a second sync leaves all alone; a
 * changed file goes again (not with a dry run); a file the linter refuses is reported and the
 * others go on. */
static void
test_sync (void)
{
  Fixture f = { 0 };
  g_autofree char *dir = g_mkdtemp (mw_test_tmp_path ("sync-XXXXXX"));
  g_autofree char *bad_path = g_build_filename (dir, "bad.lua", NULL);
  MwBoardUploadOptions options = { 0 };
  MwBoardSyncResult done;
  guint8 bin[300];
  g_autofree char *lc = NULL;
  g_autofree char *zz = NULL;
  g_autofree char *log = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *luac_message = NULL;
  g_autofree char *out = NULL;
  gsize lc_len = 0, zz_len = 0;

  g_assert_nonnull (dir);
  for (guint i = 0; i < sizeof bin; i++)
    bin[i] = (i * 31) & 0xff;
  write_file (dir, "zz.txt", "last\n", -1);
  write_file (dir, "b.lua", "local n = 7 / 2\nprint(n)\n", -1);
  write_file (dir, "a.bin", (const char *) bin, sizeof bin);
  fixture_start (&f, NULL, MW_BOARD_CONNECT_PROBE);
  options.pipeline.compile = TRUE;
  options.detect_number_type = TRUE;

  log = sync_folder (f.board, dir, &options, MW_BOARD_SYNC_NONE, &done);
  lc = flash_file (&f, "b.lc", &lc_len);
  g_assert_nonnull (lc);
  g_assert_null (flash_file (&f, "b.lua", &zz_len));
  expected = g_strdup_printf ("differs a.bin 300\nuploaded a.bin 300\n"
                              "differs b.lc %zu\nuploaded b.lc %zu\n"
                              "differs zz.txt 5\nuploaded zz.txt 5\n",
                              lc_len, lc_len);
  g_assert_cmpstr (log, ==, expected);
  g_assert_cmpuint (done.uploaded, ==, 3);
  g_assert_cmpuint (done.differ, ==, 3);
  g_assert_cmpuint (done.same, ==, 0);
  g_assert_cmpuint (done.failed, ==, 0);
  out = exec (f.board, "dofile('b.lc')");
  g_assert_cmpstr (out, ==, "3.5\r\n");

  g_free (log);
  g_free (expected);
  log = sync_folder (f.board, dir, &options, MW_BOARD_SYNC_NONE, &done);
  expected = g_strdup_printf ("same a.bin 300\nsame b.lc %zu\nsame zz.txt 5\n", lc_len);
  g_assert_cmpstr (log, ==, expected);
  g_assert_cmpuint (done.same, ==, 3);
  g_assert_cmpuint (done.uploaded + done.differ + done.failed, ==, 0);

  write_file (dir, "zz.txt", "changed!\n", -1);
  write_file (dir, "bad.lua", "x = = 1\n", -1);
  g_assert_false (mw_test_luac_check_source ("bad.lua", "x = = 1\n", 8, &luac_message));
  options.pipeline.lint = TRUE;
  g_free (log);
  g_free (expected);
  log = sync_folder (f.board, dir, &options, MW_BOARD_SYNC_DRY_RUN, &done);
  expected = g_strdup_printf ("same a.bin 300\nsame b.lc %zu\nfailed bad.lua: %s: %s (E001)\n"
                              "differs zz.txt 9\n",
                              lc_len, bad_path, luac_message);
  g_assert_cmpstr (log, ==, expected);
  g_assert_cmpuint (done.same, ==, 2);
  g_assert_cmpuint (done.differ, ==, 1);
  g_assert_cmpuint (done.failed, ==, 1);
  g_assert_cmpuint (done.uploaded, ==, 0);
  zz = flash_file (&f, "zz.txt", &zz_len);
  g_assert_cmpmem (zz, zz_len, "last\n", 5);

  g_free (log);
  g_free (expected);
  log = sync_folder (f.board, dir, &options, MW_BOARD_SYNC_NONE, &done);
  expected = g_strdup_printf ("same a.bin 300\nsame b.lc %zu\nfailed bad.lua: %s: %s (E001)\n"
                              "differs zz.txt 9\nuploaded zz.txt 9\n",
                              lc_len, bad_path, luac_message);
  g_assert_cmpstr (log, ==, expected);
  g_assert_cmpuint (done.uploaded, ==, 1);
  g_clear_pointer (&zz, g_free);
  zz = flash_file (&f, "zz.txt", &zz_len);
  g_assert_cmpmem (zz, zz_len, "changed!\n", 9);
  fixture_stop (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/board/connect-probe", test_connect_probe);
  g_test_add_data_func ("/mw/board/upload/float", GINT_TO_POINTER (FALSE), test_upload);
  g_test_add_data_func ("/mw/board/upload/integer", GINT_TO_POINTER (TRUE), test_upload);
  g_test_add_func ("/mw/board/reset-fallback", test_reset_fallback);
  g_test_add_func ("/mw/board/sync/list", test_sync_list);
  g_test_add_func ("/mw/board/sync", test_sync);
  g_test_add_func ("/mw/board/leak-analysis", test_leak_analysis);
  g_test_add_func ("/mw/board/leak/core", test_leak_core);
  g_test_add_func ("/mw/board/leak/cli", test_leak_cli);
  g_test_add_func ("/mw/board/heap-events", test_heap_events);
  g_test_add_func ("/mw/board/connect-clean", test_connect_clean);
  return g_test_run ();
}
