#!/bin/sh
# The app's soak: the window against a simulated board that keeps running out of memory and
# restarting while heap samples, uploads and a console flood are in flight (tests/app/test-soak.c),
# under AddressSanitizer. MOONWIRE_SOAK_SECONDS sets its length (default here: 300; scripts/test
# runs the same test for 60 s). Prints what the run counted: boots counted by the board, resets
# logged, reset signals, restart notes in the console, samples, uploads, flood lines.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${MOONWIRE_TEST_BUILD:-$TOP/build-test}
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
fi
meson compile -C "$BUILD"
export MOONWIRE_SOAK_SECONDS=${MOONWIRE_SOAK_SECONDS:-300}
echo "== moonwire app soak, $MOONWIRE_SOAK_SECONDS s (ASan+UBSan build, Xvfb)"
status=0
xvfb-run -a -s "-screen 0 1280x800x24" \
  meson test -C "$BUILD" --suite soak --verbose || status=$?
# what the test counted: the boots the board counted itself beside the restarts the app saw
sed -n 's/^# \([0-9]* s: .*\)/\1/p' "$BUILD/meson-logs/testlog.txt"
exit "$status"
