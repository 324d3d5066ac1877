/* mw-sim-heap.c: the capped allocator charging ESP8266 object sizes (NODEMCU.md section 3). */
#include "mw-sim-heap.h"

#include <stdlib.h>

void
mw_sim_heap_init (MwSimHeap      *heap,
                  MwLuaNumberType number_type)
{
  g_return_if_fail (heap != NULL);
  *heap = (MwSimHeap) { .model = mw_lua_ram_model_get (number_type) };
}

/* The allocator does not know which object a block holds, so the charge is a linear fit of
 * board size to host size over the objects that dominate a heap, taken from the model: a
 * table header (host 56 B, board 32 B), TValue arrays (16 -> tvalue), hash nodes
 * (40 -> hash_node), closures with their UpVals (host 136 B for two upvalues, board 76 B).
 * The float build comes out at 13/20 of the host size, the integer build at 11/20; strings
 * (host header 24, board 16) are charged a little low. */
gsize
mw_sim_heap_cost (const MwSimHeap *heap,
                  gsize            host_size)
{
  guint num;

  if (host_size == 0)
    return 0;
  num = heap->model->tvalue == 12 ? 13 : 11;
  return (host_size * num + 19) / 20;
}

void *
mw_sim_heap_alloc (void  *ud,
                   void  *ptr,
                   size_t osize,
                   size_t nsize)
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
