/* mw-snippet-store.c: the user's snippets and their JSON file.
 *
 * The file is a JSON array of objects {"name", "code", "confirm"}, written whole (atomically)
 * after each change, so a crash never leaves half a list. A file that cannot be read is never
 * overwritten: it is moved aside before the first save. Snippet code is the user's own Lua: it
 * goes to the board as typed, so nothing is ever interpolated into it.
 */
#include "mw-config.h"

#include "mw-snippet-store.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

G_DEFINE_QUARK (mw - snippet - store - error - quark, mw_snippet_store_error)

struct _MwSnippetStore
{
  GObject parent_instance;

  char *path;
  GPtrArray *snippets; /* MwSnippet */
  gboolean broken; /* the file could not be read: move it aside before saving */
};

G_DEFINE_TYPE (MwSnippetStore, mw_snippet_store, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* What ESPlorer's users reach for first. node.info("hw") is firmware 3.0's form
 * (app/modules/node.c); file.format() prints "format done." itself. */
static const MwSnippet default_snippets[] = {
  { "Free Heap", "=node.heap()", FALSE },
  { "Chip Info",
    "do local hw = node.info(\"hw\") print(\"chip id\", hw.chip_id) "
    "print(\"flash id\", hw.flash_id) print(\"flash size\", hw.flash_size) end",
    FALSE },
  { "Restart", "node.restart()", FALSE },
  { "List Files", "for name, size in pairs(file.list()) do print(name, size) end", FALSE },
  { "Format", "file.format()", TRUE },
};

static void
snippet_free (gpointer data)
{
  MwSnippet *snippet = data;

  g_free (snippet->name);
  g_free (snippet->code);
  g_free (snippet);
}

static MwSnippet *
snippet_new (const char *name, const char *code, gboolean confirm)
{
  MwSnippet *snippet = g_new0 (MwSnippet, 1);

  snippet->name = g_strdup (name);
  snippet->code = g_strdup (code);
  snippet->confirm = confirm;
  return snippet;
}

static void
add_defaults (MwSnippetStore *self)
{
  g_ptr_array_set_size (self->snippets, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (default_snippets); i++)
    g_ptr_array_add (self->snippets,
                     snippet_new (default_snippets[i].name, default_snippets[i].code,
                                  default_snippets[i].confirm));
}

static gboolean
parse (MwSnippetStore *self, const char *text, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, text, length, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, MW_SNIPPET_STORE_ERROR, MW_SNIPPET_STORE_ERROR_INVALID,
                   "not a list of snippets");
      return FALSE;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *name = object != NULL ? json_object_get_member (object, "name") : NULL;
      JsonNode *code = object != NULL ? json_object_get_member (object, "code") : NULL;
      JsonNode *confirm = object != NULL ? json_object_get_member (object, "confirm") : NULL;

      if (name == NULL || code == NULL || json_node_get_value_type (name) != G_TYPE_STRING
          || json_node_get_value_type (code) != G_TYPE_STRING
          || (confirm != NULL && json_node_get_value_type (confirm) != G_TYPE_BOOLEAN))
        {
          g_set_error (error, MW_SNIPPET_STORE_ERROR, MW_SNIPPET_STORE_ERROR_INVALID,
                       "snippet %u: a snippet needs a \"name\" and a \"code\" string", i + 1);
          return FALSE;
        }
      g_ptr_array_add (self->snippets,
                       snippet_new (json_node_get_string (name), json_node_get_string (code),
                                    confirm != NULL && json_node_get_boolean (confirm)));
    }
  return TRUE;
}

static gboolean
save (MwSnippetStore *self, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *text = NULL;
  gsize length;

  json_builder_begin_array (builder);
  for (guint i = 0; i < self->snippets->len; i++)
    {
      const MwSnippet *snippet = g_ptr_array_index (self->snippets, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, snippet->name);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, snippet->code);
      json_builder_set_member_name (builder, "confirm");
      json_builder_add_boolean_value (builder, snippet->confirm);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  if (self->broken)
    {
      g_autofree char *aside = g_strconcat (self->path, ".broken", NULL);

      if (g_rename (self->path, aside) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "%s could not be moved aside: %s", self->path, g_strerror (saved));
          return FALSE;
        }
      self->broken = FALSE;
    }
  return g_file_set_contents (self->path, text, length, error);
}

static gboolean
changed (MwSnippetStore *self, GError **error)
{
  gboolean saved = save (self, error);

  g_signal_emit (self, signals[CHANGED], 0);
  return saved;
}

static void
mw_snippet_store_finalize (GObject *object)
{
  MwSnippetStore *self = MW_SNIPPET_STORE (object);

  g_free (self->path);
  g_ptr_array_unref (self->snippets);
  G_OBJECT_CLASS (mw_snippet_store_parent_class)->finalize (object);
}

static void
mw_snippet_store_class_init (MwSnippetStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mw_snippet_store_finalize;
  /* The list changed (and was saved): views rebuild. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
mw_snippet_store_init (MwSnippetStore *self)
{
  self->snippets = g_ptr_array_new_with_free_func (snippet_free);
}

char *
mw_snippet_store_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "moonwire", "snippets.json", NULL);
}

MwSnippetStore *
mw_snippet_store_new (const char *path, GError **error)
{
  g_autoptr (MwSnippetStore) self = g_object_new (MW_TYPE_SNIPPET_STORE, NULL);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  self->path = g_strdup (path);
  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      add_defaults (self);
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&self);
      self->broken = TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return g_steal_pointer (&self);
    }
  if (!parse (self, text, length, &local_error))
    {
      add_defaults (self);
      self->broken = TRUE;
      g_set_error (error, MW_SNIPPET_STORE_ERROR, MW_SNIPPET_STORE_ERROR_INVALID, "%s: %s", path,
                   local_error->message);
    }
  return g_steal_pointer (&self);
}

guint
mw_snippet_store_get_n_snippets (MwSnippetStore *self)
{
  g_return_val_if_fail (MW_IS_SNIPPET_STORE (self), 0);
  return self->snippets->len;
}

const MwSnippet *
mw_snippet_store_get (MwSnippetStore *self, guint index)
{
  g_return_val_if_fail (MW_IS_SNIPPET_STORE (self), NULL);
  g_return_val_if_fail (index < self->snippets->len, NULL);
  return g_ptr_array_index (self->snippets, index);
}

gboolean
mw_snippet_store_append (MwSnippetStore *self, const char *name, const char *code, gboolean confirm,
                         GError **error)
{
  g_return_val_if_fail (MW_IS_SNIPPET_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL && code != NULL, FALSE);
  g_ptr_array_add (self->snippets, snippet_new (name, code, confirm));
  return changed (self, error);
}

gboolean
mw_snippet_store_replace (MwSnippetStore *self, guint index, const char *name, const char *code,
                          gboolean confirm, GError **error)
{
  MwSnippet *snippet;

  g_return_val_if_fail (MW_IS_SNIPPET_STORE (self), FALSE);
  g_return_val_if_fail (index < self->snippets->len, FALSE);
  g_return_val_if_fail (name != NULL && code != NULL, FALSE);
  snippet = g_ptr_array_index (self->snippets, index);
  g_free (snippet->name);
  g_free (snippet->code);
  snippet->name = g_strdup (name);
  snippet->code = g_strdup (code);
  snippet->confirm = confirm;
  return changed (self, error);
}

gboolean
mw_snippet_store_remove (MwSnippetStore *self, guint index, GError **error)
{
  g_return_val_if_fail (MW_IS_SNIPPET_STORE (self), FALSE);
  g_return_val_if_fail (index < self->snippets->len, FALSE);
  g_ptr_array_remove_index (self->snippets, index);
  return changed (self, error);
}

gboolean
mw_snippet_store_reset (MwSnippetStore *self, GError **error)
{
  g_return_val_if_fail (MW_IS_SNIPPET_STORE (self), FALSE);
  add_defaults (self);
  return changed (self, error);
}
