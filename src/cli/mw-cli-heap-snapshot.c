/* mw-cli-heap-snapshot.c: heap snapshots from the command line (docs/heap-explorer.md). */
#include "mw-config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "mw-cli-commands.h"
#include "mw-cli-heap-snapshot.h"
#include "mw-board.h"
#include "mw-heap-walker.h"

#define TOP_DEFAULT 15

void
mw_cli_heap_snapshot_add_options (GOptionContext *context, MwCliHeapSnapshotOptions *options)
{
  const GOptionEntry entries[] = {
    { "snapshot", 0, 0, G_OPTION_ARG_NONE, &options->snapshot,
      "Walk the board's Lua heap: objects, retained sizes, root paths", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options->output,
      "Save the snapshot as JSON to FILE", "FILE" },
    { "top", 0, 0, G_OPTION_ARG_INT, &options->top,
      "The N largest retainers as a tree (of FILE, or of a new snapshot)", "N" },
    { "diff", 0, 0, G_OPTION_ARG_NONE, &options->diff,
      "Compare two snapshot files A B: what appeared, grew, shrank, went", NULL },
    { NULL }
  };
  GOptionGroup *group =
    g_option_group_new ("snapshot", "Heap snapshots:", "Show heap snapshot options", NULL, NULL);

  g_option_group_add_entries (group, entries);
  g_option_context_add_group (context, group);
}

gboolean
mw_cli_heap_snapshot_wanted (const MwCliHeapSnapshotOptions *options)
{
  return options->snapshot || options->top != 0 || options->diff || options->output != NULL;
}

void
mw_cli_heap_snapshot_options_clear (MwCliHeapSnapshotOptions *options)
{
  g_clear_pointer (&options->output, g_free);
}

static void
print_summary (MwHeapSnapshot *s)
{
  gsize total = mw_heap_snapshot_get_total (s);

  printf ("%u objects, %zu bytes reached from _G and the registry (%s build)\n",
          mw_heap_snapshot_get_n_objects (s) - 1, total,
          s->number_type == MW_LUA_TARGET_INTEGER ? "integer" : "float");
  printf ("the board: %" G_GINT64_FORMAT " bytes free, %" G_GINT64_FORMAT
          " bytes counted by Lua; %+" G_GINT64_FORMAT
          " bytes not reached (the VM's own: string table, stacks, buffers)\n",
          s->heap_free, s->lua_used, s->lua_used - (gint64) total);
  if (!s->upvalues)
    printf ("upvalues: not followed (the firmware's debug library has no getupvalue); what "
            "only an upvalue holds is not reached\n");
  if (s->vanished > 0)
    printf ("%u objects changed while they were walked\n", s->vanished);
  printf ("walk: %u requests, %u bytes received in %.1f s; the walker's peak: %" G_GINT64_FORMAT
          " bytes of heap\n",
          s->requests, s->bytes_received, s->seconds, s->walker_peak);
}

static int
report (const char *what, const GError *error, int code)
{
  g_printerr ("moonwire-cli heap: %s%s\n", what, error->message);
  return code;
}

static char *
diff_to_json (GPtrArray *diff)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < diff->len; i++)
    {
      MwHeapDiffEntry *e = diff->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, e->path);
      json_builder_set_member_name (b, "bytes_a");
      json_builder_add_int_value (b, e->bytes_a);
      json_builder_set_member_name (b, "bytes_b");
      json_builder_add_int_value (b, e->bytes_b);
      json_builder_set_member_name (b, "count_a");
      json_builder_add_int_value (b, e->count_a);
      json_builder_set_member_name (b, "count_b");
      json_builder_add_int_value (b, e->count_b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static int
run_diff (MwCliDeviceOptions *device, int argc, char **argv)
{
  g_autoptr (MwHeapSnapshot) a = NULL;
  g_autoptr (MwHeapSnapshot) b = NULL;
  g_autoptr (GPtrArray) diff = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (argc != 3)
    {
      g_printerr ("moonwire-cli heap: --diff takes two snapshot files, A.json B.json\n");
      return MW_EXIT_USAGE;
    }
  if ((a = mw_heap_snapshot_load (argv[1], &error)) == NULL
      || (b = mw_heap_snapshot_load (argv[2], &error)) == NULL)
    return report ("", error, MW_EXIT_IO);
  diff = mw_heap_snapshot_diff (a, b);
  text = device->json ? diff_to_json (diff) : mw_heap_diff_format (diff, 40);
  printf ("%s%s", text, device->json ? "\n" : "");
  return MW_EXIT_OK;
}

static void
on_progress (guint objects, guint pending, gpointer user_data)
{
  MwCliConnection *conn = user_data;

  if (conn->tty)
    g_printerr ("\rwalking the heap: %u objects, %u to go   ", objects, pending);
}

int
mw_cli_heap_snapshot_run (MwCliHeapSnapshotOptions *options, MwCliDeviceOptions *device, int argc,
                          char **argv)
{
  g_autoptr (MwHeapSnapshot) s = NULL;
  g_autoptr (GError) error = NULL;
  int status = MW_EXIT_OK;

  if (options->top < 0)
    {
      g_printerr ("moonwire-cli heap: --top must be a positive number\n");
      return MW_EXIT_USAGE;
    }
  if (options->diff)
    return run_diff (device, argc, argv);
  if (argc > 2 || (argc == 2 && options->snapshot))
    {
      g_printerr (
        "moonwire-cli heap: a snapshot FILE goes with --top alone (use -o to save one)\n");
      return MW_EXIT_USAGE;
    }
  if (argc == 2)
    {
      if ((s = mw_heap_snapshot_load (argv[1], &error)) == NULL)
        return report ("", error, MW_EXIT_IO);
    }
  else
    {
      g_autoptr (MwCliConnection) conn = NULL;
      g_autoptr (GAsyncResult) result = NULL;

      if ((conn = mw_cli_connect ("heap", device, &status)) == NULL)
        return status;
      mw_board_heap_snapshot_async (conn->board, on_progress, conn, conn->cancellable,
                                    mw_cli_store_result, &result);
      s = mw_board_heap_snapshot_finish (conn->board, mw_cli_wait (conn, &result), &error);
      if (conn->tty)
        g_printerr ("\r\033[K");
      if (s == NULL)
        return mw_cli_report_error ("heap", error);
      if (options->output != NULL && !mw_heap_snapshot_save (s, options->output, &error))
        return report ("", error, MW_EXIT_IO);
    }
  if (device->json)
    {
      g_autofree char *json = mw_heap_snapshot_to_json (s);

      printf ("%s\n", json);
      return MW_EXIT_OK;
    }
  {
    g_autofree char *top =
      mw_heap_snapshot_format_top (s, options->top > 0 ? options->top : TOP_DEFAULT);

    if (argc != 2)
      print_summary (s);
    if (options->output != NULL)
      printf ("saved to %s\n", options->output);
    printf ("%s", top);
  }
  return MW_EXIT_OK;
}
