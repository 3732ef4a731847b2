#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that every program output the book shows is what the program prints.

    check_book_outputs.py ROOT TWINOS_BINARY

A page marks a shown output with an RST comment naming the command, right
before the paragraph that introduces the literal block (or the block itself):

    .. output-of: twinos boot --trace=boot,sched,irq,io

    ... ends with the halt summary::

       ticks total=35000000 ...

The command runs (``twinos`` is the built binary) in an empty temporary
directory, and every line of the block must appear in its output (stdout
and stderr), in order; a line ``...`` stands for lines left out. A literal
block that looks like a twinos report (two or more ``key=value`` words on a
line) with no such comment is an error too: nothing the book shows can
drift. Errors are `file:line: message`; exit status 1 if any.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

MARK = re.compile(r"^\.\. output-of: (.+)$")
REPORT_LINE = re.compile(r"((?:^|\s)[a-z_]+=[0-9][^ ]*.*){2,}")  # not -option=value


def literal_blocks(lines):
    """Yield (start_line, [block lines]) for every `::` literal block and code-block."""
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = line.lstrip().startswith(".. code-block::")
        if directive or (line.rstrip().endswith("::") and not line.lstrip().startswith(".. ")):
            j = i + 1
            while directive and j < len(lines) and lines[j].lstrip().startswith(":"):
                j += 1  # the directive's options
            while j < len(lines) and not lines[j].strip():
                j += 1
            indent = len(lines[j]) - len(lines[j].lstrip()) if j < len(lines) else 0
            base = len(line) - len(line.lstrip())
            block, k = [], j
            while k < len(lines) and (not lines[k].strip() or
                                      len(lines[k]) - len(lines[k].lstrip()) >= indent > base):
                block.append(lines[k][indent:].rstrip())
                k += 1
            while block and not block[-1]:
                block.pop()
            if block:
                yield j + 1, block
            i = k
        else:
            i += 1


def shown_lines_appear(shown, output):
    """True when every shown line is an output line, in order ('...' skips)."""
    out = [line.rstrip() for line in output.splitlines()]
    at = 0
    for line in shown:
        if line.strip() == "...":
            continue
        while at < len(out) and out[at] != line:
            at += 1
        if at == len(out):
            return line
        at += 1
    return None


def check_page(path, binary, errors):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    marks = {i + 1: MARK.match(line).group(1) for i, line in enumerate(lines) if MARK.match(line)}
    checked, previous = 0, 0
    for start, block in literal_blocks(lines):
        # A mark belongs to the first block after it.
        mine = [m for m in marks if previous < m < start]
        previous = start
        command = marks.pop(max(mine)) if mine else None
        if command is None:
            if any(REPORT_LINE.search(line) for line in block):
                errors.append(f"{path}:{start}: a shown report with no '.. output-of: COMMAND' "
                              "before it: the book could drift from the program")
            continue
        args = shlex.split(command)
        if not args or args[0] != "twinos":
            errors.append(f"{path}:{start}: output-of '{command}': only twinos commands are checked")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run([binary] + args[1:], cwd=tmp, capture_output=True, text=True,
                                  timeout=300)
        missing = shown_lines_appear(block, proc.stdout + proc.stderr)
        if missing is not None:
            errors.append(f"{path}:{start}: '{command}' does not print (in this order) the line\n"
                          f"    {missing}\n  it printed:\n    "
                          + "\n    ".join((proc.stdout + proc.stderr).splitlines()[:40]))
        checked += 1
    for line, command in marks.items():
        errors.append(f"{path}:{line}: output-of '{command}' has no literal block after it")
    return checked


def main(argv):
    if len(argv) != 3:
        print("usage: check_book_outputs.py ROOT TWINOS_BINARY", file=sys.stderr)
        return 2
    root, binary = argv[1], os.path.abspath(argv[2])
    errors, checked = [], 0
    for folder in ("chapters", "docs", "labs"):
        for dirpath, dirs, files in sorted(os.walk(os.path.join(root, folder))):
            dirs[:] = [d for d in sorted(dirs) if not d.startswith(("_", "."))]
            for name in sorted(files):
                if name.endswith(".rst"):
                    checked += check_page(os.path.join(dirpath, name), binary, errors)
    for e in errors:
        print(e)
    if checked == 0:
        errors.append("no shown output was checked at all: the marks are gone")
        print(errors[-1])
    print(f"check_book_outputs: {checked} shown outputs checked, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
