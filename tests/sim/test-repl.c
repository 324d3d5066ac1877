/* test-repl.c: the REPL rules of docs/firmware.md section 1, byte for byte: first the pure line
 * discipline (mw-sim-repl.c) from tables, then whole conversations with a simulated board over
 * a real pty in both firmware styles (3.0 and 2.2). */
#include <glib/gstdio.h>
#include <string.h>

#include "mw-sim-repl.h"
#include "mw-sim-test.h"

/* ---- the pure line discipline ---- */

typedef struct
{
  const char *name;
  const char *input;
  gsize input_len; /* 0: strlen */
  const char *echo; /* everything echoed */
  const char *lines; /* completed lines joined with '|' */
} DisciplineCase;

static const DisciplineCase discipline_cases[] = {
  /* docs/firmware.md section 1: each byte is echoed at once; CR or LF ends a line, echoed
   * as "\r\n" */
  { "crlf", "ab\r\n", 0, "ab\r\n", "ab" },
  { "lf", "ab\n", 0, "ab\r\n", "ab" },
  { "cr", "ab\r", 0, "ab\r\n", "ab" },
  /* docs/firmware.md section 1: CR LF and LF CR pairs count as one end */
  { "lfcr", "ab\n\rcd\n\r", 0, "ab\r\ncd\r\n", "ab|cd" },
  { "cr-cr", "\r\r", 0, "\r\n\r\n", "|" },
  { "lf-lf", "\n\n", 0, "\r\n\r\n", "|" },
  { "crlf-crlf", "\r\n\r\n", 0, "\r\n\r\n", "|" },
  { "cr-x-lf", "\rx\n", 0, "\r\nx\r\n", "|x" },
  /* docs/firmware.md section 1: BS and DEL erase one character and echo "\b \b" */
  { "bs", "ab\bc\r", 0, "ab\b \bc\r\n", "ac" },
  { "del",
    "ab\x7f\x7f"
    "c\r",
    0, "ab\b \b\b \bc\r\n", "c" },
  { "bs-empty",
    "\b\x7f"
    "a\r",
    0, "a\r\n", "a" },
  /* a NUL is echoed; the line is a C string and ends there */
  { "nul", "a\0b\r", 4, "a\0b\r\n", "a" },
};

static void
split_lines (const char *input, gsize len, GString *echo, GString *lines)
{
  MwSimRepl repl;
  gboolean first = TRUE;

  mw_sim_repl_init (&repl);
  for (gsize i = 0; i < len; i++)
    if (mw_sim_repl_feed (&repl, (guint8) input[i], echo) == MW_SIM_REPL_LINE)
      {
        g_autofree char *line = mw_sim_repl_take_line (&repl);
        if (!first)
          g_string_append_c (lines, '|');
        first = FALSE;
        g_string_append (lines, line);
      }
}

static void
test_discipline (gconstpointer data)
{
  const DisciplineCase *c = data;
  gsize len = c->input_len ? c->input_len : strlen (c->input);
  g_autoptr (GString) echo = g_string_new (NULL);
  g_autoptr (GString) lines = g_string_new (NULL);
  gsize echo_len = strlen (c->echo);

  /* echo strings with a NUL: the table stores them whole; count up to the final "\r\n" */
  if (c->input_len)
    echo_len = c->input_len + 1;
  split_lines (c->input, len, echo, lines);
  mw_sim_test_assert_bytes ("echo", echo->str, echo->len, c->echo, echo_len);
  g_assert_cmpstr (lines->str, ==, c->lines);
}

/* docs/firmware.md section 1: the line buffer is 256 bytes: at the 256th character everything typed
 * so far is discarded silently and only the rest is executed */
static void
test_line_limit (void)
{
  g_autoptr (GString) in = g_string_new (NULL);
  g_autoptr (GString) echo = g_string_new (NULL);
  g_autoptr (GString) lines = g_string_new (NULL);

  g_string_append_len (in, "", 0);
  for (int i = 0; i < 255; i++)
    g_string_append_c (in, 'a');
  g_string_append_c (in, '\r');
  split_lines (in->str, in->len, echo, lines);
  g_assert_cmpuint (lines->len, ==, 255); /* 255 characters fit */

  g_string_truncate (lines, 0);
  g_string_truncate (in, 0);
  for (int i = 0; i < 256; i++)
    g_string_append_c (in, 'a');
  g_string_append (in, "xyz\r");
  split_lines (in->str, in->len, echo, lines);
  g_assert_cmpstr (lines->str, ==, "xyz"); /* the 256th discards all before */
}

/* docs/firmware.md section 1: output turns "\n" into "\r\n" and drops "\r" */
static void
test_cook (void)
{
  static const struct
  {
    const char *in, *out;
  } cases[] = {
    { "1\n", "1\r\n" },     { "a\r\nb", "a\r\nb" }, { "\r\r", "" },
    { "\n\n", "\r\n\r\n" }, { "x\ty", "x\ty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) out = g_string_new (NULL);
      mw_sim_repl_cook (out, cases[i].in, strlen (cases[i].in));
      g_assert_cmpstr (out->str, ==, cases[i].out);
    }
}

/* docs/firmware.md section 1: a syntax error ending in '<eof>' means more input is needed; "="
 * means return */
static void
test_chunk_rules (void)
{
  g_autofree char *ret = mw_sim_repl_chunk_source ("=1+1");
  g_autofree char *plain = mw_sim_repl_chunk_source ("x=1");

  g_assert_cmpstr (ret, ==, "return 1+1");
  g_assert_cmpstr (plain, ==, "x=1");
  g_assert_true (mw_sim_repl_is_incomplete ("stdin:1: 'end' expected near '<eof>'"));
  g_assert_true (mw_sim_repl_is_incomplete ("stdin:1: unexpected symbol near '<eof>'"));
  g_assert_false (mw_sim_repl_is_incomplete ("stdin:1: unexpected symbol near '='"));
}

/* docs/firmware.md section 1: the ring keeps the newest 256 bytes */
static void
test_ring (void)
{
  MwSimRing ring;
  guint8 bytes[300], b;

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) i;
  mw_sim_ring_init (&ring);
  mw_sim_ring_push (&ring, bytes, sizeof bytes);
  g_assert_cmpuint (ring.count, ==, 256);
  g_assert_cmpuint (ring.dropped, ==, 44);
  g_assert_true (mw_sim_ring_pop (&ring, &b));
  g_assert_cmpuint (b, ==, 44);
  while (mw_sim_ring_pop (&ring, &b))
    ;
  g_assert_cmpuint (b, ==, (guint8) 299);
}

/* ---- conversations over a real pty ---- */

typedef struct
{
  const char *name;
  const char *input;
  gsize input_len; /* 0: strlen */
  const char *out30; /* what the 3.0 firmware answers (after the boot prompt) */
  const char *out22; /* 2.2; NULL: the same */
  gsize out_len; /* 0: strlen (the NUL case gives it) */
} Conversation;

static const Conversation conversations[] = {
  /* docs/firmware.md section 1, its example: echo, "\r\n", "1\r\n", the prompt */
  { "print", "print(1)\r\n", 0, "print(1)\r\n1\r\n> ", NULL },
  { "print-lf", "print(1)\n", 0, "print(1)\r\n1\r\n> ", NULL },
  { "print-cr", "print(1)\r", 0, "print(1)\r\n1\r\n> ", NULL },
  { "print-lfcr", "print(1)\n\rprint(2)\n\r", 0, "print(1)\r\n1\r\n> print(2)\r\n2\r\n> ", NULL },
  /* docs/firmware.md section 1: an empty line just re-sends the prompt */
  { "empty", "\r\n", 0, "\r\n> ", NULL },
  { "empty-cr-cr", "\r\r", 0, "\r\n> \r\n> ", NULL },
  /* docs/firmware.md section 1: BS and DEL */
  { "backspace", "print(12\b3)\r\n", 0, "print(12\b \b3)\r\n13\r\n> ", NULL },
  { "delete",
    "print(19\x7f"
    "4)\r\n",
    0, "print(19\b \b4)\r\n14\r\n> ", NULL },
  /* docs/firmware.md section 1: "=" means return */
  { "equals", "=1+1\r\n", 0, "=1+1\r\n2\r\n> ", NULL },
  { "equals-multi", "=1,'a',nil\r\n", 0, "=1,'a',nil\r\n1\ta\tnil\r\n> ", NULL },
  /* docs/firmware.md section 1: ">> " while the chunk is incomplete; lines joined with "\n" */
  { "continuation", "for i=1,2 do\r\nprint(i)\r\nend\r\n", 0,
    "for i=1,2 do\r\n>> print(i)\r\n>> end\r\n1\r\n2\r\n> ", NULL },
  { "continuation-string", "x=[[a\r\nb]] print(#x)\r\n", 0, "x=[[a\r\n>> b]] print(#x)\r\n3\r\n> ",
    NULL },
  /* docs/firmware.md section 1: 3.0 prints "Lua error: \t"; 2.x the bare message */
  { "syntax-error", "x = = 1\r\n", 0,
    "x = = 1\r\nLua error: \tstdin:1: unexpected symbol near '='\r\n> ",
    "x = = 1\r\nstdin:1: unexpected symbol near '='\r\n> " },
  /* docs/firmware.md section 1: runtime errors add a traceback */
  /* the firmware runs a line from two C functions (app/modules/pipe.c, app/lua53/lua.c
   * l_read_stdin): 3.0 tracebacks end with two "[C]: ?" frames */
  { "runtime-error", "error('boom')\r\n", 0,
    "error('boom')\r\nLua error: \tstdin:1: boom\r\nstack traceback:\r\n"
    "\t[C]: in function 'error'\r\n\tstdin:1: in main chunk\r\n\t[C]: ?\r\n\t[C]: ?\r\n> ",
    "error('boom')\r\nstdin:1: boom\r\nstack traceback:\r\n"
    "\t[C]: in function 'error'\r\n\tstdin:1: in main chunk\r\n> " },
  /* app/lua53/lua.c dojob: no "Lua error: " before a nil error object, print(nil) instead */
  { "error-nil", "error()\r\n", 0, "error()\r\nnil\r\n> ",
    "error()\r\n(error object is not a string)\r\n> " },
  /* app/lua/lbaselib.c luaB_print writes each argument as a C string: a NUL ends it */
  { "print-nul", "print('a\\0b', 'c\\0', 'd')\r\n", 0,
    "print('a\\0b', 'c\\0', 'd')\r\na\tc\td\r\n> ", NULL },
  /* docs/firmware.md section 1: output drops "\r" and turns "\n" into "\r\n"; uart.write is raw */
  { "cooked-output", "print('a\\rb\\nc')\r\n", 0, "print('a\\rb\\nc')\r\nab\r\nc\r\n> ", NULL },
  { "raw-write", "uart.write(0,'a\\nb\\r')\r\n", 0, "uart.write(0,'a\\nb\\r')\r\na\nb\r> ", NULL },
  /* docs/firmware.md section 1: _PROMPT and _PROMPT2 override the prompts */
  { "prompt-global", "_PROMPT='$ ' _PROMPT2='+ '\r\nif x then\r\nend\r\n", 0,
    "_PROMPT='$ ' _PROMPT2='+ '\r\n$ if x then\r\n+ end\r\n$ ", NULL },
  /* a NUL byte is echoed and ends the line's C string */
  { "nul-byte", "print(5)\0zz\r\n", 13, "print(5)\0zz\r\n5\r\n> ", NULL, 18 },
  /* docs/firmware.md section 5: code after node.restart() still runs until the task
   * returns, whose prompt is sent before the reset (app/lua53/lua.c dojob writes it at the end
   * of the line's task) */
  { "restart-late", "node.restart() print('still')\r\n", 0,
    "node.restart() print('still')\r\nstill\r\n> \r\n", NULL },
};

static void
test_conversation (gconstpointer data)
{
  const Conversation *c = data;
  gsize in_len = c->input_len ? c->input_len : strlen (c->input);

  for (int fw = 0; fw < 2; fw++)
    {
      MwSimOptions opts;
      g_autoptr (MwSimTestBoard) board = NULL;
      g_autoptr (GString) got = NULL;
      const char *want = fw == 1 && c->out22 ? c->out22 : c->out30;
      gsize want_len = c->out_len ? c->out_len : strlen (want);
      g_autofree char *what =
        g_strdup_printf ("%s (firmware %s)", c->name, fw == 0 ? "3.0" : "2.2");

      mw_sim_test_options (&opts);
      opts.firmware = fw == 0 ? MW_SIM_FIRMWARE_3_0 : MW_SIM_FIRMWARE_2_2;
      board = mw_sim_test_board_new (&opts, NULL);
      mw_sim_test_send (board, c->input, in_len);
      got = mw_sim_test_read_n (board, want_len, 3000);
      /* and nothing more (the restart case goes on with the new banner) */
      if (!g_str_equal (c->name, "restart-late"))
        {
          g_autoptr (GString) extra = mw_sim_test_drain (board, 20);
          g_string_append_len (got, extra->str, extra->len);
        }
      mw_sim_test_assert_bytes (what, got->str, got->len, want, want_len);
    }
}

/* A line that reaches the board while it restarts is lost, as on a board (which reads nothing
 * before its firmware sets its input up, docs/firmware.md section 1): node.restart() and, in
 * the same write, a second line. Regression
 * (the app's soak test): the simulator read the rest of the line after the boot and ran it, so
 * a command cut short by a restart printed its output amid the console's prompts. */
static void
test_restart_drops_input (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GString) got = NULL;
  g_autoptr (GString) after = NULL;
  static const char boot_end[] =
    MW_SIM_TEST_NO_LFS_IMAGE MW_SIM_TEST_BANNER_30 ("float", "0x10000", MW_SIM_TEST_MODULES)
      MW_SIM_TEST_NO_INIT;
  static const char before[] = "node.restart()\r\n> \r\n";

  mw_sim_test_options (&opts);
  opts.baud_limit = TRUE; /* the line's pace: the second line is still on the wire */
  board = mw_sim_test_board_new (&opts, NULL);
  mw_sim_test_send (board, "node.restart()\r\nprint('lost')\r\n", -1);
  got = mw_sim_test_expect (board, boot_end, -1, 5000);
  g_assert_nonnull (got);
  /* the echo, the prompt sent before the reset, the boot loader's line (noise at this baud),
   * the boot: nothing of the second line */
  g_assert_true (g_str_has_prefix (got->str, before));
  g_assert_true (
    g_str_has_suffix (got->str, "\r\n" MW_SIM_TEST_NO_LFS_IMAGE MW_SIM_TEST_BANNER_30 (
                                  "float", "0x10000", MW_SIM_TEST_MODULES) MW_SIM_TEST_NO_INIT));
  for (gsize i = strlen (before); i < got->len - strlen (boot_end) - 2; i++)
    g_assert_cmpuint ((guint8) got->str[i], >=, 0x80);
  after = mw_sim_test_drain (board, 300);
  g_assert_cmpstr (after->str, ==, "");
  /* and the board reads again once it is up */
  {
    g_autofree char *out = mw_sim_test_run (board, "print('read')");
    g_assert_cmpstr (out, ==, "read");
  }
}

/* The other side of the same fact: the firmware reads its input again from its banner on
 * (pmain sets the input up just before it), and runs what came once init.lua is done. */
static void
test_restart_reads_from_banner (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GString) got = NULL;
  g_autoptr (GString) rest = NULL;

  mw_sim_test_options (&opts);
  opts.baud_limit = TRUE;
  board = mw_sim_test_board_new (&opts, NULL);
  mw_sim_test_send (board, "node.restart()\r\n", -1);
  got = mw_sim_test_expect (board, "\r\nNodeMCU 3.0.0.0", -1, 5000);
  g_assert_nonnull (got);
  mw_sim_test_send (board, "print('kept')\r\n", -1);
  rest = mw_sim_test_expect (board, "kept\r\n> ", -1, 5000);
  g_assert_nonnull (rest);
  g_assert_true (g_str_has_suffix (rest->str, MW_SIM_TEST_NO_INIT "print('kept')\r\nkept\r\n> "));
}

/* docs/firmware.md section 1: the 3.0 banner is multi-line with build type, the build's LFS
 * size and modules; init.lua missing prints "cannot open init.lua: "; 2.x has a one-line banner
 * and "lua: cannot open init.lua". Section 9: before the banner (lflash.c luaN_init, run as the
 * Lua state is made), a firmware with an LFS region and no image in it prints "No LFS image
 * loaded"; one without a region prints nothing. */
static void
test_banner (void)
{
  MwSimOptions opts;
  g_autofree char *boot30 = NULL, *boot22 = NULL, *no_region = NULL, *integer = NULL;

  mw_sim_test_options (&opts);
  mw_sim_test_board_free (mw_sim_test_board_new (&opts, &boot30));
  g_assert_cmpstr (boot30, ==,
                   MW_SIM_TEST_NO_LFS_IMAGE MW_SIM_TEST_BANNER_30 (
                     "float", "0x10000", MW_SIM_TEST_MODULES) MW_SIM_TEST_NO_INIT);

  opts.lfs_size = 0;
  mw_sim_test_board_free (mw_sim_test_board_new (&opts, &no_region));
  g_assert_cmpstr (no_region, ==,
                   MW_SIM_TEST_BANNER_30 ("float", "0x0", MW_SIM_TEST_MODULES) MW_SIM_TEST_NO_INIT);

  opts.lfs_size = MW_SIM_DEFAULT_LFS_SIZE;
  opts.firmware = MW_SIM_FIRMWARE_2_2;
  mw_sim_test_board_free (mw_sim_test_board_new (&opts, &boot22));
  g_assert_cmpstr (boot22, ==,
                   "\r\nNodeMCU 2.2.0.0 build 2018/08/05 powered by Lua 5.1.4 on SDK "
                   "2.2.1(6ab97e9)\r\n"
                   "lua: cannot open init.lua\r\n> ");

  opts.firmware = MW_SIM_FIRMWARE_3_0;
  opts.integer_build = TRUE;
  opts.modules = "file,node,encoder";
  opts.lfs_size = 0x20000;
  mw_sim_test_board_free (mw_sim_test_board_new (&opts, &integer));
  g_assert_cmpstr (integer, ==,
                   MW_SIM_TEST_NO_LFS_IMAGE MW_SIM_TEST_BANNER_30 (
                     "integer", "0x20000", "file,node,encoder") MW_SIM_TEST_NO_INIT);
}

/* docs/firmware.md section 1: init.lua runs at boot and the prompt comes after its main chunk
 * returns */
static void
test_init_lua (void)
{
  MwSimOptions opts;
  g_autofree char *dir = g_dir_make_tmp ("mw-sim-init-XXXXXX", NULL);
  g_autofree char *init = g_build_filename (dir, "init.lua", NULL);
  g_autofree char *boot = NULL;

  g_assert_true (g_file_set_contents (init, "print('from init')\n", -1, NULL));
  mw_sim_test_options (&opts);
  opts.fs_dir = dir;
  mw_sim_test_board_free (mw_sim_test_board_new (&opts, &boot));
  g_assert_true (g_str_has_suffix (boot, "SDK 3.0.1-dev(fce080e)\r\nfrom init\r\n> "));
  g_unlink (init);
  g_rmdir (dir);
}

/* docs/firmware.md section 1: the line limit on the wire: 255 characters run, the 256th discards
 * the line so far */
static void
test_line_limit_wire (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GString) in = g_string_new ("print('");
  g_autoptr (GString) got = NULL;
  g_autoptr (GString) want = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  while (in->len < 253)
    g_string_append_c (in, 'a');
  g_string_append (in, "')"); /* 255 characters */
  g_assert_cmpuint (in->len, ==, 255);
  g_string_append (in, "\r\n");
  mw_sim_test_send (board, in->str, in->len);
  got = mw_sim_test_expect (board, "\r\n> ", -1, 3000);
  g_assert_nonnull (got);
  want = g_string_new_len (in->str, 255);
  g_string_append (want, "\r\n");
  g_string_append_len (want, in->str + 7, 246);
  g_string_append (want, "\r\n> ");
  mw_sim_test_assert_bytes ("255 characters", got->str, got->len, want->str, want->len);

  /* 256 spaces then a command: only the command runs; everything is echoed */
  g_string_truncate (in, 0);
  for (int i = 0; i < 256; i++)
    g_string_append_c (in, ' ');
  g_string_append (in, "print(2)\r\n");
  mw_sim_test_send (board, in->str, in->len);
  g_string_free (got, TRUE);
  got = mw_sim_test_expect (board, "\r\n> ", -1, 3000);
  g_assert_nonnull (got);
  g_string_truncate (want, 0);
  g_string_append_len (want, in->str, in->len - 2);
  g_string_append (want, "\r\n2\r\n> ");
  mw_sim_test_assert_bytes ("256 characters", got->str, got->len, want->str, want->len);

  /* a 10 KB line: discarded piecewise, the board keeps serving */
  g_string_truncate (in, 0);
  for (int i = 0; i < 10240; i++)
    g_string_append_c (in, 'z');
  g_string_append (in, "\r\n=7\r\n");
  mw_sim_test_send (board, in->str, in->len);
  g_string_free (got, TRUE);
  got = mw_sim_test_expect (board, "=7\r\n7\r\n> ", -1, 10000);
  g_assert_nonnull (got);
}

/* docs/firmware.md section 8: the integer build divides with the quotient rounded toward minus
 * infinity (x == (x / y) * y + x % y), raises on a zero divisor, and x ^ y is 0 for a negative
 * y (app/lua/luaconf.h luai_numdiv, luai_nummod, luai_lnumdiv; app/lua/lvm.c luai_ipow); the
 * same at compile time (app/lua/lcode.c constfolding) and in loadstring and bytecode. The
 * float build divides doubles. */
typedef struct
{
  const char *line;
  const char *integer;
  const char *floating;
} ArithCase;

static const ArithCase arith_cases[] = {
  { "a,b=7,2 print(a/b, -a/b, a%-b, -a%b, a^b, b^-1, 1/2, 7/2, -7/2, 7%-2, 2^-1)",
    "3\t-4\t-1\t1\t49\t0\t0\t3\t-4\t-1\t0", "3.5\t-3.5\t-1\t1\t49\t0.5\t0.5\t3.5\t-3.5\t-1\t0.5" },
  { "a,b=-9,4 print(a/b, a%b, -a/b, -a%b, a/-b, a%-b)", "-3\t3\t2\t1\t2\t-1",
    "-2.25\t3\t2.25\t1\t2.25\t-1" },
  { "print(loadstring('return 9/2, 9%2')())", "4\t1", "4.5\t1" },
  { "function f(x) local t={} for i=1,3 do t[i]=x/i end return t[1],t[2],t[3] end print(f(10))",
    "10\t5\t3", "10\t5\t3.3333333333333" },
  /* jumps around the routed instructions land where they did */
  { "local s,i=0,0 while i<10 do i=i+1 if i%2==0 then s=s+i/2 elseif i%3==0 then s=s-1 end end "
    "print(s, i, i>5 and i/3 or i/4)",
    "13\t10\t3", "13\t10\t3.3333333333333" },
  { "t=setmetatable({},{__div=function(a,b) return 'div' end}) print(t/2, 2/t)", "div\tdiv",
    "div\tdiv" },
  { "a=0 print(1/a)",
    "Lua error: \tstdin:1: divide by zero\r\nstack traceback:\r\n\tstdin:1: in main chunk\r\n"
    "\t[C]: ?\r\n\t[C]: ?",
    "inf" },
  { "a=0 print(1%a)",
    "Lua error: \tstdin:1: modulo by zero\r\nstack traceback:\r\n\tstdin:1: in main chunk\r\n"
    "\t[C]: ?\r\n\t[C]: ?",
    NULL /* nan, with a sign the host's libc chooses */ },
};

static void
test_integer_arithmetic (void)
{
  for (guint build = 0; build < 2; build++)
    {
      MwSimOptions opts;
      g_autoptr (MwSimTestBoard) board = NULL;

      mw_sim_test_options (&opts);
      opts.integer_build = build == 0;
      board = mw_sim_test_board_new (&opts, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (arith_cases); i++)
        {
          const char *want = build == 0 ? arith_cases[i].integer : arith_cases[i].floating;
          g_autofree char *out = want != NULL ? mw_sim_test_run (board, arith_cases[i].line) : NULL;

          g_assert_cmpstr (out, ==, want);
        }
      /* a file's runtime division, compiled on the board and as source */
      g_free (mw_sim_test_run (board, "file.putcontents('d.lua','local n=...return n/4,n%4')"));
      {
        g_autofree char *src = mw_sim_test_run (board, "print(loadfile('d.lua')(-7))");
        g_autofree char *lc = NULL;

        g_assert_cmpstr (src, ==, build == 0 ? "-2\t1" : "-1.75\t1");
        g_free (mw_sim_test_run (board, "node.compile('d.lua')"));
        lc = mw_sim_test_run (board, "print(loadfile('d.lc')(-7))");
        g_assert_cmpstr (lc, ==, build == 0 ? "-2\t1" : "-1.75\t1");
      }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (discipline_cases); i++)
    {
      g_autofree char *path =
        g_strdup_printf ("/mw/sim/repl/discipline/%s", discipline_cases[i].name);
      g_test_add_data_func (path, &discipline_cases[i], test_discipline);
    }
  g_test_add_func ("/mw/sim/repl/line-limit", test_line_limit);
  g_test_add_func ("/mw/sim/repl/cook", test_cook);
  g_test_add_func ("/mw/sim/repl/chunk-rules", test_chunk_rules);
  g_test_add_func ("/mw/sim/repl/ring", test_ring);
  for (guint i = 0; i < G_N_ELEMENTS (conversations); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/sim/repl/wire/%s", conversations[i].name);
      g_test_add_data_func (path, &conversations[i], test_conversation);
    }
  g_test_add_func ("/mw/sim/repl/banner", test_banner);
  g_test_add_func ("/mw/sim/repl/restart-drops-input", test_restart_drops_input);
  g_test_add_func ("/mw/sim/repl/restart-reads-from-banner", test_restart_reads_from_banner);
  g_test_add_func ("/mw/sim/repl/init-lua", test_init_lua);
  g_test_add_func ("/mw/sim/repl/line-limit-wire", test_line_limit_wire);
  g_test_add_func ("/mw/sim/repl/integer-arithmetic", test_integer_arithmetic);
  return g_test_run ();
}
