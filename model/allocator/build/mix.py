"""Build step, rule family g (policy mix): shares by kind, region and funding source.

Shares are of *total public funding allocated* (not of the budget), so a floor
stays meaningful when money is left unspent: ``kind_floor[k]`` is
spend on kind k - min share x total spend >= 0.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from model.allocator.build.arrays import BoolArray, CandidateArrays, FloatArray, IntArray
from model.allocator.build.lp import INF, ColSet, RowSet
from model.allocator.scenario import Scenario, ShareBounds
from model.domain.candidates import KINDS


def share_rows(
    rows: RowSet,
    what: str,
    masks: dict[str, BoolArray],
    bounds: Mapping[str, ShareBounds],
    x_idx: IntArray,
) -> None:
    """``{what}_floor[key]``: spend in group - min x total spend >= 0 (and ceiling)."""
    for side in ("floor", "ceiling"):
        keys: list[str] = []
        local: list[IntArray] = []
        cidx: list[IntArray] = []
        coef: list[FloatArray] = []
        for key, sel in masks.items():
            b = bounds[key]
            share = b.min if side == "floor" else b.max
            if (side == "floor" and share <= 0) or (side == "ceiling" and share >= 1):
                continue
            local.append(np.full(len(x_idx), len(keys), np.int64))
            cidx.append(x_idx)
            coef.append(sel.astype(np.float64) - share)
            keys.append(key)
        if keys:
            rows.add(
                "policy_mix",
                f"{what}_{side}",
                keys,
                np.concatenate(local),
                np.concatenate(cidx),
                np.concatenate(coef),
                0.0 if side == "floor" else -INF,
                INF if side == "floor" else 0.0,
            )


def source_rows(
    scenario: Scenario,
    rows: RowSet,
    cols: ColSet,
    arr: CandidateArrays,
    ci: IntArray,
    x_idx: IntArray,
    x_labels: list[str],
) -> None:
    """Split public funding by source: x[c,t] = sum_s y[c,t,s] over sources allowing c's kind."""
    sources = scenario.rules.policy_mix.sources
    m = len(x_idx)
    y_by_source: list[IntArray] = []
    y_x: list[IntArray] = []
    for s in sources:
        allowed = np.isin(arr.kind[ci], [KINDS.index(k) for k in s.allowed_kinds])
        sel = np.flatnonzero(allowed)
        y = cols.add("y", [f"{x_labels[i]},{s.name}" for i in sel], 0.0, INF)
        y_by_source.append(y)
        y_x.append(sel)
    local = np.concatenate([np.arange(m), *y_x])
    cidx = np.concatenate([x_idx, *y_by_source])
    coef = np.concatenate([np.ones(m)] + [-np.ones(len(y)) for y in y_by_source])
    rows.add("policy_mix", "source_split", x_labels, local, cidx, coef, 0.0, 0.0)
    names = [s.name for s in sources]
    rows.add(
        "policy_mix",
        "source_amount",
        names,
        np.concatenate([np.full(len(y), k) for k, y in enumerate(y_by_source)]),
        np.concatenate(y_by_source),
        np.ones(sum(len(y) for y in y_by_source)),
        -INF,
        np.array([s.amount for s in sources]),
    )
    for side in ("floor", "ceiling"):
        keys: list[str] = []
        local_l: list[IntArray] = []
        cidx_l: list[IntArray] = []
        coef_l: list[FloatArray] = []
        for s, y in zip(sources, y_by_source, strict=True):
            share = s.share.min if side == "floor" else s.share.max
            if (side == "floor" and share <= 0) or (side == "ceiling" and share >= 1):
                continue
            k = len(keys)
            local_l += [np.full(len(y), k), np.full(m, k)]
            cidx_l += [y, x_idx]
            coef_l += [np.ones(len(y)), np.full(m, -share)]
            keys.append(s.name)
        if keys:
            rows.add(
                "policy_mix",
                f"source_{side}",
                keys,
                np.concatenate(local_l),
                np.concatenate(cidx_l),
                np.concatenate(coef_l),
                0.0 if side == "floor" else -INF,
                INF if side == "floor" else 0.0,
            )
