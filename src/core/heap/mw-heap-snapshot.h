/* mw-heap-snapshot.h: a snapshot of a board's Lua heap as an object graph, with sizes from
 * the ESP8266 object model (mw-lua-ram.h), retained sizes from the dominator tree, root
 * paths, the largest retainers, a comparison of two snapshots, and JSON files.
 *
 * Objects are nodes; object 0 is the synthetic root, whose edges lead to `_G` and the
 * registry. Every other object has the root path by which the walk first reached it
 * (breadth first, so the shortest): `_G.config`, `package.loaded.httpserver`,
 * `registry[3] upvalue 'buf'`. A node's retained size is its own size plus that of every
 * object it dominates: what collecting it would free.
 */
#pragma once

#include <glib.h>

#include "mw-heap-record.h"
#include "mw-lua-ram.h"

G_BEGIN_DECLS

typedef enum
{
  MW_HEAP_KIND_ROOT,
  MW_HEAP_KIND_TABLE,
  MW_HEAP_KIND_FUNCTION, /* a Lua closure */
  MW_HEAP_KIND_CFUNCTION,
  MW_HEAP_KIND_USERDATA,
  MW_HEAP_KIND_THREAD,
  MW_HEAP_KIND_STRING,
  MW_HEAP_KIND_PROTO, /* a function prototype: code, constants, line info */
} MwHeapKind;

const char *mw_heap_kind_to_string (MwHeapKind kind);
gboolean mw_heap_kind_from_string (const char *name, MwHeapKind *kind);

typedef struct
{
  MwHeapKind kind;
  char *key; /* identity within the snapshot: address, string content, prototype digest */
  char *path; /* root path, as shown */
  char *detail; /* string preview, userdata kind, thread status; or NULL */
  char *source; /* functions and prototypes: chunk name, or NULL */
  gint line; /* functions and prototypes: line defined (0 main or unknown) */
  gsize self_size; /* board bytes of this object alone; 0 in flash */
  gsize retained; /* self plus everything it dominates */
  guint count; /* objects it retains, itself included */
  guint idom; /* immediate dominator (0 for the root's children; G_MAXUINT unreached) */
  gboolean flash; /* in flash (ROM tables, C functions): costs no heap */
} MwHeapObject;

typedef struct
{
  guint from;
  guint to;
  char *name; /* as in a root path: ".config", "[3]", " upvalue 'buf'", " metatable" */
} MwHeapEdge;

typedef struct _MwHeapSnapshot MwHeapSnapshot;

struct _MwHeapSnapshot
{
  gint ref_count;
  MwLuaNumberType number_type;
  GArray *objects; /* MwHeapObject; [0] is the root */
  GArray *edges; /* MwHeapEdge */
  gint64 time; /* wall clock, seconds since the epoch (0: unknown) */
  gint64 heap_free; /* node.heap() before the walk */
  gint64 lua_used; /* collectgarbage("count") in bytes before the walk */
  gint64 walker_peak; /* the walk's own peak: heap_free less the lowest node.heap() seen */
  gboolean upvalues; /* the board has debug.getupvalue: upvalue edges were followed */
  guint vanished; /* objects that changed or vanished between two requests */
  guint bytes_received; /* walker reply bytes */
  guint requests;
  double seconds; /* how long the walk took */
};

MwHeapSnapshot *mw_heap_snapshot_new (MwLuaNumberType number_type);
MwHeapSnapshot *mw_heap_snapshot_ref (MwHeapSnapshot *self);
void mw_heap_snapshot_unref (MwHeapSnapshot *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwHeapSnapshot, mw_heap_snapshot_unref)

/* Adds an object (its strings are copied) and returns its index. */
guint mw_heap_snapshot_add_object (MwHeapSnapshot *self, MwHeapKind kind, const char *key,
                                   const char *path, gsize self_size);
void mw_heap_snapshot_add_edge (MwHeapSnapshot *self, guint from, guint to, const char *name);
MwHeapObject *mw_heap_snapshot_get_object (MwHeapSnapshot *self, guint index);
guint mw_heap_snapshot_get_n_objects (MwHeapSnapshot *self);

/* Dominator tree (Cooper, Harvey and Kennedy's iterative algorithm) and retained sizes and
 * counts; called once the graph is complete (loading a file calls it too). */
void mw_heap_snapshot_compute (MwHeapSnapshot *self);
/* The sum of every reached object's own size. */
gsize mw_heap_snapshot_get_total (MwHeapSnapshot *self);

/* The `n` largest retainers as a text tree (each under its nearest shown dominator). */
char *mw_heap_snapshot_format_top (MwHeapSnapshot *self, guint n);

/* What appeared, grew, shrank or went from `a` to `b`, matched by root path. */
typedef struct
{
  char *path;
  gint64 bytes_a; /* retained in a (0 if absent) */
  gint64 bytes_b;
  gint64 count_a;
  gint64 count_b;
} MwHeapDiffEntry;

/* The entries whose retained size or count changed, largest change first; the objects
 * inside an appeared or vanished path are folded into it. GPtrArray of MwHeapDiffEntry. */
GPtrArray *mw_heap_snapshot_diff (MwHeapSnapshot *a, MwHeapSnapshot *b);
char *mw_heap_diff_format (GPtrArray *diff, guint max_entries);

/* JSON files (json-glib). */
gboolean mw_heap_snapshot_save (MwHeapSnapshot *self, const char *filename, GError **error);
char *mw_heap_snapshot_to_json (MwHeapSnapshot *self);
MwHeapSnapshot *mw_heap_snapshot_load (const char *filename, GError **error);
MwHeapSnapshot *mw_heap_snapshot_new_from_json (const char *text, gsize len, GError **error);

G_END_DECLS
