"""Fomento's domain core: evidence, cost-benefit engine, allocator, data layer.

Nothing in this package imports Streamlit; pages call it, never the reverse.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
