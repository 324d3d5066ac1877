/* mw-test-support.h: helpers shared by the test programs: the Lua corpus and luac5.1. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every .lua file under the corpus root (MOONWIRE_CORPUS_DIR, default /usr/share/lua/5.1),
 * symlinks followed, sorted by path. Fails the test when the root is missing: the corpus is
 * installed by scripts/bootstrap. */
GPtrArray *mw_test_corpus_files (void);

/* Runs luac5.1 with `args` (NULL-terminated, without the program name); returns its exit
 * status and, if asked, its standard output and error. */
int mw_test_luac (const char *const *args, char **out, char **err);

/* luac5.1 -p on a buffer (written to a temporary file named `name`); returns TRUE when luac
 * accepts it, else FALSE with luac's message less its "luac5.1: " prefix in *message. */
gboolean mw_test_luac_check_source (const char *name, const char *source, gsize length,
                                    char **message);

/* One function of a `luac5.1 -l -l` listing, as its header and instructions show it. */
typedef struct
{
  guint line_defined, last_line;
  guint params, upvalues, locals;
  GPtrArray *globals; /* "R name" (GETGLOBAL) / "W name" (SETGLOBAL), in instruction order */
} MwTestLuacFunction;

/* Parses `luac5.1 -l -l` output into MwTestLuacFunction* (pre-order, as luac prints them). */
GPtrArray *mw_test_luac_listing_parse (const char *listing);

/* A path in a per-test temporary directory, removed at exit. */
char *mw_test_tmp_path (const char *name);

/* Runs the built moonwire-cli (MOONWIRE_CLI) with `args` (NULL-terminated) in `cwd` (NULL:
 * the current directory); returns its exit code (failing the test if it did not exit). */
int mw_test_run_cli (const char *const *args, const char *cwd, char **out, char **err);

/* A finished moonwire-cli run: exit code and captured output. */
typedef struct
{
  int status;
  char *out;
  char *err;
} MwTestCliRun;

void mw_test_cli_run_clear (MwTestCliRun *run);
/* mw_test_run_cli() into `run` */
void mw_test_cli_run (MwTestCliRun *run, const char *cwd, const char *const *args);

/* Writes `content` to mw_test_tmp_path (name) and returns that path. */
char *mw_test_write_tmp (const char *name, const char *content, gssize length);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MwTestCliRun, mw_test_cli_run_clear)

/* Feeds every file of the data folder `relative` (under tests/) to a fuzzer's entry point;
 * returns how many. Fuzzers' seed corpora replay this way in every normal test run. */
guint mw_test_replay_seeds (const char *relative, int (*entry) (const guint8 *data, size_t size));

/* A data file under tests/ (MOONWIRE_TEST_DATA). */
char *mw_test_data_path (const char *relative);

G_END_DECLS
