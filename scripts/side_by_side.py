#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Two twinos binaries side by side: is a change faster, and does it write the same files?

    python3 scripts/side_by_side.py OLD NEW [--pairs 16] [--frames 1000000]

Chapter 7 compares the binary before a change with the one after it. On a
shared virtual machine the speed of the whole machine moves by 5-10 % from one
second to the next, and by 2x from one hour to the next, so two medians taken
one after the other compare two moments, not two binaries. Here every run of
OLD is paired with a run of NEW right beside it (the order swapped every other
pair, so neither always goes first), and what is reported is the median of the
pair ratios NEW/OLD with their interquartile range: the slow drift cancels
inside each pair, and the range says how far this machine can be trusted.
Running the same binary as OLD and NEW shows that range for a change of
nothing (about 0.97-1.07 on the VM of chapter 7).

The jobs are bench.py's: on a capture of 64-byte UDP frames and one of mixed
sizes (made with NEW's `twinos generate`), cutting headers to 54 bytes and
copying every frame whole. Each pair also compares the two output files byte
for byte. A speed change must not change what is written (chapter 7's rule,
held by the golden test), so when they differ the script says which job and
where the files first differ, and exits with status 1 after the report.

It measures; it never fails on a speed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (COMPARISONS, INPUTS, fill, generate, machine, paired,  # noqa: E402
                   quartiles)


def timed_run(argv):
    """Wall seconds of `argv` (a twinos run); exits, with its stderr, if it fails."""
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"side_by_side: {' '.join(argv)} exited with {proc.returncode}: "
                 f"{proc.stderr.strip()}")
    return seconds


def first_difference(a, b):
    """None when the files at `a` and `b` hold the same bytes, else what differs."""
    left, right = Path(a).read_bytes(), Path(b).read_bytes()
    if left == right:
        return None
    for offset, (x, y) in enumerate(zip(left, right)):
        if x != y:
            return f"byte offset {offset}: {x:#04x} in OLD's output, {y:#04x} in NEW's"
    return f"OLD's output has {len(left)} bytes, NEW's {len(right)}"


def compare(old, new, source, our_argv, pairs, work):
    """`pairs` paired runs of one job (bench.py's `paired`): the times, the pair
    ratios, and the first difference between the two outputs in any pair."""
    outputs = {"old": work / "old.out", "new": work / "new.out"}
    difference = None

    def check_outputs():
        nonlocal difference
        if difference is None:
            difference = first_difference(outputs["old"], outputs["new"])

    old_times, new_times = paired(
        lambda: timed_run(fill(our_argv, old, source, outputs["old"])),
        lambda: timed_run(fill(our_argv, new, source, outputs["new"])), pairs, check_outputs)
    for path in outputs.values():
        path.unlink(missing_ok=True)
    ratios = [n / o for o, n in zip(old_times, new_times)]
    low, middle, high = quartiles(ratios)
    return {
        "old_median_s": statistics.median(old_times),
        "new_median_s": statistics.median(new_times),
        "ratios": ratios,
        "ratio_median": middle,
        "ratio_q1": low,
        "ratio_q3": high,
        "same_output": difference is None,
        "difference": difference,
    }


def checked_binary(path):
    binary = Path(path).resolve()
    if not binary.is_file():
        sys.exit(f"side_by_side: {path}: no such binary")
    return binary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="the twinos binary before the change")
    parser.add_argument("new", help="the twinos binary after it")
    parser.add_argument("--pairs", type=int, default=16, help="paired runs per job")
    parser.add_argument("--frames", type=int, default=1_000_000, help="frames per input")
    parser.add_argument("--dir", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                        help="where inputs and outputs go (default: tmpfs)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if args.frames < 1 or args.pairs < 1:
        sys.exit("side_by_side: --frames and --pairs must be at least 1")
    old, new = checked_binary(args.old), checked_binary(args.new)

    results = {"machine": machine(), "frames": args.frames, "pairs": args.pairs,
               "old": str(old), "new": str(new), "rows": []}
    with tempfile.TemporaryDirectory(prefix="twinos-side-", dir=args.dir) as work:
        work = Path(work)
        print(f"# {results['machine']}; {args.frames} frames per input, {args.pairs} pairs")
        print(f"# OLD {old}\n# NEW {new}")
        print(f"{'input':7} {'job':10} {'OLD s':>7} {'NEW s':>7} {'NEW/OLD':>8} "
              f"{'quartiles':>13}  output")
        for name, sizes in INPUTS.items():
            source = generate(new, args.frames, sizes, work / f"{name}.pcap")
            for job, _, our_argv in COMPARISONS:
                row = {"input": name, "job": job,
                       **compare(old, new, source, our_argv, args.pairs, work)}
                results["rows"].append(row)
                verdict = "same" if row["same_output"] else "DIFFERS: " + row["difference"]
                print(f"{name:7} {job:10} {row['old_median_s']:7.3f} {row['new_median_s']:7.3f} "
                      f"{row['ratio_median']:8.3f} {row['ratio_q1']:6.3f}-{row['ratio_q3']:.3f}"
                      f"  {verdict}", flush=True)
            source.unlink()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    differing = [f"{r['input']}/{r['job']}" for r in results["rows"] if not r["same_output"]]
    if differing:
        sys.exit(f"side_by_side: OLD and NEW wrote different files for {', '.join(differing)}")


if __name__ == "__main__":
    main()
