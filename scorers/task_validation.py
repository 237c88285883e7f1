"""``alloy-bench validate``: every task checked both ways before anyone trusts a number it produces.

Per task, each in fresh grading sandboxes (a fresh database each):

- **oracle**: the reference solution and the reference report, graded exactly as the scorer grades a
  sample (hidden tests, live probes, every rule, the report against the truth): ``strict_success`` must
  be 1. (The end-to-end tests run the scripted oracle through the real agent loop; here the loop is left
  out, since it adds nothing to what is graded.)
- **no-op**: the unchanged fixture: every fail-to-pass test must fail (the no-op agent changes nothing).
  Only the task's own hidden test files run here.
- **reruns**: the reference's hidden test files run twice more, each on a fresh database: any test that
  does not pass every time is flaky.
- **type-check**: the reference solution passes ``npm run check`` (tsc).
- **violations**: each labeled violation in ``tasks/<id>/violations/`` fails exactly the rules it lists.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from evals.fixture import PreparedFixture
from evals.sandbox.provider import AlloySandboxConfig, prepared_templates
from evals.task_spec import HIDDEN_TESTS_DIR, TaskSpec
from scorers.alloy_scorer import grade, grade_in_sandbox
from scorers.changes import ChangeSet
from scorers.corpus import CorpusCase, changes_from_patch, load_corpus, mismatches, run_case
from scorers.grading import apply_changes, run_grading
from scorers.test_outcome import TestOutcome, outcome

RERUNS = 2
CHECK_TIMEOUT = 300


@dataclass
class TaskCheck:
    task_id: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def _hidden_files(spec: TaskSpec) -> list[str]:
    return [f for f in spec.tests.files() if f.startswith(HIDDEN_TESTS_DIR + "/")]


async def _hidden_outcome(
    spec: TaskSpec, prepared: PreparedFixture, golden: Path, config: AlloySandboxConfig, changes: ChangeSet
) -> TestOutcome:
    """The task's own hidden test files, graded in a fresh sandbox with ``changes`` applied."""
    instance = await config.start_instance(prepared, golden)
    try:
        grading, _ = await run_grading(instance, spec, changes, files=_hidden_files(spec))
    finally:
        await instance.close()
    return outcome(spec.tests, grading.tests)


BUILD_INFO = "/tmp/.alloy-grading/tsbuildinfo"


async def base_build_info(prepared: PreparedFixture, golden: Path, config: AlloySandboxConfig) -> bytes:
    """tsc's incremental build info for the unchanged fixture, made where the type-checks will use it, so
    that each reference solution is checked incrementally (about half the work of a full check)."""
    instance = await config.start_instance(prepared, golden)
    try:
        await instance.session.exec(_TSC, timeout=CHECK_TIMEOUT)
        try:
            return await instance.session.read(BUILD_INFO)
        except Exception:  # no build info: every check runs in full (slower, same verdicts)
            return b""
    finally:
        await instance.close()


_TSC = ["node_modules/.bin/tsc", "--noEmit", "--pretty", "false", "--incremental", "--tsBuildInfoFile", BUILD_INFO]


async def _type_check(
    prepared: PreparedFixture, golden: Path, config: AlloySandboxConfig, changes: ChangeSet, build_info: bytes
) -> str:
    instance = await config.start_instance(prepared, golden)
    try:
        await apply_changes(instance, changes)
        if build_info:
            await instance.session.write(BUILD_INFO, build_info)
        out = await instance.session.exec(_TSC, timeout=CHECK_TIMEOUT)
    finally:
        await instance.close()
    return "" if out.returncode == 0 else (out.stdout + out.stderr).decode(errors="replace")[-1500:]


async def validate_task(
    spec: TaskSpec, config: AlloySandboxConfig, build_info: bytes = b"", corpus: list[CorpusCase] | None = None
) -> TaskCheck:
    """Every check of one task: the sandbox runs (oracle, no-op, reruns, type-check), then its violations."""
    check = await sandbox_checks(spec, config, build_info)
    return await violation_checks(spec, config, check, corpus)


async def sandbox_checks(spec: TaskSpec, config: AlloySandboxConfig, build_info: bytes = b"") -> TaskCheck:
    """The oracle graded in full, the no-op run, the reference reruns and the type-check."""
    started = time.monotonic()
    check = TaskCheck(spec.id)
    prepared, golden = await prepared_templates(config)
    reference = changes_from_patch(spec.solution_patch.read_text(), prepared.app_dir, prepared.version)

    phases: dict[str, float] = {}
    mark = time.monotonic()
    grading, probes = await grade_in_sandbox(spec, prepared, golden, config, reference)
    tests = outcome(spec.tests, grading.tests)
    report = spec.solution_report.read_text()
    values, metadata, _ = await asyncio.to_thread(grade, spec, prepared, reference, [], report, tests, probes)
    if values["strict_success"] != 1:
        failing = [
            f"{r}: {'; '.join(v['evidence'][:2])}" for r, v in metadata["rules"].items() if v["verdict"] == "fail"
        ]
        failing += [f"unscored {r}" for r, v in metadata["rules"].items() if v["verdict"] == "unscored"]
        check.problems.append(
            f"oracle: resolved {values['resolved']}, compliant {values['compliant']}, report_complete "
            f"{values['report_complete']}: "
            + "; ".join([*tests.failures()[:5], *failing, *metadata["report"]["evidence"][:5]])
        )

    phases["oracle"], mark = time.monotonic() - mark, time.monotonic()
    base = await _hidden_outcome(spec, prepared, golden, config, ChangeSet(fixture_version=prepared.version))
    passing_on_base = sorted(t for t, s in base.fail_to_pass.items() if s == "pass")
    if passing_on_base:
        check.problems.append(f"no-op: fail-to-pass tests pass on the unchanged fixture: {passing_on_base}")

    phases["no-op"], mark = time.monotonic() - mark, time.monotonic()
    runs = await asyncio.gather(
        *(_hidden_outcome(spec, prepared, golden, config, reference) for _ in range(RERUNS)),
        _type_check(prepared, golden, config, reference, build_info),
    )
    first = {**tests.fail_to_pass, **tests.pass_to_pass}
    seen: dict[str, set[bool]] = {t: {s == "pass"} for t, s in first.items() if t.startswith(HIDDEN_TESTS_DIR)}
    for rerun in runs[:RERUNS]:
        for test_id, status in {**rerun.fail_to_pass, **rerun.pass_to_pass}.items():  # type: ignore[union-attr]
            seen.setdefault(test_id, set()).add(status == "pass")
    flaky = sorted(t for t, outcomes in seen.items() if len(outcomes) > 1)
    if flaky:
        check.problems.append(f"flaky on the reference (passed in some runs, not in others): {flaky}")
    if runs[-1]:
        check.problems.append(f"reference does not type-check: {runs[-1]}")

    phases["reruns+check"] = time.monotonic() - mark
    check.notes.append(f"{len(tests.fail_to_pass)} f2p, {len(tests.pass_to_pass)} p2p, {1 + RERUNS} reference runs")
    check.notes.append(", ".join(f"{k} {v:.1f}s" for k, v in phases.items()))
    check.seconds = time.monotonic() - started
    return check


async def violation_checks(
    spec: TaskSpec, config: AlloySandboxConfig, check: TaskCheck, corpus: list[CorpusCase] | None = None
) -> TaskCheck:
    """Each labeled violation flagged on exactly its rules (static checks: no sandbox needed)."""
    mark = time.monotonic()
    prepared, _ = await prepared_templates(config)
    violations = [c for c in (corpus if corpus is not None else load_corpus()) if c.task == spec.id and c.on_reference]
    if not violations:
        check.problems.append("no labeled violation in violations/")
    for case in violations:
        problems = mismatches(case, await asyncio.to_thread(run_case, case, prepared.app_dir))
        check.problems += [f"violation {case.id}: {p}" for p in problems]
    spent = time.monotonic() - mark
    check.notes.append(f"{len(violations)} violation(s) {spent:.1f}s")
    check.seconds += spent
    return check


async def validate_tasks(specs: list[TaskSpec], config: AlloySandboxConfig, concurrency: int = 2) -> list[TaskCheck]:
    gate = asyncio.Semaphore(concurrency)
    prepared, golden = await prepared_templates(config)
    build_info = await base_build_info(prepared, golden, config)
    corpus = await asyncio.to_thread(load_corpus)

    async def one(spec: TaskSpec) -> TaskCheck:
        try:
            async with gate:  # the sandbox runs are what the machine's cores bound
                check = await sandbox_checks(spec, config, build_info)
            return await violation_checks(spec, config, check, corpus)
        except Exception as error:  # one broken task must not hide the others' results
            return TaskCheck(spec.id, problems=[f"validation crashed: {error!r}"])

    return await asyncio.gather(*(one(spec) for spec in specs))


def render_checks(checks: list[TaskCheck], wall: float) -> str:
    lines = []
    for c in checks:
        lines.append(f"{c.task_id:<32} {'ok' if c.ok else 'FAIL':<5} {c.seconds:6.1f}s  {'; '.join(c.notes)}")
        lines += [f"    - {p}" for p in c.problems]
    failed = sum(not c.ok for c in checks)
    lines.append(f"{len(checks)} task(s), {failed} failed, {wall:.0f}s wall")
    return "\n".join(lines) + "\n"
