/* mw-sim-heap.c: the capped allocator charging ESP8266 object sizes per kind, with the
 * firmware's emergency GC modes (docs/firmware.md sections 3 and 6). */
#include "mw-sim-heap.h"

#include <stdlib.h>
#include <string.h>

/* Every host block carries this prefix: what it was charged, so a free gives back exactly
 * that. 16 bytes keep the payload aligned as malloc's. */
typedef struct
{
  guint32 host_size;
  guint32 lua_cost;
  guint32 address; /* its board address once a script has seen it (tostring), or 0 */
  guint8 kind;
  guint8 flash; /* allocated while loading the Lua Flash Store: costs nothing */
  guint8 pad[2];
} BlockHead;

G_STATIC_ASSERT (sizeof (BlockHead) == 16);

/* Host (x86-64 liblua5.1) object layouts the classifier relies on; tests/sim/test-heap.c
 * checks them against real objects. */
#define HOST_TSTRING 24 /* then length + 1 */
#define HOST_UDATA 40 /* then length */
#define HOST_TABLE 64
#define HOST_CLOSURE 40 /* then 16 per C upvalue, 8 per Lua upvalue */
#define HOST_THREAD 184
#define HOST_PROTO 120
#define HOST_UPVAL 40
#define HOST_NODE 40
#define HOST_TVALUE 16

/* ESP8266 sizes not in the shared model: a Udata header is 20 bytes padded to the 8-byte
 * alignment of L_Umaxalign (app/lua/lobject.h, luaconf.h LUAI_USER_ALIGNMENT_T). */
#define ESP_UDATA 24

/* Lua 5.1 type tags (lua.h, lobject.h) */
enum
{
  TAG_STRING = 4,
  TAG_TABLE = 5,
  TAG_FUNCTION = 6,
  TAG_USERDATA = 7,
  TAG_THREAD = 8,
  TAG_PROTO = 9,
  TAG_UPVAL = 10,
};

void
mw_sim_heap_init (MwSimHeap *heap, MwLuaNumberType number_type)
{
  g_return_if_fail (heap != NULL);
  *heap = (MwSimHeap){
    .model = mw_lua_ram_model_get (number_type),
    .egc_mode = MW_SIM_EGC_BOOT_MODE,
    .egc_limit = MW_SIM_EGC_BOOT_LIMIT,
  };
}

gsize
mw_sim_heap_block_cost (gsize lua_size)
{
  if (lua_size == 0)
    return 0;
  return ((lua_size + 7) & ~(gsize) 7) + 8;
}

static gsize
read_size (const guint8 *p, gsize offset)
{
  gsize v;

  memcpy (&v, p + offset, sizeof v);
  return v;
}

static gboolean
is_pow2 (gsize n)
{
  return n && (n & (n - 1)) == 0;
}

/* A block by its size alone: the hash part of a table is 2^k Nodes, value arrays are
 * multiples of a TValue, the rest are bytes. */
static MwSimHeapKind
size_class (gsize host_size)
{
  if (host_size % HOST_NODE == 0 && is_pow2 (host_size / HOST_NODE))
    return MW_SIM_HEAP_HASH;
  if (host_size % HOST_TVALUE == 0)
    return MW_SIM_HEAP_VALUES;
  return MW_SIM_HEAP_BYTES;
}

MwSimHeapKind
mw_sim_heap_classify (gconstpointer block, gsize host_size)
{
  const guint8 *p = block;
  guint8 tag, marked;

  if (host_size < 16)
    return size_class (host_size);
  tag = p[8];
  marked = p[9];
  /* strings and userdata carry their length: the size must match it exactly */
  if (tag == TAG_STRING && host_size > HOST_TSTRING
      && read_size (p, 16) == host_size - HOST_TSTRING - 1)
    return MW_SIM_HEAP_STRING;
  if (tag == TAG_USERDATA && host_size >= HOST_UDATA && read_size (p, 32) == host_size - HOST_UDATA)
    return MW_SIM_HEAP_USERDATA;
  /* the others by size and tag; `marked` (a GC colour bit) is never 0 in a new object, while
   * in a value array the byte after a tag is 0 */
  if (marked == 0)
    return size_class (host_size);
  if (tag == TAG_TABLE && host_size == HOST_TABLE)
    return MW_SIM_HEAP_TABLE;
  if (tag == TAG_FUNCTION && p[10] == 1 && host_size == HOST_CLOSURE + 16u * p[11])
    return MW_SIM_HEAP_C_CLOSURE;
  if (tag == TAG_FUNCTION && p[10] == 0 && host_size == HOST_CLOSURE + 8u * p[11])
    return MW_SIM_HEAP_LUA_CLOSURE;
  if (tag == TAG_THREAD && host_size == HOST_THREAD)
    return MW_SIM_HEAP_THREAD;
  if (tag == TAG_PROTO && host_size == HOST_PROTO)
    return MW_SIM_HEAP_PROTO;
  if (tag == TAG_UPVAL && host_size == HOST_UPVAL)
    return MW_SIM_HEAP_UPVAL;
  return size_class (host_size);
}

gsize
mw_sim_heap_lua_cost (const MwLuaRamModel *m, MwSimHeapKind kind, gsize host_size,
                      gconstpointer payload)
{
  const guint8 *p = payload;

  switch (kind)
    {
      case MW_SIM_HEAP_STRING:
        return m->tstring_header + (host_size - HOST_TSTRING);
      case MW_SIM_HEAP_USERDATA:
        return ESP_UDATA + (host_size - HOST_UDATA);
      case MW_SIM_HEAP_TABLE:
        return m->table_header;
      case MW_SIM_HEAP_C_CLOSURE:
        return m->c_closure + (gsize) m->tvalue * p[11];
      case MW_SIM_HEAP_LUA_CLOSURE:
        return m->lua_closure + (gsize) m->pointer * p[11];
      case MW_SIM_HEAP_THREAD:
        return m->lua_state;
      case MW_SIM_HEAP_PROTO:
        return m->proto;
      case MW_SIM_HEAP_UPVAL:
        return m->upval;
      case MW_SIM_HEAP_HASH:
        return host_size / HOST_NODE * m->hash_node;
      case MW_SIM_HEAP_VALUES:
        return host_size / HOST_TVALUE * m->tvalue;
      case MW_SIM_HEAP_BYTES:
      case MW_SIM_HEAP_N_KINDS:
      default:
        return host_size;
    }
}

static void
charge (MwSimHeap *heap, MwSimHeapKind kind, gssize lua_delta)
{
  heap->lua_bytes += lua_delta;
  heap->by_kind[kind] += lua_delta;
}

static gboolean
over (const MwSimHeap *heap)
{
  if (heap->limit && heap->heap_bytes > heap->limit + heap->excess)
    return TRUE;
  return (heap->egc_mode & MW_SIM_EGC_ON_MEM_LIMIT) && heap->egc_limit > 0
         && heap->lua_bytes > (gsize) heap->egc_limit;
}

static void
owe (MwSimHeap *heap)
{
  if (!heap->debt && heap->on_debt)
    heap->on_debt (heap->on_debt_data);
  heap->debt = TRUE;
}

/* The last new block's header is written now: charge it by its kind. */
void
mw_sim_heap_settle (MwSimHeap *heap)
{
  BlockHead *head;
  MwSimHeapKind kind;
  gsize cost;

  if (heap->pending == NULL)
    return;
  head = (BlockHead *) heap->pending - 1;
  heap->pending = NULL;
  kind = mw_sim_heap_classify (head + 1, head->host_size);
  cost = mw_sim_heap_lua_cost (heap->model, kind, head->host_size, head + 1);
  charge (heap, head->kind, -(gssize) head->lua_cost);
  heap->heap_bytes -= mw_sim_heap_block_cost (head->lua_cost);
  charge (heap, kind, cost);
  heap->heap_bytes += mw_sim_heap_block_cost (cost);
  head->kind = kind;
  head->lua_cost = cost;
  if (heap->heap_bytes > heap->peak)
    heap->peak = heap->heap_bytes;
  /* charged below its cost while its kind was unknown: the check the allocation passed is
   * made again at the next safe point */
  if (over (heap))
    owe (heap);
}

void *
mw_sim_heap_alloc (void *ud, void *ptr, size_t osize, size_t nsize)
{
  MwSimHeap *heap = ud;
  BlockHead *old = ptr ? (BlockHead *) ptr - 1 : NULL;
  BlockHead *head;
  MwSimHeapKind kind;
  gsize ocost, ncost, oheap, nheap;

  mw_sim_heap_settle (heap);
  if (nsize == 0)
    {
      if (old)
        {
          if (old->address)
            g_hash_table_remove (heap->addresses, GUINT_TO_POINTER (old->address));
          charge (heap, old->kind, -(gssize) old->lua_cost);
          heap->heap_bytes -= mw_sim_heap_block_cost (old->lua_cost);
          heap->host_used -= old->host_size;
          free (old);
        }
      return NULL;
    }

  /* a block's kind is known once Lua has written its header; GC objects never grow, so a
   * resized block is an array, charged by its size */
  kind = size_class (nsize);
  ncost = mw_sim_heap_lua_cost (heap->model, kind, nsize, NULL);
  ocost = old ? old->lua_cost : 0;
  nheap = mw_sim_heap_block_cost (ncost);
  oheap = mw_sim_heap_block_cost (ocost);
  if (nheap > oheap)
    {
      gsize grow = nheap - oheap;
      gboolean past_cap = heap->limit && heap->heap_bytes + grow > heap->limit + heap->excess;
      gboolean past_limit = (heap->egc_mode & MW_SIM_EGC_ON_MEM_LIMIT) && heap->egc_limit > 0
                            && heap->lua_bytes + (ncost - MIN (ocost, ncost))
                                 > (gsize) heap->egc_limit;

      if (past_cap || past_limit)
        {
          /* the board would collect first (ALWAYS), on failure (ON_ALLOC_FAILURE) or at the
           * limit (ON_MEM_LIMIT): grant on credit, settle at the next safe point. Credit is
           * bounded: live data can never be more than the whole cap. */
          gboolean collects =
            past_limit || (heap->egc_mode & (MW_SIM_EGC_ALWAYS | MW_SIM_EGC_ON_ALLOC_FAILURE));

          if (!collects || heap->limit == 0 || heap->heap_bytes + grow > 2 * heap->limit)
            return NULL;
          owe (heap);
        }
      else if ((heap->egc_mode & MW_SIM_EGC_ON_MEM_LIMIT) && heap->egc_limit < 0 && heap->limit
               && heap->limit - MIN (heap->limit, heap->heap_bytes + grow)
                    < (gsize) -heap->egc_limit)
        owe (heap); /* keep -limit bytes free: collect soon, nothing fails */
    }

  head = realloc (old, nsize + sizeof (BlockHead));
  if (head == NULL)
    return NULL;
  if (old)
    {
      charge (heap, head->kind, -(gssize) head->lua_cost);
      heap->heap_bytes -= oheap;
      heap->host_used -= head->host_size;
    }
  head->host_size = (guint32) nsize;
  head->flash = old == NULL && heap->in_flash;
  if (old == NULL)
    head->address = 0;
  if (head->flash)
    {
      /* a block of the flash store: no charge now, and none when its header is known */
      head->lua_cost = 0;
      head->kind = MW_SIM_HEAP_BYTES;
      heap->host_used += nsize;
      return head + 1;
    }
  head->lua_cost = ncost;
  head->kind = kind;
  charge (heap, kind, ncost);
  heap->heap_bytes += nheap;
  heap->host_used += nsize;
  if (heap->heap_bytes > heap->peak)
    heap->peak = heap->heap_bytes;
  if (old == NULL)
    heap->pending = head + 1;
  return head + 1;
}

void
mw_sim_heap_charge_udata (MwSimHeap *heap, gpointer payload, gsize board_size)
{
  BlockHead *head;
  gsize cost = ESP_UDATA + board_size;

  g_return_if_fail (heap != NULL && payload != NULL);
  mw_sim_heap_settle (heap);
  head = (BlockHead *) ((guint8 *) payload - HOST_UDATA) - 1;
  if (head->flash || head->kind != MW_SIM_HEAP_USERDATA)
    return;
  charge (heap, head->kind, (gssize) cost - (gssize) head->lua_cost);
  heap->heap_bytes -= mw_sim_heap_block_cost (head->lua_cost);
  heap->heap_bytes += mw_sim_heap_block_cost (cost);
  head->lua_cost = cost;
  if (heap->heap_bytes > heap->peak)
    heap->peak = heap->heap_bytes;
  if (over (heap))
    owe (heap);
}

gsize
mw_sim_heap_free (MwSimHeap *heap)
{
  g_return_val_if_fail (heap != NULL, 0);
  mw_sim_heap_settle (heap);
  if (heap->limit == 0 || heap->heap_bytes >= heap->limit)
    return 0;
  return heap->limit - heap->heap_bytes;
}

gboolean
mw_sim_heap_over (MwSimHeap *heap)
{
  mw_sim_heap_settle (heap);
  return over (heap);
}

/* The ESP8266's heap lies in DRAM from 0x3ffe8000 (app/... and the SDK's linker script):
 * addresses are handed out in 8-byte steps through that window, never two alike at once. */
#define ADDRESS_FIRST 0x3ffe8000u
#define ADDRESS_LAST 0x3fffbff8u

guint32
mw_sim_heap_address (MwSimHeap *heap, gconstpointer block)
{
  BlockHead *head = (BlockHead *) block - 1;

  if (head->address)
    return head->address;
  if (heap->addresses == NULL)
    heap->addresses = g_hash_table_new (g_direct_hash, g_direct_equal);
  if (g_hash_table_size (heap->addresses) >= (ADDRESS_LAST - ADDRESS_FIRST) / 8)
    return 0;
  do
    {
      heap->next_address += 8;
      if (heap->next_address < ADDRESS_FIRST || heap->next_address > ADDRESS_LAST)
        heap->next_address = ADDRESS_FIRST;
    }
  while (g_hash_table_contains (heap->addresses, GUINT_TO_POINTER (heap->next_address)));
  head->address = heap->next_address;
  g_hash_table_add (heap->addresses, GUINT_TO_POINTER (head->address));
  return head->address;
}

void
mw_sim_heap_clear (MwSimHeap *heap)
{
  g_clear_pointer (&heap->addresses, g_hash_table_unref);
}

gboolean
mw_sim_heap_check (MwSimHeap *heap)
{
  gboolean failed;

  mw_sim_heap_settle (heap);
  failed = over (heap);
  if (heap->limit && heap->heap_bytes > heap->limit)
    {
      /* shrinks as data is freed, never grows but by a failed check */
      if (failed || heap->heap_bytes - heap->limit < heap->excess)
        heap->excess = heap->heap_bytes - heap->limit;
    }
  else
    heap->excess = 0;
  return failed;
}

gboolean
mw_sim_heap_collects (const MwSimHeap *heap)
{
  return heap->egc_mode != MW_SIM_EGC_NOT_ACTIVE;
}
