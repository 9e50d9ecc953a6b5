"""Recount the headline figures from the delivery tables, as the pipeline will see them.

The clean data: rejected files and quarantined rows left out, field defects set missing, and
for each key the row from the newest delivery. The generator refuses to write a study whose
recount misses the published figures (plan.HEADLINE_*).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ips_eval.synth.plan import COHORT_OF, HEADLINE_CUTOFF, HEADLINE_EMPLOYED, HEADLINE_STARTED
from ips_eval.synth.tables import DeliveryFile, Value


@dataclass(frozen=True)
class HeadlineCount:
    cohort: str
    cutoff: date
    started: int
    employed: int


def clean_rows(files: list[DeliveryFile], source: str) -> dict[tuple[Value, ...], dict]:
    """Newest delivery wins per key, over the rows that would load."""
    out: dict[tuple[Value, ...], dict] = {}
    for f in sorted((f for f in files if f.source == source), key=lambda f: f.delivered):
        if f.rejected:
            continue
        for row in f.rows:
            if any(m.level == "row" for m in row.marks):
                continue
            values = dict(row.values)
            for m in row.marks:
                if m.level == "field" and m.column:
                    values[m.column] = None
            out[f.key(row)] = values
    return out


def headline_counts(files: list[DeliveryFile]) -> list[HeadlineCount]:
    clients = clean_rows(files, "asiakkaat")
    jobs = clean_rows(files, "tyosuhteet")
    out = []
    for cohort, cutoff in sorted(HEADLINE_CUTOFF.items()):
        started = {
            v["asiakastunnus"]: v["aloituspvm"] for v in clients.values()
            if COHORT_OF.get(str(v["alue"])) == cohort and v["aloituspvm"] <= cutoff
        }
        employed = {
            v["asiakastunnus"] for v in jobs.values()
            if v["asiakastunnus"] in started and v["avoimet"] == 1
            and started[v["asiakastunnus"]] <= v["alkupvm"] <= cutoff
        }
        out.append(HeadlineCount(cohort, cutoff, len(started), len(employed)))
    return out


def assert_calibrated(files: list[DeliveryFile]) -> list[HeadlineCount]:
    counts = headline_counts(files)
    for c in counts:
        expected = (HEADLINE_STARTED[c.cohort], HEADLINE_EMPLOYED[c.cohort])
        if (c.started, c.employed) != expected:
            raise AssertionError(
                f"synthetic {c.cohort} study gives {c.started} started / {c.employed} employed "
                f"at {c.cutoff}, the published figures are {expected[0]} / {expected[1]}")
    return counts
