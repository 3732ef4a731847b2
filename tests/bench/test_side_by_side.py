#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The side-by-side script's report is consistent, and it is loud when outputs differ.

Runs scripts/side_by_side.py on tiny inputs twice (never for its speed):

  * with the same twinos as OLD and NEW: every input/job pair is there, each
    with --pairs ratios, the median and quartiles follow from them and lie in
    order, the outputs are the same and the script exits 0;
  * with NEW a wrapper that runs twinos and then flips one byte of what
    `run` wrote: every row says the outputs differ and names the byte offset,
    and the script exits 1 naming the jobs -- a change that altered the
    output cannot pass as a speed-up.
"""
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from report_checks import INPUTS, JOB_TOOLS, check_coverage

twinos, script = sys.argv[1], sys.argv[2]
PAIRS = 3
FLIPPED_BYTE = 40  # inside the first record's header (a pcap file header is 24 bytes)

# Runs twinos with its arguments; after `run`, flips one byte of the -w file.
WRAPPER = f"""#!{sys.executable}
import subprocess, sys
code = subprocess.call([{twinos!r}, *sys.argv[1:]])
if code == 0 and sys.argv[1] == "run":
    out = sys.argv[sys.argv.index("-w") + 1]
    data = bytearray(open(out, "rb").read())
    data[{FLIPPED_BYTE}] ^= 0x01
    open(out, "wb").write(data)
sys.exit(code)
"""


def side_by_side(old, new, work):
    report = Path(work) / "report.json"
    proc = subprocess.run([sys.executable, script, old, new, "--frames", "300",
                           "--pairs", str(PAIRS), "--dir", work, "--json", str(report)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc.returncode, proc.stderr, json.loads(report.read_text())


def check_rows(data, failures, what):
    check_coverage(data["rows"], failures, f"{what}: ")
    for r in data["rows"]:
        name = f"{what} {r['input']}/{r['job']}"
        if len(r["ratios"]) != PAIRS:
            failures.append(f"{name}: {len(r['ratios'])} ratios, not {PAIRS}")
            continue
        if abs(r["ratio_median"] - statistics.median(r["ratios"])) > 1e-12:
            failures.append(f"{name}: the median is not the ratios' median")
        if not r["ratio_q1"] <= r["ratio_median"] <= r["ratio_q3"]:
            failures.append(f"{name}: quartiles out of order")
        if min(r["ratios"]) <= 0 or min(r["old_median_s"], r["new_median_s"]) <= 0:
            failures.append(f"{name}: a time or ratio is not positive")


failures = []
with tempfile.TemporaryDirectory() as work:
    code, err, same = side_by_side(twinos, twinos, work)
    check_rows(same, failures, "same binary")
    if code != 0:
        failures.append(f"same binary: exit {code}: {err.strip()}")
    if not all(r["same_output"] and r["difference"] is None for r in same["rows"]):
        failures.append("same binary: a row says the outputs differ")

    wrapper = Path(work) / "flips-a-byte"
    wrapper.write_text(WRAPPER)
    wrapper.chmod(0o755)
    code, err, flipped = side_by_side(twinos, str(wrapper), work)
    check_rows(flipped, failures, "flipped byte")
    if code != 1:
        failures.append(f"flipped byte: exit {code}, not 1")
    for r in flipped["rows"]:
        if r["same_output"] or f"byte offset {FLIPPED_BYTE}:" not in (r["difference"] or ""):
            failures.append(f"flipped byte {r['input']}/{r['job']}: difference "
                            f"{r['difference']!r} does not name offset {FLIPPED_BYTE}")
    for i in INPUTS:
        for j in JOB_TOOLS:
            if f"{i}/{j}" not in err:
                failures.append(f"flipped byte: the error does not name {i}/{j}: {err.strip()}")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
