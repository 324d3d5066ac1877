/* mw-lua-lint-hazards.c: the firmware developer FAQ's hazards (docs/firmware.md sections 2 and 5).
 *
 * W801 tmr.delay(); W802 more than one `:send(` in one run of a callback (or one in a loop);
 * W803 statements after node.restart() in the same block; W804 a string grown by
 * concatenation in a loop; W805 the static timer API removed in 2019; W806 an init.lua that
 * starts the application at once; W807 node.compile() on the device.
 */
#include "mw-lua-lint-private.h"

#include <string.h>

typedef struct
{
  MwLuaLintFile *file;
  MwLuaNode *start; /* init.lua: the first call that starts the application */
} Walk;

static gboolean
is_method (MwLuaLintFile *file, MwLuaNode *node, const char *name)
{
  gsize len;
  const char *s;

  if (node->kind != MW_LUA_NODE_METHCALL)
    return FALSE;
  s = mw_lua_tree_token_text (file->tree, node->token, &len);
  return len == strlen (name) && memcmp (s, name, len) == 0;
}

/* the same variable or field: `v` and `v`, `t.f` and `t.f` */
static gboolean
same_place (MwLuaLintFile *file, MwLuaNode *a, MwLuaNode *b)
{
  gsize la, lb;
  const char *sa, *sb;

  if (a->kind != b->kind)
    return FALSE;
  if (a->kind == MW_LUA_NODE_INDEX)
    return (a->flags & b->flags & MW_LUA_NODE_FLAG_DOT) && same_place (file, a->kids[0], b->kids[0])
           && (sa = mw_lua_tree_token_text (file->tree, a->token, &la))
           && (sb = mw_lua_tree_token_text (file->tree, b->token, &lb)) && la == lb
           && memcmp (sa, sb, la) == 0;
  if (a->kind != MW_LUA_NODE_NAME || a->u.var != b->u.var)
    return FALSE;
  if (a->u.var != NULL)
    return TRUE;
  sa = mw_lua_tree_token_text (file->tree, a->token, &la);
  sb = mw_lua_tree_token_text (file->tree, b->token, &lb);
  return la == lb && memcmp (sa, sb, la) == 0;
}

/* `target` is one of the operands of a chain of `..` (`s .. x`, `x .. s`, `a .. s .. b`) */
static gboolean
in_concat (MwLuaLintFile *file, MwLuaNode *target, MwLuaNode *expr)
{
  if (expr->kind != MW_LUA_NODE_BINOP || expr->op != MW_LUA_OP_CONCAT)
    return FALSE;
  for (guint k = 0; k < 2; k++)
    if (same_place (file, target, expr->kids[k]) || in_concat (file, target, expr->kids[k]))
      return TRUE;
  return FALSE;
}

static void
check_concat (Walk *w, MwLuaNode *assign)
{
  MwLuaNode *t = assign->kids[0], *v = assign->kids[1];

  for (; t != NULL && v != NULL; t = t->next, v = v->next)
    if (in_concat (w->file, t, v))
      {
        gsize len;
        const char *src = mw_lua_tree_get_source (w->file->tree, &len);
        const MwLuaToken *first = &w->file->toks[t->first], *last = &w->file->toks[t->last];
        g_autofree char *name =
          g_strndup (src + first->offset, last->offset + last->length - first->offset);
        mw_lua_lint_report (w->file, MW_LUA_LINT_CONCAT_IN_LOOP, t->first, name, -1,
                            "string '%s' grown by concatenation in a loop: every step copies "
                            "the whole string; collect the pieces in a table and "
                            "table.concat() them",
                            name);
      }
}

static void
check_block (Walk *w, MwLuaNode *block)
{
  for (MwLuaNode *s = block->kids[0]; s != NULL && s->next != NULL; s = s->next)
    if (s->kind == MW_LUA_NODE_CALLSTAT && s->kids[0]->kind == MW_LUA_NODE_CALL
        && mw_lua_lint_is_global_field (w->file, s->kids[0]->kids[0], "node", "restart"))
      {
        mw_lua_lint_report (w->file, MW_LUA_LINT_AFTER_RESTART, s->next->first, NULL, -1,
                            "statement after node.restart() still runs: the board restarts "
                            "only when the current Lua task returns");
        break;
      }
}

/* W802: a `:send(` that can run after another one in the same run of a function, or
 * repeatedly in a loop. Branches of an `if` are alternatives, not a sequence. */
typedef struct
{
  MwLuaLintFile *file;
  gboolean sent; /* a send may already have run on the way here */
  guint loop_depth;
} Sends;

static gboolean
send_expr_enter (MwLuaNode *node, gpointer data)
{
  Sends *s = data;

  if (node->kind == MW_LUA_NODE_FUNCTION)
    return FALSE; /* runs later, as its own callback */
  if (is_method (s->file, node, "send"))
    {
      if (s->sent || s->loop_depth > 0)
        mw_lua_lint_report (s->file, MW_LUA_LINT_SEVERAL_SENDS, node->token, NULL, -1,
                            s->loop_depth > 0
                              ? ":send() in a loop of a callback: every buffer queues up in "
                                "RAM; send the next piece from the \"sent\" callback"
                              : "more than one :send() in one callback: the buffers queue up "
                                "in RAM; send the next piece from the \"sent\" callback");
      s->sent = TRUE;
    }
  return TRUE;
}

static void sends_in_block (Sends *s, MwLuaNode *block);

static void
sends_in_expr (Sends *s, MwLuaNode *expr)
{
  if (expr != NULL)
    mw_lua_lint_walk (expr, send_expr_enter, NULL, s);
}

static void
sends_in_loop_body (Sends *s, MwLuaNode *body)
{
  s->loop_depth++;
  sends_in_block (s, body);
  s->loop_depth--;
}

static void
sends_in_block (Sends *s, MwLuaNode *block)
{
  if (block == NULL)
    return;
  for (MwLuaNode *st = block->kids[0]; st != NULL; st = st->next)
    {
      switch (st->kind)
        {
          case MW_LUA_NODE_IF:
            {
              gboolean before = s->sent, after = FALSE;

              for (MwLuaNode *c = st->kids[0]; c != NULL; c = c->next)
                {
                  sends_in_expr (s, c->kids[0]);
                  before = s->sent; /* conditions run in sequence */
                  sends_in_block (s, c->kids[1]);
                  after |= s->sent;
                  s->sent = before;
                }
              if (st->kids[1] != NULL)
                sends_in_block (s, st->kids[1]);
              s->sent |= after;
              break;
            }
          case MW_LUA_NODE_DO:
            sends_in_block (s, st->kids[0]);
            break;
          case MW_LUA_NODE_WHILE:
            s->loop_depth++;
            sends_in_expr (s, st->kids[0]);
            s->loop_depth--;
            sends_in_loop_body (s, st->kids[1]);
            break;
          case MW_LUA_NODE_REPEAT:
            s->loop_depth++;
            sends_in_block (s, st->kids[0]);
            sends_in_expr (s, st->kids[1]);
            s->loop_depth--;
            break;
          case MW_LUA_NODE_NUMFOR:
          case MW_LUA_NODE_GENFOR:
            for (guint k = 1; k < G_N_ELEMENTS (st->kids); k++)
              sends_in_expr (s, st->kids[k]);
            sends_in_loop_body (s, st->u.body);
            break;
          case MW_LUA_NODE_LOCALFUNC:
          case MW_LUA_NODE_FUNCSTAT:
            break; /* defines a function: nothing runs now */
          default:
            for (guint k = 0; k < G_N_ELEMENTS (st->kids); k++)
              sends_in_expr (s, st->kids[k]);
        }
    }
}

static gboolean
is_starter (MwLuaLintFile *file, MwLuaNode *fn)
{
  return mw_lua_lint_is_global (file, fn, "dofile") || mw_lua_lint_is_global (file, fn, "require")
         || mw_lua_lint_is_global (file, fn, "loadfile");
}

static gboolean
hazard_visit (MwLuaNode *node, guint loop_depth, gpointer data)
{
  Walk *w = data;
  MwLuaLintFile *file = w->file;
  static const char *const removed_tmr[] = { "alarm",      "register", "start", "stop",
                                             "unregister", "interval", "state", NULL };

  switch (node->kind)
    {
      case MW_LUA_NODE_BLOCK:
        check_block (w, node);
        return TRUE;
      case MW_LUA_NODE_ASSIGN:
        if (loop_depth > 0)
          check_concat (w, node);
        return TRUE;
      case MW_LUA_NODE_CALL:
        if (mw_lua_lint_is_global_field (file, node->kids[0], "tmr", "delay"))
          mw_lua_lint_report (file, MW_LUA_LINT_TMR_DELAY, node->kids[0]->first, "tmr.delay", -1,
                              "tmr.delay() busy-waits: it blocks the WiFi stack and trips the "
                              "watchdog; use a timer (tmr.create():alarm())");
        if (mw_lua_lint_is_global_field (file, node->kids[0], "node", "compile"))
          mw_lua_lint_report (file, MW_LUA_LINT_DEVICE_COMPILE, node->kids[0]->first,
                              "node.compile", -1,
                              "node.compile() parses the whole file in the board's RAM (big files "
                              "fail with 'not enough memory'): compile on the host "
                              "(moonwire-cli compile) and upload the .lc");
        for (const char *const *r = removed_tmr; *r; r++)
          if (mw_lua_lint_is_global_field (file, node->kids[0], "tmr", *r))
            mw_lua_lint_report (file, MW_LUA_LINT_STATIC_TIMER, node->kids[0]->first, *r, -1,
                                "tmr.%s() is the static timer API, removed in 2019: use a timer "
                                "object (t = tmr.create(); t:%s(...))",
                                *r, *r);
        if (w->start == NULL
            && (is_starter (file, node->kids[0])
                || ((mw_lua_lint_is_global (file, node->kids[0], "pcall")
                     || mw_lua_lint_is_global (file, node->kids[0], "xpcall"))
                    && node->kids[1] != NULL && is_starter (file, node->kids[1]))))
          w->start = node;
        return TRUE;
      default:
        return TRUE;
    }
}

void
mw_lua_lint_hazards (MwLuaLintFile *file)
{
  GPtrArray *funcs = mw_lua_tree_get_functions (file->tree);
  g_autofree char *base = g_path_get_basename (mw_lua_tree_get_chunkname (file->tree));

  for (guint i = 0; i < funcs->len; i++)
    {
      MwLuaFunction *f = funcs->pdata[i];
      Walk w = { file, NULL };
      Sends sends = { file, FALSE, 0 };

      mw_lua_lint_walk_loops (f->body, hazard_visit, &w);
      /* the main chunk is not a callback: it runs once, at load */
      if (f->parent != NULL)
        sends_in_block (&sends, f->body);
      /* init.lua: only code the main chunk runs at once matters, not what timers run later */
      if (f->parent == NULL && w.start != NULL && g_ascii_strcasecmp (base, "init.lua") == 0)
        mw_lua_lint_report (file, MW_LUA_LINT_INIT_NO_DELAY, w.start->first, NULL, -1,
                            "init.lua starts the application at once: if it fails, the board "
                            "reboots in a loop that cannot be stopped; start it from a timer "
                            "(e.g. 3 s) so that it can be aborted from the REPL");
    }
}
