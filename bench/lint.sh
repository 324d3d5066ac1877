#!/bin/sh
# Lints the whole Lua corpus with Moonwire and with luacheck (Debian's lua-check), side by
# side in one run, and prints both times and the ratio. Target: Moonwire at least 20x faster.
# Each tool runs 3 times, alternating, and its best time counts (the machine may be shared).
. "$(dirname "$0")/common.sh"
bench_build
bench_corpus
command -v luacheck >/dev/null || { echo "lint.sh: luacheck missing; run scripts/bootstrap" >&2; exit 1; }
N=$(wc -l <"$CORPUS_LIST")
MW="$BENCH_BUILD/src/cli/moonwire-cli"

now () { date +%s.%N; }

echo "== lint, $N corpus files, one process per tool run, no config, no cache, best of 3"
best_mw=""
best_lc=""
for run in 1 2 3; do
  t0=$(now)
  # shellcheck disable=SC2046
  "$MW" lint --no-config --formatter=plain $(cat "$CORPUS_LIST") >/dev/null || true
  t1=$(now)
  # shellcheck disable=SC2046
  luacheck --no-config --no-cache -q $(cat "$CORPUS_LIST") >/dev/null || true
  t2=$(now)
  best_mw=$(awk -v a="$t0" -v b="$t1" -v best="$best_mw" \
    'BEGIN { d = b - a; if (best == "" || d < best) print d; else print best }')
  best_lc=$(awk -v a="$t1" -v b="$t2" -v best="$best_lc" \
    'BEGIN { d = b - a; if (best == "" || d < best) print d; else print best }')
done
awk -v m="$best_mw" -v l="$best_lc" 'BEGIN {
  printf "moonwire-cli lint       %8.3f s\n", m
  printf "luacheck --no-cache -q  %8.3f s\n", l
  printf "ratio                   %8.1fx (target: 20x)\n", l / m
}'
# peak resident memory (GNU time): Moonwire frees each file's trees, so it follows the
# largest file, not the corpus
if [ -x /usr/bin/time ]; then
  # shellcheck disable=SC2046
  mw_kb=$(/usr/bin/time -f %M "$MW" lint --no-config --formatter=plain $(cat "$CORPUS_LIST") 2>&1 >/dev/null | tail -1)
  # shellcheck disable=SC2046
  lc_kb=$(/usr/bin/time -f %M luacheck --no-config --no-cache -q $(cat "$CORPUS_LIST") 2>&1 >/dev/null | tail -1)
  big=$(xargs ls -l <"$CORPUS_LIST" | awk '{ if ($5 > m) m = $5 } END { print m }')
  all=$(xargs cat <"$CORPUS_LIST" | wc -c)
  awk -v m="$mw_kb" -v l="$lc_kb" -v b="$big" -v a="$all" 'BEGIN {
    printf "peak memory: moonwire-cli %.1f MB, luacheck %.1f MB (corpus %.1f MB, largest file %.0f KB)\n", m / 1024, l / 1024, a / 1048576, b / 1024
  }'
fi
