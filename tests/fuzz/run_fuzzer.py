#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run one libFuzzer harness for a bounded time from a seed corpus.

    run_fuzzer.py [--seconds N] [--expect-crash TEXT] FUZZER SEED...

Each SEED is a file or a folder of files.
The seeds are copied to a scratch corpus (the committed ones are never
written). Passes when the harness ran every seed and then some inputs, found
nothing and exited 0 -- or, with --expect-crash, when it stopped on an input
whose report contains TEXT (the self-test that a weakened check is caught).
A crash prints the reproducer's path and the command that replays it.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--expect-crash")
    ap.add_argument("fuzzer")
    ap.add_argument("seeds", nargs="+")
    args = ap.parse_args()
    seeds = []
    for s in args.seeds:
        seeds += [os.path.join(s, f) for f in sorted(os.listdir(s))] if os.path.isdir(s) else [s]
    if not seeds:
        print(f"run_fuzzer: no seeds in {args.seeds}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus")
        os.makedirs(corpus)
        for i, s in enumerate(seeds):
            shutil.copy(s, os.path.join(corpus, f"seed-{i}-{os.path.basename(s)}"))
        artifacts = os.path.join(tmp, "artifacts") + "/"
        os.makedirs(artifacts)
        cmd = [args.fuzzer, f"-max_total_time={args.seconds}", "-timeout=20", "-rss_limit_mb=2048",
               "-print_final_stats=1", f"-artifact_prefix={artifacts}", corpus]
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=args.seconds + 300)
        out = proc.stdout + proc.stderr
        runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", out)
        crashes = os.listdir(artifacts)
        if args.expect_crash:
            if proc.returncode != 0 and args.expect_crash in out:
                print(f"run_fuzzer: OK, the weakened check was caught ({crashes[0] if crashes else 'no file'})")
                return 0
            print(out[-4000:])
            print(f"run_fuzzer: FAIL: expected a crash saying '{args.expect_crash}' "
                  f"(exit {proc.returncode}, {runs.group(1) if runs else '?'} runs)")
            return 1
        if proc.returncode != 0 or crashes:
            keep = os.path.join(os.getcwd(), "fuzz-failures")
            os.makedirs(keep, exist_ok=True)
            for c in crashes:
                shutil.copy(os.path.join(artifacts, c), keep)
            print(out[-6000:])
            print(f"run_fuzzer: FAIL: {os.path.basename(args.fuzzer)} exit {proc.returncode}; "
                  f"inputs kept in {keep}: {', '.join(crashes) or 'none'}; "
                  f"replay: {args.fuzzer} {keep}/<input>")
            return 1
        if not runs or int(runs.group(1)) <= len(seeds):
            print(out[-3000:])
            print(f"run_fuzzer: FAIL: the harness ran {runs.group(1) if runs else 'no'} inputs "
                  f"for {len(seeds)} seeds: it did not fuzz")
            return 1
        print(f"run_fuzzer: OK, {runs.group(1)} inputs in {args.seconds} s from {len(seeds)} seeds, nothing found")
        return 0


if __name__ == "__main__":
    sys.exit(main())
