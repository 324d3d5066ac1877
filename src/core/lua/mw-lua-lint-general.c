/* mw-lua-lint-general.c: rules every Lua linter has, with luacheck's codes.
 *
 * W211/W212/W213 an unused local, parameter or loop variable (a leading `_` exempts);
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
      code = MW_LUA_LINT_UNUSED_LOCAL;
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
  if (var->kind == MW_LUA_VAR_HIDDEN || var->kind == MW_LUA_VAR_SELF ||
      var->kind == MW_LUA_VAR_ARG || var->decl_token == G_MAXUINT32 ||
      var->name[0] == '_')
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
            mw_lua_lint_report (file, MW_LUA_LINT_SHADOW_UPVALUE, var->decl_token, var->name,
                                -1, "variable '%s' shadows upvalue '%s' on line %u",
                                var->name, o->name,
                                o->decl_token != G_MAXUINT32 ? file->toks[o->decl_token].line
                                                             : outer->line_defined);
            return;
          }
      }
}

void
mw_lua_lint_general (MwLuaLintFile *file)
{
  GPtrArray *funcs = mw_lua_tree_get_functions (file->tree);

  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];
      for (guint v = 0; v < f->vars->len; v++)
        {
          check_unused (file, f->vars->pdata[v]);
          check_shadow (file, f->vars->pdata[v]);
        }
    }
  mw_lua_lint_walk (mw_lua_tree_get_root (file->tree), unreachable_enter, NULL, file);
}
