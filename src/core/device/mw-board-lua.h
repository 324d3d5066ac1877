/* mw-lua-snippet.h: safe pieces of Lua for what we send to the board.
 *
 * Every user string that goes into Lua sent to the board (file names, paths, data) goes
 * through mw_lua_quote(): the result is one Lua string literal in printable ASCII, so it can
 * neither end the string early, nor span lines, nor carry a \x02 that would fake a marker.
 */
#pragma once

#include <glib.h>

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

/* SPIFFS names: flat, 1..31 bytes (firmware facts §2). */
#define MW_DEVICE_MAX_NAME 31
/* Every line sent to the REPL: at most this many bytes (the line buffer is 256, §1). */
#define MW_REPL_MAX_LINE 250

/* A Lua string literal for `len` bytes of `data` (any bytes, NUL included): printable ASCII
 * only, with \", \\, \n, \r and \ddd (three digits, so a following digit is safe). */
char *mw_lua_quote (const void *data, gsize len);
char *mw_lua_quote_str (const char *text);
/* Quotes as many bytes of `data` as fit in `max_out` bytes of literal (quotes included);
 * returns how many bytes were consumed (at least 1 when max_out >= 6). */
gsize mw_lua_quote_prefix (const guint8 *data, gsize len, gsize max_out, GString *out);
/* Checks a board file name: non-empty, at most 31 bytes, no NUL or newline. */
gboolean mw_lua_check_file_name (const char *name, GError **error);

/* Adler-32, as computed on the board by the upload and verification code. */
guint32 mw_adler32_update (guint32 adler, const guint8 *data, gsize len);
#define MW_ADLER32_INIT 1u

G_END_DECLS
