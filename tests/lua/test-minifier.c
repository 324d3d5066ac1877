/* test-minifier.c: the verified minifier against liblua5.1 and the corpus.
 *
 * Oracles: each regression case runs in liblua5.1 before and after minification and must
 * return the same values; every output must pass the bytecode verifier; every corpus file is
 * minified in both modes (any refusal fails) and the output re-parsed to check the names it
 * chose. The CLI's tests are in tests/cli/test-cli-minify.c.
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

#include "mw-lua-minifier.h"
#include "mw-lua-minify-verify.h"
#include "mw-lua-tree.h"
#include "mw-test-support.h"

/* Globals every case may use; `f` returns two values so that truncation shows. */
static const char prelude[] = "function f() return 1, 2 end\n"
                              "function g() return 3 end\n"
                              "a, b, c = 1e16, 1, 1\n"
                              "p, q, r = 2^53, 1, 1\n"
                              "x = 'x'\n";

/* Runs `source` after the prelude in a fresh liblua5.1 state and describes what it returns
 * (or the error), with numbers to 17 digits and tables by their array part. */
static char *
run_lua (const char *source, gsize len)
{
  static const char describe[] =
    "local function d(v)\n"
    "  if type(v) == 'number' then return string.format('%.17g', v) end\n"
    "  if type(v) ~= 'table' then return type(v) .. ':' .. tostring(v) end\n"
    "  local s = {} for i = 1, #v do s[i] = d(v[i]) end\n"
    "  return '{' .. table.concat(s, ',') .. '}'\n"
    "end\n"
    "return function(ok, ...)\n"
    "  local s = {tostring(ok), select('#', ...)}\n"
    "  for i = 1, select('#', ...) do s[#s + 1] = d((select(i, ...))) end\n"
    "  return table.concat(s, ' ')\n"
    "end\n";
  lua_State *L = luaL_newstate ();
  char *result;

  luaL_openlibs (L);
  g_assert_cmpint (luaL_dostring (L, prelude), ==, 0);
  g_assert_cmpint (luaL_dostring (L, describe), ==, 0);
  /* as luaL_loadfile: a first line starting with '#' is skipped, its line break kept */
  if (len > 0 && source[0] == '#')
    {
      const char *nl = memchr (source, '\n', len);
      g_assert_nonnull (nl);
      len -= nl - source;
      source = nl;
    }
  if (luaL_loadbuffer (L, source, len, "=case") != 0)
    result = g_strdup_printf ("syntax: %s", lua_tostring (L, -1));
  else
    {
      int base = lua_gettop (L) - 1; /* the describer is below the chunk */
      int status = lua_pcall (L, 0, LUA_MULTRET, 0);
      int n = lua_gettop (L) - base;
      lua_pushboolean (L, status == 0);
      lua_insert (L, base + 1);
      g_assert_cmpint (lua_pcall (L, n + 1, 1, 0), ==, 0);
      result = g_strdup (lua_tostring (L, -1));
    }
  lua_close (L);
  return result;
}

static GBytes *
minify_ok (const char *source, gsize len, gboolean keep_lines)
{
  g_autoptr (GError) error = NULL;
  MwLuaMinifyOptions options = { 0 };
  GBytes *out;

  options.keep_lines = keep_lines;
  out = mw_lua_minify ("case.lua", source, len, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

typedef struct
{
  const char *name;
  const char *source;
  const char *must_contain; /* in the default output, or NULL */
  const char *expect; /* the default output exactly, or NULL */
} Case;

/* The regressions: what luamin and LuaSrcDiet get wrong, and the lexer's corners. */
static const Case cases[] = {
  { "truncating-return", "return (f())", "return(f())", NULL },
  { "truncating-constructor", "return {(f())}", "{(f())}", NULL },
  { "truncating-vararg", "local function h(...) return (...) end return h(1, 2)", "(...)", NULL },
  { "grouping-add-sub", "return a + (b - c)", "a+(b-c)", NULL },
  { "grouping-mul-div", "return a * (b / c)", "a*(b/c)", NULL },
  { "grouping-pqr", "return p + (q - r)", "p+(q-r)", NULL },
  { "semicolon-before-paren", "local a = b;\n(f or g)()\nreturn a", ";(f or g)()", NULL },
  { "numeral-concat", "return 1. .. x", "1. ..x", NULL },
  { "minus-minus", "local n = 2\nreturn b - -n", "b- -", NULL },
  { "nested-long-bracket", "return [=[ [[ ]=]", "return\" [[ \"", NULL },
  { "nested-long-bracket-kept", "return [=[a\n\n\n\n\n[[b]]]=]", "[=[a\n\n\n\n\n[[b]]]=]", NULL },
  { "big-hex", "return 0x5AF3107A4001", "0x5AF3107A4001", NULL },
  { "hex-below-2^31", "return 0x07FFFFFFF, 0x10", "2147483647,16", NULL },
  { "hex-at-2^31", "return 0x80000000", "0x80000000", NULL },
  { "fraction", "return 0.50, 100.0, 0.001, 1E+10", "return.5,1e2,.001,1e10", NULL },
  { "integers-stay", "return 100, 007, 1000000", "return 100,007,1000000", NULL },
  { "raw-high-bytes", "return \"\x80\xa0\xbf\xc3\xa9\xff\", '\\128\\255'",
    "\"\x80\xa0\xbf\xc3\xa9\xff\",\"\x80\xff\"", NULL },
  { "escapes", "return \"\\65\\066\", 'it\\'s', \"say \\\"hi\\\"\", '\\0001', \"a\\\nb\"",
    "return\"AB\",\"it's\",'say \"hi\"','\\0001',\"a\\\nb\"", NULL },
  { "long-comment", "local y = 1 --[==[ a ]] b\n ]==] return y", NULL, "local a=1 return a" },
  { "short-comments", "-- one\nlocal z = 1 -- two\nreturn z -- three", NULL, "local a=1 return a" },
  { "shebang", "#!/usr/bin/env lua\nreturn 1", NULL, "#!/usr/bin/env lua\nreturn 1" },
  { "string-call", "local t = {} t.s = tostring(\"x\") return type({}), t.s", NULL,
    "local a={}a.s=tostring\"x\"return type{},a.s" },
  { "string-method-needs-parens", "return (\"%d\"):format(5)", "(\"%d\"):format", NULL },
  { "trailing-separators", "return #{1, 2, 3,}, #{4; 5;}", "{1,2,3},#{4;5}", NULL },
  { "name-reuse-after-block", "local a = 1 do local b = 2 y = b end return a, y", NULL,
    "local a=1 do local a=2 y=a end return a,y" },
  { "no-capture-of-upvalue",
    "local up = 10\nlocal function h(v) local w = v + 1 return w + up end\nreturn h(1)", NULL,
    NULL },
  { "no-hiding-global", "local s = 0 for i = 1, 3 do s = s + a end return s, a", NULL,
    "local b=0 for c=1,3 do b=b+a end return b,a" },
  { "method-self", "local t = {k = 2} function t:m(v) return self.k * v end return t:m(3)",
    "self.k", NULL },
  { "vararg-arg",
    "local function h(...) local v = arg return v.n, v[2] end\n"
    "return h(1, 2), arg",
    "=arg ", NULL },
  { "repeat-scope", "local i = 0 repeat local j = i + 1 i = j until j >= 3 return i", NULL, NULL },
  { "shadowing-same-statement", "local v, v = 1, 2 return v", NULL, NULL },
  { "keywords-adjacent", "local t = {} if t then return not nil and t or 1 end", NULL, NULL },
  { "comparison-eq", "local u = 1 return u == 1, u ~= 2, u <= 1, u >= 1, u < 2, u > 0", NULL,
    NULL },
  { "index-long-string", "local t = {} t[ [[k\n\n\n\nk]] ] = 1 return t[\"k\\n\\n\\n\\nk\"]",
    "[ [[k\n\n\n\nk]]]", NULL },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  gsize len = strlen (c->source);
  g_autofree char *want = run_lua (c->source, len);

  g_assert_false (g_str_has_prefix (want, "syntax:"));
  for (int keep_lines = 0; keep_lines <= 1; keep_lines++)
    {
      g_autoptr (GBytes) out = minify_ok (c->source, len, keep_lines);
      gsize out_len;
      const char *text = g_bytes_get_data (out, &out_len);
      g_autofree char *copy = g_strndup (text, out_len);
      g_autofree char *got = run_lua (text, out_len);
      g_autofree char *escaped = g_strescape (copy, NULL);

      g_test_message ("%s: %s", keep_lines ? "keep-lines" : "default", escaped);
      g_assert_cmpstr (got, ==, want);
      g_assert_cmpuint (out_len, <=, len);
      if (!keep_lines && c->must_contain != NULL)
        g_assert_nonnull (strstr (copy, c->must_contain));
      if (!keep_lines && c->expect != NULL)
        g_assert_cmpstr (copy, ==, c->expect);
    }
}

/* The same regressions in one file with a shebang (tests/lua/data/minify/regressions.lua). */
static void
test_data_file (void)
{
  g_autofree char *path = mw_test_data_path ("lua/data/minify/regressions.lua");
  g_autofree char *data = NULL;
  g_autofree char *want = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  want = run_lua (data, len);
  g_assert_true (g_str_has_prefix (want, "true 1 string:"));
  for (int keep_lines = 0; keep_lines <= 1; keep_lines++)
    {
      g_autoptr (GBytes) out = minify_ok (data, len, keep_lines);
      gsize out_len;
      const char *text = g_bytes_get_data (out, &out_len);
      g_autofree char *got = run_lua (text, out_len);
      guint lines_in = 0, lines_out = 0;

      g_assert_cmpstr (got, ==, want);
      g_assert_true (g_str_has_prefix (text, "#!/usr/bin/env lua\n"));
      g_assert_null (g_strstr_len (text, out_len, "Regressions"));
      for (gsize i = 0; i < len; i++)
        lines_in += data[i] == '\n';
      for (gsize i = 0; i < out_len; i++)
        lines_out += text[i] == '\n';
      if (keep_lines)
        g_assert_cmpuint (lines_out, ==, lines_in);
      else
        g_assert_cmpuint (lines_out, ==, 1); /* the shebang's */
      g_assert_cmpuint (out_len, <, len * 6 / 10);
    }
}

typedef struct
{
  const char *in;
  const char *out; /* NULL: no shorter spelling */
} NumeralCase;

static const NumeralCase numerals[] = {
  { "0.50", ".5" },
  { "0.5", ".5" },
  { "1.0", "1." },
  { "100.0", "1e2" },
  { "0.001", ".001" },
  { "1E+10", "1e10" },
  { "1.5e-5", "15e-6" },
  { "3.14159", NULL },
  { "0x10", "16" },
  { "0X00ff", "255" },
  { "0x00007FFFFFFF", "2147483647" },
  { "0x7FFFFFFF", NULL },
  { "0x80000000", NULL },
  { "0x5AF3107A4001", NULL },
  { "100", NULL },
  { "007", NULL },
  { "1e5", NULL },
  { "12345678901234567890", NULL },
  { "0.1", ".1" },
  { "123456789012345.0", "123456789012345." },
};

static void
test_numerals (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (numerals); i++)
    {
      g_autofree char *got = mw_lua_minify_numeral (numerals[i].in, strlen (numerals[i].in));
      g_test_message ("%s -> %s", numerals[i].in, got);
      g_assert_cmpstr (got, ==, numerals[i].out);
      if (got != NULL)
        {
          double a, b;
          g_assert_true (mw_lua_numeral_to_double (numerals[i].in, strlen (numerals[i].in), &a));
          g_assert_true (mw_lua_numeral_to_double (got, strlen (got), &b));
          g_assert_true (memcmp (&a, &b, sizeof a) == 0);
          /* an integer spelling stays one and a fractional one stays fractional, so that
           * the integer firmware reads both alike (docs/firmware.md section 4) */
          g_assert_cmpint (strpbrk (numerals[i].in + 1, ".eE") != NULL
                             && strpbrk (numerals[i].in, "xX") == NULL,
                           ==, strpbrk (got, ".e") != NULL);
        }
    }
}

/* The c-th name of the minifier's order: a..z A..Z _, then two characters, and so on. */
static void
candidate_name (guint c, char buf[8])
{
  static const char first[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
  static const char rest[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
  guint count = 53, len = 1;

  while (c >= count)
    {
      c -= count;
      count *= 63;
      len++;
    }
  for (guint i = len; i-- > 1;)
    {
      buf[i] = rest[c % 63];
      c /= 63;
    }
  buf[0] = first[c];
  buf[len] = '\0';
}

/* Every local the output declares has a valid, non-keyword name. */
static void
assert_local_names (const char *name, const char *text, gsize len)
{
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse (name, text, len, MW_LUA_PARSE_SKIP_SHEBANG);
  GPtrArray *funcs;

  g_assert_true (mw_lua_tree_is_valid (tree));
  funcs = mw_lua_tree_get_functions (tree);
  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];
      for (guint j = 0; j < f->vars->len; j++)
        {
          MwLuaVar *v = f->vars->pdata[j];
          if (v->kind != MW_LUA_VAR_HIDDEN)
            g_assert_true (mw_lua_minify_is_valid_name (v->name));
        }
    }
}

/* All one- and two-character names but the keywords are globals used in the scope of two
 * locals: the locals must skip do/if/in/or and take three characters. */
static void
test_no_keywords (void)
{
  g_autoptr (GString) src = g_string_new ("local first, second = 1, 2\n");
  g_autoptr (GBytes) out = NULL;
  g_autofree char *want = NULL, *got = NULL;
  const char *text;
  gsize len;
  static const char *const two[] = { "do", "if", "in", "or" };
  const char *firsts = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
  const char *rests = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";

  for (const char *p = firsts; *p; p++)
    {
      g_string_append_printf (src, "t = %c\n", *p);
      for (const char *q = rests; *q; q++)
        {
          char name[3] = { *p, *q, 0 };
          gboolean keyword = FALSE;
          for (gsize k = 0; k < G_N_ELEMENTS (two); k++)
            keyword |= strcmp (two[k], name) == 0;
          if (!keyword)
            g_string_append_printf (src, "t = %s\n", name);
        }
    }
  g_string_append (src, "return first + second\n");
  want = run_lua (src->str, src->len);
  out = minify_ok (src->str, src->len, FALSE);
  text = g_bytes_get_data (out, &len);
  got = run_lua (text, len);
  g_assert_cmpstr (got, ==, want);
  assert_local_names ("no-keywords", text, len);
  g_assert_nonnull (g_strstr_len (text, len, "local aaa,aab=1,2"));
}

/* Lua 5.1 declares a local `arg` in every vararg function (LUA_COMPAT_VARARG): an outer
 * local used inside one must not be named `arg`, or that use would read the implicit local.
 * Globals take every cheaper name, so the outer local's first free candidate is `arg`. */
static void
test_vararg_arg (void)
{
  g_autoptr (GString) src = g_string_new ("local outer = 1\n");
  g_autoptr (GBytes) out = NULL;
  g_autofree char *want = NULL, *got = NULL;
  const char *text;
  gsize len;

  for (guint c = 0;; c++)
    {
      char name[8];
      candidate_name (c, name);
      if (strcmp (name, "arg") == 0)
        break;
      if (mw_lua_minify_is_valid_name (name))
        g_string_append_printf (src, "t = %s\n", name);
    }
  g_string_append (src, "local function h(...) return outer, arg.n end\nreturn h(5, 6)\n");
  want = run_lua (src->str, src->len);
  g_assert_cmpstr (want, ==, "true 2 1 2");
  out = minify_ok (src->str, src->len, FALSE);
  text = g_bytes_get_data (out, &len);
  got = run_lua (text, len);
  g_assert_cmpstr (got, ==, want);
  g_assert_nonnull (g_strstr_len (text, len, "local arh=1"));
  g_assert_nonnull (g_strstr_len (text, len, "return arh,arg.n"));
}

/* Random programs dense with shadowing, upvalues, globals, `self` and `arg` (a fixed seed):
 * the verifier is the oracle, so any renaming mistake is a refusal. */
static const char *const gen_names[] = { "a", "b", "c", "x", "arg", "self", "print", "_" };

static void gen_block (GRand *r, GString *s, int depth);

static void
gen_expr (GRand *r, GString *s, int depth)
{
  switch (depth > 2 ? 0 : g_rand_int_range (r, 0, 6))
    {
      case 0:
        g_string_append_printf (s, "%d", g_rand_int_range (r, 0, 10));
        break;
      case 1:
      case 5:
        g_string_append (s, gen_names[g_rand_int_range (r, 0, G_N_ELEMENTS (gen_names))]);
        break;
      case 2:
        g_string_append_c (s, '(');
        gen_expr (r, s, depth + 1);
        g_string_append (s, " + ");
        gen_expr (r, s, depth + 1);
        g_string_append_c (s, ')');
        break;
      case 3:
        {
          static const char *const params[] = { "", "a", "a, b", "...", "x, ..." };
          g_string_append_printf (s, "function (%s) ", params[g_rand_int_range (r, 0, 5)]);
          gen_block (r, s, depth + 1);
          g_string_append (s, " end");
          break;
        }
      default:
        g_string_append_c (s, '{');
        gen_expr (r, s, depth + 1);
        g_string_append_c (s, '}');
        break;
    }
}

static void
gen_block (GRand *r, GString *s, int depth)
{
  int n = g_rand_int_range (r, 1, 5);

  for (int i = 0; i < n; i++)
    {
      const char *v = gen_names[g_rand_int_range (r, 0, 6)];
      const char *w = gen_names[g_rand_int_range (r, 0, 6)];
      int kind = g_rand_int_range (r, 0, depth < 4 ? 8 : 3);

      if (kind == 0)
        g_string_append_printf (s, "local %s = ", v);
      else if (kind == 1)
        g_string_append_printf (s, "local %s, %s = ", v, w);
      else if (kind == 2)
        g_string_append_printf (s, "%s = ", gen_names[g_rand_int_range (r, 0, 8)]);
      if (kind <= 2)
        {
          gen_expr (r, s, depth);
          g_string_append_c (s, '\n');
          continue;
        }
      switch (kind)
        {
          case 3:
            g_string_append (s, "do ");
            break;
          case 4:
            g_string_append_printf (s, "for %s = 1, 2 do ", gen_names[g_rand_int_range (r, 0, 4)]);
            break;
          case 5:
            g_string_append_printf (s, "for %s, %s in next, {} do ", v, w);
            break;
          case 6:
            g_string_append_printf (s, "local function %s(%s) ",
                                    gen_names[g_rand_int_range (r, 0, 4)],
                                    g_rand_boolean (r) ? "a, ..." : "b");
            break;
          default:
            g_string_append_printf (s, "function t:m(%s) ", g_rand_boolean (r) ? "..." : "x");
            break;
        }
      gen_block (r, s, depth + 1);
      g_string_append (s, " end\n");
    }
}

static void
test_generated (void)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (20240501);

  for (int i = 0; i < 300; i++)
    {
      g_autoptr (GString) s = g_string_new ("t = {}\n");

      gen_block (r, s, 0);
      g_string_append_printf (s, "return %s\n", gen_names[g_rand_int_range (r, 0, 8)]);
      for (int keep_lines = 0; keep_lines <= 1; keep_lines++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) out = NULL;
          MwLuaMinifyOptions options = { 0 };

          options.keep_lines = keep_lines;
          out = mw_lua_minify ("gen.lua", s->str, s->len, &options, NULL, &error);
          if (error != NULL)
            {
              g_autofree char *escaped = g_strescape (s->str, NULL);
              g_test_message ("%s", escaped);
            }
          g_assert_no_error (error);
        }
    }
}

/* The verifier itself must see a difference and name the function. */
static void
test_verifier (void)
{
  static const char a[] = "local x = 1\nlocal function h()\n  return 1\nend\nreturn h";
  static const char b[] = "local x = 1\nlocal function h()\n  return 2\nend\nreturn h";
  static const char moved[] = "local x = 1\nlocal function h()\n  return 1 end\nreturn h";
  g_autoptr (MwLuaMinifyVerify) v1 = mw_lua_minify_verify_start ("t.lua", a, strlen (a), FALSE);
  g_autoptr (MwLuaMinifyVerify) v2 = mw_lua_minify_verify_start ("t.lua", a, strlen (a), FALSE);
  g_autoptr (MwLuaMinifyVerify) v3 = mw_lua_minify_verify_start ("t.lua", a, strlen (a), TRUE);
  g_autofree char *d1 = NULL, *d2 = NULL, *d3 = NULL;
  guint n = 0;

  g_assert_false (mw_lua_minify_verify_finish (v1, b, strlen (b), &n, &d1));
  g_test_message ("%s", d1);
  g_assert_nonnull (strstr (d1, "line 2"));
  /* lines do not count by default, and do with keep_lines */
  g_assert_true (mw_lua_minify_verify_finish (v2, moved, strlen (moved), &n, &d2));
  g_assert_cmpuint (n, ==, 2);
  g_assert_false (mw_lua_minify_verify_finish (v3, moved, strlen (moved), &n, &d3));
  g_test_message ("%s", d3);
  g_assert_nonnull (strstr (d3, "function at line 2"));

  /* the line of each instruction, in keep_lines mode only */
  {
    static const char one[] = "local y = x\nreturn y";
    static const char two[] = "local y =\nx return y";
    g_autoptr (MwLuaMinifyVerify) v4 =
      mw_lua_minify_verify_start ("t.lua", one, strlen (one), TRUE);
    g_autoptr (MwLuaMinifyVerify) v5 =
      mw_lua_minify_verify_start ("t.lua", one, strlen (one), FALSE);
    g_autofree char *d4 = NULL, *d5 = NULL;

    g_assert_false (mw_lua_minify_verify_finish (v4, two, strlen (two), &n, &d4));
    g_test_message ("%s", d4);
    g_assert_nonnull (strstr (d4, "main chunk: line of instruction 1 differs (1, not 2)"));
    g_assert_true (mw_lua_minify_verify_finish (v5, two, strlen (two), &n, &d5));
  }
}

static void
test_keep_lines (void)
{
  static const char src[] =
    "-- header\n\nlocal function add(first, second)\n  return first +\n    second\nend\n\n"
    "local s = [[\nline\n]]\nreturn add(1, 2), s, \"a\\\nb\"\n\n";
  g_autoptr (GBytes) out = minify_ok (src, strlen (src), TRUE);
  gsize len;
  const char *text = g_bytes_get_data (out, &len);
  guint lines_in = 0, lines_out = 0;

  for (const char *p = src; *p; p++)
    lines_in += *p == '\n';
  for (gsize i = 0; i < len; i++)
    lines_out += text[i] == '\n';
  g_assert_cmpuint (lines_out, ==, lines_in);
  g_assert_nonnull (g_strstr_len (text, len, "\n\nlocal function a(a,b)\nreturn a+\nb\nend"));
}

static void
test_keep_comment (void)
{
  static const char src[] = "-- Copyright 2024 A. Author, MIT licence\n--[[ MIT: keep ]] "
                            "local v = 1 -- plain\nreturn v";
  g_autoptr (GPtrArray) res = g_ptr_array_new_with_free_func ((GDestroyNotify) g_regex_unref);
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;
  MwLuaMinifyOptions options = { 0 };
  gsize len;
  const char *text;

  g_ptr_array_add (res, g_regex_new ("Copyright|MIT", 0, 0, NULL));
  options.keep_comments = res;
  out = mw_lua_minify ("c.lua", src, strlen (src), &options, NULL, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (out, &len);
  g_assert_cmpmem (text, len,
                   "-- Copyright 2024 A. Author, MIT licence\n--[[ MIT: keep ]]"
                   "local a=1 return a",
                   strlen ("-- Copyright 2024 A. Author, MIT licence\n"
                           "--[[ MIT: keep ]]local a=1 return a"));
}

static void
test_empty (void)
{
  static const char *const sources[] = { "", "-- only a comment", "\n\n", "#!/bin/lua" };

  for (gsize i = 0; i < G_N_ELEMENTS (sources); i++)
    for (int keep_lines = 0; keep_lines <= 1; keep_lines++)
      {
        g_autoptr (GBytes) out = minify_ok (sources[i], strlen (sources[i]), keep_lines);
        g_assert_cmpuint (g_bytes_get_size (out), <=, strlen (sources[i]));
      }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) out = mw_lua_minify ("null.lua", NULL, 0, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (out), ==, 0);
  }
}

static void
test_drop_shebang (void)
{
  static const char src[] = "#!/usr/bin/lua\nlocal v = 1\nreturn v\n";
  MwLuaMinifyOptions options = { 0 };

  options.drop_shebang = TRUE;
  for (int keep_lines = 0; keep_lines <= 1; keep_lines++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) out = NULL;
      gsize len;
      const char *text;

      options.keep_lines = keep_lines;
      out = mw_lua_minify ("s.lua", src, strlen (src), &options, NULL, &error);
      g_assert_no_error (error);
      text = g_bytes_get_data (out, &len);
      /* with keep_lines its line stays, empty */
      if (keep_lines)
        g_assert_cmpmem (text, len, "\nlocal a=1\nreturn a\n", 20);
      else
        g_assert_cmpmem (text, len, "local a=1 return a", 18);
    }
}

static void
test_syntax_error (void)
{
  g_autoptr (GError) error = NULL;
  GBytes *out = mw_lua_minify ("bad.lua", "local = 1", 9, NULL, NULL, &error);

  g_assert_null (out);
  g_assert_error (error, MW_LUA_MINIFY_ERROR, MW_LUA_MINIFY_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "bad.lua:1:"));
}

static void
test_corpus (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  guint smaller = 0, minified = 0, rejected = 0;
  gsize total_in = 0, total_out[2] = { 0, 0 };

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (files->pdata[i], &data, &len, NULL));
      for (int keep_lines = 0; keep_lines <= 1; keep_lines++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) out = NULL;
          MwLuaMinifyOptions options = { 0 };
          MwLuaMinifyReport report = { 0 };

          options.keep_lines = keep_lines;
          out = mw_lua_minify (files->pdata[i], data, len, &options, &report, &error);
          if (out == NULL)
            {
              g_autofree char *message = NULL;
              /* only a file that luac5.1 rejects too may be refused */
              g_assert_error (error, MW_LUA_MINIFY_ERROR, MW_LUA_MINIFY_ERROR_SYNTAX);
              g_assert_false (mw_test_luac_check_source ("corpus.lua", data, len, &message));
              rejected += !keep_lines;
              break;
            }
          g_assert_cmpuint (report.output_bytes, ==, g_bytes_get_size (out));
          total_out[keep_lines] += report.output_bytes;
          if (!keep_lines)
            {
              gsize out_len;
              const char *text = g_bytes_get_data (out, &out_len);
              assert_local_names (files->pdata[i], text, out_len);
              minified++;
              total_in += len;
              smaller += out_len < len;
            }
        }
    }
  g_test_message ("%u files minified, %u rejected by Lua; %u smaller; ratio %.4f, "
                  "keep-lines %.4f",
                  minified, rejected, smaller, (double) total_out[0] / total_in,
                  (double) total_out[1] / total_in);
  g_assert_cmpuint (minified, >, 400);
  g_assert_cmpuint (smaller, >=, minified * 95 / 100);
  /* the targets: below LuaSrcDiet --maximum and its line-keeping mode */
  g_assert_cmpfloat ((double) total_out[0] / total_in, <, 0.457);
  g_assert_cmpfloat ((double) total_out[1] / total_in, <, 0.477);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/lua/minifier/case/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/mw/lua/minifier/data-file", test_data_file);
  g_test_add_func ("/mw/lua/minifier/numerals", test_numerals);
  g_test_add_func ("/mw/lua/minifier/no-keywords", test_no_keywords);
  g_test_add_func ("/mw/lua/minifier/vararg-arg", test_vararg_arg);
  g_test_add_func ("/mw/lua/minifier/generated", test_generated);
  g_test_add_func ("/mw/lua/minifier/verifier", test_verifier);
  g_test_add_func ("/mw/lua/minifier/keep-lines", test_keep_lines);
  g_test_add_func ("/mw/lua/minifier/keep-comment", test_keep_comment);
  g_test_add_func ("/mw/lua/minifier/empty", test_empty);
  g_test_add_func ("/mw/lua/minifier/drop-shebang", test_drop_shebang);
  g_test_add_func ("/mw/lua/minifier/syntax-error", test_syntax_error);
  g_test_add_func ("/mw/lua/minifier/corpus", test_corpus);
  return g_test_run ();
}
