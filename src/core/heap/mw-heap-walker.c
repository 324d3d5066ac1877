/* mw-heap-walker.c: the heap walker's Lua, and the host side of the walk (breadth first,
 * visited set and queue on the host; docs/firmware.md section 11, docs/heap-explorer.md). */
#include "mw-heap-walker.h"

#include <string.h>

#include "mw-lua-chunk.h"
#include "mw-lua-ram-estimate.h"
#include "mw-lua-compiler.h"
#include "mw-board-lua.h"

/* A Udata header: 20 bytes padded to the 8-byte alignment of L_Umaxalign (app/lua/lobject.h) */
#define MW_HEAP_UDATA_HEADER 24

const char *
mw_heap_walker_install_code (void)
{
  return mw_board_lua_heap_walker ();
}

const char *
mw_heap_walker_remove_code (void)
{
  static char *code;

  if (g_once_init_enter (&code))
    g_once_init_leave (&code, mw_board_lua_heap_walker_remove ());
  return code;
}

/* ---- the host side ---- */

typedef struct
{
  guint index; /* the object in the snapshot */
  char *steps; /* its path of steps from a root, for the walker */
} Pending;

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_free (p->steps);
  g_free (p);
}

struct _MwHeapWalk
{
  MwHeapSnapshot *snapshot; /* created at the first reply, once the number type is known */
  const MwLuaRamModel *model;
  GHashTable *keys; /* object key -> index + 1 */
  GQueue pending; /* Pending: objects to ask about */
  GPtrArray *asked; /* Pending: the objects of the request in flight */
  gboolean started;
  gint64 lowest_free;
  gint64 start_us;
  guint registry; /* index of the registry object, 0 before it is seen */
  gint64 baseline_free; /* node.heap() before the walker was installed (0: unknown) */
  gint64 baseline_used; /* collectgarbage("count") then, in bytes */
  gboolean number_type_known;
  MwLuaNumberType number_type;
  GQueue lfs; /* names of the Lua Flash Store's modules still to ask about */
  GHashTable *in_flash; /* keys of the prototypes and strings the flash store holds */
};

/* `Pending.index` of a flash store's module: read for its code, not part of the snapshot */
#define LFS_MODULE (G_MAXUINT - 1)

MwHeapWalk *
mw_heap_walk_new (void)
{
  MwHeapWalk *walk = g_new0 (MwHeapWalk, 1);

  walk->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  walk->in_flash = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&walk->lfs);
  g_queue_init (&walk->pending);
  walk->asked = g_ptr_array_new_with_free_func (pending_free);
  walk->lowest_free = G_MAXINT64;
  walk->start_us = g_get_monotonic_time ();
  return walk;
}

void
mw_heap_walk_free (MwHeapWalk *walk)
{
  if (walk == NULL)
    return;
  g_clear_pointer (&walk->snapshot, mw_heap_snapshot_unref);
  g_hash_table_unref (walk->keys);
  g_hash_table_unref (walk->in_flash);
  g_queue_clear_full (&walk->lfs, g_free);
  g_queue_clear_full (&walk->pending, pending_free);
  g_ptr_array_unref (walk->asked);
  g_free (walk);
}

static void
append_step (GString *steps, char letter, const char *payload, gsize len)
{
  g_string_append_printf (steps, "%c%zu:", letter, len);
  g_string_append_len (steps, payload, len);
}

char *
mw_heap_walk_next_request (MwHeapWalk *walk)
{
  GString *code;

  g_return_val_if_fail (walk != NULL, NULL);
  g_ptr_array_set_size (walk->asked, 0);
  if (!walk->started && !g_queue_is_empty (&walk->lfs))
    {
      /* the flash store's modules first: what they hold is known before anything is sized */
      code = mw_board_lua_heap_request_new ();
      while (!g_queue_is_empty (&walk->lfs) && walk->asked->len < MW_HEAP_WALK_BATCH)
        {
          g_autoptr (GString) steps = g_string_new (NULL);
          const char *name = g_queue_peek_head (&walk->lfs);
          Pending *p;

          append_step (steps, 'L', name, strlen (name));
          if (!mw_board_lua_heap_request_add (code, steps->str, MW_HEAP_WALK_REQUEST_BYTES))
            break;
          p = g_new0 (Pending, 1);
          p->index = LFS_MODULE;
          p->steps = g_string_free (g_steal_pointer (&steps), FALSE);
          g_ptr_array_add (walk->asked, p);
          g_free (g_queue_pop_head (&walk->lfs));
        }
      return mw_board_lua_heap_request_end (code);
    }
  if (!walk->started)
    {
      Pending *g = g_new0 (Pending, 1);
      Pending *r = g_new0 (Pending, 1);

      /* the roots: their objects are made when their replies come */
      g->index = G_MAXUINT;
      g->steps = g_strdup ("G0:");
      r->index = G_MAXUINT;
      r->steps = g_strdup ("R0:");
      g_ptr_array_add (walk->asked, g);
      g_ptr_array_add (walk->asked, r);
      walk->started = TRUE;
      code = mw_board_lua_heap_request_new ();
      mw_board_lua_heap_request_add (code, g->steps, MW_HEAP_WALK_REQUEST_BYTES);
      mw_board_lua_heap_request_add (code, r->steps, MW_HEAP_WALK_REQUEST_BYTES);
      return mw_board_lua_heap_request_end (code);
    }
  if (g_queue_is_empty (&walk->pending))
    return NULL;
  code = mw_board_lua_heap_request_new ();
  while (!g_queue_is_empty (&walk->pending) && walk->asked->len < MW_HEAP_WALK_BATCH)
    {
      Pending *p = g_queue_peek_head (&walk->pending);

      /* one line if it can: the REPL compiles a chunk again at every line it receives */
      if (!mw_board_lua_heap_request_add (code, p->steps, MW_HEAP_WALK_REQUEST_BYTES))
        break;
      g_ptr_array_add (walk->asked, g_queue_pop_head (&walk->pending));
    }
  return mw_board_lua_heap_request_end (code);
}

/* ---- reading the replies ---- */

static gboolean
is_keyword (const char *s)
{
  static const char *const words[] = {
    "and",   "break", "do",  "else", "elseif", "end",    "false", "for",  "function", "if",    "in",
    "local", "nil",   "not", "or",   "repeat", "return", "then",  "true", "until",    "while",
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (s, words[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_name (const char *s, gsize len)
{
  if (len == 0 || strlen (s) != len || !(g_ascii_isalpha (s[0]) || s[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!(g_ascii_isalnum (s[i]) || s[i] == '_'))
      return FALSE;
  return !is_keyword (s);
}

/* How a step reads in a root path. */
static char *
step_name (const MwHeapField *step, const MwHeapField *name)
{
  switch (step->prefix)
    {
      case 's':
        if (is_name (step->data, step->len))
          return g_strconcat (".", step->data, NULL);
        else
          {
            g_autofree char *quoted = mw_lua_quote (step->data, step->len);

            return g_strdup_printf ("[%s]", quoted);
          }
      case 'n':
        return g_strdup_printf ("[%s]", step->data);
      case 'b':
        return g_strdup (strcmp (step->data, "1") == 0 ? "[true]" : "[false]");
      case 'k':
        return g_strdup_printf (" key #%s", step->data);
      case 'v':
        return g_strdup_printf ("[key #%s]", step->data);
      case 'm':
        return g_strdup (" metatable");
      case 'u':
        if (name != NULL && name->len > 0)
          {
            g_autofree char *n = g_strndup (name->data, name->len);

            return g_strdup_printf (" upvalue '%s'", n);
          }
        return g_strdup_printf (" upvalue #%s", step->data);
      case 'e':
        return g_strdup (" env");
      default:
        return g_strdup ("?");
    }
}

/* The path as a user knows it: `package.loaded.x` whichever root reached it first. */
static char *
display_path (const char *parent, const char *name)
{
  char *path = g_strconcat (parent, name, NULL);

  if (strcmp (path, "_G.package.loaded") == 0 || strcmp (path, "registry._LOADED") == 0)
    {
      g_free (path);
      return g_strdup ("package.loaded");
    }
  return path;
}

static gboolean
bad_record (GError **error, const MwHeapRecord *r, const char *what)
{
  g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_RECORD,
               "the heap walker's reply is malformed: a '%c' record %s", r->tag, what);
  return FALSE;
}

/* Addresses the ESP8266 maps its flash at: ROM tables and C functions live there. */
static gboolean
address_in_flash (const char *id)
{
  guint64 a;
  const char *hex = id;

  if (g_str_has_prefix (hex, "0x"))
    hex += 2;
  if (*hex == '\0' || !g_ascii_isxdigit (*hex))
    return FALSE;
  a = g_ascii_strtoull (hex, NULL, 16);
  return a >= 0x40000000u && a < 0x60000000u;
}

static MwHeapKind
kind_of (const char *type)
{
  if (strcmp (type, "table") == 0)
    return MW_HEAP_KIND_TABLE;
  if (strcmp (type, "function") == 0)
    return MW_HEAP_KIND_FUNCTION;
  if (strcmp (type, "userdata") == 0)
    return MW_HEAP_KIND_USERDATA;
  if (strcmp (type, "thread") == 0)
    return MW_HEAP_KIND_THREAD;
  return MW_HEAP_KIND_STRING;
}

static guint
find (MwHeapWalk *walk, const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (walk->keys, key));
}

static guint
add (MwHeapWalk *walk, MwHeapKind kind, const char *key, const char *path, gsize size)
{
  guint i = mw_heap_snapshot_add_object (walk->snapshot, kind, key, path, size);

  g_hash_table_insert (walk->keys, g_strdup (key), GUINT_TO_POINTER (i + 1));
  return i;
}

/* A string's identity: its length and what the walker shows of it (the whole, or its first
 * and last 20 bytes when longer than 40). */
static GString *
string_key (const char *data, gsize shown, gsize length)
{
  GString *key = g_string_new ("s:");

  g_string_append_printf (key, "%zu:", length);
  g_string_append_len (key, data, shown);
  return key;
}

/* A string object by its content (strings are interned: one object per content; one the
 * flash store holds is the read-only table's and costs no heap). */
static guint
string_object (MwHeapWalk *walk, const char *data, gsize shown, gsize length, const char *path)
{
  g_autoptr (GString) key = string_key (data, shown, length);
  gboolean flash = g_hash_table_contains (walk->in_flash, key->str);
  guint found;
  guint i;

  if ((found = find (walk, key->str)) != 0)
    return found - 1;
  i = add (walk, MW_HEAP_KIND_STRING, key->str, path,
           flash ? 0 : mw_lua_ram_string (walk->model, length));
  {
    MwHeapObject *o = mw_heap_snapshot_get_object (walk->snapshot, i);
    g_autofree char *preview = g_utf8_make_valid (data, MIN (shown, 40));

    o->flash = flash;
    o->detail = shown < length ? g_strdup_printf ("%s… (%zu bytes)", preview, length)
                               : g_steal_pointer (&preview);
  }
  return i;
}

/* The object a value names (made if new; `is_new` when it is to be walked). The value's
 * fields at `at`: type, string length, and a blob with the string (whole, or its first and
 * last 20 bytes) or with tostring() of the object ("table: 0x3fff1234"). G_MAXUINT: none. */
static guint
value_object (MwHeapWalk *walk, const MwHeapRecord *r, guint at, const char *path,
              const char *steps, gboolean *is_new)
{
  const char *type;
  const MwHeapField *blob;
  const char *id;
  g_autofree char *key = NULL;
  gint64 length;
  guint found;
  guint i;

  *is_new = FALSE;
  if (at + 2 >= r->n_fields || r->fields[at].prefix != 0
      || !mw_heap_field_get_int (&r->fields[at + 1], &length) || r->fields[at + 2].prefix != ':')
    return G_MAXUINT;
  type = r->fields[at].data;
  blob = &r->fields[at + 2];
  if (strcmp (type, "-") == 0)
    return G_MAXUINT;
  if (strcmp (type, "string") == 0)
    {
      if (length < (gint64) blob->len)
        return G_MAXUINT;
      return string_object (walk, blob->data, blob->len, length, path);
    }
  /* "<type>: <address>"; anything else (a __tostring) is named by its path */
  id = g_strrstr (blob->data, ": ");
  if (id != NULL && g_str_has_prefix (blob->data, type) && blob->data[strlen (type)] == ':'
      && strchr (id + 2, ' ') == NULL)
    {
      id += 2;
      key = g_strconcat ("a:", id, NULL);
    }
  else
    {
      id = NULL;
      key = g_strconcat ("p:", steps, NULL);
    }
  if ((found = find (walk, key)) != 0)
    return found - 1;
  i = add (walk, kind_of (type), key, path, 0);
  *is_new = TRUE;
  if (id != NULL && address_in_flash (id))
    {
      mw_heap_snapshot_get_object (walk->snapshot, i)->flash = TRUE;
      *is_new = FALSE; /* nothing to walk: it costs no heap */
    }
  return i;
}

static void
queue (MwHeapWalk *walk, guint index, const char *steps)
{
  Pending *p = g_new0 (Pending, 1);

  p->index = index;
  p->steps = g_strdup (steps);
  g_queue_push_tail (&walk->pending, p);
}

/* An edge record of object `from`, asked about with `steps`. */
static gboolean
read_edge (MwHeapWalk *walk, guint from, const char *steps, const MwHeapRecord *r, GError **error)
{
  MwHeapObject *parent = mw_heap_snapshot_get_object (walk->snapshot, from);
  const MwHeapField *step;
  const MwHeapField *name = NULL;
  g_autofree char *label = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GString) child_steps = g_string_new (steps);
  guint to;
  gboolean is_new;

  if (r->n_fields < 2 || r->fields[0].prefix == 0 || r->fields[0].prefix == ':')
    return bad_record (error, r, "has no step");
  step = &r->fields[0];
  if (step->prefix == 'u' && r->n_fields == 5)
    name = &r->fields[4];
  /* the walker's own global is not part of what it measures */
  if (from == 1 && step->prefix == 's' && strcmp (step->data, "_mwh") == 0)
    return TRUE;
  label = step_name (step, name);
  path = display_path (parent->path, label);
  append_step (child_steps, step->prefix, step->data, step->len);
  if (step->prefix == 's')
    {
      /* the key is a string object of its own */
      g_autofree char *kpath = g_strconcat (path, " (key)", NULL);
      guint k = string_object (walk, step->data, step->len, step->len, kpath);

      mw_heap_snapshot_add_edge (walk->snapshot, from, k, label);
    }
  to = value_object (walk, r, 1, path, child_steps->str, &is_new);
  if (to == G_MAXUINT)
    return TRUE;
  mw_heap_snapshot_add_edge (walk->snapshot, from, to, label);
  if (is_new)
    queue (walk, to, child_steps->str);
  return TRUE;
}

/* A prototype's identity: source, lines and a digest of the code, so a nested function's own
 * dump and its parent's copy of it are one object. `source`: its parent's. */
static char *
proto_key (const MwLuaProto *p, const char *source)
{
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) p->code,
                                                         p->n_code * sizeof (guint32));

  if (p->source.data != NULL)
    source = p->source.data;
  return g_strdup_printf ("p:%s:%d:%d:%u:%s", source ? source : "", p->linedefined,
                          p->lastlinedefined, p->n_code, digest);
}

/* A string of the flash store, keyed as the walker will show it. */
static void
note_string_in_flash (MwHeapWalk *walk, const char *data, gsize len)
{
  GString *key = string_key (data, MIN (len, 40), len);

  if (len > 40)
    {
      g_string_truncate (key, key->len - 20);
      g_string_append_len (key, data + len - 20, 20);
    }
  g_hash_table_add (walk->in_flash, g_string_free (key, FALSE));
}

/* What a flash store's module holds, by key: its prototypes, and their sources and string
 * constants (the read-only string table holds every string of the image's functions). */
static void
note_in_flash (MwHeapWalk *walk, const MwLuaProto *p, const char *source)
{
  if (p->source.data != NULL)
    source = p->source.data;
  g_hash_table_add (walk->in_flash, proto_key (p, source));
  if (source != NULL)
    note_string_in_flash (walk, source, strlen (source));
  for (guint k = 0; k < p->n_constants; k++)
    if (p->constants[k].type == MW_LUA_CONSTANT_STRING && p->constants[k].string.data != NULL)
      note_string_in_flash (walk, p->constants[k].string.data, p->constants[k].string.len);
  for (guint k = 0; k < p->n_protos; k++)
    note_in_flash (walk, p->protos[k], source);
}

/* The prototype objects of a dumped function, shared by every closure of it (one the flash
 * store holds costs no heap). */
static guint
proto_objects (MwHeapWalk *walk, const MwLuaProto *p, const char *source,
               const MwLuaRamEstimate *est, guint *fn, const char *path)
{
  g_autofree char *key = proto_key (p, source);
  const MwLuaRamFunction *f = &g_array_index (est->functions, MwLuaRamFunction, *fn);
  gboolean flash = g_hash_table_contains (walk->in_flash, key);
  guint found;
  guint i;

  if (p->source.data != NULL)
    source = p->source.data;
  (*fn)++;
  if ((found = find (walk, key)) != 0)
    {
      /* already seen: skip its nested functions in the estimate's pre-order */
      for (guint k = 0; k < p->n_protos; k++)
        *fn += mw_lua_proto_count (p->protos[k]);
      return found - 1;
    }
  i = add (walk, MW_HEAP_KIND_PROTO, key, path, flash ? 0 : f->proto + f->lineinfo + f->names);
  {
    MwHeapObject *o = mw_heap_snapshot_get_object (walk->snapshot, i);

    o->flash = flash;
    o->source = g_strdup (source && (source[0] == '@' || source[0] == '=') ? source + 1 : source);
    o->line = p->linedefined;
  }
  for (guint k = 0; k < p->n_constants; k++)
    if (p->constants[k].type == MW_LUA_CONSTANT_STRING && p->constants[k].string.data != NULL)
      {
        const MwLuaString *s = &p->constants[k].string;
        g_autofree char *spath = g_strdup_printf ("%s constant", path);
        guint c = string_object (walk, s->data, s->len, s->len, spath);

        mw_heap_snapshot_add_edge (walk->snapshot, i, c, " constant");
      }
  for (guint k = 0; k < p->n_protos; k++)
    {
      g_autofree char *cpath = g_strdup_printf ("%s function@%d", path, p->protos[k]->linedefined);
      guint c = proto_objects (walk, p->protos[k], source, est, fn, cpath);

      mw_heap_snapshot_add_edge (walk->snapshot, i, c, " nested");
    }
  return i;
}

static gboolean
read_dump (MwHeapWalk *walk, guint index, const MwHeapRecord *r, GError **error)
{
  MwHeapObject *o;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaRamEstimate) est = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *ppath = NULL;
  const MwLuaProto *main;
  guint fn = 0;
  guint proto;

  if (r->n_fields != 1 || r->fields[0].prefix != ':')
    return bad_record (error, r, "carries no bytecode");
  chunk =
    mw_lua_chunk_new_from_bytes ((const guint8 *) r->fields[0].data, r->fields[0].len, &local);
  o = mw_heap_snapshot_get_object (walk->snapshot, index);
  if (chunk == NULL)
    {
      /* unreadable bytecode: the closure alone, noted */
      o->detail = g_strdup_printf ("bytecode not understood: %s", local->message);
      o->self_size = walk->model->lua_closure;
      return TRUE;
    }
  main = mw_lua_chunk_get_main (chunk);
  est = mw_lua_ram_estimate_new (chunk, walk->snapshot->number_type);
  o->self_size = mw_lua_ram_closure (walk->model, main->nups);
  o->line = main->linedefined;
  if (main->source.data != NULL)
    o->source = g_strdup (main->source.data[0] == '@' || main->source.data[0] == '='
                            ? main->source.data + 1
                            : main->source.data);
  ppath = g_strconcat (o->path, " proto", NULL);
  proto = proto_objects (walk, main, main->source.data, est, &fn, ppath);
  mw_heap_snapshot_add_edge (walk->snapshot, index, proto, " proto");
  return TRUE;
}

/* A table's size as the firmware would have laid it out after its last rehash (ltable.c:
 * the array part the smallest power of two holding the border, the rest in a hash part of a
 * power of two nodes). */
static gsize
table_size (const MwLuaRamModel *model, gint64 entries, gint64 border)
{
  gsize array = 0;

  if (border > 0)
    {
      array = 1;
      while ((gint64) array < border)
        array <<= 1;
    }
  return mw_lua_ram_table (model, array, entries > border ? entries - border : 0);
}

/* A flash store's module (node.LFS.get): its code's prototypes and strings are noted as in
 * flash; nothing of it is added to the snapshot (the closure is garbage on the board). */
static gboolean
read_lfs_module (MwHeapWalk *walk, GPtrArray *records, guint *pos, GError **error)
{
  for ((*pos)++; *pos < records->len; (*pos)++)
    {
      MwHeapRecord *r = records->pdata[*pos];

      if (r->tag == 'Z' || r->tag == 'X')
        {
          (*pos)++;
          return TRUE;
        }
      if (r->tag == 'D' && r->n_fields == 1 && r->fields[0].prefix == ':')
        {
          g_autoptr (MwLuaChunk) chunk = mw_lua_chunk_new_from_bytes (
            (const guint8 *) r->fields[0].data, r->fields[0].len, NULL);

          /* unreadable: its functions are counted as RAM ones */
          if (chunk != NULL)
            note_in_flash (walk, mw_lua_chunk_get_main (chunk), NULL);
        }
    }
  g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_RECORD,
               "the heap walker's reply ends inside an object");
  return FALSE;
}

/* The records about one object, from its `O` record to its `Z` or `X`. */
static gboolean
read_object (MwHeapWalk *walk, Pending *asked, GPtrArray *records, guint *pos, GError **error)
{
  MwHeapRecord *head = records->pdata[*pos];
  guint index = asked->index;
  gboolean is_new;

  if (head->tag == 'X')
    {
      walk->snapshot->vanished++;
      (*pos)++;
      return TRUE;
    }
  if (head->tag != 'O' || head->n_fields < 1)
    return bad_record (error, head, "came where an object was expected");
  if (index == LFS_MODULE)
    return read_lfs_module (walk, records, pos, error);
  if (index == G_MAXUINT)
    {
      /* a root: its object is made here */
      gboolean globals = g_str_has_prefix (asked->steps, "G");

      index = value_object (walk, head, 0, globals ? "_G" : "registry", asked->steps, &is_new);
      if (index == G_MAXUINT)
        {
          g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_WALK, "the board has no %s",
                       globals ? "globals table" : "debug.getregistry()");
          return FALSE;
        }
      mw_heap_snapshot_add_edge (walk->snapshot, 0, index, globals ? "_G" : "registry");
      if (!globals)
        walk->registry = index;
    }
  else if (strcmp (head->fields[0].data, "-") == 0)
    {
      /* gone since it was found: nothing follows but its end */
      walk->snapshot->vanished++;
      index = 0;
    }
  for ((*pos)++; *pos < records->len; (*pos)++)
    {
      MwHeapRecord *r = records->pdata[*pos];
      MwHeapObject *o = mw_heap_snapshot_get_object (walk->snapshot, index);
      gint64 a, b;

      switch (r->tag)
        {
          case 'E':
            if (!read_edge (walk, index, asked->steps, r, error))
              return FALSE;
            break;
          case 'N':
            if (r->n_fields != 2 || !mw_heap_field_get_int (&r->fields[0], &a)
                || !mw_heap_field_get_int (&r->fields[1], &b))
              return bad_record (error, r, "does not give entries and border");
            o->self_size = table_size (walk->model, a, b);
            break;
          case 'D':
            if (!read_dump (walk, index, r, error))
              return FALSE;
            break;
          case 'Z':
          case 'X':
            if (r->tag == 'X')
              walk->snapshot->vanished++;
            if (o->kind == MW_HEAP_KIND_FUNCTION && o->self_size == 0 && !o->flash)
              {
                /* no bytecode: a C function */
                o->kind = MW_HEAP_KIND_CFUNCTION;
                o->self_size = walk->model->c_closure;
              }
            if (o->kind == MW_HEAP_KIND_THREAD && o->self_size == 0)
              /* lua_State, its first stack (BASIC_STACK_SIZE plus EXTRA_STACK slots) and its
               * first CallInfo array (BASIC_CI_SIZE): lstate.c stack_init */
              o->self_size =
                walk->model->lua_state + 45 * walk->model->tvalue + 8 * walk->model->call_info;
            if (o->kind == MW_HEAP_KIND_USERDATA && o->self_size == 0 && !o->flash)
              o->self_size = MW_HEAP_UDATA_HEADER; /* the payload by kind at the end */
            (*pos)++;
            return TRUE;
          default:
            return bad_record (error, r, "is not expected inside an object");
        }
    }
  g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_RECORD,
               "the heap walker's reply ends inside an object");
  return FALSE;
}

gboolean
mw_heap_walk_feed (MwHeapWalk *walk, const guint8 *reply, gsize len, GError **error)
{
  g_autoptr (GPtrArray) records = NULL;
  MwHeapRecord *r;
  guint pos = 0;
  gint64 v;

  g_return_val_if_fail (walk != NULL, FALSE);
  if ((records = mw_heap_parse_records (reply, len, error)) == NULL)
    return FALSE;
  if (records->len < 2 || ((MwHeapRecord *) records->pdata[0])->tag != 'B'
      || ((MwHeapRecord *) records->pdata[records->len - 1])->tag != 'P')
    {
      g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_RECORD,
                   "the heap walker's reply is not one whole request (B ... P)");
      return FALSE;
    }
  r = records->pdata[0];
  if (r->n_fields != 3 || !mw_heap_field_get_int (&r->fields[0], &v))
    return bad_record (error, r, "does not give the free heap, upvalues and 1/2");
  if (walk->snapshot == NULL)
    {
      /* the number type from before the walk, else 1/2: 0 on the integer build
       * (docs/firmware.md section 8) */
      walk->snapshot = mw_heap_snapshot_new (walk->number_type_known ? walk->number_type
                                             : strcmp (r->fields[2].data, "0") == 0
                                               ? MW_LUA_TARGET_INTEGER
                                               : MW_LUA_TARGET_FLOAT);
      walk->model = mw_lua_ram_model_get (walk->snapshot->number_type);
      walk->snapshot->heap_free = v;
      walk->snapshot->upvalues = strcmp (r->fields[1].data, "u") == 0;
      walk->snapshot->time = g_get_real_time () / G_USEC_PER_SEC;
    }
  walk->snapshot->bytes_received += len;
  walk->snapshot->requests++;
  pos = 1;
  for (guint i = 0; i < walk->asked->len; i++)
    {
      if (pos >= records->len - 1)
        {
          g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_RECORD,
                       "the heap walker answered %u of %u objects", i, walk->asked->len);
          return FALSE;
        }
      if (!read_object (walk, walk->asked->pdata[i], records, &pos, error))
        return FALSE;
    }
  r = records->pdata[records->len - 1];
  if (pos != records->len - 1 || r->n_fields != 1 || !mw_heap_field_get_int (&r->fields[0], &v))
    return bad_record (error, r, "does not end the request with the lowest free heap");
  walk->lowest_free = MIN (walk->lowest_free, v);
  g_ptr_array_set_size (walk->asked, 0);
  return TRUE;
}

/* What the firmware's modules allocate inside their userdata, by metatable name
 * (docs/firmware.md section 11); others count their header alone. */
static const struct
{
  const char *metatable;
  gsize payload;
} userdata_payloads[] = {
  { "tmr.timer", 36 }, /* app/modules/tmr.c tmr_t */
  { "file.obj", 4 }, /* app/modules/file.c file_fd_ud */
  { "file.vol", 4 }, /* app/modules/file.c volume_type */
  { "net.tcpserver", 44 }, /* app/modules/net.c lnet_userdata */
  { "net.tcpsocket", 44 }, { "net.udpsocket", 44 },
};

static void
size_userdata (MwHeapObject *ud)
{
  for (guint i = 0; i < G_N_ELEMENTS (userdata_payloads); i++)
    if (g_strcmp0 (ud->detail, userdata_payloads[i].metatable) == 0)
      ud->self_size = MW_HEAP_UDATA_HEADER + userdata_payloads[i].payload;
}

/* Userdata kinds: the registry names each metatable (luaL_newmetatable), and the kind gives
 * the payload's size. */
static void
name_userdata (MwHeapWalk *walk)
{
  MwHeapSnapshot *s = walk->snapshot;

  if (walk->registry == 0)
    return;
  for (guint i = 0; i < s->edges->len; i++)
    {
      MwHeapEdge *e = &g_array_index (s->edges, MwHeapEdge, i);
      MwHeapObject *ud = mw_heap_snapshot_get_object (s, e->from);

      if (ud->kind != MW_HEAP_KIND_USERDATA || strcmp (e->name, " metatable") != 0)
        continue;
      for (guint k = 0; k < s->edges->len; k++)
        {
          MwHeapEdge *r = &g_array_index (s->edges, MwHeapEdge, k);

          if (r->from == walk->registry && r->to == e->to && r->name[0] == '.')
            {
              g_free (ud->detail);
              ud->detail = g_strdup (r->name + 1);
              break;
            }
          if (r->from == walk->registry && r->to == e->to && g_str_has_prefix (r->name, "[\"")
              && g_str_has_suffix (r->name, "\"]"))
            {
              /* a quoted key: names like "tmr.timer" are printable, so unquoting is cutting */
              g_free (ud->detail);
              ud->detail = g_strndup (r->name + 2, strlen (r->name) - 4);
              break;
            }
        }
      if (!ud->flash)
        size_userdata (ud);
    }
}

/* The registry's entry at integer key `ref`: its object, or G_MAXUINT. */
static guint
registry_entry (GHashTable *by_ref, gint64 ref)
{
  gpointer found = g_hash_table_lookup (by_ref, &ref);

  return found != NULL ? GPOINTER_TO_UINT (found) - 1 : G_MAXUINT;
}

/* Renames `object` and everything whose path it starts (`registry[4] upvalue 'buf'`). */
static void
rename_path (MwHeapSnapshot *s, guint object, const char *name)
{
  g_autofree char *old = g_strdup (mw_heap_snapshot_get_object (s, object)->path);
  gsize len = strlen (old);

  for (guint i = 1; i < mw_heap_snapshot_get_n_objects (s); i++)
    {
      MwHeapObject *o = mw_heap_snapshot_get_object (s, i);

      if (strncmp (o->path, old, len) == 0 && (o->path[len] == '\0' || o->path[len] == ' '))
        {
          char *path = g_strconcat (name, o->path + len, NULL);

          g_free (o->path);
          o->path = path;
        }
    }
}

/* Timer callbacks: tmr.c keeps a timer's callback and the timer itself in the registry by
 * reference, the callback's taken just before the timer's when `alarm` (or `register` then
 * `start`) takes both (docs/firmware.md section 11). So a Lua function the registry reached
 * first at the reference before a timer's (else after it, when no other timer claims that
 * one) is named `timer callback #N`, N its reference. Entries nothing pairs (uart.on's
 * callback, node.task's) keep their `registry[N]`. */
static void
name_callbacks (MwHeapWalk *walk)
{
  MwHeapSnapshot *s = walk->snapshot;
  g_autoptr (GHashTable) by_ref = NULL;
  g_autoptr (GHashTable) claimed = NULL;
  g_autoptr (GArray) timers = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key, value;

  if (walk->registry == 0)
    return;
  by_ref = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < s->edges->len; i++)
    {
      MwHeapEdge *e = &g_array_index (s->edges, MwHeapEdge, i);
      char *end;
      gint64 ref;

      if (e->from != walk->registry || e->name[0] != '[' || !g_ascii_isdigit (e->name[1]))
        continue;
      ref = g_ascii_strtoll (e->name + 1, &end, 10);
      if (strcmp (end, "]") != 0)
        continue;
      g_hash_table_insert (by_ref, g_memdup2 (&ref, sizeof ref), GUINT_TO_POINTER (e->to + 1));
      {
        MwHeapObject *o = mw_heap_snapshot_get_object (s, e->to);

        if (o->kind == MW_HEAP_KIND_USERDATA && g_strcmp0 (o->detail, "tmr.timer") == 0)
          g_array_append_val (timers, ref);
      }
    }
  /* the reference before each timer's first, then after it for the timers left */
  claimed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (gint64 side = -1; side <= 1; side += 2)
    for (guint i = 0; i < timers->len; i++)
      {
        gint64 timer = g_array_index (timers, gint64, i);
        gint64 ref = timer + side;
        guint f = registry_entry (by_ref, ref);

        if (g_array_index (timers, gint64, i) == 0 || f == G_MAXUINT
            || mw_heap_snapshot_get_object (s, f)->kind != MW_HEAP_KIND_FUNCTION
            || g_hash_table_contains (claimed, &ref))
          continue;
        g_hash_table_add (claimed, g_memdup2 (&ref, sizeof ref));
        g_array_index (timers, gint64, i) = 0; /* paired */
      }
  g_hash_table_iter_init (&iter, claimed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 ref = *(gint64 *) key;
      guint f = registry_entry (by_ref, ref);
      g_autofree char *reached = g_strdup_printf ("registry[%" G_GINT64_FORMAT "]", ref);
      g_autofree char *name = g_strdup_printf ("timer callback #%" G_GINT64_FORMAT, ref);

      /* only what the registry reached first: a callback that is also a global keeps that */
      if (strcmp (mw_heap_snapshot_get_object (s, f)->path, reached) == 0)
        rename_path (s, f, name);
    }
}

void
mw_heap_walk_set_baseline (MwHeapWalk *walk, gint64 heap_free, gint64 lua_used)
{
  g_return_if_fail (walk != NULL);
  walk->baseline_free = heap_free;
  walk->baseline_used = lua_used;
}

void
mw_heap_walk_add_lfs_module (MwHeapWalk *walk, const char *name)
{
  g_return_if_fail (walk != NULL && name != NULL);
  g_return_if_fail (!walk->started);
  g_queue_push_tail (&walk->lfs, g_strdup (name));
  /* the index function's constants: in the read-only string table too */
  note_string_in_flash (walk, name, strlen (name));
}

void
mw_heap_walk_set_number_type (MwHeapWalk *walk, MwLuaNumberType number_type)
{
  g_return_if_fail (walk != NULL);
  walk->number_type_known = TRUE;
  walk->number_type = number_type;
}

MwHeapSnapshot *
mw_heap_walk_finish (MwHeapWalk *walk)
{
  MwHeapSnapshot *s;

  g_return_val_if_fail (walk != NULL && walk->snapshot != NULL, NULL);
  s = walk->snapshot;
  if (walk->baseline_free > 0)
    {
      s->heap_free = walk->baseline_free;
      s->lua_used = walk->baseline_used;
    }
  if (walk->lowest_free != G_MAXINT64 && s->heap_free > walk->lowest_free)
    s->walker_peak = s->heap_free - walk->lowest_free;
  s->seconds = (g_get_monotonic_time () - walk->start_us) / 1e6;
  name_userdata (walk);
  name_callbacks (walk);
  mw_heap_snapshot_compute (s);
  return mw_heap_snapshot_ref (s);
}

/* ---- over the REPL ---- */

/* The commands that write `bytecode` to the walker's file and load it (pure, for tests). */
GPtrArray *
mw_heap_walker_install_commands (GBytes *bytecode)
{
  GPtrArray *commands = g_ptr_array_new_with_free_func (g_free);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytecode, &len);
  gsize pos = 0;

  g_ptr_array_add (commands, mw_board_lua_heap_walker_open ());
  while (pos < len)
    {
      GString *code = g_string_new (NULL);

      pos += mw_board_lua_heap_walker_write (code, data + pos, len - pos, 200);
      g_ptr_array_add (commands, g_string_free (code, FALSE));
    }
  g_ptr_array_add (commands, mw_board_lua_heap_walker_load ());
  return commands;
}

typedef struct
{
  MwDevice *device;
  MwRepl *repl;
  MwHeapWalk *walk;
  MwHeapProgressFunc progress;
  gpointer progress_data;
  GError *error; /* the walk's error, returned once the walker is removed */
  guint timeout_ms;
  GPtrArray *install; /* commands still to run to install the walker */
} Take;

static void
take_free (gpointer data)
{
  Take *t = data;

  g_clear_object (&t->device);
  g_clear_object (&t->repl);
  g_clear_pointer (&t->walk, mw_heap_walk_free);
  g_clear_error (&t->error);
  g_clear_pointer (&t->install, g_ptr_array_unref);
  g_free (t);
}

static void on_step (GObject *source, GAsyncResult *result, gpointer user_data);

static void
on_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Take *t = g_task_get_task_data (task);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = mw_repl_execute_finish (t->repl, result, &error);
  if (t->error != NULL)
    g_task_return_error (task, g_steal_pointer (&t->error));
  else if (error != NULL)
    {
      g_prefix_error (&error, "removing the heap walker: ");
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (task, mw_heap_walk_finish (t->walk),
                           (GDestroyNotify) mw_heap_snapshot_unref);
}

static void
remove_walker (GTask *task)
{
  Take *t = g_task_get_task_data (task);

  /* not cancellable: the walker must not stay behind on the board */
  mw_repl_execute_async (t->repl, mw_heap_walker_remove_code (), t->timeout_ms, NULL, NULL, NULL,
                         on_removed, task);
}

static void
next_step (GTask *task)
{
  Take *t = g_task_get_task_data (task);
  g_autofree char *code = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &t->error))
    {
      /* the walker is removed all the same */
      remove_walker (task);
      return;
    }
  code = mw_heap_walk_next_request (t->walk);
  if (code == NULL)
    {
      remove_walker (task);
      return;
    }
  mw_repl_execute_async (t->repl, code, t->timeout_ms, NULL, NULL, g_task_get_cancellable (task),
                         on_step, task);
}

static void
on_step (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Take *t = g_task_get_task_data (task);
  g_autoptr (GBytes) reply = NULL;
  gsize len = 0;
  const guint8 *data;

  reply = mw_repl_execute_finish (t->repl, result, &t->error);
  if (reply == NULL)
    {
      g_prefix_error (&t->error, "walking the heap (request %u): ",
                      t->walk->snapshot ? t->walk->snapshot->requests + 1 : 1);
      remove_walker (task);
      return;
    }
  data = g_bytes_get_data (reply, &len);
  if (!mw_heap_walk_feed (t->walk, data, len, &t->error))
    {
      remove_walker (task);
      return;
    }
  if (t->progress != NULL)
    t->progress (t->walk->snapshot ? t->walk->snapshot->objects->len - 1 : 0,
                 g_queue_get_length (&t->walk->pending), t->progress_data);
  next_step (task);
}

static void
on_installed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Take *t = g_task_get_task_data (task);
  g_autoptr (GBytes) reply = mw_repl_execute_finish (t->repl, result, &t->error);

  if (reply == NULL)
    {
      /* a half-written file is removed with the walker */
      g_prefix_error (&t->error,
                      "installing the heap walker (%u commands left): ", t->install->len);
      remove_walker (task);
      return;
    }
  if (t->install->len > 0)
    {
      g_autofree char *code = g_ptr_array_steal_index (t->install, 0);

      mw_repl_execute_async (t->repl, code, t->timeout_ms, NULL, NULL,
                             g_task_get_cancellable (task), on_installed, task);
      return;
    }
  next_step (task);
}

/* The walker as bytecode for the board's number type, stripped. */
GBytes *
mw_heap_walker_bytecode (MwLuaNumberType number_type, GError **error)
{
  const char *code = mw_board_lua_heap_walker ();

  return mw_lua_compiler_compile_to_bytes ("_mwh.lua", code, strlen (code), number_type,
                                           MW_LUA_STRIP_ALL, error);
}

static void
on_baseline (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Take *t = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (t->repl, result, &error);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GString) line = NULL;
  g_autoptr (GBytes) bytecode = NULL;
  MwHeapRecord *r;
  g_autofree char *first = NULL;
  MwLuaNumberType number_type;
  gint64 free_heap = 0, used = 0;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  /* "<free> <used> <integer|float>", read as a record of our own grammar */
  line = g_string_new ("H ");
  g_string_append_len (line, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  g_string_append_c (line, '\n');
  records = mw_heap_parse_records ((const guint8 *) line->str, line->len, NULL);
  if (records == NULL || records->len != 1 || (r = records->pdata[0])->n_fields < 3
      || !mw_heap_field_get_int (&r->fields[0], &free_heap)
      || !mw_heap_field_get_int (&r->fields[1], &used))
    {
      g_task_return_new_error (task, MW_HEAP_ERROR, MW_HEAP_ERROR_WALK,
                               "the board did not report its free heap");
      g_object_unref (task);
      return;
    }
  mw_heap_walk_set_baseline (t->walk, free_heap, used);
  number_type = strcmp (r->fields[2].data, "integer") == 0 ? MW_LUA_TARGET_INTEGER
                                                           : MW_LUA_TARGET_FLOAT;
  mw_heap_walk_set_number_type (t->walk, number_type);
  for (guint i = 3; i < r->n_fields; i++)
    if (r->fields[i].prefix == 'L' && r->fields[i].len > 0
        && strlen (r->fields[i].data) == r->fields[i].len)
      mw_heap_walk_add_lfs_module (t->walk, r->fields[i].data);
  bytecode = mw_heap_walker_bytecode (number_type, &error);
  if (bytecode == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  t->install = mw_heap_walker_install_commands (bytecode);
  first = g_ptr_array_steal_index (t->install, 0);
  mw_repl_execute_async (t->repl, first, t->timeout_ms, NULL, NULL, g_task_get_cancellable (task),
                         on_installed, task);
}

void
mw_heap_snapshot_take_async (MwDevice *device, MwHeapProgressFunc progress, gpointer progress_data,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task;
  Take *t;
  g_autofree char *baseline = NULL;

  g_return_if_fail (MW_IS_DEVICE (device));
  task = g_task_new (device, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_heap_snapshot_take_async);
  t = g_new0 (Take, 1);
  t->device = g_object_ref (device);
  t->repl = g_object_ref (mw_device_get_repl (device));
  t->walk = mw_heap_walk_new ();
  t->progress = progress;
  t->progress_data = progress_data;
  t->timeout_ms = 10000;
  g_task_set_task_data (task, t, take_free);
  baseline = mw_board_lua_heap_baseline ();
  mw_repl_execute_async (t->repl, baseline, t->timeout_ms, NULL, NULL, cancellable, on_baseline,
                         task);
}

MwHeapSnapshot *
mw_heap_snapshot_take_finish (MwDevice *device, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, device), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
