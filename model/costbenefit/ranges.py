"""Ranged quantities: a stated value with the low and high bounds the sources allow.

A ``Range`` carries an optional point ``value`` and optional bounds. A missing
bound is *open*: the evidence does not bound the quantity on that side ("more
than 50 %" is ``Range(low=0.5)``). Arithmetic is interval arithmetic on the
bounds, never on midpoints, so ``low <= value <= high`` holds for every result.
Sums of ranges open on opposite sides can leave every side open; such a Range
``is_unknown`` and the engine drops it with a warning.

Multiplication and division assume non-negative quantities (money, counts,
shares, ratios), which is what the engine feeds them, so an open low bound
means "somewhere at or above 0"; they raise ``ValueError`` on a negative
operand rather than return bounds that would be wrong for signed inputs.
Addition and subtraction work for any sign.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.domain.evidence import EvidenceRecord

# Interval checks tolerate float rounding in bounds built from the same inputs.
_ORDER_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Range:
    """A quantity with an optional point value and optional (open when None) bounds."""

    value: float | None = None
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        for name in ("value", "low", "high"):
            x = getattr(self, name)
            if x is not None and not math.isfinite(x):
                raise ValueError(f"Range {name} must be finite, got {x}")
        if not _ordered(self.low, self.value) or not _ordered(self.value, self.high):
            raise ValueError(
                f"Range bounds out of order: {self.low} <= {self.value} <= {self.high}"
            )
        if not _ordered(self.low, self.high):
            raise ValueError(f"Range low {self.low} is above high {self.high}")

    @classmethod
    def point(cls, x: float) -> Range:
        """An exactly known quantity: value, low and high all equal ``x``."""
        return cls(x, x, x)

    @classmethod
    def from_record(cls, record: EvidenceRecord) -> Range:
        """The range one evidence record states.

        A stated value with no bound on a side is taken as that side's bound
        (the source gives nothing wider); a record with only bounds keeps
        ``value`` None and any missing bound open.
        """
        if record.value is None:
            return cls(None, record.low, record.high)
        low = record.low if record.low is not None else record.value
        high = record.high if record.high is not None else record.value
        return cls(record.value, low, high)

    @property
    def is_unknown(self) -> bool:
        """Nothing known: arithmetic on open bounds can leave every side open."""
        return self.value is None and self.low is None and self.high is None

    @property
    def is_point(self) -> bool:
        return self.value is not None and self.low == self.value and self.high == self.value

    @property
    def best(self) -> float | None:
        """The value, or the single known bound when the source gives one side only."""
        if self.value is not None:
            return self.value
        if self.low is not None and self.high is not None:
            return None
        return self.low if self.low is not None else self.high

    def scale(self, k: float) -> Range:
        """Multiply by a non-negative constant (currency conversion, deflation)."""
        if k < 0:
            raise ValueError(f"scale factor must be >= 0, got {k}")
        return Range(_mul(self.value, k), _mul(self.low, k), _mul(self.high, k))

    def clamp(self, lo: float | None, hi: float | None) -> Range:
        """Intersect with a definitional interval (e.g. a share lies in 0-1)."""
        low = self.low if lo is None else (lo if self.low is None else max(lo, self.low))
        high = self.high if hi is None else (hi if self.high is None else min(hi, self.high))
        return Range(self.value, low, high)

    def __add__(self, other: Range | float) -> Range:
        o = as_range(other)
        return Range(
            _add(self.value, o.value),
            _add(self.low, o.low),
            _add(self.high, o.high),
        )

    def __radd__(self, other: float) -> Range:
        return self + other

    def __sub__(self, other: Range | float) -> Range:
        o = as_range(other)
        return Range(
            _sub(self.value, o.value),
            _sub(self.low, o.high),
            _sub(self.high, o.low),
        )

    def __rsub__(self, other: float) -> Range:
        return as_range(other) - self

    def __mul__(self, other: Range | float) -> Range:
        o = as_range(other)
        _require_non_negative(self, "*")
        _require_non_negative(o, "*")
        return Range(_mul(self.value, o.value), _mul(self.low, o.low), _mul(self.high, o.high))

    def __rmul__(self, other: float) -> Range:
        return self * other

    def __truediv__(self, other: Range | float) -> Range:
        o = as_range(other)
        _require_non_negative(self, "/")
        _require_non_negative(o, "/")
        if o.high is not None and o.high == 0:
            raise ValueError("division by a Range that is zero")
        value = None if o.value in (None, 0) else _div(self.value, o.value)
        # The smallest quotient takes the smallest numerator over the largest
        # denominator; an open largest denominator leaves the low bound open.
        low = _div(self.low, o.high)
        high = None if o.low in (None, 0) else _div(self.high, o.low)
        return Range(value, low, high)

    def __rtruediv__(self, other: float) -> Range:
        return as_range(other) / self


def as_range(x: Range | float) -> Range:
    """A Range unchanged, or a number as an exact point Range."""
    return x if isinstance(x, Range) else Range.point(float(x))


def _ordered(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return True
    return a <= b + _ORDER_TOLERANCE * max(1.0, abs(a), abs(b))


def _require_non_negative(r: Range, op: str) -> None:
    if any(x is not None and x < 0 for x in (r.low, r.value, r.high)):
        raise ValueError(f"Range {op} needs non-negative operands, got {r}")


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _mul(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a * b


def _div(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a / b
