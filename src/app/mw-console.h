/* mw-console.h: the REPL console: the board's output stream and an input line. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MW_TYPE_CONSOLE (mw_console_get_type ())
G_DECLARE_FINAL_TYPE (MwConsole, mw_console, MW, CONSOLE, GtkBox)

GtkWidget *mw_console_new (void);
/* Queues output from the board; it reaches the view in batches (see mw-console.c). */
void mw_console_append (MwConsole *self, const char *data, gssize length);
/* A line the user sent, shown after the board's prompt as a terminal would show its echo */
void mw_console_echo_input (MwConsole *self, const char *line);
/* Shows a command Moonwire sends for the user (Run's dofile) after a fresh "> ", whatever
 * prompt is held. */
void mw_console_echo_command (MwConsole *self, const char *line);
/* An error the board reported for a command (a program run from the editor), shown as the
 * board's own errors are: highlighted, with file:line links */
void mw_console_append_error (MwConsole *self, const char *text);
/* A line of Moonwire's own (italic) at the end */
void mw_console_append_note (MwConsole *self, const char *note);
/* A note that the board restarted, before the banner that told (when it is in) */
void mw_console_note_restart (MwConsole *self, const char *note);
/* Whether the view follows the output (the user has not scrolled up) */
gboolean mw_console_get_following (MwConsole *self);
/* Back to the end of the output, following it again */
void mw_console_jump_to_end (MwConsole *self);
/* Writes the console's whole text to `file` */
gboolean mw_console_save_log (MwConsole *self, GFile *file, GError **error);
/* Asks where to save the console's text, and saves it there (win.save-console-log, and the
 * console's Save button) */
void mw_console_save_log_as (MwConsole *self);
/* Shows everything queued now (tests, and before reading the text). */
void mw_console_flush (MwConsole *self);
void mw_console_clear (MwConsole *self);
/* Sends text as if typed: one "send" signal per line, and the lines join the history. */
void mw_console_send (MwConsole *self, const char *text);
char *mw_console_dup_text (MwConsole *self);
guint mw_console_get_line_count (MwConsole *self);
void mw_console_set_max_lines (MwConsole *self, guint max_lines);
/* Opens the file:line reference at a 0-based character offset of the text, if there is one. */
gboolean mw_console_activate_link_at (MwConsole *self, gint offset);
/* Whether the character at `offset` is highlighted as part of a Lua error */
gboolean mw_console_is_error_at (MwConsole *self, gint offset);
GtkEntry *mw_console_get_entry (MwConsole *self);
/* The output's view (its right-click menu adds console.clear, console.save-log and
 * console.jump-to-end to the view's own Copy and Select All) */
GtkTextView *mw_console_get_text_view (MwConsole *self);
/* Output queued but not shown yet */
gsize mw_console_get_pending_bytes (MwConsole *self);
/* The largest time one batch took to show, in microseconds (the benchmark reads it) */
gint64 mw_console_get_max_flush_us (MwConsole *self);

G_END_DECLS
