/* mw-cli-put.c: `moonwire-cli put FILE...`: verified uploads (docs/upload-protocol.md). */
#include "mw-config.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mw-cli-commands.h"
#include "mw-cli-files.h"
#include "mw-cli-device.h"
#include "mw-cli-pipeline.h"

typedef struct
{
  MwCliConnection *conn;
  const char *label;
  gint64 start;
} Progress;

static void
on_progress (gsize done, gsize total, gpointer user_data)
{
  Progress *p = user_data;

  mw_cli_progress (p->conn, p->label, done, total, p->start);
}

/* Arguments with glob characters are expanded here too (for shells that pass them on). */
static GPtrArray *
expand (int argc, char **argv)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    {
      glob_t g;

      if (strpbrk (argv[i], "*?[") != NULL && glob (argv[i], 0, NULL, &g) == 0)
        {
          for (gsize k = 0; k < g.gl_pathc; k++)
            g_ptr_array_add (files, g_strdup (g.gl_pathv[k]));
          globfree (&g);
        }
      else
        g_ptr_array_add (files, g_strdup (argv[i]));
    }
  return files;
}

int
mw_cli_put (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  MwBoardUploadOptions upload = { 0 };
  g_autofree char *target = NULL;
  g_autofree char *as = NULL;
  gboolean fast = FALSE;
  gboolean text = FALSE;
  int fast_baud = 921600;
  const GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &as, "Name on the board (one FILE only)", "NAME" },
    { "fast", 'f', 0, G_OPTION_ARG_NONE, &fast,
      "Switch to a faster baud for the transfer (falls back by itself)", NULL },
    { "fast-baud", 0, 0, G_OPTION_ARG_INT, &fast_baud, "The rate for --fast (921600)", "BAUD" },
    { "text", 0, 0, G_OPTION_ARG_NONE, &text,
      "Use the escaped-literal protocol (for firmware without raw uart.on)", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE...");
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (JsonBuilder) json = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (
    context,
    "Uploads files (and glob patterns) to the board under their base names. Each file goes "
    "to a temporary name, every write is checked, size and checksum are verified on the "
    "board, and only then is it renamed over the old file: an interrupted or failed upload "
    "leaves the old file as it was.\n\n"
    "On the way, .lua files can be linted (--lint), minified (--minify) and compiled to "
    "NodeMCU bytecode for the board's number type (--compile, --strip): x.lua then goes to "
    "the board as x.lc.");
  mw_cli_device_add_options (context, &options);
  g_option_context_add_main_entries (context, entries, NULL);
  mw_cli_pipeline_add_options (context, &upload, &target);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  {
    g_autoptr (GError) error = NULL;
    if (!mw_cli_pipeline_check (&upload, target, &options, &error))
      {
        g_printerr ("moonwire-cli put: %s\n", error->message);
        status = MW_EXIT_USAGE;
        goto out;
      }
  }
  files = expand (argc, argv);
  if (files->len == 0 || (as != NULL && files->len != 1))
    {
      g_printerr ("moonwire-cli put: %s\n",
                  files->len == 0 ? "no files given" : "--as takes exactly one FILE");
      status = MW_EXIT_USAGE;
      goto out;
    }
  /* names first: a bad one stops everything before the board is touched */
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *base = g_path_get_basename (files->pdata[i]);
      g_autoptr (GError) error = NULL;

      if (!mw_lua_check_file_name (as ? as : base, &error))
        {
          status = mw_cli_report_error ("put", error);
          goto out;
        }
    }
  if ((conn = mw_cli_connect ("put", &options, &status)) == NULL)
    goto out;
  upload.flags = (fast ? MW_UPLOAD_FAST : 0) | (text ? MW_UPLOAD_TEXT : 0);
  upload.fast_baud = fast_baud;
  json = json_builder_new ();
  json_builder_begin_array (json);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *base = g_path_get_basename (path);
      const char *source_name = as ? as : base;
      const char *name;
      g_autoptr (GError) error = NULL;
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GBytes) data = NULL;
      g_autofree char *contents = NULL;
      gsize len = 0;
      g_auto (MwBoardUploadResult) done = { 0 };
      MwUploadStats stats;
      Progress progress = { conn, source_name, g_get_monotonic_time () };

      if (!mw_cli_read_file (path, MW_CLI_MAX_UPLOAD, "an upload", &contents, &len, &error))
        {
          mw_cli_note_error ("put", error, &status);
          continue;
        }
      data = g_bytes_new_take (g_steal_pointer (&contents), len);
      /* the pipeline (on a worker thread), the verified transfer, the source's removal */
      mw_board_upload_async (conn->board, source_name, data, &upload, on_progress, &progress,
                             conn->cancellable, mw_cli_store_result, &result);
      if (!mw_board_upload_finish (conn->board, mw_cli_wait (conn, &result), &done, &error))
        {
          if (done.board_name == NULL)
            {
              /* the pipeline refused the file: nothing went to the board */
              g_prefix_error (&error, "%s: ", path);
              mw_cli_note_error ("put", error, &status);
              continue;
            }
          if (conn->tty)
            fputc ('\n', stderr);
          mw_cli_note_error ("put", error, &status);
          if (status == MW_EXIT_CANCELLED || status == MW_EXIT_CONNECTION)
            break;
          continue;
        }
      name = done.board_name;
      stats = done.stats;
      mw_cli_progress (conn, name, stats.bytes, stats.bytes, progress.start);
      if (options.json)
        {
          json_builder_begin_object (json);
          mw_cli_json_member_string (json, "name", name);
          mw_cli_json_member_int (json, "bytes", stats.bytes);
          mw_cli_json_member_double (json, "seconds", stats.seconds);
          /* rounded as printf's %.0f rounds (to even, in the default rounding mode) */
          mw_cli_json_member_int (
            json, "bytes_per_second",
            (gint64) nearbyint (stats.seconds > 0 ? stats.bytes / stats.seconds : 0.0));
          mw_cli_json_member_int (json, "baud", stats.baud);
          mw_cli_json_member_boolean (json, "fast", stats.fast);
          mw_cli_json_member_boolean (json, "text", stats.text);
          mw_cli_json_member_int (json, "retries", stats.retries);
          mw_cli_json_member_int (json, "recoveries", stats.recoveries);
          json_builder_end_object (json);
        }
      else
        {
          g_autofree char *shown = mw_cli_printable_name (name);

          printf ("%s -> %s: %zu byte%s verified in %.2f s (%.0f B/s%s%s)\n", path, shown,
                  stats.bytes, stats.bytes == 1 ? "" : "s", stats.seconds,
                  stats.seconds > 0 ? stats.bytes / stats.seconds : 0.0, stats.fast ? ", fast" : "",
                  stats.text ? ", text protocol" : "");
        }
    }
  json_builder_end_array (json);
  if (options.json)
    mw_cli_json_print (json, NULL);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
