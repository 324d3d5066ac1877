/* mw-lua-lint-config.c: reads a .luacheckrc, which is Lua, in a sandbox.
 *
 * The file runs in its own liblua5.1 state with only the base, string, table and math
 * libraries, without io, os, require or anything that reads files, under an instruction
 * limit and a wall-clock deadline (a count hook) and a memory limit (the allocator), so a
 * hostile or broken file can neither touch the machine nor hang the linter. Once a limit
 * trips, the hook raises on every instruction, so a `pcall` loop cannot swallow it. The
 * pattern functions (find, match, gmatch, gsub) run in C where no hook reaches: they refuse
 * patterns whose worst-case backtracking exceeds a bound, which also bounds their recursion
 * (the C stack). `loadstring` refuses bytecode. Its globals are then read as luacheck reads
 * them.
 */
#include "mw-lua-lint-private.h"
#include "mw-lua-pattern.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <string.h>

#define CONFIG_MAX_MEMORY (8u << 20) /* bytes */
#define CONFIG_MAX_INSTRUCTIONS 10000000u /* VM instructions, counted by the hook */
#define CONFIG_HOOK_STEP 1000
#define CONFIG_MAX_TIME_US (5 * G_USEC_PER_SEC) /* wall clock, C functions included */
#define CONFIG_MAX_PATTERN_WORK 5e7 /* worst-case matcher steps of one pattern call */
#define CONFIG_MAX_PATTERN_DEPTH 64 /* quantifiers and captures: the matcher's recursion */

typedef struct
{
  gsize used;
  guint steps;
  gint64 deadline; /* monotonic time */
  const char *tripped; /* the limit that tripped: every later hook raises it again */
} Sandbox;

static void *
sandbox_alloc (void *ud, void *ptr, size_t osize, size_t nsize)
{
  Sandbox *sb = ud;

  if (nsize == 0)
    {
      sb->used -= osize;
      g_free (ptr);
      return NULL;
    }
  if (sb->used - osize + nsize > CONFIG_MAX_MEMORY)
    return NULL;
  ptr = g_try_realloc (ptr, nsize);
  if (ptr != NULL)
    sb->used = sb->used - osize + nsize;
  return ptr;
}

static void
sandbox_hook (lua_State *L, lua_Debug *ar)
{
  Sandbox *sb;

  (void) ar;
  lua_getallocf (L, (void **) &sb);
  if (sb->tripped == NULL && ++sb->steps > CONFIG_MAX_INSTRUCTIONS / CONFIG_HOOK_STEP)
    sb->tripped = "instruction limit exceeded";
  if (sb->tripped == NULL && g_get_monotonic_time () > sb->deadline)
    sb->tripped = "time limit exceeded";
  if (sb->tripped != NULL)
    {
      /* from now on every instruction raises: a pcall that catches the error returns into
       * code that raises it again, up to the top */
      lua_sethook (L, sandbox_hook, LUA_MASKCOUNT, 1);
      lua_pushstring (L, sb->tripped);
      lua_error (L);
    }
}

/* The pattern functions with a bound on their work (mw-lua-pattern.h): a call whose
 * worst-case backtracking or recursion is over the bound raises instead of running, and none
 * runs once a limit has tripped. */
static void
check_pattern_work (lua_State *L, const MwLuaPatternCost *cost, gsize n, gsize m)
{
  Sandbox *sb;

  lua_getallocf (L, (void **) &sb);
  if (sb->tripped == NULL && g_get_monotonic_time () > sb->deadline)
    sb->tripped = "time limit exceeded";
  if (sb->tripped != NULL)
    {
      lua_pushstring (L, sb->tripped);
      lua_error (L);
    }
  if (cost->depth > CONFIG_MAX_PATTERN_DEPTH
      || mw_lua_pattern_log_work (cost, n, m) > log (CONFIG_MAX_PATTERN_WORK))
    luaL_error (L,
                "pattern too complex for the configuration sandbox (%d quantifiers on %d "
                "bytes)",
                (int) cost->quantifiers, (int) n);
}

/* loadstring() for source only: a precompiled chunk could crash the VM */
static int
source_loadstring (lua_State *L)
{
  gsize len;
  const char *s = luaL_checklstring (L, 1, &len);
  const char *name = luaL_optstring (L, 2, s);

  if (len > 0 && s[0] == '\033')
    {
      lua_pushnil (L);
      lua_pushstring (L, "loadstring: precompiled chunks are refused in the configuration");
      return 2;
    }
  if (luaL_loadbuffer (L, s, len, name) != 0)
    {
      lua_pushnil (L);
      lua_insert (L, -2);
      return 2;
    }
  return 1;
}

/* print() must not write into the linter's output (JSON, TAP): it does nothing */
static int
quiet_print (lua_State *L)
{
  (void) L;
  return 0;
}

static int
open_safe_libs (lua_State *L)
{
  static const char *const unsafe[] = { "dofile",   "loadfile",       "load",    "require",
                                        "module",   "collectgarbage", "getfenv", "setfenv",
                                        "newproxy", "gcinfo",         NULL };
  lua_CFunction openers[] = { luaopen_base, luaopen_string, luaopen_table, luaopen_math };

  for (gsize i = 0; i < G_N_ELEMENTS (openers); i++)
    {
      lua_pushcfunction (L, openers[i]);
      lua_call (L, 0, 0);
    }
  for (const char *const *u = unsafe; *u; u++)
    {
      lua_pushnil (L);
      lua_setglobal (L, *u);
    }
  lua_pushcfunction (L, quiet_print);
  lua_setglobal (L, "print");
  lua_pushcfunction (L, source_loadstring);
  lua_setglobal (L, "loadstring");
  lua_getglobal (L, "string");
  mw_lua_pattern_bound (L, -1, check_pattern_work);
  lua_pop (L, 1);
  /* luacheck's per-file and custom std tables: `files["spec"].std = "+busted"` and
   * `stds.x = {...}` must run even though Moonwire does not use them */
  if (luaL_dostring (L, "files = setmetatable({}, {__index = function(t, k) "
                        "local v = {} rawset(t, k, v) return v end}) stds = {}")
      != 0)
    lua_error (L);
  return 0;
}

/* adds the names of the list on top of the stack and pops it: {"a", "b"} or
 * {a = {...}, b = true} (luacheck's field definitions) */
static void
add_names (lua_State *L, MwLuaLintOptions *options, void (*add) (MwLuaLintOptions *, const char *))
{
  if (lua_istable (L, -1))
    {
      lua_pushnil (L);
      while (lua_next (L, -2) != 0)
        {
          if (lua_type (L, -2) == LUA_TSTRING)
            add (options, lua_tostring (L, -2));
          else if (lua_type (L, -1) == LUA_TSTRING)
            add (options, lua_tostring (L, -1));
          lua_pop (L, 1);
        }
    }
  lua_pop (L, 1);
}

static void
read_names (lua_State *L, const char *key, MwLuaLintOptions *options,
            void (*add) (MwLuaLintOptions *, const char *))
{
  lua_getglobal (L, key);
  add_names (L, options, add);
}

/* `std = "lua51+mine"` with `stds.mine = {globals = ..., read_globals = ...}`: the custom
 * parts add their names; the rest is left for mw_lua_lint_options_set_std() */
static char *
apply_custom_stds (lua_State *L, const char *std, MwLuaLintOptions *options)
{
  g_auto (GStrv) parts = g_strsplit (std, "+", -1);
  g_autoptr (GString) rest = g_string_new (std[0] == '+' ? "+" : "");
  gboolean any_custom = FALSE;

  for (char **p = parts; *p; p++)
    {
      gboolean custom;

      if (**p == '\0')
        continue;
      lua_getglobal (L, "stds");
      custom = lua_istable (L, -1);
      if (custom)
        {
          lua_getfield (L, -1, *p);
          custom = lua_istable (L, -1);
          if (custom)
            {
              lua_getfield (L, -1, "globals");
              add_names (L, options, mw_lua_lint_options_add_global);
              lua_getfield (L, -1, "read_globals");
              add_names (L, options, mw_lua_lint_options_add_read_global);
            }
          lua_pop (L, 1);
        }
      lua_pop (L, 1);
      any_custom |= custom;
      /* a custom std named like a built-in one extends it */
      if (!custom || strcmp (*p, "nodemcu") == 0 || strcmp (*p, "lua51") == 0
          || strcmp (*p, "min") == 0)
        g_string_append_printf (rest, "%s%s",
                                rest->len > 0 && rest->str[rest->len - 1] != '+' ? "+" : "", *p);
    }
  if (any_custom && (rest->len == 0 || strcmp (rest->str, "+") == 0))
    g_string_assign (rest, std[0] == '+' ? "+" : "min");
  return g_string_free (g_steal_pointer (&rest), FALSE);
}

gboolean
mw_lua_lint_options_load_config (MwLuaLintOptions *options, const char *source, gsize length,
                                 const char *chunkname, GError **error)
{
  Sandbox sb = { 0, 0, 0, NULL };
  int status;
  lua_State *L;
  gboolean ok = FALSE;
  g_autofree char *name = NULL;
  g_autoptr (GError) std_error = NULL;
  g_autofree char *std_rest = NULL;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (source != NULL, FALSE);

  L = lua_newstate (sandbox_alloc, &sb);
  if (L == NULL)
    {
      g_set_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG,
                   "%s: cannot create a Lua state", chunkname);
      return FALSE;
    }
  status = lua_cpcall (L, open_safe_libs, NULL);
  if (status != 0)
    goto fail;
  /* a precompiled chunk could crash the VM: only source is accepted */
  if (length > 0 && source[0] == '\033')
    {
      g_set_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG,
                   "%s: a precompiled chunk, not Lua source", chunkname);
      lua_close (L);
      return FALSE;
    }
  name = g_strconcat ("@", chunkname, NULL);
  sb.deadline = g_get_monotonic_time () + CONFIG_MAX_TIME_US;
  lua_sethook (L, sandbox_hook, LUA_MASKCOUNT, CONFIG_HOOK_STEP);
  status = luaL_loadbuffer (L, source, length, name);
  if (status == 0)
    status = lua_pcall (L, 0, 0, 0);
  if (status != 0)
    goto fail;
  lua_sethook (L, NULL, 0, 0);

  lua_getglobal (L, "std");
  if (lua_type (L, -1) == LUA_TSTRING)
    std_rest = apply_custom_stds (L, lua_tostring (L, -1), options);
  if (std_rest != NULL && !mw_lua_lint_options_set_std (options, std_rest, &std_error))
    {
      g_set_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG, "%s: %s", chunkname,
                   std_error->message);
      lua_close (L);
      return FALSE;
    }
  lua_pop (L, 1);
  read_names (L, "globals", options, mw_lua_lint_options_add_global);
  read_names (L, "new_globals", options, mw_lua_lint_options_add_global);
  read_names (L, "read_globals", options, mw_lua_lint_options_add_read_global);
  read_names (L, "new_read_globals", options, mw_lua_lint_options_add_read_global);
  lua_getglobal (L, "ignore");
  if (lua_istable (L, -1))
    {
      for (int i = 1;; i++)
        {
          lua_rawgeti (L, -1, i);
          if (lua_isnil (L, -1))
            {
              lua_pop (L, 1);
              break;
            }
          if (lua_type (L, -1) == LUA_TSTRING || lua_type (L, -1) == LUA_TNUMBER)
            mw_lua_lint_options_add_ignore (options, lua_tostring (L, -1));
          lua_pop (L, 1);
        }
    }
  lua_pop (L, 1);
  lua_getglobal (L, "max_upvalues");
  if (lua_type (L, -1) == LUA_TNUMBER && lua_tonumber (L, -1) >= 0)
    options->max_upvalues = (guint) lua_tonumber (L, -1);
  lua_pop (L, 1);
  ok = TRUE;
  lua_close (L);
  return ok;

fail:
  /* Lua's own message, or for `error({})` and the like what was raised; a memory error
   * comes with its own status */
  if (sb.tripped != NULL)
    g_set_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG, "%s: %s", chunkname,
                 sb.tripped);
  else if (status == LUA_ERRMEM)
    g_set_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG,
                 "%s: not enough memory (the configuration may use %u MB)", chunkname,
                 CONFIG_MAX_MEMORY >> 20);
  else if (lua_type (L, -1) == LUA_TSTRING || lua_type (L, -1) == LUA_TNUMBER)
    g_set_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG, "%s", lua_tostring (L, -1));
  else
    g_set_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG,
                 "%s: error object is a %s value", chunkname, luaL_typename (L, -1));
  lua_close (L);
  return FALSE;
}

char *
mw_lua_lint_find_config (const char *dir)
{
  g_autofree char *cur = dir != NULL ? g_strdup (dir) : g_get_current_dir ();

  for (;;)
    {
      g_autofree char *path = g_build_filename (cur, ".luacheckrc", NULL);
      g_autofree char *parent = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
      parent = g_path_get_dirname (cur);
      if (strcmp (parent, cur) == 0)
        return NULL;
      g_free (cur);
      cur = g_steal_pointer (&parent);
    }
}

MwLuaLintOptions *
mw_lua_lint_options_new_for_dir (const char *dir, char **config, GError **error)
{
  g_autoptr (MwLuaLintOptions) options = mw_lua_lint_options_new ();
  g_autofree char *path = mw_lua_lint_find_config (dir);
  g_autofree char *data = NULL;
  gsize len;

  if (config != NULL)
    *config = NULL;
  if (path == NULL)
    return g_steal_pointer (&options);
  if (!g_file_get_contents (path, &data, &len, error)
      || !mw_lua_lint_options_load_config (options, data, len, path, error))
    return NULL;
  if (config != NULL)
    *config = g_steal_pointer (&path);
  return g_steal_pointer (&options);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
collect_files (const char *dir, GPtrArray *found, int depth)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL || depth > 32)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;

      if (name[0] == '.') /* .git and the like */
        continue;
      path = g_build_filename (dir, name, NULL);
      /* A symlinked folder is not followed: it may lead out of the tree or round in a
       * circle (two links to "." made the walk exponential). Symlinked files are linted. */
      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, found, depth + 1);
      else if (g_str_has_suffix (name, ".lua"))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

void
mw_lua_lint_collect_files (const char *dir, GPtrArray *paths)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (dir != NULL);
  g_return_if_fail (paths != NULL);

  collect_files (dir, found, 0);
  g_ptr_array_sort (found, compare_paths);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (paths, g_steal_pointer (&found->pdata[i]));
}
