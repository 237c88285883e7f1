"""Determinism: re-grading a log with ``inspect score`` gives the very same scores, and the oracle's hidden tests
never flake.

``test_oracle_hidden_tests_never_flake`` takes hours on 2 cores: it is marked ``long`` and skipped unless
``ALLOY_LONG=1`` (``make test-long``; ``ALLOY_LONG_TASKS=a,b`` runs a subset).
"""

from __future__ import annotations

import copy
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from evals.fixture import REPO_ROOT
from evals.task_spec import TASKS_DIR
from scorers.alloy_scorer import CHANGES_KEY
from scorers.grading import settled_output

BIN = Path(sys.executable).parent
RESCORE_TASKS = ["newsletter-resubscribe", "service-pricing"]
"""Two easy-to-medium tasks for scripted/sloppy-message: one resolved with an ``error-format`` violation and a
live probe, one with a schema change (drizzle-kit push) and failing hidden tests (with their error output).
(Rows a probe creates carry ``now()`` and random ids; ``scorers.probes.stable`` masks them in the record.)"""
ROUNDS = 10
EPOCHS = 10
TIMING = (("metadata", "grading_seconds"), ("metadata", "grading", "seconds"), ("metadata", "grading", "steps"))
"""The only fields of a score allowed to differ between gradings: how long grading and its steps took."""
LONG = os.environ.get("ALLOY_LONG") == "1"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Inspect writes outside the log dir (~/.local/share, ~/.cache): keep it in a temp dir."""
    home = tmp_path_factory.mktemp("xdg")
    return {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state")}


def _run(args: list[str], env: dict[str, str], timeout: float | None = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def without_timing(score: dict[str, Any]) -> dict[str, Any]:
    """A copy of a dumped score without the ``TIMING`` fields; each must be there, so that a renamed timing field
    fails here by name instead of surfacing as a difference."""
    out = copy.deepcopy(score)
    for path in TIMING:
        parent = out
        for key in path[:-1]:
            parent = parent[key]
        assert path[-1] in parent, f"timing field {'.'.join(path)} is missing from the score"
        del parent[path[-1]]
    return out


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Every place where two JSON values differ (types too: 1 is not 1.0), as readable lines."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: only in {'the first' if k in a else 'the second'}" for k in sorted(a.keys() ^ b.keys())]
        for key in sorted(a.keys() & b.keys()):
            out += differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [f"{path}: {len(a)} items != {len(b)} items"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    if isinstance(a, str) and isinstance(b, str) and a != b:
        at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        return [f"{path}: from character {at}: {a[max(0, at - 40) : at + 80]!r} != {b[max(0, at - 40) : at + 80]!r}"]
    if type(a) is not type(b) or a != b:
        return [f"{path}: {a!r:.300} != {b!r:.300}"]
    return []


def graded(log_file: Path) -> dict[str, Any]:
    """Everything a grading put in a log, but timing: each sample's scores and the log's metrics."""
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(log_file))
    assert log.results is not None and log.samples, f"{log_file}: no results"
    errors = [f"{s.id}#{s.epoch}: {s.error.message[:500]}" for s in log.samples if s.error]
    assert not errors, errors
    return {
        "samples": {
            f"{s.id}#{s.epoch}": {name: without_timing(sc.model_dump(mode="json")) for name, sc in s.scores.items()}
            for s in log.samples
            if s.scores is not None
        },
        "metrics": [s.model_dump(mode="json") for s in log.results.scores],
        "counts": [log.results.total_samples, log.results.completed_samples],
    }


def _score_times(log_file: Path) -> dict[str, float]:
    """When each sample was last scored (its newest score event)."""
    from inspect_ai.log import read_eval_log

    return {
        f"{s.id}#{s.epoch}": max(e.timestamp.timestamp() for e in s.events if e.event == "score")
        for s in read_eval_log(str(log_file)).samples or []
    }


def _assert_covers(run: dict[str, Any]) -> None:
    """The run holds what the comparison is meant to cover, so that an identical result says something."""
    scores = [sample["alloy_scorer"] for sample in run["samples"].values()]
    assert len(scores) == len(RESCORE_TASKS), run["samples"].keys()
    verdicts = {r["verdict"] for s in scores for r in s["metadata"]["rules"].values()}
    assert {"pass", "fail"} <= verdicts, verdicts
    assert {s["value"]["resolved"] for s in scores} == {0, 1}, "one sample resolved, one with failing hidden tests"
    assert any(s["metadata"]["grading"]["test_errors"] for s in scores), "no failing hidden test's output"
    assert any(s["metadata"].get("probes", {}).get("exchanges") for s in scores), "no live probe"
    assert any("Changes applied" in s["metadata"]["grading"]["schema_push_log"] for s in scores), "no schema push"
    assert all(s["metadata"]["report"]["sections"] and s["metadata"]["preflight"]["read_at"] for s in scores)


def _assert_comparison_is_strict(log_file: Path) -> None:
    """A planted change to a verdict, its evidence, a test outcome, the report or a value is seen; timing is not."""
    from inspect_ai.log import read_eval_log

    raw = [s.scores["alloy_scorer"].model_dump(mode="json") for s in read_eval_log(str(log_file)).samples or []]
    score = next(s for s in raw if any(r["verdict"] == "fail" for r in s["metadata"]["rules"].values()))
    rule = next(r for r, v in score["metadata"]["rules"].items() if v["verdict"] == "fail")
    test = next(iter(score["metadata"]["tests"]["fail_to_pass"]))

    def plant(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
        changed = copy.deepcopy(score)
        parent = changed
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value(parent[path[-1]])
        return without_timing(changed)

    baseline = without_timing(score)
    planted = {
        "a verdict": plant(("metadata", "rules", rule, "verdict"), lambda _: "pass"),
        "a word in the verdicts": plant(("metadata", "verdicts", rule), lambda _: "pass"),
        "a line of evidence": plant(("metadata", "rules", rule, "evidence", 0), lambda line: line + " "),
        "a hidden-test outcome": plant(("metadata", "tests", "fail_to_pass", test), lambda s: "fail" + s),
        "the report's sections": plant(("metadata", "report", "present"), lambda n: n - 1),
        "the pre-flight order": plant(("metadata", "preflight", "order"), lambda order: order[::-1]),
        "a value, by 1e-9": plant(("value", "report_f1"), lambda v: v + 1e-9),
        "an int for a float": plant(("value", "report_sections"), lambda v: int(v)),
        "the explanation": plant(("explanation",), lambda e: e.replace("fail", "pass", 1)),
    }
    for what, changed in planted.items():
        assert differences(baseline, changed), f"the comparison misses a change to {what}"
    assert differences(baseline, plant(("metadata", "grading_seconds"), lambda s: s + 1)) == []
    assert differences(baseline, plant(("metadata", "grading", "steps"), lambda _: {"tests": -1.0})) == []
    with pytest.raises(AssertionError, match="timing field metadata.grading.steps is missing"):
        without_timing({**score, "metadata": {**score["metadata"], "grading": {"seconds": 1.0}}})


# drizzle-kit's spinner as three gradings of the same schema wrote it: the frame count follows the push's duration
_SPINNER = "\x1b[2K\x1b[1G[{}] Pulling schema from database...\n"
_PUSH = (
    "Reading config file '/workspace/drizzle.config.ts'\nUsing 'pg' driver for database querying\n"
    "[⣷] Pulling schema from database...\n{}\x1b[2K\x1b[1G[✓] Pulling schema from database...\n[✓] Changes applied\n"
)


@pytest.mark.parametrize("frames", ["", "⣯⣟⡿", "⣯⣟⡿⢿⣻⣽⣷⣯"])
def test_schema_push_log_does_not_depend_on_timing(frames: str) -> None:
    log = _PUSH.format("".join(_SPINNER.format(f) for f in frames))
    assert settled_output(log) == (
        "Reading config file '/workspace/drizzle.config.ts'\nUsing 'pg' driver for database querying\n"
        "[✓] Pulling schema from database...\n[✓] Changes applied\n"
    )


@pytest.mark.slow
def test_rescoring_is_identical(env: dict[str, str], tmp_path: Path) -> None:
    """A real run re-graded ten times with ``inspect score`` (no sandbox: from the change set in the log): every
    score, verdict, evidence, test outcome, report and pre-flight result equals the run's, timing aside."""
    started = time.monotonic()
    out = _run(
        [str(BIN / "inspect"), "eval", "evals/alloy.py", "--model", "scripted/sloppy-message",
         "-T", f"tasks={','.join(RESCORE_TASKS)}", "--log-dir", str(tmp_path / "run"), "--display", "none"],
        env,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (log_file,) = (tmp_path / "run").glob("*.eval")
    run_seconds = time.monotonic() - started
    original = graded(log_file)
    _assert_covers(original)
    _assert_comparison_is_strict(log_file)
    scored_at = _score_times(log_file)

    rounds: dict[int, list[str]] = {}
    seconds = []
    for n in range(1, ROUNDS + 1):
        # nine re-gradings into new logs (--output-file), the last one in place (--overwrite), as users do both;
        # --action overwrite replaces the score (append would add an "alloy_scorer-1" beside it)
        if n < ROUNDS:
            source, target, where = log_file, tmp_path / f"rescored-{n}.eval", ["--output-file"]
        else:
            source = target = tmp_path / "in-place.eval"
            shutil.copyfile(log_file, source)
            where = []
        mark = time.monotonic()
        out = _run(
            [str(BIN / "inspect"), "score", str(source), "--action", "overwrite", "--display", "none",
             *where, *([str(target)] if where else ["--overwrite"])],
            env,
        )  # fmt: skip
        seconds.append(time.monotonic() - mark)
        assert out.returncode == 0, f"re-grading {n}: " + out.stdout[-3000:] + out.stderr[-3000:]
        rescored_at = _score_times(target)
        assert rescored_at.keys() == scored_at.keys()
        assert all(rescored_at[k] > scored_at[k] for k in scored_at), f"re-grading {n} did not grade again"
        rounds[n] = differences(original, graded(target))

    print(
        f"\nrun {run_seconds:.1f}s; {ROUNDS} re-gradings of {len(RESCORE_TASKS)} samples: {sum(seconds):.1f}s "
        f"(median {statistics.median(seconds):.1f}s, max {max(seconds):.1f}s); total {time.monotonic() - started:.1f}s"
    )
    differing = {n: lines for n, lines in rounds.items() if lines}
    assert not differing, f"{len(differing)} of {ROUNDS} re-gradings differ from the run:\n" + "\n".join(
        f"re-grading {n}:\n  " + "\n  ".join(lines[:30]) for n, lines in differing.items()
    )


@pytest.mark.slow
def test_a_run_without_scoring_is_graded_later(env: dict[str, str], tmp_path: Path) -> None:
    """``inspect eval --no-score`` keeps each agent's change set in the log, so that ``inspect score`` can grade
    it once the sandboxes are gone: the same scores as a run graded at once."""
    from inspect_ai.log import read_eval_log

    out = _run(
        [str(BIN / "inspect"), "eval", "evals/alloy.py", "--model", "scripted/sloppy-message",
         "-T", f"tasks={RESCORE_TASKS[0]}", "--no-score", "--log-dir", str(tmp_path / "run"), "--display", "none"],
        env,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (log_file,) = (tmp_path / "run").glob("*.eval")
    (sample,) = read_eval_log(str(log_file)).samples or []
    assert not sample.scores, "scored although --no-score"
    assert sample.store.get(CHANGES_KEY), "the change set was not kept in the log"
    out = _run([str(BIN / "inspect"), "score", str(log_file), "--overwrite", "--display", "none"], env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (later,) = read_eval_log(str(log_file)).samples or []
    score = later.scores["alloy_scorer"]  # type: ignore[index]
    assert score.value["resolved"] == 1 and score.metadata["verdicts"]["error-format"] == "fail", score.value


def _long_task_ids() -> list[str]:
    available = sorted(p.name for p in TASKS_DIR.iterdir() if (p / "task.yaml").is_file())
    wanted = [t.strip() for t in os.environ.get("ALLOY_LONG_TASKS", "").split(",") if t.strip()]
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        pytest.fail(f"ALLOY_LONG_TASKS names unknown tasks {unknown}; tasks in {TASKS_DIR}: {', '.join(available)}")
    return wanted or available


def unresolved(log_file: Path) -> tuple[list[str], Counter[str], list[float]]:
    """Each sample of a log that did not resolve (task, epoch, failing tests and their output), the samples per
    task, and each sample's time."""
    from inspect_ai.log import read_eval_log_samples

    failures, runs, times = [], Counter[str](), []
    for sample in read_eval_log_samples(log_file):
        where = f"{sample.id} epoch {sample.epoch}"
        runs[str(sample.id)] += 1
        times.append(sample.total_time or 0.0)
        score = (sample.scores or {}).get("alloy_scorer")
        if sample.error or score is None:
            failures.append(f"{where}: no score: {sample.error.message[:500] if sample.error else 'not scored'}")
            continue
        if score.value["resolved"] != 1:  # type: ignore[index]
            meta = score.metadata or {}
            failing = [
                f"{kind} {test}: {status}"
                for kind, tests in meta["tests"].items()
                for test, status in tests.items()
                if status != "pass"
            ]
            errors = [f"{test}: {error[:300]}" for test, error in meta["grading"]["test_errors"].items()]
            stderr = meta["grading"]["runner_stderr"][-500:]
            failures.append(f"{where}: " + "\n    ".join([*failing, *errors, *([stderr] if stderr else [])]))
    return failures, runs, times


@pytest.mark.long
@pytest.mark.slow
@pytest.mark.skipif(
    not LONG,
    reason="hours on 2 cores; run it with `make test-long` (ALLOY_LONG=1 .venv/bin/pytest -q -m long), "
    "ALLOY_LONG_TASKS=a,b for some tasks only",
)
def test_oracle_hidden_tests_never_flake(env: dict[str, str], tmp_path: Path) -> None:
    """Ten epochs of scripted/oracle through the real loop and scorer: every sample resolves, ten out of ten."""
    task_ids = _long_task_ids()
    started = time.monotonic()
    out = _run(
        [str(BIN / "inspect"), "eval", "evals/alloy.py", "--model", "scripted/oracle",
         "-T", f"tasks={','.join(task_ids)}", "--epochs", str(EPOCHS), "--no-fail-on-error",
         "--log-dir", str(tmp_path), "--display", "none"],
        env, timeout=None,
    )  # fmt: skip
    wall = time.monotonic() - started
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (log_file,) = tmp_path.glob("*.eval")
    failures, runs, times = unresolved(log_file)
    short = {t: runs[t] for t in task_ids if runs[t] != EPOCHS}
    print(
        f"\n{len(task_ids)} task(s) x {EPOCHS} epochs: {wall:.0f}s wall, "
        f"per sample median {statistics.median(times) if times else 0:.1f}s; log {log_file}"
    )
    assert not failures and not short, (
        f"{len(failures)} of {sum(runs.values())} oracle samples did not resolve (log {log_file}):\n"
        + "\n".join(failures)
        + (f"\nsamples missing (task: runs): {short}" if short else "")
    )
