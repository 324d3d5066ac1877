/* mw-lua-api.h: the NodeMCU firmware's modules as the linter knows them, for editors: module
 * names, and for the modules whose fields the linter checks, each field's parameters and a
 * one-line summary. One table (mw-lua-lint-std.c) serves the linter and the editor. */
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
/* The fields of `module`, sorted by name (NULL and 0 when the linter has no field list) */
const MwLuaApiField *mw_lua_api_fields (const char *module, gsize *n_fields);
const MwLuaApiField *mw_lua_api_lookup (const char *module, const char *field);

G_END_DECLS
