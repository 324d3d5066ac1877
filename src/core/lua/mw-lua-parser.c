/* mw-lua-parser.c: the Lua 5.1 grammar and scopes, rule for rule as lparser.c.
 *
 * One function per grammar rule, headed by the rule. Names are resolved while parsing, with
 * Lua's own scope rules (a local is visible from the statement after its declaration; a
 * `local function` inside its own body; repeat's condition sees the loop body's locals), so
 * upvalue lists come out in Lua's order.
 *
 * Errors do not unwind with longjmp: the first error is recorded and from then on the
 * current token reads as <eof>, so every rule winds down on its own.
 */
#include "mw-lua-tree-private.h"

#include <string.h>

typedef struct _BlockScope
{
  struct _BlockScope *prev;
  guint nactvar; /* active locals when the block was entered */
  gboolean breakable;
} BlockScope;

typedef struct _FuncState
{
  struct _FuncState *prev;
  MwLuaFunction *f;
  BlockScope *bl;
  guint nactvar;
  gboolean firmware_limit_reported;
  MwLuaVar *actvar[MW_LUA_MAX_VARS + 8];
} FuncState;

typedef struct
{
  MwLuaTree *tree;
  const MwLuaToken *toks;
  guint ntok;
  guint cur; /* the current token (Lua's ls->t) */
  guint lexed; /* the furthest token the lexer has read (after a lookahead: cur + 1) */
  guint32 lastline; /* Lua's ls->lastline: line of the last token consumed */
  FuncState *fs;
  guint nccalls;
  gboolean failed;
} Parser;

static void expr (Parser *p, MwLuaNode **out);
static void block (Parser *p, MwLuaNode **out);

/* --- tokens ------------------------------------------------------------------------------ */

static inline MwLuaTokenKind
tk (const Parser *p)
{
  return p->failed ? MW_LUA_TOKEN_EOF : p->toks[p->cur].kind;
}

/* Lua's ls->linenumber: where the lexer stands, i.e. the end of the last token it read */
static inline guint32
linenumber (const Parser *p)
{
  return p->toks[p->lexed].end_line;
}

static void
lexical_error (Parser *p)
{
  MwLuaLexResult *lex = &p->tree->lex;
  g_autofree char *msg = NULL;

  if (p->failed)
    return;
  p->failed = TRUE;
  if (lex->error_near != NULL)
    msg = g_strdup_printf ("%s near '%s'", lex->error_message, lex->error_near);
  else
    msg = g_strdup (lex->error_message);
  p->tree->error = mw_lua_tree_add_diagnostic (p->tree, MW_LUA_SEVERITY_ERROR, MW_LUA_CODE_SYNTAX,
                                               lex->error_line, p->toks[p->lexed].column, msg);
}

static void
reach (Parser *p, guint index)
{
  if (index > p->lexed)
    p->lexed = index;
  if (p->toks[index].kind == MW_LUA_TOKEN_ERROR)
    lexical_error (p);
}

static void
next (Parser *p)
{
  if (p->failed)
    return;
  p->lastline = linenumber (p);
  if (p->cur + 1 < p->ntok)
    p->cur++;
  reach (p, p->cur);
}

static MwLuaTokenKind
lookahead (Parser *p)
{
  if (p->failed || p->cur + 1 >= p->ntok)
    return MW_LUA_TOKEN_EOF;
  reach (p, p->cur + 1);
  return p->failed ? MW_LUA_TOKEN_EOF : p->toks[p->cur + 1].kind;
}

/* txtToken: the text Lua quotes after "near" */
static char *
token_text (Parser *p, guint index)
{
  const MwLuaToken *t = &p->toks[index];
  const char *src = p->tree->source;

  switch (t->kind)
    {
      case MW_LUA_TOKEN_NAME:
      case MW_LUA_TOKEN_NUMBER:
        return g_strndup (src + t->offset, t->length);
      case MW_LUA_TOKEN_STRING:
        {
          /* Lua's buffer: the brackets, and the value (a long string's first newline dropped,
           * its newlines as \n; a quoted string's escapes decoded) */
          GString *s = g_string_new (NULL);
          guint delim = (t->flags & MW_LUA_TOKEN_FLAG_LONG) ? t->level + 2 : 1;
          g_string_append_len (s, src + t->offset, delim);
          mw_lua_token_decode_string (src, t, s);
          g_string_append_len (s, src + t->offset + t->length - delim, delim);
          return g_string_free (s, FALSE);
        }
      case MW_LUA_TOKEN_OTHER:
        {
          guchar c = (guchar) src[t->offset];
          if (c < 32 || c == 127)
            return g_strdup_printf ("char(%d)", c);
          return g_strndup (src + t->offset, 1);
        }
      default:
        return g_strdup (mw_lua_token_names[t->kind]);
    }
}

static void
error_at (Parser *p, const char *msg, gboolean with_near)
{
  g_autofree char *full = NULL;

  if (p->failed)
    return;
  if (with_near)
    {
      g_autofree char *near = token_text (p, p->cur);
      full = g_strdup_printf ("%s near '%s'", msg, near);
    }
  else
    full = g_strdup (msg);
  p->tree->error = mw_lua_tree_add_diagnostic (p->tree, MW_LUA_SEVERITY_ERROR, MW_LUA_CODE_SYNTAX,
                                               linenumber (p), p->toks[p->cur].column, full);
  p->failed = TRUE;
}

static void
syntax_error (Parser *p, const char *msg)
{
  const MwLuaToken *t = &p->toks[p->cur];

  /* luaX_lexerror adds "near" only for a non-zero token: a NUL byte is token 0 */
  error_at (p, msg, !(t->kind == MW_LUA_TOKEN_OTHER && p->tree->source[t->offset] == '\0'));
}

static void
error_expected (Parser *p, MwLuaTokenKind what)
{
  g_autofree char *msg = g_strdup_printf ("'%s' expected", mw_lua_token_names[what]);
  syntax_error (p, msg);
}

static gboolean
testnext (Parser *p, MwLuaTokenKind kind)
{
  if (tk (p) == kind)
    {
      next (p);
      return TRUE;
    }
  return FALSE;
}

static void
check (Parser *p, MwLuaTokenKind kind)
{
  if (tk (p) != kind)
    error_expected (p, kind);
}

static void
checknext (Parser *p, MwLuaTokenKind kind)
{
  check (p, kind);
  next (p);
}

static void
check_match (Parser *p, MwLuaTokenKind what, MwLuaTokenKind who, guint32 where)
{
  if (testnext (p, what))
    return;
  if (where == linenumber (p))
    error_expected (p, what);
  else
    {
      g_autofree char *msg = g_strdup_printf ("'%s' expected (to close '%s' at line %u)",
                                              mw_lua_token_names[what], mw_lua_token_names[who],
                                              where);
      syntax_error (p, msg);
    }
}

static gboolean
block_follow (MwLuaTokenKind kind)
{
  switch (kind)
    {
      case MW_LUA_TOKEN_ELSE:
      case MW_LUA_TOKEN_ELSEIF:
      case MW_LUA_TOKEN_END:
      case MW_LUA_TOKEN_UNTIL:
      case MW_LUA_TOKEN_EOF:
        return TRUE;
      default:
        return FALSE;
    }
}

static gboolean
enterlevel (Parser *p)
{
  if (++p->nccalls > MW_LUA_MAX_CCALLS)
    {
      error_at (p, "chunk has too many syntax levels", FALSE);
      return FALSE;
    }
  return TRUE;
}

static void
leavelevel (Parser *p)
{
  p->nccalls--;
}

/* --- nodes ------------------------------------------------------------------------------- */

static MwLuaNode *
new_node (Parser *p, MwLuaNodeKind kind, guint token)
{
  MwLuaNode *n = mw_lua_tree_alloc (p->tree, sizeof *n);
  n->kind = kind;
  n->token = token;
  n->first = token;
  n->last = token;
  return n;
}

/* closes a node at the last consumed token */
static MwLuaNode *
finish (Parser *p, MwLuaNode *n)
{
  n->last = p->cur > n->first ? p->cur - 1 : n->first;
  return n;
}

/* --- scopes ------------------------------------------------------------------------------ */

static void
errorlimit (Parser *p, FuncState *fs, int limit, const char *what)
{
  g_autofree char *msg = NULL;

  if (fs->f->line_defined == 0)
    msg = g_strdup_printf ("main function has more than %d %s", limit, what);
  else
    msg =
      g_strdup_printf ("function at line %u has more than %d %s", fs->f->line_defined, limit, what);
  error_at (p, msg, FALSE);
}

/* new_localvar: registers the n-th pending local of a declaration */
static MwLuaVar *
new_localvar (Parser *p, const char *name, MwLuaVarKind kind, guint32 decl_token, guint n)
{
  FuncState *fs = p->fs;
  MwLuaVar *var;

  if (fs->nactvar + n + 1 > MW_LUA_MAX_VARS)
    {
      errorlimit (p, fs, MW_LUA_MAX_VARS, "local variables");
      return NULL;
    }
  if (fs->nactvar + n + 1 > MW_LUA_FIRMWARE_MAX_VARS && !fs->firmware_limit_reported)
    {
      g_autofree char *msg = NULL;
      MwLuaDiagnostic *d;

      fs->firmware_limit_reported = TRUE;
      if (fs->f->line_defined == 0)
        msg = g_strdup_printf ("main function has more than %d local variables "
                               "(the NodeMCU firmware refuses it)",
                               MW_LUA_FIRMWARE_MAX_VARS);
      else
        msg = g_strdup_printf ("function at line %u has more than %d local variables "
                               "(the NodeMCU firmware refuses it)",
                               fs->f->line_defined, MW_LUA_FIRMWARE_MAX_VARS);
      /* the firmware raises it where its parser stands: the line of the token after the
       * name (linenumber), which is the next line when the name ends its line */
      d = mw_lua_tree_add_diagnostic (p->tree, MW_LUA_SEVERITY_ERROR, MW_LUA_CODE_FIRMWARE_LOCALS,
                                      linenumber (p), 0, msg);
      if (decl_token != G_MAXUINT32 && p->toks[decl_token].line == linenumber (p))
        d->column = p->toks[decl_token].column;
      else if (p->toks[p->cur].line == linenumber (p))
        d->column = p->toks[p->cur].column;
    }

  var = mw_lua_tree_alloc (p->tree, sizeof *var);
  var->name = name;
  var->func = fs->f;
  var->kind = kind;
  var->index = fs->f->vars->len;
  var->decl_token = decl_token;
  var->scope_start = G_MAXUINT32;
  var->scope_end = G_MAXUINT32;
  var->last_ref = decl_token;
  g_ptr_array_add (fs->f->vars, var);
  fs->actvar[fs->nactvar + n] = var;
  if (decl_token != G_MAXUINT32)
    {
      p->tree->token_vars[decl_token] = var;
      ((MwLuaToken *) p->toks)[decl_token].flags |= MW_LUA_TOKEN_FLAG_LOCAL
                                                    | MW_LUA_TOKEN_FLAG_DECL;
    }
  return var;
}

static const char *
intern_token (Parser *p, guint index)
{
  const MwLuaToken *t = &p->toks[index];
  return mw_lua_tree_intern (p->tree, p->tree->source + t->offset, t->length);
}

static void
adjustlocalvars (Parser *p, guint nvars)
{
  FuncState *fs = p->fs;

  for (guint i = 0; i < nvars; i++)
    fs->actvar[fs->nactvar + i]->scope_start = p->cur;
  fs->nactvar += nvars;
  if (fs->nactvar > fs->f->max_active)
    fs->f->max_active = fs->nactvar;
}

static void
removevars (Parser *p, guint tolevel)
{
  FuncState *fs = p->fs;
  guint32 end = p->cur > 0 ? p->cur - 1 : 0;

  while (fs->nactvar > tolevel)
    fs->actvar[--fs->nactvar]->scope_end = end;
}

static void
enterblock (Parser *p, BlockScope *bl, gboolean breakable)
{
  bl->prev = p->fs->bl;
  bl->nactvar = p->fs->nactvar;
  bl->breakable = breakable;
  p->fs->bl = bl;
}

static void
leaveblock (Parser *p)
{
  BlockScope *bl = p->fs->bl;
  p->fs->bl = bl->prev;
  removevars (p, bl->nactvar);
}

static MwLuaVar *
find_active (FuncState *fs, const char *name)
{
  for (guint i = fs->nactvar; i-- > 0;)
    if (fs->actvar[i]->name == name)
      return fs->actvar[i];
  return NULL;
}

/* indexupvalue */
static void
add_upvalue (Parser *p, FuncState *fs, MwLuaVar *var)
{
  GPtrArray *ups = fs->f->upvalues;

  for (guint i = 0; i < ups->len; i++)
    if (ups->pdata[i] == var)
      return;
  if (ups->len + 1 > MW_LUA_MAX_UPVALUES)
    {
      errorlimit (p, fs, MW_LUA_MAX_UPVALUES, "upvalues");
      return;
    }
  g_ptr_array_add (ups, var);
}

/* singlevaraux: the innermost visible local named `name`, or NULL for a global */
static MwLuaVar *
singlevaraux (Parser *p, FuncState *fs, const char *name)
{
  MwLuaVar *var;

  if (fs == NULL)
    return NULL;
  var = find_active (fs, name);
  if (var != NULL)
    return var;
  var = singlevaraux (p, fs->prev, name);
  if (var != NULL)
    add_upvalue (p, fs, var);
  return var;
}

/* singlevar: a name used as a value; reads by default, restassign turns it into a write */
static MwLuaNode *
singlevar (Parser *p)
{
  guint index = p->cur;
  MwLuaNode *n;
  MwLuaVar *var;
  const char *name;

  check (p, MW_LUA_TOKEN_NAME);
  if (p->failed)
    return new_node (p, MW_LUA_NODE_NAME, index);
  name = intern_token (p, index);
  n = new_node (p, MW_LUA_NODE_NAME, index);
  next (p); /* str_checkname consumes the name before Lua resolves it */
  var = singlevaraux (p, p->fs, name);
  n->u.var = var;
  if (var != NULL)
    {
      var->n_reads++;
      var->last_ref = index;
      if (var->func != p->fs->f)
        var->n_captures++;
      p->tree->token_vars[index] = var;
      ((MwLuaToken *) p->toks)[index].flags |= MW_LUA_TOKEN_FLAG_LOCAL;
    }
  else
    {
      MwLuaGlobalRef ref = { name, index, p->fs->f, FALSE };
      g_array_append_val (p->tree->globals, ref);
      ((MwLuaToken *) p->toks)[index].flags |= MW_LUA_TOKEN_FLAG_GLOBAL;
    }
  return n;
}

/* a NAME node that singlevar made a read becomes an assignment target */
static void
mark_write (Parser *p, MwLuaNode *n)
{
  if (n->kind != MW_LUA_NODE_NAME || p->failed)
    return;
  ((MwLuaToken *) p->toks)[n->token].flags |= MW_LUA_TOKEN_FLAG_WRITE;
  if (n->u.var != NULL)
    {
      n->u.var->n_reads--;
      n->u.var->n_writes++;
      return;
    }
  for (guint i = p->tree->globals->len; i-- > 0;)
    {
      MwLuaGlobalRef *ref = &g_array_index (p->tree->globals, MwLuaGlobalRef, i);
      if (ref->token == n->token)
        {
          ref->write = TRUE;
          return;
        }
    }
}

static MwLuaFunction *
open_func (Parser *p, FuncState *fs, MwLuaNode *node)
{
  MwLuaFunction *f = mw_lua_tree_alloc (p->tree, sizeof *f);

  f->parent = p->fs ? p->fs->f : NULL;
  f->node = node;
  f->vars = g_ptr_array_new ();
  f->upvalues = g_ptr_array_new ();
  f->children = g_ptr_array_new ();
  f->first_token = node ? node->first : 0;
  if (f->parent)
    g_ptr_array_add (f->parent->children, f);
  g_ptr_array_add (p->tree->functions, f);

  memset (fs, 0, offsetof (FuncState, actvar));
  fs->prev = p->fs;
  fs->f = f;
  p->fs = fs;
  return f;
}

static void
close_func (Parser *p)
{
  removevars (p, 0);
  p->fs = p->fs->prev;
}

/* --- grammar ----------------------------------------------------------------------------- */

/* field -> ['.' | ':'] NAME: the key of `a.b`, `a:b` and `function a.b:c` */
static MwLuaNode *
field (Parser *p, MwLuaNode *obj)
{
  MwLuaNode *n = new_node (p, MW_LUA_NODE_INDEX, p->cur);

  n->first = obj->first;
  n->kids[0] = obj;
  n->flags |= MW_LUA_NODE_FLAG_DOT;
  next (p); /* skip the dot or colon */
  check (p, MW_LUA_TOKEN_NAME);
  n->token = p->cur;
  if (!p->failed)
    ((MwLuaToken *) p->toks)[p->cur].flags |= MW_LUA_TOKEN_FLAG_FIELD;
  next (p);
  return finish (p, n);
}

/* yindex -> '[' expr ']' */
static MwLuaNode *
yindex (Parser *p)
{
  MwLuaNode *key;

  next (p);
  expr (p, &key);
  checknext (p, MW_LUA_TOKEN_RBRACKET);
  return key;
}

/* recfield -> (NAME | '[' exp1 ']') = exp1 */
static MwLuaNode *
recfield (Parser *p)
{
  MwLuaNode *n;

  if (tk (p) == MW_LUA_TOKEN_NAME)
    {
      n = new_node (p, MW_LUA_NODE_FIELD_NAMED, p->cur);
      ((MwLuaToken *) p->toks)[p->cur].flags |= MW_LUA_TOKEN_FLAG_FIELD;
      next (p);
    }
  else
    {
      n = new_node (p, MW_LUA_NODE_FIELD_KEYED, p->cur);
      n->kids[0] = yindex (p);
    }
  checknext (p, MW_LUA_TOKEN_ASSIGN);
  expr (p, n->kind == MW_LUA_NODE_FIELD_NAMED ? &n->kids[0] : &n->kids[1]);
  return finish (p, n);
}

/* listfield -> expr */
static MwLuaNode *
listfield (Parser *p)
{
  MwLuaNode *n = new_node (p, MW_LUA_NODE_FIELD_POS, p->cur);
  expr (p, &n->kids[0]);
  return finish (p, n);
}

/* constructor -> '{' [ field { fieldsep field } [ fieldsep ] ] '}' */
static MwLuaNode *
constructor (Parser *p)
{
  MwLuaNode *n = new_node (p, MW_LUA_NODE_TABLE, p->cur);
  MwLuaNode **tail = &n->kids[0];
  guint32 line = linenumber (p);

  checknext (p, MW_LUA_TOKEN_LBRACE);
  do
    {
      MwLuaNode *f;

      if (tk (p) == MW_LUA_TOKEN_RBRACE)
        break;
      switch (tk (p))
        {
          case MW_LUA_TOKEN_NAME:
            if (lookahead (p) != MW_LUA_TOKEN_ASSIGN)
              f = listfield (p);
            else
              f = recfield (p);
            break;
          case MW_LUA_TOKEN_LBRACKET:
            f = recfield (p);
            break;
          default:
            f = listfield (p);
            break;
        }
      *tail = f;
      tail = &f->next;
    }
  while (testnext (p, MW_LUA_TOKEN_COMMA) || testnext (p, MW_LUA_TOKEN_SEMICOLON));
  check_match (p, MW_LUA_TOKEN_RBRACE, MW_LUA_TOKEN_LBRACE, line);
  return finish (p, n);
}

/* parlist -> [ param { ',' param } ] ; param -> NAME | '...' */
static void
parlist (Parser *p)
{
  FuncState *fs = p->fs;
  MwLuaFunction *f = fs->f;
  guint nparams = 0;
  gboolean has_arg = FALSE;

  if (tk (p) != MW_LUA_TOKEN_RPAREN)
    {
      do
        {
          switch (tk (p))
            {
              case MW_LUA_TOKEN_NAME:
                {
                  guint name = p->cur;
                  next (p);
                  new_localvar (p, intern_token (p, name), MW_LUA_VAR_PARAM, name, nparams++);
                  break;
                }
              case MW_LUA_TOKEN_DOTS:
                next (p);
                /* LUA_COMPAT_VARARG: an implicit local `arg` */
                new_localvar (p, mw_lua_tree_intern (p->tree, "arg", 3), MW_LUA_VAR_ARG,
                              G_MAXUINT32, nparams++);
                has_arg = TRUE;
                f->is_vararg = TRUE;
                break;
              default:
                syntax_error (p, "<name> or '...' expected");
                break;
            }
        }
      while (!p->failed && !f->is_vararg && testnext (p, MW_LUA_TOKEN_COMMA));
    }
  if (p->failed)
    return;
  adjustlocalvars (p, nparams);
  f->num_params = fs->nactvar - (has_arg ? 1 : 0);
}

/* body -> '(' parlist ')' chunk END */
static MwLuaNode *
body (Parser *p, gboolean needself, guint32 line, guint first)
{
  FuncState fs;
  MwLuaNode *n = new_node (p, MW_LUA_NODE_FUNCTION, first);
  MwLuaFunction *f = open_func (p, &fs, n);

  n->u.func = f;
  f->line_defined = line;
  f->is_method = needself;
  checknext (p, MW_LUA_TOKEN_LPAREN);
  if (needself)
    {
      new_localvar (p, mw_lua_tree_intern (p->tree, "self", 4), MW_LUA_VAR_SELF, G_MAXUINT32, 0);
      if (!p->failed)
        adjustlocalvars (p, 1);
    }
  parlist (p);
  checknext (p, MW_LUA_TOKEN_RPAREN);
  block (p, &n->kids[0]);
  f->body = n->kids[0];
  f->last_line = linenumber (p);
  f->last_token = p->cur;
  check_match (p, MW_LUA_TOKEN_END, MW_LUA_TOKEN_FUNCTION, line);
  close_func (p);
  return finish (p, n);
}

/* explist1 -> expr { ',' expr } */
static MwLuaNode *
explist1 (Parser *p)
{
  MwLuaNode *first = NULL, **tail = &first;

  do
    {
      expr (p, tail);
      tail = &(*tail)->next;
    }
  while (!p->failed && testnext (p, MW_LUA_TOKEN_COMMA));
  return first;
}

/* funcargs -> '(' [ explist1 ] ')' | constructor | STRING */
static void
funcargs (Parser *p, MwLuaNode *call)
{
  guint32 line = linenumber (p);

  switch (tk (p))
    {
      case MW_LUA_TOKEN_LPAREN:
        if (line != p->lastline)
          {
            syntax_error (p, "ambiguous syntax (function call x new statement)");
            return;
          }
        next (p);
        if (tk (p) != MW_LUA_TOKEN_RPAREN)
          call->kids[1] = explist1 (p);
        check_match (p, MW_LUA_TOKEN_RPAREN, MW_LUA_TOKEN_LPAREN, line);
        break;
      case MW_LUA_TOKEN_LBRACE:
        call->flags |= MW_LUA_NODE_FLAG_TABLEARG;
        call->kids[1] = constructor (p);
        break;
      case MW_LUA_TOKEN_STRING:
        call->flags |= MW_LUA_NODE_FLAG_STRARG;
        call->kids[1] = new_node (p, MW_LUA_NODE_STRING, p->cur);
        next (p);
        break;
      default:
        syntax_error (p, "function arguments expected");
        return;
    }
  finish (p, call);
}

/* prefixexp -> NAME | '(' expr ')' */
static MwLuaNode *
prefixexp (Parser *p)
{
  switch (tk (p))
    {
      case MW_LUA_TOKEN_LPAREN:
        {
          guint32 line = linenumber (p);
          MwLuaNode *n = new_node (p, MW_LUA_NODE_PAREN, p->cur);
          next (p);
          expr (p, &n->kids[0]);
          check_match (p, MW_LUA_TOKEN_RPAREN, MW_LUA_TOKEN_LPAREN, line);
          return finish (p, n);
        }
      case MW_LUA_TOKEN_NAME:
        return singlevar (p);
      default:
        syntax_error (p, "unexpected symbol");
        return new_node (p, MW_LUA_NODE_NIL, p->cur);
    }
}

/* primaryexp -> prefixexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs } */
static MwLuaNode *
primaryexp (Parser *p)
{
  MwLuaNode *v = prefixexp (p);

  for (;;)
    {
      MwLuaNode *n;

      switch (tk (p))
        {
          case MW_LUA_TOKEN_DOT:
            v = field (p, v);
            break;
          case MW_LUA_TOKEN_LBRACKET:
            n = new_node (p, MW_LUA_NODE_INDEX, p->cur);
            n->first = v->first;
            n->kids[0] = v;
            n->kids[1] = yindex (p);
            v = finish (p, n);
            break;
          case MW_LUA_TOKEN_COLON:
            n = new_node (p, MW_LUA_NODE_METHCALL, p->cur);
            n->first = v->first;
            n->kids[0] = v;
            next (p);
            check (p, MW_LUA_TOKEN_NAME);
            n->token = p->cur;
            if (!p->failed)
              ((MwLuaToken *) p->toks)[p->cur].flags |= MW_LUA_TOKEN_FLAG_FIELD;
            next (p);
            funcargs (p, n);
            v = n;
            break;
          case MW_LUA_TOKEN_LPAREN:
          case MW_LUA_TOKEN_STRING:
          case MW_LUA_TOKEN_LBRACE:
            n = new_node (p, MW_LUA_NODE_CALL, p->cur);
            n->first = v->first;
            n->kids[0] = v;
            funcargs (p, n);
            v = n;
            break;
          default:
            return v;
        }
      if (p->failed)
        return v;
    }
}

/* simpleexp -> NUMBER | STRING | NIL | true | false | ... | constructor | FUNCTION body
 *            | primaryexp */
static MwLuaNode *
simpleexp (Parser *p)
{
  MwLuaNode *n;

  switch (tk (p))
    {
      case MW_LUA_TOKEN_NUMBER:
        n = new_node (p, MW_LUA_NODE_NUMBER, p->cur);
        break;
      case MW_LUA_TOKEN_STRING:
        n = new_node (p, MW_LUA_NODE_STRING, p->cur);
        break;
      case MW_LUA_TOKEN_NIL:
        n = new_node (p, MW_LUA_NODE_NIL, p->cur);
        break;
      case MW_LUA_TOKEN_TRUE:
        n = new_node (p, MW_LUA_NODE_TRUE, p->cur);
        break;
      case MW_LUA_TOKEN_FALSE:
        n = new_node (p, MW_LUA_NODE_FALSE, p->cur);
        break;
      case MW_LUA_TOKEN_DOTS:
        if (!p->fs->f->is_vararg)
          {
            syntax_error (p, "cannot use '...' outside a vararg function");
            return new_node (p, MW_LUA_NODE_VARARG, p->cur);
          }
        n = new_node (p, MW_LUA_NODE_VARARG, p->cur);
        break;
      case MW_LUA_TOKEN_LBRACE:
        return constructor (p);
      case MW_LUA_TOKEN_FUNCTION:
        {
          guint first = p->cur;
          next (p);
          return body (p, FALSE, linenumber (p), first);
        }
      default:
        return primaryexp (p);
    }
  next (p);
  return n;
}

static gboolean
unary_op (MwLuaTokenKind kind, MwLuaUnOp *op)
{
  switch (kind)
    {
      case MW_LUA_TOKEN_NOT:
        *op = MW_LUA_OP_NOT;
        return TRUE;
      case MW_LUA_TOKEN_MINUS:
        *op = MW_LUA_OP_MINUS;
        return TRUE;
      case MW_LUA_TOKEN_HASH:
        *op = MW_LUA_OP_LEN;
        return TRUE;
      default:
        return FALSE;
    }
}

static gboolean
binary_op (MwLuaTokenKind kind, MwLuaBinOp *op)
{
  switch (kind)
    {
      case MW_LUA_TOKEN_PLUS:
        *op = MW_LUA_OP_ADD;
        return TRUE;
      case MW_LUA_TOKEN_MINUS:
        *op = MW_LUA_OP_SUB;
        return TRUE;
      case MW_LUA_TOKEN_STAR:
        *op = MW_LUA_OP_MUL;
        return TRUE;
      case MW_LUA_TOKEN_SLASH:
        *op = MW_LUA_OP_DIV;
        return TRUE;
      case MW_LUA_TOKEN_PERCENT:
        *op = MW_LUA_OP_MOD;
        return TRUE;
      case MW_LUA_TOKEN_CARET:
        *op = MW_LUA_OP_POW;
        return TRUE;
      case MW_LUA_TOKEN_CONCAT:
        *op = MW_LUA_OP_CONCAT;
        return TRUE;
      case MW_LUA_TOKEN_NE:
        *op = MW_LUA_OP_NE;
        return TRUE;
      case MW_LUA_TOKEN_EQ:
        *op = MW_LUA_OP_EQ;
        return TRUE;
      case MW_LUA_TOKEN_LT:
        *op = MW_LUA_OP_LT;
        return TRUE;
      case MW_LUA_TOKEN_LE:
        *op = MW_LUA_OP_LE;
        return TRUE;
      case MW_LUA_TOKEN_GT:
        *op = MW_LUA_OP_GT;
        return TRUE;
      case MW_LUA_TOKEN_GE:
        *op = MW_LUA_OP_GE;
        return TRUE;
      case MW_LUA_TOKEN_AND:
        *op = MW_LUA_OP_AND;
        return TRUE;
      case MW_LUA_TOKEN_OR:
        *op = MW_LUA_OP_OR;
        return TRUE;
      default:
        return FALSE;
    }
}

/* ORDER OPR: left and right priority of each binary operator */
static const struct
{
  guint8 left, right;
} priority[MW_LUA_OP_N_BINARY] = {
  { 6, 6 },  { 6, 6 }, { 7, 7 }, { 7, 7 }, { 7, 7 }, /* + - * / % */
  { 10, 9 }, { 5, 4 }, /* ^ .. (right associative) */
  { 3, 3 },  { 3, 3 }, /* ~= == */
  { 3, 3 },  { 3, 3 }, { 3, 3 }, { 3, 3 }, /* < <= > >= */
  { 2, 2 },  { 1, 1 }, /* and or */
};

#define UNARY_PRIORITY 8

/* subexpr -> (simpleexp | unop subexpr) { binop subexpr }
 * where binop is any binary operator with a priority higher than `limit`.
 * Returns the first operator not consumed (or -1). */
static int
subexpr (Parser *p, MwLuaNode **out, guint limit)
{
  MwLuaNode *v;
  MwLuaUnOp uop;
  MwLuaBinOp op;
  gboolean has_op;

  if (!enterlevel (p))
    {
      *out = new_node (p, MW_LUA_NODE_NIL, p->cur);
      return -1;
    }
  if (unary_op (tk (p), &uop))
    {
      v = new_node (p, MW_LUA_NODE_UNOP, p->cur);
      v->op = uop;
      next (p);
      subexpr (p, &v->kids[0], UNARY_PRIORITY);
      finish (p, v);
    }
  else
    v = simpleexp (p);

  has_op = binary_op (tk (p), &op);
  while (has_op && priority[op].left > limit && !p->failed)
    {
      MwLuaNode *b = new_node (p, MW_LUA_NODE_BINOP, p->cur);
      int nextop;

      b->op = op;
      b->first = v->first;
      b->kids[0] = v;
      next (p);
      nextop = subexpr (p, &b->kids[1], priority[op].right);
      v = finish (p, b);
      has_op = nextop >= 0;
      op = (MwLuaBinOp) nextop;
    }
  leavelevel (p);
  *out = v;
  return has_op ? (int) op : -1;
}

static void
expr (Parser *p, MwLuaNode **out)
{
  subexpr (p, out, 0);
}

/* --- statements -------------------------------------------------------------------------- */

static gboolean statement (Parser *p, MwLuaNode **out);

/* chunk -> { stat [';'] } */
static MwLuaNode *
chunk (Parser *p)
{
  MwLuaNode *b = new_node (p, MW_LUA_NODE_BLOCK, p->cur);
  MwLuaNode **tail = &b->kids[0];
  gboolean islast = FALSE;

  if (!enterlevel (p))
    return b;
  while (!islast && !block_follow (tk (p)))
    {
      MwLuaNode *s = NULL;
      islast = statement (p, &s);
      if (s != NULL)
        {
          *tail = s;
          tail = &s->next;
        }
      testnext (p, MW_LUA_TOKEN_SEMICOLON);
    }
  leavelevel (p);
  b->last = p->cur > b->first ? p->cur - 1 : b->first;
  if (b->kids[0] == NULL)
    b->last = b->first; /* an empty block: a zero-width position before its first token */
  return b;
}

/* block -> chunk */
static void
block (Parser *p, MwLuaNode **out)
{
  BlockScope bl;

  enterblock (p, &bl, FALSE);
  *out = chunk (p);
  leaveblock (p);
}

/* cond -> exp */
static MwLuaNode *
cond (Parser *p)
{
  MwLuaNode *n;
  expr (p, &n);
  return n;
}

/* restassign -> ',' primaryexp restassign | '=' explist1 */
static void
restassign (Parser *p, MwLuaNode *stat, MwLuaNode **tail, MwLuaNode *target, guint nvars)
{
  if (target->kind != MW_LUA_NODE_NAME && target->kind != MW_LUA_NODE_INDEX)
    {
      syntax_error (p, "syntax error");
      return;
    }
  mark_write (p, target);
  *tail = target;
  if (testnext (p, MW_LUA_TOKEN_COMMA))
    {
      MwLuaNode *nv = primaryexp (p);
      if (p->failed)
        return;
      if (nvars > MW_LUA_MAX_CCALLS - p->nccalls)
        {
          errorlimit (p, p->fs, MW_LUA_MAX_CCALLS - p->nccalls, "variables in assignment");
          return;
        }
      restassign (p, stat, &target->next, nv, nvars + 1);
    }
  else
    {
      checknext (p, MW_LUA_TOKEN_ASSIGN);
      stat->kids[1] = explist1 (p);
    }
}

/* exprstat -> func | assignment */
static MwLuaNode *
exprstat (Parser *p)
{
  guint first = p->cur;
  MwLuaNode *v = primaryexp (p);
  MwLuaNode *s;

  if (v->kind == MW_LUA_NODE_CALL || v->kind == MW_LUA_NODE_METHCALL)
    {
      s = new_node (p, MW_LUA_NODE_CALLSTAT, first);
      s->kids[0] = v;
      return finish (p, s);
    }
  s = new_node (p, MW_LUA_NODE_ASSIGN, first);
  restassign (p, s, &s->kids[0], v, 1);
  return finish (p, s);
}

/* ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END */
static MwLuaNode *
ifstat (Parser *p, guint32 line)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_IF, p->cur);
  MwLuaNode **tail = &s->kids[0];

  do
    {
      /* test_then_block -> [IF | ELSEIF] cond THEN block */
      MwLuaNode *c = new_node (p, MW_LUA_NODE_IF_CLAUSE, p->cur);
      next (p);
      c->kids[0] = cond (p);
      checknext (p, MW_LUA_TOKEN_THEN);
      block (p, &c->kids[1]);
      *tail = finish (p, c);
      tail = &c->next;
    }
  while (tk (p) == MW_LUA_TOKEN_ELSEIF);
  if (testnext (p, MW_LUA_TOKEN_ELSE))
    block (p, &s->kids[1]);
  check_match (p, MW_LUA_TOKEN_END, MW_LUA_TOKEN_IF, line);
  return finish (p, s);
}

/* whilestat -> WHILE cond DO block END */
static MwLuaNode *
whilestat (Parser *p, guint32 line)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_WHILE, p->cur);
  BlockScope bl;

  next (p);
  s->kids[0] = cond (p);
  enterblock (p, &bl, TRUE);
  checknext (p, MW_LUA_TOKEN_DO);
  block (p, &s->kids[1]);
  check_match (p, MW_LUA_TOKEN_END, MW_LUA_TOKEN_WHILE, line);
  leaveblock (p);
  return finish (p, s);
}

/* repeatstat -> REPEAT block UNTIL cond */
static MwLuaNode *
repeatstat (Parser *p, guint32 line)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_REPEAT, p->cur);
  BlockScope loop, scope;

  enterblock (p, &loop, TRUE);
  enterblock (p, &scope, FALSE);
  next (p);
  s->kids[0] = chunk (p);
  check_match (p, MW_LUA_TOKEN_UNTIL, MW_LUA_TOKEN_REPEAT, line);
  s->kids[1] = cond (p); /* the body's locals are still visible here */
  leaveblock (p);
  leaveblock (p);
  return finish (p, s);
}

/* forbody -> DO block */
static void
forbody (Parser *p, MwLuaNode *s, guint nvars)
{
  BlockScope bl;

  adjustlocalvars (p, 3); /* the hidden control variables */
  checknext (p, MW_LUA_TOKEN_DO);
  enterblock (p, &bl, FALSE);
  adjustlocalvars (p, nvars);
  block (p, &s->u.body);
  leaveblock (p);
}

static MwLuaVar *
hidden_var (Parser *p, const char *name, guint n)
{
  return new_localvar (p, mw_lua_tree_intern (p->tree, name, strlen (name)), MW_LUA_VAR_HIDDEN,
                       G_MAXUINT32, n);
}

/* fornum -> NAME = exp1,exp1[,exp1] forbody */
static void
fornum (Parser *p, MwLuaNode *s, guint name_token)
{
  s->kind = MW_LUA_NODE_NUMFOR;
  hidden_var (p, "(for index)", 0);
  hidden_var (p, "(for limit)", 1);
  hidden_var (p, "(for step)", 2);
  new_localvar (p, intern_token (p, name_token), MW_LUA_VAR_FOR, name_token, 3);
  s->kids[0] = new_node (p, MW_LUA_NODE_NAME, name_token);
  s->kids[0]->u.var = p->tree->token_vars[name_token];
  checknext (p, MW_LUA_TOKEN_ASSIGN);
  expr (p, &s->kids[1]);
  checknext (p, MW_LUA_TOKEN_COMMA);
  expr (p, &s->kids[2]);
  if (testnext (p, MW_LUA_TOKEN_COMMA))
    expr (p, &s->kids[3]);
  if (p->failed)
    return;
  forbody (p, s, 1);
}

/* forlist -> NAME {,NAME} IN explist1 forbody */
static void
forlist (Parser *p, MwLuaNode *s, guint name_token)
{
  guint nvars = 0;
  MwLuaNode **tail = &s->kids[0];

  s->kind = MW_LUA_NODE_GENFOR;
  hidden_var (p, "(for generator)", nvars++);
  hidden_var (p, "(for state)", nvars++);
  hidden_var (p, "(for control)", nvars++);
  new_localvar (p, intern_token (p, name_token), MW_LUA_VAR_FOR, name_token, nvars++);
  *tail = new_node (p, MW_LUA_NODE_NAME, name_token);
  (*tail)->u.var = p->tree->token_vars[name_token];
  tail = &(*tail)->next;
  while (!p->failed && testnext (p, MW_LUA_TOKEN_COMMA))
    {
      check (p, MW_LUA_TOKEN_NAME);
      if (p->failed)
        return;
      {
        guint name = p->cur;
        next (p);
        new_localvar (p, intern_token (p, name), MW_LUA_VAR_FOR, name, nvars++);
        *tail = new_node (p, MW_LUA_NODE_NAME, name);
        (*tail)->u.var = p->tree->token_vars[name];
        tail = &(*tail)->next;
      }
    }
  checknext (p, MW_LUA_TOKEN_IN);
  s->kids[1] = explist1 (p);
  if (p->failed)
    return;
  forbody (p, s, nvars - 3);
}

/* forstat -> FOR (fornum | forlist) END */
static MwLuaNode *
forstat (Parser *p, guint32 line)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_NUMFOR, p->cur);
  BlockScope bl;
  guint name_token;

  enterblock (p, &bl, TRUE);
  next (p);
  check (p, MW_LUA_TOKEN_NAME);
  name_token = p->cur;
  next (p);
  switch (tk (p))
    {
      case MW_LUA_TOKEN_ASSIGN:
        fornum (p, s, name_token);
        break;
      case MW_LUA_TOKEN_COMMA:
      case MW_LUA_TOKEN_IN:
        forlist (p, s, name_token);
        break;
      default:
        syntax_error (p, "'=' or 'in' expected");
        break;
    }
  check_match (p, MW_LUA_TOKEN_END, MW_LUA_TOKEN_FOR, line);
  leaveblock (p);
  return finish (p, s);
}

/* funcname -> NAME {field} [':' NAME] */
static MwLuaNode *
funcname (Parser *p, gboolean *needself)
{
  MwLuaNode *v = singlevar (p);

  *needself = FALSE;
  while (!p->failed && tk (p) == MW_LUA_TOKEN_DOT)
    v = field (p, v);
  if (!p->failed && tk (p) == MW_LUA_TOKEN_COLON)
    {
      *needself = TRUE;
      v = field (p, v);
    }
  return v;
}

/* funcstat -> FUNCTION funcname body */
static MwLuaNode *
funcstat (Parser *p, guint32 line)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_FUNCSTAT, p->cur);
  gboolean needself;
  guint first = p->cur;

  next (p);
  s->kids[0] = funcname (p, &needself);
  if (p->failed)
    return s;
  if (needself)
    s->flags |= MW_LUA_NODE_FLAG_METHOD;
  if (s->kids[0]->kind == MW_LUA_NODE_NAME)
    mark_write (p, s->kids[0]);
  s->kids[1] = body (p, needself, line, first);
  return finish (p, s);
}

/* localfunc -> LOCAL FUNCTION NAME body */
static MwLuaNode *
localfunc (Parser *p, guint first)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_LOCALFUNC, first);
  MwLuaVar *var;

  check (p, MW_LUA_TOKEN_NAME);
  if (p->failed)
    return s;
  {
    guint name = p->cur;
    next (p);
    var = new_localvar (p, intern_token (p, name), MW_LUA_VAR_LOCALFUNC, name, 0);
    s->kids[0] = new_node (p, MW_LUA_NODE_NAME, name);
    s->kids[0]->u.var = var;
  }
  if (p->failed)
    return s;
  adjustlocalvars (p, 1);
  s->kids[1] = body (p, FALSE, linenumber (p), first);
  return finish (p, s);
}

/* localstat -> LOCAL NAME {',' NAME} ['=' explist1] */
static MwLuaNode *
localstat (Parser *p, guint first)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_LOCAL, first);
  MwLuaNode **tail = &s->kids[0];
  guint nvars = 0;

  do
    {
      MwLuaVar *var;
      check (p, MW_LUA_TOKEN_NAME);
      if (p->failed)
        return s;
      {
        guint name = p->cur;
        next (p);
        var = new_localvar (p, intern_token (p, name), MW_LUA_VAR_LOCAL, name, nvars++);
        *tail = new_node (p, MW_LUA_NODE_NAME, name);
        (*tail)->u.var = var;
        tail = &(*tail)->next;
      }
    }
  while (!p->failed && testnext (p, MW_LUA_TOKEN_COMMA));
  if (testnext (p, MW_LUA_TOKEN_ASSIGN))
    s->kids[1] = explist1 (p);
  if (p->failed)
    return s;
  adjustlocalvars (p, nvars);
  return finish (p, s);
}

/* retstat -> RETURN explist */
static MwLuaNode *
retstat (Parser *p)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_RETURN, p->cur);

  next (p);
  if (!block_follow (tk (p)) && tk (p) != MW_LUA_TOKEN_SEMICOLON)
    s->kids[0] = explist1 (p);
  return finish (p, s);
}

/* breakstat -> BREAK */
static MwLuaNode *
breakstat (Parser *p)
{
  MwLuaNode *s = new_node (p, MW_LUA_NODE_BREAK, p->cur);
  BlockScope *bl = p->fs->bl;

  next (p);
  while (bl != NULL && !bl->breakable)
    bl = bl->prev;
  if (bl == NULL)
    syntax_error (p, "no loop to break");
  return finish (p, s);
}

static gboolean
statement (Parser *p, MwLuaNode **out)
{
  guint32 line = linenumber (p);

  switch (tk (p))
    {
      case MW_LUA_TOKEN_IF:
        *out = ifstat (p, line);
        return FALSE;
      case MW_LUA_TOKEN_WHILE:
        *out = whilestat (p, line);
        return FALSE;
      case MW_LUA_TOKEN_DO:
        {
          MwLuaNode *s = new_node (p, MW_LUA_NODE_DO, p->cur);
          next (p);
          block (p, &s->kids[0]);
          check_match (p, MW_LUA_TOKEN_END, MW_LUA_TOKEN_DO, line);
          *out = finish (p, s);
          return FALSE;
        }
      case MW_LUA_TOKEN_FOR:
        *out = forstat (p, line);
        return FALSE;
      case MW_LUA_TOKEN_REPEAT:
        *out = repeatstat (p, line);
        return FALSE;
      case MW_LUA_TOKEN_FUNCTION:
        *out = funcstat (p, line);
        return FALSE;
      case MW_LUA_TOKEN_LOCAL:
        {
          guint first = p->cur;
          next (p);
          if (testnext (p, MW_LUA_TOKEN_FUNCTION))
            *out = localfunc (p, first);
          else
            *out = localstat (p, first);
          return FALSE;
        }
      case MW_LUA_TOKEN_RETURN:
        *out = retstat (p);
        return TRUE;
      case MW_LUA_TOKEN_BREAK:
        *out = breakstat (p);
        return TRUE;
      default:
        *out = exprstat (p);
        return FALSE;
    }
}

gboolean
mw_lua_parser_run (MwLuaTree *tree)
{
  Parser p = { 0 };
  FuncState fs;
  MwLuaFunction *main_f;

  p.tree = tree;
  p.toks = (const MwLuaToken *) (gpointer) tree->lex.tokens->data;
  p.ntok = tree->lex.tokens->len;
  /* luac parses inside lua_cpcall: one C call is already on the stack */
  p.nccalls = 1;

  main_f = open_func (&p, &fs, NULL);
  main_f->is_vararg = TRUE;
  tree->main = main_f;
  reach (&p, 0);
  tree->root = chunk (&p);
  main_f->body = tree->root;
  main_f->last_token = p.cur;
  check (&p, MW_LUA_TOKEN_EOF);
  close_func (&p);

  if (p.failed)
    tree->root = NULL;
  return !p.failed;
}
