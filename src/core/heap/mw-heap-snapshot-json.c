/* mw-heap-snapshot-json.c: snapshot files (json-glib); the format is in docs/heap-explorer.md. */
#include "mw-heap-snapshot.h"

#include <json-glib/json-glib.h>

#define FORMAT_NAME "moonwire-heap-snapshot"
#define FORMAT_VERSION 1

static JsonNode *
build (MwHeapSnapshot *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, FORMAT_NAME);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, FORMAT_VERSION);
  json_builder_set_member_name (b, "number_type");
  json_builder_add_string_value (b,
                                 self->number_type == MW_LUA_TARGET_INTEGER ? "integer" : "float");
  json_builder_set_member_name (b, "time");
  json_builder_add_int_value (b, self->time);
  json_builder_set_member_name (b, "heap_free");
  json_builder_add_int_value (b, self->heap_free);
  json_builder_set_member_name (b, "lua_used");
  json_builder_add_int_value (b, self->lua_used);
  json_builder_set_member_name (b, "walker_peak");
  json_builder_add_int_value (b, self->walker_peak);
  json_builder_set_member_name (b, "upvalues");
  json_builder_add_boolean_value (b, self->upvalues);
  json_builder_set_member_name (b, "vanished");
  json_builder_add_int_value (b, self->vanished);
  json_builder_set_member_name (b, "bytes_received");
  json_builder_add_int_value (b, self->bytes_received);
  json_builder_set_member_name (b, "requests");
  json_builder_add_int_value (b, self->requests);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, self->seconds);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, mw_heap_snapshot_get_total (self));
  json_builder_set_member_name (b, "objects");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->objects->len; i++)
    {
      MwHeapObject *o = mw_heap_snapshot_get_object (self, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, mw_heap_kind_to_string (o->kind));
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, o->key);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, o->path);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, o->self_size);
      json_builder_set_member_name (b, "retained");
      json_builder_add_int_value (b, o->retained);
      if (o->flash)
        {
          json_builder_set_member_name (b, "flash");
          json_builder_add_boolean_value (b, TRUE);
        }
      if (o->detail != NULL)
        {
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, o->detail);
        }
      if (o->source != NULL)
        {
          json_builder_set_member_name (b, "source");
          json_builder_add_string_value (b, o->source);
          json_builder_set_member_name (b, "line");
          json_builder_add_int_value (b, o->line);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "edges");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->edges->len; i++)
    {
      MwHeapEdge *e = &g_array_index (self->edges, MwHeapEdge, i);

      json_builder_begin_array (b);
      json_builder_add_int_value (b, e->from);
      json_builder_add_int_value (b, e->to);
      json_builder_add_string_value (b, e->name);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
mw_heap_snapshot_to_json (MwHeapSnapshot *self)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  g_return_val_if_fail (self != NULL, NULL);
  root = build (self);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

gboolean
mw_heap_snapshot_save (MwHeapSnapshot *self, const char *filename, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (self != NULL && filename != NULL, FALSE);
  text = mw_heap_snapshot_to_json (self);
  if (!g_file_set_contents (filename, text, -1, &local))
    {
      g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_FILE, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
bad (GError **error, const char *what)
{
  g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_FORMAT, "not a Moonwire heap snapshot: %s",
               what);
  return FALSE;
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || JSON_NODE_TYPE (n) != JSON_NODE_VALUE
      || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
member_int (JsonObject *o, const char *name, gint64 *value)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || JSON_NODE_TYPE (n) != JSON_NODE_VALUE
      || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (n);
  return TRUE;
}

static gboolean
read_objects (MwHeapSnapshot *self, JsonArray *objects, GError **error)
{
  guint n = json_array_get_length (objects);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (objects, i);
      JsonObject *jo;
      MwHeapKind kind;
      const char *key, *path;
      gint64 size = 0, line = 0;
      guint index;
      MwHeapObject *o;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad (error, "an object is not a JSON object");
      jo = json_node_get_object (node);
      if (!mw_heap_kind_from_string (member_string (jo, "kind"), &kind)
          || (key = member_string (jo, "key")) == NULL
          || (path = member_string (jo, "path")) == NULL || !member_int (jo, "size", &size)
          || size < 0)
        return bad (error, "an object lacks its kind, key, path or size");
      if ((i == 0) != (kind == MW_HEAP_KIND_ROOT))
        return bad (error, "the first object must be the root, and only it");
      if (i == 0)
        continue;
      index = mw_heap_snapshot_add_object (self, kind, key, path, size);
      o = mw_heap_snapshot_get_object (self, index);
      o->detail = g_strdup (member_string (jo, "detail"));
      o->source = g_strdup (member_string (jo, "source"));
      if (member_int (jo, "line", &line))
        o->line = line;
      o->flash = json_object_has_member (jo, "flash")
                 && json_object_get_boolean_member (jo, "flash");
    }
  return TRUE;
}

static gboolean
read_edges (MwHeapSnapshot *self, JsonArray *edges, GError **error)
{
  guint n = json_array_get_length (edges);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (edges, i);
      JsonArray *e;
      gint64 from, to;
      const char *name;

      if (!JSON_NODE_HOLDS_ARRAY (node)
          || json_array_get_length (e = json_node_get_array (node)) != 3)
        return bad (error, "an edge is not [from, to, name]");
      from = json_array_get_int_element (e, 0);
      to = json_array_get_int_element (e, 1);
      name = json_array_get_string_element (e, 2);
      if (from < 0 || to < 0 || from >= self->objects->len || to >= self->objects->len
          || name == NULL)
        return bad (error, "an edge names an object that is not there");
      mw_heap_snapshot_add_edge (self, from, to, name);
    }
  return TRUE;
}

MwHeapSnapshot *
mw_heap_snapshot_new_from_json (const char *text, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (MwHeapSnapshot) self = NULL;
  g_autoptr (GError) local = NULL;
  JsonObject *root;
  JsonNode *objects, *edges;
  const char *type;
  gint64 version = 0;

  g_return_val_if_fail (text != NULL, NULL);
  if (!json_parser_load_from_data (parser, text, len, &local))
    {
      g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_FORMAT, "not JSON: %s", local->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      bad (error, "the top level is not an object");
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (member_string (root, "format"), FORMAT_NAME) != 0)
    {
      bad (error, "no \"format\": \"" FORMAT_NAME "\"");
      return NULL;
    }
  if (!member_int (root, "version", &version) || version != FORMAT_VERSION)
    {
      g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_FORMAT,
                   "snapshot format version %" G_GINT64_FORMAT " is not supported (this is %d)",
                   version, FORMAT_VERSION);
      return NULL;
    }
  type = member_string (root, "number_type");
  self = mw_heap_snapshot_new (g_strcmp0 (type, "integer") == 0 ? MW_LUA_TARGET_INTEGER
                                                                : MW_LUA_TARGET_FLOAT);
  member_int (root, "time", &self->time);
  member_int (root, "heap_free", &self->heap_free);
  member_int (root, "lua_used", &self->lua_used);
  member_int (root, "walker_peak", &self->walker_peak);
  self->upvalues = json_object_has_member (root, "upvalues")
                   && json_object_get_boolean_member (root, "upvalues");
  {
    gint64 v = 0;

    if (member_int (root, "vanished", &v))
      self->vanished = v;
    if (member_int (root, "bytes_received", &v))
      self->bytes_received = v;
    if (member_int (root, "requests", &v))
      self->requests = v;
  }
  if (json_object_has_member (root, "seconds"))
    self->seconds = json_object_get_double_member (root, "seconds");
  objects = json_object_get_member (root, "objects");
  edges = json_object_get_member (root, "edges");
  if (objects == NULL || !JSON_NODE_HOLDS_ARRAY (objects) || edges == NULL
      || !JSON_NODE_HOLDS_ARRAY (edges))
    {
      bad (error, "no \"objects\" and \"edges\" arrays");
      return NULL;
    }
  if (json_array_get_length (json_node_get_array (objects)) == 0)
    {
      bad (error, "no root object");
      return NULL;
    }
  if (!read_objects (self, json_node_get_array (objects), error)
      || !read_edges (self, json_node_get_array (edges), error))
    return NULL;
  mw_heap_snapshot_compute (self);
  return g_steal_pointer (&self);
}

MwHeapSnapshot *
mw_heap_snapshot_load (const char *filename, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  MwHeapSnapshot *self;

  g_return_val_if_fail (filename != NULL, NULL);
  if (!g_file_get_contents (filename, &text, &len, &local))
    {
      g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_FILE, "%s", local->message);
      return NULL;
    }
  self = mw_heap_snapshot_new_from_json (text, len, &local);
  if (self == NULL)
    g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_FORMAT, "%s: %s", filename, local->message);
  return self;
}
