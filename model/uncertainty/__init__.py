"""Uncertainty and trade-offs: Monte Carlo over the evidence ranges, a robust (CVaR)
plan, the inclusion frontier and one-at-a-time sensitivity.

``sampling`` draws (seeded, all up front); ``drawsolve`` re-solves one built model per
draw; ``parallel`` spreads draws over processes or a Dask cluster; ``montecarlo``,
``robust``, ``frontier`` and ``tornado`` are the four analyses; ``report`` and ``cli``
print them (``fomento uncertainty``). No Streamlit here: ``pages/uncertainty.py`` shows them.
"""

from model.uncertainty.frontier import FrontierPoint, frontier_scenario, inclusion_frontier
from model.uncertainty.montecarlo import MonteCarloResult, monte_carlo_to_json, run_monte_carlo
from model.uncertainty.robust import RobustResult, robust_allocation
from model.uncertainty.sampling import CostRange, DrawSpec, SampleSet, cvar, draw_samples
from model.uncertainty.tornado import Tornado, TornadoBar, tornado

__all__ = [
    "CostRange",
    "DrawSpec",
    "FrontierPoint",
    "MonteCarloResult",
    "RobustResult",
    "SampleSet",
    "Tornado",
    "TornadoBar",
    "cvar",
    "draw_samples",
    "frontier_scenario",
    "inclusion_frontier",
    "monte_carlo_to_json",
    "robust_allocation",
    "run_monte_carlo",
    "tornado",
]
