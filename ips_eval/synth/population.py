"""The clients: who enrolled where and when, and what the enrolment form says about them.

Draws are per region in a fixed order, so the population depends on the seed alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from ips_eval.synth import identity
from ips_eval.synth.draws import Categorical
from ips_eval.synth.plan import (
    COHORT_OF,
    ENROLMENT_WINDOWS,
    REGIONS,
    STARTED_BY_HEADLINE,
    STARTED_LATER,
    TEAMS,
)
from schemas.study import PILOT, RRP
from schemas.windows import DAYS_PER_YEAR

# ICD-10 codes as referrals write them, weighted toward F20-F39 as in IPS services for people
# with severe mental disorders; a few non-F codes that the pipeline must flag.
DIAGNOSES: list[tuple[str, float]] = [
    ("F20.0", 0.07), ("F20.9", 0.04), ("F25.0", 0.04), ("F29", 0.03), ("F22.0", 0.01),
    ("F31.1", 0.04), ("F31.7", 0.03), ("F32.1", 0.09), ("F32.2", 0.05), ("F32", 0.04),
    ("F33.1", 0.10), ("F33.2", 0.06), ("F33", 0.03),
    ("F41.1", 0.04), ("F41.2", 0.02), ("F43.1", 0.03), ("F40.1", 0.02),
    ("F60.3", 0.04), ("F60.6", 0.01), ("F84.5", 0.03), ("F90.0", 0.05),
    ("F12.2", 0.01), ("F50.0", 0.01), ("G47.0", 0.005), ("Z73.0", 0.005), ("G40.9", 0.005),
]
EDUCATION_P = [0.27, 0.50, 0.14, 0.09]  # koulutus 1..4
WORK_HISTORY_P = [0.14, 0.33, 0.33, 0.20]  # tyohistoria 0..3
INCOME_SOURCES = [1, 2, 3, 4, 5, 6, 7]
INCOME_SOURCE_P = [0.03, 0.40, 0.28, 0.10, 0.08, 0.06, 0.05]
SWEDISH_SHARE = {"POH": 0.40, "HUS": 0.08, "VSU": 0.05, "HEL": 0.05, "KPO": 0.08}
CONSENT_SHARE = 0.97


@dataclass
class Client:
    code: str
    region: str
    cohort: str
    team: str
    coach: str
    birth: date
    male: bool
    hetu: str
    consent: bool
    referral: date
    index: date
    diagnosis: str
    education: int
    work_history: int
    income_source: int
    language: str
    employability: float  # daily hazard of a first competitive job while searching
    dropout_days: float  # days to leaving the service without a job
    exit_date: date | None = None
    exit_reason: int | None = None
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def form_hetu(self) -> str:
        """The HETU as the enrolment form carries it (empty without register consent)."""
        return self.hetu if self.consent else ""


def _index_dates(rng: np.random.Generator, start: date, end: date, n: int,
                 ramp: float) -> list[date]:
    """`n` weekday index dates in [start, end]; `ramp` > 0 makes enrolment grow over time."""
    days = [start + timedelta(d) for d in range((end - start).days + 1)]
    days = [d for d in days if d.weekday() < 5 and not (d.month == 7 and d.day < 25)]
    pos = np.linspace(0.0, 1.0, len(days))
    weight = np.exp(ramp * pos) * (1.0 + 0.25 * np.sin(pos * 9.0))
    picks = rng.choice(len(days), size=n, replace=True, p=weight / weight.sum())
    return sorted(days[i] for i in picks)


def _coaches(region: str) -> dict[str, list[str]]:
    teams, per_team = TEAMS[region]
    out: dict[str, list[str]] = {}
    for t in range(teams):
        out[f"{region}-T{t + 1}"] = [
            f"{region}-C{t * per_team + c + 1:02d}" for c in range(per_team)]
    return out


def team_coaches() -> dict[str, dict[str, list[str]]]:
    """Teams and their coaches per region (codes only; names never reach the data)."""
    return {region: _coaches(region) for region in REGIONS}


def _birth_and_sex(rng: np.random.Generator, index: date) -> tuple[date, bool]:
    # Clients are young on average (mean about 33), never under 18 or over 64 at the index date.
    age_years = 18 + 46 * rng.beta(1.5, 3.2)
    birth = index - timedelta(days=int(age_years * DAYS_PER_YEAR))
    return birth, bool(rng.random() < 0.5)


def _employability(rng: np.random.Generator, dx: str, education: int, work_history: int) -> float:
    psychotic = dx.startswith(("F2",))
    linear = (-0.1 + 0.45 * (work_history - 1.5) + 0.2 * (education - 2)
              - 0.35 * psychotic + rng.normal(0.0, 0.5))
    share = 1.0 / (1.0 + np.exp(-linear))
    return float(share / 110.0)  # mean wait for a job about four months for the employable


def simulate_clients(rng: np.random.Generator) -> list[Client]:
    """Every calibrated client of the eleven regions, in region and enrolment order."""
    diagnosis = Categorical([d for d, _ in DIAGNOSES], [p for _, p in DIAGNOSES])
    education_draw = Categorical([1, 2, 3, 4], EDUCATION_P)
    work_history_draw = Categorical([0, 1, 2, 3], WORK_HISTORY_P)
    income_draw = Categorical(INCOME_SOURCES, INCOME_SOURCE_P)
    used_hetu: set[str] = set()
    clients: list[Client] = []
    for region in REGIONS:
        cohort = COHORT_OF[region]
        windows = ENROLMENT_WINDOWS[cohort]
        sizes = [STARTED_BY_HEADLINE[region]] + (
            [STARTED_LATER[region]] if cohort == RRP else [])
        indices: list[date] = []
        for (start, end), n in zip(windows, sizes, strict=True):
            indices += _index_dates(rng, start, end, n, ramp=1.2 if cohort == PILOT else 0.6)
        teams = _coaches(region)
        team_names = sorted(teams)
        for k, index in enumerate(indices):
            team = team_names[int(rng.integers(len(team_names)))]
            coach = teams[team][int(rng.integers(len(teams[team])))]
            birth, male = _birth_and_sex(rng, index)
            while True:
                individual = int(rng.integers(*identity.CLIENT_INDIVIDUALS)) // 2 * 2 + male
                individual = max(individual, 2 + male)
                code = identity.hetu(birth, individual, identity.century_sign(birth.year, rng))
                if code[:6] + code[7:] not in used_hetu:
                    used_hetu.add(code[:6] + code[7:])
                    break
            dx = diagnosis.draw(rng)
            education = education_draw.draw(rng)
            work_history = work_history_draw.draw(rng)
            income = income_draw.draw(rng)
            sv = SWEDISH_SHARE.get(region, 0.01)
            language = Categorical(["fi", "sv", "muu"], [0.95 - sv, sv, 0.05]).draw(rng)
            clients.append(Client(
                code=f"{region}-{k + 1:04d}", region=region, cohort=cohort, team=team,
                coach=coach, birth=birth, male=male, hetu=code,
                consent=bool(rng.random() < CONSENT_SHARE),
                referral=index - timedelta(days=int(rng.integers(5, 120))),
                index=index, diagnosis=dx, education=education, work_history=work_history,
                income_source=income, language=language,
                employability=_employability(rng, dx, education, work_history),
                dropout_days=float(rng.exponential(750.0)),
            ))
    return clients
