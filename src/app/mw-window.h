/* mw-window.h: the main window: header bar, editor tabs, console, heap graph, files. */
#pragma once

#include <gtk/gtk.h>

#include "mw-application.h"
#include "mw-board.h"
#include "mw-board-panel.h"
#include "mw-completion-provider.h"
#include "mw-console.h"
#include "mw-editor.h"
#include "mw-file-browser.h"
#include "mw-heap-graph.h"
#include "mw-memory-view.h"
#include "mw-problems-view.h"
#include "mw-snippets-bar.h"

G_BEGIN_DECLS

#define MW_TYPE_WINDOW (mw_window_get_type ())
G_DECLARE_FINAL_TYPE (MwWindow, mw_window, MW, WINDOW, GtkApplicationWindow)

MwWindow *mw_window_new (MwApplication *application);

/* Opens `file` in a tab (or shows its tab when it is open already). */
void mw_window_open_file (MwWindow *self, GFile *file);
MwEditor *mw_window_new_document (MwWindow *self);
MwEditor *mw_window_get_current_editor (MwWindow *self);
/* MwEditor*, in tab order; free the list (not the editors) */
GList *mw_window_list_editors (MwWindow *self);
MwEditor *mw_window_find_editor (MwWindow *self, GFile *file);
/* The name on an editor's tab ("init.lua (board)" for the board's copy) */
char *mw_window_dup_tab_label (MwWindow *self, MwEditor *editor);
guint mw_window_count_unsaved (MwWindow *self);
/* Closes the window, asking first when documents are unsaved. */
void mw_window_request_close (MwWindow *self);

/* Lints every .lua under `folder` together into the Problems list. */
void mw_window_check_folder (MwWindow *self, GFile *folder);
/* Builds an LFS image of every .lua under `folder` for the connected board and loads it
 * (mw_board_lfs_flash_async): progress in the progress bar, the result in the info bar and
 * the Board tab. */
void mw_window_flash_lfs (MwWindow *self, GFile *folder);
/* Shows a result or an error in the info bar; never silent. */
void mw_window_show_message (MwWindow *self, GtkMessageType type, const char *message);
/* Takes the message away (a new action began: the last one's outcome is not about it). */
void mw_window_hide_message (MwWindow *self);
/* The same with a button offering a fix: `label`, activating `action` ("win.x") with `target`
 * (may be NULL); the next message removes it. */
void mw_window_show_message_with_action (MwWindow *self, GtkMessageType type, const char *message,
                                         const char *label, const char *action, GVariant *target);
/* The button of that offer, or NULL when the message has none */
GtkButton *mw_window_get_message_action (MwWindow *self);
/* The info bar's text, or NULL when it is hidden */
const char *mw_window_get_message (MwWindow *self);

MwConsole *mw_window_get_console (MwWindow *self);
MwHeapGraph *mw_window_get_heap_graph (MwWindow *self);
MwMemoryView *mw_window_get_memory_view (MwWindow *self);
MwProblemsView *mw_window_get_problems_view (MwWindow *self);
MwFileBrowser *mw_window_get_file_browser (MwWindow *self);
MwBoardPanel *mw_window_get_board_panel (MwWindow *self);
/* Reopens the files open when the last session ended (the first window of a start). */
void mw_window_restore_session (MwWindow *self);
/* The API completion and hover docs of the window's editors */
MwCompletionProvider *mw_window_get_completion_provider (MwWindow *self);
/* The row of snippet buttons over the console */
MwSnippetsBar *mw_window_get_snippets_bar (MwWindow *self);
GtkComboBox *mw_window_get_port_combo (MwWindow *self);
MwBoard *mw_window_get_board (MwWindow *self);
/* The running operation's progress bar (0..1), or -1 when nothing runs */
gdouble mw_window_get_progress (MwWindow *self);

G_END_DECLS
