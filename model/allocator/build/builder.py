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
"""

from __future__ import annotations

import itertools

import numpy as np

from model.allocator.build.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    candidate_arrays,
    normalised_slopes,
    objective_weights,
)
from model.allocator.build.mix import share_rows, source_rows
from model.allocator.build.lp import INF, BuiltModel, ColSet, RowSet, assemble, sum_rows
from model.allocator.scenario import MEASURES, Scenario
from model.domain.candidates import KINDS

# Tie-break against spending money that buys nothing, as a share of the lowest
# return per public dollar; small enough not to change which candidates win.
SPEND_TIE_BREAK = 1e-6


def build_model(scenario: Scenario) -> BuiltModel:
    """Turn a scenario into a named programme (pure: same scenario, same model)."""
    arr = candidate_arrays(scenario)
    rules = scenario.rules
    n, h = arr.n, arr.horizon
    ids = arr.ids
    index = {cid: i for i, cid in enumerate(ids)}
    cols = ColSet()
    rows = RowSet()

    # --- columns -------------------------------------------------------------
    f_upper = (arr.in_horizon > 0).astype(np.float64)
    f_col = cols.add("f", list(ids), 0.0, f_upper)
    ci, ti = np.nonzero(arr.cost > 0)
    x_col_m = np.full((n, h), -1, np.int64)
    suffix = [f",{t + 1}" for t in range(h)]
    x_labels = [ids[c] + suffix[t] for c, t in zip(ci.tolist(), ti.tolist(), strict=True)]
    x_idx = cols.add("x", x_labels, 0.0, INF)
    x_col_m[ci, ti] = x_idx
    pc = arr.cost[ci, ti]  # full cost of each x column's candidate-year

    lim = rules.candidate_limits
    gng = {index[c]: v for c, v in lim.go_no_go.items()} if lim.enabled else {}
    z_col = np.full(n, -1, np.int64)
    if gng:
        gi = np.array(sorted(gng), np.int64)
        z_col[gi] = cols.add("z", [ids[i] for i in gi], 0.0, 1.0)
        if not scenario.solver.relax_integers:
            cols.integer[-1][:] = True

    dr = scenario.objective.diminishing_returns
    weights = objective_weights(scenario)
    per_unit = sum((w * arr.outcome[m] for m, w in weights.items()), np.zeros(n))
    seg_col = np.zeros((n, 0), np.int64)
    if dr.enabled:
        nseg = len(dr.segment_lengths)
        labels = [f"{cid},{s + 1}" for cid in ids for s in range(nseg)]
        seg_upper = np.tile(np.asarray(dr.segment_lengths), n)
        seg_col = cols.add("seg", labels, 0.0, seg_upper).reshape(n, nseg)
        slopes = np.asarray(normalised_slopes(scenario))
        cols.cost[-1][:] = (per_unit[:, None] * slopes[None, :]).ravel()
        local = np.repeat(np.arange(n), nseg + 1)
        both = np.concatenate([f_col[:, None], seg_col], axis=1).ravel()
        coef = np.tile(np.concatenate([[1.0], -np.ones(nseg)]), n)
        rows.add("structure", "segments", list(ids), local, both, coef, 0.0, 0.0)
    else:
        cols.cost[0][:] = per_unit

    sign = 1.0
    tie = 0.0
    if scenario.objective.kind == "min_cost":
        sign = -1.0
        cols.cost[1][:] = -1.0
    else:
        public_full = (arr.cost * arr.ceiling[:, None]).sum(axis=1)
        ratio = per_unit[public_full > 0] / public_full[public_full > 0]
        positive = ratio[ratio > 0]
        if len(positive):
            tie = SPEND_TIE_BREAK * float(positive.min())
            cols.cost[1][:] = -tie

    # --- a. budgets ----------------------------------------------------------
    budget = scenario.budget
    if rules.budget.enabled:
        if budget.total is not None:
            rows.add(
                "budget",
                "budget_total",
                [""],
                np.zeros(len(x_idx), np.int64),
                x_idx,
                np.ones(len(x_idx)),
                -INF,
                budget.total,
            )
        if budget.per_year is not None:
            py = np.asarray(budget.per_year, np.float64)
            b_local: list[IntArray] = [ti]
            b_cols: list[IntArray] = [x_idx]
            b_coef: list[FloatArray] = [np.ones(len(x_idx))]
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

    # --- b. candidate limits ---------------------------------------------------
    def x_of(i: int | np.integer) -> IntArray:
        row: IntArray = x_col_m[i]
        return row[row >= 0]

    def x_groups(cands: IntArray) -> tuple[IntArray, IntArray]:
        """(local row, column) of the x columns of each of ``cands``, one row per candidate
        (what ``sum_rows`` over ``x_of`` gives, without thousands of tiny arrays)."""
        sub = x_col_m[cands]
        local, _ = np.nonzero(sub >= 0)
        return local.astype(np.int64), sub[sub >= 0]

    if lim.enabled:
        for fam_name, data, lo_hi in (
            ("candidate_min", lim.min_funding, "lo"),
            ("candidate_max", lim.max_funding, "hi"),
        ):
            keys = list(data)
            groups = [x_of(index[k]) for k in keys]
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
                j = x_col_m[index[lk.candidate], lk.year - 1]
                if j < 0:
                    raise ValueError(
                        f"rules.candidate_limits.locked[{i}]: {lk.candidate} does not operate "
                        f"in plan year {lk.year}"
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
                    raise ValueError(f"rules.candidate_limits.mandatory.{k}: starts after horizon")
            rows.add(
                "candidate_limits",
                "mandatory",
                keys,
                np.arange(len(keys)),
                f_col[[index[k] for k in keys]],
                np.ones(len(keys)),
                np.array([lim.mandatory[k] for k in keys]),
                INF,
            )
        if gng:
            gi = np.array(sorted(gng), np.int64)
            mv = np.array([gng[i] for i in gi])
            m = len(gi)
            labels = [ids[i] for i in gi]
            local = np.repeat(np.arange(m), 2)
            both = np.stack([f_col[gi], z_col[gi]], axis=1).ravel()
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

    # --- c. subsidy band (and the physical limit when it is off) --------------
    band = rules.subsidy_band
    m = len(x_idx)

    def pair_rows(
        family: str, prefix: str, sel: BoolArray, f_coef: FloatArray, lo: float, hi: float
    ) -> None:
        k = int(sel.sum())
        local = np.repeat(np.arange(k), 2)
        cc = np.stack([x_idx[sel], f_col[ci[sel]]], axis=1).ravel()
        vv = np.stack([np.ones(k), f_coef[sel]], axis=1).ravel()
        labels = x_labels if k == m else list(itertools.compress(x_labels, sel.tolist()))
        rows.add(family, prefix, labels, local, cc, vv, lo, hi)

    if band.enabled:
        fl = arr.floor[ci]
        pair_rows("subsidy_band", "subsidy_floor", fl > 0, -fl * pc, 0.0, INF)
        pair_rows(
            "subsidy_band",
            "subsidy_ceiling",
            np.ones(m, np.bool_),
            -arr.ceiling[ci] * pc,
            -INF,
            0.0,
        )
        # Partners pay at most their committed match (scaled with f), so public money
        # covers the rest: sum_t x[c,t] >= (cost in horizon - match in horizon) * f.
        must = arr.cost.sum(axis=1) - arr.partner_match * arr.in_horizon
        pl = np.flatnonzero((arr.partner_match > 0) & (must > 0))
        local, xc = x_groups(pl)
        rows.add(
            "subsidy_band",
            "partner_limit",
            [ids[i] for i in pl],
            np.concatenate([local, np.arange(len(pl))]),
            np.concatenate([xc, f_col[pl]]),
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
                np.zeros(m + n, np.int64),
                np.concatenate([x_idx, f_col]),
                np.concatenate([np.ones(m), -a * full]),
                -INF,
                0.0,
            )
    else:
        pair_rows("structure", "public_within_cost", np.ones(m, np.bool_), -pc, -INF, 0.0)

    # --- d. cost recovery -------------------------------------------------------
    cr = rules.cost_recovery
    if cr.enabled:
        fee = arr.fee[ci, ti]
        broker = arr.kind[ci] == KINDS.index("broker_programme")
        pair_rows("cost_recovery", "cost_recovery", broker & (fee > 0), -(1 - fee) * pc, -INF, 0.0)
        if cr.min_fee_revenue > 0:
            rev = (arr.fee * arr.cost).sum(axis=1)
            rows.add(
                "cost_recovery",
                "fee_revenue_min",
                [""],
                np.zeros(n, np.int64),
                f_col,
                rev,
                cr.min_fee_revenue,
                INF,
            )

    # --- e. matching grants -----------------------------------------------------
    if rules.matching_grants.enabled:
        grant = np.flatnonzero(
            (arr.kind == KINDS.index("matching_grant")) & np.isfinite(arr.match_cap)
        )
        local, xc = x_groups(grant)
        rows.add(
            "matching_grants",
            "grant_limit",
            [ids[i] for i in grant],
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
            [ids[i] for i in bad],
            np.arange(len(bad)),
            f_col[bad],
            np.ones(len(bad)),
            -INF,
            0.0,
        )

    # --- f. broker capacity -------------------------------------------------------
    bc = rules.broker_capacity
    if bc.enabled and arr.networks_needed.any():
        net = arr.networks_needed - arr.networks_served
        rows.add(
            "broker_capacity",
            "broker_capacity",
            [""],
            np.zeros(n, np.int64),
            f_col,
            net,
            -INF,
            bc.existing_networks,
        )

    # --- g. policy mix --------------------------------------------------------------
    pm = rules.policy_mix
    if pm.enabled:
        share_rows(
            rows,
            "kind",
            {k: arr.kind[ci] == KINDS.index(k) for k in pm.kind_shares},
            {str(k): v for k, v in pm.kind_shares.items()},
            x_idx,
        )
        region_of = np.array(arr.region, dtype=object)[ci] if m else np.zeros(0, object)
        share_rows(
            rows, "region", {r: region_of == r for r in pm.region_shares}, pm.region_shares, x_idx
        )
        if pm.lagging_min_share > 0:
            lagging = {r.name for r in scenario.regions if r.lagging}
            sel = np.isin(region_of, list(lagging)) if m else np.zeros(0, np.bool_)
            coef = sel.astype(np.float64) - pm.lagging_min_share
            rows.add(
                "policy_mix", "lagging_floor", [""], np.zeros(m, np.int64), x_idx, coef, 0.0, INF
            )
        if pm.sources:
            source_rows(scenario, rows, cols, arr, ci, x_idx, x_labels)

    # --- objective targets ---------------------------------------------------------------
    targets = scenario.objective.targets
    if targets:
        tkeys = [k for k in MEASURES if k in targets]
        if dr.enabled:
            slopes = np.asarray(normalised_slopes(scenario))
            tcols = seg_col.ravel()
            tvals = [(arr.outcome[k][:, None] * slopes[None, :]).ravel() for k in tkeys]
        else:
            tcols, tvals = f_col, [arr.outcome[k] for k in tkeys]
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

    return assemble(scenario, arr, cols, rows, sign, f_col, x_col_m, z_col, seg_col, tie)
