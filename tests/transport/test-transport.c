/* test-transport.c: MwFdTransport over a real pty and TCP; USB bridge identification. */
#include "mw-config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mw-fd-transport.h"
#include "mw-serial-transport.h"
#include "mw-test-pty.h"
#include "mw-test-support.h"

typedef struct
{
  GByteArray *received;
  gboolean closed;
  GError *close_error;
  gboolean written;
} Sink;

static void
on_bytes (MwTransport *transport, GBytes *bytes, gpointer user_data)
{
  Sink *sink = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_byte_array_append (sink->received, data, len);
}

static void
on_closed (MwTransport *transport, const GError *error, gpointer user_data)
{
  Sink *sink = user_data;

  g_assert_false (sink->closed); /* "closed" is emitted once */
  sink->closed = TRUE;
  sink->close_error = error ? g_error_copy (error) : NULL;
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sink *sink = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (mw_transport_write_finish (MW_TRANSPORT (source), result, &error));
  g_assert_no_error (error);
  sink->written = TRUE;
}

/* Async results return on the thread-default context, as with every GIO API. */
static GMainContext *
push_context (void)
{
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  return context;
}

static void
pop_context (GMainContext *context)
{
  g_main_context_pop_thread_default (context);
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
sink_clear (Sink *sink)
{
  g_byte_array_unref (sink->received);
  g_clear_error (&sink->close_error);
}

static gboolean
wait_received (GMainContext *context, Sink *sink, gsize len)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (sink->received->len < len && g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, FALSE), g_usleep (500);
  return sink->received->len >= len;
}

/* Every byte value passes both ways unchanged: the pty is raw 8N1 (docs/firmware.md section 1). */
static void
test_pty_binary (void)
{
  g_autoptr (MwTestPty) pty = mw_test_pty_new ();
  g_autoptr (GMainContext) context = push_context ();
  g_autoptr (MwTransport) transport = mw_transport_new_for_port (mw_test_pty_get_path (pty));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = NULL;
  Sink sink = { g_byte_array_new () };
  guint8 all[512];

  g_assert_true (MW_IS_FD_TRANSPORT (transport));
  for (guint i = 0; i < sizeof all; i++)
    all[i] = i & 0xff;
  g_signal_connect (transport, "bytes-received", G_CALLBACK (on_bytes), &sink);
  g_signal_connect (transport, "closed", G_CALLBACK (on_closed), &sink);
  g_assert_true (mw_transport_open (transport, context, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mw_transport_get_baud (transport), ==, 115200);

  {
    g_autoptr (GBytes) bytes = g_bytes_new (all, sizeof all);

    mw_transport_write_async (transport, bytes, NULL, on_written, &sink);
  }
  g_assert_true (mw_test_wait_flag (context, &sink.written, 2000));
  got = mw_test_pty_read (pty, sizeof all, 2000);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), all, sizeof all);

  mw_test_pty_write (pty, all, sizeof all);
  g_assert_true (wait_received (context, &sink, sizeof all));
  g_assert_cmpmem (sink.received->data, sink.received->len, all, sizeof all);

  /* A baud change on a pty is accepted (the simulator reads it); a odd rate is refused. */
  g_assert_true (mw_transport_configure (transport, 921600, &error));
  g_assert_cmpuint (mw_transport_get_baud (transport), ==, 921600);
  g_assert_false (mw_transport_configure (transport, 12345, &error));
  g_assert_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CONFIGURE);
  g_clear_error (&error);
  /* A pty has no modem lines. */
  g_assert_false (mw_transport_set_lines (transport, FALSE, TRUE, &error));
  g_assert_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  mw_transport_close (transport);
  g_assert_true (sink.closed);
  g_assert_null (sink.close_error);
  g_assert_false (mw_transport_is_open (transport));
  sink_clear (&sink);
  pop_context (context);
}

/* The other side going away is a "closed" signal with a clear error, once. */
static void
test_pty_hangup (void)
{
  g_autoptr (MwTestPty) pty = mw_test_pty_new ();
  g_autoptr (GMainContext) context = push_context ();
  g_autoptr (MwTransport) transport = mw_transport_new_for_port (mw_test_pty_get_path (pty));
  g_autoptr (GError) error = NULL;
  Sink sink = { g_byte_array_new () };

  g_signal_connect (transport, "closed", G_CALLBACK (on_closed), &sink);
  g_assert_true (mw_transport_open (transport, context, &error));
  mw_test_pty_close_master (pty);
  g_assert_true (mw_test_wait_flag (context, &sink.closed, 2000));
  g_assert_error (sink.close_error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CLOSED);
  g_assert_nonnull (strstr (sink.close_error->message, "closed"));
  g_assert_false (mw_transport_is_open (transport));
  /* Writing afterwards fails at once instead of hanging. */
  {
    g_autoptr (GBytes) bytes = g_bytes_new_static ("x", 1);
    g_autoptr (GAsyncResult) result = NULL;

    mw_transport_write_async (transport, bytes, NULL, store_result, &result);
    while (result == NULL)
      g_main_context_iteration (context, TRUE);
    g_assert_false (mw_transport_write_finish (transport, result, &error));
    g_assert_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CLOSED);
  }
  sink_clear (&sink);
  pop_context (context);
}

/* TIOCEXCL is a flag of the tty, not of our descriptor: while the simulator keeps its slave
 * open it would outlive our close, and every later open by a user other than root would fail
 * with EBUSY ("port is busy"). Checked through a descriptor of our own, which root and other
 * users alike may query. */
static void
test_pty_exclusive_cleared (void)
{
  g_autoptr (MwTestPty) pty = mw_test_pty_new ();
  g_autoptr (GMainContext) context = push_context ();
  int watcher = open (mw_test_pty_get_path (pty), O_RDWR | O_NOCTTY | O_CLOEXEC);
  int excl = -1;

  g_assert_cmpint (watcher, >=, 0);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (MwTransport) transport = mw_transport_new_for_port (mw_test_pty_get_path (pty));
      g_autoptr (GError) error = NULL;

      g_assert_true (mw_transport_open (transport, context, &error));
      g_assert_no_error (error);
      g_assert_cmpint (ioctl (watcher, TIOCGEXCL, &excl), ==, 0);
      g_assert_cmpint (excl, ==, 1);
      mw_transport_close (transport);
      g_assert_cmpint (ioctl (watcher, TIOCGEXCL, &excl), ==, 0);
      g_assert_cmpint (excl, ==, 0);
    }
  close (watcher);
  pop_context (context);
}

static const struct
{
  const char *port;
  int code;
} open_errors[] = {
  { "/dev/pts/999999", MW_TRANSPORT_ERROR_NOT_FOUND },
  { "tcp://127.0.0.1:1", MW_TRANSPORT_ERROR_NOT_FOUND },
};

static void
test_open_errors (void)
{
  g_autoptr (GMainContext) context = push_context ();

  for (gsize i = 0; i < G_N_ELEMENTS (open_errors); i++)
    {
      g_autoptr (MwTransport) transport = MW_TRANSPORT (mw_fd_transport_new (open_errors[i].port));
      g_autoptr (GError) error = NULL;

      g_assert_false (mw_transport_open (transport, context, &error));
      g_assert_error (error, MW_TRANSPORT_ERROR, open_errors[i].code);
      g_assert_nonnull (strstr (error->message, open_errors[i].port));
    }
  {
    /* A serial name that does not exist: libserialport's error, as ours. */
    g_autoptr (MwTransport) transport = mw_transport_new_for_port ("/dev/ttyUSB-none");
    g_autoptr (GError) error = NULL;

    g_assert_true (MW_IS_SERIAL_TRANSPORT (transport));
    g_assert_false (mw_transport_open (transport, context, &error));
    g_assert_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "no such port"));
  }
  {
    /* A regular file is not "no such port": say what it is. */
    g_autofree char *path = mw_test_write_tmp ("regular.txt", "x", -1);
    g_autoptr (MwTransport) transport = mw_transport_new_for_port (path);
    g_autoptr (GError) error = NULL;
    g_autofree char *expected =
      g_strdup_printf ("%s: not a serial port (it is a regular file)", path);

    g_assert_false (mw_transport_open (transport, context, &error));
    g_assert_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_NOT_FOUND);
    g_assert_cmpstr (error->message, ==, expected);
  }
  pop_context (context);
}

static void
test_tcp (void)
{
  g_autoptr (GMainContext) context = push_context ();
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MwTransport) transport = NULL;
  g_autoptr (GSocketConnection) peer = NULL;
  g_autofree char *url = NULL;
  Sink sink = { g_byte_array_new () };
  guint16 port;
  gssize n;
  char buf[16];

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  transport = mw_transport_new_for_port (url);
  g_signal_connect (transport, "bytes-received", G_CALLBACK (on_bytes), &sink);
  g_signal_connect (transport, "closed", G_CALLBACK (on_closed), &sink);
  g_assert_true (mw_transport_open (transport, context, &error));
  g_assert_no_error (error);
  peer = g_socket_listener_accept (listener, NULL, NULL, &error);
  g_assert_no_error (error);
  mw_transport_write (transport, "ping", 4);
  while (g_main_context_iteration (context, FALSE))
    ;
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (peer)), buf, 4, NULL, &error);
  g_assert_cmpint (n, ==, 4);
  g_assert_cmpmem (buf, 4, "ping", 4);
  g_output_stream_write (g_io_stream_get_output_stream (G_IO_STREAM (peer)), "pong", 4, NULL,
                         &error);
  g_assert_true (wait_received (context, &sink, 4));
  g_assert_cmpmem (sink.received->data, sink.received->len, "pong", 4);
  g_io_stream_close (G_IO_STREAM (peer), NULL, NULL);
  g_assert_true (mw_test_wait_flag (context, &sink.closed, 2000));
  g_assert_error (sink.close_error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CLOSED);
  sink_clear (&sink);
  pop_context (context);
}

static const struct
{
  guint16 vid, pid;
  MwUsbBridge bridge;
} bridges[] = {
  { 0x10c4, 0xea60, MW_USB_BRIDGE_CP210X }, { 0x1a86, 0x7523, MW_USB_BRIDGE_CH34X },
  { 0x0403, 0x6001, MW_USB_BRIDGE_FTDI },   { 0x0403, 0x6015, MW_USB_BRIDGE_NONE },
  { 0x2341, 0x0043, MW_USB_BRIDGE_NONE },
};

/* The usual NodeMCU bridges (docs/firmware.md section 1). */
static void
test_bridges (void)
{
  g_autoptr (GPtrArray) ports = NULL;
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bridges); i++)
    g_assert_cmpint (mw_usb_bridge_from_ids (bridges[i].vid, bridges[i].pid), ==,
                     bridges[i].bridge);
  g_assert_cmpstr (mw_usb_bridge_to_string (MW_USB_BRIDGE_CH34X), ==, "CH34x");
  ports = mw_serial_list_ports (&error);
  g_assert_no_error (error);
  g_assert_nonnull (ports);
  for (guint i = 0; i < ports->len; i++)
    g_assert_nonnull (((MwSerialPortInfo *) ports->pdata[i])->name);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/transport/pty-binary", test_pty_binary);
  g_test_add_func ("/mw/transport/pty-hangup", test_pty_hangup);
  g_test_add_func ("/mw/transport/pty-exclusive-cleared", test_pty_exclusive_cleared);
  g_test_add_func ("/mw/transport/open-errors", test_open_errors);
  g_test_add_func ("/mw/transport/tcp", test_tcp);
  g_test_add_func ("/mw/transport/usb-bridges", test_bridges);
  return g_test_run ();
}
