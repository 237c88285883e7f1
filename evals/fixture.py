"""The AlloyWebSite fixture: locating it, versioning it, and preparing it once per version.

A prepared fixture is a copy of ``fixtures_repo/`` with its npm dependencies installed (``npm ci``)
and a git repository holding exactly one base commit, so that an agent's changes are ``git diff``
against that commit. Preparation is cached under the harness cache directory by a content hash of
the fixture's files, and is safe to run from several processes at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from evals.errors import SetupError
from evals.toolchain import node_env, require_node

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DIR = REPO_ROOT / "fixtures_repo"
_SKIP_DIRS = {"node_modules", "dist", ".git"}
_SKIP_SUFFIXES = (".tsbuildinfo",)
_BASE_COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "alloy-bench",
    "GIT_AUTHOR_EMAIL": "fixture@alloy-bench.invalid",
    "GIT_COMMITTER_NAME": "alloy-bench",
    "GIT_COMMITTER_EMAIL": "fixture@alloy-bench.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


def git(
    args: list[str], cwd: Path, check: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs git in ``cwd``, trusting the repository whoever owns it (the template belongs to the sandbox user)."""
    return subprocess.run(
        ["git", "-c", "safe.directory=*", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check
    )


def cache_root() -> Path:
    """The harness cache: $ALLOY_BENCH_CACHE, else $XDG_CACHE_HOME/alloy-bench, else ~/.cache/alloy-bench."""
    if env := os.environ.get("ALLOY_BENCH_CACHE"):
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "alloy-bench"


def fixture_files(src: Path = FIXTURE_DIR) -> Iterator[Path]:
    """Yields the fixture's source files (relative paths), in a stable order."""
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if not name.endswith(_SKIP_SUFFIXES):
                yield (Path(dirpath) / name).relative_to(src)


def fixture_version(src: Path = FIXTURE_DIR) -> str:
    """A short content hash of the fixture's files: a changed fixture is a new version."""
    if not (src / "package-lock.json").is_file():
        raise SetupError(f"{src} is not the AlloyWebSite fixture (no package-lock.json). Is the checkout complete?")
    digest = hashlib.sha256()
    for rel in fixture_files(src):
        digest.update(str(rel).encode() + b"\0")
        digest.update((src / rel).read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class PreparedFixture:
    """A fixture version ready to copy per sample: ``app_dir`` has node_modules and one base commit."""

    version: str
    root: Path

    @property
    def app_dir(self) -> Path:
        return self.root / "app"

    def base_commit(self) -> str:
        return git(["rev-parse", "HEAD"], self.app_dir, check=True).stdout.strip()


def copy_workspace(prepared: PreparedFixture, dest: Path) -> Path:
    """Copies the prepared app (with node_modules and .git) to ``dest``, which must not exist.

    A plain deep copy: hardlinks or symlinked node_modules would let writes reach the template.
    """
    out = subprocess.run(["cp", "-a", str(prepared.app_dir), str(dest)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SetupError(f"Could not copy the prepared fixture to {dest}: {out.stderr.strip()}")
    return dest


def prepare_fixture(src: Path = FIXTURE_DIR, cache: Path | None = None) -> PreparedFixture:
    """Returns the prepared copy of ``src``, building it (copy, ``npm ci``, base commit) if needed."""
    require_node()
    version = fixture_version(src)
    cache = cache or cache_root()
    cache.mkdir(parents=True, exist_ok=True)
    prepared = PreparedFixture(version=version, root=cache / f"fixture-{version}")
    marker = prepared.root / ".complete"
    if marker.exists():
        return prepared
    with open(cache / f"fixture-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return prepared
        staging = cache / f".fixture-{version}.staging"
        shutil.rmtree(staging, ignore_errors=True)
        app = staging / "app"
        for rel in fixture_files(src):
            (app / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / rel, app / rel)
        _npm_ci(app)
        _base_commit(app)
        shutil.rmtree(prepared.root, ignore_errors=True)
        staging.rename(prepared.root)
        marker.write_text(version + "\n")
    return prepared


def _npm_ci(app: Path) -> None:
    out = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
        cwd=app,
        env=node_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SetupError(
            "`npm ci` failed while preparing the fixture. It needs the npm registry (or a warm npm cache).\n"
            + (out.stderr.strip() or out.stdout.strip())[-3000:]
        )


def _base_commit(app: Path) -> None:
    env = {**os.environ, **_BASE_COMMIT_ENV}
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "AlloyWebSite base"],
    ):
        out = git(args, app, env=env)
        if out.returncode != 0:
            raise SetupError(f"`git {' '.join(args)}` failed in {app}: {out.stderr.strip()}")


def run_npm_script(
    app_dir: Path, script: str, env: Mapping[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Runs ``npm run <script>`` in ``app_dir`` with extra environment variables."""
    return subprocess.run(
        ["npm", "run", "--silent", script],
        cwd=app_dir,
        env=node_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
