/* test-window.c: the real Moonwire window under Xvfb, driven through its actions and widgets.
 *
 * Oracles: luac5.1 for where and what a syntax mark says; the files on disk for saving; the
 * widgets' own state for jumps and guards. Board actions are in test-board.c.
 */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-pipeline-dialog.h"
#include "mw-preferences-dialog.h"
#include "mw-window.h"

#include "mw-lua-diagnostic.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static MwApplication *app;

static MwWindow *
new_window (void)
{
  MwWindow *window = mw_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_widget_show (GTK_WIDGET (window));
  mw_test_spin (50);
  return window;
}

typedef struct
{
  MwWindow *window;
  guint n_tabs;
} TabWait;

static gboolean
has_tabs (gpointer data)
{
  TabWait *wait = data;
  g_autoptr (GList) editors = mw_window_list_editors (wait->window);
  return g_list_length (editors) >= wait->n_tabs;
}

static MwEditor *
open_and_wait (MwWindow *window, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GList) before = mw_window_list_editors (window);
  TabWait wait = { window, g_list_length (before) + 1 };

  mw_window_open_file (window, file);
  if (!mw_test_wait_until (has_tabs, &wait, 10000))
    g_error ("%s did not open (%u tabs, wanted %u): %s", path,
             g_list_length (mw_window_list_editors (window)), wait.n_tabs,
             mw_window_get_message (window));
  return mw_window_find_editor (window, file);
}

static gboolean
editor_checked (gpointer data)
{
  return mw_editor_get_diagnostics (data) != NULL;
}

/* Waits for the first check of an editor's text. */
static void
wait_checked (MwEditor *editor)
{
  g_assert_true (mw_test_wait_until (editor_checked, editor, 5000));
}

static gboolean
wait_flag (gpointer data)
{
  return *(gboolean *) data;
}

static void
set_flag (gboolean *flag)
{
  *flag = TRUE;
}

/* Waits for the next check of the text (after an edit). */
static void
wait_next_check (MwEditor *editor)
{
  gboolean done = FALSE;
  gulong id =
    g_signal_connect_swapped (editor, "diagnostics-changed", G_CALLBACK (set_flag), &done);

  g_assert_true (mw_test_wait_until (wait_flag, &done, 5000));
  g_signal_handler_disconnect (editor, id);
}

static char *
buffer_text (MwEditor *editor)
{
  return mw_document_dup_text (mw_editor_get_document (editor));
}

static guint
cursor_line (MwEditor *editor)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  return gtk_text_iter_get_line (&iter) + 1;
}

static void
destroy_window (MwWindow *window)
{
  g_autoptr (GList) editors = mw_window_list_editors (window);

  /* Tests leave documents modified on purpose; drop the changes before closing. */
  for (GList *l = editors; l != NULL; l = l->next)
    gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data)), FALSE);
  gtk_widget_destroy (GTK_WIDGET (window));
  mw_test_spin (20);
}

/* Every main action exists and has a keyboard shortcut. */
static const struct
{
  const char *action;
  gboolean needs_device;
} main_actions[] = {
  { "win.new", FALSE },           { "win.open", FALSE },
  { "win.save", FALSE },          { "win.save-as", FALSE },
  { "win.close-tab", FALSE },     { "win.find", FALSE },
  { "win.replace", FALSE },       { "win.clear-console", FALSE },
  { "win.focus-console", FALSE }, { "win.show-help-overlay", FALSE },
  { "app.preferences", FALSE },   { "app.quit", FALSE },
  { "win.connect", FALSE },       { "win.disconnect", TRUE },
  { "win.reset", TRUE },          { "win.upload", TRUE },
  { "win.compile-upload", TRUE }, { "win.run", TRUE },
  { "win.send-selection", TRUE },
};

static gboolean
has_shortcuts_window (gpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gboolean found = FALSE;

  for (GList *l = toplevels; l != NULL; l = l->next)
    found |= GTK_IS_SHORTCUTS_WINDOW (l->data) && gtk_widget_get_visible (l->data);
  g_list_free (toplevels);
  return found == GPOINTER_TO_INT (data);
}

static void
test_actions (void)
{
  MwWindow *window = new_window ();

  for (guint i = 0; i < G_N_ELEMENTS (main_actions); i++)
    {
      const char *name = main_actions[i].action;
      g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), name);
      GActionGroup *group = g_str_has_prefix (name, "app.") ? G_ACTION_GROUP (app)
                                                            : G_ACTION_GROUP (window);

      g_test_message ("%s", name);
      g_assert_true (g_action_group_has_action (group, name + 4));
      g_assert_nonnull (accels);
      g_assert_nonnull (accels[0]);
      /* Board actions wait for a board; Connect is the one way in. */
      if (main_actions[i].needs_device)
        g_assert_false (g_action_group_get_action_enabled (group, name + 4));
      if (g_str_equal (name, "win.connect"))
        g_assert_true (g_action_group_get_action_enabled (group, name + 4));
    }

  /* The shortcuts window opens, and goes away when closed. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  g_assert_true (mw_test_wait_until (has_shortcuts_window, GINT_TO_POINTER (TRUE), 3000));
  {
    GList *toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      if (GTK_IS_SHORTCUTS_WINDOW (l->data))
        gtk_widget_hide (l->data);
    g_list_free (toplevels);
  }
  g_assert_true (mw_test_wait_until (has_shortcuts_window, GINT_TO_POINTER (FALSE), 3000));

  /* The simulated board is in the port chooser and chosen when no board is configured. */
  g_assert_cmpstr (gtk_combo_box_get_active_id (mw_window_get_port_combo (window)), ==,
                   MW_BOARD_SIMULATED_PORT);
  destroy_window (window);
}

static void
test_open_file (void)
{
  MwWindow *window = new_window ();
  g_autofree char *path = mw_test_data_path ("app/data/blink.lua");
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  MwEditor *editor;
  GtkSourceLanguage *language;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  editor = open_and_wait (window, path);
  g_assert_nonnull (editor);
  text = buffer_text (editor);
  g_assert_cmpstr (text, ==, contents);
  title = mw_editor_dup_title (editor);
  g_assert_cmpstr (title, ==, "blink.lua");
  language = gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (mw_editor_get_document (editor)));
  g_assert_nonnull (language);
  g_assert_cmpstr (gtk_source_language_get_id (language), ==, "lua");
  g_assert_true (mw_window_get_current_editor (window) == editor);

  /* A valid file gets no marks. */
  wait_checked (editor);
  g_assert_cmpuint (mw_editor_get_diagnostics (editor)->len, ==, 0);
  g_assert_cmpuint (mw_problems_view_get_count (mw_window_get_problems_view (window)), ==, 0);

  /* Opening it again shows the same tab. */
  {
    g_autoptr (GFile) file = g_file_new_for_path (path);
    g_autoptr (GList) editors = NULL;

    mw_window_new_document (window);
    mw_window_open_file (window, file);
    editors = mw_window_list_editors (window);
    g_assert_cmpuint (g_list_length (editors), ==, 2);
    g_assert_true (mw_window_get_current_editor (window) == editor);
  }
  destroy_window (window);
}

/* The mark sits on the line luac5.1 names, and its tooltip carries luac's message. */
static void
test_syntax_mark (void)
{
  MwWindow *window = new_window ();
  g_autofree char *path = mw_test_data_path ("app/data/syntax-error.lua");
  g_autofree char *contents = NULL;
  g_autofree char *luac_message = NULL;
  g_autofree char *tooltip = NULL;
  g_auto (GStrv) parts = NULL;
  MwProblemsView *problems = mw_window_get_problems_view (window);
  MwEditor *editor;
  guint line;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_false (mw_test_luac_check_source ("syntax-error.lua", contents, length, &luac_message));
  /* luac: "syntax-error.lua:5: ')' expected (to close '(' at line 4) near 'end'" */
  parts = g_strsplit (luac_message, ":", 3);
  line = atoi (parts[1]);
  g_strstrip (parts[2]);

  editor = open_and_wait (window, path);
  wait_checked (editor);
  g_assert_cmpuint (mw_editor_get_diagnostics (editor)->len, ==, 1);
  tooltip = mw_editor_dup_mark_tooltip (editor, line);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, parts[2]));
  g_assert_null (mw_editor_dup_mark_tooltip (editor, line - 1));

  /* The Problems list has it; a click jumps to it. */
  g_assert_cmpuint (mw_problems_view_get_count (problems), ==, 1);
  mw_editor_goto (editor, 1, 0);
  g_assert_true (mw_problems_view_activate (problems, 0));
  g_assert_cmpuint (cursor_line (editor), ==, line);
  destroy_window (window);
}

/* A hazard desktop Lua accepts and the firmware does not: 51 locals in one function. */
static void
test_firmware_limit_mark (void)
{
  MwWindow *window = new_window ();
  g_autoptr (GString) source = g_string_new ("-- too many locals for the board\n");
  g_autofree char *path = mw_test_tmp_path ("locals.lua");
  g_autofree char *tooltip = NULL;
  MwEditor *editor;
  const MwLuaDiagnostic *diag;

  for (guint i = 0; i < 51; i++)
    g_string_append_printf (source, "local v%u = %u\n", i, i);
  g_assert_true (mw_test_luac_check_source ("locals.lua", source->str, source->len, NULL));
  g_assert_true (g_file_set_contents (path, source->str, source->len, NULL));

  editor = open_and_wait (window, path);
  wait_checked (editor);
  g_assert_cmpuint (mw_editor_get_diagnostics (editor)->len, >=, 1);
  diag = NULL;
  for (guint i = 0; i < mw_editor_get_diagnostics (editor)->len; i++)
    {
      const MwLuaDiagnostic *d = g_ptr_array_index (mw_editor_get_diagnostics (editor), i);
      if (g_strcmp0 (d->code, MW_LUA_CODE_FIRMWARE_LOCALS) == 0)
        diag = d;
    }
  g_assert_nonnull (diag);
  tooltip = mw_editor_dup_mark_tooltip (editor, diag->line);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, MW_LUA_CODE_FIRMWARE_LOCALS));
  destroy_window (window);
}

/* `moonwire-cli lint --formatter=json ARG` run in `cwd` (where it looks for a .luacheckrc), with
 * no other option: the findings the app must show. */
static JsonArray *
cli_lint_json (const char *cwd, const char *arg)
{
  const char *argv[] = { g_getenv ("MOONWIRE_CLI"), "lint", "--formatter=json", arg, NULL };
  g_autofree char *out = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (cwd, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, NULL, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The tooltip of the marks on `line`, as the findings on that line would make it: "code message"
 * each, once (the message names the bytes at stake), sorted so as to compare as sets. */
static char *
sorted_lines (GPtrArray *lines)
{
  GString *text = g_string_new (NULL);

  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", (char *) lines->pdata[i]);
  return g_string_free (text, FALSE);
}

static void
assert_marks_equal (MwEditor *editor, JsonArray *findings)
{
  guint n = json_array_get_length (findings);

  g_assert_cmpuint (mw_editor_get_diagnostics (editor)->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      guint line = json_object_get_int_member (json_array_get_object_element (findings, i), "line");
      g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *tooltip = mw_editor_dup_mark_tooltip (editor, line);
      g_auto (GStrv) parts = NULL;
      g_autofree char *want_text = NULL, *got_text = NULL;

      for (guint j = 0; j < n; j++)
        {
          JsonObject *o = json_array_get_object_element (findings, j);
          if ((guint) json_object_get_int_member (o, "line") == line)
            g_ptr_array_add (want,
                             g_strdup_printf ("%s %s", json_object_get_string_member (o, "code"),
                                              json_object_get_string_member (o, "message")));
        }
      g_assert_nonnull (tooltip);
      parts = g_strsplit (tooltip, "\n", -1);
      for (guint j = 0; parts[j] != NULL; j++)
        g_ptr_array_add (got, g_strdup (parts[j]));
      want_text = sorted_lines (want);
      got_text = sorted_lines (got);
      g_assert_cmpstr (got_text, ==, want_text);
    }
}

/* Lint marks: the findings moonwire-cli lint reports for the file, with the same defaults, are
 * the marks on their lines, each tooltip the code and the message once. */
static void
test_lint_marks (void)
{
  MwWindow *window = new_window ();
  g_autofree char *path = mw_test_data_path ("app/data/hazards.lua");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (JsonArray) findings = cli_lint_json (dir, path);
  MwEditor *editor;

  g_assert_cmpuint (json_array_get_length (findings), >=, 2); /* W111 and W801 at least */
  editor = open_and_wait (window, path);
  wait_checked (editor);
  assert_marks_equal (editor, findings);
  g_assert_cmpuint (mw_problems_view_get_count (mw_window_get_problems_view (window)), ==,
                    json_array_get_length (findings));
  destroy_window (window);
}

static gboolean
message_has (gpointer data)
{
  const char *msg = mw_window_get_message (g_object_get_data (data, "mw-window"));
  return msg != NULL && strstr (msg, "Checked") != NULL;
}

/* The Problems rows `findings` (the CLI's JSON) make: "file:line", code, message, bytes. */
static char *
expected_problems (JsonArray *findings, const char *dir)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *o = json_array_get_object_element (findings, i);
      const char *file = json_object_get_string_member (o, "file");

      g_assert_true (g_str_has_prefix (file, dir));
      g_string_append_printf (text, "%s:%" G_GINT64_FORMAT "\t%s\t%s\t", file + strlen (dir) + 1,
                              json_object_get_int_member (o, "line"),
                              json_object_get_string_member (o, "code"),
                              json_object_get_string_member (o, "message"));
      if (!json_object_get_null_member (o, "bytes"))
        g_string_append_printf (text, "%" G_GINT64_FORMAT " B",
                                json_object_get_int_member (o, "bytes"));
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/* The findings of one file among the CLI's */
static JsonArray *
findings_of (JsonArray *findings, const char *file)
{
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (findings); i++)
    if (g_strcmp0 (
          json_object_get_string_member (json_array_get_object_element (findings, i), "file"), file)
        == 0)
      json_array_add_element (out, json_array_dup_element (findings, i));
  return out;
}

/* The project folder: the Problems list equals `moonwire-cli lint --formatter=json FOLDER` run
 * there, row for row, with the folder's .luacheckrc and the same upvalue threshold (a chain of
 * closures over five upvalues is one W701); an editor on a file of the folder has the same
 * marks; a row of a file that is not open opens it at the line. */
static void
test_check_folder (void)
{
  MwWindow *window = new_window ();
  g_autofree char *dir = g_dir_make_tmp ("mw-project-XXXXXX", NULL);
  g_autofree char *sub = g_build_filename (dir, "lib", NULL);
  g_autofree char *a = g_build_filename (dir, "init.lua", NULL);
  g_autofree char *b = g_build_filename (sub, "util.lua", NULL);
  g_autofree char *c = g_build_filename (dir, "sensor.lua", NULL);
  g_autofree char *bad = g_build_filename (dir, "broken.lua", NULL);
  g_autofree char *rc = g_build_filename (dir, ".luacheckrc", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autoptr (JsonArray) findings = NULL;
  g_autofree char *want = NULL, *got = NULL;
  MwProblemsView *problems = mw_window_get_problems_view (window);
  GObject *holder = g_object_new (G_TYPE_OBJECT, NULL);
  guint n_w701 = 0;

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (a,
                                      "config = { ssid = \"x\" }\ndofile(\"util.lua\")\n"
                                      "tmr.delay(100)\nstate = 1\n",
                                      -1, NULL));
  g_assert_true (
    g_file_set_contents (b, "local unused = 1\nfunction helper(x) return x end\n", -1, NULL));
  g_assert_true (g_file_set_contents (c,
                                      "local a, b, c, d, e = 1, 2, 3, 4, 5\n"
                                      "local function reader()\n"
                                      "  return function() return a + b + c + d + e end\n"
                                      "end\n"
                                      "return reader\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (bad, "print(\"unfinished\"\n", -1, NULL));
  g_assert_true (g_file_set_contents (rc, "ignore = { \"801\" }\n", -1, NULL));
  findings = cli_lint_json (dir, dir);
  want = expected_problems (findings, dir);
  g_test_message ("moonwire-cli lint:\n%s", want);
  for (guint i = 0; i < json_array_get_length (findings); i++)
    n_w701 +=
      g_strcmp0 (
        json_object_get_string_member (json_array_get_object_element (findings, i), "code"), "W701")
      == 0;
  g_assert_cmpuint (n_w701, ==, 1);
  g_assert_null (strstr (want, "W801")); /* the .luacheckrc ignores it */
  g_assert_nonnull (strstr (want, "W111"));

  g_object_set_data (holder, "mw-window", window);
  mw_window_check_folder (window, folder);
  g_assert_true (mw_test_wait_until (message_has, holder, 10000));
  got = mw_problems_view_dup_text (problems);
  g_assert_cmpstr (got, ==, want);

  /* the editor looks up the same .luacheckrc */
  {
    g_autoptr (JsonArray) mine = findings_of (findings, a);
    MwEditor *editor = open_and_wait (window, a);

    wait_checked (editor);
    g_assert_cmpuint (json_array_get_length (mine), >=, 2);
    assert_marks_equal (editor, mine);
  }
  {
    g_autoptr (JsonArray) mine = findings_of (findings, c);
    MwEditor *editor = open_and_wait (window, c);

    wait_checked (editor);
    g_assert_cmpuint (json_array_get_length (mine), ==, 1);
    assert_marks_equal (editor, mine);
  }

  /* Activate the first row: its file opens with the cursor on the finding's line. */
  {
    g_autoptr (GList) before = mw_window_list_editors (window);
    TabWait wait = { window, g_list_length (before) + 1 };
    JsonObject *first = json_array_get_object_element (findings, 0);
    MwEditor *editor;

    g_assert_cmpstr (json_object_get_string_member (first, "file"), ==, bad);
    g_assert_true (mw_problems_view_activate (problems, 0));
    g_assert_true (mw_test_wait_until (has_tabs, &wait, 10000));
    editor = mw_window_get_current_editor (window);
    g_assert_nonnull (editor);
    g_assert_cmpuint (cursor_line (editor), ==, json_object_get_int_member (first, "line"));
  }
  g_object_unref (holder);
  destroy_window (window);
  g_remove (a);
  g_remove (b);
  g_remove (c);
  g_remove (bad);
  g_remove (rc);
  g_rmdir (sub);
  g_rmdir (dir);
}

/* Typing refreshes the marks after a pause: break the file, then mend it. */
static void
test_marks_follow_typing (void)
{
  MwWindow *window = new_window ();
  g_autofree char *path = mw_test_data_path ("app/data/blink.lua");
  MwEditor *editor = open_and_wait (window, path);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
  GtkTextIter iter;
  g_autofree char *tooltip = NULL;
  guint error_line;

  wait_checked (editor);
  g_assert_cmpuint (mw_editor_get_diagnostics (editor)->len, ==, 0);

  gtk_text_buffer_get_iter_at_line (buffer, &iter, 2);
  gtk_text_buffer_insert (buffer, &iter, "gpio.mode(led,\n", -1);
  wait_next_check (editor);
  g_assert_cmpuint (mw_editor_get_diagnostics (editor)->len, ==, 1);
  {
    g_autofree char *text = buffer_text (editor);
    g_autofree char *message = NULL;
    g_auto (GStrv) parts = NULL;

    g_assert_false (mw_test_luac_check_source ("blink.lua", text, strlen (text), &message));
    parts = g_strsplit (message, ":", 3);
    error_line = atoi (parts[1]);
    tooltip = mw_editor_dup_mark_tooltip (editor, error_line);
    g_assert_nonnull (tooltip);
    g_assert_nonnull (strstr (tooltip, g_strstrip (parts[2])));
  }
  g_assert_cmpuint (mw_window_count_unsaved (window), ==, 1);

  gtk_text_buffer_get_iter_at_line (buffer, &iter, 2);
  {
    GtkTextIter end = iter;
    gtk_text_iter_forward_line (&end);
    gtk_text_buffer_delete (buffer, &iter, &end);
  }
  wait_next_check (editor);
  g_assert_cmpuint (mw_editor_get_diagnostics (editor)->len, ==, 0);
  g_assert_null (mw_editor_dup_mark_tooltip (editor, error_line));
  destroy_window (window);
}

static gboolean
has_dialog (gpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gboolean found = FALSE;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_window_get_transient_for (l->data) == data
        && gtk_widget_get_visible (l->data))
      {
        *(GtkDialog **) g_object_get_data (G_OBJECT (data), "mw-dialog") = l->data;
        found = TRUE;
      }
  g_list_free (toplevels);
  return found;
}

static gboolean
file_saved (gpointer data)
{
  return !gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (mw_editor_get_document (data)));
}

/* Closing with unsaved changes asks; Cancel keeps everything; Save writes the file. */
static void
test_unsaved_guard (void)
{
  MwWindow *window = new_window ();
  g_autofree char *src = mw_test_data_path ("app/data/blink.lua");
  g_autofree char *path = mw_test_tmp_path ("guarded.lua");
  g_autofree char *contents = NULL;
  g_autofree char *on_disk = NULL;
  g_autofree char *text = NULL;
  GtkDialog *dialog = NULL;
  MwEditor *editor;
  GtkTextIter end;
  GtkTextBuffer *buffer;

  g_assert_true (g_file_get_contents (src, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_object_set_data (G_OBJECT (window), "mw-dialog", &dialog);

  editor = open_and_wait (window, path);
  buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "print('saved')\n", -1);
  g_assert_cmpuint (mw_window_count_unsaved (window), ==, 1);

  mw_window_request_close (window);
  g_assert_true (mw_test_wait_until (has_dialog, window, 3000));
  gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
  mw_test_spin (20);
  g_assert_nonnull (window);
  g_assert_cmpuint (mw_window_count_unsaved (window), ==, 1);

  /* Closing the tab asks too; Save writes the text and closes it. */
  dialog = NULL;
  g_action_group_activate_action (G_ACTION_GROUP (window), "close-tab", NULL);
  g_assert_true (mw_test_wait_until (has_dialog, window, 3000));
  text = buffer_text (editor);
  g_object_ref (editor);
  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  g_assert_true (mw_test_wait_until (file_saved, editor, 5000));
  g_object_unref (editor);
  mw_test_spin (50);
  g_assert_true (g_file_get_contents (path, &on_disk, NULL, NULL));
  g_assert_cmpstr (on_disk, ==, text);
  {
    g_autoptr (GList) editors = mw_window_list_editors (window);
    g_assert_null (editors);
  }
  destroy_window (window);
}

/* A `file.lua:line` reference in a Lua error jumps to the editor. */
static void
test_console_link (void)
{
  MwWindow *window = new_window ();
  g_autofree char *path = mw_test_data_path ("app/data/blink.lua");
  MwEditor *editor = open_and_wait (window, path);
  MwConsole *console = mw_window_get_console (window);
  const char *output = "> dofile(\"blink.lua\")\r\n"
                       "Lua error: \tblink.lua:8: attempt to call field 'write' (a nil value)\r\n"
                       "stack traceback:\r\n\t[C]: in function 'dofile'\r\n> ";
  g_autofree char *text = NULL;
  const char *at;
  gint offset;

  mw_editor_goto (editor, 1, 0);
  mw_console_append (console, output, -1);
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  g_assert_null (strchr (text, '\r'));
  at = strstr (text, "blink.lua:8");
  g_assert_nonnull (at);
  offset = g_utf8_pointer_to_offset (text, at);
  g_assert_true (mw_console_is_error_at (console, offset));
  g_assert_false (mw_console_is_error_at (console, 2));
  g_assert_true (mw_console_activate_link_at (console, offset + 2));
  g_assert_cmpuint (cursor_line (editor), ==, 8);
  destroy_window (window);
}

/* The Memory view's jump to a function's line opens the file when no tab holds it: here from
 * a subfolder of the project folder. */
static void
test_heap_source_not_open (void)
{
  MwWindow *window = new_window ();
  GSettings *settings = mw_application_get_settings (app);
  g_autofree char *src = mw_test_data_path ("app/data/blink.lua");
  g_autofree char *project = mw_test_tmp_path ("heap-project");
  g_autofree char *sub = g_build_filename (project, "lib", NULL);
  g_autofree char *path = g_build_filename (sub, "blink.lua", NULL);
  g_autofree char *old = g_settings_get_string (settings, "recent-project");
  g_autofree char *contents = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  TabWait wait = { window, 1 };
  MwEditor *editor;

  g_assert_true (g_file_get_contents (src, &contents, NULL, NULL));
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_settings_set_string (settings, "recent-project", project);

  g_signal_emit_by_name (mw_window_get_memory_view (window), "open-location", "blink.lua", 8);
  g_assert_true (mw_test_wait_until (has_tabs, &wait, 10000));
  editor = mw_window_find_editor (window, file);
  g_assert_nonnull (editor);
  g_assert_true (mw_window_get_current_editor (window) == editor);
  g_assert_cmpuint (cursor_line (editor), ==, 8);

  /* a name nowhere to be found says so */
  g_signal_emit_by_name (mw_window_get_memory_view (window), "open-location", "gone.lua", 3);
  g_assert_cmpstr (mw_window_get_message (window), ==,
                   "gone.lua is neither open in an editor nor in the project folder.");
  g_settings_set_string (settings, "recent-project", old);
  destroy_window (window);
}

static gboolean
five_matches (gpointer data)
{
  return mw_editor_get_match_count (data) == 5;
}

static void
test_find_replace (void)
{
  MwWindow *window = new_window ();
  g_autofree char *path = mw_test_data_path ("app/data/blink.lua");
  MwEditor *editor = open_and_wait (window, path);
  g_autofree char *text = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (window), "replace", NULL);
  mw_editor_set_search_text (editor, "count");
  /* GtkSourceView counts matches in the background. */
  g_assert_true (mw_test_wait_until (five_matches, editor, 5000));
  mw_editor_find_next (editor);
  {
    GtkTextIter a, b;
    g_autofree char *sel = NULL;
    g_assert_true (gtk_text_buffer_get_selection_bounds (
      GTK_TEXT_BUFFER (mw_editor_get_document (editor)), &a, &b));
    sel = gtk_text_iter_get_text (&a, &b);
    g_assert_cmpstr (sel, ==, "count");
  }
  mw_editor_replace_all (editor);
  text = buffer_text (editor);
  g_assert_null (strstr (text, "count"));
  destroy_window (window);
}

static gboolean
mw_test_settings_prefer_dark (void)
{
  gboolean dark = FALSE;

  g_object_get (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", &dark, NULL);
  return dark;
}

static void
take_screenshot (gboolean dark)
{
  GSettings *settings = mw_application_get_settings (app);
  MwWindow *window;
  g_autofree char *path = mw_test_data_path ("app/data/syntax-error.lua");
  g_autofree char *shot = NULL;
  MwEditor *editor;
  MwHeapGraph *graph;
  gint64 t0 = 1700000000LL * G_USEC_PER_SEC;

  /* The user's path to the dark style: the preference, bound to GtkSettings. */
  g_settings_set_boolean (settings, "prefer-dark", dark);
  g_assert_true (mw_test_settings_prefer_dark () == dark);
  window = new_window ();
  editor = open_and_wait (window, path);
  wait_checked (editor);
  mw_console_append (mw_window_get_console (window),
                     "NodeMCU 3.0.0.0 built with Docker provided by frightanic.com\r\n"
                     "> print(node.heap())\r\n43864\r\n"
                     "> dofile(\"syntax-error.lua\")\r\n"
                     "Lua error: \tsyntax-error.lua:5: ')' expected (to close '(' at line 4) "
                     "near 'end'\r\n> ",
                     -1);
  mw_console_flush (mw_window_get_console (window));
  graph = mw_window_get_heap_graph (window);
  for (guint i = 0; i < 600; i++)
    mw_heap_graph_add_sample (graph, t0 + i * G_USEC_PER_SEC,
                              43864 - i * 2 - (i % 37) * 9 + (i > 300 ? 400 : 0));
  mw_heap_graph_add_marker (graph, t0 + 300 * G_USEC_PER_SEC, MW_HEAP_EVENT_UPLOAD, "init.lua");
  if (dark)
    g_action_group_activate_action (G_ACTION_GROUP (window), "show-heap", NULL);
  mw_test_spin (300);
  shot = mw_test_screenshot (GTK_WIDGET (window),
                             dark ? "moonwire-window-dark.png" : "moonwire-window.png");
  g_test_message ("screenshot: %s", shot);
  g_assert_true (g_file_test (shot, G_FILE_TEST_EXISTS));
  destroy_window (window);
  g_settings_set_boolean (settings, "prefer-dark", FALSE);
}

/* Closing a tab and then switching to the dark style must not touch the closed editor. */
static void
test_close_tab_then_dark (void)
{
  MwWindow *window = new_window ();
  g_autofree char *path = mw_test_data_path ("app/data/blink.lua");
  MwEditor *editor = open_and_wait (window, path);

  wait_checked (editor);
  mw_window_new_document (window);
  gtk_notebook_set_current_page (GTK_NOTEBOOK (gtk_widget_get_parent (GTK_WIDGET (editor))), 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "close-tab", NULL);
  mw_test_spin (100);
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  mw_test_spin (100);
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
  destroy_window (window);
}

static gboolean
find_preferences (gpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (MW_IS_PREFERENCES_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      *(GtkWidget **) data = l->data;
  g_list_free (toplevels);
  return *(GtkWidget **) data != NULL;
}

static void
find_switches (GtkWidget *widget, gpointer data)
{
  if (GTK_IS_SWITCH (widget))
    g_ptr_array_add (data, widget);
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_switches, data);
}

/* Preferences are GSettings: a switch in the dialog changes its key at once (the last switch
 * is the dark style), and the key changes GTK's dark preference. */
static void
test_preferences (void)
{
  MwWindow *window = new_window ();
  GSettings *settings = mw_application_get_settings (app);
  GtkWidget *dialog = NULL;
  g_autoptr (GPtrArray) switches = g_ptr_array_new ();
  GtkSwitch *dark;

  g_assert_false (g_settings_get_boolean (settings, "prefer-dark"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (mw_test_wait_until (find_preferences, &dialog, 3000));
  find_switches (dialog, switches);
  g_assert_cmpuint (switches->len, ==, 6);
  dark = g_ptr_array_index (switches, switches->len - 1);
  gtk_switch_set_active (dark, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "prefer-dark"));
  g_assert_true (mw_test_settings_prefer_dark ());
  gtk_switch_set_active (dark, FALSE);
  g_assert_false (mw_test_settings_prefer_dark ());
  gtk_widget_destroy (dialog);
  destroy_window (window);
}

static GtkWidget *
find_action_button (GtkWidget *widget, const char *action)
{
  if (GTK_IS_BUTTON (widget) && GTK_IS_ACTIONABLE (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l != NULL; l = l->next)
        {
          GtkWidget *found = find_action_button (l->data, action);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

static void
assert_tooltip (MwWindow *window, const char *action, const char *expected)
{
  GtkWidget *button = find_action_button (gtk_window_get_titlebar (GTK_WINDOW (window)), action);
  g_autofree char *tooltip = NULL;

  g_assert_nonnull (button);
  tooltip = gtk_widget_get_tooltip_text (button);
  g_assert_cmpstr (tooltip, ==, expected);
}

static gboolean
save_enabled (gpointer data)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (data), "save");
}

/* A header bar button that cannot act says why on hover: no board, no file. */
/* The first GtkTreeView inside `widget` */
static GtkWidget *
find_tree_view (GtkWidget *widget)
{
  GtkWidget *found = NULL;

  if (GTK_IS_TREE_VIEW (widget))
    return widget;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

      for (GList *l = children; l != NULL && found == NULL; l = l->next)
        found = find_tree_view (l->data);
    }
  return found;
}

/* Board file names are the board's bytes: the list shows control characters escaped and bytes
 * that are not UTF-8 as U+FFFD (Pango refused them with a warning), and actions still get the
 * name as it is. */
static void
test_odd_board_names (void)
{
  MwWindow *window = new_window ();
  MwFileBrowser *browser = mw_window_get_file_browser (window);
  static const char *const names[] = { "a\377b.lua", "l\nb", "ok.lua" };
  static const gint64 sizes[] = { 3, 4, 5 };
  static const char *const shown[] = { "a\357\277\275b.lua", "l\\nb", "ok.lua" };
  GtkTreeModel *model;
  GtkTreeIter iter;
  guint row = 0;

  mw_file_browser_set_files (browser, names, sizes, G_N_ELEMENTS (names));
  mw_test_spin (100);
  model = gtk_tree_view_get_model (GTK_TREE_VIEW (find_tree_view (GTK_WIDGET (browser))));
  for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok;
       ok = gtk_tree_model_iter_next (model, &iter), row++)
    {
      g_autofree char *name = NULL;
      g_autofree char *text = NULL;

      gtk_tree_model_get (model, &iter, 0, &name, 4, &text, -1);
      g_assert_cmpstr (name, ==, names[row]);
      g_assert_cmpstr (text, ==, shown[row]);
    }
  g_assert_cmpuint (row, ==, G_N_ELEMENTS (names));
  g_assert_cmpint (mw_file_browser_lookup (browser, "l\nb"), ==, 4);
  /* a message quoting such a name */
  mw_window_show_message (window, GTK_MESSAGE_ERROR, "no such file on the board: a\377b.lua");
  mw_test_spin (50);
  g_assert_cmpstr (mw_window_get_message (window), ==,
                   "no such file on the board: a\357\277\275b.lua");
  destroy_window (window);
}

static void
test_disabled_tooltips (void)
{
  MwWindow *window = new_window ();
  MwEditor *editor;

  assert_tooltip (
    window, "win.upload",
    "Upload the file to the board (Ctrl+U)\nNot connected: connect to a board first.");
  assert_tooltip (window, "win.run",
                  "Run the file on the board (Ctrl+R)\nNot connected: connect to a board first.");
  assert_tooltip (window, "win.reset",
                  "Reset the board (Ctrl+Shift+R)\nNot connected: connect to a board first.");
  assert_tooltip (window, "win.save", "Save the file (Ctrl+S)\nNo file: open or create one first.");
  assert_tooltip (window, "win.connect", "Connect to the board (Ctrl+K)");
  editor = mw_window_new_document (window);
  /* the window looks at its new tab once the notebook has switched to it */
  g_assert_true (mw_test_wait_until (save_enabled, window, 5000));
  assert_tooltip (window, "win.save", "Save the file (Ctrl+S)");
  assert_tooltip (
    window, "win.upload",
    "Upload the file to the board (Ctrl+U)\nNot connected: connect to a board first.");
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (mw_editor_get_document (editor)), FALSE);
  destroy_window (window);
}

static gboolean
has_problems (gpointer data)
{
  return mw_problems_view_get_count (data) > 0;
}

/* A Problems row's right-click menu copies the row as the list shows it and goes to its line. */
static void
test_problems_menu (void)
{
  MwWindow *window = new_window ();
  MwProblemsView *problems = mw_window_get_problems_view (window);
  g_autofree char *dir = g_dir_make_tmp ("mw-problems-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "menu.lua", NULL);
  g_autofree char *labels = NULL;
  g_autofree char *copied = NULL;
  MwEditor *editor;
  GtkWidget *menu;
  g_autoptr (GList) items = NULL;
  GtkTextIter cursor;
  GtkTextBuffer *buffer;

  /* line 3 sets a global: W111, the only finding */
  g_assert_true (g_file_set_contents (path, "local a = 1\nprint(a)\ncounter = 0\n", -1, NULL));
  editor = open_and_wait (window, path);
  g_assert_true (mw_test_wait_until (has_problems, problems, 10000));
  g_assert_cmpuint (mw_problems_view_get_count (problems), ==, 1);
  mw_editor_goto (editor, 1, 0);

  menu = mw_problems_view_get_row_menu (problems, 0);
  g_assert_nonnull (menu);
  labels = mw_test_menu_labels (menu);
  g_assert_cmpstr (labels, ==, "_Copy Message, _Go to Line");
  items = gtk_container_get_children (GTK_CONTAINER (menu));
  gtk_menu_item_activate (items->data);
  mw_test_spin (20);
  copied = gtk_clipboard_wait_for_text (gtk_clipboard_get (GDK_SELECTION_CLIPBOARD));
  {
    /* the row's location, code and message: the editor's one finding */
    const MwLuaDiagnostic *diag = g_ptr_array_index (mw_editor_get_diagnostics (editor), 0);
    g_autofree char *expected = g_strdup_printf ("menu.lua:3: W111 %s", diag->message);

    g_assert_cmpuint (diag->line, ==, 3);
    g_assert_cmpstr (diag->code, ==, "W111");
    g_assert_cmpstr (copied, ==, expected);
  }
  gtk_menu_item_activate (items->next->data);
  mw_test_spin (20);
  buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_line (&cursor), ==, 2);
  destroy_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

static GtkSourceStyleSchemeChooser *
find_scheme_button (GtkWidget *widget)
{
  if (GTK_SOURCE_IS_STYLE_SCHEME_CHOOSER_BUTTON (widget))
    return GTK_SOURCE_STYLE_SCHEME_CHOOSER (widget);
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l != NULL; l = l->next)
        {
          GtkSourceStyleSchemeChooser *found = find_scheme_button (l->data);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

/* Preferences name the scheme the editors show: Moonwire Dark under the dark style with the default
 * scheme (the key stays the default), Classic again without it; another choice is kept as is. */
static void
test_preferences_dark_scheme (void)
{
  MwWindow *window = new_window ();
  MwEditor *editor = mw_window_new_document (window);
  GSettings *settings = mw_application_get_settings (app);
  GtkWidget *dialog = NULL;
  GtkSourceStyleSchemeChooser *chooser;
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (mw_editor_get_document (editor));
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  g_autofree char *id = NULL;

  g_settings_set_string (settings, "style-scheme", "classic");
  g_settings_set_boolean (settings, "prefer-dark", TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (mw_test_wait_until (find_preferences, &dialog, 3000));
  chooser = find_scheme_button (dialog);
  g_assert_nonnull (chooser);
  g_assert_cmpstr (
    gtk_source_style_scheme_get_name (gtk_source_style_scheme_chooser_get_style_scheme (chooser)),
    ==, "Moonwire Dark");
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)), ==,
                   "moonwire-dark");
  id = g_settings_get_string (settings, "style-scheme");
  g_assert_cmpstr (id, ==, "classic");

  g_settings_set_boolean (settings, "prefer-dark", FALSE);
  g_assert_cmpstr (
    gtk_source_style_scheme_get_name (gtk_source_style_scheme_chooser_get_style_scheme (chooser)),
    ==, "Classic");
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)), ==,
                   "classic");
  g_clear_pointer (&id, g_free);
  id = g_settings_get_string (settings, "style-scheme");
  g_assert_cmpstr (id, ==, "classic");

  /* a scheme chosen in the dialog is what the key and the editors get, dark or not */
  gtk_source_style_scheme_chooser_set_style_scheme (
    chooser, gtk_source_style_scheme_manager_get_scheme (manager, "cobalt"));
  g_settings_set_boolean (settings, "prefer-dark", TRUE);
  g_assert_cmpstr (
    gtk_source_style_scheme_get_name (gtk_source_style_scheme_chooser_get_style_scheme (chooser)),
    ==, "Cobalt");
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)), ==,
                   "cobalt");
  g_clear_pointer (&id, g_free);
  id = g_settings_get_string (settings, "style-scheme");
  g_assert_cmpstr (id, ==, "cobalt");

  g_settings_reset (settings, "style-scheme");
  g_settings_reset (settings, "prefer-dark");
  gtk_widget_destroy (dialog);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (buffer), FALSE);
  destroy_window (window);
}

/* WCAG 2 relative luminance and contrast ratio */
static double
channel (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
contrast (const char *a, const char *b)
{
  GdkRGBA x, y;
  double lx, ly;

  g_assert_true (gdk_rgba_parse (&x, a));
  g_assert_true (gdk_rgba_parse (&y, b));
  lx = 0.2126 * channel (x.red) + 0.7152 * channel (x.green) + 0.0722 * channel (x.blue);
  ly = 0.2126 * channel (y.red) + 0.7152 * channel (y.green) + 0.0722 * channel (y.blue);
  return (MAX (lx, ly) + 0.05) / (MIN (lx, ly) + 0.05);
}

static char *
style_color (GtkSourceStyleScheme *scheme, const char *id, const char *property)
{
  GtkSourceStyle *style = gtk_source_style_scheme_get_style (scheme, id);
  char *color = NULL;

  g_assert_nonnull (style);
  g_object_get (style, property, &color, NULL);
  g_assert_nonnull (color);
  return color;
}

/* Under the dark style the editors' comments read on the current line (Oblivion had 2:1). */
static void
test_dark_comment_contrast (void)
{
  MwWindow *window = new_window ();
  GSettings *settings = mw_application_get_settings (app);
  MwEditor *editor = mw_window_new_document (window);
  GtkSourceStyleScheme *scheme;
  g_autofree char *comment = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  g_autofree char *numbers = NULL;
  g_autofree char *gutter = NULL;

  g_settings_set_boolean (settings, "prefer-dark", TRUE);
  scheme = gtk_source_buffer_get_style_scheme (GTK_SOURCE_BUFFER (mw_editor_get_document (editor)));
  g_assert_cmpstr (gtk_source_style_scheme_get_id (scheme), ==, "moonwire-dark");
  comment = style_color (scheme, "def:comment", "foreground");
  line = style_color (scheme, "current-line", "background");
  text = style_color (scheme, "text", "background");
  numbers = style_color (scheme, "line-numbers", "foreground");
  gutter = style_color (scheme, "line-numbers", "background");
  g_test_message ("comment %s on current line %s: %.2f, on text %s: %.2f; numbers %.2f", comment,
                  line, contrast (comment, line), text, contrast (comment, text),
                  contrast (numbers, gutter));
  g_assert_cmpfloat (contrast (comment, line), >=, 4.0);
  g_assert_cmpfloat (contrast (comment, text), >=, 4.5);
  g_assert_cmpfloat (contrast (numbers, gutter), >=, 4.5);
  g_settings_reset (settings, "prefer-dark");
  destroy_window (window);
}

/* The default port's hint reads whole in its entry (it was cut at "els…"). */
static void
test_preferences_port_hint (void)
{
  MwWindow *window = new_window ();
  GtkWidget *dialog = NULL;
  GtkEntry *entry;
  GdkRectangle area;
  PangoRectangle logical;
  g_autoptr (PangoLayout) layout = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (mw_test_wait_until (find_preferences, &dialog, 3000));
  entry = GTK_ENTRY (
    gtk_widget_get_template_child (dialog, MW_TYPE_PREFERENCES_DIALOG, "default_port_entry"));
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (entry), ==, "First board found, or simulated");
  gtk_container_check_resize (GTK_CONTAINER (dialog));
  layout =
    gtk_widget_create_pango_layout (GTK_WIDGET (entry), gtk_entry_get_placeholder_text (entry));
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  gtk_entry_get_text_area (entry, &area);
  g_test_message ("hint %d px in %d", logical.width, area.width);
  g_assert_cmpint (logical.width, <=, area.width);
  gtk_widget_destroy (dialog);
  destroy_window (window);
}

/* The text beside each switch under `widget`, in order, each followed by "|" */
static void
collect_switch_labels (GtkWidget *widget, gpointer data)
{
  if (GTK_IS_SWITCH (widget))
    {
      g_autoptr (GList) row =
        gtk_container_get_children (GTK_CONTAINER (gtk_widget_get_parent (widget)));

      for (GList *l = row; l != NULL; l = l->next)
        if (GTK_IS_LABEL (l->data))
          {
            g_string_append (data, gtk_label_get_text (l->data));
            g_string_append_c (data, '|');
            break;
          }
    }
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_switch_labels, data);
}

/* The upload pipeline's steps read the same in Preferences (the defaults) and in the folder's
 * pipeline dialog ("Lint before uploading" and "on the host" against "Lint first" and "on
 * this machine"). */
static void
test_pipeline_labels_agree (void)
{
  MwWindow *window = new_window ();
  GtkWidget *dialog = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mw-pipe-XXXXXX", NULL);
  GtkWidget *pipeline =
    mw_pipeline_dialog_new (GTK_WINDOW (window), mw_application_get_settings (app), dir);
  g_autoptr (GString) prefs = g_string_new (NULL);
  g_autoptr (GString) folder = g_string_new (NULL);
  static const char steps[] = "Lint first (errors stop the upload)|Minify (verified)|"
                              "Compile to .lc on this machine|Strip debug information|"
                              "Remove the .lua after compiling|";

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (mw_test_wait_until (find_preferences, &dialog, 3000));
  collect_switch_labels (dialog, prefs);
  collect_switch_labels (pipeline, folder);
  g_assert_cmpstr (prefs->str, ==,
                   "Lint first (errors stop the upload)|Minify (verified)|"
                   "Compile to .lc on this machine|Strip debug information|"
                   "Remove the .lua after compiling|Dark style|");
  g_assert_cmpstr (folder->str, ==, steps);
  gtk_widget_destroy (pipeline);
  gtk_widget_destroy (dialog);
  destroy_window (window);
  g_rmdir (dir);
}

/* The heap graph's marker labels read on its background in both styles (the reset's orange
 * was 3.5:1 on white, the run's green 2:1, the snapshot's purple 2.3:1 on the dark base). */
static void
test_heap_marker_contrast (void)
{
  static const MwHeapEventKind kinds[] = { MW_HEAP_EVENT_UPLOAD,  MW_HEAP_EVENT_RUN,
                                           MW_HEAP_EVENT_RESET,   MW_HEAP_EVENT_SNAPSHOT,
                                           MW_HEAP_EVENT_CONNECT, MW_HEAP_EVENT_DISCONNECT };
  MwWindow *window = new_window ();
  GSettings *settings = mw_application_get_settings (app);
  MwHeapGraph *graph = mw_window_get_heap_graph (window);
  GtkWidget *area =
    GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (graph), MW_TYPE_HEAP_GRAPH, "area"));

  for (guint dark = 0; dark <= 1; dark++)
    {
      GdkRGBA base;
      g_autofree char *base_text = NULL;

      g_settings_set_boolean (settings, "prefer-dark", dark);
      g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (area),
                                                     "theme_base_color", &base));
      /* the style in force is the one asked for */
      g_assert_cmpint (0.299 * base.red + 0.587 * base.green + 0.114 * base.blue < 0.5, ==, dark);
      base_text = gdk_rgba_to_string (&base);
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        {
          GdkRGBA color;
          g_autofree char *text = NULL;

          mw_heap_graph_get_marker_color (graph, kinds[i], &color);
          text = gdk_rgba_to_string (&color);
          g_test_message ("%s: %s on %s: %.2f", mw_heap_event_kind_to_string (kinds[i]), text,
                          base_text, contrast (text, base_text));
          g_assert_cmpfloat (contrast (text, base_text), >=, 4.5);
        }
    }
  g_settings_reset (settings, "prefer-dark");
  destroy_window (window);
}

static void
test_screenshot (void)
{
  take_screenshot (FALSE);
}

static void
test_screenshot_dark (void)
{
  take_screenshot (TRUE);
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();

  g_test_add_func ("/mw/app/window/actions", test_actions);
  g_test_add_func ("/mw/app/window/open-file", test_open_file);
  g_test_add_func ("/mw/app/window/syntax-mark", test_syntax_mark);
  g_test_add_func ("/mw/app/window/firmware-limit-mark", test_firmware_limit_mark);
  g_test_add_func ("/mw/app/window/lint-marks", test_lint_marks);
  g_test_add_func ("/mw/app/window/check-folder", test_check_folder);
  g_test_add_func ("/mw/app/window/marks-follow-typing", test_marks_follow_typing);
  g_test_add_func ("/mw/app/window/unsaved-guard", test_unsaved_guard);
  g_test_add_func ("/mw/app/window/console-link", test_console_link);
  g_test_add_func ("/mw/app/window/heap-source-not-open", test_heap_source_not_open);
  g_test_add_func ("/mw/app/window/find-replace", test_find_replace);
  g_test_add_func ("/mw/app/window/close-tab-then-dark", test_close_tab_then_dark);
  g_test_add_func ("/mw/app/window/preferences", test_preferences);
  g_test_add_func ("/mw/app/window/odd-board-names", test_odd_board_names);
  g_test_add_func ("/mw/app/window/disabled-tooltips", test_disabled_tooltips);
  g_test_add_func ("/mw/app/window/dark-comment-contrast", test_dark_comment_contrast);
  g_test_add_func ("/mw/app/window/heap-marker-contrast", test_heap_marker_contrast);
  g_test_add_func ("/mw/app/window/preferences-port-hint", test_preferences_port_hint);
  g_test_add_func ("/mw/app/window/pipeline-labels-agree", test_pipeline_labels_agree);
  g_test_add_func ("/mw/app/window/problems-menu", test_problems_menu);
  g_test_add_func ("/mw/app/window/preferences-dark-scheme", test_preferences_dark_scheme);
  g_test_add_func ("/mw/app/window/screenshot", test_screenshot);
  g_test_add_func ("/mw/app/window/screenshot-dark", test_screenshot_dark);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
