"""What grades a sample: hidden tests, rule compliance, the report, and the process."""

import hashlib
from pathlib import Path


def scorer_version() -> str:
    """A short content hash of the grading code: scores from different scorer versions are not comparable."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
