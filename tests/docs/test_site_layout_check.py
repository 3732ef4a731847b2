#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_site_layout.py finds a code block that scrolls sideways and passes
one that fits (or skips, 77, when there is no headless browser).

    test_site_layout_check.py CHECKER
"""
import os
import subprocess
import sys
import tempfile

CHECKER = sys.argv[1]
PAGE = ("<html><body><article style='max-width:600px'><div class='highlight'><pre>{}</pre></div>"
        "</article></body></html>")
results = {}
for name, text in {"fits": "int x = 0;", "too_wide": "x" * 400}.items():
    with tempfile.TemporaryDirectory() as site:
        os.makedirs(os.path.join(site, "chapters"))
        with open(os.path.join(site, "chapters", "page.html"), "w") as f:
            f.write(PAGE.format(text))
        proc = subprocess.run([sys.executable, CHECKER, site], capture_output=True, text=True, timeout=300)
        results[name] = (proc.returncode, proc.stdout + proc.stderr)
if results["fits"][0] == 77:
    print(results["fits"][1])
    sys.exit(77)
problems = []
if results["fits"][0] != 0:
    problems.append(f"a block that fits is refused:\n{results['fits'][1]}")
if results["too_wide"][0] != 1 or "scrolls sideways" not in results["too_wide"][1]:
    problems.append(f"a block 400 characters wide is not found:\n{results['too_wide'][1]}")
for p in problems:
    print("FAILED:", p)
print("FAIL" if problems else "OK", "check_site_layout.py finds what scrolls")
sys.exit(1 if problems else 0)
