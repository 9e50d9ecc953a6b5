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
from schemas.windows import HORIZONS_DEFAULT, summary_horizons


@dataclass(frozen=True)
class ResultFile:
    name: str
    row: Label  # what one row is
    columns: tuple[str, ...]
    # written first, and only in a run with a horizon beyond 12 months (``--horizons 6,12,24``;
    # docs/methods.md §Windows and cut-offs, "Longer follow-up"): the default run's file keeps
    # its contracted columns
    longer_columns: tuple[str, ...] = ()

    def columns_for(self, horizons: tuple[int, ...] = HORIZONS_DEFAULT) -> tuple[str, ...]:
        """The columns a run with these horizons writes, in file order."""
        longer = len(summary_horizons(horizons)) > 1
        return (*self.longer_columns, *self.columns) if longer else self.columns


def _r(name: str, row: Label, columns: str, longer_columns: str = "") -> ResultFile:
    return ResultFile(name, row, tuple(columns.split()), tuple(longer_columns.split()))


RESULTS: tuple[ResultFile, ...] = (
    _r("headline", L("kohortti × julkaistu rajauspäivä: karkea osuus työllistyneistä",
                     "kohort × publicerat brytdatum: grov andel sysselsatta",
                     "cohort × published cut-off: the crude share ever employed, as published"),
       "cohort cutoff_date clients_started clients_employed pct_employed "
       "clients_employed_excl_pay_subsidy pct_employed_excl_pay_subsidy median_followup_days"),
    _r("km", L("parametri × ryhmä × menetelmä × 6/12 kk (pyydettäessä myös 24): estimaatti "
               "(log-log-LV)",
               "parameter × grupp × metod × 6/12 mån (på begäran även 24): skattning "
               "(log-log-KI)",
               "param × group × method × 6/12 months (and 24 when asked): the estimate with its "
               "log-log CI"),
       "param group_var group time_days n_at_risk n_events estimate ci_lower ci_upper method "
       "estimand se n"),
    _r("survival_curves", L("parametri × ryhmä × menetelmä × havaittu aika: koko käyrä",
                            "parameter × grupp × metod × observerad tid: hela kurvan",
                            "param × group × method × observed time: the whole curve (what the "
                            "survival figures draw)"),
       "param method estimand group_var group time_days n_at_risk n_events n_events_any "
       "estimate se ci_lower ci_upper n"),
    _r("rmst", L("parametri × ryhmä (× τ): mediaaniaika ja rajattu keskiarvo 12 kk:een "
                 "(pyydettäessä myös 24 kk:een)",
                 "parameter × grupp (× τ): mediantid och begränsat medelvärde till 12 mån "
                 "(på begäran även till 24 mån)",
                 "param × group (× τ): the median time and the restricted mean to 12 months "
                 "(and to 24 when asked)"),
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
    _r("logit", L("termi: työ 12 kuukaudessa (pidemmässä seurannassa ikkuna × termi), "
                  "logistinen malli",
                  "term: arbete inom 12 månader (vid längre uppföljning fönster × term), "
                  "logistisk modell",
                  "term: a competitive job within 12 months (with a longer follow-up, window × "
                  "term), logistic model (odds ratio)"),
       "term coef or ci_lower ci_upper p n events se n_excluded converged pooled_levels",
       longer_columns="window_months"),
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
    _r('baseline', L('muuttuja × luokka × kohortti: taustatiedot aloitettaessa',
                 'variabel × kategori × kohort: bakgrund vid start',
                 'variable × level × cohort: baseline characteristics (Table 1)'),
       'order variable level cohort kind n n_cohort mean sd median q1 q3 pct smd'),
    _r('jobs_per_client', L('ryhmä: työsuhteet ja työssäolopäivät asiakasta kohden',
                 'grupp: anställningar och arbetsdagar per klient',
                 'group: jobs and employed days per client'),
       'group_var group n_clients median_followup_days n_jobs_0 n_jobs_1 n_jobs_2 n_jobs_3plus '
       'jobs_total mean_jobs n_employed mean_days_employed median_days_employed '
       'mean_days_employed_if_employed median_days_employed_if_employed days_employed_per_year'),
    _r('competing', L('malli × termi (× aika): kilpailevat riskit, kohorttiero ja Grayn testi',
                 'modell × term (× tid): konkurrerande risker, kohortskillnad och Grays test',
                 "model × term (× time): competing risks, the cohort difference and Gray's test"),
       'param model term time_days coef hr ci_lower ci_upper p n events se estimate_pilot '
       'estimate_rrp competing_events variance pooled_levels n_excluded'),
    _r('change_ipw', L('aalto × mittari × kohortti × menetelmä: muutos, vastauskadon painotus',
                 'våg × instrument × kohort × metod: förändring, viktad för bortfall',
                 'wave × instrument × cohort × method: change, complete case and weighted'),
       'followup_wave instrument cohort method n_eligible n mean_change se ci_lower ci_upper '
       'max_weight n_excluded pooled_levels'),
    _r('register_effect', L('tulosmuuttuja × suhteellinen kuukausi × menetelmä: vaikutus (ATT)',
                 'utfall × relativ månad × metod: effekten av IPS (ATT)',
                 'outcome × relative month × method: the effect of IPS (ATT)'),
       'outcome rel_month method n_clients n_comparison estimate ci_lower ci_upper p band_lower '
       'band_upper se se_ai method_note placebo'),
    _r('register_effect_tests', L('tulosmuuttuja × testi: väärennystestit, ekvivalenssi, E-arvo',
                 'utfall × test: falsifieringstester, ekvivalens, E-värde',
                 'outcome × test: falsification tests, equivalence, E-value'),
       'outcome test statistic df p bound max_abs passed'),
    _r('register_effect_subgroups', L('alaryhmä × kuukausi: vaikutus työssäoloon alaryhmittäin',
                 'undergrupp × månad: effekten på sysselsättning per undergrupp',
                 'subgroup × month: the effect on employment by subgroup'),
       'subgroup_var subgroup rel_month outcome n_clients estimate ci_lower ci_upper '
       'interaction_p'),
    _r('register_balance', L('kovariaatti: tasapaino ennen kaltaistusta ja sen jälkeen',
                 'kovariat: balans före och efter matchning',
                 'covariate: balance before and after matching'),
       'covariate mean_clients mean_clients_all mean_comparison_before mean_comparison_after '
       'smd_before smd_after'),
    _r('register_balance_monthly', L('tulosmuuttuja × kuukausi ennen aloitusta: tasapaino',
                 'utfall × månad före start: balans',
                 'outcome × month before the start: balance'),
       'outcome rel_month mean_clients mean_comparison_before mean_comparison_after smd_before '
       'smd_after'),
    _r('transitions', L('kohortti × ryhmä × ajankohta × lähtötila × tulotila: siirtymät',
                 'kohort × grupp × horisont × från × till: övergångar',
                 'cohort × group × horizon × state from × state to: transitions'),
       'cohort group horizon state_from state_to n pct'),
    _r('transition_paths', L('ryhmä × päätila kk −1, +6 ja +12: henkilöt',
                              'grupp × huvudstatus mån −1, +6 och +12: personer',
                              'group × main state at −1, +6 and +12: persons'),
       'group state_m1 state_6 state_12 n'),
    _r('transition_model', L('ajankohta × tulotila × termi: siirtymien multinomiaalinen '
                              'logit (suhteellinen riski, keskimääräinen marginaalivaikutus)',
                              'horisont × till × term: multinomial logit för övergångar '
                              '(relativ risk, genomsnittlig marginaleffekt)',
                              'horizon × state to × term: multinomial logit of transitions '
                              '(relative-risk ratio, average marginal effect)'),
       'horizon state_to term coef rrr ci_lower ci_upper p ame ame_ci_lower ame_ci_upper n '
       'n_state se ame_se n_excluded merged_states pooled_levels converged not_fitted note'),
    _r('register_attachment', L('ryhmä × ikkuna: työssä rekisterin ja lomakkeen mukaan',
                 'grupp × fönster: i arbete enligt register och blankett',
                 'group × window: employed by the register and by the coach form'),
       'group window_months n_clients_register n_employed_register pct_employed_register '
       'n_clients_form pct_employed_form'),
    _r('team_outcomes', L('tiimi: työllistyminen 12 kk:ssa ja viimeisin IPS-25-arvio',
                 'team: sysselsättning inom 12 mån och senaste IPS-25-bedömning',
                 'team: employment within 12 months and the latest IPS-25 review'),
       'region cohort team clients window employed pct_employed review_date total band'),
    _r('process', L('standardi × taso × yksikkö: IPS-mallin prosessistandardit',
                 'standard × nivå × enhet: IPS-modellens processtandarder',
                 "indicator × level × unit: the IPS model's process standards"),
       'indicator level unit n value standard share_meeting_standard share_n q1 q3 ci_lower '
       'ci_upper region cohort'),
    _r('process_monthly', L('valmentaja × kuukausi: yhteydenotot viikossa ja asiakasmäärä',
                 'coach × månad: kontakter per vecka och klientantal',
                 'coach × month: employer contacts a week and caseload'),
       'coach team region cohort month coach_weeks contacts_per_week caseload'),
    _r('quarterly_team', L('tiimi × neljännes: työllisyysaste',
                 'team × kvartal: sysselsättningsgrad',
                 'team × quarter: the quarterly employment rate'),
       'team region cohort quarter active working rate quarter_start quarter_end complete '
       'working_excl_pay_subsidy rate_excl_pay_subsidy'),
    _r('fidelity_items', L('taso × yksikkö × osio: IPS-25-osioiden keskiarvot',
                 'nivå × enhet × del: IPS-25-delarnas medelvärden',
                 'level × unit × item: IPS-25 item means and the lowest items'),
       'level unit region cohort item teams reviews latest_review score mean_all_reviews rank '
       'lowest teams_lowest'),
    _r('fidelity_trend', L('tiimi × arvio: IPS-25-pisteiden kehitys',
                 'team × bedömning: IPS-25-poängens utveckling',
                 "team × review: the IPS-25 total across a team's reviews"),
       'team region cohort review_no review_date total band change years_since_first '
       'slope_per_year'),
    _r('fidelity_cox', L('malli × termi: menetelmäuskollisuus ja aika ensimmäiseen työhön',
                 'modell × term: metodtrohet och tid till första arbete',
                 'model × term: fidelity and time to first job (Cox, clustered by team)'),
       'param model term coef se_robust hr ci_lower ci_upper p n events teams n_excluded '
       'method_note'),
    _r('costs', L('alue × kohortti × vuosi: kustannukset asiakasta kohden',
                 'region × kohort × år: kostnader per klient',
                 'region × cohort × year: costs per client'),
       'region cohort year cost_eur clients_started client_years clients_employed_12m '
       'cost_per_client cost_per_client_year cost_per_employed clients_window_12m '
       'share_employed_12m cost_complete funding_eur coach_fte clients_per_fte '
       'benefits_saved_per_client earnings_gained_per_client effect_clients'),
)


def result_file(name: str) -> ResultFile:
    for r in RESULTS:
        if r.name == name:
            return r
    raise KeyError(f"no results file {name!r} declared in schemas/results.py")
