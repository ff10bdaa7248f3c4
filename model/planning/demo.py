"""The demo scenario: the domain brief's question on the shipped demo candidates.

US$5 M over 4 years, which mix reaches the most benefit. ``demo_scenario_data``
takes the candidates and regions (``model.store.seed.demo_rows`` reads and
validates the shipped CSVs); ``python -m model.cli.demo`` writes
``data/scenarios/demo.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from model.domain.candidates import Candidate, Region
from model.formatting.i18n import N_, _

# The demo's name: English in data/scenarios/demo.json (a file's own name), shown in the
# reader's language where the code titles a plan with it (``scenario_title``).
DEMO_NAME = N_("Solvania demo: US$5 M over 4 years")


def scenario_title(name: str) -> str:
    """A scenario's name as a title: the shipped demo's name in the reader's language, any
    other name (a user's, a file's) as typed."""
    return _(DEMO_NAME) if name == DEMO_NAME else name


def demo_scenario_data(cands: Sequence[Candidate], regions: Sequence[Region]) -> dict[str, Any]:
    """The demo scenario as JSON-ready data (money US$ of 2024)."""
    return {
        "name": DEMO_NAME,
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
