"""The pieces behind the adversarial tests, on their own: what counts as tampering, what the capture does
with huge files and installed packages, the masking of clock times in probe records, the limits' sanity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evals.sandbox.limits import Limits
from evals.sandbox.provider import AlloySandboxConfig
from scorers.changes import MAX_FILE_BYTES, ChangeSet, FileChange, capture
from scorers.grading import tampering
from scorers.probes import stable


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    template, workspace = tmp_path / "template", tmp_path / "workspace"
    (template / "node_modules" / "pg" / "lib").mkdir(parents=True)
    (template / "node_modules" / "pg" / "lib" / "index.js").write_text("module.exports = require('./client');\n")
    (template / "node_modules" / "typescript").mkdir()
    (template / "big.bin").write_bytes(b"\1" * (MAX_FILE_BYTES + 10))
    (template / "package.json").write_text('{"scripts": {"test": "node --test", "check": "tsc"}}\n')
    shutil.copytree(template, workspace, symlinks=True)
    return template, workspace


def test_capture_lists_packages_changed_in_place_but_not_build_info(trees: tuple[Path, Path]) -> None:
    template, workspace = trees
    assert capture(template, workspace, "v").installed == []
    (workspace / "node_modules" / "typescript" / "tsbuildinfo").write_text("{}")  # npm run check writes this
    assert capture(template, workspace, "v").installed == []
    (workspace / "node_modules" / "pg" / "lib" / "index.js").write_text("module.exports = {};\n")
    (workspace / "node_modules" / "cheat").mkdir()
    assert capture(template, workspace, "v").installed == ["node_modules/cheat", "node_modules/pg/lib/index.js"]


def test_huge_files_are_compared_but_never_kept(trees: tuple[Path, Path]) -> None:
    template, workspace = trees
    assert capture(template, workspace, "v").changes == [], "an unchanged huge file is no change"
    (workspace / "big.bin").write_bytes(b"\2" * (MAX_FILE_BYTES + 10))
    (workspace / "fill.bin").write_bytes(b"\0" * (MAX_FILE_BYTES + 1))
    changes = {c.path: c for c in capture(template, workspace, "v").changes}
    assert set(changes) == {"big.bin", "fill.bin"}
    assert all(c.omitted and c.content is None for c in changes.values())


def _change(path: str, content: str | None = "x", status: str = "modified") -> FileChange:
    return FileChange(path=path, status=status, content=content)  # type: ignore[arg-type]


def test_tampering_names_tests_packages_and_scripts(trees: tuple[Path, Path]) -> None:
    template, _ = trees
    honest = ChangeSet(fixture_version="v", changes=[_change("server/routes.ts")])
    assert tampering(honest, template) == []
    same_scripts = _change("package.json", '{"scripts": {"check": "tsc", "test": "node --test"}, "x": 1}')
    assert tampering(ChangeSet(fixture_version="v", changes=[same_scripts]), template) == []
    cheat = ChangeSet(
        fixture_version="v",
        changes=[
            _change("package.json", '{"scripts": {"test": "echo ok", "check": "tsc"}}'),
            _change("tests/helpers.ts", None, "deleted"),
        ],
        installed=["node_modules/pg/lib/index.js"],
    )
    found = tampering(cheat, template)
    assert len(found) == 3
    assert found[0].startswith("tests/helpers.ts: test file deleted")
    assert found[1].startswith("node_modules/pg/lib/index.js: package changed in place")
    assert found[2].startswith("package.json: scripts changed (test;")


def test_probe_records_mask_clock_times_and_random_ids() -> None:
    record = {
        "valid": {
            "status": 201,
            "body": {
                "data": {
                    "id": 7,
                    "createdAt": "2026-11-27T10:37:12.123Z",
                    "userId": "4f0c5e1e-9d1b-4c1a-9a7e-1b2c3d4e5f60",
                }
            },
        },
        "log": ["saved at 2026-11-27 10:37:12.5+00 by 4F0C5E1E-9D1B-4C1A-9A7E-1B2C3D4E5F60"],
    }
    masked = stable(record)
    assert masked["valid"]["body"]["data"] == {"id": 7, "createdAt": "<time>", "userId": "<uuid>"}
    assert masked["log"] == ["saved at <time> by <uuid>"]
    assert masked["valid"]["status"] == 201
    assert stable(masked) == masked


def test_the_disk_limit_must_leave_memory_for_the_processes() -> None:
    assert Limits().disk_mb <= Limits().memory_mb - 1024
    with pytest.raises(ValueError, match="disk_mb .* must be at least 1024 below memory_mb"):
        Limits(memory_mb=2048, disk_mb=2048)
    with pytest.raises(ValueError, match="disk_mb"):
        AlloySandboxConfig(disk_mb=8192)
