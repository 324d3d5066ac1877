/* test-board-lua.c: every snippet of mw-board-lua.h is Lua 5.1 (compiled by liblua5.1, alone
 * and inside the REPL wrapper, in lines the board's line buffer takes), feeds the watchdog in
 * its loops (run against stub modules with an instruction budget between feeds), computes
 * zlib's Adler-32 on the board side, and its refusals parse back to the codes it sent. */
#include "mw-config.h"

#include <lauxlib.h>
#include <lualib.h>
#include <string.h>
#include <zlib.h>

#include "mw-board-lua.h"
#include "mw-upload.h"

/* Lua instructions a snippet may run between two watchdog feeds: a 255-byte Adler-32 piece
 * takes about 2,000; a loop over a whole file without a feed takes hundreds of thousands. */
#define FEED_BUDGET 10000
#define HOOK_STEP 100

static const char stubs[] =
  "FILES={} OUT={}\n"
  "local function fobj(name) local o={pos=0,name=name}\n"
  "function o:read(n) local d=FILES[self.name] if self.pos>=#d then return nil end\n"
  "local s=d:sub(self.pos+1,self.pos+(n or 1024)) self.pos=self.pos+#s return s end\n"
  "function o:write(s) local d=FILES[self.name]\n"
  "FILES[self.name]=d:sub(1,self.pos)..s..d:sub(self.pos+#s+1) self.pos=self.pos+#s return true "
  "end\n"
  "function o:seek(w,off) self.pos=(w=='set' and 0 or self.pos)+(off or 0) return self.pos end\n"
  "function o:close() end function o:flush() end return o end\n"
  "file={open=function(n,m) if m=='w' or m=='w+' then FILES[n]='' elseif FILES[n]==nil then\n"
  "return nil end return fobj(n) end,\n"
  "list=function() local t={} for k,v in pairs(FILES) do t[k]=#v end return t end,\n"
  "remove=function(n) FILES[n]=nil end,\n"
  "rename=function(a,b) if FILES[b] then return false end FILES[b]=FILES[a] FILES[a]=nil\n"
  "return true end, fsinfo=function() return 1000000,0,1000000 end, format=function() end}\n"
  "uart={write=function(id,...) for i=1,select('#',...) do OUT[#OUT+1]=tostring((select(i,...)))\n"
  "end end, on=function() end, setup=function() end}\n"
  "tmr={wdclr=feed_watchdog, ALARM_AUTO=1, create=function() return {alarm=function() end,\n"
  "unregister=function() end} end}\n"
  "node={heap=function() return 40000 end, restart=function() end, compile=function() end,\n"
  "info=function() error('no info') end}\n";

typedef struct
{
  guint since_feed; /* snippet instructions since the last feed */
  guint max_since_feed;
  guint feeds;
} Watchdog;

static Watchdog watchdog;

static int
feed_watchdog (lua_State *L)
{
  watchdog.since_feed = 0;
  watchdog.feeds++;
  return 0;
}

static void
count_hook (lua_State *L, lua_Debug *ar)
{
  lua_getinfo (L, "S", ar);
  /* only the snippet's own code: the stubs stand for C functions of the firmware */
  if (strcmp (ar->source, "=snippet") != 0)
    return;
  watchdog.since_feed += HOOK_STEP;
  watchdog.max_since_feed = MAX (watchdog.max_since_feed, watchdog.since_feed);
}

static lua_State *
new_board (void)
{
  lua_State *L = luaL_newstate ();

  luaL_openlibs (L);
  lua_register (L, "feed_watchdog", feed_watchdog);
  g_assert_cmpint (luaL_loadbuffer (L, stubs, sizeof stubs - 1, "=stubs"), ==, 0);
  g_assert_cmpint (lua_pcall (L, 0, 0, 0), ==, 0);
  memset (&watchdog, 0, sizeof watchdog);
  return L;
}

static void
set_file (lua_State *L, const char *name, const guint8 *data, gsize len)
{
  lua_getglobal (L, "FILES");
  lua_pushlstring (L, (const char *) data, len);
  lua_setfield (L, -2, name);
  lua_pop (L, 1);
}

/* Runs `code` as the REPL wrapper would (inside a function), with the instruction hook. */
static void
run_snippet (lua_State *L, const char *code)
{
  g_autofree char *wrapped = g_strdup_printf ("return (function()\n%s\nend)()", code);
  int status;

  g_assert_cmpint (luaL_loadbuffer (L, wrapped, strlen (wrapped), "=snippet"), ==, 0);
  lua_sethook (L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
  status = lua_pcall (L, 0, 0, 0);
  lua_sethook (L, NULL, 0, 0);
  if (status != 0)
    g_error ("snippet failed: %s\n%s", lua_tostring (L, -1), code);
}

/* What the snippet wrote with uart.write. */
static char *
output (lua_State *L)
{
  GString *out = g_string_new (NULL);

  lua_getglobal (L, "OUT");
  for (int i = 1;; i++)
    {
      lua_rawgeti (L, -1, i);
      if (lua_isnil (L, -1))
        {
          lua_pop (L, 1);
          break;
        }
      g_string_append (out, lua_tostring (L, -1));
      lua_pop (L, 1);
    }
  lua_pop (L, 1);
  return g_string_free (out, FALSE);
}

static GPtrArray *
all_snippets (void)
{
  /* names with every character a quoting mistake would trip over */
  static const char name[] = "a'b\"c\\d]]e.lua";
  GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
  MwBoardLuaUpload up = { .temp_name = "~mwupload.tmp",
                          .name = name,
                          .len = 1000,
                          .n_blocks = 4,
                          .payload = MW_UPLOAD_PAYLOAD,
                          .block = 255,
                          .a = 1234,
                          .b = 5678,
                          .start = 0,
                          .token = "abc123",
                          .drain_ms = 100,
                          .vanish_ms = 2000 };
  GString *write = g_string_new (NULL);

  g_ptr_array_add (all, mw_board_lua_list ());
  g_ptr_array_add (all, mw_board_lua_fsinfo ());
  g_ptr_array_add (all, mw_board_lua_file_size (name));
  g_ptr_array_add (all, mw_board_lua_read_chunk (name, 4096, 2048));
  g_ptr_array_add (all, mw_board_lua_remove (name));
  g_ptr_array_add (all, mw_board_lua_rename (name, "x\ny"));
  g_ptr_array_add (all, mw_board_lua_compile (name));
  g_ptr_array_add (all, mw_board_lua_format ());
  g_ptr_array_add (all, mw_board_lua_run (name));
  g_ptr_array_add (all, mw_board_lua_heap ());
  g_ptr_array_add (all, mw_board_lua_restart ());
  g_ptr_array_add (all, mw_board_lua_probe ());
  g_ptr_array_add (all, mw_board_lua_checksum (name));
  for (guint i = 0; i < mw_board_lua_upload_library_pieces (); i++)
    g_ptr_array_add (all, mw_board_lua_upload_library (i));
  g_ptr_array_add (all, mw_board_lua_upload_setup (&up));
  g_ptr_array_add (all, mw_board_lua_upload_whole_setup (&up));
  up.start = 3;
  g_ptr_array_add (all, mw_board_lua_upload_setup (&up));
  g_ptr_array_add (all, mw_board_lua_upload_resume (3));
  g_ptr_array_add (all, mw_board_lua_upload_cleanup ("~mwupload.tmp", TRUE, 115200));
  g_ptr_array_add (all, mw_board_lua_upload_cleanup ("~mwupload.tmp", FALSE, 0));
  g_ptr_array_add (all, mw_board_lua_fast_switch (921600, 115200));
  g_ptr_array_add (all, mw_board_lua_fast_confirm ());
  g_ptr_array_add (all, mw_board_lua_text_open ("~mwupload.tmp", 1000));
  mw_board_lua_text_write (write, (const guint8 *) "\0\1\2\"'\\\n\r]]x", 11, 130);
  g_ptr_array_add (all, g_string_free (write, FALSE));
  g_ptr_array_add (all, mw_board_lua_text_finish (name, 1000, 1234, 5678));
  return all;
}

/* Each snippet compiles alone and between the REPL wrapper's head and tail, in lines of at
 * most 250 bytes. */
static void
test_compiles (void)
{
  g_autoptr (GPtrArray) all = all_snippets ();
  g_autofree char *head = mw_board_lua_exec_head ("abc123");
  g_autofree char *tail = mw_board_lua_exec_tail ("abc123");

  for (guint i = 0; i < all->len; i++)
    {
      const char *code = all->pdata[i];
      g_autofree char *wrapped = g_strdup_printf ("%s\n%s\n%s", head, code, tail);
      g_auto (GStrv) lines = g_strsplit (wrapped, "\n", -1);
      lua_State *L = luaL_newstate ();

      if (luaL_loadbuffer (L, code, strlen (code), "=snippet") != 0)
        g_error ("snippet %u does not compile: %s\n%s", i, lua_tostring (L, -1), code);
      lua_pop (L, 1);
      if (luaL_loadbuffer (L, wrapped, strlen (wrapped), "=snippet") != 0)
        g_error ("snippet %u does not compile wrapped: %s\n%s", i, lua_tostring (L, -1), code);
      lua_close (L);
      for (guint k = 0; lines[k] != NULL; k++)
        g_assert_cmpuint (strlen (lines[k]), <=, MW_REPL_MAX_LINE);
    }
}

/* A byte of the wrapper lost on the way in makes the board print a syntax error "near" one
 * token, with its escapes decoded. That message must never hold a marker with the token: a
 * lost "(" before `"\2E<token>"` once printed \x02E<token> as console output, which opened
 * the reply's end frame and left the command waiting for a \x03 until its timeout (a 0.1%
 * loss run, seed 16). Each byte of the head and the tail is dropped in turn. */
static void
test_wrapper_errors_hold_no_marker (void)
{
  static const char token[] = "abc123";
  g_autofree char *head = mw_board_lua_exec_head (token);
  g_autofree char *tail = mw_board_lua_exec_tail (token);
  const char *parts[] = { head, tail };
  guint errors = 0;

  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    for (gsize i = 0; parts[p][i] != '\0'; i++)
      {
        g_autoptr (GString) line = g_string_new (parts[p]);
        g_autofree char *chunk = NULL;
        lua_State *L = luaL_newstate ();

        g_string_erase (line, i, 1);
        chunk =
          g_strdup_printf ("%s\nx=1\n%s", p == 0 ? line->str : head, p == 1 ? line->str : tail);
        if (luaL_loadbuffer (L, chunk, strlen (chunk), "=stdin") != 0)
          {
            const char *message = lua_tostring (L, -1);

            errors++;
            for (const char *kind = "BEAZ"; *kind != '\0'; kind++)
              {
                g_autofree char *marker = g_strdup_printf ("\2%c%s", *kind, token);

                if (strstr (message, marker) != NULL)
                  g_error ("dropping byte %zu of '%s' gives the error '%s'", i, parts[p], message);
              }
          }
        lua_close (L);
      }
  g_assert_cmpuint (errors, >, 0);
}

/* The board-side Adler-32 over a 64 KB file: zlib's figure, and the watchdog fed throughout. */
static void
test_checksum_and_watchdog (void)
{
  lua_State *L = new_board ();
  gsize len = 65536 + 77;
  g_autofree guint8 *data = g_malloc (len);
  g_autofree char *code = mw_board_lua_checksum ("big.bin");
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  guint32 adler;

  for (gsize i = 0; i < len; i++)
    data[i] = (i * 7919 + i / 255) & 0xff;
  adler = adler32_z (1, data, len);
  set_file (L, "big.bin", data, len);
  run_snippet (L, code);
  out = output (L);
  expected = g_strdup_printf ("%zu,%u,%u", len, adler & 0xffff, adler >> 16);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpuint (watchdog.feeds, ==, (len + 254) / 255);
  g_assert_cmpuint (watchdog.max_since_feed, <=, FEED_BUDGET);
  lua_close (L);

  /* the classic check value */
  L = new_board ();
  set_file (L, "w", (const guint8 *) "Wikipedia", 9);
  g_clear_pointer (&code, g_free);
  code = mw_board_lua_checksum ("w");
  run_snippet (L, code);
  g_clear_pointer (&out, g_free);
  out = output (L);
  g_assert_cmpstr (out, ==, "9,920,4582"); /* 0x11E60398: b = 0x11E6, a = 0x0398 */
  lua_close (L);
}

/* The text fallback's verification reads the whole file back: it feeds the watchdog (it once
 * did not, and a large file could reset a real board), then renames over the target. */
static void
test_text_finish_feeds (void)
{
  lua_State *L = new_board ();
  gsize len = 40000;
  g_autofree guint8 *data = g_malloc (len);
  g_autofree char *code = NULL;
  guint32 adler;

  for (gsize i = 0; i < len; i++)
    data[i] = (i * 31) & 0xff;
  adler = adler32_z (1, data, len);
  set_file (L, "~mwupload.tmp", data, len);
  g_assert_cmpint (luaL_dostring (L, "_mwu={T='~mwupload.tmp', f=file.open('~mwupload.tmp','r')}"),
                   ==, 0);
  code = mw_board_lua_text_finish ("init.lua", len, adler & 0xffff, adler >> 16);
  run_snippet (L, code);
  g_assert_cmpuint (watchdog.feeds, >=, len / 255);
  g_assert_cmpuint (watchdog.max_since_feed, <=, FEED_BUDGET);
  g_assert_cmpint (luaL_dostring (L, "return #FILES['init.lua']"), ==, 0);
  g_assert_cmpint (lua_tointeger (L, -1), ==, (lua_Integer) len);
  lua_close (L);
}

/* The block protocol's whole-file verification (_mwL.done) feeds the watchdog too. */
static void
test_upload_verify_feeds (void)
{
  lua_State *L = new_board ();
  gsize len = 30000;
  g_autofree guint8 *data = g_malloc (len);
  MwBoardLuaUpload up = { .temp_name = "~mwupload.tmp",
                          .name = "data.bin",
                          .len = len,
                          .payload = MW_UPLOAD_PAYLOAD,
                          .block = 255,
                          .token = "abc123",
                          .drain_ms = 100,
                          .vanish_ms = 2000 };
  g_autofree char *code = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  guint32 adler;

  for (gsize i = 0; i < len; i++)
    data[i] = (i * 13) & 0xff;
  adler = adler32_z (1, data, len);
  up.n_blocks = (len + MW_UPLOAD_PAYLOAD - 1) / MW_UPLOAD_PAYLOAD;
  up.a = adler & 0xffff;
  up.b = adler >> 16;
  /* the library first, as the upload sends it, then the start */
  for (guint i = 0; i < mw_board_lua_upload_library_pieces (); i++)
    {
      g_autofree char *piece = mw_board_lua_upload_library (i);

      run_snippet (L, piece);
    }
  code = mw_board_lua_upload_setup (&up);
  run_snippet (L, code);
  /* the blocks as written; then the last block's handler verifies */
  set_file (L, "~mwupload.tmp", data, len);
  memset (&watchdog, 0, sizeof watchdog);
  run_snippet (L, "_mwL.done()");
  out = output (L);
  expected = g_strdup_printf ("\2Zabc123+%zu,%u,%u\3", len, up.a, up.b);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpuint (watchdog.feeds, ==, (len + 254) / 255);
  lua_close (L);
}

/* A block as docs/upload-protocol.md describes it: sequence number, check byte, the Adler-32
 * from the token's over those three bytes and the payload, the payload zero-padded. */
static void
make_block (guint8 out[MW_UPLOAD_BLOCK], guint seq, const guint8 *data, gsize len)
{
  gsize off = (gsize) seq * MW_UPLOAD_PAYLOAD;
  guint32 sum;

  memset (out, 0, MW_UPLOAD_BLOCK);
  out[0] = seq >> 8;
  out[1] = seq & 0xff;
  out[2] = (out[0] + out[1] + 0x5a) & 0xff;
  memcpy (out + 7, data + off, MIN (MW_UPLOAD_PAYLOAD, len - off));
  sum = adler32_z (adler32_z (1, (const guint8 *) "abc123", 6), out, 3);
  sum = adler32_z (sum, out + 7, MW_UPLOAD_PAYLOAD);
  out[3] = (sum >> 8) & 0xff;
  out[4] = sum & 0xff;
  out[5] = sum >> 24;
  out[6] = (sum >> 16) & 0xff;
}

static char *
ack (guint seq, const guint8 block[MW_UPLOAD_BLOCK], guint end)
{
  guint32 sum = adler32_z (adler32_z (1, (const guint8 *) "abc123", 6), block, 3);

  sum = adler32_z (sum, block + 7, MW_UPLOAD_PAYLOAD);
  return g_strdup_printf ("\2Aabc123%u,%u,%u,%u\3", seq, sum & 0xffff, sum >> 16, end);
}

/* The board's block handler takes the received bytes as a stream: block 1 loses a byte (it
 * is answered F and never written, not even in part), block 2 is kept until block 1 comes
 * again, the host's alignment space is skipped, and the file ends exactly as sent. The bytes
 * arrive in 255-byte pieces, as uart.on delivers them. */
static void
test_upload_stream (void)
{
  lua_State *L = new_board ();
  gsize len = 1000; /* four whole blocks and 8 bytes */
  g_autofree guint8 *data = g_malloc (len);
  guint8 blocks[5][MW_UPLOAD_BLOCK];
  GByteArray *wire = g_byte_array_new ();
  MwBoardLuaUpload up = { .temp_name = "~mwupload.tmp",
                          .name = "data.bin",
                          .len = len,
                          .n_blocks = 5,
                          .payload = MW_UPLOAD_PAYLOAD,
                          .block = MW_UPLOAD_BLOCK,
                          .token = "abc123",
                          .drain_ms = 100,
                          .vanish_ms = 2000,
                          .ahead = 4 };
  g_autofree char *code = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  guint32 adler;

  for (gsize i = 0; i < len; i++)
    data[i] = (i * 31 + 7) & 0xff;
  adler = adler32_z (1, data, len);
  up.a = adler & 0xffff;
  up.b = adler >> 16;
  for (guint i = 0; i < 5; i++)
    make_block (blocks[i], i, data, len);
  for (guint i = 0; i < mw_board_lua_upload_library_pieces (); i++)
    {
      g_autofree char *piece = mw_board_lua_upload_library (i);

      run_snippet (L, piece);
    }
  code = mw_board_lua_upload_setup (&up);
  run_snippet (L, code);

  /* block 0, block 1 without its byte 100, block 2, block 1 again, one space, blocks 3, 4 */
  g_byte_array_append (wire, blocks[0], MW_UPLOAD_BLOCK);
  g_byte_array_append (wire, blocks[1], 100);
  g_byte_array_append (wire, blocks[1] + 101, MW_UPLOAD_BLOCK - 101);
  g_byte_array_append (wire, blocks[2], MW_UPLOAD_BLOCK);
  g_byte_array_append (wire, blocks[1], MW_UPLOAD_BLOCK);
  g_byte_array_append (wire, (const guint8 *) " ", 1);
  g_byte_array_append (wire, blocks[3], MW_UPLOAD_BLOCK);
  g_byte_array_append (wire, blocks[4], MW_UPLOAD_BLOCK);
  g_assert_cmpuint (wire->len, ==, 6 * MW_UPLOAD_BLOCK);
  for (guint piece = 0; piece < 6; piece++)
    {
      lua_getglobal (L, "_mwL");
      lua_getfield (L, -1, "cb");
      lua_pushlstring (L, (const char *) wire->data + piece * MW_UPLOAD_BLOCK, MW_UPLOAD_BLOCK);
      g_assert_cmpint (lua_pcall (L, 1, 0, 0), ==, 0);
      lua_pop (L, 1);
      if (piece == 1)
        {
          /* the cut block wrote nothing: only block 0 is in the file */
          g_assert_cmpint (luaL_dostring (L, "return FILES['~mwupload.tmp']"), ==, 0);
          g_assert_cmpmem (lua_tostring (L, -1), lua_objlen (L, -1), data, MW_UPLOAD_PAYLOAD);
          lua_pop (L, 1);
        }
    }
  run_snippet (L, "_mwL.done()");
  out = output (L);
  {
    g_autofree char *a0 = ack (0, blocks[0], 255);
    g_autofree char *a2 = ack (2, blocks[2], 764);
    g_autofree char *a1 = ack (1, blocks[1], 1019);
    g_autofree char *a3 = ack (3, blocks[3], 1275);
    g_autofree char *a4 = ack (4, blocks[4], 1530);

    expected = g_strdup_printf ("%s\2Aabc123F1,510\3%s%s%s%s\2Zabc123+%zu,%u,%u\3", a0, a2, a1, a3,
                                a4, len, up.a, up.b);
  }
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpint (luaL_dostring (L, "return FILES['data.bin']"), ==, 0);
  g_assert_cmpmem (lua_tostring (L, -1), lua_objlen (L, -1), data, len);
  g_byte_array_unref (wire);
  lua_close (L);
}

/* Listing many files and probing loop too: fed. */
static void
test_list_feeds (void)
{
  lua_State *L = new_board ();
  g_autofree char *code = mw_board_lua_list ();

  for (int i = 0; i < 3000; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%04d", i);

      set_file (L, name, (const guint8 *) "x", 1);
    }
  run_snippet (L, code);
  g_assert_cmpuint (watchdog.feeds, ==, 3000);
  g_assert_cmpuint (watchdog.max_since_feed, <=, FEED_BUDGET);
  lua_close (L);
}

/* Refusals: each code the snippets send parses back to itself, anything else is no refusal. */
static void
test_parse_reply (void)
{
  static const struct
  {
    const char *text;
    gboolean ok;
    MwBoardReply code;
    const char *message;
  } cases[] = {
    { "E1:no such file on the board", TRUE, MW_BOARD_REPLY_NOT_FOUND, "no such file on the board" },
    { "E2:the target exists", TRUE, MW_BOARD_REPLY_EXISTS, "the target exists" },
    { "E3:full", TRUE, MW_BOARD_REPLY_FULL, "full" },
    { "E4:rename", TRUE, MW_BOARD_REPLY_REFUSED, "rename" },
    { "E5:verification failed: 3 bytes, 1,2", TRUE, MW_BOARD_REPLY_VERIFY,
      "verification failed: 3 bytes, 1,2" },
    { "E6:", TRUE, MW_BOARD_REPLY_UNSUPPORTED, "" },
    { "E7:unknown", FALSE, 0, NULL },
    { "E0:zero", FALSE, 0, NULL },
    { "E3", FALSE, 0, NULL },
    { "stdin:1: E3:full", FALSE, 0, NULL },
    { "", FALSE, 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MwBoardReply code = 0;
      const char *message = NULL;

      g_assert_cmpint (mw_board_lua_parse_reply (cases[i].text, &code, &message), ==, cases[i].ok);
      if (cases[i].ok)
        {
          g_assert_cmpint (code, ==, cases[i].code);
          g_assert_cmpstr (message, ==, cases[i].message);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/board-lua/compiles", test_compiles);
  g_test_add_func ("/mw/board-lua/wrapper-errors-hold-no-marker",
                   test_wrapper_errors_hold_no_marker);
  g_test_add_func ("/mw/board-lua/checksum-watchdog", test_checksum_and_watchdog);
  g_test_add_func ("/mw/board-lua/upload-stream", test_upload_stream);
  g_test_add_func ("/mw/board-lua/text-finish-feeds", test_text_finish_feeds);
  g_test_add_func ("/mw/board-lua/upload-verify-feeds", test_upload_verify_feeds);
  g_test_add_func ("/mw/board-lua/list-feeds", test_list_feeds);
  g_test_add_func ("/mw/board-lua/parse-reply", test_parse_reply);
  return g_test_run ();
}
