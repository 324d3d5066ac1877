/* mw-repl-parser.h: the board's byte stream cut into events (pure: no I/O, no clock).
 *
 * Moonwire's commands make the board print markers around their replies:
 *   \x02B<token>\x03  reply bytes (binary-safe)  \x02E<token>+\x03          success
 *                                                \x02E<token>-message\x03   a Lua error
 * and uploads print framed acknowledgements \x02<kind><token>text\x03. The echo of what we
 * sent never contains a raw \x02 (every string we send is escaped), so markers are unambiguous;
 * <token> is random per command, so reply bytes cannot fake an end marker in practice.
 * Everything outside frames is console output (timer prints, the user's own prints), with
 * the echo of our own lines removed. Prompts "> " and ">> " are recognised at line starts,
 * the banner by its "NodeMCU " line, and a reset by the banner or by ROM noise (the boot
 * loader talks at 74880 baud, which reads as garbage at 115200: docs/firmware.md section 1).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MW_REPL_TOKEN_LEN 6

typedef enum
{
  MW_REPL_EVENT_CONSOLE = 1, /* console bytes (echo removed) */
  MW_REPL_EVENT_PROMPT, /* "> " at a line start */
  MW_REPL_EVENT_CONTINUATION, /* ">> " at a line start */
  MW_REPL_EVENT_BEGIN, /* a reply of `token` starts */
  MW_REPL_EVENT_PAYLOAD, /* reply bytes */
  MW_REPL_EVENT_END, /* reply ends: ok, or not with the error message in data */
  MW_REPL_EVENT_FRAME, /* another framed message: kind, token, data */
  MW_REPL_EVENT_BOOT, /* the board (re)started: banner line or ROM noise */
  MW_REPL_EVENT_BANNER, /* the whole banner text */
  MW_REPL_EVENT_NOISE, /* bytes that are not text at this baud (data: the bytes) */
  MW_REPL_EVENT_GARBLED, /* the echo of our line differs from what we sent: the board
                          * received something else (a byte lost or changed) */
} MwReplEventKind;

typedef struct
{
  MwReplEventKind kind;
  char frame_kind; /* FRAME: the letter after \x02 */
  char token[MW_REPL_TOKEN_LEN + 1]; /* BEGIN, PAYLOAD, END, FRAME */
  gboolean ok; /* END: success; PROMPT, CONTINUATION:
                * after the echo of our last line */
  GBytes *data; /* may be NULL */
} MwReplEvent;

void mw_repl_event_free (MwReplEvent *event);

typedef struct _MwReplParser MwReplParser;

MwReplParser *mw_repl_parser_new (void);
void mw_repl_parser_free (MwReplParser *parser);
/* The next bytes that the board echoes (a line we sent, with its newline) are dropped from
 * the console; replaces any earlier expectation. Bytes before the echo starts pass through;
 * a divergence once it has started ends the expectation with a GARBLED event. */
void mw_repl_parser_expect_echo (MwReplParser *parser, const char *line, gsize len);
/* Only a reply with this token is read as binary reply bytes (a begin marker with any other
 * token is a FRAME event); NULL: none, and a reply being read is abandoned. */
void mw_repl_parser_set_reply_token (MwReplParser *parser, const char *token);
/* Stops expecting an echo. */
void mw_repl_parser_clear_echo (MwReplParser *parser);
/* How many bytes of the expected echo came back so far (0: the board has not answered). */
gsize mw_repl_parser_get_echo_seen (MwReplParser *parser);
/* Whether the expected echo came back whole (or none is expected). */
gboolean mw_repl_parser_echo_complete (MwReplParser *parser);
/* Whether the whole expected echo came back but its final newline. */
gboolean mw_repl_parser_echo_lacks_newline (MwReplParser *parser);
/* Forgets partial state (after a reset or a baud change). */
void mw_repl_parser_reset (MwReplParser *parser);
/* Feeds bytes; returns the events they complete, in order (MwReplEvent, owned). */
GPtrArray *mw_repl_parser_feed (MwReplParser *parser, const guint8 *data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwReplParser, mw_repl_parser_free)

G_END_DECLS
