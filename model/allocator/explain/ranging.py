"""What one more (or one less) dollar of a money row buys, and what an unfunded candidate
needs, measured by warm re-solves of the programme instead of read off one dual.

Why not the dual alone: at a degenerate optimum (common: carry-over, a binding target,
candidates at their share limits) a row's dual is one side of a kink of the optimal
value as a function of the row's limit, and the solver picks either side; HiGHS and
CBC then disagree and both can be wrong for the direction a user asks about. The
optimal value v(b) of an LP is concave and piecewise linear in a ``<=`` row's limit b
(convex for ``>=``, same method), so:

- ``Probe.side``: the rate on one side is the dual of a re-solve a small step
  (``SIDE_STEP``) into that side, where the optimum is no longer degenerate in that
  row; the range over which it holds (Excel's allowable increase/decrease) is found by
  re-solving at a trial limit: if v is on the line there, the rate holds up to it
  (concavity); if not, the line through the trial point with its own dual meets the
  first line at the next kink candidate, re-solved in turn (each step removes at
  least one linear piece). Where the plan becomes infeasible, the limit at which it
  does is itself an LP (least activity of the row under the other rules).
- ``Probe.forced``: an unfunded candidate enters exactly when the optimal value with
  its scale forced to a tiny ``FORCE_SCALE`` falls by less than what a higher return
  adds; the dual of that forced bound is the exact slope (``unfunded_threshold``).

All re-solves run on one warm HiGHS ``ReSolver`` whichever solver found the plan, so
HiGHS and CBC runs report the same numbers (they are properties of the programme, not
of the solver). A MILP is probed with its go/no-go decisions fixed at the optimum
(the LP whose duals the report already uses). Units: rates in reported-objective units
per US$ of the row's limit (the ``shadow_price`` convention); spans in US$.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np

from model.allocator.build.arrays import FloatArray
from model.allocator.build.lp import BuiltModel
from model.allocator.explain.wording import MONEY_RULES
from model.allocator.solve.resolve import ReSolver
from model.allocator.solve.solution import Solution

# The step into one side of a kink, as a share of the row's size (US$): small enough to
# stay on the first linear piece, large against HiGHS's 1e-7 feasibility tolerance.
SIDE_STEP = 1e-6
# v is "on the line" when it is within this share of the objective (solver accuracy).
LINE_TOL = 1e-8
# A rate below this (objective units per US$, relative to the objective per US$ of the
# row's size) is zero: the row stops mattering on that side.
ZERO_RATE = 1e-9
# Most re-solves spent on one side's range (each removes a linear piece or halves it).
MAX_STEPS = 12
# Scale (0-1) at which an unfunded candidate is forced in to read its exact slope.
FORCE_SCALE = 1e-6
# Above this many candidates the measuring re-solves are skipped: they start with a cold
# solve of their own, which at 10,000 x 5 would double ``allocate`` (issue 16's targets);
# there every price is stated as a local price and thresholds as lower bounds.
MEASURE_MAX_CANDIDATES = 2_000


def measured(built: BuiltModel) -> bool:
    """Whether ``allocate`` measures this model's explanations by re-solving."""
    return built.arrays.n <= MEASURE_MAX_CANDIDATES


@dataclass(frozen=True)
class Side:
    """One side of a money row's limit: the rate and the range where it holds.

    ``rate``: change of the reported objective per US$ the limit moves on this side,
    signed as ``shadow_price`` (per US$ of *increase*); None when even a small step is
    infeasible. ``span``: US$ over which ``rate`` holds exactly (None: without limit).
    ``at_least``: the rate was checked only this far. ``infeasible_beyond``: past
    ``span`` no plan keeps the rules.
    """

    rate: float | None
    span: float | None
    at_least: bool = False
    infeasible_beyond: bool = False


class Probe:
    """Warm re-solves of one built programme around its optimum (see module docstring)."""

    def __init__(self, built: BuiltModel, sol: Solution, warm: ReSolver | None = None) -> None:
        """``warm``: the HiGHS re-solver that found ``sol`` (an LP), still at that optimum
        (``solver.solve_warm``): the probes start from it instead of solving again cold
        (the same programme and options, so the same optimum, basis and lazy rows)."""
        self.built = built
        lo, up = built.col_lower.copy(), built.col_upper.copy()
        if built.is_mip and len(sol.values):
            fixed = np.round(sol.values[built.integer])
            lo[built.integer] = fixed
            up[built.integer] = fixed
        self.col_lower, self.col_upper = lo, up
        self._last_obj: FloatArray = built.col_cost
        self._last_cl: FloatArray = lo
        if warm is not None and not built.is_mip and sol.status == "optimal":
            self.rs, base = warm, sol
        else:
            self.rs = ReSolver(built, lower=lo, upper=up, integer=np.zeros_like(built.integer))
            base = self.rs.solve()
        self.ok = base.status == "optimal"
        self.base = base
        self.v0 = self.reported(base) if self.ok else math.nan
        self.spend0 = self._spend(base) if self.ok else math.nan
        self.solves = 1
        # HiGHS's ranging at the base optimum: False when it has none, None until asked.
        self._ranging: object = None

    # -- helpers ---------------------------------------------------------------------

    def _spend(self, s: Solution) -> float:
        x = self.built.x_col
        return float(s.values[x[x >= 0]].sum())

    def reported(self, s: Solution) -> float:
        """The reported objective of a solution (internal objective without the tie-break)."""
        b = self.built
        internal = float(b.col_cost @ s.values) + b.tie_break * self._spend(s)
        return b.objective_sign * internal

    def run(
        self,
        row_lower: FloatArray | None = None,
        row_upper: FloatArray | None = None,
        col_lower: FloatArray | None = None,
        objective: FloatArray | None = None,
        col_duals: bool = False,
    ) -> Solution:
        """One re-solve with these changes from the built programme (all else as built);
        ``col_duals``: whether the answer carries column duals (only ``forced`` reads them).

        Only what differs from the last re-solve is handed to HiGHS (a new objective or
        new column bounds cost a pass over every column)."""
        b = self.built
        self.solves += 1
        obj = b.col_cost if objective is None else objective
        cl = self.col_lower if col_lower is None else col_lower
        # The ReSolver skips row arrays it already holds (the same objects).
        changes: dict[str, FloatArray] = {
            "row_lower": b.row_lower if row_lower is None else row_lower,
            "row_upper": b.row_upper if row_upper is None else row_upper,
        }
        if obj is not self._last_obj:
            changes["objective"] = obj
            self._last_obj = obj
        if cl is not self._last_cl:
            changes["col_lower"] = cl
            self._last_cl = cl
        return self.rs.solve(**changes, light=True, col_duals=col_duals)

    def _kink_guess(self, i: int, direction: int) -> float | None:
        """HiGHS's ranging of row i at its current basis: the limit up to which that basis
        stays optimal (a first guess at the next kink; None when HiGHS has none)."""
        status, rng = self.rs.h.getRanging()
        if status != highspy.HighsStatus.kOk or not rng.valid:
            return None
        return self._range_of(rng, i, direction)

    def _at(self, i: int, limit: float) -> Solution:
        """Re-solve with row i's limit (its finite bound) set to ``limit``."""
        b = self.built
        if np.isfinite(b.row_upper[i]):
            up = b.row_upper.copy()
            up[i] = limit
            return self.run(row_upper=up)
        lo = b.row_lower.copy()
        lo[i] = limit
        return self.run(row_lower=lo)

    def _rate(self, s: Solution, i: int, moved: float) -> float:
        """Reported-objective change per US$ of row i's limit at solution ``s`` (its dual,
        plus the tie-break's share of the spend it moved: ``moved`` US$ of limit)."""
        b = self.built
        dspend = (self._spend(s) - self.spend0) / moved if moved else 0.0
        return float(b.objective_sign * (float(s.row_dual[i]) + b.tie_break * dspend))

    def _boundary(self, i: int) -> float | None:
        """The limit of row i beyond which no plan keeps the other rules (its least or
        greatest activity), or None when there is none."""
        b = self.built
        upper_row = bool(np.isfinite(b.row_upper[i]))
        cols, vals = b.row(i)
        obj = np.zeros(b.num_col)
        # Internal objective is maximised: maximise -a.x for a <= row (least activity).
        obj[cols] = -vals if upper_row else vals
        lo, up = b.row_lower.copy(), b.row_upper.copy()
        lo[i], up[i] = -np.inf, np.inf
        s = self.run(row_lower=lo, row_upper=up, objective=obj)
        if s.status != "optimal":
            return None
        return float(vals @ s.values[cols])

    # -- money rows ------------------------------------------------------------------

    def side(self, i: int, direction: int, size: float) -> Side:
        """The rate and range of row i's limit moved by ``direction`` (+1 up, -1 down);
        ``size``: the row's US$ scale (|limit| + what its entries move), for step sizes.

        Works on the internal objective (what HiGHS optimises, with the spend tie-break):
        the rate reported is converted at the end with the spend measured on the piece."""
        b = self.built
        upper_row = bool(np.isfinite(b.row_upper[i]))
        limit = float(b.row_upper[i] if upper_row else b.row_lower[i])
        scale = max(abs(limit), size, 1.0)
        v0 = self.base.objective
        tol = LINE_TOL * max(abs(v0), 1.0)
        step = SIDE_STEP * scale
        zero = ZERO_RATE * max(abs(v0) / scale, 1.0)
        # The base basis holds on this side when HiGHS's range for it reaches past a step:
        # its dual is then this side's rate (no re-solve needed to read it).
        end = self._base_range(i, direction)
        known = step  # the rate holds at least this far
        spend_known = math.nan  # spend at ``known`` (for the tie-break's share of the rate)
        from_base = False
        guess: float | None = None
        y = 0.0
        if end is not None and (end - limit) * direction > step:
            # Trust the base dual only once the line through it holds at the range's end.
            y = float(self.base.row_dual[i])
            s = self._at(i, end)
            if s.status == "optimal" and abs(s.objective - (v0 + y * (end - limit))) <= tol:
                from_base = True
                known, spend_known = abs(end - limit), self._spend(s)
        if not from_base:
            s = self._at(i, limit + direction * step)
            if s.status != "optimal":
                return Side(None, 0.0, infeasible_beyond=True)
            y = float(s.row_dual[i])
            guess = self._kink_guess(i, direction)
        if abs(y) <= zero:
            y = 0.0  # solver round-off, not a price
        # Moving a <= row up (or a >= row down) only widens the choice: the optimum never
        # gets worse, and once the row stops pricing it never prices again (concavity).
        relaxing = (direction > 0) == upper_row
        if relaxing and y == 0.0:
            return Side(0.0, None)
        trial = abs(limit) if not relaxing and abs(limit) > step else scale
        guessed = guess is not None and (guess - limit) * direction > step
        if guess is not None and guessed:
            trial = abs(guess - limit)
        just_past = False  # the trial is two steps past a point on the line
        if from_base:
            # On the line up to the base basis's range: check two steps past it.
            trial, just_past = known + 2 * step, True
        boundary_done = False
        from_kink = False

        def done(span: float | None, **kw: bool) -> Side:
            moved = direction * known
            dspend = (spend_known - self.spend0) / moved if math.isfinite(spend_known) else 0.0
            rate = b.objective_sign * (y + b.tie_break * dspend)
            return Side(0.0 if y == 0.0 else float(rate), span, **kw)

        for _ in range(MAX_STEPS):
            s = self._at(i, limit + direction * trial)
            on_edge = False
            if s.status != "optimal":
                if boundary_done:
                    return done(known, at_least=True)
                edge = self._boundary(i)
                boundary_done = True
                if edge is None:
                    return done(known, at_least=True)
                if abs(edge - limit) <= step:
                    return Side(None, 0.0, infeasible_beyond=True)
                if abs(edge - limit) <= known:
                    return done(abs(edge - limit), infeasible_beyond=True)
                trial = abs(edge - limit)
                s = self._at(i, limit + direction * trial)
                if s.status != "optimal":
                    # The edge itself is at the solver's tolerance: stay just inside it.
                    trial *= 1 - 1e-9
                    s = self._at(i, limit + direction * trial)
                    if s.status != "optimal":
                        return done(known, at_least=True)
                on_edge = True
            v = s.objective
            if abs(v - (v0 + y * direction * trial)) <= tol:
                known, spend_known = trial, self._spend(s)
                if on_edge:
                    return done(trial, infeasible_beyond=True)
                if from_kink:
                    return done(trial)
                # On the line so far. HiGHS's basis range usually ends at the kink: two
                # steps further tells (one re-solve); else (a degenerate pivot that keeps
                # the rate) look further until the line breaks.
                trial = trial + 2 * step if guessed and not just_past else 2 * trial
                just_past = guessed and not just_past
                guessed = False
                continue
            if just_past:
                return done(known)  # the line breaks within two steps of ``known``
            # Not on the line: the next kink is where the first line meets the line
            # through this point with this point's own rate.
            other = float(s.row_dual[i])
            if abs(other - y) <= ZERO_RATE * max(abs(y), 1.0):
                trial = 0.5 * (known + trial)  # parallel lines: numerical noise, halve
                from_kink = False
                continue
            # v0 + y*d*t = v + other*d*(t - trial)  ->  t
            t = (v - other * direction * trial - v0) / (direction * (y - other))
            if t <= known * (1 + 1e-9):
                return done(known)  # the kink is where the line was last checked
            if t >= trial:
                t = 0.5 * (known + trial)
            trial = t
            from_kink = True
        return done(known, at_least=True)

    def _base_range(self, i: int, direction: int) -> float | None:
        """HiGHS's ranging of row i at the base optimum (computed once): the limit up to
        which the base basis stays optimal on this side (None when HiGHS has none)."""
        if self._ranging is None:
            status, rng = self.rs.h.getRanging()
            self._ranging = rng if status == highspy.HighsStatus.kOk and rng.valid else False
        return self._range_of(self._ranging, i, direction)

    def _range_of(self, rng: object, i: int, direction: int) -> float | None:
        if rng is False:
            return None
        red = self.rs.red
        r = int(np.searchsorted(red.keep, i))
        if r >= len(red.keep) or red.keep[r] != i:
            return None
        side = rng.row_bound_up if direction > 0 else rng.row_bound_dn  # type: ignore[attr-defined]
        value = float(side.value_[r])
        return value if math.isfinite(value) and abs(value) < 1e300 else None

    # -- unfunded candidates ---------------------------------------------------------

    def forced(self, cand: int, scale: float) -> Solution:
        """Re-solve with candidate ``cand``'s scale forced to at least ``scale``."""
        lo = self.col_lower.copy()
        j = int(self.built.f_col[cand])
        lo[j] = max(lo[j], scale)
        return self.run(col_lower=lo, col_duals=True)


def row_size(built: BuiltModel, values: FloatArray) -> FloatArray:
    """Per row, US$ moved by its entries at ``values`` (scale for step sizes)."""
    row_of = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
    out: FloatArray = np.bincount(
        row_of, np.abs(built.a_value * values[built.a_index]), minlength=built.num_row
    ).astype(np.float64)
    return out


def money_sides(
    probe: Probe, rows: list[int], binding: dict[int, bool], slack: dict[int, float]
) -> dict[int, tuple[Side, Side]]:
    """(one more, one less) for each money row: re-solved for binding rows; a slack row
    has rate 0 until its slack is used up on the side that tightens it."""
    b = probe.built
    size = row_size(b, probe.base.values)
    out: dict[int, tuple[Side, Side]] = {}
    for i in rows:
        upper_row = bool(np.isfinite(b.row_upper[i]))
        if not binding[i]:
            free = Side(0.0, None)
            room = Side(0.0, abs(slack[i]), at_least=True)
            out[i] = (free, room) if upper_row else (room, free)
            continue
        out[i] = (probe.side(i, +1, float(size[i])), probe.side(i, -1, float(size[i])))
    return out


def money_rows(built: BuiltModel) -> list[int]:
    """The rows of ``built`` whose limit is money a user reads (``MONEY_RULES``)."""
    return [i for b in built.row_blocks if b.prefix in MONEY_RULES for i in range(b.start, b.stop)]
