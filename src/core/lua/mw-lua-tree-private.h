/* mw-lua-tree-private.h: what mw-lua-tree.c and mw-lua-parser.c share. */
#pragma once

#include "mw-lua-tree.h"

G_BEGIN_DECLS

struct _MwLuaTree
{
  gatomicrefcount ref;
  char *chunkname;
  char *source;
  gsize length;
  MwLuaLexResult lex;
  MwLuaNode *root;
  MwLuaFunction *main;
  GPtrArray *functions; /* MwLuaFunction*, pre-order; owns their arrays */
  GArray *globals; /* MwLuaGlobalRef */
  MwLuaVar **token_vars; /* one slot per token */
  GPtrArray *diagnostics; /* MwLuaDiagnostic* */
  MwLuaDiagnostic *error; /* borrowed from diagnostics */
  /* interned names: open addressing, linear probing on (hash, length, bytes); the names
   * themselves live NUL-terminated in name_chunk */
  struct _MwLuaTreeName *names;
  guint names_mask; /* capacity - 1, a power of two */
  guint names_used;
  GStringChunk *name_chunk;
  GSList *arena; /* blocks holding nodes, vars and functions */
  gsize arena_left;
  guint8 *arena_next;
};

gpointer mw_lua_tree_alloc (MwLuaTree *tree, gsize size);
const char *mw_lua_tree_intern (MwLuaTree *tree, const char *name, gsize length);
MwLuaDiagnostic *mw_lua_tree_add_diagnostic (MwLuaTree *tree, MwLuaSeverity severity,
                                             const char *code, guint32 line, guint32 column,
                                             const char *message);

/* mw-lua-parser.c: parses tree->lex into the tree; FALSE after a syntax error */
gboolean mw_lua_parser_run (MwLuaTree *tree);

G_END_DECLS
