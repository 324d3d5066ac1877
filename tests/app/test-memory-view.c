/* test-memory-view.c: the Memory view against the simulated board (its pty, unpaced): take a
 * snapshot with the button, leak, take another, compare: the map shows the leaking path
 * largest and the table names it first; activating a function's row asks for its source line. */
#include "mw-config.h"

#include "mw-board.h"
#include "mw-memory-view.h"
#include "mw-sim.h"
#include "mw-test-app.h"

static MwSim *sim;
static MwBoard *board;

static gboolean
result_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
exec_lua (const char *code)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;

  mw_board_exec_async (board, code, 5000, NULL, NULL, NULL, mw_test_store_result_cb, &result);
  g_assert_true (mw_test_wait_until (result_set, &result, 10000));
  out = mw_board_exec_finish (board, result, &error);
  g_assert_no_error (error);
}

static guint taken;

static void
snapshot_taken_cb (MwMemoryView *view)
{
  taken++;
}

static gboolean
taken_twice (gpointer data)
{
  return taken >= GPOINTER_TO_UINT (data);
}

static char *open_name;
static guint open_line;

static void
open_location_cb (MwMemoryView *view, const char *name, guint line)
{
  g_free (open_name);
  open_name = g_strdup (name);
  open_line = line;
}

static GtkWidget *
find_button (GtkWidget *widget, const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

      for (GList *l = children; l != NULL; l = l->next)
        {
          GtkWidget *found = find_button (l->data, label);

          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

static GtkTreeView *
find_tree (GtkWidget *widget)
{
  if (GTK_IS_TREE_VIEW (widget))
    return GTK_TREE_VIEW (widget);
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

      for (GList *l = children; l != NULL; l = l->next)
        {
          GtkTreeView *found = find_tree (l->data);

          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

static void
test_snapshot_compare (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *view = mw_memory_view_new ();
  GtkWidget *snapshot = find_button (view, "Snapshot");
  GtkWidget *compare = find_button (view, "Compare with previous");
  GtkTreeView *tree = find_tree (view);
  GtkTreeModel *model;
  GtkTreeIter iter;
  g_autofree char *path = NULL;
  gint64 change = 0, count = 0;

  gtk_container_add (GTK_CONTAINER (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 500);
  gtk_widget_show_all (window);
  g_signal_connect (view, "snapshot-taken", G_CALLBACK (snapshot_taken_cb), NULL);
  g_signal_connect (view, "open-location", G_CALLBACK (open_location_cb), NULL);

  /* not connected: nothing to press */
  g_assert_false (gtk_widget_get_sensitive (snapshot));
  g_assert_false (gtk_widget_get_sensitive (compare));
  mw_memory_view_set_board (MW_MEMORY_VIEW (view), board);
  g_assert_true (gtk_widget_get_sensitive (snapshot));

  exec_lua ("leak={} keep={} for i=1,5 do keep[i]=string.rep('k',30)..i end "
            "function tick() return #leak end");
  gtk_button_clicked (GTK_BUTTON (snapshot));
  g_assert_true (mw_test_wait_until (taken_twice, GUINT_TO_POINTER (1), 30000));
  g_assert_nonnull (mw_memory_view_get_snapshot (MW_MEMORY_VIEW (view)));
  g_assert_false (gtk_widget_get_sensitive (compare)); /* one snapshot: nothing to compare */
  exec_lua ("for i=1,40 do leak[#leak+1]={i,string.format('leaked%04d',i)} end");
  gtk_button_clicked (GTK_BUTTON (snapshot));
  g_assert_true (mw_test_wait_until (taken_twice, GUINT_TO_POINTER (2), 30000));
  g_assert_true (gtk_widget_get_sensitive (compare));
  /* each snapshot is marked in the board's heap log, which the heap graph draws */
  {
    guint n = 0, marks = 0;
    const MwHeapEvent *events = mw_heap_log_get_events (mw_board_get_heap_log (board), &n);

    for (guint i = 0; i < n; i++)
      marks += events[i].kind == MW_HEAP_EVENT_SNAPSHOT;
    g_assert_cmpuint (marks, ==, 2);
  }
  gtk_button_clicked (GTK_BUTTON (compare));
  mw_test_spin (100);

  /* 64 array slots (+64 x 12), 40 tables of two slots (32 + 2 x 12) and 40 strings of 10
   * bytes (16 + 11) */
  g_assert_cmpstr (mw_memory_view_get_largest_tile (MW_MEMORY_VIEW (view)), ==, "_G.leak");
  model = gtk_tree_view_get_model (tree);
  g_assert_true (gtk_tree_model_get_iter_first (model, &iter));
  gtk_tree_model_get (model, &iter, 0, &path, 3, &change, 4, &count, -1);
  g_assert_cmpstr (path, ==, "_G.leak");
  g_assert_cmpint (change, ==, 64 * 12 + 40 * (56 + 27));
  g_assert_cmpint (count, ==, 80);
  g_assert_cmpstr (mw_memory_view_get_status (MW_MEMORY_VIEW (view)), ==,
                   "Since the previous snapshot: 1 change; the largest _G.leak +4088 bytes, "
                   "+80 objects");
  mw_test_spin (300);
  /* the table was refilled: lay the window out now, or drawing it fails (GTK asserts) */
  gtk_container_check_resize (GTK_CONTAINER (window));
  {
    g_autofree char *shot = mw_test_screenshot (window, "moonwire-memory-compare.png");

    g_test_message ("screenshot: %s", shot);
  }

  /* back to the latest snapshot: a function's row opens its line */
  mw_memory_view_add_snapshot (MW_MEMORY_VIEW (view),
                               mw_memory_view_get_snapshot (MW_MEMORY_VIEW (view)));
  mw_test_spin (100);
  {
    gboolean found = FALSE;

    g_assert_true (gtk_tree_model_get_iter_first (model, &iter));
    do
      {
        g_autofree char *p = NULL;

        gtk_tree_model_get (model, &iter, 0, &p, -1);
        if (g_strcmp0 (p, "_G.tick") == 0)
          {
            g_autoptr (GtkTreePath) tp = gtk_tree_model_get_path (model, &iter);

            gtk_tree_view_row_activated (tree, tp, gtk_tree_view_get_column (tree, 0));
            found = TRUE;
          }
      }
    while (!found && gtk_tree_model_iter_next (model, &iter));
    g_assert_true (found);
    g_assert_cmpstr (open_name, ==, "stdin");
    g_assert_cmpuint (open_line, ==, 1); /* exec keeps the user's line numbers */
  }
  mw_test_spin (300);
  /* the table was refilled: lay the window out now, or drawing it fails (GTK asserts) */
  gtk_container_check_resize (GTK_CONTAINER (window));
  {
    g_autofree char *shot = mw_test_screenshot (window, "moonwire-memory.png");

    g_test_message ("screenshot: %s", shot);
  }
  gtk_widget_destroy (window);
  mw_test_spin (50);
}

int
main (int argc, char **argv)
{
  MwSimOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  int status;

  mw_test_app_init (&argc, &argv);
  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  board = mw_board_new ();
  mw_board_connect_async (board, mw_sim_get_path (sim), 115200, 5000, MW_BOARD_CONNECT_NONE, NULL,
                          mw_test_store_result_cb, &result);
  g_assert_true (mw_test_wait_until (result_set, &result, 10000));
  g_assert_true (mw_board_connect_finish (board, result, &error));
  g_test_add_func ("/mw/app/memory-view/snapshot-compare", test_snapshot_compare);
  status = g_test_run ();
  mw_board_disconnect (board);
  g_object_unref (board);
  mw_sim_stop (sim);
  g_object_unref (sim);
  g_free (open_name);
  return status;
}
