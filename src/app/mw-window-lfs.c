/* mw-window-lfs.c: the part of MwWindow that loads a project folder into the board's Lua Flash
 * Store (docs/lfs.md) and shows the store in the Board tab. The workflow is MwBoard's
 * (mw-board-lfs.h): the board's region and number type, then the image built from the
 * folder's .lua files on a worker thread, then the verified upload, node.LFS.reload(), the
 * restart (followed in the console) and the modules checked.
 */
#include "mw-config.h"

#include "mw-window-private.h"

#include <string.h>

#include "mw-board-lfs.h"

typedef struct
{
  MwWindow *self;
  char *folder;
  GPtrArray *names; /* char *: each file's path under the folder, its chunk name */
  GPtrArray *sources; /* GBytes * */
  MwBoardLfsRegion region;
  MwLuaLfsImage *image;
} FlashData;

static void
flash_data_free (FlashData *data)
{
  g_object_unref (data->self);
  g_free (data->folder);
  g_clear_pointer (&data->names, g_ptr_array_unref);
  g_clear_pointer (&data->sources, g_ptr_array_unref);
  g_clear_pointer (&data->image, mw_lua_lfs_image_unref);
  g_free (data);
}

static void
show_error (MwWindow *self, const char *what, const GError *error)
{
  g_autofree char *msg = g_strdup_printf ("%s: %s", what, error->message);
  mw_window_show_message (self, GTK_MESSAGE_ERROR, msg);
}

/* ---- the Board tab ---- */

static void
status_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwWindow) self = user_data;
  g_auto (MwBoardLfsStatus) status = { 0 };

  if (!mw_board_lfs_status_finish (MW_BOARD (object), result, &status, NULL)
      || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  mw_board_panel_set_lfs (self->board_panel, status.region.size, status.region.used,
                          (const char *const *) status.modules);
}

void
_mw_window_refresh_lfs (MwWindow *self)
{
  if (self->board == NULL || !mw_board_is_connected (self->board))
    return;
  mw_board_lfs_status_async (self->board, NULL, status_done_cb, g_object_ref (self));
}

/* ---- Flash to LFS ---- */

static void
flash_progress_cb (gsize done, gsize total, gpointer user_data)
{
  FlashData *data = user_data;
  g_autofree char *text = NULL;

  if (data->self->progress_bar == NULL)
    return;
  if (done < total)
    text = g_strdup_printf ("Flashing to LFS: uploading %s, %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                            " bytes",
                            MW_BOARD_LFS_FILE, done, total);
  else
    text = g_strdup ("Flashing to LFS: the board loads the image and restarts");
  gtk_progress_bar_set_fraction (data->self->progress_bar, total > 0 ? (double) done / total : 1);
  gtk_progress_bar_set_text (data->self->progress_bar, text);
}

static void
flash_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  FlashData *data = user_data;
  MwWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  MwBoardLfsResult done = { 0 };

  if (!mw_board_lfs_flash_finish (MW_BOARD (object), result, &done, &error))
    {
      if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
        {
          _mw_window_finish_operation (self);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            mw_window_show_message (self, GTK_MESSAGE_WARNING, error->message);
          else
            show_error (self, "Not flashed to LFS", error);
          _mw_window_refresh_files (self);
          _mw_window_refresh_lfs (self);
        }
      flash_data_free (data);
      return;
    }
  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      guint n = mw_lua_lfs_image_get_n_modules (data->image);
      g_autofree char *msg = g_strdup_printf (
        "Flashed %u module%s to LFS: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
        " bytes used; free heap %" G_GINT64_FORMAT " bytes before, %" G_GINT64_FORMAT " after",
        n, n == 1 ? "" : "s", done.used_after, done.region.size, done.heap_before, done.heap_after);

      _mw_window_finish_operation (self);
      mw_board_panel_set_lfs (self->board_panel, done.region.size, done.used_after,
                              (const char *const *) done.modules);
      mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
      _mw_window_refresh_files (self);
    }
  mw_board_lfs_result_clear (&done);
  flash_data_free (data);
}

/* On a worker thread: the folder's files read and laid out for the board's number type and
 * region. */
static void
build_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  FlashData *data = task_data;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;

  _mw_window_collect_lua_files (data->folder, paths);
  if (paths->len == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no .lua file in %s",
                               data->folder);
      return;
    }
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &contents, &len, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (data->names, g_strdup (path + strlen (data->folder) + 1));
      g_ptr_array_add (data->sources, g_bytes_new_take (contents, len));
    }
  data->image = mw_lua_lfs_image_new_from_sources (
    (const char *const *) data->names->pdata, (GBytes *const *) data->sources->pdata,
    data->names->len, data->region.number_type, g_get_real_time () / G_USEC_PER_SEC,
    data->region.size, &error);
  if (data->image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
build_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  MwWindow *self = MW_WINDOW (object);
  FlashData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
        {
          _mw_window_finish_operation (self);
          show_error (self, "Not flashed to LFS", error);
        }
      flash_data_free (data);
      return;
    }
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->board == NULL
      || !mw_board_is_connected (self->board))
    {
      if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
        {
          _mw_window_finish_operation (self);
          mw_window_show_message (self, GTK_MESSAGE_ERROR, "Not flashed to LFS: not connected");
        }
      flash_data_free (data);
      return;
    }
  gtk_progress_bar_set_text (self->progress_bar, "Flashing to LFS: uploading the image");
  mw_board_lfs_flash_async (self->board, data->image, flash_progress_cb, data, self->op_cancellable,
                            flash_done_cb, data);
}

static void
region_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  FlashData *data = user_data;
  MwWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;

  if (!mw_board_lfs_region_finish (MW_BOARD (object), result, &data->region, &error))
    {
      if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
        {
          _mw_window_finish_operation (self);
          show_error (self, "Not flashed to LFS", error);
        }
      flash_data_free (data);
      return;
    }
  gtk_progress_bar_set_text (self->progress_bar, "Flashing to LFS: building the image");
  task = g_task_new (self, self->op_cancellable, build_done_cb, NULL);
  g_task_set_source_tag (task, mw_window_flash_lfs);
  /* build_done_cb () passes it on to the flash, or frees it */
  g_task_set_task_data (task, data, NULL);
  g_task_run_in_thread (task, build_thread);
}

void
mw_window_flash_lfs (MwWindow *self, GFile *folder)
{
  FlashData *data;
  g_autofree char *path = NULL;
  GCancellable *cancellable;

  g_return_if_fail (MW_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  if (self->board == NULL || !mw_board_is_connected (self->board))
    {
      mw_window_show_message (self, GTK_MESSAGE_ERROR, "Not flashed to LFS: not connected");
      return;
    }
  if (self->op_cancellable != NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_ERROR,
                              "Not flashed to LFS: another operation is running");
      return;
    }
  path = g_file_get_path (folder);
  if (path == NULL)
    return;
  data = g_new0 (FlashData, 1);
  data->self = g_object_ref (self);
  data->folder = g_steal_pointer (&path);
  data->names = g_ptr_array_new_with_free_func (g_free);
  data->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_settings_set_string (self->settings, "recent-project", data->folder);
  cancellable =
    _mw_window_start_operation (self, "Flashing to LFS: asking the board for its region");
  mw_board_lfs_region_async (self->board, cancellable, region_done_cb, data);
}

static void
flash_lfs_response_cb (GtkNativeDialog *dialog, gint response, MwWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      mw_window_flash_lfs (self, folder);
    }
  g_object_unref (dialog);
}

static void
action_flash_lfs (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  g_autofree char *recent = g_settings_get_string (self->settings, "recent-project");
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Flash a Project Folder to LFS", GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Flash", "_Cancel");

  if (*recent != '\0')
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), recent);
  g_signal_connect_object (dialog, "response", G_CALLBACK (flash_lfs_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static const GActionEntry lfs_entries[] = {
  { "flash-lfs", action_flash_lfs },
};

void
_mw_window_init_lfs (MwWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), lfs_entries, G_N_ELEMENTS (lfs_entries),
                                   self);
}
