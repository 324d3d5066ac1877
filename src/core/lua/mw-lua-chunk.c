/* mw-lua-chunk.c: reading and writing Lua 5.1 binary chunks in any declared format.
 *
 * The layout follows Lua 5.1's ldump.c/lundump.c; the NodeMCU differences (NODEMCU.md
 * section 4) are the zero padding to a 4-byte file offset before the instructions and before
 * the line info, and line info packed as groups of [delta bytes] count.
 */
#include "mw-lua-chunk.h"

#include <math.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

G_DEFINE_QUARK (mw - lua - chunk - error - quark, mw_lua_chunk_error)

#define HEADER_SIZE 12
/* Lua's own limit on nested C calls, which bounds how deep a real chunk's functions nest;
 * deeper input is malformed, and the limit keeps hostile input off the C stack. */
#define MAX_DEPTH 200

/* Packed line info (docs/firmware.md section 4). */
#define INFO_DELTA 0x80
#define INFO_SIGN 0x40
#define INFO_FILL 0x7f
#define INFO_MAX_COUNT 126

struct _MwLuaChunk
{
  gatomicrefcount ref;
  MwLuaChunkFormat format;
  MwLuaProto *main;
};

const MwLuaChunkFormat mw_lua_chunk_format_nodemcu_float = {
  .layout = MW_LUA_CHUNK_LAYOUT_NODEMCU,
  .little_endian = TRUE,
  .sizeof_int = 4,
  .sizeof_size = 4,
  .sizeof_instruction = 4,
  .sizeof_number = 8,
  .integral = FALSE,
};

const MwLuaChunkFormat mw_lua_chunk_format_nodemcu_integer = {
  .layout = MW_LUA_CHUNK_LAYOUT_NODEMCU,
  .little_endian = TRUE,
  .sizeof_int = 4,
  .sizeof_size = 4,
  .sizeof_instruction = 4,
  .sizeof_number = 4,
  .integral = TRUE,
};

/* ---------------------------------------------------------------------------------------- */
/* functions */

static void
string_clear (MwLuaString *s)
{
  g_clear_pointer (&s->data, g_free);
  s->len = 0;
}

static MwLuaString
string_copy (const MwLuaString *s)
{
  MwLuaString copy = { NULL, 0 };

  if (s->data != NULL)
    {
      copy.data = g_malloc (s->len + 1);
      memcpy (copy.data, s->data, s->len);
      copy.data[s->len] = '\0';
      copy.len = s->len;
    }
  return copy;
}

static gboolean
string_equal (const MwLuaString *a, const MwLuaString *b)
{
  if ((a->data == NULL) != (b->data == NULL))
    return FALSE;
  return a->len == b->len && (a->len == 0 || memcmp (a->data, b->data, a->len) == 0);
}

static void
function_free (MwLuaProto *f)
{
  if (f == NULL)
    return;
  string_clear (&f->source);
  g_free (f->code);
  for (guint i = 0; i < f->n_constants; i++)
    string_clear (&f->constants[i].string);
  g_free (f->constants);
  for (guint i = 0; i < f->n_protos; i++)
    function_free (f->protos[i]);
  g_free (f->protos);
  g_free (f->lineinfo);
  for (guint i = 0; i < f->n_locvars; i++)
    string_clear (&f->locvars[i].name);
  g_free (f->locvars);
  for (guint i = 0; i < f->n_upvalues; i++)
    string_clear (&f->upvalues[i]);
  g_free (f->upvalues);
  g_free (f);
}

/* A deep copy, less the debug info that strip `level` drops (see mw_lua_chunk_strip). */
static MwLuaProto *
function_copy (const MwLuaProto *f, int level)
{
  MwLuaProto *c = g_new0 (MwLuaProto, 1);

  if (level < 3)
    c->source = string_copy (&f->source);
  c->linedefined = f->linedefined;
  c->lastlinedefined = f->lastlinedefined;
  c->nups = f->nups;
  c->numparams = f->numparams;
  c->is_vararg = f->is_vararg;
  c->maxstacksize = f->maxstacksize;
  c->n_code = f->n_code;
  c->code = g_memdup2 (f->code, sizeof (guint32) * f->n_code);
  c->n_constants = f->n_constants;
  c->constants = g_new0 (MwLuaConstant, f->n_constants);
  for (guint i = 0; i < f->n_constants; i++)
    {
      c->constants[i] = f->constants[i];
      c->constants[i].string = string_copy (&f->constants[i].string);
    }
  c->n_protos = f->n_protos;
  c->protos = g_new0 (MwLuaProto *, f->n_protos);
  for (guint i = 0; i < f->n_protos; i++)
    c->protos[i] = function_copy (f->protos[i], level);
  if (level < 3)
    {
      c->n_lineinfo = f->n_lineinfo;
      c->lineinfo = g_memdup2 (f->lineinfo, sizeof (gint32) * f->n_lineinfo);
    }
  if (level < 2)
    {
      c->n_locvars = f->n_locvars;
      c->locvars = g_new0 (MwLuaLocVar, f->n_locvars);
      for (guint i = 0; i < f->n_locvars; i++)
        {
          c->locvars[i] = f->locvars[i];
          c->locvars[i].name = string_copy (&f->locvars[i].name);
        }
      c->n_upvalues = f->n_upvalues;
      c->upvalues = g_new0 (MwLuaString, f->n_upvalues);
      for (guint i = 0; i < f->n_upvalues; i++)
        c->upvalues[i] = string_copy (&f->upvalues[i]);
    }
  return c;
}

guint
mw_lua_function_count (const MwLuaProto *function)
{
  guint n = 1;

  g_return_val_if_fail (function != NULL, 0);
  for (guint i = 0; i < function->n_protos; i++)
    n += mw_lua_function_count (function->protos[i]);
  return n;
}

/* ---------------------------------------------------------------------------------------- */
/* formats */

static gboolean
parse_header (const guint8 *data, gsize len, MwLuaChunkFormat *format, GError **error)
{
  static const guint8 signature[] = { 0x1b, 'L', 'u', 'a' };

  if (len < sizeof signature || memcmp (data, signature, sizeof signature) != 0)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                   "offset 0: not a precompiled Lua chunk (no ESC \"Lua\" signature)");
      return FALSE;
    }
  if (len < HEADER_SIZE)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_TRUNCATED,
                   "offset %" G_GSIZE_FORMAT ": chunk ends inside the 12-byte header", len);
      return FALSE;
    }
  if (data[4] != 0x51)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                   "offset 4: Lua version %x.%x, not 5.1 (version byte 0x%02x)", data[4] >> 4,
                   data[4] & 0xf, data[4]);
      return FALSE;
    }
  if (data[5] != 0)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                   "offset 5: unknown chunk format %u (expected 0)", data[5]);
      return FALSE;
    }
  if (data[6] > 1)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                   "offset 6: bad endianness flag %u", data[6]);
      return FALSE;
    }
  format->layout = MW_LUA_CHUNK_LAYOUT_STOCK;
  format->little_endian = data[6] == 1;
  format->sizeof_int = data[7];
  format->sizeof_size = data[8];
  format->sizeof_instruction = data[9];
  format->sizeof_number = data[10];
  format->integral = data[11] != 0;
  if (data[7] != 2 && data[7] != 4 && data[7] != 8)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                   "offset 7: unsupported int size %u", data[7]);
      return FALSE;
    }
  if (data[8] != 2 && data[8] != 4 && data[8] != 8)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                   "offset 8: unsupported string length size %u", data[8]);
      return FALSE;
    }
  if (data[9] != 4)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                   "offset 9: unsupported instruction size %u", data[9]);
      return FALSE;
    }
  if (data[11] > 1
      || (data[11] == 1 && data[10] != 1 && data[10] != 2 && data[10] != 4 && data[10] != 8)
      || (data[11] == 0 && data[10] != 4 && data[10] != 8))
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                   "offset 10: unsupported number type (size %u, integral flag %u)", data[10],
                   data[11]);
      return FALSE;
    }
  return TRUE;
}

static int
collect_bytes (lua_State *L, const void *p, size_t sz, void *user_data)
{
  g_byte_array_append (user_data, p, sz);
  return 0;
}

const MwLuaChunkFormat *
mw_lua_chunk_format_host (void)
{
  static MwLuaChunkFormat host;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      /* what this liblua5.1 writes, read from its own dump of an empty chunk */
      lua_State *L = luaL_newstate ();
      g_autoptr (GByteArray) bytes = g_byte_array_new ();
      gboolean ok;

      ok = luaL_loadbuffer (L, "", 0, "=host") == 0;
      g_assert (ok);
      lua_dump (L, collect_bytes, bytes);
      lua_close (L);
      ok = parse_header (bytes->data, bytes->len, &host, NULL);
      g_assert (ok);
      g_once_init_leave (&once, 1);
    }
  return &host;
}

gboolean
mw_lua_chunk_format_equal (const MwLuaChunkFormat *a, const MwLuaChunkFormat *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return a->layout == b->layout && !a->little_endian == !b->little_endian
         && a->sizeof_int == b->sizeof_int && a->sizeof_size == b->sizeof_size
         && a->sizeof_instruction == b->sizeof_instruction && a->sizeof_number == b->sizeof_number
         && !a->integral == !b->integral;
}

char *
mw_lua_chunk_format_describe (const MwLuaChunkFormat *format)
{
  g_return_val_if_fail (format != NULL, NULL);
  if (mw_lua_chunk_format_equal (format, &mw_lua_chunk_format_nodemcu_float))
    return g_strdup ("NodeMCU float");
  if (mw_lua_chunk_format_equal (format, &mw_lua_chunk_format_nodemcu_integer))
    return g_strdup ("NodeMCU integer");
  return g_strdup_printf ("%s Lua 5.1, %s endian, int %u, size_t %u, Instruction %u, "
                          "%s %u",
                          format->layout == MW_LUA_CHUNK_LAYOUT_NODEMCU ? "NodeMCU" : "stock",
                          format->little_endian ? "little" : "big", format->sizeof_int,
                          format->sizeof_size, format->sizeof_instruction,
                          format->integral ? "integer" : "float", format->sizeof_number);
}

/* ---------------------------------------------------------------------------------------- */
/* reading */

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
  MwLuaChunkFormat format;
  GError **error;
  guint depth;
} Reader;

static G_GNUC_NO_INLINE gboolean
reader_short (Reader *r, gsize n, const char *what)
{
  g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_TRUNCATED,
               "offset %" G_GSIZE_FORMAT ": chunk ends inside %s (%" G_GSIZE_FORMAT
               " bytes needed, %" G_GSIZE_FORMAT " left)",
               r->pos, what, n, r->len - r->pos);
  return FALSE;
}

/* Inline, as it runs for every field read; the error is built out of line. */
static inline gboolean
reader_need (Reader *r, gsize n, const char *what)
{
  if (G_UNLIKELY (r->len - r->pos < n))
    return reader_short (r, n, what);
  return TRUE;
}

static guint64
decode_uint (const guint8 *p, guint size, gboolean little_endian)
{
  guint64 v = 0;

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  /* the host's own dumps: one load instead of a loop per byte */
  if (little_endian && size == 4)
    {
      guint32 u;
      memcpy (&u, p, 4);
      return u;
    }
  if (little_endian && size == 8)
    {
      memcpy (&v, p, 8);
      return v;
    }
#endif
  for (guint i = 0; i < size; i++)
    v |= (guint64) p[little_endian ? i : size - 1 - i] << (8 * i);
  return v;
}

static inline gboolean
read_uint (Reader *r, guint size, const char *what, guint64 *out)
{
  if (!reader_need (r, size, what))
    return FALSE;
  *out = decode_uint (r->data + r->pos, size, r->format.little_endian);
  r->pos += size;
  return TRUE;
}

static gint64
sign_extend (guint64 v, guint size)
{
  if (size < 8 && (v & ((guint64) 1 << (8 * size - 1))))
    v |= ~(guint64) 0 << (8 * size);
  return (gint64) v;
}

static inline gboolean
read_int (Reader *r, const char *what, gint32 *out)
{
  gsize at = r->pos;
  guint64 u;
  gint64 v;

  /* 4-byte ints (every firmware and the usual host) always fit */
  if (G_LIKELY (r->format.sizeof_int == 4))
    {
      if (!read_uint (r, 4, what, &u))
        return FALSE;
      *out = (gint32) (guint32) u;
      return TRUE;
    }
  if (!read_uint (r, r->format.sizeof_int, what, &u))
    return FALSE;
  v = sign_extend (u, r->format.sizeof_int);
  if (v < G_MININT32 || v > G_MAXINT32)
    {
      g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_MALFORMED,
                   "offset %" G_GSIZE_FORMAT ": %s %" G_GINT64_FORMAT " out of range", at, what, v);
      return FALSE;
    }
  *out = (gint32) v;
  return TRUE;
}

/* A count of elements at least `min_size` bytes each: more than the bytes left can hold is
 * malformed, which keeps hostile counts from allocating gigabytes. */
static gboolean
read_count (Reader *r, const char *what, gsize min_size, guint *out)
{
  gsize at = r->pos;
  gint32 n;

  if (!read_int (r, what, &n))
    return FALSE;
  if (n < 0 || (gsize) n > (r->len - r->pos) / min_size)
    {
      g_set_error (r->error, MW_LUA_CHUNK_ERROR,
                   n < 0 ? MW_LUA_CHUNK_ERROR_MALFORMED : MW_LUA_CHUNK_ERROR_TRUNCATED,
                   "offset %" G_GSIZE_FORMAT ": %s %d %s", at, what, n,
                   n < 0 ? "is negative" : "is more than the rest of the chunk holds");
      return FALSE;
    }
  *out = (guint) n;
  return TRUE;
}

static gboolean
read_string (Reader *r, const char *what, MwLuaString *out)
{
  gsize at = r->pos;
  guint64 size;

  if (!read_uint (r, r->format.sizeof_size, what, &size))
    return FALSE;
  if (size == 0)
    {
      out->data = NULL;
      out->len = 0;
      return TRUE;
    }
  if (size > r->len - r->pos)
    {
      g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_TRUNCATED,
                   "offset %" G_GSIZE_FORMAT ": %s of %" G_GUINT64_FORMAT
                   " bytes is longer than the rest of the chunk (%" G_GSIZE_FORMAT ")",
                   at, what, size, r->len - r->pos);
      return FALSE;
    }
  /* the stored length counts a trailing NUL, which Lua drops without checking */
  out->len = size - 1;
  out->data = g_malloc (size);
  memcpy (out->data, r->data + r->pos, size - 1);
  out->data[size - 1] = '\0';
  r->pos += size;
  return TRUE;
}

static gboolean
read_number (Reader *r, double *out)
{
  guint size = r->format.sizeof_number;
  guint64 u;

  if (!read_uint (r, size, "a number constant", &u))
    return FALSE;
  if (r->format.integral)
    *out = (double) sign_extend (u, size);
  else if (size == 8)
    {
      double d;
      memcpy (&d, &u, sizeof d);
      *out = d;
    }
  else
    {
      guint32 u32 = (guint32) u;
      float f;
      memcpy (&f, &u32, sizeof f);
      *out = f;
    }
  return TRUE;
}

/* NodeMCU pads with zeros to a 4-byte file offset; a nonzero pad byte means the bytes are
 * not in that layout. */
static gboolean
read_align (Reader *r)
{
  while (r->pos & 3)
    {
      if (!reader_need (r, 1, "alignment padding"))
        return FALSE;
      if (r->data[r->pos] != 0)
        {
          g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_MALFORMED,
                       "offset %" G_GSIZE_FORMAT ": alignment padding byte is 0x%02x, not 0",
                       r->pos, r->data[r->pos]);
          return FALSE;
        }
      r->pos++;
    }
  return TRUE;
}

/* Decodes packed line info (groups of [delta bytes] count, NUL-terminated) into one line per
 * instruction. Lines cover exactly n_code instructions: a short table repeats its last line
 * and a long one is cut, as the firmware only ever looks lines up by pc. */
static gboolean
decode_packed_lines (Reader *r, const guint8 *p, gsize n, MwLuaProto *f)
{
  gsize at = r->pos - n;
  gint64 line = 0;
  guint pc = 0;
  gsize i = 0;

  f->n_lineinfo = f->n_code;
  f->lineinfo = g_new0 (gint32, f->n_code);
  while (i < n && p[i] != 0 && p[i] != INFO_FILL)
    {
      if (p[i] & INFO_DELTA)
        {
          gboolean negative = (p[i] & INFO_SIGN) != 0;
          gint64 delta = p[i] & 0x3f;
          guint shift = 6;

          for (i++; i < n && (p[i] & INFO_DELTA); i++, shift += 7)
            {
              if (shift > 31)
                goto bad;
              delta += (gint64) (p[i] & 0x7f) << shift;
            }
          line += negative ? -delta : delta + 2;
        }
      else
        line += 1;
      if (i >= n || p[i] == 0)
        goto bad;
      if (line < G_MININT32 || line > G_MAXINT32)
        goto bad;
      for (guint c = 0; c < p[i] && pc < f->n_code; c++)
        f->lineinfo[pc++] = (gint32) line;
      i++;
    }
  if (i >= n)
    goto bad;
  for (; pc < f->n_code; pc++)
    f->lineinfo[pc] = pc > 0 ? f->lineinfo[pc - 1] : 0;
  return TRUE;

bad:
  g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_MALFORMED,
               "offset %" G_GSIZE_FORMAT ": packed line info is malformed at byte %" G_GSIZE_FORMAT,
               at + MIN (i, n), MIN (i, n));
  return FALSE;
}

static gboolean read_function (Reader *r, MwLuaProto *f);

static gboolean
read_constants (Reader *r, MwLuaProto *f)
{
  if (!read_count (r, "the constant count", 1, &f->n_constants))
    return FALSE;
  f->constants = g_new0 (MwLuaConstant, f->n_constants);
  for (guint i = 0; i < f->n_constants; i++)
    {
      MwLuaConstant *k = &f->constants[i];
      gsize at = r->pos;
      guint8 type;

      if (!reader_need (r, 1, "a constant's type"))
        return FALSE;
      type = r->data[r->pos++];
      switch (type)
        {
          case MW_LUA_CONSTANT_NIL:
            k->type = MW_LUA_CONSTANT_NIL;
            break;
          case MW_LUA_CONSTANT_BOOLEAN:
            k->type = MW_LUA_CONSTANT_BOOLEAN;
            if (!reader_need (r, 1, "a boolean constant"))
              return FALSE;
            k->boolean = r->data[r->pos++] != 0;
            break;
          case MW_LUA_CONSTANT_NUMBER:
            k->type = MW_LUA_CONSTANT_NUMBER;
            if (!read_number (r, &k->number))
              return FALSE;
            break;
          case MW_LUA_CONSTANT_STRING:
            k->type = MW_LUA_CONSTANT_STRING;
            if (!read_string (r, "a string constant", &k->string))
              return FALSE;
            if (k->string.data == NULL)
              {
                g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_MALFORMED,
                             "offset %" G_GSIZE_FORMAT ": string constant without a string",
                             at + 1);
                return FALSE;
              }
            break;
          default:
            g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_MALFORMED,
                         "offset %" G_GSIZE_FORMAT ": constant of unknown type %u", at, type);
            return FALSE;
        }
    }

  if (!read_count (r, "the function count", 1, &f->n_protos))
    return FALSE;
  f->protos = g_new0 (MwLuaProto *, f->n_protos);
  for (guint i = 0; i < f->n_protos; i++)
    {
      f->protos[i] = g_new0 (MwLuaProto, 1);
      if (!read_function (r, f->protos[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_debug (Reader *r, MwLuaProto *f)
{
  guint n;

  if (r->format.layout == MW_LUA_CHUNK_LAYOUT_NODEMCU)
    {
      if (!read_count (r, "the packed line info size", 1, &n) || !read_align (r))
        return FALSE;
      if (n > 0)
        {
          if (!reader_need (r, n, "packed line info"))
            return FALSE;
          r->pos += n;
          if (!decode_packed_lines (r, r->data + r->pos - n, n, f))
            return FALSE;
        }
    }
  else
    {
      gsize at;

      if (!read_count (r, "the line info count", r->format.sizeof_int, &n))
        return FALSE;
      at = r->pos;
      if (n != 0 && n != f->n_code)
        {
          g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_MALFORMED,
                       "offset %" G_GSIZE_FORMAT ": %u line numbers for %u instructions", at, n,
                       f->n_code);
          return FALSE;
        }
      f->n_lineinfo = n;
      f->lineinfo = g_new0 (gint32, n);
      for (guint i = 0; i < n; i++)
        if (!read_int (r, "a line number", &f->lineinfo[i]))
          return FALSE;
    }

  if (!read_count (r, "the local variable count", r->format.sizeof_size + 2 * r->format.sizeof_int,
                   &f->n_locvars))
    return FALSE;
  f->locvars = g_new0 (MwLuaLocVar, f->n_locvars);
  for (guint i = 0; i < f->n_locvars; i++)
    if (!read_string (r, "a local variable name", &f->locvars[i].name)
        || !read_int (r, "a local's start pc", &f->locvars[i].startpc)
        || !read_int (r, "a local's end pc", &f->locvars[i].endpc))
      return FALSE;

  if (!read_count (r, "the upvalue name count", r->format.sizeof_size, &f->n_upvalues))
    return FALSE;
  f->upvalues = g_new0 (MwLuaString, f->n_upvalues);
  for (guint i = 0; i < f->n_upvalues; i++)
    if (!read_string (r, "an upvalue name", &f->upvalues[i]))
      return FALSE;
  return TRUE;
}

static gboolean
read_function (Reader *r, MwLuaProto *f)
{
  gboolean ok;

  if (++r->depth > MAX_DEPTH)
    {
      g_set_error (r->error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_MALFORMED,
                   "offset %" G_GSIZE_FORMAT ": functions nested more than %d deep", r->pos,
                   MAX_DEPTH);
      return FALSE;
    }
  if (!read_string (r, "a source name", &f->source) || !read_int (r, "linedefined", &f->linedefined)
      || !read_int (r, "lastlinedefined", &f->lastlinedefined)
      || !reader_need (r, 4, "a function header"))
    return FALSE;
  f->nups = r->data[r->pos++];
  f->numparams = r->data[r->pos++];
  f->is_vararg = r->data[r->pos++];
  f->maxstacksize = r->data[r->pos++];

  if (!read_count (r, "the instruction count", 4, &f->n_code))
    return FALSE;
  if (r->format.layout == MW_LUA_CHUNK_LAYOUT_NODEMCU && !read_align (r))
    return FALSE;
  if (!reader_need (r, (gsize) f->n_code * 4, "the instructions"))
    return FALSE;
  f->code = g_new (guint32, f->n_code);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (r->format.little_endian)
    {
      if (f->n_code > 0) /* g_new gives NULL for none, and memcpy wants a pointer */
        memcpy (f->code, r->data + r->pos, (gsize) f->n_code * 4);
    }
  else
#endif
    for (guint i = 0; i < f->n_code; i++)
      f->code[i] = (guint32) decode_uint (r->data + r->pos + 4 * i, 4, r->format.little_endian);
  r->pos += (gsize) f->n_code * 4;

  ok = read_constants (r, f) && read_debug (r, f);
  r->depth--;
  return ok;
}

static MwLuaChunk *
read_chunk (const guint8 *data, gsize len, const MwLuaChunkFormat *format, GError **error)
{
  g_autoptr (MwLuaChunk) chunk = g_new0 (MwLuaChunk, 1);
  Reader r = { data, len, HEADER_SIZE, *format, error, 0 };

  g_atomic_ref_count_init (&chunk->ref);
  chunk->format = *format;
  chunk->main = g_new0 (MwLuaProto, 1);
  if (!read_function (&r, chunk->main))
    return NULL;
  if (r.pos != len)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_MALFORMED,
                   "offset %" G_GSIZE_FORMAT ": %" G_GSIZE_FORMAT
                   " bytes after the end of the chunk",
                   r.pos, len - r.pos);
      return NULL;
    }
  return g_steal_pointer (&chunk);
}

MwLuaChunk *
mw_lua_chunk_new_from_bytes (const guint8 *data, gsize len, GError **error)
{
  MwLuaChunkFormat format;
  g_autoptr (GError) nodemcu_error = NULL;
  MwLuaChunk *chunk;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!parse_header (data, len, &format, error))
    return NULL;
  /* 32-bit ints and string lengths: the firmware's sizes, but also a 32-bit host's stock
   * luac; the header cannot tell them apart, the body can */
  if (format.sizeof_int == 4 && format.sizeof_size == 4)
    {
      format.layout = MW_LUA_CHUNK_LAYOUT_NODEMCU;
      chunk = read_chunk (data, len, &format, &nodemcu_error);
      if (chunk != NULL)
        return chunk;
      format.layout = MW_LUA_CHUNK_LAYOUT_STOCK;
      chunk = read_chunk (data, len, &format, NULL);
      if (chunk != NULL)
        return chunk;
      g_propagate_error (error, g_steal_pointer (&nodemcu_error));
      return NULL;
    }
  return read_chunk (data, len, &format, error);
}

/* lua_dump writes field by field (4 bytes at a time for most), so the writer is kept to a
 * bounds check and a copy. */
typedef struct
{
  guint8 *data;
  gsize len;
  gsize size;
} DumpBuffer;

static int
collect_dump (lua_State *L, const void *p, size_t sz, void *user_data)
{
  DumpBuffer *b = user_data;

  if (sz == 0)
    return 0; /* p may be NULL then */
  if (G_UNLIKELY (b->size - b->len < sz))
    {
      while (b->size - b->len < sz)
        b->size *= 2;
      b->data = g_realloc (b->data, b->size);
    }
  memcpy (b->data + b->len, p, sz);
  b->len += sz;
  return 0;
}

static MwLuaChunk *
chunk_new_from_host_dump (lua_State *L, gsize source_len, GError **error)
{
  /* bytecode with debug info is rarely more than twice the size of its source */
  DumpBuffer b = { NULL, 0, MAX (4096, 2 * source_len) };
  MwLuaChunk *chunk;

  b.data = g_malloc (b.size);
  lua_dump (L, collect_dump, &b);
  chunk = read_chunk (b.data, b.len, mw_lua_chunk_format_host (), error);
  g_free (b.data);
  return chunk;
}

/* A bump allocator for the short-lived compiling state: Lua's parser makes many small
 * allocations that all die with the state, so freeing one by one is wasted work. */
#define ARENA_BLOCK (256 * 1024)
#define ARENA_LIMIT ((gsize) 512 * 1024 * 1024)

typedef struct
{
  GSList *blocks; /* guint8 buffers, newest first */
  guint8 *top; /* start of the last allocation, for in-place growth and undo */
  gsize used; /* bytes used in the newest block */
  gsize size; /* size of the newest block */
  gsize total;
  guint8 *first; /* the first block when it is ARENA_BLOCK bytes: it goes back to the cache */
} Arena;

/* A few first blocks kept between compiles (one per thread compiling at once), so that a
 * compile does not map and unmap a fresh block: the minifier compiles twice per file. */
#define ARENA_CACHE 4
static gpointer arena_cache[ARENA_CACHE];

static guint8 *
arena_block_take (void)
{
  for (guint i = 0; i < ARENA_CACHE; i++)
    {
      gpointer b = g_atomic_pointer_exchange (&arena_cache[i], NULL);
      if (b != NULL)
        return b;
    }
  return g_malloc (ARENA_BLOCK);
}

static void
arena_block_give (guint8 *block)
{
  for (guint i = 0; i < ARENA_CACHE; i++)
    if (g_atomic_pointer_compare_and_exchange (&arena_cache[i], NULL, block))
      return;
  g_free (block);
}

static void
arena_clear (Arena *a)
{
  for (GSList *l = a->blocks; l != NULL; l = l->next)
    if (l->data == a->first)
      arena_block_give (l->data);
    else
      g_free (l->data);
  g_slist_free (a->blocks);
}

static void *
arena_alloc (void *ud, void *ptr, size_t osize, size_t nsize)
{
  Arena *a = ud;
  guint8 *block = a->blocks != NULL ? a->blocks->data : NULL;
  gsize need = (nsize + 15) & ~(gsize) 15;
  guint8 *p;

  if (nsize == 0)
    {
      /* only the newest allocation can be given back */
      if (ptr != NULL && ptr == a->top)
        a->used = a->top - block, a->top = NULL;
      return NULL;
    }
  if (ptr != NULL && ptr == a->top && (guint8 *) ptr - block + need <= a->size)
    {
      a->used = (guint8 *) ptr - block + need;
      return ptr;
    }
  if (ptr != NULL && nsize <= osize)
    return ptr;
  if (block == NULL || a->used + need > a->size)
    {
      gsize size = MAX (ARENA_BLOCK, need);
      if (a->total + size > ARENA_LIMIT)
        return NULL; /* Lua reports "not enough memory" */
      if (a->blocks == NULL && size == ARENA_BLOCK)
        block = a->first = arena_block_take ();
      else
        block = g_malloc (size);
      a->blocks = g_slist_prepend (a->blocks, block);
      a->used = 0;
      a->size = size;
      a->total += size;
    }
  p = block + a->used;
  a->used += need;
  a->top = p;
  if (ptr != NULL)
    memcpy (p, ptr, MIN (osize, nsize));
  return p;
}

static int
arena_panic (lua_State *L)
{
  g_error ("unprotected Lua error while compiling: %s", lua_tostring (L, -1));
  return 0;
}

MwLuaChunk *
mw_lua_chunk_new_from_source (const char *chunkname, const char *source, gsize len, GError **error)
{
  Arena arena = { NULL, NULL, 0, 0, 0, NULL };
  lua_State *L;
  MwLuaChunk *chunk = NULL;
  int status;

  g_return_val_if_fail (chunkname != NULL, NULL);
  g_return_val_if_fail (source != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  L = lua_newstate (arena_alloc, &arena);
  if (L == NULL)
    g_error ("cannot create a Lua state: out of memory");
  lua_atpanic (L, arena_panic);
  /* nothing is freed anyway; the collector would only walk the parser's objects */
  lua_gc (L, LUA_GCSTOP, 0);
  status = luaL_loadbuffer (L, source != NULL ? source : "", len, chunkname);
  if (status != 0)
    {
      const char *message = lua_tostring (L, -1);
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_SYNTAX, "%s",
                   message != NULL ? message : "cannot compile");
    }
  else
    chunk = chunk_new_from_host_dump (L, len, error);
  lua_close (L);
  arena_clear (&arena);
  return chunk;
}

MwLuaChunk *
mw_lua_chunk_ref (MwLuaChunk *chunk)
{
  g_return_val_if_fail (chunk != NULL, NULL);
  g_atomic_ref_count_inc (&chunk->ref);
  return chunk;
}

void
mw_lua_chunk_unref (MwLuaChunk *chunk)
{
  g_return_if_fail (chunk != NULL);
  if (g_atomic_ref_count_dec (&chunk->ref))
    {
      function_free (chunk->main);
      g_free (chunk);
    }
}

const MwLuaChunkFormat *
mw_lua_chunk_get_format (MwLuaChunk *chunk)
{
  g_return_val_if_fail (chunk != NULL, NULL);
  return &chunk->format;
}

const MwLuaProto *
mw_lua_chunk_get_main (MwLuaChunk *chunk)
{
  g_return_val_if_fail (chunk != NULL, NULL);
  return chunk->main;
}

MwLuaChunk *
mw_lua_chunk_strip (MwLuaChunk *chunk, int level)
{
  MwLuaChunk *copy;

  g_return_val_if_fail (chunk != NULL, NULL);
  g_return_val_if_fail (level >= 1 && level <= 3, NULL);
  copy = g_new0 (MwLuaChunk, 1);
  g_atomic_ref_count_init (&copy->ref);
  copy->format = chunk->format;
  copy->main = function_copy (chunk->main, level);
  return copy;
}

/* ---------------------------------------------------------------------------------------- */
/* writing */

typedef struct
{
  guint8 *data;
  gsize len;
  gsize cap;
  const MwLuaChunkFormat *format;
  int strip; /* as mw_lua_chunk_strip: what to leave out while writing */
  GError **error;
  gboolean failed;
} Writer;

/* Room for n more bytes at w->data + w->len. */
static inline guint8 *
write_reserve (Writer *w, gsize n)
{
  if (w->len + n > w->cap)
    {
      w->cap = MAX (w->cap * 2, w->len + n);
      w->data = g_realloc (w->data, w->cap);
    }
  return w->data + w->len;
}

static inline void
write_bytes (Writer *w, const void *p, gsize n)
{
  if (n == 0)
    return;
  memcpy (write_reserve (w, n), p, n);
  w->len += n;
}

static inline void
encode_uint (guint8 *buf, guint64 v, guint size, gboolean little_endian)
{
  for (guint i = 0; i < size; i++)
    buf[little_endian ? i : size - 1 - i] = (guint8) (v >> (8 * i));
}

static inline void
write_uint (Writer *w, guint64 v, guint size)
{
  encode_uint (write_reserve (w, size), v, size, w->format->little_endian);
  w->len += size;
}

static void
write_fail (Writer *w, MwLuaChunkError code, const char *message)
{
  if (!w->failed)
    g_set_error_literal (w->error, MW_LUA_CHUNK_ERROR, code, message);
  w->failed = TRUE;
}

static void
write_int (Writer *w, gint64 v, const char *what)
{
  guint size = w->format->sizeof_int;

  if (size < 8 && (v < -((gint64) 1 << (8 * size - 1)) || v >= ((gint64) 1 << (8 * size - 1))))
    {
      g_autofree char *message = g_strdup_printf ("%s %" G_GINT64_FORMAT " does not fit "
                                                  "in a %u-byte int",
                                                  what, v, size);
      write_fail (w, MW_LUA_CHUNK_ERROR_RANGE, message);
    }
  write_uint (w, (guint64) v, size);
}

static inline void
write_byte (Writer *w, guint8 b)
{
  *write_reserve (w, 1) = b;
  w->len++;
}

static void
write_string (Writer *w, const MwLuaString *s)
{
  guint size = w->format->sizeof_size;
  guint64 n = s->data != NULL ? (guint64) s->len + 1 : 0;

  if (size < 8 && n >> (8 * size) != 0)
    write_fail (w, MW_LUA_CHUNK_ERROR_RANGE, "a string is too long for the target format");
  write_uint (w, n, size);
  if (s->data != NULL)
    write_bytes (w, s->data, s->len + 1);
}

static void
write_align (Writer *w)
{
  static const guint8 zeros[4] = { 0 };

  if (w->len & 3)
    write_bytes (w, zeros, 4 - (w->len & 3));
}

static void
write_number (Writer *w, double d)
{
  guint size = w->format->sizeof_number;

  if (w->format->integral)
    {
      gint64 max = size == 8 ? G_MAXINT64 : ((gint64) 1 << (8 * size - 1)) - 1;
      gint64 min = size == 8 ? G_MININT64 : -((gint64) 1 << (8 * size - 1));

      /* the dumped value must be what the source said: no fraction, in range */
      if (!isfinite (d) || d != floor (d) || d < (double) min || d > (double) max)
        {
          g_autofree char *message = NULL;
          message = g_strdup_printf ("number %.14g is not an integer of %u bytes", d, size);
          write_fail (w, MW_LUA_CHUNK_ERROR_NUMBER, message);
          write_uint (w, 0, size);
          return;
        }
      write_uint (w, (guint64) (gint64) d, size);
    }
  else if (size == 8)
    {
      guint64 u;
      memcpy (&u, &d, sizeof u);
      write_uint (w, u, 8);
    }
  else
    {
      float f = (float) d;
      guint32 u;
      memcpy (&u, &f, sizeof u);
      write_uint (w, u, 4);
    }
}

/* The most bytes one instruction's line can take packed: a 34-bit delta (1 + 4 bytes) and a
 * count; plus the NUL. */
#define PACKED_MAX(n) (6 * (gsize) (n) + 1)

/* Packs one line per instruction into `out` (PACKED_MAX bytes): groups of [delta] count,
 * the delta relative to the previous group's line + 1, then a NUL. Returns the length. */
static gsize
pack_lines (guint8 *out, const gint32 *lines, guint n)
{
  guint8 *p = out;
  gint64 last = 0;
  guint i = 0;

  while (i < n)
    {
      gint32 line = lines[i];
      gint64 delta = line - last - 1;
      guint count = 1;

      while (i + count < n && lines[i + count] == line && count < INFO_MAX_COUNT)
        count++;
      if (delta != 0)
        {
          guint64 v = delta < 0 ? (guint64) (-delta - 1) : (guint64) (delta - 1);

          *p++ = INFO_DELTA | (delta < 0 ? INFO_SIGN : 0) | (v & 0x3f);
          for (v >>= 6; v != 0; v >>= 7)
            *p++ = INFO_DELTA | (v & 0x7f);
        }
      *p++ = (guint8) count;
      last = line;
      i += count;
    }
  if (p != out)
    *p++ = 0;
  return p - out;
}

gsize
mw_lua_function_packed_lineinfo_size (const MwLuaProto *function)
{
  g_autofree guint8 *buf = NULL;

  g_return_val_if_fail (function != NULL, 0);
  buf = g_malloc (PACKED_MAX (function->n_lineinfo));
  return pack_lines (buf, function->lineinfo, function->n_lineinfo);
}

static void
write_packed_lines (Writer *w, const MwLuaProto *f)
{
  guint n_lines = w->strip >= 3 ? 0 : f->n_lineinfo;
  gsize at = w->len;
  gsize n;

  /* the size comes first but is known only once packed: written as 0, patched after */
  write_int (w, 0, "the packed line info size");
  write_align (w);
  n = pack_lines (write_reserve (w, PACKED_MAX (n_lines)), f->lineinfo, n_lines);
  w->len += n;
  if (n > G_MAXINT32)
    write_fail (w, MW_LUA_CHUNK_ERROR_RANGE, "line info too big for the target format");
  encode_uint (w->data + at, n, w->format->sizeof_int, w->format->little_endian);
}

static void
write_function (Writer *w, const MwLuaProto *f)
{
  static const MwLuaString none = { NULL, 0 };
  gboolean names = w->strip < 2;

  write_string (w, w->strip >= 3 ? &none : &f->source);
  write_int (w, f->linedefined, "linedefined");
  write_int (w, f->lastlinedefined, "lastlinedefined");
  write_byte (w, f->nups);
  write_byte (w, f->numparams);
  write_byte (w, f->is_vararg);
  write_byte (w, f->maxstacksize);

  write_int (w, f->n_code, "the instruction count");
  if (w->format->layout == MW_LUA_CHUNK_LAYOUT_NODEMCU)
    write_align (w);
  if (w->format->little_endian && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    write_bytes (w, f->code, (gsize) f->n_code * 4);
  else
    for (guint i = 0; i < f->n_code; i++)
      write_uint (w, f->code[i], 4);

  write_int (w, f->n_constants, "the constant count");
  for (guint i = 0; i < f->n_constants; i++)
    {
      const MwLuaConstant *k = &f->constants[i];

      write_byte (w, k->type);
      switch (k->type)
        {
          case MW_LUA_CONSTANT_NIL:
            break;
          case MW_LUA_CONSTANT_BOOLEAN:
            write_byte (w, k->boolean ? 1 : 0);
            break;
          case MW_LUA_CONSTANT_NUMBER:
            write_number (w, k->number);
            break;
          case MW_LUA_CONSTANT_STRING:
            write_string (w, &k->string);
            break;
          default:
            g_assert_not_reached ();
        }
    }
  write_int (w, f->n_protos, "the function count");
  for (guint i = 0; i < f->n_protos; i++)
    write_function (w, f->protos[i]);

  if (w->format->layout == MW_LUA_CHUNK_LAYOUT_NODEMCU)
    write_packed_lines (w, f);
  else
    {
      guint n = w->strip >= 3 ? 0 : f->n_lineinfo;
      write_int (w, n, "the line info count");
      for (guint i = 0; i < n; i++)
        write_int (w, f->lineinfo[i], "a line number");
    }
  write_int (w, names ? f->n_locvars : 0, "the local variable count");
  for (guint i = 0; names && i < f->n_locvars; i++)
    {
      write_string (w, &f->locvars[i].name);
      write_int (w, f->locvars[i].startpc, "a local's start pc");
      write_int (w, f->locvars[i].endpc, "a local's end pc");
    }
  write_int (w, names ? f->n_upvalues : 0, "the upvalue name count");
  for (guint i = 0; names && i < f->n_upvalues; i++)
    write_string (w, &f->upvalues[i]);
}

GBytes *
mw_lua_chunk_dump_stripped (MwLuaChunk *chunk, const MwLuaChunkFormat *format, int level,
                            GError **error)
{
  Writer w = { NULL, 0, 0, format, level, error, FALSE };

  g_return_val_if_fail (chunk != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (level >= 1 && level <= 3, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (format->sizeof_instruction != 4
      || (format->sizeof_int != 2 && format->sizeof_int != 4 && format->sizeof_int != 8)
      || (format->sizeof_size != 2 && format->sizeof_size != 4 && format->sizeof_size != 8)
      || (format->integral && format->sizeof_number != 1 && format->sizeof_number != 2
          && format->sizeof_number != 4 && format->sizeof_number != 8)
      || (!format->integral && format->sizeof_number != 4 && format->sizeof_number != 8))
    {
      g_set_error_literal (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_HEADER,
                           "unsupported target format");
      return NULL;
    }
  {
    const guint8 header[HEADER_SIZE] = {
      0x1b,
      'L',
      'u',
      'a',
      0x51,
      0,
      format->little_endian ? 1 : 0,
      format->sizeof_int,
      format->sizeof_size,
      format->sizeof_instruction,
      format->sizeof_number,
      format->integral ? 1 : 0,
    };
    write_reserve (&w, 4096);
    write_bytes (&w, header, HEADER_SIZE);
  }
  write_function (&w, chunk->main);
  if (w.failed)
    {
      g_free (w.data);
      return NULL;
    }
  return g_bytes_new_take (g_realloc (w.data, w.len), w.len);
}

GBytes *
mw_lua_chunk_dump (MwLuaChunk *chunk, const MwLuaChunkFormat *format, GError **error)
{
  return mw_lua_chunk_dump_stripped (chunk, format, 1, error);
}

/* ---------------------------------------------------------------------------------------- */
/* comparing */

typedef struct
{
  MwLuaChunkCompareFlags flags;
  guint index; /* preorder number of the function being compared, 0 the main chunk */
  char *difference;
} Comparison;

static const char *
ordinal_suffix (guint n)
{
  if (n % 100 >= 11 && n % 100 <= 13)
    return "th";
  switch (n % 10)
    {
      case 1:
        return "st";
      case 2:
        return "nd";
      case 3:
        return "rd";
      default:
        return "th";
    }
}

G_GNUC_PRINTF (3, 4)
static gboolean
differ (Comparison *c, const MwLuaProto *f, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  if (c->index == 0)
    c->difference = g_strdup_printf ("main chunk: %s", what);
  else
    c->difference = g_strdup_printf ("function at line %d (%u%s function): %s", f->linedefined,
                                     c->index, ordinal_suffix (c->index), what);
  return FALSE;
}

static gboolean
constant_equal (const MwLuaConstant *a, const MwLuaConstant *b)
{
  if (a->type != b->type)
    return FALSE;
  switch (a->type)
    {
      case MW_LUA_CONSTANT_BOOLEAN:
        return !a->boolean == !b->boolean;
      case MW_LUA_CONSTANT_NUMBER:
        return memcmp (&a->number, &b->number, sizeof (double)) == 0;
      case MW_LUA_CONSTANT_STRING:
        return string_equal (&a->string, &b->string);
      case MW_LUA_CONSTANT_NIL:
      default:
        return TRUE;
    }
}

static gboolean
function_equal (Comparison *c, const MwLuaProto *a, const MwLuaProto *b)
{
  gboolean debug = !(c->flags & MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG);

  if (!(c->flags & MW_LUA_CHUNK_COMPARE_IGNORE_LINES_DEFINED)
      && (a->linedefined != b->linedefined || a->lastlinedefined != b->lastlinedefined))
    return differ (c, a, "defined at lines %d-%d, not %d-%d", a->linedefined, a->lastlinedefined,
                   b->linedefined, b->lastlinedefined);
  if (a->nups != b->nups)
    return differ (c, a, "%u upvalues, not %u", a->nups, b->nups);
  if (a->numparams != b->numparams)
    return differ (c, a, "%u parameters, not %u", a->numparams, b->numparams);
  if (a->is_vararg != b->is_vararg)
    return differ (c, a, "vararg flags %u, not %u", a->is_vararg, b->is_vararg);
  if (a->maxstacksize != b->maxstacksize)
    return differ (c, a, "stack size %u, not %u", a->maxstacksize, b->maxstacksize);
  for (guint i = 0; i < MIN (a->n_code, b->n_code); i++)
    if (a->code[i] != b->code[i])
      return differ (c, a, "instruction %u differs", i + 1);
  if (a->n_code != b->n_code)
    return differ (c, a, "%u instructions, not %u", a->n_code, b->n_code);
  for (guint i = 0; i < MIN (a->n_constants, b->n_constants); i++)
    if (!constant_equal (&a->constants[i], &b->constants[i]))
      return differ (c, a, "constant %u differs", i + 1);
  if (a->n_constants != b->n_constants)
    return differ (c, a, "%u constants, not %u", a->n_constants, b->n_constants);
  if (a->n_protos != b->n_protos)
    return differ (c, a, "%u nested functions, not %u", a->n_protos, b->n_protos);
  if (debug)
    {
      if (!string_equal (&a->source, &b->source))
        return differ (c, a, "source names differ");
      if (a->n_lineinfo != b->n_lineinfo)
        return differ (c, a, "line info for %u instructions, not %u", a->n_lineinfo, b->n_lineinfo);
      for (guint i = 0; i < a->n_lineinfo; i++)
        if (a->lineinfo[i] != b->lineinfo[i])
          return differ (c, a, "line of instruction %u differs (%d, not %d)", i + 1, a->lineinfo[i],
                         b->lineinfo[i]);
      if (a->n_locvars != b->n_locvars)
        return differ (c, a, "%u local variable names, not %u", a->n_locvars, b->n_locvars);
      for (guint i = 0; i < a->n_locvars; i++)
        if (!string_equal (&a->locvars[i].name, &b->locvars[i].name)
            || a->locvars[i].startpc != b->locvars[i].startpc
            || a->locvars[i].endpc != b->locvars[i].endpc)
          return differ (c, a, "local variable %u differs", i + 1);
      if (a->n_upvalues != b->n_upvalues)
        return differ (c, a, "%u upvalue names, not %u", a->n_upvalues, b->n_upvalues);
      for (guint i = 0; i < a->n_upvalues; i++)
        if (!string_equal (&a->upvalues[i], &b->upvalues[i]))
          return differ (c, a, "upvalue name %u differs", i + 1);
    }
  for (guint i = 0; i < a->n_protos; i++)
    {
      c->index++;
      if (!function_equal (c, a->protos[i], b->protos[i]))
        return FALSE;
    }
  return TRUE;
}

gboolean
mw_lua_chunk_equal (MwLuaChunk *a, MwLuaChunk *b, MwLuaChunkCompareFlags flags, char **difference)
{
  Comparison c = { flags, 0, NULL };
  gboolean equal;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  g_return_val_if_fail (difference == NULL || *difference == NULL, FALSE);

  equal = function_equal (&c, a->main, b->main);
  if (difference != NULL)
    *difference = g_steal_pointer (&c.difference);
  g_free (c.difference);
  return equal;
}

/* ---------------------------------------------------------------------------------------- */
/* loading */

int
mw_lua_chunk_load (lua_State *L, const char *bytes, gsize len, const char *name)
{
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (GBytes) host = NULL;
  g_autoptr (GError) error = NULL;
  gsize host_len;
  const char *host_data;

  g_return_val_if_fail (L != NULL, LUA_ERRERR);
  g_return_val_if_fail (bytes != NULL || len == 0, LUA_ERRERR);
  g_return_val_if_fail (name != NULL, LUA_ERRERR);

  if (len > 0 && bytes[0] == '#')
    {
      /* as luaL_loadfile: skip a "#!" line, keep its newline so line numbers hold */
      const char *nl = memchr (bytes, '\n', len);
      return luaL_loadbuffer (L, nl != NULL ? nl : "", nl != NULL ? len - (nl - bytes) : 0, name);
    }
  if (len == 0 || bytes[0] != 0x1b)
    return luaL_loadbuffer (L, bytes != NULL ? bytes : "", len, name);

  chunk = mw_lua_chunk_new_from_bytes ((const guint8 *) bytes, len, &error);
  if (chunk != NULL)
    host = mw_lua_chunk_dump (chunk, mw_lua_chunk_format_host (), &error);
  if (host == NULL)
    {
      const char *shown = name[0] == '@' || name[0] == '=' ? name + 1 : name;
      lua_pushfstring (L, "%s: bad precompiled chunk: %s", shown, error->message);
      return LUA_ERRSYNTAX;
    }
  host_data = g_bytes_get_data (host, &host_len);
  return luaL_loadbuffer (L, host_data, host_len, name);
}

/* ---------------------------------------------------------------------------------------- */
/* for other formats over the same prototypes (the LFS image, mw-lua-lfs-image.c) */

guint8 *
mw_lua_function_pack_lineinfo (const MwLuaProto *function, gsize *len)
{
  guint8 *buf;

  g_return_val_if_fail (function != NULL, NULL);
  g_return_val_if_fail (len != NULL, NULL);
  buf = g_malloc (PACKED_MAX (function->n_lineinfo));
  *len = pack_lines (buf, function->lineinfo, function->n_lineinfo);
  if (*len == 0)
    g_clear_pointer (&buf, g_free);
  return buf;
}

gboolean
mw_lua_function_unpack_lineinfo (MwLuaProto *function, const guint8 *packed, gsize len,
                                 GError **error)
{
  Reader r = { packed, len, len, mw_lua_chunk_format_nodemcu_float, error, 0 };

  g_return_val_if_fail (function != NULL, FALSE);
  g_return_val_if_fail (packed != NULL || len == 0, FALSE);
  g_clear_pointer (&function->lineinfo, g_free);
  function->n_lineinfo = 0;
  return decode_packed_lines (&r, packed, len, function);
}

void
mw_lua_function_free (MwLuaProto *function)
{
  function_free (function);
}

MwLuaProto *
mw_lua_function_copy (const MwLuaProto *function)
{
  g_return_val_if_fail (function != NULL, NULL);
  return function_copy (function, 1);
}

MwLuaChunk *
mw_lua_chunk_new_from_main (MwLuaProto *main, const MwLuaChunkFormat *format)
{
  MwLuaChunk *chunk;

  g_return_val_if_fail (main != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);
  chunk = g_new0 (MwLuaChunk, 1);
  g_atomic_ref_count_init (&chunk->ref);
  chunk->format = *format;
  chunk->main = main;
  return chunk;
}
