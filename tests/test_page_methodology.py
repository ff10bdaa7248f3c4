"""The Methodology page through AppTest: rule-family sections and the source documents."""

from __future__ import annotations

import re

from model.allocator.build.builder import build_model
from model.allocator.build.lp import FAMILIES
from model.allocator.scenario import (
    FundingSource,
    LockedAmount,
    Scenario,
    ShareBounds,
    load_scenario,
    parse_scenario,
)
from model.costbenefit.documents import DOCUMENT_TITLES
from model.domain.candidates import KINDS
from model.planning.inputs import DEMO_SCENARIO
from tests.test_pages import open_page


def test_methodology_explains_rules_and_lists_sources(app_db: str) -> None:
    at = open_page("pages/methodology.py")
    assert at.title[0].value == "Methodology"
    headers = [h.value for h in at.header]
    assert any(h.startswith("3. Limits of the evidence") for h in headers)
    expanders = [e.label for e in at.expander]
    for family in ("budget", "candidate_limits", "subsidy_band", "cost_recovery",
                   "matching_grants", "broker_capacity", "policy_mix"):  # fmt: skip
        assert FAMILIES[family] in expanders
    sources = at.dataframe[-1].value
    assert list(sources["file"]) == list(DOCUMENT_TITLES)
    assert all(sources["assumptions resting on it"].str.len() > 20)
    assert len(at.latex) >= 5


INDEX = r"\[[^\]]*\]"  # a row's index as the page writes it: [c], [c,t], [k]


def every_rule(sc: Scenario) -> Scenario:
    """The demo scenario with every optional row of every rule family switched on."""
    ids = [c.id for c in sc.candidates]
    region = sc.regions[0].name
    r = sc.rules
    limits = r.candidate_limits.model_copy(
        update={
            "min_funding": {ids[0]: 1_000.0},
            "max_funding": {ids[1]: 1_000_000.0},
            "locked": (LockedAmount(candidate=ids[2], year=1, amount=1_000.0),),
            "mandatory": {ids[3]: 0.1},
            "go_no_go": {ids[4]: 0.5},
        }
    )
    mix = r.policy_mix.model_copy(
        update={
            "kind_shares": {k: ShareBounds(min=0.05, max=0.9) for k in KINDS},
            "region_shares": {region: ShareBounds(min=0.01, max=0.99)},
            "sources": (
                FundingSource(name="Donor", amount=1e6, share=ShareBounds(min=0.1, max=0.9)),
            ),
        }
    )
    rules = r.model_copy(
        update={
            "candidate_limits": limits,
            "subsidy_band": r.subsidy_band.model_copy(update={"max_average_public_share": 0.9}),
            "cost_recovery": r.cost_recovery.model_copy(update={"min_fee_revenue": 1.0}),
            "policy_mix": mix,
        }
    )
    return parse_scenario(sc.model_copy(update={"rules": rules}).model_dump(mode="json"))


def test_constraint_names_on_the_page_are_the_builders(app_db: str) -> None:
    built = build_model(every_rule(load_scenario(DEMO_SCENARIO)))
    from_builder: dict[str, set[str]] = {}
    for block in built.row_blocks:
        from_builder.setdefault(FAMILIES[block.family], set()).add(block.prefix)
    at = open_page("pages/methodology.py")
    table = next(d.value for d in at.dataframe if "constraint names" in d.value.columns)
    on_page = {
        row["family"]: {n.strip() for n in re.sub(INDEX, "", row["constraint names"]).split(",")}
        for _, row in table.iterrows()
    }
    assert len(on_page) == 7
    for family, names in on_page.items():
        assert names == from_builder[family], family
