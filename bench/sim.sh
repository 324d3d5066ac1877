#!/bin/sh
# The simulated board: a 64 KB paste at 115200 with the line rate on, against the line-rate
# ideal (target < 5% over), an idle board's CPU use (target < 1%), and boot time.
. "$(dirname "$0")/common.sh"
bench_build
echo "== moonwire-sim"
"$BENCH_BUILD/bench/bench-sim"
