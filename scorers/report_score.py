"""The report against the truth: for each section, which claims are true, which are false, and what the agent
did but did not report.

Claims come from :mod:`scorers.report` (the parsed sections), the truth from :mod:`scorers.truth` (the
sandbox after the agent: its diff, its schema, its route table, its package.json, the task's expected gaps).

Per section, a *claim* is one thing the report says happened and the *truth* is what did:

- Files Created / Files Modified: paths. A claim is true when it names a file the agent added (resp.
  modified or deleted); a bare file name counts when exactly one such file has it. A created file listed
  as modified (or the reverse) is false in the one section and missing from the other.
- Schema Changes: per list item or table row, its *subject*: the first table it names (by database or
  TypeScript name), and the columns it names of no table it names. True when the subject table was added,
  removed or had columns changed, or one of those columns changed or is in an added or removed table (see
  :mod:`scorers.report_schema`). Truth: each added or removed table, and each added, removed or changed
  column of a table that existed before (found when an item names the column, by either name).
- New API Endpoints: (method, path, auth). True when the route is new in the final app and the stated
  auth (when stated) is right; path parameters match whatever their names (``:id`` = ``:bookingId``).
  A right route with the wrong auth is a false claim and leaves the route unreported.
- Environment Variables: names; true when the code newly reads a variable ``.env`` does not have.
- New Dependencies: package names; true when package.json gained them.
- Known Gaps: recall only (any further gap the agent notes is not false): an expected gap is reported when
  the section names every ``/api`` path (a closing ``.`` is punctuation) and every UPPER_SNAKE name in it or,
  for a gap with none, when an item shares at least half of its content words.

An empty section ("None", "N/A", "—") claims nothing. ``report_f1`` is the F1 of precision and recall
pooled over all sections (precision 1 with no claims, recall 1 with nothing to report);
``report_complete`` needs all seven sections and no false or missing claim anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from scorers.report import (
    TITLES,
    ParsedReport,
    Section,
    claimed_endpoints,
    claimed_env_vars,
    claimed_packages,
    claimed_paths,
    item_identifiers,
    parse_report,
)
from scorers.truth import ReportTruth

_PARAM = re.compile(r"(?::[A-Za-z_][A-Za-z0-9_]*\??|\{[^}/]+\}|\[[^\]/]+\]|<[^>/]+>)")
_API_PATH = re.compile(r"/api(?:/[A-Za-z0-9_:{}\[\]<>.\-]+)*")
_ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
_WORD = re.compile(r"[a-z][a-z0-9-]{3,}")
_STOP = frozenset(
    {"frontend", "worker", "must", "needs", "need", "with", "from", "that", "this", "their", "there", "until",
     "page", "pages", "screen", "should", "into", "when", "which", "what", "will", "have"}
)  # fmt: skip


@dataclass
class SectionScore:
    key: str
    claims: int = 0
    correct: int = 0
    truth: int = 0
    recalled: int = 0
    false: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.correct / self.claims if self.claims else None

    @property
    def recall(self) -> float | None:
        return self.recalled / self.truth if self.truth else None

    @property
    def exact(self) -> bool:
        return not self.false and not self.missing


@dataclass
class ReportScore:
    parsed: ParsedReport
    sections: dict[str, SectionScore]

    @property
    def present(self) -> int:
        return self.parsed.present

    @property
    def report_sections(self) -> float:
        return self.present / len(TITLES)

    @property
    def precision(self) -> float:
        claims = sum(s.claims for s in self.sections.values())
        return sum(s.correct for s in self.sections.values()) / claims if claims else 1.0

    @property
    def recall(self) -> float:
        truth = sum(s.truth for s in self.sections.values())
        return sum(s.recalled for s in self.sections.values()) / truth if truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def complete(self) -> bool:
        return not self.parsed.missing and all(s.exact for s in self.sections.values())

    def evidence(self) -> list[str]:
        lines = [f"missing section: {TITLES[key]}" for key in self.parsed.missing]
        if not self.parsed.in_order and not self.parsed.missing:
            lines.append("sections out of order: " + ", ".join(TITLES[k] for k in self.parsed.order))
        for key, score in self.sections.items():
            lines += [f"{TITLES[key]}: false claim: {claim}" for claim in score.false]
            lines += [f"{TITLES[key]}: not reported: {item}" for item in score.missing]
        return lines


def _section(parsed: ParsedReport, key: str) -> Section | None:
    section = parsed.sections.get(key)
    return section if section is not None and not section.empty else None


def _match_path(claim: str, truth: Iterable[str]) -> str | None:
    truth = list(truth)
    if claim in truth:
        return claim
    if "/" not in claim:
        named = [t for t in truth if t.rsplit("/", 1)[-1] == claim]
        return named[0] if len(named) == 1 else None
    suffix = [t for t in truth if t.endswith("/" + claim)]
    return suffix[0] if len(suffix) == 1 else None


def score_paths(key: str, section: Section | None, truth: list[str]) -> SectionScore:
    score = SectionScore(key, truth=len(truth))
    found: set[str] = set()
    for claim in dict.fromkeys(claimed_paths(section) if section else []):
        score.claims += 1
        hit = _match_path(claim, truth)
        if hit is None or hit in found:
            score.false.append(claim if hit is None else f"{claim} (listed twice)")
        else:
            score.correct += 1
            found.add(hit)
    score.recalled = len(found)
    score.missing = [t for t in truth if t not in found]
    return score


def route_shape(path: str) -> str:
    """``/api/admin/bookings/:id`` and ``/api/admin/bookings/{bookingId}`` → ``/api/admin/bookings/:``."""
    path = path.split("?", 1)[0].strip().strip("`").rstrip("/") or "/"
    return _PARAM.sub(":", path).lower()


def score_endpoints(section: Section | None, truth: ReportTruth) -> SectionScore:
    routes = {(e.method.upper(), route_shape(e.path)): e for e in truth.endpoints}
    score = SectionScore("new_api_endpoints", truth=len(routes))
    found: set[tuple[str, str]] = set()
    for claim in claimed_endpoints(section) if section else []:
        key = (claim.method.upper(), route_shape(claim.path))
        score.claims += 1
        endpoint = routes.get(key)
        shown = f"{claim.method.upper()} {claim.path}"
        if endpoint is None:
            score.false.append(f"{shown} (no such new route in the final app)")
        elif claim.auth is not None and claim.auth != endpoint.auth_required:
            actual = "requires a session" if endpoint.auth_required else "is public"
            score.false.append(f"{shown} claimed {'authenticated' if claim.auth else 'public'}, but it {actual}")
        elif key in found:
            score.false.append(f"{shown} (listed twice)")
        else:
            score.correct += 1
            found.add(key)
    score.recalled = len(found)
    score.missing = [
        f"{e.method.upper()} {e.path} ({'authenticated' if e.auth_required else 'public'})"
        for key, e in routes.items()
        if key not in found
    ]
    return score


def score_names(key: str, claims: list[str], truth: list[str]) -> SectionScore:
    score = SectionScore(key, truth=len(truth))
    found: set[str] = set()
    for claim in dict.fromkeys(claims):
        score.claims += 1
        if claim in truth:
            score.correct += 1
            found.add(claim)
        else:
            score.false.append(claim)
    score.recalled = len(found)
    score.missing = [t for t in truth if t not in found]
    return score


def _api_paths(text: str) -> set[str]:
    """The shapes of the /api paths in prose (a sentence's closing ``.`` or ``:`` is not part of the path)."""
    return {route_shape(p.rstrip(".:")) for p in _API_PATH.findall(text)}


def _gap_reported(gap: str, items: list[str]) -> bool:
    anchors = _api_paths(gap) | set(_ENV_NAME.findall(gap))
    if anchors:
        said = {shape for item in items for shape in _api_paths(item)}
        said |= {name for item in items for name in _ENV_NAME.findall(item)}
        return anchors <= said
    words = {w for w in _WORD.findall(gap.lower()) if w not in _STOP}
    return any(len(words & set(_WORD.findall(item.lower()))) * 2 >= len(words) for item in items) if words else True


def score_gaps(section: Section | None, expected: list[str]) -> SectionScore:
    items = section.items if section else []
    score = SectionScore("known_gaps", truth=len(expected))
    for gap in expected:
        if _gap_reported(gap, items):
            score.recalled += 1
        else:
            score.missing.append(gap)
    return score


def score_report(text: str, truth: ReportTruth) -> ReportScore:
    """Grades a final report against the truth (see the module docstring for what counts)."""
    from scorers.report_schema import score_schema

    parsed = parse_report(text)
    sections = {
        "files_created": score_paths("files_created", _section(parsed, "files_created"), truth.files_created),
        "files_modified": score_paths("files_modified", _section(parsed, "files_modified"), truth.files_modified),
        "schema_changes": score_schema(_section(parsed, "schema_changes"), truth, item_identifiers),
        "new_api_endpoints": score_endpoints(_section(parsed, "new_api_endpoints"), truth),
        "environment_variables": score_names(
            "environment_variables",
            claimed_env_vars(s) if (s := _section(parsed, "environment_variables")) else [],
            truth.env_vars,
        ),
        "new_dependencies": score_names(
            "new_dependencies",
            claimed_packages(s) if (s := _section(parsed, "new_dependencies")) else [],
            truth.dependencies,
        ),
        "known_gaps": score_gaps(_section(parsed, "known_gaps"), truth.known_gaps),
    }
    return ReportScore(parsed=parsed, sections=sections)
