/* mw-lua-linter.c: options, the run over several trees, inline directives and ignore rules.
 *
 * The rules live in one file per family (mw-lua-lint-globals.c, -closures.c, -hazards.c,
 * -general.c); this file gathers cross-file facts first, runs the families on each tree, then
 * drops what the options and inline comments ignore and sorts by position.
 */
#include "mw-lua-lint-private.h"

#include <stdarg.h>

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

void
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
  f->offset = t->offset;
  f->name = g_strdup (name);
  g_ptr_array_add (file->findings, f);
}

static void
finding_free (gpointer data)
{
  MwLuaLintFinding *f = data;
  mw_lua_diagnostic_free (f->diag);
  g_free (f->name);
  g_free (f);
}

/* byte figures from the RAM estimate of the bytecode (the model `moonwire-cli ram` uses) */

static MwLuaRamEstimate *
tree_estimate (MwLuaLintRun *run, MwLuaTree *tree)
{
  g_autoptr (MwLuaChunk) chunk = NULL;
  MwLuaRamEstimate *estimate = NULL;
  gsize len;
  const char *src;
  guint32 skip;

  if (g_hash_table_lookup_extended (run->estimates, tree, NULL, (gpointer *) &estimate))
    return estimate;
  /* liblua does not skip a `#!` line as loadfile does: leave it out (lines do not matter,
   * functions are matched in pre-order) */
  src = mw_lua_tree_get_source (tree, &len);
  skip = MIN (mw_lua_tree_get_shebang_length (tree), len);
  chunk = mw_lua_compiler_compile (mw_lua_tree_get_chunkname (tree), src + skip, len - skip,
                                   run->options->number_type, MW_LUA_STRIP_NAMES, NULL);
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

/* ignore patterns, as luacheck reads them */

typedef struct
{
  char *code; /* digits prefix, or NULL for any code */
  GRegex *name; /* anchored, or NULL for any name */
} IgnorePattern;

static void
ignore_pattern_free (gpointer data)
{
  IgnorePattern *p = data;
  g_free (p->code);
  g_clear_pointer (&p->name, g_regex_unref);
  g_free (p);
}

static gboolean
is_code_pattern (const char *s)
{
  if (*s == 'W' || *s == 'E' || *s == 'w' || *s == 'e')
    s++;
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* a Lua pattern (the subset names need) as an anchored GRegex */
static GRegex *
lua_pattern_to_regex (const char *pattern)
{
  g_autoptr (GString) re = g_string_new ("^(?:");

  for (const char *s = pattern; *s; s++)
    {
      if (*s == '%' && s[1] != '\0')
        {
          s++;
          switch (*s)
            {
              case 'a':
                g_string_append (re, "[A-Za-z]");
                break;
              case 'd':
                g_string_append (re, "[0-9]");
                break;
              case 'l':
                g_string_append (re, "[a-z]");
                break;
              case 'u':
                g_string_append (re, "[A-Z]");
                break;
              case 's':
                g_string_append (re, "\\s");
                break;
              case 'w':
                g_string_append (re, "[A-Za-z0-9]");
                break;
              case 'x':
                g_string_append (re, "[0-9A-Fa-f]");
                break;
              case 'p':
                g_string_append (re, "[[:punct:]]");
                break;
              default:
                g_string_append_c (re, '\\');
                g_string_append_c (re, *s);
            }
        }
      else if (*s == '-')
        g_string_append (re, "*?");
      else if (strchr ("(){}|\\", *s))
        {
          g_string_append_c (re, '\\');
          g_string_append_c (re, *s);
        }
      else
        g_string_append_c (re, *s);
    }
  g_string_append (re, ")$");
  return g_regex_new (re->str, G_REGEX_OPTIMIZE, 0, NULL);
}

static IgnorePattern *
ignore_pattern_new (const char *text)
{
  IgnorePattern *p = g_new0 (IgnorePattern, 1);
  const char *slash = strchr (text, '/');
  g_autofree char *code = slash ? g_strndup (text, slash - text) : NULL;
  const char *name = slash ? slash + 1 : NULL;

  if (slash == NULL)
    {
      if (is_code_pattern (text))
        code = g_strdup (text);
      else
        name = text;
    }
  if (code != NULL && *code != '\0')
    p->code = g_strdup (g_ascii_isdigit (*code) ? code : code + 1);
  if (name != NULL && *name != '\0')
    {
      p->name = lua_pattern_to_regex (name);
      if (p->name == NULL) /* a pattern GRegex cannot take matches nothing */
        {
          g_free (p->code);
          p->code = g_strdup ("never");
        }
    }
  return p;
}

static gboolean
ignore_pattern_match (const IgnorePattern *p, const MwLuaLintFinding *f)
{
  if (p->code != NULL && !g_str_has_prefix (f->diag->code + 1, p->code))
    return FALSE;
  if (p->name != NULL && (f->name == NULL || !g_regex_match (p->name, f->name, 0, NULL)))
    return FALSE;
  return TRUE;
}

/* inline directives */

static void
directive_clear (gpointer data)
{
  MwLuaLintDirective *d = data;
  g_ptr_array_unref (d->args);
  g_clear_pointer (&d->patterns, g_ptr_array_unref);
}

static void
parse_directives (MwLuaLintFile *file)
{
  guint n_comments;
  const MwLuaComment *comments = mw_lua_tree_get_comments (file->tree, &n_comments);
  GPtrArray *funcs = mw_lua_tree_get_functions (file->tree);
  gsize src_len;
  const char *src = mw_lua_tree_get_source (file->tree, &src_len);
  g_autoptr (GArray) pushed = g_array_new (FALSE, FALSE, sizeof (guint));
  guint tok = 0;

  for (guint c = 0; c < n_comments; c++)
    {
      const MwLuaComment *cm = &comments[c];
      g_autofree char *text = NULL;
      g_auto (GStrv) clauses = NULL;
      const char *body;
      gboolean own_line = TRUE;
      guint32 end = (guint32) src_len;
      guint32 inner = 0;

      if (cm->level >= 0)
        continue;
      text = g_strndup (src + cm->offset + 2, cm->length - 2);
      body = g_strstrip (text);
      if (g_str_has_prefix (body, "luacheck:"))
        body += strlen ("luacheck:");
      else if (g_str_has_prefix (body, "moonwire:"))
        body += strlen ("moonwire:");
      else
        continue;
      /* a second comment after the directive (`-- luacheck: ignore -- why`) is not part of
       * it */
      {
        char *more = strstr (body, "--");
        if (more != NULL)
          *more = '\0';
      }

      /* code before the comment on its line: the directive covers that line only */
      while (tok + 1 < file->n_toks && file->toks[tok + 1].offset < cm->offset)
        tok++;
      if (file->n_toks > 0 && file->toks[tok].offset < cm->offset
          && file->toks[tok].end_line == cm->line)
        own_line = FALSE;
      /* else the rest of the innermost function around it */
      for (guint i = 0; i < funcs->len; i++)
        {
          MwLuaFunction *f = funcs->pdata[i];
          if (f->parent == NULL)
            continue;
          if (file->toks[f->first_token].offset < cm->offset
              && file->toks[f->last_token].offset > cm->offset
              && file->toks[f->first_token].offset >= inner)
            {
              inner = file->toks[f->first_token].offset;
              end = file->toks[f->last_token].offset;
            }
        }

      clauses = g_strsplit (body, ",", -1);
      for (char **cl = clauses; *cl; cl++)
        {
          g_auto (GStrv) all_words = g_strsplit_set (g_strstrip (*cl), " \t", -1);
          char **words = all_words;
          MwLuaLintDirective d = { 0 };
          guint w = 1;

          /* `push` opens a region that the matching `pop` closes: what follows `push` (on
           * its line or in later comments) ends there */
          if (words[0] != NULL && strcmp (words[0], "push") == 0)
            {
              guint mark = file->directives->len;
              g_array_append_val (pushed, mark);
              words++;
            }
          else if (words[0] != NULL && strcmp (words[0], "pop") == 0)
            {
              if (pushed->len > 0)
                {
                  guint mark = g_array_index (pushed, guint, pushed->len - 1);
                  g_array_set_size (pushed, pushed->len - 1);
                  for (guint i = mark; i < file->directives->len; i++)
                    {
                      MwLuaLintDirective *o =
                        &g_array_index (file->directives, MwLuaLintDirective, i);
                      o->end = MIN (o->end, cm->offset);
                    }
                }
              continue;
            }
          if (words[0] == NULL)
            continue;
          if (strcmp (words[0], "ignore") == 0)
            d.kind = MW_LUA_LINT_DIRECTIVE_IGNORE;
          else if (strcmp (words[0], "globals") == 0 || strcmp (words[0], "new_globals") == 0)
            d.kind = MW_LUA_LINT_DIRECTIVE_GLOBALS;
          else if (strcmp (words[0], "read_globals") == 0
                   || strcmp (words[0], "new_read_globals") == 0)
            d.kind = MW_LUA_LINT_DIRECTIVE_READ_GLOBALS;
          else if (strcmp (words[0], "read") == 0 && words[1] && strcmp (words[1], "globals") == 0)
            {
              d.kind = MW_LUA_LINT_DIRECTIVE_READ_GLOBALS;
              w = 2;
            }
          else
            continue; /* std, unused, ...: not supported, harmless */
          d.args = g_ptr_array_new_with_free_func (g_free);
          d.patterns = g_ptr_array_new_with_free_func (ignore_pattern_free);
          for (char **a = words + w; *a; a++)
            if (**a != '\0')
              {
                g_ptr_array_add (d.args, g_strdup (*a));
                g_ptr_array_add (d.patterns, ignore_pattern_new (*a));
              }
          d.start = own_line ? cm->offset : file->toks[tok].offset;
          d.end = own_line ? end : cm->offset;
          /* a line-only directive covers its whole line */
          if (!own_line)
            {
              guint32 s = cm->offset;
              while (s > 0 && src[s - 1] != '\n' && src[s - 1] != '\r')
                s--;
              d.start = s;
            }
          g_array_append_val (file->directives, d);
        }
    }
}

gboolean
mw_lua_lint_file_declares (MwLuaLintFile *file, const char *name, guint token, gboolean reading)
{
  guint32 offset = file->toks[token].offset;

  for (guint i = 0; i < file->directives->len; i++)
    {
      const MwLuaLintDirective *d = &g_array_index (file->directives, MwLuaLintDirective, i);

      if (d->kind == MW_LUA_LINT_DIRECTIVE_IGNORE
          || (d->kind == MW_LUA_LINT_DIRECTIVE_READ_GLOBALS && !reading))
        continue;
      if (offset < d->start || offset > d->end)
        continue;
      for (guint a = 0; a < d->args->len; a++)
        if (strcmp (d->args->pdata[a], name) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
directive_ignores (MwLuaLintFile *file, const MwLuaLintFinding *f)
{
  for (guint i = 0; i < file->directives->len; i++)
    {
      const MwLuaLintDirective *d = &g_array_index (file->directives, MwLuaLintDirective, i);

      if (d->kind != MW_LUA_LINT_DIRECTIVE_IGNORE || f->offset < d->start || f->offset > d->end)
        continue;
      if (d->args->len == 0)
        return TRUE;
      for (guint a = 0; a < d->patterns->len; a++)
        if (ignore_pattern_match (d->patterns->pdata[a], f))
          return TRUE;
    }
  return FALSE;
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

static int
compare_diagnostics (gconstpointer a, gconstpointer b)
{
  return compare_diag (*(MwLuaDiagnostic *const *) a, *(MwLuaDiagnostic *const *) b);
}

static GPtrArray *
lint_file (MwLuaLintRun *run, MwLuaTree *tree, GPtrArray *patterns)
{
  MwLuaLintFile file = { 0 };
  GPtrArray *tree_diags = mw_lua_tree_get_diagnostics (tree);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_diagnostic_free);

  file.run = run;
  file.tree = tree;
  file.toks = mw_lua_tree_get_tokens (tree, &file.n_toks);
  file.findings = g_ptr_array_new_with_free_func (finding_free);
  file.reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  file.directives = g_array_new (FALSE, TRUE, sizeof (MwLuaLintDirective));
  g_array_set_clear_func (file.directives, directive_clear);

  /* the front end's own findings are never ignored: they are hard errors */
  for (guint i = 0; i < tree_diags->len; i++)
    {
      MwLuaDiagnostic *d = mw_lua_diagnostic_copy (tree_diags->pdata[i]);

      /* Lua's parser raises the 60-upvalue limit as a syntax error; it is a hard limit of the
       * firmware (the same as desktop Lua's), so it gets the firmware-limit code */
      if (strcmp (d->code, MW_LUA_CODE_SYNTAX) == 0 && strstr (d->message, " upvalues")
          && g_str_has_prefix (d->message, "function at line "))
        {
          g_free (d->code);
          d->code = g_strdup (MW_LUA_CODE_FIRMWARE_UPVALS);
        }
      g_ptr_array_add (out, d);
    }

  if (mw_lua_tree_get_root (tree) != NULL)
    {
      parse_directives (&file);
      mw_lua_lint_globals (&file);
      mw_lua_lint_closures (&file);
      mw_lua_lint_hazards (&file);
      mw_lua_lint_general (&file);
    }

  g_ptr_array_sort (file.findings, compare_findings);
  for (guint i = 0; i < file.findings->len; i++)
    {
      MwLuaLintFinding *f = file.findings->pdata[i];
      gboolean ignored = directive_ignores (&file, f);

      for (guint p = 0; p < patterns->len && !ignored; p++)
        ignored = ignore_pattern_match (patterns->pdata[p], f);
      if (!ignored)
        g_ptr_array_add (out, g_steal_pointer (&f->diag));
    }
  g_ptr_array_sort (out, compare_diagnostics);

  g_ptr_array_unref (file.findings);
  g_hash_table_unref (file.reported);
  g_array_unref (file.directives);
  return out;
}

GPtrArray *
mw_lua_lint (MwLuaTree *const *trees, guint n_trees, const MwLuaLintOptions *options)
{
  g_autoptr (MwLuaLintOptions) defaults = NULL;
  g_autoptr (GPtrArray) patterns = g_ptr_array_new_with_free_func (ignore_pattern_free);
  GPtrArray *result;
  MwLuaLintRun run = { 0 };

  g_return_val_if_fail (trees != NULL || n_trees == 0, NULL);

  if (options == NULL)
    options = defaults = mw_lua_lint_options_new ();
  run.options = options;
  run.ram = mw_lua_ram_model_get (options->number_type);
  run.set_globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.cleared_globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.top_globals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.cleared_modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.volatile_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.module_trees = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.estimates =
    g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) mw_lua_ram_estimate_free);
  for (guint i = 0; i < options->ignore->len; i++)
    g_ptr_array_add (patterns, ignore_pattern_new (options->ignore->pdata[i]));

  /* facts across files first, then the rules */
  for (guint i = 0; i < n_trees; i++)
    if (mw_lua_tree_get_root (trees[i]) != NULL)
      mw_lua_lint_gather (&run, trees[i]);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < n_trees; i++)
    g_ptr_array_add (result, lint_file (&run, trees[i], patterns));

  g_hash_table_unref (run.set_globals);
  g_hash_table_unref (run.cleared_globals);
  g_hash_table_unref (run.top_globals);
  g_hash_table_unref (run.cleared_modules);
  g_hash_table_unref (run.volatile_files);
  g_hash_table_unref (run.module_trees);
  g_hash_table_unref (run.estimates);
  return result;
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
