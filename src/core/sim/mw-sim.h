/* mw-sim.h: MwSim, a simulated NodeMCU board (ESP8266, firmware 3.0 or 2.2, Lua 5.1) behind
 * a pseudo-terminal.
 *
 * mw_sim_start() opens a pty pair and runs the board on its own thread and GMainContext;
 * a host (a test, moonwire-cli, nodemcu-tool) opens mw_sim_get_path() as if it were a USB
 * serial port. The wire behaviour follows docs/firmware.md sections 1-3. Start and stop may be
 * called from any thread; one MwSim runs once.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MW_SIM_ERROR (mw_sim_error_quark ())
GQuark mw_sim_error_quark (void);

typedef enum
{
  MW_SIM_ERROR_PTY = 1, /* the pty pair could not be opened */
  MW_SIM_ERROR_FLASH, /* the flash folder could not be used */
  MW_SIM_ERROR_OPTIONS, /* an option is out of range */
  MW_SIM_ERROR_LINK, /* --link could not be created */
  MW_SIM_ERROR_STATE, /* started twice */
} MwSimError;

typedef enum
{
  MW_SIM_FIRMWARE_3_0, /* multi-line banner, "Lua error: \t" prefix */
  MW_SIM_FIRMWARE_2_2, /* one-line banner, unprefixed errors */
} MwSimFirmware;

typedef struct
{
  MwSimFirmware firmware;
  gboolean baud_limit; /* pace both directions at the current baud (default TRUE) */
  guint baud; /* initial baud (115200) */
  gsize heap; /* free heap at the prompt, board bytes (44 KB) */
  const char *fs_dir; /* flash folder; NULL: a fresh temporary one, removed at stop */
  gsize fs_size; /* flash quota in bytes (3 MB) */
  gsize lfs_size; /* the LFS region: a multiple of 4 KB up to 256 KB, 0 for none (64 KB) */
  const char *modules; /* comma list; NULL: the default set */
  gboolean integer_build; /* number_type "integer" in the banner and heap costs */
  gboolean full_debug; /* the debug library of a build without LUA_USE_BUILTIN_DEBUG_MINIMAL */
  guint wdt_ms; /* watchdog: simulated CPU time a task may run unfed (3200 ms) */
  guint vm_ips; /* VM instructions per simulated second at 80 MHz (1000000) */
  guint64 seed; /* fault injection randomness */
  double drop_rate; /* probability that a received byte is lost */
  double corrupt_rate; /* probability that a received byte has a bit flipped */
  guint64 silent_after; /* after N received bytes the board sends nothing (0: never) */
  guint64 reset_after; /* after N received bytes the board resets once (0: never) */
  guint64 flash_full_after; /* after N bytes written the flash is full (0: never) */
  const char *link; /* also make this symlink to the slave path */
  gboolean hold_output; /* the board's output waits for mw_sim_release_output () */
  gboolean verbose; /* log GPIO changes, resets and faults with g_message */
} MwSimOptions;

/* The LFS region of a common cloud build (docs/lfs.md). */
#define MW_SIM_DEFAULT_LFS_SIZE 0x10000
/* The biggest image luac.cross lays out (LUA_MAX_FLASH_SIZE words). */
#define MW_SIM_MAX_LFS_SIZE 0x40000

/* The default set of firmware modules (without encoder and crypto, as the firmware). */
#define MW_SIM_DEFAULT_MODULES "bit,file,gpio,node,sjson,tmr,uart,wifi"
/* Every module the simulator implements. */
#define MW_SIM_ALL_MODULES "bit,crypto,encoder,file,gpio,node,sjson,tmr,uart,wifi"

#define MW_TYPE_SIM (mw_sim_get_type ())
G_DECLARE_FINAL_TYPE (MwSim, mw_sim, MW, SIM, GObject)

void mw_sim_options_init (MwSimOptions *options);
/* Checks a comma list of module names; NULL means the default set. */
gboolean mw_sim_modules_valid (const char *modules, GError **error);

/* `options` NULL: the defaults. The options (strings included) are copied. */
MwSim *mw_sim_new (const MwSimOptions *options);
gboolean mw_sim_start (MwSim *self, GError **error);
/* With `hold_output`: lets the board's output go out, from its first byte. A host that opens
 * the port after mw_sim_start () and flushes it as it opens (as a serial port's stale bytes
 * are flushed) would otherwise lose the start of the boot text. */
void mw_sim_release_output (MwSim *self);
/* The pty slave path (valid after mw_sim_start). */
const char *mw_sim_get_path (MwSim *self);
/* The host folder that holds the flash (valid after mw_sim_start). */
const char *mw_sim_get_fs_dir (MwSim *self);
/* Stops the board and waits for its thread; idempotent. Finalizing stops too. */
void mw_sim_stop (MwSim *self);

G_END_DECLS
