# attachment.csv: attachment to work at each horizon (6 and 12 months, 24 when asked:
# horizons.R) among clients followed for the whole window — any competitive job in the window, employed on its last day, days worked (a day
# once over overlapping jobs) — by all / cohort / region, each also without pay-subsidised jobs.
# Plain R. docs/methods.md §Attachment to work.
source("common.R")
clients <- read_analysis("clients")
jobs <- read_analysis("jobs")
jobs <- merge(jobs, clients[c("client_id", "index_date", "cutoff_date")], by = "client_id")
# competitive jobs started from the index date to the cut-off, held to their observed_until
jobs <- jobs[jobs$competitive == 1 & jobs$start_date >= jobs$index_date &
             jobs$start_date <= jobs$cutoff_date, ]

per_client <- function(window_days, subsidised) {
  eligible <- clients[as.numeric(clients$cutoff_date - clients$index_date) >= window_days, ]
  held <- if (subsidised) jobs else jobs[is.na(jobs$pay_subsidy) | jobs$pay_subsidy == 0, ]
  t(sapply(seq_len(nrow(eligible)), function(i) {
    end <- eligible$index_date[i] + floor(window_days)  # the window's last day
    j <- held[held$client_id == eligible$client_id[i] & held$start_date <= end, ]
    days <- unique(unlist(Map(function(a, b) seq(a, min(b, end), by = 1) * (b >= a),
                              as.numeric(j$start_date), as.numeric(j$observed_until))))
    c(any_job = nrow(j) > 0, at_end = any(j$observed_until >= end),
      days = length(setdiff(days, 0)))
  }))
}

rows <- list()
for (months in HORIZONS) {
  window_days <- HORIZON_DAYS[HORIZONS == months]
  eligible <- clients[as.numeric(clients$cutoff_date - clients$index_date) >= window_days, ]
  all <- per_client(window_days, TRUE); excl <- per_client(window_days, FALSE)
  for (var in c("all", "cohort", "region")) {
    group <- if (var == "all") rep("all", nrow(eligible)) else eligible[[var]]
    for (g in sort(unique(group), method = "radix")) {
      k <- group == g; n <- sum(k)
      rows[[length(rows) + 1]] <- data.frame(
        window_months = months, window_days = window_days, group_var = var, group = g,
        n_clients = n, n_any_job = sum(all[k, "any_job"]),
        pct_any_job = 100 * mean(all[k, "any_job"]), n_employed_at_end = sum(all[k, "at_end"]),
        pct_employed_at_end = 100 * mean(all[k, "at_end"]),
        mean_days_worked = mean(all[k, "days"]), median_days_worked = median(all[k, "days"]),
        n_any_job_excl_pay_subsidy = sum(excl[k, "any_job"]),
        pct_any_job_excl_pay_subsidy = 100 * mean(excl[k, "any_job"]),
        n_employed_at_end_excl_pay_subsidy = sum(excl[k, "at_end"]),
        pct_employed_at_end_excl_pay_subsidy = 100 * mean(excl[k, "at_end"]),
        mean_days_worked_excl_pay_subsidy = mean(excl[k, "days"]))
    }
  }
}
write_result(rows, "attachment")
