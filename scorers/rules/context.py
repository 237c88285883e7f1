"""What a rule check sees: the task, the agent's change set against the fixture, and the transcript."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.model import ChatMessage

from evals.task_spec import TaskSpec
from scorers.changes import ChangeSet, FileChange
from scorers.probes import ProbeReport


@dataclass
class RuleContext:
    changes: ChangeSet
    template: Path
    """The prepared fixture's app directory (the base every change is compared with)."""
    spec: TaskSpec | None = None
    messages: list[ChatMessage] = field(default_factory=list)
    probes: ProbeReport | None = None
    """The live probes' report when the grader ran them (None: static and transcript checks only)."""
    base_routes: list[dict[str, Any]] = field(default_factory=list)
    _lines: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)

    def before(self, path: str) -> str | None:
        file = self.template / path
        return file.read_text(errors="replace") if file.is_file() else None

    def after(self, change: FileChange) -> str | None:
        return None if change.status == "deleted" or change.kind == "symlink" else change.text()

    def changed_files(self, suffixes: tuple[str, ...] = (".ts", ".tsx")) -> list[FileChange]:
        """Added or modified source files with one of ``suffixes`` (deleted files have no new code)."""
        return [
            c
            for c in self.changes.changes
            if c.status != "deleted" and c.kind == "file" and not c.omitted and c.path.endswith(suffixes)
        ]

    def changed_lines(self, path: str) -> frozenset[int]:
        """1-based numbers of the lines of the new file that the agent added or changed."""
        if path not in self._lines:
            self._lines[path] = self._diff_lines(path)
        return self._lines[path]

    def _diff_lines(self, path: str) -> frozenset[int]:
        change = self.changes.get(path)
        new = (self.after(change) or "") if change else ""
        old = self.before(path) or ""
        new_lines, old_lines = new.splitlines(), old.splitlines()
        if change is not None and change.status == "added":
            return frozenset(range(1, len(new_lines) + 1))
        lines: set[int] = set()
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "insert"):
                lines.update(range(j1 + 1, j2 + 1))
        return frozenset(lines)
