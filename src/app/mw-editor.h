/* mw-editor.h: one editor tab: a GtkSourceView on an MwDocument, find and replace, and the
 * Lua findings of the text as gutter marks. */
#pragma once

#include <gtk/gtk.h>

#include "mw-document.h"
#include "mw-gutter-marks.h"
#include "mw-lua-linter.h"

G_BEGIN_DECLS

/* Gutter mark categories, one per severity. */
#define MW_EDITOR_MARK_ERROR "mw-error"
#define MW_EDITOR_MARK_WARNING "mw-warning"
#define MW_EDITOR_MARK_INFO "mw-info"
/* The line where a program run on the board failed (kept until the next run) */
#define MW_EDITOR_MARK_RUNTIME "mw-runtime-error"

#define MW_TYPE_EDITOR (mw_editor_get_type ())
G_DECLARE_FINAL_TYPE (MwEditor, mw_editor, MW, EDITOR, GtkBox)

GtkWidget *mw_editor_new (MwDocument *document);
MwDocument *mw_editor_get_document (MwEditor *self);
GtkSourceView *mw_editor_get_view (MwEditor *self);
/* "name.lua", with a leading "•" while unsaved */
char *mw_editor_dup_title (MwEditor *self);

/* MwLuaDiagnostic*: the findings of the last check of the text (owned by the editor) */
GPtrArray *mw_editor_get_diagnostics (MwEditor *self);
/* The linter's options for this editor (copied); re-checks the text. */
void mw_editor_set_lint_options (MwEditor *self, const MwLuaLintOptions *options);
/* Checks the text now instead of after the typing pause. */
void mw_editor_queue_check (MwEditor *self, guint delay_ms);
/* The gutter's marks column (owned by the view) */
MwGutterMarks *mw_editor_get_gutter_marks (MwEditor *self);
/* The tooltip text of the gutter marks on a 1-based line, or NULL when there are none. */
char *mw_editor_dup_mark_tooltip (MwEditor *self, guint line);

/* Marks the 1-based line where the board reported `message` for a run of this file; 0 clears. */
void mw_editor_set_runtime_error (MwEditor *self, guint line, const char *message);
/* The line of that mark (1-based), or 0 */
guint mw_editor_get_runtime_error_line (MwEditor *self);

void mw_editor_goto (MwEditor *self, guint line, guint column);
/* The selection, or the cursor's line when nothing is selected */
char *mw_editor_dup_selection_or_line (MwEditor *self);

void mw_editor_show_search (MwEditor *self, gboolean replace);
void mw_editor_hide_search (MwEditor *self);
void mw_editor_find_next (MwEditor *self);
void mw_editor_find_previous (MwEditor *self);
void mw_editor_replace_one (MwEditor *self);
void mw_editor_replace_all (MwEditor *self);
void mw_editor_set_search_text (MwEditor *self, const char *text);
guint mw_editor_get_match_count (MwEditor *self);

/* Loads the file again (what the "changed on disk" bar's Reload does) */
void mw_editor_reload (MwEditor *self);
/* Whether the bar saying the file changed on disk shows */
gboolean mw_editor_get_disk_bar_shown (MwEditor *self);

G_END_DECLS
