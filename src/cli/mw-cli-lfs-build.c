/* mw-cli-lfs-build.c: what `lfs build` and `lfs flash` share: reading and building the
 * files, the build time, sizes. Linked into moonwire-cli and its board module alike. */
#include "mw-config.h"

#include "mw-cli-commands.h"
#include "mw-cli-lfs.h"

gint64
mw_cli_lfs_timestamp (void)
{
  /* reproducible builds: the time comes from SOURCE_DATE_EPOCH when it is set */
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");

  if (epoch != NULL && *epoch != '\0')
    {
      char *end = NULL;
      gint64 t = g_ascii_strtoll (epoch, &end, 10);
      if (end != NULL && *end == '\0')
        return t;
    }
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
mw_cli_lfs_parse_size (const char *text, gsize *size)
{
  char *end = NULL;
  guint64 v;

  if (text == NULL)
    return FALSE;
  v = g_ascii_strtoull (text, &end, 0);
  if (end == text)
    return FALSE;
  if (g_ascii_strcasecmp (end, "k") == 0 || g_ascii_strcasecmp (end, "kb") == 0)
    v *= 1024;
  else if (*end != '\0')
    return FALSE;
  if (v == 0 || v > G_MAXUINT32)
    return FALSE;
  *size = (gsize) v;
  return TRUE;
}

MwLuaLfsImage *
mw_cli_lfs_build_files (char **files, guint n_files, MwLuaNumberType target, gsize max_size,
                        int *status)
{
  g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) error = NULL;
  MwLuaLfsImage *image;

  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (files[i], &data, &len, &error))
        {
          g_printerr ("moonwire-cli lfs: %s\n", error->message);
          *status = MW_EXIT_IO;
          return NULL;
        }
      g_ptr_array_add (sources, g_bytes_new_take (g_steal_pointer (&data), len));
    }
  image = mw_lua_lfs_image_new_from_sources ((const char *const *) files,
                                             (GBytes *const *) sources->pdata, n_files, target,
                                             mw_cli_lfs_timestamp (), max_size, &error);
  if (image == NULL)
    {
      if (g_error_matches (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_TOO_BIG))
        g_printerr ("moonwire-cli lfs: %s (--max-size)\n", error->message);
      else if (g_error_matches (error, MW_LUA_LFS_ERROR, MW_LUA_LFS_ERROR_COMPILE))
        g_printerr ("%s\n", error->message);
      else
        g_printerr ("moonwire-cli lfs: %s\n", error->message);
      *status = MW_EXIT_ERROR;
    }
  return image;
}
