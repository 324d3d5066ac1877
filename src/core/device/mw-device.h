/* mw-device.h: MwDevice, file operations and board queries over an MwRepl.
 *
 * Every operation is one or a few framed commands through the REPL's queue, so they never
 * interleave with each other or with a user's console lines. Every name put into Lua is
 * checked (1..31 bytes) and quoted with mw_lua_quote(). Uploads are in mw-upload.h.
 */
#pragma once

#include <gio/gio.h>

#include "mw-board-info.h"
#include "mw-board-lua.h"
#include "mw-repl.h"

G_BEGIN_DECLS

#define MW_DEVICE_ERROR (mw_device_error_quark ())

typedef enum
{
  MW_DEVICE_ERROR_BAD_NAME = 1, /* empty, longer than 31 bytes, or otherwise unusable */
  MW_DEVICE_ERROR_NOT_FOUND, /* no such file on the board */
  MW_DEVICE_ERROR_FULL, /* the file system is full: nothing replaced */
  MW_DEVICE_ERROR_FAILED, /* the board refused (rename, remove, compile...) */
  MW_DEVICE_ERROR_VERIFY, /* the board's size or checksum disagrees */
  MW_DEVICE_ERROR_PROTOCOL, /* the transfer broke down beyond retries */
  MW_DEVICE_ERROR_UNSUPPORTED, /* the firmware lacks what the operation needs */
} MwDeviceError;

GQuark mw_device_error_quark (void);

/* The error a board's refusal (mw_board_lua_parse_reply()) stands for. */
MwDeviceError mw_device_error_from_reply (MwBoardReply reply);

typedef struct
{
  char *name;
  gint64 size;
} MwFileEntry;

void mw_file_entry_free (MwFileEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwFileEntry, mw_file_entry_free)

typedef struct
{
  gint64 remaining;
  gint64 used;
  gint64 total;
} MwFsInfo;

/* Parsers of the board's replies (pure; tested table-driven). */
GPtrArray *mw_device_parse_list (const guint8 *data, gsize len, GError **error);
gboolean mw_device_parse_fsinfo (const char *text, MwFsInfo *info, GError **error);

#define MW_TYPE_DEVICE (mw_device_get_type ())
G_DECLARE_FINAL_TYPE (MwDevice, mw_device, MW, DEVICE, GObject)

MwDevice *mw_device_new (MwRepl *repl);
MwRepl *mw_device_get_repl (MwDevice *self);
/* Default command timeout (ms) for operations; 5000. */
void mw_device_set_timeout (MwDevice *self, guint timeout_ms);
guint mw_device_get_timeout (MwDevice *self);

/* Lists files: GPtrArray of MwFileEntry, sorted by name. */
void mw_device_list_async (MwDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
GPtrArray *mw_device_list_finish (MwDevice *self, GAsyncResult *result, GError **error);

void mw_device_fsinfo_async (MwDevice *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_device_fsinfo_finish (MwDevice *self, GAsyncResult *result, MwFsInfo *info,
                                  GError **error);

/* Downloads a file, binary-safe, in framed chunks. */
void mw_device_read_file_async (MwDevice *self, const char *name, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
GBytes *mw_device_read_file_finish (MwDevice *self, GAsyncResult *result, GError **error);

void mw_device_remove_async (MwDevice *self, const char *name, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
/* Renames; fails if `to` exists (as file.rename does, docs/firmware.md section 2). */
void mw_device_rename_async (MwDevice *self, const char *from, const char *to,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
/* node.compile(name): writes name less ".lua" plus ".lc". */
void mw_device_compile_async (MwDevice *self, const char *name, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* file.format(): refuses unless `confirmed` (the CLI's --yes). */
void mw_device_format_async (MwDevice *self, gboolean confirmed, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
/* Finish for remove, rename, compile and format. */
gboolean mw_device_op_finish (MwDevice *self, GAsyncResult *result, GError **error);

/* dofile(name), its output streamed to `output` as it arrives; timeout 0 = none. */
void mw_device_run_async (MwDevice *self, const char *name, guint timeout_ms,
                          MwReplOutputFunc output, gpointer output_data, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
/* User Lua: checked on the host first, output streamed. */
void mw_device_exec_async (MwDevice *self, const char *code, guint timeout_ms,
                           MwReplOutputFunc output, gpointer output_data, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
/* Finish for run and exec: the output when no output function was given. */
GBytes *mw_device_exec_finish (MwDevice *self, GAsyncResult *result, GError **error);

void mw_device_heap_async (MwDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
gint64 mw_device_heap_finish (MwDevice *self, GAsyncResult *result, GError **error);

/* Banner facts plus what the banner does not say: node.info, 1/2 (number type), modules. */
void mw_device_probe_async (MwDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
MwBoardInfo *mw_device_probe_finish (MwDevice *self, GAsyncResult *result, GError **error);

/* Size and Adler-32 of a board file, computed on the board (-1 size: no such file). */
void mw_device_checksum_async (MwDevice *self, const char *name, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_device_checksum_finish (MwDevice *self, GAsyncResult *result, gint64 *size,
                                    guint32 *adler, GError **error);

/* Blocking helper for the CLI and tests: iterates the repl's context until `*slot` is set. */
GAsyncResult *mw_device_wait (MwDevice *self, GAsyncResult **slot);

G_END_DECLS
