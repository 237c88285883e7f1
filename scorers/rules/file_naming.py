"""``file-naming``: new files and folders are kebab-case, functions camelCase, interfaces/types/classes/enums
PascalCase (PROJECT_STANDARDS.md §3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from tree_sitter import Node

from scorers import ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext
from scorers.rules.no_any import source_line
from scorers.rules.pg_driver import CODE_SUFFIXES

KEBAB_FILE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)+$")
KEBAB_DOTFILE = re.compile(r"^\.[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)*$")
KEBAB_DIR = re.compile(r"^\.?[a-z0-9]+(?:-[a-z0-9]+)*$")
CONVENTIONAL = re.compile(
    r"^(?:README|CHANGELOG|LICENSE)(?:\.[a-z]+)?$|^(?:Dockerfile|Makefile|Procfile)$|^[A-Z][A-Z0-9_]*\.md$"
)
"""Names that keep their conventional casing: README/LICENSE/…, and SCREAMING_SNAKE Markdown documents, which
is how this repository names its documents (``PROJECT_STANDARDS.md``, ``BUGS.md``)."""
FUNCTION = re.compile(r"^_?[a-z][a-zA-Z0-9]*$")
PASCAL = re.compile(r"^[A-Z][a-zA-Z0-9]*$")

_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_DECLARED_FUNCTIONS = frozenset({"function_declaration", "generator_function_declaration", "function_signature"})
_METHODS = frozenset({"method_definition", "method_signature", "abstract_method_signature"})
_TYPES = {
    "interface_declaration": "interface",
    "type_alias_declaration": "type",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "enum_declaration": "enum",
}


def file_name_problems(path: str, new_dirs: list[str]) -> list[str]:
    """Why the new file at ``path`` (whose folders in ``new_dirs`` are new too) is badly named; empty when fine."""
    problems = [f"new folder {d!r} is not kebab-case" for d in new_dirs if not KEBAB_DIR.match(d)]
    name = PurePosixPath(path).name
    pattern = KEBAB_DOTFILE if name.startswith(".") else KEBAB_FILE
    if not CONVENTIONAL.match(name) and not pattern.match(name):
        problems.append(f"new file name {name!r} is not kebab-case")
    return problems


def _new_dirs(ctx: RuleContext, path: str) -> list[str]:
    parts = PurePosixPath(path).parts[:-1]
    return [part for i, part in enumerate(parts) if not (ctx.template / PurePosixPath(*parts[: i + 1])).is_dir()]


def named_declarations(root: Node) -> Iterator[tuple[Node, str, str]]:
    """(name node, name, kind) of each function, method, interface, type alias, class and enum declared.

    Functions: declarations and overload signatures, ``const``/``let``/``var`` bound to an arrow or
    function expression, class methods and arrow-valued class fields, interface and abstract method
    signatures. Computed or string-named members and object-literal methods are not declarations here.
    """
    for node in ts.walk(root):
        name: Node | None = None
        kind = "function"
        if node.type in _DECLARED_FUNCTIONS or node.type in _METHODS:
            in_object = node.parent is not None and node.parent.type == "object"
            name = None if in_object else node.child_by_field_name("name")
        elif node.type in ("variable_declarator", "public_field_definition"):
            value = ts.unwrap_value(node.child_by_field_name("value"))
            if value is not None and value.type in _FUNCTION_VALUES:
                name = node.child_by_field_name("name") or node.child_by_field_name("property")
        elif node.type in _TYPES:
            name, kind = node.child_by_field_name("name"), _TYPES[node.type]
        if name is None or name.type not in (
            "identifier", "type_identifier", "property_identifier", "private_property_identifier"
        ):  # fmt: skip
            continue
        text = ts.text(name).lstrip("#")
        if kind == "function" and text == "constructor":
            continue
        yield name, text, kind


def identifier_problem(name: str, kind: str, tsx: bool) -> str | None:
    """Why a declared ``name`` of ``kind`` breaks §3, or None (React components may be PascalCase in .tsx)."""
    if kind == "function":
        if FUNCTION.match(name) or (tsx and PASCAL.match(name)):
            return None
        return f"function {name!r} is not camelCase"
    return None if PASCAL.match(name) else f"{kind} {name!r} is not PascalCase"


@rule("file-naming", "new files kebab-case; functions camelCase; interfaces/types/classes PascalCase")
def file_naming(ctx: RuleContext) -> RuleResult:
    """Fails for:

    - an added file (any kind, anywhere) whose name is not kebab-case with lower-case extensions
      (``booking-routes.ts``, ``x.test.ts``, ``booking-types.d.ts`` pass; ``bookingRoutes.ts``,
      ``Booking_Routes.ts``, ``booking_routes.ts`` fail); a dotfile is judged without its dot (``.env.example``
      passes); ``README*``, ``CHANGELOG*``, ``LICENSE*``, ``Dockerfile``, ``Makefile``, ``Procfile`` and
      SCREAMING_SNAKE ``*.md`` documents (the repository's own convention) keep their conventional names; a
      folder the fixture does not have, created for the file, must be kebab-case too;
    - on changed lines of changed code files, a declared function (see :func:`named_declarations`) whose name
      is not camelCase ``^_?[a-z][a-zA-Z0-9]*$`` (one leading ``_`` is allowed for private/unused helpers,
      acronyms like ``getURL`` are allowed; in ``.tsx``/``.jsx`` a PascalCase function is a React component
      and allowed), or an interface, type alias, class or enum whose name is not PascalCase
      ``^[A-Z][a-zA-Z0-9]*$``.

    Not checked: variables and constants (``const MAX_SLOTS = 12`` is fine by §3), parameters, object keys
    and object-literal methods (they often mirror external names), modified or renamed-in-place pre-existing
    files (``replitAuth.ts`` predates the rule), and untouched pre-existing declarations.
    """
    added = [c for c in ctx.changes.changes if c.status == "added"]
    files = ctx.changed_files(CODE_SUFFIXES)
    if not added and not files:
        return not_applicable("file-naming", "no file added and no code changed")
    violations, names = [], 0
    for change in added:
        problems = file_name_problems(change.path, _new_dirs(ctx, change.path))
        if problems:
            violations.append(f"{change.path} (added: {'; '.join(problems)})")
    for change in files:
        changed = ctx.changed_lines(change.path)
        source = ctx.after(change) or ""
        for node, name, kind in named_declarations(ts.parse(source, change.path).root_node):
            line = node.start_point[0] + 1
            if line not in changed:
                continue
            names += 1
            problem = identifier_problem(name, kind, change.path.endswith((".tsx", ".jsx")))
            if problem is not None:
                violations.append(f"{change.path}:{line}: {source_line(source, line)} ({problem})")
    if violations:
        return failed("file-naming", violations)
    return passed("file-naming", f"{len(added)} new file(s) kebab-case; {names} declared name(s) on changed lines fine")
