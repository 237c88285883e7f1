"""``no-hardcoded-secrets``: no secrets, e-mail addresses or API keys in code; configuration comes from ``process.env``.

Literal classifiers (pure functions of a string value, unit-tested) and tree-sitter queries, then the rule.
Known key formats come from Yelp's detect-secrets regex plugins, run directly on each value (no global
settings, no network verification), plus a few shapes it lacks; entropy uses its Shannon calculators.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
from collections.abc import Iterator

from detect_secrets.filters.heuristic import is_potential_uuid, is_sequential_string, is_templated_secret
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString, HexHighEntropyString
from tree_sitter import Node

from scorers import ts
from scorers.rules import RuleResult, failed, not_applicable, passed, rule
from scorers.rules.context import RuleContext

RULE = "no-hardcoded-secrets"
SUFFIXES = (".ts", ".tsx", ".mts", ".cts")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_KEY_SHAPES = (  # formats detect-secrets misses or only matches in a longer form
    ("Stripe key", re.compile(r"\b[spr]k_(?:live|test)_[0-9A-Za-z]{8,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("API key", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}")),
    ("authorization header with a token", re.compile(r"^\s*(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{16,}\s*$")),
)
_PASSWORD_WORDS = {"secret", "secrets", "password", "passwords", "passwd", "pwd", "pass", "passphrase"}
_TOKEN_WORDS = {"token", "tokens", "apikey", "privatekey"}
_ENV_WORDS = _PASSWORD_WORDS | _TOKEN_WORDS | {"key", "email", "emails", "dsn", "credential", "credentials"}
_KEY_QUALIFIERS = {"api", "secret", "private", "access", "auth", "client", "signing", "encryption", "master",
                   "service", "license", "app", "webhook", "session", "jwt", "hmac"}  # fmt: skip
_DIGEST_WORDS = {"hash", "sha", "sha1", "sha256", "sha512", "md5", "digest", "checksum", "etag", "id", "uuid",
                 "integrity", "slug"}  # fmt: skip
_WRAPPERS = ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression")
_MODULE_STATEMENTS = ("import_statement", "export_statement")
_COMPARISONS = ("==", "===", "!=", "!==")
_ENV_OBJECTS = ("process.env", "import.meta.env")
ENV_HELPER = re.compile(r"^(?:read|get|require|load)|env|config|setting|secret", re.I)


_PLUGINS = ("artifactory", "aws", "azure_storage_key", "basic_auth", "cloudant", "discord", "github_token",
            "gitlab_token", "ibm_cloud_iam", "ibm_cos_hmac", "jwt", "mailchimp", "npm", "openai", "private_key",
            "pypi_token", "sendgrid", "slack", "softlayer", "square_oauth", "stripe", "telegram_token",
            "twilio")  # fmt: skip
"""detect-secrets' format plugins; not ip_public (an address is no secret), keyword or entropy (done here)."""


@functools.cache
def _detectors() -> tuple[RegexBasedDetector, ...]:
    found: list[RegexBasedDetector] = []
    for name in _PLUGINS:
        module = importlib.import_module(f"detect_secrets.plugins.{name}")
        found += [
            cls()
            for _, cls in sorted(vars(module).items())
            if isinstance(cls, type) and issubclass(cls, RegexBasedDetector) and cls.__module__ == module.__name__
        ]
    return tuple(found)


# ---- literal classifiers (pure functions of a string) -------------------------------------------------------


def emails_in(value: str) -> list[tuple[int, str]]:
    """(offset, address) of every e-mail address in a literal value (``"Alloy <hello@x.io>"`` included); the
    ``user:pass@host`` part of a URL is not an address (see :func:`keys_in`)."""
    matches = _EMAIL.finditer(value)
    return [(m.start(), m.group()) for m in matches if not re.search(r"://[^\s/@]*$", value[: m.start()])]


def keys_in(value: str, urls: bool = True) -> list[tuple[int, str]]:
    """(offset, kind) of known key/token formats, and of credentials in URLs (``postgres://u:p@h``) when
    ``urls``; a value holding several of one kind is reported once per match."""
    found: dict[int, str] = {}
    for kind, pattern in _KEY_SHAPES:
        for match in pattern.finditer(value):
            found.setdefault(match.start(), kind)
    for detector in _detectors():
        if not urls and detector.secret_type == "Basic Auth Credentials":
            continue
        kind = "credentials in a URL" if detector.secret_type == "Basic Auth Credentials" else detector.secret_type
        for secret in detector.analyze_string(value):
            offset = value.find(secret) if secret else -1
            if offset >= 0 and not any(start <= offset < start + 8 for start in found):
                found[offset] = kind
    return sorted(found.items())


def looks_random(value: str, min_length: int = 16) -> bool:
    """A random-looking token: ``min_length``+ base64/hex characters (no spaces, dots, colons) with a digit and
    a letter, not a UUID, a sequence or a repetition, and Shannon entropy at least 80% of the most its length
    and alphabet allow (``seed-token-reader-one-0001`` is not random; ``kJ8s9dF2mQ7xL4pR`` is)."""
    if len(value) < min_length or not re.fullmatch(r"[A-Za-z0-9+/=_-]+", value):
        return False
    if not (re.search(r"\d", value) and re.search(r"[A-Za-z]", value)):
        return False
    if is_potential_uuid(value) or is_sequential_string(value) or re.fullmatch(r"(.+?)\1+", value):
        return False
    return _entropy(value) >= 0.8 * math.log2(min(len(value), 16 if _is_hex(value) else 64))


def is_token_like(value: str) -> bool:
    """An unnamed literal that is a token: random-looking, 32+ characters, and above detect-secrets' own
    entropy limits (hex 3.0, base64 4.5)."""
    return looks_random(value, 32) and _entropy(value) > (3.0 if _is_hex(value) else 4.5)


def _is_hex(value: str) -> bool:
    return re.fullmatch(r"[0-9a-fA-F]+", value) is not None


def _entropy(value: str) -> float:
    plugin = HexHighEntropyString() if _is_hex(value) else Base64HighEntropyString()
    return plugin.calculate_shannon_entropy(value)


def name_words(name: str) -> list[str]:
    """``apiKey`` / ``API_KEY`` / ``X-Api-Key`` → ``["api", "key"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", name))
    return [word.lower() for word in re.split(r"[^A-Za-z0-9]+", spaced) if word]


def secret_name_kind(name: str) -> str | None:
    """``password`` when a name holds a password or secret (last word secret/password/passwd/pwd/pass:
    ``sessionSecret``, ``dbPass``), ``token`` when it holds a token or key (last word token, or ``key`` after
    api/private/access/…: ``apiKey``, ``X-Api-Key``); None otherwise (``tokenType``, ``passwordHash``,
    ``cacheKey``, ``credentials`` — fetch's ``credentials: "include"``)."""
    words = name_words(name)
    if not words:
        return None
    if words[-1] in _PASSWORD_WORDS:
        return "password"
    is_key = words[-1] == "key" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS
    return "token" if words[-1] in _TOKEN_WORDS or is_key else None


def is_secret_env_name(name: str) -> bool:
    """An environment variable that holds a secret or an address: any word KEY, SECRET, TOKEN, PASSWORD, PASS,
    PWD, CREDENTIALS, EMAIL, DSN, or a database URL (``DATABASE_URL``, ``*_DB_URL``, ``*_CONNECTION_STRING``)."""
    words = name_words(name)
    joined = "_".join(words)
    if set(words) & _ENV_WORDS:
        return True
    return any(part in joined for part in ("database_url", "db_url", "connection_string"))


def is_secret_value(value: str) -> bool:
    """Whether a literal given to a secret-named binding is a credential: 6+ characters without whitespace, not
    an env var name (``SESSION_SECRET``), a placeholder (``<key>``, ``{token}``, ``[redacted]``, ``*****``) or a
    capitalised label (``"Password"``). The empty string and ``"Bearer "`` are not credentials."""
    if len(value) < 6 or re.search(r"\s", value) or not re.search(r"[A-Za-z0-9]", value):
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", value) or re.fullmatch(r"[A-Z][a-z]+", value):
        return False
    return not (is_templated_secret(value) or re.fullmatch(r"\[.*\]", value))


# ---- syntax -------------------------------------------------------------------------------------------------


def _operator(node: Node) -> str:
    return ts.text(node.child_by_field_name("operator"))


def _unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in _WRAPPERS:
        node = node.named_children[0] if node.named_children else None
    return node


def literal_value(node: Node) -> str | None:
    """The value of a string or template literal (``${…}`` → a space, newlines kept); None for other nodes."""
    data = node.text or b""
    if node.type == "string" and node.children and node.children[0].type in ('"', "'"):
        return data[1:-1].decode(errors="replace")
    if node.type != "template_string":
        return None
    parts, position = [], node.start_byte + 1
    for child in node.children:
        if child.type == "template_substitution":
            parts.append(data[position - node.start_byte : child.start_byte - node.start_byte])
            parts.append(b" " + b"\n" * (child.text or b"").count(b"\n"))
            position = child.end_byte
    parts.append(data[position - node.start_byte : -1])
    return b"".join(parts).decode(errors="replace")


def _literals(root: Node) -> Iterator[tuple[Node, str]]:
    for node in ts.walk(root):
        value = literal_value(node)
        if value is not None and (node.parent is None or node.parent.type not in _MODULE_STATEMENTS):
            yield node, value


def parameter_names(root: Node) -> dict[str, list[str | None]]:
    """Parameter names of the functions a file declares (``function f(a, b)``, ``const f = (a, b) => …``)."""
    found: dict[str, list[str | None]] = {}
    for node in ts.walk(root):
        function = node.child_by_field_name("value") if node.type == "variable_declarator" else node
        if function is None or function.type not in ("function_declaration", "arrow_function", "function_expression"):
            continue
        parameters = function.child_by_field_name("parameters")
        if parameters is not None:
            patterns = [p.child_by_field_name("pattern") for p in parameters.named_children if p.type != "comment"]
            names = [ts.text(p) if p is not None and p.type == "identifier" else None for p in patterns]
            found[ts.text(node.child_by_field_name("name"))] = names
    return found


def bound_name(literal: Node, parameters: dict[str, list[str | None]] | None = None) -> str | None:
    """The name a literal is given to: ``name = "…"``, ``{ name: "…" }``, ``obj.name = "…"``, a default
    ``(name = "…")``, a class field, the other side of ``name === "…"``, or the parameter it is passed to
    when the called function is declared in the same file (``seedUser(email, "…")`` → ``password``)."""
    node, parent = literal, literal.parent
    while parent is not None and parent.type in _WRAPPERS:
        node, parent = parent, parent.parent
    if parent is None:
        return None
    field = parent.child_by_field_name
    target: Node | None = None
    if field("value") == node:
        target = field("name") or field("key") or field("pattern")
    elif field("right") == node and parent.type != "binary_expression":
        target = field("left")
    elif parent.type == "binary_expression" and _operator(parent) in _COMPARISONS:
        target = _unwrap(field("right") if field("left") == node else field("left"))
    elif parent.type == "arguments" and parent.parent is not None and parameters:
        names = parameters.get(ts.text(parent.parent.child_by_field_name("function")), [])
        position = [a for a in parent.named_children if a.type != "comment"].index(node)
        return names[position] if position < len(names) else None
    if target is not None and target.type == "member_expression":
        target = target.child_by_field_name("property")
    name = ts.text(target).strip("\"'`")
    return name if target is not None and re.fullmatch(r"[\w$-]+", name) else None


def env_name(node: Node | None) -> str | None:
    """``X`` for ``process.env.X`` / ``process.env["X"]`` (also ``import.meta.env``, through ``!``/``as``)."""
    node = _unwrap(node)
    if node is None or node.type not in ("member_expression", "subscript_expression"):
        return None
    if not _is_env_object(node.child_by_field_name("object")):
        return None
    if node.type == "member_expression":
        return ts.text(node.child_by_field_name("property"))
    index = node.child_by_field_name("index")
    return literal_value(index) if index is not None else None


def _is_env_object(node: Node | None) -> bool:
    return "".join(ts.text(_unwrap(node)).split()) in _ENV_OBJECTS


def _fallback_text(node: Node | None, constants: dict[str, str]) -> str | None:
    node = _unwrap(node)
    if node is None:
        return None
    if node.type == "identifier":
        return constants.get(ts.text(node))
    value = literal_value(node)
    return value if value is not None and value.strip() else None


def _spine(node: Node | None) -> list[Node]:
    """The operands of an ``a || b ?? c`` chain left of its last operator."""
    node = _unwrap(node)
    if node is not None and node.type == "binary_expression" and _operator(node) in ("||", "??"):
        return _spine(node.child_by_field_name("left")) + _spine(node.child_by_field_name("right"))
    return [node] if node is not None else []


def env_fallbacks(root: Node) -> list[tuple[Node, str]]:
    """Config reads of secret-looking variables that fall back to (or are set to) a hardcoded value:
    ``process.env.X || "…"`` / ``?? "…"`` / ``?? CONST`` (a same-file string constant), ``process.env.X ? … : "…"``,
    ``process.env.X = "…"`` (also ``??=``), ``const { X = "…" } = process.env``, and ``getEnv("X", "…")``-style
    helpers. An empty-string fallback (``?? ""``) and fallbacks for non-secret settings (PORT, page size) pass."""
    constants = {
        ts.text(n.child_by_field_name("name")): value
        for n in ts.walk(root)
        if n.type == "variable_declarator" and (value := _fallback_text(n.child_by_field_name("value"), {}))
    }
    found: list[tuple[Node, str]] = []

    def check(node: Node, names: list[str | None], fallback: Node | None) -> None:
        secret = next((n for n in names if n and is_secret_env_name(n)), None)
        if secret and _fallback_text(fallback, constants) is not None:
            found.append((node, f"hardcoded fallback for {secret}; read it from process.env without a default"))

    for node in ts.walk(root):
        field = node.child_by_field_name
        if node.type == "binary_expression" and _operator(node) in ("||", "??"):
            check(node, [env_name(n) for n in _spine(field("left"))], field("right"))
        elif node.type == "ternary_expression":
            check(node, [env_name(field("condition")), env_name(field("consequence"))], field("alternative"))
            check(node, [env_name(field("alternative"))], field("consequence"))
        elif node.type in ("assignment_expression", "augmented_assignment_expression"):
            check(node, [env_name(field("left"))], field("right"))
        elif node.type == "variable_declarator" and _is_env_object(field("value")):
            for default in ts.walk(field("name") or node):  # const { X = "…", Y: y = "…" } = process.env
                if default.type == "object_assignment_pattern":
                    check(default, [ts.text(default.child_by_field_name("left"))], default.child_by_field_name("right"))
                elif default.type == "assignment_pattern" and default.parent is not None:
                    key = ts.text(default.parent.child_by_field_name("key"))
                    check(default, [key], default.child_by_field_name("right"))
        elif node.type == "call_expression" and ENV_HELPER.search(ts.text(field("function")).rsplit(".", 1)[-1]):
            args = ts.call_arguments(node)
            first = literal_value(args[0]) if args else None
            if first and re.fullmatch(r"[A-Z][A-Z0-9_]*", first):
                for extra in args[1:]:
                    check(node, [first], extra)
    return found


# ---- the rule -----------------------------------------------------------------------------------------------


def literal_problems(value: str, name: str | None = None) -> list[tuple[int, str]]:
    """(offset, why) for one literal value, given the name it is bound to (if any)."""
    problems = [(offset, f"e-mail address {address!r}") for offset, address in emails_in(value)]
    problems += keys_in(value)
    words = name_words(name or "")
    if not problems and is_token_like(value.strip()) and not (words and words[-1] in _DIGEST_WORDS):
        problems.append((0, "high-entropy token"))
    kind = secret_name_kind(name or "")
    if not problems and (is_secret_value(value) if kind == "password" else kind == "token" and looks_random(value)):
        problems.append((0, f"hardcoded {kind} value for {name!r}"))
    return problems


def _line(node: Node, value: str, offset: int) -> int:
    return node.start_point[0] + 1 + value[:offset].count("\n")


def file_findings(source: str, path: str, changed: frozenset[int]) -> tuple[list[str], int]:
    """Evidence lines for one file's changed lines, and how many literals on changed lines were checked."""
    root = ts.parse(source, path).root_node
    parameters = parameter_names(root)
    evidence: list[str] = []
    checked = 0
    for node, value in _literals(root):
        if not changed.intersection(ts.lines(node)):
            continue
        checked += 1
        name = bound_name(node, parameters)
        shown = node.parent if name and node.parent is not None else node
        shown = shown.parent if shown.type == "arguments" and shown.parent is not None else shown
        for offset, why in literal_problems(value, name):
            line = _line(node, value, offset)
            if line in changed:
                evidence.append(f"{path}:{line}: {ts.snippet(shown, 120)} ({why})")
    for node in ts.walk(root):
        if node.type == "comment" and changed.intersection(ts.lines(node)):
            value = ts.text(node)
            for offset, kind in keys_in(value, urls=False):
                if (line := _line(node, value, offset)) in changed:
                    evidence.append(f"{path}:{line}: {ts.snippet(node, 120)} ({kind} in a comment)")
    for node, why in env_fallbacks(root):
        if changed.intersection(ts.lines(node)):
            evidence.append(f"{path}:{node.start_point[0] + 1}: {ts.snippet(node, 120)} ({why})")
    return sorted(dict.fromkeys(evidence), key=lambda line: int(line[len(path) + 1 :].split(":", 1)[0])), checked


@rule(RULE, "no secrets, e-mail addresses or API keys in code; configuration comes from process.env")
def no_hardcoded_secrets(ctx: RuleContext) -> RuleResult:
    """Fails for any of these on a line the agent added or changed in a TypeScript file:

    - a string/template literal containing an e-mail address (``"admin@alloy.example"``, ``"A <a@x.io>"``);
    - a known key or token format (detect-secrets plugins + Stripe ``sk_/pk_/rk_live|test_``, ``AIza…``,
      ``ghp_…``, ``xox?-…``, ``sk-…``, ``AKIA…``, private-key headers, JWTs) or a ``Bearer <token>`` header value;
    - credentials in a URL (``postgres://user:pass@host``);
    - a 32+ character high-entropy token anywhere (not a UUID; not when bound to a hash/digest/id/slug name);
    - a literal bound to a secret name (assigned, a property, a default, compared with ``===``, or passed to a
      same-file function's parameter): for password/secret names (``password``, ``sessionSecret``, ``dbPass``)
      any 6+ non-space value that is not a placeholder or label; for token/key names (``apiKey``,
      ``accessToken``, ``X-Api-Key``) a random-looking value of 16+ characters (``seed-token-…-0001`` passes);
    - a hardcoded fallback in a config read of a secret-looking env var (``process.env.SESSION_SECRET ||
      "dev"``, ``?? "…"``, ternaries, ``process.env.X = "…"``, destructuring defaults, ``getEnv("X", "…")``).
    Known key formats also fail inside comments. Passes: ``z.string().email()``, "Invalid email address",
    ``process.env.STUDIO_INBOX_EMAIL`` (or ``?? ""``), ``config.mail.studioInbox``, hex colours, UUIDs,
    ``"Bearer "``, ``token = randomBytes(24).toString("hex")``, fallbacks for non-secret settings (PORT).
    Import specifiers are skipped. Seed data is not exempt: a new or edited demo e-mail literal fails.
    """
    files = ctx.changed_files(SUFFIXES)
    if not files:
        return not_applicable(RULE, "no TypeScript file changed")
    evidence: list[str] = []
    checked = 0
    for change in files:
        found, count = file_findings(ctx.after(change) or "", change.path, ctx.changed_lines(change.path))
        evidence += found
        checked += count
    if evidence:
        return failed(RULE, evidence)
    return passed(RULE, f"{checked} string literal(s) on changed lines; no secret, e-mail address or key")
