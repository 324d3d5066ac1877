/* mw-lua-chunk.c: the chunk model: prototypes, formats, the chunk object, compiling with the
 * host's liblua5.1, stripping, comparing and loading. Reading is in mw-lua-chunk-reader.c,
 * writing in mw-lua-chunk-writer.c, listings in mw-lua-chunk-listing.c.
 */
#include "mw-lua-chunk-private.h"

#include <string.h>

#include <lauxlib.h>
#include <lua.h>

G_DEFINE_QUARK (mw - lua - chunk - error - quark, mw_lua_chunk_error)

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

void
mw_lua_proto_free (MwLuaProto *f)
{
  if (f == NULL)
    return;
  string_clear (&f->source);
  for (guint i = 0; i < f->n_protos; i++)
    mw_lua_proto_free (f->protos[i]);
  if (!f->packed)
    {
      g_free (f->code);
      for (guint i = 0; i < f->n_constants; i++)
        string_clear (&f->constants[i].string);
      g_free (f->constants);
      g_free (f->protos);
      g_free (f->lineinfo);
      g_free (f->line_groups);
    }
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
      c->n_line_groups = f->n_line_groups;
      c->line_groups = g_memdup2 (f->line_groups, f->n_line_groups);
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
mw_lua_proto_count (const MwLuaProto *function)
{
  guint n = 1;

  g_return_val_if_fail (function != NULL, 0);
  for (guint i = 0; i < function->n_protos; i++)
    n += mw_lua_proto_count (function->protos[i]);
  return n;
}

/* ---------------------------------------------------------------------------------------- */
/* formats */

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
      ok = mw_lua_chunk_parse_header (bytes->data, bytes->len, &host, NULL);
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
/* compiling with the host's liblua5.1, and the chunk object */

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
  chunk = mw_lua_chunk_read (b.data, b.len, mw_lua_chunk_format_host (), error);
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
mw_lua_chunk_new_take (const MwLuaChunkFormat *format, MwLuaProto *main)
{
  MwLuaChunk *chunk;

  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (main != NULL, NULL);
  chunk = g_new0 (MwLuaChunk, 1);
  g_atomic_ref_count_init (&chunk->ref);
  chunk->format = *format;
  chunk->main = main;
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
      mw_lua_proto_free (chunk->main);
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

MwLuaProto *
mw_lua_proto_copy (const MwLuaProto *function)
{
  g_return_val_if_fail (function != NULL, NULL);
  return function_copy (function, 1);
}
