/* mw-sim-file.c: the firmware's `file` module with SPIFFS semantics (docs/firmware.md section 2):
 * 31-character names, at most 4 open files, a write that returns nil when the flash is full,
 * object and module-level forms. */
#include "mw-sim-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

/* the firmware's metatable name and payload, a file_fd_ud holding one int (app/modules/file.c;
 * docs/firmware.md section 11) */
#define FILE_MT "file.obj"
#define MW_SIM_FILE_PAYLOAD 4
/* The firmware keeps the last opened file referenced, for the module-level calls: a script
 * may drop the object that file.open() returned and go on with file.read(). */
#define LAST_KEY "moonwire.sim.file.last"
#define MAX_OPEN 4
/* the firmware's metatable name (app/modules/file.c), in errors about a wrong argument */
#define FILE_TYPE_NAME "file.obj"
#define READ_DEFAULT 1024
#define LINE_MAX_LEN 1024

typedef struct
{
  FILE *fp;
  MwSimVm *vm;
  gboolean writable;
} MwSimFile;

static const char file_type[] = "file";

static void
file_close (MwSimFile *f)
{
  if (f->fp == NULL)
    return;
  fclose (f->fp);
  f->fp = NULL;
  g_ptr_array_remove (f->vm->files, f);
  if (f->vm->last_file == f)
    f->vm->last_file = NULL;
}

void
mw_sim_file_shutdown (MwSimVm *vm)
{
  while (vm->files->len)
    file_close (g_ptr_array_index (vm->files, 0));
}

static MwSimFile *
check_file (lua_State *L, int idx)
{
  MwSimFile *f = mw_sim_check_udata (L, idx, file_type, FILE_TYPE_NAME);

  if (f->fp == NULL)
    luaL_error (L, "file closed");
  return f;
}

/* The file module-level calls act on: the last file opened, if still open. */
static MwSimFile *
current_file (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (vm->last_file == NULL)
    luaL_error (L, "no file opened");
  return vm->last_file;
}

static const char *
check_name (lua_State *L, int idx)
{
  size_t len;
  const char *name = luaL_checklstring (L, idx, &len);

  luaL_argcheck (L, len > 0 && len <= MW_SIM_FLASH_MAX_NAME && strlen (name) == len, idx,
                 "filename invalid");
  return name;
}

static int
l_open (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  const char *name = check_name (L, 1);
  const char *mode = luaL_optstring (L, 2, "r");
  static const char *const modes[] = { "r", "w", "a", "r+", "w+", "a+" };
  char path_buf[4096];
  MwSimFile *f;
  FILE *fp;
  gboolean ok = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    ok |= strcmp (mode, modes[i]) == 0;
  luaL_argcheck (L, ok, 2, "invalid mode");
  if (vm->files->len >= MAX_OPEN)
    {
      lua_pushnil (L);
      return 1;
    }
  {
    g_autofree char *path = mw_sim_flash_path (vm->flash, name);
    g_strlcpy (path_buf, path, sizeof path_buf);
  }
  /* a new file takes its index header page at once */
  if (mode[0] != 'r' && !g_file_test (path_buf, G_FILE_TEST_EXISTS)
      && !mw_sim_flash_reserve (vm->flash, 0, 0, TRUE))
    {
      lua_pushnil (L);
      return 1;
    }
  {
    char host_mode[4];
    g_snprintf (host_mode, sizeof host_mode, "%sb", mode);
    /* "b" after "+" is what C accepts: "r+b" */
    fp = fopen (path_buf, host_mode);
  }
  if (fp == NULL)
    {
      lua_pushnil (L);
      return 1;
    }
  f = mw_sim_new_udata (L, sizeof *f, MW_SIM_FILE_PAYLOAD, file_type, FILE_MT);
  f->fp = fp;
  f->vm = vm;
  f->writable = mode[0] != 'r' || mode[1] == '+';
  g_ptr_array_add (vm->files, f);
  vm->last_file = f;
  lua_pushvalue (L, -1);
  lua_setfield (L, LUA_REGISTRYINDEX, LAST_KEY);
  return 1;
}

static int
do_close (lua_State *L, MwSimFile *f)
{
  if (f == f->vm->last_file)
    {
      lua_pushnil (L);
      lua_setfield (L, LUA_REGISTRYINDEX, LAST_KEY);
    }
  file_close (f);
  return 0;
}

/* Writes at the file's position; only what grows the file takes new pages. */
static gboolean
write_bytes (MwSimFile *f, const char *s, gsize len)
{
  long pos = ftell (f->fp);
  long end;

  fseek (f->fp, 0, SEEK_END);
  end = ftell (f->fp);
  fseek (f->fp, pos, SEEK_SET);
  if (!f->writable
      || !mw_sim_flash_reserve (f->vm->flash, end, MAX ((gsize) end, (gsize) pos + len), FALSE)
      || fwrite (s, 1, len, f->fp) != len)
    return FALSE;
  fflush (f->fp);
  return TRUE;
}

/* app/modules/file.c file_write: one string argument (any others are ignored), true when
 * all of it was written, nil otherwise. `suffix` is writeline's "\n". */
static int
do_write (lua_State *L, MwSimFile *f, int idx, const char *suffix)
{
  size_t len;
  const char *s = luaL_checklstring (L, idx, &len);

  if (!write_bytes (f, s, len) || (suffix && !write_bytes (f, suffix, strlen (suffix))))
    lua_pushnil (L);
  else
    lua_pushboolean (L, TRUE);
  return 1;
}

static int
do_writeline (lua_State *L, MwSimFile *f, int idx)
{
  return do_write (L, f, idx, "\n");
}

static int
do_read (lua_State *L, MwSimFile *f, int idx)
{
  luaL_Buffer b;
  int end_char = -1;
  long n = READ_DEFAULT;
  long got = 0;
  int c;

  if (lua_type (L, idx) == LUA_TSTRING)
    {
      size_t len;
      const char *s = lua_tolstring (L, idx, &len);
      luaL_argcheck (L, len == 1, idx, "need a single character");
      end_char = (guint8) s[0];
    }
  else if (!lua_isnoneornil (L, idx))
    {
      n = luaL_checkinteger (L, idx);
      if (n <= 0)
        n = READ_DEFAULT;
    }
  luaL_buffinit (L, &b);
  while (got < n && (c = getc (f->fp)) != EOF)
    {
      luaL_addchar (&b, (char) c);
      got++;
      if (c == end_char)
        break;
    }
  if (got == 0)
    {
      luaL_pushresult (&b);
      lua_pop (L, 1);
      lua_pushnil (L);
      return 1;
    }
  luaL_pushresult (&b);
  return 1;
}

static int
do_readline (lua_State *L, MwSimFile *f)
{
  lua_pushliteral (L, "\n");
  return do_read (L, f, lua_gettop (L));
}

static int
do_seek (lua_State *L, MwSimFile *f, int idx)
{
  static const char *const whences[] = { "set", "cur", "end", NULL };
  int op = luaL_checkoption (L, idx, "cur", whences);
  long off = luaL_optinteger (L, idx + 1, 0);
  long pos = ftell (f->fp);
  long size;

  /* SPIFFS cannot seek past the end: the position goes to the end and the call fails
   * (docs/firmware.md section 7) */
  fseek (f->fp, 0, SEEK_END);
  size = ftell (f->fp);
  fseek (f->fp, pos, SEEK_SET);
  if (op == 1)
    off += pos;
  else if (op == 2)
    off += size;
  if (off > size)
    {
      fseek (f->fp, 0, SEEK_END);
      lua_pushnil (L);
      return 1;
    }
  if (off < 0 || fseek (f->fp, off, SEEK_SET) != 0)
    {
      lua_pushnil (L);
      return 1;
    }
  lua_pushinteger (L, ftell (f->fp));
  return 1;
}

static int
do_flush (lua_State *L, MwSimFile *f)
{
  fflush (f->fp);
  lua_pushboolean (L, TRUE);
  return 1;
}

/* the object form: f:method(...) */
static int
o_close (lua_State *L)
{
  return do_close (L, check_file (L, 1));
}
static int
o_write (lua_State *L)
{
  return do_write (L, check_file (L, 1), 2, NULL);
}
static int
o_writeline (lua_State *L)
{
  return do_writeline (L, check_file (L, 1), 2);
}
static int
o_read (lua_State *L)
{
  return do_read (L, check_file (L, 1), 2);
}
static int
o_readline (lua_State *L)
{
  return do_readline (L, check_file (L, 1));
}
static int
o_seek (lua_State *L)
{
  return do_seek (L, check_file (L, 1), 2);
}
static int
o_flush (lua_State *L)
{
  return do_flush (L, check_file (L, 1));
}

static int
o_gc (lua_State *L)
{
  MwSimFile *f = mw_sim_check_udata (L, 1, file_type, FILE_TYPE_NAME);
  file_close (f);
  return 0;
}

/* the module-level form: file.method(...) on the last opened file */
static int
m_close (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (vm->last_file)
    return do_close (L, vm->last_file);
  return 0;
}
static int
m_write (lua_State *L)
{
  return do_write (L, current_file (L), 1, NULL);
}
static int
m_writeline (lua_State *L)
{
  return do_writeline (L, current_file (L), 1);
}
static int
m_read (lua_State *L)
{
  return do_read (L, current_file (L), 1);
}
static int
m_readline (lua_State *L)
{
  return do_readline (L, current_file (L));
}
static int
m_seek (lua_State *L)
{
  return do_seek (L, current_file (L), 1);
}
static int
m_flush (lua_State *L)
{
  return do_flush (L, current_file (L));
}

static int
l_list (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  const char *pattern = luaL_optstring (L, 1, NULL);
  GHashTable *files = mw_sim_flash_list (vm->flash);
  GHashTableIter it;
  gpointer name, size;

  lua_newtable (L);
  g_hash_table_iter_init (&it, files);
  while (g_hash_table_iter_next (&it, &name, &size))
    {
      if (pattern)
        {
          /* string.match(name, pattern); a bad pattern raises after the table is freed */
          lua_getglobal (L, "string");
          lua_getfield (L, -1, "match");
          lua_remove (L, -2);
          lua_pushstring (L, name);
          lua_pushstring (L, pattern);
          if (lua_pcall (L, 2, 1, 0) != 0)
            {
              g_hash_table_unref (files);
              return lua_error (L);
            }
          if (lua_isnil (L, -1))
            {
              lua_pop (L, 1);
              continue;
            }
          lua_pop (L, 1);
        }
      lua_pushinteger (L, (lua_Integer) GPOINTER_TO_SIZE (size));
      lua_setfield (L, -2, name);
    }
  g_hash_table_unref (files);
  return 1;
}

static char *
path_of (lua_State *L, int idx)
{
  return mw_sim_flash_path (mw_sim_vm_get (L)->flash, check_name (L, idx));
}

static int
l_remove (lua_State *L)
{
  char *path = path_of (L, 1);

  g_unlink (path);
  g_free (path);
  return 0;
}

/* file.format(): closes every open file and erases the file system */
static int
l_format (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  g_autoptr (GHashTable) files = NULL;
  GHashTableIter it;
  gpointer name;

  mw_sim_file_shutdown (vm);
  files = mw_sim_flash_list (vm->flash);
  g_hash_table_iter_init (&it, files);
  while (g_hash_table_iter_next (&it, &name, NULL))
    {
      g_autofree char *path = mw_sim_flash_path (vm->flash, name);
      g_unlink (path);
    }
  /* app/modules/file.c file_format: NODE_ERR, straight to the UART */
  mw_sim_repl_cook (vm->tx, "format done.\n", 13);
  return 0;
}

/* file.stat(name): size and name, SPIFFS's flags, and the default time stamp (SPIFFS keeps
 * none) (app/modules/file.c file_stat) */
static int
l_stat (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  const char *name = check_name (L, 1);
  g_autofree char *path = mw_sim_flash_path (vm->flash, name);
  GStatBuf st;
  static const char *const flags[] = { "is_dir", "is_rdonly", "is_hidden", "is_sys", "is_arch" };
  static const struct
  {
    const char *key;
    int value;
  } stamp[] = { { "year", 1970 }, { "mon", 1 }, { "day", 1 },
                { "hour", 0 },    { "min", 0 }, { "sec", 0 } };

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      lua_pushnil (L);
      return 1;
    }
  lua_createtable (L, 0, 7);
  lua_pushinteger (L, (lua_Integer) st.st_size);
  lua_setfield (L, -2, "size");
  lua_pushstring (L, name);
  lua_setfield (L, -2, "name");
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      lua_pushboolean (L, FALSE);
      lua_setfield (L, -2, flags[i]);
    }
  lua_createtable (L, 0, 6);
  for (guint i = 0; i < G_N_ELEMENTS (stamp); i++)
    {
      lua_pushinteger (L, stamp[i].value);
      lua_setfield (L, -2, stamp[i].key);
    }
  lua_setfield (L, -2, "time");
  return 1;
}

/* file.on("rtc", fn|nil): the time source for FAT time stamps; SPIFFS has none, so it is
 * kept and never called */
static int
l_on (lua_State *L)
{
  static const char *const events[] = { "rtc", NULL };

  luaL_checkoption (L, 1, "rtc", events);
  if (!lua_isfunction (L, 2) && !lua_isnil (L, 2))
    return luaL_error (L, "Callback should be function or nil");
  return 0;
}

/* file.fscfg(): the partition's flash address and size */
static int
l_fscfg (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  lua_pushinteger (L, 0x100000);
  lua_pushinteger (L, (lua_Integer) mw_sim_flash_size (vm->flash));
  return 2;
}

static int
l_exists (lua_State *L)
{
  char *path = path_of (L, 1);

  lua_pushboolean (L, g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_free (path);
  return 1;
}

static int
l_rename (lua_State *L)
{
  const char *old_name = check_name (L, 1);
  const char *new_name = check_name (L, 2);
  MwSimFlash *flash = mw_sim_vm_get (L)->flash;
  char *from = mw_sim_flash_path (flash, old_name);
  char *to = mw_sim_flash_path (flash, new_name);
  gboolean ok;

  /* SPIFFS refuses to overwrite */
  ok = g_file_test (from, G_FILE_TEST_IS_REGULAR) && !g_file_test (to, G_FILE_TEST_EXISTS)
       && g_rename (from, to) == 0;
  g_free (from);
  g_free (to);
  lua_pushboolean (L, ok);
  return 1;
}

static int
l_fsinfo (lua_State *L)
{
  MwSimFlash *flash = mw_sim_vm_get (L)->flash;
  gsize total = mw_sim_flash_total (flash);
  gsize used = mw_sim_flash_used (flash);

  lua_pushinteger (L, used < total ? total - used : 0);
  lua_pushinteger (L, used);
  lua_pushinteger (L, total);
  return 3;
}

static int
l_getcontents (lua_State *L)
{
  char *path = path_of (L, 1);
  char *bytes = NULL;
  gsize len;

  if (!g_file_get_contents (path, &bytes, &len, NULL))
    lua_pushnil (L);
  else
    lua_pushlstring (L, bytes, len);
  g_free (path);
  g_free (bytes);
  return 1;
}

static int
l_putcontents (lua_State *L)
{
  MwSimFlash *flash = mw_sim_vm_get (L)->flash;
  const char *name = check_name (L, 1);
  size_t len;
  const char *bytes = luaL_checklstring (L, 2, &len);
  char *path = mw_sim_flash_path (flash, name);
  gboolean ok;

  g_unlink (path);
  ok = mw_sim_flash_reserve (flash, 0, len, TRUE) && g_file_set_contents (path, bytes, len, NULL);
  g_free (path);
  if (ok)
    lua_pushboolean (L, TRUE);
  else
    lua_pushnil (L);
  return 1;
}

static const luaL_Reg file_methods[] = { { "close", o_close },         { "write", o_write },
                                         { "writeline", o_writeline }, { "read", o_read },
                                         { "readline", o_readline },   { "seek", o_seek },
                                         { "flush", o_flush },         { NULL, NULL } };

static const luaL_Reg file_funcs[] = { { "open", l_open },     { "close", m_close },
                                       { "write", m_write },   { "writeline", m_writeline },
                                       { "read", m_read },     { "readline", m_readline },
                                       { "seek", m_seek },     { "flush", m_flush },
                                       { "list", l_list },     { "remove", l_remove },
                                       { "exists", l_exists }, { "rename", l_rename },
                                       { "fsinfo", l_fsinfo }, { "format", l_format },
                                       { "stat", l_stat },     { "on", l_on },
                                       { "fscfg", l_fscfg },   { NULL, NULL } };

int
mw_sim_open_file (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  luaL_newmetatable (L, FILE_MT);
  lua_newtable (L);
  for (const luaL_Reg *r = file_methods; r->name; r++)
    {
      lua_pushcfunction (L, r->func);
      lua_setfield (L, -2, r->name);
    }
  lua_setfield (L, -2, "__index");
  lua_pushcfunction (L, o_gc);
  lua_setfield (L, -2, "__gc");
  lua_pop (L, 1);

  mw_sim_register (L, "file", file_funcs);
  /* getcontents/putcontents arrived with 3.0 */
  if (vm->firmware == MW_SIM_FIRMWARE_3_0)
    {
      lua_pushcfunction (L, l_getcontents);
      lua_setfield (L, -2, "getcontents");
      lua_pushcfunction (L, l_putcontents);
      lua_setfield (L, -2, "putcontents");
    }
  lua_pop (L, 1);
  return 0;
}
