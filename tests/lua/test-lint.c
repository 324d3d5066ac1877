/* test-lint.c: the NodeMCU linter (mw-lua-linter.h).
 *
 * Case files under data/lint/ mark each line that must be flagged with a trailing
 * `--! Wnnn [Wnnn...]`; every other line must not be flagged: the sets must be equal both
 * ways. Files at the top are linted alone, each subdirectory as one project (cross-file
 * rules). Oracles on the corpus: the linter's globals per file equal luac5.1's GETGLOBAL and
 * SETGLOBAL names, its upvalue counts (W701 with --max-upvalues 1) equal luac's headers, and
 * no corpus file or mutation of one crashes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "mw-lua-api.h"
#include "mw-lua-compiler.h"
#include "mw-lua-linter.h"
#include "mw-lua-ram-estimate.h"
#include "mw-test-support.h"

static MwLuaTree *
parse_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return mw_lua_tree_parse (path, data, len, MW_LUA_PARSE_SKIP_SHEBANG);
}

/* "line code" for every `--!` marker of a source */
static GPtrArray *
expected_findings (MwLuaTree *tree)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  gsize len;
  const char *src = mw_lua_tree_get_source (tree, &len);
  g_auto (GStrv) lines = g_strsplit (src, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      const char *m = strstr (lines[i], "--!");
      g_auto (GStrv) codes = NULL;

      if (m == NULL)
        continue;
      codes = g_strsplit_set (m + 3, " \t\r", -1);
      for (char **c = codes; *c; c++)
        if (**c != '\0')
          g_ptr_array_add (out, g_strdup_printf ("%u %s", i + 1, *c));
    }
  return out;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* the two lists hold the same strings (as multisets); else fails naming the differences */
static void
check_same (const char *what, GPtrArray *expected, GPtrArray *got)
{
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autoptr (GString) extra = g_string_new (NULL);
  guint i = 0, j = 0;

  g_ptr_array_sort (expected, cmp_str);
  g_ptr_array_sort (got, cmp_str);
  while (i < expected->len || j < got->len)
    {
      int c = i == expected->len ? 1
              : j == got->len    ? -1
                                 : strcmp (expected->pdata[i], got->pdata[j]);
      if (c == 0)
        i++, j++;
      else if (c < 0)
        g_string_append_printf (missing, " {%s}", (char *) expected->pdata[i++]);
      else
        g_string_append_printf (extra, " {%s}", (char *) got->pdata[j++]);
    }
  if (missing->len > 0 || extra->len > 0)
    g_error ("%s: expected but not reported:%s; reported but not expected:%s", what,
             missing->len ? missing->str : " none", extra->len ? extra->str : " none");
}

/* lints `paths` together and checks each file against its markers */
static guint
check_case (GPtrArray *paths)
{
  g_autoptr (GPtrArray) trees = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_tree_unref);
  g_autoptr (GPtrArray) results = NULL;
  guint n_markers = 0;

  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (trees, parse_file (paths->pdata[i]));
  results = mw_lua_lint ((MwLuaTree *const *) trees->pdata, trees->len, NULL);
  g_assert_cmpuint (results->len, ==, paths->len);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GPtrArray) expected = expected_findings (trees->pdata[i]);
      g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
      GPtrArray *diags = results->pdata[i];

      g_assert_true (mw_lua_tree_is_valid (trees->pdata[i]));
      n_markers += expected->len;
      for (guint d = 0; d < diags->len; d++)
        {
          const MwLuaDiagnostic *diag = diags->pdata[d];
          g_assert_cmpuint (diag->column, >, 0);
          g_assert_cmpuint (strlen (diag->message), >, 0);
          g_ptr_array_add (got, g_strdup_printf ("%u %s", diag->line, diag->code));
        }
      check_same (paths->pdata[i], expected, got);
    }
  return n_markers;
}

static void
list_dir (const char *dir, GPtrArray *files, GPtrArray *dirs)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (dirs, g_steal_pointer (&path));
      else if (g_str_has_suffix (name, ".lua"))
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
  g_ptr_array_sort (files, cmp_str);
  g_ptr_array_sort (dirs, cmp_str);
}

/* every rule (W code) has a case file or project whose name starts with its code, with at
 * least one marker; the front end's errors (E codes) are tested in /mw/lua/lint/hard-limits */
static void
test_cases (void)
{
  g_autofree char *root = mw_test_data_path ("lua/data/lint");
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  guint markers = 0;

  list_dir (root, files, dirs);
  for (const char *const *code = mw_lua_lint_get_codes (); *code; code++)
    {
      g_autofree char *prefix = g_ascii_strdown (*code, -1);
      gboolean found = FALSE;
      for (guint i = 0; i < files->len; i++)
        {
          g_autofree char *base = g_path_get_basename (files->pdata[i]);
          found |= g_str_has_prefix (base, prefix);
        }
      for (guint i = 0; i < dirs->len; i++)
        {
          g_autofree char *base = g_path_get_basename (dirs->pdata[i]);
          found |= g_str_has_prefix (base, prefix);
        }
      if (**code == 'W' && !found)
        g_error ("no case file for %s", *code);
    }
  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr (GPtrArray) one = g_ptr_array_new ();
      guint m;

      g_ptr_array_add (one, files->pdata[i]);
      m = check_case (one);
      /* a rule's file must flag something (its not-flagged lines are the rest) */
      if (g_str_has_prefix (strrchr (files->pdata[i], '/') + 1, "w") && m == 0)
        g_error ("%s has no --! marker", (char *) files->pdata[i]);
      markers += m;
    }
  for (guint i = 0; i < dirs->len; i++)
    {
      g_autoptr (GPtrArray) project = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GPtrArray) sub = g_ptr_array_new_with_free_func (g_free);

      list_dir (dirs->pdata[i], project, sub);
      markers += check_case (project);
    }
  g_test_message ("%u markers in %u files and %u projects", markers, files->len, dirs->len);
  g_assert_cmpuint (markers, >=, 30);
}

/* every code has a title and an entry in docs/lint.md (a heading or a table row) */
static void
test_codes_documented (void)
{
  g_autofree char *path = mw_test_data_path ("../docs/lint.md");
  g_autofree char *doc = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &doc, NULL, NULL));
  for (const char *const *code = mw_lua_lint_get_codes (); *code; code++, n++)
    {
      g_autofree char *heading = g_strdup_printf ("#### %s ", *code);
      g_autofree char *bold = g_strdup_printf ("**%s**", *code);
      g_autofree char *row = g_strdup_printf ("| %s |", *code);

      g_assert_nonnull (mw_lua_lint_code_title (*code));
      if (!strstr (doc, heading) && !strstr (doc, bold) && !strstr (doc, row))
        g_error ("%s is not documented in docs/lint.md", *code);
    }
  g_assert_cmpuint (n, ==, 32);
  g_assert_null (mw_lua_lint_code_title ("W999"));
}

/* lints one source alone with `options` and returns "line code" findings */
static GPtrArray *
lint_source (const char *name, const char *source, const MwLuaLintOptions *options)
{
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse (name, source, -1, MW_LUA_PARSE_NONE);
  g_autoptr (GPtrArray) diags = mw_lua_lint_tree (tree, options);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < diags->len; i++)
    {
      const MwLuaDiagnostic *d = diags->pdata[i];
      g_ptr_array_add (out, g_strdup_printf ("%u %s", d->line, d->code));
    }
  return out;
}

static char *
joined (GPtrArray *list)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) list->pdata[i]);
  return g_string_free (s, FALSE);
}

typedef struct
{
  const char *std;
  const char *globals;
  const char *ignore;
  guint max_upvalues;
  const char *source;
  const char *expected; /* "line code, ..." */
} OptionCase;

static const OptionCase option_cases[] = {
  /* the firmware has no io or os; desktop Lua has no tmr */
  { "nodemcu", NULL, NULL, 5, "print(io, os, tmr, unpack)", "1 W113, 1 W113" },
  { "lua51", NULL, NULL, 5, "print(io, os, tmr, unpack)", "1 W113" },
  { "min", NULL, NULL, 5, "print(io, os, tmr, unpack, loadstring)",
    "1 W113, 1 W113, 1 W113, 1 W113, 1 W113" },
  { "lua51+busted", NULL, NULL, 5, "print(io)", "" },
  /* luacheck's lua51 has the interpreter's `arg`; the firmware has none */
  { "lua51", NULL, NULL, 5, "print(arg)", "" },
  { "nodemcu", NULL, NULL, 5, "print(arg)", "1 W113" },
  /* --globals: set and read without W111's missing-local, W112 or W113 (W111 still counts
   * the RAM); a set inside a function that is also the first set is one finding */
  { "nodemcu", "cfg", NULL, 5, "local function f() cfg = 1 end\nprint(f, cfg)", "1 W111" },
  { "nodemcu", NULL, NULL, 5, "local function f() cfg = 1 end\nprint(f, cfg)", "1 W111" },
  { "nodemcu", NULL, NULL, 5, "local function f() cfg = 1; cfg = 2 end\nprint(f, cfg)",
    "1 W111, 1 W111" },
  { "nodemcu", NULL, NULL, 5, "cfg.x = 1\nprint(cfg.x)", "1 W112, 2 W113" },
  { "nodemcu", "cfg", NULL, 5, "cfg.x = 1\nprint(cfg.x)", "" },
  { "nodemcu", NULL, "112", 5, "cfg.x = 1\ncfg = 2", "2 W111" },
  /* ignore patterns as luacheck reads them */
  { "nodemcu", NULL, "211", 5, "local a\nlocal function f(b) end", "2 W212" },
  { "nodemcu", NULL, "21", 5, "local a\nlocal function f(b) end", "" },
  { "nodemcu", NULL, "W212", 5, "local a\nlocal function f(b) end", "1 W211, 2 W211" },
  { "nodemcu", NULL, "211/f", 5, "local a\nlocal function f(b) end", "1 W211, 2 W212" },
  { "nodemcu", NULL, "[ab]", 5, "local a\nlocal function f(b) end", "2 W211" },
  { "nodemcu", NULL, "tmp.*", 5, "local tmp1, tmp2, x", "1 W211" },
  /* a name pattern that does not compile ignores nothing */
  { "nodemcu", NULL, "211/[", 5, "local a", "1 W211" },
  { "nodemcu", NULL, "%d+x", 5, "local x, _1x, a2x", "1 W211, 1 W211" },
  /* --max-upvalues */
  { "nodemcu", NULL, NULL, 2, "local a, b\nlocal function f() return a, b end\nreturn f",
    "2 W701" },
  { "nodemcu", NULL, NULL, 3, "local a, b\nlocal function f() return a, b end\nreturn f", "" },
  { "nodemcu", NULL, NULL, 0, "local a, b\nlocal function f() return a, b end\nreturn f", "" },
};

static void
test_options (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (option_cases); i++)
    {
      const OptionCase *c = &option_cases[i];
      g_autoptr (MwLuaLintOptions) o = mw_lua_lint_options_new ();
      g_autoptr (GPtrArray) got = NULL;
      g_autofree char *text = NULL;

      g_assert_true (mw_lua_lint_options_set_std (o, c->std, NULL));
      if (c->globals)
        mw_lua_lint_options_add_global (o, c->globals);
      if (c->ignore)
        mw_lua_lint_options_add_ignore (o, c->ignore);
      mw_lua_lint_options_set_max_upvalues (o, c->max_upvalues);
      got = lint_source ("t.lua", c->source, o);
      text = joined (got);
      if (strcmp (text, c->expected) != 0)
        g_error ("case %" G_GSIZE_FORMAT " (%s): expected {%s}, got {%s}", i, c->source,
                 c->expected, text);
    }
}

/* one lookup and one set of defaults for every front end: the nearest .luacheckrc from a
 * directory upward, on top of Moonwire's defaults */
static void
test_options_for_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("mw-lintrc-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (root, "src", "deep", NULL);
  g_autofree char *rc = g_build_filename (root, ".luacheckrc", NULL);
  g_autofree char *found = NULL, *none = NULL, *above = NULL;
  g_autoptr (MwLuaLintOptions) o = NULL, defaults = NULL, bad = NULL;
  g_autoptr (GPtrArray) got = NULL, got_default = NULL;
  g_autofree char *text = NULL, *text_default = NULL;
  const char *src = "local a, b, c, d, e, f = 1, 2, 3, 4, 5, 6\n"
                    "return function() return a, b, c, d, e end, "
                    "function() return a, b, c, d, e, f end";

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  above = mw_lua_lint_find_config (sub);
  /* no file anywhere up to the root of the temporary tree: the defaults */
  defaults = mw_lua_lint_options_new_for_dir (sub, &none, &error);
  g_assert_no_error (error);
  g_assert_nonnull (defaults);
  g_assert_cmpstr (none, ==, above);
  got_default = lint_source ("t.lua", src, defaults);
  text_default = joined (got_default);
  /* (a .luacheckrc above the temporary directory would apply: then only check it is found) */
  if (above == NULL)
    {
      g_assert_null (none);
      g_assert_cmpstr (text_default, ==, "2 W701, 2 W701");
    }
  g_assert_true (g_file_set_contents (rc, "max_upvalues = 6\n", -1, NULL));
  o = mw_lua_lint_options_new_for_dir (sub, &found, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, rc);
  got = lint_source ("t.lua", src, o);
  text = joined (got);
  g_assert_cmpstr (text, ==, "2 W701");
  /* a file that does not run: no options, the error says why */
  g_assert_true (g_file_set_contents (rc, "max_upvalues = ", -1, NULL));
  bad = mw_lua_lint_options_new_for_dir (sub, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG);
  g_assert_cmpint (g_unlink (rc), ==, 0);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  *strrchr (sub, '/') = '\0';
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_assert_cmpint (g_rmdir (root), ==, 0);
}

static void
test_bad_std (void)
{
  g_autoptr (MwLuaLintOptions) o = mw_lua_lint_options_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (mw_lua_lint_options_set_std (o, "lua51+nonsense", &error));
  g_assert_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_OPTION);
  g_assert_cmpint (mw_lua_lint_options_get_std (o), ==, MW_LUA_LINT_STD_NODEMCU);
}

/* byte figures come from the RAM model (docs/firmware.md section 3) */
static void
test_bytes (void)
{
  const char *src = "big = {1, 2, 3}\n" /* slot 32 + key 20 + table 68 */
                    "local a, b, c, d, e\n"
                    "local function f() return a, b, c, d, e end\n" /* closure 20 + 5 * 28 */
                    "return f\n";
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse ("b.lua", src, -1, MW_LUA_PARSE_NONE);
  g_autoptr (MwLuaLintOptions) o = mw_lua_lint_options_new ();
  g_autoptr (GPtrArray) diags = NULL;
  const MwLuaRamModel *ram = mw_lua_ram_model_get (MW_LUA_TARGET_FLOAT);
  gint64 seen = 0;

  mw_lua_lint_options_add_ignore (o, "21");
  diags = mw_lua_lint_tree (tree, o);
  for (guint i = 0; i < diags->len; i++)
    {
      const MwLuaDiagnostic *d = diags->pdata[i];
      if (strcmp (d->code, MW_LUA_LINT_GLOBAL_KEPT) == 0)
        {
          g_assert_cmpint (d->bytes, ==, 32 + mw_lua_ram_string (ram, 3) + 68);
          seen |= 1;
        }
      if (strcmp (d->code, MW_LUA_LINT_MANY_UPVALUES) == 0)
        {
          g_assert_cmpint (d->bytes, ==, 20 + 5 * (4 + 24));
          g_assert_nonnull (strstr (d->message, "160 bytes"));
          seen |= 2;
        }
    }
  g_assert_cmpint (seen, ==, 3);

  /* the integer build: smaller UpVal */
  g_clear_pointer (&diags, g_ptr_array_unref);
  mw_lua_lint_options_set_number_type (o, MW_LUA_TARGET_INTEGER);
  diags = mw_lua_lint_tree (tree, o);
  for (guint i = 0; i < diags->len; i++)
    {
      const MwLuaDiagnostic *d = diags->pdata[i];
      if (strcmp (d->code, MW_LUA_LINT_MANY_UPVALUES) == 0)
        g_assert_cmpint (d->bytes, ==, 20 + 5 * (4 + 20));
    }
}

/* The API table (mw-lua-api.h) is what the lookups need: module names, table paths, each
 * table's fields, the constructors and each object's methods strictly sorted by strcmp() (so no
 * duplicates), every entry found by lookup, every sub-table listed in its parent as a table
 * field and every constructor as a function, one-line summaries. */
static void
test_api_table (void)
{
  const char *const *modules = mw_lua_api_modules ();
  const char *const *tables = mw_lua_api_tables ();
  guint n_tables = 0, n_fields = 0, n_constructors = 0, n_methods = 0;

  for (guint i = 0; modules[i] != NULL; i++)
    if (modules[i + 1] != NULL && strcmp (modules[i], modules[i + 1]) >= 0)
      g_error ("modules out of order: %s, %s", modules[i], modules[i + 1]);
  for (guint i = 0; tables[i] != NULL; i++, n_tables++)
    {
      g_autofree char *root = g_strndup (tables[i], strcspn (tables[i], "."));
      const char *dot = strrchr (tables[i], '.');
      gsize n = 0;
      const MwLuaApiField *fields = mw_lua_api_fields (tables[i], &n);

      if (tables[i + 1] != NULL && strcmp (tables[i], tables[i + 1]) >= 0)
        g_error ("tables out of order: %s, %s", tables[i], tables[i + 1]);
      if (!g_strv_contains (modules, root))
        g_error ("%s: no module %s", tables[i], root);
      if (dot != NULL)
        {
          g_autofree char *parent = g_strndup (tables[i], dot - tables[i]);
          const MwLuaApiField *entry = mw_lua_api_lookup (parent, dot + 1);

          if (entry == NULL || entry->params != NULL)
            g_error ("%s is not a table field of %s", dot + 1, parent);
        }
      g_assert_nonnull (fields);
      g_assert_cmpuint (n, >, 0);
      for (gsize j = 0; j < n; j++, n_fields++)
        {
          const MwLuaApiField *f = &fields[j];
          gsize doc_len = strlen (f->doc);

          if (j + 1 < n && strcmp (f->name, fields[j + 1].name) >= 0)
            g_error ("%s: fields out of order: %s, %s", tables[i], f->name, fields[j + 1].name);
          g_assert_true (mw_lua_api_lookup (tables[i], f->name) == f);
          if (f->params != NULL
              && (f->params[0] != '(' || f->params[strlen (f->params) - 1] != ')'))
            g_error ("%s.%s: parameters %s", tables[i], f->name, f->params);
          if (doc_len < 10 || doc_len > 100 || f->doc[doc_len - 1] != '.'
              || strchr (f->doc, '\n') != NULL)
            g_error ("%s.%s: summary '%s' is not one short line", tables[i], f->name, f->doc);
        }
    }
  /* the objects' methods: each made by a function of the table */
  for (const char *const *c = mw_lua_api_constructors (); *c != NULL; c++, n_constructors++)
    {
      const char *dot = strrchr (*c, '.');
      g_autofree char *parent = g_strndup (*c, dot - *c);
      const MwLuaApiField *made_by = mw_lua_api_lookup (parent, dot + 1);
      gsize n = 0;
      const MwLuaApiField *methods = mw_lua_api_methods (*c, &n);

      if (c[1] != NULL && strcmp (c[0], c[1]) >= 0)
        g_error ("constructors out of order: %s, %s", c[0], c[1]);
      if (made_by == NULL || made_by->params == NULL)
        g_error ("%s is not a function of the table", *c);
      g_assert_nonnull (methods);
      for (gsize j = 0; j < n; j++, n_methods++)
        {
          gsize doc_len = strlen (methods[j].doc);

          if (j + 1 < n && strcmp (methods[j].name, methods[j + 1].name) >= 0)
            g_error ("%s: methods out of order: %s, %s", *c, methods[j].name, methods[j + 1].name);
          g_assert_true (mw_lua_api_method_lookup (*c, methods[j].name) == &methods[j]);
          if (methods[j].params == NULL || methods[j].params[0] != '('
              || methods[j].params[strlen (methods[j].params) - 1] != ')')
            g_error ("%s:%s: parameters", *c, methods[j].name);
          if (doc_len < 10 || doc_len > 100 || methods[j].doc[doc_len - 1] != '.')
            g_error ("%s:%s: summary '%s' is not one short line", *c, methods[j].name,
                     methods[j].doc);
        }
    }
  g_assert_null (mw_lua_api_methods ("tmr.now", &(gsize){ 0 }));
  g_assert_null (mw_lua_api_method_lookup ("tmr.create", "register_"));
  g_assert_null (mw_lua_api_lookup ("wifi.sta", "nothing"));
  g_assert_null (mw_lua_api_lookup ("u8g2", "begin"));
  /* the figures the firmware's ROTables give (docs/firmware.md section 12) */
  g_assert_cmpuint (n_tables, ==, 44);
  g_assert_cmpuint (n_fields, ==, 405);
  /* 14 method tables of the firmware's sources (crypto's hasher, pixbuf's buffer and the GPIO
   * pulser serve two functions each) */
  g_assert_cmpuint (n_constructors, ==, 17);
  g_assert_cmpuint (n_methods, ==, 108);
}

/* W143's whole messages: a name 3.0 moved names its replacement, a sub-table names its path,
 * valid fields of the newer field lists (uart, sjson, wifi.sta) pass; W113 on a module 3.0
 * replaced names the successor */
static void
test_firmware_fields (void)
{
  const char *src = "print(node.readvdd33())\n"
                    "node.dsleepsetoption(1)\n"
                    "wifi.sta.config({ ssid = 'x', pwd = 'y' })\n"
                    "uart.setup(0, 115200, 8, uart.PARITY_NONE, uart.STOPBITS_1, 1)\n"
                    "local t = sjson.decode('{}')\n"
                    "wifi.sta.conect()\n"
                    "print(t, node.uptime(), wifi.eventmon.reason.NO_AP, node.egc.ALWAYS)\n"
                    "print(crypto.toHex(crypto.hash('sha1', 'x')))\n"
                    "print(cjson.encode({}))\n";
  static const char *const want[] = {
    "1:12 W143 'readvdd33' is not a field of the firmware module 'node': 3.0 has "
    "adc.readvdd33()",
    "2:6 W143 'dsleepsetoption' is not a field of the firmware module 'node': 3.0 has the "
    "option argument of node.dsleep(us, option)",
    "6:10 W143 'conect' is not a field of the firmware module 'wifi.sta'",
    "7:15 W143 'uptime' is not a field of the firmware module 'node'",
    "7:46 W143 'NO_AP' is not a field of the firmware module 'wifi.eventmon.reason'",
    "8:14 W143 'toHex' is not a field of the firmware module 'crypto': 3.0 has encoder.toHex()",
    "9:7 W113 global 'cjson' is read but never set, and is not a standard or firmware global: 3.0 "
    "replaced the module 'cjson' with 'sjson'",
    NULL,
  };
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse ("f.lua", src, -1, MW_LUA_PARSE_NONE);
  g_autoptr (GPtrArray) diags = mw_lua_lint_tree (tree, NULL);
  g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *got_text = NULL;
  g_autofree char *want_text = g_strjoinv ("\n", (char **) want);

  for (guint i = 0; i < diags->len; i++)
    {
      const MwLuaDiagnostic *d = diags->pdata[i];
      g_ptr_array_add (got,
                       g_strdup_printf ("%u:%u %s %s", d->line, d->column, d->code, d->message));
    }
  g_ptr_array_add (got, NULL);
  got_text = g_strjoinv ("\n", (char **) got->pdata);
  g_assert_cmpstr (got_text, ==, want_text);
}

/* front-end errors are the linter's errors: syntax and the firmware's 50 locals */
static void
test_hard_limits (void)
{
  g_autoptr (GString) many = g_string_new ("local function f()\n");
  g_autoptr (GPtrArray) got = NULL;
  g_autoptr (GPtrArray) bad = NULL;

  for (int i = 0; i < 51; i++)
    g_string_append_printf (many, "local v%d = %d\n", i, i);
  g_string_append (many, "return v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, "
                         "v14, v15, v16, v17, v18, v19, v20, v21, v22, v23, v24, v25, v26, v27, "
                         "v28, v29, v30, v31, v32, v33, v34, v35, v36, v37, v38, v39, v40, v41, "
                         "v42, v43, v44, v45, v46, v47, v48, v49, v50\nend\nreturn f\n");
  got = lint_source ("many.lua", many->str, NULL);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_true (g_str_has_suffix (got->pdata[0], " E011"));

  /* 61 upvalues: 40 locals in one enclosing function, 21 in the next */
  {
    g_autoptr (GString) ups = g_string_new (NULL);
    g_autoptr (GPtrArray) got_ups = NULL;

    for (int i = 0; i < 21; i++)
      g_string_append_printf (ups, "local a%d = %d\n", i, i);
    g_string_append (ups, "return function()\n");
    for (int i = 0; i < 40; i++)
      g_string_append_printf (ups, "local b%d = %d\n", i, i);
    g_string_append (ups, "return function() return a0");
    for (int i = 1; i < 21; i++)
      g_string_append_printf (ups, " + a%d", i);
    for (int i = 0; i < 40; i++)
      g_string_append_printf (ups, " + b%d", i);
    g_string_append (ups, " end\nend\n");
    got_ups = lint_source ("ups.lua", ups->str, NULL);
    g_assert_cmpuint (got_ups->len, ==, 1);
    g_assert_true (g_str_has_suffix (got_ups->pdata[0], " E012"));
  }

  bad = lint_source ("bad.lua", "local x = = 1", NULL);
  g_assert_cmpuint (bad->len, ==, 1);
  g_assert_cmpstr (bad->pdata[0], ==, "1 E001");
}

typedef struct
{
  const char *rc;
  const char *source;
  const char *expected; /* findings, or NULL when the config must fail */
  const char *error_part; /* in the error message */
} ConfigCase;

static const ConfigCase config_cases[] = {
  { "std = 'lua51'\nglobals = {'app'}\nread_globals = {'vendor'}\nignore = {'212'}\n",
    "local function f(x) app = vendor end\nprint(f, app, io)", "1 W111", NULL },
  { "globals = { app = { fields = { 'x' } } }\n", "local function f() app = 1 end\nreturn f",
    "1 W111", NULL },
  { "max_upvalues = 1\n", "local a\nreturn function() return a end", "2 W701", NULL },
  { "std = 'min'\n", "print(unpack)", "1 W113", NULL },
  /* print() is there but silent: the linter's output stays clean */
  { "print('1..99')\nglobals = {'g'}", "print(g)", "", NULL },
  /* custom stds: their names count; alone they replace the built-in set */
  { "stds.board = {read_globals = {'led'}}\nstd = 'board'\n", "print(led, tmr)", "1 W113", NULL },
  { "stds.board = {read_globals = {'led'}}\nstd = 'nodemcu+board'\n", "print(led, tmr, io)",
    "1 W113", NULL },
  { "stds.nodemcu = {globals = {'extra'}}\nstd = 'lua51+nodemcu'\n",
    "print(extra, tmr, io, nothing)", "1 W113", NULL },
  { "std = '+lua51'\n", "print(tmr, io)", "", NULL },
  /* luacheck's tables for per-file options and custom stds run (and are not used) */
  { "files['spec/**'].std = '+busted'\nstds.mine = {globals = {'x'}}\nglobals = {'g'}\n",
    "print(g, h)", "1 W113", NULL },
  { "local t = {}\nfor i = 1, 3 do t[i] = 'x' .. i end\nread_globals = t\n",
    "print(x1, x2, x3, x4)", "1 W113", NULL },
  /* the sandbox: no io, no os, no file loading, bounded time and memory */
  { "io.open('/etc/passwd')", "", NULL, "io" },
  { "os.execute('true')", "", NULL, "os" },
  { "dofile('/etc/passwd')", "", NULL, "dofile" },
  { "require('os')", "", NULL, "require" },
  { "while true do end", "", NULL, "instruction limit" },
  { "local t = {} for i = 1, 1e8 do t[i] = i end", "", NULL, "memory" },
  { "std = 'nonsense'", "", NULL, "unknown std" },
  { "std = ", "", NULL, "unexpected symbol" },
  { "\033Lua", "", NULL, "precompiled" },
  /* a pcall loop cannot swallow the limit: once tripped it raises on every instruction */
  /* (either limit may trip first on a slow machine: LIMIT stands for both) */
  { "while true do pcall(function() while true do end end) end", "", NULL,
    ".luacheckrc: LIMIT limit exceeded" },
  { "local function f() pcall(f) while true do pcall(error) end end\nf()", "", NULL,
    ".luacheckrc: LIMIT limit exceeded" },
  /* C functions the hook does not count: the wall clock still stops them */
  { "local s = ('x'):rep(1000)\nwhile true do pcall(string.rep, s, 1000) end", "", NULL,
    ".luacheckrc: time limit exceeded" },
  /* C work the hook cannot see: the C stack and backtracking are bounded */
  { "local s = ('a?'):rep(200000)\nreturn s:find(s)", "", NULL,
    ".luacheckrc:2: pattern too complex for the configuration sandbox (200000 quantifiers on "
    "400000 bytes)" },
  { "return ('a'):rep(40):find(('a*'):rep(40) .. 'b')", "", NULL,
    ".luacheckrc:1: pattern too complex for the configuration sandbox (40 quantifiers on 40 "
    "bytes)" },
  { "local big = ('a'):rep(1500000)\nreturn big:find(big:sub(2) .. 'b', 1, true)", "", NULL,
    ".luacheckrc:2: pattern too complex for the configuration sandbox (0 quantifiers on "
    "1500000 bytes)" },
  /* ordinary patterns still work */
  { "globals = {}\nfor w in ('app, led'):gmatch('%a+') do globals[#globals + 1] = w end\n"
    "ignore = {(('x211y'):match('%d+'))}\nassert(('a.b'):find('.', 1, true) == 2)\n"
    "assert(('hello'):gsub('l+', 'L') == 'heLo')",
    "local a\nprint(app, led, nope)", "2 W113", NULL },
  /* bytecode through loadstring is refused; source is fine */
  { "local f, err = loadstring(string.dump(function() end))\nassert(f == nil)\nerror(err)", "",
    NULL, "loadstring: precompiled chunks are refused in the configuration" },
  { "local f, err = loadstring('\\027Lua')\nerror(err)", "", NULL,
    "loadstring: precompiled chunks are refused in the configuration" },
  { "globals = loadstring('return {\"g\"}')()", "print(g)", "", NULL },
  /* a non-string error object is named, not taken for a memory error */
  { "error({})", "", NULL, ".luacheckrc: error object is a table value" },
  { "error()", "", NULL, ".luacheckrc: error object is a nil value" },
  { "local t = {} for i = 1, 1e8 do t[i] = i end", "", NULL,
    ".luacheckrc: not enough memory (the configuration may use 8 MB)" },
};

static void
test_config (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (config_cases); i++)
    {
      const ConfigCase *c = &config_cases[i];
      g_autoptr (MwLuaLintOptions) o = mw_lua_lint_options_new ();
      g_autoptr (GError) error = NULL;
      gboolean ok =
        mw_lua_lint_options_load_config (o, c->rc, strlen (c->rc), ".luacheckrc", &error);

      if (c->expected == NULL)
        {
          g_assert_false (ok);
          g_assert_error (error, MW_LUA_LINT_ERROR, MW_LUA_LINT_ERROR_CONFIG);
          /* a part starting with the chunk name is the whole message */
          if (strcmp (c->error_part, ".luacheckrc: LIMIT limit exceeded") == 0)
            {
              if (strcmp (error->message, ".luacheckrc: instruction limit exceeded") != 0)
                g_assert_cmpstr (error->message, ==, ".luacheckrc: time limit exceeded");
            }
          else if (g_str_has_prefix (c->error_part, ".luacheckrc"))
            g_assert_cmpstr (error->message, ==, c->error_part);
          else if (strstr (error->message, c->error_part) == NULL)
            g_error ("config %" G_GSIZE_FORMAT ": '%s' does not mention '%s'", i, error->message,
                     c->error_part);
        }
      else
        {
          g_autoptr (GPtrArray) got = NULL;
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          g_assert_true (ok);
          got = lint_source ("t.lua", c->source, o);
          text = joined (got);
          if (strcmp (text, c->expected) != 0)
            g_error ("config %" G_GSIZE_FORMAT ": expected {%s}, got {%s}", i, c->expected, text);
        }
    }
}

/* a global set in one file and cleared in another is not kept; alone, it is */
static void
test_cross_file (void)
{
  g_autoptr (MwLuaTree) a = mw_lua_tree_parse ("a.lua", "cache = {}\n", -1, MW_LUA_PARSE_NONE);
  g_autoptr (MwLuaTree) b = mw_lua_tree_parse ("b.lua", "cache = nil\n", -1, MW_LUA_PARSE_NONE);
  MwLuaTree *both[] = { a, b };
  g_autoptr (GPtrArray) together = mw_lua_lint (both, 2, NULL);
  g_autoptr (GPtrArray) alone = mw_lua_lint_tree (a, NULL);

  g_assert_cmpuint (((GPtrArray *) together->pdata[0])->len, ==, 0);
  g_assert_cmpuint (((GPtrArray *) together->pdata[1])->len, ==, 0);
  g_assert_cmpuint (alone->len, ==, 1);
  g_assert_cmpstr (((MwLuaDiagnostic *) alone->pdata[0])->code, ==, MW_LUA_LINT_GLOBAL_KEPT);
  g_assert_cmpint (((MwLuaDiagnostic *) alone->pdata[0])->bytes, ==, 32 + 16 + 6 + 32);
}

static MwLuaRamEstimate *
estimate_source (const char *name, const char *source)
{
  g_autoptr (MwLuaChunk) chunk = mw_lua_compiler_compile (
    name, source, strlen (source), MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_NAMES, NULL);
  g_assert_nonnull (chunk);
  return mw_lua_ram_estimate_new (chunk, MW_LUA_TARGET_FLOAT);
}

/* W111 on a function and W114 on a linted module take their bytes from the RAM estimate of
 * the compiled code, the model `moonwire-cli ram` uses */
static void
test_estimate_bytes (void)
{
  const char *main_src = "local m = require('mod')\n"
                         "function handler(a) return a .. 'x' end\n"
                         "return m\n";
  const char *mod_src = "local M = {}\n"
                        "function M.f(x) return x * 2 end\n"
                        "function M.g(s) return s:upper() .. 'suffix' end\n"
                        "return M\n";
  g_autoptr (MwLuaTree) main_tree = mw_lua_tree_parse ("main.lua", main_src, -1, MW_LUA_PARSE_NONE);
  g_autoptr (MwLuaTree) mod_tree =
    mw_lua_tree_parse ("lib/mod.lua", mod_src, -1, MW_LUA_PARSE_NONE);
  g_autoptr (MwLuaRamEstimate) main_est = estimate_source ("main.lua", main_src);
  g_autoptr (MwLuaRamEstimate) mod_est = estimate_source ("mod.lua", mod_src);
  const MwLuaRamModel *ram = mw_lua_ram_model_get (MW_LUA_TARGET_FLOAT);
  MwLuaTree *trees[] = { main_tree, mod_tree };
  g_autoptr (GPtrArray) results = mw_lua_lint (trees, 2, NULL);
  GPtrArray *diags = results->pdata[0];
  guint seen = 0;

  g_assert_cmpuint (main_est->functions->len, ==, 2);
  g_assert_cmpuint (mod_est->functions->len, ==, 3);
  for (guint i = 0; i < diags->len; i++)
    {
      const MwLuaDiagnostic *d = diags->pdata[i];
      if (strcmp (d->code, MW_LUA_LINT_GLOBAL_KEPT) == 0)
        {
          /* slot and name in _G, the closure, the function's prototype */
          gsize want = ram->hash_node + mw_lua_ram_string (ram, strlen ("handler"))
                       + mw_lua_ram_closure (ram, 0)
                       + g_array_index (main_est->functions, MwLuaRamFunction, 1).total;
          g_assert_cmpint (d->bytes, ==, want);
          seen |= 1;
        }
      if (strcmp (d->code, MW_LUA_LINT_MODULE_KEPT) == 0)
        {
          gsize want = g_array_index (mod_est->functions, MwLuaRamFunction, 1).total
                       + g_array_index (mod_est->functions, MwLuaRamFunction, 2).total;
          g_assert_cmpint (d->bytes, ==, want);
          g_assert_nonnull (strstr (d->message, "bytes of functions"));
          seen |= 2;
        }
    }
  g_assert_cmpuint (seen, ==, 3);
}

/* luacheck's "min" std, written out here as the oracle's own list */
static const char *const luacheck_min[] = {
  "_G",           "_VERSION",     "assert",   "collectgarbage", "dofile", "error",
  "getmetatable", "ipairs",       "load",     "loadfile",       "next",   "pairs",
  "pcall",        "print",        "rawequal", "rawget",         "rawset", "require",
  "select",       "setmetatable", "tonumber", "tostring",       "type",   "xpcall",
  "coroutine",    "math",         "package",  "string",         "table",  NULL
};

/* corpus oracles: one luac5.1 run per valid file serves all */
static void
test_corpus_oracles (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  g_autoptr (MwLuaLintOptions) o = mw_lua_lint_options_new ();
  const MwLuaRamModel *ram = mw_lua_ram_model_get (MW_LUA_TARGET_FLOAT);
  guint n_files = 0, n_globals = 0, n_closures = 0, n_skipped = 0, n_undefined = 0;

  mw_lua_lint_options_set_max_upvalues (o, 1);
  g_assert_true (mw_lua_lint_options_set_std (o, "min", NULL));
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *out = NULL, *err = NULL;
      const char *args[] = { "-p", "-l", "-l", path, NULL };
      g_autoptr (MwLuaTree) tree = NULL;
      g_autoptr (GPtrArray) funcs = NULL;
      g_autoptr (GHashTable) ours = NULL;
      g_autoptr (GHashTable) theirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr (GPtrArray) diags = NULL;
      g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
      GHashTableIter iter;
      gpointer key, value;
      gsize len;

      if (!g_spawn_check_wait_status (mw_test_luac (args, &out, &err), NULL))
        continue;
      n_files++;
      tree = parse_file (path);
      funcs = mw_test_luac_listing_parse (out);

      /* globals read and set per file */
      for (guint f = 0; f < funcs->len; f++)
        {
          MwTestLuacFunction *lf = funcs->pdata[f];
          for (guint g = 0; g < lf->globals->len; g++)
            {
              const char *ref = lf->globals->pdata[g];
              guint use = GPOINTER_TO_UINT (g_hash_table_lookup (theirs, ref + 2));
              use |= ref[0] == 'W' ? MW_LUA_LINT_GLOBAL_WRITE : MW_LUA_LINT_GLOBAL_READ;
              g_hash_table_insert (theirs, g_strdup (ref + 2), GUINT_TO_POINTER (use));
            }
        }
      ours = mw_lua_lint_collect_globals (tree);
      g_assert_cmpuint (g_hash_table_size (ours), ==, g_hash_table_size (theirs));
      g_hash_table_iter_init (&iter, theirs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (g_hash_table_lookup (ours, key) != value)
            g_error ("%s: global '%s': luac %u, linter %u", path, (char *) key,
                     GPOINTER_TO_UINT (value), GPOINTER_TO_UINT (g_hash_table_lookup (ours, key)));
          n_globals++;
        }

      /* upvalues per function: W701 with --max-upvalues 1 reports every closure with one;
       * inline `luacheck: ignore` comments would hide some, so such files are skipped */
      if (strstr (mw_lua_tree_get_source (tree, &len), "luacheck:") != NULL)
        {
          n_skipped++;
          continue;
        }
      diags = mw_lua_lint_tree (tree, o);
      for (guint d = 0; d < diags->len; d++)
        {
          const MwLuaDiagnostic *diag = diags->pdata[d];
          if (strcmp (diag->code, MW_LUA_LINT_MANY_UPVALUES) == 0)
            g_ptr_array_add (got,
                             g_strdup_printf ("%u %" G_GINT64_FORMAT, diag->line, diag->bytes));
        }
      /* W701 comes once per closure chain: a closure luac lists with upvalues is reported, or
       * lies inside a reported one (pre-order: an earlier function whose lines enclose it)
       * that has at least as many */
      for (guint f = 0; f < funcs->len; f++)
        {
          MwTestLuacFunction *lf = funcs->pdata[f];
          g_autofree char *fkey = NULL;
          gboolean in_chain = FALSE;

          if (lf->upvalues == 0)
            continue;
          fkey = g_strdup_printf ("%u %" G_GSIZE_FORMAT, lf->line_defined,
                                  mw_lua_ram_closure (ram, lf->upvalues));
          for (guint g = 0; g < got->len && !in_chain; g++)
            in_chain = strcmp (got->pdata[g], fkey) == 0;
          for (guint a = 0; a < f && !in_chain; a++)
            {
              MwTestLuacFunction *outer = funcs->pdata[a];
              g_autofree char *outer_key =
                g_strdup_printf ("%u %" G_GSIZE_FORMAT, outer->line_defined,
                                 mw_lua_ram_closure (ram, outer->upvalues));
              gboolean reported = FALSE;

              for (guint g = 0; g < got->len && !reported; g++)
                reported = strcmp (got->pdata[g], outer_key) == 0;
              in_chain = reported && outer->line_defined <= lf->line_defined
                         && outer->last_line >= lf->last_line && outer->upvalues >= lf->upvalues
                         && outer->line_defined > 0;
            }
          if (!in_chain)
            g_error ("%s: the closure at line %u (%u upvalues) is not reported, nor inside a "
                     "reported one",
                     path, lf->line_defined, lf->upvalues);
          g_ptr_array_add (want, g_steal_pointer (&fkey));
        }
      /* and each finding is a closure luac lists, with its figure */
      for (guint g = 0; g < got->len; g++)
        {
          gboolean listed = FALSE;
          for (guint w = 0; w < want->len && !listed; w++)
            listed = strcmp (want->pdata[w], got->pdata[g]) == 0;
          if (!listed)
            g_error ("%s: W701 '%s' is no closure of luac's", path, (char *) got->pdata[g]);
        }
      n_closures += want->len;

      /* undefined globals with --std min: luac's GETGLOBAL names less its SETGLOBAL names
       * and luacheck's "min" set */
      {
        g_autoptr (GPtrArray) want_undef = g_ptr_array_new_with_free_func (g_free);
        g_autoptr (GPtrArray) got_undef = g_ptr_array_new_with_free_func (g_free);
        g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

        g_hash_table_iter_init (&iter, theirs);
        while (g_hash_table_iter_next (&iter, &key, &value))
          if (GPOINTER_TO_UINT (value) == MW_LUA_LINT_GLOBAL_READ
              && !g_strv_contains (luacheck_min, key))
            g_ptr_array_add (want_undef, g_strdup (key));
        for (guint d = 0; d < diags->len; d++)
          {
            const MwLuaDiagnostic *diag = diags->pdata[d];
            const char *q = strchr (diag->message, '\'');
            /* W112 is a read too: `cfg.x = 1` reads cfg */
            if (strcmp (diag->code, MW_LUA_LINT_GLOBAL_UNDEFINED) != 0
                && strcmp (diag->code, MW_LUA_LINT_GLOBAL_MUTATED) != 0)
              continue;
            g_assert_nonnull (q);
            {
              g_autofree char *name = g_strndup (q + 1, strchr (q + 1, '\'') - q - 1);
              if (!g_hash_table_contains (seen, name))
                {
                  g_hash_table_add (seen, g_strdup (name));
                  g_ptr_array_add (got_undef, g_steal_pointer (&name));
                }
            }
          }
        n_undefined += want_undef->len;
        check_same (path, want_undef, got_undef);
      }
    }
  g_test_message ("%u files: %u globals, %u closures and %u undefined globals agree with "
                  "luac5.1 (%u files with inline directives skipped for the last two)",
                  n_files, n_globals, n_closures, n_undefined, n_skipped);
  g_assert_cmpuint (n_undefined, >=, 100);
  g_assert_cmpuint (n_files, >=, 400);
  g_assert_cmpuint (n_closures, >=, 1000);
  g_assert_cmpuint (n_skipped, <, n_files / 4);
}

/* Table-driven cases for what luacheck and Moonwire both check, luacheck (Debian's lua-check)
 * as the oracle: inline options (luacheck's grammar: push/pop, `no unused`, `unused args`,
 * `new globals`, `read globals`, `not globals`, `ignore`/`only`/`enable` patterns, remarks in
 * parentheses, a comment beside code covering its line, alone covering the rest of its
 * function), redefined and shadowed locals, mutated and undefined globals, `arg`. Both lint
 * each case with --std=lua51; findings of the compared codes must be equal, columns included. */
static const char *const luacheck_cases[] = {
  /* inline options: push/pop, switches */
  "-- luacheck: push no unused\nlocal b = 2\nlocal function g(y) end\n-- luacheck: pop\n"
  "local c = 3\nreturn g\n",
  "-- luacheck: no unused args\nlocal function f(a, b) local c end\nlocal function g()\n"
  "  -- luacheck: unused args\n  return function(d) end\nend\nlocal function h(e) end\n"
  "return f, g, h\n",
  "-- luacheck: new globals alpha, read globals beta (the second one only reads)\n"
  "alpha = beta\ngamma.x = 1\nprint(arg, delta)\nlocal function f()\n"
  "  -- luacheck: new read globals delta\n  return delta, beta\nend\nreturn f\n",
  "local function display(sck, response) -- luacheck: no unused\n  local x = 1\nend\n"
  "for i = 1, 3 do print(\"x\") end -- luacheck: no unused\nfor i = 1, 3 do print(\"y\") end\n"
  "local t = {} -- luacheck: ignore t\nlocal u = {} -- luacheck: ignore 2/u\nreturn display\n",
  "-- luacheck: push ignore 4\nlocal x = 1\nlocal x = 2\n-- luacheck: pop\nlocal y = x\n"
  "local y = y\nlocal function f(a)\n  local a = a\n  return a\nend\ndo\n"
  "  -- luacheck: redefined\n  local y = 3\n  print(y)\nend\nreturn f\n",
  "-- luacheck: only 21\nlocal a = 1\nlocal a = 2\nunknown_global()\n"
  "local function f(b) return 1 end\nreturn f\n",
  "local function f()\n  -- luacheck: ignore\n  local a\nend\nlocal b\nlocal function g()\n"
  "  -- luacheck: push ignore 211\n  local c\n  -- luacheck: pop\n  local d\nend\n"
  "-- luacheck: ignore 211 (explained in parentheses)\nlocal e\nreturn f, g\n",
  "-- luacheck: ignore 21/_.* tmp\nlocal tmp = 1\nlocal function f(tmp2) end\n"
  "local x = 1; -- luacheck: enable 211\nreturn f\n",
  "-- luacheck: globals node, read globals wifi.sta\nprint(node, wifi, sntp)\n"
  "-- luacheck: not globals node\nprint(node)\n",
  /* an unknown option: the comment is ignored as a whole */
  "local a = 1 -- luacheck: ignore 211, frobnicate\nlocal b = 2 -- luacheck: std lua51\n",
  /* a pop without a push, an unpaired push in a function */
  "-- luacheck: pop\nlocal a\nlocal function f()\n  -- luacheck: push ignore\n  local b\nend\n"
  "local c\nreturn f\n",
  /* redefined and shadowed locals: same block, same function, enclosing function */
  "local x = 1\nlocal x = x\nlocal function f(a, b)\n  local a = b\n  for i = 1, a do\n"
  "    local i = i\n    if i then local b = 1; print(b) end\n  end\n"
  "  return function(x) local a = x; return a end\nend\nreturn f, x\n",
  "for k, v in pairs({}) do\n  local v = v\n  repeat local k = k; print(k) until true\n"
  "  print(v)\nend\nlocal function m(self) local self = self; return self end\nreturn m\n",
  /* globals: mutated, undefined, `arg` of the interpreter */
  "cfg.x = 1\ncfg.y.z = 2\nfunction cfg.f() end\nfunction cfg2:m() return self end\nprint(cfg.q, "
  "arg)\n"
  "local t = {}\nt.x = 1\n",
  /* a forward-declared local set once to a function, never read */
  "local f\nf = function() end\nlocal g\ng = 1\nlocal h = 1\nh = 2\n",
};

static void
test_luacheck_cases (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mw-lint-XXXXXX", &error);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (NULL);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (MwLuaLintOptions) o = mw_lua_lint_options_new ();
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  static const char *const compared[] = { "112", "113", "211", "212", "213", "231",
                                          "411", "412", "413", "421", "422", "423",
                                          "431", "432", "433", "511", NULL };

  g_assert_no_error (error);
  g_ptr_array_add (argv, (gpointer) "luacheck");
  g_ptr_array_add (argv, (gpointer) "--no-config");
  g_ptr_array_add (argv, (gpointer) "--no-cache");
  g_ptr_array_add (argv, (gpointer) "--std=lua51");
  g_ptr_array_add (argv, (gpointer) "--formatter=plain");
  g_ptr_array_add (argv, (gpointer) "--codes");
  for (gsize i = 0; i < G_N_ELEMENTS (luacheck_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("case%02" G_GSIZE_FORMAT ".lua", i);
      char *path = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_set_contents (path, luacheck_cases[i], -1, NULL));
      g_ptr_array_add (paths, path);
      g_ptr_array_add (argv, path);
    }
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                     NULL, &error))
    g_error ("cannot run luacheck: %s (run scripts/bootstrap)", error->message);
  lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      g_auto (GStrv) parts = g_strsplit (*l, ":", 4);
      char code[4] = { 0 };

      if (g_strv_length (parts) == 4 && sscanf (parts[3], " (W%3[0-9])", code) == 1
          && g_strv_contains (compared, code))
        {
          g_autofree char *base = g_path_get_basename (parts[0]);
          g_ptr_array_add (want, g_strdup_printf ("%s:%s:%s: W%s", base, parts[1], parts[2], code));
        }
    }
  g_assert_true (mw_lua_lint_options_set_std (o, "lua51", NULL));
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (MwLuaTree) tree = parse_file (paths->pdata[i]);
      g_autoptr (GPtrArray) diags = mw_lua_lint_tree (tree, o);
      g_autofree char *base = g_path_get_basename (paths->pdata[i]);

      for (guint d = 0; d < diags->len; d++)
        {
          const MwLuaDiagnostic *diag = diags->pdata[d];
          if (g_strv_contains (compared, diag->code + 1))
            g_ptr_array_add (
              got, g_strdup_printf ("%s:%u:%u: %s", base, diag->line, diag->column, diag->code));
        }
      g_assert_cmpint (g_unlink (paths->pdata[i]), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_test_message ("%" G_GSIZE_FORMAT " cases, %u findings agree with luacheck",
                  G_N_ELEMENTS (luacheck_cases), want->len);
  g_assert_cmpuint (want->len, >=, 30);
  check_same ("luacheck cases", want, got);
}

/* One luacheck finding or one of ours: "path:line:col" and the name it concerns. */
typedef struct
{
  char *where;
  char *name;
} Finding;

static void
finding_free (gpointer data)
{
  Finding *f = data;
  g_free (f->where);
  g_free (f->name);
  g_free (f);
}

/* code ("111") -> GPtrArray of Finding */
static void
add_finding (GHashTable *by_code, const char *code, char *where, char *name)
{
  GPtrArray *list = g_hash_table_lookup (by_code, code);
  Finding *f = g_new0 (Finding, 1);

  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func (finding_free);
      g_hash_table_insert (by_code, g_strdup (code), list);
    }
  f->where = where;
  f->name = name;
  g_ptr_array_add (list, f);
}

static GPtrArray *
wheres (GHashTable *by_code, const char *code)
{
  GPtrArray *list = g_hash_table_lookup (by_code, code);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; list != NULL && i < list->len; i++)
    g_ptr_array_add (out, g_strdup (((Finding *) list->pdata[i])->where));
  return out;
}

/* "path:line:col" is at `_G.name` (`_G.x = v` sets a global for Moonwire, a field for luacheck) */
static gboolean
at_global_table (GHashTable *by_path, const char *where)
{
  g_autofree char *path = g_strndup (where, strchr (where, ':') - where);
  MwLuaTree *tree = g_hash_table_lookup (by_path, path);
  guint n, line, col;
  const MwLuaToken *toks = mw_lua_tree_get_tokens (tree, &n);

  g_assert_cmpint (sscanf (where + strlen (path), ":%u:%u", &line, &col), ==, 2);
  for (guint k = 0; k < n; k++)
    if (toks[k].line == line && toks[k].column == col && k >= 2)
      {
        gsize len;
        const char *text = mw_lua_tree_token_text (tree, k - 2, &len);
        return len == 2 && memcmp (text, "_G", 2) == 0; /* `_G.name`, reported at name */
      }
  return FALSE;
}

/* Per code, Moonwire against luacheck (Debian's lua-check, --std=lua51) over the whole
 * corpus, each file linted alone as luacheck does, inline options honoured by both. The table
 * is printed; a code both have must report the same findings (file, line, column), except
 * where docs/lint.md ("Agreement with luacheck") says why, and each such reason is checked:
 * - names with a leading `_` (Moonwire exempts them; luacheck only `_`), and the implicit
 *   `self` of `function a:b()` (luacheck reports it at the colon; Moonwire never);
 * - W112/W113: Moonwire treats a global that the file sets anywhere as defined (luacheck's
 *   allow_defined), so luacheck's extra findings must all name a global the file sets;
 * - W111: Moonwire's is a RAM rule (the first set of a name per file, unless some file sets
 *   it back to nil; and every set inside a function of a name no main chunk sets), so each of
 *   ours must be one of luacheck's;
 * - files luacheck rejects (it refuses some escapes Lua 5.1 takes) are left out. */
static void
test_luacheck_per_code (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  g_autoptr (GPtrArray) trees = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_tree_unref);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GHashTable) by_path = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (MwLuaLintOptions) o = mw_lua_lint_options_new ();
  g_autoptr (GHashTable) theirs =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) ours =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) file_sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) table = g_string_new (NULL);
  g_autoptr (GList) sorted = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_compared = 0;

  g_ptr_array_add (argv, (gpointer) "luacheck");
  g_ptr_array_add (argv, (gpointer) "--no-config");
  g_ptr_array_add (argv, (gpointer) "--no-cache");
  g_ptr_array_add (argv, (gpointer) "--std=lua51");
  g_ptr_array_add (argv, (gpointer) "--formatter=plain");
  g_ptr_array_add (argv, (gpointer) "--codes");
  for (guint i = 0; i < files->len; i++)
    {
      MwLuaTree *tree = parse_file (files->pdata[i]);
      GArray *refs;

      if (!mw_lua_tree_is_valid (tree))
        {
          mw_lua_tree_unref (tree);
          continue;
        }
      g_ptr_array_add (trees, tree);
      g_ptr_array_add (argv, files->pdata[i]);
      g_hash_table_insert (by_path, files->pdata[i], tree);
      refs = mw_lua_tree_get_globals (tree);
      for (guint r = 0; r < refs->len; r++)
        {
          const MwLuaGlobalRef *ref = &g_array_index (refs, MwLuaGlobalRef, r);
          if (ref->write)
            g_hash_table_add (file_sets,
                              g_strdup_printf ("%s %s", (char *) files->pdata[i], ref->name));
        }
    }
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                     NULL, &error))
    g_error ("cannot run luacheck: %s (run scripts/bootstrap)", error->message);

  lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      g_auto (GStrv) parts = g_strsplit (*l, ":", 4);
      const char *msg, *q;
      char code[4] = { 0 };
      char *name = NULL;
      MwLuaTree *tree;
      guint line, col;

      if (g_strv_length (parts) < 4)
        continue;
      if (g_str_has_prefix (parts[3], " (E"))
        {
          g_hash_table_add (rejected, g_strdup (parts[0]));
          continue;
        }
      if (sscanf (parts[3], " (W%3[0-9])", code) != 1)
        continue;
      tree = g_hash_table_lookup (by_path, parts[0]);
      g_assert_nonnull (tree);
      line = atoi (parts[1]);
      col = atoi (parts[2]);
      msg = strchr (parts[3], ')') + 1;
      q = strchr (msg, '\'');
      if (q != NULL && strchr (q + 1, '\'') != NULL)
        name = g_strndup (q + 1, strchr (q + 1, '\'') - q - 1);
      g_hash_table_add (codes, (gpointer) g_intern_string (code));
      add_finding (theirs, code, g_strdup_printf ("%s:%u:%u", parts[0], line, col), name);
    }

  g_assert_true (mw_lua_lint_options_set_std (o, "lua51", NULL));
  for (guint i = 0; i < trees->len; i++)
    {
      const char *path = mw_lua_tree_get_chunkname (trees->pdata[i]);
      g_autoptr (GPtrArray) diags = NULL;

      if (g_hash_table_contains (rejected, path))
        continue;
      diags = mw_lua_lint_tree (trees->pdata[i], o);
      for (guint d = 0; d < diags->len; d++)
        {
          const MwLuaDiagnostic *diag = diags->pdata[d];
          const char *q = strchr (diag->message, '\'');
          char *name = NULL;

          if (diag->code[0] != 'W')
            continue;
          if (q != NULL && strchr (q + 1, '\'') != NULL)
            name = g_strndup (q + 1, strchr (q + 1, '\'') - q - 1);
          g_hash_table_add (codes, (gpointer) g_intern_string (diag->code + 1));
          add_finding (ours, diag->code + 1,
                       g_strdup_printf ("%s:%u:%u", path, diag->line, diag->column), name);
        }
    }

  g_string_append (table, "code  luacheck  moonwire  verdict\n");
  sorted = g_list_sort (g_hash_table_get_keys (codes), (GCompareFunc) strcmp);
  for (GList *c = sorted; c != NULL; c = c->next)
    {
      const char *code = c->data;
      GPtrArray *t = g_hash_table_lookup (theirs, code);
      GPtrArray *m = g_hash_table_lookup (ours, code);
      g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GPtrArray) got = wheres (ours, code);
      const char *verdict;
      gboolean shared = mw_lua_lint_code_title ((char[]){ 'W', code[0], code[1], code[2], 0 })
                        != NULL;

      if (!shared)
        verdict = "luacheck only (docs/lint.md)";
      else if (t == NULL && strcmp (code, "143") != 0 && code[0] != '7' && code[0] != '8'
               && strcmp (code, "114") != 0)
        g_error ("W%s: Moonwire reports %u, luacheck none", code, m ? m->len : 0);
      else if (code[0] == '7' || code[0] == '8' || strcmp (code, "114") == 0
               || strcmp (code, "143") == 0)
        verdict = "Moonwire's own (W143: firmware modules only)";
      else if (strcmp (code, "111") == 0 || strcmp (code, "112") == 0 || strcmp (code, "113") == 0)
        {
          g_autoptr (GHashTable) all = g_hash_table_new (g_str_hash, g_str_equal);
          guint extra = 0;

          for (guint i = 0; t != NULL && i < t->len; i++)
            g_hash_table_add (all, ((Finding *) t->pdata[i])->where);
          /* `_ENV` is Lua 5.2's: luacheck never reports it; in Lua 5.1 it is a nil global */
          for (guint i = 0; i < got->len; i++)
            if (!g_hash_table_contains (all, got->pdata[i])
                && !at_global_table (by_path, got->pdata[i])
                && g_strcmp0 (((Finding *) m->pdata[i])->name, "_ENV") != 0)
              g_error ("W%s at %s: luacheck does not report it", code, (char *) got->pdata[i]);
          if (strcmp (code, "111") != 0)
            {
              g_autoptr (GHashTable) mine = g_hash_table_new (g_str_hash, g_str_equal);

              for (guint i = 0; i < got->len; i++)
                g_hash_table_add (mine, got->pdata[i]);
              for (guint i = 0; t != NULL && i < t->len; i++)
                {
                  Finding *f = t->pdata[i];
                  g_autofree char *path = g_strndup (f->where, strchr (f->where, ':') - f->where);
                  g_autofree char *key = g_strdup_printf ("%s %s", path, f->name);

                  if (g_hash_table_contains (mine, f->where))
                    continue;
                  if (!g_hash_table_contains (file_sets, key))
                    g_error ("W%s at %s ('%s'): luacheck reports it, Moonwire does not, and the "
                             "file never sets it",
                             code, f->where, f->name);
                  extra++;
                }
            }
          verdict = strcmp (code, "111") == 0 ? "each of ours is luacheck's (RAM rule)"
                                              : "luacheck's less globals the file sets";
          n_compared += got->len;
        }
      else
        {
          for (guint i = 0; t != NULL && i < t->len; i++)
            {
              Finding *f = t->pdata[i];
              g_autofree char *path = g_strndup (f->where, strchr (f->where, ':') - f->where);
              MwLuaTree *tree = g_hash_table_lookup (by_path, path);

              if (f->name != NULL && f->name[0] == '_')
                continue;
              if (f->name != NULL && strcmp (f->name, "self") == 0)
                {
                  /* the implicit self: luacheck points at the `:` */
                  guint n, line, col;
                  const MwLuaToken *toks = mw_lua_tree_get_tokens (tree, &n);
                  gboolean colon = FALSE;

                  g_assert_cmpint (sscanf (f->where + strlen (path), ":%u:%u", &line, &col), ==, 2);
                  for (guint k = 0; k < n; k++)
                    colon |= toks[k].line == line && toks[k].column == col
                             && toks[k].kind == MW_LUA_TOKEN_COLON;
                  if (colon)
                    continue;
                }
              g_ptr_array_add (want, g_strdup (f->where));
            }
          n_compared += want->len;
          {
            g_autofree char *what = g_strdup_printf ("W%s over the corpus", code);
            check_same (what, want, got);
          }
          verdict = "equal";
        }
      g_string_append_printf (table, "W%s  %8u  %8u  %s\n", code, t ? t->len : 0, m ? m->len : 0,
                              verdict);
    }
  g_test_message ("%u files (%u rejected by luacheck), %u findings compared\n%s", trees->len,
                  g_hash_table_size (rejected), n_compared, table->str);
  g_assert_cmpuint (n_compared, >=, 1000);
}

static GString *
mutate (MwLuaTree *tree, guint victim, int how)
{
  gsize len;
  const char *src = mw_lua_tree_get_source (tree, &len);
  guint n;
  const MwLuaToken *t = &mw_lua_tree_get_tokens (tree, &n)[victim];
  GString *out = g_string_sized_new (len + t->length + 2);

  g_string_append_len (out, src, t->offset);
  if (how == 1)
    {
      g_string_append_len (out, src + t->offset, t->length);
      g_string_append_c (out, ' ');
      g_string_append_len (out, src + t->offset, len - t->offset);
    }
  else if (how == 2) /* a keyword in place of the token: blocks open and close wrongly */
    {
      g_string_append (out, " end ");
      g_string_append_len (out, src + t->offset + t->length, len - t->offset - t->length);
    }
  else
    g_string_append_len (out, src + t->offset + t->length, len - t->offset - t->length);
  return out;
}

static void
check_positions (MwLuaTree *tree, GPtrArray *diags)
{
  gsize len;
  const char *src = mw_lua_tree_get_source (tree, &len);
  guint lines = 1;

  for (gsize i = 0; i < len; i++)
    lines += src[i] == '\n' || src[i] == '\r'; /* Lua counts CR as a line break too */
  for (guint d = 0; d < diags->len; d++)
    {
      const MwLuaDiagnostic *diag = diags->pdata[d];
      g_assert_cmpuint (diag->line, >=, 1);
      g_assert_cmpuint (diag->line, <=, lines + 1);
    }
}

/* every corpus file (rejected ones too) linted together, then mutations one by one */
static void
test_corpus_no_crash (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  g_autoptr (GPtrArray) trees = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_tree_unref);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261125);
  guint n_diags = 0, n_mutations = 0;

  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (trees, parse_file (files->pdata[i]));
  results = mw_lua_lint ((MwLuaTree *const *) trees->pdata, trees->len, NULL);
  g_assert_cmpuint (results->len, ==, trees->len);
  for (guint i = 0; i < results->len; i++)
    {
      check_positions (trees->pdata[i], results->pdata[i]);
      n_diags += ((GPtrArray *) results->pdata[i])->len;
    }

  for (guint i = 0; i < trees->len; i += 2)
    {
      guint n;

      mw_lua_tree_get_tokens (trees->pdata[i], &n);
      if (n < 2)
        continue;
      for (int how = 0; how < 3; how++)
        {
          g_autoptr (GString) m = mutate (trees->pdata[i], g_rand_int_range (rand, 0, n - 1), how);
          g_autoptr (MwLuaTree) mt =
            mw_lua_tree_parse ("init.lua", m->str, m->len, MW_LUA_PARSE_SKIP_SHEBANG);
          g_autoptr (GPtrArray) diags = mw_lua_lint_tree (mt, NULL);

          check_positions (mt, diags);
          n_mutations++;
        }
    }
  g_test_message ("%u files, %u findings, %u mutations linted", trees->len, n_diags, n_mutations);
  g_assert_cmpuint (n_diags, >, 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/lint/cases", test_cases);
  g_test_add_func ("/mw/lua/lint/codes-documented", test_codes_documented);
  g_test_add_func ("/mw/lua/lint/options", test_options);
  g_test_add_func ("/mw/lua/lint/bad-std", test_bad_std);
  g_test_add_func ("/mw/lua/lint/options-for-dir", test_options_for_dir);
  g_test_add_func ("/mw/lua/lint/bytes", test_bytes);
  g_test_add_func ("/mw/lua/lint/hard-limits", test_hard_limits);
  g_test_add_func ("/mw/lua/lint/api-table", test_api_table);
  g_test_add_func ("/mw/lua/lint/firmware-fields", test_firmware_fields);
  g_test_add_func ("/mw/lua/lint/luacheckrc", test_config);
  g_test_add_func ("/mw/lua/lint/cross-file", test_cross_file);
  g_test_add_func ("/mw/lua/lint/estimate-bytes", test_estimate_bytes);
  g_test_add_func ("/mw/lua/lint/corpus-oracles", test_corpus_oracles);
  g_test_add_func ("/mw/lua/lint/luacheck-cases", test_luacheck_cases);
  g_test_add_func ("/mw/lua/lint/luacheck-per-code", test_luacheck_per_code);
  g_test_add_func ("/mw/lua/lint/corpus-no-crash", test_corpus_no_crash);
  return g_test_run ();
}
