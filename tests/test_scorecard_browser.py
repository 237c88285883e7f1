"""The HTML scorecard in a real headless browser: it renders, its figures load, no console errors."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scorecards import load, tables
from scorecards.publish import write
from scorecards.synthetic import random_samples, write_log

PROBE = """<script>
window.__problems = [];
window.addEventListener("error", (e) => {
  window.__problems.push("error: " + (e.message || (e.target && e.target.src) || "?"));
}, true);
for (const level of ["error", "warn"]) {
  const original = console[level];
  console[level] = (...args) => { window.__problems.push(level + ": " + args.join(" ")); original(...args); };
}
window.addEventListener("load", () => {
  const images = [...document.images];
  document.body.setAttribute("data-check", JSON.stringify({
    images: images.length,
    loaded: images.filter((i) => i.complete && i.naturalWidth > 100).length,
    tables: document.querySelectorAll("table").length,
    headline: (document.querySelector("h1") || {}).textContent,
    problems: window.__problems,
  }));
});
</script>"""


def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `bash scripts/setup.sh --test` installs it")
        pytest.skip("Chromium is not installed (bash scripts/setup.sh --test installs it)")
    return found


def _check(page: Path, scratch: Path) -> tuple[dict, list[str]]:
    """What the page shows in Chromium: image, table and problem counts, and console lines about it."""
    checked = scratch / "checked.html"
    checked.write_text(page.read_text().replace("<head>", "<head>\n" + PROBE, 1))
    out = subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--virtual-time-budget=10000",
            f"--user-data-dir={scratch / 'profile'}",
            "--dump-dom",
            checked.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    found = re.search(r'data-check="([^"]*)"', out.stdout)
    assert found, out.stdout[:2000] + out.stderr[-2000:]
    console = [line for line in out.stderr.splitlines() if "CONSOLE" in line and "checked.html" in line]
    return json.loads(html.unescape(found.group(1))), console


def test_html_scorecard_renders_in_chromium(tmp_path: Path) -> None:
    write_log(tmp_path / "logs" / "a.eval", "prov/a", random_samples(12, 2, seed=1))
    write_log(tmp_path / "logs" / "b.eval", "prov/b", random_samples(12, 2, seed=2, p_violation=0.4))
    card = tables.build(load.load([tmp_path / "logs"]))
    page = tmp_path / "card.html"
    write(card, "html", page)
    check, console = _check(page, tmp_path)
    assert check["images"] == 3 and check["loaded"] == 3, check
    assert check["tables"] >= 8 and check["headline"] == "alloy-bench scorecard"
    assert check["problems"] == [] and console == [], (check, console)


def test_the_browser_check_sees_a_broken_page(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><h1>alloy-bench scorecard</h1>"
        '<img src="missing.png"><script>console.error("boom")</script></body></html>'
    )
    check, _ = _check(page, tmp_path)
    assert check["images"] == 1 and check["loaded"] == 0
    assert any("boom" in p for p in check["problems"]) and any("missing.png" in p for p in check["problems"])
