#!/bin/sh
# Takes a heap snapshot of moonwire-sim at 115200 with the line rate on, holding about 500
# objects (the board's own modules, bit, file, node, tmr and uart, plus 10 records of a
# table, two strings and a closure each), and prints the snapshot time, the bytes received
# per object and the walker's peak heap cost. No other NodeMCU tool takes heap snapshots; beside each time stands the lower
# bound the serial line sets for the bytes the walk moved (both directions, echo included).
. "$(dirname "$0")/common.sh"
bench_build

CLI="$BENCH_BUILD/src/cli/moonwire-cli"
SIM="$BENCH_BUILD/src/cli/moonwire-sim"
WORK=$(mktemp -d)
SIM_PID=""
cleanup () {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

"$SIM" --baud-limit=on --modules=bit,file,node,tmr,uart --link="$WORK/pty" >"$WORK/sim.out" 2>&1 &
SIM_PID=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -e "$WORK/pty" ] && break; sleep 0.2; done

"$CLI" exec --port "$WORK/pty" "recs={} for i=1,10 do local n=0 recs[i]={name='rec'..i,tag=string.rep('t',30)..i,inc=function() n=n+1 return n end} end" >/dev/null

now () { date +%s.%N; }
t0=$(now)
"$CLI" heap --port "$WORK/pty" --snapshot -o "$WORK/snap.json" --top 1 >"$WORK/out.txt" || { echo "moonwire-cli heap --snapshot failed"; cat "$WORK/out.txt"; exit 1; }
t1=$(now)
objects=$(sed -n 's/^\([0-9]*\) objects.*/\1/p' "$WORK/out.txt")
received=$(sed -n 's/^walk: \([0-9]*\) requests, \([0-9]*\) bytes received in \([0-9.]*\) s.*peak: \([0-9]*\) bytes.*/\2/p' "$WORK/out.txt")
requests=$(sed -n 's/^walk: \([0-9]*\) requests.*/\1/p' "$WORK/out.txt")
walk=$(sed -n 's/^walk: .* received in \([0-9.]*\) s.*/\1/p' "$WORK/out.txt")
peak=$(sed -n 's/^walk: .*peak: \([0-9]*\) bytes.*/\1/p' "$WORK/out.txt")
# requests and the walker's install commands (about 46 lines), at most 250 bytes each
sent=$(awk -v r="$requests" 'BEGIN { print (r + 46) * 250 }')

echo "== heap snapshot of moonwire-sim at 115200 (line rate on)"
awk -v o="$objects" -v t="$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')" -v w="$walk" \
    -v rx="$received" -v tx="$sent" -v p="$peak" -v q="$requests" 'BEGIN {
  line = (rx + 2 * tx) * 10 / 115200
  printf "%-44s %6d\n", "objects in the snapshot", o
  printf "%-44s %6.2f s   (line bound for its bytes: %.2f s)\n", "moonwire-cli heap --snapshot, whole command", t, line
  printf "%-44s %6.2f s\n", "  of which the walk (install, requests, removal)", w
  printf "%-44s %6d     (%d requests of at most 250 bytes)\n", "bytes received from the walker", rx, q
  printf "%-44s %6.1f\n", "bytes received per object", rx / o
  printf "%-44s %6d B\n", "walker peak heap cost (node.heap() low-water)", p
}'
