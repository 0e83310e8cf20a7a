#!/usr/bin/python3
"""flatpak-manifest: validates the Flatpak manifest against flatpak-builder's JSON schema
(tests/data/flatpak-manifest.schema.json, see the .README beside it; flatpak-builder 1.2.3 on
Debian ships none and `flatpak-builder --show-manifest` only checks syntax), then checks what
this project relies on (PLATFORM.md):
  - the application id, command, GNOME runtime and SDK;
  - "separate-locales": false, so every language the app can switch to is installed;
  - libqrencode (not in the GNOME runtime) built with cmake-ninja and -DWITH_TOOLS=OFF, and
    libargon2 built as a module;
  - no --talk-name=org.freedesktop.secrets (libsecret uses the Secret portal in Flatpak) and
    the sandbox holes the app needs: network, ipc, wayland, fallback-x11, dri;
  - every downloaded source is pinned (sha256 for archives/files, tag+commit or commit for git);
  - twindesk itself is the last module, built with meson from the checkout with -Dprofile=default.
    validate-flatpak-manifest.py SCHEMA MANIFEST APP_ID"""
import json
import sys

import jsonschema

schema_path, manifest_path, app_id = sys.argv[1:4]
failures = []

with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
try:
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
except (OSError, json.JSONDecodeError) as e:
    sys.exit(f"FAIL {manifest_path}: not valid JSON: {e}")

# The schema declares draft-07; validator_for picks the class from its "$schema".
Validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
Validator.check_schema(schema)
errors = Validator(schema).iter_errors(manifest)
for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
    # A module or source is a oneOf (an object, or the name of a file): report why the object
    # branch failed, at the deepest place, rather than "is not of type 'string'".
    while error.context:
        candidates = [e for e in error.context
                      if not (e.validator == "type" and not e.relative_path)] or list(error.context)
        error = max(candidates, key=lambda e: len(e.absolute_path))
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    failures.append(f"schema: {where}: {error.message}")


def expect(condition, message):
    if not condition:
        failures.append(message)


manifest_id = manifest.get("id", manifest.get("app-id"))
expect(manifest_id == app_id, f'id is "{manifest_id}", expected "{app_id}"')
expect(manifest.get("command") == "twindesk", 'command must be "twindesk"')
expect(manifest.get("runtime") == "org.gnome.Platform", "runtime must be org.gnome.Platform")
expect(manifest.get("sdk") == "org.gnome.Sdk", "sdk must be org.gnome.Sdk")
expect(str(manifest.get("runtime-version", "")).isdigit(),
       "runtime-version must be a stable GNOME runtime branch (a number), not master/nightly")
expect(manifest.get("separate-locales") is False,
       '"separate-locales" must be false: a language chosen in the app may not be installed'
       ' otherwise')

finish_args = manifest.get("finish-args", [])
for arg in finish_args:
    expect("org.freedesktop.secrets" not in arg,
           f"finish-args: {arg}: libsecret uses the Secret portal inside Flatpak, no talk-name")
    expect(not arg.startswith(("--filesystem=home", "--filesystem=host")),
           f"finish-args: {arg}: the app needs no access to the user's files")
for needed in ("--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
               "--device=dri"):
    expect(needed in finish_args, f"finish-args: {needed} is missing")
expect("--socket=x11" not in finish_args, "finish-args: use --socket=fallback-x11, not x11")


def all_modules(modules):
    for module in modules:
        if isinstance(module, dict):
            yield module
            yield from all_modules(module.get("modules", []))


modules = [m for m in all_modules(manifest.get("modules", []))]
by_name = {m.get("name"): m for m in modules}

qrencode = by_name.get("libqrencode")
expect(qrencode is not None, "module libqrencode is missing (it is not in the GNOME runtime)")
if qrencode:
    expect(qrencode.get("buildsystem") == "cmake-ninja",
           "libqrencode: buildsystem must be cmake-ninja")
    expect("-DWITH_TOOLS=OFF" in qrencode.get("config-opts", []),
           "libqrencode: config-opts must contain -DWITH_TOOLS=OFF")
expect("libargon2" in by_name, "module libargon2 is missing")

for module in modules:
    for source in module.get("sources", []):
        if not isinstance(source, dict):
            continue
        kind, name = source.get("type"), module.get("name")
        if kind in ("archive", "file") and "url" in source:
            expect("sha256" in source or "sha512" in source,
                   f"{name}: {source['url']} is downloaded without a sha256")
        if kind == "git" and "url" in source:
            expect("commit" in source,
                   f"{name}: git source {source['url']} is not pinned to a commit")

top_level = [m for m in manifest.get("modules", []) if isinstance(m, dict)]
app = top_level[-1] if top_level else {}
expect(app.get("name") == "twindesk", "the last module must be twindesk")
expect(app.get("buildsystem") == "meson", "twindesk: buildsystem must be meson")
expect("-Dprofile=default" in app.get("config-opts", []),
       "twindesk: config-opts must set -Dprofile=default")
expect(any(s.get("type") == "dir" and s.get("path") == ".." for s in app.get("sources", [])
           if isinstance(s, dict)),
       'twindesk: must be built from the checkout ({"type": "dir", "path": ".."})')

for f in failures:
    print(f"FAIL {f}", file=sys.stderr)
if not failures:
    print(f"{manifest_path}: valid ({Validator.__name__}, {len(modules)} modules)")
sys.exit(1 if failures else 0)
