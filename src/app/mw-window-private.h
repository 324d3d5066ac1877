/* mw-window-private.h: what the files of MwWindow share: the instance struct and the
 * internal functions one part calls in another (mw-window.c, mw-window-actions.c,
 * mw-window-board.c, mw-window-folder-check.c, mw-window-lfs.c). Not for other classes: they use
 * mw-window.h.
 */
#pragma once

#include "mw-completion-provider.h"
#include "mw-memory-view.h"
#include "mw-snippets-bar.h"
#include "mw-window.h"

G_BEGIN_DECLS

struct _MwWindow
{
  GtkApplicationWindow parent_instance;

  GtkHeaderBar *header_bar;
  GtkLabel *subtitle_label; /* the current file and its folder */
  guint subtitle_idle; /* sets the subtitle's width for the room the header bar has */
  gint subtitle_chars; /* the width it asks for, in characters */
  GtkComboBoxText *port_combo;
  GtkComboBoxText *baud_combo;
  GtkWidget *connect_button;
  GtkWidget *disconnect_button;
  GtkStack *connect_stack;
  GtkWidget *reset_button;
  GtkMenuButton *menu_button;
  GtkWidget *upload_button;
  GtkWidget *compile_upload_button;
  GtkWidget *run_button;
  GtkWidget *save_button;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkWidget *info_action_button;
  GtkRevealer *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkPaned *main_paned; /* the side pane | the rest */
  GtkPaned *work_paned; /* editors over the bottom pane */
  GtkStack *editor_stack;
  GtkNotebook *notebook;
  GtkStack *bottom_stack;
  MwConsole *console;
  MwHeapGraph *heap_graph;
  MwMemoryView *memory_view;
  MwProblemsView *problems_view;
  MwFileBrowser *file_browser;
  MwBoardPanel *board_panel;
  MwSnippetsBar *snippets_bar;

  GSettings *settings;
  MwSnippetStore *snippets; /* the application's */
  MwCompletionProvider *completion; /* API completion and hover docs of every editor */
  GMenu *recent_menu;
  guint untitled_count;
  gboolean closing;
  gboolean restoring; /* reopening the last session's files (mw-window-session.c) */
  guint session_idle;
  guint pane_idle;
  gboolean panes_restored; /* the panes have been set from the settings: save them at close */
  gboolean panes_touched; /* the user moved a pane: its position is theirs */

  MwBoard *board;
  gboolean connecting;
  GCancellable *op_cancellable; /* the running upload or run; win.cancel cancels it */
  guint listings; /* requests for the board's file list not answered yet */
  gboolean run_after_listing; /* Run waits for the file list an upload asked for */
  GPtrArray *upload_queue; /* paths dropped on the file browser, still to upload */
  guint drop_idle; /* goes on with upload_queue once an operation is over */
  GQueue *console_lines; /* lines typed in the console, not answered yet (mw-window-board.c) */

  char *pending_jump; /* a Problems row's file being opened, to jump to */
  guint pending_line;
  guint pending_column;
};

/* mw-window.c */
MwLuaNumberType _mw_window_get_number_type (MwWindow *self);
MwLuaLintOptions *_mw_window_new_lint_options (MwWindow *self, const char *dir);
char *_mw_window_lint_dir (MwEditor *editor);
void _mw_window_save_editor (MwWindow *self, MwEditor *editor, gboolean close_after);
void _mw_window_save_as (MwWindow *self, MwEditor *editor, gboolean close_after);
void _mw_window_close_editor (MwWindow *self, MwEditor *editor);

/* mw-window-actions.c */
void _mw_window_add_actions (MwWindow *self);

/* mw-window.c: a tab for a loaded document */
MwEditor *_mw_window_add_editor (MwWindow *self, MwDocument *document);

/* mw-window-session.c */
void _mw_window_init_session (MwWindow *self);
void _mw_window_setup_session (MwWindow *self);
void _mw_window_dispose_session (MwWindow *self);
void _mw_window_remember_last_port (MwWindow *self, const char *port);

/* mw-window-snippets.c */
void _mw_window_init_snippets (MwWindow *self);
void _mw_window_setup_snippets (MwWindow *self, MwApplication *app);

/* mw-window-board.c */
void _mw_window_init_board (MwWindow *self);
void _mw_window_fill_ports (MwWindow *self, const char *wanted);
char *_mw_window_dup_port (MwWindow *self);
void _mw_window_update_device_actions (MwWindow *self);
void _mw_window_clear_console_lines (MwWindow *self);
GCancellable *_mw_window_start_operation (MwWindow *self, const char *label);
void _mw_window_finish_operation (MwWindow *self);
void _mw_window_refresh_files (MwWindow *self);

/* mw-window-folder-check.c */
/* Every .lua file under `folder` (hidden entries left out), sorted, into `paths` (char *). */
void _mw_window_collect_lua_files (const char *folder, GPtrArray *paths);

/* mw-window-lfs.c */
void _mw_window_init_lfs (MwWindow *self);
/* Shows the board's LFS region, use and modules in the Board tab. */
void _mw_window_refresh_lfs (MwWindow *self);

G_END_DECLS
