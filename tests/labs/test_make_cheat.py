#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/make_cheat.py writes a cheat as the reference with its edits, and
refuses loudly -- naming the spec and the edit -- when an edit no longer
applies exactly once, so a cheat cannot silently stop cheating.

    test_make_cheat.py MAKE_CHEAT_PY
"""
import os
import subprocess
import sys
import tempfile

SCRIPT = sys.argv[1]
problems = []


def make(folder, spec_text):
    spec = os.path.join(folder, "cheat.toml")
    with open(spec, "w") as f:
        f.write(spec_text)
    out = os.path.join(folder, "made", "cheat.cpp")
    if os.path.exists(out):
        os.remove(out)
    proc = subprocess.run([sys.executable, SCRIPT, os.path.join(folder, "ref.cpp"), spec, out],
                          capture_output=True, text=True, timeout=60)
    text = open(out).read() if os.path.exists(out) else None
    return proc, text


with tempfile.TemporaryDirectory() as folder:
    with open(os.path.join(folder, "ref.cpp"), "w") as f:
        f.write("int f(int x) {\n    return x < 200;\n}\nint g() { return 1; }\n")
    proc, text = make(folder, "about = \"A cheat.\\nOn two lines.\"\n[[edit]]\n"
                              "old = 'x < 200'\nnew = 'x <= 200'\n")
    if proc.returncode != 0:
        problems.append(f"a good spec failed: {proc.stderr}")
    elif "x <= 200" not in text or "x < 200" in text or "return 1" not in text:
        problems.append(f"the edit was not applied to the reference alone: {text!r}")
    elif "// A cheat.\n// On two lines.\n" not in text:
        problems.append(f"the about text does not head the file: {text!r}")

    proc, text = make(folder, "about = 'x'\n[[edit]]\nold = 'x > 300'\nnew = 'y'\n")
    if proc.returncode == 0 or text is not None:
        problems.append("an edit whose text is not in the reference was accepted")
    elif "cheat.toml: edit 1" not in proc.stderr or "0 times" not in proc.stderr:
        problems.append(f"the error does not name the spec, the edit and the count: {proc.stderr}")

    proc, text = make(folder, "about = 'x'\n[[edit]]\nold = 'return'\nnew = 'yield'\n")
    if proc.returncode == 0 or "2 times" not in proc.stderr:
        problems.append(f"an edit matching twice was not refused by count: {proc.stderr}")

    proc, text = make(folder, "about = 'no edits'\n")
    if proc.returncode == 0 or "no [[edit]]" not in proc.stderr:
        problems.append(f"a spec without edits was accepted: {proc.stderr}")

if problems:
    print("make_cheat.py FAILED:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("make_cheat.py: applies edits to the reference, refuses missing, doubled and no edits")
