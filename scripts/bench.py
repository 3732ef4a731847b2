#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Whole-process speed of `twinos run -r` beside the tools a user would pick.

Generates the inputs with the project's own generator (`twinos generate`): a
capture of 64-byte UDP frames and one of mixed sizes. Then, in one run and
side by side, it times

  * cutting headers:  `editcap -F pcap -s 54 IN OUT`  vs  `twinos run -r IN -w OUT -s 54`
  * full copy:        `tcpdump -r IN -w OUT`          vs  `twinos run -r IN -w OUT`

and prints the median wall time of each over --repeats runs, the peak
resident memory (from GNU time), packets per second and the ratio
twinos / tool. The tool's runs and ours alternate, and the report also gives
the median of the pair ratios and their quartiles ("pairs"), which the
machine's drift from one minute to the next does not move (chapter 7). A
ratio at or below 1.0 means twinos is at least as fast while simulating the
whole path: NIC DMA, pseudo NIC, trapped driver I/O, BPF,
ring copy, monitor read.

Then it checks that memory stays flat: `twinos run -r IN -w OUT -s 54` on a
capture --memory-factor times longer (default 10: 1 M against 10 M frames)
must not need more peak RSS, within 10%; the report gives both figures.

This measures; it never fails on speed. Timings belong to this machine, so
the output names it.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INPUTS = {"udp64": "64", "mixed": "mixed"}

# (name, the tool a user would pick, our command); IN and OUT are filled in.
COMPARISONS = [
    ("cut-54", ["editcap", "-F", "pcap", "-s", "54", "IN", "OUT"],
     ["TWINOS", "run", "-r", "IN", "-w", "OUT", "-s", "54"]),
    ("full-copy", ["tcpdump", "-r", "IN", "-w", "OUT"],
     ["TWINOS", "run", "-r", "IN", "-w", "OUT"]),
]


def timed(argv, scratch):
    """Run argv with its output discarded; return (seconds, peak RSS in KiB).

    GNU time measures the peak RSS: it forks from a small process, so the
    figure is the command's own (a child forked from Python would inherit
    Python's high-water mark). Wall time is taken here, around it.
    """
    report = scratch / "time.txt"
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), *argv],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} exited with {proc.returncode}")
    return seconds, int(report.read_text().split()[-1])


def fill(argv, twinos, source, output):
    table = {"TWINOS": str(twinos), "IN": str(source), "OUT": str(output)}
    return [table.get(word, word) for word in argv]


def summary(runs):
    return {
        "median_s": statistics.median(s for s, _ in runs),
        "min_s": min(s for s, _ in runs),
        "peak_rss_kib": max(r for _, r in runs),
    }


def quartiles(values):
    """(first quartile, median, third quartile) of `values`, by interpolation."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    low, _, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, statistics.median(values), high


def paired(first, second, repeats, after_pair=None):
    """`repeats` results of each of two calls, each call right beside the other.

    The order is swapped every other pair, so neither always goes first;
    `after_pair`, if given, is called once both of a pair have run. The
    machine's speed drifts within a minute (chapter 7): runs of one command
    and then runs of the other would compare two moments, a pair compares
    the two commands.
    """
    firsts, seconds = [], []
    for i in range(repeats):
        if i % 2 == 0:
            firsts.append(first())
            seconds.append(second())
        else:
            seconds.append(second())
            firsts.append(first())
        if after_pair is not None:
            after_pair()
    return firsts, seconds


def measure_pairs(tool_argv, our_argv, repeats, scratch):
    """Each of `repeats` runs of the tool right beside one of ours (`paired`):
    besides the two medians, the median of the pair ratios (ours / tool) and
    their quartiles, in which the drift cancels."""
    tool_runs, our_runs = paired(lambda: timed(tool_argv, scratch),
                                 lambda: timed(our_argv, scratch), repeats)
    ratios = [ours / tool for (ours, _), (tool, _) in zip(our_runs, tool_runs)]
    low, middle, high = quartiles(ratios)
    pairs = {"ratios": ratios, "median": middle, "q1": low, "q3": high}
    return summary(tool_runs), summary(our_runs), pairs


def machine():
    cpus = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {cpus} CPUs, {model or platform.processor()}, {platform.system()}"


def memory_check(twinos, frames, factor, work):
    """Peak RSS of the same cut on a short and a `factor` times longer capture."""
    rss = {}
    for n in (frames, frames * factor):
        source = generate(twinos, n, "64", work / f"memory-{n}.pcap")
        argv = fill(COMPARISONS[0][2], twinos, source, work / "out.pcap")
        rss[n] = timed(argv, work)[1]
        source.unlink()
        (work / "out.pcap").unlink(missing_ok=True)
    short, long = rss[frames], rss[frames * factor]
    growth = (long - short) / short
    print(f"# memory: peak RSS {short // 1024} MiB at {frames} frames, {long // 1024} MiB at "
          f"{frames * factor} frames ({growth:+.1%}; flat means within 10%)")
    return {"frames": frames, "long_frames": frames * factor, "peak_rss_kib": short,
            "long_peak_rss_kib": long, "growth": growth, "flat": abs(growth) <= 0.10}


def common_arguments(description, frames):
    """The options every side-by-side script takes: --twinos --frames --dir --json."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--twinos", default="build/ci/twinos", help="the twinos binary")
    parser.add_argument("--frames", type=int, default=frames, help="frames per input")
    parser.add_argument("--dir", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                        help="where inputs and outputs go (default: tmpfs)")
    parser.add_argument("--json", help="also write the results here")
    return parser


def checked_twinos(program, path, tools):
    """The twinos binary at `path`, once it and every one of `tools` is there."""
    twinos = Path(path).resolve()
    if not twinos.is_file():
        sys.exit(f"{program}: {path}: no such binary (build first: cmake --build --preset ci)")
    for tool in tools:
        if shutil.which(tool) is None:
            sys.exit(f"{program}: {tool} is missing (scripts/install-deps.sh installs it)")
    return twinos


def generate(twinos, frames, sizes, path):
    """A capture of `frames` UDP frames of `sizes` (twinos generate) at `path`."""
    subprocess.run([str(twinos), "generate", "-n", str(frames), "--sizes", sizes,
                    "-w", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def main():
    parser = common_arguments(__doc__, 1_000_000)
    parser.add_argument("--repeats", type=int, default=5, help="runs per command (median)")
    parser.add_argument("--memory-factor", type=int, default=10,
                        help="length of the memory check's capture, in --frames (0: skip)")
    args = parser.parse_args()

    twinos = checked_twinos("bench", args.twinos, ("editcap", "tcpdump", "/usr/bin/time"))
    if args.frames < 1 or args.repeats < 1 or args.memory_factor < 0:
        sys.exit("bench: --frames and --repeats must be at least 1, --memory-factor at least 0")

    results = {"machine": machine(), "frames": args.frames, "repeats": args.repeats, "rows": []}
    with tempfile.TemporaryDirectory(prefix="twinos-bench-", dir=args.dir) as work:
        work = Path(work)
        print(f"# {results['machine']}; {args.frames} frames per input, "
              f"median of {args.repeats}")
        print(f"{'input':7} {'job':10} {'tool s':>8} {'twinos s':>9} {'ratio':>6} "
              f"{'pairs':>5} {'quartiles':>9} "
              f"{'twinos pkt/s':>13} {'tool RSS':>9} {'twinos RSS':>10}")
        for name, sizes in INPUTS.items():
            source = generate(twinos, args.frames, sizes, work / f"{name}.pcap")
            for job, tool_argv, our_argv in COMPARISONS:
                output = work / "out.pcap"
                tool, ours, pairs = measure_pairs(fill(tool_argv, twinos, source, output),
                                                  fill(our_argv, twinos, source, output),
                                                  args.repeats, work)
                output.unlink(missing_ok=True)
                row = {
                    "input": name, "job": job, "tool": tool_argv[0],
                    "tool_result": tool, "twinos_result": ours,
                    "ratio": ours["median_s"] / tool["median_s"],
                    "pair_ratio": pairs,
                    "twinos_packets_per_s": args.frames / ours["median_s"],
                }
                results["rows"].append(row)
                print(f"{name:7} {job:10} {tool['median_s']:8.3f} {ours['median_s']:9.3f} "
                      f"{row['ratio']:6.2f} {pairs['median']:5.2f} "
                      f"{pairs['q1']:4.2f}-{pairs['q3']:4.2f} "
                      f"{row['twinos_packets_per_s']:13.0f} "
                      f"{tool['peak_rss_kib'] // 1024:7d}M {ours['peak_rss_kib'] // 1024:9d}M")
            source.unlink()
        if args.memory_factor:
            results["memory"] = memory_check(twinos, args.frames, args.memory_factor, work)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
