#!/bin/sh
# The desktop app's figures under a virtual display: time to the first frame, resident memory
# after the first frame and after an hour of heap samples (fast-forwarded), and console
# throughput under a 1 MB/s flood with the longest main-loop stall (target < 50 ms).
. "$(dirname "$0")/common.sh"
bench_build
if [ ! -x "$BENCH_BUILD/bench/bench-app" ]; then
  echo "bench-app was not built: the release tree has no GTK" >&2
  exit 1
fi
echo "== moonwire desktop app (release build, Xvfb 1280x800)"
export GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
export GSETTINGS_SCHEMA_DIR="$BENCH_BUILD/resources"
MW_BENCH_T0_NS=$(date +%s%N) xvfb-run -a -s "-screen 0 1280x800x24" "$BENCH_BUILD/bench/bench-app"
