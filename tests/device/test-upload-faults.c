/* test-upload-faults.c: the seeded fault matrix. Each upload to moonwire-sim meets one kind
 * of fault (dropped bytes, corrupted bytes, both, silence, a reset mid-transfer, a full
 * flash, the port closed; and 20 KB of zeros at 0.1% byte loss with --timeout 2000, which
 * once hung uploads forever) and must end verified-complete or as a clear error with the old
 * file intact, within a hard limit: a run still going then fails the test instead of hanging
 * it. docs/firmware.md section 1 (the 256-byte ring that drops silently) and section 2
 * (f:write returning nil on a full flash) are what the faults model. */
#include "mw-config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "mw-device.h"
#include "mw-upload.h"
#include "mw-test-board.h"
#include "mw-test-support.h"

#define FILE_SIZE 1500
#define ZEROS_SIZE 20480
#define TIME_LIMIT_S 15.0
/* --timeout: at most 3 x this without progress, then the stop and the cleanup; the zeros
 * with the 2000 ms of the report that found the hang, the rest shorter (the simulator here
 * runs without the line rate's pacing) */
#define TIMEOUT_MS 1000
#define ZEROS_TIMEOUT_MS 2000
#define ZEROS_TIME_LIMIT_S 30.0

typedef enum
{
  FAULT_DROP,
  FAULT_CORRUPT,
  FAULT_MIXED,
  FAULT_SILENT,
  FAULT_RESET,
  FAULT_FULL,
  FAULT_CLOSED,
  FAULT_ZEROS,
  N_FAULTS
} Fault;

static const struct
{
  const char *name;
  guint seeds;
} faults[N_FAULTS] = {
  [FAULT_DROP] = { "drop", 34 },     [FAULT_CORRUPT] = { "corrupt", 36 },
  [FAULT_MIXED] = { "mixed", 32 },   [FAULT_SILENT] = { "silent", 10 },
  [FAULT_RESET] = { "reset", 30 },   [FAULT_FULL] = { "full", 30 },
  [FAULT_CLOSED] = { "closed", 30 }, [FAULT_ZEROS] = { "zeros-drop", 4 },
};

static const char old_content[] = "-- the old file\nprint('old')\n";

typedef struct
{
  MwTestBoard *board;
  gsize stop_at;
} CloseData;

static void
on_progress (gsize done, gsize total, gpointer user_data)
{
  CloseData *close = user_data;

  if (close->stop_at > 0 && done >= close->stop_at)
    {
      close->stop_at = 0;
      mw_sim_stop (close->board->sim); /* the other side of the port goes away */
    }
}

typedef struct
{
  guint ok;
  guint failed;
} Tally;

static Tally tallies[N_FAULTS];

/* Iterates until the result arrives or `limit_s` passes: then the upload hung. */
static void
wait_with_limit (GAsyncResult **slot, double limit_s, const char *name, guint seed)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  gint64 deadline = g_get_monotonic_time () + (gint64) (limit_s * G_USEC_PER_SEC);

  while (*slot == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s seed %u: the upload still runs after %.0f s", name, seed, limit_s);
      g_main_context_iteration (context, FALSE);
      g_usleep (1000);
    }
  g_main_context_unref (context);
}

static void
run_case (Fault fault, guint seed)
{
  g_autofree char *dir = NULL;
  g_autofree char *old_path = NULL;
  gsize size = fault == FAULT_ZEROS ? ZEROS_SIZE : FILE_SIZE;
  double limit = fault == FAULT_ZEROS ? ZEROS_TIME_LIMIT_S : TIME_LIMIT_S;
  g_autofree guint8 *data = g_malloc0 (size);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (MwTestBoard) board = NULL;
  g_autoptr (MwDevice) device = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL;
  gsize after_len = 0;
  GRand *rand = g_rand_new_with_seed (seed * 7919 + fault);
  MwSimOptions options;
  CloseData close = { NULL, 0 };
  gboolean ok;
  gint64 start;
  double seconds;

  for (gsize i = 0; i < size && fault != FAULT_ZEROS; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  bytes = g_bytes_new (data, size);
  {
    g_autofree char *name = g_strdup_printf ("faults-%s-%u", faults[fault].name, seed);

    dir = mw_test_tmp_path (name);
  }
  g_mkdir_with_parents (dir, 0700);
  old_path = g_build_filename (dir, "data.lua", NULL);
  g_assert_true (g_file_set_contents (old_path, old_content, -1, NULL));

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.fs_dir = dir;
  options.seed = seed;
  switch (fault)
    {
      case FAULT_DROP:
        options.drop_rate = 0.0004;
        break;
      case FAULT_CORRUPT:
        options.corrupt_rate = 0.0004;
        break;
      case FAULT_MIXED:
        options.drop_rate = options.corrupt_rate = 0.0003;
        break;
      /* the counts start at the first byte the board receives (sync included) */
      case FAULT_SILENT:
        options.silent_after = g_rand_int_range (rand, 400, 3000);
        break;
      case FAULT_RESET:
        options.reset_after = g_rand_int_range (rand, 400, 3000);
        break;
      case FAULT_FULL:
        options.flash_full_after = g_rand_int_range (rand, 1, FILE_SIZE);
        break;
      case FAULT_CLOSED:
        close.stop_at = g_rand_int_range (rand, 1, FILE_SIZE);
        break;
      case FAULT_ZEROS:
        options.drop_rate = 0.001;
        break;
      case N_FAULTS:
      default:
        g_assert_not_reached ();
    }
  g_rand_free (rand);
  board = mw_test_board_new (&options);
  close.board = board;
  device = mw_device_new (board->repl);
  mw_device_set_timeout (device, fault == FAULT_ZEROS ? ZEROS_TIMEOUT_MS : TIMEOUT_MS);

  start = g_get_monotonic_time ();
  mw_device_upload_async (device, "data.lua", bytes, 0, 0, on_progress, &close, NULL,
                          mw_test_store_result, &result);
  wait_with_limit (&result, limit, faults[fault].name, seed);
  ok = mw_device_upload_finish (device, result, NULL, &error);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpfloat (seconds, <, limit);

  /* Look at the flash itself, as a host folder: new and verified, or old and intact. */
  mw_sim_stop (board->sim);
  g_assert_true (g_file_get_contents (old_path, &after, &after_len, NULL));
  if (ok)
    {
      g_assert_no_error (error);
      g_assert_cmpmem (after, after_len, data, size);
      tallies[fault].ok++;
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_cmpuint (strlen (error->message), >, 10);
      if (g_getenv ("MW_FAULTS_VERBOSE"))
        g_printerr ("%s seed %u: %s (%.2f s)\n", faults[fault].name, seed, error->message, seconds);
      /* The port closing after the last block cannot tell whether the board finished:
       * then the new file may be there, whole and verified, and the message says so. */
      if (fault == FAULT_CLOSED && after_len == FILE_SIZE)
        {
          g_assert_cmpmem (after, after_len, data, FILE_SIZE);
          g_assert_nonnull (strstr (error->message, "either the old file or the new one"));
        }
      else
        g_assert_cmpmem (after, after_len, old_content, sizeof old_content - 1);
      tallies[fault].failed++;
      switch (fault)
        {
          case FAULT_RESET:
            g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET);
            break;
          case FAULT_FULL:
            g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL);
            break;
          case FAULT_CLOSED:
            g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED);
            break;
          case FAULT_SILENT:
            g_assert_true (error->domain == MW_REPL_ERROR);
            break;
          default:
            break;
        }
    }
}

static void
test_fault (gconstpointer data)
{
  Fault fault = GPOINTER_TO_INT (data);

  const char *only = g_getenv ("MW_FAULTS_SEED"); /* to replay one case */

  for (guint seed = 1; seed <= faults[fault].seeds; seed++)
    if (only == NULL || (guint) atoi (only) == seed)
      run_case (fault, seed);
  if (only != NULL)
    return;
  g_test_message ("%s: %u verified, %u clear errors", faults[fault].name, tallies[fault].ok,
                  tallies[fault].failed);
  /* Lossy lines at these rates must still deliver most files. */
  if (fault == FAULT_DROP || fault == FAULT_CORRUPT || fault == FAULT_MIXED)
    g_assert_cmpuint (tallies[fault].ok, >=, faults[fault].seeds * 3 / 4);
  /* 0.1% loss: the setup is short and resumes (was: none of 9 completed) */
  if (fault == FAULT_ZEROS)
    g_assert_cmpuint (tallies[fault].ok, >=, faults[fault].seeds * 3 / 4);
  /* A full flash after at most the file's size can never succeed. */
  if (fault == FAULT_FULL)
    g_assert_cmpuint (tallies[fault].ok, ==, 0);
}

/* ---- the cost of a lost byte ---- */

/* A random file at 115200 with the line rate on, --timeout 2000, to a board losing 0.1% of the
 * bytes it receives. Each lost byte used to cost an abort, a drain and a new setup (about
 * 0.2 s): at 20 KB only 3 uploads of 20 finished within three times the clean time. */
#define LOSS_SIZE 10240
#define LOSS_SEEDS 3
#define LOSS_TIMEOUT_MS 2000
#define LOSS_TIME_LIMIT_S 30.0
/* Measured on an idle machine: 1.2 to 1.9 x the clean time each, 1.6 x on average; the old
 * protocol took 2.6 to 3.6 x, 2.9 x on average, for these seeds. The bounds are generous: a
 * starved simulator thread loses bytes even on the clean line (its receive ring overflows as
 * a board's does), which made single uploads take up to 4.4 x with five copies of this test
 * and two busy loops on two cores. The report's target (three times) is bench/upload.sh's. */
#define LOSS_FACTOR 4.5
#define LOSS_MEAN_FACTOR 2.4

/* Uploads `data` as "data.bin" and returns the seconds it took; the board's file must be
 * exactly `data` after it. */
static double
timed_upload (double drop_rate, guint seed, GBytes *data)
{
  g_autofree char *name = g_strdup_printf ("loss-%u-%g", seed, drop_rate);
  g_autofree char *dir = mw_test_tmp_path (name);
  g_autofree char *path = g_build_filename (dir, "data.bin", NULL);
  g_autoptr (MwTestBoard) board = NULL;
  g_autoptr (MwDevice) device = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL;
  gsize after_len = 0;
  MwSimOptions options;
  gint64 start;
  double seconds;

  g_mkdir_with_parents (dir, 0700);
  mw_sim_options_init (&options);
  options.baud_limit = TRUE;
  options.fs_dir = dir;
  options.seed = seed;
  options.drop_rate = drop_rate;
  board = mw_test_board_new (&options);
  device = mw_device_new (board->repl);
  mw_device_set_timeout (device, LOSS_TIMEOUT_MS);
  start = g_get_monotonic_time ();
  mw_device_upload_async (device, "data.bin", data, 0, 0, NULL, NULL, NULL, mw_test_store_result,
                          &result);
  wait_with_limit (&result, LOSS_TIME_LIMIT_S, "loss", seed);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  mw_device_upload_finish (device, result, NULL, &error);
  g_assert_no_error (error);
  mw_sim_stop (board->sim);
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  return seconds;
}

/* One measurement: the clean upload, then each seed's, next to it in time; whether they meet
 * the bounds. Each figure goes to `report`. */
static gboolean
loss_round (GBytes *bytes, GString *report)
{
  double clean = timed_upload (0, 1, bytes), total = 0, worst = 0;

  g_string_append_printf (report, "clean %.2f s:", clean);
  for (guint seed = 1; seed <= LOSS_SEEDS; seed++)
    {
      double seconds = timed_upload (0.001, seed, bytes);

      g_string_append_printf (report, " seed %u %.2f s (%.2f x)", seed, seconds, seconds / clean);
      total += seconds;
      worst = MAX (worst, seconds);
    }
  g_string_append_c (report, '\n');
  return worst <= LOSS_FACTOR * clean && total / LOSS_SEEDS <= LOSS_MEAN_FACTOR * clean;
}

static void
test_loss_time (void)
{
  g_autofree guint8 *data = g_malloc (LOSS_SIZE);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GString) report = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (20480);

  for (gsize i = 0; i < LOSS_SIZE; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  bytes = g_bytes_new (data, LOSS_SIZE);
  /* A timing on a shared machine: a round that a starved host spoiled (its clean upload too)
   * is measured again; the old protocol (2.9 x on average) fails every round. */
  for (guint round = 0; round < 3; round++)
    if (loss_round (bytes, report))
      {
        g_test_message ("%s", report->str);
        return;
      }
  g_error ("at 0.1%% loss, three rounds over the bounds (%.1f x each, %.1f x on average):\n%s",
           LOSS_FACTOR, LOSS_MEAN_FACTOR, report->str);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/upload/faults/loss-time", test_loss_time);
  for (int f = 0; f < N_FAULTS; f++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/upload/faults/%s", faults[f].name);

      g_test_add_data_func (path, GINT_TO_POINTER (f), test_fault);
    }
  return g_test_run ();
}
