#!/usr/bin/python3
"""Prints per-suite results and the closing line "N passed, N failed[, N skipped]" from the
meson test logs of the given build directories. Exit status 1 on any failure or when no test
ran at all (a suite that silently ran nothing must not look green)."""
import collections
import json
import os
import sys

passed = failed = skipped = 0
per_suite = collections.Counter()
failures = []
for build in sys.argv[1:]:
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        failed += 1
        failures.append(f"{os.path.basename(build)}: no test log")
        continue
    for line in open(log, encoding="utf-8"):
        entry = json.loads(line)
        result = entry.get("result")
        # meson 1.0 names tests "project:suite / test"
        suite = entry.get("name", "?").split(" / ")[0].split(":")[-1]
        key = f"{os.path.basename(build)}/{suite}"
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
            per_suite[key, "passed"] += 1
        elif result == "SKIP":
            skipped += 1
            per_suite[key, "skipped"] += 1
        else:
            failed += 1
            per_suite[key, "failed"] += 1
            failures.append(f"{key}: {entry.get('name')} ({result})")

for key in sorted({k for k, _ in per_suite}):
    print(f"  {key}: {per_suite[key, 'passed']} passed, {per_suite[key, 'failed']} failed"
          + (f", {per_suite[key, 'skipped']} skipped" if per_suite[key, 'skipped'] else ""))
for f in failures:
    print(f"  FAILED {f}")
if passed + failed == 0:
    failed = 1
    print("  no test ran")
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
