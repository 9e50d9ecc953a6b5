"""What IPS cost against what it returned (docs/methods.md §Costs): ``results.costs``
(``costs.csv``) per region × year, per region, per cohort (× year) and overall.

- ``cost_eur`` = personnel + other costs (``staging.kustannukset``); a unit whose cost rows miss
  a value or a year the clients were in service has ``cost_complete`` false and no ratios;
  ``funding_eur`` and ``coach_fte`` are empty when a value is missing (a quarantined field);
  ``clients_per_fte`` = client-years / coaches' person-years (the caseload standard: ≤ 20);
- ``clients_started``: clients whose index date falls in the unit's years;
- ``client_years``: in-service days in the unit's years / the days of a year
  (``schemas.windows.DAYS_PER_YEAR``; ``sql/costs/client_service_years.sql``);
- ``clients_window_12m`` / ``clients_employed_12m``: of the clients started, those with 12 months
  of follow-up / of them, those with a first competitive job within 12 months;
- ``cost_per_client`` = cost / clients started; ``cost_per_client_year`` = cost / client-years;
  ``cost_per_employed`` = cost per client started / the share employed within 12 months (among
  clients with the full window) — the cost of one client who finds a competitive job within a
  year, when the late starters without a full window find work as the others did. Counting
  employed clients only among those with the window would divide a year's whole cost by a
  fraction of its clients.
- With ``results.register_effect`` (matched, outcome ``benefits_eur`` and ``earnings_eur``,
  relative months +1 … +12 all present): on the overall row, benefits saved (−Σ the monthly
  ATT of benefits) and earnings gained (Σ the ATT of earnings) per matched client over the
  first year — a plain fiscal comparison: the effect is the register study's, for the matched
  clients; costs are the project's, for every client.
"""

from __future__ import annotations

import duckdb
import polars as pl

from ips_eval.employment.derive import first_job_within, followed_for
from ips_eval.warehouse import run_sql
from schemas.windows import DAYS_PER_YEAR, TWELVE_MONTHS_DAYS

EFFECT_MONTHS = tuple(range(1, 13))
COST_COLUMNS = ("region", "cohort", "year", "cost_eur", "clients_started", "client_years",
                "clients_employed_12m", "cost_per_client", "cost_per_client_year",
                "cost_per_employed", "clients_window_12m", "share_employed_12m",
                "cost_complete", "funding_eur", "coach_fte", "clients_per_fte",
                "benefits_saved_per_client", "earnings_gained_per_client", "effect_clients")


def build_service_years(con: duckdb.DuckDBPyConnection) -> int:
    """analysis.client_service_years (needs analysis.clients and analysis.tte); its rows."""
    run_sql(con, "costs/client_service_years")
    return con.execute("SELECT count(*) FROM analysis.client_service_years").fetchall()[0][0]


def _units(service: pl.DataFrame, costs: pl.DataFrame) -> list[tuple[str, str, str, pl.Expr]]:
    """(region, cohort, year, filter) of every row of costs.csv."""
    cohort_of = dict(zip(service["region"], service["cohort"], strict=False))
    cohort_of |= dict(zip(costs["region"], costs["cohort"], strict=False))
    out = []
    for region in sorted(cohort_of):
        years = sorted(set(service.filter(pl.col("region") == region)["year"].to_list())
                       | set(costs.filter(pl.col("region") == region)["year"].to_list()))
        for year in years:
            out.append((region, cohort_of[region], str(year),
                        (pl.col("region") == region) & (pl.col("year") == year)))
        out.append((region, cohort_of[region], "all", pl.col("region") == region))
    for cohort in sorted(set(cohort_of.values())):
        years = sorted(set(service.filter(pl.col("cohort") == cohort)["year"].to_list()))
        for year in years:
            out.append(("all", cohort, str(year),
                        (pl.col("cohort") == cohort) & (pl.col("year") == year)))
        out.append(("all", cohort, "all", pl.col("cohort") == cohort))
    out.append(("all", "all", "all", pl.lit(True)))
    return out


def _total(costs: pl.DataFrame, column: str, digits: int) -> float | None:
    """The column's sum, or None when a value is missing (a quarantined field): a partial sum
    would pass for the whole."""
    if costs.is_empty() or costs[column].null_count():
        return None
    return round(float(costs[column].sum()), digits)


def _ratio(num: float | None, den: float | None) -> float | None:
    return None if num is None or not den else num / den


def register_returns(effect: pl.DataFrame | None) -> dict[str, float | int | None]:
    """Benefits saved and earnings gained per matched client over +1 … +12 months (matched
    ATT), or Nones when the register effect is absent or a month is missing."""
    empty = {"benefits_saved_per_client": None, "earnings_gained_per_client": None,
             "effect_clients": None}
    if effect is None or effect.is_empty():
        return empty
    rows = effect.filter((pl.col("method") == "matched")
                         & pl.col("rel_month").is_in(EFFECT_MONTHS))
    sums = {}
    for outcome in ("benefits_eur", "earnings_eur"):
        part = rows.filter(pl.col("outcome") == outcome)
        if sorted(part["rel_month"].to_list()) != list(EFFECT_MONTHS) \
                or part["estimate"].null_count():
            return empty
        sums[outcome] = float(part["estimate"].sum())
    first_year = rows.filter(pl.col("outcome") == "earnings_eur")
    return {"benefits_saved_per_client": -sums["benefits_eur"],
            "earnings_gained_per_client": sums["earnings_eur"],
            "effect_clients": int(first_year["n_clients"].min())}


def costs_table(service: pl.DataFrame, costs: pl.DataFrame,
                effect: pl.DataFrame | None = None) -> pl.DataFrame:
    """results.costs from analysis.client_service_years, the staged cost rows (region, year,
    coach_fte, personnel_eur, other_eur, funding_eur; with cohort) and, when present,
    results.register_effect."""
    costs = costs.with_columns(
        cost_eur=pl.col("personnel_eur") + pl.col("other_eur"))
    returns = register_returns(effect)
    rows = []
    for region, cohort, year, where in _units(service, costs):
        s, c = service.filter(where), costs.filter(where)
        in_service = set(s["year"].to_list())
        complete = (c.height > 0 and c["cost_eur"].null_count() == 0
                    and in_service <= set(c["year"].to_list()))
        # amounts are in cents: a sum rounded to cents is exact whatever the summation order
        cost = round(float(c["cost_eur"].sum()), 2) if complete else None
        started = s.filter(pl.col("started"))
        window = started.filter(followed_for(TWELVE_MONTHS_DAYS)).height
        employed = started.filter(followed_for(TWELVE_MONTHS_DAYS)
                                  & first_job_within(TWELVE_MONTHS_DAYS)).height
        share = employed / window if window else None
        client_years = float(s["days_in_service"].sum()) / DAYS_PER_YEAR
        fte = _total(c, "coach_fte", 1)
        per_client = _ratio(cost, started.height)
        overall = region == "all" and cohort == "all"
        rows.append({
            "region": region, "cohort": cohort, "year": year, "cost_eur": cost,
            "clients_started": started.height, "client_years": client_years,
            "clients_employed_12m": employed, "cost_per_client": per_client,
            "cost_per_client_year": _ratio(cost, client_years),
            "cost_per_employed": _ratio(per_client, share), "clients_window_12m": window,
            "share_employed_12m": share, "cost_complete": complete,
            "funding_eur": _total(c, "funding_eur", 2),
            "coach_fte": fte, "clients_per_fte": _ratio(client_years, fte),
            **(returns if overall else dict.fromkeys(returns)),
        })
    schema = {k: pl.Float64 for k in COST_COLUMNS}
    schema |= {"region": pl.String, "cohort": pl.String, "year": pl.String,
               "clients_started": pl.Int64, "clients_employed_12m": pl.Int64,
               "clients_window_12m": pl.Int64, "cost_complete": pl.Boolean,
               "effect_clients": pl.Int64}
    return pl.DataFrame(rows, schema=schema).select(COST_COLUMNS)


def staged_costs(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """staging.kustannukset with each region's cohort."""
    return con.sql("SELECT region, cohort, year, coach_fte, personnel_eur, other_eur, "
                   "funding_eur FROM staging.kustannukset ORDER BY region, year").pl()
