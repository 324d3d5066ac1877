/* mw-lua-tree.c: lifetime and accessors of a parsed chunk (MwLuaTree). */
#include "mw-lua-tree-private.h"

#include <string.h>

#define ARENA_BLOCK (64 * 1024)

/* ORDER MW_LUA_NODE */
static const char *const node_kind_names[MW_LUA_NODE_N_KINDS] = {
  "block",    "local",     "assign",    "callstat",    "do",          "while",     "repeat",
  "if",       "if-clause", "numfor",    "genfor",      "funcstat",    "localfunc", "return",
  "break",    "nil",       "true",      "false",       "vararg",      "number",    "string",
  "function", "table",     "field-pos", "field-named", "field-keyed", "binop",     "unop",
  "paren",    "name",      "index",     "call",        "methcall",
};

const char *
mw_lua_node_kind_to_string (MwLuaNodeKind kind)
{
  g_return_val_if_fail (kind < MW_LUA_NODE_N_KINDS, "?");
  return node_kind_names[kind];
}

gpointer
mw_lua_tree_alloc (MwLuaTree *tree, gsize size)
{
  gpointer mem;

  size = (size + 7) & ~(gsize) 7;
  if (size > tree->arena_left)
    {
      gsize block = MAX (size, ARENA_BLOCK);
      tree->arena_next = g_malloc (block);
      tree->arena = g_slist_prepend (tree->arena, tree->arena_next);
      tree->arena_left = block;
    }
  mem = tree->arena_next;
  tree->arena_next += size;
  tree->arena_left -= size;
  /* zeroed here, not by block: most trees fill a small part of their first block, and
   * clearing 64 KiB per file cost more than parsing it */
  return memset (mem, 0, size);
}

struct _MwLuaTreeName
{
  const char *name; /* NULL: an empty slot */
  guint32 hash;
  guint32 length;
};

static void
names_grow (MwLuaTree *tree)
{
  guint old_size = tree->names_mask + 1;
  struct _MwLuaTreeName *old = tree->names;
  guint size = old_size * 2;

  tree->names = g_new0 (struct _MwLuaTreeName, size);
  tree->names_mask = size - 1;
  for (guint i = 0; i < old_size; i++)
    if (old[i].name != NULL)
      {
        guint j = old[i].hash & tree->names_mask;
        while (tree->names[j].name != NULL)
          j = (j + 1) & tree->names_mask;
        tree->names[j] = old[i];
      }
  g_free (old);
}

/* One copy of each name per tree, so that names compare by pointer. Looked up straight from
 * the source bytes (no NUL-terminated copy, no strlen): this runs for every NAME token the
 * parser resolves. */
const char *
mw_lua_tree_intern (MwLuaTree *tree, const char *name, gsize length)
{
  guint32 hash = mw_lua_bytes_hash (name, length);
  guint i = hash & tree->names_mask;
  struct _MwLuaTreeName *slot;

  for (;; i = (i + 1) & tree->names_mask)
    {
      slot = &tree->names[i];
      if (slot->name == NULL)
        break;
      if (slot->hash == hash && slot->length == length && memcmp (slot->name, name, length) == 0)
        return slot->name;
    }
  slot->name = g_string_chunk_insert_len (tree->name_chunk, name, length);
  slot->hash = hash;
  slot->length = length;
  /* at most half full, so probes stay short */
  if (++tree->names_used * 2 > tree->names_mask + 1)
    {
      const char *found = slot->name;
      names_grow (tree);
      return found;
    }
  return slot->name;
}

MwLuaDiagnostic *
mw_lua_tree_add_diagnostic (MwLuaTree *tree, MwLuaSeverity severity, const char *code, guint32 line,
                            guint32 column, const char *message)
{
  MwLuaDiagnostic *diag = mw_lua_diagnostic_new (severity, code, line, column, message);
  g_ptr_array_add (tree->diagnostics, diag);
  return diag;
}

static void
function_free (gpointer data)
{
  MwLuaFunction *f = data;
  g_clear_pointer (&f->vars, g_ptr_array_unref);
  g_clear_pointer (&f->upvalues, g_ptr_array_unref);
  g_clear_pointer (&f->children, g_ptr_array_unref);
}

MwLuaTree *
mw_lua_tree_parse (const char *chunkname, const char *source, gssize length, MwLuaParseFlags flags)
{
  MwLuaTree *tree;

  g_return_val_if_fail (source != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (source);

  tree = g_new0 (MwLuaTree, 1);
  g_atomic_ref_count_init (&tree->ref);
  tree->chunkname = g_strdup (chunkname ? chunkname : "?");
  tree->source = g_malloc (length + 1);
  memcpy (tree->source, source, length);
  tree->source[length] = '\0';
  tree->length = length;
  tree->functions = g_ptr_array_new_with_free_func (function_free);
  tree->globals = g_array_new (FALSE, FALSE, sizeof (MwLuaGlobalRef));
  tree->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_diagnostic_free);
  tree->names_mask = 255;
  tree->names = g_new0 (struct _MwLuaTreeName, tree->names_mask + 1);
  tree->name_chunk = g_string_chunk_new (4096);

  mw_lua_lex (tree->source, length,
              (flags & MW_LUA_PARSE_SKIP_SHEBANG) ? MW_LUA_LEX_SKIP_SHEBANG : MW_LUA_LEX_NONE,
              &tree->lex);
  tree->token_vars = g_new0 (MwLuaVar *, tree->lex.tokens->len);
  mw_lua_parser_run (tree);
  return tree;
}

MwLuaTree *
mw_lua_tree_ref (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  g_atomic_ref_count_inc (&tree->ref);
  return tree;
}

void
mw_lua_tree_unref (MwLuaTree *tree)
{
  g_return_if_fail (tree != NULL);

  if (!g_atomic_ref_count_dec (&tree->ref))
    return;
  g_free (tree->chunkname);
  g_free (tree->source);
  mw_lua_lex_result_clear (&tree->lex);
  g_ptr_array_unref (tree->functions);
  g_array_unref (tree->globals);
  g_free (tree->token_vars);
  g_ptr_array_unref (tree->diagnostics);
  g_free (tree->names);
  g_string_chunk_free (tree->name_chunk);
  g_slist_free_full (tree->arena, g_free);
  g_free (tree);
}

gboolean
mw_lua_tree_is_valid (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, FALSE);
  return tree->error == NULL;
}

const char *
mw_lua_tree_get_chunkname (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  return tree->chunkname;
}

const char *
mw_lua_tree_get_source (MwLuaTree *tree, gsize *length)
{
  g_return_val_if_fail (tree != NULL, NULL);
  if (length)
    *length = tree->length;
  return tree->source;
}

const MwLuaToken *
mw_lua_tree_get_tokens (MwLuaTree *tree, guint *n_tokens)
{
  g_return_val_if_fail (tree != NULL, NULL);
  if (n_tokens)
    *n_tokens = tree->lex.tokens->len;
  return (const MwLuaToken *) (gpointer) tree->lex.tokens->data;
}

const MwLuaComment *
mw_lua_tree_get_comments (MwLuaTree *tree, guint *n_comments)
{
  g_return_val_if_fail (tree != NULL, NULL);
  if (n_comments)
    *n_comments = tree->lex.comments->len;
  return (const MwLuaComment *) (gpointer) tree->lex.comments->data;
}

guint32
mw_lua_tree_get_shebang_length (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, 0);
  return tree->lex.shebang;
}

MwLuaNode *
mw_lua_tree_get_root (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  return tree->root;
}

MwLuaFunction *
mw_lua_tree_get_main (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  return tree->main;
}

GPtrArray *
mw_lua_tree_get_functions (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  return tree->functions;
}

GArray *
mw_lua_tree_get_globals (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  return tree->globals;
}

MwLuaVar *
mw_lua_tree_get_token_var (MwLuaTree *tree, guint token)
{
  g_return_val_if_fail (tree != NULL, NULL);
  g_return_val_if_fail (token < tree->lex.tokens->len, NULL);
  return tree->token_vars[token];
}

GPtrArray *
mw_lua_tree_get_diagnostics (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  return tree->diagnostics;
}

const MwLuaDiagnostic *
mw_lua_tree_get_error (MwLuaTree *tree)
{
  g_return_val_if_fail (tree != NULL, NULL);
  return tree->error;
}

const char *
mw_lua_tree_token_text (MwLuaTree *tree, guint token, gsize *length)
{
  const MwLuaToken *tok;

  g_return_val_if_fail (tree != NULL, NULL);
  g_return_val_if_fail (token < tree->lex.tokens->len, NULL);

  tok = &g_array_index (tree->lex.tokens, MwLuaToken, token);
  if (length)
    *length = tok->length;
  return tree->source + tok->offset;
}
