/* test-session.c: the console against the simulated NodeMCU as a user sees it: the whole text
 * after a scripted session, each reply once and in order, prompts as a terminal shows them; the
 * view following the output unless the user scrolled up. */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-window.h"

#include <string.h>

static MwApplication *app;

/* The simulator's banner (src/core/sim/mw-sim-vm.c, as the firmware prints it: docs/firmware.md
 * section 1) and the line the firmware prints without an init.lua. */
#define BANNER \
  "NodeMCU 3.0.0.0 built with moonwire-sim\n" \
  "\tbranch: release\n" \
  "\tcommit: 0000000000000000000000000000000000000000\n" \
  "\tRelease: 3.0-release\n" \
  "\tSSL: false\n" \
  "\tbuild type: float\n" \
  "\tLFS: 0x0 bytes total capacity\n" \
  "\tmodules: bit,file,gpio,node,sjson,tmr,uart,wifi\n" \
  " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\n" \
  "cannot open init.lua: \n"

static gboolean
connected (gpointer data)
{
  return mw_connection_is_connected (mw_window_get_connection (data));
}

typedef struct
{
  MwWindow *window;
  const char *tail;
} TailWait;

/* The console's text ends with `tail` (a prompt: the board answered). */
static gboolean
ends_with (gpointer data)
{
  TailWait *wait = data;
  MwConsole *console = mw_window_get_console (wait->window);
  g_autofree char *text = NULL;

  mw_console_flush (console);
  text = mw_console_dup_text (console);
  return g_str_has_suffix (text, wait->tail);
}

static MwWindow *
connect_window (void)
{
  MwWindow *window = mw_window_new (app);

  gtk_window_resize (GTK_WINDOW (window), 1024, 600);
  gtk_widget_show (GTK_WIDGET (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (connected, window, 20000));
  return window;
}

/* Sends `line` as typed and waits until the console ends with `tail`. */
static void
type_line (MwWindow *window, const char *line, const char *tail)
{
  TailWait wait = { window, tail };
  MwConsole *console = mw_window_get_console (window);
  GtkEntry *entry = mw_console_get_entry (console);

  gtk_entry_set_text (entry, line);
  g_signal_emit_by_name (entry, "activate");
  if (!mw_test_wait_until (ends_with, &wait, 10000))
    {
      g_autofree char *text = mw_console_dup_text (console);
      g_error ("after %s, the console does not end with %s:\n%s", line, tail, text);
    }
}

/* Each reply once, in order; continuation prompts; errors; a restart noted before its banner;
 * several lines sent at once each after its own prompt; the prompt shown at the end. */
static void
test_transcript (void)
{
  MwWindow *window = connect_window ();
  MwConsole *console = mw_window_get_console (window);
  g_autofree char *text = NULL;
  static const char expected[] = BANNER "> =1+1\n"
                                        "2\n"
                                        "> for i=1,3 do\n"
                                        ">> print(i)\n"
                                        ">> end\n"
                                        "1\n"
                                        "2\n"
                                        "3\n"
                                        "> x=\n"
                                        ">> print('a')\n"
                                        "a\n"
                                        "> x=)\n"
                                        "Lua error: \tstdin:1: unexpected symbol near ')'\n"
                                        "> error('boom')\n"
                                        "Lua error: \tstdin:1: boom\n"
                                        "stack traceback:\n"
                                        "\t[C]: in function 'error'\n"
                                        "\tstdin:1: in main chunk\n"
                                        "> node.restart()\n"
                                        "[the board restarted]\n" BANNER "> =2+2\n"
                                        "4\n"
                                        "> print('one')\n"
                                        "one\n"
                                        "> print('two')\n"
                                        "two\n"
                                        "> =3*3\n"
                                        "9\n"
                                        "> ";

  /* The banner of the boot seen while connecting, and the prompt. */
  {
    TailWait wait = { window, "cannot open init.lua: \n> " };
    g_assert_true (mw_test_wait_until (ends_with, &wait, 10000));
  }
  type_line (window, "=1+1", "\n2\n> ");
  type_line (window, "for i=1,3 do", "do\n>> ");
  type_line (window, "print(i)", "print(i)\n>> ");
  type_line (window, "end", "3\n> ");
  type_line (window, "x=", "x=\n>> ");
  type_line (window, "print('a')", "a\n> ");
  type_line (window, "x=)", "')'\n> ");
  type_line (window, "error('boom')", "main chunk\n> ");
  type_line (window, "node.restart()", "cannot open init.lua: \n> ");
  type_line (window, "=2+2", "4\n> ");
  /* Ctrl+Enter on a selection of three lines: sent one by one. */
  mw_console_send (console, "print('one')\nprint('two')\n=3*3\n");
  {
    TailWait wait = { window, "9\n> " };
    g_assert_true (mw_test_wait_until (ends_with, &wait, 10000));
  }
  /* Heap samples and other commands of Moonwire's own leave nothing behind. */
  mw_test_spin (2500);
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  g_assert_cmpstr (text, ==, expected);
  {
    g_autofree char *shot = mw_test_screenshot (GTK_WIDGET (window), "moonwire-transcript.png");
    g_test_message ("screenshot: %s", shot);
  }
  gtk_widget_destroy (GTK_WIDGET (window));
}

/* A loop of 3000 prints shows 3000 lines, once each, in order. */
static void
test_flood_once (void)
{
  MwWindow *window = connect_window ();
  MwConsole *console = mw_window_get_console (window);
  g_autofree char *text = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);
  const char *after;

  type_line (window, "for i=1,3000 do print(i) end", "\n3000\n> ");
  g_string_append (expected, "> for i=1,3000 do print(i) end\n");
  for (int i = 1; i <= 3000; i++)
    g_string_append_printf (expected, "%d\n", i);
  g_string_append (expected, "> ");
  text = mw_console_dup_text (console);
  after = strstr (text, "cannot open init.lua: \n");
  g_assert_nonnull (after);
  g_assert_cmpstr (after + strlen ("cannot open init.lua: \n"), ==, expected->str);
  gtk_widget_destroy (GTK_WIDGET (window));
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/session/transcript", test_transcript);
  g_test_add_func ("/mw/app/session/flood-once", test_flood_once);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
