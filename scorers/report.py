"""The final report: the seven sections of the prompt's Output Format.

Sections are found in the Markdown structure (parsed with markdown-it): a heading, a bold lead-in (also
inside a numbered or bulleted item), or a ``Label:`` lead-in — never by searching prose. Accuracy of the
claims is graded separately; here a section counts as present when its label is there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

SECTIONS: dict[str, tuple[str, ...]] = {
    "files_created": ("files created", "created files", "new files"),
    "files_modified": ("files modified", "modified files", "changed files", "files changed"),
    "schema_changes": ("schema changes", "database changes", "schema"),
    "new_api_endpoints": ("new api endpoints", "api endpoints", "new endpoints", "endpoints"),
    "environment_variables": ("environment variables", "new environment variables", "env variables", "env vars"),
    "new_dependencies": ("new dependencies", "dependencies"),
    "known_gaps": ("known gaps", "gaps", "known issues"),
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

_NUMBERING = re.compile(r"^\s*\d+[.)]\s*")
_LEAD_IN = re.compile(r"^([^:—–]{2,48}?)\s*(?::|\s[—–-]\s)")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*$")


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


def section_of(label: str) -> str | None:
    """The section a label names (``"4. **New API Endpoints** (table):"`` → ``new_api_endpoints``)."""
    norm = _NUMBERING.sub("", label).strip().strip(":*_`—–- ").strip()
    norm = _PARENTHETICAL.sub("", norm).strip(":*_`—–- ")
    norm = " ".join(norm.lower().replace("&", " ").split())
    return next((key for key, names in SECTIONS.items() if norm in names), None)


def _labels(report: str) -> list[tuple[str, int]]:
    """Candidate labels with their line numbers: headings, bold lead-ins, and ``Label:`` lead-ins."""
    tokens = MarkdownIt("commonmark").parse(report)
    found: list[tuple[str, int]] = []
    for index, token in enumerate(tokens):
        if token.type != "inline" or token.map is None:
            continue
        line = token.map[0] + 1
        if index > 0 and tokens[index - 1].type == "heading_open":
            found.append((token.content, line))
            continue
        children = token.children or []
        first = next((c for c in children if not (c.type == "text" and not c.content.strip())), None)
        if first is not None and first.type == "strong_open":
            inner = []
            for child in children[children.index(first) + 1 :]:
                if child.type == "strong_close":
                    break
                inner.append(child.content)
            found.append(("".join(inner), line))
            continue
        head = token.content.split("\n", 1)[0]
        lead = _LEAD_IN.match(head)
        if lead:
            found.append((lead.group(1), line))
    return found


def find_sections(report: str) -> ReportSections:
    """Locates section labels in a report; the first occurrence of each section counts."""
    sections = ReportSections()
    for label, line in _labels(report):
        key = section_of(label)
        if key is not None and key not in sections.found:
            sections.found[key] = line
    return sections
