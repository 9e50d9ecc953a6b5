"""The results files (``out/results/<name>.csv`` and ``.parquet``, and ``results.<name>`` in
the warehouse): for each, what one row is (fi/sv/en) and its columns in file order. The data
dictionary (``docs/data_dictionary.md``) is written from this, and a pipeline test compares it
with the files a run writes, so a new results file or column is declared here or the test says
which.

Ownership: each results file is one entry; the engineer who adds a result adds its entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.codebook import L, Label


@dataclass(frozen=True)
class ResultFile:
    name: str
    row: Label  # what one row is
    columns: tuple[str, ...]


def _r(name: str, row: Label, columns: str) -> ResultFile:
    return ResultFile(name, row, tuple(columns.split()))


RESULTS: tuple[ResultFile, ...] = (
    _r("headline", L("kohortti × julkaistu rajauspäivä: karkea osuus työllistyneistä",
                     "kohort × publicerat brytdatum: grov andel sysselsatta",
                     "cohort × published cut-off: the crude share ever employed, as published"),
       "cohort cutoff_date clients_started clients_employed pct_employed "
       "clients_employed_excl_pay_subsidy pct_employed_excl_pay_subsidy median_followup_days"),
    _r("km", L("parametri × ryhmä × menetelmä × 6/12 kk: estimaatti (log-log-LV)",
               "parameter × grupp × metod × 6/12 mån: skattning (log-log-KI)",
               "param × group × method × 6/12 months: the estimate with its log-log CI"),
       "param group_var group time_days n_at_risk n_events estimate ci_lower ci_upper method "
       "estimand se n"),
    _r("survival_curves", L("parametri × ryhmä × menetelmä × havaittu aika: koko käyrä",
                            "parameter × grupp × metod × observerad tid: hela kurvan",
                            "param × group × method × observed time: the whole curve (what the "
                            "survival figures draw)"),
       "param method estimand group_var group time_days n_at_risk n_events n_events_any "
       "estimate se ci_lower ci_upper n"),
    _r("rmst", L("parametri × ryhmä: mediaaniaika ja rajattu keskiarvo",
                 "parameter × grupp: mediantid och begränsat medelvärde",
                 "param × group: the median time and the restricted mean to 12 months"),
       "param group_var group method n events median_days median_ci_lower median_ci_upper "
       "tau_days rmst_days rmst_se rmst_ci_lower rmst_ci_upper"),
    _r("employment_comparison", L(
        "kohortti × mittari: karkea osuus ja kumulatiivinen ilmaantuvuus seuranta-aikoineen",
        "kohort × mått: grov andel och kumulativ incidens med uppföljningstid",
        "cohort × measure: crude share and cumulative incidence with the follow-up behind it"),
       "cohort cutoff_date measure time_days n_clients n_events n_at_risk n_full_window "
       "estimate ci_lower ci_upper median_followup_days followup_q1_days followup_q3_days"),
    _r("cox", L("parametri × termi: Coxin mallin kerroin", "parameter × term: Cox-modellens "
                "koefficient", "param × term: a Cox model coefficient (hazard ratio)"),
       "param term coef hr ci_lower ci_upper p n events ph_test_p ph_test_p_km se variance "
       "ph_test_p_term ph_test_p_term_lifelines n_excluded n_clients pooled_levels"),
    _r("logit", L("termi: työ 12 kuukaudessa, logistinen malli",
                  "term: arbete inom 12 månader, logistisk modell",
                  "term: a competitive job within 12 months, logistic model (odds ratio)"),
       "term coef or ci_lower ci_upper p n events se n_excluded converged pooled_levels"),
    _r("attachment", L("ikkuna × ryhmä: kiinnittyminen työhön 6/12 kk:ssa",
                       "fönster × grupp: anknytning till arbete vid 6/12 mån",
                       "window × group: attachment to work at 6/12 months"),
       "window_months window_days group_var group n_clients n_any_job pct_any_job "
       "n_employed_at_end pct_employed_at_end mean_days_worked median_days_worked "
       "n_any_job_excl_pay_subsidy pct_any_job_excl_pay_subsidy "
       "n_employed_at_end_excl_pay_subsidy pct_employed_at_end_excl_pay_subsidy "
       "mean_days_worked_excl_pay_subsidy"),
    _r("quarterly", L("alue × vuosineljännes: työllisyysaste", "region × kvartal: "
                      "sysselsättningsgrad", "region × quarter: the quarterly employment rate"),
       "region quarter active working rate cohort quarter_start quarter_end complete "
       "working_excl_pay_subsidy rate_excl_pay_subsidy"),
    _r("score_means", L("mittari × kohortti × aalto: keskiarvo (95 %:n LV)",
                        "instrument × kohort × omgång: medelvärde (95 % KI)",
                        "instrument × cohort × wave: the mean score (95% CI)"),
       "instrument cohort wave n mean sd ci_lower ci_upper"),
    _r("change", L("mittari × kohortti × vertailu × ryhmä: muutos", "instrument × kohort × "
                   "jämförelse × grupp: förändring", "instrument × cohort × contrast × group: "
                   "the change score"),
       "instrument cohort contrast group_var group n baseline_mean baseline_sd followup_mean "
       "followup_sd mean_change sd_change ci_lower ci_upper p effect_size srm es_baseline_sd "
       "n_improved n_deteriorated pct_improved pct_deteriorated effect_size_method alpha "
       "reliability_baseline_sd rci_threshold higher_is_better direction"),
    _r("reliability", L("mittari: reliabiliteetti ja luotettavan muutoksen raja",
                        "instrument: reliabilitet och gräns för tillförlitlig förändring",
                        "instrument: Cronbach's alpha and the reliable change threshold"),
       "instrument alpha baseline_sd n n_baseline n_items rci_threshold"),
    _r("mixed", L("mittari × termi: sekamallin kerroin", "instrument × term: blandade "
                  "modellens koefficient", "instrument × term: a mixed model coefficient"),
       "instrument model term estimate se ci_lower ci_upper p n_clients n_obs converged "
       "optimizer method dropped_terms warnings reml_criterion"),
    _r("attrition", L("seuranta-aalto × kohortti × taustatieto: vastanneet ja vastaamatta "
                      "jättäneet", "uppföljningsomgång × kohort × variabel: svarande och "
                      "icke-svarande", "follow-up wave × cohort × baseline variable: "
                      "responders against non-responders (SMD)"),
       "followup_wave cohort variable level statistic answered_n answered_count "
       "answered_value answered_sd not_answered_n not_answered_count not_answered_value "
       "not_answered_sd smd"),
    _r("situation", L("kohortti × aalto × luokka: työssä tai opiskelemassa",
                      "kohort × omgång × kategori: arbetar eller studerar",
                      "cohort × wave × category: working or studying"),
       "cohort wave category codes n n_answered pct ci_lower ci_upper"),
    _r("satisfaction", L("kohortti × aalto × kysymys: tyytyväisyys palveluun",
                         "kohort × omgång × fråga: nöjdhet med tjänsten",
                         "cohort × wave × item: satisfaction with the service"),
       "cohort wave item label n mean sd n_agree pct_agree"),
    _r("employer_survey", L("kohortti × kysymys × luokka: työnantajakysely",
                            "kohort × fråga × kategori: arbetsgivarenkät",
                            "cohort × item × category: the employer survey"),
       "cohort item label category n n_answered pct mean sd"),
    _r("register", L("kohortti × kuukausi aloituksesta × tila: asiakkaiden rekisteritilat",
                     "kohort × månad från start × status: klienternas registerstatus",
                     "cohort × month from the start × state: clients' register states and "
                     "earnings"),
       "cohort rel_month state state_order n pct mean_earnings_eur median_earnings_eur "
       "mean_benefits_eur"),
    _r("register_comparison", L("kalenterikuukausi × tila: vertailuryhmän rekisteritilat",
                                "kalendermånad × status: jämförelsegruppens registerstatus",
                                "calendar month × state: the register comparison group"),
       "month state state_order n pct mean_earnings_eur mean_benefits_eur"),
)


def result_file(name: str) -> ResultFile:
    for r in RESULTS:
        if r.name == name:
            return r
    raise KeyError(f"no results file {name!r} declared in schemas/results.py")
