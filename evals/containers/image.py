"""Builds the alloy-bench image: the prepared fixture (with node_modules and its base commit) in a build
context beside ``Dockerfile``, so that the container's workspace is the very template the grader compares
with.

    python -m evals.containers.image build [--base IMAGE] [--tag NAME]
    python -m evals.containers.image check [--tag NAME]

The image is tagged ``alloy-bench:latest`` and ``alloy-bench:fixture-<version>``; ``/opt/alloy/fixture-version``
inside it names the fixture version, checked when changes are captured.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.errors import SetupError
from evals.fixture import PreparedFixture, prepare_fixture

HERE = Path(__file__).resolve().parent
RECIPE = ("Dockerfile", "entrypoint.sh")
DOCKERFILE = HERE / "Dockerfile"
COMPOSE_FILE = HERE / "compose.yaml"
IMAGE = "alloy-bench:latest"
DEFAULT_BASE = "node:20-bookworm-slim"
ENGINE_HINT = 'Start an engine with `scripts/docker-engine.sh start` and `eval "$(scripts/docker-engine.sh env)"`.'


def docker(args: list[str], timeout: float = 60, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Runs the docker CLI; SetupError when it is not installed."""
    if shutil.which("docker") is None:
        raise SetupError(f"the docker CLI was not found on PATH. {ENGINE_HINT}")
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False, **kwargs)  # type: ignore[call-overload]


def engine_version() -> str | None:
    """The Docker Engine's version, or None when no engine answers (DOCKER_HOST or the default socket)."""
    try:
        out = docker(["version", "--format", "{{.Server.Version}}"], timeout=15)
    except (SetupError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def recipe_hash() -> str:
    """Hash of the image's recipe (Dockerfile and entrypoint): an image built from another recipe is stale."""
    digest = hashlib.sha256()
    for name in RECIPE:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:12]


def _label(tag: str, name: str) -> str | None:
    out = docker(["image", "inspect", "--format", f'{{{{index .Config.Labels "alloy-bench.{name}"}}}}', tag])
    return out.stdout.strip() or None if out.returncode == 0 else None


def image_fixture_version(tag: str = IMAGE) -> str | None:
    """The fixture version the image was built from, or None when the image is missing."""
    return _label(tag, "fixture-version")


def check_image(prepared: PreparedFixture, tag: str = IMAGE) -> None:
    """SetupError unless ``tag`` exists and holds this checkout's fixture version."""
    if engine_version() is None:
        raise SetupError(f"no Docker engine answers (DOCKER_HOST={os.environ.get('DOCKER_HOST', '')}). {ENGINE_HINT}")
    found = image_fixture_version(tag)
    if found is None:
        raise SetupError(f"the image {tag} is not in the Docker engine. Build it: scripts/docker-engine.sh start")
    if found != prepared.version:
        raise SetupError(
            f"the image {tag} holds fixture version {found}, this checkout has {prepared.version}; "
            "rebuild it: scripts/docker-engine.sh image"
        )
    if _label(tag, "recipe") != recipe_hash():
        raise SetupError(
            f"the image {tag} was built from an older Dockerfile or entrypoint; "
            "rebuild it: scripts/docker-engine.sh image"
        )


def build_context(prepared: PreparedFixture, context: Path) -> None:
    """Dockerfile, entrypoint, the prepared app (``app/``) and the fixture version, in ``context``."""
    for name in RECIPE:
        shutil.copy2(HERE / name, context / name)
    out = subprocess.run(["cp", "-a", str(prepared.app_dir), str(context / "app")], capture_output=True, text=True)
    if out.returncode != 0:
        raise SetupError(f"could not copy the prepared fixture into the build context: {out.stderr.strip()}")
    (context / "fixture-version").write_text(prepared.version + "\n")


def build(base: str = DEFAULT_BASE, tag: str = IMAGE) -> float:
    """Builds the image from the prepared fixture on ``base``; returns the seconds it took."""
    if engine_version() is None:
        raise SetupError(f"no Docker engine answers. {ENGINE_HINT}")
    prepared = prepare_fixture()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="alloy-image-") as tmp:
        context = Path(tmp)
        build_context(prepared, context)
        versioned = f"{tag.rsplit(':', 1)[0]}:fixture-{prepared.version}"
        label = f"alloy-bench.fixture-version={prepared.version}"
        args = [
            "build",
            "--build-arg",
            f"BASE_IMAGE={base}",
            "--label",
            label,
            "--label",
            f"alloy-bench.recipe={recipe_hash()}",
            "-t",
            tag,
            "-t",
            versioned,
            str(context),
        ]
        out = docker(args, timeout=1800)
    if out.returncode != 0:
        raise SetupError(f"docker build failed:\n{(out.stderr or out.stdout)[-4000:]}")
    return time.monotonic() - started


def image_size(tag: str = IMAGE) -> int:
    out = docker(["image", "inspect", "--format", "{{.Size}}", tag])
    return int(out.stdout.strip()) if out.returncode == 0 else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.containers.image", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("build", "check"))
    parser.add_argument("--base", default=DEFAULT_BASE, help=f"base image (default {DEFAULT_BASE})")
    parser.add_argument("--tag", default=IMAGE, help=f"image tag (default {IMAGE})")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            seconds = build(args.base, args.tag)
            print(f"built {args.tag} on {args.base} in {seconds:.1f} s ({image_size(args.tag) / 1e6:.0f} MB)")
        else:
            check_image(prepare_fixture(), args.tag)
            print(f"{args.tag} is up to date (fixture {prepare_fixture().version})")
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
