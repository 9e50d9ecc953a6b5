# logit.csv: logistic model of a competitive job within 12 months among clients followed for
# the full 12 months, on the client-level covariates; odds ratios with Wald CIs — stats::glm.
# glm's default tolerance (epsilon = 1e-8) can stop an iteration early on these data, so the
# model is fitted to convergence, as the pipeline does.
# docs/methods.md §Employment models and summaries, §Attachment to work.
source("common.R")
ttfj <- ttfj_frame()
eligible <- ttfj[ttfj$followup_days >= 365.25, ]
eligible$job <- as.numeric(eligible$event == 1 & eligible$time_days <= 365.25)
m <- dummies(eligible, CLIENT_COVARIATES, outcome = "job")
d <- m$data; x <- m$x
fit <- glm(job ~ x, family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100))
out <- wald(coef(fit), sqrt(diag(vcov(fit))), ratio = "or")
out$term[out$term == "(Intercept)"] <- "intercept"
out$p <- summary(fit)$coefficients[, "Pr(>|z|)"]
write_result(cbind(out, n = nrow(d), events = sum(d$job), n_excluded = nrow(eligible) - nrow(d)),
             "logit")
