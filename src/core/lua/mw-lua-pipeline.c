/* mw-lua-pipeline.c: lint, minify, compile and strip a file on its way to the board. */
#include "mw-lua-pipeline.h"

#include <string.h>

#include "mw-lua-compiler.h"
#include "mw-lua-minifier.h"
#include "mw-lua-tree.h"

G_DEFINE_QUARK (mw - lua - pipeline - error - quark, mw_lua_pipeline_error)

char *
mw_lua_pipeline_compiled_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_has_suffix (name, ".lua"))
    return g_strdup_printf ("%.*s.lc", (int) (strlen (name) - 4), name);
  return g_strconcat (name, ".lc", NULL);
}

static gboolean
lint (const char *name, const char *text, gsize len, const MwLuaLintOptions *given, GError **error)
{
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse (name, text, len, MW_LUA_PARSE_SKIP_SHEBANG);
  g_autoptr (MwLuaLintOptions) defaults = given ? NULL : mw_lua_lint_options_new ();
  g_autoptr (GPtrArray) found = mw_lua_lint_tree (tree, given ? given : defaults);
  const MwLuaDiagnostic *first = NULL;
  guint errors = 0;

  for (guint i = 0; i < found->len; i++)
    {
      const MwLuaDiagnostic *diag = g_ptr_array_index (found, i);
      if (diag->severity != MW_LUA_SEVERITY_ERROR)
        continue;
      if (first == NULL)
        first = diag;
      errors++;
    }
  if (first != NULL)
    {
      g_autofree char *where = mw_lua_diagnostic_format (first, name);
      g_autofree char *more = errors > 1 ? g_strdup_printf (", and %u more errors", errors - 1)
                                         : g_strdup ("");
      g_set_error (error, MW_LUA_PIPELINE_ERROR, MW_LUA_PIPELINE_ERROR_LINT, "%s (%s)%s", where,
                   first->code, more);
      return FALSE;
    }
  return TRUE;
}

GBytes *
mw_lua_pipeline_prepare (const char *name, GBytes *source, const MwLuaPipelineOptions *options,
                         char **board_name, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gsize len;
  const char *text;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_bytes_ref (source);
  if (!g_str_has_suffix (name, ".lua"))
    {
      if (board_name)
        *board_name = g_strdup (name);
      return g_steal_pointer (&bytes);
    }

  text = g_bytes_get_data (bytes, &len);
  if (options->lint && !lint (name, text ? text : "", len, options->lint_options, error))
    return NULL;
  if (options->minify)
    {
      /* lines kept: the board's error messages still point at the editor's lines */
      MwLuaMinifyOptions minify = { .keep_lines = TRUE };
      GBytes *out = mw_lua_minify (name, text ? text : "", len, &minify, NULL, error);

      if (out == NULL)
        return NULL;
      g_bytes_unref (bytes);
      bytes = out;
    }
  if (options->compile)
    {
      GBytes *lc;

      text = g_bytes_get_data (bytes, &len);
      lc = mw_lua_compiler_compile_to_bytes (name, text ? text : "", len, options->number_type,
                                             options->strip ? MW_LUA_STRIP_ALL : MW_LUA_STRIP_NAMES,
                                             error);
      if (lc == NULL)
        return NULL;
      g_bytes_unref (bytes);
      bytes = lc;
      if (board_name)
        *board_name = mw_lua_pipeline_compiled_name (name);
      return g_steal_pointer (&bytes);
    }
  if (board_name)
    *board_name = g_strdup (name);
  return g_steal_pointer (&bytes);
}
