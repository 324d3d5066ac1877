/* mw-cli-heap-snapshot.h: `moonwire-cli heap --snapshot [-o FILE]`, `--top N [FILE]` and
 * `--diff A B` (docs/heap-explorer.md); `heap` adds these options and hands over to them. */
#pragma once

#include "mw-cli-device.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean snapshot;
  char *output;
  int top;
  gboolean diff;
} MwCliHeapSnapshotOptions;

void mw_cli_heap_snapshot_add_options (GOptionContext *context, MwCliHeapSnapshotOptions *options);
/* Whether the options ask for a snapshot, the largest retainers or a comparison. */
gboolean mw_cli_heap_snapshot_wanted (const MwCliHeapSnapshotOptions *options);
/* Runs it; `argv` holds the files left after option parsing (argv[0] is the program). */
int mw_cli_heap_snapshot_run (MwCliHeapSnapshotOptions *options, MwCliDeviceOptions *device,
                              int argc, char **argv);
void mw_cli_heap_snapshot_options_clear (MwCliHeapSnapshotOptions *options);

G_END_DECLS
