"""Every asset key of the graph, declared once: assets are defined with these names and depend
on each other through them, so a key is spelled in one place and a typo is an ImportError, not
a silently missing dependency. Layers follow the data's way through the pipeline
(raw → staging → analysis → results → tables, figures, report)."""

from __future__ import annotations

import dagster as dg


def delivery(table: str) -> dg.AssetKey:
    """The delivery folder of the source whose raw table is ``table``, observed (a source
    asset: nothing in the pipeline writes it)."""
    return dg.AssetKey(["deliveries", table])


def raw(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def staging(table: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", table])


def analysis(name: str) -> dg.AssetKey:
    return dg.AssetKey(["analysis", name])


def results(name: str) -> dg.AssetKey:
    return dg.AssetKey(["results", name])


def table(name: str) -> dg.AssetKey:
    return dg.AssetKey(["tables", name])


def figure(name: str) -> dg.AssetKey:
    return dg.AssetKey(["figures", name])


QUARANTINE = dg.AssetKey(["quarantine", "defects"])
MANIFEST = dg.AssetKey(["meta", "manifest"])
REPORT = dg.AssetKey(["report"])

# analysis datasets
CLIENTS = analysis("clients")
JOBS = analysis("jobs")
TTE = analysis("tte")
SCORES = analysis("scores")
SCORE_PANEL = analysis("score_panel")
FIDELITY = analysis("fidelity")
REGISTER_MONTHLY = analysis("register_monthly")
REGISTER_MATCHES = analysis("register_matches")

# the IPS process standards and costs (assets/defs/fidelity.py)
COACHES = analysis("coaches")
COACH_WEEKS = analysis("coach_weeks")
COACH_MONTHS = analysis("coach_months")
CLIENT_PROCESS = analysis("client_process")
CLIENT_SERVICE_YEARS = analysis("client_service_years")
REGISTER_EFFECT = results("register_effect")  # the register domain's
