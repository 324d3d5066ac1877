/* mw-lua-codegen-private.h: what the two halves of the code generator share: the walk of
 * the tree in lparser.c's order (mw-lua-codegen.c) and the instructions, jumps, registers and
 * constants of lcode.c (mw-lua-codegen-emit.c). Names follow the firmware's functions:
 * mw_lua_code_X is lcode.c's luaK_X. */
#pragma once

#include "mw-lua-codegen.h"
#include "mw-lua-opcodes.h"
#include "mw-lua-tree.h"

G_BEGIN_DECLS

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
} MwLuaExpKind;

typedef struct
{
  MwLuaExpKind k;
  int info, aux;
  double nval;
  int t; /* patch list of "exit when true" */
  int f; /* patch list of "exit when false" */
} MwLuaExpDesc;

#define hasjumps(e) ((e)->t != (e)->f)
#define hasmultret(k) ((k) == VCALL || (k) == VVARARG)

typedef struct _MwLuaBlockCnt
{
  struct _MwLuaBlockCnt *previous;
  int breaklist; /* jumps out of this loop */
  int nactvar; /* active locals outside the block */
  gboolean upval; /* some local of the block is an upvalue */
  gboolean isbreakable; /* the block is a loop */
} MwLuaBlockCnt;

/* one group of packed line info: `count` consecutive instructions on `line` */
typedef struct
{
  gint32 line;
  guint8 count;
} MwLuaLineGroup;

typedef struct _MwLuaFuncState MwLuaFuncState;

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
  MwLuaFuncState *fs;
  GString *scratch;
  GError *error; /* the first error */
  gboolean failed;
  GError *dump_error; /* a constant luac.cross would refuse to write, reported last */
  MwLuaFuncState *pool; /* closed functions' states, to reuse */
} MwLuaCodegen;

struct _MwLuaFuncState
{
  /* Working buffers, kept from one function to the next (MwLuaCodegen.pool): allocating them per
   * function cost more than generating most functions. A prototype gets exact-size copies. */
  MwLuaFuncState *next_free;
  guint32 *code; /* ncode instructions, room for capcode */
  gint32 *lines; /* one per instruction, room for capcode */
  int capcode;
  MwLuaLineGroup *groups; /* room for capgroups */
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
  MwLuaFuncState *prev;
  MwLuaCodegen *cg;
  MwLuaFunction *func;
  MwLuaBlockCnt *bl;
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

#define code_asbx(fs, o, a, sbx) mw_lua_code_abx ((fs), (o), (a), (sbx) + MAXARG_SBX)
#define getcode(fs, e) (*getcode_at ((fs), (e)->info))
#define setmultret(fs, e) mw_lua_code_setreturns ((fs), (e), LUA_MULTRET)

/* --- tokens (lparser.c and llex.c) --- */

/* luaX_next on token `tok`: lastline becomes the line where the lexer stands */
static inline void
consume (MwLuaCodegen *cg, guint tok)
{
  cg->lastline = (gint32) cg->toks[tok == cg->lookahead ? tok + 1 : tok].end_line;
  cg->cur = tok + 1;
}

/* Lua's ls->linenumber */
static inline gint32
linenumber (MwLuaCodegen *cg)
{
  return (gint32) cg->toks[cg->cur].end_line;
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
tok_kind (MwLuaCodegen *cg, guint tok)
{
  return cg->toks[tok].kind;
}

static inline void
init_exp (MwLuaExpDesc *e, MwLuaExpKind k, int info)
{
  e->f = e->t = NO_JUMP;
  e->k = k;
  e->info = info;
}

static inline gboolean
isnumeral (const MwLuaExpDesc *e)
{
  return e->k == VKNUM && e->t == NO_JUMP && e->f == NO_JUMP;
}

static inline guint32 *
getcode_at (MwLuaFuncState *fs, int pc)
{
  return &fs->code[pc];
}

/* luaX_syntaxerror: the message and the current token (mw-lua-codegen.c) */
void mw_lua_codegen_syntax_error (MwLuaCodegen *cg, const char *message);

/* --- lcode.c (mw-lua-codegen-emit.c) --- */

void mw_lua_code_fixline (MwLuaFuncState *fs, gint32 line);
int mw_lua_code_abc (MwLuaFuncState *fs, OpCode o, int a, int b, int c);
int mw_lua_code_abx (MwLuaFuncState *fs, OpCode o, int a, int bx);
int mw_lua_code_getlabel (MwLuaFuncState *fs);
void mw_lua_code_concat (MwLuaFuncState *fs, int *l1, int l2);
void mw_lua_code_patchtohere (MwLuaFuncState *fs, int list);
void mw_lua_code_patchlist (MwLuaFuncState *fs, int list, int target);
int mw_lua_code_jump (MwLuaFuncState *fs);
void mw_lua_code_checkstack (MwLuaFuncState *fs, int n);
void mw_lua_code_reserveregs (MwLuaFuncState *fs, int n);
int mw_lua_code_number_k (MwLuaFuncState *fs, double r);
int mw_lua_code_name_k (MwLuaFuncState *fs, guint tok);
int mw_lua_code_token_string_k (MwLuaFuncState *fs, guint tok);
void mw_lua_code_nil (MwLuaFuncState *fs, int from, int n);
void mw_lua_code_setreturns (MwLuaFuncState *fs, MwLuaExpDesc *e, int nresults);
void mw_lua_code_setoneret (MwLuaFuncState *fs, MwLuaExpDesc *e);
void mw_lua_code_dischargevars (MwLuaFuncState *fs, MwLuaExpDesc *e);
void mw_lua_code_exp2nextreg (MwLuaFuncState *fs, MwLuaExpDesc *e);
int mw_lua_code_exp2anyreg (MwLuaFuncState *fs, MwLuaExpDesc *e);
void mw_lua_code_exp2val (MwLuaFuncState *fs, MwLuaExpDesc *e);
int mw_lua_code_exp2rk (MwLuaFuncState *fs, MwLuaExpDesc *e);
void mw_lua_code_storevar (MwLuaFuncState *fs, MwLuaExpDesc *var, MwLuaExpDesc *ex);
void mw_lua_code_self (MwLuaFuncState *fs, MwLuaExpDesc *e, MwLuaExpDesc *key);
void mw_lua_code_goiftrue (MwLuaFuncState *fs, MwLuaExpDesc *e);
void mw_lua_code_indexed (MwLuaFuncState *fs, MwLuaExpDesc *t, MwLuaExpDesc *k);
void mw_lua_code_prefix (MwLuaFuncState *fs, MwLuaUnOp op, MwLuaExpDesc *e);
void mw_lua_code_infix (MwLuaFuncState *fs, MwLuaBinOp op, MwLuaExpDesc *v);
void mw_lua_code_posfix (MwLuaFuncState *fs, MwLuaBinOp op, MwLuaExpDesc *e1, MwLuaExpDesc *e2);
int mw_lua_code_int2fb (unsigned int x);
void mw_lua_code_setlist (MwLuaFuncState *fs, int base, int nelems, int tostore);

G_END_DECLS
