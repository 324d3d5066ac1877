/* mw-lua-ram-estimate.c: the heap cost of loading a chunk, from mw-lua-ram's object sizes. */
#include "mw-lua-ram-estimate.h"

#include <string.h>

typedef struct
{
  const MwLuaRamModel *model;
  GHashTable *interned; /* GBytes: strings already counted */
  GArray *functions;
  guint next_index;
} Estimator;

/* Strings are interned: the first function to use one pays for it. */
static gsize
intern (Estimator *e, const MwLuaString *s)
{
  GBytes *key;

  if (s->data == NULL)
    return 0;
  key = g_bytes_new (s->data, s->len);
  if (g_hash_table_contains (e->interned, key))
    {
      g_bytes_unref (key);
      return 0;
    }
  g_hash_table_add (e->interned, key);
  return mw_lua_ram_string (e->model, s->len);
}

/* Strings every Lua 5.1 VM interns when it starts, before any chunk: the reserved words
 * (llex.c), the metamethod names (ltm.c) and the memory error message (lstate.c). A chunk
 * that uses them as constants costs nothing for them. */
static const char *const preinterned[] = {
  "and",      "break",      "do",
  "else",     "elseif",     "end",
  "false",    "for",        "function",
  "if",       "in",         "local",
  "nil",      "not",        "or",
  "repeat",   "return",     "then",
  "true",     "until",      "while",
  "__index",  "__newindex", "__gc",
  "__mode",   "__eq",       "__add",
  "__sub",    "__mul",      "__div",
  "__mod",    "__pow",      "__unm",
  "__len",    "__lt",       "__le",
  "__concat", "__call",     "not enough memory",
};

static void
estimate_function (Estimator *e, const MwLuaProto *f)
{
  MwLuaRamFunction r = { 0 };

  r.index = e->next_index++;
  r.linedefined = f->linedefined;
  r.lastlinedefined = f->lastlinedefined;
  r.n_code = f->n_code;
  r.n_constants = f->n_constants;
  r.nups = f->nups;
  r.lineinfo = mw_lua_proto_packed_lineinfo_size (f);
  r.proto = mw_lua_ram_proto (e->model, f->n_code, f->n_constants, f->n_protos, 0, 0, 0);
  r.names = mw_lua_ram_proto (e->model, 0, 0, 0, 0, f->n_locvars, f->n_upvalues) - e->model->proto;
  r.strings = intern (e, &f->source);
  for (guint k = 0; k < f->n_constants; k++)
    if (f->constants[k].type == MW_LUA_CONSTANT_STRING)
      r.strings += intern (e, &f->constants[k].string);
  for (guint v = 0; v < f->n_locvars; v++)
    r.strings += intern (e, &f->locvars[v].name);
  for (guint u = 0; u < f->n_upvalues; u++)
    r.strings += intern (e, &f->upvalues[u]);
  r.total = r.proto + r.strings + r.lineinfo + r.names;
  r.closure = mw_lua_ram_closure (e->model, f->nups);
  g_array_append_val (e->functions, r);
  for (guint p = 0; p < f->n_protos; p++)
    estimate_function (e, f->protos[p]);
}

static void
estimate_fill (MwLuaRamEstimate *est, MwLuaChunk *chunk, const MwLuaRamModel *model)
{
  Estimator e = { model,
                  g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                         (GDestroyNotify) g_bytes_unref, NULL),
                  g_array_new (FALSE, TRUE, sizeof (MwLuaRamFunction)), 0 };

  const MwLuaProto *main = mw_lua_chunk_get_main (chunk);

  for (gsize i = 0; i < G_N_ELEMENTS (preinterned); i++)
    g_hash_table_add (e.interned, g_bytes_new_static (preinterned[i], strlen (preinterned[i])));
  estimate_function (&e, main);
  if (main->source.data == NULL)
    {
      /* the loader names a chunk without a source "=?" (lundump.c) */
      MwLuaString unknown = { (char *) "=?", 2 };
      MwLuaRamFunction *r = &g_array_index (e.functions, MwLuaRamFunction, 0);
      gsize cost = intern (&e, &unknown);
      r->strings += cost;
      r->total += cost;
    }
  est->target = model->number_type;
  est->functions = e.functions;
  for (guint i = 0; i < e.functions->len; i++)
    {
      const MwLuaRamFunction *r = &g_array_index (e.functions, MwLuaRamFunction, i);
      est->protos += r->proto;
      est->strings += r->strings;
      est->lineinfo += r->lineinfo;
      est->names += r->names;
    }
  /* lua_load returns the main function as a closure without upvalues */
  est->main_closure = mw_lua_ram_closure (e.model, 0);
  est->total = est->protos + est->strings + est->lineinfo + est->names + est->main_closure;
  g_hash_table_unref (e.interned);
}

/* Minified source puts a function's code on one or a few lines: its line info packs into
 * groups of 126 instructions, a count byte each and a same-line marker between groups. */
static gsize
minified_lineinfo (const MwLuaProto *f)
{
  gsize saved = 0;

  if (f->n_lineinfo > 0)
    {
      gsize groups = (f->n_lineinfo + 125) / 126;
      gsize now = mw_lua_proto_packed_lineinfo_size (f);
      gsize after = 2 * groups; /* counts, 0xc0 markers and the NUL */
      saved = now > after ? now - after : 0;
    }
  for (guint p = 0; p < f->n_protos; p++)
    saved += minified_lineinfo (f->protos[p]);
  return saved;
}

MwLuaRamEstimate *
mw_lua_ram_estimate_new (MwLuaChunk *chunk, MwLuaNumberType target)
{
  g_return_val_if_fail (target <= MW_LUA_TARGET_INTEGER, NULL);
  return mw_lua_ram_estimate_new_for_model (chunk, mw_lua_ram_model_get (target));
}

MwLuaRamEstimate *
mw_lua_ram_estimate_new_for_model (MwLuaChunk *chunk, const MwLuaRamModel *model)
{
  g_autoptr (MwLuaRamEstimate) est = NULL;
  g_autoptr (MwLuaChunk) stripped = NULL;
  MwLuaRamEstimate bare = { 0 };

  g_return_val_if_fail (chunk != NULL, NULL);
  g_return_val_if_fail (model != NULL, NULL);

  est = g_new0 (MwLuaRamEstimate, 1);
  estimate_fill (est, chunk, model);
  stripped = mw_lua_chunk_strip (chunk, 3);
  estimate_fill (&bare, stripped, model);
  /* a source name shorter than "=?" makes stripping cost a byte or two: no saving then */
  est->strip_saves = est->total > bare.total ? est->total - bare.total : 0;
  g_array_unref (bare.functions);
  est->minify_saves = minified_lineinfo (mw_lua_chunk_get_main (chunk));
  return g_steal_pointer (&est);
}

void
mw_lua_ram_estimate_free (MwLuaRamEstimate *estimate)
{
  if (estimate == NULL)
    return;
  g_clear_pointer (&estimate->functions, g_array_unref);
  g_free (estimate);
}
