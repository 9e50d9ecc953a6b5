# transition_model.csv: among the register-linked clients, a multinomial logit of the main state
# at +12 and at +6 (reference: unemployed) on the state at m − 1, age band, sex, diagnosis
# group, work history, cohort and the team's fidelity band (its latest IPS-25 review with a
# total; "none" without one) — nnet::multinom, run to convergence; relative-risk ratios with Wald
# CIs; average marginal effects (each level against its reference, the other covariates as
# observed) with delta-method SEs from a numerical gradient. An outcome state under 20 clients
# joins "other", and a covariate's sparse levels are pooled, as the pipeline does.
# docs/methods.md §Transitions.
source("common.R")
suppressPackageStartupMessages(library(nnet))
STATES <- c("employed", "disability_pension", "sickness_rehabilitation", "student",
            "unemployed", "other")
COVARIATES <- c("state_m1", "age_band", "sex", "dx_group", "work_history", "cohort",
                "fidelity_band")
REFS <- c(lapply(REFERENCE, as.character),
          list(state_m1 = "unemployed", age_band = "18-29", fidelity_band = "fair"))
MIN_STATE <- 20

paths <- read_analysis("register_transitions")
paths <- paths[paths$group == "clients", ]
clients <- read_analysis("clients")
d <- merge(paths, clients[c("client_id", "sex", "age", "dx_group", "work_history", "team")],
           by = "client_id")
d$age_band <- cut(d$age, c(17, 29, 44, 64), labels = c("18-29", "30-44", "45-64"))
d$age_band <- as.character(d$age_band)
reviews <- read_analysis("fidelity")
reviews <- reviews[!is.na(reviews$total), ]
reviews <- reviews[order(reviews$team, reviews$review_date), ]
latest <- reviews[!duplicated(reviews$team, fromLast = TRUE), c("team", "band")]
d <- merge(d, latest, by = "team", all.x = TRUE)
d$fidelity_band <- ifelse(is.na(d$band), "none", d$band)
d$work_history <- as.character(d$work_history)
d <- d[order(d$client_id), ]

merge_few <- function(s) {  # a state (not the reference) under MIN_STATE rows becomes "other"
  n <- table(s)
  few <- setdiff(names(n)[n < MIN_STATE], "unemployed")
  ifelse(s %in% few, "other", s)
}

# A covariate's sparse levels (under 20 clients, or the outcome not taking every state in it)
# pooled as "other" (a level of that name joins them) when the pool is not sparse and the
# reference is not; else they join the reference.
pool_levels <- function(v, y, reference, n_states) {
  sparse <- function(mask) sum(mask) < MIN_LEVEL_ROWS || length(unique(y[mask])) < n_states
  few <- Filter(function(l) sparse(v == l), setdiff(unique(v), reference))
  if (!length(few)) return(v)
  pool <- v %in% c(few, "other")
  if (!sparse(v == reference) && !sparse(pool)) v[pool] <- "other"
  else v[v %in% few] <- reference
  v
}

probabilities <- function(x, beta) {  # beta: (states - 1) × terms
  e <- cbind(1, exp(x %*% t(beta)))
  e / rowSums(e)
}

# Newton steps on the multinomial log-likelihood (beta: (states - 1) × terms)
newton <- function(beta, x, y, steps = 10) {
  k <- nrow(beta)
  for (i in seq_len(steps)) {
    p <- probabilities(x, beta)
    resid <- outer(y, seq_len(k) + 1, "==") - p[, -1, drop = FALSE]
    score <- as.vector(crossprod(x, resid))  # term within state, state by state
    info <- matrix(0, k * ncol(x), k * ncol(x))
    for (a in seq_len(k)) for (b in seq_len(k)) {
      w <- p[, a + 1] * ((a == b) - p[, b + 1])
      info[(a - 1) * ncol(x) + seq_len(ncol(x)), (b - 1) * ncol(x) + seq_len(ncol(x))] <-
        crossprod(x, x * w)
    }
    beta <- beta + matrix(solve(info, score), nrow = k, byrow = TRUE)
  }
  beta
}

rows <- list()
# the horizons the dataset carries: its state_<months> columns (+6, +12; +24 when asked)
horizons <- sort(as.integer(sub("^state_", "", grep("^state_[0-9]+$", names(d), value = TRUE))))
for (h in horizons) {
  at <- d[!is.na(d[[paste0("state_", h)]]), ]
  at <- at[complete.cases(at[COVARIATES]), ]
  at$y <- merge_few(at[[paste0("state_", h)]])
  states <- c("unemployed", setdiff(intersect(STATES, unique(at$y)), "unemployed"))
  at$y <- match(at$y, states)
  for (v in COVARIATES) at[[v]] <- pool_levels(at[[v]], at$y, REFS[[v]], length(states))
  m <- dummies(at, COVARIATES, reference = REFS)
  x <- cbind(intercept = 1, m$x)
  y <- factor(m$data$y, levels = seq_along(states))
  fit <- multinom(y ~ m$x, trace = FALSE, maxit = 10000, reltol = 1e-16, abstol = 1e-300)
  # multinom's BFGS stops when the deviance no longer changes (relative 1e-16), some 1e-7 short
  # of the optimum in the coefficients: Newton steps from there to the root of the score, and
  # multinom's own Hessian at that point (started there, no iteration) gives the SEs
  beta <- newton(coef(fit), x, as.integer(y))
  w <- matrix(fit$wts, nrow = length(states), byrow = TRUE)
  w[-1, 1 + seq_len(ncol(x))] <- beta
  fit <- multinom(y ~ m$x, trace = FALSE, Wts = as.vector(t(w)), maxit = 0, Hess = TRUE)
  beta <- coef(fit)
  v <- vcov(fit)
  se <- matrix(sqrt(diag(v)), nrow = nrow(beta), byrow = TRUE)
  terms <- colnames(x)
  dummy <- grep("\\[", terms)
  factor_of <- sub("\\[.*", "", terms)
  ames <- function(b) {  # every dummy's AME on every state, stacked term by term
    beta <- matrix(b, nrow = length(states) - 1, byrow = TRUE)
    unlist(lapply(dummy, function(i) {
      base <- x
      base[, factor_of == factor_of[i] & seq_along(terms) %in% dummy] <- 0
      level <- base
      level[, i] <- 1
      colMeans(probabilities(level, beta)) - colMeans(probabilities(base, beta))
    }))
  }
  b0 <- as.vector(t(beta))
  a <- ames(b0)
  step <- 1e-5
  jac <- sapply(seq_along(b0), function(k) {
    up <- b0; down <- b0
    up[k] <- up[k] + step; down[k] <- down[k] - step
    (ames(up) - ames(down)) / (2 * step)
  })
  a_se <- sqrt(diag(jac %*% v %*% t(jac)))
  a <- matrix(a, nrow = length(states)); a_se <- matrix(a_se, nrow = length(states))
  for (j in seq_along(states)) for (t in seq_along(terms)) {
    k <- match(t, dummy)
    b <- if (j == 1) NA else beta[j - 1, t]
    s <- if (j == 1) NA else se[j - 1, t]
    rows[[length(rows) + 1]] <- data.frame(
      horizon = h, state_to = states[j], term = terms[t], coef = b, rrr = exp(b),
      ci_lower = exp(b - Z * s), ci_upper = exp(b + Z * s), p = 2 * pnorm(-abs(b / s)),
      ame = if (is.na(k)) NA else a[j, k],
      ame_ci_lower = if (is.na(k)) NA else a[j, k] - Z * a_se[j, k],
      ame_ci_upper = if (is.na(k)) NA else a[j, k] + Z * a_se[j, k],
      n = nrow(x), se = s, ame_se = if (is.na(k)) NA else a_se[j, k])
  }
}
write_result(do.call(rbind, rows), "transition_model")
