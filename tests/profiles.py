"""Hypothesis profiles: ``ci`` keeps every property test's full example count, ``dev`` draws
a tenth of it for quick local runs (``make quick``).

The profile is ``ci`` whenever ``CI`` or ``FOMENTO_STRICT`` is set (strict mode), else
``FOMENTO_HYPOTHESIS`` (``dev`` or ``ci``), else ``ci``: a plain ``make test`` is the full
check. tests/conftest.py registers and loads the profiles; a test that sets its own count
writes ``max_examples=examples(N)``, N being its ``ci`` count.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILES = ("ci", "dev")
STRICT = bool(os.environ.get("CI") or os.environ.get("FOMENTO_STRICT"))
DEV_SHARE = 10  # dev draws 1/DEV_SHARE of the ci count
DEV_MIN = 5  # and never fewer than this


def chosen() -> str:
    """The profile this run uses."""
    if STRICT:
        return "ci"
    name = os.environ.get("FOMENTO_HYPOTHESIS", "ci")
    if name not in PROFILES:
        raise ValueError(f"FOMENTO_HYPOTHESIS={name!r}: use one of {', '.join(PROFILES)}")
    return name


PROFILE = chosen()


def examples(ci_count: int) -> int:
    """Examples for a property test whose full (``ci``) count is ``ci_count``."""
    return ci_count if PROFILE == "ci" else max(DEV_MIN, ci_count // DEV_SHARE)


def register() -> None:
    """Register both profiles and load the chosen one. ``ci`` is Hypothesis's defaults
    (100 examples where a test sets none), so CI runs exactly today's counts."""
    settings.register_profile("ci")
    settings.register_profile("dev", max_examples=examples(100))
    settings.load_profile(PROFILE)
