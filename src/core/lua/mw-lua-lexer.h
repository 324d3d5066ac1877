/* mw-lua-lexer.h: the Lua 5.1 lexer, byte-exact and lossless.
 *
 * Tokens carry their byte range, line and column; the whitespace and comments before a token
 * (its trivia) are the bytes from `trivia` to `offset`, so concatenating every token's trivia
 * and text reproduces the source exactly. Scanning follows Lua 5.1's llex.c rule for rule,
 * including its quirks (the `[[` nesting error, unknown escapes kept, strtod numerals).
 */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* ORDER MW_LUA_TOKEN: keep mw_lua_token_names[] in mw-lua-lexer.c in the same order. */
typedef enum
{
  MW_LUA_TOKEN_EOF,
  MW_LUA_TOKEN_ERROR, /* a lexical error; the tree's first diagnostic says which */
  MW_LUA_TOKEN_NAME,
  MW_LUA_TOKEN_NUMBER,
  MW_LUA_TOKEN_STRING, /* quoted or long-bracket string: see MW_LUA_TOKEN_FLAG_LONG */
  /* reserved words, in alphabetical order as in Lua */
  MW_LUA_TOKEN_AND,
  MW_LUA_TOKEN_BREAK,
  MW_LUA_TOKEN_DO,
  MW_LUA_TOKEN_ELSE,
  MW_LUA_TOKEN_ELSEIF,
  MW_LUA_TOKEN_END,
  MW_LUA_TOKEN_FALSE,
  MW_LUA_TOKEN_FOR,
  MW_LUA_TOKEN_FUNCTION,
  MW_LUA_TOKEN_IF,
  MW_LUA_TOKEN_IN,
  MW_LUA_TOKEN_LOCAL,
  MW_LUA_TOKEN_NIL,
  MW_LUA_TOKEN_NOT,
  MW_LUA_TOKEN_OR,
  MW_LUA_TOKEN_REPEAT,
  MW_LUA_TOKEN_RETURN,
  MW_LUA_TOKEN_THEN,
  MW_LUA_TOKEN_TRUE,
  MW_LUA_TOKEN_UNTIL,
  MW_LUA_TOKEN_WHILE,
  /* multi-character symbols */
  MW_LUA_TOKEN_CONCAT, /* .. */
  MW_LUA_TOKEN_DOTS, /* ... */
  MW_LUA_TOKEN_EQ, /* == */
  MW_LUA_TOKEN_GE, /* >= */
  MW_LUA_TOKEN_LE, /* <= */
  MW_LUA_TOKEN_NE, /* ~= */
  /* single-character symbols */
  MW_LUA_TOKEN_PLUS,
  MW_LUA_TOKEN_MINUS,
  MW_LUA_TOKEN_STAR,
  MW_LUA_TOKEN_SLASH,
  MW_LUA_TOKEN_PERCENT,
  MW_LUA_TOKEN_CARET,
  MW_LUA_TOKEN_HASH,
  MW_LUA_TOKEN_LT,
  MW_LUA_TOKEN_GT,
  MW_LUA_TOKEN_ASSIGN,
  MW_LUA_TOKEN_LPAREN,
  MW_LUA_TOKEN_RPAREN,
  MW_LUA_TOKEN_LBRACE,
  MW_LUA_TOKEN_RBRACE,
  MW_LUA_TOKEN_LBRACKET,
  MW_LUA_TOKEN_RBRACKET,
  MW_LUA_TOKEN_SEMICOLON,
  MW_LUA_TOKEN_COLON,
  MW_LUA_TOKEN_COMMA,
  MW_LUA_TOKEN_DOT,
  /* any other byte (`@`, `$`, `!`, `~` alone, NUL, 0x80-0xFF): Lua returns the byte itself,
   * which no grammar rule accepts */
  MW_LUA_TOKEN_OTHER,
  MW_LUA_TOKEN_N_KINDS
} MwLuaTokenKind;

#define MW_LUA_TOKEN_FIRST_KEYWORD MW_LUA_TOKEN_AND
#define MW_LUA_TOKEN_LAST_KEYWORD MW_LUA_TOKEN_WHILE

typedef enum
{
  MW_LUA_TOKEN_FLAG_LONG = 1 << 0, /* long-bracket string: `level` gives the `=` count */
  MW_LUA_TOKEN_FLAG_GLOBAL = 1 << 1, /* a NAME resolved to a global (set by the parser) */
  MW_LUA_TOKEN_FLAG_LOCAL = 1 << 2, /* a NAME that declares or uses a local */
  MW_LUA_TOKEN_FLAG_FIELD = 1 << 3, /* a NAME used as a field or method name */
  MW_LUA_TOKEN_FLAG_WRITE = 1 << 4, /* a NAME assigned to (global or local) */
  MW_LUA_TOKEN_FLAG_DECL = 1 << 5, /* a NAME that declares a local */
} MwLuaTokenFlags;

typedef struct
{
  guint8 kind; /* MwLuaTokenKind */
  guint8 flags; /* MwLuaTokenFlags */
  guint16 level; /* long strings: number of `=` in the bracket */
  guint32 offset; /* byte offset of the first byte */
  guint32 length; /* length in bytes */
  guint32 line; /* 1-based line of the first byte */
  guint32 column; /* 1-based byte column of the first byte */
  guint32 end_line; /* line of the last byte (long strings and escaped newlines span lines) */
  guint32 trivia; /* offset where the whitespace and comments before this token start */
} MwLuaToken;

typedef struct
{
  guint32 offset; /* of the leading `--` */
  guint32 length; /* up to, not including, the end of line (short) or through `]=]` */
  guint32 line;
  guint32 column;
  gint32 level; /* -1 for a short comment, else the long bracket's `=` count */
} MwLuaComment;

/* The result of lexing: tokens end with exactly one EOF or ERROR token. */
typedef struct
{
  GArray *tokens; /* MwLuaToken */
  GArray *comments; /* MwLuaComment */
  guint32 shebang; /* length of a skipped first line starting with '#', else 0 */
  guint32 n_lines; /* lines in the source (Lua's count at end of input) */
  /* when the last token is MW_LUA_TOKEN_ERROR: */
  char *error_message; /* e.g. "unfinished string" */
  char *error_near; /* the text Lua quotes after "near", or NULL for none */
  guint32 error_line;
} MwLuaLexResult;

typedef enum
{
  MW_LUA_LEX_NONE = 0,
  MW_LUA_LEX_SKIP_SHEBANG = 1 << 0, /* as luaL_loadfile: a first line starting with '#' */
} MwLuaLexFlags;

extern const char *const mw_lua_token_names[MW_LUA_TOKEN_N_KINDS];

/* A hash of a name's or a string's bytes for the tables of names and constants: eight bytes
 * per multiply, so that the dependency chain stays short (a byte-wise FNV costs a multiply
 * per byte, on every name the parser resolves). */
static inline guint32
mw_lua_bytes_hash (const char *s, gsize len)
{
  guint64 h = 0x9e3779b97f4a7c15u ^ len;
  guint64 w;

  if (len >= 8)
    {
      gsize n = len;
      for (; n > 8; s += 8, n -= 8)
        {
          memcpy (&w, s, 8);
          h = (h ^ w) * 0xff51afd7ed558ccdu;
          h ^= h >> 32;
        }
      memcpy (&w, s + n - 8, 8); /* the last 8 bytes, overlapping what came before */
    }
  else if (len >= 4)
    {
      guint32 a, b;
      memcpy (&a, s, 4);
      memcpy (&b, s + len - 4, 4);
      w = ((guint64) a << 32) | b;
    }
  else if (len > 0)
    w = ((guint64) (guchar) s[0] << 16) | ((guint64) (guchar) s[len / 2] << 8)
        | (guchar) s[len - 1];
  else
    w = 0;
  h = (h ^ w) * 0xff51afd7ed558ccdu;
  h ^= h >> 29;
  return (guint32) h;
}

void mw_lua_lex (const char *source, gsize length, MwLuaLexFlags flags, MwLuaLexResult *result);
void mw_lua_lex_result_clear (MwLuaLexResult *result);

const char *mw_lua_token_kind_to_string (MwLuaTokenKind kind);

/* Decodes a STRING token into its value (escapes, long-bracket leading newline).
 * Bytes are copied as they are: no encoding is assumed. */
void mw_lua_token_decode_string (const char *source, const MwLuaToken *token, GString *out);

/* Converts a NUMBER token as Lua 5.1 does (strtod, then strtoul for hex).
 * Returns FALSE for a malformed numeral. */
gboolean mw_lua_numeral_to_double (const char *text, gsize length, double *value);

/* A name (a board's file name, a chunk's source) for a message or a line of output: control
 * characters and backslashes as C escapes (`\n`, `\r`, `\t`, `\\`, `\ooo`), so a name with
 * a line break stays on its line. */
char *mw_lua_printable_name (const char *name);

G_END_DECLS
