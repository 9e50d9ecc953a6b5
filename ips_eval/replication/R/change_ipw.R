# change_ipw.csv: sensitivity of the change scores to attrition. Among clients with a baseline
# score whose follow-up window had closed: the complete-case mean change (stats::t.test) beside
# the inverse-probability-of-response weighted mean change (survey::svymean), the response
# probability from a logistic model (stats::glm) on cohort, age, sex, diagnosis group, work
# history and the baseline score. docs/methods.md §Attrition.
source("common.R")
suppressPackageStartupMessages(library(survey))
clients <- read_analysis("clients")
scores <- read_analysis("scores")
scores <- scores[!is.na(scores$score) & scores$client_id %in% clients$client_id, ]
LAST_DAY <- c(`6` = 240, `12` = 450)  # the follow-up windows' last day after the index date

rows <- list()
for (wave in c(6, 12)) for (instrument in unique(scores$instrument)) {
  s <- scores[scores$instrument == instrument, ]
  base <- s[s$wave == 0, c("client_id", "score")]
  follow <- s[s$wave == wave, c("client_id", "score")]
  eligible <- merge(clients[as.numeric(clients$cutoff_date - clients$index_date) >=
                              LAST_DAY[[as.character(wave)]], ], base, by = "client_id")
  eligible$change <- follow$score[match(eligible$client_id, follow$client_id)] - eligible$score
  eligible$responded <- as.numeric(!is.na(eligible$change))
  for (cohort in c("all", sort(unique(eligible$cohort)))) {
    g <- if (cohort == "all") eligible else eligible[eligible$cohort == cohort, ]
    key <- data.frame(followup_wave = wave, instrument = instrument, cohort = cohort,
                      n_eligible = nrow(g))
    observed <- g$change[g$responded == 1]
    t <- t.test(observed)
    rows[[length(rows) + 1]] <- cbind(key, method = "complete_case", n = length(observed),
      mean_change = mean(observed), se = t$stderr, ci_lower = t$conf.int[1],
      ci_upper = t$conf.int[2], max_weight = NA, n_excluded = NA)

    m <- dummies(g, c(CLIENT_COVARIATES, "score"), outcome = "responded")
    d <- m$data; x <- m$x
    fit <- glm(responded ~ x, family = binomial, data = d,
               control = glm.control(epsilon = 1e-14, maxit = 100))
    d$w <- 1 / fitted(fit)
    answered <- d[d$responded == 1, ]
    mean_w <- svymean(~change, svydesign(ids = ~1, weights = ~w, data = answered))
    rows[[length(rows) + 1]] <- cbind(key, method = "ipw", n = nrow(answered),
      mean_change = coef(mean_w)[[1]], se = SE(mean_w)[[1]], ci_lower = confint(mean_w)[1],
      ci_upper = confint(mean_w)[2], max_weight = max(answered$w),
      n_excluded = nrow(g) - nrow(d))
  }
}
write_result(rows, "change_ipw")
