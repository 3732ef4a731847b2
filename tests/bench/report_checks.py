# SPDX-License-Identifier: MIT
"""What the side-by-side scripts' report tests share: running a script on tiny
inputs for its JSON report, and checking that every input/job pair is there
against the tool a user would pick for that job."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

JOB_TOOLS = {"cut-54": "editcap", "full-copy": "tcpdump"}
INPUTS = ("udp64", "mixed")


def run_report(script, twinos, *options):
    """Run `script` with `options` in a scratch directory; return its JSON report."""
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "report.json"
        subprocess.run([sys.executable, script, "--twinos", twinos, *options,
                        "--dir", work, "--json", str(report)],
                       check=True, stdout=subprocess.DEVNULL)
        return json.loads(report.read_text())


def check_coverage(rows, failures, what=""):
    """Every input with every job, once."""
    pairs = [(r["input"], r["job"]) for r in rows]
    want = {(i, j) for i in INPUTS for j in JOB_TOOLS}
    if set(pairs) != want or len(pairs) != len(want):
        failures.append(f"{what}rows {sorted(pairs)} != {sorted(want)}")


def check_rows(rows, failures):
    """Every input with every job, each against its tool."""
    check_coverage(rows, failures)
    for r in rows:
        if r["tool"] != JOB_TOOLS[r["job"]]:
            failures.append(f"{r['input']}/{r['job']}: compared against {r['tool']}")
