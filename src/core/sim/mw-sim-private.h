/* mw-sim-private.h: the board state shared by the simulator's files (the VM, the firmware
 * modules and MwSim, which owns the pty). Everything here runs on the board's own thread. */
#pragma once

#include <glib.h>
#include <lua.h>
#include <setjmp.h>
#include <lauxlib.h>

#include "mw-sim.h"
#include "mw-sim-flash.h"
#include "mw-sim-heap.h"
#include "mw-sim-repl.h"

G_BEGIN_DECLS

#define MW_SIM_GPIO_PINS 13

typedef struct _MwSimVm MwSimVm;

struct _MwSimVm
{
  /* set up once by MwSim */
  MwSimFirmware firmware;
  MwLuaNumberType number_type;
  gsize heap_size;
  guint wdt_ms; /* simulated CPU time a task may run without feeding the watchdog */
  guint vm_ips; /* VM instructions per simulated second at 80 MHz (docs/sim.md "The simulated CPU
                   clock") */
  gboolean verbose;
  gboolean realtime; /* with the line rate on: a task takes its simulated time in host time */
  gint *stopping; /* set (atomically) when the board is being stopped */
  char **modules; /* the enabled firmware modules */
  MwSimFlash *flash; /* borrowed */
  gsize lfs_size; /* the LFS region (0: none) */
  GMainContext *context; /* the board's thread */
  GString *tx; /* bytes for the wire (owned by MwSim) */
  void (*task_done) (gpointer data); /* after a timer callback */
  gpointer task_done_data;
  /* the host's clock and sleep behind the simulated clock (g_get_monotonic_time, g_usleep;
   * a test's own script in tests/sim/test-vm.c) */
  gint64 (*host_now) (void);
  void (*host_sleep) (gulong us);

  /* per boot */
  lua_State *L;
  MwSimHeap heap;
  MwSimRepl repl;
  GString *chunk; /* an incomplete chunk, or NULL */
  GString *echo; /* scratch: the echo of one byte */
  char *line; /* the line being run (owned here: a panic may leave its frame) */
  char *source; /* the chunk being run */
  gboolean in_task;
  guint64 task_instr; /* VM instructions the running task has executed */
  gint64 task_delay_us; /* tmr.delay() time in the running task */
  gint64 task_start_sim; /* the simulated clock when the task began */
  gint64 last_task_us; /* how long the last task ran on the simulated CPU */
  gint64 wdt_fed_us; /* task CPU time when the watchdog was last fed */
  gint64 clock_skew; /* how far the simulated clock runs ahead of the host's */
  guint cpu_mhz; /* 80 or 160 (node.setcpufreq) */
  lua_State *hook_L; /* the thread the VM hook last ran on */
  gboolean wdt_tripped;
  gboolean restart_pending;
  gboolean mem_error; /* the error being raised is the allocator's "not enough memory" */
  jmp_buf *panic_jmp; /* where a Lua panic returns to (mw_sim_vm_guard) */
  gboolean panicked;
  gboolean crashed; /* a CPU exception: reset, node.bootreason() 2, 2 */
  gboolean woken; /* the reset ends a node.dsleep(): node.bootreason() 2, 5 */
  int onerror_cb; /* node.setonerror() ref, or LUA_NOREF */
  int softwd; /* tmr.softwd() seconds left, -1 off */
  GSource *softwd_source;
  GSource *onerror_source; /* the restart 2 s after an uncaught error */
  guint initial_baud; /* the speed after a reset */
  guint baud;
  gboolean baud_changed;
  guint tx_old_baud; /* the speed of the first tx_switch_pos queued bytes */
  gsize tx_switch_pos;
  int uart_cb; /* uart.on("data") callback ref, or LUA_NOREF */
  guint uart_n;
  int uart_end; /* terminator character, or -1 */
  gboolean uart_run_input;
  gboolean in_uart_cb; /* a raw-mode uart.on callback is running */
  gboolean uart_left_raw; /* ... and it called uart.on("data") without a function */
  GString *uart_buf;
  int output_cb; /* node.output()'s pipe (registry ref), or LUA_NOREF */
  gboolean output_serial;
  GString *inject; /* node.input() bytes, read before the ring */
  GPtrArray *timers; /* MwSimTimer, unowned: Lua userdata */
  GPtrArray *posted; /* GSource of posted tasks not yet run (owned) */
  GPtrArray *files; /* open MwSimFile, unowned: Lua userdata */
  gpointer last_file; /* the file module-level calls act on */
  guint8 gpio_level[MW_SIM_GPIO_PINS];
  guint8 gpio_mode[MW_SIM_GPIO_PINS];
  int strip_level; /* node.stripdebug's numbering: 1 keeps names, 2 (default) drops them */
  gboolean full_debug; /* the debug library without LUA_USE_BUILTIN_DEBUG_MINIMAL */
  gint64 boot_time;
  guint generation; /* counts boots: a task posted before a reset is dropped */
  int reset_raw; /* node.bootreason(): raw code (1 power-on, 2 software, 4 watchdog) */
  int reset_reason; /* and the extended one (0 power-on, 1 hw wdt, 3 soft wdt, 4 restart) */
  char *startup_command; /* node.startupcommand(), survives resets; NULL: "@init.lua" */
  gboolean startup_banner; /* node.startup{banner=} */
  gsize input_from; /* length of tx where the firmware starts reading input: before its banner
                     * (docs/firmware.md section 1) */
  guint32 chip_id;
  GRand *rand; /* node.random() */
  int lfs_index; /* the LFS image's index function (a registry ref), or LUA_NOREF */
  gsize lfs_used; /* the flash the loaded image takes, 0 without one */
  int wifi_mode;
};

MwSimVm *mw_sim_vm_new (void);
/* The board's settings from `options`: firmware, build, heap, watchdog, CPU speed, modules,
 * baud. What MwSim owns (flash, context, the wire, task_done, stopping) is set apart. */
void mw_sim_vm_configure (MwSimVm *vm, const MwSimOptions *options);
void mw_sim_vm_free (MwSimVm *vm);
/* Power on: a fresh Lua state, the banner, init.lua, the prompt. `cause` is the reset text
 * printed first (NULL on power-up). */
void mw_sim_vm_boot (MwSimVm *vm, const char *cause);
void mw_sim_vm_shutdown (MwSimVm *vm);
/* Feeds one received byte (`from_uart` FALSE: from node.input(), not echoed and not seen by
 * uart.on); returns TRUE when it completed a task (a line or a uart.on callback ran), so the
 * caller can let timers and output run before the next byte. */
gboolean mw_sim_vm_feed (MwSimVm *vm, guint8 byte, gboolean from_uart);
/* Whether a reboot is due (node.restart(), the watchdog). */
gboolean mw_sim_vm_reboot_due (MwSimVm *vm);
void mw_sim_vm_reboot (MwSimVm *vm);

MwSimVm *mw_sim_vm_get (lua_State *L);
/* print() and error text: through node.output() and the firmware's output routine. */
void mw_sim_vm_print (MwSimVm *vm, const char *text, gsize len);
/* Raw bytes to the wire (uart.write, echo). */
void mw_sim_vm_write (MwSimVm *vm, const char *bytes, gsize len);
/* Calls the function under `nargs` arguments as a firmware task (watchdog armed); an error
 * is printed and, as the 3.0 firmware does for callbacks, restarts the board. */
void mw_sim_vm_callback (MwSimVm *vm, int nargs);
/* Posts the function on the stack as a task (node.task.post): it runs between tasks, with
 * `arg` pushed as its argument. */
void mw_sim_vm_post (MwSimVm *vm, int priority, int arg);
/* A CPU exception (a call through a NULL pointer): the SDK's report, then a reset. */
void mw_sim_vm_crash (MwSimVm *vm);
/* The error (a traceback) on the stack goes to the onerror handler in a task of its own. */
void mw_sim_vm_onerror (MwSimVm *vm);
/* Raises the watchdog when the task has run too long (for busy C functions). */
void mw_sim_vm_check_wdt (MwSimVm *vm);
/* The simulated clock in microseconds since boot (docs/sim.md "The simulated CPU clock"): host time
 * between tasks, VM instructions and tmr.delay() during one. */
gint64 mw_sim_vm_now_us (MwSimVm *vm);
/* tmr.delay(): a busy wait of `us`, feeding the watchdog after every second (app/modules/tmr.c). */
void mw_sim_vm_delay (MwSimVm *vm, gint64 us);
/* tmr.wdclr(): feeds the watchdog. */
void mw_sim_vm_feed_wdt (MwSimVm *vm);
/* Runs `fn` so that a Lua panic in it (an error outside any protected call) prints the
 * firmware's panic text and resets the board instead of ending the process; FALSE then. */
gboolean mw_sim_vm_guard (MwSimVm *vm, void (*fn) (MwSimVm *vm, gpointer data), gpointer data);
gboolean mw_sim_vm_has_module (MwSimVm *vm, const char *name);
/* Loads a flash file as a chunk (source or NodeMCU bytecode); Lua's load conventions. */
int mw_sim_vm_load_file (lua_State *L, const char *name);
/* Loads source or bytecode as the VM's build does (luaL_loadbuffer's conventions). */
int mw_sim_vm_load_buffer (lua_State *L, const char *bytes, gsize len, const char *chunkname);

/* The integer build's arithmetic (mw-sim-integer.c): its functions and loadstring, and
 * loading source or bytecode with `/`, `%` and `^` routed through them. */
void mw_sim_integer_open (lua_State *L);
int mw_sim_integer_load (lua_State *L, const char *bytes, gsize len, const char *chunkname);
/* In a message handler: whether one of those functions raised the error (the firmware's VM
 * raises it itself: no C function in the traceback). */
gboolean mw_sim_integer_raised (lua_State *L);

/* The firmware modules (one file each). */
int mw_sim_open_node (lua_State *L);
int mw_sim_open_file (lua_State *L);
int mw_sim_open_tmr (lua_State *L);
int mw_sim_open_uart (lua_State *L);
int mw_sim_open_bit (lua_State *L);
int mw_sim_open_sjson (lua_State *L);
int mw_sim_open_gpio (lua_State *L);
int mw_sim_open_wifi (lua_State *L);
int mw_sim_open_encoder (lua_State *L);
int mw_sim_open_crypto (lua_State *L);
int mw_sim_open_pipe (lua_State *L);
/* pipe.create() as a C function; pipe:write() on the pipe at `idx`. */
int mw_sim_pipe_create (lua_State *L);
void mw_sim_pipe_write (lua_State *L, int idx, const char *s, gsize len);
/* node.LFS: the Lua Flash Store (mw-sim-lfs.c); pushes the table. */
void mw_sim_lfs_push (lua_State *L);
/* Loads the region's image at boot, before the libraries (its strings are in flash first). */
void mw_sim_lfs_boot (MwSimVm *vm);
/* Sets lfs_mapped, lfs_base, lfs_size and lfs_used in the table at the top (node.info('lfs')). */
void mw_sim_lfs_set_config (lua_State *L);
/* The region's flash address (node.getpartitiontable's lfs_addr), 0 without a region. */
gsize mw_sim_lfs_region_base (MwSimVm *vm);
/* Spins in C until the watchdog resets the board (the firmware's while (1) {}): never
 * returns to the caller's Lua code. */
void mw_sim_vm_hang (MwSimVm *vm, lua_State *L);
/* A userdata of the simulator's own `type` (an address only its C code knows), or NULL: the
 * check a script cannot forge with debug.setmetatable (docs/firmware.md section 10). */
void *mw_sim_check_udata (lua_State *L, int index, const void *type, const char *name);
/* A new userdata with `size` bytes of the simulator's own, charged `board_size` bytes of
 * payload: what the firmware's module allocates for it (docs/firmware.md section 11). */
void *mw_sim_new_udata (lua_State *L, gsize size, gsize board_size, const void *type,
                        const char *metatable);

/* tmr: stops every timer of the closing state. */
void mw_sim_tmr_shutdown (MwSimVm *vm);
/* file: closes every open file of the closing state. */
void mw_sim_file_shutdown (MwSimVm *vm);

/* Registers `funcs` as global table `name` (what luaL_register does, kept in one place). */
void mw_sim_register (lua_State *L, const char *name, const luaL_Reg *funcs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwSimVm, mw_sim_vm_free)

G_END_DECLS
