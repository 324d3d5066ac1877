/* mw-window-folder-check.c: the part of MwWindow that checks a project folder: every .lua
 * under it linted together in a worker thread, the findings shown in the Problems view.
 */
#include "mw-config.h"

#include "mw-window-private.h"

#include <string.h>

/* The project folder's check: every .lua under it, found and linted as `moonwire-cli lint
 * FOLDER` does (one walk, one tree at a time, files settled together at the end since the
 * linter looks across files), in a worker thread. */
typedef struct
{
  char *folder;
  MwLuaLintOptions *options;
  GPtrArray *paths; /* char*: the files linted */
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

/* a module's tree again, for its byte figure */
static MwLuaTree *
reopen_file (guint index, gpointer data)
{
  GPtrArray *paths = data;
  g_autofree char *text = NULL;
  gsize len;

  if (!g_file_get_contents (paths->pdata[index], &text, &len, NULL))
    return NULL;
  return mw_lua_tree_parse (paths->pdata[index], text, len, MW_LUA_PARSE_SKIP_SHEBANG);
}

/* The folder's .lua files as the CLI's lint walks them (hidden entries and symlinked folders
 * skipped), sorted. */
void
_mw_window_collect_lua_files (const char *folder, GPtrArray *paths)
{
  mw_lua_lint_collect_files (folder, paths);
}

static void
folder_check_thread (GTask *task, gpointer source_object, gpointer task_data,
                     GCancellable *cancellable)
{
  FolderCheck *check = task_data;
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (MwLuaLinter) linter = mw_lua_linter_new (check->options);

  mw_lua_lint_collect_files (check->folder, found);
  for (guint i = 0; i < found->len; i++)
    {
      g_autofree char *contents = NULL;
      g_autoptr (MwLuaTree) tree = NULL;
      gsize len = 0;

      /* what the CLI cannot read or finds precompiled it reports instead of linting */
      if (!g_file_get_contents (found->pdata[i], &contents, &len, NULL)
          || (len > 0 && contents[0] == '\033'))
        continue;
      /* one tree at a time: memory follows the largest file, not the project */
      tree = mw_lua_tree_parse (found->pdata[i], contents, len, MW_LUA_PARSE_SKIP_SHEBANG);
      mw_lua_linter_add (linter, tree);
      g_ptr_array_add (check->paths, g_steal_pointer (&found->pdata[i]));
    }
  check->results = mw_lua_linter_finish (linter, reopen_file, check->paths);
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
  check->paths = g_ptr_array_new_with_free_func (g_free);
  if (check->folder == NULL)
    {
      folder_check_free (check);
      return;
    }
  check->options = _mw_window_new_lint_options (self, check->folder);
  g_settings_set_string (self->settings, "recent-project", check->folder);
  task = g_task_new (self, NULL, folder_check_done_cb, NULL);
  g_task_set_source_tag (task, mw_window_check_folder);
  g_task_set_task_data (task, check, (GDestroyNotify) folder_check_free);
  g_task_run_in_thread (task, folder_check_thread);
}
