/* mw-document.h: a Lua file being edited; it is a GtkSourceBuffer that knows its file. */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define MW_TYPE_DOCUMENT (mw_document_get_type ())
G_DECLARE_FINAL_TYPE (MwDocument, mw_document, MW, DOCUMENT, GtkSourceBuffer)

MwDocument *mw_document_new (void);
GFile *mw_document_get_file (MwDocument *self);
void mw_document_set_file (MwDocument *self, GFile *file);
/* The file's base name, or "Untitled" */
char *mw_document_dup_title (MwDocument *self);
/* Whether another program changed or removed the file since this document loaded or saved it */
gboolean mw_document_get_changed_on_disk (MwDocument *self);
/* The user keeps the text as it is over the file's new content: it counts as unsaved. */
void mw_document_keep_own_text (MwDocument *self);
/* The whole text (caller frees) */
char *mw_document_dup_text (MwDocument *self);

void mw_document_load_async (MwDocument *self, GFile *file, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_document_load_finish (MwDocument *self, GAsyncResult *result, GError **error);
/* Saves to `file`, or to the document's file when NULL. */
void mw_document_save_async (MwDocument *self, GFile *file, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_document_save_finish (MwDocument *self, GAsyncResult *result, GError **error);

G_END_DECLS
