/* mw-lua-api.h: the NodeMCU firmware's modules as the linter knows them, for editors: module
 * names, and for the modules whose fields the linter checks and their sub-tables ("wifi.sta",
 * "node.egc"), each field's parameters and a one-line summary; likewise the methods of the
 * objects some functions return (a timer from tmr.create). One table (mw-lua-lint-std.c,
 * sourced as docs/firmware.md section 12 says) serves the linter and the editor. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name; /* "create" */
  const char *params; /* "(interval_ms, mode, func)"; NULL: a constant or a table */
  const char *doc; /* one line */
} MwLuaApiField;

/* The firmware's C modules (NodeMCU 3.0), sorted, NULL-terminated */
const char *const *mw_lua_api_modules (void);
/* The tables with a field list: modules and sub-tables by their dotted path ("wifi",
 * "wifi.sta"), sorted by strcmp(), NULL-terminated */
const char *const *mw_lua_api_tables (void);
/* The fields of `module` (a module or a dotted sub-table path), sorted by strcmp() (NULL and
 * 0 when the linter has no field list) */
const MwLuaApiField *mw_lua_api_fields (const char *module, gsize *n_fields);
const MwLuaApiField *mw_lua_api_lookup (const char *module, const char *field);

/* The functions that return an object with methods ("tmr.create", "file.open"), sorted by
 * strcmp(), NULL-terminated */
const char *const *mw_lua_api_constructors (void);
/* The methods of the object `constructor` returns, sorted by strcmp() (NULL and 0 for any
 * other function) */
const MwLuaApiField *mw_lua_api_methods (const char *constructor, gsize *n_methods);
const MwLuaApiField *mw_lua_api_method_lookup (const char *constructor, const char *method);

G_END_DECLS
