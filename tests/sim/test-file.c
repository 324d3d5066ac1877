/* test-file.c: the `file` module's SPIFFS semantics (docs/firmware.md section 2), driven through
 * the REPL of a simulated board; the flash is a host folder the test also reads. */
#include <glib/gstdio.h>
#include <string.h>

#include "mw-sim-test.h"

typedef struct
{
  const char *name;
  const char *line;
  const char *want;
} FileCase;

/* Run in order on one board with an empty flash. */
static const FileCase file_cases[] = {
  { "open-missing", "print(file.open('nope.txt', 'r'))", "nil" },
  /* app/modules/file.c: the file object's metatable has no __tostring */
  { "object-is-userdata",
    "f=file.open('a.txt','w') print(type(f), tostring(f):match('^userdata: 0x%x+$') ~= nil) "
    "f:close()",
    "userdata\ttrue" },
  /* app/modules/file.c file_write: one string; further arguments are ignored (ESPlorer's
   * "Turbo" save writes f:write(string.gsub(...)), whose count must not reach the file) */
  { "write-first-argument",
    "f=file.open('w.txt','w') print(f:write(string.gsub('a-b', '-', '+'))) "
    "print(file.write('c', 'd')) f:close() print(file.getcontents('w.txt'))",
    "true\ntrue\na+bc" },
  { "stat",
    "file.putcontents('s.dat', '12345') t=file.stat('s.dat') "
    "print(t.size, t.name, t.is_dir, t.is_rdonly, t.time.year, t.time.mon, t.time.day, "
    "file.stat('nope'))",
    "5\ts.dat\tfalse\tfalse\t1970\t1\t1\tnil" },
  { "on-and-fscfg", "file.on('rtc', nil) a, s = file.fscfg() print(a, s)", "1048576\t3145728" },
  { "write-object", "f=file.open('a.txt','w') print(f:write('hello'), f:write(' world')) f:close()",
    "true\ttrue" },
  { "read-object", "f=file.open('a.txt') print(f:read()) print(f:read()) f:close()",
    "hello world\nnil" },
  { "read-n", "f=file.open('a.txt') print(f:read(3), f:read(2)) f:close()", "hel\tlo" },
  { "read-char", "f=file.open('a.txt') print(f:read('o')) f:close()", "hello" },
  { "append", "f=file.open('a.txt','a+') f:write('!') f:close() print(file.getcontents('a.txt'))",
    "hello world!" },
  { "readline",
    "file.putcontents('l.txt','one\\ntwo\\n') f=file.open('l.txt') "
    "print(f:readline()..f:readline()..tostring(f:readline())) f:close()",
    "one\ntwo\nnil" },
  { "seek", "f=file.open('a.txt','r') print(f:seek('set',6), f:read(5), f:seek('end')) f:close()",
    "6\tworld\t12" },
  /* app/spiffs/spiffs_hydrogen.c SPIFFS_lseek: not past the end; the position stays there
   * (docs/firmware.md section 7) */
  { "seek-past-end",
    "f=file.open('a.txt','r+') print(f:seek('set',13), f:seek('cur'), f:seek('end',1), "
    "f:seek('set',12)) f:write('?') f:close() print(file.getcontents('a.txt'))",
    "nil\t12\tnil\t12\nhello world!?" },
  /* module-level forms act on the last opened file */
  { "module-level",
    "file.open('m.txt','w+') file.write('abc') file.seek('set',1) "
    "print(file.read()) file.close()",
    "bc" },
  { "writeline",
    "f=file.open('w.txt','w') f:writeline('x') f:close() print(#file.getcontents('w.txt'))", "2" },
  /* binary-safe writes: NUL and high bytes */
  { "binary",
    "file.putcontents('b.bin','a\\0\\255b') print(#file.getcontents('b.bin'), "
    "file.getcontents('b.bin'):byte(2,3))",
    "4\t0\t255" },
  { "exists", "print(file.exists('a.txt'), file.exists('zz'))", "true\tfalse" },
  /* rename returns a boolean and fails if the new name exists */
  { "rename-exists", "print(file.rename('a.txt','b.bin'))", "false" },
  { "rename", "print(file.rename('a.txt','c.txt'), file.exists('a.txt'), file.exists('c.txt'))",
    "true\tfalse\ttrue" },
  { "remove", "file.remove('c.txt') print(file.exists('c.txt'))", "false" },
  { "list", "l=file.list() print(l['b.bin'], l['l.txt'], l['c.txt'])", "4\t8\tnil" },
  { "list-pattern", "n=0 for k in pairs(file.list('%.txt$')) do n=n+1 end print(n)", "3" },
  /* 31-character names */
  { "name-31", "print(file.putcontents(string.rep('n',31),'x'))", "true" },
  { "name-32", "print(pcall(file.open, string.rep('n',32), 'w'))",
    "false\tbad argument #1 to '?' (filename invalid)" },
  /* at most 4 files open */
  { "open-limit",
    "t={} for i=1,5 do t[i]=file.open('o'..i,'w') end print(t[4]~=nil, t[5]) "
    "for i=1,4 do t[i]:close() end",
    "true\tnil" },
  { "closed-object", "f=file.open('a2','w') f:close() print(pcall(f.write, f, 'x'))",
    "false\tfile closed" },
  { "getcontents-missing", "print(file.getcontents('missing'))", "nil" },
  { "slash-name", "print(file.putcontents('lib/x.lua','return 5'), dofile('lib/x.lua'))",
    "true\t5" },
};

static void
test_sequence (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (file_cases); i++)
    {
      g_autofree char *out = mw_sim_test_run (board, file_cases[i].line);
      g_auto (GStrv) lines = g_strsplit (out, "\r\n", -1);
      g_autofree char *joined = g_strjoinv ("\n", lines);

      if (!g_str_equal (joined, file_cases[i].want))
        {
          g_test_message ("%s: got \"%s\", want \"%s\"", file_cases[i].name, joined,
                          file_cases[i].want);
          g_test_fail ();
        }
    }
}

/* files written on the board are plain files in the host folder, and the other way round */
static void
test_host_folder (void)
{
  MwSimOptions opts;
  g_autofree char *dir = g_dir_make_tmp ("mw-sim-fs-XXXXXX", NULL);
  g_autofree char *host = g_build_filename (dir, "fromhost.txt", NULL);
  g_autofree char *board_file = g_build_filename (dir, "fromboard.txt", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (host, "host!", -1, NULL));
  mw_sim_test_options (&opts);
  opts.fs_dir = dir;
  {
    g_autoptr (MwSimTestBoard) board = mw_sim_test_board_new (&opts, NULL);
    g_autofree char *out = mw_sim_test_run (board, "print(file.getcontents('fromhost.txt'))");
    g_autofree char *out2 = mw_sim_test_run (board, "file.putcontents('fromboard.txt','board!')");

    g_assert_cmpstr (out, ==, "host!");
    g_assert_cmpstr (mw_sim_get_fs_dir (board->sim), ==, dir);
  }
  g_assert_true (g_file_get_contents (board_file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "board!");
  g_unlink (host);
  g_unlink (board_file);
  g_rmdir (dir);
}

/* docs/firmware.md section 7: SPIFFS counts pages. A 64 KB partition has 8 blocks of 8 KB,
 * 31 usable pages each; two blocks are spare, plus one page: 187 pages of 251 data bytes
 * (app/spiffs/spiffs_hydrogen.c SPIFFS_info). A file takes an index header page and one
 * data page per 251 bytes, and another index page past 105 data pages. */
static void
test_pages (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *fresh = NULL, *five = NULL, *empty = NULL, *fill = NULL, *after = NULL;
  g_autofree char *more = NULL, *removed = NULL;

  mw_sim_test_options (&opts);
  opts.fs_size = 64 * 1024;
  board = mw_sim_test_board_new (&opts, NULL);
  fresh = mw_sim_test_run (board, "print(file.fsinfo())");
  g_assert_cmpstr (fresh, ==, "46937\t0\t46937");
  /* 5 bytes: two pages */
  five = mw_sim_test_run (board, "file.putcontents('a', '12345') print(file.fsinfo())");
  g_assert_cmpstr (five, ==, "46435\t502\t46937");
  /* an empty file: its header page */
  empty = mw_sim_test_run (board, "file.open('e', 'w'):close() print(file.fsinfo())");
  g_assert_cmpstr (empty, ==, "46184\t753\t46937");
  /* 184 pages left: a header, 182 data pages and the second index page; the 183rd page of
   * data does not fit */
  fill = mw_sim_test_run (board, "f=file.open('big','w') s=string.rep('x',251) n=0 "
                                 "while f:write(s) do n=n+1 end f:close() print(n)");
  g_assert_cmpstr (fill, ==, "182");
  after = mw_sim_test_run (board, "print(file.fsinfo())");
  g_assert_cmpstr (after, ==, "0\t46937\t46937");
  more = mw_sim_test_run (board, "print(file.putcontents('more', 'y'), file.open('new', 'w'))");
  g_assert_cmpstr (more, ==, "nil\tnil");
  removed = mw_sim_test_run (board, "file.remove('big') print(file.fsinfo())");
  g_assert_cmpstr (removed, ==, "46184\t753\t46937");
}

/* app/modules/file.c file_format: "format done." straight to the UART */
static void
test_format (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *out = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  out = mw_sim_test_run (board, "file.putcontents('x', '1') file.format() print(file.exists('x'))");
  g_assert_cmpstr (out, ==, "format done.\r\nfalse");
}

/* docs/firmware.md section 2: getcontents/putcontents exist only from 3.0 */
static void
test_22_has_no_contents (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *out = NULL;

  mw_sim_test_options (&opts);
  opts.firmware = MW_SIM_FIRMWARE_2_2;
  board = mw_sim_test_board_new (&opts, NULL);
  out = mw_sim_test_run (board, "print(file.getcontents, file.putcontents, type(file.open))");
  g_assert_cmpstr (out, ==, "nil\tnil\tfunction");
}

/* dofile, require and loadfile read the flash; node.compile writes stripped NodeMCU
 * bytecode that dofile loads (docs/firmware.md section 2: runtime errors then carry no line) */
static void
test_load_and_compile (void)
{
  static const FileCase cases[] = {
    { "put",
      "file.putcontents('m.lua','local a=...\\nif type(a)~=\"number\" then a=1 end return a*2')",
      "" },
    { "dofile", "print(dofile('m.lua'))", "2" },
    { "loadfile", "print(loadfile('m.lua')(21))", "42" },
    { "require", "print(require('m'), package.loaded.m)", "2\t2" },
    /* app/lua/lauxlib.c errfile: "cannot open NAME: " and an empty strerror, as for init.lua */
    { "loadfile-missing", "print(loadfile('none.lua'))", "nil\tcannot open none.lua: " },
    { "dofile-missing", "print(pcall(dofile, 'none.lua'))", "false\tcannot open none.lua: " },
    { "compile", "node.compile('m.lua') print(file.exists('m.lc'))", "true" },
    { "lc-header", "print(file.getcontents('m.lc'):sub(1,12):byte(1,-1))",
      "27\t76\t117\t97\t81\t0\t1\t4\t4\t4\t8\t0" },
    { "dofile-lc", "print(dofile('m.lc'))", "2" },
    { "require-lc-first",
      "package.loaded.m=nil file.putcontents('m.lua','return 0') "
      "print(require('m'))",
      "2" },
    /* app/modules/node.c node_compile */
    { "compile-name", "print(pcall(node.compile, 'm.txt'))", "false\tnot a .lua file" },
    { "compile-missing", "print(pcall(node.compile, 'zz.lua'))", "false\tcannot open zz.lua: " },
    { "compile-syntax", "file.putcontents('bad.lua','x=') print(pcall(node.compile,'bad.lua'))",
      "false\tbad.lua:1: unexpected symbol near '<eof>'" },
  };
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = mw_sim_test_run (board, cases[i].line);
      if (!g_str_equal (out, cases[i].want))
        {
          g_test_message ("%s: got \"%s\", want \"%s\"", cases[i].name, out, cases[i].want);
          g_test_fail ();
        }
    }
}

/* docs/firmware.md section 2: node.compile parses the whole file in device RAM, so big files fail
 * with "not enough memory", and the REPL goes on */
static void
test_compile_big (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GString) big = g_string_new (NULL);
  g_autofree char *path = NULL, *out = NULL, *small = NULL;
  int i;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  for (i = 0; big->len < 120000; i++)
    g_string_append_printf (big, "t%d = { name = \"item %d\", value = %d }\n", i % 40, i, i);
  path = g_build_filename (mw_sim_get_fs_dir (board->sim), "big.lua", NULL);
  g_assert_true (g_file_set_contents (path, big->str, big->len, NULL));
  out = mw_sim_test_run (board, "print(pcall(node.compile, 'big.lua'))");
  g_assert_cmpstr (out, ==, "false\tnot enough memory");
  small = mw_sim_test_run (board, "file.remove('big.lua') print(file.exists('big.lc'), "
                                  "node.heap() > 40000)");
  g_assert_cmpstr (small, ==, "false\ttrue");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/file/sequence", test_sequence);
  g_test_add_func ("/mw/sim/file/host-folder", test_host_folder);
  g_test_add_func ("/mw/sim/file/pages", test_pages);
  g_test_add_func ("/mw/sim/file/format", test_format);
  g_test_add_func ("/mw/sim/file/firmware-2.2", test_22_has_no_contents);
  g_test_add_func ("/mw/sim/file/load-and-compile", test_load_and_compile);
  g_test_add_func ("/mw/sim/file/compile-big", test_compile_big);
  return g_test_run ();
}
