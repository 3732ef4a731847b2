#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Grade a lab, or prove that a lab is real (STYLE rules 31-32).

Grading: run each graded check's tests in a process of its own, with a time
limit, match the results against the lab's points table
(labs/labNN-*/points.toml), print one line per check with every failing
assertion's message and a command that replays it, print `Score: N/M`, write
a JSON report (always, also when a check hangs or crashes), and exit non-zero
below full marks.

    grade.py --points labs/lab01-address-spaces/points.toml \
             --binary ch02=build/tests/test_ch02 [--piece page_walk.o] \
             [--json grade-lab01.json] [FILTER]

FILTER keeps only the checks whose name or id contains it. --piece names the
compiled lab file; if it calls a function the table forbids (the library the
lab re-implements), every check scores 0.

Self-test (`--selftest`, run by ctest in the reference build): the reference
binaries must score full marks; on the starter twins (`--starter-binary
ch02=...`) every graded test must fail, every other test must still pass, and
nothing may crash or hang; each cheat (`--cheat NAME:ch02=PATH[:PIECE]`, a
starter that fakes the result, listed under [[cheat]] in the table) must score
no more than the table's `max_score` for it.
"""
import argparse
import fnmatch
import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib

DEFAULT_TIMEOUT = 60          # seconds per graded check, unless the table says
UNGRADED_TIMEOUT = 300        # the self-test's run of everything not graded
MESSAGE_LINES = 40            # lines kept of each failure


class GradeError(Exception):
    """A problem with the points table or the binaries, not with the student's code."""


class Result:
    """One test's outcome: passed, seconds, and the output that explains a failure."""

    def __init__(self, passed, seconds, message, skipped=False):
        self.passed, self.seconds, self.message = passed, seconds, message
        self.skipped = skipped  # a skip earns nothing, but does not break the starter


def parse_binaries(pairs, flag):
    binaries = {}
    for pair in pairs or []:
        chapter, sep, path = pair.partition("=")
        if not sep or not chapter or not path:
            raise GradeError(f"{flag} {pair!r}: expected CHAPTER=PATH")
        binaries[chapter] = path
    return binaries


def parse_cheats(specs):
    """NAME:CHAPTER=PATH[:PIECE] (repeatable, one per chapter) -> {name: (binaries, pieces)}."""
    cheats = {}
    for spec in specs or []:
        name, sep, rest = spec.partition(":")
        binary, _, piece = rest.partition(":")
        if not sep or not name:
            raise GradeError(f"--cheat {spec!r}: expected NAME:CHAPTER=PATH[:PIECE]")
        binaries, pieces = cheats.setdefault(name, ({}, []))
        binaries.update(parse_binaries([binary], "--cheat"))
        if piece:
            pieces.append(piece)
    return cheats


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
    for i, cheat in enumerate(table.get("cheat", [])):
        for key in ("name", "max_score", "why"):
            if key not in cheat:
                raise GradeError(f"{path}: cheat[{i}] has no '{key}'")
    return table


# --- running tests -----------------------------------------------------------

RUN_LINE = re.compile(r"^\[ RUN      \] (\S+)$")
END_LINE = re.compile(r"^\[ +(OK|FAILED|SKIPPED) +\] (\S+) \((\d+) ms\)$")


def list_tests(chapter, path):
    if not os.access(path, os.X_OK):
        raise GradeError(f"{chapter}: test binary {path} does not exist; build it first")
    try:
        proc = subprocess.run([path, "--gtest_list_tests"], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as e:
        raise GradeError(f"{chapter}: {path} --gtest_list_tests did not finish in 60 s") from e
    if proc.returncode != 0:
        raise GradeError(f"{chapter}: {path} --gtest_list_tests exited with status {proc.returncode}")
    names, suite = [], ""
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.split()[0]
        else:
            names.append(suite + line.split()[0])
    return names


def parse_output(stdout):
    """The per-test results in gtest's console output, and the test left running (if any)."""
    results, running, lines = {}, None, []
    for line in stdout.splitlines():
        start = RUN_LINE.match(line)
        end = END_LINE.match(line)
        if start:
            running, lines = start.group(1), []
        elif end and end.group(2) == running:
            verdict = end.group(1)
            message = "\n".join(lines).strip()
            if verdict == "SKIPPED":
                message = "skipped, so not shown to work: " + message
            results[running] = Result(verdict == "OK", int(end.group(3)) / 1000.0, message,
                                      verdict == "SKIPPED")
            running = None
        elif running:
            lines.append(line)
    return results, running, "\n".join(lines).strip()


def describe_status(status):
    if status < 0:
        try:
            return f"was killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"exited with status {status}"


def run_tests(path, names, timeout):
    """Run `names` from one binary in one process; every name gets a Result."""
    cmd = [path, "--gtest_color=no", "--gtest_filter=" + ":".join(names)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              errors="replace")
        stdout, status, timed_out = proc.stdout, proc.returncode, False
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b""
        stdout = out.decode(errors="replace") if isinstance(out, bytes) else out
        status, timed_out = None, True
    results, running, partial = parse_output(stdout)
    for name in names:
        if name in results:
            continue
        if name == running and timed_out:
            why = f"timed out after {timeout} s (the test never finished: an endless loop?)"
        elif name == running:
            why = f"crashed: the test binary {describe_status(status)} while running it"
        elif timed_out:
            why = f"not run: an earlier test of this check timed out after {timeout} s"
        else:
            why = f"no result: the test binary {describe_status(status)} before reaching it"
        message = why + ("\n" + partial if name == running and partial else "")
        results[name] = Result(False, 0.0, message)
    return results


class Suite:
    """The chapter binaries of one build, with results cached per test."""

    def __init__(self, binaries):
        self.binaries = binaries
        self.owner = {}
        for chapter, path in binaries.items():
            for name in list_tests(chapter, path):
                self.owner[name] = chapter
        self.results = {}

    def matched(self, patterns):
        return sorted(n for n in self.owner if any(fnmatch.fnmatchcase(n, p) for p in patterns))

    def run(self, names, timeout):
        todo = [n for n in names if n not in self.results]
        for chapter, path in self.binaries.items():
            mine = [n for n in todo if self.owner[n] == chapter]
            if mine:
                self.results.update(run_tests(path, mine, timeout))
        return {n: self.results[n] for n in names}

    def replay(self, name):
        return f"{self.binaries[self.owner[name]]} --gtest_filter={name}"


# --- forbidden symbols -------------------------------------------------------

def forbidden_calls(pieces, patterns):
    """The undefined symbols of the lab's compiled file(s) that match the table's forbid list."""
    found = []
    for piece in pieces:
        try:
            proc = subprocess.run(["nm", "--undefined-only", "--demangle", piece],
                                  capture_output=True, text=True, timeout=60)
        except FileNotFoundError as e:
            raise GradeError("nm is not installed (binutils): cannot check the lab file's calls") from e
        if proc.returncode != 0:
            raise GradeError(f"nm {piece}: {proc.stderr.strip()}")
        for line in proc.stdout.splitlines():
            symbol = line.split()[-1]
            if any(fnmatch.fnmatchcase(symbol, p) for p in patterns):
                found.append(symbol)
    return sorted(set(found))


# --- grading -----------------------------------------------------------------

def grade(table, suite, pieces=(), name_filter=""):
    lab = table.get("lab", "lab")
    forbidden = forbidden_calls(pieces, table.get("forbid_symbols", [])) if pieces else []
    outcome, lines, report = {}, [], []
    earned = possible = 0
    for check in table["check"]:
        names = suite.matched(check["tests"])
        if not names:
            raise GradeError(f"check '{check['id']}' matches no test: the points table is stale")
        results = suite.run(names, check.get("timeout", DEFAULT_TIMEOUT))
        failing = [n for n in names if not results[n].passed]
        ok = not failing and not forbidden
        missing = [r for r in check.get("requires", []) if not outcome.get(r, False)]
        outcome[check["id"]] = ok
        if name_filter and name_filter not in check["name"] and name_filter not in check["id"]:
            continue
        score = check["points"] if ok and not missing else 0
        earned += score
        possible += check["points"]
        seconds = sum(results[n].seconds for n in names)
        verdict = "OK" if score else "FAIL"
        lines.append(f"== {lab}: {check['name']} == {verdict} {score}/{check['points']} ({seconds:.1f}s)")
        if ok and missing:
            lines.append(f"   passes, but scores only with: {', '.join(missing)}")
        for n in failing:
            message = results[n].message.splitlines()
            lines.append(f"   failed: {n}")
            lines.extend(f"     {line}" for line in message[:MESSAGE_LINES])
            if len(message) > MESSAGE_LINES:
                lines.append(f"     ... {len(message) - MESSAGE_LINES} more lines; replay it to see them")
            lines.append(f"     replay: {suite.replay(n)}")
        report.append({"id": check["id"], "name": check["name"], "points": check["points"],
                       "score": score, "tests": names, "failing": failing,
                       "messages": {n: results[n].message for n in failing}})
    if forbidden:
        lines.append(f"   NOT ACCEPTED: the lab file calls {', '.join(forbidden)} -- the library "
                     "the lab re-implements; every check scores 0")
    lines.append(f"Score: {earned}/{possible}")
    return earned, possible, lines, report, forbidden


def selftest(table, reference, starter, cheats):
    problems = []
    ref = Suite(reference)
    earned, possible, ref_lines, _, _ = grade(table, ref)
    if earned != possible:
        problems.append(f"reference build scores {earned}/{possible}, not full marks")
        problems += ["  " + line for line in ref_lines]
    st = Suite(starter)
    graded = set()
    for check in table["check"]:
        names = st.matched(check["tests"])
        graded.update(names)
        st.run(names, check.get("timeout", DEFAULT_TIMEOUT))
    st.run(sorted(set(st.owner) - graded), UNGRADED_TIMEOUT)
    for name, result in sorted(st.results.items()):
        if name in graded and result.passed:
            problems.append(f"starter: graded test {name} passes on the unfinished starter")
        if name not in graded and not result.passed and not result.skipped:
            first = result.message.splitlines()[:1]
            problems.append(f"starter: ungraded test {name} fails -- the starter breaks other work"
                            + (f": {first[0]}" if first else ""))
    starter_score, _, _, _, _ = grade(table, st)
    if starter_score:
        problems.append(f"starter scores {starter_score}/{possible}, not 0")
    declared = {c["name"]: c for c in table.get("cheat", [])}
    for name in sorted(set(declared) - set(cheats)):
        problems.append(f"cheat '{name}' is in the points table but was not built")
    cheat_lines = []
    for name, (binaries, pieces) in sorted(cheats.items()):
        if name not in declared:
            problems.append(f"cheat '{name}' was built but the points table has no [[cheat]] for it")
            continue
        score, _, _, _, _ = grade(table, Suite(binaries), pieces)
        limit = declared[name]["max_score"]
        cheat_lines.append(f"cheat '{name}' scores {score}/{possible} (at most {limit}: {declared[name]['why']})")
        if score > limit:
            problems.append(f"cheat '{name}' scores {score}/{possible}, more than the {limit} "
                            f"its honest part earns ({declared[name]['why']})")
    lab = table.get("lab", "lab")
    if problems:
        print(f"{lab} self-test FAILED:")
        for p in problems:
            print(f"  {p}")
        return 1
    print(f"{lab} self-test OK: reference {earned}/{possible}; on the starter all "
          f"{len(graded)} graded tests fail and {len(st.results) - len(graded)} others pass")
    for line in cheat_lines:
        print(f"  {line}")
    return 0


def write_json(path, payload):
    if path:
        with open(path, "w") as f:
            json.dump(payload, f, indent=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", required=True, help="the lab's points.toml")
    ap.add_argument("--binary", action="append", help="CHAPTER=PATH of a test executable")
    ap.add_argument("--piece", action="append", help="the compiled lab file (checked for forbidden calls)")
    ap.add_argument("--starter-binary", action="append", help="CHAPTER=PATH of a starter twin")
    ap.add_argument("--cheat", action="append", help="NAME:CHAPTER=PATH[:PIECE] of a cheat twin")
    ap.add_argument("--json", help="write the report here")
    ap.add_argument("--selftest", action="store_true", help="prove the lab is real")
    ap.add_argument("--configured-lab", default=None,
                    help="the lab this build hands out (its TWINOS_LAB; empty: none). Grading "
                         "refuses unless it is the points table's lab: otherwise the binaries "
                         "hold the reference code, and the score would be the reference's")
    ap.add_argument("filter", nargs="?", default="", help="grade only checks containing this")
    args = ap.parse_args()
    start = time.monotonic()
    lab = None
    try:
        table = load_points(args.points)
        lab = table.get("lab")
        binaries = parse_binaries(args.binary, "--binary")
        if not binaries:
            raise GradeError("no --binary given")
        if args.configured_lab is not None and not args.selftest and args.configured_lab != lab:
            hands_out = (f"hands out {args.configured_lab}" if args.configured_lab
                         else "hands out no lab (the reference build)")
            raise GradeError(
                f"this build {hands_out}, so its tests would grade the reference code, not "
                f"yours; configure it for {lab} first: cmake --preset lab -DTWINOS_LAB={lab}")
        if args.selftest:
            return selftest(table, binaries, parse_binaries(args.starter_binary, "--starter-binary"),
                            parse_cheats(args.cheat))
        earned, possible, lines, report, forbidden = grade(table, Suite(binaries), args.piece or [],
                                                           args.filter)
        print("\n".join(lines))
        write_json(args.json, {"lab": lab, "score": earned, "possible": possible,
                               "seconds": round(time.monotonic() - start, 3),
                               "forbidden_calls": forbidden, "checks": report})
        return 0 if earned == possible else 1
    except GradeError as e:
        print(f"grade.py: error: {e}", file=sys.stderr)
        write_json(args.json, {"lab": lab, "score": 0, "possible": None, "error": str(e)})
        return 3


if __name__ == "__main__":
    sys.exit(main())
