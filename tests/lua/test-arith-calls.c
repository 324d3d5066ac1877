/* test-arith-calls.c: mw_lua_chunk_route_arith against liblua5.1: a routed chunk whose
 * functions do what the instructions did computes exactly what the original computes (jumps,
 * loops, closures, SETLIST's extra word), with four more instructions for each routed one. */
#include "mw-config.h"

#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "mw-lua-arith-calls.h"
#include "mw-lua-compiler.h"

static const char *const names[3] = { "\1div", "\1mod", "\1pow" };

/* Runs `chunk` (host format) in a fresh state whose routed functions are the plain operators;
 * returns what it returns, tostring'ed and joined with spaces. */
static char *
run (MwLuaChunk *chunk)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) host = mw_lua_chunk_dump (chunk, mw_lua_chunk_format_host (), &error);
  lua_State *L = luaL_newstate ();
  GString *out = g_string_new (NULL);
  int base;

  g_assert_no_error (error);
  luaL_openlibs (L);
  g_assert_cmpint (luaL_dostring (L, "_G['\\1div']=function(a,b) return a/b end "
                                     "_G['\\1mod']=function(a,b) return a%b end "
                                     "_G['\\1pow']=function(a,b) return a^b end"),
                   ==, 0);
  base = lua_gettop (L);
  g_assert_cmpint (
    luaL_loadbuffer (L, g_bytes_get_data (host, NULL), g_bytes_get_size (host), "=test"), ==, 0);
  if (lua_pcall (L, 0, LUA_MULTRET, 0) != 0)
    g_error ("run: %s", lua_tostring (L, -1));
  for (int i = base + 1; i <= lua_gettop (L); i++)
    {
      lua_getglobal (L, "tostring");
      lua_pushvalue (L, i);
      lua_call (L, 1, 1);
      g_string_append_printf (out, "%s%s", i > base + 1 ? " " : "", lua_tostring (L, -1));
      lua_pop (L, 1);
    }
  lua_close (L);
  return g_string_free (out, FALSE);
}

/* Instructions in `f` and the functions in it. */
static guint
count_code (const MwLuaProto *f)
{
  guint n = f->n_code;

  for (guint i = 0; i < f->n_protos; i++)
    n += count_code (f->protos[i]);
  return n;
}

typedef struct
{
  const char *name;
  const char *source;
  guint routed; /* DIV, MOD and POW instructions in it */
} Case;

static const Case cases[] = {
  { "straight", "local a,b=7,2 return a/b, a%b, a^b, -a/b, b^-1", 5 },
  { "loops",
    "local s,i=0,0 while i<10 do i=i+1 if i%2==0 then s=s+i/2 elseif i%3==0 then s=s-1 end "
    "end for j=10,1,-3 do s=s+j%4 end for k,v in ipairs{3,6,9} do s=s+v/k end "
    "repeat i=i-1 until i/3<1 return s, i",
    6 },
  { "closures",
    "local function mk(d) return function(x) return x/d, x%d end end local h=mk(4) "
    "local t={} for i=1,3 do t[i]=function() return i^2 end end return h(10), t[3]()",
    3 },
  { "logic", "local a,b=9,0 return a>5 and a/3 or a%2, b~=0 and a/b or -1, not (a%3==0)", 4 },
  { "metamethods",
    "local t=setmetatable({},{__div=function() return 'd' end,__mod=function() return 'm' end})"
    " return t/1, 1%t",
    2 },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaChunk) routed = NULL;
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;

  chunk = mw_lua_compiler_compile ("test", c->source, strlen (c->source), MW_LUA_TARGET_FLOAT,
                                   MW_LUA_STRIP_NONE, &error);
  g_assert_no_error (error);
  routed = mw_lua_chunk_route_arith (chunk, names, "=routed", &error);
  g_assert_no_error (error);
  want = run (chunk);
  got = run (routed);
  g_assert_cmpstr (got, ==, want);
  /* each routed instruction became five */
  g_assert_cmpuint (count_code (mw_lua_chunk_get_main (routed)), ==,
                    count_code (mw_lua_chunk_get_main (chunk)) + 4 * c->routed);
  g_assert_cmpstr (mw_lua_chunk_get_main (routed)->source.data, ==, "=routed");
}

/* A constructor of more than 25550 items ends in SETLIST with C 0 and the block number in the
 * next word, which must be copied, not read as an instruction. */
static void
test_setlist_word (void)
{
  GString *source = g_string_new ("local d=...\nlocal t={");
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaChunk) routed = NULL;
  g_autofree char *want = NULL, *got = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < 26000; i++)
    g_string_append (source, "1,");
  g_string_append (source, "}\nlocal s=0 for i=1,#t,1000 do s=s+t[i]/2 end return s, #t%7, 2^10");
  text = g_string_free (source, FALSE);
  chunk = mw_lua_compiler_compile ("big", text, strlen (text), MW_LUA_TARGET_FLOAT,
                                   MW_LUA_STRIP_NONE, &error);
  g_assert_no_error (error);
  {
    const MwLuaProto *main = mw_lua_chunk_get_main (chunk);
    guint extra_words = 0;

    /* SETLIST is opcode 34 (lopcodes.h); C is bits 14-22 */
    for (guint pc = 0; pc < main->n_code; pc++)
      if ((main->code[pc] & 0x3f) == 34 && ((main->code[pc] >> 14) & 0x1ff) == 0)
        extra_words++, pc++;
    g_assert_cmpuint (extra_words, >, 0);
  }
  routed = mw_lua_chunk_route_arith (chunk, names, NULL, &error);
  g_assert_no_error (error);
  want = run (chunk);
  got = run (routed);
  g_assert_cmpstr (want, ==, "13 2 1024");
  g_assert_cmpstr (got, ==, want);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/lua/arith-calls/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/mw/lua/arith-calls/setlist-word", test_setlist_word);
  return g_test_run ();
}
