"""The built programme as a PuLP problem: for CBC and for the auditable .lp/.mps export.

PuLP gets the problem as a *minimisation* of minus the internal (maximised)
objective, so CBC's duals have the same meaning as HiGHS's (change of the
minimised objective per unit of right-hand side) and ``solve`` flips both the
same way. LP-format names allow no brackets, so ``x[C-07,3]`` is written
``x_C_07_3``; the export keeps a comment-free one-to-one mapping by index.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pulp

from model.allocator.build.arrays import BoolArray, FloatArray
from model.allocator.build.lp import BuiltModel
from model.formatting.i18n import _

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def _safe_names(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for j, name in enumerate(names):
        safe = _UNSAFE.sub("_", name).strip("_") or f"v{j}"
        if safe in seen:
            safe = f"{safe}__{j}"
        seen.add(safe)
        out.append(safe)
    return out


def _bound(v: float) -> float | None:
    return None if not np.isfinite(v) else float(v)


def to_pulp(
    built: BuiltModel,
    col_lower: FloatArray | None = None,
    col_upper: FloatArray | None = None,
    integer: BoolArray | None = None,
) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]]:
    """PuLP problem with one variable per column and one constraint per row, same order.

    Optional bounds/integrality override the built ones (used to fix binaries).
    """
    lo = built.col_lower if col_lower is None else col_lower
    up = built.col_upper if col_upper is None else col_upper
    ints = built.integer if integer is None else integer
    prob = pulp.LpProblem(_UNSAFE.sub("_", built.scenario.name)[:60] or "fomento", pulp.LpMinimize)
    names = _safe_names(built.col_names())
    xs = [
        prob.add_variable(
            names[j], _bound(lo[j]), _bound(up[j]), pulp.LpInteger if ints[j] else pulp.LpContinuous
        )
        for j in range(built.num_col)
    ]
    prob += pulp.LpAffineExpression(
        [(xs[j], -float(c)) for j, c in enumerate(built.col_cost) if c != 0]
    )
    cons: list[pulp.LpConstraint] = []
    row_names = _safe_names(built.row_names())
    for i in range(built.num_row):
        idx, val = built.row(i)
        expr = pulp.LpAffineExpression([(xs[j], float(v)) for j, v in zip(idx, val, strict=True)])
        lo_i, up_i = float(built.row_lower[i]), float(built.row_upper[i])
        if lo_i == up_i:
            con = pulp.LpConstraint(expr, pulp.LpConstraintEQ, row_names[i], lo_i)
        elif np.isfinite(up_i) and not np.isfinite(lo_i):
            con = pulp.LpConstraint(expr, pulp.LpConstraintLE, row_names[i], up_i)
        elif np.isfinite(lo_i) and not np.isfinite(up_i):
            con = pulp.LpConstraint(expr, pulp.LpConstraintGE, row_names[i], lo_i)
        else:
            raise ValueError(f"{built.row_name(i)}: ranged rows are not used by the builder")
        prob.addConstraint(con)
        cons.append(con)
    return prob, xs, cons


def export_model(built: BuiltModel, path: str | Path) -> Path:
    """Write the programme as ``.lp`` or ``.mps`` (by extension) for audit."""
    p = Path(path)
    prob, _xs, _cons = to_pulp(built)
    if p.suffix.lower() == ".lp":
        prob.writeLP(str(p))
    elif p.suffix.lower() == ".mps":
        prob.writeMPS(str(p))
    else:
        raise ValueError(_("--export-lp {path}: use a .lp or .mps file name").format(path=p))
    return p
