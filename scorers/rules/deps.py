"""``no-new-deps``: no package is added to package.json or to the lockfile, and none is installed."""

from __future__ import annotations

import json

from scorers.rules import RuleResult, failed, passed, rule
from scorers.rules.context import RuleContext
from scorers.transcript import package_installs, package_runs

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


def _local_packages(ctx: RuleContext) -> set[str]:
    """Packages the fixture declares and binaries it already has in ``node_modules/.bin`` (``tsx``, ``tsc``)."""
    names = {key.split(".", 1)[1] for key in _declared(_json(ctx.before("package.json")))}
    bin_dir = ctx.template / "node_modules" / ".bin"
    return names | ({entry.name for entry in bin_dir.iterdir()} if bin_dir.is_dir() else set())


@rule("no-new-deps", "no new npm dependencies")
def no_new_deps(ctx: RuleContext) -> RuleResult:
    """Fails for each of these:

    - package.json declares a package the fixture did not (in dependencies, devDependencies,
      optionalDependencies or peerDependencies);
    - package-lock.json gains a package entry;
    - the transcript installs a named package (:func:`scorers.transcript.package_installs`: ``npm install
      <pkg>`` and its aliases, ``pnpm add``, ``yarn add``, ``yarn global add``, ``bun add``), project-local or
      global (``-g``), even when it was uninstalled later or the final diff no longer shows it (the agent
      still reached for a package). One evidence line per install command. An install whose packages the
      fixture already declares (``npm install zod``) adds nothing new: it is listed in the evidence, and a
      version change it makes is judged like any other (not a new dependency).

    Not a new dependency: version changes of existing packages, removed packages, plain ``npm install`` /
    ``npm ci`` (they install what the lockfile already lists) and ``npm run …``. Package *runs* (``npx``,
    ``npm exec``, ``pnpm dlx``, ``yarn dlx``, ``bunx``) do not fail either: they fetch and run a tool once
    without adding anything the app can import or that package.json or the lockfile record, and ``npx tsc``
    or ``npx drizzle-kit`` just run binaries the fixture already has; runs of packages the fixture does not
    have are listed in the evidence of a pass. Changes to node_modules are never part of the change set: the
    grader runs with the fixture's own node_modules, so an installed-only package fails the tests as well.
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
    declared = {key.split(".", 1)[1] for key in _declared(_json(ctx.before("package.json")))}
    installs = package_installs(ctx.messages)
    evidence += [f.describe() for f in installs if f.kind == "global" or not set(f.items) <= declared]
    if evidence:
        return failed("no-new-deps", evidence)
    runs = package_runs(ctx.messages, _local_packages(ctx)) if ctx.messages else []
    return passed(
        "no-new-deps",
        "package.json and package-lock.json declare no new package",
        *(["transcript: no new package installed"] if ctx.messages else []),
        *(f"already a dependency: {f.describe()}" for f in installs),
        *(f"not an install: {finding.describe()}" for finding in runs),
    )
