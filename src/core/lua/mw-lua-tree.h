/* mw-lua-tree.h: a parsed and resolved Lua 5.1 chunk.
 *
 * MwLuaTree owns a copy of the source, its tokens (with trivia, so the file can be printed back
 * exactly), the syntax tree, and the scopes: every name occurrence is resolved to a local
 * (MwLuaVar, possibly reached as an upvalue) or to a global, exactly as Lua 5.1's parser
 * resolves it. Parsing stops at the first syntax error, as Lua does; the tree then has no root
 * but still has its tokens and the error diagnostic.
 *
 * Nodes, functions and variables are plain structs allocated with the tree and valid while it
 * lives. Consumers (minifier, linter, editor) read them directly.
 */
#pragma once

#include <glib.h>

#include "mw-lua-diagnostic.h"
#include "mw-lua-lexer.h"

G_BEGIN_DECLS

/* Hard limits: desktop Lua 5.1 and the NodeMCU firmware (docs/firmware.md section 3). */
#define MW_LUA_MAX_VARS 200 /* LUAI_MAXVARS of desktop Lua 5.1 */
#define MW_LUA_FIRMWARE_MAX_VARS 50 /* LUAI_MAXVARS of the NodeMCU build */
#define MW_LUA_MAX_UPVALUES 60 /* LUAI_MAXUPVALUES, the same on both */
#define MW_LUA_MAX_CCALLS 200 /* LUAI_MAXCCALLS: syntax nesting */

/* ORDER MW_LUA_NODE: keep mw_lua_node_kind_names[] in mw-lua-tree.c in the same order. */
typedef enum
{
  /* statements; `next` links a block's statements */
  MW_LUA_NODE_BLOCK, /* kids[0]: first statement */
  MW_LUA_NODE_LOCAL, /* kids[0]: NAME list (declarations), kids[1]: expression list */
  MW_LUA_NODE_ASSIGN, /* kids[0]: target list, kids[1]: expression list */
  MW_LUA_NODE_CALLSTAT, /* kids[0]: CALL or METHCALL */
  MW_LUA_NODE_DO, /* kids[0]: BLOCK */
  MW_LUA_NODE_WHILE, /* kids[0]: condition, kids[1]: BLOCK */
  MW_LUA_NODE_REPEAT, /* kids[0]: BLOCK, kids[1]: condition (inside the block's scope) */
  MW_LUA_NODE_IF, /* kids[0]: first IF_CLAUSE, kids[1]: else BLOCK or NULL */
  MW_LUA_NODE_IF_CLAUSE, /* kids[0]: condition, kids[1]: BLOCK; `next`: next elseif */
  MW_LUA_NODE_NUMFOR, /* kids[0]: NAME, kids[1..3]: start, limit, step (or NULL); body in u */
  MW_LUA_NODE_GENFOR, /* kids[0]: NAME list, kids[1]: expression list; body in u */
  MW_LUA_NODE_FUNCSTAT, /* kids[0]: name expression (NAME/INDEX chain), kids[1]: FUNCTION */
  MW_LUA_NODE_LOCALFUNC, /* kids[0]: NAME (declaration), kids[1]: FUNCTION */
  MW_LUA_NODE_RETURN, /* kids[0]: expression list */
  MW_LUA_NODE_BREAK,
  /* expressions; `next` links expression lists */
  MW_LUA_NODE_NIL,
  MW_LUA_NODE_TRUE,
  MW_LUA_NODE_FALSE,
  MW_LUA_NODE_VARARG,
  MW_LUA_NODE_NUMBER, /* token: the numeral */
  MW_LUA_NODE_STRING, /* token: the string */
  MW_LUA_NODE_FUNCTION, /* u.func; kids[0]: body BLOCK */
  MW_LUA_NODE_TABLE, /* kids[0]: first field */
  MW_LUA_NODE_FIELD_POS, /* kids[0]: value */
  MW_LUA_NODE_FIELD_NAMED, /* token: the name; kids[0]: value */
  MW_LUA_NODE_FIELD_KEYED, /* kids[0]: key, kids[1]: value */
  MW_LUA_NODE_BINOP, /* op: MwLuaBinOp; kids[0], kids[1] */
  MW_LUA_NODE_UNOP, /* op: MwLuaUnOp; kids[0] */
  MW_LUA_NODE_PAREN, /* kids[0]: the expression (truncates to one value) */
  MW_LUA_NODE_NAME, /* token: the name; u.var: the local, or NULL for a global */
  MW_LUA_NODE_INDEX, /* kids[0]: object, kids[1]: key expression; with flag DOT (`a.b`)
                      * kids[1] is NULL and token is the field's NAME token */
  MW_LUA_NODE_CALL, /* kids[0]: function, kids[1]: first argument */
  MW_LUA_NODE_METHCALL, /* kids[0]: object, token: method name, kids[1]: first argument */
  MW_LUA_NODE_N_KINDS
} MwLuaNodeKind;

/* ORDER OPR: as Lua's BinOpr */
typedef enum
{
  MW_LUA_OP_ADD,
  MW_LUA_OP_SUB,
  MW_LUA_OP_MUL,
  MW_LUA_OP_DIV,
  MW_LUA_OP_MOD,
  MW_LUA_OP_POW,
  MW_LUA_OP_CONCAT,
  MW_LUA_OP_NE,
  MW_LUA_OP_EQ,
  MW_LUA_OP_LT,
  MW_LUA_OP_LE,
  MW_LUA_OP_GT,
  MW_LUA_OP_GE,
  MW_LUA_OP_AND,
  MW_LUA_OP_OR,
  MW_LUA_OP_N_BINARY
} MwLuaBinOp;

typedef enum
{
  MW_LUA_OP_MINUS,
  MW_LUA_OP_NOT,
  MW_LUA_OP_LEN,
} MwLuaUnOp;

typedef enum
{
  MW_LUA_NODE_FLAG_DOT = 1 << 0, /* INDEX written `a.b` */
  MW_LUA_NODE_FLAG_METHOD = 1 << 1, /* FUNCSTAT `function a:b()` */
  MW_LUA_NODE_FLAG_STRARG = 1 << 2, /* CALL/METHCALL with a string argument `f"x"` */
  MW_LUA_NODE_FLAG_TABLEARG = 1 << 3, /* CALL/METHCALL with a table argument `f{...}` */
} MwLuaNodeFlags;

typedef struct _MwLuaNode MwLuaNode;
typedef struct _MwLuaVar MwLuaVar;
typedef struct _MwLuaFunction MwLuaFunction;

struct _MwLuaNode
{
  guint8 kind; /* MwLuaNodeKind */
  guint8 op; /* MwLuaBinOp or MwLuaUnOp */
  guint16 flags; /* MwLuaNodeFlags */
  guint32 token; /* the node's main token (name, literal, operator or keyword) */
  guint32 first; /* first token of the node */
  guint32 last; /* last token of the node */
  MwLuaNode *next; /* next statement, expression, field or clause in a list */
  MwLuaNode *kids[4];
  union
  {
    MwLuaVar *var; /* NAME */
    MwLuaFunction *func; /* FUNCTION */
    MwLuaNode *body; /* NUMFOR, GENFOR: the loop's BLOCK */
  } u;
};

typedef enum
{
  MW_LUA_VAR_LOCAL, /* local x */
  MW_LUA_VAR_LOCALFUNC, /* local function x */
  MW_LUA_VAR_PARAM, /* a named parameter */
  MW_LUA_VAR_SELF, /* the implicit `self` of `function a:b()` */
  MW_LUA_VAR_ARG, /* the implicit `arg` of a vararg function (LUA_COMPAT_VARARG) */
  MW_LUA_VAR_FOR, /* a loop variable of a numeric or generic for */
  MW_LUA_VAR_HIDDEN, /* the loop's internal state, "(for index)" and the like */
} MwLuaVarKind;

struct _MwLuaVar
{
  const char *name; /* interned in the tree: equal names are equal pointers */
  MwLuaFunction *func; /* the function that declares it */
  MwLuaVarKind kind;
  guint32 index; /* position in func->vars (Lua's locvars order) */
  guint32 decl_token; /* the declaring NAME token; G_MAXUINT32 for implicit ones */
  guint32 scope_start; /* first token where the name refers to this variable */
  guint32 scope_end; /* last token of its scope (end of the enclosing block) */
  guint32 n_reads; /* uses as a value */
  guint32 n_writes; /* assignments after the declaration */
  guint32 n_captures; /* uses from nested functions (as an upvalue) */
  guint32 last_ref; /* token of the last use, or decl_token when unused */
};

struct _MwLuaFunction
{
  MwLuaFunction *parent; /* NULL for the main chunk */
  MwLuaNode *node; /* the FUNCTION node; NULL for the main chunk */
  MwLuaNode *body; /* the body BLOCK */
  guint32 line_defined; /* as Lua's linedefined: 0 for the main chunk */
  guint32 last_line; /* as Lua's lastlinedefined: 0 for the main chunk */
  guint32 first_token; /* `function` keyword (0 for main) */
  guint32 last_token; /* `end` (the EOF token for main) */
  guint32 num_params; /* as Lua's numparams: named parameters and self, not arg */
  gboolean is_vararg;
  gboolean is_method; /* declared with `:`; has an implicit self */
  GPtrArray *vars; /* MwLuaVar*: every local in declaration order (Lua's locvars) */
  GPtrArray *upvalues; /* MwLuaVar*: captured outer locals, in Lua's upvalue order */
  GPtrArray *children; /* MwLuaFunction*: nested functions in source order */
  guint32 max_active; /* most locals active at once, hidden ones included */
};

/* A use of a global name. */
typedef struct
{
  const char *name; /* interned */
  guint32 token;
  MwLuaFunction *func; /* where the use is */
  gboolean write; /* an assignment target (SETGLOBAL), else a read (GETGLOBAL) */
} MwLuaGlobalRef;

typedef enum
{
  MW_LUA_PARSE_NONE = 0,
  MW_LUA_PARSE_SKIP_SHEBANG = 1 << 0, /* skip a first line starting with '#', as files are */
} MwLuaParseFlags;

typedef struct _MwLuaTree MwLuaTree;

MwLuaTree *mw_lua_tree_parse (const char *chunkname, const char *source, gssize length,
                              MwLuaParseFlags flags);
MwLuaTree *mw_lua_tree_ref (MwLuaTree *tree);
void mw_lua_tree_unref (MwLuaTree *tree);

/* TRUE when Lua 5.1 accepts the chunk (firmware-limit findings do not count). */
gboolean mw_lua_tree_is_valid (MwLuaTree *tree);
const char *mw_lua_tree_get_chunkname (MwLuaTree *tree);
const char *mw_lua_tree_get_source (MwLuaTree *tree, gsize *length);
const MwLuaToken *mw_lua_tree_get_tokens (MwLuaTree *tree, guint *n_tokens);
const MwLuaComment *mw_lua_tree_get_comments (MwLuaTree *tree, guint *n_comments);
guint32 mw_lua_tree_get_shebang_length (MwLuaTree *tree);
/* the main chunk's body, or NULL after a syntax error */
MwLuaNode *mw_lua_tree_get_root (MwLuaTree *tree);
MwLuaFunction *mw_lua_tree_get_main (MwLuaTree *tree);
/* every function in pre-order (main first), as luac -l lists them */
GPtrArray *mw_lua_tree_get_functions (MwLuaTree *tree);
/* MwLuaGlobalRef, in source order */
GArray *mw_lua_tree_get_globals (MwLuaTree *tree);
/* the local a NAME token declares or uses, or NULL */
MwLuaVar *mw_lua_tree_get_token_var (MwLuaTree *tree, guint token);
/* MwLuaDiagnostic*: the syntax error, if any, and firmware-limit findings */
GPtrArray *mw_lua_tree_get_diagnostics (MwLuaTree *tree);
/* The first error Lua itself reports, formatted `chunk:line: message`, or NULL. */
const MwLuaDiagnostic *mw_lua_tree_get_error (MwLuaTree *tree);

/* Token text helpers. */
const char *mw_lua_tree_token_text (MwLuaTree *tree, guint token, gsize *length);

const char *mw_lua_node_kind_to_string (MwLuaNodeKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwLuaTree, mw_lua_tree_unref)

G_END_DECLS
