/* mw-heap-record.h: the heap walker's records, cut from the board's reply bytes (pure).
 *
 * The walker (mw-heap-walker.c) answers each batch of requests with records: a tag letter,
 * fields separated by one space, a newline. A field is either an atom (bytes other than
 * space, newline and colon) or a blob, `[letter]<decimal length>:<bytes>`, which may hold any
 * byte (keys, string values, bytecode). The grammar is in docs/heap-explorer.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MW_HEAP_ERROR (mw_heap_error_quark ())
GQuark mw_heap_error_quark (void);

typedef enum
{
  MW_HEAP_ERROR_RECORD = 1, /* the walker's reply is not well formed */
  MW_HEAP_ERROR_WALK, /* the walk could not go on (board error, vanished root) */
  MW_HEAP_ERROR_FILE, /* a snapshot file could not be read or written */
  MW_HEAP_ERROR_FORMAT, /* a snapshot file is not one of ours */
} MwHeapError;

typedef struct
{
  char prefix; /* 0: an atom; ':' a blob without letter; else the blob's letter */
  char *data; /* NUL-terminated copy (blobs may hold NULs: use len) */
  gsize len;
} MwHeapField;

typedef struct
{
  char tag;
  guint n_fields;
  MwHeapField *fields;
} MwHeapRecord;

void mw_heap_record_free (MwHeapRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwHeapRecord, mw_heap_record_free)

/* Cuts `data` into records: a GPtrArray of MwHeapRecord, or NULL and an error naming the
 * offset of the first malformed byte (a truncated blob or record included). */
GPtrArray *mw_heap_parse_records (const guint8 *data, gsize len, GError **error);

/* A field as a number (atoms only); FALSE if it is not one. */
gboolean mw_heap_field_get_int (const MwHeapField *field, gint64 *value);

G_END_DECLS
