"""Faults through the real command line: a run killed mid-way resumes without repeating or losing finished
samples; a sandbox that dies mid-sample and a PostgreSQL that will not start are infrastructure errors, never
agent failures; nothing (mount, process, sample directory, control group) is left behind."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries

from evals.agents.attacks import LEFTOVER
from evals.fixture import REPO_ROOT
from evals.sandbox.layout import census, run_root

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
TASKS = ["newsletter-resubscribe", "portfolio-images"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state")}


def _run_args(log_dir: Path, *extra: str) -> list[str]:
    return [str(BIN / "alloy-bench"), "run", "--log-dir", str(log_dir), "--display", "none", "--format", "json",
            *extra]  # fmt: skip


def _finished(log_dir: Path) -> list:
    """Summaries of the samples finished so far (the run writes each one as it finishes)."""
    found = []
    for info in list_eval_logs(str(log_dir)):
        try:
            found += [s for s in read_eval_log_sample_summaries(info.name) if s.scores]
        except Exception:  # the file is being written; try again
            continue
    return found


def _wait(predicate, timeout: float, what: str, process: subprocess.Popen | None = None) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process is not None and process.poll() is not None:
            pytest.fail(f"the run ended before {what}: {process.stderr.read() if process.stderr else ''}")
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def _sample_dirs() -> list[Path]:
    root = run_root()
    return [p for p in root.iterdir() if (p / "state.json").is_file()] if root.is_dir() else []


def _assert_clean(before: dict[str, set[str]]) -> None:
    after = census(marker=LEFTOVER)
    for kind in ("mounts", "samples", "processes", "groups"):
        assert after[kind] <= before[kind], f"left behind: {kind}: {sorted(after[kind] - before[kind])}"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_an_interrupted_run_resumes_without_repeating_samples(
    tmp_path: Path, env: dict[str, str], sig: signal.Signals
) -> None:
    before = census(marker=LEFTOVER)
    log_dir = tmp_path / "logs"
    args = _run_args(log_dir, "--agent", "oracle", "--tasks", ",".join(TASKS), "--max-samples", "1")
    first = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait(lambda: len(_finished(log_dir)) >= 1, 600, "the first finished sample", first)
    finally:
        first.send_signal(sig)
        first.wait(timeout=120)
    done = {s.id: s.uuid for s in _finished(log_dir)}
    assert 1 <= len(done) < len(TASKS), "interrupted after some but not all samples"
    if sig == signal.SIGINT:
        assert "to resume: alloy-bench run --agent oracle" in first.stderr.read()

    second = subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert second.returncode == 0, second.stderr[-3000:]
    logs = [read_eval_log(info.name) for info in list_eval_logs(str(log_dir))]
    final = [log for log in logs if log.status == "success"]
    assert len(final) == 1
    samples = {s.id: s for s in final[0].samples or []}
    assert sorted(samples) == sorted(TASKS), "nothing lost"
    for task_id, uuid in done.items():
        assert samples[task_id].uuid == uuid, f"{task_id} was run again"
    assert all(s.scores["alloy_scorer"].value["resolved"] == 1 for s in samples.values())
    card = json.loads(second.stdout[second.stdout.index('{\n  "schema"') : second.stdout.rindex("}") + 1])
    assert card["groups"][0]["n"] == len(TASKS) and card["groups"][0]["errors"] == 0
    _assert_clean(before)


def test_a_sandbox_that_dies_mid_sample_is_an_infrastructure_error(tmp_path: Path, env: dict[str, str]) -> None:
    before = census(marker=LEFTOVER)
    log_dir = tmp_path / "logs"
    args = _run_args(log_dir, "--agent", "attack-sleep-forever", "--tasks", TASKS[0], "--tool-timeout", "120")
    run = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    known = {p.name for p in _sample_dirs()}

    def at_work() -> bool:  # the agent solved the task and sleeps, its leftover processes running
        return any(LEFTOVER in p for p in census(marker=LEFTOVER)["processes"])

    _wait(at_work, 600, "the agent at work", run)
    sample = _new(known)[0]
    os.killpg(json.loads((sample / "state.json").read_text())["session_pid"], signal.SIGKILL)
    out, err = run.communicate(timeout=600)
    logs = [read_eval_log(info.name) for info in list_eval_logs(str(log_dir))]
    assert len(logs) == 1 and logs[0].samples
    failed = logs[0].samples[0]
    assert failed.error is not None, "a dead sandbox must be an error, not a graded failure"
    assert "killed from outside" in failed.error.message
    assert not failed.scores, "an errored sample is not scored"
    card = json.loads(out[out.index('{\n  "schema"') : out.rindex("}") + 1]) if '"schema"' in out else None
    if card is not None:  # the scorecard lists it apart
        assert card["groups"][0]["errors"] == 1 and card["groups"][0]["n"] == 0
    _assert_clean(before)


def _new(known: set[str]) -> list[Path]:
    return [p for p in _sample_dirs() if p.name not in known]


def test_postgres_that_will_not_start_is_an_infrastructure_error(tmp_path: Path, env: dict[str, str]) -> None:
    """PostgreSQL's own binaries, except a ``pg_ctl`` that cannot start a server."""
    from evals.postgres import find_bindir
    from evals.sandbox.provider import AlloySandboxConfig, prepared_templates

    asyncio.run(prepared_templates(AlloySandboxConfig()))  # the golden database exists beforehand
    real = find_bindir()
    bindir = Path(tempfile.mkdtemp(prefix="alloy-pgbin-"))  # where the server's account can read it
    bindir.chmod(0o755)
    for binary in real.iterdir():
        (bindir / binary.name).symlink_to(binary)
    (bindir / "pg_ctl").unlink()
    (bindir / "pg_ctl").write_text(
        f'#!/bin/sh\ncase "$*" in *start*) echo "pg_ctl: could not start server: disk I/O error" >&2; exit 1;; esac\n'
        f'exec {real}/pg_ctl "$@"\n'
    )
    (bindir / "pg_ctl").chmod(0o755)
    before = census(marker=LEFTOVER)
    log_dir = tmp_path / "logs"
    out = subprocess.run(
        _run_args(log_dir, "--agent", "oracle", "--tasks", ",".join(TASKS)),
        cwd=REPO_ROOT, env={**env, "ALLOY_PG_BINDIR": str(bindir)}, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    logs = [read_eval_log(info.name) for info in list_eval_logs(str(log_dir))]
    assert len(logs) == 1
    samples = logs[0].samples or []
    assert len(samples) == 2 and all(s.error is not None for s in samples), [s.error for s in samples]
    shutil.rmtree(bindir)
    assert all("PostgreSQL did not start" in s.error.message and "disk I/O error" in s.error.message for s in samples)
    assert not any(s.scores for s in samples), "never graded as an agent failure"
    if '"schema"' in out.stdout:
        card = json.loads(out.stdout[out.stdout.index('{\n  "schema"') : out.stdout.rindex("}") + 1])
        assert card["groups"][0]["errors"] == 2 and card["groups"][0]["n"] == 0
    _assert_clean(before)
