/* mw-lua-lexer.c: Lua 5.1 tokens, rule for rule as llex.c scans them.
 *
 * The whole source is tokenized in one pass into an array. Lua reads lazily, so a lexical
 * error is reported only when the parser reaches it: the lexer stops at the first error and
 * leaves an ERROR token there, which the parser turns into the diagnostic when it gets to it.
 * Character classes are ASCII (the firmware runs in the C locale); bytes >= 0x80 are neither
 * letters nor spaces, as in Lua.
 */
#include "mw-lua-lexer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ORDER MW_LUA_TOKEN */
const char *const mw_lua_token_names[MW_LUA_TOKEN_N_KINDS] = {
  "<eof>",  "<error>", "<name>", "<number>", "<string>", "and",  "break", "do",     "else",
  "elseif", "end",     "false",  "for",      "function", "if",   "in",    "local",  "nil",
  "not",    "or",      "repeat", "return",   "then",     "true", "until", "while",  "..",
  "...",    "==",      ">=",     "<=",       "~=",       "+",    "-",     "*",      "/",
  "%",      "^",       "#",      "<",        ">",        "=",    "(",     ")",      "{",
  "}",      "[",       "]",      ";",        ":",        ",",    ".",     "<char>",
};

const char *
mw_lua_token_kind_to_string (MwLuaTokenKind kind)
{
  g_return_val_if_fail (kind < MW_LUA_TOKEN_N_KINDS, "?");
  return mw_lua_token_names[kind];
}

typedef struct
{
  const guchar *src;
  gsize len;
  gsize pos;
  guint32 line;
  gsize line_start; /* offset of the first byte of the current line */
  MwLuaLexResult *res;
  GString *near; /* what Lua's buffer would hold, for error messages */
} Lexer;

#define EOZ (-1)

static inline int
cur (const Lexer *lx)
{
  return lx->pos < lx->len ? lx->src[lx->pos] : EOZ;
}

static inline int
peek (const Lexer *lx, gsize ahead)
{
  return lx->pos + ahead < lx->len ? lx->src[lx->pos + ahead] : EOZ;
}

static inline gboolean
is_newline (int c)
{
  return c == '\n' || c == '\r';
}

/* isspace() in the C locale, less the newlines handled separately: a table, as this runs
 * for every byte of indentation */
static const guint8 space_chars[256] = {
  [' '] = 1,
  ['\t'] = 1,
  ['\v'] = 1,
  ['\f'] = 1,
};

static inline gboolean
is_digit (int c)
{
  return c >= '0' && c <= '9';
}

static inline gboolean
is_alpha (int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline gboolean
is_alnum (int c)
{
  return is_alpha (c) || is_digit (c);
}

/* the bytes a name continues with ([A-Za-z0-9_]): one load per byte in the hottest loop */
static const guint8 name_chars[256] = {
  ['0' ... '9'] = 1,
  ['A' ... 'Z'] = 1,
  ['a' ... 'z'] = 1,
  ['_'] = 1,
};

/* The offset of the end of the current line (its \n or \r, or the end of input), found
 * with memchr: comments are a good part of many sources. */
static gsize
line_end (const Lexer *lx)
{
  const guchar *p = lx->src + lx->pos;
  gsize n = lx->len - lx->pos;
  const guchar *nl = memchr (p, '\n', n);
  const guchar *cr;

  if (nl != NULL)
    n = nl - p;
  /* a lone \r ends a line too (old Mac files) */
  cr = memchr (p, '\r', n);
  if (cr != NULL)
    return cr - lx->src;
  return lx->pos + n;
}

/* inclinenumber: skips \n, \r, \n\r or \r\n and counts one line */
static void
inc_line (Lexer *lx)
{
  int old = cur (lx);
  lx->pos++;
  if (is_newline (cur (lx)) && cur (lx) != old)
    lx->pos++;
  lx->line++;
  lx->line_start = lx->pos;
}

static void
lex_error (Lexer *lx, const char *msg, const char *near)
{
  MwLuaLexResult *res = lx->res;

  if (res->error_message != NULL)
    return;
  res->error_message = g_strdup (msg);
  res->error_near = g_strdup (near);
  res->error_line = lx->line;
}

static void
lex_error_buffer (Lexer *lx, const char *msg)
{
  lex_error (lx, msg, lx->near->str);
}

/* skip_sep: at '[' or ']'; consumes it and any '='; returns the level if the same bracket
 * follows, else -(level) - 1 */
static int
skip_sep (Lexer *lx, gboolean save)
{
  int count = 0;
  int s = cur (lx);

  if (save)
    g_string_append_c (lx->near, (char) s);
  lx->pos++;
  while (cur (lx) == '=')
    {
      if (save)
        g_string_append_c (lx->near, '=');
      lx->pos++;
      count++;
    }
  return cur (lx) == s ? count : -count - 1;
}

/* the bytes a long string or comment must look at: brackets and newlines */
static const guint8 long_stops[256] = {
  ['['] = 1,
  [']'] = 1,
  ['\n'] = 1,
  ['\r'] = 1,
};

/* read_long_string: after the opening bracket's level is known, at its second '['.
 * Returns FALSE after an error. */
static gboolean
read_long (Lexer *lx, int sep, gboolean is_string)
{
  lx->pos++; /* the second '[' */
  if (is_newline (cur (lx)))
    inc_line (lx);
  for (;;)
    {
      switch (cur (lx))
        {
          case EOZ:
            lex_error (lx, is_string ? "unfinished long string" : "unfinished long comment",
                       "<eof>");
            return FALSE;
          case '[':
            /* LUA_COMPAT_LSTR == 1: a nested opening bracket of the same level is an error
             * for level 0 and allowed (but counted) for higher levels */
            if (skip_sep (lx, FALSE) == sep)
              {
                lx->pos++;
                if (sep == 0)
                  {
                    lex_error (lx, "nesting of [[...]] is deprecated", "[");
                    return FALSE;
                  }
              }
            break;
          case ']':
            if (skip_sep (lx, FALSE) == sep)
              {
                lx->pos++;
                return TRUE;
              }
            break;
          case '\n':
          case '\r':
            inc_line (lx);
            break;
          default:
            /* the body up to the next byte that matters, in one tight loop */
            do
              lx->pos++;
            while (lx->pos < lx->len && !long_stops[lx->src[lx->pos]]);
        }
    }
}

/* The byte a one-character escape stands for (llex.c read_string): \a \b \f \n \r \t \v
 * are control characters; any other character (\\, \", \', ...) stands for itself. Shared
 * by the scanner and the decoder so that both read escapes the same way. */
static inline int
escape_char (int c)
{
  static const char control[128] = {
    ['a'] = '\a', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n',
    ['r'] = '\r', ['t'] = '\t', ['v'] = '\v',
  };
  return c >= 0 && c < 128 && control[c] != 0 ? control[c] : c;
}

/* The value of a quoted string's body from `s` to `e` (no delimiters), appended to `out`.
 * Runs without a backslash are copied whole: most strings have none. */
static void
decode_quoted (const guchar *s, const guchar *e, GString *out)
{
  while (s < e)
    {
      const guchar *bs = memchr (s, '\\', e - s);
      int c;

      if (bs == NULL)
        {
          g_string_append_len (out, (const char *) s, e - s);
          return;
        }
      g_string_append_len (out, (const char *) s, bs - s);
      s = bs + 1;
      if (s == e)
        return;
      c = *s;
      if (is_newline (c))
        {
          /* an escaped newline: \n, \r, \n\r or \r\n reads as one \n */
          guchar first = *s++;
          if (s < e && is_newline (*s) && *s != first)
            s++;
          g_string_append_c (out, '\n');
        }
      else if (is_digit (c))
        {
          int i = 0;
          c = 0;
          do
            c = 10 * c + (*s++ - '0');
          while (++i < 3 && s < e && is_digit (*s));
          g_string_append_c (out, (char) c);
        }
      else
        {
          g_string_append_c (out, (char) escape_char (c));
          s++;
        }
    }
}

/* a string error quotes what Lua's buffer holds: the delimiter and the value read so far,
 * from the string's start up to `upto` */
static void
string_error (Lexer *lx, gsize start, gsize upto, const char *msg)
{
  g_string_truncate (lx->near, 0);
  g_string_append_c (lx->near, (char) lx->src[start]);
  decode_quoted (lx->src + start + 1, lx->src + upto, lx->near);
  lex_error_buffer (lx, msg);
}

/* read_string: a quoted string from its opening delimiter. Only scanned here: the value is
 * decoded when it is needed (mw_lua_token_decode_string), or for an error message. */
static gboolean
read_string (Lexer *lx, int del)
{
  gsize start = lx->pos;

  lx->pos++;
  while (cur (lx) != del)
    {
      int c = cur (lx);
      switch (c)
        {
          case EOZ:
            lex_error (lx, "unfinished string", "<eof>");
            return FALSE;
          case '\n':
          case '\r':
            string_error (lx, start, lx->pos, "unfinished string");
            return FALSE;
          case '\\':
            lx->pos++;
            c = cur (lx);
            if (is_newline (c))
              inc_line (lx);
            else if (is_digit (c))
              {
                int i = 0, value = 0;
                do
                  {
                    value = 10 * value + (cur (lx) - '0');
                    lx->pos++;
                  }
                while (++i < 3 && is_digit (cur (lx)));
                if (value > 255)
                  {
                    string_error (lx, start, lx->pos - i - 1, "escape sequence too large");
                    return FALSE;
                  }
              }
            else if (c != EOZ) /* EOZ: reported as unfinished at the top of the loop */
              lx->pos++;
            break;
          default:
            /* plain bytes up to the next that matters, in one tight loop */
            do
              lx->pos++;
            while (lx->pos < lx->len && lx->src[lx->pos] != del && lx->src[lx->pos] != '\\'
                   && !is_newline (lx->src[lx->pos]));
        }
    }
  lx->pos++;
  return TRUE;
}

gboolean
mw_lua_numeral_to_double (const char *text, gsize length, double *value)
{
  char buf[128];
  g_autofree char *heap = NULL;
  char *s, *end;
  double v;
  gsize i;

  /* most numerals are a few decimal digits: below 2^53 their value is exact, which is what
   * strtod would round to, so the library call is saved */
  for (i = 0, v = 0; i < length && i < 15 && is_digit (text[i]); i++)
    v = v * 10 + (text[i] - '0');
  if (i == length && length > 0)
    {
      if (value != NULL)
        *value = v;
      return TRUE;
    }

  if (length < sizeof buf)
    s = buf;
  else
    s = heap = g_malloc (length + 1);
  memcpy (s, text, length);
  s[length] = '\0';

  /* luaO_str2d: strtod (in the C locale), then hexadecimal through strtoul */
  v = g_ascii_strtod (s, &end);
  if (end == s)
    return FALSE;
  if (*end == 'x' || *end == 'X')
    v = (double) strtoul (s, &end, 16);
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r' || *end == '\v'
         || *end == '\f')
    end++;
  if (*end != '\0')
    return FALSE;
  if (value != NULL)
    *value = v;
  return TRUE;
}

static gboolean
read_numeral (Lexer *lx)
{
  gsize start = lx->pos;

  do
    lx->pos++;
  while (is_digit (cur (lx)) || cur (lx) == '.');
  if (cur (lx) == 'E' || cur (lx) == 'e')
    {
      lx->pos++;
      if (cur (lx) == '+' || cur (lx) == '-')
        lx->pos++;
    }
  while (is_alnum (cur (lx)) || cur (lx) == '_')
    lx->pos++;
  if (!mw_lua_numeral_to_double ((const char *) lx->src + start, lx->pos - start, NULL))
    {
      g_string_truncate (lx->near, 0);
      g_string_append_len (lx->near, (const char *) lx->src + start, lx->pos - start);
      lex_error_buffer (lx, "malformed number");
      return FALSE;
    }
  return TRUE;
}

/* Keywords by length, so that a name costs at most a few fixed-size comparisons: this runs
 * for every name in the source. */
static MwLuaTokenKind
name_kind (const guchar *s, gsize n)
{
#define KW(word, kind) \
  if (memcmp (s, word, sizeof word - 1) == 0) \
  return MW_LUA_TOKEN_##kind
  switch (n)
    {
      case 2:
        KW ("do", DO);
        KW ("if", IF);
        KW ("in", IN);
        KW ("or", OR);
        break;
      case 3:
        KW ("and", AND);
        KW ("end", END);
        KW ("for", FOR);
        KW ("nil", NIL);
        KW ("not", NOT);
        break;
      case 4:
        KW ("else", ELSE);
        KW ("then", THEN);
        KW ("true", TRUE);
        break;
      case 5:
        KW ("break", BREAK);
        KW ("false", FALSE);
        KW ("local", LOCAL);
        KW ("until", UNTIL);
        KW ("while", WHILE);
        break;
      case 6:
        KW ("elseif", ELSEIF);
        KW ("repeat", REPEAT);
        KW ("return", RETURN);
        break;
      case 8:
        KW ("function", FUNCTION);
        break;
      default:
        break;
    }
#undef KW
  return MW_LUA_TOKEN_NAME;
}

static MwLuaTokenKind
single_kind (int c)
{
  switch (c)
    {
      case '+':
        return MW_LUA_TOKEN_PLUS;
      case '-':
        return MW_LUA_TOKEN_MINUS;
      case '*':
        return MW_LUA_TOKEN_STAR;
      case '/':
        return MW_LUA_TOKEN_SLASH;
      case '%':
        return MW_LUA_TOKEN_PERCENT;
      case '^':
        return MW_LUA_TOKEN_CARET;
      case '#':
        return MW_LUA_TOKEN_HASH;
      case '<':
        return MW_LUA_TOKEN_LT;
      case '>':
        return MW_LUA_TOKEN_GT;
      case '=':
        return MW_LUA_TOKEN_ASSIGN;
      case '(':
        return MW_LUA_TOKEN_LPAREN;
      case ')':
        return MW_LUA_TOKEN_RPAREN;
      case '{':
        return MW_LUA_TOKEN_LBRACE;
      case '}':
        return MW_LUA_TOKEN_RBRACE;
      case '[':
        return MW_LUA_TOKEN_LBRACKET;
      case ']':
        return MW_LUA_TOKEN_RBRACKET;
      case ';':
        return MW_LUA_TOKEN_SEMICOLON;
      case ':':
        return MW_LUA_TOKEN_COLON;
      case ',':
        return MW_LUA_TOKEN_COMMA;
      case '.':
        return MW_LUA_TOKEN_DOT;
      default:
        return MW_LUA_TOKEN_OTHER;
    }
}

/* Scans one token after the trivia; returns its kind, or ERROR. */
static MwLuaTokenKind
scan (Lexer *lx, MwLuaToken *tok)
{
  for (;;)
    {
      int c;

      /* indentation is a good part of most sources: skipped in one tight loop */
      while (lx->pos < lx->len && space_chars[lx->src[lx->pos]])
        lx->pos++;
      c = cur (lx);
      tok->offset = lx->pos;
      tok->line = lx->line;
      tok->column = lx->pos - lx->line_start + 1;

      switch (c)
        {
          case EOZ:
            return MW_LUA_TOKEN_EOF;
          case '\n':
          case '\r':
            inc_line (lx);
            continue;
          case '-':
            if (peek (lx, 1) != '-')
              {
                lx->pos++;
                return MW_LUA_TOKEN_MINUS;
              }
            {
              MwLuaComment cm = { lx->pos, 0, lx->line, tok->column, -1 };
              lx->pos += 2;
              if (cur (lx) == '[')
                {
                  int sep = skip_sep (lx, FALSE);
                  if (sep >= 0)
                    {
                      if (!read_long (lx, sep, FALSE))
                        return MW_LUA_TOKEN_ERROR;
                      cm.level = sep;
                      cm.length = lx->pos - cm.offset;
                      g_array_append_val (lx->res->comments, cm);
                      continue;
                    }
                }
              lx->pos = line_end (lx);
              cm.length = lx->pos - cm.offset;
              g_array_append_val (lx->res->comments, cm);
              continue;
            }
          case '[':
            {
              int sep = skip_sep (lx, FALSE);
              if (sep >= 0)
                {
                  tok->level = sep;
                  tok->flags |= MW_LUA_TOKEN_FLAG_LONG;
                  return read_long (lx, sep, TRUE) ? MW_LUA_TOKEN_STRING : MW_LUA_TOKEN_ERROR;
                }
              if (sep == -1)
                return MW_LUA_TOKEN_LBRACKET;
              g_string_truncate (lx->near, 0);
              g_string_append_len (lx->near, (const char *) lx->src + tok->offset,
                                   lx->pos - tok->offset);
              lex_error_buffer (lx, "invalid long string delimiter");
              return MW_LUA_TOKEN_ERROR;
            }
          case '=':
            lx->pos++;
            if (cur (lx) != '=')
              return MW_LUA_TOKEN_ASSIGN;
            lx->pos++;
            return MW_LUA_TOKEN_EQ;
          case '<':
            lx->pos++;
            if (cur (lx) != '=')
              return MW_LUA_TOKEN_LT;
            lx->pos++;
            return MW_LUA_TOKEN_LE;
          case '>':
            lx->pos++;
            if (cur (lx) != '=')
              return MW_LUA_TOKEN_GT;
            lx->pos++;
            return MW_LUA_TOKEN_GE;
          case '~':
            lx->pos++;
            if (cur (lx) != '=')
              return MW_LUA_TOKEN_OTHER;
            lx->pos++;
            return MW_LUA_TOKEN_NE;
          case '"':
          case '\'':
            return read_string (lx, c) ? MW_LUA_TOKEN_STRING : MW_LUA_TOKEN_ERROR;
          case '.':
            if (peek (lx, 1) == '.')
              {
                if (peek (lx, 2) == '.')
                  {
                    lx->pos += 3;
                    return MW_LUA_TOKEN_DOTS;
                  }
                lx->pos += 2;
                return MW_LUA_TOKEN_CONCAT;
              }
            if (!is_digit (peek (lx, 1)))
              {
                lx->pos++;
                return MW_LUA_TOKEN_DOT;
              }
            return read_numeral (lx) ? MW_LUA_TOKEN_NUMBER : MW_LUA_TOKEN_ERROR;
          default:
            if (is_digit (c))
              return read_numeral (lx) ? MW_LUA_TOKEN_NUMBER : MW_LUA_TOKEN_ERROR;
            if (is_alpha (c) || c == '_')
              {
                gsize start = lx->pos;
                do
                  lx->pos++;
                while (lx->pos < lx->len && name_chars[lx->src[lx->pos]]);
                return name_kind (lx->src + start, lx->pos - start);
              }
            lx->pos++;
            return single_kind (c);
        }
    }
}

void
mw_lua_lex (const char *source, gsize length, MwLuaLexFlags flags, MwLuaLexResult *result)
{
  Lexer lx = { 0 };
  guint n_tokens = 0;

  g_return_if_fail (source != NULL || length == 0);
  g_return_if_fail (result != NULL);

  memset (result, 0, sizeof *result);
  /* about one token per 5 bytes of typical Lua */
  result->tokens = g_array_sized_new (FALSE, FALSE, sizeof (MwLuaToken), length / 5 + 16);
  g_array_set_size (result->tokens, length / 5 + 16);
  result->comments = g_array_new (FALSE, FALSE, sizeof (MwLuaComment));

  lx.src = (const guchar *) source;
  lx.len = length;
  lx.line = 1;
  lx.res = result;
  lx.near = g_string_new (NULL);

  if ((flags & MW_LUA_LEX_SKIP_SHEBANG) && length > 0 && source[0] == '#')
    {
      /* luaL_loadfile drops the line but keeps its newline, so lines still count */
      while (lx.pos < length && source[lx.pos] != '\n')
        lx.pos++;
      result->shebang = lx.pos;
    }

  for (;;)
    {
      MwLuaToken *tok;

      /* tokens are written in place (no g_array_append_val copy per token); the array is
       * grown by doubling and cut to size at the end */
      if (n_tokens == result->tokens->len)
        g_array_set_size (result->tokens, n_tokens * 2 + 16);
      tok = &g_array_index (result->tokens, MwLuaToken, n_tokens++);
      memset (tok, 0, sizeof *tok);
      tok->trivia = lx.pos;
      tok->kind = scan (&lx, tok);
      tok->length = lx.pos - tok->offset;
      if (tok->kind == MW_LUA_TOKEN_ERROR)
        {
          /* the error token spans what was scanned; its line is where Lua stopped */
          tok->end_line = result->error_line;
          break;
        }
      tok->end_line = lx.line;
      if (tok->kind == MW_LUA_TOKEN_EOF)
        break;
    }
  g_array_set_size (result->tokens, n_tokens);
  result->n_lines = lx.line;
  g_string_free (lx.near, TRUE);
}

void
mw_lua_lex_result_clear (MwLuaLexResult *result)
{
  g_return_if_fail (result != NULL);
  g_clear_pointer (&result->tokens, g_array_unref);
  g_clear_pointer (&result->comments, g_array_unref);
  g_clear_pointer (&result->error_message, g_free);
  g_clear_pointer (&result->error_near, g_free);
}

void
mw_lua_token_decode_string (const char *source, const MwLuaToken *token, GString *out)
{
  const guchar *s, *e;

  g_return_if_fail (token != NULL && token->kind == MW_LUA_TOKEN_STRING);

  s = (const guchar *) source + token->offset;
  e = s + token->length;
  if (token->flags & MW_LUA_TOKEN_FLAG_LONG)
    {
      guint skip = token->level + 2;
      s += skip;
      e -= skip;
      /* a newline right after the opening bracket is not part of the string */
      if (s < e && is_newline (*s))
        {
          guchar first = *s++;
          if (s < e && is_newline (*s) && *s != first)
            s++;
        }
      /* newlines of any style read as \n */
      while (s < e)
        {
          if (is_newline (*s))
            {
              guchar first = *s++;
              if (s < e && is_newline (*s) && *s != first)
                s++;
              g_string_append_c (out, '\n');
            }
          else
            g_string_append_c (out, (char) *s++);
        }
      return;
    }

  decode_quoted (s + 1, e - 1, out);
}

char *
mw_lua_printable_name (const char *name)
{
  GString *out = g_string_sized_new (strlen (name));

  for (const guchar *p = (const guchar *) name; *p; p++)
    {
      if (*p == '\n')
        g_string_append (out, "\\n");
      else if (*p == '\r')
        g_string_append (out, "\\r");
      else if (*p == '\t')
        g_string_append (out, "\\t");
      else if (*p == '\\')
        g_string_append (out, "\\\\");
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\%03o", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  return g_string_free (out, FALSE);
}
