#!/bin/sh
# Start-up time of moonwire-cli, side by side with /bin/true: 200 invocations each of
# `--version`, `check` and `lint` on a one-line file (the local commands an editor or a script
# runs per file), alternating with /bin/true, best of 3 rounds (the machine may be shared).
# Target: each at most 3 ms per invocation above /bin/true.
. "$(dirname "$0")/common.sh"
bench_build
MW="$BENCH_BUILD/src/cli/moonwire-cli"
N=200
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf 'local x = 1\nprint(x)\n' >"$TMP/one.lua"

now () { date +%s%N; }

# run_n CMD...: N invocations, prints the mean microseconds per invocation
run_n () {
  t0=$(now)
  i=0
  while [ $i -lt $N ]; do
    "$@" >/dev/null 2>&1 || true
    i=$((i + 1))
  done
  t1=$(now)
  echo $(( (t1 - t0) / N / 1000 ))
}

min () { if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }

echo "== start-up, $N invocations each, best of 3 rounds (microseconds per invocation)"
bt=""; bv=""; bc=""; bl=""
for round in 1 2 3; do
  bt=$(min "$bt" "$(run_n /bin/true)")
  bv=$(min "$bv" "$(run_n "$MW" --version)")
  bt=$(min "$bt" "$(run_n /bin/true)")
  bc=$(min "$bc" "$(run_n "$MW" check -q "$TMP/one.lua")")
  bt=$(min "$bt" "$(run_n /bin/true)")
  bl=$(min "$bl" "$(run_n "$MW" lint --no-config -q "$TMP/one.lua")")
done
awk -v t="$bt" -v v="$bv" -v c="$bc" -v l="$bl" 'BEGIN {
  printf "/bin/true                      %6.2f ms\n", t / 1000
  printf "moonwire-cli --version         %6.2f ms  (+%.2f ms)\n", v / 1000, (v - t) / 1000
  printf "moonwire-cli check one.lua     %6.2f ms  (+%.2f ms)\n", c / 1000, (c - t) / 1000
  printf "moonwire-cli lint one.lua      %6.2f ms  (+%.2f ms)\n", l / 1000, (l - t) / 1000
  printf "target: at most +3 ms above /bin/true\n"
}'
