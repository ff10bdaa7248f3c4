"""Write ``data/scenarios/demo.json`` from the demo candidate and region CSVs.

Run ``python -m model.allocator.demo_scenario``. The CSV header is the
``Candidate`` fields in order, after one ``#`` comment line; lists are
``;``-separated and booleans ``true``/``false``. The scenario asks the domain
brief's question: US$5 M over 4 years, which mix reaches the most benefit.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from model.allocator.scenario import parse_scenario
from model.candidates import Candidate, Region

ROOT = Path(__file__).resolve().parents[2]
LISTS = {"cost_by_year", "fee_schedule"}
OPTIONAL = {"match_ratio", "grant_cap"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


def _value(key: str, raw: str) -> Any:
    if key in LISTS:
        return [float(v) for v in raw.split(";") if v.strip()]
    if raw in ("true", "false"):
        return raw == "true"
    if key in OPTIONAL and raw == "":
        return None
    return raw


def read_candidates(path: Path) -> list[Candidate]:
    """Candidates from the demo CSV (``ValueError`` naming the row on bad input)."""
    out = []
    for i, row in enumerate(_rows(path), start=1):
        data = {k: _value(k, v) for k, v in row.items() if not (v == "" and k not in OPTIONAL)}
        try:
            out.append(Candidate.model_validate(data))
        except ValueError as exc:
            raise ValueError(f"{path.name} row {i}: {exc}") from None
    return out


def read_regions(path: Path) -> list[Region]:
    return [Region.model_validate({k: _value(k, v) for k, v in r.items()}) for r in _rows(path)]


def demo_scenario_data(root: Path = ROOT) -> dict[str, Any]:
    cands = read_candidates(root / "data" / "demo_candidates.csv")
    regions = read_regions(root / "data" / "demo_regions.csv")
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
