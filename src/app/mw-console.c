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

  GtkTextBuffer *buffer;
  GtkTextTag *error_tag;
  GtkTextTag *link_tag;
  GtkTextTag *note_tag;
  gboolean follow;
  GString *pending;
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

/* Following the tail: while the view is at the bottom when a batch comes, it stays there as
 * the text grows. This moves the adjustment rather than scrolling to a mark: scrolling to the
 * end mark forces a synchronous layout of the lines above it, hundreds of ms once old lines
 * are trimmed. The layout settles between batches, so "at the bottom" is checked then. */
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

  gtk_adjustment_set_value (adj,
                            gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

static void
adjustment_changed_cb (MwConsole *self)
{
  if (self->follow)
    snap_to_bottom (self);
}

static void
flush_batch (MwConsole *self)
{
  gint64 begin = g_get_monotonic_time ();
  gsize n = MIN (self->pending->len, MAX_BATCH_BYTES);

  self->follow = at_bottom (self);
  GtkTextIter end;
  gint start_offset;

  /* Cut at a character boundary; the rest waits for the next batch. */
  while (n < self->pending->len && n > 0 && (self->pending->str[n] & 0xc0) == 0x80)
    n--;

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
  if (self->pending->len > 0)
    {
      self->flush_source = g_idle_add_full (FLUSH_PRIORITY, flush_cb, self, NULL);
      g_source_set_name_by_id (self->flush_source, "[moonwire] console flush backlog");
    }
  return G_SOURCE_REMOVE;
}

void
mw_console_append (MwConsole *self, const char *data, gssize length)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  g_return_if_fail (data != NULL || length == 0);

  if (length < 0)
    length = strlen (data);
  for (gssize i = 0; i < length; i++)
    {
      guchar c = data[i];

      /* The firmware sends CR LF; a lone CR or other control bytes would only confuse the
       * view. Tabs and newlines stay. */
      if (c == '\r')
        continue;
      /* A line that never ends (binary noise, a runaway print) is broken into lines of at
       * most MAX_LINE_BYTES, before a character (room for 4 bytes): GtkTextView lays a line
       * out whole, again for every batch that makes it longer. */
      if (c == '\n')
        self->line_bytes = 0;
      else if (self->line_bytes > MAX_LINE_BYTES - 4 && (c & 0xc0) != 0x80)
        {
          g_string_append_c (self->pending, '\n');
          self->line_bytes = 0;
        }
      if (c < 0x20 && c != '\n' && c != '\t')
        {
          g_string_append (self->pending, "\xef\xbf\xbd");
          self->line_bytes += 3;
        }
      else
        {
          g_string_append_c (self->pending, c);
          self->line_bytes += c != '\n';
        }
    }
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
  if (self->flush_source == 0)
    {
      self->flush_source =
        g_timeout_add_full (FLUSH_PRIORITY, FLUSH_INTERVAL_MS, flush_cb, self, NULL);
      g_source_set_name_by_id (self->flush_source, "[moonwire] console flush");
    }
}

void
mw_console_flush (MwConsole *self)
{
  g_return_if_fail (MW_IS_CONSOLE (self));
  while (self->pending->len > 0 || self->dropped > 0)
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
  gtk_text_buffer_set_text (self->buffer, "", 0);
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

  g_string_free (self->pending, TRUE);
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
  gtk_widget_class_bind_template_callback (widget_class, input_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, input_key_press_cb);
  gtk_widget_class_bind_template_callback (widget_class, input_paste_cb);
  gtk_widget_class_bind_template_callback (widget_class, mw_console_clear);
}

/* Tag colours come from the theme, so errors and links read well in the dark style too. */
static void
mw_console_style_updated_cb (GtkWidget *widget, MwConsole *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA color;

  if (!gtk_style_context_lookup_color (context, "error_color", &color))
    gdk_rgba_parse (&color, "#cc0000");
  g_object_set (self->error_tag, "foreground-rgba", &color, NULL);
  if (!gtk_style_context_lookup_color (context, "theme_selected_bg_color", &color))
    gdk_rgba_parse (&color, "#3584e4");
  g_object_set (self->link_tag, "foreground-rgba", &color, NULL);
}

static void
mw_console_init (MwConsole *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pending = g_string_new (NULL);
  self->history = g_ptr_array_new_with_free_func (g_free);
  self->max_lines = DEFAULT_MAX_LINES;
  self->buffer = gtk_text_view_get_buffer (self->text_view);
  self->error_tag = gtk_text_buffer_create_tag (self->buffer, "error", NULL);
  self->link_tag =
    gtk_text_buffer_create_tag (self->buffer, "link", "underline", PANGO_UNDERLINE_SINGLE, NULL);
  self->note_tag =
    gtk_text_buffer_create_tag (self->buffer, "note", "style", PANGO_STYLE_ITALIC, NULL);
  self->follow = TRUE;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (adjustment_changed_cb), self, G_CONNECT_SWAPPED);

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
