#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/pristine_starter.py gives the self-test the starter as shipped: the
committed version when the file was edited in place (a finished lab), the
file itself when it is unchanged or git does not know it.

    test_pristine_starter.py PRISTINE_PY
"""
import os
import subprocess
import sys
import tempfile

SCRIPT = sys.argv[1]
problems = []


def pristine(src, out):
    proc = subprocess.run([sys.executable, SCRIPT, src, out], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        problems.append(f"pristine_starter.py exited {proc.returncode}: {proc.stderr}")
    with open(out) as f:
        return f.read(), proc.stdout


with tempfile.TemporaryDirectory() as repo:
    git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    src = os.path.join(repo, "starter.cpp")
    with open(src, "w") as f:
        f.write("// LAB: your code here\n")
    out = os.path.join(repo, "out", "starter.cpp")
    text, _ = pristine(src, out)
    if text != "// LAB: your code here\n":
        problems.append(f"an untracked starter is copied as it is, got {text!r}")
    subprocess.run(git + ["add", "starter.cpp"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "ship"], check=True)
    with open(src, "w") as f:
        f.write("int finished() { return 42; }\n")
    text, note = pristine(src, out)
    if text != "// LAB: your code here\n":
        problems.append(f"a starter edited in place gives the committed version, got {text!r}")
    if "differs from its committed version" not in note:
        problems.append(f"the note says the committed version is used, got {note!r}")

for p in problems:
    print("FAILED:", p)
print("FAIL" if problems else "OK", "pristine_starter.py")
sys.exit(1 if problems else 0)
