/* mw-lua-diagnostic.c: construction and formatting of Lua diagnostics. */
#include "mw-lua-diagnostic.h"

MwLuaDiagnostic *
mw_lua_diagnostic_new (MwLuaSeverity severity, const char *code, guint32 line, guint32 column,
                       const char *message)
{
  MwLuaDiagnostic *diag;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  diag = g_new0 (MwLuaDiagnostic, 1);
  diag->severity = severity;
  diag->code = g_strdup (code);
  diag->message = g_strdup (message);
  diag->line = diag->end_line = line;
  diag->column = diag->end_column = column;
  diag->bytes = -1;
  return diag;
}

MwLuaDiagnostic *
mw_lua_diagnostic_copy (const MwLuaDiagnostic *diag)
{
  MwLuaDiagnostic *copy;

  g_return_val_if_fail (diag != NULL, NULL);

  copy = g_memdup2 (diag, sizeof *diag);
  copy->code = g_strdup (diag->code);
  copy->message = g_strdup (diag->message);
  return copy;
}

void
mw_lua_diagnostic_free (MwLuaDiagnostic *diag)
{
  if (diag == NULL)
    return;
  g_free (diag->code);
  g_free (diag->message);
  g_free (diag);
}

char *
mw_lua_diagnostic_format (const MwLuaDiagnostic *diag, const char *chunk)
{
  g_return_val_if_fail (diag != NULL, NULL);

  return g_strdup_printf ("%s:%u: %s", chunk ? chunk : "?", diag->line, diag->message);
}
