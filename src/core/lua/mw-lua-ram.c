/* mw-lua-ram.c: object sizes of the ESP8266 NodeMCU Lua 5.1 build (docs/firmware.md section 3). */
#include "mw-lua-ram.h"

static const MwLuaRamModel models[] = {
  [MW_LUA_TARGET_FLOAT] = {
    .number_type = MW_LUA_TARGET_FLOAT,
    .tvalue = 12, .tstring_header = 16, .table_header = 32, .hash_node = 32,
    .lua_closure = 20, .c_closure = 20, .upval = 24, .proto = 72, .locvar = 12,
    .lua_state = 112, .call_info = 24, .instruction = 4, .pointer = 4,
  },
  [MW_LUA_TARGET_INTEGER] = {
    .number_type = MW_LUA_TARGET_INTEGER,
    .tvalue = 8, .tstring_header = 16, .table_header = 32, .hash_node = 20,
    .lua_closure = 20, .c_closure = 20, .upval = 20, .proto = 72, .locvar = 12,
    .lua_state = 104, .call_info = 24, .instruction = 4, .pointer = 4,
  },
};

const MwLuaRamModel *
mw_lua_ram_model_get (MwLuaNumberType number_type)
{
  g_return_val_if_fail (number_type <= MW_LUA_TARGET_INTEGER, &models[0]);
  return &models[number_type];
}

gsize
mw_lua_ram_string (const MwLuaRamModel *model, gsize length)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->tstring_header + length + 1;
}

static gsize
ceil_pow2 (gsize n)
{
  gsize p = 1;
  while (p < n)
    p <<= 1;
  return p;
}

gsize
mw_lua_ram_table (const MwLuaRamModel *model, gsize array, gsize hash)
{
  g_return_val_if_fail (model != NULL, 0);
  /* an empty hash part uses the shared dummy node: no allocation */
  return model->table_header + array * model->tvalue
         + (hash ? ceil_pow2 (hash) * model->hash_node : 0);
}

gsize
mw_lua_ram_closure (const MwLuaRamModel *model, guint upvalues)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->lua_closure + upvalues * (4 + model->upval);
}

gsize
mw_lua_ram_proto (const MwLuaRamModel *model, guint n_code, guint n_constants, guint n_protos,
                  gsize lineinfo_bytes, guint n_locvars, guint n_upvalue_names)
{
  gsize pointer = model->pointer;

  g_return_val_if_fail (model != NULL, 0);
  return model->proto + (gsize) n_code * model->instruction + (gsize) n_constants * model->tvalue
         + (gsize) n_protos * pointer + lineinfo_bytes + (gsize) n_locvars * model->locvar
         + (gsize) n_upvalue_names * pointer;
}
