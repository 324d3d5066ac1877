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

  /* the heap log saw the uploads and the run, in order */
  events = mw_heap_log_get_events (mw_board_get_heap_log (f.board), &n_events);
  g_assert_cmpuint (n_events, ==, 4);
  g_assert_cmpint (events[0].kind, ==, MW_HEAP_EVENT_UPLOAD);
  g_assert_cmpstr (events[0].label, ==, "data.bin");
  g_assert_cmpstr (events[1].label, ==, "hello.lua");
  g_assert_cmpstr (events[2].label, ==, "hello.lc");
  g_assert_cmpint (events[3].kind, ==, MW_HEAP_EVENT_RUN);
  g_assert_cmpstr (events[3].label, ==, "hello.lc");

  /* a pipeline failure uploads nothing and says why */
  compile.pipeline.lint = TRUE;
  g_assert_false (upload (f.board, "bad.lua", "x = = 1\n", 8, &compile, &done, &error));
  g_assert_nonnull (error);
  g_assert_null (done.board_name);
  g_assert_null (flash_file (&f, "bad.lc", &len));
  fixture_stop (&f);
}

/* skip_same (sync): a file the board already has the same is not sent and leaves no upload
 * event; one that differs in a byte (same size) is sent; compare_only never sends. */
static void
test_upload_skip_same (void)
{
  static const char one[] = "print('one')\n";
  static const char two[] = "print('two')\n";
  static const char three[] = "print('three')\n";
  Fixture f = { 0 };
  static const MwBoardUploadOptions sync = { .skip_same = TRUE };
  static const MwBoardUploadOptions dry = { .skip_same = TRUE, .compare_only = TRUE };
  g_autoptr (GError) error = NULL;
  g_autofree char *on_flash = NULL;
  gsize len = 0;
  guint n_events;
  const MwHeapEvent *events;
  static const struct
  {
    const MwBoardUploadOptions *options;
    const char *source;
    gboolean same;
    const char *after; /* the board's file after the call */
  } steps[] = {
    { &sync, one, FALSE, one }, /* not on the board yet: sent */
    { &sync, one, TRUE, one }, /* the same: not sent */
    { &sync, two, FALSE, two }, /* same size, other bytes: sent */
    { &dry, three, FALSE, two }, /* differs, but only compared */
    { &dry, two, TRUE, two }, /* the same, compared */
  };

  fixture_start (&f, NULL, MW_BOARD_CONNECT_NONE);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_auto (MwBoardUploadResult) done = { 0 };

      g_test_message ("step %u", i);
      g_assert_true (upload (f.board, "sync.lua", steps[i].source, strlen (steps[i].source),
                             steps[i].options, &done, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (done.board_name, ==, "sync.lua");
      g_assert_cmpint (done.same, ==, steps[i].same);
      g_assert_cmpuint (done.stats.bytes, ==, strlen (steps[i].source));
      g_clear_pointer (&on_flash, g_free);
      on_flash = flash_file (&f, "sync.lua", &len);
      g_assert_cmpmem (on_flash, len, steps[i].after, strlen (steps[i].after));
    }
  /* two transfers, so two upload events */
  events = mw_heap_log_get_events (mw_board_get_heap_log (f.board), &n_events);
  g_assert_cmpuint (n_events, ==, 2);
  g_assert_cmpint (events[0].kind, ==, MW_HEAP_EVENT_UPLOAD);
  g_assert_cmpint (events[1].kind, ==, MW_HEAP_EVENT_UPLOAD);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/board/connect-probe", test_connect_probe);
  g_test_add_data_func ("/mw/board/upload", GINT_TO_POINTER (FALSE), test_upload);
  g_test_add_func ("/mw/board/upload-skip-same", test_upload_skip_same);
  g_test_add_func ("/mw/board/reset-fallback", test_reset_fallback);
  g_test_add_func ("/mw/board/leak-analysis", test_leak_analysis);
  g_test_add_func ("/mw/board/leak/core", test_leak_core);
  g_test_add_func ("/mw/board/leak/cli", test_leak_cli);
  return g_test_run ();
}
