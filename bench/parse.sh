#!/bin/sh
# Lexes, parses and resolves the whole Lua corpus in one process and prints MB/s.
# Target: at least 50 MB/s.
. "$(dirname "$0")/common.sh"
bench_build
bench_corpus
echo "== moonwire front end (lex + parse + resolve), $(wc -l <"$CORPUS_LIST") corpus files"
# shellcheck disable=SC2046
"$BENCH_BUILD/bench/bench-parse" $(cat "$CORPUS_LIST")
