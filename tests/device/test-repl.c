/* test-repl.c: the REPL engine: stream parser tables, Lua quoting against liblua5.1, banner
 * parsing, and the engine against moonwire-sim over a real pty in both firmware styles. */
#include "mw-config.h"

#include <string.h>
#include <lauxlib.h>
#include <lualib.h>

#include "mw-board-lua.h"
#include "mw-device.h"
#include "mw-repl-parser.h"
#include "mw-test-board.h"
#include "mw-test-pty.h"
#include "mw-transport.h"

/* ---- the stream parser (pure) ---- */

typedef struct
{
  const char *name;
  const char *echo; /* expected echo (or, for reply cases, the reply token), or NULL */
  const char *input; /* fed in one piece, and again one byte at a time */
  gsize input_len;
  const char *events; /* see describe(); compact: C(text) P/p Q/q (fresh/stale) B(tok) D(bytes)
                         E+(tok) E-(tok:msg) F(k,tok:body) R N */
} ParserCase;

#define S(x) x, sizeof x - 1

static const ParserCase parser_cases[] = {
  /* docs/firmware.md section 1: print(1) gives the echo, CR LF, "1\r\n", then "> " */
  { "echo-removed", "print(1)\n", S ("print(1)\r\n1\r\n> "), "C(1\r\n> )P" },
  /* the echo diverging from our line: the board read something else, which the prompt
   * after that line shows */
  { "echo-mismatch", "abc\n", S ("abX\r\n> "), "C(X\r\n> )GP" },
  /* the newline lost: the board echoes what it has, then reads on */
  { "echo-short", "abc\n", S ("ab\r\n>> "), "C(\r\n>> )GQ" },
  /* a timer's line printed between two reads of the input task (the firmware echoes each
   * byte as it reads it, docs/firmware.md section 1): our echo goes on after it */
  { "echo-interrupted", "print(1)\n",
    S ("pri"
       "tick\r\n"
       "nt(1)\r\n1\r\n> "),
    "C(tick\r\n1\r\n> )P" },
  { "echo-interrupted-twice", "abc\n",
    S ("a"
       "tick\r\n"
       "b"
       "tock\r\n"
       "c\r\n> "),
    "C(tick\r\ntock\r\n> )P" },
  /* a timer's line holding our line's first byte ("i" of "if") is not the start of our echo */
  { "echo-false-start", "if x then end\n",
    S ("tick\r\n"
       "if x then end\r\n> "),
    "C(tick\r\n> )P" },
  { "echo-false-start-then-echo", "ick\n",
    S ("> tick!\r\n"
       "ick\r\n> "),
    "C(> )pC(tick!\r\n> )P" },
  /* an interruption, then a divergence: still our line read wrongly */
  { "echo-interrupted-garbled", "abc\n",
    S ("a"
       "tick\r\n"
       "X\r\n> "),
    "C(tick\r\nX\r\n> )GP" },
  /* a first byte lost: other text, then a prompt before any echo */
  { "echo-first-byte-lost", "abc\n", S ("bc\r\n> "), "C(bc\r\n> )Gp" },
  /* a prompt owed to earlier input (the boot prompt) does not answer our line */
  { "stale-prompt", "x=1\n", S ("> x=1\r\n> "), "C(> )pC(> )P" },
  { "continuation", NULL, S ("\r\n>> "), "C(\r\n>> )Q" },
  { "reply", "abc123",
    S ("\x02"
       "Babc123\x03hello\x02"
       "Eabc123+\x03> "),
    "B(abc123)D(hello)E+(abc123)C(> )P" },
  { "reply-error", "abc123",
    S ("\x02"
       "Babc123\x03\x02"
       "Eabc123-stdin:1: boom\x03> "),
    "B(abc123)E-(abc123:stdin:1: boom)C(> )P" },
  /* reply bytes are binary: NUL, \x02 not followed by the terminator, a fake prompt */
  { "reply-binary", "zzzzzz",
    S ("\x02"
       "Bzzzzzz\x03"
       "a\0\x02"
       "Ezzzzzy\r\n> \x02"
       "Ezzzzzz+\x03"),
    "B(zzzzzz)D(a\\0\\2Ezzzzzy\r\n> )E+(zzzzzz)" },
  /* a timer print between replies is console text, never reply bytes */
  { "timer-between", "q00001",
    S ("tick\r\n\x02"
       "Bq00001\x03"
       "42\x02"
       "Eq00001+\x03tick\r\n"),
    "C(tick\r\n)B(q00001)D(42)E+(q00001)C(tick\r\n)" },
  /* a begin marker of a reply nobody waits for (a garbled line that ran) is not a reply */
  { "unexpected-reply", "abc123",
    S ("\x02"
       "Bzzz999\x03oops\r\n> "),
    "F(B,zzz999:)C(oops\r\n> )P" },
  { "frame", NULL,
    S ("\x02"
       "Ak3k3k3"
       "12,34,56\x03"),
    "F(A,k3k3k3:12,34,56)" },
  { "not-a-marker", NULL,
    S ("\x02"
       "xy\r\n"),
    "C(\\2xy\r\n)" },
  /* docs/firmware.md section 1: 3.0 banner, multi-line, then "cannot open init.lua: " and the
     prompt */
  { "banner-3.0", NULL,
    S ("NodeMCU 3.0.0.0 built with Docker provided by frightanic.com\r\n"
       "\tbranch: release\r\n\tcommit: 64bbf0066ac\r\n\tSSL: false\r\n\tbuild type: float\r\n"
       "\tLFS: 0x0 bytes total capacity\r\n\tmodules: file,node,tmr,uart\r\n"
       " build 2021-01-01 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\r\n"
       "cannot open init.lua: \r\n> "),
    "C(NodeMCU 3.0.0.0 built with Docker provided by frightanic.com\r\n)RC(\\t...)N"
    "C(cannot open init.lua: \r\n> )P" },
  { "banner-2.x", NULL,
    S ("NodeMCU 2.1.0 build 2017/06/20 powered by Lua 5.1.4 on SDK 2.1.0(116b762)\r\n"
       "lua: cannot open init.lua\r\n> "),
    "C(NodeMCU 2.1.0 build 2017/06/20 powered by Lua 5.1.4 on SDK 2.1.0(116b762)\r\n)RN"
    "C(lua: cannot open init.lua\r\n> )P" },
  /* docs/firmware.md section 1: the ROM's 74880-baud output reads as garbage at 115200 */
  { "rom-noise", NULL, S ("\xe0\x90\xf2\x8e\x83\xfe\x8c\x9e\xf0\x12"), "RX" },
  /* one restart, not two: the noise, then the banner (its first bytes in the noise's read) */
  { "rom-noise-then-banner", NULL,
    S ("\xe0\x90\xf2\x8e\x83\xfe\x8c\x9e\xf0\x12\r\nNodeMCU 3.0.0.0 built with moonwire-sim\r\n"
       "\tbranch: release\r\n build 2021-01-01 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\r\n"
       "cannot open init.lua: \r\n> "),
    "RXC(NodeMCU 3.0.0.0 built with moonwire-sim\r\n\tbranch: release\r\n build 2021-01-01 "
    "powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\r\n)N"
    "C(cannot open init.lua: \r\n> )P" },
  /* a restart while our line's echo was awaited: the board lost the line, and the restarted
   * board's prompt is fresh (regression: it counted as stale, so the engine held back its
   * queue until a grace timer) */
  { "restart-drops-echo", "print(1)\n",
    S ("\xe0\x90\xf2\x8e\x83\xfe\x8c\x9e\xf0\x12\r\nNodeMCU 3.0.0.0 built with moonwire-sim\r\n"
       " build 2021-01-01 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\r\n"
       "cannot open init.lua: \r\n> "),
    "RXC(NodeMCU 3.0.0.0 built with moonwire-sim\r\n build 2021-01-01 powered by Lua 5.1.4 on SDK "
    "3.0.1-dev(fce080e)\r\n)NC(cannot open init.lua: \r\n> )P" },
  { "rom-text", NULL, S ("ets Jan  8 2013,rst cause:2, boot mode:(3,6)\r\n"),
    "C(ets Jan  8 2013,rst cause:2, boot mode:(3,6)\r\n)R" },
};

static void
describe (GString *out, MwReplEvent *e)
{
  gsize len = 0;
  const char *data = e->data ? g_bytes_get_data (e->data, &len) : "";
  g_autoptr (GString) text = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\0')
        g_string_append (text, "\\0");
      else if (data[i] == '\x02')
        g_string_append (text, "\\2");
      else
        g_string_append_c (text, data[i]);
    }
  switch (e->kind)
    {
      case MW_REPL_EVENT_CONSOLE:
        if (text->str[0] == '\t') /* banner detail lines: shortened */
          g_string_append (out, "C(\\t...)");
        else
          g_string_append_printf (out, "C(%s)", text->str);
        break;
      case MW_REPL_EVENT_PROMPT:
        g_string_append (out, e->ok ? "P" : "p");
        break;
      case MW_REPL_EVENT_CONTINUATION:
        g_string_append (out, e->ok ? "Q" : "q");
        break;
      case MW_REPL_EVENT_BEGIN:
        g_string_append_printf (out, "B(%s)", e->token);
        break;
      case MW_REPL_EVENT_PAYLOAD:
        g_string_append_printf (out, "D(%s)", text->str);
        break;
      case MW_REPL_EVENT_END:
        if (e->ok)
          g_string_append_printf (out, "E+(%s)", e->token);
        else
          g_string_append_printf (out, "E-(%s:%s)", e->token, text->str);
        break;
      case MW_REPL_EVENT_FRAME:
        g_string_append_printf (out, "F(%c,%s:%s)", e->frame_kind, e->token, text->str);
        break;
      case MW_REPL_EVENT_BOOT:
        g_string_append (out, "R");
        break;
      case MW_REPL_EVENT_BANNER:
        g_string_append (out, "N");
        break;
      case MW_REPL_EVENT_NOISE:
        g_string_append (out, "X");
        break;
      case MW_REPL_EVENT_GARBLED:
        g_string_append (out, "G");
        break;
      default:
        g_assert_not_reached ();
    }
}

/* Merges adjacent C and D events so that one-byte feeding compares with whole feeding. */
static char *
run_parser (const ParserCase *c, gboolean bytewise)
{
  g_autoptr (MwReplParser) parser = mw_repl_parser_new ();
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_repl_event_free);
  GString *out = g_string_new (NULL);

  if (c->echo && strlen (c->echo) == MW_REPL_TOKEN_LEN && strchr (c->echo, '\n') == NULL)
    mw_repl_parser_set_reply_token (parser, c->echo);
  else if (c->echo)
    mw_repl_parser_expect_echo (parser, c->echo, strlen (c->echo));
  for (gsize i = 0; i < c->input_len; i += bytewise ? 1 : c->input_len)
    {
      g_autoptr (GPtrArray) events =
        mw_repl_parser_feed (parser, (const guint8 *) c->input + i, bytewise ? 1 : c->input_len);

      for (guint k = 0; k < events->len; k++)
        {
          MwReplEvent *e = events->pdata[k];
          MwReplEvent *last = all->len ? all->pdata[all->len - 1] : NULL;

          if (last && last->kind == e->kind
              && (e->kind == MW_REPL_EVENT_CONSOLE || e->kind == MW_REPL_EVENT_PAYLOAD
                  || e->kind == MW_REPL_EVENT_NOISE))
            {
              g_autoptr (GByteArray) joined = g_bytes_unref_to_array (last->data);

              g_byte_array_append (joined, g_bytes_get_data (e->data, NULL),
                                   g_bytes_get_size (e->data));
              last->data = g_byte_array_free_to_bytes (g_steal_pointer (&joined));
            }
          else
            g_ptr_array_add (all, g_ptr_array_steal_index (events, k--));
        }
    }
  for (guint k = 0; k < all->len; k++)
    {
      MwReplEvent *e = all->pdata[k];

      /* banner detail lines come as several console events when fed whole */
      if (e->kind == MW_REPL_EVENT_CONSOLE && k > 0
          && ((MwReplEvent *) all->pdata[k - 1])->kind == MW_REPL_EVENT_BOOT
          && g_bytes_get_size (e->data) > 0
          && *(const char *) g_bytes_get_data (e->data, NULL) == '\t')
        {
          g_string_append (out, "C(\\t...)");
          while (k + 1 < all->len
                 && ((MwReplEvent *) all->pdata[k + 1])->kind == MW_REPL_EVENT_CONSOLE)
            k++;
          continue;
        }
      describe (out, e);
    }
  return g_string_free (out, FALSE);
}

static void
test_parser (gconstpointer data)
{
  const ParserCase *c = data;
  g_autofree char *whole = run_parser (c, FALSE);
  g_autofree char *bytewise = run_parser (c, TRUE);

  g_assert_cmpstr (whole, ==, c->events);
  g_assert_cmpstr (bytewise, ==, c->events);
}

/* ---- quoting (oracle: liblua5.1 reads the literal back) ---- */

static const struct
{
  const char *name;
  const char *bytes;
  gsize len;
} quote_cases[] = {
  { "injection", S ("a\"..node.restart()..\"") },
  { "long-bracket", S ("]]") },
  { "newline", S ("a\nb\r\n") },
  { "nul", S ("a\0b\0") },
  { "digits-after-escape", S ("\001"
                              "23\x7f"
                              "9") },
  { "backslash", S ("\\\\n\\") },
  { "high-bytes", S ("\xff\xfe\x80 ok") },
  { "marker-bytes", S ("\x02"
                       "Eabcdef+\x03") },
};

static void
test_quote (gconstpointer data)
{
  const char *name = data;
  lua_State *L = luaL_newstate ();

  for (gsize i = 0; i < G_N_ELEMENTS (quote_cases); i++)
    {
      g_autofree char *lit = NULL;
      g_autofree char *chunk = NULL;
      size_t len;
      const char *back;

      if (strcmp (quote_cases[i].name, name) != 0)
        continue;
      lit = mw_lua_quote (quote_cases[i].bytes, quote_cases[i].len);
      /* printable ASCII only: no line break, no marker byte can reach the wire */
      for (const char *p = lit; *p; p++)
        g_assert_true (*p >= 0x20 && *p < 0x7f);
      chunk = g_strdup_printf ("return %s", lit);
      g_assert_cmpint (luaL_loadstring (L, chunk), ==, 0);
      g_assert_cmpint (lua_pcall (L, 0, 1, 0), ==, 0);
      back = lua_tolstring (L, -1, &len);
      g_assert_cmpmem (back, len, quote_cases[i].bytes, quote_cases[i].len);
      lua_pop (L, 1);
    }
  lua_close (L);
}

static void
test_quote_prefix (void)
{
  guint8 all[256];
  g_autoptr (GString) out = g_string_new (NULL);
  gsize done = 0;
  lua_State *L = luaL_newstate ();
  g_autoptr (GByteArray) back = g_byte_array_new ();

  for (guint i = 0; i < 256; i++)
    all[i] = i;
  while (done < sizeof all)
    {
      g_autofree char *chunk = NULL;
      size_t len;
      const char *s;
      gsize n;

      g_string_truncate (out, 0);
      n = mw_lua_quote_prefix (all + done, sizeof all - done, 40, out);
      g_assert_cmpuint (n, >, 0);
      g_assert_cmpuint (out->len, <=, 40);
      chunk = g_strdup_printf ("return %s", out->str);
      g_assert_cmpint (luaL_dostring (L, chunk), ==, 0);
      s = lua_tolstring (L, -1, &len);
      g_byte_array_append (back, (const guint8 *) s, len);
      lua_pop (L, 1);
      done += n;
    }
  g_assert_cmpmem (back->data, back->len, all, sizeof all);
  lua_close (L);
}

static const struct
{
  const char *name;
  gboolean ok;
} name_cases[] = {
  { "init.lua", TRUE },
  { "", FALSE },
  { "a234567890123456789012345678901",
    TRUE }, /* 31: the SPIFFS limit (docs/firmware.md section 2) */
  { "a2345678901234567890123456789012", FALSE }, /* 32 */
  { "a\nb\rc", TRUE }, /* the board takes line breaks (quoted as \n and \r) */
  { "a\"..node.restart()..\"", TRUE }, /* legal, and quoted when used */
};

static void
test_names (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_cmpint (mw_lua_check_file_name (name_cases[i].name, &error), ==, name_cases[i].ok);
      if (!name_cases[i].ok)
        g_assert_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME);
    }
}

/* ---- banners (docs/firmware.md section 1) ---- */

static void
test_banner (void)
{
  g_autoptr (MwBoardInfo) b3 = mw_board_info_parse_banner (
    "NodeMCU 3.0.0.0 built with Docker provided by frightanic.com\n"
    "\tbranch: release\n\tcommit: 64bbf006\n\tSSL: false\n\tbuild type: integer\n"
    "\tLFS: 0x0 bytes total capacity\n\tmodules: file,gpio,node,tmr,uart,wifi\n"
    " build 2021-01-01 19:56 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)");
  g_autoptr (MwBoardInfo) b2 = mw_board_info_parse_banner (
    "NodeMCU 2.1.0 build 2017/06/20 powered by Lua 5.1.4 on SDK 2.1.0(116b762)");

  g_assert_nonnull (b3);
  g_assert_cmpstr (b3->version, ==, "3.0.0.0");
  g_assert_cmpint (b3->major, ==, 3);
  g_assert_true (b3->number_type_known);
  g_assert_cmpint (b3->number_type, ==, MW_LUA_TARGET_INTEGER);
  g_assert_cmpstr (b3->branch, ==, "release");
  g_assert_cmpstr (b3->commit, ==, "64bbf006");
  g_assert_true (mw_board_info_has_module (b3, "wifi"));
  g_assert_false (mw_board_info_has_module (b3, "crypto"));
  g_assert_cmpstr (b3->build_date, ==, "2021-01-01 19:56");
  g_assert_cmpstr (b3->sdk, ==, "3.0.1-dev(fce080e)");
  g_assert_nonnull (b2);
  g_assert_cmpstr (b2->version, ==, "2.1.0");
  g_assert_cmpint (b2->major, ==, 2);
  g_assert_false (b2->number_type_known);
  g_assert_null (b2->modules);
  g_assert_cmpstr (b2->build_date, ==, "2017/06/20");
  g_assert_null (mw_board_info_parse_banner ("hello"));
}

/* ---- the engine against the simulator ---- */

static MwTestBoard *
board_for (gconstpointer data)
{
  MwSimOptions options;

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.firmware = GPOINTER_TO_INT (data) == 2 ? MW_SIM_FIRMWARE_2_2 : MW_SIM_FIRMWARE_3_0;
  return mw_test_board_new (&options);
}

static void
test_exec (gconstpointer data)
{
  g_autoptr (MwTestBoard) board = board_for (data);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes =
    mw_repl_execute (board->repl, "print(1+1) uart.write(0, 'x\\0y')", 5000, NULL, &error);

  /* print's "\n" becomes "\r\n" on the wire (docs/firmware.md section 1); uart.write is raw */
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "2\r\nx\0y", 6);
  g_clear_pointer (&bytes, g_bytes_unref);
  g_assert_cmpint (mw_repl_get_state (board->repl), ==, MW_REPL_STATE_IDLE);

  /* a runtime error: framed, with the message */
  bytes = mw_repl_execute (board->repl, "error('boom')", 5000, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA);
  g_assert_nonnull (strstr (error->message, "boom"));
  g_clear_error (&error);

  /* a syntax error: no markers at all, the REPL's own message ("Lua error: \t" only in 3.0) */
  bytes = mw_repl_execute (board->repl, "x = = 1", 5000, NULL, &error);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA);
  g_assert_nonnull (strstr (error->message, "unexpected symbol"));
  g_assert_null (strstr (error->message, "Lua error"));
  g_clear_error (&error);

  /* an unfinished chunk is refused before it reaches the board, which stays usable */
  bytes = mw_repl_execute (board->repl, "print([[abc", 5000, NULL, &error);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA);
  g_assert_nonnull (strstr (error->message, "unfinished long string"));
  g_clear_error (&error);
  g_free (out);
  out = mw_test_board_exec (board, "print('again')");
  g_assert_cmpstr (out, ==, "again\r\n");

  /* several lines, one statement each, with a comment */
  g_free (out);
  out = mw_test_board_exec (board, "local t = {}\n-- a comment\nfor i = 1, 3 do t[#t+1] = i end\n"
                                   "print(table.concat(t, ','))");
  g_assert_cmpstr (out, ==, "1,2,3\r\n");
}

static void
test_line_limit (void)
{
  g_autoptr (MwTestBoard) board = board_for (NULL);
  g_autofree char *long_line = g_strnfill (300, ' ');
  g_autofree char *code = g_strdup_printf ("print(1)%s", long_line);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = mw_repl_execute (board->repl, code, 5000, NULL, &error);

  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_LINE_TOO_LONG);
}

/* Hostile file names reach the board as data, never as code (docs/firmware.md section 2: names up
 * to 31). */
static void
test_escaping (void)
{
  g_autoptr (MwTestBoard) board = board_for (NULL);
  static const char *const names[] = { "a\"..node.restart()..\"", "]]", "x]]..y", "a\\b" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *q = mw_lua_quote_str (names[i]);
      g_autofree char *code = g_strdup_printf ("local f = file.open(%s, 'w') f:write(%s) f:close() "
                                               "for k in pairs(file.list()) do "
                                               "if k == %s then print('found') end end",
                                               q, q, q);
      g_autofree char *out = mw_test_board_exec (board, code);

      g_assert_cmpstr (out, ==, "found\r\n");
    }
  /* a NUL and a newline inside a string: exact bytes back */
  {
    g_autofree char *q = mw_lua_quote ("a\0b\nc", 5);
    g_autofree char *code = g_strdup_printf ("uart.write(0, %s)", q);
    g_autofree char *out = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) bytes = mw_repl_execute (board->repl, code, 5000, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "a\0b\nc", 5);
  }
  g_assert_cmpuint (board->resets, ==, 0);
}

/* Timer prints every 10 ms while commands run: results stay exact, prints reach the console. */
static void
test_timer_interleave (void)
{
  g_autoptr (MwTestBoard) board = board_for (NULL);
  g_autofree char *out = mw_test_board_exec (board,
                                             "_T = tmr.create() _T:alarm(10, tmr.ALARM_AUTO, "
                                             "function() print('tick') end)");

  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < 30 || g_get_monotonic_time () - start < 300000; i++)
    {
      g_autofree char *r = mw_test_board_exec (board, "for i = 1, 20 do uart.write(0, 'R') end");

      g_assert_cmpstr (r, ==, "RRRRRRRRRRRRRRRRRRRR");
    }
  g_free (out);
  out = mw_test_board_exec (board, "_T:unregister() _T = nil");
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (board->console->str, "tick\r\n"));
  g_assert_null (strstr (board->console->str, "R"));
}

/* A restart fails the running command and every queued one with a clear error. */
static void
test_reset_fails_pending (void)
{
  g_autoptr (MwTestBoard) board = board_for (NULL);
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  mw_repl_execute_async (board->repl, "node.restart() tmr.delay(100000)", 5000, NULL, NULL, NULL,
                         mw_test_store_result, &r1);
  mw_repl_execute_async (board->repl, "print(2)", 5000, NULL, NULL, NULL, mw_test_store_result,
                         &r2);
  mw_test_board_wait (board, &r1);
  mw_test_board_wait (board, &r2);
  bytes = mw_repl_execute_finish (board->repl, r1, NULL);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = mw_repl_execute_finish (board->repl, r2, &error);
  g_assert_null (bytes);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET);
  g_assert_cmpuint (board->resets, >=, 1);
  {
    /* and the engine finds the prompt again */
    g_autoptr (GAsyncResult) s = NULL;

    g_clear_error (&error);
    mw_repl_sync_async (board->repl, 5000, NULL, mw_test_store_result, &s);
    mw_test_board_wait (board, &s);
    g_assert_true (mw_repl_sync_finish (board->repl, s, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr (MwBoardInfo) info = mw_repl_dup_banner_info (board->repl);

    g_assert_nonnull (info);
    g_assert_cmpint (info->major, ==, 3);
  }
}

/* The port going away fails every pending command (ModemManager's hang-up rule). */
static void
test_hangup_fails_pending (void)
{
  g_autoptr (MwTestBoard) board = board_for (NULL);
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  mw_repl_execute_async (board->repl, "tmr.delay(200000) print(1)", 5000, NULL, NULL, NULL,
                         mw_test_store_result, &r1);
  mw_repl_execute_async (board->repl, "print(2)", 5000, NULL, NULL, NULL, mw_test_store_result,
                         &r2);
  mw_sim_stop (board->sim);
  mw_test_board_wait (board, &r1);
  mw_test_board_wait (board, &r2);
  bytes = mw_repl_execute_finish (board->repl, r1, &error);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED);
  g_clear_error (&error);
  bytes = mw_repl_execute_finish (board->repl, r2, &error);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED);
  g_assert_cmpint (mw_repl_get_state (board->repl), ==, MW_REPL_STATE_CLOSED);
}

/* A silent board: the timeout (counted from the write) fails the command with a hint. */
static void
test_silent (void)
{
  MwSimOptions options;
  g_autoptr (MwTestBoard) board = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gint64 start;

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.silent_after = 2; /* the sync line is byte 1 */
  board = mw_test_board_new (&options);
  start = g_get_monotonic_time ();
  bytes = mw_repl_execute (board->repl, "print(12345678901234567890)", 300, NULL, &error);
  g_assert_null (bytes);
  g_assert_true (g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_TIMEOUT));
  g_assert_nonnull (strstr (error->message, "baud"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (mw_repl_get_state (board->repl), ==, MW_REPL_STATE_SILENT);
}

/* Cancelling a queued command returns at once; the board stays at its prompt. */
static void
test_cancel (void)
{
  g_autoptr (MwTestBoard) board = board_for (NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) b1 = NULL;
  g_autoptr (GBytes) b2 = NULL;
  g_autofree char *out = NULL;

  mw_repl_execute_async (board->repl, "tmr.delay(100000) print(1)", 5000, NULL, NULL, NULL,
                         mw_test_store_result, &r1);
  mw_repl_execute_async (board->repl, "print(2)", 5000, NULL, NULL, cancellable,
                         mw_test_store_result, &r2);
  g_cancellable_cancel (cancellable);
  mw_test_board_wait (board, &r2);
  b2 = mw_repl_execute_finish (board->repl, r2, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  mw_test_board_wait (board, &r1);
  b1 = mw_repl_execute_finish (board->repl, r1, NULL);
  g_assert_nonnull (b1);
  out = mw_test_board_exec (board, "print(3)");
  g_assert_cmpstr (out, ==, "3\r\n");
}

/* A command cancelled after its first lines went out (the board holds an unfinished chunk):
 * the next command finds a clean line. Regression: the cancel came on an idle callback after
 * the command had started, and the next command's lines joined the open chunk ("unfinished Lua
 * chunk"), seen once under load in /mw/repl/cancel. */
static void
test_cancel_started (void)
{
  g_autoptr (MwTestBoard) board = board_for (NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) b1 = NULL;
  g_autofree char *out = NULL;

  mw_repl_execute_async (board->repl, "print(1)\nprint(2)\nprint(3)", 5000, NULL, NULL, cancellable,
                         mw_test_store_result, &r1);
  g_cancellable_cancel (cancellable);
  mw_test_board_wait (board, &r1);
  b1 = mw_repl_execute_finish (board->repl, r1, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  out = mw_test_board_exec (board, "print(4)");
  g_assert_cmpstr (out, ==, "4\r\n");
}

/* ---- a lost newline ---- */

/* A scripted board: the firmware's line reader (echo at once, BS erases with "\b \b", a line
 * ends at LF; docs/firmware.md section 1) and a REPL that knows the exec wrapper. It loses
 * the newline of the first line `lose` it reads, as a noisy line does. */
typedef struct
{
  MwTestPty *pty;
  GString *line;
  GString *wire; /* every byte the host sent */
  char token[7];
  gboolean open; /* inside an unfinished chunk */
  gboolean broken; /* the chunk holds a syntax error */
  const char *lose;
  gboolean lost;
  gboolean garble_tail; /* lose a byte of the token in the line that runs the chunk */
  gboolean garbled;
} FakeBoard;

static void
fake_line (FakeBoard *fake)
{
  const char *line = fake->line->str;
  const char *head = strstr (line, "\"\\2B\",\"");

  mw_test_pty_write_str (fake->pty, "\r\n");
  if (strstr (line, "]]]=]]==]])") != NULL)
    {
      mw_test_pty_write_str (fake->pty, "Lua error: \tstdin:1: unexpected symbol near ']'\r\n> ");
      fake->open = FALSE;
    }
  else if (head != NULL && g_str_has_prefix (line, "uart.write(0,"))
    {
      g_strlcpy (fake->token, head + 7, sizeof fake->token);
      fake->open = TRUE;
      fake->broken = FALSE;
      mw_test_pty_write_str (fake->pty, ">> ");
    }
  else if (fake->open && g_str_has_prefix (line, "end)uart.write(0,"))
    {
      /* the end marker prints the token as the line holds it */
      const char *tail_token = strstr (line, "\"\\2E\",\"") + 7;
      g_autofree char *reply = g_strdup_printf ("\002B%s\003\002E%.*s+\003> ", fake->token,
                                                (int) strcspn (tail_token, "\""), tail_token);

      fake->open = FALSE;
      mw_test_pty_write_str (fake->pty, reply);
    }
  else if (fake->open)
    mw_test_pty_write_str (fake->pty, ">> ");
  else
    mw_test_pty_write_str (fake->pty, "> ");
  g_string_truncate (fake->line, 0);
}

static void
fake_on_bytes (MwTestPty *pty, const guint8 *data, gsize len, gpointer user_data)
{
  FakeBoard *fake = user_data;

  g_string_append_len (fake->wire, (const char *) data, len);
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (c == '\b')
        {
          if (fake->line->len > 0)
            {
              g_string_truncate (fake->line, fake->line->len - 1);
              mw_test_pty_write_str (pty, "\b \b");
            }
        }
      else if (c == '\n')
        {
          if (!fake->lost && fake->lose != NULL && strcmp (fake->line->str, fake->lose) == 0)
            fake->lost = TRUE; /* the newline never arrives: the line stays unfinished */
          else
            fake_line (fake);
        }
      else if (fake->garble_tail && !fake->garbled && fake->line->len == 25
               && g_str_has_prefix (fake->line->str, "end)uart.write(0,"))
        fake->garbled = TRUE; /* the token's second byte, lost */
      else
        {
          g_string_append_c (fake->line, c);
          mw_test_pty_write (pty, &c, 1);
        }
    }
}

/* A REPL engine open on the scripted board `fake`, on a main context of its own, the thread's
 * default until fake_run_close(). */
typedef struct
{
  GMainContext *context;
  MwTransport *transport;
  MwRepl *repl;
} FakeRun;

static void
fake_run_open (FakeRun *run, FakeBoard *fake)
{
  g_autoptr (GError) error = NULL;

  run->context = g_main_context_new ();
  g_main_context_push_thread_default (run->context);
  mw_test_pty_attach (fake->pty, run->context, fake_on_bytes, fake);
  run->transport = mw_transport_new_for_port (mw_test_pty_get_path (fake->pty));
  run->repl = mw_repl_new (run->transport);
  g_assert_true (mw_repl_open (run->repl, run->context, &error));
  g_assert_no_error (error);
}

static void
fake_run_close (FakeRun *run, FakeBoard *fake)
{
  g_object_run_dispose (G_OBJECT (run->repl));
  g_main_context_pop_thread_default (run->context);
  g_string_free (fake->line, TRUE);
  g_string_free (fake->wire, TRUE);
  g_clear_object (&run->repl);
  g_clear_object (&run->transport);
  g_clear_pointer (&run->context, g_main_context_unref);
}

/* A line whose newline is lost leaves the board waiting for the rest of it: the engine
 * notices that the echo stopped just before the newline and sends the command again at once,
 * instead of waiting out the command's timeout. */
static void
test_lost_newline (void)
{
  g_autoptr (MwTestPty) pty = mw_test_pty_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = NULL;
  FakeBoard fake = { pty, g_string_new (NULL), g_string_new (NULL) };
  FakeRun run = { NULL };
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *erase = NULL;
  g_autofree char *expected = NULL;
  gint64 start;

  fake.lose = "x=1";
  fake_run_open (&run, &fake);
  start = g_get_monotonic_time ();
  reply = mw_repl_execute (run.repl, "x=1", 5000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (reply), ==, 0);
  g_assert_true (fake.lost);
  /* the line was erased, the chunk ended with a syntax error, the command sent again */
  head = mw_board_lua_exec_head (fake.token);
  tail = mw_board_lua_exec_tail (fake.token);
  erase = g_strnfill (MW_REPL_MAX_LINE + 1, '\b');
  expected = g_strdup_printf ("%s\nx=1\n%s]]]=]]==]])\n%s\nx=1\n%s\n", head, erase, head, tail);
  g_assert_cmpstr (fake.wire->str, ==, expected);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  fake_run_close (&run, &fake);
}

/* The line that runs the chunk loses a byte of the token in the end marker: the chunk runs,
 * its end marker never matches. The reply stopping at the board's prompt ends the command at
 * once, as one that may have run, and the next command finds the engine in step. */
static void
test_garbled_tail (void)
{
  g_autoptr (MwTestPty) pty = mw_test_pty_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GBytes) next = NULL;
  FakeBoard fake = { pty, g_string_new (NULL), g_string_new (NULL) };
  FakeRun run = { NULL };
  gint64 start;

  fake.garble_tail = TRUE;
  fake_run_open (&run, &fake);
  start = g_get_monotonic_time ();
  reply = mw_repl_execute (run.repl, "x=1", 5000, NULL, &error);
  g_assert_null (reply);
  g_assert_true (fake.garbled);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==,
                   "the line that runs the command arrived garbled; it may have run");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_clear_error (&error);
  next = mw_repl_execute (run.repl, "y=2", 5000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (next), ==, 0);
  fake_run_close (&run, &fake);
}

/* A Lua error whose message is not UTF-8 (a script's own bytes): the GError's message is, with
 * U+FFFD in their place, as the window's message bar needs (Pango refuses the bytes). */
static void
test_error_not_utf8 (void)
{
  g_autoptr (MwTestBoard) board = board_for (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes =
    mw_repl_execute (board->repl, "error('bad \\200\\255 byte', 0)", 5000, NULL, &error);

  g_assert_null (bytes);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA);
  g_assert_cmpstr (error->message, ==, "bad \xef\xbf\xbd\xef\xbf\xbd byte");
}

typedef struct
{
  GByteArray *got; /* what the host sent the scripted board */
  MwRepl *repl;
  GAsyncResult *first; /* the command the restart failed */
  GAsyncResult *second; /* the one queued from its callback */
  guint sent_before_prompt; /* bytes of the second sent before the board's prompt */
} RestartScript;

static void
on_host_bytes (MwTestPty *pty, const guint8 *data, gsize len, gpointer user_data)
{
  g_byte_array_append (((RestartScript *) user_data)->got, data, len);
}

static void
on_second_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ((RestartScript *) user_data)->second = g_object_ref (result);
}

/* As the heap sampler and the window do: a failed command, and at once the next one. */
static void
on_first_failed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RestartScript *script = user_data;

  script->first = g_object_ref (result);
  g_byte_array_set_size (script->got, 0);
  mw_repl_execute_async (script->repl, "print(2)", 5000, NULL, NULL, NULL, on_second_done, script);
}

static gboolean
got_line (gpointer data)
{
  RestartScript *script = data;

  return script->got->len > 0 && memchr (script->got->data, '\n', script->got->len) != NULL;
}

static void
spin_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static gboolean
first_failed (gpointer data)
{
  return ((RestartScript *) data)->first != NULL;
}

static gboolean
second_done (gpointer data)
{
  return ((RestartScript *) data)->second != NULL;
}

/* The board restarts while a command runs, and the command's callback queues the next one:
 * that one waits for the restarted board's prompt. Regression (the soak test, under load):
 * it went out at once, into the boot; the simulator read it after the boot, and the command
 * took the boot's text, ROM noise and all, for the board's answer ("Could not list the board's
 * files: <ROM noise>", invalid UTF-8 in the window's message bar). */
static void
test_restart_holds_queue (void)
{
  g_autoptr (MwTestPty) pty = mw_test_pty_new ();
  g_autoptr (MwTransport) transport = mw_transport_new_for_port (mw_test_pty_get_path (pty));
  g_autoptr (MwRepl) repl = mw_repl_new (transport);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) first = NULL, second = NULL;
  RestartScript script = { g_byte_array_new (), repl, NULL, NULL, 0 };
  static const char rom_noise[] = "\r\n\xe0\x90\xf2\x8e\x83\xfe\x8c\x9e\xf0\x12\xc4\xb5\r\n";
  static const char boot[] = "NodeMCU 3.0.0.0 built with moonwire-sim\r\n"
                             " build 2021-01-01 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\r\n"
                             "cannot open init.lua: \r\n> ";

  mw_test_pty_attach (pty, g_main_context_default (), on_host_bytes, &script);
  g_assert_true (mw_repl_open (repl, NULL, &error));
  g_assert_no_error (error);
  mw_repl_execute_async (repl, "print(1)", 5000, NULL, NULL, NULL, on_first_failed, &script);
  spin_until (got_line, &script, 5000);
  g_assert_true (got_line (&script));

  /* the board restarts before echoing: the ROM's line at the wrong baud */
  mw_test_pty_write (pty, rom_noise, sizeof rom_noise - 1);
  spin_until (first_failed, &script, 5000);
  g_assert_nonnull (script.first);
  first = mw_repl_execute_finish (repl, script.first, &error);
  g_assert_null (first);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET);
  g_clear_error (&error);

  /* nothing goes to the booting board (well within the wait for its prompt) */
  {
    gint64 end = g_get_monotonic_time () + 300 * 1000;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  }
  g_assert_cmpuint (script.got->len, ==, 0);

  /* the boot ends at the prompt: now the queued command goes out, and runs */
  mw_test_pty_write (pty, boot, sizeof boot - 1);
  spin_until (got_line, &script, 5000);
  g_assert_true (got_line (&script));
  g_assert_true (g_str_has_prefix ((const char *) script.got->data, "uart.write(0,\"\\2B\""));
  g_assert_null (script.second);
  mw_test_pty_close_master (pty);
  spin_until (second_done, &script, 5000);
  g_assert_nonnull (script.second);
  second = mw_repl_execute_finish (repl, script.second, &error);
  g_assert_error (error, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED);
  g_clear_object (&script.first);
  g_clear_object (&script.second);
  g_byte_array_unref (script.got);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (parser_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/repl/parser/%s", parser_cases[i].name);

      g_test_add_data_func (path, &parser_cases[i], test_parser);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (quote_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/repl/quote/%s", quote_cases[i].name);

      g_test_add_data_func (path, quote_cases[i].name, test_quote);
    }
  g_test_add_func ("/mw/repl/quote-prefix", test_quote_prefix);
  g_test_add_func ("/mw/repl/names", test_names);
  g_test_add_func ("/mw/repl/banner", test_banner);
  g_test_add_data_func ("/mw/repl/exec/3.0", GINT_TO_POINTER (3), test_exec);
  g_test_add_data_func ("/mw/repl/exec/2.x", GINT_TO_POINTER (2), test_exec);
  g_test_add_func ("/mw/repl/line-limit", test_line_limit);
  g_test_add_func ("/mw/repl/escaping", test_escaping);
  g_test_add_func ("/mw/repl/timer-interleave", test_timer_interleave);
  g_test_add_func ("/mw/repl/reset-fails-pending", test_reset_fails_pending);
  g_test_add_func ("/mw/repl/hangup-fails-pending", test_hangup_fails_pending);
  g_test_add_func ("/mw/repl/silent", test_silent);
  g_test_add_func ("/mw/repl/cancel", test_cancel);
  g_test_add_func ("/mw/repl/cancel-started", test_cancel_started);
  g_test_add_func ("/mw/repl/lost-newline", test_lost_newline);
  g_test_add_func ("/mw/repl/garbled-tail", test_garbled_tail);
  g_test_add_func ("/mw/repl/restart-holds-queue", test_restart_holds_queue);
  g_test_add_func ("/mw/repl/error-not-utf8", test_error_not_utf8);
  return g_test_run ();
}
