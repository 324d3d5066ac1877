/* mw-upload-text.c: the escaped-literal fallback of uploads, for firmware without raw
 * uart.on. */
#include "mw-config.h"

#include "mw-upload-private.h"

#include <string.h>

/* ---- the escaped-literal fallback ---- */

static void text_next (GTask *task);

static void
on_text_step (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (up->step != MW_UPLOAD_STEP_TEXT)
    {
      g_clear_error (&error);
      return;
    }
  if (g_task_get_cancellable (task) != NULL
      && g_cancellable_is_cancelled (g_task_get_cancellable (task)) && up->text_pos <= up->len)
    {
      g_clear_error (&error);
      mw_upload_fail (task, mw_upload_stop_error (up));
      return;
    }
  if (reply == NULL)
    {
      MwBoardReply code;
      const char *message;

      if (g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA)
          && mw_board_lua_parse_reply (error->message, &code, &message))
        mw_upload_fail_reply (task, code, message, MIN (up->text_pos, up->len));
      else
        mw_upload_fail (task, g_steal_pointer (&error));
      g_clear_error (&error);
      return;
    }
  if (up->text_pos > up->len)
    {
      /* the finishing command succeeded */
      up->confirmed = up->n_blocks;
      up->stats.blocks = up->n_blocks;
      up->confirmed = up->n_blocks;
      mw_upload_report_progress (up);
      mw_upload_succeed (task);
      return;
    }
  if (up->progress)
    up->progress (up->text_pos, up->len, up->progress_data);
  mw_upload_note_progress (task);
  text_next (task);
}

static void
text_next (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  g_autoptr (GString) code = g_string_new (NULL);

  if (up->text_pos < up->len)
    up->text_pos += mw_board_lua_text_write (code, up->bytes + up->text_pos, up->len - up->text_pos,
                                             MW_UPLOAD_TEXT_LITERAL_MAX);
  else
    {
      /* verify on the board, then rename over the target */
      g_autofree char *finish =
        mw_board_lua_text_finish (up->name, up->len, up->file_a, up->file_b);

      g_string_append (code, finish);
      up->text_pos = up->len + 1;
    }
  up->busy_exec = TRUE;
  /* the finish re-reads the whole file on the board: ~1 s per 20 KB */
  mw_repl_locked_execute_async (up->repl, code->str,
                                up->timeout_ms + (up->text_pos > up->len ? up->len / 20 : 0), NULL,
                                on_text_step, g_object_ref (task));
}

void
mw_upload_start_text (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  g_autofree char *code = mw_board_lua_text_open (MW_UPLOAD_TEMP_NAME, up->len);

  up->step = MW_UPLOAD_STEP_TEXT;
  up->stats.text = TRUE;
  up->text_pos = 0;
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, code, up->timeout_ms, NULL, on_text_step,
                                g_object_ref (task));
}
