"""Adversarial agents through the real loop, in the default sandbox and in the Docker sandbox (``-m docker``,
with an engine and the image): every attack of ``evals.agents.attacks`` runs at once beside an honest oracle,
on one task. Nothing outside the workspace is visible or writable, there is no network, the limits stop the
abuse, grading sees the truth (tampering is reported), the honest sample is unaffected, and nothing is left
behind."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from inspect_ai.log import EvalSample, read_eval_log

from evals.agents.attacks import ATTACKS, LEFTOVER, MARK, outside_paths
from evals.fixture import REPO_ROOT
from evals.sandbox.layout import census
from evals.sandbox.limits import hierarchies
from evals.task_spec import load_task

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
TASK = "consultation-bookings"
TOOL_TIMEOUT = 60
SOLVED = {name for name, attack in ATTACKS.items() if attack.solved}
SANDBOXES = ["alloy", pytest.param("docker", marks=pytest.mark.docker)]
NOT_IN = {
    "docker": {
        # Docker caps a container's writable layer only on storage drivers with quotas (overlay2 on xfs with
        # pquota: storage_opt size); on overlay2 over ext4 this attack would fill the host's disk.
        "fill-disk",
    },
}
"""Attacks not run in a sandbox, with the reason."""


@dataclass
class Outcome:
    sample: EvalSample
    log_text: str
    """Everything in the log file (every message, event and score), as text."""

    @property
    def tool_output(self) -> str:
        return "\n".join(m.text for m in self.sample.messages if m.role == "tool")

    @property
    def score(self):  # noqa: ANN201 - inspect's Score
        return self.sample.scores["alloy_scorer"]


def _distinctive(path: Path) -> str:
    """The longest line of a file: appears in a log only if the file's content leaked into it."""
    return max((line.strip() for line in path.read_text().splitlines()), key=len)


def _docker_objects() -> set[str]:
    """The Inspect compose projects' containers, networks and volumes on the engine."""
    found = set()
    for kind, args, name in (("container", ["ps", "-a"], "Names"), ("network", ["network", "ls"], "Name"),
                             ("volume", ["volume", "ls"], "Name")):  # fmt: skip
        out = subprocess.run(["docker", *args, "--filter", "label=com.docker.compose.project", "--format",
                              f"{{{{.{name}}}}}"], capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
        found |= {f"{kind} {item}" for item in out.stdout.split() if item.startswith("inspect-")}
    return found


def _leftovers(sandbox: str) -> dict[str, set[str]]:
    found = census(marker=LEFTOVER)
    if sandbox == "docker":
        found["containers"] = _docker_objects()
    return found


@dataclass
class Attacked:
    sandbox: str
    outcomes: dict[str, Outcome]
    before: dict[str, set[str]]
    after: dict[str, set[str]]
    wall: float

    def __getitem__(self, name: str) -> Outcome:
        if name in NOT_IN.get(self.sandbox, ()):
            pytest.skip(f"{name} is not run in the {self.sandbox} sandbox")
        return self.outcomes[name]


def _log_text(path: str) -> str:
    with zipfile.ZipFile(path.removeprefix("file://")) as archive:
        return "\n".join(archive.read(name).decode(errors="replace") for name in archive.namelist())


@pytest.fixture(scope="module")
def canary() -> str:
    return f"alloy-canary-{secrets.token_hex(8)}"


@pytest.fixture(scope="module", params=SANDBOXES)
def attacked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, canary: str) -> Attacked:
    sandbox = request.param
    if sandbox == "docker":
        request.getfixturevalue("docker_engine")
    home = tmp_path_factory.mktemp("xdg")
    log_dir = tmp_path_factory.mktemp(f"attack-logs-{sandbox}")
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "ALLOY_TEST_SECRET": canary,  # a stand-in for an API key in the harness's environment
    }
    for path in outside_paths():
        assert not Path(path).exists(), f"{path} exists before the run"
    before = _leftovers(sandbox)
    names = ["oracle", *(f"attack-{a}" for a in ATTACKS if a not in NOT_IN.get(sandbox, ()))]
    started = time.monotonic()
    out = subprocess.run(
        [str(BIN / "alloy-bench"), "run", "--tasks", TASK, "--log-dir", str(log_dir), "--display", "none",
         "--sandbox", sandbox, "--tool-timeout", str(TOOL_TIMEOUT), "--format", "json",
         *(arg for name in names for arg in ("--agent", name))],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    wall = time.monotonic() - started
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    outcomes: dict[str, Outcome] = {}
    for path in sorted(log_dir.glob("*.eval")):
        log = read_eval_log(str(path))
        assert log.status == "success" and log.samples and len(log.samples) == 1, path
        name = str(log.eval.model).removeprefix("scripted/").removeprefix("attack-")
        outcomes[name] = Outcome(log.samples[0], _log_text(str(path)))
    print(f"\n{sandbox}: {len(outcomes)} samples in {wall:.0f} s")
    return Attacked(sandbox, outcomes, before, _leftovers(sandbox), wall)


def test_every_attack_ran_and_was_graded(attacked: Attacked) -> None:
    assert set(attacked.outcomes) == {"oracle", *ATTACKS} - NOT_IN.get(attacked.sandbox, set())
    for name, outcome in attacked.outcomes.items():
        assert outcome.sample.error is None, f"{name}: {outcome.sample.error}"
        assert "alloy_scorer" in (outcome.sample.scores or {}), f"{name} was not graded"


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_nothing_escapes(attacked: Attacked, canary: str, name: str) -> None:
    """No attempt succeeded, the harness's environment never showed, nor did the hidden tests."""
    outcome = attacked[name]
    assert f"{MARK}:" not in outcome.tool_output, [
        line for line in outcome.tool_output.splitlines() if f"{MARK}:" in line
    ]
    assert canary not in outcome.log_text
    assert _distinctive(load_task_spec().hidden_test_files()[0]) not in outcome.log_text


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_grading_sees_the_truth(attacked: Attacked, name: str) -> None:
    """Attacks that solved the task first still resolve it; the others resolve nothing."""
    outcome = attacked[name]
    assert outcome.score.value["resolved"] == (1 if name in SOLVED else 0), outcome.score.explanation[:3000]


def load_task_spec():  # noqa: ANN201
    return load_task(REPO_ROOT / "tasks" / TASK)


def test_the_honest_sample_beside_the_attacks_is_unaffected(attacked: Attacked) -> None:
    oracle = attacked["oracle"]
    assert oracle.score.value["strict_success"] == 1, oracle.score.explanation[:3000]
    assert oracle.score.metadata["tampering"] == []


def test_read_hidden_finds_nothing_of_the_harness(attacked: Attacked) -> None:
    output = attacked["read-hidden"].tool_output
    found = [m.text for m in attacked["read-hidden"].sample.messages if m.role == "tool" and "find-done" in m.text]
    assert len(found) == 1, "the search of the whole file system ran"
    for leaked in (f"{TASK}.test.ts", "patch.diff", "/task.yaml", str(REPO_ROOT)):
        assert leaked not in found[0]
    assert "permission denied for function pg_read_file" in output
    assert 'no pg_hba.conf entry for host "[local]", user "postgres"' in output


def test_no_write_outside_the_workspace() -> None:
    for path in outside_paths():
        assert not Path(path).exists(), f"the sandbox wrote {path}"


def test_network_attempts_failed(attacked: Attacked) -> None:
    output = attacked["network"].tool_output
    for what in ("dns", "https", "npm-registry", "node-fetch"):
        assert f"blocked:{what}" in output


def test_limits_stop_the_abuse(attacked: Attacked) -> None:
    """Processes and memory (control groups: the alloy sandbox's own as root, Docker's pids and memory limits)."""
    if attacked.sandbox == "alloy" and hierarchies() is None:
        pytest.skip("control groups are not writable here (not root): no process or memory limits")
    assert "Resource temporarily unavailable" in attacked["fork-bomb"].tool_output
    memory = attacked["memory-hog"].tool_output
    assert "Killed" in memory or "exit=137" in memory, memory[-2000:]


def test_disk_limit_stops_the_filling(attacked: Attacked) -> None:
    if attacked.sandbox == "alloy" and hierarchies() is None:
        pytest.skip("not root: no tmpfs for the sample's writes")
    fill = attacked["fill-disk"]
    assert "No space left on device" in fill.tool_output
    assert "added fill.bin" in fill.score.metadata["changed_files"]


def test_time_limits_stop_sleeping_and_nothing_is_left_running(attacked: Attacked) -> None:
    sleeper = attacked["sleep-forever"]
    timeouts = [m for m in sleeper.sample.messages if m.role == "tool" and m.error and m.error.type == "timeout"]
    assert timeouts, "the endless sleep was not stopped by the tool timeout"
    assert not {p for p in attacked.after["processes"] if LEFTOVER in p}


def test_nothing_left_behind(attacked: Attacked) -> None:
    before, after = attacked.before, attacked.after
    assert set(after) == set(before) and ("containers" in after) == (attacked.sandbox == "docker")
    for kind in after:
        assert after[kind] <= before[kind], f"left behind: {kind}: {sorted(after[kind] - before[kind])}"


def test_tampering_is_reported_and_changes_nothing(attacked: Attacked) -> None:
    tampering = "\n".join(attacked["tamper-tests"].score.metadata["tampering"])
    for expected in (
        "package.json: scripts changed (test",
        f"tests/hidden/{TASK}.test.ts: test file added",
        "tests/helpers.ts: test file modified",
        "node_modules/pg/lib/index.js",
        "node_modules/cheat",
    ):
        assert expected in tampering
    assert "**tampering**" in attacked["tamper-tests"].score.explanation
    deleted = "\n".join(attacked["delete-targets"].score.metadata["tampering"])
    assert "tests/helpers.ts: test file deleted" in deleted


def test_crashing_its_own_sandbox_is_graded_not_excused(attacked: Attacked) -> None:
    """Only a kill from outside is an infrastructure error; an agent that ends its sandbox is graded."""
    outcome = attacked["crash-sandbox"]
    assert outcome.sample.error is None
    assert "pid1-survived" in outcome.tool_output, "PID 1 of the sandbox ignores the agent's signals"
    errors = [m.error.type for m in outcome.sample.messages if m.role == "tool" and m.error]
    if attacked.sandbox == "alloy":  # the exec server is the agent's: ending it ends the sandbox
        assert "sandbox_unavailable" in errors, "the agent is told its sandbox stopped"
    else:  # init, the main process and PostgreSQL are other users': the container outlives the attack
        assert errors == [] and "still-here" in outcome.tool_output, errors
    assert outcome.score.value["resolved"] == 0


def test_rewritten_history_hides_nothing(attacked: Attacked) -> None:
    score = attacked["git-history"].score
    assert "modified client/src/main.tsx" in score.metadata["changed_files"]
    assert score.metadata["verdicts"]["no-client-edits"] == "fail"


def test_fake_pass_lines_and_false_reports_do_not_count(attacked: Attacked) -> None:
    for name in ("fake-pass", "false-report"):
        score = attacked[name].score
        assert score.value["strict_success"] == 0
        assert all(v == "fail" for v in score.metadata["tests"]["fail_to_pass"].values())
        false_claims = [c for s in score.metadata["report"]["sections"].values() for c in s["false"]]
        assert false_claims, f"{name}: the report's claims of work not done were not caught"
        assert score.value["report_f1"] < 1


def test_symlinks_are_recorded_never_followed(attacked: Attacked) -> None:
    outcome = attacked["symlink-out"]
    changed = outcome.score.metadata["changed_files"]
    assert {"added server/notes.ts", "added server/shadow.ts", "added server/host-root"} <= set(changed)
    assert _distinctive(load_task_spec().solution_patch) not in outcome.log_text
    shadow = Path("/etc/shadow")
    if os.access(shadow, os.R_OK):
        first = shadow.read_text().splitlines()[0]
        assert first not in outcome.log_text
