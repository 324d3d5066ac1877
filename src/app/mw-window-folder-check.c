/* mw-window-folder-check.c: the part of MwWindow that checks a project folder: every .lua
 * under it linted together in a worker thread, the findings shown in the Problems view.
 */
#include "mw-config.h"

#include "mw-window-private.h"

#include <string.h>

/* The project folder's check: every .lua under it linted together (the linter looks across
 * files: a global set in one file and cleared in another), in a worker thread. */
#define MAX_FOLDER_FILES 2000

typedef struct
{
  char *folder;
  MwLuaLintOptions *options;
  GPtrArray *paths; /* char* */
  GPtrArray *results; /* GPtrArray* of MwLuaDiagnostic*, one per path */
} FolderCheck;

static void
folder_check_free (FolderCheck *check)
{
  g_free (check->folder);
  g_clear_pointer (&check->options, mw_lua_lint_options_free);
  g_clear_pointer (&check->paths, g_ptr_array_unref);
  g_clear_pointer (&check->results, g_ptr_array_unref);
  g_free (check);
}

static void
collect_lua_files (const char *dir, GPtrArray *paths, guint depth)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL || depth > 8)
    return;
  while ((name = g_dir_read_name (d)) != NULL && paths->len < MAX_FOLDER_FILES)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (name[0] == '.')
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        collect_lua_files (path, paths, depth + 1);
      else if (g_str_has_suffix (name, ".lua") && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

void
_mw_window_collect_lua_files (const char *folder, GPtrArray *paths)
{
  collect_lua_files (folder, paths, 0);
  g_ptr_array_sort (paths, compare_paths);
}

static void
folder_check_thread (GTask *task, gpointer source_object, gpointer task_data,
                     GCancellable *cancellable)
{
  FolderCheck *check = task_data;
  g_autoptr (GPtrArray) trees = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_tree_unref);

  _mw_window_collect_lua_files (check->folder, check->paths);
  for (guint i = 0; i < check->paths->len; i++)
    {
      const char *path = g_ptr_array_index (check->paths, i);
      g_autofree char *contents = NULL;
      g_autofree char *name = g_path_get_basename (path);
      gsize len = 0;

      g_file_get_contents (path, &contents, &len, NULL);
      g_ptr_array_add (trees, mw_lua_tree_parse (name, contents != NULL ? contents : "",
                                                 contents != NULL ? (gssize) len : 0,
                                                 MW_LUA_PARSE_SKIP_SHEBANG));
    }
  check->results = mw_lua_lint ((MwLuaTree *const *) trees->pdata, trees->len, check->options);
  g_task_return_boolean (task, TRUE);
}

static void
folder_check_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  MwWindow *self = MW_WINDOW (object);
  FolderCheck *check = g_task_get_task_data (G_TASK (result));
  guint findings = 0;
  g_autofree char *msg = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || self->problems_view == NULL)
    return;
  for (guint i = 0; i < check->paths->len; i++)
    {
      const char *path = g_ptr_array_index (check->paths, i);
      g_autofree char *rel = g_str_has_prefix (path, check->folder)
                               ? g_strdup (path + strlen (check->folder) + 1)
                               : g_path_get_basename (path);
      GPtrArray *diags = g_ptr_array_index (check->results, i);

      findings += diags->len;
      mw_problems_view_set_file (self->problems_view, path, rel, diags);
    }
  gtk_stack_set_visible_child_name (self->bottom_stack, "problems");
  msg = g_strdup_printf ("Checked %u Lua files in %s: %u findings", check->paths->len,
                         check->folder, findings);
  mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
}

void
mw_window_check_folder (MwWindow *self, GFile *folder)
{
  g_autoptr (GTask) task = NULL;
  FolderCheck *check;

  g_return_if_fail (MW_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  check = g_new0 (FolderCheck, 1);
  check->folder = g_file_get_path (folder);
  check->options = _mw_window_new_lint_options (self);
  check->paths = g_ptr_array_new_with_free_func (g_free);
  if (check->folder == NULL)
    {
      folder_check_free (check);
      return;
    }
  g_settings_set_string (self->settings, "recent-project", check->folder);
  task = g_task_new (self, NULL, folder_check_done_cb, NULL);
  g_task_set_source_tag (task, mw_window_check_folder);
  g_task_set_task_data (task, check, (GDestroyNotify) folder_check_free);
  g_task_run_in_thread (task, folder_check_thread);
}
