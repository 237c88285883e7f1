"""The labeled rule corpus: small changes to the fixture, each with the verdicts the rule checks must give.

A case is one YAML file, ``tests/rule_corpus/<rule-id>/<name>.yaml``::

    description: a success response without the envelope
    kind: violation            # or near-miss: looks like a violation of <rule-id> but is compliant
    task: newsletter-resubscribe   # optional: the task whose settings apply (e.g. public routes)
    files:                     # whole files, added or replaced
      server/widget-routes.ts: |
        ...
    edits:                     # exact, unique text replacements in fixture files
      - path: server/routes.ts
        find: "  registerAdminRoutes(app);"
        replace: |
          ...
    delete: [server/vite.ts]
    transcript:                # tool calls, in order, as the agent made them
      - bash: npm install date-fns
      - text_editor: {command: create, path: /workspace/client/src/x.tsx, file_text: "..."}
    expect:                    # verdicts that must come out; every rule not listed must not fail
      success-format: fail

A violation case must list its own rule as ``fail``; a near-miss lists it as ``pass``. The corpus test and
``alloy-bench validate --scorers`` run every case and report precision and recall per rule.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Literal

import yaml
from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageTool
from inspect_ai.tool import ToolCall
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evals.errors import SetupError
from evals.task_spec import TASKS_DIR, TaskSpec, load_task
from scorers.changes import ChangeSet, FileChange
from scorers.process import preflight
from scorers.rules import RULES, RuleResult, Verdict, evaluate
from scorers.rules.context import RuleContext

CORPUS_DIR = Path(__file__).resolve().parent.parent / "tests" / "rule_corpus"


class Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    find: str
    replace: str


class CorpusCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    rule: str
    description: str
    kind: Literal["violation", "near-miss"]
    task: str | None = None
    files: dict[str, str] = Field(default_factory=dict)
    edits: list[Edit] = Field(default_factory=list)
    delete: list[str] = Field(default_factory=list)
    patch: str | None = None
    """A unified diff against the fixture (alternative to files/edits)."""
    on_reference: bool = False
    """Start from the task's reference solution; files/edits/delete then change it."""
    transcript: list[dict[str, Any]] = Field(default_factory=list)
    expect: dict[str, Verdict]
    live: bool = False
    """Needs the live probes (a running server) to reach its verdicts."""

    @model_validator(mode="after")
    def _consistent(self) -> CorpusCase:
        if self.on_reference and not self.task:
            raise ValueError("on_reference needs a task")
        own = self.expect.get(self.rule)
        wanted = "fail" if self.kind == "violation" else "pass"
        if own != wanted:
            raise ValueError(f"a {self.kind} case must expect {self.rule}: {wanted}")
        return self


def load_case(path: Path) -> CorpusCase:
    try:
        data = yaml.safe_load(path.read_text())
        return CorpusCase.model_validate({**data, "id": path.stem, "rule": path.parent.name})
    except (yaml.YAMLError, ValidationError, TypeError) as error:
        raise SetupError(f"{path}: invalid corpus case: {error}") from error


def load_task_violation(path: Path) -> CorpusCase:
    """A labeled violation kept with its task: ``tasks/<id>/violations/<name>.yaml`` (names its ``rule``)."""
    try:
        data = yaml.safe_load(path.read_text())
        task = path.parent.parent.name
        return CorpusCase.model_validate({"on_reference": True, **data, "id": f"{task}:{path.stem}", "task": task})
    except (yaml.YAMLError, ValidationError, TypeError) as error:
        raise SetupError(f"{path}: invalid labeled violation: {error}") from error


def load_corpus(root: Path = CORPUS_DIR, tasks_dir: Path = TASKS_DIR) -> list[CorpusCase]:
    """Every labeled case: the rule corpus and the tasks' own labeled violations."""
    from scorers.rules import _load_checks

    _load_checks()
    cases = [load_case(path) for path in sorted(root.glob("*/*.yaml"))]
    cases += [load_task_violation(path) for path in sorted(tasks_dir.glob("*/violations/*.yaml"))]
    unknown = sorted({c.rule for c in cases} - set(RULES) - {"preflight"})
    if unknown:
        raise SetupError(f"corpus folders name unknown rules: {', '.join(unknown)}")
    return cases


def changes_from_patch(patch: str, template: Path, version: str = "corpus") -> ChangeSet:
    """Applies a unified diff to copies of just the files it touches and returns the resulting change set."""
    with tempfile.TemporaryDirectory(prefix="alloy-patch-") as tmp:
        work = Path(tmp)
        (work / "p.diff").write_text(patch)
        listed = subprocess.run(["git", "apply", "--numstat", "-z", "p.diff"], cwd=work, capture_output=True, text=True)
        if listed.returncode != 0:
            raise SetupError(f"patch does not parse: {listed.stderr.strip()}")
        paths = [entry.split("\t")[-1] for entry in listed.stdout.split("\0") if "\t" in entry]
        tree = work / "tree"
        for rel in paths:
            if (template / rel).is_file():
                (tree / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(template / rel, tree / rel)
        tree.mkdir(exist_ok=True)
        out = subprocess.run(["git", "apply", "--whitespace=nowarn", str(work / "p.diff")], cwd=tree,
                             capture_output=True, text=True)  # fmt: skip
        if out.returncode != 0:
            raise SetupError(f"patch does not apply to the fixture: {out.stderr.strip()}")
        changes = []
        for rel in sorted(set(paths)):
            before, after = template / rel, tree / rel
            if not after.exists():
                changes.append(FileChange(path=rel, status="deleted"))
            else:
                status = "modified" if before.exists() else "added"
                changes.append(FileChange(path=rel, status=status, content=after.read_text()))
        return ChangeSet(fixture_version=version, changes=changes)


def changes_for(case: CorpusCase, template: Path) -> ChangeSet:
    """The change set a case describes (files, then edits, then deletions; or its patch)."""
    if case.patch:
        return changes_from_patch(case.patch, template)
    contents: dict[str, str] = {}
    deleted: set[str] = set()
    if case.on_reference:
        assert case.task is not None
        reference = changes_from_patch(load_task(TASKS_DIR / case.task).solution_patch.read_text(), template)
        for change in reference.changes:
            if change.status == "deleted":
                deleted.add(change.path)
            else:
                contents[change.path] = change.text() or ""
    contents.update(case.files)
    for edit in case.edits:
        base = contents.get(edit.path)
        if base is None:
            source = template / edit.path
            if not source.is_file():
                raise SetupError(f"{case.rule}/{case.id}: edit of {edit.path}, which the fixture does not have")
            base = source.read_text()
        if base.count(edit.find) != 1:
            raise SetupError(f"{case.rule}/{case.id}: 'find' must occur exactly once in {edit.path}")
        contents[edit.path] = base.replace(edit.find, edit.replace)
    changes = [
        FileChange(path=path, status="modified" if (template / path).is_file() else "added", content=text)
        for path, text in sorted(contents.items())
    ]
    changes += [FileChange(path=path, status="deleted") for path in sorted(deleted | set(case.delete))]
    return ChangeSet(fixture_version="corpus", changes=changes)


def transcript_messages(steps: list[dict[str, Any]]) -> list[ChatMessage]:
    """Assistant tool calls (and empty tool results) from the compact ``transcript`` form."""
    messages: list[ChatMessage] = []
    for index, step in enumerate(steps):
        ((function, arguments),) = step.items()
        if function == "bash" and isinstance(arguments, str):
            arguments = {"command": arguments}
        call = ToolCall(id=f"call-{index}", function=function, arguments=dict(arguments))
        messages.append(ChatMessageAssistant(content="", tool_calls=[call]))
        messages.append(ChatMessageTool(content="", tool_call_id=call.id, function=function))
    return messages


def case_spec(case: CorpusCase) -> TaskSpec | None:
    return load_task(TASKS_DIR / case.task) if case.task else None


def preflight_result(messages: list[ChatMessage]) -> RuleResult:
    """The process check as a verdict, so the corpus can label it like the rules (it is not part of
    ``compliant``: it is scored as its own metric)."""
    if not messages:
        return RuleResult(rule="preflight", verdict="not-applicable", evidence=["no transcript"])
    process = preflight(messages)
    return RuleResult(rule="preflight", verdict="pass" if process.passed else "fail", evidence=process.evidence())


def run_case(case: CorpusCase, template: Path) -> dict[str, RuleResult]:
    """Static and transcript verdicts of every rule for one case (live probes are run by the caller)."""
    messages = transcript_messages(case.transcript)
    ctx = RuleContext(changes=changes_for(case, template), template=template, spec=case_spec(case), messages=messages)
    return {**evaluate(ctx), "preflight": preflight_result(messages)}


def mismatches(case: CorpusCase, results: dict[str, RuleResult]) -> list[str]:
    """Where the verdicts differ from the labels (listed verdicts exactly; unlisted rules must not fail)."""
    problems = []
    for rule_id, result in results.items():
        expected = case.expect.get(rule_id)
        if expected is not None and result.verdict != expected:
            problems.append(f"{rule_id}: expected {expected}, got {result.verdict} ({'; '.join(result.evidence[:3])})")
        elif expected is None and result.verdict == "fail":
            problems.append(f"{rule_id}: unexpected fail ({'; '.join(result.evidence[:3])})")
    return problems


def confusion(labelled: list[tuple[CorpusCase, dict[str, RuleResult]]]) -> dict[str, dict[str, int]]:
    """Per rule: true/false positives and negatives, where a positive is a ``fail`` verdict."""
    table: dict[str, dict[str, int]] = {}
    for case, results in labelled:
        for rule_id, result in results.items():
            counts = table.setdefault(rule_id, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
            expected_fail = case.expect.get(rule_id) == "fail"
            got_fail = result.verdict == "fail"
            key = {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}
            counts[key[(expected_fail, got_fail)]] += 1
    return table
