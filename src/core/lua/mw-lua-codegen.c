/* mw-lua-codegen.c: Lua 5.1 function prototypes from a tree, rule for rule as the firmware's
 * lparser.c and lcode.c generate them (docs/firmware.md section 8).
 *
 * The walk visits the tree in the order lparser.c parses it. Every place where lparser.c
 * consumes a token is a call to consume(), so `lastline` (the line each instruction gets) and
 * `linenumber` (the line of limit errors) are what they are in the firmware's compiler at the
 * same point. Expression descriptors, registers, jump lists and constant folding follow
 * lcode.c. Line info is grouped as the firmware's luaK_code and luaK_fixline group it.
 *
 * This file is the lparser.c half; mw-lua-codegen-emit.c the lcode.c half.
 *
 * Errors do not unwind: the first is recorded, and from then on jump lists read as empty and
 * statements are skipped, so the walk winds down on its own.
 */
#include "mw-lua-codegen-private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (mw - lua - codegen - error - quark, mw_lua_codegen_error)

static void expr (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *v);
static void block (MwLuaCodegen *cg, MwLuaNode *b);
static void chunk (MwLuaCodegen *cg, MwLuaNode *b);

/* --- tokens and errors ------------------------------------------------------------------- */

static void
fail (MwLuaCodegen *cg, MwLuaCodegenError code, gint32 line, const char *message)
{
  if (cg->failed)
    return;
  cg->failed = TRUE;
  g_set_error (&cg->error, MW_LUA_CODEGEN_ERROR, code, "%s:%d: %s",
               mw_lua_tree_get_chunkname (cg->tree), line, message);
}

/* luaX_syntaxerror: the message and the current token */
void
mw_lua_codegen_syntax_error (MwLuaCodegen *cg, const char *message)
{
  gsize len;
  const char *text = mw_lua_tree_token_text (cg->tree, cg->cur, &len);
  g_autofree char *full = g_strdup_printf ("%s near '%.*s'", message, (int) len, text);

  fail (cg, MW_LUA_CODEGEN_ERROR_LIMIT, linenumber (cg), full);
}

/* errorlimit: luaX_lexerror without a token */
static void
errorlimit (MwLuaCodegen *cg, MwLuaFuncState *fs, int limit, const char *what)
{
  g_autofree char *msg = NULL;

  if (fs->linedefined == 0)
    msg = g_strdup_printf ("main function has more than %d %s", limit, what);
  else
    msg = g_strdup_printf ("function at line %d has more than %d %s", fs->linedefined, limit, what);
  fail (cg, MW_LUA_CODEGEN_ERROR_LIMIT, linenumber (cg), msg);
}

/* --- numbers ------------------------------------------------------------------------------ */

/* The integer firmware's luaO_str2d: strtol, then strtoul for hex (wrapped to 32 bits), and
 * nothing else may follow but spaces. A decimal of 2^31 or more is refused here although
 * luac.cross wraps it (docs/firmware.md section 8). */
static gboolean
integer_numeral (MwLuaCodegen *cg, guint tok, double *out)
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
numeral (MwLuaCodegen *cg, guint tok)
{
  const MwLuaToken *t = &cg->toks[tok];
  double d = 0;

  if (cg->integral)
    integer_numeral (cg, tok, &d);
  else
    mw_lua_numeral_to_double (cg->src + t->offset, t->length, &d);
  return d;
}

/* --- functions and scopes (lparser.c) ----------------------------------------------------- */

static MwLuaFuncState *
open_func (MwLuaCodegen *cg, MwLuaFunction *func)
{
  MwLuaFuncState *fs = cg->pool;
  guint nvars = MAX (func->vars->len, 1);

  if (fs != NULL)
    cg->pool = fs->next_free;
  else
    {
      /* only the buffers are cleared here: the rest is cleared below, or read only up to
       * what the function has set (actvar, up_*) */
      fs = g_malloc (sizeof (MwLuaFuncState));
      memset (fs, 0, offsetof (MwLuaFuncState, prev));
      fs->capcode = 64;
      fs->code = g_new (guint32, fs->capcode);
      fs->lines = g_new (gint32, fs->capcode);
      fs->capgroups = 32;
      fs->groups = g_new (MwLuaLineGroup, fs->capgroups);
      fs->capk = 32;
      fs->k = g_new (MwLuaConstant, fs->capk);
      fs->koff = g_new (guint32, fs->capk);
      fs->protos = g_ptr_array_new ();
    }
  memset (&fs->prev, 0, offsetof (MwLuaFuncState, actvar) - offsetof (MwLuaFuncState, prev));
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
funcstate_free (MwLuaFuncState *fs)
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
removevars (MwLuaFuncState *fs, int tolevel)
{
  while (fs->nactvar > tolevel)
    fs->locvars[fs->actvar[--fs->nactvar]->index].endpc = fs->pc;
}

/* room for n items of `size` bytes in a packed prototype, from *at */
static gpointer
pack_take (char **at, gsize n, gsize size)
{
  char *p = *at;

  *at += n * size;
  return n > 0 ? p : NULL;
}

/* close_func: the final RETURN, then the prototype, in one allocation with its arrays
 * (MwLuaProto.packed): one malloc per function instead of eight */
static MwLuaProto *
close_func (MwLuaCodegen *cg)
{
  MwLuaFuncState *fs = cg->fs;
  guint nvars = fs->func->vars->len;
  gsize head = (sizeof (MwLuaProto) + 7) & ~(gsize) 7;
  MwLuaProto *f;
  char *at;

  removevars (fs, 0);
  mw_lua_code_abc (fs, OP_RETURN, 0, 1, 0);

  /* the most aligned first: constants and pointers (8), instructions and lines (4), bytes */
  f = g_malloc (head + fs->nk * sizeof (MwLuaConstant) + fs->protos->len * sizeof (gpointer)
                + fs->ncode * (sizeof (guint32) + sizeof (gint32)) + fs->ngroups + fs->nkbytes);
  memset (f, 0, sizeof *f);
  f->packed = TRUE;
  at = (char *) f + head;
  f->constants = pack_take (&at, fs->nk, sizeof (MwLuaConstant));
  f->protos = pack_take (&at, fs->protos->len, sizeof (gpointer));
  f->code = pack_take (&at, fs->ncode, sizeof (guint32));
  f->lineinfo = pack_take (&at, fs->ncode, sizeof (gint32));
  f->line_groups = pack_take (&at, fs->ngroups, 1);

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
  memcpy (f->code, fs->code, fs->ncode * sizeof *fs->code);
  f->n_lineinfo = fs->ncode;
  memcpy (f->lineinfo, fs->lines, fs->ncode * sizeof *fs->lines);
  f->n_line_groups = fs->ngroups;
  for (int i = 0; i < fs->ngroups; i++)
    f->line_groups[i] = fs->groups[i].count;
  f->n_constants = fs->nk;
  if (fs->nk > 0)
    memcpy (f->constants, fs->k, fs->nk * sizeof *fs->k);
  if (fs->nkbytes > 0)
    memcpy (at, fs->kbytes, fs->nkbytes);
  for (int i = 0; i < fs->nk; i++)
    if (f->constants[i].type == MW_LUA_CONSTANT_STRING)
      f->constants[i].string.data = at + fs->koff[i];
  f->n_protos = fs->protos->len;
  if (f->n_protos > 0)
    memcpy (f->protos, fs->protos->pdata, f->n_protos * sizeof (gpointer));
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
new_localvar (MwLuaCodegen *cg, MwLuaVar *var, int n)
{
  MwLuaFuncState *fs = cg->fs;

  if (fs->nactvar + n + 1 > cg->maxvars)
    errorlimit (cg, fs, cg->maxvars, "local variables");
  fs->actvar[fs->nactvar + n] = var;
}

static void
adjustlocalvars (MwLuaFuncState *fs, int nvars)
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
enterblock (MwLuaFuncState *fs, MwLuaBlockCnt *bl, gboolean isbreakable)
{
  bl->breaklist = NO_JUMP;
  bl->isbreakable = isbreakable;
  bl->nactvar = fs->nactvar;
  bl->upval = FALSE;
  bl->previous = fs->bl;
  fs->bl = bl;
}

static void
leaveblock (MwLuaFuncState *fs)
{
  MwLuaBlockCnt *bl = fs->bl;

  fs->bl = bl->previous;
  removevars (fs, bl->nactvar);
  if (bl->upval)
    mw_lua_code_abc (fs, OP_CLOSE, bl->nactvar, 0, 0);
  fs->freereg = fs->nactvar;
  mw_lua_code_patchtohere (fs, bl->breaklist);
}

static void
markupval (MwLuaFuncState *fs, int level)
{
  MwLuaBlockCnt *bl = fs->bl;

  while (bl != NULL && bl->nactvar > level)
    bl = bl->previous;
  if (bl != NULL)
    bl->upval = TRUE;
}

static int
indexupvalue (MwLuaCodegen *cg, MwLuaFuncState *fs, const char *name, const MwLuaExpDesc *v)
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
singlevaraux (MwLuaCodegen *cg, MwLuaFuncState *fs, MwLuaVar *var, MwLuaExpDesc *e, gboolean base)
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
singlevar (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *e)
{
  consume (cg, n->token);
  if (n->u.var == NULL)
    init_exp (e, VGLOBAL, mw_lua_code_name_k (cg->fs, n->token));
  else
    singlevaraux (cg, cg->fs, n->u.var, e, TRUE);
}

static void
adjust_assign (MwLuaFuncState *fs, int nvars, int nexps, MwLuaExpDesc *e)
{
  int extra = nvars - nexps;

  if (hasmultret (e->k))
    {
      extra++;
      if (extra < 0)
        extra = 0;
      mw_lua_code_setreturns (fs, e, extra);
      if (extra > 1)
        mw_lua_code_reserveregs (fs, extra - 1);
    }
  else
    {
      if (e->k != VVOID)
        mw_lua_code_exp2nextreg (fs, e);
      if (extra > 0)
        {
          int reg = fs->freereg;
          mw_lua_code_reserveregs (fs, extra);
          mw_lua_code_nil (fs, reg, extra);
        }
    }
}

static void
pushclosure (MwLuaCodegen *cg, MwLuaProto *child, const guint8 *up_k, const guint8 *up_info,
             MwLuaExpDesc *v)
{
  MwLuaFuncState *fs = cg->fs;

  g_ptr_array_add (fs->protos, child);
  init_exp (v, VRELOCABLE, mw_lua_code_abx (fs, OP_CLOSURE, 0, (int) fs->protos->len - 1));
  for (guint i = 0; i < child->nups; i++)
    mw_lua_code_abc (fs, up_k[i] == VLOCAL ? OP_MOVE : OP_GETUPVAL, 0, up_info[i], 0);
}

/* --- expressions (lparser.c) -------------------------------------------------------------- */

/* explist1 -> expr { ',' expr }: returns the number of expressions */
static int
explist1 (MwLuaCodegen *cg, MwLuaNode *first, MwLuaExpDesc *v)
{
  int n = 1;

  expr (cg, first, v);
  for (MwLuaNode *e = first->next; e != NULL; e = e->next)
    {
      consume (cg, after (first));
      mw_lua_code_exp2nextreg (cg->fs, v);
      expr (cg, e, v);
      first = e;
      n++;
    }
  return n;
}

/* body -> '(' parlist ')' chunk END */
static void
body (MwLuaCodegen *cg, MwLuaNode *fnode, MwLuaExpDesc *e, gboolean needself, gint32 line,
      guint lparen)
{
  MwLuaFunction *func = fnode->u.func;
  MwLuaFuncState *fs = open_func (cg, func);
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
  mw_lua_code_reserveregs (fs, fs->nactvar);
  consume (cg, tok); /* ')' */
  chunk (cg, func->body);
  fs->lastlinedefined = (gint32) func->last_line;
  consume (cg, func->last_token);
  memcpy (up_k, fs->up_k, fs->nups);
  memcpy (up_info, fs->up_info, fs->nups);
  child = close_func (cg);
  pushclosure (cg, child, up_k, up_info, e);
}

static void primaryexp (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *v);

/* funcargs -> '(' [ explist1 ] ')' | constructor | STRING */
static void constructor (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *t);

static void
funcargs (MwLuaCodegen *cg, MwLuaNode *call, guint open, MwLuaExpDesc *f)
{
  MwLuaFuncState *fs = cg->fs;
  MwLuaExpDesc args;
  int base, nparams;
  gint32 line = (gint32) cg->toks[open].end_line;

  if (call->flags & MW_LUA_NODE_FLAG_TABLEARG)
    constructor (cg, call->kids[1], &args);
  else if (call->flags & MW_LUA_NODE_FLAG_STRARG)
    {
      init_exp (&args, VK, mw_lua_code_token_string_k (fs, call->kids[1]->token));
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
        mw_lua_code_exp2nextreg (fs, &args);
      nparams = fs->freereg - (base + 1);
    }
  init_exp (f, VCALL, mw_lua_code_abc (fs, OP_CALL, base, nparams + 1, 2));
  mw_lua_code_fixline (fs, line);
  fs->freereg = base + 1;
}

/* field -> ['.' | ':'] NAME, for an INDEX node written with a dot */
static void
field (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *v)
{
  MwLuaFuncState *fs = cg->fs;
  MwLuaExpDesc key;

  mw_lua_code_exp2anyreg (fs, v);
  consume (cg, n->token - 1);
  consume (cg, n->token);
  init_exp (&key, VK, mw_lua_code_name_k (fs, n->token));
  mw_lua_code_indexed (fs, v, &key);
}

/* primaryexp -> prefixexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs } */
static void
primaryexp (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *v)
{
  MwLuaFuncState *fs = cg->fs;

  switch (n->kind)
    {
      case MW_LUA_NODE_NAME:
        singlevar (cg, n, v);
        break;
      case MW_LUA_NODE_PAREN:
        consume (cg, n->first);
        expr (cg, n->kids[0], v);
        consume (cg, n->last);
        mw_lua_code_dischargevars (fs, v);
        break;
      case MW_LUA_NODE_INDEX:
        primaryexp (cg, n->kids[0], v);
        if (n->flags & MW_LUA_NODE_FLAG_DOT)
          field (cg, n, v);
        else
          {
            MwLuaExpDesc key;
            mw_lua_code_exp2anyreg (fs, v);
            /* yindex -> '[' expr ']' */
            consume (cg, n->token);
            expr (cg, n->kids[1], &key);
            mw_lua_code_exp2val (fs, &key);
            consume (cg, n->last);
            mw_lua_code_indexed (fs, v, &key);
          }
        break;
      case MW_LUA_NODE_METHCALL:
        {
          MwLuaExpDesc key;
          primaryexp (cg, n->kids[0], v);
          consume (cg, n->token - 1);
          consume (cg, n->token);
          init_exp (&key, VK, mw_lua_code_name_k (fs, n->token));
          mw_lua_code_self (fs, v, &key);
          funcargs (cg, n, n->token + 1, v);
          break;
        }
      case MW_LUA_NODE_CALL:
        primaryexp (cg, n->kids[0], v);
        mw_lua_code_exp2nextreg (fs, v);
        funcargs (cg, n, after (n->kids[0]), v);
        break;
      default:
        g_assert_not_reached ();
    }
}

/* recfield -> (NAME | '[' exp1 ']') = exp1 */
static void
recfield (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *t, int *nh)
{
  MwLuaFuncState *fs = cg->fs;
  int reg = fs->freereg;
  MwLuaExpDesc key, val;
  int rkkey;
  guint eq;

  if (n->kind == MW_LUA_NODE_FIELD_NAMED)
    {
      consume (cg, n->token);
      init_exp (&key, VK, mw_lua_code_name_k (fs, n->token));
      eq = n->token + 1;
    }
  else
    {
      consume (cg, n->first);
      expr (cg, n->kids[0], &key);
      mw_lua_code_exp2val (fs, &key);
      consume (cg, after (n->kids[0]));
      eq = after (n->kids[0]) + 1;
    }
  (*nh)++;
  consume (cg, eq);
  rkkey = mw_lua_code_exp2rk (fs, &key);
  expr (cg, n->kind == MW_LUA_NODE_FIELD_NAMED ? n->kids[0] : n->kids[1], &val);
  mw_lua_code_abc (fs, OP_SETTABLE, t->info, rkkey, mw_lua_code_exp2rk (fs, &val));
  fs->freereg = reg;
}

/* constructor -> '{' [ field { fieldsep field } [ fieldsep ] ] '}' */
static void
constructor (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *t)
{
  MwLuaFuncState *fs = cg->fs;
  int pc = mw_lua_code_abc (fs, OP_NEWTABLE, 0, 0, 0);
  MwLuaExpDesc v; /* the last list item read */
  int na = 0, nh = 0, tostore = 0;

  init_exp (t, VRELOCABLE, pc);
  init_exp (&v, VVOID, 0);
  mw_lua_code_exp2nextreg (fs, t);
  consume (cg, n->first);
  for (MwLuaNode *fld = n->kids[0]; fld != NULL; fld = fld->next)
    {
      guint sep;

      /* closelistfield */
      if (v.k != VVOID)
        {
          mw_lua_code_exp2nextreg (fs, &v);
          v.k = VVOID;
          if (tostore == LFIELDS_PER_FLUSH)
            {
              mw_lua_code_setlist (fs, t->info, na, tostore);
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
          mw_lua_code_setlist (fs, t->info, na, LUA_MULTRET);
          na--;
        }
      else
        {
          if (v.k != VVOID)
            mw_lua_code_exp2nextreg (fs, &v);
          mw_lua_code_setlist (fs, t->info, na, tostore);
        }
    }
  SETARG_B (*getcode_at (fs, pc), mw_lua_code_int2fb ((unsigned) na));
  SETARG_C (*getcode_at (fs, pc), mw_lua_code_int2fb ((unsigned) nh));
}

/* simpleexp -> NUMBER | STRING | NIL | true | false | ... | constructor | FUNCTION body
 *            | primaryexp */
static void
simpleexp (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *v)
{
  MwLuaFuncState *fs = cg->fs;

  switch (n->kind)
    {
      case MW_LUA_NODE_NUMBER:
        init_exp (v, VKNUM, 0);
        v->nval = numeral (cg, n->token);
        break;
      case MW_LUA_NODE_STRING:
        init_exp (v, VK, mw_lua_code_token_string_k (fs, n->token));
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
        init_exp (v, VVARARG, mw_lua_code_abc (fs, OP_VARARG, 0, 1, 0));
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
expr (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *v)
{
  switch (n->kind)
    {
      case MW_LUA_NODE_UNOP:
        consume (cg, n->token);
        expr (cg, n->kids[0], v);
        mw_lua_code_prefix (cg->fs, (MwLuaUnOp) n->op, v);
        break;
      case MW_LUA_NODE_BINOP:
        {
          MwLuaExpDesc v2;
          expr (cg, n->kids[0], v);
          consume (cg, n->token);
          mw_lua_code_infix (cg->fs, (MwLuaBinOp) n->op, v);
          expr (cg, n->kids[1], &v2);
          mw_lua_code_posfix (cg->fs, (MwLuaBinOp) n->op, v, &v2);
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
  MwLuaExpDesc v;
} LhsAssign;

/* check_conflict: a local assigned after a table indexed by it was taken as a target */
static void
check_conflict (MwLuaFuncState *fs, LhsAssign *lh, const MwLuaExpDesc *v)
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
      mw_lua_code_abc (fs, OP_MOVE, fs->freereg, v->info, 0);
      mw_lua_code_reserveregs (fs, 1);
    }
}

/* assignment -> ',' primaryexp assignment | '=' explist1 */
static void
assignment (MwLuaCodegen *cg, MwLuaNode *stat, MwLuaNode *target, LhsAssign *lh, int nvars)
{
  MwLuaFuncState *fs = cg->fs;
  MwLuaExpDesc e;

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
          mw_lua_code_setoneret (fs, &e);
          mw_lua_code_storevar (fs, &lh->v, &e);
          return;
        }
    }
  init_exp (&e, VNONRELOC, fs->freereg - 1);
  mw_lua_code_storevar (fs, &lh->v, &e);
}

/* cond -> exp: returns the false exits */
static int
cond (MwLuaCodegen *cg, MwLuaNode *n)
{
  MwLuaExpDesc v;

  expr (cg, n, &v);
  if (v.k == VNIL)
    v.k = VFALSE;
  mw_lua_code_goiftrue (cg->fs, &v);
  return v.f;
}

static void
breakstat (MwLuaFuncState *fs)
{
  MwLuaBlockCnt *bl = fs->bl;
  gboolean upval = FALSE;

  while (bl != NULL && !bl->isbreakable)
    {
      upval |= bl->upval;
      bl = bl->previous;
    }
  g_assert (bl != NULL); /* the parser checked */
  if (upval)
    mw_lua_code_abc (fs, OP_CLOSE, bl->nactvar, 0, 0);
  mw_lua_code_concat (fs, &bl->breaklist, mw_lua_code_jump (fs));
}

/* forbody -> DO block */
static void
forbody (MwLuaCodegen *cg, MwLuaNode *s, guint do_tok, int base, gint32 line, int nvars,
         gboolean isnum)
{
  MwLuaFuncState *fs = cg->fs;
  MwLuaBlockCnt bl;
  int prep, endfor;

  adjustlocalvars (fs, 3);
  consume (cg, do_tok);
  prep = isnum ? code_asbx (fs, OP_FORPREP, base, NO_JUMP) : mw_lua_code_jump (fs);
  enterblock (fs, &bl, FALSE);
  adjustlocalvars (fs, nvars);
  mw_lua_code_reserveregs (fs, nvars);
  block (cg, s->u.body);
  leaveblock (fs);
  mw_lua_code_patchtohere (fs, prep);
  endfor = isnum ? code_asbx (fs, OP_FORLOOP, base, NO_JUMP)
                 : mw_lua_code_abc (fs, OP_TFORLOOP, base, 0, nvars);
  mw_lua_code_fixline (fs, line); /* the loop instruction counts as the `for` line */
  mw_lua_code_patchlist (fs, isnum ? endfor : mw_lua_code_jump (fs), prep + 1);
}

/* exp1: an expression to the next register */
static void
exp1 (MwLuaCodegen *cg, MwLuaNode *n)
{
  MwLuaExpDesc e;
  expr (cg, n, &e);
  mw_lua_code_exp2nextreg (cg->fs, &e);
}

/* fornum -> NAME = exp1,exp1[,exp1] forbody */
static void
fornum (MwLuaCodegen *cg, MwLuaNode *s, gint32 line)
{
  MwLuaFuncState *fs = cg->fs;
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
      mw_lua_code_abx (fs, OP_LOADK, fs->freereg, mw_lua_code_number_k (fs, 1));
      mw_lua_code_reserveregs (fs, 1);
    }
  forbody (cg, s, after (last), base, line, 1, TRUE);
}

/* forlist -> NAME {,NAME} IN explist1 forbody */
static void
forlist (MwLuaCodegen *cg, MwLuaNode *s)
{
  MwLuaFuncState *fs = cg->fs;
  int base = fs->freereg;
  MwLuaVar *first = s->kids[0]->u.var;
  MwLuaFunction *func = fs->func;
  int nvars = 0;
  MwLuaExpDesc e;
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
  mw_lua_code_checkstack (fs, 3);
  for (last = s->kids[1]; last->next != NULL; last = last->next)
    ;
  forbody (cg, s, after (last), base, line, nvars - 3, FALSE);
}

/* forstat -> FOR (fornum | forlist) END */
static void
forstat (MwLuaCodegen *cg, MwLuaNode *s, gint32 line)
{
  MwLuaFuncState *fs = cg->fs;
  MwLuaBlockCnt bl;

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
test_then_block (MwLuaCodegen *cg, MwLuaNode *clause)
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
ifstat (MwLuaCodegen *cg, MwLuaNode *s)
{
  MwLuaFuncState *fs = cg->fs;
  MwLuaNode *clause = s->kids[0];
  int escapelist = NO_JUMP;
  int flist;

  flist = test_then_block (cg, clause);
  while (clause->next != NULL)
    {
      clause = clause->next;
      mw_lua_code_concat (fs, &escapelist, mw_lua_code_jump (fs));
      mw_lua_code_patchtohere (fs, flist);
      flist = test_then_block (cg, clause);
    }
  if (s->kids[1] != NULL)
    {
      mw_lua_code_concat (fs, &escapelist, mw_lua_code_jump (fs));
      mw_lua_code_patchtohere (fs, flist);
      consume (cg, after (clause));
      block (cg, s->kids[1]);
    }
  else
    mw_lua_code_concat (fs, &escapelist, flist);
  mw_lua_code_patchtohere (fs, escapelist);
  consume (cg, s->last);
}

/* whilestat -> WHILE cond DO block END */
static void
whilestat (MwLuaCodegen *cg, MwLuaNode *s)
{
  MwLuaFuncState *fs = cg->fs;
  int whileinit, condexit;
  MwLuaBlockCnt bl;

  consume (cg, s->first);
  whileinit = mw_lua_code_getlabel (fs);
  condexit = cond (cg, s->kids[0]);
  enterblock (fs, &bl, TRUE);
  consume (cg, after (s->kids[0]));
  block (cg, s->kids[1]);
  mw_lua_code_patchlist (fs, mw_lua_code_jump (fs), whileinit);
  consume (cg, s->last);
  leaveblock (fs);
  mw_lua_code_patchtohere (fs, condexit);
}

/* repeatstat -> REPEAT block UNTIL cond */
static void
repeatstat (MwLuaCodegen *cg, MwLuaNode *s)
{
  MwLuaFuncState *fs = cg->fs;
  int repeat_init = mw_lua_code_getlabel (fs);
  int condexit;
  MwLuaBlockCnt bl1, bl2;

  enterblock (fs, &bl1, TRUE);
  enterblock (fs, &bl2, FALSE);
  consume (cg, s->first);
  chunk (cg, s->kids[0]);
  consume (cg, after (s->kids[0]));
  condexit = cond (cg, s->kids[1]);
  if (!bl2.upval)
    {
      leaveblock (fs);
      mw_lua_code_patchlist (fs, condexit, repeat_init);
    }
  else
    {
      breakstat (fs);
      mw_lua_code_patchtohere (fs, condexit);
      leaveblock (fs);
      mw_lua_code_patchlist (fs, mw_lua_code_jump (fs), repeat_init);
    }
  leaveblock (fs);
}

/* funcname -> NAME {field} [':' NAME] */
static void
funcname (MwLuaCodegen *cg, MwLuaNode *n, MwLuaExpDesc *v)
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
funcstat (MwLuaCodegen *cg, MwLuaNode *s, gint32 line)
{
  MwLuaExpDesc v, b;

  consume (cg, s->first);
  funcname (cg, s->kids[0], &v);
  body (cg, s->kids[1], &b, (s->flags & MW_LUA_NODE_FLAG_METHOD) != 0, line, after (s->kids[0]));
  mw_lua_code_storevar (cg->fs, &v, &b);
  mw_lua_code_fixline (cg->fs, line); /* the definition happens on the first line */
}

/* localfunc -> LOCAL FUNCTION NAME body */
static void
localfunc (MwLuaCodegen *cg, MwLuaNode *s)
{
  MwLuaFuncState *fs = cg->fs;
  MwLuaExpDesc v, b;
  MwLuaVar *var = s->kids[0]->u.var;

  consume (cg, s->kids[0]->token - 1);
  consume (cg, s->kids[0]->token);
  new_localvar (cg, var, 0);
  init_exp (&v, VLOCAL, fs->freereg);
  mw_lua_code_reserveregs (fs, 1);
  adjustlocalvars (fs, 1);
  body (cg, s->kids[1], &b, FALSE, linenumber (cg), s->kids[0]->token + 1);
  mw_lua_code_storevar (fs, &v, &b);
  /* debug information sees the variable only from here */
  fs->locvars[var->index].startpc = fs->pc;
}

/* localstat -> LOCAL NAME {',' NAME} ['=' explist1] */
static void
localstat (MwLuaCodegen *cg, MwLuaNode *s)
{
  MwLuaFuncState *fs = cg->fs;
  int nvars = 0, nexps;
  MwLuaExpDesc e;
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
retstat (MwLuaCodegen *cg, MwLuaNode *s)
{
  MwLuaFuncState *fs = cg->fs;
  MwLuaExpDesc e;
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
        first = mw_lua_code_exp2anyreg (fs, &e);
      else
        {
          mw_lua_code_exp2nextreg (fs, &e);
          first = fs->nactvar;
        }
    }
  mw_lua_code_abc (fs, OP_RETURN, first, nret + 1, 0);
}

static void
statement (MwLuaCodegen *cg, MwLuaNode *s)
{
  gint32 line = (gint32) cg->toks[s->first].end_line;
  MwLuaFuncState *fs = cg->fs;

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
          MwLuaExpDesc v;
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
chunk (MwLuaCodegen *cg, MwLuaNode *b)
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
block (MwLuaCodegen *cg, MwLuaNode *b)
{
  MwLuaBlockCnt bl;

  enterblock (cg->fs, &bl, FALSE);
  chunk (cg, b);
  leaveblock (cg->fs);
}

/* --- entry point -------------------------------------------------------------------------- */

MwLuaChunk *
mw_lua_codegen_generate (MwLuaTree *tree, MwLuaNumberType target, MwLuaCodegenFlags flags,
                         GError **error)
{
  MwLuaCodegen cg = { 0 };
  const MwLuaDiagnostic *syntax;
  MwLuaProto *main_proto;
  MwLuaFuncState *fs;
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
