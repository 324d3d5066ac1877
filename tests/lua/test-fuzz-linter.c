/* test-fuzz-linter.c: replays the parser's seed corpus and the linter's case files through the
 * fuzzer's entry point (fuzz-lua-linter.c) in every normal test run. */
#include "mw-test-support.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
test_replay (void)
{
  guint count = mw_test_replay_seeds ("lua/data/fuzz-parser", LLVMFuzzerTestOneInput)
                + mw_test_replay_seeds ("lua/data/lint", LLVMFuzzerTestOneInput);

  g_test_message ("%u seeds replayed", count);
  g_assert_cmpuint (count, >=, 40);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/fuzz-linter/replay-seeds", test_replay);
  return g_test_run ();
}
