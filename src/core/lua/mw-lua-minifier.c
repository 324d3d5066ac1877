/* mw-lua-minifier.c: prints a Lua chunk in as few bytes as Lua 5.1 allows, then proves it.
 *
 * Passes over the front end's MwLuaTree:
 *  1. Renaming. Name resolution in Lua is textual, so two locals may share a name unless a use
 *     of the outer one lies inside the inner one's scope. One sweep over the tokens with a
 *     stack of the locals in scope finds exactly those pairs (the interference graph); locals
 *     are then coloured heaviest first (most occurrences) with the first name that no
 *     neighbour holds, that is not a keyword, and that no global or implicit local (`self`,
 *     the vararg `arg`) referenced inside the local's scope already uses. Unlike a greedy
 *     interval scheme, a local used again after an inner block ends does not block that
 *     block's locals from reusing its name.
 *  2. Tokens that compile to nothing: statement semicolons (except before `(`), the
 *     parentheses of a lone string or table argument, separators before `}`.
 *  3. Printing: tokens only, a space only where two tokens would lex differently when joined;
 *     with keep_lines each token on its original line.
 *  4. Verification (mw-lua-minify-verify.c): both chunks compiled by liblua5.1 must agree.
 *
 * Literals are respelled only where both firmware builds read the same value: the float build
 * reads numerals with strtod, the integer build decimal ones with strtol and hex ones with
 * strtoul (docs/firmware.md section 4: a constant with a fraction is an error there). So an integer
 * spelling stays an integer spelling, a fractional one stays fractional, and hex becomes
 * decimal only below 2^31, where strtoul and strtol agree.
 */
#include "mw-config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mw-lua-minifier.h"
#include "mw-lua-minify-verify.h"
#include "mw-lua-tree.h"

G_DEFINE_QUARK (mw - lua - minify - error - quark, mw_lua_minify_error)

static const char first_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
static const char rest_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
#define N_FIRST 53
#define N_REST 63

static const char *const keywords[] = {
  "and",   "break", "do",  "else", "elseif", "end",    "false", "for",  "function", "if",    "in",
  "local", "nil",   "not", "or",   "repeat", "return", "then",  "true", "until",    "while",
};

static gboolean
is_keyword (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strcmp (keywords[i], name) == 0)
      return TRUE;
  return FALSE;
}

gboolean
mw_lua_minify_is_valid_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name + 1; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return !is_keyword (name);
}

/* The c-th name in order of length: a..z A..Z _, then two characters, and so on. */
static void
candidate_name (guint c, char buf[8])
{
  guint64 count = N_FIRST;
  guint len = 1;

  while (c >= count)
    {
      c -= count;
      count *= N_REST;
      len++;
    }
  for (guint i = len; i-- > 1;)
    {
      buf[i] = rest_chars[c % N_REST];
      c /= N_REST;
    }
  buf[0] = first_chars[c];
  buf[len] = '\0';
}

/* ---- renaming ---------------------------------------------------------------------------- */

/* Candidates below this index have one or two characters; globals that short get a slot. */
#define N_SHORT (N_FIRST + N_FIRST * N_REST)

typedef struct
{
  MwLuaVar *var;
  gboolean skip; /* hidden loop state: no name in the source */
  gboolean fixed; /* self and the vararg arg: implicit, cannot be renamed */
  guint n_fixed; /* fixed neighbours */
  guint weight; /* occurrences in the output: declaration and uses */
  gint colour; /* candidate index, -1 while uncoloured or fixed */
  guint stack_pos;
  guint mark; /* the last local an edge was added from, + 1 */
  guint adj_start; /* its neighbours: adj[adj_start .. adj_start + n_adj) */
  guint n_adj;
  char name[8]; /* the new name, or "" to keep it */
} Local;

typedef struct
{
  MwLuaTree *tree;
  const char *src;
  gsize n_src;
  const MwLuaToken *toks;
  guint n_toks;
  const MwLuaMinifyOptions *opt;
  GArray *locals; /* Local, every variable of every function in order */
  guint32 *tok_local; /* per token: index + 1 into locals, 0 for none */
  GHashTable *globals; /* name -> GArray of guint32 use tokens, ascending */
  GArray **short_globals; /* per candidate below N_SHORT: that global's uses, or NULL */
  guint *edges; /* pairs (outer, inner) of locals that must not share a name */
  guint n_edges;
  guint edges_size;
  guint *adj; /* both ends of every edge, grouped per local */
  guint8 *drop; /* per token: TRUE when it is left out */
  GString *long_scratch;
  guint n_renamed;
  guint n_literals;
} Minifier;

static void
minifier_clear (Minifier *m)
{
  g_clear_pointer (&m->locals, g_array_unref);
  g_free (m->edges);
  g_free (m->adj);
  g_free (m->tok_local);
  g_free (m->drop);
  if (m->long_scratch != NULL)
    g_string_free (m->long_scratch, TRUE);
  g_free (m->short_globals);
  g_clear_pointer (&m->globals, g_hash_table_unref);
}

static gint
compare_scope_start (gconstpointer a, gconstpointer b, gpointer data)
{
  GArray *locals = data;
  const Local *la = &g_array_index (locals, Local, *(const guint *) a);
  const Local *lb = &g_array_index (locals, Local, *(const guint *) b);

  if (la->var->scope_start != lb->var->scope_start)
    return la->var->scope_start < lb->var->scope_start ? -1 : 1;
  /* the same statement declares them: the later one is inner */
  return *(const guint *) a < *(const guint *) b ? -1 : (*(const guint *) a > *(const guint *) b);
}

static gint
compare_weight (gconstpointer a, gconstpointer b, gpointer data)
{
  GArray *locals = data;
  const Local *la = &g_array_index (locals, Local, *(const guint *) a);
  const Local *lb = &g_array_index (locals, Local, *(const guint *) b);

  if (la->weight != lb->weight)
    return la->weight > lb->weight ? -1 : 1;
  return *(const guint *) a < *(const guint *) b ? -1 : (*(const guint *) a > *(const guint *) b);
}

static void
add_edge (Minifier *m, guint outer, guint inner)
{
  Local *lo = &g_array_index (m->locals, Local, outer);
  Local *li = &g_array_index (m->locals, Local, inner);

  /* uses of one local in a row add the same edge again: skip the repeats */
  if (li->mark == outer + 1)
    return;
  li->mark = outer + 1;
  if (m->n_edges + 2 > m->edges_size)
    {
      m->edges_size = MAX (64, m->edges_size * 2);
      m->edges = g_renew (guint, m->edges, m->edges_size);
    }
  m->edges[m->n_edges++] = outer;
  m->edges[m->n_edges++] = inner;
  lo->n_adj++;
  li->n_adj++;
  lo->n_fixed += li->fixed;
  li->n_fixed += lo->fixed;
}

/* Groups both ends of every edge per local (counting sort). */
static void
build_adjacency (Minifier *m)
{
  guint total = 0;
  const guint *e = m->edges;

  for (guint i = 0; i < m->locals->len; i++)
    {
      Local *l = &g_array_index (m->locals, Local, i);
      l->adj_start = total;
      total += l->n_adj;
      l->n_adj = 0;
    }
  m->adj = g_new (guint, total + 1);
  for (guint k = 0; k + 1 < m->n_edges; k += 2)
    {
      Local *a = &g_array_index (m->locals, Local, e[k]);
      Local *b = &g_array_index (m->locals, Local, e[k + 1]);
      m->adj[a->adj_start + a->n_adj++] = e[k + 1];
      m->adj[b->adj_start + b->n_adj++] = e[k];
    }
}

static int
char_index (const char *set, char c)
{
  const char *p = c != '\0' ? strchr (set, c) : NULL;
  return p != NULL ? (int) (p - set) : -1;
}

/* The candidate index of a one- or two-character name, or -1. */
static int
short_candidate_index (const char *name)
{
  int a, b;

  if (name[0] == '\0' || (a = char_index (first_chars, name[0])) < 0)
    return -1;
  if (name[1] == '\0')
    return a;
  if (name[2] != '\0' || (b = char_index (rest_chars, name[1])) < 0)
    return -1;
  return N_FIRST + a * N_REST + b;
}

/* TRUE when one of `uses` (ascending tokens) lies between `start` and `end` (inclusive). */
static gboolean
used_in (GArray *uses, guint32 start, guint32 end)
{
  guint lo = 0, hi;

  if (uses == NULL)
    return FALSE;
  hi = uses->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (uses, guint32, mid) < start)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < uses->len && g_array_index (uses, guint32, lo) <= end;
}

static void
rename_locals (Minifier *m)
{
  GPtrArray *funcs = mw_lua_tree_get_functions (m->tree);
  GArray *globals = mw_lua_tree_get_globals (m->tree);
  g_autoptr (GHashTable) bases = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) by_start = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) by_weight = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint *taken = NULL;
  g_autofree gint *colours = NULL;
  GHashTableIter iter;
  gpointer key, value;
  MwLuaFunction *last_func = NULL;
  guint last_base = 0;
  guint n_taken = 0;
  guint next_start = 0;

  m->locals = g_array_new (FALSE, TRUE, sizeof (Local));
  m->tok_local = g_new0 (guint32, m->n_toks);
  m->globals =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  m->short_globals = g_new0 (GArray *, N_SHORT);

  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];

      g_hash_table_insert (bases, f, GUINT_TO_POINTER (m->locals->len));
      for (guint j = 0; j < f->vars->len; j++)
        {
          MwLuaVar *v = f->vars->pdata[j];
          Local l = { 0 };

          l.var = v;
          l.skip = v->kind == MW_LUA_VAR_HIDDEN; /* "(for index)" and friends */
          l.fixed = v->kind == MW_LUA_VAR_SELF || v->kind == MW_LUA_VAR_ARG;
          l.colour = -1;
          g_array_append_val (m->locals, l);
        }
    }

  for (guint i = 0; i < globals->len; i++)
    {
      const MwLuaGlobalRef *ref = &g_array_index (globals, MwLuaGlobalRef, i);
      GArray *uses = g_hash_table_lookup (m->globals, ref->name);

      if (uses == NULL)
        {
          uses = g_array_new (FALSE, FALSE, sizeof (guint32));
          g_hash_table_insert (m->globals, (gpointer) ref->name, uses);
        }
      g_array_append_val (uses, ref->token);
    }
  g_hash_table_iter_init (&iter, m->globals);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int c = short_candidate_index (key);
      if (c >= 0)
        m->short_globals[c] = value;
    }

  for (guint t = 0; t < m->n_toks; t++)
    {
      MwLuaVar *v;
      guint li;

      if (m->toks[t].kind != MW_LUA_TOKEN_NAME || !(m->toks[t].flags & MW_LUA_TOKEN_FLAG_LOCAL))
        continue;
      v = mw_lua_tree_get_token_var (m->tree, t);
      if (v == NULL)
        continue;
      if (v->func != last_func)
        {
          last_func = v->func;
          last_base = GPOINTER_TO_UINT (g_hash_table_lookup (bases, v->func));
        }
      li = last_base + v->index;
      g_assert (li < m->locals->len && g_array_index (m->locals, Local, li).var == v);
      m->tok_local[t] = li + 1;
      g_array_index (m->locals, Local, li).weight++;
    }

  for (guint i = 0; i < m->locals->len; i++)
    {
      const Local *l = &g_array_index (m->locals, Local, i);
      if (!l->skip && l->var->scope_start <= l->var->scope_end && l->var->scope_end < m->n_toks)
        g_array_append_val (by_start, i);
    }
  g_array_sort_with_data (by_start, compare_scope_start, m->locals);

  /* The sweep: at each use of a local, every local pushed after it is in scope there and
   * would capture the use if it had the same name. */
  for (guint t = 0; t < m->n_toks; t++)
    {
      guint li;

      while (next_start < by_start->len)
        {
          guint i = g_array_index (by_start, guint, next_start);
          Local *l = &g_array_index (m->locals, Local, i);
          if (l->var->scope_start != t)
            break;
          l->stack_pos = stack->len;
          g_array_append_val (stack, i);
          next_start++;
        }
      li = m->tok_local[t];
      if (li > 0 && !(m->toks[t].flags & MW_LUA_TOKEN_FLAG_DECL))
        {
          const Local *l = &g_array_index (m->locals, Local, li - 1);
          if (l->stack_pos < stack->len && g_array_index (stack, guint, l->stack_pos) == li - 1)
            for (guint s = l->stack_pos + 1; s < stack->len; s++)
              add_edge (m, li - 1, g_array_index (stack, guint, s));
        }
      while (stack->len > 0)
        {
          guint top = g_array_index (stack, guint, stack->len - 1);
          if (g_array_index (m->locals, Local, top).var->scope_end > t)
            break;
          g_array_set_size (stack, stack->len - 1);
        }
    }

  build_adjacency (m);
  /* colours apart from the locals, for the neighbour loops' sake */
  colours = g_new (gint, m->locals->len + 1);
  for (guint i = 0; i < m->locals->len; i++)
    colours[i] = -1;
  for (guint i = 0; i < m->locals->len; i++)
    {
      const Local *l = &g_array_index (m->locals, Local, i);
      if (!l->fixed && !l->skip)
        g_array_append_val (by_weight, i);
    }
  g_array_sort_with_data (by_weight, compare_weight, m->locals);

  /* first fit, heaviest first; taken[c] == i + 1 marks candidate c as held by a neighbour */
  for (guint k = 0; k < by_weight->len; k++)
    {
      guint i = g_array_index (by_weight, guint, k);
      Local *l = &g_array_index (m->locals, Local, i);
      const guint *neighbours = m->adj + l->adj_start;
      guint n_neighbours = l->n_adj;
      char buf[8];

      for (guint e = 0; e < n_neighbours; e++)
        {
          gint colour = colours[neighbours[e]];
          if (colour < 0)
            continue;
          /* globals may push a neighbour's colour beyond any neighbour count */
          if ((guint) colour >= n_taken)
            {
              guint grown = MAX ((guint) colour + 1, n_taken * 2);
              taken = g_renew (guint, taken, grown);
              memset (taken + n_taken, 0, (grown - n_taken) * sizeof (guint));
              n_taken = grown;
            }
          taken[colour] = i + 1;
        }
      for (guint c = 0;; c++)
        {
          gboolean ok = TRUE;
          GArray *uses;

          if (c < n_taken && taken[c] == i + 1)
            continue;
          candidate_name (c, buf);
          if (c >= N_FIRST && is_keyword (buf))
            continue;
          uses = c < N_SHORT ? m->short_globals[c] : g_hash_table_lookup (m->globals, buf);
          if (used_in (uses, l->var->scope_start, l->var->scope_end))
            continue; /* it would hide a global used in its scope */
          for (guint e = 0; ok && l->n_fixed > 0 && e < n_neighbours; e++)
            {
              const Local *n = &g_array_index (m->locals, Local, neighbours[e]);
              if (n->fixed && strcmp (n->var->name, buf) == 0)
                ok = FALSE;
            }
          if (!ok)
            continue;
          l->colour = c;
          colours[i] = c;
          break;
        }
      if (strcmp (buf, l->var->name) != 0)
        m->n_renamed++;
      memcpy (l->name, buf, sizeof l->name);
    }
}

/* ---- literals ---------------------------------------------------------------------------- */

static gboolean
is_plain_decimal (const char *s, gsize len, gboolean *fractional)
{
  gsize i = 0, digits = 0;

  *fractional = FALSE;
  while (i < len && g_ascii_isdigit (s[i]))
    i++, digits++;
  if (i < len && s[i] == '.')
    {
      *fractional = TRUE;
      i++;
      while (i < len && g_ascii_isdigit (s[i]))
        i++, digits++;
    }
  if (digits == 0)
    return FALSE;
  if (i < len && (s[i] == 'e' || s[i] == 'E'))
    {
      gsize exp_digits = 0;
      *fractional = TRUE;
      i++;
      if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
      while (i < len && g_ascii_isdigit (s[i]))
        i++, exp_digits++;
      if (exp_digits == 0)
        return FALSE;
    }
  return i == len;
}

static gboolean
same_double (const char *spelling, double v)
{
  char *end;
  double w = g_ascii_strtod (spelling, &end);
  return *end == '\0' && memcmp (&w, &v, sizeof v) == 0;
}

char *
mw_lua_minify_numeral (const char *text, gsize length)
{
  gboolean fractional;
  char *best = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    {
      guint64 v = 0;
      for (gsize i = 2; i < length; i++)
        {
          if (!g_ascii_isxdigit (text[i]) || v > G_MAXUINT32)
            return NULL;
          v = v * 16 + g_ascii_xdigit_value (text[i]);
        }
      /* strtoul (integer build, hex) and strtol (decimal) agree only below 2^31 */
      if (v >= G_GUINT64_CONSTANT (0x80000000))
        return NULL;
      best = g_strdup_printf ("%" G_GUINT64_FORMAT, v);
      if (strlen (best) >= length)
        g_clear_pointer (&best, g_free);
      return best;
    }
  if (!is_plain_decimal (text, length, &fractional) || !fractional)
    return NULL; /* integers stay as written: strtol and strtod must keep agreeing */

  {
    g_autofree char *copy = g_strndup (text, length);
    double v = g_ascii_strtod (copy, NULL);
    gsize best_len = length;

    if (!isfinite (v))
      return NULL;
    /* the fewest significant digits that read back as exactly the same double */
    for (int p = 1; p <= 17; p++)
      {
        char fmt[16], buf[64], digits[32], cand[96];
        const char *e;
        int exp10, k = 0;

        /* in the C locale, whatever the caller's LC_NUMERIC */
        g_snprintf (fmt, sizeof fmt, "%%.%de", p - 1);
        g_ascii_formatd (buf, sizeof buf, fmt, v);
        e = strchr (buf, 'e');
        if (e == NULL)
          return NULL;
        for (const char *q = buf; q < e; q++)
          if (g_ascii_isdigit (*q))
            digits[k++] = *q;
        digits[k] = '\0';
        exp10 = atoi (e + 1);
        while (k > 1 && digits[k - 1] == '0')
          digits[--k] = '\0';
        if (!same_double (buf, v))
          continue;

        /* positional, always with a '.' so that it stays fractional */
        if (exp10 >= k - 1)
          {
            if (exp10 - (k - 1) > 40)
              cand[0] = '\0';
            else
              {
                int n = g_snprintf (cand, sizeof cand, "%s", digits);
                for (int z = 0; z < exp10 - (k - 1); z++)
                  cand[n++] = '0';
                cand[n++] = '.';
                cand[n] = '\0';
              }
          }
        else if (exp10 >= 0)
          g_snprintf (cand, sizeof cand, "%.*s.%s", exp10 + 1, digits, digits + exp10 + 1);
        else if (-exp10 - 1 <= 40)
          {
            int n = 0;
            cand[n++] = '.';
            for (int z = 0; z < -exp10 - 1; z++)
              cand[n++] = '0';
            g_snprintf (cand + n, sizeof cand - n, "%s", digits);
          }
        else
          cand[0] = '\0';
        if (cand[0] != '\0' && strlen (cand) < best_len && same_double (cand, v))
          {
            g_free (best);
            best = g_strdup (cand);
            best_len = strlen (cand);
          }
        /* exponent form: digits, 'e', exponent (never without the 'e': it would be an
         * integer spelling) */
        if (exp10 - (k - 1) != 0)
          {
            g_snprintf (cand, sizeof cand, "%se%d", digits, exp10 - (k - 1));
            if (strlen (cand) < best_len && same_double (cand, v))
              {
                g_free (best);
                best = g_strdup (cand);
                best_len = strlen (cand);
              }
          }
        break;
      }
  }
  return best;
}

static guint
count_breaks (const char *s, gsize len)
{
  guint n = 0;

  for (gsize i = 0; i < len; i++)
    if (s[i] == '\n' || s[i] == '\r')
      {
        /* \r\n and \n\r count once, as Lua's inclinenumber does */
        if (i + 1 < len && (s[i + 1] == '\n' || s[i + 1] == '\r') && s[i + 1] != s[i])
          i++;
        n++;
      }
  return n;
}

static void
quote_string (const GString *value, char quote, GString *out)
{
  g_string_append_c (out, quote);
  for (gsize i = 0; i < value->len; i++)
    {
      guchar c = value->str[i];
      gboolean digit_next = i + 1 < value->len && g_ascii_isdigit (value->str[i + 1]);

      if (c == '\\' || c == (guchar) quote)
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if ((c < 0x20 && c != '\t') || c == 0x7f)
        g_string_append_printf (out, digit_next ? "\\%03u" : "\\%u", c);
      else
        g_string_append_c (out, c); /* bytes 0x80-0xFF are read as they are */
    }
  g_string_append_c (out, quote);
}

/* A long bracket for `value`, or FALSE when none can hold it. */
static gboolean
long_string (const GString *value, GString *out)
{
  /* Lua reads \r in a long string as a line break; other control bytes would be read as they
   * are, but raw NULs and the like break tools that handle the file as text */
  for (gsize i = 0; i < value->len; i++)
    if (((guchar) value->str[i] < 0x20 && value->str[i] != '\n' && value->str[i] != '\t')
        || value->str[i] == 0x7f)
      return FALSE;
  for (guint level = 0; level < 8; level++)
    {
      char close[16];
      gsize close_len;
      gboolean ok = TRUE;

      close[0] = ']';
      memset (close + 1, '=', level);
      close[level + 1] = ']';
      close_len = level + 2;
      if (level == 0 && g_strstr_len (value->str, value->len, "[[") != NULL)
        continue; /* LUA_COMPAT_LSTR: nesting of [[...]] is an error */
      /* no closing bracket inside, nor one formed by the value's end and the bracket */
      for (gsize i = 0; ok && i < value->len; i++)
        if (value->str[i] == ']')
          {
            gsize j = i + 1;
            while (j < value->len && value->str[j] == '=')
              j++;
            if (j - i - 1 == level && (j == value->len || value->str[j] == ']'))
              ok = FALSE;
          }
      if (!ok)
        continue;
      g_string_append_c (out, '[');
      for (guint e = 0; e < level; e++)
        g_string_append_c (out, '=');
      g_string_append_c (out, '[');
      if (value->len > 0 && value->str[0] == '\n')
        g_string_append_c (out, '\n'); /* the first line break is skipped */
      g_string_append_len (out, value->str, value->len);
      g_string_append_len (out, close, close_len);
      return TRUE;
    }
  return FALSE;
}

/* Sets `out` to a shorter spelling of literal token `t`, or returns FALSE. */
static gboolean
shorten_literal (Minifier *m, const MwLuaToken *tok, GString *out, GString *scratch)
{
  const char *text = m->src + tok->offset;
  guint lines = tok->end_line - tok->line;

  g_string_truncate (out, 0);
  if (tok->kind == MW_LUA_TOKEN_NUMBER)
    {
      g_autofree char *n = mw_lua_minify_numeral (text, tok->length);
      if (n == NULL)
        return FALSE;
      g_string_assign (out, n);
      return TRUE;
    }

  /* a quoted string without escapes is as short as it gets: the other quote is no shorter
   * and a long bracket is longer */
  if (!(tok->flags & MW_LUA_TOKEN_FLAG_LONG) && memchr (text, '\\', tok->length) == NULL)
    return FALSE;
  g_string_truncate (scratch, 0);
  mw_lua_token_decode_string (m->src, tok, scratch);
  {
    gsize dq = 0, sq = 0;
    for (gsize i = 0; i < scratch->len; i++)
      {
        dq += scratch->str[i] == '"';
        sq += scratch->str[i] == '\'';
      }
    quote_string (scratch, sq < dq ? '\'' : '"', out);
  }
  if (m->opt->keep_lines && lines != 0)
    g_string_truncate (out, 0); /* a quoted spelling has no line break */
  {
    GString *lng = m->long_scratch;
    g_string_truncate (lng, 0);
    if (long_string (scratch, lng)
        && (!m->opt->keep_lines || count_breaks (lng->str, lng->len) == lines)
        && (out->len == 0 || lng->len < out->len))
      {
        g_string_truncate (out, 0);
        g_string_append_len (out, lng->str, lng->len);
      }
  }
  return out->len > 0 && out->len < tok->length;
}

/* ---- tokens that can go ----------------------------------------------------------------- */

/* `f("x")` and `f({...})` compile exactly as `f"x"` and `f{...}` (funcargs: one string or
 * constructor argument, and `(` with one such expression, both end in the same
 * luaK_exp2nextreg); a separator before `}` ends a constructor and emits nothing. */
static void
find_droppable (Minifier *m)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  MwLuaNode *root = mw_lua_tree_get_root (m->tree);

  m->drop = g_new0 (guint8, m->n_toks);
  for (guint t = 0; t + 1 < m->n_toks; t++)
    if ((m->toks[t].kind == MW_LUA_TOKEN_COMMA || m->toks[t].kind == MW_LUA_TOKEN_SEMICOLON)
        && m->toks[t + 1].kind == MW_LUA_TOKEN_RBRACE)
      m->drop[t] = TRUE;

  if (root != NULL)
    g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      MwLuaNode *n = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      for (guint k = 0; k < G_N_ELEMENTS (n->kids); k++)
        if (n->kids[k] != NULL)
          g_ptr_array_add (stack, n->kids[k]);
      if (n->next != NULL)
        g_ptr_array_add (stack, n->next);
      if ((n->kind == MW_LUA_NODE_NUMFOR || n->kind == MW_LUA_NODE_GENFOR) && n->u.body != NULL)
        g_ptr_array_add (stack, n->u.body);

      if ((n->kind == MW_LUA_NODE_CALL || n->kind == MW_LUA_NODE_METHCALL)
          && !(n->flags & (MW_LUA_NODE_FLAG_STRARG | MW_LUA_NODE_FLAG_TABLEARG))
          && n->kids[1] != NULL && n->kids[1]->next == NULL
          && (n->kids[1]->kind == MW_LUA_NODE_STRING || n->kids[1]->kind == MW_LUA_NODE_TABLE))
        {
          guint lp = n->kids[1]->first - 1, rp = n->kids[1]->last + 1;

          if (n->kids[1]->first == 0 || rp >= m->n_toks || m->toks[lp].kind != MW_LUA_TOKEN_LPAREN
              || m->toks[rp].kind != MW_LUA_TOKEN_RPAREN)
            continue;
          /* the call's line is the line of `(` or of the argument */
          if (m->opt->keep_lines && m->toks[lp].line != m->toks[rp].end_line)
            continue;
          m->drop[lp] = m->drop[rp] = TRUE;
        }
    }
}

/* ---- printing ---------------------------------------------------------------------------- */

typedef struct
{
  GString *out;
  char last; /* last byte printed, 0 after a line break or at the start */
  gboolean last_number; /* the last token was a numeral */
  guint line; /* line of the output's current line (keep_lines) */
} Printer;

static gboolean
is_word (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* TRUE when `next` printed right after the last token would lex differently. */
static gboolean
needs_space (const Printer *p, const char *next)
{
  char a = p->last, b = next[0];

  if (a == 0)
    return FALSE;
  if (is_word (a) && is_word (b))
    return TRUE;
  if (p->last_number && (is_word (b) || b == '.'))
    return TRUE; /* `1 ..x`, `1. ..x`: a numeral eats letters, digits and dots */
  if (a == '.' && b == '.')
    return TRUE;
  if (a == '-' && b == '-')
    return TRUE; /* `a - -b` is not a comment */
  if (a == '[' && (b == '[' || b == '='))
    return TRUE; /* `[[` or `[=` would open a long string */
  if ((a == '=' || a == '<' || a == '>' || a == '~') && b == '=')
    return TRUE;
  return FALSE;
}

static void
print_text (Printer *p, const char *text, gsize len, guint line, guint end_line,
            gboolean keep_lines, gboolean number)
{
  if (keep_lines && line > p->line)
    {
      for (; p->line < line; p->line++)
        g_string_append_c (p->out, '\n');
      p->last = 0;
    }
  if (len == 0)
    return;
  if (needs_space (p, text))
    g_string_append_c (p->out, ' ');
  g_string_append_len (p->out, text, len);
  p->last = text[len - 1];
  p->last_number = number;
  if (end_line > p->line)
    p->line = end_line;
}

static gboolean
keep_comment (const MwLuaMinifyOptions *opt, const char *text, gsize len)
{
  if (opt->keep_comments == NULL)
    return FALSE;
  for (guint i = 0; i < opt->keep_comments->len; i++)
    if (g_regex_match_full (opt->keep_comments->pdata[i], text, len, 0, 0, NULL, NULL))
      return TRUE;
  return FALSE;
}

static void
print_chunk (Minifier *m, GString *out)
{
  const MwLuaMinifyOptions *opt = m->opt;
  guint n_comments = 0;
  const MwLuaComment *comments = mw_lua_tree_get_comments (m->tree, &n_comments);
  guint32 shebang = mw_lua_tree_get_shebang_length (m->tree);
  Printer p = { out, 0, FALSE, 1 };
  g_autoptr (GByteArray) nest = g_byte_array_new ();
  g_autoptr (GString) lit = g_string_new (NULL);
  g_autoptr (GString) scratch = g_string_new (NULL);
  guint ci = 0;

  if (shebang > 0)
    {
      gsize len = shebang;
      while (len > 0 && (m->src[len - 1] == '\n' || m->src[len - 1] == '\r'))
        len--;
      if (!opt->drop_shebang)
        g_string_append_len (out, m->src, len);
      /* the line break only when the file has one: a file of just a shebang stays so */
      if ((!opt->drop_shebang || opt->keep_lines) && len < m->n_src)
        g_string_append_c (out, '\n');
      p.line = 2;
    }

  for (guint t = 0; t < m->n_toks; t++)
    {
      const MwLuaToken *tok = &m->toks[t];
      const char *text = m->src + tok->offset;
      gsize len = tok->length;
      guint8 top = nest->len > 0 ? nest->data[nest->len - 1] : 0;

      if (m->drop[t])
        continue;

      for (; ci < n_comments && comments[ci].offset < tok->offset; ci++)
        {
          const MwLuaComment *c = &comments[ci];
          const char *ctext = m->src + c->offset;

          if (!keep_comment (opt, ctext, c->length))
            continue;
          if (opt->keep_lines && c->line > p.line)
            print_text (&p, "", 0, c->line, c->line, TRUE, FALSE);
          if (p.last == '-')
            g_string_append_c (out, ' ');
          g_string_append_len (out, ctext, c->length);
          p.line = c->line + count_breaks (ctext, c->length);
          p.last = ctext[c->length - 1];
          p.last_number = FALSE;
          if (c->level < 0)
            {
              /* a short comment runs to the end of its line */
              g_string_append_c (out, '\n');
              p.line++;
              p.last = 0;
            }
        }

      switch (tok->kind)
        {
          case MW_LUA_TOKEN_EOF:
            if (opt->keep_lines)
              print_text (&p, "", 0, tok->line, tok->line, TRUE, FALSE);
            continue;
          case MW_LUA_TOKEN_NAME:
            if (m->tok_local != NULL && m->tok_local[t] > 0
                && g_array_index (m->locals, Local, m->tok_local[t] - 1).name[0] != '\0')
              {
                text = g_array_index (m->locals, Local, m->tok_local[t] - 1).name;
                len = strlen (text);
              }
            break;
          case MW_LUA_TOKEN_NUMBER:
          case MW_LUA_TOKEN_STRING:
            if (!opt->no_literals && shorten_literal (m, tok, lit, scratch))
              {
                text = lit->str;
                len = lit->len;
                m->n_literals++;
              }
            break;
          case MW_LUA_TOKEN_SEMICOLON:
            /* a statement separator is optional, except before `(`, where the next statement
             * would read as a call; in a table constructor it separates fields */
            if (top != '{' && t + 1 < m->n_toks && m->toks[t + 1].kind != MW_LUA_TOKEN_LPAREN)
              continue;
            break;
          case MW_LUA_TOKEN_LBRACE:
          case MW_LUA_TOKEN_LPAREN:
          case MW_LUA_TOKEN_LBRACKET:
          case MW_LUA_TOKEN_FUNCTION:
          case MW_LUA_TOKEN_IF:
          case MW_LUA_TOKEN_DO:
          case MW_LUA_TOKEN_REPEAT:
            g_byte_array_append (nest, (const guint8 *) text, 1);
            break;
          case MW_LUA_TOKEN_RBRACE:
          case MW_LUA_TOKEN_RPAREN:
          case MW_LUA_TOKEN_RBRACKET:
          case MW_LUA_TOKEN_END:
          case MW_LUA_TOKEN_UNTIL:
            if (nest->len > 0)
              g_byte_array_set_size (nest, nest->len - 1);
            break;
          default:
            break;
        }
      print_text (&p, text, len, tok->line, tok->end_line, opt->keep_lines,
                  tok->kind == MW_LUA_TOKEN_NUMBER);
    }
}

/* ---- the whole pipeline ------------------------------------------------------------------ */

GBytes *
mw_lua_minify (const char *chunkname, const char *source, gsize length,
               const MwLuaMinifyOptions *options, MwLuaMinifyReport *report, GError **error)
{
  static const MwLuaMinifyOptions defaults = { 0 };
  g_autoptr (MwLuaTree) tree = NULL;
  g_autoptr (MwLuaMinifyVerify) verify = NULL;
  Minifier m = { 0 };
  GString *out;
  g_autofree char *difference = NULL;
  guint functions = 0;

  g_return_val_if_fail (chunkname != NULL, NULL);
  g_return_val_if_fail (source != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;
  if (source == NULL)
    source = "";
  if (length >= G_MAXUINT32)
    {
      g_set_error (error, MW_LUA_MINIFY_ERROR, MW_LUA_MINIFY_ERROR_TOO_LARGE,
                   "%s: too large to minify", chunkname);
      return NULL;
    }
  /* liblua compiles the input on a worker while the front end reads it */
  verify = mw_lua_minify_verify_start (chunkname, source, length, options->keep_lines);
  tree = mw_lua_tree_parse (chunkname, source, length, MW_LUA_PARSE_SKIP_SHEBANG);
  if (!mw_lua_tree_is_valid (tree))
    {
      g_autofree char *msg = mw_lua_diagnostic_format (mw_lua_tree_get_error (tree), chunkname);
      g_set_error (error, MW_LUA_MINIFY_ERROR, MW_LUA_MINIFY_ERROR_SYNTAX, "%s", msg);
      return NULL;
    }

  m.tree = tree;
  m.src = mw_lua_tree_get_source (tree, &m.n_src);
  m.toks = mw_lua_tree_get_tokens (tree, &m.n_toks);
  m.opt = options;
  m.long_scratch = g_string_new (NULL);
  if (!options->no_rename)
    rename_locals (&m);
  find_droppable (&m);

  out = g_string_sized_new (length / 2 + 16);
  print_chunk (&m, out);

  if (!mw_lua_minify_verify_finish (verify, out->str, out->len, &functions, &difference))
    {
      g_set_error (error, MW_LUA_MINIFY_ERROR, MW_LUA_MINIFY_ERROR_VERIFY,
                   "%s: the minified chunk does not compile to the same bytecode: %s", chunkname,
                   difference);
      g_string_free (out, TRUE);
      minifier_clear (&m);
      return NULL;
    }

  if (report != NULL)
    {
      report->input_bytes = length;
      report->output_bytes = out->len;
      report->renamed = m.n_renamed;
      report->literals = m.n_literals;
      report->functions = functions;
    }
  minifier_clear (&m);
  return g_string_free_to_bytes (out);
}
