/* mw-lua-lint-private.h: what the linter's rule families (mw-lua-lint-*.c) share. */
#pragma once

#include "mw-lua-linter.h"

G_BEGIN_DECLS

typedef enum
{
  MW_LUA_LINT_SET_LUA51 = 1 << 0, /* the rest of desktop Lua 5.1 (io, os, ...) */
  MW_LUA_LINT_SET_NODEMCU = 1 << 1, /* the firmware's Lua and its C modules */
} MwLuaLintSets;

struct _MwLuaLintOptions
{
  guint std_sets; /* MwLuaLintSets on top of "min": `--std lua51+nodemcu` is both */
  GHashTable *globals; /* name -> name */
  GHashTable *read_globals; /* name -> name */
  GPtrArray *ignore; /* char* patterns */
  guint max_upvalues;
  MwLuaNumberType number_type;
};

typedef struct _MwLuaLintPattern MwLuaLintPattern;
typedef struct _MwLuaLintInline MwLuaLintInline;

/* The whole run: facts gathered across every tree before the rules run. */
typedef struct
{
  const MwLuaLintOptions *options;
  const MwLuaRamModel *ram;
  GHashTable *set_globals; /* names set (to anything) in any tree */
  GHashTable *top_globals; /* names set by a main chunk: meant to be globals */
  GHashTable *cleared_globals; /* names set to nil somewhere */
  GHashTable *cleared_modules; /* module names with package.loaded[name] = nil somewhere */
  GHashTable *volatile_files; /* basenames without .lua of files that clear themselves */
  GHashTable *module_files; /* basename without .lua -> index + 1 of the (last) file */
  GHashTable *wanted_modules; /* basenames some `require` names */
  GHashTable *module_bytes; /* basename -> gint64*: what a linted module's functions keep */
  GHashTable *estimates; /* MwLuaTree* -> MwLuaRamEstimate* (or NULL), made on demand, for the
                          * tree being linted only (a freed tree's address may come back) */
  guint current; /* index of the file being added */
} MwLuaLintRun;

/* One tree being linted. */
typedef struct
{
  MwLuaLintRun *run;
  MwLuaTree *tree;
  const MwLuaToken *toks;
  guint n_toks;
  GPtrArray *findings; /* MwLuaLintFinding* */
  GHashTable *reported; /* "code name" already reported once per file (W111) */
  MwLuaLintInline *inline_options; /* from `-- luacheck:` comments, or NULL */
  GHashTable *in_function; /* token + 1 of globals set inside a function, not yet reported */
} MwLuaLintFile;

/* TRUE when the options or an inline `globals` (or, if `reading`, `read globals`) comment
 * declare `name` at token `token`. */
gboolean mw_lua_lint_file_declares (MwLuaLintFile *file, const char *name, guint token,
                                    gboolean reading);

/* Walks a node list depth first; `enter` returns FALSE to skip a node's children. */
typedef gboolean (*MwLuaLintVisit) (MwLuaNode *node, gpointer data);
void mw_lua_lint_walk (MwLuaNode *node, MwLuaLintVisit enter, MwLuaLintVisit leave, gpointer data);

/* Walks a node list as mw_lua_lint_walk does, telling `visit` how many loops run each node
 * repeatedly: a `while` or `repeat` counts for its condition and body, a `for` for its body
 * only (its header runs once). A FUNCTION node is visited but not entered: each function is
 * walked as its own. `visit` returns FALSE to skip a node's children. */
typedef gboolean (*MwLuaLintLoopVisit) (MwLuaNode *node, guint loop_depth, gpointer data);
void mw_lua_lint_walk_loops (MwLuaNode *node, MwLuaLintLoopVisit visit, gpointer data);

typedef struct _MwLuaLintFinding MwLuaLintFinding;

/* Settles a finding that depends on other files once all are gathered: FALSE drops it; it may
 * rewrite the message and bytes. */
typedef gboolean (*MwLuaLintSettle) (MwLuaLintRun *run, MwLuaLintFinding *f);

struct _MwLuaLintFinding
{
  MwLuaDiagnostic *diag;
  char *name; /* the variable or global concerned, for ignore patterns */
  MwLuaLintSettle settle; /* NULL: final as it is */
  gpointer settle_data;
  GDestroyNotify settle_free;
};

/* Makes `f` depend on what other files do (the tree may be gone when `settle` runs). */
void mw_lua_lint_finding_defer (MwLuaLintFinding *f, MwLuaLintSettle settle, gpointer data,
                                GDestroyNotify data_free);

/* Modules: a file with base name `basename` is linted (its tree at hand now); some `require`
 * names `basename`; the bytes a linted module's functions keep (-1: not linted, or unknown),
 * once the run is finished. */
void mw_lua_lint_module_seen (MwLuaLintRun *run, const char *basename, MwLuaTree *tree);
void mw_lua_lint_module_wanted (MwLuaLintRun *run, const char *basename);
gint64 mw_lua_lint_module_bytes (MwLuaLintRun *run, const char *basename);

/* Ignore patterns and inline options (mw-lua-lint-inline.c), as luacheck reads them */
MwLuaLintPattern *mw_lua_lint_pattern_new (const char *text);
void mw_lua_lint_pattern_free (MwLuaLintPattern *pattern);
gboolean mw_lua_lint_pattern_match (const MwLuaLintPattern *pattern, const MwLuaLintFinding *f);
void mw_lua_lint_inline_parse (MwLuaLintFile *file);
void mw_lua_lint_inline_free (MwLuaLintInline *in);
/* FALSE when the inline options on the finding's line, then `ignore` (MwLuaLintPattern*, the
 * options' list), drop it */
gboolean mw_lua_lint_inline_passes (MwLuaLintFile *file, const MwLuaLintFinding *f,
                                    GPtrArray *ignore);
/* the std sets in force at `token` (`-- luacheck: std ...` may change them) */
guint mw_lua_lint_file_std (MwLuaLintFile *file, guint token);

/* Adds a finding at token `token`; `bytes` -1 when not estimable. */
MwLuaLintFinding *mw_lua_lint_report (MwLuaLintFile *file, const char *code, guint token,
                                      const char *name, gint64 bytes, const char *format, ...)
  G_GNUC_PRINTF (6, 7);

/* The heap the functions of `func` (it and its nested functions: Protos, code, constants,
 * strings, debug info) take on the board once loaded, from the shared RAM estimate; -1 when
 * the file does not compile here. */
gint64 mw_lua_lint_function_bytes (MwLuaLintRun *run, MwLuaTree *tree, MwLuaFunction *func);

/* Known globals (mw-lua-lint-std.c) */
gboolean mw_lua_lint_std_has (guint std_sets, const char *name);
/* For a firmware module or sub-table with a known field list: TRUE if `field` is one of them;
 * modules without a list, and open tables (node.LFS), accept any field. */
gboolean mw_lua_lint_std_has_field (guint std_sets, const char *module, const char *field);
gboolean mw_lua_lint_std_is_module (guint std_sets, const char *name);
/* The 3.0 module that replaced an older firmware's module `name` (for W113's message), or NULL */
const char *mw_lua_lint_std_replaced (const char *name);
/* What replaced a field older firmware had (for W143's message), or NULL */
const char *mw_lua_lint_std_moved (const char *module, const char *field);

/* Node helpers (mw-lua-linter.c) */
/* `node` is NAME of global `name` */
gboolean mw_lua_lint_is_global (MwLuaLintFile *file, const MwLuaNode *node, const char *name);
/* `node` is `module.field` with module a global */
gboolean mw_lua_lint_is_global_field (MwLuaLintFile *file, const MwLuaNode *node,
                                      const char *module, const char *field);
char *mw_lua_lint_token_string (MwLuaLintFile *file, guint token);
/* the value of a STRING node, or NULL */
char *mw_lua_lint_string_value (MwLuaLintFile *file, const MwLuaNode *node);

/* Rule families: each walks the tree once. */
void mw_lua_lint_gather (MwLuaLintRun *run, MwLuaTree *tree);
void mw_lua_lint_globals (MwLuaLintFile *file);
void mw_lua_lint_closures (MwLuaLintFile *file);
void mw_lua_lint_hazards (MwLuaLintFile *file);
void mw_lua_lint_general (MwLuaLintFile *file);

G_END_DECLS
