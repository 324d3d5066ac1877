/* test-corpus.c: the front end against luac5.1 on real-world Lua (the Debian corpus).
 *
 * For every .lua file: luac5.1 -p -l -l decides validity, and for valid files lists each
 * function's header (lines, parameters, upvalues, locals) and every GETGLOBAL/SETGLOBAL.
 * The front end must agree on all of it; for rejected files it must report luac's message.
 * Then token mutations (one token deleted or duplicated) of corpus files must not crash and
 * must be accepted or rejected exactly as luac decides.
 */
#include <stdio.h>
#include <string.h>

#include "mw-lua-tree.h"
#include "mw-test-support.h"

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static guint n_valid, n_rejected;

static void
check_file (const char *path)
{
  g_autofree char *data = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (MwLuaTree) tree = NULL;
  g_autoptr (GPtrArray) luac_funcs = NULL;
  GPtrArray *funcs;
  gsize len;
  const char *args[] = { "-p", "-l", "-l", path, NULL };
  int status;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  status = mw_test_luac (args, &out, &err);
  tree = mw_lua_tree_parse (path, data, len, MW_LUA_PARSE_SKIP_SHEBANG);

  if (!g_spawn_check_wait_status (status, NULL))
    {
      const MwLuaDiagnostic *e = mw_lua_tree_get_error (tree);
      g_autofree char *ours = NULL;
      const char *theirs = err;

      n_rejected++;
      if (e == NULL)
        g_error ("%s: luac rejects (%s), the front end accepts", path, err);
      if (g_str_has_prefix (theirs, "luac5.1: "))
        theirs += strlen ("luac5.1: ");
      ours = mw_lua_diagnostic_format (e, path);
      g_assert_cmpstr (ours, ==, g_strchomp ((char *) theirs));
      return;
    }

  n_valid++;
  if (!mw_lua_tree_is_valid (tree))
    g_error ("%s: luac accepts, the front end says: %s", path,
             mw_lua_tree_get_error (tree)->message);

  luac_funcs = mw_test_luac_listing_parse (out);
  funcs = mw_lua_tree_get_functions (tree);
  g_assert_cmpuint (funcs->len, ==, luac_funcs->len);
  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];
      MwTestLuacFunction *lf = luac_funcs->pdata[i];
      g_autoptr (GPtrArray) ours = g_ptr_array_new_with_free_func (g_free);
      GArray *globals = mw_lua_tree_get_globals (tree);

      if (f->line_defined != lf->line_defined || f->last_line != lf->last_line
          || f->upvalues->len != lf->upvalues || f->num_params != lf->params
          || f->vars->len != lf->locals)
        g_error ("%s: function %u: ours <%u,%u> %u params %u upvalues %u locals; "
                 "luac <%u,%u> %u params %u upvalues %u locals",
                 path, i, f->line_defined, f->last_line, f->num_params, f->upvalues->len,
                 f->vars->len, lf->line_defined, lf->last_line, lf->params, lf->upvalues,
                 lf->locals);
      for (guint g = 0; g < globals->len; g++)
        {
          const MwLuaGlobalRef *ref = &g_array_index (globals, MwLuaGlobalRef, g);
          if (ref->func == f)
            g_ptr_array_add (ours, g_strdup_printf ("%c %s", ref->write ? 'W' : 'R', ref->name));
        }
      /* code generation may order an assignment's stores differently from the source */
      g_ptr_array_sort (ours, cmp_str);
      g_ptr_array_sort (lf->globals, cmp_str);
      g_assert_cmpuint (ours->len, ==, lf->globals->len);
      for (guint g = 0; g < ours->len; g++)
        g_assert_cmpstr (ours->pdata[g], ==, lf->globals->pdata[g]);
    }
}

static void
test_corpus (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();

  for (guint i = 0; i < files->len; i++)
    check_file (files->pdata[i]);
  g_test_message ("%u valid, %u rejected files agree with luac5.1", n_valid, n_rejected);
  g_assert_cmpuint (n_valid, >=, 400);
  g_assert_cmpuint (n_rejected, >=, 1);
}

/* Rebuilds the source with token `victim` deleted or written twice. */
static GString *
mutate (MwLuaTree *tree, guint victim, gboolean duplicate)
{
  gsize len;
  const char *src = mw_lua_tree_get_source (tree, &len);
  guint n;
  const MwLuaToken *toks = mw_lua_tree_get_tokens (tree, &n);
  const MwLuaToken *t = &toks[victim];
  GString *out = g_string_sized_new (len + t->length + 2);

  g_string_append_len (out, src, t->offset);
  if (duplicate)
    {
      g_string_append_len (out, src + t->offset, t->length);
      g_string_append_c (out, ' ');
      g_string_append_len (out, src + t->offset, len - t->offset);
    }
  else
    g_string_append_len (out, src + t->offset + t->length, len - t->offset - t->length);
  return out;
}

static void
test_mutations (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261125);
  guint agreed = 0, rejected = 0;

  /* every 4th file, two mutations each: about 250 runs of luac */
  for (guint i = 0; i < files->len; i += 4)
    {
      g_autofree char *data = NULL;
      g_autoptr (MwLuaTree) tree = NULL;
      gsize len;
      guint n;

      g_assert_true (g_file_get_contents (files->pdata[i], &data, &len, NULL));
      tree = mw_lua_tree_parse ("m.lua", data, len, MW_LUA_PARSE_SKIP_SHEBANG);
      mw_lua_tree_get_tokens (tree, &n);
      if (n < 2)
        continue;
      for (int k = 0; k < 2; k++)
        {
          guint victim = g_rand_int_range (rand, 0, n - 1);
          g_autoptr (GString) m = mutate (tree, victim, k == 1);
          g_autoptr (MwLuaTree) mt =
            mw_lua_tree_parse ("m.lua", m->str, m->len, MW_LUA_PARSE_SKIP_SHEBANG);
          g_autofree char *msg = NULL;
          gboolean ok = mw_test_luac_check_source ("m.lua", m->str, m->len, &msg);

          if (ok != mw_lua_tree_is_valid (mt))
            g_error ("%s with token %u %s: luac %s, front end %s (%s)", (char *) files->pdata[i],
                     victim, k ? "duplicated" : "deleted", ok ? "accepts" : msg,
                     mw_lua_tree_is_valid (mt) ? "accepts" : "rejects",
                     mw_lua_tree_is_valid (mt) ? "" : mw_lua_tree_get_error (mt)->message);
          if (!ok)
            {
              g_autofree char *ours =
                mw_lua_diagnostic_format (mw_lua_tree_get_error (mt), "m.lua");
              g_assert_cmpstr (ours, ==, msg);
              rejected++;
            }
          agreed++;
        }
    }
  g_test_message ("%u mutations agree with luac5.1 (%u rejected)", agreed, rejected);
  g_assert_cmpuint (rejected, >, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/corpus/luac-agreement", test_corpus);
  g_test_add_func ("/mw/lua/corpus/mutations", test_mutations);
  return g_test_run ();
}
