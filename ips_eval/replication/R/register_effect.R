# register_effect.csv, methods matched and matched_did: the effect of IPS on the clients (ATT)
# at each month from the start, against their risk-set matches from the register comparison
# group (out/analysis/register_matches.dta, design "effect";
# their months in register_match_months.dta): a weighted regression of the
# outcome on being a client in each month (stats::lm, weights 1 for a client and 1 / k for each
# of its k matches), standard errors cluster-robust by person, CR1 (sandwich::vcovCL, HC1),
# normal 95 % CIs. matched_did subtracts each person's mean over months −12 … −1 first.
# The matching itself is the pipeline's (docs/methods.md §Register effect): taken as given here.
source("common.R")
suppressPackageStartupMessages(library(sandwich))
HISTORY <- 36  # ips-eval run --register-history (default 36); 24 when the extract is shorter
POST <- 24
month_no <- function(d) as.numeric(format(d, "%Y")) * 12 + as.numeric(format(d, "%m")) - 1

# the clients' register months, and their matched comparison persons'
months <- rbind(read_analysis("register_monthly"), read_analysis("register_match_months"))
months <- months[months$covered == 1, ]  # months before the extract's first month: no data
months$month_no <- month_no(months$month)
extract_no <- max(months$month_no)
clients <- read_analysis("clients")
matches <- read_analysis("register_matches")
matches <- matches[matches$design == "effect", ]
if (min(months$rel_month, na.rm = TRUE) > -HISTORY) HISTORY <- 24

# each matched client: its index month and last outcome month (the cut-off's month or the month
# before the extract's month, the earlier)
units <- unique(matches[c("client_id", "index_month")])
units <- merge(units, clients[c("client_id", "pid", "cutoff_date")], by = "client_id")
units$index_no <- month_no(units$index_month)
units$last_no <- pmin(month_no(units$cutoff_date), extract_no - 1)
pairs <- merge(matches[c("client_id", "comparison_pid", "weight")],
               units[c("client_id", "index_no", "last_no")], by = "client_id")

window <- function(rows, who) {  # a unit's months from −H to +24, up to the last outcome month
  rows <- merge(who, rows, by = "pid")
  rows$rel_month <- rows$month_no - rows$index_no
  rows[rows$rel_month >= -HISTORY & rows$month_no <= pmin(rows$last_no, rows$index_no + POST), ]
}
drop_id <- function(rows) rows[setdiff(names(rows), "client_id")]
own <- window(drop_id(months[!is.na(months$client_id), ]),
              data.frame(pid = units$pid, client_id = units$client_id, index_no = units$index_no,
                         last_no = units$last_no, weight = 1, is_client = 1))
others <- window(drop_id(months[is.na(months$client_id), ]),
                 data.frame(pid = pairs$comparison_pid, client_id = pairs$client_id,
                            index_no = pairs$index_no, last_no = pairs$last_no,
                            weight = pairs$weight, is_client = 0))
long <- rbind(own, others)

states <- c("employed", "disability_pension", "sickness_rehabilitation", "student",
            "unemployed", "other")
outcomes <- list(employed = as.numeric(long$main_state == "employed"),
                 earnings_eur = long$earnings_eur, benefits_eur = long$benefits_eur)
for (s in states) outcomes[[paste0("state_", s)]] <- as.numeric(long$main_state == s)

att <- function(d) {  # one month: the ATT and its CR1 standard error, clustered by person
  fit <- lm(y ~ is_client, data = d, weights = weight)
  se <- sqrt(vcovCL(fit, cluster = ~person, type = "HC1")[2, 2])
  data.frame(n_clients = length(unique(d$person[d$is_client == 1])),
             n_comparison = length(unique(d$person[d$is_client == 0])),
             estimate = coef(fit)[[2]], se = se)
}
unit <- paste(long$client_id, long$pid)  # a client, or one of its matches
# the person (the cluster) as a number: sorting 64-character pseudonyms is slow
long <- data.frame(person = match(long$pid, unique(long$pid)), weight = long$weight,
                   is_client = long$is_client, rel_month = long$rel_month)
pre <- long$rel_month >= -12 & long$rel_month <= -1
by_month <- split(seq_len(nrow(long)), long$rel_month)
rows <- list()
for (outcome in names(outcomes)) {
  y <- outcomes[[outcome]]
  # matched_did: the outcome minus the unit's mean over months −12 … −1
  base <- tapply(y[pre & !is.na(y)], unit[pre & !is.na(y)], mean)
  for (method in c("matched", "matched_did")) {
    long$y <- if (method == "matched") y else y - base[unit]
    for (r in names(by_month)) {
      at <- long[by_month[[r]], ]
      at <- at[!is.na(at$y), ]
      if (!any(at$is_client == 1) || !any(at$is_client == 0)) next
      rows[[length(rows) + 1]] <- cbind(outcome = outcome, rel_month = as.integer(r),
                                        method = method, att(at))
    }
  }
}
rows <- do.call(rbind, rows)
rows$ci_lower <- rows$estimate - Z * rows$se
rows$ci_upper <- rows$estimate + Z * rows$se
rows$p <- 2 * pnorm(-abs(rows$estimate / rows$se))
write_result(rows, "register_effect")
