/* test-codegen.c: the code generator against the firmware's algorithm, luac.cross's output
 * and liblua5.1.
 *
 * - line info: every construct that moves an instruction to another line (luaK_fixline) or
 *   takes one back (a removed NOT), with the packed bytes worked out by hand from lcode.c's
 *   algorithm (docs/firmware.md section 8);
 * - the integer target: the folding table, malformed and out-of-range numerals, two of the
 *   firmware's own Lua files, whose .lc must be the bytes luac.cross.int writes;
 * - the firmware's limits, refused with luac.cross's words;
 * - the Debian corpus: for every function, instructions, constants, upvalues, locals and
 *   line numbers equal liblua5.1's, and the stripped NodeMCU file is the one the liblua5.1
 *   path writes; for the integer target every file compiles or is refused naming its line.
 */
#include <string.h>

#include "mw-lua-codegen.h"
#include "mw-lua-compiler.h"
#include "mw-test-support.h"

static MwLuaChunk *
generate (const char *source, MwLuaNumberType target, GError **error)
{
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse ("t.lua", source, -1, MW_LUA_PARSE_SKIP_SHEBANG);
  return mw_lua_codegen_generate (tree, target, MW_LUA_CODEGEN_NONE, error);
}

static char *
hex (const guint8 *data, gsize len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, i ? " %02x" : "%02x", data[i]);
  return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------------------------------- */
/* line info */

typedef struct
{
  const char *name;
  const char *source;
  guint function; /* 0 main, 1 its first nested function */
  const char *lines; /* the line of each instruction */
  const char *packed; /* the packed line info, NUL included */
} LineCase;

/* Groups are [delta bytes] count; a group's delta is line - (previous group's line) - 1, none
 * when 0, else a first byte 0x80 | sign 0x40 | 6 bits of |delta| - 1 and 7 more bits per
 * further byte. A new instruction joins the last group when it is on the group's line (up to
 * 126); luaK_fixline takes the last instruction out of its group (dropping the group if it
 * was alone, the line going back to the group before) and always starts a new group. */
static const LineCase line_cases[] = {
  /* SELF, LOADK, SELF on line 2 (80 03: +1 from line 0... 2); CALL format is emitted when
   * ')' on line 3 is consumed: alone in a new group, fixed back to line 2 its group goes and
   * a new one starts on line 2 again (c0 01: delta -1); the same for CALL send; RETURN on
   * line 3 (01). The fewest groups would be 80 05 01 00. */
  { "call-fixline-alone", "local s\ns:send((\"x\"):format(\n  ))\n", 0, "2 2 2 2 2 3",
    "80 03 c0 01 c0 01 01 00" },
  /* f and a on line 1 (02: the comma after a is on line 1); b and the CALL on line 2 (01
   * after the fix); the CALL fixed to line 1 leaves its group and starts one (c1 01: -2);
   * RETURN on line 2 (01). */
  { "call-fixline-shared", "f(a,\nb)\n", 0, "1 1 2 1 2", "02 01 c1 01 01 00" },
  /* a string argument: the call's line is where the lexer stands after the string, its last
   * line, so the CALL emitted on line 2 stays there: f on 1 (01), LOADK, CALL, RETURN on 2 */
  { "call-string-argument", "f[[a\nb]]\n", 0, "1 2 2 2", "01 03 00" },
  /* a table argument: f and NEWTABLE on 1 (NEWTABLE is emitted before `{` is read), LOADK and
   * SETLIST on 2 with the CALL, which is fixed to the line of `{` (c1 01); RETURN on 2 */
  { "call-table-argument", "f{\n1}\n", 0, "1 1 2 2 1 2", "02 02 c1 01 01 00" },
  /* all on line 1: the fix changes nothing, one group of 4 */
  { "call-one-line", "f(1)\n", 0, "1 1 1 1", "04 00" },
  /* three LOADKs and FORPREP on line 1; GETGLOBAL, MOVE, CALL on 2; FORLOOP emitted on 2
   * (the last token read is ')') and fixed to the `for` line (c1 01); RETURN on 3 after
   * `end` (80 01: +2 from line 1). */
  { "numeric-for", "for i = 1, 2 do\n  f(i)\nend\n", 0, "1 1 1 1 2 2 2 1 3",
    "04 03 c1 01 80 01 00" },
  /* pairs, t, CALL, JMP on line 1; SETGLOBAL and TFORLOOP on 2, TFORLOOP fixed to line 1
   * (the line of the expression list); JMP back on 2 starts a group (01); RETURN on 3. */
  { "generic-for", "for k in pairs(t) do\n  g = k\nend\n", 0, "1 1 1 1 2 1 2 3",
    "04 01 c1 01 01 01 00" },
  /* the generic for's fixed line is where its expression list starts, not the `for` */
  { "generic-for-explist-line", "for k, v in\n  next, t do\n  g = k\nend\n", 0, "2 2 2 2 3 2 3 4",
    "80 04 01 c1 01 01 01 00" },
  /* CLOSURE and SETGLOBAL on line 2 (after `end`), SETGLOBAL fixed to line 1, RETURN on 2 */
  { "function-statement", "function f()\nend\n", 0, "2 1 2", "80 01 c1 01 01 00" },
  { "function-statement-body", "function f()\nend\n", 1, "2", "80 01 00" },
  /* t, .a, .b on line 1; CLOSURE and SETTABLE on 2, SETTABLE fixed to 1 */
  { "method-statement", "function t.a.b:m()\nend\n", 0, "1 1 1 2 1 2", "03 01 c1 01 01 00" },
  /* a local function is not fixed: CLOSURE and RETURN both on line 2 */
  { "local-function", "local function f()\nend\n", 0, "2 2", "80 02 00" },
  /* NOT of a emitted on line 1, taken back for the TEST `and` needs on line 2: the TEST
   * overwrites it and is fixed to line 2, leaving GETGLOBAL alone on line 1 (01); the rest
   * (TEST, JMP, GETGLOBAL b, JMP, LOADBOOL x2, SETGLOBAL, RETURN) on line 2 (08). */
  { "removed-not", "x = not a\nand b\n", 0, "1 2 2 2 2 2 2 2 2", "01 08 00" },
  /* the TEST replacing the NOT is on the NOT's line: the group keeps its count */
  { "removed-not-same-line", "if not a then b() end\n", 0, "1 1 1 1 1 1", "06 00" },
  /* 136 instructions on line 1: a group holds at most 126 (7e), the next 10 start a new
   * group on the same line (c0 0a) */
  { "full-group",
    "x = {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,"
    "31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,"
    "60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,"
    "89,90,91,92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,"
    "114,115,116,117,118,119,120,121,122,123,124,125,126,127,128,129,130}\n",
    0, NULL, "7e c0 0a 00" },
  /* in a table constructor Lua reads one token past a NAME to tell `x` from `x =`: once x
   * is read the line is already that of the `.` after it, so GETGLOBAL x is on line 2;
   * NEWTABLE on 1 (01), the rest on 2 (05) */
  { "table-lookahead", "t = { x\n.y }\n", 0, "1 2 2 2 2 2", "01 05 00" },
  /* the firmware misreads deltas of more than 63 lines when it takes a group back: there
   * luac.cross writes c2 81 01 be 01 80 81 01 (lines 65 and 131 for the last two); these
   * are the right lines. a, b on 1 (02); LOADK on 67 (80 81: +65); CALL b fixed to 1
   * (c2 81: -66); CALL a on 67, taken back and fixed to 1 (c0: -1); RETURN on 67. */
  { "fixline-long-delta",
    "a(b(\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "1))\n",
    0, "1 1 67 1 1 67", "02 80 81 01 c2 81 01 c0 01 80 81 01 00" },
};

static void
test_line_info (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (line_cases); i++)
    {
      const LineCase *c = &line_cases[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaChunk) chunk = generate (c->source, MW_LUA_TARGET_FLOAT, &error);
      const MwLuaProto *f;
      g_autofree guint8 *packed = NULL;
      g_autofree char *packed_hex = NULL;
      gsize len;

      g_test_message ("%s", c->name);
      g_assert_no_error (error);
      f = mw_lua_chunk_get_main (chunk);
      if (c->function > 0)
        f = f->protos[c->function - 1];
      if (c->lines != NULL)
        {
          GString *lines = g_string_new (NULL);
          g_autofree char *got = NULL;
          for (guint k = 0; k < f->n_lineinfo; k++)
            g_string_append_printf (lines, k ? " %d" : "%d", f->lineinfo[k]);
          got = g_string_free (lines, FALSE);
          g_assert_cmpstr (got, ==, c->lines);
        }
      packed = mw_lua_proto_pack_lineinfo (f, &len);
      packed_hex = hex (packed, len);
      g_assert_cmpstr (packed_hex, ==, c->packed);
    }
}

/* The whole file for the first case, as luac.cross writes it (names stripped by default):
 * header; main: "@t.lua", lines 0 0, 0 upvalues, 0 params, vararg 2, 5 registers; 6
 * instructions at offset 40; constants "send", "x", "format"; no functions; 8 bytes of line
 * info at offset 108; no local or upvalue names. */
static void
test_whole_file (void)
{
  static const guint8 expected[] = {
    0x1b, 0x4c, 0x75, 0x61, 0x51, 0x00, 0x01, 0x04, 0x04, 0x04, 0x08, 0x00, /* header */
    0x07, 0x00, 0x00, 0x00, '@',  't',  '.',  'l',  'u',  'a',  0x00, /* source */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* lines defined */
    0x00, 0x00, 0x02, 0x05, /* upvalues, params, vararg, stack */
    0x06, 0x00, 0x00, 0x00, 0x00, /* 6 instructions, one pad byte */
    0x4b, 0x00, 0x40, 0x00, /* SELF 1 0 k0 */
    0xc1, 0x40, 0x00, 0x00, /* LOADK 3 k1 */
    0xcb, 0x80, 0xc0, 0x01, /* SELF 3 3 k2 */
    0xdc, 0x00, 0x00, 0x01, /* CALL 3 2 0 */
    0x5c, 0x40, 0x00, 0x00, /* CALL 1 0 1 */
    0x1e, 0x00, 0x80, 0x00, /* RETURN 0 1 */
    0x03, 0x00, 0x00, 0x00, /* 3 constants */
    0x04, 0x05, 0x00, 0x00, 0x00, 's',  'e',  'n',  'd',  0x00, /* "send" */
    0x04, 0x02, 0x00, 0x00, 0x00, 'x',  0x00, /* "x" */
    0x04, 0x07, 0x00, 0x00, 0x00, 'f',  'o',  'r',  'm',  'a',  't',  0x00, /* "format" */
    0x00, 0x00, 0x00, 0x00, /* no functions */
    0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 8 bytes of line info, 3 pad bytes */
    0x80, 0x03, 0xc0, 0x01, 0xc0, 0x01, 0x01, 0x00, /* line info */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* no local, no upvalue names */
  };
  static const char source[] = "local s\ns:send((\"x\"):format(\n  ))\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = mw_lua_compiler_compile_to_bytes (
    "t.lua", source, strlen (source), MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_NAMES, &error);

  g_autoptr (MwLuaChunk) back = NULL;
  g_autoptr (GBytes) again = NULL;

  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected,
                   sizeof expected);
  /* read back and written again, the file keeps its line-info groups */
  back = mw_lua_chunk_new_from_bytes (expected, sizeof expected, &error);
  g_assert_no_error (error);
  again = mw_lua_chunk_dump (back, &mw_lua_chunk_format_nodemcu_float, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), expected,
                   sizeof expected);
}

/* ---------------------------------------------------------------------------------------- */
/* the integer target */

typedef struct
{
  const char *expr;
  gboolean folded;
  double value; /* the folded constant */
} FoldCase;

/* luaconf.h's integer luai_numdiv and luai_nummod floor (x == (x / y) * y + x % y with the
 * remainder taking the divisor's sign), luai_ipow gives 0 for a negative exponent, and the
 * host's int arithmetic wraps at 32 bits. A zero divisor is never folded. */
static const FoldCase fold_cases[] = {
  { "7/2", TRUE, 3 },
  { "-7/2", TRUE, -4 },
  { "7/-2", TRUE, -4 },
  { "-7/-2", TRUE, 3 },
  { "6/-3", TRUE, -2 },
  { "7 % 2", TRUE, 1 },
  { "7 % -2", TRUE, -1 },
  { "-7 % 2", TRUE, 1 },
  { "-7 % -2", TRUE, -1 },
  { "-6 % 3", TRUE, 0 },
  { "2^10", TRUE, 1024 },
  { "2^-1", TRUE, 0 },
  { "0^0", TRUE, 1 },
  { "(-2)^3", TRUE, -8 },
  { "3^31", TRUE, 1264544299 }, /* 617673396283947 mod 2^32 */
  { "0x7ffffffe * 2", TRUE, -4 },
  { "2147483646 - -3", TRUE, -2147483647 },
  { "-0x80000000 + 1", TRUE, -2147483647 },
  { "0xffffffff", TRUE, -1 },
  { "0x100000005", TRUE, 5 },
  { "1000000 / 38000", TRUE, 26 }, /* irsend.lua */
  { "27315/100", TRUE, 273 }, /* ds18b20.lua */
  { "1 + 2 * 3 - 4", TRUE, 3 },
  { "10/0", FALSE, 0 },
  { "10 % 0", FALSE, 0 },
};

static void
test_integer_folding (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fold_cases); i++)
    {
      const FoldCase *c = &fold_cases[i];
      g_autofree char *source = g_strdup_printf ("return %s", c->expr);
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaChunk) chunk = generate (source, MW_LUA_TARGET_INTEGER, &error);
      const MwLuaProto *f;

      g_test_message ("%s", c->expr);
      g_assert_no_error (error);
      f = mw_lua_chunk_get_main (chunk);
      if (c->folded)
        {
          /* LOADK 0 k0, RETURN 0 2, RETURN 0 1 */
          g_assert_cmpuint (f->n_code, ==, 3);
          g_assert_cmpuint (f->code[0], ==, 0x00000001);
          g_assert_cmpuint (f->n_constants, ==, 1);
          g_assert_cmpint (f->constants[0].type, ==, MW_LUA_CONSTANT_NUMBER);
          g_assert_cmpfloat (f->constants[0].number, ==, c->value);
        }
      else
        {
          /* DIV or MOD 0 k1 k0: lcode.c takes the right operand's constant first */
          g_assert_cmpuint (f->n_code, ==, 3);
          g_assert_cmpuint (f->code[0] & 0x3f, ==, strchr (c->expr, '%') ? 16 : 15);
          g_assert_cmpuint (f->n_constants, ==, 2);
          g_assert_cmpfloat (f->constants[0].number, ==, 0);
          g_assert_cmpfloat (f->constants[1].number, ==, 10);
        }
    }
}

typedef struct
{
  const char *source;
  const char *error;
} ErrorCase;

/* luac.cross.int's words, except for decimals of 2^31 and more, which it wraps silently */
static const ErrorCase integer_errors[] = {
  { "local x = 65535.0", "t.lua:1: malformed number near '65535.0'" },
  { "x = 1\nx = 1e3", "t.lua:2: malformed number near '1e3'" },
  { "x = .5", "t.lua:1: malformed number near '.5'" },
  { "x = 3 ..\n 4.5", "t.lua:2: malformed number near '4.5'" },
  { "for i = 1, 10,\n 0.5 do end", "t.lua:2: malformed number near '0.5'" },
  { "x = 4294967296", "t.lua:1: number 4294967296 is beyond the integer firmware's 32-bit range "
                      "(luac.cross would write 0, the board would read 2147483647)" },
  { "x = -2147483648", "t.lua:1: number 2147483648 is beyond the integer firmware's 32-bit range "
                       "(luac.cross would write -2147483648, the board would read 2147483647)" },
  /* ldump.c writes 4-byte numbers from -2^31+1 to 2^31-2 only */
  { "local t = {}\nt.x = 2147483647",
    "t.lua:2: number 2147483647 is too big or small for integer bytecode (luac.cross writes "
    "-2147483647 to 2147483646)" },
  { "return 0x80000000", "t.lua:1: number -2147483648 is too big or small for integer bytecode "
                         "(luac.cross writes -2147483647 to 2147483646)" },
};

static void
test_integer_errors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (integer_errors); i++)
    {
      const ErrorCase *c = &integer_errors[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaChunk) chunk = generate (c->source, MW_LUA_TARGET_INTEGER, &error);

      g_assert_null (chunk);
      g_assert_error (error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_NUMBER);
      g_assert_cmpstr (error->message, ==, c->error);
      /* the float target takes them all */
      g_clear_error (&error);
      g_clear_pointer (&chunk, mw_lua_chunk_unref);
      chunk = generate (c->source, MW_LUA_TARGET_FLOAT, &error);
      g_assert_no_error (error);
    }
}

/* The integer firmware's lexer refuses a numeral when it reads it, so a malformed numeral
 * before a syntax error is the error reported, and one after it is not. */
static void
test_integer_error_order (void)
{
  g_autoptr (GError) first = NULL;
  g_autoptr (GError) second = NULL;
  g_autoptr (MwLuaChunk) a = generate ("x = 1.5\ny = = 2\n", MW_LUA_TARGET_INTEGER, &first);
  g_autoptr (MwLuaChunk) b = generate ("y = = 2\nx = 1.5\n", MW_LUA_TARGET_INTEGER, &second);

  g_assert_error (first, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_NUMBER);
  g_assert_cmpstr (first->message, ==, "t.lua:1: malformed number near '1.5'");
  g_assert_error (second, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_SYNTAX);
  g_assert_cmpstr (second->message, ==, "t.lua:1: unexpected symbol near '='");
}

typedef struct
{
  const char *file;
  MwLuaStripLevel strip;
  gsize size;
  const char *sha256;
} ModuleCase;

/* The firmware's own ds18b20.lua (27315/100) and irsend.lua (1000000 / 38000): sizes and
 * SHA-256 of what luac.cross.int writes for them, without and with -s. */
static const ModuleCase modules[] = {
  { "ds18b20.lua", MW_LUA_STRIP_NAMES, 5126,
    "138cad2a009ae3cc0122de527dc339805e10a0f971a1eb5e9f10b3993817ec83" },
  { "ds18b20.lua", MW_LUA_STRIP_ALL, 4860,
    "c58daacc2b0281780f922274cee825411185fcc428e1cd353dd06e7da1c4e775" },
  { "irsend.lua", MW_LUA_STRIP_NAMES, 918,
    "f31f7254e8dc7fe7a02c7f7298137225a0a0aead36dfa2aed2889f514eb343b8" },
  { "irsend.lua", MW_LUA_STRIP_ALL, 832,
    "4e66fd32e7ef5a8999125c3be1a2eb402390e246cafceaad317b608005b708b0" },
};

static void
test_nodemcu_modules (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      const ModuleCase *m = &modules[i];
      g_autofree char *path =
        g_build_filename (g_getenv ("MOONWIRE_TEST_DATA"), "lua", "data", "nodemcu", m->file, NULL);
      g_autofree char *source = NULL;
      g_autofree char *sum = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &source, &len, NULL));
      bytes = mw_lua_compiler_compile_to_bytes (m->file, source, len, MW_LUA_TARGET_INTEGER,
                                                m->strip, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, m->size);
      sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      g_assert_cmpstr (sum, ==, m->sha256);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* limits */

/* "<before>from<after><before>from+1<after>...<before>to<after>" */
static char *
repeat (const char *before, int from, int to, const char *after)
{
  GString *s = g_string_new (NULL);

  for (int i = from; i <= to; i++)
    g_string_append_printf (s, "%s%d%s", before, i, after);
  return g_string_free (s, FALSE);
}

static void
test_limits (void)
{
  /* the 51st local of main is `a` on line 51; lparser.c checks after reading the token
   * after its name, the comma, still on line 51 */
  g_autofree char *fifty = repeat ("local v", 1, 50, "\n");
  g_autofree char *main_locals = g_strconcat (fifty, "local a,\n  b\n", NULL);
  /* parameters count: 2 + 48 locals, the 51st on line 52 */
  g_autofree char *body = repeat ("  local v", 1, 48, " = 1\n");
  g_autofree char *func_locals =
    g_strconcat ("x = 1\nfunction f(a, b)\n", body, "  local w\nend\n", NULL);
  /* a numeric for's three hidden locals count too */
  g_autofree char *loop_body = repeat ("local v", 1, 47, "\n");
  g_autofree char *loop_locals =
    g_strconcat ("for i = 1, 2 do\n", loop_body, "for k, v in pairs(t) do end end\n", NULL);
  /* 61 upvalues: 40 locals of g and 21 of h, used in one closure */
  g_autofree char *g_locals = repeat ("local u", 1, 40, "\n");
  g_autofree char *h_locals = repeat ("local w", 1, 40, "\n");
  g_autofree char *uses_u = repeat (", u", 2, 40, "\n");
  g_autofree char *uses_w = repeat (", w", 1, 21, "\n");
  g_autofree char *upvalues = g_strconcat ("local function g()\n", g_locals, "local function h()\n",
                                           h_locals, "return function() return u1\n", uses_u,
                                           uses_w, "end end end\n", NULL);
  const ErrorCase cases[] = {
    { main_locals, "t.lua:51: main function has more than 50 local variables" },
    { func_locals, "t.lua:52: function at line 2 has more than 50 local variables" },
    { loop_locals, "t.lua:49: main function has more than 50 local variables" },
    { upvalues, "t.lua:144: function at line 83 has more than 60 upvalues" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;

      chunk = mw_lua_compiler_compile ("t.lua", cases[i].source, strlen (cases[i].source),
                                       MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_NAMES, &error);
      g_assert_null (chunk);
      g_assert_error (error, MW_LUA_COMPILER_ERROR, MW_LUA_COMPILER_ERROR_SYNTAX);
      g_assert_cmpstr (error->message, ==, cases[i].error);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* the corpus */

/* liblua5.1 compiles the file as luaL_loadfile does: a first "#" line blanked */
static MwLuaChunk *
liblua_compile (const char *path, const char *data, gsize len)
{
  g_autofree char *name = g_strconcat ("@", path, NULL);

  if (len > 0 && data[0] == '#')
    {
      const char *nl = memchr (data, '\n', len);
      len = nl != NULL ? len - (nl - data) : 0;
      data = nl != NULL ? nl : "";
    }
  return mw_lua_chunk_new_from_source (name, data, len, NULL);
}

static void
test_corpus_float (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  guint compared = 0, refused = 0;

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *data = NULL;
      g_autoptr (MwLuaTree) tree = NULL;
      g_autoptr (MwLuaChunk) ours = NULL;
      g_autoptr (MwLuaChunk) firmware = NULL;
      g_autoptr (MwLuaChunk) theirs = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) a = NULL;
      g_autoptr (GBytes) b = NULL;
      g_autofree char *difference = NULL;
      gboolean over_limit = FALSE;
      gsize len;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      tree = mw_lua_tree_parse (path, data, len, MW_LUA_PARSE_SKIP_SHEBANG);
      theirs = liblua_compile (path, data, len);
      ours =
        mw_lua_codegen_generate (tree, MW_LUA_TARGET_FLOAT, MW_LUA_CODEGEN_DESKTOP_LIMITS, &error);
      if (theirs == NULL)
        {
          g_assert_error (error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_SYNTAX);
          continue;
        }
      g_assert_no_error (error);
      if (!mw_lua_chunk_equal (ours, theirs, MW_LUA_CHUNK_COMPARE_ALL, &difference))
        g_error ("%s: %s", path, difference);
      a = mw_lua_chunk_dump_stripped (ours, &mw_lua_chunk_format_nodemcu_float, 3, &error);
      g_assert_no_error (error);
      b = mw_lua_chunk_dump_stripped (theirs, &mw_lua_chunk_format_nodemcu_float, 3, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (a, b));
      compared++;

      /* with the firmware's limits: the same chunk, or the parser's finding of too many
       * locals turned into luac.cross's refusal */
      firmware = mw_lua_codegen_generate (tree, MW_LUA_TARGET_FLOAT, MW_LUA_CODEGEN_NONE, &error);
      for (guint d = 0; d < mw_lua_tree_get_diagnostics (tree)->len; d++)
        {
          const MwLuaDiagnostic *diag = mw_lua_tree_get_diagnostics (tree)->pdata[d];
          over_limit |= strcmp (diag->code, MW_LUA_CODE_FIRMWARE_LOCALS) == 0;
        }
      if (over_limit)
        {
          g_autofree char *prefix = g_strconcat (path, ":", NULL);
          g_assert_null (firmware);
          g_assert_error (error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_LIMIT);
          g_assert_true (g_str_has_prefix (error->message, prefix));
          g_assert_true (g_str_has_suffix (error->message, " has more than 50 local variables"));
          refused++;
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (mw_lua_chunk_equal (firmware, theirs, MW_LUA_CHUNK_COMPARE_ALL, NULL));
        }
    }
  g_test_message ("%u corpus files equal liblua5.1's; %u over the firmware's 50 locals", compared,
                  refused);
  g_assert_cmpuint (compared, >=, 400);
  g_assert_cmpuint (refused, >=, 1);
}

/* An integer numeral as the integer firmware reads it: decimal digits, or 0x and hex
 * digits. */
static gboolean
integer_numeral (const char *text, gsize len)
{
  gsize i = 0;

  if (len > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    {
      for (i = 2; i < len; i++)
        if (!g_ascii_isxdigit (text[i]))
          return FALSE;
      return TRUE;
    }
  for (; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return len > 0;
}

/* Every corpus file Lua accepts compiles for the integer target, or is refused with
 * "file:LINE: reason"; a malformed numeral is the file's first non-integer numeral. */
static void
test_corpus_integer (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  guint compiled = 0, malformed = 0, other = 0;

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *data = NULL;
      g_autoptr (MwLuaTree) tree = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *expected = NULL;
      const MwLuaToken *toks;
      guint n;
      gsize len;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      tree = mw_lua_tree_parse (path, data, len, MW_LUA_PARSE_SKIP_SHEBANG);
      if (!mw_lua_tree_is_valid (tree))
        continue;
      toks = mw_lua_tree_get_tokens (tree, &n);
      for (guint t = 0; t < n && expected == NULL; t++)
        if (toks[t].kind == MW_LUA_TOKEN_NUMBER
            && !integer_numeral (data + toks[t].offset, toks[t].length))
          expected = g_strdup_printf ("%s:%u: malformed number near '%.*s'", path, toks[t].line,
                                      (int) toks[t].length, data + toks[t].offset);
      chunk = mw_lua_codegen_generate (tree, MW_LUA_TARGET_INTEGER, MW_LUA_CODEGEN_NONE, &error);
      if (chunk != NULL)
        {
          g_assert_null (expected);
          compiled++;
          continue;
        }
      if (g_str_has_suffix (error->message, " local variables"))
        {
          other++;
          continue;
        }
      if (expected == NULL)
        {
          g_autoptr (GRegex) re = g_regex_new (
            "^[^:]+:[0-9]+: number -?[0-9]+ is (too big or small for integer bytecode|beyond the "
            "integer firmware's 32-bit range) ",
            0, 0, NULL);
          g_assert_true (g_regex_match (re, error->message, 0, NULL));
          other++;
          continue;
        }
      g_assert_error (error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_NUMBER);
      g_assert_cmpstr (error->message, ==, expected);
      malformed++;
    }
  g_test_message ("integer target: %u corpus files compile, %u have a non-integer numeral, %u "
                  "other refusals",
                  compiled, malformed, other);
  g_assert_cmpuint (compiled, >=, 100);
  g_assert_cmpuint (malformed, >=, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/codegen/line-info", test_line_info);
  g_test_add_func ("/mw/lua/codegen/whole-file", test_whole_file);
  g_test_add_func ("/mw/lua/codegen/integer-folding", test_integer_folding);
  g_test_add_func ("/mw/lua/codegen/integer-errors", test_integer_errors);
  g_test_add_func ("/mw/lua/codegen/integer-error-order", test_integer_error_order);
  g_test_add_func ("/mw/lua/codegen/nodemcu-modules", test_nodemcu_modules);
  g_test_add_func ("/mw/lua/codegen/limits", test_limits);
  g_test_add_func ("/mw/lua/codegen/corpus-float", test_corpus_float);
  g_test_add_func ("/mw/lua/codegen/corpus-integer", test_corpus_integer);
  return g_test_run ();
}
