"""The programme as arrays: named column and row blocks plus a row-wise sparse matrix.

``BuiltModel`` is what the build step returns and the solve step reads. Row
sense is ``row_lower <= A x <= row_upper``; the objective is always maximised
(``objective_sign`` says whether the reported objective is that value or a cost).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.allocator.build.arrays import BoolArray, CandidateArrays, FloatArray, IntArray
from model.allocator.scenario import Scenario
from model.formatting.i18n import N_

INF = float("inf")
# Rule families as the issue names them; "structure" rows only define variables.
# The rule families in words: English in results (a report's ``family``), shown through
# ``_()`` where people read them (marked ``N_`` for the catalog).
FAMILIES: dict[str, str] = {
    "budget": N_("a. budgets"),
    "candidate_limits": N_("b. candidate limits"),
    "subsidy_band": N_("c. subsidy band"),
    "cost_recovery": N_("d. cost recovery"),
    "matching_grants": N_("e. matching grants"),
    "broker_capacity": N_("f. broker capacity"),
    "policy_mix": N_("g. policy mix"),
    "targets": N_("objective targets"),
    "structure": N_("model structure"),
}


# Rows about the whole portfolio (budgets, shares of the total, capacity, targets),
# as opposed to one candidate's own limits: pages and exports list these first.
PORTFOLIO_RULES = frozenset(
    {
        "budget_total",
        "budget_year",
        "average_public_share",
        "fee_revenue_min",
        "broker_capacity",
        "kind_floor",
        "kind_ceiling",
        "region_floor",
        "region_ceiling",
        "lagging_floor",
        "source_amount",
        "source_floor",
        "source_ceiling",
        "target",
    }
)


@dataclass(frozen=True)
class Block:
    """A run of rows or columns sharing a name prefix (and, for rows, a family)."""

    prefix: str
    start: int
    labels: tuple[str, ...]
    family: str = "structure"

    @property
    def stop(self) -> int:
        return self.start + len(self.labels)

    @property
    def portfolio(self) -> bool:
        """Whether these rows bind the whole portfolio (not one candidate)."""
        return self.prefix in PORTFOLIO_RULES

    def label(self, i: int) -> str:
        """The index part of row or column ``i``'s name ("" when it has none)."""
        return self.labels[i - self.start]

    def name(self, i: int) -> str:
        label = self.labels[i - self.start]
        return f"{self.prefix}[{label}]" if label else self.prefix


@dataclass(frozen=True)
class BuiltModel:
    """The programme as arrays; row sense is ``row_lower <= A x <= row_upper``.

    ``a_start/a_index/a_value`` is row-wise compressed storage (CSR).
    """

    scenario: Scenario
    arrays: CandidateArrays
    col_lower: FloatArray
    col_upper: FloatArray
    col_cost: FloatArray  # maximised
    integer: BoolArray
    row_lower: FloatArray
    row_upper: FloatArray
    a_start: IntArray
    a_index: IntArray
    a_value: FloatArray
    col_blocks: tuple[Block, ...]
    row_blocks: tuple[Block, ...]
    objective_sign: float  # +1 maximise, -1 the reported objective is a cost to minimise
    f_col: IntArray  # per candidate
    x_col: IntArray  # [n, H], -1 where the candidate does not operate
    z_col: IntArray  # per candidate, -1 without go/no-go
    seg_col: IntArray  # [n, segments] or shape (n, 0)
    tie_break: float
    _row_lookup: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def num_col(self) -> int:
        return len(self.col_lower)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())

    def row_name(self, i: int) -> str:
        return _find(self.row_blocks, i).name(i)

    def row_family(self, i: int) -> str:
        return _find(self.row_blocks, i).family

    def row_block(self, i: int) -> Block:
        return _find(self.row_blocks, i)

    def row_index(self, name: str) -> int:
        """Index of the row called ``name`` (KeyError when absent)."""
        if not self._row_lookup:
            for b in self.row_blocks:
                for i in range(b.start, b.stop):
                    self._row_lookup[b.name(i)] = i
        return self._row_lookup[name]

    def row_names(self) -> list[str]:
        return [b.name(i) for b in self.row_blocks for i in range(b.start, b.stop)]

    def col_names(self) -> list[str]:
        return [b.name(j) for b in self.col_blocks for j in range(b.start, b.stop)]

    def row(self, i: int) -> tuple[IntArray, FloatArray]:
        s, e = self.a_start[i], self.a_start[i + 1]
        return self.a_index[s:e], self.a_value[s:e]

    def activity(self, values: FloatArray) -> FloatArray:
        """Row activities A @ values (without scipy)."""
        row_of = np.repeat(np.arange(self.num_row), np.diff(self.a_start))
        out: FloatArray = np.bincount(
            row_of, weights=self.a_value * values[self.a_index], minlength=self.num_row
        ).astype(np.float64)
        return out


def _find(blocks: tuple[Block, ...], i: int) -> Block:
    starts = [b.start for b in blocks]
    k = int(np.searchsorted(starts, i, side="right")) - 1
    if k < 0 or i >= blocks[k].stop:
        raise IndexError(i)
    return blocks[k]


class RowSet:
    """Accumulates row blocks as coordinate triplets."""

    def __init__(self) -> None:
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.vals: list[FloatArray] = []
        self.lower: list[FloatArray] = []
        self.upper: list[FloatArray] = []
        self.blocks: list[Block] = []
        self.count = 0

    def add(
        self,
        family: str,
        prefix: str,
        labels: list[str],
        local_row: IntArray,
        col: IntArray,
        val: FloatArray,
        lower: FloatArray | float,
        upper: FloatArray | float,
    ) -> None:
        """Add ``len(labels)`` rows; ``local_row`` counts from 0 within this block."""
        m = len(labels)
        if m == 0:
            return
        keep = val != 0
        self.rows.append(np.asarray(local_row, np.int64)[keep] + self.count)
        self.cols.append(np.asarray(col, np.int64)[keep])
        self.vals.append(np.asarray(val, np.float64)[keep])
        self.lower.append(np.broadcast_to(np.asarray(lower, np.float64), (m,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, np.float64), (m,)).copy())
        self.blocks.append(Block(prefix, self.count, tuple(labels), family))
        self.count += m


class ColSet:
    def __init__(self) -> None:
        self.lower: list[FloatArray] = []
        self.upper: list[FloatArray] = []
        self.cost: list[FloatArray] = []
        self.integer: list[BoolArray] = []
        self.blocks: list[Block] = []
        self.count = 0

    def add(
        self, prefix: str, labels: list[str], lower: FloatArray | float, upper: FloatArray | float
    ) -> IntArray:
        m = len(labels)
        self.lower.append(np.broadcast_to(np.asarray(lower, np.float64), (m,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, np.float64), (m,)).copy())
        self.cost.append(np.zeros(m))
        self.integer.append(np.zeros(m, np.bool_))
        self.blocks.append(Block(prefix, self.count, tuple(labels)))
        idx = np.arange(self.count, self.count + m, dtype=np.int64)
        self.count += m
        return idx

    def _block(self, idx: IntArray) -> int:
        """Position of the block that ``add`` returned ``idx`` for."""
        start = int(idx.ravel()[0])
        return next(k for k, b in enumerate(self.blocks) if b.start == start and b.labels)

    def set_cost(self, idx: IntArray, cost: FloatArray | float) -> None:
        """Objective coefficients (maximised) of the columns ``add`` returned as ``idx``."""
        if idx.size:
            self.cost[self._block(idx)][:] = np.ravel(cost)

    def set_integer(self, idx: IntArray) -> None:
        """Mark the columns ``add`` returned as ``idx`` integer."""
        if idx.size:
            self.integer[self._block(idx)][:] = True


def sum_rows(
    rows: RowSet,
    family: str,
    prefix: str,
    labels: list[str],
    groups: list[IntArray],
    coefs: list[FloatArray],
    lower: FloatArray | float,
    upper: FloatArray | float,
) -> None:
    """One row per group: sum of coefs * columns."""
    empty = np.zeros(0, np.int64)
    local = np.concatenate([np.full(len(g), r, np.int64) for r, g in enumerate(groups)] or [empty])
    rows.add(
        family,
        prefix,
        labels,
        local.astype(np.int64),
        np.concatenate(groups or [np.zeros(0, np.int64)]),
        np.concatenate(coefs or [np.zeros(0)]),
        lower,
        upper,
    )


def assemble(
    scenario: Scenario,
    arr: CandidateArrays,
    cols: ColSet,
    rows: RowSet,
    sign: float,
    f_col: IntArray,
    x_col: IntArray,
    z_col: IntArray,
    seg_col: IntArray,
    tie: float,
) -> BuiltModel:
    r = np.concatenate(rows.rows) if rows.rows else np.zeros(0, np.int64)
    c = np.concatenate(rows.cols) if rows.cols else np.zeros(0, np.int64)
    v = np.concatenate(rows.vals) if rows.vals else np.zeros(0)
    order = np.lexsort((c, r))
    counts = np.bincount(r, minlength=rows.count)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return BuiltModel(
        scenario=scenario,
        arrays=arr,
        col_lower=np.concatenate(cols.lower),
        col_upper=np.concatenate(cols.upper),
        col_cost=np.concatenate(cols.cost),
        integer=np.concatenate(cols.integer),
        row_lower=np.concatenate(rows.lower) if rows.lower else np.zeros(0),
        row_upper=np.concatenate(rows.upper) if rows.upper else np.zeros(0),
        a_start=start,
        a_index=c[order],
        a_value=v[order],
        col_blocks=tuple(cols.blocks),
        row_blocks=tuple(rows.blocks),
        objective_sign=sign,
        f_col=f_col,
        x_col=x_col,
        z_col=z_col,
        seg_col=seg_col,
        tie_break=tie,
    )
