/* mw-sim-repl.c: the REPL line discipline, receive ring and output routine of the firmware
 * (docs/firmware.md section 1), as pure functions. */
#include "mw-sim-repl.h"

#include <string.h>

void
mw_sim_repl_init (MwSimRepl *repl)
{
  g_return_if_fail (repl != NULL);
  memset (repl, 0, sizeof *repl);
  repl->echo = TRUE;
}

MwSimReplResult
mw_sim_repl_feed (MwSimRepl *repl, guint8 byte, GString *echo)
{
  guint8 last_nl;

  g_return_val_if_fail (repl != NULL, MW_SIM_REPL_MORE);

  last_nl = repl->last_nl;
  repl->last_nl = 0;

  if (byte == '\r' || byte == '\n')
    {
      /* CR LF and LF CR count as one line end: the second byte of a pair is skipped */
      if (last_nl != 0 && last_nl != byte)
        return MW_SIM_REPL_MORE;
      repl->last_nl = byte;
      if (repl->echo && echo)
        g_string_append (echo, "\r\n");
      return MW_SIM_REPL_LINE;
    }

  if (byte == 0x08 || byte == 0x7f)
    {
      if (repl->len > 0)
        {
          repl->len--;
          if (repl->echo && echo)
            g_string_append (echo, "\b \b");
        }
      return MW_SIM_REPL_MORE;
    }

  if (repl->echo && echo)
    g_string_append_c (echo, (char) byte);

  /* LUA_MAXINPUT: the 256th character of a line discards everything typed so far, itself
   * included; typing goes on from an empty line. */
  if (repl->len + 1 >= MW_SIM_REPL_MAX_LINE)
    {
      repl->len = 0;
      return MW_SIM_REPL_MORE;
    }
  repl->line[repl->len++] = (char) byte;
  return MW_SIM_REPL_MORE;
}

char *
mw_sim_repl_take_line (MwSimRepl *repl)
{
  char *line;

  g_return_val_if_fail (repl != NULL, NULL);
  line = g_strndup (repl->line, repl->len);
  /* g_strndup stops at a NUL byte, as the firmware's C-string line does */
  repl->len = 0;
  return line;
}

void
mw_sim_repl_cook (GString *out, const char *text, gsize len)
{
  g_return_if_fail (out != NULL);
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '\r')
        continue;
      if (text[i] == '\n')
        g_string_append_c (out, '\r');
      g_string_append_c (out, text[i]);
    }
}

char *
mw_sim_repl_chunk_source (const char *chunk)
{
  g_return_val_if_fail (chunk != NULL, NULL);
  if (chunk[0] == '=')
    return g_strconcat ("return ", chunk + 1, NULL);
  return g_strdup (chunk);
}

gboolean
mw_sim_repl_is_incomplete (const char *message)
{
  static const char eof_mark[] = "'<eof>'";
  gsize len, mark = sizeof eof_mark - 1;

  if (message == NULL)
    return FALSE;
  len = strlen (message);
  return len >= mark && strcmp (message + len - mark, eof_mark) == 0;
}

void
mw_sim_ring_init (MwSimRing *ring)
{
  g_return_if_fail (ring != NULL);
  memset (ring, 0, sizeof *ring);
}

void
mw_sim_ring_push (MwSimRing *ring, const guint8 *bytes, gsize len)
{
  g_return_if_fail (ring != NULL);
  for (gsize i = 0; i < len; i++)
    {
      if (ring->count == MW_SIM_RING_SIZE)
        {
          /* full: the oldest byte goes, silently */
          ring->head = (ring->head + 1) % MW_SIM_RING_SIZE;
          ring->count--;
          ring->dropped++;
        }
      ring->data[(ring->head + ring->count) % MW_SIM_RING_SIZE] = bytes[i];
      ring->count++;
    }
}

gboolean
mw_sim_ring_pop (MwSimRing *ring, guint8 *byte)
{
  g_return_val_if_fail (ring != NULL, FALSE);
  if (ring->count == 0)
    return FALSE;
  *byte = ring->data[ring->head];
  ring->head = (ring->head + 1) % MW_SIM_RING_SIZE;
  ring->count--;
  return TRUE;
}
