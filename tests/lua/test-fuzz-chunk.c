/* test-fuzz-chunk.c: replays the chunk reader fuzzer's seed corpus through its entry point. */
#include "mw-test-support.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
test_replay (void)
{
  g_autofree char *dir = mw_test_data_path ("lua/data/fuzz-chunk");
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      LLVMFuzzerTestOneInput ((const guint8 *) data, len);
      count++;
    }
  g_test_message ("%u seeds replayed", count);
  g_assert_cmpuint (count, >=, 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/fuzz-chunk/replay-seeds", test_replay);
  return g_test_run ();
}
