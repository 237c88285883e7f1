"""A parsed report section (:class:`Section`, built by :func:`scorers.report.parse_report`) and the claims
it makes, read from its items.

Every extractor returns nothing for an empty section ("None", "N/A", "—", ...). Items are plain text; the
code spans of each item are in ``Section.spans``, table rows in ``Section.rows``.

- :func:`claimed_paths`: file paths (code spans or words ending in a source extension; a code span with a
  ``/`` and no spaces or parentheses also counts), normalised (no ``./``, ``/workspace/``, quotes, trailing
  punctuation, ``:line`` suffix). Route paths (leading ``/``), packages (``@scope/x``) and calls are not paths.
- :func:`claimed_endpoints`: method, path and stated auth per table row or list item. The auth is read from
  the row's auth column, or from an item's parenthetical / dash-separated qualifier (a short one with a broad
  vocabulary: yes/no/none/user/admin...; a long one, and failing that the rest of the item, with a strict
  one: public, no auth, authenticated, signed-in, admin only...). The earliest word decides, public on ties,
  so "no auth required" and "unauthenticated" are public. A dash-separated ``Auth: none`` qualifier is read
  whole; status-code phrases ("401 without a session") are not read. Items qualified "(existing)" /
  "(unchanged)" (a qualifier of up to four words, or one that starts "Existing —") are not claims of new
  endpoints and are skipped.
- :func:`claimed_env_vars`: UPPER_SNAKE names: code spans, words with an underscore, an item's first word;
  ``NAME=`` lines of code blocks. An item that starts with a name claims only the names before its
  description separator (``CONTACT_REPLY_FROM — ...; falls back to MAIL_FROM``); names an item mentions only
  in clauses calling them existing or unchanged ("uses the existing `BOOKING_TIMEZONE`") are not claims.
- :func:`claimed_packages`: npm names: code spans before the item's description separator, else its first
  word; versions stripped (``zod@^3.22`` → ``zod``).
- :func:`item_identifiers`: per item, the identifiers in its code spans (dotted names split), then its
  snake_case and camelCase words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_END = r"(?=[\s.,;:!)—–*_]|$)"
_EMPTY = re.compile(
    rf"^(?:none{_END}(?!\s+of\b)|n/?a{_END}|n\.a\.|nil{_END}|nothing{_END}|not applicable\b|no new\b|no additional\b"
    r"|no (?:\S+ ){0,2}(?:changes?|endpoints?|routes?|variables?|vars?|dependencies|packages?|files?|gaps?"
    r"|tables?|columns?|issues?)\b|[—–-]+(?:\s|$))",
    re.IGNORECASE,
)
_MIME = re.compile(r"^(?:text|application|image|audio|video|multipart|font)/[\w.+-]+$")
_EXTENSIONS = frozenset(
    re.findall(r"\w+", "ts tsx js jsx mjs cjs mts cts json jsonc md mdx sql css scss sass less html htm env yml yaml")
    + re.findall(r"\w+", "toml ini txt sh lock example sample svg png jpg ico prisma graphql gql")
)
_NOT_FILES = frozenset(re.findall(r"\S+", "node.js express.js next.js nuxt.js vue.js react.js three.js chart.js d3.js"))
_PATH_CHARS = re.compile(r"^[\w@.\-/\[\]+~]+$")
_METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS"
_METHOD_PATH = re.compile(rf"\b({_METHODS})\b[\s:*_`]*(/(?!(?:{_METHODS})\b)[^\s'\"()<>,;|`]*)")
_ROUTE = re.compile(r"(/[^\s'\"()<>,;|`]*)")
_PARENS = re.compile(r"\(([^()]*)\)")
_SEPARATOR = re.compile(r"\s+[—–-]+\s+|\s*[:;]\s+|\s*\|\s*|\.\s+")
_PUBLIC_STRICT = (
    r"public(?:ly)?|no auth\w*|unauthenticated|anonymous(?:ly)?|not authenticated|without (?:auth\w*|login|a session)"
    r"|no (?:sign|log)-?in|(?:auth\w*|login|sign-?in) (?:is )?not required|auth\w*\s*[:=]\s*(?:none|no|false)"
)
_AUTH_STRICT = (
    r"authenticated|auth(?:entication)? required|requires? (?:auth\w*|login|a session|sign-?in|admin)|isAuthenticated"
    r"|requireAuth|requireAdmin|signed[- ]in|logged[- ]in|login required|admins? only|admin-only|session required"
)
_PUBLIC_BROAD = rf"{_PUBLIC_STRICT}|none|no|false|open|guest|not required|✗|❌"
_AUTH_BROAD = (
    rf"{_AUTH_STRICT}|auth\w*|required|yes|true|session|admins?|administrator|users?|members?|protected|private|✓|✅|🔒"
)
_EXISTING = re.compile(r"\b(?:existing|unchanged|already exist\w*|not new)\b", re.IGNORECASE)
_EXISTING_LEAD = re.compile(
    r"^\W*(?:existing|unchanged|already exist\w*|not new)(?:\s+(?:route|endpoint)s?)?\b\W*(?:$|[—–:;,(]|-\s)",
    re.IGNORECASE,
)
_AUTH_LABEL = re.compile(r"(?:auth\w*|access|login|permissions?|role)\s*[:=]\s*", re.IGNORECASE)
_STATUS_PHRASE = re.compile(r"\b40[13]\b[^,;.)]*")
_CLAUSE = re.compile(r"[;.]\s+|\s+[—–-]+\s+")
_NEW = re.compile(r"(?<!\bno )(?<!\bnothing )(?<!\bnot )\bnew\b", re.IGNORECASE)
_CAPS = re.compile(r"\b[A-Z][A-Z0-9_]*\b")
_UPPER = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
_UPPER_SNAKE = re.compile(r"(?<![\w.])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w])")
_ENV_CODE = re.compile(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]+)\s*(?:=|:|$)")
_NOT_ENV = frozenset(
    re.findall(r"\w+", f"API URL URI HTTP HTTPS JSON SQL CSS HTML ID UUID ISO UTC JWT TODO NB {_METHODS}")
)
_PACKAGE = re.compile(r"^((?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*)(?:@[\^~<>=]*[\w.*-]+)?$")
_NOT_PACKAGES = frozenset(
    re.findall(r"\S+", "a an the and or for with new no none added add adds uses use using installed")
)
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
_WORDS = re.compile(r"(?<![\w./-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+)(?![\w/(-])")


@dataclass
class Section:
    key: str
    label: str
    """The label as written (its plain text, e.g. ``Files Created:``)."""
    line: int
    """1-based line of the label."""
    empty: bool = True
    """The body's first item starts with None / N/A / — / Nothing / No new ..., or the body has no content."""
    items: list[str] = field(default_factory=list)
    """Plain text of each list item, table body row (cells joined by `` | ``), paragraph line or sub-heading."""
    item_lines: list[int] = field(default_factory=list)
    """1-based line of each item (parallel to ``items``)."""
    spans: list[list[str]] = field(default_factory=list)
    """The inline code spans of each item, in order (parallel to ``items``)."""
    rows: list[dict[str, str]] = field(default_factory=list)
    """Table body rows keyed by lower-cased header text (all tables of the body)."""
    row_lines: list[int] = field(default_factory=list)
    """1-based line of each row (parallel to ``rows``; each row is also an item on that line)."""
    code: list[str] = field(default_factory=list)
    """Lines of fenced or indented code blocks in the body (not items)."""
    text: str = ""
    """The raw Markdown body."""


def says_none(item: str) -> bool:
    """The item starts with None / N/A / — / Nothing / No new ... (an empty section's first item)."""
    return bool(_EMPTY.match(re.sub(r"^[\s*_(`~]+", "", item)))


@dataclass(frozen=True)
class EndpointClaim:
    method: str
    """Upper case; empty when the report gives a path without a method."""
    path: str
    """As written, without backticks, query string or trailing slash."""
    auth: bool | None
    """True: authentication required; False: public; None: not stated."""
    line: int
    """1-based line of the row or item."""


def _prose(item: str, spans: list[str]) -> str:
    """The item's text outside its code spans."""
    for span in spans:
        item = item.replace(span, " ", 1)
    return item


def _path(token: str, code: bool) -> str | None:
    path = token.strip().strip("`'\"“”‘’").lstrip("([{<*").rstrip(".,;:!?)]}>*'\"”’")
    path = re.sub(r":\d+(?:[:-]\d+)?$", "", path)
    path = path.removeprefix("/workspace/")
    while path.startswith("./"):
        path = path[2:]
    if not path or path.startswith(("/", "@", "~")) or "://" in path or not _PATH_CHARS.match(path):
        return None
    if path.lower() in _NOT_FILES or _MIME.match(path):
        return None
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if "." in name and name.rsplit(".", 1)[1].lower() in _EXTENSIONS:
        return path
    return path if code and "/" in path.strip("/") and not path[0].isupper() else None


def claimed_paths(section: Section) -> list[str]:
    """Distinct file paths named in the section's items, in order."""
    if section.empty:
        return []
    found: list[str] = []
    for item, spans in zip(section.items, section.spans, strict=True):
        candidates = [(span, True) for span in spans] + [(word, False) for word in _prose(item, spans).split()]
        found += [p for token, code in candidates if (p := _path(token, code))]
    return list(dict.fromkeys(found))


def _earliest(text: str, public: str, auth: str) -> bool | None:
    hits = []
    for value, words in ((False, public), (True, auth)):
        match = re.search(rf"(?<![\w-])(?:{words})(?![\w-])", text, re.IGNORECASE)
        if match:
            hits.append((match.start(), value))
    return min(hits)[1] if hits else None


def auth_of(text: str, broad: bool = True) -> bool | None:
    """The auth a cell or qualifier states (broad vocabulary for a short one), or None. Status-code phrases
    ("401 without a session", "403 for clients") describe the refusal, not the access, and are skipped."""
    text = _STATUS_PHRASE.sub(" ", text).strip()
    if broad and len(text.split()) <= 4:
        return _earliest(text, _PUBLIC_BROAD, _AUTH_BROAD)
    return _earliest(text, _PUBLIC_STRICT, _AUTH_STRICT)


def _clean_route(path: str) -> str:
    path = path.split("?", 1)[0].split("#", 1)[0].rstrip(".:*_")
    return path.rstrip("/") or "/"


def _column(header: list[str], *words: str, skip: tuple[str | None, ...] = ()) -> str | None:
    return next((h for h in header if h not in skip and any(w in h for w in words)), None)


def _says_existing(qualifier: str, short: bool = True) -> bool:
    """A qualifier led by "existing" ("Existing — now also returns images"), or (``short``) one of up to four
    words saying it ("(Public, existing)"); not "(true = done, keeps an existing `doneAt`; false = reopen)"."""
    brief = short and len(qualifier.split()) <= 4
    return bool(_EXISTING_LEAD.match(qualifier) or (brief and _EXISTING.search(qualifier)))


def _row_claim(row: dict[str, str], line: int) -> EndpointClaim | None:
    header = list(row)
    method_col = _column(header, "method", "verb")
    path_col = _column(header, "path", "route", "endpoint", "url", "uri", skip=(method_col,))
    auth_col = _column(header, "auth", "access", "permission", "protect", "login", "role", "guard", skip=(path_col,))
    cell = row.get(path_col, "") if path_col else ""
    found = _METHOD_PATH.search(cell) or _METHOD_PATH.search(" ".join(row.values()))
    method = found.group(1) if found else ""
    if method_col and (named := re.search(rf"\b({_METHODS})\b", row[method_col].upper())):
        method = named.group(1)
    route = found.group(2) if found else (m.group(1) if (m := _ROUTE.search(cell)) else "")
    cells = [value for key, value in row.items() if key not in (path_col, method_col)]
    parens = [p for value in row.values() for p in _PARENS.findall(value)]
    if not route or any(_says_existing(c, short=False) for c in cells) or any(_says_existing(p) for p in parens):
        return None
    return EndpointClaim(method, _clean_route(route), auth_of(row[auth_col]) if auth_col else None, line)


def _item_claim(item: str, line: int) -> EndpointClaim | None:
    found = _METHOD_PATH.search(item)
    if not found:
        return None
    rest = item[found.end() :]
    parens = _PARENS.findall(rest)
    body = re.sub(r"^\s*(?:[—–:|-]+\s*)?", "", _PARENS.sub(" ", rest, count=1))
    label = _AUTH_LABEL.match(body)  # "Auth: none — ...": the qualifier is the label and its value
    lead = body[: label.end() if label else 0] + _SEPARATOR.split(body[label.end() if label else 0 :], maxsplit=1)[0]
    leading = _PARENS.match(rest.strip())
    qualifiers = [leading.group(1)] if leading else []
    qualifiers += [lead] + [p for p in parens if not leading or p != leading.group(1)]
    if any(_says_existing(q) for q in qualifiers):
        return None
    auth = next((a for q in qualifiers if (a := auth_of(q)) is not None), None)
    if auth is None:
        auth = auth_of(item[: found.start()] + " " + rest, broad=False)
    return EndpointClaim(found.group(1), _clean_route(found.group(2)), auth, line)


def claimed_endpoints(section: Section) -> list[EndpointClaim]:
    """One claim per table row or list item / paragraph line naming an endpoint, in order."""
    if section.empty:
        return []
    claims: dict[int, EndpointClaim] = {}
    for row, line in zip(section.rows, section.row_lines, strict=True):
        if claim := _row_claim(row, line):
            claims[line] = claim
    rows = set(section.row_lines)
    for item, line in zip(section.items, section.item_lines, strict=True):
        if line not in rows and (claim := _item_claim(item, line)):
            claims[line] = claim
    return [claims[line] for line in sorted(claims)]


def _env_name(span: str) -> str | None:
    name = span.strip().removeprefix("process.env.").removeprefix("$").split("=", 1)[0].strip()
    return name if len(name) >= 2 and _UPPER.match(name) and name not in _NOT_ENV else None


def _existing_names(item: str) -> set[str]:
    """Names only mentioned in clauses that call them existing or unchanged ("uses the existing
    `BOOKING_TIMEZONE`"; "`PORT` (already in .env)") without saying "new": not claims of new variables."""
    existing: set[str] = set()
    other: set[str] = set()
    for clause in _CLAUSE.split(item):
        names = set(_CAPS.findall(clause))
        (existing if _EXISTING.search(clause) and not _NEW.search(clause) else other).update(names)
    return existing - other


def claimed_env_vars(section: Section) -> list[str]:
    """Distinct UPPER_SNAKE_CASE names in the items (and ``NAME=`` lines of code blocks), in order; only the
    leading names of an item that starts with one, and no name an item only calls existing or unchanged."""
    if section.empty:
        return []
    names: list[str] = []
    for item, spans in zip(section.items, section.spans, strict=True):
        found: list[str] = []
        for span in spans:
            found += [n] if (n := _env_name(span)) else _UPPER_SNAKE.findall(span)
        first = item.split()[0].rstrip(":,.—–-") if item.split() else ""
        found += [n] if (n := _env_name(first)) else []
        found += _UPPER_SNAKE.findall(_prose(item, spans))
        if _env_name(first):  # an item that starts with a name is about the names before its description
            head = set(_CAPS.findall(_SEPARATOR.split(_PARENS.sub(" ", item), maxsplit=1)[0]))
            found = [n for n in found if n in head]
        existing = _existing_names(item)
        names += [n for n in found if n not in existing]
    names += [m.group(1) for line in section.code if (m := _ENV_CODE.match(line)) and m.group(1) not in _NOT_ENV]
    return list(dict.fromkeys(names))


def _package(token: str) -> str | None:
    found = _PACKAGE.match(token.strip().strip("'\"").rstrip(".,:;"))
    return found.group(1) if found and found.group(1) not in _NOT_PACKAGES else None


def claimed_packages(section: Section) -> list[str]:
    """Distinct npm package names: per item, its code spans before the description, else its first word."""
    if section.empty:
        return []
    names: list[str] = []
    for item, spans in zip(section.items, section.spans, strict=True):
        head = _SEPARATOR.split(_PARENS.sub(" ", item), maxsplit=1)[0]
        found = [p for span in spans if span in head and (p := _package(span))]
        if not found and item.split():
            found = [p] if (p := _package(item.split()[0])) else []
        names += found
    return list(dict.fromkeys(names))


def _identifiers(span: str) -> list[str]:
    name = re.sub(r"\([^()]*\)$", "", span.strip())
    return name.split(".") if _IDENTIFIER.match(name) else []


def item_identifiers(section: Section) -> list[list[str]]:
    """Per item (parallel to ``section.items``): its code-span identifiers, then its snake_case/camelCase words."""
    if section.empty:
        return []
    out: list[list[str]] = []
    for item, spans in zip(section.items, section.spans, strict=True):
        names = [n for span in spans for n in _identifiers(span)] + _WORDS.findall(_prose(item, spans))
        out.append(list(dict.fromkeys(names)))
    return out
