/* mw-board-sync.c: MwBoard's sync of a local folder (see mw-board-sync.h).
 *
 * One file at a time: read and prepared on a worker thread, its board copy's size and Adler-32
 * asked for, then, when they differ, the upload's own second half (mw-board-private.h). */
#include "mw-config.h"

#include "mw-board-sync.h"
#include "mw-board-private.h"

#include <string.h>
#include <zlib.h>
#include <glib/gstdio.h>

static int
compare_names (gconstpointer a, gconstpointer b)
{
  /* g_ptr_array_sort() hands over pointers to the elements */
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GStrv
mw_board_sync_list (const char *folder, GError **error)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = NULL;
  const char *name;

  g_return_val_if_fail (folder != NULL, NULL);
  if ((dir = g_dir_open (folder, 0, error)) == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (name[0] == '.' || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!mw_lua_check_file_name (name, error))
        return NULL;
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

typedef struct
{
  char *folder;
  GStrv names;
  guint next;
  MwBoardUploadOptions options;
  MwLuaLintOptions *lint_options; /* a copy: the worker reads it */
  MwBoardSyncFlags flags;
  MwBoardSyncFunc report;
  gpointer report_data;
  MwBoardSyncResult result;

  /* the file in hand */
  char *path;
  char *board_name;
  GBytes *prepared;
  guint32 adler;
} SyncData;

static void
sync_file_clear (SyncData *data)
{
  g_clear_pointer (&data->path, g_free);
  g_clear_pointer (&data->board_name, g_free);
  g_clear_pointer (&data->prepared, g_bytes_unref);
}

static void
sync_data_free (SyncData *data)
{
  sync_file_clear (data);
  g_free (data->folder);
  g_strfreev (data->names);
  g_clear_pointer (&data->lint_options, mw_lua_lint_options_free);
  g_free (data);
}

static void
report (SyncData *data, MwBoardSyncFileState state, gsize sent, const MwUploadStats *stats,
        const GError *error)
{
  MwBoardSyncFile file = {
    .path = data->path,
    .board_name = data->board_name,
    .bytes = data->prepared != NULL ? g_bytes_get_size (data->prepared) : 0,
    .sent = sent,
    .state = state,
    .stats = stats,
    .error = error,
  };

  if (data->report != NULL)
    data->report (&file, data->report_data);
}

static void next_file (GTask *task);

/* Errors after which the board cannot be asked about the next file. */
static gboolean
stops_sync (MwBoard *self, const GError *error)
{
  return !mw_board_is_connected (self) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         || error->domain == MW_TRANSPORT_ERROR || error->domain == MW_REPL_ERROR;
}

static void
file_failed (GTask *task, GError *error)
{
  SyncData *data = g_task_get_task_data (task);

  data->result.failed++;
  report (data, MW_BOARD_SYNC_FILE_FAILED, 0, NULL, error);
  g_error_free (error);
  next_file (task);
}

static void
on_uploaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  SyncData *data = g_task_get_task_data (task);
  g_auto (MwBoardUploadResult) done = { 0 };
  GError *error = NULL;

  if (!mw_board_upload_finish (self, result, &done, &error))
    {
      if (stops_sync (self, error))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      file_failed (task, error);
      return;
    }
  data->result.uploaded++;
  report (data, MW_BOARD_SYNC_FILE_UPLOADED, done.stats.bytes, &done.stats, NULL);
  next_file (task);
}

static void
on_progress (gsize done, gsize total, gpointer user_data)
{
  report (user_data, MW_BOARD_SYNC_FILE_SENDING, done, NULL, NULL);
}

static void
on_checksum (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  SyncData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 size = -1;
  guint32 adler = 0;
  gsize len = g_bytes_get_size (data->prepared);

  if (!mw_device_checksum_finish (MW_DEVICE (object), result, &size, &adler, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (size == (gint64) len && adler == data->adler)
    {
      data->result.same++;
      report (data, MW_BOARD_SYNC_FILE_SAME, 0, NULL, NULL);
      next_file (task);
      return;
    }
  data->result.differ++;
  report (data, MW_BOARD_SYNC_FILE_DIFFERS, 0, NULL, NULL);
  if (data->flags & MW_BOARD_SYNC_DRY_RUN)
    {
      next_file (task);
      return;
    }
  _mw_board_upload_prepared_async (self, data->names[data->next - 1], data->board_name,
                                   data->prepared, &data->options, on_progress, data,
                                   g_task_get_cancellable (task), on_uploaded, task);
}

typedef struct
{
  char *board_name;
  GBytes *prepared;
  guint32 adler;
} Prepared;

static void
prepared_free (Prepared *p)
{
  g_free (p->board_name);
  g_clear_pointer (&p->prepared, g_bytes_unref);
  g_free (p);
}

static gboolean
read_file (const char *path, GBytes **out, GError **error)
{
  GStatBuf st;
  char *contents = NULL;
  gsize len = 0;

  if (g_stat (path, &st) == 0 && (guint64) st.st_size > MW_BOARD_MAX_UPLOAD)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "%s: %" G_GUINT64_FORMAT " bytes, larger than the %d MB limit for an upload",
                   path, (guint64) st.st_size, MW_BOARD_MAX_UPLOAD >> 20);
      return FALSE;
    }
  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  *out = g_bytes_new_take (contents, len);
  return TRUE;
}

/* On a worker thread (the sync's data stays untouched meanwhile): read, lint, verified minify
 * and compile take long for big files. */
static void
prepare_in_thread (GTask *task, gpointer source_object, gpointer task_data,
                   GCancellable *cancellable)
{
  const SyncData *data = task_data;
  g_autoptr (GBytes) source = NULL;
  Prepared *p = g_new0 (Prepared, 1);
  GError *error = NULL;

  if (!read_file (data->path, &source, &error))
    goto fail;
  p->prepared = mw_lua_pipeline_prepare (data->names[data->next - 1], source,
                                         &data->options.pipeline, &p->board_name, &error);
  if (p->prepared == NULL)
    {
      g_prefix_error (&error, "%s: ", data->path);
      goto fail;
    }
  if (!mw_lua_check_file_name (p->board_name, &error))
    goto fail;
  p->adler = adler32_z (1, g_bytes_get_data (p->prepared, NULL), g_bytes_get_size (p->prepared));
  g_task_return_pointer (task, p, (GDestroyNotify) prepared_free);
  return;
fail:
  prepared_free (p);
  g_task_return_error (task, error);
}

static void
on_prepared (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  SyncData *data = g_task_get_task_data (task);
  GError *error = NULL;
  Prepared *p = g_task_propagate_pointer (G_TASK (result), &error);

  if (p == NULL)
    {
      if (g_task_return_error_if_cancelled (task))
        {
          g_error_free (error);
          g_object_unref (task);
          return;
        }
      file_failed (task, error);
      return;
    }
  data->board_name = g_steal_pointer (&p->board_name);
  data->prepared = g_steal_pointer (&p->prepared);
  data->adler = p->adler;
  prepared_free (p);
  if (!mw_board_is_connected (self))
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED,
                               "the board was disconnected");
      g_object_unref (task);
      return;
    }
  mw_device_checksum_async (mw_board_get_device (self), data->board_name,
                            g_task_get_cancellable (task), on_checksum, task);
}

/* Takes `task`: the next file, or the end. */
static void
next_file (GTask *task)
{
  SyncData *data = g_task_get_task_data (task);
  g_autoptr (GTask) prepare = NULL;

  sync_file_clear (data);
  if (data->names[data->next] == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  data->path = g_build_filename (data->folder, data->names[data->next], NULL);
  data->next++;
  prepare =
    g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task), on_prepared, task);
  g_task_set_task_data (prepare, data, NULL);
  g_task_run_in_thread (prepare, prepare_in_thread);
}

void
mw_board_sync_async (MwBoard *self, const char *folder, const char *const *names,
                     const MwBoardUploadOptions *options, MwBoardSyncFlags flags,
                     MwBoardSyncFunc report_func, gpointer report_data, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  SyncData *data;
  GError *error = NULL;

  g_return_if_fail (MW_IS_BOARD (self));
  g_return_if_fail (folder != NULL && options != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_board_sync_async);
  /* an upload's own message says what happened to the board's file */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (SyncData, 1);
  data->folder = g_strdup (folder);
  data->options = *options;
  data->flags = flags;
  data->report = report_func;
  data->report_data = report_data;
  g_task_set_task_data (task, data, (GDestroyNotify) sync_data_free);
  if (options->pipeline.lint_options != NULL)
    {
      data->lint_options = mw_lua_lint_options_copy (options->pipeline.lint_options);
      data->options.pipeline.lint_options = data->lint_options;
    }
  if (!mw_board_is_connected (self))
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "not connected");
      g_object_unref (task);
      return;
    }
  if (options->detect_number_type)
    data->options.pipeline.number_type = mw_board_get_number_type (self);
  data->names = names != NULL ? g_strdupv ((char **) names) : mw_board_sync_list (folder, &error);
  if (data->names == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  next_file (task);
}

gboolean
mw_board_sync_finish (MwBoard *self, GAsyncResult *result, MwBoardSyncResult *out, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (out != NULL)
    *out = ((SyncData *) g_task_get_task_data (G_TASK (result)))->result;
  return g_task_propagate_boolean (G_TASK (result), error);
}
