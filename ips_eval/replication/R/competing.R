# competing.csv: time to first job, pilot against RRP — the difference in Aalen–Johansen
# cumulative incidence at each horizon (6 and 12 months, 24 when asked; survival::survfit), Gray's test (cmprsk::cuminc),
# the cause-specific Cox model (survival::coxph, competing exits censored) and the Fine–Gray
# model (survival::finegray + coxph with its weights, robust variance).
# docs/methods.md §Cohort comparison.
source("common.R")
suppressPackageStartupMessages({library(survival); library(cmprsk)})
ttfj <- ttfj_frame()
TIMES <- HORIZON_DAYS
counts <- data.frame(n = nrow(ttfj), events = sum(ttfj$event == 1),
                     competing_events = sum(ttfj$event == 2))

aj <- summary(survfit(Surv(time_days, factor(event, 0:2)) ~ cohort, data = ttfj),
              times = TIMES, extend = TRUE)
# past a cohort's last observed time its incidence is unknown (empty), unless everyone left had
# an event there — as km.R and the pipeline have it (a 24-month horizon beyond a cohort's
# follow-up gives no difference)
known_to <- function(cohort) {
  d <- ttfj[ttfj$cohort == cohort, ]
  last <- d$time_days == max(d$time_days)
  if (all(d$event[last] > 0)) Inf else max(d$time_days)
}
at <- function(cohort, what) {
  value <- aj[[what]][aj$strata == paste0("cohort=", cohort), 2]
  value[TIMES > known_to(cohort)] <- NA
  value
}
diff <- at(PILOT, "pstate") - at(RRP, "pstate")
se <- sqrt(at(PILOT, "std.err")^2 + at(RRP, "std.err")^2)
estimates <- setNames(data.frame(at(PILOT, "pstate"), at(RRP, "pstate")),
                      paste0("estimate_", c(PILOT, RRP)))
rows <- list(cbind(data.frame(param = "TTFJ", model = "cif_difference",
                              term = paste(PILOT, "-", RRP), time_days = TIMES, coef = diff,
                              se = se, ci_lower = diff - Z * se, ci_upper = diff + Z * se,
                              p = 2 * pnorm(-abs(diff / se))), estimates, counts))

gray <- cuminc(ttfj$time_days, ttfj$event, ttfj$cohort)$Tests
rows[[2]] <- data.frame(param = "TTFJ", model = "gray_test", term = "cohort", time_days = NA,
                        coef = gray["1", "stat"], p = gray["1", "pv"], counts)

ttfj$job <- as.numeric(ttfj$event == 1)
m <- dummies(ttfj, CLIENT_COVARIATES, outcome = "job")
d <- m$data; x <- m$x
d$id <- seq_len(nrow(d))
control <- cox_control()
cs <- coxph(Surv(time_days, job) ~ x, data = d, ties = "efron", control = control)
fg <- finegray(Surv(time_days, factor(event, 0:2)) ~ id, data = d, etype = "1")
x_fg <- x[fg$id, , drop = FALSE]
fgfit <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x_fg, weights = fgwt, data = fg,
               control = control)
names(fgfit$coefficients) <- colnames(x)
for (model in c("cause_specific", "fine_gray")) {
  fit <- if (model == "cause_specific") cs else fgfit
  rows[[model]] <- cbind(param = "TTFJ", model = model, time_days = NA,
                         wald(coef(fit), sqrt(diag(vcov(fit)))), n = nrow(d),
                         events = sum(d$job), competing_events = sum(d$event == 2),
                         n_excluded = nrow(ttfj) - nrow(d))
}
write_result(do.call(rbind, lapply(rows, function(r) {
  for (col in c("hr", paste0("estimate_", c(PILOT, RRP)), "n_excluded", "ci_lower",
                "ci_upper", "se")) if (!col %in% names(r)) r[[col]] <- NA
  r[order(names(r))]
})), "competing")
