/* mw-lua-minifier.c: prints a Lua chunk in as few bytes as Lua 5.1 allows, then proves it.
 *
 * Passes over the front end's MwLuaTree:
 *  1. Renaming. Name resolution in Lua is textual, so two locals may share a name unless a use
 *     of the outer one lies inside the inner one's scope. One sweep over the tokens with a
 *     stack of the locals in scope finds exactly those pairs (the interference graph); locals
 *     are then coloured heaviest first (most occurrences) with the first name that no
 *     neighbour holds, that is not a keyword, and that no global or implicit local (`self`,
 *     the vararg `arg`) referenced inside the local's scope already uses. Unlike a greedy
 *     interval scheme, a local used again after an inner block ends does not block that
 *     block's locals from reusing its name.
 *  2. Tokens that compile to nothing: statement semicolons (except before `(`), the
 *     parentheses of a lone string or table argument, separators before `}`.
 *  3. Printing: tokens only, a space only where two tokens would lex differently when joined;
 *     with keep_lines each token on its original line.
 *  4. Verification (mw-lua-minify-verify.c): both chunks compiled by liblua5.1 must agree.
 * This file runs the passes; pass 1 is mw-lua-minify-rename.c, the literals and passes 2 and 3
 * mw-lua-minify-emit.c.
 *
 * Literals are respelled only where both firmware builds read the same value: the float build
 * reads numerals with strtod, the integer build decimal ones with strtol and hex ones with
 * strtoul (docs/firmware.md section 4: a constant with a fraction is an error there). So an integer
 * spelling stays an integer spelling, a fractional one stays fractional, and hex becomes
 * decimal only below 2^31, where strtoul and strtol agree.
 */
#include "mw-config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mw-lua-minifier-private.h"
#include "mw-lua-minify-verify.h"
#include "mw-lua-tree.h"

G_DEFINE_QUARK (mw - lua - minify - error - quark, mw_lua_minify_error)

void
mw_lua_minifier_clear (MwLuaMinifier *m)
{
  g_clear_pointer (&m->locals, g_array_unref);
  g_free (m->edges);
  g_free (m->adj);
  g_free (m->tok_local);
  g_free (m->drop);
  if (m->long_scratch != NULL)
    g_string_free (m->long_scratch, TRUE);
  g_free (m->short_globals);
  g_clear_pointer (&m->globals, g_hash_table_unref);
}

/* ---- the whole pipeline ------------------------------------------------------------------ */

GBytes *
mw_lua_minify (const char *chunkname, const char *source, gsize length,
               const MwLuaMinifyOptions *options, MwLuaMinifyReport *report, GError **error)
{
  static const MwLuaMinifyOptions defaults = { 0 };
  g_autoptr (MwLuaTree) tree = NULL;
  g_autoptr (MwLuaMinifyVerify) verify = NULL;
  MwLuaMinifier m = { 0 };
  GString *out;
  g_autofree char *difference = NULL;
  guint functions = 0;

  g_return_val_if_fail (chunkname != NULL, NULL);
  g_return_val_if_fail (source != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;
  if (source == NULL)
    source = "";
  if (length >= G_MAXUINT32)
    {
      g_set_error (error, MW_LUA_MINIFY_ERROR, MW_LUA_MINIFY_ERROR_TOO_LARGE,
                   "%s: too large to minify", chunkname);
      return NULL;
    }
  /* liblua compiles the input on a worker while the front end reads it */
  verify = mw_lua_minify_verify_start (chunkname, source, length, options->keep_lines);
  tree = mw_lua_tree_parse (chunkname, source, length, MW_LUA_PARSE_SKIP_SHEBANG);
  if (!mw_lua_tree_is_valid (tree))
    {
      g_autofree char *msg = mw_lua_diagnostic_format (mw_lua_tree_get_error (tree), chunkname);
      g_set_error (error, MW_LUA_MINIFY_ERROR, MW_LUA_MINIFY_ERROR_SYNTAX, "%s", msg);
      return NULL;
    }

  m.tree = tree;
  m.src = mw_lua_tree_get_source (tree, &m.n_src);
  m.toks = mw_lua_tree_get_tokens (tree, &m.n_toks);
  m.opt = options;
  m.long_scratch = g_string_new (NULL);
  if (!options->no_rename)
    mw_lua_minify_rename_locals (&m);
  mw_lua_minify_find_droppable (&m);

  out = g_string_sized_new (length / 2 + 16);
  mw_lua_minify_print_chunk (&m, out);

  if (!mw_lua_minify_verify_finish (verify, out->str, out->len, &functions, &difference))
    {
      g_set_error (error, MW_LUA_MINIFY_ERROR, MW_LUA_MINIFY_ERROR_VERIFY,
                   "%s: the minified chunk does not compile to the same bytecode: %s", chunkname,
                   difference);
      g_string_free (out, TRUE);
      mw_lua_minifier_clear (&m);
      return NULL;
    }

  if (report != NULL)
    {
      report->input_bytes = length;
      report->output_bytes = out->len;
      report->renamed = m.n_renamed;
      report->literals = m.n_literals;
      report->functions = functions;
    }
  mw_lua_minifier_clear (&m);
  return g_string_free_to_bytes (out);
}
