"""The sifted start (model/allocator/solve/sift.py) changes how fast HiGHS finds the
optimum, not what the allocator says. On generated scenarios with one optimal plan
(diminishing returns, committed money, budget and policy-mix rows binding, a lagging
floor the ranking misses) the whole read-out with sifting forced equals the read-out
without it: plan, unfunded reports, every portfolio sentence; figures up to round-off;
a candidate's own row may get another of its valid prices at a degenerate plan, which
the read-out labels local either way. Where several plans are optimal (hard_scenarios:
twins, carry-over) the same objective, and HiGHS's prices prove the sifted plan optimal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given

from bench.allocator import random_scenario
from model.allocator import allocate, build_model
from model.allocator.result import result_json_bytes
from model.allocator.scenario import Scenario, parse_scenario
from model.allocator.solve import sift
from model.allocator.solve.resolve import ReSolver
from tests.allocator_fixtures import cand, scenario
from tests.test_allocator_scale import assert_certificate
from tests.test_explain_truth import PROPS, hard_scenarios


def _read_out(sc: Scenario, solver: str = "highs") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result_json_bytes(allocate(sc, solver)))
    data.pop("seconds")
    return data


def _same(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two read-outs differ: any word, count or flag; a number by more than round-off
    (a different factorisation path moves the last digits of a figure, not its sentence)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a.keys() ^ b.keys())}"]
        return [d for k in a for d in _same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} against {len(b)} items"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _same(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float | int) and not isinstance(b, bool):
        return [] if b == pytest.approx(a, rel=1e-9, abs=1e-6) else [f"{path}: {a!r} != {b!r}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


# How the read-out labels a price that holds only at this plan, or states none for an idle
# candidate's row (explain.wording).
LOCAL = (
    "(a local price at this plan).",
    "is a local number with no money meaning",
    "is not funded; it has no price here.",
)


def _differences(plain: dict[str, Any], sifted: dict[str, Any]) -> list[str]:
    """``_same`` of two read-outs, except the prices of a candidate's own rows at a degenerate
    plan: there several sets of prices prove the same plan optimal, HiGHS's final basis
    picks one, and the read-out labels each such price local. A candidate-row price that
    differs must be labelled so on both sides (or have no sentence); which of those rows
    the read-out lists (and how many it leaves out) follows their prices."""
    out: list[str] = []
    for key in plain.keys() | sifted.keys():
        if key not in ("constraints", "constraints_omitted"):
            out += _same(plain.get(key), sifted.get(key), f".{key}")
    a = {c["name"]: c for c in plain["constraints"]}
    b = {c["name"]: c for c in sifted["constraints"]}
    fixed = ("name", "sense", "rhs", "activity", "slack", "binding", "portfolio")
    for name in a.keys() | b.keys():
        x, y = a.get(name), b.get(name)
        where = f".constraints[{name}]"
        if x is not None and y is not None and (x["portfolio"] or not _same(x, y)):
            rest = [k for k in x if k != "shadow_price"]
            out += [d for k in rest for d in _same(x[k], y[k], f"{where}.{k}")]
            if _same(x["shadow_price"], y["shadow_price"]):
                # A kink: any price between the two measured rates proves the plan optimal
                # (the sentence states the rates, measured by re-solving: the same here).
                out += [f"{where}: price off its kink" for c in (x, y) if not _on_kink(c)]
            continue
        sides = [c for c in (x, y) if c is not None]
        if any(c["portfolio"] for c in sides):
            out.append(f"{where}: a portfolio row listed on one side only")
        if x is not None and y is not None:
            out += [d for k in fixed for d in _same(x[k], y[k], f"{where}.{k}")]
        for c in sides:
            if c["sentence"] and not any(w in c["sentence"] for w in LOCAL):
                out.append(f"{where}: a differing price not labelled local: {c['sentence']}")
    return out


def _on_kink(row: dict[str, Any]) -> bool:
    """Whether a row's price lies between its measured rates up and down (with round-off)."""
    r = row.get("ranging")
    if not r:
        return False
    lo, hi = sorted((abs(float(r["rate_up"])), abs(float(r["rate_down"]))))
    p = abs(float(row["shadow_price"]))
    return lo * (1 - 1e-6) - 1e-9 <= p <= hi * (1 + 1e-6) + 1e-9


def _sifting(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    """Sift every LP (any size, any share kept), or none."""
    monkeypatch.setattr(sift, "SIFT_MIN_CANDIDATES", 0 if on else 10**12)
    monkeypatch.setattr(sift, "SIFT_MAX_SHARE", 1.0)


def _both(monkeypatch: pytest.MonkeyPatch, sc: Scenario) -> tuple[dict[str, Any], dict[str, Any]]:
    _sifting(monkeypatch, False)
    plain = _read_out(sc)
    _sifting(monkeypatch, True)
    return plain, _read_out(sc)


def _with_diminishing_returns(sc: Scenario) -> Scenario:
    dr = sc.objective.diminishing_returns.model_copy(
        update={"enabled": True, "segment_lengths": (0.5, 0.5), "relative_slopes": (1.0, 0.5)}
    )
    return sc.model_copy(
        update={"objective": sc.objective.model_copy(update={"diminishing_returns": dr})}
    )


def _with_committed_money(sc: Scenario) -> Scenario:
    """The two worst candidates by return must get money (their columns cannot sit at 0,
    so the restricted programme must keep them)."""
    worst = sorted(sc.candidates, key=lambda c: c.benefit / c.total_cost)[:2]
    limits = sc.rules.candidate_limits.model_copy(
        update={"min_funding": {c.id: 0.2 * c.total_cost for c in worst}}
    )
    return sc.model_copy(update={"rules": sc.rules.model_copy(update={"candidate_limits": limits})})


VARIANTS = {
    "plain": lambda sc: sc,
    "diminishing returns": _with_diminishing_returns,
    "committed money": _with_committed_money,
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize(("n", "seed"), [(300, 1), (900, 2), (2000, 3)])
def test_sifted_start_says_exactly_what_the_whole_solve_says(
    monkeypatch: pytest.MonkeyPatch, variant: str, n: int, seed: int
) -> None:
    sc = VARIANTS[variant](random_scenario(n, seed=seed))
    _sifting(monkeypatch, True)
    rs = ReSolver(build_model(sc))
    assert rs.sifted is not None, "the restricted programme was not used"
    assert 0 < rs.sifted.first < n
    sol = rs.solve()
    assert sol.status == "optimal"
    assert_certificate(rs.built, sol)  # optimal for the whole programme, duals included
    plain, sifted = _both(monkeypatch, sc)
    assert not _differences(plain, sifted)


def test_the_whole_programme_takes_candidates_the_ranking_missed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lagging regions must get 30 % of the money but hold only the worst candidates by
    return: the restricted programme keeps none of them at first, so the pricing passes
    (or the whole programme) must bring them in; the plan is the whole solve's."""
    cands = []
    for i in range(60):
        lagging = i % 4 == 0
        cost = [100_000.0, 100_000.0]
        # No two alike (twins tie, and a tie may be broken either way: hard_scenarios).
        ratio = (1.2 if lagging else 3.0 + (i % 7) * 0.3) + i * 1e-3
        cands.append(
            cand(
                f"C{i}", cost, ratio * sum(cost), kind="cluster_initiative", floor=0.3,
                ceiling=1.0, region="L" if lagging else "M",
            )
        )  # fmt: skip
    sc = scenario(
        cands,
        horizon=2,
        budget={"per_year": [600_000.0, 600_000.0]},
        rules={"policy_mix": {"lagging_min_share": 0.3}},
        objective={"kind": "benefit"},
        regions=[{"name": "L", "lagging": True}, {"name": "M"}],
    )
    _sifting(monkeypatch, True)
    rs = ReSolver(build_model(sc))
    sol = rs.solve()
    assert sol.status == "optimal"
    assert_certificate(rs.built, sol)
    plain, sifted = _both(monkeypatch, sc)
    assert not _differences(plain, sifted)
    lagging_funded = [c for c, f in plain["scale"].items() if f > 0 and int(c[1:]) % 4 == 0]
    assert lagging_funded, "the case should fund some lagging candidates"


def test_what_is_not_sifted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scenario without a budget and a MILP start whole."""
    _sifting(monkeypatch, True)
    base = random_scenario(200, seed=4)
    off = base.rules.budget.model_copy(update={"enabled": False})
    no_budget = base.model_copy(update={"rules": base.rules.model_copy(update={"budget": off})})
    go = base.rules.candidate_limits.model_copy(update={"go_no_go": {"C0": 0.5}})
    milp = base.model_copy(update={"rules": base.rules.model_copy(update={"candidate_limits": go})})
    for sc in (no_budget, milp):
        assert ReSolver(build_model(sc)).sifted is None
    assert ReSolver(build_model(base)).sifted is not None


def test_a_ranking_that_misses_the_optimum_gives_up_and_solves_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 90 % lagging floor: the ranking keeps few lagging candidates, the first pass's
    prices say most left-out ones would pay. Handing HiGHS that basis took 5-10x a cold
    solve (an attack on sift found it: 14.5 s against 1.2 s at 20,000), so sifting gives
    up and the whole programme starts cold: same answer, no sifted start."""
    data = random_scenario(3000, seed=1).model_dump(mode="json")
    data["rules"]["policy_mix"]["lagging_min_share"] = 0.9
    sc = parse_scenario(data)
    monkeypatch.setattr(sift, "SIFT_MIN_CANDIDATES", 0)  # SIFT_MAX_SHARE as shipped
    passes: list[int] = []
    restricted = sift._solve_restricted

    def counted(*args: Any, **kwargs: Any) -> Any:
        passes.append(1)
        return restricted(*args, **kwargs)

    monkeypatch.setattr(sift, "_solve_restricted", counted)
    built = build_model(sc)
    rs = ReSolver(built)
    assert passes, "the first pass should run (and its prices make it give up)"
    assert rs.sifted is None
    sol = rs.solve()
    assert sol.status == "optimal"
    assert_certificate(built, sol)


@pytest.mark.parametrize("method", ["ipm", "pdlp"])
def test_methods_without_a_basis_are_not_sifted(
    monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """Interior point and PDLP: no basis to start the whole programme from (PDLP's restricted
    solve was a second solve as long as the first)."""
    _sifting(monkeypatch, True)
    sc = random_scenario(200, seed=6)
    sc = sc.model_copy(update={"solver": sc.solver.model_copy(update={"method": method})})
    assert ReSolver(build_model(sc)).sifted is None


@PROPS
@given(sc=hard_scenarios())
def test_hard_scenarios_solve_to_the_same_optimum_sifted(sc: Scenario) -> None:
    """Partner match, broker capacity, carry-over, purses, several budget rows binding,
    twins: with every LP sifted, the same status and objective, and HiGHS's prices prove
    the sifted plan optimal for the whole programme. (These small programmes often have
    several optimal plans, twins or a carry-over that moves money between years at no
    cost; sifting may land on another of them, as any change of basis may. The bench
    scenarios above have one optimum, and there the whole read-out is the same.)"""
    with pytest.MonkeyPatch.context() as mp:
        plain, sifted = _both(mp, sc)
        _sifting(mp, True)
        built = build_model(sc)
        sol = ReSolver(built).solve()
    assert plain["status"] == sifted["status"]
    assert _same(plain["objective"], sifted["objective"]) == []
    if sol.status == "optimal":
        assert_certificate(built, sol)


def test_sifted_time_counts_against_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The restricted solves spend the first solve's time limit, not time of their own."""
    _sifting(monkeypatch, True)
    sc = random_scenario(300, seed=5)
    rs = ReSolver(build_model(sc))
    spent = rs._spent
    assert rs.sifted is not None and spent > 0
    limits: list[float] = []
    run = rs._run

    def counted(limit: float, *args: Any) -> Any:
        limits.append(limit)
        return run(limit, *args)

    monkeypatch.setattr(rs, "_run", counted)
    rs.solve()
    rs.solve()
    assert limits == [pytest.approx(sc.solver.time_limit_s - spent), sc.solver.time_limit_s]
