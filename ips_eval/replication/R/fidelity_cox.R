# fidelity_cox.csv: Cox model of time to first job (competing exit censored, Efron ties) on the
# team's IPS-25 total (per 10 points) from its latest review on or before the client's index
# date, unadjusted and adjusted for cohort, errors clustered by team — survival::coxph(cluster).
# docs/methods.md §Fidelity.
source("common.R")
suppressPackageStartupMessages(library(survival))
ttfj <- ttfj_frame()
reviews <- read_analysis("fidelity")
reviews <- reviews[!is.na(reviews$total), ]
latest_total <- function(team, index_date) {
  r <- reviews[reviews$team %in% team & reviews$review_date <= index_date, ]
  if (nrow(r) == 0) NA else r$total[which.max(r$review_date)]
}
ttfj$total <- mapply(latest_total, ttfj$team, ttfj$index_date)
d <- ttfj[!is.na(ttfj$total), ]
d$fidelity_total_per_10 <- d$total / 10
d$later_cohort <- as.numeric(d$cohort == RRP)

models <- list(unadjusted = Surv(time_days, event == 1) ~ fidelity_total_per_10,
               cohort_adjusted = Surv(time_days, event == 1) ~ fidelity_total_per_10 + later_cohort)
rows <- list()
for (model in names(models)) {
  fit <- coxph(models[[model]], data = d, ties = "efron", cluster = team,
               control = cox_control())
  out <- wald(coef(fit), sqrt(diag(vcov(fit))))
  out$term[out$term == "later_cohort"] <- paste0("cohort[", RRP, "]")
  names(out)[names(out) == "se"] <- "se_robust"
  rows[[model]] <- cbind(param = "TTFJ", model = model, out, n = nrow(d),
                         events = sum(d$event == 1), teams = length(unique(d$team)),
                         n_excluded = nrow(ttfj) - nrow(d))
}
write_result(rows, "fidelity_cox")
