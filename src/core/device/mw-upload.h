/* mw-upload.h: verified uploads (docs/upload-protocol.md).
 *
 * Raw blocks through uart.on("data", 255, cb, 0), each acknowledged with an Adler-32 the
 * board computes; bad blocks resent (go-back-N, two blocks in flight); a lost byte is
 * repaired by an abort block and a resume; a board-side timer gives the REPL back if the
 * host vanishes. Escaped string literals in lines of at most 250 bytes when raw mode is
 * missing. Always: a temporary name, every write checked, size and whole-file Adler-32
 * verified on the board, then a rename over the target, so an interrupted upload leaves the
 * old file as it was.
 */
#pragma once

#include "mw-device.h"

G_BEGIN_DECLS

typedef enum
{
  MW_UPLOAD_FLAGS_NONE = 0,
  MW_UPLOAD_FAST = 1 << 0, /* switch to a faster baud for the transfer, with fallback */
  MW_UPLOAD_TEXT = 1 << 1, /* force the escaped-literal protocol */
} MwUploadFlags;

typedef struct
{
  gsize bytes;
  guint blocks;
  guint retries; /* blocks resent after a bad acknowledgement */
  guint recoveries; /* aborts and resumes after lost bytes or silence */
  gboolean fast; /* the faster baud was used */
  gboolean text; /* the escaped-literal fallback was used */
  guint baud; /* the rate of the transfer */
  double seconds; /* the whole operation, verification and rename included */
} MwUploadStats;

/* The temporary name on the board while an upload runs. */
#define MW_UPLOAD_TEMP_NAME "~mwupload.tmp"
/* Raw blocks: 255 bytes, a 2-byte sequence number, a check byte (hi + lo + 0x5a) mod 256,
 * the block's Adler-32 (a and b, big-endian) and 248 payload bytes. The Adler-32 starts from
 * that of the upload's token and covers the sequence number, the check byte and the payload:
 * the board writes only a block that matches it, so a block cut short by a lost byte, a piece
 * of another block or a block of another upload is never written. */
#define MW_UPLOAD_BLOCK 255
#define MW_UPLOAD_HEADER 7
#define MW_UPLOAD_PAYLOAD (MW_UPLOAD_BLOCK - MW_UPLOAD_HEADER)
#define MW_UPLOAD_CHECK(hi, lo) (((hi) + (lo) + 0x5a) & 0xff)

/* Called on the context with the bytes confirmed so far. */
typedef void (*MwUploadProgress) (gsize done, gsize total, gpointer user_data);

/* `fast_baud` 0 means 921600. */
void mw_device_upload_async (MwDevice *self, const char *name, GBytes *data, MwUploadFlags flags,
                             guint fast_baud, MwUploadProgress progress, gpointer progress_data,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean mw_device_upload_finish (MwDevice *self, GAsyncResult *result, MwUploadStats *stats,
                                  GError **error);

/* The ack body "s,a,b,e" / "s,N<k>" parsed (pure, for tests): returns FALSE if garbled. */
typedef struct
{
  guint seq;
  gboolean nack; /* out of window; `expected` is the board's next block */
  guint expected;
  guint32 a, b; /* Adler-32 halves of the received block */
  guint64 end; /* where the block ended in the bytes the board received since its start */
} MwUploadAck;

gboolean mw_upload_parse_ack (const char *body, MwUploadAck *ack);

G_END_DECLS
