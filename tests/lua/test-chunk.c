/* test-chunk.c: the Lua 5.1 chunk model against hand-derived bytes (docs/firmware.md section 4),
 * liblua5.1's own lua_dump and luac5.1 -s.
 *
 * Golden NodeMCU bytes below are written out by hand from the format description, not
 * produced by the code under test.
 */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "mw-lua-chunk.h"
#include "mw-test-support.h"

/* docs/firmware.md section 4: this source compiles with luac.cross to 190 bytes, 176 with -s. The
 * chunk name "@x.lua" is what luac.cross gives a file x.lua. */
static const char example[] = "print(\"hi\") local a=1 function f(x) return x+a end";

static const guint8 float_header[] = {
  0x1b, 0x4c, 0x75, 0x61, 0x51, 0x00, 0x01, 0x04, 0x04, 0x04, 0x08, 0x00,
};

static GBytes *
dump_or_fail (MwLuaChunk *chunk, const MwLuaChunkFormat *format)
{
  g_autoptr (GError) error = NULL;
  GBytes *bytes = mw_lua_chunk_dump (chunk, format, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static MwLuaChunk *
compile_or_fail (const char *name, const char *source)
{
  g_autoptr (GError) error = NULL;
  MwLuaChunk *chunk = mw_lua_chunk_new_from_source (name, source, strlen (source), &error);

  g_assert_no_error (error);
  g_assert_nonnull (chunk);
  return chunk;
}

/* The -s form of the example, derived by hand: every field at its offset. */
static const guint8 example_stripped[] = {
  0x1b,
  0x4c,
  0x75,
  0x61,
  0x51,
  0x00,
  0x01,
  0x04,
  0x04,
  0x04,
  0x08,
  0x00,
  /* 12: main: no source, linedefined 0, lastlinedefined 0 */
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  /* 24: nups 0, params 0, vararg 2, maxstack 2; 28: 8 instructions, at 32 already aligned */
  0,
  0,
  2,
  2,
  8,
  0,
  0,
  0,
  0x05,
  0x00,
  0x00,
  0x00, /* GETGLOBAL 0 'print' */
  0x41,
  0x40,
  0x00,
  0x00, /* LOADK 1 "hi" */
  0x1c,
  0x40,
  0x00,
  0x01, /* CALL 0 2 1 */
  0x01,
  0x80,
  0x00,
  0x00, /* LOADK 0 1 */
  0x64,
  0x00,
  0x00,
  0x00, /* CLOSURE 1 0 */
  0x00,
  0x00,
  0x00,
  0x00, /* MOVE 0 0 */
  0x47,
  0xc0,
  0x00,
  0x00, /* SETGLOBAL 1 'f' */
  0x1e,
  0x00,
  0x80,
  0x00, /* RETURN 0 1 */
  /* 64: 4 constants */
  4,
  0,
  0,
  0,
  4,
  6,
  0,
  0,
  0,
  'p',
  'r',
  'i',
  'n',
  't',
  0,
  4,
  3,
  0,
  0,
  0,
  'h',
  'i',
  0,
  3,
  0,
  0,
  0,
  0,
  0,
  0,
  0xf0,
  0x3f,
  4,
  2,
  0,
  0,
  0,
  'f',
  0,
  /* 103: 1 function */
  1,
  0,
  0,
  0,
  /* 107: f: no source; linedefined 1, lastlinedefined 1 (-s keeps them) */
  0,
  0,
  0,
  0,
  1,
  0,
  0,
  0,
  1,
  0,
  0,
  0,
  /* 119: nups 1, params 1, vararg 0, maxstack 2; 123: 4 instructions; 127: 1 pad byte */
  1,
  1,
  0,
  2,
  4,
  0,
  0,
  0,
  0,
  0x44,
  0x00,
  0x00,
  0x00, /* GETUPVAL 1 0 */
  0x4c,
  0x40,
  0x00,
  0x00, /* ADD 1 0 1 */
  0x5e,
  0x00,
  0x00,
  0x01, /* RETURN 1 2 */
  0x1e,
  0x00,
  0x80,
  0x00, /* RETURN 0 1 */
  /* 144: 0 constants, 0 functions, line info size 0 (aligned), 0 locals, 0 upvalues */
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  /* 164: main's debug: the same */
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
};

static void
test_example_golden (void)
{
  g_autoptr (MwLuaChunk) chunk = compile_or_fail ("@x.lua", example);
  g_autoptr (MwLuaChunk) level2 = mw_lua_chunk_strip (chunk, 2);
  g_autoptr (MwLuaChunk) level3 = mw_lua_chunk_strip (chunk, 3);
  g_autoptr (GBytes) full = dump_or_fail (level2, &mw_lua_chunk_format_nodemcu_float);
  g_autoptr (GBytes) stripped = dump_or_fail (level3, &mw_lua_chunk_format_nodemcu_float);
  const guint8 *p;
  gsize len;

  G_STATIC_ASSERT (sizeof example_stripped == 176);
  p = g_bytes_get_data (full, &len);
  g_assert_cmpuint (len, ==, 190);
  g_assert_cmpmem (p, sizeof float_header, float_header, sizeof float_header);
  /* source "@x.lua" (7 bytes with NUL) puts the count at 35..38: one pad byte at 39 */
  g_assert_cmpmem (p + 12, 11, "\x07\0\0\0@x.lua", 11);
  g_assert_cmpuint (p[35], ==, 8);
  g_assert_cmpuint (p[39], ==, 0);
  g_assert_cmpuint (p[40], ==, 0x05);
  /* main's packed line info at the end: size 2, 2 pad bytes to 180, group "8 on line 1" */
  g_assert_cmpmem (p + 174, 16,
                   "\x02\0\0\0"
                   "\0\0"
                   "\x08\0"
                   "\0\0\0\0"
                   "\0\0\0\0",
                   16);
  /* f's: 4 instructions on line 1, at 164 (aligned) */
  g_assert_cmpmem (p + 160, 6, "\x02\0\0\0\x04\0", 6);

  p = g_bytes_get_data (stripped, &len);
  g_assert_cmpmem (p, len, example_stripped, sizeof example_stripped);

  /* writing at a strip level is stripping, then writing */
  for (int level = 1; level <= 3; level++)
    {
      g_autoptr (MwLuaChunk) s = mw_lua_chunk_strip (chunk, level);
      g_autoptr (GBytes) a = dump_or_fail (s, &mw_lua_chunk_format_nodemcu_float);
      g_autoptr (GBytes) b =
        mw_lua_chunk_dump_stripped (chunk, &mw_lua_chunk_format_nodemcu_float, level, NULL);
      g_assert_true (g_bytes_equal (a, b));
    }
}

/* A packed line info case: source lines for each instruction of a NodeMCU function and the
 * bytes the firmware's encoder makes of them, worked out by hand. */
typedef struct
{
  const char *name;
  guint n;
  gint32 lines[8];
  guint repeat_last; /* extra copies of the last line (for long runs) */
  const char *packed;
  gsize packed_len; /* with the NUL */
  const char *repacked; /* what Moonwire writes for these lines, if not `packed` */
  gsize repacked_len;
} PackedCase;

static const PackedCase packed_cases[] = {
  /* line 1 = 0 + 1: no delta */
  { "one-line", 3, { 1, 1, 1 }, 0, "\x03", 2 },
  /* 1, then 2 (no delta), then 5: +3 from 2+1 = delta 2, stored as 2-1 = 1 */
  { "forward", 3, { 1, 2, 5 }, 0, "\x01\x01\x81\x01", 5 },
  /* 5 from 0+1: delta 4, stored 3; then 3 from 5+1: delta -3, stored 0x40|2 */
  { "backward", 2, { 5, 3 }, 0, "\x83\x01\xc2\x01", 5 },
  /* 100 from 0+1: delta 99, stored 98 = 0x62: low 6 bits 0x22, then 98>>6 = 1 */
  { "beyond-63", 1, { 100 }, 0, "\xa2\x81\x01", 4 },
  /* 200: delta 199, stored 198 = 0xc6: 0x80|0x06, then 3; 10: delta 10-201 = -191, stored 190 =
     0xbe: 0x40|0x3e, then 2 */
  { "backward-beyond-63", 2, { 200, 10 }, 0, "\x86\x83\x01\xfe\x82\x01", 7 },
  /* 130 instructions on line 1: 126, then a group on the same line (delta -1: 0xc0) */
  { "long-line", 1, { 1 }, 129, "\x7e\xc0\x04", 4 },
  /* luac.cross's form for `f(a\n)`: the CALL, first coded on line 2, moved back to line 1
   * as a new group marked "same line" (0xc0, docs/firmware.md section 8); it reads as 3
   * instructions on line 1, and the reader keeps the groups, so it is written back as it
   * was */
  { "same-line-group", 3, { 1, 1, 1 }, 0, "\x02\xc0\x01", 4 },
};

/* A main function of n RETURN 0 1 instructions with the given packed line info. */
static GByteArray *
packed_chunk (guint n, const char *packed, gsize packed_len)
{
  GByteArray *b = g_byte_array_new ();
  guint8 word[4];

  g_byte_array_append (b, float_header, sizeof float_header);
  g_byte_array_append (b,
                       (const guint8 *) "\0\0\0\0"
                                        "\0\0\0\0"
                                        "\0\0\0\0"
                                        "\0\0\0\2",
                       16);
  word[0] = n & 0xff, word[1] = n >> 8, word[2] = 0, word[3] = 0;
  g_byte_array_append (b, word, 4);
  for (guint i = 0; i < n; i++)
    g_byte_array_append (b, (const guint8 *) "\x1e\x00\x80\x00", 4);
  g_byte_array_append (b, (const guint8 *) "\0\0\0\0\0\0\0\0", 8); /* no k, no p */
  word[0] = packed_len, word[1] = word[2] = word[3] = 0;
  g_byte_array_append (b, word, 4);
  /* already aligned: header 12 + 16 + 4 + 4n + 8 + 4, so no padding before the bytes */
  g_byte_array_append (b, (const guint8 *) packed, packed_len);
  /* no locals, no upvalue names (no padding after the line info) */
  g_byte_array_append (b, (const guint8 *) "\0\0\0\0\0\0\0\0", 8);
  return b;
}

static void
test_packed_lines (gconstpointer data)
{
  const PackedCase *c = data;
  guint n = c->n + c->repeat_last;
  g_autoptr (GByteArray) b = packed_chunk (n, c->packed, c->packed_len);
  g_autoptr (GByteArray) expect = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (GBytes) again = NULL;
  const MwLuaProto *main;

  chunk = mw_lua_chunk_new_from_bytes (b->data, b->len, &error);
  g_assert_no_error (error);
  main = mw_lua_chunk_get_main (chunk);
  g_assert_cmpuint (mw_lua_chunk_get_format (chunk)->layout, ==, MW_LUA_CHUNK_LAYOUT_NODEMCU);
  g_assert_cmpuint (main->n_lineinfo, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (main->lineinfo[i], ==, c->lines[MIN (i, c->n - 1)]);
  /* and the writer packs the lines back to the same bytes */
  again = dump_or_fail (chunk, &mw_lua_chunk_format_nodemcu_float);
  expect = c->repacked ? packed_chunk (n, c->repacked, c->repacked_len) : g_byte_array_ref (b);
  g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), expect->data,
                   expect->len);
}

/* Every constant type in the NodeMCU float and integer layouts, by hand: a main function of
 * one RETURN with constants nil, true, false, 2.5 (or 7), "ab" and "" (empty, not absent). */
static void
test_constant_types (void)
{
  static const guint8 float_chunk[] = {
    0x1b, 0x4c, 0x75, 0x61, 0x51, 0x00, 0x01, 0x04, 0x04, 0x04, 0x08, 0x00, 0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    2,    2,    1,    0,    0,    0,    0x1e, 0x00, 0x80, 0x00, /* 28: 1 instruction, aligned at 32
                                                                 */
    6,    0,    0,    0, /* 36: 6 constants */
    0, /* nil */
    1,    1, /* true */
    1,    0, /* false */
    3,    0,    0,    0,    0,    0,    0,    0x04, 0x40, /* 2.5 as a little-endian double */
    4,    3,    0,    0,    0,    'a',  'b',  0, /* "ab": length 3 with the NUL */
    4,    1,    0,    0,    0,    0, /* "": length 1 */
    0,    0,    0,    0, /* 68: no functions */
    0,    0,    0,    0, /* 72: no line info (76: aligned, no pad) */
    0,    0,    0,    0,    0,    0,    0,    0, /* no locals, no upvalue names */
  };
  static const guint8 integer_number[] = { 3, 7, 0, 0, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) chunk =
    mw_lua_chunk_new_from_bytes (float_chunk, sizeof float_chunk, &error);
  g_autoptr (GBytes) again = NULL;
  g_autoptr (GBytes) integer = NULL;
  const MwLuaProto *main;
  const guint8 *p;
  gsize len;

  g_assert_no_error (error);
  main = mw_lua_chunk_get_main (chunk);
  g_assert_cmpuint (main->n_constants, ==, 6);
  g_assert_cmpint (main->constants[0].type, ==, MW_LUA_CONSTANT_NIL);
  g_assert_cmpint (main->constants[1].type, ==, MW_LUA_CONSTANT_BOOLEAN);
  g_assert_true (main->constants[1].boolean);
  g_assert_false (main->constants[2].boolean);
  g_assert_cmpfloat (main->constants[3].number, ==, 2.5);
  g_assert_cmpmem (main->constants[4].string.data, main->constants[4].string.len, "ab", 2);
  g_assert_nonnull (main->constants[5].string.data);
  g_assert_cmpuint (main->constants[5].string.len, ==, 0);
  again = dump_or_fail (chunk, &mw_lua_chunk_format_nodemcu_float);
  g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), float_chunk,
                   sizeof float_chunk);

  /* 2.5 has no integer form; with 7 instead the integer layout is 4 bytes shorter, and the
   * line info size then lands at 68, aligned too */
  integer = mw_lua_chunk_dump (chunk, &mw_lua_chunk_format_nodemcu_integer, &error);
  g_assert_null (integer);
  g_assert_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_NUMBER);
  g_clear_error (&error);
  {
    guint8 seven[sizeof float_chunk];
    const double d = 7;
    g_autoptr (MwLuaChunk) chunk7 = NULL;

    memcpy (seven, float_chunk, sizeof seven);
    memcpy (seven + 46, &d, 8); /* the host is little endian, as the format */
    chunk7 = mw_lua_chunk_new_from_bytes (seven, sizeof seven, &error);
    g_assert_no_error (error);
    integer = dump_or_fail (chunk7, &mw_lua_chunk_format_nodemcu_integer);
  }
  p = g_bytes_get_data (integer, &len);
  g_assert_cmpuint (len, ==, sizeof float_chunk - 4);
  g_assert_cmpuint (p[10], ==, 4);
  g_assert_cmpuint (p[11], ==, 1);
  g_assert_cmpmem (p + 45, 5, integer_number, 5);
}

/* Every byte of these sources' host dumps must come back from the model unchanged. */
static const char *const host_sources[] = {
  "",
  "return nil, true, false, 1, -2.5, 1e300, 'str', '', 'a\\0b'",
  "local t = {} for i = 1, 10 do t[i] = function (...) return i, ... end end return t",
  "local a, b = 1, 2\nlocal function f()\n  local function g() return a end\n"
  "  return g, b\nend\nreturn f",
  "x = 1\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
  "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\ny = 2",
};

static int
collect (lua_State *L, const void *p, size_t sz, void *user_data)
{
  g_byte_array_append (user_data, p, sz);
  return 0;
}

static void
test_host_identity (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (host_sources); i++)
    {
      const char *src = host_sources[i];
      lua_State *L = luaL_newstate ();
      g_autoptr (GByteArray) orig = g_byte_array_new ();
      g_autoptr (MwLuaChunk) chunk = NULL;
      g_autoptr (GBytes) again = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_cmpint (luaL_loadbuffer (L, src, strlen (src), "=src"), ==, 0);
      lua_dump (L, collect, orig);
      lua_close (L);
      chunk = mw_lua_chunk_new_from_bytes (orig->data, orig->len, &error);
      g_assert_no_error (error);
      again = dump_or_fail (chunk, mw_lua_chunk_format_host ());
      g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), orig->data,
                       orig->len);
    }
}

/* luac5.1 -s output is the stripped host dump, byte for byte. */
static void
test_strip_matches_luac (void)
{
  const char *src = host_sources[3];
  g_autofree char *lua_path = mw_test_tmp_path ("strip.lua");
  g_autofree char *out_path = mw_test_tmp_path ("strip.luac");
  g_autofree char *luac_bytes = NULL;
  g_autofree char *text = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaChunk) stripped = NULL;
  g_autoptr (GBytes) ours = NULL;
  gsize len;
  const char *args[] = { "-s", "-o", out_path, lua_path, NULL };

  g_assert_true (g_file_set_contents (lua_path, src, -1, NULL));
  g_assert_cmpint (mw_test_luac (args, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (out_path, &luac_bytes, &len, NULL));
  text = g_strconcat ("@", lua_path, NULL);
  chunk = compile_or_fail (text, src);
  stripped = mw_lua_chunk_strip (chunk, 3);
  ours = dump_or_fail (stripped, mw_lua_chunk_format_host ());
  g_assert_cmpmem (g_bytes_get_data (ours, NULL), g_bytes_get_size (ours), luac_bytes, len);
}

typedef struct
{
  const char *a, *b;
  MwLuaChunkCompareFlags flags;
  const char *difference; /* NULL: equal */
} EqualCase;

static const EqualCase equal_cases[] = {
  { "local a = 1 return a", "local b = 1 return b", MW_LUA_CHUNK_COMPARE_ALL,
    "main chunk: local variable 1 differs" },
  { "local a = 1 return a", "local b = 1 return b", MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG, NULL },
  { "local a = 1 return a", "local a = 1\nreturn a", MW_LUA_CHUNK_COMPARE_ALL,
    "main chunk: line of instruction 2 differs (1, not 2)" },
  { "return 1", "return 2", MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG, "main chunk: constant 1 differs" },
  { "local function f() end\nlocal function g() return 1, 2, 3, 4 end",
    "local function f() end\nlocal function g() return 1, 2, 3, 5 end",
    MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG, "function at line 2 (2nd function): constant 4 differs" },
  { "local function f() end", "\nlocal function f() end", MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG,
    "function at line 1 (1st function): defined at lines 1-1, not 2-2" },
  { "local function f() end", "\nlocal function f() end",
    MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG | MW_LUA_CHUNK_COMPARE_IGNORE_LINES_DEFINED, NULL },
  { "return x", "return y", MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG, "main chunk: constant 1 differs" },
  { "return x + 1", "return 1 + x", MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG,
    "main chunk: instruction 2 differs" },
};

static void
test_equal (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (equal_cases); i++)
    {
      const EqualCase *c = &equal_cases[i];
      g_autoptr (MwLuaChunk) a = compile_or_fail ("=a", c->a);
      g_autoptr (MwLuaChunk) b = compile_or_fail ("=a", c->b);
      g_autofree char *difference = NULL;
      gboolean equal = mw_lua_chunk_equal (a, b, c->flags, &difference);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, difference ? difference : "equal");
      g_assert_cmpint (equal, ==, c->difference == NULL);
      g_assert_cmpstr (difference, ==, c->difference);
    }
}

static void
test_syntax_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) chunk = mw_lua_chunk_new_from_source ("@bad.lua", "x = = 1", 7, &error);

  g_assert_null (chunk);
  g_assert_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "bad.lua:1: unexpected symbol near '='");
}

typedef struct
{
  const char *file; /* under tests/lua/data/fuzz-chunk/, made from example190.lc */
  MwLuaChunkError code;
  const char *message;
} MalformedCase;

static const MalformedCase malformed_cases[] = {
  { "short-header.lc", MW_LUA_CHUNK_ERROR_TRUNCATED,
    "offset 7: chunk ends inside the 12-byte header" },
  { "bad-version.lc", MW_LUA_CHUNK_ERROR_HEADER,
    "offset 4: Lua version 5.2, not 5.1 (version byte 0x52)" },
  { "header-only.lc", MW_LUA_CHUNK_ERROR_TRUNCATED,
    "offset 12: chunk ends inside a source name (4 bytes needed, 0 left)" },
  { "bad-pad.lc", MW_LUA_CHUNK_ERROR_MALFORMED,
    "offset 39: alignment padding byte is 0x01, not 0" },
  { "huge-count.lc", MW_LUA_CHUNK_ERROR_TRUNCATED,
    "offset 35: the instruction count 2147483647 is more than the rest of the chunk holds" },
  { "negative-count.lc", MW_LUA_CHUNK_ERROR_MALFORMED,
    "offset 35: the instruction count -1 is negative" },
  { "bad-constant-type.lc", MW_LUA_CHUNK_ERROR_MALFORMED, "offset 76: constant of unknown type 9" },
  { "trailing.lc", MW_LUA_CHUNK_ERROR_MALFORMED, "offset 190: 2 bytes after the end of the chunk" },
  { "bad-lineinfo.lc", MW_LUA_CHUNK_ERROR_MALFORMED,
    "offset 182: packed line info is malformed at byte 2" },
};

static void
test_malformed (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
    {
      const MalformedCase *c = &malformed_cases[i];
      g_autofree char *rel = g_build_filename ("lua/data/fuzz-chunk", c->file, NULL);
      g_autofree char *path = mw_test_data_path (rel);
      g_autofree char *data = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      chunk = mw_lua_chunk_new_from_bytes ((const guint8 *) data, len, &error);
      g_assert_null (chunk);
      g_assert_error (error, MW_LUA_CHUNK_ERROR, (gint) c->code);
      g_assert_cmpstr (error->message, ==, c->message);
    }
}

/* Every truncation of a valid chunk fails cleanly, naming an offset inside the bytes. */
static void
test_every_truncation (void)
{
  g_autoptr (MwLuaChunk) chunk = compile_or_fail ("@x.lua", example);
  g_autoptr (GBytes) full = dump_or_fail (chunk, &mw_lua_chunk_format_nodemcu_float);
  gsize len;
  const guint8 *p = g_bytes_get_data (full, &len);

  for (gsize n = 0; n < len; n++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaChunk) cut = mw_lua_chunk_new_from_bytes (p, n, &error);
      g_assert_null (cut);
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "offset "));
      g_assert_cmpuint (g_ascii_strtoull (error->message + 7, NULL, 10), <=, n);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/chunk/example-golden", test_example_golden);
  for (gsize i = 0; i < G_N_ELEMENTS (packed_cases); i++)
    {
      g_autofree char *path =
        g_strdup_printf ("/mw/lua/chunk/packed-lines/%s", packed_cases[i].name);
      g_test_add_data_func (path, &packed_cases[i], test_packed_lines);
    }
  g_test_add_func ("/mw/lua/chunk/host-identity", test_host_identity);
  g_test_add_func ("/mw/lua/chunk/constant-types", test_constant_types);
  g_test_add_func ("/mw/lua/chunk/strip-matches-luac", test_strip_matches_luac);
  g_test_add_func ("/mw/lua/chunk/equal", test_equal);
  g_test_add_func ("/mw/lua/chunk/syntax-error", test_syntax_error);
  g_test_add_func ("/mw/lua/chunk/malformed", test_malformed);
  g_test_add_func ("/mw/lua/chunk/every-truncation", test_every_truncation);
  return g_test_run ();
}
