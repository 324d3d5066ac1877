/* mw-cli-json.c: JSON string literals for the local commands' output (see mw-cli-json.h). */
#include "mw-config.h"

#include "mw-cli-json.h"

void
mw_cli_json_append_string (GString *out, const char *text)
{
  /* JSON is UTF-8: a file name in another encoding gets U+FFFD for its bad bytes */
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (const guchar *s = (const guchar *) valid; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_printf (out, "\\%c", *s);
      else if (*s < 0x20)
        g_string_append_printf (out, "\\u%04x", *s);
      else
        g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}
