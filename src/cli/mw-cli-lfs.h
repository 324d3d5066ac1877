/* mw-cli-lfs.h: what the `lfs` subcommands share (mw-cli-lfs.c). */
#pragma once

#include <glib.h>

#include "mw-lua-lfs-image.h"

G_BEGIN_DECLS

/* The build time written into images: SOURCE_DATE_EPOCH when set, else now. */
gint64 mw_cli_lfs_timestamp (void);
/* A size in bytes: decimal, 0x hex, or with a K suffix. */
gboolean mw_cli_lfs_parse_size (const char *text, gsize *size);
/* Reads and compiles `files` into an image; prints the error and sets *status if it fails. */
MwLuaLfsImage *mw_cli_lfs_build_files (char **files, guint n_files, MwLuaNumberType target,
                                       gsize max_size, int *status);

/* `lfs flash` (in the board module). */
int mw_cli_lfs_flash (int argc, char **argv);

G_END_DECLS
