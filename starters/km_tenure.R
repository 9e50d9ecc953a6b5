# Kaplan–Meier tenure of the first job at 12 months, all clients, from the analysis dataset
# out/analysis/tte.dta — the figure in results/km.csv (param TENURE1 / TENURE1_REG, group_var all,
# time_days 365.25, method KM) and in the tenure table. A start for your own analysis in R.
#
# Needs the R packages haven and survival (Debian: apt-get install r-cran-haven r-cran-survival).
# Usage:  Rscript starters/km_tenure.R [OUT]      OUT = the pipeline's output folder (default out)
# Rules: docs/methods.md §Job tenure and §Register-augmented tenure.

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[[1]] else "out"
for (pkg in c("haven", "survival")) {
  if (!requireNamespace(pkg, quietly = TRUE)) {
    message(sprintf("km_tenure.R: the R package %s is not installed (Debian: r-cran-%s)",
                    pkg, pkg))
    quit(status = 2)
  }
}

tte <- haven::read_dta(file.path(out, "analysis", "tte.dta"))
# param and event are numbers with value labels in the .dta: see them with
# attr(tte$param, "labels"). param 1 TTFJ, 2 TENURE1, 3 TENURE, 4 TENURE1_REG (the order of
# schemas/analysis.py); event 1 = the job ended, 0 = censored.
params <- c(TENURE1 = 2, TENURE1_REG = 4)
twelve_months <- 365.25  # days: docs/methods.md §Windows and cut-offs

for (name in names(params)) {
  jobs <- tte[as.numeric(tte$param) == params[[name]], ]
  fit <- survival::survfit(
    survival::Surv(time_days, as.numeric(event) == 1) ~ 1,
    data = jobs, conf.type = "log-log")
  at <- summary(fit, times = twelve_months)
  cat(sprintf("%s all %.2f n=%d at_risk=%d estimate=%.6f ci_lower=%.6f ci_upper=%.6f\n",
              name, twelve_months, nrow(jobs), at$n.risk, at$surv, at$lower, at$upper))
}
