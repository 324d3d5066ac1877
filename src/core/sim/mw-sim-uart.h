/* mw-sim-uart.h: line-rate pacing of the simulated UART: 10 bits a byte (8N1) at the current
 * baud, in both directions. A byte budget grows with elapsed time; an idle line does not bank
 * credit beyond one byte, so a burst after a pause still arrives at line rate.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint baud;
  gboolean limit; /* FALSE: no pacing (--baud-limit off) */
  gint64 last; /* monotonic time (us) of the last update */
  double credit; /* bytes that may move now */
} MwSimUart;

void mw_sim_uart_init (MwSimUart *uart, guint baud, gboolean limit);
/* uart.setup: the new rate applies at once. */
void mw_sim_uart_set_baud (MwSimUart *uart, guint baud);
/* Bytes that may move at `now`, at most `want`; a line that was idle (`idle`) restarts
 * with one byte of credit, or with what it still owes for bytes sent ahead. */
gsize mw_sim_uart_budget (MwSimUart *uart, gint64 now, gsize want, gboolean idle);
/* Lets at least `n` bytes move now (bytes the line carried while the board was busy). */
void mw_sim_uart_grant (MwSimUart *uart, gsize n);
/* Records that `n` bytes moved (more than the budget: sent ahead, owed). */
void mw_sim_uart_spend (MwSimUart *uart, gsize n);
/* Microseconds until `n` more bytes may move. */
gint64 mw_sim_uart_wait_us (const MwSimUart *uart, gsize n);
/* Time on the wire for `n` bytes, in microseconds. */
gint64 mw_sim_uart_byte_time (const MwSimUart *uart, gsize n);
/* How many bytes the line carries in `us` microseconds (rounded up). */
gsize mw_sim_uart_bytes_in (const MwSimUart *uart, gint64 us);

G_END_DECLS
