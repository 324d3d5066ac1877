/* mw-sim-repl.h: the NodeMCU REPL's byte-level line discipline, the 256-byte receive ring
 * and the output routine, as pure functions over bytes (docs/firmware.md section 1).
 *
 * The board feeds every received byte through mw_sim_repl_feed(); it returns what the
 * firmware would echo and, at a line end, the completed line. Nothing here touches Lua or
 * a file descriptor, so tests can drive it from tables.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* LUA_MAXINPUT of the firmware: a line holds at most 255 characters. */
#define MW_SIM_REPL_MAX_LINE 256
/* The UART receive ring of the firmware. */
#define MW_SIM_RING_SIZE 256

typedef struct
{
  char line[MW_SIM_REPL_MAX_LINE];
  guint len;
  guint8 last_nl; /* the CR or LF that ended the previous line, while its pair may follow */
  gboolean echo; /* uart.setup's echo flag */
} MwSimRepl;

typedef enum
{
  MW_SIM_REPL_MORE = 1, /* the byte was consumed; no line yet */
  MW_SIM_REPL_LINE, /* a line is complete: mw_sim_repl_take_line() */
} MwSimReplResult;

void mw_sim_repl_init (MwSimRepl *repl);
/* Consumes one byte; appends its echo (raw bytes, as the firmware writes them) to `echo`. */
MwSimReplResult mw_sim_repl_feed (MwSimRepl *repl, guint8 byte, GString *echo);
/* The completed line (without its terminator), reset for the next one. */
char *mw_sim_repl_take_line (MwSimRepl *repl);

/* The firmware's output routine for print and errors: "\n" becomes "\r\n", "\r" is dropped. */
void mw_sim_repl_cook (GString *out, const char *text, gsize len);

/* The REPL's handling of a completed chunk: "=expr" means "return expr" on a chunk's first
 * line; a syntax error that ends in '<eof>' means the chunk is incomplete. */
char *mw_sim_repl_chunk_source (const char *chunk);
gboolean mw_sim_repl_is_incomplete (const char *message);

/* The receive ring: when full, the oldest byte is dropped silently. */
typedef struct
{
  guint8 data[MW_SIM_RING_SIZE];
  guint head; /* index of the oldest byte */
  guint count;
  guint64 dropped;
} MwSimRing;

void mw_sim_ring_init (MwSimRing *ring);
void mw_sim_ring_push (MwSimRing *ring, const guint8 *bytes, gsize len);
gboolean mw_sim_ring_pop (MwSimRing *ring, guint8 *byte);
static inline guint
mw_sim_ring_free (const MwSimRing *ring)
{
  return MW_SIM_RING_SIZE - ring->count;
}

G_END_DECLS
