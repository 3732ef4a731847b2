#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The grader's own test: a hung check is that check's FAIL and the others are
still graded; a failure shows expected and actual values and how to replay it;
a crash names its signal; the report is always written; a lab file calling a
forbidden function scores 0; the self-test catches a cheat over its limit.

    test_grader.py GRADE_PY POINTS BAD_BINARY GOOD_BINARY PIECE_OBJECT
"""
import json
import os
import subprocess
import sys
import tempfile

failures = []


def expect(condition, what, output):
    if not condition:
        failures.append(f"{what}\n--- output ---\n{output}")


def grade(args):
    proc = subprocess.run([sys.executable, GRADE] + args, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


GRADE, POINTS, BAD, GOOD, PIECE = sys.argv[1:6]
with tempfile.TemporaryDirectory() as tmp:
    report = os.path.join(tmp, "grade.json")
    status, out = grade(["--points", POINTS, "--binary", f"fx={BAD}", "--json", report])
    expect(status == 1, f"below full marks the grader exits 1, not {status}", out)
    expect("a check that passes == OK 10/10" in out, "the check that passes scores", out)
    expect("timed out after 2 s" in out, "the hung check says it timed out", out)
    expect("FAIL 0/30" in out, "the hung check scores 0", out)
    expect("Which is: 5" in out and "add(2, 2)" in out, "the failure shows expected and actual", out)
    expect("seed 17" in out, "the failing test's trace (its seed) is shown", out)
    expect(f"replay: {BAD} --gtest_filter=Fixture.ComparesValues" in out, "a replay command is given", out)
    expect("SIGABRT" in out, "the crash names its signal", out)
    expect("Score: 10/100" in out, "the score is the passing check's", out)
    try:
        with open(report) as f:
            data = json.load(f)
        expect(data["score"] == 10 and data["possible"] == 100, f"the JSON report has the score: {data}", out)
        hung = [c for c in data["checks"] if c["id"] == "hangs"][0]
        expect("timed out" in hung["messages"]["Fixture.NeverFinishes"], "the JSON says why", out)
    except (OSError, ValueError, KeyError, IndexError) as e:
        expect(False, f"the JSON report is written and complete ({e})", out)

    status, out = grade(["--points", POINTS, "--binary", f"fx={GOOD}", "--piece", PIECE])
    expect(status == 1 and "Score: 0/100" in out, "a forbidden call scores 0 although every test passes", out)
    expect("calls bpf_filter" in out, "the forbidden call is named", out)

    status, out = grade(["--points", POINTS, "--binary", f"fx={GOOD}"])
    expect(status == 0 and "Score: 100/100" in out, "the good build scores full marks", out)

    # A build that does not hand out this lab holds the reference code: the
    # grade target must refuse, not score the reference as the student's.
    lab = next(l.split('"')[1] for l in open(POINTS) if l.startswith("lab ="))
    for configured, says in (("", "hands out no lab"), ("labother", "hands out labother")):
        report = os.path.join(tmp, "refused.json")
        status, out = grade(["--points", POINTS, "--binary", f"fx={GOOD}", "--json", report,
                             f"--configured-lab={configured}"])
        expect(status == 3 and says in out and f"-DTWINOS_LAB={lab}" in out and
               "Score:" not in out, f"grading in a build for '{configured}' is refused", out)
        with open(report) as f:
            expect(json.load(f)["score"] == 0, "the refused grade's report says 0", out)
    status, out = grade(["--points", POINTS, "--binary", f"fx={GOOD}", f"--configured-lab={lab}"])
    expect(status == 0 and "Score: 100/100" in out, "the build for this lab grades", out)

    status, out = grade(["--points", POINTS, "--selftest", "--binary", f"fx={GOOD}",
                         "--starter-binary", f"fx={BAD}", "--cheat", f"over:fx={GOOD}"])
    expect(status == 1, "the self-test fails", out)
    expect("cheat 'over' scores 100/100, more than the 10" in out, "the cheat over its limit is caught", out)
    expect("graded test Fixture.Passes passes on the unfinished starter" in out,
           "a graded test passing on the starter is caught", out)

    status, out = grade(["--points", POINTS, "--binary", "fx=/nonexistent", "--json", report])
    expect(status == 3 and "does not exist" in out, "a missing binary is a named error (exit 3)", out)
    with open(report) as f:
        expect("error" in json.load(f), "the JSON report is written on an error too", out)

for f in failures:
    print("FAILED:", f)
print(f"{'FAIL' if failures else 'OK'}: the grader ({len(failures)} problems)")
sys.exit(1 if failures else 0)
