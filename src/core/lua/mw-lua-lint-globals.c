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
  mw_lua_lint_module_seen (run, g.basename, tree);
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

/* W111 at one token, settled once every file is gathered: a first set that no file sets back
 * to nil holds RAM; a set inside a function of a name no main chunk sets is a missing
 * `local`; one finding says both */
typedef struct
{
  gboolean kept; /* the first set of the name in its file */
  gboolean in_function;
  gint64 slot, held; /* held -1: unknown */
} GlobalSet;

static gboolean
settle_global_set (MwLuaLintRun *run, MwLuaLintFinding *f)
{
  GlobalSet *g = f->settle_data;
  gboolean kept = g->kept && !g_hash_table_contains (run->cleared_globals, f->name);
  gboolean in_function = g->in_function && !g_hash_table_contains (run->top_globals, f->name);
  const char *missing_local = in_function ? " (set inside a function: a missing 'local'?)" : "";

  g_free (f->diag->message);
  if (kept && g->held >= 0)
    f->diag->message = g_strdup_printf ("global '%s' is set and never set back to nil: it holds "
                                        "%" G_GINT64_FORMAT " bytes until restart%s",
                                        f->name, g->slot + g->held, missing_local);
  else if (kept)
    f->diag->message = g_strdup_printf ("global '%s' is set and never set back to nil: it holds "
                                        "its value and at least %" G_GINT64_FORMAT
                                        " bytes until restart%s",
                                        f->name, g->slot, missing_local);
  else
    f->diag->message =
      g_strdup_printf ("global '%s' is set inside a function: a missing 'local'?", f->name);
  f->diag->bytes = kept ? g->slot + MAX (g->held, 0) : -1;
  return kept || in_function;
}

static void
report_set (MwLuaLintFile *file, const char *name, guint token, gboolean kept, gint64 slot,
            gint64 held)
{
  GlobalSet *g = g_new0 (GlobalSet, 1);
  MwLuaLintFinding *f;

  g->kept = kept;
  g->in_function = g_hash_table_remove (file->in_function, GUINT_TO_POINTER (token + 1));
  g->slot = slot;
  g->held = held;
  f = mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_KEPT, token, name, -1, "global '%s'", name);
  mw_lua_lint_finding_defer (f, settle_global_set, g, g_free);
}

static void
report_kept (MwLuaLintFile *file, const char *name, guint token, MwLuaNode *value)
{
  const MwLuaRamModel *ram = file->run->ram;
  g_autofree char *key = g_strconcat ("W111 ", name, NULL);

  if (mw_lua_lint_std_has (mw_lua_lint_file_std (file, token), name)
      || g_hash_table_contains (file->reported, key))
    return;
  g_hash_table_add (file->reported, g_steal_pointer (&key));
  report_set (file, name, token, TRUE, ram->hash_node + mw_lua_ram_string (ram, strlen (name)),
              value_bytes (file, value));
}

/* W112, W113, W143: dropped when some file sets the global (`name`, or the data's) */
static gboolean
settle_unless_set (MwLuaLintRun *run, MwLuaLintFinding *f)
{
  return !g_hash_table_contains (run->set_globals, f->settle_data ? f->settle_data : f->name);
}

/* W114: dropped when some file clears the module, or the module's own file is volatile; with
 * the bytes its functions keep when its file is linted too (mw_lua_lint_module_bytes) */
typedef struct
{
  char *module, *base, *leaf;
} Required;

static void
required_free (gpointer data)
{
  Required *r = data;
  g_free (r->module);
  g_free (r->base);
  g_free (r->leaf);
  g_free (r);
}

static gboolean
settle_required (MwLuaLintRun *run, MwLuaLintFinding *f)
{
  Required *r = f->settle_data;
  gint64 bytes;

  if (g_hash_table_contains (run->cleared_modules, r->module)
      || g_hash_table_contains (run->volatile_files, r->leaf)
      || g_hash_table_contains (run->volatile_files, r->base))
    return FALSE;
  bytes = mw_lua_lint_module_bytes (run, r->base);
  if (bytes < 0)
    bytes = mw_lua_lint_module_bytes (run, r->leaf);
  g_free (f->diag->message);
  f->diag->bytes = bytes;
  if (bytes >= 0)
    f->diag->message = g_strdup_printf ("module '%s' stays in package.loaded (and in its "
                                        "global) until restart, with about %" G_GINT64_FORMAT
                                        " bytes of functions: clear package.loaded[\"%s\"] when "
                                        "done, or make it volatile",
                                        r->module, bytes, r->module);
  else
    f->diag->message = g_strdup_printf ("module '%s' stays in package.loaded (and in its "
                                        "global) until restart: clear package.loaded[\"%s\"] "
                                        "when done, or make it volatile",
                                        r->module, r->module);
  return TRUE;
}

/* The dotted path of `node` when it is a global or a chain of `.name` fields of one ("wifi",
 * "wifi.sta"), with the global in `root`; NULL otherwise (a local's field, `a[k].b`). The field
 * lists cover sub-tables by their path (mw-lua-api.h). */
static char *
dotted_global (MwLuaLintFile *file, MwLuaNode *node, char **root)
{
  g_autofree char *base = NULL;

  if (node->kind == MW_LUA_NODE_NAME && node->u.var == NULL)
    {
      *root = mw_lua_lint_token_string (file, node->token);
      return g_strdup (*root);
    }
  if (node->kind != MW_LUA_NODE_INDEX || !(node->flags & MW_LUA_NODE_FLAG_DOT))
    return NULL;
  base = dotted_global (file, node->kids[0], root);
  if (base == NULL)
    return NULL;
  {
    g_autofree char *field = mw_lua_lint_token_string (file, node->token);
    return g_strconcat (base, ".", field, NULL);
  }
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

      Required *r;
      MwLuaLintFinding *f;

      if (module == NULL)
        return TRUE;
      /* `require "a.b"` loads a/b.lua or a.b.lua: match the file's base name */
      dot = strrchr (base, '.');
      r = g_new0 (Required, 1);
      r->module = g_strdup (module);
      r->leaf = g_strdup (dot ? dot + 1 : base);
      r->base = g_steal_pointer (&base);
      mw_lua_lint_module_wanted (file->run, r->base);
      mw_lua_lint_module_wanted (file->run, r->leaf);
      f = mw_lua_lint_report (file, MW_LUA_LINT_MODULE_KEPT, node->kids[1]->token, module, -1,
                              "module '%s'", module);
      mw_lua_lint_finding_defer (f, settle_required, r, required_free);
    }
  else if (node->kind == MW_LUA_NODE_INDEX && (node->flags & MW_LUA_NODE_FLAG_DOT))
    {
      static const char *const removed_tmr[] = { "alarm",      "register", "start", "stop",
                                                 "unregister", "interval", "state", NULL };
      g_autofree char *root = NULL;
      g_autofree char *module = dotted_global (file, node->kids[0], &root);
      g_autofree char *field = NULL;
      const char *moved;
      guint std;

      if (module == NULL)
        return TRUE;
      field = mw_lua_lint_token_string (file, node->token);
      std = mw_lua_lint_file_std (file, node->token);
      if (!mw_lua_lint_std_is_module (std, root) || mw_lua_lint_std_has_field (std, module, field))
        return TRUE;
      /* the removed static timer API has its own rule (W805) */
      if (strcmp (module, "tmr") == 0 && g_strv_contains (removed_tmr, field))
        return TRUE;
      {
        g_autofree char *full = g_strconcat (module, ".", field, NULL);
        MwLuaLintFinding *f;

        moved = mw_lua_lint_std_moved (module, field);
        if (moved != NULL)
          f = mw_lua_lint_report (file, MW_LUA_LINT_FIELD_UNDEFINED, node->token, full, -1,
                                  "'%s' is not a field of the firmware module '%s': 3.0 has %s",
                                  field, module, moved);
        else
          f = mw_lua_lint_report (file, MW_LUA_LINT_FIELD_UNDEFINED, node->token, full, -1,
                                  "'%s' is not a field of the firmware module '%s'", field, module);
        /* a program that sets the module's global has its own table there */
        mw_lua_lint_finding_defer (f, settle_unless_set, g_steal_pointer (&root), g_free);
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
  g_autoptr (GList) rest = NULL;

  mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), mutated_enter, NULL, mutated);
  file->in_function = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < refs->len; i++)
    {
      const MwLuaGlobalRef *ref = &g_array_index (refs, MwLuaGlobalRef, i);
      MwLuaLintFinding *f;

      if (ref->write)
        {
          /* a global some main chunk sets is meant to be one (settled at the end); the first
           * set still counts its RAM */
          if (ref->func->parent != NULL && !declared (file, ref->name, ref->token, FALSE)
              && !mw_lua_lint_std_has (mw_lua_lint_file_std (file, ref->token), ref->name))
            g_hash_table_add (file->in_function, GUINT_TO_POINTER (ref->token + 1));
          continue;
        }
      if (mw_lua_lint_std_has (mw_lua_lint_file_std (file, ref->token), ref->name)
          || declared (file, ref->name, ref->token, TRUE))
        continue;
      if (g_hash_table_contains (mutated, GUINT_TO_POINTER (ref->token + 1)))
        f = mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_MUTATED, ref->token, ref->name, -1,
                                "a field of global '%s' is set, but '%s' is never set and is "
                                "not a standard or firmware global",
                                ref->name, ref->name);
      else if ((mw_lua_lint_file_std (file, ref->token) & MW_LUA_LINT_SET_NODEMCU)
               && mw_lua_lint_std_replaced (ref->name) != NULL)
        f = mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_UNDEFINED, ref->token, ref->name, -1,
                                "global '%s' is read but never set, and is not a standard or "
                                "firmware global: 3.0 replaced the module '%s' with '%s'",
                                ref->name, ref->name, mw_lua_lint_std_replaced (ref->name));
      else
        f = mw_lua_lint_report (file, MW_LUA_LINT_GLOBAL_UNDEFINED, ref->token, ref->name, -1,
                                "global '%s' is read but never set, and is not a standard or "
                                "firmware global: a typo?",
                                ref->name);
      mw_lua_lint_finding_defer (f, settle_unless_set, NULL, NULL);
    }
  mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), globals_enter, NULL, file);
  /* sets inside a function that are not the first set of their name */
  rest = g_hash_table_get_keys (file->in_function);
  for (GList *l = rest; l != NULL; l = l->next)
    {
      guint token = GPOINTER_TO_UINT (l->data) - 1;
      g_autofree char *name = mw_lua_lint_token_string (file, token);

      report_set (file, name, token, FALSE, 0, -1);
    }
  g_clear_pointer (&file->in_function, g_hash_table_unref);
}
