"""The house's floors: ``core`` is imported by the apps and imports none of them; ``config`` is
the project's wiring, which no app imports. A module that reached back up would tie a shared
foundation to one feature, or an app to the deployment it runs in."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["audit", "delegations", "drafts", "notifications", "workflow"]


def imported(package: str) -> dict[str, set[str]]:
    """Every top-level Accord package each module of ``package`` imports, by module path."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_core_imports_no_app_of_accord() -> None:
    reaching_up = {
        module: sorted(names & {*APPS, "config"})
        for module, names in imported("core").items()
        if names & {*APPS, "config"}
    }
    assert reaching_up == {}


def test_no_app_imports_the_project_wiring() -> None:
    reaching_up = {
        module: "config"
        for app in APPS
        for module, names in imported(app).items()
        if "config" in names
    }
    assert reaching_up == {}


def test_the_check_sees_imports() -> None:
    """The walk finds what it looks for: the apps do import ``core``."""
    assert any("core" in names for names in imported("drafts").values())
