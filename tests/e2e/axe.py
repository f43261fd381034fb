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
    # What axe could not decide alone ("needs review"), e.g. an aria-describedby whose target
    # it cannot find: counted, and the critical ones block like violations.
    review: list[dict[str, Any]] = field(default_factory=list)

    def count(self, impact: str) -> int:
        return sum(len(v["nodes"]) for v in self.violations if v["impact"] == impact)

    def count_review(self) -> int:
        return sum(len(v["nodes"]) for v in self.review)

    @property
    def blocking(self) -> list[dict[str, Any]]:
        """The serious and critical violations, and the critical items needing review: the
        ones WCAG 2.2 AA work must not leave."""
        return [v for v in self.violations if v["impact"] in ("serious", "critical")] + [
            v for v in self.review if v["impact"] == "critical"
        ]

    def describe(self) -> str:
        lines = []
        for v in [
            *self.violations,
            *({**r, "impact": f"review:{r['impact']}"} for r in self.review),
        ]:
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
                resultTypes: ["violations", "incomplete"],
            });
            const shape = (v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
            });
            return [results.violations.map(shape), results.incomplete.map(shape)];
        }""",
        WCAG_TAGS,
    )
    violations, review = raw
    return AxeResult(name=name, url=page.url, violations=violations, review=review)


def table(results: list[AxeResult]) -> str:
    """One line per page: violations (counted by element) by impact."""
    width = max([len(r.name) for r in results] + [4])
    head = f"{'page':{width}}  " + "  ".join(f"{i:>8}" for i in (*IMPACTS, "review"))
    rows = [
        f"{r.name:{width}}  "
        + "  ".join(f"{n:>8}" for n in (*(r.count(i) for i in IMPACTS), r.count_review()))
        for r in results
    ]
    return "\n".join([head, *rows])
