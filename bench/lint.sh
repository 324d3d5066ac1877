#!/bin/sh
# Lints the whole Lua corpus with Moonwire and with luacheck (Debian's lua-check), side by
# side in one run, and prints both times and the ratio. Target: Moonwire at least 20x faster.
. "$(dirname "$0")/common.sh"
bench_build
bench_corpus
command -v luacheck >/dev/null || { echo "lint.sh: luacheck missing; run scripts/bootstrap" >&2; exit 1; }
N=$(wc -l <"$CORPUS_LIST")

now () { date +%s.%N; }

echo "== lint, $N corpus files, one process each tool, no config, no cache"
# shellcheck disable=SC2046
t0=$(now)
"$BENCH_BUILD/src/cli/moonwire-cli" lint --no-config --formatter=plain $(cat "$CORPUS_LIST") >/dev/null || true
t1=$(now)
# shellcheck disable=SC2046
luacheck --no-config --no-cache -q $(cat "$CORPUS_LIST") >/dev/null || true
t2=$(now)
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" 'BEGIN {
  m = t1 - t0; l = t2 - t1
  printf "moonwire-cli lint       %8.3f s\n", m
  printf "luacheck --no-cache -q  %8.3f s\n", l
  printf "ratio                   %8.1fx (target: 20x)\n", l / m
}'
