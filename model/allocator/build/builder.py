"""Build step: a scenario becomes a named linear (or mixed-integer) programme.

The model is held as plain arrays (bounds, costs, a row-wise sparse matrix) so
HiGHS can take it directly, even at 100k variables; ``pulp_model.to_pulp`` turns
the same arrays into a PuLP problem for CBC and for ``--export-lp``. Every
column and row has a stable indexed name (``x[C-07,3]``, ``budget_year[2]``,
``region_floor[Altiplano]``) used again in the explanations.

Internally the objective is always *maximised* (``min_cost`` maximises minus
public cost); ``BuiltModel.objective_sign`` turns it back for reports.

Variables: ``f[c]`` scale (0-1 of full scale); ``x[c,t]`` public funding (US$)
in plan year t; ``carry[t]`` money carried from year t to t+1 (US$);
``z[c]`` go/no-go binary; ``seg[c,i]`` scale bought in diminishing-returns
segment i; ``y[c,t,s]`` public funding from source s (US$).

``build_model`` calls one function per rule family (``budget_rows``,
``candidate_limit_rows``, ...; the policy mix is ``build/mix.py``), in a fixed order
that fixes the row and column order. Each takes the column handles (``Columns``) that
``columns`` returns, never a block's position.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from model.allocator.build.arrays import (
    BoolArray,
    CandidateArrays,
    FloatArray,
    IntArray,
    candidate_arrays,
    normalised_slopes,
    objective_weights,
)
from model.allocator.build.lp import INF, BuiltModel, ColSet, RowSet, assemble, sum_rows
from model.allocator.build.mix import share_rows, source_rows
from model.allocator.scenario import MEASURES, Scenario
from model.domain.candidates import KINDS
from model.formatting.i18n import _

# Tie-break against spending money that buys nothing, as a share of the lowest
# return per public dollar; small enough not to change which candidates win.
SPEND_TIE_BREAK = 1e-6


@dataclass(frozen=True)
class Columns:
    """Handles to the decision columns (indices into the programme's columns).

    ``f``: scale per candidate; ``x``: one column per operating candidate-year, in the
    order of ``ci``/``ti`` (candidate, plan year - 1), labelled ``x_labels``; ``grid``:
    [n, H] x column or -1; ``pc``: each x column's full cost (US$); ``z``: go/no-go per
    candidate or -1; ``seg``: [n, segments] diminishing-returns columns (n, 0 without);
    ``go``: the go/no-go candidates and their minimum viable scale (0-1).
    """

    f: IntArray
    x: IntArray
    grid: IntArray
    ci: IntArray
    ti: IntArray
    pc: FloatArray
    x_labels: list[str]
    z: IntArray
    seg: IntArray
    go: dict[int, float]

    def x_of(self, i: int | np.integer) -> IntArray:
        row: IntArray = self.grid[i]
        return row[row >= 0]

    def x_groups(self, cands: IntArray) -> tuple[IntArray, IntArray]:
        """(local row, column) of the x columns of each of ``cands``, one row per candidate
        (what ``sum_rows`` over ``x_of`` gives, without thousands of tiny arrays)."""
        sub = self.grid[cands]
        local, _cols = np.nonzero(sub >= 0)
        return local.astype(np.int64), sub[sub >= 0]


def build_model(scenario: Scenario) -> BuiltModel:
    """Turn a scenario into a named programme (pure: same scenario, same model)."""
    arr = candidate_arrays(scenario)
    cols = ColSet()
    rows = RowSet()
    c = columns(scenario, arr, cols, rows)
    sign, tie = objective(scenario, arr, cols, c)
    budget_rows(scenario, arr, cols, rows, c)
    candidate_limit_rows(scenario, arr, rows, c)
    subsidy_band_rows(scenario, arr, rows, c)
    cost_recovery_rows(scenario, arr, rows, c)
    matching_grant_rows(scenario, arr, rows, c)
    broker_capacity_rows(scenario, arr, rows, c)
    policy_mix_rows(scenario, arr, cols, rows, c)
    target_rows(scenario, arr, rows, c)
    return assemble(scenario, arr, cols, rows, sign, c.f, c.grid, c.z, c.seg, tie)


def columns(scenario: Scenario, arr: CandidateArrays, cols: ColSet, rows: RowSet) -> Columns:
    """The f, x, z and seg columns (and the rows tying seg to f)."""
    n, h = arr.n, arr.horizon
    ids = arr.ids
    index = {cid: i for i, cid in enumerate(ids)}
    f_col = cols.add("f", list(ids), 0.0, (arr.in_horizon > 0).astype(np.float64))
    ci, ti = np.nonzero(arr.cost > 0)
    grid = np.full((n, h), -1, np.int64)
    suffix = [f",{t + 1}" for t in range(h)]
    x_labels = [ids[c] + suffix[t] for c, t in zip(ci.tolist(), ti.tolist(), strict=True)]
    x_idx = cols.add("x", x_labels, 0.0, INF)
    grid[ci, ti] = x_idx

    lim = scenario.rules.candidate_limits
    go = {index[c]: v for c, v in lim.go_no_go.items()} if lim.enabled else {}
    z_col = np.full(n, -1, np.int64)
    if go:
        gi = np.array(sorted(go), np.int64)
        z = cols.add("z", [ids[i] for i in gi], 0.0, 1.0)
        z_col[gi] = z
        if not scenario.solver.relax_integers:
            cols.set_integer(z)

    dr = scenario.objective.diminishing_returns
    seg_col = np.zeros((n, 0), np.int64)
    if dr.enabled:
        nseg = len(dr.segment_lengths)
        labels = [f"{cid},{s + 1}" for cid in ids for s in range(nseg)]
        seg_upper = np.tile(np.asarray(dr.segment_lengths), n)
        seg_col = cols.add("seg", labels, 0.0, seg_upper).reshape(n, nseg)
        local = np.repeat(np.arange(n), nseg + 1)
        both = np.concatenate([f_col[:, None], seg_col], axis=1).ravel()
        coef = np.tile(np.concatenate([[1.0], -np.ones(nseg)]), n)
        rows.add("structure", "segments", list(ids), local, both, coef, 0.0, 0.0)
    return Columns(
        f=f_col,
        x=x_idx,
        grid=grid,
        ci=ci,
        ti=ti,
        pc=arr.cost[ci, ti],
        x_labels=x_labels,
        z=z_col,
        seg=seg_col,
        go=go,
    )


def objective(
    scenario: Scenario, arr: CandidateArrays, cols: ColSet, c: Columns
) -> tuple[float, float]:
    """Objective coefficients (maximised); returns (objective sign, spend tie-break)."""
    weights = objective_weights(scenario)
    per_unit = sum((w * arr.outcome[m] for m, w in weights.items()), np.zeros(arr.n))
    if scenario.objective.diminishing_returns.enabled:
        slopes = np.asarray(normalised_slopes(scenario))
        cols.set_cost(c.seg, (per_unit[:, None] * slopes[None, :]).ravel())
    else:
        cols.set_cost(c.f, per_unit)
    if scenario.objective.kind == "min_cost":
        cols.set_cost(c.x, -1.0)
        return -1.0, 0.0
    public_full = (arr.cost * arr.ceiling[:, None]).sum(axis=1)
    ratio = per_unit[public_full > 0] / public_full[public_full > 0]
    positive = ratio[ratio > 0]
    if not len(positive):
        return 1.0, 0.0
    tie = SPEND_TIE_BREAK * float(positive.min())
    cols.set_cost(c.x, -tie)
    return 1.0, tie


def budget_rows(
    scenario: Scenario, arr: CandidateArrays, cols: ColSet, rows: RowSet, c: Columns
) -> None:
    """a. ``budget_total`` and ``budget_year[t]`` (with ``carry[t]`` columns)."""
    budget = scenario.budget
    h = arr.horizon
    if not scenario.rules.budget.enabled:
        return
    if budget.total is not None:
        rows.add(
            "budget",
            "budget_total",
            [""],
            np.zeros(len(c.x), np.int64),
            c.x,
            np.ones(len(c.x)),
            -INF,
            budget.total,
        )
    if budget.per_year is not None:
        py = np.asarray(budget.per_year, np.float64)
        b_local: list[IntArray] = [c.ti]
        b_cols: list[IntArray] = [c.x]
        b_coef: list[FloatArray] = [np.ones(len(c.x))]
        if budget.carry_over and h > 1:
            carry = cols.add("carry", [str(t) for t in range(1, h)], 0.0, INF)
            # budget_year[t]: spend_t + carry_t - carry_{t-1} <= B_t
            b_local += [np.arange(h - 1), np.arange(1, h)]
            b_cols += [carry, carry]
            b_coef += [np.ones(h - 1), -np.ones(h - 1)]
        rows.add(
            "budget",
            "budget_year",
            [str(t) for t in range(1, h + 1)],
            np.concatenate(b_local),
            np.concatenate(b_cols),
            np.concatenate(b_coef),
            -INF,
            py,
        )


def candidate_limit_rows(
    scenario: Scenario, arr: CandidateArrays, rows: RowSet, c: Columns
) -> None:
    """b. minimum/maximum funding, locked amounts, mandatory scale, go/no-go."""
    lim = scenario.rules.candidate_limits
    if not lim.enabled:
        return
    ids = arr.ids
    index = {cid: i for i, cid in enumerate(ids)}
    for fam_name, data, lo_hi in (
        ("candidate_min", lim.min_funding, "lo"),
        ("candidate_max", lim.max_funding, "hi"),
    ):
        keys = list(data)
        groups = [c.x_of(index[k]) for k in keys]
        vals = np.array([data[k] for k in keys], np.float64)
        sum_rows(
            rows,
            "candidate_limits",
            fam_name,
            keys,
            groups,
            [np.ones(len(g)) for g in groups],
            vals if lo_hi == "lo" else -INF,
            vals if lo_hi == "hi" else INF,
        )
    if lim.locked:
        lab, lc, la = [], [], []
        for i, lk in enumerate(lim.locked):
            j = c.grid[index[lk.candidate], lk.year - 1]
            if j < 0:
                raise ValueError(
                    _(
                        "rules.candidate_limits.locked[{index}]: {c} does not operate in plan "
                        "year {year}"
                    ).format(index=i, c=lk.candidate, year=lk.year)
                )
            lab.append(f"{lk.candidate},{lk.year}")
            lc.append(j)
            la.append(lk.amount)
        amounts = np.array(la, np.float64)
        rows.add(
            "candidate_limits",
            "locked",
            lab,
            np.arange(len(lab)),
            np.array(lc, np.int64),
            np.ones(len(lab)),
            amounts,
            amounts,
        )
    if lim.mandatory:
        keys = list(lim.mandatory)
        for k in keys:
            if arr.in_horizon[index[k]] <= 0:
                raise ValueError(
                    _("rules.candidate_limits.mandatory.{c}: starts after horizon").format(c=k)
                )
        rows.add(
            "candidate_limits",
            "mandatory",
            keys,
            np.arange(len(keys)),
            c.f[[index[k] for k in keys]],
            np.ones(len(keys)),
            np.array([lim.mandatory[k] for k in keys]),
            INF,
        )
    if c.go:
        gi = np.array(sorted(c.go), np.int64)
        mv = np.array([c.go[i] for i in gi])
        m = len(gi)
        labels = [ids[i] for i in gi]
        local = np.repeat(np.arange(m), 2)
        both = np.stack([c.f[gi], c.z[gi]], axis=1).ravel()
        rows.add(
            "candidate_limits",
            "go_no_go_min",
            labels,
            local,
            both,
            np.stack([np.ones(m), -mv], axis=1).ravel(),
            0.0,
            INF,
        )
        rows.add(
            "candidate_limits",
            "go_no_go_on",
            labels,
            local,
            both,
            np.tile([1.0, -1.0], m),
            -INF,
            0.0,
        )


def _pair_rows(
    rows: RowSet,
    c: Columns,
    family: str,
    prefix: str,
    sel: BoolArray,
    f_coef: FloatArray,
    lo: float,
    hi: float,
) -> None:
    """One row per selected x column: x[c,t] + f_coef * f[c] within [lo, hi]."""
    k = int(sel.sum())
    m = len(c.x)
    local = np.repeat(np.arange(k), 2)
    cc = np.stack([c.x[sel], c.f[c.ci[sel]]], axis=1).ravel()
    vv = np.stack([np.ones(k), f_coef[sel]], axis=1).ravel()
    labels = c.x_labels if k == m else list(itertools.compress(c.x_labels, sel.tolist()))
    rows.add(family, prefix, labels, local, cc, vv, lo, hi)


def subsidy_band_rows(scenario: Scenario, arr: CandidateArrays, rows: RowSet, c: Columns) -> None:
    """c. public-share floor and ceiling per candidate-year, partner match, average share
    (and, with the band off, the physical limit: public money within cost)."""
    band = scenario.rules.subsidy_band
    m = len(c.x)
    if not band.enabled:
        _pair_rows(
            rows, c, "structure", "public_within_cost", np.ones(m, np.bool_), -c.pc, -INF, 0.0
        )
        return
    fl = arr.floor[c.ci]
    _pair_rows(rows, c, "subsidy_band", "subsidy_floor", fl > 0, -fl * c.pc, 0.0, INF)
    _pair_rows(
        rows,
        c,
        "subsidy_band",
        "subsidy_ceiling",
        np.ones(m, np.bool_),
        -arr.ceiling[c.ci] * c.pc,
        -INF,
        0.0,
    )
    # Partners pay at most their committed match (scaled with f), so public money
    # covers the rest: sum_t x[c,t] >= (cost in horizon - match in horizon) * f.
    must = arr.cost.sum(axis=1) - arr.partner_match * arr.in_horizon
    pl = np.flatnonzero((arr.partner_match > 0) & (must > 0))
    local, xc = c.x_groups(pl)
    rows.add(
        "subsidy_band",
        "partner_limit",
        [arr.ids[i] for i in pl],
        np.concatenate([local, np.arange(len(pl))]),
        np.concatenate([xc, c.f[pl]]),
        np.concatenate([np.ones(len(xc)), -must[pl]]),
        0.0,
        INF,
    )
    if band.max_average_public_share is not None:
        a = band.max_average_public_share
        full = arr.cost.sum(axis=1)
        rows.add(
            "subsidy_band",
            "average_public_share",
            [""],
            np.zeros(m + arr.n, np.int64),
            np.concatenate([c.x, c.f]),
            np.concatenate([np.ones(m), -a * full]),
            -INF,
            0.0,
        )


def cost_recovery_rows(scenario: Scenario, arr: CandidateArrays, rows: RowSet, c: Columns) -> None:
    """d. public money within (1 - fee share) x cost wherever a fee is charged (any kind);
    least fee revenue over the same fee schedules."""
    cr = scenario.rules.cost_recovery
    if not cr.enabled:
        return
    fee = arr.fee[c.ci, c.ti]
    # Fees of any kind cap that candidate's public share, as fee_revenue_min counts the
    # fees of every kind: otherwise a candidate could be 90 % public and 50 % fee-paid.
    _pair_rows(rows, c, "cost_recovery", "cost_recovery", fee > 0, -(1 - fee) * c.pc, -INF, 0.0)
    if cr.min_fee_revenue > 0:
        rev = (arr.fee * arr.cost).sum(axis=1)
        rows.add(
            "cost_recovery",
            "fee_revenue_min",
            [""],
            np.zeros(arr.n, np.int64),
            c.f,
            rev,
            cr.min_fee_revenue,
            INF,
        )


def matching_grant_rows(scenario: Scenario, arr: CandidateArrays, rows: RowSet, c: Columns) -> None:
    """e. a grant within match ratio x match and its cap; ineligible proposals get nothing."""
    if not scenario.rules.matching_grants.enabled:
        return
    grant = np.flatnonzero((arr.kind == KINDS.index("matching_grant")) & np.isfinite(arr.match_cap))
    local, xc = c.x_groups(grant)
    rows.add(
        "matching_grants",
        "grant_limit",
        [arr.ids[i] for i in grant],
        local,
        xc,
        np.ones(len(xc)),
        -INF,
        arr.match_cap[grant],
    )
    bad = np.flatnonzero(~arr.eligible)
    rows.add(
        "matching_grants",
        "eligible",
        [arr.ids[i] for i in bad],
        np.arange(len(bad)),
        c.f[bad],
        np.ones(len(bad)),
        -INF,
        0.0,
    )


def broker_capacity_rows(
    scenario: Scenario, arr: CandidateArrays, rows: RowSet, c: Columns
) -> None:
    """f. networks needed <= existing networks + networks served by funded brokers."""
    bc = scenario.rules.broker_capacity
    if not (bc.enabled and arr.networks_needed.any()):
        return
    rows.add(
        "broker_capacity",
        "broker_capacity",
        [""],
        np.zeros(arr.n, np.int64),
        c.f,
        arr.networks_needed - arr.networks_served,
        -INF,
        bc.existing_networks,
    )


def policy_mix_rows(
    scenario: Scenario, arr: CandidateArrays, cols: ColSet, rows: RowSet, c: Columns
) -> None:
    """g. shares by kind, region, lagging regions and funding source (``build/mix.py``)."""
    pm = scenario.rules.policy_mix
    if not pm.enabled:
        return
    m = len(c.x)
    share_rows(
        rows,
        "kind",
        {k: arr.kind[c.ci] == KINDS.index(k) for k in pm.kind_shares},
        {str(k): v for k, v in pm.kind_shares.items()},
        c.x,
    )
    region_of = np.array(arr.region, dtype=object)[c.ci] if m else np.zeros(0, object)
    share_rows(rows, "region", {r: region_of == r for r in pm.region_shares}, pm.region_shares, c.x)
    if pm.lagging_min_share > 0:
        lagging = {r.name for r in scenario.regions if r.lagging}
        sel = np.isin(region_of, list(lagging)) if m else np.zeros(0, np.bool_)
        coef = sel.astype(np.float64) - pm.lagging_min_share
        rows.add("policy_mix", "lagging_floor", [""], np.zeros(m, np.int64), c.x, coef, 0.0, INF)
    if pm.sources:
        source_rows(scenario, rows, cols, arr, c.ci, c.x, c.x_labels)


def target_rows(scenario: Scenario, arr: CandidateArrays, rows: RowSet, c: Columns) -> None:
    """Objective targets: least totals of measures (through the seg columns with
    diminishing returns, so a target counts the same curve as the objective)."""
    targets = scenario.objective.targets
    if not targets:
        return
    tkeys = [k for k in MEASURES if k in targets]
    if scenario.objective.diminishing_returns.enabled:
        slopes = np.asarray(normalised_slopes(scenario))
        tcols = c.seg.ravel()
        tvals = [(arr.outcome[k][:, None] * slopes[None, :]).ravel() for k in tkeys]
    else:
        tcols, tvals = c.f, [arr.outcome[k] for k in tkeys]
    rows.add(
        "targets",
        "target",
        list(tkeys),
        np.repeat(np.arange(len(tkeys)), len(tcols)),
        np.tile(tcols, len(tkeys)),
        np.concatenate(tvals),
        np.array([targets[k] for k in tkeys]),
        INF,
    )
