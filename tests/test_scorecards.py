"""Scorecards, comparisons and the gate on real Inspect log files of planted samples (no agents run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.errors import SetupError
from scorecards import load, stats, tables
from scorecards.compare import compare, gate
from scorecards.publish import write
from scorecards.synthetic import SampleSpec, write_log

REPO = Path(__file__).resolve().parents[1]
CLEAN = {"error-format": "pass", "no-any": "pass", "auth-required": "not-applicable"}


def _samples(n: int, broken: int = 0, epochs: int = 1, rule: str = "error-format") -> list[SampleSpec]:
    """``n`` tasks, all resolved with complete reports; the first ``broken`` fail ``rule``."""
    out = []
    for t in range(n):
        for epoch in range(1, epochs + 1):
            verdicts = dict(CLEAN)
            if t < broken:
                verdicts[rule] = "fail"
            category = "bugfix" if t % 2 else "feature"
            out.append(SampleSpec(f"t{t}", epoch, verdicts=verdicts, category=category, difficulty="hard"))
    return out


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Path, Path]:
    base = write_log(tmp_path / "base" / "run.eval", "prov/base", _samples(8) + [SampleSpec("t9", 1, verdicts=CLEAN)])
    cand_samples = _samples(8, broken=7) + [SampleSpec("t8", 1, error="sandbox died")]
    cand = write_log(tmp_path / "cand" / "run.eval", "prov/cand", cand_samples, prompt="terse")
    return base.parent, cand.parent


def test_errored_samples_are_counted_apart(runs: tuple[Path, Path]) -> None:
    results = load.load([runs[1]])
    assert len(results.samples) == 8 and len(results.errors) == 1
    assert results.errors.iloc[0]["error"] == "sandbox died"
    card = tables.build(results)
    (group,) = card["groups"]
    assert group["n"] == 8 and group["errors"] == 1 and group["prompt"] == "terse"
    assert group["metrics"]["strict_success"] == pytest.approx(1 / 8)
    assert card["errors"] == [
        {"model": "prov/cand", "prompt": "terse", "task_id": "t8", "epoch": 1, "error": "sandbox died"}
    ]


def test_group_card_values(runs: tuple[Path, Path]) -> None:
    card = tables.build(load.load(list(runs)))
    base, cand = card["groups"]  # best first
    assert (base["model"], cand["model"]) == ("prov/base", "prov/cand")
    assert base["metrics"]["strict_success"] == 1.0 and base["n"] == 9 and base["tasks"] == 9
    interval = cand["intervals"]["strict_success"]
    assert (interval["low"], interval["high"]) == pytest.approx(stats.wilson(1, 8))
    rule = cand["rules"]["error-format"]
    assert (rule["violations"], rule["applicable"], rule["rate"]) == (7, 8, 7 / 8)
    assert (rule["low"], rule["high"]) == pytest.approx(stats.wilson(7, 8))
    assert "auth-required" in cand["rules"] and cand["rules"]["auth-required"]["applicable"] == 0
    assert cand["by_category"]["feature"]["n"] == 4 and cand["by_difficulty"]["hard"]["n"] == 8
    # t0..t6 fail: features t0, t2, t4, t6 all fail; bugfixes t1, t3, t5 fail, t7 passes
    assert cand["by_category"]["feature"]["strict_success"]["mean"] == 0.0
    assert cand["by_category"]["bugfix"]["strict_success"]["mean"] == 0.25
    assert card["meta"]["prompts"] == {"backend-worker": ["sha-backend-worker"], "terse": ["sha-terse"]}
    assert card["meta"]["fixture_versions"] == ["synthetic"]
    assert cand["usage"]["grading_seconds_median"] == 4.5


def test_pass_k_over_epochs(tmp_path: Path) -> None:
    samples = [
        SampleSpec(task, epoch, resolved=int(epoch <= wins), verdicts=CLEAN)
        for task, wins in (("a", 3), ("b", 2), ("c", 0))
        for epoch in (1, 2, 3)
    ]
    write_log(tmp_path / "x.eval", "prov/m", samples, epochs=3)
    (group,) = tables.build(load.load([tmp_path]))["groups"]
    # per task C(c,k)/C(3,k): k=1 → (1 + 2/3 + 0)/3, k=2 → (1 + 1/3 + 0)/3, k=3 → (1 + 0 + 0)/3
    assert group["pass_k"]["strict_success"] == pytest.approx({"1": 5 / 9, "2": 4 / 9, "3": 1 / 3})
    assert group["epochs"] == 3 and group["n"] == 9 and group["tasks"] == 3
    assert "deff" in group["intervals"]["strict_success"]["method"]


def test_a_retried_sample_counts_once(tmp_path: Path) -> None:
    write_log(tmp_path / "1.eval", "prov/m", [SampleSpec("a", 1, error="boom"), SampleSpec("b", 1, verdicts=CLEAN)])
    write_log(tmp_path / "2.eval", "prov/m", [SampleSpec("a", 1, verdicts=CLEAN)])
    results = load.load([tmp_path])
    assert sorted(results.samples["task_id"]) == ["a", "b"] and results.errors.empty and results.superseded == 1


def test_compare_pairs_samples_and_names_the_unpaired(runs: tuple[Path, Path]) -> None:
    c = compare(load.load([runs[0]]), load.load([runs[1]]))
    assert c["pairs"] == 8
    strict = c["metrics"]["strict_success"]
    assert (strict["worse"], strict["better"]) == (7, 0)
    assert strict["p"] == pytest.approx(stats.mcnemar_exact(7, 0)) == pytest.approx(2 / 128)
    assert strict["difference"] == pytest.approx(-7 / 8) and strict["high"] < 0
    assert c["rules_moved"][0] == "error-format" and c["rules"]["error-format"]["worse"] == 7
    assert "no-any" not in c["rules_moved"]
    assert [t["task_id"] for t in c["tasks_moved"]] == [f"t{i}" for i in range(7)]
    assert c["tasks_moved"][0]["rules"] == ["error-format"]
    assert {(u["side"], u["task_id"], u["reason"]) for u in c["unpaired"]} == {
        ("baseline", "t9", "missing on the other side"),
        ("candidate", "t8", "errored"),
    }


def test_gate_fails_only_on_a_significant_drop_beyond_the_threshold(runs: tuple[Path, Path], tmp_path: Path) -> None:
    base, cand = load.load([runs[0]]), load.load([runs[1]])
    result = gate(compare(base, cand), "strict_success", 0.05, 0.05)
    assert result.failed and "error-format" in result.line and result.data["rules_significant"] == ["error-format"]
    same = gate(compare(base, base), "strict_success", 0.05, 0.05)
    assert not same.failed and same.data["drop"] == 0
    # a drop bigger than the threshold but beyond doubt only with more pairs: 3 of 3 tasks fail, p = 0.25
    write_log(tmp_path / "s_base" / "r.eval", "prov/a", _samples(3))
    write_log(tmp_path / "s_cand" / "r.eval", "prov/b", _samples(3, broken=3))
    small = gate(
        compare(load.load([tmp_path / "s_base"]), load.load([tmp_path / "s_cand"])), "strict_success", 0.05, 0.05
    )
    assert not small.failed and small.data["drop"] == 1.0 and "not significant" in small.line
    # a rule id is a gate metric too (its pass rate)
    assert gate(compare(base, cand), "error-format", 0.05, 0.05).failed
    assert not gate(compare(base, cand), "no-any", 0.05, 0.05).failed
    with pytest.raises(SetupError, match="unknown gate metric"):
        gate(compare(base, cand), "speed", 0.05, 0.05)


def test_compare_needs_one_run_per_side_and_shared_tasks(runs: tuple[Path, Path], tmp_path: Path) -> None:
    both = load.load(list(runs))
    with pytest.raises(SetupError, match="2 \\(model, prompt\\) runs"):
        compare(both, load.load([runs[1]]))
    write_log(tmp_path / "other" / "r.eval", "prov/c", [SampleSpec("zz", 1, verdicts=CLEAN)])
    with pytest.raises(SetupError, match="no sample of the baseline pairs"):
        compare(load.load([runs[0]]), load.load([tmp_path / "other"]))


def test_publishing_formats(runs: tuple[Path, Path], tmp_path: Path) -> None:
    card = tables.build(load.load(list(runs)))
    out = tmp_path / "pub"
    write(card, "md", out / "card.md")
    md = (out / "card.md").read_text()
    assert "| prov/cand · terse | 8 | 8 | 1 | 1 |" in md and "0.12 [0.02, 0.47]" in md
    for name in ("headline", "rules", "categories"):
        png = out / "card-figures" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
        assert f"](card-figures/{name}.png)" in md
    write(card, "html", out / "card.html")
    html = (out / "card.html").read_text()
    assert html.count('src="data:image/png;base64,') == 3 and "<table>" in html and 'src="http' not in html
    write(card, "json", out / "card.json")
    assert json.loads((out / "card.json").read_text()) == json.loads(json.dumps(card))
    write(card, "dataset", out / "ds")
    from datasets import Dataset

    rows = Dataset.from_parquet(str(out / "ds" / "samples.parquet"))
    assert len(rows) == 17 and json.loads(rows[0]["rules"])["error-format"] in (0, 1)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evals.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_command_line_gate_compare_and_scorecard(runs: tuple[Path, Path], tmp_path: Path) -> None:
    base, cand = map(str, runs)
    out = _cli("gate", base, cand, "--json", str(tmp_path / "gate.json"), cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert out.stdout.startswith("gate FAILED: strict_success") and "error-format" in out.stdout
    assert json.loads((tmp_path / "gate.json").read_text())["failed"] is True
    out = _cli("gate", base, base, "--json", str(tmp_path / "same.json"), cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.startswith("gate passed")
    assert "(change 0.00, 95% CI [0.00, 0.00]" in out.stdout, out.stdout
    out = _cli("compare", base, cand, cwd=tmp_path)
    assert out.returncode == 0 and "error-format" in out.stdout and "candidate t8 epoch 1: errored" in out.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _cli("scorecard", str(empty), cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "no Inspect logs" in out.stderr
    out = _cli("compare", str(tmp_path), cand, cwd=tmp_path)
    assert out.returncode == 2 and "give a log file or directory with exactly one run per side" in out.stderr
    out = _cli("scorecard", base, "--format", "dataset", cwd=tmp_path)
    assert out.returncode == 2 and "--out DIR" in out.stderr
