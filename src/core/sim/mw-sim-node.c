/* mw-sim-node.c: the firmware's `node` module (docs/firmware.md sections 2, 3 and 5). */
#include "mw-sim-private.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mw-lua-compiler.h"

#define FLASH_ID 1458400
#define FLASH_SIZE 4096 /* KB */

static int
l_heap (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  /* with the firmware's emergency GC in mode ALWAYS there is next to no garbage */
  lua_gc (L, LUA_GCCOLLECT, 0);
  lua_pushinteger (L, (lua_Integer) mw_sim_heap_free (&vm->heap));
  return 1;
}

static int
l_restart (lua_State *L)
{
  /* the reset happens when the current task returns: code after restart() still runs */
  mw_sim_vm_get (L)->restart_pending = TRUE;
  return 0;
}

static int
l_chipid (lua_State *L)
{
  lua_pushinteger (L, mw_sim_vm_get (L)->chip_id);
  return 1;
}

static int
l_flashid (lua_State *L)
{
  lua_pushinteger (L, FLASH_ID);
  return 1;
}

static void
set_int (lua_State *L, const char *key, lua_Integer v)
{
  lua_pushinteger (L, v);
  lua_setfield (L, -2, key);
}

static void
set_str (lua_State *L, const char *key, const char *v)
{
  lua_pushstring (L, v);
  lua_setfield (L, -2, key);
}

static int
l_info (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  static const char *const groups[] = { "hw", "sw_version", "build_config", NULL };
  int group;

  if (lua_isnoneornil (L, 1) || vm->firmware == MW_SIM_FIRMWARE_2_2)
    {
      /* the legacy form: 8 values */
      lua_pushinteger (L, vm->firmware == MW_SIM_FIRMWARE_2_2 ? 2 : 3);
      lua_pushinteger (L, vm->firmware == MW_SIM_FIRMWARE_2_2 ? 2 : 0);
      lua_pushinteger (L, 0);
      lua_pushinteger (L, vm->chip_id);
      lua_pushinteger (L, FLASH_ID);
      lua_pushinteger (L, FLASH_SIZE);
      lua_pushinteger (L, 0);
      lua_pushinteger (L, 40000000);
      return 8;
    }
  group = luaL_checkoption (L, 1, NULL, groups);
  lua_newtable (L);
  switch (group)
    {
      case 0:
        set_int (L, "chip_id", vm->chip_id);
        set_int (L, "flash_id", FLASH_ID);
        set_int (L, "flash_size", FLASH_SIZE);
        set_int (L, "flash_mode", 0);
        set_int (L, "flash_speed", 40000000);
        break;
      case 1:
        set_int (L, "node_version_major", 3);
        set_int (L, "node_version_minor", 0);
        set_int (L, "node_version_revision", 0);
        set_str (L, "git_branch", "release");
        set_str (L, "git_commit_id", "0000000000000000000000000000000000000000");
        set_str (L, "git_release", "3.0-release");
        set_str (L, "git_commit_dts", "202101010000");
        break;
      default:
        {
          char *mods = g_strjoinv (",", vm->modules);

          lua_pushboolean (L, FALSE);
          lua_setfield (L, -2, "ssl");
          set_int (L, "lfs_size", 0);
          lua_pushstring (L, mods);
          g_free (mods);
          lua_setfield (L, -2, "modules");
          set_str (L, "number_type",
                   vm->number_type == MW_LUA_TARGET_INTEGER ? "integer" : "float");
        }
        break;
    }
  return 1;
}

/* node.compile("x.lua") writes x.lc as the firmware does: always fully stripped, after a
 * parse in the board's own RAM (so a big file fails with "not enough memory"). */
static int
l_compile (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  size_t len;
  const char *name = luaL_checklstring (L, 1, &len);
  char *path, *source = NULL, *out_name, *out_path;
  gsize source_len;
  GBytes *bytes;
  GError *error = NULL;
  gboolean ok;
  int status;

  luaL_argcheck (L, len > 4 && strcmp (name + len - 4, ".lua") == 0, 1,
                 "filename must end in .lua");
  luaL_argcheck (L, len - 4 + 3 <= MW_SIM_FLASH_MAX_NAME, 1, "filename too long");
  path = mw_sim_flash_path (vm->flash, name);
  ok = g_file_get_contents (path, &source, &source_len, NULL);
  g_free (path);
  if (!ok)
    return luaL_error (L, "cannot open %s", name);

  /* the parse on the board: charged to the board's heap; its error is the firmware's */
  lua_pushfstring (L, "@%s", name);
  status = luaL_loadbuffer (L, source, source_len, lua_tostring (L, -1));
  if (status != 0)
    {
      g_free (source);
      return lua_error (L);
    }
  lua_pop (L, 2);

  bytes = mw_lua_compiler_compile_to_bytes (name, source, source_len, vm->number_type,
                                            MW_LUA_STRIP_ALL, &error);
  g_free (source);
  if (bytes == NULL)
    {
      lua_pushstring (L, error->message);
      g_error_free (error);
      return lua_error (L);
    }
  out_name = g_strdup_printf ("%.*s.lc", (int) (len - 4), name);
  out_path = mw_sim_flash_path (vm->flash, out_name);
  g_unlink (out_path);
  ok = mw_sim_flash_reserve (vm->flash, g_bytes_get_size (bytes))
       && g_file_set_contents (out_path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                               NULL);
  g_free (out_path);
  g_bytes_unref (bytes);
  if (!ok)
    {
      lua_pushfstring (L, "cannot write %s", out_name);
      g_free (out_name);
      return lua_error (L);
    }
  g_free (out_name);
  return 0;
}

static int
l_stripdebug (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (!lua_isnoneornil (L, 1))
    {
      int level = luaL_checkinteger (L, 1);
      luaL_argcheck (L, level >= 1 && level <= 3, 1, "must be in range 1-3");
      vm->strip_level = level;
    }
  lua_pushinteger (L, vm->strip_level);
  return 1;
}

static int
l_egc_setmode (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  int mode = luaL_checkinteger (L, 1);
  int limit = luaL_optinteger (L, 2, 0);

  luaL_argcheck (L, mode == 0 || mode == 1 || mode == 2 || mode == 4, 1, "bad mode");
  luaL_argcheck (L, mode != 2 || limit > 0, 2, "limit must be > 0");
  vm->egc_mode = mode;
  vm->egc_limit = limit;
  return 0;
}

static int
l_input (lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring (L, 1, &len);

  g_string_append_len (mw_sim_vm_get (L)->inject, s, len);
  return 0;
}

static int
l_output (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (vm->output_cb != LUA_NOREF)
    luaL_unref (L, LUA_REGISTRYINDEX, vm->output_cb);
  vm->output_cb = LUA_NOREF;
  vm->output_serial = TRUE;
  if (lua_isfunction (L, 1))
    {
      vm->output_serial = luaL_optinteger (L, 2, 1) != 0;
      lua_pushvalue (L, 1);
      vm->output_cb = luaL_ref (L, LUA_REGISTRYINDEX);
    }
  return 0;
}

static int
l_uptime (lua_State *L)
{
  gint64 us = g_get_monotonic_time () - mw_sim_vm_get (L)->boot_time;

  lua_pushinteger (L, (lua_Integer) (us & 0x7fffffff));
  lua_pushinteger (L, (lua_Integer) (us >> 31));
  return 2;
}

static const luaL_Reg node_funcs[] = { { "heap", l_heap },
                                       { "restart", l_restart },
                                       { "chipid", l_chipid },
                                       { "flashid", l_flashid },
                                       { "info", l_info },
                                       { "compile", l_compile },
                                       { "stripdebug", l_stripdebug },
                                       { "input", l_input },
                                       { "output", l_output },
                                       { "uptime", l_uptime },
                                       { NULL, NULL } };

int
mw_sim_open_node (lua_State *L)
{
  mw_sim_register (L, "node", node_funcs);
  lua_newtable (L);
  lua_pushcfunction (L, l_egc_setmode);
  lua_setfield (L, -2, "setmode");
  set_int (L, "NOT_ACTIVE", 0);
  set_int (L, "ON_ALLOC_FAILURE", 1);
  set_int (L, "ON_MEM_LIMIT", 2);
  set_int (L, "ALWAYS", 4);
  lua_setfield (L, -2, "egc");
  lua_pop (L, 1);
  return 0;
}
