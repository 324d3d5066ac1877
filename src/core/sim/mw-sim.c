/* mw-sim.c: MwSim, the simulated board: the pty pair, the board's thread and main context,
 * line-rate pacing in both directions, the receive ring and fault injection. The Lua side
 * lives in mw-sim-vm.c and the firmware modules. */
#define _XOPEN_SOURCE 600
#define _DEFAULT_SOURCE
#include "mw-sim.h"
#include "mw-sim-private.h"
#include "mw-sim-uart.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

G_DEFINE_QUARK (mw - sim - error - quark, mw_sim_error)

/* A host that never reads must not make the board hoard output: beyond this, the oldest
 * queued bytes are lost, as on a wire with nobody listening. */
#define TX_QUEUE_MAX (256 * 1024)
#define RX_CHUNK 4096
#define MW_SIM_UART_FIFO 128 /* the ESP8266 UART's transmit FIFO */

struct _MwSim
{
  GObject parent_instance;

  MwSimOptions opts;
  char *fs_dir;
  char *modules;
  char *link;

  int master;
  int slave; /* kept open so the master never sees a hang-up */
  char *path;
  MwSimFlash *flash;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  gboolean started;
  gboolean stopped;
  gint stopping; /* atomic: the board thread should stop what it is waiting for */

  /* board thread only */
  MwSimVm *vm;
  GString *tx;
  MwSimRing ring;
  MwSimUart rx_uart;
  MwSimUart tx_uart;
  gboolean rx_idle;
  gboolean tx_idle;
  gboolean tx_fifo_due; /* a task ended: what it wrote last is in the FIFO already */
  GSource *rx_watch;
  GSource *rx_timer;
  GSource *tx_watch;
  GSource *tx_timer;
  GSource *process;
  GRand *rand;
  guint64 rx_total;
  guint64 tx_gone; /* bytes that left the transmit queue (sent, or lost to its limit) */
  guint64 deaf_until; /* input is lost until tx_gone reaches this: a reset's text going out */
  gboolean silent;
  gboolean holding; /* hold_output, until mw_sim_release_output () */
  gboolean reset_done;
  gboolean trace; /* MOONWIRE_SIM_TRACE=1: every byte on stderr */
};

G_DEFINE_FINAL_TYPE (MwSim, mw_sim, G_TYPE_OBJECT)

static void rx_schedule (MwSim *self);
static void rx_pump (MwSim *self, gsize max);
static void tx_schedule (MwSim *self);
static void clear_source (GSource **source);
static void process_schedule (MwSim *self);
static void trace_bytes (const char *dir, const guint8 *buf, gsize n);

void
mw_sim_options_init (MwSimOptions *options)
{
  g_return_if_fail (options != NULL);
  *options = (MwSimOptions){
    .firmware = MW_SIM_FIRMWARE_3_0,
    .baud_limit = TRUE,
    .baud = 115200,
    .heap = 44 * 1024,
    .fs_size = 3 * 1024 * 1024,
    .lfs_size = MW_SIM_DEFAULT_LFS_SIZE,
    .wdt_ms = 3200,
    .vm_ips = 1000000,
    .seed = 1,
  };
}

gboolean
mw_sim_modules_valid (const char *modules, GError **error)
{
  g_auto (GStrv) all = g_strsplit (MW_SIM_ALL_MODULES, ",", -1);
  g_auto (GStrv) names = NULL;

  if (modules == NULL)
    return TRUE;
  names = g_strsplit (modules, ",", -1);
  if (names[0] == NULL)
    {
      g_set_error (error, MW_SIM_ERROR, MW_SIM_ERROR_OPTIONS, "the list is empty (known: %s)",
                   MW_SIM_ALL_MODULES);
      return FALSE;
    }
  for (guint i = 0; names[i]; i++)
    {
      g_strstrip (names[i]);
      if (!g_strv_contains ((const char *const *) all, names[i]))
        {
          g_set_error (error, MW_SIM_ERROR, MW_SIM_ERROR_OPTIONS, "unknown module '%s' (known: %s)",
                       names[i], MW_SIM_ALL_MODULES);
          return FALSE;
        }
    }
  return TRUE;
}

static void
mw_sim_finalize (GObject *object)
{
  MwSim *self = MW_SIM (object);

  mw_sim_stop (self);
  g_free (self->fs_dir);
  g_free (self->modules);
  g_free (self->link);
  g_free (self->path);
  G_OBJECT_CLASS (mw_sim_parent_class)->finalize (object);
}

static void
mw_sim_class_init (MwSimClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mw_sim_finalize;
}

static void
mw_sim_init (MwSim *self)
{
  self->master = -1;
  self->slave = -1;
  mw_sim_options_init (&self->opts);
}

MwSim *
mw_sim_new (const MwSimOptions *options)
{
  MwSim *self = g_object_new (MW_TYPE_SIM, NULL);

  if (options)
    {
      self->opts = *options;
      self->fs_dir = g_strdup (options->fs_dir);
      self->modules = g_strdup (options->modules);
      self->link = g_strdup (options->link);
    }
  self->opts.fs_dir = self->fs_dir;
  self->opts.modules = self->modules;
  self->opts.link = self->link;
  return self;
}

const char *
mw_sim_get_path (MwSim *self)
{
  g_return_val_if_fail (MW_IS_SIM (self), NULL);
  return self->path;
}

const char *
mw_sim_get_fs_dir (MwSim *self)
{
  g_return_val_if_fail (MW_IS_SIM (self), NULL);
  return self->flash ? mw_sim_flash_get_dir (self->flash) : NULL;
}

static speed_t
speed_for_baud (guint baud)
{
  static const struct
  {
    guint baud;
    speed_t speed;
  } rates[] = {
    { 300, B300 },       { 1200, B1200 },     { 2400, B2400 },     { 4800, B4800 },
    { 9600, B9600 },     { 19200, B19200 },   { 38400, B38400 },   { 57600, B57600 },
    { 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 }, { 921600, B921600 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    if (rates[i].baud == baud)
      return rates[i].speed;
  return B0;
}

/* A host whose line speed differs from the board's reads and sends garbage, as on a wire.
 * The pty carries the host's termios: compare its speed with the board's. */
static gboolean
speed_mismatch (MwSim *self, guint baud)
{
  struct termios tio;

  if (tcgetattr (self->master, &tio) != 0)
    return FALSE;
  return cfgetospeed (&tio) != speed_for_baud (baud);
}

static guint8
garble (guint8 b)
{
  /* a byte sampled at the wrong rate: a fixed, lossy scramble keeps tests reproducible */
  return (guint8) ((b * 37u + 0x95u) | 0x80u);
}

static void
reboot (MwSim *self, const char *why)
{
  if (self->opts.verbose)
    g_message ("moonwire-sim: reset (%s)", why);
  mw_sim_ring_init (&self->ring);
  mw_sim_vm_reboot (self->vm);
  mw_sim_repl_init (&self->vm->repl);
  /* What the host sent before it could see the reset, and sends while the text before the
   * firmware sets its input up goes out (the boot loader's line at 74880 baud, the LFS line), is
   * lost, as on a board (docs/firmware.md section 1): read after the boot, the rest of a command
   * cut short ran on its own (its output amid the console's prompts). From the banner on, the
   * board reads its input again and runs it after init.lua, as the firmware does. */
  tcflush (self->master, TCIFLUSH);
  self->deaf_until = self->silent ? 0 : self->tx_gone + self->vm->input_from;
}

/* After every task: a due reset, the new baud, output. */
static void
after_task (gpointer data)
{
  MwSim *self = data;

  if (mw_sim_vm_reboot_due (self->vm))
    reboot (self, self->vm->wdt_tripped ? "watchdog"
                  : self->vm->crashed   ? "exception"
                  : self->vm->panicked  ? "Lua panic"
                                        : "node.restart");
  if (self->vm->baud_changed)
    {
      /* The byte right behind the line (a terminal's LF after its CR) was on the wire while
       * the firmware compiled the line, which takes longer than one byte's time: it reached
       * the UART at the old speed, however fast the host let this thread see it. */
      if (self->opts.baud_limit)
        {
          mw_sim_uart_grant (&self->rx_uart, 1);
          rx_pump (self, 1);
        }
      /* input at the new speed at once; output once the bytes queued before have gone */
      self->vm->baud_changed = FALSE;
      mw_sim_uart_set_baud (&self->rx_uart, self->vm->baud);
      if (self->vm->tx_switch_pos == 0)
        mw_sim_uart_set_baud (&self->tx_uart, self->vm->baud);
      else
        mw_sim_uart_set_baud (&self->tx_uart, self->vm->tx_old_baud);
    }
  /* The task's last output is in the UART's FIFO: it goes out while the next task runs,
   * whatever the CPU does (an upload's acknowledgement before its whole-file check, which
   * held it back for 400 ms and made the host abort). */
  if (self->opts.baud_limit && !self->tx_watch)
    {
      clear_source (&self->tx_timer);
      self->tx_fifo_due = TRUE;
    }
  tx_schedule (self);
  if (self->vm->inject->len || self->ring.count)
    process_schedule (self);
}

static void
clear_source (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_source_unref (*source);
      *source = NULL;
    }
}

/* ---- transmit ---- */

static gboolean
tx_ready_cb (gpointer data)
{
  MwSim *self = data;

  clear_source (&self->tx_watch);
  clear_source (&self->tx_timer);
  tx_schedule (self);
  return G_SOURCE_REMOVE;
}

static gboolean
tx_fd_cb (int fd, GIOCondition cond, gpointer data)
{
  return tx_ready_cb (data);
}

static void
tx_schedule (MwSim *self)
{
  GString *tx = self->tx;
  gsize want, n;
  gssize written;
  gboolean fifo;

  if (self->tx_watch || self->tx_timer || self->holding)
    return;
  fifo = self->tx_fifo_due;
  self->tx_fifo_due = FALSE;
  if (self->silent)
    {
      self->tx_gone += tx->len;
      g_string_truncate (tx, 0);
    }
  if (tx->len > TX_QUEUE_MAX)
    {
      self->tx_gone += tx->len - TX_QUEUE_MAX;
      g_string_erase (tx, 0, tx->len - TX_QUEUE_MAX);
    }
  if (self->vm->tx_switch_pos > tx->len)
    {
      self->vm->tx_switch_pos = 0;
      mw_sim_uart_set_baud (&self->tx_uart, self->vm->baud);
    }
  if (tx->len == 0)
    {
      self->tx_idle = TRUE;
      return;
    }
  want = MIN (tx->len, RX_CHUNK);
  if (self->vm->tx_switch_pos)
    want = MIN (want, self->vm->tx_switch_pos);
  n = mw_sim_uart_budget (&self->tx_uart, g_get_monotonic_time (), want, self->tx_idle);
  if (fifo)
    n = MAX (n, MIN (want, MW_SIM_UART_FIFO));
  self->tx_idle = FALSE;
  if (n > 0)
    {
      if (speed_mismatch (self, self->vm->tx_switch_pos ? self->vm->tx_old_baud : self->vm->baud))
        for (gsize i = 0; i < n; i++)
          tx->str[i] = (char) garble ((guint8) tx->str[i]);
      written = write (self->master, tx->str, n);
      if (written < 0 && errno != EAGAIN && errno != EINTR)
        {
          /* no host on the other end: the bytes are lost on the wire */
          written = n;
        }
      if (written > 0 && self->trace)
        trace_bytes ("tx", (const guint8 *) tx->str, written);
      if (written > 0)
        {
          mw_sim_uart_spend (&self->tx_uart, written);
          g_string_erase (tx, 0, written);
          self->tx_gone += written;
          if (self->vm->tx_switch_pos)
            {
              self->vm->tx_switch_pos -= MIN ((gsize) written, self->vm->tx_switch_pos);
              if (self->vm->tx_switch_pos == 0)
                mw_sim_uart_set_baud (&self->tx_uart, self->vm->baud);
            }
        }
      else
        {
          self->tx_watch = g_unix_fd_source_new (self->master, G_IO_OUT);
          g_source_set_callback (self->tx_watch, (GSourceFunc) (void (*) (void)) tx_fd_cb, self,
                                 NULL);
          g_source_attach (self->tx_watch, self->context);
          return;
        }
    }
  if (tx->len == 0)
    {
      self->tx_idle = TRUE;
      return;
    }
  self->tx_timer =
    g_timeout_source_new (MAX (1, mw_sim_uart_wait_us (&self->tx_uart, MIN (tx->len, 16)) / 1000));
  g_source_set_callback (self->tx_timer, tx_ready_cb, self, NULL);
  g_source_attach (self->tx_timer, self->context);
}

/* ---- receive ---- */

static void
trace_bytes (const char *dir, const guint8 *buf, gsize n)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    {
      if (buf[i] >= 0x20 && buf[i] < 0x7f && buf[i] != '\\')
        g_string_append_c (s, (char) buf[i]);
      else
        g_string_append_printf (s, "\\x%02x", buf[i]);
    }
  g_printerr ("moonwire-sim %s %" G_GINT64_FORMAT " %s\n", dir, g_get_monotonic_time () / 1000,
              s->str);
  g_string_free (s, TRUE);
}

static void
receive_bytes (MwSim *self, guint8 *buf, gsize n)
{
  /* Bytes that came while the task that changed the speed ran were latched at the old one. */
  gboolean mismatch =
    speed_mismatch (self, self->vm->baud_changed ? self->vm->tx_old_baud : self->vm->baud);
  gsize kept = 0;

  if (self->trace)
    trace_bytes ("rx", buf, n);
  for (gsize i = 0; i < n; i++)
    {
      guint8 b = buf[i];

      self->rx_total++;
      if (self->opts.silent_after && self->rx_total >= self->opts.silent_after && !self->silent)
        {
          if (self->opts.verbose)
            g_message ("moonwire-sim: fault: silent after %" G_GUINT64_FORMAT " bytes",
                       self->rx_total);
          self->silent = TRUE;
        }
      if (self->tx_gone < self->deaf_until)
        continue; /* a board restarting (reboot ()) */
      if (self->opts.drop_rate > 0 && g_rand_double (self->rand) < self->opts.drop_rate)
        continue;
      if (self->opts.corrupt_rate > 0 && g_rand_double (self->rand) < self->opts.corrupt_rate)
        b ^= (guint8) (1u << g_rand_int_range (self->rand, 0, 8));
      if (mismatch)
        b = garble (b);
      buf[kept++] = b;
    }
  if (!self->silent)
    mw_sim_ring_push (&self->ring, buf, kept);
  if (self->opts.reset_after && !self->reset_done && self->rx_total >= self->opts.reset_after)
    {
      self->reset_done = TRUE;
      reboot (self, "fault: reset after N bytes");
      tx_schedule (self);
    }
}

/* Moves what the line allows from the pty into the ring, at most `max` bytes. Between tasks
 * the firmware's input task takes bytes as they come, so only what fits in the ring is read:
 * the rest waits in the pty, to be read once the ring has been processed. (Read in one go,
 * the bytes a loaded host let pile up while this thread was not scheduled overflowed the
 * ring, a loss no board has: a --fast upload then lost a block in every window.) After a
 * task, `max` is what the line carried while the task ran: those bytes pile up in the ring,
 * which loses its oldest bytes, as on a board. Without pacing the pty is read only as far as
 * the ring has room, so nothing is lost. */
static void
rx_pump (MwSim *self, gsize max)
{
  guint8 buf[RX_CHUNK];
  gsize want, n;
  gssize got;

  want = MIN (RX_CHUNK, self->opts.baud_limit ? max : mw_sim_ring_free (&self->ring));
  if (want == 0)
    return;
  n = mw_sim_uart_budget (&self->rx_uart, g_get_monotonic_time (), want, self->rx_idle);
  self->rx_idle = FALSE;
  if (n == 0)
    return;
  got = read (self->master, buf, n);
  if (got <= 0)
    {
      self->rx_idle = TRUE;
      return;
    }
  mw_sim_uart_spend (&self->rx_uart, got);
  if ((gsize) got < n)
    self->rx_idle = TRUE;
  receive_bytes (self, buf, got);
  process_schedule (self);
}

static gboolean
rx_ready_cb (gpointer data)
{
  MwSim *self = data;

  clear_source (&self->rx_watch);
  clear_source (&self->rx_timer);
  rx_pump (self, mw_sim_ring_free (&self->ring));
  rx_schedule (self);
  return G_SOURCE_REMOVE;
}

static gboolean
rx_fd_cb (int fd, GIOCondition cond, gpointer data)
{
  return rx_ready_cb (data);
}

static void
rx_schedule (MwSim *self)
{
  if (self->rx_watch || self->rx_timer)
    return;
  if (mw_sim_ring_free (&self->ring) == 0)
    return; /* the ring drains in process_cb, which reschedules */
  if (self->rx_idle || !self->opts.baud_limit)
    {
      self->rx_watch = g_unix_fd_source_new (self->master, G_IO_IN);
      g_source_set_callback (self->rx_watch, (GSourceFunc) (void (*) (void)) rx_fd_cb, self, NULL);
      g_source_attach (self->rx_watch, self->context);
      return;
    }
  /* more may be waiting: come back when a handful of bytes have had time to arrive */
  self->rx_timer = g_timeout_source_new (MAX (1, mw_sim_uart_wait_us (&self->rx_uart, 16) / 1000));
  g_source_set_callback (self->rx_timer, rx_ready_cb, self, NULL);
  g_source_attach (self->rx_timer, self->context);
}

/* ---- the firmware's input task ---- */

static gboolean
process_cb (gpointer data)
{
  MwSim *self = data;
  MwSimVm *vm = self->vm;
  gboolean task = FALSE;
  gboolean from_uart;
  guint8 b;

  clear_source (&self->process);
  while (!task)
    {
      from_uart = vm->inject->len == 0;
      if (!from_uart)
        {
          b = (guint8) vm->inject->str[0];
          g_string_erase (vm->inject, 0, 1);
        }
      else if (!mw_sim_ring_pop (&self->ring, &b))
        break;
      task = mw_sim_vm_feed (vm, b, from_uart);
      /* raw mode left from its own callback with bytes still queued: the firmware's input
       * loop calls the callback it just cleared (app/driver/input.c) */
      if (task && vm->uart_left_raw && self->ring.count > 0)
        mw_sim_vm_crash (vm);
      vm->uart_left_raw = FALSE;
    }
  if (task)
    {
      /* what arrived on the wire while the task ran */
      if (self->opts.baud_limit && !self->rx_idle)
        rx_pump (self, MAX (mw_sim_ring_free (&self->ring),
                            mw_sim_uart_bytes_in (&self->rx_uart, vm->last_task_us)));
      after_task (self);
    }
  else
    tx_schedule (self);
  rx_schedule (self);
  return G_SOURCE_REMOVE;
}

static void
process_schedule (MwSim *self)
{
  if (self->process)
    return;
  self->process = g_idle_source_new ();
  g_source_set_priority (self->process, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->process, process_cb, self, NULL);
  g_source_attach (self->process, self->context);
}

/* ---- lifecycle ---- */

static gpointer
board_thread (gpointer data)
{
  MwSim *self = data;

  g_main_context_push_thread_default (self->context);
  self->trace = g_strcmp0 (g_getenv ("MOONWIRE_SIM_TRACE"), "1") == 0;
  self->tx = g_string_new (NULL);
  self->holding = self->opts.hold_output;
  self->rand = g_rand_new_with_seed ((guint32) (self->opts.seed ^ (self->opts.seed >> 32)));
  mw_sim_ring_init (&self->ring);
  mw_sim_uart_init (&self->rx_uart, self->opts.baud, self->opts.baud_limit);
  mw_sim_uart_init (&self->tx_uart, self->opts.baud, self->opts.baud_limit);
  self->rx_idle = self->tx_idle = TRUE;

  self->vm = mw_sim_vm_new ();
  mw_sim_vm_configure (self->vm, &self->opts);
  self->vm->stopping = &self->stopping;
  self->vm->flash = self->flash;
  self->vm->context = self->context;
  self->vm->tx = self->tx;
  self->vm->task_done = after_task;
  self->vm->task_done_data = self;

  mw_sim_vm_boot (self->vm, NULL);
  after_task (self);
  rx_schedule (self);

  g_main_loop_run (self->loop);

  clear_source (&self->rx_watch);
  clear_source (&self->rx_timer);
  clear_source (&self->tx_watch);
  clear_source (&self->tx_timer);
  clear_source (&self->process);
  /* Tasks the script posted (node.task.post, onerror) still hold the VM: close its Lua
   * state, let them find it closed, and only then free it. */
  if (self->vm != NULL)
    mw_sim_vm_shutdown (self->vm);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_pointer (&self->vm, mw_sim_vm_free);
  g_string_free (self->tx, TRUE);
  self->tx = NULL;
  g_clear_pointer (&self->rand, g_rand_free);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gboolean
open_pty (MwSim *self, GError **error)
{
  struct termios tio;
  const char *name;

  self->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (self->master < 0 || grantpt (self->master) != 0 || unlockpt (self->master) != 0
      || (name = ptsname (self->master)) == NULL)
    {
      int saved = errno;
      g_set_error (error, MW_SIM_ERROR, MW_SIM_ERROR_PTY, "cannot open a pseudo-terminal: %s",
                   g_strerror (saved));
      return FALSE;
    }
  self->path = g_strdup (name);
  self->slave = open (self->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (self->slave < 0 || tcgetattr (self->slave, &tio) != 0)
    {
      int saved = errno;
      g_set_error (error, MW_SIM_ERROR, MW_SIM_ERROR_PTY, "cannot open %s: %s", self->path,
                   g_strerror (saved));
      return FALSE;
    }
  /* a board's line: raw 8N1 at the board's speed, for hosts that do not set their own */
  cfmakeraw (&tio);
  cfsetispeed (&tio, speed_for_baud (self->opts.baud));
  cfsetospeed (&tio, speed_for_baud (self->opts.baud));
  tcsetattr (self->slave, TCSANOW, &tio);
  g_unix_set_fd_nonblocking (self->master, TRUE, NULL);
  return TRUE;
}

/* Whether `path` is a symlink whose target is `target` (or starts with it). */
static gboolean
link_points_to (const char *path, const char *target, gboolean exact)
{
  g_autofree char *to = g_file_read_link (path, NULL);

  if (to == NULL)
    return FALSE;
  return exact ? strcmp (to, target) == 0 : g_str_has_prefix (to, target);
}

gboolean
mw_sim_start (MwSim *self, GError **error)
{
  g_return_val_if_fail (MW_IS_SIM (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->started)
    {
      g_set_error (error, MW_SIM_ERROR, MW_SIM_ERROR_STATE, "the board was already started");
      return FALSE;
    }
  if (self->opts.baud == 0 || self->opts.heap < 1024 || self->opts.fs_size == 0
      || self->opts.lfs_size % 4096 != 0 || self->opts.lfs_size > MW_SIM_MAX_LFS_SIZE
      || self->opts.wdt_ms == 0 || self->opts.vm_ips == 0 || self->opts.drop_rate < 0
      || self->opts.drop_rate > 1 || self->opts.corrupt_rate < 0 || self->opts.corrupt_rate > 1)
    {
      g_set_error (error, MW_SIM_ERROR, MW_SIM_ERROR_OPTIONS, "simulator options out of range");
      return FALSE;
    }
  if (!mw_sim_modules_valid (self->opts.modules, error))
    return FALSE;
  self->flash = mw_sim_flash_new (self->opts.fs_dir, self->opts.fs_size, error);
  if (self->flash == NULL)
    {
      g_prefix_error (error, "flash: ");
      return FALSE;
    }
  mw_sim_flash_set_full_after (self->flash, self->opts.flash_full_after);
  if (!open_pty (self, error))
    return FALSE;
  if (self->link)
    {
      GStatBuf st;

      /* Only a link to a pty (ours, left by an earlier run) is replaced: a user's file or
       * folder at the path is never deleted. */
      if (g_lstat (self->link, &st) == 0)
        {
          if (!link_points_to (self->link, "/dev/pts/", FALSE))
            {
              g_set_error (error, MW_SIM_ERROR, MW_SIM_ERROR_LINK,
                           "cannot link %s: something else is there (only a link to a pty, "
                           "from an earlier run, is replaced)",
                           self->link);
              return FALSE;
            }
          g_unlink (self->link);
        }
      if (symlink (self->path, self->link) != 0)
        {
          int saved = errno;
          g_set_error (error, MW_SIM_ERROR, MW_SIM_ERROR_LINK, "cannot link %s: %s", self->link,
                       g_strerror (saved));
          return FALSE;
        }
    }
  self->started = TRUE;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("moonwire-sim", board_thread, self);
  return TRUE;
}

static gboolean
release_cb (gpointer data)
{
  MwSim *self = data;

  self->holding = FALSE;
  tx_schedule (self);
  return G_SOURCE_REMOVE;
}

void
mw_sim_release_output (MwSim *self)
{
  g_return_if_fail (MW_IS_SIM (self));
  g_return_if_fail (self->thread != NULL);

  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, release_cb, g_object_ref (self),
                              g_object_unref);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
mw_sim_stop (MwSim *self)
{
  g_return_if_fail (MW_IS_SIM (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_atomic_int_set (&self->stopping, 1);
  if (self->thread)
    {
      GSource *quit = g_idle_source_new ();

      g_source_set_priority (quit, G_PRIORITY_HIGH);
      g_source_set_callback (quit, quit_cb, self->loop, NULL);
      g_source_attach (quit, self->context);
      g_source_unref (quit);
      g_thread_join (self->thread);
      self->thread = NULL;
    }
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  /* Only if it is still our link: someone may have put a file there since. */
  if (self->link && self->started && link_points_to (self->link, self->path, TRUE))
    g_unlink (self->link);
  if (self->slave >= 0)
    close (self->slave);
  if (self->master >= 0)
    close (self->master);
  self->slave = self->master = -1;
  g_clear_pointer (&self->flash, mw_sim_flash_free);
}
