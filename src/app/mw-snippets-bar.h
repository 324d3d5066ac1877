/* mw-snippets-bar.h: a row of buttons, one per snippet of an MwSnippetStore; those that do not
 * fit are in a "more" menu. */
#pragma once

#include <gtk/gtk.h>

#include "mw-snippet-store.h"

G_BEGIN_DECLS

#define MW_TYPE_SNIPPETS_BAR (mw_snippets_bar_get_type ())
G_DECLARE_FINAL_TYPE (MwSnippetsBar, mw_snippets_bar, MW, SNIPPETS_BAR, GtkContainer)

GtkWidget *mw_snippets_bar_new (void);
/* Shows `store`'s snippets and follows its changes (NULL: none). */
void mw_snippets_bar_set_store (MwSnippetsBar *self, MwSnippetStore *store);
/* The button of snippet `index` (tests), or NULL */
GtkButton *mw_snippets_bar_get_button (MwSnippetsBar *self, guint index);
/* The "more" menu button (tests): shown (child-visible) when some snippets do not fit; its menu
 * model holds those. */
GtkMenuButton *mw_snippets_bar_get_more_button (MwSnippetsBar *self);

G_END_DECLS
