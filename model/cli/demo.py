"""Write ``data/scenarios/demo.json`` from the shipped demo CSVs: ``python -m model.cli.demo``."""

from __future__ import annotations

import json
import sys

from model import DATA_DIR
from model.allocator.scenario import parse_scenario
from model.planning.demo import demo_scenario_data
from model.store.seed import demo_rows


def main() -> int:
    data = demo_scenario_data(*demo_rows())
    parse_scenario(data)  # fail before writing
    out = DATA_DIR / "scenarios" / "demo.json"
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(data['candidates'])} candidates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
