/* mw-lua-lint-globals.c: globals hold RAM until they are set to nil (docs/firmware.md section 5).
 *
 * W111 a global set and never set back to nil in any analysed file, with the bytes it holds,
 * or set inside a function (both are luacheck's "setting non-standard global"); W112 a field
 * of a global that is never set, set (luacheck's "mutating"); W113 a global read, never set
 * and not standard;
 * W114 a required module that stays in package.loaded; W143 an unknown firmware field.
 */
#include "mw-lua-lint-private.h"

#include <string.h>

/* the value assigned to the i-th target of a list: NULL when unknown, a NIL node when nil */
typedef struct
{
  MwLuaNode *value;
  gboolean is_nil;
} Assigned;

static Assigned
assigned_value (MwLuaNode *values, guint index)
{
  Assigned a = { NULL, FALSE };
  MwLuaNode *last = NULL;
  guint i = 0;

  for (MwLuaNode *v = values; v != NULL; v = v->next, i++)
    {
      if (i == index)
        {
          a.value = v;
          a.is_nil = v->kind == MW_LUA_NODE_NIL;
          return a;
        }
      last = v;
    }
  /* past the end: nil, unless the last value is a call or `...` that may give more */
  a.is_nil = last == NULL
             || (last->kind != MW_LUA_NODE_CALL && last->kind != MW_LUA_NODE_METHCALL
                 && last->kind != MW_LUA_NODE_VARARG);
  return a;
}

/* `package.loaded` */
static gboolean
is_package_loaded (MwLuaLintFile *file, MwLuaNode *node)
{
  return mw_lua_lint_is_global_field (file, node, "package", "loaded");
}

/* the global name an assignment target sets: `x` or `_G.x` / `_G["x"]`; NULL otherwise */
static const char *
target_global (MwLuaLintFile *file, MwLuaNode *target, char **owned)
{
  *owned = NULL;
  if (target->kind == MW_LUA_NODE_NAME && target->u.var == NULL)
    return (*owned = mw_lua_lint_token_string (file, target->token));
  if (target->kind == MW_LUA_NODE_INDEX && mw_lua_lint_is_global (file, target->kids[0], "_G"))
    {
      if (target->flags & MW_LUA_NODE_FLAG_DOT)
        return (*owned = mw_lua_lint_token_string (file, target->token));
      return (*owned = mw_lua_lint_string_value (file, target->kids[1]));
    }
  return NULL;
}

/* the key of `package.loaded[key]` / `package.loaded.key`, or NULL (also for a non-constant
 * key, *any is set then) */
static char *
loaded_key (MwLuaLintFile *file, MwLuaNode *target, gboolean *any)
{
  *any = FALSE;
  if (target->kind != MW_LUA_NODE_INDEX || !is_package_loaded (file, target->kids[0]))
    return NULL;
  *any = TRUE;
  if (target->flags & MW_LUA_NODE_FLAG_DOT)
    return mw_lua_lint_token_string (file, target->token);
  return mw_lua_lint_string_value (file, target->kids[1]);
}

typedef struct
{
  MwLuaLintFile *file;
  char *basename;
} Gather;

static gboolean
gather_enter (MwLuaNode *node, gpointer data)
{
  Gather *g = data;
  MwLuaLintFile *file = g->file;
  MwLuaLintRun *run = file->run;
  guint i = 0;

  if (node->kind != MW_LUA_NODE_ASSIGN)
    return TRUE;
  for (MwLuaNode *t = node->kids[0]; t != NULL; t = t->next, i++)
    {
      Assigned a = assigned_value (node->kids[1], i);
      g_autofree char *owned = NULL;
      g_autofree char *key = NULL;
      const char *name;
      gboolean any;

      if (!a.is_nil)
        continue;
      name = target_global (file, t, &owned);
      if (name != NULL)
        g_hash_table_add (run->cleared_globals, g_strdup (name));
      key = loaded_key (file, t, &any);
      if (key != NULL)
        g_hash_table_add (run->cleared_modules, g_steal_pointer (&key));
      if (any && g->basename != NULL)
        g_hash_table_add (run->volatile_files, g_strdup (g->basename));
    }
  return TRUE;
}

static char *
module_basename (MwLuaTree *tree)
{
  g_autofree char *base = g_path_get_basename (mw_lua_tree_get_chunkname (tree));

  if (g_str_has_suffix (base, ".lua"))
    base[strlen (base) - 4] = '\0';
  return g_steal_pointer (&base);
}

void
mw_lua_lint_gather (MwLuaLintRun *run, MwLuaTree *tree)
{
  MwLuaLintFile file = { 0 };
  GArray *refs = mw_lua_tree_get_globals (tree);
  Gather g = { &file, NULL };

  file.run = run;
  file.tree = tree;
  file.toks = mw_lua_tree_get_tokens (tree, &file.n_toks);
  for (guint i = 0; i < refs->len; i++)
    {
      const MwLuaGlobalRef *ref = &g_array_index (refs, MwLuaGlobalRef, i);
      if (ref->write)
        g_hash_table_add (run->set_globals, g_strdup (ref->name));
      if (ref->write && ref->func->parent == NULL)
        g_hash_table_add (run->top_globals, g_strdup (ref->name));
    }
  g.basename = module_basename (tree);
  g_hash_table_insert (run->module_trees, g_strdup (g.basename), tree);
  mw_lua_lint_walk (mw_lua_tree_get_root (tree), gather_enter, NULL, &g);
  g_free (g.basename);
}

/* bytes a value costs while something refers to it; -1 when unknown */
static gint64
value_bytes (MwLuaLintFile *file, MwLuaNode *value)
{
  const MwLuaRamModel *ram = file->run->ram;

  if (value == NULL)
    return -1;
  switch (value->kind)
    {
      case MW_LUA_NODE_NIL:
      case MW_LUA_NODE_TRUE:
      case MW_LUA_NODE_FALSE:
      case MW_LUA_NODE_NUMBER:
        return 0; /* kept in the slot itself */
      case MW_LUA_NODE_STRING:
        {
          g_autofree char *s = mw_lua_lint_string_value (file, value);
          return mw_lua_ram_string (ram, strlen (s));
        }
      case MW_LUA_NODE_FUNCTION:
        {
          /* the closure keeps its prototype (code, constants, nested functions) alive */
          gint64 proto = mw_lua_lint_function_bytes (file->run, file->tree, value->u.func);
          return mw_lua_ram_closure (ram, value->u.func->upvalues->len)
                 + (proto >= 0 ? proto : (gint64) ram->proto);
        }
      case MW_LUA_NODE_TABLE:
        {
          gsize array = 0, hash = 0;
          gint64 inner = 0;

          for (MwLuaNode *f = value->kids[0]; f != NULL; f = f->next)
            {
              MwLuaNode *v = f->kind == MW_LUA_NODE_FIELD_KEYED ? f->kids[1] : f->kids[0];
              gint64 b = value_bytes (file, v);

              if (f->kind == MW_LUA_NODE_FIELD_POS)
                array++;
              else
                hash++;
              if (f->kind == MW_LUA_NODE_FIELD_NAMED)
                {
                  gsize len;
                  mw_lua_tree_token_text (file->tree, f->token, &len);
                  b = b < 0 ? b : b + (gint64) mw_lua_ram_string (ram, len);
                }
              if (b < 0)
                return -1;
              inner += b;
            }
          return mw_lua_ram_table (ram, array, hash) + inner;
        }
      default:
        return -1;
    }
}

static gboolean
declared (MwLuaLintFile *file, const char *name, guint token, gboolean reading)
{
  return mw_lua_lint_file_declares (file, name, token, reading);
}

static void
report_kept (MwLuaLintFile *file, const char *name, guint token, MwLuaNode *value)
{
  const MwLuaRamModel *ram = file->run->ram;
  g_autofree char *key = g_strconcat ("W111 ", name, NULL);
  gint64 slot = ram->hash_node + mw_lua_ram_string (ram, strlen (name));
  gint64 held = value_bytes (file, value);

  const char *missing_local = "";

  if (g_hash_table_contains (file->run->cleared_globals, name)
      || mw_lua_lint_std_has (mw_lua_lint_file_std (file, token), name)
      || g_hash_table_contains (file->reported, key))
    return;
  g_hash_table_add (file->reported, g_steal_pointer (&key));
  /* one finding per token: a set inside a function says both */
  if (g_hash_table_remove (file->in_function, GUINT_TO_POINTER (token + 1)))
    missing_local = " (set inside a function: a missing 'local'?)";
  if (held >= 0)
    mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_KEPT, token, name, slot + held,
                        "global '%s' is set and never set back to nil: it holds %" G_GINT64_FORMAT
                        " bytes until restart%s",
                        name, slot + held, missing_local);
  else
    mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_KEPT, token, name, slot,
                        "global '%s' is set and never set back to nil: it holds its value and "
                        "at least %" G_GINT64_FORMAT " bytes until restart%s",
                        name, slot, missing_local);
}

static gboolean
globals_enter (MwLuaNode *node, gpointer data)
{
  MwLuaLintFile *file = data;

  if (node->kind == MW_LUA_NODE_ASSIGN)
    {
      guint i = 0;
      for (MwLuaNode *t = node->kids[0]; t != NULL; t = t->next, i++)
        {
          Assigned a = assigned_value (node->kids[1], i);
          g_autofree char *owned = NULL;
          const char *name = target_global (file, t, &owned);

          if (name != NULL && !a.is_nil)
            report_kept (file, name, t->token, a.value);
        }
    }
  else if (node->kind == MW_LUA_NODE_FUNCSTAT && node->kids[0]->kind == MW_LUA_NODE_NAME
           && node->kids[0]->u.var == NULL)
    {
      g_autofree char *name = mw_lua_lint_token_string (file, node->kids[0]->token);
      report_kept (file, name, node->kids[0]->token, node->kids[1]);
    }
  else if (node->kind == MW_LUA_NODE_CALL && mw_lua_lint_is_global (file, node->kids[0], "require"))
    {
      g_autofree char *module = mw_lua_lint_string_value (file, node->kids[1]);
      g_autofree char *base = module ? g_strdup (module) : NULL;
      char *dot;

      if (module == NULL)
        return TRUE;
      /* `require "a.b"` loads a/b.lua or a.b.lua: match the file's base name */
      dot = strrchr (base, '.');
      const char *leaf = dot ? dot + 1 : base;
      MwLuaTree *mtree;
      gint64 bytes = -1;

      if (g_hash_table_contains (file->run->cleared_modules, module)
          || g_hash_table_contains (file->run->volatile_files, leaf)
          || g_hash_table_contains (file->run->volatile_files, base))
        return TRUE;
      /* the module's file is linted too: what its functions keep (its main function is
       * garbage once it has run) */
      mtree = g_hash_table_lookup (file->run->module_trees, base);
      if (mtree == NULL)
        mtree = g_hash_table_lookup (file->run->module_trees, leaf);
      if (mtree != NULL)
        {
          MwLuaFunction *main_func = mw_lua_tree_get_main (mtree);
          gint64 all = mw_lua_lint_function_bytes (file->run, mtree, main_func);
          gint64 own = 0;

          for (guint c = 0; all >= 0 && c < main_func->children->len; c++)
            own += mw_lua_lint_function_bytes (file->run, mtree, main_func->children->pdata[c]);
          bytes = all >= 0 && own > 0 ? own : -1;
        }
      if (bytes >= 0)
        mw_lua_lint_report (file, MW_LUA_LINT_MODULE_KEPT, node->kids[1]->token, module, bytes,
                            "module '%s' stays in package.loaded (and in its global) until "
                            "restart, with about %" G_GINT64_FORMAT " bytes of functions: "
                            "clear package.loaded[\"%s\"] when done, or make it volatile",
                            module, bytes, module);
      else
        mw_lua_lint_report (file, MW_LUA_LINT_MODULE_KEPT, node->kids[1]->token, module, -1,
                            "module '%s' stays in package.loaded (and in its global) until "
                            "restart: clear package.loaded[\"%s\"] when done, or make it "
                            "volatile",
                            module, module);
    }
  else if (node->kind == MW_LUA_NODE_INDEX && (node->flags & MW_LUA_NODE_FLAG_DOT)
           && node->kids[0]->kind == MW_LUA_NODE_NAME && node->kids[0]->u.var == NULL)
    {
      static const char *const removed_tmr[] = { "alarm",      "register", "start", "stop",
                                                 "unregister", "interval", "state", NULL };
      g_autofree char *module = mw_lua_lint_token_string (file, node->kids[0]->token);
      g_autofree char *field = mw_lua_lint_token_string (file, node->token);

      guint std = mw_lua_lint_file_std (file, node->token);

      if (!mw_lua_lint_std_is_module (std, module)
          || g_hash_table_contains (file->run->set_globals, module)
          || mw_lua_lint_std_has_field (std, module, field))
        return TRUE;
      /* the removed static timer API has its own rule (W805) */
      if (strcmp (module, "tmr") == 0 && g_strv_contains (removed_tmr, field))
        return TRUE;
      {
        g_autofree char *full = g_strconcat (module, ".", field, NULL);
        mw_lua_lint_report (file, MW_LUA_LINT_FIELD_UNDEFINED, node->token, full, -1,
                            "'%s' is not a field of the firmware module '%s'", field, module);
      }
    }
  return TRUE;
}

/* the global at the root of an assignment target `g.x`, `g[k].y` (luacheck's mutation) */
static void
add_mutated (GHashTable *mutated, MwLuaNode *target)
{
  MwLuaNode *n = target;

  if (n->kind != MW_LUA_NODE_INDEX)
    return;
  while (n->kind == MW_LUA_NODE_INDEX)
    n = n->kids[0];
  if (n->kind == MW_LUA_NODE_NAME && n->u.var == NULL)
    g_hash_table_add (mutated, GUINT_TO_POINTER (n->token + 1));
}

static gboolean
mutated_enter (MwLuaNode *node, gpointer data)
{
  if (node->kind == MW_LUA_NODE_ASSIGN)
    for (MwLuaNode *t = node->kids[0]; t != NULL; t = t->next)
      add_mutated (data, t);
  else if (node->kind == MW_LUA_NODE_FUNCSTAT)
    add_mutated (data, node->kids[0]);
  return TRUE;
}

void
mw_lua_lint_globals (MwLuaLintFile *file)
{
  GArray *refs = mw_lua_tree_get_globals (file->tree);
  g_autoptr (GHashTable) mutated = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;

  mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), mutated_enter, NULL, mutated);
  file->in_function = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < refs->len; i++)
    {
      const MwLuaGlobalRef *ref = &g_array_index (refs, MwLuaGlobalRef, i);

      if (ref->write)
        {
          /* a global some main chunk sets is meant to be one; W111 still counts its RAM */
          if (ref->func->parent != NULL && !declared (file, ref->name, ref->token, FALSE)
              && !mw_lua_lint_std_has (mw_lua_lint_file_std (file, ref->token), ref->name)
              && !g_hash_table_contains (file->run->top_globals, ref->name))
            g_hash_table_add (file->in_function, GUINT_TO_POINTER (ref->token + 1));
          continue;
        }
      if (g_hash_table_contains (file->run->set_globals, ref->name)
          || mw_lua_lint_std_has (mw_lua_lint_file_std (file, ref->token), ref->name)
          || declared (file, ref->name, ref->token, TRUE))
        continue;
      if (g_hash_table_contains (mutated, GUINT_TO_POINTER (ref->token + 1)))
        mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_MUTATED, ref->token, ref->name, -1,
                            "a field of global '%s' is set, but '%s' is never set and is not "
                            "a standard or firmware global",
                            ref->name, ref->name);
      else
        mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_UNDEFINED, ref->token, ref->name, -1,
                            "global '%s' is read but never set, and is not a standard or "
                            "firmware global: a typo?",
                            ref->name);
    }
  mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), globals_enter, NULL, file);
  /* sets inside a function that W111's RAM report did not already cover */
  g_hash_table_iter_init (&iter, file->in_function);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint token = GPOINTER_TO_UINT (key) - 1;
      g_autofree char *name = mw_lua_lint_token_string (file, token);

      mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_IN_FUNCTION, token, name, -1,
                          "global '%s' is set inside a function: a missing 'local'?", name);
    }
  g_clear_pointer (&file->in_function, g_hash_table_unref);
}
