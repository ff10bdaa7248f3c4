"""Write ``data/scenarios/demo.json`` from the demo candidate and region CSVs.

Run ``python -m model.allocator.demo_scenario``. The CSVs are read and
validated by the importer (``model.seed.shipped_tables``). The scenario asks the domain
brief's question: US$5 M over 4 years, which mix reaches the most benefit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from model.allocator.scenario import parse_scenario
from model.candidates import Candidate, Region
from model.seed import shipped_tables

ROOT = Path(__file__).resolve().parents[2]


def demo_rows() -> tuple[list[Candidate], list[Region]]:
    """The shipped demo candidates and regions, validated exactly as an import would be."""
    tables = {t.spec.name: t.records for t in shipped_tables()}
    cands = [c for c in tables["candidates"] if isinstance(c, Candidate)]
    regions = [r for r in tables["regions"] if isinstance(r, Region)]
    return cands, regions


def demo_scenario_data() -> dict[str, Any]:
    cands, regions = demo_rows()
    return {
        "name": "Solvania demo: US$5 M over 4 years",
        "description": (
            "Illustrative candidates of the fictional Solvania (data/demo_candidates.csv). "
            "Maximise expected benefit with US$5 M over 4 years (US$1.25 M a year, unspent "
            "money carried over), every rule family on: subsidy bands, broker cost recovery, "
            "matching-grant limits and eligibility, broker capacity (12 existing networks), "
            "at least 30 % of public funding to lagging regions, and no instrument above 60 %."
        ),
        "horizon_years": 4,
        "price_year": 2024,
        "candidates": [c.model_dump(mode="json") for c in cands],
        "regions": [r.model_dump(mode="json") for r in regions],
        "budget": {"total": 5_000_000, "per_year": [1_250_000] * 4, "carry_over": True},
        "rules": {
            "broker_capacity": {"existing_networks": 12},
            "policy_mix": {
                "lagging_min_share": 0.3,
                "kind_shares": {
                    "cluster_initiative": {"max": 0.6},
                    "broker_programme": {"max": 0.6},
                    "matching_grant": {"max": 0.6},
                },
            },
        },
        "objective": {"kind": "benefit"},
    }


def main() -> int:
    data = demo_scenario_data()
    parse_scenario(data)  # fail before writing
    out = ROOT / "data" / "scenarios" / "demo.json"
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(data['candidates'])} candidates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
