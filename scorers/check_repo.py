"""``alloy-bench check``: the static, path and transcript-free rules on any git checkout's diff.

The change set is the working tree (tracked and untracked, not ignored) against ``base`` (default
``HEAD``); the base versions of the changed files are materialised in a temporary directory so that each
rule can tell the agent's lines from pre-existing ones. Without a task, rules that need one (the public
routes of ``auth-required``) are not applicable; in a repository without the fixture's layout
(``server/`` and ``shared/schema.ts``) the path rules are not applicable either.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from evals.errors import SetupError
from evals.fixture import git
from scorers.changes import ChangeSet, FileChange
from scorers.rules import RuleResult, evaluate, not_applicable
from scorers.rules.context import RuleContext

PATH_RULES = ("folder-ownership", "no-client-edits", "no-integration-edits")


def _status(code: str) -> str:
    return {"A": "added", "D": "deleted"}.get(code[:1], "modified")


def repo_changes(repo: Path, base: str) -> tuple[ChangeSet, dict[str, bytes]]:
    """(change set of the working tree against ``base``, base contents of the changed files)."""
    if git(["rev-parse", "--git-dir"], repo).returncode != 0:
        raise SetupError(f"{repo} is not a git checkout")
    if git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], repo).returncode != 0:
        raise SetupError(f"{base!r} is not a commit in {repo}")
    entries: dict[str, str] = {}
    listed = git(["diff", "--name-status", "--no-renames", "-z", base], repo, check=True).stdout.split("\0")
    for code, path in zip(listed[0::2], listed[1::2], strict=False):
        if path:
            entries[path] = _status(code)
    for path in git(["ls-files", "--others", "--exclude-standard", "-z"], repo, check=True).stdout.split("\0"):
        if path:
            entries[path] = "added"
    changes, before = [], {}
    for path, status in sorted(entries.items()):
        if status != "added":
            shown = git(["show", f"{base}:{path}"], repo)
            before[path] = shown.stdout.encode() if shown.returncode == 0 else b""
        if status == "deleted":
            changes.append(FileChange(path=path, status="deleted"))
            continue
        file = repo / path
        if file.is_symlink():
            changes.append(FileChange(path=path, status=status, kind="symlink", content=str(file.readlink())))  # type: ignore[arg-type]
            continue
        try:
            content = file.read_text()
        except UnicodeDecodeError:
            continue  # binary files carry no code the rules read
        changes.append(FileChange(path=path, status=status, content=content))  # type: ignore[arg-type]
    return ChangeSet(fixture_version=f"git:{base}", changes=changes), before


def fixture_layout(repo: Path) -> bool:
    return (repo / "server").is_dir() and (repo / "shared" / "schema.ts").is_file()


def check_repo(repo: Path, base: str = "HEAD") -> dict[str, RuleResult]:
    """Every rule's verdict on the repository's diff against ``base``."""
    changes, before = repo_changes(repo, base)
    with tempfile.TemporaryDirectory(prefix="alloy-check-") as tmp:
        template = Path(tmp)
        for path, data in before.items():
            (template / path).parent.mkdir(parents=True, exist_ok=True)
            (template / path).write_bytes(data)
        results = evaluate(RuleContext(changes=changes, template=template))
    if not fixture_layout(repo):
        for rule_id in PATH_RULES:
            results[rule_id] = not_applicable(rule_id, "the repository does not have the fixture's layout")
    return results


def as_json(results: dict[str, RuleResult]) -> dict[str, dict[str, dict[str, object]]]:
    return {"rules": {rule: {"verdict": r.verdict, "evidence": r.evidence} for rule, r in sorted(results.items())}}


def as_text(results: dict[str, RuleResult]) -> str:
    lines = []
    for rule_id, result in sorted(results.items()):
        lines.append(f"{result.verdict:<15} {rule_id}")
        if result.verdict in ("fail", "unscored"):
            lines += [f"                  {line}" for line in result.evidence]
    return "\n".join(lines) + "\n"
