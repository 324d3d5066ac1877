/* mw-test-support.c: the Lua corpus and luac5.1 as test oracles. */
#include "mw-test-support.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static void
collect (const char *dir, GPtrArray *out, int depth)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL || depth > 16)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect (path, out, depth + 1);
      else if (g_str_has_suffix (name, ".lua") && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
mw_test_corpus_files (void)
{
  const char *root = g_getenv ("MOONWIRE_CORPUS_DIR");
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  if (root == NULL)
    root = "/usr/share/lua/5.1";
  collect (root, files, 0);
  g_ptr_array_sort (files, compare_paths);
  if (files->len < 100)
    g_error ("the Lua corpus under %s has only %u files: run scripts/bootstrap", root, files->len);
  return files;
}

int
mw_test_luac (const char *const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "luac5.1");
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err,
                     &status, &error))
    g_error ("cannot run luac5.1: %s (run scripts/bootstrap)", error->message);
  return status;
}

static char *tmp_dir;

static void
remove_tmp_dir (void)
{
  g_autoptr (GDir) d = NULL;
  const char *name;

  if (tmp_dir == NULL)
    return;
  d = g_dir_open (tmp_dir, 0, NULL);
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

char *
mw_test_tmp_path (const char *name)
{
  if (tmp_dir == NULL)
    {
      tmp_dir = g_dir_make_tmp ("moonwire-test-XXXXXX", NULL);
      g_assert_nonnull (tmp_dir);
      atexit (remove_tmp_dir);
    }
  return g_build_filename (tmp_dir, name, NULL);
}

char *
mw_test_data_path (const char *relative)
{
  const char *root = g_getenv ("MOONWIRE_TEST_DATA");
  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

int
mw_test_run_cli (const char *const *args, const char *cwd, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  const char *cli = g_getenv ("MOONWIRE_CLI");
  int wait_status;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (cwd, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                     &wait_status, &error))
    g_error ("cannot run %s: %s", cli, error->message);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

gboolean
mw_test_luac_check_source (const char *name, const char *source, gsize length, char **message)
{
  g_autofree char *path = mw_test_tmp_path (name);
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *dir = g_path_get_dirname (path);
  const char *args[] = { "-p", name, NULL };
  int status;

  if (!g_file_set_contents (path, source, length, &error))
    g_error ("%s", error->message);
  /* run in the folder so that luac names the chunk just `name` */
  g_assert_cmpint (g_chdir (dir), ==, 0);
  status = mw_test_luac (args, NULL, &err);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_unlink (path);
  if (g_spawn_check_wait_status (status, NULL))
    return TRUE;
  if (message)
    {
      const char *m = err;
      if (g_str_has_prefix (m, "luac5.1: "))
        m += strlen ("luac5.1: ");
      *message = g_strchomp (g_strdup (m));
    }
  return FALSE;
}

static void
luac_function_free (gpointer data)
{
  MwTestLuacFunction *f = data;
  g_ptr_array_unref (f->globals);
  g_free (f);
}

/* Reads luac -l -l output into a list of functions (pre-order, as luac prints them). */
GPtrArray *
mw_test_luac_listing_parse (const char *listing)
{
  GPtrArray *funcs = g_ptr_array_new_with_free_func (luac_function_free);
  g_auto (GStrv) lines = g_strsplit (listing, "\n", -1);
  MwTestLuacFunction *f = NULL;

  for (char **l = lines; *l; l++)
    {
      const char *s = *l;
      if (g_str_has_prefix (s, "main <") || g_str_has_prefix (s, "function <"))
        {
          const char *colon = strrchr (s, '>');
          const char *open = strchr (s, '<');
          g_autofree char *inner = NULL;
          const char *c;

          g_assert_nonnull (colon);
          inner = g_strndup (open + 1, colon - open - 1);
          c = strrchr (inner, ':');
          g_assert_nonnull (c);
          f = g_new0 (MwTestLuacFunction, 1);
          f->globals = g_ptr_array_new_with_free_func (g_free);
          g_assert_cmpint (sscanf (c + 1, "%u,%u", &f->line_defined, &f->last_line), ==, 2);
          g_ptr_array_add (funcs, f);
          /* the next line: "N[+] params, N slots, N upvalues, N locals, ..." */
          l++;
          g_assert_nonnull (*l);
          g_assert_cmpint (sscanf (*l, "%u", &f->params), ==, 1);
          {
            const char *p = strstr (*l, "slot");
            p = strchr (p, ',') + 1;
            g_assert_cmpint (sscanf (p, "%u", &f->upvalues), ==, 1);
            p = strchr (p, ',') + 1;
            g_assert_cmpint (sscanf (p, "%u", &f->locals), ==, 1);
          }
          continue;
        }
      if (f != NULL && s[0] == '\t')
        {
          gboolean get = strstr (s, "\tGETGLOBAL\t") != NULL;
          gboolean set = !get && strstr (s, "\tSETGLOBAL\t") != NULL;
          if (get || set)
            {
              const char *name = strstr (s, "; ");
              g_assert_nonnull (name);
              g_ptr_array_add (f->globals, g_strdup_printf ("%c %s", get ? 'R' : 'W', name + 2));
            }
        }
    }
  return funcs;
}

void
mw_test_cli_run_clear (MwTestCliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

void
mw_test_cli_run (MwTestCliRun *run, const char *cwd, const char *const *args)
{
  mw_test_cli_run_clear (run);
  run->status = mw_test_run_cli (args, cwd, &run->out, &run->err);
}

char *
mw_test_write_tmp (const char *name, const char *content, gssize length)
{
  char *path = mw_test_tmp_path (name);
  g_autoptr (GError) error = NULL;

  if (!g_file_set_contents (path, content, length, &error))
    g_error ("%s", error->message);
  return path;
}

guint
mw_test_replay_seeds (const char *relative, int (*entry) (const guint8 *data, size_t size))
{
  g_autofree char *dir = mw_test_data_path (relative);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      entry ((const guint8 *) data, len);
      count++;
    }
  return count;
}
