/* mw-snippets-dialog.h: adds, edits and removes the snippets of an MwSnippetStore. */
#pragma once

#include <gtk/gtk.h>

#include "mw-snippet-store.h"

G_BEGIN_DECLS

#define MW_TYPE_SNIPPETS_DIALOG (mw_snippets_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MwSnippetsDialog, mw_snippets_dialog, MW, SNIPPETS_DIALOG, GtkDialog)

/* Every change is kept (and saved) as it is made; there is nothing to apply. */
GtkWidget *mw_snippets_dialog_new (GtkWindow *parent, MwSnippetStore *store);
/* Selects snippet `index` for editing. */
void mw_snippets_dialog_select (MwSnippetsDialog *self, guint index);

G_END_DECLS
