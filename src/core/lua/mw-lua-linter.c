/* mw-lua-linter.c: options, the run over several trees, inline directives and ignore rules.
 *
 * The rules live in one file per family (mw-lua-lint-globals.c, -closures.c, -hazards.c,
 * -general.c); this file gathers cross-file facts first, runs the families on each tree, then
 * drops what the options and inline comments ignore and sorts by position.
 */
#include "mw-lua-lint-private.h"

#include <stdarg.h>

#include "mw-lua-codegen.h"
#include "mw-lua-compiler.h"
#include "mw-lua-ram-estimate.h"
#include <string.h>

G_DEFINE_QUARK (mw - lua - lint - error - quark, mw_lua_lint_error)

/* codes, as docs/lint.md documents them */

/* one list for both tables below */
#define CODE_LIST(X) \
  X (MW_LUA_CODE_SYNTAX, "syntax error") \
  X (MW_LUA_CODE_FIRMWARE_LOCALS, "more than 50 locals in a function (firmware limit)") \
  X (MW_LUA_CODE_FIRMWARE_UPVALS, "more than 60 upvalues in a function") \
  X (MW_LUA_LINT_GLOBAL_KEPT, "global set and never set back to nil, or set inside a function") \
  X (MW_LUA_LINT_GLOBAL_MUTATED, "field of a global that is never set, set") \
  X (MW_LUA_LINT_GLOBAL_UNDEFINED, "global read, never set, not standard") \
  X (MW_LUA_LINT_MODULE_KEPT, "required module stays in package.loaded") \
  X (MW_LUA_LINT_FIELD_UNDEFINED, "unknown field of a firmware module") \
  X (MW_LUA_LINT_UNUSED_LOCAL, "unused local variable") \
  X (MW_LUA_LINT_UNUSED_PARAM, "unused argument") \
  X (MW_LUA_LINT_UNUSED_LOOP_VAR, "unused loop variable") \
  X (MW_LUA_LINT_SET_NEVER_READ, "local variable set but never read") \
  X (MW_LUA_LINT_REDEFINED_LOCAL, "local variable redefined in the same block") \
  X (MW_LUA_LINT_REDEFINED_ARG, "argument redefined in the same block") \
  X (MW_LUA_LINT_REDEFINED_LOOP_VAR, "loop variable redefined in the same block") \
  X (MW_LUA_LINT_SHADOW_LOCAL, "local shadowing a local variable") \
  X (MW_LUA_LINT_SHADOW_ARG, "local shadowing an argument") \
  X (MW_LUA_LINT_SHADOW_LOOP_VAR, "local shadowing a loop variable") \
  X (MW_LUA_LINT_SHADOW_UPVALUE, "local shadowing an upvalue") \
  X (MW_LUA_LINT_SHADOW_UPVALUE_ARG, "local shadowing an upvalue argument") \
  X (MW_LUA_LINT_SHADOW_UPVALUE_LOOP_VAR, "local shadowing an upvalue loop variable") \
  X (MW_LUA_LINT_UNREACHABLE, "unreachable code") \
  X (MW_LUA_LINT_MANY_UPVALUES, "closure with many upvalues") \
  X (MW_LUA_LINT_CLOSURE_IN_LOOP, "closure created inside a loop") \
  X (MW_LUA_LINT_CALLBACK_SELF, "callback captures the object it is registered on") \
  X (MW_LUA_LINT_TMR_DELAY, "tmr.delay() blocks the system") \
  X (MW_LUA_LINT_SEVERAL_SENDS, "several :send() in one callback") \
  X (MW_LUA_LINT_AFTER_RESTART, "statements after node.restart()") \
  X (MW_LUA_LINT_CONCAT_IN_LOOP, "string grown by concatenation in a loop") \
  X (MW_LUA_LINT_STATIC_TIMER, "removed static timer API") \
  X (MW_LUA_LINT_INIT_NO_DELAY, "init.lua without a delay window") \
  X (MW_LUA_LINT_DEVICE_COMPILE, "node.compile() on the device")

static const struct
{
  const char *code;
  const char *title;
} code_titles[] = {
#define TITLE(code, title) { code, title },
  CODE_LIST (TITLE)
#undef TITLE
};

static const char *const all_codes[] = {
#define CODE(code, title) code,
  CODE_LIST (CODE)
#undef CODE
    NULL
};

const char *const *
mw_lua_lint_get_codes (void)
{
  return all_codes;
}

const char *
mw_lua_lint_code_title (const char *code)
{
  g_return_val_if_fail (code != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (code_titles); i++)
    if (strcmp (code_titles[i].code, code) == 0)
      return code_titles[i].title;
  return NULL;
}

/* options */

MwLuaLintOptions *
mw_lua_lint_options_new (void)
{
  MwLuaLintOptions *o = g_new0 (MwLuaLintOptions, 1);

  o->std_sets = MW_LUA_LINT_SET_NODEMCU;
  o->globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  o->read_globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  o->ignore = g_ptr_array_new_with_free_func (g_free);
  o->max_upvalues = MW_LUA_LINT_DEFAULT_MAX_UPVALUES;
  o->number_type = MW_LUA_TARGET_FLOAT;
  return o;
}

MwLuaLintOptions *
mw_lua_lint_options_copy (const MwLuaLintOptions *options)
{
  MwLuaLintOptions *o;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (options != NULL, NULL);

  o = mw_lua_lint_options_new ();
  o->std_sets = options->std_sets;
  o->max_upvalues = options->max_upvalues;
  o->number_type = options->number_type;
  g_hash_table_iter_init (&iter, options->globals);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    mw_lua_lint_options_add_global (o, key);
  g_hash_table_iter_init (&iter, options->read_globals);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    mw_lua_lint_options_add_read_global (o, key);
  for (guint i = 0; i < options->ignore->len; i++)
    mw_lua_lint_options_add_ignore (o, options->ignore->pdata[i]);
  return o;
}

void
mw_lua_lint_options_free (MwLuaLintOptions *options)
{
  if (options == NULL)
    return;
  g_hash_table_unref (options->globals);
  g_hash_table_unref (options->read_globals);
  g_ptr_array_unref (options->ignore);
  g_free (options);
}

gboolean
mw_lua_lint_options_set_std (MwLuaLintOptions *options, const char *std, GError **error)
{
  /* luacheck's std names map to the nearest set: anything desktop is lua51 */
  static const char *const desktop[] = { "lua51",    "lua51c",  "max",    "luajit",   "lua52",
                                         "lua52c",   "lua53",   "lua53c", "lua54",    "lua54c",
                                         "busted",   "ngx_lua", "love",   "rockspec", "luacheckrc",
                                         "playdate", NULL };
  g_auto (GStrv) parts = NULL;
  guint sets = 0;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (std != NULL, FALSE);

  parts = g_strsplit (std, "+", -1);
  for (char **p = parts; *p; p++)
    {
      gboolean known = FALSE;

      if (strcmp (*p, "nodemcu") == 0)
        {
          sets |= MW_LUA_LINT_SET_NODEMCU;
          continue;
        }
      if (strcmp (*p, "min") == 0 || strcmp (*p, "none") == 0 || **p == '\0')
        continue;
      for (const char *const *d = desktop; *d; d++)
        known |= strcmp (*d, *p) == 0;
      if (!known)
        {
          g_set_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_OPTION,
                       "unknown std '%s' (use nodemcu, lua51 or min)", *p);
          return FALSE;
        }
      sets |= MW_LUA_LINT_SET_LUA51;
    }
  /* luacheck's "+name" adds to the current std instead of replacing it */
  if (std[0] == '+')
    sets |= options->std_sets;
  options->std_sets = sets;
  return TRUE;
}

MwLuaLintStd
mw_lua_lint_options_get_std (const MwLuaLintOptions *options)
{
  g_return_val_if_fail (options != NULL, MW_LUA_LINT_STD_NODEMCU);
  if (options->std_sets & MW_LUA_LINT_SET_NODEMCU)
    return MW_LUA_LINT_STD_NODEMCU;
  return options->std_sets ? MW_LUA_LINT_STD_LUA51 : MW_LUA_LINT_STD_MIN;
}

void
mw_lua_lint_options_add_global (MwLuaLintOptions *options, const char *name)
{
  g_return_if_fail (options != NULL && name != NULL);
  g_hash_table_add (options->globals, g_strdup (name));
}

void
mw_lua_lint_options_add_read_global (MwLuaLintOptions *options, const char *name)
{
  g_return_if_fail (options != NULL && name != NULL);
  g_hash_table_add (options->read_globals, g_strdup (name));
}

void
mw_lua_lint_options_add_ignore (MwLuaLintOptions *options, const char *pattern)
{
  g_return_if_fail (options != NULL && pattern != NULL);
  g_ptr_array_add (options->ignore, g_strdup (pattern));
}

void
mw_lua_lint_options_set_max_upvalues (MwLuaLintOptions *options, guint max_upvalues)
{
  g_return_if_fail (options != NULL);
  options->max_upvalues = max_upvalues;
}

void
mw_lua_lint_options_set_number_type (MwLuaLintOptions *options, MwLuaNumberType number_type)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (number_type <= MW_LUA_TARGET_INTEGER);
  options->number_type = number_type;
}

/* helpers shared by the rule families */

void
mw_lua_lint_walk (MwLuaNode *node, MwLuaLintVisit enter, MwLuaLintVisit leave, gpointer data)
{
  for (MwLuaNode *n = node; n != NULL; n = n->next)
    {
      if (enter == NULL || enter (n, data))
        {
          for (guint k = 0; k < G_N_ELEMENTS (n->kids); k++)
            if (n->kids[k] != NULL)
              mw_lua_lint_walk (n->kids[k], enter, leave, data);
          if ((n->kind == MW_LUA_NODE_NUMFOR || n->kind == MW_LUA_NODE_GENFOR) && n->u.body != NULL)
            mw_lua_lint_walk (n->u.body, enter, leave, data);
        }
      if (leave != NULL)
        leave (n, data);
    }
}

static void
walk_loops (MwLuaNode *node, guint depth, MwLuaLintLoopVisit visit, gpointer data)
{
  for (MwLuaNode *n = node; n != NULL; n = n->next)
    {
      gboolean loop = n->kind == MW_LUA_NODE_WHILE || n->kind == MW_LUA_NODE_REPEAT;

      if (!visit (n, depth, data) || n->kind == MW_LUA_NODE_FUNCTION)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (n->kids); k++)
        if (n->kids[k] != NULL)
          walk_loops (n->kids[k], loop ? depth + 1 : depth, visit, data);
      if ((n->kind == MW_LUA_NODE_NUMFOR || n->kind == MW_LUA_NODE_GENFOR) && n->u.body != NULL)
        walk_loops (n->u.body, depth + 1, visit, data);
    }
}

void
mw_lua_lint_walk_loops (MwLuaNode *node, MwLuaLintLoopVisit visit, gpointer data)
{
  walk_loops (node, 0, visit, data);
}

static gboolean
token_is (MwLuaLintFile *file, guint token, const char *text)
{
  gsize len;
  const char *s = mw_lua_tree_token_text (file->tree, token, &len);
  return s != NULL && len == strlen (text) && memcmp (s, text, len) == 0;
}

gboolean
mw_lua_lint_is_global (MwLuaLintFile *file, const MwLuaNode *node, const char *name)
{
  return node != NULL && node->kind == MW_LUA_NODE_NAME && node->u.var == NULL
         && token_is (file, node->token, name);
}

gboolean
mw_lua_lint_is_global_field (MwLuaLintFile *file, const MwLuaNode *node, const char *module,
                             const char *field)
{
  if (node == NULL || node->kind != MW_LUA_NODE_INDEX
      || !mw_lua_lint_is_global (file, node->kids[0], module))
    return FALSE;
  if (node->flags & MW_LUA_NODE_FLAG_DOT)
    return token_is (file, node->token, field);
  if (node->kids[1] != NULL && node->kids[1]->kind == MW_LUA_NODE_STRING)
    {
      g_autofree char *s = mw_lua_lint_string_value (file, node->kids[1]);
      return strcmp (s, field) == 0;
    }
  return FALSE;
}

char *
mw_lua_lint_token_string (MwLuaLintFile *file, guint token)
{
  gsize len;
  const char *s = mw_lua_tree_token_text (file->tree, token, &len);
  return g_strndup (s, len);
}

char *
mw_lua_lint_string_value (MwLuaLintFile *file, const MwLuaNode *node)
{
  GString *out;
  gsize len;

  if (node == NULL || node->kind != MW_LUA_NODE_STRING)
    return NULL;
  out = g_string_new (NULL);
  mw_lua_token_decode_string (mw_lua_tree_get_source (file->tree, &len), &file->toks[node->token],
                              out);
  return g_string_free (out, FALSE);
}

MwLuaLintFinding *
mw_lua_lint_report (MwLuaLintFile *file, const char *code, guint token, const char *name,
                    gint64 bytes, const char *format, ...)
{
  MwLuaLintFinding *f = g_new0 (MwLuaLintFinding, 1);
  const MwLuaToken *t = &file->toks[MIN (token, file->n_toks - 1)];
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  f->diag = mw_lua_diagnostic_new (*code == 'E' ? MW_LUA_SEVERITY_ERROR : MW_LUA_SEVERITY_WARNING,
                                   code, t->line, t->column, message);
  f->diag->end_line = t->end_line;
  f->diag->end_column = t->end_line == t->line ? t->column + t->length : 0;
  f->diag->bytes = bytes;
  f->name = g_strdup (name);
  g_ptr_array_add (file->findings, f);
  return f;
}

void
mw_lua_lint_finding_defer (MwLuaLintFinding *f, MwLuaLintSettle settle, gpointer data,
                           GDestroyNotify data_free)
{
  f->settle = settle;
  f->settle_data = data;
  f->settle_free = data_free;
}

static void
finding_free (gpointer data)
{
  MwLuaLintFinding *f = data;
  mw_lua_diagnostic_free (f->diag);
  g_free (f->name);
  if (f->settle_free != NULL)
    f->settle_free (f->settle_data);
  g_free (f);
}

/* byte figures from the RAM estimate of the bytecode (the model `moonwire-cli ram` uses) */

static MwLuaRamEstimate *
tree_estimate (MwLuaLintRun *run, MwLuaTree *tree)
{
  g_autoptr (MwLuaChunk) full = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  MwLuaRamEstimate *estimate = NULL;

  if (g_hash_table_lookup_extended (run->estimates, tree, NULL, (gpointer *) &estimate))
    return estimate;
  /* the code generator on the tree at hand; desktop limits, so that a function over the
   * firmware's 50 locals (reported on its own) still gets a figure */
  full =
    mw_lua_codegen_generate (tree, run->options->number_type, MW_LUA_CODEGEN_DESKTOP_LIMITS, NULL);
  if (full != NULL)
    chunk = mw_lua_chunk_strip (full, MW_LUA_STRIP_NAMES);
  if (chunk != NULL)
    {
      estimate = mw_lua_ram_estimate_new (chunk, run->options->number_type);
      if (estimate->functions->len != mw_lua_tree_get_functions (tree)->len)
        g_clear_pointer (&estimate, mw_lua_ram_estimate_free);
    }
  g_hash_table_insert (run->estimates, tree, estimate);
  return estimate;
}

gint64
mw_lua_lint_function_bytes (MwLuaLintRun *run, MwLuaTree *tree, MwLuaFunction *func)
{
  MwLuaRamEstimate *estimate = tree_estimate (run, tree);
  GPtrArray *funcs = mw_lua_tree_get_functions (tree);
  gint64 total = 0;
  guint i;

  if (estimate == NULL)
    return -1;
  for (i = 0; i < funcs->len && funcs->pdata[i] != func; i++)
    ;
  if (i == funcs->len)
    return -1;
  /* the function and its nested ones: they follow it in pre-order */
  for (guint j = i; j < funcs->len; j++)
    {
      MwLuaFunction *f = funcs->pdata[j];
      gboolean inside = FALSE;

      for (MwLuaFunction *a = f; a != NULL && !inside; a = a->parent)
        inside = a == func;
      if (!inside)
        break;
      total += g_array_index (estimate->functions, MwLuaRamFunction, j).total;
    }
  return total;
}

/* the run */

static int
compare_diag (const MwLuaDiagnostic *x, const MwLuaDiagnostic *y)
{
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->column != y->column)
    return x->column < y->column ? -1 : 1;
  return strcmp (x->code, y->code);
}

static int
compare_findings (gconstpointer a, gconstpointer b)
{
  return compare_diag ((*(MwLuaLintFinding *const *) a)->diag,
                       (*(MwLuaLintFinding *const *) b)->diag);
}

/* modules */

/* what a module's functions keep once it has run (its main function is garbage then) */
static gint64
tree_module_bytes (MwLuaLintRun *run, MwLuaTree *tree)
{
  MwLuaFunction *main_func = mw_lua_tree_get_main (tree);
  gint64 all = mw_lua_lint_function_bytes (run, tree, main_func);
  gint64 own = 0;

  for (guint c = 0; all >= 0 && c < main_func->children->len; c++)
    own += mw_lua_lint_function_bytes (run, tree, main_func->children->pdata[c]);
  return all >= 0 && own > 0 ? own : -1;
}

static void
module_bytes_set (MwLuaLintRun *run, const char *basename, gint64 bytes)
{
  gint64 *b = g_new (gint64, 1);
  *b = bytes;
  g_hash_table_insert (run->module_bytes, g_strdup (basename), b);
}

void
mw_lua_lint_module_seen (MwLuaLintRun *run, const char *basename, MwLuaTree *tree)
{
  g_hash_table_insert (run->module_files, g_strdup (basename), GUINT_TO_POINTER (run->current + 1));
  g_hash_table_remove (run->module_bytes, basename);
  /* required by a file before: its figure now, while its tree is at hand */
  if (g_hash_table_contains (run->wanted_modules, basename))
    module_bytes_set (run, basename, tree_module_bytes (run, tree));
}

void
mw_lua_lint_module_wanted (MwLuaLintRun *run, const char *basename)
{
  g_hash_table_add (run->wanted_modules, g_strdup (basename));
}

gint64
mw_lua_lint_module_bytes (MwLuaLintRun *run, const char *basename)
{
  gint64 *b = g_hash_table_lookup (run->module_bytes, basename);
  return b != NULL ? *b : -1;
}

/* the linter */

struct _MwLuaLinter
{
  MwLuaLintOptions *options;
  MwLuaLintRun run;
  GPtrArray *patterns; /* MwLuaLintPattern*: the options' ignore list */
  GPtrArray *files; /* per file: GPtrArray of MwLuaLintFinding*, sorted */
};

MwLuaLinter *
mw_lua_linter_new (const MwLuaLintOptions *options)
{
  MwLuaLinter *l = g_new0 (MwLuaLinter, 1);
  MwLuaLintRun *run = &l->run;

  l->options = options ? mw_lua_lint_options_copy (options) : mw_lua_lint_options_new ();
  run->options = l->options;
  run->ram = mw_lua_ram_model_get (l->options->number_type);
  run->set_globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->cleared_globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->top_globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->cleared_modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->volatile_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->module_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->wanted_modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->module_bytes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run->estimates =
    g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) mw_lua_ram_estimate_free);
  l->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_lint_pattern_free);
  for (guint i = 0; i < l->options->ignore->len; i++)
    g_ptr_array_add (l->patterns, mw_lua_lint_pattern_new (l->options->ignore->pdata[i]));
  l->files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return l;
}

void
mw_lua_linter_free (MwLuaLinter *l)
{
  MwLuaLintRun *run;

  if (l == NULL)
    return;
  run = &l->run;
  g_hash_table_unref (run->set_globals);
  g_hash_table_unref (run->cleared_globals);
  g_hash_table_unref (run->top_globals);
  g_hash_table_unref (run->cleared_modules);
  g_hash_table_unref (run->volatile_files);
  g_hash_table_unref (run->module_files);
  g_hash_table_unref (run->wanted_modules);
  g_hash_table_unref (run->module_bytes);
  g_hash_table_unref (run->estimates);
  g_ptr_array_unref (l->patterns);
  g_ptr_array_unref (l->files);
  mw_lua_lint_options_free (l->options);
  g_free (l);
}

void
mw_lua_linter_add (MwLuaLinter *l, MwLuaTree *tree)
{
  MwLuaLintRun *run;
  MwLuaLintFile file = { 0 };
  GPtrArray *tree_diags;
  GPtrArray *kept = g_ptr_array_new_with_free_func (finding_free);

  g_return_if_fail (l != NULL && tree != NULL);

  run = &l->run;
  run->current = l->files->len;
  tree_diags = mw_lua_tree_get_diagnostics (tree);
  file.run = run;
  file.tree = tree;
  file.toks = mw_lua_tree_get_tokens (tree, &file.n_toks);
  file.findings = g_ptr_array_new_with_free_func (finding_free);
  file.reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* the front end's own findings are never ignored: they are hard errors */
  for (guint i = 0; i < tree_diags->len; i++)
    {
      MwLuaLintFinding *f = g_new0 (MwLuaLintFinding, 1);

      f->diag = mw_lua_diagnostic_copy (tree_diags->pdata[i]);
      /* Lua's parser raises the 60-upvalue limit as a syntax error; it is a hard limit of the
       * firmware (the same as desktop Lua's), so it gets the firmware-limit code */
      if (strcmp (f->diag->code, MW_LUA_CODE_SYNTAX) == 0 && strstr (f->diag->message, " upvalues")
          && g_str_has_prefix (f->diag->message, "function at line "))
        {
          g_free (f->diag->code);
          f->diag->code = g_strdup (MW_LUA_CODE_FIRMWARE_UPVALS);
        }
      g_ptr_array_add (kept, f);
    }

  if (mw_lua_tree_get_root (tree) != NULL)
    {
      mw_lua_lint_gather (run, tree);
      mw_lua_lint_inline_parse (&file);
      mw_lua_lint_globals (&file);
      mw_lua_lint_closures (&file);
      mw_lua_lint_hazards (&file);
      mw_lua_lint_general (&file);
    }

  /* inline options and ignore patterns need the tree: applied now */
  for (guint i = 0; i < file.findings->len; i++)
    if (mw_lua_lint_inline_passes (&file, file.findings->pdata[i], l->patterns))
      g_ptr_array_add (kept, g_ptr_array_steal_index_fast (file.findings, i--));
  g_ptr_array_sort (kept, compare_findings);
  g_ptr_array_add (l->files, kept);

  g_ptr_array_unref (file.findings);
  g_hash_table_unref (file.reported);
  mw_lua_lint_inline_free (file.inline_options);
  g_hash_table_remove (run->estimates, tree);
}

GPtrArray *
mw_lua_linter_finish (MwLuaLinter *l, MwLuaLinterReopen reopen, gpointer data)
{
  MwLuaLintRun *run;
  GPtrArray *result;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (l != NULL, NULL);

  run = &l->run;
  /* module figures for modules linted before a file required them: their trees again */
  g_hash_table_iter_init (&iter, run->wanted_modules);
  while (reopen != NULL && g_hash_table_iter_next (&iter, &key, NULL))
    {
      MwLuaTree *tree;

      value = g_hash_table_lookup (run->module_files, key);
      if (value == NULL || g_hash_table_contains (run->module_bytes, key))
        continue;
      tree = reopen (GPOINTER_TO_UINT (value) - 1, data);
      module_bytes_set (run, key, tree != NULL ? tree_module_bytes (run, tree) : -1);
      if (tree != NULL)
        g_hash_table_remove (run->estimates, tree);
      g_clear_pointer (&tree, mw_lua_tree_unref);
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < l->files->len; i++)
    {
      GPtrArray *findings = l->files->pdata[i];
      GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_diagnostic_free);

      for (guint f = 0; f < findings->len; f++)
        {
          MwLuaLintFinding *finding = findings->pdata[f];

          if (finding->settle == NULL || finding->settle (run, finding))
            g_ptr_array_add (out, g_steal_pointer (&finding->diag));
        }
      g_ptr_array_add (result, out);
    }
  g_ptr_array_set_size (l->files, 0);
  return result;
}

static MwLuaTree *
reopen_from_array (guint index, gpointer data)
{
  return mw_lua_tree_ref (((MwLuaTree *const *) data)[index]);
}

GPtrArray *
mw_lua_lint (MwLuaTree *const *trees, guint n_trees, const MwLuaLintOptions *options)
{
  g_autoptr (MwLuaLinter) linter = NULL;

  g_return_val_if_fail (trees != NULL || n_trees == 0, NULL);

  linter = mw_lua_linter_new (options);
  for (guint i = 0; i < n_trees; i++)
    mw_lua_linter_add (linter, trees[i]);
  return mw_lua_linter_finish (linter, reopen_from_array, (gpointer) trees);
}

GPtrArray *
mw_lua_lint_tree (MwLuaTree *tree, const MwLuaLintOptions *options)
{
  g_autoptr (GPtrArray) all = NULL;

  g_return_val_if_fail (tree != NULL, NULL);

  all = mw_lua_lint (&tree, 1, options);
  return g_ptr_array_ref (all->pdata[0]);
}

GHashTable *
mw_lua_lint_collect_globals (MwLuaTree *tree)
{
  GHashTable *uses = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *refs;

  g_return_val_if_fail (tree != NULL, NULL);

  refs = mw_lua_tree_get_globals (tree);
  for (guint i = 0; i < refs->len; i++)
    {
      const MwLuaGlobalRef *ref = &g_array_index (refs, MwLuaGlobalRef, i);
      guint use = GPOINTER_TO_UINT (g_hash_table_lookup (uses, ref->name));

      use |= ref->write ? MW_LUA_LINT_GLOBAL_WRITE : MW_LUA_LINT_GLOBAL_READ;
      g_hash_table_insert (uses, (gpointer) ref->name, GUINT_TO_POINTER (use));
    }
  return uses;
}
