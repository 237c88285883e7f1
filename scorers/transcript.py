"""Transcript evidence for the rules: package installs, raw SQL and workspace writes, step by step.

Steps are numbered as in :func:`scorers.process.preflight`: step N is the N-th tool call (1-based). Shell
commands are split with :func:`scorers.process.command_segments` (shlex). Heredoc bodies (``<<EOF`` … ``EOF``)
are cut out first and become the standard input of the command that opened them; ``sh -c "…"``, ``bash -c``
and ``su -c`` scripts are read as commands of the same step; ``sudo``, ``env``, ``time``, ``nohup``,
``timeout`` and ``VAR=value`` prefixes are skipped. What each function reports:

- :func:`package_installs`: ``npm install|i|add`` (and npm's other install aliases), ``pnpm add|install|i``,
  ``yarn add`` / ``yarn global add``, ``bun add|install|i`` with at least one package operand. Plain
  ``npm install``, ``npm ci``, ``npm run …`` install nothing new. An install counts even when it was
  uninstalled later. Kind ``project``, or ``global`` for ``-g``/``--global`` (a tool, still a new package).
- :func:`package_runs`: ``npx``, ``npm exec|x``, ``pnpm dlx``, ``yarn dlx``, ``bunx``. These fetch and run a
  package without making it a dependency (nothing enters package.json or the lockfile, the app cannot import
  it), so they are *not* installs; they are listed apart for a rule that wants them. Kind ``run``.
- :func:`raw_sql`: SQL given to ``psql`` (``-c``/``--command``, ``-f``/``--file``, a heredoc, a here-string,
  ``< file``, or a pipe from ``echo``/``printf``/``cat``) and raw SQL in one-off scripts run with
  ``node``/``tsx``/``ts-node``/``bun``/``deno`` (``-e``/``--eval``/``-p``, a heredoc, or a script file):
  ``.query(…)``, ``.unsafe(…)``, ``.execute(…)``, ``sql.raw(…)`` and ``sql`…``` templates. A file's content
  is known when the transcript wrote it earlier (``text_editor create``, or a redirect/``tee`` of
  ``echo``/``printf``/``cat``/a heredoc). One finding per psql or script run, of kind ``write`` when any
  statement changes schema or data (INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, TRUNCATE, GRANT, COPY … FROM,
  DO, unrecognised statements…), ``read`` when all only look (SELECT, SHOW, EXPLAIN, ``\\d``…; BEGIN/COMMIT/SET
  are neutral), and ``unknown`` when some SQL is not in the transcript (``psql -f`` of a file it never wrote,
  ``\\i file``, a query built at run time). A file's known content is what was last created or redirected
  into it; later ``str_replace`` edits are not replayed. The ``drizzle-only`` rule fails on writes (schema or
  data changed by hand instead of through ``shared/schema.ts`` + ``db:push`` and the query builder) and allows
  reads: looking at the database is fine. A one-off script that uses the Drizzle query builder is not raw SQL
  and is not reported.
- :func:`workspace_writes`: every write to the workspace, in order, reverted or not: ``text_editor``
  create/str_replace/insert/undo_edit on a workspace path, and shell writes recognised by
  :func:`scorers.process.shell_effect` (redirects, ``sed -i``, ``tee``, ``cp``/``mv`` targets, ``rm``,
  ``touch``…). Paths are relative to the workspace (``/workspace/client/src/x.tsx`` → ``client/src/x.tsx``);
  ``cd`` inside a command is followed, so writes under ``/tmp`` (absolute, or relative after ``cd /tmp``) are
  not workspace writes. Operations without a path (``git checkout``, ``npm install``) are left out, and so are
  writes hidden inside an interpreter (``node -e "fs.writeFileSync(…)"``), as in :mod:`scorers.process`.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from inspect_ai.model import ChatMessage

from scorers import ts
from scorers.process import WORKSPACE, command_segments, is_write_description, shell_effect, tool_calls, workspace_path

SqlKind = Literal["read", "write", "unknown"]
FindingKind = Literal["project", "global", "run", "read", "write", "unknown", "edit", "shell"]


@dataclass(frozen=True)
class Finding:
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
        return f"step {self.step}: {_short(self.command)} ({self.detail})"


def _short(text: str, limit: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ---- shell commands -----------------------------------------------------------------------------------------

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


def _join_lines(text: str) -> str:
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
class _Command:
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
        return _base(self.words[0]) if self.words else ""


def _steps(messages: Sequence[ChatMessage]) -> Iterator[tuple[int, str, dict[str, object]]]:
    """(step, function, arguments) of every tool call; steps are 1-based as in :func:`scorers.process.preflight`."""
    return ((step, function, args) for step, (function, args) in enumerate(tool_calls(messages), start=1))


def _base(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _unwrap(words: list[str]) -> list[str]:
    """Drops ``VAR=value`` prefixes and wrappers such as ``sudo -u postgres`` or ``timeout 30``."""
    while words:
        if _ASSIGNMENT.match(words[0]):
            words = words[1:]
        elif _base(words[0]) in _WRAPPERS:
            name, words = _base(words[0]), words[1:]
            while words and (words[0].startswith("-") or _ASSIGNMENT.match(words[0])):
                takes_value = name == "sudo" and words[0] in ("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t")
                words = words[2:] if takes_value else words[1:]
            if name == "timeout" and words:
                words = words[1:]
        else:
            break
    return words


def _commands(command: str) -> Iterator[_Command]:
    """The simple commands of a shell command, with their stdin and redirects (nested ``sh -c`` expanded)."""
    text, bodies = split_heredocs(command)
    pending = iter(bodies)
    separator = ""
    for words, next_separator in command_segments(_join_lines(text)):
        current = _Command(words=[], piped=separator in ("|", "|&"))
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
        current.words = _unwrap(current.words)
        if current.name in _SHELLS and "-c" in current.words[1:-1]:
            yield from _commands(current.words[current.words.index("-c", 1) + 1])
        elif current.words:
            yield current


class _Files:
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


def _stdin(cmd: _Command, piped: str | None, files: _Files) -> str | None:
    if cmd.stdin is not None:
        return cmd.stdin
    if cmd.stdin_file is not None:
        return files.get(cmd.stdin_file)
    return piped


def _output(cmd: _Command, piped: str | None, files: _Files) -> str | None:
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
            return _stdin(cmd, piped, files)
        texts = [files.get(o) for o in operands]
        return None if any(t is None for t in texts) else "".join(t or "" for t in texts)
    if cmd.name == "tee":
        return _stdin(cmd, piped, files)
    return None


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
    manager = _base(words[0])
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


def package_installs(messages: Sequence[ChatMessage]) -> list[Finding]:
    """Commands that install at least one named package (see the module docstring for what counts)."""
    findings = []
    for step, function, args in _steps(messages):
        if function != "bash":
            continue
        command = str(args.get("command", ""))
        for cmd in _commands(command):
            if cmd.name not in _INSTALLS:
                continue
            subcommand, operands, flags, _values = _parse_manager(cmd.words)
            if subcommand not in _INSTALLS[cmd.name]:
                continue
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
    for step, function, args in _steps(messages):
        if function != "bash":
            continue
        command = str(args.get("command", ""))
        for cmd in _commands(command):
            if cmd.name not in _RUNS:
                continue
            subcommand, operands, _flags, values = _parse_manager(cmd.words)
            if subcommand not in _RUNS[cmd.name]:
                continue
            named = values.get("--package", []) + values.get("-p", [])
            packages = tuple(name for name in map(package_name, named or operands[:1]) if name and name not in local)
            if packages:
                findings.append(Finding(step, command, f"fetches and runs {' '.join(packages)}", "run", packages))
    return findings


# ---- raw SQL ------------------------------------------------------------------------------------------------

_NEUTRAL = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "SET", "RESET",
            "DISCARD", "LISTEN", "UNLISTEN", "NOTIFY", "LOCK", "PREPARE", "DEALLOCATE", "DECLARE", "FETCH",
            "MOVE", "CLOSE", "CHECKPOINT", "ANALYZE", "VACUUM", "LOAD"}  # fmt: skip
_READS = {"SELECT", "SHOW", "EXPLAIN", "VALUES", "TABLE", "WITH", "COPY"}
_PSQL_VALUES = set("cfdhpUvoLPFRT")
_PSQL_LONG = {"--dbname", "--host", "--port", "--username", "--set", "--variable", "--output", "--log-file",
              "--pset", "--field-separator", "--record-separator", "--table-attr"}  # fmt: skip
_SQL_TAGS = ("sql", "sql.raw")  # handled where the walk meets them
_JS_RUNNERS = {"node", "tsx", "ts-node", "bun", "deno"}
_LAUNCHERS = {"npx", "pnpm", "yarn", "bunx", "npm", "docker", "podman", "kubectl"}
_JS_VALUES = {"-r", "--require", "--import", "--loader", "--experimental-loader", "--env-file", "--conditions"}


def sql_statements(text: str) -> list[str]:
    """Splits SQL on ``;`` outside quotes, dollar quotes and comments; psql meta-commands (``\\dt``) end at the
    end of their line. Comments are dropped; statements keep their text."""
    statements: list[str] = []
    current: list[str] = []
    index, size = 0, len(text)

    def flush() -> None:
        statement = "".join(current).strip()
        if statement:
            statements.append(statement)
        current.clear()

    while index < size:
        char = text[index]
        if char == "\\" and not "".join(current).strip():
            end = text.find("\n", index)
            end = size if end < 0 else end
            current.append(text[index:end])
            flush()
            index = end
        elif text.startswith("--", index):
            end = text.find("\n", index)
            index = size if end < 0 else end
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = size if end < 0 else end + 2
            current.append(" ")
        elif char in "'\"":
            end = index + 1
            while end < size and not (text[end] == char and text[end + 1 : end + 2] != char):
                end += 2 if text[end] == char else 1
            current.append(text[index : end + 1])
            index = end + 1
        elif (tag := re.match(r"\$(?:[A-Za-z_]\w*)?\$", text[index:])) is not None:
            end = text.find(tag.group(), index + len(tag.group()))
            end = size if end < 0 else end + len(tag.group())
            current.append(text[index:end])
            index = end
        elif char == ";":
            flush()
            index += 1
        else:
            current.append(char)
            index += 1
    flush()
    return statements


def statement_kind(statement: str) -> SqlKind | None:
    """``read``, ``write``, ``unknown`` (``\\i file``: SQL from a file) or None for neutral statements (BEGIN,
    SET…). SELECT … INTO and setval()/nextval() write; ``WITH`` writes when it holds INSERT/UPDATE/DELETE/MERGE;
    ``EXPLAIN ANALYZE`` of a write writes; ``COPY … FROM`` writes. Unrecognised statements count as writes."""
    if statement.startswith("\\"):
        meta = statement.split()[0].lower()
        if meta in ("\\i", "\\ir", "\\include", "\\include_relative"):
            return "unknown"
        return "write" if meta == "\\copy" and re.search(r"\bfrom\b", statement, re.I) else "read"
    bare = re.sub(r"'(?:[^']|'')*'|\$(\w*)\$.*?\$\1\$", "''", statement, flags=re.S)
    bare = re.sub(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b", " ", bare, flags=re.I)
    verb_match = re.match(r"[\s(]*([A-Za-z]+)", bare)
    verb = verb_match.group(1).upper() if verb_match else ""
    if verb in _NEUTRAL:
        return None
    if verb not in _READS:
        return "write"
    writes = re.search(r"\b(?:INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE)\b", bare, re.I)
    if verb == "SELECT" and (re.search(r"\bINTO\b", bare, re.I) or re.search(r"\b(?:setval|nextval)\s*\(", bare)):
        return "write"
    if verb == "WITH" or (verb == "EXPLAIN" and re.search(r"\bANALY[SZ]E\b", bare, re.I)):
        return "write" if writes else "read"
    if verb == "COPY":
        return "write" if re.search(r"\bFROM\b", bare, re.I) else "read"
    return "read"


def _psql_sources(args: list[str]) -> tuple[list[str], list[str]]:
    """(-c commands, -f files) of a psql command line (``-Atc "…"`` and ``--command=…`` included)."""
    commands: list[str] = []
    files: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        following = args[index + 1] if index + 1 < len(args) else ""
        index += 1
        if arg.startswith("--"):
            option, equals, value = arg.partition("=")
            target = {"--command": commands, "--file": files}.get(option)
            if target is not None:
                target.append(value if equals else following)
                index += 0 if equals else 1
            elif option in _PSQL_LONG and not equals:
                index += 1
        elif arg.startswith("-") and len(arg) > 1:
            for position, letter in enumerate(arg[1:], start=2):
                if letter in _PSQL_VALUES:
                    value = arg[position:] or following
                    index += 0 if arg[position:] else 1
                    {"c": commands, "f": files}.get(letter, []).append(value)
                    break
    return commands, files


def _js_sql(script: str) -> tuple[list[str], bool] | None:
    """SQL strings a JS/TS script runs raw, and whether some query's SQL is built at run time; None if none."""
    texts: list[str] = []
    unseen = False
    for node in ts.walk(ts.parse(script).root_node):
        if node.type != "call_expression":
            continue
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if ts.text(function) == "sql" and arguments is not None and arguments.type == "template_string":
            texts.append(_template_text(arguments))  # sql`...` (postgres.js, drizzle's sql tag)
            continue
        call, args = ts.member_call(node), ts.call_arguments(node)
        if call is None or not args or call[1] not in ("query", "unsafe", "execute", "raw"):
            continue
        if call[1] == "raw" and ts.text(call[0]) != "sql":
            continue
        first = args[0]
        text_key = next((p for p in first.named_children if ts.text(p.child_by_field_name("key")) == "text"), None)
        if first.type == "object" and text_key is not None:
            first = text_key.child_by_field_name("value") or first  # client.query({ text, values })
        if first.type == "string":
            texts.append(ts.text(first)[1:-1])
        elif first.type == "template_string":
            texts.append(_template_text(first))
        elif first.type != "call_expression" or ts.text(first.child_by_field_name("function")) not in _SQL_TAGS:
            unseen = True  # a query whose SQL is built at run time
    return (texts, unseen) if texts or unseen else None


def _template_text(node: ts.Node) -> str:
    return "".join("?" if c.type == "template_substitution" else ts.text(c) for c in node.children[1:-1])


def _js_script(cmd: _Command, piped: str | None, files: _Files) -> str | None:
    """The script a node/tsx/bun/deno command runs, when the transcript shows it."""
    start = _program(cmd, _JS_RUNNERS)
    if start is None:
        return None
    args = iter(cmd.words[start + 1 :])
    for arg in args:
        option, equals, value = arg.partition("=")
        if option in ("-e", "--eval", "-p", "--print") or (arg == "eval" and _base(cmd.words[start]) == "deno"):
            return value if equals else next(args, "")
        if option in _JS_VALUES and not equals:
            next(args, None)
        elif arg == "-" or not arg.startswith("-"):
            return _stdin(cmd, piped, files) if arg == "-" else files.get(arg)
    return _stdin(cmd, piped, files)


def _program(cmd: _Command, names: Collection[str]) -> int | None:
    """Where one of ``names`` runs: the command itself, or after a launcher (``npx tsx``, ``docker exec db psql``)."""
    if cmd.name in names:
        return 0
    if cmd.name in _LAUNCHERS:
        return next((i for i, word in enumerate(cmd.words) if _base(word) in names), None)
    return None


def _sql_finding(step: int, command: str, texts: list[str], missing: list[str]) -> Finding:
    statements = tuple(s for text in texts for s in sql_statements(text))
    kinds = [statement_kind(s) for s in statements]
    if "write" in kinds:
        first = statements[kinds.index("write")]
        return Finding(step, command, f"SQL write: {_short(first, 80)}", "write", statements)
    if missing or "unknown" in kinds:
        what = ", ".join(missing) or "a SQL file"
        return Finding(step, command, f"SQL not in the transcript: {what}", "unknown", statements)
    first_read = statements[0] if statements else "no statement"
    return Finding(step, command, f"SQL read: {_short(first_read, 80)}", "read", statements)


def _bash_sql(step: int, command: str, files: _Files) -> list[Finding]:
    findings = []
    previous: str | None = None
    for cmd in _commands(command):
        piped = previous if cmd.piped else None
        psql = _program(cmd, {"psql"})
        if psql is not None:
            commands, paths = _psql_sources(cmd.words[psql + 1 :])
            texts, missing = list(commands), []
            for path in paths:
                text = _stdin(cmd, piped, files) if path == "-" else files.get(path)
                texts.append(text) if text is not None else missing.append(path)
            if not commands and not paths:
                text = _stdin(cmd, piped, files)
                if text is not None:
                    texts.append(text)
                elif cmd.stdin_file is not None or cmd.piped:
                    missing.append(cmd.stdin_file or "piped input")
            if texts or missing:
                findings.append(_sql_finding(step, command, texts, missing))
        else:
            script = _js_script(cmd, piped, files)
            found = _js_sql(script) if script else None
            if found is not None:
                findings.append(_sql_finding(step, command, found[0], ["a query built at run time"] * found[1]))
        previous = _output(cmd, piped, files)
        for target, append in cmd.outputs:
            if previous is not None:
                files.record(target, previous, append)
        if cmd.name == "tee" and previous is not None:
            for target in (w for w in cmd.words[1:] if not w.startswith("-")):
                files.record(target, previous, "-a" in cmd.words)
    return findings


def raw_sql(messages: Sequence[ChatMessage]) -> list[Finding]:
    """One finding per psql or one-off script run that executes SQL (kinds: read, write, unknown)."""
    files = _Files()
    findings: list[Finding] = []
    for step, function, args in _steps(messages):
        if function == "text_editor" and args.get("command") == "create":
            files.record(str(args.get("path", "")), str(args.get("file_text", "")))
        elif function == "bash":
            findings += _bash_sql(step, str(args.get("command", "")), files)
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
    for words, _separator in command_segments(_join_lines(text)):
        words = _unwrap(words)
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
    for step, function, args in _steps(messages):
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
