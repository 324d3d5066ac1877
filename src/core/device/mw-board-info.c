/* mw-board-info.c: banner parsing and the probe's key=value reply. */
#include "mw-config.h"

#include "mw-board-info.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (MwBoardInfo, mw_board_info, mw_board_info_copy, mw_board_info_free)

MwBoardInfo *
mw_board_info_new (void)
{
  MwBoardInfo *info = g_new0 (MwBoardInfo, 1);

  info->heap = -1;
  return info;
}

MwBoardInfo *
mw_board_info_copy (const MwBoardInfo *info)
{
  MwBoardInfo *copy = g_new0 (MwBoardInfo, 1);

  *copy = *info;
  copy->version = g_strdup (info->version);
  copy->modules = g_strdupv (info->modules);
  copy->branch = g_strdup (info->branch);
  copy->commit = g_strdup (info->commit);
  copy->ssl = g_strdup (info->ssl);
  copy->lfs = g_strdup (info->lfs);
  copy->build_date = g_strdup (info->build_date);
  copy->sdk = g_strdup (info->sdk);
  return copy;
}

void
mw_board_info_free (MwBoardInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->version);
  g_strfreev (info->modules);
  g_free (info->branch);
  g_free (info->commit);
  g_free (info->ssl);
  g_free (info->lfs);
  g_free (info->build_date);
  g_free (info->sdk);
  g_free (info);
}

const char *
mw_board_info_number_type_string (const MwBoardInfo *info)
{
  if (info == NULL || !info->number_type_known)
    return "unknown";
  return info->number_type == MW_LUA_TARGET_INTEGER ? "integer" : "float";
}

static char **
split_modules (const char *list)
{
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *name = g_strstrip (parts[i]);

      if (*name != '\0')
        g_ptr_array_add (out, g_strdup (name));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
set_str (char **field, const char *value)
{
  g_free (*field);
  *field = g_strstrip (g_strdup (value));
}

/* " build <date> powered by Lua 5.1.4 on SDK <sdk>" (either banner style) */
static void
parse_build_tail (MwBoardInfo *info, const char *text)
{
  const char *build = strstr (text, "build ");
  const char *powered = strstr (text, " powered by");
  const char *sdk = strstr (text, "on SDK ");

  if (build != NULL && powered != NULL && powered > build)
    {
      g_autofree char *date = g_strndup (build + 6, powered - build - 6);

      set_str (&info->build_date, date);
    }
  if (sdk != NULL)
    set_str (&info->sdk, sdk + 7);
}

MwBoardInfo *
mw_board_info_parse_banner (const char *text)
{
  g_autoptr (MwBoardInfo) info = NULL;
  g_auto (GStrv) lines = NULL;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);
  if (!g_str_has_prefix (text, "NodeMCU "))
    return NULL;
  info = mw_board_info_new ();
  p = text + 8;
  {
    gsize n = strcspn (p, " \t\r\n");
    g_autofree char *version = g_strndup (p, n);

    if (*version == '\0' || !g_ascii_isdigit (version[0]))
      return NULL;
    info->version = g_steal_pointer (&version);
    info->major = atoi (info->version);
  }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "branch:"))
        set_str (&info->branch, line + 7);
      else if (g_str_has_prefix (line, "commit:"))
        set_str (&info->commit, line + 7);
      else if (g_str_has_prefix (line, "SSL:"))
        set_str (&info->ssl, line + 4);
      else if (g_str_has_prefix (line, "LFS:"))
        set_str (&info->lfs, line + 4);
      else if (g_str_has_prefix (line, "build type:"))
        {
          info->number_type_known = TRUE;
          if (strstr (line, "integer") != NULL)
            info->number_type = MW_LUA_TARGET_INTEGER;
          else if (strstr (line, "float") != NULL)
            info->number_type = MW_LUA_TARGET_FLOAT;
          else
            info->number_type_known = FALSE;
        }
      else if (g_str_has_prefix (line, "modules:"))
        {
          g_strfreev (info->modules);
          info->modules = split_modules (line + 8);
        }
      if (strstr (line, "powered by Lua") != NULL)
        parse_build_tail (info, i == 0 ? line + 8 : line);
    }
  return g_steal_pointer (&info);
}

void
mw_board_info_merge_probe (MwBoardInfo *info, const char *text)
{
  g_auto (GStrv) lines = NULL;

  g_return_if_fail (info != NULL && text != NULL);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq = strchr (line, '=');
      const char *value;

      if (eq == NULL)
        continue;
      *eq = '\0';
      value = eq + 1;
      if (strcmp (line, "version") == 0 && *value)
        {
          set_str (&info->version, value);
          info->major = atoi (value);
        }
      else if (strcmp (line, "number") == 0
               && (strcmp (value, "0.5") == 0 || strcmp (value, "0") == 0))
        {
          /* 1/2 on the board (docs/firmware.md section 2) */
          info->number_type = strcmp (value, "0") == 0 ? MW_LUA_TARGET_INTEGER
                                                       : MW_LUA_TARGET_FLOAT;
          info->number_type_known = TRUE;
        }
      else if (strcmp (line, "modules") == 0 && *value)
        {
          g_strfreev (info->modules);
          info->modules = split_modules (value);
        }
      else if (strcmp (line, "branch") == 0 && *value)
        set_str (&info->branch, value);
      else if (strcmp (line, "commit") == 0 && *value)
        set_str (&info->commit, value);
      else if (strcmp (line, "chipid") == 0)
        info->chip_id = strtoul (value, NULL, 10);
      else if (strcmp (line, "flashid") == 0)
        info->flash_id = strtoul (value, NULL, 10);
      else if (strcmp (line, "flashsize") == 0)
        info->flash_size = strtoul (value, NULL, 10);
      else if (strcmp (line, "heap") == 0)
        info->heap = g_ascii_strtoll (value, NULL, 10);
    }
}

gboolean
mw_board_info_has_module (const MwBoardInfo *info, const char *module)
{
  g_return_val_if_fail (info != NULL, FALSE);
  return info->modules != NULL && g_strv_contains ((const char *const *) info->modules, module);
}
