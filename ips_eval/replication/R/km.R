# km.csv: Kaplan–Meier (tenure) and Aalen–Johansen (time to first job) estimates at each
# follow-up horizon (6 and 12 months, and 24 when the run asked for it: horizons.R) with log-log
# 95 % CIs, by all / cohort / region — survival::survfit.
# docs/methods.md §Time to first job, §Job tenure.
source("common.R")
suppressPackageStartupMessages(library(survival))
tte <- read_analysis("tte")
TIMES <- HORIZON_DAYS  # the run's horizons in days (horizons.R)

groups <- function(d) c(list(list(var = "all", group = "all", rows = d)),
  unlist(lapply(c("cohort", "region"), function(v) lapply(sort(unique(d[[v]]), method = "radix"),
    function(g) list(var = v, group = g, rows = d[d[[v]] == g, ]))), recursive = FALSE))

rows <- list()
for (param in unique(tte$param)) for (g in groups(tte[tte$param == param, ])) {
  d <- g$rows
  if (param == "TTFJ") {
    # F(t) of a first job with service exit (event 2) a competing event; and 1 − KM treating
    # the exit as censoring, the sensitivity line
    fits <- list(AJ = survfit(Surv(time_days, factor(event, 0:2)) ~ 1, data = d,
                              conf.type = "log-log"),
                 KM_competing_as_censored = survfit(Surv(time_days, event == 1) ~ 1, data = d,
                                                    conf.type = "log-log"))
  } else {
    fits <- list(KM = survfit(Surv(time_days, event == 1) ~ 1, data = d, conf.type = "log-log"))
  }
  for (method in names(fits)) {
    s <- summary(fits[[method]], times = TIMES, extend = TRUE)
    if (method == "AJ") {
      est <- s$pstate[, 2]; se <- s$std.err[, 2]; lo <- s$lower[, 2]; hi <- s$upper[, 2]
    } else {
      est <- s$surv; se <- s$std.err; lo <- s$lower; hi <- s$upper
    }
    # past the last observed time the curve is unknown, unless everyone still at risk at that
    # time had an event there (the curve has reached its end)
    last <- d$time_days == max(d$time_days)
    finished <- if (method == "AJ") all(d$event[last] > 0) else all(d$event[last] == 1)
    unknown <- TIMES > max(d$time_days) & !finished
    est[unknown] <- se[unknown] <- lo[unknown] <- hi[unknown] <- NA
    # a KM curve that has reached 0 (every one still at risk had the event): R's std.err is NaN
    # there (0 times an infinite log-scale SE), the pipeline's 0 (a final estimate)
    if (method != "AJ") se[!is.na(est) & est == 0] <- 0
    if (method == "KM_competing_as_censored") {
      est <- 1 - est; lo_ <- 1 - hi; hi <- 1 - lo; lo <- lo_
    }
    rows[[length(rows) + 1]] <- data.frame(
      param = param, group_var = g$var, group = g$group, time_days = TIMES,
      n_at_risk = sapply(TIMES, function(t) sum(d$time_days >= t)),
      n_events = sapply(TIMES, function(t) sum(d$time_days <= t & d$event == 1)),
      estimate = est, ci_lower = lo, ci_upper = hi, method = method, se = se, n = nrow(d))
  }
}
write_result(rows, "km")
