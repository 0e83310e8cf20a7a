#!/usr/bin/python3
"""po-check: every language in po/LINGUAS has a po/<lang>.po that passes
`msgfmt --check --check-format`, and every po/*.po is listed in LINGUAS.
    check-po.py PO_DIR"""
import os
import subprocess
import sys

po_dir = sys.argv[1]
linguas_path = os.path.join(po_dir, "LINGUAS")
failures = []

languages = []
with open(linguas_path, encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            languages.extend(line.split())
if not languages:
    failures.append(f"{linguas_path}: lists no language")
if len(set(languages)) != len(languages):
    failures.append(f"{linguas_path}: lists a language twice")

for lang in languages:
    po = os.path.join(po_dir, f"{lang}.po")
    if not os.path.isfile(po):
        failures.append(f"{lang}: listed in LINGUAS but {po} does not exist")
        continue
    result = subprocess.run(["msgfmt", "--check", "--check-format", "--statistics",
                             "-o", os.devnull, po],
                            capture_output=True, text=True)
    print(f"{lang}: {result.stderr.strip()}")
    if result.returncode != 0:
        failures.append(f"{lang}: msgfmt --check failed")

for name in sorted(os.listdir(po_dir)):
    if name.endswith(".po") and name[:-3] not in languages:
        failures.append(f"{name}: not listed in LINGUAS (it would never be built)")

for f in failures:
    print(f"FAIL {f}", file=sys.stderr)
sys.exit(1 if failures else 0)
