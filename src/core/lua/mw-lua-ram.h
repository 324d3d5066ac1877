/* mw-lua-ram.h: what Lua objects cost on the ESP8266 NodeMCU build (docs/firmware.md section 3).
 *
 * One model shared by the RAM estimate (`moonwire-cli ram`), the linter's byte figures and
 * the simulator's calibration. Sizes are those of the firmware's 32-bit build with TValue
 * packed to 4 bytes; allocator overhead per block is not included, as collectgarbage("count")
 * does not include it either.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MW_LUA_TARGET_FLOAT, /* the default firmware: lua_Number is a double */
  MW_LUA_TARGET_INTEGER, /* the integer build: lua_Number is a 32-bit int */
} MwLuaNumberType;

typedef struct
{
  MwLuaNumberType number_type;
  guint tvalue; /* 12 float, 8 integer */
  guint tstring_header; /* 16, plus length + 1 */
  guint table_header; /* 32 */
  guint hash_node; /* 32 float, 20 integer */
  guint lua_closure; /* 20, plus 4 per upvalue */
  guint c_closure; /* 20 */
  guint upval; /* 24 float, 20 integer */
  guint proto; /* 72 */
  guint locvar; /* 12 */
  guint lua_state; /* 112 float, 104 integer */
  guint call_info; /* 24 */
  guint instruction; /* 4 */
  guint pointer; /* 4: the ESP8266 is 32-bit */
} MwLuaRamModel;

const MwLuaRamModel *mw_lua_ram_model_get (MwLuaNumberType number_type);

/* A string of `length` bytes (one copy: strings are interned). */
gsize mw_lua_ram_string (const MwLuaRamModel *model, gsize length);
/* A table with `array` array slots and `hash` hash nodes (rounded up to a power of 2). */
gsize mw_lua_ram_table (const MwLuaRamModel *model, gsize array, gsize hash);
/* One instance of a Lua closure with `upvalues` upvalues, each closed over its own UpVal
 * (the cost of creating it once: `{}` is 32 B, a closure with 2 upvalues 76 B). */
gsize mw_lua_ram_closure (const MwLuaRamModel *model, guint upvalues);

/* A function prototype as the firmware's loader allocates it: the Proto, its instructions,
 * constants (one TValue each), the array of nested-function pointers, the packed line info
 * bytes, LocVars and the array of upvalue-name pointers. The strings (constants, names) are
 * not included: they are interned and shared, so the caller counts each once. */
gsize mw_lua_ram_proto (const MwLuaRamModel *model, guint n_code, guint n_constants, guint n_protos,
                        gsize lineinfo_bytes, guint n_locvars, guint n_upvalue_names);

G_END_DECLS
