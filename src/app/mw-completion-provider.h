/* mw-completion-provider.h: completion and hover docs for the firmware's modules in editors. */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define MW_TYPE_COMPLETION_PROVIDER (mw_completion_provider_get_type ())
G_DECLARE_FINAL_TYPE (MwCompletionProvider, mw_completion_provider, MW, COMPLETION_PROVIDER,
                      GObject)

MwCompletionProvider *mw_completion_provider_new (void);
/* The modules the connected board has (its firmware's list); NULL: every module Moonwire
 * knows (no board connected, or one that did not say). */
void mw_completion_provider_set_modules (MwCompletionProvider *self, const char *const *modules);
/* Adds the provider to `view`'s completion and shows the docs of a module's field under the
 * pointer as its tooltip. */
void mw_completion_provider_attach (MwCompletionProvider *self, GtkSourceView *view);
/* The proposals for the text before `iter` (GtkSourceCompletionItem, in order; `user_requested`
 * as with Ctrl+Space: module names from the first letter) */
GList *mw_completion_provider_get_proposals (MwCompletionProvider *self, const GtkTextIter *iter,
                                             gboolean user_requested);
/* The tooltip's markup for the word at `iter` (NULL: nothing known there) */
char *mw_completion_provider_dup_hover_markup (MwCompletionProvider *self, const GtkTextIter *iter);

G_END_DECLS
