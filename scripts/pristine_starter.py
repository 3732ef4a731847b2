#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a lab starter as shipped to OUT, for the reference build's self-test.

    pristine_starter.py SRC OUT

A student who finishes a lab by editing its starter in place must still pass
the self-test, which proves the *shipped* starter fails every graded test. So
if git knows SRC and the file differs from the committed version, OUT gets the
committed version (and a note says so); otherwise OUT is a copy of SRC. OUT is
rewritten only when its content changes, so nothing recompiles needlessly.
"""
import os
import subprocess
import sys


def committed_version(src):
    """The committed content of src, or None when git does not know it (or no git)."""
    folder, name = os.path.split(os.path.abspath(src))
    try:
        proc = subprocess.run(["git", "-C", folder, "show", f"HEAD:./{name}"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def main():
    if len(sys.argv) != 3:
        print("usage: pristine_starter.py SRC OUT", file=sys.stderr)
        return 2
    src, out = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        content = f.read()
    shipped = committed_version(src)
    if shipped is not None and shipped != content:
        print(f"note: {src} differs from its committed version; the self-test uses the committed one")
        content = shipped
    os.makedirs(os.path.dirname(out), exist_ok=True)
    try:
        with open(out, "rb") as f:
            if f.read() == content:
                return 0
    except FileNotFoundError:
        pass
    with open(out, "wb") as f:
        f.write(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
