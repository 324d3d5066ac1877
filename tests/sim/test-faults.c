/* test-faults.c: fault injection reproducible with a seed, and bad input the board survives:
 * binary garbage, NUL bytes, 10 KB lines, input during boot, a host that closes and reopens
 * the pty (docs/firmware.md section 1 for what the board does with each byte). */
#include <glib/gstdio.h>
#include <string.h>

#include "mw-sim-test.h"

static const char script[] =
  "print('line 1')\r\nprint('line 2')\r\nprint('line 3')\r\nprint('line 4')\r\n"
  "print('line 5')\r\nprint('line 6')\r\nprint('line 7')\r\nprint('line 8')\r\n";

static GString *
converse (guint64 seed, double drop, double corrupt)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;

  mw_sim_test_options (&opts);
  opts.seed = seed;
  opts.drop_rate = drop;
  opts.corrupt_rate = corrupt;
  board = mw_sim_test_board_new (&opts, NULL);
  mw_sim_test_send (board, script, -1);
  mw_sim_test_send (board, "\r\nprint('end')\r\n", -1);
  /* the last line may itself be hit: then everything until the board falls quiet (a fixed
   * window cut the conversation at a place that depended on the machine's load) */
  {
    g_autoptr (GString) got = mw_sim_test_expect (board, "end')\r\nend\r\n> ", -1, 1000);
    if (got)
      return g_steal_pointer (&got);
  }
  return mw_sim_test_drain_quiet (board, 500, 20000);
}

typedef struct
{
  const char *name;
  double drop;
  double corrupt;
} FaultCase;

static const FaultCase fault_cases[] = {
  { "drop", 0.05, 0 },
  { "corrupt", 0, 0.05 },
  { "both", 0.03, 0.03 },
};

/* the same seed gives the same conversation; another seed another one; the clean board
 * differs from both */
static void
test_seeded (gconstpointer data)
{
  const FaultCase *c = data;
  g_autoptr (GString) a = converse (7, c->drop, c->corrupt);
  g_autoptr (GString) b = converse (7, c->drop, c->corrupt);
  g_autoptr (GString) other = converse (8, c->drop, c->corrupt);
  g_autoptr (GString) clean = converse (7, 0, 0);

  mw_sim_test_assert_bytes ("same seed", a->str, a->len, b->str, b->len);
  g_assert_false (g_string_equal (a, other));
  g_assert_false (g_string_equal (a, clean));
  g_assert_nonnull (strstr (clean->str, "line 8\r\n> "));
}

/* --silent-after N: after N received bytes the board sends nothing */
static void
test_silent_after (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GString) got = NULL;

  mw_sim_test_options (&opts);
  opts.silent_after = 20;
  board = mw_sim_test_board_new (&opts, NULL);
  mw_sim_test_send (board, "print(1)\r\n", -1); /* 10 bytes: answered */
  got = mw_sim_test_expect (board, "1\r\n> ", -1, 2000);
  g_assert_nonnull (got);
  mw_sim_test_send (board, "print(2)\r\nprint(3)\r\n", -1);
  g_string_free (got, TRUE);
  got = mw_sim_test_drain (board, 100);
  g_assert_cmpuint (got->len, ==, 0);
}

/* --reset-after N: the board resets once after N received bytes */
static void
test_reset_after (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GString) got = NULL;
  g_autofree char *out = NULL;

  mw_sim_test_options (&opts);
  opts.reset_after = 15;
  board = mw_sim_test_board_new (&opts, NULL);
  mw_sim_test_send (board, "x=1\r\nprint(x)\r\n", -1);
  got = mw_sim_test_expect (board, "cannot open init.lua: \r\n> ", -1, 2000);
  g_assert_nonnull (got);
  g_assert_nonnull (strstr (got->str, "\r\nNodeMCU 3.0.0.0"));
  /* the state is gone, and the board resets only once */
  out = mw_sim_test_run (board, "print(x)");
  g_assert_cmpstr (out, ==, "nil");
  g_clear_pointer (&out, g_free);
  out = mw_sim_test_run (board, "print(string.rep('y', 30))");
  g_assert_cmpuint (strlen (out), ==, 30);
}

/* --flash-full-after N: writes fail once N bytes have been written */
static void
test_flash_full_after (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *out = NULL;

  mw_sim_test_options (&opts);
  opts.flash_full_after = 150;
  board = mw_sim_test_board_new (&opts, NULL);
  out = mw_sim_test_run (board, "f=file.open('x','w') for i=1,4 do print(f:write(string.rep('z',"
                                "50))) end f:close() print(file.putcontents('y','q'))");
  g_assert_cmpstr (out, ==, "true\r\ntrue\r\ntrue\r\nnil\r\nnil");
}

/* binary garbage (no printable ASCII: every line is a syntax error) and NUL bytes */
static void
test_garbage (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (GString) junk = g_string_new (NULL);
  g_autoptr (GString) got = NULL;
  g_autofree char *out = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  for (int i = 0; i < 8192; i++)
    {
      guint8 b = (guint8) g_rand_int_range (rand, 0, 256);
      if (b >= 0x20 && b < 0x7f)
        b = i % 97 == 0 ? '\n' : 0x80 | b;
      g_string_append_c (junk, (char) b);
    }
  mw_sim_test_send (board, junk->str, junk->len);
  mw_sim_test_send (board, "\r\nprint('after garbage')\r\n", -1);
  got = mw_sim_test_expect (board, "after garbage\r\n> ", -1, 10000);
  g_assert_nonnull (got);
  out = mw_sim_test_run (board, "print(node.heap() > 40000)");
  g_assert_cmpstr (out, ==, "true");
}

/* input that arrives while init.lua still runs waits in the pty and the ring */
static void
test_input_during_boot (void)
{
  MwSimOptions opts;
  g_autofree char *dir = g_dir_make_tmp ("mw-sim-boot-XXXXXX", NULL);
  g_autofree char *init = g_build_filename (dir, "init.lua", NULL);
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) got = NULL;

  g_assert_true (g_file_set_contents (init, "tmr.delay(200000) print('init done')", -1, NULL));
  mw_sim_test_options (&opts);
  opts.fs_dir = dir;
  board = g_new0 (MwSimTestBoard, 1);
  board->sim = mw_sim_new (&opts);
  board->seen = g_string_new (NULL);
  board->fd = -1;
  g_assert_true (mw_sim_start (board->sim, &error));
  mw_sim_test_reopen (board);
  mw_sim_test_send (board, "print(5)\r\n", -1);
  got = mw_sim_test_expect (board, "print(5)\r\n5\r\n> ", -1, 5000);
  g_assert_nonnull (got);
  g_assert_true (g_str_has_suffix (got->str, "init done\r\n> print(5)\r\n5\r\n> "));
  g_unlink (init);
  g_rmdir (dir);
}

/* a host that closes and reopens the pty finds the board serving */
static void
test_reopen (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *out = NULL;

      mw_sim_test_reopen (board);
      out = mw_sim_test_run (board, "=1+2");
      g_assert_cmpstr (out, ==, "3");
    }
  /* closed while the board talks: it goes on, and the next host gets a prompt */
  mw_sim_test_send (board, "for i=1,200 do print(i) end\r\n", -1);
  mw_sim_test_reopen (board);
  {
    g_autoptr (GString) drained = mw_sim_test_drain (board, 100);
    g_autofree char *out = mw_sim_test_run (board, "print('again')");
    g_assert_cmpstr (out, ==, "again");
  }
}

/* many boards, started and stopped from several threads at once */
static gpointer
boot_many (gpointer data)
{
  for (int i = 0; i < 10; i++)
    {
      MwSimOptions opts;
      g_autoptr (MwSimTestBoard) board = NULL;
      g_autofree char *out = NULL;

      mw_sim_test_options (&opts);
      board = mw_sim_test_board_new (&opts, NULL);
      out = mw_sim_test_run (board, "=6*7");
      g_assert_cmpstr (out, ==, "42");
    }
  return NULL;
}

static void
test_parallel_boots (void)
{
  GThread *threads[4];
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("boots", boot_many, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_test_message ("40 boards booted, used and stopped in %.0f ms",
                  (g_get_monotonic_time () - start) / 1e3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/sim/faults/seeded/%s", fault_cases[i].name);
      g_test_add_data_func (path, &fault_cases[i], test_seeded);
    }
  g_test_add_func ("/mw/sim/faults/silent-after", test_silent_after);
  g_test_add_func ("/mw/sim/faults/reset-after", test_reset_after);
  g_test_add_func ("/mw/sim/faults/flash-full-after", test_flash_full_after);
  g_test_add_func ("/mw/sim/faults/garbage", test_garbage);
  g_test_add_func ("/mw/sim/faults/input-during-boot", test_input_during_boot);
  g_test_add_func ("/mw/sim/faults/reopen", test_reopen);
  g_test_add_func ("/mw/sim/faults/parallel-boots", test_parallel_boots);
  return g_test_run ();
}
