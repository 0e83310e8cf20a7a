#!/usr/bin/python3
"""potfiles: every *.c, *.h and *.ui file under src/ and ui/ that has translatable strings
(_(), N_(), C_(), NC_(), translatable="yes") is listed in po/POTFILES.in, and every
file listed there exists. Walks the file system, so it works without git.
    check-potfiles.py SOURCE_ROOT"""
import os
import re
import sys

source_root = sys.argv[1]
potfiles_in = os.path.join(source_root, "po", "POTFILES.in")

C_MARK = re.compile(r"\b(?:N|C|NC)?_\s*\(")
# Comments are dropped (a "_()" in a comment is no string); string literals are kept whole
# so that "https://…" does not start a comment.
C_TOKENS = re.compile(r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|/\*.*?\*/|//[^\n]*""", re.S)
UI_MARK = re.compile(r"""translatable\s*=\s*["'](?:yes|true|1)["']""", re.I)


def strip_comments(text):
    return C_TOKENS.sub(lambda m: m.group(0) if m.group(0)[0] in "\"'" else " ", text)


listed = []
with open(potfiles_in, encoding="utf-8") as f:
    for number, line in enumerate(f, 1):
        line = line.strip()
        if line and not line.startswith("#"):
            listed.append((number, line))

failures = []
seen = set()
for number, path in listed:
    if path in seen:
        failures.append(f"POTFILES.in:{number}: {path} is listed twice")
    seen.add(path)
    if not os.path.isfile(os.path.join(source_root, path)):
        failures.append(f"POTFILES.in:{number}: {path} does not exist")

found = []
for top in ("src", "ui"):
    for dirpath, dirnames, filenames in os.walk(os.path.join(source_root, top)):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, source_root).replace(os.sep, "/")
            if name.endswith((".c", ".h")):
                with open(full, encoding="utf-8", errors="replace") as f:
                    text = strip_comments(f.read())
                if C_MARK.search(text):
                    found.append(rel)
            elif name.endswith(".ui"):
                with open(full, encoding="utf-8", errors="replace") as f:
                    if UI_MARK.search(f.read()):
                        found.append(rel)

for rel in found:
    if rel not in seen:
        failures.append(f"{rel} has translatable strings but is not in po/POTFILES.in")

print(f"{len(found)} source file(s) with translatable strings, {len(listed)} listed")
for f in failures:
    print(f"FAIL {f}", file=sys.stderr)
sys.exit(1 if failures else 0)
