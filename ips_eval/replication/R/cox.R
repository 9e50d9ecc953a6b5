# cox.csv: Cox models of job tenure — TENURE1_REG (primary), TENURE1, and TENURE (every job,
# variance clustered by client) — on the client's and the job's covariates, Efron ties, with
# the proportional-hazards test — survival::coxph and cox.zph (rank and KM transforms).
# docs/methods.md §Employment models and summaries.
source("common.R")
suppressPackageStartupMessages(library(survival))
tte <- read_analysis("tte")
clients <- read_analysis("clients")
jobs <- read_analysis("jobs")
tenure <- merge(merge(tte[c("param", "client_id", "job_no", "time_days", "event")],
                      clients[c("client_id", CLIENT_COVARIATES)], by = "client_id"),
                jobs[c("client_id", "job_no", "hours_week", "pay_subsidy")],
                by = c("client_id", "job_no"))
covariates <- c(CLIENT_COVARIATES, "hours_week", "pay_subsidy")

rows <- list()
for (param in c("TENURE1_REG", "TENURE1", "TENURE")) {
  all <- tenure[tenure$param == param, ]
  m <- dummies(all, covariates, outcome = "event")
  d <- m$data; x <- m$x
  control <- cox_control()
  fit <- coxph(Surv(time_days, event) ~ x, data = d, ties = "efron", control = control)
  # the PH test is of the model itself; TENURE's errors are clustered by client
  zph <- cox.zph(fit, transform = "rank", terms = FALSE)$table
  zph_km <- cox.zph(fit, transform = "km", terms = FALSE)$table
  if (param == "TENURE") {
    fit <- coxph(Surv(time_days, event) ~ x, data = d, ties = "efron", control = control,
                 cluster = client_id)
  }
  out <- wald(coef(fit), sqrt(diag(vcov(fit))))
  rows[[param]] <- cbind(param = param, out, n = nrow(d), events = sum(d$event),
                         ph_test_p = zph["GLOBAL", "p"], ph_test_p_km = zph_km["GLOBAL", "p"],
                         ph_test_p_term = zph[-nrow(zph), "p"],
                         n_excluded = nrow(all) - nrow(d),
                         n_clients = length(unique(d$client_id)))
}
write_result(rows, "cox")
