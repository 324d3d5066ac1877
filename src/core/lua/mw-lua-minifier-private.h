/* mw-lua-minifier-private.h: what the minifier's passes share (mw-lua-minifier.c runs them:
 * mw-lua-minify-rename.c renames locals, mw-lua-minify-emit.c respells literals, drops what
 * compiles to nothing and prints). */
#pragma once

#include "mw-lua-minifier.h"
#include "mw-lua-tree.h"

G_BEGIN_DECLS

typedef struct
{
  MwLuaVar *var;
  gboolean skip; /* hidden loop state: no name in the source */
  gboolean fixed; /* self and the vararg arg: implicit, cannot be renamed */
  guint n_fixed; /* fixed neighbours */
  guint weight; /* occurrences in the output: declaration and uses */
  gint colour; /* candidate index, -1 while uncoloured or fixed */
  guint stack_pos;
  guint mark; /* the last local an edge was added from, + 1 */
  guint adj_start; /* its neighbours: adj[adj_start .. adj_start + n_adj) */
  guint n_adj;
  char name[8]; /* the new name, or "" to keep it */
} MwLuaMinifyLocal;

typedef struct
{
  MwLuaTree *tree;
  const char *src;
  gsize n_src;
  const MwLuaToken *toks;
  guint n_toks;
  const MwLuaMinifyOptions *opt;
  GArray *locals; /* MwLuaMinifyLocal, every variable of every function in order */
  guint32 *tok_local; /* per token: index + 1 into locals, 0 for none */
  GHashTable *globals; /* name -> GArray of guint32 use tokens, ascending */
  GArray **short_globals; /* per candidate below N_SHORT: that global's uses, or NULL */
  guint *edges; /* pairs (outer, inner) of locals that must not share a name */
  guint n_edges;
  guint edges_size;
  guint *adj; /* both ends of every edge, grouped per local */
  guint8 *drop; /* per token: TRUE when it is left out */
  GString *long_scratch;
  guint n_renamed;
  guint n_literals;
} MwLuaMinifier;

void mw_lua_minifier_clear (MwLuaMinifier *m);
/* pass 1: new names for the locals (mw-lua-minify-rename.c) */
void mw_lua_minify_rename_locals (MwLuaMinifier *m);
/* pass 2 and 3: tokens that compile to nothing, then the output (mw-lua-minify-emit.c) */
void mw_lua_minify_find_droppable (MwLuaMinifier *m);
void mw_lua_minify_print_chunk (MwLuaMinifier *m, GString *out);

G_END_DECLS
