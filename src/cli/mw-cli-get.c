/* mw-cli-get.c: `moonwire-cli get NAME... [-o DIR|FILE]`: download board files. */
#include "mw-config.h"

#include <stdio.h>
#include <string.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"
#include "mw-cli-files.h"

/* A board name is data from the board, not a host path: it becomes a path under `dir` only
 * if it stays there. A name with '/' (a board's notion of folders) makes the folders. */
static char *
local_path (const char *dir, const char *name, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (name, "/", -1);
  const char *why = NULL;

  for (const guchar *p = (const guchar *) name; *p && why == NULL; p++)
    if (*p < 0x20 || *p == 0x7f)
      why = "it holds control characters";
  if (why == NULL && name[0] == '/')
    why = "it is an absolute path";
  for (guint i = 0; parts[i] != NULL && why == NULL; i++)
    if (strcmp (parts[i], "..") == 0)
      why = "it climbs out with '..'";
    else if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
      why = "it has an empty or '.' part";
  if (why != NULL)
    {
      g_autofree char *shown = mw_cli_printable_name (name);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "board name '%s' is not a safe local file name (%s); give -o FILE to save "
                   "it under another name",
                   shown, why);
      return NULL;
    }
  return dir ? g_build_filename (dir, name, NULL) : g_strdup (name);
}

int
mw_cli_get (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Where to write (a folder, or a file name for one NAME); default: here", "PATH" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("NAME...");
  g_autoptr (MwCliConnection) conn = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Downloads board files (binary-safe).");
  mw_cli_device_add_options (context, &options);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (argc < 2)
    {
      g_printerr ("moonwire-cli get: no file names given\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((conn = mw_cli_connect ("get", &options, &status)) == NULL)
    goto out;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) data = NULL;
      g_autofree char *dest = NULL;

      mw_device_read_file_async (conn->device, argv[i], conn->cancellable, mw_cli_store_result,
                                 &result);
      data = mw_device_read_file_finish (conn->device, mw_cli_wait (conn, &result), &error);
      if (data == NULL)
        {
          mw_cli_note_error ("get", error, &status);
          if (status == MW_EXIT_CANCELLED)
            break;
          continue;
        }
      if (output != NULL && argc == 2 && !g_file_test (output, G_FILE_TEST_IS_DIR))
        dest = g_strdup (output); /* the user named the file */
      else
        dest = local_path (output, argv[i], &error);
      if (dest != NULL && strchr (argv[i], '/') != NULL)
        {
          g_autofree char *parent = g_path_get_dirname (dest);

          g_mkdir_with_parents (parent, 0777);
        }
      if (dest == NULL
          || !mw_cli_write_file (dest, g_bytes_get_data (data, NULL), g_bytes_get_size (data), -1,
                                 &error))
        mw_cli_note_error ("get", error, &status);
      else if (!options.json)
        {
          g_autofree char *shown = mw_cli_printable_name (argv[i]);

          printf ("%s -> %s (%zu byte%s)\n", shown, dest, g_bytes_get_size (data),
                  g_bytes_get_size (data) == 1 ? "" : "s");
        }
    }
out:
  mw_cli_device_options_clear (&options);
  return status;
}
