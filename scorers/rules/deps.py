"""``no-new-deps``: no package is added to package.json or to the lockfile."""

from __future__ import annotations

import json

from scorers.rules import RuleResult, failed, passed, rule
from scorers.rules.context import RuleContext

_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


def _json(text: str | None) -> dict[str, object]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _declared(manifest: dict[str, object]) -> dict[str, str]:
    found: dict[str, str] = {}
    for section in _SECTIONS:
        entries = manifest.get(section)
        if isinstance(entries, dict):
            found.update({f"{section}.{name}": str(version) for name, version in entries.items()})
    return found


def _locked(lock: dict[str, object]) -> set[str]:
    packages = lock.get("packages")
    return {key for key in packages if key} if isinstance(packages, dict) else set()


@rule("no-new-deps", "no new npm dependencies")
def no_new_deps(ctx: RuleContext) -> RuleResult:
    """Fails when package.json declares a package the fixture did not, or the lockfile gains a package.

    Version changes of existing packages and removed packages are not new dependencies (other rules and the
    hidden tests see their effect). Changes to node_modules are never part of the change set: the grader
    runs with the fixture's own node_modules, so an installed-only package fails the tests instead.
    """
    evidence = []
    manifest = ctx.changes.get("package.json")
    if manifest is not None and manifest.status != "deleted":
        before, after = _declared(_json(ctx.before("package.json"))), _declared(_json(manifest.text()))
        evidence += [f"package.json: + {key} {after[key]}" for key in sorted(set(after) - set(before))]
    lock = ctx.changes.get("package-lock.json")
    if lock is not None and lock.status != "deleted":
        added = sorted(_locked(_json(lock.text())) - _locked(_json(ctx.before("package-lock.json"))))
        evidence += [f"package-lock.json: + {key}" for key in added[:20]]
        if len(added) > 20:
            evidence.append(f"package-lock.json: ... {len(added) - 20} more")
    if evidence:
        return failed("no-new-deps", evidence)
    return passed("no-new-deps", "package.json and package-lock.json declare no new package")
