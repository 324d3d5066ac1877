/* test-ram.c: the object-size model against the figures measured on a 32-bit NodeMCU build
 * with collectgarbage("count") (docs/firmware.md section 3). */
#include "mw-lua-ram.h"

static void
test_measured (void)
{
  const MwLuaRamModel *m = mw_lua_ram_model_get (MW_LUA_TARGET_FLOAT);

  g_assert_cmpuint (mw_lua_ram_table (m, 0, 0), ==, 32); /* {} */
  g_assert_cmpuint (mw_lua_ram_table (m, 3, 0), ==, 68); /* {1,2,3} */
  g_assert_cmpuint (mw_lua_ram_table (m, 0, 1), ==, 64); /* {a=1} */
  g_assert_cmpuint (mw_lua_ram_closure (m, 0), ==, 20);
  g_assert_cmpuint (mw_lua_ram_closure (m, 1), ==, 48);
  g_assert_cmpuint (mw_lua_ram_closure (m, 2), ==, 76);
  g_assert_cmpuint (mw_lua_ram_string (m, 10), ==, 27);
}

static void
test_integer_build (void)
{
  const MwLuaRamModel *m = mw_lua_ram_model_get (MW_LUA_TARGET_INTEGER);

  g_assert_cmpuint (m->tvalue, ==, 8);
  g_assert_cmpuint (mw_lua_ram_table (m, 3, 0), ==, 56);
  g_assert_cmpuint (mw_lua_ram_table (m, 0, 3), ==, 32 + 4 * 20);
  g_assert_cmpuint (mw_lua_ram_closure (m, 2), ==, 20 + 2 * 24);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/ram/measured-float", test_measured);
  g_test_add_func ("/mw/lua/ram/integer-build", test_integer_build);
  return g_test_run ();
}
