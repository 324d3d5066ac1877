# Shared by bench/*.sh: a release build of the project (no sanitizers) and the corpus list.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BENCH_BUILD=${MOONWIRE_BENCH_BUILD:-$TOP/build-release}

bench_build () {
  "$TOP/scripts/bootstrap" >/dev/null
  if [ ! -f "$BENCH_BUILD/build.ninja" ]; then
    meson setup "$BENCH_BUILD" "$TOP" --buildtype=release -Db_sanitize=none >/dev/null
  fi
  meson compile -C "$BENCH_BUILD" >/dev/null
}

bench_corpus () {
  CORPUS_LIST=$(mktemp)
  trap 'rm -f "$CORPUS_LIST"' EXIT
  "$TOP/scripts/lua-corpus" list >"$CORPUS_LIST"
}
