"""Hostile and unusual input to the uncertainty engine and ``fomento uncertainty``.

Each case came from playing an attacker or a careless user against the CLI and the
page: the output must stay valid JSON (no NaN or Infinity tokens), bad input must be
refused naming its field with exit code 2, a scenario without a plan gives exit code 1
(as ``fomento allocate``), and the same scenario listed in another order must give
the same seeded numbers (the Plan page lists the demo's candidates by id, the JSON
file does not).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from model.allocator.api import allocate
from model.allocator.scenario import Scenario, load_scenario, same_scenario
from model.cli import main
from model.planning.inputs import DEMO_SCENARIO
from model.uncertainty.planrisk import plan_from_json, plan_risk, plan_warnings
from model.uncertainty.report import central_sentence, ev_gap_sentence
from model.uncertainty.sampling import CostRange, DrawSpec, draw_samples
from model.uncertainty.voi import value_of_information


def _strict_json(text: str) -> Any:
    """Parse JSON as a strict reader would: NaN and Infinity are not JSON."""

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} in the JSON output")

    return json.loads(text, parse_constant=refuse)


def _demo() -> Scenario:
    return load_scenario(DEMO_SCENARIO)


def test_one_draw_gives_valid_json_and_says_the_error_is_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["uncertainty", str(DEMO_SCENARIO), "--draws", "1"]
    assert main([*args, "--format", "json"]) == 0
    out = _strict_json(capsys.readouterr().out)
    voi = out["value_of_information"]
    assert voi["evpi_se"] is None  # one draw has no standard error
    assert all(g["se"] is None for g in voi["groups"])
    assert math.isfinite(voi["evpi"])
    assert main(args) == 0
    text = capsys.readouterr().out
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert "no standard error from one draw" in text


@pytest.mark.parametrize(("bad", "field"), [(math.inf, "high"), (math.nan, "low")])
def test_cost_range_must_be_finite(bad: float, field: str) -> None:
    lo, mode, hi = (1.0, 1.0, bad) if field == "high" else (bad, 1.0, 1.3)
    with pytest.raises(ValueError, match=f"cost_range.{field}"):
        CostRange(lo, mode, hi)


def test_cli_refuses_an_infinite_cost_range(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["uncertainty", str(DEMO_SCENARIO), "--draws", "2", "--cost-range", "1", "1", "inf"]
    )
    assert code == 2
    assert "cost_range.high" in capsys.readouterr().err


def test_a_scenario_without_a_plan_exits_1_like_allocate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(DEMO_SCENARIO.read_text(encoding="utf-8"))
    data["rules"]["candidate_limits"] = {"mandatory": {c["id"]: 1.0 for c in data["candidates"]}}
    path = tmp_path / "everything-mandatory.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["allocate", str(path)]) == 1
    capsys.readouterr()
    assert main(["uncertainty", str(path), "--draws", "5"]) == 1
    err = capsys.readouterr().err
    assert "infeasible" in err and "Traceback" not in err


def test_an_empty_plan_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"plan\.scale"):
        plan_from_json({"scale": {}})


def test_seeded_numbers_do_not_depend_on_the_order_of_candidates() -> None:
    sc = _demo()
    turned = sc.model_copy(update={"candidates": tuple(reversed(sc.candidates))})
    spec = DrawSpec(40, seed=5)
    a, b = draw_samples(sc, spec), draw_samples(turned, spec)
    order = [c.id for c in turned.candidates]
    index = {c.id: i for i, c in enumerate(sc.candidates)}
    cols = [index[c] for c in order]
    for m in a.outcome:
        assert np.array_equal(a.outcome[m][:, cols], b.outcome[m])
    ra, rb = plan_risk(sc, spec), plan_risk(turned, spec)
    assert ra.objective_summary.p10 == pytest.approx(rb.objective_summary.p10, rel=1e-9)
    va = value_of_information(sc, DrawSpec(20, seed=5), "serial")
    vb = value_of_information(turned, DrawSpec(20, seed=5), "serial")
    assert va.evpi == pytest.approx(vb.evpi, rel=1e-6, abs=1e-3)


def test_the_demo_listed_by_id_is_the_same_scenario() -> None:
    sc = _demo()
    by_id = sc.model_copy(
        update={
            "candidates": tuple(sorted(sc.candidates, key=lambda c: c.id)),
            "regions": tuple(sorted(sc.regions, key=lambda r: r.name)),
            "description": "another description",
        }
    )
    assert same_scenario(sc, by_id)
    cheaper = sc.model_copy(update={"budget": sc.budget.model_copy(update={"total": 4_000_000})})
    assert not same_scenario(sc, cheaper)


def test_the_value_of_information_says_which_plan_it_is_measured_from() -> None:
    # The plan judged at the top is the optimum at the central (most likely) returns; the
    # value of information is measured from the plan chosen on expected returns. On the
    # demo they differ, and a reader must be told by how much (both are exact means).
    sc = _demo()
    spec = DrawSpec(20, seed=2)
    risk = plan_risk(sc, spec)
    voi = value_of_information(sc, spec, "serial")
    gap = voi.expected_value - risk.objective_expected
    assert gap > 1_000  # US$: the central plan is not the expected-value plan here
    text = ev_gap_sentence(risk, voi)
    assert f"US${gap:,.0f}" in text and f"US${voi.expected_value:,.0f}" in text
    same = plan_risk(sc, spec, voi.ev_scale, "the expected-value plan")
    assert ev_gap_sentence(same, voi) == ""
    assert "less" in text and "does not keep" not in text
    # A plan that earns more than the expected-value plan on average cannot keep the rules.
    everything = plan_risk(sc, spec, {c.id: 1.0 for c in sc.candidates}, "everything")
    over = ev_gap_sentence(everything, voi)
    assert "does not keep" in over and "lopsided" not in over


def test_a_plan_beyond_the_budget_or_for_another_scenario_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Funding every candidate in full earns more than any plan the budget allows: the
    # analyst must be told before reading its P10 as a plan they could sign.
    sc = _demo()
    everything = {c.id: 1.0 for c in sc.candidates}
    best = allocate(sc, explain=False, baseline=False).objective
    assert best is not None and best < plan_risk(sc, DrawSpec(2), everything).objective_central
    words = plan_warnings(sc, everything)
    assert len(words) == 1 and "keeps this scenario's rules" in words[0]
    assert plan_warnings(sc, plan_risk(sc, DrawSpec(2)).scale) == []
    other = plan_warnings(sc, {sc.candidates[0].id: 0.5}, made_for="Another scenario")
    assert len(other) == 1 and "'Another scenario'" in other[0]
    path = tmp_path / "everything.json"
    path.write_text(json.dumps({"scale": everything}), encoding="utf-8")
    args = ["uncertainty", str(DEMO_SCENARIO), "--plan", str(path), "--draws", "5", "--no-voi"]
    assert main(args) == 0
    assert "warning: plan: " in capsys.readouterr().err


def test_the_central_sentence_keeps_the_draws_mean_apart_from_the_exact_mean() -> None:
    # The page's table shows the mean of the draws; the sentence beside it must not give
    # the exact expectation under the same words (they differ by Monte Carlo noise).
    risk = plan_risk(_demo(), DrawSpec(3, seed=4))
    draws_mean, exact = risk.objective_summary.mean, risk.objective_expected
    assert abs(draws_mean - exact) > 1_000  # US$: three draws are far from the mean
    text = central_sentence(risk)
    assert f"US${exact:,.0f}" in text and f"US${draws_mean:,.0f}" in text
    assert "averaged over the draws it earns" not in text
