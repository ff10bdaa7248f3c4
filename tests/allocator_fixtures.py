"""Tiny hand-checkable scenario builders shared by the allocator tests."""

from __future__ import annotations

from typing import Any

from model.allocator.scenario import Scenario, parse_scenario

SOLVERS = ("highs", "cbc")
# Relative tolerance (``pytest.approx(..., rel=OBJ_TOL)``) for objective values, US$ and
# counts of order 1e2-1e6: solvers stop at ~1e-7 relative. Never an absolute tolerance: a
# US$ figure of 1e6 and a scale of 0.5 need the same relative accuracy.
OBJ_TOL = 1e-5
REL_TOL = 1e-6


def cand(cid: str, cost: list[float], benefit: float, **kw: Any) -> dict[str, Any]:
    """A candidate whose public share is 100 % unless floor/ceiling say otherwise."""
    d: dict[str, Any] = {
        "id": cid,
        "name": cid,
        "kind": kw.pop("kind", "cluster_initiative"),
        "region": kw.pop("region", "N"),
        "cost_by_year": cost,
        "public_share_floor": kw.pop("floor", 1.0),
        "public_share_ceiling": kw.pop("ceiling", 1.0),
        "enterprises": kw.get("enterprises", 0.0),
        "enterprises_low": kw.pop("enterprises", 0.0),
        "enterprises_high": 1e9,
        "jobs": kw.get("jobs", 0.0),
        "jobs_low": kw.pop("jobs", 0.0),
        "jobs_high": 1e9,
        "benefit": benefit,
        "benefit_low": benefit,
        "benefit_high": benefit,
    }
    d.update(kw)
    return d


def scenario(cands: list[dict[str, Any]], horizon: int = 1, **kw: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": "test",
        "horizon_years": horizon,
        "price_year": 2024,
        "candidates": cands,
        "regions": kw.pop("regions", [{"name": "N"}, {"name": "S", "lagging": True}]),
    }
    data.update(kw)
    return parse_scenario(data)
