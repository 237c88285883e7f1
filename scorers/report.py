"""The final report: the seven sections of the prompt's Output Format, and what each section says.

The report is parsed with markdown-it (CommonMark plus GitHub tables), never searched as a whole. A section
label is a heading, a bold (or emphasised) lead-in, a ``Label:`` lead-in, or a line that is just the label,
also inside a numbered or bulleted item (``1. **Files Created:** `server/x.ts```). The first label of each
section counts. A section's body runs from its label (text on the label's own line after ``:``/``—`` is
body) to the next label, any heading (for a heading label: the next heading of the same or a higher level),
a thematic break (``---``), or the end. Inside a body, lead-ins nested deeper than the section's label, or
plain ``Label:`` lead-ins under a heading or bold label, are content: a Known Gaps item ``- Schema: ...``
does not start a section.

Each body is read into :class:`Section` items (one per list item, table body row, paragraph line or
sub-heading; code blocks go to ``Section.code``). ``Section``, :class:`EndpointClaim` and the claim
extractors live in :mod:`scorers.report_claims` and are re-exported here. ``find_sections`` /
``ReportSections`` (label lines only) are kept for :mod:`scorers.alloy_scorer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from scorers.report_claims import EndpointClaim as EndpointClaim  # re-exported: claims are read from here
from scorers.report_claims import Section as Section
from scorers.report_claims import claimed_endpoints as claimed_endpoints
from scorers.report_claims import claimed_env_vars as claimed_env_vars
from scorers.report_claims import claimed_packages as claimed_packages
from scorers.report_claims import claimed_paths as claimed_paths
from scorers.report_claims import item_identifiers as item_identifiers
from scorers.report_claims import says_none

SECTIONS: dict[str, tuple[str, ...]] = {
    "files_created": ("files created", "created files", "new files", "files added", "new files created"),
    "files_modified": ("files modified", "modified files", "changed files", "files changed", "files updated"),
    "schema_changes": ("schema changes", "database changes", "schema", "database schema changes", "schema updates"),
    "new_api_endpoints": ("new api endpoints", "api endpoints", "new endpoints", "endpoints", "new routes"),
    "environment_variables": ("environment variables", "new environment variables", "env variables", "env vars"),
    "new_dependencies": ("new dependencies", "dependencies", "new packages"),
    "known_gaps": ("known gaps", "gaps", "known issues", "known limitations"),
}
TITLES = {
    "files_created": "Files Created",
    "files_modified": "Files Modified",
    "schema_changes": "Schema Changes",
    "new_api_endpoints": "New API Endpoints",
    "environment_variables": "Environment Variables",
    "new_dependencies": "New Dependencies",
    "known_gaps": "Known Gaps",
}

_MD = MarkdownIt("commonmark").enable("table")
_NUMBERING = re.compile(r"^\s*\d+[.)]\s*")
_LEAD_IN = re.compile(r"^([^:—–]{2,48}?)\s*(?::|\s[—–-]\s)")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*$")
_EDGE = re.compile(r"^[^\w(]+|[^\w)]+$")
_SEPARATOR = re.compile(r"^\s*(?::\s*|[—–-]+\s+(?=\S))?")
_RAW_PREFIX = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:#{1,6}\s+)?")


def section_of(label: str) -> str | None:
    """The section a label names (``"4. **New API Endpoints** (table):"`` → ``new_api_endpoints``)."""
    norm = _NUMBERING.sub("", _EDGE.sub("", label.strip())).strip()
    norm = _PARENTHETICAL.sub("", norm)
    norm = _EDGE.sub("", norm)
    norm = " ".join(norm.lower().replace("&", " ").split())
    return next((key for key, names in SECTIONS.items() if norm in names), None)


@dataclass
class ParsedReport:
    sections: dict[str, Section] = field(default_factory=dict)
    """Section key -> section, for the sections present."""

    @property
    def order(self) -> list[str]:
        """Keys of the present sections in the order they appear."""
        return sorted(self.sections, key=lambda key: self.sections[key].line)

    @property
    def missing(self) -> list[str]:
        return [key for key in SECTIONS if key not in self.sections]

    @property
    def present(self) -> int:
        return len(self.sections)

    @property
    def in_order(self) -> bool:
        """The present sections appear in the prompt's order."""
        return self.order == [key for key in SECTIONS if key in self.sections]


@dataclass
class ReportSections:
    found: dict[str, int] = field(default_factory=dict)
    """Section key -> line number (1-based) of its label."""

    @property
    def missing(self) -> list[str]:
        return [key for key in SECTIONS if key not in self.found]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class _Line:
    """One line of inline content (or a table row, a code line, a thematic break) in document order."""

    line: int
    kind: str  # "para", "heading", "row", "code", "hr"
    segments: list[tuple[str, bool]] = field(default_factory=list)  # (text, is a code span)
    depth: int = 0  # enclosing list items
    group: int | None = None  # the innermost enclosing list item (None for a lazy continuation line)
    level: int = 0  # heading level
    row: dict[str, str] | None = None  # a table row's cells by header
    label: tuple[str, str, int] | None = None  # (kind, label text, offset of the body in the plain line)

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.segments).strip()

    @property
    def code_spans(self) -> list[str]:
        return [text for text, code in self.segments if code]


def _segments(children: list[Token]) -> list[tuple[str, bool]]:
    kept = ("text", "html_inline", "image", "code_inline")
    return [(c.content, c.type == "code_inline") for c in children if c.type in kept]


def _plain(children: list[Token]) -> str:
    return "".join(text for text, _ in _segments(children))


def _split_lines(children: list[Token]) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(child)
    return lines


def _label_of(children: list[Token], heading: bool) -> tuple[str, str, int] | None:
    """(kind, label, offset of the body in the plain line) when a line of inline content is a section label."""
    plain = _plain(children)
    first = next((i for i, c in enumerate(children) if not (c.type == "text" and not c.content.strip())), None)
    if not heading and first is not None and children[first].type in ("strong_open", "em_open"):
        close = children[first].type.replace("_open", "_close")
        end = next((i for i in range(first + 1, len(children)) if children[i].type == close), len(children))
        inner = _plain(children[first + 1 : end])
        if section_of(inner):
            return "bold", inner.strip().rstrip(":").rstrip(), len(_plain(children[: end + 1]))
    kind = "heading" if heading else "lead-in"
    if section_of(plain):
        return kind, plain.strip().rstrip(":").rstrip(), len(plain)
    lead = _LEAD_IN.match(plain.lstrip())
    if lead and section_of(lead.group(1)):
        return kind, lead.group(1).strip(), len(plain) - len(plain.lstrip()) + lead.end()
    return None


def _lines(source: list[str]) -> list[_Line]:
    """The document's inline lines, table rows, code lines and breaks, with their list nesting."""
    out: list[_Line] = []
    items: list[int] = []
    header: list[str] = []
    cells: list[list[tuple[str, bool]]] = []
    heading, row_line = 0, 0
    tokens = _MD.parse("\n".join(source))
    for index, token in enumerate(tokens):
        kind, start = token.type, (token.map[0] + 1 if token.map else 0)
        if kind == "list_item_open":
            items.append(index)
        elif kind == "list_item_close":
            items.pop()
        elif kind in ("heading_open", "heading_close"):
            heading = int(token.tag[1]) if kind == "heading_open" else 0
        elif kind == "tr_open":
            cells, row_line = [], start
        elif kind == "tr_close" and tokens[index - 1].type == "th_close":
            header = ["".join(t for t, _ in cell).strip().lower() for cell in cells]
        elif kind == "tr_close":
            plain = ["".join(t for t, _ in cell).strip() for cell in cells]
            segments = [seg for i, cell in enumerate(cells) for seg in [*([(" | ", False)] if i else []), *cell]]
            row = {(header[i] if i < len(header) else str(i)): value for i, value in enumerate(plain)}
            out.append(_Line(row_line, "row", segments, len(items), row=row))
        elif kind == "hr":
            out.append(_Line(start, "hr", depth=len(items)))
        elif kind in ("fence", "code_block"):
            first = start + (1 if kind == "fence" else 0)
            out += [
                _Line(first + i, "code", [(code, True)], len(items))
                for i, code in enumerate(token.content.splitlines())
            ]
        elif kind == "inline" and tokens[index - 1].type in ("th_open", "td_open"):
            cells.append(_segments(token.children or []))
        elif kind == "inline" and token.map:
            for offset, children in enumerate(_split_lines(token.children or [])):
                number = start + offset
                raw = source[number - 1] if number <= len(source) else ""
                lazy = offset > 0 and bool(items) and raw[:1] not in (" ", "\t", "")
                depth, group = (0, None) if lazy or not items else (len(items), items[-1])
                line = _Line(number, "heading" if heading else "para", _segments(children), depth, group, heading)
                line.label = _label_of(children, bool(heading))
                out.append(line)
    return out


def _cut(segments: list[tuple[str, bool]], offset: int) -> list[tuple[str, bool]]:
    """The segments after ``offset`` characters, without the separator that follows a label."""
    out: list[tuple[str, bool]] = []
    for text, code in segments:
        if offset >= len(text):
            offset -= len(text)
            continue
        out.append((text[offset:], code))
        offset = 0
    if out and not out[0][1]:
        out[0] = (_SEPARATOR.sub("", out[0][0], count=1), False)
    return out


def _raw_remainder(raw: str, kind: str) -> str:
    """The Markdown on a label's line after the label."""
    rest = _RAW_PREFIX.sub("", raw, count=1)
    if kind == "bold":
        mark = rest[:2] if rest[:2] in ("**", "__") else rest[:1]
        end = rest.find(mark, len(mark))
        rest = rest[end + len(mark) :] if end >= 0 else ""
    else:
        lead = _LEAD_IN.match(rest)
        rest = rest[lead.end() :] if lead and section_of(lead.group(1)) else ""
    return _SEPARATOR.sub("", rest, count=1).rstrip()


def _fill(section: Section, label: _Line, body: list[_Line], source: list[str], end: int) -> None:
    """Reads a section's body: its items (a list item's paragraphs joined), rows, code lines, text, emptiness."""
    kind, _, offset = label.label or ("lead-in", "", 0)
    previous: int | None = None
    for line in [_Line(label.line, "para", _cut(label.segments, offset)), *body]:
        if line.kind == "code":
            section.code.append(line.text)
            continue
        group = line.group if line.group != label.group else None
        if group is not None and group == previous and line.kind == "para" and section.items:
            section.items[-1] = f"{section.items[-1]} {line.text}".strip()
            section.spans[-1] += line.code_spans
            continue
        previous = group
        if line.text:
            section.items.append(line.text)
            section.item_lines.append(line.line)
            section.spans.append(line.code_spans)
        if line.row is not None:
            section.rows.append(line.row)
            section.row_lines.append(line.line)
    remainder = _raw_remainder(source[label.line - 1], kind) if offset < len(label.text) else ""
    section.text = "\n".join([remainder, *source[label.line : end - 1]]).strip("\n")
    section.empty = not (section.items or section.code) or says_none(section.items[0] if section.items else "")


def _is_content(line: _Line, current: Section, opened: _Line) -> bool:
    """A label inside an open section that is content: nested deeper, a plain lead-in under a heading or bold
    label, or the open section's own label again (a sub-heading)."""
    assert line.label is not None and opened.label is not None
    if line.depth > opened.depth or section_of(line.label[1]) == current.key:
        return True
    return line.label[0] == "lead-in" and opened.label[0] != "lead-in"


def parse_report(text: str) -> ParsedReport:
    """Parses a report into its sections and their items (see the module docstring)."""
    report = ParsedReport()
    source = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: tuple[Section, _Line] | None = None
    body: list[_Line] = []
    for line in _lines(source):
        label = line.label
        if label is not None and current is not None and _is_content(line, *current):
            label = None
        opened = current[1] if current else None
        ends = line.kind == "hr" or (
            line.kind == "heading" and opened is not None and (not opened.level or line.level <= opened.level)
        )
        if label is None and not ends:
            body += [line] if current else []
            continue
        if current is not None:
            _fill(*current, body, source, line.line)
        current, body = None, []
        key = section_of(label[1]) if label else None
        if label is not None and key is not None and key not in report.sections:
            report.sections[key] = Section(key, label[1], line.line)
            current = (report.sections[key], line)
    if current is not None:
        _fill(*current, body, source, len(source) + 1)
    return report


def find_sections(report: str) -> ReportSections:
    """Locates section labels in a report; the first occurrence of each section counts."""
    return ReportSections({key: section.line for key, section in parse_report(report).sections.items()})
