#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_book_outputs.py catches a drifted output and an unmarked report, and
passes a page whose shown output the program prints.

    test_book_outputs_check.py CHECKER TWINOS_BINARY
"""
import os
import subprocess
import sys
import tempfile

CHECKER, BINARY = sys.argv[1], sys.argv[2]
PAGES = {
    "good": ".. output-of: twinos boot\n\nIt ends with::\n\n   halt\n   ...\n   switches total=4 boot=1 timer=3 irq=0 return=0\n",
    "drifted": ".. output-of: twinos boot\n\nIt ends with::\n\n   events fired=5 timer_ticks=3\n",
    "unmarked": "The summary::\n\n   events fired=4 timer_ticks=3\n",
}
problems = []
for name, page in PAGES.items():
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "chapters"))
        with open(os.path.join(root, "chapters", "page.rst"), "w") as f:
            f.write(page)
        proc = subprocess.run([sys.executable, CHECKER, root, BINARY], capture_output=True, text=True,
                              timeout=120)
        out = proc.stdout + proc.stderr
        if name == "good" and proc.returncode != 0:
            problems.append(f"a true page is refused:\n{out}")
        if name == "drifted" and (proc.returncode != 1 or "events fired=5" not in out or "page.rst:5" not in out):
            problems.append(f"a drifted output is not named with its line:\n{out}")
        if name == "unmarked" and (proc.returncode != 1 or "no '.. output-of: COMMAND'" not in out):
            problems.append(f"an unmarked report is not refused:\n{out}")
for p in problems:
    print("FAILED:", p)
print("FAIL" if problems else "OK", "check_book_outputs.py catches drift")
sys.exit(1 if problems else 0)
