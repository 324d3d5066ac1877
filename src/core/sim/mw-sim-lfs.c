/* mw-sim-lfs.c: node.LFS, the Lua Flash Store, as firmware 3.0 has it (app/modules/node.c
 * node_lfs, app/lua/lflash.c, app/lua/lnodemcu.c; docs/firmware.md section 9).
 *
 * The region holds the inflated image, kept in a file of the flash folder whose name no
 * SPIFFS file can have, so it survives restarts as flash does. At boot the image's index
 * function (every module nested in it) is loaded into the Lua state with the allocator told
 * that its blocks are in mapped flash: code, constants and their strings cost no heap, only
 * the closures made from them at run time. node.LFS.get, list and time call the index
 * function as the firmware does.
 */
#include "mw-sim-private.h"

#include <string.h>

#include "mw-lua-lfs-image.h"

/* Longer than a SPIFFS name may be (31): never listed as a file, never overwritten by one. */
#define REGION_FILE ".moonwire-sim-lua-flash-store-region"
/* Where the region lies: after the firmware, as the firmware's docs show it
 * (docs/lfs.md: lfs_addr = 0x096000); mapped at 0x40200000 + the flash address. */
#define REGION_BASE 0x096000
#define FLASH_MAPPED 0x40200000

static char *
region_path (MwSimVm *vm)
{
  return g_build_filename (mw_sim_flash_get_dir (vm->flash), REGION_FILE, NULL);
}

/* The image in the region, if any and if this firmware takes it. lflash.c luaN_init checks the
 * signature at boot and says why it maps no image, with NODE_ERR (dbg_printf: straight to the
 * UART, "\n" as CR LF, whether or not the banner is on): an empty region (an erased signature,
 * as after a reload that failed while writing) is "No LFS image loaded", an image of the other
 * number type "Flash sig not correct: ..." (docs/firmware.md section 9). A firmware without a
 * region says nothing. */
static MwLuaLfsImage *
region_image (MwSimVm *vm)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autofree char *why = NULL;
  gsize len = 0;
  MwLuaLfsImage *image = NULL;

  if (vm->lfs_size == 0)
    return NULL;
  path = region_path (vm);
  if (g_file_get_contents (path, &data, &len, NULL))
    image = mw_lua_lfs_image_new_from_bytes ((const guint8 *) data, len, NULL);
  if (image == NULL)
    why = g_strdup ("No LFS image loaded\r\n");
  else if (mw_lua_lfs_image_get_target (image) != vm->number_type)
    why = g_strdup_printf (
      "Flash sig not correct: 0x%08x vs 0x%08x\r\n", mw_lua_lfs_image_get_signature (image) & ~1u,
      vm->number_type == MW_LUA_TARGET_INTEGER ? MW_LUA_LFS_SIG_INTEGER : MW_LUA_LFS_SIG_FLOAT);
  if (why != NULL && vm->firmware == MW_SIM_FIRMWARE_3_0)
    mw_sim_vm_write (vm, why, strlen (why));
  /* a region made smaller since (another --lfs-size) cuts the image: not mapped either */
  if (image != NULL
      && (mw_lua_lfs_image_get_target (image) != vm->number_type
          || mw_lua_lfs_image_get_flash_size (image) > vm->lfs_size))
    g_clear_pointer (&image, mw_lua_lfs_image_unref);
  return image;
}

void
mw_sim_lfs_boot (MwSimVm *vm)
{
  lua_State *L = vm->L;
  g_autoptr (MwLuaLfsImage) image = region_image (vm);
  g_autoptr (MwLuaChunk) index = NULL;
  g_autoptr (GBytes) host = NULL;
  gsize len;
  const char *bytes;

  vm->lfs_index = LUA_NOREF;
  vm->lfs_used = 0;
  if (image == NULL)
    return;
  index = mw_lua_lfs_image_get_index_chunk (image);
  host = mw_lua_chunk_dump (index, mw_lua_chunk_format_host (), NULL);
  if (host == NULL)
    return;
  bytes = g_bytes_get_data (host, &len);
  /* everything loaded now lies in mapped flash on the board */
  vm->heap.in_flash = TRUE;
  if (luaL_loadbuffer (L, bytes, len, "=(luac)") == 0)
    {
      vm->lfs_index = luaL_ref (L, LUA_REGISTRYINDEX);
      vm->lfs_used = mw_lua_lfs_image_get_flash_size (image);
    }
  else
    lua_pop (L, 1);
  vm->heap.in_flash = FALSE;
}

/* lua_pushlfsindex: the index function, or nil without an image */
static gboolean
push_index (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (vm->lfs_index == LUA_NOREF)
    {
      lua_pushnil (L);
      return FALSE;
    }
  lua_rawgeti (L, LUA_REGISTRYINDEX, vm->lfs_index);
  return TRUE;
}

/* luaL_pushlfsmodule: the module named at the top, or nil; replaces the name */
static void
push_module (lua_State *L)
{
  if (!push_index (L))
    {
      lua_remove (L, -2);
      return;
    }
  lua_insert (L, -2);
  lua_call (L, 1, 1);
  if (!lua_isfunction (L, -1))
    {
      lua_pop (L, 1);
      lua_pushnil (L);
    }
}

/* node.LFS.get(name) */
static int
lfs_get (lua_State *L)
{
  lua_settop (L, 1);
  push_module (L);
  return 1;
}

/* node.LFS.list(): the module names, sorted */
static int
lfs_list (lua_State *L)
{
  lua_settop (L, 1);
  if (!push_index (L))
    return 1;
  lua_call (L, 0, 2);
  lua_remove (L, -2);
  lua_getglobal (L, "table");
  if (lua_istable (L, -1))
    {
      lua_getfield (L, -1, "sort");
      lua_remove (L, -2);
      lua_pushvalue (L, -2);
      lua_call (L, 1, 0);
    }
  else
    lua_pop (L, 1);
  return 1;
}

void
mw_sim_lfs_set_config (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  /* lua_getlfsconfig: mapped address, flash address, region size, bytes used */
  lua_pushinteger (L, vm->lfs_size ? FLASH_MAPPED + REGION_BASE : 0);
  lua_setfield (L, -2, "lfs_mapped");
  lua_pushinteger (L, vm->lfs_size ? REGION_BASE : 0);
  lua_setfield (L, -2, "lfs_base");
  lua_pushinteger (L, (lua_Integer) vm->lfs_size);
  lua_setfield (L, -2, "lfs_size");
  lua_pushinteger (L, (lua_Integer) vm->lfs_used);
  lua_setfield (L, -2, "lfs_used");
}

gsize
mw_sim_lfs_region_base (MwSimVm *vm)
{
  return vm->lfs_size ? REGION_BASE : 0;
}

/* The checks of lflash.c's first pass, then the region written: NULL, or the message
 * node.LFS.reload() returns. */
static const char *
reload_region (MwSimVm *vm, const char *name, char **message)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autofree char *region = NULL;
  g_autoptr (MwLuaLfsImage) image = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize len = 0;

  if (vm->lfs_size == 0)
    return "No LFS partition allocated";
  if (name == NULL || !mw_sim_flash_valid_name (name))
    return "LFS image file not found";
  path = mw_sim_flash_path (vm->flash, name);
  if (!g_file_get_contents (path, &data, &len, NULL))
    return "LFS image file not found";
  *message = mw_lua_lfs_image_check_reload ((const guint8 *) data, len, vm->number_type,
                                            vm->lfs_size, &image);
  if (*message != NULL)
    return *message;
  bytes = mw_lua_lfs_image_get_bytes (image);
  region = region_path (vm);
  if (!g_file_set_contents (region, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    return "Unknown Error";
  return NULL;
}

/* node.LFS.reload(file): on success the board spins until the watchdog resets it; errors are
 * returned as strings. */
static int
lfs_reload (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  static const char done[] = "LFS region updated.  Restarting.";
  char *message = NULL;
  const char *error = reload_region (vm, lua_tostring (L, 1), &message);

  if (error != NULL)
    {
      lua_pushstring (L, error);
      g_free (message);
      return 1;
    }
  /* NODE_ERR (dbg_printf): straight to the UART, no newline; nothing of ours is live here,
   * as the watchdog's error does not return */
  mw_sim_vm_write (vm, done, sizeof done - 1);
  /* the hang raises (a longjmp): reload_region() has freed all it held, and so must we */
  g_clear_pointer (&message, g_free);
  mw_sim_vm_hang (vm, L);
  return 0;
}

/* node.LFS.name: "config", "time", or a module (app/modules/node.c node_lfs_func) */
static int
lfs_index (lua_State *L)
{
  const char *name = lua_tostring (L, 2);

  lua_settop (L, 2);
  lua_remove (L, 1);
  if (name == NULL)
    lua_pushnil (L);
  else if (g_str_equal (name, "config"))
    {
      lua_newtable (L);
      mw_sim_lfs_set_config (L);
    }
  else if (g_str_equal (name, "time"))
    {
      if (push_index (L))
        lua_call (L, 0, 1);
    }
  else
    push_module (L);
  return 1;
}

void
mw_sim_lfs_push (lua_State *L)
{
  lua_newtable (L);
  lua_pushcfunction (L, lfs_list);
  lua_setfield (L, -2, "list");
  lua_pushcfunction (L, lfs_get);
  lua_setfield (L, -2, "get");
  lua_pushcfunction (L, lfs_reload);
  lua_setfield (L, -2, "reload");
  lua_newtable (L);
  lua_pushcfunction (L, lfs_index);
  lua_setfield (L, -2, "__index");
  lua_setmetatable (L, -2);
}
