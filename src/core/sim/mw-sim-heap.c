/* mw-sim-heap.c: the capped allocator charging ESP8266 object sizes (docs/firmware.md section 3).
 */
#include "mw-sim-heap.h"

#include <stdlib.h>

void
mw_sim_heap_init (MwSimHeap *heap, MwLuaNumberType number_type)
{
  g_return_if_fail (heap != NULL);
  *heap = (MwSimHeap){ .model = mw_lua_ram_model_get (number_type) };
}

/* The allocator does not know which object a block holds, so the charge depends on the
 * block's size only, fitted to the model's sizes on a 64-bit host:
 * - small blocks (up to 64 B) are object headers: a host Table is 64 B (board 32), an UpVal
 *   or a one-node hash part 40 B (board 24 and 32), a two-upvalue closure 56 B (board 28);
 *   they are charged half their size plus 4;
 * - bigger blocks are arrays of TValues (host 16 B each, board `tvalue`) and hash nodes
 *   (host 40, board `hash_node`): beyond the first 64 B they cost 25/32 of the host size in
 *   the float build, 1/2 in the integer build.
 * So `{}` costs 36 B (board 32), `{1,2,3}` 64 (68), `{a=1}` 60 (64), a closure with two
 * upvalues 80 (76). */
gsize
mw_sim_heap_cost (const MwSimHeap *heap, gsize host_size)
{
  if (host_size == 0)
    return 0;
  if (host_size <= 64)
    return (host_size + 8) / 2;
  if (heap->model->tvalue == 12)
    return 36 + (host_size - 64) * 25 / 32;
  return 36 + (host_size - 64) / 2;
}

void *
mw_sim_heap_alloc (void *ud, void *ptr, size_t osize, size_t nsize)
{
  MwSimHeap *heap = ud;
  gsize ocost = ptr ? mw_sim_heap_cost (heap, osize) : 0;
  gsize ncost = mw_sim_heap_cost (heap, nsize);
  void *block;

  if (nsize == 0)
    {
      free (ptr);
      heap->used -= ocost;
      heap->host_used -= ptr ? osize : 0;
      return NULL;
    }
  /* Lua never shrinks-and-fails, but a growing block must stay under the cap */
  if (heap->limit && ncost > ocost && heap->used + (ncost - ocost) > heap->limit)
    return NULL;
  block = realloc (ptr, nsize);
  if (block == NULL)
    return NULL;
  heap->used = heap->used - ocost + ncost;
  heap->host_used = heap->host_used - (ptr ? osize : 0) + nsize;
  if (heap->used > heap->peak)
    heap->peak = heap->used;
  return block;
}

gsize
mw_sim_heap_free (const MwSimHeap *heap)
{
  g_return_val_if_fail (heap != NULL, 0);
  if (heap->limit == 0 || heap->used >= heap->limit)
    return 0;
  return heap->limit - heap->used;
}
