"""Shared loader for the neutral conformance vectors kept beside the checkout (never copied).

The corpus lives in `<checkout>/../shared/conformance`; CI clones `shared/` next to the repo.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any


@cache
def conformance_root() -> Path:
    """`<git checkout root>/../shared/conformance` (it may not exist)."""
    here = Path(__file__).resolve().parent
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=here,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        repo_root = Path(top)
    except (OSError, subprocess.CalledProcessError):
        repo_root = here.parents[1]  # tests/conformance -> repository root
    return repo_root.parent / "shared" / "conformance"


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The neutral cases of one `extracted-*.json` file (a JSON list of case objects)."""
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return cases
