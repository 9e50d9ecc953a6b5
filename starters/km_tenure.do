* Kaplan–Meier tenure of the first job at 12 months, all clients, from the analysis dataset
* out/analysis/tte.dta — the figure in results/km.csv (param TENURE1_REG, group_var all,
* time_days 365.25, method KM) and in the tenure table. A start for your own analysis in Stata.
*
* Usage, from the repository folder:  do starters/km_tenure.do
* (another output folder: change `out' below). Rules: docs/methods.md §Job tenure and
* §Register-augmented tenure.

local out "out"
use "`out'/analysis/tte.dta", clear

* param and event carry value labels: -label list param- shows them.
* param 1 TTFJ, 2 TENURE1, 3 TENURE, 4 TENURE1_REG; event 1 = the job ended, 0 = censored.
keep if param == 4

stset time_days, failure(event == 1)

* 12 months = 365.25 days (docs/methods.md §Windows and cut-offs); Stata's default CI for the
* survivor function is log-log, as in km.csv.
sts list, at(365.25)

* TENURE1 (censored at service exit, the sensitivity line): use the file again, keep if param == 2
