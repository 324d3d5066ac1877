/* mw-test-pty.h: a pty pair for device tests (openpty, cfmakeraw, O_NONBLOCK on the master)
 * with an optional scripted fake device answering on the master side. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MwTestPty MwTestPty;

/* Called on the context given to mw_test_pty_attach() with what the host wrote. */
typedef void (*MwTestPtyHandler) (MwTestPty *pty, const guint8 *data, gsize len,
                                  gpointer user_data);

MwTestPty *mw_test_pty_new (void);
const char *mw_test_pty_get_path (MwTestPty *pty);
/* Device -> host bytes. */
void mw_test_pty_write (MwTestPty *pty, const void *data, gsize len);
void mw_test_pty_write_str (MwTestPty *pty, const char *text);
/* Host -> device bytes, waiting up to `timeout_ms` for at least `min_len` of them (without
 * a handler attached). */
GBytes *mw_test_pty_read (MwTestPty *pty, gsize min_len, guint timeout_ms);
void mw_test_pty_attach (MwTestPty *pty, GMainContext *context, MwTestPtyHandler handler,
                         gpointer user_data);
/* Closes the device side: the host sees a hang-up. */
void mw_test_pty_close_master (MwTestPty *pty);
void mw_test_pty_free (MwTestPty *pty);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwTestPty, mw_test_pty_free)

/* Iterates `context` until *flag is TRUE or `timeout_ms` passes; returns *flag. */
gboolean mw_test_wait_flag (GMainContext *context, const gboolean *flag, guint timeout_ms);

G_END_DECLS
