/* test-cli-lfs.c: `moonwire-cli lfs build` and `lfs info`, run as a user runs them, on files
 * in a temporary directory. The image bytes themselves are checked in tests/lua/
 * test-lfs-image.c; here, what the user sees. */
#include <string.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "mw-test-support.h"

static gsize
file_size (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return len;
}

/* The heap `moonwire-cli ram` says a file costs loaded from SPIFFS: its first line. */
static guint
ram_total (const char *dir, const char *file)
{
  g_auto (MwTestCliRun) r = { 0 };
  g_autofree char *prefix = g_strdup_printf ("%s: ", file);

  mw_test_cli_run (&r, dir, (const char *[]){ "ram", file, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, prefix));
  return (guint) g_ascii_strtoull (r.out + strlen (prefix), NULL, 10);
}

static void
test_build_and_info (void)
{
  g_autofree char *a = mw_test_write_tmp ("a.lua", "x = 1\n", -1);
  g_autofree char *dir = g_path_get_dirname (a);
  g_autofree char *lib = g_build_filename (dir, "lib", NULL);
  g_autofree char *img = g_build_filename (dir, "app.img", NULL);
  g_autofree char *expect_build = NULL;
  g_autofree char *expect_info = NULL;
  g_auto (MwTestCliRun) build = { 0 }, info = { 0 };
  guint ram_a, ram_http;

  g_assert_cmpint (g_mkdir_with_parents (lib, 0755), ==, 0);
  g_free (mw_test_write_tmp (
    "lib/http.lua", "local M = {}\nfunction M.get(url) return 'GET ' .. url end\nreturn M\n", -1));
  g_setenv ("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  mw_test_cli_run (
    &build, dir,
    (const char *[]){ "lfs", "build", "-o", "app.img", "a.lua", "lib/http.lua", NULL });
  g_unsetenv ("SOURCE_DATE_EPOCH");
  g_assert_cmpint (build.status, ==, 0);
  /* luac.cross -f writes 840 bytes of flash for these two files (its "Image size: 840") */
  expect_build =
    g_strdup_printf ("app.img: 2 modules (a, http), 840 bytes of flash, %" G_GSIZE_FORMAT
                     " bytes compressed, float firmware\n",
                     file_size (img));
  g_assert_cmpstr (build.out, ==, expect_build);
  g_assert_cmpstr (build.err, ==, "");

  ram_a = ram_total (dir, "a.lua");
  ram_http = ram_total (dir, "lib/http.lua");
  mw_test_cli_run (&info, dir, (const char *[]){ "lfs", "info", "app.img", NULL });
  g_assert_cmpint (info.status, ==, 0);
  /* 11 strings: =(luac), a, http, @a.lua, x, @lib/http.lua, get, "GET ", three packed line
   * infos; each 16 bytes of header and its bytes with a NUL, padded to a word: 248 bytes.
   * From LFS a module costs its closure: 20 bytes (docs/firmware.md section 3); from SPIFFS,
   * what `moonwire-cli ram` says. */
  expect_info = g_strdup_printf (
    "app.img: LFS image for the float firmware (signature 0xfafaa154)\n"
    "  flash 840 bytes, file %" G_GSIZE_FORMAT " bytes, built 2023-11-14 22:13:20 UTC\n"
    "  strings 11 (248 bytes of flash)\n"
    "  module               functions from SPIFFS from LFS\n"
    "  a                            1 %11u       20\n"
    "  http                         2 %11u       20\n"
    "  all                            %11u       40\n",
    file_size (img), ram_a, ram_http, ram_a + ram_http);
  g_assert_cmpstr (info.out, ==, expect_info);
}

static void
test_errors (void)
{
  g_autofree char *bad = mw_test_write_tmp ("bad.lua", "x = = 1\n", -1);
  g_autofree char *dir = g_path_get_dirname (bad);
  g_auto (MwTestCliRun) syntax = { 0 }, dup = { 0 }, big = { 0 }, size = { 0 }, none = { 0 },
                        notimg = { 0 }, sub = { 0 };

  g_autofree char *sub_dir = g_build_filename (dir, "sub", NULL);

  g_assert_cmpint (g_mkdir_with_parents (sub_dir, 0755), ==, 0);
  g_free (mw_test_write_tmp ("one.lua", "x = 1\n", -1));
  g_free (mw_test_write_tmp ("sub/one.lua", "y = 2\n", -1));
  mw_test_cli_run (&syntax, dir, (const char *[]){ "lfs", "build", "bad.lua", NULL });
  g_assert_cmpint (syntax.status, ==, 2);
  g_assert_cmpstr (syntax.err, ==, "bad.lua:1: unexpected symbol near '='\n");
  mw_test_cli_run (&dup, dir, (const char *[]){ "lfs", "build", "one.lua", "sub/one.lua", NULL });
  g_assert_cmpint (dup.status, ==, 2);
  g_assert_cmpstr (dup.err, ==,
                   "moonwire-cli lfs: one.lua and sub/one.lua are both module 'one': "
                   "node.LFS.get would only ever find the first; rename one\n");
  /* one.lua needs 424 bytes (luac.cross -f says "Image size: 424") */
  mw_test_cli_run (&big, dir, (const char *[]){ "lfs", "build", "-m", "0x100", "one.lua", NULL });
  g_assert_cmpint (big.status, ==, 2);
  g_assert_cmpstr (big.err, ==,
                   "moonwire-cli lfs: the image needs 424 bytes of flash, more than the 256 "
                   "bytes allowed (--max-size)\n");
  mw_test_cli_run (&size, dir, (const char *[]){ "lfs", "build", "-m", "lots", "one.lua", NULL });
  g_assert_cmpint (size.status, ==, 4);
  g_assert_cmpstr (size.err, ==,
                   "moonwire-cli lfs build: bad --max-size 'lots' (bytes, e.g. 65536 or 64K)\n");
  mw_test_cli_run (&none, dir, (const char *[]){ "lfs", "build", NULL });
  g_assert_cmpint (none.status, ==, 4);
  g_assert_cmpstr (none.err, ==, "moonwire-cli lfs build: no files given\n");
  mw_test_cli_run (&notimg, dir, (const char *[]){ "lfs", "info", "one.lua", NULL });
  g_assert_cmpint (notimg.status, ==, 2);
  g_assert_cmpstr (notimg.err, ==,
                   "one.lua: 6 bytes: too short or not whole words for an LFS image\n");
  mw_test_cli_run (&sub, dir, (const char *[]){ "lfs", "erase", NULL });
  g_assert_cmpint (sub.status, ==, 4);
  g_assert_cmpstr (sub.err, ==,
                   "moonwire-cli lfs: unknown command 'erase' (build, info or flash)\n");
}

/* The image file re-gzipped by zlib with its default 32 KB window (as a desktop gzip does). */
static void
regzip_32k (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  g_autoptr (GByteArray) raw = g_byte_array_new ();
  guint8 buf[4096];
  z_stream in = { 0 }, out = { 0 };
  g_autofree guint8 *gz = NULL;
  gsize len = 0, cap;
  int status;

  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  g_assert_cmpint (inflateInit2 (&in, 15 + 16), ==, Z_OK);
  in.next_in = (Bytef *) data;
  in.avail_in = (uInt) len;
  do
    {
      in.next_out = buf;
      in.avail_out = sizeof buf;
      status = inflate (&in, Z_NO_FLUSH);
      g_byte_array_append (raw, buf, sizeof buf - in.avail_out);
    }
  while (status == Z_OK);
  g_assert_cmpint (status, ==, Z_STREAM_END);
  inflateEnd (&in);
  g_assert_cmpint (deflateInit2 (&out, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  cap = deflateBound (&out, raw->len);
  gz = g_malloc (cap);
  out.next_in = raw->data;
  out.avail_in = raw->len;
  out.next_out = gz;
  out.avail_out = (uInt) cap;
  g_assert_cmpint (deflate (&out, Z_FINISH), ==, Z_STREAM_END);
  deflateEnd (&out);
  g_assert_true (g_file_set_contents (to, (const char *) gz, cap - out.avail_out, NULL));
}

/* `lfs info` on an image file whose gzip stream the firmware's 16 KB inflate window cannot
 * take (its second string repeats the first one's start 17 KB back): the same report with a
 * line that says so, and "fits_inflate_window":false in JSON; the file Moonwire wrote fits. */
static void
test_info_window (void)
{
  g_autoptr (GString) numbers = g_string_new (NULL);
  g_autofree char *source = NULL;
  g_autofree char *far = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *img = NULL;
  g_autofree char *gzip_img = NULL;
  g_autofree char *expect = NULL;
  g_autofree char *expect_json = NULL;
  g_auto (MwTestCliRun) build = { 0 }, own = { 0 }, bad = { 0 }, own_json = { 0 }, bad_json = { 0 };
  g_auto (GStrv) lines = NULL;
  g_autofree char *own_size = NULL, *bad_size = NULL;
  GString *want = g_string_new (NULL);

  for (guint i = 1; numbers->len < 17000; i++)
    g_string_append_printf (numbers, "%u,", i);
  source = g_strdup_printf ("return '%s', 'again %.300s'\n", numbers->str, numbers->str);
  far = mw_test_write_tmp ("far.lua", source, -1);
  dir = g_path_get_dirname (far);
  img = g_build_filename (dir, "far.img", NULL);
  gzip_img = g_build_filename (dir, "gzip.img", NULL);
  mw_test_cli_run (&build, dir,
                   (const char *[]){ "lfs", "build", "-o", "far.img", "far.lua", NULL });
  g_assert_cmpint (build.status, ==, 0);
  regzip_32k (img, gzip_img);

  mw_test_cli_run (&own, dir, (const char *[]){ "lfs", "info", "far.img", NULL });
  mw_test_cli_run (&bad, dir, (const char *[]){ "lfs", "info", "gzip.img", NULL });
  g_assert_cmpint (own.status, ==, 0);
  g_assert_cmpint (bad.status, ==, 0);
  /* the same report but for the name, the file size and the line after the sizes */
  own_size = g_strdup_printf (", file %" G_GSIZE_FORMAT " bytes,", file_size (img));
  bad_size = g_strdup_printf (", file %" G_GSIZE_FORMAT " bytes,", file_size (gzip_img));
  lines = g_strsplit (own.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr (GString) line = g_string_new (lines[i]);

      if (i == 0)
        g_string_replace (line, "far.img:", "gzip.img:", 1);
      if (i == 1)
        g_assert_cmpuint (g_string_replace (line, own_size, bad_size, 1), ==, 1);
      g_string_append_printf (want, "%s\n", line->str);
      if (i == 1)
        g_string_append (want, "  not loadable as it is: its gzip stream refers further back "
                               "than the firmware's 16 KB inflate window; node.LFS.reload() "
                               "would answer \"invalid dictionary offset on inflate\" (lfs "
                               "flash sends the image recompressed)\n");
    }
  expect = g_string_free (want, FALSE);
  g_assert_cmpstr (bad.out, ==, expect);

  mw_test_cli_run (&own_json, dir, (const char *[]){ "lfs", "info", "--json", "far.img", NULL });
  mw_test_cli_run (&bad_json, dir, (const char *[]){ "lfs", "info", "--json", "gzip.img", NULL });
  {
    g_autoptr (GString) j = g_string_new (own_json.out);
    g_autofree char *own_file =
      g_strdup_printf ("\"file_size\":%" G_GSIZE_FORMAT ",", file_size (img));
    g_autofree char *bad_file =
      g_strdup_printf ("\"file_size\":%" G_GSIZE_FORMAT ",", file_size (gzip_img));

    g_assert_cmpuint (g_string_replace (j, "\"far.img\"", "\"gzip.img\"", 1), ==, 1);
    g_assert_cmpuint (g_string_replace (j, own_file, bad_file, 1), ==, 1);
    g_assert_cmpuint (
      g_string_replace (j, "\"fits_inflate_window\":true", "\"fits_inflate_window\":false", 1), ==,
      1);
    expect_json = g_string_free (g_steal_pointer (&j), FALSE);
  }
  g_assert_cmpstr (bad_json.out, ==, expect_json);
}

/* `ram` shows both: from SPIFFS the whole chunk, from LFS the closure (docs/ram-model.md works
 * this example through: 350 bytes; a closure without upvalues is 20) */
static void
test_ram_spiffs_vs_lfs (void)
{
  g_autofree char *src =
    mw_test_write_tmp ("x.lua", "print(\"hi\") local a=1 function f(x) return x+a end", -1);
  g_autofree char *dir = g_path_get_dirname (src);
  g_auto (MwTestCliRun) text = { 0 }, json = { 0 };

  mw_test_cli_run (&text, dir, (const char *[]){ "ram", "x.lua", NULL });
  g_assert_cmpint (text.status, ==, 0);
  g_assert_true (
    g_str_has_prefix (text.out, "x.lua: 350 bytes of heap when loaded (float firmware)\n"));
  g_assert_nonnull (strstr (text.out, "\n  from LFS: 20 bytes (its closure; code and constant "
                                      "strings stay in flash), 330 less than from SPIFFS\n"));
  mw_test_cli_run (&json, dir, (const char *[]){ "ram", "--json", "x.lua", NULL });
  g_assert_nonnull (strstr (json.out, ",\"main_closure\":20,\"lfs\":20,"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/cli/lfs/build-and-info", test_build_and_info);
  g_test_add_func ("/mw/cli/lfs/errors", test_errors);
  g_test_add_func ("/mw/cli/lfs/info-window", test_info_window);
  g_test_add_func ("/mw/cli/lfs/ram", test_ram_spiffs_vs_lfs);
  return g_test_run ();
}
