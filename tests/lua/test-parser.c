/* test-parser.c: the parser against Lua 5.1 itself.
 *
 * Every case is a chunk; luac5.1 -p decides whether it is valid and, if not, what the message
 * is. The front end must agree on both, word for word. Cases with an `expect` also pin the
 * message, so that a change in the oracle cannot pass unnoticed.
 */
#include <string.h>

#include "mw-lua-tree.h"
#include "mw-test-support.h"

typedef struct
{
  const char *name;
  const char *source;
  const char *expect; /* the message for an invalid chunk, or NULL to take luac's word */
} Case;

static const Case cases[] = {
  /* valid */
  { "empty", "", NULL },
  { "method-call-string", "a.b:c\"s\"", NULL },
  { "call-table", "f{...}", NULL },
  { "call-table-nested", "f{a=1,[2]=3;4,}", NULL },
  { "long-string-levels", "x = [==[ ]] ]=] ]==]", NULL },
  { "long-comment", "--[==[ ]] ]==] x = 1", NULL },
  { "nested-level1", "x = [=[ [[ ]=]", NULL },
  { "escapes", "x = \"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\'\\65\\0\\255\\q\"", NULL },
  { "escaped-newline", "x = 'a\\\nb'", NULL },
  { "hex", "x = 0xfF + 0X10", NULL },
  { "exponent", "x = 1e10 + 1.5E-3 + .5 + 3. + 2e+2", NULL },
  { "concat-number-space", "x = 1 .. 2", NULL },
  { "dots-vararg", "function f(...) return ... end", NULL },
  { "arg-in-vararg", "function f(...) return arg end", NULL },
  { "semicolons", "local a = 1; local b = 2;", NULL },
  { "paren-call-same-line", "local a = f\n;(g)()", NULL },
  { "repeat-scope", "repeat local x = 1 until x", NULL },
  { "break-in-loop", "while true do break end", NULL },
  { "break-in-nested-block", "for i=1,2 do do break end end", NULL },
  { "return-last", "do return end", NULL },
  { "method-def", "function a.b.c:d(x) return self end", NULL },
  { "unary-chain", "x = - - -1 + not not a", NULL },
  { "pow-right", "x = 2^-3^2", NULL },
  { "table-lookahead-newline", "t = { f\n(x) }", NULL },
  { "shebang-not-skipped-by-parser", "x = 1", NULL },
  { "numeric-for-step", "for i = 10, 1, -1 do end", NULL },
  { "generic-for", "for k, v in pairs(t) do end", NULL },
  { "crlf-lines", "x = 1\r\ny = 2\n\rz = 3", NULL },
  { "index-assign", "(a).b, c[1] = 1, 2", NULL },
  /* invalid */
  { "ambiguous", "local a = f\n(g)()",
    "ambiguous syntax (function call x new statement) near '('" },
  { "vararg-outside", "function f() return ... end",
    "cannot use '...' outside a vararg function near '...'" },
  { "break-outside", "break", "no loop to break near '<eof>'" },
  { "break-in-function-in-loop", "while 1 do local f = function() break end end", NULL },
  { "end-expected", "function f()\n  x = 1\n",
    "'end' expected (to close 'function' at line 1) near '<eof>'" },
  { "end-expected-same-line", "do x = 1", "'end' expected near '<eof>'" },
  { "call-as-target", "f() = 1", "unexpected symbol near '='" },
  { "paren-as-target", "(a) = 1", "syntax error near '='" },
  { "second-target-call", "a, f() = 1", "syntax error near '='" },
  { "missing-assign", "a b", "'=' expected near 'b'" },
  { "unexpected-symbol", "x = = 1", "unexpected symbol near '='" },
  { "unfinished-string-eof", "x = \"abc", "unfinished string near '<eof>'" },
  { "unfinished-string-newline", "x = \"abc\ny", "unfinished string near '\"abc'" },
  { "unfinished-long-string", "x = [[abc", "unfinished long string near '<eof>'" },
  { "unfinished-long-comment", "--[[abc", "unfinished long comment near '<eof>'" },
  { "nested-long-string", "x = [[ [[ ]]", "nesting of [[...]] is deprecated near '['" },
  { "nested-long-comment", "--[[ [[ ]]", "nesting of [[...]] is deprecated near '['" },
  { "invalid-delimiter", "x = [==", "invalid long string delimiter near '[=='" },
  { "escape-too-large", "x = '\\256'", "escape sequence too large near '''" },
  /* the text quoted is the value read so far, every kind of escape decoded */
  { "unfinished-string-escapes", "x = \"a\\65\\t\\\nb\\q\\\\\\\"\ny",
    "unfinished string near '\"aA\t\nbq\\\"'" },
  { "escape-too-large-after-escapes", "x = 'a\\n\\0012\\300'",
    "escape sequence too large near ''a\n\0012'" },
  { "malformed-number", "x = 3..2", "malformed number near '3..2'" },
  { "malformed-hex", "x = 0x", "malformed number near '0x'" },
  { "malformed-alnum", "x = 12abc", "malformed number near '12abc'" },
  { "hex-float", "x = 0x1p4", NULL },
  { "eof-expected", "return 1 x = 2", "'<eof>' expected near 'x'" },
  { "name-expected", "local 1", "'<name>' expected near '1'" },
  { "for-expected", "for x do end", "'=' or 'in' expected near 'do'" },
  { "param-expected", "function f(1) end", "<name> or '...' expected near '1'" },
  { "method-args-expected", "a:b.c()", "function arguments expected near '.'" },
  { "then-expected", "if x do end", "'then' expected near 'do'" },
  { "control-char", "x = \001", "unexpected symbol near 'char(1)'" },
  { "nul-byte", "x = 1 \0", NULL },
  { "high-byte", "x = \xe9", NULL },
  { "tilde-alone", "x = ~1", NULL },
  { "string-no-newline-in-near", "x = 'a\\tb\n", NULL },
  { "close-paren-line", "f(\n1,\n2", "')' expected (to close '(' at line 1) near '<eof>'" },
  { "close-brace", "t = {1, 2", "'}' expected near '<eof>'" },
  { "until-expected", "repeat x = 1", "'until' expected near '<eof>'" },
  { "long-string-then-error", "x = [[\n\n]] y", "'=' expected near '<eof>'" },
  { "error-after-multiline-string", "x = 'a\\\nb' +", "unexpected symbol near '<eof>'" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  gsize len = strlen (c->source);
  g_autoptr (MwLuaTree) tree = NULL;
  g_autofree char *luac_msg = NULL;
  gboolean luac_ok;

  /* a case with a NUL must carry it: the nul-byte case ends in one */
  if (strcmp (c->name, "nul-byte") == 0)
    len = 7;

  luac_ok = mw_test_luac_check_source ("case.lua", c->source, len, &luac_msg);
  tree = mw_lua_tree_parse ("case.lua", c->source, len, MW_LUA_PARSE_SKIP_SHEBANG);
  if (luac_ok)
    {
      const MwLuaDiagnostic *err = mw_lua_tree_get_error (tree);
      if (err != NULL)
        g_error ("%s: luac accepts, we say: %s", c->name, err->message);
      g_assert_nonnull (mw_lua_tree_get_root (tree));
      g_assert_null (c->expect);
    }
  else
    {
      const MwLuaDiagnostic *err = mw_lua_tree_get_error (tree);
      g_autofree char *ours = NULL;

      if (err == NULL)
        g_error ("%s: luac rejects (%s), we accept", c->name, luac_msg);
      ours = mw_lua_diagnostic_format (err, "case.lua");
      g_assert_cmpstr (ours, ==, luac_msg);
      if (c->expect)
        g_assert_cmpstr (err->message, ==, c->expect);
      g_assert_null (mw_lua_tree_get_root (tree));
    }
}

/* The file can be printed back exactly from its tokens and their trivia. */
static void
test_lossless (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *src = cases[i].source;
      gsize len = strlen (src);
      g_autoptr (MwLuaTree) tree = mw_lua_tree_parse ("x", src, len, MW_LUA_PARSE_NONE);
      g_autoptr (GString) out = g_string_new (NULL);
      guint n;
      const MwLuaToken *toks = mw_lua_tree_get_tokens (tree, &n);
      const MwLuaToken *last = &toks[n - 1];

      for (guint t = 0; t < n; t++)
        g_string_append_len (out, src + toks[t].trivia,
                             toks[t].offset + toks[t].length - toks[t].trivia);
      if (last->kind == MW_LUA_TOKEN_ERROR)
        continue; /* lexing stopped: the rest is not tokenized */
      g_assert_cmpmem (out->str, out->len, src, len);
    }
}

static void
test_firmware_locals (void)
{
  g_autoptr (GString) src = g_string_new (NULL);
  g_autoptr (MwLuaTree) tree = NULL;
  GPtrArray *diags;
  gboolean found = FALSE;

  /* 50 locals are fine on the board; the 51st is not (docs/firmware.md section 3) */
  for (int i = 0; i < 50; i++)
    g_string_append_printf (src, "local v%d = %d\n", i, i);
  tree = mw_lua_tree_parse ("fifty", src->str, src->len, MW_LUA_PARSE_NONE);
  g_assert_true (mw_lua_tree_is_valid (tree));
  g_assert_cmpuint (mw_lua_tree_get_diagnostics (tree)->len, ==, 0);
  g_clear_pointer (&tree, mw_lua_tree_unref);

  g_string_append (src, "local function f() local a end\n");
  tree = mw_lua_tree_parse ("fifty-one", src->str, src->len, MW_LUA_PARSE_NONE);
  g_assert_true (mw_lua_tree_is_valid (tree)); /* desktop Lua accepts it */
  diags = mw_lua_tree_get_diagnostics (tree);
  for (guint i = 0; i < diags->len; i++)
    {
      const MwLuaDiagnostic *d = diags->pdata[i];
      if (g_strcmp0 (d->code, MW_LUA_CODE_FIRMWARE_LOCALS) == 0)
        {
          found = TRUE;
          g_assert_cmpuint (d->line, ==, 51);
          g_assert_nonnull (strstr (d->message, "main function has more than 50 local"));
        }
    }
  g_assert_true (found);
}

static void
test_desktop_limits (void)
{
  g_autoptr (GString) src = g_string_new ("local function f()\n");
  g_autoptr (GString) ups = g_string_new ("");
  g_autofree char *luac_msg = NULL;
  g_autoptr (MwLuaTree) tree = NULL;
  g_autofree char *ours = NULL;

  /* 201 locals: Lua's own limit */
  for (int i = 0; i < 201; i++)
    g_string_append_printf (src, "local v%d\n", i);
  g_string_append (src, "end\n");
  g_assert_false (mw_test_luac_check_source ("limit.lua", src->str, src->len, &luac_msg));
  tree = mw_lua_tree_parse ("limit.lua", src->str, src->len, MW_LUA_PARSE_NONE);
  g_assert_nonnull (mw_lua_tree_get_error (tree));
  ours = mw_lua_diagnostic_format (mw_lua_tree_get_error (tree), "limit.lua");
  g_assert_cmpstr (ours, ==, luac_msg);
  g_clear_pointer (&tree, mw_lua_tree_unref);
  g_clear_pointer (&ours, g_free);
  g_clear_pointer (&luac_msg, g_free);

  /* 61 upvalues */
  for (int i = 0; i < 61; i++)
    g_string_append_printf (ups, "local u%d\n", i);
  g_string_append (ups, "return function()\nreturn ");
  for (int i = 0; i < 61; i++)
    g_string_append_printf (ups, "%su%d", i ? "+" : "", i);
  g_string_append (ups, "\nend\n");
  g_assert_false (mw_test_luac_check_source ("ups.lua", ups->str, ups->len, &luac_msg));
  tree = mw_lua_tree_parse ("ups.lua", ups->str, ups->len, MW_LUA_PARSE_NONE);
  g_assert_nonnull (mw_lua_tree_get_error (tree));
  ours = mw_lua_diagnostic_format (mw_lua_tree_get_error (tree), "ups.lua");
  g_assert_cmpstr (ours, ==, luac_msg);
}

static void
test_nesting_levels (void)
{
  /* Lua counts syntax levels; luac runs its parser one C call deep */
  for (int depth = 190; depth <= 205; depth += 1)
    {
      g_autoptr (GString) src = g_string_new ("x = ");
      g_autofree char *luac_msg = NULL;
      g_autoptr (MwLuaTree) tree = NULL;
      gboolean luac_ok;

      for (int i = 0; i < depth; i++)
        g_string_append_c (src, '(');
      g_string_append_c (src, '1');
      for (int i = 0; i < depth; i++)
        g_string_append_c (src, ')');
      luac_ok = mw_test_luac_check_source ("deep.lua", src->str, src->len, &luac_msg);
      tree = mw_lua_tree_parse ("deep.lua", src->str, src->len, MW_LUA_PARSE_NONE);
      g_assert_cmpint (luac_ok, ==, mw_lua_tree_is_valid (tree));
      if (!luac_ok)
        {
          g_autofree char *ours =
            mw_lua_diagnostic_format (mw_lua_tree_get_error (tree), "deep.lua");
          g_assert_cmpstr (ours, ==, luac_msg);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/lua/parser/luac/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/mw/lua/parser/lossless", test_lossless);
  g_test_add_func ("/mw/lua/parser/firmware-locals", test_firmware_locals);
  g_test_add_func ("/mw/lua/parser/desktop-limits", test_desktop_limits);
  g_test_add_func ("/mw/lua/parser/nesting-levels", test_nesting_levels);
  return g_test_run ();
}
