/* mw-board-lfs.c: the Lua Flash Store workflow on an MwBoard: region, upload, reload, restart,
 * check (docs/firmware.md section 9). Each step is one REPL command or the verified upload;
 * every snippet comes from mw-board-lua.c. */
#include "mw-board-lfs.h"

#include <stdlib.h>
#include <string.h>

#include "mw-board-lua.h"

G_DEFINE_QUARK (mw - board - lfs - error - quark, mw_board_lfs_error)

#define COMMAND_TIMEOUT_MS 5000
/* The firmware inflates the image twice (checks, then the write) before it restarts. */
#define RELOAD_TIMEOUT_MS 30000
#define SETTLE_MS 300
#define SYNC_TIMEOUT_MS 10000

static const char no_region_hint[] =
  "this firmware has no LFS region (node.info('lfs').lfs_size is 0): build the firmware "
  "with an LFS size (the cloud builder's LFS option, or LUA_FLASH_STORE in "
  "app/include/user_config.h), or give it one with "
  "node.setpartitiontable{lfs_size = 0x10000} (firmware 3.0)";

void
mw_board_lfs_result_clear (MwBoardLfsResult *result)
{
  g_clear_pointer (&result->modules, g_strfreev);
}

/* A reply as a string; an empty one's data may be NULL. */
static char *
reply_text (GBytes *reply)
{
  gsize len = g_bytes_get_size (reply);

  return len > 0 ? g_strndup (g_bytes_get_data (reply, NULL), len) : g_strdup ("");
}

/* The reply of mw_board_lua_lfs_region(): "size used type"; size -1 without node.info('lfs'). */
static gboolean
parse_region_reply (GBytes *reply, gint64 *size, MwBoardLfsRegion *out, GError **error)
{
  g_autofree char *text = reply_text (reply);
  char *end = NULL;
  gint64 used;

  *size = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != ' ')
    goto bad;
  used = g_ascii_strtoll (end + 1, &end, 10);
  if (used < 0 || (strcmp (end, " float") != 0 && strcmp (end, " integer") != 0))
    goto bad;
  out->number_type = strcmp (end, " integer") == 0 ? MW_LUA_TARGET_INTEGER : MW_LUA_TARGET_FLOAT;
  out->size = *size > 0 ? (gsize) *size : 0;
  out->used = (gsize) used;
  return TRUE;

bad:
  g_set_error (error, MW_BOARD_LFS_ERROR, MW_BOARD_LFS_ERROR_NO_REGION,
               "unexpected reply to node.info('lfs'): %s", text);
  return FALSE;
}

static gboolean
parse_region (GBytes *reply, MwBoardLfsRegion *out, GError **error)
{
  gint64 size;

  if (!parse_region_reply (reply, &size, out, error))
    return FALSE;
  if (size <= 0)
    {
      g_set_error_literal (error, MW_BOARD_LFS_ERROR, MW_BOARD_LFS_ERROR_NO_REGION,
                           size < 0 ? "this firmware has no Lua Flash Store (node.info('lfs') "
                                      "is missing): LFS needs firmware 3.0"
                                    : no_region_hint);
      return FALSE;
    }
  return TRUE;
}

static void
on_region (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GBytes) reply = NULL;
  MwBoardLfsRegion *region = g_new0 (MwBoardLfsRegion, 1);
  GError *error = NULL;

  reply = mw_repl_execute_finish (MW_REPL (object), result, &error);
  if (reply == NULL || !parse_region (reply, region, &error))
    {
      g_free (region);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, region, g_free);
}

/* Asks the board for its LFS region; `done` gets the reply with `task` (taken). */
static void
query_region (MwBoard *self, GTask *task, GAsyncReadyCallback done)
{
  g_autofree char *code = mw_board_lua_lfs_region ();

  if (!mw_board_is_connected (self))
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "not connected");
      g_object_unref (task);
      return;
    }
  mw_repl_execute_async (mw_board_get_repl (self), code, COMMAND_TIMEOUT_MS, NULL, NULL,
                         g_task_get_cancellable (task), done, task);
}

void
mw_board_lfs_region_async (MwBoard *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_BOARD (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_board_lfs_region_async);
  query_region (self, task, on_region);
}

gboolean
mw_board_lfs_region_finish (MwBoard *self, GAsyncResult *result, MwBoardLfsRegion *out,
                            GError **error)
{
  g_autofree MwBoardLfsRegion *region = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  region = g_task_propagate_pointer (G_TASK (result), error);
  if (region == NULL)
    return FALSE;
  if (out != NULL)
    *out = *region;
  return TRUE;
}

/* ---- status ---- */

void
mw_board_lfs_status_clear (MwBoardLfsStatus *status)
{
  g_clear_pointer (&status->modules, g_strfreev);
}

static void
status_free (MwBoardLfsStatus *status)
{
  mw_board_lfs_status_clear (status);
  g_free (status);
}

static void
on_status_list (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwBoardLfsStatus *status = g_task_get_task_data (task);
  g_autoptr (GBytes) reply = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;

  reply = mw_repl_execute_finish (MW_REPL (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  text = reply_text (reply);
  status->modules = text[0] != '\0' ? g_strsplit (text, ",", -1) : g_new0 (char *, 1);
  g_task_return_boolean (task, TRUE);
}

static void
on_status_region (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwBoardLfsStatus *status = g_task_get_task_data (task);
  g_autoptr (GBytes) reply = NULL;
  g_autofree char *code = mw_board_lua_lfs_list ();
  gint64 size;
  GError *error = NULL;

  reply = mw_repl_execute_finish (MW_REPL (object), result, &error);
  if (reply == NULL || !parse_region_reply (reply, &size, &status->region, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (size <= 0)
    {
      status->modules = g_new0 (char *, 1);
      g_task_return_boolean (task, TRUE);
      return;
    }
  {
    GTask *owned = g_steal_pointer (&task); /* the callback owns it */

    mw_repl_execute_async (MW_REPL (object), code, COMMAND_TIMEOUT_MS, NULL, NULL,
                           g_task_get_cancellable (owned), on_status_list, owned);
  }
}

void
mw_board_lfs_status_async (MwBoard *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_BOARD (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_board_lfs_status_async);
  g_task_set_task_data (task, g_new0 (MwBoardLfsStatus, 1), (GDestroyNotify) status_free);
  query_region (self, task, on_status_region);
}

gboolean
mw_board_lfs_status_finish (MwBoard *self, GAsyncResult *result, MwBoardLfsStatus *out,
                            GError **error)
{
  MwBoardLfsStatus *status;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  status = g_task_get_task_data (G_TASK (result));
  if (out != NULL)
    {
      *out = *status;
      status->modules = NULL;
    }
  return TRUE;
}

/* ---- flash ---- */

typedef struct
{
  MwLuaLfsImage *image;
  MwUploadProgress progress;
  gpointer progress_data;
  MwBoardLfsResult result;
  GSource *settle;
  /* waiting for the posted reload: a restart, or the firmware's refusal in a frame */
  MwRepl *repl;
  char token[8];
  gulong frame_id, reset_id, cancel_id;
  GCancellable *cancellable;
  GSource *wait;
} FlashData;

static void
stop_waiting (FlashData *data)
{
  if (data->repl != NULL)
    {
      g_clear_signal_handler (&data->frame_id, data->repl);
      g_clear_signal_handler (&data->reset_id, data->repl);
      g_clear_object (&data->repl);
    }
  if (data->wait != NULL)
    {
      g_source_destroy (data->wait);
      g_clear_pointer (&data->wait, g_source_unref);
    }
  if (data->cancellable != NULL)
    {
      g_cancellable_disconnect (data->cancellable, data->cancel_id);
      data->cancel_id = 0;
      g_clear_object (&data->cancellable);
    }
}

static void
flash_data_free (FlashData *data)
{
  stop_waiting (data);
  mw_lua_lfs_image_unref (data->image);
  mw_board_lfs_result_clear (&data->result);
  if (data->settle != NULL)
    {
      g_source_destroy (data->settle);
      g_source_unref (data->settle);
    }
  g_free (data);
}

static MwBoard *
task_board (GTask *task)
{
  return g_task_get_source_object (task);
}

static void
on_heap_after (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlashData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->result.heap_after = mw_device_heap_finish (MW_DEVICE (object), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_region_after (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlashData *data = g_task_get_task_data (task);
  MwBoardLfsRegion region;
  GError *error = NULL;

  if (!mw_board_lfs_region_finish (MW_BOARD (object), result, &region, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  data->result.used_after = region.used;
  {
    GTask *owned = g_steal_pointer (&task); /* the callback owns it */

    mw_device_heap_async (mw_board_get_device (task_board (owned)), g_task_get_cancellable (owned),
                          on_heap_after, owned);
  }
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
on_list (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlashData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) reply = NULL;
  g_autofree char *text = NULL;
  g_autofree char *want = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *const *modules = mw_lua_lfs_image_get_modules (data->image);
  GError *error = NULL;

  reply = mw_repl_execute_finish (MW_REPL (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  text = reply_text (reply);
  data->result.modules = text[0] != '\0' ? g_strsplit (text, ",", -1) : g_new0 (char *, 1);
  /* node.LFS.list() sorts: compare with the image's names sorted alike */
  for (guint i = 0; modules[i] != NULL; i++)
    g_ptr_array_add (names, (gpointer) modules[i]);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  want = g_strjoinv (",", (char **) names->pdata);
  if (strcmp (text, want) != 0)
    {
      g_task_return_new_error (task, MW_BOARD_LFS_ERROR, MW_BOARD_LFS_ERROR_MODULES,
                               "after the restart the board lists the modules '%s', not the "
                               "image's '%s': the image was not loaded",
                               text, want);
      return;
    }
  {
    GTask *owned = g_steal_pointer (&task); /* the callback owns it */

    mw_board_lfs_region_async (task_board (owned), g_task_get_cancellable (owned), on_region_after,
                               owned);
  }
}

static void
on_synced (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autofree char *code = mw_board_lua_lfs_list ();
  GError *error = NULL;

  if (!mw_repl_sync_finish (MW_REPL (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  {
    GTask *owned = g_steal_pointer (&task); /* the callback owns it */

    mw_repl_execute_async (MW_REPL (object), code, COMMAND_TIMEOUT_MS, NULL, NULL,
                           g_task_get_cancellable (owned), on_list, owned);
  }
}

static gboolean
on_settled (gpointer user_data)
{
  GTask *task = user_data;
  FlashData *data = g_task_get_task_data (task);
  MwBoard *self = task_board (task);

  g_clear_pointer (&data->settle, g_source_unref);
  if (!mw_board_is_connected (self))
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "the port closed");
      return G_SOURCE_REMOVE;
    }
  mw_repl_sync_async (mw_board_get_repl (self), SYNC_TIMEOUT_MS, g_task_get_cancellable (task),
                      on_synced, g_object_ref (task));
  return G_SOURCE_REMOVE;
}

/* The board restarted: follow it to its prompt. */
static void
on_restarted (MwRepl *repl, gpointer user_data)
{
  GTask *task = user_data;
  FlashData *data = g_task_get_task_data (task);

  stop_waiting (data);
  data->settle = g_timeout_source_new (SETTLE_MS);
  g_source_set_callback (data->settle, on_settled, task, g_object_unref);
  g_source_attach (data->settle, g_main_context_get_thread_default ());
}

/* The firmware refused the image: node.LFS.reload() returned its message. */
static void
on_frame (MwRepl *repl, const char *kind, const char *token, GBytes *body, gpointer user_data)
{
  GTask *task = user_data;
  FlashData *data = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  if (strcmp (kind, "L") != 0 || strcmp (token, data->token) != 0)
    return;
  stop_waiting (data);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_task_return_new_error (task, MW_BOARD_LFS_ERROR, MW_BOARD_LFS_ERROR_RELOAD,
                           "node.LFS.reload() refused the image: %s", text);
  g_object_unref (task);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  GTask *task = user_data;
  FlashData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->wait, g_source_unref);
  stop_waiting (data);
  g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_TIMEOUT,
                           "the board neither restarted nor answered after node.LFS.reload()");
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* Cancelled while the board reloads: stop waiting (the board goes on and restarts). Runs in an
 * idle, as g_cancellable_disconnect() may not be called from the cancel handler. */
static gboolean
on_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  FlashData *data = g_task_get_task_data (task);

  if (data->repl == NULL)
    return G_SOURCE_REMOVE; /* the restart or the refusal came first */
  stop_waiting (data);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "cancelled while the board reloads its LFS (it restarts by itself)");
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GSource *idle = g_idle_source_new ();

  g_source_set_callback (idle, on_cancelled_idle, g_object_ref (user_data), g_object_unref);
  g_source_attach (idle, g_main_context_get_thread_default ());
  g_source_unref (idle);
}

static void
on_reload_posted (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data; /* kept until the restart or the refusal */
  FlashData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) reply = NULL;
  GError *error = NULL;

  reply = mw_repl_execute_finish (MW_REPL (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* the reload runs in the task just posted: the firmware inflates the image twice, writes
   * the flash, then restarts (or prints why not) */
  data->repl = g_object_ref (MW_REPL (object));
  data->frame_id = g_signal_connect (data->repl, "frame", G_CALLBACK (on_frame), task);
  data->reset_id = g_signal_connect (data->repl, "reset", G_CALLBACK (on_restarted), task);
  data->wait = g_timeout_source_new (RELOAD_TIMEOUT_MS);
  g_source_set_callback (data->wait, on_wait_timeout, task, NULL);
  g_source_attach (data->wait, g_main_context_get_thread_default ());
  if (g_task_get_cancellable (task) != NULL)
    {
      data->cancellable = g_object_ref (g_task_get_cancellable (task));
      data->cancel_id =
        g_cancellable_connect (data->cancellable, G_CALLBACK (on_cancelled), task, NULL);
    }
}

static void
on_uploaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlashData *data = g_task_get_task_data (task);
  MwRepl *repl = mw_board_get_repl (task_board (task));
  g_autofree char *code = NULL;
  GError *error = NULL;

  if (!mw_device_upload_finish (MW_DEVICE (object), result, &data->result.upload, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  mw_repl_new_token (repl, data->token);
  code = mw_board_lua_lfs_reload (MW_BOARD_LFS_FILE, data->token);
  {
    GTask *owned = g_steal_pointer (&task); /* the callback owns it */

    mw_repl_execute_async (repl, code, COMMAND_TIMEOUT_MS, NULL, NULL,
                           g_task_get_cancellable (owned), on_reload_posted, owned);
  }
}

static void
on_heap_before (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlashData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) file = NULL;
  GError *error = NULL;

  data->result.heap_before = mw_device_heap_finish (MW_DEVICE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  file = mw_lua_lfs_image_compress (data->image);
  /* the firmware's own checks, on the very bytes it will read (the 16 KB inflate window
   * among them): a file it would refuse is not sent, and the board does not restart */
  {
    g_autofree char *refusal = mw_lua_lfs_image_check_reload (
      g_bytes_get_data (file, NULL), g_bytes_get_size (file), data->result.region.number_type,
      data->result.region.size, NULL);

    if (refusal != NULL)
      {
        g_task_return_new_error (task, MW_BOARD_LFS_ERROR, MW_BOARD_LFS_ERROR_IMAGE,
                                 "not sent: node.LFS.reload() would refuse this %s file (\"%s\")",
                                 MW_BOARD_LFS_FILE, refusal);
        return;
      }
  }
  {
    GTask *owned = g_steal_pointer (&task); /* the callback owns it */

    mw_device_upload_async (MW_DEVICE (object), MW_BOARD_LFS_FILE, file, 0, 0, data->progress,
                            data->progress_data, g_task_get_cancellable (owned), on_uploaded,
                            owned);
  }
}

static void
on_region_before (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlashData *data = g_task_get_task_data (task);
  MwBoard *self = MW_BOARD (object);
  MwLuaNumberType board_type;
  GError *error = NULL;

  if (!mw_board_lfs_region_finish (self, result, &data->result.region, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  board_type = data->result.region.number_type;
  if (mw_lua_lfs_image_get_target (data->image) != board_type)
    {
      g_task_return_new_error (
        task, MW_BOARD_LFS_ERROR, MW_BOARD_LFS_ERROR_IMAGE,
        "the image is for the %s firmware, the board runs the %s one (the firmware would say "
        "\"Incorrect LFS build type\")",
        mw_lua_lfs_image_get_target (data->image) == MW_LUA_TARGET_INTEGER ? "integer" : "float",
        board_type == MW_LUA_TARGET_INTEGER ? "integer" : "float");
      return;
    }
  if (mw_lua_lfs_image_get_flash_size (data->image) > data->result.region.size)
    {
      g_task_return_new_error (task, MW_BOARD_LFS_ERROR, MW_BOARD_LFS_ERROR_IMAGE,
                               "the image needs %" G_GSIZE_FORMAT
                               " bytes of flash, the board's LFS region has %" G_GSIZE_FORMAT,
                               mw_lua_lfs_image_get_flash_size (data->image),
                               data->result.region.size);
      return;
    }
  {
    GTask *owned = g_steal_pointer (&task); /* the callback owns it */

    mw_device_heap_async (mw_board_get_device (self), g_task_get_cancellable (owned),
                          on_heap_before, owned);
  }
}

void
mw_board_lfs_flash_async (MwBoard *self, MwLuaLfsImage *image, MwUploadProgress progress,
                          gpointer progress_data, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  FlashData *data;

  g_return_if_fail (MW_IS_BOARD (self));
  g_return_if_fail (image != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_board_lfs_flash_async);
  data = g_new0 (FlashData, 1);
  data->image = mw_lua_lfs_image_ref (image);
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, (GDestroyNotify) flash_data_free);
  if (!mw_board_is_connected (self))
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "not connected");
      return;
    }
  mw_board_lfs_region_async (self, cancellable, on_region_before, g_steal_pointer (&task));
}

gboolean
mw_board_lfs_flash_finish (MwBoard *self, GAsyncResult *result, MwBoardLfsResult *out,
                           GError **error)
{
  FlashData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (out != NULL)
    {
      *out = data->result;
      data->result.modules = NULL;
    }
  return TRUE;
}
