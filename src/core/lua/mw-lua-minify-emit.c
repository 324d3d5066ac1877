/* mw-lua-minify-emit.c: the minifier's literals, dropped tokens and printing
 * (mw-lua-minifier.c describes them). */
#include "mw-config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mw-lua-minifier-private.h"

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
shorten_literal (MwLuaMinifier *m, const MwLuaToken *tok, GString *out, GString *scratch)
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
void
mw_lua_minify_find_droppable (MwLuaMinifier *m)
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

void
mw_lua_minify_print_chunk (MwLuaMinifier *m, GString *out)
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
                && g_array_index (m->locals, MwLuaMinifyLocal, m->tok_local[t] - 1).name[0] != '\0')
              {
                text = g_array_index (m->locals, MwLuaMinifyLocal, m->tok_local[t] - 1).name;
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
