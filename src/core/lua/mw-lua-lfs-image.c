/* mw-lua-lfs-image.c: laying prototypes out as a Lua Flash Store image, and reading one back.
 *
 * The layout is luac.cross's (docs/firmware.md section 9): a serial allocator of 32-bit
 * words, every address a word offset into the image with its bit set in a relocation bitmap.
 * First the header, then the read-only string table (its bucket array, then each string's
 * header and bytes in the order a Lua table iterates them), then each prototype bottom-up
 * (nested functions first, then its function pointers, constants, code, local and upvalue
 * names, the Proto), last the generated index function. Strings are collected into a Lua
 * table in luac.cross, so their order is that table's iteration order: it is reproduced here
 * with the firmware's own table algorithm (app/lua/ltable.c, whose rehash moves nodes in
 * place), keyed by the firmware's string hash.
 */
#include "mw-lua-lfs-image.h"

#include <string.h>
#include <zlib.h>

G_DEFINE_QUARK (mw - lua - lfs - error - quark, mw_lua_lfs_error)

#define HEADER_WORDS 8
#define TSTRING_WORDS 4 /* next, tt and marked, hash, len */
#define PROTO_WORDS 18
#define TSTRING_TT_MARKED 0x4004u /* LUA_TSTRING, marked with the LFS bit only */
#define SIG_ABSOLUTE 0x01u
#define SIG_FORMAT_MASK 0xf00u
#define SIG_FORMAT_VERSION 0x100u
/* luac.cross's own limit on the flash it lays out (LUA_MAX_FLASH_SIZE words) */
#define MAX_FLASH_WORDS 0x10000u
/* an inflated image is the flash and its bitmap: nothing bigger is worth inflating */
#define MAX_INFLATED (4 * MAX_FLASH_WORDS + MAX_FLASH_WORDS / 8)
#define MAX_DEPTH 200

/* Lua 5.1 opcodes and instruction encoding used by the index function (lopcodes.h) */
#define OP_LOADK 1
#define OP_NEWTABLE 10
#define OP_JMP 22
#define OP_EQ 23
#define OP_RETURN 30
#define OP_SETLIST 34
#define OP_CLOSURE 36
#define MAXARG_SBX 131071
#define BITRK 256
#define CREATE_ABC(o, a, b, c) \
  ((guint32) (o) | ((guint32) (a) << 6) | ((guint32) (b) << 23) | ((guint32) (c) << 14))
#define CREATE_ABX(o, a, bx) ((guint32) (o) | ((guint32) (a) << 6) | ((guint32) (bx) << 14))

struct _MwLuaLfsImage
{
  gatomicrefcount ref;
  GBytes *bytes; /* inflated: flash words, then the bitmap */
  guint32 signature;
  MwLuaNumberType target;
  gsize flash_size;
  gint64 timestamp;
  char **modules;
  guint n_modules;
  guint n_strings;
  gsize strings_size;
  MwLuaProto *index; /* the index function, every module nested in it */
};

guint32
mw_lua_lfs_string_hash (const char *s, gsize len)
{
  guint32 h = (guint32) len; /* seed */
  gsize step = (len >> 5) + 1; /* long strings: not every byte */

  for (gsize l1 = len; l1 >= step; l1 -= step)
    h = h ^ ((h << 5) + (h >> 2) + (guchar) s[l1 - 1]);
  return h;
}

char *
mw_lua_lfs_module_name (const char *filename)
{
  const char *s = strrchr (filename, '/');
  const char *e;

  if (s == NULL)
    s = strrchr (filename, '\\');
  s = s != NULL ? s + 1 : filename;
  while (*s == '.')
    s++;
  e = strchr (s, '.');
  if ((e != NULL ? e - s : (gssize) strlen (s)) == 0)
    return g_strdup (filename);
  return e != NULL ? g_strndup (s, e - s) : g_strdup (s);
}

/* ---------------------------------------------------------------------------------------- */
/* the string table luac.cross collects strings in (app/lua/ltable.c, string keys only) */

typedef struct
{
  int key; /* index into the string set, -1: nil */
  gboolean val; /* the value is set (luac.cross stores 1) */
  int next; /* -1: end of chain */
} TNode;

typedef struct
{
  TNode *node;
  int size; /* 0: the shared dummy node */
  int lastfree;
  const GPtrArray *strings; /* of LfsString */
} LuaTable;

typedef struct
{
  GBytes *bytes;
  guint32 hash;
  guint offset; /* word offset of its header in the image, once laid out */
} LfsString;

static int
ceil_log2 (guint x)
{
  int l = 0;

  while ((1u << l) < x)
    l++;
  return l;
}

static int
main_position (const LuaTable *t, int key)
{
  const LfsString *s = g_ptr_array_index (t->strings, key);
  return (int) (s->hash & (guint32) (t->size - 1));
}

/* getfreepos: scans down from lastfree for a node without a key */
static int
get_free_pos (LuaTable *t)
{
  for (;;)
    {
      int old = t->lastfree--;
      if (!(old > 0))
        return -1;
      if (t->node[t->lastfree].key < 0)
        return t->lastfree;
    }
}

static int
find_prev_node (const LuaTable *t, int mp, int next)
{
  int prev = mp;

  while (prev >= 0 && t->node[prev].next != next)
    prev = t->node[prev].next;
  return prev;
}

/* move_node: rehashing in place, a node goes to its new main position */
static gboolean
move_node (LuaTable *t, int i)
{
  int mp = main_position (t, t->node[i].key);

  if (mp == i || find_prev_node (t, mp, i) >= 0)
    return TRUE;
  if (t->node[mp].val)
    {
      int othermp = main_position (t, t->node[mp].key);

      if (othermp != mp)
        {
          /* the colliding node is out of its main position: swap */
          TNode tmp = t->node[i];
          int prev = find_prev_node (t, othermp, mp);

          if (prev >= 0)
            t->node[prev].next = i;
          t->node[i] = t->node[mp];
          t->node[mp] = tmp;
          return prev >= 0;
        }
      t->node[i].next = t->node[mp].next;
      t->node[mp].next = i;
    }
  else
    {
      t->node[mp] = t->node[i];
      t->node[i] = (TNode){ -1, FALSE, -1 };
    }
  return TRUE;
}

static void
resize_node_vector (LuaTable *t, int oldsize, int newsize)
{
  t->node = g_renew (TNode, t->node, MAX (newsize, 1));
  for (int i = oldsize; i < newsize; i++)
    t->node[i] = (TNode){ -1, FALSE, -1 };
  t->size = newsize;
  t->lastfree = newsize;
}

/* resize_hashpart: grows (or shrinks) the node vector and moves nodes in place */
static void
resize_hash_part (LuaTable *t, int nhsize)
{
  int oldhsize = t->size;

  nhsize = 1 << ceil_log2 (nhsize);
  if (oldhsize < nhsize)
    resize_node_vector (t, oldhsize, nhsize);
  else
    {
      t->size = nhsize;
      t->lastfree = nhsize;
    }
  for (int i = 0; i < oldhsize; i++)
    {
      t->node[i].next = -1;
      if (!t->node[i].val)
        {
          t->node[i].key = -1;
          continue;
        }
      if (i >= nhsize)
        {
          int n = get_free_pos (t);
          g_assert (n >= 0);
          t->node[n] = t->node[i];
        }
    }
  if (oldhsize > nhsize)
    resize_node_vector (t, nhsize, nhsize);
  for (int i = 0; i < nhsize; i++)
    if (t->node[i].val)
      while (!move_node (t, i))
        ;
}

static void table_set (LuaTable *t, int key);

/* rehash: every key in use plus the new one decides the size (no array part for strings) */
static void
rehash (LuaTable *t)
{
  int total = 1;

  for (int i = 0; i < t->size; i++)
    total += t->node[i].val ? 1 : 0;
  resize_hash_part (t, total);
}

static void
new_key (LuaTable *t, int key)
{
  int mp;

  if (t->size == 0)
    {
      rehash (t);
      table_set (t, key);
      return;
    }
  mp = main_position (t, key);
  if (t->node[mp].val)
    {
      int othern;
      int n = get_free_pos (t);

      if (n < 0)
        {
          rehash (t);
          table_set (t, key);
          return;
        }
      othern = main_position (t, t->node[mp].key);
      if (othern != mp)
        {
          while (t->node[othern].next != mp)
            othern = t->node[othern].next;
          t->node[othern].next = n;
          t->node[n] = t->node[mp];
          t->node[mp].next = -1;
          t->node[mp].val = FALSE;
        }
      else
        {
          t->node[n].next = t->node[mp].next;
          t->node[mp].next = n;
          mp = n;
        }
    }
  t->node[mp].key = key;
  t->node[mp].val = TRUE;
}

static void
table_set (LuaTable *t, int key)
{
  if (t->size > 0)
    for (int n = main_position (t, key); n >= 0; n = t->node[n].next)
      if (t->node[n].key == key)
        return;
  new_key (t, key);
}

/* ---------------------------------------------------------------------------------------- */
/* laying out */

typedef struct
{
  GArray *words; /* guint32 */
  GArray *tags; /* guint32: one bit per word, set for addresses */
  MwLuaNumberType target;
  GPtrArray *strings; /* LfsString, in the order first added */
  GHashTable *string_index; /* GBytes -> index + 1 */
  LuaTable table;
  GError **error;
} Layout;

static void
lfs_string_free (gpointer p)
{
  LfsString *s = p;
  g_bytes_unref (s->bytes);
  g_free (s);
}

static guint
layout_alloc (Layout *l, gsize bytes)
{
  guint at = l->words->len;
  guint n = (guint) ((bytes + 3) / 4);

  g_array_set_size (l->words, at + n);
  memset (&g_array_index (l->words, guint32, at), 0, 4 * (gsize) n);
  return at;
}

static guint32 *
layout_word (Layout *l, guint at)
{
  return &g_array_index (l->words, guint32, at);
}

/* Stores the address of word `target` at word `at` (nothing for NULL, as luac.cross). */
static void
layout_set_addr (Layout *l, guint at, guint target)
{
  guint w = at / 32;

  if (target == 0)
    return;
  *layout_word (l, at) = target;
  if (l->tags->len <= w)
    g_array_set_size (l->tags, w + 1);
  g_array_index (l->tags, guint32, w) |= 1u << (at % 32);
}

static int
layout_string_find (Layout *l, const char *data, gsize len)
{
  g_autoptr (GBytes) key = g_bytes_new_static (data, len);
  return GPOINTER_TO_INT (g_hash_table_lookup (l->string_index, key)) - 1;
}

/* addTS: a string found in a prototype goes into the table */
static void
layout_add_string (Layout *l, const char *data, gsize len)
{
  int i = layout_string_find (l, data, len);

  if (i < 0)
    {
      LfsString *s = g_new0 (LfsString, 1);
      s->bytes = g_bytes_new (data, len);
      s->hash = mw_lua_lfs_string_hash (data, len);
      g_ptr_array_add (l->strings, s);
      i = (int) l->strings->len - 1;
      g_hash_table_insert (l->string_index, s->bytes, GINT_TO_POINTER (i + 1));
    }
  table_set (&l->table, i);
}

static guint
layout_string_offset (Layout *l, const char *data, gsize len)
{
  int i = layout_string_find (l, data, len);

  g_assert (i >= 0);
  return ((LfsString *) g_ptr_array_index (l->strings, i))->offset;
}

/* The packed line info, as the C string the firmware keeps it as (without its NUL). */
static guint8 *
packed_lines (const MwLuaProto *f, gsize *len)
{
  guint8 *packed = mw_lua_proto_pack_lineinfo (f, len);

  if (packed != NULL)
    *len -= 1;
  return packed;
}

/* scanProtoStrings: source, line info, string constants, upvalue and local names, then the
 * nested functions. A nested function's source is its parent's. */
static void
scan_strings (Layout *l, const MwLuaProto *f, const MwLuaString *source)
{
  g_autofree guint8 *packed = NULL;
  gsize packed_len;

  if (f->source.data != NULL)
    source = &f->source;
  if (source != NULL && source->data != NULL)
    layout_add_string (l, source->data, source->len);
  packed = packed_lines (f, &packed_len);
  if (packed != NULL)
    layout_add_string (l, (const char *) packed, packed_len);
  for (guint i = 0; i < f->n_constants; i++)
    if (f->constants[i].type == MW_LUA_CONSTANT_STRING)
      layout_add_string (l, f->constants[i].string.data, f->constants[i].string.len);
  for (guint i = 0; i < f->n_upvalues; i++)
    if (f->upvalues[i].data != NULL)
      layout_add_string (l, f->upvalues[i].data, f->upvalues[i].len);
  for (guint i = 0; i < f->n_locvars; i++)
    if (f->locvars[i].name.data != NULL)
      layout_add_string (l, f->locvars[i].name.data, f->locvars[i].name.len);
  for (guint i = 0; i < f->n_protos; i++)
    scan_strings (l, f->protos[i], source);
}

/* createROstrt: the bucket array (2 << floor(log2 n) entries), then each string's header and
 * bytes in the table's iteration order, each put at the head of its bucket's chain. */
static void
layout_string_table (Layout *l, guint *n_use, guint *n_size)
{
  guint n = 0;
  guint size;
  guint buckets;

  for (int i = 0; i < l->table.size; i++)
    n += l->table.node[i].val ? 1 : 0;
  size = 2u << (g_bit_storage (n) - 1);
  buckets = layout_alloc (l, 4 * (gsize) size);
  layout_set_addr (l, 3, buckets);
  for (int i = 0; i < l->table.size; i++)
    {
      LfsString *s;
      gsize len;
      const char *data;
      guint bucket;
      guint ts;
      guint bytes;

      if (!l->table.node[i].val)
        continue;
      s = g_ptr_array_index (l->strings, l->table.node[i].key);
      data = g_bytes_get_data (s->bytes, &len);
      bucket = buckets + (s->hash & (size - 1));
      ts = layout_alloc (l, 4 * TSTRING_WORDS);
      layout_set_addr (l, ts, *layout_word (l, bucket));
      layout_set_addr (l, bucket, ts);
      *layout_word (l, ts + 1) = TSTRING_TT_MARKED;
      *layout_word (l, ts + 2) = s->hash;
      *layout_word (l, ts + 3) = (guint32) len;
      bytes = layout_alloc (l, len + 1);
      if (len > 0)
        memcpy (layout_word (l, bytes), data, len);
      s->offset = ts;
    }
  *n_use = n;
  *n_size = size;
}

static guint
layout_tvalue_words (const Layout *l)
{
  return l->target == MW_LUA_TARGET_INTEGER ? 2 : 3;
}

/* functionToFlash: nested functions first, then the vectors, then the Proto itself */
static guint
layout_function (Layout *l, const MwLuaProto *f, const MwLuaString *source)
{
  g_autofree guint *children = g_new0 (guint, f->n_protos + 1);
  g_autofree guint8 *packed = NULL;
  guint tv = layout_tvalue_words (l);
  guint p = 0, k = 0, code = 0, locvars = 0, upvalues = 0, proto;
  gsize packed_len;

  if (f->source.data != NULL)
    source = &f->source;
  for (guint i = 0; i < f->n_protos; i++)
    children[i] = layout_function (l, f->protos[i], source);
  if (f->n_protos > 0)
    {
      p = layout_alloc (l, 4 * (gsize) f->n_protos);
      for (guint i = 0; i < f->n_protos; i++)
        layout_set_addr (l, p + i, children[i]);
    }
  if (f->n_constants > 0)
    {
      k = layout_alloc (l, 4 * (gsize) tv * f->n_constants);
      for (guint i = 0; i < f->n_constants; i++)
        {
          const MwLuaConstant *c = &f->constants[i];
          guint at = k + i * tv;

          switch (c->type)
            {
              case MW_LUA_CONSTANT_STRING:
                layout_set_addr (l, at, layout_string_offset (l, c->string.data, c->string.len));
                break;
              case MW_LUA_CONSTANT_NUMBER:
                if (l->target == MW_LUA_TARGET_INTEGER)
                  *layout_word (l, at) = (guint32) (gint32) c->number;
                else
                  memcpy (layout_word (l, at), &c->number, 8);
                break;
              case MW_LUA_CONSTANT_BOOLEAN:
                *layout_word (l, at) = c->boolean ? 1 : 0;
                break;
              case MW_LUA_CONSTANT_NIL:
                break;
            }
          *layout_word (l, at + tv - 1) = c->type;
        }
    }
  if (f->n_code > 0)
    {
      code = layout_alloc (l, 4 * (gsize) f->n_code);
      memcpy (layout_word (l, code), f->code, 4 * (gsize) f->n_code);
    }
  packed = packed_lines (f, &packed_len);
  if (f->n_locvars > 0)
    {
      locvars = layout_alloc (l, 12 * (gsize) f->n_locvars);
      for (guint i = 0; i < f->n_locvars; i++)
        {
          const MwLuaLocVar *v = &f->locvars[i];
          if (v->name.data != NULL)
            layout_set_addr (l, locvars + 3 * i,
                             layout_string_offset (l, v->name.data, v->name.len));
          *layout_word (l, locvars + 3 * i + 1) = (guint32) v->startpc;
          *layout_word (l, locvars + 3 * i + 2) = (guint32) v->endpc;
        }
    }
  if (f->n_upvalues > 0)
    {
      upvalues = layout_alloc (l, 4 * (gsize) f->n_upvalues);
      for (guint i = 0; i < f->n_upvalues; i++)
        if (f->upvalues[i].data != NULL)
          layout_set_addr (l, upvalues + i,
                           layout_string_offset (l, f->upvalues[i].data, f->upvalues[i].len));
    }
  /* next, tt/marked (written as 0), k, code, p, packedlineinfo, locvars, upvalues, source,
   * sizeupvalues, sizek, sizecode, sizep, sizelocvars, linedefined, lastlinedefined,
   * gclist, then nups, numparams, is_vararg, maxstacksize in one word */
  proto = layout_alloc (l, 4 * PROTO_WORDS);
  layout_set_addr (l, proto + 2, k);
  layout_set_addr (l, proto + 3, code);
  layout_set_addr (l, proto + 4, p);
  if (packed != NULL)
    layout_set_addr (l, proto + 5,
                     layout_string_offset (l, (const char *) packed, packed_len) + TSTRING_WORDS);
  layout_set_addr (l, proto + 6, locvars);
  layout_set_addr (l, proto + 7, upvalues);
  if (source != NULL && source->data != NULL)
    layout_set_addr (l, proto + 8, layout_string_offset (l, source->data, source->len));
  *layout_word (l, proto + 9) = f->n_upvalues;
  *layout_word (l, proto + 10) = f->n_constants;
  *layout_word (l, proto + 11) = f->n_code;
  *layout_word (l, proto + 12) = f->n_protos;
  *layout_word (l, proto + 13) = f->n_locvars;
  *layout_word (l, proto + 14) = (guint32) f->linedefined;
  *layout_word (l, proto + 15) = (guint32) f->lastlinedefined;
  *layout_word (l, proto + 17) = (guint32) f->nups | (guint32) f->numparams << 8
                                 | (guint32) f->is_vararg << 16 | (guint32) f->maxstacksize << 24;
  return proto;
}

static void
set_string (MwLuaString *s, const char *data, gsize len)
{
  s->data = g_malloc (len + 1);
  memcpy (s->data, data, len);
  s->data[len] = '\0';
  s->len = len;
}

/* int2fb: the "floating point byte" of NEWTABLE's size hints (lobject.c) */
static guint
int2fb (guint x)
{
  guint e = 0;

  while (x >= 16)
    {
      x = (x + 1) >> 1;
      e++;
    }
  return x < 8 ? x : ((e + 1) << 3) | (x - 8);
}

/* The index function luac.cross generates (its combine(), lookup type): called with a
 * module name it returns that module's main function; with anything else, the build time
 * and the list of names. The nested functions are borrowed from `modules`. */
static MwLuaProto *
index_function_new (const MwLuaLfsModule *modules, char **names, guint n, gint64 timestamp)
{
  MwLuaProto *f = g_new0 (MwLuaProto, 1);
  guint32 *pc;

  set_string (&f->source, "=(luac)", 7);
  f->numparams = 1;
  f->maxstacksize = (guint8) (n + 3);
  f->n_protos = n;
  f->protos = g_new0 (MwLuaProto *, n);
  for (guint i = 0; i < n; i++)
    f->protos[i] = (MwLuaProto *) modules[i].main;
  f->n_constants = n + 1;
  f->constants = g_new0 (MwLuaConstant, n + 1);
  for (guint i = 0; i < n; i++)
    {
      f->constants[i].type = MW_LUA_CONSTANT_STRING;
      set_string (&f->constants[i].string, names[i], strlen (names[i]));
    }
  f->constants[n].type = MW_LUA_CONSTANT_NUMBER;
  f->constants[n].number = (double) timestamp;
  f->n_code = 5 * n + 5;
  f->code = g_new (guint32, f->n_code);
  pc = f->code;
  for (guint i = 0; i < n; i++)
    {
      /* if arg == name[i] then return function of module i end */
      *pc++ = CREATE_ABC (OP_EQ, 0, 0, BITRK | i);
      *pc++ = CREATE_ABX (OP_JMP, 0, MAXARG_SBX + 2);
      *pc++ = CREATE_ABX (OP_CLOSURE, 1, i);
      *pc++ = CREATE_ABC (OP_RETURN, 1, 2, 0);
    }
  *pc++ = CREATE_ABX (OP_LOADK, 1, n);
  *pc++ = CREATE_ABC (OP_NEWTABLE, 2, int2fb (n), 0);
  for (guint i = 0; i < n; i++)
    *pc++ = CREATE_ABX (OP_LOADK, i + 3, i);
  *pc++ = CREATE_ABC (OP_SETLIST, 2, n, 1);
  *pc++ = CREATE_ABC (OP_RETURN, 1, 3, 0);
  *pc++ = CREATE_ABC (OP_RETURN, 0, 1, 0);
  g_assert ((guint) (pc - f->code) == f->n_code);
  return f;
}

/* Frees the index function, not the modules' functions it borrowed. */
static void
index_function_free (MwLuaProto *f)
{
  f->n_protos = 0;
  mw_lua_proto_free (f);
}

static gboolean
check_numbers (const char *filename, const MwLuaProto *f, GError **error)
{
  for (guint i = 0; i < f->n_constants; i++)
    {
      double d = f->constants[i].number;
      if (f->constants[i].type == MW_LUA_CONSTANT_NUMBER
          && !(d == (double) (gint32) d && d >= (double) G_MININT32 && d <= (double) G_MAXINT32))
        {
          g_set_error (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_COMPILE,
                       "%s: number %.14g is no integer of the integer firmware", filename, d);
          return FALSE;
        }
    }
  for (guint i = 0; i < f->n_protos; i++)
    if (!check_numbers (filename, f->protos[i], error))
      return FALSE;
  return TRUE;
}

static GBytes *
layout_image (const MwLuaLfsModule *modules, guint n, MwLuaNumberType target, gint64 timestamp,
              gsize max_size, GError **error)
{
  g_auto (GStrv) names = g_new0 (char *, n + 1);
  MwLuaProto *index;
  Layout l = { 0 };
  guint n_use, n_size;
  guint main_offset;
  gsize flash_size;
  guint n_tags;
  GByteArray *out;

  if (n == 0)
    {
      g_set_error_literal (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_MODULES,
                           "no Lua files given: an LFS image holds at least one module");
      return NULL;
    }
  if (n > MW_LUA_LFS_MAX_MODULES)
    {
      g_set_error (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_MODULES,
                   "%u modules: an LFS image holds at most %d (its index function sets them "
                   "with one SETLIST)",
                   n, MW_LUA_LFS_MAX_MODULES);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      names[i] = mw_lua_lfs_module_name (modules[i].filename);
      for (guint j = 0; j < i; j++)
        if (strcmp (names[i], names[j]) == 0)
          {
            g_set_error (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_MODULES,
                         "%s and %s are both module '%s': node.LFS.get would only ever find "
                         "the first; rename one",
                         modules[j].filename, modules[i].filename, names[i]);
            return NULL;
          }
      if (target == MW_LUA_TARGET_INTEGER
          && !check_numbers (modules[i].filename, modules[i].main, error))
        return NULL;
    }

  index = index_function_new (modules, names, n, timestamp);
  l.words = g_array_new (FALSE, FALSE, sizeof (guint32));
  l.tags = g_array_new (FALSE, TRUE, sizeof (guint32));
  l.target = target;
  l.strings = g_ptr_array_new_with_free_func (lfs_string_free);
  l.string_index = g_hash_table_new (g_bytes_hash, g_bytes_equal);
  l.table.strings = l.strings;
  l.error = error;

  layout_alloc (&l, 4 * HEADER_WORDS);
  scan_strings (&l, index, NULL);
  layout_string_table (&l, &n_use, &n_size);
  *layout_word (&l, 4) = n_use;
  *layout_word (&l, 5) = n_size;
  main_offset = layout_function (&l, index, NULL);
  layout_set_addr (&l, 2, main_offset);
  *layout_word (&l, 0) = target == MW_LUA_TARGET_INTEGER ? MW_LUA_LFS_SIG_INTEGER
                                                         : MW_LUA_LFS_SIG_FLOAT;
  flash_size = 4 * (gsize) l.words->len;
  *layout_word (&l, 1) = (guint32) flash_size;
  index_function_free (index);
  g_hash_table_unref (l.string_index);
  g_ptr_array_unref (l.strings);
  g_free (l.table.node);

  if ((max_size > 0 && flash_size > max_size) || l.words->len > MAX_FLASH_WORDS)
    {
      gsize limit = max_size > 0 ? MIN (max_size, 4 * MAX_FLASH_WORDS) : 4 * MAX_FLASH_WORDS;
      g_set_error (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_TOO_BIG,
                   "the image needs %" G_GSIZE_FORMAT
                   " bytes of flash, more than the %" G_GSIZE_FORMAT " bytes allowed",
                   flash_size, limit);
      g_array_unref (l.words);
      g_array_unref (l.tags);
      return NULL;
    }

  /* the bitmap follows the flash words: one bit per word, 32 to a word */
  n_tags = (l.words->len + 31) / 32;
  g_array_set_size (l.tags, n_tags);
  out = g_byte_array_sized_new (flash_size + 4 * n_tags);
  g_byte_array_append (out, (const guint8 *) l.words->data, flash_size);
  g_byte_array_append (out, (const guint8 *) l.tags->data, 4 * n_tags);
  g_array_unref (l.words);
  g_array_unref (l.tags);
#if G_BYTE_ORDER == G_BIG_ENDIAN
#error "the image is laid out in host words: a little-endian host is assumed"
#endif
  return g_byte_array_free_to_bytes (out);
}

/* ---------------------------------------------------------------------------------------- */
/* reading back */

typedef struct
{
  const guint32 *words;
  guint n_words; /* flash words */
  const guint32 *tags;
  MwLuaNumberType target;
  GError **error;
  guint depth;
} Image;

static gboolean
image_fail (Image *im, const char *message, guint at)
{
  g_set_error (im->error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_IMAGE, "word %u: %s", at, message);
  return FALSE;
}

static gboolean
image_is_addr (const Image *im, guint at)
{
  return (im->tags[at / 32] >> (at % 32)) & 1;
}

/* An address field: 0 for NULL, else a word offset to `n` words inside the flash. */
static gboolean
image_addr (Image *im, guint at, guint n, guint *out)
{
  guint32 v = im->words[at];

  if (!image_is_addr (im, at))
    {
      if (v != 0)
        return image_fail (im, "a pointer without its relocation bit", at);
      *out = 0;
      return TRUE;
    }
  if (v == 0 || v >= im->n_words || n > im->n_words - v)
    return image_fail (im, "a pointer out of the image", at);
  *out = v;
  return TRUE;
}

/* A TString at word `ts`: its bytes, which must end with a NUL inside the flash. */
static gboolean
image_string (Image *im, guint ts, MwLuaString *out)
{
  guint32 len;

  if (ts == 0 || ts > im->n_words - TSTRING_WORDS)
    return image_fail (im, "a string out of the image", ts);
  len = im->words[ts + 3];
  if (len >= 4 * (gsize) (im->n_words - ts - TSTRING_WORDS))
    return image_fail (im, "a string longer than the image", ts);
  if (((const char *) (im->words + ts + TSTRING_WORDS))[len] != '\0')
    return image_fail (im, "a string without its NUL", ts);
  if (out != NULL)
    set_string (out, (const char *) (im->words + ts + TSTRING_WORDS), len);
  return TRUE;
}

static gboolean
image_string_field (Image *im, guint at, MwLuaString *out)
{
  guint ts;

  if (!image_addr (im, at, TSTRING_WORDS, &ts))
    return FALSE;
  return ts == 0 || image_string (im, ts, out);
}

static gboolean
image_function (Image *im, guint at, const MwLuaString *parent_source, MwLuaProto *f)
{
  const guint32 *w = im->words + at;
  guint tv = im->target == MW_LUA_TARGET_INTEGER ? 2 : 3;
  guint k, code, p, lines, locvars, upvalues;
  guint32 last;

  if (++im->depth > MAX_DEPTH)
    return image_fail (im, "functions nested too deep", at);
  f->n_upvalues = w[9];
  f->n_constants = w[10];
  f->n_code = w[11];
  f->n_protos = w[12];
  f->n_locvars = w[13];
  if (f->n_upvalues > im->n_words || f->n_constants > im->n_words || f->n_code > im->n_words
      || f->n_protos > im->n_words || f->n_locvars > im->n_words)
    return image_fail (im, "a count bigger than the image", at);
  if (!image_addr (im, at + 2, tv * f->n_constants, &k)
      || !image_addr (im, at + 3, f->n_code, &code) || !image_addr (im, at + 4, f->n_protos, &p)
      || !image_addr (im, at + 5, 1, &lines) || !image_addr (im, at + 6, 3 * f->n_locvars, &locvars)
      || !image_addr (im, at + 7, f->n_upvalues, &upvalues))
    return FALSE;
  if ((f->n_constants > 0 && k == 0) || (f->n_code > 0 && code == 0) || (f->n_protos > 0 && p == 0)
      || (f->n_locvars > 0 && locvars == 0) || (f->n_upvalues > 0 && upvalues == 0))
    return image_fail (im, "a vector missing", at);
  if (!image_string_field (im, at + 8, &f->source))
    return FALSE;
  f->linedefined = (gint32) w[14];
  f->lastlinedefined = (gint32) w[15];
  last = w[17];
  f->nups = last & 0xff;
  f->numparams = (last >> 8) & 0xff;
  f->is_vararg = (last >> 16) & 0xff;
  f->maxstacksize = last >> 24;

  f->code = g_new (guint32, f->n_code);
  if (f->n_code > 0)
    memcpy (f->code, im->words + code, 4 * (gsize) f->n_code);
  f->constants = g_new0 (MwLuaConstant, f->n_constants);
  for (guint i = 0; i < f->n_constants; i++)
    {
      guint c = k + i * tv;
      MwLuaConstant *kc = &f->constants[i];

      switch (im->words[c + tv - 1])
        {
          case MW_LUA_CONSTANT_NIL:
            kc->type = MW_LUA_CONSTANT_NIL;
            break;
          case MW_LUA_CONSTANT_BOOLEAN:
            kc->type = MW_LUA_CONSTANT_BOOLEAN;
            kc->boolean = im->words[c] != 0;
            break;
          case MW_LUA_CONSTANT_NUMBER:
            kc->type = MW_LUA_CONSTANT_NUMBER;
            if (tv == 2)
              kc->number = (gint32) im->words[c];
            else
              memcpy (&kc->number, im->words + c, 8);
            break;
          case MW_LUA_CONSTANT_STRING:
            {
              guint ts;
              kc->type = MW_LUA_CONSTANT_STRING;
              if (!image_addr (im, c, TSTRING_WORDS, &ts))
                return FALSE;
              if (ts == 0)
                return image_fail (im, "a string constant without its string", c);
              if (!image_string (im, ts, &kc->string))
                return FALSE;
              break;
            }
          default:
            return image_fail (im, "a constant of unknown type", c);
        }
    }
  if (lines != 0)
    {
      const guint8 *bytes = (const guint8 *) (im->words + lines);
      const guint8 *end = memchr (bytes, 0, 4 * (gsize) (im->n_words - lines));
      g_autoptr (GError) local_error = NULL;

      if (end == NULL)
        return image_fail (im, "line info without its NUL", lines);
      if (!mw_lua_proto_unpack_lineinfo (f, bytes, end - bytes + 1, &local_error))
        return image_fail (im, "malformed line info", lines);
    }
  f->locvars = g_new0 (MwLuaLocVar, f->n_locvars);
  for (guint i = 0; i < f->n_locvars; i++)
    {
      if (!image_string_field (im, locvars + 3 * i, &f->locvars[i].name))
        return FALSE;
      f->locvars[i].startpc = (gint32) im->words[locvars + 3 * i + 1];
      f->locvars[i].endpc = (gint32) im->words[locvars + 3 * i + 2];
    }
  f->upvalues = g_new0 (MwLuaString, f->n_upvalues);
  for (guint i = 0; i < f->n_upvalues; i++)
    if (!image_string_field (im, upvalues + i, &f->upvalues[i]))
      return FALSE;
  f->protos = g_new0 (MwLuaProto *, f->n_protos);
  for (guint i = 0; i < f->n_protos; i++)
    {
      guint child;

      if (!image_addr (im, p + i, PROTO_WORDS, &child))
        return FALSE;
      if (child == 0 || child >= at)
        return image_fail (im, "a nested function that is not laid out before its parent", p + i);
      f->protos[i] = g_new0 (MwLuaProto, 1);
      if (!image_function (im, child, f->source.data != NULL ? &f->source : parent_source,
                           f->protos[i]))
        return FALSE;
    }
  /* a nested function's source equal to its parent's is left out, as in a chunk */
  if (parent_source != NULL && f->source.data != NULL && parent_source->len == f->source.len
      && memcmp (parent_source->data, f->source.data, f->source.len) == 0)
    {
      g_clear_pointer (&f->source.data, g_free);
      f->source.len = 0;
    }
  im->depth--;
  return TRUE;
}

static GBytes *
inflate_image (const guint8 *data, gsize len, GError **error)
{
  z_stream z = { 0 };
  GByteArray *out = g_byte_array_new ();
  int status;

  if (inflateInit2 (&z, 15 + 16) != Z_OK)
    g_error ("zlib: inflateInit2 failed");
  z.next_in = (Bytef *) data;
  z.avail_in = (uInt) len;
  do
    {
      gsize at = out->len;

      if (at >= MAX_INFLATED)
        {
          status = Z_BUF_ERROR;
          break;
        }
      g_byte_array_set_size (out, at + 16384);
      z.next_out = out->data + at;
      z.avail_out = 16384;
      status = inflate (&z, Z_NO_FLUSH);
      g_byte_array_set_size (out, at + 16384 - z.avail_out);
    }
  while (status == Z_OK);
  inflateEnd (&z);
  if (status != Z_STREAM_END || z.avail_in != 0)
    {
      g_set_error (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_IMAGE, "damaged gzip stream: %s",
                   status == Z_STREAM_END ? "bytes after its end"
                   : status == Z_BUF_ERROR && out->len >= MAX_INFLATED
                     ? "it inflates to more than an image can hold"
                   : status == Z_BUF_ERROR ? "it ends too soon"
                   : z.msg != NULL         ? z.msg
                                           : "inflate failed");
      g_byte_array_unref (out);
      return NULL;
    }
  return g_byte_array_free_to_bytes (out);
}

static MwLuaLfsImage *
image_read (GBytes *bytes, GError **error)
{
  g_autoptr (MwLuaLfsImage) image = g_new0 (MwLuaLfsImage, 1);
  gsize len;
  const guint32 *words = g_bytes_get_data (bytes, &len);
  g_autofree guint32 *aligned = NULL;
  Image im = { 0 };
  guint n_all;
  guint32 sig;
  guint main_offset, buckets;
  MwLuaProto *index;

  g_atomic_ref_count_init (&image->ref);
  image->bytes = g_bytes_ref (bytes);
  if (len < 4 * (HEADER_WORDS + 1) || len % 4 != 0)
    {
      g_set_error (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_IMAGE,
                   "%" G_GSIZE_FORMAT " bytes: too short or not whole words for an LFS image", len);
      return NULL;
    }
  if (((gsize) words & 3) != 0)
    words = aligned = g_memdup2 (words, len);
  n_all = (guint) (len / 4);
  sig = words[0];
  if ((sig & SIG_FORMAT_MASK) != SIG_FORMAT_VERSION
      || ((sig & ~SIG_ABSOLUTE) != MW_LUA_LFS_SIG_FLOAT
          && (sig & ~SIG_ABSOLUTE) != MW_LUA_LFS_SIG_INTEGER))
    {
      g_set_error (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_IMAGE,
                   "not an LFS image of the Lua 5.1 firmware (signature 0x%08x)", sig);
      return NULL;
    }
  if (sig & SIG_ABSOLUTE)
    {
      g_set_error_literal (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_IMAGE,
                           "an absolute image (luac.cross -a): it is flashed with the firmware, "
                           "and cannot be read here");
      return NULL;
    }
  image->signature = sig;
  image->target = (sig & ~SIG_ABSOLUTE) == MW_LUA_LFS_SIG_INTEGER ? MW_LUA_TARGET_INTEGER
                                                                  : MW_LUA_TARGET_FLOAT;
  image->flash_size = words[1];
  if (image->flash_size % 4 != 0 || image->flash_size < 4 * (HEADER_WORDS + 1)
      || image->flash_size > len
      || n_all - image->flash_size / 4 != (image->flash_size / 4 + 31) / 32)
    {
      g_set_error (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_IMAGE,
                   "length mismatch: the header says %" G_GSIZE_FORMAT
                   " bytes of flash, the image has %" G_GSIZE_FORMAT " bytes with its bitmap",
                   image->flash_size, len);
      return NULL;
    }
  im.words = words;
  im.n_words = (guint) (image->flash_size / 4);
  im.tags = words + im.n_words;
  im.target = image->target;
  im.error = error;

  /* the string table: count the strings along every chain */
  if (!image_addr (&im, 3, words[5], &buckets))
    return NULL;
  if (buckets == 0 || words[5] == 0 || (words[5] & (words[5] - 1)) != 0)
    {
      image_fail (&im, "no string table", 3);
      return NULL;
    }
  for (guint b = 0; b < words[5]; b++)
    {
      guint ts;
      guint n = 0;

      if (!image_addr (&im, buckets + b, TSTRING_WORDS, &ts))
        return NULL;
      while (ts != 0)
        {
          if (!image_string (&im, ts, NULL))
            return NULL;
          if (++n > im.n_words)
            {
              image_fail (&im, "a string chain that loops", buckets + b);
              return NULL;
            }
          image->n_strings++;
          image->strings_size += 4 * (TSTRING_WORDS + (words[ts + 3] + 4) / 4);
          if (!image_addr (&im, ts, TSTRING_WORDS, &ts))
            return NULL;
        }
    }
  if (image->n_strings != words[4])
    {
      image_fail (&im, "the string count does not match the string table", 4);
      return NULL;
    }

  if (!image_addr (&im, 2, PROTO_WORDS, &main_offset))
    return NULL;
  if (main_offset == 0)
    {
      image_fail (&im, "no main function", 2);
      return NULL;
    }
  index = image->index = g_new0 (MwLuaProto, 1);
  if (!image_function (&im, main_offset, NULL, index))
    return NULL;
  if (index->n_protos == 0 || index->n_constants != index->n_protos + 1
      || index->constants[index->n_protos].type != MW_LUA_CONSTANT_NUMBER)
    {
      image_fail (&im, "the main function is no module index", main_offset);
      return NULL;
    }
  image->n_modules = index->n_protos;
  image->modules = g_new0 (char *, index->n_protos + 1);
  for (guint i = 0; i < index->n_protos; i++)
    {
      if (index->constants[i].type != MW_LUA_CONSTANT_STRING)
        {
          image_fail (&im, "the main function is no module index", main_offset);
          return NULL;
        }
      image->modules[i] = g_strdup (index->constants[i].string.data);
    }
  image->timestamp = (gint64) index->constants[index->n_protos].number;
  return g_steal_pointer (&image);
}

/* ---------------------------------------------------------------------------------------- */
/* public */

MwLuaLfsImage *
mw_lua_lfs_image_new (const MwLuaLfsModule *modules, guint n_modules, MwLuaNumberType target,
                      gint64 timestamp, gsize max_size, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;

  g_return_val_if_fail (modules != NULL || n_modules == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = layout_image (modules, n_modules, target, timestamp, max_size, error);
  if (bytes == NULL)
    return NULL;
  return image_read (bytes, error);
}

MwLuaLfsImage *
mw_lua_lfs_image_new_from_sources (const char *const *filenames, GBytes *const *sources,
                                   guint n_files, MwLuaNumberType target, gint64 timestamp,
                                   gsize max_size, GError **error)
{
  g_autoptr (GPtrArray) chunks =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_chunk_unref);
  g_autofree MwLuaLfsModule *modules = g_new0 (MwLuaLfsModule, n_files + 1);

  g_return_val_if_fail (filenames != NULL || n_files == 0, NULL);
  g_return_val_if_fail (sources != NULL || n_files == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr (GError) local_error = NULL;
      gsize len;
      const char *data = g_bytes_get_data (sources[i], &len);
      MwLuaChunk *chunk = mw_lua_compiler_compile (filenames[i], data != NULL ? data : "", len,
                                                   target, MW_LUA_STRIP_NAMES, &local_error);
      if (chunk == NULL)
        {
          g_set_error_literal (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_COMPILE,
                               local_error->message);
          return NULL;
        }
      g_ptr_array_add (chunks, chunk);
      modules[i].filename = filenames[i];
      modules[i].main = mw_lua_chunk_get_main (chunk);
    }
  return mw_lua_lfs_image_new (modules, n_files, target, timestamp, max_size, error);
}

MwLuaLfsImage *
mw_lua_lfs_image_new_from_bytes (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    bytes = inflate_image (data, len, error);
  else
    bytes = g_bytes_new (data, len);
  if (bytes == NULL)
    return NULL;
  return image_read (bytes, error);
}

MwLuaLfsImage *
mw_lua_lfs_image_ref (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  g_atomic_ref_count_inc (&image->ref);
  return image;
}

void
mw_lua_lfs_image_unref (MwLuaLfsImage *image)
{
  g_return_if_fail (image != NULL);
  if (!g_atomic_ref_count_dec (&image->ref))
    return;
  g_bytes_unref (image->bytes);
  g_strfreev (image->modules);
  if (image->index != NULL)
    mw_lua_proto_free (image->index);
  g_free (image);
}

GBytes *
mw_lua_lfs_image_get_bytes (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  return g_bytes_ref (image->bytes);
}

GBytes *
mw_lua_lfs_image_compress (MwLuaLfsImage *image)
{
  z_stream z = { 0 };
  gsize len;
  const guint8 *data;
  guint8 *out;
  gsize cap;

  g_return_val_if_fail (image != NULL, NULL);
  data = g_bytes_get_data (image->bytes, &len);
  /* a 16 KB window: the firmware's inflater looks back no further (lflash.c) */
  if (deflateInit2 (&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 14 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    g_error ("zlib: deflateInit2 failed");
  cap = deflateBound (&z, len);
  out = g_malloc (cap);
  z.next_in = (Bytef *) data;
  z.avail_in = (uInt) len;
  z.next_out = out;
  z.avail_out = (uInt) cap;
  if (deflate (&z, Z_FINISH) != Z_STREAM_END)
    g_error ("zlib: deflate did not finish within its bound");
  len = z.total_out;
  deflateEnd (&z);
  return g_bytes_new_take (g_realloc (out, len), len);
}

guint32
mw_lua_lfs_image_get_signature (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->signature;
}

MwLuaNumberType
mw_lua_lfs_image_get_target (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, MW_LUA_TARGET_FLOAT);
  return image->target;
}

gsize
mw_lua_lfs_image_get_flash_size (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->flash_size;
}

gint64
mw_lua_lfs_image_get_timestamp (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->timestamp;
}

const char *const *
mw_lua_lfs_image_get_modules (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  return (const char *const *) image->modules;
}

guint
mw_lua_lfs_image_get_n_modules (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->n_modules;
}

guint
mw_lua_lfs_image_get_n_strings (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->n_strings;
}

gsize
mw_lua_lfs_image_get_strings_size (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->strings_size;
}

static MwLuaChunk *
chunk_for (const MwLuaProto *f, MwLuaNumberType target)
{
  return mw_lua_chunk_new_take (mw_lua_compiler_target_format (target), mw_lua_proto_copy (f));
}

MwLuaChunk *
mw_lua_lfs_image_get_module_chunk (MwLuaLfsImage *image, guint i)
{
  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (i < image->n_modules, NULL);
  return chunk_for (image->index->protos[i], image->target);
}

MwLuaChunk *
mw_lua_lfs_image_get_index_chunk (MwLuaLfsImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  return chunk_for (image->index, image->target);
}

/* lflash.c's first pass: the header is checked once the first 2 KB block (or the whole
 * image, if shorter) is inflated; the CRC at the end. */
#define FIRST_BLOCK 2048
/* lflash.c DICTIONARY_WINDOW: how far back its inflater can copy from (docs/firmware.md
 * section 9) */
#define INFLATE_WINDOW_BITS 14

/* Inflates the gzip stream `data` into `out` as the firmware's inflater can: a back reference
 * further than 16 KB (or before the start) fails, as lflash.c recall_byte() fails it. zlib with
 * a 16 KB window refuses a distance beyond its window plus what the current call has written,
 * so each call writes one byte: then the window is all it may reach. */
static int
inflate_as_firmware (const guint8 *data, gsize len, GByteArray *out, gboolean *too_far,
                     gboolean *bad_check)
{
  z_stream z = { 0 };
  int status;

  if (inflateInit2 (&z, INFLATE_WINDOW_BITS + 16) != Z_OK)
    g_error ("zlib: inflateInit2 failed");
  z.next_in = (Bytef *) data;
  z.avail_in = (uInt) len;
  do
    {
      guint8 byte;

      if (out->len >= MAX_INFLATED)
        {
          status = Z_BUF_ERROR;
          break;
        }
      z.next_out = &byte;
      z.avail_out = 1;
      status = inflate (&z, Z_NO_FLUSH);
      if (z.avail_out == 0)
        g_byte_array_append (out, &byte, 1);
    }
  while (status == Z_OK);
  *too_far = status == Z_DATA_ERROR && z.msg != NULL
             && strcmp (z.msg, "invalid distance too far back") == 0;
  *bad_check = status == Z_DATA_ERROR && z.msg != NULL
               && strcmp (z.msg, "incorrect data check") == 0;
  inflateEnd (&z);
  return status;
}

gboolean
mw_lua_lfs_gzip_fits_window (const guint8 *data, gsize len)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gboolean too_far = FALSE, bad_check = FALSE;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  return inflate_as_firmware (data, len, out, &too_far, &bad_check) == Z_STREAM_END;
}

char *
mw_lua_lfs_image_check_reload (const guint8 *data, gsize len, MwLuaNumberType target,
                               gsize region_size, MwLuaLfsImage **image)
{
  guint32 expected = target == MW_LUA_TARGET_INTEGER ? MW_LUA_LFS_SIG_INTEGER
                                                     : MW_LUA_LFS_SIG_FLOAT;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  MwLuaLfsImage *read;
  guint32 isize;
  gsize first;
  gboolean too_far = FALSE, bad_check = FALSE;
  int status;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (image != NULL)
    *image = NULL;
  /* 200 bytes: "the size of an empty luac output" */
  if (len <= 200)
    return g_strdup ("read error on LFS image file");
  /* the inflated length, from the gzip trailer */
  isize = (guint32) data[len - 4] | (guint32) data[len - 3] << 8 | (guint32) data[len - 2] << 16
          | (guint32) data[len - 1] << 24;
  status = inflate_as_firmware (data, len, out, &too_far, &bad_check);

  first = MIN ((gsize) FIRST_BLOCK, (gsize) isize);
  if (first >= 8 && out->len >= first)
    {
      guint32 sig, size, flags_len;

      memcpy (&sig, out->data, 4);
      memcpy (&size, out->data + 4, 4);
      flags_len = (isize - size) / 4;
      if ((sig & SIG_FORMAT_MASK) != SIG_FORMAT_VERSION)
        return g_strdup ("Incorrect LFS header version");
      if ((sig & 0x04) != (expected & 0x04))
        return g_strdup ("Incorrect LFS build type");
      if ((sig & ~SIG_ABSOLUTE) != expected)
        return g_strdup ("incorrect LFS header signature");
      if (size > region_size)
        return g_strdup ("LFS Image too big for configured LFS region");
      if ((size & 3) || size < 4 || flags_len != 1 + (size / 4 - 1) / 32)
        return g_strdup ("LFS length mismatch");
    }
  if (status != Z_STREAM_END)
    {
      if (too_far)
        return g_strdup ("invalid dictionary offset on inflate");
      if (bad_check)
        return g_strdup ("checksum error on LFS image file");
      return g_strdup ("read error on LFS image file");
    }
  if (out->len < first || first < 8)
    return g_strdup ("read error on LFS image file");
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  read = image_read (bytes, &error);
  if (read == NULL)
    return g_strdup_printf ("not a loadable LFS image: %s", error->message);
  if (image != NULL)
    *image = read;
  else
    mw_lua_lfs_image_unref (read);
  return NULL;
}
