"""The alloy-bench Inspect task: ``inspect eval evals/alloy.py --model <provider/model>``.

Task parameters (``-T name=value``):
  prompt   the Backend Worker system prompt: a file path, or a variant name from ``evals/prompts/``
           (default: ``backend-worker``, the baseline)
  tasks    task ids, comma-separated, or ``all``
  sandbox  ``alloy`` (default; bubblewrap + private PostgreSQL per sample), ``docker`` (Inspect's Docker sandbox
           with ``evals/containers/compose.yaml``; build the image first) or ``k8s`` (inspect-k8s-sandbox with
           ``k8s/values.yaml``); ``docker:FILE`` / ``k8s:FILE`` take your own compose or values file. Grading
           always happens on the host, in a fresh alloy sandbox.
  agent    ``react`` (Inspect's ReAct agent; scripted agents are models: ``--model scripted/oracle``)
  dataset  an exported task set (``alloy-bench export-dataset DIR``) to take the samples from instead of
           ``tasks/``; grading still needs the matching task folders (same id, version and content)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.util import SandboxEnvironmentSpec

from evals.agents.backend_worker import backend_worker
from evals.agents.names import TOOL_TIMEOUT
from evals.errors import SetupError
from evals.fixture import fixture_version
from evals.sandbox.provider import AlloySandboxConfig
from evals.task_catalog import task_set_hash
from evals.task_spec import TaskSpec, load_tasks
from scorers import scorer_version
from scorers.alloy_scorer import alloy_scorer, record_changes

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
BASELINE_PROMPT = "backend-worker"
SANDBOXES = ("alloy", "docker", "k8s")
AGENT_USER = {"docker": "worker"}
"""The user the agent's tools run as, per sandbox (a docker container starts as root, see evals/containers)."""
K8S_VALUES = Path(__file__).resolve().parent.parent / "k8s" / "values.yaml"


def sandbox_spec(sandbox: str, config: AlloySandboxConfig) -> SandboxEnvironmentSpec:
    """The agent's sandbox: ``alloy``, ``docker`` or ``k8s``, the latter two optionally as ``NAME:CONFIG_FILE``."""
    name, _, config_file = sandbox.partition(":")
    if name not in SANDBOXES or (name == "alloy" and config_file):
        raise SetupError(f"unknown sandbox {sandbox!r}; available: {', '.join(SANDBOXES)} (docker:FILE, k8s:FILE)")
    if name == "alloy":
        return SandboxEnvironmentSpec("alloy", config)
    from evals.containers.image import COMPOSE_FILE, IMAGE, check_image

    if name == "docker" and not config_file:
        from evals.fixture import prepare_fixture

        check_image(prepare_fixture(), os.environ.get("ALLOY_BENCH_IMAGE") or IMAGE)
    path = Path(config_file) if config_file else COMPOSE_FILE if name == "docker" else K8S_VALUES
    if not path.is_file():
        raise SetupError(f"sandbox {name}: config file {path} not found")
    return SandboxEnvironmentSpec(name, str(path.resolve()))


def resolve_prompt(prompt: str | None) -> Path:
    """A prompt file from a path or a variant name; SetupError naming what exists when it is missing."""
    candidates = [Path(prompt)] if prompt else []
    name = prompt or BASELINE_PROMPT
    candidates += [PROMPTS_DIR / name, PROMPTS_DIR / f"{name}.md"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    variants = ", ".join(sorted(p.stem for p in PROMPTS_DIR.glob("*.md")))
    raise SetupError(f"prompt file not found: {prompt!r}. Give a path to a file, or one of: {variants}")


def to_sample(spec: TaskSpec, variant: str) -> Sample:
    return Sample(
        id=spec.id,
        input=spec.prompt.strip(),
        metadata={
            "task_id": spec.id,
            "task_version": spec.version,
            "category": spec.category,
            "difficulty": spec.difficulty,
            "temptations": spec.temptations,
            "limits": spec.limits.model_dump(),
            "prompt_variant": variant,
        },
    )


def specs_from_export(path: str, tasks: str) -> list[TaskSpec]:
    """The local task folders of an exported task set's rows, checked to be the very same tasks."""
    from evals.task_catalog import content_hash, load_exported

    rows = load_exported(Path(path))
    wanted = None if tasks == "all" else {t.strip() for t in tasks.split(",") if t.strip()}
    rows = [r for r in rows if wanted is None or r["id"] in wanted]
    specs = load_tasks([r["id"] for r in rows]) if rows else []
    for row, spec in zip(rows, specs, strict=True):
        if (row["version"], row["content_sha256"]) != (spec.version, content_hash(spec)):
            raise SetupError(
                f"task {spec.id}: the export at {path} has version {row['version']} ({row['content_sha256'][:12]}), "
                f"this checkout has version {spec.version} ({content_hash(spec)[:12]}); use the matching checkout"
            )
    if not specs:
        raise SetupError(f"no tasks selected from the export at {path}")
    return specs


@task
def alloy_bench(
    prompt: str | None = None,
    tasks: str = "all",
    sandbox: str = "alloy",
    agent: str = "react",
    dataset: str | None = None,
    tool_timeout: int = TOOL_TIMEOUT,
) -> Task:
    """The Backend Worker benchmark on the AlloyWebSite fixture (``tool_timeout``: seconds one bash or editor
    call may take before everything it started is killed)."""
    prompt_path = resolve_prompt(prompt)
    system_prompt = prompt_path.read_text()
    if not system_prompt.strip():
        raise SetupError(f"prompt file {prompt_path} is empty")
    variant = prompt_path.stem
    specs = specs_from_export(dataset, tasks) if dataset else load_tasks(tasks)
    config = AlloySandboxConfig()
    agent_sandbox = sandbox_spec(sandbox, config)
    return Task(
        dataset=MemoryDataset([to_sample(spec, variant) for spec in specs], name="alloy-bench"),
        solver=[
            backend_worker(system_prompt, agent, tool_timeout, AGENT_USER.get(agent_sandbox.type)),
            record_changes(config),
        ],
        scorer=alloy_scorer(config),
        sandbox=agent_sandbox,
        metadata={
            "prompt_variant": variant,
            "prompt_path": str(prompt_path),
            "prompt_sha256": hashlib.sha256(system_prompt.encode()).hexdigest()[:16],
            "fixture_version": fixture_version(),
            "task_set_sha256": task_set_hash(specs),
            "scorer_version": scorer_version(),
        },
    )
