/* test-snippets.c: the snippets bar against the simulated NodeMCU (each default snippet's
 * whole console transcript, the confirmation before Format), its "more" menu at narrow widths,
 * and the snippets editor's changes kept in the JSON file that the next start reads. */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-snippets-dialog.h"
#include "mw-window.h"

#include <glib/gstdio.h>
#include <string.h>

static MwApplication *app;

#define BANNER MW_TEST_BANNER
#define NO_LFS_IMAGE MW_TEST_NO_LFS_IMAGE

/* The simulated chip (src/core/sim/mw-sim.c: chip id 0x00a1b2c3 xor the seed, 1 by default;
 * mw-sim-node.c: its flash id, and 4096 KB of flash) */
#define CHIP_ID "10597058"
#define FLASH_ID "1458400"
#define FLASH_KB "4096"

#define CHIP_INFO_CODE \
  "do local hw = node.info(\"hw\") print(\"chip id\", hw.chip_id) print(\"flash id\", " \
  "hw.flash_id) print(\"flash size\", hw.flash_size) end"
#define LIST_CODE "for name, size in pairs(file.list()) do print(name, size) end"

static char *
console_text (MwWindow *window)
{
  MwConsole *console = mw_window_get_console (window);

  mw_console_flush (console);
  return mw_console_dup_text (console);
}

typedef struct
{
  MwWindow *window;
  const char *text;
} TextWait;

static gboolean
ends_with (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *text = console_text (wait->window);

  return g_str_has_suffix (text, wait->text);
}

/* The console's text matches the regular expression `text` (anchored at the end) */
static gboolean
ends_like (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *text = console_text (wait->window);

  return g_regex_match_simple (wait->text, text, 0, 0);
}

static void
wait_tail (MwWindow *window, const char *tail)
{
  TextWait wait = { window, tail };

  if (!mw_test_wait_until (ends_with, &wait, 15000))
    {
      g_autofree char *text = console_text (window);
      g_error ("the console does not end with %s:\n%s", tail, text);
    }
}

static void
click (MwWindow *window, guint index, const char *label)
{
  GtkButton *button = mw_snippets_bar_get_button (mw_window_get_snippets_bar (window), index);

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_button_get_label (button), ==, label);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  gtk_button_clicked (button);
}

static void
forget_snippets (void)
{
  g_autofree char *path = mw_snippet_store_default_path ();
  g_autofree char *broken = g_strconcat (path, ".broken", NULL);

  g_unlink (path);
  g_unlink (broken);
}

/* Each default snippet run on the simulated board: the console shows its code as typed and the
 * board's answer, once, in order; Format asks first, and Cancel sends nothing. */
static void
test_defaults (void)
{
  MwWindow *window = mw_window_new (app);
  MwSnippetsBar *bar = mw_window_get_snippets_bar (window);
  GtkStack *stack;
  MwTestToplevel dialog = { GTK_TYPE_MESSAGE_DIALOG, NULL };
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GRegex) heap_re =
    g_regex_new ("^> =node.heap\\(\\)\\n([0-9]+)\\n", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *heap = NULL;

  gtk_window_resize (GTK_WINDOW (window), 1024, 600);
  gtk_widget_show (GTK_WIDGET (window));
  /* Not connected: the buttons are there, and off. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (mw_snippets_bar_get_button (bar, 0))));
  g_assert_null (mw_snippets_bar_get_button (bar, 5));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (mw_test_window_connected, window, 20000));
  wait_tail (window, "cannot open init.lua: \n> ");

  stack = GTK_STACK (
    gtk_widget_get_ancestor (GTK_WIDGET (mw_window_get_console (window)), GTK_TYPE_STACK));
  gtk_stack_set_visible_child_name (stack, "problems");
  click (window, 0, "Free Heap");
  /* The console comes forward for the answer. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "console");
  {
    TextWait wait = { window, "> =node\\.heap\\(\\)\\n[0-9]+\\n> $" };
    g_assert_true (mw_test_wait_until (ends_like, &wait, 15000));
  }
  click (window, 1, "Chip Info");
  wait_tail (window, "flash size\t" FLASH_KB "\n> ");

  click (window, 4, "Format");
  g_assert_true (mw_test_wait_until (mw_test_find_toplevel, &dialog, 5000));
  before = console_text (window);
  gtk_dialog_response (GTK_DIALOG (dialog.found), GTK_RESPONSE_CANCEL);
  mw_test_spin (500);
  text = console_text (window);
  g_assert_cmpstr (text, ==, before);
  g_clear_pointer (&text, g_free);
  dialog.found = NULL;
  click (window, 4, "Format");
  g_assert_true (mw_test_wait_until (mw_test_find_toplevel, &dialog, 5000));
  gtk_dialog_response (GTK_DIALOG (dialog.found), GTK_RESPONSE_ACCEPT);
  wait_tail (window, "format done.\n> ");

  {
    MwConsole *console = mw_window_get_console (window);
    GtkEntry *entry = mw_console_get_entry (console);

    gtk_entry_set_text (entry, "file.putcontents(\"a.txt\", \"hello\")");
    g_signal_emit_by_name (entry, "activate");
    wait_tail (window, "\"hello\")\n> ");
  }
  click (window, 3, "List Files");
  wait_tail (window, "a.txt\t5\n> ");
  click (window, 2, "Restart");
  wait_tail (window, "> node.restart()\n[the board restarted]\n" NO_LFS_IMAGE "\n" BANNER "> ");
  /* Heap samples and other commands of Moonwire's own leave nothing behind. */
  mw_test_spin (1500);

  text = console_text (window);
  /* The free heap is the board's own figure: a number within the simulated 44 KB heap. */
  g_assert_true (g_regex_match (heap_re, text, 0, &match));
  heap = g_match_info_fetch (match, 1);
  g_assert_cmpuint (g_ascii_strtoull (heap, NULL, 10), >, 10000);
  g_assert_cmpuint (g_ascii_strtoull (heap, NULL, 10), <=, 44 * 1024);
  expected = g_strconcat (NO_LFS_IMAGE BANNER, "> =node.heap()\n", heap, "\n",
                          "> " CHIP_INFO_CODE "\n"
                          "chip id\t" CHIP_ID "\n"
                          "flash id\t" FLASH_ID "\n"
                          "flash size\t" FLASH_KB "\n"
                          "> file.format()\n"
                          "format done.\n"
                          "> file.putcontents(\"a.txt\", \"hello\")\n"
                          "> " LIST_CODE "\n"
                          "a.txt\t5\n"
                          "> node.restart()\n"
                          "[the board restarted]\n" NO_LFS_IMAGE "\n" BANNER "> ",
                          NULL);
  g_assert_cmpstr (text, ==, expected);
  {
    g_autofree char *shot = mw_test_screenshot (GTK_WIDGET (window), "moonwire-snippets.png");
    g_test_message ("screenshot: %s", shot);
  }
  gtk_widget_destroy (GTK_WIDGET (window));
}

static void
assert_snippet (MwSnippetStore *store, guint index, const char *name, const char *code,
                gboolean confirm)
{
  const MwSnippet *snippet = mw_snippet_store_get (store, index);

  g_assert_cmpstr (snippet->name, ==, name);
  g_assert_cmpstr (snippet->code, ==, code);
  g_assert_cmpint (snippet->confirm, ==, confirm);
}

static GtkWidget *
child (GtkWidget *dialog, const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (dialog, MW_TYPE_SNIPPETS_DIALOG, name));
}

/* Add, edit and remove in the editor: each change is in the file at once, and the next start
 * (a new store on the same file) and the bar see it. */
static void
test_edit_persists (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mw-snippets-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "moonwire", "snippets.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MwSnippetStore) store = mw_snippet_store_new (path, &error);
  g_autoptr (MwSnippetStore) second = NULL;
  g_autoptr (MwSnippetStore) third = NULL;
  GtkWidget *bar = g_object_ref_sink (mw_snippets_bar_new ());
  GtkWidget *dialog;
  GtkTextBuffer *code;

  g_assert_no_error (error);
  g_assert_cmpuint (mw_snippet_store_get_n_snippets (store), ==, 5);
  mw_snippets_bar_set_store (MW_SNIPPETS_BAR (bar), store);
  dialog = mw_snippets_dialog_new (NULL, store);
  gtk_widget_show (dialog);

  gtk_button_clicked (GTK_BUTTON (child (dialog, "add_button")));
  gtk_entry_set_text (GTK_ENTRY (child (dialog, "name_entry")), "Blink");
  code = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (dialog, "code_view")));
  gtk_text_buffer_set_text (code, "gpio.mode(4, gpio.OUTPUT)\ngpio.write(4, gpio.LOW)", -1);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (dialog, "confirm_check")), TRUE);
  g_assert_cmpstr (gtk_button_get_label (mw_snippets_bar_get_button (MW_SNIPPETS_BAR (bar), 5)), ==,
                   "Blink");

  second = mw_snippet_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mw_snippet_store_get_n_snippets (second), ==, 6);
  assert_snippet (second, 0, "Free Heap", "=node.heap()", FALSE);
  assert_snippet (second, 4, "Format", "file.format()", TRUE);
  assert_snippet (second, 5, "Blink", "gpio.mode(4, gpio.OUTPUT)\ngpio.write(4, gpio.LOW)", TRUE);

  /* Remove the first: Chip Info is first now, here, in the bar and in the file. */
  mw_snippets_dialog_select (MW_SNIPPETS_DIALOG (dialog), 0);
  gtk_button_clicked (GTK_BUTTON (child (dialog, "remove_button")));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (child (dialog, "name_entry"))), ==, "Chip Info");
  g_assert_cmpstr (gtk_button_get_label (mw_snippets_bar_get_button (MW_SNIPPETS_BAR (bar), 0)), ==,
                   "Chip Info");
  g_assert_null (mw_snippets_bar_get_button (MW_SNIPPETS_BAR (bar), 5));
  gtk_widget_destroy (dialog);

  third = mw_snippet_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mw_snippet_store_get_n_snippets (third), ==, 5);
  assert_snippet (third, 0, "Chip Info", CHIP_INFO_CODE, FALSE);
  assert_snippet (third, 1, "Restart", "node.restart()", FALSE);
  assert_snippet (third, 2, "List Files", LIST_CODE, FALSE);
  assert_snippet (third, 3, "Format", "file.format()", TRUE);
  assert_snippet (third, 4, "Blink", "gpio.mode(4, gpio.OUTPUT)\ngpio.write(4, gpio.LOW)", TRUE);

  g_object_unref (bar);
  g_unlink (path);
  {
    g_autofree char *sub = g_path_get_dirname (path);
    g_rmdir (sub);
  }
  g_rmdir (dir);
}

/* A file that is not a list of snippets: the defaults, a message naming the file and the
 * fault, and the user's file kept aside (never overwritten) at the first change. */
static void
test_broken_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mw-snippets-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "snippets.json", NULL);
  g_autofree char *aside = g_strconcat (path, ".broken", NULL);
  g_autofree char *message = NULL;
  g_autofree char *kept = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwSnippetStore) store = NULL;
  g_autoptr (MwSnippetStore) again = NULL;

  g_assert_true (g_file_set_contents (path, "[{\"name\": \"x\", \"code\": 3}]", -1, NULL));
  store = mw_snippet_store_new (path, &error);
  g_assert_error (error, MW_SNIPPET_STORE_ERROR, MW_SNIPPET_STORE_ERROR_INVALID);
  message =
    g_strdup_printf ("%s: snippet 1: a snippet needs a \"name\" and a \"code\" string", path);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  g_assert_cmpuint (mw_snippet_store_get_n_snippets (store), ==, 5);

  g_assert_true (mw_snippet_store_append (store, "Uptime", "=tmr.time()", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "[{\"name\": \"x\", \"code\": 3}]");
  again = mw_snippet_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mw_snippet_store_get_n_snippets (again), ==, 6);
  assert_snippet (again, 5, "Uptime", "=tmr.time()", FALSE);
  g_unlink (path);
  g_unlink (aside);
  g_rmdir (dir);
}

/* The labels of the GtkModelButtons under `widget`, as they read (mnemonics taken out), each
 * followed by "|". */
static void
collect_model_labels (GtkWidget *widget, gpointer data)
{
  if (GTK_IS_MODEL_BUTTON (widget))
    {
      g_autoptr (GList) labels = NULL;
      GList *children = gtk_container_get_children (GTK_CONTAINER (widget));

      /* the button's box holds its label (and an unused image and accelerator label) */
      for (GList *l = children; l != NULL; l = l->next)
        if (GTK_IS_CONTAINER (l->data))
          labels = g_list_concat (labels, gtk_container_get_children (l->data));
      g_list_free (children);
      for (GList *l = labels; l != NULL; l = l->next)
        if (GTK_IS_LABEL (l->data) && gtk_widget_get_visible (l->data)
            && *gtk_label_get_text (l->data) != '\0')
          {
            g_string_append (data, gtk_label_get_text (l->data));
            g_string_append_c (data, '|');
            break;
          }
    }
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_model_labels, data);
}

/* What the bar offers: the shown buttons' labels and the "more" menu's, each followed by "|";
 * every menu item runs win.run-snippet with its snippet's index. */
static void
bar_offers (MwSnippetsBar *bar, GString *shown, GString *more)
{
  GtkMenuButton *more_button = mw_snippets_bar_get_more_button (bar);
  GMenuModel *model = gtk_menu_button_get_menu_model (more_button);
  GtkAllocation bar_box, box, more_box;
  GtkButton *button;
  guint first_hidden = 0;

  g_string_truncate (shown, 0);
  g_string_truncate (more, 0);
  gtk_widget_get_allocation (GTK_WIDGET (bar), &bar_box);
  gtk_widget_get_allocation (GTK_WIDGET (more_button), &more_box);
  for (guint i = 0; (button = mw_snippets_bar_get_button (bar, i)) != NULL; i++)
    if (gtk_widget_get_child_visible (GTK_WIDGET (button))
        && gtk_widget_get_mapped (GTK_WIDGET (button)))
      {
        /* shown whole, inside the bar, before the "more" button, in order */
        g_assert_cmpuint (first_hidden, ==, i);
        first_hidden = i + 1;
        gtk_widget_get_allocation (GTK_WIDGET (button), &box);
        g_assert_cmpint (box.x, >=, bar_box.x);
        g_assert_cmpint (box.x + box.width, <=, bar_box.x + bar_box.width);
        if (gtk_widget_get_mapped (GTK_WIDGET (more_button)))
          g_assert_cmpint (box.x + box.width, <=, more_box.x);
        g_string_append (shown, gtk_button_get_label (button));
        g_string_append_c (shown, '|');
      }
  g_assert_cmpint (gtk_widget_get_mapped (GTK_WIDGET (more_button)), ==,
                   g_menu_model_get_n_items (model) > 0);
  for (gint i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr (GVariant) target =
        g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);
      g_autofree char *action = NULL;

      g_assert_true (
        g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action));
      g_assert_cmpstr (action, ==, "win.run-snippet");
      g_assert_nonnull (target);
      g_assert_cmpuint (g_variant_get_uint32 (target), ==, first_hidden + i);
    }
  collect_model_labels (GTK_WIDGET (gtk_menu_button_get_popover (more_button)), more);
}

static void
resize_and_wait (GtkWidget *window, gint width, gint height)
{
  if (!mw_test_resize (window, width, height))
    g_error ("the window's content is %d px wide, not %d",
             gtk_widget_get_allocated_width (gtk_bin_get_child (GTK_BIN (window))), width);
}

/* Snippets that do not fit go into the "more" menu: at 800 px every default snippet is either a
 * button or an item of the menu, in order; at 1600 px all are buttons and the menu button is
 * hidden. However many snippets there are, the bar's minimum width stays the same (it never
 * widens the window), and a name's "_" reads as written in the menu. */
static void
test_overflow (void)
{
  MwWindow *window = mw_window_new (app);
  MwSnippetsBar *bar = mw_window_get_snippets_bar (window);
  g_autoptr (GString) shown = g_string_new (NULL);
  g_autoptr (GString) more = g_string_new (NULL);
  g_autofree char *both = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_widget_show (GTK_WIDGET (window));
  resize_and_wait (GTK_WIDGET (window), 800, 600);
  bar_offers (bar, shown, more);
  g_test_message ("800 px: shown %s more %s", shown->str, more->str);
  g_assert_cmpuint (more->len, >, 0);
  both = g_strconcat (shown->str, more->str, NULL);
  g_assert_cmpstr (both, ==, "Free Heap|Chip Info|Restart|List Files|Format|");

  resize_and_wait (GTK_WIDGET (window), 1600, 1000);
  bar_offers (bar, shown, more);
  g_assert_cmpstr (shown->str, ==, "Free Heap|Chip Info|Restart|List Files|Format|");
  g_assert_cmpstr (more->str, ==, "");
  g_assert_false (
    gtk_widget_get_child_visible (GTK_WIDGET (mw_snippets_bar_get_more_button (bar))));
  gtk_widget_destroy (GTK_WIDGET (window));

  /* A bar alone, in a narrow window, with many more snippets. */
  {
    g_autofree char *dir = g_dir_make_tmp ("mw-snippets-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "snippets.json", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (MwSnippetStore) store = mw_snippet_store_new (path, &error);
    GtkWidget *toplevel = gtk_window_new (GTK_WINDOW_TOPLEVEL);
    GtkWidget *alone = mw_snippets_bar_new ();
    gint min5, nat5, min16, nat16;

    g_assert_no_error (error);
    mw_snippets_bar_set_store (MW_SNIPPETS_BAR (alone), store);
    gtk_container_add (GTK_CONTAINER (toplevel), alone);
    gtk_widget_get_preferred_width (alone, &min5, &nat5);
    for (guint i = 0; i < 10; i++)
      {
        g_autofree char *name = g_strdup_printf ("Snippet %u", i + 6);
        g_assert_true (mw_snippet_store_append (store, name, "=1", FALSE, &error));
        g_assert_no_error (error);
      }
    g_assert_true (mw_snippet_store_append (store, "read_adc", "=adc.read(0)", FALSE, &error));
    g_assert_no_error (error);
    gtk_widget_get_preferred_width (alone, &min16, &nat16);
    g_assert_cmpint (min16, ==, min5);
    g_assert_cmpint (nat16, >, nat5);

    gtk_widget_show (toplevel);
    resize_and_wait (toplevel, min16, 40);
    bar_offers (MW_SNIPPETS_BAR (alone), shown, more);
    g_assert_cmpstr (shown->str, ==, "");
    g_assert_cmpstr (more->str, ==,
                     "Free Heap|Chip Info|Restart|List Files|Format|Snippet 6|Snippet 7|"
                     "Snippet 8|Snippet 9|Snippet 10|Snippet 11|Snippet 12|Snippet 13|"
                     "Snippet 14|Snippet 15|read_adc|");
    gtk_widget_destroy (toplevel);
    g_unlink (path);
    g_rmdir (dir);
  }
}

int
main (int argc, char *argv[])
{
  mw_test_app_init (&argc, &argv);
  forget_snippets ();
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/snippets/defaults", test_defaults);
  g_test_add_func ("/mw/app/snippets/edit-persists", test_edit_persists);
  g_test_add_func ("/mw/app/snippets/broken-file", test_broken_file);
  g_test_add_func ("/mw/app/snippets/overflow", test_overflow);
  return g_test_run ();
}
