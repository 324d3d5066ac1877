/* mw-cli-json-out.c: --json output over json-glib (see mw-cli-json-out.h). */
#include "mw-config.h"

#include "mw-cli-json-out.h"

#include <stdio.h>

static const MwCliJsonLayout one_line = { "", ", ", "" };

static void
append_string (GString *out, const char *text)
{
  /* JSON is UTF-8: a file name in another encoding gets U+FFFD for its bad bytes */
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autoptr (JsonNode) node = json_node_init_string (json_node_alloc (), valid);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *escaped = NULL;

  json_generator_set_root (generator, node);
  escaped = json_generator_to_data (generator, NULL);
  g_string_append (out, escaped);
}

static void
append_node (GString *out, JsonNode *node, const MwCliJsonLayout *layout)
{
  switch (json_node_get_node_type (node))
    {
      case JSON_NODE_OBJECT:
        {
          JsonObject *object = json_node_get_object (node);
          GList *members = json_object_get_members (object);

          g_string_append_c (out, '{');
          for (GList *m = members; m != NULL; m = m->next)
            {
              if (m != members)
                g_string_append (out, ", ");
              append_string (out, m->data);
              g_string_append (out, ": ");
              append_node (out, json_object_get_member (object, m->data), &one_line);
            }
          g_string_append_c (out, '}');
          g_list_free (members);
          break;
        }
      case JSON_NODE_ARRAY:
        {
          JsonArray *array = json_node_get_array (node);
          guint n = json_array_get_length (array);

          g_string_append_c (out, '[');
          for (guint i = 0; i < n; i++)
            {
              if (i > 0)
                g_string_append (out, layout->item_between);
              g_string_append (out, layout->item_before);
              append_node (out, json_array_get_element (array, i), &one_line);
            }
          g_string_append (out, layout->array_close);
          g_string_append_c (out, ']');
          break;
        }
      case JSON_NODE_VALUE:
        switch (json_node_get_value_type (node))
          {
            case G_TYPE_STRING:
              append_string (out, json_node_get_string (node));
              break;
            case G_TYPE_INT64:
              g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
              break;
            case G_TYPE_BOOLEAN:
              g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
              break;
            case G_TYPE_DOUBLE:
              {
                char buf[G_ASCII_DTOSTR_BUF_SIZE];

                g_string_append (
                  out, g_ascii_formatd (buf, sizeof buf, "%.3f", json_node_get_double (node)));
                break;
              }
            default:
              g_assert_not_reached ();
          }
        break;
      case JSON_NODE_NULL:
        g_string_append (out, "null");
        break;
    }
}

char *
mw_cli_json_format (JsonNode *root, const MwCliJsonLayout *layout)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (root != NULL, NULL);
  append_node (out, root, layout != NULL ? layout : &one_line);
  return g_string_free (out, FALSE);
}

void
mw_cli_json_print (JsonBuilder *builder, const MwCliJsonLayout *layout)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = mw_cli_json_format (root, layout);

  printf ("%s\n", text);
}

void
mw_cli_json_member_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
mw_cli_json_member_int (JsonBuilder *builder, const char *name, gint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
mw_cli_json_member_double (JsonBuilder *builder, const char *name, double value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

void
mw_cli_json_member_boolean (JsonBuilder *builder, const char *name, gboolean value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}
