# change.csv: follow-up − baseline score per instrument for clients scored at both waves, by
# cohort and by a competitive job started between the index date and the follow-up answer —
# the paired t-test (stats::t.test), Cohen's d_z, and the share reliably improved/deteriorated
# (Jacobson–Truax). docs/methods.md §Change scores.
# Cronbach's alpha needs the item answers, which the analysis files do not hold: it is read
# from the pipeline's results/reliability.csv; everything else is computed here.
source("common.R")
clients <- read_analysis("clients")
jobs <- read_analysis("jobs")
scores <- read_analysis("scores")
scores <- merge(scores[!is.na(scores$score), ], clients[c("client_id", "index_date")],
                by = "client_id")
# the first competitive job started on or after the index date
started <- merge(jobs[jobs$competitive == 1, c("client_id", "start_date")],
                 clients[c("client_id", "index_date")], by = "client_id")
started <- started[started$start_date >= started$index_date, ]
first_job <- tapply(started$start_date, started$client_id, min)
scores$job_by_answer <- !is.na(first_job[scores$client_id]) &
  first_job[scores$client_id] <= as.numeric(scores$response_date)

baseline <- scores[scores$wave == 0, c("client_id", "instrument", "cohort", "score")]
followup <- scores[scores$wave > 0, c("client_id", "instrument", "wave", "score", "job_by_answer")]
pairs <- merge(baseline, followup, by = c("client_id", "instrument"), suffixes = c("0", "1"))
pairs$contrast <- paste0("T0-T", pairs$wave)

alpha <- read.csv(file.path(OUT, "results", "reliability.csv"))
alpha <- setNames(alpha$alpha, alpha$instrument)
baseline_sd <- tapply(baseline$score, baseline$instrument, sd)
LOWER_IS_BETTER <- "self_rated_health"  # 1 very good ... 5 very poor

summarise <- function(p, instrument) {
  change <- p$score1 - p$score0
  n <- length(change)
  t <- if (n >= 2 && sd(change) > 0) t.test(p$score1, p$score0, paired = TRUE) else NULL
  threshold <- 1.96 * sqrt(2) * baseline_sd[[instrument]] * sqrt(1 - alpha[[instrument]])
  better <- if (instrument %in% LOWER_IS_BETTER) -change else change
  data.frame(n = n, baseline_mean = mean(p$score0), baseline_sd = sd(p$score0),
             followup_mean = mean(p$score1), followup_sd = sd(p$score1),
             mean_change = mean(change), sd_change = sd(change),
             ci_lower = if (is.null(t)) NA else t$conf.int[1],
             ci_upper = if (is.null(t)) NA else t$conf.int[2],
             p = if (is.null(t)) NA else t$p.value,
             effect_size = mean(change) / sd(change),
             es_baseline_sd = mean(change) / sd(p$score0),
             n_improved = sum(better > threshold), n_deteriorated = sum(better < -threshold),
             pct_improved = 100 * mean(better > threshold),
             pct_deteriorated = 100 * mean(better < -threshold),
             rci_threshold = threshold, reliability_baseline_sd = baseline_sd[[instrument]])
}

rows <- list()
for (instrument in unique(pairs$instrument)) for (contrast in unique(pairs$contrast)) {
  sel <- pairs[pairs$instrument == instrument & pairs$contrast == contrast, ]
  for (cohort in c("all", unique(sel$cohort))) {
    g <- if (cohort == "all") sel else sel[sel$cohort == cohort, ]
    parts <- list(all = g, yes = g[g$job_by_answer, ], no = g[!g$job_by_answer, ])
    for (group in names(parts)) if (nrow(parts[[group]]) > 0) {
      rows[[length(rows) + 1]] <- cbind(
        instrument = instrument, cohort = cohort, contrast = contrast,
        group_var = if (group == "all") "all" else "competitive_job", group = group,
        summarise(parts[[group]], instrument))
    }
  }
}
rows <- do.call(rbind, rows)
rows$srm <- rows$effect_size  # the standardised response mean is the same quantity
single_item <- is.na(alpha[rows$instrument])  # mean change only
rows[single_item, c("n_improved", "n_deteriorated", "pct_improved", "pct_deteriorated",
                    "rci_threshold")] <- NA
write_result(rows, "change")
