#!/bin/sh
# Fails when a C file under src/, tests/ or bench/ differs from what .clang-format makes of it,
# and names each such file with the first lines that differ. Fix with:
#   clang-format -i $(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]')
set -u
cd "$1" || exit 2
command -v clang-format >/dev/null 2>&1 || {
  echo "clang-format is not installed (scripts/bootstrap installs it)"
  exit 1
}
log=$(mktemp)
files=$(find src tests bench -name '*.[ch]' | sort)
if clang-format --style=file --dry-run --Werror $files 2>"$log"; then
  rm -f "$log"
  echo "every C file matches .clang-format"
  exit 0
fi
grep -o '^[^:]*\.[ch]' "$log" | sort -u | sed 's/^/not formatted: /'
head -40 "$log"
rm -f "$log"
exit 1
