/* mw-sim-sjson.c: the firmware's `sjson` module (app/modules/sjson.c): encode(table) and
 * decode(string), with JSON null as a NULL light userdata, and the streaming
 * encoder(t):read(n) / decoder():write(s), result() over them. Tables nest at most 20 deep,
 * the firmware's DEFAULT_DEPTH; deeper tables and cycles are "encoder stack overflow". */
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

  /* each level takes a few stack slots: grow the stack, or the next level writes past it */
  luaL_checkstack (L, 8, "sjson");
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
        /* app/modules/sjson.c enc_push_stack: one level per table being encoded */
        if (depth >= MAX_DEPTH)
          luaL_error (L, "encoder stack overflow");
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

  luaL_checkstack (L, 8, "sjson");
  if (depth >= MAX_DEPTH)
    luaL_error (L, "JSON parse error: too deeply nested");
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
      lua_pushlightuserdata (L, NULL); /* app/modules/sjson.c: the default null */
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

/* sjson.encoder(t): the whole text is made at once; read(n) hands it out n bytes at a time
 * (default 1024) and nil at the end */
#define ENCODER_MT "sjson.encoder"
#define DECODER_MT "sjson.decoder"

static const char encoder_type[] = "encoder";
static const char decoder_type[] = "decoder";

typedef struct
{
  int text; /* registry ref of the encoded text */
  gsize pos;
} Encoder;

typedef struct
{
  int text; /* registry ref of the text written so far, or LUA_NOREF */
  int result; /* registry ref of the decoded value, or LUA_NOREF */
} Decoder;

static int
l_encoder (lua_State *L)
{
  Encoder *e;

  luaL_checktype (L, 1, LUA_TTABLE);
  lua_settop (L, 1);
  encode_value (L, 0);
  e = mw_sim_new_udata (L, sizeof *e, sizeof *e, encoder_type, ENCODER_MT);
  lua_insert (L, -2);
  e->text = luaL_ref (L, LUA_REGISTRYINDEX);
  e->pos = 0;
  return 1;
}

static int
encoder_read (lua_State *L)
{
  Encoder *e = mw_sim_check_udata (L, 1, encoder_type, ENCODER_MT);
  lua_Integer n = luaL_optinteger (L, 2, 1024);
  size_t len;
  const char *text;

  luaL_argcheck (L, n > 0, 2, "must be positive");
  lua_rawgeti (L, LUA_REGISTRYINDEX, e->text);
  text = lua_tolstring (L, -1, &len);
  if (text == NULL || e->pos >= len)
    {
      lua_pushnil (L);
      return 1;
    }
  n = MIN ((gsize) n, len - e->pos);
  lua_pushlstring (L, text + e->pos, n);
  e->pos += n;
  return 1;
}

static int
encoder_gc (lua_State *L)
{
  Encoder *e = mw_sim_check_udata (L, 1, encoder_type, ENCODER_MT);

  luaL_unref (L, LUA_REGISTRYINDEX, e->text);
  e->text = LUA_NOREF;
  return 0;
}

static int
l_decoder (lua_State *L)
{
  Decoder *d = mw_sim_new_udata (L, sizeof *d, sizeof *d, decoder_type, DECODER_MT);

  d->text = LUA_NOREF;
  d->result = LUA_NOREF;
  return 1;
}

/* decoder:write(s): the decoded value once the text is complete, nil before */
static int
decoder_write (lua_State *L)
{
  Decoder *d = mw_sim_check_udata (L, 1, decoder_type, DECODER_MT);
  Parser p = { 0 };
  int top;

  luaL_checkstring (L, 2);
  if (d->result != LUA_NOREF)
    return luaL_error (L, "JSON parse error: previous call");
  if (d->text != LUA_NOREF)
    {
      lua_rawgeti (L, LUA_REGISTRYINDEX, d->text);
      lua_pushvalue (L, 2);
      lua_concat (L, 2);
      luaL_unref (L, LUA_REGISTRYINDEX, d->text);
    }
  else
    lua_pushvalue (L, 2);
  lua_pushvalue (L, -1);
  d->text = luaL_ref (L, LUA_REGISTRYINDEX);
  p.s = lua_tolstring (L, -1, &p.len);
  /* a complete value is one that parses; an incomplete one runs out of input */
  skip_ws (&p);
  if (p.pos == p.len)
    return 0;
  {
    char open = p.s[p.pos], close = open == '{' ? '}' : ']';
    int level = 0;
    gboolean in_string = FALSE;

    for (size_t i = p.pos; i < p.len; i++)
      {
        char c = p.s[i];

        if (in_string)
          {
            if (c == '\\')
              i++;
            else if (c == '"')
              in_string = FALSE;
          }
        else if (c == '"')
          in_string = TRUE;
        else if (c == open)
          level++;
        else if (c == close && --level == 0)
          break;
      }
    if ((open == '{' || open == '[') && level > 0)
      return 0;
  }
  top = lua_gettop (L);
  lua_pushcfunction (L, l_decode);
  lua_pushvalue (L, top);
  lua_call (L, 1, 1);
  lua_pushvalue (L, -1);
  d->result = luaL_ref (L, LUA_REGISTRYINDEX);
  return 1;
}

static int
decoder_result (lua_State *L)
{
  Decoder *d = mw_sim_check_udata (L, 1, decoder_type, DECODER_MT);

  if (d->result == LUA_NOREF)
    return luaL_error (L, "decode not complete");
  lua_rawgeti (L, LUA_REGISTRYINDEX, d->result);
  return 1;
}

static int
decoder_gc (lua_State *L)
{
  Decoder *d = mw_sim_check_udata (L, 1, decoder_type, DECODER_MT);

  luaL_unref (L, LUA_REGISTRYINDEX, d->text);
  luaL_unref (L, LUA_REGISTRYINDEX, d->result);
  d->text = d->result = LUA_NOREF;
  return 0;
}

static const luaL_Reg sjson_funcs[] = { { "encode", l_encode },
                                        { "decode", l_decode },
                                        { "encoder", l_encoder },
                                        { "decoder", l_decoder },
                                        { NULL, NULL } };

static void
new_metatable (lua_State *L, const char *name, const char *method, lua_CFunction f,
               const char *method2, lua_CFunction f2, lua_CFunction gc)
{
  luaL_newmetatable (L, name);
  lua_newtable (L);
  lua_pushcfunction (L, f);
  lua_setfield (L, -2, method);
  if (method2)
    {
      lua_pushcfunction (L, f2);
      lua_setfield (L, -2, method2);
    }
  lua_setfield (L, -2, "__index");
  lua_pushcfunction (L, gc);
  lua_setfield (L, -2, "__gc");
  lua_pop (L, 1);
}

int
mw_sim_open_sjson (lua_State *L)
{
  new_metatable (L, ENCODER_MT, "read", encoder_read, NULL, NULL, encoder_gc);
  new_metatable (L, DECODER_MT, "write", decoder_write, "result", decoder_result, decoder_gc);
  mw_sim_register (L, "sjson", sjson_funcs);
  lua_pop (L, 1);
  return 0;
}
