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

  /* in mode ALWAYS the firmware collects before every allocation, so there is next to no
   * garbage whenever a script looks (docs/firmware.md section 6) */
  if (vm->heap.egc_mode & MW_SIM_EGC_ALWAYS)
    {
      lua_gc (L, LUA_GCCOLLECT, 0);
      mw_sim_heap_check (&vm->heap);
      vm->heap.live_after_gc = vm->heap.lua_bytes;
    }
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
  static const char *const groups[] = { "hw", "sw_version", "build_config", "lfs", NULL };
  int group;

  if (lua_isnoneornil (L, 1) || vm->firmware == MW_SIM_FIRMWARE_2_2)
    {
      /* the legacy form: 8 values; 3.0 warns first (app/modules/node.c node_info,
       * app/platform/platform.c platform_print_deprecation_note) */
      if (vm->firmware == MW_SIM_FIRMWARE_3_0)
        {
          static const char note[] =
            "Warning, deprecated API! node.info() without parameter. It will be removed in the "
            "next version. See documentation for details.\n";

          mw_sim_vm_print (vm, note, strlen (note));
        }
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
      case 3:
        /* app/modules/node.c get_lfs_config (mw-sim-lfs.c) */
        mw_sim_lfs_set_config (L);
        break;
      default:
        {
          char *mods = g_strjoinv (",", vm->modules);

          lua_pushboolean (L, FALSE);
          lua_setfield (L, -2, "ssl");
          set_int (L, "lfs_size", (lua_Integer) vm->lfs_size);
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

  /* app/modules/node.c node_compile: the name's checks and errors */
  luaL_argcheck (L, len <= MW_SIM_FLASH_MAX_NAME && strlen (name) == len, 1, "filename invalid");
  if (len < 4 || strcmp (name + len - 4, ".lua") != 0)
    return luaL_error (L, "not a .lua file");
  path = mw_sim_flash_path (vm->flash, name);
  ok = g_file_get_contents (path, &source, &source_len, NULL);
  g_free (path);
  if (!ok)
    return luaL_error (L, "cannot open %s: ", name);

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
  ok = mw_sim_flash_reserve (vm->flash, 0, g_bytes_get_size (bytes), TRUE)
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

/* app/modules/node.c node_egc_setmode(): modes combine as bits; ON_MEM_LIMIT needs a limit
 * (positive: Lua's bytes; negative: free heap to keep) */
static int
l_egc_setmode (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  unsigned mode = (unsigned) luaL_checkinteger (L, 1);
  int limit = luaL_optinteger (L, 2, 0);

  luaL_argcheck (
    L, mode <= (MW_SIM_EGC_ON_ALLOC_FAILURE | MW_SIM_EGC_ON_MEM_LIMIT | MW_SIM_EGC_ALWAYS), 1,
    "invalid mode");
  luaL_argcheck (L, !(mode & MW_SIM_EGC_ON_MEM_LIMIT) || limit != 0, 1, "limit must be non-zero");
  vm->heap.egc_mode = (int) mode;
  vm->heap.egc_limit = limit;
  return 0;
}

/* totalallocated, estimatedused = node.egc.meminfo(): Lua's byte count and the GC's
 * estimate of live data (app/lua/lapi.c lua_getegcinfo) */
static int
l_egc_meminfo (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  mw_sim_heap_settle (&vm->heap);
  lua_pushinteger (L, (lua_Integer) vm->heap.lua_bytes);
  lua_pushinteger (L, (lua_Integer) vm->heap.live_after_gc);
  return 2;
}

static int
l_input (lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring (L, 1, &len);

  g_string_append_len (mw_sim_vm_get (L)->inject, s, len);
  return 0;
}

/* node.output(fn[, serial]): print's text goes to a pipe with fn as its reader (fn gets the
 * pipe); serial 0 keeps it off the wire. No function: back to the UART (app/modules/node.c) */
static int
l_output (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (vm->output_cb != LUA_NOREF)
    luaL_unref (L, LUA_REGISTRYINDEX, vm->output_cb);
  vm->output_cb = LUA_NOREF;
  vm->output_serial = !(lua_isnumber (L, 2) && lua_tointeger (L, 2) == 0);
  if (lua_isfunction (L, 1))
    {
      lua_settop (L, 1);
      lua_pushinteger (L, 1);
      lua_pushcfunction (L, mw_sim_pipe_create);
      lua_insert (L, 1);
      lua_call (L, 2, 1);
      vm->output_cb = luaL_ref (L, LUA_REGISTRYINDEX);
    }
  else
    vm->output_serial = TRUE;
  return 0;
}

/* node.setonerror([fn]): the registry's "onerror" handler; no function: the default, which
 * prints and restarts (app/modules/node.c node_setonerror) */
static int
l_setonerror (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (vm->onerror_cb != LUA_NOREF)
    luaL_unref (L, LUA_REGISTRYINDEX, vm->onerror_cb);
  vm->onerror_cb = LUA_NOREF;
  if (lua_isfunction (L, 1))
    {
      lua_pushvalue (L, 1);
      vm->onerror_cb = luaL_ref (L, LUA_REGISTRYINDEX);
    }
  return 0;
}

static int
l_flashsize (lua_State *L)
{
  lua_pushinteger (L, FLASH_SIZE * 1024);
  return 1;
}

static int
l_getcpufreq (lua_State *L)
{
  lua_pushinteger (L, mw_sim_vm_get (L)->cpu_mhz);
  return 1;
}

/* node.setcpufreq(f): 160 for CPU160MHZ, 80 for anything else; the VM runs at that speed */
static int
l_setcpufreq (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  lua_Integer f = luaL_checkinteger (L, 1);

  vm->cpu_mhz = f == 160 ? 160 : 80;
  lua_pushinteger (L, vm->cpu_mhz);
  return 1;
}

static int
l_bootreason (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  lua_pushinteger (L, vm->reset_raw);
  lua_pushinteger (L, vm->reset_reason);
  if (vm->reset_reason != 2)
    return 2;
  /* an exception reset adds exccause, epc1, epc2, epc3, excvaddr, depc */
  for (int i = 0; i < 6; i++)
    lua_pushinteger (L, 0);
  return 8;
}

/* node.restore(): the SDK's system_restore() resets WiFi settings, which the simulated
 * station does not keep */
static int
l_restore (lua_State *L)
{
  return 0;
}

/* node.random() as app/modules/node.c node_random: [0,1), [1,u] or [l,u] */
static int
l_random (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  lua_Integer l, u;

  if (vm->rand == NULL)
    vm->rand = g_rand_new_with_seed (vm->chip_id);
  switch (lua_gettop (L))
    {
      case 0:
        lua_pushnumber (L, g_rand_double (vm->rand));
        return 1;
      case 1:
        l = 1;
        u = luaL_checkinteger (L, 1);
        break;
      case 2:
        l = luaL_checkinteger (L, 1);
        u = luaL_checkinteger (L, 2);
        break;
      default:
        return luaL_error (L, "wrong number of arguments");
    }
  luaL_argcheck (L, l <= u, 2, "interval is empty");
  lua_pushinteger (L, l + (lua_Integer) (g_rand_double (vm->rand) * ((double) u - l + 1)));
  return 1;
}

/* node.dsleep(us[, option[, instant]]): the board sleeps; with GPIO16 wired to RST it
 * wakes with a reset. Simulated: a reset after `us` (never for 0), reason 5. */
static gboolean
wake_cb (gpointer data)
{
  MwSimVm *vm = data;

  g_ptr_array_remove_fast (vm->posted, g_main_current_source ());
  vm->restart_pending = TRUE;
  vm->woken = TRUE;
  vm->task_done (vm->task_done_data);
  return G_SOURCE_REMOVE;
}

static int
l_dsleep (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (lua_isnumber (L, 2))
    luaL_argcheck (L, lua_tointeger (L, 2) >= 0 && lua_tointeger (L, 2) <= 4, 2,
                   "wrong option value");
  if (lua_isnumber (L, 1))
    {
      lua_Number us = luaL_checknumber (L, 1);

      luaL_argcheck (L, us >= 0 && us < 36000000000.0, 1, "invalid time value");
      if (us > 0)
        {
          GSource *wake = g_timeout_source_new ((guint) MAX (1, us / 1000));

          g_source_set_callback (wake, wake_cb, vm, NULL);
          g_source_attach (wake, vm->context);
          g_ptr_array_add (vm->posted, wake); /* destroyed with the state */
        }
    }
  return 0;
}

static int
l_dsleepmax (lua_State *L)
{
  /* the RTC's 31-bit counter at its nominal calibration: about 3.6 hours */
  lua_pushnumber (L, 13743895347.0);
  return 1;
}

/* node.startupcommand(s): what runs instead of init.lua from the next boot on */
static int
l_startupcommand (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  const char *cmd = luaL_checkstring (L, 1);

  g_free (vm->startup_command);
  vm->startup_command = g_strdup (cmd);
  lua_pushboolean (L, TRUE);
  return 1;
}

/* node.startup([t]): command, banner (the rest is kept and reported) */
static int
l_startup (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (lua_gettop (L) > 0)
    {
      gboolean any = FALSE;

      luaL_checktype (L, 1, LUA_TTABLE);
      lua_pushnil (L);
      while (lua_next (L, 1) != 0)
        {
          if (lua_type (L, -2) == LUA_TSTRING)
            {
              const char *key = lua_tostring (L, -2);

              any = TRUE;
              if (strcmp (key, "command") == 0)
                {
                  g_free (vm->startup_command);
                  vm->startup_command = g_strdup (luaL_checkstring (L, -1));
                }
              else if (strcmp (key, "banner") == 0)
                vm->startup_banner = lua_toboolean (L, -1);
            }
          lua_pop (L, 1);
        }
      if (!any)
        {
          g_clear_pointer (&vm->startup_command, g_free);
          vm->startup_banner = TRUE;
        }
    }
  lua_newtable (L);
  if (vm->startup_command)
    set_str (L, "command", vm->startup_command);
  lua_pushboolean (L, vm->startup_banner);
  lua_setfield (L, -2, "banner");
  lua_pushboolean (L, FALSE);
  lua_setfield (L, -2, "delay_mount");
  set_int (L, "frequency", 80);
  return 1;
}

/* node.task.post([priority,] fn) */
static int
l_task_post (lua_State *L)
{
  int n = 1;
  int priority = 1;

  if (lua_type (L, 1) == LUA_TNUMBER)
    {
      priority = luaL_checkint (L, 1);
      luaL_argcheck (L, priority >= 0 && priority <= 2, 1, "invalid  priority");
      n++;
    }
  luaL_checktype (L, n, LUA_TFUNCTION);
  lua_settop (L, n);
  mw_sim_vm_post (mw_sim_vm_get (L), priority, priority);
  return 0;
}

/* node.flashindex(m) and node.LFS.get(m): no LFS image, so nil */
static int
l_flashindex (lua_State *L)
{
  lua_pushnil (L);
  return 1;
}

static int
l_flashreload (lua_State *L)
{
  static const char note[] = "Warning, deprecated API! node.flashreload. It will be removed soon. "
                             "Use node.LFS interface instead. See documentation for details.\n";

  mw_sim_vm_print (mw_sim_vm_get (L), note, strlen (note));
  lua_pushliteral (L, "No LFS partition allocated");
  return 1;
}

/* node.getpartitiontable(): a 4 MB board, its LFS region (mw-sim-lfs.c), SPIFFS at 1 MB */
static int
l_getpartitiontable (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  lua_newtable (L);
  set_int (L, "lfs_addr", (lua_Integer) mw_sim_lfs_region_base (vm));
  set_int (L, "lfs_size", (lua_Integer) vm->lfs_size);
  set_int (L, "spiffs_addr", 0x100000);
  set_int (L, "spiffs_size", (lua_Integer) mw_sim_flash_total (vm->flash));
  return 1;
}

static int
l_setpartitiontable (lua_State *L)
{
  luaL_checktype (L, 1, LUA_TTABLE);
  return luaL_error (L, "moonwire-sim: the partition table cannot be changed");
}

/* node.sleep() of a build without PMSLEEP_ENABLE, as the default build is (app/modules/node.c):
 * a note through dbg_printf, straight to UART 0 with "\n" sent as "\r\n" (app/user/dbg_printf.c,
 * uart0_putc in app/driver/uart.c), then an error. */
static int
l_sleep (lua_State *L)
{
  static const char note[] = "\r\n The options \"TIMER_SUSPEND_ENABLE\" and \"PMSLEEP_ENABLE\" in "
                             "\"app/include/user_config.h\" were disabled during FW build!\r\n";

  mw_sim_vm_write (mw_sim_vm_get (L), note, sizeof note - 1);
  return luaL_error (L, "node.sleep() is unavailable");
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
                                       { "setonerror", l_setonerror },
                                       { "flashsize", l_flashsize },
                                       { "getcpufreq", l_getcpufreq },
                                       { "setcpufreq", l_setcpufreq },
                                       { "bootreason", l_bootreason },
                                       { "restore", l_restore },
                                       { "random", l_random },
                                       { "dsleep", l_dsleep },
                                       { "dsleepMax", l_dsleepmax },
                                       { "startupcommand", l_startupcommand },
                                       { "startup", l_startup },
                                       { "flashindex", l_flashindex },
                                       { "flashreload", l_flashreload },
                                       { "getpartitiontable", l_getpartitiontable },
                                       { "setpartitiontable", l_setpartitiontable },
                                       { "sleep", l_sleep },
                                       { NULL, NULL } };

int
mw_sim_open_node (lua_State *L)
{
  mw_sim_register (L, "node", node_funcs);
  lua_newtable (L);
  lua_pushcfunction (L, l_egc_setmode);
  lua_setfield (L, -2, "setmode");
  lua_pushcfunction (L, l_egc_meminfo);
  lua_setfield (L, -2, "meminfo");
  set_int (L, "NOT_ACTIVE", 0);
  set_int (L, "ON_ALLOC_FAILURE", 1);
  set_int (L, "ON_MEM_LIMIT", 2);
  set_int (L, "ALWAYS", 4);
  lua_setfield (L, -2, "egc");
  lua_newtable (L);
  lua_pushcfunction (L, l_task_post);
  lua_setfield (L, -2, "post");
  set_int (L, "LOW_PRIORITY", 0);
  set_int (L, "MEDIUM_PRIORITY", 1);
  set_int (L, "HIGH_PRIORITY", 2);
  lua_setfield (L, -2, "task");
  set_int (L, "CPU80MHZ", 80);
  set_int (L, "CPU160MHZ", 160);
  mw_sim_lfs_push (L);
  lua_setfield (L, -2, "LFS");
  lua_pop (L, 1);
  return 0;
}
