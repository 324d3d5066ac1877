#!/bin/sh
# Minifies the whole Lua corpus in one process, verification included, and prints the size
# ratio (output/input) and MB/s for the default mode and --keep-lines, beside luamin 1.0.4
# (nodemcu-tool's minifier, from npm) on the same files and LuaSrcDiet's published figures.
# Targets: ratio < 0.457 (LuaSrcDiet --maximum), < 0.477 with --keep-lines, >= 20 MB/s.
. "$(dirname "$0")/common.sh"
bench_build
bench_corpus
N=$(wc -l <"$CORPUS_LIST")

echo "== moonwire minify (verified), $N corpus files"
# shellcheck disable=SC2046
"$BENCH_BUILD/bench/bench-minify" $(cat "$CORPUS_LIST")
echo
echo "== moonwire minify --keep-lines (verified, line info identical)"
# shellcheck disable=SC2046
"$BENCH_BUILD/bench/bench-minify" --keep-lines $(cat "$CORPUS_LIST")
echo
echo "== moonwire minify --no-literals (renaming and printing alone)"
# shellcheck disable=SC2046
"$BENCH_BUILD/bench/bench-minify" --no-literals $(cat "$CORPUS_LIST") | grep -E "^(ratio|refused)"
echo
echo "== LuaSrcDiet 0.3 --maximum (published figures; not packaged in Debian)"
echo "ratio: 0.457 (0.477 with line breaks kept)"
echo "throughput: about 1.5 MB/s"
echo
echo "== luamin 1.0.4 (npm; no verification, changes the meaning of some files)"
LUAMIN_DIR=${MOONWIRE_LUAMIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/moonwire/luamin-1.0.4}
if [ ! -d "$LUAMIN_DIR/node_modules/luamin" ]; then
  if ! command -v npm >/dev/null; then
    echo "npm missing (scripts/bootstrap installs it): luamin skipped"
    exit 0
  fi
  mkdir -p "$LUAMIN_DIR"
  npm install --silent --no-audit --no-fund --prefix "$LUAMIN_DIR" luamin@1.0.4 >/dev/null
fi
# shellcheck disable=SC2046
node "$TOP/bench/luamin-bench.js" "$LUAMIN_DIR" $(cat "$CORPUS_LIST")
