/* mw-lua-lint-general.c: rules every Lua linter has, with luacheck's codes.
 *
 * W211/W212/W213 an unused local, parameter or loop variable (a leading `_` exempts);
 * W231 a local that is assigned but never read;
 * W431 a local shadowing an upvalue (a local of an enclosing function still in scope);
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

static void
check_unused (MwLuaLintFile *file, MwLuaVar *var)
{
  const char *code, *what;

  if (var->n_reads > 0 || var->name[0] == '_')
    return;
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

static void
check_shadow (MwLuaLintFile *file, MwLuaVar *var)
{
  if (var->kind == MW_LUA_VAR_HIDDEN || var->kind == MW_LUA_VAR_SELF || var->kind == MW_LUA_VAR_ARG
      || var->decl_token == G_MAXUINT32 || var->name[0] == '_')
    return;
  for (MwLuaFunction *outer = var->func->parent; outer != NULL; outer = outer->parent)
    for (guint i = outer->vars->len; i-- > 0;)
      {
        MwLuaVar *o = outer->vars->pdata[i];

        /* names are interned per tree: equal names are equal pointers */
        if (o->name != var->name || o->kind == MW_LUA_VAR_HIDDEN)
          continue;
        if (o->scope_start <= var->decl_token && var->decl_token <= o->scope_end)
          {
            mw_lua_lint_report (file, MW_LUA_LINT_SHADOW_UPVALUE, var->decl_token, var->name, -1,
                                "variable '%s' shadows upvalue '%s' on line %u", var->name, o->name,
                                o->decl_token != G_MAXUINT32 ? file->toks[o->decl_token].line
                                                             : outer->line_defined);
            return;
          }
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

  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];

      check_unused_vararg (file, f);
      for (guint v = 0; v < f->vars->len; v++)
        {
          check_unused (file, f->vars->pdata[v]);
          check_shadow (file, f->vars->pdata[v]);
        }
    }
  mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), unreachable_enter, NULL, file);
}
