/* mw-sim-sjson.c: the firmware's `sjson` module, in its simple form: encode(table) and
 * decode(string) (JSON null decodes to sjson.NULL). */
#include "mw-sim-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 20

/* ---- encode ---- */

static void
encode_string (luaL_Buffer *b, const char *s, size_t len)
{
  luaL_addchar (b, '"');
  for (size_t i = 0; i < len; i++)
    {
      guint8 c = (guint8) s[i];
      char esc[8];

      switch (c)
        {
          case '"':
            luaL_addstring (b, "\\\"");
            break;
          case '\\':
            luaL_addstring (b, "\\\\");
            break;
          case '\n':
            luaL_addstring (b, "\\n");
            break;
          case '\r':
            luaL_addstring (b, "\\r");
            break;
          case '\t':
            luaL_addstring (b, "\\t");
            break;
          default:
            if (c < 0x20)
              {
                g_snprintf (esc, sizeof esc, "\\u%04x", c);
                luaL_addstring (b, esc);
              }
            else
              luaL_addchar (b, (char) c);
        }
    }
  luaL_addchar (b, '"');
}

/* Encodes the value at the top of the stack into a new string pushed on the stack. */
static void
encode_value (lua_State *L, int depth)
{
  luaL_Buffer b;
  int idx = lua_gettop (L);

  if (depth > MAX_DEPTH)
    luaL_error (L, "sjson: nesting too deep");
  switch (lua_type (L, idx))
    {
      case LUA_TNIL:
        lua_pushliteral (L, "null");
        return;
      case LUA_TBOOLEAN:
        lua_pushstring (L, lua_toboolean (L, idx) ? "true" : "false");
        return;
      case LUA_TNUMBER:
        {
          lua_Number n = lua_tonumber (L, idx);
          char num[32];

          if (isnan (n) || isinf (n))
            luaL_error (L, "sjson: cannot encode a non-finite number");
          if (n == floor (n) && fabs (n) < 1e15)
            g_snprintf (num, sizeof num, "%.0f", n);
          else
            g_snprintf (num, sizeof num, "%.14g", n);
          lua_pushstring (L, num);
          return;
        }
      case LUA_TSTRING:
        {
          size_t len;
          const char *s = lua_tolstring (L, idx, &len);
          luaL_buffinit (L, &b);
          encode_string (&b, s, len);
          luaL_pushresult (&b);
          return;
        }
      case LUA_TLIGHTUSERDATA:
        lua_pushliteral (L, "null");
        return;
      case LUA_TTABLE:
        break;
      default:
        luaL_error (L, "sjson: cannot encode %s", luaL_typename (L, idx));
    }

  {
    size_t n = lua_objlen (L, idx);
    gboolean first = TRUE;

    /* keys are collected first: luaL_Buffer wants the stack to itself */
    if (n > 0)
      {
        lua_newtable (L);
        for (size_t i = 1; i <= n; i++)
          {
            lua_rawgeti (L, idx, i);
            encode_value (L, depth + 1);
            lua_remove (L, -2);
            lua_rawseti (L, -2, i);
          }
        luaL_buffinit (L, &b);
        luaL_addchar (&b, '[');
        for (size_t i = 1; i <= n; i++)
          {
            if (i > 1)
              luaL_addchar (&b, ',');
            lua_rawgeti (L, idx + 1, i);
            luaL_addvalue (&b);
          }
        luaL_addchar (&b, ']');
        luaL_pushresult (&b);
        lua_remove (L, idx + 1);
        return;
      }
    lua_newtable (L); /* idx + 1: array of encoded "key":value pieces */
    lua_pushnil (L);
    while (lua_next (L, idx) != 0)
      {
        size_t klen;
        const char *k;
        luaL_Buffer kb;

        if (lua_type (L, -2) != LUA_TSTRING && lua_type (L, -2) != LUA_TNUMBER)
          luaL_error (L, "sjson: table keys must be strings or numbers");
        encode_value (L, depth + 1); /* value encoded at -1, raw value at -2 */
        lua_pushvalue (L, -3);
        k = lua_tolstring (L, -1, &klen); /* a copy: tolstring must not touch the key */
        luaL_buffinit (L, &kb);
        encode_string (&kb, k, klen);
        luaL_addchar (&kb, ':');
        luaL_pushresult (&kb); /* key copy, "k": */
        lua_remove (L, -2);
        lua_insert (L, -2);
        lua_concat (L, 2);
        lua_rawseti (L, idx + 1, (int) lua_objlen (L, idx + 1) + 1);
        lua_pop (L, 1);
      }
    luaL_buffinit (L, &b);
    luaL_addchar (&b, '{');
    for (size_t i = 1; i <= lua_objlen (L, idx + 1); i++)
      {
        if (!first)
          luaL_addchar (&b, ',');
        first = FALSE;
        lua_rawgeti (L, idx + 1, i);
        luaL_addvalue (&b);
      }
    luaL_addchar (&b, '}');
    luaL_pushresult (&b);
    lua_remove (L, idx + 1);
  }
}

static int
l_encode (lua_State *L)
{
  luaL_checkany (L, 1);
  lua_settop (L, 1);
  encode_value (L, 0);
  return 1;
}

/* ---- decode ---- */

typedef struct
{
  const char *s;
  size_t len;
  size_t pos;
} Parser;

static void
skip_ws (Parser *p)
{
  while (p->pos < p->len && strchr (" \t\r\n", p->s[p->pos]) && p->s[p->pos])
    p->pos++;
}

static void decode_value (lua_State *L, Parser *p, int depth);

static void
decode_string (lua_State *L, Parser *p)
{
  luaL_Buffer b;

  p->pos++; /* the opening quote */
  luaL_buffinit (L, &b);
  while (p->pos < p->len && p->s[p->pos] != '"')
    {
      char c = p->s[p->pos++];

      if (c != '\\')
        {
          luaL_addchar (&b, c);
          continue;
        }
      if (p->pos >= p->len)
        break;
      c = p->s[p->pos++];
      switch (c)
        {
          case 'n':
            luaL_addchar (&b, '\n');
            break;
          case 't':
            luaL_addchar (&b, '\t');
            break;
          case 'r':
            luaL_addchar (&b, '\r');
            break;
          case 'b':
            luaL_addchar (&b, '\b');
            break;
          case 'f':
            luaL_addchar (&b, '\f');
            break;
          case 'u':
            {
              char hex[5] = { 0 };
              gunichar u;
              char utf8[6];
              int n;

              if (p->pos + 4 > p->len)
                luaL_error (L, "sjson: bad \\u escape");
              memcpy (hex, p->s + p->pos, 4);
              p->pos += 4;
              u = (gunichar) strtoul (hex, NULL, 16);
              n = g_unichar_to_utf8 (u, utf8);
              luaL_addlstring (&b, utf8, n);
            }
            break;
          default:
            luaL_addchar (&b, c);
            break;
        }
    }
  if (p->pos >= p->len)
    luaL_error (L, "sjson: unterminated string");
  p->pos++;
  luaL_pushresult (&b);
}

static void
decode_value (lua_State *L, Parser *p, int depth)
{
  char c;

  if (depth > MAX_DEPTH)
    luaL_error (L, "sjson: nesting too deep");
  skip_ws (p);
  if (p->pos >= p->len)
    luaL_error (L, "sjson: unexpected end of input");
  c = p->s[p->pos];
  if (c == '"')
    decode_string (L, p);
  else if (c == '{' || c == '[')
    {
      char close = c == '{' ? '}' : ']';
      int i = 1;

      p->pos++;
      lua_newtable (L);
      skip_ws (p);
      if (p->pos < p->len && p->s[p->pos] == close)
        {
          p->pos++;
          return;
        }
      for (;;)
        {
          if (c == '{')
            {
              skip_ws (p);
              if (p->pos >= p->len || p->s[p->pos] != '"')
                luaL_error (L, "sjson: object key expected at %d", (int) p->pos + 1);
              decode_string (L, p);
              skip_ws (p);
              if (p->pos >= p->len || p->s[p->pos] != ':')
                luaL_error (L, "sjson: ':' expected at %d", (int) p->pos + 1);
              p->pos++;
              decode_value (L, p, depth + 1);
              lua_rawset (L, -3);
            }
          else
            {
              decode_value (L, p, depth + 1);
              lua_rawseti (L, -2, i++);
            }
          skip_ws (p);
          if (p->pos < p->len && p->s[p->pos] == ',')
            {
              p->pos++;
              continue;
            }
          if (p->pos < p->len && p->s[p->pos] == close)
            {
              p->pos++;
              return;
            }
          luaL_error (L, "sjson: '%c' expected at %d", close, (int) p->pos + 1);
        }
    }
  else if (strncmp (p->s + p->pos, "true", MIN (4, p->len - p->pos)) == 0 && p->len - p->pos >= 4)
    {
      p->pos += 4;
      lua_pushboolean (L, TRUE);
    }
  else if (strncmp (p->s + p->pos, "false", MIN (5, p->len - p->pos)) == 0 && p->len - p->pos >= 5)
    {
      p->pos += 5;
      lua_pushboolean (L, FALSE);
    }
  else if (strncmp (p->s + p->pos, "null", MIN (4, p->len - p->pos)) == 0 && p->len - p->pos >= 4)
    {
      p->pos += 4;
      lua_getglobal (L, "sjson");
      lua_getfield (L, -1, "NULL");
      lua_remove (L, -2);
    }
  else
    {
      char num[64];
      size_t n = 0;
      char *end;
      double v;

      while (p->pos + n < p->len && n < sizeof num - 1
             && strchr ("+-0123456789.eE", p->s[p->pos + n]) && p->s[p->pos + n])
        n++;
      memcpy (num, p->s + p->pos, n);
      num[n] = '\0';
      v = g_ascii_strtod (num, &end);
      if (n == 0 || *end != '\0')
        luaL_error (L, "sjson: unexpected character at %d", (int) p->pos + 1);
      p->pos += n;
      lua_pushnumber (L, v);
    }
}

static int
l_decode (lua_State *L)
{
  Parser p = { 0 };

  p.s = luaL_checklstring (L, 1, &p.len);
  decode_value (L, &p, 0);
  skip_ws (&p);
  if (p.pos != p.len)
    return luaL_error (L, "sjson: trailing garbage at %d", (int) p.pos + 1);
  return 1;
}

static const luaL_Reg sjson_funcs[] = { { "encode", l_encode },
                                        { "decode", l_decode },
                                        { NULL, NULL } };

int
mw_sim_open_sjson (lua_State *L)
{
  mw_sim_register (L, "sjson", sjson_funcs);
  lua_pushlightuserdata (L, NULL);
  lua_setfield (L, -2, "NULL");
  lua_pop (L, 1);
  return 0;
}
