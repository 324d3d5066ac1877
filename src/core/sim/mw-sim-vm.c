/* mw-sim-vm.c: the board's Lua VM and REPL: boot, banner, init.lua, prompts, chunks, errors,
 * the watchdog, print and node.output, and loading files from the flash (docs/firmware.md
 * sections 1 and 3). */
#include "mw-sim-private.h"

#include <lualib.h>
#include <math.h>
#include <string.h>

#include "mw-lua-chunk.h"
#include "mw-lua-pattern.h"

/* The VM hook runs every HOOK_COUNT instructions: it advances the simulated CPU clock, feeds
 * the watchdog's count and settles the allocator's credit (docs/firmware.md section 6, docs/sim.md
 * "The simulated CPU clock"). */
#define HOOK_COUNT 100
/* the matcher's first call and this many nested ones (docs/firmware.md section 10) */
#define MW_SIM_PATTERN_MAX_DEPTH 199
#define WDT_MESSAGE "watchdog: task ran too long"
#define MEM_MESSAGE "not enough memory"

MwSimVm *
mw_sim_vm_new (void)
{
  MwSimVm *vm = g_new0 (MwSimVm, 1);

  vm->uart_cb = LUA_NOREF;
  vm->output_cb = LUA_NOREF;
  vm->uart_end = -1;
  vm->uart_buf = g_string_new (NULL);
  vm->echo = g_string_new (NULL);
  vm->onerror_cb = LUA_NOREF;
  vm->lfs_index = LUA_NOREF;
  vm->softwd = -1;
  vm->cpu_mhz = 80;
  vm->reset_raw = 1;
  vm->startup_banner = TRUE;
  vm->inject = g_string_new (NULL);
  vm->timers = g_ptr_array_new ();
  vm->posted = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  vm->files = g_ptr_array_new ();
  vm->host_now = g_get_monotonic_time;
  vm->host_sleep = g_usleep;
  return vm;
}

void
mw_sim_vm_configure (MwSimVm *vm, const MwSimOptions *options)
{
  vm->firmware = options->firmware;
  vm->number_type = options->integer_build ? MW_LUA_TARGET_INTEGER : MW_LUA_TARGET_FLOAT;
  vm->full_debug = options->full_debug;
  vm->heap_size = options->heap;
  vm->lfs_size = options->lfs_size;
  vm->wdt_ms = options->wdt_ms;
  vm->vm_ips = options->vm_ips;
  vm->realtime = options->baud_limit;
  vm->verbose = options->verbose;
  g_strfreev (vm->modules);
  vm->modules = g_strsplit (options->modules ? options->modules : MW_SIM_DEFAULT_MODULES, ",", -1);
  for (guint i = 0; vm->modules[i]; i++)
    g_strstrip (vm->modules[i]);
  vm->baud = vm->initial_baud = options->baud;
  vm->chip_id = 0x00a1b2c3u ^ (guint32) options->seed;
}

void
mw_sim_vm_free (MwSimVm *vm)
{
  if (vm == NULL)
    return;
  mw_sim_vm_shutdown (vm);
  g_string_free (vm->uart_buf, TRUE);
  g_string_free (vm->echo, TRUE);
  g_free (vm->line);
  g_free (vm->source);
  g_free (vm->startup_command);
  g_clear_pointer (&vm->rand, g_rand_free);
  g_string_free (vm->inject, TRUE);
  g_ptr_array_unref (vm->timers);
  g_ptr_array_unref (vm->posted);
  g_ptr_array_unref (vm->files);
  g_strfreev (vm->modules);
  g_free (vm);
}

/* The allocator's data is the VM's heap: the VM without a registry look-up (and nothing in
 * the registry a script could reach). */
MwSimVm *
mw_sim_vm_get (lua_State *L)
{
  void *ud = NULL;

  lua_getallocf (L, &ud);
  g_assert (ud != NULL);
  return (MwSimVm *) ((char *) ud - G_STRUCT_OFFSET (MwSimVm, heap));
}

/* A userdata made by the simulator starts with the address of its type: a script can neither
 * write a userdata's bytes nor make one of a given size, so the tag cannot be forged, even
 * by a userdata that took another's metatable (docs/firmware.md section 10). */
typedef struct
{
  const void *type;
  gpointer pad; /* keeps the payload 16-byte aligned */
} UdataHead;

void *
mw_sim_new_udata (lua_State *L, gsize size, gsize board_size, const void *type,
                  const char *metatable)
{
  UdataHead *head = lua_newuserdata (L, sizeof (UdataHead) + size);

  mw_sim_heap_charge_udata (&mw_sim_vm_get (L)->heap, head, board_size);
  head->type = type;
  memset (head + 1, 0, size);
  luaL_getmetatable (L, metatable);
  lua_setmetatable (L, -2);
  return head + 1;
}

void *
mw_sim_check_udata (lua_State *L, int index, const void *type, const char *name)
{
  UdataHead *head = lua_touserdata (L, index);

  if (head == NULL || lua_type (L, index) != LUA_TUSERDATA || lua_objlen (L, index) < sizeof *head
      || head->type != type)
    luaL_typerror (L, index, name);
  return head + 1;
}

gboolean
mw_sim_vm_has_module (MwSimVm *vm, const char *name)
{
  return g_strv_contains ((const char *const *) vm->modules, name);
}

void
mw_sim_register (lua_State *L, const char *name, const luaL_Reg *funcs)
{
  lua_newtable (L);
  for (; funcs->name; funcs++)
    {
      lua_pushcfunction (L, funcs->func);
      lua_setfield (L, -2, funcs->name);
    }
  lua_pushvalue (L, -1);
  lua_setglobal (L, name);
}

void
mw_sim_vm_write (MwSimVm *vm, const char *bytes, gsize len)
{
  g_string_append_len (vm->tx, bytes, len);
}

void
mw_sim_vm_print (MwSimVm *vm, const char *text, gsize len)
{
  lua_State *L = vm->L;

  if (L && vm->output_cb != LUA_NOREF)
    {
      /* node.output(fn) (app/modules/node.c output_redirect): the text goes into a pipe whose
       * reader, fn, runs as a task of its own; with serial output on, also to the wire */
      if (vm->output_serial)
        mw_sim_repl_cook (vm->tx, text, len);
      lua_rawgeti (L, LUA_REGISTRYINDEX, vm->output_cb);
      mw_sim_pipe_write (L, -1, text, len);
      lua_pop (L, 1);
      return;
    }
  mw_sim_repl_cook (vm->tx, text, len);
}

static void
print_cstr (MwSimVm *vm, const char *text)
{
  mw_sim_vm_print (vm, text, strlen (text));
}

/* print() as the firmware's (app/lua/lbaselib.c luaB_print): tostring on each argument,
 * each written as a C string (so a NUL ends that argument), tabs between, "\n" at the end,
 * all through the output routine. */
static int
l_print (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  int n = lua_gettop (L);
  luaL_Buffer b;
  const char *text;
  size_t len;

  /* no automatic cleanup here: tostring may raise, and Lua errors longjmp */
  lua_getglobal (L, "tostring");
  luaL_buffinit (L, &b);
  for (int i = 1; i <= n; i++)
    {
      if (i > 1)
        luaL_addchar (&b, '\t');
      lua_pushvalue (L, n + 1);
      lua_pushvalue (L, i);
      lua_call (L, 1, 1);
      text = lua_tostring (L, -1);
      if (text == NULL)
        return luaL_error (L, "'tostring' must return a string to 'print'");
      luaL_addstring (&b, text);
      lua_pop (L, 1);
    }
  luaL_addchar (&b, '\n');
  luaL_pushresult (&b);
  text = lua_tolstring (L, -1, &len);
  mw_sim_vm_print (vm, text, len);
  return 0;
}

/* tostring() as on the board: objects at ESP8266 addresses (0x3ffexxxx-0x3fffxxxx), and
 * NaN as the firmware's newlib prints it ("nan", where the host's C library says "-nan");
 * everything else goes to Lua's own tostring (upvalue 1) */
static int
l_tostring (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  int type;

  luaL_checkany (L, 1);
  type = lua_type (L, 1);
  if (type == LUA_TNUMBER && isnan (lua_tonumber (L, 1)))
    {
      lua_pushliteral (L, "nan");
      return 1;
    }
  if ((type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TTHREAD || type == LUA_TUSERDATA)
      && !luaL_getmetafield (L, 1, "__tostring"))
    {
      const char *p = lua_topointer (L, 1);
      char text[64];

      /* a full userdata's pointer is its payload, after the 40-byte host header */
      if (type == LUA_TUSERDATA)
        p -= 40;
      g_snprintf (text, sizeof text, "%s: 0x%08x", luaL_typename (L, 1),
                  mw_sim_heap_address (&vm->heap, p));
      lua_pushstring (L, text);
      return 1;
    }
  lua_settop (L, 1);
  lua_pushvalue (L, lua_upvalueindex (1));
  lua_insert (L, 1);
  lua_call (L, 1, 1);
  return 1;
}

/* collectgarbage("count") in board kilobytes, as the firmware's Lua counts them; every other
 * option goes to Lua's own collectgarbage (upvalue 1). */
static int
l_collectgarbage (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (g_strcmp0 (luaL_optstring (L, 1, "collect"), "count") == 0)
    {
      mw_sim_heap_settle (&vm->heap);
      lua_pushnumber (L, vm->heap.lua_bytes / 1024.0);
      return 1;
    }
  lua_pushvalue (L, lua_upvalueindex (1));
  lua_insert (L, 1);
  lua_call (L, lua_gettop (L) - 1, LUA_MULTRET);
  mw_sim_heap_settle (&vm->heap);
  vm->heap.live_after_gc = MIN (vm->heap.live_after_gc, vm->heap.lua_bytes);
  return lua_gettop (L);
}

static void vm_hook (lua_State *L, lua_Debug *ar);

static gint64
task_cpu_us (MwSimVm *vm)
{
  return (gint64) (vm->task_instr * G_USEC_PER_SEC / vm->vm_ips) * 80 / vm->cpu_mhz
         + vm->task_delay_us;
}

gint64
mw_sim_vm_now_us (MwSimVm *vm)
{
  if (vm->in_task)
    return vm->task_start_sim + task_cpu_us (vm);
  return vm->host_now () - vm->boot_time + vm->clock_skew;
}

void
mw_sim_vm_feed_wdt (MwSimVm *vm)
{
  if (vm->in_task)
    vm->wdt_fed_us = task_cpu_us (vm);
}

static void
raise_wdt (MwSimVm *vm, lua_State *L)
{
  /* once tripped, the hook runs at every instruction and raises again, so a pcall in Lua
   * cannot swallow the reset: the first instruction after it raises once more */
  if (!vm->wdt_tripped)
    {
      lua_sethook (vm->L, vm_hook, LUA_MASKCOUNT, 1);
      if (L != vm->L)
        lua_sethook (L, vm_hook, LUA_MASKCOUNT, 1);
    }
  vm->wdt_tripped = TRUE;
  luaL_error (L, WDT_MESSAGE);
}

void
mw_sim_vm_hang (MwSimVm *vm, lua_State *L)
{
  raise_wdt (vm, L);
}

void
mw_sim_vm_check_wdt (MwSimVm *vm)
{
  if (!vm->in_task)
    return;
  if (vm->wdt_tripped || task_cpu_us (vm) - vm->wdt_fed_us >= (gint64) vm->wdt_ms * 1000)
    raise_wdt (vm, vm->hook_L ? vm->hook_L : vm->L);
}

void
mw_sim_vm_delay (MwSimVm *vm, gint64 us)
{
  /* app/modules/tmr.c: os_delay_us in slices of at most 1 s, the watchdog fed after each */
  while (us > 0)
    {
      gint64 slice = MIN (us, G_USEC_PER_SEC);

      vm->task_delay_us += slice;
      mw_sim_vm_check_wdt (vm);
      mw_sim_vm_feed_wdt (vm);
      us -= slice;
    }
}

/* The allocator granted a block on credit: stop at the next instruction of the running
 * thread (and of the main one, in case the block came from a coroutine not yet hooked). */
static void
on_debt (gpointer data)
{
  MwSimVm *vm = data;

  if (vm->L == NULL || vm->wdt_tripped)
    return;
  lua_sethook (vm->L, vm_hook, LUA_MASKCOUNT, 1);
  if (vm->hook_L && vm->hook_L != vm->L)
    lua_sethook (vm->hook_L, vm_hook, LUA_MASKCOUNT, 1);
}

/* A safe point: every object is anchored, so a full collection may run. Raises the
 * allocator's error when live data alone is over the cap (docs/firmware.md section 6). */
static void
settle_debt (MwSimVm *vm, lua_State *L)
{
  vm->heap.debt = FALSE;
  if (mw_sim_heap_collects (&vm->heap))
    {
      lua_gc (L, LUA_GCCOLLECT, 0);
      mw_sim_heap_settle (&vm->heap);
      vm->heap.live_after_gc = vm->heap.lua_bytes;
    }
  if (mw_sim_heap_check (&vm->heap))
    {
      vm->mem_error = TRUE;
      lua_pushliteral (L, MEM_MESSAGE);
      lua_error (L);
    }
}

static void
vm_hook (lua_State *L, lua_Debug *ar)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  int count = lua_gethookcount (L);

  vm->hook_L = L;
  vm->task_instr += count;
  if (vm->heap.debt)
    settle_debt (vm, L);
  mw_sim_vm_check_wdt (vm);
  /* a collection that left a block still to settle keeps the next instruction's stop */
  if (count != HOOK_COUNT && !vm->heap.debt)
    {
      lua_sethook (L, vm_hook, LUA_MASKCOUNT, HOOK_COUNT);
      if (L != vm->L)
        lua_sethook (vm->L, vm_hook, LUA_MASKCOUNT, HOOK_COUNT);
    }
}

static int
traceback (lua_State *L)
{
  /* the allocator's error comes without a traceback, as Lua's own LUA_ERRMEM */
  if (!lua_isstring (L, 1)
      || (mw_sim_vm_get (L)->mem_error && g_strcmp0 (lua_tostring (L, 1), MEM_MESSAGE) == 0))
    return 1;
  lua_getfield (L, LUA_GLOBALSINDEX, "debug");
  if (!lua_istable (L, -1))
    {
      lua_pop (L, 1);
      return 1;
    }
  lua_getfield (L, -1, "traceback");
  if (!lua_isfunction (L, -1))
    {
      lua_pop (L, 2);
      return 1;
    }
  lua_pushvalue (L, 1);
  lua_pushinteger (L, mw_sim_integer_raised (L) ? 3 : 2);
  lua_call (L, 2, 1);
  return 1;
}

/* An error as the REPL prints it. 3.0 (app/lua53/lua.c dojob): print("Lua error: ", err),
 * or print(err) when the error object is nil; 2.x prints the message alone. Either way a
 * full collection follows (docall). */
static void
print_error (MwSimVm *vm, int status)
{
  lua_State *L = vm->L;

  if (vm->firmware == MW_SIM_FIRMWARE_3_0)
    {
      int n = 1;

      if (!lua_isnil (L, -1))
        {
          lua_pushliteral (L, "Lua error: ");
          lua_insert (L, -2);
          n = 2;
        }
      lua_getglobal (L, "print");
      lua_insert (L, -n - 1);
      if (lua_pcall (L, n, 0, 0) != 0)
        {
          g_autofree char *text = g_strdup_printf (
            "error calling 'print' (%s)\n", lua_tostring (L, -1) ? lua_tostring (L, -1) : "?");

          lua_pop (L, 1);
          print_cstr (vm, text);
        }
    }
  else
    {
      const char *msg = lua_tostring (L, -1);
      g_autofree char *text = NULL;

      if (msg == NULL)
        msg = status == LUA_ERRMEM ? MEM_MESSAGE : "(error object is not a string)";
      text = g_strdup_printf ("%s\n", msg);
      lua_pop (L, 1);
      print_cstr (vm, text);
    }
  lua_gc (L, LUA_GCCOLLECT, 0);
}

/* The pattern matcher nests a C call for each quantifier and capture it is inside: 200,000
 * of them overflowed the host's stack. The firmware's Lua 5.3 string library stops at 200
 * calls with "pattern too complex" (docs/firmware.md section 10); so does the simulator, for
 * both builds, counting before the call the levels a pattern can reach (which errs high: a
 * pattern that fails early would have run). */
static void
check_pattern_depth (lua_State *L, const MwLuaPatternCost *cost, gsize subject_len,
                     gsize pattern_len)
{
  (void) subject_len;
  (void) pattern_len;
  if (cost->depth > MW_SIM_PATTERN_MAX_DEPTH)
    {
      lua_pushstring (L, "pattern too complex");
      lua_error (L);
    }
}

/* The firmware runs a REPL line from two C functions (app/modules/pipe.c
 * pipe_write_and_read_poster calls app/lua53/lua.c l_read_stdin): its tracebacks end with
 * two "[C]: ?" frames. These two play their part. */
static int
stdin_reader (lua_State *L)
{
  lua_call (L, lua_gettop (L) - 1, LUA_MULTRET);
  return lua_gettop (L);
}

static int
stdin_poster (lua_State *L)
{
  lua_pushcfunction (L, stdin_reader);
  lua_insert (L, 1);
  lua_call (L, lua_gettop (L) - 1, LUA_MULTRET);
  return lua_gettop (L);
}

static void
task_begin (MwSimVm *vm)
{
  if (vm->in_task)
    return; /* a task inside a task (node.output's callback): one watchdog period */
  vm->task_start_sim = mw_sim_vm_now_us (vm);
  vm->in_task = TRUE;
  vm->task_instr = 0;
  vm->task_delay_us = 0;
  vm->wdt_fed_us = 0;
  vm->mem_error = FALSE;
  vm->hook_L = vm->L;
}

static void
task_end (MwSimVm *vm)
{
  gint64 end, left;

  if (!vm->in_task)
    return;
  vm->last_task_us = task_cpu_us (vm);
  end = vm->task_start_sim + vm->last_task_us;
  vm->in_task = FALSE;
  vm->hook_L = vm->L;
  /* With the line rate on, the board is busy for as long as the task took on the ESP8266
   * (bytes arriving meanwhile pile up in the ring); otherwise the simulated clock just runs
   * ahead of the host's. One clock read per step: read once to decide and again to measure,
   * a host that crossed the end in between slept for (gulong) -1 us, and the board was dead
   * (tests/sim/test-vm.c). */
  for (;;)
    {
      left = end - mw_sim_vm_now_us (vm);
      if (!vm->realtime || left <= 0 || (vm->stopping && g_atomic_int_get (vm->stopping)))
        break;
      vm->host_sleep ((gulong) MIN (left, 10000));
    }
  if (left > 0)
    vm->clock_skew += left;
}

/* Runs the function under `nargs` arguments with a traceback; returns the status. */
static int
run_protected (MwSimVm *vm, int nargs, int nresults)
{
  lua_State *L = vm->L;
  int base = lua_gettop (L) - nargs;
  int status;

  lua_pushcfunction (L, traceback);
  lua_insert (L, base);
  task_begin (vm);
  status = lua_pcall (L, nargs, nresults, base);
  task_end (vm);
  lua_remove (L, base);
  return status;
}

static void
callback_guarded (MwSimVm *vm, gpointer data)
{
  int nargs = GPOINTER_TO_INT (data);
  int status = run_protected (vm, nargs, 0);

  if (status != 0 && !vm->wdt_tripped)
    {
      /* the 3.0 firmware prints an uncaught callback error and restarts; 2.x panics */
      if (vm->firmware == MW_SIM_FIRMWARE_3_0)
        mw_sim_vm_onerror (vm);
      else
        {
          /* the panic handler sees the bare message, without a traceback */
          g_autofree char *msg =
            g_strdup (lua_tostring (vm->L, -1) ? lua_tostring (vm->L, -1) : "?");
          char *tb = strstr (msg, "\nstack traceback:");
          g_autofree char *text = NULL;

          if (tb)
            *tb = '\0';
          text = g_strdup_printf ("PANIC: unprotected error in call to Lua API (%s)\n", msg);
          lua_pop (vm->L, 1);
          print_cstr (vm, text);
          vm->restart_pending = TRUE;
        }
    }
  else if (status != 0)
    lua_pop (vm->L, 1);
}

void
mw_sim_vm_callback (MwSimVm *vm, int nargs)
{
  mw_sim_vm_guard (vm, callback_guarded, GINT_TO_POINTER (nargs));
}

/* app/lua/lauxlib.c panic(): the text, then a busy loop until the hardware watchdog resets
 * the board. Here the panic returns to the innermost mw_sim_vm_guard(). */
static int
on_panic (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  const char *msg = lua_tostring (L, -1);
  static const char head[] = "PANIC: unprotected error in call to Lua API (";

  /* no allocation here: the longjmp below would leak it */
  mw_sim_repl_cook (vm->tx, head, strlen (head));
  msg = msg ? msg : "(null)";
  mw_sim_repl_cook (vm->tx, msg, strlen (msg));
  mw_sim_repl_cook (vm->tx, ")\n", 2);
  vm->panicked = TRUE;
  vm->in_task = FALSE;
  if (vm->panic_jmp)
    longjmp (*vm->panic_jmp, 1);
  g_error ("moonwire-sim: Lua panic outside a guarded call");
  return 0;
}

gboolean
mw_sim_vm_guard (MwSimVm *vm, void (*fn) (MwSimVm *vm, gpointer data), gpointer data)
{
  jmp_buf here;
  jmp_buf *volatile saved = vm->panic_jmp;

  if (setjmp (here) == 0)
    {
      vm->panic_jmp = &here;
      fn (vm, data);
      vm->panic_jmp = saved;
      return TRUE;
    }
  vm->panic_jmp = saved;
  return FALSE;
}

static void
prompt (MwSimVm *vm, gboolean continuation)
{
  lua_State *L = vm->L;
  const char *p;

  lua_getglobal (L, continuation ? "_PROMPT2" : "_PROMPT");
  p = lua_tostring (L, -1);
  print_cstr (vm, p ? p : continuation ? ">> " : "> ");
  lua_pop (L, 1);
}

/* One REPL line: joins an incomplete chunk, runs it when complete, prints the results of
 * "=expr", errors, then the prompt. */
static void
run_line (MwSimVm *vm, const char *line)
{
  lua_State *L = vm->L;
  const char *source;
  int status;

  if (vm->chunk == NULL && line[0] == '\0')
    {
      prompt (vm, FALSE);
      return;
    }
  if (vm->chunk == NULL)
    vm->chunk = g_string_new (line);
  else
    {
      g_string_append_c (vm->chunk, '\n');
      g_string_append (vm->chunk, line);
    }

  /* owned by the VM: a Lua panic may leave this frame at any point */
  g_free (vm->source);
  source = vm->source = mw_sim_repl_chunk_source (vm->chunk->str);
  status = mw_sim_vm_load_buffer (L, source, strlen (source), "=stdin");
  if (status == LUA_ERRSYNTAX && mw_sim_repl_is_incomplete (lua_tostring (L, -1)))
    {
      lua_pop (L, 1);
      prompt (vm, TRUE);
      return;
    }
  g_string_free (vm->chunk, TRUE);
  vm->chunk = NULL;

  if (status == 0)
    {
      int top = lua_gettop (L) - 1;

      if (vm->firmware == MW_SIM_FIRMWARE_3_0)
        {
          lua_pushcfunction (L, stdin_poster);
          lua_insert (L, -2);
          status = run_protected (vm, 1, LUA_MULTRET);
        }
      else
        status = run_protected (vm, 0, LUA_MULTRET);
      if (status == 0 && lua_gettop (L) > top)
        {
          int n = lua_gettop (L) - top;

          lua_getglobal (L, "print");
          lua_insert (L, top + 1);
          status = run_protected (vm, n, 0);
        }
    }
  if (status != 0)
    {
      if (vm->wdt_tripped)
        lua_pop (L, 1);
      else
        print_error (vm, status);
    }
  lua_settop (L, 0);
  /* node.restart() resets once the task has ended: its prompt is sent first (app/lua53/lua.c
   * dojob prints the prompt before the restart's task runs) */
  if (!vm->wdt_tripped && !vm->panicked)
    prompt (vm, FALSE);
}

/* app/driver/input.c input_readline, raw mode (uart.on(..., 0)): size 0 calls back for every
 * byte; otherwise bytes gather until the size, the terminator or the 256-byte buffer is full */
static gboolean
feed_uart_callback (MwSimVm *vm, guint8 byte)
{
  gboolean deliver;

  g_string_append_c (vm->uart_buf, (char) byte);
  if (vm->uart_end >= 0)
    deliver = byte == vm->uart_end || vm->uart_buf->len >= 256;
  else
    deliver = vm->uart_n == 0 || vm->uart_buf->len >= vm->uart_n;
  if (!deliver)
    return FALSE;
  lua_rawgeti (vm->L, LUA_REGISTRYINDEX, vm->uart_cb);
  lua_pushlstring (vm->L, vm->uart_buf->str, vm->uart_buf->len);
  g_string_truncate (vm->uart_buf, 0);
  vm->in_uart_cb = TRUE;
  mw_sim_vm_callback (vm, 1);
  vm->in_uart_cb = FALSE;
  return TRUE;
}

void
mw_sim_vm_crash (MwSimVm *vm)
{
  /* the SDK's exception report for a jump to address 0 */
  static const char report[] =
    "\nFatal exception 0(IllegalInstructionCause):\n"
    "epc1=0x00000000, epc2=0x00000000, epc3=0x00000000, excvaddr=0x00000000, depc=0x00000000\n";

  mw_sim_repl_cook (vm->tx, report, strlen (report));
  vm->crashed = TRUE;
}

typedef struct
{
  guint8 byte;
  gboolean from_uart;
  gboolean task;
} FeedArgs;

static void
feed_guarded (MwSimVm *vm, gpointer data)
{
  FeedArgs *a = data;
  MwSimReplResult r;

  if (vm->uart_cb != LUA_NOREF && !vm->uart_run_input && a->from_uart)
    {
      a->task = feed_uart_callback (vm, a->byte);
      return;
    }

  /* node.input() text goes to the interpreter without the UART's echo */
  g_string_truncate (vm->echo, 0);
  r = mw_sim_repl_feed (&vm->repl, a->byte, a->from_uart ? vm->echo : NULL);
  g_string_append_len (vm->tx, vm->echo->str, vm->echo->len);
  if (r == MW_SIM_REPL_LINE)
    {
      g_free (vm->line);
      vm->line = mw_sim_repl_take_line (&vm->repl);
      a->task = TRUE;
      /* uart.on("data", cb) with the REPL on: cb gets each line, then Lua runs it
       * (app/driver/input.c input_readline, run_input) */
      if (vm->uart_cb != LUA_NOREF && a->from_uart)
        {
          lua_rawgeti (vm->L, LUA_REGISTRYINDEX, vm->uart_cb);
          lua_pushstring (vm->L, vm->line);
          mw_sim_vm_callback (vm, 1);
          if (vm->L == NULL || mw_sim_vm_reboot_due (vm))
            return;
        }
      run_line (vm, vm->line);
    }
}

gboolean
mw_sim_vm_feed (MwSimVm *vm, guint8 byte, gboolean from_uart)
{
  FeedArgs a = { byte, from_uart, FALSE };

  if (vm->L == NULL)
    return FALSE;
  if (!mw_sim_vm_guard (vm, feed_guarded, &a))
    return TRUE;
  return a.task;
}

/* Reads a flash file into a chunk: NodeMCU bytecode when it starts with ESC "Lua". */
int
mw_sim_vm_load_file (lua_State *L, const char *name)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  g_autofree char *path = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *chunkname = NULL;
  gsize len;

  if (!mw_sim_flash_valid_name (name)
      || !g_file_get_contents ((path = mw_sim_flash_path (vm->flash, name)), &bytes, &len, NULL))
    {
      /* app/lua/lauxlib.c errfile: "cannot open NAME: " and strerror, which is empty on
       * the board (the same text as for a missing init.lua); 2.x has no colon */
      if (vm->firmware == MW_SIM_FIRMWARE_3_0)
        lua_pushfstring (L, "cannot open %s: ", name);
      else
        lua_pushfstring (L, "cannot open %s", name);
      return LUA_ERRFILE;
    }
  chunkname = g_strconcat ("@", name, NULL);
  if (vm->number_type == MW_LUA_TARGET_INTEGER)
    return mw_sim_integer_load (L, bytes, len, chunkname);
  /* NodeMCU bytecode (float or integer) is converted to the host's; source loads as is */
  return mw_lua_chunk_load (L, bytes, len, chunkname);
}

int
mw_sim_vm_load_buffer (lua_State *L, const char *bytes, gsize len, const char *chunkname)
{
  if (mw_sim_vm_get (L)->number_type == MW_LUA_TARGET_INTEGER)
    return mw_sim_integer_load (L, bytes, len, chunkname);
  return luaL_loadbuffer (L, bytes, len, chunkname);
}

static int
l_loadfile (lua_State *L)
{
  const char *name = luaL_checkstring (L, 1);

  if (mw_sim_vm_load_file (L, name) != 0)
    {
      lua_pushnil (L);
      lua_insert (L, -2);
      return 2;
    }
  return 1;
}

static int
l_dofile (lua_State *L)
{
  const char *name = luaL_checkstring (L, 1);
  int n = lua_gettop (L);

  if (mw_sim_vm_load_file (L, name) != 0)
    return lua_error (L);
  lua_call (L, 0, LUA_MULTRET);
  return lua_gettop (L) - n;
}

/* package.loaders entry: "mod.lc" then "mod.lua" from the flash. */
static int
flash_loader (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  const char *mod = luaL_checkstring (L, 1);
  static const char *const exts[] = { ".lc", ".lua" };
  luaL_Buffer tried;
  gboolean failed = FALSE;

  luaL_buffinit (L, &tried);
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = g_strconcat (mod, exts[i], NULL);
      g_autofree char *path = NULL;

      if (!mw_sim_flash_valid_name (name)
          || !g_file_test ((path = mw_sim_flash_path (vm->flash, name)), G_FILE_TEST_IS_REGULAR))
        {
          lua_pushfstring (L, "\n\tno file '%s'", name);
          luaL_addvalue (&tried);
          continue;
        }
      if (mw_sim_vm_load_file (L, name) != 0)
        {
          lua_pushfstring (L, "error loading module '%s' from file '%s':\n\t%s", mod, name,
                           lua_tostring (L, -1));
          failed = TRUE;
        }
      break;
    }
  if (failed)
    return lua_error (L);
  if (lua_isfunction (L, -1))
    return 1;
  luaL_pushresult (&tried);
  return 1;
}

typedef struct
{
  const char *name;
  lua_CFunction open;
} ModuleEntry;

static const ModuleEntry modules[] = {
  { "bit", mw_sim_open_bit },         { "crypto", mw_sim_open_crypto },
  { "encoder", mw_sim_open_encoder }, { "file", mw_sim_open_file },
  { "gpio", mw_sim_open_gpio },       { "node", mw_sim_open_node },
  { "sjson", mw_sim_open_sjson },     { "tmr", mw_sim_open_tmr },
  { "uart", mw_sim_open_uart },       { "wifi", mw_sim_open_wifi },
};

static void
print_banner (MwSimVm *vm)
{
  g_autofree char *mods = g_strjoinv (",", vm->modules);
  g_autofree char *text = NULL;

  if (vm->firmware == MW_SIM_FIRMWARE_2_2)
    text = g_strdup ("\nNodeMCU 2.2.0.0 build 2018/08/05 powered by Lua 5.1.4 on SDK "
                     "2.2.1(6ab97e9)\n");
  else
    text =
      /* tools/update_buildinfo.sh NODE_VERSION_LONG, printed by lua.c print_version; "LFS:" is
       * the build's LUA_FLASH_STORE, the region a firmware built for --lfs-size has */
      g_strdup_printf ("\nNodeMCU 3.0.0.0 built with moonwire-sim\n"
                       "\tbranch: release\n"
                       "\tcommit: 0000000000000000000000000000000000000000\n"
                       "\trelease: 3.0-release\n"
                       "\trelease DTS: 202101010000\n"
                       "\tSSL: false\n"
                       "\tbuild type: %s\n"
                       "\tLFS: 0x%" G_GSIZE_MODIFIER "x bytes total capacity\n"
                       "\tmodules: %s\n"
                       " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\n",
                       vm->number_type == MW_LUA_TARGET_INTEGER ? "integer" : "float", vm->lfs_size,
                       mods);
  print_cstr (vm, text);
}

static void
run_init (MwSimVm *vm)
{
  lua_State *L = vm->L;
  const char *init = vm->startup_command ? vm->startup_command : "@init.lua";
  int status;

  /* app/lua53/lua.c pmain(): "@file" runs a file, anything else is Lua source */
  if (init[0] == '@')
    status = mw_sim_vm_load_file (L, init + 1);
  else
    status = mw_sim_vm_load_buffer (L, init, strlen (init), "=INIT");
  if (status == LUA_ERRFILE && strcmp (init, "@init.lua") != 0)
    {
      print_cstr (vm, lua_tostring (L, -1));
      print_cstr (vm, "\n");
      lua_pop (L, 1);
      return;
    }
  if (status == LUA_ERRFILE)
    {
      lua_pop (L, 1);
      print_cstr (vm, vm->firmware == MW_SIM_FIRMWARE_3_0 ? "cannot open init.lua: \n"
                                                          : "lua: cannot open init.lua\n");
      return;
    }
  if (status == 0)
    status = run_protected (vm, 0, 0);
  if (status != 0)
    {
      if (vm->wdt_tripped)
        lua_pop (L, 1);
      else if (vm->firmware == MW_SIM_FIRMWARE_3_0)
        {
          /* app/lua53/lua.c pmain(): l_print() of the traceback, no "Lua error: ", no
           * restart */
          const char *msg = lua_tostring (L, -1);

          if (msg == NULL)
            msg = status == LUA_ERRMEM ? MEM_MESSAGE : "nil";
          print_cstr (vm, msg);
          print_cstr (vm, "\n");
        }
      else
        print_error (vm, status);
    }
  lua_settop (L, 0);
}

static void
init_guarded (MwSimVm *vm, gpointer data)
{
  /* the firmware sets its input up just before the banner (docs/firmware.md section 1) */
  vm->input_from = vm->tx->len;
  if (vm->startup_banner)
    print_banner (vm);
  run_init (vm);
  if (!mw_sim_vm_reboot_due (vm))
    prompt (vm, FALSE);
}

/* package as the firmware builds it (app/lua/loadlib.c, luaconf.h LUA_PATH_DEFAULT): the
 * preload and flash loaders only, path "?.lc;?.lua", and no loadlib or cpath: nothing that
 * reaches the host's dynamic linker (docs/firmware.md section 10). The table edited is the
 * one require() and module() keep as their environment. */
static void
setup_package (lua_State *L)
{
  lua_getglobal (L, "package");
  lua_pushnil (L);
  lua_setfield (L, -2, "loadlib");
  lua_pushnil (L);
  lua_setfield (L, -2, "cpath");
  lua_pushliteral (L, "?.lc;?.lua");
  lua_setfield (L, -2, "path");
  lua_newtable (L);
  lua_getfield (L, -2, "loaders");
  lua_rawgeti (L, -1, 1); /* the preload loader */
  lua_rawseti (L, -3, 1);
  lua_pop (L, 1);
  lua_pushcfunction (L, flash_loader);
  lua_rawseti (L, -2, 2);
  lua_setfield (L, -2, "loaders");
  lua_pop (L, 1);
}

/* debug.getupvalue and setupvalue (upvalue 1: Lua's own) as the firmware's: they find no
 * upvalue of a function whose names were stripped (app/lua/lapi.c aux_upvalue, docs/firmware.md
 * section 11). The host's Lua keeps every name, so the level node.stripdebug sets now stands
 * for the level the code was compiled at. */
static int
l_debug_upvalue (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  luaL_checkinteger (L, 2);
  luaL_checktype (L, 1, LUA_TFUNCTION);
  if (vm->strip_level >= 2 && !lua_iscfunction (L, 1))
    return 0;
  lua_pushvalue (L, lua_upvalueindex (1));
  lua_insert (L, 1);
  lua_call (L, lua_gettop (L) - 1, LUA_MULTRET);
  return lua_gettop (L);
}

/* The firmware's debug library (app/lua/ldblib.c). With LUA_USE_BUILTIN_DEBUG_MINIMAL, as
 * app/include/user_config.h builds it: getregistry and traceback (getstrings is not there).
 * Without (`full_debug`), also getfenv, getinfo, getlocal, getmetatable, getupvalue, setfenv,
 * setlocal, setmetatable and setupvalue; not debug.debug, which would read the host's stdin,
 * nor sethook and gethook, which would take the simulator's own hook (its watchdog and CPU
 * clock). docs/firmware.md sections 10 and 11. */
static void
setup_debug (lua_State *L, gboolean full)
{
  static const char *const minimal[] = { "getregistry", "traceback", NULL };
  static const char *const more[] = { "getfenv", "getinfo",  "getlocal",     "getmetatable",
                                      "setfenv", "setlocal", "setmetatable", NULL };
  static const char *const upvalues[] = { "getupvalue", "setupvalue", NULL };

  lua_newtable (L);
  lua_getglobal (L, "debug");
  for (guint i = 0; minimal[i] != NULL; i++)
    {
      lua_getfield (L, -1, minimal[i]);
      lua_setfield (L, -3, minimal[i]);
    }
  for (guint i = 0; full && more[i] != NULL; i++)
    {
      lua_getfield (L, -1, more[i]);
      lua_setfield (L, -3, more[i]);
    }
  for (guint i = 0; full && upvalues[i] != NULL; i++)
    {
      lua_getfield (L, -1, upvalues[i]);
      lua_pushcclosure (L, l_debug_upvalue, 1);
      lua_setfield (L, -3, upvalues[i]);
    }
  lua_pop (L, 1);
  lua_setglobal (L, "debug");
  /* the host's loaded-module record would still hold the full library */
  lua_getfield (L, LUA_REGISTRYINDEX, "_LOADED");
  lua_getglobal (L, "debug");
  lua_setfield (L, -2, "debug");
  lua_pop (L, 1);
  /* 3.0's base library has no newproxy (app/lua/lbaselib.c) */
  lua_pushnil (L);
  lua_setglobal (L, "newproxy");
}

void
mw_sim_vm_boot (MwSimVm *vm, const char *cause)
{
  lua_State *L;

  mw_sim_vm_shutdown (vm);
  if (cause)
    mw_sim_vm_write (vm, cause, strlen (cause));
  if (vm->baud != vm->initial_baud)
    {
      /* a reset puts the UART back to its boot speed */
      if (!vm->baud_changed)
        vm->tx_old_baud = vm->baud;
      vm->tx_switch_pos = vm->tx->len;
      vm->baud = vm->initial_baud;
      vm->baud_changed = TRUE;
    }

  mw_sim_heap_init (&vm->heap, vm->number_type);
  vm->heap.on_debt = on_debt;
  vm->heap.on_debt_data = vm;
  L = vm->L = lua_newstate (mw_sim_heap_alloc, &vm->heap);
  g_assert (L != NULL);
  lua_atpanic (L, on_panic);
  mw_sim_repl_init (&vm->repl);
  vm->wdt_tripped = FALSE;
  vm->restart_pending = FALSE;
  vm->panicked = FALSE;
  vm->crashed = FALSE;
  vm->woken = FALSE;
  vm->in_uart_cb = FALSE;
  vm->uart_left_raw = FALSE;
  vm->in_task = FALSE;
  vm->hook_L = L;
  vm->strip_level = 2;
  vm->cpu_mhz = 80;
  vm->softwd = -1;
  vm->boot_time = vm->host_now ();
  vm->clock_skew = 0;
  vm->generation++;
  mw_sim_lfs_boot (vm);

  /* no io, no os: the firmware has neither */
  lua_pushcfunction (L, luaopen_base);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_package);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_table);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_string);
  lua_call (L, 0, 0);
  lua_getglobal (L, "string");
  mw_lua_pattern_bound (L, -1, check_pattern_depth);
  lua_pop (L, 1);
  lua_pushcfunction (L, luaopen_math);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_debug);
  lua_call (L, 0, 0);
  setup_debug (L, vm->full_debug);
  lua_register (L, "print", l_print);
  lua_register (L, "dofile", l_dofile);
  lua_register (L, "loadfile", l_loadfile);
  lua_getglobal (L, "collectgarbage");
  lua_pushcclosure (L, l_collectgarbage, 1);
  lua_setglobal (L, "collectgarbage");
  lua_getglobal (L, "tostring");
  lua_pushcclosure (L, l_tostring, 1);
  lua_setglobal (L, "tostring");
  setup_package (L);
  if (vm->number_type == MW_LUA_TARGET_INTEGER)
    mw_sim_integer_open (L);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (mw_sim_vm_has_module (vm, modules[i].name))
      {
        lua_pushcfunction (L, modules[i].open);
        lua_call (L, 0, 0);
      }
  /* 3.0 always builds pipe (node.output and the REPL's input run through it) */
  if (vm->firmware == MW_SIM_FIRMWARE_3_0)
    {
      lua_pushcfunction (L, mw_sim_open_pipe);
      lua_call (L, 0, 0);
    }
  lua_settop (L, 0);
  lua_sethook (L, vm_hook, LUA_MASKCOUNT, HOOK_COUNT);

  /* the firmware's emergency GC (mode ALWAYS) keeps garbage near zero: collect eagerly
   * (docs/firmware.md section 6) */
  lua_gc (L, LUA_GCCOLLECT, 0);
  lua_gc (L, LUA_GCSETPAUSE, 100);
  mw_sim_heap_settle (&vm->heap);
  vm->heap.live_after_gc = vm->heap.lua_bytes;
  vm->heap.limit = vm->heap.heap_bytes + vm->heap_size;

  mw_sim_vm_guard (vm, init_guarded, NULL);
}

static gboolean
onerror_restart_cb (gpointer data)
{
  MwSimVm *vm = data;

  g_clear_pointer (&vm->onerror_source, g_source_unref);
  vm->restart_pending = TRUE;
  vm->task_done (vm->task_done_data);
  return G_SOURCE_REMOVE;
}

static void
onerror_report (MwSimVm *vm, gpointer data)
{
  lua_State *L = vm->L;
  int ref = GPOINTER_TO_INT (data);

  lua_rawgeti (L, LUA_REGISTRYINDEX, ref);
  luaL_unref (L, LUA_REGISTRYINDEX, ref);
  if (vm->onerror_cb != LUA_NOREF)
    {
      lua_rawgeti (L, LUA_REGISTRYINDEX, vm->onerror_cb);
      lua_insert (L, -2);
      if (run_protected (vm, 1, 0) != 0)
        lua_pop (L, 1);
      lua_settop (L, 0);
      return;
    }
  /* app/modules/node.c default_onerror(): print the text, and the first time a restart 2 s
   * later; the board keeps running until then */
  lua_getglobal (L, "print");
  lua_insert (L, -2);
  if (run_protected (vm, 1, 0) != 0)
    lua_pop (L, 1);
  lua_settop (L, 0);
  if (vm->onerror_source == NULL)
    {
      vm->onerror_source = g_timeout_source_new (2000);
      g_source_set_callback (vm->onerror_source, onerror_restart_cb, vm, NULL);
      g_source_attach (vm->onerror_source, vm->context);
    }
}

typedef struct
{
  MwSimVm *vm;
  guint generation;
  int ref;
  int arg;
} PostedTask;

static gboolean
onerror_task_cb (gpointer data)
{
  PostedTask *t = data;
  MwSimVm *vm = t->vm;

  g_ptr_array_remove_fast (vm->posted, g_main_current_source ());
  if (vm->L && t->generation == vm->generation)
    {
      mw_sim_vm_guard (vm, onerror_report, GINT_TO_POINTER (t->ref));
      vm->task_done (vm->task_done_data);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
posted_task_cb (gpointer data)
{
  PostedTask *t = data;
  MwSimVm *vm = t->vm;

  g_ptr_array_remove_fast (vm->posted, g_main_current_source ());
  if (vm->L && t->generation == vm->generation)
    {
      lua_rawgeti (vm->L, LUA_REGISTRYINDEX, t->ref);
      luaL_unref (vm->L, LUA_REGISTRYINDEX, t->ref);
      lua_pushinteger (vm->L, t->arg);
      mw_sim_vm_callback (vm, 1);
      vm->task_done (vm->task_done_data);
    }
  return G_SOURCE_REMOVE;
}

/* app/lua/lnodemcu.c luaL_posttask(): three priorities, the highest first */
void
mw_sim_vm_post (MwSimVm *vm, int priority, int arg)
{
  PostedTask *t = g_new (PostedTask, 1);
  GSource *source = g_idle_source_new ();

  t->vm = vm;
  t->generation = vm->generation;
  t->ref = luaL_ref (vm->L, LUA_REGISTRYINDEX);
  t->arg = arg;
  /* the REPL's input is a low-priority task too: medium and high ones go first */
  g_source_set_priority (source, G_PRIORITY_DEFAULT - priority);
  g_source_set_callback (source, posted_task_cb, t, g_free);
  g_source_attach (source, vm->context);
  g_ptr_array_add (vm->posted, source); /* destroyed with the state if it has not run */
}

/* app/lua/lnodemcu.c luaL_pcallx(): a callback's error (its traceback on the stack) is
 * reported by a task of its own, through the registry's "onerror" function. */
void
mw_sim_vm_onerror (MwSimVm *vm)
{
  lua_State *L = vm->L;
  PostedTask *t = g_new (PostedTask, 1);
  GSource *source = g_idle_source_new ();

  if (!lua_isstring (L, -1))
    {
      lua_pop (L, 1);
      lua_pushliteral (L, "out of memory");
    }
  t->vm = vm;
  t->generation = vm->generation;
  t->ref = luaL_ref (L, LUA_REGISTRYINDEX);
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, onerror_task_cb, t, g_free);
  g_source_attach (source, vm->context);
  g_ptr_array_add (vm->posted, source);
}

void
mw_sim_vm_shutdown (MwSimVm *vm)
{
  if (vm->L == NULL)
    return;
  mw_sim_tmr_shutdown (vm);
  mw_sim_file_shutdown (vm);
  if (vm->onerror_source)
    g_source_destroy (vm->onerror_source);
  g_clear_pointer (&vm->onerror_source, g_source_unref);
  for (guint i = 0; i < vm->posted->len; i++)
    g_source_destroy (g_ptr_array_index (vm->posted, i));
  g_ptr_array_set_size (vm->posted, 0);
  if (vm->softwd_source)
    g_source_destroy (vm->softwd_source);
  g_clear_pointer (&vm->softwd_source, g_source_unref);
  lua_close (vm->L);
  vm->L = NULL;
  mw_sim_heap_clear (&vm->heap);
  vm->uart_cb = LUA_NOREF;
  vm->output_cb = LUA_NOREF;
  vm->onerror_cb = LUA_NOREF;
  g_string_truncate (vm->uart_buf, 0);
  g_string_truncate (vm->inject, 0);
  if (vm->chunk)
    g_string_free (vm->chunk, TRUE);
  vm->chunk = NULL;
  g_assert (vm->heap.host_used == 0);
}

gboolean
mw_sim_vm_reboot_due (MwSimVm *vm)
{
  return vm->restart_pending || vm->wdt_tripped || vm->panicked || vm->crashed;
}

void
mw_sim_vm_reboot (MwSimVm *vm)
{
  /* After a reset the ROM boot loader prints its line at 74880 baud (docs/firmware.md section 1),
   * which a host at 115200 reads as garbage: its bytes are sent scrambled, bit 7 set, so a
   * host must cope with them as with a board's. The firmware's own texts follow readable. */
  static const char rom[] = " ets Jan  8 2013,rst cause:2, boot mode:(3,6)\r\n";
  const char *cause = vm->wdt_tripped ? "Soft WDT reset\r\n\r\n>>>stack>>>\r\n<<<stack<<<\r\n" : "";

  /* node.bootreason() after this reset (docs/modules/node.md) */
  vm->reset_raw = vm->panicked || vm->wdt_tripped ? 4 : 2;
  vm->reset_reason = vm->crashed ? 2 : vm->panicked ? 1 : vm->wdt_tripped ? 3 : vm->woken ? 5 : 4;
  GString *text = g_string_new ("\r\n");

  g_string_append (text, cause);
  for (gsize i = 0; i < sizeof rom - 1; i++)
    g_string_append_c (text, (char) (((guint8) rom[i] * 37u + 0x95u) | 0x80u));
  g_string_append (text, "\r\n");
  mw_sim_vm_boot (vm, text->str);
  g_string_free (text, TRUE);
}
