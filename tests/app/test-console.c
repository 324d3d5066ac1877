/* test-console.c: the REPL console: error highlighting, history, multi-line input, bounded
 * scrollback and batching under a flood. */
#include "mw-config.h"

#include "mw-console.h"
#include "mw-test-app.h"

#include <string.h>

/* Which lines are Lua errors (docs/firmware.md section 1: 3.0 prints "Lua error: \t" before the
 * message, 2.x only the message; runtime errors add a traceback). */
static const struct
{
  const char *line;
  gboolean error;
} error_cases[] = {
  { "Lua error: \tstdin:1: unexpected symbol near '='", TRUE },
  { "stdin:1: unexpected symbol near '='", TRUE },
  { "init.lua:12: attempt to index global 'wifi' (a nil value)", TRUE },
  { "stack traceback:", TRUE },
  { "\t[C]: in function 'dofile'", TRUE },
  { "\tstdin:1: in main chunk", TRUE },
  { "?:0: attempt to call a nil value", TRUE },
  { "lua: cannot open init.lua", TRUE },
  { "PANIC: unprotected error in call to Lua API (not enough memory)", TRUE },
  { "43864", FALSE },
  { "heap\t40120", FALSE },
  { "NodeMCU 3.0.0.0 built with Docker provided by frightanic.com", FALSE },
  { "\tbranch: release", FALSE },
  { "cannot open init.lua: ", FALSE },
  { "print(\"init.lua:3\")", FALSE },
};

static void
test_error_lines (void)
{
  GtkWidget *console = mw_console_new ();
  g_object_ref_sink (console);

  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *text = NULL;
      gint offset;

      mw_console_clear (MW_CONSOLE (console));
      mw_console_append (MW_CONSOLE (console), "> ", -1);
      mw_console_append (MW_CONSOLE (console), error_cases[i].line, -1);
      mw_console_append (MW_CONSOLE (console), "\r\n> ", -1);
      mw_console_flush (MW_CONSOLE (console));
      text = mw_console_dup_text (MW_CONSOLE (console));
      offset = g_utf8_pointer_to_offset (text, strchr (text, '\n')) - 1;
      g_test_message ("%s", error_cases[i].line);
      /* the prompt before and after is never an error */
      g_assert_false (mw_console_is_error_at (MW_CONSOLE (console), 0));
      /* the line itself, checked at its last character */
      mw_console_clear (MW_CONSOLE (console));
      mw_console_append (MW_CONSOLE (console), error_cases[i].line, -1);
      mw_console_append (MW_CONSOLE (console), "\r\n> ", -1);
      mw_console_flush (MW_CONSOLE (console));
      offset = g_utf8_strlen (error_cases[i].line, -1) - 1;
      g_assert_cmpint (mw_console_is_error_at (MW_CONSOLE (console), offset), ==,
                       error_cases[i].error);
    }
  g_object_unref (console);
}

/* An error split across two reads is still found once its line is complete. */
static void
test_split_error (void)
{
  GtkWidget *console = mw_console_new ();
  g_object_ref_sink (console);

  mw_console_append (MW_CONSOLE (console), "> x=\r\nLua err", -1);
  mw_console_flush (MW_CONSOLE (console));
  mw_console_append (MW_CONSOLE (console), "or: \tstdin:1: unexpected symbol near '<eof>'\r\n", -1);
  mw_console_flush (MW_CONSOLE (console));
  g_assert_true (mw_console_is_error_at (MW_CONSOLE (console), 6));
  g_assert_true (mw_console_is_error_at (MW_CONSOLE (console), 30));
  g_object_unref (console);
}

static void
collect_line (GPtrArray *sent, const char *line)
{
  g_ptr_array_add (sent, g_strdup (line));
}

static void
press (GtkEntry *entry, guint keyval)
{
  GdkEvent *event = gdk_event_new (GDK_KEY_PRESS);
  gboolean handled = FALSE;

  event->key.keyval = keyval;
  event->key.window = g_object_ref (gtk_widget_get_window (GTK_WIDGET (entry)));
  gdk_event_set_device (
    event, gdk_seat_get_keyboard (gdk_display_get_default_seat (gdk_display_get_default ())));
  g_signal_emit_by_name (entry, "key-press-event", event, &handled);
  gdk_event_free (event);
}

/* Lines typed and sent join the history; Up and Down walk it and come back to the draft. */
static void
test_history (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *console = mw_console_new ();
  g_autoptr (GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  GtkEntry *entry = mw_console_get_entry (MW_CONSOLE (console));

  gtk_container_add (GTK_CONTAINER (window), console);
  gtk_widget_show (window);
  g_signal_connect_swapped (console, "send", G_CALLBACK (collect_line), sent);

  gtk_entry_set_text (entry, "print(1)");
  g_signal_emit_by_name (entry, "activate");
  gtk_entry_set_text (entry, "=node.heap()");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (sent->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (sent, 1), ==, "=node.heap()");
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "");

  gtk_entry_set_text (entry, "draft");
  press (entry, GDK_KEY_Up);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "=node.heap()");
  press (entry, GDK_KEY_Up);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "print(1)");
  press (entry, GDK_KEY_Up);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "print(1)");
  press (entry, GDK_KEY_Down);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "=node.heap()");
  press (entry, GDK_KEY_Down);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "draft");

  /* A multi-line chunk goes line by line, as the REPL reads it. */
  g_ptr_array_set_size (sent, 0);
  mw_console_send (MW_CONSOLE (console), "for i = 1, 3 do\r\n  print(i)\nend\n");
  g_assert_cmpuint (sent->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (sent, 0), ==, "for i = 1, 3 do");
  g_assert_cmpstr (g_ptr_array_index (sent, 1), ==, "  print(i)");
  g_assert_cmpstr (g_ptr_array_index (sent, 2), ==, "end");

  /* Multi-line paste into the input line sends the chunk. */
  g_ptr_array_set_size (sent, 0);
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (entry), GDK_SELECTION_CLIPBOARD),
                          "a = 1\nb = 2\n", -1);
  gtk_entry_set_text (entry, "");
  g_signal_emit_by_name (entry, "paste-clipboard");
  mw_test_spin (100);
  g_assert_cmpuint (sent->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (sent, 1), ==, "b = 2");
  gtk_widget_destroy (window);
}

/* Scrollback stays bounded and keeps the newest lines. */
static void
test_scrollback (void)
{
  GtkWidget *console = mw_console_new ();
  g_autofree char *text = NULL;
  g_object_ref_sink (console);

  mw_console_set_max_lines (MW_CONSOLE (console), 100);
  for (guint i = 0; i < 5000; i++)
    {
      char line[32];
      g_snprintf (line, sizeof line, "line %u\r\n", i);
      mw_console_append (MW_CONSOLE (console), line, -1);
    }
  mw_console_flush (MW_CONSOLE (console));
  g_assert_cmpuint (mw_console_get_line_count (MW_CONSOLE (console)), <=, 111);
  g_assert_cmpuint (mw_console_get_line_count (MW_CONSOLE (console)), >=, 100);
  text = mw_console_dup_text (MW_CONSOLE (console));
  g_assert_true (g_str_has_suffix (text, "line 4999\n"));
  g_assert_null (strstr (text, "line 100\n"));
  g_object_unref (console);
}

/* A flood (4 MB in a burst, faster than any board) is shown in bounded batches; what the
 * console had to drop is said, not hidden, and the newest output is there. */
static void
test_flood (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *console = mw_console_new ();
  g_autofree char *chunk = g_malloc (4096 + 1);
  g_autofree char *text = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 400);
  gtk_container_add (GTK_CONTAINER (window), console);
  gtk_widget_show (window);
  /* Room for everything shown, so the note about dropped bytes is not scrolled away. */
  mw_console_set_max_lines (MW_CONSOLE (console), 200000);
  for (guint i = 0; i < 4096; i++)
    chunk[i] = i % 64 == 63 ? '\n' : 'a' + i % 26;
  chunk[4096] = '\0';
  for (guint i = 0; i < 1500; i++)
    mw_console_append (MW_CONSOLE (console), chunk, 4096);
  mw_console_append (MW_CONSOLE (console), "the end\n", -1);
  mw_console_flush (MW_CONSOLE (console));
  text = mw_console_dup_text (MW_CONSOLE (console));
  g_assert_true (g_str_has_suffix (text, "the end\n"));
  g_assert_nonnull (strstr (text, "bytes of output skipped"));
  /* 6 MB sent, at most the 4 MB backlog kept: whole 64-byte lines were dropped. */
  g_assert_cmpuint (mw_console_get_line_count (MW_CONSOLE (console)), <=, 4 * 1024 * 1024 / 64 + 8);
  gtk_widget_destroy (window);
}

/* A line that never ends is broken into lines of at most 4 KB, at character boundaries, and
 * nothing of it is lost. */
static void
test_long_line (void)
{
  GtkWidget *console = mw_console_new ();
  g_autoptr (GString) sent = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree char *joined = NULL;

  g_object_ref_sink (console);
  /* 100 KB of two-byte characters and ASCII, in reads that end mid-character. */
  while (sent->len < 100 * 1024)
    g_string_append (sent, sent->len % 3 == 0 ? "\xc3\xa9" : "x");
  for (gsize at = 0; at < sent->len; at += 1001)
    mw_console_append (MW_CONSOLE (console), sent->str + at, MIN (1001, sent->len - at));
  mw_console_append (MW_CONSOLE (console), "\nafter\n", -1);
  mw_console_flush (MW_CONSOLE (console));
  text = mw_console_dup_text (MW_CONSOLE (console));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, sent->len / 4096 + 2);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpuint (strlen (lines[i]), <=, 4096);
  joined = g_strjoinv ("", lines);
  g_assert_true (g_str_has_prefix (joined, sent->str));
  g_assert_cmpstr (joined + sent->len, ==, "after");
  g_object_unref (console);
}

int
main (int argc, char *argv[])
{
  mw_test_app_init (&argc, &argv);
  g_test_add_func ("/mw/app/console/error-lines", test_error_lines);
  g_test_add_func ("/mw/app/console/split-error", test_split_error);
  g_test_add_func ("/mw/app/console/history", test_history);
  g_test_add_func ("/mw/app/console/scrollback", test_scrollback);
  g_test_add_func ("/mw/app/console/flood", test_flood);
  g_test_add_func ("/mw/app/console/long-line", test_long_line);
  return g_test_run ();
}
