/* mw-test-app.c: helpers for the GTK tests. */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-window.h"

#include <stdlib.h>
#include <unistd.h>

static void
drop_message (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
}

void
mw_test_app_init (int *argc, char ***argv)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL
      && g_getenv ("MW_TEST_UNDER_XVFB") == NULL)
    {
      /* `meson test` run by hand has no display: give the test a virtual one. */
      GPtrArray *args = g_ptr_array_new ();

      g_ptr_array_add (args, (char *) "xvfb-run");
      g_ptr_array_add (args, (char *) "-a");
      g_ptr_array_add (args, (char *) "-s");
      g_ptr_array_add (args, (char *) "-screen 0 1280x800x24");
      for (int i = 0; i < *argc; i++)
        g_ptr_array_add (args, (*argv)[i]);
      g_ptr_array_add (args, NULL);
      g_setenv ("MW_TEST_UNDER_XVFB", "1", TRUE);
      execvp ("xvfb-run", (char **) args->pdata);
      g_printerr ("cannot run xvfb-run: %s\n", g_strerror (errno));
      exit (1);
    }
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  gtk_test_init (argc, argv, NULL);
  /* GTest would print every library's debug messages (GdkPixbuf's per icon) into the log. */
  g_log_set_debug_enabled (FALSE);
  g_log_set_handler ("GdkPixbuf", G_LOG_LEVEL_DEBUG, drop_message, NULL);
}

MwApplication *
mw_test_app_new (void)
{
  g_autoptr (GError) error = NULL;
  MwApplication *app = mw_application_new ();

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}

typedef struct
{
  gboolean expired;
} WaitData;

static gboolean
expire_cb (gpointer data)
{
  ((WaitData *) data)->expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
mw_test_wait_until (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms)
{
  WaitData wait = { FALSE };
  guint id = g_timeout_add (timeout_ms, expire_cb, &wait);
  gboolean ok;

  while (!(ok = done (data)) && !wait.expired)
    g_main_context_iteration (NULL, TRUE);
  if (!wait.expired)
    g_source_remove (id);
  return ok;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
mw_test_spin (guint ms)
{
  mw_test_wait_until (never, NULL, ms);
}

char *
mw_test_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("MOONWIRE_TEST_ARTIFACTS");
  char *path = g_build_filename (dir != NULL ? dir : ".", name, NULL);
  GtkWidget *toplevel = gtk_widget_get_toplevel (widget);
  gint width, height;
  cairo_surface_t *surface;
  cairo_t *cr;

  /* A size change may still be pending (a resize, a label that changed): lay out first, as
   * drawing needs (gtk_widget_draw refuses a widget waiting for its allocation). */
  if (GTK_IS_CONTAINER (toplevel))
    gtk_container_check_resize (GTK_CONTAINER (toplevel));
  width = gtk_widget_get_allocated_width (widget);
  height = gtk_widget_get_allocated_height (widget);

  g_assert_cmpint (width, >, 1);
  g_assert_cmpint (height, >, 1);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gtk_widget_draw (widget, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

void
mw_test_store_result_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

gboolean
mw_test_window_connected (gpointer window)
{
  const char *message = mw_window_get_message (window);

  return mw_board_is_connected (mw_window_get_board (window)) && message != NULL
         && g_str_has_prefix (message, "Connected to ");
}

gboolean
mw_test_console_ends_with (gpointer data)
{
  MwTestTail *wait = data;
  MwConsole *console = mw_window_get_console (wait->window);
  g_autofree char *text = NULL;

  mw_console_flush (console);
  text = mw_console_dup_text (console);
  return g_str_has_suffix (text, wait->tail);
}

gboolean
mw_test_file_open (gpointer data)
{
  MwTestOpen *wait = data;

  return mw_window_find_editor (wait->window, wait->file) != NULL;
}

MwEditor *
mw_test_open_file (MwWindow *window, const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  MwTestOpen wait = { window, file };

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  mw_window_open_file (window, file);
  if (!mw_test_wait_until (mw_test_file_open, &wait, 10000))
    return NULL;
  return mw_window_find_editor (window, file);
}

gboolean
mw_test_op_over (gpointer window)
{
  return !g_action_group_get_action_enabled (window, "cancel")
         && g_action_group_get_action_enabled (window, "upload");
}

gboolean
mw_test_disk_bar_shown (gpointer editor)
{
  return mw_editor_get_disk_bar_shown (editor);
}

typedef struct
{
  GtkWidget *window;
  gint width;
} SizeWait;

static gboolean
content_width_is (gpointer data)
{
  SizeWait *wait = data;

  return gtk_widget_get_allocated_width (gtk_bin_get_child (GTK_BIN (wait->window))) == wait->width;
}

gboolean
mw_test_resize (gpointer window, gint width, gint height)
{
  SizeWait wait = { window, width };

  gtk_window_resize (GTK_WINDOW (window), width, height);
  return mw_test_wait_until (content_width_is, &wait, 10000);
}

gboolean
mw_test_find_toplevel (gpointer data)
{
  MwTestToplevel *want = data;
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, want->type) && gtk_widget_get_visible (l->data))
      {
        want->found = l->data;
        return TRUE;
      }
  return FALSE;
}

char *
mw_test_window_exec (gpointer window, const char *code)
{
  MwBoard *board = mw_window_get_board (MW_WINDOW (window));
  GAsyncResult *result = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;

  mw_board_exec_async (board, code, 5000, NULL, NULL, NULL, mw_test_store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  out = mw_board_exec_finish (board, result, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

char *
mw_test_menu_labels (GtkWidget *menu)
{
  g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (menu));
  GString *text = g_string_new (NULL);

  for (GList *l = children; l != NULL; l = l->next)
    {
      if (!gtk_widget_get_visible (l->data))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      if (GTK_IS_SEPARATOR_MENU_ITEM (l->data))
        g_string_append (text, "--");
      else
        g_string_append (text, gtk_menu_item_get_label (l->data));
      if (!gtk_widget_is_sensitive (l->data))
        g_string_append (text, " (off)");
    }
  return g_string_free (text, FALSE);
}
