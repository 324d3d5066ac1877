#!/bin/sh
# Fails when a C file under src/, tests/ or bench/ differs from what .clang-format makes of it,
# and names each such file with the first lines that differ. Fix with:
#   clang-format -i $(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]')
set -u
top=$1
cd "$top" || exit 2
command -v clang-format >/dev/null 2>&1 || { echo "clang-format is not installed (scripts/bootstrap installs it)"; exit 1; }
bad=0
for f in $(find src tests bench -name '*.[ch]' | sort); do
  if ! clang-format --style=file "$f" | cmp -s "$f" -; then
    echo "not formatted: $f"
    clang-format --style=file "$f" | diff "$f" - | head -8
    bad=$((bad + 1))
  fi
done
[ "$bad" -eq 0 ] && echo "every C file matches .clang-format"
exit "$bad"
