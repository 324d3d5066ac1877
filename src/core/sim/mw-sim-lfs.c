/* mw-sim-lfs.c: node.LFS, the Lua Flash Store, as a board without an LFS partition shows it
 * (app/modules/node.c node_lfs, app/lua/lflash.c): get() and the fields read nil, list()
 * nil, reload() says there is no partition. Kept apart so the store can be filled later. */
#include "mw-sim-private.h"

static int
lfs_get (lua_State *L)
{
  lua_pushnil (L);
  return 1;
}

static int
lfs_list (lua_State *L)
{
  lua_pushnil (L);
  return 1;
}

static int
lfs_reload (lua_State *L)
{
  lua_pushliteral (L, "No LFS partition allocated");
  return 1;
}

/* node.LFS.name: a module of the store, "config" or "time" (app/modules/node.c
 * node_lfs_func) */
static int
lfs_index (lua_State *L)
{
  const char *name = lua_tostring (L, 2);

  if (name && g_str_equal (name, "config"))
    {
      lua_newtable (L);
      lua_pushinteger (L, 0);
      lua_setfield (L, -2, "lfs_mapped");
      lua_pushinteger (L, 0);
      lua_setfield (L, -2, "lfs_base");
      lua_pushinteger (L, 0);
      lua_setfield (L, -2, "lfs_size");
      lua_pushinteger (L, 0);
      lua_setfield (L, -2, "lfs_used");
      return 1;
    }
  lua_pushnil (L);
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
