/* test-uart.c: the `uart` module and the line itself (docs/firmware.md section 1): raw mode with
 * NUL bytes, echo off, a speed change that a host not following reads as garbage, pacing at
 * the baud, and the 256-byte receive ring that loses its oldest bytes. */
#include <string.h>

#include "mw-sim-test.h"

/* A line ended by LF alone: after a line that switches to raw mode, the second byte of a CR LF
 * pair would go to the callback, as on the board. */
static void
run_lf (MwSimTestBoard *board, const char *line)
{
  g_autofree char *sent = g_strconcat (line, "\n", NULL);
  g_autoptr (GString) got = NULL;

  mw_sim_test_send (board, sent, -1);
  got = mw_sim_test_expect (board, "\r\n> ", -1, 3000);
  g_assert_nonnull (got);
}

static MwSimTestBoard *
board_new (gboolean baud_limit)
{
  MwSimOptions opts;

  mw_sim_test_options (&opts);
  opts.baud_limit = baud_limit;
  return mw_sim_test_board_new (&opts, NULL);
}

/* docs/firmware.md section 1: uart.on("data", n, cb, 0) delivers raw bytes in blocks of exactly n,
 * NUL included, with the REPL and echo bypassed; uart.on("data") restores the REPL */
static void
test_raw_blocks (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (FALSE);
  g_autoptr (GString) got = NULL;
  g_autofree char *back = NULL;

  run_lf (board, "uart.on('data', 4, function(d) uart.write(0, '[', d, ']') "
                 "if d == 'quit' then uart.on('data') end end, 0)");
  mw_sim_test_send (board, "\0\1\r\n\0\xff\x7f\b", 8);
  got = mw_sim_test_read_n (board, 12, 3000);
  mw_sim_test_assert_bytes ("raw blocks", got->str, got->len, "[\0\1\r\n][\0\xff\x7f\b]", 12);
  mw_sim_test_send (board, "quit", 4);
  g_string_free (got, TRUE);
  got = mw_sim_test_read_n (board, 6, 3000);
  mw_sim_test_assert_bytes ("quit", got->str, got->len, "[quit]", 6);
  back = mw_sim_test_run (board, "print('repl')");
  g_assert_cmpstr (back, ==, "repl");
}

/* docs/firmware.md section 1: ... or up to a given terminator character; with run_input 1 the REPL
 * sees it too */
static void
test_terminator_and_run_input (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (FALSE);
  g_autoptr (GString) got = NULL;

  run_lf (board, "uart.on('data', ';', function(d) uart.write(0, '<', d, '>') "
                 "if d == 'end;' then uart.on('data') end end, 0)");
  mw_sim_test_send (board, "ab\0c;", 5);
  got = mw_sim_test_read_n (board, 7, 3000);
  mw_sim_test_assert_bytes ("terminator", got->str, got->len, "<ab\0c;>", 7);
  mw_sim_test_send (board, "end;", 4);
  g_string_free (got, TRUE);
  got = mw_sim_test_read_n (board, 6, 3000);
  mw_sim_test_assert_bytes ("end", got->str, got->len, "<end;>", 6);

  /* run_input 1 (app/driver/input.c input_readline): the REPL keeps the line discipline;
   * the callback gets each whole line at its end, after the echo, then Lua runs it; size and
   * terminator play no part */
  run_lf (board, "uart.on('data', ';', function(d) uart.write(0, '<', d, '>') end, 1)");
  mw_sim_test_send (board, "y=5;\n", -1);
  g_string_free (got, TRUE);
  got = mw_sim_test_expect (board, "<y=5;>> ", -1, 3000);
  g_assert_nonnull (got);
  mw_sim_test_assert_bytes ("run input", got->str, got->len, "y=5;\r\n<y=5;>> ", 14);
}

/* app/modules/uart.c l_uart_on: without a size or a terminator the terminator is NUL; the
 * 256-byte input buffer bounds a block */
static void
test_raw_default_terminator (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (FALSE);
  g_autoptr (GString) got = NULL;

  run_lf (board, "uart.on('data', function(d) uart.write(0, '<', d, '>') "
                 "if d == 'q\\0' then uart.on('data') end end, 0)");
  mw_sim_test_send (board, "ab\0", 3);
  got = mw_sim_test_read_n (board, 5, 3000);
  mw_sim_test_assert_bytes ("nul", got->str, got->len, "<ab\0>", 5);
  mw_sim_test_send (board, "q\0", 2);
  g_string_free (got, TRUE);
  got = mw_sim_test_read_n (board, 4, 3000);
  mw_sim_test_assert_bytes ("quit", got->str, got->len, "<q\0>", 4);
}

/* app/driver/input.c: a raw-mode callback that leaves raw mode while more bytes wait goes on
 * being called through the cleared pointer on a board: an exception and a reset, reported as
 * the SDK does; node.bootreason() then says exception (2) */
static void
test_leave_raw_with_bytes_queued (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (FALSE);
  g_autoptr (GString) got = NULL;
  g_autofree char *reason = NULL;
  static const char report[] = "\r\nFatal exception 0(IllegalInstructionCause):\r\n"
                               "epc1=0x00000000, epc2=0x00000000, epc3=0x00000000, "
                               "excvaddr=0x00000000, depc=0x00000000\r\n";

  run_lf (board, "uart.on('data', 0, function(d) uart.on('data') end, 0)");
  mw_sim_test_send (board, "xyz", 3);
  got = mw_sim_test_expect (board, "cannot open init.lua: \r\n> ", -1, 5000);
  g_assert_nonnull (got);
  g_assert_true (g_str_has_prefix (got->str, report));
  reason = mw_sim_test_run (board, "print(node.bootreason())");
  g_assert_cmpstr (reason, ==, "2\t2\t0\t0\t0\t0\t0\t0");
}

/* docs/firmware.md section 1: the last argument of uart.setup turns echo off */
static void
test_echo_off (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (FALSE);
  g_autofree char *out = mw_sim_test_run (board, "uart.setup(0, 115200, 8, 0, 1, 0)");
  g_autoptr (GString) got = NULL;

  g_assert_cmpstr (out, ==, "");
  mw_sim_test_send (board, "print(3)\r\n", -1);
  got = mw_sim_test_read_n (board, 5, 3000);
  mw_sim_test_assert_bytes ("no echo", got->str, got->len, "3\r\n> ", 5);
}

/* docs/firmware.md section 1: uart.setup changes the speed at once: a host still at 115200 reads
 * garbage; once it follows, the conversation is clean again */
static void
test_speed_change (gconstpointer data)
{
  g_autoptr (MwSimTestBoard) board = board_new (GPOINTER_TO_INT (data));
  g_autoptr (GString) got = NULL;
  static const char line[] = "uart.setup(0, 57600, 8, 0, 1, 1)\r\n";

  mw_sim_test_send (board, line, -1);
  /* the echo went out at 115200; the result and the prompt at 57600 */
  got = mw_sim_test_expect (board, "\r\n", -1, 3000);
  g_assert_nonnull (got);
  g_string_free (got, TRUE);
  /* the garbage, however late a loaded host lets it come, until the line falls quiet */
  got = mw_sim_test_read_n (board, 1, 5000);
  g_assert_cmpuint (got->len, >, 0);
  {
    g_autoptr (GString) rest = mw_sim_test_drain_quiet (board, 300, 5000);
    g_string_append_len (got, rest->str, rest->len);
  }
  g_assert_null (strstr (got->str, "57600"));
  g_assert_false (g_str_has_suffix (got->str, "> "));
  mw_sim_test_set_baud (board, 57600);
  {
    g_autofree char *out = mw_sim_test_run (board, "print(4)");
    g_assert_cmpstr (out, ==, "4");
  }
}

/* --baud-limit: output is paced at 10 bits a byte */
static void
test_pacing (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (TRUE);
  gint64 start = g_get_monotonic_time (), elapsed;
  g_autofree char *out = mw_sim_test_run (board, "print(string.rep('x', 2000))");
  double ideal = (2000 + 40) * 10.0 / 115200 * 1e6;

  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpuint (strlen (out), ==, 2000);
  g_test_message ("2040 bytes in %.1f ms, line rate %.1f ms", elapsed / 1e3, ideal / 1e3);
  g_assert_cmpfloat (elapsed, >=, ideal * 0.95);
  /* the slack is for a loaded host (the suite runs under a sanitizer, tests in parallel) */
  g_assert_cmpfloat (elapsed, <=, ideal * 1.5 + 250000);
}

/* docs/firmware.md section 1: while Lua runs only the 256-byte ring absorbs input, and the oldest
 * bytes are lost: of 1000 spaces sent during a 300 ms task, the newest 248 arrive before
 * "\r\n=1+1\r\n" */
static void
test_ring_overflow (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (TRUE);
  g_autoptr (GString) in = g_string_new ("tmr.delay(300000)\r\n");
  g_autoptr (GString) want = g_string_new ("tmr.delay(300000)\r\n> ");
  g_autoptr (GString) got = NULL;

  for (int i = 0; i < 1000; i++)
    g_string_append_c (in, ' ');
  g_string_append (in, "\r\n=1+1\r\n");
  for (int i = 0; i < 248; i++)
    g_string_append_c (want, ' ');
  g_string_append (want, "\r\n> =1+1\r\n2\r\n> ");
  mw_sim_test_send (board, in->str, in->len);
  got = mw_sim_test_read_n (board, want->len, 5000);
  {
    g_autoptr (GString) extra = mw_sim_test_drain (board, 50);
    g_string_append_len (got, extra->str, extra->len);
  }
  mw_sim_test_assert_bytes ("ring overflow", got->str, got->len, want->str, want->len);
}

/* app/driver/input.c: a line typed while a long task runs waits in the ring; the input task
 * echoes and runs it once the task is over (with the line rate on, the task takes its
 * simulated time: 500000 loop instructions, 0.5 s) */
static void
test_typed_ahead (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (TRUE);
  g_autoptr (GString) got = NULL;
  static const char want[] = "for i=1,5e5 do end\r\n> print(1)\r\n1\r\n> ";
  gint64 start = g_get_monotonic_time ();

  mw_sim_test_send (board, "for i=1,5e5 do end\r\n", -1);
  g_usleep (100 * 1000);
  mw_sim_test_send (board, "print(1)\r\n", -1);
  got = mw_sim_test_read_n (board, strlen (want), 5000);
  mw_sim_test_assert_bytes ("typed ahead", got->str, got->len, want, strlen (want));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 450 * 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/uart/raw-blocks", test_raw_blocks);
  g_test_add_func ("/mw/sim/uart/terminator-and-run-input", test_terminator_and_run_input);
  g_test_add_func ("/mw/sim/uart/echo-off", test_echo_off);
  g_test_add_func ("/mw/sim/uart/raw-default-terminator", test_raw_default_terminator);
  g_test_add_func ("/mw/sim/uart/leave-raw-with-bytes-queued", test_leave_raw_with_bytes_queued);
  g_test_add_data_func ("/mw/sim/uart/speed-change", GINT_TO_POINTER (FALSE), test_speed_change);
  g_test_add_data_func ("/mw/sim/uart/speed-change-paced", GINT_TO_POINTER (TRUE),
                        test_speed_change);
  g_test_add_func ("/mw/sim/uart/pacing", test_pacing);
  g_test_add_func ("/mw/sim/uart/ring-overflow", test_ring_overflow);
  g_test_add_func ("/mw/sim/uart/typed-ahead", test_typed_ahead);
  return g_test_run ();
}
