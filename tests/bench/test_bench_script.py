#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The bench script's report is complete and consistent (never its speed).

Runs scripts/bench.py on tiny inputs, once per command, and checks that every
input/job pair is there, that each ratio is twinos' median over the tool's,
that packets per second is frames over twinos' median, that every run
reported a peak RSS, that there is one pair ratio a repeat with its median
and quartiles in order, and that the memory check's verdict follows from its
figures.
"""
import statistics
import sys

from report_checks import check_rows, run_report

twinos, script = sys.argv[1], sys.argv[2]
data = run_report(script, twinos, "--frames", "500", "--repeats", "3")

failures = []
check_rows(data["rows"], failures)
for r in data["rows"]:
    ours, tool = r["twinos_result"], r["tool_result"]
    if abs(r["ratio"] - ours["median_s"] / tool["median_s"]) > 1e-9:
        failures.append(f"{r['input']}/{r['job']}: ratio is not twinos/tool")
    if abs(r["twinos_packets_per_s"] - data["frames"] / ours["median_s"]) > 1e-6:
        failures.append(f"{r['input']}/{r['job']}: packets/s is not frames/median")
    if min(ours["peak_rss_kib"], tool["peak_rss_kib"]) <= 0:
        failures.append(f"{r['input']}/{r['job']}: no peak RSS")
    pairs = r["pair_ratio"]
    if len(pairs["ratios"]) != data["repeats"] or min(pairs["ratios"]) <= 0:
        failures.append(f"{r['input']}/{r['job']}: not one positive pair ratio a repeat")
    elif abs(pairs["median"] - statistics.median(pairs["ratios"])) > 1e-12 or not (
            pairs["q1"] <= pairs["median"] <= pairs["q3"]):
        failures.append(f"{r['input']}/{r['job']}: pair median or quartiles do not follow")
memory = data.get("memory")
if memory is None:
    failures.append("no memory check")
else:
    if memory["long_frames"] != 10 * memory["frames"]:
        failures.append("memory check: the long capture is not 10 times the short one")
    growth = (memory["long_peak_rss_kib"] - memory["peak_rss_kib"]) / memory["peak_rss_kib"]
    if abs(growth - memory["growth"]) > 1e-9 or memory["flat"] != (abs(growth) <= 0.10):
        failures.append("memory check: growth or verdict does not follow from the figures")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
