/* mw-lua-diagnostic.h: findings about Lua source, from the parser, the linter and the compiler.
 *
 * A diagnostic is plain data: a position, a severity, a stable code and a message in Lua's
 * own words. Formatting as `chunk:line: message` is done at the edge (CLI, editor).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MW_LUA_SEVERITY_INFO,
  MW_LUA_SEVERITY_WARNING,
  MW_LUA_SEVERITY_ERROR,
} MwLuaSeverity;

/* Codes of the front end; the linter adds its own (W001...) in its module. */
#define MW_LUA_CODE_SYNTAX "E001" /* Lua 5.1 rejects the chunk */
#define MW_LUA_CODE_FIRMWARE_LOCALS "E011" /* > 50 locals: desktop Lua accepts, firmware not */
#define MW_LUA_CODE_FIRMWARE_UPVALS "E012" /* > 60 upvalues (same limit everywhere) */

typedef struct
{
  MwLuaSeverity severity;
  char *code; /* stable code, e.g. "E001" */
  char *message; /* Lua's wording, without the `chunk:line:` prefix */
  guint32 line; /* 1-based */
  guint32 column; /* 1-based byte column, 0 when unknown */
  guint32 end_line;
  guint32 end_column;
  gint64 bytes; /* estimated heap bytes at stake, -1 when not applicable */
} MwLuaDiagnostic;

MwLuaDiagnostic *mw_lua_diagnostic_new (MwLuaSeverity severity, const char *code, guint32 line,
                                        guint32 column, const char *message);
MwLuaDiagnostic *mw_lua_diagnostic_copy (const MwLuaDiagnostic *diag);
void mw_lua_diagnostic_free (MwLuaDiagnostic *diag);

/* `chunk:line: message`, as lua and luac print it */
char *mw_lua_diagnostic_format (const MwLuaDiagnostic *diag, const char *chunk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwLuaDiagnostic, mw_lua_diagnostic_free)

G_END_DECLS
