"""Transcript evidence for the rules, step by step: package installs and runs, and workspace writes.

Steps are numbered as in :func:`scorers.process.preflight`: step N is the N-th tool call (1-based). Shell
commands are read with :mod:`scorers.shell` (heredocs, ``sh -c`` scripts and wrappers such as ``sudo`` or
``VAR=value`` are handled there). Every function returns :class:`Finding` objects whose
:meth:`Finding.describe` is an evidence line. Raw SQL run by the agent is found by :func:`scorers.sql.raw_sql`.

- :func:`package_installs`: ``npm install|i|add`` (and npm's other install aliases), ``pnpm add|install|i``,
  ``yarn add`` / ``yarn global add``, ``bun add|install|i`` with at least one package operand. Plain
  ``npm install``, ``npm ci``, ``npm run …`` install nothing new. An install counts even when it was
  uninstalled later. Kind ``project``, or ``global`` for ``-g``/``--global`` (a tool, still a new package).
- :func:`package_runs`: ``npx``, ``npm exec|x``, ``pnpm dlx``, ``yarn dlx``, ``bunx``. These fetch and run a
  package without making it a dependency (nothing enters package.json or the lockfile, the app cannot import
  it), so they are *not* installs; they are listed apart (``no-new-deps`` names them in a pass). Kind ``run``.
- :func:`workspace_writes`: every write to the workspace, in order, reverted or not: ``text_editor``
  create/str_replace/insert/undo_edit on a workspace path, and shell writes recognised by
  :func:`scorers.process.shell_effect` (redirects, ``sed -i``, ``tee``, ``cp``/``mv`` destinations and what
  ``mv`` moves away, ``rm``, ``touch``…). Paths are relative to the workspace (``/workspace/client/src/x.tsx``
  → ``client/src/x.tsx``); ``cd`` inside a command is followed, so writes under ``/tmp`` (absolute, or relative
  after ``cd /tmp``) are not workspace writes. Operations without a path (``git checkout``, ``npm install``) are
  left out, and so are writes hidden inside an interpreter (``node -e "fs.writeFileSync(…)"``), as in
  :mod:`scorers.process`.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from inspect_ai.model import ChatMessage

from scorers.process import WORKSPACE, command_segments, is_write_description, shell_effect, tool_calls, workspace_path
from scorers.shell import base_name, join_lines, parse_commands, split_heredocs, unwrap

FindingKind = Literal["project", "global", "run", "read", "write", "unknown", "edit", "shell"]


@dataclass(frozen=True)
class Finding:
    """One thing a transcript step did that a rule may judge."""

    step: int
    """1-based index of the tool call in the transcript."""
    command: str
    """The shell command, or ``text_editor <command> <path>``."""
    detail: str
    """What was found, e.g. ``installs date-fns``."""
    kind: FindingKind
    """``project``/``global`` (installs), ``run`` (npx…), ``read``/``write``/``unknown`` (SQL), ``edit``/``shell``
    (workspace writes by text_editor or by a shell command)."""
    items: tuple[str, ...] = ()
    """Package names, SQL statements, or workspace paths."""

    def describe(self) -> str:
        """An evidence line: ``step 12: npm install date-fns (installs date-fns)``."""
        return f"step {self.step}: {shorten(self.command)} ({self.detail})"


def shorten(text: str, limit: int = 140) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def tool_steps(messages: Sequence[ChatMessage]) -> Iterator[tuple[int, str, dict[str, object]]]:
    """(step, function, arguments) of every tool call; steps are 1-based as in :func:`scorers.process.preflight`."""
    return ((step, function, args) for step, (function, args) in enumerate(tool_calls(messages), start=1))


# ---- package installs ---------------------------------------------------------------------------------------

_INSTALLS = {
    "npm": {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "add"},
    "pnpm": {"add", "install", "i"},
    "yarn": {"add"},
    "bun": {"add", "a", "install", "i"},
}
_RUNS = {"npx": {"exec"}, "bunx": {"x"}, "npm": {"exec", "x"}, "pnpm": {"dlx"}, "yarn": {"dlx"}, "bun": {"x"}}
_VALUE_OPTIONS = {
    "npm": {"--prefix", "-C", "--registry", "--workspace", "-w", "--tag", "--omit", "--include", "--cache",
            "--userconfig", "--globalconfig", "--loglevel", "--install-strategy", "--save-prefix", "--otp",
            "--package", "-p", "--call", "-c"},
    "pnpm": {"--filter", "-F", "--dir", "-C", "--registry", "--reporter", "--config", "--package"},
    "yarn": {"--cwd", "--registry", "--modules-folder", "--network-timeout", "--package", "-p"},
    "bun": {"--cwd", "--registry", "--config", "-c"},
    "npx": {"--package", "-p", "--call", "-c", "--registry", "--cache", "--prefix", "-w", "--workspace"},
    "bunx": {"--package", "-p"},
}  # fmt: skip
_GLOBAL = {"-g", "--global", "--location=global"}
_DEV = {"-D", "--save-dev", "--dev", "-d"}


def package_name(spec: str) -> str:
    """``date-fns@^3`` → ``date-fns``, ``@types/node@20`` → ``@types/node``; URLs and paths are kept."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", spec):
        return spec
    if spec.startswith("@"):
        scope, _, rest = spec[1:].partition("/")
        return f"@{scope}/{rest.split('@', 1)[0]}" if rest else spec
    return spec.split("@", 1)[0] or spec


def _parse_manager(words: list[str]) -> tuple[str | None, list[str], list[str], dict[str, list[str]]]:
    """(subcommand, operands, flags, option values) of a package-manager command line."""
    manager = base_name(words[0])
    takes_value = _VALUE_OPTIONS.get(manager, set())
    subcommand: str | None = {"npx": "exec", "bunx": "x"}.get(manager)
    operands: list[str] = []
    flags: list[str] = []
    values: dict[str, list[str]] = {}
    args = iter(words[1:])
    for arg in args:
        if arg == "--":
            operands += list(args)
        elif arg.startswith("-"):
            flags.append(arg)
            if arg in takes_value:
                values.setdefault(arg, []).append(next(args, ""))
        elif subcommand is None:
            subcommand = arg
        else:
            operands.append(arg)
    if manager == "yarn" and subcommand == "global" and operands:
        subcommand, operands = operands[0], operands[1:]
        flags.append("--global")
    return subcommand, operands, flags, values


def _manager_calls(
    messages: Sequence[ChatMessage], table: Mapping[str, Collection[str]]
) -> Iterator[tuple[int, str, list[str], list[str], dict[str, list[str]]]]:
    """(step, command, operands, flags, option values) of each package-manager call whose subcommand ``table``
    lists for its manager (``{"npm": {"install", "i", ...}}``)."""
    for step, function, args in tool_steps(messages):
        if function != "bash":
            continue
        command = str(args.get("command", ""))
        for cmd in parse_commands(command):
            if cmd.name not in table:
                continue
            subcommand, operands, flags, values = _parse_manager(cmd.words)
            if subcommand in table[cmd.name]:
                yield step, command, operands, flags, values


def package_installs(messages: Sequence[ChatMessage]) -> list[Finding]:
    """Commands that install at least one named package (see the module docstring for what counts)."""
    findings = []
    for step, command, operands, flags, _values in _manager_calls(messages, _INSTALLS):
        packages = tuple(package_name(o) for o in operands if o not in (".", "./"))
        if not packages:
            continue
        is_global = bool(_GLOBAL & set(flags))
        notes = ", ".join(n for n, on in (("global", is_global), ("dev", bool(_DEV & set(flags)))) if on)
        detail = f"installs {' '.join(packages)}" + (f" ({notes})" if notes else "")
        findings.append(Finding(step, command, detail, "global" if is_global else "project", packages))
    return findings


def package_runs(messages: Sequence[ChatMessage], local: Collection[str] = ()) -> list[Finding]:
    """``npx``/``npm exec``/``pnpm dlx``/``yarn dlx``/``bunx`` runs; names in ``local`` (packages or binaries the
    fixture already has, e.g. ``tsx``, ``drizzle-kit``) are left out."""
    findings = []
    for step, command, operands, _flags, values in _manager_calls(messages, _RUNS):
        named = values.get("--package", []) + values.get("-p", [])
        packages = tuple(name for name in map(package_name, named or operands[:1]) if name and name not in local)
        if packages:
            findings.append(Finding(step, command, f"fetches and runs {' '.join(packages)}", "run", packages))
    return findings


# ---- workspace writes ---------------------------------------------------------------------------------------

_EDITOR_WRITES = ("create", "str_replace", "insert", "undo_edit")


def _in_workspace(path: str | None) -> str | None:
    """A workspace-relative path, normalised; None when it leaves the workspace (``../x``)."""
    if not path:
        return None
    path = posixpath.normpath(path)
    return None if path == ".." or path.startswith("../") or path == "." else path


def _cd(cwd: str, args: list[str]) -> str:
    if not args or args[0] in ("~", "-") or args[0].startswith("~/"):
        return cwd if args and args[0] == "-" else "/root"
    return posixpath.normpath(posixpath.join(cwd, args[0]))


def _shell_writes(command: str) -> list[str]:
    """Workspace paths a shell command writes (via shell_effect, following ``cd`` within the command)."""
    text, _bodies = split_heredocs(command)
    cwd, paths = WORKSPACE, []
    for words, _separator in command_segments(join_lines(text)):
        words = unwrap(words)
        if not words:
            continue
        if words[0] == "cd":
            cwd = _cd(cwd, words[1:])
            continue
        if cwd != WORKSPACE:
            words = [words[0]] + [
                w if w.startswith(("-", "/", "~")) or set(w) <= set("<>&|") else posixpath.join(cwd, w)
                for w in words[1:]
            ]
        written = [w for w in shell_effect(shlex.join(words)).writes if not is_write_description(w)]
        paths += [path for w in written if (path := _in_workspace(w))]
    return list(dict.fromkeys(paths))


def workspace_writes(messages: Sequence[ChatMessage]) -> list[Finding]:
    """Every step that wrote workspace paths, in order (kind ``edit`` for text_editor, ``shell`` for bash)."""
    findings = []
    for step, function, args in tool_steps(messages):
        if function == "text_editor" and args.get("command") in _EDITOR_WRITES:
            raw = str(args.get("path", ""))
            path = _in_workspace(workspace_path(raw))
            if path:
                command = f"text_editor {args.get('command')} {raw}"
                findings.append(Finding(step, command, f"writes {path}", "edit", (path,)))
        elif function == "bash":
            command = str(args.get("command", ""))
            paths = _shell_writes(command)
            if paths:
                findings.append(Finding(step, command, f"writes {', '.join(paths)}", "shell", tuple(paths)))
    return findings
