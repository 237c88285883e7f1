"""The Docker sandbox against the default sandbox: the same agents and labeled violations give the same change
sets, rule verdicts and metrics (grading is the harness's own, on the host, for both).

Needs a Docker engine with the alloy-bench image (``scripts/docker-engine.sh start`` and
``eval "$(scripts/docker-engine.sh env)"``); skipped without one unless ``ALLOY_REQUIRE_DOCKER=1``.

    ALLOY_REQUIRE_DOCKER=1 .venv/bin/pytest -m docker
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evals.fixture import REPO_ROOT, copy_workspace, git, prepare_fixture
from evals.task_spec import load_task
from scorers.alloy_scorer import CHANGES_KEY, METRICS
from scorers.corpus import changes_for, load_corpus

pytestmark = [pytest.mark.docker, pytest.mark.slow, pytest.mark.usefixtures("docker_engine")]
BIN = Path(sys.executable).parent
TASK_IDS = ["consultation-bookings", "newsletter-resubscribe", "portfolio-images"]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("xdg")
    return {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state")}


def _violation_rounds(tmp: Path) -> list[tuple[Path, dict[str, str]]]:
    """Replay directories holding every labeled violation of the three tasks as a patch, one per task and
    directory (a task with four violations needs four directories); with the violation names per task."""
    prepared = prepare_fixture()
    cases = [c for c in load_corpus() if c.task in TASK_IDS and c.kind == "violation" and c.on_reference]
    rounds: list[tuple[Path, dict[str, str]]] = []
    for case in cases:
        assert case.task is not None
        slot = next((r for r in rounds if case.task not in r[1]), None)
        if slot is None:
            slot = (tmp / f"round-{len(rounds)}", {})
            slot[0].mkdir()
            rounds.append(slot)
        app = copy_workspace(prepared, tmp / f"ws-{case.task}-{case.id}")
        for change in changes_for(case, prepared.app_dir).changes:
            target = app / change.path
            if change.status == "deleted":
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(change.text() or "")
        git(["add", "-A"], app, check=True)
        (slot[0] / f"{case.task}.patch").write_text(git(["diff", "--cached"], app, check=True).stdout)
        report = load_task(REPO_ROOT / "tasks" / case.task).solution_report
        (slot[0] / f"{case.task}.report.md").write_text(report.read_text())
        slot[1][case.task] = f"{case.rule}/{case.id}"
    return rounds


def _run(args: list[str], env: dict[str, str]) -> None:
    out = subprocess.run([str(BIN / "alloy-bench"), "run", "--display", "none", *args], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=1800)  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]


def _results(log_dir: Path, names: dict[str, dict[str, str]]) -> dict[tuple[str, str], dict]:
    """(agent or violation, task) -> the change set, rule verdicts and metrics of that sample."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    found = {}
    for info in list_eval_logs(str(log_dir), recursive=True):
        log = read_eval_log(info.name)
        run_dir = Path(info.name).parent
        for sample in log.samples or []:
            score = sample.scores["alloy_scorer"]
            agent = log.eval.model.removeprefix("scripted/")
            if agent == "replay":
                agent = names[run_dir.name][str(sample.id)]
            found[(agent, str(sample.id))] = {
                "changes": sample.store.get(CHANGES_KEY),
                "verdicts": score.metadata["verdicts"],
                "metrics": {m: score.value[m] for m in METRICS},  # type: ignore[index]
                "seconds": sample.total_time,
            }
    return found


def _sandbox_run(sandbox: str, rounds: list[tuple[Path, dict[str, str]]], logs: Path, env: dict) -> dict:
    names: dict[str, dict[str, str]] = {}
    _run(["--sandbox", sandbox, "--tasks", ",".join(TASK_IDS), "--agent", "oracle", "--agent", "noop",
          "--log-dir", str(logs / "agents")], env)  # fmt: skip
    for replay, violations in rounds:
        log_dir = logs / replay.name
        _run(["--sandbox", sandbox, "--tasks", ",".join(violations), "--agent", "replay", "--replay-dir", str(replay),
              "--log-dir", str(log_dir)], env)  # fmt: skip
        names[replay.name] = violations
    return _results(logs, names)


def test_docker_gives_the_default_sandboxs_verdicts(env: dict[str, str], tmp_path: Path) -> None:
    rounds = _violation_rounds(tmp_path)
    assert sum(len(v) for _, v in rounds) == 10, "the three tasks have ten labeled violations"
    timings = {}
    results = {}
    for sandbox in ("alloy", "docker"):
        started = time.monotonic()
        results[sandbox] = _sandbox_run(sandbox, rounds, tmp_path / f"logs-{sandbox}", env)
        timings[sandbox] = time.monotonic() - started
    alloy, docker = results["alloy"], results["docker"]
    assert set(alloy) == set(docker) and len(alloy) == 6 + 10, sorted(alloy)
    for key in sorted(alloy):
        assert docker[key]["changes"] == alloy[key]["changes"], f"{key}: different change sets"
        assert docker[key]["verdicts"] == alloy[key]["verdicts"], key
        assert docker[key]["metrics"] == alloy[key]["metrics"], key
    for task_id in TASK_IDS:
        assert docker[("oracle", task_id)]["metrics"]["strict_success"] == 1
        assert docker[("noop", task_id)]["metrics"]["resolved"] == 0
        assert docker[("noop", task_id)]["changes"]["changes"] == []
    for (agent, task_id), result in docker.items():
        if "/" in agent:  # a labeled violation fails (at least) its own rule
            assert result["verdicts"][agent.split("/")[0]] == "fail", (agent, task_id, result["verdicts"])
    summary = {}
    for sandbox, found in results.items():
        seconds = sorted(r["seconds"] for r in found.values())
        summary[sandbox] = {"wall_s": round(timings[sandbox], 1), "median_sample_s": seconds[len(seconds) // 2]}
    print("\n" + json.dumps(summary))
