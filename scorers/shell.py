"""Shell commands as the transcript's ``bash`` tool calls wrote them: split into simple commands, with the
standard input and output redirects of each, and the file contents the transcript itself wrote.

Commands are split with :func:`scorers.process.command_segments` (shlex). Heredoc bodies (``<<EOF`` … ``EOF``)
are cut out first and become the standard input of the command that opened them; unquoted newlines separate
commands and ``#`` starts a comment. ``sh -c "…"``, ``bash -c`` and ``su -c`` scripts are read as commands of
the same step; ``sudo``, ``env``, ``time``, ``nohup``, ``timeout`` and ``VAR=value`` prefixes are skipped.

:class:`Files` remembers what was written to a file earlier in the transcript (``text_editor create``, or a
redirect/``tee`` of ``echo``/``printf``/``cat``/a heredoc), so that a later ``psql -f x.sql`` or
``node script.mjs`` can be read. A file's known content is what was last created or redirected into it;
later ``str_replace`` edits are not replayed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from scorers.process import command_segments

_HEREDOC = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_][\w.-]*)\2")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = {"sudo", "env", "time", "nohup", "exec", "command", "timeout", "nice"}
_SHELLS = {"sh", "bash", "zsh", "dash", "su"}


def split_heredocs(command: str) -> tuple[str, list[str]]:
    """The command without its heredoc bodies, and the bodies in the order their ``<<`` appear."""
    lines = command.split("\n")
    kept: list[str] = []
    bodies: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        kept.append(line)
        for match in _HEREDOC.finditer(line):
            delimiter, tabs = match.group(3), match.group(1) == "-"
            body: list[str] = []
            while index < len(lines):
                current = lines[index]
                index += 1
                if (current.lstrip("\t") if tabs else current).strip() == delimiter:
                    break
                body.append(current)
            bodies.append("\n".join(body) + "\n" if body else "")
    return "\n".join(kept), bodies


def join_lines(text: str) -> str:
    """Turns unquoted newlines (command separators for the shell, whitespace for shlex) into ``;``."""
    out: list[str] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            out.append(" " if text[index + 1 : index + 2] == "\n" else text[index : index + 2])  # continuation
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n;"):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif char == "\n":
            char = " ; "
        out.append(char)
        index += 1
    return "".join(out)


@dataclass
class Command:
    words: list[str]
    stdin: str | None = None
    """A heredoc body or here-string given to this command."""
    stdin_file: str | None = None
    piped: bool = False
    """Its standard input is the output of the previous command of a pipeline."""
    outputs: list[tuple[str, bool]] = field(default_factory=list)
    """Redirect targets as (path, append)."""

    @property
    def name(self) -> str:
        return base_name(self.words[0]) if self.words else ""


def base_name(word: str) -> str:
    """``/usr/bin/psql`` → ``psql``."""
    return word.rsplit("/", 1)[-1]


def unwrap(words: list[str]) -> list[str]:
    """Drops ``VAR=value`` prefixes and wrappers such as ``sudo -u postgres`` or ``timeout 30``."""
    while words:
        if _ASSIGNMENT.match(words[0]):
            words = words[1:]
        elif base_name(words[0]) in _WRAPPERS:
            name, words = base_name(words[0]), words[1:]
            while words and (words[0].startswith("-") or _ASSIGNMENT.match(words[0])):
                takes_value = name == "sudo" and words[0] in ("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t")
                words = words[2:] if takes_value else words[1:]
            if name == "timeout" and words:
                words = words[1:]
        else:
            break
    return words


def parse_commands(command: str) -> Iterator[Command]:
    """The simple commands of a shell command, with their stdin and redirects (nested ``sh -c`` expanded)."""
    text, bodies = split_heredocs(command)
    pending = iter(bodies)
    separator = ""
    for words, next_separator in command_segments(join_lines(text)):
        current = Command(words=[], piped=separator in ("|", "|&"))
        separator = next_separator
        index = 0
        while index < len(words):
            word = words[index]
            target = words[index + 1] if index + 1 < len(words) else ""
            if word == "<<":
                current.stdin, index = next(pending, ""), index + 2
            elif word == "<<<":
                current.stdin, index = target + "\n", index + 2
            elif word == "<":
                current.stdin_file, index = target, index + 2
            elif set(word) <= set("<>&|") and ">" in word:
                current.outputs.append((target, word.startswith(">>") or word == "&>>"))
                index += 2
            else:
                current.words.append(word)
                index += 1
        current.words = unwrap(current.words)
        if current.name in _SHELLS and "-c" in current.words[1:-1]:
            yield from parse_commands(current.words[current.words.index("-c", 1) + 1])
        elif current.words:
            yield current


class Files:
    """What the transcript wrote to files so far (for ``psql -f x.sql`` or ``node script.mjs``)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def record(self, path: str, text: str, append: bool = False) -> None:
        self.texts[path] = (self.texts.get(path, "") if append else "") + text

    def get(self, path: str) -> str | None:
        if path in self.texts:
            return self.texts[path]
        tail = "/" + path.lstrip("./")
        matches = [p for p in self.texts if p.endswith(tail) or ("/" + p.lstrip("./")).endswith(tail)]
        return self.texts[matches[-1]] if matches else None

    def track(self, cmd: Command, piped: str | None) -> str | None:
        """What ``cmd`` prints (see :func:`output_text`), recorded into its redirect and ``tee`` targets."""
        printed = output_text(cmd, piped, self)
        for target, append in cmd.outputs:
            if printed is not None:
                self.record(target, printed, append)
        if cmd.name == "tee" and printed is not None:
            for target in (w for w in cmd.words[1:] if not w.startswith("-")):
                self.record(target, printed, "-a" in cmd.words)
        return printed


def stdin_text(cmd: Command, piped: str | None, files: Files) -> str | None:
    """A heredoc or here-string, a ``< file`` the transcript wrote, or the piped output of the previous command."""
    if cmd.stdin is not None:
        return cmd.stdin
    if cmd.stdin_file is not None:
        return files.get(cmd.stdin_file)
    return piped


def output_text(cmd: Command, piped: str | None, files: Files) -> str | None:
    """What ``echo``/``printf``/``cat``/``tee`` print, when the transcript shows it; None otherwise."""
    args = cmd.words[1:]
    if cmd.name == "echo":
        while args and re.fullmatch(r"-[neE]+", args[0]):
            args = args[1:]
        return " ".join(args) + "\n"
    if cmd.name == "printf":
        return args[0].replace("\\n", "\n") if args else ""
    if cmd.name == "cat":
        operands = [a for a in args if not a.startswith("-") or a == "-"]
        if operands in ([], ["-"]):
            return stdin_text(cmd, piped, files)
        texts = [files.get(o) for o in operands]
        return None if any(t is None for t in texts) else "".join(t or "" for t in texts)
    if cmd.name == "tee":
        return stdin_text(cmd, piped, files)
    return None
