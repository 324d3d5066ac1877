/* mw-lua-codegen.c: Lua 5.1 function prototypes from a tree, rule for rule as the firmware's
 * lparser.c and lcode.c generate them (docs/firmware.md section 8).
 *
 * The walk visits the tree in the order lparser.c parses it. Every place where lparser.c
 * consumes a token is a call to consume(), so `lastline` (the line each instruction gets) and
 * `linenumber` (the line of limit errors) are what they are in the firmware's compiler at the
 * same point. Expression descriptors, registers, jump lists and constant folding follow
 * lcode.c. Line info is grouped as the firmware's luaK_code and luaK_fixline group it.
 *
 * Errors do not unwind: the first is recorded, and from then on jump lists read as empty and
 * statements are skipped, so the walk winds down on its own.
 */
#include "mw-lua-codegen.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mw-lua-tree.h"
#include "mw-lua-opcodes.h"

G_DEFINE_QUARK (mw - lua - codegen - error - quark, mw_lua_codegen_error)

/* Lua 5.1's instruction layout (lopcodes.h): op 6 bits, A 8, C 9, B 9; Bx = B:C. */
#define POS_A 6
#define POS_C 14
#define POS_B 23
#define MAXARG_A 255
#define MAXARG_C 511
#define MAXARG_BX 262143
#define MAXARG_SBX 131071
#define NO_REG MAXARG_A
#define NO_JUMP (-1)
#define BITRK 256
#define MAXINDEXRK (BITRK - 1)
#define ISK(x) ((x) &BITRK)
#define RKASK(x) ((x) | BITRK)
#define MAXSTACK 250 /* luaconf.h: most registers a function may use */
#define LFIELDS_PER_FLUSH 50
#define LUA_MULTRET (-1)

#define GET_OPCODE(i) ((int) ((i) &0x3f))
#define GETARG_A(i) ((int) (((i) >> POS_A) & 0xff))
#define GETARG_B(i) ((int) (((i) >> POS_B) & 0x1ff))
#define GETARG_C(i) ((int) (((i) >> POS_C) & 0x1ff))
#define GETARG_BX(i) ((int) ((i) >> POS_C))
#define GETARG_SBX(i) (GETARG_BX (i) - MAXARG_SBX)
#define SET_OPCODE(i, o) ((i) = ((i) & ~0x3fu) | (guint32) (o))
#define SETARG_A(i, v) ((i) = ((i) & ~(0xffu << POS_A)) | (((guint32) (v) &0xff) << POS_A))
#define SETARG_B(i, v) ((i) = ((i) & ~(0x1ffu << POS_B)) | (((guint32) (v) &0x1ff) << POS_B))
#define SETARG_C(i, v) ((i) = ((i) & ~(0x1ffu << POS_C)) | (((guint32) (v) &0x1ff) << POS_C))
#define SETARG_BX(i, v) ((i) = ((i) &0x3fffu) | (((guint32) (v) &0x3ffff) << POS_C))
#define SETARG_SBX(i, v) SETARG_BX ((i), (v) + MAXARG_SBX)
#define CREATE_ABC(o, a, b, c) \
  ((guint32) (o) | (((guint32) (a) &0xff) << POS_A) | (((guint32) (b) &0x1ff) << POS_B) \
   | (((guint32) (c) &0x1ff) << POS_C))
#define CREATE_ABX(o, a, bx) \
  ((guint32) (o) | (((guint32) (a) &0xff) << POS_A) | (((guint32) (bx) &0x3ffff) << POS_C))

/* Firmware limits (docs/firmware.md section 3) */
#define LUAI_MAXUPVALUES MW_LUA_MAX_UPVALUES
#define INFO_MAX_LINECNT 126 /* ldebug.h: most instructions in one line-info group */

/* VARARG flags of Proto.is_vararg (lobject.h) */
#define VARARG_HASARG 1
#define VARARG_ISVARARG 2
#define VARARG_NEEDSARG 4

/* testTMode: the instructions a jump follows as its condition */
static inline gboolean
test_t_mode (int op)
{
  return op == OP_EQ || op == OP_LT || op == OP_LE || op == OP_TEST || op == OP_TESTSET;
}

typedef enum
{
  VVOID, /* no value */
  VNIL,
  VTRUE,
  VFALSE,
  VK, /* info = index of the constant */
  VKNUM, /* nval = the number */
  VLOCAL, /* info = local register */
  VUPVAL, /* info = index of the upvalue */
  VGLOBAL, /* info = index of the name's constant */
  VINDEXED, /* info = table register, aux = key register or RK */
  VJMP, /* info = pc of the jump */
  VRELOCABLE, /* info = pc of the instruction whose A is still to be set */
  VNONRELOC, /* info = the register holding the value */
  VCALL, /* info = pc of the call */
  VVARARG, /* info = pc of the VARARG */
} ExpKind;

typedef struct
{
  ExpKind k;
  int info, aux;
  double nval;
  int t; /* patch list of "exit when true" */
  int f; /* patch list of "exit when false" */
} ExpDesc;

#define hasjumps(e) ((e)->t != (e)->f)
#define hasmultret(k) ((k) == VCALL || (k) == VVARARG)

typedef struct _BlockCnt
{
  struct _BlockCnt *previous;
  int breaklist; /* jumps out of this loop */
  int nactvar; /* active locals outside the block */
  gboolean upval; /* some local of the block is an upvalue */
  gboolean isbreakable; /* the block is a loop */
} BlockCnt;

/* one group of packed line info: `count` consecutive instructions on `line` */
typedef struct
{
  gint32 line;
  guint8 count;
} LineGroup;

typedef struct _FuncState FuncState;

typedef struct
{
  MwLuaTree *tree;
  const MwLuaToken *toks;
  const char *src;
  gboolean integral;
  int maxvars; /* LUAI_MAXVARS */
  gboolean names; /* copy local and upvalue names into the prototypes */
  guint lookahead; /* a table field's NAME that Lua read a token past (luaX_lookahead) */
  guint cur; /* Lua's current token: the one after the last consumed */
  gint32 lastline; /* Lua's ls->lastline: the line instructions get */
  FuncState *fs;
  GString *scratch;
  GError *error; /* the first error */
  gboolean failed;
  GError *dump_error; /* a constant luac.cross would refuse to write, reported last */
  FuncState *pool; /* closed functions' states, to reuse */
} Codegen;

struct _FuncState
{
  /* Working buffers, kept from one function to the next (Codegen.pool): allocating them per
   * function cost more than generating most functions. A prototype gets exact-size copies. */
  FuncState *next_free;
  guint32 *code; /* ncode instructions, room for capcode */
  gint32 *lines; /* one per instruction, room for capcode */
  int capcode;
  LineGroup *groups; /* room for capgroups */
  int capgroups;
  MwLuaConstant *k; /* room for capk; a string's data is NULL here, its bytes in kbytes */
  guint32 *koff; /* room for capk: where a string constant's bytes start in kbytes */
  int capk;
  char *kbytes; /* the string constants' bytes, each NUL-terminated: one block per function */
  gsize nkbytes, capkbytes;
  guint32 *kslots; /* constant lookup: index + 1, 0 empty; kmask + 1 slots, or none */
  guint kmask;
  GPtrArray *protos; /* MwLuaProto*, owned until closed */
  MwLuaLocVar *locvars; /* one per variable of the function, by MwLuaVar.index */
  int *reg; /* register of each variable while it is active, by MwLuaVar.index */
  guint capvars; /* room in locvars and reg */
  /* the state of one function: cleared when it is opened */
  FuncState *prev;
  Codegen *cg;
  MwLuaFunction *func;
  BlockCnt *bl;
  int ncode, ngroups, nk;
  int nups;
  int pc; /* next instruction */
  int lasttarget; /* pc of the last jump target */
  int jpc; /* jumps to pc, pending */
  int freereg;
  int nactvar;
  int maxstacksize;
  guint8 is_vararg;
  int numparams;
  gint32 linedefined, lastlinedefined;
  gint32 info_lastline; /* the line of the last line-info group (lcode.c fs->lastline) */
  /* not cleared when opened: read up to nactvar and nups only */
  MwLuaVar *actvar[MW_LUA_MAX_VARS + 8];
  guint8 up_k[MW_LUA_MAX_UPVALUES + 1]; /* VLOCAL or VUPVAL in the enclosing function */
  guint8 up_info[MW_LUA_MAX_UPVALUES + 1];
  const char *up_name[MW_LUA_MAX_UPVALUES + 1];
};

static void expr (Codegen *cg, MwLuaNode *n, ExpDesc *v);
static void block (Codegen *cg, MwLuaNode *b);
static void chunk (Codegen *cg, MwLuaNode *b);

/* --- tokens and errors ------------------------------------------------------------------- */

/* luaX_next on token `tok`: lastline becomes the line where the lexer stands */
static inline void
consume (Codegen *cg, guint tok)
{
  cg->lastline = (gint32) cg->toks[tok == cg->lookahead ? tok + 1 : tok].end_line;
  cg->cur = tok + 1;
}

/* Lua's ls->linenumber */
static inline gint32
linenumber (Codegen *cg)
{
  return (gint32) cg->toks[cg->cur].end_line;
}

static void
fail (Codegen *cg, MwLuaCodegenError code, gint32 line, const char *message)
{
  if (cg->failed)
    return;
  cg->failed = TRUE;
  g_set_error (&cg->error, MW_LUA_CODEGEN_ERROR, code, "%s:%d: %s",
               mw_lua_tree_get_chunkname (cg->tree), line, message);
}

/* luaX_syntaxerror: the message and the current token */
static void
syntax_error (Codegen *cg, const char *message)
{
  gsize len;
  const char *text = mw_lua_tree_token_text (cg->tree, cg->cur, &len);
  g_autofree char *full = g_strdup_printf ("%s near '%.*s'", message, (int) len, text);

  fail (cg, MW_LUA_CODEGEN_ERROR_LIMIT, linenumber (cg), full);
}

/* errorlimit: luaX_lexerror without a token */
static void
errorlimit (Codegen *cg, FuncState *fs, int limit, const char *what)
{
  g_autofree char *msg = NULL;

  if (fs->linedefined == 0)
    msg = g_strdup_printf ("main function has more than %d %s", limit, what);
  else
    msg = g_strdup_printf ("function at line %d has more than %d %s", fs->linedefined, limit, what);
  fail (cg, MW_LUA_CODEGEN_ERROR_LIMIT, linenumber (cg), msg);
}

/* the token after a node: an empty block is a position before its first token */
static inline guint
after (const MwLuaNode *n)
{
  if (n->kind == MW_LUA_NODE_BLOCK && n->kids[0] == NULL)
    return n->first;
  return n->last + 1;
}

static inline MwLuaTokenKind
tok_kind (Codegen *cg, guint tok)
{
  return cg->toks[tok].kind;
}

/* --- numbers ------------------------------------------------------------------------------ */

/* The integer firmware's luaO_str2d: strtol, then strtoul for hex (wrapped to 32 bits), and
 * nothing else may follow but spaces. A decimal of 2^31 or more is refused here although
 * luac.cross wraps it (docs/firmware.md section 8). */
static gboolean
integer_numeral (Codegen *cg, guint tok, double *out)
{
  const MwLuaToken *t = &cg->toks[tok];
  char buf[128];
  g_autofree char *big = NULL;
  char *s = buf, *end;
  gint64 value;

  if (t->length >= sizeof buf)
    s = big = g_strndup (cg->src + t->offset, t->length);
  else
    {
      memcpy (buf, cg->src + t->offset, t->length);
      buf[t->length] = '\0';
    }
  errno = 0;
  value = strtoll (s, &end, 10);
  if (end == s)
    goto malformed;
  if (*end == 'x' || *end == 'X')
    value = (gint32) (guint32) strtoull (s, &end, 16);
  else if (value > G_MAXINT32 || errno == ERANGE)
    {
      /* luac.cross keeps the low 32 bits of its 64-bit strtol; the board's strtol clamps */
      gint32 luac = errno == ERANGE ? -1 : (gint32) (guint32) (guint64) value;
      g_autofree char *msg = g_strdup_printf ("number %s is beyond the integer firmware's 32-bit "
                                              "range (luac.cross would write %d, the board "
                                              "would read 2147483647)",
                                              s, luac);
      cg->cur = tok;
      fail (cg, MW_LUA_CODEGEN_ERROR_NUMBER, (gint32) t->end_line, msg);
      return FALSE;
    }
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0')
    goto malformed;
  *out = (double) value;
  return TRUE;

malformed:
  {
    g_autofree char *msg = g_strdup_printf ("malformed number near '%s'", s);
    fail (cg, MW_LUA_CODEGEN_ERROR_NUMBER, (gint32) t->end_line, msg);
    return FALSE;
  }
}

static double
numeral (Codegen *cg, guint tok)
{
  const MwLuaToken *t = &cg->toks[tok];
  double d = 0;

  if (cg->integral)
    integer_numeral (cg, tok, &d);
  else
    mw_lua_numeral_to_double (cg->src + t->offset, t->length, &d);
  return d;
}

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
lineinfo_new_group (FuncState *fs, gint32 line)
{
  if (fs->ngroups == fs->capgroups)
    {
      fs->capgroups *= 2;
      fs->groups = g_renew (LineGroup, fs->groups, fs->capgroups);
    }
  fs->groups[fs->ngroups].line = line;
  fs->groups[fs->ngroups++].count = 1;
  fs->info_lastline = line;
}

/* luaK_fixline: the last instruction moves to `line`. The firmware takes it out of its group
 * and always starts a new group, even on the line of the group before. Its backward walk
 * mis-reads deltas over 63 lines; this one keeps each group's line (docs/firmware.md
 * section 8). */
static void
fixline (FuncState *fs, gint32 line)
{
  LineGroup *last;

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

static void dischargejpc (FuncState *fs);

static int
code (FuncState *fs, guint32 i, gint32 line)
{
  dischargejpc (fs);
  if (fs->pc < fs->ncode)
    {
      /* an instruction taken back (a removed NOT) is overwritten: it keeps its group */
      fs->code[fs->pc] = i;
      fixline (fs, line);
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

static int
code_abc (FuncState *fs, OpCode o, int a, int b, int c)
{
  return code (fs, CREATE_ABC (o, a, b, c), fs->cg->lastline);
}

static int
code_abx (FuncState *fs, OpCode o, int a, int bx)
{
  return code (fs, CREATE_ABX (o, a, bx), fs->cg->lastline);
}

#define code_asbx(fs, o, a, sbx) code_abx ((fs), (o), (a), (sbx) + MAXARG_SBX)

static inline guint32 *
getcode_at (FuncState *fs, int pc)
{
  return &fs->code[pc];
}

#define getcode(fs, e) (*getcode_at ((fs), (e)->info))

/* --- jumps -------------------------------------------------------------------------------- */

static void
fixjump (FuncState *fs, int pc, int dest)
{
  guint32 *jmp = getcode_at (fs, pc);
  int offset = dest - (pc + 1);

  if (abs (offset) > MAXARG_SBX)
    {
      syntax_error (fs->cg, "control structure too long");
      return;
    }
  SETARG_SBX (*jmp, offset);
}

/* luaK_getlabel */
static int
getlabel (FuncState *fs)
{
  fs->lasttarget = fs->pc;
  return fs->pc;
}

static int
getjump (FuncState *fs, int pc)
{
  int offset = GETARG_SBX (*getcode_at (fs, pc));

  /* after an error jump lists may be unfinished: read them as empty */
  if (offset == NO_JUMP || fs->cg->failed)
    return NO_JUMP;
  return pc + 1 + offset;
}

static guint32 *
getjumpcontrol (FuncState *fs, int pc)
{
  guint32 *pi = getcode_at (fs, pc);

  if (pc >= 1 && test_t_mode (GET_OPCODE (*(pi - 1))))
    return pi - 1;
  return pi;
}

static gboolean
need_value (FuncState *fs, int list)
{
  for (; list != NO_JUMP; list = getjump (fs, list))
    if (GET_OPCODE (*getjumpcontrol (fs, list)) != OP_TESTSET)
      return TRUE;
  return FALSE;
}

static gboolean
patchtestreg (FuncState *fs, int node, int reg)
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
removevalues (FuncState *fs, int list)
{
  for (; list != NO_JUMP; list = getjump (fs, list))
    patchtestreg (fs, list, NO_REG);
}

static void
patchlistaux (FuncState *fs, int list, int vtarget, int reg, int dtarget)
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
dischargejpc (FuncState *fs)
{
  patchlistaux (fs, fs->jpc, fs->pc, NO_REG, fs->pc);
  fs->jpc = NO_JUMP;
}

static void
concat (FuncState *fs, int *l1, int l2)
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

static void
patchtohere (FuncState *fs, int list)
{
  getlabel (fs);
  concat (fs, &fs->jpc, list);
}

static void
patchlist (FuncState *fs, int list, int target)
{
  if (target == fs->pc)
    patchtohere (fs, list);
  else
    patchlistaux (fs, list, target, NO_REG, target);
}

/* luaK_jump */
static int
jump (FuncState *fs)
{
  int jpc = fs->jpc;
  int j;

  fs->jpc = NO_JUMP;
  j = code_asbx (fs, OP_JMP, 0, NO_JUMP);
  concat (fs, &j, jpc);
  return j;
}

static int
condjump (FuncState *fs, OpCode op, int a, int b, int c)
{
  code_abc (fs, op, a, b, c);
  return jump (fs);
}

/* --- registers ---------------------------------------------------------------------------- */

static void
checkstack (FuncState *fs, int n)
{
  int newstack = fs->freereg + n;

  if (newstack > fs->maxstacksize)
    {
      if (newstack >= MAXSTACK)
        syntax_error (fs->cg, "function or expression too complex");
      fs->maxstacksize = newstack;
    }
}

static void
reserveregs (FuncState *fs, int n)
{
  checkstack (fs, n);
  fs->freereg += n;
}

static void
freereg (FuncState *fs, int reg)
{
  if (!ISK (reg) && reg >= fs->nactvar)
    fs->freereg--;
}

static void
freeexp (FuncState *fs, ExpDesc *e)
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
        {
          guint h = 2166136261u ^ (guint) k->string.len;
          for (gsize i = 0; i < k->string.len; i++)
            h = (h ^ (guchar) k->string.data[i]) * 16777619u;
          return h;
        }
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
constant_same (FuncState *fs, int i, const MwLuaConstant *k)
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
ktable_grow (FuncState *fs)
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
addk (FuncState *fs, const MwLuaConstant *k)
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
      syntax_error (fs->cg, "constant table overflow");
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
string_k (FuncState *fs, const char *s, gsize len)
{
  MwLuaConstant k = { MW_LUA_CONSTANT_STRING, FALSE, 0, { (char *) s, len } };
  return addk (fs, &k);
}

static int
number_k (FuncState *fs, double r)
{
  MwLuaConstant k = { MW_LUA_CONSTANT_NUMBER, FALSE, r, { NULL, 0 } };
  Codegen *cg = fs->cg;

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
bool_k (FuncState *fs, gboolean b)
{
  MwLuaConstant k = { MW_LUA_CONSTANT_BOOLEAN, b, 0, { NULL, 0 } };
  return addk (fs, &k);
}

static int
nil_k (FuncState *fs)
{
  MwLuaConstant k = { MW_LUA_CONSTANT_NIL, FALSE, 0, { NULL, 0 } };
  return addk (fs, &k);
}

/* the constant of a NAME token's text */
static int
name_k (FuncState *fs, guint tok)
{
  const MwLuaToken *t = &fs->cg->toks[tok];
  return string_k (fs, fs->cg->src + t->offset, t->length);
}

/* the constant of a STRING token's value */
static int
token_string_k (FuncState *fs, guint tok)
{
  GString *s = fs->cg->scratch;

  g_string_truncate (s, 0);
  mw_lua_token_decode_string (fs->cg->src, &fs->cg->toks[tok], s);
  return string_k (fs, s->str, s->len);
}

/* --- expressions (lcode.c) ---------------------------------------------------------------- */

static inline void
init_exp (ExpDesc *e, ExpKind k, int info)
{
  e->f = e->t = NO_JUMP;
  e->k = k;
  e->info = info;
}

static inline gboolean
isnumeral (const ExpDesc *e)
{
  return e->k == VKNUM && e->t == NO_JUMP && e->f == NO_JUMP;
}

/* luaK_nil */
static void
code_nil (FuncState *fs, int from, int n)
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
  code_abc (fs, OP_LOADNIL, from, from + n - 1, 0);
}

static void
setreturns (FuncState *fs, ExpDesc *e, int nresults)
{
  if (e->k == VCALL)
    SETARG_C (getcode (fs, e), nresults + 1);
  else if (e->k == VVARARG)
    {
      SETARG_B (getcode (fs, e), nresults + 1);
      SETARG_A (getcode (fs, e), fs->freereg);
      reserveregs (fs, 1);
    }
}

#define setmultret(fs, e) setreturns ((fs), (e), LUA_MULTRET)

static void
setoneret (FuncState *fs, ExpDesc *e)
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

static void
dischargevars (FuncState *fs, ExpDesc *e)
{
  switch (e->k)
    {
      case VLOCAL:
        e->k = VNONRELOC;
        break;
      case VUPVAL:
        e->info = code_abc (fs, OP_GETUPVAL, 0, e->info, 0);
        e->k = VRELOCABLE;
        break;
      case VGLOBAL:
        e->info = code_abx (fs, OP_GETGLOBAL, 0, e->info);
        e->k = VRELOCABLE;
        break;
      case VINDEXED:
        freereg (fs, e->aux);
        freereg (fs, e->info);
        e->info = code_abc (fs, OP_GETTABLE, 0, e->info, e->aux);
        e->k = VRELOCABLE;
        break;
      case VVARARG:
      case VCALL:
        setoneret (fs, e);
        break;
      default:
        break;
    }
}

static int
code_label (FuncState *fs, int a, int b, int jmp)
{
  getlabel (fs);
  return code_abc (fs, OP_LOADBOOL, a, b, jmp);
}

static void
discharge2reg (FuncState *fs, ExpDesc *e, int reg)
{
  dischargevars (fs, e);
  switch (e->k)
    {
      case VNIL:
        code_nil (fs, reg, 1);
        break;
      case VFALSE:
      case VTRUE:
        code_abc (fs, OP_LOADBOOL, reg, e->k == VTRUE, 0);
        break;
      case VK:
        code_abx (fs, OP_LOADK, reg, e->info);
        break;
      case VKNUM:
        code_abx (fs, OP_LOADK, reg, number_k (fs, e->nval));
        break;
      case VRELOCABLE:
        SETARG_A (getcode (fs, e), reg);
        break;
      case VNONRELOC:
        if (reg != e->info)
          code_abc (fs, OP_MOVE, reg, e->info, 0);
        break;
      default:
        return; /* VVOID or VJMP: nothing to do */
    }
  e->info = reg;
  e->k = VNONRELOC;
}

static void
discharge2anyreg (FuncState *fs, ExpDesc *e)
{
  if (e->k != VNONRELOC)
    {
      reserveregs (fs, 1);
      discharge2reg (fs, e, fs->freereg - 1);
    }
}

static void
exp2reg (FuncState *fs, ExpDesc *e, int reg)
{
  discharge2reg (fs, e, reg);
  if (e->k == VJMP)
    concat (fs, &e->t, e->info);
  if (hasjumps (e))
    {
      int final;
      int p_f = NO_JUMP, p_t = NO_JUMP;

      if (need_value (fs, e->t) || need_value (fs, e->f))
        {
          int fj = (e->k == VJMP) ? NO_JUMP : jump (fs);
          p_f = code_label (fs, reg, 0, 1);
          p_t = code_label (fs, reg, 1, 0);
          patchtohere (fs, fj);
        }
      final = getlabel (fs);
      patchlistaux (fs, e->f, final, reg, p_f);
      patchlistaux (fs, e->t, final, reg, p_t);
    }
  e->f = e->t = NO_JUMP;
  e->info = reg;
  e->k = VNONRELOC;
}

static void
exp2nextreg (FuncState *fs, ExpDesc *e)
{
  dischargevars (fs, e);
  freeexp (fs, e);
  reserveregs (fs, 1);
  exp2reg (fs, e, fs->freereg - 1);
}

static int
exp2anyreg (FuncState *fs, ExpDesc *e)
{
  dischargevars (fs, e);
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
  exp2nextreg (fs, e);
  return e->info;
}

static void
exp2val (FuncState *fs, ExpDesc *e)
{
  if (hasjumps (e))
    exp2anyreg (fs, e);
  else
    dischargevars (fs, e);
}

static int
exp2rk (FuncState *fs, ExpDesc *e)
{
  exp2val (fs, e);
  switch (e->k)
    {
      case VKNUM:
      case VTRUE:
      case VFALSE:
      case VNIL:
        if (fs->nk <= MAXINDEXRK)
          {
            e->info = e->k == VNIL    ? nil_k (fs)
                      : e->k == VKNUM ? number_k (fs, e->nval)
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
  return exp2anyreg (fs, e);
}

static void
storevar (FuncState *fs, ExpDesc *var, ExpDesc *ex)
{
  switch (var->k)
    {
      case VLOCAL:
        freeexp (fs, ex);
        exp2reg (fs, ex, var->info);
        return;
      case VUPVAL:
        {
          int e = exp2anyreg (fs, ex);
          code_abc (fs, OP_SETUPVAL, e, var->info, 0);
          break;
        }
      case VGLOBAL:
        {
          int e = exp2anyreg (fs, ex);
          code_abx (fs, OP_SETGLOBAL, e, var->info);
          break;
        }
      case VINDEXED:
        {
          int e = exp2rk (fs, ex);
          code_abc (fs, OP_SETTABLE, var->info, var->aux, e);
          break;
        }
      default:
        g_assert_not_reached ();
    }
  freeexp (fs, ex);
}

static void
code_self (FuncState *fs, ExpDesc *e, ExpDesc *key)
{
  int func;

  exp2anyreg (fs, e);
  freeexp (fs, e);
  func = fs->freereg;
  reserveregs (fs, 2);
  code_abc (fs, OP_SELF, func, e->info, exp2rk (fs, key));
  freeexp (fs, key);
  e->info = func;
  e->k = VNONRELOC;
}

static void
invertjump (FuncState *fs, ExpDesc *e)
{
  guint32 *pc = getjumpcontrol (fs, e->info);
  SETARG_A (*pc, !GETARG_A (*pc));
}

static int
jumponcond (FuncState *fs, ExpDesc *e, int cond)
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

static void
goiftrue (FuncState *fs, ExpDesc *e)
{
  int pc;

  dischargevars (fs, e);
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
  concat (fs, &e->f, pc);
  patchtohere (fs, e->t);
  e->t = NO_JUMP;
}

static void
goiffalse (FuncState *fs, ExpDesc *e)
{
  int pc;

  dischargevars (fs, e);
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
  concat (fs, &e->t, pc);
  patchtohere (fs, e->f);
  e->f = NO_JUMP;
}

static void
codenot (FuncState *fs, ExpDesc *e)
{
  dischargevars (fs, e);
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
        e->info = code_abc (fs, OP_NOT, 0, e->info, 0);
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

static void
indexed (FuncState *fs, ExpDesc *t, ExpDesc *k)
{
  t->aux = exp2rk (fs, k);
  t->k = VINDEXED;
}

/* constfolding, with the target's arithmetic (luaconf.h luai_num*) */
static gboolean
constfolding (FuncState *fs, OpCode op, ExpDesc *e1, ExpDesc *e2)
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
codearith (FuncState *fs, OpCode op, ExpDesc *e1, ExpDesc *e2)
{
  int o1, o2;

  if (constfolding (fs, op, e1, e2))
    return;
  o2 = (op != OP_UNM && op != OP_LEN) ? exp2rk (fs, e2) : 0;
  o1 = exp2rk (fs, e1);
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
  e1->info = code_abc (fs, op, 0, o1, o2);
  e1->k = VRELOCABLE;
}

static void
codecomp (FuncState *fs, OpCode op, int cond, ExpDesc *e1, ExpDesc *e2)
{
  int o1 = exp2rk (fs, e1);
  int o2 = exp2rk (fs, e2);

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
static void
prefix (FuncState *fs, MwLuaUnOp op, ExpDesc *e)
{
  ExpDesc e2;

  init_exp (&e2, VKNUM, 0);
  e2.nval = 0;
  switch (op)
    {
      case MW_LUA_OP_MINUS:
        if (!isnumeral (e))
          exp2anyreg (fs, e);
        codearith (fs, OP_UNM, e, &e2);
        break;
      case MW_LUA_OP_NOT:
        codenot (fs, e);
        break;
      case MW_LUA_OP_LEN:
        exp2anyreg (fs, e);
        codearith (fs, OP_LEN, e, &e2);
        break;
    }
}

/* luaK_infix */
static void
infix (FuncState *fs, MwLuaBinOp op, ExpDesc *v)
{
  switch (op)
    {
      case MW_LUA_OP_AND:
        goiftrue (fs, v);
        break;
      case MW_LUA_OP_OR:
        goiffalse (fs, v);
        break;
      case MW_LUA_OP_CONCAT:
        exp2nextreg (fs, v);
        break;
      case MW_LUA_OP_ADD:
      case MW_LUA_OP_SUB:
      case MW_LUA_OP_MUL:
      case MW_LUA_OP_DIV:
      case MW_LUA_OP_MOD:
      case MW_LUA_OP_POW:
        if (!isnumeral (v))
          exp2rk (fs, v);
        break;
      default:
        exp2rk (fs, v);
        break;
    }
}

/* luaK_posfix */
static void
posfix (FuncState *fs, MwLuaBinOp op, ExpDesc *e1, ExpDesc *e2)
{
  switch (op)
    {
      case MW_LUA_OP_AND:
        dischargevars (fs, e2);
        concat (fs, &e2->f, e1->f);
        *e1 = *e2;
        break;
      case MW_LUA_OP_OR:
        dischargevars (fs, e2);
        concat (fs, &e2->t, e1->t);
        *e1 = *e2;
        break;
      case MW_LUA_OP_CONCAT:
        exp2val (fs, e2);
        if (e2->k == VRELOCABLE && GET_OPCODE (getcode (fs, e2)) == OP_CONCAT)
          {
            freeexp (fs, e1);
            SETARG_B (getcode (fs, e2), e1->info);
            e1->k = VRELOCABLE;
            e1->info = e2->info;
          }
        else
          {
            exp2nextreg (fs, e2);
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
static int
int2fb (unsigned int x)
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

static void
setlist (FuncState *fs, int base, int nelems, int tostore)
{
  int c = (nelems - 1) / LFIELDS_PER_FLUSH + 1;
  int b = (tostore == LUA_MULTRET) ? 0 : tostore;

  if (c <= MAXARG_C)
    code_abc (fs, OP_SETLIST, base, b, c);
  else
    {
      code_abc (fs, OP_SETLIST, base, b, 0);
      code (fs, (guint32) c, fs->cg->lastline);
    }
  fs->freereg = base + 1;
}

/* --- functions and scopes (lparser.c) ----------------------------------------------------- */

static FuncState *
open_func (Codegen *cg, MwLuaFunction *func)
{
  FuncState *fs = cg->pool;
  guint nvars = MAX (func->vars->len, 1);

  if (fs != NULL)
    cg->pool = fs->next_free;
  else
    {
      /* only the buffers are cleared here: the rest is cleared below, or read only up to
       * what the function has set (actvar, up_*) */
      fs = g_malloc (sizeof (FuncState));
      memset (fs, 0, offsetof (FuncState, prev));
      fs->capcode = 64;
      fs->code = g_new (guint32, fs->capcode);
      fs->lines = g_new (gint32, fs->capcode);
      fs->capgroups = 32;
      fs->groups = g_new (LineGroup, fs->capgroups);
      fs->capk = 32;
      fs->k = g_new (MwLuaConstant, fs->capk);
      fs->koff = g_new (guint32, fs->capk);
      fs->protos = g_ptr_array_new ();
    }
  memset (&fs->prev, 0, offsetof (FuncState, actvar) - offsetof (FuncState, prev));
  if (fs->kmask != 0)
    memset (fs->kslots, 0, (fs->kmask + 1) * sizeof *fs->kslots);
  g_ptr_array_set_size (fs->protos, 0);
  fs->nkbytes = 0;
  if (nvars > fs->capvars)
    {
      fs->capvars = MAX (nvars, fs->capvars * 2);
      fs->locvars = g_renew (MwLuaLocVar, fs->locvars, fs->capvars);
      fs->reg = g_renew (int, fs->reg, fs->capvars);
    }
  memset (fs->locvars, 0, nvars * sizeof *fs->locvars);
  memset (fs->reg, 0, nvars * sizeof *fs->reg);
  fs->prev = cg->fs;
  fs->cg = cg;
  fs->func = func;
  fs->lasttarget = -1;
  fs->jpc = NO_JUMP;
  fs->maxstacksize = 2; /* registers 0 and 1 are always valid */
  cg->fs = fs;
  return fs;
}

static void
funcstate_free (FuncState *fs)
{
  g_free (fs->code);
  g_free (fs->lines);
  g_free (fs->groups);
  g_free (fs->k);
  g_free (fs->koff);
  g_free (fs->kbytes);
  g_free (fs->kslots);
  g_ptr_array_unref (fs->protos);
  g_free (fs->locvars);
  g_free (fs->reg);
  g_free (fs);
}

static MwLuaString
string_dup (const char *s)
{
  MwLuaString out = { g_strdup (s), strlen (s) };
  return out;
}

static void
removevars (FuncState *fs, int tolevel)
{
  while (fs->nactvar > tolevel)
    fs->locvars[fs->actvar[--fs->nactvar]->index].endpc = fs->pc;
}

/* close_func: the final RETURN, then the prototype */
static MwLuaProto *
close_func (Codegen *cg)
{
  FuncState *fs = cg->fs;
  MwLuaProto *f = g_new0 (MwLuaProto, 1);
  guint nvars = fs->func->vars->len;

  removevars (fs, 0);
  code_abc (fs, OP_RETURN, 0, 1, 0);

  if (fs->func->parent == NULL)
    {
      f->source.data = g_strconcat ("@", mw_lua_tree_get_chunkname (cg->tree), NULL);
      f->source.len = strlen (f->source.data);
    }
  f->linedefined = fs->linedefined;
  f->lastlinedefined = fs->lastlinedefined;
  f->nups = (guint8) fs->nups;
  f->numparams = (guint8) fs->numparams;
  f->is_vararg = fs->is_vararg;
  f->maxstacksize = (guint8) MIN (fs->maxstacksize, 255);
  f->n_code = fs->ncode;
  f->code = g_memdup2 (fs->code, fs->ncode * sizeof *fs->code);
  f->n_lineinfo = fs->ncode;
  f->lineinfo = g_memdup2 (fs->lines, fs->ncode * sizeof *fs->lines);
  f->n_line_groups = fs->ngroups;
  f->line_groups = g_new (guint8, MAX (fs->ngroups, 1));
  for (int i = 0; i < fs->ngroups; i++)
    f->line_groups[i] = fs->groups[i].count;
  f->n_constants = fs->nk;
  f->constants = g_memdup2 (fs->k, fs->nk * sizeof *fs->k);
  /* the strings in one block: one allocation per function, not one per string */
  f->constant_strings = g_memdup2 (fs->kbytes, fs->nkbytes);
  for (int i = 0; i < fs->nk; i++)
    if (f->constants[i].type == MW_LUA_CONSTANT_STRING)
      f->constants[i].string.data = f->constant_strings + fs->koff[i];
  f->n_protos = fs->protos->len;
  f->protos = g_memdup2 (fs->protos->pdata, fs->protos->len * sizeof (gpointer));
  if (cg->names)
    {
      /* a malloc'd copy per name: worth leaving out when the dump strips them */
      f->n_locvars = nvars;
      f->locvars = g_memdup2 (fs->locvars, nvars * sizeof *fs->locvars);
      for (guint i = 0; i < nvars; i++)
        f->locvars[i].name = string_dup (((MwLuaVar *) fs->func->vars->pdata[i])->name);
      f->n_upvalues = fs->nups;
      f->upvalues = g_new0 (MwLuaString, MAX (fs->nups, 1));
      for (int i = 0; i < fs->nups; i++)
        f->upvalues[i] = string_dup (fs->up_name[i]);
    }
  cg->fs = fs->prev;
  fs->next_free = cg->pool;
  cg->pool = fs;
  return f;
}

static void
new_localvar (Codegen *cg, MwLuaVar *var, int n)
{
  FuncState *fs = cg->fs;

  if (fs->nactvar + n + 1 > cg->maxvars)
    errorlimit (cg, fs, cg->maxvars, "local variables");
  fs->actvar[fs->nactvar + n] = var;
}

static void
adjustlocalvars (FuncState *fs, int nvars)
{
  fs->nactvar += nvars;
  for (; nvars > 0; nvars--)
    {
      MwLuaVar *var = fs->actvar[fs->nactvar - nvars];
      fs->reg[var->index] = fs->nactvar - nvars;
      fs->locvars[var->index].startpc = fs->pc;
    }
}

static void
enterblock (FuncState *fs, BlockCnt *bl, gboolean isbreakable)
{
  bl->breaklist = NO_JUMP;
  bl->isbreakable = isbreakable;
  bl->nactvar = fs->nactvar;
  bl->upval = FALSE;
  bl->previous = fs->bl;
  fs->bl = bl;
}

static void
leaveblock (FuncState *fs)
{
  BlockCnt *bl = fs->bl;

  fs->bl = bl->previous;
  removevars (fs, bl->nactvar);
  if (bl->upval)
    code_abc (fs, OP_CLOSE, bl->nactvar, 0, 0);
  fs->freereg = fs->nactvar;
  patchtohere (fs, bl->breaklist);
}

static void
markupval (FuncState *fs, int level)
{
  BlockCnt *bl = fs->bl;

  while (bl != NULL && bl->nactvar > level)
    bl = bl->previous;
  if (bl != NULL)
    bl->upval = TRUE;
}

static int
indexupvalue (Codegen *cg, FuncState *fs, const char *name, const ExpDesc *v)
{
  for (int i = 0; i < fs->nups; i++)
    if (fs->up_k[i] == v->k && fs->up_info[i] == v->info)
      return i;
  if (fs->nups + 1 > LUAI_MAXUPVALUES)
    {
      errorlimit (cg, fs, LUAI_MAXUPVALUES, "upvalues");
      return 0;
    }
  fs->up_k[fs->nups] = (guint8) v->k;
  fs->up_info[fs->nups] = (guint8) v->info;
  fs->up_name[fs->nups] = name;
  return fs->nups++;
}

/* singlevaraux, for a name the tree resolved to `var` */
static void
singlevaraux (Codegen *cg, FuncState *fs, MwLuaVar *var, ExpDesc *e, gboolean base)
{
  if (fs->func == var->func)
    {
      init_exp (e, VLOCAL, fs->reg[var->index]);
      if (!base)
        markupval (fs, e->info);
      return;
    }
  singlevaraux (cg, fs->prev, var, e, FALSE);
  e->info = indexupvalue (cg, fs, var->name, e);
  e->k = VUPVAL;
}

/* singlevar: a NAME node */
static void
singlevar (Codegen *cg, MwLuaNode *n, ExpDesc *e)
{
  consume (cg, n->token);
  if (n->u.var == NULL)
    init_exp (e, VGLOBAL, name_k (cg->fs, n->token));
  else
    singlevaraux (cg, cg->fs, n->u.var, e, TRUE);
}

static void
adjust_assign (FuncState *fs, int nvars, int nexps, ExpDesc *e)
{
  int extra = nvars - nexps;

  if (hasmultret (e->k))
    {
      extra++;
      if (extra < 0)
        extra = 0;
      setreturns (fs, e, extra);
      if (extra > 1)
        reserveregs (fs, extra - 1);
    }
  else
    {
      if (e->k != VVOID)
        exp2nextreg (fs, e);
      if (extra > 0)
        {
          int reg = fs->freereg;
          reserveregs (fs, extra);
          code_nil (fs, reg, extra);
        }
    }
}

static void
pushclosure (Codegen *cg, MwLuaProto *child, const guint8 *up_k, const guint8 *up_info, ExpDesc *v)
{
  FuncState *fs = cg->fs;

  g_ptr_array_add (fs->protos, child);
  init_exp (v, VRELOCABLE, code_abx (fs, OP_CLOSURE, 0, (int) fs->protos->len - 1));
  for (guint i = 0; i < child->nups; i++)
    code_abc (fs, up_k[i] == VLOCAL ? OP_MOVE : OP_GETUPVAL, 0, up_info[i], 0);
}

/* --- expressions (lparser.c) -------------------------------------------------------------- */

/* explist1 -> expr { ',' expr }: returns the number of expressions */
static int
explist1 (Codegen *cg, MwLuaNode *first, ExpDesc *v)
{
  int n = 1;

  expr (cg, first, v);
  for (MwLuaNode *e = first->next; e != NULL; e = e->next)
    {
      consume (cg, after (first));
      exp2nextreg (cg->fs, v);
      expr (cg, e, v);
      first = e;
      n++;
    }
  return n;
}

/* body -> '(' parlist ')' chunk END */
static void
body (Codegen *cg, MwLuaNode *fnode, ExpDesc *e, gboolean needself, gint32 line, guint lparen)
{
  MwLuaFunction *func = fnode->u.func;
  FuncState *fs = open_func (cg, func);
  guint vi = 0, tok = lparen + 1;
  int nparams = 0;
  gboolean hasarg = FALSE;
  MwLuaProto *child;
  guint8 up_k[MW_LUA_MAX_UPVALUES + 1], up_info[MW_LUA_MAX_UPVALUES + 1];

  fs->linedefined = line;
  consume (cg, lparen);
  if (needself)
    {
      new_localvar (cg, func->vars->pdata[vi++], 0);
      adjustlocalvars (fs, 1);
    }
  /* parlist -> [ param { ',' param } ] */
  if (tok_kind (cg, tok) != MW_LUA_TOKEN_RPAREN)
    for (;;)
      {
        if (tok_kind (cg, tok) == MW_LUA_TOKEN_DOTS)
          {
            consume (cg, tok++);
            new_localvar (cg, func->vars->pdata[vi++], nparams++);
            hasarg = TRUE;
            break;
          }
        consume (cg, tok++);
        new_localvar (cg, func->vars->pdata[vi++], nparams++);
        if (tok_kind (cg, tok) != MW_LUA_TOKEN_COMMA)
          break;
        consume (cg, tok++);
      }
  fs->is_vararg = hasarg ? VARARG_HASARG | VARARG_NEEDSARG | VARARG_ISVARARG : 0;
  adjustlocalvars (fs, nparams);
  fs->numparams = fs->nactvar - (hasarg ? 1 : 0);
  reserveregs (fs, fs->nactvar);
  consume (cg, tok); /* ')' */
  chunk (cg, func->body);
  fs->lastlinedefined = (gint32) func->last_line;
  consume (cg, func->last_token);
  memcpy (up_k, fs->up_k, fs->nups);
  memcpy (up_info, fs->up_info, fs->nups);
  child = close_func (cg);
  pushclosure (cg, child, up_k, up_info, e);
}

static void primaryexp (Codegen *cg, MwLuaNode *n, ExpDesc *v);

/* funcargs -> '(' [ explist1 ] ')' | constructor | STRING */
static void constructor (Codegen *cg, MwLuaNode *n, ExpDesc *t);

static void
funcargs (Codegen *cg, MwLuaNode *call, guint open, ExpDesc *f)
{
  FuncState *fs = cg->fs;
  ExpDesc args;
  int base, nparams;
  gint32 line = (gint32) cg->toks[open].end_line;

  if (call->flags & MW_LUA_NODE_FLAG_TABLEARG)
    constructor (cg, call->kids[1], &args);
  else if (call->flags & MW_LUA_NODE_FLAG_STRARG)
    {
      init_exp (&args, VK, token_string_k (fs, call->kids[1]->token));
      consume (cg, call->kids[1]->token);
    }
  else
    {
      consume (cg, open);
      if (call->kids[1] == NULL)
        args.k = VVOID;
      else
        {
          explist1 (cg, call->kids[1], &args);
          setmultret (fs, &args);
        }
      consume (cg, call->last);
    }
  base = f->info;
  if (hasmultret (args.k))
    nparams = LUA_MULTRET;
  else
    {
      if (args.k != VVOID)
        exp2nextreg (fs, &args);
      nparams = fs->freereg - (base + 1);
    }
  init_exp (f, VCALL, code_abc (fs, OP_CALL, base, nparams + 1, 2));
  fixline (fs, line);
  fs->freereg = base + 1;
}

/* field -> ['.' | ':'] NAME, for an INDEX node written with a dot */
static void
field (Codegen *cg, MwLuaNode *n, ExpDesc *v)
{
  FuncState *fs = cg->fs;
  ExpDesc key;

  exp2anyreg (fs, v);
  consume (cg, n->token - 1);
  consume (cg, n->token);
  init_exp (&key, VK, name_k (fs, n->token));
  indexed (fs, v, &key);
}

/* primaryexp -> prefixexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs } */
static void
primaryexp (Codegen *cg, MwLuaNode *n, ExpDesc *v)
{
  FuncState *fs = cg->fs;

  switch (n->kind)
    {
      case MW_LUA_NODE_NAME:
        singlevar (cg, n, v);
        break;
      case MW_LUA_NODE_PAREN:
        consume (cg, n->first);
        expr (cg, n->kids[0], v);
        consume (cg, n->last);
        dischargevars (fs, v);
        break;
      case MW_LUA_NODE_INDEX:
        primaryexp (cg, n->kids[0], v);
        if (n->flags & MW_LUA_NODE_FLAG_DOT)
          field (cg, n, v);
        else
          {
            ExpDesc key;
            exp2anyreg (fs, v);
            /* yindex -> '[' expr ']' */
            consume (cg, n->token);
            expr (cg, n->kids[1], &key);
            exp2val (fs, &key);
            consume (cg, n->last);
            indexed (fs, v, &key);
          }
        break;
      case MW_LUA_NODE_METHCALL:
        {
          ExpDesc key;
          primaryexp (cg, n->kids[0], v);
          consume (cg, n->token - 1);
          consume (cg, n->token);
          init_exp (&key, VK, name_k (fs, n->token));
          code_self (fs, v, &key);
          funcargs (cg, n, n->token + 1, v);
          break;
        }
      case MW_LUA_NODE_CALL:
        primaryexp (cg, n->kids[0], v);
        exp2nextreg (fs, v);
        funcargs (cg, n, after (n->kids[0]), v);
        break;
      default:
        g_assert_not_reached ();
    }
}

/* recfield -> (NAME | '[' exp1 ']') = exp1 */
static void
recfield (Codegen *cg, MwLuaNode *n, ExpDesc *t, int *nh)
{
  FuncState *fs = cg->fs;
  int reg = fs->freereg;
  ExpDesc key, val;
  int rkkey;
  guint eq;

  if (n->kind == MW_LUA_NODE_FIELD_NAMED)
    {
      consume (cg, n->token);
      init_exp (&key, VK, name_k (fs, n->token));
      eq = n->token + 1;
    }
  else
    {
      consume (cg, n->first);
      expr (cg, n->kids[0], &key);
      exp2val (fs, &key);
      consume (cg, after (n->kids[0]));
      eq = after (n->kids[0]) + 1;
    }
  (*nh)++;
  consume (cg, eq);
  rkkey = exp2rk (fs, &key);
  expr (cg, n->kind == MW_LUA_NODE_FIELD_NAMED ? n->kids[0] : n->kids[1], &val);
  code_abc (fs, OP_SETTABLE, t->info, rkkey, exp2rk (fs, &val));
  fs->freereg = reg;
}

/* constructor -> '{' [ field { fieldsep field } [ fieldsep ] ] '}' */
static void
constructor (Codegen *cg, MwLuaNode *n, ExpDesc *t)
{
  FuncState *fs = cg->fs;
  int pc = code_abc (fs, OP_NEWTABLE, 0, 0, 0);
  ExpDesc v; /* the last list item read */
  int na = 0, nh = 0, tostore = 0;

  init_exp (t, VRELOCABLE, pc);
  init_exp (&v, VVOID, 0);
  exp2nextreg (fs, t);
  consume (cg, n->first);
  for (MwLuaNode *fld = n->kids[0]; fld != NULL; fld = fld->next)
    {
      guint sep;

      /* closelistfield */
      if (v.k != VVOID)
        {
          exp2nextreg (fs, &v);
          v.k = VVOID;
          if (tostore == LFIELDS_PER_FLUSH)
            {
              setlist (fs, t->info, na, tostore);
              tostore = 0;
            }
        }
      if (fld->kind == MW_LUA_NODE_FIELD_POS)
        {
          if (tok_kind (cg, fld->first) == MW_LUA_TOKEN_NAME)
            cg->lookahead = fld->first;
          expr (cg, fld->kids[0], &v);
          na++;
          tostore++;
        }
      else
        {
          if (fld->kind == MW_LUA_NODE_FIELD_NAMED)
            cg->lookahead = fld->token;
          recfield (cg, fld, t, &nh);
        }
      sep = after (fld);
      if (tok_kind (cg, sep) == MW_LUA_TOKEN_COMMA || tok_kind (cg, sep) == MW_LUA_TOKEN_SEMICOLON)
        consume (cg, sep);
    }
  consume (cg, n->last);
  /* lastlistfield */
  if (tostore != 0)
    {
      if (hasmultret (v.k))
        {
          setmultret (fs, &v);
          setlist (fs, t->info, na, LUA_MULTRET);
          na--;
        }
      else
        {
          if (v.k != VVOID)
            exp2nextreg (fs, &v);
          setlist (fs, t->info, na, tostore);
        }
    }
  SETARG_B (*getcode_at (fs, pc), int2fb ((unsigned) na));
  SETARG_C (*getcode_at (fs, pc), int2fb ((unsigned) nh));
}

/* simpleexp -> NUMBER | STRING | NIL | true | false | ... | constructor | FUNCTION body
 *            | primaryexp */
static void
simpleexp (Codegen *cg, MwLuaNode *n, ExpDesc *v)
{
  FuncState *fs = cg->fs;

  switch (n->kind)
    {
      case MW_LUA_NODE_NUMBER:
        init_exp (v, VKNUM, 0);
        v->nval = numeral (cg, n->token);
        break;
      case MW_LUA_NODE_STRING:
        init_exp (v, VK, token_string_k (fs, n->token));
        break;
      case MW_LUA_NODE_NIL:
        init_exp (v, VNIL, 0);
        break;
      case MW_LUA_NODE_TRUE:
        init_exp (v, VTRUE, 0);
        break;
      case MW_LUA_NODE_FALSE:
        init_exp (v, VFALSE, 0);
        break;
      case MW_LUA_NODE_VARARG:
        fs->is_vararg &= ~VARARG_NEEDSARG;
        init_exp (v, VVARARG, code_abc (fs, OP_VARARG, 0, 1, 0));
        break;
      case MW_LUA_NODE_TABLE:
        constructor (cg, n, v);
        return;
      case MW_LUA_NODE_FUNCTION:
        consume (cg, n->first);
        body (cg, n, v, FALSE, linenumber (cg), n->first + 1);
        return;
      default:
        primaryexp (cg, n, v);
        return;
    }
  consume (cg, n->token);
}

/* subexpr -> (simpleexp | unop subexpr) { binop subexpr }: the tree holds the precedence */
static void
expr (Codegen *cg, MwLuaNode *n, ExpDesc *v)
{
  switch (n->kind)
    {
      case MW_LUA_NODE_UNOP:
        consume (cg, n->token);
        expr (cg, n->kids[0], v);
        prefix (cg->fs, (MwLuaUnOp) n->op, v);
        break;
      case MW_LUA_NODE_BINOP:
        {
          ExpDesc v2;
          expr (cg, n->kids[0], v);
          consume (cg, n->token);
          infix (cg->fs, (MwLuaBinOp) n->op, v);
          expr (cg, n->kids[1], &v2);
          posfix (cg->fs, (MwLuaBinOp) n->op, v, &v2);
          break;
        }
      default:
        simpleexp (cg, n, v);
        break;
    }
}

/* --- statements --------------------------------------------------------------------------- */

typedef struct _LhsAssign
{
  struct _LhsAssign *prev;
  ExpDesc v;
} LhsAssign;

/* check_conflict: a local assigned after a table indexed by it was taken as a target */
static void
check_conflict (FuncState *fs, LhsAssign *lh, const ExpDesc *v)
{
  int extra = fs->freereg;
  gboolean conflict = FALSE;

  for (; lh != NULL; lh = lh->prev)
    if (lh->v.k == VINDEXED)
      {
        if (lh->v.info == v->info)
          {
            conflict = TRUE;
            lh->v.info = extra;
          }
        if (lh->v.aux == v->info)
          {
            conflict = TRUE;
            lh->v.aux = extra;
          }
      }
  if (conflict)
    {
      code_abc (fs, OP_MOVE, fs->freereg, v->info, 0);
      reserveregs (fs, 1);
    }
}

/* assignment -> ',' primaryexp assignment | '=' explist1 */
static void
assignment (Codegen *cg, MwLuaNode *stat, MwLuaNode *target, LhsAssign *lh, int nvars)
{
  FuncState *fs = cg->fs;
  ExpDesc e;

  if (target->next != NULL)
    {
      LhsAssign nv;
      consume (cg, after (target));
      nv.prev = lh;
      primaryexp (cg, target->next, &nv.v);
      if (nv.v.k == VLOCAL)
        check_conflict (fs, lh, &nv.v);
      assignment (cg, stat, target->next, &nv, nvars + 1);
    }
  else
    {
      int nexps;
      consume (cg, after (target));
      nexps = explist1 (cg, stat->kids[1], &e);
      if (nexps != nvars)
        {
          adjust_assign (fs, nvars, nexps, &e);
          if (nexps > nvars)
            fs->freereg -= nexps - nvars;
        }
      else
        {
          setoneret (fs, &e);
          storevar (fs, &lh->v, &e);
          return;
        }
    }
  init_exp (&e, VNONRELOC, fs->freereg - 1);
  storevar (fs, &lh->v, &e);
}

/* cond -> exp: returns the false exits */
static int
cond (Codegen *cg, MwLuaNode *n)
{
  ExpDesc v;

  expr (cg, n, &v);
  if (v.k == VNIL)
    v.k = VFALSE;
  goiftrue (cg->fs, &v);
  return v.f;
}

static void
breakstat (FuncState *fs)
{
  BlockCnt *bl = fs->bl;
  gboolean upval = FALSE;

  while (bl != NULL && !bl->isbreakable)
    {
      upval |= bl->upval;
      bl = bl->previous;
    }
  g_assert (bl != NULL); /* the parser checked */
  if (upval)
    code_abc (fs, OP_CLOSE, bl->nactvar, 0, 0);
  concat (fs, &bl->breaklist, jump (fs));
}

/* forbody -> DO block */
static void
forbody (Codegen *cg, MwLuaNode *s, guint do_tok, int base, gint32 line, int nvars, gboolean isnum)
{
  FuncState *fs = cg->fs;
  BlockCnt bl;
  int prep, endfor;

  adjustlocalvars (fs, 3);
  consume (cg, do_tok);
  prep = isnum ? code_asbx (fs, OP_FORPREP, base, NO_JUMP) : jump (fs);
  enterblock (fs, &bl, FALSE);
  adjustlocalvars (fs, nvars);
  reserveregs (fs, nvars);
  block (cg, s->u.body);
  leaveblock (fs);
  patchtohere (fs, prep);
  endfor = isnum ? code_asbx (fs, OP_FORLOOP, base, NO_JUMP)
                 : code_abc (fs, OP_TFORLOOP, base, 0, nvars);
  fixline (fs, line); /* the loop instruction counts as the `for` line */
  patchlist (fs, isnum ? endfor : jump (fs), prep + 1);
}

/* exp1: an expression to the next register */
static void
exp1 (Codegen *cg, MwLuaNode *n)
{
  ExpDesc e;
  expr (cg, n, &e);
  exp2nextreg (cg->fs, &e);
}

/* fornum -> NAME = exp1,exp1[,exp1] forbody */
static void
fornum (Codegen *cg, MwLuaNode *s, gint32 line)
{
  FuncState *fs = cg->fs;
  int base = fs->freereg;
  MwLuaVar *var = s->kids[0]->u.var;
  MwLuaFunction *func = fs->func;
  MwLuaNode *last;

  for (int i = 0; i < 3; i++)
    new_localvar (cg, func->vars->pdata[var->index - 3 + i], i);
  new_localvar (cg, var, 3);
  consume (cg, s->kids[0]->token + 1);
  exp1 (cg, s->kids[1]);
  consume (cg, after (s->kids[1]));
  exp1 (cg, s->kids[2]);
  last = s->kids[2];
  if (s->kids[3] != NULL)
    {
      consume (cg, after (s->kids[2]));
      exp1 (cg, s->kids[3]);
      last = s->kids[3];
    }
  else
    {
      code_abx (fs, OP_LOADK, fs->freereg, number_k (fs, 1));
      reserveregs (fs, 1);
    }
  forbody (cg, s, after (last), base, line, 1, TRUE);
}

/* forlist -> NAME {,NAME} IN explist1 forbody */
static void
forlist (Codegen *cg, MwLuaNode *s)
{
  FuncState *fs = cg->fs;
  int base = fs->freereg;
  MwLuaVar *first = s->kids[0]->u.var;
  MwLuaFunction *func = fs->func;
  int nvars = 0;
  ExpDesc e;
  gint32 line;
  MwLuaNode *last;
  int nexps;

  for (int i = 0; i < 3; i++)
    new_localvar (cg, func->vars->pdata[first->index - 3 + i], nvars++);
  new_localvar (cg, first, nvars++);
  for (MwLuaNode *name = s->kids[0]->next; name != NULL; name = name->next)
    {
      consume (cg, name->token - 1);
      consume (cg, name->token);
      new_localvar (cg, name->u.var, nvars++);
    }
  consume (cg, s->kids[1]->first - 1); /* IN */
  line = linenumber (cg);
  nexps = explist1 (cg, s->kids[1], &e);
  adjust_assign (fs, 3, nexps, &e);
  checkstack (fs, 3);
  for (last = s->kids[1]; last->next != NULL; last = last->next)
    ;
  forbody (cg, s, after (last), base, line, nvars - 3, FALSE);
}

/* forstat -> FOR (fornum | forlist) END */
static void
forstat (Codegen *cg, MwLuaNode *s, gint32 line)
{
  FuncState *fs = cg->fs;
  BlockCnt bl;

  enterblock (fs, &bl, TRUE);
  consume (cg, s->first);
  consume (cg, s->kids[0]->token);
  if (s->kind == MW_LUA_NODE_NUMFOR)
    fornum (cg, s, line);
  else
    forlist (cg, s);
  consume (cg, s->last);
  leaveblock (fs);
}

/* test_then_block -> [IF | ELSEIF] cond THEN block */
static int
test_then_block (Codegen *cg, MwLuaNode *clause)
{
  int condexit;

  consume (cg, clause->token);
  condexit = cond (cg, clause->kids[0]);
  consume (cg, after (clause->kids[0]));
  block (cg, clause->kids[1]);
  return condexit;
}

/* ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END */
static void
ifstat (Codegen *cg, MwLuaNode *s)
{
  FuncState *fs = cg->fs;
  MwLuaNode *clause = s->kids[0];
  int escapelist = NO_JUMP;
  int flist;

  flist = test_then_block (cg, clause);
  while (clause->next != NULL)
    {
      clause = clause->next;
      concat (fs, &escapelist, jump (fs));
      patchtohere (fs, flist);
      flist = test_then_block (cg, clause);
    }
  if (s->kids[1] != NULL)
    {
      concat (fs, &escapelist, jump (fs));
      patchtohere (fs, flist);
      consume (cg, after (clause));
      block (cg, s->kids[1]);
    }
  else
    concat (fs, &escapelist, flist);
  patchtohere (fs, escapelist);
  consume (cg, s->last);
}

/* whilestat -> WHILE cond DO block END */
static void
whilestat (Codegen *cg, MwLuaNode *s)
{
  FuncState *fs = cg->fs;
  int whileinit, condexit;
  BlockCnt bl;

  consume (cg, s->first);
  whileinit = getlabel (fs);
  condexit = cond (cg, s->kids[0]);
  enterblock (fs, &bl, TRUE);
  consume (cg, after (s->kids[0]));
  block (cg, s->kids[1]);
  patchlist (fs, jump (fs), whileinit);
  consume (cg, s->last);
  leaveblock (fs);
  patchtohere (fs, condexit);
}

/* repeatstat -> REPEAT block UNTIL cond */
static void
repeatstat (Codegen *cg, MwLuaNode *s)
{
  FuncState *fs = cg->fs;
  int repeat_init = getlabel (fs);
  int condexit;
  BlockCnt bl1, bl2;

  enterblock (fs, &bl1, TRUE);
  enterblock (fs, &bl2, FALSE);
  consume (cg, s->first);
  chunk (cg, s->kids[0]);
  consume (cg, after (s->kids[0]));
  condexit = cond (cg, s->kids[1]);
  if (!bl2.upval)
    {
      leaveblock (fs);
      patchlist (fs, condexit, repeat_init);
    }
  else
    {
      breakstat (fs);
      patchtohere (fs, condexit);
      leaveblock (fs);
      patchlist (fs, jump (fs), repeat_init);
    }
  leaveblock (fs);
}

/* funcname -> NAME {field} [':' NAME] */
static void
funcname (Codegen *cg, MwLuaNode *n, ExpDesc *v)
{
  if (n->kind == MW_LUA_NODE_NAME)
    {
      singlevar (cg, n, v);
      return;
    }
  funcname (cg, n->kids[0], v);
  field (cg, n, v);
}

/* funcstat -> FUNCTION funcname body */
static void
funcstat (Codegen *cg, MwLuaNode *s, gint32 line)
{
  ExpDesc v, b;

  consume (cg, s->first);
  funcname (cg, s->kids[0], &v);
  body (cg, s->kids[1], &b, (s->flags & MW_LUA_NODE_FLAG_METHOD) != 0, line, after (s->kids[0]));
  storevar (cg->fs, &v, &b);
  fixline (cg->fs, line); /* the definition happens on the first line */
}

/* localfunc -> LOCAL FUNCTION NAME body */
static void
localfunc (Codegen *cg, MwLuaNode *s)
{
  FuncState *fs = cg->fs;
  ExpDesc v, b;
  MwLuaVar *var = s->kids[0]->u.var;

  consume (cg, s->kids[0]->token - 1);
  consume (cg, s->kids[0]->token);
  new_localvar (cg, var, 0);
  init_exp (&v, VLOCAL, fs->freereg);
  reserveregs (fs, 1);
  adjustlocalvars (fs, 1);
  body (cg, s->kids[1], &b, FALSE, linenumber (cg), s->kids[0]->token + 1);
  storevar (fs, &v, &b);
  /* debug information sees the variable only from here */
  fs->locvars[var->index].startpc = fs->pc;
}

/* localstat -> LOCAL NAME {',' NAME} ['=' explist1] */
static void
localstat (Codegen *cg, MwLuaNode *s)
{
  FuncState *fs = cg->fs;
  int nvars = 0, nexps;
  ExpDesc e;
  MwLuaNode *name;

  for (name = s->kids[0]; name != NULL; name = name->next)
    {
      consume (cg, name->token);
      new_localvar (cg, name->u.var, nvars++);
      if (name->next != NULL)
        consume (cg, name->token + 1);
    }
  if (s->kids[1] != NULL)
    {
      consume (cg, s->kids[1]->first - 1);
      nexps = explist1 (cg, s->kids[1], &e);
    }
  else
    {
      e.k = VVOID;
      nexps = 0;
    }
  adjust_assign (fs, nvars, nexps, &e);
  adjustlocalvars (fs, nvars);
}

/* retstat -> RETURN explist */
static void
retstat (Codegen *cg, MwLuaNode *s)
{
  FuncState *fs = cg->fs;
  ExpDesc e;
  int first, nret;

  consume (cg, s->first);
  if (s->kids[0] == NULL)
    first = nret = 0;
  else
    {
      nret = explist1 (cg, s->kids[0], &e);
      if (hasmultret (e.k))
        {
          setmultret (fs, &e);
          if (e.k == VCALL && nret == 1)
            SET_OPCODE (getcode (fs, &e), OP_TAILCALL);
          first = fs->nactvar;
          nret = LUA_MULTRET;
        }
      else if (nret == 1)
        first = exp2anyreg (fs, &e);
      else
        {
          exp2nextreg (fs, &e);
          first = fs->nactvar;
        }
    }
  code_abc (fs, OP_RETURN, first, nret + 1, 0);
}

static void
statement (Codegen *cg, MwLuaNode *s)
{
  gint32 line = (gint32) cg->toks[s->first].end_line;
  FuncState *fs = cg->fs;

  switch (s->kind)
    {
      case MW_LUA_NODE_IF:
        ifstat (cg, s);
        break;
      case MW_LUA_NODE_WHILE:
        whilestat (cg, s);
        break;
      case MW_LUA_NODE_DO:
        consume (cg, s->first);
        block (cg, s->kids[0]);
        consume (cg, s->last);
        break;
      case MW_LUA_NODE_NUMFOR:
      case MW_LUA_NODE_GENFOR:
        forstat (cg, s, line);
        break;
      case MW_LUA_NODE_REPEAT:
        repeatstat (cg, s);
        break;
      case MW_LUA_NODE_FUNCSTAT:
        funcstat (cg, s, line);
        break;
      case MW_LUA_NODE_LOCALFUNC:
        consume (cg, s->first);
        localfunc (cg, s);
        break;
      case MW_LUA_NODE_LOCAL:
        consume (cg, s->first);
        localstat (cg, s);
        break;
      case MW_LUA_NODE_RETURN:
        retstat (cg, s);
        break;
      case MW_LUA_NODE_BREAK:
        consume (cg, s->first);
        breakstat (fs);
        break;
      case MW_LUA_NODE_CALLSTAT:
        {
          ExpDesc v;
          primaryexp (cg, s->kids[0], &v);
          SETARG_C (getcode (fs, &v), 1); /* a call statement keeps no results */
          break;
        }
      case MW_LUA_NODE_ASSIGN:
        {
          LhsAssign v;
          v.prev = NULL;
          primaryexp (cg, s->kids[0], &v.v);
          assignment (cg, s, s->kids[0], &v, 1);
          break;
        }
      default:
        g_assert_not_reached ();
    }
}

/* chunk -> { stat [';'] } */
static void
chunk (Codegen *cg, MwLuaNode *b)
{
  for (MwLuaNode *s = b->kids[0]; s != NULL && !cg->failed; s = s->next)
    {
      guint next = after (s);
      statement (cg, s);
      if (tok_kind (cg, next) == MW_LUA_TOKEN_SEMICOLON)
        consume (cg, next);
      cg->fs->freereg = cg->fs->nactvar;
    }
}

/* block -> chunk */
static void
block (Codegen *cg, MwLuaNode *b)
{
  BlockCnt bl;

  enterblock (cg->fs, &bl, FALSE);
  chunk (cg, b);
  leaveblock (cg->fs);
}

/* --- entry point -------------------------------------------------------------------------- */

MwLuaChunk *
mw_lua_codegen_generate (MwLuaTree *tree, MwLuaNumberType target, MwLuaCodegenFlags flags,
                         GError **error)
{
  Codegen cg = { 0 };
  const MwLuaDiagnostic *syntax;
  MwLuaProto *main_proto;
  FuncState *fs;
  guint n_tokens;

  g_return_val_if_fail (tree != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  cg.tree = tree;
  cg.toks = mw_lua_tree_get_tokens (tree, &n_tokens);
  cg.src = mw_lua_tree_get_source (tree, NULL);
  cg.integral = target == MW_LUA_TARGET_INTEGER;
  cg.maxvars = (flags & MW_LUA_CODEGEN_DESKTOP_LIMITS) ? MW_LUA_MAX_VARS : MW_LUA_FIRMWARE_MAX_VARS;
  cg.names = (flags & MW_LUA_CODEGEN_NO_NAMES) == 0;
  cg.lookahead = G_MAXUINT;
  cg.lastline = 1;

  syntax = mw_lua_tree_get_error (tree);
  if (syntax != NULL)
    {
      g_autofree char *msg = mw_lua_diagnostic_format (syntax, mw_lua_tree_get_chunkname (tree));

      /* the integer firmware's lexer refuses a numeral as it reads it: one before the syntax
       * error is the error */
      for (guint t = 0; cg.integral && t < n_tokens && !cg.failed; t++)
        {
          double d;
          if (cg.toks[t].line > syntax->line
              || (cg.toks[t].line == syntax->line && cg.toks[t].column >= syntax->column))
            break;
          if (cg.toks[t].kind == MW_LUA_TOKEN_NUMBER)
            integer_numeral (&cg, t, &d);
        }
      if (cg.failed)
        g_propagate_error (error, cg.error);
      else
        g_set_error_literal (error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_SYNTAX, msg);
      return NULL;
    }

  cg.scratch = g_string_sized_new (256);

  fs = open_func (&cg, mw_lua_tree_get_main (tree));
  fs->is_vararg = VARARG_ISVARARG;
  chunk (&cg, mw_lua_tree_get_root (tree));
  main_proto = close_func (&cg);
  g_string_free (cg.scratch, TRUE);
  while (cg.pool != NULL)
    {
      fs = cg.pool;
      cg.pool = fs->next_free;
      funcstate_free (fs);
    }

  if (cg.failed || cg.dump_error != NULL)
    {
      mw_lua_proto_free (main_proto);
      if (cg.failed)
        {
          g_propagate_error (error, cg.error);
          g_clear_error (&cg.dump_error);
        }
      else
        g_propagate_error (error, cg.dump_error);
      return NULL;
    }
  return mw_lua_chunk_new_take (cg.integral ? &mw_lua_chunk_format_nodemcu_integer
                                            : &mw_lua_chunk_format_nodemcu_float,
                                main_proto);
}
