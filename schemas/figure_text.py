"""Texts of the published figures in fi/sv/en: titles, axis labels, legends, table headings and
subtitles. Variable and value labels (cohorts, waves, instruments, register states, IPS-25
bands) come from ``schemas.codebook``, ``schemas.instruments`` and ``schemas.register_states``;
everything else a figure prints besides numbers is here, so a wording is corrected once for
every figure and language. The report's caption of each figure is ``figure_<name>`` in
``schemas.table_text`` (the report page's texts live there).

Texts may hold ``str.format`` fields (``{n}``, ``{rho}``); :func:`figure_text` fills them.
"""

from __future__ import annotations

from schemas.codebook import L, Label, Lang, filled_text

FIGURE_TEXT: dict[str, Label] = {
    # ---- shared -------------------------------------------------------------------------------
    "legend_n": L("{label} (n = {n})", "{label} (n = {n})", "{label} (n = {n})"),
    "n_eq": L("n={n}", "n={n}", "n={n}"),
    "at_risk": L("Riskijoukko", "Antal i risk", "Number at risk"),
    "window_marks": L("6 ja 12 kk", "6 och 12 mån", "6 and 12 months"),
    "few_at_risk": L("alle {n} riskijoukossa", "färre än {n} i risk", "fewer than {n} at risk"),

    # ---- survival: Kaplan–Meier tenure and the cumulative incidence of a first job ------------
    "km_title": L("Ensimmäisen työsuhteen kesto kohorteittain",
                  "Första anställningens längd per kohort", "Tenure of the first job by cohort"),
    "km_y": L("Työssä edelleen (Kaplan–Meier)", "Fortfarande i arbete (Kaplan–Meier)",
              "Still in the job (Kaplan–Meier)"),
    "km_x": L("Kuukautta työn alusta", "Månader från arbetets början",
              "Months since the job began"),
    "cif_title": L(
        "Aika ensimmäiseen työhön kohorteittain (palvelun päättyminen kilpaileva tapahtuma)",
        "Tid till första arbete per kohort (avslutad tjänst konkurrerande händelse)",
        "Time to first job by cohort (service exit a competing event)"),
    "cif_y": L("Ensimmäinen työ, kumulatiivinen ilmaantuvuus",
               "Första arbete, kumulativ incidens", "First job, cumulative incidence"),
    "cif_x": L("Kuukautta aloituksesta", "Månader från start", "Months since the index date"),

    # ---- scores by wave -------------------------------------------------------------------------
    "scores_title": L("Keskiarvot kyselyaalloittain (95 %:n luottamusväli)",
                      "Medelvärden per enkätomgång (95 % konfidensintervall)",
                      "Mean scores by wave (95% confidence interval)"),
    "scores_y": L("pisteet ({lo}–{hi}; {direction})", "poäng ({lo}–{hi}; {direction})",
                  "score ({lo}–{hi}; {direction})"),
    "higher_better": L("suurempi parempi", "högre är bättre", "higher is better"),
    "lower_better": L("pienempi parempi", "lägre är bättre", "lower is better"),

    # ---- register states by relative month ------------------------------------------------------
    "register_share": L("Osuus asiakkaista (%)", "Andel av klienterna (%)",
                        "Share of clients (%)"),
    "register_earnings": L("Keskiansiot (€/kk)", "Medelinkomst (€/mån)",
                           "Mean earnings (EUR/month)"),
    "register_persons": L("Henkilöitä", "Personer", "Persons"),
    "register_x": L("Kuukausi aloituksesta (aloituskuukausi = 0)",
                    "Månad från start (startmånaden = 0)",
                    "Month from the start (index month = 0)"),
    "no_data": L("Ei tietoja", "Inga uppgifter", "No data"),
    # the transitions figure (ips_eval/publish/figures/transitions.py)
    "transitions_clients": L("Asiakkaat", "Klienter", "Clients"),
    "transitions_matched_comparison": L("Kaltaistettu vertailuryhmä", "Matchad jämförelsegrupp",
                                        "Matched comparison"),
    "transitions_state_m1": L("−1", "−1", "−1"),
    "transitions_state_6": L("+6", "+6", "+6"),
    "transitions_state_12": L("+12", "+12", "+12"),
    "transitions_x": L("Kuukausi aloituksesta", "Månad från start", "Month from the start"),
    "transitions_y": L("Osuus henkilöistä, päätila", "Andel av personerna, huvudstatus",
                       "Share of the persons, main state"),

    # ---- fidelity against employment -------------------------------------------------------------
    "fidelity_title": L("IPS-25-menetelmäuskollisuus ja työllistyminen tiimeittäin",
                        "IPS-25-metodtrohet och sysselsättning per team",
                        "IPS-25 fidelity and employment by team"),
    "fidelity_x": L("IPS-25 pisteet (viimeisin arvio)", "IPS-25 poäng (senaste bedömning)",
                    "IPS-25 total (latest review)"),
    "fidelity_y": L("Työllistyi 12 kk:ssa, %", "Sysselsatt inom 12 mån, %",
                    "Employed within 12 months, %"),
    "fidelity_teams_shown": L("tiimejä kuviossa: {n}", "team i figuren: {n}",
                              "teams shown: {n}"),
    "fidelity_spearman": L("Spearmanin ρ = {rho} (p = {p})", "Spearmans ρ = {rho} (p = {p})",
                           "Spearman ρ = {rho} (p = {p})"),
    "fidelity_left_out": L(
        "tiimejä jätetty pois tietosuojan vuoksi (pienet lukumäärät): {n}",
        "team utelämnade av sekretesskäl (små antal): {n}",
        "teams left out by disclosure control (small counts): {n}"),
    # ---- process standards (ips_eval.publish.figures.standards)
    "process_coach": L("valmentaja", "coach", "coach"),
    "quarterly_team": L("tiimi {n}", "team {n}", "team {n}"),
    "process_median": L("valmentajien mediaani", "median över coacherna", "median over coaches"),
    "process_standard": L("standardi ({value})", "standard ({value})", "standard ({value})"),
    "process_small_caseloads": L("(1–4 asiakkaan asiakasmääriä ei piirretä)",
                                 "(klientantal på 1–4 ritas inte)",
                                 "(caseloads of 1–4 clients not drawn)"),
    "quarterly_rate_axis": L("(työssä / palvelussa, %)", "(i arbete / i tjänsten, %)",
                             "(working / active, %)"),
    "quarterly_left_out": L(
        "tiimi-neljänneksiä piirtämättä: {n} (kesken tai pienet lukumäärät)",
        "team-kvartal som inte ritats: {n} (ofullständiga eller små antal)",
        "{n} team-quarter(s) not drawn: incomplete or small counts"),
}


def figure_text(key: str, lang: Lang, **fields: object) -> str:
    """The figure text ``key`` in ``lang`` with its ``{fields}`` filled."""
    return filled_text(FIGURE_TEXT, key, lang, "schemas/figure_text.py", **fields)
