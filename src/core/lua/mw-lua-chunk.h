/* mw-lua-chunk.h: a model of a Lua 5.1 binary chunk (what lua_dump and luac write).
 *
 * MwLuaChunk reads any Lua 5.1 chunk whose header declares its sizes (the host's lua_dump,
 * NodeMCU float, NodeMCU integer: docs/firmware.md section 4) and writes it for any target format,
 * in the stock layout or the NodeMCU one (alignment padding, packed line info). Sizes come
 * from the header, never from the host's sizeof, so a 64-bit host reads 32-bit chunks.
 *
 * A chunk is immutable once built: operations that change it (strip) return a new chunk.
 */
#pragma once

#include <glib.h>

struct lua_State;

G_BEGIN_DECLS

#define MW_LUA_CHUNK_ERROR (mw_lua_chunk_error_quark ())
GQuark mw_lua_chunk_error_quark (void);

typedef enum
{
  MW_LUA_CHUNK_ERROR_HEADER = 1, /* not a Lua 5.1 chunk, or sizes we cannot handle */
  MW_LUA_CHUNK_ERROR_TRUNCATED, /* the bytes end inside the chunk */
  MW_LUA_CHUNK_ERROR_MALFORMED, /* a count, type or padding byte that cannot be right */
  MW_LUA_CHUNK_ERROR_SYNTAX, /* the source does not compile (Lua's message) */
  MW_LUA_CHUNK_ERROR_NUMBER, /* a number the target format cannot hold */
  MW_LUA_CHUNK_ERROR_RANGE, /* a count or length too big for the target's sizes */
} MwLuaChunkError;

typedef enum
{
  MW_LUA_CHUNK_LAYOUT_STOCK, /* lua_dump / luac of Lua 5.1 */
  MW_LUA_CHUNK_LAYOUT_NODEMCU, /* luac.cross and the firmware: padding, packed line info */
} MwLuaChunkLayout;

/* What a chunk's header declares, plus the layout (which the header does not say). */
typedef struct
{
  MwLuaChunkLayout layout;
  gboolean little_endian;
  guint8 sizeof_int; /* counts and line numbers */
  guint8 sizeof_size; /* string lengths (size_t in stock Lua) */
  guint8 sizeof_instruction; /* always 4 in practice */
  guint8 sizeof_number; /* lua_Number */
  gboolean integral; /* lua_Number is an integer type */
} MwLuaChunkFormat;

/* The firmware's formats (docs/firmware.md section 4) and the host's own (what lua_dump writes). */
extern const MwLuaChunkFormat mw_lua_chunk_format_nodemcu_float;
extern const MwLuaChunkFormat mw_lua_chunk_format_nodemcu_integer;
const MwLuaChunkFormat *mw_lua_chunk_format_host (void);

gboolean mw_lua_chunk_format_equal (const MwLuaChunkFormat *a, const MwLuaChunkFormat *b);
/* "NodeMCU float", "NodeMCU integer", "Lua 5.1 (little endian, int 4, size_t 8, ...)" */
char *mw_lua_chunk_format_describe (const MwLuaChunkFormat *format);

/* A counted string as in a chunk: data NULL means "no string" (length 0 on disk), which
 * differs from the empty string. data is NUL-terminated for convenience. */
typedef struct
{
  char *data;
  gsize len;
} MwLuaString;

typedef enum
{
  MW_LUA_CONSTANT_NIL = 0, /* values are Lua's type tags */
  MW_LUA_CONSTANT_BOOLEAN = 1,
  MW_LUA_CONSTANT_NUMBER = 3,
  MW_LUA_CONSTANT_STRING = 4,
} MwLuaConstantType;

typedef struct
{
  MwLuaConstantType type;
  gboolean boolean;
  double number;
  MwLuaString string;
} MwLuaConstant;

typedef struct
{
  MwLuaString name;
  gint32 startpc;
  gint32 endpc;
} MwLuaLocVar;

typedef struct _MwLuaProto MwLuaProto;

/* One function prototype. Instructions are held in host order; line info one line per
 * instruction (n_lineinfo is 0 or n_code), however the file stored it.
 *
 * line_groups, when not NULL, says how the firmware's compiler grouped the line info it
 * packs (docs/firmware.md section 8): n_line_groups groups of consecutive instructions on one
 * line, line_groups[i] instructions each (1 to 126), covering n_lineinfo in order. The code
 * generator sets it; NULL means the fewest groups (a new one where the line changes or a
 * group is full), which is what a writer uses when the groups do not match the lines. */
struct _MwLuaProto
{
  MwLuaString source; /* data NULL: same as the enclosing function's, or stripped */
  gint32 linedefined;
  gint32 lastlinedefined;
  guint8 nups;
  guint8 numparams;
  guint8 is_vararg;
  guint8 maxstacksize;
  guint32 *code;
  guint n_code;
  MwLuaConstant *constants;
  guint n_constants;
  MwLuaProto **protos;
  guint n_protos;
  gint32 *lineinfo;
  guint n_lineinfo;
  guint8 *line_groups;
  guint n_line_groups;
  MwLuaLocVar *locvars;
  guint n_locvars;
  MwLuaString *upvalues;
  guint n_upvalues;
  /* TRUE (the code generator's prototypes): code, lineinfo, line_groups, constants, the
   * protos array and the constant strings share one allocation with the prototype itself,
   * freed with it; locvars, upvalues and source are allocated each as usual */
  gboolean packed;
};

typedef struct _MwLuaChunk MwLuaChunk;

/* Reads a chunk of any Lua 5.1 format. A header of 32-bit sizes is tried in the NodeMCU
 * layout first and in the stock one if that fails (the header alone cannot tell them
 * apart). Bad input fails with an error naming the byte offset. */
MwLuaChunk *mw_lua_chunk_new_from_bytes (const guint8 *data, gsize len, GError **error);
/* Compiles Lua source with the host's liblua5.1 (luaL_loadbuffer, lua_dump) in a private
 * lua_State. chunkname as for luaL_loadbuffer ("@file.lua", "=stdin"); a syntax error fails
 * with MW_LUA_CHUNK_ERROR_SYNTAX and Lua's message. */
MwLuaChunk *mw_lua_chunk_new_from_source (const char *chunkname, const char *source, gsize len,
                                          GError **error);

/* A chunk of `main`, which it takes: a tree of prototypes allocated with GLib (g_malloc and
 * friends), each array as the fields say, strings NUL-terminated. */
MwLuaChunk *mw_lua_chunk_new_take (const MwLuaChunkFormat *format, MwLuaProto *main);

/* Frees a prototype tree built for mw_lua_chunk_new_take and not handed to it. */
void mw_lua_proto_free (MwLuaProto *function);

MwLuaChunk *mw_lua_chunk_ref (MwLuaChunk *chunk);
void mw_lua_chunk_unref (MwLuaChunk *chunk);

/* The format the chunk was read in (the host's for chunks compiled from source). */
const MwLuaChunkFormat *mw_lua_chunk_get_format (MwLuaChunk *chunk);
const MwLuaProto *mw_lua_chunk_get_main (MwLuaChunk *chunk);

/* Strip levels as node.stripdebug: 1 keeps everything, 2 drops local and upvalue names,
 * 3 also drops line info and source names (luac -s). Returns a new chunk. */
MwLuaChunk *mw_lua_chunk_strip (MwLuaChunk *chunk, int level);

/* Writes the chunk in `format`. Fails when a number or count does not fit the format (a
 * fractional constant for an integral target: MW_LUA_CHUNK_ERROR_NUMBER). */
GBytes *mw_lua_chunk_dump (MwLuaChunk *chunk, const MwLuaChunkFormat *format, GError **error);

/* mw_lua_chunk_dump of mw_lua_chunk_strip (chunk, level), without the copy. */
GBytes *mw_lua_chunk_dump_stripped (MwLuaChunk *chunk, const MwLuaChunkFormat *format, int level,
                                    GError **error);

typedef enum
{
  MW_LUA_CHUNK_COMPARE_ALL = 0,
  /* line info, local and upvalue names, source names */
  MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG = 1 << 0,
  /* each function's linedefined and lastlinedefined */
  MW_LUA_CHUNK_COMPARE_IGNORE_LINES_DEFINED = 1 << 1,
} MwLuaChunkCompareFlags;

/* Compares two chunks' function trees (not their formats, nor how line info is grouped:
 * line_groups change the bytes, not the lines). On a mismatch, returns FALSE and,
 * if asked, describes the first differing function in *difference, e.g. "function at line
 * 12 (3rd function): constant 4 differs". */
gboolean mw_lua_chunk_equal (MwLuaChunk *a, MwLuaChunk *b, MwLuaChunkCompareFlags flags,
                             char **difference);

/* Loads a chunk into L as lua_load does (the function or an error message on the stack,
 * the same return codes): NodeMCU float or integer bytecode, host bytecode, or source text.
 * Bytecode is converted to the host's format first, so the simulator's dofile("x.lc") runs
 * what a board would. Source text is loaded as dofile loads a file: a first line starting
 * with '#' is skipped (its line still counts). `name` is the chunk name ("@x.lua"). */
int mw_lua_chunk_load (struct lua_State *L, const char *bytes, gsize len, const char *name);

/* The size in bytes of `function`'s line info packed as NodeMCU stores it, with its NUL (0
 * without line info): what the firmware allocates for it on load. */
gsize mw_lua_proto_packed_lineinfo_size (const MwLuaProto *function);

/* `function`'s line info packed as NodeMCU stores it, with its NUL (NULL without line info,
 * *length 0): the bytes a NodeMCU .lc holds for it. */
guint8 *mw_lua_proto_pack_lineinfo (const MwLuaProto *function, gsize *length);

/* The number of functions in a tree: `function` and every function nested in it. */
guint mw_lua_proto_count (const MwLuaProto *function);

/* For other formats over the same prototypes (the LFS image). */

/* Replaces `function`'s line info (one line per instruction, n_code of them) and its groups
 * with those of `packed`, line info as the firmware stores it (its NUL included in len). */
gboolean mw_lua_proto_unpack_lineinfo (MwLuaProto *function, const guint8 *packed, gsize len,
                                       GError **error);
/* A deep copy of a function tree. */
MwLuaProto *mw_lua_proto_copy (const MwLuaProto *function);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwLuaChunk, mw_lua_chunk_unref)

G_END_DECLS
