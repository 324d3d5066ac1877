/* mw-lua-chunk-writer.c: writing Lua 5.1 binary chunks in any format, stock or NodeMCU.
 *
 * The layout follows Lua 5.1's ldump.c and the firmware's (docs/firmware.md section 4):
 * padding to a 4-byte offset before the instructions and the line info, line info packed as
 * groups of [delta bytes] count, grouped as the code generator says (section 8) or in the
 * fewest groups.
 */
#include "mw-lua-chunk-private.h"

#include <math.h>
#include <string.h>

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
 * the delta relative to the previous group's line + 1, then a NUL. The groups are
 * `groups` (n_groups counts) when they fit the lines, else the fewest. Returns the length. */
static gsize
pack_lines (guint8 *out, const gint32 *lines, guint n, const guint8 *groups, guint n_groups)
{
  guint8 *p = out;
  gint64 last = 0;
  guint i = 0, g = 0;

  if (groups != NULL)
    {
      /* every group on one line, all together covering the lines exactly */
      guint covered = 0;
      for (guint k = 0; k < n_groups && groups != NULL; k++)
        {
          if (groups[k] == 0 || groups[k] > INFO_MAX_COUNT || covered + groups[k] > n)
            groups = NULL;
          else
            {
              for (guint j = 1; j < groups[k]; j++)
                if (lines[covered + j] != lines[covered])
                  groups = NULL;
              covered += groups[k];
            }
        }
      if (covered != n)
        groups = NULL;
    }
  while (i < n)
    {
      gint32 line = lines[i];
      gint64 delta = line - last - 1;
      guint count = 1;

      if (groups != NULL)
        count = groups[g++];
      else
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
mw_lua_proto_packed_lineinfo_size (const MwLuaProto *function)
{
  g_autofree guint8 *buf = NULL;

  g_return_val_if_fail (function != NULL, 0);
  buf = g_malloc (PACKED_MAX (function->n_lineinfo));
  return pack_lines (buf, function->lineinfo, function->n_lineinfo, function->line_groups,
                     function->n_line_groups);
}

guint8 *
mw_lua_proto_pack_lineinfo (const MwLuaProto *function, gsize *length)
{
  guint8 *buf;

  g_return_val_if_fail (function != NULL, NULL);
  g_return_val_if_fail (length != NULL, NULL);
  buf = g_malloc (PACKED_MAX (function->n_lineinfo));
  *length = pack_lines (buf, function->lineinfo, function->n_lineinfo, function->line_groups,
                        function->n_line_groups);
  if (*length == 0)
    g_clear_pointer (&buf, g_free);
  return buf;
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
  n = pack_lines (write_reserve (w, PACKED_MAX (n_lines)), f->lineinfo, n_lines, f->line_groups,
                  f->n_line_groups);
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
