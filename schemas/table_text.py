"""Texts of the publication tables and the report page in fi/sv/en: titles, column headers,
footnotes and notes that are not variable or value labels. Variable and value labels come from
``schemas.codebook`` and ``schemas.analysis``; everything a table prints besides them and the
numbers is here, in one place, so a wording is corrected once for every table and language.

Texts may hold ``str.format`` fields (``{n}``, ``{date}``); :func:`text` fills them. Titles carry
no number: the catalogue's order numbers the tables (``table_number``). The outcome tables'
texts live in ``schemas/table_text_outcomes.py``, the report's reading aids in
``schemas/report_text.py``; both are merged here.
"""

from __future__ import annotations

from schemas.codebook import L, Label, Lang, filled_text
from schemas.report_text import REPORT_TEXT
from schemas.table_text_outcomes import OUTCOME_TEXT
from schemas.windows import SIX_MONTHS_DAYS, TWELVE_MONTHS_DAYS


def _days(value: float, lang: Lang) -> str:
    """A window's length in days as the language writes a decimal (a comma in fi and sv)."""
    text = f"{value:g}"
    return text if lang == "en" else text.replace(".", ",")


_6, _12 = ({lang: _days(d, lang) for lang in ("fi", "sv", "en")}
           for d in (SIX_MONTHS_DAYS, TWELVE_MONTHS_DAYS))

TEXT: dict[str, Label] = {
    # ---- shared -----------------------------------------------------------------------------
    "source_note": L(
        "Lähde: IPS – Sijoita ja valmenna! -hankkeen arviointiaineisto (THL). "
        "Rajauspäivä: {cutoffs}. Aineisto: {files} toimitustiedostoa, versio {version}.",
        "Källa: utvärderingsdata för projektet IPS – Sijoita ja valmenna! (THL). "
        "Brytdatum: {cutoffs}. Data: {files} leveransfiler, version {version}.",
        "Source: evaluation data of the IPS – Sijoita ja valmenna! project (THL). "
        "Cut-off: {cutoffs}. Data: {files} delivery files, version {version}."),
    "no_data_yet": L(
        "Ei vielä tietoja: toimitetuissa aineistoissa ei ole tämän taulukon havaintoja "
        "(esimerkiksi seurantakyselyt, työsuhteet tai rekisteriotteet puuttuvat vielä).",
        "Inga uppgifter ännu: leveranserna innehåller inga observationer för denna tabell "
        "(till exempel uppföljningsenkäter, anställningar eller registerutdrag saknas ännu).",
        "No data yet: the deliveries hold no observations for this table (for example, "
        "follow-up surveys, jobs or register extracts have not been delivered yet)."),
    "not_fitted_no_rows": L(
        "{what}: mallia ei sovitettu, koska havaintoja ei vielä ole.",
        "{what}: modellen skattades inte eftersom det ännu inte finns några observationer.",
        "{what}: the model was not fitted because there are no observations yet."),
    "not_fitted_no_events": L(
        "{what}: mallia ei sovitettu, koska tapahtumia ei vielä ole ({detail}).",
        "{what}: modellen skattades inte eftersom det ännu inte finns några händelser "
        "({detail}).",
        "{what}: the model was not fitted because there are no events yet ({detail})."),
    "not_fitted_few_rows": L(
        "{what}: mallia ei sovitettu, koska havaintoja on liian vähän ({detail}).",
        "{what}: modellen skattades inte eftersom det finns för få observationer ({detail}).",
        "{what}: the model was not fitted because there are too few observations ({detail})."),
    "not_fitted_failed": L(
        "{what}: mallia ei voitu sovittaa näillä tiedoilla ({detail}).",
        "{what}: modellen kunde inte skattas med dessa data ({detail}).",
        "{what}: the model could not be fitted to these data ({detail})."),
    "suppression_note": L(
        ".. = salassapidettävä: alle 5 henkilön lukumäärä, siitä laskettu tunnusluku tai "
        "täydentävä luku, josta pieni luku voitaisiin päätellä.",
        ".. = konfidentiellt: ett antal under 5 personer, ett mått beräknat på det eller ett "
        "kompletterande tal som skulle röja ett litet antal.",
        ".. = confidential: a count under 5 persons, a figure computed from one, or a "
        "complementary count from which a small count could be worked out."),
    "ci_note": L("LV = luottamusväli.", "KI = konfidensintervall.", "CI = confidence interval."),
    "months_note": L(
        f"6 ja 12 kuukautta = {_6['fi']} ja {_12['fi']} päivää aloituspäivästä "
        "(yhteistyösopimus).",
        f"6 och 12 månader = {_6['sv']} och {_12['sv']} dagar från startdatum (samarbetsavtal).",
        f"6 and 12 months = {_6['en']} and {_12['en']} days from the index date (cooperation "
        "agreement)."),
    "all": L("Kaikki", "Alla", "All"),
    "n": L("n", "n", "n"),
    "n_header": L("n = {n}", "n = {n}", "n = {n}"),
    "n_pct": L("n (%)", "n (%)", "n (%)"),
    "pct_ci": L("% (95 %:n LV)", "% (95 % KI)", "% (95% CI)"),
    "est_ci": L("Estimaatti (95 %:n LV)", "Skattning (95 % KI)", "Estimate (95% CI)"),
    "p": L("p", "p", "p"),
    "months_6": L("6 kk", "6 mån", "6 months"),
    "months_12": L("12 kk", "12 mån", "12 months"),
    "cohort": L("Kohortti", "Kohort", "Cohort"),
    "region": L("Alue", "Region", "Region"),
    "team": L("Tiimi", "Team", "Team"),
    "yes": L("Kyllä", "Ja", "Yes"),
    "no": L("Ei", "Nej", "No"),

    # ---- Table 1: baseline ------------------------------------------------------------------
    "baseline_title": L(
        "Asiakkaiden taustatiedot aloitettaessa kohorteittain",
        "Klienternas bakgrund vid start per kohort",
        "Baseline characteristics of the clients by cohort"),
    "baseline_stubhead": L("Taustatieto", "Bakgrundsvariabel", "Characteristic"),
    "category": L("Luokka tai tunnusluku", "Kategori eller mått", "Category or statistic"),
    "mean_sd": L("keskiarvo (SD)", "medelvärde (SD)", "mean (SD)"),
    "median_iqr": L("mediaani [Q1; Q3]", "median [Q1; Q3]", "median [Q1, Q3]"),
    "missing": L("Tieto puuttuu", "Uppgift saknas", "Missing"),
    "smd": L("SMD", "SMD", "SMD"),
    "smd_note": L(
        "SMD = vakioitu keskiarvojen ero kohorttien välillä (ilman puuttuvia tietoja); "
        "luokitelluille muuttujille Yangin ja Daltonin (2012) moniluokkainen SMD. Yli 0,1 "
        "tulkitaan usein merkittäväksi eroksi.",
        "SMD = standardiserad skillnad mellan kohorterna (utan saknade uppgifter); för "
        "kategoriska variabler Yangs och Daltons (2012) SMD för flera kategorier. Över 0,1 "
        "tolkas ofta som en betydande skillnad.",
        "SMD = standardised mean difference between the cohorts (missing values left out); for "
        "categorical characteristics the multi-category SMD of Yang and Dalton (2012). Values "
        "above 0.1 are often read as a meaningful difference."),
    "baseline_pct_note": L(
        "Luokitelluista muuttujista n (%), osuus kaikista kohortin asiakkaista (tieto puuttuu "
        "-rivi mukaan lukien).",
        "För kategoriska variabler n (%), andel av alla klienter i kohorten (inklusive raden "
        "uppgift saknas).",
        "Categorical characteristics: n (%), share of all clients of the cohort (the missing "
        "row included)."),

    # ---- employment outcomes ----------------------------------------------------------------
    "employment_title": L(
        "Työllistyminen avoimille työmarkkinoille kohorteittain: julkaistu "
        "raakaosuus ja yhtä pitkän seurannan kumulatiivinen ilmaantuvuus",
        "Sysselsättning på den öppna arbetsmarknaden per kohort: publicerad rå andel "
        "och kumulativ incidens vid lika lång uppföljning",
        "Employment in competitive jobs by cohort: the crude share as published and "
        "the cumulative incidence at equal follow-up"),
    "cutoff_date": L("Rajauspäivä", "Brytdatum", "Cut-off date"),
    "followup_median": L("Seuranta-aika rajauspäivään, mediaani (kk)",
                         "Uppföljningstid till brytdatum, median (mån)",
                         "Time since start at the cut-off, median (months)"),
    "started": L("Aloittaneet, n", "Startade, n", "Started, n"),
    "employed": L("Työllistyneet, n (%)", "Sysselsatta, n (%)", "Employed, n (%)"),
    "employed_excl_subsidy": L("Ilman palkkatukea, n (%)", "Utan lönesubvention, n (%)",
                               "Excluding pay subsidy, n (%)"),
    "crude_spanner": L("Raakaosuus (kuten julkaistu)", "Rå andel (som publicerad)",
                       "Crude share (as published)"),
    "cif_spanner": L("Yhtä pitkä seuranta: kumulatiivinen ilmaantuvuus, % (95 %:n LV)",
                     "Lika lång uppföljning: kumulativ incidens, % (95 % KI)",
                     "Equal follow-up: cumulative incidence, % (95% CI)"),
    "at_risk_12": L("Riskijoukko 12 kk, n", "I riskmängden 12 mån, n", "At risk at 12 months, n"),
    "published_row": L("{cohort}, julkaistu {date}", "{cohort}, publicerad {date}",
                       "{cohort}, published {date}"),
    "trap_note": L(
        "Raakaosuudet ('työllistyneitä kaikista aloittaneista') eivät ole vertailukelpoisia "
        "kohorttien välillä: rajauspäivänä pilottien asiakkaita oli seurattu jopa kolme vuotta, "
        "RRP-asiakkaita vain muutamia kuukausia. Kohortteja verrataan ensimmäisen työn "
        "kumulatiivisella ilmaantuvuudella 6 ja 12 kuukauden kohdalla (Aalen–Johansen; palvelun "
        "päättyminen ilman työtä kilpailevana tapahtumana).",
        "De råa andelarna ('sysselsatta av alla som startat') är inte jämförbara mellan "
        "kohorterna: vid brytdatum hade pilotklienterna följts i upp till tre år, RRP-klienterna "
        "bara några månader. Kohorterna jämförs med den kumulativa incidensen av första arbete "
        "vid 6 och 12 månader (Aalen–Johansen; avslutad tjänst utan arbete som konkurrerande "
        "händelse).",
        "The crude shares ('employed of all who started') are not comparable between the "
        "cohorts: on the cut-off date the pilot clients had been followed for up to three "
        "years, the RRP clients for a few months only. The cohorts are compared by the "
        "cumulative incidence of a first job at 6 and 12 months (Aalen–Johansen; the service "
        "ending without a job as the competing event)."),
    "competitive_note": L(
        "Työ = avoimien työmarkkinoiden palkkatyö, joka alkoi aloituspäivänä tai sen jälkeen "
        "ja viimeistään rajauspäivänä; palkkatuetut työt mukana, ja erikseen ilman niitä.",
        "Arbete = avlönat arbete på den öppna arbetsmarknaden som började på eller efter "
        "startdatum och senast på brytdatum; arbeten med lönesubvention ingår, och separat "
        "utan dem.",
        "Job = a paid job on the open labour market starting on or after the index date and "
        "on or before the cut-off; pay-subsidised jobs count, and are also shown left out."),
    "difference_row": L("Ero: pilotit − RRP, %-yksikköä (95 %:n LV)",
                        "Skillnad: piloter − RRP, procentenheter (95 % KI)",
                        "Difference: pilots − RRP, percentage points (95% CI)"),
    "difference_note": L(
        "Ero: kohorttien kumulatiivisten ilmaantuvuuksien erotus, varianssina kohorttien "
        "Aalen–Johansen-varianssien summa (riippumattomat kohortit). Grayn testi "
        "kumulatiivisten ilmaantuvuuskäyrien yhtäsuuruudelle: p = {p}.",
        "Skillnad: skillnaden mellan kohorternas kumulativa incidens, med summan av "
        "kohorternas Aalen–Johansen-varianser (oberoende kohorter). Grays test av lika "
        "kumulativa incidenskurvor: p = {p}.",
        "Difference: the difference between the cohorts' cumulative incidences, its variance "
        "the sum of the cohorts' Aalen–Johansen variances (independent cohorts). Gray's test "
        "of equal cumulative incidence curves: p = {p}."),
    "few_at_risk_note": L(
        "{mark} Alle {n} henkilöä vielä riskijoukossa tällä ajanhetkellä: estimaatti on "
        "epätarkka.",
        "{mark} Färre än {n} personer kvar i riskmängden vid denna tidpunkt: skattningen är "
        "osäker.",
        "{mark} Fewer than {n} people still at risk at this time: the estimate is imprecise."),
    "published_row_note": L(
        "Kumulatiivinen ilmaantuvuus on laskettu kohortin analyysin rajauspäivään.",
        "Den kumulativa incidensen är beräknad till kohortens analysbrytdatum.",
        "The cumulative incidence is estimated at the cohort's analysis cut-off."),

    # ---- job tenure -------------------------------------------------------------------------
    "tenure_title": L(
        "Työsuhteiden kesto (Kaplan–Meier)",
        "Anställningarnas längd (Kaplan–Meier)",
        "Job tenure (Kaplan–Meier)"),
    "jobs_n": L("Työsuhteita, n", "Anställningar, n", "Jobs, n"),
    "ended_n": L("Päättyneitä, n", "Avslutade, n", "Ended, n"),
    "still_spanner": L("Työsuhde jatkuu, % (95 %:n LV)", "Anställningen fortsätter, % (95 % KI)",
                       "Still in the job, % (95% CI)"),
    "median_months": L("Mediaanikesto, kk (95 %:n LV)", "Medianlängd, mån (95 % KI)",
                       "Median tenure, months (95% CI)"),
    "rmst_months": L("RMST 12 kk, kk", "RMST 12 mån, mån", "RMST to 12 months, months"),
    "tenure_note": L(
        "Työsuhde, joka päättyy viimeistään rajauspäivänä, on päättynyt. Muut sensuroidaan "
        "rajauspäivänä tai, jos loppupäivää ei ole ja palvelu päättyi, palvelun päättyessä.",
        "En anställning som slutar senast på brytdatum har avslutats. Övriga censureras vid "
        "brytdatum eller, utan slutdatum och om tjänsten avslutades, då tjänsten avslutades.",
        "A job ending on or before the cut-off has ended. Others are censored at the cut-off "
        "or, without an end date when the service ended, at the end of the service."),
    "analysis_role": L("{analysis} ({role})", "{analysis} ({role})", "{analysis} ({role})"),
    "primary_analysis": L("ensisijainen analyysi", "primär analys", "primary analysis"),
    "sensitivity_analysis": L("herkkyysanalyysi", "känslighetsanalys", "sensitivity analysis"),
    "tenure_roles_note": L(
        "Ensisijainen analyysi: ensimmäinen työsuhde tulorekisterillä täydennettynä (työsuhde, "
        "jonka seuranta päättyi palvelun päättyessä, jatkuu niin kauan kuin samalta "
        "työnantajalta on maksettu palkkaa). Herkkyysanalyysi: sama ilman tulorekisteriä, "
        "sensuroituna palvelun päättyessä.",
        "Primär analys: första anställningen kompletterad med inkomstregistret (en anställning "
        "vars uppföljning slutade när tjänsten avslutades fortsätter så länge samma "
        "arbetsgivare har betalat lön). Känslighetsanalys: densamma utan inkomstregistret, "
        "censurerad när tjänsten avslutades.",
        "Primary analysis: the first job augmented with the Incomes Register (a job whose "
        "follow-up ended when the service ended runs on while the same employer paid wages). "
        "Sensitivity analysis: the same without the register, censored when the service "
        "ended."),
    "rmst_note": L(
        f"RMST = rajattu keskimääräinen kesto 12 kuukauden ({_12['fi']} päivän) aikarajaan asti. "
        "Mediaani puuttuu, kun alle puolet työsuhteista on päättynyt.",
        f"RMST = begränsad medellängd upp till 12 månader ({_12['sv']} dagar). Medianen saknas när "
        "under hälften av anställningarna har avslutats.",
        f"RMST = restricted mean tenure up to 12 months ({_12['en']} days). "
        "The median is empty when fewer than half of the jobs have ended."),

    # ---- Cox ---------------------------------------------------------------------------------
    "cox_title": L(
        "Työsuhteen päättymiseen liittyvät tekijät (Coxin malli)",
        "Faktorer förknippade med att anställningen slutar (Cox-modell)",
        "Factors associated with a job ending (Cox model)"),
    "term": L("Muuttuja", "Variabel", "Term"),
    "analysis": L("Analyysi", "Analys", "Analysis"),
    "intercept": L("Vakiotermi", "Intercept", "Intercept"),
    "hr_ci": L("HR (95 %:n LV)", "HR (95 % KI)", "HR (95% CI)"),
    "events_n": L("Päättyneitä, n", "Händelser, n", "Events, n"),
    "ph_test": L("PH-testi, p", "PH-test, p", "PH test, p"),
    "cox_note": L(
        "HR > 1: työsuhde päättyy todennäköisemmin. Efronin menetelmä tasatilanteille; kaikkien "
        "työsuhteiden mallissa asiakkaittain klusteroidut robustit keskivirheet. PH-testi = "
        "suhteellisten riskien oletuksen testi muuttujittain (Schoenfeldin residuaalit), R:n "
        "cox.zph(transform = \"rank\"). Täydellisten havaintojen analyysi.",
        "HR > 1: anställningen slutar sannolikare. Efrons metod för lika tider; i modellen för "
        "alla anställningar robusta standardfel klustrade per klient. PH-test = test av "
        "antagandet om proportionella risker per variabel (Schoenfeld-residualer), R:s "
        "cox.zph(transform = \"rank\"). Analys av fullständiga observationer.",
        "HR > 1: the job is more likely to end. Efron's method for ties; in the all-jobs model "
        "robust standard errors clustered by client. PH test = test of proportional hazards "
        "per term (Schoenfeld residuals), R's cox.zph(transform = \"rank\"). Complete-case "
        "analysis."),
    "ph_global_note": L(
        "Suhteellisten riskien oletuksen globaali testi, p (rank-muunnos; R:n oletusmuunnos "
        "transform = \"km\"): {tests}.",
        "Globalt test av antagandet om proportionella risker, p (rank-transformation; R:s "
        "standardtransformation transform = \"km\"): {tests}.",
        "Global test of proportional hazards, p (rank transform; R's default "
        "transform = \"km\"): {tests}."),
    "ph_global_model": L("{analysis} {rank} ({km})", "{analysis} {rank} ({km})",
                         "{analysis} {rank} ({km})"),
    "competing_title": L(
        "Ensimmäiseen työhön liittyvät tekijät kilpailevin riskein "
        "(syykohtainen Coxin malli ja Fine–Grayn malli)",
        "Faktorer förknippade med det första arbetet med konkurrerande risker "
        "(orsaksspecifik Cox-modell och Fine–Gray-modell)",
        "Factors associated with a first job under competing risks (cause-specific "
        "Cox and Fine–Gray models)"),
    "model": L("Malli", "Modell", "Model"),
    "model_cause_specific": L("Syykohtainen Coxin malli", "Orsaksspecifik Cox-modell",
                              "Cause-specific Cox model"),
    "model_fine_gray": L("Fine–Grayn malli (alajakauman riskit)",
                         "Fine–Gray-modell (subdistributionsrisker)",
                         "Fine–Gray model (subdistribution hazards)"),
    "first_jobs_n": L("Ensimmäisiä töitä, n", "Första arbeten, n", "First jobs, n"),
    "competing_note": L(
        "HR > 1: ensimmäinen työ löytyy nopeammin (syykohtainen malli: palvelun päättyminen "
        "ilman työtä sensuroituna) tai todennäköisemmin (Fine–Gray: kumulatiivinen "
        "ilmaantuvuus, palvelun päättyminen kilpailevana tapahtumana; R:n survival::finegray + "
        "coxph painoin, robustit keskivirheet). Efronin menetelmä tasatilanteille; "
        "täydellisten havaintojen analyysi.",
        "HR > 1: det första arbetet hittas snabbare (orsaksspecifik modell: avslutad tjänst "
        "utan arbete censurerad) eller sannolikare (Fine–Gray: kumulativ incidens, avslutad "
        "tjänst som konkurrerande händelse; R:s survival::finegray + coxph med vikter, robusta "
        "standardfel). Efrons metod för lika tider; analys av fullständiga observationer.",
        "HR > 1: a first job comes sooner (cause-specific model: the service ending without a "
        "job censored) or more likely (Fine–Gray: cumulative incidence, the service ending as "
        "the competing event; R's survival::finegray + coxph with weights, robust standard "
        "errors). Efron's method for ties; complete-case analysis."),
    "reference_levels": L("Vertailuryhmät: {levels}.", "Referensgrupper: {levels}.",
                          "Reference groups: {levels}."),

    # ---- change scores ------------------------------------------------------------------------
    "change_title": L(
        "Muutos mittareissa alkutilanteesta 6 ja 12 kuukauteen",
        "Förändring i instrumenten från start till 6 och 12 månader",
        "Change in the outcome measures from baseline to 6 and 12 months"),
    "contrast": L("Vertailu", "Jämförelse", "Contrast"),
    "group": L("Ryhmä", "Grupp", "Group"),
    "baseline_mean": L("Alku, ka", "Start, medel", "Baseline, mean"),
    "followup_mean": L("Seuranta, ka", "Uppföljning, medel", "Follow-up, mean"),
    "mean_change": L("Muutos (95 %:n LV)", "Förändring (95 % KI)", "Change (95% CI)"),
    "effect_size": L("Vaikutuskoko", "Effektstorlek", "Effect size"),
    "improved": L("Parantui luotettavasti, %", "Reliabel förbättring, %", "Reliably improved, %"),
    "deteriorated": L("Heikkeni luotettavasti, %", "Reliabel försämring, %",
                      "Reliably deteriorated, %"),
    "change_note": L(
        "Muutos = seuranta − alku asiakkailla, joilta on molemmat mittaukset. Vaikutuskoko = "
        "muutoksen keskiarvo / muutoksen keskihajonta (Cohenin d_z). Luotettava muutos "
        "Jacobsonin ja Truaxin RCI:llä (alkumittauksen hajonta ja Cronbachin alfa); "
        "yksittäisille kysymyksille vain keskimääräinen muutos.",
        "Förändring = uppföljning − start för klienter med båda mätningarna. Effektstorlek = "
        "medelförändring / förändringens standardavvikelse (Cohens d_z). Reliabel förändring "
        "med Jacobsons och Truax RCI (startens standardavvikelse och Cronbachs alfa); för "
        "enskilda frågor endast medelförändring.",
        "Change = follow-up − baseline for clients with both. Effect size = mean change / SD "
        "of the change (Cohen's d_z). Reliable change by the Jacobson–Truax RCI (baseline SD and "
        "Cronbach's alpha); single items: mean change only."),
    "health_direction_note": L(
        "Koettu terveys: 1 = erittäin hyvä … 5 = erittäin huono, joten pienempi arvo ja "
        "negatiivinen muutos ovat parempia.",
        "Självskattad hälsa: 1 = mycket bra … 5 = mycket dålig, så ett lägre värde och en "
        "negativ förändring är bättre.",
        "Self-rated health: 1 = very good … 5 = very poor, so a lower value and a negative "
        "change are better."),
    "waves_note": L(
        "Aalto vastauspäivän mukaan: alku −30…+30, 6 kk +120…+240, 12 kk +300…+450 päivää "
        "aloituksesta.",
        "Omgång enligt svarsdatum: start −30…+30, 6 mån +120…+240, 12 mån +300…+450 dagar "
        "från start.",
        "Wave by the answer date: baseline −30…+30, 6 months +120…+240, 12 months +300…+450 "
        "days from the index date."),
    "had_job": L("Työssä seurannan aikana: {value}", "I arbete under uppföljningen: {value}",
                 "Had a competitive job: {value}"),

    # ---- mixed models --------------------------------------------------------------------------
    "mixed_title": L(
        "Mittarien muutos kaikilla mittauskerroilla (lineaarinen sekamalli)",
        "Förändring i instrumenten över alla mättillfällen (linjär blandad modell)",
        "Change in the outcome measures over all waves (linear mixed model)"),
    "clients_n": L("Asiakkaita, n", "Klienter, n", "Clients, n"),
    "obs_n": L("Havaintoja, n", "Observationer, n", "Observations, n"),
    "converged": L("Konvergoi", "Konvergerade", "Converged"),
    "instrument": L("Mittari", "Instrument", "Measure"),
    "term_wave6": L("6 kk (vs. alku)", "6 mån (vs. start)", "6 months (vs. baseline)"),
    "term_wave12": L("12 kk (vs. alku)", "12 mån (vs. start)", "12 months (vs. baseline)"),
    "term_rrp": L("RRP-kohortti (vs. pilotit)", "RRP-kohort (vs. piloter)",
                  "RRP cohort (vs. pilots)"),
    "term_employed": L("Työssä vastauspäivänä", "I arbete på svarsdagen",
                       "In a job on the answer date"),
    "mixed_primary": L("ensisijainen malli", "primär modell", "primary model"),
    "mixed_secondary": L("toissijainen malli: työssäolo ajassa muuttuvana",
                         "sekundär modell: arbete som tidsberoende variabel",
                         "secondary model: employment time-varying"),
    "term_female": L("Nainen", "Kvinna", "Female"),
    "term_var_client": L("Varianssi: asiakas", "Varians: klient", "Variance: client"),
    "term_var_residual": L("Varianssi: jäännös", "Varians: residual", "Variance: residual"),
    "mixed_note": L(
        "Satunnainen vakiotermi asiakkaittain; kaikki saatavilla olevat mittauskerrat, myös "
        "asiakkailta, joilta puuttuu jokin aalto. REML; kiinteiden vaikutusten keskivirheet "
        "(X′V⁻¹X)⁻¹:stä kuten lme4. Ensisijaisessa mallissa ei ole työssäoloa (se on "
        "alkutilanteen jälkeinen välittävä tekijä), joten aaltotermit ovat kokonaismuutos; "
        "toissijainen malli lisää työssäolon vastauspäivänä.",
        "Slumpmässigt intercept per klient; alla tillgängliga mättillfällen, även för klienter "
        "som saknar någon omgång. REML; de fixa effekternas standardfel ur (X′V⁻¹X)⁻¹ som i "
        "lme4. Den primära modellen saknar arbete (en mediator efter start), så "
        "omgångstermerna är den totala förändringen; den sekundära modellen lägger till arbete "
        "på svarsdagen.",
        "Random intercept per client; all available waves, also of clients with a missing "
        "wave. REML; fixed-effect standard errors from (X′V⁻¹X)⁻¹ as lme4. The primary model "
        "leaves employment out (a mediator after baseline), so its wave terms are the total "
        "change; the secondary model adds being in a job on the answer date."),

    # ---- regions and fidelity -----------------------------------------------------------------
    "regions_title": L(
        "Alueet ja tiimit: IPS-25-menetelmäuskollisuus ja työllistyminen",
        "Regioner och team: IPS-25-metodtrohet och sysselsättning",
        "Regions and teams: IPS-25 fidelity and employment"),
    "clients_started": L("Aloittaneet, n", "Startade, n", "Started, n"),
    "window_12": L("12 kk seuranta, n", "12 mån uppföljning, n", "With 12 months' follow-up, n"),
    "employed_12": L("Työllistyi 12 kk:ssa, n (%)", "Sysselsatt inom 12 mån, n (%)",
                     "Employed within 12 months, n (%)"),
    "quarterly_rate": L("Neljännesvuosittainen työllisyysaste, %",
                        "Sysselsättningsgrad per kvartal, %", "Quarterly employment rate, %"),
    "fidelity_total": L("IPS-25 pisteet", "IPS-25 poäng", "IPS-25 total"),
    "fidelity_band": L("Taso", "Nivå", "Band"),
    "review_date": L("Arviointipäivä", "Bedömningsdatum", "Review date"),
    "fidelity_spanner": L("Menetelmäuskollisuus (viimeisin arvio)",
                          "Metodtrohet (senaste bedömning)", "Fidelity (latest review)"),
    "employment_spanner": L("Työllistyminen", "Sysselsättning", "Employment"),
    "regions_note": L(
        "IPS-25: 115–125 erinomainen, 100–114 hyvä, 74–99 kohtalainen, ≤ 73 ei IPS. Alueen "
        "pisteet = sen tiimien viimeisimpien arvioiden keskiarvo. Työllistyminen 12 kk:ssa = "
        f"avoimien työmarkkinoiden työ {_12['fi']} päivän kuluessa asiakkailla, "
        "joiden aloituksesta oli rajauspäivänä vähintään 12 kk. "
        "Neljännesvuosittainen työllisyysaste = neljänneksellä työssä olleet / palvelussa "
        "olleet, kaikki neljännekset yhteensä.",
        "IPS-25: 115–125 utmärkt, 100–114 god, 74–99 måttlig, ≤ 73 inte IPS. Regionens poäng "
        "= medeltalet av dess teams senaste bedömningar. Sysselsatt inom 12 mån = arbete på "
        f"öppna arbetsmarknaden inom {_12['sv']} dagar bland klienter som startat "
        "minst 12 mån före brytdatum. Sysselsättningsgrad per kvartal = i arbete under "
        "kvartalet / i tjänsten, alla kvartal sammanlagt.",
        "IPS-25: 115–125 exemplary, 100–114 good, 74–99 fair, ≤ 73 not IPS. A region's total "
        "is the mean of its teams' latest reviews. Employed within 12 months = a competitive job "
        f"within {_12['en']} days, among clients who started at least 12 months "
        "before the cut-off. Quarterly employment rate = clients working in the quarter / "
        "clients in the service, all quarters pooled."),
    "region_total": L("{region} yhteensä", "{region} totalt", "{region} total"),

    # ---- register ------------------------------------------------------------------------------
    "register_title": L(
        "Rekisteritilat ja ansiot kuukausina ennen ja jälkeen aloituksen",
        "Registerstatus och inkomster månaderna före och efter start",
        "Register states and earnings in the months before and after the start"),
    "rel_month": L("Kuukausi aloituksesta", "Månad från start", "Month from the start"),
    "persons_n": L("Henkilöitä, n", "Personer, n", "Persons, n"),
    "mean_earnings": L("Ansiot, ka €/kk", "Inkomster, medel €/mån", "Earnings, mean EUR/month"),
    "states_spanner": L("Päätila, n (%)", "Huvudstatus, n (%)", "Main state, n (%)"),
    "register_note": L(
        "Päätila kuukaudessa, ensimmäinen voimassa oleva: työssä (ansioita > 0), "
        "työkyvyttömyyseläke, sairaus- tai kuntoutusetuus, opiskelija, työtön, muu. Kuukausi "
        "0 = aloituskuukausi. Rekisterilinkitykseen suostuneet asiakkaat.",
        "Huvudstatus i månaden, den första som gäller: i arbete (inkomster > 0), "
        "invalidpension, sjuk- eller rehabiliteringsförmån, studerande, arbetslös, annat. "
        "Månad 0 = startmånaden. Klienter som samtyckt till registerlänkning.",
        "Main state of the month, the first that holds: employed (earnings > 0), disability "
        "pension, sickness or rehabilitation benefit, student, unemployed, other. Month 0 = "
        "the month of the start. Clients who consented to register linkage."),

    # ---- register effect (docs/methods.md §Register effect, §Transitions) ------------------------
    "effect_title": L(
        "IPS:n vaikutus rekisteritietoihin: asiakkaat ja kaltaistettu vertailuryhmä",
        "Effekten av IPS i registeruppgifter: klienter och matchad jämförelsegrupp",
        "The effect of IPS in the registers: clients and a matched comparison group"),
    "effect_outcome": L("Tulosmuuttuja", "Utfallsmått", "Outcome"),
    "effect_method": L("Menetelmä", "Metod", "Method"),
    # "Month +6", not "+6 months": a header may not begin with "+" (a spreadsheet would take it
    # for a formula, and ips_eval.outputs.defuse_formula would escape it)
    "effect_month": L("Kuukausi {m} (95 %:n LV)", "Månad {m} (95 % KI)", "Month {m} (95% CI)"),
    "effect_clients": L("Asiakkaita, n ({m} kk)", "Klienter, n ({m} mån)",
                        "Clients, n ({m} months)"),
    "effect_matched": L("Kaltaistettu (ATT)", "Matchad (ATT)", "Matched (ATT)"),
    "effect_matched_did": L("Kaltaistettu, erotusten erotus", "Matchad, skillnad i skillnader",
                            "Matched, difference in differences"),
    "effect_naive": L("Vakioimaton vertailu", "Ojusterad jämförelse", "Naive comparison"),
    "outcome_employed": L("Työssä (osuus, %-yks.)", "I arbete (andel, %-enh.)",
                          "Employed (share, %-points)"),
    "outcome_earnings_eur": L("Ansiot, €/kk", "Inkomster, €/mån", "Earnings, EUR/month"),
    "outcome_benefits_eur": L("Etuudet, €/kk", "Förmåner, €/mån", "Benefits, EUR/month"),
    "effect_note": L(
        "Kuukausi 0 = aloituskuukausi. Kukin asiakas kaltaistettiin {k} lähimpään "
        "vertailuhenkilöön (ei asiakkaita) samana kuukautena: sama sukupuoli, päätila "
        "edellisenä kuukautena ja työssäolon kuvio 24 edeltävän kuukauden puolivuosijaksoissa; "
        "propensiteettipistemäärän logit (ajoitetut rekisterimuuttujat jopa 36 kuukaudelta) "
        "enintään 0,2 SD:n päässä, palauttaen. ATT = asiakkaiden ja heidän "
        "vertailuhenkilöidensä ero. LV henkilöittäin klusteroiduista robusteista "
        "keskivirheistä. Erotusten erotus vähentää kunkin henkilön keskiarvon kuukausilta "
        "−12…−1. Vakioimaton: ero kaikkiin vertailuhenkilöihin samana kalenterikuukautena.",
        "Månad 0 = startmånaden. Varje klient matchades med de {k} närmaste "
        "jämförelsepersonerna (inga klienter) samma månad: samma kön, huvudstatus föregående "
        "månad och sysselsättningsmönster i halvårsperioderna under de 24 föregående "
        "månaderna; propensitetspoängens logit (tidsbestämda registervariabler från upp till "
        "36 månader) högst 0,2 SD bort, med återläggning. ATT = skillnaden mellan klienterna "
        "och deras jämförelsepersoner. KI från robusta, per person klustrade medelfel. "
        "Skillnad i skillnader drar av varje persons medelvärde för månaderna −12…−1. "
        "Ojusterad: skillnaden mot alla jämförelsepersoner samma kalendermånad.",
        "Month 0 = the month of the start. Each client was matched to the {k} nearest "
        "comparison persons (no clients) in the same month: same sex, main state in the month "
        "before and employment pattern over the half-years of the 24 months before; logit of "
        "the propensity score (timed register covariates over up to 36 months) within 0.2 SD, "
        "with replacement. ATT = the difference between the clients and their matches. CI "
        "from cluster-robust standard errors by person. Difference in differences subtracts "
        "each person's mean over months −12…−1. Naive: the difference from all comparison "
        "persons in the same calendar month."),
    "effect_band_note": L(
        "Yhtäaikainen 95 %:n vyö (sup-t) kuukausille 0…+24 ja Abadie–Imbensin keskivirheet "
        "ovat tulostiedostossa register_effect.csv; testit ja herkkyysanalyysit taulukossa "
        "register_effect_tests.",
        "Det simultana 95 %-bandet (sup-t) för månaderna 0…+24 och Abadie–Imbens medelfel "
        "finns i resultatfilen register_effect.csv; testerna och känslighetsanalyserna i "
        "tabellen register_effect_tests.",
        "The simultaneous 95% band (sup-t) over months 0…+24 and the Abadie–Imbens standard "
        "errors are in the results file register_effect.csv; the tests and sensitivity lines "
        "in the table register_effect_tests."),
    "effect_holdout_placebo": L("Ennakkoplasebo (näennäinen aloitus kk −12)",
                                "Förhandsplacebo (skenbar start mån −12)",
                                "Hold-out placebo (pseudo-start at month −12)"),
    "tests_title": L(
        "Rekisterivaikutuksen testit ja herkkyysanalyysit",
        "Registereffektens tester och känslighetsanalyser",
        "The register effect's tests and sensitivity analyses"),
    "tests_test": L("Testi", "Test", "Test"),
    "tests_statistic": L("Testisuure", "Teststatistika", "Statistic"),
    "tests_df": L("Vapausasteet", "Frihetsgrader", "Degrees of freedom"),
    "tests_p": L("p", "p", "p"),
    "tests_bound": L("Raja", "Gräns", "Bound"),
    "tests_result": L("Tulos", "Resultat", "Result"),
    "tests_passed": L("läpäisi", "godkänt", "passed"),
    "tests_failed": L("ei läpäissyt", "underkänt", "failed"),
    "tests_not_computed": L("ei laskettu", "ej beräknat", "not computed"),
    "test_pre_joint_wald": L("Kuukaudet ennen aloitusta, yhteistesti (Wald)",
                             "Månaderna före start, gemensamt test (Wald)",
                             "Months before the start, joint test (Wald)"),
    "test_holdout_joint_wald": L("Ennakkoplasebo kk −12…−1, yhteistesti (Wald)",
                                 "Förhandsplacebo mån −12…−1, gemensamt test (Wald)",
                                 "Hold-out placebo, months −12…−1, joint test (Wald)"),
    "test_pre_equivalence": L("Suurin |ATT| ennen aloitusta rajaan verrattuna",
                              "Största |ATT| före start mot gränsen",
                              "Largest |ATT| before the start against its bound"),
    "test_e_value": L("E-arvo, työssä kk +12 (estimaatti; LV:n raja)",
                      "E-värde, i arbete mån +12 (skattning; KI-gräns)",
                      "E-value, employed at month +12 (estimate; CI limit)"),
    "test_se_ai": L("Abadie–Imbens-keskivirhe, kk {m}", "Abadie–Imbens medelfel, mån {m}",
                    "Abadie–Imbens standard error, month {m}"),
    "tests_note": L(
        "Väärennystestit (docs/methods.md): kuukausien −{h}…−1 yhteistesti ja ennakkoplasebo, "
        "jossa aloitus siirretään 12 kuukautta aiemmaksi ja kaltaistetaan vain sitä edeltävän "
        "historian perusteella; läpäisy: p > 0,05 ja suurin |ATT| ennen aloitusta enintään "
        "0,02 (työssä) tai 50 € (ansiot, etuudet). E-arvo: kuinka vahva havaitsematon "
        "sekoittaja riskisuhteena tarvittaisiin selittämään vaikutus pois. Euromäärät €/kk.",
        "Falsifieringstester (docs/methods.md): gemensamt test för månaderna −{h}…−1 och ett "
        "förhandsplacebo där starten flyttas 12 månader bakåt och matchningen bygger bara på "
        "historien före den; godkänt: p > 0,05 och största |ATT| före start högst 0,02 (i "
        "arbete) eller 50 € (inkomster, förmåner). E-värde: hur stark en oobserverad "
        "störfaktor som riskkvot skulle behöva vara för att förklara bort effekten. Euro €/mån.",
        "Falsification tests (docs/methods.md): a joint test over months −{h}…−1 and a "
        "hold-out placebo that moves the start 12 months back and matches on the history "
        "before it only; passed: p > 0.05 and the largest |ATT| before the start at most 0.02 "
        "(employed) or EUR 50 (earnings, benefits). E-value: how strong an unmeasured "
        "confounder would have to be, as a risk ratio, to explain the effect away. Euros per "
        "month."),
    "subgroups_title": L(
        "Kenelle IPS:stä on hyötyä? Vaikutus työssäoloon alaryhmittäin (eksploratiivinen)",
        "Vem har nytta av IPS? Effekten på sysselsättning per undergrupp (explorativ)",
        "Who benefits from IPS? The effect on employment by subgroup (exploratory)"),
    "subgroups_variable": L("Alaryhmä", "Undergrupp", "Subgroup"),
    "subgroups_interaction": L("Yhdysvaikutus, p ({m} kk)", "Interaktion, p ({m} mån)",
                               "Interaction, p ({m} months)"),
    "subgroups_note": L(
        "Kaltaistettu ATT työssäoloon (%-yks., 95 %:n LV) alaryhmittäin; p = testi siitä, "
        "ovatko alaryhmien vaikutukset yhtä suuret (alaryhmä × IPS, henkilöittäin "
        "klusteroidut keskivirheet). Eksploratiivinen: ei monivertailukorjausta.",
        "Matchad ATT på sysselsättning (%-enh., 95 % KI) per undergrupp; p = test av att "
        "undergruppernas effekter är lika (undergrupp × IPS, per person klustrade medelfel). "
        "Explorativ: ingen korrektion för multipla jämförelser.",
        "Matched ATT on employment (%-points, 95% CI) by subgroup; p = test that the "
        "subgroups' effects are equal (subgroup × IPS, standard errors clustered by person). "
        "Exploratory: no correction for multiplicity."),
    "subgroup_cohort": L("Kohortti", "Kohort", "Cohort"),
    "subgroup_sex": L("Sukupuoli", "Kön", "Sex"),
    "subgroup_age_band": L("Ikäryhmä", "Åldersgrupp", "Age band"),
    "subgroup_dx_group": L("Diagnoosiryhmä", "Diagnosgrupp", "Diagnosis group"),
    "subgroup_work_history": L("Työhistoria", "Arbetshistoria", "Work history"),
    "figure_register_balance_by_month": L(
        "Tasapaino kuukausittain ennen aloitusta: vakioitu ero (SMD) ennen kaltaistusta ja "
        "sen jälkeen",
        "Balans per månad före start: standardiserad skillnad (SMD) före och efter "
        "matchningen",
        "Balance by month before the start: standardised difference (SMD) before and after "
        "matching"),
    "fig_balance_before": L("Ennen kaltaistusta", "Före matchningen", "Before matching"),
    "fig_balance_after": L("Kaltaistuksen jälkeen", "Efter matchningen", "After matching"),
    "fig_balance_bar": L("|SMD| = 0,1", "|SMD| = 0,1", "|SMD| = 0.1"),
    "fig_effect_band": L("Yhtäaikainen 95 %:n vyö", "Simultant 95 %-band",
                         "Simultaneous 95% band"),
    "balance_title": L(
        "Vertailuryhmän tasapaino ennen kaltaistusta ja sen jälkeen",
        "Jämförelsegruppens balans före och efter matchningen",
        "Balance of the comparison group before and after matching"),
    "balance_covariate": L("Muuttuja (kuukaudet ennen aloitusta)",
                           "Variabel (månader före start)", "Covariate (months before the start)"),
    "balance_clients": L("Asiakkaat", "Klienter", "Clients"),
    "balance_before": L("Vertailu ennen", "Jämförelse före", "Comparison before"),
    "balance_after": L("Vertailu jälkeen", "Jämförelse efter", "Comparison after"),
    "balance_smd_before": L("SMD ennen", "SMD före", "SMD before"),
    "balance_smd_after": L("SMD jälkeen", "SMD efter", "SMD after"),
    "balance_counts": L("Lukumäärät", "Antal", "Counts"),
    "balance_means": L("Keskiarvot ja osuudet", "Medelvärden och andelar", "Means and shares"),
    "cov_age": L("Ikä, v", "Ålder, år", "Age, years"),
    "cov_male": L("Mies, osuus", "Man, andel", "Male, share"),
    # the timed matching covariates (ips_eval/register/matching.py): {months} is a block such
    # as "−6…−1", {m} a single month such as "−12"
    "cov_block_employed": L("Työssä, kk ({months})", "I arbete, mån ({months})",
                            "Employed, months ({months})"),
    "cov_block_earnings": L("Ansiot, ka €/kk ({months})", "Inkomster, medel €/mån ({months})",
                            "Earnings, mean EUR/month ({months})"),
    "cov_block_benefits": L("Etuudet, ka €/kk ({months})", "Förmåner, medel €/mån ({months})",
                            "Benefits, mean EUR/month ({months})"),
    "cov_block_disability_pension": L("Työkyvyttömyyseläke, kk ({months})",
                                      "Invalidpension, mån ({months})",
                                      "Disability pension, months ({months})"),
    "cov_block_sickness_rehabilitation": L(
        "Sairaus- tai kuntoutusetuus, kk ({months})",
        "Sjuk- eller rehabiliteringsförmån, mån ({months})",
        "Sickness / rehabilitation benefit, months ({months})"),
    "cov_block_student": L("Opiskelija, kk ({months})", "Studerande, mån ({months})",
                           "Student, months ({months})"),
    "cov_block_unemployed": L("Työtön, kk ({months})", "Arbetslös, mån ({months})",
                              "Unemployed, months ({months})"),
    "cov_block_no_data": L("Ei rekisteritietoja, kk ({months})",
                           "Inga registeruppgifter, mån ({months})",
                           "No register data, months ({months})"),
    "cov_employed_at": L("Työssä kuukautena {m}, osuus", "I arbete månad {m}, andel",
                         "Employed in month {m}, share"),
    "cov_state_at": L("Päätila kk {m}: {state}, osuus", "Huvudstatus mån {m}: {state}, andel",
                      "Main state, month {m}: {state}, share"),
    "cov_state_m1": L("Päätila kk −1: {state}, osuus", "Huvudstatus mån −1: {state}, andel",
                      "Main state, month −1: {state}, share"),
    "n_clients_matched": L("Kaltaistetut asiakkaat, n", "Matchade klienter, n",
                           "Clients matched, n"),
    "n_clients_unmatched": L("Asiakkaat ilman vertailuhenkilöä, n",
                             "Klienter utan jämförelseperson, n", "Clients without a match, n"),
    "n_comparison_matched": L("Eri vertailuhenkilöitä, n", "Olika jämförelsepersoner, n",
                              "Distinct comparison persons, n"),
    "balance_note": L(
        "SMD = vakioitu keskiarvojen ero (jakajana asiakkaiden keskihajonta); |SMD| < 0,1 "
        "kaltaistuksen jälkeen on tavanomainen raja. Ennen = kaikki 18–64-vuotiaat "
        "vertailuhenkilöt asiakkaiden aloituskuukausina. Sukupuoli, päätila kuukautena −1, "
        "aloituskuukausi ja työssäolon kuvio kaltaistettiin tarkasti.",
        "SMD = standardiserad medelvärdesskillnad (nämnare: klienternas standardavvikelse); "
        "|SMD| < 0,1 efter matchningen är den vanliga gränsen. Före = alla jämförelsepersoner "
        "18–64 år under klienternas startmånader. Kön, huvudstatus månad −1, startmånad och "
        "sysselsättningsmönster matchades exakt.",
        "SMD = standardised mean difference (denominator: the clients' SD); |SMD| < 0.1 after "
        "matching is the usual bar. Before = every comparison person aged 18–64 in the "
        "clients' start months. Sex, main state in month −1, the start month and the "
        "employment pattern were matched exactly."),
    "transitions_title": L(
        "Siirtymät päätilasta kuukautena −1 päätilaan 6 ja 12 kuukauden kohdalla",
        "Övergångar från huvudstatus månad −1 till huvudstatus efter 6 och 12 "
        "månader",
        "Transitions from the main state in month −1 to the main state at 6 and "
        "12 months"),
    "transitions_from": L("Päätila kk −1", "Huvudstatus mån −1", "Main state, month −1"),
    "transitions_to": L("Päätila kuukautena {h}, n (%)", "Huvudstatus månad {h}, n (%)",
                        "Main state in month {h}, n (%)"),
    "transitions_group": L("{cohort}: {group}, {h} kk", "{cohort}: {group}, {h} mån",
                           "{cohort}: {group}, {h} months"),
    "group_clients": L("asiakkaat", "klienter", "clients"),
    "group_matched_comparison": L("kaltaistettu vertailuryhmä", "matchad jämförelsegrupp",
                                  "matched comparison"),
    "transitions_note": L(
        "Rivin prosentit summautuvat 100:aan. Vertailuryhmässä kukin kaltaistus lasketaan "
        "kerran (kahdelle asiakkaalle kaltaistettu henkilö kahdesti).",
        "Radens procent summerar till 100. I jämförelsegruppen räknas varje matchning en gång "
        "(en person matchad med två klienter två gånger).",
        "Row percentages add up to 100. In the comparison group each match counts once (a "
        "person matched to two clients twice)."),
    # the model of transitions (ips_eval/publish/tables/transition_model.py)
    "tm_title": L(
        "Siirtymien taustatekijät: päätila 6 ja 12 kuukauden kohdalla (multinomiaalinen "
        "logit, asiakkaat)",
        "Faktorer bakom övergångarna: huvudstatus efter 6 och 12 månader (multinomial logit, "
        "klienter)",
        "Determinants of transitions: the main state at 6 and 12 months (multinomial logit, "
        "clients)"),
    "tm_state": L("Päätila", "Huvudstatus", "Main state"),
    "tm_months": L("{m} kk", "{m} mån", "{m} months"),
    "tm_reference_state": L("{state} (vertailutila)", "{state} (referensstatus)",
                            "{state} (reference state)"),
    "tm_rrr": L("RR (95 %:n LV), {m} kk", "RR (95 % KI), {m} mån", "RRR (95% CI), {m} months"),
    "tm_ame": L("AME, %-yks. (95 %:n LV), {m} kk", "AME, %-enh. (95 % KI), {m} mån",
                "AME, %-points (95% CI), {m} months"),
    "tm_fidelity_band": L("Tiimin menetelmäuskollisuus", "Teamets metodtrohet",
                          "Team's fidelity band"),
    "tm_no_review": L("ei arviota", "ingen bedömning", "no review"),
    "tm_merged": L("{m} kk: alle 20 asiakkaan tilat yhdistettiin tilaan {other}: {states}.",
                   "{m} mån: status med under 20 klienter slogs ihop med {other}: {states}.",
                   "{m} months: states with fewer than 20 clients were merged into {other}: "
                   "{states}."),
    "tm_note": L(
        "Multinomiaalinen logit-malli päätilasta kuukautena +6 ja +12 (vertailutila: työtön) "
        "päätilan kuukautena −1, ikäryhmän, sukupuolen, diagnoosiryhmän, työhistorian, "
        "kohortin ja tiimin menetelmäuskollisuuden (viimeisin IPS-25-arvio) mukaan. RR = "
        "suhteellinen riski olla tilassa työttömyyden sijaan verrattuna vertailuryhmään. AME = "
        "keskimääräinen marginaalivaikutus tilan todennäköisyyteen (%-yks.) verrattuna "
        "vertailuryhmään, muut tekijät havaittuina; tilojen vaikutukset summautuvat nollaan; "
        "keskivirheet deltamenetelmällä.",
        "Multinomial logit-modell av huvudstatus månad +6 och +12 (referensstatus: arbetslös) "
        "efter huvudstatus månad −1, åldersgrupp, kön, diagnosgrupp, arbetshistoria, kohort "
        "och teamets metodtrohet (senaste IPS-25-bedömning). RR = relativ risk att vara i "
        "statusen i stället för arbetslös jämfört med referensgruppen. AME = genomsnittlig "
        "marginaleffekt på sannolikheten för statusen (%-enh.) jämfört med referensgruppen, "
        "övriga faktorer som observerade; effekterna summerar till noll över statusen; "
        "medelfel med deltametoden.",
        "Multinomial logit of the main state in month +6 and +12 (reference state: unemployed) "
        "on the main state in month −1, age band, sex, diagnosis group, work history, cohort "
        "and the team's fidelity band (latest IPS-25 review). RRR = relative-risk ratio of "
        "being in the state rather than unemployed, against the reference group. AME = "
        "average marginal effect on the probability of the state (%-points) against the "
        "reference group, the other factors as observed; the effects add up to zero over the "
        "states; standard errors by the delta method."),
    "fig_effect_title": L("IPS:n vaikutus kuukausittain (kaltaistettu vertailuryhmä)",
                          "Effekten av IPS per månad (matchad jämförelsegrupp)",
                          "The effect of IPS by month (matched comparison group)"),
    "fig_effect_employed": L("Työssä, ero %-yks.", "I arbete, skillnad %-enh.",
                             "Employed, difference in %-points"),
    "fig_effect_earnings": L("Ansiot, ero €/kk", "Inkomster, skillnad €/mån",
                             "Earnings, difference EUR/month"),
    "fig_effect_placebo": L("Ennen aloitusta (plasebo)", "Före start (placebo)",
                            "Before the start (placebo)"),
    "fig_effect_ci": L("95 %:n LV", "95 % KI", "95% CI"),

    # ---- employer survey -----------------------------------------------------------------------
    "employer_title": L(
        "Työnantajakysely",
        "Arbetsgivarenkät",
        "Employer survey"),
    "item": L("Väittämä", "Påstående", "Statement"),
    "question": L("Kysymys", "Fråga", "Question"),
    "agree_group": L("Samaa mieltä väittämän kanssa (4–5)", "Av samma åsikt (4–5)",
                     "Agreeing with the statement (4–5)"),
    "respondents_n": L("Vastaajia, n", "Svarande, n", "Respondents, n"),
    "agree_pct": L("Samaa mieltä, n (%)", "Av samma åsikt, n (%)", "Agree, n (%)"),
    "item_mean": L("Keskiarvo (1–5)", "Medelvärde (1–5)", "Mean (1–5)"),
    "employer_note": L(
        "Samaa mieltä = jokseenkin tai täysin samaa mieltä (4–5). Vastaajat ovat työnantajia, "
        "jotka palkkasivat IPS-asiakkaan.",
        "Av samma åsikt = delvis eller helt av samma åsikt (4–5). De svarande är arbetsgivare "
        "som anställde en IPS-klient.",
        "Agree = somewhat or fully agree (4–5). Respondents are employers who hired an IPS "
        "client."),

    # figure captions on the report page, by figure file name
    "figure_km_tenure_by_cohort": L(
        "Ensimmäisen työsuhteen kesto kohorteittain (Kaplan–Meier, riskijoukko alla)",
        "Första anställningens längd per kohort (Kaplan–Meier, riskmängd nedan)",
        "Tenure of the first job by cohort (Kaplan–Meier, numbers at risk below)"),
    "figure_cif_first_job_by_cohort": L(
        "Ensimmäisen työn kumulatiivinen ilmaantuvuus kohorteittain (Aalen–Johansen, "
        "riskijoukko alla)",
        "Kumulativ incidens av första arbete per kohort (Aalen–Johansen, riskmängd nedan)",
        "Cumulative incidence of the first job by cohort (Aalen–Johansen, numbers at risk "
        "below)"),
    "figure_scores_by_wave": L(
        "Mittarien keskiarvot aalloittain (95 %:n LV) kohorteittain",
        "Instrumentens medelvärden per omgång (95 % KI) per kohort",
        "Mean scores by wave (95% CI) by cohort"),
    "figure_register_states_by_rel_month": L(
        "Rekisteritilat ja ansiot kuukausina suhteessa aloitukseen",
        "Registerstatus och inkomster per månad i förhållande till start",
        "Register states and earnings by month relative to the start"),
    "figure_transitions_alluvial": L(
        "Päätila kuukautena −1, +6 ja +12: asiakkaat ja kaltaistettu vertailuryhmä (alle 5 "
        "henkilön siirtymiä ei piirretä)",
        "Huvudstatus månad −1, +6 och +12: klienter och matchad jämförelsegrupp (övergångar "
        "med under 5 personer ritas inte)",
        "Main state in month −1, +6 and +12: clients and the matched comparison (flows of "
        "fewer than 5 persons are not drawn)"),
    "figure_register_effect_by_rel_month": L(
        "IPS:n vaikutus työllisyyteen ja ansioihin kuukausittain (ATT, 95 %:n LV; plasebo "
        "ennen aloitusta)",
        "Effekten av IPS på sysselsättning och inkomster per månad (ATT, 95 % KI; placebo före "
        "start)",
        "The effect of IPS on employment and earnings by month (ATT, 95% CI; placebo before "
        "the start)"),
    "figure_fidelity_vs_employment": L(
        "IPS-25-menetelmäuskollisuus ja työllistyminen 12 kuukaudessa tiimeittäin",
        "IPS-25-metodtrohet och sysselsättning inom 12 månader per team",
        "IPS-25 fidelity and employment within 12 months by team"),

    # ---- implementation evaluation: process standards, IPS-25 items, costs ---------------------
    "process_title": L(
        "IPS-mallin prosessistandardit alueittain ja tiimeittäin",
        "IPS-modellens processtandarder per region och team",
        "The IPS model's process standards by region and team"),
    "process_contacts": L("Työnantajakontakteja viikossa (≥ 6: %)",
                          "Arbetsgivarkontakter per vecka (≥ 6: %)",
                          "Employer contacts a week (≥ 6: %)"),
    "process_first_meeting": L("Ensimmäinen työnantajatapaaminen",
                               "Första mötet med en arbetsgivare", "First employer meeting"),
    "process_within_30": L("30 päivässä, %", "Inom 30 dagar, %", "Within 30 days, %"),
    "process_median_days": L("Mediaani, pv", "Median, dagar", "Median, days"),
    "process_caseload": L("Asiakkaita valmentajaa kohden (≤ 20: %)",
                          "Klienter per coach (≤ 20: %)", "Clients per coach (≤ 20: %)"),
    "process_referral": L("Lähetteestä aloitukseen, pv", "Från remiss till start, dagar",
                          "Referral to start, days"),
    "process_note": L(
        "Työnantajakontaktit (tyypit 1–2) valmentajaviikkoa kohden viikoilta, joilla "
        "valmentajalla oli palvelussa ainakin yksi asiakas; suluissa standardin (≥ 6) "
        "täyttäneiden viikkojen osuus. Ensimmäinen työnantajatapaaminen: osuus 30 päivässä "
        "asiakkaista, joilla seurantaa oli ≥ 30 päivää; mediaani Kaplan–Meier-menetelmällä "
        "(sensuroitu palvelun päättyessä tai rajauspäivänä). Asiakkaita valmentajaa kohden "
        "kuukauden viimeisenä päivänä; suluissa standardin (≤ 20) täyttäneiden "
        "valmentajakuukausien osuus. Lähetteestä aloitukseen mediaani [Q1; Q3] asiakkaista, "
        "joiden lähetepäivä tiedetään. Valmentajakohtaisia lukuja ei julkaista.",
        "Arbetsgivarkontakter (typ 1–2) per coachvecka under veckor då coachen hade minst en "
        "klient i tjänsten; inom parentes andelen veckor som uppfyllde standarden (≥ 6). "
        "Första mötet med en arbetsgivare: andel inom 30 dagar bland klienter med ≥ 30 dagars "
        "uppföljning; median enligt Kaplan–Meier (censurerad vid tjänstens slut eller "
        "brytdatum). Klienter per coach den sista dagen i månaden; inom parentes andelen "
        "coachmånader som uppfyllde standarden (≤ 20). Från remiss till start: median "
        "[Q1; Q3] bland klienter med känt remissdatum. Siffror per coach publiceras inte.",
        "Employer contacts (types 1–2) per coach-week, over the weeks in which the coach had at "
        "least one client in service; in brackets the share of weeks meeting the standard "
        "(≥ 6). First employer meeting: share within 30 days among clients with ≥ 30 days of "
        "follow-up; median by Kaplan–Meier (censored at the service end or the cut-off). "
        "Clients per coach on the last day of each month; in brackets the share of "
        "coach-months meeting the standard (≤ 20). Referral to start: median [Q1, Q3] among "
        "clients with a referral date. Figures per coach are not published."),
    "fidelity_items_title": L(
        "IPS-25-menetelmäuskollisuuden osiot: tiimien keskiarvot",
        "IPS-25-metodtrohetens delar: teamens medelvärden",
        "IPS-25 fidelity items: team means"),
    "fidelity_item": L("IPS-25-osio", "IPS-25-del", "IPS-25 item"),
    "fidelity_items_latest": L("Viimeisin arvio (1–5)", "Senaste bedömning (1–5)",
                               "Latest review (1–5)"),
    "fidelity_items_all": L("Kaikki tiimit", "Alla team", "All teams"),
    "fidelity_items_lowest": L("Tiimin kolmen heikoimman joukossa, % tiimeistä",
                               "Bland teamets tre svagaste, % av teamen",
                               "Among the team's three lowest, % of teams"),
    "fidelity_items_all_reviews": L("Kaikki arviot", "Alla bedömningar", "All reviews"),
    "fidelity_items_note": L(
        "Tiimejä {teams}. Kunkin tiimin viimeisin arvio, jossa kaikki 25 osiota on pisteytetty "
        "(rajauspäivään mennessä); tiimien keskiarvo. Kaikki arviot: tiimien kaikkien "
        "arvioiden keskiarvojen keskiarvo.",
        "{teams} team. Varje teams senaste bedömning med alla 25 delar poängsatta (före "
        "brytdatum); medelvärde över teamen. Alla bedömningar: medelvärdet av teamens "
        "medelvärden över alla bedömningar.",
        "{teams} teams. Each team's latest review with all 25 items scored (by the cut-off); "
        "mean over the teams. All reviews: the mean over teams of each team's mean over all its "
        "reviews."),
    "fidelity_trend_note": L(
        "Tiimien ({teams}, vähintään kaksi arviota) IPS-25-kokonaispisteet muuttuivat arvioiden "
        "välillä keskimäärin {mean} pistettä vuodessa (mediaani {median}).",
        "Teamens ({teams}, minst två bedömningar) IPS-25-totalpoäng ändrades mellan "
        "bedömningarna i genomsnitt {mean} poäng per år (median {median}).",
        "Across their reviews the teams' IPS-25 totals ({teams} teams with two or more "
        "reviews) changed by {mean} points a year on average (median {median})."),
    "fidelity_cox_unadjusted": L(
        "Ensimmäisen työn hetkellinen vaarasuhde 10 IPS-25-pistettä kohden (tiimin viimeisin "
        "arvio ennen aloitusta; syykohtainen Cox-malli, tiimeittäin ryvästetyt keskivirheet): "
        "{hr}, p = {p}; {n} asiakasta, {teams} tiimiä.",
        "Hasardkvot för första arbete per 10 IPS-25-poäng (teamets senaste bedömning före "
        "start; orsaksspecifik Cox-modell, standardfel klustrade per team): {hr}, p = {p}; "
        "{n} klienter, {teams} team.",
        "Hazard ratio of a first job per 10 IPS-25 points (the team's latest review before the "
        "start; cause-specific Cox model, standard errors clustered by team): {hr}, p = {p}; "
        "{n} clients, {teams} teams."),
    "fidelity_cox_cohort_adjusted": L(
        "Kohortilla vakioituna: {hr}, p = {p}.",
        "Justerat för kohort: {hr}, p = {p}.",
        "Adjusted for cohort: {hr}, p = {p}."),
    "costs_title": L(
        "Hankkeen kustannukset asiakasta kohden alueittain",
        "Projektets kostnader per klient per region",
        "Project costs per client by region"),
    "costs_cost": L("Kustannukset, €", "Kostnader, €", "Costs, EUR"),
    "costs_client_years": L("Asiakasvuodet palvelussa", "Klientår i tjänsten",
                            "Client-years in service"),
    "costs_clients_per_fte": L("Asiakasvuosia valmentajan henkilötyövuotta kohden",
                               "Klientår per coachårsverke",
                               "Client-years per coach person-year"),
    "costs_per_spanner": L("Kustannus, €", "Kostnad, €", "Cost, EUR"),
    "costs_per_client": L("Aloittanutta asiakasta kohden", "Per klient som startat",
                          "Per client started"),
    "costs_per_client_year": L("Asiakasvuotta kohden", "Per klientår", "Per client-year"),
    "costs_per_employed": L("12 kk:ssa työllistynyttä kohden", "Per sysselsatt inom 12 mån",
                            "Per client employed within 12 months"),
    "costs_returns_spanner": L("Rekisterivaikutus, € / kaltaistettu asiakas (+1 … +12 kk)",
                               "Registereffekt, € / matchad klient (+1 … +12 mån)",
                               "Register effect, EUR per matched client (+1 … +12 months)"),
    "costs_benefits_saved": L("Säästetyt etuudet", "Sparade förmåner", "Benefits saved"),
    "costs_earnings_gained": L("Lisäansiot", "Ökade inkomster", "Earnings gained"),
    "costs_note": L(
        "Kustannukset = henkilöstökulut + muut kulut (alueiden ilmoitus). Asiakasvuodet = "
        f"palvelupäivät / {_12['fi']}. Kustannus 12 kk:ssa työllistynyttä kohden = kustannus "
        "aloittanutta kohden / 12 kk:ssa työllistyneiden osuus niistä, joilla seurantaa oli "
        "12 kk.",
        "Kostnader = personalkostnader + övriga kostnader (regionernas uppgift). Klientår = "
        f"dagar i tjänsten / {_12['sv']}. Kostnad per sysselsatt inom 12 mån = kostnad per startad "
        "klient / andelen sysselsatta inom 12 mån bland dem med 12 månaders uppföljning.",
        "Costs = personnel + other costs (as the regions report them). Client-years = days in "
        f"service / {_12['en']}. Cost per client employed within 12 months = cost per client "
        "started / the share employed within 12 months among clients with 12 months of follow-up."),
    "costs_returns_note": L(
        "Rekisterivaikutus (vain kaikkien rivillä): kaltaistettujen asiakkaiden etuuksien ja "
        "ansioiden keskimääräinen ero verrokkeihin kuukausina +1 … +12 yhteenlaskettuna; "
        "yksinkertainen julkistaloudellinen vertailu ilman diskonttausta, veroja ja "
        "välillisiä vaikutuksia. Tyhjä, jos rekisterivaikutusta ei ole laskettu.",
        "Registereffekt (endast på raden för alla): matchade klienters genomsnittliga skillnad "
        "mot jämförelsepersoner i förmåner och inkomster under månaderna +1 … +12, summerad; en "
        "enkel offentligfinansiell jämförelse utan diskontering, skatter eller indirekta "
        "effekter. Tom om registereffekten inte beräknats.",
        "Register effect (the overall row only): the matched clients' mean difference from "
        "their comparison persons in benefits and earnings, summed over months +1 … +12; a "
        "plain fiscal comparison without discounting, taxes or indirect effects. Empty when "
        "the register effect has not been estimated."),
    "figure_process_by_coach": L(
        "Työnantajakontaktit viikossa ja asiakkaat valmentajaa kohden kuukausittain "
        "standardeihin verrattuna",
        "Arbetsgivarkontakter per vecka och klienter per coach per månad mot standarderna",
        "Employer contacts a week and clients per coach by month against the standards"),
    "figure_quarterly_rate_by_team": L(
        "Neljännesvuosittainen työllisyysaste tiimeittäin ja IPS Learning Communityn "
        "vertailutasot",
        "Kvartalsvis sysselsättningsgrad per team och IPS Learning Communitys riktmärken",
        "Quarterly employment rate by team with the IPS Learning Community benchmarks"),

    # ---- report page ---------------------------------------------------------------------------
    "report_title": L("IPS – Sijoita ja valmenna! -arvioinnin tulokset",
                      "Resultat av utvärderingen av IPS – Sijoita ja valmenna!",
                      "IPS – Sijoita ja valmenna! evaluation results"),
    "report_tables": L("Taulukot", "Tabeller", "Tables"),
    "report_figures": L("Kuviot", "Figurer", "Figures"),
    "report_inputs": L("Toimitukset", "Leveranser", "Deliveries"),
    "report_validation": L("Tarkistusten yhteenveto", "Sammanfattning av valideringen",
                           "Validation summary"),
    "report_software": L("Ohjelmistoversiot", "Programversioner", "Software versions"),
    "report_intro": L(
        "Kaikki taulukot ja kuviot yhdellä sivulla. Taulukoissa alle 5 henkilön luvut on "
        "salattu (..). Toimitukset ja tarkistukset (omalla sivullaan) ovat ajon tarkastamista "
        "varten, eivät julkaistaviksi.",
        "Alla tabeller och figurer på en sida. I tabellerna är antal under 5 personer "
        "konfidentiella (..). Leveranserna och valideringen (på en egen sida) är för granskning "
        "av körningen, inte för publicering.",
        "Every table and figure on one page. In the tables, counts under 5 persons are "
        "suppressed (..). The deliveries and validation (on a page of their own) are for "
        "checking the run, not for publication."),
    "report_downloads": L("Lataa", "Ladda ner", "Download"),
    "report_source": L("Lähde", "Källa", "Source"),
    "report_file": L("Tiedosto", "Fil", "File"),
    "report_delivery_date": L("Toimituspäivä", "Leveransdatum", "Delivery date"),
    "report_size": L("Koko (t)", "Storlek (B)", "Size (B)"),
    "report_hash": L("Tiiviste (SHA-256)", "Hash (SHA-256)", "Hash (SHA-256)"),
    "report_outcome": L("Tulos", "Resultat", "Outcome"),
    "report_rows_read": L("Rivejä luettu", "Rader lästa", "Rows read"),
    "report_staged": L("Vaiheistettu", "Laddade", "Staged"),
    "report_superseded": L("Korvattu uudemmalla", "Ersatta av nyare", "Superseded"),
    "report_duplicates": L("Täsmäkaksoiskappaleet", "Exakta dubbletter", "Exact duplicates"),
    "report_quarantined": L("Karanteenissa (rivit)", "I karantän (rader)",
                            "Quarantined (rows)"),
    "report_field_defects": L("Kenttävirheet", "Fältfel", "Field defects"),
    "report_level": L("Taso", "Nivå", "Level"),
    "report_level_file": L("tiedosto", "fil", "file"),
    "report_level_row": L("rivi", "rad", "row"),
    "report_level_field": L("kenttä", "fält", "field"),
    "report_description": L("Kuvaus", "Beskrivning", "Description"),
    "report_outcome_loaded": L("ladattu", "laddad", "loaded"),
    "report_outcome_already_loaded": L("ladattu aiemmin", "laddad tidigare", "already loaded"),
    "report_outcome_rejected": L("hylätty", "avvisad", "rejected"),
    "report_rule": L("Sääntö", "Regel", "Rule"),
    "report_count": L("Lukumäärä", "Antal", "Count"),
    "report_by_rule": L("Hylätyt säännöittäin", "Avvisade per regel", "Rejected by rule"),
    "report_package": L("Paketti", "Paket", "Package"),
    "report_version": L("Versio", "Version", "Version"),
    "report_commit": L("Git-versio", "Git-version", "Git commit"),
    "report_run": L("Ajo", "Körning", "Run"),
    "report_demo_key": L("Demoavain käytössä (pseudonyymit eivät salaisia)",
                         "Demonyckel används (pseudonymerna är inte hemliga)",
                         "Demo key used (pseudonyms are not secret)"),
    "report_no_manifest": L("Ajon manifestia (manifest.json) ei löytynyt.",
                            "Körningens manifest (manifest.json) hittades inte.",
                            "The run manifest (manifest.json) was not found."),
    "report_missing_table": L("Taulukkoa ei tuotettu tässä ajossa.",
                              "Tabellen producerades inte i denna körning.",
                              "The table was not produced in this run."),
}


_REPEATED = (TEXT.keys() & OUTCOME_TEXT.keys()) | (TEXT.keys() & REPORT_TEXT.keys()) | (
    OUTCOME_TEXT.keys() & REPORT_TEXT.keys())
if _REPEATED:
    raise KeyError(f"table texts defined twice: {sorted(_REPEATED)}")
TEXT |= OUTCOME_TEXT | REPORT_TEXT


def text(key: str, lang: Lang, **fields: object) -> str:
    """The text ``key`` in ``lang`` with its ``{fields}`` filled."""
    return filled_text(TEXT, key, lang, "schemas/table_text.py", **fields)
