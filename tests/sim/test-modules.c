/* test-modules.c: the firmware modules' names, argument checks and results (docs/firmware.md
 * section 2): node, bit, sjson, gpio, wifi, and encoder/crypto only when enabled. */
#include <string.h>

#include "mw-sim-test.h"

typedef struct
{
  const char *name;
  const char *line;
  const char *want;
} ModuleCase;

static const ModuleCase default_cases[] = {
  /* docs/firmware.md section 2: encoder and crypto are not in the default module set */
  { "no-encoder", "print(encoder, crypto, type(bit), type(sjson))", "nil\tnil\ttable\ttable" },
  { "no-io-os", "print(io, os)", "nil\tnil" },
  /* node */
  { "heap-integer", "h=node.heap() print(h == math.floor(h), h > 40000)", "true\ttrue" },
  /* app/modules/node.c node_info: without an argument, a deprecation note first */
  { "info-legacy", "a,b,c,d,e,f,g,h=node.info() print(a,b,c,d==node.chipid(),f,h)",
    "Warning, deprecated API! node.info() without parameter. It will be removed in the next "
    "version. See documentation for details.\n3\t0\t0\ttrue\t4096\t40000000" },
  { "info-build", "i=node.info('build_config') print(i.number_type, i.modules, i.ssl)",
    "float\tbit,file,gpio,node,sjson,tmr,uart,wifi\tfalse" },
  { "info-sw", "i=node.info('sw_version') print(i.node_version_major, i.node_version_minor)",
    "3\t0" },
  { "info-hw", "i=node.info('hw') print(i.chip_id==node.chipid(), i.flash_size)", "true\t4096" },
  { "info-bad", "print(pcall(node.info, 'nope'))",
    "false\tbad argument #1 to '?' (invalid option 'nope')" },
  { "stripdebug", "print(node.stripdebug(), node.stripdebug(3), node.stripdebug())", "2\t3\t3" },
  { "stripdebug-bad", "print(pcall(node.stripdebug, 4))",
    "false\tbad argument #1 to '?' (must be in range 1-3)" },
  { "egc",
    "node.egc.setmode(node.egc.ALWAYS, 4096) print(node.egc.ALWAYS, "
    "pcall(node.egc.setmode, 8))",
    "4\tfalse\tbad argument #1 to '?' (invalid mode)" },
  /* app/modules/node.c: node.sleep is in every build, and raises without PMSLEEP_ENABLE after a
   * note written straight to the UART */
  { "sleep-unavailable", "print(pcall(node.sleep, {wake_pin = 1}))",
    "\n The options \"TIMER_SUSPEND_ENABLE\" and \"PMSLEEP_ENABLE\" in "
    "\"app/include/user_config.h\" were disabled during FW build!\n"
    "false\tnode.sleep() is unavailable" },
  /* node.output redirects print; node.input feeds the REPL */
  /* app/modules/node.c node.output: print's text, and the prompt, go to a pipe whose reader
   * runs later as a task of its own and gets the pipe */
  { "output",
    "s='' node.output(function(p) for r in p:reader() do s=s..r..'|' end end, 1) "
    "print('shown') print('again')",
    "shown\nagain" },
  { "output-read", "node.output(nil) print(s)", "shown|again|> |" },
  /* app/modules/pipe.c */
  { "pipe",
    "p=pipe.create() p:write('ab\\ncd') print(p:read(), p:read(1), #tostring(p)) "
    "p:unread('x') print(p:read(10), p:read())",
    "ab\tc\t1\nxd\tnil" },
  /* bit: 32-bit, signed results */
  { "bit",
    "print(bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 1), bit.bnot(0), "
    "bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-16, 2), bit.isset(5, 2), "
    "bit.set(0, 1, 3), bit.clear(15, 0))",
    "15\t7\t4\t-1\t-2147483648\t15\t-4\ttrue\t10\t14" },
  /* sjson */
  { "sjson-decode",
    "t=sjson.decode('{\"a\":[1,2,{\"b\":\"x\\\\ny\"}],\"c\":true,\"d\":null}') "
    "print(t.a[1], t.a[3].b, t.c, type(t.d), sjson.NULL)",
    "1\tx\ny\ttrue\tuserdata\tnil" },
  /* app/modules/sjson.c: the streaming forms */
  { "sjson-stream",
    "e=sjson.encoder({a={1,2}}) print(e:read(4), e:read(100), e:read()) "
    "d=sjson.decoder() print(d:write('{\"k\":[1,'), d:write('2]}')[\"k\"][2], d:result().k[1])",
    "{\"a\"\t:[1,2]}\tnil\nnil\t2\t1" },
  { "sjson-encode", "print(sjson.encode({1,'two',true}), sjson.encode({k='v'}))",
    "[1,\"two\",true]\t{\"k\":\"v\"}" },
  { "sjson-bad", "print(pcall(sjson.decode, '{\"a\":'))", "false\tsjson: unexpected end of input" },
  /* gpio keeps levels */
  { "gpio", "gpio.mode(4, gpio.OUTPUT) gpio.write(4, gpio.HIGH) print(gpio.read(4), gpio.read(5))",
    "1\t0" },
  { "gpio-bad", "print(pcall(gpio.write, 13, 1))",
    "false\tbad argument #1 to '?' (wrong pin num.)" },
  /* wifi: a station that is not connected */
  { "wifi",
    "print(wifi.getmode() == wifi.STATION, wifi.sta.status() == wifi.STA_IDLE, "
    "wifi.sta.getip())",
    "true\ttrue\tnil" },
  /* uart */
  { "uart-config", "print(uart.getconfig(0))", "115200\t8\t0\t1" },
};

static const ModuleCase extra_cases[] = {
  { "encoder",
    "print(encoder.toHex('\\0\\255A'), encoder.fromHex('414243'), "
    "encoder.toBase64('hello'), encoder.fromBase64('aGVsbG8='))",
    "00ff41\tABC\taGVsbG8=\thello" },
  { "encoder-bad", "print(pcall(encoder.fromHex, 'zz'))", "false\tInvalid hex string" },
  /* raw digests */
  { "md5", "print(encoder.toHex(crypto.hash('md5', 'abc')))", "900150983cd24fb0d6963f7d28e17f72" },
  { "sha1", "print(encoder.toHex(crypto.hash('SHA1', 'abc')))",
    "a9993e364706816aba3e25717850c26c9cd0d89d" },
  { "sha256",
    "print(#crypto.hash('sha256', ''), encoder.toHex(crypto.hash('sha256', 'abc')):sub(1,8))",
    "32\tba7816bf" },
  { "fhash", "file.putcontents('f', 'abc') print(encoder.toHex(crypto.fhash('md5', 'f')))",
    "900150983cd24fb0d6963f7d28e17f72" },
  { "hash-bad", "print(pcall(crypto.hash, 'crc', 'x'))", "false\tunknown hash algorithm: crc" },
  /* app/modules/crypto.c in 3.0 has no toHex (encoder.toHex replaced it): a verification
   * that calls crypto.toHex, as nodemcu-uploader's --verify=sha1 does, fails as on a board */
  { "no-crypto-tohex",
    "print(crypto.toHex, pcall(function() return crypto.toHex(crypto.fhash('sha1','f')) end))",
    "nil\tfalse\tstdin:1: attempt to call field 'toHex' (a nil value)" },
};

static void
run_cases (const char *modules, const ModuleCase *cases, guint n)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;

  mw_sim_test_options (&opts);
  opts.modules = modules;
  board = mw_sim_test_board_new (&opts, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *out = mw_sim_test_run (board, cases[i].line);
      g_auto (GStrv) lines = g_strsplit (out, "\r\n", -1);
      g_autofree char *joined = g_strjoinv ("\n", lines);

      if (!g_str_equal (joined, cases[i].want))
        {
          g_test_message ("%s: got \"%s\", want \"%s\"", cases[i].name, joined, cases[i].want);
          g_test_fail ();
        }
    }
}

static void
test_default_modules (void)
{
  run_cases (NULL, default_cases, G_N_ELEMENTS (default_cases));
}

/* node.input() text runs as REPL input, without echo, after the current task */
static void
test_node_input (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *out = NULL;
  g_autoptr (GString) got = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  out = mw_sim_test_run (board, "node.input('print(6*7)\\n')");
  g_assert_cmpstr (out, ==, "");
  got = mw_sim_test_read_n (board, 6, 3000);
  mw_sim_test_assert_bytes ("injected", got->str, got->len, "42\r\n> ", 6);
}

static void
test_encoder_crypto (void)
{
  run_cases ("bit,crypto,encoder,file,node", extra_cases, G_N_ELEMENTS (extra_cases));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/modules/default", test_default_modules);
  g_test_add_func ("/mw/sim/modules/encoder-crypto", test_encoder_crypto);
  g_test_add_func ("/mw/sim/modules/node-input", test_node_input);
  return g_test_run ();
}
