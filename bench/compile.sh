#!/bin/sh
# Compiles the whole Lua corpus to NodeMCU float bytecode in one process and prints MB/s of
# source. Target: at least 40 MB/s.
. "$(dirname "$0")/common.sh"
bench_build
bench_corpus
echo "== moonwire compile (host liblua5.1 + NodeMCU float .lc), $(wc -l <"$CORPUS_LIST") corpus files"
# shellcheck disable=SC2046
"$BENCH_BUILD/bench/bench-compile" $(cat "$CORPUS_LIST")
