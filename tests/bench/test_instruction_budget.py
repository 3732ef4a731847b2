#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The instruction-budget report is complete and consistent (never its figures).

Runs scripts/instruction_budget.py on tiny inputs and checks that every
input/job pair is there against the right tool, that each ratio is the
machine thread's instructions over the tool's, that the machine thread is
part of all threads, that the simulated operations per frame are the sum of
their parts and include at least one event, that instructions per
simulated operation follow from them, and that the machine thread's split
by class adds up to the whole.
"""
import sys

from report_checks import check_rows, run_report

twinos, script = sys.argv[1], sys.argv[2]
data = run_report(script, twinos, "--frames", "300")

failures = []
check_rows(data["rows"], failures)
for r in data["rows"]:
    where = f"{r['input']}/{r['job']}"
    main, every, tool = (r["twinos_machine_thread_ir_per_frame"],
                         r["twinos_all_threads_ir_per_frame"], r["tool_ir_per_frame"])
    if min(main, tool) <= 0:
        failures.append(f"{where}: a frame cost no instructions ({main}, {tool})")
    if abs(r["ratio"] - main / tool) > 1e-9:
        failures.append(f"{where}: ratio is not machine thread / tool")
    if every < main or r["twinos_threads"] < 1:
        failures.append(f"{where}: the machine thread is not part of all threads")
    ops = r["simulated_per_frame"]
    if abs(sum(ops.values()) - r["simulated_ops_per_frame"]) > 1e-9:
        failures.append(f"{where}: simulated operations are not the sum of their parts")
    if ops["events"] < 1 or ops["io_trapped"] <= 0:
        failures.append(f"{where}: a frame took no event or no trapped I/O: {ops}")
    if abs(r["ir_per_simulated_op"] - main / r["simulated_ops_per_frame"]) > 1e-9:
        failures.append(f"{where}: Ir per operation does not follow from the figures")
    # The classes split the machine thread: together they are all of it
    # (callgrind_annotate lists every function), and the simulation's own
    # classes each did some work for every frame.
    classes = r["machine_thread_by_class"]
    if abs(sum(classes.values()) - main) > 0.01 * main + 1:
        failures.append(f"{where}: the classes add up to {sum(classes.values()):.0f}, "
                        f"not the machine thread's {main:.0f}")
    for name in ("event queue and run loop", "pseudo NIC", "card model", "driver",
                 "acquisition"):
        if classes.get(name, 0) <= 0:
            failures.append(f"{where}: class '{name}' did no work per frame: {classes}")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
