"""Inference for the register effect (docs/methods.md §Register effect): the matched ATT and
its person-level influence functions, and what is built from them — CR1 cluster-robust SEs, the
joint Wald test over months, the sup-t simultaneous band, the subgroup interaction test — plus
the Abadie–Imbens variance for matching with replacement and the E-value.

The ATT at a month is the difference of two weighted means (clients weight 1, each match 1 / the
client's number of matches), i.e. the coefficient of a weighted regression of the outcome on
being a client; its CR1 variance by person is computed in closed form from each person's sum
of influence terms (statsmodels' ``cov_type="cluster"`` gives the same numbers). Stacking those
sums over months (or subgroups) gives their covariance, so joint tests need no refit.
"""

from __future__ import annotations

from math import erf, sqrt

import numpy as np
import polars as pl
from scipy import stats

Z95 = 1.959963984540054
BAND_DRAWS = 20_000
BAND_SEED = 20_240_101  # a fixed seed: the band's critical value is the same every run


_OUTCOME = "_outcome"  # att_influence's outcome column while it works (``by`` may hold "outcome")


def p_normal(z: float) -> float:
    return float(1 - erf(abs(z) / sqrt(2)))


def att_influence(rows: pl.DataFrame, by: list[str], cluster: str = "person",
                  outcomes: list[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ATT per group ``by`` and each cluster's influence sum.

    ``rows``: ``is_client, weight, unit_no, y``, the ``cluster`` column and ``by``. Returns
    (estimates: ``by, n_clients, n_comparison, estimate, n_obs, n_clusters, factor``;
    influence: ``by, cluster, s``) where the ATT's CR1 variance is ``factor × Σ s²`` —
    statsmodels' CR1: G / (G − 1) × (N − 1) / (N − K), K = 2 (intercept, client).

    ``outcomes``: several outcome columns of a wide frame (one row per unit-month) instead of
    ``y``; both frames then start with an ``outcome`` column, and the numbers are those of the
    long frame (one row per unit-month and outcome) with ``outcome`` in ``by`` — the grouping
    done once over a tenth of the rows. A missing outcome leaves its row out of that outcome."""
    names = outcomes or ["y"]
    w = pl.col("weight")
    means = rows.group_by([*by, "is_client"]).agg(*(
        expr.alias(f"{stat}:{o}") for o in names for stat, expr in (
            ("w_total", w.filter(pl.col(o).is_not_null()).sum()),
            ("wy", (w * pl.col(o)).sum()),
            ("n", pl.col("unit_no").filter(pl.col(o).is_not_null()).n_unique()),
            ("n_obs", pl.col(o).count()))))
    t = means.filter(pl.col("is_client")).drop("is_client")
    c = means.filter(~pl.col("is_client")).drop("is_client")
    both = t.join(c, on=by, suffix="_c")

    def mean(o: str, side: str = "") -> pl.Expr:
        return pl.col(f"wy:{o}{side}") / pl.col(f"w_total:{o}{side}")

    psi = rows.join(both, on=by).select(*by, cluster, *(
        pl.when(pl.col("is_client"))
        .then(w * (pl.col(o) - mean(o)) / pl.col(f"w_total:{o}"))
        .otherwise(-w * (pl.col(o) - mean(o, "_c")) / pl.col(f"w_total:{o}_c")).alias(o)
        for o in names))
    sums = psi.group_by([*by, cluster]).agg(
        *(pl.col(o).sum().alias(f"s:{o}") for o in names),
        *(pl.col(o).count().alias(f"k:{o}") for o in names))
    # an outcome's group needs clients and comparisons with that outcome
    estimates = pl.concat([
        both.filter((pl.col(f"n_obs:{o}") > 0) & (pl.col(f"n_obs:{o}_c") > 0)).select(
            pl.lit(o).alias(_OUTCOME), *by, n_clients=pl.col(f"n:{o}"),
            n_comparison=pl.col(f"n:{o}_c"), estimate=mean(o) - mean(o, "_c"),
            n_obs=pl.col(f"n_obs:{o}") + pl.col(f"n_obs:{o}_c")) for o in names])
    # long by outcome: a cluster counts for an outcome where it has a row with that outcome
    influence = pl.concat([
        sums.filter(pl.col(f"k:{o}") > 0).select(
            pl.lit(o).alias(_OUTCOME), *by, pl.col(cluster).alias("cluster"),
            pl.col(f"s:{o}").alias("s")) for o in names]
    ).join(estimates.select(_OUTCOME, *by), on=[_OUTCOME, *by], how="semi")
    g_count = influence.group_by([_OUTCOME, *by]).agg(n_clusters=pl.len())
    g, n = pl.col("n_clusters"), pl.col("n_obs")
    estimates = estimates.join(g_count, on=[_OUTCOME, *by]).select(
        _OUTCOME, *by, "n_clients", "n_comparison", "estimate", n, g,
        factor=pl.when(g > 1).then((g / (g - 1)) * ((n - 1) / (n - 2))))
    if outcomes is None:
        return estimates.drop(_OUTCOME), influence.drop(_OUTCOME)
    return (estimates.rename({_OUTCOME: "outcome"}), influence.rename({_OUTCOME: "outcome"}))


def with_se(estimates: pl.DataFrame, influence: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """``estimates`` with ``se`` (CR1) from the influence sums."""
    meat = influence.group_by(by).agg(meat=(pl.col("s") ** 2).sum())
    return estimates.join(meat, on=by, how="left").with_columns(
        se=(pl.col("meat") * pl.col("factor")).sqrt()).drop("meat")


def covariance(estimates: pl.DataFrame, influence: pl.DataFrame, key: str
               ) -> tuple[list, np.ndarray, np.ndarray]:
    """The estimates' CR1 covariance over the values of ``key`` (months, subgroups): the keys
    in order, the estimates, and V with V[r, s] = sqrt(f_r f_s) Σ_g s_gr s_gs."""
    keys = sorted(estimates[key].to_list())
    order = {k: i for i, k in enumerate(keys)}
    est = estimates.sort(key)
    theta = est["estimate"].to_numpy().astype(float)
    factor = np.nan_to_num(est["factor"].to_numpy().astype(float))
    inside = influence.filter(pl.col(key).is_in(keys))
    codes = inside["cluster"].rank("dense").cast(pl.Int64).to_numpy() - 1
    columns = inside[key].replace_strict(order, return_dtype=pl.Int64).to_numpy()
    scores = np.zeros((int(codes.max()) + 1 if codes.size else 0, len(keys)))
    np.add.at(scores, (codes, columns), inside["s"].to_numpy())
    root = np.sqrt(factor)
    v = (scores.T @ scores) * np.outer(root, root)
    return keys, theta, v


def wald(theta: np.ndarray, v: np.ndarray, tol: float = 1e-10) -> tuple[float, int, float]:
    """Wald statistic θ′V⁺θ, its degrees of freedom (the rank of V) and χ² p-value. Directions
    without variance (a month the exact strata fix, where every client equals its matches) add
    nothing and no degree of freedom."""
    if theta.size == 0:
        return float("nan"), 0, float("nan")
    values, vectors = np.linalg.eigh((v + v.T) / 2)
    keep = values > tol * max(values.max(), 0) if values.size and values.max() > 0 else []
    if not np.any(keep):
        return float("nan"), 0, float("nan")
    proj = vectors[:, keep].T @ theta
    stat = float(np.sum(proj ** 2 / values[keep]))
    df = int(np.sum(keep))
    return stat, df, float(stats.chi2.sf(stat, df))


def sup_t_critical(v: np.ndarray, level: float = 0.95, draws: int = BAND_DRAWS,
                   seed: int = BAND_SEED) -> float:
    """The critical value c of a sup-t simultaneous band: P(max_r |Z_r| ≤ c) = level for Z
    normal with the estimates' correlation (Montiel Olea & Plagborg-Møller 2019). Months with
    no variance are left out; a fixed seed makes c the same in every run."""
    sd = np.sqrt(np.clip(np.diag(v), 0, None))
    keep = sd > 0
    if not np.any(keep):
        return float("nan")
    corr = v[np.ix_(keep, keep)] / np.outer(sd[keep], sd[keep])
    values, vectors = np.linalg.eigh((corr + corr.T) / 2)
    root = vectors * np.sqrt(np.clip(values, 0, None))
    z = np.random.default_rng(seed).standard_normal((draws, root.shape[0])) @ root.T
    return float(np.quantile(np.abs(z).max(axis=1), level))


def interaction_test(estimates: pl.DataFrame, influence: pl.DataFrame, key: str
                     ) -> tuple[float, int, float]:
    """Wald test that the subgroups' ATTs are equal: C θ = 0 with C the differences from the
    first subgroup, V from the stacked influence sums (a comparison person matched to clients
    of two subgroups is one cluster in both)."""
    keys, theta, v = covariance(estimates, influence, key)
    if len(keys) < 2:
        return float("nan"), 0, float("nan")
    contrast = np.hstack([-np.ones((len(keys) - 1, 1)), np.eye(len(keys) - 1)])
    return wald(contrast @ theta, contrast @ v @ contrast.T)


def abadie_imbens_se(pairs: pl.DataFrame) -> float:
    """Abadie–Imbens (2006) standard error of the ATT for matching with replacement, as R's
    ``Matching::Match`` computes it by default (``Var.calc = 0``: one conditional variance,
    half the weighted mean square of the pairs' differences around the ATT; the population
    variance, ``sample = FALSE``).

    ``pairs``: one row per (client, match): ``client, control, weight`` (1 / the client's
    number of matches), ``y_client, y_control``; a control is a candidate row (a person at a
    month), so the same person matched at two months is two controls."""
    if pairs.height == 0:
        return float("nan")
    diff = pairs["y_client"] - pairs["y_control"]
    w = pairs["weight"]
    per_client = pairs.group_by("client").agg(
        y=pl.col("y_client").first(),
        y0=(pl.col("weight") * pl.col("y_control")).sum() / pl.col("weight").sum())
    n1 = per_client.height
    tau_i = per_client["y"] - per_client["y0"]
    att = float(tau_i.mean())
    sigma2 = 0.5 * float((w * (diff - att) ** 2).sum() / w.sum())
    k = pairs.group_by("control").agg(kc=pl.col("weight").sum(),
                                      kk=(pl.col("weight") ** 2).sum())
    controls = float((k["kc"] ** 2 - k["kk"]).sum()) * sigma2
    treated = float(((tau_i - att) ** 2).sum())
    return sqrt((controls + treated) / n1 ** 2)


def e_value(p_clients: float, att: float, ci: tuple[float, float]) -> tuple[float, float]:
    """E-values (VanderWeele & Ding 2017) for a difference in proportions read as a risk ratio
    RR = p₁ / (p₁ − ATT): the point estimate's, and the CI limit's nearer the null (1 when the
    CI covers the null)."""
    def ev(rr: float) -> float:
        if not np.isfinite(rr) or rr <= 0:
            return float("nan")
        rr = 1 / rr if rr < 1 else rr
        return rr + sqrt(rr * (rr - 1))

    def rr_of(d: float) -> float:
        p0 = p_clients - d
        return p_clients / p0 if p0 > 0 else float("inf")

    point = ev(rr_of(att))
    lo, hi = ci
    if lo <= 0 <= hi:
        return point, 1.0
    return point, ev(rr_of(lo if att > 0 else hi))
