/* mw-lua-lint-inline.c: luacheck's ignore patterns and inline options.
 *
 * Inline options follow luacheck 1.1 (its parse_inline_options.lua and filter.lua):
 * a comment, short or long, whose text starts with `luacheck:` (or `moonwire:`) holds
 * comma-separated options; `push [options]` and `pop` bracket them. Options in a comment on a
 * line with code apply to that line only; alone on their line they apply until the end of the
 * enclosing function (its `end` line included) or the matching `pop`. Every line thus has a
 * stack of option tables; a finding on that line is kept or dropped by luacheck's rules
 * (`ignore`, `enable`, `only` and the switches `unused`, `unused args`, `redefined`, `global`),
 * newest first, then the command line's and .luacheckrc's `ignore` list; globals declared with
 * `globals`, `read globals`, `new globals`, `new read globals` and `not globals`, and `std`,
 * apply to the references on those lines.
 */
#include "mw-lua-lint-private.h"

#include <string.h>

/* --- patterns ---------------------------------------------------------------------------- */

struct _MwLuaLintPattern
{
  GRegex *code; /* anchored at the start, or NULL for any code */
  GRegex *name; /* anchored at both ends, or NULL for any name */
  gboolean never; /* a pattern GRegex cannot take: matches nothing */
};

void
mw_lua_lint_pattern_free (MwLuaLintPattern *p)
{
  if (p == NULL)
    return;
  g_clear_pointer (&p->code, g_regex_unref);
  g_clear_pointer (&p->name, g_regex_unref);
  g_free (p);
}

/* `W211` / `e011`: Moonwire's spelling of a code (luacheck would read the letter as a name) */
static gboolean
is_prefixed_code (const char *s)
{
  if (*s != 'W' && *s != 'E' && *s != 'w' && *s != 'e')
    return FALSE;
  if (*++s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* a Lua pattern (the subset names and codes need) as a GRegex */
static GRegex *
lua_pattern_to_regex (const char *pattern, gboolean anchor_end)
{
  g_autoptr (GString) re = g_string_new (NULL);
  gsize len = strlen (pattern);
  gboolean start = len > 0 && pattern[0] == '^';
  gboolean end = len > 0 && pattern[len - 1] == '$' && (len < 2 || pattern[len - 2] != '%');
  const char *s = pattern + (start ? 1 : 0);
  const char *stop = pattern + len - (end ? 1 : 0);

  /* luacheck anchors a pattern unless the user did */
  if (start || end)
    anchor_end = end;
  g_string_append (re, "^(?:");
  for (; s < stop; s++)
    {
      if (*s == '%' && s + 1 < stop)
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
  g_string_append (re, anchor_end ? ")$" : ")");
  return g_regex_new (re->str, G_REGEX_OPTIMIZE, 0, NULL);
}

/* luacheck's pattern: `code/name`, a name (it has a letter or `_`), else a code */
MwLuaLintPattern *
mw_lua_lint_pattern_new (const char *text)
{
  MwLuaLintPattern *p = g_new0 (MwLuaLintPattern, 1);
  const char *slash = strchr (text, '/');
  g_autofree char *code = NULL;
  const char *name = NULL;

  if (slash != NULL)
    {
      code = g_strndup (text, slash - text);
      name = slash + 1;
    }
  else if (is_prefixed_code (text)
           || strpbrk (text, "_abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                == NULL)
    code = g_strdup (text);
  else
    name = text;
  if (code != NULL && is_prefixed_code (code))
    memmove (code, code + 1, strlen (code));
  if (code != NULL && *code != '\0')
    p->never |= (p->code = lua_pattern_to_regex (code, FALSE)) == NULL;
  if (name != NULL && *name != '\0')
    p->never |= (p->name = lua_pattern_to_regex (name, TRUE)) == NULL;
  return p;
}

/* luacheck's match(): -1 when the pattern has no such part, else whether it matches */
static void
pattern_match (const MwLuaLintPattern *p, const MwLuaLintFinding *f, int *code, int *name)
{
  *code = p->code == NULL ? -1 : g_regex_match (p->code, f->diag->code + 1, 0, NULL);
  if (p->name == NULL)
    *name = -1;
  else
    *name = f->name != NULL && g_regex_match (p->name, f->name, 0, NULL);
}

gboolean
mw_lua_lint_pattern_match (const MwLuaLintPattern *p, const MwLuaLintFinding *f)
{
  int code, name;

  if (p->never)
    return FALSE;
  pattern_match (p, f, &code, &name);
  return (code == 1 && name != 0) || (name == 1 && code != 0) || (code == -1 && name == -1);
}

/* --- option tables ----------------------------------------------------------------------- */

typedef enum
{
  RULE_ENABLE,
  RULE_DISABLE,
  RULE_ONLY,
} RuleKind;

typedef struct
{
  RuleKind kind;
  GPtrArray *patterns; /* MwLuaLintPattern* */
} Rule;

/* luacheck's switches and the codes they turn on or off, most specific first */
static const struct
{
  const char *name;
  const char *codes;
} switches[] = {
  { "unused_args", "21[23]" },
  { "global", "1" },
  { "unused", "[23]" },
  { "redefined", "4" },
};

/* one inline option comment's options */
typedef struct
{
  int switch_value[G_N_ELEMENTS (switches)]; /* -1 unset, 0 off (`no unused`), 1 on */
  GPtrArray *ignore, *enable, *only; /* char* patterns, or NULL */
  GPtrArray *globals, *read_globals; /* char* names, or NULL */
  gboolean new_globals, new_read_globals;
  GPtrArray *not_globals;
  char *std;
  GPtrArray *rules; /* Rule*, in luacheck's order, built once */
} OptionTable;

static void
rule_free (gpointer data)
{
  Rule *r = data;
  g_ptr_array_unref (r->patterns);
  g_free (r);
}

static void
option_table_free (gpointer data)
{
  OptionTable *t = data;

  g_clear_pointer (&t->ignore, g_ptr_array_unref);
  g_clear_pointer (&t->enable, g_ptr_array_unref);
  g_clear_pointer (&t->only, g_ptr_array_unref);
  g_clear_pointer (&t->globals, g_ptr_array_unref);
  g_clear_pointer (&t->read_globals, g_ptr_array_unref);
  g_clear_pointer (&t->not_globals, g_ptr_array_unref);
  g_clear_pointer (&t->rules, g_ptr_array_unref);
  g_free (t->std);
  g_free (t);
}

static void
add_rule (OptionTable *t, RuleKind kind, const char *const *patterns, guint n)
{
  Rule *r = g_new0 (Rule, 1);

  r->kind = kind;
  r->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_lint_pattern_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (r->patterns, mw_lua_lint_pattern_new (patterns[i]));
  g_ptr_array_add (t->rules, r);
}

/* the names luacheck's inline options know, `_` for spaces */
static gboolean
is_variadic (const char *name)
{
  static const char *const names[] = { "globals",          "read_globals", "new_globals",
                                       "new_read_globals", "not_globals",  "ignore",
                                       "enable",           "only",         NULL };
  return g_strv_contains (names, name);
}

static gboolean
is_nullary (const char *name)
{
  static const char *const names[] = {
    "global", "unused", "redefined",     "unused_args",       "unused_secondaries",
    "self",   "compat", "allow_defined", "allow_defined_top", "module",
    NULL
  };
  return g_strv_contains (names, name);
}

static gboolean
is_limit (const char *name)
{
  static const char *const names[] = { "max_line_length",           "max_code_line_length",
                                       "max_string_line_length",    "max_comment_line_length",
                                       "max_cyclomatic_complexity", NULL };
  return g_strv_contains (names, name);
}

static gboolean
is_option_name (const char *name)
{
  const char *bare = g_str_has_prefix (name, "no_") ? name + 3 : name;

  return strcmp (name, "std") == 0 || is_variadic (name) || is_nullary (bare) || is_limit (bare);
}

static GPtrArray *
strv_array (char **words, guint n)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (a, g_strdup (words[i]));
  return a;
}

/* parse_options(): NULL for an invalid body (luacheck warns and ignores the comment) */
static OptionTable *
parse_options (const char *body)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  OptionTable *t = g_new0 (OptionTable, 1);
  g_auto (GStrv) invocations = g_strsplit (body, ",", -1);

  for (guint s = 0; s < G_N_ELEMENTS (switches); s++)
    t->switch_value[s] = -1;
  for (char **inv = invocations; *inv; inv++)
    {
      g_auto (GStrv) raw = g_strsplit_set (*inv, " \t\r\n\f\v", -1);
      g_autoptr (GPtrArray) tokens = g_ptr_array_new ();
      g_autofree char *name = NULL;
      g_autoptr (GString) cur = g_string_new (NULL);
      guint name_end = 0;
      char **args;
      guint n_args;

      for (char **w = raw; *w; w++)
        if (**w != '\0')
          g_ptr_array_add (tokens, *w);
      /* the longest run of words that names an option (`unused` / `unused args`) */
      for (guint i = 0; i < tokens->len; i++)
        {
          if (i > 0)
            g_string_append_c (cur, '_');
          g_string_append (cur, tokens->pdata[i]);
          if (is_option_name (cur->str))
            {
              g_free (name);
              name = g_strdup (cur->str);
              name_end = i + 1;
            }
        }
      if (name == NULL)
        {
          option_table_free (t);
          return NULL;
        }
      args = (char **) tokens->pdata + name_end;
      n_args = tokens->len - name_end;
      if (strcmp (name, "std") == 0)
        {
          if (n_args != 1)
            {
              option_table_free (t);
              return NULL;
            }
          g_free (t->std);
          t->std = g_strdup (args[0]);
        }
      else if (is_variadic (name))
        {
          GPtrArray **slot = strcmp (name, "ignore") == 0              ? &t->ignore
                             : strcmp (name, "enable") == 0            ? &t->enable
                             : strcmp (name, "only") == 0              ? &t->only
                             : strcmp (name, "not_globals") == 0       ? &t->not_globals
                             : g_str_has_suffix (name, "read_globals") ? &t->read_globals
                                                                       : &t->globals;

          if (strcmp (name, "new_globals") == 0)
            t->new_globals = TRUE;
          if (strcmp (name, "new_read_globals") == 0)
            t->new_read_globals = TRUE;
          g_clear_pointer (slot, g_ptr_array_unref);
          *slot = strv_array (args, n_args);
          /* a bare `ignore` ignores everything */
          if (slot == &t->ignore && n_args == 0)
            g_ptr_array_add (t->ignore, g_strdup (".*"));
        }
      else
        {
          gboolean on = !g_str_has_prefix (name, "no_");
          const char *bare = on ? name : name + 3;

          if (is_nullary (bare) ? n_args != 0 : (on ? n_args != 1 : n_args != 0))
            {
              option_table_free (t);
              return NULL;
            }
          for (guint s = 0; s < G_N_ELEMENTS (switches); s++)
            if (strcmp (switches[s].name, bare) == 0)
              t->switch_value[s] = on;
          /* self, compat, allow_defined, module, line lengths: nothing of ours to change */
        }
    }
  return t;
}

/* --- the option stack per line ------------------------------------------------------------ */

typedef enum
{
  EVENT_PUSH,
  EVENT_OPTIONS,
  EVENT_POP,
} EventKind;

typedef struct
{
  EventKind kind;
  gboolean from_comment; /* a `push`/`pop` comment, not a function's boundary */
  guint line, column;
  OptionTable *options; /* EVENT_OPTIONS */
} Event;

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const Event *x = a, *y = b;

  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  /* on one line: pushes, then options, then pops */
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return x->column < y->column ? -1 : x->column > y->column;
}

/* what changes at the start of a line: pop `pop_count` tables, then push `options` */
typedef struct
{
  guint line;
  guint pop_count;
  OptionTable *options;
} Step;

/* the stack in force from `line` on */
typedef struct
{
  guint line;
  GPtrArray *stack; /* OptionTable*, bottom first (not owned) */
} Segment;

struct _MwLuaLintInline
{
  GPtrArray *tables; /* OptionTable*, owned */
  GArray *segments; /* Segment, by line */
};

void
mw_lua_lint_inline_free (MwLuaLintInline *in)
{
  if (in == NULL)
    return;
  for (guint i = 0; i < in->segments->len; i++)
    g_ptr_array_unref (g_array_index (in->segments, Segment, i).stack);
  g_array_unref (in->segments);
  g_ptr_array_unref (in->tables);
  g_free (in);
}

/* the comment's text: after `--`, or inside a long comment's brackets */
static char *
comment_text (const char *src, const MwLuaComment *cm)
{
  guint skip = 2, trail = 0;

  if (cm->level >= 0)
    {
      skip = 2 + 2 + cm->level;
      trail = 2 + cm->level;
      if (cm->length < skip + trail)
        trail = 0;
    }
  if (cm->length < skip + trail)
    return g_strdup ("");
  return g_strndup (src + cm->offset + skip, cm->length - skip - trail);
}

/* luacheck removes parenthesized remarks (`%b()`) */
static void
drop_parens (char *s)
{
  char *out = s;

  for (char *p = s; *p;)
    {
      if (*p == '(')
        {
          int depth = 0;
          char *q = p;
          for (; *q; q++)
            {
              depth += *q == '(';
              depth -= *q == ')';
              if (depth == 0)
                break;
            }
          if (*q == ')')
            {
              *out++ = ' ';
              p = q + 1;
              continue;
            }
        }
      *out++ = *p++;
    }
  *out = '\0';
}

static void
build_rules (OptionTable *t)
{
  t->rules = g_ptr_array_new_with_free_func (rule_free);
  if (t->ignore)
    add_rule (t, RULE_DISABLE, (const char *const *) t->ignore->pdata, t->ignore->len);
  if (t->only)
    add_rule (t, RULE_ONLY, (const char *const *) t->only->pdata, t->only->len);
  if (t->enable)
    add_rule (t, RULE_ENABLE, (const char *const *) t->enable->pdata, t->enable->len);
}

void
mw_lua_lint_inline_parse (MwLuaLintFile *file)
{
  MwLuaLintInline *in = g_new0 (MwLuaLintInline, 1);
  guint n_comments;
  const MwLuaComment *comments = mw_lua_tree_get_comments (file->tree, &n_comments);
  GPtrArray *funcs = mw_lua_tree_get_functions (file->tree);
  gsize src_len;
  const char *src = mw_lua_tree_get_source (file->tree, &src_len);
  g_autoptr (GArray) events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_autoptr (GArray) steps = g_array_new (FALSE, TRUE, sizeof (Step));
  g_autoptr (GHashTable) code_lines = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) pushes = g_array_new (FALSE, FALSE, sizeof (Event));
  g_autoptr (GArray) push_counts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  guint option_count = 0;

  in->tables = g_ptr_array_new_with_free_func (option_table_free);
  in->segments = g_array_new (FALSE, TRUE, sizeof (Segment));
  file->inline_options = in;

  for (guint c = 0; c < n_comments; c++)
    {
      const MwLuaComment *cm = &comments[c];
      g_autofree char *text = comment_text (src, cm);
      char *body = g_strstrip (text);
      Event e = { EVENT_OPTIONS, TRUE, cm->line, cm->column, NULL };
      gboolean push = FALSE;

      if (g_str_has_prefix (body, "luacheck:"))
        body += strlen ("luacheck:");
      else if (g_str_has_prefix (body, "moonwire:"))
        body += strlen ("moonwire:");
      else
        continue;
      /* a second comment after the options (`-- luacheck: ignore -- why`) is not part of them */
      if (strstr (body, "--") != NULL)
        *strstr (body, "--") = '\0';
      drop_parens (body);
      body = g_strstrip (body);
      if (strcmp (body, "push") == 0 || strcmp (body, "pop") == 0)
        {
          e.kind = body[1] == 'u' ? EVENT_PUSH : EVENT_POP;
          g_array_append_val (events, e);
          continue;
        }
      if (g_str_has_prefix (body, "push") && g_ascii_isspace (body[4]))
        {
          push = TRUE;
          body = g_strchug (body + 4);
        }
      e.options = parse_options (body);
      if (e.options == NULL)
        continue; /* an unknown option: luacheck ignores the comment too (with a warning) */
      build_rules (e.options);
      g_ptr_array_add (in->tables, e.options);
      g_array_append_val (events, e);
      if (push)
        {
          Event p = { EVENT_PUSH, TRUE, cm->line, cm->column, NULL };
          g_array_append_val (events, p);
        }
    }
  if (events->len == 0)
    return;

  /* every function is an implicit push/pop around its lines */
  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];
      Event p = { EVENT_PUSH, FALSE, 0, 0, NULL };

      if (f->parent == NULL)
        continue;
      p.line = file->toks[f->first_token].line;
      p.column = file->toks[f->first_token].column;
      g_array_append_val (events, p);
      p.kind = EVENT_POP;
      p.line = file->toks[f->last_token].line;
      p.column = file->toks[f->last_token].column;
      g_array_append_val (events, p);
    }
  for (guint t = 0; t < file->n_toks; t++)
    if (file->toks[t].kind != MW_LUA_TOKEN_EOF)
      {
        g_hash_table_add (code_lines, GUINT_TO_POINTER (file->toks[t].line));
        g_hash_table_add (code_lines, GUINT_TO_POINTER (file->toks[t].end_line));
      }
  g_array_sort (events, compare_events);

  /* luacheck's apply_boundaries(): pushes and pops become pop counts at line starts */
  for (guint i = 0; i < events->len; i++)
    {
      Event *e = &g_array_index (events, Event, i);
      Step *last = steps->len ? &g_array_index (steps, Step, steps->len - 1) : NULL;

      if (e->kind == EVENT_PUSH)
        {
          g_array_append_val (pushes, *e);
          g_array_append_val (push_counts, option_count);
        }
      else if (e->kind == EVENT_POP)
        {
          Event *top = pushes->len ? &g_array_index (pushes, Event, pushes->len - 1) : NULL;
          guint prev, pop_count;

          /* a comment's pop never pops a function's push (luacheck: unpaired pop) */
          if (top == NULL || (e->from_comment && !top->from_comment))
            continue;
          /* a function's end drops the pushes its comments left open */
          if (!e->from_comment)
            while (pushes->len > 0 && g_array_index (pushes, Event, pushes->len - 1).from_comment)
              {
                g_array_set_size (pushes, pushes->len - 1);
                g_array_set_size (push_counts, push_counts->len - 1);
              }
          g_array_set_size (pushes, pushes->len - 1);
          prev = g_array_index (push_counts, guint, push_counts->len - 1);
          g_array_set_size (push_counts, push_counts->len - 1);
          pop_count = option_count - prev;
          if (pop_count > 0)
            {
              if (last != NULL && last->line == e->line + 1)
                last->pop_count += pop_count;
              else
                {
                  Step s = { e->line + 1, pop_count, NULL };
                  g_array_append_val (steps, s);
                }
            }
          option_count = prev;
        }
      else
        {
          if (last != NULL && last->line == e->line)
            last->options = e->options;
          else
            {
              Step s = { e->line, 0, e->options };
              g_array_append_val (steps, s);
            }
          if (g_hash_table_contains (code_lines, GUINT_TO_POINTER (e->line)))
            {
              /* beside code: this line only */
              Step s = { e->line + 1, 1, NULL };
              g_array_append_val (steps, s);
            }
          else
            option_count++;
        }
    }

  /* the stack at each step's line */
  for (guint i = 0; i < steps->len; i++)
    {
      Step *s = &g_array_index (steps, Step, i);
      Segment seg = { s->line, NULL };

      g_ptr_array_set_size (stack, stack->len - MIN (s->pop_count, stack->len));
      if (s->options != NULL)
        g_ptr_array_add (stack, s->options);
      seg.stack = g_ptr_array_copy (stack, NULL, NULL);
      if (in->segments->len > 0
          && g_array_index (in->segments, Segment, in->segments->len - 1).line == s->line)
        {
          Segment *prev = &g_array_index (in->segments, Segment, in->segments->len - 1);
          g_ptr_array_unref (prev->stack);
          prev->stack = seg.stack;
        }
      else
        g_array_append_val (in->segments, seg);
    }
}

/* the option tables in force on `line`, bottom first; NULL for none */
static GPtrArray *
stack_at (MwLuaLintFile *file, guint line)
{
  MwLuaLintInline *in = file->inline_options;
  guint lo = 0, hi;

  if (in == NULL || in->segments->len == 0)
    return NULL;
  hi = in->segments->len;
  /* the last segment starting at or before `line` */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (in->segments, Segment, mid).line <= line)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return NULL;
  return g_array_index (in->segments, Segment, lo - 1).stack;
}

/* luacheck's passes_rules_filter() over the stack (newest first), then the options' list */
gboolean
mw_lua_lint_inline_passes (MwLuaLintFile *file, const MwLuaLintFinding *f, GPtrArray *ignore)
{
  GPtrArray *stack = stack_at (file, f->diag->line);
  gboolean used_switch[G_N_ELEMENTS (switches)] = { FALSE };
  g_autoptr (GPtrArray) rules = g_ptr_array_new ();
  g_autoptr (GPtrArray) switch_rules = g_ptr_array_new_with_free_func (rule_free);
  Rule config = { RULE_DISABLE, ignore };
  gboolean enabled_code = FALSE, enabled_name = FALSE;

  for (guint i = stack ? stack->len : 0; i-- > 0;)
    {
      OptionTable *t = stack->pdata[i];

      for (guint s = 0; s < G_N_ELEMENTS (switches); s++)
        if (!used_switch[s] && t->switch_value[s] >= 0)
          {
            Rule *r = g_new0 (Rule, 1);

            r->kind = t->switch_value[s] ? RULE_ENABLE : RULE_DISABLE;
            r->patterns =
              g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_lint_pattern_free);
            g_ptr_array_add (r->patterns, mw_lua_lint_pattern_new (switches[s].codes));
            g_ptr_array_add (switch_rules, r);
            g_ptr_array_add (rules, r);
            used_switch[s] = TRUE;
          }
      for (guint r = 0; r < t->rules->len; r++)
        g_ptr_array_add (rules, t->rules->pdata[r]);
    }
  if (ignore->len > 0)
    g_ptr_array_add (rules, &config);

  for (guint r = 0; r < rules->len; r++)
    {
      const Rule *rule = rules->pdata[r];
      gboolean matches_one = FALSE;

      for (guint p = 0; p < rule->patterns->len; p++)
        {
          const MwLuaLintPattern *pat = rule->patterns->pdata[p];
          int code, name;

          if (pat->never)
            continue;
          pattern_match (pat, f, &code, &name);
          /* an enabled factor cannot be disabled (luacheck sets the code part for both) */
          if (enabled_code || enabled_name)
            code = rule->kind != RULE_DISABLE;
          if ((code == 1 && name != 0) || (name == 1 && code != 0))
            matches_one = TRUE;
          if (rule->kind == RULE_ENABLE)
            {
              enabled_code |= code == 1;
              enabled_name |= name == 1;
              if (enabled_code && enabled_name)
                return TRUE;
            }
          else if (rule->kind == RULE_DISABLE && matches_one)
            return FALSE;
        }
      if (rule->kind == RULE_ONLY && !matches_one)
        return FALSE;
    }
  return TRUE;
}

static gboolean
names (GPtrArray *list, const char *name)
{
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      const char *n = list->pdata[i];
      gsize len = strcspn (n, ".");
      /* `read globals node.LFS.resource` declares the global `node` */
      if (strlen (name) == len && strncmp (n, name, len) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
mw_lua_lint_file_declares (MwLuaLintFile *file, const char *name, guint token, gboolean reading)
{
  const MwLuaLintOptions *o = file->run->options;
  GPtrArray *stack = stack_at (file, file->toks[token].line);
  guint last_new = 0, last_new_read = 0;
  gboolean declared;

  for (guint i = 0; stack != NULL && i < stack->len; i++)
    {
      OptionTable *t = stack->pdata[i];
      if (t->new_globals)
        last_new = i + 1;
      if (t->new_read_globals)
        last_new_read = i + 1;
    }
  /* `new globals` drops the globals declared before it, the options' included */
  declared = (last_new == 0 && g_hash_table_contains (o->globals, name))
             || (reading && last_new_read == 0 && g_hash_table_contains (o->read_globals, name));
  for (guint i = 0; stack != NULL && i < stack->len; i++)
    {
      OptionTable *t = stack->pdata[i];

      if (i + 1 >= last_new && names (t->globals, name))
        declared = TRUE;
      if (reading && i + 1 >= last_new_read && names (t->read_globals, name))
        declared = TRUE;
      if (names (t->not_globals, name))
        declared = FALSE;
    }
  return declared;
}

guint
mw_lua_lint_file_std (MwLuaLintFile *file, guint token)
{
  GPtrArray *stack = stack_at (file, file->toks[token].line);
  g_autoptr (MwLuaLintOptions) scratch = NULL;

  if (stack == NULL)
    return file->run->options->std_sets;
  for (guint i = 0; i < stack->len; i++)
    {
      OptionTable *t = stack->pdata[i];

      if (t->std == NULL)
        continue;
      if (scratch == NULL)
        {
          scratch = mw_lua_lint_options_new ();
          scratch->std_sets = file->run->options->std_sets;
        }
      /* an unknown std leaves the set as it was (luacheck rejects the comment) */
      mw_lua_lint_options_set_std (scratch, t->std, NULL);
    }
  return scratch != NULL ? scratch->std_sets : file->run->options->std_sets;
}
