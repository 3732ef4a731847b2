#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Grade a lab, or prove that a lab is real (STYLE rules 31-32).

Grading: run the chapter test executables once each with JSON output, match
the lab's points table (labs/labNN-*/points.toml) against the results, print
one line per graded check and `Score: N/M`, write a JSON report, and exit
non-zero below full marks.

    grade.py --points labs/lab01-address-spaces/points.toml \
             --binary ch02=build/tests/test_ch02 [--json grade-lab01.json] [FILTER]

FILTER keeps only the checks whose name or id contains it.

Self-test (`--selftest`, run by ctest in the reference build): the reference
binaries must score full marks; on the starter twins (`--starter-binary
ch02=...`) every graded test must fail, every other test must still pass, and
nothing may crash.
"""
import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib


class GradeError(Exception):
    """A problem with the points table or the binaries, not with the student's code."""


def parse_binaries(pairs, flag):
    binaries = {}
    for pair in pairs or []:
        chapter, sep, path = pair.partition("=")
        if not sep or not chapter or not path:
            raise GradeError(f"{flag} {pair!r}: expected CHAPTER=PATH")
        binaries[chapter] = path
    return binaries


def load_points(path):
    try:
        with open(path, "rb") as f:
            table = tomllib.load(f)
    except OSError as e:
        raise GradeError(f"{path}: cannot read: {e.strerror}") from e
    except tomllib.TOMLDecodeError as e:
        raise GradeError(f"{path}: {e}") from e
    checks = table.get("check", [])
    if not checks:
        raise GradeError(f"{path}: no [[check]] entries")
    ids = set()
    for i, check in enumerate(checks):
        for key in ("id", "name", "tests", "points"):
            if key not in check:
                raise GradeError(f"{path}: check[{i}] has no '{key}'")
        if check["id"] in ids:
            raise GradeError(f"{path}: check[{i}] repeats id '{check['id']}'")
        ids.add(check["id"])
        for req in check.get("requires", []):
            if req not in ids:
                raise GradeError(f"{path}: check '{check['id']}' requires unknown or later check '{req}'")
    return table


def run_binary(chapter, path):
    """Run one gtest binary; return ({test: (passed, seconds, message)}, crash_note)."""
    if not os.access(path, os.X_OK):
        raise GradeError(f"{chapter}: test binary {path} does not exist; build it first")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "results.json")
        proc = subprocess.run([path, f"--gtest_output=json:{out}"], capture_output=True, text=True,
                              timeout=300)
        crash = None
        if proc.returncode not in (0, 1):
            crash = f"{chapter}: {os.path.basename(path)} exited with status {proc.returncode}"
        if not os.path.exists(out):
            return {}, crash or f"{chapter}: {os.path.basename(path)} wrote no results"
        with open(out) as f:
            report = json.load(f)
    results = {}
    for suite in report.get("testsuites", []):
        for test in suite.get("testsuite", []):
            name = f"{suite['name']}.{test['name']}"
            failures = test.get("failures", [])
            message = failures[0].get("failure", "").strip() if failures else ""
            seconds = float(test.get("time", "0s").rstrip("s") or 0)
            results[name] = (not failures and test.get("result") == "COMPLETED", seconds, message)
    return results, crash


def run_all(binaries):
    results, crashes = {}, []
    for chapter, path in binaries.items():
        got, crash = run_binary(chapter, path)
        results.update(got)
        if crash:
            crashes.append(crash)
    return results, crashes


def matched(check, results):
    return sorted(name for name in results if any(fnmatch.fnmatchcase(name, p) for p in check["tests"]))


def grade(table, results, crashes, name_filter=""):
    lab = table.get("lab", "lab")
    outcome = {}
    lines, report = [], []
    earned = possible = 0
    for check in table["check"]:
        names = matched(check, results)
        if not names and not crashes:
            raise GradeError(f"check '{check['id']}' matches no test: the points table is stale")
        failing = [n for n in names if not results[n][0]]
        ok = bool(names) and not failing
        missing = [r for r in check.get("requires", []) if not outcome.get(r, False)]
        outcome[check["id"]] = ok
        if name_filter and name_filter not in check["name"] and name_filter not in check["id"]:
            continue
        score = check["points"] if ok and not missing else 0
        earned += score
        possible += check["points"]
        seconds = sum(results[n][1] for n in names)
        verdict = "OK" if score else "FAIL"
        lines.append(f"== {lab}: {check['name']} == {verdict} {score}/{check['points']} ({seconds:.1f}s)")
        if ok and missing:
            lines.append(f"   passes, but scores only with: {', '.join(missing)}")
        if not names:
            lines.append("   no results: the test binary crashed")
        for n in failing:
            first = results[n][2].splitlines()[:3]
            lines.append(f"   failed: {n}")
            lines.extend(f"     {line}" for line in first)
        report.append({"id": check["id"], "name": check["name"], "points": check["points"],
                       "score": score, "tests": names, "failing": failing})
    for crash in crashes:
        lines.append(f"   CRASH: {crash}")
    lines.append(f"Score: {earned}/{possible}")
    return earned, possible, lines, report


def selftest(table, reference, starter):
    problems = []
    ref_results, ref_crashes = run_all(reference)
    earned, possible, _, _ = grade(table, ref_results, ref_crashes)
    if ref_crashes:
        problems += ref_crashes
    if earned != possible:
        problems.append(f"reference build scores {earned}/{possible}, not full marks")
    st_results, st_crashes = run_all(starter)
    problems += [f"starter: {c}" for c in st_crashes]
    graded = set()
    for check in table["check"]:
        graded.update(matched(check, st_results))
    for name, (passed, _, _) in sorted(st_results.items()):
        if name in graded and passed:
            problems.append(f"starter: graded test {name} passes on the unfinished starter")
        if name not in graded and not passed:
            problems.append(f"starter: ungraded test {name} fails -- the starter breaks other work")
    lab = table.get("lab", "lab")
    if problems:
        print(f"{lab} self-test FAILED:")
        for p in problems:
            print(f"  {p}")
        return 1
    print(f"{lab} self-test OK: reference {earned}/{possible}; on the starter all "
          f"{len(graded)} graded tests fail and {len(st_results) - len(graded)} others pass")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", required=True, help="the lab's points.toml")
    ap.add_argument("--binary", action="append", help="CHAPTER=PATH of a test executable")
    ap.add_argument("--starter-binary", action="append", help="CHAPTER=PATH of a starter twin")
    ap.add_argument("--json", help="write the report here")
    ap.add_argument("--selftest", action="store_true", help="prove the lab is real")
    ap.add_argument("filter", nargs="?", default="", help="grade only checks containing this")
    args = ap.parse_args()
    try:
        table = load_points(args.points)
        binaries = parse_binaries(args.binary, "--binary")
        if not binaries:
            raise GradeError("no --binary given")
        if args.selftest:
            return selftest(table, binaries, parse_binaries(args.starter_binary, "--starter-binary"))
        start = time.monotonic()
        results, crashes = run_all(binaries)
        earned, possible, lines, report = grade(table, results, crashes, args.filter)
        print("\n".join(lines))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"lab": table.get("lab"), "score": earned, "possible": possible,
                           "seconds": round(time.monotonic() - start, 3), "checks": report}, f, indent=2)
        return 0 if earned == possible else 1
    except GradeError as e:
        print(f"grade.py: error: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
