/* mw-lua-chunk-private.h: what the chunk model, its reader and its writer share. */
#pragma once

#include "mw-lua-chunk.h"

G_BEGIN_DECLS

#define HEADER_SIZE 12
/* Lua's own limit on nested C calls, which bounds how deep a real chunk's functions nest;
 * deeper input is malformed, and the limit keeps hostile input off the C stack. */
#define MAX_DEPTH 200

/* Packed line info (docs/firmware.md section 4). */
#define INFO_DELTA 0x80
#define INFO_SIGN 0x40
#define INFO_FILL 0x7f
#define INFO_MAX_COUNT 126

struct _MwLuaChunk
{
  gatomicrefcount ref;
  MwLuaChunkFormat format;
  MwLuaProto *main;
};

/* Reads the 12-byte header into `format` (its layout left to the caller). */
gboolean mw_lua_chunk_parse_header (const guint8 *data, gsize len, MwLuaChunkFormat *format,
                                    GError **error);

/* Reads a whole chunk of `format`, header included. */
MwLuaChunk *mw_lua_chunk_read (const guint8 *data, gsize len, const MwLuaChunkFormat *format,
                               GError **error);

G_END_DECLS
