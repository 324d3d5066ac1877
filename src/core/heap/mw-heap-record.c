/* mw-heap-record.c: the walker's record grammar (docs/heap-explorer.md, "Records"). */
#include "mw-heap-record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (mw - heap - error - quark, mw_heap_error)

void
mw_heap_record_free (MwHeapRecord *record)
{
  if (record == NULL)
    return;
  for (guint i = 0; i < record->n_fields; i++)
    g_free (record->fields[i].data);
  g_free (record->fields);
  g_free (record);
}

static gboolean
fail (GError **error, gsize offset, const char *what)
{
  g_set_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_RECORD,
               "the heap walker's reply is malformed at byte %zu: %s", offset, what);
  return FALSE;
}

/* One field at data[*pos]; leaves *pos on the separator after it. */
static gboolean
parse_field (const guint8 *data, gsize len, gsize *pos, MwHeapField *field, GError **error)
{
  gsize start = *pos;
  gsize i = start;
  char prefix = 0;
  gsize digits;
  guint64 n = 0;

  if (i < len && g_ascii_isalpha (data[i]))
    {
      prefix = data[i];
      i++;
    }
  digits = i;
  while (i < len && g_ascii_isdigit (data[i]) && i - digits < 10)
    n = n * 10 + (data[i++] - '0');
  if (i < len && data[i] == ':' && i > digits)
    {
      /* a blob: exactly n bytes follow */
      i++;
      if (n > len - i)
        return fail (error, start, "a blob runs past the end of the reply");
      field->prefix = prefix ? prefix : ':';
      field->data = g_malloc (n + 1); /* g_strndup would stop at a NUL */
      memcpy (field->data, data + i, n);
      field->data[n] = '\0';
      field->len = n;
      *pos = i + n;
      return TRUE;
    }
  i = start;
  while (i < len && data[i] != ' ' && data[i] != '\n' && data[i] != ':')
    i++;
  if (i == start)
    return fail (error, start, "an empty field");
  if (i < len && data[i] == ':')
    return fail (error, i, "a colon in an atom");
  field->prefix = 0;
  field->data = g_strndup ((const char *) data + start, i - start);
  field->len = i - start;
  *pos = i;
  return TRUE;
}

GPtrArray *
mw_heap_parse_records (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mw_heap_record_free);
  gsize pos = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  while (pos < len)
    {
      g_autoptr (MwHeapRecord) record = g_new0 (MwHeapRecord, 1);
      g_autoptr (GArray) fields = g_array_new (FALSE, TRUE, sizeof (MwHeapField));

      if (!g_ascii_isalpha (data[pos]) && data[pos] != '?')
        {
          fail (error, pos, "a record must start with a tag letter");
          return NULL;
        }
      record->tag = data[pos++];
      while (pos < len && data[pos] == ' ')
        {
          MwHeapField field = { 0 };

          pos++;
          if (!parse_field (data, len, &pos, &field, error))
            {
              for (guint i = 0; i < fields->len; i++)
                g_free (g_array_index (fields, MwHeapField, i).data);
              return NULL;
            }
          g_array_append_val (fields, field);
        }
      record->n_fields = fields->len;
      record->fields = (MwHeapField *) (void *) g_array_free (g_steal_pointer (&fields), FALSE);
      if (pos >= len || data[pos] != '\n')
        {
          fail (error, pos, pos >= len ? "the last record is not ended" : "a field is not ended");
          return NULL;
        }
      pos++;
      g_ptr_array_add (records, g_steal_pointer (&record));
    }
  return g_steal_pointer (&records);
}

gboolean
mw_heap_field_get_int (const MwHeapField *field, gint64 *value)
{
  char *end = NULL;
  double d;

  g_return_val_if_fail (field != NULL && value != NULL, FALSE);
  if (field->prefix != 0 || field->len == 0)
    return FALSE;
  d = g_ascii_strtod (field->data, &end);
  if (end == NULL || *end != '\0' || !isfinite (d) || fabs (d) > 9e15)
    return FALSE;
  *value = (gint64) llround (d);
  return TRUE;
}
