/* test-device.c: file operations and verified uploads against moonwire-sim over a real pty,
 * in both firmware styles; reply parsers table-driven. */
#include "mw-config.h"

#include <string.h>
#include <zlib.h>

#include "mw-device.h"
#include "mw-upload.h"
#include "mw-heap-sampler.h"
#include "mw-test-board.h"

#define S(x) x, sizeof x - 1

/* ---- pure parsers ---- */

static void
test_parse_list (void)
{
  static const struct
  {
    const char *in;
    gsize len;
    const char *expect;
  } cases[] = {
    { S (""), "" },
    { S ("b.lua\0"
         "12\0"
         "a.lua\0"
         "0\0"),
      "a.lua=0;b.lua=12;" },
    { S ("]]\0"
         "3\0"),
      "]]=3;" },
    { S ("a.lua\0"
         "12"),
      NULL }, /* truncated */
    { S ("a.lua\0"
         "x\0"),
      NULL }, /* not a number */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) list =
        mw_device_parse_list ((const guint8 *) cases[i].in, cases[i].len, &error);
      g_autoptr (GString) got = g_string_new (NULL);

      if (cases[i].expect == NULL)
        {
          g_assert_null (list);
          g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL);
          continue;
        }
      g_assert_no_error (error);
      for (guint k = 0; k < list->len; k++)
        {
          MwFileEntry *e = list->pdata[k];

          g_string_append_printf (got, "%s=%" G_GINT64_FORMAT ";", e->name, e->size);
        }
      g_assert_cmpstr (got->str, ==, cases[i].expect);
    }
}

static void
test_parse_fsinfo (void)
{
  MwFsInfo info;
  g_autoptr (GError) error = NULL;

  g_assert_true (mw_device_parse_fsinfo ("3000,500,3500", &info, &error));
  g_assert_cmpint (info.remaining, ==, 3000);
  g_assert_cmpint (info.used, ==, 500);
  g_assert_cmpint (info.total, ==, 3500);
  g_assert_false (mw_device_parse_fsinfo ("3000,x", &info, &error));
  g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL);
}

static void
test_parse_ack (void)
{
  static const struct
  {
    const char *in;
    gboolean ok;
    guint seq;
    gboolean nack;
    guint a, b;
    guint64 end;
  } cases[] = {
    { "0,1,0,255", TRUE, 0, FALSE, 1, 0, 255 },
    { "12,65520,3,3314", TRUE, 12, FALSE, 65520, 3, 3314 },
    { "7,N5", TRUE, 7, TRUE, 0, 0 },
    { "7,65521,0,2040", FALSE }, /* out of Adler range */
    { "x,1,2,3", FALSE },
    { "3,1,2", FALSE }, /* no end */
    { "3,1,2,", FALSE },
    { "3,1,2,-4", FALSE },
    { "3,1,2,4x", FALSE },
    { "3,1", FALSE },
    { "3,N", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MwUploadAck ack;

      g_assert_cmpint (mw_upload_parse_ack (cases[i].in, &ack), ==, cases[i].ok);
      if (!cases[i].ok)
        continue;
      g_assert_cmpuint (ack.seq, ==, cases[i].seq);
      g_assert_cmpint (ack.nack, ==, cases[i].nack);
      if (!ack.nack)
        {
          g_assert_cmpuint (ack.a, ==, cases[i].a);
          g_assert_cmpuint (ack.b, ==, cases[i].b);
          g_assert_cmpuint (ack.end, ==, cases[i].end);
        }
    }
}

/* ---- helpers ---- */

static MwTestBoard *
board_for (int firmware)
{
  MwSimOptions options;

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.firmware = firmware == 2 ? MW_SIM_FIRMWARE_2_2 : MW_SIM_FIRMWARE_3_0;
  return mw_test_board_new (&options);
}

static gboolean
upload (MwDevice *device, const char *name, const void *data, gsize len, MwUploadFlags flags,
        MwUploadStats *stats, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);
  g_autoptr (GAsyncResult) result = NULL;

  mw_device_upload_async (device, name, bytes, flags, 0, NULL, NULL, NULL, mw_test_store_result,
                          &result);
  mw_device_wait (device, &result);
  return mw_device_upload_finish (device, result, stats, error);
}

static GBytes *
download (MwDevice *device, const char *name, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  mw_device_read_file_async (device, name, NULL, mw_test_store_result, &result);
  mw_device_wait (device, &result);
  return mw_device_read_file_finish (device, result, error);
}

static GPtrArray *
list (MwDevice *device)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *entries;

  mw_device_list_async (device, NULL, mw_test_store_result, &result);
  mw_device_wait (device, &result);
  entries = mw_device_list_finish (device, result, &error);
  g_assert_no_error (error);
  return entries;
}

static gint64
size_of (MwDevice *device, const char *name)
{
  g_autoptr (GPtrArray) entries = list (device);

  for (guint i = 0; i < entries->len; i++)
    if (strcmp (((MwFileEntry *) entries->pdata[i])->name, name) == 0)
      return ((MwFileEntry *) entries->pdata[i])->size;
  return -1;
}

typedef void (*OpStart) (MwDevice *, GAsyncResult **);

static gboolean
op_wait (MwDevice *device, GAsyncResult **slot, GError **error)
{
  mw_device_wait (device, slot);
  return mw_device_op_finish (device, *slot, error);
}

static guint8 *
pattern (gsize len, guint seed)
{
  guint8 *data = g_malloc (len);
  GRand *rand = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < len; i++)
    data[i] = i < 256 ? (guint8) i
                      : (guint8) g_rand_int_range (rand, 0, 256); /* every byte value first */
  g_rand_free (rand);
  return data;
}

/* ---- every operation, both firmware styles ---- */

static void
test_operations (gconstpointer data)
{
  int firmware = GPOINTER_TO_INT (data);
  g_autoptr (MwTestBoard) board = board_for (firmware);
  g_autoptr (MwDevice) device = mw_device_new (board->repl);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autofree guint8 *bin = pattern (3000, 1);
  static const char script[] = "print('hello from main') uart.write(0, 'raw\\0')\n";
  MwUploadStats stats;

  /* upload (binary, every byte value) and download */
  g_assert_true (upload (device, "bin.dat", bin, 3000, 0, &stats, &error));
  g_assert_no_error (error);
  g_assert_false (stats.text);
  g_assert_cmpuint (stats.blocks, ==, (3000 + MW_UPLOAD_PAYLOAD - 1) / MW_UPLOAD_PAYLOAD);
  back = download (device, "bin.dat", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), bin, 3000);
  g_assert_cmpint (size_of (device, "bin.dat"), ==, 3000);
  g_assert_cmpint (size_of (device, MW_UPLOAD_TEMP_NAME), ==, -1);

  /* an empty file, and overwriting */
  g_assert_true (upload (device, "empty", "", 0, 0, NULL, &error));
  g_assert_cmpint (size_of (device, "empty"), ==, 0);
  g_clear_pointer (&back, g_bytes_unref);
  back = download (device, "empty", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (back), ==, 0);
  g_assert_true (upload (device, "bin.dat", "short", 5, 0, NULL, &error));
  g_assert_cmpint (size_of (device, "bin.dat"), ==, 5);

  /* checksum computed on the board */
  {
    g_autoptr (GAsyncResult) r = NULL;
    gint64 size = 0;
    guint32 adler = 0;

    mw_device_checksum_async (device, "bin.dat", NULL, mw_test_store_result, &r);
    mw_device_wait (device, &r);
    g_assert_true (mw_device_checksum_finish (device, r, &size, &adler, &error));
    g_assert_cmpint (size, ==, 5);
    g_assert_cmphex (adler, ==, adler32_z (1, (const guint8 *) "short", 5));
  }

  /* fsinfo */
  {
    g_autoptr (GAsyncResult) r = NULL;
    MwFsInfo info;

    mw_device_fsinfo_async (device, NULL, mw_test_store_result, &r);
    mw_device_wait (device, &r);
    g_assert_true (mw_device_fsinfo_finish (device, r, &info, &error));
    g_assert_cmpint (info.total, >, 0);
    g_assert_cmpint (info.remaining + info.used, <=, info.total);
  }

  /* rename: refused onto an existing name (docs/firmware.md section 2), then done */
  {
    g_autoptr (GAsyncResult) r1 = NULL;
    g_autoptr (GAsyncResult) r2 = NULL;

    mw_device_rename_async (device, "bin.dat", "empty", NULL, mw_test_store_result, &r1);
    g_assert_false (op_wait (device, &r1, &error));
    g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_FAILED);
    /* the message names the file in the way: the target */
    g_assert_cmpstr (error->message, ==, "empty: the target exists; cannot rename bin.dat over it");
    g_clear_error (&error);
    mw_device_rename_async (device, "bin.dat", "moved.dat", NULL, mw_test_store_result, &r2);
    g_assert_true (op_wait (device, &r2, &error));
    g_assert_cmpint (size_of (device, "moved.dat"), ==, 5);
    g_assert_cmpint (size_of (device, "bin.dat"), ==, -1);
  }

  /* remove, and remove of a missing file */
  {
    g_autoptr (GAsyncResult) r1 = NULL;
    g_autoptr (GAsyncResult) r2 = NULL;

    mw_device_remove_async (device, "moved.dat", NULL, mw_test_store_result, &r1);
    g_assert_true (op_wait (device, &r1, &error));
    g_assert_cmpint (size_of (device, "moved.dat"), ==, -1);
    mw_device_remove_async (device, "moved.dat", NULL, mw_test_store_result, &r2);
    g_assert_false (op_wait (device, &r2, &error));
    g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* download of a missing file */
  g_clear_pointer (&back, g_bytes_unref);
  back = download (device, "nothere", &error);
  g_assert_null (back);
  g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* run: dofile with its output */
  g_assert_true (upload (device, "main.lua", script, sizeof script - 1, 0, NULL, &error));
  {
    g_autoptr (GAsyncResult) r = NULL;

    mw_device_run_async (device, "main.lua", 5000, NULL, NULL, NULL, mw_test_store_result, &r);
    mw_device_wait (device, &r);
    g_clear_pointer (&back, g_bytes_unref);
    back = mw_device_exec_finish (device, r, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back),
                     "hello from main\r\nraw\0", 21);
  }

  /* compile on the board: node.compile writes main.lc beside main.lua */
  {
    g_autoptr (GAsyncResult) r1 = NULL;
    g_autoptr (GAsyncResult) r2 = NULL;

    mw_device_compile_async (device, "main.lua", NULL, mw_test_store_result, &r1);
    g_assert_true (op_wait (device, &r1, &error));
    g_assert_no_error (error);
    g_assert_cmpint (size_of (device, "main.lc"), >, 0);
    mw_device_compile_async (device, "main.txt", NULL, mw_test_store_result, &r2);
    g_assert_false (op_wait (device, &r2, &error));
    g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME);
    g_clear_error (&error);
  }

  /* format needs the confirmation */
  {
    g_autoptr (GAsyncResult) r = NULL;

    mw_device_format_async (device, FALSE, NULL, mw_test_store_result, &r);
    g_assert_false (op_wait (device, &r, &error));
    g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_FAILED);
    g_clear_error (&error);
    g_assert_cmpint (size_of (device, "main.lua"), >, 0);
  }

  /* heap and probe */
  {
    g_autoptr (GAsyncResult) r1 = NULL;
    g_autoptr (GAsyncResult) r2 = NULL;
    g_autoptr (MwBoardInfo) info = NULL;
    gint64 heap;

    mw_device_heap_async (device, NULL, mw_test_store_result, &r1);
    mw_device_wait (device, &r1);
    heap = mw_device_heap_finish (device, r1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (heap, >, 10000);
    mw_device_probe_async (device, NULL, mw_test_store_result, &r2);
    mw_device_wait (device, &r2);
    info = mw_device_probe_finish (device, r2, &error);
    g_assert_no_error (error);
    g_assert_cmpint (info->major, ==, firmware == 2 ? 2 : 3);
    g_assert_true (info->number_type_known);
    g_assert_cmpint (info->number_type, ==, MW_LUA_TARGET_FLOAT);
    g_assert_true (mw_board_info_has_module (info, "file"));
    g_assert_cmpint (info->heap, >, 10000);
    g_assert_cmpuint (info->chip_id, >, 0);
  }

  /* bad names never reach the board */
  {
    static const char *const bad[] = { "", "a2345678901234567890123456789012" };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_assert_false (upload (device, bad[i], "x", 1, 0, NULL, &error));
        g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME);
        g_clear_error (&error);
      }
  }

  /* format, confirmed: every file is gone and the board still answers */
  {
    g_autoptr (GAsyncResult) r = NULL;

    g_assert_cmpint (size_of (device, "main.lua"), >, 0);
    mw_device_format_async (device, TRUE, NULL, mw_test_store_result, &r);
    g_assert_true (op_wait (device, &r, &error));
    g_assert_no_error (error);
    g_assert_cmpint (size_of (device, "main.lua"), <, 0);
    g_assert_cmpint (size_of (device, "main.lc"), <, 0);
  }
  g_assert_cmpuint (board->resets, ==, 0);
}

/* The escaped-literal fallback: binary-safe too, and verified. */
static void
test_text_fallback (void)
{
  g_autoptr (MwTestBoard) board = board_for (3);
  g_autoptr (MwDevice) device = mw_device_new (board->repl);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autofree guint8 *bin = pattern (1500, 2);
  MwUploadStats stats;

  upload (device, "t.bin", bin, 1500, MW_UPLOAD_TEXT, &stats, &error);
  g_assert_no_error (error);
  g_assert_true (stats.text);
  back = download (device, "t.bin", &error);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), bin, 1500);
}

/* A 200 KB file, both ways. */
static void
test_large (void)
{
  g_autoptr (MwTestBoard) board = board_for (3);
  g_autoptr (MwDevice) device = mw_device_new (board->repl);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) back = NULL;
  gsize len = 200 * 1024;
  g_autofree guint8 *bin = pattern (len, 3);

  g_assert_true (upload (device, "big.bin", bin, len, 0, NULL, &error));
  g_assert_no_error (error);
  back = download (device, "big.bin", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), bin, len);
}

/* A full flash is an error and replaces nothing (docs/firmware.md section 2: f:write returns nil).
 */
static void
test_full_flash (void)
{
  MwSimOptions options;
  g_autoptr (MwTestBoard) board = NULL;
  g_autoptr (MwDevice) device = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autofree guint8 *bin = pattern (20000, 4);

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.flash_full_after = 12000;
  board = mw_test_board_new (&options);
  device = mw_device_new (board->repl);
  g_assert_true (upload (device, "keep.lua", "old", 3, 0, NULL, &error));
  g_assert_false (upload (device, "keep.lua", bin, 20000, 0, NULL, &error));
  g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "unchanged"));
  g_clear_error (&error);
  back = download (device, "keep.lua", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), "old", 3);
  g_assert_cmpint (size_of (device, MW_UPLOAD_TEMP_NAME), ==, -1);
}

/* A timer printing every 10 ms during uploads and listings: exact results, prints on the
 * console. */
static void
test_timer_during_transfer (void)
{
  g_autoptr (MwTestBoard) board = board_for (3);
  g_autoptr (MwDevice) device = mw_device_new (board->repl);
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *bin = pattern (30000, 5);
  g_autofree char *out = mw_test_board_exec (board,
                                             "_T = tmr.create() _T:alarm(10, "
                                             "tmr.ALARM_AUTO, function() print('tick') end)");

  for (int round = 0; round < 3; round++)
    {
      g_autoptr (GBytes) back = NULL;
      g_autoptr (GPtrArray) entries = NULL;

      gboolean ok =
        upload (device, "t.bin", bin, 30000, round == 2 ? MW_UPLOAD_TEXT : 0, NULL, &error);

      g_assert_no_error (error);
      g_assert_true (ok);
      entries = list (device);
      g_assert_cmpuint (entries->len, ==, 1);
      g_assert_cmpint (((MwFileEntry *) entries->pdata[0])->size, ==, 30000);
      back = download (device, "t.bin", &error);
      g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), bin, 30000);
    }
  /* the timer still runs at the prompt: two ticks in a row come (a loaded host may take a while
   * to give the board the 20 ms they need between two commands, so they are waited for) */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (strstr (board->console->str, "tick\r\ntick\r\n") == NULL
           && g_get_monotonic_time () < deadline)
      g_main_context_iteration (board->context, TRUE);
  }
  g_assert_nonnull (strstr (board->console->str, "tick\r\ntick\r\n"));
  g_free (out);
  out = mw_test_board_exec (board, "_T:unregister() _T = nil");
}

/* --fast: 921600 for the transfer, back to 115200 after; also for a file whose check on the
 * board outlasts the line (the cleanup once arrived garbled and the board stayed fast). Twice
 * in a row, at once: the first upload's fallback timer (back to 115200 1.5 s after the switch
 * unless the rate was confirmed) once fired in the middle of the second, whose own switch had
 * cleared the confirmation ("the board restarted during the upload" on a second 64 KB
 * upload). On a clean line neither loses a byte, however loaded the machine running the
 * simulator (its receive ring once lost a block in every window when this thread was not
 * scheduled for 3 ms). */
static void
test_fast_size (gsize size)
{
  MwSimOptions options;
  g_autoptr (MwTestBoard) board = NULL;
  g_autoptr (MwDevice) device = NULL;
  g_autofree guint8 *bin = pattern (size, 6);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) back = NULL;

  /* at the line's pace, as a board: the board's check then outlasts the last block */
  mw_sim_options_init (&options);
  board = mw_test_board_new (&options);
  device = mw_device_new (board->repl);
  for (int round = 0; round < 2; round++)
    {
      MwUploadStats stats;
      gint64 start = g_get_monotonic_time ();
      gboolean ok = upload (device, "f.bin", bin, size, MW_UPLOAD_FAST, &stats, &error);

      /* the second switches to the fast rate just before the first's fallback timer is due
       * (1.5 s after the first switch, which comes ~50 ms after the start) */
      if (round == 0 && g_get_monotonic_time () < start + 1490 * 1000)
        g_usleep (start + 1490 * 1000 - g_get_monotonic_time ());

      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_true (stats.fast);
      g_assert_cmpuint (stats.baud, ==, 921600);
      g_assert_cmpuint (stats.retries, ==, 0);
      g_assert_cmpuint (stats.recoveries, ==, 0);
      g_assert_cmpuint (mw_transport_get_baud (mw_repl_get_transport (board->repl)), ==, 115200);
    }
  back = download (device, "f.bin", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), bin, size);
}

static void
test_fast (void)
{
  test_fast_size (5000);
}

static void
test_fast_long (void)
{
  test_fast_size (65536);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Ctrl-C during an upload, from its very start (while the board still runs the setup
 * command) to the middle of the transfer: a clean stop, the old file intact, no temporary
 * file, the board at its prompt. */
static const guint cancel_delays_ms[] = { 0, 1, 5, 20, 60, 150, 400 };

static void
test_cancel_upload (gconstpointer data_ptr)
{
  guint delay = *(const guint *) data_ptr;
  MwSimOptions options;
  g_autoptr (MwTestBoard) board = NULL;
  g_autoptr (MwDevice) device = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autofree guint8 *bin = pattern (20000, 7);
  g_autoptr (GBytes) data = g_bytes_new (bin, 20000);
  GSource *timer = g_timeout_source_new (delay);

  mw_sim_options_init (&options); /* the line rate on: the upload takes ~2 s */
  board = mw_test_board_new (&options);
  device = mw_device_new (board->repl);
  g_assert_true (upload (device, "keep.lua", "old", 3, 0, NULL, &error));
  g_source_set_callback (timer, cancel_later, cancellable, NULL);
  g_source_attach (timer, board->context);
  g_source_unref (timer);
  mw_device_upload_async (device, "keep.lua", data, 0, 0, NULL, NULL, cancellable,
                          mw_test_store_result, &result);
  mw_device_wait (device, &result);
  g_assert_false (mw_device_upload_finish (device, result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  back = download (device, "keep.lua", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), "old", 3);
  g_assert_cmpint (size_of (device, MW_UPLOAD_TEMP_NAME), ==, -1);
  /* the board answers afterwards */
  g_assert_true (upload (device, "after.lua", "new", 3, 0, NULL, &error));
  g_assert_no_error (error);
}

static void
test_heap_slope (void)
{
  static const struct
  {
    MwHeapSample s[4];
    gsize n;
    gboolean ok;
    double slope;
  } cases[] = {
    { { { 0, 40000 }, { 1000000, 39900 }, { 2000000, 39800 }, { 3000000, 39700 } }, 4, TRUE, -100 },
    { { { 0, 40000 }, { 1000000, 40000 } }, 2, TRUE, 0 },
    { { { 0, 40000 } }, 1, FALSE, 0 },
    { { { 5, 40000 }, { 5, 30000 } }, 2, FALSE, 0 }, /* no time between them */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double slope = 0;

      g_assert_cmpint (mw_heap_slope (cases[i].s, cases[i].n, &slope), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpfloat_with_epsilon (slope, cases[i].slope, 1e-6);
    }
}

typedef struct
{
  MwTestBoard *board;
  guint samples;
  guint while_busy;
  gboolean busy;
} SamplerWatch;

static void
on_sample (MwHeapSampler *sampler, gint64 time_us, gint64 heap, gpointer user_data)
{
  SamplerWatch *w = user_data;

  w->samples++;
  if (w->busy)
    w->while_busy++;
  g_assert_cmpint (heap, >, 10000);
}

/* Samples at the prompt, never while a command runs. */
static void
test_heap_sampler (void)
{
  g_autoptr (MwTestBoard) board = board_for (3);
  g_autoptr (MwDevice) device = mw_device_new (board->repl);
  g_autoptr (MwHeapSampler) sampler = mw_heap_sampler_new (device, 20, 64);
  g_autoptr (GArray) samples = NULL;
  SamplerWatch w = { board, 0, 0, FALSE };
  gint64 end;

  g_signal_connect (sampler, "sample", G_CALLBACK (on_sample), &w);
  mw_heap_sampler_start (sampler);
  end = g_get_monotonic_time () + 300000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (board->context, FALSE), g_usleep (1000);
  g_assert_cmpuint (w.samples, >=, 3);
  {
    /* a long command: the sampler must wait */
    g_autoptr (GAsyncResult) r = NULL;
    g_autoptr (GBytes) out = NULL;

    /* no sample in flight at this point: any later one would be sampling a busy board */
    while (!mw_repl_is_idle (board->repl))
      g_main_context_iteration (board->context, TRUE);
    w.busy = TRUE;
    mw_repl_execute_async (board->repl, "tmr.delay(300000) print('done')", 5000, NULL, NULL, NULL,
                           mw_test_store_result, &r);
    mw_test_board_wait (board, &r);
    out = mw_repl_execute_finish (board->repl, r, NULL);
    w.busy = FALSE;
    g_assert_nonnull (out);
  }
  g_assert_cmpuint (w.while_busy, ==, 0);
  mw_heap_sampler_add_event (sampler, MW_HEAP_EVENT_UPLOAD, "init.lua");
  {
    guint n_events;

    mw_heap_log_get_events (mw_heap_sampler_get_log (sampler), &n_events);
    g_assert_cmpuint (n_events, ==, 1);
  }
  mw_heap_sampler_stop (sampler);
  samples = mw_heap_sampler_get_samples (sampler);
  g_assert_cmpuint (samples->len, ==, MIN (w.samples, 64));
  for (guint i = 1; i < samples->len; i++)
    g_assert_cmpint (g_array_index (samples, MwHeapSample, i).time_us, >,
                     g_array_index (samples, MwHeapSample, i - 1).time_us);
}

/* A chain of commands that keeps the queue busy: each one queues the next as it ends, until
 * `stop`. */
typedef struct
{
  MwTestBoard *board;
  guint samples; /* taken while the chain ran */
  guint done;
  gboolean stop;
  gboolean running;
  gboolean failed;
} Chain;

static void chain_next (Chain *c);

static void
chain_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Chain *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = mw_repl_execute_finish (MW_REPL (source), result, &error);

  c->failed |= out == NULL;
  c->done++;
  c->running = FALSE;
  if (!c->stop)
    chain_next (c);
}

static void
chain_next (Chain *c)
{
  c->running = TRUE;
  mw_repl_execute_async (c->board->repl, "tmr.delay(20000)", 5000, NULL, NULL, NULL, chain_done_cb,
                         c);
}

static void
on_chain_sample (MwHeapSampler *sampler, gint64 time_us, gint64 heap, gpointer user_data)
{
  Chain *c = user_data;

  g_assert_cmpint (heap, >, 10000);
  if (!c->stop)
    c->samples++;
}

/* A line kept busy by back-to-back commands (an app listing, running and uploading) still gets
 * its samples: a tick queues node.heap() behind the command that runs, and the sample comes at
 * the next prompt. Waiting for an empty queue at a tick starved it for as long as the commands
 * kept coming (one sample, the first tick's, in any length of time). */
static void
test_heap_sampler_busy (void)
{
  g_autoptr (MwTestBoard) board = board_for (3);
  g_autoptr (MwDevice) device = mw_device_new (board->repl);
  g_autoptr (MwHeapSampler) sampler = mw_heap_sampler_new (device, 20, 256);
  Chain c = { board, 0, 0, FALSE, FALSE, FALSE };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_signal_connect (sampler, "sample", G_CALLBACK (on_chain_sample), &c);
  chain_next (&c);
  mw_heap_sampler_start (sampler);
  while (c.samples < 10 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (board->context, TRUE);
  c.stop = TRUE;
  mw_heap_sampler_stop (sampler);
  while (c.running)
    g_main_context_iteration (board->context, TRUE);
  g_test_message ("%u samples among %u commands", c.samples, c.done);
  g_assert_false (c.failed);
  g_assert_cmpuint (c.samples, ==, 10);
  g_assert_cmpuint (c.done, >=, 10);
}

static void
count_sample (MwHeapSampler *sampler, gint64 time_us, gint64 heap, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static char *
send_line (MwTestBoard *board, const char *line)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;

  mw_repl_send_line_async (board->repl, line, 5000, NULL, mw_test_store_result, &r);
  mw_test_board_wait (board, &r);
  out = mw_repl_send_line_finish (board->repl, r, &error);
  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

/* A chunk typed line by line is the user's: no sample lands inside it, however long the board
 * waits at ">> ", and the chunk runs as typed. */
static void
test_heap_sampler_continuation (void)
{
  g_autoptr (MwTestBoard) board = board_for (3);
  g_autoptr (MwDevice) device = mw_device_new (board->repl);
  g_autoptr (MwHeapSampler) sampler = mw_heap_sampler_new (device, 10, 64);
  g_autofree char *first = NULL, *last = NULL;
  guint samples = 0, before;
  gint64 end;

  g_signal_connect (sampler, "sample", G_CALLBACK (count_sample), &samples);
  mw_heap_sampler_start (sampler);
  while (samples < 2)
    g_main_context_iteration (board->context, TRUE);
  first = send_line (board, "for i = 1, 2 do");
  g_assert_cmpstr (first, ==, ">> ");
  g_assert_cmpint (mw_repl_get_state (board->repl), ==, MW_REPL_STATE_CONTINUATION);
  before = samples;
  end = g_get_monotonic_time () + 200000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (board->context, FALSE), g_usleep (1000);
  g_assert_cmpuint (samples, ==, before);
  g_assert_cmpint (mw_repl_get_state (board->repl), ==, MW_REPL_STATE_CONTINUATION);
  last = send_line (board, "print('round', i) end");
  g_assert_cmpstr (last, ==, "round\t1\r\nround\t2\r\n> ");
  while (samples < before + 2)
    g_main_context_iteration (board->context, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/device/parse-list", test_parse_list);
  g_test_add_func ("/mw/device/parse-fsinfo", test_parse_fsinfo);
  g_test_add_func ("/mw/device/parse-ack", test_parse_ack);
  g_test_add_data_func ("/mw/device/operations/3.0", GINT_TO_POINTER (3), test_operations);
  g_test_add_data_func ("/mw/device/operations/2.x", GINT_TO_POINTER (2), test_operations);
  g_test_add_func ("/mw/device/text-fallback", test_text_fallback);
  g_test_add_func ("/mw/device/large", test_large);
  g_test_add_func ("/mw/device/full-flash", test_full_flash);
  g_test_add_func ("/mw/device/timer-during-transfer", test_timer_during_transfer);
  g_test_add_func ("/mw/device/fast", test_fast);
  g_test_add_func ("/mw/device/fast-long", test_fast_long);
  for (gsize i = 0; i < G_N_ELEMENTS (cancel_delays_ms); i++)
    {
      g_autofree char *path =
        g_strdup_printf ("/mw/device/cancel-upload/%ums", cancel_delays_ms[i]);
      g_test_add_data_func (path, &cancel_delays_ms[i], test_cancel_upload);
    }
  g_test_add_func ("/mw/device/heap-slope", test_heap_slope);
  g_test_add_func ("/mw/device/heap-sampler", test_heap_sampler);
  g_test_add_func ("/mw/device/heap-sampler-busy", test_heap_sampler_busy);
  g_test_add_func ("/mw/device/heap-sampler-continuation", test_heap_sampler_continuation);
  return g_test_run ();
}
