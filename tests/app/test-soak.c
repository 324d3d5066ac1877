/* test-soak.c: the window against a simulated board that keeps running out of memory and
 * restarting, while heap samples, uploads and a console flood are in flight. The window must
 * survive (under AddressSanitizer), the console must show each line of the flood once and in
 * order, and the heap log must record each restart once.
 *
 * Suite "soak", run by bench/soak.sh (not by scripts/test): MOONWIRE_SOAK_SECONDS seconds
 * (default 30). Open: under load the board has been seen going silent for good after many
 * restarts ("no answer from the board" on every retry).
 */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-window.h"

#include <stdlib.h>
#include <string.h>

/* init.lua on the board: counts its boots in a file, floods the console with numbered lines
 * (every 10 ms), and 1.5 s after boot runs out of memory in a timer: the firmware prints the
 * error and restarts 2 s later (docs/sim.md, errors in callbacks), and init.lua runs again. */
static const char init_lua[] =
  "local boot = (tonumber(file.getcontents(\"boots\") or \"0\") or 0) + 1\n"
  "file.putcontents(\"boots\", tostring(boot))\n"
  "local n = 0\n"
  "local flood = tmr.create()\n"
  "flood:alarm(10, tmr.ALARM_AUTO, function()\n"
  "  n = n + 1\n"
  "  print(\"b\" .. boot .. \" l\" .. n)\n"
  "end)\n"
  "tmr.create():alarm(1500, tmr.ALARM_SINGLE, function()\n"
  "  local hog = {}\n"
  "  while true do hog[#hog + 1] = string.rep(\"x\", 1000) .. #hog end\n"
  "end)\n";

static MwApplication *app;

static gboolean
connected (gpointer data)
{
  return mw_board_is_connected (mw_window_get_board (data));
}

static gboolean
action_enabled (MwWindow *window, const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

static gboolean
idle_again (gpointer data)
{
  return !action_enabled (data, "cancel") && action_enabled (data, "upload");
}

typedef struct
{
  MwWindow *window;
  const char *path;
} OpenWait;

static gboolean
is_open (gpointer data)
{
  OpenWait *wait = data;
  g_autoptr (GFile) file = g_file_new_for_path (wait->path);
  return mw_window_find_editor (wait->window, file) != NULL;
}

static MwEditor *
open_file (MwWindow *window, const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  OpenWait wait = { window, path };

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  mw_window_open_file (window, file);
  g_assert_true (mw_test_wait_until (is_open, &wait, 10000));
  return mw_window_find_editor (window, file);
}

/* Runs Lua through the board until it gets an answer: the board may be restarting. */
static char *
exec_retrying (MwBoard *board, const char *code)
{
  for (guint attempt = 0; attempt < 200; attempt++)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) out = NULL;

      /* longer than a boot cycle: an answer fits between two restarts */
      mw_board_exec_async (board, code, 8000, NULL, NULL, NULL, mw_test_store_result_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      out = mw_board_exec_finish (board, result, &error);
      if (out != NULL)
        return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
      g_test_message ("retrying '%s': %s", code, error->message);
      mw_test_spin (100);
    }
  g_error ("the board never answered '%s'", code);
  return NULL;
}

static guint
count_resets (MwBoard *board)
{
  guint n, count = 0;
  const MwHeapEvent *events = mw_heap_log_get_events (mw_board_get_heap_log (board), &n);

  for (guint i = 0; i < n; i++)
    count += events[i].kind == MW_HEAP_EVENT_RESET;
  return count;
}

/* Every "b<boot> l<n>" of the flood in the console's text: none twice, and within a boot in
 * increasing order. Returns how many there were. */
static guint
check_flood (const char *text)
{
  g_autoptr (GRegex) re = g_regex_new ("b([0-9]+) l([0-9]+)\\n", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GHashTable) last = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint count = 0;

  g_regex_match (re, text, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *b = g_match_info_fetch (match, 1);
      g_autofree char *l = g_match_info_fetch (match, 2);
      guint boot = atoi (b), line = atoi (l);
      guint before = GPOINTER_TO_UINT (g_hash_table_lookup (last, GUINT_TO_POINTER (boot)));

      if (line <= before)
        g_error ("b%u l%u comes after b%u l%u: a line twice or out of order", boot, line, boot,
                 before);
      g_hash_table_insert (last, GUINT_TO_POINTER (boot), GUINT_TO_POINTER (line));
      count++;
    }
  return count;
}

static void
test_soak (void)
{
  const char *env = g_getenv ("MOONWIRE_SOAK_SECONDS");
  guint seconds = env != NULL ? (guint) atoi (env) : 30;
  MwWindow *window = mw_window_new (app);
  MwBoard *board = mw_window_get_board (window);
  g_autofree char *dir = g_dir_make_tmp ("mw-soak-XXXXXX", NULL);
  g_autoptr (GString) data = g_string_new ("-- a file uploaded again and again\n");
  g_autofree char *boots = NULL, *text = NULL;
  MwEditor *editor;
  guint uploads = 0, resets, n_samples, flood_lines;
  gint64 end;

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (data, "local v%u = %u\n", i, i * i);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_widget_show (GTK_WIDGET (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (connected, window, 20000));
  g_object_set (mw_window_get_heap_graph (window), "interval", 1, NULL);

  /* the looping program goes on as init.lua, then a reset starts it */
  g_free (exec_retrying (board, "file.remove('boots')"));
  editor = open_file (window, dir, "init.lua", init_lua);
  g_assert_true (mw_window_get_current_editor (window) == editor);
  g_action_group_activate_action (G_ACTION_GROUP (window), "upload", NULL);
  g_assert_true (mw_test_wait_until (idle_again, window, 30000));
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset", NULL);

  /* uploads one after another while the board floods, samples and restarts */
  editor = open_file (window, dir, "data.lua", data->str);
  g_assert_true (mw_window_get_current_editor (window) == editor);
  end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      if (idle_again (window))
        {
          g_action_group_activate_action (G_ACTION_GROUP (window), "upload", NULL);
          uploads++;
        }
      mw_test_spin (200);
    }
  g_assert_true (mw_test_wait_until (idle_again, window, 60000));

  /* stop the loop: no init.lua, then the count of boots it made */
  g_free (exec_retrying (board, "file.remove('init.lua') print('removed')"));
  boots = exec_retrying (board, "uart.write(0, file.getcontents('boots'))");
  resets = count_resets (board);
  mw_heap_log_get_samples (mw_board_get_heap_log (board), &n_samples);
  mw_console_flush (mw_window_get_console (window));
  text = mw_console_dup_text (mw_window_get_console (window));
  flood_lines = check_flood (text);
  g_test_message ("%u s: %s boots, %u resets logged, %u heap samples, %u uploads started, %u "
                  "flood lines in the console",
                  seconds, boots, resets, n_samples, uploads, flood_lines);

  /* the window lived through it all and is still connected */
  g_assert_true (gtk_widget_get_realized (GTK_WIDGET (window)));
  g_assert_true (connected (window));
  /* the reset started boot 1, each boot after came from a restart: each logged once */
  g_assert_cmpuint (atoi (boots), >=, 3);
  g_assert_cmpuint (resets, ==, (guint) atoi (boots));
  /* one a second asked for; the restarts and uploads take their share (18 in 20 s here, one
   * in 20 s when the sampler waited for an idle moment) */
  g_assert_cmpuint (n_samples, >=, seconds / 5);
  g_assert_cmpuint (uploads, >=, 2);
  g_assert_cmpuint (flood_lines, >=, 100);

  g_action_group_activate_action (G_ACTION_GROUP (window), "disconnect", NULL);
  {
    g_autoptr (GList) editors = mw_window_list_editors (window);
    for (GList *l = editors; l != NULL; l = l->next)
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data)), FALSE);
  }
  gtk_widget_destroy (GTK_WIDGET (window));
  mw_test_spin (20);
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/soak/oom-resets", test_soak);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
