"""The Plan page's charts: the specs live in ``model.planning.charts`` (one place)."""

from model.planning.charts import benefit_vs_cost, funding_by_region, funding_by_year, sweep
from model.planning.charts import binding_rules_chart as shadow_prices

__all__ = ["benefit_vs_cost", "funding_by_region", "funding_by_year", "shadow_prices", "sweep"]
