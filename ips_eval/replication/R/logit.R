# logit.csv: logistic model of a competitive job within 12 months among clients followed for
# the full 12 months, on the client-level covariates; odds ratios with Wald CIs — stats::glm.
# With a longer horizon asked (SUMMARY_MONTHS: 12 and 24), the model within each, and a column
# window_months saying which, as the pipeline writes it.
# glm's default tolerance (epsilon = 1e-8) can stop an iteration early on these data, so the
# model is fitted to convergence, as the pipeline does.
# docs/methods.md §Employment models and summaries, §Attachment to work.
source("common.R")
ttfj <- ttfj_frame()
rows <- list()
for (months in SUMMARY_MONTHS) {
  window <- HORIZON_DAYS[HORIZONS == months]
  eligible <- ttfj[ttfj$followup_days >= window, ]
  eligible$job <- as.numeric(eligible$event == 1 & eligible$time_days <= window)
  m <- dummies(eligible, CLIENT_COVARIATES, outcome = "job")
  d <- m$data; x <- m$x
  fit <- glm(job ~ x, family = binomial, data = d,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  out <- wald(coef(fit), sqrt(diag(vcov(fit))), ratio = "or")
  out$term[out$term == "(Intercept)"] <- "intercept"
  out$p <- summary(fit)$coefficients[, "Pr(>|z|)"]
  out <- cbind(out, n = nrow(d), events = sum(d$job), n_excluded = nrow(eligible) - nrow(d))
  if (length(SUMMARY_MONTHS) > 1) out <- cbind(window_months = months, out)
  rows[[length(rows) + 1]] <- out
}
write_result(rows, "logit")
