#!/usr/bin/python3
"""po-complete: DOMAIN.md §7 wants every language complete. Extracts the current template
from the files in po/POTFILES.in (into a temporary directory, with meson's 'glib' preset
arguments) and runs `msgcmp LANG.po template` for every language in LINGUAS, which fails
when a string of the sources has no translation, or only a fuzzy one, in that language.
    check-po-complete.py SOURCE_ROOT GETTEXT_PACKAGE"""
import os
import subprocess
import sys
import tempfile

source_root, package = sys.argv[1], sys.argv[2]
po_dir = os.path.join(source_root, "po")

# The same keywords and flags as i18n.gettext(preset: 'glib') in po/meson.build.
XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments", "-k_",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format", "--flag=g_snprintf:3:c-format",
]

languages = []
with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            languages.extend(line.split())

failures = []
with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, package + ".pot")
    result = subprocess.run(["xgettext", "--package-name=" + package, "-p", tmp,
                             "-f", os.path.join(po_dir, "POTFILES.in"), "-D", source_root,
                             "-o", pot] + XGETTEXT_ARGS, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        sys.exit("FAIL xgettext could not extract the template")
    for lang in languages:
        po = os.path.join(po_dir, lang + ".po")
        if not os.path.isfile(po):
            failures.append(f"{lang}: {po} does not exist")
            continue
        result = subprocess.run(["msgcmp", po, pot], capture_output=True, text=True)
        if result.returncode != 0:
            missing = [l for l in result.stderr.splitlines()
                       if "untranslated" in l or "fuzzy" in l or "not defined" in l]
            print(result.stderr.strip(), file=sys.stderr)
            failures.append(f"{lang}: {len(missing) or 'some'} source string(s) untranslated or"
                            " fuzzy (ninja -C _build twindesk-pot twindesk-update-po, then"
                            " translate)")
        else:
            print(f"{lang}: complete")

for f in failures:
    print(f"FAIL {f}", file=sys.stderr)
sys.exit(1 if failures else 0)
