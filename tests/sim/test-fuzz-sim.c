/* test-fuzz-sim.c: replays the simulator fuzzer's seed corpus through its entry point
 * (fuzz-sim.c) in every normal test run. */
#include "mw-test-support.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
test_replay (void)
{
  guint count = mw_test_replay_seeds ("sim/data/fuzz-sim", LLVMFuzzerTestOneInput);

  g_test_message ("%u seeds replayed", count);
  g_assert_cmpuint (count, >=, 12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/fuzz-sim/replay-seeds", test_replay);
  return g_test_run ();
}
