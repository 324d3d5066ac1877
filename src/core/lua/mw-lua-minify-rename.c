/* mw-lua-minify-rename.c: the minifier's first pass, new names for locals (mw-lua-minifier.c
 * describes it). */
#include "mw-config.h"

#include <string.h>

#include "mw-lua-minifier-private.h"

#define N_FIRST 53
#define N_REST 63

static const char first_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
static const char rest_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";

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

/* Candidates below this index have one or two characters; globals that short get a slot. */
#define N_SHORT (N_FIRST + N_FIRST * N_REST)

static gint
compare_scope_start (gconstpointer a, gconstpointer b, gpointer data)
{
  GArray *locals = data;
  const MwLuaMinifyLocal *la = &g_array_index (locals, MwLuaMinifyLocal, *(const guint *) a);
  const MwLuaMinifyLocal *lb = &g_array_index (locals, MwLuaMinifyLocal, *(const guint *) b);

  if (la->var->scope_start != lb->var->scope_start)
    return la->var->scope_start < lb->var->scope_start ? -1 : 1;
  /* the same statement declares them: the later one is inner */
  return *(const guint *) a < *(const guint *) b ? -1 : (*(const guint *) a > *(const guint *) b);
}

static gint
compare_weight (gconstpointer a, gconstpointer b, gpointer data)
{
  GArray *locals = data;
  const MwLuaMinifyLocal *la = &g_array_index (locals, MwLuaMinifyLocal, *(const guint *) a);
  const MwLuaMinifyLocal *lb = &g_array_index (locals, MwLuaMinifyLocal, *(const guint *) b);

  if (la->weight != lb->weight)
    return la->weight > lb->weight ? -1 : 1;
  return *(const guint *) a < *(const guint *) b ? -1 : (*(const guint *) a > *(const guint *) b);
}

static void
add_edge (MwLuaMinifier *m, guint outer, guint inner)
{
  MwLuaMinifyLocal *lo = &g_array_index (m->locals, MwLuaMinifyLocal, outer);
  MwLuaMinifyLocal *li = &g_array_index (m->locals, MwLuaMinifyLocal, inner);

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
build_adjacency (MwLuaMinifier *m)
{
  guint total = 0;
  const guint *e = m->edges;

  for (guint i = 0; i < m->locals->len; i++)
    {
      MwLuaMinifyLocal *l = &g_array_index (m->locals, MwLuaMinifyLocal, i);
      l->adj_start = total;
      total += l->n_adj;
      l->n_adj = 0;
    }
  m->adj = g_new (guint, total + 1);
  for (guint k = 0; k + 1 < m->n_edges; k += 2)
    {
      MwLuaMinifyLocal *a = &g_array_index (m->locals, MwLuaMinifyLocal, e[k]);
      MwLuaMinifyLocal *b = &g_array_index (m->locals, MwLuaMinifyLocal, e[k + 1]);
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

void
mw_lua_minify_rename_locals (MwLuaMinifier *m)
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

  m->locals = g_array_new (FALSE, TRUE, sizeof (MwLuaMinifyLocal));
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
          MwLuaMinifyLocal l = { 0 };

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
      g_assert (li < m->locals->len && g_array_index (m->locals, MwLuaMinifyLocal, li).var == v);
      m->tok_local[t] = li + 1;
      g_array_index (m->locals, MwLuaMinifyLocal, li).weight++;
    }

  for (guint i = 0; i < m->locals->len; i++)
    {
      const MwLuaMinifyLocal *l = &g_array_index (m->locals, MwLuaMinifyLocal, i);
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
          MwLuaMinifyLocal *l = &g_array_index (m->locals, MwLuaMinifyLocal, i);
          if (l->var->scope_start != t)
            break;
          l->stack_pos = stack->len;
          g_array_append_val (stack, i);
          next_start++;
        }
      li = m->tok_local[t];
      if (li > 0 && !(m->toks[t].flags & MW_LUA_TOKEN_FLAG_DECL))
        {
          const MwLuaMinifyLocal *l = &g_array_index (m->locals, MwLuaMinifyLocal, li - 1);
          if (l->stack_pos < stack->len && g_array_index (stack, guint, l->stack_pos) == li - 1)
            for (guint s = l->stack_pos + 1; s < stack->len; s++)
              add_edge (m, li - 1, g_array_index (stack, guint, s));
        }
      while (stack->len > 0)
        {
          guint top = g_array_index (stack, guint, stack->len - 1);
          if (g_array_index (m->locals, MwLuaMinifyLocal, top).var->scope_end > t)
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
      const MwLuaMinifyLocal *l = &g_array_index (m->locals, MwLuaMinifyLocal, i);
      if (!l->fixed && !l->skip)
        g_array_append_val (by_weight, i);
    }
  g_array_sort_with_data (by_weight, compare_weight, m->locals);

  /* first fit, heaviest first; taken[c] == i + 1 marks candidate c as held by a neighbour */
  for (guint k = 0; k < by_weight->len; k++)
    {
      guint i = g_array_index (by_weight, guint, k);
      MwLuaMinifyLocal *l = &g_array_index (m->locals, MwLuaMinifyLocal, i);
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
              const MwLuaMinifyLocal *n =
                &g_array_index (m->locals, MwLuaMinifyLocal, neighbours[e]);
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
