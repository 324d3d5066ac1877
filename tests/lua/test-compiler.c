/* test-compiler.c: host compilation to NodeMCU bytecode against liblua5.1, luac5.1 and the
 * Debian corpus.
 *
 * - integer target: hand-made cases through the compiler's API (the code generator's own
 *   tests, test-codegen, hold the folding table and the corpus for it);
 * - round trip host -> NodeMCU float -> host over the corpus: the result is byte-identical
 *   to liblua's own dump (all debug info kept), loads, and its stripped dump is luac -s's;
 * - listings of what the code generator makes equal luac5.1 -l -l's, addresses aside;
 * - behaviour: programs and corpus modules print and return the same when run from the
 *   round-tripped chunk (through mw_lua_chunk_load, as the simulator's dofile does).
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "mw-lua-codegen.h"
#include "mw-lua-compiler.h"
#include "mw-test-support.h"

static int
collect (lua_State *L, const void *p, size_t sz, void *user_data)
{
  g_byte_array_append (user_data, p, sz);
  return 0;
}

static void
assert_bytes_equal (GBytes *a, const guint8 *b, gsize b_len)
{
  g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a), b, b_len);
}

/* ---------------------------------------------------------------------------------------- */
/* integer target */

typedef struct
{
  const char *source;
  const char *error; /* NULL: accepted */
} IntegerCase;

static const IntegerCase integer_cases[] = {
  { "local x = 1.5", "t.lua:1: malformed number near '1.5'" },
  { "\n\nlocal t = {}\nt.x = 3000000000",
    "t.lua:4: number 3000000000 is beyond the integer firmware's 32-bit range (luac.cross would "
    "write -1294967296, the board would read 2147483647)" },
  { "local function f()\n  local y = 2\n  return y * 0.25\nend",
    "t.lua:3: malformed number near '0.25'" },
  { "for i = 1, 10,\n 0.5 do end", "t.lua:2: malformed number near '0.5'" },
  { "x = 1e10", "t.lua:1: malformed number near '1e10'" },
  { "return 2147483646, -2147483647, 0, -1, 7 % 3, 1/2, 0xffffffff", NULL },
  { "local s = '1.5' return s, 10 / 2", NULL },
};

static void
test_integer_cases (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (integer_cases); i++)
    {
      const IntegerCase *c = &integer_cases[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = NULL;

      bytes = mw_lua_compiler_compile_to_bytes ("t.lua", c->source, strlen (c->source),
                                                MW_LUA_TARGET_INTEGER, MW_LUA_STRIP_NAMES, &error);
      if (c->error == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (bytes);
        }
      else
        {
          g_assert_error (error, MW_LUA_COMPILER_ERROR, MW_LUA_COMPILER_ERROR_NUMBER);
          g_assert_cmpstr (error->message, ==, c->error);
        }
    }
}

/* Integer header and a number stored as a 4-byte int, by hand: "return 7" with -s is
 * header, main (no source, lines 0 0, 0 0 2 2), 3 instructions at 32 (aligned),
 * constants: 1 number 07 00 00 00. */
static void
test_integer_golden (void)
{
  static const guint8 expected[] = {
    0x1b, 0x4c, 0x75, 0x61, 0x51, 0x00, 0x01, 0x04, 0x04, 0x04, 0x04, 0x01, 0, 0, 0, 0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    2,    2,    3, 0, 0, 0,
    0x01, 0x00, 0x00, 0x00, /* LOADK 0 7 */
    0x1e, 0x00, 0x00, 0x01, /* RETURN 0 2 */
    0x1e, 0x00, 0x80, 0x00, /* RETURN 0 1 */
    1,    0,    0,    0,    3,    7,    0,    0,    0,    0,    0,    0,    0, /* no functions; at
                                                                                  57: line info size
                                                                                  0, then 3 pad
                                                                                  bytes */
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0, /* no locals,
                                                                                        no upvalue
                                                                                        names */
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = mw_lua_compiler_compile_to_bytes (
    "t.lua", "return 7", 8, MW_LUA_TARGET_INTEGER, MW_LUA_STRIP_ALL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (bytes, expected, sizeof expected);
}

/* ---------------------------------------------------------------------------------------- */
/* the corpus */

typedef struct
{
  char *path;
  char *source;
  gsize len;
} CorpusFile;

static void
corpus_file_free (gpointer data)
{
  CorpusFile *f = data;
  g_free (f->path);
  g_free (f->source);
  g_free (f);
}

/* liblua5.1 compiles the file as luaL_loadfile does: a first "#" line blanked */
static MwLuaChunk *
liblua_compile (const CorpusFile *f)
{
  g_autofree char *name = g_strconcat ("@", f->path, NULL);
  const char *data = f->source;
  gsize len = f->len;

  if (len > 0 && data[0] == '#')
    {
      const char *nl = memchr (data, '\n', len);
      len = nl != NULL ? len - (nl - data) : 0;
      data = nl != NULL ? nl : "";
    }
  return mw_lua_chunk_new_from_source (name, data, len, NULL);
}

/* Every corpus file liblua5.1 compiles (the others are for the parser's tests). */
static GPtrArray *
valid_corpus (void)
{
  static GPtrArray *valid;

  if (valid == NULL)
    {
      g_autoptr (GPtrArray) files = mw_test_corpus_files ();
      valid = g_ptr_array_new_with_free_func (corpus_file_free);
      for (guint i = 0; i < files->len; i++)
        {
          CorpusFile *f = g_new0 (CorpusFile, 1);
          g_autoptr (MwLuaChunk) chunk = NULL;

          f->path = g_strdup (files->pdata[i]);
          g_assert_true (g_file_get_contents (f->path, &f->source, &f->len, NULL));
          chunk = liblua_compile (f);
          if (chunk == NULL)
            {
              const char *args[] = { "-p", f->path, NULL };
              g_autofree char *err = NULL;
              /* a file we cannot compile is one luac rejects too */
              g_assert_cmpint (mw_test_luac (args, NULL, &err), !=, 0);
              corpus_file_free (f);
              continue;
            }
          g_ptr_array_add (valid, f);
        }
      g_assert_cmpuint (valid->len, >=, 100);
    }
  return valid;
}

/* What liblua's own lua_dump writes for a file (shebang line blanked as luaL_loadfile). */
static GByteArray *
host_dump (const CorpusFile *f)
{
  lua_State *L = luaL_newstate ();
  GByteArray *out = g_byte_array_new ();
  g_autofree char *name = g_strconcat ("@", f->path, NULL);
  const char *src = f->source;
  gsize len = f->len;

  if (len > 0 && src[0] == '#')
    {
      const char *nl = memchr (src, '\n', len);
      len = nl != NULL ? len - (nl - src) : 0;
      src = nl != NULL ? nl : "";
    }
  g_assert_cmpint (luaL_loadbuffer (L, src, len, name), ==, 0);
  lua_dump (L, collect, out);
  lua_close (L);
  return out;
}

static void
test_corpus_round_trip (void)
{
  GPtrArray *valid = valid_corpus ();
  guint luac_checked = 0;

  for (guint i = 0; i < valid->len; i++)
    {
      const CorpusFile *f = valid->pdata[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (GByteArray) orig = host_dump (f);
      g_autoptr (MwLuaChunk) chunk = NULL;
      g_autoptr (MwLuaChunk) back = NULL;
      g_autoptr (MwLuaChunk) orig_stripped = NULL;
      g_autoptr (MwLuaChunk) back_stripped = NULL;
      g_autoptr (GBytes) nodemcu = NULL;
      g_autoptr (GBytes) host = NULL;
      g_autoptr (GBytes) s1 = NULL;
      g_autoptr (GBytes) s2 = NULL;
      lua_State *L;

      chunk = mw_lua_chunk_new_from_bytes (orig->data, orig->len, &error);
      g_assert_no_error (error);
      nodemcu = mw_lua_chunk_dump (chunk, &mw_lua_chunk_format_nodemcu_float, &error);
      g_assert_no_error (error);
      back = mw_lua_chunk_new_from_bytes (g_bytes_get_data (nodemcu, NULL),
                                          g_bytes_get_size (nodemcu), &error);
      g_assert_no_error (error);
      g_assert_cmpint (mw_lua_chunk_get_format (back)->layout, ==, MW_LUA_CHUNK_LAYOUT_NODEMCU);
      host = mw_lua_chunk_dump (back, mw_lua_chunk_format_host (), &error);
      g_assert_no_error (error);
      /* line info survives packing: the whole dump comes back byte for byte */
      assert_bytes_equal (host, orig->data, orig->len);

      L = luaL_newstate ();
      g_assert_cmpint (
        luaL_loadbuffer (L, g_bytes_get_data (host, NULL), g_bytes_get_size (host), f->path), ==,
        0);
      lua_close (L);

      orig_stripped = mw_lua_chunk_strip (chunk, 3);
      back_stripped = mw_lua_chunk_strip (back, 3);
      s1 = mw_lua_chunk_dump (orig_stripped, mw_lua_chunk_format_host (), &error);
      s2 = mw_lua_chunk_dump (back_stripped, mw_lua_chunk_format_host (), &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (s1, s2));

      /* and the stripped dump is luac5.1 -s's own, for every 16th file */
      if (i % 16 == 0)
        {
          g_autofree char *out_path = mw_test_tmp_path ("corpus.luac");
          g_autofree char *luac_bytes = NULL;
          const char *args[] = { "-s", "-o", out_path, f->path, NULL };
          gsize luac_len;

          g_assert_cmpint (mw_test_luac (args, NULL, NULL), ==, 0);
          g_assert_true (g_file_get_contents (out_path, &luac_bytes, &luac_len, NULL));
          assert_bytes_equal (s2, (const guint8 *) luac_bytes, luac_len);
          luac_checked++;
        }
    }
  g_test_message ("%u corpus files round-tripped, %u against luac -s", valid->len, luac_checked);
}

/* ---------------------------------------------------------------------------------------- */
/* listings */

static char *
normalize_addresses (const char *listing)
{
  g_autoptr (GRegex) re = g_regex_new ("0x[0-9a-f]+|#[0-9]+", 0, 0, NULL);
  return g_regex_replace_literal (re, listing, -1, 0, "ADDR", 0, NULL);
}

static void
check_listing (const char *path, const char *source, gsize len)
{
  g_autoptr (MwLuaTree) tree = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *luac_out = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  const char *args[] = { "-p", "-l", "-l", path, NULL };

  /* desktop Lua's limits, as luac5.1 has them */
  tree = mw_lua_tree_parse (path, source, len, MW_LUA_PARSE_SKIP_SHEBANG);
  chunk =
    mw_lua_codegen_generate (tree, MW_LUA_TARGET_FLOAT, MW_LUA_CODEGEN_DESKTOP_LIMITS, &error);
  g_assert_no_error (error);
  ours = mw_lua_compiler_list (chunk, TRUE);
  g_assert_cmpint (mw_test_luac (args, &luac_out, NULL), ==, 0);
  a = normalize_addresses (ours);
  b = normalize_addresses (luac_out);
  if (strcmp (a, b) != 0)
    {
      g_autofree char *p1 = mw_test_tmp_path ("ours.txt");
      g_autofree char *p2 = mw_test_tmp_path ("luac.txt");
      g_file_set_contents (p1, a, -1, NULL);
      g_file_set_contents (p2, b, -1, NULL);
      g_error ("%s: listing differs from luac -l -l (see %s, %s)", path, p1, p2);
    }
}

static const char *const listing_sources[] = {
  "local t = {1, 2, 3, x = 'a\\0b\\n\\t\"q\"', [true] = false}\n"
  "for i = 1, #t, 2 do t[i] = t[i] % 3 + i ^ 2 - 1 / 2 end\n"
  "for k, v in pairs(t) do print(k, v) end\n"
  "local function f(a, b, ...) local c = a .. b return select('#', ...), -c, not c end\n"
  "while x do if x == nil or x ~= true then break end end\n"
  "repeat local y = 1 until y >= 2 or y <= 0 or y < 1 or y > 5\n"
  "local o = {} function o:m(v) return self, v end o:m(1)\n"
  "return f(1, 2, 3), {f(1, 2)}, t.x, t[1], #t",
  "local big = {"
  "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,"
  "29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51}\n"
  "local function outer() local u = 1 return function() u = u + 1 return u end end\n"
  "return big, outer",
};

static void
test_listing (void)
{
  GPtrArray *valid = valid_corpus ();

  for (gsize i = 0; i < G_N_ELEMENTS (listing_sources); i++)
    {
      g_autofree char *path = mw_test_tmp_path ("listing.lua");
      g_assert_true (g_file_set_contents (path, listing_sources[i], -1, NULL));
      check_listing (path, listing_sources[i], strlen (listing_sources[i]));
    }
  for (guint i = 0; i < valid->len; i += 8)
    {
      const CorpusFile *f = valid->pdata[i];
      check_listing (f->path, f->source, f->len);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* behaviour */

static int
capture_print (lua_State *L)
{
  GString *out = lua_touserdata (L, lua_upvalueindex (1));
  int n = lua_gettop (L);

  lua_getglobal (L, "tostring");
  for (int i = 1; i <= n; i++)
    {
      lua_pushvalue (L, -1);
      lua_pushvalue (L, i);
      lua_call (L, 1, 1);
      if (i > 1)
        g_string_append_c (out, '\t');
      g_string_append (out, lua_tostring (L, -1) ? lua_tostring (L, -1) : "?");
      lua_pop (L, 1);
    }
  g_string_append_c (out, '\n');
  return 0;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
budget_hook (lua_State *L, lua_Debug *ar)
{
  luaL_error (L, "instruction budget exhausted");
}

/* Runs a chunk in a fresh state (no io, os.exit, require or file loading), with a budget of
 * instructions; returns what it printed, how it ended and what it returned. */
static char *
run_chunk (const char *bytes, gsize len, const char *name)
{
  lua_State *L = luaL_newstate ();
  GString *out = g_string_new (NULL);
  static const char sandbox[] =
    "io = nil; os = { time = os.time, clock = os.clock, date = os.date }\n"
    "dofile, loadfile, require = nil, nil, function (m) error('no module ' .. m) end\n"
    "if package then package.loadlib = nil end\n";

  luaL_openlibs (L);
  g_assert_cmpint (luaL_dostring (L, sandbox), ==, 0);
  lua_pushlightuserdata (L, out);
  lua_pushcclosure (L, capture_print, 1);
  lua_setglobal (L, "print");
  if (mw_lua_chunk_load (L, bytes, len, name) != 0)
    g_string_append_printf (out, "load error: %s\n", lua_tostring (L, -1));
  else
    {
      int base = lua_gettop (L);
      lua_sethook (L, budget_hook, LUA_MASKCOUNT, 1000000);
      if (lua_pcall (L, 0, LUA_MULTRET, 0) != 0)
        g_string_append_printf (out, "error: %s\n", lua_tostring (L, -1));
      else
        for (int i = base; i <= lua_gettop (L); i++)
          {
            g_string_append_printf (out, "returned %s", luaL_typename (L, i));
            if (lua_type (L, i) == LUA_TNUMBER || lua_type (L, i) == LUA_TSTRING)
              g_string_append_printf (out, " %s", lua_tostring (L, i));
            else if (lua_istable (L, i))
              {
                g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
                lua_pushnil (L);
                while (lua_next (L, i) != 0)
                  {
                    lua_pop (L, 1);
                    if (lua_type (L, -1) == LUA_TSTRING)
                      g_ptr_array_add (keys, g_strdup (lua_tostring (L, -1)));
                  }
                g_ptr_array_sort (keys, compare_strings);
                for (guint k = 0; k < keys->len; k++)
                  g_string_append_printf (out, " %s", (char *) keys->pdata[k]);
              }
            g_string_append_c (out, '\n');
          }
      lua_sethook (L, NULL, 0, 0);
    }
  lua_close (L);
  return g_string_free (out, FALSE);
}

typedef struct
{
  const char *name;
  const char *source;
  gboolean integer_safe;
} Program;

static const Program programs[] = {
  { "closures",
    "local function counter()\n  local n = 0\n  return function () n = n + 1 return n end\n"
    "end\nlocal c1, c2 = counter(), counter()\nprint(c1(), c1(), c2())\n",
    TRUE },
  { "varargs",
    "local function f(...) return select('#', ...), ... end\nprint(f(1, nil, 3))\n"
    "print(table.concat({f('a', 'b')}, ','))\n",
    TRUE },
  { "strings",
    "local s = 'a\\0b\\255\\n' print(#s, s:byte(1, -1))\nprint(('%q'):format('x\"y'))\n"
    "print(string.rep('ab', 3, nil), ('hello'):upper():sub(2, 4))\n",
    TRUE },
  { "numbers",
    "for i = 1, 2, 0.25 do io_ = i end print(io_, 7 / 2, 2 ^ 0.5, -0.0, 1e300 * 10)\n"
    "print(math.floor(3.7), 10 % 3, -7 % 3, 0x10)\n",
    FALSE },
  { "tables",
    "local t = setmetatable({}, { __index = function (t, k) return k .. '!' end })\n"
    "print(t.x, rawget(t, 'x'))\nlocal a = {} for i = 1, 100 do a[i] = i * i end\n"
    "print(#a, a[100])\nlocal o = {v = 3} function o:get(d) return self.v + d end\n"
    "print(o:get(4))\n",
    TRUE },
  { "coroutines",
    "local co = coroutine.wrap(function (a)\n  local b = coroutine.yield(a + 1)\n"
    "  return b * 2\nend)\nprint(co(1), co(10))\n",
    TRUE },
  { "errors with lines",
    "local function boom()\n\n  error('boom')\nend\nprint(pcall(boom))\n"
    "print(pcall(function () local x = nil; return x.y end))\n",
    TRUE },
  { "long function on many lines",
    "local x = 0\n"
    "x = x + 1\n"
    "x = x + 1\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "error('line ' .. x)\n",
    TRUE },
};

/* Source compiled for the board at every strip level and both targets, then run through
 * mw_lua_chunk_load, prints what the source prints (level 1 even its error messages with
 * local names). */
static void
test_programs (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      const Program *p = &programs[i];
      gsize len = strlen (p->source);
      g_autofree char *expected = run_chunk (p->source, len, "@prog.lua");

      for (int strip = MW_LUA_STRIP_NONE; strip <= MW_LUA_STRIP_ALL; strip++)
        for (int target = MW_LUA_TARGET_FLOAT; target <= MW_LUA_TARGET_INTEGER; target++)
          {
            g_autoptr (GError) error = NULL;
            g_autoptr (GBytes) lc = NULL;
            g_autofree char *got = NULL;

            if (target == MW_LUA_TARGET_INTEGER && !p->integer_safe)
              continue;
            lc =
              mw_lua_compiler_compile_to_bytes ("prog.lua", p->source, len, target, strip, &error);
            g_assert_no_error (error);
            got = run_chunk (g_bytes_get_data (lc, NULL), g_bytes_get_size (lc), "=prog.lc");
            if (strip == MW_LUA_STRIP_ALL)
              {
                /* no line info: messages carry "?:0:" as on the board instead */
                g_assert_null (strstr (got, "prog.lua:"));
                continue;
              }
            if (strip == MW_LUA_STRIP_NAMES && strstr (expected, "local '") != NULL)
              continue;
            if (g_strcmp0 (expected, got) != 0)
              g_error ("%s (strip %d, target %d):\nexpected:\n%s\ngot:\n%s", p->name, strip, target,
                       expected, got);
          }
    }
}

static void
test_corpus_behaviour (void)
{
  GPtrArray *valid = valid_corpus ();
  guint returned = 0;

  for (guint i = 0; i < valid->len; i++)
    {
      const CorpusFile *f = valid->pdata[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) lc = NULL;
      g_autofree char *name = g_strconcat ("@", f->path, NULL);
      g_autofree char *expected = NULL;
      g_autofree char *got = NULL;

      if (f->source[0] == '#')
        continue; /* scripts, not modules */
      lc = mw_lua_compiler_compile_to_bytes (f->path, f->source, f->len, MW_LUA_TARGET_FLOAT,
                                             MW_LUA_STRIP_NONE, &error);
      if (error != NULL && g_str_has_suffix (error->message, " has more than 50 local variables"))
        continue; /* over the firmware's limit: test-codegen checks the refusal */
      g_assert_no_error (error);
      expected = run_chunk (f->source, f->len, name);
      got = run_chunk (g_bytes_get_data (lc, NULL), g_bytes_get_size (lc), name);
      if (g_strcmp0 (expected, got) != 0)
        g_error ("%s:\nexpected:\n%s\ngot:\n%s", f->path, expected, got);
      returned += strstr (got, "returned table ") != NULL;
    }
  /* most modules run to the end, not just to a missing require */
  g_test_message ("%u of %u corpus modules returned a table", returned, valid->len);
  g_assert_cmpuint (returned, >=, 50);
}

static void
test_load_source (void)
{
  lua_State *L = luaL_newstate ();
  static const char script[] = "#!/usr/bin/lua\nreturn 1 +\n nil";

  g_assert_cmpint (mw_lua_chunk_load (L, script, sizeof script - 1, "@s.lua"), ==, 0);
  g_assert_cmpint (lua_pcall (L, 0, 1, 0), !=, 0);
  /* the skipped line still counts: the addition is on line 3, where its operand ends */
  g_assert_cmpstr (lua_tostring (L, -1), ==,
                   "s.lua:3: attempt to perform arithmetic on a nil value");
  lua_close (L);
}

static void
test_load_rejects_bad_chunk (void)
{
  lua_State *L = luaL_newstate ();
  static const char truncated[] = "\x1bLuaQ\0\1\4\4\4\x08\0\0\0";

  g_assert_cmpint (mw_lua_chunk_load (L, truncated, sizeof truncated - 1, "=x.lc"), ==,
                   LUA_ERRSYNTAX);
  g_assert_cmpstr (lua_tostring (L, -1), ==,
                   "x.lc: bad precompiled chunk: offset 12: chunk ends inside a source name "
                   "(4 bytes needed, 2 left)");
  lua_close (L);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/compiler/integer-cases", test_integer_cases);
  g_test_add_func ("/mw/lua/compiler/integer-golden", test_integer_golden);
  g_test_add_func ("/mw/lua/compiler/corpus-round-trip", test_corpus_round_trip);
  g_test_add_func ("/mw/lua/compiler/listing", test_listing);
  g_test_add_func ("/mw/lua/compiler/programs", test_programs);
  g_test_add_func ("/mw/lua/compiler/corpus-behaviour", test_corpus_behaviour);
  g_test_add_func ("/mw/lua/compiler/load-source", test_load_source);
  g_test_add_func ("/mw/lua/compiler/load-rejects-bad-chunk", test_load_rejects_bad_chunk);
  return g_test_run ();
}
