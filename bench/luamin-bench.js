// luamin-bench.js: runs luamin (the minifier behind nodemcu-tool --minify) over Lua files in
// one process and prints the output/input ratio and MB/s, best of three rounds. Files it
// throws on are counted and left out of the ratio. Usage: node luamin-bench.js LUAMIN_DIR FILE...
'use strict';
const fs = require('fs');
const path = require('path');
const luamin = require(path.join(process.argv[2], 'node_modules', 'luamin'));
const files = process.argv.slice(3).map((f) => fs.readFileSync(f, 'latin1'));
let best = Infinity, bytesIn = 0, bytesOut = 0, failed = 0;
for (let round = 0; round < 3; round++) {
  let inb = 0, outb = 0, fails = 0;
  const start = process.hrtime.bigint();
  for (const src of files) {
    try {
      const out = luamin.minify(src);
      inb += src.length;
      outb += Buffer.byteLength(out, 'latin1');
    } catch (e) {
      fails++;
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (ms < best) best = ms;
  bytesIn = inb; bytesOut = outb; failed = fails;
}
console.log(`files: ${files.length} (${failed} refused)`);
console.log(`bytes in: ${bytesIn}\nbytes out: ${bytesOut}`);
console.log(`ratio: ${(bytesOut / bytesIn).toFixed(4)}`);
console.log(`best of 3: ${best.toFixed(1)} ms\nthroughput: ${(bytesIn / best / 1000).toFixed(1)} MB/s`);
