/* mw-lua-ram-estimate.h: the heap that loading a chunk costs on the ESP8266 (docs/ram-model.md).
 *
 * Built on the object sizes of mw-lua-ram.h: per function the Proto and its arrays, the
 * strings it is first to intern, its line info and debug names; per chunk the total with the
 * main closure, and what `compile -s` and minifying would save.
 */
#pragma once

#include <glib.h>

#include "mw-lua-chunk.h"
#include "mw-lua-ram.h"

G_BEGIN_DECLS

typedef struct
{
  guint index; /* pre-order; 0 is the main function */
  gint32 linedefined;
  gint32 lastlinedefined;
  guint n_code;
  guint n_constants;
  guint nups;
  gsize proto; /* Proto, code, constants, nested-function pointers */
  gsize strings; /* strings this function is the first to intern */
  gsize lineinfo; /* packed line info */
  gsize names; /* LocVars and upvalue-name pointers (their strings: in strings) */
  gsize total; /* the sum of the above */
  gsize closure; /* one closure of this function, each upvalue closed (per call of
                  * the enclosing function; not part of total) */
} MwLuaRamFunction;

typedef struct
{
  MwLuaNumberType target;
  GArray *functions; /* MwLuaRamFunction, pre-order */
  gsize protos; /* sum of proto */
  gsize strings;
  gsize lineinfo;
  gsize names;
  gsize main_closure; /* the closure lua_load returns */
  gsize total; /* all of the above: the heap growth when the chunk is loaded */
  gsize strip_saves; /* what dropping all debug info (-s) would save */
  gsize minify_saves; /* what minifying would save (line info collapsed) */
} MwLuaRamEstimate;

/* Estimates loading `chunk` as it is (its strip level and line info) on a `target` build. */
MwLuaRamEstimate *mw_lua_ram_estimate_new (MwLuaChunk *chunk, MwLuaNumberType target);
/* The same with any object sizes (a test measures the host's own liblua5.1 with its sizes). */
MwLuaRamEstimate *mw_lua_ram_estimate_new_for_model (MwLuaChunk *chunk, const MwLuaRamModel *model);
void mw_lua_ram_estimate_free (MwLuaRamEstimate *estimate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwLuaRamEstimate, mw_lua_ram_estimate_free)

G_END_DECLS
