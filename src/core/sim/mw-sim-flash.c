/* mw-sim-flash.c: SPIFFS semantics over a host folder, counted in SPIFFS pages
 * (docs/firmware.md section 7). */
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

/* app/spiffs/spiffs_nucleus.h with app/spiffs/nodemcu_spiffs.h and app/include/user_config.h:
 * an object index header is 46 bytes (5-byte page header, alignment to 8, size, type, a
 * 32-byte name, aligned to 2), so it indexes (256 - 46) / 2 = 105 data pages; a further index
 * page (8-byte header) indexes 124. */
#define HDR_IX_LEN 105
#define IX_LEN 124

gsize
mw_sim_flash_pages (gsize size)
{
  gsize data = (size + MW_SIM_FLASH_PAGE_DATA - 1) / MW_SIM_FLASH_PAGE_DATA;
  gsize index = 1;

  if (data > HDR_IX_LEN)
    index += (data - HDR_IX_LEN + IX_LEN - 1) / IX_LEN;
  return index + data;
}

/* app/spiffs/spiffs.c: 8 KB logical blocks (4 KB below 32 KB) of 256-byte pages, one of them
 * the block's lookup page; app/spiffs/spiffs_hydrogen.c SPIFFS_info: two blocks spare, plus
 * one emergency page. */
static gsize
total_pages (MwSimFlash *flash)
{
  gsize block = flash->size < 4 * 8192 ? 4096 : 8192;
  gsize per_block = block / MW_SIM_FLASH_PAGE;
  gsize lookup = MAX (1, per_block * 2 / MW_SIM_FLASH_PAGE);
  gsize blocks = flash->size / block;

  if (blocks < 3)
    return 0;
  return (blocks - 2) * (per_block - lookup) + 1;
}

gsize
mw_sim_flash_total (MwSimFlash *flash)
{
  return total_pages (flash) * MW_SIM_FLASH_PAGE_DATA;
}

gsize
mw_sim_flash_size (MwSimFlash *flash)
{
  return flash->size;
}

static gsize
used_pages (MwSimFlash *flash)
{
  g_autoptr (GHashTable) files = mw_sim_flash_list (flash);
  GHashTableIter it;
  gpointer size;
  gsize pages = 0;

  g_hash_table_iter_init (&it, files);
  while (g_hash_table_iter_next (&it, NULL, &size))
    pages += mw_sim_flash_pages (GPOINTER_TO_SIZE (size));
  return pages;
}

gsize
mw_sim_flash_used (MwSimFlash *flash)
{
  return used_pages (flash) * MW_SIM_FLASH_PAGE_DATA;
}

void
mw_sim_flash_set_full_after (MwSimFlash *flash, guint64 bytes)
{
  flash->full_after = bytes;
}

gboolean
mw_sim_flash_reserve (MwSimFlash *flash, gsize old_size, gsize new_size, gboolean is_new)
{
  gsize more = new_size > old_size ? new_size - old_size : 0;
  gsize before = is_new ? 0 : mw_sim_flash_pages (old_size);
  gsize after = mw_sim_flash_pages (new_size);

  if (flash->full_after && flash->written + more > flash->full_after)
    return FALSE;
  if (after > before && used_pages (flash) + (after - before) > total_pages (flash))
    return FALSE;
  flash->written += more;
  return TRUE;
}
