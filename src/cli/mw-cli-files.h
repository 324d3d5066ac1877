/* mw-cli-files.h: how moonwire-cli reads its inputs and writes its outputs.
 *
 * Inputs are read with a size limit, so `/dev/zero`, a FIFO or a huge file ends in a clear
 * error instead of eating the machine's memory. Outputs never destroy what is at the target:
 * a device node, a FIFO or a terminal is written through, a symlink is followed (the file it
 * names is replaced, the link stays), a file with several hard links is rewritten in place
 * (the links stay one file), and only a plain file is replaced atomically. Errors are in
 * G_FILE_ERROR (exit code 3).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lua source for the parser, minifier, linter, compiler and RAM estimate: far above any
 * program a board with ~44 KB of heap can load, and the front end needs ~100x the input's
 * size in memory. */
#define MW_CLI_MAX_SOURCE (4 * 1024 * 1024)
/* Anything uploaded: the ESP8266's largest flash chip is 16 MB. */
#define MW_CLI_MAX_UPLOAD (16 * 1024 * 1024)

/* Reads `path` into a NUL-terminated buffer, failing with G_FILE_ERROR_FAILED once more than
 * `max` bytes come (read no further) and naming `what` the limit is for. */
gboolean mw_cli_read_file (const char *path, gsize max, const char *what, char **contents,
                           gsize *length, GError **error);

/* Writes `data` to `path` as described above. `mode` is for a file that does not exist yet
 * (-1: 0666 less the umask); an existing file keeps its own. */
gboolean mw_cli_write_file (const char *path, const void *data, gsize len, int mode,
                            GError **error);

/* Flushes standard output; on failure prints "moonwire-cli COMMAND: cannot write to standard
 * output: REASON" (once per process) and returns FALSE. */
gboolean mw_cli_flush_stdout (const char *command);

G_END_DECLS
