/* mw-lua-codegen-emit.c: the lcode.c half of the code generator (docs/firmware.md section 8):
 * instructions and their packed line info, jump lists, registers, the constant table,
 * expression descriptors and constant folding, rule for rule as the firmware's lcode.c. */
#include "mw-lua-codegen-private.h"

#include <math.h>
#include <string.h>

/* 32-bit two's complement, as the integer firmware's int arithmetic on its host and board */
static inline double
wrap32 (gint64 v)
{
  return (double) (gint32) (guint32) (guint64) v;
}

static gint32
int_pow (gint32 a, gint32 b)
{
  guint32 c = 1, x = (guint32) a;

  /* luai_ipow (lvm.c) */
  if (b < 0)
    return 0;
  if (b == 0)
    return 1;
  for (;;)
    {
      if (b & 1)
        c *= x;
      b >>= 1;
      if (b == 0)
        return (gint32) c;
      x *= x;
    }
}

/* --- line info (lcode.c luaK_code, luaK_fixline) ----------------------------------------- */

static void
lineinfo_new_group (MwLuaFuncState *fs, gint32 line)
{
  if (fs->ngroups == fs->capgroups)
    {
      fs->capgroups *= 2;
      fs->groups = g_renew (MwLuaLineGroup, fs->groups, fs->capgroups);
    }
  fs->groups[fs->ngroups].line = line;
  fs->groups[fs->ngroups++].count = 1;
  fs->info_lastline = line;
}

/* luaK_fixline: the last instruction moves to `line`. The firmware takes it out of its group
 * and always starts a new group, even on the line of the group before. Its backward walk
 * mis-reads deltas over 63 lines; this one keeps each group's line (docs/firmware.md
 * section 8). */
void
mw_lua_code_fixline (MwLuaFuncState *fs, gint32 line)
{
  MwLuaLineGroup *last;

  fs->lines[fs->ncode - 1] = line;
  if (line == fs->info_lastline)
    return;
  last = &fs->groups[fs->ngroups - 1];
  if (last->count > 1)
    last->count--;
  else
    {
      fs->ngroups--;
      fs->info_lastline = fs->ngroups > 0 ? fs->groups[fs->ngroups - 1].line : 0;
    }
  lineinfo_new_group (fs, line);
}

static void dischargejpc (MwLuaFuncState *fs);

static int
code (MwLuaFuncState *fs, guint32 i, gint32 line)
{
  dischargejpc (fs);
  if (fs->pc < fs->ncode)
    {
      /* an instruction taken back (a removed NOT) is overwritten: it keeps its group */
      fs->code[fs->pc] = i;
      mw_lua_code_fixline (fs, line);
    }
  else
    {
      if (fs->ncode == fs->capcode)
        {
          fs->capcode *= 2;
          fs->code = g_renew (guint32, fs->code, fs->capcode);
          fs->lines = g_renew (gint32, fs->lines, fs->capcode);
        }
      fs->code[fs->ncode] = i;
      fs->lines[fs->ncode++] = line;
      if (fs->ngroups > 0 && line == fs->info_lastline
          && fs->groups[fs->ngroups - 1].count < INFO_MAX_LINECNT)
        fs->groups[fs->ngroups - 1].count++;
      else
        lineinfo_new_group (fs, line);
    }
  return fs->pc++;
}

int
mw_lua_code_abc (MwLuaFuncState *fs, OpCode o, int a, int b, int c)
{
  return code (fs, CREATE_ABC (o, a, b, c), fs->cg->lastline);
}

int
mw_lua_code_abx (MwLuaFuncState *fs, OpCode o, int a, int bx)
{
  return code (fs, CREATE_ABX (o, a, bx), fs->cg->lastline);
}

/* --- jumps -------------------------------------------------------------------------------- */

static void
fixjump (MwLuaFuncState *fs, int pc, int dest)
{
  guint32 *jmp = getcode_at (fs, pc);
  int offset = dest - (pc + 1);

  if (abs (offset) > MAXARG_SBX)
    {
      mw_lua_codegen_syntax_error (fs->cg, "control structure too long");
      return;
    }
  SETARG_SBX (*jmp, offset);
}

/* luaK_getlabel */
int
mw_lua_code_getlabel (MwLuaFuncState *fs)
{
  fs->lasttarget = fs->pc;
  return fs->pc;
}

static int
getjump (MwLuaFuncState *fs, int pc)
{
  int offset = GETARG_SBX (*getcode_at (fs, pc));

  /* after an error jump lists may be unfinished: read them as empty */
  if (offset == NO_JUMP || fs->cg->failed)
    return NO_JUMP;
  return pc + 1 + offset;
}

static guint32 *
getjumpcontrol (MwLuaFuncState *fs, int pc)
{
  guint32 *pi = getcode_at (fs, pc);

  if (pc >= 1 && test_t_mode (GET_OPCODE (*(pi - 1))))
    return pi - 1;
  return pi;
}

static gboolean
need_value (MwLuaFuncState *fs, int list)
{
  for (; list != NO_JUMP; list = getjump (fs, list))
    if (GET_OPCODE (*getjumpcontrol (fs, list)) != OP_TESTSET)
      return TRUE;
  return FALSE;
}

static gboolean
patchtestreg (MwLuaFuncState *fs, int node, int reg)
{
  guint32 *i = getjumpcontrol (fs, node);

  if (GET_OPCODE (*i) != OP_TESTSET)
    return FALSE;
  if (reg != NO_REG && reg != GETARG_B (*i))
    SETARG_A (*i, reg);
  else
    *i = CREATE_ABC (OP_TEST, GETARG_B (*i), 0, GETARG_C (*i));
  return TRUE;
}

static void
removevalues (MwLuaFuncState *fs, int list)
{
  for (; list != NO_JUMP; list = getjump (fs, list))
    patchtestreg (fs, list, NO_REG);
}

static void
patchlistaux (MwLuaFuncState *fs, int list, int vtarget, int reg, int dtarget)
{
  while (list != NO_JUMP)
    {
      int next = getjump (fs, list);
      if (patchtestreg (fs, list, reg))
        fixjump (fs, list, vtarget);
      else
        fixjump (fs, list, dtarget);
      list = next;
    }
}

static void
dischargejpc (MwLuaFuncState *fs)
{
  patchlistaux (fs, fs->jpc, fs->pc, NO_REG, fs->pc);
  fs->jpc = NO_JUMP;
}

void
mw_lua_code_concat (MwLuaFuncState *fs, int *l1, int l2)
{
  if (l2 == NO_JUMP)
    return;
  if (*l1 == NO_JUMP)
    *l1 = l2;
  else
    {
      int list = *l1, next;
      while ((next = getjump (fs, list)) != NO_JUMP)
        list = next;
      fixjump (fs, list, l2);
    }
}

void
mw_lua_code_patchtohere (MwLuaFuncState *fs, int list)
{
  mw_lua_code_getlabel (fs);
  mw_lua_code_concat (fs, &fs->jpc, list);
}

void
mw_lua_code_patchlist (MwLuaFuncState *fs, int list, int target)
{
  if (target == fs->pc)
    mw_lua_code_patchtohere (fs, list);
  else
    patchlistaux (fs, list, target, NO_REG, target);
}

/* luaK_jump */
int
mw_lua_code_jump (MwLuaFuncState *fs)
{
  int jpc = fs->jpc;
  int j;

  fs->jpc = NO_JUMP;
  j = code_asbx (fs, OP_JMP, 0, NO_JUMP);
  mw_lua_code_concat (fs, &j, jpc);
  return j;
}

static int
condjump (MwLuaFuncState *fs, OpCode op, int a, int b, int c)
{
  mw_lua_code_abc (fs, op, a, b, c);
  return mw_lua_code_jump (fs);
}

/* --- registers ---------------------------------------------------------------------------- */

void
mw_lua_code_checkstack (MwLuaFuncState *fs, int n)
{
  int newstack = fs->freereg + n;

  if (newstack > fs->maxstacksize)
    {
      if (newstack >= MAXSTACK)
        mw_lua_codegen_syntax_error (fs->cg, "function or expression too complex");
      fs->maxstacksize = newstack;
    }
}

void
mw_lua_code_reserveregs (MwLuaFuncState *fs, int n)
{
  mw_lua_code_checkstack (fs, n);
  fs->freereg += n;
}

static void
freereg (MwLuaFuncState *fs, int reg)
{
  if (!ISK (reg) && reg >= fs->nactvar)
    fs->freereg--;
}

static void
freeexp (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  if (e->k == VNONRELOC)
    freereg (fs, e->info);
}

/* --- constants (addk: one entry per distinct value, in order of first use) ---------------- */

static guint
constant_hash (const MwLuaConstant *k)
{
  switch (k->type)
    {
      case MW_LUA_CONSTANT_STRING:
        return mw_lua_bytes_hash (k->string.data, k->string.len);
      case MW_LUA_CONSTANT_NUMBER:
        {
          double d = k->number == 0 ? 0 : k->number; /* -0 and 0 are one key */
          guint64 u;
          memcpy (&u, &d, sizeof u);
          return (guint) (u ^ (u >> 29) ^ (u >> 47)) * 2654435761u + 3;
        }
      case MW_LUA_CONSTANT_BOOLEAN:
        return k->boolean ? 1 : 2;
      default:
        return 0;
    }
}

/* constant `i` of the function is the value `k` */
static gboolean
constant_same (MwLuaFuncState *fs, int i, const MwLuaConstant *k)
{
  const MwLuaConstant *a = &fs->k[i];

  if (a->type != k->type)
    return FALSE;
  switch (a->type)
    {
      case MW_LUA_CONSTANT_STRING:
        return a->string.len == k->string.len
               && memcmp (fs->kbytes + fs->koff[i], k->string.data, k->string.len) == 0;
      case MW_LUA_CONSTANT_NUMBER:
        return a->number == k->number;
      case MW_LUA_CONSTANT_BOOLEAN:
        return !a->boolean == !k->boolean;
      default:
        return TRUE;
    }
}

static void
ktable_grow (MwLuaFuncState *fs)
{
  guint size = fs->kmask ? (fs->kmask + 1) * 2 : 64;

  g_free (fs->kslots);
  fs->kslots = g_new0 (guint32, size);
  fs->kmask = size - 1;
  for (int i = 0; i < fs->nk; i++)
    {
      MwLuaConstant k = fs->k[i];
      guint h;

      if (k.type == MW_LUA_CONSTANT_STRING)
        k.string.data = fs->kbytes + fs->koff[i];
      h = constant_hash (&k) & fs->kmask;
      while (fs->kslots[h] != 0)
        h = (h + 1) & fs->kmask;
      fs->kslots[h] = i + 1;
    }
}

/* `k` is a probe: its string is copied only when it is new */
static int
addk (MwLuaFuncState *fs, const MwLuaConstant *k)
{
  guint h;
  MwLuaConstant copy;

  if ((guint) (fs->nk + 1) * 2 > fs->kmask)
    ktable_grow (fs);
  for (h = constant_hash (k) & fs->kmask; fs->kslots[h] != 0; h = (h + 1) & fs->kmask)
    {
      guint32 i = fs->kslots[h] - 1;
      if (constant_same (fs, (int) i, k))
        return (int) i;
    }
  if (fs->nk >= MAXARG_BX)
    {
      mw_lua_codegen_syntax_error (fs->cg, "constant table overflow");
      return 0;
    }
  if (fs->nk == fs->capk)
    {
      fs->capk *= 2;
      fs->k = g_renew (MwLuaConstant, fs->k, fs->capk);
      fs->koff = g_renew (guint32, fs->koff, fs->capk);
    }
  copy = *k;
  if (k->type == MW_LUA_CONSTANT_STRING)
    {
      if (fs->nkbytes + k->string.len + 1 > fs->capkbytes)
        {
          fs->capkbytes = MAX (fs->capkbytes * 2, fs->nkbytes + k->string.len + 1);
          fs->kbytes = g_realloc (fs->kbytes, fs->capkbytes);
        }
      memcpy (fs->kbytes + fs->nkbytes, k->string.data, k->string.len);
      fs->kbytes[fs->nkbytes + k->string.len] = '\0';
      fs->koff[fs->nk] = (guint32) fs->nkbytes;
      fs->nkbytes += k->string.len + 1;
      copy.string.data = NULL;
    }
  fs->k[fs->nk++] = copy;
  fs->kslots[h] = fs->nk;
  return fs->nk - 1;
}

static int
string_k (MwLuaFuncState *fs, const char *s, gsize len)
{
  MwLuaConstant k = { MW_LUA_CONSTANT_STRING, FALSE, 0, { (char *) s, len } };
  return addk (fs, &k);
}

int
mw_lua_code_number_k (MwLuaFuncState *fs, double r)
{
  MwLuaConstant k = { MW_LUA_CONSTANT_NUMBER, FALSE, r, { NULL, 0 } };
  MwLuaCodegen *cg = fs->cg;

  /* luac.cross writes a 4-byte number only from -2^31+1 to 2^31-2 (ldump.c DumpIntWithSize),
   * and fails once the whole file compiled */
  if (cg->integral && (r > 2147483646.0 || r < -2147483647.0) && cg->dump_error == NULL)
    g_set_error (&cg->dump_error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_NUMBER,
                 "%s:%d: number %.0f is too big or small for integer bytecode (luac.cross "
                 "writes -2147483647 to 2147483646)",
                 mw_lua_tree_get_chunkname (cg->tree), cg->lastline, r);
  return addk (fs, &k);
}

static int
bool_k (MwLuaFuncState *fs, gboolean b)
{
  MwLuaConstant k = { MW_LUA_CONSTANT_BOOLEAN, b, 0, { NULL, 0 } };
  return addk (fs, &k);
}

static int
nil_k (MwLuaFuncState *fs)
{
  MwLuaConstant k = { MW_LUA_CONSTANT_NIL, FALSE, 0, { NULL, 0 } };
  return addk (fs, &k);
}

/* the constant of a NAME token's text */
int
mw_lua_code_name_k (MwLuaFuncState *fs, guint tok)
{
  const MwLuaToken *t = &fs->cg->toks[tok];
  return string_k (fs, fs->cg->src + t->offset, t->length);
}

/* the constant of a STRING token's value */
int
mw_lua_code_token_string_k (MwLuaFuncState *fs, guint tok)
{
  GString *s = fs->cg->scratch;

  g_string_truncate (s, 0);
  mw_lua_token_decode_string (fs->cg->src, &fs->cg->toks[tok], s);
  return string_k (fs, s->str, s->len);
}

/* --- expressions (lcode.c) ---------------------------------------------------------------- */

/* luaK_nil */
void
mw_lua_code_nil (MwLuaFuncState *fs, int from, int n)
{
  if (fs->pc > fs->lasttarget)
    {
      if (fs->pc == 0)
        {
          if (from >= fs->nactvar)
            return;
        }
      else
        {
          guint32 *previous = getcode_at (fs, fs->pc - 1);
          if (GET_OPCODE (*previous) == OP_LOADNIL)
            {
              int pfrom = GETARG_A (*previous);
              int pto = GETARG_B (*previous);
              if (pfrom <= from && from <= pto + 1)
                {
                  if (from + n - 1 > pto)
                    SETARG_B (*previous, from + n - 1);
                  return;
                }
            }
        }
    }
  mw_lua_code_abc (fs, OP_LOADNIL, from, from + n - 1, 0);
}

void
mw_lua_code_setreturns (MwLuaFuncState *fs, MwLuaExpDesc *e, int nresults)
{
  if (e->k == VCALL)
    SETARG_C (getcode (fs, e), nresults + 1);
  else if (e->k == VVARARG)
    {
      SETARG_B (getcode (fs, e), nresults + 1);
      SETARG_A (getcode (fs, e), fs->freereg);
      mw_lua_code_reserveregs (fs, 1);
    }
}

void
mw_lua_code_setoneret (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  if (e->k == VCALL)
    {
      e->k = VNONRELOC;
      e->info = GETARG_A (getcode (fs, e));
    }
  else if (e->k == VVARARG)
    {
      SETARG_B (getcode (fs, e), 2);
      e->k = VRELOCABLE;
    }
}

void
mw_lua_code_dischargevars (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  switch (e->k)
    {
      case VLOCAL:
        e->k = VNONRELOC;
        break;
      case VUPVAL:
        e->info = mw_lua_code_abc (fs, OP_GETUPVAL, 0, e->info, 0);
        e->k = VRELOCABLE;
        break;
      case VGLOBAL:
        e->info = mw_lua_code_abx (fs, OP_GETGLOBAL, 0, e->info);
        e->k = VRELOCABLE;
        break;
      case VINDEXED:
        freereg (fs, e->aux);
        freereg (fs, e->info);
        e->info = mw_lua_code_abc (fs, OP_GETTABLE, 0, e->info, e->aux);
        e->k = VRELOCABLE;
        break;
      case VVARARG:
      case VCALL:
        mw_lua_code_setoneret (fs, e);
        break;
      default:
        break;
    }
}

static int
code_label (MwLuaFuncState *fs, int a, int b, int jmp)
{
  mw_lua_code_getlabel (fs);
  return mw_lua_code_abc (fs, OP_LOADBOOL, a, b, jmp);
}

static void
discharge2reg (MwLuaFuncState *fs, MwLuaExpDesc *e, int reg)
{
  mw_lua_code_dischargevars (fs, e);
  switch (e->k)
    {
      case VNIL:
        mw_lua_code_nil (fs, reg, 1);
        break;
      case VFALSE:
      case VTRUE:
        mw_lua_code_abc (fs, OP_LOADBOOL, reg, e->k == VTRUE, 0);
        break;
      case VK:
        mw_lua_code_abx (fs, OP_LOADK, reg, e->info);
        break;
      case VKNUM:
        mw_lua_code_abx (fs, OP_LOADK, reg, mw_lua_code_number_k (fs, e->nval));
        break;
      case VRELOCABLE:
        SETARG_A (getcode (fs, e), reg);
        break;
      case VNONRELOC:
        if (reg != e->info)
          mw_lua_code_abc (fs, OP_MOVE, reg, e->info, 0);
        break;
      default:
        return; /* VVOID or VJMP: nothing to do */
    }
  e->info = reg;
  e->k = VNONRELOC;
}

static void
discharge2anyreg (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  if (e->k != VNONRELOC)
    {
      mw_lua_code_reserveregs (fs, 1);
      discharge2reg (fs, e, fs->freereg - 1);
    }
}

static void
exp2reg (MwLuaFuncState *fs, MwLuaExpDesc *e, int reg)
{
  discharge2reg (fs, e, reg);
  if (e->k == VJMP)
    mw_lua_code_concat (fs, &e->t, e->info);
  if (hasjumps (e))
    {
      int final;
      int p_f = NO_JUMP, p_t = NO_JUMP;

      if (need_value (fs, e->t) || need_value (fs, e->f))
        {
          int fj = (e->k == VJMP) ? NO_JUMP : mw_lua_code_jump (fs);
          p_f = code_label (fs, reg, 0, 1);
          p_t = code_label (fs, reg, 1, 0);
          mw_lua_code_patchtohere (fs, fj);
        }
      final = mw_lua_code_getlabel (fs);
      patchlistaux (fs, e->f, final, reg, p_f);
      patchlistaux (fs, e->t, final, reg, p_t);
    }
  e->f = e->t = NO_JUMP;
  e->info = reg;
  e->k = VNONRELOC;
}

void
mw_lua_code_exp2nextreg (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  mw_lua_code_dischargevars (fs, e);
  freeexp (fs, e);
  mw_lua_code_reserveregs (fs, 1);
  exp2reg (fs, e, fs->freereg - 1);
}

int
mw_lua_code_exp2anyreg (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  mw_lua_code_dischargevars (fs, e);
  if (e->k == VNONRELOC)
    {
      if (!hasjumps (e))
        return e->info;
      if (e->info >= fs->nactvar)
        {
          exp2reg (fs, e, e->info);
          return e->info;
        }
    }
  mw_lua_code_exp2nextreg (fs, e);
  return e->info;
}

void
mw_lua_code_exp2val (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  if (hasjumps (e))
    mw_lua_code_exp2anyreg (fs, e);
  else
    mw_lua_code_dischargevars (fs, e);
}

int
mw_lua_code_exp2rk (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  mw_lua_code_exp2val (fs, e);
  switch (e->k)
    {
      case VKNUM:
      case VTRUE:
      case VFALSE:
      case VNIL:
        if (fs->nk <= MAXINDEXRK)
          {
            e->info = e->k == VNIL    ? nil_k (fs)
                      : e->k == VKNUM ? mw_lua_code_number_k (fs, e->nval)
                                      : bool_k (fs, e->k == VTRUE);
            e->k = VK;
            return RKASK (e->info);
          }
        break;
      case VK:
        if (e->info <= MAXINDEXRK)
          return RKASK (e->info);
        break;
      default:
        break;
    }
  return mw_lua_code_exp2anyreg (fs, e);
}

void
mw_lua_code_storevar (MwLuaFuncState *fs, MwLuaExpDesc *var, MwLuaExpDesc *ex)
{
  switch (var->k)
    {
      case VLOCAL:
        freeexp (fs, ex);
        exp2reg (fs, ex, var->info);
        return;
      case VUPVAL:
        {
          int e = mw_lua_code_exp2anyreg (fs, ex);
          mw_lua_code_abc (fs, OP_SETUPVAL, e, var->info, 0);
          break;
        }
      case VGLOBAL:
        {
          int e = mw_lua_code_exp2anyreg (fs, ex);
          mw_lua_code_abx (fs, OP_SETGLOBAL, e, var->info);
          break;
        }
      case VINDEXED:
        {
          int e = mw_lua_code_exp2rk (fs, ex);
          mw_lua_code_abc (fs, OP_SETTABLE, var->info, var->aux, e);
          break;
        }
      default:
        g_assert_not_reached ();
    }
  freeexp (fs, ex);
}

void
mw_lua_code_self (MwLuaFuncState *fs, MwLuaExpDesc *e, MwLuaExpDesc *key)
{
  int func;

  mw_lua_code_exp2anyreg (fs, e);
  freeexp (fs, e);
  func = fs->freereg;
  mw_lua_code_reserveregs (fs, 2);
  mw_lua_code_abc (fs, OP_SELF, func, e->info, mw_lua_code_exp2rk (fs, key));
  freeexp (fs, key);
  e->info = func;
  e->k = VNONRELOC;
}

static void
invertjump (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  guint32 *pc = getjumpcontrol (fs, e->info);
  SETARG_A (*pc, !GETARG_A (*pc));
}

static int
jumponcond (MwLuaFuncState *fs, MwLuaExpDesc *e, int cond)
{
  if (e->k == VRELOCABLE)
    {
      guint32 ie = getcode (fs, e);
      if (GET_OPCODE (ie) == OP_NOT)
        {
          fs->pc--; /* remove the NOT: the next instruction takes its place */
          return condjump (fs, OP_TEST, GETARG_B (ie), 0, !cond);
        }
    }
  discharge2anyreg (fs, e);
  freeexp (fs, e);
  return condjump (fs, OP_TESTSET, NO_REG, e->info, cond);
}

void
mw_lua_code_goiftrue (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  int pc;

  mw_lua_code_dischargevars (fs, e);
  switch (e->k)
    {
      case VK:
      case VKNUM:
      case VTRUE:
        pc = NO_JUMP;
        break;
      case VJMP:
        invertjump (fs, e);
        pc = e->info;
        break;
      default:
        pc = jumponcond (fs, e, 0);
        break;
    }
  mw_lua_code_concat (fs, &e->f, pc);
  mw_lua_code_patchtohere (fs, e->t);
  e->t = NO_JUMP;
}

static void
goiffalse (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  int pc;

  mw_lua_code_dischargevars (fs, e);
  switch (e->k)
    {
      case VNIL:
      case VFALSE:
        pc = NO_JUMP;
        break;
      case VJMP:
        pc = e->info;
        break;
      default:
        pc = jumponcond (fs, e, 1);
        break;
    }
  mw_lua_code_concat (fs, &e->t, pc);
  mw_lua_code_patchtohere (fs, e->f);
  e->f = NO_JUMP;
}

static void
codenot (MwLuaFuncState *fs, MwLuaExpDesc *e)
{
  mw_lua_code_dischargevars (fs, e);
  switch (e->k)
    {
      case VNIL:
      case VFALSE:
        e->k = VTRUE;
        break;
      case VK:
      case VKNUM:
      case VTRUE:
        e->k = VFALSE;
        break;
      case VJMP:
        invertjump (fs, e);
        break;
      case VRELOCABLE:
      case VNONRELOC:
        discharge2anyreg (fs, e);
        freeexp (fs, e);
        e->info = mw_lua_code_abc (fs, OP_NOT, 0, e->info, 0);
        e->k = VRELOCABLE;
        break;
      default:
        g_assert_not_reached ();
    }
  {
    int temp = e->f;
    e->f = e->t;
    e->t = temp;
  }
  removevalues (fs, e->f);
  removevalues (fs, e->t);
}

void
mw_lua_code_indexed (MwLuaFuncState *fs, MwLuaExpDesc *t, MwLuaExpDesc *k)
{
  t->aux = mw_lua_code_exp2rk (fs, k);
  t->k = VINDEXED;
}

/* constfolding, with the target's arithmetic (luaconf.h luai_num*) */
static gboolean
constfolding (MwLuaFuncState *fs, OpCode op, MwLuaExpDesc *e1, MwLuaExpDesc *e2)
{
  double v1, v2, r;

  if (!isnumeral (e1) || !isnumeral (e2))
    return FALSE;
  v1 = e1->nval;
  v2 = e2->nval;
  if (fs->cg->integral)
    {
      gint32 a = (gint32) v1, b = (gint32) v2;

      switch (op)
        {
          case OP_ADD:
            r = wrap32 ((gint64) a + b);
            break;
          case OP_SUB:
            r = wrap32 ((gint64) a - b);
            break;
          case OP_MUL:
            r = wrap32 ((gint64) a * b);
            break;
          case OP_DIV:
            if (b == 0)
              return FALSE;
            /* floor division (luai_numdiv); INT_MIN / -1 wraps */
            if (b == -1)
              r = wrap32 (-(gint64) a);
            else if (((a < 0) == (b < 0)) || a % b == 0)
              r = a / b;
            else
              r = a / b - 1;
            break;
          case OP_MOD:
            if (b == 0)
              return FALSE;
            /* the result takes the divisor's sign (luai_nummod) */
            if (b == -1)
              r = 0;
            else if (((a < 0) == (b < 0)) || a % b == 0)
              r = a % b;
            else
              r = a % b + b;
            break;
          case OP_POW:
            r = int_pow (a, b);
            break;
          case OP_UNM:
            r = wrap32 (-(gint64) a);
            break;
          default:
            return FALSE; /* LEN */
        }
    }
  else
    {
      switch (op)
        {
          case OP_ADD:
            r = v1 + v2;
            break;
          case OP_SUB:
            r = v1 - v2;
            break;
          case OP_MUL:
            r = v1 * v2;
            break;
          case OP_DIV:
            if (v2 == 0)
              return FALSE;
            r = v1 / v2;
            break;
          case OP_MOD:
            if (v2 == 0)
              return FALSE;
            r = v1 - floor (v1 / v2) * v2;
            break;
          case OP_POW:
            r = pow (v1, v2);
            break;
          case OP_UNM:
            r = -v1;
            break;
          default:
            return FALSE; /* LEN */
        }
      if (isnan (r))
        return FALSE;
    }
  e1->nval = r;
  return TRUE;
}

static void
codearith (MwLuaFuncState *fs, OpCode op, MwLuaExpDesc *e1, MwLuaExpDesc *e2)
{
  int o1, o2;

  if (constfolding (fs, op, e1, e2))
    return;
  o2 = (op != OP_UNM && op != OP_LEN) ? mw_lua_code_exp2rk (fs, e2) : 0;
  o1 = mw_lua_code_exp2rk (fs, e1);
  if (o1 > o2)
    {
      freeexp (fs, e1);
      freeexp (fs, e2);
    }
  else
    {
      freeexp (fs, e2);
      freeexp (fs, e1);
    }
  e1->info = mw_lua_code_abc (fs, op, 0, o1, o2);
  e1->k = VRELOCABLE;
}

static void
codecomp (MwLuaFuncState *fs, OpCode op, int cond, MwLuaExpDesc *e1, MwLuaExpDesc *e2)
{
  int o1 = mw_lua_code_exp2rk (fs, e1);
  int o2 = mw_lua_code_exp2rk (fs, e2);

  freeexp (fs, e2);
  freeexp (fs, e1);
  if (cond == 0 && op != OP_EQ)
    {
      int temp = o1; /* exchange the operands to use < or <= */
      o1 = o2;
      o2 = temp;
      cond = 1;
    }
  e1->info = condjump (fs, op, cond, o1, o2);
  e1->k = VJMP;
}

/* luaK_prefix */
void
mw_lua_code_prefix (MwLuaFuncState *fs, MwLuaUnOp op, MwLuaExpDesc *e)
{
  MwLuaExpDesc e2;

  init_exp (&e2, VKNUM, 0);
  e2.nval = 0;
  switch (op)
    {
      case MW_LUA_OP_MINUS:
        if (!isnumeral (e))
          mw_lua_code_exp2anyreg (fs, e);
        codearith (fs, OP_UNM, e, &e2);
        break;
      case MW_LUA_OP_NOT:
        codenot (fs, e);
        break;
      case MW_LUA_OP_LEN:
        mw_lua_code_exp2anyreg (fs, e);
        codearith (fs, OP_LEN, e, &e2);
        break;
    }
}

/* luaK_infix */
void
mw_lua_code_infix (MwLuaFuncState *fs, MwLuaBinOp op, MwLuaExpDesc *v)
{
  switch (op)
    {
      case MW_LUA_OP_AND:
        mw_lua_code_goiftrue (fs, v);
        break;
      case MW_LUA_OP_OR:
        goiffalse (fs, v);
        break;
      case MW_LUA_OP_CONCAT:
        mw_lua_code_exp2nextreg (fs, v);
        break;
      case MW_LUA_OP_ADD:
      case MW_LUA_OP_SUB:
      case MW_LUA_OP_MUL:
      case MW_LUA_OP_DIV:
      case MW_LUA_OP_MOD:
      case MW_LUA_OP_POW:
        if (!isnumeral (v))
          mw_lua_code_exp2rk (fs, v);
        break;
      default:
        mw_lua_code_exp2rk (fs, v);
        break;
    }
}

/* luaK_posfix */
void
mw_lua_code_posfix (MwLuaFuncState *fs, MwLuaBinOp op, MwLuaExpDesc *e1, MwLuaExpDesc *e2)
{
  switch (op)
    {
      case MW_LUA_OP_AND:
        mw_lua_code_dischargevars (fs, e2);
        mw_lua_code_concat (fs, &e2->f, e1->f);
        *e1 = *e2;
        break;
      case MW_LUA_OP_OR:
        mw_lua_code_dischargevars (fs, e2);
        mw_lua_code_concat (fs, &e2->t, e1->t);
        *e1 = *e2;
        break;
      case MW_LUA_OP_CONCAT:
        mw_lua_code_exp2val (fs, e2);
        if (e2->k == VRELOCABLE && GET_OPCODE (getcode (fs, e2)) == OP_CONCAT)
          {
            freeexp (fs, e1);
            SETARG_B (getcode (fs, e2), e1->info);
            e1->k = VRELOCABLE;
            e1->info = e2->info;
          }
        else
          {
            mw_lua_code_exp2nextreg (fs, e2);
            codearith (fs, OP_CONCAT, e1, e2);
          }
        break;
      case MW_LUA_OP_ADD:
        codearith (fs, OP_ADD, e1, e2);
        break;
      case MW_LUA_OP_SUB:
        codearith (fs, OP_SUB, e1, e2);
        break;
      case MW_LUA_OP_MUL:
        codearith (fs, OP_MUL, e1, e2);
        break;
      case MW_LUA_OP_DIV:
        codearith (fs, OP_DIV, e1, e2);
        break;
      case MW_LUA_OP_MOD:
        codearith (fs, OP_MOD, e1, e2);
        break;
      case MW_LUA_OP_POW:
        codearith (fs, OP_POW, e1, e2);
        break;
      case MW_LUA_OP_EQ:
        codecomp (fs, OP_EQ, 1, e1, e2);
        break;
      case MW_LUA_OP_NE:
        codecomp (fs, OP_EQ, 0, e1, e2);
        break;
      case MW_LUA_OP_LT:
        codecomp (fs, OP_LT, 1, e1, e2);
        break;
      case MW_LUA_OP_LE:
        codecomp (fs, OP_LE, 1, e1, e2);
        break;
      case MW_LUA_OP_GT:
        codecomp (fs, OP_LT, 0, e1, e2);
        break;
      case MW_LUA_OP_GE:
        codecomp (fs, OP_LE, 0, e1, e2);
        break;
      default:
        g_assert_not_reached ();
    }
}

/* luaO_int2fb: a table size as a "floating point byte" */
int
mw_lua_code_int2fb (unsigned int x)
{
  int e = 0;

  while (x >= 16)
    {
      x = (x + 1) >> 1;
      e++;
    }
  if (x < 8)
    return (int) x;
  return ((e + 1) << 3) | ((int) x - 8);
}

void
mw_lua_code_setlist (MwLuaFuncState *fs, int base, int nelems, int tostore)
{
  int c = (nelems - 1) / LFIELDS_PER_FLUSH + 1;
  int b = (tostore == LUA_MULTRET) ? 0 : tostore;

  if (c <= MAXARG_C)
    mw_lua_code_abc (fs, OP_SETLIST, base, b, c);
  else
    {
      mw_lua_code_abc (fs, OP_SETLIST, base, b, 0);
      code (fs, (guint32) c, fs->cg->lastline);
    }
  fs->freereg = base + 1;
}
