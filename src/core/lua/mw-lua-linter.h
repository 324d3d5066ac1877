/* mw-lua-linter.h: a linter for RAM waste and hazards on NodeMCU boards.
 *
 * Reads parsed trees (MwLuaTree) and reports findings as MwLuaDiagnostic with a stable code
 * (docs/lint.md lists them all), a message and, where it can be estimated from the firmware's
 * object sizes (mw-lua-ram.h), the heap bytes at stake. Several trees are linted together
 * because some rules look across files: a global set in one file may be cleared in another.
 *
 * This is the library call for the editor: lint a buffer with mw_lua_lint_tree(), or a
 * project with mw_lua_lint(). Options come from the command line or a .luacheckrc. A lint
 * only reads the trees and the options, so it may run in a worker thread while the options
 * are not changed.
 */
#pragma once

#include <glib.h>

#include "mw-lua-ram.h"
#include "mw-lua-tree.h"

G_BEGIN_DECLS

/* Stable codes. luacheck's numbers are reused where the meaning is the same (so a
 * `-- luacheck: ignore 212` keeps working); the NodeMCU rules have their own ranges. */
#define MW_LUA_LINT_GLOBAL_KEPT "W111" /* global set and never set back to nil */
/* luacheck's "setting non-standard global" too: a global set inside a function */
#define MW_LUA_LINT_GLOBAL_IN_FUNCTION "W111"
#define MW_LUA_LINT_GLOBAL_MUTATED "W112" /* field of a global that is never set, set */
#define MW_LUA_LINT_GLOBAL_UNDEFINED "W113" /* global read, never set, not standard */
#define MW_LUA_LINT_MODULE_KEPT "W114" /* required module stays in package.loaded */
#define MW_LUA_LINT_FIELD_UNDEFINED "W143" /* unknown field of a firmware module */
#define MW_LUA_LINT_UNUSED_LOCAL "W211"
#define MW_LUA_LINT_UNUSED_PARAM "W212"
#define MW_LUA_LINT_UNUSED_LOOP_VAR "W213"
#define MW_LUA_LINT_SET_NEVER_READ "W231" /* local assigned, never read */
/* W4xy: x 1 redefined in the same block, 2 shadowed in the same function, 3 an upvalue
 * shadowed; y what was shadowed: 1 a local, 2 an argument, 3 a loop variable */
#define MW_LUA_LINT_REDEFINED_LOCAL "W411"
#define MW_LUA_LINT_REDEFINED_ARG "W412"
#define MW_LUA_LINT_REDEFINED_LOOP_VAR "W413"
#define MW_LUA_LINT_SHADOW_LOCAL "W421"
#define MW_LUA_LINT_SHADOW_ARG "W422"
#define MW_LUA_LINT_SHADOW_LOOP_VAR "W423"
#define MW_LUA_LINT_SHADOW_UPVALUE "W431"
#define MW_LUA_LINT_SHADOW_UPVALUE_ARG "W432"
#define MW_LUA_LINT_SHADOW_UPVALUE_LOOP_VAR "W433"
#define MW_LUA_LINT_UNREACHABLE "W511"
#define MW_LUA_LINT_MANY_UPVALUES "W701" /* closure with >= max_upvalues upvalues */
#define MW_LUA_LINT_CLOSURE_IN_LOOP "W702"
#define MW_LUA_LINT_CALLBACK_SELF "W703" /* x:on(..., function () ... x ... end) */
#define MW_LUA_LINT_TMR_DELAY "W801"
#define MW_LUA_LINT_SEVERAL_SENDS "W802"
#define MW_LUA_LINT_AFTER_RESTART "W803"
#define MW_LUA_LINT_CONCAT_IN_LOOP "W804"
#define MW_LUA_LINT_STATIC_TIMER "W805"
#define MW_LUA_LINT_INIT_NO_DELAY "W806"
#define MW_LUA_LINT_DEVICE_COMPILE "W807" /* node.compile() parses in device RAM */
/* errors come from the front end: E001 syntax, E011 more than 50 locals (the firmware's
 * limit) and E012 more than 60 upvalues (Lua's syntax error, recoded by the linter) */

/* Every code the linter reports (its own and the front end's errors), NULL-terminated, and a
 * one-line title for each (for an editor's problem list); NULL for an unknown code. */
const char *const *mw_lua_lint_get_codes (void);
const char *mw_lua_lint_code_title (const char *code);

typedef enum
{
  MW_LUA_LINT_STD_NODEMCU, /* Lua 5.1 standard library + NodeMCU 3.0 modules */
  MW_LUA_LINT_STD_LUA51, /* Lua 5.1 standard library */
  MW_LUA_LINT_STD_MIN, /* what every Lua 5.1 has: base functions, string, table, math */
} MwLuaLintStd;

#define MW_LUA_LINT_DEFAULT_MAX_UPVALUES 5

#define MW_LUA_LINT_ERROR (mw_lua_lint_error_quark ())
GQuark mw_lua_lint_error_quark (void);

typedef enum
{
  MW_LUA_LINT_ERROR_OPTION = 1, /* an unknown std, a bad number */
  MW_LUA_LINT_ERROR_CONFIG, /* a .luacheckrc that does not load or run */
} MwLuaLintError;

typedef struct _MwLuaLintOptions MwLuaLintOptions;

MwLuaLintOptions *mw_lua_lint_options_new (void);
MwLuaLintOptions *mw_lua_lint_options_copy (const MwLuaLintOptions *options);
void mw_lua_lint_options_free (MwLuaLintOptions *options);

/* `std` is "nodemcu", "lua51" or "min", or a luacheck name ("max", "lua51c", ...); several
 * may be joined with '+', as luacheck allows. */
gboolean mw_lua_lint_options_set_std (MwLuaLintOptions *options, const char *std, GError **error);
MwLuaLintStd mw_lua_lint_options_get_std (const MwLuaLintOptions *options);
/* globals the code may set and read; read_globals it may only read */
void mw_lua_lint_options_add_global (MwLuaLintOptions *options, const char *name);
void mw_lua_lint_options_add_read_global (MwLuaLintOptions *options, const char *name);
/* luacheck's patterns: "211", "21", "W211", "211/name", "name" (names are Lua patterns) */
void mw_lua_lint_options_add_ignore (MwLuaLintOptions *options, const char *pattern);
void mw_lua_lint_options_set_max_upvalues (MwLuaLintOptions *options, guint max_upvalues);
void mw_lua_lint_options_set_number_type (MwLuaLintOptions *options, MwLuaNumberType number_type);

/* The .luacheckrc that applies to files in `dir` (NULL: the current directory): the nearest one
 * in it or a parent, as luacheck finds it; NULL for none. */
char *mw_lua_lint_find_config (const char *dir);
/* The options every front end starts from: Moonwire's defaults (nodemcu std, W701 from
 * MW_LUA_LINT_DEFAULT_MAX_UPVALUES, the float build), then the .luacheckrc that applies to
 * `dir`, whose path goes to `config` (NULL when there is none). NULL with `error` set when
 * that file cannot be read or run. The CLI and the app both lint with these. */
MwLuaLintOptions *mw_lua_lint_options_new_for_dir (const char *dir, char **config, GError **error);
/* The .lua files under `dir` as `moonwire-cli lint DIR` and the app's folder check lint them:
 * hidden entries and symlinked folders skipped, paths (`dir` joined with the rest) appended to
 * `paths` (char*, g_free) sorted. */
void mw_lua_lint_collect_files (const char *dir, GPtrArray *paths);

/* Runs a .luacheckrc (Lua) in a sandbox (no io, os, require or file loading; an instruction
 * and memory limit) and merges its std, globals, read_globals, ignore and max_upvalues. */
gboolean mw_lua_lint_options_load_config (MwLuaLintOptions *options, const char *source,
                                          gsize length, const char *chunkname, GError **error);

/* Lints `n_trees` trees together. Returns an array of n_trees arrays (one per tree, in order)
 * of MwLuaDiagnostic*, sorted by position: the front end's diagnostics (syntax errors,
 * firmware limits) and the linter's findings. */
GPtrArray *mw_lua_lint (MwLuaTree *const *trees, guint n_trees, const MwLuaLintOptions *options);

/* Lints one file at a time, so that a caller can free each tree when it is added: peak
 * memory then depends on the largest file, not on the project. Findings that depend on other
 * files (a global set or cleared elsewhere, a module's cost) are settled by finish(), which
 * asks `reopen` for a module's tree again when a file required it after it was added (NULL:
 * no byte figure then). finish() returns what mw_lua_lint() returns, in the order of add(). */
typedef struct _MwLuaLinter MwLuaLinter;
typedef MwLuaTree *(*MwLuaLinterReopen) (guint index, gpointer data);

MwLuaLinter *mw_lua_linter_new (const MwLuaLintOptions *options);
void mw_lua_linter_add (MwLuaLinter *linter, MwLuaTree *tree);
GPtrArray *mw_lua_linter_finish (MwLuaLinter *linter, MwLuaLinterReopen reopen, gpointer data);
void mw_lua_linter_free (MwLuaLinter *linter);

/* One tree alone (the editor's buffer): an array of MwLuaDiagnostic*. */
GPtrArray *mw_lua_lint_tree (MwLuaTree *tree, const MwLuaLintOptions *options);

typedef enum
{
  MW_LUA_LINT_GLOBAL_READ = 1 << 0,
  MW_LUA_LINT_GLOBAL_WRITE = 1 << 1,
} MwLuaLintGlobalUse;

/* The global names a tree reads and sets, as the linter sees them: name -> MwLuaLintGlobalUse
 * (GPOINTER_TO_UINT). */
GHashTable *mw_lua_lint_collect_globals (MwLuaTree *tree);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwLuaLintOptions, mw_lua_lint_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwLuaLinter, mw_lua_linter_free)

G_END_DECLS
