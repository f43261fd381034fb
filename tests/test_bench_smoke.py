"""The benchmark runner's quick mode, on the pure-Python benchmark (no database, no server):
it runs, prints the table, and compares with its baseline. The others need PostgreSQL and
the seeded data set; they run by hand (bench/README.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_of_merge_and_diff() -> None:
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--only", "merge_diff"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    table = done.stdout.split("===== every benchmark")[1]
    assert "three-way merge, 20,000 words" in table
    assert "word diff (compare), 20,000 words" in table
    assert "ratio" in table
