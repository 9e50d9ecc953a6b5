# mixed.csv: linear mixed models of each instrument's scores over every scored wave, REML with a
# random intercept per client — lme4::lmer. Primary: score ~ wave × cohort + age + sex + work
# history; secondary adds employment at the answer date. Wald CIs. docs/methods.md §Mixed models.
source("common.R")
suppressPackageStartupMessages(library(lme4))
clients <- read_analysis("clients")
jobs <- read_analysis("jobs")
scores <- read_analysis("scores")
d <- merge(scores[!is.na(scores$score), c("client_id", "instrument", "wave", "cohort",
                                          "response_date", "score")],
           clients[c("client_id", "index_date", "age", "sex", "work_history")], by = "client_id")
d <- d[complete.cases(d[c("age", "sex", "work_history")]), ]
# employed on the answer date: in a competitive job started on/after the index date
held <- merge(jobs[jobs$competitive == 1, c("client_id", "start_date", "end_date")],
              clients[c("client_id", "index_date")], by = "client_id")
held <- held[held$start_date >= held$index_date, ]
d$row <- seq_len(nrow(d))
at <- merge(d[c("row", "client_id", "response_date")], held, by = "client_id")
at <- at[at$start_date <= at$response_date &
         (is.na(at$end_date) | at$end_date >= at$response_date), ]
d$employed <- as.numeric(d$row %in% at$row)
d$wave6 <- as.numeric(d$wave == 6); d$wave12 <- as.numeric(d$wave == 12)
d[[RRP]] <- as.numeric(d$cohort == RRP); d$female <- as.numeric(d$sex == "female")

# the later cohort's indicator is named by its code, as the pipeline names the term
primary <- as.formula(sprintf(
  "score ~ wave6 + wave12 + %1$s + wave6:%1$s + wave12:%1$s + age + female + work_history", RRP))
models <- list(primary = primary, secondary = update(primary, . ~ . + employed))

# lmer's optimiser stops where the REML criterion is flat to ~1e-7; the pipeline solves for the
# optimum exactly. Refit at the root of the criterion's derivative in theta (the client SD over
# the residual SD), so that the two agree to 1e-6 and more.
lmer_at_optimum <- function(formula, data) {
  fit <- lmer(formula, data = data, REML = TRUE)
  deviance <- lmer(formula, data = data, REML = TRUE, devFunOnly = TRUE)
  slope <- function(t) (deviance(t + 1e-5) - deviance(t - 1e-5)) / 2e-5
  theta <- getME(fit, "theta")
  if (theta > 1e-4) {
    theta <- uniroot(slope, theta * c(0.9, 1.1), extendInt = "yes", tol = 1e-14)$root
    fit <- lmer(formula, data = data, REML = TRUE, start = list(theta = theta),
                control = lmerControl(optimizer = NULL))
  }
  fit
}

rows <- list()
for (instrument in unique(d$instrument)) for (model in names(models)) {
  x <- d[d$instrument == instrument, ]
  fit <- lmer_at_optimum(update(models[[model]], . ~ . + (1 | client_id)), x)
  est <- fixef(fit); se <- sqrt(diag(as.matrix(vcov(fit))))
  variances <- as.data.frame(VarCorr(fit))$vcov
  rows[[length(rows) + 1]] <- data.frame(
    instrument = instrument, model = model,
    term = c(sub("(Intercept)", "intercept", names(est), fixed = TRUE),
             "var(client)", "var(residual)"),
    estimate = c(est, variances), se = c(se, NA, NA),
    ci_lower = c(est - Z * se, NA, NA), ci_upper = c(est + Z * se, NA, NA),
    p = c(2 * pnorm(-abs(est / se)), NA, NA), n_clients = length(unique(x$client_id)),
    n_obs = nrow(x), reml_criterion = REMLcrit(fit))
}
write_result(rows, "mixed")
