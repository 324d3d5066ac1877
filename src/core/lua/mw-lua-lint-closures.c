/* mw-lua-lint-closures.c: what closures cost (docs/firmware.md sections 3 and 5).
 *
 * W701 a closure capturing at least max_upvalues upvalues, with the bytes of one instance, once
 * per closure chain (a nested closure capturing only what its reported outer one captures is
 * counted in that one's message);
 * W702 a closure created inside a loop (one per iteration); W703 a callback given to
 * `x:on(...)` or `x:listen(...)` that captures `x` itself, the registry leak. The hard limits
 * (50 locals, 60 upvalues) are the front end's errors E011 and E012.
 */
#include "mw-lua-lint-private.h"

#include <string.h>

/* W702: a function expression that a loop runs */
static gboolean
loop_visit (MwLuaNode *node, guint loop_depth, gpointer data)
{
  MwLuaLintFile *file = data;

  if (node->kind == MW_LUA_NODE_FUNCTION && loop_depth > 0)
    {
      guint n = node->u.func->upvalues->len;
      gsize bytes = mw_lua_ram_closure (file->run->ram, n);
      mw_lua_lint_report (file, MW_LUA_LINT_CLOSURE_IN_LOOP, node->first, NULL, bytes,
                          "closure created inside a loop: a new %" G_GSIZE_FORMAT
                          "-byte closure on every iteration; create it once outside",
                          bytes);
    }
  return TRUE;
}

typedef struct
{
  MwLuaLintFile *file;
  GHashTable *named; /* MwLuaVar* -> MwLuaFunction*: `local function f` / `local f = function` */
  GHashTable *cleared; /* MwLuaVar* set to nil somewhere: the cycle is broken there */
} Callbacks;

/* `x = nil` (or `x, y = nil, nil`) for a local x: the documented fix of the registry leak,
 * done in the disconnection callback (the firmware's telnet module does it) */
static gboolean
cleared_enter (MwLuaNode *node, gpointer data)
{
  Callbacks *c = data;
  MwLuaNode *v = node->kids[1];

  if (node->kind != MW_LUA_NODE_ASSIGN)
    return TRUE;
  for (MwLuaNode *t = node->kids[0]; t != NULL; t = t->next, v = v ? v->next : NULL)
    {
      /* past the values: nil unless the last value is a call or `...` */
      gboolean is_nil = v != NULL ? v->kind == MW_LUA_NODE_NIL : TRUE;

      if (v == NULL)
        for (MwLuaNode *last = node->kids[1]; last != NULL; last = last->next)
          if (last->next == NULL)
            is_nil = last->kind != MW_LUA_NODE_CALL && last->kind != MW_LUA_NODE_METHCALL
                     && last->kind != MW_LUA_NODE_VARARG;
      if (is_nil && t->kind == MW_LUA_NODE_NAME && t->u.var != NULL)
        g_hash_table_add (c->cleared, t->u.var);
    }
  return TRUE;
}

/* remembers which locals name a function, so that `x:on("e", handler)` can be checked */
static gboolean
named_enter (MwLuaNode *node, gpointer data)
{
  Callbacks *c = data;

  if (node->kind == MW_LUA_NODE_LOCALFUNC && node->kids[1] != NULL)
    {
      MwLuaVar *var = mw_lua_tree_get_token_var (c->file->tree, node->kids[0]->token);
      if (var != NULL)
        g_hash_table_insert (c->named, var, node->kids[1]->u.func);
    }
  else if (node->kind == MW_LUA_NODE_LOCAL && node->kids[0] != NULL && node->kids[1] != NULL
           && node->kids[0]->next == NULL && node->kids[1]->next == NULL
           && node->kids[1]->kind == MW_LUA_NODE_FUNCTION)
    {
      MwLuaVar *var = mw_lua_tree_get_token_var (c->file->tree, node->kids[0]->token);
      /* only if never reassigned: the callback is then that function */
      if (var != NULL && var->n_writes == 0)
        g_hash_table_insert (c->named, var, node->kids[1]->u.func);
    }
  return TRUE;
}

static gboolean
callback_enter (MwLuaNode *node, gpointer data)
{
  Callbacks *c = data;
  MwLuaLintFile *file = c->file;
  gsize len;
  const char *method;
  MwLuaVar *object;

  /* declarations come before their uses in this walk (source order), so one pass both
   * records named functions and checks callbacks */
  named_enter (node, data);
  if (node->kind != MW_LUA_NODE_METHCALL)
    return TRUE;
  method = mw_lua_tree_token_text (file->tree, node->token, &len);
  if (!((len == 2 && memcmp (method, "on", 2) == 0)
        || (len == 6 && memcmp (method, "listen", 6) == 0)))
    return TRUE;
  if (node->kids[0]->kind != MW_LUA_NODE_NAME || node->kids[0]->u.var == NULL)
    return TRUE;
  object = node->kids[0]->u.var;
  if (g_hash_table_contains (c->cleared, object))
    return TRUE;
  for (MwLuaNode *arg = node->kids[1]; arg != NULL; arg = arg->next)
    {
      MwLuaFunction *f = NULL;
      gsize bytes;

      if (arg->kind == MW_LUA_NODE_FUNCTION)
        f = arg->u.func;
      else if (arg->kind == MW_LUA_NODE_NAME && arg->u.var != NULL)
        f = g_hash_table_lookup (c->named, arg->u.var);
      if (f == NULL)
        continue;
      for (guint u = 0; u < f->upvalues->len; u++)
        if (f->upvalues->pdata[u] == object)
          {
            bytes = mw_lua_ram_closure (file->run->ram, f->upvalues->len);
            mw_lua_lint_report (file, MW_LUA_LINT_CALLBACK_SELF, arg->first, object->name, bytes,
                                "callback captures '%s', the object it is registered on: "
                                "the registry keeps both alive (a %" G_GSIZE_FORMAT "-byte "
                                "closure and the object); use the callback's argument",
                                object->name, bytes);
            break;
          }
    }
  return TRUE;
}

/* every upvalue of `inner` is one of `outer`'s: the same captured variables, passed down */
static gboolean
captures_subset (MwLuaFunction *inner, MwLuaFunction *outer)
{
  for (guint i = 0; i < inner->upvalues->len; i++)
    {
      gboolean found = FALSE;
      for (guint j = 0; j < outer->upvalues->len && !found; j++)
        found = outer->upvalues->pdata[j] == inner->upvalues->pdata[i];
      if (!found)
        return FALSE;
    }
  return TRUE;
}

void
mw_lua_lint_closures (MwLuaLintFile *file)
{
  GPtrArray *funcs = mw_lua_tree_get_functions (file->tree);
  guint max = file->run->options->max_upvalues;
  /* W701 once per closure chain: a closure nested in a reported one that captures only what
   * that one captures is counted there (MwLuaFunction* -> its finding; -> nested count) */
  g_autoptr (GHashTable) reported = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) nested = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];
      guint n = f->upvalues->len;

      if (max > 0 && n >= max)
        {
          MwLuaFunction *chain = NULL;

          for (MwLuaFunction *a = f->parent; a != NULL && chain == NULL; a = a->parent)
            if (g_hash_table_contains (reported, a) && captures_subset (f, a))
              chain = a;
          if (chain != NULL)
            g_hash_table_insert (
              nested, chain,
              GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (nested, chain)) + 1));
          else
            {
              gsize bytes = mw_lua_ram_closure (file->run->ram, n);
              MwLuaLintFinding *finding =
                mw_lua_lint_report (file, MW_LUA_LINT_MANY_UPVALUES, f->first_token, NULL, bytes,
                                    "closure captures %u upvalues (at most %u wanted): each "
                                    "instance costs %" G_GSIZE_FORMAT " bytes",
                                    n, max - 1, bytes);
              g_hash_table_insert (reported, f, finding);
            }
        }
      mw_lua_lint_walk_loops (f->body, loop_visit, file);
    }
  g_hash_table_iter_init (&iter, nested);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      MwLuaLintFinding *finding = g_hash_table_lookup (reported, key);
      guint count = GPOINTER_TO_UINT (value);
      char *message = g_strdup_printf ("%s; %u nested closure%s capture%s only these",
                                       finding->diag->message, count, count == 1 ? "" : "s",
                                       count == 1 ? "s" : "");

      g_free (finding->diag->message);
      finding->diag->message = message;
    }
  {
    Callbacks c = { file, g_hash_table_new (NULL, NULL), g_hash_table_new (NULL, NULL) };

    mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), cleared_enter, NULL, &c);
    mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), callback_enter, NULL, &c);
    g_hash_table_unref (c.named);
    g_hash_table_unref (c.cleared);
  }
}
