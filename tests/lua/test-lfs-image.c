/* test-lfs-image.c: the Lua Flash Store image builder (mw-lua-lfs-image.c) against bytes worked
 * out by hand from the firmware's layout (docs/firmware.md section 9).
 *
 * Every expected image below is the inflated image, one 32-bit little-endian word per line,
 * each explained. These are the bytes `luac.cross -f` writes for the same files (checked
 * with the firmware's own luac.cross while the cases were written; the build time, which
 * luac.cross takes from the clock, is 1700000000 here). How the words come about:
 *
 * - Words 0-7, the header: the signature (0xfafaa050 | format version 0x100 | 0x04 for the
 *   float build's packed TValues, or 0x02 for the integer build), the flash size in bytes
 *   (without the bitmap), the address of the main Proto, the address of the string buckets,
 *   the number of strings, the number of buckets (2 << floor(log2 strings)), two zeros.
 * - Every address is a word offset into the image, and its word's bit is set in the
 *   relocation bitmap that follows the flash (bit i of bitmap word i / 32 for image word i).
 *   NULL is 0 with its bit clear.
 * - Then the buckets, then each string: next in its bucket's chain, 0x00004004 (type 4,
 *   LUA_TSTRING, in the low byte; the LFS mark 0x40 in the next), the hash, the length, the
 *   bytes with a NUL, padded to a word. A string goes to the head of bucket hash % buckets.
 *   The hash is Lua 5.1's: h = len; for each byte c from the last to the first (every
 *   (len >> 5) + 1-th byte), h ^= (h << 5) + (h >> 2) + c. For "a": h = 1 ^ (32 + 0 + 97) =
 *   0x80; for "x": 1 ^ 152 = 0x99; for "\x03": 1 ^ 35 = 0x22.
 * - Strings come in the order luac.cross's Lua table of them iterates, a table filled in the
 *   order the strings are met: for each function its source, its packed line info (kept as a
 *   string), its string constants, then its nested functions; the index function first.
 *   Case "one" worked through (hash & (size - 1) is a key's main position):
 *     "=(luac)" into the empty table: it grows to 1 node: [luac].
 *     "a" (0x80) collides at 0, no free node: grows to 2, [luac] stays at 0 (0xbe5fc006 & 1);
 *       "a" collides again, takes the free node 1 chained from 0: [luac, a].
 *     "@a.lua" (0x73baf166 & 1 = 0): no free node: grows to 4; moving in place, luac goes
 *       to 2, "a" to 0: [a, -, luac, -]; "@a.lua" (& 3 = 2) collides with luac, which is in
 *       its main position, and takes free node 3: [a, -, luac, @a.lua].
 *     "\x03" (0x22 & 3 = 2) collides with luac again, takes node 1: [a, \x03, luac, @a.lua].
 *     "x" (0x99 & 3 = 1) finds node 1 held by "\x03" out of its main position but no free
 *       node below node 1: grows to 8. Moving in place: "\x03" (& 7 = 2) swaps with luac,
 *       luac (& 7 = 6) moves to 6, "@a.lua" (& 7 = 6) chains from 6 at 3:
 *       [a, -, \x03, @a.lua, -, -, luac, -]; "x" (& 7 = 1) takes node 1.
 *     Iteration order: a, x, \x03, @a.lua, =(luac); buckets of 8: 0 a, 1 x, 2 \x03, 6 the
 *     chain =(luac) -> @a.lua.
 * - Then each function bottom-up, nested ones first: its vector of nested Proto addresses,
 *   its constants (TValues of 12 bytes on the float build: 8 of value, 4 of type; 8 bytes on
 *   the integer build: 4 and 4), its instructions, then the Proto's 18 words: next and
 *   tt/marked (both 0), k, code, p, the packed line info (the address of the bytes of its
 *   string), locvars and upvalue names (none: the firmware drops names), source, the sizes
 *   of upvalue names, k, code, p and locvars, linedefined, lastlinedefined, gclist, then
 *   nups, numparams, is_vararg and maxstacksize in one word.
 * - Last the index function luac.cross generates: for each module "if arg == name then return
 *   function end" (EQ, JMP +2, CLOSURE, RETURN), then LOADK of the build time, NEWTABLE,
 *   LOADK of every name, SETLIST, RETURN time, names; RETURN. Its constants are the module
 *   names and the time; its source "=(luac)"; numparams 1, maxstacksize modules + 3.
 *
 * The tests also inflate the gzip file with zlib, read images back, and check the errors.
 */
#include <string.h>
#include <zlib.h>

#include "mw-lua-lfs-image.h"
#include "mw-test-support.h"

#define BUILD_TIME 1700000000

static const guint32 one_words[] = {
  0xfafaa154, /*   0: signature */
  0x000001a4, /*   1: flash size */
  0x00000057, /*   2: -> main (index) Proto (addr) */
  0x00000008, /*   3: -> string buckets (addr) */
  0x00000005, /*   4: strings in use */
  0x00000008, /*   5: buckets */
  0x00000000, /*   6: reserved */
  0x00000000, /*   7: reserved */
  0x00000010, /*   8: bucket 0 (addr) */
  0x00000015, /*   9: bucket 1 (addr) */
  0x0000001a, /*  10: bucket 2 (addr) */
  0x00000000, /*  11: bucket 3 */
  0x00000000, /*  12: bucket 4 */
  0x00000000, /*  13: bucket 5 */
  0x00000025, /*  14: bucket 6 (addr) */
  0x00000000, /*  15: bucket 7 */
  0x00000000, /*  16: TString b'a': next */
  0x00004004, /*  17: tt LUA_TSTRING, marked LFS */
  0x00000080, /*  18: hash */
  0x00000001, /*  19: len 1 */
  0x00000061, /*  20:   b'a\x00\x00\x00' */
  0x00000000, /*  21: TString b'x': next */
  0x00004004, /*  22: tt LUA_TSTRING, marked LFS */
  0x00000099, /*  23: hash */
  0x00000001, /*  24: len 1 */
  0x00000078, /*  25:   b'x\x00\x00\x00' */
  0x00000000, /*  26: TString b'\x03': next */
  0x00004004, /*  27: tt LUA_TSTRING, marked LFS */
  0x00000022, /*  28: hash */
  0x00000001, /*  29: len 1 */
  0x00000003, /*  30:   b'\x03\x00\x00\x00' */
  0x00000000, /*  31: TString b'@a.lua': next */
  0x00004004, /*  32: tt LUA_TSTRING, marked LFS */
  0x73baf166, /*  33: hash */
  0x00000006, /*  34: len 6 */
  0x6c2e6140, /*  35:   b'@a.l' */
  0x00006175, /*  36:   b'ua\x00\x00' */
  0x0000001f, /*  37: TString b'=(luac)': next (addr) */
  0x00004004, /*  38: tt LUA_TSTRING, marked LFS */
  0xbe5fc006, /*  39: hash */
  0x00000007, /*  40: len 7 */
  0x756c283d, /*  41:   b'=(lu' */
  0x00296361, /*  42:   b'ac)\x00' */
  0x00000015, /*  43: F.1 k[0] value -> string 21 (addr) */
  0x00000000, /*  44: F.1 k[0] value (cont.) */
  0x00000004, /*  45: F.1 k[0] type 4 */
  0x00000000, /*  46: F.1 k[1] value (double 1.0, low word) */
  0x3ff00000, /*  47: F.1 k[1] (double, high word) */
  0x00000003, /*  48: F.1 k[1] type 3 */
  0x00004001, /*  49: F.1 code[0] LOADK 0 1 */
  0x00000007, /*  50: F.1 code[1] SETGLOBAL 0 0 */
  0x0080001e, /*  51: F.1 code[2] RETURN 0 1 0 */
  0x00000000, /*  52: F.1 Proto: next */
  0x00000000, /*  53: F.1 Proto: tt/marked (0) */
  0x0000002b, /*  54: F.1 Proto: k (addr) */
  0x00000031, /*  55: F.1 Proto: code (addr) */
  0x00000000, /*  56: F.1 Proto: p */
  0x0000001e, /*  57: F.1 Proto: lineinfo (addr) */
  0x00000000, /*  58: F.1 Proto: locvars */
  0x00000000, /*  59: F.1 Proto: upvalues */
  0x0000001f, /*  60: F.1 Proto: source (addr) */
  0x00000000, /*  61: F.1 Proto: sizeupvalues */
  0x00000002, /*  62: F.1 Proto: sizek */
  0x00000003, /*  63: F.1 Proto: sizecode */
  0x00000000, /*  64: F.1 Proto: sizep */
  0x00000000, /*  65: F.1 Proto: sizelocvars */
  0x00000000, /*  66: F.1 Proto: linedefined */
  0x00000000, /*  67: F.1 Proto: lastlinedefined */
  0x00000000, /*  68: F.1 Proto: gclist */
  0x02020000, /*  69: F.1 Proto: nups numparams is_vararg maxstacksize */
  0x00000034, /*  70: F p[0] (addr) */
  0x00000010, /*  71: F k[0] value -> string 16 (addr) */
  0x00000000, /*  72: F k[0] value (cont.) */
  0x00000004, /*  73: F k[0] type 4 */
  0x40000000, /* 74: F k[1] value (double 1700000000.0: the build time, low word) */
  0x41d954fc, /* 75: F k[1] (the build time, high word) */
  0x00000003, /*  76: F k[1] type 3 */
  0x00400017, /*  77: F code[0] EQ 0 0 256 */
  0x80004016, /*  78: F code[1] JMP 2 */
  0x00000064, /*  79: F code[2] CLOSURE 1 0 */
  0x0100005e, /*  80: F code[3] RETURN 1 2 0 */
  0x00004041, /*  81: F code[4] LOADK 1 1 */
  0x0080008a, /*  82: F code[5] NEWTABLE 2 1 0 */
  0x000000c1, /*  83: F code[6] LOADK 3 0 */
  0x008040a2, /*  84: F code[7] SETLIST 2 1 1 */
  0x0180005e, /*  85: F code[8] RETURN 1 3 0 */
  0x0080001e, /*  86: F code[9] RETURN 0 1 0 */
  0x00000000, /*  87: F Proto: next */
  0x00000000, /*  88: F Proto: tt/marked (0) */
  0x00000047, /*  89: F Proto: k (addr) */
  0x0000004d, /*  90: F Proto: code (addr) */
  0x00000046, /*  91: F Proto: p (addr) */
  0x00000000, /*  92: F Proto: lineinfo */
  0x00000000, /*  93: F Proto: locvars */
  0x00000000, /*  94: F Proto: upvalues */
  0x00000025, /*  95: F Proto: source (addr) */
  0x00000000, /*  96: F Proto: sizeupvalues */
  0x00000002, /*  97: F Proto: sizek */
  0x0000000a, /*  98: F Proto: sizecode */
  0x00000001, /*  99: F Proto: sizep */
  0x00000000, /* 100: F Proto: sizelocvars */
  0x00000000, /* 101: F Proto: linedefined */
  0x00000000, /* 102: F Proto: lastlinedefined */
  0x00000000, /* 103: F Proto: gclist */
  0x04000100, /* 104: F Proto: nups numparams is_vararg maxstacksize */
  /* relocation bitmap */
  0x0000470c, /* 105: bitmap */
  0x12c00820, /* 106: bitmap */
  0x8e0000c0, /* 107: bitmap */
  0x00000000, /* 108: bitmap */
};

static const guint32 nested_words[] = {
  0xfafaa154, /*   0: signature */
  0x00000278, /*   1: flash size */
  0x0000008c, /*   2: -> main (index) Proto (addr) */
  0x00000008, /*   3: -> string buckets (addr) */
  0x00000007, /*   4: strings in use */
  0x00000008, /*   5: buckets */
  0x00000000, /*   6: reserved */
  0x00000000, /*   7: reserved */
  0x00000000, /*   8: bucket 0 */
  0x00000010, /*   9: bucket 1 (addr) */
  0x00000000, /*  10: bucket 2 */
  0x00000000, /*  11: bucket 3 */
  0x00000020, /*  12: bucket 4 (addr) */
  0x00000000, /*  13: bucket 5 */
  0x0000002b, /*  14: bucket 6 (addr) */
  0x00000031, /*  15: bucket 7 (addr) */
  0x00000000, /*  16: TString b'\x80\x03': next */
  0x00004004, /*  17: tt LUA_TSTRING, marked LFS */
  0x000008f1, /*  18: hash */
  0x00000002, /*  19: len 2 */
  0x00000380, /*  20:   b'\x80\x03\x00\x00' */
  0x00000000, /*  21: TString b'=(luac)': next */
  0x00004004, /*  22: tt LUA_TSTRING, marked LFS */
  0xbe5fc006, /*  23: hash */
  0x00000007, /*  24: len 7 */
  0x756c283d, /*  25:   b'=(lu' */
  0x00296361, /*  26:   b'ac)\x00' */
  0x00000000, /*  27: TString b'\x80\x03\x01': next */
  0x00004004, /*  28: tt LUA_TSTRING, marked LFS */
  0x00018697, /*  29: hash */
  0x00000003, /*  30: len 3 */
  0x00010380, /*  31:   b'\x80\x03\x01\x00' */
  0x00000000, /*  32: TString b'@n.lua': next */
  0x00004004, /*  33: tt LUA_TSTRING, marked LFS */
  0x73baf3fc, /*  34: hash */
  0x00000006, /*  35: len 6 */
  0x6c2e6e40, /*  36:   b'@n.l' */
  0x00006175, /*  37:   b'ua\x00\x00' */
  0x0000001b, /*  38: TString b'f': next (addr) */
  0x00004004, /*  39: tt LUA_TSTRING, marked LFS */
  0x00000087, /*  40: hash */
  0x00000001, /*  41: len 1 */
  0x00000066, /*  42:   b'f\x00\x00\x00' */
  0x00000015, /*  43: TString b'\x81\x01\xc2\x01\x80\x01': next (addr) */
  0x00004004, /*  44: tt LUA_TSTRING, marked LFS */
  0xdf0e8126, /*  45: hash */
  0x00000006, /*  46: len 6 */
  0x01c20181, /*  47:   b'\x81\x01\xc2\x01' */
  0x00000180, /*  48:   b'\x80\x01\x00\x00' */
  0x00000026, /*  49: TString b'n': next (addr) */
  0x00004004, /*  50: tt LUA_TSTRING, marked LFS */
  0x0000008f, /*  51: hash */
  0x00000001, /*  52: len 1 */
  0x0000006e, /*  53:   b'n\x00\x00\x00' */
  0x00000004, /*  54: F.1.1.1 code[0] GETUPVAL 0 0 0 */
  0x0100001e, /*  55: F.1.1.1 code[1] RETURN 0 2 0 */
  0x0080001e, /*  56: F.1.1.1 code[2] RETURN 0 1 0 */
  0x00000000, /*  57: F.1.1.1 Proto: next */
  0x00000000, /*  58: F.1.1.1 Proto: tt/marked (0) */
  0x00000000, /*  59: F.1.1.1 Proto: k */
  0x00000036, /*  60: F.1.1.1 Proto: code (addr) */
  0x00000000, /*  61: F.1.1.1 Proto: p */
  0x00000014, /*  62: F.1.1.1 Proto: lineinfo (addr) */
  0x00000000, /*  63: F.1.1.1 Proto: locvars */
  0x00000000, /*  64: F.1.1.1 Proto: upvalues */
  0x00000020, /*  65: F.1.1.1 Proto: source (addr) */
  0x00000000, /*  66: F.1.1.1 Proto: sizeupvalues */
  0x00000000, /*  67: F.1.1.1 Proto: sizek */
  0x00000003, /*  68: F.1.1.1 Proto: sizecode */
  0x00000000, /*  69: F.1.1.1 Proto: sizep */
  0x00000000, /*  70: F.1.1.1 Proto: sizelocvars */
  0x00000002, /*  71: F.1.1.1 Proto: linedefined */
  0x00000002, /*  72: F.1.1.1 Proto: lastlinedefined */
  0x00000000, /*  73: F.1.1.1 Proto: gclist */
  0x02000001, /*  74: F.1.1.1 Proto: nups numparams is_vararg maxstacksize */
  0x00000039, /*  75: F.1.1 p[0] (addr) */
  0x00000064, /*  76: F.1.1 code[0] CLOSURE 1 0 */
  0x00000000, /*  77: F.1.1 code[1] MOVE 0 0 0 */
  0x0100005e, /*  78: F.1.1 code[2] RETURN 1 2 0 */
  0x0080001e, /*  79: F.1.1 code[3] RETURN 0 1 0 */
  0x00000000, /*  80: F.1.1 Proto: next */
  0x00000000, /*  81: F.1.1 Proto: tt/marked (0) */
  0x00000000, /*  82: F.1.1 Proto: k */
  0x0000004c, /*  83: F.1.1 Proto: code (addr) */
  0x0000004b, /*  84: F.1.1 Proto: p (addr) */
  0x0000001f, /*  85: F.1.1 Proto: lineinfo (addr) */
  0x00000000, /*  86: F.1.1 Proto: locvars */
  0x00000000, /*  87: F.1.1 Proto: upvalues */
  0x00000020, /*  88: F.1.1 Proto: source (addr) */
  0x00000000, /*  89: F.1.1 Proto: sizeupvalues */
  0x00000000, /*  90: F.1.1 Proto: sizek */
  0x00000004, /*  91: F.1.1 Proto: sizecode */
  0x00000001, /*  92: F.1.1 Proto: sizep */
  0x00000000, /*  93: F.1.1 Proto: sizelocvars */
  0x00000001, /*  94: F.1.1 Proto: linedefined */
  0x00000003, /*  95: F.1.1 Proto: lastlinedefined */
  0x00000000, /*  96: F.1.1 Proto: gclist */
  0x02000100, /*  97: F.1.1 Proto: nups numparams is_vararg maxstacksize */
  0x00000050, /*  98: F.1 p[0] (addr) */
  0x00000026, /*  99: F.1 k[0] value -> string 38 (addr) */
  0x00000000, /* 100: F.1 k[0] value (cont.) */
  0x00000004, /* 101: F.1 k[0] type 4 */
  0x00000024, /* 102: F.1 code[0] CLOSURE 0 0 */
  0x00000007, /* 103: F.1 code[1] SETGLOBAL 0 0 */
  0x0080001e, /* 104: F.1 code[2] RETURN 0 1 0 */
  0x00000000, /* 105: F.1 Proto: next */
  0x00000000, /* 106: F.1 Proto: tt/marked (0) */
  0x00000063, /* 107: F.1 Proto: k (addr) */
  0x00000066, /* 108: F.1 Proto: code (addr) */
  0x00000062, /* 109: F.1 Proto: p (addr) */
  0x0000002f, /* 110: F.1 Proto: lineinfo (addr) */
  0x00000000, /* 111: F.1 Proto: locvars */
  0x00000000, /* 112: F.1 Proto: upvalues */
  0x00000020, /* 113: F.1 Proto: source (addr) */
  0x00000000, /* 114: F.1 Proto: sizeupvalues */
  0x00000001, /* 115: F.1 Proto: sizek */
  0x00000003, /* 116: F.1 Proto: sizecode */
  0x00000001, /* 117: F.1 Proto: sizep */
  0x00000000, /* 118: F.1 Proto: sizelocvars */
  0x00000000, /* 119: F.1 Proto: linedefined */
  0x00000000, /* 120: F.1 Proto: lastlinedefined */
  0x00000000, /* 121: F.1 Proto: gclist */
  0x02020000, /* 122: F.1 Proto: nups numparams is_vararg maxstacksize */
  0x00000069, /* 123: F p[0] (addr) */
  0x00000031, /* 124: F k[0] value -> string 49 (addr) */
  0x00000000, /* 125: F k[0] value (cont.) */
  0x00000004, /* 126: F k[0] type 4 */
  0x40000000, /* 127: F k[1] value (double 1700000000.0: the build time, low word) */
  0x41d954fc, /* 128: F k[1] (the build time, high word) */
  0x00000003, /* 129: F k[1] type 3 */
  0x00400017, /* 130: F code[0] EQ 0 0 256 */
  0x80004016, /* 131: F code[1] JMP 2 */
  0x00000064, /* 132: F code[2] CLOSURE 1 0 */
  0x0100005e, /* 133: F code[3] RETURN 1 2 0 */
  0x00004041, /* 134: F code[4] LOADK 1 1 */
  0x0080008a, /* 135: F code[5] NEWTABLE 2 1 0 */
  0x000000c1, /* 136: F code[6] LOADK 3 0 */
  0x008040a2, /* 137: F code[7] SETLIST 2 1 1 */
  0x0180005e, /* 138: F code[8] RETURN 1 3 0 */
  0x0080001e, /* 139: F code[9] RETURN 0 1 0 */
  0x00000000, /* 140: F Proto: next */
  0x00000000, /* 141: F Proto: tt/marked (0) */
  0x0000007c, /* 142: F Proto: k (addr) */
  0x00000082, /* 143: F Proto: code (addr) */
  0x0000007b, /* 144: F Proto: p (addr) */
  0x00000000, /* 145: F Proto: lineinfo */
  0x00000000, /* 146: F Proto: locvars */
  0x00000000, /* 147: F Proto: upvalues */
  0x00000015, /* 148: F Proto: source (addr) */
  0x00000000, /* 149: F Proto: sizeupvalues */
  0x00000002, /* 150: F Proto: sizek */
  0x0000000a, /* 151: F Proto: sizecode */
  0x00000001, /* 152: F Proto: sizep */
  0x00000000, /* 153: F Proto: sizelocvars */
  0x00000000, /* 154: F Proto: linedefined */
  0x00000000, /* 155: F Proto: lastlinedefined */
  0x00000000, /* 156: F Proto: gclist */
  0x04000100, /* 157: F Proto: nups numparams is_vararg maxstacksize */
  /* relocation bitmap */
  0x0000d20c, /* 158: bitmap */
  0x50020840, /* 159: bitmap */
  0x01380802, /* 160: bitmap */
  0x1802780c, /* 161: bitmap */
  0x0011c000, /* 162: bitmap */
};

static const guint32 constants_words[] = {
  0xfafaa154, /*   0: signature */
  0x00000248, /*   1: flash size */
  0x00000080, /*   2: -> main (index) Proto (addr) */
  0x00000008, /*   3: -> string buckets (addr) */
  0x00000007, /*   4: strings in use */
  0x00000008, /*   5: buckets */
  0x00000000, /*   6: reserved */
  0x00000000, /*   7: reserved */
  0x00000010, /*   8: bucket 0 (addr) */
  0x00000015, /*   9: bucket 1 (addr) */
  0x00000030, /*  10: bucket 2 (addr) */
  0x00000000, /*  11: bucket 3 */
  0x00000000, /*  12: bucket 4 */
  0x00000000, /*  13: bucket 5 */
  0x0000002a, /*  14: bucket 6 (addr) */
  0x00000000, /*  15: bucket 7 */
  0x00000000, /*  16: TString b'y': next */
  0x00004004, /*  17: tt LUA_TSTRING, marked LFS */
  0x00000098, /*  18: hash */
  0x00000001, /*  19: len 1 */
  0x00000079, /*  20:   b'y\x00\x00\x00' */
  0x00000000, /*  21: TString b'x': next */
  0x00004004, /*  22: tt LUA_TSTRING, marked LFS */
  0x00000099, /*  23: hash */
  0x00000001, /*  24: len 1 */
  0x00000078, /*  25:   b'x\x00\x00\x00' */
  0x00000000, /*  26: TString b'\x13': next */
  0x00004004, /*  27: tt LUA_TSTRING, marked LFS */
  0x00000032, /*  28: hash */
  0x00000001, /*  29: len 1 */
  0x00000013, /*  30:   b'\x13\x00\x00\x00' */
  0x0000001a, /*  31: TString b'@k.lua': next (addr) */
  0x00004004, /*  32: tt LUA_TSTRING, marked LFS */
  0x73baf392, /*  33: hash */
  0x00000006, /*  34: len 6 */
  0x6c2e6b40, /*  35:   b'@k.l' */
  0x00006175, /*  36:   b'ua\x00\x00' */
  0x0000001f, /*  37: TString b's': next (addr) */
  0x00004004, /*  38: tt LUA_TSTRING, marked LFS */
  0x00000092, /*  39: hash */
  0x00000001, /*  40: len 1 */
  0x00000073, /*  41:   b's\x00\x00\x00' */
  0x00000000, /*  42: TString b'=(luac)': next */
  0x00004004, /*  43: tt LUA_TSTRING, marked LFS */
  0xbe5fc006, /*  44: hash */
  0x00000007, /*  45: len 7 */
  0x756c283d, /*  46:   b'=(lu' */
  0x00296361, /*  47:   b'ac)\x00' */
  0x00000025, /*  48: TString b'k': next (addr) */
  0x00004004, /*  49: tt LUA_TSTRING, marked LFS */
  0x0000008a, /*  50: hash */
  0x00000001, /*  51: len 1 */
  0x0000006b, /*  52:   b'k\x00\x00\x00' */
  0x00000015, /*  53: F.1 k[0] value -> string 21 (addr) */
  0x00000000, /*  54: F.1 k[0] value (cont.) */
  0x00000004, /*  55: F.1 k[0] type 4 */
  0x00000000, /*  56: F.1 k[1] value */
  0x00000000, /*  57: F.1 k[1] value (cont.) */
  0x00000000, /*  58: F.1 k[1] type 0 */
  0x00000001, /*  59: F.1 k[2] value */
  0x00000000, /*  60: F.1 k[2] value (cont.) */
  0x00000001, /*  61: F.1 k[2] type 1 */
  0x00000010, /*  62: F.1 k[3] value -> string 16 (addr) */
  0x00000000, /*  63: F.1 k[3] value (cont.) */
  0x00000004, /*  64: F.1 k[3] type 4 */
  0x00000000, /*  65: F.1 k[4] value */
  0x00000000, /*  66: F.1 k[4] value (cont.) */
  0x00000001, /*  67: F.1 k[4] type 1 */
  0x00000000, /*  68: F.1 k[5] value (double 1.5, low word) */
  0x3ff80000, /*  69: F.1 k[5] (double, high word) */
  0x00000003, /*  70: F.1 k[5] type 3 */
  0x00000025, /*  71: F.1 k[6] value -> string 37 (addr) */
  0x00000000, /*  72: F.1 k[6] value (cont.) */
  0x00000004, /*  73: F.1 k[6] type 4 */
  0x00000005, /*  74: F.1 code[0] GETGLOBAL 0 0 */
  0x00404057, /*  75: F.1 code[1] EQ 1 0 257 */
  0x80000016, /*  76: F.1 code[2] JMP 1 */
  0x00004002, /*  77: F.1 code[3] LOADBOOL 0 0 1 */
  0x00800002, /*  78: F.1 code[4] LOADBOOL 0 1 0 */
  0x00000045, /*  79: F.1 code[5] GETGLOBAL 1 0 */
  0x00c08057, /*  80: F.1 code[6] EQ 1 1 258 */
  0x80000016, /*  81: F.1 code[7] JMP 1 */
  0x00004042, /*  82: F.1 code[8] LOADBOOL 1 0 1 */
  0x00800042, /*  83: F.1 code[9] LOADBOOL 1 1 0 */
  0x0000c085, /*  84: F.1 code[10] GETGLOBAL 2 3 */
  0x01410057, /*  85: F.1 code[11] EQ 1 2 260 */
  0x80000016, /*  86: F.1 code[12] JMP 1 */
  0x00004082, /*  87: F.1 code[13] LOADBOOL 2 0 1 */
  0x00800082, /*  88: F.1 code[14] LOADBOOL 2 1 0 */
  0x000140c1, /*  89: F.1 code[15] LOADK 3 5 */
  0x00018101, /*  90: F.1 code[16] LOADK 4 6 */
  0x0300001e, /*  91: F.1 code[17] RETURN 0 6 0 */
  0x0080001e, /*  92: F.1 code[18] RETURN 0 1 0 */
  0x00000000, /*  93: F.1 Proto: next */
  0x00000000, /*  94: F.1 Proto: tt/marked (0) */
  0x00000035, /*  95: F.1 Proto: k (addr) */
  0x0000004a, /*  96: F.1 Proto: code (addr) */
  0x00000000, /*  97: F.1 Proto: p */
  0x0000001e, /*  98: F.1 Proto: lineinfo (addr) */
  0x00000000, /*  99: F.1 Proto: locvars */
  0x00000000, /* 100: F.1 Proto: upvalues */
  0x0000001f, /* 101: F.1 Proto: source (addr) */
  0x00000000, /* 102: F.1 Proto: sizeupvalues */
  0x00000007, /* 103: F.1 Proto: sizek */
  0x00000013, /* 104: F.1 Proto: sizecode */
  0x00000000, /* 105: F.1 Proto: sizep */
  0x00000000, /* 106: F.1 Proto: sizelocvars */
  0x00000000, /* 107: F.1 Proto: linedefined */
  0x00000000, /* 108: F.1 Proto: lastlinedefined */
  0x00000000, /* 109: F.1 Proto: gclist */
  0x05020000, /* 110: F.1 Proto: nups numparams is_vararg maxstacksize */
  0x0000005d, /* 111: F p[0] (addr) */
  0x00000030, /* 112: F k[0] value -> string 48 (addr) */
  0x00000000, /* 113: F k[0] value (cont.) */
  0x00000004, /* 114: F k[0] type 4 */
  0x40000000, /* 115: F k[1] value (double 1700000000.0: the build time, low word) */
  0x41d954fc, /* 116: F k[1] (the build time, high word) */
  0x00000003, /* 117: F k[1] type 3 */
  0x00400017, /* 118: F code[0] EQ 0 0 256 */
  0x80004016, /* 119: F code[1] JMP 2 */
  0x00000064, /* 120: F code[2] CLOSURE 1 0 */
  0x0100005e, /* 121: F code[3] RETURN 1 2 0 */
  0x00004041, /* 122: F code[4] LOADK 1 1 */
  0x0080008a, /* 123: F code[5] NEWTABLE 2 1 0 */
  0x000000c1, /* 124: F code[6] LOADK 3 0 */
  0x008040a2, /* 125: F code[7] SETLIST 2 1 1 */
  0x0180005e, /* 126: F code[8] RETURN 1 3 0 */
  0x0080001e, /* 127: F code[9] RETURN 0 1 0 */
  0x00000000, /* 128: F Proto: next */
  0x00000000, /* 129: F Proto: tt/marked (0) */
  0x00000070, /* 130: F Proto: k (addr) */
  0x00000076, /* 131: F Proto: code (addr) */
  0x0000006f, /* 132: F Proto: p (addr) */
  0x00000000, /* 133: F Proto: lineinfo */
  0x00000000, /* 134: F Proto: locvars */
  0x00000000, /* 135: F Proto: upvalues */
  0x0000002a, /* 136: F Proto: source (addr) */
  0x00000000, /* 137: F Proto: sizeupvalues */
  0x00000002, /* 138: F Proto: sizek */
  0x0000000a, /* 139: F Proto: sizecode */
  0x00000001, /* 140: F Proto: sizep */
  0x00000000, /* 141: F Proto: sizelocvars */
  0x00000000, /* 142: F Proto: linedefined */
  0x00000000, /* 143: F Proto: lastlinedefined */
  0x00000000, /* 144: F Proto: gclist */
  0x04000100, /* 145: F Proto: nups numparams is_vararg maxstacksize */
  /* relocation bitmap */
  0x8000470c, /* 146: bitmap */
  0x40210020, /* 147: bitmap */
  0x80000080, /* 148: bitmap */
  0x00018025, /* 149: bitmap */
  0x0000011c, /* 150: bitmap */
};

static const guint32 shared_words[] = {
  0xfafaa154, /*   0: signature */
  0x000002ac, /*   1: flash size */
  0x00000099, /*   2: -> main (index) Proto (addr) */
  0x00000008, /*   3: -> string buckets (addr) */
  0x00000009, /*   4: strings in use */
  0x00000010, /*   5: buckets */
  0x00000000, /*   6: reserved */
  0x00000000, /*   7: reserved */
  0x00000000, /*   8: bucket 0 */
  0x00000018, /*   9: bucket 1 (addr) */
  0x00000043, /*  10: bucket 2 (addr) */
  0x00000000, /*  11: bucket 3 */
  0x00000000, /*  12: bucket 4 */
  0x00000029, /*  13: bucket 5 (addr) */
  0x0000002e, /*  14: bucket 6 (addr) */
  0x00000000, /*  15: bucket 7 */
  0x00000039, /*  16: bucket 8 (addr) */
  0x00000000, /*  17: bucket 9 */
  0x00000000, /*  18: bucket 10 */
  0x0000003e, /*  19: bucket 11 (addr) */
  0x00000000, /*  20: bucket 12 */
  0x00000000, /*  21: bucket 13 */
  0x00000000, /*  22: bucket 14 */
  0x00000000, /*  23: bucket 15 */
  0x00000000, /*  24: TString b'@sb.lua': next */
  0x00004004, /*  25: tt LUA_TSTRING, marked LFS */
  0x77c4e701, /*  26: hash */
  0x00000007, /*  27: len 7 */
  0x2e627340, /*  28:   b'@sb.' */
  0x0061756c, /*  29:   b'lua\x00' */
  0x00000000, /*  30: TString b'\x03': next */
  0x00004004, /*  31: tt LUA_TSTRING, marked LFS */
  0x00000022, /*  32: hash */
  0x00000001, /*  33: len 1 */
  0x00000003, /*  34:   b'\x03\x00\x00\x00' */
  0x00000000, /*  35: TString b'@sa.lua': next */
  0x00004004, /*  36: tt LUA_TSTRING, marked LFS */
  0x77c4eb08, /*  37: hash */
  0x00000007, /*  38: len 7 */
  0x2e617340, /*  39:   b'@sa.' */
  0x0061756c, /*  40:   b'lua\x00' */
  0x00000000, /*  41: TString b't': next */
  0x00004004, /*  42: tt LUA_TSTRING, marked LFS */
  0x00000095, /*  43: hash */
  0x00000001, /*  44: len 1 */
  0x00000074, /*  45:   b't\x00\x00\x00' */
  0x00000000, /*  46: TString b'=(luac)': next */
  0x00004004, /*  47: tt LUA_TSTRING, marked LFS */
  0xbe5fc006, /*  48: hash */
  0x00000007, /*  49: len 7 */
  0x756c283d, /*  50:   b'=(lu' */
  0x00296361, /*  51:   b'ac)\x00' */
  0x0000001e, /*  52: TString b's': next (addr) */
  0x00004004, /*  53: tt LUA_TSTRING, marked LFS */
  0x00000092, /*  54: hash */
  0x00000001, /*  55: len 1 */
  0x00000073, /*  56:   b's\x00\x00\x00' */
  0x00000023, /*  57: TString b'sa': next (addr) */
  0x00004004, /*  58: tt LUA_TSTRING, marked LFS */
  0x00001458, /*  59: hash */
  0x00000002, /*  60: len 2 */
  0x00006173, /*  61:   b'sa\x00\x00' */
  0x00000000, /*  62: TString b'sb': next */
  0x00004004, /*  63: tt LUA_TSTRING, marked LFS */
  0x0000143b, /*  64: hash */
  0x00000002, /*  65: len 2 */
  0x00006273, /*  66:   b'sb\x00\x00' */
  0x00000034, /*  67: TString b'shared': next (addr) */
  0x00004004, /*  68: tt LUA_TSTRING, marked LFS */
  0x76d55032, /*  69: hash */
  0x00000006, /*  70: len 6 */
  0x72616873, /*  71:   b'shar' */
  0x00006465, /*  72:   b'ed\x00\x00' */
  0x00000034, /*  73: F.1 k[0] value -> string 52 (addr) */
  0x00000000, /*  74: F.1 k[0] value (cont.) */
  0x00000004, /*  75: F.1 k[0] type 4 */
  0x00000043, /*  76: F.1 k[1] value -> string 67 (addr) */
  0x00000000, /*  77: F.1 k[1] value (cont.) */
  0x00000004, /*  78: F.1 k[1] type 4 */
  0x00004001, /*  79: F.1 code[0] LOADK 0 1 */
  0x00000007, /*  80: F.1 code[1] SETGLOBAL 0 0 */
  0x0080001e, /*  81: F.1 code[2] RETURN 0 1 0 */
  0x00000000, /*  82: F.1 Proto: next */
  0x00000000, /*  83: F.1 Proto: tt/marked (0) */
  0x00000049, /*  84: F.1 Proto: k (addr) */
  0x0000004f, /*  85: F.1 Proto: code (addr) */
  0x00000000, /*  86: F.1 Proto: p */
  0x00000022, /*  87: F.1 Proto: lineinfo (addr) */
  0x00000000, /*  88: F.1 Proto: locvars */
  0x00000000, /*  89: F.1 Proto: upvalues */
  0x00000023, /*  90: F.1 Proto: source (addr) */
  0x00000000, /*  91: F.1 Proto: sizeupvalues */
  0x00000002, /*  92: F.1 Proto: sizek */
  0x00000003, /*  93: F.1 Proto: sizecode */
  0x00000000, /*  94: F.1 Proto: sizep */
  0x00000000, /*  95: F.1 Proto: sizelocvars */
  0x00000000, /*  96: F.1 Proto: linedefined */
  0x00000000, /*  97: F.1 Proto: lastlinedefined */
  0x00000000, /*  98: F.1 Proto: gclist */
  0x02020000, /*  99: F.1 Proto: nups numparams is_vararg maxstacksize */
  0x00000029, /* 100: F.2 k[0] value -> string 41 (addr) */
  0x00000000, /* 101: F.2 k[0] value (cont.) */
  0x00000004, /* 102: F.2 k[0] type 4 */
  0x00000043, /* 103: F.2 k[1] value -> string 67 (addr) */
  0x00000000, /* 104: F.2 k[1] value (cont.) */
  0x00000004, /* 105: F.2 k[1] type 4 */
  0x00004001, /* 106: F.2 code[0] LOADK 0 1 */
  0x00000007, /* 107: F.2 code[1] SETGLOBAL 0 0 */
  0x0080001e, /* 108: F.2 code[2] RETURN 0 1 0 */
  0x00000000, /* 109: F.2 Proto: next */
  0x00000000, /* 110: F.2 Proto: tt/marked (0) */
  0x00000064, /* 111: F.2 Proto: k (addr) */
  0x0000006a, /* 112: F.2 Proto: code (addr) */
  0x00000000, /* 113: F.2 Proto: p */
  0x00000022, /* 114: F.2 Proto: lineinfo (addr) */
  0x00000000, /* 115: F.2 Proto: locvars */
  0x00000000, /* 116: F.2 Proto: upvalues */
  0x00000018, /* 117: F.2 Proto: source (addr) */
  0x00000000, /* 118: F.2 Proto: sizeupvalues */
  0x00000002, /* 119: F.2 Proto: sizek */
  0x00000003, /* 120: F.2 Proto: sizecode */
  0x00000000, /* 121: F.2 Proto: sizep */
  0x00000000, /* 122: F.2 Proto: sizelocvars */
  0x00000000, /* 123: F.2 Proto: linedefined */
  0x00000000, /* 124: F.2 Proto: lastlinedefined */
  0x00000000, /* 125: F.2 Proto: gclist */
  0x02020000, /* 126: F.2 Proto: nups numparams is_vararg maxstacksize */
  0x00000052, /* 127: F p[0] (addr) */
  0x0000006d, /* 128: F p[1] (addr) */
  0x00000039, /* 129: F k[0] value -> string 57 (addr) */
  0x00000000, /* 130: F k[0] value (cont.) */
  0x00000004, /* 131: F k[0] type 4 */
  0x0000003e, /* 132: F k[1] value -> string 62 (addr) */
  0x00000000, /* 133: F k[1] value (cont.) */
  0x00000004, /* 134: F k[1] type 4 */
  0x40000000, /* 135: F k[2] value (double 1700000000.0: the build time, low word) */
  0x41d954fc, /* 136: F k[2] (the build time, high word) */
  0x00000003, /* 137: F k[2] type 3 */
  0x00400017, /* 138: F code[0] EQ 0 0 256 */
  0x80004016, /* 139: F code[1] JMP 2 */
  0x00000064, /* 140: F code[2] CLOSURE 1 0 */
  0x0100005e, /* 141: F code[3] RETURN 1 2 0 */
  0x00404017, /* 142: F code[4] EQ 0 0 257 */
  0x80004016, /* 143: F code[5] JMP 2 */
  0x00004064, /* 144: F code[6] CLOSURE 1 1 */
  0x0100005e, /* 145: F code[7] RETURN 1 2 0 */
  0x00008041, /* 146: F code[8] LOADK 1 2 */
  0x0100008a, /* 147: F code[9] NEWTABLE 2 2 0 */
  0x000000c1, /* 148: F code[10] LOADK 3 0 */
  0x00004101, /* 149: F code[11] LOADK 4 1 */
  0x010040a2, /* 150: F code[12] SETLIST 2 2 1 */
  0x0180005e, /* 151: F code[13] RETURN 1 3 0 */
  0x0080001e, /* 152: F code[14] RETURN 0 1 0 */
  0x00000000, /* 153: F Proto: next */
  0x00000000, /* 154: F Proto: tt/marked (0) */
  0x00000081, /* 155: F Proto: k (addr) */
  0x0000008a, /* 156: F Proto: code (addr) */
  0x0000007f, /* 157: F Proto: p (addr) */
  0x00000000, /* 158: F Proto: lineinfo */
  0x00000000, /* 159: F Proto: locvars */
  0x00000000, /* 160: F Proto: upvalues */
  0x0000002e, /* 161: F Proto: source (addr) */
  0x00000000, /* 162: F Proto: sizeupvalues */
  0x00000003, /* 163: F Proto: sizek */
  0x0000000f, /* 164: F Proto: sizecode */
  0x00000002, /* 165: F Proto: sizep */
  0x00000000, /* 166: F Proto: sizelocvars */
  0x00000000, /* 167: F Proto: linedefined */
  0x00000000, /* 168: F Proto: lastlinedefined */
  0x00000000, /* 169: F Proto: gclist */
  0x05000100, /* 170: F Proto: nups numparams is_vararg maxstacksize */
  /* relocation bitmap */
  0x0009660c, /* 171: bitmap */
  0x02100000, /* 172: bitmap */
  0x04b01208, /* 173: bitmap */
  0x80258090, /* 174: bitmap */
  0x38000013, /* 175: bitmap */
  0x00000002, /* 176: bitmap */
};

static const guint32 long_words[] = {
  0xfafaa154, /*   0: signature */
  0x000001e0, /*   1: flash size */
  0x00000066, /*   2: -> main (index) Proto (addr) */
  0x00000008, /*   3: -> string buckets (addr) */
  0x00000006, /*   4: strings in use */
  0x00000008, /*   5: buckets */
  0x00000000, /*   6: reserved */
  0x00000000, /*   7: reserved */
  0x00000000, /*   8: bucket 0 */
  0x00000000, /*   9: bucket 1 */
  0x00000035, /*  10: bucket 2 (addr) */
  0x00000000, /*  11: bucket 3 */
  0x00000000, /*  12: bucket 4 */
  0x0000002a, /*  13: bucket 5 (addr) */
  0x0000002f, /*  14: bucket 6 (addr) */
  0x00000000, /*  15: bucket 7 */
  0x00000000, /*  16: TString b'\x03': next */
  0x00004004, /*  17: tt LUA_TSTRING, marked LFS */
  0x00000022, /*  18: hash */
  0x00000001, /*  19: len 1 */
  0x00000003, /*  20:   b'\x03\x00\x00\x00' */
  0x00000000, /*  21: TString b'@l.lua': next */
  0x00004004, /*  22: tt LUA_TSTRING, marked LFS */
  0x73baf3be, /*  23: hash */
  0x00000006, /*  24: len 6 */
  0x6c2e6c40, /*  25:   b'@l.l' */
  0x00006175, /*  26:   b'ua\x00\x00' */
  0x00000000, /*  27: TString b'0123456789abcdefghijklmnopqrstuvwxyzABCD': next */
  0x00004004, /*  28: tt LUA_TSTRING, marked LFS */
  0x7066b205, /*  29: hash */
  0x00000028, /*  30: len 40 */
  0x33323130, /*  31:   b'0123' */
  0x37363534, /*  32:   b'4567' */
  0x62613938, /*  33:   b'89ab' */
  0x66656463, /*  34:   b'cdef' */
  0x6a696867, /*  35:   b'ghij' */
  0x6e6d6c6b, /*  36:   b'klmn' */
  0x7271706f, /*  37:   b'opqr' */
  0x76757473, /*  38:   b'stuv' */
  0x7a797877, /*  39:   b'wxyz' */
  0x44434241, /*  40:   b'ABCD' */
  0x00000000, /*  41:   b'\x00\x00\x00\x00' */
  0x0000001b, /*  42: TString b'l': next (addr) */
  0x00004004, /*  43: tt LUA_TSTRING, marked LFS */
  0x0000008d, /*  44: hash */
  0x00000001, /*  45: len 1 */
  0x0000006c, /*  46:   b'l\x00\x00\x00' */
  0x00000015, /*  47: TString b'=(luac)': next (addr) */
  0x00004004, /*  48: tt LUA_TSTRING, marked LFS */
  0xbe5fc006, /*  49: hash */
  0x00000007, /*  50: len 7 */
  0x756c283d, /*  51:   b'=(lu' */
  0x00296361, /*  52:   b'ac)\x00' */
  0x00000010, /*  53: TString b's': next (addr) */
  0x00004004, /*  54: tt LUA_TSTRING, marked LFS */
  0x00000092, /*  55: hash */
  0x00000001, /*  56: len 1 */
  0x00000073, /*  57:   b's\x00\x00\x00' */
  0x00000035, /*  58: F.1 k[0] value -> string 53 (addr) */
  0x00000000, /*  59: F.1 k[0] value (cont.) */
  0x00000004, /*  60: F.1 k[0] type 4 */
  0x0000001b, /*  61: F.1 k[1] value -> string 27 (addr) */
  0x00000000, /*  62: F.1 k[1] value (cont.) */
  0x00000004, /*  63: F.1 k[1] type 4 */
  0x00004001, /*  64: F.1 code[0] LOADK 0 1 */
  0x00000007, /*  65: F.1 code[1] SETGLOBAL 0 0 */
  0x0080001e, /*  66: F.1 code[2] RETURN 0 1 0 */
  0x00000000, /*  67: F.1 Proto: next */
  0x00000000, /*  68: F.1 Proto: tt/marked (0) */
  0x0000003a, /*  69: F.1 Proto: k (addr) */
  0x00000040, /*  70: F.1 Proto: code (addr) */
  0x00000000, /*  71: F.1 Proto: p */
  0x00000014, /*  72: F.1 Proto: lineinfo (addr) */
  0x00000000, /*  73: F.1 Proto: locvars */
  0x00000000, /*  74: F.1 Proto: upvalues */
  0x00000015, /*  75: F.1 Proto: source (addr) */
  0x00000000, /*  76: F.1 Proto: sizeupvalues */
  0x00000002, /*  77: F.1 Proto: sizek */
  0x00000003, /*  78: F.1 Proto: sizecode */
  0x00000000, /*  79: F.1 Proto: sizep */
  0x00000000, /*  80: F.1 Proto: sizelocvars */
  0x00000000, /*  81: F.1 Proto: linedefined */
  0x00000000, /*  82: F.1 Proto: lastlinedefined */
  0x00000000, /*  83: F.1 Proto: gclist */
  0x02020000, /*  84: F.1 Proto: nups numparams is_vararg maxstacksize */
  0x00000043, /*  85: F p[0] (addr) */
  0x0000002a, /*  86: F k[0] value -> string 42 (addr) */
  0x00000000, /*  87: F k[0] value (cont.) */
  0x00000004, /*  88: F k[0] type 4 */
  0x40000000, /* 89: F k[1] value (double 1700000000.0: the build time, low word) */
  0x41d954fc, /* 90: F k[1] (the build time, high word) */
  0x00000003, /*  91: F k[1] type 3 */
  0x00400017, /*  92: F code[0] EQ 0 0 256 */
  0x80004016, /*  93: F code[1] JMP 2 */
  0x00000064, /*  94: F code[2] CLOSURE 1 0 */
  0x0100005e, /*  95: F code[3] RETURN 1 2 0 */
  0x00004041, /*  96: F code[4] LOADK 1 1 */
  0x0080008a, /*  97: F code[5] NEWTABLE 2 1 0 */
  0x000000c1, /*  98: F code[6] LOADK 3 0 */
  0x008040a2, /*  99: F code[7] SETLIST 2 1 1 */
  0x0180005e, /* 100: F code[8] RETURN 1 3 0 */
  0x0080001e, /* 101: F code[9] RETURN 0 1 0 */
  0x00000000, /* 102: F Proto: next */
  0x00000000, /* 103: F Proto: tt/marked (0) */
  0x00000056, /* 104: F Proto: k (addr) */
  0x0000005c, /* 105: F Proto: code (addr) */
  0x00000055, /* 106: F Proto: p (addr) */
  0x00000000, /* 107: F Proto: lineinfo */
  0x00000000, /* 108: F Proto: locvars */
  0x00000000, /* 109: F Proto: upvalues */
  0x0000002f, /* 110: F Proto: source (addr) */
  0x00000000, /* 111: F Proto: sizeupvalues */
  0x00000002, /* 112: F Proto: sizek */
  0x0000000a, /* 113: F Proto: sizecode */
  0x00000001, /* 114: F Proto: sizep */
  0x00000000, /* 115: F Proto: sizelocvars */
  0x00000000, /* 116: F Proto: linedefined */
  0x00000000, /* 117: F Proto: lastlinedefined */
  0x00000000, /* 118: F Proto: gclist */
  0x04000100, /* 119: F Proto: nups numparams is_vararg maxstacksize */
  /* relocation bitmap */
  0x0000640c, /* 120: bitmap */
  0x24208400, /* 121: bitmap */
  0x00600960, /* 122: bitmap */
  0x00004700, /* 123: bitmap */
};

static const guint32 integer_words[] = {
  0xfafaa152, /*   0: signature */
  0x00000194, /*   1: flash size */
  0x00000053, /*   2: -> main (index) Proto (addr) */
  0x00000008, /*   3: -> string buckets (addr) */
  0x00000005, /*   4: strings in use */
  0x00000008, /*   5: buckets */
  0x00000000, /*   6: reserved */
  0x00000000, /*   7: reserved */
  0x0000001f, /*   8: bucket 0 (addr) */
  0x00000015, /*   9: bucket 1 (addr) */
  0x0000001a, /*  10: bucket 2 (addr) */
  0x00000000, /*  11: bucket 3 */
  0x00000000, /*  12: bucket 4 */
  0x00000000, /*  13: bucket 5 */
  0x00000025, /*  14: bucket 6 (addr) */
  0x00000000, /*  15: bucket 7 */
  0x00000000, /*  16: TString b'i': next */
  0x00004004, /*  17: tt LUA_TSTRING, marked LFS */
  0x00000088, /*  18: hash */
  0x00000001, /*  19: len 1 */
  0x00000069, /*  20:   b'i\x00\x00\x00' */
  0x00000000, /*  21: TString b'x': next */
  0x00004004, /*  22: tt LUA_TSTRING, marked LFS */
  0x00000099, /*  23: hash */
  0x00000001, /*  24: len 1 */
  0x00000078, /*  25:   b'x\x00\x00\x00' */
  0x00000000, /*  26: TString b'\x03': next */
  0x00004004, /*  27: tt LUA_TSTRING, marked LFS */
  0x00000022, /*  28: hash */
  0x00000001, /*  29: len 1 */
  0x00000003, /*  30:   b'\x03\x00\x00\x00' */
  0x00000010, /*  31: TString b'@i.lua': next (addr) */
  0x00004004, /*  32: tt LUA_TSTRING, marked LFS */
  0x73ba8c50, /*  33: hash */
  0x00000006, /*  34: len 6 */
  0x6c2e6940, /*  35:   b'@i.l' */
  0x00006175, /*  36:   b'ua\x00\x00' */
  0x00000000, /*  37: TString b'=(luac)': next */
  0x00004004, /*  38: tt LUA_TSTRING, marked LFS */
  0xbe5fc006, /*  39: hash */
  0x00000007, /*  40: len 7 */
  0x756c283d, /*  41:   b'=(lu' */
  0x00296361, /*  42:   b'ac)\x00' */
  0x00000015, /*  43: F.1 k[0] value -> string 21 (addr) */
  0x00000004, /*  44: F.1 k[0] type 4 */
  0x00000007, /*  45: F.1 k[1] value (7) */
  0x00000003, /*  46: F.1 k[1] type 3 */
  0x00004001, /*  47: F.1 code[0] LOADK 0 1 */
  0x00000007, /*  48: F.1 code[1] SETGLOBAL 0 0 */
  0x0080001e, /*  49: F.1 code[2] RETURN 0 1 0 */
  0x00000000, /*  50: F.1 Proto: next */
  0x00000000, /*  51: F.1 Proto: tt/marked (0) */
  0x0000002b, /*  52: F.1 Proto: k (addr) */
  0x0000002f, /*  53: F.1 Proto: code (addr) */
  0x00000000, /*  54: F.1 Proto: p */
  0x0000001e, /*  55: F.1 Proto: lineinfo (addr) */
  0x00000000, /*  56: F.1 Proto: locvars */
  0x00000000, /*  57: F.1 Proto: upvalues */
  0x0000001f, /*  58: F.1 Proto: source (addr) */
  0x00000000, /*  59: F.1 Proto: sizeupvalues */
  0x00000002, /*  60: F.1 Proto: sizek */
  0x00000003, /*  61: F.1 Proto: sizecode */
  0x00000000, /*  62: F.1 Proto: sizep */
  0x00000000, /*  63: F.1 Proto: sizelocvars */
  0x00000000, /*  64: F.1 Proto: linedefined */
  0x00000000, /*  65: F.1 Proto: lastlinedefined */
  0x00000000, /*  66: F.1 Proto: gclist */
  0x02020000, /*  67: F.1 Proto: nups numparams is_vararg maxstacksize */
  0x00000032, /*  68: F p[0] (addr) */
  0x00000010, /*  69: F k[0] value -> string 16 (addr) */
  0x00000004, /*  70: F k[0] type 4 */
  0x6553f100, /* 71: F k[1] value (1700000000: the build time) */
  0x00000003, /*  72: F k[1] type 3 */
  0x00400017, /*  73: F code[0] EQ 0 0 256 */
  0x80004016, /*  74: F code[1] JMP 2 */
  0x00000064, /*  75: F code[2] CLOSURE 1 0 */
  0x0100005e, /*  76: F code[3] RETURN 1 2 0 */
  0x00004041, /*  77: F code[4] LOADK 1 1 */
  0x0080008a, /*  78: F code[5] NEWTABLE 2 1 0 */
  0x000000c1, /*  79: F code[6] LOADK 3 0 */
  0x008040a2, /*  80: F code[7] SETLIST 2 1 1 */
  0x0180005e, /*  81: F code[8] RETURN 1 3 0 */
  0x0080001e, /*  82: F code[9] RETURN 0 1 0 */
  0x00000000, /*  83: F Proto: next */
  0x00000000, /*  84: F Proto: tt/marked (0) */
  0x00000045, /*  85: F Proto: k (addr) */
  0x00000049, /*  86: F Proto: code (addr) */
  0x00000044, /*  87: F Proto: p (addr) */
  0x00000000, /*  88: F Proto: lineinfo */
  0x00000000, /*  89: F Proto: locvars */
  0x00000000, /*  90: F Proto: upvalues */
  0x00000025, /*  91: F Proto: source (addr) */
  0x00000000, /*  92: F Proto: sizeupvalues */
  0x00000002, /*  93: F Proto: sizek */
  0x0000000a, /*  94: F Proto: sizecode */
  0x00000001, /*  95: F Proto: sizep */
  0x00000000, /*  96: F Proto: sizelocvars */
  0x00000000, /*  97: F Proto: linedefined */
  0x00000000, /*  98: F Proto: lastlinedefined */
  0x00000000, /*  99: F Proto: gclist */
  0x04000100, /* 100: F Proto: nups numparams is_vararg maxstacksize */
  /* relocation bitmap */
  0x8000470c, /* 101: bitmap */
  0x04b00800, /* 102: bitmap */
  0x08e00030, /* 103: bitmap */
  0x00000000, /* 104: bitmap */
};

typedef struct
{
  const char *name;
  const char *files[3];
  const char *sources[3];
  MwLuaNumberType target;
  const guint32 *words;
  gsize n_words;
  guint n_strings;
} ImageCase;

#define WORDS(w) w, G_N_ELEMENTS (w)

static const ImageCase image_cases[] = {
  /* one function, two constants: a string and a number */
  { "one", { "a.lua" }, { "x = 1\n" }, MW_LUA_TARGET_FLOAT, WORDS (one_words), 5 },
  /* nested functions: a closure over an upvalue inside a global function */
  { "nested",
    { "n.lua" },
    { "function f(a)\n  return function() return a end\nend\n" },
    MW_LUA_TARGET_FLOAT,
    WORDS (nested_words),
    7 },
  /* every constant type: string, nil, true, false, number */
  { "constants",
    { "k.lua" },
    { "return x == nil, x == true, y == false, 1.5, \"s\"\n" },
    MW_LUA_TARGET_FLOAT,
    WORDS (constants_words),
    7 },
  /* two modules sharing a string: one copy in the string table */
  { "shared",
    { "sa.lua", "sb.lua" },
    { "s = \"shared\"\n", "t = \"shared\"\n" },
    MW_LUA_TARGET_FLOAT,
    WORDS (shared_words),
    9 },
  /* a 40-byte string: hashed from every second byte ((40 >> 5) + 1) */
  { "long",
    { "l.lua" },
    { "s = \"0123456789abcdefghijklmnopqrstuvwxyzABCD\"\n" },
    MW_LUA_TARGET_FLOAT,
    WORDS (long_words),
    6 },
  /* the integer build: signature 0xfafaa152, 8-byte TValues, numbers as 32-bit ints */
  { "integer", { "i.lua" }, { "x = 7\n" }, MW_LUA_TARGET_INTEGER, WORDS (integer_words), 5 },
};

/* the files of a case: up to `max`, or the first NULL */
static guint
count_files (const char *const *files, guint max)
{
  guint n = 0;

  while (n < max && files[n] != NULL)
    n++;
  return n;
}

/* An image of the files up to the first NULL, each with its source from `sources` or, when
 * that is NULL, all with `source`. */
static MwLuaLfsImage *
build_image (const char *const *files, guint max, const char *const *sources, const char *source,
             MwLuaNumberType target, gsize max_size, GError **error)
{
  guint n = count_files (files, max);
  g_autoptr (GPtrArray) bytes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      const char *text = sources != NULL ? sources[i] : source;
      g_ptr_array_add (bytes, g_bytes_new_static (text, strlen (text)));
    }
  return mw_lua_lfs_image_new_from_sources (files, (GBytes **) bytes->pdata, n, target, BUILD_TIME,
                                            max_size, error);
}

static MwLuaLfsImage *
build_case (const ImageCase *c, GError **error)
{
  return build_image (c->files, G_N_ELEMENTS (c->files), c->sources, NULL, c->target, 0, error);
}

static GBytes *
inflate_gzip (GBytes *file)
{
  z_stream z = { 0 };
  GByteArray *out = g_byte_array_new ();
  int status;

  g_assert_cmpint (inflateInit2 (&z, 16 + MAX_WBITS), ==, Z_OK);
  z.next_in = (Bytef *) g_bytes_get_data (file, NULL);
  z.avail_in = g_bytes_get_size (file);
  do
    {
      guint8 buf[4096];
      z.next_out = buf;
      z.avail_out = sizeof buf;
      status = inflate (&z, Z_NO_FLUSH);
      g_assert_true (status == Z_OK || status == Z_STREAM_END);
      g_byte_array_append (out, buf, sizeof buf - z.avail_out);
    }
  while (status != Z_STREAM_END);
  g_assert_cmpuint (z.avail_in, ==, 0);
  inflateEnd (&z);
  return g_byte_array_free_to_bytes (out);
}

static void
test_image_case (gconstpointer data)
{
  const ImageCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaLfsImage) image = build_case (c, &error);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) file = NULL;
  g_autoptr (GBytes) inflated = NULL;
  g_autoptr (MwLuaLfsImage) back = NULL;
  const guint8 *gz;
  guint n_files;

  g_assert_no_error (error);
  bytes = mw_lua_lfs_image_get_bytes (image);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), c->words,
                   c->n_words * 4);
  g_assert_cmpuint (mw_lua_lfs_image_get_flash_size (image), ==, c->words[1]);
  g_assert_cmpuint (mw_lua_lfs_image_get_n_strings (image), ==, c->n_strings);
  g_assert_cmpuint (mw_lua_lfs_image_get_signature (image), ==, c->words[0]);

  /* the file is a gzip stream (RFC 1952: 1f 8b, deflate) that zlib inflates to the image */
  file = mw_lua_lfs_image_compress (image);
  gz = g_bytes_get_data (file, NULL);
  g_assert_cmpuint (gz[0], ==, 0x1f);
  g_assert_cmpuint (gz[1], ==, 0x8b);
  g_assert_cmpuint (gz[2], ==, 8);
  inflated = inflate_gzip (file);
  g_assert_cmpmem (g_bytes_get_data (inflated, NULL), g_bytes_get_size (inflated), c->words,
                   c->n_words * 4);

  /* read back from the file: the same modules, time and target */
  back = mw_lua_lfs_image_new_from_bytes (gz, g_bytes_get_size (file), &error);
  g_assert_no_error (error);
  g_assert_cmpint (mw_lua_lfs_image_get_timestamp (back), ==, BUILD_TIME);
  g_assert_cmpint (mw_lua_lfs_image_get_target (back), ==, c->target);
  n_files = count_files (c->files, G_N_ELEMENTS (c->files));
  g_assert_cmpuint (mw_lua_lfs_image_get_n_modules (back), ==, n_files);
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = mw_lua_lfs_module_name (c->files[i]);
      g_assert_cmpstr (mw_lua_lfs_image_get_modules (back)[i], ==, name);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* module names and the hash */

static void
test_module_names (void)
{
  static const struct
  {
    const char *file, *name;
  } cases[] = {
    { "a.lua", "a" },
    { "lib/http.lua", "http" },
    { "dir\\sensor.lua", "sensor" },
    { "x.y.lua", "x" }, /* up to the first dot */
    { "./.hidden.lua", "hidden" }, /* leading dots skipped */
    { "noext", "noext" },
    { "d/...", "d/..." }, /* nothing left: the whole name */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = mw_lua_lfs_module_name (cases[i].file);
      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

static void
test_string_hash (void)
{
  /* worked out by hand: see the header comment; "" keeps its seed 0; for "hi":
   * h = 2 ^ (64 + 0 + 'i' 105) = 2 ^ 169 = 171, then 171 ^ (5472 + 42 + 'h' 104) = 0x1559 */
  g_assert_cmpuint (mw_lua_lfs_string_hash ("", 0), ==, 0);
  g_assert_cmpuint (mw_lua_lfs_string_hash ("a", 1), ==, 0x80);
  g_assert_cmpuint (mw_lua_lfs_string_hash ("x", 1), ==, 0x99);
  g_assert_cmpuint (mw_lua_lfs_string_hash ("hi", 2), ==, 0x1559);
}

/* ---------------------------------------------------------------------------------------- */
/* errors: as luac.cross fails, and better */

typedef struct
{
  const char *files[52];
  const char *source; /* every file's, NULL: "return 1" */
  MwLuaNumberType target;
  gsize max_size;
  int code;
  const char *message;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { { "bad.lua" },
    "x = = 1\n",
    MW_LUA_TARGET_FLOAT,
    0,
    MW_LUA_LFS_ERROR_COMPILE,
    "bad.lua:1: unexpected symbol near '='" },
  { { "f.lua" },
    "local a = 1\nreturn a * 1.5\n",
    MW_LUA_TARGET_INTEGER,
    0,
    MW_LUA_LFS_ERROR_COMPILE,
    "f.lua:2: malformed number near '1.5'" }, /* as luac.cross.int says it */
  { { "a.lua", "lib/a.lua" },
    NULL,
    MW_LUA_TARGET_FLOAT,
    0,
    MW_LUA_LFS_ERROR_MODULES,
    "a.lua and lib/a.lua are both module 'a': node.LFS.get would only ever find the first; "
    "rename one" },
  /* case "one" needs 420 bytes (105 words) */
  { { "a.lua" },
    "x = 1\n",
    MW_LUA_TARGET_FLOAT,
    416,
    MW_LUA_LFS_ERROR_TOO_BIG,
    "the image needs 420 bytes of flash, more than the 416 bytes allowed" },
  { { NULL },
    NULL,
    MW_LUA_TARGET_FLOAT,
    0,
    MW_LUA_LFS_ERROR_MODULES,
    "no Lua files given: an LFS image holds at least one module" },
  { { "m01.lua", "m02.lua", "m03.lua", "m04.lua", "m05.lua", "m06.lua", "m07.lua", "m08.lua",
      "m09.lua", "m10.lua", "m11.lua", "m12.lua", "m13.lua", "m14.lua", "m15.lua", "m16.lua",
      "m17.lua", "m18.lua", "m19.lua", "m20.lua", "m21.lua", "m22.lua", "m23.lua", "m24.lua",
      "m25.lua", "m26.lua", "m27.lua", "m28.lua", "m29.lua", "m30.lua", "m31.lua", "m32.lua",
      "m33.lua", "m34.lua", "m35.lua", "m36.lua", "m37.lua", "m38.lua", "m39.lua", "m40.lua",
      "m41.lua", "m42.lua", "m43.lua", "m44.lua", "m45.lua", "m46.lua", "m47.lua", "m48.lua",
      "m49.lua", "m50.lua", "m51.lua" },
    NULL,
    MW_LUA_TARGET_FLOAT,
    0,
    MW_LUA_LFS_ERROR_MODULES,
    "51 modules: an LFS image holds at most 50 (its index function sets them with one SETLIST)" },
};

static char *
many_locals (void)
{
  GString *s = g_string_new ("local x1");

  for (int i = 2; i <= 51; i++)
    g_string_append_printf (s, "\nlocal x%d", i);
  return g_string_free (s, FALSE);
}

static void
test_errors (void)
{
  g_autofree char *locals = many_locals ();

  for (gsize i = 0; i <= G_N_ELEMENTS (error_cases); i++)
    {
      /* the last case: more than 50 locals, which desktop Lua accepts and the firmware not */
      const ErrorCase locals_case = {
        { "big.lua" },
        locals,
        MW_LUA_TARGET_FLOAT,
        0,
        MW_LUA_LFS_ERROR_COMPILE,
        "big.lua:51: main function has more than 50 local variables"
      };
      const ErrorCase *c = i < G_N_ELEMENTS (error_cases) ? &error_cases[i] : &locals_case;
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaLfsImage) image = build_image (c->files, G_N_ELEMENTS (c->files), NULL,
                                                     c->source != NULL ? c->source : "return 1\n",
                                                     c->target, c->max_size, &error);

      g_assert_null (image);
      g_assert_error (error, MW_LUA_LFS_ERROR, c->code);
      g_assert_cmpstr (error->message, ==, c->message);
    }
}

/* Damaged images, case "one" with one word changed: each read fails with what is wrong. */
static const struct
{
  guint word;
  guint32 keep, set; /* the word becomes (word & keep) | set */
  const char *message;
} damaged[] = {
  /* another firmware's signature (Lua 5.3 images say 0xfafaa150 | its own version) */
  { 0, 0, 0x12345678, "not an LFS image of the Lua 5.1 firmware (signature 0x12345678)" },
  /* a size that does not match the bitmap */
  { 1, 0, 400,
    "length mismatch: the header says 400 bytes of flash, the image has 436 bytes with its "
    "bitmap" },
  /* the main function's address without its relocation bit (bitmap word 105, bit 2) */
  { 105, ~(1u << 2), 0, "word 2: a pointer without its relocation bit" },
};

static void
test_read_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaLfsImage) image = NULL;
  g_autoptr (GBytes) file = NULL;
  gsize n = G_N_ELEMENTS (one_words);

  for (gsize i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autofree guint32 *w = g_memdup2 (one_words, sizeof one_words);
      g_autoptr (GError) read_error = NULL;
      g_autoptr (MwLuaLfsImage) bad = NULL;

      w[damaged[i].word] = (w[damaged[i].word] & damaged[i].keep) | damaged[i].set;
      bad = mw_lua_lfs_image_new_from_bytes ((guint8 *) w, n * 4, &read_error);
      g_assert_null (bad);
      g_assert_cmpstr (read_error->message, ==, damaged[i].message);
    }

  /* a cut gzip stream */
  image = mw_lua_lfs_image_new_from_bytes ((guint8 *) one_words, n * 4, &error);
  g_assert_no_error (error);
  file = mw_lua_lfs_image_compress (image);
  g_clear_pointer (&image, mw_lua_lfs_image_unref);
  image = mw_lua_lfs_image_new_from_bytes (g_bytes_get_data (file, NULL),
                                           g_bytes_get_size (file) - 9, &error);
  g_assert_null (image);
  g_assert_cmpstr (error->message, ==, "damaged gzip stream: it ends too soon");
}

/* ---------------------------------------------------------------------------------------- */
/* the firmware's 16 KB inflate window (docs/firmware.md section 9, lflash.c recall_byte) */

/* A de Bruijn sequence over 32 letters: every 3 letters in a row occur once in its 32768, so
 * deflate finds no match inside it (zlib also drops 3-byte matches further than 4 KB). */
static char *
de_bruijn_32_3 (void)
{
  static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEF";
  GString *out = g_string_new (NULL);
  int a[3 * 2] = { 0 };
  int t = 1, p = 1;

  /* the standard recursion, unrolled into a loop over Lyndon words (FKM algorithm) */
  for (;;)
    {
      if (3 % p == 0)
        for (int j = 1; j <= p; j++)
          g_string_append_c (out, letters[a[j]]);
      t = 3;
      while (t > 0 && a[t] == 31)
        t--;
      if (t == 0)
        break;
      a[t]++;
      p = t;
      for (int j = t + 1; j <= 3; j++)
        a[j] = a[j - p];
    }
  return g_string_free (out, FALSE);
}

/* A module returning one string: 16385 bytes of the sequence, then its first 258 again, so
 * that deflate's long match in the image reaches 16385 bytes back. */
static GBytes *
image_with_far_match (MwLuaLfsImage **image)
{
  g_autofree char *seq = de_bruijn_32_3 ();
  g_autofree char *source = g_strdup_printf ("return '%.16385s%.258s'", seq, seq);
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&source), 16385 + 258 + 9);
  const char *name = "far.lua";
  g_autoptr (GError) error = NULL;

  *image = mw_lua_lfs_image_new_from_sources (&name, &bytes, 1, MW_LUA_TARGET_FLOAT, BUILD_TIME, 0,
                                              &error);
  g_assert_no_error (error);
  return mw_lua_lfs_image_get_bytes (*image);
}

/* gzip with zlib's default 32 KB window, as a desktop gzip compresses */
static GBytes *
gzip_32k (GBytes *raw)
{
  z_stream z = { 0 };
  gsize len = g_bytes_get_size (raw);
  guint8 *out;
  gsize cap;

  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  cap = deflateBound (&z, len);
  out = g_malloc (cap);
  z.next_in = (Bytef *) g_bytes_get_data (raw, NULL);
  z.avail_in = (uInt) len;
  z.next_out = out;
  z.avail_out = (uInt) cap;
  g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
  deflateEnd (&z);
  return g_bytes_new_take (out, cap - z.avail_out);
}

/* The firmware copies from at most 16384 bytes back: deflate's one match (the sequence's
 * first 258 letters again) reaching `distance` back fits at 16384 and not at 16385. An image
 * file deflated with a 32 KB window is refused with the firmware's message; the image's own
 * file (a 16 KB window) loads and inflates to the same bytes. */
static void
test_inflate_window (void)
{
  g_autofree char *seq = de_bruijn_32_3 ();
  g_autoptr (MwLuaLfsImage) image = NULL;
  g_autoptr (GBytes) raw = image_with_far_match (&image);
  g_autoptr (GBytes) gz = gzip_32k (raw);
  g_autoptr (GBytes) own = mw_lua_lfs_image_compress (image);
  g_autoptr (MwLuaLfsImage) back = NULL;
  g_autoptr (GBytes) back_bytes = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *loaded = NULL;

  g_assert_cmpuint (strlen (seq), ==, 32768);
  for (gsize distance = 16383; distance <= 16385; distance++)
    {
      char *text = g_strdup_printf ("%.*s%.258s", (int) distance, seq, seq);
      g_autoptr (GBytes) plain = g_bytes_new_take (text, distance + 258);
      g_autoptr (GBytes) stream = gzip_32k (plain);

      g_assert_cmpint (
        mw_lua_lfs_gzip_fits_window (g_bytes_get_data (stream, NULL), g_bytes_get_size (stream)),
        ==, distance <= 16384);
    }

  refused = mw_lua_lfs_image_check_reload (g_bytes_get_data (gz, NULL), g_bytes_get_size (gz),
                                           MW_LUA_TARGET_FLOAT, 0x10000, NULL);
  g_assert_cmpstr (refused, ==, "invalid dictionary offset on inflate");
  g_assert_false (mw_lua_lfs_gzip_fits_window (g_bytes_get_data (gz, NULL), g_bytes_get_size (gz)));
  loaded = mw_lua_lfs_image_check_reload (g_bytes_get_data (own, NULL), g_bytes_get_size (own),
                                          MW_LUA_TARGET_FLOAT, 0x10000, &back);
  g_assert_cmpstr (loaded, ==, NULL);
  back_bytes = mw_lua_lfs_image_get_bytes (back);
  g_assert_true (g_bytes_equal (back_bytes, raw));
}

/* ---------------------------------------------------------------------------------------- */
/* the corpus: every file the firmware accepts, alone and in images of many modules; read
 * back, each module's functions are those the compiler made */

static gboolean
module_equal (MwLuaLfsImage *image, guint i, MwLuaChunk *compiled)
{
  g_autoptr (MwLuaChunk) back = mw_lua_lfs_image_get_module_chunk (image, i);
  g_autofree char *difference = NULL;

  if (!mw_lua_chunk_equal (back, compiled, MW_LUA_CHUNK_COMPARE_ALL, &difference))
    {
      g_test_message ("module %s: %s", mw_lua_lfs_image_get_modules (image)[i], difference);
      return FALSE;
    }
  return TRUE;
}

static void
test_corpus (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  g_autoptr (GPtrArray) batch_names = g_ptr_array_new ();
  g_autoptr (GPtrArray) batch_sources =
    g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) batch_chunks =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_chunk_unref);
  g_autoptr (GHashTable) batch_modules =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize batch_size = 0;
  guint built = 0, refused = 0, batches = 0;

  for (guint i = 0; i <= files->len; i++)
    {
      const char *path = i < files->len ? g_ptr_array_index (files, i) : NULL;
      g_autofree char *data = NULL;
      g_autofree char *name = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaLfsImage) image = NULL;
      g_autoptr (GBytes) source = NULL;
      g_autoptr (MwLuaChunk) compiled = NULL;
      gsize len = 0;

      if (path != NULL)
        {
          g_assert_true (g_file_get_contents (path, &data, &len, NULL));
          source = g_bytes_new_take (g_steal_pointer (&data), len);
          compiled = mw_lua_compiler_compile (path, g_bytes_get_data (source, NULL), len,
                                              MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_NAMES, NULL);
          if (compiled == NULL)
            {
              /* the firmware's compiler refuses it: more than 50 locals in a function */
              refused++;
              continue;
            }
          image = mw_lua_lfs_image_new_from_sources (&path, &source, 1, MW_LUA_TARGET_FLOAT,
                                                     BUILD_TIME, 0, &error);
          g_assert_no_error (error);
          g_assert_true (module_equal (image, 0, compiled));
          built++;
          name = mw_lua_lfs_module_name (path);
        }
      /* batches: up to 20 modules of distinct names, under 64 KB of source */
      if (path == NULL || batch_names->len == 20 || batch_size + len > 65536
          || g_hash_table_contains (batch_modules, name))
        {
          g_autoptr (MwLuaLfsImage) batch = NULL;
          g_autoptr (GBytes) file = NULL;
          g_autoptr (MwLuaLfsImage) back = NULL;

          if (batch_names->len > 0)
            {
              batch = mw_lua_lfs_image_new_from_sources (
                (const char *const *) batch_names->pdata, (GBytes *const *) batch_sources->pdata,
                batch_names->len, MW_LUA_TARGET_FLOAT, BUILD_TIME, 0, &error);
              g_assert_no_error (error);
              file = mw_lua_lfs_image_compress (batch);
              back = mw_lua_lfs_image_new_from_bytes (g_bytes_get_data (file, NULL),
                                                      g_bytes_get_size (file), &error);
              g_assert_no_error (error);
              for (guint m = 0; m < batch_names->len; m++)
                g_assert_true (module_equal (back, m, g_ptr_array_index (batch_chunks, m)));
              batches++;
            }
          g_ptr_array_set_size (batch_names, 0);
          g_ptr_array_set_size (batch_sources, 0);
          g_ptr_array_set_size (batch_chunks, 0);
          g_hash_table_remove_all (batch_modules);
          batch_size = 0;
        }
      if (path == NULL)
        break;
      g_ptr_array_add (batch_names, (gpointer) path);
      g_ptr_array_add (batch_sources, g_bytes_ref (source));
      g_ptr_array_add (batch_chunks, mw_lua_chunk_ref (compiled));
      g_hash_table_add (batch_modules, g_steal_pointer (&name));
      batch_size += len;
    }
  g_test_message ("%u corpus files built alone, %u refused by the compiler, %u batches", built,
                  refused, batches);
  g_assert_cmpuint (built, >, 400);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (image_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/lua/lfs-image/layout/%s", image_cases[i].name);
      g_test_add_data_func (path, &image_cases[i], test_image_case);
    }
  g_test_add_func ("/mw/lua/lfs-image/module-names", test_module_names);
  g_test_add_func ("/mw/lua/lfs-image/string-hash", test_string_hash);
  g_test_add_func ("/mw/lua/lfs-image/errors", test_errors);
  g_test_add_func ("/mw/lua/lfs-image/read-errors", test_read_errors);
  g_test_add_func ("/mw/lua/lfs-image/inflate-window", test_inflate_window);
  g_test_add_func ("/mw/lua/lfs-image/corpus", test_corpus);
  return g_test_run ();
}
