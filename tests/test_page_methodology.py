"""The Methodology page through AppTest: rule-family sections and the source documents."""

from __future__ import annotations

from model.allocator.build.lp import FAMILIES
from model.costbenefit.documents import DOCUMENT_TITLES
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
