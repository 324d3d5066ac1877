/* test-console.c: the REPL console: error highlighting, history, multi-line input, bounded
 * scrollback and batching under a flood. */
#include "mw-config.h"

#include "mw-console.h"
#include "mw-test-app.h"

#include <glib/gstdio.h>
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
      mw_console_append (MW_CONSOLE (console), error_cases[i].line, -1);
      mw_console_append (MW_CONSOLE (console), "\r\n> ", -1);
      mw_console_flush (MW_CONSOLE (console));
      text = mw_console_dup_text (MW_CONSOLE (console));
      g_test_message ("%s", error_cases[i].line);
      /* the prompt after it is never an error */
      offset = g_utf8_strlen (text, -1) - 2;
      g_assert_cmpstr (g_utf8_offset_to_pointer (text, offset), ==, "> ");
      g_assert_false (mw_console_is_error_at (MW_CONSOLE (console), offset));
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

/* The board's prompts (docs/firmware.md section 1) as a terminal would show them, without the
 * ones Moonwire's own commands leave: reads as they come (one string each, "|" between them),
 * typed lines echoed ("<<" before them), and the whole text that shows. */
static const struct
{
  const char *name;
  const char *steps;
  const char *text;
} prompt_cases[] = {
  { "reply", "2\r\n> ", "2\n> " },
  { "prompts-replace-each-other", "> |> |>> |> ", "> " },
  { "split-prompt", "2\r\n>|> ", "2\n>> " },
  { "empty-line-at-prompt", "cannot open init.lua: \r\n> |\r\n> ", "cannot open init.lua: \n> " },
  { "echo-after-prompt", "> |<<=1|1\r\n> ", "> =1\n1\n> " },
  { "continuation", "> |<<for i=1,2 do|>> |<<print(i)|>> |<<end|1\r\n2\r\n> ",
    "> for i=1,2 do\n>> print(i)\n>> end\n1\n2\n> " },
  /* a timer's print while the board waits: on its own line, the prompt gone */
  { "timer-at-prompt", "> |tick\r\n", "tick\n" },
  /* "> " inside a read, followed by text, is output */
  { "prompt-like-output", "a\r\n> b\r\n", "a\n> b\n" },
  { "greater-than-mid-line", "1 > 0\r\n", "1 > 0\n" },
  /* a line typed while a program runs (no prompt): on a line of its own */
  { "echo-without-prompt", "working|<<stop", "working\nstop\n" },
  { "control-bytes", "a\001b\002\003c\r\n", "abc\n" },
};

static void
test_prompts (void)
{
  GtkWidget *console = mw_console_new ();
  g_object_ref_sink (console);

  for (guint i = 0; i < G_N_ELEMENTS (prompt_cases); i++)
    {
      g_auto (GStrv) steps = g_strsplit (prompt_cases[i].steps, "|", -1);
      g_autofree char *text = NULL;

      g_test_message ("%s", prompt_cases[i].name);
      gtk_widget_destroy (console);
      g_object_unref (console);
      console = g_object_ref_sink (mw_console_new ());
      for (guint k = 0; steps[k] != NULL; k++)
        {
          if (g_str_has_prefix (steps[k], "<<"))
            mw_console_echo_input (MW_CONSOLE (console), steps[k] + 2);
          else
            mw_console_append (MW_CONSOLE (console), steps[k], -1);
          /* a flush between steps, or not: the text is the same */
          if (k % 2 == 1)
            mw_console_flush (MW_CONSOLE (console));
        }
      mw_console_flush (MW_CONSOLE (console));
      text = mw_console_dup_text (MW_CONSOLE (console));
      g_assert_cmpstr (text, ==, prompt_cases[i].text);
    }
  gtk_widget_destroy (console);
  g_object_unref (console);
}

static GtkWidget *
find_child (GtkWidget *widget, GType type)
{
  g_autoptr (GList) children = NULL;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  if (!GTK_IS_CONTAINER (widget))
    return NULL;
  children = gtk_container_get_children (GTK_CONTAINER (widget));
  for (GList *l = children; l != NULL; l = l->next)
    {
      GtkWidget *found = find_child (l->data, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
at_end (GtkAdjustment *adj)
{
  return gtk_adjustment_get_value (adj)
         >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1;
}

static gboolean
at_end_cb (gpointer adj)
{
  return at_end (adj);
}

static void
append_lines (MwConsole *console, guint from, guint n)
{
  for (guint i = from; i < from + n; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u\r\n", i);
      mw_console_append (console, line, -1);
    }
  /* as the main loop shows them, batch by batch, with layout in between */
  while (mw_console_get_pending_bytes (console) > 0)
    mw_test_spin (20);
  mw_test_spin (100);
}

/* The view follows the output until the user scrolls up (with the wheel, here); then it stays
 * where they are, a "Jump to the end" button shows, and the button brings it back to
 * following. A restart note follows too. */
static void
test_follow (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  MwConsole *console = MW_CONSOLE (mw_console_new ());
  GtkScrolledWindow *scroller;
  GtkAdjustment *adj;
  GtkWidget *jump = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (console),
                                                                 MW_TYPE_CONSOLE, "jump_button");
  GtkTextView *view;
  GdkEvent *event;
  gdouble kept;

  gtk_window_set_default_size (GTK_WINDOW (window), 600, 300);
  gtk_container_add (GTK_CONTAINER (window), GTK_WIDGET (console));
  gtk_widget_show (window);
  scroller = GTK_SCROLLED_WINDOW (find_child (GTK_WIDGET (console), GTK_TYPE_SCROLLED_WINDOW));
  view = GTK_TEXT_VIEW (find_child (GTK_WIDGET (console), GTK_TYPE_TEXT_VIEW));
  adj = gtk_scrolled_window_get_vadjustment (scroller);
  mw_test_spin (100);

  append_lines (console, 0, 3000);
  g_assert_true (mw_console_get_following (console));
  g_assert_true (at_end (adj));
  g_assert_false (gtk_widget_get_child_visible (gtk_widget_get_parent (jump))
                  && gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (jump))));

  /* The user turns the wheel up: the view stops following and offers the jump. */
  event = gdk_event_new (GDK_SCROLL);
  event->scroll.window = g_object_ref (gtk_text_view_get_window (view, GTK_TEXT_WINDOW_TEXT));
  event->scroll.direction = GDK_SCROLL_UP;
  event->scroll.x = 10;
  event->scroll.y = 10;
  gdk_event_set_device (
    event, gdk_seat_get_pointer (gdk_display_get_default_seat (gdk_display_get_default ())));
  for (int i = 0; i < 5; i++)
    gtk_main_do_event (event);
  gdk_event_free (event);
  mw_test_spin (100);
  g_assert_false (at_end (adj));
  g_assert_false (mw_console_get_following (console));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (jump))));
  kept = gtk_adjustment_get_value (adj);

  /* More output (a flood) and a restart: the view stays where the user is. */
  append_lines (console, 3000, 2000);
  mw_console_note_restart (console, "[the board restarted]");
  append_lines (console, 5000, 100);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adj), kept, 1);
  g_assert_false (mw_console_get_following (console));

  /* Jump to the end: following again, through more output and a restart. */
  gtk_button_clicked (GTK_BUTTON (jump));
  g_assert_true (mw_test_wait_until (at_end_cb, adj, 2000));
  g_assert_true (mw_console_get_following (console));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (jump))));
  append_lines (console, 5100, 2000);
  mw_console_note_restart (console, "[the board restarted]");
  append_lines (console, 7100, 50);
  g_assert_true (mw_test_wait_until (at_end_cb, adj, 2000));
  g_assert_true (mw_console_get_following (console));
  gtk_widget_destroy (window);
}

static gdouble
luminance (const GdkRGBA *c)
{
  return 0.299 * c->red + 0.587 * c->green + 0.114 * c->blue;
}

/* In the dark style, errors are a light red that reads on the dark background. */
static void
test_dark_colors (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *console = mw_console_new ();
  GtkTextTagTable *tags;
  GdkRGBA *error = NULL;

  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  gtk_container_add (GTK_CONTAINER (window), console);
  gtk_widget_show (window);
  mw_test_spin (100);
  tags = gtk_text_buffer_get_tag_table (
    gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_child (console, GTK_TYPE_TEXT_VIEW))));
  g_object_get (gtk_text_tag_table_lookup (tags, "error"), "foreground-rgba", &error, NULL);
  g_assert_cmpfloat (luminance (error), >, 0.5);
  gdk_rgba_free (error);
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  mw_test_spin (100);
  g_object_get (gtk_text_tag_table_lookup (tags, "error"), "foreground-rgba", &error, NULL);
  g_assert_cmpfloat (luminance (error), <, 0.4);
  gdk_rgba_free (error);
  gtk_widget_destroy (window);
}

static void
forget_history (void)
{
  g_autofree char *path =
    g_build_filename (g_get_user_data_dir (), "moonwire", "console-history", NULL);

  g_unlink (path);
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

/* The history outlives the console (the next start of the app has it); Save writes the
 * console's whole text. */
static void
test_history_kept_and_log (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *first = mw_console_new ();
  GtkWidget *second;
  GtkEntry *entry;
  g_autofree char *dir = g_dir_make_tmp ("mw-log-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "console.log", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *saved = NULL;

  gtk_container_add (GTK_CONTAINER (window), first);
  gtk_widget_show_all (window);
  mw_console_send (MW_CONSOLE (first), "a = 1");
  mw_console_send (MW_CONSOLE (first), "=a + 1");
  gtk_widget_destroy (first);

  second = mw_console_new ();
  gtk_container_add (GTK_CONTAINER (window), second);
  gtk_widget_show_all (window);
  entry = mw_console_get_entry (MW_CONSOLE (second));
  press (entry, GDK_KEY_Up);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "=a + 1");
  press (entry, GDK_KEY_Up);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "a = 1");

  mw_console_append (MW_CONSOLE (second), "2\r\n> ", -1);
  g_assert_true (mw_console_save_log (MW_CONSOLE (second), file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_cmpstr (saved, ==, "2\n> ");
  gtk_widget_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

static GtkWidget *
menu_item (GtkWidget *menu, const char *label)
{
  g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (menu));

  for (GList *l = children; l != NULL; l = l->next)
    if (GTK_IS_MENU_ITEM (l->data) && g_strcmp0 (gtk_menu_item_get_label (l->data), label) == 0)
      return l->data;
  g_error ("no menu item %s", label);
}

/* The right-click menu: after the text view's own items (Copy, Select All) come Clear,
 * Save Log… and Jump to the End, on only when the view has stopped following. */
static void
test_context_menu (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  MwConsole *console = MW_CONSOLE (mw_console_new ());
  GtkTextView *view = mw_console_get_text_view (console);
  GtkWidget *menu = gtk_menu_new ();
  g_autofree char *labels = NULL;
  g_autofree char *text = NULL;

  gtk_container_add (GTK_CONTAINER (window), GTK_WIDGET (console));
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 300);
  gtk_widget_show (window);
  mw_console_append (console, "hello\r\n> ", -1);
  mw_console_flush (console);
  mw_test_spin (50);

  /* as GtkTextView does it: its menu, attached to it, handed to "populate-popup" */
  gtk_menu_attach_to_widget (GTK_MENU (menu), GTK_WIDGET (view), NULL);
  gtk_menu_shell_append (GTK_MENU_SHELL (menu), gtk_menu_item_new_with_mnemonic ("_Copy"));
  gtk_widget_show_all (menu);
  g_signal_emit_by_name (view, "populate-popup", menu);
  mw_test_spin (20);
  labels = mw_test_menu_labels (menu);
  g_assert_cmpstr (labels, ==, "_Copy, --, Clea_r, _Save Log…, _Jump to the End (off)");

  gtk_menu_item_activate (GTK_MENU_ITEM (menu_item (menu, "Clea_r")));
  /* the prompt comes back with the next batch: show it now, not after a wait */
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  /* the output is gone; the board's prompt stays, as after Ctrl+L */
  g_assert_cmpstr (text, ==, "> ");
  gtk_widget_destroy (menu);
  gtk_widget_destroy (window);
  mw_test_spin (20);
}

/* A restart seen at the boot loader's noise, before its banner (a reload of the Lua Flash
 * Store, a watchdog reset): the note goes at the end, where the restart is, not before the
 * banner of the boot seen a few lines up. Regression: it was put before that older banner. */
static void
test_restart_note_place (void)
{
  GtkWidget *console = g_object_ref_sink (mw_console_new ());
  g_autofree char *text = NULL;

  mw_console_append (MW_CONSOLE (console),
                     "\r\nNodeMCU 3.0.0.0 built with moonwire-sim\r\n"
                     "\tbranch: release\r\n"
                     " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\r\n"
                     "cannot open init.lua: \r\n> ",
                     -1);
  mw_console_flush (MW_CONSOLE (console));
  mw_console_append (MW_CONSOLE (console), "LFS region updated.  Restarting.\r\n", -1);
  mw_console_note_restart (MW_CONSOLE (console), "[the board restarted]");
  mw_console_append (MW_CONSOLE (console),
                     "\r\nNodeMCU 3.0.0.0 built with moonwire-sim\r\n"
                     "\tbranch: release\r\n"
                     " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\r\n"
                     "cannot open init.lua: \r\n> ",
                     -1);
  mw_console_flush (MW_CONSOLE (console));
  text = mw_console_dup_text (MW_CONSOLE (console));
  g_assert_cmpstr (text, ==,
                   "\nNodeMCU 3.0.0.0 built with moonwire-sim\n"
                   "\tbranch: release\n"
                   " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\n"
                   "cannot open init.lua: \n"
                   "LFS region updated.  Restarting.\n"
                   "[the board restarted]\n"
                   "NodeMCU 3.0.0.0 built with moonwire-sim\n"
                   "\tbranch: release\n"
                   " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\n"
                   "cannot open init.lua: \n"
                   "> ");
  gtk_widget_destroy (console);
  g_object_unref (console);
}

int
main (int argc, char *argv[])
{
  mw_test_app_init (&argc, &argv);
  /* Each run starts without a history of earlier runs. */
  forget_history ();
  g_test_add_func ("/mw/app/console/error-lines", test_error_lines);
  g_test_add_func ("/mw/app/console/split-error", test_split_error);
  g_test_add_func ("/mw/app/console/prompts", test_prompts);
  g_test_add_func ("/mw/app/console/follow", test_follow);
  g_test_add_func ("/mw/app/console/dark-colors", test_dark_colors);
  g_test_add_func ("/mw/app/console/history", test_history);
  g_test_add_func ("/mw/app/console/history-kept-and-log", test_history_kept_and_log);
  g_test_add_func ("/mw/app/console/scrollback", test_scrollback);
  g_test_add_func ("/mw/app/console/flood", test_flood);
  g_test_add_func ("/mw/app/console/long-line", test_long_line);
  g_test_add_func ("/mw/app/console/context-menu", test_context_menu);
  g_test_add_func ("/mw/app/console/restart-note-place", test_restart_note_place);
  return g_test_run ();
}
