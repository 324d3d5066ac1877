/* mw-board-lua.c: every piece of Lua sent to the board (see mw-board-lua.h for the rules). */
#include "mw-config.h"

#include "mw-board-lua.h"
#include "mw-device.h"
#include "mw-lua-lexer.h"

#include <stdlib.h>
#include <string.h>

/* Pieces that start a chunk. W feeds the watchdog (docs/firmware.md section 1). ADLER is the
 * parameter list and body of the board-side Adler-32 of a string, continued from (a, b), 16
 * bytes per call of string.byte (about a third of the VM instructions of one byte per call:
 * the whole-file check of 64 KB took 0.4 s); its loop is bounded by the 255-byte pieces it is
 * given, and the sums stay below 2^31 there, so the integer build computes them exactly
 * (docs/firmware.md section 5). The upload library names it M.S; S is the same as a local, and
 * F sums an open file from its position in 255-byte pieces. ADLER, S and F hold a "%": they
 * are never part of a printf format. */
#define LUA_W "local W=tmr.wdclr or function() end\n"
#define LUA_ADLER \
  "(d,a,b) local n,i=#d,1 while i+15<=n do " \
  "local c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14,c15,c16=d:byte(i,i+15)\n" \
  "a=a+c1 b=b+a a=a+c2 b=b+a a=a+c3 b=b+a a=a+c4 b=b+a a=a+c5 b=b+a a=a+c6 b=b+a " \
  "a=a+c7 b=b+a a=a+c8 b=b+a\n" \
  "a=a+c9 b=b+a a=a+c10 b=b+a a=a+c11 b=b+a a=a+c12 b=b+a a=a+c13 b=b+a a=a+c14 b=b+a " \
  "a=a+c15 b=b+a a=a+c16 b=b+a i=i+16 end\n" \
  "for j=i,n do a=a+d:byte(j) b=b+a end return a%65521,b%65521 end"
#define LUA_S "local function S" LUA_ADLER "\n"
#define LUA_F \
  "local function F(f) local a,b,n=1,0,0 while true do local d=f:read(255)\n" \
  "if not d then break end n=n+#d a,b=S(d,a,b) W() end return n,a,b end\n"
/* "E<code>:" for a refusal. */
#define E(code) "E" G_STRINGIFY (code) ":"

G_STATIC_ASSERT (MW_BOARD_REPLY_NOT_FOUND == 1 && MW_BOARD_REPLY_UNSUPPORTED == 6);
#define E_NOT_FOUND E (1)
#define E_EXISTS E (2)
#define E_FULL E (3)
#define E_REFUSED E (4)
#define E_VERIFY E (5)
#define E_UNSUPPORTED E (6)

gboolean
mw_board_lua_parse_reply (const char *text, MwBoardReply *code, const char **message)
{
  char *end = NULL;
  guint64 n;

  g_return_val_if_fail (text != NULL, FALSE);
  if (text[0] != 'E' || !g_ascii_isdigit (text[1]))
    return FALSE;
  n = g_ascii_strtoull (text + 1, &end, 10);
  if (*end != ':' || n < MW_BOARD_REPLY_NOT_FOUND || n > MW_BOARD_REPLY_UNSUPPORTED)
    return FALSE;
  if (code != NULL)
    *code = n;
  if (message != NULL)
    *message = end + 1;
  return TRUE;
}

static gsize
quoted_len (guint8 c)
{
  if (c == '"' || c == '\\' || c == '\n' || c == '\r')
    return 2;
  if (c >= 0x20 && c < 0x7f)
    return 1;
  return 4;
}

static void
append_quoted (GString *out, guint8 c)
{
  switch (c)
    {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      default:
        if (c >= 0x20 && c < 0x7f)
          g_string_append_c (out, c);
        else
          g_string_append_printf (out, "\\%03u", c);
    }
}

char *
mw_lua_quote (const void *data, gsize len)
{
  GString *out = g_string_sized_new (len + 2);

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  mw_lua_quote_prefix (data, len, G_MAXSIZE, out);
  return g_string_free (out, FALSE);
}

char *
mw_lua_quote_str (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);
  return mw_lua_quote (text, strlen (text));
}

gsize
mw_lua_quote_prefix (const guint8 *data, gsize len, gsize max_out, GString *out)
{
  gsize used = 2;
  gsize i;

  g_string_append_c (out, '"');
  for (i = 0; i < len; i++)
    {
      gsize n = quoted_len (data[i]);

      if (used + n > max_out)
        break;
      append_quoted (out, data[i]);
      used += n;
    }
  g_string_append_c (out, '"');
  return i;
}

gboolean
mw_lua_check_file_name (const char *name, GError **error)
{
  gsize len;

  if (name == NULL || name[0] == '\0')
    {
      g_set_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME, "empty file name");
      return FALSE;
    }
  len = strlen (name);
  if (len > MW_DEVICE_MAX_NAME)
    {
      g_autofree char *shown = mw_lua_printable_name (name);

      g_set_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME,
                   "'%s': name is %zu bytes long; the board's file system allows at most %d", shown,
                   len, MW_DEVICE_MAX_NAME);
      return FALSE;
    }
  /* Any other byte is fine: a name only ever reaches the board as a quoted literal (a line
   * break as \n), and the board's file system takes it (file.open, file.list). */
  return TRUE;
}

/* ---- the REPL wrapper ---- */

/* The marker and the token are separate literals: a syntax error (a byte of this line lost
 * on the way in) prints one token with its escapes decoded, which must never be a marker with
 * our token in it (it would open the reply's frame in the console output). */
char *
mw_board_lua_exec_head (const char *token)
{
  return g_strdup_printf ("uart.write(0,\"\\2B\",\"%s\\3\")local o,e=pcall(function()", token);
}

char *
mw_board_lua_exec_tail (const char *token)
{
  return g_strdup_printf ("end)uart.write(0,\"\\2E\",\"%s\",o and\"+\"or\"-\","
                          "o and\"\"or tostring(e),\"\\3\")",
                          token);
}

/* Typed as lines, a user's code would lose what the firmware's line reader drops or changes
 * (an empty line never reaches Lua, a BS or DEL erases: docs/firmware.md section 1), the
 * wrapper would shift its line numbers and hide its `...`. As data it is exactly the user's
 * chunk, with Lua's own line numbers. */
char *
mw_board_lua_exec_loader (const char *code)
{
  GString *out = g_string_new ("local t={}\n");
  const guint8 *data = (const guint8 *) code;
  gsize len = strlen (code);
  gsize pos = 0;

  while (pos < len)
    {
      g_string_append (out, "t[#t+1]=");
      pos += mw_lua_quote_prefix (data + pos, len - pos, MW_REPL_MAX_LINE - 8, out);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "local f,e=loadstring(table.concat(t),\"=stdin\") t=nil\n"
                        "if not f then error(e,0) end f()");
  return g_string_free (out, FALSE);
}

/* ---- file operations and queries ---- */

char *
mw_board_lua_list (void)
{
  return g_strdup_printf (LUA_W "for k,v in pairs(file.list()) do "
                                "uart.write(0,k,'\\0',tostring(v),'\\0') W() end");
}

char *
mw_board_lua_fsinfo (void)
{
  return g_strdup ("local r,u,t=file.fsinfo() uart.write(0,r..','..u..','..t)");
}

char *
mw_board_lua_file_size (const char *name)
{
  g_autofree char *q = mw_lua_quote_str (name);

  return g_strdup_printf ("local n=%s\nuart.write(0,tostring(file.list()[n]))", q);
}

char *
mw_board_lua_read_chunk (const char *name, gsize offset, gsize len)
{
  g_autofree char *q = mw_lua_quote_str (name);

  return g_strdup_printf ("local n=%s\nlocal f=file.open(n,'r') if not f then error('" E_NOT_FOUND
                          "no such file',0) end "
                          "f:seek('set',%zu) local d=f:read(%zu) f:close() "
                          "if d then uart.write(0,d) end",
                          q, offset, len);
}

char *
mw_board_lua_remove (const char *name)
{
  g_autofree char *q = mw_lua_quote_str (name);

  return g_strdup_printf ("local n=%s\nif not file.list()[n] then uart.write(0,'" E_NOT_FOUND
                          "no such file on the board') else file.remove(n) end",
                          q);
}

char *
mw_board_lua_rename (const char *from, const char *to)
{
  g_autofree char *qa = mw_lua_quote_str (from);
  g_autofree char *qb = mw_lua_quote_str (to);

  return g_strdup_printf ("local a=%s\nlocal b=%s\n"
                          "local l=file.list() if not l[a] then uart.write(0,'" E_NOT_FOUND
                          "no such file on the board')\n"
                          "elseif l[b] then uart.write(0,'" E_EXISTS "the target exists')\n"
                          "elseif not file.rename(a,b) then uart.write(0,'" E_REFUSED
                          "rename failed') end",
                          qa, qb);
}

char *
mw_board_lua_remove_if_there (const char *name)
{
  g_autofree char *q = mw_lua_quote_str (name);

  return g_strdup_printf ("file.remove(%s)", q);
}

char *
mw_board_lua_compile (const char *name)
{
  g_autofree char *q = mw_lua_quote_str (name);

  return g_strdup_printf ("local n=%s\nif not file.list()[n] then uart.write(0,'" E_NOT_FOUND
                          "no such file on the board') else node.compile(n) end",
                          q);
}

char *
mw_board_lua_format (void)
{
  return g_strdup ("if not file.format then uart.write(0,'" E_UNSUPPORTED
                   "this firmware has no file.format') else file.format() end");
}

char *
mw_board_lua_run (const char *name)
{
  g_autofree char *q = mw_lua_quote_str (name);

  /* error(..., 0): our message, with no position in the wrapper */
  return g_strdup_printf ("local n=%s\nif not file.list()[n] then error('no such file on the "
                          "board: '..n,0) end dofile(n)",
                          q);
}

char *
mw_board_lua_heap (void)
{
  return g_strdup ("uart.write(0,tostring(node.heap()))");
}

char *
mw_board_lua_restart (void)
{
  return g_strdup ("node.restart()");
}

char *
mw_board_lua_lfs_region (void)
{
  return g_strdup (
    "local o,c=pcall(node.info,'lfs')\n"
    "local p,b=pcall(node.info,'build_config')\n"
    "local t=p and type(b)=='table' and b.number_type or 'float'\n"
    "if o and type(c)=='table' then uart.write(0,c.lfs_size..' '..c.lfs_used..' '..t)\n"
    "else uart.write(0,'-1 0 '..t) end");
}

char *
mw_board_lua_lfs_reload (const char *name, const char *token)
{
  g_autofree char *quoted = mw_lua_quote_str (name);

  g_return_val_if_fail (strspn (token, "0123456789abcdefghijklmnopqrstuvwxyz") == strlen (token),
                        NULL);
  return g_strdup_printf ("local n=%s\n"
                          "local f=node.LFS and node.LFS.reload or node.flashreload\n"
                          "if not f then error('E%d:no node.LFS.reload',0) end\n"
                          "node.task.post(function()\n"
                          "uart.write(0,'\\2L%s'..tostring(f(n))..'\\3') end)",
                          quoted, MW_BOARD_REPLY_UNSUPPORTED, token);
}

char *
mw_board_lua_lfs_list (void)
{
  return g_strdup ("local l=node.LFS and node.LFS.list and node.LFS.list() or {}\n"
                   "uart.write(0,table.concat(l,','))");
}

/* node.info(group) tables in 3.0, 8 values in 2.x (docs/firmware.md section 2); 1/2 tells
 * the number type. */
char *
mw_board_lua_probe (void)
{
  return g_strdup_printf (
    LUA_W
    "local function p(k,v) if v~=nil then uart.write(0,k,'=',tostring(v),'\\n') end end\n"
    "p('heap',node.heap()) p('number',1/2)\n"
    "local ok,s=pcall(node.info,'sw_version')\n"
    "if ok and type(s)=='table' then p('version',s.node_version_major..'.'"
    "..s.node_version_minor..'.'..s.node_version_revision) p('branch',s.git_branch)\n"
    "p('commit',s.git_commit_id) end\n"
    "local ok2,b=pcall(node.info,'build_config')\n"
    "if ok2 and type(b)=='table' then p('modules',b.modules) end\n"
    "local v={pcall(node.info)}\n"
    "if v[1] and type(v[2])=='number' then if type(s)~='table' then p('version',v[2]..'.'"
    "..v[3]..'.'..v[4]) end p('chipid',v[5]) p('flashid',v[6]) p('flashsize',v[7]) end\n"
    "if not (ok2 and type(b)=='table') then local m={}\n"
    "for _,n in ipairs({'adc','bit','crypto','encoder','file','gpio','i2c','mqtt','net',"
    "'node','pwm','sjson','spi','tmr','uart','wifi'}) do if _G[n] then m[#m+1]=n end W() end\n"
    "p('modules',table.concat(m,',')) end");
}

char *
mw_board_lua_checksum (const char *name)
{
  g_autofree char *q = mw_lua_quote_str (name);

  g_autofree char *open =
    g_strdup_printf ("local f=file.open(%s,'r') if not f then uart.write(0,'-1') return end\n", q);

  return g_strconcat (LUA_W LUA_S LUA_F, open,
                      "local n,a,b=F(f) f:close() uart.write(0,n..','..a..','..b)", NULL);
}

/* ---- uploads ---- */

/* The upload's board side is a small library, `_mwL`, and a start (or resume) with the
 * upload's figures. On a clean line the library and the start go as one command; when that
 * arrives garbled, the library goes as four short commands, each sent again if garbled (they
 * only define functions): short commands each get through with a fair chance (a 2 KB command
 * almost never did at 0.1% byte loss). The start keeps its figures (`_mwL.p`), so a resume
 * after a lost byte is one short line. The state of the running upload is the table `_mwu`,
 * which reads the figures through its metatable; cleanup clears both. Every piece runs inside
 * the REPL wrapper, so every line may be a continuation line. The helpers W, S and F are the
 * ones above, as fields of `_mwL`, with S taking 16 bytes per call of string.byte (about a
 * third of the VM instructions: the whole-file check of 64 KB took 0.4 s). The last block's handler
 * acknowledges it and leaves the whole-file check to a timer task: the acknowledgement goes out
 * before that long check (docs/firmware.md section 1: a callback's output waits for the task on a
 * simulated board), and raw mode is left outside the UART callback. */
static const char *const upload_library[] = {
  "_mwL={} local M=_mwL M.W=tmr.wdclr or function() end\n"
  "function M.S" LUA_ADLER "\n"
  "function M.F(f) local a,b,n=1,0,0 while true do local d=f:read(255) if not d then break end "
  "n=n+#d a,b=M.S(d,a,b) M.W() end return n,a,b end\n"
  "function M.ack(m) uart.write(0,'\\2A'.._mwu.tok,m,'\\3') end M.SP=(' '):rep(255)",

  "local M=_mwL function M.fin(ok,m) local u=_mwu u.t:unregister() if u.f then u.f:close() "
  "u.f=nil end if ok==false then file.remove(u.T) end _mwu=nil\n"
  "local function z() uart.on('data') uart.write(0,'\\2Z'..u.tok,m,'\\3') end if ok then z() "
  "return end uart.on('data',255,function() end,0) tmr.create():alarm(u.drain,0,z) end\n"
  "function M.done() local u=_mwu if not (u and u.f) then return end u.f:flush() "
  "u.f:seek('set',0) local n,a,b=M.F(u.f) if n~=u.L or a~=u.A or b~=u.B then u.z=nil\n"
  "M.ack('V'..n..','..a..','..b) return end u.f:close() u.f=nil file.remove(u.D) "
  "if file.rename(u.T,u.D) then M.fin(true,'+'..n..','..a..','..b)\n"
  "else M.fin(false,'-" E_REFUSED "rename') end end",

  /* M.cb: the received bytes as one stream (u.r: what is not yet used, u.e: how many bytes
   * came before it), so that a lost byte costs one block, not the framing: a block is taken
   * where a header whose sum matches stands, and after a bad one the next is looked for byte
   * by byte (a run of spaces at once). 255 spaces are the abort. */
  "local M=_mwL function M.cb(d) local u=_mwu u.seen=1 local r=u.r..d local i,n=1,#r\n"
  "while n-i>=254 do local h,l,c=r:byte(i,i+2) local s=h*256+l\n"
  "if s==8224 and c==32 and r:sub(i,i+254)==M.SP then M.fin(nil,'" MW_BOARD_LUA_END_ABORTED
  "') return end\n"
  "local g=c==(h+l+90)%256 and s<u.NB if g then local a,b=M.S(r:sub(i,i+2),u.a0,u.b0) "
  "a,b=M.S(r:sub(i+7,i+254),a,b)\n"
  "local x,y,z,w=r:byte(i+3,i+6) g=a==x*256+y and b==z*256+w local e=u.e+i+254\n"
  "if not g then M.ack('F'..s..','..e) elseif not M.put(u,s,r:sub(i+7,i+254),s..','..a..','..b"
  "..','..e) then return end end\n"
  "if g then i=i+255 elseif h==32 then local j=(r:find('[^ ]',i+1) or n+1)-1 "
  "i=j>i and j or i+1 else i=i+1 end end\n"
  "u.e=u.e+i-1 u.r=r:sub(i) end",

  /* M.put: a good block; written in order, kept while one before it is missing */
  "local M=_mwL function M.put(u,s,p,m) if s>=u.k+u.W then M.ack(s..',N'..u.k) return true end\n"
  "if s>=u.k and not u.g[s] then u.g[s]=p while u.g[u.k] do local q=u.g[u.k] u.g[u.k]=nil\n"
  "if not u.f:write(u.k==u.NB-1 and q:sub(1,u.LL) or q) then M.fin(false,'-" E_FULL
  "full') return end u.k=u.k+1 end end\n"
  "M.ack(m) if u.k==u.NB and not u.z then u.z=1 tmr.create():alarm(1,0,M.done) end return true "
  "end",

  "local M=_mwL function M.start(p,k) M.p=p local u=setmetatable({k=k,seen=1,r='',e=0,g={}},"
  "{__index=p}) local T=u.T\n"
  "if k==0 then file.remove(T) local r=file.fsinfo() if r<u.L then error('" E_FULL
  "not enough space on the board: '..r..' bytes free, '..u.L..' needed',0) end end\n"
  "u.f=file.open(T,k==0 and 'w+' or 'r+') if not u.f then error('" E_REFUSED
  "cannot create '..T,0) end u.f:seek('set',k*u.P) u.a0,u.b0=M.S(u.tok,1,0) _mwu=u\n"
  "u.t=tmr.create()\n"
  "u.t:alarm(u.vanish,tmr.ALARM_AUTO,function() if u.seen==0 then "
  "M.fin(nil,'" MW_BOARD_LUA_END_TIMEOUT "') end u.seen=0 end)\n"
  "if not pcall(uart.on,'data',u.block,M.cb,0) then u.t:unregister() u.f:close() _mwu=nil "
  "error('" E_UNSUPPORTED "no raw uart.on',0) end end",
};

guint
mw_board_lua_upload_library_pieces (void)
{
  return G_N_ELEMENTS (upload_library);
}

char *
mw_board_lua_upload_library (guint i)
{
  g_return_val_if_fail (i < G_N_ELEMENTS (upload_library), NULL);
  return g_strdup (upload_library[i]);
}

char *
mw_board_lua_upload_setup (const MwBoardLuaUpload *up)
{
  g_autofree char *t = mw_lua_quote_str (up->temp_name);
  g_autofree char *d = mw_lua_quote_str (up->name);
  guint last_len = up->len - (up->n_blocks - 1) * up->payload;

  /* names on lines of their own: up to 126 bytes each quoted */
  return g_strdup_printf ("_mwL.start({T=%s,\nD=%s,\nL=%zu,NB=%u,P=%u,LL=%u,A=%u,B=%u,"
                          "tok='%s',drain=%u,vanish=%u,block=%u,W=%u},%u)",
                          t, d, up->len, up->n_blocks, up->payload, last_len, up->a, up->b,
                          up->token, up->drain_ms, up->vanish_ms, up->block, up->ahead, up->start);
}

char *
mw_board_lua_upload_whole_setup (const MwBoardLuaUpload *up)
{
  GString *code = g_string_new (NULL);
  g_autofree char *start = mw_board_lua_upload_setup (up);

  for (guint i = 0; i < G_N_ELEMENTS (upload_library); i++)
    g_string_append_printf (code, "%s\n", upload_library[i]);
  g_string_append (code, start);
  return g_string_free (code, FALSE);
}

char *
mw_board_lua_upload_resume (guint start)
{
  return g_strdup_printf ("_mwL.start(_mwL.p,%u)", start);
}

char *
mw_board_lua_upload_cleanup (const char *temp_name, gboolean failed, guint restore_baud)
{
  /* the library and the upload's state go: ~3 KB of the board's heap */
  GString *code = g_string_new ("_mwok=nil _mwg=nil _mwL=nil");

  if (failed)
    {
      g_autofree char *t = mw_lua_quote_str (temp_name);

      g_string_append_printf (code, " _mwu=nil file.remove(%s)", t);
    }
  if (restore_baud != 0)
    g_string_append_printf (code,
                            " tmr.create():alarm(30,0,function() "
                            "uart.setup(0,%u,8,0,1,1) end)",
                            restore_baud);
  return g_string_free (code, FALSE);
}

/* The fallback timer belongs to its own switch (`_mwg`): cleanup and the next switch disown
 * it. Checking `_mwok` alone, the timer of an upload that had ended before it fired took the
 * next upload's board back to the normal rate in the middle of its own switch. */
char *
mw_board_lua_fast_switch (guint fast, guint normal)
{
  return g_strdup_printf (
    "_mwok=nil local g={} _mwg=g tmr.create():alarm(30,0,function() uart.setup(0,%u,8,0,1,1) "
    "tmr.create():alarm(1500,0,function() if _mwg==g and not _mwok then _mwg=nil "
    "uart.setup(0,%u,8,0,1,1) end end) end)",
    fast, normal);
}

char *
mw_board_lua_fast_confirm (void)
{
  return g_strdup ("_mwok=1");
}

char *
mw_board_lua_text_open (const char *temp_name, gsize len)
{
  g_autofree char *t = mw_lua_quote_str (temp_name);

  return g_strdup_printf ("local T=%s file.remove(T) local r=file.fsinfo()\n"
                          "if r<%zu then error('" E_FULL "not enough space',0) end\n"
                          "_mwu={T=T} _mwu.f=file.open(T,'w')\n"
                          "if not _mwu.f then error('" E_REFUSED "cannot create '..T,0) end",
                          t, len);
}

gsize
mw_board_lua_text_write (GString *code, const guint8 *data, gsize len, gsize max_literal)
{
  gsize n;

  g_string_append (code, "if not _mwu.f:write(");
  n = mw_lua_quote_prefix (data, len, max_literal, code);
  g_string_append (code, ") then _mwu.f:close() file.remove(_mwu.T) error('" E_FULL "full',0) end");
  return n;
}

char *
mw_board_lua_text_finish (const char *name, gsize len, guint32 a, guint32 b)
{
  g_autofree char *d = mw_lua_quote_str (name);
  g_autofree char *check = g_strdup_printf (
    "local u=_mwu _mwu=nil u.f:close() local f=file.open(u.T,'r')\n"
    "local n,a,b=F(f) f:close()\n"
    "if n~=%zu or a~=%u or b~=%u then file.remove(u.T) error('" E_VERIFY
    "verification failed: '..n..' bytes, '..a..','..b,0) end\n"
    "file.remove(%s) if not file.rename(u.T,%s) then error('" E_REFUSED "rename failed',0) end",
    len, a, b, d, d);

  return g_strconcat (LUA_W LUA_S LUA_F, check, NULL);
}

/* ---- the heap walker (src/core/heap, docs/heap-explorer.md, docs/firmware.md section 11) ---- */

/* `_mwh(path, ...)` answers, for each path (steps `<letter><length>:<payload>` from a root:
 * G the globals, R the registry, s/n a string/number key, k/v the key/value of the i-th entry
 * in next() order, m the metatable, u the i-th upvalue; L the flash store's module of that
 * name, a root of its own), one object: `O <type> <length>
 * <blob>`, its edges `E <step> <type> <length> <blob> [<name>]`, for a table `N <entries>
 * <border>`, for a Lua function `D <bytecode>` (string.dump), then `Z` (or `X` when it could
 * not be walked). A request starts with `B <lowest free> <u|-> <1/2>` and ends with `P <lowest
 * free>`: node.heap() is read at every edge, so P is the walk's low-water mark. Numbers are
 * written as text (uart.write sends a number as one byte). It collects whenever the free heap
 * fell by 768 bytes and feeds the watchdog in every loop. Lines stay under 250 bytes. */
static const char heap_walker[] = LUA_W
  "_mwh=function(...)\n"
  "local Y,T,S,U,H=uart.write,type,tostring,(debug or {}).getupvalue,node.heap\n"
  "local lo,q=H(),0 local b=lo\n"
  "local function V(c,a,v,n)\n"
  "local t,x=T(v),H()\n"
  "if x<lo then lo=x end\n"
  "if t==\"number\" or t==\"boolean\" or t==\"nil\" then if c and c~=\"s\" then return end v=\"\" "
  "t=\"-\" end\n"
  "if x<b-768 then collectgarbage() W() b=H() end\n"
  "local l=t==\"string\" and #v or 0\n"
  "if t~=\"string\" then v=S(v) elseif l>40 then v=v:sub(1,20)..v:sub(-20) end\n"
  "Y(0,c and \"E \"..c..#a..\":\" or \"O\",a,\" \"..t..\" \"..l..\" \"..#v..\":\",v,n and \" "
  "\"..#n..\":\" or \"\",n or \"\",\"\\n\")\n"
  "end\n"
  "local function O(p)\n"
  "local o,i,k,v=nil,1\n"
  "while i<=#p do\n"
  "local c,j=p:sub(i,i),p:find(\":\",i+1,true)\n"
  "local a=p:sub(j+1,j+p:sub(i+1,j-1))\n"
  "i=j+#a+1\n"
  "if c==\"G\" then o=getfenv(0) elseif c==\"R\" then o=debug.getregistry()\n"
  "elseif c==\"L\" then o=node.LFS.get(a)\n"
  "elseif c==\"m\" then o=getmetatable(o) elseif c==\"u\" then a,o=U(o,a+0)\n"
  "elseif c==\"s\" then o=rawget(o,a) elseif c==\"n\" then o=rawget(o,a+0)\n"
  "else k=nil for y=1,a do k,v=next(o,k) if y%64==0 then W() end end o=c==\"k\" and k or v end\n"
  "if o==nil then break end\n"
  "end\n"
  "V(nil,\"\",o)\n"
  "if T(o)==\"table\" then\n"
  "i=0\n"
  "for k,v in next,o do\n"
  "i=i+1 if i%64==0 then W() end\n"
  "p=T(k)\n"
  "if p==\"string\" then V(\"s\",k,v) elseif p==\"number\" then V(\"n\",S(k),v) else "
  "V(\"k\",S(i),k) V(\"v\",S(i),v) end\n"
  "end\n"
  "Y(0,\"N \"..i..\" \"..#o..\"\\n\")\n"
  "elseif T(o)==\"function\" then\n"
  "k,v=pcall(string.dump,o)\n"
  "if k then Y(0,\"D \"..#v..\":\",v,\"\\n\") v=nil\n"
  "for j=1,U and 255 or 0 do k,v=U(o,j) if k==nil then break end V(\"u\",S(j),v,k) end end\n"
  "end\n"
  "V(\"m\",\"\",getmetatable(o))\n"
  "end\n"
  "Y(0,\"B \"..lo..\" \"..(U and \"u\" or \"-\")..\" \"..1/(q+2) ..\"\\n\")\n"
  "for x=1,select(\"#\",...) do\n"
  "Y(0,pcall(O,(select(x,...))) and \"Z\\n\" or \"X\\n\") W()\n"
  "end\n"
  "Y(0,\"P \"..lo..\"\\n\")\n"
  "end\n";

const char *
mw_board_lua_heap_walker (void)
{
  return heap_walker;
}

char *
mw_board_lua_heap_baseline (void)
{
  /* the free heap, the bytes Lua counts and the number type: node.info's build_config
   * (3.0, app/modules/node.c), else 1/2, which is 0 on the integer build; then the flash
   * store's module names, each as a blob ` L<length>:<name>` (app/lua/lnodemcu.c) */
  return g_strdup ("collectgarbage() local h,ok,b=2,pcall(node.info,\"build_config\") "
                   "uart.write(0,node.heap()..\" \"..collectgarbage(\"count\")*1024 ..\" \"..("
                   "ok and type(b)==\"table\" and b.number_type or 1/h==0 and \"integer\" or "
                   "\"float\"))\n"
                   "ok,b=pcall(function() return node.LFS.list() end) "
                   "for _,n in ipairs(ok and b or {}) do uart.write(0,\" L\"..#n..\":\",n) end");
}

char *
mw_board_lua_heap_walker_open (void)
{
  return g_strdup ("collectgarbage() _mwf=file.open(\"" MW_BOARD_LUA_HEAP_WALKER_FILE "\",\"w\")");
}

gsize
mw_board_lua_heap_walker_write (GString *code, const guint8 *data, gsize len, gsize max_literal)
{
  gsize n;

  g_string_append (code, "_mwf:write(");
  n = mw_lua_quote_prefix (data, len, max_literal, code);
  g_string_append (code, ")");
  return n;
}

char *
mw_board_lua_heap_walker_load (void)
{
  return g_strdup ("_mwf:close() _mwf=nil collectgarbage() dofile(\"" MW_BOARD_LUA_HEAP_WALKER_FILE
                   "\") file.remove(\"" MW_BOARD_LUA_HEAP_WALKER_FILE "\")");
}

char *
mw_board_lua_heap_walker_remove (void)
{
  return g_strdup (
    "_mwh=nil if _mwf then _mwf:close() _mwf=nil file.remove(\"" MW_BOARD_LUA_HEAP_WALKER_FILE
    "\") end collectgarbage()");
}

GString *
mw_board_lua_heap_request_new (void)
{
  /* the previous request's garbage goes first: the walk must not pile it up */
  return g_string_new ("collectgarbage() _mwh(");
}

gboolean
mw_board_lua_heap_request_add (GString *code, const char *steps, gsize max_len)
{
  g_autoptr (GString) arg = g_string_new (NULL);
  gsize len = strlen (steps);
  gsize pos = 0;
  gboolean first = code->str[code->len - 1] == '(';

  /* a path longer than a line goes in pieces joined by `..` at line ends */
  while (pos < len || (len == 0 && arg->len == 0))
    {
      if (len == 0)
        {
          g_string_append (arg, "\"\"");
          break;
        }
      pos += mw_lua_quote_prefix ((const guint8 *) steps + pos, len - pos, 200, arg);
      if (pos < len)
        g_string_append (arg, "..\n");
    }
  if (!first && code->len + 1 + arg->len + 1 > max_len)
    return FALSE;
  if (!first)
    g_string_append_c (code, ',');
  g_string_append_len (code, arg->str, arg->len);
  return TRUE;
}

char *
mw_board_lua_heap_request_end (GString *code)
{
  g_string_append_c (code, ')');
  return g_string_free (code, FALSE);
}
