/* mw-cli-json-out.h: the --json output of moonwire-cli's board commands: the tree built with
 * json-glib's JsonBuilder, strings escaped by its JsonGenerator, written in the layout the
 * commands have always printed (one line, ", " and ": " between members and items) so that
 * scripts reading it see the same bytes. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How the items of a top-level array are set out, and how doubles are written. */
typedef struct
{
  const char *item_before; /* before each item ("" or "\n  ") */
  const char *item_between; /* between two items (", " or ",") */
  const char *array_close; /* before the closing "]" ("" or "\n") */
} MwCliJsonLayout;

/* Doubles are written with three decimals (seconds). NULL `layout`: all on one line. */
char *mw_cli_json_format (JsonNode *root, const MwCliJsonLayout *layout);
/* Prints the builder's tree and a newline on standard output. */
void mw_cli_json_print (JsonBuilder *builder, const MwCliJsonLayout *layout);

/* JsonBuilder shorthands: a member and its value. */
void mw_cli_json_member_string (JsonBuilder *builder, const char *name, const char *value);
void mw_cli_json_member_int (JsonBuilder *builder, const char *name, gint64 value);
void mw_cli_json_member_double (JsonBuilder *builder, const char *name, double value);
void mw_cli_json_member_boolean (JsonBuilder *builder, const char *name, gboolean value);

G_END_DECLS
