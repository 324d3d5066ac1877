#!/bin/sh
# Compiles the whole Lua corpus to NodeMCU float bytecode in one process with Moonwire's code
# generator and, side by side, with liblua5.1 re-encoded; prints MB/s of source for both.
# Target: at least 80 MB/s for the code generator.
. "$(dirname "$0")/common.sh"
bench_build
bench_corpus
echo "== moonwire compile (code generator vs liblua5.1, NodeMCU float .lc), $(wc -l <"$CORPUS_LIST") corpus files"
# shellcheck disable=SC2046
"$BENCH_BUILD/bench/bench-compile" $(cat "$CORPUS_LIST")
