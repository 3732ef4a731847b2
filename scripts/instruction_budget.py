#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host instructions per frame: twinos beside editcap and tcpdump, under callgrind.

Wall time on a shared VM moves 5-10% from run to run; instruction counts do
not. This script runs the same jobs as scripts/bench.py under valgrind's
callgrind, once on a capture of --frames frames and once on a capture of half
as many, and divides the difference by the frames between them: what one more
frame costs once a run is past its start-up. (Against a run of one frame, as
until the fifth round of chapter 7, the difference also held what only
fills up once: the read-ahead's three batches of 4 096 frame buffers, freed at
the end -- about 20 instructions a frame at 50 000 frames, none at 1 000 000.
Both runs here are past that when --frames is at least SETTLED_FRAMES.) For twinos it reports the machine's thread (the thread
that simulates everything, and so bounds the wall time) apart from the
reader and writer threads, and divides by what the machine did per frame
(events, OS switches, interrupt deliveries, port I/O, read from the halt
summary) to give the instructions one simulated operation costs.

Chapter 7 uses it to say what the speed targets ask of the simulation: a
tool's instructions per frame is the budget the machine's thread has for the
whole simulated path of one frame.

For the machine's thread it also says where the instructions go: the self
cost of every function, summed by the class of the machine it belongs to
(CLASSES below), per frame in the same way. That is the table "Where the
rest is" in chapter 7.

It measures; it never fails on a figure.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (COMPARISONS, INPUTS, checked_twinos, common_arguments,  # noqa: E402
                   fill, generate, machine)

# The halt summary's stable lines (chapters/02-twinos.rst) that count work.
HALT_COUNTS = {
    "events": ("events", "fired"),
    "switches": ("switches", "total"),
    "irq_preceding": ("irq", "preceding"),
    "irq_coexisting": ("irq", "coexisting"),
    "io_preceding": ("io", "preceding"),
    "io_coexisting": ("io", "coexisting"),
    "io_trapped": ("io", "trapped"),
}


# Where a function's instructions are counted: the first class whose pattern
# its callgrind_annotate text ("file:function") matches. Code inlined from a
# header is listed under the header's file, so the inline hot paths of the
# event queue, the port bus and physical memory count as theirs, not as
# their callers'.
CLASSES = [
    ("event queue and run loop",
     r"event_queue\.h|EventQueue|EventHandler|Machine::run_until|advance_replay"),
    ("port bus", r"port_bus\.h|PortBus|PortIo"),
    ("physical memory", r"physical_memory\.h|little_endian\.h|PhysicalMemory"),
    ("pseudo NIC", r"pseudonic::"),
    ("card model", r"Nic3c905|El3Interrupts"),
    ("driver", r"Driver3c905x|Kernel::dma_view"),
    ("stack input", r"twinos::net::|NetStack"),
    ("acquisition", r"capture::(Acquisition|LogRing|encode_header|clamp_slice|rule_accepts|bpf)"),
    ("CPU and interrupt controller", r"InterruptController|Cpu::|TimeSharing|OsTimer"),
    ("monitor AP", r"capture::LogReader|monitor::|std::_Function"),
    ("link and replay", r"Link::|ReadAhead|FrameSource|CountedSource|Replay"),
    ("memory copies (libc)", r"mem(cpy|move|set)"),
    ("start-up and allocation",
     r"ld-linux|dl-|AddressSpace|map_new_pages|_Rb_tree|malloc|free|new|delete"),
]


def callable_of(where):
    """A std::function's call as what it calls: "file:std::_Function_handler<
    void (A), F(...)::{lambda}>::_M_invoke" becomes "file:F", so a lambda
    counts where it was written (the types in its signature and F's --
    pseudonic::UploadedFrame, say -- would otherwise decide)."""
    head, marker, rest = where.partition("std::_Function_handler<")
    if not marker:
        return where
    _, comma, callable_type = rest.partition("), ")
    # A lambda's type names the function it was written in, up to its
    # parameter list: that function decides.
    return head + callable_type.split("(")[0] if comma else where


def by_class(callgrind_file):
    """Self instructions of one callgrind file, summed by CLASSES (plus "other")."""
    proc = subprocess.run(["callgrind_annotate", "--auto=no", "--inclusive=no",
                           "--threshold=100", str(callgrind_file)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if proc.returncode != 0:
        sys.exit(f"instruction_budget: callgrind_annotate failed on {callgrind_file}")
    sums = {name: 0 for name, _ in CLASSES}
    sums["other"] = 0
    for line in proc.stdout.splitlines():
        found = re.match(r"^\s*([\d,]+) \([\s\d.%]+\)\s+(.*)$", line)
        if not found or "PROGRAM TOTALS" in line:
            continue
        count, where = int(found.group(1).replace(",", "")), callable_of(found.group(2))
        for name, pattern in CLASSES:
            if re.search(pattern, where):
                sums[name] += count
                break
        else:
            sums["other"] += count
    return sums


def callgrind(argv, out_base):
    """Instructions per thread of `argv`, main thread first, and the
    machine thread's (the main thread's) callgrind file."""
    for old in out_base.parent.glob(out_base.name + "*"):
        old.unlink()
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes",
                           f"--callgrind-out-file={out_base}", *argv],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if proc.returncode != 0:
        sys.exit(f"instruction_budget: {' '.join(argv)} exited with {proc.returncode}")
    threads = {}
    main_file = None
    for part in out_base.parent.glob(out_base.name + "*"):
        text = part.read_text(errors="replace")
        thread = re.search(r"^thread: (\d+)$", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)$", text, re.M)
        if total:
            number = int(thread.group(1)) if thread else 1
            threads[number] = threads.get(number, 0) + int(total.group(1))
            if number == 1:
                main_file = part
    if not threads:
        sys.exit(f"instruction_budget: callgrind wrote no totals for {' '.join(argv)}")
    return [threads[k] for k in sorted(threads)], proc.stdout, main_file


def halt_counts(stdout):
    """The counters of twinos' halt summary, by HALT_COUNTS name."""
    counts = {}
    for name, (section, key) in HALT_COUNTS.items():
        found = re.search(rf"^{section} .*\b{key}=(\d+)", stdout, re.M)
        if not found:
            sys.exit(f"instruction_budget: no '{section} {key}=' in twinos' halt summary")
        counts[name] = int(found.group(1))
    return counts


def tool_argv(argv):
    # tcpdump run as root drops to its own user after opening the input;
    # callgrind, running inside it, could then not write its report.
    if argv[0] == "tcpdump" and os.geteuid() == 0:
        return ["tcpdump", "-Z", "root", *argv[1:]]
    return argv


# From this many frames on, a run has filled everything that fills up once
# (the read-ahead's three batches of 4 096 frames: read_ahead_source.h), so
# half of --frames at least this far apart leaves only the per-frame work.
SETTLED_FRAMES = 2 * 3 * 4096


def per_frame(long_run, short_run, frames):
    """What one more frame costs: the long run less the short one (half as
    many frames), per frame between them."""
    return (long_run - short_run) / (frames - frames // 2)


def main():
    args = common_arguments(__doc__, 50_000).parse_args()
    twinos = checked_twinos("instruction_budget", args.twinos, ("valgrind", "editcap", "tcpdump"))
    if args.frames < 2:
        sys.exit("instruction_budget: --frames must be at least 2")
    if args.frames < SETTLED_FRAMES:
        print(f"# note: --frames {args.frames} is under {SETTLED_FRAMES}: the half-length run "
              "has not filled the read-ahead's buffers, so their teardown counts as per-frame")
    short = args.frames // 2

    results = {"machine": machine(), "frames": args.frames, "rows": []}
    print(f"# {results['machine']}; instructions per frame (callgrind), "
          f"{args.frames} frames minus {args.frames // 2}")
    print(f"{'input':7} {'job':10} {'tool':8} {'tool Ir':>8} {'machine Ir':>11} "
          f"{'all Ir':>7} {'ratio':>6} {'sim ops':>8} {'Ir/op':>6}")
    with tempfile.TemporaryDirectory(prefix="twinos-budget-", dir=args.dir) as work:
        work = Path(work)
        os.chmod(work, 0o777)  # tcpdump may write as its own user elsewhere
        for name, sizes in INPUTS.items():
            sources = {n: generate(twinos, n, sizes, work / f"{name}-{n}.pcap")
                       for n in (args.frames, short)}
            for job, tool_template, our_template in COMPARISONS:
                output = work / "out.pcap"
                runs = {}
                for who, template in (("tool", tool_argv(tool_template)), ("twinos", our_template)):
                    for n, source in sources.items():
                        argv = fill(template, twinos, source, output)
                        runs[who, n] = callgrind(argv, work / f"cg-{who}-{n}.out")
                        output.unlink(missing_ok=True)
                tool = per_frame(sum(runs["tool", args.frames][0]), sum(runs["tool", short][0]),
                                 args.frames)
                ours_threads = runs["twinos", args.frames][0]
                ours_main = per_frame(ours_threads[0], runs["twinos", short][0][0], args.frames)
                ours_all = per_frame(sum(ours_threads), sum(runs["twinos", short][0]), args.frames)
                long_counts = halt_counts(runs["twinos", args.frames][1])
                short_counts = halt_counts(runs["twinos", short][1])
                ops = {k: per_frame(long_counts[k], short_counts[k], args.frames)
                       for k in HALT_COUNTS}
                simulated = sum(ops.values())
                long_classes = by_class(runs["twinos", args.frames][2])
                short_classes = by_class(runs["twinos", short][2])
                classes = {k: per_frame(long_classes[k], short_classes[k], args.frames)
                           for k in long_classes}
                row = {
                    "input": name, "job": job, "tool": tool_template[0],
                    "tool_ir_per_frame": tool,
                    "twinos_machine_thread_ir_per_frame": ours_main,
                    "twinos_all_threads_ir_per_frame": ours_all,
                    "twinos_threads": len(ours_threads),
                    "ratio": ours_main / tool,
                    "simulated_per_frame": ops,
                    "simulated_ops_per_frame": simulated,
                    "ir_per_simulated_op": ours_main / simulated,
                    "machine_thread_by_class": classes,
                }
                results["rows"].append(row)
                print(f"{name:7} {job:10} {row['tool']:8} {tool:8.0f} {ours_main:11.0f} "
                      f"{ours_all:7.0f} {row['ratio']:6.2f} {simulated:8.2f} "
                      f"{row['ir_per_simulated_op']:6.0f}")
        ops = results["rows"][0]["simulated_per_frame"]
        print("# simulated per frame (" + results["rows"][0]["input"] + "): " +
              ", ".join(f"{k} {v:.2f}" for k, v in ops.items()))
        print("# the machine's thread per frame, by class (self cost):")
        print(f"{'class':32}" + "".join(f" {r['input'] + '/' + r['job']:>16}"
                                        for r in results["rows"]))
        for name in results["rows"][0]["machine_thread_by_class"]:
            print(f"{name:32}" + "".join(f" {r['machine_thread_by_class'][name]:16.0f}"
                                         for r in results["rows"]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
