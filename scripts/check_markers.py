#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the markers that tie the chapters to the code (STYLE rule 16).

Markers are plain comments in src/: `// [layer:tag]` opens, `// [/layer:tag]`
closes. Pages (chapters/, labs/, docs/ .rst) pull code with literalinclude
`:start-after: // [layer:tag]` and `:end-before: // [/layer:tag]`. Checked:

  1. every opener has exactly one closer, later in the same file;
  2. every tag is unique across src/;
  3. every tag a page uses exists, in the file that page includes;
  4. every tag in src/ is used by some page.

Errors are printed as `file:line: message`; the exit status is 1 if any.
"""
import os
import re
import sys

MARKER = re.compile(r"//\s*\[(/?)([a-z0-9_-]+:[a-z0-9_-]+)\]")
INCLUDE = re.compile(r"^\s*\.\.\s+literalinclude::\s*(\S+)")
OPTION = re.compile(r"^\s+:(start-after|end-before):\s*(.+?)\s*$")


def scan_sources(root):
    """Return ({tag: (path, open_line, close_line)}, errors)."""
    tags, errors = {}, []
    src = os.path.join(root, "src")
    for dirpath, _, files in sorted(os.walk(src)):
        for name in sorted(files):
            if not name.endswith((".h", ".cpp")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            open_at = {}
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    for slash, tag in MARKER.findall(line):
                        if not slash:
                            if tag in open_at:
                                errors.append(f"{rel}:{lineno}: [{tag}] opened again (first at line {open_at[tag]})")
                            elif tag in tags:
                                errors.append(f"{rel}:{lineno}: [{tag}] already used at {tags[tag][0]}:{tags[tag][1]}")
                            else:
                                open_at[tag] = lineno
                        else:
                            if tag not in open_at:
                                errors.append(f"{rel}:{lineno}: [/{tag}] closes a marker that is not open")
                            else:
                                tags[tag] = (rel, open_at.pop(tag), lineno)
            for tag, lineno in open_at.items():
                errors.append(f"{rel}:{lineno}: [{tag}] is never closed")
    return tags, errors


def scan_pages(root):
    """Return [(page, line, included_file, option, tag)] for every marker a page uses."""
    uses = []
    for top in ("chapters", "labs", "docs"):
        for dirpath, _, files in sorted(os.walk(os.path.join(root, top))):
            for name in sorted(files):
                if not name.endswith(".rst"):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                current = None
                with open(path, encoding="utf-8") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m:
                            current = os.path.normpath(os.path.join(os.path.dirname(rel), m.group(1)))
                            continue
                        m = OPTION.match(line)
                        if m and current:
                            found = MARKER.search(m.group(2))
                            if found:
                                uses.append((rel, lineno, current, m.group(1), found.group(1), found.group(2)))
                        elif line.strip() and not line.startswith((" ", "\t")):
                            current = None
    return uses


def check(root):
    tags, errors = scan_sources(root)
    used = set()
    for page, lineno, included, option, slash, tag in scan_pages(root):
        want_close = option == "end-before"
        if bool(slash) != want_close:
            errors.append(f"{page}:{lineno}: :{option}: should name [{'/' if want_close else ''}{tag}]")
        if tag not in tags:
            errors.append(f"{page}:{lineno}: marker [{tag}] does not exist in src/")
            continue
        if os.path.normpath(tags[tag][0]) != included:
            errors.append(f"{page}:{lineno}: marker [{tag}] is in {tags[tag][0]}, not {included}")
        used.add(tag)
    for tag, (path, lineno, _) in sorted(tags.items()):
        if tag not in used:
            errors.append(f"{path}:{lineno}: marker [{tag}] is not used by any chapter or page")
    return tags, errors


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    tags, errors = check(os.path.abspath(root))
    for e in errors:
        print(e)
    if errors:
        print(f"check_markers: {len(errors)} problem(s)")
        return 1
    print(f"check_markers: {len(tags)} markers, all closed, unique and used")
    return 0


if __name__ == "__main__":
    sys.exit(main())
