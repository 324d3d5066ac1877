/* test-heap-record.c: the heap walker's record grammar, bytes in -> records out. */
#include "mw-config.h"

#include "mw-heap-record.h"

#define S(x) x, sizeof x - 1

/* Records as one line each: tag, then fields as [atom] or <prefix|bytes>. */
static char *
render (GPtrArray *records)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++)
    {
      MwHeapRecord *r = records->pdata[i];

      g_string_append_c (out, r->tag);
      for (guint k = 0; k < r->n_fields; k++)
        {
          MwHeapField *f = &r->fields[k];

          if (f->prefix == 0)
            g_string_append_printf (out, " [%s]", f->data);
          else
            {
              g_string_append_printf (out, " <%c|", f->prefix);
              for (gsize b = 0; b < f->len; b++)
                if (g_ascii_isprint (f->data[b]))
                  g_string_append_c (out, f->data[b]);
                else
                  g_string_append_printf (out, "\\x%02x", (guint8) f->data[b]);
              g_string_append_c (out, '>');
            }
        }
      g_string_append_c (out, ';');
    }
  return g_string_free (out, FALSE);
}

static void
test_parse (void)
{
  static const struct
  {
    const char *in;
    gsize len;
    const char *expect; /* NULL: an error at `offset` */
    gsize offset;
  } cases[] = {
    { S (""), "", 0 },
    { S ("Z\n"), "Z;", 0 },
    { S ("B 30120 12288 u 0.5\n"), "B [30120] [12288] [u] [0.5];", 0 },
    { S ("O table 0x3fff1234\n"), "O [table] [0x3fff1234];", 0 },
    /* a string key with a space, a newline and a colon in it, then a string value */
    { S ("E s7:a b\nc:d s 3 3:x y\n"), "E <s|a b\\x0ac:d> [s] [3] <:|x y>;", 0 },
    /* NUL bytes inside a blob */
    { S ("D 3:\0\1\2\n"), "D <:|\\x00\\x01\\x02>;", 0 },
    /* an empty blob, and a blob followed by an upvalue name */
    { S ("E m0: table 0x1\nE u1:1 table 0x2 3:buf\n"),
      "E <m|> [table] [0x1];E <u|1> [table] [0x2] <:|buf>;", 0 },
    /* a long string: its length, then 40 bytes of it */
    { S ("E s1:k s 100 4:abcd\nN 3 2\nP 8000\n"), "E <s|k> [s] [100] <:|abcd>;N [3] [2];P [8000];",
      0 },
    { S ("?\n"), "?;", 0 },
    /* errors */
    { S ("Z"), NULL, 1 }, /* not ended */
    { S ("O table\n0x1\n"), NULL, 8 }, /* a record must start with a letter */
    { S ("E s9:abc\n"), NULL, 2 }, /* a blob past the end */
    { S ("O a:b\n"), NULL, 3 }, /* a colon in an atom */
    { S ("O  x\n"), NULL, 2 }, /* an empty field */
    { S ("Ox\n"), NULL, 1 }, /* no space after the tag */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) records =
        mw_heap_parse_records ((const guint8 *) cases[i].in, cases[i].len, &error);

      if (cases[i].expect == NULL)
        {
          g_autofree char *at = g_strdup_printf ("at byte %zu:", cases[i].offset);

          g_assert_null (records);
          g_assert_error (error, MW_HEAP_ERROR, MW_HEAP_ERROR_RECORD);
          g_assert_nonnull (strstr (error->message, at));
        }
      else
        {
          g_autofree char *got = NULL;

          g_assert_no_error (error);
          got = render (records);
          g_assert_cmpstr (got, ==, cases[i].expect);
        }
    }
}

static void
test_field_int (void)
{
  static const struct
  {
    const char *atom;
    gboolean ok;
    gint64 value;
  } cases[] = {
    { "0", TRUE, 0 },           { "30120", TRUE, 30120 }, { "-4", TRUE, -4 },
    { "12288.0", TRUE, 12288 }, { "1e3", TRUE, 1000 },    { "x", FALSE, 0 },
    { "3x", FALSE, 0 },         { "nan", FALSE, 0 },      { "inf", FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MwHeapField f = { 0, (char *) cases[i].atom, strlen (cases[i].atom) };
      gint64 v = -1;

      g_assert_cmpint (mw_heap_field_get_int (&f, &v), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (v, ==, cases[i].value);
    }
  {
    MwHeapField blob = { ':', (char *) "12", 2 };
    gint64 v;

    g_assert_false (mw_heap_field_get_int (&blob, &v));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/heap/record/parse", test_parse);
  g_test_add_func ("/mw/heap/record/field-int", test_field_int);
  return g_test_run ();
}
