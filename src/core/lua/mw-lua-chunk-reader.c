/* mw-lua-chunk-reader.c: reading Lua 5.1 binary chunks of any declared format.
 *
 * The layout follows Lua 5.1's lundump.c; the NodeMCU differences (docs/firmware.md
 * section 4) are the zero padding to a 4-byte file offset before the instructions and before
 * the line info, and line info packed as groups of [delta bytes] count.
 */
#include "mw-lua-chunk-private.h"

#include <string.h>

gboolean
mw_lua_chunk_parse_header (const guint8 *data, gsize len, MwLuaChunkFormat *format, GError **error)
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
  /* the groups as written, so that writing the chunk again gives the same bytes */
  f->line_groups = g_malloc (n);
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
      f->line_groups[f->n_line_groups++] = p[i];
      i++;
    }
  if (i >= n)
    goto bad;
  if (pc < f->n_code)
    f->n_line_groups = 0; /* groups that do not cover the code: the writer forms its own */
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

MwLuaChunk *
mw_lua_chunk_read (const guint8 *data, gsize len, const MwLuaChunkFormat *format, GError **error)
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

  if (!mw_lua_chunk_parse_header (data, len, &format, error))
    return NULL;
  /* 32-bit ints and string lengths: the firmware's sizes, but also a 32-bit host's stock
   * luac; the header cannot tell them apart, the body can */
  if (format.sizeof_int == 4 && format.sizeof_size == 4)
    {
      format.layout = MW_LUA_CHUNK_LAYOUT_NODEMCU;
      chunk = mw_lua_chunk_read (data, len, &format, &nodemcu_error);
      if (chunk != NULL)
        return chunk;
      format.layout = MW_LUA_CHUNK_LAYOUT_STOCK;
      chunk = mw_lua_chunk_read (data, len, &format, NULL);
      if (chunk != NULL)
        return chunk;
      g_propagate_error (error, g_steal_pointer (&nodemcu_error));
      return NULL;
    }
  return mw_lua_chunk_read (data, len, &format, error);
}

gboolean
mw_lua_proto_unpack_lineinfo (MwLuaProto *function, const guint8 *packed, gsize len, GError **error)
{
  Reader r = { packed, len, len, mw_lua_chunk_format_nodemcu_float, error, 0 };

  g_return_val_if_fail (function != NULL, FALSE);
  g_return_val_if_fail (packed != NULL || len == 0, FALSE);
  g_clear_pointer (&function->lineinfo, g_free);
  g_clear_pointer (&function->line_groups, g_free);
  function->n_lineinfo = 0;
  function->n_line_groups = 0;
  return decode_packed_lines (&r, packed, len, function);
}
