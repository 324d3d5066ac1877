/* mw-repl-parser.c: the byte-stream state machine behind MwRepl. */
#include "mw-config.h"

#include "mw-repl-parser.h"

#include <string.h>

typedef enum
{
  STATE_TEXT,
  STATE_MARK, /* after \x02: kind letter and token */
  STATE_BODY, /* a FRAME or END body up to \x03 */
  STATE_PAYLOAD, /* reply bytes until \x02E<token> */
} State;

struct _MwReplParser
{
  State state;
  GByteArray *console; /* pending console bytes */
  GString *line; /* the current console line, without CR */
  GByteArray *echo; /* expected echo */
  gsize echo_pos;
  char mark[1 + MW_REPL_TOKEN_LEN + 1];
  gsize mark_len;
  GByteArray *body;
  GByteArray *payload;
  char token[MW_REPL_TOKEN_LEN + 1]; /* of the reply being read */
  gsize term_pos; /* bytes of \x02E<token> matched in PAYLOAD */
  GString *banner; /* non-NULL while collecting */
  gboolean foreign; /* non-blank console text came while our echo was pending */
  gboolean detour; /* inside a line the board printed in the middle of our echo */
  gboolean echo_midline; /* our echo seemed to start after other text on its line */
  char reply_token[MW_REPL_TOKEN_LEN + 1]; /* the reply we wait for, or "" */
  gboolean booting;
};

void
mw_repl_event_free (MwReplEvent *event)
{
  if (event == NULL)
    return;
  g_clear_pointer (&event->data, g_bytes_unref);
  g_free (event);
}

MwReplParser *
mw_repl_parser_new (void)
{
  MwReplParser *parser = g_new0 (MwReplParser, 1);

  parser->console = g_byte_array_new ();
  parser->line = g_string_new (NULL);
  parser->echo = g_byte_array_new ();
  parser->body = g_byte_array_new ();
  parser->payload = g_byte_array_new ();
  return parser;
}

void
mw_repl_parser_free (MwReplParser *parser)
{
  if (parser == NULL)
    return;
  g_byte_array_unref (parser->console);
  g_string_free (parser->line, TRUE);
  g_byte_array_unref (parser->echo);
  g_byte_array_unref (parser->body);
  g_byte_array_unref (parser->payload);
  if (parser->banner)
    g_string_free (parser->banner, TRUE);
  g_free (parser);
}

void
mw_repl_parser_expect_echo (MwReplParser *parser, const char *line, gsize len)
{
  /* One line at a time: each waits for its prompt, so a new line replaces the old hope. */
  g_byte_array_set_size (parser->echo, 0);
  parser->echo_pos = 0;
  g_byte_array_append (parser->echo, (const guint8 *) line, len);
  parser->foreign = FALSE;
  parser->detour = FALSE;
}

void
mw_repl_parser_set_reply_token (MwReplParser *parser, const char *token)
{
  g_strlcpy (parser->reply_token, token ? token : "", sizeof parser->reply_token);
  if (token == NULL && parser->state == STATE_PAYLOAD)
    {
      /* A reply that will never end (its command timed out or was garbled into something
       * else): what follows is console text again. */
      parser->state = STATE_TEXT;
      parser->term_pos = 0;
      g_byte_array_set_size (parser->payload, 0);
    }
}

void
mw_repl_parser_clear_echo (MwReplParser *parser)
{
  g_byte_array_set_size (parser->echo, 0);
  parser->echo_pos = 0;
  parser->foreign = FALSE;
  parser->detour = FALSE;
}

gsize
mw_repl_parser_get_echo_seen (MwReplParser *parser)
{
  return parser->echo->len == 0 ? G_MAXSIZE : parser->echo_pos;
}

gboolean
mw_repl_parser_echo_complete (MwReplParser *parser)
{
  return parser->echo_pos == parser->echo->len;
}

gboolean
mw_repl_parser_echo_lacks_newline (MwReplParser *parser)
{
  return parser->echo->len > 0 && parser->echo_pos == parser->echo->len - 1
         && parser->echo->data[parser->echo_pos] == '\n';
}

void
mw_repl_parser_reset (MwReplParser *parser)
{
  parser->state = STATE_TEXT;
  g_string_truncate (parser->line, 0);
  g_byte_array_set_size (parser->echo, 0);
  parser->echo_pos = 0;
  parser->detour = FALSE;
  parser->mark_len = 0;
  g_byte_array_set_size (parser->body, 0);
  g_byte_array_set_size (parser->payload, 0);
  parser->term_pos = 0;
}

static MwReplEvent *
push (GPtrArray *events, MwReplEventKind kind, const char *token)
{
  MwReplEvent *event = g_new0 (MwReplEvent, 1);

  event->kind = kind;
  if (token != NULL)
    g_strlcpy (event->token, token, sizeof event->token);
  g_ptr_array_add (events, event);
  return event;
}

static guint
count_odd (const guint8 *data, gsize len)
{
  guint odd = 0;

  for (gsize i = 0; i < len; i++)
    if (data[i] >= 0x80 || (data[i] < 0x20 && strchr ("\r\n\t\b\a\033", data[i]) == NULL))
      odd++;
  return odd;
}

static gboolean
looks_like_noise (const guint8 *data, gsize len)
{
  return count_odd (data, len) >= 4 && !g_utf8_validate ((const char *) data, len, NULL);
}

/* At the end of a feed: a short run with a few odd bytes waits for more, so that noise
 * split over reads is still recognised as noise. */
static gboolean
worth_waiting (MwReplParser *parser)
{
  guint odd = count_odd (parser->console->data, parser->console->len);

  return odd > 0 && odd < 4 && parser->console->len < 64
         && memchr (parser->console->data, '\n', parser->console->len) == NULL;
}

/* A restart: whatever echo we waited for will never come (the board lost the line), so the
 * restarted board's first prompt is fresh. */
static void
push_boot (MwReplParser *parser, GPtrArray *events)
{
  parser->booting = TRUE;
  mw_repl_parser_clear_echo (parser);
  push (events, MW_REPL_EVENT_BOOT, NULL);
}

static void
flush_console (MwReplParser *parser, GPtrArray *events)
{
  MwReplEvent *event;

  if (parser->console->len == 0)
    return;
  /* Once the boot loader's noise has begun, a stray odd byte that is not text is more of it. */
  if (looks_like_noise (parser->console->data, parser->console->len)
      || (parser->booting && count_odd (parser->console->data, parser->console->len) > 0
          && !g_utf8_validate ((const char *) parser->console->data, parser->console->len, NULL)))
    {
      const guint8 *data = parser->console->data;
      gsize len = parser->console->len;
      gsize noise_len = len;

      if (!parser->booting)
        push_boot (parser, events);
      /* The boot loader's noise ends with a line break; text after it in the same read is
       * the banner's first bytes (docs/firmware.md section 1), which are console text. */
      for (gsize i = len; i > 0; i--)
        if (count_odd (data + i - 1, 1) > 0)
          {
            const guint8 *nl = memchr (data + i, '\n', len - i);

            if (nl != NULL)
              noise_len = nl - data + 1;
            break;
          }
      event = push (events, MW_REPL_EVENT_NOISE, NULL);
      event->data = g_bytes_new (data, noise_len);
      if (noise_len < len)
        {
          event = push (events, MW_REPL_EVENT_CONSOLE, NULL);
          event->data = g_bytes_new (data + noise_len, len - noise_len);
        }
    }
  else
    {
      event = push (events, MW_REPL_EVENT_CONSOLE, NULL);
      event->data = g_bytes_new (parser->console->data, parser->console->len);
    }
  g_byte_array_set_size (parser->console, 0);
}

static void
flush_payload (MwReplParser *parser, GPtrArray *events)
{
  MwReplEvent *event;

  if (parser->payload->len == 0)
    return;
  event = push (events, MW_REPL_EVENT_PAYLOAD, parser->token);
  event->data = g_bytes_new (parser->payload->data, parser->payload->len);
  g_byte_array_set_size (parser->payload, 0);
}

static void
end_banner (MwReplParser *parser, GPtrArray *events)
{
  MwReplEvent *event;
  gsize len = parser->banner->len;

  flush_console (parser, events);
  event = push (events, MW_REPL_EVENT_BANNER, NULL);
  event->data = g_bytes_new_take (g_string_free (parser->banner, FALSE), len);
  parser->banner = NULL;
}

static void
boot_seen (MwReplParser *parser, GPtrArray *events)
{
  /* The text before may be the noise of this very boot, which reports it. */
  flush_console (parser, events);
  if (!parser->booting)
    push_boot (parser, events);
}

/* A complete console line (CR removed): banner and boot-loader detection. */
static void
end_line (MwReplParser *parser, GPtrArray *events)
{
  const char *line = parser->line->str;

  if (parser->banner != NULL)
    {
      if (line[0] == '\t' || line[0] == ' ')
        {
          g_string_append_printf (parser->banner, "\n%s", line);
          if (strstr (line, "powered by Lua") != NULL)
            end_banner (parser, events);
        }
      else
        end_banner (parser, events);
    }
  if (g_str_has_prefix (line, "NodeMCU "))
    {
      /* A banner is a restart even when no ROM noise came first (a soft restart); after the
       * noise of the same boot it is not another one. */
      boot_seen (parser, events);
      parser->banner = g_string_new (line);
      if (strstr (line, "powered by Lua") != NULL) /* 2.x: one line */
        end_banner (parser, events);
    }
  else if (strstr (line, "ets Jan") != NULL || strstr (line, "rst cause:") != NULL)
    boot_seen (parser, events);
  g_string_truncate (parser->line, 0);
}

/* A prompt answers our last line only once that line's echo is through; one that comes
 * before it is owed to earlier input (the boot prompt, an earlier empty line). */
static gboolean
prompt_is_fresh (MwReplParser *parser)
{
  if (parser->echo->len == 0)
    return TRUE;
  if (parser->echo_pos < parser->echo->len)
    return FALSE;
  g_byte_array_set_size (parser->echo, 0);
  parser->echo_pos = 0;
  return TRUE;
}

/* Whether a console line holds text besides a prompt it started with. */
static gboolean
line_has_text (GString *line)
{
  gsize start = g_str_has_prefix (line->str, ">> ")  ? 3
                : g_str_has_prefix (line->str, "> ") ? 2
                                                     : 0;

  for (gsize i = start; i < line->len; i++)
    if (!g_ascii_isspace (line->str[i]))
      return TRUE;
  return FALSE;
}

/* A prompt before our echo, after other text: the board read our line as something else
 * (its first byte lost). A bare stale prompt (boot, an earlier empty line) is not that. */
static void
stale_check (MwReplParser *parser, GPtrArray *events)
{
  if (parser->echo->len > 0 && parser->echo_pos == 0 && parser->foreign)
    {
      parser->foreign = FALSE;
      push (events, MW_REPL_EVENT_GARBLED, NULL);
    }
  /* A prompt while our echo stopped half-way: the board read another line than ours. */
  else if (parser->echo_pos > 0 && parser->echo_pos < parser->echo->len)
    {
      g_byte_array_set_size (parser->echo, 0);
      parser->echo_pos = 0;
      parser->detour = FALSE;
      push (events, MW_REPL_EVENT_GARBLED, NULL);
    }
}

static void
text_byte (MwReplParser *parser, guint8 c, GPtrArray *events)
{
  /* Our own echo: skip it (CR and LF in either order count as the newline). Bytes before
   * the echo starts (a prompt owed to earlier input, a timer print) pass through and keep
   * the expectation. A divergence once the echo has started is either a line the board
   * printed between two reads of its input task (a timer's print: the firmware echoes each
   * byte as it reads it, docs/firmware.md section 1), after which our echo goes on, or our
   * line read wrongly; the next prompt tells which (stale_check). */
  if (parser->detour)
    {
      if (c == '\n')
        parser->detour = FALSE;
    }
  else if (parser->echo_pos < parser->echo->len)
    {
      guint8 want = parser->echo->data[parser->echo_pos];

      if (c == want)
        {
          if (parser->echo_pos == 0)
            parser->echo_midline = line_has_text (parser->line);
          parser->echo_pos++;
          if (c == '\n')
            g_string_truncate (parser->line, 0);
          return;
        }
      if (c == '\r' && parser->echo_pos > 0
          && (want == '\n' || parser->echo->data[parser->echo_pos - 1] == '\n'))
        return;
      if (parser->echo_pos > 0 && parser->echo_midline)
        {
          /* Not our echo after all, only bytes of other text that looked like its start
           * ("tick" holds the "i" of "if ..."): they are console text, and our echo may
           * still start with this byte. */
          g_byte_array_append (parser->console, parser->echo->data, parser->echo_pos);
          g_string_append_len (parser->line, (const char *) parser->echo->data, parser->echo_pos);
          parser->echo_pos = 0;
          text_byte (parser, c, events);
          return;
        }
      if (parser->echo_pos > 0)
        parser->detour = c != '\n';
      else if (c == '\n' && line_has_text (parser->line))
        parser->foreign = TRUE; /* a whole line that is not our echo */
    }

  g_byte_array_append (parser->console, &c, 1);
  if (c == '\n')
    end_line (parser, events);
  else if (c != '\r')
    {
      g_string_append_c (parser->line, c);
      if (parser->line->len == 2 && strcmp (parser->line->str, "> ") == 0)
        {
          if (parser->banner != NULL)
            end_banner (parser, events);
          parser->booting = FALSE;
          flush_console (parser, events);
          stale_check (parser, events);
          push (events, MW_REPL_EVENT_PROMPT, NULL)->ok = prompt_is_fresh (parser);
        }
      else if (parser->line->len == 3 && strcmp (parser->line->str, ">> ") == 0)
        {
          flush_console (parser, events);
          stale_check (parser, events);
          push (events, MW_REPL_EVENT_CONTINUATION, NULL)->ok = prompt_is_fresh (parser);
        }
    }
}

static gboolean
is_token_char (guint8 c)
{
  return g_ascii_isdigit (c) || (c >= 'a' && c <= 'z');
}

GPtrArray *
mw_repl_parser_feed (MwReplParser *parser, const guint8 *data, gsize len)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_repl_event_free);

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      switch (parser->state)
        {
          case STATE_TEXT:
            if (c == 0x02)
              {
                flush_console (parser, events);
                parser->state = STATE_MARK;
                parser->mark_len = 0;
              }
            else
              text_byte (parser, c, events);
            break;

          case STATE_MARK:
            if ((parser->mark_len == 0 && g_ascii_isupper (c))
                || (parser->mark_len > 0 && is_token_char (c)))
              {
                parser->mark[parser->mark_len++] = c;
                if (parser->mark_len == 1 + MW_REPL_TOKEN_LEN)
                  {
                    parser->mark[parser->mark_len] = '\0';
                    memcpy (parser->token, parser->mark + 1, MW_REPL_TOKEN_LEN + 1);
                    g_byte_array_set_size (parser->body, 0);
                    parser->state = STATE_BODY;
                  }
              }
            else
              {
                /* Not a marker after all: the bytes are console text. */
                parser->state = STATE_TEXT;
                text_byte (parser, 0x02, events);
                for (gsize k = 0; k < parser->mark_len; k++)
                  text_byte (parser, parser->mark[k], events);
                i--; /* look at c again as text */
              }
            break;

          case STATE_BODY:
            if (c != 0x03)
              {
                g_byte_array_append (parser->body, &c, 1);
                break;
              }
            parser->state = STATE_TEXT;
            /* After a frame the board's prompt starts a fresh line. */
            g_string_truncate (parser->line, 0);
            if (parser->mark[0] == 'B' && strcmp (parser->token, parser->reply_token) == 0)
              {
                push (events, MW_REPL_EVENT_BEGIN, parser->token);
                parser->state = STATE_PAYLOAD;
                parser->term_pos = 0;
              }
            else if (parser->mark[0] == 'E')
              {
                MwReplEvent *event = push (events, MW_REPL_EVENT_END, parser->token);

                event->ok = parser->body->len > 0 && parser->body->data[0] == '+';
                if (parser->body->len > 1)
                  event->data = g_bytes_new (parser->body->data + 1, parser->body->len - 1);
              }
            else
              {
                MwReplEvent *event = push (events, MW_REPL_EVENT_FRAME, parser->token);

                event->frame_kind = parser->mark[0];
                event->data = g_bytes_new (parser->body->data, parser->body->len);
              }
            break;

          case STATE_PAYLOAD:
            {
              char term[3 + MW_REPL_TOKEN_LEN];

              term[0] = 0x02;
              term[1] = 'E';
              memcpy (term + 2, parser->token, MW_REPL_TOKEN_LEN);
              if (c == (guint8) term[parser->term_pos])
                {
                  if (++parser->term_pos == 2 + MW_REPL_TOKEN_LEN)
                    {
                      flush_payload (parser, events);
                      memcpy (parser->mark, "E", 1);
                      memcpy (parser->mark + 1, parser->token, MW_REPL_TOKEN_LEN + 1);
                      g_byte_array_set_size (parser->body, 0);
                      parser->state = STATE_BODY;
                      parser->term_pos = 0;
                    }
                  break;
                }
              /* \x02 only starts the terminator, so a failed match restarts at c. */
              g_byte_array_append (parser->payload, (const guint8 *) term, parser->term_pos);
              parser->term_pos = 0;
              if (c == 0x02)
                parser->term_pos = 1;
              else
                g_byte_array_append (parser->payload, &c, 1);
            }
            break;

          default:
            g_assert_not_reached ();
        }
    }
  if (parser->state == STATE_PAYLOAD)
    flush_payload (parser, events);
  if (!worth_waiting (parser))
    flush_console (parser, events);
  return events;
}
