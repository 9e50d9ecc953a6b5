# rmst.csv: the median time with its log-log 95 % CI and, for the tenure params, the restricted
# mean to 12 months and to each longer horizon asked (SUMMARY_MONTHS, a row per tau; normal
# CI) — survival::survfit, quantile() and print(rmean = ).
# For time to first job the median is where the Aalen–Johansen incidence of a job reaches 0.5.
# docs/methods.md §Employment models and summaries.
source("common.R")
suppressPackageStartupMessages(library(survival))
tte <- read_analysis("tte")
TAUS <- HORIZON_DAYS[HORIZONS %in% SUMMARY_MONTHS]

groups <- function(d) c(list(list(var = "all", group = "all", rows = d)),
  unlist(lapply(c("cohort", "region"), function(v) lapply(sort(unique(d[[v]]), method = "radix"),
    function(g) list(var = v, group = g, rows = d[d[[v]] == g, ]))), recursive = FALSE))

# quantile.survfit's rule: the first time a curve is at or below 0.5; where it sits on 0.5
# over an interval, the middle of that interval
reaching_half <- function(time, curve, eps = sqrt(.Machine$double.eps)) {
  at <- which(!is.na(curve) & curve <= 0.5 + eps)[1]
  if (is.na(at)) return(NA)
  below <- which(!is.na(curve) & curve < 0.5 - eps)[1]
  if (abs(curve[at] - 0.5) < eps && !is.na(below)) (time[at] + time[below]) / 2 else time[at]
}

rows <- list()
for (param in unique(tte$param)) for (g in groups(tte[tte$param == param, ])) for (TAU in TAUS) {
  d <- g$rows
  row <- data.frame(param = param, group_var = g$var, group = g$group, n = nrow(d),
                    events = sum(d$event == 1), tau_days = TAU)
  if (param == "TTFJ") {
    fit <- survfit(Surv(time_days, factor(event, 0:2)) ~ 1, data = d, conf.type = "log-log")
    # R has no quantile() for a multi-state curve: read the incidence and its log-log band
    # off the curve as quantile.survfit reads a survival curve (1 - F against 0.5)
    median <- sapply(c("pstate", "upper", "lower"),
                     function(k) reaching_half(fit$time, 1 - fit[[k]][, 2]))
    row <- cbind(row, method = "AJ", rmst_days = NA, rmst_se = NA)
  } else {
    fit <- survfit(Surv(time_days, event == 1) ~ 1, data = d, conf.type = "log-log")
    q <- quantile(fit, 0.5)
    median <- c(q$quantile, q$lower, q$upper)
    table <- summary(fit, rmean = TAU)$table
    row <- cbind(row, method = "KM", rmst_days = table[["rmean"]], rmst_se = table[["se(rmean)"]])
  }
  row$median_days <- median[1]; row$median_ci_lower <- median[2]; row$median_ci_upper <- median[3]
  row$rmst_ci_lower <- row$rmst_days - Z * row$rmst_se
  row$rmst_ci_upper <- row$rmst_days + Z * row$rmst_se
  rows[[length(rows) + 1]] <- row
}
write_result(rows, "rmst")
