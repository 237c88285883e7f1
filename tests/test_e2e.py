"""End to end through the real agent loop: scripted agents in the alloy sandbox, graded by the scorer,
summarised by the scorecard; from the command line as users run it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from evals.agents.names import SLOPPY
from evals.fixture import REPO_ROOT, copy_workspace, git, prepare_fixture
from evals.sandbox.layout import run_root
from evals.task_spec import load_task

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
TASK_IDS = ["consultation-bookings", "newsletter-resubscribe", "portfolio-images"]
"""A feature, a bugfix and a schema task through the real agent loop (every task's grading is checked by
``alloy-bench validate``, tests/test_validate_tasks.py)."""
AGENTS = ["oracle", "noop", *SLOPPY]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Inspect writes outside the log dir (~/.local/share, ~/.cache): keep it in a temp dir."""
    home = tmp_path_factory.mktemp("xdg")
    return {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "INSPECT_DISPLAY": "plain",
    }


def _run(args: list[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _card(log_dir: Path, env: dict[str, str]) -> dict:
    out = _run([str(BIN / "alloy-bench"), "scorecard", str(log_dir), "--format", "json"], env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _by_task(card: dict, model: str) -> dict[str, dict]:
    return {s["task_id"]: s for s in card["samples"] if s["model"] == model}


@pytest.fixture(scope="module")
def scripted_run(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, float]:
    log_dir = tmp_path_factory.mktemp("logs")
    start = time.monotonic()
    agents = [arg for agent in AGENTS for arg in ("--agent", agent)]
    out = _run(
        [str(BIN / "alloy-bench"), "run", "--tasks", ",".join(TASK_IDS), "--log-dir", str(log_dir), "--format", "json",
         *agents],
        env,
    )  # fmt: skip
    wall = time.monotonic() - start
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    printed = json.loads(out.stdout[out.stdout.index('{\n  "schema"') : out.stdout.rindex("}") + 1])
    return log_dir, printed, wall


def test_oracle_succeeds_and_noop_resolves_nothing(scripted_run: tuple[Path, dict, float], env: dict) -> None:
    log_dir, printed, wall = scripted_run
    card = _card(log_dir, env)
    card["meta"].pop("generated"), printed["meta"].pop("generated")
    assert card == printed, "the run prints the same scorecard as `alloy-bench scorecard`"
    oracle, noop = _by_task(card, "scripted/oracle"), _by_task(card, "scripted/noop")
    assert set(oracle) == set(noop) == set(TASK_IDS)
    for task_id in TASK_IDS:
        assert oracle[task_id]["strict_success"] == 1, oracle[task_id]
        assert all(v in (1, None) for v in oracle[task_id]["rules"].values())
        assert noop[task_id]["resolved"] == 0 and noop[task_id]["strict_success"] == 0
        assert noop[task_id]["report_complete"] == 0 and noop[task_id]["preflight"] == 1
        assert oracle[task_id]["report_sections"] == oracle[task_id]["report_f1"] == 1.0
        assert noop[task_id]["report_sections"] == 0.0 and noop[task_id]["preflight_fraction"] == 1.0
    groups = {g["model"]: g for g in card["groups"]}
    assert groups["scripted/oracle"]["metrics"]["strict_success"] == 1.0
    assert groups["scripted/noop"]["metrics"]["resolved"] == 0.0
    assert all(g["prompt"] == "backend-worker" and g["n"] == len(TASK_IDS) for g in groups.values())
    print(f"\nscripted run ({len(AGENTS)} agents, {len(AGENTS) * len(TASK_IDS)} samples): {wall:.1f}s wall")


def test_sloppy_agents_are_ordered_and_their_habits_named(scripted_run: tuple[Path, dict, float]) -> None:
    card = scripted_run[1]
    order = [g["model"].removeprefix("scripted/") for g in card["groups"]]
    assert order[:2] == ["oracle", "sloppy-preflight"] and order[-1] == "noop", order
    groups = {g["model"].removeprefix("scripted/"): g for g in card["groups"]}
    assert groups["sloppy-preflight"]["metrics"]["strict_success"] == 1.0
    assert groups["sloppy-preflight"]["metrics"]["preflight"] == 0.0
    for task_id, sample in _by_task(card, "scripted/sloppy-message").items():
        assert sample["rules"]["error-format"] == 0, task_id
    assert groups["sloppy-deps"]["rules"]["no-new-deps"]["violations"] == len(TASK_IDS)
    assert groups["sloppy-deps"]["metrics"]["resolved"] == 1.0


def test_compare_and_gate_flag_the_regression(scripted_run: tuple[Path, dict, float], tmp_path: Path) -> None:
    log_dir = scripted_run[0]
    logs = {json.loads(_run([str(BIN / "inspect"), "log", "dump", "--header-only", str(p)], os.environ).stdout)
            ["eval"]["model"]: p for p in log_dir.glob("*.eval")}  # fmt: skip
    oracle, deps = str(logs["scripted/oracle"]), str(logs["scripted/sloppy-deps"])
    compared = _run([str(BIN / "alloy-bench"), "compare", oracle, deps, "--format", "json"], os.environ)
    assert compared.returncode == 0, compared.stderr
    result = json.loads(compared.stdout)
    assert result["rules_moved"] == ["no-new-deps"] and result["pairs"] == len(TASK_IDS)
    # three pairs cannot make a drop significant at 0.05 (McNemar p = 0.25): the gate passes, and says why
    gate = [str(BIN / "alloy-bench"), "gate", oracle, deps, "--json", str(tmp_path / "g.json")]
    out = _run(gate, os.environ)
    assert out.returncode == 0 and "not significant" in out.stdout, out.stdout + out.stderr
    out = _run([*gate, "--alpha", "0.3"], os.environ)
    assert out.returncode == 1 and "no-new-deps" in out.stdout, out.stdout + out.stderr
    out = _run([str(BIN / "alloy-bench"), "gate", oracle, oracle, "--json", str(tmp_path / "same.json")], os.environ)
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_sandbox_is_left_behind(scripted_run: tuple[Path, dict, float]) -> None:
    mounts = Path("/proc/mounts").read_text()
    assert str(run_root()) not in mounts
    assert [p for p in run_root().iterdir() if not p.name.startswith(".")] == []


def test_scores_carry_evidence_and_timings(scripted_run: tuple[Path, dict, float]) -> None:
    from inspect_ai.log import list_eval_logs, read_eval_log

    log_dir = scripted_run[0]
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info.name)
        for sample in log.samples or []:
            score = sample.scores["alloy_scorer"]
            meta = score.metadata or {}
            assert {"rules", "tests", "report", "preflight", "grading", "diff"} <= set(meta)
            assert "**resolved" in (score.explanation or "")
            for result in meta["rules"].values():
                assert result["evidence"], result
            if log.eval.model in ("scripted/oracle", "scripted/sloppy-preflight"):
                assert meta["report"]["evidence"] == [] and meta["report"]["f1"] == 1.0
            elif log.eval.model == "scripted/noop":  # an empty report misses all seven sections, each named
                assert len(meta["report"]["missing"]) == 7
                assert "missing section: Files Created" in meta["report"]["evidence"]
            print(
                f"{log.eval.model} {sample.id}: total {sample.total_time:.1f}s, grading {meta['grading']['seconds']}s"
            )


def _patched(task_id: str, tmp: Path, edit: Callable[[Path], None]) -> str:
    """The task's reference patch with ``edit`` applied on top, as a git diff against the base fixture."""
    app = copy_workspace(prepare_fixture(), tmp / task_id)
    spec = load_task(REPO_ROOT / "tasks" / task_id)
    git(["apply", str(spec.solution_patch)], app, check=True)
    edit(app)
    git(["add", "-A"], app, check=True)
    return git(["diff", "--cached"], app, check=True).stdout


def _message_errors(task_id: str) -> str:
    """The reference patch with every error response it adds answered as `{ message }` instead of `{ error }`."""
    patch = load_task(REPO_ROOT / "tasks" / task_id).solution_patch.read_text()
    lines = [
        re.sub(r"\.json\(\{\s*error:", ".json({ message:", line) if line.startswith("+") else line
        for line in patch.splitlines(keepends=True)
    ]
    assert lines != patch.splitlines(keepends=True), "the reference patch writes no error response"
    return "".join(lines)


def _client_edit(app: Path) -> None:
    page = app / "client" / "src" / "pages" / "portfolio-detail.tsx"
    page.write_text(page.read_text() + "\n// gallery goes here\n")


def _new_dependency(app: Path) -> None:
    manifest = json.loads((app / "package.json").read_text())
    manifest["dependencies"]["date-fns"] = "^3.6.0"
    (app / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")


def test_replayed_violations_are_caught(env: dict[str, str], tmp_path: Path) -> None:
    replay = tmp_path / "replay"
    replay.mkdir()
    patches = {
        "newsletter-resubscribe": _message_errors("newsletter-resubscribe"),
        "portfolio-images": _patched("portfolio-images", tmp_path, _client_edit),
        "consultation-bookings": _patched("consultation-bookings", tmp_path, _new_dependency),
    }
    for task_id, patch in patches.items():
        (replay / f"{task_id}.patch").write_text(patch)
        (replay / f"{task_id}.report.md").write_text(
            load_task(REPO_ROOT / "tasks" / task_id).solution_report.read_text()
        )
    log_dir = tmp_path / "logs"
    out = _run(
        [
            str(BIN / "alloy-bench"),
            "run",
            "--agent",
            "replay",
            "--replay-dir",
            str(replay),
            "--log-dir",
            str(log_dir),
            "--tasks",
            ",".join(patches),
        ],  # fmt: skip
        env,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    samples = _by_task(_card(log_dir, env), "scripted/replay")

    message = samples["newsletter-resubscribe"]
    assert message["resolved"] == 1 and message["compliant"] == 0
    assert [r for r, v in message["rules"].items() if v == 0] == ["error-format"]

    client = samples["portfolio-images"]
    assert sorted(r for r, v in client["rules"].items() if v == 0) == ["folder-ownership", "no-client-edits"]

    deps = samples["consultation-bookings"]  # package.json is outside the backend folders as well
    assert sorted(r for r, v in deps["rules"].items() if v == 0) == ["folder-ownership", "no-new-deps"]

    from inspect_ai.log import list_eval_logs, read_eval_log

    log = read_eval_log(list_eval_logs(str(log_dir))[0].name)
    evidence = {s.id: s.scores["alloy_scorer"].metadata["rules"] for s in log.samples or []}
    assert any(
        re.match(r"server/\S+\.ts:\d+: .*message", line)
        for line in evidence["newsletter-resubscribe"]["error-format"]["evidence"]
    )
    assert evidence["portfolio-images"]["no-client-edits"]["evidence"] == [
        "client/src/pages/portfolio-detail.tsx (modified)"
    ]
    assert evidence["consultation-bookings"]["no-new-deps"]["evidence"] == [
        "package.json: + dependencies.date-fns ^3.6.0"
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_inspect_cli_eval_score_and_view(env: dict[str, str], tmp_path: Path) -> None:
    task_id = "newsletter-resubscribe"
    out = _run(
        [str(BIN / "inspect"), "eval", "evals/alloy.py", "--model", "scripted/oracle", "-T", f"tasks={task_id}",
         "--log-dir", str(tmp_path)],
        env,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    log_file = next(tmp_path.glob("*.eval"))
    assert _by_task(_card(tmp_path, env), "scripted/oracle")[task_id]["strict_success"] == 1

    # `inspect score` re-grades from the change set stored in the log (no sandbox needed).
    rescored = tmp_path / "rescored.eval"
    out = _run(
        [str(BIN / "inspect"), "score", str(log_file), "--action", "overwrite", "--output-file", str(rescored)], env
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    from inspect_ai.log import read_eval_log

    sample = read_eval_log(str(rescored)).samples[0]  # type: ignore[index]
    assert sample.scores["alloy_scorer"].value["strict_success"] == 1
    assert sample.scores["alloy_scorer"].metadata["grading"]["seconds"] > 0

    port = _free_port()
    view = subprocess.Popen(
        [str(BIN / "inspect"), "view", "--log-dir", str(tmp_path), "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline, page = time.monotonic() + 60, ""
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.5)
        assert "<html" in page.lower()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/logs", timeout=10) as response:
            assert log_file.name in response.read().decode()
    finally:
        view.terminate()
        view.wait(timeout=10)


def test_agent_cannot_reach_hidden_tests_or_network(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scripted agent that hunts for the hidden tests and the network through the real loop gets nothing."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    for key in ("XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(key, env[key])
    spec = load_task(REPO_ROOT / "tasks" / "newsletter-resubscribe")
    hidden = spec.hidden_test_files()[0]
    commands = [
        f"cat {hidden}; cat {spec.solution_patch}; ls {REPO_ROOT}/tasks",
        f"find / -name '{hidden.name}' 2>/dev/null; find / -name patch.diff 2>/dev/null; ls /proc/1/root/ 2>&1 | head",
        "cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -i -e alloy -e tasks | head",
        "curl -sS -m 5 https://registry.npmjs.org/ 2>&1 | head -2; getent hosts github.com || echo no-dns",
        "timeout 30 npm install left-pad 2>&1 | tail -3",
    ]

    def outputs(messages: list, *args: object, **kwargs: object) -> ModelOutput:
        done = sum(1 for m in messages if m.role == "tool")
        if done < len(commands):
            output = ModelOutput.for_tool_call("mockllm/model", "bash", {"command": commands[done]})
        else:
            output = ModelOutput.for_tool_call("mockllm/model", "submit", {"answer": "nothing found"})
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    from evals.alloy import alloy_bench

    logs = inspect_eval(
        alloy_bench(tasks=spec.id), model=get_model("mockllm/model", custom_outputs=outputs),
        log_dir=str(tmp_path), display="none",
    )  # fmt: skip
    sample = logs[0].samples[0]  # type: ignore[index]
    seen = "\n".join(m.text for m in sample.messages if m.role == "tool")
    assert len([m for m in sample.messages if m.role == "tool"]) == len(commands)
    for secret in (hidden.read_text()[:120], spec.solution_patch.read_text()[:120], "fail_to_pass"):
        assert secret not in seen
    assert "No such file or directory" in seen and "no-dns" in seen
    assert "left-pad@" not in seen and "added 1 package" not in seen
    assert sample.scores["alloy_scorer"].value["resolved"] == 0


def _sample_dirs() -> list[Path]:
    return [p for p in run_root().iterdir() if not p.name.startswith(".")]


def test_failed_sample_is_cleaned_up_and_counted_apart(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    from evals.alloy import alloy_bench
    from scorecards import load, tables

    for key in ("XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(key, env[key])

    def outputs(messages: list, *args: object, **kwargs: object) -> ModelOutput:
        if any(m.role == "tool" for m in messages):
            raise RuntimeError("provider exploded")
        output = ModelOutput.for_tool_call("mockllm/model", "bash", {"command": "sleep 300 &"})
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    logs = inspect_eval(
        alloy_bench(tasks="newsletter-resubscribe"), model=get_model("mockllm/model", custom_outputs=outputs),
        log_dir=str(tmp_path), display="none", fail_on_error=False,
    )  # fmt: skip
    assert logs[0].samples[0].error is not None  # type: ignore[index]
    assert _sample_dirs() == [] and str(run_root()) not in Path("/proc/mounts").read_text()
    card = tables.build(load.load([tmp_path]))
    assert card["samples"] == [] and card["groups"][0]["errors"] == 1 and card["groups"][0]["n"] == 0
    assert "provider exploded" in card["errors"][0]["error"]


def test_interrupted_run_is_cleaned_up(env: dict[str, str], tmp_path: Path) -> None:
    import signal

    proc = subprocess.Popen(
        [str(BIN / "inspect"), "eval", "evals/alloy.py", "--model", "scripted/oracle", "--log-dir", str(tmp_path)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _sample_dirs():
            time.sleep(0.2)
        assert _sample_dirs(), "no sandbox started"
        time.sleep(2)
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _sample_dirs() == []
    assert str(run_root()) not in Path("/proc/mounts").read_text()
