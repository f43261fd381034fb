"""axe-core, from npm (``package.json``), run inside a page by Playwright.

The page's Content Security Policy forbids inline scripts, so ``add_script_tag(content=…)``
is refused; ``page.evaluate`` of the library's source runs from the automation side and is not
subject to the page's policy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
IMPACTS = ("critical", "serious", "moderate", "minor")


@cache
def axe_source() -> str:
    """axe-core's source; skips the test without it, or fails it under ACCORD_REQUIRE_BROWSER=1."""
    if not AXE_PATH.is_file():
        message = "axe-core is not installed: run `npm ci` (./accord test does it when npm exists)"
        if os.environ.get("ACCORD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ACCORD_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    return AXE_PATH.read_text(encoding="utf-8")


@dataclass
class AxeResult:
    """What axe found on one page: its violations, by rule, each with the nodes it matched."""

    name: str
    url: str
    violations: list[dict[str, Any]] = field(default_factory=list)

    def count(self, impact: str) -> int:
        return sum(len(v["nodes"]) for v in self.violations if v["impact"] == impact)

    @property
    def blocking(self) -> list[dict[str, Any]]:
        """The serious and critical violations: the ones WCAG 2.2 AA work must not leave."""
        return [v for v in self.violations if v["impact"] in ("serious", "critical")]

    def describe(self) -> str:
        lines = []
        for v in self.violations:
            for node in v["nodes"]:
                target = " ".join(str(t) for t in node["target"])
                summary = node.get("failureSummary", "").replace("\n", " ")
                lines.append(f"  {v['impact']:8} {v['id']}: {target} — {summary}")
        return "\n".join(lines)


def run_axe(page: Page, name: str) -> AxeResult:
    """Run axe (WCAG 2.2 A and AA rules) on what the page shows now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    raw = page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: { type: "tag", values: tags },
                resultTypes: ["violations"],
            });
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
            }));
        }""",
        WCAG_TAGS,
    )
    return AxeResult(name=name, url=page.url, violations=raw)


def table(results: list[AxeResult]) -> str:
    """One line per page: violations (counted by element) by impact."""
    width = max([len(r.name) for r in results] + [4])
    head = f"{'page':{width}}  " + "  ".join(f"{i:>8}" for i in IMPACTS)
    rows = [f"{r.name:{width}}  " + "  ".join(f"{r.count(i):>8}" for i in IMPACTS) for r in results]
    return "\n".join([head, *rows])
