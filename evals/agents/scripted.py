"""Scripted reference agents, served as an Inspect model provider so that they run through the very same
agent loop, tools and sandbox as a real model, with no API key:

- ``scripted/oracle``: does the pre-flight reads, applies the task's reference patch through the tools,
  pushes the schema when the task changes it, type-checks, and submits the reference report.
- ``scripted/noop``: does the pre-flight reads and submits an empty report.
- ``scripted/replay`` with ``-M dir=DIR``: applies ``DIR/<task_id>.patch`` and submits
  ``DIR/<task_id>.report.md`` — the way to grade patches produced by any outside agent.
- ``scripted/attack-*``: adversarial agents that try to cheat or break out (``evals.agents.attacks``).
- ``scripted/sloppy-*``: the oracle with one bad habit each, for demonstrating scorecards, comparisons and
  the gate without an API key: ``sloppy-preflight`` edits without the pre-flight reads,
  ``sloppy-message`` answers errors as ``{ message }`` (copied from nearby legacy code) wherever its patch adds
  an error response, ``sloppy-deps`` also runs ``npm install`` for a date library it never needed.

The task is recognised from the conversation's request (the task's prompt), so nothing beyond the
messages an ordinary model sees is needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageUser,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from evals.agents.attacks import ATTACKS, Attack
from evals.agents.names import AGENTS, SLOPPY
from evals.errors import SetupError
from evals.task_spec import TASKS_DIR, TaskSpec, load_task
from scorers.process import PREFLIGHT_FILES

PATCH_PATH = "/tmp/alloy-agent.patch"
Step = tuple[str, dict[str, Any]]


def preflight_reads() -> list[Step]:
    return [("text_editor", {"command": "view", "path": f"/workspace/{name}"}) for name in PREFLIGHT_FILES]


def apply_patch(patch: str, schema_change: bool) -> list[Step]:
    steps: list[Step] = [
        ("text_editor", {"command": "create", "path": PATCH_PATH, "file_text": patch}),
        ("bash", {"command": f"git apply --whitespace=nowarn {PATCH_PATH} && git status --short"}),
    ]
    if schema_change:
        steps.append(("bash", {"command": "npm run db:push -- --force 2>&1 | tail -5"}))
    steps.append(("bash", {"command": "npm run check 2>&1 | tail -20"}))
    return steps


_ERROR_KEY = re.compile(r"\{(\s*)error(\s*)([:,}])")


def _as_message(match: re.Match[str]) -> str:
    space, gap, sep = match.groups()
    return "{" + space + ("message" + gap + ":" if sep == ":" else "message: error" + gap + sep)


def message_instead_of_error(patch: str) -> str:
    """The patch with the error bodies it adds under server/ (``.json({ error ... })`` on one line) answered
    as ``{ message }`` instead."""
    out, in_server = [], False
    for line in patch.splitlines(keepends=True):
        if line.startswith("+++ "):
            in_server = line[4:].strip().startswith("b/server/")
        elif in_server and line.startswith("+") and ".json(" in line:
            line = _ERROR_KEY.sub(_as_message, line)
        out.append(line)
    return "".join(out)


def attack_plan(attack: Attack, spec: TaskSpec) -> list[Step]:
    """An adversarial agent's tool calls: the pre-flight, the reference patch when the attack solves the task
    first, the attack, and its report."""
    steps = preflight_reads()
    if attack.solved:
        steps += apply_patch(spec.solution_patch.read_text(), spec.schema_change)
    steps += attack.steps(spec)
    report = spec.solution_report.read_text() if attack.report == "reference" or attack.solved else ""
    return [*steps, ("submit", {"answer": report})]


def plan(agent: str, spec: TaskSpec, replay_dir: Path | None) -> list[Step]:
    """The tool calls the scripted agent makes for ``spec``, ending with ``submit``."""
    if agent.startswith("attack-"):
        return attack_plan(ATTACKS[agent.removeprefix("attack-")], spec)
    steps = [] if agent == "sloppy-preflight" else preflight_reads()
    report = ""
    if agent == "oracle" or agent in SLOPPY:
        patch = spec.solution_patch.read_text()
        steps += apply_patch(
            message_instead_of_error(patch) if agent == "sloppy-message" else patch, spec.schema_change
        )
        if agent == "sloppy-deps":
            steps.append(
                ("bash", {"command": "npm install dayjs --fetch-retries=0 --fetch-timeout=3000 2>&1 | tail -3"})
            )
        report = spec.solution_report.read_text()
    elif agent == "replay":
        assert replay_dir is not None
        patch_file, report_file = replay_dir / f"{spec.id}.patch", replay_dir / f"{spec.id}.report.md"
        patch = patch_file.read_text() if patch_file.is_file() else ""
        if patch.strip():
            steps += apply_patch(patch, "shared/schema.ts" in patch)
        report = report_file.read_text() if report_file.is_file() else ""
    return [*steps, ("submit", {"answer": report})]


def _loadable_tasks(tasks_dir: Path) -> list[TaskSpec]:
    """Every task folder that loads (the running sample's own task did; a broken neighbour is not it)."""
    specs = []
    for folder in sorted(p for p in tasks_dir.iterdir() if (p / "task.yaml").is_file()):
        try:
            specs.append(load_task(folder))
        except SetupError:
            continue
    return specs


def _request(messages: list[ChatMessage]) -> str:
    first = next((m for m in messages if isinstance(m, ChatMessageUser)), None)
    return first.text.strip() if first is not None else ""


@modelapi(name="scripted")
class ScriptedAgentAPI(ModelAPI):
    """Model provider ``scripted/<oracle|noop|replay>``."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - ModelAPI's own signature
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        if model_name not in AGENTS:
            raise SetupError(f"unknown scripted agent {model_name!r}; choose one of: {', '.join(AGENTS)}")
        self.agent = model_name
        self.replay_dir: Path | None = None
        if model_name == "replay":
            directory = model_args.get("dir")
            if not directory or not Path(str(directory)).is_dir():
                raise SetupError(
                    "scripted/replay needs a directory of <task_id>.patch and <task_id>.report.md files: "
                    "-M dir=PATH (or alloy-bench run --agent replay --replay-dir PATH)"
                )
            self.replay_dir = Path(str(directory))
        self.tasks_dir = Path(str(model_args["tasks_dir"])) if model_args.get("tasks_dir") else None
        self._plans: dict[str, list[Step]] = {}

    def _plan_for(self, request: str) -> list[Step]:
        if request not in self._plans:
            spec = next((s for s in _loadable_tasks(self.tasks_dir or TASKS_DIR) if s.prompt.strip() == request), None)
            if spec is None:
                raise SetupError("scripted agent: the request does not match the prompt of any task in tasks/")
            self._plans[request] = plan(self.agent, spec, self.replay_dir)
        return self._plans[request]

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        steps = self._plan_for(_request(input))
        done = sum(1 for message in input if message.role == "tool")
        name, arguments = steps[min(done, len(steps) - 1)]
        output = ModelOutput.for_tool_call(f"scripted/{self.agent}", name, arguments)
        output.usage = ModelUsage(input_tokens=0, output_tokens=0, total_tokens=0)
        return output

    def max_connections(self) -> int:
        return 32
