/* mw-sim-uart.c: line-rate pacing (10 bits a byte at the current baud). */
#include "mw-sim-uart.h"

#include <math.h>

void
mw_sim_uart_init (MwSimUart *uart, guint baud, gboolean limit)
{
  g_return_if_fail (uart != NULL && baud > 0);
  *uart = (MwSimUart){ .baud = baud, .limit = limit, .last = g_get_monotonic_time () };
}

void
mw_sim_uart_set_baud (MwSimUart *uart, guint baud)
{
  g_return_if_fail (uart != NULL && baud > 0);
  uart->baud = baud;
}

static double
bytes_per_us (const MwSimUart *uart)
{
  return uart->baud / 10.0 / 1e6;
}

gsize
mw_sim_uart_budget (MwSimUart *uart, gint64 now, gsize want, gboolean idle)
{
  if (!uart->limit)
    return want;
  if (now > uart->last)
    uart->credit += (now - uart->last) * bytes_per_us (uart);
  if (idle)
    uart->credit = MIN (uart->credit, 1.0); /* a line that was idle restarts; a debt stays */
  uart->last = now;
  return uart->credit < 1.0 ? 0 : MIN ((gsize) floor (uart->credit), want);
}

void
mw_sim_uart_grant (MwSimUart *uart, gsize n)
{
  uart->credit = MAX (uart->credit, (double) n);
}

void
mw_sim_uart_spend (MwSimUart *uart, gsize n)
{
  if (!uart->limit)
    return;
  /* below zero: bytes sent ahead of the line (the FIFO), paid for before any more go */
  uart->credit -= n;
}

gint64
mw_sim_uart_wait_us (const MwSimUart *uart, gsize n)
{
  double missing;

  if (!uart->limit)
    return 0;
  missing = n - uart->credit;
  if (missing <= 0)
    return 0;
  return (gint64) ceil (missing / bytes_per_us (uart));
}

gint64
mw_sim_uart_byte_time (const MwSimUart *uart, gsize n)
{
  return (gint64) (n * 10 * 1e6 / uart->baud);
}

gsize
mw_sim_uart_bytes_in (const MwSimUart *uart, gint64 us)
{
  return us > 0 ? (gsize) ceil (us * bytes_per_us (uart)) : 0;
}
