"""Texts of the outcome tables added beside the first nine (attachment, jobs per client, the
quarterly series, the 12-month logit, the situation at follow-up, satisfaction, attrition) in
fi/sv/en. Part of :data:`schemas.table_text.TEXT` (merged there; a key may not repeat).
"""

from __future__ import annotations

from schemas.codebook import L, Label

OUTCOME_TEXT: dict[str, Label] = {
    # ---- shared -----------------------------------------------------------------------------
    "table_number": L("Taulukko {n}.", "Tabell {n}.", "Table {n}."),
    "figure_number": L("Kuvio {n}.", "Figur {n}.", "Figure {n}."),
    # the caption label Word numbers (its SEQ field's name, as Word's Insert Caption writes it)
    "table_label": L("Taulukko", "Tabell", "Table"),
    "figure_label": L("Kuvio", "Figur", "Figure"),
    # Word's paragraph style of the notes under a table (shown in Word's style list)
    "table_note_style": L("Taulukon huomautus", "Tabellanteckning", "Table note"),
    "group_all": L("Kaikki", "Alla", "All"),
    "statistic": L("Tunnusluku", "Mått", "Statistic"),
    "window": L("Seuranta-ikkuna", "Uppföljningsfönster", "Window"),
    "wave": L("Kyselyaalto", "Enkätomgång", "Wave"),
    "wave_months": L("{n} kk", "{n} mån", "{n} months"),

    # ---- attachment to work at 6/12 months -----------------------------------------------------
    "attachment_title": L(
        "Kiinnittyminen työhön 6 ja 12 kuukauden seurannassa (valmentajien lomakkeet)",
        "Anknytning till arbete vid 6 och 12 månaders uppföljning (coachernas blanketter)",
        "Attachment to work at 6 and 12 months' follow-up (coaches' forms)"),
    "clients_window": L("Asiakkaita, joilla koko ikkuna, n", "Klienter med hela fönstret, n",
                        "Clients with the full window, n"),
    "any_job": L("Työssä ikkunan aikana, n (%)", "I arbete under fönstret, n (%)",
                 "Had a job in the window, n (%)"),
    "employed_at_end": L("Työssä ikkunan viimeisenä päivänä, n (%)",
                         "I arbete fönstrets sista dag, n (%)",
                         "Employed on the window's last day, n (%)"),
    "mean_days_worked": L("Työpäiviä ikkunassa, ka", "Arbetsdagar i fönstret, medel",
                          "Days worked in the window, mean"),
    "all_jobs_spanner": L("Avoimet työmarkkinat (palkkatuki mukana)",
                          "Öppna arbetsmarknaden (lönesubvention inräknad)",
                          "Competitive jobs (pay subsidy included)"),
    "excl_subsidy_spanner": L("Ilman palkkatukea", "Utan lönesubvention",
                              "Excluding pay subsidy"),
    "attachment_note": L(
        "Mukana asiakkaat, joiden aloituspäivästä oli rajauspäivänä kulunut vähintään ikkunan "
        "pituus, joten kaikilla on yhtä pitkä seuranta. Työpäivät: avoimien työmarkkinoiden "
        "työssä vietetyt päivät ikkunan aikana, päällekkäiset työsuhteet kerran.",
        "Klienter vars startdatum låg minst fönstrets längd före brytdatum, så att alla har "
        "lika lång uppföljning. Arbetsdagar: dagar "
        "i arbete på den öppna arbetsmarknaden under fönstret, överlappande anställningar en "
        "gång.",
        "Clients whose index date was at least the window's length before the cut-off, so that "
        "everyone has the same follow-up. Days worked: days in a competitive job within the "
        "window, overlapping jobs counted once."),

    # ---- jobs and employed days per client ---------------------------------------------------
    "jobs_title": L(
        "Työsuhteet ja työssäolopäivät asiakasta kohden",
        "Anställningar och arbetsdagar per klient",
        "Jobs and employed days per client"),
    "clients_group": L("Asiakkaat", "Klienter", "Clients"),
    "followup_months": L("Seuranta-aika, mediaani (kk)", "Uppföljningstid, median (mån)",
                         "Follow-up, median (months)"),
    "jobs_count_group": L("Avoimien työmarkkinoiden työsuhteita, n (%)",
                          "Anställningar på öppna arbetsmarknaden, n (%)",
                          "Competitive jobs per client, n (%)"),
    "jobs_count_level": L("{level} työsuhdetta", "{level} anställningar", "{level} jobs"),
    "jobs_count_one": L("1 työsuhde", "1 anställning", "1 job"),
    "mean_jobs": L("Työsuhteita asiakasta kohden, ka", "Anställningar per klient, medel",
                   "Jobs per client, mean"),
    "days_group": L("Työssäolopäivät", "Arbetsdagar", "Employed days"),
    "days_mean": L("Asiakasta kohden, ka", "Per klient, medel", "Per client, mean"),
    "days_median": L("Asiakasta kohden, mediaani", "Per klient, median", "Per client, median"),
    "days_mean_employed": L("Työllistynyttä kohden, ka", "Per sysselsatt klient, medel",
                            "Per employed client, mean"),
    "days_median_employed": L("Työllistynyttä kohden, mediaani",
                              "Per sysselsatt klient, median", "Per employed client, median"),
    "days_per_year": L("Seurantavuotta kohden", "Per uppföljningsår",
                       "Per year of follow-up"),
    "jobs_note": L(
        "Avoimien työmarkkinoiden työsuhteet, jotka alkoivat aloituspäivänä tai sen jälkeen ja "
        "viimeistään rajauspäivänä; työssäolopäivät näissä töissä, päällekkäiset kerran. "
        "Kohortteja on seurattu eri pituisia aikoja, joten asiakaskohtaiset luvut eivät ole "
        "suoraan vertailukelpoisia; seurantavuotta kohden = työssäolopäivät yhteensä / "
        "seurantavuodet yhteensä.",
        "Anställningar på öppna arbetsmarknaden som började på eller efter startdatum och "
        "senast på brytdatum; arbetsdagar i dessa, överlappande en gång. Kohorterna har följts "
        "olika länge, så talen per klient är inte direkt jämförbara; per uppföljningsår = "
        "arbetsdagar sammanlagt / uppföljningsår sammanlagt.",
        "Competitive jobs starting on or after the index date and on or before the cut-off; "
        "employed days in them, overlapping jobs counted once. The cohorts were followed for "
        "unequal times, so the per-client figures are not directly comparable; per year of "
        "follow-up = all employed days / all years of follow-up."),

    # ---- quarterly employment rate -------------------------------------------------------------
    "quarterly_title": L(
        "Työllisyysaste neljännesvuosittain alueittain",
        "Sysselsättningsgrad per kvartal och region",
        "Quarterly employment rate by region"),
    "quarter": L("Neljännes", "Kvartal", "Quarter"),
    "active_n": L("Palvelussa, n", "I tjänsten, n", "In the service, n"),
    "working_n_pct": L("Työssä, n (%)", "I arbete, n (%)", "Working, n (%)"),
    "working_excl_n_pct": L("Työssä ilman palkkatukea, n (%)",
                            "I arbete utan lönesubvention, n (%)",
                            "Working, pay subsidy excluded, n (%)"),
    "incomplete_quarter": L("{quarter} (kesken)", "{quarter} (ofullständigt)",
                            "{quarter} (incomplete)"),
    "quarterly_note": L(
        "Työllisyysaste = neljänneksen aikana vähintään yhden päivän avoimilla "
        "työmarkkinoilla työssä olleet / neljänneksellä palvelussa olleet (IPS Learning "
        "Community). Kesken = neljännes päättyy rajauspäivän jälkeen.",
        "Sysselsättningsgrad = klienter i arbete på öppna arbetsmarknaden minst en dag under "
        "kvartalet / klienter i tjänsten under kvartalet (IPS Learning Community). "
        "Ofullständigt = kvartalet slutar efter brytdatum.",
        "Employment rate = clients who worked in a competitive job on any day of the quarter / "
        "clients in the service during the quarter (IPS Learning Community). Incomplete = the "
        "quarter ends after the cut-off."),

    # ---- 12-month logit ------------------------------------------------------------------------
    "logit_title": L(
        "Työllistymiseen 12 kuukaudessa liittyvät tekijät (logistinen regressio)",
        "Faktorer förknippade med sysselsättning inom 12 månader (logistisk regression)",
        "Factors associated with a competitive job within 12 months (logistic regression)"),
    "or_ci": L("OR (95 %:n LV)", "OR (95 % KI)", "OR (95% CI)"),
    "employed_n": L("Työllistyneitä, n", "Sysselsatta, n", "Employed, n"),
    "logit_note": L(
        "Asiakkaat, joiden aloituksesta oli rajauspäivänä vähintään 12 kk; tulos = avoimien "
        "työmarkkinoiden työ 12 kk:n kuluessa. OR > 1: työllistyminen "
        "todennäköisempää. Täydellisten havaintojen analyysi; puuttuvien tietojen vuoksi pois "
        "jätettiin {excluded} asiakasta.",
        "Klienter som startat minst 12 mån före brytdatum; utfall = arbete på öppna "
        "arbetsmarknaden inom 12 mån. OR > 1: sysselsättning sannolikare. Analys av "
        "fullständiga observationer; {excluded} klienter utelämnades på grund av saknade "
        "uppgifter.",
        "Clients who started at least 12 months before the cut-off; outcome = a competitive "
        "job within 12 months. OR > 1: a job is more likely. Complete-case "
        "analysis; {excluded} clients left out for missing values."),
    "pooled_reference": L(
        "Harvinaiset luokat yhdistetty vertailuryhmään: {variable}: {levels} → {reference}.",
        "Sällsynta kategorier sammanslagna med referensgruppen: {variable}: {levels} → "
        "{reference}.",
        "Sparse levels joined the reference group: {variable}: {levels} → {reference}."),
    "pooled_level": L("muut", "övriga", "other"),
    "pooled_other": L(
        "Harvinaiset luokat yhdistetty luokaksi 'muut': {variable}: {levels}.",
        "Sällsynta kategorier sammanslagna till 'övriga': {variable}: {levels}.",
        "Sparse levels pooled as 'other': {variable}: {levels}."),

    # ---- working or studying at 6/12 months ----------------------------------------------------
    "situation_title": L(
        "Työssä tai opiskelemassa 6 ja 12 kuukauden kyselyssä",
        "I arbete eller studier vid 6 och 12 månaders enkät",
        "Working or studying at the 6- and 12-month surveys"),
    "situation_category": L("Tilanne", "Situation", "Situation"),
    "situation_working_or_studying": L("Työssä tai opiskelee", "Arbetar eller studerar",
                                       "Working or studying"),
    "situation_working": L("Työssä (myös opiskelevat)", "Arbetar (även studerande)",
                           "Working (studying too or not)"),
    "situation_studying": L("Opiskelee (myös työssä olevat)", "Studerar (även arbetande)",
                            "Studying (working too or not)"),
    "situation_answer": L("Vastaus: {label}", "Svar: {label}", "Answer: {label}"),
    "respondents_row": L("Vastanneita, n", "Svarande, n", "Respondents, n"),
    "published_pct": L("THL julkaisi, %", "THL publicerade, %", "Published by THL, %"),
    "situation_note": L(
        "Kyselyn kysymys 'nykyinen tilanne' (1 työssä, 2 opiskelee, 3 molemmat, 4 ei "
        "kumpaakaan); osuudet vastanneista, Wilsonin 95 %:n luottamusväli. THL:n tiedote "
        "15.1.2024: vuoden seurannassa 55 % oli työssä tai opiskelemassa.",
        "Enkätfrågan 'nuvarande situation' (1 arbetar, 2 studerar, 3 båda, 4 ingetdera); "
        "andelar av de svarande, Wilsons 95 % konfidensintervall. THL:s meddelande 15.1.2024: "
        "vid ett års uppföljning arbetade eller studerade 55 %.",
        "The survey's 'current situation' (1 working, 2 studying, 3 both, 4 neither); shares "
        "of the respondents, Wilson 95% confidence interval. THL's news of 15.1.2024: at the "
        "one-year follow-up 55% were working or studying."),

    # ---- satisfaction ----------------------------------------------------------------------------
    "satisfaction_title": L(
        "Tyytyväisyys IPS-palveluun 6 ja 12 kuukauden kyselyssä",
        "Nöjdhet med IPS-tjänsten vid 6 och 12 månaders enkät",
        "Satisfaction with the IPS service at the 6- and 12-month surveys"),
    "satisfaction_note": L(
        "Samaa mieltä = jokseenkin tai täysin samaa mieltä (4–5) asteikolla 1–5; osuus "
        "kysymykseen vastanneista ('en osaa sanoa' ei vastaus).",
        "Av samma åsikt = delvis eller helt av samma åsikt (4–5) på skalan 1–5; andel av dem "
        "som besvarade frågan ('kan inte säga' räknas inte som svar).",
        "Agree = somewhat or fully agree (4–5) on the 1–5 scale; share of those who answered "
        "the item ('don't know' is no answer)."),

    # ---- attrition ---------------------------------------------------------------------------
    "attrition_title": L(
        "Kadon arviointi: seurantakyselyyn vastanneet ja vastaamatta jättäneet alkutilanteessa",
        "Bortfall: de som besvarade och inte besvarade uppföljningsenkäten vid start",
        "Attrition: baseline characteristics of those who answered the follow-up survey and "
        "those who did not"),
    "answered": L("Vastasi", "Svarade", "Answered"),
    "not_answered": L("Ei vastannut", "Svarade inte", "Did not answer"),
    "followup_wave": L("Seurantakysely {n} kk", "Uppföljningsenkät {n} mån",
                       "Follow-up survey at {n} months"),
    "clients_row": L("Asiakkaita, n", "Klienter, n", "Clients, n"),
    "overall_smd": L("Koko muuttuja (SMD)", "Hela variabeln (SMD)", "Whole characteristic (SMD)"),
    "baseline_score": L("{instrument}, alkumittaus", "{instrument}, startmätning",
                        "{instrument}, baseline"),
    "attrition_note": L(
        "Alkukyselyyn vastanneet, joiden seurantaikkuna oli sulkeutunut rajauspäivään "
        "mennessä. Jatkuvista muuttujista keskiarvo (SD), luokitelluista n (%) tiedon "
        "antaneista. SMD = vastanneet − ei vastanneet; luokan SMD osuuksista, koko muuttujan "
        "Yangin ja Daltonin SMD. Yli 0,1 viittaa eroon.",
        "Klienter som besvarade startenkäten och vars uppföljningsfönster stängts före "
        "brytdatum. Kontinuerliga variabler medelvärde (SD), kategoriska n (%) av dem med "
        "uppgift. SMD = svarade − svarade inte; för en kategori av andelarna, för hela "
        "variabeln Yangs och Daltons SMD. Över 0,1 tyder på en skillnad.",
        "Baseline responders whose follow-up window had closed by the cut-off. Continuous "
        "characteristics mean (SD), categorical n (%) of those with the value known. SMD = "
        "answered − not answered; for a level from the shares, for the whole characteristic "
        "Yang and Dalton's SMD. Above 0.1 suggests a difference."),
}
