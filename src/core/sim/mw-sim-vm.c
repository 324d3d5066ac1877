/* mw-sim-vm.c: the board's Lua VM and REPL: boot, banner, init.lua, prompts, chunks, errors,
 * the watchdog, print and node.output, and loading files from the flash (NODEMCU.md
 * sections 1 and 3). */
#include "mw-sim-private.h"

#include <lualib.h>
#include <string.h>

#include "mw-lua-chunk.h"

#define VM_KEY "moonwire.sim.vm"
#define WDT_HOOK_COUNT 1000
#define WDT_MESSAGE "watchdog: task ran too long"

MwSimVm *
mw_sim_vm_new (void)
{
  MwSimVm *vm = g_new0 (MwSimVm, 1);

  vm->uart_cb = LUA_NOREF;
  vm->output_cb = LUA_NOREF;
  vm->uart_end = -1;
  vm->uart_buf = g_string_new (NULL);
  vm->inject = g_string_new (NULL);
  vm->timers = g_ptr_array_new ();
  vm->files = g_ptr_array_new ();
  return vm;
}

void
mw_sim_vm_free (MwSimVm *vm)
{
  if (vm == NULL)
    return;
  mw_sim_vm_shutdown (vm);
  g_string_free (vm->uart_buf, TRUE);
  g_string_free (vm->inject, TRUE);
  g_ptr_array_unref (vm->timers);
  g_ptr_array_unref (vm->files);
  g_strfreev (vm->modules);
  g_free (vm);
}

MwSimVm *
mw_sim_vm_get (lua_State *L)
{
  MwSimVm *vm;

  lua_getfield (L, LUA_REGISTRYINDEX, VM_KEY);
  vm = lua_touserdata (L, -1);
  lua_pop (L, 1);
  g_assert (vm != NULL);
  return vm;
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
      /* node.output(fn): the text goes to fn as a task of its own; with serial output on,
       * also to the wire */
      lua_rawgeti (L, LUA_REGISTRYINDEX, vm->output_cb);
      lua_pushlstring (L, text, len);
      if (lua_pcall (L, 1, 0, 0) != 0)
        lua_pop (L, 1);
      if (!vm->output_serial)
        return;
    }
  mw_sim_repl_cook (vm->tx, text, len);
}

static void
print_cstr (MwSimVm *vm, const char *text)
{
  mw_sim_vm_print (vm, text, strlen (text));
}

/* print() as the firmware's: tostring on each argument, tabs between, "\n" at the end, all
 * through the output routine. */
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
      if (!lua_isstring (L, -1))
        return luaL_error (L, "'tostring' must return a string to 'print'");
      luaL_addvalue (&b);
    }
  luaL_addchar (&b, '\n');
  luaL_pushresult (&b);
  text = lua_tolstring (L, -1, &len);
  mw_sim_vm_print (vm, text, len);
  return 0;
}

/* collectgarbage("count") in board kilobytes, as the firmware's Lua counts them; every other
 * option goes to Lua's own collectgarbage (upvalue 1). */
static int
l_collectgarbage (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  if (g_strcmp0 (luaL_optstring (L, 1, "collect"), "count") == 0)
    {
      lua_pushnumber (L, vm->heap.used / 1024.0);
      return 1;
    }
  lua_pushvalue (L, lua_upvalueindex (1));
  lua_insert (L, 1);
  lua_call (L, lua_gettop (L) - 1, LUA_MULTRET);
  return lua_gettop (L);
}

static void
wdt_hook (lua_State *L, lua_Debug *ar)
{
  mw_sim_vm_check_wdt (mw_sim_vm_get (L));
}

void
mw_sim_vm_check_wdt (MwSimVm *vm)
{
  if (!vm->in_task)
    return;
  if (!vm->wdt_tripped && g_get_monotonic_time () - vm->task_start < (gint64) vm->wdt_ms * 1000)
    return;
  /* once tripped, the hook runs at every instruction and raises again, so a pcall in Lua
   * cannot swallow the reset: the first instruction after it raises once more */
  if (!vm->wdt_tripped)
    lua_sethook (vm->L, wdt_hook, LUA_MASKCOUNT, 1);
  vm->wdt_tripped = TRUE;
  luaL_error (vm->L, WDT_MESSAGE);
}

static int
traceback (lua_State *L)
{
  if (!lua_isstring (L, 1))
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
  lua_pushinteger (L, 2);
  lua_call (L, 2, 1);
  return 1;
}

/* An error as the REPL prints it: 3.0 does print("Lua error: ", msg); 2.x prints msg. */
static void
print_error (MwSimVm *vm, int status)
{
  lua_State *L = vm->L;
  const char *msg = lua_tostring (L, -1);
  g_autofree char *text = NULL;

  if (msg == NULL)
    msg = status == LUA_ERRMEM ? "not enough memory" : "(error object is not a string)";
  if (vm->firmware == MW_SIM_FIRMWARE_3_0)
    text = g_strdup_printf ("Lua error: \t%s\n", msg);
  else
    text = g_strdup_printf ("%s\n", msg);
  lua_pop (L, 1);
  print_cstr (vm, text);
  if (status == LUA_ERRMEM)
    lua_gc (L, LUA_GCCOLLECT, 0);
}

static void
task_begin (MwSimVm *vm)
{
  vm->in_task = TRUE;
  vm->task_start = g_get_monotonic_time ();
}

static void
task_end (MwSimVm *vm)
{
  vm->in_task = FALSE;
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

void
mw_sim_vm_callback (MwSimVm *vm, int nargs)
{
  int status = run_protected (vm, nargs, 0);

  if (status != 0 && !vm->wdt_tripped)
    {
      /* the 3.0 firmware prints an uncaught callback error and restarts; 2.x panics */
      if (vm->firmware == MW_SIM_FIRMWARE_3_0)
        print_error (vm, status);
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
        }
      vm->restart_pending = TRUE;
    }
  else if (status != 0)
    lua_pop (vm->L, 1);
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
  g_autofree char *source = NULL;
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

  source = mw_sim_repl_chunk_source (vm->chunk->str);
  status = luaL_loadbuffer (L, source, strlen (source), "=stdin");
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
  if (!mw_sim_vm_reboot_due (vm))
    prompt (vm, FALSE);
}

static gboolean
feed_uart_callback (MwSimVm *vm, guint8 byte)
{
  gboolean deliver;

  g_string_append_c (vm->uart_buf, (char) byte);
  if (vm->uart_end >= 0)
    deliver = byte == vm->uart_end || vm->uart_buf->len >= 255;
  else
    deliver = vm->uart_n == 0 || vm->uart_buf->len >= vm->uart_n;
  if (!deliver)
    return FALSE;
  lua_rawgeti (vm->L, LUA_REGISTRYINDEX, vm->uart_cb);
  lua_pushlstring (vm->L, vm->uart_buf->str, vm->uart_buf->len);
  g_string_truncate (vm->uart_buf, 0);
  mw_sim_vm_callback (vm, 1);
  return TRUE;
}

gboolean
mw_sim_vm_feed (MwSimVm *vm, guint8 byte, gboolean from_uart)
{
  GString *echo;
  gboolean task = FALSE;

  if (vm->L == NULL)
    return FALSE;
  if (vm->uart_cb != LUA_NOREF)
    {
      if (from_uart)
        task = feed_uart_callback (vm, byte);
      if (!vm->uart_run_input || vm->L == NULL || mw_sim_vm_reboot_due (vm))
        return task;
    }

  /* node.input() text goes to the interpreter without the UART's echo */
  echo = g_string_new (NULL);
  if (mw_sim_repl_feed (&vm->repl, byte, from_uart ? echo : NULL) == MW_SIM_REPL_LINE)
    {
      g_autofree char *line = mw_sim_repl_take_line (&vm->repl);

      g_string_append_len (vm->tx, echo->str, echo->len);
      run_line (vm, line);
      task = TRUE;
    }
  else
    g_string_append_len (vm->tx, echo->str, echo->len);
  g_string_free (echo, TRUE);
  return task;
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
      lua_pushfstring (L, "cannot open %s", name);
      return LUA_ERRFILE;
    }
  chunkname = g_strconcat ("@", name, NULL);
  /* NodeMCU bytecode (float or integer) is converted to the host's; source loads as is */
  return mw_lua_chunk_load (L, bytes, len, chunkname);
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

static void
setup_package (lua_State *L)
{
  lua_getglobal (L, "package");
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
      g_strdup_printf ("\nNodeMCU 3.0.0.0 built with moonwire-sim\n"
                       "\tbranch: release\n"
                       "\tcommit: 0000000000000000000000000000000000000000\n"
                       "\tRelease: 3.0-release\n"
                       "\tSSL: false\n"
                       "\tbuild type: %s\n"
                       "\tLFS: 0x0 bytes total capacity\n"
                       "\tmodules: %s\n"
                       " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\n",
                       vm->number_type == MW_LUA_TARGET_INTEGER ? "integer" : "float", mods);
  print_cstr (vm, text);
}

static void
run_init (MwSimVm *vm)
{
  lua_State *L = vm->L;
  int status = mw_sim_vm_load_file (L, "init.lua");

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
      else
        print_error (vm, status);
    }
  lua_settop (L, 0);
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
  L = vm->L = lua_newstate (mw_sim_heap_alloc, &vm->heap);
  g_assert (L != NULL);
  mw_sim_repl_init (&vm->repl);
  vm->wdt_tripped = FALSE;
  vm->restart_pending = FALSE;
  vm->egc_mode = 4; /* ALWAYS, limit 4096: the firmware's boot default */
  vm->egc_limit = 4096;
  vm->strip_level = 2;
  vm->boot_time = g_get_monotonic_time ();

  lua_pushlightuserdata (L, vm);
  lua_setfield (L, LUA_REGISTRYINDEX, VM_KEY);
  /* no io, no os: the firmware has neither */
  lua_pushcfunction (L, luaopen_base);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_package);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_table);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_string);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_math);
  lua_call (L, 0, 0);
  lua_pushcfunction (L, luaopen_debug);
  lua_call (L, 0, 0);
  lua_register (L, "print", l_print);
  lua_register (L, "dofile", l_dofile);
  lua_register (L, "loadfile", l_loadfile);
  lua_getglobal (L, "collectgarbage");
  lua_pushcclosure (L, l_collectgarbage, 1);
  lua_setglobal (L, "collectgarbage");
  setup_package (L);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (mw_sim_vm_has_module (vm, modules[i].name))
      {
        lua_pushcfunction (L, modules[i].open);
        lua_call (L, 0, 0);
      }
  lua_settop (L, 0);
  lua_sethook (L, wdt_hook, LUA_MASKCOUNT, WDT_HOOK_COUNT);

  /* the firmware's emergency GC (mode ALWAYS) keeps garbage near zero: collect eagerly */
  lua_gc (L, LUA_GCCOLLECT, 0);
  lua_gc (L, LUA_GCSETPAUSE, 100);
  vm->heap.limit = vm->heap.used + vm->heap_size;

  print_banner (vm);
  run_init (vm);
  if (!mw_sim_vm_reboot_due (vm))
    prompt (vm, FALSE);
}

void
mw_sim_vm_shutdown (MwSimVm *vm)
{
  if (vm->L == NULL)
    return;
  mw_sim_tmr_shutdown (vm);
  mw_sim_file_shutdown (vm);
  lua_close (vm->L);
  vm->L = NULL;
  vm->uart_cb = LUA_NOREF;
  vm->output_cb = LUA_NOREF;
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
  return vm->restart_pending || vm->wdt_tripped;
}

void
mw_sim_vm_reboot (MwSimVm *vm)
{
  /* After a reset the ROM boot loader prints its line at 74880 baud (docs/firmware.md section 1),
   * which a host at 115200 reads as garbage: its bytes are sent scrambled, bit 7 set, so a
   * host must cope with them as with a board's. The firmware's own texts follow readable. */
  static const char rom[] = " ets Jan  8 2013,rst cause:2, boot mode:(3,6)\r\n";
  const char *cause = vm->wdt_tripped ? "Soft WDT reset\r\n\r\n>>>stack>>>\r\n<<<stack<<<\r\n" : "";
  GString *text = g_string_new ("\r\n");

  g_string_append (text, cause);
  for (gsize i = 0; i < sizeof rom - 1; i++)
    g_string_append_c (text, (char) (((guint8) rom[i] * 37u + 0x95u) | 0x80u));
  g_string_append (text, "\r\n");
  mw_sim_vm_boot (vm, text->str);
  g_string_free (text, TRUE);
}
