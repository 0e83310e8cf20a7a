#!/bin/sh
# desktop-file-validate on the built (merged) desktop file. Some of its errors still exit 0
# (Debian's 0.26), so any line that reports an error fails the test as well.
#   validate-desktop.sh FILE.desktop
set -u
file=${1:?usage: validate-desktop.sh FILE.desktop}
[ -f "$file" ] || { echo "validate-desktop: $file does not exist" >&2; exit 1; }

out=$(desktop-file-validate "$file" 2>&1)
status=$?
[ -n "$out" ] && printf '%s\n' "$out"

# Drop the "FILE: " prefix so a build directory named like "…error…" cannot match.
if printf '%s\n' "$out" | sed "s|^$file: ||" | grep -qi 'error'; then
  echo "validate-desktop: errors reported for $file" >&2
  exit 1
fi
if [ $status -ne 0 ]; then
  echo "validate-desktop: desktop-file-validate exited with $status" >&2
  exit 1
fi
echo "validate-desktop: $file is valid"
