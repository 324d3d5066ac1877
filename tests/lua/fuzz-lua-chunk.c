/* fuzz-lua-chunk.c: libFuzzer entry point for the bytecode reader (MwLuaChunk).
 *
 * Built as a fuzzer with -Dfuzzing=true (clang), and linked into test-fuzz-chunk, which
 * replays the seeds in tests/lua/data/fuzz-chunk/ in every normal test run. Any input must
 * either fail with an error naming an offset, or read into a chunk that writes back in the
 * NodeMCU and host formats, reads back equal, and lists and estimates without trouble.
 */
#include <string.h>

#include "mw-lua-compiler.h"
#include "mw-lua-ram-estimate.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_rewrite (MwLuaChunk *chunk, const MwLuaChunkFormat *format)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = mw_lua_chunk_dump (chunk, format, &error);
  g_autoptr (MwLuaChunk) again = NULL;
  g_autofree char *difference = NULL;

  if (bytes == NULL)
    {
      /* only a number the integer format cannot hold may fail */
      g_assert (format->integral);
      g_assert (g_error_matches (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_NUMBER));
      return;
    }
  again =
    mw_lua_chunk_new_from_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert (again != NULL);
  /* a float format may round numbers that came from a wider one; compare code and debug */
  if (!mw_lua_chunk_equal (chunk, again, MW_LUA_CHUNK_COMPARE_ALL, &difference))
    g_assert (format->integral || format->sizeof_number < 8
              || strstr (difference, "constant") != NULL);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaChunk) stripped = NULL;
  g_autoptr (MwLuaRamEstimate) estimate = NULL;
  g_autofree char *listing = NULL;

  chunk = mw_lua_chunk_new_from_bytes (data, size, &error);
  if (chunk == NULL)
    {
      g_assert (error != NULL && error->domain == MW_LUA_CHUNK_ERROR);
      g_assert (g_str_has_prefix (error->message, "offset "));
      return 0;
    }
  check_rewrite (chunk, &mw_lua_chunk_format_nodemcu_float);
  check_rewrite (chunk, &mw_lua_chunk_format_nodemcu_integer);
  check_rewrite (chunk, mw_lua_chunk_format_host ());
  listing = mw_lua_compiler_list (chunk, TRUE);
  g_assert (listing != NULL);
  stripped = mw_lua_chunk_strip (chunk, 3);
  estimate = mw_lua_ram_estimate_new (chunk, MW_LUA_TARGET_FLOAT);
  g_assert (estimate->total >= estimate->strip_saves);
  return 0;
}
