/* test-pipeline.c: a file's way to the board (lint, minify, compile, strip), as put, sync and
 * the app's Upload use it. Outputs are checked with liblua5.1 and the bytecode format of
 * docs/firmware.md section 4. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

#include "mw-lua-compiler.h"
#include "mw-lua-pipeline.h"

static const char *program = "-- a comment the minifier drops\n"
                             "local greeting = \"hello\"\n"
                             "local function shout(text)\n"
                             "  return string.upper(text) .. \"!\"\n"
                             "end\n"
                             "result = shout(greeting)\n";

/* Runs a chunk (host, or NodeMCU bytecode through the chunk loader) and returns `result`. */
static char *
run (GBytes *bytes)
{
  lua_State *L = luaL_newstate ();
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  char *out;

  luaL_openlibs (L);
  g_assert_cmpint (mw_lua_chunk_load (L, data, len, "=t"), ==, 0);
  g_assert_cmpint (lua_pcall (L, 0, 0, 0), ==, 0);
  lua_getglobal (L, "result");
  out = g_strdup (lua_tostring (L, -1));
  lua_close (L);
  return out;
}

static void
test_passthrough (void)
{
  g_autoptr (GBytes) data = g_bytes_new_static ("\x00\xff not lua", 10);
  MwLuaPipelineOptions options = { .lint = TRUE, .minify = TRUE, .compile = TRUE };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GBytes) out = mw_lua_pipeline_prepare ("index.html", data, &options, &name, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "index.html");
  g_assert_true (g_bytes_equal (out, data));
}

static void
test_lint_stops (void)
{
  g_autoptr (GBytes) bad = g_bytes_new_static ("x = = 1\n", 8);
  g_autoptr (GBytes) warn = g_bytes_new_static ("tmr.delay(10)\n", 14);
  MwLuaPipelineOptions options = { .lint = TRUE };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GBytes) out = NULL;

  out = mw_lua_pipeline_prepare ("bad.lua", bad, &options, &name, &error);
  g_assert_null (out);
  g_assert_error (error, MW_LUA_PIPELINE_ERROR, MW_LUA_PIPELINE_ERROR_LINT);
  g_assert_true (g_str_has_prefix (error->message, "bad.lua:1: unexpected symbol near '='"));
  g_clear_error (&error);

  /* warnings (W801 tmr.delay) do not stop an upload */
  out = mw_lua_pipeline_prepare ("warn.lua", warn, &options, &name, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (out, warn));
}

static void
test_minify (void)
{
  g_autoptr (GBytes) src = g_bytes_new_static (program, strlen (program));
  MwLuaPipelineOptions options = { .minify = TRUE };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GBytes) out = mw_lua_pipeline_prepare ("m.lua", src, &options, &name, &error);
  g_autofree char *before = run (src);
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "m.lua");
  g_assert_cmpuint (g_bytes_get_size (out), <, g_bytes_get_size (src));
  after = run (out);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (after, ==, "HELLO!");
}

static void
test_compile (void)
{
  static const guint8 float_header[] = { 0x1b, 0x4c, 0x75, 0x61, 0x51, 0x00,
                                         0x01, 0x04, 0x04, 0x04, 0x08, 0x00 };
  static const guint8 integer_header[] = { 0x1b, 0x4c, 0x75, 0x61, 0x51, 0x00,
                                           0x01, 0x04, 0x04, 0x04, 0x04, 0x01 };
  g_autoptr (GBytes) src = g_bytes_new_static (program, strlen (program));
  MwLuaPipelineOptions options = { .lint = TRUE, .minify = TRUE, .compile = TRUE };
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *name_int = NULL;
  g_autofree char *result = NULL;
  g_autoptr (GBytes) lc = NULL;
  g_autoptr (GBytes) stripped = NULL;
  g_autoptr (GBytes) integer = NULL;

  lc = mw_lua_pipeline_prepare ("app.lua", src, &options, &name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "app.lc");
  g_assert_cmpmem (g_bytes_get_data (lc, NULL), 12, float_header, 12);
  result = run (lc);
  g_assert_cmpstr (result, ==, "HELLO!");

  options.strip = TRUE;
  stripped = mw_lua_pipeline_prepare ("app.lua", src, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (stripped), <, g_bytes_get_size (lc));

  options.number_type = MW_LUA_TARGET_INTEGER;
  integer = mw_lua_pipeline_prepare ("app.lua", src, &options, &name_int, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (integer, NULL), 12, integer_header, 12);
}

static void
test_integer_fraction (void)
{
  const char *src_text = "local a = 1\nlocal b = a * 0.5\nreturn b\n";
  g_autoptr (GBytes) src = g_bytes_new_static (src_text, strlen (src_text));
  MwLuaPipelineOptions options = { .compile = TRUE, .number_type = MW_LUA_TARGET_INTEGER };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = mw_lua_pipeline_prepare ("half.lua", src, &options, NULL, &error);

  g_assert_null (out);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "half.lua:2:"));
}

static void
test_compiled_name (void)
{
  g_autofree char *a = mw_lua_pipeline_compiled_name ("init.lua");
  g_autofree char *b = mw_lua_pipeline_compiled_name ("data");

  g_assert_cmpstr (a, ==, "init.lc");
  g_assert_cmpstr (b, ==, "data.lc");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/pipeline/passthrough", test_passthrough);
  g_test_add_func ("/mw/lua/pipeline/lint-stops", test_lint_stops);
  g_test_add_func ("/mw/lua/pipeline/minify", test_minify);
  g_test_add_func ("/mw/lua/pipeline/compile", test_compile);
  g_test_add_func ("/mw/lua/pipeline/integer-fraction", test_integer_fraction);
  g_test_add_func ("/mw/lua/pipeline/compiled-name", test_compiled_name);
  return g_test_run ();
}
