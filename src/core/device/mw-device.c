/* mw-device.c: file operations and board queries as framed REPL commands. */
#include "mw-config.h"

#include "mw-device.h"
#include "mw-lua-lexer.h"
#include "mw-lua-tree.h"

#include <stdlib.h>
#include <string.h>

/* Bytes per download command: one Lua task writes them (the watchdog allows ~500 ms, and at
 * 115200 baud 4096 bytes take 360 ms on the wire). */
#define READ_CHUNK 2048
struct _MwDevice
{
  GObject parent_instance;
  MwRepl *repl;
  guint timeout_ms;
};

G_DEFINE_FINAL_TYPE (MwDevice, mw_device, G_TYPE_OBJECT)

G_DEFINE_QUARK (mw - device - error - quark, mw_device_error)

MwDeviceError
mw_device_error_from_reply (MwBoardReply reply)
{
  switch (reply)
    {
      case MW_BOARD_REPLY_NOT_FOUND:
        return MW_DEVICE_ERROR_NOT_FOUND;
      case MW_BOARD_REPLY_FULL:
        return MW_DEVICE_ERROR_FULL;
      case MW_BOARD_REPLY_VERIFY:
        return MW_DEVICE_ERROR_VERIFY;
      case MW_BOARD_REPLY_UNSUPPORTED:
        return MW_DEVICE_ERROR_UNSUPPORTED;
      case MW_BOARD_REPLY_EXISTS:
      case MW_BOARD_REPLY_REFUSED:
      default:
        return MW_DEVICE_ERROR_FAILED;
    }
}

void
mw_file_entry_free (MwFileEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_free (entry);
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MwFileEntry *const *) a)->name, (*(MwFileEntry *const *) b)->name);
}

/* name \0 size \0 ... (names cannot hold a NUL, so any other byte is fine) */
GPtrArray *
mw_device_parse_list (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mw_file_entry_free);
  gsize pos = 0;

  while (pos < len)
    {
      const guint8 *name_end = memchr (data + pos, '\0', len - pos);
      const guint8 *size_end;
      MwFileEntry *entry;
      g_autofree char *size = NULL;
      char *end = NULL;

      if (name_end == NULL
          || (size_end = memchr (name_end + 1, '\0', len - (name_end + 1 - data))) == NULL)
        {
          g_set_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL,
                       "garbled file list from the board");
          return NULL;
        }
      size = g_strndup ((const char *) name_end + 1, size_end - name_end - 1);
      entry = g_new0 (MwFileEntry, 1);
      entry->name = g_strndup ((const char *) data + pos, name_end - data - pos);
      entry->size = g_ascii_strtoll (size, &end, 10);
      g_ptr_array_add (entries, entry);
      if (end == size || *end != '\0')
        {
          g_autofree char *shown = mw_lua_printable_name (entry->name);

          g_set_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL, "garbled size '%s' for %s",
                       size, shown);
          return NULL;
        }
      pos = size_end + 1 - data;
    }
  g_ptr_array_sort (entries, compare_entries);
  return g_steal_pointer (&entries);
}

gboolean
mw_device_parse_fsinfo (const char *text, MwFsInfo *info, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (text, ", \t\r\n", -1);
  gint64 v[3];
  guint n = 0;

  for (guint i = 0; parts[i] != NULL && n < 3; i++)
    {
      char *end = NULL;

      if (parts[i][0] == '\0')
        continue;
      v[n] = g_ascii_strtoll (parts[i], &end, 10);
      if (end == parts[i] || *end != '\0')
        break;
      n++;
    }
  if (n != 3)
    {
      g_set_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL,
                   "garbled file system info: '%s'", text);
      return FALSE;
    }
  info->remaining = v[0];
  info->used = v[1];
  info->total = v[2];
  return TRUE;
}

/* ---- plumbing: one command, one parse ---- */

typedef gboolean (*ParseFunc) (GTask *task, GBytes *reply);

typedef struct
{
  ParseFunc parse;
  char *name;
  char *target; /* rename's new name */
  char *shown, *target_shown; /* the names for messages, control characters escaped */
  /* downloads */
  GByteArray *data;
  gint64 size;
} OpData;

static void
op_data_free (OpData *op)
{
  g_free (op->name);
  g_free (op->target);
  g_free (op->shown);
  g_free (op->target_shown);
  if (op->data)
    g_byte_array_unref (op->data);
  g_free (op);
}

static void
on_op_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OpData *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else if (op->parse == NULL)
    g_task_return_boolean (task, TRUE);
  else
    op->parse (task, reply);
}

static GTask *
op_new (MwDevice *self, gpointer tag, ParseFunc parse, GCancellable *cancellable,
        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OpData *op = g_new0 (OpData, 1);

  g_task_set_source_tag (task, tag);
  op->parse = parse;
  g_task_set_task_data (task, op, (GDestroyNotify) op_data_free);
  return task;
}

/* The board names the operation is about (`target`: rename's new one, or NULL). */
static void
op_set_names (GTask *task, const char *name, const char *target)
{
  OpData *op = g_task_get_task_data (task);

  op->name = g_strdup (name);
  op->shown = mw_lua_printable_name (name);
  if (target != NULL)
    {
      op->target = g_strdup (target);
      op->target_shown = mw_lua_printable_name (target);
    }
}

/* Runs `code` (a snippet from mw-board-lua.h, freed here). */
static void
op_run (MwDevice *self, GTask *task, char *code)
{
  mw_repl_execute_async (self->repl, code, self->timeout_ms, NULL, NULL,
                         g_task_get_cancellable (task), on_op_done, task);
  g_free (code);
}

static gboolean
check_name_or_fail (GTask *task, const char *name)
{
  GError *error = NULL;

  if (mw_lua_check_file_name (name, &error))
    return TRUE;
  g_task_return_error (task, error);
  g_object_unref (task);
  return FALSE;
}

static char *
reply_text (GBytes *reply)
{
  gsize len;
  const char *data = g_bytes_get_data (reply, &len);

  return len ? g_strndup (data, len) : g_strdup ("");
}

/* ---- list, fsinfo ---- */

static gboolean
parse_list (GTask *task, GBytes *reply)
{
  GError *error = NULL;
  GPtrArray *entries =
    mw_device_parse_list (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);

  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  return TRUE;
}

void
mw_device_list_async (MwDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_return_if_fail (MW_IS_DEVICE (self));
  op_run (self, op_new (self, mw_device_list_async, parse_list, cancellable, callback, user_data),
          mw_board_lua_list ());
}

GPtrArray *
mw_device_list_finish (MwDevice *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
parse_fsinfo (GTask *task, GBytes *reply)
{
  g_autofree char *text = reply_text (reply);
  MwFsInfo *info = g_new0 (MwFsInfo, 1);
  GError *error = NULL;

  if (!mw_device_parse_fsinfo (text, info, &error))
    {
      g_free (info);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, info, g_free);
  return TRUE;
}

void
mw_device_fsinfo_async (MwDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_return_if_fail (MW_IS_DEVICE (self));
  op_run (self,
          op_new (self, mw_device_fsinfo_async, parse_fsinfo, cancellable, callback, user_data),
          mw_board_lua_fsinfo ());
}

gboolean
mw_device_fsinfo_finish (MwDevice *self, GAsyncResult *result, MwFsInfo *info, GError **error)
{
  g_autofree MwFsInfo *got = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  got = g_task_propagate_pointer (G_TASK (result), error);
  if (got == NULL)
    return FALSE;
  *info = *got;
  return TRUE;
}

/* ---- download ---- */

static void read_next (MwDevice *self, GTask *task);

static void
on_read_chunk (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OpData *op = g_task_get_task_data (task);
  MwDevice *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);
  gsize len;
  const guint8 *data;

  if (reply == NULL)
    {
      MwBoardReply code;

      if (g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA)
          && mw_board_lua_parse_reply (error->message, &code, NULL)
          && code == MW_BOARD_REPLY_NOT_FOUND)
        {
          g_task_return_new_error (task, MW_DEVICE_ERROR, MW_DEVICE_ERROR_NOT_FOUND,
                                   "%s: no such file on the board", op->shown);
          g_error_free (error);
        }
      else
        g_task_return_error (task, error);
      return;
    }
  data = g_bytes_get_data (reply, &len);
  if (op->size < 0)
    {
      /* the first reply is the size */
      g_autofree char *text = reply_text (reply);

      op->size = g_ascii_strtoll (text, NULL, 10);
      if (strcmp (text, "nil") == 0 || op->size < 0)
        {
          g_task_return_new_error (task, MW_DEVICE_ERROR, MW_DEVICE_ERROR_NOT_FOUND,
                                   "%s: no such file on the board", op->shown);
          return;
        }
    }
  else
    g_byte_array_append (op->data, data, len);
  if ((gint64) op->data->len > op->size)
    {
      g_task_return_new_error (task, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL,
                               "%s: the board sent more bytes than the file holds", op->shown);
      return;
    }
  if ((gint64) op->data->len == op->size)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&op->data)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (op->size >= 0 && len == 0 && op->data->len > 0)
    {
      g_task_return_new_error (task, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL,
                               "%s: the file ended early (%u of %" G_GINT64_FORMAT " bytes)",
                               op->shown, op->data->len, op->size);
      return;
    }
  read_next (self, g_steal_pointer (&task));
}

static void
read_next (MwDevice *self, GTask *task)
{
  OpData *op = g_task_get_task_data (task);
  g_autofree char *code = NULL;

  if (op->size < 0)
    code = mw_board_lua_file_size (op->name);
  else
    code = mw_board_lua_read_chunk (op->name, op->data->len, READ_CHUNK);
  mw_repl_execute_async (self->repl, code, self->timeout_ms, NULL, NULL,
                         g_task_get_cancellable (task), on_read_chunk, task);
}

void
mw_device_read_file_async (MwDevice *self, const char *name, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  OpData *op;

  g_return_if_fail (MW_IS_DEVICE (self));
  task = op_new (self, mw_device_read_file_async, NULL, cancellable, callback, user_data);
  if (!check_name_or_fail (task, name))
    return;
  op = g_task_get_task_data (task);
  op_set_names (task, name, NULL);
  op->data = g_byte_array_new ();
  op->size = -1;
  read_next (self, task);
}

GBytes *
mw_device_read_file_finish (MwDevice *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- remove, rename, compile, format ---- */

static gboolean
parse_status (GTask *task, GBytes *reply)
{
  OpData *op = g_task_get_task_data (task);
  g_autofree char *text = reply_text (reply);

  MwBoardReply code;
  const char *msg;

  /* nothing, or "E<code>:<message>" for refusals the Lua side detected */
  if (mw_board_lua_parse_reply (text, &code, &msg))
    g_task_return_new_error (task, MW_DEVICE_ERROR, mw_device_error_from_reply (code), "%s%s%s",
                             op->shown ? op->shown : "", op->shown ? ": " : "", msg);

  else
    g_task_return_boolean (task, TRUE);
  return TRUE;
}

/* A refused rename names the file the refusal is about: the target when it exists. */
static gboolean
parse_rename (GTask *task, GBytes *reply)
{
  OpData *op = g_task_get_task_data (task);
  g_autofree char *text = reply_text (reply);
  MwBoardReply code;
  const char *msg;

  if (!mw_board_lua_parse_reply (text, &code, &msg))
    g_task_return_boolean (task, TRUE);
  else if (code == MW_BOARD_REPLY_EXISTS)
    g_task_return_new_error (task, MW_DEVICE_ERROR, mw_device_error_from_reply (code),
                             "%s: %s; cannot rename %s over it", op->target_shown, msg, op->shown);
  else if (code == MW_BOARD_REPLY_REFUSED)
    g_task_return_new_error (task, MW_DEVICE_ERROR, mw_device_error_from_reply (code),
                             "%s: the board could not rename %s to it", op->target_shown,
                             op->shown);
  else
    g_task_return_new_error (task, MW_DEVICE_ERROR, mw_device_error_from_reply (code), "%s: %s",
                             op->shown, msg);
  return TRUE;
}

void
mw_device_remove_async (MwDevice *self, const char *name, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_DEVICE (self));
  task = op_new (self, mw_device_remove_async, parse_status, cancellable, callback, user_data);
  if (!check_name_or_fail (task, name))
    return;
  op_set_names (task, name, NULL);
  op_run (self, task, mw_board_lua_remove (name));
}

void
mw_device_rename_async (MwDevice *self, const char *from, const char *to, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_DEVICE (self));
  task = op_new (self, mw_device_rename_async, parse_rename, cancellable, callback, user_data);
  if (!check_name_or_fail (task, from))
    return;
  if (!check_name_or_fail (g_object_ref (task), to))
    {
      g_object_unref (task);
      return;
    }
  op_set_names (task, from, to);
  op_run (self, task, mw_board_lua_rename (from, to));
}

void
mw_device_compile_async (MwDevice *self, const char *name, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_DEVICE (self));
  task = op_new (self, mw_device_compile_async, parse_status, cancellable, callback, user_data);
  if (!check_name_or_fail (task, name))
    return;
  op_set_names (task, name, NULL);
  if (!g_str_has_suffix (name, ".lua"))
    {
      /* node.compile only takes .lua names (docs/firmware.md section 2) */
      g_task_return_new_error (task, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME,
                               "%s: node.compile needs a name ending in .lua", name);
      g_object_unref (task);
      return;
    }
  op_run (self, task, mw_board_lua_compile (name));
}

void
mw_device_format_async (MwDevice *self, gboolean confirmed, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_DEVICE (self));
  task = op_new (self, mw_device_format_async, parse_status, cancellable, callback, user_data);
  if (!confirmed)
    {
      g_task_return_new_error (task, MW_DEVICE_ERROR, MW_DEVICE_ERROR_FAILED,
                               "formatting erases every file: it needs an explicit "
                               "confirmation");
      g_object_unref (task);
      return;
    }
  op_run (self, task, mw_board_lua_format ());
}

gboolean
mw_device_op_finish (MwDevice *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- run, exec ---- */

static void
on_exec_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GBytes *reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) g_bytes_unref);
}

void
mw_device_run_async (MwDevice *self, const char *name, guint timeout_ms, MwReplOutputFunc output,
                     gpointer output_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *task;
  g_autofree char *code = NULL;

  g_return_if_fail (MW_IS_DEVICE (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_device_run_async);
  if (!check_name_or_fail (task, name))
    return;
  code = mw_board_lua_run (name);
  mw_repl_execute_async (self->repl, code, timeout_ms, output, output_data, cancellable,
                         on_exec_done, task);
}

void
mw_device_exec_async (MwDevice *self, const char *code, guint timeout_ms, MwReplOutputFunc output,
                      gpointer output_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  GTask *task;
  g_autoptr (MwLuaTree) tree = NULL;
  const MwLuaDiagnostic *syntax;
  g_autofree char *loader = NULL;

  g_return_if_fail (MW_IS_DEVICE (self));
  g_return_if_fail (code != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_device_exec_async);
  /* Syntax errors are found here, with Lua's message, before the board is involved. */
  tree = mw_lua_tree_parse ("stdin", code, strlen (code), 0);
  if ((syntax = mw_lua_tree_get_error (tree)) != NULL)
    {
      g_autofree char *message = mw_lua_diagnostic_format (syntax, "stdin");

      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_LUA, "%s", message);
      g_object_unref (task);
      return;
    }
  /* The code travels as data and is loaded there as "stdin" (mw-board-lua.h). */
  loader = mw_board_lua_exec_loader (code);
  mw_repl_execute_async (self->repl, loader, timeout_ms, output, output_data, cancellable,
                         on_exec_done, task);
}

GBytes *
mw_device_exec_finish (MwDevice *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- heap, probe, checksum ---- */

static gboolean
parse_heap (GTask *task, GBytes *reply)
{
  g_autofree char *text = reply_text (reply);
  char *end = NULL;
  gint64 heap = g_ascii_strtoll (text, &end, 10);

  if (end == text || heap < 0)
    g_task_return_new_error (task, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL,
                             "garbled heap figure '%s'", text);
  else
    g_task_return_int (task, heap);
  return TRUE;
}

void
mw_device_heap_async (MwDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_return_if_fail (MW_IS_DEVICE (self));
  op_run (self, op_new (self, mw_device_heap_async, parse_heap, cancellable, callback, user_data),
          mw_board_lua_heap ());
}

gint64
mw_device_heap_finish (MwDevice *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
parse_probe (GTask *task, GBytes *reply)
{
  MwDevice *self = g_task_get_source_object (task);
  g_autofree char *text = reply_text (reply);
  MwBoardInfo *info = mw_repl_dup_banner_info (self->repl);

  if (info == NULL)
    info = mw_board_info_new ();
  mw_board_info_merge_probe (info, text);
  g_task_return_pointer (task, info, (GDestroyNotify) mw_board_info_free);
  return TRUE;
}

void
mw_device_probe_async (MwDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (MW_IS_DEVICE (self));
  op_run (self, op_new (self, mw_device_probe_async, parse_probe, cancellable, callback, user_data),
          mw_board_lua_probe ());
}

MwBoardInfo *
mw_device_probe_finish (MwDevice *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gint64 size;
  guint32 adler;
} Checksum;

static gboolean
parse_checksum (GTask *task, GBytes *reply)
{
  g_autofree char *text = reply_text (reply);
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  Checksum *sum = g_new0 (Checksum, 1);

  sum->size = g_ascii_strtoll (text, NULL, 10);
  if (sum->size >= 0 && g_strv_length (parts) == 3)
    sum->adler = (guint32) (strtoul (parts[2], NULL, 10) << 16) | strtoul (parts[1], NULL, 10);
  else if (sum->size >= 0)
    {
      g_free (sum);
      g_task_return_new_error (task, MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL,
                               "garbled checksum reply '%s'", text);
      return TRUE;
    }
  g_task_return_pointer (task, sum, g_free);
  return TRUE;
}

void
mw_device_checksum_async (MwDevice *self, const char *name, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_DEVICE (self));
  task = op_new (self, mw_device_checksum_async, parse_checksum, cancellable, callback, user_data);
  if (!check_name_or_fail (task, name))
    return;
  op_run (self, task, mw_board_lua_checksum (name));
}

gboolean
mw_device_checksum_finish (MwDevice *self, GAsyncResult *result, gint64 *size, guint32 *adler,
                           GError **error)
{
  g_autofree Checksum *sum = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  sum = g_task_propagate_pointer (G_TASK (result), error);
  if (sum == NULL)
    return FALSE;
  *size = sum->size;
  *adler = sum->adler;
  return TRUE;
}

GAsyncResult *
mw_device_wait (MwDevice *self, GAsyncResult **slot)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
  return *slot;
}

/* ---- object ---- */

MwDevice *
mw_device_new (MwRepl *repl)
{
  MwDevice *self;

  g_return_val_if_fail (MW_IS_REPL (repl), NULL);
  self = g_object_new (MW_TYPE_DEVICE, NULL);
  self->repl = g_object_ref (repl);
  return self;
}

MwRepl *
mw_device_get_repl (MwDevice *self)
{
  g_return_val_if_fail (MW_IS_DEVICE (self), NULL);
  return self->repl;
}

void
mw_device_set_timeout (MwDevice *self, guint timeout_ms)
{
  g_return_if_fail (MW_IS_DEVICE (self));
  self->timeout_ms = timeout_ms;
}

guint
mw_device_get_timeout (MwDevice *self)
{
  g_return_val_if_fail (MW_IS_DEVICE (self), 0);
  return self->timeout_ms;
}

static void
mw_device_finalize (GObject *object)
{
  g_clear_object (&MW_DEVICE (object)->repl);
  G_OBJECT_CLASS (mw_device_parent_class)->finalize (object);
}

static void
mw_device_class_init (MwDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mw_device_finalize;
}

static void
mw_device_init (MwDevice *self)
{
  self->timeout_ms = 5000;
}
