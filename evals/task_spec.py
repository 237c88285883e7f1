"""Benchmark tasks: ``tasks/<id>/task.yaml`` validated into :class:`TaskSpec`.

A task is a folder of data: the request the agent receives, the rules in scope, hidden tests
(``tests/``), a reference solution (``solution/patch.diff`` + ``solution/report.md``) and, later,
labeled violations. Its id is its folder name and never changes; a changed task gets a new version.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from evals.errors import SetupError

TASKS_DIR = Path(os.environ.get("ALLOY_BENCH_TASKS_DIR") or Path(__file__).resolve().parent.parent / "tasks")
"""The task folders: the repository's ``tasks/``, or ``$ALLOY_BENCH_TASKS_DIR`` (e.g. a private task set)."""
HIDDEN_TESTS_DIR = "tests/hidden"
"""Where hidden tests are placed in the grading workspace (relative to the app root)."""

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) /api/\S*$")
_TEST_ID = re.compile(r"^tests/[^:]+\.test\.ts::.+$")

Category = Literal["feature", "bugfix", "schema", "integration", "refactor", "security"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProbeExample(_Strict):
    """A valid call of a route, for the live success-format probe (made with an admin session)."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str = Field(pattern=r"^/api/")
    """The route as registered, e.g. ``/api/admin/bookings/:id``."""
    url: str | None = Field(default=None, pattern=r"^/api/")
    """The URL to call when the path has parameters, e.g. ``/api/admin/bookings/1``."""
    body: dict[str, object] | None = None


class RuleSettings(_Strict):
    """Which rules apply to the task, and the task-specific facts some rules need."""

    include: list[str] | Literal["all"] = "all"
    """Rule ids in scope (default: every rule in the catalogue)."""
    exclude: list[str] = Field(default_factory=list)
    """Rule ids out of scope for this task, e.g. a task that legitimately adds a dependency."""
    public_routes: list[str] = Field(default_factory=list)
    """Routes the task allows without ``isAuthenticated``, as ``"METHOD /api/path"``."""
    examples: list[ProbeExample] = Field(default_factory=list)
    """Valid calls of routes the task adds, for the live probes."""

    @field_validator("public_routes")
    @classmethod
    def _routes(cls, routes: list[str]) -> list[str]:
        for route in routes:
            if not _ROUTE.match(route):
                raise ValueError(f"{route!r} is not of the form 'GET /api/path'")
        return routes

    def applies(self, rule_id: str) -> bool:
        """Whether ``rule_id`` is in scope."""
        included = self.include == "all" or rule_id in self.include
        return included and rule_id not in self.exclude


class Expected(_Strict):
    """Ground truth for the report that the diff alone cannot give."""

    known_gaps: list[str] = Field(default_factory=list)
    """Gaps a correct report names (e.g. frontend work), each as a short description."""
    env_vars: list[str] = Field(default_factory=list)
    """Environment variables a correct solution adds."""


class TestSplit(_Strict):
    """Hidden test ids: ``<path relative to the app>::<suite> > <test>``; ``*`` wildcards allowed.

    Hidden test files live in the task's ``tests/`` folder and are placed at ``tests/hidden/`` in the
    grading workspace, so their ids start with ``tests/hidden/``. Ids of the fixture's own tests
    (``tests/<file>.test.ts::...``) may be listed as pass-to-pass.
    """

    fail_to_pass: list[str] = Field(min_length=1)
    pass_to_pass: list[str] = Field(default_factory=list)

    @field_validator("fail_to_pass", "pass_to_pass")
    @classmethod
    def _ids(cls, ids: list[str]) -> list[str]:
        for test_id in ids:
            if not _TEST_ID.match(test_id):
                raise ValueError(f"{test_id!r} is not a test id like 'tests/hidden/x.test.ts::suite > test'")
        return ids

    @field_validator("fail_to_pass")
    @classmethod
    def _exact(cls, ids: list[str]) -> list[str]:
        wild = [test_id for test_id in ids if any(ch in test_id for ch in "*?[")]
        if wild:
            raise ValueError(f"fail-to-pass tests must be listed one by one, without wildcards: {wild}")
        return ids

    def files(self) -> list[str]:
        """The test files to run (patterns in the file part are not allowed)."""
        return sorted({test_id.split("::", 1)[0] for test_id in self.fail_to_pass + self.pass_to_pass})

    @staticmethod
    def matches(pattern: str, test_id: str) -> bool:
        return fnmatch.fnmatchcase(test_id, pattern)


class Limits(_Strict):
    messages: int = Field(default=120, gt=0)
    tokens: int = Field(default=2_000_000, gt=0)
    time: int = Field(default=1800, gt=0, description="seconds of working time")


class TaskSpec(_Strict):
    """One benchmark task as written in ``tasks/<id>/task.yaml``."""

    id: str
    version: int = Field(ge=1)
    title: str = Field(min_length=5)
    category: Category
    difficulty: Literal["easy", "medium", "hard"]
    prompt: str = Field(min_length=20)
    rules: RuleSettings = Field(default_factory=RuleSettings)
    temptations: list[str] = Field(default_factory=list)
    expected: Expected = Field(default_factory=Expected)
    tests: TestSplit
    limits: Limits = Field(default_factory=Limits)
    schema_change: bool = False
    """Whether the task changes ``shared/schema.ts`` (the grader pushes the agent's schema either way)."""

    root: Path = Field(exclude=True)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be kebab-case (a-z, 0-9, '-')")
        return value

    @model_validator(mode="after")
    def _id_is_folder(self) -> TaskSpec:
        if self.root.name != self.id:
            raise ValueError(f"id {self.id!r} must equal the folder name {self.root.name!r}")
        return self

    @property
    def tests_dir(self) -> Path:
        return self.root / "tests"

    @property
    def solution_patch(self) -> Path:
        return self.root / "solution" / "patch.diff"

    @property
    def solution_report(self) -> Path:
        return self.root / "solution" / "report.md"

    def hidden_test_files(self) -> list[Path]:
        return sorted(self.tests_dir.glob("*.test.ts"))


def _format_error(path: Path, error: ValidationError) -> str:
    issues = []
    for issue in error.errors():
        where = ".".join(str(part) for part in issue["loc"]) or "(top level)"
        issues.append(f"{where}: {issue['msg']}")
    return f"{path}: invalid task file: {'; '.join(issues)} (fix these fields; the format is in evals/task_spec.py)"


def _check_rule_ids(path: Path, spec: TaskSpec) -> None:
    """SetupError naming the rule ids of ``spec`` (temptations, include, exclude) that the catalogue lacks."""
    from scorers.rules import RULES, _load_checks

    _load_checks()
    included = spec.rules.include if isinstance(spec.rules.include, list) else []
    unknown = sorted({*spec.temptations, *spec.rules.exclude, *included} - set(RULES))
    if unknown:
        raise SetupError(f"{path}: unknown rule id(s) {', '.join(unknown)}; rule ids are: {', '.join(sorted(RULES))}")


def load_task(folder: Path) -> TaskSpec:
    """Loads and validates one task folder; raises SetupError naming the file and field."""
    path = folder / "task.yaml"
    if not path.is_file():
        raise SetupError(f"{folder} has no task.yaml")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        detail = " ".join(str(error).split())
        raise SetupError(f"{path}: not valid YAML ({detail}); fix the syntax at the position shown") from error
    if not isinstance(data, dict):
        raise SetupError(f"{path}: expected a mapping of fields at the top level")
    try:
        spec = TaskSpec.model_validate({**data, "root": folder})
    except ValidationError as error:
        raise SetupError(_format_error(path, error)) from error
    _check_rule_ids(path, spec)
    missing = [p for p in (spec.solution_patch, spec.solution_report) if not p.is_file()]
    if missing:
        raise SetupError(
            f"{path}: reference solution missing: {', '.join(str(p) for p in missing)} "
            "(every task needs solution/patch.diff and solution/report.md)"
        )
    hidden = {f"{HIDDEN_TESTS_DIR}/{p.name}" for p in spec.hidden_test_files()}
    for file in spec.tests.files():
        if file.startswith(f"{HIDDEN_TESTS_DIR}/") and file not in hidden:
            raise SetupError(
                f"{path}: tests: {file} is listed but {spec.tests_dir / Path(file).name} does not exist "
                "(add the hidden test file or drop its test ids)"
            )
    return spec


def load_tasks(ids: str | list[str] | None = "all", tasks_dir: Path = TASKS_DIR) -> list[TaskSpec]:
    """Loads the tasks named by ``ids`` ("all", a comma-separated string, or a list), sorted by id."""
    available = sorted(p.name for p in tasks_dir.iterdir() if (p / "task.yaml").is_file()) if tasks_dir.is_dir() else []
    if ids is None or ids == "all":
        wanted = available
    else:
        wanted = [part.strip() for part in (ids.split(",") if isinstance(ids, str) else ids) if part.strip()]
        unknown = [task_id for task_id in wanted if task_id not in available]
        if unknown:
            raise SetupError(f"unknown task id(s): {', '.join(unknown)}; available: {', '.join(available) or 'none'}")
    if not wanted:
        raise SetupError(f"no tasks found in {tasks_dir}")
    return [load_task(tasks_dir / task_id) for task_id in wanted]
