/* mw-lua-lint-general.c: rules every Lua linter has, with luacheck's codes.
 *
 * W211/W212/W213 an unused local, parameter or loop variable (a leading `_` exempts);
 * W231 a local that is assigned but never read;
 * W411-W433 a local redefining or shadowing another one, with luacheck's codes;
 * W511 unreachable code after `return` or `break`.
 */
#include "mw-lua-lint-private.h"

static MwLuaNode *
last_statement (MwLuaNode *block)
{
  MwLuaNode *last = NULL;

  if (block == NULL)
    return NULL;
  for (MwLuaNode *s = block->kids[0]; s != NULL; s = s->next)
    last = s;
  return last;
}

static gboolean
has_break_enter (MwLuaNode *node, gpointer data)
{
  gboolean *found = data;

  if (node->kind == MW_LUA_NODE_BREAK)
    *found = TRUE;
  /* a break inside an inner loop or function leaves that one, not ours */
  return !*found && node->kind != MW_LUA_NODE_FUNCTION && node->kind != MW_LUA_NODE_WHILE
         && node->kind != MW_LUA_NODE_REPEAT && node->kind != MW_LUA_NODE_NUMFOR
         && node->kind != MW_LUA_NODE_GENFOR;
}

static gboolean
has_break (MwLuaNode *body)
{
  gboolean found = FALSE;

  mw_lua_lint_walk (body, has_break_enter, NULL, &found);
  return found;
}

/* the statement never falls through to the next one */
static gboolean
terminates (MwLuaNode *stat)
{
  if (stat == NULL)
    return FALSE;
  switch (stat->kind)
    {
      case MW_LUA_NODE_RETURN:
      case MW_LUA_NODE_BREAK:
        return TRUE;
      case MW_LUA_NODE_DO:
        return terminates (last_statement (stat->kids[0]));
      case MW_LUA_NODE_WHILE: /* while true do ... end without a break */
        return stat->kids[0]->kind == MW_LUA_NODE_TRUE && !has_break (stat->kids[1]);
      case MW_LUA_NODE_REPEAT: /* repeat ... until false without a break */
        return stat->kids[1]->kind == MW_LUA_NODE_FALSE && !has_break (stat->kids[0]);
      case MW_LUA_NODE_IF:
        if (stat->kids[1] == NULL || !terminates (last_statement (stat->kids[1])))
          return FALSE;
        for (MwLuaNode *c = stat->kids[0]; c != NULL; c = c->next)
          if (!terminates (last_statement (c->kids[1])))
            return FALSE;
        return TRUE;
      default:
        return FALSE;
    }
}

static gboolean
unreachable_enter (MwLuaNode *node, gpointer data)
{
  MwLuaLintFile *file = data;

  if (node->kind != MW_LUA_NODE_BLOCK)
    return TRUE;
  for (MwLuaNode *s = node->kids[0]; s != NULL && s->next != NULL; s = s->next)
    if (terminates (s))
      {
        mw_lua_lint_report (file, MW_LUA_LINT_UNREACHABLE, s->next->first, NULL, -1,
                            "unreachable code");
        break;
      }
  return TRUE;
}

/* `local f` (no value) then one `f = function ... end`: luacheck calls f an unused function,
 * at the assignment. Maps such a var to its assignment's target token + 1. */
typedef struct
{
  GHashTable *empty; /* MwLuaVar* declared without a value */
  GHashTable *function_set; /* MwLuaVar* -> token + 1 of a `var = function` assignment */
} ForwardDecls;

static gboolean
forward_enter (MwLuaNode *node, gpointer data)
{
  ForwardDecls *fd = data;
  MwLuaNode *v = node->kids[1];
  MwLuaNode *last = NULL;

  if (node->kind != MW_LUA_NODE_LOCAL && node->kind != MW_LUA_NODE_ASSIGN)
    return TRUE;
  for (MwLuaNode *x = node->kids[1]; x != NULL; x = x->next)
    last = x;
  for (MwLuaNode *t = node->kids[0]; t != NULL; t = t->next, v = v ? v->next : NULL)
    {
      if (t->kind != MW_LUA_NODE_NAME || t->u.var == NULL)
        continue;
      if (node->kind == MW_LUA_NODE_LOCAL)
        {
          /* a call or `...` last may give values to the names past it */
          if (v == NULL
              && (last == NULL
                  || (last->kind != MW_LUA_NODE_CALL && last->kind != MW_LUA_NODE_METHCALL
                      && last->kind != MW_LUA_NODE_VARARG)))
            g_hash_table_add (fd->empty, t->u.var);
        }
      else if (v != NULL && v->kind == MW_LUA_NODE_FUNCTION)
        g_hash_table_insert (fd->function_set, t->u.var, GUINT_TO_POINTER (t->token + 1));
    }
  return TRUE;
}

static void
check_unused (MwLuaLintFile *file, ForwardDecls *fd, MwLuaVar *var)
{
  const char *code, *what;
  guint set_at;

  if (var->n_reads > 0 || var->name[0] == '_')
    return;
  set_at = GPOINTER_TO_UINT (g_hash_table_lookup (fd->function_set, var));
  if (var->kind == MW_LUA_VAR_LOCAL && var->n_writes == 1 && set_at > 0
      && g_hash_table_contains (fd->empty, var))
    {
      mw_lua_lint_report (file, MW_LUA_LINT_UNUSED_LOCAL, set_at - 1, var->name, -1,
                          "unused function '%s'", var->name);
      return;
    }
  switch (var->kind)
    {
      case MW_LUA_VAR_LOCAL:
        code = var->n_writes > 0 ? MW_LUA_LINT_SET_NEVER_READ : MW_LUA_LINT_UNUSED_LOCAL;
        what = var->n_writes > 0 ? "variable '%s' is set but never read" : "unused variable '%s'";
        break;
      case MW_LUA_VAR_LOCALFUNC:
        code = MW_LUA_LINT_UNUSED_LOCAL;
        what = "unused function '%s'";
        break;
      case MW_LUA_VAR_PARAM:
        code = MW_LUA_LINT_UNUSED_PARAM;
        what = "unused argument '%s'";
        break;
      case MW_LUA_VAR_FOR:
        code = MW_LUA_LINT_UNUSED_LOOP_VAR;
        what = "unused loop variable '%s'";
        break;
      default:
        return;
    }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  mw_lua_lint_report (file, code, var->decl_token, var->name, -1, what, var->name);
#pragma GCC diagnostic pop
}

/* luacheck's kind digit of a shadowed variable: 1 a local, 2 an argument, 3 a loop variable */
static int
shadow_kind (const MwLuaVar *var)
{
  switch (var->kind)
    {
      case MW_LUA_VAR_PARAM:
      case MW_LUA_VAR_SELF:
        return 2;
      case MW_LUA_VAR_FOR:
        return 3;
      default:
        return 1;
    }
}

/* W411-W433 as luacheck reports them: the innermost variable of the same name visible where
 * `var` is declared, in the same block (41x: redefined), an enclosing block of the same
 * function (42x: shadowed) or an enclosing function (43x: an upvalue shadowed). A function's
 * parameters share its body's block, and a loop's variables its body's, as in luacheck. */
static void
check_shadow (MwLuaLintFile *file, MwLuaVar *var)
{
  static const char *const formats[3][3] = {
    { "variable '%s' was previously defined on line %u",
      "variable '%s' was previously defined as an argument on line %u",
      "variable '%s' was previously defined as a loop variable on line %u" },
    { "shadowing definition of variable '%s' on line %u",
      "shadowing definition of argument '%s' on line %u",
      "shadowing definition of loop variable '%s' on line %u" },
    { "shadowing upvalue '%s' on line %u", "shadowing upvalue argument '%s' on line %u",
      "shadowing upvalue loop variable '%s' on line %u" },
  };
  guint32 d = var->decl_token;

  if (var->kind == MW_LUA_VAR_HIDDEN || var->kind == MW_LUA_VAR_SELF || var->kind == MW_LUA_VAR_ARG
      || d == G_MAXUINT32 || var->name[0] == '_')
    return;
  for (MwLuaFunction *f = var->func; f != NULL; f = f->parent)
    for (guint i = f == var->func ? var->index : f->vars->len; i-- > 0;)
      {
        MwLuaVar *o = f->vars->pdata[i];
        char code[5];
        int scope;
        guint line;

        /* names are interned per tree: equal names are equal pointers */
        if (o->name != var->name || o->kind == MW_LUA_VAR_HIDDEN || o->kind == MW_LUA_VAR_ARG
            || o->scope_start > d || d > o->scope_end)
          continue;
        /* blocks that end on the same token in one function are one scope: a loop's
         * variables and its body's locals, a function's parameters and its body's locals */
        if (f != var->func)
          scope = 2;
        else if (o->scope_end == var->scope_end)
          scope = 0;
        else /* parameters end at the function's `end`, its body's block just before */
          scope = o->scope_end == f->last_token && var->scope_end + 1 == f->last_token ? 0 : 1;
        line = o->decl_token != G_MAXUINT32 ? file->toks[o->decl_token].line : f->line_defined;
        g_snprintf (code, sizeof code, "W4%d%d", scope + 1, shadow_kind (o));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        mw_lua_lint_report (file, code, d, var->name, -1, formats[scope][shadow_kind (o) - 1],
                            var->name, line);
#pragma GCC diagnostic pop
        return;
      }
}

static gboolean
vararg_enter (MwLuaNode *node, gpointer data)
{
  gboolean *found = data;

  if (node->kind == MW_LUA_NODE_VARARG)
    *found = TRUE;
  return !*found && node->kind != MW_LUA_NODE_FUNCTION;
}

/* `function (a, ...)` that never uses `...` (nor the implicit `arg` of Lua 5.0 style) */
static void
check_unused_vararg (MwLuaLintFile *file, MwLuaFunction *f)
{
  gboolean used = FALSE;

  if (f->parent == NULL || !f->is_vararg)
    return;
  for (guint v = 0; v < f->vars->len; v++)
    {
      MwLuaVar *var = f->vars->pdata[v];
      if (var->kind == MW_LUA_VAR_ARG && var->n_reads + var->n_writes > 0)
        return;
    }
  mw_lua_lint_walk (f->body, vararg_enter, NULL, &used);
  if (used)
    return;
  for (guint t = f->first_token; t < f->last_token; t++)
    if (file->toks[t].kind == MW_LUA_TOKEN_DOTS)
      {
        mw_lua_lint_report (file, MW_LUA_LINT_UNUSED_PARAM, t, "...", -1,
                            "unused variable length argument");
        return;
      }
}

void
mw_lua_lint_general (MwLuaLintFile *file)
{
  GPtrArray *funcs = mw_lua_tree_get_functions (file->tree);
  ForwardDecls fd = { g_hash_table_new (NULL, NULL), g_hash_table_new (NULL, NULL) };

  mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), forward_enter, NULL, &fd);
  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];

      check_unused_vararg (file, f);
      for (guint v = 0; v < f->vars->len; v++)
        {
          check_unused (file, &fd, f->vars->pdata[v]);
          check_shadow (file, f->vars->pdata[v]);
        }
    }
  mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), unreachable_enter, NULL, file);
  g_hash_table_unref (fd.empty);
  g_hash_table_unref (fd.function_set);
}
