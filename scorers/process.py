"""Process: did the agent do the prompt's pre-flight reads before its first edit?

The transcript's tool calls are read in order. A file counts as read when ``text_editor`` views it or a
shell command prints it (``cat``, ``head``, ``tail``, ``less``, ``more``, ``nl``, ``bat``, ``sed -n``, ``awk``).
The first edit is the first ``text_editor`` create / str_replace / insert / undo_edit in the workspace,
or the first shell command that writes there (a redirect, ``sed -i``, ``tee``, the destination of
``cp``/``mv``/``ln`` and what ``mv`` moves away, ``rm``/``touch``, ``git apply``/``checkout``/``reset``/``restore``,
``patch``, ``npm install``). Copying a workspace file out (``cp server/x.ts /tmp/``) only reads it. Commands are
split with ``shlex``; an edit hidden inside an interpreter (``node -e``, ``python -c``) is not recognised.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from inspect_ai.model import ChatMessage, ChatMessageAssistant

PREFLIGHT_FILES = (
    "PROJECT_STANDARDS.md",
    "DEVELOPMENT_MANIFEST.md",
    "server/index.ts",
    "server/routes.ts",
    "server/db.ts",
    "shared/schema.ts",
    ".env",
)
WORKSPACE = "/workspace"
_READERS = {"cat", "head", "tail", "less", "more", "nl", "bat", "batcat", "tac", "view"}
_SCRIPTED_READERS = {"sed", "awk"}  # first operand is the script
_WRITERS = {"rm", "touch", "tee", "patch", "truncate", "dd"}
_COPIERS = {"mv", "cp", "install", "ln"}
_GIT_WRITES = {"apply", "checkout", "reset", "restore", "stash", "am", "merge", "rebase", "cherry-pick", "switch"}
_NPM_WRITES = {"install", "i", "add", "uninstall", "remove", "rm", "update", "ci"}
_SEPARATORS = {";", "&&", "||", "|", "&", "|&", "\n", "(", ")"}
_REDIRECTS = {">", ">>", "&>", ">|", "1>", "2>", "&>>"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def workspace_path(path: str) -> str | None:
    """``/workspace/a/b`` or ``a/b`` → ``a/b``; None for paths outside the workspace (``/tmp/x``)."""
    path = path.strip()
    if path.startswith(WORKSPACE + "/"):
        path = path[len(WORKSPACE) + 1 :]
    elif path.startswith("/") or path.startswith("~"):
        return None
    while path.startswith("./"):
        path = path[2:]
    return path or None


def command_segments(command: str) -> Iterator[tuple[list[str], str]]:
    """Each simple command's words with the separator that ends it (``|``, ``&&``, ``;``…; "" at the end)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    current: list[str] = []
    try:
        for token in lexer:
            if token in _SEPARATORS:
                if current:
                    yield current, token
                current = []
            else:
                current.append(token)
    except ValueError:  # unbalanced quotes: judge what was read so far
        pass
    if current:
        yield current, ""


def _simple_commands(command: str) -> Iterator[list[str]]:
    for words, _separator in command_segments(command):
        yield words


def _operands(args: Sequence[str]) -> list[str]:
    """Non-option arguments of head/tail/cat-like commands (``-n 20`` and ``-c 5`` take a value)."""
    out, skip = [], False
    for word in args:
        if skip:
            skip = False
        elif word in ("-n", "-c", "--lines", "--bytes"):
            skip = True
        elif not word.startswith("-") or word == "-":
            out.append(word)
    return out


def _script_files(args: Sequence[str]) -> list[str]:
    """File operands of sed/awk: the first non-option is the script unless ``-e``/``-f`` gave one."""
    files, script_given, skip = [], False, False
    for word in args:
        if skip:
            skip = False
        elif word in ("-e", "-f", "--expression", "--file"):
            script_given, skip = True, True
        elif word.startswith("-") and word != "-":
            continue
        elif not script_given:
            script_given = True
        else:
            files.append(word)
    return files


def _copy_writes(name: str, operands: list[str]) -> list[str]:
    """Workspace paths a ``cp``/``mv``/``ln``/``install`` writes: its destination (the last operand; when that
    ends with ``/`` or follows several sources it is a directory, and the sources' names inside it are
    written), and for ``mv`` also its sources, which it removes. A source copied out of the workspace
    (``cp server/x.ts /tmp/``) is read, not written."""
    if len(operands) < 2:
        written = operands
    else:
        *sources, target = operands
        if name != "install" and (target.endswith("/") or len(sources) > 1):
            written = [posixpath.join(target, posixpath.basename(source.rstrip("/"))) for source in sources]
        else:
            written = [target]
        if name == "mv":
            written = sources + written
    return [p for w in written if (p := workspace_path(w))]


@dataclass
class ShellEffect:
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    """What the command changes in the workspace (paths, or a description such as 'git apply')."""


def shell_effect(command: str) -> ShellEffect:
    """Which workspace files a shell command reads and whether (and what) it writes."""
    effect = ShellEffect()
    for words in _simple_commands(command):
        while words and _ASSIGNMENT.match(words[0]):  # FOO=bar cmd ...
            words = words[1:]
        redirected = []
        plain: list[str] = []
        iterator = iter(range(len(words)))
        for i in iterator:
            if words[i] in _REDIRECTS and i + 1 < len(words):
                redirected.append(words[i + 1])
                next(iterator, None)
            elif words[i] in ("<", "<<", "<<<"):
                next(iterator, None)
            else:
                plain.append(words[i])
        effect.writes += [p for target in redirected if (p := workspace_path(target)) and not p.startswith("/dev")]
        if not plain:
            continue
        name, args = plain[0].rsplit("/", 1)[-1], plain[1:]
        if name in ("sudo", "command", "exec", "time", "nohup"):
            name, args = (args[0].rsplit("/", 1)[-1], args[1:]) if args else (name, [])
        if name in _READERS:
            effect.reads += [p for a in _operands(args) if (p := workspace_path(a))]
        elif name in _SCRIPTED_READERS:
            files = [p for a in _script_files(args) if (p := workspace_path(a))]
            if any(a.startswith("-i") or a.startswith("--in-place") for a in args):
                effect.writes += files or [f"{name} -i"]
            else:
                effect.reads += files
        elif name in _COPIERS:
            effect.writes += _copy_writes(name, _operands(args))
        elif name in _WRITERS:
            effect.writes += [p for a in _operands(args) if (p := workspace_path(a))]
        elif name == "git" and args and args[0] in _GIT_WRITES:
            effect.writes.append(f"git {args[0]}")
        elif name in ("npm", "pnpm", "yarn") and args and args[0] in _NPM_WRITES:
            effect.writes.append(f"{name} {args[0]}")
    return effect


def is_write_description(write: str) -> bool:
    """Whether an entry of :attr:`ShellEffect.writes` names an operation ('git apply', 'npm install',
    'sed -i') rather than a workspace path."""
    name, _, rest = write.partition(" ")
    if name == "git":
        return rest in _GIT_WRITES
    if name in ("npm", "pnpm", "yarn"):
        return rest in _NPM_WRITES
    return name in _SCRIPTED_READERS and rest == "-i"


@dataclass
class Preflight:
    read_at: dict[str, int | None]
    """Pre-flight file -> the step (1-based tool call) that first read it, or None."""
    first_edit: tuple[int, str] | None
    """(step, what) of the first workspace edit, or None when the agent never edited."""

    @property
    def read_before_edit(self) -> dict[str, bool]:
        limit = self.first_edit[0] if self.first_edit else None
        return {f: step is not None and (limit is None or step < limit) for f, step in self.read_at.items()}

    @property
    def passed(self) -> bool:
        return all(self.read_before_edit.values())

    @property
    def fraction(self) -> float:
        """Partial credit: the share of the seven files read before the first edit."""
        return sum(self.read_before_edit.values()) / len(self.read_at)

    @property
    def order(self) -> list[str]:
        """The pre-flight files that were read, in the order of their first reading."""
        read = [(step, f) for f, step in self.read_at.items() if step is not None]
        return [f for _, f in sorted(read, key=lambda pair: pair[0])]

    def evidence(self) -> list[str]:
        late = self.first_edit[0] if self.first_edit else None
        lines = []
        for f, step in self.read_at.items():
            if step is None:
                lines.append(f"{f}: never read")
            else:
                after = " (after the first edit)" if late is not None and step >= late else ""
                lines.append(f"{f}: read at step {step}{after}")
        lines.append(f"first edit at step {self.first_edit[0]}: {self.first_edit[1]}" if self.first_edit else "no edit")
        lines.append(f"read order: {', '.join(self.order) or 'none'}; {self.fraction:.0%} read before the first edit")
        return lines


def tool_calls(messages: Sequence[ChatMessage]) -> Iterator[tuple[str, dict[str, object]]]:
    """Every tool call of the transcript as (function, arguments), in order: step N is the N-th (1-based)."""
    return _tool_calls(messages)


def _tool_calls(messages: Sequence[ChatMessage]) -> Iterator[tuple[str, dict[str, object]]]:
    for message in messages:
        if isinstance(message, ChatMessageAssistant):
            for call in message.tool_calls or []:
                yield call.function, dict(call.arguments or {})


def preflight(messages: Sequence[ChatMessage]) -> Preflight:
    """Reads the transcript and finds when each pre-flight file was read and when the first edit came."""
    read_at: dict[str, int | None] = dict.fromkeys(PREFLIGHT_FILES)
    first_edit: tuple[int, str] | None = None
    for step, (function, args) in enumerate(_tool_calls(messages), start=1):
        reads: list[str] = []
        writes: list[str] = []
        if function == "text_editor":
            path = workspace_path(str(args.get("path", "")))
            command = args.get("command")
            if command == "view" and path:
                reads.append(path)
            elif command in ("create", "str_replace", "insert", "undo_edit") and path:
                writes.append(f"text_editor {command} {path}")
        elif function == "bash":
            effect = shell_effect(str(args.get("command", "")))
            reads, writes = effect.reads, effect.writes
        for path in reads:
            if path in read_at and read_at[path] is None:
                read_at[path] = step
        if writes and first_edit is None:
            first_edit = (step, ", ".join(writes)[:200])
    return Preflight(read_at=read_at, first_edit=first_edit)
