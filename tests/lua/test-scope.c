/* test-scope.c: name resolution: locals, upvalues in Lua's order, globals, live ranges. */
#include <string.h>

#include "mw-lua-tree.h"

typedef struct
{
  const char *name;
  const char *source;
  const char *expect; /* per function "L<line>: params|locals|upvalues", then "; G: refs" */
} Case;

static const Case cases[] = {
  { "locals-and-globals", "local a = b\nc = a", "L0: 0|a|; G: R b W c" },
  { "local-sees-outer", "local x = 1\nlocal x = x + 1", "L0: 0|x,x|; G:" },
  { "upvalue-order", "local a, b, c\nfunction f() return c, a end",
    "L0: 0|a,b,c|; L2: 0||c,a; G: W f" },
  { "upvalue-through", "local a\nlocal function f()\n  return function() return a end\nend",
    "L0: 0|a,f|; L2: 0||a; L3: 0||a; G:" },
  { "local-function-recursive", "local function f() return f() end", "L0: 0|f|; L1: 0||f; G:" },
  { "local-assign-function-not-recursive", "local f = function() return f() end",
    "L0: 0|f|; L1: 0||; G: R f" },
  { "method-self", "function t:m(x) return self, x end", "L0: 0||; L1: 2|self,x|; G: R t" },
  { "vararg-arg", "function f(a, ...) return arg end", "L0: 0||; L1: 1|a,arg|; G: W f" },
  { "numeric-for", "for i = 1, n do print(i) end",
    "L0: 0|(for index),(for limit),(for step),i|; G: R n R print" },
  { "generic-for", "for k, v in pairs(t) do end",
    "L0: 0|(for generator),(for state),(for control),k,v|; G: R pairs R t" },
  { "repeat-cond-sees-body", "repeat local done = true until done", "L0: 0|done|; G:" },
  { "block-scope-ends", "do local a end\nreturn a", "L0: 0|a|; G: R a" },
  { "funcname-index-reads", "function a.b.c() end", "L0: 0||; L1: 0||; G: R a" },
  { "multiple-assign", "a, b.c, d = 1, 2, 3", "L0: 0||; G: W a R b W d" },
};

static void
describe (MwLuaTree *tree, GString *out)
{
  GPtrArray *funcs = mw_lua_tree_get_functions (tree);
  GArray *globals = mw_lua_tree_get_globals (tree);

  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];
      g_string_append_printf (out, "L%u: %u|", f->line_defined, f->num_params);
      for (guint v = 0; v < f->vars->len; v++)
        g_string_append_printf (out, "%s%s", v ? "," : "", ((MwLuaVar *) f->vars->pdata[v])->name);
      g_string_append_c (out, '|');
      for (guint u = 0; u < f->upvalues->len; u++)
        g_string_append_printf (out, "%s%s", u ? "," : "",
                                ((MwLuaVar *) f->upvalues->pdata[u])->name);
      g_string_append (out, "; ");
    }
  g_string_append (out, "G:");
  for (guint g = 0; g < globals->len; g++)
    {
      const MwLuaGlobalRef *ref = &g_array_index (globals, MwLuaGlobalRef, g);
      g_string_append_printf (out, " %c %s", ref->write ? 'W' : 'R', ref->name);
    }
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse ("t", c->source, -1, MW_LUA_PARSE_NONE);
  g_autoptr (GString) got = g_string_new (NULL);

  g_assert_true (mw_lua_tree_is_valid (tree));
  describe (tree, got);
  g_assert_cmpstr (got->str, ==, c->expect);
}

static void
test_token_vars (void)
{
  const char *src = "local a = 1\nlocal function f() a = a + 1 end\nprint(a)";
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse ("t", src, -1, MW_LUA_PARSE_NONE);
  guint n;
  const MwLuaToken *toks = mw_lua_tree_get_tokens (tree, &n);
  MwLuaVar *a = NULL;
  guint uses = 0;

  for (guint i = 0; i < n; i++)
    {
      MwLuaVar *v = mw_lua_tree_get_token_var (tree, i);
      if (v == NULL)
        continue;
      if (strcmp (v->name, "a") == 0)
        {
          g_assert_true (a == NULL || a == v);
          a = v;
          uses++;
        }
      g_assert_true (toks[i].flags & MW_LUA_TOKEN_FLAG_LOCAL);
    }
  g_assert_nonnull (a);
  g_assert_cmpuint (uses, ==, 4);
  g_assert_cmpuint (a->n_reads, ==, 2);
  g_assert_cmpuint (a->n_writes, ==, 1);
  g_assert_cmpuint (a->n_captures, ==, 2);
  /* visible from the statement after its declaration to the end of the chunk */
  g_assert_cmpint (toks[a->scope_start].kind, ==, MW_LUA_TOKEN_LOCAL);
  g_assert_cmpint (toks[a->scope_end].kind, ==, MW_LUA_TOKEN_RPAREN);
  g_assert_cmpint (toks[a->last_ref].kind, ==, MW_LUA_TOKEN_NAME);
  g_assert_cmpuint (toks[a->last_ref].line, ==, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/lua/scope/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/mw/lua/scope/token-vars", test_token_vars);
  return g_test_run ();
}
