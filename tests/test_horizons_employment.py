"""The longer follow-up on the employment side (docs/methods.md §Windows and cut-offs, "Longer
follow-up"): with ``--horizons 6,12,24`` every horizon-based employment result gains its
24-month entry — km.csv, employment_comparison.csv and competing.csv rows at 730.5 days, an
rmst.csv row per τ, the logit within 24 months beside the one within 12 — each equal to a direct
computation; the tables gain their 24-month columns and the CIF figure its mark; with the
default horizons everything is as it was (the same rows, columns and texts)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time
from polars.testing import assert_frame_equal
from support.tables import CUTOFFS, sample_frames

from ips_eval.employment.competing import competing_table
from ips_eval.employment.cox import logit_job_within, logit_table
from ips_eval.employment.results import (
    employment_comparison,
    km_table,
    rmst_table,
    survival_curves,
)
from ips_eval.publish.figures.survival import cif_first_job_by_cohort
from ips_eval.publish.tables.attachment import build_attachment
from ips_eval.publish.tables.common import DeliverySet
from ips_eval.publish.tables.employment import build_employment, build_tenure
from ips_eval.publish.tables.horizons import longer_followup_notes, months_list
from ips_eval.publish.tables.logit import build_logit
from ips_eval.replication import horizons_r
from schemas.codebook import LANGS
from schemas.figure_text import figure_text
from schemas.results import RESULTS
from schemas.table_text import text
from schemas.windows import HORIZONS_DEFAULT

LONGER = (6, 12, 24)
DAYS_24 = 730.5


# ---------------------------------------------------------------------------------------------
# A study followed for up to 3.5 years: TTFJ with competing exits, and first jobs' tenure
# ---------------------------------------------------------------------------------------------
def _study(n: int = 900, seed: int = 28) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(tte, ttfj model frame): integer times with ties, censoring at the cut-off, competing
    service exits, two cohorts and three regions, the logit's covariates."""
    rng = np.random.default_rng(seed)
    cohort = rng.choice(["pilot", "rrp"], n)
    region = np.where(cohort == "pilot", rng.choice(["HEL", "PKA"], n), "KAI")
    follow = rng.integers(90, 1300, n)
    job = rng.exponential(np.where(cohort == "pilot", 420, 600)).astype(int) + 1
    leave = rng.exponential(1400, n).astype(int) + 1
    time = np.minimum.reduce([follow, job, leave])
    event = np.where(time == job, 1, np.where(time == leave, 2, 0))
    ids = [f"C{i:04d}" for i in range(n)]
    ttfj = pl.DataFrame({"client_id": ids, "cohort": cohort, "region": region,
                         "param": "TTFJ", "time_days": time, "event": event})
    employed = event == 1
    tenure = rng.exponential(300, n).astype(int) + 1
    left = follow - time  # days from the job's start to the cut-off
    tenure1 = pl.DataFrame({
        "client_id": ids, "cohort": cohort, "region": region, "param": "TENURE1",
        "time_days": np.minimum(tenure, left), "event": (tenure <= left).astype(int),
    }).filter(pl.Series(employed))
    tte = pl.concat([ttfj, tenure1])
    model = ttfj.with_columns(
        followup_days=pl.Series(follow), age=pl.Series(rng.integers(18, 64, n)),
        sex=pl.Series(rng.choice(["female", "male"], n)),
        dx_group=pl.Series(rng.choice(["psychotic", "depressive", "anxiety"], n)),
        work_history=pl.Series(rng.integers(0, 4, n)))
    return tte, model


@pytest.fixture(scope="module")
def study() -> tuple[pl.DataFrame, pl.DataFrame]:
    return _study()


def _aj_by_hand(time: np.ndarray, event: np.ndarray, t: float) -> float:
    """F(t) of a first job: Σ over job times ≤ t of S(u−) · jobs(u) / at risk(u), S the KM of
    any event (job or exit)."""
    survival, incidence = 1.0, 0.0
    for u in np.unique(time[time <= t]):
        at_risk = (time >= u).sum()
        jobs, any_event = ((time == u) & (event == 1)).sum(), ((time == u) & (event > 0)).sum()
        incidence += survival * jobs / at_risk
        survival *= 1 - any_event / at_risk
    return incidence


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
def test_km_gains_the_24_month_rows_and_they_are_the_kaplan_meier_at_730_5(study):
    tte, _ = study
    km = km_table(tte, LONGER)
    assert sorted(set(km["time_days"])) == [182.625, 365.25, DAYS_24]
    at_24 = km.filter(pl.col("time_days") == DAYS_24)
    # one row per param × group × method at 24 months, as at 6 and 12
    assert at_24.height == km.filter(pl.col("time_days") == 365.25).height > 0
    for group_var, group in (("all", "all"), ("cohort", "pilot"), ("region", "KAI")):
        rows = tte.filter(pl.col("param") == "TENURE1")
        if group_var != "all":
            rows = rows.filter(pl.col(group_var) == group)
        kmf = KaplanMeierFitter().fit(rows["time_days"].to_numpy(), rows["event"].to_numpy())
        row = at_24.filter((pl.col("param") == "TENURE1") & (pl.col("group") == group)).row(
            0, named=True)
        assert row["estimate"] == pytest.approx(
            float(kmf.survival_function_at_times(DAYS_24).iloc[0]), abs=1e-12)
        assert row["n_at_risk"] == int((rows["time_days"] >= DAYS_24).sum())
    ttfj = tte.filter(pl.col("param") == "TTFJ")
    aj = at_24.filter((pl.col("param") == "TTFJ") & (pl.col("method") == "AJ")
                      & (pl.col("group_var") == "all")).row(0, named=True)
    assert aj["estimate"] == pytest.approx(
        _aj_by_hand(ttfj["time_days"].to_numpy(), ttfj["event"].to_numpy(), DAYS_24), abs=1e-12)
    assert aj["n_events"] == int(((ttfj["event"] == 1) & (ttfj["time_days"] <= DAYS_24)).sum())


def test_the_default_horizons_give_exactly_the_6_and_12_month_rows(study):
    tte, model = study
    default, longer = km_table(tte), km_table(tte, LONGER)
    assert sorted(set(default["time_days"])) == [182.625, 365.25]
    assert_frame_equal(default, longer.filter(pl.col("time_days") != DAYS_24))
    assert_frame_equal(rmst_table(tte), rmst_table(tte, LONGER).filter(
        pl.col("tau_days") == 365.25))
    assert_frame_equal(competing_table(model), competing_table(model, LONGER).filter(
        pl.col("time_days").is_null() | (pl.col("time_days") != DAYS_24)))
    assert_frame_equal(km_table(tte, HORIZONS_DEFAULT), default)


def test_rmst_gains_a_row_to_24_months_equal_to_lifelines(study):
    tte, _ = study
    rmst = rmst_table(tte, LONGER)
    # τ at 12 months and each longer horizon, never 6; the median is the same at every τ
    assert sorted(set(rmst["tau_days"])) == [365.25, DAYS_24]
    assert rmst.height == 2 * rmst_table(tte).height
    tenure = tte.filter(pl.col("param") == "TENURE1")
    kmf = KaplanMeierFitter().fit(tenure["time_days"].to_numpy(), tenure["event"].to_numpy())
    by_tau = {r["tau_days"]: r for r in rmst.filter(
        (pl.col("param") == "TENURE1") & (pl.col("group") == "all")).iter_rows(named=True)}
    for tau in (365.25, DAYS_24):
        assert by_tau[tau]["rmst_days"] == pytest.approx(
            restricted_mean_survival_time(kmf, t=tau), rel=1e-10)
    assert by_tau[DAYS_24]["rmst_days"] > by_tau[365.25]["rmst_days"]
    assert by_tau[DAYS_24]["median_days"] == by_tau[365.25]["median_days"]
    ttfj = rmst.filter(pl.col("param") == "TTFJ")
    assert ttfj["rmst_days"].is_null().all() and set(ttfj["tau_days"]) == {365.25, DAYS_24}


def test_employment_comparison_gains_the_cumulative_incidence_at_24_months(study):
    tte, model = study
    clients = model.select("client_id", "cohort", "followup_days").with_columns(
        cutoff_date=pl.lit(CUTOFFS["pilot"]))
    jobs = pl.DataFrame({"client_id": ["C0000"], "job_no": [1], "pay_subsidy": [0]})
    table = employment_comparison(tte.with_columns(job_no=pl.lit(1)), clients, jobs,
                                  horizons=LONGER)
    cif = table.filter((pl.col("measure") == "cif_first_job") & (pl.col("time_days") == DAYS_24))
    assert sorted(cif["cohort"]) == ["pilot", "rrp"]
    for row in cif.iter_rows(named=True):
        rows = model.filter(pl.col("cohort") == row["cohort"])
        assert row["n_full_window"] == int((rows["followup_days"] >= DAYS_24).sum())
        assert row["estimate"] == pytest.approx(_aj_by_hand(
            rows["time_days"].to_numpy(), rows["event"].to_numpy(), DAYS_24), abs=1e-12)


def test_the_cohort_difference_in_cumulative_incidence_is_given_at_24_months(study):
    _, model = study
    diff = competing_table(model, LONGER).filter(pl.col("model") == "cif_difference")
    assert diff["time_days"].to_list() == [182.625, 365.25, DAYS_24]
    row = diff.row(2, named=True)
    pilot, rrp = (model.filter(pl.col("cohort") == c) for c in ("pilot", "rrp"))
    by_hand = [_aj_by_hand(p["time_days"].to_numpy(), p["event"].to_numpy(), DAYS_24)
               for p in (pilot, rrp)]
    assert (row["estimate_pilot"], row["estimate_rrp"]) == pytest.approx(by_hand, abs=1e-12)
    assert row["coef"] == pytest.approx(by_hand[0] - by_hand[1], abs=1e-12)


def test_the_logit_is_fitted_within_12_months_and_each_longer_horizon(study):
    _, model = study
    default, longer = logit_table(model), logit_table(model, LONGER)
    assert "window_months" not in default.columns
    assert longer.columns[0] == "window_months"
    assert sorted(set(longer["window_months"])) == [12, 24]  # not within 6 months
    assert_frame_equal(default, longer.filter(pl.col("window_months") == 12).drop(
        "window_months"))
    assert_frame_equal(logit_job_within(model, 24), longer.filter(
        pl.col("window_months") == 24).drop("window_months"))
    # the declared columns follow the run's horizons
    declared = next(r for r in RESULTS if r.name == "logit")
    assert declared.columns_for() == tuple(default.columns)
    assert declared.columns_for(LONGER) == tuple(longer.columns)


def test_the_logit_within_24_months_takes_the_clients_followed_for_24_months(study):
    _, model = study
    frame = model.with_columns(x=pl.col("age").cast(pl.Float64))
    rows = logit_job_within(frame, 24, covariates=("x",))
    eligible = frame.filter(pl.col("followup_days") >= DAYS_24)
    y = ((eligible["event"] == 1) & (eligible["time_days"] <= DAYS_24)).cast(pl.Float64)
    fit = sm.Logit(y.to_numpy(), sm.add_constant(eligible["x"].to_numpy())).fit(disp=0)
    assert rows["n"][0] == eligible.height < model.height
    assert rows["events"][0] == int(y.sum())
    assert rows["coef"].to_list() == pytest.approx(list(fit.params), rel=1e-8)
    assert rows["se"].to_list() == pytest.approx(list(fit.bse), rel=1e-6)


# ---------------------------------------------------------------------------------------------
# Tables, figure, texts and the R scripts
# ---------------------------------------------------------------------------------------------
SOURCE = DeliverySet(CUTOFFS, files=12, version="0123456789ab")
SOURCE_24 = DeliverySet(CUTOFFS, files=12, version="0123456789ab", horizons=LONGER)


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    base = sample_frames()
    tte = base["analysis.tte"]
    ttfj = tte.filter(pl.col("param") == "TTFJ").join(
        base["analysis.clients"].select("client_id", "followup_days", "age", "sex", "dx_group",
                                        "work_history"), on="client_id")
    return base | {
        "results.km": km_table(tte, LONGER),
        "results.rmst": rmst_table(tte.filter(pl.col("param") != "TTFJ"), LONGER),
        "results.employment_comparison": employment_comparison(
            tte, base["analysis.clients"], pl.DataFrame({
                "client_id": tte["client_id"], "job_no": tte["job_no"],
                "pay_subsidy": [0] * tte.height}), base["results.headline"], LONGER),
        "results.competing": competing_table(ttfj, LONGER).filter(
            pl.col("model") == "cif_difference"),
    }


def test_the_employment_table_gains_24_month_columns_only_when_asked(frames):
    args = (frames["results.headline"], frames["results.km"],
            frames["results.employment_comparison"])
    default = build_employment(*args, "en", SOURCE, frames["results.competing"])
    longer = build_employment(*args, "en", SOURCE_24, frames["results.competing"])
    horizon_columns = ["months_6", "months_12", "at_risk"]
    assert [c for c in default.data.columns if c.startswith(("months", "at_risk"))] == \
        horizon_columns
    assert [c for c in longer.data.columns if c.startswith(("months", "at_risk"))] == [
        "months_6", "months_12", "months_24", "at_risk", "at_risk_24"]
    assert (longer.labels["months_24"], longer.labels["at_risk_24"]) == (
        "24 months", "At risk at 24 months, n")
    assert (default.labels["months_12"], default.labels["at_risk"]) == (
        "12 months", "At risk at 12 months, n")
    # the pilots are followed beyond 24 months: the estimate and the number at risk shown
    km = frames["results.km"].filter((pl.col("param") == "TTFJ") & (pl.col("method") == "AJ")
                                     & (pl.col("group") == "pilot")
                                     & (pl.col("time_days") == DAYS_24)).row(0, named=True)
    pilot = longer.data.filter(pl.col("stub") == "Pilots 2020–2023").row(0, named=True)
    assert pilot["months_24"].startswith(f"{100 * km['estimate']:.1f} (")
    assert pilot["at_risk_24"] == str(km["n_at_risk"])
    # the RRP clients are followed for 18 months at most: no estimate at 24, nor a difference
    rrp = longer.data.filter(pl.col("stub") == "RRP 2023–2024").row(0, named=True)
    difference = longer.data.row(-1, named=True)
    assert rrp["months_24"] == difference["months_24"] == "" and rrp["at_risk_24"] == "0"
    assert difference["months_12"] != ""
    # the same 6- and 12-month cells, and a note giving 24 months in days
    assert_frame_equal(default.data, longer.data.select(default.data.columns))
    assert longer.notes[:2] == default.notes[:2]
    assert "Longer follow-up: 24 months = 730.5 days from the index date." in longer.notes
    assert not any("730" in n for n in default.notes)


def test_the_tenure_table_gains_still_in_the_job_and_rmst_at_24_months(frames):
    default = build_tenure(frames["results.km"], frames["results.rmst"], "fi", SOURCE)
    longer = build_tenure(frames["results.km"], frames["results.rmst"], "fi", SOURCE_24)
    assert set(longer.data.columns) - set(default.data.columns) == {"months_24", "rmst_24"}
    assert (longer.labels["months_24"], longer.labels["rmst_24"]) == ("24 kk", "RMST 24 kk, kk")
    assert default.labels["rmst"] == "RMST 12 kk, kk"
    assert longer.spanners[0][1] == ["months_6", "months_12", "months_24"]
    assert_frame_equal(default.data, longer.data.select(default.data.columns))
    rmst = frames["results.rmst"].filter((pl.col("param") == "TENURE1")
                                         & (pl.col("group") == "all")
                                         & (pl.col("tau_days") == DAYS_24)).row(0, named=True)
    row = longer.data.filter(pl.col("stub") == text("all", "fi")).row(0, named=True)
    assert row["rmst_24"] == f"{rmst['rmst_days'] / (365.25 / 12):.1f}".replace(".", ",")
    assert "Pidempi seuranta: 24 kk = 730,5 päivää aloituspäivästä." in longer.notes
    # the RRP jobs are followed for 18 months at most: no share and no restricted mean at 24
    # months, though rmst.csv carries the curve's last value on to τ as R's survmean does
    rrp = longer.data.filter(pl.col("stub") == "RRP 2023–2024").row(0, named=True)
    assert rrp["months_24"] == rrp["rmst_24"] == "" and rrp["rmst"] != ""
    assert frames["results.rmst"].filter((pl.col("param") == "TENURE1")
                                         & (pl.col("group") == "rrp")
                                         & (pl.col("tau_days") == DAYS_24))["rmst_days"][0] > 0


def test_the_logit_table_shows_a_model_per_window(study):
    _, model = study
    default = build_logit(logit_table(model), "en", SOURCE)
    longer = build_logit(logit_table(model, LONGER), "sv", SOURCE_24)
    assert "group" not in default.data.columns
    assert default.title == text("logit_title", "en")
    assert longer.title == ("Faktorer förknippade med sysselsättning inom 12 och 24 månader "
                            "(logistisk regression)")
    assert longer.data["group"].unique(maintain_order=True).to_list() == ["12 mån", "24 mån"]
    assert longer.data.filter(pl.col("group") == "12 mån").drop("group").equals(
        build_logit(logit_table(model), "sv", SOURCE).data)
    n_24 = logit_table(model, LONGER).filter(pl.col("window_months") == 24)["n"][0]
    assert f"24 mån: n = {n_24};" in longer.subtitle


def test_the_attachment_table_names_its_horizons(frames):
    attachment = frames["results.attachment"]
    longer_rows = pl.concat([attachment, attachment.filter(pl.col("window_months") == 12)
                             .with_columns(window_months=pl.lit(24, attachment["window_months"]
                                                                .dtype),
                                           window_days=pl.lit(DAYS_24))])
    default = build_attachment(attachment, "en", SOURCE)
    longer = build_attachment(longer_rows, "en", SOURCE_24)
    assert default.title == text("attachment_title", "en")
    assert longer.title == "Attachment to work at 6, 12 and 24 months' follow-up (coaches' forms)"
    assert "24 months" in set(longer.data["group"]) and "24 months" not in set(
        default.data["group"])


def test_the_cif_figure_marks_each_horizon_the_curves_reach(study):
    tte, _ = study
    curves = survival_curves(tte)

    def marks(horizons):
        fig = cif_first_job_by_cohort(curves, "fi", horizons)
        lines = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        return sorted(float(line.get_xdata()[0]) for line in lines), legend

    default, legend = marks(HORIZONS_DEFAULT)
    assert default == [6, 12] and figure_text("window_marks", "fi", months="6 ja 12") in legend
    longer, legend = marks(LONGER)
    assert longer == [6, 12, 24] and "6, 12 ja 24 kk" in legend
    # curves that stop before 24 months get no mark there
    short = survival_curves(tte.with_columns(pl.col("time_days").clip(upper_bound=500)))
    fig = cif_first_job_by_cohort(short, "en", LONGER)
    assert sorted(float(line.get_xdata()[0]) for line in fig.axes[0].get_lines()
                  if line.get_linestyle() == "--") == [6, 12]


def test_the_texts_of_the_default_horizons_are_unchanged():
    for lang in LANGS:
        assert longer_followup_notes(HORIZONS_DEFAULT, lang) == []
    assert months_list((6, 12), "fi") == "6 ja 12"
    assert months_list((6, 12, 18, 24), "en") == "6, 12, 18 and 24"
    assert figure_text("window_marks", "sv", months=months_list((6, 12), "sv")) == "6 och 12 mån"
    assert longer_followup_notes((6, 12, 18, 24), "sv") == [
        "Längre uppföljning: 18 mån = 547,875 dagar; 24 mån = 730,5 dagar från startdatum."]


def test_the_r_scripts_get_the_runs_horizons():
    assert horizons_r().splitlines()[-3:] == [
        "HORIZONS <- c(6, 12)", "HORIZON_DAYS <- c(182.625, 365.25)", "SUMMARY_MONTHS <- c(12)"]
    assert horizons_r(LONGER).splitlines()[-3:] == [
        "HORIZONS <- c(6, 12, 24)", "HORIZON_DAYS <- c(182.625, 365.25, 730.5)",
        "SUMMARY_MONTHS <- c(12, 24)"]


def test_the_r_scripts_of_an_earlier_run_read_its_horizons(tmp_path):
    from ips_eval.replication import write_replication

    (tmp_path / "analysis").mkdir()
    pl.DataFrame({"group": ["clients"], "client_id": ["C1"], "cohort": ["pilot"],
                  "state_m1": ["unemployed"], "state_6": ["employed"], "state_12": ["employed"],
                  "state_24": ["employed"]}).write_parquet(
        tmp_path / "analysis" / "register_transitions.parquet")
    write_replication(tmp_path)  # `ips-eval replicate` without --horizons
    written = (tmp_path / "replication" / "R" / "horizons.R").read_text(encoding="utf-8")
    assert "HORIZONS <- c(6, 12, 24)" in written and "SUMMARY_MONTHS <- c(12, 24)" in written
    write_replication(tmp_path, (6, 12, 18, 24))
    written = (tmp_path / "replication" / "R" / "horizons.R").read_text(encoding="utf-8")
    assert "HORIZON_DAYS <- c(182.625, 365.25, 547.875, 730.5)" in written
