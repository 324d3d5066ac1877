/* test-fuzz-linter.c: replays seeds through the linter fuzzer's entry point: the parser's
 * seed corpus and the linter's case files. */
#include "mw-test-support.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint
replay_dir (const char *relative)
{
  g_autofree char *dir = mw_test_data_path (relative);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      LLVMFuzzerTestOneInput ((const guint8 *) data, len);
      count++;
    }
  return count;
}

static void
test_replay (void)
{
  guint count = replay_dir ("lua/data/fuzz-parser") + replay_dir ("lua/data/lint");

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
