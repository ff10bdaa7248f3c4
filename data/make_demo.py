"""Write the ILLUSTRATIVE demo planning dataset for the fictional country of Solvania.

Run it as ``python data/make_demo.py``; it rewrites ``data/demo_regions.csv`` and
``data/demo_candidates.csv``. The column dictionary, ``data/demo_columns.csv``, is kept by
hand: update it when a derivation below changes.

Nothing here is a real project. Each candidate is a hand-written spec (size, sector,
region, a point inside each evidence range); every money figure, ratio and bound is
derived from a cited row of ``data/evidence.csv`` (the evidence_id is named beside each
constant). Money is in US$ of ``PRICE_YEAR``, inflated with ``data/deflators.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent
PRICE_YEAR = 2024
COUNTRY = "Solvania"


def cpi(year: int) -> float:
    """US CPI-U annual average (1982-84 = 100) from data/deflators.csv."""
    with (DATA / "deflators.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if int(row["year"]) == year:
                return float(row["index"])
    raise ValueError(f"deflators.csv has no year {year}")


def to_price_year(amount: float, year: int) -> float:
    """Nominal US$ of ``year`` in US$ of PRICE_YEAR."""
    return amount * cpi(PRICE_YEAR) / cpi(year)


# ---- constants derived from the evidence (evidence_id in each comment) ----
# Consultant-year cost: HND-01 US$680,000 / (HND-06 8 consultants x HND-03 5 years), 1998 US$.
CONSULTANT_YEAR = to_price_year(680_000 / (8 * 5), 1998)
# Upper bound on a broker institution's yearly cost: CERTEC-06 (< US$120,000 in 1998).
BROKER_YEAR_MAX = to_price_year(120_000, 1998)
# Cost per network: HND-01 / HND-04 (cheapest, 1998) to MIF-PI-02 / MIF-PI-03 (2007).
COST_PER_NETWORK_LOW = to_price_year(680_000 / 33, 1998)
COST_PER_NETWORK_HIGH = to_price_year(44.1e6 / 71, 2007)
# Enterprises per network: HND-05 / HND-04 (~9) to CERTEC-03 / CERTEC-02 (~20).
ENTERPRISES_PER_NETWORK_LOW = 300 / 33
ENTERPRISES_PER_NETWORK_HIGH = 1200 / 59
# Networks one trained broker serves: CERTEC-02 / CERTEC-01.
NETWORKS_PER_BROKER = 59 / 71
# Employment growth range of the six evaluated Honduras networks: HND-09.
EMPLOYMENT_GROWTH_LOW, EMPLOYMENT_GROWTH_HIGH = 0.11, 0.50
# Benefit per dollar: CORDOBA-01 (7:1) was the highest return among the MIF projects, so it
# caps the range; the sources give no lower figure, so each spec's low return is an assumption.
RETURN_HIGH = 7.0
# Public share band: floor from LUDHIANA-03 (UNIDO paid 20 %); cluster ceiling from
# MEX-PII-02 + MEX-PII-03 (state government and PII paid two thirds); lagging regions may be
# fully subsidised, as Honduras networks were for three years (EMASIM-06..08).
PUBLIC_FLOOR = 0.20
CLUSTER_CEILING = 2 / 3
LAGGING_CEILING = 1.0
# Matching-grant project: average MIF project MIF-PI-02 / MIF-PI-01 covering
# MIF-PI-03 / MIF-PI-01 networks; at least MIF-TC-01 three entities.
MIF_PROJECT_COST = to_price_year(44.1e6 / 19, 2007)
MIF_NETWORKS_PER_PROJECT = 71 / 19
MIN_GRANT_ENTERPRISES = 3.0
# Fee paths (share of cost paid by client firms in each year of operation).
FEE_PATHS: dict[str, tuple[float, ...]] = {
    "emasim": (0.0, 0.0, 0.0, 0.2, 0.4),  # EMASIM-06..10
    "stepped": (0.0, 0.2, 0.4, 0.4, 0.4),  # EMASIM-09/10 steps without the free years
    "certec": (0.25, 0.5, 0.5, 0.5, 0.5),  # CERTEC-05: over half recovered after a year
}
FEE_PATH_IDS = {"emasim": "EMASIM-06..10", "stepped": "EMASIM-09/EMASIM-10", "certec": "CERTEC-05"}

REGIONS: tuple[tuple[str, bool, str], ...] = (
    ("Capital District", False, "Metropolitan area; most formal firms and universities."),
    ("Costa Azul", False, "Coastal; fishing, food processing and tourism."),
    ("Valle Central", False, "Farming valley; dairy and furniture towns."),
    ("Altiplano", True, "High plateau; poorest region, alpaca fibre and grains."),
    ("Selva Oriental", True, "Eastern rainforest; cocoa and timber, weak services."),
    ("Llanos del Sur", True, "Southern plains; cattle, leather, long distances."),
    ("Puerto Viejo", False, "Port city; garments and auto-parts suppliers."),
)
LAGGING = {name for name, lagging, _ in REGIONS if lagging}


@dataclass(frozen=True)
class Outcome:
    """Where a candidate sits inside the evidence ranges (point estimates for the middle)."""

    enterprises_per_network: float
    workers_per_firm: float  # HND-07: 2 to 15; EMASIM-02: 4
    employment_growth: float  # inside HND-09
    return_mid: float  # US$ of benefit per US$ of full cost, below RETURN_HIGH
    return_low: float  # assumption (see RETURN_HIGH)


@dataclass(frozen=True)
class Spec:
    id: str
    name: str
    region: str
    sector: str
    start_year: int
    years: int
    size: float  # clusters: networks; brokers: core brokers; grants: project cost (US$ 1000)
    outcome: Outcome
    cost_per_network: float = 0.0  # clusters, US$ 1000 of PRICE_YEAR
    brokers_trained: int = 0  # brokers
    fee_path: str = ""  # brokers
    match_ratio: float = 0.0  # grants
    grant_cap: float = 0.0  # grants, US$ 1000
    ineligible_because: str = ""  # grants
    extra_evidence: str = ""


def o(epn: float, wpf: float, g: float, r: float, rl: float) -> Outcome:
    """Short constructor so each spec fits on one line of the tables below."""
    return Outcome(epn, wpf, g, r, rl)


# fmt: off
CLUSTERS = (
    Spec("C-01", "Capital metalworking suppliers cluster", "Capital District", "metalworking", 1, 4, 6, o(11, 5, 0.15, 2.5, 0.8), 150, extra_evidence="EMASIM-04"),  # noqa: E501
    Spec("C-02", "Capital IT services cluster", "Capital District", "software", 1, 3, 4, o(15, 8, 0.20, 3.0, 1.0), 220),  # noqa: E501
    Spec("C-03", "Costa Azul seafood processing cluster", "Costa Azul", "food processing", 1, 5, 7, o(12, 6, 0.18, 2.8, 0.8), 120),  # noqa: E501
    Spec("C-04", "Costa Azul tourism crafts cluster", "Costa Azul", "handicrafts", 2, 4, 5, o(10, 3, 0.25, 2.2, 0.6), 90, extra_evidence="MASAYA-03"),  # noqa: E501
    Spec("C-05", "Valle Central dairy and cheese cluster", "Valle Central", "dairy", 1, 5, 8, o(14, 5, 0.20, 4.5, 1.2), 110, extra_evidence="CHONTALES-01, CHONTALES-02, CHONTALES-03"),  # noqa: E501
    Spec("C-06", "Valle Central furniture cluster", "Valle Central", "furniture", 2, 4, 5, o(12, 4, 0.15, 2.0, 0.7), 100, extra_evidence="MASAYA-04"),  # noqa: E501
    Spec("C-07", "Altiplano alpaca knitwear cluster", "Altiplano", "knitwear", 1, 5, 6, o(18, 4, 0.30, 3.5, 0.9), 140, extra_evidence="LUDHIANA-06, LUDHIANA-07"),  # noqa: E501
    Spec("C-08", "Altiplano quinoa and grains cluster", "Altiplano", "agro-processing", 2, 4, 4, o(16, 3, 0.25, 1.8, 0.5), 80),  # noqa: E501
    Spec("C-09", "Selva Oriental cocoa cluster", "Selva Oriental", "cocoa", 1, 5, 7, o(13, 4, 0.20, 3.8, 1.0), 130, extra_evidence="UVA-07"),  # noqa: E501
    Spec("C-10", "Selva Oriental wood products cluster", "Selva Oriental", "wood", 3, 3, 3, o(9.5, 3, 0.12, 1.6, 0.5), 70),  # noqa: E501
    Spec("C-11", "Llanos leather and footwear cluster", "Llanos del Sur", "leather and footwear", 1, 4, 6, o(11, 6, 0.18, 2.6, 0.8), 160),  # noqa: E501
    Spec("C-12", "Llanos meat processing cluster", "Llanos del Sur", "meat processing", 2, 3, 4, o(10, 7, 0.12, 1.5, 0.5), 200),  # noqa: E501
    Spec("C-13", "Puerto Viejo garments cluster", "Puerto Viejo", "garments", 1, 5, 8, o(20, 9, 0.20, 3.2, 0.9), 180, extra_evidence="TIRUPUR-02"),  # noqa: E501
    Spec("C-14", "Puerto Viejo auto-parts suppliers cluster", "Puerto Viejo", "auto parts", 2, 4, 5, o(9.5, 10, 0.14, 2.4, 0.7), 240, extra_evidence="MEX-PII-07"),  # noqa: E501
)
BROKERS = (
    Spec("B-01", "Capital broker training centre", "Capital District", "multi-sector", 1, 4, 6, o(14, 5, 0.18, 2.8, 0.8), brokers_trained=20, fee_path="certec"),  # noqa: E501
    Spec("B-02", "Costa Azul network broker programme", "Costa Azul", "multi-sector", 1, 5, 4, o(12, 5, 0.15, 2.4, 0.7), brokers_trained=12, fee_path="emasim"),  # noqa: E501
    Spec("B-03", "Valle Central agro network brokers", "Valle Central", "agro-industry", 1, 4, 4, o(13, 4, 0.18, 2.6, 0.8), brokers_trained=14, fee_path="stepped"),  # noqa: E501
    Spec("B-04", "Altiplano broker foundation", "Altiplano", "multi-sector", 1, 5, 5, o(10, 3, 0.25, 2.2, 0.6), brokers_trained=12, fee_path="emasim"),  # noqa: E501
    Spec("B-05", "Selva Oriental broker programme", "Selva Oriental", "multi-sector", 2, 4, 3, o(10, 3, 0.20, 2.0, 0.6), brokers_trained=10, fee_path="emasim"),  # noqa: E501
    Spec("B-06", "Llanos network brokers", "Llanos del Sur", "livestock and leather", 2, 3, 3, o(11, 5, 0.15, 2.0, 0.6), brokers_trained=9, fee_path="stepped"),  # noqa: E501
    Spec("B-07", "Puerto Viejo supplier-development unit", "Puerto Viejo", "vertical supplier networks", 1, 3, 4, o(9.5, 9, 0.12, 2.5, 0.8), brokers_trained=10, fee_path="certec", extra_evidence="NIC-CADIN-01"),  # noqa: E501
    Spec("B-08", "National broker academy, second cohort", "Capital District", "multi-sector", 3, 3, 5, o(15, 5, 0.18, 2.6, 0.8), brokers_trained=16, fee_path="certec"),  # noqa: E501
)
GRANTS = (
    Spec("G-01", "Capital university-industry testing lab", "Capital District", "testing services", 1, 3, 1200, o(14, 6, 0.15, 2.5, 0.8), match_ratio=1.0, grant_cap=500),  # noqa: E501
    Spec("G-02", "Capital software export consortium", "Capital District", "software", 1, 2, 450, o(15, 8, 0.20, 3.0, 1.0), match_ratio=1.0, grant_cap=300),  # noqa: E501
    Spec("G-03", "Costa Azul cold-chain facility", "Costa Azul", "food processing", 2, 3, 900, o(12, 6, 0.15, 3.5, 1.0), match_ratio=0.5, grant_cap=250),  # noqa: E501
    Spec("G-04", "Costa Azul eco-tourism quality label", "Costa Azul", "tourism", 1, 2, 300, o(10, 3, 0.20, 2.0, 0.6), match_ratio=1.0, grant_cap=200, ineligible_because="submitted by two entities only (MIF-TC-01 requires three)"),  # noqa: E501
    Spec("G-05", "Valle Central milk-quality laboratory", "Valle Central", "dairy", 1, 3, 700, o(14, 5, 0.20, 4.0, 1.2), match_ratio=1.0, grant_cap=400, extra_evidence="CHONTALES-03"),  # noqa: E501
    Spec("G-06", "Valle Central furniture design centre", "Valle Central", "furniture", 2, 2, 500, o(12, 4, 0.15, 2.2, 0.7), match_ratio=1.0, grant_cap=300),  # noqa: E501
    Spec("G-07", "Altiplano fibre-processing plant", "Altiplano", "knitwear", 1, 3, 1500, o(18, 4, 0.30, 3.0, 0.8), match_ratio=2.0, grant_cap=750),  # noqa: E501
    Spec("G-08", "Altiplano artisan market-access initiative", "Altiplano", "handicrafts", 2, 2, 350, o(10, 3, 0.25, 2.0, 0.6), match_ratio=2.0, grant_cap=250),  # noqa: E501
    Spec("G-09", "Selva Oriental cocoa fermentation centre", "Selva Oriental", "cocoa", 1, 3, 800, o(13, 4, 0.20, 4.5, 1.2), match_ratio=2.0, grant_cap=600),  # noqa: E501
    Spec("G-10", "Selva Oriental sawmill upgrade", "Selva Oriental", "wood", 1, 2, 600, o(9.5, 5, 0.12, 1.8, 0.5), match_ratio=1.0, grant_cap=300, ineligible_because="fails the environmental criterion of the MIF territorial facility (MIF-TC-01 rules)"),  # noqa: E501
    Spec("G-11", "Llanos tannery effluent treatment", "Llanos del Sur", "leather", 2, 3, 1000, o(11, 6, 0.12, 2.0, 0.6), match_ratio=2.0, grant_cap=500, extra_evidence="CHONTALES-04"),  # noqa: E501
    Spec("G-12", "Llanos livestock traceability system", "Llanos del Sur", "cattle", 1, 2, 400, o(12, 4, 0.15, 3.2, 1.0), match_ratio=1.0, grant_cap=250),  # noqa: E501
    Spec("G-13", "Puerto Viejo garment export platform", "Puerto Viejo", "garments", 1, 2, 650, o(20, 9, 0.15, 3.0, 0.9), match_ratio=0.5, grant_cap=180),  # noqa: E501
    Spec("G-14", "Puerto Viejo port logistics for SMEs", "Puerto Viejo", "logistics", 2, 3, 1100, o(12, 6, 0.12, 2.5, 0.8), match_ratio=1.0, grant_cap=450, ineligible_because="led by one large firm with no knowledge institution (MIF-TC-01 requires three entities)"),  # noqa: E501
)
# fmt: on

HEADER = (
    "id", "name", "kind", "region", "sector", "start_year", "cost_by_year",
    "public_share_floor", "public_share_ceiling", "fee_schedule", "partner_match",
    "match_ratio", "grant_cap", "eligible", "networks_needed", "networks_served",
    "enterprises", "enterprises_low", "enterprises_high", "jobs", "jobs_low", "jobs_high",
    "benefit", "benefit_low", "benefit_high", "evidence_basis",
)  # fmt: skip
COMMENT = (
    f"# ILLUSTRATIVE DATA: {COUNTRY} is a fictional country and these are not real projects; "
    "parameters are derived from the evidence ranges in data/evidence.csv (see evidence_basis "
    f"and data/demo_columns.csv); money in US$ of {PRICE_YEAR}."
)


def money(x: float) -> float:
    """Round US$ to the nearest hundred: the demo claims no more precision than that."""
    return float(round(x / 100) * 100)


def yearly(total: float, years: int, front_load: float = 1.0) -> list[float]:
    """Split a total over years; ``front_load`` > 1 makes year 1 heavier (diagnostic work)."""
    weights = [front_load] + [1.0] * (years - 1)
    parts = [money(total * w / sum(weights)) for w in weights[:-1]]
    # The last year takes the rounding remainder so the years add up to the stated total.
    return [*parts, money(total) - sum(parts)]


def bracket(low: float, mid: float, high: float, digits: int = 0) -> tuple[float, float, float]:
    """Round three numbers keeping low <= mid <= high."""
    lo, m, hi = (round(v, digits) for v in (low, mid, high))
    return float(lo), float(min(max(m, lo), hi)), float(hi)


def outcomes(
    spec: Spec, networks: float, total: float, min_enterprises: float = 0.0
) -> dict[str, object]:
    """Enterprises, jobs and benefit at full scale, each with its evidence range."""
    out = spec.outcome
    ent = bracket(
        max(networks * ENTERPRISES_PER_NETWORK_LOW, min_enterprises),
        max(networks * out.enterprises_per_network, min_enterprises),
        max(networks * ENTERPRISES_PER_NETWORK_HIGH, min_enterprises),
    )
    jobs = bracket(
        ent[0] * out.workers_per_firm * EMPLOYMENT_GROWTH_LOW,
        ent[1] * out.workers_per_firm * out.employment_growth,
        ent[2] * out.workers_per_firm * EMPLOYMENT_GROWTH_HIGH,
    )
    benefit = (money(total * out.return_low), money(total * out.return_mid),
               money(total * RETURN_HIGH))  # fmt: skip
    return {
        "enterprises": ent[1], "enterprises_low": ent[0], "enterprises_high": ent[2],
        "jobs": jobs[1], "jobs_low": jobs[0], "jobs_high": jobs[2],
        "benefit": benefit[1], "benefit_low": benefit[0], "benefit_high": benefit[2],
    }  # fmt: skip


OUTCOME_BASIS = "jobs from HND-07 and HND-09, benefit between an assumed low return and CORDOBA-01"


def cluster_row(s: Spec) -> dict[str, object]:
    cost_per_network = s.cost_per_network * 1000
    assert COST_PER_NETWORK_LOW <= cost_per_network <= COST_PER_NETWORK_HIGH, s.id
    costs = yearly(s.size * cost_per_network, s.years, front_load=1.25)
    ceiling = LAGGING_CEILING if s.region in LAGGING else CLUSTER_CEILING
    basis = (
        f"Cost per network between HND-01/HND-04 and MIF-PI-02/MIF-PI-03, enterprises per "
        f"network between HND-05 and CERTEC-03, {OUTCOME_BASIS}, public share from LUDHIANA-03 "
        f"and {'EMASIM-06' if s.region in LAGGING else 'MEX-PII-02/MEX-PII-03'}"
    )
    return {
        "cost_by_year": costs, "public_share_floor": PUBLIC_FLOOR,
        "public_share_ceiling": round(ceiling, 4), "networks_needed": float(s.size),
        **outcomes(s, s.size, sum(costs)),
        "evidence_basis": basis + (f"; sector evidence {s.extra_evidence}." if s.extra_evidence
                                   else "."),
    }  # fmt: skip


def broker_row(s: Spec) -> dict[str, object]:
    year_cost = s.size * CONSULTANT_YEAR
    assert year_cost <= BROKER_YEAR_MAX, s.id
    fees = FEE_PATHS[s.fee_path][: s.years]
    served = round(s.brokers_trained * NETWORKS_PER_BROKER, 1)
    basis = (
        f"{int(s.size)} core brokers at the HND-01/HND-06 consultant-year cost (below CERTEC-06), "
        f"{s.brokers_trained} brokers trained serving networks at the CERTEC-01/CERTEC-02 rate, "
        f"fees following {FEE_PATH_IDS[s.fee_path]}, {OUTCOME_BASIS}"
    )
    return {
        "cost_by_year": [money(year_cost)] * s.years, "public_share_floor": PUBLIC_FLOOR,
        "public_share_ceiling": 1.0, "fee_schedule": list(fees), "networks_served": served,
        **outcomes(s, served, money(year_cost) * s.years),
        "evidence_basis": basis + (f"; see also {s.extra_evidence}." if s.extra_evidence
                                   else "."),
    }  # fmt: skip


def grant_row(s: Spec) -> dict[str, object]:
    total = s.size * 1000
    partner = money(total / (1 + s.match_ratio))
    networks = total / MIF_PROJECT_COST * MIF_NETWORKS_PER_PROJECT
    basis = (
        f"Project size inside MIF-PI-05, match ratio within LUDHIANA-03/LUDHIANA-04 and "
        f"MEX-PII-01..03, reach scaled from MIF-PI-01/MIF-PI-02/MIF-PI-03, {OUTCOME_BASIS}"
    )
    if s.extra_evidence:
        basis += f"; see also {s.extra_evidence}"
    if s.ineligible_because:
        basis += f"; screened out: {s.ineligible_because}"
    return {
        "cost_by_year": yearly(total, s.years),
        "public_share_floor": 0.0,
        "public_share_ceiling": round(s.match_ratio / (1 + s.match_ratio), 4),
        "partner_match": partner,
        "match_ratio": s.match_ratio,
        "grant_cap": money(s.grant_cap * 1000),
        "eligible": not s.ineligible_because,
        **outcomes(s, networks, total, MIN_GRANT_ENTERPRISES),
        "evidence_basis": basis + ".",
    }


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def candidate_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for kind, specs, build in (
        ("cluster_initiative", CLUSTERS, cluster_row),
        ("broker_programme", BROKERS, broker_row),
        ("matching_grant", GRANTS, grant_row),
    ):
        for s in specs:
            base: dict[str, object] = {
                "id": s.id, "name": s.name, "kind": kind, "region": s.region,
                "sector": s.sector, "start_year": s.start_year, "fee_schedule": [],
                "partner_match": 0.0, "match_ratio": None, "grant_cap": None,
                "eligible": True, "networks_needed": 0.0, "networks_served": 0.0,
            }  # fmt: skip
            rows.append({**base, **build(s)})
    return rows


def write(name: str, header: tuple[str, ...], rows: list[dict[str, object]],
          comment: str = "") -> None:  # fmt: skip
    with (DATA / name).open("w", newline="", encoding="utf-8") as f:
        if comment:
            f.write(comment + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([cell(row[h]) for h in header])


def main() -> None:
    regions = [{"name": n, "country": COUNTRY, "lagging": lag, "note": note}
               for n, lag, note in REGIONS]  # fmt: skip
    write("demo_regions.csv", ("name", "country", "lagging", "note"), regions)
    write("demo_candidates.csv", HEADER, candidate_rows(), COMMENT)


if __name__ == "__main__":
    main()
