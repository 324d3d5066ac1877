/* mw-lua-arith-calls.c: `/`, `%` and `^` as calls (see mw-lua-arith-calls.h).
 *
 * Each arithmetic instruction becomes five, in three registers above the function's own:
 *   GETGLOBAL t name; MOVE or LOADK t+1 B; MOVE or LOADK t+2 C; CALL t 3 2; MOVE A t
 * Instructions that skip the next one (EQ, LT, LE, TEST, TESTSET, LOADBOOL with C, TFORLOOP)
 * are followed by a JMP or a LOADBOOL, never by arithmetic, and SETLIST's extra word is
 * copied as it is, so only sBx jumps need moving. */
#include "mw-config.h"

#include "mw-lua-arith-calls.h"
#include "mw-lua-opcodes.h"

#include <string.h>

/* Lua 5.1's instruction layout (lopcodes.h): op 6 bits, A 8, C 9, B 9; Bx = B:C. */
#define POS_A 6
#define POS_C 14
#define POS_B 23
#define MAXARG_BX 262143
#define MAXARG_SBX 131071
#define BITRK 256
#define MAXSTACK 250
#define GET_OPCODE(i) ((int) ((i) &0x3f))
#define GETARG_A(i) ((int) (((i) >> POS_A) & 0xff))
#define GETARG_B(i) ((int) (((i) >> POS_B) & 0x1ff))
#define GETARG_C(i) ((int) (((i) >> POS_C) & 0x1ff))
#define GETARG_BX(i) ((int) ((i) >> POS_C))
#define GETARG_SBX(i) (GETARG_BX (i) - MAXARG_SBX)
#define SETARG_BX(i, v) ((i) = ((i) &0x3fffu) | (((guint32) (v) &0x3ffff) << POS_C))
#define CREATE_ABC(o, a, b, c) \
  ((guint32) (o) | (((guint32) (a) &0xff) << POS_A) | (((guint32) (b) &0x1ff) << POS_B) \
   | (((guint32) (c) &0x1ff) << POS_C))
#define CREATE_ABX(o, a, bx) \
  ((guint32) (o) | (((guint32) (a) &0xff) << POS_A) | (((guint32) (bx) &0x3ffff) << POS_C))

#define EXPANSION 5

static gboolean
is_routed (int op)
{
  return op == OP_DIV || op == OP_MOD || op == OP_POW;
}

/* The index of the string constant `name` in `f`, added when missing. */
static guint
string_constant (MwLuaProto *f, const char *name)
{
  gsize len = strlen (name);

  for (guint k = 0; k < f->n_constants; k++)
    if (f->constants[k].type == MW_LUA_CONSTANT_STRING && f->constants[k].string.len == len
        && memcmp (f->constants[k].string.data, name, len) == 0)
      return k;
  f->constants = g_renew (MwLuaConstant, f->constants, f->n_constants + 1);
  f->constants[f->n_constants] = (MwLuaConstant){
    .type = MW_LUA_CONSTANT_STRING,
    .string = { g_strndup (name, len), len },
  };
  return f->n_constants++;
}

/* register `to` := RK(rk) */
static guint32
load_rk (int to, int rk)
{
  return rk & BITRK ? CREATE_ABX (OP_LOADK, to, rk & ~BITRK) : CREATE_ABC (OP_MOVE, to, rk, 0);
}

static gboolean
route (MwLuaProto *f, const char *const names[3], GError **error)
{
  g_autofree guint *moved = NULL; /* old pc -> new pc; [n_code] the end */
  g_autofree guint32 *code = NULL;
  g_autofree gint32 *lines = NULL;
  guint n = 0, count = 0, ks[3] = { 0 };
  int t = f->maxstacksize;

  for (guint i = 0; i < f->n_protos; i++)
    if (!route (f->protos[i], names, error))
      return FALSE;
  for (guint pc = 0; pc < f->n_code; pc++)
    {
      if (GET_OPCODE (f->code[pc]) == OP_SETLIST && GETARG_C (f->code[pc]) == 0)
        pc++;
      else if (is_routed (GET_OPCODE (f->code[pc])))
        count++;
    }
  if (count == 0)
    return TRUE;
  if (t + 3 > MAXSTACK)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_RANGE,
                   "function at line %d: no registers to spare for integer arithmetic",
                   f->linedefined);
      return FALSE;
    }
  for (guint i = 0; i < 3; i++)
    ks[i] = string_constant (f, names[i]);
  if (ks[0] > MAXARG_BX || ks[1] > MAXARG_BX || ks[2] > MAXARG_BX)
    {
      g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_RANGE,
                   "function at line %d: too many constants", f->linedefined);
      return FALSE;
    }

  moved = g_new (guint, f->n_code + 1);
  code = g_new (guint32, f->n_code + count * (EXPANSION - 1));
  lines = f->n_lineinfo > 0 ? g_new (gint32, f->n_code + count * (EXPANSION - 1)) : NULL;
  for (guint pc = 0; pc < f->n_code; pc++)
    {
      guint32 i = f->code[pc];
      int op = GET_OPCODE (i);
      gint32 line = lines != NULL ? f->lineinfo[pc] : 0;

      moved[pc] = n;
      if (is_routed (op))
        {
          guint k = ks[op == OP_DIV ? 0 : op == OP_MOD ? 1 : 2];

          code[n] = CREATE_ABX (OP_GETGLOBAL, t, k);
          code[n + 1] = load_rk (t + 1, GETARG_B (i));
          code[n + 2] = load_rk (t + 2, GETARG_C (i));
          code[n + 3] = CREATE_ABC (OP_CALL, t, 3, 2);
          code[n + 4] = CREATE_ABC (OP_MOVE, GETARG_A (i), t, 0);
          for (guint e = 0; lines != NULL && e < EXPANSION; e++)
            lines[n + e] = line;
          n += EXPANSION;
          continue;
        }
      code[n] = i;
      if (lines != NULL)
        lines[n] = line;
      n++;
      if (op == OP_SETLIST && GETARG_C (i) == 0 && pc + 1 < f->n_code)
        {
          /* the block number in the next word, which is no instruction */
          pc++;
          moved[pc] = n;
          code[n] = f->code[pc];
          if (lines != NULL)
            lines[n] = f->lineinfo[pc];
          n++;
        }
    }
  moved[f->n_code] = n;

  /* jumps: to where their target went */
  for (guint pc = 0; pc < f->n_code; pc++)
    {
      int op = GET_OPCODE (f->code[pc]);

      if (op == OP_SETLIST && GETARG_C (f->code[pc]) == 0)
        pc++;
      else if (op == OP_JMP || op == OP_FORLOOP || op == OP_FORPREP)
        {
          gint64 target = (gint64) pc + 1 + GETARG_SBX (f->code[pc]);
          gint64 offset;

          if (target < 0 || target > f->n_code)
            {
              g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_RANGE,
                           "function at line %d: a jump out of the function", f->linedefined);
              return FALSE;
            }
          offset = (gint64) moved[target] - (moved[pc] + 1);
          if (offset < -MAXARG_SBX || offset > MAXARG_SBX + 1)
            {
              g_set_error (error, MW_LUA_CHUNK_ERROR, MW_LUA_CHUNK_ERROR_RANGE,
                           "function at line %d: a jump too long for integer arithmetic",
                           f->linedefined);
              return FALSE;
            }
          SETARG_BX (code[moved[pc]], offset + MAXARG_SBX);
        }
    }

  g_free (f->code);
  f->code = g_steal_pointer (&code);
  f->n_code = n;
  if (f->n_lineinfo > 0)
    {
      g_free (f->lineinfo);
      f->lineinfo = g_steal_pointer (&lines);
      f->n_lineinfo = n;
    }
  /* the writer regroups the line info */
  g_clear_pointer (&f->line_groups, g_free);
  f->n_line_groups = 0;
  f->maxstacksize = t + 3;
  return TRUE;
}

MwLuaChunk *
mw_lua_chunk_route_arith (MwLuaChunk *chunk, const char *const names[3], const char *source,
                          GError **error)
{
  MwLuaProto *main;

  g_return_val_if_fail (chunk != NULL, NULL);
  g_return_val_if_fail (names != NULL && names[0] != NULL && names[1] != NULL && names[2] != NULL,
                        NULL);
  main = mw_lua_proto_copy (mw_lua_chunk_get_main (chunk));
  if (source != NULL)
    {
      g_free (main->source.data);
      main->source.data = g_strdup (source);
      main->source.len = strlen (source);
    }
  if (!route (main, names, error))
    {
      mw_lua_proto_free (main);
      return NULL;
    }
  return mw_lua_chunk_new_take (mw_lua_chunk_get_format (chunk), main);
}
