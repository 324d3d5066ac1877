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
      mw_upload_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 "cancelled; the file on the board was not "
                                                 "replaced"));
      return;
    }
  if (reply == NULL)
    {
      if (strstr (error->message, "E6:") != NULL)
        {
          mw_upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL,
                                             "%s: the board's file system is full (a write failed "
                                             "after %zu of %zu bytes); the old file is unchanged",
                                             up->name, up->text_pos, up->len));
          g_error_free (error);
        }
      else if (strstr (error->message, "E4:") != NULL)
        {
          mw_upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_VERIFY,
                                             "%s: %s; the old file is unchanged", up->name,
                                             strstr (error->message, "E4:") + 3));
          g_error_free (error);
        }
      else
        mw_upload_fail (task, error);
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
  text_next (task);
}

static void
text_next (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  g_autoptr (GString) code = g_string_new (NULL);

  if (up->text_pos < up->len)
    {
      g_string_append (code, "if not _mwu.f:write(");
      up->text_pos += mw_lua_quote_prefix (up->bytes + up->text_pos, up->len - up->text_pos,
                                           MW_UPLOAD_TEXT_LITERAL_MAX, code);
      g_string_append (code, ") then _mwu.f:close() file.remove(_mwu.T) error('E6:full') end");
    }
  else
    {
      g_autofree char *d = mw_lua_quote_str (up->name);

      /* verify on the board, then rename over the target */
      g_string_append_printf (
        code,
        "local u=_mwu _mwu=nil u.f:close() local f=file.open(u.T,'r') local a,b,n=1,0,0\n"
        "while true do local s=f:read(255) if not s then break end n=n+#s\n"
        "for i=1,#s do a=a+s:byte(i) b=b+a end a,b=a%%65521,b%%65521 end f:close()\n"
        "if n~=%u or a~=%u or b~=%u then file.remove(u.T) error('E4:verification failed: '"
        "..n..' bytes, '..a..','..b) end\n"
        "file.remove(%s) if not file.rename(u.T,%s) then error('rename failed') end",
        (guint) up->len, up->file_a, up->file_b, d, d);
      up->text_pos = up->len + 1;
    }
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, code->str, 5000, NULL, on_text_step, g_object_ref (task));
}

void
mw_upload_start_text (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  g_autofree char *t = mw_lua_quote_str (MW_UPLOAD_TEMP_NAME);
  g_autofree char *code = g_strdup_printf (
    "file.remove(%s) local r=file.fsinfo() if r<%u then error('E6:not enough space') end\n"
    "_mwu={T=%s} _mwu.f=file.open(%s,'w') if not _mwu.f then error('cannot create '..%s) end",
    t, (guint) up->len, t, t, t);

  up->step = MW_UPLOAD_STEP_TEXT;
  up->stats.text = TRUE;
  up->text_pos = 0;
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, code, 5000, NULL, on_text_step, g_object_ref (task));
}
