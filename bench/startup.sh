#!/bin/sh
# Start-up time of moonwire-cli, side by side with /bin/true: 200 invocations each of
# `--version`, `check` and `lint` on a one-line file (the local commands an editor or a script
# runs per file), alternating with /bin/true, best of 3 rounds (the machine may be shared).
# Prints wall-clock and CPU (user + system) time per invocation; the CPU figure moves less on
# a busy machine. Target: each at most 3 ms per invocation above /bin/true.
. "$(dirname "$0")/common.sh"
bench_build
MW="$BENCH_BUILD/src/cli/moonwire-cli"
N=200
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf 'local x = 1\nprint(x)\n' >"$TMP/one.lua"

# children's CPU seconds so far, from this shell's `times` (not in a subshell: its children
# would be none)
cpu () { awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$TMP/times"; }

# run_n CMD...: N invocations; prints "wall_us cpu_us" per invocation
run_n () {
  times >"$TMP/times"
  c0=$(cpu)
  t0=$(date +%s%N)
  i=0
  while [ $i -lt $N ]; do
    "$@" >/dev/null 2>&1 || true
    i=$((i + 1))
  done
  t1=$(date +%s%N)
  times >"$TMP/times"
  c1=$(cpu)
  awk -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v n="$N" \
    'BEGIN { printf "%d %d\n", (t1 - t0) / n / 1000, (c1 - c0) * 1e6 / n }'
}

# best "wall cpu" of two
best () {
  if [ -z "$1" ]; then echo "$2"; return; fi
  echo "$1 $2" | awk '{ w = $1 < $3 ? $1 : $3; c = $2 < $4 ? $2 : $4; print w, c }'
}

echo "== start-up, $N invocations each, best of 3 rounds, alternating with /bin/true"
bt=""; bv=""; bc=""; bl=""
for round in 1 2 3; do
  bt=$(best "$bt" "$(run_n /bin/true)")
  bv=$(best "$bv" "$(run_n "$MW" --version)")
  bt=$(best "$bt" "$(run_n /bin/true)")
  bc=$(best "$bc" "$(run_n "$MW" check -q "$TMP/one.lua")")
  bt=$(best "$bt" "$(run_n /bin/true)")
  bl=$(best "$bl" "$(run_n "$MW" lint --no-config -q "$TMP/one.lua")")
done
echo "$bt $bv $bc $bl" | awk '{
  printf "%-28s %9s %9s %11s %11s\n", "per invocation", "wall ms", "cpu ms", "wall - true", "cpu - true"
  row("/bin/true", $1, $2, $1, $2)
  row("moonwire-cli --version", $3, $4, $1, $2)
  row("moonwire-cli check one.lua", $5, $6, $1, $2)
  row("moonwire-cli lint one.lua", $7, $8, $1, $2)
  printf "target: at most +3 ms above /bin/true\n"
}
function row (name, w, c, tw, tc) {
  printf "%-28s %9.2f %9.2f %+11.2f %+11.2f\n", name, w / 1000, c / 1000, (w - tw) / 1000, (c - tc) / 1000
}'
