"""What the agent changed: the final workspace compared with the prepared fixture, file by file.

Captured on the host after every process of the sample's sandbox has been ended, so nothing can race
the capture; symlinks are recorded, never followed. The change set is stored in the sample (so that
``inspect score`` can re-grade from the log) and replayed into a fresh grading workspace.
"""

from __future__ import annotations

import base64
import difflib
import filecmp
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

EXCLUDED_TOP = {"node_modules", ".git", "dist"}
"""Top-level entries that are never part of the change (installed, generated, or version control)."""
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024


class FileChange(BaseModel):
    path: str
    status: Literal["added", "modified", "deleted"]
    kind: Literal["file", "symlink"] = "file"
    content: str | None = None
    """New content (utf-8 text, or base64 when ``encoding`` says so); the link target for a symlink."""
    encoding: Literal["utf-8", "base64"] = "utf-8"
    executable: bool = False
    omitted: bool = False
    """True when the file was too large to keep; its content is then missing."""

    def data(self) -> bytes | None:
        if self.content is None:
            return None
        return base64.b64decode(self.content) if self.encoding == "base64" else self.content.encode()

    def text(self) -> str | None:
        data = self.data()
        return None if data is None else data.decode("utf-8", errors="replace")


class ChangeSet(BaseModel):
    fixture_version: str
    changes: list[FileChange] = Field(default_factory=list)
    installed: list[str] = Field(default_factory=list)
    """Entries of ``node_modules`` the agent changed in place (never replayed; reported as tampering)."""

    def paths(self) -> list[str]:
        return [change.path for change in self.changes]

    def get(self, path: str) -> FileChange | None:
        return next((change for change in self.changes if change.path == path), None)


def _walk(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in EXCLUDED_TOP]
        kept = []
        for name in dirnames:
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                filenames.append(name)  # a symlink to a directory is a change, not a tree to enter
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel_dir == "." and name in EXCLUDED_TOP:
                continue
            yield rel, os.lstat(os.path.join(dirpath, name))


MAX_INSTALLED_REPORTED = 50
GENERATED = ("node_modules/typescript/tsbuildinfo", "node_modules/.cache", "node_modules/.vite")
"""Written under ``node_modules`` by the fixture's own scripts (``npm run check``'s build info, tool caches)."""


def _signature(st: os.stat_result) -> tuple[int, int, int]:
    if stat.S_ISDIR(st.st_mode):  # a directory's size and time move with its entries, which are listed anyway
        return stat.S_IFDIR, 0, 0
    return stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns


def node_modules_entries(root: Path) -> dict[str, object]:
    """``node_modules/...`` path -> its signature (type, size, modification time; nothing for a directory)."""
    found: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root / "node_modules", followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            found[os.path.relpath(full, root)] = _signature(os.lstat(full))
    return found


def installed_diff(before: dict[str, object], after: dict[str, object]) -> list[str]:
    """Paths under ``node_modules`` whose signature differs (added, changed or removed), except what the
    fixture's own scripts write (``GENERATED``); the first ``MAX_INSTALLED_REPORTED``."""
    changed = sorted(
        rel
        for rel in before.keys() | after.keys()
        if before.get(rel) != after.get(rel) and not any(rel == g or rel.startswith(g + "/") for g in GENERATED)
    )
    return changed[:MAX_INSTALLED_REPORTED]


def installed_changes(template: Path, workspace: Path) -> list[str]:
    """What the agent changed in place under ``node_modules``; ``npm install`` shows up here too."""
    return installed_diff(node_modules_entries(template), node_modules_entries(workspace))


def _read(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _file_change(rel: str, status: Literal["added", "modified"], data: bytes, st: os.stat_result) -> FileChange:
    executable = bool(st.st_mode & stat.S_IXUSR)
    if len(data) > MAX_FILE_BYTES:
        return FileChange(path=rel, status=status, omitted=True, executable=executable)
    try:
        return FileChange(path=rel, status=status, content=data.decode("utf-8"), executable=executable)
    except UnicodeDecodeError:
        return FileChange(
            path=rel, status=status, content=base64.b64encode(data).decode(), encoding="base64", executable=executable
        )


def capture(template: Path, workspace: Path, fixture_version: str, installed: list[str] | None = None) -> ChangeSet:
    """Compares ``workspace`` with ``template``. Call only when nothing runs in the workspace any more.
    ``installed``: the changes under ``node_modules`` when they were found elsewhere (in a container)."""
    before = dict(_walk(template))
    after = dict(_walk(workspace))
    changes: list[FileChange] = []
    total = 0
    for rel in sorted(after):
        st = after[rel]
        full = workspace / rel
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(full)
            old = before.get(rel)
            if old is None or not stat.S_ISLNK(old.st_mode) or os.readlink(template / rel) != target:
                changes.append(
                    FileChange(path=rel, status="modified" if old else "added", kind="symlink", content=target)
                )
            continue
        if not stat.S_ISREG(st.st_mode):
            continue  # sockets, fifos, devices: not source
        old = before.get(rel)
        if st.st_size > MAX_FILE_BYTES:  # never read a huge file whole
            same = old is not None and stat.S_ISREG(old.st_mode) and old.st_size == st.st_size
            if not (same and filecmp.cmp(template / rel, full, shallow=False)):
                changes.append(FileChange(path=rel, status="modified" if old else "added", omitted=True))
            continue
        data = _read(full)
        if (
            old is not None
            and stat.S_ISREG(old.st_mode)
            and old.st_size == st.st_size
            and _read(template / rel) == data
        ):
            continue
        total += len(data)
        change = _file_change(rel, "modified" if old is not None else "added", data, st)
        if total > MAX_TOTAL_BYTES:
            change = change.model_copy(update={"content": None, "omitted": True})
        changes.append(change)
    for rel in sorted(set(before) - set(after)):
        changes.append(FileChange(path=rel, status="deleted"))
    if installed is None:
        installed = installed_changes(template, workspace)
    return ChangeSet(fixture_version=fixture_version, changes=changes, installed=installed)


def unified_diff(changes: ChangeSet, template: Path, max_chars: int = 200_000) -> str:
    """A readable unified diff of the text changes (for evidence and the log viewer)."""
    parts: list[str] = []
    for change in changes.changes:
        old_path = template / change.path
        old = old_path.read_text(errors="replace") if change.status != "added" and old_path.is_file() else ""
        if change.kind == "symlink":
            parts.append(f"symlink {change.path} -> {change.content}\n")
            continue
        if change.omitted or change.encoding == "base64":
            parts.append(f"binary or large file {change.status}: {change.path}\n")
            continue
        new = change.text() or ""
        parts.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile="/dev/null" if change.status == "added" else f"a/{change.path}",
                tofile="/dev/null" if change.status == "deleted" else f"b/{change.path}",
            )
        )
    text = "".join(parts)
    return text if len(text) <= max_chars else text[:max_chars] + "\n... (diff truncated)\n"
