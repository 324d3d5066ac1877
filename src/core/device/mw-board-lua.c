/* mw-lua-snippet.c: Lua string literals and name checks for code sent to the board. */
#include "mw-config.h"

#include "mw-lua-snippet.h"

#include <string.h>

G_DEFINE_QUARK (mw - device - error - quark, mw_device_error)

static gsize
quoted_len (guint8 c)
{
  if (c == '"' || c == '\\' || c == '\n' || c == '\r')
    return 2;
  if (c >= 0x20 && c < 0x7f)
    return 1;
  return 4;
}

static void
append_quoted (GString *out, guint8 c)
{
  switch (c)
    {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      default:
        if (c >= 0x20 && c < 0x7f)
          g_string_append_c (out, c);
        else
          g_string_append_printf (out, "\\%03u", c);
    }
}

char *
mw_lua_quote (const void *data, gsize len)
{
  const guint8 *p = data;
  GString *out = g_string_sized_new (len + 2);

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    append_quoted (out, p[i]);
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

char *
mw_lua_quote_str (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);
  return mw_lua_quote (text, strlen (text));
}

gsize
mw_lua_quote_prefix (const guint8 *data, gsize len, gsize max_out, GString *out)
{
  gsize used = 2;
  gsize i;

  g_string_append_c (out, '"');
  for (i = 0; i < len; i++)
    {
      gsize n = quoted_len (data[i]);

      if (used + n > max_out)
        break;
      append_quoted (out, data[i]);
      used += n;
    }
  g_string_append_c (out, '"');
  return i;
}

gboolean
mw_lua_check_file_name (const char *name, GError **error)
{
  gsize len;

  if (name == NULL || name[0] == '\0')
    {
      g_set_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME, "empty file name");
      return FALSE;
    }
  len = strlen (name);
  if (len > MW_DEVICE_MAX_NAME)
    {
      g_set_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME,
                   "'%s': name is %zu bytes long; the board's file system allows at most %d", name,
                   len, MW_DEVICE_MAX_NAME);
      return FALSE;
    }
  if (strpbrk (name, "\n\r") != NULL)
    {
      g_set_error (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME, "file name with a line break");
      return FALSE;
    }
  return TRUE;
}

guint32
mw_adler32_update (guint32 adler, const guint8 *data, gsize len)
{
  guint32 a = adler & 0xffff, b = adler >> 16;

  g_return_val_if_fail (data != NULL || len == 0, adler);
  for (gsize i = 0; i < len; i++)
    {
      a = (a + data[i]) % 65521;
      b = (b + a) % 65521;
    }
  return (b << 16) | a;
}
