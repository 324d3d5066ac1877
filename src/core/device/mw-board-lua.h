/* mw-board-lua.h: every piece of Lua that Moonwire sends to the board, in one place.
 *
 * Each builder returns one chunk for the REPL wrapper (lines of at most MW_REPL_MAX_LINE
 * bytes, so each may be a continuation line). Rules that hold for all of them:
 *
 * - Every user string (file names, paths, data) goes in through mw_lua_quote(), the one
 *   escaping function: the result is one Lua string literal in printable ASCII, so it can
 *   neither end the string early, nor span lines, nor carry a \x02 that would fake a marker.
 *   A name stands on a line of its own (`local n="..."`): quoted, a 31-byte UTF-8 name is 126
 *   bytes, and two of them with code around would pass the 250-byte line.
 * - Every loop that can run longer than a few milliseconds feeds the watchdog (`W()`, which
 *   is tmr.wdclr where the firmware has it): the hardware watchdog resets a board whose Lua
 *   task runs for about a second without yielding (docs/firmware.md section 1).
 * - Refusals the board detects come back as "E<code>:<message>", written with uart.write or
 *   raised with error(..., 0), with <code> from MwBoardReply; mw_board_lua_parse_reply() is
 *   the one parser, so a snippet and its parser cannot disagree about a number.
 * - The board-side Adler-32 is one Lua function (S), used by the checksum, the block
 *   protocol and the text fallback alike.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The board's refusals: "E<code>:<message>". ORDER: codes are sent as numbers. */
typedef enum
{
  MW_BOARD_REPLY_NOT_FOUND = 1, /* no such file */
  MW_BOARD_REPLY_EXISTS, /* the target name is taken */
  MW_BOARD_REPLY_FULL, /* a write failed or the space is not there */
  MW_BOARD_REPLY_REFUSED, /* the firmware call failed (rename, open...) */
  MW_BOARD_REPLY_VERIFY, /* size or Adler-32 of the written file disagree */
  MW_BOARD_REPLY_UNSUPPORTED, /* the firmware lacks the function */
} MwBoardReply;

/* Reads "E<code>:<message>" (what a snippet wrote or raised): TRUE and the code and the
 * message (pointing into `text`) if `text` is one. */
gboolean mw_board_lua_parse_reply (const char *text, MwBoardReply *code, const char **message);

/* SPIFFS names: flat, 1..31 bytes (docs/firmware.md section 2). */
#define MW_DEVICE_MAX_NAME 31
/* Every line sent to the REPL: at most this many bytes (the line buffer is 256, docs/firmware.md
 * section 1). */
#define MW_REPL_MAX_LINE 250

/* A Lua string literal for `len` bytes of `data` (any bytes, NUL included): printable ASCII
 * only, with \", \\, \n, \r and \ddd (three digits, so a following digit is safe). */
char *mw_lua_quote (const void *data, gsize len);
char *mw_lua_quote_str (const char *text);
/* Quotes as many bytes of `data` as fit in `max_out` bytes of literal (quotes included);
 * returns how many bytes were consumed (at least 1 when max_out >= 6). The escaping
 * function: mw_lua_quote() is this with no limit. */
gsize mw_lua_quote_prefix (const guint8 *data, gsize len, gsize max_out, GString *out);
/* Checks a board file name: non-empty, at most 31 bytes, no NUL or newline. */
gboolean mw_lua_check_file_name (const char *name, GError **error);

/* ---- the REPL wrapper (mw-repl.c): markers around a pcall ---- */
char *mw_board_lua_exec_head (const char *token);
char *mw_board_lua_exec_tail (const char *token);

/* A user's chunk as data: lines that fill a table with quoted pieces of `code`, then load it
 * as the chunk "stdin" and run it (mw_device_exec_async). Any bytes, lines of any length. */
char *mw_board_lua_exec_loader (const char *code);

/* ---- file operations and queries (mw-device.c) ---- */
/* name \0 size \0 ... */
char *mw_board_lua_list (void);
/* "remaining,used,total" */
char *mw_board_lua_fsinfo (void);
/* the size, or "nil" */
char *mw_board_lua_file_size (const char *name);
/* up to `len` bytes from `offset`; raises E<NOT_FOUND> */
char *mw_board_lua_read_chunk (const char *name, gsize offset, gsize len);
/* these write nothing, or E<code>:<message> */
char *mw_board_lua_remove (const char *name);
/* Removes `name` if it is there, without a word either way. */
char *mw_board_lua_remove_if_there (const char *name);
char *mw_board_lua_rename (const char *from, const char *to);
char *mw_board_lua_compile (const char *name);
char *mw_board_lua_format (void);
/* dofile(name), after checking it exists */
char *mw_board_lua_run (const char *name);
/* node.heap() as decimal */
char *mw_board_lua_heap (void);
/* node.restart() */
char *mw_board_lua_restart (void);
/* The LFS region (docs/firmware.md section 9): "size used type" from node.info('lfs') and
 * node.info('build_config').number_type ("-1 0 type" on a firmware without LFS): the number
 * type the firmware's LFS loader checks an image against. */
char *mw_board_lua_lfs_region (void);
/* Posts node.LFS.reload(name) (node.flashreload on older firmware) as a task of its own, so
 * that the command's reply is complete before the board restarts: on success the board
 * restarts; if the firmware refuses the image, its message comes as a frame of kind 'L'
 * with `token`. "E6:..." at once without either function. */
char *mw_board_lua_lfs_reload (const char *name, const char *token);
/* The modules in LFS, sorted, joined by ',' (empty without an image). */
char *mw_board_lua_lfs_list (void);
/* key=value lines: heap, number (1/2), version, branch, commit, modules, chipid, flashid,
 * flashsize */
char *mw_board_lua_probe (void);
/* "size,a,b" (Adler-32 halves) or "-1" */
char *mw_board_lua_checksum (const char *name);

/* ---- uploads (mw-upload*.c, docs/upload-protocol.md) ---- */

/* Ends of raw mode, sent as \x02Z<token><end>\x03: "+n,a,b" on success, a refusal as
 * "-E<code>:<word>", or one of these. */
#define MW_BOARD_LUA_END_ABORTED "-aborted"
#define MW_BOARD_LUA_END_TIMEOUT "-timeout"

typedef struct
{
  const char *temp_name;
  const char *name;
  gsize len;
  guint n_blocks;
  guint payload; /* bytes per block after its header */
  guint block; /* bytes per block on the wire */
  guint32 a, b; /* Adler-32 halves of the whole file */
  guint start; /* the first block to expect (0: a fresh upload) */
  const char *token;
  guint drain_ms; /* after a failure, swallow blocks still in flight */
  guint vanish_ms; /* no block for this long: give the REPL back */
  guint ahead; /* blocks past the first missing one that the board keeps */
} MwBoardLuaUpload;

/* The board side of the block protocol, `_mwL`: pieces sent as commands of their own, in
 * order, before the first mw_board_lua_upload_setup() of an upload. */
guint mw_board_lua_upload_library_pieces (void);
char *mw_board_lua_upload_library (guint i);
/* A short command: with the library in place, opens (or reopens, to resume at `start`) the
 * temporary file and switches the UART to raw blocks; the board keeps the figures for
 * mw_board_lua_upload_resume(). Raises E<FULL> when the space is not there, E<UNSUPPORTED>
 * without raw uart.on. */
char *mw_board_lua_upload_setup (const MwBoardLuaUpload *up);
/* The library and the start as one command: the first try on a clean line. */
char *mw_board_lua_upload_whole_setup (const MwBoardLuaUpload *up);
/* The start again with the figures of the last one, at block `start`: one short line. */
char *mw_board_lua_upload_resume (guint start);
/* Leaves the board as it was: `failed` removes the temporary file; `restore_baud` (0: no)
 * switches back 30 ms after the reply. */
char *mw_board_lua_upload_cleanup (const char *temp_name, gboolean failed, guint restore_baud);
/* Switches to `fast` 30 ms after the reply, and back to `normal` 1.5 s later unless
 * mw_board_lua_fast_confirm() arrived at the new rate. */
char *mw_board_lua_fast_switch (guint fast, guint normal);
char *mw_board_lua_fast_confirm (void);
/* The escaped-literal fallback: open, one write per command, verify and rename. */
char *mw_board_lua_text_open (const char *temp_name, gsize len);
/* Appends a write of as many bytes of `data` as fit in `max_literal`; returns them. */
gsize mw_board_lua_text_write (GString *code, const guint8 *data, gsize len, gsize max_literal);
char *mw_board_lua_text_finish (const char *name, gsize len, guint32 a, guint32 b);

/* ---- the heap walker (src/core/heap/mw-heap-walker.c, docs/heap-explorer.md) ---- */

/* The walker's source: it sets the global `_mwh`. The host compiles it for the board's
 * number type and sends the bytecode: compiling it on the board would cost more than the
 * walk (the REPL compiles a chunk again at every line it receives). */
const char *mw_board_lua_heap_walker (void);
#define MW_BOARD_LUA_HEAP_WALKER_FILE "_mwh.lc"
/* "<free> <counted bytes> <1/2>" after a collection. */
char *mw_board_lua_heap_baseline (void);
/* The walker's bytecode goes to MW_BOARD_LUA_HEAP_WALKER_FILE: open, one write per command
 * (as many bytes of `data` as fit in `max_literal`; returns them), then load it and remove
 * the file. */
char *mw_board_lua_heap_walker_open (void);
gsize mw_board_lua_heap_walker_write (GString *code, const guint8 *data, gsize len,
                                      gsize max_literal);
char *mw_board_lua_heap_walker_load (void);
/* Removes the walker (and a half-written file) and collects. */
char *mw_board_lua_heap_walker_remove (void);
/* One request: new, then add paths while they fit in `max_len` bytes (the first always
 * goes in; FALSE: this one did not fit), then end. */
GString *mw_board_lua_heap_request_new (void);
gboolean mw_board_lua_heap_request_add (GString *code, const char *steps, gsize max_len);
char *mw_board_lua_heap_request_end (GString *code);

G_END_DECLS
