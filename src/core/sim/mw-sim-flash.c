/* mw-sim-flash.c: SPIFFS semantics over a host folder with a quota. */
#include "mw-sim-flash.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

struct _MwSimFlash
{
  char *dir;
  gboolean temporary;
  gsize size;
  guint64 full_after; /* 0: never */
  guint64 written;
};

MwSimFlash *
mw_sim_flash_new (const char *dir, gsize size, GError **error)
{
  g_autoptr (MwSimFlash) flash = g_new0 (MwSimFlash, 1);

  flash->size = size;
  if (dir == NULL)
    {
      flash->dir = g_dir_make_tmp ("moonwire-sim-XXXXXX", error);
      if (flash->dir == NULL)
        return NULL;
      flash->temporary = TRUE;
    }
  else
    {
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "cannot create flash folder %s: %s", dir, g_strerror (saved));
          return NULL;
        }
      flash->dir = g_strdup (dir);
    }
  return g_steal_pointer (&flash);
}

void
mw_sim_flash_free (MwSimFlash *flash)
{
  if (flash == NULL)
    return;
  if (flash->temporary)
    {
      g_autoptr (GDir) d = g_dir_open (flash->dir, 0, NULL);
      const char *n;

      while (d && (n = g_dir_read_name (d)))
        {
          g_autofree char *p = g_build_filename (flash->dir, n, NULL);
          g_unlink (p);
        }
      g_rmdir (flash->dir);
    }
  g_free (flash->dir);
  g_free (flash);
}

const char *
mw_sim_flash_get_dir (MwSimFlash *flash)
{
  return flash->dir;
}

gboolean
mw_sim_flash_valid_name (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  return len > 0 && len <= MW_SIM_FLASH_MAX_NAME;
}

/* '/' and '%' and a leading '.' are escaped as %XX so that every flash name is one plain
 * host file name. */
static char *
escape_name (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    {
      if (*p == '/' || *p == '%' || (p == name && *p == '.'))
        g_string_append_printf (s, "%%%02X", (guint8) *p);
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

static char *
unescape_name (const char *host)
{
  GString *s = g_string_new (NULL);

  for (const char *p = host; *p; p++)
    {
      if (p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (
            s, (char) (g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2])));
          p += 2;
        }
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

char *
mw_sim_flash_path (MwSimFlash *flash, const char *name)
{
  g_autofree char *esc = escape_name (name);
  return g_build_filename (flash->dir, esc, NULL);
}

gsize
mw_sim_flash_total (MwSimFlash *flash)
{
  return flash->size;
}

GHashTable *
mw_sim_flash_list (MwSimFlash *flash)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) d = g_dir_open (flash->dir, 0, NULL);
  const char *n;

  while (d && (n = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (flash->dir, n, NULL);
      GStatBuf st;

      if (g_stat (p, &st) == 0 && S_ISREG (st.st_mode))
        {
          char *name = unescape_name (n);
          if (mw_sim_flash_valid_name (name))
            g_hash_table_insert (files, name, GSIZE_TO_POINTER ((gsize) st.st_size));
          else
            g_free (name);
        }
    }
  return files;
}

gsize
mw_sim_flash_used (MwSimFlash *flash)
{
  g_autoptr (GHashTable) files = mw_sim_flash_list (flash);
  GHashTableIter it;
  gpointer size;
  gsize used = 0;

  g_hash_table_iter_init (&it, files);
  while (g_hash_table_iter_next (&it, NULL, &size))
    used += GPOINTER_TO_SIZE (size);
  return used;
}

void
mw_sim_flash_set_full_after (MwSimFlash *flash, guint64 bytes)
{
  flash->full_after = bytes;
}

gboolean
mw_sim_flash_reserve (MwSimFlash *flash, gsize more)
{
  if (flash->full_after && flash->written + more > flash->full_after)
    return FALSE;
  if (mw_sim_flash_used (flash) + more > flash->size)
    return FALSE;
  flash->written += more;
  return TRUE;
}
