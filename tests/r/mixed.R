# Reference numbers of tests/test_mixed.py (lme4 1.1-31, REML), computed once with
# Rscript tests/r/mixed.R; not run by CI. The optimiser is run to tight tolerances so that the
# reference is lme4's REML optimum itself, not where bobyqa's default tolerance stops.
library(lme4); options(digits = 15)
rows <- list()
for (i in 1:90) for (w in c(0, 6, 12)) {
  if (w > 0 && (i + w) %% 5 == 0) next
  rows[[length(rows) + 1]] <- data.frame(
    client = i, wave = w, rrp = as.numeric(i %% 3 == 0), age = 20 + i %% 40,
    female = as.numeric(i %% 2 == 1), work_history = i %% 4,
    employed = as.numeric(w > 0 && (i + w) %% 5 < 2),
    score = 50 + c(`0` = 0, `6` = 3, `12` = 5)[as.character(w)] + (i * 37) %% 19 - 9 +
      ((i * 13 + w * 7) %% 11 - 5) * 1.5 + 0.1 * (20 + i %% 40) + 2 * (i %% 3 == 0) * (w == 12))
}
d <- do.call(rbind, rows)
d$wave6 <- as.numeric(d$wave == 6); d$wave12 <- as.numeric(d$wave == 12)
ctrl <- lmerControl(optimizer = "nloptwrap",
                    optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-14,
                                   ftol_rel = 1e-15, maxeval = 1e5))
for (f in c("score ~ wave6 + wave12 + rrp + wave6:rrp + wave12:rrp + age + female + work_history",
            "score ~ wave6 + wave12 + rrp + wave6:rrp + wave12:rrp + age + female + work_history + employed")) {
  form <- as.formula(paste(f, "+ (1 | client)"))
  fit <- lmer(form, data = d, REML = TRUE, control = ctrl)
  # the REML criterion is flat to rounding at its optimum: polish θ as the root of the
  # (central-difference) derivative of lme4's own deviance function, then let lme4 compute
  # everything at that θ
  dev <- lmer(form, data = d, REML = TRUE, devFunOnly = TRUE)
  slope <- function(t) (dev(t + 1e-4) - dev(t - 1e-4)) / 2e-4
  theta <- uniroot(slope, getME(fit, "theta") * c(0.99, 1.01), tol = 1e-14)$root
  fit <- lmer(form, data = d, REML = TRUE, start = list(theta = theta),
              control = lmerControl(optimizer = NULL))
  print(nrow(d)); print(fixef(fit)); print(sqrt(diag(as.matrix(vcov(fit)))))
  print(as.data.frame(VarCorr(fit))$vcov); print(REMLcrit(fit))
}
