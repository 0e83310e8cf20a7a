#!/usr/bin/python3
"""ui-domain: every ui/**/*.ui file is well-formed XML whose <interface> root carries
domain="GETTEXT_PACKAGE" (PLATFORM.md, runtime language switching: we never call
textdomain(), so a .ui file without it would never be translated). Skips (77) while there
is no .ui file at all.
    check-ui-domain.py SOURCE_ROOT GETTEXT_PACKAGE"""
import os
import sys
import xml.etree.ElementTree as ET

source_root, domain = sys.argv[1], sys.argv[2]
ui_dir = os.path.join(source_root, "ui")

files = []
for dirpath, dirnames, filenames in os.walk(ui_dir):
    dirnames.sort()
    files += [os.path.join(dirpath, n) for n in sorted(filenames) if n.endswith(".ui")]
if not files:
    print("no .ui file yet")
    sys.exit(77)

failures = []
for path in files:
    rel = os.path.relpath(path, source_root)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        failures.append(f"{rel}: not well-formed XML: {e}")
        continue
    if root.tag != "interface":
        failures.append(f"{rel}: root element is <{root.tag}>, not <interface>")
    elif root.get("domain") != domain:
        failures.append(f'{rel}: <interface> has domain="{root.get("domain")}", '
                        f'expected domain="{domain}"')
    else:
        print(f"{rel}: ok")

for f in failures:
    print(f"FAIL {f}", file=sys.stderr)
sys.exit(1 if failures else 0)
