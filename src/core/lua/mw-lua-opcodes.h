/* mw-lua-opcodes.h: Lua 5.1's opcodes, shared by the code generator and the listing
 * (docs/firmware.md section 4: the firmware's VM is Lua 5.1's). Private to src/core/lua. */
#pragma once

/* ORDER OP: as Lua 5.1's lopcodes.h */
typedef enum
{
  OP_MOVE,
  OP_LOADK,
  OP_LOADBOOL,
  OP_LOADNIL,
  OP_GETUPVAL,
  OP_GETGLOBAL,
  OP_GETTABLE,
  OP_SETGLOBAL,
  OP_SETUPVAL,
  OP_SETTABLE,
  OP_NEWTABLE,
  OP_SELF,
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_DIV,
  OP_MOD,
  OP_POW,
  OP_UNM,
  OP_NOT,
  OP_LEN,
  OP_CONCAT,
  OP_JMP,
  OP_EQ,
  OP_LT,
  OP_LE,
  OP_TEST,
  OP_TESTSET,
  OP_CALL,
  OP_TAILCALL,
  OP_RETURN,
  OP_FORLOOP,
  OP_FORPREP,
  OP_TFORLOOP,
  OP_SETLIST,
  OP_CLOSE,
  OP_CLOSURE,
  OP_VARARG,
  N_OPCODES
} OpCode;
