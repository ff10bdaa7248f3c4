"""What a solve returns: ``Solution`` (raw solver numbers on the built model) and its status.

Kept apart from ``solve`` so the re-solver (``resolve``) and ``solve`` share it
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from model.allocator.build.arrays import FloatArray

Status = Literal["optimal", "time_limit", "infeasible", "unbounded", "error"]


@dataclass(frozen=True)
class Solution:
    """Raw solver output on the built model (dual signs: see ``solve``)."""

    status: Status
    solver: str
    values: FloatArray
    row_activity: FloatArray
    row_dual: FloatArray
    col_dual: FloatArray
    objective: float  # internal, maximised, including the spend tie-break
    gap: float | None  # relative MIP gap; 0 for an LP
    seconds: float
    duals_from_fixed_lp: bool
    message: str = ""

    @property
    def ok(self) -> bool:
        """A solution whose values can be read (optimal, or a MILP stopped at its time limit)."""
        return self.status in ("optimal", "time_limit") and len(self.values) > 0


def empty(status: Status, solver: str, message: str) -> Solution:
    z = np.zeros(0)
    return Solution(status, solver, z, z, z, z, float("nan"), None, 0.0, False, message)
