#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Chapter 6 golden test: the capture files `twinos run -r` writes for every
capture in tests/data, and for two generated inputs, keep the bytes they had
when the digests were recorded -- and so does the run's summary (every
simulated count: events, switches, interrupts, port I/O, traps, the ledger),
so a change that skips or adds a simulated operation is a difference even if
the file stays the same (issue 16's rule for the speed work).

Four variants per capture: the default options, `-s 54`, `--format pcapng`
and one filter (`udp`). Captures the command refuses are recorded with their
exit status, so a refusal that starts or stops is a difference too. The
summary is recorded as the SHA-256 of its text with the file names replaced.

    check_output_digests.py TWINOS GOLDEN [--update-golden]

A mismatch prints the capture, the variant, both digests and the command that
reproduces the file. Regenerate only with --update-golden, review the diff
of the golden file, and say in tests/golden/ch06/CHANGES.md which count
changed and why the new one is more faithful.
"""
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "pcaps"
VARIANTS = {
    "default": ([], ".pcap"),
    "s54": (["-s", "54"], ".pcap"),
    "pcapng": (["--format", "pcapng"], ".pcapng"),
    "udp": (["udp"], ".pcap"),
}


# Generated inputs, as the benches use them (smaller): 64-byte frames and the
# mixed sizes, written by `twinos generate` itself.
GENERATED = {"generated/udp64.pcap": ["-n", "20000", "--sizes", "64"],
             "generated/mixed.pcap": ["-n", "20000", "--sizes", "mixed", "--spacing", "20us"]}


def captures():
    return sorted(p for p in DATA.rglob("*") if p.suffix in (".pcap", ".pcapng"))


def generate(twinos, workdir):
    """Write the generated inputs into workdir; return {name: path}."""
    made = {}
    for name, args in GENERATED.items():
        path = Path(workdir) / Path(name).name
        subprocess.run([twinos, "generate", "-w", str(path)] + args, check=True,
                       stdout=subprocess.DEVNULL, timeout=120)
        made[name] = path
    return made


def digest(twinos, capture, variant, workdir):
    args, suffix = VARIANTS[variant]
    out = Path(workdir) / ("out" + suffix)
    if out.exists():
        out.unlink()
    cmd = [twinos, "run", "-r", str(capture), "-w", str(out)] + args
    r = subprocess.run(cmd, capture_output=True, timeout=120)
    sha = hashlib.sha256(out.read_bytes()).hexdigest() if out.exists() else "-"
    summary = (r.stdout + r.stderr).replace(str(out).encode(), b"OUT").replace(
        str(capture).encode(), b"IN")
    return (f"exit={r.returncode} sha256={sha} "
            f"summary={hashlib.sha256(summary).hexdigest()[:16]}"), cmd


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    twinos, golden = sys.argv[1], Path(sys.argv[2])
    update = "--update-golden" in sys.argv[3:]
    rows, commands = {}, {}
    with tempfile.TemporaryDirectory(prefix="twinos-digests-") as work:
        inputs = {c.relative_to(DATA).as_posix(): c for c in captures()}
        inputs.update(generate(twinos, work))
        for name, capture in sorted(inputs.items()):
            for variant in VARIANTS:
                rows[(name, variant)], commands[(name, variant)] = digest(
                    twinos, capture, variant, work)
    if update:
        with golden.open("w") as f:
            f.write("# capture\tvariant\tresult (tests/ch06_monitor/check_output_digests.py)\n")
            for (name, variant), result in sorted(rows.items()):
                f.write(f"{name}\t{variant}\t{result}\n")
        print(f"wrote {golden}: {len(rows)} rows")
        return 0
    want = {}
    for line in golden.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, variant, result = line.split("\t")
        want[(name, variant)] = result
    failed = 0
    for key in sorted(set(want) | set(rows)):
        if want.get(key) != rows.get(key):
            failed += 1
            print(f"DIFFERENT {key[0]} [{key[1]}]: golden {want.get(key)}, now {rows.get(key)}")
            if key in commands:
                if key[0] in GENERATED:
                    print("  input: twinos generate -w IN " + " ".join(GENERATED[key[0]]))
                print("  reproduce: " + " ".join(commands[key]))
    checked = len(set(want) & set(rows))
    if checked == 0:
        print("no capture was checked")
        return 1
    print(f"{checked - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
