#!/bin/bash
# The Lua Flash Store, side by side with its peer:
# 1. image build speed over the corpus (MB/s of source), moonwire-cli lfs build vs luac.cross -f
#    (set LUAC_CROSS to the firmware's luac.cross to compare; it is not part of the project);
# 2. the heap a realistic project (bench/lfs-project: a web server, a sensor driver, a settings
#    store) leaves free in moonwire-sim with its modules loaded from SPIFFS vs from LFS.
. "$(dirname "$0")/common.sh"
bench_build
bench_corpus
CLI="$BENCH_BUILD/src/cli/moonwire-cli"
SIM="$BENCH_BUILD/src/cli/moonwire-sim"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK" "$CORPUS_LIST"; [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null' EXIT

# Batches of at most 40 modules of distinct names and 96 KB of source, in corpus order, as
# one would group a project's modules into images.
batch=0; n=0; size=0; names=" "
: >"$WORK/batch0"
while read -r f; do
  name=$(basename "$f"); name=${name%%.*}
  s=$(stat -c %s "$f")
  if [ "$n" -ge 40 ] || [ $((size + s)) -gt 98304 ] || [[ "$names" == *" $name "* ]]; then
    batch=$((batch + 1)); n=0; size=0; names=" "; : >"$WORK/batch$batch"
  fi
  echo "$f" >>"$WORK/batch$batch"; n=$((n + 1)); size=$((size + s)); names="$names$name "
done <"$CORPUS_LIST"
total=$(cat "$CORPUS_LIST" | xargs stat -c %s | awk '{s+=$1} END {print s}')

build_all () { # $1: command prefix; prints seconds
  local start end ok=0 failed=0
  start=$(date +%s.%N)
  for b in "$WORK"/batch*; do
    # shellcheck disable=SC2046
    if "$@" -o "$WORK/out.img" $(cat "$b") >/dev/null 2>&1; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
  done
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $ok $failed"
}

echo "== LFS image build: $(wc -l <"$CORPUS_LIST") corpus files, $total bytes of source, $((batch + 1)) images"
read -r secs ok failed < <(build_all "$CLI" lfs build)
printf "%-28s %8.3f s %8.2f MB/s  (%d images, %d refused: over 50 locals)\n" "moonwire-cli lfs build" \
  "$secs" "$(echo "$total / $secs / 1000000" | bc -l)" "$ok" "$failed"
if [ -n "${LUAC_CROSS:-}" ] && [ -x "$LUAC_CROSS" ]; then
  read -r secs ok failed < <(build_all "$LUAC_CROSS" -f)
  printf "%-28s %8.3f s %8.2f MB/s  (%d images, %d refused: over 50 locals)\n" "luac.cross -f" \
    "$secs" "$(echo "$total / $secs / 1000000" | bc -l)" "$ok" "$failed"
else
  echo "luac.cross -f                (set LUAC_CROSS to the firmware's luac.cross to compare)"
fi

echo "== free heap with bench/lfs-project loaded (moonwire-sim, 44 KB board)"
PROJECT="$TOP/bench/lfs-project"
mkdir -p "$WORK/fs"
"$SIM" --baud-limit off --fs "$WORK/fs" --link "$WORK/tty" >/dev/null 2>&1 &
SIM_PID=$!
for _ in $(seq 50); do [ -e "$WORK/tty" ] && break; sleep 0.1; done
P="--port $WORK/tty"
LOAD='collectgarbage() local h0 = node.heap() H = require("httpd") S = require("ds18b20") C = require("config") collectgarbage() print(h0, node.heap())'
# shellcheck disable=SC2086
"$CLI" put $P "$PROJECT"/httpd.lua "$PROJECT"/ds18b20.lua "$PROJECT"/config.lua >/dev/null
# shellcheck disable=SC2086
read -r spiffs_base spiffs_after < <("$CLI" exec $P "$LOAD" | tr -d '\r')
# shellcheck disable=SC2086
"$CLI" rm $P httpd.lua ds18b20.lua config.lua >/dev/null
# shellcheck disable=SC2086
"$CLI" lfs flash $P "$PROJECT"/httpd.lua "$PROJECT"/ds18b20.lua "$PROJECT"/config.lua >"$WORK/flash.txt"
# shellcheck disable=SC2086
read -r lfs_base lfs_after < <("$CLI" exec $P "package.loaders[3] = function(m) return node.LFS.get(m) end $LOAD" | tr -d '\r')
printf "%-28s %6s bytes free before, %6s after: the modules take %5d bytes\n" "from SPIFFS (require .lua)" \
  "$spiffs_base" "$spiffs_after" $((spiffs_base - spiffs_after))
printf "%-28s %6s bytes free before, %6s after: the modules take %5d bytes\n" "from LFS (lfs flash)" \
  "$lfs_base" "$lfs_after" $((lfs_base - lfs_after))
echo "saved by LFS: $(( (spiffs_base - spiffs_after) - (lfs_base - lfs_after) )) bytes of heap"
# shellcheck disable=SC2086
"$CLI" lfs build -o "$WORK/p.img" "$PROJECT"/httpd.lua "$PROJECT"/ds18b20.lua "$PROJECT"/config.lua >/dev/null
"$CLI" lfs info "$WORK/p.img" | tail -4
