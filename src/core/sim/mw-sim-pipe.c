/* mw-sim-pipe.c: the firmware's `pipe` module (app/modules/pipe.c, docs/modules/pipe.md), which
 * 3.0 always builds: a byte queue with read/reader/unread/write/nrec, and an optional reader
 * callback run as a task after writes. node.output() sends print's text through one. */
#include "mw-sim-private.h"

#include <string.h>

#define PIPE_MT "pipe.obj"

static const char pipe_type[] = "pipe";

typedef struct
{
  GString *buf;
  int cb; /* reader callback ref, or LUA_NOREF */
  int priority;
  gboolean posted; /* a reader task is queued */
  gboolean written; /* written since the reader last ran */
} MwSimPipe;

static MwSimPipe *
check_pipe (lua_State *L, int idx)
{
  return mw_sim_check_udata (L, idx, pipe_type, PIPE_MT);
}

/* app/modules/pipe.c getsize_delim(): a size, or a delimiter with an optional "+" that keeps
 * it; nil is "\n", dropped. Returns the size (0 for a delimiter). */
static gsize
size_or_delim (lua_State *L, int idx, char *delim, gboolean *keep)
{
  *keep = FALSE;
  *delim = '\n';
  if (lua_type (L, idx) == LUA_TNUMBER)
    {
      lua_Integer n = luaL_checkinteger (L, idx);

      luaL_argcheck (L, n > 0, idx, "invalid chunk size");
      return (gsize) n;
    }
  if (!lua_isnoneornil (L, idx))
    {
      size_t len;
      const char *s = luaL_checklstring (L, idx, &len);

      *keep = len == 2 && s[1] == '+';
      luaL_argcheck (L, len == 1 || *keep, idx, "invalid delimiter");
      *delim = s[0];
    }
  return 0;
}

static int
pipe_take (lua_State *L, MwSimPipe *p, gsize size, char delim, gboolean keep)
{
  gsize used, want;

  if (p->buf->len == 0)
    {
      lua_pushnil (L);
      return 1;
    }
  if (size > 0)
    used = want = MIN (size, p->buf->len);
  else
    {
      const char *hit = memchr (p->buf->str, delim, p->buf->len);

      used = want = hit ? (gsize) (hit - p->buf->str) + 1 : p->buf->len;
      if (hit && !keep)
        want--;
    }
  lua_pushlstring (L, p->buf->str, want);
  g_string_erase (p->buf, 0, used);
  return 1;
}

static int
pipe_read (lua_State *L)
{
  MwSimPipe *p = check_pipe (L, 1);
  char delim;
  gboolean keep;
  gsize size = size_or_delim (L, 2, &delim, &keep);

  return pipe_take (L, p, size, delim, keep);
}

static int
pipe_read_aux (lua_State *L)
{
  MwSimPipe *p = check_pipe (L, lua_upvalueindex (1));
  char delim;
  gboolean keep;
  gsize size = size_or_delim (L, lua_upvalueindex (2), &delim, &keep);

  return pipe_take (L, p, size, delim, keep);
}

static int
pipe_reader (lua_State *L)
{
  char delim;
  gboolean keep;

  check_pipe (L, 1);
  lua_settop (L, 2);
  size_or_delim (L, 2, &delim, &keep);
  lua_pushcclosure (L, pipe_read_aux, 2);
  return 1;
}

static int
pipe_unread (lua_State *L)
{
  MwSimPipe *p = check_pipe (L, 1);
  size_t len;
  const char *s = luaL_checklstring (L, 2, &len);

  g_string_prepend_len (p->buf, s, len);
  return 0;
}

static int
pipe_nrec (lua_State *L)
{
  MwSimPipe *p = check_pipe (L, 1);

  lua_pushinteger (L, p->buf->len ? 1 : 0);
  return 1;
}

static int pipe_task (lua_State *L);

static void
post_reader (lua_State *L, int idx, MwSimPipe *p)
{
  if (p->cb == LUA_NOREF || p->posted)
    return;
  p->posted = TRUE;
  lua_pushvalue (L, idx);
  lua_pushcclosure (L, pipe_task, 1);
  mw_sim_vm_post (mw_sim_vm_get (L), p->priority, p->priority);
}

/* The reader task: cb(pipe); true reposts, false does not, nil reposts after a write */
static int
pipe_task (lua_State *L)
{
  MwSimPipe *p = check_pipe (L, lua_upvalueindex (1));
  gboolean repost;

  p->posted = FALSE;
  p->written = FALSE;
  lua_rawgeti (L, LUA_REGISTRYINDEX, p->cb);
  lua_pushvalue (L, lua_upvalueindex (1));
  lua_call (L, 1, 1);
  repost = lua_isboolean (L, -1) ? lua_toboolean (L, -1) : p->written;
  if (repost && p->buf->len)
    post_reader (L, lua_upvalueindex (1), p);
  return 0;
}

void
mw_sim_pipe_write (lua_State *L, int idx, const char *s, gsize len)
{
  MwSimPipe *p = check_pipe (L, idx);

  idx = idx < 0 ? lua_gettop (L) + idx + 1 : idx;
  g_string_append_len (p->buf, s, len);
  p->written = TRUE;
  post_reader (L, idx, p);
}

static int
pipe_write (lua_State *L)
{
  size_t len;
  const char *s;

  check_pipe (L, 1);
  for (int i = 2; i <= lua_gettop (L); i++)
    {
      s = luaL_checklstring (L, i, &len);
      mw_sim_pipe_write (L, 1, s, len);
    }
  return 0;
}

static int
pipe_len (lua_State *L)
{
  lua_pushinteger (L, (lua_Integer) check_pipe (L, 1)->buf->len);
  return 1;
}

static int
pipe_tostring (lua_State *L)
{
  MwSimPipe *p = check_pipe (L, 1);

  lua_pushlstring (L, p->buf->str, p->buf->len);
  return 1;
}

static int
pipe_gc (lua_State *L)
{
  MwSimPipe *p = check_pipe (L, 1);

  if (p->cb != LUA_NOREF)
    luaL_unref (L, LUA_REGISTRYINDEX, p->cb);
  p->cb = LUA_NOREF;
  if (p->buf)
    g_string_free (p->buf, TRUE);
  p->buf = NULL;
  return 0;
}

/* pipe.create([cb[, priority]]) */
int
mw_sim_pipe_create (lua_State *L)
{
  MwSimPipe *p;
  int priority = luaL_optint (L, 2, 1);

  if (!lua_isnoneornil (L, 1))
    luaL_checktype (L, 1, LUA_TFUNCTION);
  luaL_argcheck (L, priority >= 0 && priority <= 2, 2, "invalid priority");
  p = mw_sim_new_udata (L, sizeof *p, sizeof *p, pipe_type, PIPE_MT);
  p->buf = g_string_new (NULL);
  p->priority = priority;
  p->cb = LUA_NOREF;
  if (lua_isfunction (L, 1))
    {
      lua_pushvalue (L, 1);
      p->cb = luaL_ref (L, LUA_REGISTRYINDEX);
    }
  return 1;
}

static const luaL_Reg pipe_methods[] = {
  { "read", pipe_read },   { "reader", pipe_reader }, { "unread", pipe_unread },
  { "write", pipe_write }, { "nrec", pipe_nrec },     { NULL, NULL },
};

int
mw_sim_open_pipe (lua_State *L)
{
  luaL_newmetatable (L, PIPE_MT);
  lua_newtable (L);
  for (const luaL_Reg *r = pipe_methods; r->name; r++)
    {
      lua_pushcfunction (L, r->func);
      lua_setfield (L, -2, r->name);
    }
  lua_setfield (L, -2, "__index");
  lua_pushcfunction (L, pipe_len);
  lua_setfield (L, -2, "__len");
  lua_pushcfunction (L, pipe_tostring);
  lua_setfield (L, -2, "__tostring");
  lua_pushcfunction (L, pipe_gc);
  lua_setfield (L, -2, "__gc");
  lua_pop (L, 1);
  lua_newtable (L);
  lua_pushcfunction (L, mw_sim_pipe_create);
  lua_setfield (L, -2, "create");
  lua_setglobal (L, "pipe");
  return 0;
}
