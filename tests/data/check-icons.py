#!/usr/bin/python3
"""icons: the application icon and its symbolic variant are well-formed SVG of the right
size (128×128 and 16×16, width/height and viewBox), contain no text, reference only ids
they define, and the symbolic one paints with the single colour #2e3436.
    check-icons.py SCALABLE.svg SYMBOLIC.svg"""
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SYMBOLIC_COLOR = "#2e3436"

failures = []


def number(value):
    return float(re.sub(r"px$", "", value or "nan"))


def check(path, size, symbolic):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        failures.append(f"{path}: cannot be parsed: {e}")
        return
    if root.tag != SVG + "svg":
        failures.append(f"{path}: root element is {root.tag}, not an SVG <svg>")
        return
    view_box = [float(v) for v in re.split(r"[\s,]+", (root.get("viewBox") or "").strip()) if v]
    if view_box != [0, 0, size, size]:
        failures.append(f'{path}: viewBox is "{root.get("viewBox")}", expected "0 0 {size} {size}"')
    for attr in ("width", "height"):
        if number(root.get(attr)) != size:
            failures.append(f'{path}: {attr} is "{root.get(attr)}", expected {size}')

    ids = {e.get("id") for e in root.iter() if e.get("id")}
    for e in root.iter():
        tag = e.tag.replace(SVG, "")
        if tag in ("text", "tspan", "image"):
            failures.append(f"{path}: contains <{tag}> (icons are drawn, without text or bitmaps)")
        for ref in (e.get("href"), e.get(XLINK_HREF)):
            if ref and ref.startswith("#") and ref[1:] not in ids:
                failures.append(f"{path}: reference to undefined {ref}")
        for attr in ("fill", "stroke", "style"):
            value = e.get(attr) or ""
            for ref in re.findall(r"url\(#([^)]+)\)", value):
                if ref not in ids:
                    failures.append(f"{path}: reference to undefined #{ref}")
            if symbolic:
                colors = re.findall(r"#[0-9a-fA-F]{3,8}\b|url\(|rgb|hsl", value)
                bad = [c for c in colors if c.lower() != SYMBOLIC_COLOR]
                if bad:
                    failures.append(f"{path}: <{tag}> {attr} uses {bad}, symbolic icons use "
                                    f"{SYMBOLIC_COLOR} only")
        if symbolic and tag == "path" and (e.get("fill") or "").lower() != SYMBOLIC_COLOR:
            failures.append(f"{path}: a <path> without fill={SYMBOLIC_COLOR}")
    print(f"{path}: checked")


check(sys.argv[1], 128, symbolic=False)
check(sys.argv[2], 16, symbolic=True)
for f in failures:
    print(f"FAIL {f}", file=sys.stderr)
sys.exit(1 if failures else 0)
