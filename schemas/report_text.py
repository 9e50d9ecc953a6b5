"""Texts of the report page's reading aids in fi/sv/en: the contents, the "how to read" of the
follow-up trap, and what may be published. Part of :data:`schemas.table_text.TEXT` (merged
there; a key may not repeat).
"""

from __future__ import annotations

from schemas.codebook import L, Label

REPORT_TEXT: dict[str, Label] = {
    "report_contents": L("Sisällys", "Innehåll", "Contents"),
    "report_how_to_read": L("Näin luet tuloksia", "Så läser du resultaten",
                            "How to read the results"),
    "report_trap": L(
        "Kohortteja on seurattu eri pituisia aikoja. Pilottien asiakkaita oli rajauspäivänä "
        "seurattu jopa kolme vuotta, RRP-asiakkaita aluksi vain muutamia kuukausia. Siksi raaka "
        "osuus 'työllistyneitä kaikista aloittaneista' (esimerkiksi julkaistut 46 % ja 25,6 %) "
        "kertoo enemmän seuranta-ajasta kuin IPS-työn tuloksista, eikä sitä voi verrata "
        "kohorttien välillä.",
        "Kohorterna har följts olika länge. Pilotklienterna hade vid brytdatum följts i upp till "
        "tre år, RRP-klienterna till en början bara några månader. Den råa andelen "
        "'sysselsatta av alla som startat' (till exempel de publicerade 46 % och 25,6 %) säger "
        "därför mer om uppföljningstiden än om IPS-arbetets resultat och kan inte jämföras "
        "mellan kohorterna.",
        "The cohorts were followed for unequal times. On the cut-off date the pilot clients had "
        "been followed for up to three years, the RRP clients at first for a few months only. "
        "The crude share 'employed of all who started' (such as the published 46% and 25.6%) "
        "therefore says more about the length of follow-up than about the results of IPS work, "
        "and cannot be compared between the cohorts."),
    "report_trap_compare": L(
        "Vertaa siksi yhtä pitkän seurannan lukuja: ensimmäisen työn kumulatiivista "
        "ilmaantuvuutta 6 ja 12 kuukauden kohdalla (taulukko {employment}), työhön kiinnittymistä "
        "asiakkailla, joilla on koko 6 tai 12 kuukauden ikkuna (taulukko {attachment}), ja "
        "työssäolopäiviä seurantavuotta kohden (taulukko {jobs}). Taulukon otsikko ja alaviitteet "
        "kertovat, kumpaa lukua se näyttää.",
        "Jämför därför tal vid lika lång uppföljning: den kumulativa incidensen av första "
        "arbete vid 6 och 12 månader (tabell {employment}), anknytningen till arbete bland "
        "klienter med hela fönstret på 6 eller 12 månader (tabell {attachment}) och arbetsdagar "
        "per uppföljningsår (tabell {jobs}). Tabellens rubrik och fotnoter säger vilket tal den "
        "visar.",
        "Compare figures at equal follow-up instead: the cumulative incidence of a first job at "
        "6 and 12 months (Table {employment}), attachment to work among clients with the full "
        "6- or 12-month window (Table {attachment}), and employed days per year of follow-up "
        "(Table {jobs}). A table's title and footnotes say which figure it shows."),
    "report_boundary": L(
        "Julkaistavissa: kansiot tables/, figures/ ja report/ (pienet solut salattu, alle 5 "
        "henkilöä). Vain suojattuun ympäristöön: analysis/ (henkilötason aineistot) ja "
        "results/ (tulokset ilman salausta) — niitä ei julkaista eikä lähetetä eteenpäin.",
        "Kan publiceras: mapparna tables/, figures/ och report/ (små celler konfidentiella, "
        "under 5 personer). Endast i den skyddade miljön: analysis/ (data på personnivå) och "
        "results/ (resultat utan konfidentialitetsskydd) — de publiceras inte och lämnas inte "
        "vidare.",
        "Publishable: the folders tables/, figures/ and report/ (small cells suppressed, under "
        "5 persons). For the secure environment only: analysis/ (person-level datasets) and "
        "results/ (results without suppression) — never published or passed on."),
    "report_methods": L("Aineisto ja menetelmät", "Data och metoder", "Data and methods"),
    "report_methods_data": L(
        "Aineisto: IPS-valmentajien asiakas- ja työsuhdelomakkeet ja yhteydenotot "
        "työnantajiin, asiakas- ja työnantajakyselyt, IPS-25-menetelmäuskollisuusarviot, "
        "hankkeen kustannukset sekä Kelan ja tulorekisterin rekisteriotteet. Jokainen toimitus "
        "tarkistetaan: virheellinen tiedosto, rivi tai arvo siirretään karanteeniin säännön "
        "kanssa, ja muu aineisto ladataan. Henkilötunnus korvataan avaimellisella "
        "pseudonyymillä heti ensimmäisessä vaiheessa.",
        "Data: IPS-coachernas klient- och anställningsblanketter och kontakter med "
        "arbetsgivare, klient- och arbetsgivarenkäter, IPS-25-bedömningar av metodtrohet, "
        "projektets kostnader samt registerutdrag från FPA och inkomstregistret. Varje leverans "
        "kontrolleras: en felaktig fil, rad eller ett felaktigt värde sätts i karantän med sin "
        "regel, och resten laddas. Personbeteckningen ersätts med en nyckelbaserad pseudonym "
        "redan i första steget.",
        "Data: the IPS coaches' client and job forms and employer contacts, the client and "
        "employer surveys, the IPS-25 fidelity reviews, the project's costs, and register "
        "extracts from Kela and the Incomes Register. Every delivery is checked: a faulty file, "
        "row or value goes to quarantine with its rule, and the rest loads. The personal "
        "identity code is replaced by a keyed pseudonym as the very first step."),
    "report_methods_analysis": L(
        "Menetelmät: aika ensimmäiseen työhön kumulatiivisena ilmaantuvuutena, jossa palvelun "
        "päättyminen on kilpaileva tapahtuma (Aalen–Johansen), kohorttien ero 6 ja 12 kuukauden "
        "kohdalla ja Grayn testi; työsuhteen kesto Kaplan–Meierin menetelmällä ja Coxin "
        "mallilla; mittareiden muutos alkutilanteesta parittaisina eroina ja lineaarisina "
        "sekamalleina; rekisterivaikutus kaltaistetulla vertailuryhmällä samoina "
        "kalenterikuukausina. Luottamusvälit ovat 95 %:n välejä.",
        "Metoder: tiden till första arbete som kumulativ incidens med avslutad tjänst som "
        "konkurrerande händelse (Aalen–Johansen), skillnaden mellan kohorterna vid 6 och 12 "
        "månader och Grays test; anställningens längd med Kaplan–Meier och Cox-modellen; "
        "förändringen i mätarna från utgångsläget som parvisa skillnader och linjära blandade "
        "modeller; registereffekten med en matchad jämförelsegrupp under samma "
        "kalendermånader. Konfidensintervallen är 95 %.",
        "Methods: time to a first job as cumulative incidence with the end of service as a "
        "competing event (Aalen–Johansen), the cohort difference at 6 and 12 months and Gray's "
        "test; job tenure by Kaplan–Meier and the Cox model; change in the measures from "
        "baseline as paired differences and linear mixed models; the register effect against "
        "a matched comparison group in the same calendar months. Confidence intervals are 95%."),
    "report_methods_replication": L(
        "Toistettavuus R:llä: jokainen ajo kirjoittaa kansioon out/replication/R/ R-skriptit, "
        "jotka laskevat tulokset uudelleen analyysiaineistoista: Kaplan–Meierin ja "
        "Aalen–Johansenin estimaatit funktiolla survival::survfit, Coxin mallit funktioilla "
        "survival::coxph ja cox.zph, Fine–Grayn malli funktiolla survival::finegray ja Grayn "
        "testi funktiolla cmprsk::cuminc, logistinen malli funktiolla glm, muutospisteet "
        "funktioilla t.test ja survey::svymean (painotettu), sekamallit funktiolla lme4::lmer, "
        "rekisterivaikutus funktioilla lm ja sandwich::vcovCL ja siirtymien malli funktiolla "
        "nnet::multinom. Skripti compare.R tarkistaa, "
        "että ne vastaavat putken tuloksia miljoonasosan tarkkuudella.",
        "Replikering i R: varje körning skriver i mappen out/replication/R/ R-skript som "
        "räknar om resultaten från analysdata: Kaplan–Meier- och Aalen–Johansen-skattningar "
        "med survival::survfit, Cox-modeller med survival::coxph och cox.zph, Fine–Gray-"
        "modellen med survival::finegray och Grays test med cmprsk::cuminc, den logistiska "
        "modellen med glm, förändringspoäng med t.test och survey::svymean (viktad), blandade "
        "modeller med lme4::lmer, registereffekten med lm och sandwich::vcovCL och "
        "övergångsmodellen med nnet::multinom. Skriptet "
        "compare.R kontrollerar att de stämmer med resultaten på en miljondel när.",
        "Replication in R: every run writes R scripts to out/replication/R/ that refit the "
        "results from the analysis datasets: Kaplan–Meier and Aalen–Johansen estimates with "
        "survival::survfit, Cox models with survival::coxph and cox.zph, the Fine–Gray model "
        "with survival::finegray and Gray's test with cmprsk::cuminc, the logistic model with "
        "glm, change scores with t.test and survey::svymean (weighted), mixed models with "
        "lme4::lmer, the register effect with lm and sandwich::vcovCL, and the model of "
        "transitions with nnet::multinom. The script "
        "compare.R checks that they agree with the pipeline's results to within a millionth."),
    "report_methods_disclosure": L(
        "Tietosuoja: alle 5 henkilön lukumäärät, niistä lasketut tunnusluvut ja täydentävät "
        "luvut, joista pieni luku voitaisiin päätellä, näytetään merkillä '..'. Kuvioissa "
        "samat kohdat jätetään piirtämättä.",
        "Dataskydd: antal under 5 personer, mått beräknade ur dem och kompletterande tal ur "
        "vilka ett litet antal kunde härledas visas med tecknet '..'. I figurerna ritas samma "
        "punkter inte ut.",
        "Confidentiality: counts under 5 persons, figures computed from them, and complementary "
        "counts from which a small count could be worked out are shown as '..'. The figures "
        "leave the same points out."),
    "report_deliveries_link": L(
        "Toimitukset tiivisteineen, hylätyt säännöittäin ja tarkistusten yhteenveto omalla "
        "sivullaan",
        "Leveranserna med hashvärden, avvisade per regel och valideringens sammanfattning på "
        "en egen sida",
        "The deliveries with their hashes, the rejections by rule and the validation summary, "
        "on a page of their own"),
    "report_back": L("Takaisin raporttiin", "Tillbaka till rapporten", "Back to the report"),
    "report_word_report": L("Raportti Word-tiedostona", "Rapporten som Word-fil",
                            "The report as a Word file"),
    "report_word_all": L("Kaikki taulukot Word-tiedostona", "Alla tabeller som Word-fil",
                         "All tables as one Word file"),
    "report_all_tables_title": L("IPS – Sijoita ja valmenna! -arvioinnin taulukot",
                                 "Tabeller från utvärderingen av IPS – Sijoita ja valmenna!",
                                 "Tables of the IPS – Sijoita ja valmenna! evaluation"),
    "report_missing_figure": L("Kuviota ei tuotettu tässä ajossa.",
                               "Figuren producerades inte i denna körning.",
                               "The figure was not produced in this run."),
}
