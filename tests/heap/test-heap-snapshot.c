/* test-heap-snapshot.c: dominators and retained sizes on graphs worked out by hand, the
 * largest-retainers tree, the comparison of two snapshots, and JSON files. */
#include "mw-config.h"

#include <glib/gstdio.h>

#include "mw-heap-snapshot.h"

/* A snapshot from a compact description: objects "path:size" and edges "from>to". */
static MwHeapSnapshot *
build (const char *const *objects, const char *const *edges)
{
  MwHeapSnapshot *s = mw_heap_snapshot_new (MW_LUA_TARGET_FLOAT);

  for (guint i = 0; objects[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (objects[i], ":", 2);
      g_autofree char *key = g_strdup_printf ("a:%u", i + 1);

      mw_heap_snapshot_add_object (s, MW_HEAP_KIND_TABLE, key, parts[0],
                                   g_ascii_strtoull (parts[1], NULL, 10));
    }
  for (guint i = 0; edges[i] != NULL; i++)
    {
      guint from, to;

      g_assert_cmpint (sscanf (edges[i], "%u>%u", &from, &to), ==, 2);
      mw_heap_snapshot_add_edge (s, from, to, "");
    }
  mw_heap_snapshot_compute (s);
  return s;
}

static void
assert_object (MwHeapSnapshot *s, guint i, guint idom, gsize retained, guint count)
{
  MwHeapObject *o = mw_heap_snapshot_get_object (s, i);

  g_assert_cmpuint (o->idom, ==, idom);
  g_assert_cmpuint (o->retained, ==, retained);
  g_assert_cmpuint (o->count, ==, count);
}

static void
test_dominators (void)
{
  /* _G(1) holds B(2) and C(3), both hold D(4), D holds E(5): D is dominated by _G only */
  {
    const char *objects[] = { "_G:10", "_G.b:20", "_G.c:30", "_G.b.d:40", "_G.b.d.e:50", NULL };
    const char *edges[] = { "0>1", "1>2", "1>3", "2>4", "3>4", "4>5", NULL };
    g_autoptr (MwHeapSnapshot) s = build (objects, edges);

    assert_object (s, 0, 0, 150, 6);
    assert_object (s, 1, 0, 150, 5);
    assert_object (s, 2, 1, 20, 1);
    assert_object (s, 3, 1, 30, 1);
    assert_object (s, 4, 1, 90, 2);
    assert_object (s, 5, 4, 50, 1);
    g_assert_cmpuint (mw_heap_snapshot_get_total (s), ==, 150);
  }
  /* a cycle X <-> Y under _G, Z under Y, and W that nothing reaches */
  {
    const char *objects[] = { "_G:1", "_G.x:2", "_G.x.y:4", "_G.x.y.z:8", "w:16", NULL };
    const char *edges[] = { "0>1", "1>2", "2>3", "3>2", "3>4", NULL };
    g_autoptr (MwHeapSnapshot) s = build (objects, edges);

    assert_object (s, 2, 1, 14, 3);
    assert_object (s, 3, 2, 12, 2);
    assert_object (s, 4, 3, 8, 1);
    assert_object (s, 5, G_MAXUINT, 16, 1);
    g_assert_cmpuint (mw_heap_snapshot_get_total (s), ==, 15);
  }
  /* P shared by _G and the registry belongs to neither; Q only to the registry */
  {
    const char *objects[] = { "_G:32", "registry:32", "_G.p:100", "registry[3]:7", NULL };
    const char *edges[] = { "0>1", "0>2", "1>3", "2>3", "2>4", NULL };
    g_autoptr (MwHeapSnapshot) s = build (objects, edges);

    assert_object (s, 3, 0, 100, 1);
    assert_object (s, 1, 0, 32, 1);
    assert_object (s, 2, 0, 39, 2);
    assert_object (s, 4, 2, 7, 1);
  }
  /* a long chain: iterative walks, no recursion */
  {
    g_autoptr (MwHeapSnapshot) s = mw_heap_snapshot_new (MW_LUA_TARGET_FLOAT);
    guint n = 100000;

    for (guint i = 1; i <= n; i++)
      {
        g_autofree char *key = g_strdup_printf ("a:%u", i);

        mw_heap_snapshot_add_object (s, MW_HEAP_KIND_TABLE, key, "x", 2);
        mw_heap_snapshot_add_edge (s, i - 1, i, "");
      }
    mw_heap_snapshot_compute (s);
    assert_object (s, 1, 0, 2 * n, n);
    assert_object (s, n, n - 1, 2, 1);
  }
}

static MwHeapSnapshot *
leak_snapshot (guint entries, gboolean extra_global)
{
  g_autoptr (GPtrArray) objects = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) edges = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (objects, g_strdup ("_G:64"));
  g_ptr_array_add (objects, g_strdup ("_G.config:96"));
  g_ptr_array_add (objects, g_strdup ("_G.config.name:21"));
  g_ptr_array_add (objects, g_strdup ("_G.cache:32"));
  g_ptr_array_add (edges, g_strdup ("0>1"));
  g_ptr_array_add (edges, g_strdup ("1>2"));
  g_ptr_array_add (edges, g_strdup ("2>3"));
  g_ptr_array_add (edges, g_strdup ("1>4"));
  for (guint i = 0; i < entries; i++)
    {
      g_ptr_array_add (objects, g_strdup_printf ("_G.cache[%u]:48", i + 1));
      g_ptr_array_add (edges, g_strdup_printf ("4>%u", objects->len));
    }
  if (extra_global)
    {
      g_ptr_array_add (objects, g_strdup ("_G.debugbuf:1000"));
      g_ptr_array_add (edges, g_strdup_printf ("1>%u", objects->len));
    }
  g_ptr_array_add (objects, NULL);
  g_ptr_array_add (edges, NULL);
  return build ((const char *const *) objects->pdata, (const char *const *) edges->pdata);
}

static void
test_top (void)
{
  g_autoptr (MwHeapSnapshot) s = leak_snapshot (3, FALSE);
  g_autofree char *top2 = mw_heap_snapshot_format_top (s, 2);
  g_autofree char *top4 = mw_heap_snapshot_format_top (s, 4);

  g_assert_cmpstr (top2, ==,
                   "    176 B     4 obj  _G.cache  (table)\n"
                   "    117 B     2 obj  _G.config  (table)\n");
  g_assert_cmpstr (top4, ==,
                   "    176 B     4 obj  _G.cache  (table)\n"
                   "       48 B     1 obj  _G.cache[1]  (table)\n"
                   "       48 B     1 obj  _G.cache[2]  (table)\n"
                   "    117 B     2 obj  _G.config  (table)\n");
}

static void
test_diff (void)
{
  g_autoptr (MwHeapSnapshot) a = leak_snapshot (3, FALSE);
  g_autoptr (MwHeapSnapshot) b = leak_snapshot (10, TRUE);
  g_autoptr (GPtrArray) diff = mw_heap_snapshot_diff (a, b);
  g_autoptr (GPtrArray) back = mw_heap_snapshot_diff (b, a);
  g_autoptr (GPtrArray) same = mw_heap_snapshot_diff (a, a);
  g_autofree char *text = mw_heap_diff_format (diff, 10);
  g_autofree char *text_back = mw_heap_diff_format (back, 10);
  g_autofree char *text_same = mw_heap_diff_format (same, 10);

  /* the leak's path first: 7 new entries of 48 bytes; the new global beside it; the new
   * entries themselves are folded into _G.cache */
  g_assert_cmpstr (text, ==,
                   "appeared   +1000 B    +1 obj  _G.debugbuf\n"
                   "grew        +336 B    +7 obj  _G.cache\n");
  g_assert_cmpstr (text_back, ==,
                   "gone       -1000 B    -1 obj  _G.debugbuf\n"
                   "shrank      -336 B    -7 obj  _G.cache\n");
  g_assert_cmpstr (text_same, ==, "no change\n");
}

static void
test_json (void)
{
  g_autoptr (MwHeapSnapshot) s = leak_snapshot (2, TRUE);
  g_autoptr (MwHeapSnapshot) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mw-heap-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "a.json", NULL);
  g_autofree char *json = NULL;
  g_autofree char *json_back = NULL;
  MwHeapObject *o;

  o = mw_heap_snapshot_get_object (s, 2);
  o->source = g_strdup ("init.lua");
  o->line = 12;
  o->detail = g_strdup ("café");
  o->flash = TRUE;
  s->heap_free = 8123;
  s->walker_peak = 2345;
  s->upvalues = TRUE;
  g_assert_true (mw_heap_snapshot_save (s, file, &error));
  g_assert_no_error (error);
  back = mw_heap_snapshot_load (file, &error);
  g_assert_no_error (error);
  json = mw_heap_snapshot_to_json (s);
  json_back = mw_heap_snapshot_to_json (back);
  g_assert_cmpstr (json, ==, json_back);
  g_assert_cmpuint (back->heap_free, ==, 8123);
  g_assert_cmpuint (mw_heap_snapshot_get_object (back, 7)->retained, ==, 1000);
  g_unlink (file);
  g_rmdir (dir);
}

static void
test_json_errors (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "{", NULL },
    { "[]", "not a Moonwire heap snapshot: the top level is not an object" },
    { "{\"format\": \"x\"}",
      "not a Moonwire heap snapshot: no \"format\": \"moonwire-heap-snapshot\"" },
    { "{\"format\": \"moonwire-heap-snapshot\", \"version\": 9}",
      "snapshot format version 9 is not supported (this is 1)" },
    { "{\"format\": \"moonwire-heap-snapshot\", \"version\": 1}",
      "not a Moonwire heap snapshot: no \"objects\" and \"edges\" arrays" },
    { "{\"format\": \"moonwire-heap-snapshot\", \"version\": 1, \"objects\": [{\"kind\": \"root\", "
      "\"key\": \"\", \"path\": \"(roots)\", \"size\": 0}], \"edges\": [[0, 5, \"x\"]]}",
      "not a Moonwire heap snapshot: an edge names an object that is not there" },
    { "{\"format\": \"moonwire-heap-snapshot\", \"version\": 1, \"objects\": [{\"kind\": "
      "\"table\", "
      "\"key\": \"\", \"path\": \"x\", \"size\": 0}], \"edges\": []}",
      "not a Moonwire heap snapshot: the first object must be the root, and only it" },
    { "{\"format\": \"moonwire-heap-snapshot\", \"version\": 1, \"objects\": [{\"kind\": \"root\", "
      "\"key\": \"\", \"path\": \"(roots)\", \"size\": -1}], \"edges\": []}",
      "not a Moonwire heap snapshot: an object lacks its kind, key, path or size" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MwHeapSnapshot) s = mw_heap_snapshot_new_from_json (cases[i].text, -1, &error);

      g_assert_null (s);
      g_assert_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_FORMAT);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/heap/snapshot/dominators", test_dominators);
  g_test_add_func ("/mw/heap/snapshot/top", test_top);
  g_test_add_func ("/mw/heap/snapshot/diff", test_diff);
  g_test_add_func ("/mw/heap/snapshot/json", test_json);
  g_test_add_func ("/mw/heap/snapshot/json-errors", test_json_errors);
  return g_test_run ();
}
