#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Read the built site in a headless browser and check its layout.

    check_site_layout.py HTML_DIR

For every page of the book (chapters, labs, start pages, instructor guide)
at 1280 px wide: no code block scrolls sideways, no table is clipped, no
figure is wider than the text. At 420 px (a phone): the page itself never
scrolls sideways (code blocks may). Each problem is printed as
`page: what (by how many pixels)`; exit 1 if any, 77 (a skip) when
chromium-headless-shell is not installed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

PROBE = """<script>window.addEventListener('load', () => {
  const over = e => e.scrollWidth - e.clientWidth;
  const named = (e, i) => (e.closest('.literal-block-wrapper')?.querySelector('.caption-text')
                           ?.textContent || e.textContent.split('\\n')[0].slice(0, 50)).trim();
  const pre = [...document.querySelectorAll('article div.highlight pre')];
  const tables = [...document.querySelectorAll('article table')];
  const images = [...document.querySelectorAll('article img, article object')];
  const article = document.querySelector('article');
  document.body.setAttribute('data-probe', JSON.stringify({
    width: window.innerWidth,
    code: pre.map((e, i) => [named(e, i), over(e)]).filter(x => x[1] > 1),
    codeBlocks: pre.length,
    tables: tables.map((e, i) => ['table ' + (i + 1), over(e)]).filter(x => x[1] > 1),
    images: images.map((e, i) => [e.getAttribute('src') || e.getAttribute('data') || 'image ' + i,
                                  e.getBoundingClientRect().width - article.clientWidth])
                  .filter(x => x[1] > 1),
    page: document.documentElement.scrollWidth - window.innerWidth,
  }));
});</script>"""


def browser():
    for name in ("chromium-headless-shell", "chromium"):
        path = shutil.which(name)
        if path:
            return path
    return None


def probe(exe, page, width):
    proc = subprocess.run([exe, "--no-sandbox", "--headless", "--disable-gpu", "--hide-scrollbars",
                           f"--window-size={width},900", "--virtual-time-budget=5000", "--dump-dom",
                           "file://" + page], capture_output=True, text=True, timeout=120)
    m = re.search(r'data-probe="([^"]*)"', proc.stdout)
    if not m:
        raise RuntimeError(f"{page}: the browser gave no layout (status {proc.returncode}): "
                           f"{proc.stderr.strip()[:300]}")
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def pages(root):
    for folder in ("chapters", "labs", "docs/start", "docs/instructor"):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if name.endswith(".html"):
                    yield os.path.join(dirpath, name)
    index = os.path.join(root, "docs", "index.html")
    if os.path.exists(index):
        yield index


def main(argv):
    if len(argv) != 2:
        print("usage: check_site_layout.py HTML_DIR", file=sys.stderr)
        return 2
    exe = browser()
    if not exe:
        print("SKIP: chromium-headless-shell is not installed (scripts/install-deps.sh installs it)")
        return 77
    problems, checked, blocks = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        site = os.path.join(tmp, "site")
        shutil.copytree(argv[1], site)
        for page in pages(site):
            rel = os.path.relpath(page, site)
            with open(page, encoding="utf-8") as f:
                html = f.read()
            with open(page, "w", encoding="utf-8") as f:
                f.write(html.replace("</body>", PROBE + "</body>"))
            wide = probe(exe, page, 1280)
            narrow = probe(exe, page, 420)
            checked += 1
            blocks += wide["codeBlocks"]
            for what, px in wide["code"]:
                problems.append(f"{rel}: at 1280 px the code block '{what}' scrolls sideways by {px} px")
            for what, px in wide["tables"]:
                problems.append(f"{rel}: at 1280 px {what} is clipped by {px} px")
            for what, px in wide["images"]:
                problems.append(f"{rel}: at 1280 px the figure {what} is {px:.0f} px wider than the text")
            if narrow["page"] > 1:
                problems.append(f"{rel}: at 420 px the whole page scrolls sideways by {narrow['page']} px")
    for p in problems:
        print(p)
    if checked == 0 or blocks == 0:
        problems.append("no page or no code block was checked: the site is empty or the probe broke")
        print(problems[-1])
    print(f"check_site_layout: {checked} pages, {blocks} code blocks at 1280 px; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
