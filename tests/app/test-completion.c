/* test-completion.c: the editor's API completion and hover docs for the firmware's modules,
 * for every known module while no board is connected and for the connected board's own
 * modules once connected (the app's simulated board, and a simulator with fewer modules). */
#include "mw-config.h"

#include "mw-sim.h"
#include "mw-test-app.h"
#include "mw-window.h"

#include <string.h>

static MwApplication *app;

/* tmr's functions and constants, as app/modules/tmr.c's ROTable lists them (its timer-object
 * methods are not module fields), sorted */
static const char *const tmr_labels[] = {
  "ALARM_AUTO", "ALARM_SEMI",   "ALARM_SINGLE",      "ccount()",      "create()", "delay(us)",
  "now()",      "resume_all()", "softwd(timeout_s)", "suspend_all()", "time()",   "wdclr()",
  NULL
};
/* net's, as the linter checks them */
static const char *const net_labels[] = {
  "TCP",
  "UDP",
  "cert",
  "createConnection()",
  "createServer(timeout)",
  "createUDPSocket()",
  "dns",
  "ifinfo(if_index)",
  "multicastJoin(if_ip, multicast_ip)",
  "multicastLeave(if_ip, multicast_ip)",
  "ping(domain, [count], callback_received, [callback_sent])",
  NULL
};
/* uart's, as app/modules/uart.c's ROTable lists them, with docs/modules/uart.md's parameters */
static const char *const uart_labels[] = { "DIR_RX",
                                           "DIR_TX",
                                           "PARITY_EVEN",
                                           "PARITY_NONE",
                                           "PARITY_ODD",
                                           "STOPBITS_1",
                                           "STOPBITS_1_5",
                                           "STOPBITS_2",
                                           "alt(on)",
                                           "fifodepth(id, dir)",
                                           "getconfig(id)",
                                           "on(method, [number/end_char], [function], [run_input])",
                                           "setup(id, baud, databits, parity, stopbits[, echo])",
                                           "write(id, data1 [, data2, ...])",
                                           NULL };
/* the station sub-table's getters (app/modules/wifi.c, wifi_station) */
static const char *const wifi_sta_get[] = { "getap([[cfg], format,] callback(table))",
                                            "getapindex()",
                                            "getapinfo()",
                                            "getbroadcast()",
                                            "getconfig()",
                                            "getdefaultconfig(return_table)",
                                            "gethostname()",
                                            "getip()",
                                            "getmac()",
                                            "getrssi()",
                                            NULL };
/* a timer object's methods (app/modules/tmr.c, tmr_dyn), with docs/modules/tmr.md's parameters */
static const char *const timer_labels[] = { "alarm(interval_ms, mode, func())",
                                            "interval(interval_ms)",
                                            "register(interval_ms, mode, func())",
                                            "resume()",
                                            "start([restart])",
                                            "state()",
                                            "stop()",
                                            "suspend()",
                                            "unregister()",
                                            NULL };
/* every known C module of NodeMCU 3.0 whose name starts with "w" */
static const char *const w_all[] = { "websocket", "wiegand", "wifi",           "wps",
                                     "ws2801",    "ws2812",  "ws2812_effects", NULL };
/* the simulated board's modules (its banner: bit,file,gpio,node,sjson,tmr,uart,wifi) */
static const char *const w_board[] = { "wifi", NULL };
static const char *const none[] = { NULL };

/* The proposals for `text` typed into a fresh buffer of `window`'s editor, as labels. */
static char *
proposals (MwWindow *window, MwEditor *editor, const char *text, gboolean user_requested,
           char **first_info)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
  MwCompletionProvider *provider = mw_window_get_completion_provider (window);
  g_autoptr (GString) labels = g_string_new (NULL);
  GtkTextIter end;
  GList *items;

  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  items = mw_completion_provider_get_proposals (provider, &end, user_requested);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autofree char *label =
        gtk_source_completion_proposal_get_label (GTK_SOURCE_COMPLETION_PROPOSAL (l->data));
      g_autofree char *replacement =
        gtk_source_completion_proposal_get_text (GTK_SOURCE_COMPLETION_PROPOSAL (l->data));

      /* the text inserted is the name alone */
      g_assert_true (g_str_has_prefix (label, replacement));
      g_string_append_printf (labels, "%s%s", labels->len > 0 ? "|" : "", label);
      if (l == items && first_info != NULL)
        *first_info =
          gtk_source_completion_proposal_get_info (GTK_SOURCE_COMPLETION_PROPOSAL (l->data));
    }
  g_list_free_full (items, g_object_unref);
  gtk_text_buffer_set_modified (buffer, FALSE);
  return g_string_free (g_steal_pointer (&labels), FALSE);
}

static void
assert_proposals (MwWindow *window, MwEditor *editor, const char *text, gboolean user_requested,
                  const char *const *expected)
{
  g_autofree char *joined = g_strjoinv ("|", (char **) expected);
  g_autofree char *got = proposals (window, editor, text, user_requested, NULL);

  g_assert_cmpstr (got, ==, joined);
}

/* `text` gets one proposal, `label`, whose documentation is `info`. */
static void
assert_one_proposal (MwWindow *window, MwEditor *editor, const char *text, const char *label,
                     const char *info)
{
  g_autofree char *got_info = NULL;
  g_autofree char *got = proposals (window, editor, text, FALSE, &got_info);

  g_assert_cmpstr (got, ==, label);
  g_assert_cmpstr (got_info, ==, info);
}

/* The hover markup for the character `at` bytes into `text` */
static char *
hover (MwWindow *window, MwEditor *editor, const char *text, const char *at)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
  GtkTextIter iter;
  char *markup;

  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, (gint) (strstr (text, at) - text));
  markup =
    mw_completion_provider_dup_hover_markup (mw_window_get_completion_provider (window), &iter);
  gtk_text_buffer_set_modified (buffer, FALSE);
  return markup;
}

static GtkTreeView *
find_tree_view (GtkWidget *widget)
{
  if (GTK_IS_TREE_VIEW (widget))
    return GTK_TREE_VIEW (widget);
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

      for (GList *l = children; l != NULL; l = l->next)
        {
          GtkTreeView *found = find_tree_view (l->data);

          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

/* The rows of GtkSourceCompletion's popup, once it is on screen */
static gboolean
popup_rows (gpointer data)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      GtkTreeView *tree;

      if (!gtk_widget_get_visible (l->data) || MW_IS_WINDOW (l->data))
        continue;
      tree = find_tree_view (l->data);
      if (tree != NULL && gtk_tree_model_iter_n_children (gtk_tree_view_get_model (tree), NULL) > 0)
        {
          *(GtkTreeView **) data = tree;
          return TRUE;
        }
    }
  return FALSE;
}

/* Disconnected, and the completion offers every module again */
static gboolean
disconnected (gpointer data)
{
  MwWindow *window = data;
  GtkTextBuffer *buffer = gtk_text_buffer_new (NULL);
  GtkTextIter end;
  GList *items;
  gboolean all;

  gtk_text_buffer_set_text (buffer, "net.", -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  items =
    mw_completion_provider_get_proposals (mw_window_get_completion_provider (window), &end, FALSE);
  all = items != NULL;
  g_list_free_full (items, g_object_unref);
  g_object_unref (buffer);
  return !mw_board_is_connected (mw_window_get_board (window)) && all;
}

/* No board: every module the firmware can have. */
static void
test_all_modules (void)
{
  MwWindow *window = mw_window_new (app);
  MwEditor *editor = mw_window_new_document (window);
  g_autofree char *markup = NULL;

  gtk_widget_show (GTK_WIDGET (window));
  assert_proposals (window, editor, "tmr.", FALSE, tmr_labels);
  assert_one_proposal (
    window, editor, "local h = node.he", "heap()",
    "node.heap()\nThe free heap in bytes (fragmentation may prevent allocating it "
    "all).");
  assert_one_proposal (
    window, editor, "t = tmr.cr", "create()",
    "tmr.create()\nA new timer object (register, alarm, start, stop, unregister).");
  assert_proposals (window, editor, "net.", FALSE, net_labels);
  assert_proposals (window, editor, "uart.", FALSE, uart_labels);
  /* a sub-table's fields after its dotted path */
  assert_proposals (window, editor, "wifi.sta.get", FALSE, wifi_sta_get);
  {
    static const char *const dhcp[] = { "config(dhcp_config)", "start()", "stop()", NULL };
    assert_proposals (window, editor, "wifi.ap.dhcp.", FALSE, dhcp);
  }
  assert_proposals (window, editor, "local w = wifi.sta.nothing.", FALSE, none);
  /* an object's methods, from the function that made it */
  assert_proposals (window, editor, "local t = tmr.create()\nt:", FALSE, timer_labels);
  assert_one_proposal (window, editor, "tmr.create():al", "alarm(interval_ms, mode, func())",
                       "tmr.create():alarm(interval_ms, mode, func())\nRegisters the callback and "
                       "starts the timer at once.");
  {
    static const char *const send[] = { "send(string[, function(sent)])", NULL };
    static const char *const file_re[] = { "read([n_or_char])", "readline()", NULL };

    assert_proposals (window, editor, "self.sck = net.createConnection()\nself.sck:se", FALSE,
                      send);
    /* the last assignment above counts */
    assert_proposals (window, editor, "t = tmr.create()\nt = file.open('a')\nt:re", FALSE, file_re);
  }
  /* no firmware object: a number, an unknown function, nothing assigned, `==` */
  assert_proposals (window, editor, "t = 5\nt:", FALSE, none);
  assert_proposals (window, editor, "t = make()\nt:", FALSE, none);
  assert_proposals (window, editor, "x:", FALSE, none);
  assert_proposals (window, editor, "if t == tmr.create() then t:", FALSE, none);
  /* unbalanced or odd text before the colon */
  assert_proposals (window, editor, ":", FALSE, none);
  assert_proposals (window, editor, "):", FALSE, none);
  assert_proposals (window, editor, "f(x)):", FALSE, none);
  assert_proposals (window, editor, "(tmr.create)():", FALSE, none);
  assert_proposals (window, editor, "t = tmr.create()\n1t:", FALSE, none);
  assert_proposals (window, editor, "x = w", TRUE, w_all);
  /* one letter is too little while typing; two are enough */
  assert_proposals (window, editor, "x = w", FALSE, none);
  {
    static const char *const ws[] = { "ws2801", "ws2812", "ws2812_effects", NULL };
    assert_proposals (window, editor, "ws", FALSE, ws);
  }
  /* not a module: a field of a field, a method, a local's field, a number */
  assert_proposals (window, editor, "a.tmr.", FALSE, none);
  assert_proposals (window, editor, "obj:tmr.", FALSE, none);
  assert_proposals (window, editor, "obj:wi", FALSE, none);
  assert_proposals (window, editor, "t.", FALSE, none);
  assert_proposals (window, editor, "x = 1.", FALSE, none);

  markup = hover (window, editor, "local t = tmr.create()\n", "create");
  g_assert_cmpstr (markup, ==,
                   "<tt>tmr.create()</tt>\nA new timer object (register, alarm, start, stop, "
                   "unregister).");
  g_clear_pointer (&markup, g_free);
  markup = hover (window, editor, "gpio.write(4, gpio.HIGH)\n", "rite");
  g_assert_cmpstr (markup, ==,
                   "<tt>gpio.write(pin, level)</tt>\nSets an output pin to "
                   "gpio.HIGH or gpio.LOW.");
  g_clear_pointer (&markup, g_free);
  markup = hover (window, editor, "file.open(\"a\", \"r\")\n", "open");
  g_assert_cmpstr (
    markup, ==,
    "<tt>file.open(filename, mode)</tt>\nOpens a file (&quot;r&quot;, &quot;w&quot;, "
    "&quot;a&quot;, &quot;r+&quot;, &quot;w+&quot;, &quot;a+&quot;): a file object, "
    "or nil.");
  g_clear_pointer (&markup, g_free);
  markup = hover (window, editor, "wifi.sta.config({ssid = 'x'})\n", "config");
  g_assert_cmpstr (markup, ==,
                   "<tt>wifi.sta.config(station_config)</tt>\nSets the network to join: ssid, pwd, "
                   "auto, callbacks...");
  g_clear_pointer (&markup, g_free);
  markup = hover (window, editor, "uart.setup(0, 9600, 8, 0, 1)\n", "setup");
  g_assert_cmpstr (markup, ==,
                   "<tt>uart.setup(id, baud, databits, parity, stopbits[, echo])</tt>\nSets a "
                   "UART&apos;s speed and frame format; the baud rate set.");
  g_clear_pointer (&markup, g_free);
  markup =
    hover (window, editor, "local t = tmr.create()\nt:alarm(10, tmr.ALARM_SINGLE, f)\n", "alarm");
  g_assert_cmpstr (markup, ==,
                   "<tt>t:alarm(interval_ms, mode, func())</tt>\nRegisters the callback and "
                   "starts the timer at once.");
  g_clear_pointer (&markup, g_free);
  g_assert_null (hover (window, editor, "t:alarm(10, 0, f)\n", "alarm"));
  /* the module name itself, an unknown field, a method call: nothing */
  g_assert_null (hover (window, editor, "tmr.create()\n", "tmr"));
  g_assert_null (hover (window, editor, "tmr.nothing()\n", "nothing"));
  g_assert_null (hover (window, editor, "t:tmr.create()\n", "create"));
  gtk_widget_destroy (GTK_WIDGET (window));
}

/* Connected to the simulated board: only its modules; all again once disconnected. */
static void
test_board_modules (void)
{
  MwWindow *window = mw_window_new (app);
  MwEditor *editor = mw_window_new_document (window);
  g_autofree char *markup = NULL;

  gtk_window_resize (GTK_WINDOW (window), 1024, 600);
  gtk_widget_show (GTK_WIDGET (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (mw_test_window_connected, window, 20000));

  assert_proposals (window, editor, "tmr.", FALSE, tmr_labels);
  {
    g_autofree char *got = proposals (window, editor, "node.he", FALSE, NULL);
    g_assert_cmpstr (got, ==, "heap()");
  }
  assert_proposals (window, editor, "net.", FALSE, none);
  assert_proposals (window, editor, "x = w", TRUE, w_board);
  assert_proposals (window, editor, "ws", FALSE, none);
  markup = hover (window, editor, "srv = net.createServer(30)\n", "createServer");
  g_assert_cmpstr (markup, ==,
                   "<tt>net.createServer(timeout)</tt>\nA TCP server; idle clients are dropped "
                   "after `timeout` seconds.\n<i>The connected board's firmware has no such "
                   "module.</i>");
  g_clear_pointer (&markup, g_free);
  {
    GtkTextBuffer *buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
    g_autofree char *shot = NULL;

    GtkTreeView *tree = NULL;
    GtkTreeModel *model;
    GtkTreeIter row;
    guint n = 0;

    gtk_text_buffer_set_text (buffer, "local t = tmr.", -1);
    gtk_widget_grab_focus (GTK_WIDGET (mw_editor_get_view (editor)));
    g_signal_emit_by_name (mw_editor_get_view (editor), "show-completion");
    /* The popup lists the same proposals, under a header row naming the provider */
    g_assert_true (mw_test_wait_until (popup_rows, &tree, 5000));
    model = gtk_tree_view_get_model (tree);
    for (gboolean ok = gtk_tree_model_get_iter_first (model, &row); ok;
         ok = gtk_tree_model_iter_next (model, &row))
      n++;
    g_assert_cmpuint (n, ==, 1 + g_strv_length ((char **) tmr_labels));
    shot = mw_test_screenshot (GTK_WIDGET (window), "moonwire-completion.png");
    g_test_message ("screenshot: %s", shot);
    gtk_text_buffer_set_modified (buffer, FALSE);
  }

  g_action_group_activate_action (G_ACTION_GROUP (window), "disconnect", NULL);
  g_assert_true (mw_test_wait_until (disconnected, window, 10000));
  assert_proposals (window, editor, "net.", FALSE, net_labels);
  assert_proposals (window, editor, "x = w", TRUE, w_all);
  gtk_widget_destroy (GTK_WIDGET (window));
}

/* A board whose firmware lacks wifi and sjson (the simulator's --modules): their fields and
 * names are not offered, hovering one says the board lacks it; all come back on disconnect. */
static void
test_board_lacks_modules (void)
{
  MwSimOptions options;
  g_autoptr (GError) error = NULL;
  g_autofree char *markup = NULL;
  MwSim *sim;
  MwWindow *window;
  MwEditor *editor;
  GtkEntry *entry;
  static const char *const s_board[] = { NULL };
  static const char *const s_all[] = { "si7021", "sigma_delta", "sjson",  "sntp",   "softuart",
                                       "somfy",  "spi",         "struct", "switec", NULL };
  static const char *const sjson_labels[] = { "decode(str[, opts])", "decoder([opts])",
                                              "encode(table [, opts])", "encoder(table [, opts])",
                                              NULL };

  mw_sim_options_init (&options);
  options.modules = "bit,file,gpio,node,tmr,uart";
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  g_assert_no_error (error);
  window = mw_window_new (app);
  editor = mw_window_new_document (window);
  gtk_widget_show (GTK_WIDGET (window));
  entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (mw_window_get_port_combo (window))));
  gtk_entry_set_text (entry, mw_sim_get_path (sim));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (mw_test_window_connected, window, 20000));

  assert_proposals (window, editor, "uart.", FALSE, uart_labels);
  assert_proposals (window, editor, "sjson.", FALSE, none);
  assert_proposals (window, editor, "wifi.sta.", FALSE, none);
  assert_proposals (window, editor, "x = w", TRUE, none);
  assert_proposals (window, editor, "x = s", TRUE, s_board);
  assert_proposals (window, editor, "tmr.", FALSE, tmr_labels);
  assert_proposals (window, editor, "d = sjson.decoder()\nd:", FALSE, none);
  markup = hover (window, editor, "t = sjson.decode(s)\n", "decode");
  g_assert_cmpstr (markup, ==,
                   "<tt>sjson.decode(str[, opts])</tt>\nParses a JSON string into a Lua value "
                   "(raises on bad JSON).\n<i>The connected board's firmware has no such "
                   "module.</i>");

  g_action_group_activate_action (G_ACTION_GROUP (window), "disconnect", NULL);
  g_assert_true (mw_test_wait_until (disconnected, window, 10000));
  assert_proposals (window, editor, "sjson.", FALSE, sjson_labels);
  assert_proposals (window, editor, "x = s", TRUE, s_all);
  gtk_widget_destroy (GTK_WIDGET (window));
  /* the next window starts with the port connected to last: forget it */
  g_settings_reset (mw_application_get_settings (app), "recent-ports");
  g_settings_reset (mw_application_get_settings (app), "last-port");
  mw_sim_stop (sim);
  g_object_unref (sim);
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/completion/all-modules", test_all_modules);
  g_test_add_func ("/mw/app/completion/board-modules", test_board_modules);
  g_test_add_func ("/mw/app/completion/board-lacks-modules", test_board_lacks_modules);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
