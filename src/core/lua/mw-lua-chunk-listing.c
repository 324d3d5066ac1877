/* mw-lua-chunk-listing.c: luac-style listings of a chunk, and finding where a constant is
 * used. Instruction decoding follows Lua 5.1's lopcodes.h (the firmware's VM is 5.1). */
#include "mw-lua-compiler.h"
#include "mw-lua-opcodes.h"

/* Lua 5.1 instruction fields: op 6 bits, A 8, C 9, B 9 (Bx = B:C, 18 bits). */
#define OP(i) ((i) &0x3f)
#define ARG_A(i) (((i) >> 6) & 0xff)
#define ARG_C(i) (((i) >> 14) & 0x1ff)
#define ARG_B(i) (((i) >> 23) & 0x1ff)
#define ARG_BX(i) ((i) >> 14)
#define ARG_SBX(i) ((int) ARG_BX (i) - 131071)
#define BIT_RK 0x100
#define IS_K(x) ((x) &BIT_RK)
#define INDEX_K(x) ((x) & ~BIT_RK)

typedef enum
{
  MODE_ABC,
  MODE_ABX,
  MODE_ASBX
} OpMode;
typedef enum
{
  ARG_N,
  ARG_U,
  ARG_R,
  ARG_K
} ArgMode;

typedef struct
{
  const char *name;
  OpMode mode;
  ArgMode b, c;
} OpInfo;

static const OpInfo ops[N_OPCODES] = {
  [OP_MOVE] = { "MOVE", MODE_ABC, ARG_R, ARG_N },
  [OP_LOADK] = { "LOADK", MODE_ABX, ARG_K, ARG_N },
  [OP_LOADBOOL] = { "LOADBOOL", MODE_ABC, ARG_U, ARG_U },
  [OP_LOADNIL] = { "LOADNIL", MODE_ABC, ARG_R, ARG_N },
  [OP_GETUPVAL] = { "GETUPVAL", MODE_ABC, ARG_U, ARG_N },
  [OP_GETGLOBAL] = { "GETGLOBAL", MODE_ABX, ARG_K, ARG_N },
  [OP_GETTABLE] = { "GETTABLE", MODE_ABC, ARG_R, ARG_K },
  [OP_SETGLOBAL] = { "SETGLOBAL", MODE_ABX, ARG_K, ARG_N },
  [OP_SETUPVAL] = { "SETUPVAL", MODE_ABC, ARG_U, ARG_N },
  [OP_SETTABLE] = { "SETTABLE", MODE_ABC, ARG_K, ARG_K },
  [OP_NEWTABLE] = { "NEWTABLE", MODE_ABC, ARG_U, ARG_U },
  [OP_SELF] = { "SELF", MODE_ABC, ARG_R, ARG_K },
  [OP_ADD] = { "ADD", MODE_ABC, ARG_K, ARG_K },
  [OP_SUB] = { "SUB", MODE_ABC, ARG_K, ARG_K },
  [OP_MUL] = { "MUL", MODE_ABC, ARG_K, ARG_K },
  [OP_DIV] = { "DIV", MODE_ABC, ARG_K, ARG_K },
  [OP_MOD] = { "MOD", MODE_ABC, ARG_K, ARG_K },
  [OP_POW] = { "POW", MODE_ABC, ARG_K, ARG_K },
  [OP_UNM] = { "UNM", MODE_ABC, ARG_R, ARG_N },
  [OP_NOT] = { "NOT", MODE_ABC, ARG_R, ARG_N },
  [OP_LEN] = { "LEN", MODE_ABC, ARG_R, ARG_N },
  [OP_CONCAT] = { "CONCAT", MODE_ABC, ARG_R, ARG_R },
  [OP_JMP] = { "JMP", MODE_ASBX, ARG_R, ARG_N },
  [OP_EQ] = { "EQ", MODE_ABC, ARG_K, ARG_K },
  [OP_LT] = { "LT", MODE_ABC, ARG_K, ARG_K },
  [OP_LE] = { "LE", MODE_ABC, ARG_K, ARG_K },
  [OP_TEST] = { "TEST", MODE_ABC, ARG_R, ARG_U },
  [OP_TESTSET] = { "TESTSET", MODE_ABC, ARG_R, ARG_U },
  [OP_CALL] = { "CALL", MODE_ABC, ARG_U, ARG_U },
  [OP_TAILCALL] = { "TAILCALL", MODE_ABC, ARG_U, ARG_U },
  [OP_RETURN] = { "RETURN", MODE_ABC, ARG_U, ARG_N },
  [OP_FORLOOP] = { "FORLOOP", MODE_ASBX, ARG_R, ARG_N },
  [OP_FORPREP] = { "FORPREP", MODE_ASBX, ARG_R, ARG_N },
  [OP_TFORLOOP] = { "TFORLOOP", MODE_ABC, ARG_N, ARG_U },
  [OP_SETLIST] = { "SETLIST", MODE_ABC, ARG_U, ARG_U },
  [OP_CLOSE] = { "CLOSE", MODE_ABC, ARG_N, ARG_N },
  [OP_CLOSURE] = { "CLOSURE", MODE_ABX, ARG_U, ARG_N },
  [OP_VARARG] = { "VARARG", MODE_ABC, ARG_U, ARG_N },
};

int
mw_lua_compiler_find_constant_use (const MwLuaProto *f, guint k)
{
  g_return_val_if_fail (f != NULL, -1);
  for (guint pc = 0; pc < f->n_code; pc++)
    {
      guint32 i = f->code[pc];
      guint op = OP (i);

      if (op >= N_OPCODES)
        continue;
      if (ops[op].mode == MODE_ABX && ops[op].b == ARG_K && ARG_BX (i) == k)
        return (int) pc;
      if (ops[op].mode == MODE_ABC
          && ((ops[op].b == ARG_K && IS_K (ARG_B (i)) && INDEX_K (ARG_B (i)) == k)
              || (ops[op].c == ARG_K && IS_K (ARG_C (i)) && INDEX_K (ARG_C (i)) == k)))
        return (int) pc;
      /* SETLIST with C = 0 keeps its count in the next word, which is no instruction */
      if (op == OP_SETLIST && ARG_C (i) == 0)
        pc++;
    }
  return -1;
}

/* ---------------------------------------------------------------------------------------- */
/* listing, in the format of Lua 5.1's luac -l (print.c) */

static void
list_string (GString *out, const MwLuaString *s)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < s->len; i++)
    {
      guchar c = s->data[i];
      switch (c)
        {
          case '"':
            g_string_append (out, "\\\"");
            break;
          case '\\':
            g_string_append (out, "\\\\");
            break;
          case '\a':
            g_string_append (out, "\\a");
            break;
          case '\b':
            g_string_append (out, "\\b");
            break;
          case '\f':
            g_string_append (out, "\\f");
            break;
          case '\n':
            g_string_append (out, "\\n");
            break;
          case '\r':
            g_string_append (out, "\\r");
            break;
          case '\t':
            g_string_append (out, "\\t");
            break;
          case '\v':
            g_string_append (out, "\\v");
            break;
          default:
            if (g_ascii_isprint (c))
              g_string_append_c (out, c);
            else
              g_string_append_printf (out, "\\%03u", c);
        }
    }
  g_string_append_c (out, '"');
}

static void
list_constant (GString *out, const MwLuaProto *f, guint k)
{
  const MwLuaConstant *c;

  if (k >= f->n_constants)
    {
      g_string_append (out, "?");
      return;
    }
  c = &f->constants[k];
  switch (c->type)
    {
      case MW_LUA_CONSTANT_NIL:
        g_string_append (out, "nil");
        break;
      case MW_LUA_CONSTANT_BOOLEAN:
        g_string_append (out, c->boolean ? "true" : "false");
        break;
      case MW_LUA_CONSTANT_NUMBER:
        g_string_append_printf (out, "%.14g", c->number);
        break;
      case MW_LUA_CONSTANT_STRING:
        list_string (out, &c->string);
        break;
      default:
        g_string_append_printf (out, "? type=%d", c->type);
    }
}

static const char *
plural (guint n)
{
  return n == 1 ? "" : "s";
}

typedef struct
{
  GString *out;
  gboolean full;
  guint next_id;
} Lister;

static void
list_function (Lister *l, const MwLuaProto *f, const MwLuaString *parent_source)
{
  const MwLuaString *src = f->source.data != NULL ? &f->source : parent_source;
  const char *s = src != NULL && src->data != NULL ? src->data : "=?";
  guint id = ++l->next_id;
  guint first_child = l->next_id + 1;
  GString *out = l->out;

  if (*s == '@' || *s == '=')
    s++;
  else if (*s == 0x1b)
    s = "(bstring)";
  else
    s = "(string)";
  g_string_append_printf (out, "\n%s <%s:%d,%d> (%u instruction%s, %u bytes at #%u)\n",
                          f->linedefined == 0 ? "main" : "function", s, f->linedefined,
                          f->lastlinedefined, f->n_code, plural (f->n_code), f->n_code * 4, id);
  g_string_append_printf (out, "%u%s param%s, %u slot%s, %u upvalue%s, ", f->numparams,
                          f->is_vararg ? "+" : "", plural (f->numparams), f->maxstacksize,
                          plural (f->maxstacksize), f->nups, plural (f->nups));
  g_string_append_printf (out, "%u local%s, %u constant%s, %u function%s\n", f->n_locvars,
                          plural (f->n_locvars), f->n_constants, plural (f->n_constants),
                          f->n_protos, plural (f->n_protos));

  for (guint pc = 0; pc < f->n_code; pc++)
    {
      guint32 i = f->code[pc];
      guint op = OP (i);
      int a = ARG_A (i), b = ARG_B (i), c = ARG_C (i), bx = ARG_BX (i), sbx = ARG_SBX (i);
      int line = pc < f->n_lineinfo ? f->lineinfo[pc] : 0;

      g_string_append_printf (out, "\t%u\t", pc + 1);
      if (line > 0)
        g_string_append_printf (out, "[%d]\t", line);
      else
        g_string_append (out, "[-]\t");
      if (op >= N_OPCODES)
        {
          g_string_append_printf (out, "%-9s\t0x%08x\n", "?", i);
          continue;
        }
      g_string_append_printf (out, "%-9s\t", ops[op].name);
      switch (ops[op].mode)
        {
          case MODE_ABC:
            g_string_append_printf (out, "%d", a);
            if (ops[op].b != ARG_N)
              g_string_append_printf (out, " %d", IS_K (b) ? -1 - INDEX_K (b) : b);
            if (ops[op].c != ARG_N)
              g_string_append_printf (out, " %d", IS_K (c) ? -1 - INDEX_K (c) : c);
            break;
          case MODE_ABX:
            g_string_append_printf (out, "%d %d", a, ops[op].b == ARG_K ? -1 - bx : bx);
            break;
          case MODE_ASBX:
            if (op == OP_JMP)
              g_string_append_printf (out, "%d", sbx);
            else
              g_string_append_printf (out, "%d %d", a, sbx);
            break;
        }
      switch (op)
        {
          case OP_LOADK:
            g_string_append (out, "\t; ");
            list_constant (out, f, bx);
            break;
          case OP_GETUPVAL:
          case OP_SETUPVAL:
            g_string_append_printf (out, "\t; %s",
                                    f->n_upvalues > 0 && (guint) b < f->n_upvalues
                                        && f->upvalues[b].data != NULL
                                      ? f->upvalues[b].data
                                      : "-");
            break;
          case OP_GETGLOBAL:
          case OP_SETGLOBAL:
            g_string_append (out, "\t; ");
            if ((guint) bx < f->n_constants && f->constants[bx].type == MW_LUA_CONSTANT_STRING)
              g_string_append (out, f->constants[bx].string.data);
            else
              g_string_append (out, "?");
            break;
          case OP_GETTABLE:
          case OP_SELF:
            if (IS_K (c))
              {
                g_string_append (out, "\t; ");
                list_constant (out, f, INDEX_K (c));
              }
            break;
          /* as luac 5.1, which leaves MOD out of this list */
          case OP_SETTABLE:
          case OP_ADD:
          case OP_SUB:
          case OP_MUL:
          case OP_DIV:
          case OP_POW:
          case OP_EQ:
          case OP_LT:
          case OP_LE:
            if (IS_K (b) || IS_K (c))
              {
                g_string_append (out, "\t; ");
                if (IS_K (b))
                  list_constant (out, f, INDEX_K (b));
                else
                  g_string_append (out, "-");
                g_string_append (out, " ");
                if (IS_K (c))
                  list_constant (out, f, INDEX_K (c));
                else
                  g_string_append (out, "-");
              }
            break;
          case OP_JMP:
          case OP_FORLOOP:
          case OP_FORPREP:
            g_string_append_printf (out, "\t; to %d", sbx + (int) pc + 2);
            break;
          case OP_CLOSURE:
            {
              /* the number the nested function gets in this listing (pre-order) */
              guint target = first_child;
              for (int p = 0; p < bx && (guint) p < f->n_protos; p++)
                target += mw_lua_proto_count (f->protos[p]);
              g_string_append_printf (out, "\t; #%u", target);
            }
            break;
          case OP_SETLIST:
            if (c == 0 && pc + 1 < f->n_code)
              g_string_append_printf (out, "\t; %d", (int) f->code[++pc]);
            else
              g_string_append_printf (out, "\t; %d", c);
            break;
          default:
            break;
        }
      g_string_append_c (out, '\n');
    }

  if (l->full)
    {
      g_string_append_printf (out, "constants (%u) for #%u:\n", f->n_constants, id);
      for (guint k = 0; k < f->n_constants; k++)
        {
          g_string_append_printf (out, "\t%u\t", k + 1);
          list_constant (out, f, k);
          g_string_append_c (out, '\n');
        }
      g_string_append_printf (out, "locals (%u) for #%u:\n", f->n_locvars, id);
      for (guint v = 0; v < f->n_locvars; v++)
        g_string_append_printf (out, "\t%u\t%s\t%d\t%d\n", v,
                                f->locvars[v].name.data ? f->locvars[v].name.data : "",
                                f->locvars[v].startpc + 1, f->locvars[v].endpc + 1);
      g_string_append_printf (out, "upvalues (%u) for #%u:\n", f->n_upvalues, id);
      for (guint u = 0; u < f->n_upvalues; u++)
        g_string_append_printf (out, "\t%u\t%s\n", u,
                                f->upvalues[u].data ? f->upvalues[u].data : "");
    }
  for (guint p = 0; p < f->n_protos; p++)
    list_function (l, f->protos[p], src);
}

char *
mw_lua_compiler_list (MwLuaChunk *chunk, gboolean full)
{
  Lister l = { g_string_new (NULL), full, 0 };

  g_return_val_if_fail (chunk != NULL, NULL);
  list_function (&l, mw_lua_chunk_get_main (chunk), NULL);
  return g_string_free (l.out, FALSE);
}
