/* mw-lua-minify-verify.c: compares the bytecode liblua5.1 makes of two sources. */
#include "mw-config.h"

#include <string.h>

#include "mw-lua-chunk.h"
#include "mw-lua-minify-verify.h"

/* Inputs smaller than this are compiled on the calling thread. */
#define WORKER_MIN_BYTES (2 * 1024)

struct _MwLuaMinifyVerify
{
  char *chunkname; /* "@file", as luaL_loadfile names chunks */
  const char *original;
  gsize original_len;
  gboolean lines;
  gint ref; /* the caller's, and the queued job's while it is queued */
  gint taken; /* set by whichever thread compiles the input first */
  GMutex lock;
  GCond done_cond;
  gboolean done; /* the worker has set chunk or error */
  MwLuaChunk *chunk;
  GError *error;
};

/* luaL_loadfile skips a first line starting with '#' but keeps its line break, so that line
 * numbers stay right; luaL_loadbuffer does not, so skip it here the same way. */
static const char *
skip_shebang (const char *source, gsize *len)
{
  const char *nl;

  if (*len == 0 || source[0] != '#')
    return source;
  nl = memchr (source, '\n', *len);
  if (nl == NULL)
    {
      *len = 0;
      return "";
    }
  *len -= nl - source;
  return nl;
}

static MwLuaChunk *
compile (const char *chunkname, const char *source, gsize len, GError **error)
{
  source = skip_shebang (source, &len);
  return mw_lua_chunk_new_from_source (chunkname, source, len, error);
}

static char *
describe_function (const MwLuaProto *f, guint index)
{
  if (index == 0)
    return g_strdup ("main chunk");
  return g_strdup_printf ("function at line %d (function %u)", f->linedefined, index);
}

/* Same line info in every function (the functions are known to match otherwise). */
static gboolean
lines_equal (const MwLuaProto *a, const MwLuaProto *b, guint *index, char **difference)
{
  if (a->n_lineinfo != b->n_lineinfo)
    {
      g_autofree char *where = describe_function (a, *index);
      *difference = g_strdup_printf ("%s: line info for %u instructions, not %u", where,
                                     a->n_lineinfo, b->n_lineinfo);
      return FALSE;
    }
  for (guint i = 0; i < a->n_lineinfo; i++)
    if (a->lineinfo[i] != b->lineinfo[i])
      {
        g_autofree char *where = describe_function (a, *index);
        *difference = g_strdup_printf ("%s: line of instruction %u differs (%d, not %d)", where,
                                       i + 1, a->lineinfo[i], b->lineinfo[i]);
        return FALSE;
      }
  for (guint i = 0; i < a->n_protos; i++)
    {
      ++*index;
      if (!lines_equal (a->protos[i], b->protos[i], index, difference))
        return FALSE;
    }
  return TRUE;
}

static void
verify_unref (MwLuaMinifyVerify *v)
{
  if (!g_atomic_int_dec_and_test (&v->ref))
    return;
  g_clear_pointer (&v->chunk, mw_lua_chunk_unref);
  g_clear_error (&v->error);
  g_mutex_clear (&v->lock);
  g_cond_clear (&v->done_cond);
  g_free (v->chunkname);
  g_free (v);
}

/* Compiles the input unless another thread has taken the job; TRUE when this one did. */
static gboolean
take_and_compile (MwLuaMinifyVerify *v)
{
  GError *error = NULL;
  MwLuaChunk *chunk;

  if (!g_atomic_int_compare_and_exchange (&v->taken, FALSE, TRUE))
    return FALSE;
  chunk = compile (v->chunkname, v->original, v->original_len, &error);
  g_mutex_lock (&v->lock);
  v->chunk = chunk;
  v->error = error;
  v->done = TRUE;
  g_cond_signal (&v->done_cond);
  g_mutex_unlock (&v->lock);
  return TRUE;
}

static void
compile_original (gpointer data, gpointer user_data)
{
  MwLuaMinifyVerify *v = data;

  take_and_compile (v);
  verify_unref (v);
}

static GThreadPool *
worker_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *p = g_thread_pool_new (compile_original, NULL,
                                          MAX (2, (int) g_get_num_processors ()), FALSE, NULL);
      g_once_init_leave (&pool, p);
    }
  return pool;
}

MwLuaMinifyVerify *
mw_lua_minify_verify_start (const char *chunkname, const char *original, gsize original_len,
                            gboolean lines)
{
  MwLuaMinifyVerify *v;

  g_return_val_if_fail (chunkname != NULL, NULL);
  g_return_val_if_fail (original != NULL || original_len == 0, NULL);

  v = g_new0 (MwLuaMinifyVerify, 1);
  v->chunkname = g_strconcat ("@", chunkname, NULL);
  v->original = original != NULL ? original : "";
  v->original_len = original_len;
  v->lines = lines;
  v->ref = 1;
  g_mutex_init (&v->lock);
  g_cond_init (&v->done_cond);
  /* handing a small input to a worker costs more (a wake-up, and waiting for it when the
   * worker is slow to start) than compiling it in finish */
  if (original_len >= WORKER_MIN_BYTES)
    {
      g_atomic_int_inc (&v->ref);
      g_thread_pool_push (worker_pool (), v, NULL);
    }
  return v;
}

/* The input compiled: by the caller if no worker has started on it yet, as waiting for a
 * worker to wake up would cost more than the compile it saves. */
static void
wait_done (MwLuaMinifyVerify *v)
{
  if (take_and_compile (v))
    return;
  g_mutex_lock (&v->lock);
  while (!v->done)
    g_cond_wait (&v->done_cond, &v->lock);
  g_mutex_unlock (&v->lock);
}

gboolean
mw_lua_minify_verify_finish (MwLuaMinifyVerify *v, const char *minified, gsize minified_len,
                             guint *functions, char **difference)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) b = NULL;
  MwLuaChunkCompareFlags flags;

  g_return_val_if_fail (v != NULL, FALSE);
  g_return_val_if_fail (minified != NULL || minified_len == 0, FALSE);
  g_return_val_if_fail (difference != NULL && *difference == NULL, FALSE);

  if (functions != NULL)
    *functions = 0;
  b = compile (v->chunkname, minified != NULL ? minified : "", minified_len, &error);
  wait_done (v);
  if (v->chunk == NULL)
    {
      *difference = g_strdup_printf ("the input does not compile: %s", v->error->message);
      return FALSE;
    }
  if (b == NULL)
    {
      *difference = g_strdup_printf ("the output does not compile: %s", error->message);
      return FALSE;
    }
  /* debug info holds the renamed locals' names; with lines, the line info is compared
   * apart, as what the firmware keeps after node.stripdebug(2) */
  flags = MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG;
  if (!v->lines)
    flags |= MW_LUA_CHUNK_COMPARE_IGNORE_LINES_DEFINED;
  if (!mw_lua_chunk_equal (v->chunk, b, flags, difference))
    return FALSE;
  if (v->lines)
    {
      guint index = 0;
      if (!lines_equal (mw_lua_chunk_get_main (v->chunk), mw_lua_chunk_get_main (b), &index,
                        difference))
        return FALSE;
    }
  if (functions != NULL)
    *functions = mw_lua_proto_count (mw_lua_chunk_get_main (v->chunk));
  return TRUE;
}

void
mw_lua_minify_verify_free (MwLuaMinifyVerify *v)
{
  if (v == NULL)
    return;
  /* a job no worker has started needs no compile; one in progress reads v->original, which
   * the caller may free once this returns */
  if (!g_atomic_int_compare_and_exchange (&v->taken, FALSE, TRUE))
    {
      g_mutex_lock (&v->lock);
      while (!v->done)
        g_cond_wait (&v->done_cond, &v->lock);
      g_mutex_unlock (&v->lock);
    }
  verify_unref (v);
}
