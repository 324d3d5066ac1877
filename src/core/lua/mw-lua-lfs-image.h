/* mw-lua-lfs-image.h: the Lua Flash Store image, what `luac.cross -f` writes and
 * node.LFS.reload() loads (docs/firmware.md section 9).
 *
 * Another output format for the prototypes of MwLuaChunk: the flash header, the read-only
 * string table, every prototype laid out as the ESP8266's 32-bit structures, the relocation
 * bitmap of the position-independent format, gzip-compressed. An image is immutable; it is
 * built from prototypes or sources, or read back from an image file.
 */
#pragma once

#include <glib.h>

#include "mw-lua-chunk.h"
#include "mw-lua-compiler.h"
#include "mw-lua-ram.h"

G_BEGIN_DECLS

#define MW_LUA_LFS_ERROR (mw_lua_lfs_error_quark ())
GQuark mw_lua_lfs_error_quark (void);

typedef enum
{
  MW_LUA_LFS_ERROR_COMPILE = 1, /* a file does not compile, or has a number the target lacks */
  MW_LUA_LFS_ERROR_MODULES, /* no module, two with one name, or more than 50 */
  MW_LUA_LFS_ERROR_TOO_BIG, /* the image is bigger than the size allowed */
  MW_LUA_LFS_ERROR_IMAGE, /* not an LFS image, or a damaged one */
} MwLuaLfsError;

/* The index function's constants are set by one SETLIST (luac.cross's limit). */
#define MW_LUA_LFS_MAX_MODULES 50
/* luac.cross's default -m: the largest image it writes unless told otherwise. */
#define MW_LUA_LFS_DEFAULT_MAX_SIZE 0x40000

/* The flash signature: a fixed pattern, the format version, and the build's number type. */
#define MW_LUA_LFS_SIG_FLOAT 0xfafaa154u
#define MW_LUA_LFS_SIG_INTEGER 0xfafaa152u

typedef struct _MwLuaLfsImage MwLuaLfsImage;

/* One module: its file name as given (its chunk name is "@" filename, and its module name
 * the file's base name up to the first dot) and its compiled main function. */
typedef struct
{
  const char *filename;
  const MwLuaProto *main;
} MwLuaLfsModule;

/* Lays out `modules` (one function tree each, local and upvalue names dropped as the
 * firmware does) as luac.cross -f would on a `target` build at `timestamp` (the Unix time
 * node.LFS.time reports). Fails on no module, more than MW_LUA_LFS_MAX_MODULES, two modules
 * with one name, or an image over `max_size` bytes of flash (0: no limit), naming the size
 * needed. */
MwLuaLfsImage *mw_lua_lfs_image_new (const MwLuaLfsModule *modules, guint n_modules,
                                     MwLuaNumberType target, gint64 timestamp, gsize max_size,
                                     GError **error);

/* Compiles each of `filenames` (read from `sources`) and lays them out as above. A file that
 * does not compile fails with its "FILE:LINE: message". */
MwLuaLfsImage *mw_lua_lfs_image_new_from_sources (const char *const *filenames,
                                                  GBytes *const *sources, guint n_files,
                                                  MwLuaNumberType target, gint64 timestamp,
                                                  gsize max_size, GError **error);

/* Reads an image file (gzip, as written) or its inflated bytes, checking what the firmware
 * checks and that every address lies inside the image. */
MwLuaLfsImage *mw_lua_lfs_image_new_from_bytes (const guint8 *data, gsize len, GError **error);

MwLuaLfsImage *mw_lua_lfs_image_ref (MwLuaLfsImage *image);
void mw_lua_lfs_image_unref (MwLuaLfsImage *image);

/* The inflated image: the flash words, then the relocation bitmap (one bit per word). */
GBytes *mw_lua_lfs_image_get_bytes (MwLuaLfsImage *image);
/* The image file: the inflated image, gzip-compressed with a 16 KB window (the firmware's
 * inflater keeps no more). */
GBytes *mw_lua_lfs_image_compress (MwLuaLfsImage *image);

guint32 mw_lua_lfs_image_get_signature (MwLuaLfsImage *image);
MwLuaNumberType mw_lua_lfs_image_get_target (MwLuaLfsImage *image);
/* The flash the image takes (the header's size: without the bitmap). */
gsize mw_lua_lfs_image_get_flash_size (MwLuaLfsImage *image);
gint64 mw_lua_lfs_image_get_timestamp (MwLuaLfsImage *image);
/* Module names in the image's order (the order given). */
const char *const *mw_lua_lfs_image_get_modules (MwLuaLfsImage *image);
guint mw_lua_lfs_image_get_n_modules (MwLuaLfsImage *image);
/* Strings in the read-only string table, and the flash they take with their headers. */
guint mw_lua_lfs_image_get_n_strings (MwLuaLfsImage *image);
gsize mw_lua_lfs_image_get_strings_size (MwLuaLfsImage *image);
/* Module `i`'s main function as a chunk (its source name kept, as in the image). */
MwLuaChunk *mw_lua_lfs_image_get_module_chunk (MwLuaLfsImage *image, guint i);
/* The image's index function (what node.LFS.get and node.LFS.list call), every module's
 * functions nested in it, as a chunk. */
MwLuaChunk *mw_lua_lfs_image_get_index_chunk (MwLuaLfsImage *image);

/* What node.LFS.reload() checks of an image file before it writes the flash
 * (app/lua/lflash.c loadLFS, procFirstPass), on a `target` firmware with an LFS region of
 * `region_size` bytes: NULL when it would load it (then *image, if asked, is the image), else
 * the firmware's own message ("Incorrect LFS build type", "LFS Image too big for configured
 * LFS region", "checksum error on LFS image file"...). An image that passes those checks but
 * that the firmware would load as garbage is refused too, with this reader's message. */
char *mw_lua_lfs_image_check_reload (const guint8 *data, gsize len, MwLuaNumberType target,
                                     gsize region_size, MwLuaLfsImage **image);

/* Whether the gzip stream `data` inflates whole within the firmware's 16 KB inflate window
 * (lflash.c DICTIONARY_WINDOW: no back reference further than 16384 bytes, docs/firmware.md
 * section 9). A stream compressed with a 32 KB window (desktop gzip, zlib's default) may not:
 * node.LFS.reload() then answers "invalid dictionary offset on inflate". */
gboolean mw_lua_lfs_gzip_fits_window (const guint8 *data, gsize len);

/* The module name luac.cross gives a file: its base name, leading dots skipped, up to the
 * next dot; the whole name when that is empty. */
char *mw_lua_lfs_module_name (const char *filename);

/* The firmware's string hash (also the one of Lua 5.1). */
guint32 mw_lua_lfs_string_hash (const char *s, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwLuaLfsImage, mw_lua_lfs_image_unref)

G_END_DECLS
