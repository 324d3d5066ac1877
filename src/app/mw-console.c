/* mw-console.c: the REPL console.
 *
 * Output from the board is queued and shown in batches, so a flood (1 MB/s) costs one text-view
 * insertion per frame rather than one per read; each batch is capped and the next waits until
 * the view has laid out the last (see flush_cb ()), the backlog is bounded (dropped bytes are
 * announced, never silent), and old lines go past the scrollback limit. After each batch the
 * touched lines are scanned again: Lua errors (3.0's "Lua error: \t..." and 2.x's bare "stdin:1:
 * ...", tracebacks) are highlighted and `file.lua:line` references become links that ask the window
 * to open the file there.
 */
#include "mw-config.h"

#include "mw-console.h"

#include <errno.h>
#include <string.h>

#define FLUSH_INTERVAL_MS 16
/* Below GtkTextView's layout validation (GDK_PRIORITY_REDRAW + 5): see flush_cb (). */
#define FLUSH_PRIORITY (GDK_PRIORITY_REDRAW + 10)
/* One batch: GtkTextView lays out all of its lines in one main-loop turn (see flush_cb ()),
 * 1-1.5 ms per KB of short REPL lines here, so 48 KB batches meant 50-70 ms stalls; 12 KB
 * keeps the turn under ~20 ms and still shows 1 MB/s (bench/app.sh). */
#define MAX_BATCH_BYTES (12 * 1024)
#define MAX_BACKLOG_BYTES (4 * 1024 * 1024)
#define MAX_LINE_BYTES 4096
#define DEFAULT_MAX_LINES 10000

struct _MwConsole
{
  GtkBox parent_instance;

  GtkScrolledWindow *scroller;
  GtkTextView *text_view;
  GtkEntry *input_entry;
  GMenuModel *context_menu;
  GSimpleActionGroup *actions; /* console.*: what the right-click menu offers */

  GtkTextBuffer *buffer;
  GtkTextTag *error_tag;
  GtkTextTag *link_tag;
  GtkTextTag *note_tag;
  GtkTextTag *prompt_tag;
  GtkTextMark *prompt_mark; /* where the shown prompt starts: it always ends the text */
  GtkTextMark *waited_mark; /* where the board last waited at a prompt: a restart's banner
                             * comes after it (mw_console_note_restart ()) */
  GtkRevealer *jump_revealer;
  GtkWidget *jump_button;
  gboolean follow;
  gboolean snapping;
  gint64 user_input_time; /* of the last scroll, click or key in the view */
  GString *pending;
  /* The board's prompt ("> ", ">> ", or a start of one) at the end of the output: held back
   * from `pending` and shown after the text, so the next prompt replaces it (every command
   * Moonwire sends ends in one) and a typed line is echoed after it (see take_byte ()). */
  GString *prompt;
  gboolean prompt_shown; /* it ended a read: the board waits there */
  gboolean prompt_dirty; /* the view shows another prompt than `prompt` */
  gboolean line_start; /* `pending` ends at a line start */
  gboolean after_restart; /* blank lines up to the banner go (mw_console_note_restart ()) */
  guint64 dropped;
  gsize line_bytes; /* of the last line queued, to break runaway lines */
  guint flush_source;
  guint max_lines;
  gint64 max_flush_us;

  GPtrArray *history;
  guint history_pos;
  char *draft;
};

G_DEFINE_TYPE (MwConsole, mw_console, GTK_TYPE_BOX)

enum
{
  SEND,
  OPEN_LOCATION,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static GRegex *error_regex;
static GRegex *link_regex;

/* Byte positions from GRegex to buffer offsets (characters), walking forward only: matches come
 * in order, so a batch costs one pass over its text. */
typedef struct
{
  const char *text;
  gint byte;
  gint offset;
} OffsetWalker;

static gint
walk_to (OffsetWalker *w, gint byte)
{
  if (byte < w->byte)
    {
      w->byte = 0;
      w->offset = 0;
    }
  w->offset += g_utf8_pointer_to_offset (w->text + w->byte, w->text + byte);
  w->byte = byte;
  return w->offset;
}

static void
tag_matches (MwConsole *self, GRegex *regex, GtkTextTag *tag, const char *text, gint base)
{
  g_autoptr (GMatchInfo) match = NULL;
  OffsetWalker walker = { text, 0, 0 };

  for (g_regex_match (regex, text, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      gint s, e;
      GtkTextIter a, b;

      g_match_info_fetch_pos (match, 0, &s, &e);
      gtk_text_buffer_get_iter_at_offset (self->buffer, &a, base + walk_to (&walker, s));
      gtk_text_buffer_get_iter_at_offset (self->buffer, &b, base + walk_to (&walker, e));
      gtk_text_buffer_apply_tag (self->buffer, tag, &a, &b);
    }
}

static void
scan_lines (MwConsole *self, GtkTextIter *from)
{
  GtkTextIter end, start = *from;
  g_autofree char *text = NULL;
  gint base;

  gtk_text_iter_set_line_offset (&start, 0);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  text = gtk_text_iter_get_slice (&start, &end);
  base = gtk_text_iter_get_offset (&start);
  tag_matches (self, error_regex, self->error_tag, text, base);
  tag_matches (self, link_regex, self->link_tag, text, base);
}

static void
trim_scrollback (MwConsole *self)
{
  gint lines = gtk_text_buffer_get_line_count (self->buffer);

  /* Trim in small steps (a hundredth): deleting tagged lines costs GtkTextView time in
   * proportion to what goes, so many small cuts keep every frame short. */
  if ((guint) lines > self->max_lines + MAX (self->max_lines / 100, 1))
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (self->buffer, &start);
      gtk_text_buffer_get_iter_at_line (self->buffer, &cut, lines - self->max_lines);
      gtk_text_buffer_delete (self->buffer, &start, &cut);
    }
}

/* Following the tail: the view stays at the bottom as the text grows unless the user scrolled
 * up (then a "jump to the end" button shows), and follows again once they are back at the
 * bottom. Only the user's own scrolling (an input event being handled) turns following off: the
 * view's own layout moves the adjustment too, under a flood and as trimmed lines go. This
 * moves the adjustment rather than scrolling to a mark: scrolling to the end mark forces a
 * synchronous layout of the lines above it, hundreds of ms once old lines are trimmed. */
static gboolean
at_bottom (MwConsole *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  return gtk_adjustment_get_value (adj)
         >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 4;
}

static void
snap_to_bottom (MwConsole *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->snapping = TRUE;
  gtk_adjustment_set_value (adj,
                            gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  self->snapping = FALSE;
}

static void
set_follow (MwConsole *self, gboolean follow)
{
  /* Back at the end, the scrolling that brought the view there is over. */
  if (follow)
    self->user_input_time = 0;
  self->follow = follow;
  gtk_revealer_set_reveal_child (self->jump_revealer, !follow);
  g_simple_action_set_enabled (
    G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "jump-to-end")),
    !follow);
}

/* Scrolling by the keyboard or kinetic scrolling animates: its steps come without an event. */
#define USER_SCROLL_GRACE_US (600 * 1000)

static gboolean
user_input_cb (MwConsole *self)
{
  self->user_input_time = g_get_monotonic_time ();
  return GDK_EVENT_PROPAGATE;
}

static gboolean
user_is_scrolling (MwConsole *self)
{
  GdkEvent *event = gtk_get_current_event ();
  gboolean user = g_get_monotonic_time () - self->user_input_time < USER_SCROLL_GRACE_US;

  if (event != NULL)
    {
      switch (gdk_event_get_event_type (event))
        {
          case GDK_SCROLL:
          case GDK_BUTTON_PRESS:
          case GDK_BUTTON_RELEASE:
          case GDK_MOTION_NOTIFY:
          case GDK_KEY_PRESS:
          case GDK_TOUCH_UPDATE:
            user = TRUE;
            break;
          default:
            break;
        }
      gdk_event_free (event);
    }
  return user;
}

static void
adjustment_value_changed_cb (MwConsole *self)
{
  if (self->snapping)
    return;
  if (at_bottom (self))
    set_follow (self, TRUE);
  else if (user_is_scrolling (self))
    set_follow (self, FALSE);
}

static void
adjustment_changed_cb (MwConsole *self)
{
  if (self->follow)
    snap_to_bottom (self);
}

void
mw_console_jump_to_end (MwConsole *self)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  set_follow (self, TRUE);
  snap_to_bottom (self);
}

gboolean
mw_console_get_following (MwConsole *self)
{
  g_return_val_if_fail (MW_IS_CONSOLE (self), FALSE);
  return self->follow;
}

static void
flush_batch (MwConsole *self)
{
  gint64 begin = g_get_monotonic_time ();
  gsize n = MIN (self->pending->len, MAX_BATCH_BYTES);
  GtkTextIter end, prompt_start;
  gint start_offset;

  /* Cut at a character boundary; the rest waits for the next batch. */
  while (n < self->pending->len && n > 0 && (self->pending->str[n] & 0xc0) == 0x80)
    n--;

  /* The prompt shown goes; the text comes in its place and the current prompt after it. */
  gtk_text_buffer_get_iter_at_mark (self->buffer, &prompt_start, self->prompt_mark);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  if (!gtk_text_iter_equal (&prompt_start, &end))
    gtk_text_buffer_delete (self->buffer, &prompt_start, &end);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  start_offset = gtk_text_iter_get_offset (&end);
  if (self->dropped > 0)
    {
      g_autofree char *note = g_strdup_printf ("\n[%" G_GUINT64_FORMAT " bytes of output "
                                               "skipped: the console could not keep up]\n",
                                               self->dropped);
      gtk_text_buffer_insert_with_tags (self->buffer, &end, note, -1, self->note_tag, NULL);
      self->dropped = 0;
    }
  if (n > 0)
    {
      g_autofree char *valid = g_utf8_make_valid (self->pending->str, n);

      gtk_text_buffer_insert (self->buffer, &end, valid, -1);
      g_string_erase (self->pending, 0, n);
    }
  gtk_text_buffer_move_mark (self->buffer, self->prompt_mark, &end);
  if (self->pending->len == 0)
    {
      if (self->prompt->len > 0)
        gtk_text_buffer_move_mark (self->buffer, self->waited_mark, &end);
      gtk_text_buffer_insert_with_tags (self->buffer, &end, self->prompt->str, -1, self->prompt_tag,
                                        NULL);
      self->prompt_dirty = FALSE;
    }

  /* The (hidden) cursor goes with the tail unless the user is selecting: while the view
   * follows, GtkTextView places the input method at the cursor on every scroll step, and a
   * cursor left on a line at the top had that line laid out again each time (a third of a
   * batch's layout turn under perf); the empty last line costs nothing. */
  if (!gtk_text_buffer_get_has_selection (self->buffer))
    {
      gtk_text_buffer_get_end_iter (self->buffer, &end);
      gtk_text_buffer_place_cursor (self->buffer, &end);
    }

  gtk_text_buffer_get_iter_at_offset (self->buffer, &end, start_offset);
  scan_lines (self, &end);
  trim_scrollback (self);
  if (self->follow)
    snap_to_bottom (self);

  self->max_flush_us = MAX (self->max_flush_us, g_get_monotonic_time () - begin);
}

/* While the view follows the tail, GtkTextView lays out every line a batch added in one
 * main-loop turn: its first validation emits "changed" on the adjustment, adjustment_changed_cb
 * snaps to the new bottom, which has the view lay out the next screenful, and so on to the end
 * (gtk_text_layout_validate_yrange under perf). That turn is what the user feels, so batches
 * are small (MAX_BATCH_BYTES), and with a backlog the next one comes from an idle below the
 * view's validation priority: as soon as the last batch is laid out and drawn, never on top of
 * it. Output that comes at a trickle is gathered for FLUSH_INTERVAL_MS first. */
static gboolean
flush_cb (gpointer user_data)
{
  MwConsole *self = user_data;

  self->flush_source = 0;
  flush_batch (self);
  if (self->pending->len > 0 || self->prompt_dirty)
    {
      self->flush_source = g_idle_add_full (FLUSH_PRIORITY, flush_cb, self, NULL);
      g_source_set_name_by_id (self->flush_source, "[moonwire] console flush backlog");
    }
  return G_SOURCE_REMOVE;
}

/* Text for the view, a byte at a time: CR goes (the firmware sends CR LF), control bytes go
 * (markers and line noise mean nothing on screen), and a line that never ends (binary noise, a
 * runaway print) is broken every MAX_LINE_BYTES, before a character: GtkTextView lays a line
 * out whole, again for every batch that makes it longer. */
static void
push_text_byte (MwConsole *self, guchar c)
{
  if (c == '\r' || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
    return;
  if (c != '\n' && self->line_bytes > MAX_LINE_BYTES - 4 && (c & 0xc0) != 0x80)
    {
      g_string_append_c (self->pending, '\n');
      self->line_bytes = 0;
    }
  self->line_bytes = c == '\n' ? 0 : self->line_bytes + 1;
  g_string_append_c (self->pending, c);
  self->line_start = c == '\n';
}

static void
set_prompt (MwConsole *self, const char *prompt, gssize len)
{
  g_string_truncate (self->prompt, 0);
  g_string_append_len (self->prompt, prompt, len);
  self->prompt_dirty = TRUE;
}

static void
commit_prompt (MwConsole *self)
{
  for (gsize i = 0; i < self->prompt->len; i++)
    push_text_byte (self, self->prompt->str[i]);
  set_prompt (self, "", 0);
}

/* The board's prompt: "> " or ">> " at a line start (docs/firmware.md section 1). One that ends
 * a read is the board waiting: it is held as the prompt shown at the end, and the next one
 * replaces it, so the prompts of Moonwire's own commands never pile up. A prompt followed by an
 * empty line (an empty line sent to get a prompt) goes entirely. Output after a prompt the board
 * waited at (a timer's print) starts on its own line, and the prompt goes: the board does not
 * print it again. Within a read, "> " followed by text is just output. */
static void
take_byte (MwConsole *self, guchar c)
{
  static const char *const prompts[] = { "> ", ">> " };

  if (c == '\r')
    return;
  if (self->after_restart && self->line_start && self->prompt->len == 0)
    {
      if (c == '\n')
        return;
      self->after_restart = FALSE;
    }
  if (self->prompt->len > 0)
    {
      gboolean complete = g_str_equal (self->prompt->str, prompts[0])
                          || g_str_equal (self->prompt->str, prompts[1]);

      if (complete && c == '>')
        {
          set_prompt (self, ">", 1);
          self->prompt_shown = FALSE;
          return;
        }
      if (complete && c == '\n')
        {
          set_prompt (self, "", 0);
          return;
        }
      if (!complete)
        {
          g_autofree char *longer = g_strdup_printf ("%s%c", self->prompt->str, c);

          if (g_str_has_prefix (prompts[0], longer) || g_str_has_prefix (prompts[1], longer))
            {
              set_prompt (self, longer, -1);
              return;
            }
        }
      if (complete && self->prompt_shown)
        set_prompt (self, "", 0);
      else
        commit_prompt (self);
    }
  if (c == '>' && self->line_start)
    {
      set_prompt (self, ">", 1);
      self->prompt_shown = FALSE;
      return;
    }
  push_text_byte (self, c);
}

static void
queue_flush (MwConsole *self)
{
  if (self->pending->len > MAX_BACKLOG_BYTES)
    {
      gsize excess = self->pending->len - MAX_BACKLOG_BYTES / 2;

      /* Keep the newest output: drop whole lines from the front of the backlog. */
      const char *nl = memchr (self->pending->str + excess, '\n', self->pending->len - excess);
      if (nl != NULL)
        excess = nl - self->pending->str + 1;
      self->dropped += excess;
      g_string_erase (self->pending, 0, excess);
    }
  if (self->flush_source == 0 && (self->pending->len > 0 || self->prompt_dirty))
    {
      self->flush_source =
        g_timeout_add_full (FLUSH_PRIORITY, FLUSH_INTERVAL_MS, flush_cb, self, NULL);
      g_source_set_name_by_id (self->flush_source, "[moonwire] console flush");
    }
}

void
mw_console_append (MwConsole *self, const char *data, gssize length)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (data != NULL || length == 0);

  if (length < 0)
    length = strlen (data);
  for (gssize i = 0; i < length; i++)
    take_byte (self, data[i]);
  if (self->prompt->len > 0)
    self->prompt_shown = TRUE;
  queue_flush (self);
}

void
mw_console_echo_input (MwConsole *self, const char *line)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (line != NULL);

  /* After the prompt the board shows (it is committed with the line), or on a line of its own
   * when the board printed no prompt (a program still running reads its input). */
  if (self->prompt->len > 0)
    commit_prompt (self);
  else if (!self->line_start)
    push_text_byte (self, '\n');
  for (const char *p = line; *p != '\0'; p++)
    push_text_byte (self, *p);
  push_text_byte (self, '\n');
  queue_flush (self);
}

void
mw_console_echo_command (MwConsole *self, const char *line)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (line != NULL);

  /* The board's REPL starts a command of Moonwire's only at its "> ": a prompt the console
   * holds now (">> " of one of Moonwire's own commands still finishing) is not where it goes. */
  if (self->prompt->len == 0 && !self->line_start)
    push_text_byte (self, '\n');
  set_prompt (self, "> ", 2);
  mw_console_echo_input (self, line);
}

void
mw_console_append_error (MwConsole *self, const char *text)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (text != NULL);

  /* On lines of its own, read like the board's own errors (highlighted, file:line links). */
  set_prompt (self, "", 0);
  if (!self->line_start)
    push_text_byte (self, '\n');
  for (const char *p = text; *p != '\0'; p++)
    push_text_byte (self, *p);
  if (!self->line_start)
    push_text_byte (self, '\n');
  queue_flush (self);
}

void
mw_console_append_note (MwConsole *self, const char *note)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (note != NULL);

  /* A note is a line of its own, without the prompt that went before it. */
  set_prompt (self, "", 0);
  if (!self->line_start)
    push_text_byte (self, '\n');
  mw_console_flush (self);
  {
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (self->buffer, &end);
    gtk_text_buffer_insert_with_tags (self->buffer, &end, note, -1, self->note_tag, NULL);
    gtk_text_buffer_insert (self->buffer, &end, "\n", 1);
    gtk_text_buffer_move_mark (self->buffer, self->prompt_mark, &end);
    if (self->follow)
      snap_to_bottom (self);
  }
}

void
mw_console_note_restart (MwConsole *self, const char *note)
{
  GtkTextIter iter, end;
  gint lines;

  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (note != NULL);

  /* The restart is seen once the banner's first line is in: put the note before that line
   * (among the last few, after the board last waited at a prompt: an older banner is another
   * boot's), not in the middle of the banner. */
  set_prompt (self, "", 0);
  mw_console_flush (self);
  /* Blank lines the board prints as it goes down and comes up are not worth keeping (a real
   * board's come and go with how the boot loader's noise falls into reads). */
  self->after_restart = TRUE;
  for (;;)
    {
      GtkTextIter start;

      gtk_text_buffer_get_end_iter (self->buffer, &end);
      start = end;
      if (!gtk_text_iter_backward_chars (&start, 2))
        break;
      {
        g_autofree char *tail = gtk_text_iter_get_slice (&start, &end);

        if (!g_str_equal (tail, "\n\n"))
          break;
      }
      gtk_text_iter_forward_char (&start);
      gtk_text_buffer_delete (self->buffer, &start, &end);
    }
  lines = gtk_text_buffer_get_line_count (self->buffer);
  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, self->waited_mark);
  for (gint line = lines - 1; line >= MAX (gtk_text_iter_get_line (&iter), lines - 16); line--)
    {
      gtk_text_buffer_get_iter_at_line (self->buffer, &iter, line);
      end = iter;
      if (!gtk_text_iter_forward_chars (&end, 8))
        continue;
      {
        g_autofree char *head = gtk_text_iter_get_slice (&iter, &end);

        if (g_str_equal (head, "NodeMCU "))
          {
            gtk_text_buffer_insert_with_tags (self->buffer, &iter, note, -1, self->note_tag, NULL);
            gtk_text_buffer_insert (self->buffer, &iter, "\n", 1);
            return;
          }
      }
    }
  mw_console_append_note (self, note);
}

void
mw_console_flush (MwConsole *self)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  while (self->pending->len > 0 || self->dropped > 0 || self->prompt_dirty)
    flush_batch (self);
  g_clear_handle_id (&self->flush_source, g_source_remove);
}

void
mw_console_clear (MwConsole *self)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  g_string_truncate (self->pending, 0);
  self->dropped = 0;
  self->line_bytes = 0;
  self->line_start = TRUE;
  gtk_text_buffer_set_text (self->buffer, "", 0);
  /* The prompt the board waits at stays. */
  self->prompt_dirty = self->prompt->len > 0;
  queue_flush (self);
}

/* The history outlives the app: one line each in the user's data folder. */
static char *
history_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "moonwire", "console-history", NULL);
}

static void
history_load (MwConsole *self)
{
  g_autofree char *path = history_path ();
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && g_utf8_validate (lines[i], -1, NULL))
      g_ptr_array_add (self->history, g_strdup (lines[i]));
  self->history_pos = self->history->len;
}

static void
history_save (MwConsole *self)
{
  g_autofree char *path = history_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < self->history->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (self->history, i));
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents (path, text->str, text->len, &error))
    g_debug ("console history not saved: %s", error != NULL ? error->message : g_strerror (errno));
}

gboolean
mw_console_save_log (MwConsole *self, GFile *file, GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (MW_IS_CONSOLE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  mw_console_flush (self);
  text = mw_console_dup_text (self);
  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                  NULL, error);
}

static void
save_log_response_cb (GtkNativeDialog *dialog, gint response, MwConsole *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GError) error = NULL;

      if (!mw_console_save_log (self, file, &error))
        mw_console_append_note (self, error->message);
    }
  g_object_unref (dialog);
}

void
mw_console_save_log_as (MwConsole *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    "Save the Console's Text", GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
    GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");

  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "console.log");
  g_signal_connect_object (dialog, "response", G_CALLBACK (save_log_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The text view's own menu (Copy, Select All) and ours after it. */
static void
populate_popup_cb (MwConsole *self, GtkWidget *popup)
{
  GtkWidget *separator;

  if (!GTK_IS_MENU (popup))
    return; /* a touchscreen's selection popover */
  separator = gtk_separator_menu_item_new ();
  gtk_widget_show (separator);
  gtk_menu_shell_append (GTK_MENU_SHELL (popup), separator);
  for (gint i = 0; i < g_menu_model_get_n_items (self->context_menu); i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;
      GtkWidget *item;

      g_menu_model_get_item_attribute (self->context_menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      g_menu_model_get_item_attribute (self->context_menu, i, G_MENU_ATTRIBUTE_ACTION, "s",
                                       &action);
      item = gtk_menu_item_new_with_mnemonic (label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (item), action);
      gtk_widget_show (item);
      gtk_menu_shell_append (GTK_MENU_SHELL (popup), item);
    }
}

static void
action_clear (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  mw_console_clear (user_data);
}

static void
action_save_log (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  mw_console_save_log_as (user_data);
}

static void
action_jump_to_end (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  mw_console_jump_to_end (user_data);
}

static const GActionEntry console_entries[] = {
  { "clear", action_clear },
  { "save-log", action_save_log },
  { "jump-to-end", action_jump_to_end },
};

static void
save_log_clicked_cb (MwConsole *self)
{
  mw_console_save_log_as (self);
}

static void
history_add (MwConsole *self, const char *line)
{
  if (*line != '\0'
      && (self->history->len == 0
          || g_strcmp0 (g_ptr_array_index (self->history, self->history->len - 1), line) != 0))
    g_ptr_array_add (self->history, g_strdup (line));
  if (self->history->len > 500)
    g_ptr_array_remove_index (self->history, 0);
  self->history_pos = self->history->len;
  g_clear_pointer (&self->draft, g_free);
  if (*line != '\0')
    history_save (self);
}

void
mw_console_send (MwConsole *self, const char *text)
{
  g_auto (GStrv) lines = NULL;

  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (text != NULL);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      /* A trailing newline does not add an empty line; empty lines inside are kept, as the
       * REPL treats them (it re-sends the prompt). */
      if (lines[i + 1] == NULL && *lines[i] == '\0' && i > 0)
        break;
      history_add (self, lines[i]);
      g_signal_emit (self, signals[SEND], 0, lines[i]);
    }
}

static void
input_activate_cb (MwConsole *self)
{
  g_autofree char *text = g_strdup (gtk_entry_get_text (self->input_entry));

  gtk_entry_set_text (self->input_entry, "");
  mw_console_send (self, text);
}

static gboolean
input_key_press_cb (MwConsole *self, GdkEventKey *event)
{
  guint n = self->history->len;

  if (event->keyval == GDK_KEY_Up && self->history_pos > 0)
    {
      if (self->history_pos == n)
        {
          g_free (self->draft);
          self->draft = g_strdup (gtk_entry_get_text (self->input_entry));
        }
      self->history_pos--;
      gtk_entry_set_text (self->input_entry, g_ptr_array_index (self->history, self->history_pos));
      gtk_editable_set_position (GTK_EDITABLE (self->input_entry), -1);
      return GDK_EVENT_STOP;
    }
  if (event->keyval == GDK_KEY_Down && self->history_pos < n)
    {
      self->history_pos++;
      gtk_entry_set_text (self->input_entry,
                          self->history_pos == n
                            ? (self->draft != NULL ? self->draft : "")
                            : g_ptr_array_index (self->history, self->history_pos));
      gtk_editable_set_position (GTK_EDITABLE (self->input_entry), -1);
      return GDK_EVENT_STOP;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
paste_received_cb (GtkClipboard *clipboard, const char *text, gpointer user_data)
{
  g_autoptr (MwConsole) self = user_data;

  if (text == NULL)
    return;
  if (strchr (text, '\n') != NULL)
    {
      /* A multi-line paste is a chunk of code: send it line by line, after what was typed. */
      g_autofree char *all = g_strconcat (gtk_entry_get_text (self->input_entry), text, NULL);

      gtk_entry_set_text (self->input_entry, "");
      mw_console_send (self, all);
    }
  else
    {
      gint pos = gtk_editable_get_position (GTK_EDITABLE (self->input_entry));
      gtk_editable_insert_text (GTK_EDITABLE (self->input_entry), text, -1, &pos);
      gtk_editable_set_position (GTK_EDITABLE (self->input_entry), pos);
    }
}

static void
input_paste_cb (MwConsole *self, GtkEntry *entry)
{
  GtkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (entry), GDK_SELECTION_CLIPBOARD);

  g_signal_stop_emission_by_name (entry, "paste-clipboard");
  gtk_clipboard_request_text (clipboard, paste_received_cb, g_object_ref (self));
}

gboolean
mw_console_activate_link_at (MwConsole *self, gint offset)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  char *colon;

  g_return_val_if_fail (MW_IS_CONSOLE (self), FALSE);

  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, offset);
  if (!gtk_text_iter_has_tag (&start, self->link_tag))
    return FALSE;
  end = start;
  if (!gtk_text_iter_starts_tag (&start, self->link_tag))
    gtk_text_iter_backward_to_tag_toggle (&start, self->link_tag);
  gtk_text_iter_forward_to_tag_toggle (&end, self->link_tag);
  text = gtk_text_iter_get_slice (&start, &end);
  colon = strrchr (text, ':');
  if (colon == NULL)
    return FALSE;
  *colon = '\0';
  g_signal_emit (self, signals[OPEN_LOCATION], 0, text,
                 (guint) g_ascii_strtoull (colon + 1, NULL, 10));
  return TRUE;
}

gboolean
mw_console_is_error_at (MwConsole *self, gint offset)
{
  GtkTextIter iter;

  g_return_val_if_fail (MW_IS_CONSOLE (self), FALSE);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &iter, offset);
  return gtk_text_iter_has_tag (&iter, self->error_tag);
}

static gboolean
offset_at_event (MwConsole *self, gdouble ex, gdouble ey, gint *offset)
{
  GtkTextIter iter;
  gint x, y;

  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET, ex, ey, &x, &y);
  if (!gtk_text_view_get_iter_at_location (self->text_view, &iter, x, y))
    return FALSE;
  *offset = gtk_text_iter_get_offset (&iter);
  return gtk_text_iter_has_tag (&iter, self->link_tag);
}

static gboolean
text_button_release_cb (MwConsole *self, GdkEventButton *event)
{
  GtkTextIter a, b;
  gint offset;

  /* A click, not the end of a selection drag, opens a link. */
  if (event->button != GDK_BUTTON_PRIMARY
      || gtk_text_buffer_get_selection_bounds (self->buffer, &a, &b))
    return GDK_EVENT_PROPAGATE;
  if (offset_at_event (self, event->x, event->y, &offset))
    mw_console_activate_link_at (self, offset);
  return GDK_EVENT_PROPAGATE;
}

static gboolean
text_motion_cb (MwConsole *self, GdkEventMotion *event)
{
  GdkWindow *window = gtk_text_view_get_window (self->text_view, GTK_TEXT_WINDOW_TEXT);
  gint offset;
  g_autoptr (GdkCursor) cursor = NULL;

  if (window == NULL)
    return GDK_EVENT_PROPAGATE;
  cursor = gdk_cursor_new_from_name (gdk_window_get_display (window),
                                     offset_at_event (self, event->x, event->y, &offset) ? "pointer"
                                                                                         : "text");
  gdk_window_set_cursor (window, cursor);
  return GDK_EVENT_PROPAGATE;
}

static void
mw_console_dispose (GObject *object)
{
  MwConsole *self = MW_CONSOLE (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  G_OBJECT_CLASS (mw_console_parent_class)->dispose (object);
}

static void
mw_console_finalize (GObject *object)
{
  MwConsole *self = MW_CONSOLE (object);

  g_clear_object (&self->actions);
  g_string_free (self->pending, TRUE);
  g_string_free (self->prompt, TRUE);
  g_ptr_array_unref (self->history);
  g_free (self->draft);
  G_OBJECT_CLASS (mw_console_parent_class)->finalize (object);
}

static void
mw_console_class_init (MwConsoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_console_dispose;
  object_class->finalize = mw_console_finalize;

  /* "send": a line to send to the board. "open-location": a file:line link was clicked. */
  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[OPEN_LOCATION] = g_signal_new ("open-location", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_STRING, G_TYPE_UINT);

  /* Whole lines: 3.0's prefix, 2.x's bare "stdin:N:"/"name.lua:N:", tracebacks, panics. */
  error_regex = g_regex_new ("^(?:Lua error:.*|stack traceback:.*|\\t(?:\\[C\\]|stdin|\\?|"
                             "[\\w./-]+\\.lua):.*|(?:stdin|\\?|[\\w./-]+\\.l(?:ua|c)):\\d+: .*|"
                             "PANIC: .*|lua: .*)$",
                             G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0, NULL);
  link_regex = g_regex_new ("[\\w.-]+\\.lua:\\d+", G_REGEX_OPTIMIZE, 0, NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-console.ui");
  gtk_widget_class_bind_template_child (widget_class, MwConsole, scroller);
  gtk_widget_class_bind_template_child (widget_class, MwConsole, text_view);
  gtk_widget_class_bind_template_child (widget_class, MwConsole, input_entry);
  gtk_widget_class_bind_template_child (widget_class, MwConsole, context_menu);
  gtk_widget_class_bind_template_child (widget_class, MwConsole, jump_revealer);
  gtk_widget_class_bind_template_child_internal (widget_class, MwConsole, jump_button);
  gtk_widget_class_bind_template_callback (widget_class, mw_console_jump_to_end);
  gtk_widget_class_bind_template_callback (widget_class, input_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, input_key_press_cb);
  gtk_widget_class_bind_template_callback (widget_class, input_paste_cb);
  gtk_widget_class_bind_template_callback (widget_class, mw_console_clear);
  gtk_widget_class_bind_template_callback (widget_class, save_log_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, populate_popup_cb);
}

/* Tag colours come from the theme, lightened on a dark background: Adwaita's error red on the
 * dark style's grey is hard to read. */
static gboolean
is_dark (GtkStyleContext *context)
{
  GdkRGBA fg;

  gtk_style_context_get_color (context, gtk_style_context_get_state (context), &fg);
  /* light text: a dark background */
  return 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;
}

static void
mw_console_style_updated_cb (GtkWidget *widget, MwConsole *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self->text_view));
  gboolean dark = is_dark (context);
  GdkRGBA color;

  if (dark)
    gdk_rgba_parse (&color, "#ff7b72");
  else if (!gtk_style_context_lookup_color (context, "error_color", &color))
    gdk_rgba_parse (&color, "#cc0000");
  g_object_set (self->error_tag, "foreground-rgba", &color, NULL);
  if (dark)
    gdk_rgba_parse (&color, "#78aeed");
  else if (!gtk_style_context_lookup_color (context, "theme_selected_bg_color", &color))
    gdk_rgba_parse (&color, "#1c71d8");
  g_object_set (self->link_tag, "foreground-rgba", &color, NULL);
}

static void
mw_console_init (MwConsole *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), console_entries,
                                   G_N_ELEMENTS (console_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "console", G_ACTION_GROUP (self->actions));
  self->pending = g_string_new (NULL);
  self->prompt = g_string_new (NULL);
  self->line_start = TRUE;
  self->history = g_ptr_array_new_with_free_func (g_free);
  history_load (self);
  self->max_lines = DEFAULT_MAX_LINES;
  self->buffer = gtk_text_view_get_buffer (self->text_view);
  self->error_tag = gtk_text_buffer_create_tag (self->buffer, "error", NULL);
  self->link_tag =
    gtk_text_buffer_create_tag (self->buffer, "link", "underline", PANGO_UNDERLINE_SINGLE, NULL);
  self->note_tag =
    gtk_text_buffer_create_tag (self->buffer, "note", "style", PANGO_STYLE_ITALIC, NULL);
  self->prompt_tag = gtk_text_buffer_create_tag (self->buffer, "prompt", NULL);
  {
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (self->buffer, &end);
    self->prompt_mark = gtk_text_buffer_create_mark (self->buffer, "prompt", &end, TRUE);
    self->waited_mark = gtk_text_buffer_create_mark (self->buffer, "waited", &end, TRUE);
  }
  set_follow (self, TRUE);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (adjustment_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (adjustment_value_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->scroller, "scroll-event", G_CALLBACK (user_input_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->text_view, "key-press-event", G_CALLBACK (user_input_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vscrollbar (self->scroller),
                           "button-press-event", G_CALLBACK (user_input_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->text_view, "button-release-event",
                           G_CALLBACK (text_button_release_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->text_view, "motion-notify-event", G_CALLBACK (text_motion_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "style-updated", G_CALLBACK (mw_console_style_updated_cb), self,
                           0);
}

GtkWidget *
mw_console_new (void)
{
  return g_object_new (MW_TYPE_CONSOLE, NULL);
}

char *
mw_console_dup_text (MwConsole *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (MW_IS_CONSOLE (self), NULL);
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

guint
mw_console_get_line_count (MwConsole *self)
{
  g_return_val_if_fail (MW_IS_CONSOLE (self), 0);
  return gtk_text_buffer_get_line_count (self->buffer);
}

void
mw_console_set_max_lines (MwConsole *self, guint max_lines)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (max_lines > 0);
  self->max_lines = max_lines;
  trim_scrollback (self);
}

GtkTextView *
mw_console_get_text_view (MwConsole *self)
{
  g_return_val_if_fail (MW_IS_CONSOLE (self), NULL);
  return self->text_view;
}

GtkEntry *
mw_console_get_entry (MwConsole *self)
{
  g_return_val_if_fail (MW_IS_CONSOLE (self), NULL);
  return self->input_entry;
}

gint64
mw_console_get_max_flush_us (MwConsole *self)
{
  g_return_val_if_fail (MW_IS_CONSOLE (self), 0);
  return self->max_flush_us;
}

gsize
mw_console_get_pending_bytes (MwConsole *self)
{
  g_return_val_if_fail (MW_IS_CONSOLE (self), 0);
  return self->pending->len;
}
