/* mw-snippet-store.h: the user's snippets (named pieces of Lua run on the board with one click),
 * kept in a JSON file under the user's config folder. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;
  char *code; /* Lua, sent to the board as if typed in the console */
  gboolean confirm; /* ask before running it (a snippet that erases or restarts) */
} MwSnippet;

#define MW_SNIPPET_STORE_ERROR (mw_snippet_store_error_quark ())
GQuark mw_snippet_store_error_quark (void);

typedef enum
{
  MW_SNIPPET_STORE_ERROR_INVALID = 1, /* the file is not a list of snippets */
} MwSnippetStoreError;

#define MW_TYPE_SNIPPET_STORE (mw_snippet_store_get_type ())
G_DECLARE_FINAL_TYPE (MwSnippetStore, mw_snippet_store, MW, SNIPPET_STORE, GObject)

/* The file the app uses: $XDG_CONFIG_HOME/moonwire/snippets.json */
char *mw_snippet_store_default_path (void);
/* Snippets from `path`, or the defaults when it does not exist. When it cannot be read, the
 * defaults and an error (the file is moved aside, to `path`.broken, at the first save). */
MwSnippetStore *mw_snippet_store_new (const char *path, GError **error);
guint mw_snippet_store_get_n_snippets (MwSnippetStore *self);
const MwSnippet *mw_snippet_store_get (MwSnippetStore *self, guint index);
/* Each change is saved at once and emits "changed"; a failed save is returned. */
gboolean mw_snippet_store_append (MwSnippetStore *self, const char *name, const char *code,
                                  gboolean confirm, GError **error);
gboolean mw_snippet_store_replace (MwSnippetStore *self, guint index, const char *name,
                                   const char *code, gboolean confirm, GError **error);
gboolean mw_snippet_store_remove (MwSnippetStore *self, guint index, GError **error);
/* The defaults again (heap, chip info, restart, list files, format) */
gboolean mw_snippet_store_reset (MwSnippetStore *self, GError **error);

G_END_DECLS
