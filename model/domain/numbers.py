"""Bounded, finite numbers for every record that crosses a boundary (files, forms, JSON).

NaN, Infinity and figures like 1e308 pass ``float`` parsing but then break sums,
charts and JSON (``OverflowError``, ``US$nan``, bare ``NaN`` tokens). Records refuse
them where they are read, with the field named. The bound is far above any real
figure: US$1e15 is a thousand times the world's yearly output.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ABS = 1e15

# The domain's refusals are written in English and read through ``_``: the interface's
# translator once one is registered (``use_translator``, called where the formatting layer
# is loaded: the domain imports no formatting), the English text itself until then.
_TRANSLATOR: list[Callable[[str], str]] = []


def use_translator(translate: Callable[[str], str]) -> None:
    """Read the domain's messages through ``translate`` (``model.formatting.i18n._``)."""
    _TRANSLATOR[:] = [translate]


def _(message: str) -> str:
    """``message`` in the active language (English when no translator is registered)."""
    return _TRANSLATOR[0](message) if _TRANSLATOR else message


def check_finite(value: float) -> float:
    """``value`` if finite and within ``MAX_ABS``; ``ValueError`` naming it otherwise."""
    if not math.isfinite(value):
        raise ValueError(
            _("{value} is not a number that can be used (NaN or infinite)").format(value=value)
        )
    if abs(value) > MAX_ABS:
        raise ValueError(
            _("{value} is out of range (the limit is ±{limit})").format(
                value=f"{value:.6g}", limit=f"{MAX_ABS:.0e}"
            )
        )
    return value


Finite = Annotated[float, AfterValidator(check_finite)]
# For optional fields: a bound given to ``Field`` of ``Finite | None`` would not reach
# the number (pydantic puts it on the union), so it sits inside the type here.
FiniteNonNegative = Annotated[float, Field(ge=0), AfterValidator(check_finite)]
