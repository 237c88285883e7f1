"""Raw SQL the agent ran by hand: through ``psql`` or in a one-off JavaScript/TypeScript script.

:func:`raw_sql` reports SQL given to ``psql`` (``-c``/``--command``, ``-f``/``--file``, a heredoc, a
here-string, ``< file``, or a pipe from ``echo``/``printf``/``cat``) and raw SQL in one-off scripts run with
``node``/``tsx``/``ts-node``/``bun``/``deno`` (``-e``/``--eval``/``-p``, a heredoc, or a script file):
``.query(…)``, ``.unsafe(…)``, ``.execute(…)``, ``sql.raw(…)`` and ``sql`…``` templates. ``psql`` and the
runners are also found behind a launcher (``npx tsx``, ``docker exec db psql``). A file's content is known
when the transcript wrote it earlier (see :class:`scorers.shell.Files`).

One :class:`~scorers.transcript.Finding` per psql or script run (step numbers as in
:mod:`scorers.transcript`), of kind ``write`` when any statement changes schema or data (INSERT, UPDATE,
DELETE, CREATE, ALTER, DROP, TRUNCATE, GRANT, COPY … FROM, DO, unrecognised statements…), ``read`` when all
only look (SELECT, SHOW, EXPLAIN, ``\\d``…; BEGIN/COMMIT/SET are neutral), and ``unknown`` when some SQL is
not in the transcript (``psql -f`` of a file it never wrote, ``\\i file``, a query built at run time). The
``drizzle-only`` rule fails on writes (schema or data changed by hand instead of through
``shared/schema.ts`` + ``db:push`` and the query builder) and allows reads: looking at the database is fine.
A one-off script that uses the Drizzle query builder is not raw SQL and is not reported.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Literal

from inspect_ai.model import ChatMessage

from scorers import ts
from scorers.shell import Command, Files, base_name, parse_commands, stdin_text
from scorers.transcript import Finding, shorten, tool_steps

SqlKind = Literal["read", "write", "unknown"]


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


def _js_script(cmd: Command, piped: str | None, files: Files) -> str | None:
    """The script a node/tsx/bun/deno command runs, when the transcript shows it."""
    start = _program(cmd, _JS_RUNNERS)
    if start is None:
        return None
    args = iter(cmd.words[start + 1 :])
    for arg in args:
        option, equals, value = arg.partition("=")
        if option in ("-e", "--eval", "-p", "--print") or (arg == "eval" and base_name(cmd.words[start]) == "deno"):
            return value if equals else next(args, "")
        if option in _JS_VALUES and not equals:
            next(args, None)
        elif arg == "-" or not arg.startswith("-"):
            return stdin_text(cmd, piped, files) if arg == "-" else files.get(arg)
    return stdin_text(cmd, piped, files)


def _program(cmd: Command, names: Collection[str]) -> int | None:
    """Where one of ``names`` runs: the command itself, or after a launcher (``npx tsx``, ``docker exec db psql``)."""
    if cmd.name in names:
        return 0
    if cmd.name in _LAUNCHERS:
        return next((i for i, word in enumerate(cmd.words) if base_name(word) in names), None)
    return None


def _sql_finding(step: int, command: str, texts: list[str], missing: list[str]) -> Finding:
    statements = tuple(s for text in texts for s in sql_statements(text))
    kinds = [statement_kind(s) for s in statements]
    if "write" in kinds:
        first = statements[kinds.index("write")]
        return Finding(step, command, f"SQL write: {shorten(first, 80)}", "write", statements)
    if missing or "unknown" in kinds:
        what = ", ".join(missing) or "a SQL file"
        return Finding(step, command, f"SQL not in the transcript: {what}", "unknown", statements)
    first_read = statements[0] if statements else "no statement"
    return Finding(step, command, f"SQL read: {shorten(first_read, 80)}", "read", statements)


def _bash_sql(step: int, command: str, files: Files) -> list[Finding]:
    findings = []
    previous: str | None = None
    for cmd in parse_commands(command):
        piped = previous if cmd.piped else None
        psql = _program(cmd, {"psql"})
        if psql is not None:
            commands, paths = _psql_sources(cmd.words[psql + 1 :])
            texts, missing = list(commands), []
            for path in paths:
                text = stdin_text(cmd, piped, files) if path == "-" else files.get(path)
                texts.append(text) if text is not None else missing.append(path)
            if not commands and not paths:
                text = stdin_text(cmd, piped, files)
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
        previous = files.track(cmd, piped)
    return findings


def raw_sql(messages: Sequence[ChatMessage]) -> list[Finding]:
    """One finding per psql or one-off script run that executes SQL (kinds: read, write, unknown)."""
    files = Files()
    findings: list[Finding] = []
    for step, function, args in tool_steps(messages):
        if function == "text_editor" and args.get("command") == "create":
            files.record(str(args.get("path", "")), str(args.get("file_text", "")))
        elif function == "bash":
            findings += _bash_sql(step, str(args.get("command", "")), files)
    return findings
