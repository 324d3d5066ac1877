/* test-lexer.c: Lua 5.1 tokens, table-driven: source in, token kinds and texts out. */
#include <string.h>

#include "mw-lua-lexer.h"

typedef struct
{
  const char *name;
  const char *source;
  const char *tokens; /* kind names (text in [] for names, numbers, strings), space-separated */
} Case;

static const Case cases[] = {
  { "empty", "", "<eof>" },
  { "concat-numbers", "1..2", "<error>" },
  { "concat-spaced", "1 ..2", "<number>[1] .. <number>[2] <eof>" },
  { "dot-number", "a.b .5", "<name>[a] . <name>[b] <number>[.5] <eof>" },
  { "dots", "... .. .", "... .. . <eof>" },
  { "number-trailing-dot", "3. ..x", "<number>[3.] .. <name>[x] <eof>" },
  { "hex", "0xFF 0x10", "<number>[0xFF] <number>[0x10] <eof>" },
  { "exponent", "1e5 1E+5 2.5e-3", "<number>[1e5] <number>[1E+5] <number>[2.5e-3] <eof>" },
  { "keywords",
    "and break do else elseif end false for function if in local nil not or "
    "repeat return then true until while",
    "and break do else elseif end false for function if in local nil not or repeat return "
    "then true until while <eof>" },
  { "keyword-prefix", "ends iff _end", "<name>[ends] <name>[iff] <name>[_end] <eof>" },
  { "symbols", "== ~= <= >= < > = + - * / % ^ # ( ) { } [ ] ; : ,",
    "== ~= <= >= < > = + - * / % ^ # ( ) { } [ ] ; : , <eof>" },
  { "tilde-alone", "~", "<char> <eof>" },
  { "short-string", "'a\"b' \"c'd\"", "<string>['a\"b'] <string>[\"c'd\"] <eof>" },
  { "long-string", "[[x]] [==[y]]z]==]", "<string>[[[x]]] <string>[[==[y]]z]==]] <eof>" },
  { "long-string-level1-nest", "[=[ [[ ]=]", "<string>[[=[ [[ ]=]] <eof>" },
  { "nested-level0", "[[ [[ ]]", "<error>" },
  { "bracket", "a[b]", "<name>[a] [ <name>[b] ] <eof>" },
  { "bracket-equals", "a[=", "<name>[a] <error>" },
  { "comment-short", "x -- c\ny", "<name>[x] <name>[y] <eof>" },
  { "comment-long", "x --[==[ a\n]] ]==] y", "<name>[x] <name>[y] <eof>" },
  { "comment-short-cr", "x -- c\ry -- d\r\nz", "<name>[x] <name>[y] <name>[z] <eof>" },
  { "comment-bracket-not-long", "x --[= not long\ny", "<name>[x] <name>[y] <eof>" },
  { "minus-minus-spaced", "a - -b", "<name>[a] - - <name>[b] <eof>" },
  { "high-bytes", "\xc3\xa9", "<char> <char> <eof>" },
  { "underscore-name", "_G __index", "<name>[_G] <name>[__index] <eof>" },
  { "escaped-newline", "'a\\\nb' c", "<string>['a\\\nb'] <name>[c] <eof>" },
};

static void
describe (const char *src, const MwLuaLexResult *res, GString *out)
{
  for (guint i = 0; i < res->tokens->len; i++)
    {
      const MwLuaToken *t = &g_array_index (res->tokens, MwLuaToken, i);
      if (i)
        g_string_append_c (out, ' ');
      g_string_append (out, mw_lua_token_kind_to_string (t->kind));
      if (t->kind == MW_LUA_TOKEN_NAME || t->kind == MW_LUA_TOKEN_NUMBER
          || t->kind == MW_LUA_TOKEN_STRING)
        {
          g_string_append_c (out, '[');
          g_string_append_len (out, src + t->offset, t->length);
          g_string_append_c (out, ']');
        }
    }
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  MwLuaLexResult res;
  g_autoptr (GString) got = g_string_new (NULL);

  mw_lua_lex (c->source, strlen (c->source), MW_LUA_LEX_NONE, &res);
  describe (c->source, &res, got);
  g_assert_cmpstr (got->str, ==, c->tokens);
  mw_lua_lex_result_clear (&res);
}

static void
test_positions (void)
{
  const char *src = "a\n  bb\r\n\tc [[\nx\n]] d";
  MwLuaLexResult res;
  const MwLuaToken *t;

  mw_lua_lex (src, strlen (src), MW_LUA_LEX_NONE, &res);
  g_assert_cmpuint (res.tokens->len, ==, 6);
  t = &g_array_index (res.tokens, MwLuaToken, 1);
  g_assert_cmpuint (t->line, ==, 2);
  g_assert_cmpuint (t->column, ==, 3);
  g_assert_cmpuint (t->offset, ==, 4);
  g_assert_cmpuint (t->trivia, ==, 1);
  t = &g_array_index (res.tokens, MwLuaToken, 2);
  g_assert_cmpuint (t->line, ==, 3);
  g_assert_cmpuint (t->column, ==, 2);
  t = &g_array_index (res.tokens, MwLuaToken, 3); /* the long string spans lines 3-5 */
  g_assert_cmpuint (t->line, ==, 3);
  g_assert_cmpuint (t->end_line, ==, 5);
  t = &g_array_index (res.tokens, MwLuaToken, 4);
  g_assert_cmpuint (t->line, ==, 5);
  g_assert_cmpuint (t->column, ==, 4);
  mw_lua_lex_result_clear (&res);
}

/* a short comment ends at \n, \r, \r\n or \n\r, each one line */
static void
test_comment_lines (void)
{
  const char *src = "a -- 1\rb -- 2\r\nc --3\n\rd --4\n e";
  const guint32 lines[] = { 1, 2, 3, 4, 5 };
  MwLuaLexResult res;

  mw_lua_lex (src, strlen (src), MW_LUA_LEX_NONE, &res);
  g_assert_cmpuint (res.tokens->len, ==, G_N_ELEMENTS (lines) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_assert_cmpuint (g_array_index (res.tokens, MwLuaToken, i).line, ==, lines[i]);
  g_assert_cmpuint (res.comments->len, ==, 4);
  g_assert_cmpuint (g_array_index (res.comments, MwLuaComment, 1).length, ==, 4);
  mw_lua_lex_result_clear (&res);
}

static void
test_shebang (void)
{
  const char *src = "#!/usr/bin/lua\nx";
  MwLuaLexResult res;
  const MwLuaToken *t;

  mw_lua_lex (src, strlen (src), MW_LUA_LEX_SKIP_SHEBANG, &res);
  g_assert_cmpuint (res.shebang, ==, 14);
  t = &g_array_index (res.tokens, MwLuaToken, 0);
  g_assert_cmpint (t->kind, ==, MW_LUA_TOKEN_NAME);
  g_assert_cmpuint (t->line, ==, 2);
  mw_lua_lex_result_clear (&res);
}

typedef struct
{
  const char *source;
  const char *value;
  gsize value_len;
} StringCase;

static void
test_decode (void)
{
  static const StringCase strings[] = {
    { "'\\65\\066\\0677'",
      "AB"
      "C7",
      4 },
    { "\"\\n\\t\\\\\\\"\"", "\n\t\\\"", 4 },
    { "'\\q\\''", "q'", 2 },
    { "'a\\\r\nb'", "a\nb", 3 },
    { "[[\nfirst]]", "first", 5 },
    { "[==[\r\na\rb]==]", "a\nb", 3 },
    { "'\\0x'", "\0x", 2 },
    { "'\\255'", "\xff", 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      MwLuaLexResult res;
      g_autoptr (GString) out = g_string_new (NULL);

      mw_lua_lex (strings[i].source, strlen (strings[i].source), MW_LUA_LEX_NONE, &res);
      g_assert_cmpint (g_array_index (res.tokens, MwLuaToken, 0).kind, ==, MW_LUA_TOKEN_STRING);
      mw_lua_token_decode_string (strings[i].source, &g_array_index (res.tokens, MwLuaToken, 0),
                                  out);
      g_assert_cmpmem (out->str, out->len, strings[i].value, strings[i].value_len);
      mw_lua_lex_result_clear (&res);
    }
}

static void
test_numerals (void)
{
  double v;

  g_assert_true (mw_lua_numeral_to_double ("0x5AF3107A4001", 14, &v));
  g_assert_cmpfloat (v, ==, (double) 0x5AF3107A4001ULL);
  g_assert_true (mw_lua_numeral_to_double (".5", 2, &v));
  g_assert_cmpfloat (v, ==, 0.5);
  /* decimal digits are read without strtod up to 15 of them, with it beyond: both exact */
  g_assert_true (mw_lua_numeral_to_double ("007", 3, &v));
  g_assert_cmpfloat (v, ==, 7.0);
  g_assert_true (mw_lua_numeral_to_double ("999999999999999", 15, &v));
  g_assert_cmpfloat (v, ==, 999999999999999.0);
  g_assert_true (mw_lua_numeral_to_double ("9007199254740993", 16, &v));
  g_assert_cmpfloat (v, ==, 9007199254740992.0);
  g_assert_true (mw_lua_numeral_to_double ("12345678901234567890", 20, &v));
  g_assert_cmpfloat (v, ==, 12345678901234567168.0);
  g_assert_false (mw_lua_numeral_to_double ("", 0, &v));
  g_assert_false (mw_lua_numeral_to_double ("3..2", 4, &v));
  g_assert_false (mw_lua_numeral_to_double ("0x", 2, &v));
  g_assert_false (mw_lua_numeral_to_double ("1e", 2, &v));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/lua/lexer/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/mw/lua/lexer/positions", test_positions);
  g_test_add_func ("/mw/lua/lexer/comment-lines", test_comment_lines);
  g_test_add_func ("/mw/lua/lexer/shebang", test_shebang);
  g_test_add_func ("/mw/lua/lexer/decode-string", test_decode);
  g_test_add_func ("/mw/lua/lexer/numerals", test_numerals);
  return g_test_run ();
}
